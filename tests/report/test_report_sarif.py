"""SARIF 2.1.0: valid against the official schema, rule metadata, regions, fixes, suppressions."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from reportkit import SCHEMA, Scan, run_cli

from eksguard.config import Config, Suppression
from eksguard.engine import ScanReport
from eksguard.findings import Status
from eksguard.model import InputProblem
from eksguard.report import render
from eksguard.report.baseline import fingerprint
from eksguard.report.sarif import SECURITY_SEVERITY

HANDSON = """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: handson
  region: ap-northeast-1
  version: "1.35"
vpc:
  clusterEndpoints:
    publicAccess: true
managedNodeGroups:
  - name: ng
    privateNetworking: true
"""


def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(log: dict[str, Any]) -> None:
    errors = sorted(validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def sarif(report: ScanReport, lang: str = "en") -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(report, "sarif", lang=lang, fail_on="high", colour=False))
    return log


def test_the_schema_file_is_the_official_one() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    # the validator really rejects a broken log (so "valid" below means something)
    assert list(validator().iter_errors({"version": "2.1.0", "runs": [{"results": []}]}))


def test_corpus_scan_is_valid_sarif(shared_root: Path, scan: Scan) -> None:
    report = scan([shared_root / "corpus"])
    log = sarif(report)
    assert_valid(log)
    run = log["runs"][0]
    failing = [f for f in report.results if f.status is Status.FAIL]
    assert failing, "the corpus must produce findings for this test to mean anything"
    assert len(run["results"]) == len(failing)
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in report.rules]
    for result, finding in zip(run["results"], failing, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert result["partialFingerprints"]["eksguard/v1"] == fingerprint(finding)
        physical = result["locations"][0].get("physicalLocation")
        if finding.origin is not None and finding.origin.line is not None:
            assert physical["region"]["startLine"] == finding.origin.line
            assert physical["artifactLocation"]["uri"].endswith(Path(finding.origin.path).name)
    # the corpus holds unreadable inputs: they are notifications, and the run is not "successful"
    invocation = run["invocations"][0]
    assert report.estate.problems
    assert invocation["executionSuccessful"] is False
    errors = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert len(errors) == len(report.estate.problems)


def test_rule_metadata(examples_dir: Path, scan: Scan) -> None:
    run = sarif(scan([examples_dir]))["runs"][0]
    levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
    for descriptor in run["tool"]["driver"]["rules"]:
        rule_id = descriptor["id"]
        assert descriptor["helpUri"].endswith(f"/docs/rules/{rule_id}.md")
        assert descriptor["shortDescription"]["text"] and descriptor["fullDescription"]["text"]
        assert "Fix" in descriptor["help"]["text"] and "**Fix**" in descriptor["help"]["markdown"]
        severity = descriptor["properties"]["severity"]
        assert descriptor["defaultConfiguration"]["level"] == levels[severity]
        assert descriptor["properties"].get("security-severity") == SECURITY_SEVERITY.get(severity)
        assert "security" in descriptor["properties"]["tags"]
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}
    assert any(r["level"] == "error" for r in run["results"])


def test_severity_override_sets_the_result_level(tmp_path: Path, scan: Scan) -> None:
    (tmp_path / "c.yaml").write_text(HANDSON)
    report = scan([tmp_path], Config(severity_overrides={"EKS101": "low"}))
    result = next(r for r in sarif(report)["runs"][0]["results"] if r["ruleId"] == "EKS101")
    assert result["level"] == "note"
    assert result["properties"]["severity"] == "low"


def _with_fix(report: ScanReport, rule: str, fix: object) -> ScanReport:
    results = [dataclasses.replace(f, extra={**f.extra, "fix_replacement": fix})
               if f.rule == rule and f.status is Status.FAIL else f for f in report.results]
    return ScanReport(report.estate, results, report.rules, report.notices)


def _apply(text: str, region: dict[str, int], new: str) -> str:
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: region["startLine"] - 1]) + region["startColumn"] - 1
    end = sum(len(line) + 1 for line in lines[: region["endLine"] - 1]) + region["endColumn"] - 1
    return text[:start] + new + text[end:]


def test_fix_replacement_becomes_a_sarif_fix(tmp_path: Path, scan: Scan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path("c.yaml")
    path.write_text(HANDSON)
    line = HANDSON.splitlines().index("    publicAccess: true") + 1
    report = _with_fix(scan([path]), "EKS101", {"path": "c.yaml", "line": line, "old": "true", "new": "false"})
    log = sarif(report)
    assert_valid(log)
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "EKS101")
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "c.yaml", "uriBaseId": "%SRCROOT%"}
    (replacement,) = change["replacements"]
    region = replacement["deletedRegion"]
    assert region == {"startLine": line, "startColumn": 19, "endLine": line, "endColumn": 23}
    fixed = _apply(HANDSON, region, replacement["insertedContent"]["text"])
    assert "    publicAccess: false\n" in fixed and fixed.count("\n") == HANDSON.count("\n")
    assert fix["description"]["text"].startswith("Restrict the public endpoint")


def test_fix_replacement_spanning_lines_and_explicit_column(tmp_path: Path, scan: Scan,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("c.yaml").write_text(HANDSON)
    line = HANDSON.splitlines().index("  clusterEndpoints:") + 1
    old = "clusterEndpoints:\n    publicAccess: true"
    new = "clusterEndpoints:\n    publicAccess: false\n    privateAccess: true"
    report = _with_fix(scan([Path("c.yaml")]), "EKS101",
                       [{"path": "c.yaml", "line": line, "column": 3, "old": old, "new": new},
                        {"path": "c.yaml", "line": "seven", "old": "x", "new": "y"},  # malformed: ignored
                        "not a fix"])
    log = sarif(report)
    assert_valid(log)
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "EKS101")
    (fix,) = result["fixes"]
    region = fix["artifactChanges"][0]["replacements"][0]["deletedRegion"]
    assert region == {"startLine": line, "startColumn": 3, "endLine": line + 1, "endColumn": 23}
    fixed = _apply(HANDSON, region, new)
    assert "    publicAccess: false\n    privateAccess: true\n" in fixed


def test_fix_that_does_not_match_the_file_is_left_out(tmp_path: Path, scan: Scan,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("c.yaml").write_text(HANDSON)
    report = _with_fix(scan([Path("c.yaml")]), "EKS101", {"path": "c.yaml", "line": 2, "old": "nowhere", "new": "x"})
    result = next(r for r in sarif(report)["runs"][0]["results"] if r["ruleId"] == "EKS101")
    assert "fixes" not in result


def test_suppressions_are_sarif_suppressions(tmp_path: Path, scan: Scan) -> None:
    text = HANDSON.replace("    publicAccess: true", "    publicAccess: true  # eksguard:ignore EKS101 lab cluster")
    (tmp_path / "c.yaml").write_text(text)
    config = Config(suppressions=[Suppression("EKS108", "accepted by the platform team")])
    log = sarif(scan([tmp_path], config))
    assert_valid(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert results["EKS101"]["suppressions"] == [{"kind": "inSource", "justification": "lab cluster"}]
    assert results["EKS108"]["suppressions"] == [{"kind": "external",
                                                  "justification": "accepted by the platform team"}]
    assert "suppressions" not in results["EKS103"]


def test_japanese_sarif(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    log = sarif(report, "ja")
    assert_valid(log)
    run = log["runs"][0]
    assert run["language"] == "ja-JP"
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "EKS101")
    assert rule["shortDescription"]["text"] == "Kubernetes API エンドポイントがインターネット全体に公開されています"
    assert rule["helpUri"].endswith("EKS101.md#ja")
    assert "修正方法" in rule["help"]["text"]


def test_rule_errors_and_input_problems_are_notifications(tmp_path: Path, scan: Scan) -> None:
    (tmp_path / "c.yaml").write_text(HANDSON)
    report = scan([tmp_path])
    broken = dataclasses.replace(report.results[0], status=Status.ERROR)
    report.estate.problems.append(InputProblem(str(tmp_path / "bad.yaml"), 3, "invalid YAML: boom"))
    report = ScanReport(report.estate, [broken, *report.results[1:]], report.rules, ["a notice"])
    log = sarif(report)
    assert_valid(log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "error", "note"]
    assert notes[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert notes[1]["associatedRule"]["id"] == broken.rule


def test_inputs_not_checked_are_warnings_in_sarif_and_json(tmp_path: Path, scan: Scan) -> None:
    (tmp_path / "c.yaml").write_text(HANDSON)
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (tmp_path / "chart" / "templates" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n")
    report = scan([tmp_path])
    log = sarif(report)
    assert_valid(log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"]) for n in notes] == [("warning", "input/helm-template")]
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True  # a warning is no failure
    document = json.loads(render(report, "json", lang="en", fail_on="high", colour=False))
    assert [(w["kind"], w["path"].rsplit("/", 1)[-1]) for w in document["warnings"]] == [("helm-template", "pod.yaml")]
    assert document["errors"] == []


def test_cli_writes_sarif(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(HANDSON)
    out = tmp_path / "out.sarif"
    result = run_cli("scan", "c.yaml", "--format", "sarif", "--output", str(out), "--today", "2026-11-22",
                     cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    log = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"c.yaml"}
