"""Markdown for a pull-request comment: counts, the top findings, how to fix them.

Kept compact (GitHub comments stop at 65,536 characters): at most `TOP` findings in the table,
one fix per rule, at most `MAX_CHANGES` suggested changes.
"""

from __future__ import annotations

from eksguard import __version__
from eksguard.engine import ScanReport
from eksguard.findings import SEVERITY_ORDER, Finding
from eksguard.i18n import localize, message, paren, severity_name
from eksguard.report.common import by_cluster, fix_replacements, severity_counts
from eksguard.rules import Rule

TOP = 15
MAX_CHANGES = 10
MAX_LISTED = 10
MARKS = {"critical": "🟥", "high": "🟧", "medium": "🟨", "low": "🟦", "info": "⬜"}


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, no pipes, no raw HTML."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
            .replace("\r", " ").replace("\n", " "))


def code(text: str) -> str:
    """An inline code span that survives backticks in the text."""
    fence = "``" if "`" in text else "`"
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text.replace('|', '¦')}{padding}{fence}"


def _where(finding: Finding) -> str:
    return code(finding.origin.display()) if finding.origin else code(finding.target)


def _block(text: str, fence: str = "```") -> str:
    while fence in text:
        fence += "`"
    return fence


def render(report: ScanReport, *, lang: str, fail_on: str, colour: bool = False) -> str:
    rules = {rule.id: rule for rule in report.rules}
    failures = [f for f in report.failures if f.rule in rules]
    threshold = SEVERITY_ORDER[fail_on]
    blocking = sum(1 for f in failures if f.severity_rank >= threshold)
    inputs = len([i for i in report.estate.inputs if i.kind != "ignored"])
    scope = message("inputs_clusters", lang, inputs=inputs, clusters=report.cluster_count)
    out: list[str] = []
    if failures:
        head = (f"{message('findings_count', lang, count=len(failures))} · "
                f"{message('at_or_above', lang, count=blocking, fail_on=severity_name(fail_on, lang))}")
        out.append(f"### {'❌' if blocking else '⚠️'} eksguard: {head}")
        out.append("")
        counts = [f"{MARKS.get(s, '')} {severity_name(s, lang)} **{n}**" for s, n in severity_counts(failures)]
        out.append(" · ".join(counts) + f" — {scope}")
    else:
        out.append(f"### ✅ eksguard: {message('no_findings_short', lang)}")
        out.append("")
        out.append(scope)
    if failures:
        out += _findings_table(failures, rules, lang)
        out += _fixes(failures, rules, lang)
    out += _changes(failures, lang)
    out += _footer(report, lang)
    return "\n".join(out).rstrip() + "\n"


def _findings_table(failures: list[Finding], rules: dict[str, Rule], lang: str) -> list[str]:
    ordered = [f for items in by_cluster(failures).values() for f in items]
    ordered.sort(key=lambda f: -f.severity_rank)  # stable: clusters keep their order within a severity
    out = ["", f"| {message('severity', lang)} | {message('rule', lang)} | {message('finding', lang)} | "
               f"{message('location', lang)} |", "| --- | --- | --- | --- |"]
    for finding in ordered[:TOP]:
        rule = rules[finding.rule]
        text = finding.message.get(lang) if finding.message else rule.title.get(lang)
        out.append(f"| {MARKS.get(finding.severity, '')} {severity_name(finding.severity, lang)} "
                   f"| [{rule.id}]({rule.help_uri}) {cell(rule.title.get(lang))} "
                   f"| {cell(text)} | {_where(finding)}<br>{cell(finding.target)} |")
    if len(ordered) > TOP:
        out += ["", f"_{message('and_more', lang, count=len(ordered) - TOP)}_"]
    return out


def _fixes(failures: list[Finding], rules: dict[str, Rule], lang: str) -> list[str]:
    seen: list[str] = []
    for finding in sorted(failures, key=lambda f: (-f.severity_rank, f.rule)):
        if finding.rule not in seen:
            seen.append(finding.rule)
    out = ["", f"<details><summary><b>{message('how_to_fix', lang)}</b>{paren(str(len(seen)), lang)}</summary>", ""]
    for rule_id in seen:
        rule = rules[rule_id]
        count = sum(1 for f in failures if f.rule == rule_id)
        out.append(f"- **[{rule.id}]({rule.help_uri})** {rule.title.get(lang)}"
                   f"{paren(message('findings_count', lang, count=count), lang)}  ")
        out.append(f"  {rule.fix.get(lang)}")
        if rule.dont:
            out.append(f"  ⚠️ {message('dont_heading', lang)}: {rule.dont.get(lang)}")
    out += ["", "</details>"]
    return out


def _changes(failures: list[Finding], lang: str) -> list[str]:
    changes = [(f, fix) for f in failures for fix in fix_replacements(f)]
    if not changes:
        return []
    out = ["", f"#### {message('suggested_changes', lang)}"]
    for finding, fix in changes[:MAX_CHANGES]:
        diff = "\n".join([*(f"-{line}" for line in fix.old.split("\n")), *(f"+{line}" for line in fix.new.split("\n"))])
        fence = _block(diff)
        out += ["", f"{finding.rule} — {message('replace_on_line', lang, path=code(fix.path), line=fix.line)}",
                "", f"{fence}diff", diff, fence]
    if len(changes) > MAX_CHANGES:
        out += ["", f"_{message('and_more', lang, count=len(changes) - MAX_CHANGES)}_"]
    return out


def _footer(report: ScanReport, lang: str) -> list[str]:
    out: list[str] = []
    suppressed = [f for f in report.results if f.suppressed]
    notes = [localize(n, lang) for n in report.notices]
    if suppressed:
        notes.append(message("suppressed", lang, count=len(suppressed)))
    if notes:
        out += ["", *(f"> {cell(note)}  " for note in notes)]
    problems = report.estate.problems
    if problems:
        out += ["", f"**{message('unreadable_heading', lang)}**{paren(str(report.estate.problem_inputs), lang)}", ""]
        out += [f"- {code(p.path + (f':{p.line}' if p.line else ''))} {cell(p.text(lang))}" for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            out.append(f"- {message('and_more', lang, count=len(problems) - MAX_LISTED)}")
    out += ["", f"<sub>eksguard {__version__} · {message('rules_run', lang, count=len(report.rules))}</sub>"]
    return out
