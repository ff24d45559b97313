"""The shipped max-pods table and formula against amazon-eks-ami's old eni-max-pods.txt."""

from __future__ import annotations

import importlib.util
from pathlib import Path

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
        # the old table has no ENI counts: prefix delegation stays unknown, saying why
        assert maxpods.max_pods(name, prefix_delegation=True) == maxpods.PodCapacity(
            None, True, maxpods.OLDER_TABLE_ONLY)
        # nor IPv4 per ENI: a Windows node's capacity stays unknown too
        assert maxpods.max_pods(name, windows=True) == maxpods.PodCapacity(
            None, True, maxpods.WINDOWS_OLDER_TABLE_ONLY)


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
