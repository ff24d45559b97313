"""EKS410, EKS603, EKS604 on hand-built models: every status each rule can give."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eksguard.config import Config
from eksguard.engine import evaluate
from eksguard.findings import Status
from eksguard.live.audit import AuditResult, annotate
from eksguard.model import Addon, Cluster, Estate, Origin, RoleTrust, Text, declared, unknown
from eksguard.rules.live import trust_problem

ARN = "arn:aws:eks:us-east-1:123456789012:cluster/c"
PROVIDER = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
HOST = "oidc.eks.us-east-1.amazonaws.com/id/ABC"


def cluster(**fields: Any) -> Cluster:
    made = Cluster(name="c", source="live", origin=Origin(ARN, resource=ARN))
    for key, value in fields.items():
        setattr(made, key, value)
    return made


def run(rule: str, subject: Cluster) -> list[tuple[Status, str, str]]:
    report = evaluate(Estate(clusters=[subject]), Config(), dt.date(2026, 11, 22), selected=[rule])
    return [(f.status, f.target, f.message.en if f.message else "") for f in report.results]


def statement(condition: dict[str, Any] | None, action: str = "sts:AssumeRoleWithWebIdentity") -> dict[str, Any]:
    made: dict[str, Any] = {"Effect": "Allow", "Principal": {"Federated": PROVIDER}, "Action": action}
    if condition is not None:
        made["Condition"] = condition
    return made


def roles(*statements: dict[str, Any]) -> Any:
    trusts = [RoleTrust(f"arn:aws:iam::123456789012:role/r{i}", Origin(ARN, resource=f"role r{i}"), [s])
              for i, s in enumerate(statements)]
    return declared(trusts, Origin(ARN, resource=PROVIDER))


@pytest.mark.parametrize(("condition", "expected"), [
    (None, "no-sub"),
    ({"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"}}, "no-sub"),
    ({"StringLike": {f"{HOST}:sub": "system:serviceaccount:*:*"}}, "wildcard"),
    ({"StringLike": {f"{HOST}:sub": "system:serviceaccount:apps:job-?"}}, "wildcard"),
    ({"StringNotEquals": {f"{HOST}:sub": "system:serviceaccount:kube-system:x"}}, "negated"),
    ({"StringEquals": {f"{HOST}:sub": "system:serviceaccount:apps:uploader"}}, None),
    ({"StringLike": {f"{HOST}:sub": "system:serviceaccount:apps:uploader"}}, None),
    ({"StringEquals": {f"{HOST.upper()}:SUB": ["system:serviceaccount:a:b", "system:serviceaccount:a:c"]}}, None),
])
def test_trust_problem(condition: dict[str, Any] | None, expected: str | None) -> None:
    problem = trust_problem(statement(condition))
    assert (problem[0] if problem else None) == expected


def test_eks410_statuses() -> None:
    assert run("EKS410", cluster()) == [(Status.NOT_APPLICABLE, "cluster/c", "")]
    assert run("EKS410", cluster(oidc_trusting_roles=roles())) == [(Status.PASS, "cluster/c", "")]
    pinned = statement({"StringEquals": {f"{HOST}:sub": "system:serviceaccount:apps:uploader"}})
    broad = statement({"StringLike": {f"{HOST}:sub": "system:serviceaccount:*:*"}})
    results = run("EKS410", cluster(oidc_trusting_roles=roles(pinned, broad, statement(None, action="sts:TagSession"))))
    assert [(s, t) for s, t, _ in results] == [(Status.FAIL, "cluster/c/iam-role/r1")]
    assert "system:serviceaccount:*:*" in results[0][2]
    denied = unknown(Origin(ARN), Text("not visible: iam:ListRoles permission denied", "x"))
    status, _, message = run("EKS410", cluster(oidc_trusting_roles=denied))[0]
    assert status is Status.UNKNOWN and "iam:ListRoles" in message


def test_eks604_statuses() -> None:
    on, off = declared(True, Origin(ARN)), declared(False, Origin(ARN))
    assert run("EKS604", cluster())[0][0] is Status.NOT_APPLICABLE
    assert run("EKS604", cluster(guardduty_eks_audit_logs=on, guardduty_runtime_monitoring=on))[0][0] is Status.PASS
    status, _, message = run("EKS604", cluster(guardduty_eks_audit_logs=on, guardduty_runtime_monitoring=off))[0]
    assert status is Status.FAIL and "Runtime Monitoring is off" in message and "Audit Log" not in message
    status, _, message = run("EKS604", cluster(guardduty_eks_audit_logs=off,
                                               guardduty_runtime_monitoring=unknown(Origin(ARN))))[0]
    assert status is Status.FAIL and "EKS Audit Log Monitoring is off" in message
    assert run("EKS604", cluster(guardduty_eks_audit_logs=on,
                                 guardduty_runtime_monitoring=unknown(Origin(ARN))))[0][0] is Status.UNKNOWN


def test_eks603_statuses() -> None:
    nothing = declared([], Origin(ARN))
    assert run("EKS603", cluster())[0][0] is Status.NOT_APPLICABLE  # a file: in-cluster installs are invisible
    assert run("EKS603", cluster(addons=[Addon("metrics-server", Origin("eks.yaml", 3))]))[0][0] is Status.PASS
    assert run("EKS603", cluster(observability=declared(["Prometheus: monitoring/prometheus"], Origin(ARN))))[0][0] \
        is Status.PASS
    status, _, message = run("EKS603", cluster(observability=nothing, log_types=declared(["api"], Origin(ARN))))[0]
    assert status is Status.FAIL and "control-plane logs shipped: api" in message
    assert run("EKS603", cluster(observability=unknown(Origin(ARN))))[0][0] is Status.UNKNOWN


def test_annotate_names_the_missing_action_on_unknown_findings() -> None:
    from eksguard.live.api import Gap, Recording
    from eksguard.live.audit import ClusterRun
    from eksguard.live.aws import Target
    from eksguard.live.guard import CallCounter

    subject = cluster(guardduty_eks_audit_logs=unknown(Origin(ARN)), guardduty_runtime_monitoring=unknown(Origin(ARN)))
    estate = Estate(clusters=[subject])
    gap = Gap("guardduty:ListDetectors", "denied", "AccessDeniedException", rules=("EKS604",))
    result = AuditResult(estate, [ClusterRun(Target(None, "us-east-1", "c"), subject, gaps=[gap])], Recording(),
                         CallCounter(), {}, 0.0)
    report = evaluate(estate, Config(), dt.date(2026, 11, 22), selected=["EKS604", "EKS101"])
    annotate(report, result)
    guardduty = next(f for f in report.results if f.rule == "EKS604")
    assert "guardduty:ListDetectors permission denied (AccessDeniedException)" in guardduty.message.en
    assert guardduty.extra["missing_permissions"] == ["guardduty:ListDetectors"]
    assert result.notices() == ["not visible: guardduty:ListDetectors permission denied (AccessDeniedException) "
                                "for c; affects EKS604"]
