"""Runs the rules over the model and turns results into findings.

Per rule and target there is exactly one status (pass, fail, not_applicable, unknown, error).
A rule that raises is an `error` result with the message, never dropped. Configuration
(disabled rules, severity overrides) and suppressions (config and inline) apply here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eksguard.config import Config
from eksguard.findings import SEVERITY_ORDER, Finding, Result, Status
from eksguard.model import Estate, Text
from eksguard.rules import Rule, RuleContext, all_rules


@dataclass(slots=True)
class ScanReport:
    estate: Estate
    results: list[Finding]
    rules: list[Rule]
    notices: list[Text | str] = field(default_factory=list)  # expired suppressions and the like

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.results if f.status is Status.FAIL and not f.suppressed]

    def worst(self) -> int:
        return max((f.severity_rank for f in self.failures), default=-1)


def subjects_of(rule: Rule, estate: Estate) -> list[tuple[str, Any]]:
    if rule.subject == "kubernetes":
        return [(getattr(scope, "target", "kubernetes"), scope) for scope in estate.kube_scopes]
    return [(cluster.target, cluster) for cluster in estate.clusters]


def _run(rule: Rule, target: str, subject: Any, ctx: RuleContext) -> list[Result]:
    try:
        results = list(rule.check(subject, ctx))
    except Exception as exc:  # a broken rule is reported, never dropped
        return [Result(Status.ERROR, target, getattr(subject, "origin", None),
                       message=Text(f"rule failed: {type(exc).__name__}: {exc}",
                                    f"ルールの実行に失敗しました: {type(exc).__name__}: {exc}"))]
    return results or [Result(Status.NOT_APPLICABLE, target)]


def _inline_suppression(estate: Estate, finding: Finding) -> str | None:
    if finding.origin is None or finding.origin.line is None:
        return None
    by_line = estate.inline_ignores.get(finding.origin.path)
    if not by_line:
        return None
    for line in (finding.origin.line, finding.origin.line - 1):
        for rule_id, reason in by_line.get(line, []):
            if rule_id == finding.rule:
                return reason or "inline eksguard:ignore"
    return None


def evaluate(estate: Estate, config: Config, today: dt.date | None = None,
             selected: Iterable[str] = (), skipped: Iterable[str] = ()) -> ScanReport:
    today = today or dt.date.today()
    ctx = RuleContext(config, today)
    chosen = {r.upper() for r in selected}
    skip = {r.upper() for r in skipped}
    rules = [r for r in all_rules()
             if config.rule_enabled(r.id) and (not chosen or r.id in chosen) and r.id not in skip]
    findings: list[Finding] = []
    notices: list[Text | str] = []
    expired_reported: set[int] = set()
    failed = Status.FAIL  # once: an enum member looked up per finding costs a descriptor call
    for rule in rules:
        severity_override = config.severity_overrides.get(rule.id)
        for target, subject in subjects_of(rule, estate):
            for result in _run(rule, target, subject, ctx):
                severity = severity_override or result.severity or rule.severity
                finding = Finding(rule.id, rule.slug, severity, result.status, result.target, result.origin,
                                  result.observed, result.provenance, result.message, extra=result.extra,
                                  note=result.note)
                if finding.status is failed:
                    finding.suppressed = _inline_suppression(estate, finding)
                    path = finding.origin.path if finding.origin else ""
                    for index, suppression in enumerate(config.suppressions):
                        if finding.suppressed or not suppression.matches(rule.id, finding.target, path):
                            continue
                        if suppression.expired(today):
                            if index not in expired_reported:
                                expired_reported.add(index)
                                notices.append(Text(
                                    f"suppression of {suppression.rule} ({suppression.reason}) expired on "
                                    f"{suppression.expires}; it no longer applies",
                                    f"{suppression.rule} の抑制（{suppression.reason}）は {suppression.expires} に"
                                    "期限切れとなり、適用されなくなりました"))
                            continue
                        finding.suppressed = suppression.reason
                findings.append(finding)
    findings.sort(key=lambda f: (-SEVERITY_ORDER.get(f.severity, 0) if f.status is failed else 1, f.target, f.rule))
    return ScanReport(estate, findings, rules, notices)
