"""Correcting `eksctl create cluster` command lines (needs the command-line source)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fixhelpers import ADMIN_ROLE, documents, failing

from eksguard.cli import main
from eksguard.fixes import FixOptions
from eksguard.fixes.commandline import fix_commands

pytest.importorskip("eksguard.sources.commandline_reader", reason="the eksctl command-line source is not built yet")

ARTICLE_000 = ("eksctl create cluster --name=ekshandson --version 1.30 --nodes=3 --managed --region ap-northeast-1 "
               "--zones ap-northeast-1a,ap-northeast-1c")
TODAY = "2026-11-22"


def rules_of(findings: set[tuple[str, str]]) -> set[str]:
    return {rule for rule, _ in findings}


def test_article_000_command_line_is_corrected() -> None:
    before = rules_of(failing(ARTICLE_000 + "\n", "setup.sh"))
    assert {"EKS101", "EKS201"} <= before
    [fix] = fix_commands(ARTICLE_000 + "\n", "setup.sh", FixOptions())
    assert fix.corrected is not None
    assert fix.corrected.startswith(ARTICLE_000 + " ")
    assert "--node-private-networking" in fix.corrected and "--with-oidc" in fix.corrected
    after = rules_of(failing(fix.corrected + "\n", "setup.sh"))
    assert "EKS201" not in after and "EKS401" not in after and "EKS302" not in after
    # no flag can restrict the endpoint: that needs the config file (next test)
    assert "EKS101" in after and "EKS101" in fix.config_needed


def test_article_000_to_config_scans_clean_of_eks201_and_eks101(tmp_path: Path) -> None:
    target = tmp_path / "ekshandson.yaml"
    result = CliRunner().invoke(main, ["fix", "--command", ARTICLE_000, "--allow-cidr", "203.0.113.10/32",
                                       "--admin-role-arn", ADMIN_ROLE, "--to-config", str(target), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"eksctl create cluster -f {target}"
    text = target.read_text(encoding="utf-8")
    after = rules_of(failing(text, str(target)))
    assert not after & {"EKS101", "EKS201", "EKS103", "EKS104", "EKS107", "EKS108", "EKS302", "EKS401"}, after
    [doc] = documents(text)
    assert doc["metadata"] == {"name": "ekshandson", "version": "1.30", "region": "ap-northeast-1"}
    assert doc["availabilityZones"] == ["ap-northeast-1a", "ap-northeast-1c"]
    group = doc["managedNodeGroups"][0]
    assert group["desiredCapacity"] == 3 and group["name"] and group["privateNetworking"] is True
    assert doc["vpc"]["publicAccessCIDRs"] == ["203.0.113.10/32"]
    assert text.startswith("# The ClusterConfig equivalent of: " + ARTICLE_000)


def test_to_config_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "exists.yaml"
    target.write_text("keep: me\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", "--command", ARTICLE_000, "--private-endpoint", "--to-config",
                                       str(target), "--today", TODAY])
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "keep: me\n"


def test_flags_kept_next_to_the_config_file(tmp_path: Path) -> None:
    target = tmp_path / "c.yaml"
    command = ARTICLE_000 + " --profile handson --kubeconfig /tmp/kc --ssh-access"
    result = CliRunner().invoke(main, ["fix", "--command", command, "--private-endpoint", "--to-config", str(target),
                                       "--today", TODAY])
    assert "--profile=handson" in result.stdout and "--kubeconfig=/tmp/kc" in result.stdout
    assert "--ssh-access" not in result.stdout  # it is in the file now
    assert documents(target.read_text(encoding="utf-8"))[0]["managedNodeGroups"][0]["ssh"]["allow"] is False


def test_disable_pod_imds_is_not_added_next_to_addon_policy_flags() -> None:
    [fix] = fix_commands(ARTICLE_000 + " --asg-access\n", "setup.sh", FixOptions())
    assert fix.corrected is not None and "--disable-pod-imds" not in fix.corrected
    assert [s.rule for s in fix.outcome.skipped] == ["EKS302"]


def test_explicit_false_flags_are_replaced() -> None:
    command = ARTICLE_000 + " --node-private-networking=false --ssh-access --ssh-public-key=~/.ssh/id.pub\n"
    [fix] = fix_commands(command, "setup.sh", FixOptions())
    assert fix.corrected is not None
    assert "--node-private-networking=false" not in fix.corrected
    assert fix.corrected.count("--node-private-networking") == 1
    assert " --ssh-access " not in fix.corrected + " " and "--ssh-access=false" in fix.corrected
    assert not rules_of(failing(fix.corrected + "\n", "setup.sh")) & {"EKS201", "EKS208"}


def test_scripts_among_paths_get_corrected_commands(tmp_path: Path) -> None:
    script = tmp_path / "setup.sh"
    script.write_text("#!/bin/sh\nset -e\n" + ARTICLE_000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", str(script), "--today", TODAY])
    assert "--node-private-networking" in result.stdout
    assert script.read_text(encoding="utf-8").count("--node-private-networking") == 0  # scripts are not edited
    assert result.exit_code == 1  # EKS101 and friends need the config file
