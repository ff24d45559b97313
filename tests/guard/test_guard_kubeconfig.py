"""Kubeconfig resolution (merged as kubectl merges) and the EKS target behind a context."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from guardkit import DEV_CONTEXT, PROD_ARN, aws_cli_kubeconfig, eksctl_kubeconfig, write_yaml

from eksguard.guard.kubeconfig import ExecConfig, Overrides, ResolvedContext, resolve
from eksguard.guard.target import derive


def env_with(*files: Path) -> dict[str, str]:
    return {"KUBECONFIG": os.pathsep.join(map(str, files))}


def test_first_file_wins_per_name_and_current_context_from_first_file_that_sets_it(tmp_path: Path) -> None:
    first = aws_cli_kubeconfig("https://first.example")
    del first["current-context"]
    second = aws_cli_kubeconfig("https://second.example")  # same ARN names, other server
    second["current-context"] = PROD_ARN
    third = eksctl_kubeconfig("https://third.example")  # sets current-context too, but later
    files = [write_yaml(tmp_path / n, d) for n, d in (("a", first), ("b", second), ("c", third))]
    resolved = resolve(Overrides(), env_with(tmp_path / "missing", *files), tmp_path)
    assert resolved.context == PROD_ARN
    assert resolved.server == "https://first.example"
    assert resolved.files == tuple(files)  # the missing file is skipped, as kubectl does
    assert resolved.problems == ()


def test_context_flag_and_kubeconfig_flag(tmp_path: Path) -> None:
    aws = write_yaml(tmp_path / "aws", aws_cli_kubeconfig("https://aws.example"))
    eks = write_yaml(tmp_path / "eks", eksctl_kubeconfig("https://eks.example"))
    merged = resolve(Overrides(context=DEV_CONTEXT), env_with(aws, eks), tmp_path)
    assert (merged.context, merged.current_context, merged.server) == (DEV_CONTEXT, PROD_ARN, "https://eks.example")
    only = resolve(Overrides(kubeconfig=str(eks)), env_with(aws), tmp_path)
    assert only.context == DEV_CONTEXT and only.files == (eks,)
    missing = resolve(Overrides(kubeconfig=str(tmp_path / "nope")), {}, tmp_path)
    assert missing.context is None and "not found" in missing.problems[0]
    unknown = resolve(Overrides(context="nope"), env_with(aws), tmp_path)
    assert "'nope' is not in" in unknown.problems[0]


def test_default_file_and_relative_ca_path(tmp_path: Path) -> None:
    config = aws_cli_kubeconfig("https://x.example")
    config["clusters"][0]["cluster"]["certificate-authority"] = "certs/ca.pem"
    write_yaml(tmp_path / ".kube" / "config", config)
    resolved = resolve(Overrides(), {}, tmp_path)
    assert resolved.context == PROD_ARN
    assert resolved.ca_file == tmp_path / ".kube" / "certs" / "ca.pem"
    overridden = resolve(Overrides(insecure=True, server="https://override.example"), {}, tmp_path)
    assert overridden.insecure is True and overridden.server == "https://override.example"


def test_secrets_are_not_read_into_the_resolved_context(tmp_path: Path) -> None:
    config = eksctl_kubeconfig("https://x.example", token="SECRET-TOKEN-VALUE")
    resolved = resolve(Overrides(), env_with(write_yaml(tmp_path / "k", config)), tmp_path)
    assert "SECRET-TOKEN-VALUE" not in repr(resolved)


def test_invalid_yaml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.write_text("clusters: [::")
    resolved = resolve(Overrides(), env_with(bad), tmp_path)
    assert resolved.context is None and "not valid YAML" in resolved.problems[0]


# --- the EKS target ------------------------------------------------------------------------------


def ctx(**kwargs: object) -> ResolvedContext:
    kwargs.setdefault("context", None)
    return ResolvedContext(files=(), current_context=None, **kwargs)  # type: ignore[arg-type]


def test_aws_cli_names_give_name_region_account_and_profile(tmp_path: Path) -> None:
    config = aws_cli_kubeconfig("https://ABCD.gr7.us-west-2.eks.amazonaws.com",
                                role_arn="arn:aws:iam::111111111111:role/admin")
    target = derive(resolve(Overrides(), env_with(write_yaml(tmp_path / "k", config)), tmp_path))
    assert (target.cluster_name, target.region, target.account) == ("prod-main", "us-west-2", "111111111111")
    assert target.arn == PROD_ARN
    assert target.exec_profile == "prod" and target.role_account == "111111111111"
    assert target.inconsistencies == ()


def test_aliased_context_still_resolves_through_the_cluster_entry(tmp_path: Path) -> None:
    config = aws_cli_kubeconfig("https://x.example")
    config["contexts"][0]["name"] = config["current-context"] = "prod"  # aws eks update-kubeconfig --alias prod
    target = derive(resolve(Overrides(), env_with(write_yaml(tmp_path / "k", config)), tmp_path))
    assert target.arn == PROD_ARN


def test_eksctl_names() -> None:
    target = derive(ctx(context="alice@dev-main.ap-northeast-1.eksctl.io", cluster_entry="dev-main.ap-northeast-1.eksctl.io"))
    assert (target.cluster_name, target.region, target.account) == ("dev-main", "ap-northeast-1", None)


def test_a_malformed_server_url_names_no_host_and_does_not_crash() -> None:
    target = derive(ctx(context="alice@dev-main.ap-northeast-1.eksctl.io",
                        cluster_entry="dev-main.ap-northeast-1.eksctl.io", server="https://[::1/x"))
    assert (target.cluster_name, target.region) == ("dev-main", "ap-northeast-1")  # from the names alone


def test_aws_iam_authenticator_and_region_from_server_host() -> None:
    spec = ExecConfig("aws-iam-authenticator", ("token", "-i", "batch", "-r", "arn:aws:iam::444444444444:role/x"),
                      (("AWS_PROFILE", "batch"),))
    target = derive(ctx(context="batch", cluster_entry="batch", exec=spec,
                        server="https://0123ABCD.yl4.eu-central-1.eks.amazonaws.com"))
    assert (target.cluster_name, target.region) == ("batch", "eu-central-1")
    assert target.role_account == "444444444444" and target.exec_profile == "batch"
    assert target.arn is None  # no account: an ARN is only built when all three are known


@pytest.mark.parametrize("host, region", [
    ("https://A1.gr7.ap-southeast-2.eks.amazonaws.com", "ap-southeast-2"),
    ("https://A1.sk1.us-gov-west-1.eks.amazonaws.com", "us-gov-west-1"),
    ("https://A1.yl4.cn-north-1.eks.amazonaws.com.cn", "cn-north-1"),
    ("https://A1.gr7.us-east-1.api.aws", "us-east-1"),
    ("https://kubernetes.example.com", None),
])
def test_region_from_server_host(host: str, region: str | None) -> None:
    assert derive(ctx(server=host)).region == region


def test_exec_region_from_env_and_cn_partition() -> None:
    spec = ExecConfig("aws", ("eks", "get-token", "--cluster-name", "c1"), (("AWS_DEFAULT_REGION", "cn-northwest-1"),))
    target = derive(ctx(exec=spec, cluster_entry="arn:aws-cn:eks:cn-northwest-1:555555555555:cluster/c1"))
    assert target.arn == "arn:aws-cn:eks:cn-northwest-1:555555555555:cluster/c1"


def test_contradicting_sources_are_reported() -> None:
    target = derive(ctx(context=PROD_ARN, cluster_entry=PROD_ARN,
                        server="https://A1.gr7.eu-west-1.eks.amazonaws.com",
                        exec=ExecConfig("aws", ("eks", "get-token", "--cluster-name", "dev-main"))))
    assert target.cluster_name == "prod-main" and target.region == "us-west-2"
    assert any("us-west-2" in i and "eu-west-1" in i for i in target.inconsistencies)
    assert any("prod-main" in i and "dev-main" in i for i in target.inconsistencies)
