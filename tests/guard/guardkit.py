"""Helpers for the guard tests: constants, kubeconfig writers, the stand-in records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROD_ACCOUNT = "111111111111"
DEV_ACCOUNT = "222222222222"
PROD_ARN = f"arn:aws:eks:us-west-2:{PROD_ACCOUNT}:cluster/prod-main"
DEV_CONTEXT = "alice@dev-main.ap-northeast-1.eksctl.io"
DEV_CLUSTER_ENTRY = "dev-main.ap-northeast-1.eksctl.io"
FAKE_TOKEN = "FAKE-TOKEN-d3adb33f-never-log-me"
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass
class FakeKubectl:
    path: Path
    log: Path

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def argvs(self) -> list[list[str]]:
        return [c["argv"] for c in self.calls() if c["argv"][:2] != ["version", "--client"]]


@dataclass
class VersionServer:
    url: str
    version: str = "1.31.4"
    requests: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Project:
    root: Path
    aws_kubeconfig: Path
    eksctl_kubeconfig: Path
    server: VersionServer


def aws_cli_kubeconfig(server: str, *, arn: str = PROD_ARN, profile: str | None = "prod",
                       region: str = "us-west-2", ca_data: str | None = None,
                       role_arn: str | None = None) -> dict[str, Any]:
    """As `aws eks update-kubeconfig --name prod-main --region us-west-2 [--profile prod]` writes it."""
    name = arn.rsplit("/", 1)[1]
    args = ["--region", region, "eks", "get-token", "--cluster-name", name, "--output", "json"]
    if role_arn:
        args += ["--role-arn", role_arn]
    user: dict[str, Any] = {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
                                     "args": args}}
    if profile:
        user["exec"]["env"] = [{"name": "AWS_PROFILE", "value": profile}]
    cluster: dict[str, Any] = {"server": server}
    if ca_data:
        cluster["certificate-authority-data"] = ca_data
    return {
        "apiVersion": "v1", "kind": "Config", "preferences": {},
        "clusters": [{"name": arn, "cluster": cluster}],
        "contexts": [{"name": arn, "context": {"cluster": arn, "user": arn}}],
        "users": [{"name": arn, "user": user}],
        "current-context": arn,
    }


def eksctl_kubeconfig(server: str, *, token: str | None = None) -> dict[str, Any]:
    """As `eksctl create cluster --name dev-main --region ap-northeast-1` writes it (plus a static token
    user when `token` is given, to prove tokens never leak)."""
    user: dict[str, Any] = {"exec": {
        "apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
        "args": ["eks", "get-token", "--output", "json", "--cluster-name", "dev-main", "--region",
                 "ap-northeast-1"],
        "env": [{"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"}],
        "provideClusterInfo": False,
    }}
    if token:
        user = {"token": token}
    return {
        "apiVersion": "v1", "kind": "Config", "preferences": {},
        "clusters": [{"name": DEV_CLUSTER_ENTRY, "cluster": {"server": server}}],
        "contexts": [{"name": DEV_CONTEXT, "context": {"cluster": DEV_CLUSTER_ENTRY, "user": DEV_CONTEXT}}],
        "users": [{"name": DEV_CONTEXT, "user": user}],
        "current-context": DEV_CONTEXT,
    }


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


GUARD_CONFIG = """\
environments:
  prod:
    match:
      accounts: ["111111111111"]
      clusters: ["prod-*"]
      contexts: ["*prod*"]
    policy: confirm
    banner: {text: "!!! WARNING: PRODUCTION !!!", color: red}
    overlays: ["overlays/prod"]
  dev:
    match: {contexts: ["*dev*"], clusters: ["dev-*"]}
    policy: allow
    overlays: ["overlays/develop"]
"""


def audit_lines(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "xdg-state" / "eksguard" / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]
