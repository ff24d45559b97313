"""SARIF 2.1.0 output for GitHub code scanning and other SARIF viewers.

Validated against the official OASIS schema in tests/report. Mapping:

- every rule that ran is a `reportingDescriptor`: title (short), risk (full), help text and
  Markdown (risk, fix, what not to do, references), `helpUri` to docs/rules/EKSnnn.md, the
  default level, and `security-severity` (GitHub's critical/high/medium/low bands);
- every failing finding is a `result` with its own level (severity overrides apply), a physical
  location with a region when the file and line are known, the target as a logical location,
  a `partialFingerprints` entry equal to the baseline fingerprint, and `fixes` when the finding
  carries a `fix_replacement` (see report/common.py);
- suppressed findings are results with `suppressions` (`inSource` for `# eksguard:ignore`,
  `external` for configuration and baselines);
- unreadable inputs (errors), inputs not checked (warnings), rule errors and notices are tool execution
  notifications.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eksguard import __version__
from eksguard.engine import ScanReport
from eksguard.findings import Finding, Status
from eksguard.i18n import localize, message, provenance_text
from eksguard.model import Origin
from eksguard.report.baseline import FINGERPRINT_KEY, fingerprint
from eksguard.report.common import COMPACT_JSON, FixReplacement, file_uri, fix_replacements
from eksguard.rules import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/eksguard/eksguard"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low (info has none)
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
LANGUAGES = {"en": "en-US", "ja": "ja-JP"}
_MAX_FIX_FILE = 10 * 1024 * 1024


def _area(rule: Rule) -> str:
    module = getattr(rule.check, "__module__", "") or ""
    return module.rsplit(".", 1)[-1].replace("_", "-")


def rule_help(rule: Rule, lang: str) -> tuple[str, str]:
    """(plain text, Markdown) help of a rule."""
    sections = [(message("risk", lang), rule.risk.get(lang)), (message("fix_heading", lang), rule.fix.get(lang))]
    if rule.dont:
        sections.append((message("dont_heading", lang), rule.dont.get(lang)))
    text = "\n\n".join(f"{head}: {body}" for head, body in sections)
    markdown = "\n\n".join(f"**{head}**: {body}" for head, body in sections)
    if rule.references:
        text += f"\n\n{message('references', lang)}:\n" + "\n".join(f"- {ref}" for ref in rule.references)
        markdown += f"\n\n**{message('references', lang)}**:\n\n" + "\n".join(
            f"- <{ref}>" if ref.startswith("https://") else f"- {ref}" for ref in rule.references)
    return text, markdown


def help_uri(rule: Rule, lang: str) -> str:
    return rule.help_uri + ("#ja" if lang == "ja" else "")


def rule_descriptor(rule: Rule, lang: str) -> dict[str, Any]:
    text, markdown = rule_help(rule, lang)
    properties: dict[str, Any] = {
        "tags": ["security", "eks", _area(rule)],
        "precision": "high",
        "severity": rule.severity,
        "severities": list(rule.severities),
    }
    if rule.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": rule.title.get(lang)},
        "fullDescription": {"text": rule.risk.get(lang)},
        "help": {"text": text, "markdown": markdown},
        "helpUri": help_uri(rule, lang),
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": properties,
    }


def _is_file_location(origin: Origin) -> bool:
    return bool(origin.path) and origin.path != "-" and (origin.line is not None or os.path.isfile(origin.path))


def physical_location(path: str, line: int | None = None, column: int | None = None) -> dict[str, Any] | None:
    where = file_uri(path)
    if where is None:
        return None
    uri, base = where
    artifact: dict[str, Any] = {"uri": uri}
    if base:
        artifact["uriBaseId"] = base
    location: dict[str, Any] = {"artifactLocation": artifact}
    if line is not None and line >= 1:
        region: dict[str, Any] = {"startLine": line}
        if column is not None and column >= 1:
            region["startColumn"] = column
        location["region"] = region
    return location


def _locations(finding: Finding) -> list[dict[str, Any]]:
    location: dict[str, Any] = {}
    origin = finding.origin
    if origin is not None and _is_file_location(origin):
        physical = physical_location(origin.path, origin.line, origin.column)
        if physical:
            location["physicalLocation"] = physical
    logical = [{"fullyQualifiedName": finding.target, "kind": "resource"}]
    if origin is not None and origin.resource:
        logical.append({"fullyQualifiedName": origin.resource, "kind": "resource"})
    location["logicalLocations"] = logical
    return [location]


def _start_column(fix: FixReplacement) -> int | None:
    """Where `old` starts: the given column, else its first occurrence on the line (read from the file)."""
    if fix.column is not None:
        return fix.column
    try:
        if os.path.getsize(fix.path) > _MAX_FIX_FILE:
            return None
        lines = Path(fix.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if fix.line > len(lines):
        return None
    text = "\n".join(lines[fix.line - 1:])
    index = text.find(fix.old)
    if index < 0 or "\n" in text[:index]:
        return None  # `old` does not start on that line
    return index + 1


def sarif_fix(fix: FixReplacement, description: str) -> dict[str, Any] | None:
    column = _start_column(fix)
    location = physical_location(fix.path)
    if column is None or location is None:
        return None
    old_lines = fix.old.split("\n")
    end_line = fix.line + len(old_lines) - 1
    end_column = (column + len(fix.old)) if len(old_lines) == 1 else len(old_lines[-1]) + 1
    return {
        "description": {"text": description},
        "artifactChanges": [{
            "artifactLocation": location["artifactLocation"],
            "replacements": [{
                "deletedRegion": {"startLine": fix.line, "startColumn": column, "endLine": end_line,
                                  "endColumn": end_column},
                "insertedContent": {"text": fix.new},
            }],
        }],
    }


def _inline(report: ScanReport, finding: Finding) -> bool:
    origin = finding.origin
    if origin is None or origin.line is None:
        return False
    by_line = report.estate.inline_ignores.get(origin.path, {})
    return any(rule_id == finding.rule for line in (origin.line, origin.line - 1) for rule_id, _ in by_line.get(line, []))


def result(report: ScanReport, finding: Finding, rule: Rule, index: int, lang: str) -> dict[str, Any]:
    text = finding.message.get(lang) if finding.message else rule.title.get(lang)
    properties: dict[str, Any] = {"severity": finding.severity, "target": finding.target}
    if finding.observed:
        properties["observed"] = finding.observed
    if finding.provenance:
        properties["provenance"] = provenance_text(finding.provenance, lang)
    if finding.note:
        properties["provenanceNote"] = finding.note.get(lang)
    if finding.origin is not None and finding.origin.pointer:
        properties["pointer"] = finding.origin.pointer
    out: dict[str, Any] = {
        "ruleId": rule.id,
        "ruleIndex": index,
        "kind": "fail",
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": text},
        "locations": _locations(finding),
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": properties,
    }
    fixes = [f for f in (sarif_fix(fix, rule.fix.get(lang)) for fix in fix_replacements(finding)) if f]
    if fixes:
        out["fixes"] = fixes
    if finding.suppressed:
        out["suppressions"] = [{"kind": "inSource" if _inline(report, finding) else "external",
                                "justification": finding.suppressed}]
    return out


def _notifications(report: ScanReport, indexes: dict[str, int], lang: str) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    for level, problems in (("error", report.estate.problems), ("warning", report.estate.warnings)):
        for problem in problems:
            note: dict[str, Any] = {"level": level, "message": {"text": problem.text(lang)},
                                    "descriptor": {"id": f"input/{problem.kind}"}}
            physical = physical_location(problem.path, problem.line)
            if physical:
                note["locations"] = [{"physicalLocation": physical}]
            notes.append(note)
    for finding in report.results:
        if finding.status is Status.ERROR:
            text = finding.message.get(lang) if finding.message else message("rule_error", lang)
            note = {"level": "error", "message": {"text": f"{finding.target}: {text}"},
                    "descriptor": {"id": "rule/error"}}
            if finding.rule in indexes:
                note["associatedRule"] = {"id": finding.rule, "index": indexes[finding.rule]}
            notes.append(note)
    notes.extend({"level": "note", "message": {"text": localize(notice, lang)}} for notice in report.notices)
    return notes


def _results(report: ScanReport, lang: str) -> Iterator[dict[str, Any]]:
    indexes = {rule.id: index for index, rule in enumerate(report.rules)}
    by_id = {rule.id: rule for rule in report.rules}
    failed = Status.FAIL
    return (result(report, f, by_id[f.rule], indexes[f.rule], lang)
            for f in report.results if f.status is failed and f.rule in by_id)


def _log(report: ScanReport, lang: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    rules = list(report.rules)
    indexes = {rule.id: index for index, rule in enumerate(rules)}
    notifications = _notifications(report, indexes, lang)
    invocation: dict[str, Any] = {
        "executionSuccessful": not report.estate.problems
        and not any(f.status is Status.ERROR for f in report.results),
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "eksguard",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule, lang) for rule in rules],
            }},
            "language": LANGUAGES.get(lang, "en-US"),
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri().rstrip("/") + "/"}},
            "invocations": [invocation],
            "results": results,  # last: `chunks` writes them in between
        }],
    }


def sarif_log(report: ScanReport, lang: str) -> dict[str, Any]:
    """The SARIF log as Python data (`chunks` writes exactly this, in pieces)."""
    return _log(report, lang, list(_results(report, lang)))


# written compact (COMPACT_JSON): with `indent` json's pure-Python encoder took 7 of the 8 s the log took at 10,000
# files, and the whole 1.2 GB document was in memory at once
_NO_RESULTS_END = '"results":[]}]}'


def chunks(report: ScanReport, *, lang: str, fail_on: str = "high", colour: bool = False) -> Iterator[str]:
    """The SARIF log in pieces, one result at a time. Joined, exactly `json.dumps(sarif_log(...))` (compact)."""
    head = COMPACT_JSON.encode(_log(report, lang, []))
    yield head.removesuffix(_NO_RESULTS_END) + '"results":['
    for index, item in enumerate(_results(report, lang)):
        yield ("," if index else "") + COMPACT_JSON.encode(item)
    yield "]}]}\n"


def render(report: ScanReport, *, lang: str, fail_on: str = "high", colour: bool = False) -> str:
    return "".join(chunks(report, lang=lang))
