"""JUnit XML: parses with a standard XML parser, one test case per rule and target, counts match."""

from __future__ import annotations

import dataclasses
import xml.dom.minidom
import xml.etree.ElementTree as ET
from pathlib import Path

from reportkit import Scan

from eksguard.engine import ScanReport
from eksguard.findings import Status
from eksguard.model import Text
from eksguard.report import render
from eksguard.report.common import cluster_of


def junit(report: ScanReport, lang: str = "en") -> ET.Element:
    text = render(report, "junit", lang=lang, fail_on="high", colour=False)
    xml.dom.minidom.parseString(text.encode("utf-8"))  # a second, independent standard parser
    return ET.fromstring(text.encode("utf-8"))


def _counts(element: ET.Element) -> dict[str, int]:
    return {key: int(element.get(key, "-1")) for key in ("tests", "failures", "errors", "skipped")}


def test_corpus_counts_match_the_findings(shared_root: Path, scan: Scan) -> None:
    report = scan([shared_root / "corpus"])
    root = junit(report)
    cases = root.findall("./testsuite/testcase")
    pairs = {(f.rule, f.target) for f in report.results}
    failing_pairs = {(f.rule, f.target) for f in report.failures}
    assert report.failures, "the corpus must produce findings for this test to mean anything"
    assert _counts(root) == {
        "tests": len(pairs) + len(report.estate.problems),
        "failures": len(failing_pairs),
        "errors": len(report.estate.problems) + len({(f.rule, f.target) for f in report.results
                                                     if f.status is Status.ERROR} - failing_pairs),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    assert len(cases) == _counts(root)["tests"]
    assert len(root.findall("./testsuite/testcase/failure")) == len(failing_pairs)
    # every failure carries the message of its finding, its severity and its location
    cases_by_name = {(c.get("classname"), c.get("name")): c for c in cases}
    for finding in report.failures:
        cluster = cluster_of(finding.target)
        name = f"{finding.rule} {finding.slug}" + (f" [{finding.target}]" if finding.target != cluster else "")
        failure = cases_by_name[(cluster, name)].find("failure")
        assert failure is not None and finding.message is not None
        assert finding.message.en in (failure.text or "")
        assert failure.get("type") in {f.severity for f in report.failures
                                       if (f.rule, f.target) == (finding.rule, finding.target)}
    # every suite's counts add up
    for suite in root.findall("testsuite"):
        children = suite.findall("testcase")
        assert _counts(suite)["tests"] == len(children)
        assert _counts(suite)["failures"] == sum(1 for c in children if c.find("failure") is not None)
        assert _counts(suite)["errors"] == sum(1 for c in children if c.find("error") is not None)
        assert _counts(suite)["skipped"] == sum(1 for c in children if c.find("skipped") is not None)


def test_examples_one_case_per_rule_and_target(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    root = junit(report)
    names = [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]
    assert len(names) == len(set(names)) == len({(f.rule, f.target) for f in report.results})
    node_case = next(c for c in root.iter("testcase") if "/nodegroup/" in (c.get("name") or ""))
    assert node_case.get("classname", "").startswith("cluster/")
    assert all(c.get("file") and c.get("line") for c in root.iter("testcase") if c.find("failure") is not None)


def test_several_findings_of_one_rule_and_target_are_one_failure(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    first = report.failures[0]
    second = dataclasses.replace(first, message=Text("second problem", "二つ目の問題"))
    report = ScanReport(report.estate, [*report.results, second], report.rules, report.notices)
    root = junit(report)
    failures = [c.find("failure") for c in root.iter("testcase")
                if c.find("failure") is not None and (c.get("name") or "").startswith(first.rule)
                and c.get("classname") == first.target.split("/nodegroup/")[0]]
    merged = [f for f in failures if f is not None and "second problem" in (f.text or "")]
    assert len(merged) == 1
    assert "(2 finding(s) for this rule and target)" in merged[0].get("message", "")


def test_statuses_map_to_junit_elements(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    failing = report.failures[0]
    results = [dataclasses.replace(f, suppressed="accepted") if f is failing else f for f in report.results]
    results.append(dataclasses.replace(failing, rule=failing.rule, target=failing.target + "/nodegroup/x",
                                       status=Status.ERROR, message=Text("rule failed: boom", "失敗: boom")))
    root = junit(ScanReport(report.estate, results, report.rules, report.notices), "ja")
    suppressed = [c for c in root.iter("testcase") if c.find("skipped") is not None
                  and c.find("skipped").get("message") == "抑制済み: accepted"]  # type: ignore[union-attr]
    assert len(suppressed) == 1
    errors = [c.find("error") for c in root.iter("testcase") if c.find("error") is not None]
    assert [e.get("message") for e in errors if e is not None] == ["失敗: boom"]
    assert int(root.get("errors", "0")) == 1


def test_invalid_xml_characters_do_not_break_the_document(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    finding = report.failures[0]
    odd = dataclasses.replace(finding, message=Text("bad \x01 byte & <tag> \"quote\"", "不正 \x01"))
    results = [odd if f is finding else f for f in report.results]
    root = junit(ScanReport(report.estate, results, report.rules, report.notices))
    messages = [f.get("message", "") for f in root.iter("failure")]
    assert any(m.startswith("bad \ufffd byte & <tag> \"quote\"") for m in messages)
