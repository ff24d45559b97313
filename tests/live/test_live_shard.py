"""Large estates: `--targets FILE`, `--shard K/N` in N processes, `eksguard report merge` of their JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from live_estates import simple_cluster
from live_fakes import FakeEks

from eksguard.cli import main
from eksguard.live.audit import AuditError, parse_shard, read_targets, shard_targets
from eksguard.live.aws import Target

pytestmark = pytest.mark.live


def clusters_of(report: dict[str, object]) -> set[str]:
    return {s["target"].split("/")[1] for s in report["rule_statuses"]  # type: ignore[attr-defined,index]
            if s["target"].startswith("cluster/")}  # type: ignore[index]


def test_shards_split_the_work_and_merge_back(aws: FakeEks, tmp_path: Path) -> None:
    names = [f"team-{i}" for i in range(4)]
    for name in names:
        simple_cluster(aws, name, "us-east-1")
    targets = tmp_path / "targets.txt"
    targets.write_text("# region/cluster\n" + "\n".join(f"us-east-1/{n}" for n in names) + "\n")
    runner = CliRunner()
    outputs = []
    seen: list[set[str]] = []
    for index in range(2):
        out = tmp_path / f"shard-{index}.json"
        outcome = runner.invoke(main, ["audit", "--targets", str(targets), "--shard", f"{index}/2", "--no-kubernetes",
                                       "--format", "json", "-o", str(out), "--max-attempts", "1", "-q"])
        assert outcome.exit_code in (0, 1), outcome.output
        outputs.append(str(out))
        seen.append(clusters_of(json.loads(out.read_text())))
    assert seen[0] and seen[1] and not seen[0] & seen[1]
    assert seen[0] | seen[1] == set(names)

    merged_file = tmp_path / "merged.json"
    merged = runner.invoke(main, ["report", "merge", *outputs, "-o", str(merged_file), "--fail-on", "critical"])
    assert merged.exit_code == 0, merged.output  # the clusters restrict their public endpoint: nothing critical
    report = json.loads(merged_file.read_text())
    assert clusters_of(report) == set(names)
    assert report["merged_from"] == outputs
    assert len(report["inputs"]) == 4
    assert "4 cluster(s)" in merged.stderr
    again = runner.invoke(main, ["report", "merge", *outputs, *outputs, "--fail-on", "low"])  # duplicates kept once
    assert len(json.loads(again.stdout)["rule_statuses"]) == len(report["rule_statuses"])
    assert again.exit_code == 1  # EKS102 (low) is a finding at or above low


def test_merge_rejects_what_is_not_a_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    outcome = CliRunner().invoke(main, ["report", "merge", str(bad)])
    assert outcome.exit_code == 2 and "not an eksguard JSON report" in outcome.stderr


def test_shard_and_targets_parsing(tmp_path: Path) -> None:
    assert parse_shard("0/3") == (0, 3)
    for bad in ("3/3", "-1/2", "a/b", "1"):
        with pytest.raises(AuditError):
            parse_shard(bad)
    targets = [Target(None, "us-east-1", f"c{i}") for i in range(7)]
    shares = [shard_targets(reversed(targets), (k, 3)) for k in range(3)]
    assert sorted(t.cluster for share in shares for t in share) == sorted(t.cluster for t in targets)
    assert shares == [shard_targets(targets, (k, 3)) for k in range(3)]  # order of the input does not matter
    listing = tmp_path / "targets.yaml"
    listing.write_text("- {cluster: a, region: eu-west-1, profile: prod, context: prod-a}\n- {cluster: b, region: us-east-1}\n")
    assert read_targets(listing) == [Target("prod", "eu-west-1", "a", "prod-a"), Target(None, "us-east-1", "b")]
    lines = tmp_path / "targets.txt"
    lines.write_text("prod@eu-west-1/a  # comment\n\nus-east-1/b\n")
    assert read_targets(lines) == [Target("prod", "eu-west-1", "a"), Target(None, "us-east-1", "b")]
    lines.write_text("just-a-name\n")
    with pytest.raises(AuditError, match="expected"):
        read_targets(lines)


def test_no_region_is_a_clear_error(aws: FakeEks, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    outcome = CliRunner().invoke(main, ["audit", "--no-kubernetes"])
    assert outcome.exit_code == 2
    assert "no AWS region: give --region" in outcome.stderr
    both = CliRunner().invoke(main, ["audit", "--region", "us-east-1", "--all-regions"])
    assert both.exit_code == 2 and "cannot be used together" in both.output
