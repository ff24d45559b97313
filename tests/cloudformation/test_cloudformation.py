"""CloudFormation source: intrinsics, defaults with provenance and lines, node group stacks, and the
eksctl-generated templates of ../shared/corpus/eksctl-cfn."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.findings import Finding
from eksguard.model import Provenance
from eksguard.sources import collect
from eksguard.sources.cloudformation import (
    NOVALUE,
    Ref,
    Template,
    Unknown,
    local_nested_stacks,
    stack_parameters,
    template_kind,
)
from eksguard.sources.fields import Variables
from eksguard.sources.loading import Loader

TODAY = dt.date(2026, 11, 22)
FIXTURES = Path(__file__).parent / "fixtures"


def scan(*paths: Path | str, variables: dict[str, str] | None = None) -> ScanReport:
    return evaluate(collect([str(p) for p in paths], variables or {}), Config(), TODAY)


def results(report: ScanReport, rule: str, status: str | None = None) -> list[Finding]:
    return [f for f in report.results if f.rule == rule and (status is None or f.status.value == status)]


def template(text: str, values: dict[str, str] | None = None) -> Template:
    document = yaml.load(textwrap.dedent(text), Loader=Loader)
    return Template(document, "t.yaml", Variables(values or {}), bare=False)


INTRINSICS = """
Parameters:
  Env: {Type: String, Default: prod}
  Zones: {Type: CommaDelimitedList, Default: "a, b"}
  NoDefault: {Type: String}
Mappings:
  Sizes:
    prod: {Instance: m5.large}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  VPC: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  Cluster: {Type: AWS::EKS::Cluster, Properties: {Name: x}}
"""


@pytest.mark.parametrize(("expression", "expected"), [
    ({"Ref": "Env"}, "prod"),
    ({"Ref": "Zones"}, ["a", "b"]),
    ({"Ref": "VPC"}, Ref("VPC")),
    ({"Fn::GetAtt": ["Cluster", "ClusterSecurityGroupId"]}, Ref("Cluster", "ClusterSecurityGroupId")),
    ({"Fn::Sub": "${Env}-cluster"}, "prod-cluster"),
    ({"Fn::Sub": ["${Name}-x", {"Name": {"Ref": "Env"}}]}, "prod-x"),
    ({"Fn::Sub": "${!Literal}"}, "${Literal}"),
    ({"Fn::Join": ["-", ["a", {"Ref": "Env"}]]}, "a-prod"),
    ({"Fn::Select": [1, {"Ref": "Zones"}]}, "b"),
    ({"Fn::Select": [1, {"Fn::GetAZs": ""}]}, "(availability zone #2 of the region)"),
    ({"Fn::Split": [",", "a,b"]}, ["a", "b"]),
    ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Instance"]}, "m5.large"),
    ({"Fn::If": ["IsProd", "yes", "no"]}, "yes"),
    ({"Fn::If": ["NotProd", "yes", "no"]}, "no"),
    ({"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, "no"]}, NOVALUE),
    ({"Fn::Base64": "plain"}, "plain"),
])
def test_intrinsics_resolve_between_parameters_resources_and_mappings(expression: Any, expected: Any) -> None:
    assert template(INTRINSICS).resolve(expression) == expected


@pytest.mark.parametrize(("expression", "text"), [
    ({"Ref": "NoDefault"}, "${NoDefault}"),
    ({"Ref": "AWS::Region"}, "${AWS::Region}"),
    ({"Fn::Sub": "com.amazonaws.${AWS::Region}.sts"}, "com.amazonaws.${AWS::Region}.sts"),
    ({"Fn::ImportValue": "other-stack::VPC"}, "${Import:other-stack::VPC}"),
    ({"Fn::GetAtt": ["Missing", "Arn"]}, "${Missing.Arn}"),
    ({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, None),
])
def test_what_cannot_be_resolved_is_unknown_with_a_readable_stand_in(expression: Any, text: str | None) -> None:
    resolved = template(INTRINSICS).resolve(expression)
    assert isinstance(resolved, Unknown)
    assert resolved.text == text


def test_var_values_override_parameter_defaults() -> None:
    assert template(INTRINSICS, {"Env": "dev"}).resolve({"Fn::If": ["IsProd", "yes", "no"]}) == "no"


def test_short_form_tags_and_long_form_json_read_the_same() -> None:
    report_yaml, report_json = scan(FIXTURES / "bad.yaml"), scan(FIXTURES / "bad.json")
    summary = sorted((f.rule, f.status.value, f.target, f.provenance) for f in report_yaml.results)
    assert summary == sorted((f.rule, f.status.value, f.target, f.provenance) for f in report_json.results)
    assert len(results(report_yaml, "EKS101", "fail")) == 1


@pytest.mark.parametrize(("name", "line"), [("bad.yaml", 74), ("bad.json", 128)])
def test_eks101_on_the_eks_api_default(name: str, line: int) -> None:
    [finding] = results(scan(FIXTURES / name), "EKS101")
    assert finding.status.value == "fail"
    assert finding.severity == "critical"
    assert finding.target == "cluster/bad"
    assert finding.origin is not None and finding.origin.line == line  # ResourcesVpcConfig
    assert finding.provenance == "defaulted by EKS API"
    assert finding.message is not None and "0.0.0.0/0" in finding.message.en


@pytest.mark.parametrize(("path", "line"), [(FIXTURES / "good.yaml", 109), (FIXTURES / "good.json", 244),
                                            (FIXTURES.parent.parent / "rules/EKS102/restricted.yaml", 11)])
def test_eks101_passes_when_private_or_restricted(path: Path, line: int) -> None:
    [finding] = results(scan(path), "EKS101")
    assert finding.status.value == "pass"
    assert finding.origin is not None and finding.origin.line == line


def test_unresolvable_parameter_is_unknown_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(textwrap.dedent("""\
        Parameters:
          Public: {Type: String}
        Resources:
          Cluster:
            Type: AWS::EKS::Cluster
            Properties:
              Name: p
              ResourcesVpcConfig:
                EndpointPublicAccess: !Ref Public
        """))
    report = scan(tmp_path / "t.yaml")
    assert report.estate.problems == []
    [cluster] = report.estate.clusters
    assert cluster.endpoint_public_access is not None
    assert cluster.endpoint_public_access.provenance is Provenance.UNKNOWN
    [finding] = results(report, "EKS101")
    assert finding.status.value == "unknown"
    assert finding.origin is not None and finding.origin.line == 9
    assert finding.message is not None and "parameter Public has no Default" in finding.message.en
    assert results(scan(tmp_path / "t.yaml", variables={"Public": "false"}), "EKS101")[0].status.value == "pass"


def test_false_condition_removes_the_resource(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(textwrap.dedent("""\
        Parameters:
          WithNodes: {Type: String, Default: "no"}
        Conditions:
          Nodes: !Equals [!Ref WithNodes, "yes"]
        Resources:
          Cluster: {Type: AWS::EKS::Cluster, Properties: {Name: c}}
          Workers:
            Type: AWS::EKS::Nodegroup
            Condition: Nodes
            Properties: {ClusterName: !Ref Cluster, NodegroupName: workers}
        """))
    assert collect([str(tmp_path / "t.yaml")], {}).clusters[0].node_groups == []
    with_nodes = collect([str(tmp_path / "t.yaml")], {"WithNodes": "yes"}).clusters[0]
    assert [g.name for g in with_nodes.node_groups] == ["workers"]


def test_node_group_stack_joins_the_cluster_of_another_stack(tmp_path: Path) -> None:
    (tmp_path / "cluster.yaml").write_text(textwrap.dedent("""\
        Resources:
          ControlPlane:
            Type: AWS::EKS::Cluster
            Properties: {Name: demo, ResourcesVpcConfig: {SubnetIds: [subnet-1, subnet-2]}}
        """))
    (tmp_path / "nodegroup.yaml").write_text(textwrap.dedent("""\
        Resources:
          Template:
            Type: AWS::EC2::LaunchTemplate
            Properties:
              LaunchTemplateData:
                MetadataOptions: {HttpTokens: required, HttpPutResponseHopLimit: 2}
          Nodes:
            Type: AWS::EKS::Nodegroup
            Properties:
              ClusterName: demo
              NodegroupName: ng-1
              LaunchTemplate: {Id: !Ref Template}
        """))
    report = scan(tmp_path)
    [cluster] = report.estate.clusters
    assert cluster.name == "demo" and [g.name for g in cluster.node_groups] == ["ng-1"]
    [hops] = results(report, "EKS302")
    assert hops.status.value == "fail" and hops.origin is not None
    assert hops.origin.path.endswith("nodegroup.yaml") and hops.origin.line == 6


def test_launch_template_alone_yields_a_cluster_named_after_its_tags_or_file(tmp_path: Path) -> None:
    (tmp_path / "eksctl-demo-nodegroup-ng.yaml").write_text(textwrap.dedent("""\
        Parameters:
          ClusterName: {Type: String}
        Resources:
          NodeGroupLaunchTemplate:
            Type: AWS::EC2::LaunchTemplate
            Properties:
              LaunchTemplateData:
                MetadataOptions: {HttpTokens: optional}
                UserData: !Base64 {"Fn::Sub": "#!/bin/bash\\n/etc/eks/bootstrap.sh ${ClusterName}\\n"}
        """))
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.name == "eksctl-demo-nodegroup-ng"
    [group] = cluster.node_groups
    assert group.kind == "self-managed"
    assert group.imds_http_tokens is not None and group.imds_http_tokens.value == "optional"
    assert cluster.endpoint_public_access is None  # the cluster itself is not in this template


# AWS's classic self-managed node group stack (amazon-eks-nodegroup.yaml of the EKS User Guide): an Auto Scaling
# group with a launch configuration, the cluster named only by a parameter in a tag key
CLASSIC_NODE_GROUP = """\
    Parameters:
      ClusterName: {Type: String}
      NodeInstanceType: {Type: String, Default: t3.medium}
    Resources:
      NodeGroup:
        Type: AWS::AutoScaling::AutoScalingGroup
        Properties:
          LaunchConfigurationName: !Ref NodeLaunchConfig
          MinSize: 1
          MaxSize: 4
          Tags:
          - {Key: !Sub "kubernetes.io/cluster/${ClusterName}", Value: owned, PropagateAtLaunch: true}
      NodeLaunchConfig:
        Type: AWS::AutoScaling::LaunchConfiguration
        Properties:
          AssociatePublicIpAddress: true
          InstanceType: !Ref NodeInstanceType
          ImageId: ami-12345678
    """


def test_classic_node_group_stack_with_a_launch_configuration_is_read(tmp_path: Path) -> None:
    (tmp_path / "amazon-eks-nodegroup.yaml").write_text(textwrap.dedent(CLASSIC_NODE_GROUP))
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.name == "amazon-eks-nodegroup"
    [group] = cluster.node_groups
    assert (group.name, group.kind) == ("NodeGroup", "self-managed")
    assert group.imds_http_tokens is not None and group.imds_http_tokens.value == "optional"
    assert group.public_subnets is not None and group.public_subnets.value is True
    [cluster] = collect([str(tmp_path)], {"ClusterName": "demo"}).clusters
    assert cluster.name == "demo"


@pytest.mark.parametrize("fleet", [
    # web servers as in aws-cloudformation-templates' AutoScaling samples: a launch template, no EKS tag or bootstrap
    """\
    Resources:
      WebServerGroup:
        Type: AWS::AutoScaling::AutoScalingGroup
        Properties: {LaunchTemplate: {LaunchTemplateId: !Ref LaunchTemplate, Version: 1}, MinSize: 1, MaxSize: 2}
      LaunchTemplate:
        Type: AWS::EC2::LaunchTemplate
        Properties:
          LaunchTemplateData: {ImageId: ami-12345678, InstanceType: t2.small, KeyName: admin}
    """,
    # the same with a launch configuration
    """\
    Resources:
      WebServerGroup:
        Type: AWS::AutoScaling::AutoScalingGroup
        Properties: {LaunchConfigurationName: !Ref LaunchConfig, MinSize: 1, MaxSize: 2}
      LaunchConfig:
        Type: AWS::AutoScaling::LaunchConfiguration
        Properties: {ImageId: ami-12345678, InstanceType: t2.small, UserData: !Base64 "yum install -y httpd"}
    """,
    # an ECS container instance fleet: a launch template that joins an ECS cluster
    """\
    Resources:
      ECSAutoScalingGroup:
        Type: AWS::AutoScaling::AutoScalingGroup
        Properties:
          LaunchTemplate: {LaunchTemplateId: !Ref ContainerInstances, Version: 1}
          MinSize: 1
          MaxSize: 2
      ContainerInstances:
        Type: AWS::EC2::LaunchTemplate
        Properties:
          LaunchTemplateData:
            InstanceType: c5.large
            UserData: !Base64 "#!/bin/bash\\necho ECS_CLUSTER=demo >> /etc/ecs/ecs.config"
    """,
])
def test_fleets_that_are_not_eks_nodes_add_no_cluster(tmp_path: Path, fleet: str) -> None:
    (tmp_path / "fleet.yaml").write_text(textwrap.dedent(fleet))
    estate = collect([str(tmp_path)], {})
    assert [i.kind for i in estate.inputs] == ["cloudformation"]
    assert estate.clusters == []


def test_other_documents_are_not_taken_for_templates() -> None:
    assert template_kind({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}) is None
    assert template_kind({"Resources": {"X": {"Type": "AWS::S3::Bucket"}}}) == "template"
    assert template_kind({"X": {"Type": "AWS::EKS::Nodegroup"}}) == "bare"
    assert template_kind({"X": {"Type": "AWS::EKS::Nodegroup"}, "y": 1}) is None


def test_vpc_only_template_is_read_but_defines_no_cluster(shared_root: Path) -> None:
    estate = collect([str(shared_root / "corpus/eksctl-cfn/vpc_public.json")], {})
    assert [i.kind for i in estate.inputs] == ["cloudformation"]
    assert estate.clusters == []


# --- eksctl-generated CloudFormation (../shared/corpus/eksctl-cfn) -------------------------


@pytest.fixture(scope="module")
def eksctl_cfn(shared_root: Path) -> ScanReport:
    return scan(shared_root / "corpus/eksctl-cfn")


def test_eksctl_cfn_corpus_scans_without_errors(eksctl_cfn: ScanReport) -> None:
    assert eksctl_cfn.estate.problems == []
    assert not [f for f in eksctl_cfn.results if f.status.value == "error"]
    assert len([i for i in eksctl_cfn.estate.inputs if i.kind == "cloudformation"]) == 40  # all but service_details_*.json


def test_eksctl_launch_templates_give_eks302(eksctl_cfn: ScanReport) -> None:
    failing = results(eksctl_cfn, "EKS302", "fail")
    launch_templates = [f for f in failing if "/launch_template/" in (f.origin.path if f.origin else "")]
    # every eksctl launch template sets HttpPutResponseHopLimit: 2 (nodegroup.go makeMetadataOptions)
    assert len(launch_templates) == 18
    assert {f.provenance for f in launch_templates} == {"declared"}
    standard = next(f for f in launch_templates if f.origin and f.origin.path.endswith("/standard.json"))
    assert standard.target == "cluster/lt/nodegroup/standard"
    lines = Path(standard.origin.path).read_text().splitlines() if standard.origin else []
    assert standard.origin is not None and standard.origin.line is not None
    assert '"HttpPutResponseHopLimit": 2' in lines[standard.origin.line - 1]
    # the templates that name an existing launch template (lt-1234) are unknown, not passed
    assert {f.target for f in results(eksctl_cfn, "EKS302", "unknown")} == {
        "cluster/lt/nodegroup/custom-template", "cluster/lt/nodegroup/template-custom-ami"}


def test_eksctl_ssh_enabled_template_gives_eks208(eksctl_cfn: ScanReport) -> None:
    failing = results(eksctl_cfn, "EKS208", "fail")
    assert [f.target for f in failing] == ["cluster/lt/nodegroup/ssh-enabled"]
    [finding] = failing
    assert finding.origin is not None and finding.origin.path.endswith("launch_template/ssh_enabled.json")
    lines = Path(finding.origin.path).read_text().splitlines()
    assert finding.origin.line is not None and '"CidrIp": "0.0.0.0/0"' in lines[finding.origin.line - 1]
    assert finding.message is not None and "0.0.0.0/0, ::/0" in finding.message.en
    disabled = [f for f in results(eksctl_cfn, "EKS208") if f.target == "cluster/lt/nodegroup/ssh-disabled"]
    assert [f.status.value for f in disabled] == ["pass"]


def test_eksctl_node_group_stacks_keep_their_node_role_policies(eksctl_cfn: ScanReport) -> None:
    standard = next(g for c in eksctl_cfn.estate.clusters for g in c.node_groups if g.name == "standard")
    assert standard.role_policies is not None and standard.role_policies.known
    assert "AmazonEKS_CNI_Policy" in {p.rsplit("/", 1)[-1] for p in standard.role_policies.value or []}
    self_managed = [g for c in eksctl_cfn.estate.clusters for g in c.node_groups if g.kind == "self-managed"]
    assert len(self_managed) == 3 and {g.security_group_ids[0] for g in self_managed} == {"SG"}


def test_quickstart_manifests_are_kubernetes_objects_of_the_template(tmp_path: Path) -> None:
    """AWSQS::Kubernetes::Resource: a `!Sub` block's objects at their template lines with the fields `Fn::Sub`
    cannot resolve left out (unknown), a manifest written as YAML at its own lines, a one-line JSON string, and a
    `Url` warned about as not scanned."""
    estate = collect([str(FIXTURES / "quickstart-manifests.yaml")], {})
    assert not estate.problems
    assert [(w.line, w.kind) for w in estate.warnings] == [(42, "cloudformation-kubernetes")]
    assert "`Url`" in estate.warnings[0].message
    (scope,) = estate.kube_scopes
    (agent,) = scope.objects
    assert (scope.target, agent.namespace, agent.origin.resource, agent.origin.line) == (
        "kubernetes/apps", "monitoring", "Agent", 21)
    container = agent.doc["spec"]["template"]["spec"]["containers"][0]
    assert "image" not in container and container.marks["securityContext"] == (35, 19)
    assert "${AgentImage}" in agent.unknown_fields["spec.template.spec.containers[0].image"].en

    path = tmp_path / "written.yaml"
    path.write_text(textwrap.dedent("""\
        Resources:
          Written:
            Type: AWSQS::Kubernetes::Resource
            Properties:
              ClusterName: elsewhere
              Namespace: tools
              Manifest:
                apiVersion: v1
                kind: Pod
                metadata:
                  name: shell
                  labels: {owner: !Ref AWS::AccountId}
                spec:
                  hostNetwork: true
                  containers: [{name: sh, image: busybox}]
          OneLine:
            Type: AWSQS::Kubernetes::Resource
            Properties:
              ClusterName: elsewhere
              Namespace: tools
              Manifest: '{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "bot"}}'
        """), encoding="utf-8")
    objects = {o.kind: o for scope in collect([str(path)], {}).kube_scopes for o in scope.objects}
    written, one_line = objects["Pod"], objects["ServiceAccount"]
    assert (written.namespace, written.origin.line, written.doc["spec"].marks["hostNetwork"]) == ("tools", 8, (14, 11))
    assert "owner" not in written.doc["metadata"]["labels"] and "metadata.labels.owner" in written.unknown_fields
    assert (one_line.origin.line, one_line.namespace) == (21, "tools")


NESTED = FIXTURES / "nested"


def _parent(path: Path, url: str, name: str = "parent") -> None:
    path.write_text(textwrap.dedent(f"""\
        Resources:
          Cluster:
            Type: AWS::EKS::Cluster
            Properties: {{Name: {name}}}
          Nodes:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: {url}
              Parameters: {{ClusterName: !Ref Cluster, Subnets: "subnet-a,subnet-b"}}
        """), encoding="utf-8")


def _shape(clusters: list[Any]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    return sorted((c.name, [(g.name, g.subnet_ids) for g in c.node_groups]) for c in clusters)


def test_local_nested_stack_is_read_with_the_parameters_its_parent_passes() -> None:
    [cluster] = collect([str(NESTED)], {}).clusters  # no stub cluster named after nodegroup.yaml
    assert _shape([cluster]) == [("EKSCluster", [("public", ["PublicSubnet"]), ("private", ["PrivateSubnet"])])]
    public, private = cluster.node_groups
    assert (public.imds_http_tokens.value, private.imds_http_tokens.value) == ("optional", "required")
    assert public.origin.path.endswith("nodegroup.yaml")


def test_nested_stack_template_read_alone_is_a_stub_as_before() -> None:
    [stub] = collect([str(NESTED / "nodegroup.yaml")], {}).clusters
    assert stub.name == "nodegroup" and stub.node_groups[0].subnet_ids == ["${Subnets}"]


def test_https_template_url_is_not_a_scanned_file(tmp_path: Path) -> None:
    (tmp_path / "nodegroup.yaml").write_bytes((NESTED / "nodegroup.yaml").read_bytes())
    alone = _shape(collect([str(tmp_path)], {}).clusters)
    _parent(tmp_path / "parent.yaml", "https://s3.amazonaws.com/bucket/nodegroup.yaml")
    assert _shape(collect([str(tmp_path)], {}).clusters) == sorted([*alone, ("parent", [])])


def test_template_nested_by_two_parents_gives_each_parent_its_reading(tmp_path: Path) -> None:
    (tmp_path / "nodegroup.yaml").write_bytes((NESTED / "nodegroup.yaml").read_bytes())
    (tmp_path / "b").mkdir()
    _parent(tmp_path / "a.yaml", "./nodegroup.yaml", "a")
    _parent(tmp_path / "b" / "b.yaml", "../nodegroup.yaml", "b")
    assert _shape(collect([str(tmp_path)], {}).clusters) == [
        ("a", [("public", ["subnet-a", "subnet-b"])]), ("b", [("public", ["subnet-a", "subnet-b"])])]


def test_templates_that_only_nest_each_other_keep_their_own_readings(tmp_path: Path) -> None:
    (tmp_path / "nodegroup.yaml").write_bytes((NESTED / "nodegroup.yaml").read_bytes())
    with (tmp_path / "nodegroup.yaml").open("a", encoding="utf-8") as child:
        child.write("  Back: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: parent.yaml}}\n")
    _parent(tmp_path / "parent.yaml", "nodegroup.yaml")
    assert _shape(collect([str(tmp_path)], {}).clusters) == [("nodegroup", [("public", ["${Subnets}"])]),
                                                            ("parent", [])]


def test_stack_parameters_resolve_in_the_parent() -> None:
    parent = template("""
        Parameters:
          Size: {Type: String, Default: large}
        Resources:
          Cluster: {Type: AWS::EKS::Cluster, Properties: {Name: !Ref Size}}
          Subnet: {Type: AWS::EC2::Subnet}
          Network: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: net.yaml}}
          Nodes:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: ./nodes.yaml
              Parameters:
                Literal: x
                Default: !Ref Size
                Cluster: !Ref Cluster
                Subnet: !Ref Subnet
                Output: !GetAtt Network.Outputs.SubnetIds
                Zones: a, b
                Text: a, b
        """)
    child = yaml.load("Parameters: {Zones: {Type: CommaDelimitedList}}", Loader=Loader)
    [(network, network_url), (nodes, nodes_url)] = local_nested_stacks(parent)
    assert (network.id, network_url, nodes_url) == ("Network", "net.yaml", "./nodes.yaml")
    values = stack_parameters(parent, nodes, child)
    assert {k: values[k] for k in ("Literal", "Default", "Cluster", "Zones", "Text")} == {
        "Literal": "x", "Default": "large", "Cluster": "large", "Zones": ["a", "b"], "Text": "a, b"}
    subnet, output = values["Subnet"], values["Output"]
    assert isinstance(subnet, Unknown) and subnet.text == "Subnet" and "parent stack" in subnet.reason
    assert isinstance(output, Unknown) and output.reason.startswith("output SubnetIds of nested stack Network")


def test_a_launch_template_no_node_launches_from_is_a_node_group_only_if_it_shows_eks_nodes(tmp_path: Path) -> None:
    """Next to a cluster, a bastion's launch template is no node group; one that runs the EKS bootstrap (used by an
    Auto Scaling group of another stack) still is."""
    (tmp_path / "cluster.yaml").write_text(textwrap.dedent("""\
        Resources:
          Cluster:
            Type: AWS::EKS::Cluster
            Properties:
              Name: shop
              RoleArn: arn:aws:iam::111122223333:role/eks
              ResourcesVpcConfig:
                SubnetIds: [subnet-a, subnet-b]
          BastionTemplate:
            Type: AWS::EC2::LaunchTemplate
            Properties:
              LaunchTemplateData:
                InstanceType: t3.micro
          Bastion:
            Type: AWS::EC2::Instance
            Properties:
              LaunchTemplate:
                LaunchTemplateId: !Ref BastionTemplate
                Version: "1"
          NodeTemplate:
            Type: AWS::EC2::LaunchTemplate
            Properties:
              LaunchTemplateData:
                InstanceType: m5.large
                UserData:
                  Fn::Base64: !Sub "#!/bin/bash\\n/etc/eks/bootstrap.sh shop\\n"
        """))
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert [group.name for group in cluster.node_groups] == ["NodeTemplate"]
