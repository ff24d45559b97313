"""The shipped max-pods table and formula against amazon-eks-ami's old eni-max-pods.txt."""

from __future__ import annotations

from pathlib import Path

from eksguard.analysis import maxpods


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
    mismatches = {name: (old[name], maxpods.max_pods(name)) for name in both if maxpods.max_pods(name) != old[name]}
    assert mismatches == {}


def test_known_values_and_prefix_delegation() -> None:
    assert maxpods.max_pods("m5.large") == 29  # 3 × (10 − 1) + 2
    assert maxpods.max_pods("t3.micro") == 4
    assert maxpods.max_pods("m5.large", prefix_delegation=True) == 110  # 434 capped at 110 (2 vCPU)
    assert maxpods.max_pods("m5.24xlarge", prefix_delegation=True) == 250  # 96 vCPU: cap 250
    assert maxpods.max_pods("t3.micro", prefix_delegation=True) == 34  # 2 × (1 × 16) + 2, under the cap
    assert maxpods.max_pods("no.such-type") is None
