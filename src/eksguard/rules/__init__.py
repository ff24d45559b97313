"""The rule registry.

A rule is one small function plus its metadata, declared with `@rule(...)` in the module of
its area (`control_plane`, `network`, `nodes`, `identity`, `workloads`, `operations`).
Rules read only the model; they never read files or call APIs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eksguard.config import Config
from eksguard.findings import Result
from eksguard.model import Text

DOCS_URL = "https://github.com/eksguard/eksguard/blob/main/docs/rules/{id}.md"


@dataclass(slots=True)
class RuleContext:
    """What a rule may know besides its subject: configuration and the scan's clock."""

    config: Config
    today: Any  # datetime.date; Any keeps the hot path free of imports
    # results several rules derive from the same input within one Kubernetes scope (an object's pod templates and
    # their Pod Security Standards verdicts: EKS501, EKS502, EKS504, EKS411); the engine clears it between scopes
    memo: dict[Any, Any] = field(default_factory=dict)


RuleFunc = Callable[[Any, RuleContext], Iterable[Result]]


@dataclass(slots=True)
class Rule:
    id: str
    slug: str
    severity: str
    title: Text
    risk: Text
    fix: Text
    references: tuple[str, ...]
    check: RuleFunc
    subject: str = "cluster"  # "cluster" or "kubernetes"
    dont: Text | None = None  # what NOT to do when this is found on a running cluster
    severities: tuple[str, ...] = field(default_factory=tuple)  # every severity the rule can report
    # Kubernetes rules: the kinds whose objects they read (an object of these kinds with fields not known
    # before apply makes the rule's verdict on it `unknown`, see engine)
    reads: tuple[str, ...] = ()
    # of those kinds, the fields the rule reads (path prefixes), where it reads only some: a field not known
    # elsewhere in such an object does not make its verdict `unknown`. A kind not named: every field.
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def help_uri(self) -> str:
        return DOCS_URL.format(id=self.id)


REGISTRY: dict[str, Rule] = {}
_LOADED = False


def rule(*, id: str, slug: str, severity: str, title: Text, risk: Text, fix: Text,
         references: Iterable[str], subject: str = "cluster", dont: Text | None = None,
         severities: Iterable[str] = (), reads: Iterable[str] = (),
         fields: Mapping[str, tuple[str, ...]] | None = None) -> Callable[[RuleFunc], RuleFunc]:
    def register(func: RuleFunc) -> RuleFunc:
        if id in REGISTRY:
            raise ValueError(f"rule {id} registered twice")
        REGISTRY[id] = Rule(id, slug, severity, title, risk, fix, tuple(references), func, subject, dont,
                            tuple(severities) or (severity,), tuple(reads), dict(fields or {}))
        return func

    return register


def all_rules() -> list[Rule]:
    """Every registered rule, in id order (imports every module of this package once)."""
    global _LOADED
    if not _LOADED:
        import importlib
        import pkgutil

        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        _LOADED = True
    return [REGISTRY[key] for key in sorted(REGISTRY)]


def get_rule(rule_id: str) -> Rule | None:
    all_rules()
    return REGISTRY.get(rule_id.upper())
