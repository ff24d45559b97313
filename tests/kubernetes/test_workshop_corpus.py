"""The EKS Workshop manifests (../shared/corpus/eks-workshop-v2/manifests): ~330 manifests and ~100
kustomizations written by others scan without errors, and findings checked by hand stay put."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.findings import Finding, Status
from eksguard.sources import collect

MANIFESTS = "corpus/eks-workshop-v2/manifests"


@pytest.fixture(scope="module")
def report(shared_root: Path) -> ScanReport:
    return evaluate(collect([str(shared_root / MANIFESTS)], {}), Config(), dt.date(2026, 11, 22))


def _fails(report: ScanReport, rule: str) -> list[Finding]:
    return [f for f in report.results if f.rule == rule and f.status is Status.FAIL]


def _at(findings: list[Finding], suffix: str, line: int) -> list[Finding]:
    return [f for f in findings if f.origin is not None and f.origin.path.endswith(suffix) and f.origin.line == line]


def test_scans_without_errors(report: ScanReport) -> None:
    assert [p for p in report.estate.problems if p.kind != "unresolved-variable"] == []
    assert [(f.rule, f.target, f.message) for f in report.results if f.status is Status.ERROR] == []
    kinds = [i.kind for i in report.estate.inputs]
    assert kinds.count("kubernetes") > 300
    assert kinds.count("helm-template") == 2  # argocd app-of-apps templates: skipped, with a warning
    scopes = report.estate.kube_scopes
    assert scopes and sum(len(s.objects) for s in scopes) > 200


def test_privileged_guardduty_example(report: ScanReport) -> None:
    findings = _fails(report, "EKS501")
    [privileged] = _at(findings, "Guardduty/mount/privileged-pod-example.yaml", 12)
    assert privileged.extra["check"] == "privileged"
    assert privileged.extra["field"] == "spec.containers[0].securityContext.privileged"
    [host_path] = _at(findings, "Guardduty/mount/privileged-pod-example.yaml", 18)
    assert host_path.extra["check"] == "hostPathVolumes"


def test_adot_cluster_role_can_rewrite_aws_auth(report: ScanReport) -> None:
    [finding] = _fails(report, "EKS409")
    assert finding.target.endswith("/ClusterRole/otel-ci-role")
    assert finding.origin is not None and finding.origin.path.endswith("container-insights/adot/clusterrole.yaml")
    assert finding.origin.line == 23


def test_pss_module_baseline_namespace_rejects_the_privileged_patch(report: ScanReport) -> None:
    rejected = {Path(f.target.split("@", 1)[1]).name: f for f in _fails(report, "EKS504")}
    assert set(rejected) == {"baseline-namespace", "restricted-namespace"}
    baseline = rejected["baseline-namespace"]
    assert baseline.origin is not None and baseline.origin.path.endswith("pss-psa/baseline-namespace/deployment.yaml")
    assert baseline.origin.line == 11 and baseline.severity == "high"


def test_wildcard_team_role(report: ScanReport) -> None:
    [finding] = _fails(report, "EKS408")
    assert finding.target.endswith("/carts/Role/carts-team-role")
    assert finding.origin is not None and finding.origin.line == 8
