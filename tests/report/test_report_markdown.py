"""Markdown for pull-request comments: counts, top findings, fixes, suggested changes, escaping."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from reportkit import Scan

from eksguard.engine import ScanReport
from eksguard.findings import SEVERITY_ORDER
from eksguard.report import render
from eksguard.report.markdown import TOP

CLEAN = """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: clean, region: ap-northeast-1, version: "1.35"}
vpc:
  clusterEndpoints: {publicAccess: false, privateAccess: true}
  controlPlaneOnPrivateSubnets: true
iam: {withOIDC: true}
accessConfig: {authenticationMode: API, bootstrapClusterCreatorAdminPermissions: false}
cloudWatch: {clusterLogging: {enableTypes: [api, audit, authenticator]}}
secretsEncryption: {keyARN: "arn:aws:kms:ap-northeast-1:111122223333:key/abc"}
managedNodeGroups:
  - {name: ng, privateNetworking: true, disablePodIMDS: true, volumeEncrypted: true}
"""


def markdown(report: ScanReport, lang: str = "en", fail_on: str = "high") -> str:
    return render(report, "markdown", lang=lang, fail_on=fail_on, colour=False)


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if line.startswith("| ") and not line.startswith(("| Severity", "| --- "))]


def test_headline_counts_and_top_findings(shared_root: Path, scan: Scan) -> None:
    report = scan([shared_root / "corpus" / "eksctl-examples"])
    text = markdown(report)
    failures = report.failures
    blocking = sum(1 for f in failures if f.severity_rank >= SEVERITY_ORDER["high"])
    assert text.startswith(f"### ❌ eksguard: {len(failures)} finding(s) · {blocking} at or above high\n")
    for severity in ("critical", "high", "medium"):
        count = sum(1 for f in failures if f.severity == severity)
        assert f"{severity} **{count}**" in text
    rows = _table_rows(text)
    assert len(rows) == TOP
    assert len(failures) > TOP and f"… and {len(failures) - TOP} more." in text
    # most severe first
    ranks = [SEVERITY_ORDER[re.search(r"(critical|high|medium|low|info)", row).group(1)] for row in rows]  # type: ignore[union-attr]
    assert ranks == sorted(ranks, reverse=True)
    # one fix per failing rule, in the collapsed section
    fixes = text.split("<details>", 1)[1]
    for rule in {f.rule for f in failures}:
        assert fixes.count(f"**[{rule}](") == 1
    assert len(text) < 65536  # GitHub's comment limit


def test_clean_scan(tmp_path: Path, scan: Scan) -> None:
    (tmp_path / "c.yaml").write_text(CLEAN)
    report = scan([tmp_path])
    text = markdown(report, fail_on="medium")
    if report.failures:  # a rule added later may still find something: then the headline says so
        assert text.startswith("### ")
    else:
        assert text.startswith("### ✅ eksguard: No findings.")
        assert "<details>" not in text


def test_suggested_changes_from_fix_replacement(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    finding = next(f for f in report.failures if f.rule == "EKS101")
    fix = {"path": "examples/handson-cluster.yaml", "line": 8, "old": "publicAccess: true",
           "new": "publicAccess: true\n    publicAccessCIDRs: [\"203.0.113.10/32\"]"}
    results = [dataclasses.replace(f, extra={"fix_replacement": fix}) if f is finding else f for f in report.results]
    text = markdown(ScanReport(report.estate, results, report.rules, report.notices))
    assert "#### Suggested changes" in text
    assert ("```diff\n-publicAccess: true\n+publicAccess: true\n+    publicAccessCIDRs: [\"203.0.113.10/32\"]\n```"
            in text)
    assert "EKS101 — `examples/handson-cluster.yaml`, line 8" in text


def test_cells_are_escaped(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    finding = report.failures[0]
    odd = dataclasses.replace(finding, target="cluster/a|b<script>alert(1)</script>")
    results = [odd if f is finding else f for f in report.results]
    text = markdown(ScanReport(report.estate, results, report.rules, report.notices))
    assert "<script>" not in text
    assert "cluster/a\\|b&lt;script&gt;alert(1)&lt;/script&gt;" in text
    header = next(line for line in text.splitlines() if line.startswith("| Severity"))
    row = next(line for line in _table_rows(text) if "a\\|b" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == len(re.findall(r"\|", header))


def test_japanese_markdown(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    text = markdown(report, "ja")
    assert text.startswith(f"### ❌ eksguard: 指摘 {len(report.failures)} 件 · 重大度「高」以上")
    assert "| 重大度 | ルール | 内容 | 場所 |" in text
    assert "<b>修正方法</b>（" in text
    for rule in report.rules:
        assert rule.title.en not in text
