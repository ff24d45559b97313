"""The shipped max-pods table and formula against amazon-eks-ami's old eni-max-pods.txt."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from eksguard.analysis import maxpods

REPO = Path(__file__).resolve().parent.parent


def test_table_provenance_is_recorded() -> None:
    table = maxpods.table()
    assert table["commit"] == "81fec2e895854f599974fe4d3d72f61c0a9aaffa"
    assert table["date"] == "2026-07-23" and table["license"] == "MIT-0"
    assert len(table["types"]) > 1300


def test_formula_matches_eni_max_pods_txt(shared_root: Path) -> None:
    old = {}
    for line in (shared_root / "data/max-pods/eni-max-pods.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, pods = line.split()
            old[name] = int(pods)
    both = [name for name in old if maxpods.eni_limits(name) is not None]
    assert len(both) > 1100
    mismatches = {name: (old[name], maxpods.max_pods(name).pods) for name in both
                  if maxpods.max_pods(name).pods != old[name]}
    assert mismatches == {}


def test_known_values_and_prefix_delegation() -> None:
    assert maxpods.max_pods("m5.large") == maxpods.PodCapacity(29)  # 3 × (10 − 1) + 2
    assert maxpods.max_pods("t3.micro").pods == 4
    assert maxpods.max_pods("m5.large", prefix_delegation=True).pods == 110  # 434 capped at 110 (2 vCPU)
    assert maxpods.max_pods("m5.24xlarge", prefix_delegation=True).pods == 250  # 96 vCPU: cap 250
    assert maxpods.max_pods("t3.micro", prefix_delegation=True).pods == 34  # 2 × (1 × 16) + 2, under the cap
    assert maxpods.max_pods("no.such-type") == maxpods.PodCapacity(None, unknown_reason=maxpods.NOT_IN_TABLES)


def test_types_only_in_the_older_table(shared_root: Path) -> None:
    older = maxpods.table()["older_table"]
    assert older["commit"] == "2bed73dc4fafb502298fa67534dc53a030e56b21" and older["license"] == "Apache-2.0"
    assert "eni-max-pods.txt" in older["source"]
    # only what instance-info.jsonl lacks, with the old file's own numbers (p3.2xlarge 58, p3.8xlarge 234)
    assert not set(older["types"]) & set(maxpods.table()["types"])
    lines = (shared_root / "data/max-pods/eni-max-pods.txt").read_text().splitlines()
    for name in ("p3.2xlarge", "p3.8xlarge"):
        written = next(int(line.split()[1]) for line in lines if line.startswith(f"{name} "))
        assert maxpods.max_pods(name) == maxpods.PodCapacity(written, from_older_table=True)
        # p3 is Xen: prefix delegation does not apply, and the old table's secondary-IP number holds
        assert maxpods.max_pods(name, prefix_delegation=True) == maxpods.PodCapacity(
            written, True, prefix_not_applicable=True)
        # nor IPv4 per ENI: a Windows node's capacity stays unknown too
        assert maxpods.max_pods(name, windows=True) == maxpods.PodCapacity(
            None, True, maxpods.WINDOWS_OLDER_TABLE_ONLY)


def test_older_table_only_nitro_type_with_prefix_delegation(monkeypatch: pytest.MonkeyPatch) -> None:
    # a Nitro type only in the old table (none today): no ENI counts, so prefix delegation stays unknown
    real = maxpods.table()
    older = {**real["older_table"], "types": {**real["older_table"]["types"], "zz1.large": 29}}
    monkeypatch.setattr(maxpods, "table", lambda: {**real, "older_table": older})
    assert maxpods.max_pods("zz1.large") == maxpods.PodCapacity(29, from_older_table=True)
    assert maxpods.max_pods("zz1.large", prefix_delegation=True) == maxpods.PodCapacity(
        None, True, maxpods.OLDER_TABLE_ONLY)


def test_not_nitro_types_are_recorded() -> None:
    not_nitro = maxpods.table()["not_nitro"]
    assert "Nitro System" in not_nitro["source"] and "vpc_ip_resource_limit.go" in not_nitro["source"]
    names = set(not_nitro["types"])
    assert names <= set(maxpods.table()["types"]) | set(maxpods.table()["older_table"]["types"])
    # Xen families (and cr1/hs1, which EC2 gives no hypervisor); p3dn.24xlarge is Nitro, as are i3en and the rest
    assert {"t2.medium", "t1.micro", "m4.large", "c4.xlarge", "r4.large", "i3.large", "x1e.xlarge", "p3.2xlarge",
            "f1.2xlarge", "cr1.8xlarge", "hs1.8xlarge"} <= names
    assert not {"p3dn.24xlarge", "i3en.large", "m5.large", "t3.medium", "a1.metal", "u-6tb1.metal"} & names
    assert not maxpods.nitro("t2.medium") and maxpods.nitro("m5.large")


def test_prefix_delegation_only_on_nitro() -> None:
    # t2.medium (Xen): 3 ENIs of 6 IPv4; VPC CNI falls back to secondary IPs: 3 × (6 − 1) + 2
    assert maxpods.eni_limits("t2.medium") == (3, 6)
    assert maxpods.max_pods("t2.medium") == maxpods.PodCapacity(17)
    assert maxpods.max_pods("t2.medium", prefix_delegation=True) == maxpods.PodCapacity(17, prefix_not_applicable=True)
    assert maxpods.max_pods("m4.16xlarge", prefix_delegation=True).pods == 8 * 29 + 2  # not capped either
    # m5.large (Nitro): the prefix formula, capped at 110
    assert maxpods.max_pods("m5.large", prefix_delegation=True) == maxpods.PodCapacity(110)
    # a type in no table stays unknown either way
    assert maxpods.max_pods("no.such-type", prefix_delegation=True) == maxpods.PodCapacity(
        None, unknown_reason=maxpods.NOT_IN_TABLES)


def test_windows_nodes_use_one_eni() -> None:
    enis, ips_per_eni = maxpods.eni_limits("m5.large") or (0, 0)
    assert (enis, ips_per_eni) == (3, 10)
    assert maxpods.max_pods("m5.large", windows=True) == maxpods.PodCapacity(9)  # 10 - 1, not 3 x 9 + 2
    # the vpc-cni addon's prefix delegation does not apply to Windows nodes
    assert maxpods.max_pods("m5.large", prefix_delegation=True, windows=True).pods == 9
    assert maxpods.max_pods("no.such-type", windows=True).unknown_reason == maxpods.NOT_IN_TABLES


def test_generator_reproduces_the_shipped_table(shared_root: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_max_pods", REPO / "tools/gen_max_pods.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = (REPO / "src/eksguard/data/max_pods.json").read_text(encoding="utf-8")
    folder = shared_root / "data/max-pods"
    assert module.build(folder) == shipped, "max_pods.json is stale: run tools/gen_max_pods.py ../shared/data/max-pods"
    assert module.build(folder) == module.build(folder)
