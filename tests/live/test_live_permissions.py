"""docs/permissions/ (IAM policy, ClusterRole) come from the one table in eksguard.live.permissions, and cover
every call the audit really makes (recorded below the audit, at botocore's endpoint and at the fake API server)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from live_estates import article_000, clients, kube_objects, private_cluster
from live_fakes import FakeEks

from eksguard.config import Config
from eksguard.engine import evaluate
from eksguard.findings import Status
from eksguard.live import permissions
from eksguard.live.audit import AuditOptions, run_audit

pytestmark = pytest.mark.live
DOCS = Path(__file__).resolve().parents[2] / "docs" / "permissions"
READ_PREFIXES = ("Describe", "List", "Get")


def shipped_policy() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DOCS / permissions.POLICY_FILE).read_text(encoding="utf-8"))
    return data


def shipped_cluster_role() -> list[dict[str, Any]]:
    return list(yaml.safe_load_all((DOCS / permissions.CLUSTER_ROLE_FILE).read_text(encoding="utf-8")))


def test_shipped_files_are_generated_from_the_table() -> None:
    assert shipped_policy() == permissions.iam_policy()
    assert shipped_cluster_role() == [permissions.cluster_role(), permissions.cluster_role_binding()]
    assert (DOCS / permissions.POLICY_FILE).read_text(encoding="utf-8") == permissions.policy_text()


def test_the_policy_is_read_only_and_covers_the_allow_list() -> None:
    actions = shipped_policy()["Statement"][0]["Action"]
    assert all(a.split(":", 1)[1].startswith(READ_PREFIXES) for a in actions), actions
    assert {op.iam_action for op in permissions.AWS_OPERATIONS} == set(actions)
    assert all(op.operation.startswith(READ_PREFIXES) for op in permissions.AWS_OPERATIONS)
    verbs = {verb for rule in permissions.cluster_role()["rules"] for verb in rule["verbs"]}
    assert verbs == {"get", "list"}
    assert not any("secrets" in rule.get("resources", []) for rule in permissions.cluster_role()["rules"])


def _role_allows(role: dict[str, Any], path: str) -> bool:
    read = next((r for r in permissions.KUBE_READS if r.path == path), None)
    if read is None:
        return False
    for rule in role["rules"]:
        if read.group is None:
            if path in rule.get("nonResourceURLs", []) and "get" in rule["verbs"]:
                return True
        elif read.group in rule.get("apiGroups", []) and read.resource in rule.get("resources", []) \
                and read.verb in rule["verbs"] \
                and (not rule.get("resourceNames") or read.resource_name in rule["resourceNames"]):
            return True
    return False


def _rich_estate(fake: FakeEks, kube_url: str) -> None:
    """Node groups with and without a launch template, a self-managed node, a Fargate profile."""
    article_000(fake, kube_url=kube_url, guardduty=True)
    private_cluster(fake, kube_url=kube_url)
    c = clients("us-east-1")
    ec2, eks, iam = c["ec2"], c["eks"], c["iam"]
    subnets = eks.describe_cluster(name="private")["cluster"]["resourcesVpcConfig"]["subnetIds"]
    template = ec2.create_launch_template(LaunchTemplateName="private-lt", LaunchTemplateData={
        "InstanceType": "t3.small", "MetadataOptions": {"HttpTokens": "optional", "HttpPutResponseHopLimit": 2},
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "VolumeSize": 20}}]})
    eks.create_nodegroup(clusterName="private", nodegroupName="with-template", subnets=subnets,
                         nodeRole="arn:aws:iam::123456789012:role/private-node",
                         launchTemplate={"id": template["LaunchTemplate"]["LaunchTemplateId"], "version": "1"},
                         scalingConfig={"minSize": 1, "maxSize": 1, "desiredSize": 1})
    eks.create_fargate_profile(clusterName="private", fargateProfileName="batch", podExecutionRoleArn=
                               "arn:aws:iam::123456789012:role/fargate", subnets=subnets,
                               selectors=[{"namespace": "batch"}])
    iam.create_instance_profile(InstanceProfileName="self-managed")
    iam.add_role_to_instance_profile(InstanceProfileName="self-managed", RoleName="private-node")
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnets[0], KeyName="ops",
                      IamInstanceProfile={"Name": "self-managed"},
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [
                          {"Key": "kubernetes.io/cluster/private", "Value": "owned"},
                          {"Key": "alpha.eksctl.io/nodegroup-name", "Value": "legacy"}]}])


def test_every_call_of_an_audit_is_covered(aws: FakeEks, kube_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.endpoint import Endpoint

    kube = kube_server(kube_objects())
    _rich_estate(aws, kube.url)
    sent: list[tuple[str, str]] = []
    original = Endpoint.make_request

    def recording(self: Any, operation_model: Any, request_dict: Any) -> Any:
        sent.append((operation_model.service_model.service_name, operation_model.name))
        return original(self, operation_model, request_dict)

    monkeypatch.setattr(Endpoint, "make_request", recording)
    result = run_audit(AuditOptions(all_regions=True, clusters=("handson", "private"), max_attempts=1))
    assert sorted(c.name for c in result.estate.clusters) == ["handson", "private"]
    private = next(c for c in result.estate.clusters if c.name == "private")
    assert {g.name: g.kind for g in private.node_groups} == {"private-ng": "managed", "with-template": "managed",
                                                             "legacy": "self-managed"}
    template_group = next(g for g in private.node_groups if g.name == "with-template")
    assert template_group.imds_http_tokens is not None and template_group.imds_http_tokens.value == "optional"
    assert template_group.volume_encrypted is not None and template_group.volume_encrypted.value is True
    legacy = next(g for g in private.node_groups if g.name == "legacy")
    assert legacy.role_policies is not None and legacy.role_policies.value == [
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"]
    assert [p.name for p in private.fargate_profiles] == ["batch"]
    report = evaluate(result.estate, Config(), dt.date(2026, 11, 22))
    assert not [(f.rule, f.target, f.message) for f in report.results if f.status is Status.ERROR]

    actions = set(shipped_policy()["Statement"][0]["Action"])
    recorded = set(sent)
    for service, operation in recorded:
        assert permissions.allowed_aws(service, operation), (service, operation)
        assert permissions.iam_action(service, operation) in actions, (service, operation)
    # the table holds no dead entries: this audit exercised every one of them
    assert {(op.service, op.operation) for op in permissions.AWS_OPERATIONS} == recorded
    role = shipped_cluster_role()[0]
    assert kube.requests and all(method == "GET" and _role_allows(role, path) for method, path in kube.requests)
