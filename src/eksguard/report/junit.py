"""JUnit XML for CI test reports: one test case per rule and target.

One `<testsuite>` per cluster (the targets of a cluster: node groups, aws-auth entries ...),
one `<testcase>` per rule and target: a `<failure>` when the rule fails there (all messages of
that rule and target in one failure), `<error>` when the rule itself failed, `<skipped>` when it is
suppressed, could not be decided, or does not apply; passing otherwise. Inputs that could not be
read are `<error>` test cases of an extra suite, `inputs`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from eksguard.engine import ScanReport
from eksguard.findings import Finding, Status
from eksguard.i18n import message, provenance_text, severity_name
from eksguard.report.common import cluster_of
from eksguard.rules import Rule

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# the order in which one status of a rule and target outranks another
_RANK = {"failure": 5, "error": 4, "suppressed": 3, "unknown": 2, "pass": 1, "not_applicable": 0}


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _outcome(finding: Finding) -> str:
    if finding.status is Status.FAIL:
        return "suppressed" if finding.suppressed else "failure"
    if finding.status is Status.ERROR:
        return "error"
    if finding.status is Status.UNKNOWN:
        return "unknown"
    return "pass" if finding.status is Status.PASS else "not_applicable"


@dataclass(slots=True)
class Case:
    rule: str
    target: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return max((_outcome(f) for f in self.findings), key=lambda o: _RANK[o])

    def of(self, outcome: str) -> list[Finding]:
        return [f for f in self.findings if _outcome(f) == outcome]


def cases(report: ScanReport) -> dict[str, list[Case]]:
    """Test cases per cluster (suite), in the report's order."""
    by_key: dict[tuple[str, str], Case] = {}
    for finding in report.results:
        key = (finding.rule, finding.target)
        if key not in by_key:
            by_key[key] = Case(finding.rule, finding.target)
        by_key[key].findings.append(finding)
    suites: dict[str, list[Case]] = {}
    for case in by_key.values():
        suites.setdefault(cluster_of(case.target), []).append(case)
    return suites


def _detail(finding: Finding, rule: Rule, lang: str) -> str:
    lines = [finding.origin.display() if finding.origin else finding.target]
    if finding.message:
        lines.append(finding.message.get(lang))
    if finding.observed:
        provenance = provenance_text(finding.provenance, lang)
        lines.append(f"{message('observed', lang)}: {finding.observed}" + (f" [{provenance}]" if provenance else ""))
    return "\n".join(lines)


def _testcase(suite: ET.Element, case: Case, rule: Rule, lang: str) -> str:
    name = f"{rule.id} {rule.slug}" + (f" [{case.target}]" if case.target != cluster_of(case.target) else "")
    element = ET.SubElement(suite, "testcase", {"classname": _clean(cluster_of(case.target)), "name": _clean(name),
                                                "time": "0"})
    first = case.findings[0]
    if first.origin is not None and first.origin.path and first.origin.path != "-":
        element.set("file", _clean(first.origin.path))
        if first.origin.line is not None:
            element.set("line", str(first.origin.line))
    outcome = case.outcome
    if outcome == "failure":
        failing = case.of("failure")
        worst = max(failing, key=lambda f: f.severity_rank)
        head = failing[0].message.get(lang) if failing[0].message else rule.title.get(lang)
        if len(failing) > 1:
            head += f" ({message('more_findings', lang, count=len(failing))})"
        body = [f"{rule.title.get(lang)} [{severity_name(worst.severity, lang)}]", ""]
        body += [_detail(f, rule, lang) + "\n" for f in failing]
        body.append(f"{message('fix', lang)}: {rule.fix.get(lang)}")
        if rule.dont:
            body.append(f"{message('dont', lang)}: {rule.dont.get(lang)}")
        body.append(rule.help_uri)
        failure = ET.SubElement(element, "failure", {"message": _clean(head), "type": worst.severity})
        failure.text = _clean("\n".join(body))
    elif outcome == "error":
        broken = case.of("error")[0]
        text = broken.message.get(lang) if broken.message else message("rule_error", lang)
        error = ET.SubElement(element, "error", {"message": _clean(text), "type": "rule-error"})
        error.text = _clean(text)
    elif outcome == "suppressed":
        reason = case.of("suppressed")[0].suppressed or ""
        ET.SubElement(element, "skipped", {"message": _clean(message("suppressed_status", lang, reason=reason))})
    elif outcome == "unknown":
        undecided = case.of("unknown")[0]
        text = undecided.message.get(lang) if undecided.message else message("unknown", lang)
        ET.SubElement(element, "skipped", {"message": _clean(message("unknown_status", lang, message=text))})
    elif outcome == "not_applicable":
        ET.SubElement(element, "skipped", {"message": message("not_applicable", lang)})
    return outcome


def _count(element: ET.Element, counts: dict[str, int]) -> None:
    element.set("tests", str(counts["tests"]))
    element.set("failures", str(counts["failures"]))
    element.set("errors", str(counts["errors"]))
    element.set("skipped", str(counts["skipped"]))
    element.set("time", "0")


def junit_xml(report: ScanReport, lang: str) -> ET.Element:
    rules = {rule.id: rule for rule in report.rules}
    root = ET.Element("testsuites", {"name": "eksguard"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite_name, suite_cases in cases(report).items():
        suite = ET.SubElement(root, "testsuite", {"name": _clean(suite_name)})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for case in suite_cases:
            if case.rule not in rules:
                continue
            outcome = _testcase(suite, case, rules[case.rule], lang)
            counts["tests"] += 1
            if outcome == "failure":
                counts["failures"] += 1
            elif outcome == "error":
                counts["errors"] += 1
            elif outcome in ("suppressed", "unknown", "not_applicable"):
                counts["skipped"] += 1
        _count(suite, counts)
        for key, value in counts.items():
            totals[key] += value
    if report.estate.problems:
        suite = ET.SubElement(root, "testsuite", {"name": "inputs"})
        for problem in report.estate.problems:
            testcase = ET.SubElement(suite, "testcase", {"classname": "inputs", "name": _clean(problem.display(lang)),
                                                         "time": "0", "file": _clean(problem.path)})
            error = ET.SubElement(testcase, "error", {"message": _clean(problem.text(lang)), "type": problem.kind})
            error.text = _clean(f"{message('input_problem', lang)}: {problem.display(lang)}")
        problems = len(report.estate.problems)
        _count(suite, {"tests": problems, "failures": 0, "errors": problems, "skipped": 0})
        totals["tests"] += problems
        totals["errors"] += problems
    _count(root, totals)
    return root


def render(report: ScanReport, *, lang: str, fail_on: str = "high", colour: bool = False) -> str:
    root = junit_xml(report, lang)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
