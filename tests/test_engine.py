"""The engine: one verdict per rule and subject, the same whether `scan` keeps the model or drops each
cluster and its Kubernetes scopes once their rules ran, and each cluster's findings handed to `after_cluster` while it exists."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from eksguard.config import Config, load_config
from eksguard.engine import ScanReport, _Judge, _judge_scopes, evaluate
from eksguard.findings import SEVERITY_ORDER, Finding, Status
from eksguard.fixes.snippets import annotate, annotate_cluster
from eksguard.model import Cluster
from eksguard.rules import RuleContext, all_rules
from eksguard.sources import collect

TESTS = Path(__file__).parent
EXAMPLES = TESTS.parent / "examples"
INPUTS = [EXAMPLES, TESTS / "fix" / "fixtures" / "cfn", TESTS / "fix" / "fixtures" / "tf",
          TESTS / "rules" / "EKS501"]
TODAY = dt.date(2026, 12, 6)


def report(release: bool, after_cluster: object = None) -> ScanReport:
    estate = collect([str(p) for p in INPUTS], {})
    return evaluate(estate, Config(), TODAY, release_clusters=release,
                    after_cluster=after_cluster)  # type: ignore[arg-type]


def facts(finding: Finding) -> tuple[object, ...]:
    return (finding.rule, finding.status, finding.severity, finding.target, finding.origin, finding.message,
            finding.observed, finding.provenance, finding.suppressed, dict(finding.extra), finding.note)


def test_releasing_clusters_gives_the_same_findings_with_the_same_suggestions() -> None:
    kept = report(release=False)
    annotate(kept)
    released = report(release=True, after_cluster=annotate_cluster)
    assert [facts(f) for f in released.results] == [facts(f) for f in kept.results]
    assert any("fix_snippet" in f.extra for f in released.results)  # the suggestions were made per cluster
    assert released.estate.clusters == [] and released.cluster_count == kept.cluster_count >= 5
    assert released.estate.kube_scopes == [] and kept.estate.kube_scopes


def test_scopes_bound_to_a_cluster_are_judged_with_it_and_released_with_it(tmp_path: Path) -> None:
    (tmp_path / "cluster.yaml").write_text(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: shop, region: us-east-1}\n"
        "managedNodeGroups: [{name: ng, disableIMDSv1: false}]\n")
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n"
        "spec: {containers: [{name: web, image: nginx}]}\n")
    results = {}
    for release in (False, True):
        estate = collect([str(tmp_path)], {})
        assert [s.cluster.name if s.cluster else None for s in estate.kube_scopes] == ["shop"]
        handed: list[str] = []
        done = evaluate(estate, Config(), TODAY, release_clusters=release,
                        after_cluster=lambda cluster, made, seen=handed: seen.append(cluster.name))
        assert handed == ["shop"]
        assert (done.estate.kube_scopes == []) is release and (done.estate.clusters == []) is release
        results[release] = [facts(f) for f in done.results]
    assert results[True] == results[False]
    # EKS505 read the cluster's node hop limit while the cluster still existed
    assert any(f[0] == "EKS505" and f[1] is Status.FAIL and "an IMDS hop limit above 1" in str(f[5])
               for f in results[True])


def test_after_cluster_gets_each_cluster_with_exactly_its_findings() -> None:
    seen: list[tuple[str, list[Finding]]] = []

    def record(cluster: Cluster, findings: list[Finding]) -> None:
        assert cluster.name  # the model is still there
        seen.append((cluster.target, list(findings)))

    done = report(release=True, after_cluster=record)
    assert len(seen) == done.cluster_count
    handed = [f for _, findings in seen for f in findings]
    cluster_findings = [f for f in done.results if f.target.startswith("cluster/")]
    assert sorted(map(id, handed)) == sorted(map(id, cluster_findings))
    for target, findings in seen:
        assert findings and all(f.target == target or f.target.startswith(target + "/") for f in findings)


def test_findings_come_worst_failure_first_then_by_target_and_rule() -> None:
    results = report(release=True).results
    def key(f: Finding) -> tuple[int, str, str]:
        return (-SEVERITY_ORDER[f.severity] if f.status is Status.FAIL else 1, f.target, f.rule)

    assert [key(f) for f in results] == sorted(key(f) for f in results)
    assert results[0].status is Status.FAIL and results[-1].status is not Status.FAIL


def test_a_target_is_one_string_however_many_rules_name_it() -> None:
    results = report(release=True).results
    by_target: dict[str, list[Finding]] = {}
    for finding in results:
        by_target.setdefault(finding.target, []).append(finding)
    busiest = max(by_target.values(), key=len)
    assert len(busiest) > 10 and len({id(f.target) for f in busiest}) == 1


def test_equal_messages_notes_and_observed_values_are_one_object_each() -> None:
    results = report(release=True).results
    for field in ("message", "note", "observed"):
        values = [getattr(f, field) for f in results if getattr(f, field) is not None]
        assert len(values) > len(set(values)) > 1, field  # the inputs repeat some: sharing is tested
        assert len({id(v) for v in values}) == len(set(values)), field


def test_html_keeps_the_model_for_its_security_group_maps(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    subprocess.run([sys.executable, "-m", "eksguard", "scan", str(EXAMPLES), "--format", "html", "-o", str(page),
                    "--today", "2026-12-06"], capture_output=True, text=True, timeout=120)
    assert len(re.findall(r'<figure class="sg-map"', page.read_text(encoding="utf-8"))) >= 3


def test_what_rules_derive_from_a_scope_is_forgotten_before_the_next_scope(tmp_path: Path) -> None:
    """The rules' memo is keyed by object identities; once a scope is released, a later scope's objects may
    reuse them, so the memo holds only the scope being judged (and does not grow with the scan)."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pod.yaml").write_text(
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {name}}}\n"
            "spec: {containers: [{name: web, image: nginx}]}\n")
    (tmp_path / ".eksguard.yaml").write_text("kubernetes:\n  clusters:\n    'a/**': alpha\n    'b/**': beta\n")
    config = load_config(None, [tmp_path])
    estate = collect([str(tmp_path)], {}, options={"config": config})
    scopes = list(estate.kube_scopes)
    assert len(scopes) == 2
    ctx = RuleContext(config, TODAY)
    judge = _Judge(estate, config, TODAY)
    _judge_scopes(judge, [r for r in all_rules() if r.subject == "kubernetes"], list(scopes), ctx)
    last = {id(obj) for obj in scopes[-1].objects}
    assert ctx.memo and all(key[1] in last for key in ctx.memo if key[0] == "templates")
    assert not any(key[1] in {id(obj) for obj in scopes[0].objects} for key in ctx.memo if key[0] == "templates")
