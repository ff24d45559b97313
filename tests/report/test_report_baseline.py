"""Baselines: accepted findings stay accepted when lines move; new mistakes are reported."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from reportkit import Scan, run_cli

from eksguard.findings import Finding, Status
from eksguard.model import Origin
from eksguard.report.baseline import (
    BaselineError,
    apply_baseline,
    create_baseline,
    fingerprint,
    load_baseline,
)

CLUSTER = """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: team-a
  region: ap-northeast-1
  version: "1.35"
vpc:
  clusterEndpoints:
    publicAccess: true
    privateAccess: true
  publicAccessCIDRs: ["203.0.113.10/32"]
iam:
  withOIDC: true
managedNodeGroups:
  - name: web
    privateNetworking: true
"""


def _scan_json(folder: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = run_cli("scan", ".", "--today", "2026-11-22", "--format", "json", "--fail-on", "low", *extra,
                     cwd=folder)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_line_moves_are_not_new_and_new_mistakes_are(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    cluster = repo / "cluster.yaml"
    cluster.write_text(CLUSTER)
    created = run_cli("scan", ".", "--today", "2026-11-22", "--baseline-create", ".eksguard-baseline.json",
                      "--fail-on", "low", cwd=repo)
    assert created.returncode == 0, created.stderr  # today's findings are accepted
    baseline = json.loads((repo / ".eksguard-baseline.json").read_text())
    assert baseline["findings"], "the cluster must have findings for this test to mean anything"
    accepted = {(e["rule"], e["target"]) for e in baseline["findings"]}

    # a line added above every finding: the same findings, on other lines, are not new
    cluster.write_text("# owned by team A\n# reviewed 2026-11\n" + CLUSTER)
    code, report = _scan_json(repo, "--baseline", ".eksguard-baseline.json")
    assert report["findings"] == [] and code == 0
    assert {(f["rule"], f["target"]) for f in report["suppressed"]} == accepted
    assert any("already in the baseline" in n for n in report["notices"])

    # a new mistake: SSH from the internet on a new public node group
    cluster.write_text(cluster.read_text() + "  - name: debug\n    ssh:\n      allow: true\n")
    code, report = _scan_json(repo, "--baseline", ".eksguard-baseline.json")
    new = {(f["rule"], f["target"]) for f in report["findings"]}
    assert new and all(target == "cluster/team-a/nodegroup/debug" for _, target in new)
    assert ("EKS201", "cluster/team-a/nodegroup/debug") in new
    assert code == 1

    # without the baseline every finding is back
    code, report = _scan_json(repo)
    assert accepted <= {(f["rule"], f["target"]) for f in report["findings"]}


def test_fingerprint_ignores_line_and_message_not_identity(tmp_path: Path, scan: Scan) -> None:
    (tmp_path / "c.yaml").write_text(CLUSTER)
    finding = scan([tmp_path]).failures[0]
    assert finding.origin is not None
    same = [
        dataclasses.replace(finding, origin=dataclasses.replace(finding.origin, line=99, column=1)),
        dataclasses.replace(finding, message=None),
        dataclasses.replace(finding, origin=dataclasses.replace(finding.origin,
                                                                pointer=finding.origin.pointer.replace("0", "3"))),
    ]
    assert {fingerprint(f) for f in same} == {fingerprint(finding)}
    different = [
        dataclasses.replace(finding, rule="EKS999"),
        dataclasses.replace(finding, target=finding.target + "/nodegroup/other"),
        dataclasses.replace(finding, origin=dataclasses.replace(finding.origin, path=str(tmp_path / "other.yaml"))),
        dataclasses.replace(finding, observed=(finding.observed or "") + " changed"),
    ]
    assert len({fingerprint(f) for f in different} | {fingerprint(finding)}) == len(different) + 1


def test_list_indices_do_not_matter() -> None:
    def at(pointer: str) -> Finding:
        return Finding("EKS201", "x", "high", Status.FAIL, "cluster/a/nodegroup/web", Origin("c.yaml", 3, 1, pointer),
                       None, None, None)

    assert fingerprint(at("managedNodeGroups[0].privateNetworking")) == \
        fingerprint(at("managedNodeGroups[4].privateNetworking"))
    assert fingerprint(at("Resources.Ng.Properties.Subnets.0")) == fingerprint(at("Resources.Ng.Properties.Subnets.2"))
    assert fingerprint(at("managedNodeGroups[0].privateNetworking")) != fingerprint(at("managedNodeGroups[0].ssh"))


def test_identical_findings_are_counted(tmp_path: Path, scan: Scan) -> None:
    (tmp_path / "c.yaml").write_text(CLUSTER)
    report = scan([tmp_path])
    baseline = tmp_path / "b.json"
    assert create_baseline(report, baseline) == len(report.failures)
    twice = dataclasses.replace(report, results=[*report.results, report.failures[0]])
    applied = apply_baseline(twice, baseline, "en")
    assert len(applied.failures) == 1  # the duplicate is new: the baseline accepted only one
    assert applied.failures[0].rule == report.failures[0].rule
    assert all(f.suppressed for f in applied.results if f.status.value == "fail" and f not in applied.failures)


def test_paths_are_relative_to_the_baseline_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "eks").mkdir(parents=True)
    (repo / "eks" / "c.yaml").write_text(CLUSTER)
    assert run_cli("scan", "eks", "--baseline-create", "baseline.json", cwd=repo).returncode == 0
    entries = json.loads((repo / "baseline.json").read_text())["findings"]
    assert {e["path"] for e in entries} == {"eks/c.yaml"}
    # scanned from another folder, with another relative path: still the same findings
    result = run_cli("scan", "repo/eks/c.yaml", "--baseline", "repo/baseline.json", "--format", "json",
                     "--today", "2026-11-22", cwd=tmp_path)
    assert json.loads(result.stdout)["findings"] == []
    assert result.returncode == 0


def test_baseline_file_is_deterministic(tmp_path: Path, scan: Scan) -> None:
    (tmp_path / "c.yaml").write_text(CLUSTER)
    report = scan([tmp_path])
    create_baseline(report, tmp_path / "one.json")
    shuffled = dataclasses.replace(report, results=list(reversed(report.results)))
    create_baseline(shuffled, tmp_path / "two.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    text = (tmp_path / "one.json").read_text()
    assert '"line"' not in text and "2026" not in text


def test_bad_baselines_are_errors(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(CLUSTER)
    missing = run_cli("scan", ".", "--baseline", "missing.json", cwd=tmp_path)
    assert missing.returncode == 2 and "Cannot use the baseline missing.json" in missing.stderr
    (tmp_path / "bad.json").write_text('{"findings": "no"}')
    bad = run_cli("scan", ".", "--baseline", "bad.json", "--lang", "ja", cwd=tmp_path)
    assert bad.returncode == 2 and "eksguard のベースラインファイルではありません" in bad.stderr
    both = run_cli("scan", ".", "--baseline", "bad.json", "--baseline-create", "x.json", cwd=tmp_path)
    assert both.returncode == 2 and "cannot be used together" in both.stderr
    assert not (tmp_path / "x.json").exists()
    with pytest.raises(BaselineError):
        load_baseline(tmp_path / "c.yaml", "en")


def test_fingerprints_stay_what_earlier_versions_wrote(tmp_path: Path) -> None:
    """Baseline files hold these digests: any change of the recipe would un-baseline every finding."""
    inside = Finding("EKS101", "endpoint-public", "high", Status.FAIL, "cluster/prod",
                     Origin(str(tmp_path / "clusters" / "prod.yaml"), 7, 5, "vpc.clusterEndpoints[0].publicAccess"),
                     "publicAccess=true", "declared", None)
    outside = Finding("EKS207", "x", "high", Status.FAIL, "cluster/日本",
                      Origin("/elsewhere/t.yaml", 3, 1, "Resources.Sg.Properties.SecurityGroupIngress.0.CidrIp", "arn:x"),
                      "tcp 22 from 0.0.0.0/0", "declared", None)
    assert fingerprint(inside, tmp_path) == "353ff2d72d475e5772c8c430777eb291"
    assert fingerprint(outside, tmp_path) == "84fd8565af32275f6a6b04941368f749"
