"""`eksguard fix` and `eksguard init` on the command line: output, --write, exit codes, JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from fixhelpers import ADMIN_ROLE, FIXTURES, documents, failing

from eksguard.cli import main

TODAY = "2026-11-22"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def test_fix_prints_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copyfile(FIXTURES / "public-nodes.yaml", path)
    original = path.read_text(encoding="utf-8")
    result = run("fix", str(path), "--rule", "EKS201", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"--- a/{str(path).lstrip('/')}\n+++ b/")
    assert "+  privateNetworking: true\n" in result.stdout
    assert "fix EKS201 cluster/nodes/nodegroup/self-managed" in result.stderr
    assert path.read_text(encoding="utf-8") == original


def test_fix_write_then_nothing_left(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copyfile(FIXTURES / "public-nodes.yaml", path)
    result = run("fix", str(path), "--rule", "EKS201", "--write", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert not {r for r, _ in failing(path.read_text(encoding="utf-8"), str(path))} & {"EKS201"}
    again = run("fix", str(path), "--rule", "EKS201", "--today", TODAY)
    assert again.exit_code == 0 and again.stdout == ""


def test_fix_exit_code_one_when_a_decision_is_needed(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copyfile(FIXTURES / "endpoint-open.yaml", path)
    result = run("fix", str(path), "--rule", "EKS101", "--today", TODAY)
    assert result.exit_code == 1
    assert "not fixed EKS101 cluster/workshop" in result.stderr and "--allow-cidr" in result.stderr
    assert result.stdout == ""
    fixed = run("fix", str(path), "--rule", "EKS101", "--allow-cidr", "203.0.113.10/32", "--today", TODAY)
    assert fixed.exit_code == 0
    assert "+  publicAccessCIDRs: [203.0.113.10/32]\n" in fixed.stdout


def test_fix_usage_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copyfile(FIXTURES / "endpoint-open.yaml", path)
    assert run("fix").exit_code == 2
    assert run("fix", str(path), "--allow-cidr", "0.0.0.0/0").exit_code == 2
    assert run("fix", str(path), "--allow-cidr", "203.0.113.10/32", "--private-endpoint").exit_code == 2
    assert run("fix", str(path), "--admin-role-arn", "not-an-arn").exit_code == 2
    assert run("fix", str(path), "--rule", "EKS999").exit_code == 2
    assert run("fix", str(tmp_path / "missing.yaml")).exit_code == 2


def test_fix_json_output(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copyfile(FIXTURES / "imds.yaml", path)
    result = run("fix", str(path), "--format", "json", "--rule", "EKS301", "--rule", "EKS302", "--today", TODAY)
    data = json.loads(result.stdout)
    [entry] = data["files"]
    assert entry["changed"] is True and entry["written"] is False
    assert {c["rule"] for c in entry["changes"]} == {"EKS301", "EKS302"}
    assert [s["target"] for s in entry["skipped"]] == ["cluster/imds/nodegroup/with-addon-policies"]
    assert entry["diff"].count("+    disablePodIMDS: true") == 2
    assert result.exit_code == 1  # one finding needs the add-on policies moved first


def test_fix_japanese_messages(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copyfile(FIXTURES / "endpoint-open.yaml", path)
    result = run("fix", str(path), "--rule", "EKS101", "--lang", "ja", "--today", TODAY)
    assert "未修正 EKS101" in result.stderr and "判断が必要です" in result.stderr


def test_fix_directory_fixes_only_eksctl_files(tmp_path: Path) -> None:
    shutil.copyfile(FIXTURES / "public-nodes.yaml", tmp_path / "a.yaml")
    (tmp_path / "notes.yaml").write_text("just: data\n", encoding="utf-8")
    result = run("fix", str(tmp_path), "--rule", "EKS201", "--write", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "notes.yaml").read_text(encoding="utf-8") == "just: data\n"
    assert documents((tmp_path / "a.yaml").read_text(encoding="utf-8"))[0]["nodeGroups"][0]["privateNetworking"]


def test_init_stdout_and_output_file(tmp_path: Path) -> None:
    result = run("init", "--name", "demo", "--region", "ap-northeast-1", "--admin-cidr", "203.0.113.10/32",
                 "--admin-role-arn", ADMIN_ROLE, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Hardened eksctl ClusterConfig")
    assert "publicAccessCIDRs: [203.0.113.10/32]" in result.stdout
    assert "EKS105" in result.stderr  # no --kms-key: said so
    target = tmp_path / "cluster.yaml"
    written = run("init", "--name", "demo", "--region", "ap-northeast-1", "--private", "--admin-role-arn",
                  ADMIN_ROLE, "-o", str(target), "--today", TODAY)
    assert written.exit_code == 0 and target.exists()
    assert "eksctl create cluster -f cluster.yaml" in target.read_text(encoding="utf-8")
    refused = run("init", "--name", "demo", "--region", "ap-northeast-1", "--private", "--admin-role-arn",
                  ADMIN_ROLE, "-o", str(target))
    assert refused.exit_code == 2


def test_init_rejects_bad_values() -> None:
    base = ["init", "--name", "demo", "--region", "ap-northeast-1", "--admin-role-arn", ADMIN_ROLE]
    assert run(*base).exit_code == 2  # no endpoint mode
    assert run(*base, "--private", "--fully-private").exit_code == 2
    assert run(*base, "--admin-cidr", "0.0.0.0/0").exit_code == 2
    assert run(*base, "--private", "--zones", "ap-northeast-1a").exit_code == 2
    assert run(*base, "--private", "--zones", "us-east-1a,us-east-1b").exit_code == 2
    assert run(*base, "--private", "--kms-key", "arn:aws:kms:us-east-1:111122223333:key/x").exit_code == 2
    assert run("init", "--name", "1bad", "--region", "ap-northeast-1", "--private",
               "--admin-role-arn", ADMIN_ROLE).exit_code == 2
