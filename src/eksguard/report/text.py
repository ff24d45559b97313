"""Human text output: findings grouped by target, severity colours, file:line, the fix."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from eksguard.engine import ScanReport
from eksguard.findings import SEVERITY_ORDER, Finding
from eksguard.i18n import SEVERITY_NAMES, join, localize, message, provenance_text
from eksguard.report.common import cluster_of
from eksguard.rules import Rule

COLOURS = {"critical": "\033[1;97;41m", "high": "\033[1;31m", "medium": "\033[33m", "low": "\033[36m",
           "info": "\033[2m"}
RESET = "\033[0m"
BOLD = "\033[1m"


def _paint(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{RESET}" if colour else text


def _finding_lines(finding: Finding, rule: Rule, lang: str, colour: bool) -> list[str]:
    severity = SEVERITY_NAMES[finding.severity].get(lang)
    where = finding.origin.display() if finding.origin else finding.target
    head = f"  {_paint(f'[{severity}]', COLOURS[finding.severity], colour)} {finding.rule} {rule.slug}  {where}"
    lines = [head, f"      {rule.title.get(lang)}"]
    if finding.message:
        lines.append(f"      {finding.message.get(lang)}")
    if finding.observed:
        provenance = provenance_text(finding.provenance, lang)
        lines.append(f"      {message('observed', lang)}: {finding.observed}" + (f" [{provenance}]" if provenance else ""))
    if finding.note and finding.provenance != "declared" and finding.note.en not in (finding.message.en if finding.message else ""):
        lines.append(f"      {finding.note.get(lang)}")
    lines.append(f"      {message('fix', lang)}: {rule.fix.get(lang)}")
    if rule.dont:
        lines.append(f"      {message('dont', lang)}: {rule.dont.get(lang)}")
    return lines


def chunks(report: ScanReport, *, lang: str, fail_on: str, colour: bool) -> Iterator[str]:
    """The text report in pieces, one target at a time (a report of many files is never whole in memory)."""
    rules = {rule.id: rule for rule in report.rules}
    failures = report.failures
    by_target: dict[str, list[Finding]] = defaultdict(list)
    for finding in failures:
        by_target[cluster_of(finding.target)].append(finding)
    for target in sorted(by_target, key=lambda t: -max(f.severity_rank for f in by_target[t])):
        out = [_paint(target, BOLD, colour)]
        out.extend(f"  {message('notice', lang)}: {note.get(lang)}" for note in report.cluster_notes.get(target, []))
        for finding in sorted(by_target[target], key=lambda f: (-f.severity_rank, f.rule, f.target)):
            out.extend(_finding_lines(finding, rules[finding.rule], lang, colour))
        out.append("")
        yield "\n".join(out) + "\n"
    out = []
    errors = [f for f in report.results if f.status.value == "error"]
    for finding in errors:
        where = finding.origin.display() if finding.origin else finding.target
        text = finding.message.get(lang) if finding.message else ""
        out.append(f"{_paint(message('error_tag', lang), COLOURS['high'], colour)} {finding.rule} {where}: {text}")
    for notice in report.notices:
        out.append(f"{message('notice', lang)}: {localize(notice, lang)}")
    suppressed = [f for f in report.results if f.suppressed]
    if suppressed:
        out.append(message("suppressed", lang, count=len(suppressed)))
    inputs = len([i for i in report.estate.inputs if i.kind != "ignored"])
    clusters = report.cluster_count
    if failures:
        counts = Counter(f.severity for f in failures)
        threshold = SEVERITY_ORDER[fail_on]
        order = sorted(counts, key=lambda s: -SEVERITY_ORDER[s])
        out.append(message("summary", lang, failed=sum(1 for f in failures if f.severity_rank >= threshold),
                           fail_on=SEVERITY_NAMES[fail_on].get(lang), total=len(failures),
                           counts=join((f"{SEVERITY_NAMES[s].get(lang)} {counts[s]}" for s in order), lang),
                           inputs=inputs, clusters=clusters))
    else:
        out.append(message("no_findings", lang, inputs=inputs, clusters=clusters))
    yield "\n".join(out) + "\n"


def render(report: ScanReport, *, lang: str, fail_on: str, colour: bool) -> str:
    return "".join(chunks(report, lang=lang, fail_on=fail_on, colour=colour))
