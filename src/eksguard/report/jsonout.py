"""JSON output: a stable, versioned schema (docs/json-schema.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from eksguard import __version__
from eksguard.engine import ScanReport
from eksguard.findings import Finding, Status
from eksguard.i18n import localize, provenance_text
from eksguard.report.baseline import fingerprint
from eksguard.rules import Rule

SCHEMA_VERSION = 1


def location(finding: Finding) -> dict[str, Any] | None:
    origin = finding.origin
    if origin is None:
        return None
    return {"path": origin.path, "line": origin.line, "column": origin.column, "pointer": origin.pointer or None,
            "resource": origin.resource}


def finding_dict(finding: Finding, rule: Rule, lang: str) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "slug": finding.slug,
        "severity": finding.severity,
        "status": finding.status.value,
        "target": finding.target,
        "location": location(finding),
        "observed": finding.observed,
        "provenance": finding.provenance,
        "provenance_text": provenance_text(finding.provenance, lang),
        "provenance_note": finding.note.get(lang) if finding.note else None,
        "title": rule.title.get(lang),
        "message": finding.message.get(lang) if finding.message else None,
        "risk": rule.risk.get(lang),
        "fix": rule.fix.get(lang),
        "dont": rule.dont.get(lang) if rule.dont else None,
        "references": list(rule.references),
        "help_uri": rule.help_uri,
        "suppressed": finding.suppressed,
        "fingerprint": fingerprint(finding),
        **({"details": finding.extra} if finding.extra else {}),
    }


def _statuses(results: list[Finding], lang: str) -> list[dict[str, Any]]:
    return [{"rule": f.rule, "target": f.target, "status": f.status.value, "severity": f.severity,
             "location": location(f), "message": f.message.get(lang) if f.message else None}
            for f in results]


def _split(report: ScanReport) -> tuple[dict[str, Rule], list[Finding], list[Finding]]:
    rules = {rule.id: rule for rule in report.rules}
    failed = Status.FAIL
    failures = [f for f in report.results if f.status is failed]
    return rules, [f for f in failures if not f.suppressed], [f for f in failures if f.suppressed]


def _rest(report: ScanReport, lang: str) -> dict[str, Any]:
    return {
        "inputs": [{"path": i.path, "kind": i.kind, "documents": i.documents} for i in report.estate.inputs],
        "errors": [{"path": p.path, "line": p.line, "message": p.text(lang), "kind": p.kind}
                   for p in report.estate.problems],
        "notices": [localize(n, lang) for n in report.notices],
    }


def report_dict(report: ScanReport, lang: str) -> dict[str, Any]:
    """The JSON document as Python data, for callers that want the data rather than the text
    (`chunks` writes exactly this, in pieces)."""
    rules, findings, suppressed = _split(report)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "eksguard", "version": __version__},
        "findings": [finding_dict(f, rules[f.rule], lang) for f in findings],
        "suppressed": [finding_dict(f, rules[f.rule], lang) for f in suppressed],
        "rule_statuses": _statuses(report.results, lang),
        **_rest(report, lang),
    }


# compact, and the C encoder: `indent` would switch json to its pure-Python encoder, 10x slower
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def chunks(report: ScanReport, *, lang: str, fail_on: str = "high", colour: bool = False) -> Iterator[str]:
    """The JSON document in pieces, one finding at a time: never the whole document (hundreds of MB
    for tens of thousands of files) in memory at once. Joined, exactly `json.dumps(report_dict(...))`."""
    encode = _ENCODER.encode
    rules, findings, suppressed = _split(report)
    yield encode({"schema_version": SCHEMA_VERSION, "tool": {"name": "eksguard", "version": __version__}})[:-1]
    for key, group in (("findings", findings), ("suppressed", suppressed)):
        yield f',"{key}":['
        for index, finding in enumerate(group):
            yield ("," if index else "") + encode(finding_dict(finding, rules[finding.rule], lang))
        yield "]"
    yield ',"rule_statuses":['
    for start in range(0, len(report.results), 1000):
        yield ("," if start else "") + encode(_statuses(report.results[start:start + 1000], lang))[1:-1]
    yield "]," + encode(_rest(report, lang))[1:] + "\n"


def render(report: ScanReport, *, lang: str, fail_on: str = "high", colour: bool = False) -> str:
    return "".join(chunks(report, lang=lang))
