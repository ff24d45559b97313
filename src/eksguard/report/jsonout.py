"""JSON output: a stable, versioned schema (docs/json-schema.md)."""

from __future__ import annotations

import json
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


def report_dict(report: ScanReport, lang: str) -> dict[str, Any]:
    rules = {rule.id: rule for rule in report.rules}
    failures = [f for f in report.results if f.status is Status.FAIL]
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "eksguard", "version": __version__},
        "findings": [finding_dict(f, rules[f.rule], lang) for f in failures if not f.suppressed],
        "suppressed": [finding_dict(f, rules[f.rule], lang) for f in failures if f.suppressed],
        "rule_statuses": [
            {"rule": f.rule, "target": f.target, "status": f.status.value, "severity": f.severity,
             "location": location(f), "message": f.message.get(lang) if f.message else None}
            for f in report.results
        ],
        "inputs": [{"path": i.path, "kind": i.kind, "documents": i.documents} for i in report.estate.inputs],
        "errors": [{"path": p.path, "line": p.line, "message": p.message, "kind": p.kind}
                   for p in report.estate.problems],
        "notices": [localize(n, lang) for n in report.notices],
    }


def render(report: ScanReport, *, lang: str, fail_on: str = "high", colour: bool = False) -> str:
    # one object per line for findings would be nicer to read, but `indent` switches json to its
    # pure-Python encoder, 10x slower on large reports: keep the C encoder
    return json.dumps(report_dict(report, lang), ensure_ascii=False, separators=(",", ":")) + "\n"
