"""The Kubernetes side: an EKS token made from STS, a kubeconfig context, paging, `--no-kubernetes`."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from live_estates import article_000, kube_objects
from live_fakes import FakeEks

from eksguard.findings import Status
from eksguard.live.audit import AuditError, AuditOptions, run_audit
from eksguard.live.permissions import KUBE_READS

pytestmark = pytest.mark.live


def test_eks_token_from_sts(aws: FakeEks, kube_server: Any) -> None:
    kube = kube_server(kube_objects())
    article_000(aws, kube_url=kube.url)
    result = run_audit(AuditOptions(regions=("us-east-1",), max_attempts=1))
    assert result.runs[0].scope is not None
    assert result.estate.extras["live.kubernetes.versions"]["cluster/handson"] == {
        "server": "v1.31.4-eks-2d5f260", "kubelets": ["v1.31.4-eks-1"]}
    headers = set(kube.authorizations)
    assert len(headers) == 1  # one token for every request of the cluster
    scheme, token = headers.pop().split(" ", 1)
    assert scheme == "Bearer" and token.startswith("k8s-aws-v1.")
    encoded = token[len("k8s-aws-v1."):]
    assert "=" not in encoded  # base64url without padding
    url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert query["Action"] == ["GetCallerIdentity"]
    assert query["X-Amz-Expires"] == ["60"]
    assert "x-k8s-aws-id" in query["X-Amz-SignedHeaders"][0].split(";")
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert f"{parts.scheme}://{parts.netloc}" == aws.upstream.geturl().rstrip("/")  # STS at AWS_ENDPOINT_URL


def test_kubeconfig_context(aws: FakeEks, kube_server: Any, tmp_path: Path) -> None:
    kube = kube_server(kube_objects(masters=False))
    article_000(aws)  # no API endpoint override: only the context can reach the fake
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "other",
        "clusters": [{"name": "fake", "cluster": {"server": kube.url}}],
        "users": [{"name": "auditor", "user": {"token": "static-token-for-tests"}}],
        "contexts": [{"name": "handson", "context": {"cluster": "fake", "user": "auditor"}},
                     {"name": "other", "context": {"cluster": "nowhere", "user": "auditor"}}]}))
    result = run_audit(AuditOptions(regions=("us-east-1",), context="handson", kubeconfig=str(kubeconfig),
                                    max_attempts=1))
    assert set(kube.authorizations) == {"Bearer static-token-for-tests"}
    cluster = result.estate.clusters[0]
    assert cluster.identity_mappings is not None
    assert [m.arn for m in cluster.identity_mappings] == ["arn:aws:iam::123456789012:role/handson-node"]


def test_context_with_several_clusters_is_refused(aws: FakeEks) -> None:
    article_000(aws)
    article_000(aws, name="second")
    with pytest.raises(AuditError, match="--context names one cluster"):
        run_audit(AuditOptions(regions=("us-east-1",), context="handson", max_attempts=1))


def test_lists_are_paged(aws: FakeEks, kube_server: Any) -> None:
    objects = kube_objects(namespaces=7)
    kube = kube_server(objects, page_size=3)
    article_000(aws, kube_url=kube.url)
    result = run_audit(AuditOptions(regions=("us-east-1",), max_attempts=1))
    scope = result.runs[0].scope
    assert scope is not None
    assert len(scope.namespaces) == 9  # default, kube-system, team-0..6: every page was read
    namespace_requests = [p for _, p in kube.requests if p == "/api/v1/namespaces"]
    assert len(namespace_requests) == 3
    assert len(kube.requests) > len(KUBE_READS)


def test_no_kubernetes(aws: FakeEks, kube_server: Any) -> None:
    kube = kube_server(kube_objects())
    article_000(aws, kube_url=kube.url)
    import datetime as dt

    from eksguard.config import Config
    from eksguard.engine import evaluate

    result = run_audit(AuditOptions(regions=("us-east-1",), kubernetes=False, max_attempts=1))
    assert kube.requests == []
    assert result.estate.kube_scopes == []
    report = evaluate(result.estate, Config(), dt.date(2026, 11, 22))
    by_rule = {f.rule: f.status for f in report.results if f.target == "cluster/handson"}
    assert by_rule["EKS402"] is Status.NOT_APPLICABLE  # aws-auth is on the Kubernetes side
    assert by_rule["EKS603"] is Status.PASS  # the metrics-server addon is visible from the EKS API


def test_unreachable_api_server_is_one_gap(aws: FakeEks) -> None:
    article_000(aws, kube_url="http://127.0.0.1:9")  # discard port: nothing answers
    result = run_audit(AuditOptions(regions=("us-east-1",), max_attempts=1, timeout=2))
    gaps = result.runs[0].gaps
    assert [g.action for g in gaps] == ["Kubernetes API"]
    assert gaps[0].kind == "timeout"
    assert result.estate.clusters[0].name == "handson"
    assert any(n.startswith("not visible: Kubernetes API timed out or unreachable") for n in result.notices())


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from eksguard.live.audit import _Progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert _Progress(True, 3).bar is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert _Progress(False, 3).bar is None  # --quiet
    progress = _Progress(True, 3)
    assert progress.bar is not None
    progress.advance("prod")
    assert progress.bar.tasks[0].completed == 1
    progress.close()


def _report(result: Any) -> Any:
    import datetime as dt

    from eksguard.config import Config
    from eksguard.engine import evaluate
    from eksguard.live.audit import annotate

    report = evaluate(result.estate, Config(), dt.date(2026, 11, 22))
    annotate(report, result)
    return report


def test_a_denied_list_makes_its_rules_unknown_not_clean(aws: FakeEks, kube_server: Any) -> None:
    kube = kube_server(kube_objects())
    kube.status_overrides["/api/v1/pods"] = 403
    kube.status_overrides["/api/v1/namespaces"] = 403
    article_000(aws, kube_url=kube.url)
    report = _report(run_audit(AuditOptions(regions=("us-east-1",), max_attempts=1)))
    scope_results = {(f.rule, f.status) for f in report.results if f.target == "kubernetes/handson"}
    for rule_id in ("EKS501", "EKS502", "EKS503", "EKS504"):  # each reads pods or namespaces
        assert (rule_id, Status.UNKNOWN) in scope_results
        assert (rule_id, Status.PASS) not in scope_results and (rule_id, Status.NOT_APPLICABLE) not in scope_results
    unknown = next(f for f in report.results if f.rule == "EKS501" and f.target == "kubernetes/handson")
    assert "list pods permission denied (403)" in unknown.message.en
    assert "取得できません: list pods が権限がありません (403)" in unknown.message.ja
    assert unknown.extra["missing_permissions"] == ["list pods"]
    # what could be read is still judged: the privileged Deployment fails on its own target
    assert any(f.rule == "EKS501" and f.status is Status.FAIL and f.target.endswith("/Deployment/web")
               for f in report.results)
    # a rule whose reads all succeeded keeps its verdicts: RBAC was readable
    assert ("EKS406", Status.UNKNOWN) not in scope_results
    assert any(f.rule == "EKS406" and f.status is Status.FAIL for f in report.results)


def test_a_denied_aws_auth_makes_its_rules_unknown(aws: FakeEks, kube_server: Any) -> None:
    kube = kube_server(kube_objects())
    kube.status_overrides["/api/v1/namespaces/kube-system/configmaps/aws-auth"] = 403
    article_000(aws, kube_url=kube.url)
    report = _report(run_audit(AuditOptions(regions=("us-east-1",), max_attempts=1)))
    by_rule = {f.rule: f for f in report.results if f.target == "cluster/handson"}
    for rule_id in ("EKS402", "EKS404"):
        assert by_rule[rule_id].status is Status.UNKNOWN, rule_id
        assert "aws-auth could not be read: not visible: get configmaps permission denied (403)" in \
            (by_rule[rule_id].message.en if by_rule[rule_id].message else "")
    assert by_rule["EKS402"].message is not None and "aws-auth を読み取れませんでした" in by_rule["EKS402"].message.ja


def test_an_unreachable_api_server_leaves_every_kubernetes_rule_unknown(aws: FakeEks) -> None:
    article_000(aws, kube_url="http://127.0.0.1:9")
    report = _report(run_audit(AuditOptions(regions=("us-east-1",), max_attempts=1, timeout=2)))
    kubernetes_rules = {rule for read in KUBE_READS for rule in read.rules}
    scope = {f.rule: f for f in report.results if f.target == "kubernetes/handson"}
    expected = {r for r in kubernetes_rules if r in scope}
    assert {"EKS501", "EKS406", "EKS503"} <= expected
    assert all(scope[r].status is Status.UNKNOWN for r in expected)
    assert "Kubernetes API timed out or unreachable" in scope["EKS501"].message.en
    assert not any(f.target.startswith("kubernetes/handson/") for f in report.results)  # nothing was read


def test_the_ignore_annotation_suppresses_on_live_objects(aws: FakeEks, kube_server: Any) -> None:
    objects = kube_objects()
    web = next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == "web")
    web["metadata"]["annotations"]["eksguard.io/ignore"] = "EKS501"
    kube = kube_server(objects)
    article_000(aws, kube_url=kube.url)
    report = _report(run_audit(AuditOptions(regions=("us-east-1",), max_attempts=1)))
    web_findings = {f.rule: f for f in report.results
                    if f.target == "kubernetes/handson/team-0/Deployment/web" and f.status is Status.FAIL}
    assert web_findings["EKS501"].suppressed == "annotation eksguard.io/ignore"
    assert web_findings["EKS411"].suppressed is None  # only the rules it names
    assert web_findings["EKS501"] not in report.failures and web_findings["EKS411"] in report.failures
