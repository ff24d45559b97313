"""`eksguard context`: the resolved target in one glance, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from guardkit import DEV_CLUSTER_ENTRY, DEV_CONTEXT, PROD_ACCOUNT, PROD_ARN, FakeKubectl, Project, write_yaml

from eksguard.guard.cli import context_command, kubectl_command


def context_json(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(context_command, ["--format", "json", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_json_for_aws_cli_context(project: Project, kubectl: FakeKubectl) -> None:
    data = context_json()
    assert data["context"] == PROD_ARN
    assert data["cluster"] == {
        "entry": PROD_ARN, "name": "prod-main", "account": PROD_ACCOUNT, "region": "us-west-2", "arn": PROD_ARN,
        "server": project.server.url,
        "sources": {"cluster_name": "cluster entry ARN", "region": "cluster entry ARN",
                    "account": "cluster entry ARN", "partition": "cluster entry ARN",
                    "exec_profile": "exec env AWS_PROFILE"},
    }
    assert data["environment"] == {"name": "prod", "policy": "confirm",
                                   "banner": {"text": "!!! WARNING: PRODUCTION !!!", "color": "red"}}
    assert data["policy"] == "confirm"
    assert data["user"] == {"entry": PROD_ARN, "aws_profile": "prod", "role_arn": None, "exec_command": "aws"}
    assert data["versions"] == {"client": "v1.31.2", "server": "v1.31.4-eks-1a2b3c4", "server_cached": False,
                                "server_error": None, "client_error": None, "minor_skew": 0, "skew_ok": True}
    assert data["config"] == str(project.root / ".eksguard.yaml")
    assert data["kubeconfig"] == [str(project.aws_kubeconfig), str(project.eksctl_kubeconfig)]


def test_json_for_eksctl_context_from_the_second_kubeconfig_file(project: Project, kubectl: FakeKubectl) -> None:
    data = context_json("--context", DEV_CONTEXT)
    cluster = data["cluster"]
    assert isinstance(cluster, dict)
    assert (cluster["entry"], cluster["name"], cluster["region"], cluster["account"], cluster["arn"]) == (
        DEV_CLUSTER_ENTRY, "dev-main", "ap-northeast-1", None, None)
    assert data["environment"] == {"name": "dev", "policy": "allow", "banner": None}
    assert data["context_from_flag"] is True and data["current_context"] == PROD_ARN


def test_offline_uses_only_the_cache(project: Project, kubectl: FakeKubectl) -> None:
    offline = context_json("--offline")
    assert offline["versions"]["server"] is None  # type: ignore[index]
    assert project.server.requests == []
    context_json()
    cached = context_json("--offline")
    assert cached["versions"]["server"] == "v1.31.4-eks-1a2b3c4"  # type: ignore[index]
    assert cached["versions"]["server_cached"] is True  # type: ignore[index]
    assert len(project.server.requests) == 1


def test_text_output_in_english_and_japanese(project: Project, kubectl: FakeKubectl) -> None:
    project.server.version = "1.33.0"
    english = CliRunner().invoke(context_command, ["--lang", "en"]).output
    assert "!!! WARNING: PRODUCTION !!!" in english
    assert "Cluster      prod-main" in english
    assert "Account      111111111111" in english
    assert "Policy       confirm for mutating commands" in english
    assert "EKS601" in english  # kubectl 1.31 against 1.33
    japanese = CliRunner().invoke(context_command, ["--lang", "ja", "--offline"]).output
    assert "クラスター" in japanese and "環境" in japanese and "変更系のコマンドは confirm" in japanese


def test_shows_a_silent_context_switch(project: Project, kubectl: FakeKubectl) -> None:
    CliRunner().invoke(kubectl_command, ["get", "pods"])
    data = yaml.safe_load(project.aws_kubeconfig.read_text())
    data["current-context"] = ""
    write_yaml(project.aws_kubeconfig, data)
    report = context_json("--offline")
    assert report["context_changed"] is True
    assert report["previous_context"] == PROD_ARN and report["context"] == DEV_CONTEXT


def test_config_from_environment_variable_and_user_config(project: Project, kubectl: FakeKubectl, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (project.root / ".eksguard.yaml").unlink()
    assert context_json("--offline")["environment"] is None
    user_config = tmp_path / "xdg-config" / "eksguard" / "config.yaml"
    user_config.parent.mkdir(parents=True)
    user_config.write_text("environments:\n  production: {match: {regions: [us-west-2]}, policy: deny}\n")
    assert context_json("--offline")["policy"] == "deny"
    elsewhere = tmp_path / "team.yaml"
    elsewhere.write_text("environments:\n  live: {match: {arns: ['arn:aws:eks:*:111111111111:*']}, policy: allow}\n")
    monkeypatch.setenv("EKSGUARD_CONFIG", str(elsewhere))
    env = context_json("--offline")["environment"]
    assert isinstance(env, dict) and env["name"] == "live"
    flag = context_json("--offline", "--config", str(user_config))["environment"]
    assert isinstance(flag, dict) and flag["name"] == "production"


def test_no_kubeconfig_at_all(tmp_path: Path, kubectl: FakeKubectl, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = context_json("--offline")
    assert data["context"] is None and data["policy"] == "allow"
    assert data["kubeconfig"] == [str(Path.home() / ".kube" / "config")]
