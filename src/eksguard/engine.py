"""Runs the rules over the model and turns results into findings.

Per rule and target there is exactly one status (pass, fail, not_applicable, unknown, error).
A rule that raises is an `error` result with the message, never dropped. Configuration
(disabled rules, severity overrides) and suppressions (config and inline) apply here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from sys import intern
from typing import Any

from eksguard.config import Config
from eksguard.findings import SEVERITY_ORDER, Finding, Result, Status
from eksguard.model import IGNORE_REASON, Cluster, Estate, KubeScope, Origin, PartialUse, Text
from eksguard.rules import Rule, RuleContext, all_rules


@dataclass(slots=True)
class ScanReport:
    estate: Estate
    results: list[Finding]
    rules: list[Rule]
    notices: list[Text | str] = field(default_factory=list)  # expired suppressions and the like
    released_clusters: int = 0  # clusters evaluated and then dropped from `estate` (see `evaluate`)
    # what the sources say about how a cluster was read (the command that uses its file, a stack it is
    # defined outside of, an endpoint opened for a while), by cluster target: kept when the model is dropped
    cluster_notes: dict[str, list[Text]] = field(default_factory=dict)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.results if f.status is Status.FAIL and not f.suppressed]

    @property
    def cluster_count(self) -> int:
        return len(self.estate.clusters) + self.released_clusters

    def worst(self) -> int:
        return max((f.severity_rank for f in self.failures), default=-1)


def _run(rule: Rule, target: str, subject: Any, ctx: RuleContext) -> list[Result]:
    try:
        results = list(rule.check(subject, ctx))
    except Exception as exc:  # a broken rule is reported, never dropped
        return [Result(Status.ERROR, target, getattr(subject, "origin", None),
                       message=Text(f"rule failed: {type(exc).__name__}: {exc}",
                                    f"ルールの実行に失敗しました: {type(exc).__name__}: {exc}"))]
    if rule.reads and isinstance(subject, KubeScope):
        results = _not_known_objects(rule, subject, results)
    unread = getattr(subject, "unread", None)
    if unread and rule.id in unread:
        return _partly_read(results, target, subject.origin, unread[rule.id])
    if isinstance(subject, Cluster) and subject.partial_use is not None:
        return _outside_use(rule, subject, subject.partial_use, results)
    return results or [Result(Status.NOT_APPLICABLE, target)]


def _outside_use(rule: Rule, cluster: Cluster, use: PartialUse, results: list[Result]) -> list[Result]:
    """A file its commands use only in part: verdicts on what they do not apply become not_applicable,
    saying which commands use the file (node groups stay when the commands create them)."""
    if rule.id in use.rules:
        return results or [Result(Status.NOT_APPLICABLE, cluster.target)]
    node_group = f"{cluster.target}/nodegroup/"
    kept: list[Result] = []
    outside: dict[str, None] = {}
    for result in results:
        if use.node_groups and result.target.startswith(node_group):
            kept.append(result)
        else:
            outside[result.target] = None
    if not results:
        outside[cluster.target] = None
    return [*kept, *(Result(Status.NOT_APPLICABLE, target, cluster.origin, message=use.why) for target in outside)]


_CLEAN = (Status.PASS, Status.NOT_APPLICABLE)
# what no rule reads: a container's program, its environment and its size (an image tag from a variable
# is common and decides no verdict)
_UNREAD_FIELDS = frozenset({"image", "imagePullPolicy", "command", "args", "env", "envFrom", "workingDir",
                            "resources", "replicas", "containerPort"})


def _related(pointer: str, field_path: str) -> bool:
    """One field holds the other (`subjects[0]` and `subjects[0].name`)."""
    inner, outer = sorted((pointer, field_path), key=len, reverse=True)
    return inner == outer or inner.startswith((f"{outer}.", f"{outer}["))


def _not_known_objects(rule: Rule, scope: KubeScope, results: list[Result]) -> list[Result]:
    """Objects of the kinds the rule reads with fields not known (before apply, or a `${VAR}` no --var sets): `unknown` instead of a pass (or
    of no verdict) on them, and instead of a failure at a field not known, with why; a failure at known
    fields stays, since what is known already fails."""
    out = results
    for obj in scope.objects:
        if obj.kind not in rule.reads:
            continue
        read = rule.fields.get(obj.kind)
        why = {path: text for path, text in obj.unknown_fields.items()
               if not _UNREAD_FIELDS & set(re.split(r"[.\[\]]", path))
               and (read is None or any(_related(path, prefix) for prefix in read))}
        if not why:
            continue
        out = [r for r in out if r.target != obj.target or r.status is not Status.FAIL or r.origin is None
               or not any(_related(r.origin.pointer, path) for path in why)]
        own = [r for r in out if r.target == obj.target]
        if any(r.status not in _CLEAN for r in own):
            continue
        en = "; ".join(f"`{path}`: {text.en}" for path, text in why.items())
        ja = "; ".join(f"`{path}`: {text.ja}" for path, text in why.items())
        out = [*(r for r in out if r.target != obj.target),
               Result(Status.UNKNOWN, obj.target, obj.origin_at(next(iter(why))), None, "unknown",
                      Text(f"{obj.kind} `{obj.name}` is not fully known ({en}); what it would be is not checked.",
                           f"{obj.kind} `{obj.name}` の一部が不明です（{ja}）。その値は検査されていません。"))]
    return out


def _partly_read(results: list[Result], target: str, origin: Origin, why: list[Text]) -> list[Result]:
    """What the rule found in the objects that could be read, and, unless it already failed or was
    unknown for the whole subject, `unknown` instead of a pass: what it could not see is not checked."""
    if any(r.target == target and r.status not in _CLEAN for r in results):
        return results
    en = "; ".join(dict.fromkeys(t.en for t in why))
    ja = "; ".join(dict.fromkeys(t.ja for t in why))
    return [*(r for r in results if r.target != target),
            Result(Status.UNKNOWN, target, origin, None, "unknown",
                   Text(f"Part of its input could not be read ({en}); what it could not see is not checked.",
                        f"入力の一部を読み取れませんでした（{ja}）。見えなかったものは検査されていません。"))]


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
             selected: Iterable[str] = (), skipped: Iterable[str] = (), *,
             after_cluster: Callable[[Cluster, list[Finding]], object] | None = None,
             release_clusters: bool = False) -> ScanReport:
    """Every enabled rule on every subject: the Kubernetes scopes of no scanned cluster, then each cluster
    followed by the scopes bound to it.

    `after_cluster(cluster, findings)` sees a cluster's findings while its model is still there.
    `release_clusters`: drop each cluster and its scopes from the estate once their rules ran, so the
    findings grow while the model shrinks (`scan`, whose reports need only the findings); the report
    keeps the count. A scope's rules read its cluster, so a cluster is freed with its scopes.
    """
    today = today or dt.date.today()
    ctx = RuleContext(config, today)
    chosen = {r.upper() for r in selected}
    skip = {r.upper() for r in skipped}
    rules = [r for r in all_rules()
             if config.rule_enabled(r.id) and (not chosen or r.id in chosen) and r.id not in skip]
    judge = _Judge(estate, config, today)
    cluster_rules = [r for r in rules if r.subject != "kubernetes"]
    kube_rules = [r for r in rules if r.subject == "kubernetes"]
    pending = list(estate.clusters)
    scopes_of = _scopes_by_cluster(estate.kube_scopes)
    released = 0
    if release_clusters:
        estate.clusters = []
        estate.kube_scopes = []
        released = len(pending)
    scanned = {id(cluster) for cluster in pending}
    for cluster_id in [key for key in scopes_of if key not in scanned]:
        _judge_scopes(judge, kube_rules, scopes_of.pop(cluster_id), ctx)
    pending.reverse()  # popped from the end: each cluster is freed once its turn is over
    cluster_notes: dict[str, list[Text]] = {}
    while pending:
        cluster = pending.pop()
        if cluster.notes:
            cluster_notes.setdefault(cluster.target, []).extend(dict.fromkeys(cluster.notes))
        made = [judge.finding(rule, result) for rule in cluster_rules
                for result in _run(rule, cluster.target, cluster, ctx)]
        if after_cluster is not None:
            after_cluster(cluster, made)
        judge.findings.extend(made)
        _judge_scopes(judge, kube_rules, scopes_of.pop(id(cluster), []), ctx)
    findings = judge.findings
    # Failures worst first, then by target and rule: three stable sorts on one existing object each
    # rather than one sort on a key tuple per finding (270,000 findings: 20 MB of tuples at once).
    findings.sort(key=attrgetter("rule"))
    findings.sort(key=attrgetter("target"))
    findings.sort(key=_severity_first)
    return ScanReport(estate, findings, rules, judge.notices, released, cluster_notes)


def _scopes_by_cluster(scopes: list[KubeScope]) -> dict[int, list[KubeScope]]:
    by_cluster: dict[int, list[KubeScope]] = {}
    for scope in scopes:
        by_cluster.setdefault(id(scope.cluster), []).append(scope)
    return by_cluster


def _judge_scopes(judge: _Judge, kube_rules: list[Rule], scopes: list[KubeScope], ctx: RuleContext) -> None:
    while scopes:
        scope = scopes.pop(0)  # freed once its rules ran, when the estate no longer holds it
        # what the rules derived from this scope's objects, keyed by their identities: a later scope's objects
        # may reuse the identities of this one's once it is freed
        ctx.memo.clear()
        # `eksguard.io/ignore` by target as well as by line: live objects have no lines
        ignored = {obj.target: obj.ignored_rules for obj in scope.objects if obj.ignored_rules}
        judge.findings.extend(judge.finding(rule, result, ignored) for rule in kube_rules
                              for result in _run(rule, scope.target, scope, ctx))


_NO_IGNORES: Mapping[str, frozenset[str]] = {}


class _Judge:
    """Turns results into findings: configured severities, inline and configured suppressions."""

    def __init__(self, estate: Estate, config: Config, today: dt.date) -> None:
        self.estate = estate
        self.config = config
        self.today = today
        self.findings: list[Finding] = []
        self.notices: list[Text | str] = []
        self._expired_reported: set[int] = set()
        self._shared: dict[Text | str, Any] = {}

    def finding(self, rule: Rule, result: Result, ignored: Mapping[str, frozenset[str]] = _NO_IGNORES) -> Finding:
        config = self.config
        severity = config.severity_overrides.get(rule.id) or result.severity or rule.severity
        # one string per target, not one per rule (rules build targets with f-strings); one object per
        # distinct message, note and observed value (a tenth as many as findings: 40 MB at 10,000 files)
        shared = self._shared
        message, note, observed = result.message, result.note, result.observed
        finding = Finding(rule.id, rule.slug, severity, result.status, intern(result.target), result.origin,
                          observed if observed is None else shared.setdefault(observed, observed),
                          result.provenance, message if message is None else shared.setdefault(message, message),
                          extra=result.extra, note=note if note is None else shared.setdefault(note, note))
        if finding.status is not _FAILED:
            return finding
        finding.suppressed = _inline_suppression(self.estate, finding) or (
            IGNORE_REASON if rule.id in ignored.get(finding.target, ()) else None)
        path = finding.origin.path if finding.origin else ""
        for index, suppression in enumerate(config.suppressions):
            if finding.suppressed or not suppression.matches(rule.id, finding.target, path):
                continue
            if suppression.expired(self.today):
                if index not in self._expired_reported:
                    self._expired_reported.add(index)
                    self.notices.append(Text(
                        f"suppression of {suppression.rule} ({suppression.reason}) expired on "
                        f"{suppression.expires}; it no longer applies",
                        f"{suppression.rule} の抑制（{suppression.reason}）は {suppression.expires} に"
                        "期限切れとなり、適用されなくなりました"))
                continue
            finding.suppressed = suppression.reason
        return finding


def _severity_first(finding: Finding) -> int:
    return -SEVERITY_ORDER.get(finding.severity, 0) if finding.status is _FAILED else 1


_FAILED = Status.FAIL  # an enum member looked up once: per finding it costs a descriptor call
