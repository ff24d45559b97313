"""Read-only by construction: a write through the audit's own clients is refused before it is sent."""

from __future__ import annotations

from typing import Any

import pytest
from live_estates import article_000, clients, kube_objects
from live_fakes import FakeEks

from eksguard.live.api import LiveAws, Recording
from eksguard.live.audit import AuditOptions, run_audit
from eksguard.live.guard import CallCounter, WriteRefused, install_kube_guard
from eksguard.live.kube import api_client_for_token
from eksguard.live.permissions import KUBE_READS

pytestmark = pytest.mark.live


def _api() -> LiveAws:
    return LiveAws(None, recording=Recording(), counter=CallCounter(), max_attempts=1)


def test_aws_writes_are_refused_before_sending(aws: FakeEks) -> None:
    api = _api()
    eks = api.client("eks", "us-east-1")
    with pytest.raises(WriteRefused, match="eks:CreateCluster"):
        eks.create_cluster(name="evil", roleArn="arn:aws:iam::123456789012:role/x",
                           resourcesVpcConfig={"subnetIds": ["subnet-1"]})
    with pytest.raises(WriteRefused, match="eks:DeleteCluster"):
        eks.delete_cluster(name="evil")
    assert aws.requests == []  # nothing reached the EKS endpoint

    ec2 = api.client("ec2", "us-east-1")
    before = len(clients("us-east-1")["ec2"].describe_vpcs()["Vpcs"])
    with pytest.raises(WriteRefused, match="ec2:CreateVpc"):
        ec2.create_vpc(CidrBlock="10.99.0.0/16")
    with pytest.raises(WriteRefused, match="ec2:TerminateInstances"):
        ec2.terminate_instances(InstanceIds=["i-0123456789abcdef0"])
    assert len(clients("us-east-1")["ec2"].describe_vpcs()["Vpcs"]) == before
    # reads in the allow-list go through, and are counted
    assert ec2.describe_vpcs()["Vpcs"]
    assert api.counter.counts[("ec2", "DescribeVpcs")] == 1
    assert ("ec2", "CreateVpc") not in api.counter.counts


def test_the_second_gate_alone_refuses(aws: FakeEks) -> None:
    """Even if the before-call check were bypassed (a bug), the before-send check stops the request."""
    eks = _api().client("eks", "us-east-1")
    eks.meta.events.unregister("before-call", unique_id="eksguard-readonly-before-call")
    with pytest.raises(WriteRefused, match="eks:CreateCluster"):
        eks.create_cluster(name="evil", roleArn="arn:aws:iam::123456789012:role/x",
                           resourcesVpcConfig={"subnetIds": ["subnet-1"]})
    assert aws.requests == []


def test_kubernetes_writes_are_refused_before_sending(kube_server: Any) -> None:
    from kubernetes import client

    kube = kube_server(kube_objects())
    api_client = api_client_for_token(kube.url, None, "k8s-aws-v1.dummy")
    install_kube_guard(api_client)
    core = client.CoreV1Api(api_client)
    with pytest.raises(WriteRefused, match="POST /api/v1/namespaces"):
        core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="evil")))
    with pytest.raises(WriteRefused, match="DELETE /api/v1/namespaces/team-0/pods/web"):
        core.delete_namespaced_pod("web", "team-0")
    with pytest.raises(WriteRefused, match="PATCH"):
        core.patch_namespaced_config_map("aws-auth", "kube-system", {"data": {"mapRoles": ""}})
    # a GET outside the allow-list (Secrets) is refused too
    with pytest.raises(WriteRefused, match="GET /api/v1/secrets"):
        core.list_secret_for_all_namespaces()
    # and the urllib3 pool underneath is guarded as well
    with pytest.raises(WriteRefused):
        api_client.rest_client.pool_manager.request("PUT", f"{kube.url}/api/v1/namespaces/evil")
    assert kube.requests == []
    # an allow-listed GET is sent
    response = core.list_node(_preload_content=False)
    assert response.status == 200 and b"ip-192-168-1-10" in response.data
    assert kube.requests == [("GET", "/api/v1/nodes")]


def test_the_audit_sends_only_gets_a_fixed_number_per_cluster(aws: FakeEks, kube_server: Any) -> None:
    few = kube_server(kube_objects(namespaces=2))
    many = kube_server(kube_objects(namespaces=60))
    article_000(aws, kube_url=few.url)
    article_000(aws, name="big", kube_url=many.url)
    result = run_audit(AuditOptions(regions=("us-east-1",), max_attempts=1))
    assert len(result.estate.clusters) == 2
    for fake in (few, many):
        assert {method for method, _ in fake.requests} == {"GET"}
        assert len(fake.requests) == len(KUBE_READS)  # one request per kind, however many namespaces
        assert sorted(path for _, path in fake.requests) == sorted(read.path for read in KUBE_READS)
