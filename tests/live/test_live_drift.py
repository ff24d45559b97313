"""`eksguard drift CONFIG --cluster N`: the declared model vs the live one, field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from live_estates import ARTICLE_000_EKSCTL, article_000
from live_fakes import FakeEks

from eksguard.cli import main

pytestmark = pytest.mark.live

HARDENED = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: handson
  region: us-east-1
  version: "1.33"
vpc:
  publicAccessCIDRs: ["203.0.113.10/32"]
  clusterEndpoints: {publicAccess: true, privateAccess: true}
cloudWatch:
  clusterLogging:
    enableTypes: [api, audit, authenticator]
accessConfig:
  authenticationMode: API
managedNodeGroups:
  - name: ng-1
    instanceType: m5.large
    privateNetworking: true
    disablePodIMDS: true
  - name: ng-2
    privateNetworking: true
"""


def by_field(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["field"]: d for d in report["differences"]}


def test_drift_between_config_and_live(aws: FakeEks, tmp_path: Path) -> None:
    article_000(aws)
    config = tmp_path / "cluster.yaml"
    config.write_text(HARDENED, encoding="utf-8")
    outcome = CliRunner().invoke(main, ["drift", str(config), "--cluster", "handson", "--format", "json"])
    assert outcome.exit_code == 1, outcome.output
    report = json.loads(outcome.stdout)
    fields = by_field(report)
    assert fields["version"]["status"] == "drift"
    assert (fields["version"]["declared"], fields["version"]["live"]) == ("1.33", "1.31")
    cidrs = fields["public_endpoint_cidrs"]
    assert (cidrs["status"], cidrs["declared"], cidrs["live"]) == ("drift", ["203.0.113.10/32"], ["0.0.0.0/0"])
    assert cidrs["declared_location"].endswith("cluster.yaml:8:3")  # where the file says it
    assert cidrs["live_location"] == "arn:aws:eks:us-east-1:123456789012:cluster/handson"
    assert fields["endpoint_private_access"]["status"] == "drift"
    assert fields["log_types"]["live"] == [] and fields["log_types"]["status"] == "drift"
    assert fields["authentication_mode"]["live"] == "API_AND_CONFIG_MAP"
    public = fields["node_groups[ng-1].public_subnets"]
    assert (public["status"], public["declared"], public["live"]) == ("drift", False, True)
    assert fields["node_groups[ng-1].imds_hop_limit"]["status"] == "drift"  # disablePodIMDS → 1; live node: 2
    assert fields["node_groups[ng-1].imds_http_tokens"]["status"] == "same"
    assert fields["node_groups[ng-1].instance_types"]["status"] == "same"
    assert fields["node_groups[ng-2]"]["status"] == "declared-only"
    # eksctl leaves volume encryption to the account: unknown, not drift
    assert fields["node_groups[ng-1].volume_encrypted"]["status"] == "unknown"


def test_drift_text_and_snapshot(aws: FakeEks, tmp_path: Path) -> None:
    article_000(aws)
    snapshot = tmp_path / "live.json"
    runner = CliRunner()
    runner.invoke(main, ["audit", "--cluster", "handson", "--region", "us-east-1", "--no-kubernetes",
                         "--snapshot-out", str(snapshot), "-q", "--max-attempts", "1"])
    config = tmp_path / "handson.yaml"
    config.write_text(ARTICLE_000_EKSCTL, encoding="utf-8")
    outcome = runner.invoke(main, ["drift", str(config), "--from-snapshot", str(snapshot)])
    assert outcome.exit_code in (0, 1), outcome.output
    lines = outcome.stdout.splitlines()
    assert lines[0].startswith(f"drift: {config}:")
    # article 000 as declared is article 000 as it runs: the exposure fields agree
    assert not any(line.lstrip().startswith("≠ public_endpoint_cidrs") for line in lines)
    assert not any("node_groups[ng-1].public_subnets" in line and "≠" in line for line in lines)
    assert lines[-1].endswith("the same.")
    everything = runner.invoke(main, ["drift", str(config), "--from-snapshot", str(snapshot), "--all"])
    assert any(line.lstrip().startswith("= public_endpoint_cidrs") for line in everything.stdout.splitlines())


def test_drift_needs_one_cluster(aws: FakeEks, tmp_path: Path) -> None:
    config = tmp_path / "handson.yaml"
    config.write_text(ARTICLE_000_EKSCTL, encoding="utf-8")
    outcome = CliRunner().invoke(main, ["drift", str(config), "--cluster", "other"])
    assert outcome.exit_code == 2 and "named other" in outcome.stderr
    missing = CliRunner().invoke(main, ["drift", str(config)])  # nothing in moto
    assert missing.exit_code == 2 and "not found live" in missing.stderr


def test_drift_skips_zones_known_only_by_their_suffix(aws: FakeEks, tmp_path: Path) -> None:
    article_000(aws)
    config = tmp_path / "cluster.yaml"
    named = HARDENED.replace("vpc:\n", 'availabilityZones: ["us-east-1x", "us-east-1y"]\nvpc:\n', 1)
    config.write_text(named, encoding="utf-8")
    outcome = CliRunner().invoke(main, ["drift", str(config), "--cluster", "handson", "--format", "json"])
    assert by_field(json.loads(outcome.stdout))["cluster_subnet_azs"]["status"] == "drift"
    # `${TEAM_REGION}a` (not in the environment): two zones for EKS202, but no zone names to compare with the live ones
    config.write_text(named.replace('"us-east-1x", "us-east-1y"',
                                    '"${TEAM_REGION}a", "${TEAM_REGION}b"'), encoding="utf-8")
    outcome = CliRunner().invoke(main, ["drift", str(config), "--cluster", "handson", "--format", "json"])
    assert "cluster_subnet_azs" not in by_field(json.loads(outcome.stdout))
