"""`eksguard audit` against a real moto server (plus the EKS and Kubernetes fakes): the same rule ids as
the static scan, unknowns with the missing IAM action, and an audit that always finishes."""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from live_estates import (
    ARTICLE_000_EKSCTL,
    article_000,
    clients,
    kube_objects,
    private_cluster,
    simple_cluster,
)
from live_fakes import ACCESS_KEY, SECRET_KEY, FakeEks

from eksguard.cli import main
from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.findings import Status
from eksguard.live.audit import AuditOptions, AuditResult, annotate, run_audit
from eksguard.sources import collect

pytestmark = pytest.mark.live
TODAY = dt.date(2026, 11, 22)


def audit(**options: Any) -> tuple[AuditResult, ScanReport]:
    options.setdefault("regions", ("us-east-1",))
    options.setdefault("max_attempts", 2)
    result = run_audit(AuditOptions(**options))
    report = evaluate(result.estate, Config(), TODAY)
    annotate(report, result)
    report.notices.extend(result.notices())
    return result, report


def statuses(report: ScanReport, rule: str) -> dict[str, Status]:
    return {f.target: f.status for f in report.results if f.rule == rule}


def finding(report: ScanReport, rule: str, target: str) -> Any:
    return next(f for f in report.results if f.rule == rule and f.target == target)


def error_response(status: int, code: str, message: str, *, query: bool) -> Any:
    """A botocore HTTP response carrying an AWS error, as the service would send it."""
    from botocore.awsrequest import AWSResponse

    if query:  # EC2's XML error shape
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                "<RequestID>eksguard-test</RequestID></Response>").encode()
        headers = {"Content-Type": "text/xml"}
    else:  # REST-JSON (EKS, GuardDuty)
        body = json.dumps({"message": message}).encode()
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}

    class Raw:
        def stream(self, **_: Any) -> Any:
            yield body

        def read(self, *_: Any) -> bytes:
            return body

    return AWSResponse("https://eksguard.test/", status, headers, Raw())


def inject(service: str, operation: str, status: int, code: str, message: str, calls: list[str] | None = None) -> Any:
    """A client hook answering one operation with an error instead of sending it."""

    def hook(client: Any) -> None:
        if client.meta.service_model.service_name != service:
            return

        def respond(**_: Any) -> Any:
            if calls is not None:
                calls.append(operation)
            return error_response(status, code, message, query=service == "ec2")

        client.meta.events.register(f"before-send.{client.meta.service_model.service_id.hyphenize()}.{operation}",
                                    respond)

    return hook


def test_article_000_live_gives_the_static_scan_ids(aws: FakeEks, kube_server: Any, tmp_path: Path) -> None:
    kube = kube_server(kube_objects())
    built = article_000(aws, kube_url=kube.url)
    result, live = audit()
    config_file = tmp_path / "handson.yaml"
    config_file.write_text(ARTICLE_000_EKSCTL, encoding="utf-8")
    static = evaluate(collect([str(config_file)], {}), Config(), TODAY)

    for report in (live, static):  # the two alerts of article 000, same ids and targets from both sources
        assert statuses(report, "EKS101")["cluster/handson"] is Status.FAIL
        assert statuses(report, "EKS201")["cluster/handson/nodegroup/ng-1"] is Status.FAIL
    assert {(f.rule, f.target) for f in live.failures if f.rule in ("EKS101", "EKS201")} == \
        {(f.rule, f.target) for f in static.failures if f.rule in ("EKS101", "EKS201")}

    endpoint = finding(live, "EKS101", "cluster/handson")
    assert endpoint.origin.resource == f"arn:aws:eks:us-east-1:123456789012:cluster/{built.name}"
    assert endpoint.origin.pointer == "resourcesVpcConfig.publicAccessCidrs"
    assert endpoint.provenance == "declared"
    nodes = finding(live, "EKS201", "cluster/handson/nodegroup/ng-1")
    assert nodes.origin.resource.startswith(("ec2:DescribeInstances i-", "ec2:DescribeRouteTables rtb-",
                                             "ec2:DescribeSubnets subnet-"))
    # the Kubernetes side feeds the same model: aws-auth's system:masters mapping and a privileged pod template
    assert statuses(live, "EKS402")["cluster/handson/aws-auth/arn:aws:iam::123456789012:role/developers"] \
        is Status.FAIL
    assert any(f.rule == "EKS501" and f.target.endswith("/team-0/Deployment/web") for f in live.failures)
    # the pod the Deployment owns is judged through the Deployment, once
    assert not any("web-5d8f-abcde" in f.target for f in live.results)
    # region facts: GuardDuty has no detector; metrics-server runs
    assert statuses(live, "EKS604")["cluster/handson"] is Status.FAIL
    assert statuses(live, "EKS603")["cluster/handson"] is Status.PASS
    assert result.estate.inputs[0].kind == "live"
    assert not result.notices(), result.notices()
    # every rule copes with live data: none raised
    assert not [(f.rule, f.target, f.message) for f in live.results if f.status is Status.ERROR]


def test_denied_describe_vpc_endpoints_is_unknown_with_the_iam_action(aws: FakeEks) -> None:
    private_cluster(aws, endpoints=("ec2",))
    _, allowed = audit(kubernetes=False)
    fail = finding(allowed, "EKS204", "cluster/private")
    assert fail.status is Status.FAIL  # control: with the permission the rule sees the missing endpoints
    assert {"ecr.api", "ecr.dkr", "s3"} <= set(fail.extra["missing"])  # type: ignore[arg-type]

    calls: list[str] = []
    hook = inject("ec2", "DescribeVpcEndpoints", 403, "UnauthorizedOperation",
                  "You are not authorized to perform this operation.", calls)
    result, denied = audit(kubernetes=False, client_hooks=(hook,))
    assert calls == ["DescribeVpcEndpoints"]  # denied once, not retried
    unknown = finding(denied, "EKS204", "cluster/private")
    assert unknown.status is Status.UNKNOWN
    assert "ec2:DescribeVpcEndpoints" in unknown.message.en
    assert unknown.extra["missing_permissions"] == ["ec2:DescribeVpcEndpoints"]
    # the rest of the report is there
    assert statuses(denied, "EKS101")["cluster/private"] is Status.PASS
    assert statuses(denied, "EKS103")["cluster/private"] is Status.PASS
    assert statuses(denied, "EKS104")["cluster/private"] is Status.PASS
    assert statuses(denied, "EKS401")["cluster/private"] is Status.PASS  # Pod Identity agent addon
    assert any("ec2:DescribeVpcEndpoints permission denied (UnauthorizedOperation)" in n and "EKS204" in n
               for n in result.notices())


def test_operations_the_endpoint_lacks_are_listed_and_the_audit_finishes(aws: FakeEks,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    article_000(aws)
    monkeypatch.delenv("AWS_ENDPOINT_URL_EKS")  # straight to moto: no add-ons, access entries, versions
    result, report = audit(kubernetes=False)
    assert statuses(report, "EKS101")["cluster/handson"] is Status.FAIL
    workload = finding(report, "EKS401", "cluster/handson")
    assert workload.status is Status.UNKNOWN
    assert "eks:ListAddons not supported by this endpoint" in workload.message.en
    notices = "\n".join(result.notices())
    for action in ("eks:ListAddons", "eks:ListAccessEntries", "eks:ListPodIdentityAssociations",
                   "eks:DescribeClusterVersions"):
        assert action in notices


def test_throttling_is_retried_then_reported(aws: FakeEks) -> None:
    article_000(aws)
    calls: list[str] = []
    hook = inject("guardduty", "ListDetectors", 429, "ThrottlingException", "Rate exceeded", calls)
    _result, report = audit(kubernetes=False, max_attempts=2, client_hooks=(hook,))
    assert calls == ["ListDetectors", "ListDetectors"]  # adaptive retry mode tried again
    guardduty = finding(report, "EKS604", "cluster/handson")
    assert guardduty.status is Status.UNKNOWN
    assert "guardduty:ListDetectors throttled after retries (ThrottlingException)" in guardduty.message.en
    assert statuses(report, "EKS101")["cluster/handson"] is Status.FAIL


def test_unreachable_service_is_reported(aws: FakeEks, monkeypatch: pytest.MonkeyPatch) -> None:
    article_000(aws)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    monkeypatch.setenv("AWS_ENDPOINT_URL_GUARDDUTY", f"http://127.0.0.1:{port}")
    result, report = audit(kubernetes=False, max_attempts=1)
    guardduty = finding(report, "EKS604", "cluster/handson")
    assert guardduty.status is Status.UNKNOWN
    assert "guardduty:ListDetectors timed out or unreachable" in guardduty.message.en
    assert len(result.estate.clusters) == 1


def test_guardduty_and_irsa_trust_live(aws: FakeEks) -> None:
    article_000(aws, guardduty=True)
    eks, iam = clients("us-east-1")["eks"], clients("us-east-1")["iam"]
    issuer = eks.describe_cluster(name="handson")["cluster"]["identity"]["oidc"]["issuer"]
    provider = iam.create_open_id_connect_provider(Url=issuer, ClientIDList=["sts.amazonaws.com"],
                                                   ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])
    host = issuer.split("://", 1)[1]

    def trust(condition: dict[str, Any]) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": provider["OpenIDConnectProviderArn"]},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}]})

    iam.create_role(RoleName="any-pod", AssumeRolePolicyDocument=trust(
        {"StringLike": {f"{host}:sub": "system:serviceaccount:*:*"}}))
    iam.create_role(RoleName="pinned", AssumeRolePolicyDocument=trust(
        {"StringEquals": {f"{host}:sub": "system:serviceaccount:app:uploader", f"{host}:aud": "sts.amazonaws.com"}}))
    _, report = audit(kubernetes=False)
    trust_results = statuses(report, "EKS410")
    assert trust_results == {"cluster/handson/iam-role/any-pod": Status.FAIL}
    broad = finding(report, "EKS410", "cluster/handson/iam-role/any-pod")
    assert "system:serviceaccount:*:*" in broad.message.en
    assert statuses(report, "EKS401")["cluster/handson"] is Status.PASS  # the OIDC provider exists
    assert statuses(report, "EKS604")["cluster/handson"] is Status.PASS  # audit logs and runtime on


def test_cli_audit_json_exit_code_and_no_secrets(aws: FakeEks, kube_server: Any) -> None:
    kube = kube_server(kube_objects())
    article_000(aws, kube_url=kube.url)
    outcome = CliRunner().invoke(main, ["audit", "--region", "us-east-1", "--format", "json", "--max-attempts", "2"])
    assert outcome.exit_code == 1, outcome.output  # EKS101 is critical
    report = json.loads(outcome.stdout)
    assert {f["rule"] for f in report["findings"]} >= {"EKS101", "EKS201", "EKS402", "EKS501"}
    assert report["inputs"][0]["kind"] == "live"
    everything = outcome.output + outcome.stderr
    token = next(a for a in kube.authorizations if a)
    for secret in (ACCESS_KEY, SECRET_KEY, token.split(" ", 1)[1], "hunter2-not-recorded"):
        assert secret not in everything
    assert "audited 1 cluster(s)" in outcome.stderr


def test_profiles_regions_and_namesakes(aws: FakeEks, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "config").write_text("[profile east]\nregion = us-east-1\n[profile west]\nregion = eu-west-1\n")
    (tmp_path / "credentials").write_text(f"[east]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = "
                                          f"{SECRET_KEY}\n[west]\naws_access_key_id = {ACCESS_KEY}\n"
                                          f"aws_secret_access_key = {SECRET_KEY}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    simple_cluster(aws, "shared", "us-east-1")
    simple_cluster(aws, "east-only", "us-east-1")
    simple_cluster(aws, "shared", "eu-west-1")
    result = run_audit(AuditOptions(profiles=("east", "west"), kubernetes=False, concurrency=4, max_attempts=2))
    names = sorted(c.name for c in result.estate.clusters)
    assert names == ["east-only", "shared@eu-west-1", "shared@us-east-1"]
    assert sorted(c.region.value for c in result.estate.clusters if c.region) == ["eu-west-1", "us-east-1",
                                                                                    "us-east-1"]
    # region-level calls are shared: one DescribeClusterVersions per region, not per cluster
    assert result.counter.counts[("eks", "DescribeClusterVersions")] == 2
    assert result.counter.counts[("eks", "DescribeCluster")] == 3


def test_missing_cluster_is_an_input_problem(aws: FakeEks) -> None:
    article_000(aws)
    outcome = CliRunner().invoke(main, ["audit", "--cluster", "handson", "--cluster", "nope", "--region", "us-east-1",
                                        "--no-kubernetes", "--max-attempts", "1", "-q"])
    assert outcome.exit_code == 2
    assert "cannot describe cluster nope in us-east-1: ResourceNotFoundException" in outcome.stderr


def test_an_ipv6_cluster_counts_prefixes_for_its_node_pods(aws: FakeEks) -> None:
    """DescribeCluster's `kubernetesNetworkConfig.ipFamily`: on an IPv6 cluster the VPC CNI assigns prefixes, so
    a t3.medium node group holds 110 pods (EKS210 passes), as the static sources read it."""
    built = simple_cluster(aws, "six", "us-east-1")
    node_role = clients("us-east-1")["iam"].create_role(
        RoleName="six-node", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    clients("us-east-1")["eks"].create_nodegroup(
        clusterName="six", nodegroupName="medium", subnets=built.subnets, nodeRole=node_role["Role"]["Arn"],
        instanceTypes=["t3.medium"], scalingConfig={"minSize": 1, "maxSize": 2, "desiredSize": 1})
    seeded = aws.clusters["six"]
    seeded["cluster"] = {**seeded["cluster"], "kubernetesNetworkConfig": {"ipFamily": "ipv6"}}
    result, report = audit(kubernetes=False)
    [cluster] = result.estate.clusters
    assert cluster.ip_family is not None and cluster.ip_family.value == "ipv6"
    assert statuses(report, "EKS210")["cluster/six/nodegroup/medium"] is Status.PASS
