"""`--snapshot-out` then `--from-snapshot`: the same findings, offline, with nothing secret in the file."""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from live_estates import article_000, kube_objects, private_cluster
from live_fakes import ACCESS_KEY, SECRET_KEY, FakeEks

from eksguard.cli import main

pytestmark = pytest.mark.live


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    return {key: report[key] for key in ("findings", "suppressed", "rule_statuses", "errors", "notices")}


def test_snapshot_round_trip_is_identical_and_offline(aws: FakeEks, kube_server: Any, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    kube = kube_server(kube_objects())
    article_000(aws, kube_url=kube.url)
    private_cluster(aws, kube_url=kube.url)
    snapshot = tmp_path / "estate.json.gz"
    runner = CliRunner()
    live = runner.invoke(main, ["audit", "--region", "us-east-1", "--format", "json", "--snapshot-out",
                                str(snapshot), "--max-attempts", "1", "--today", "2026-11-22"])
    assert live.exit_code == 1, live.output
    live_report = json.loads(live.stdout)
    assert len({s["target"].split("/")[1] for s in live_report["rule_statuses"]}) == 2

    text = gzip.decompress(snapshot.read_bytes()).decode()
    data = json.loads(text)
    assert data["format"] == "eksguard-snapshot" and len(data["targets"]) == 2
    assert {e["operation"] for e in data["aws"]} >= {"DescribeCluster", "DescribeSubnets", "ListAddons"}
    token = next(a for a in kube.authorizations if a).split(" ", 1)[1]
    for secret in (ACCESS_KEY, SECRET_KEY, token, "k8s-aws-v1.", "hunter2-not-recorded", "last-applied-configuration",
                   "Authorization", "UserData"):
        assert secret not in text

    def no_network(*_: Any, **__: Any) -> None:
        raise AssertionError("the snapshot audit opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EKS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    kube.reset()
    offline = runner.invoke(main, ["audit", "--from-snapshot", str(snapshot), "--format", "json",
                                   "--today", "2026-11-22"])
    assert offline.exit_code == live.exit_code, offline.output
    offline_report = json.loads(offline.stdout)
    assert _comparable(offline_report) == _comparable(live_report)
    assert [i["kind"] for i in offline_report["inputs"]] == ["snapshot", "snapshot"]
    assert kube.requests == []
    assert "from snapshot" in offline.stderr

    # a subset of the snapshot: one cluster
    one = runner.invoke(main, ["audit", "--from-snapshot", str(snapshot), "--cluster", "private", "--format", "json",
                               "--today", "2026-11-22"])
    statuses = json.loads(one.stdout)["rule_statuses"]
    assert {s["target"].split("/")[1] for s in statuses} == {"private"}


def test_denied_calls_are_replayed_as_denied(aws: FakeEks, tmp_path: Path) -> None:
    private_cluster(aws)
    aws.errors["ListAddons"] = (403, "AccessDeniedException", "User is not authorized to perform: eks:ListAddons")
    snapshot = tmp_path / "denied.json"
    runner = CliRunner()
    live = runner.invoke(main, ["audit", "--region", "us-east-1", "--no-kubernetes", "--format", "json",
                                "--snapshot-out", str(snapshot), "--max-attempts", "1", "--today", "2026-11-22"])
    offline = runner.invoke(main, ["audit", "--from-snapshot", str(snapshot), "--no-kubernetes", "--format", "json",
                                   "--today", "2026-11-22"])
    assert json.loads(offline.stdout)["notices"] == json.loads(live.stdout)["notices"]
    assert any("eks:ListAddons permission denied (AccessDeniedException)" in n
               for n in json.loads(offline.stdout)["notices"])


def test_unusable_snapshot_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    outcome = CliRunner().invoke(main, ["audit", "--from-snapshot", str(bad)])
    assert outcome.exit_code == 2
    assert "not an eksguard snapshot" in outcome.stderr
    future = tmp_path / "future.json"
    future.write_text('{"format": "eksguard-snapshot", "version": 99}')
    outcome = CliRunner().invoke(main, ["audit", "--from-snapshot", str(future)])
    assert outcome.exit_code == 2 and "version 99 is not supported" in outcome.stderr
