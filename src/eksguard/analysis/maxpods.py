"""Max pods per node from the instance type's ENI limits (eks-domain.md §6).

Secondary-IP mode: ENIs × (IPv4 per ENI − 1) + 2 (the primary IP of each ENI is not used for
pods; +2 for host-network pods). Prefix delegation: ENIs × ((IPv4 per ENI − 1) × 16) + 2,
capped at 110 for instance types with at most 30 vCPUs and 250 above (amazon-eks-ami
max-pods-calculator.sh), on instance types built on the AWS Nitro System only: on the others (Xen;
`not_nitro` in max_pods.json, see tools/gen_max_pods.py) VPC CNI falls back to secondary IPs.
Windows nodes: IPv4 per ENI − 1 (one ENI). Data: amazon-eks-ami instance-info.jsonl (MIT-0), see max_pods.json; for the
few types it lacks, the secondary-IP max pods of amazon-eks-ami's older eni-max-pods.txt (`older_table`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from eksguard.model import Text

_SIZE = re.compile(r"\.(?:(\d+)x)?(nano|micro|small|medium|large|xlarge|metal.*)$")


DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "max_pods.json").read_text(encoding="utf-8"))
    return data


def eni_limits(instance_type: str) -> tuple[int, int] | None:
    row = table()["types"].get(instance_type)
    return (int(row[0]), int(row[1])) if row else None


def estimated_vcpus(instance_type: str) -> int | None:
    """vCPUs from the size suffix (large = 2, xlarge = 4, 8xlarge = 32); metal counts as large.

    The table has no vCPU column; only the prefix-delegation cap (110 vs 250) depends on this.
    """
    match = _SIZE.search(instance_type)
    if match is None:
        return None
    multiplier, size = match.groups()
    if size.startswith("metal"):
        return 64
    base = {"nano": 2, "micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": 4}[size]
    return base * int(multiplier) if multiplier else base


@dataclass(frozen=True, slots=True)
class PodCapacity:
    """Max pods per node of one instance type, or why it is not known."""

    pods: int | None
    # the number comes from the older eni-max-pods.txt (`older_table` in max_pods.json), not instance-info.jsonl
    from_older_table: bool = False
    unknown_reason: Text | None = None
    # prefix delegation is on, but the type is not built on the AWS Nitro System (Xen): secondary-IP mode
    prefix_not_applicable: bool = False


def nitro(instance_type: str) -> bool:
    """False for the types of the tables that are not built on the AWS Nitro System; True for the others."""
    return instance_type not in _not_nitro()


@cache
def _not_nitro() -> frozenset[str]:
    return frozenset(table()["not_nitro"]["types"])


NOT_IN_TABLES = Text("not in the bundled ENI table", "同梱の ENI 表にありません")
OLDER_TABLE_ONLY = Text(
    "only in amazon-eks-ami's older eni-max-pods.txt, which gives max pods for secondary IPs but not the ENI "
    "counts prefix delegation needs",
    "amazon-eks-ami の旧 eni-max-pods.txt にしかなく、この表にはセカンダリ IP での最大 Pod 数はありますが、"
    "プレフィックス委任に必要な ENI 数がありません")


WINDOWS_OLDER_TABLE_ONLY = Text(
    "only in amazon-eks-ami's older eni-max-pods.txt, which has no IPv4 addresses per ENI for a Windows node",
    "amazon-eks-ami の旧 eni-max-pods.txt にしかなく、Windows ノードに必要な ENI あたりの IPv4 アドレス数がありません")


def max_pods(instance_type: str, prefix_delegation: bool = False, windows: bool = False) -> PodCapacity:
    """`prefix_delegation`: the vpc-cni addon's; Windows prefix delegation is another setting (not read here)."""
    limits = eni_limits(instance_type)
    if windows:
        # https://docs.aws.amazon.com/eks/latest/userguide/windows-support.html: a Windows node uses one ENI,
        # and its max pods is that ENI's IPv4 addresses minus one
        if limits is None:
            in_older = instance_type in table()["older_table"]["types"]
            return PodCapacity(None, in_older, WINDOWS_OLDER_TABLE_ONLY if in_older else NOT_IN_TABLES)
        return PodCapacity(limits[1] - 1)
    # VPC CNI uses prefix delegation on Nitro instances only and falls back to secondary IPs on the others
    not_applicable = prefix_delegation and not nitro(instance_type)
    if not_applicable:
        prefix_delegation = False
    if limits is None:
        older_pods = table()["older_table"]["types"].get(instance_type)
        if older_pods is None:
            return PodCapacity(None, unknown_reason=NOT_IN_TABLES)
        if prefix_delegation:
            return PodCapacity(None, True, OLDER_TABLE_ONLY)
        return PodCapacity(int(older_pods), True, prefix_not_applicable=not_applicable)
    enis, ips_per_eni = limits
    if not prefix_delegation:
        return PodCapacity(enis * (ips_per_eni - 1) + 2, prefix_not_applicable=not_applicable)
    computed = enis * ((ips_per_eni - 1) * 16) + 2
    vcpus = estimated_vcpus(instance_type)
    cap = 250 if vcpus is not None and vcpus > 30 else 110
    return PodCapacity(min(computed, cap))
