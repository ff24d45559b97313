"""What rules produce: per-target results, and the findings the reporters show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from eksguard.model import Origin, Provenance, Text, Value

SEVERITY_ORDER = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

# Most results carry no details: they share this read-only empty mapping instead of a dict each
# (a 10,000-file scan makes 270,000 results). Add details by replacing the mapping, never in place.
NO_DETAILS: Mapping[str, object] = MappingProxyType({})


def _no_details() -> Mapping[str, object]:
    return NO_DETAILS


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"
    ERROR = "error"


@dataclass(slots=True)
class Result:
    """One rule's verdict on one target (a cluster, a node group, a Kubernetes object...)."""

    status: Status
    target: str
    origin: Origin | None = None
    observed: str | None = None
    provenance: str | None = None
    message: Text | None = None
    severity: str | None = None  # overrides the rule's default severity (EKS106, EKS107, EKS210)
    extra: Mapping[str, object] = field(default_factory=_no_details)
    note: Text | None = None  # why a default applies ("`publicAccessCIDRs` is not set; ...")


# the provenance of a finding on objects rather than on one value: what they say is written there, or a field
# left out takes the API server's default
WRITTEN = Provenance.DECLARED.value
KUBERNETES_DEFAULT = "defaulted by Kubernetes"


def fail(target: str, value: Value[Any] | None, message: Text, *, observed: str | None = None,
         origin: Origin | None = None, severity: str | None = None, provenance: str | None = None,
         **extra: object) -> Result:
    """A failing result located at `value` (or `origin`), with the value's provenance (or `provenance`, for a
    finding on objects rather than on one value: "declared", "defaulted by Kubernetes")."""
    where = origin or (value.origin if value is not None else None)
    return Result(Status.FAIL, target, where, observed, value.describe_provenance() if value else provenance,
                  message, severity, dict(extra) if extra else NO_DETAILS, value.note if value is not None else None)


def passed(target: str, origin: Origin | None = None) -> Result:
    return Result(Status.PASS, target, origin)


def unknown_result(target: str, value: Value[Any] | None, message: Text, origin: Origin | None = None) -> Result:
    where = origin or (value.origin if value is not None else None)
    return Result(Status.UNKNOWN, target, where, None, "unknown", message)


def not_applicable(target: str, why: Text | None = None, origin: Origin | None = None) -> Result:
    """Not applicable; `why` says so where the reason is not obvious (a setting that does not exist there)."""
    return Result(Status.NOT_APPLICABLE, target, origin, message=why)


@dataclass(slots=True)
class Finding:
    """A result joined with its rule's metadata, after configuration and suppressions."""

    rule: str
    slug: str
    severity: str
    status: Status
    target: str
    origin: Origin | None
    observed: str | None
    provenance: str | None
    message: Text | None
    suppressed: str | None = None  # the reason, when a suppression applies
    extra: Mapping[str, object] = field(default_factory=_no_details)
    note: Text | None = None

    @property
    def severity_rank(self) -> int:
        return SEVERITY_ORDER.get(self.severity, 0)
