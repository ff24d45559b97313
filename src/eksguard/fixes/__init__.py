"""Safe fixes: what to change, shown before it is made, and never more than the finding needs.

- `eksctl`: minimal edits of eksctl ClusterConfig files (comments, key order and formatting kept).
- `commandline`: a corrected `eksctl create cluster` command line, or the equivalent config file.
- `live`: the exact `aws eks ...` / `eksctl utils ...` commands for a running cluster (printed, never run),
  each saying what it disrupts.
- `snippets`: suggested CloudFormation and Terraform replacements per finding (`Finding.extra`).
- `init`: a hardened ClusterConfig for a new cluster.

Every fix is driven by a real failing finding of the scan; this package never judges on its own.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from eksguard.model import Text

OPEN_CIDRS = ("0.0.0.0/0", "::/0")
ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")


class FixInputError(ValueError):
    """An option value that cannot be used (a CIDR that is not a network, an open CIDR ...)."""


@dataclass(frozen=True, slots=True)
class FixOptions:
    """What the user told `fix` (the parts of a fix a finding alone cannot decide)."""

    allow_cidrs: tuple[str, ...] = ()  # EKS101: restrict the public endpoint to these
    private_endpoint: bool = False  # EKS101: public access off, private access on instead
    admin_role_arn: str | None = None  # EKS108: the role that administers the cluster instead of its creator
    kms_key: str | None = None  # EKS105 (live commands only)
    rules: frozenset[str] = frozenset()  # fix only these rules (empty: every fixable rule)
    skip_rules: frozenset[str] = frozenset()

    def wants(self, rule_id: str) -> bool:
        return (not self.rules or rule_id in self.rules) and rule_id not in self.skip_rules


def check_cidrs(cidrs: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The CIDRs in their canonical form; FixInputError for an open range or a non-network address."""
    checked: list[str] = []
    for cidr in cidrs:
        text = cidr.strip()
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError as exc:
            try:
                suggestion = ipaddress.ip_network(text, strict=False)
            except ValueError:
                raise FixInputError(f"{cidr!r} is not a CIDR ({exc})") from None
            raise FixInputError(f"{cidr!r} has host bits set; did you mean {suggestion}?") from None
        if network.prefixlen == 0:
            raise FixInputError(f"{cidr} is the whole internet; give your own address, e.g. 203.0.113.10/32")
        if str(network) not in checked:
            checked.append(str(network))
    return tuple(checked)


@dataclass(frozen=True, slots=True)
class Change:
    """One fix made (or proposed) for one finding."""

    rule: str
    target: str
    what: Text


@dataclass(frozen=True, slots=True)
class Skip:
    """A failing finding that was not fixed, and why (what is needed instead)."""

    rule: str
    target: str
    why: Text


@dataclass(slots=True)
class Outcome:
    """What one pass of fixes did: changes, skips and warnings (the caveats of changes made)."""

    changes: list[Change] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[Text] = field(default_factory=list)

    def warn(self, text: Text) -> None:
        if text not in self.warnings:
            self.warnings.append(text)
