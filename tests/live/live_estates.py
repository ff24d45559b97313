"""Estates built in moto (and the EKS fake) for the live tests and bench/live_bench.py.

Built with plain boto3 clients: this is test set-up, not the audit. Every EKS cluster is created
with its endpoint flags sent explicitly (moto omits them otherwise), and the fields moto lacks are
seeded into `FakeEks` the way real AWS returns them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

ACCOUNT = "123456789012"
EKS_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
NODE_TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                      "Action": "sts:AssumeRole"}]}
AMI = "ami-12c6146b"  # one of moto's built-in AMIs


@dataclass(slots=True)
class Built:
    name: str
    region: str
    vpc_id: str
    subnets: list[str]
    cluster_sg: str
    node_sg: str | None = None
    instances: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


_CLIENTS: dict[tuple[str, ...], dict[str, Any]] = {}


def clients(region: str) -> dict[str, Any]:
    """Plain (unguarded) boto3 clients for building estates, made once per region and endpoint."""
    import os

    import boto3

    from eksguard.live.api import _botocore_session  # one model loader for the whole test process

    key = (region, *(os.environ.get(n, "") for n in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EKS", "AWS_ACCESS_KEY_ID")))
    if key not in _CLIENTS:
        session = boto3.Session(region_name=region, botocore_session=_botocore_session())
        _CLIENTS[key] = {name: session.client(name) for name in ("ec2", "eks", "iam", "guardduty")}
    return _CLIENTS[key]


def _role(iam: Any, name: str, policies: list[str], trust: dict[str, Any] | None = None) -> str:
    try:
        arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust or NODE_TRUST))["Role"]["Arn"])
    except iam.exceptions.EntityAlreadyExistsException:
        return str(iam.get_role(RoleName=name)["Role"]["Arn"])
    for policy in policies:
        iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    return arn


def network(ec2: Any, region: str, *, public: bool, nat: bool = False, cidr: str = "192.168.0.0/16") -> tuple[str, list[str]]:
    vpc = str(ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"])
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    base = cidr.split(".")[:2]
    subnets = []
    for index, zone in enumerate(("a", "b")):
        subnet = str(ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{index * 32}.0/19",
                                       AvailabilityZone=f"{region}{zone}")["Subnet"]["SubnetId"])
        subnets.append(subnet)
    table = str(ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"])
    if public:
        igw = str(ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"])
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        for subnet in subnets:
            ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    elif nat:
        igw = str(ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"])
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        gateway = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=gateway)
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return vpc, subnets


def article_000(fake: Any, *, name: str = "handson", region: str = "us-east-1", version: str = "1.31",
                kube_url: str | None = None, guardduty: bool = False) -> Built:
    """Article 000: public node subnets (0.0.0.0/0 → IGW, MapPublicIpOnLaunch) and a public endpoint
    open to 0.0.0.0/0, as a bare `eksctl create cluster` makes them (eksctl's default node policies)."""
    c = clients(region)
    ec2, eks, iam = c["ec2"], c["eks"], c["iam"]
    vpc, subnets = network(ec2, region, public=True)
    cluster_sg = str(ec2.create_security_group(GroupName=f"eks-cluster-sg-{name}", Description="EKS cluster SG",
                                               VpcId=vpc)["GroupId"])
    ec2.authorize_security_group_ingress(GroupId=cluster_sg, IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": cluster_sg}]}])
    node_role = _role(iam, f"{name}-node", ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy",
                                             "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"])
    eks.create_cluster(name=name, version=version, roleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-cluster",
                       resourcesVpcConfig={"subnetIds": subnets, "endpointPublicAccess": True,
                                           "endpointPrivateAccess": False, "publicAccessCidrs": ["0.0.0.0/0"]},
                       logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": False}]})
    eks.create_nodegroup(clusterName=name, nodegroupName="ng-1", subnets=subnets, nodeRole=node_role,
                         instanceTypes=["m5.large"], scalingConfig={"minSize": 1, "maxSize": 2, "desiredSize": 1})
    instance = ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large", SubnetId=subnets[0],
        SecurityGroupIds=[cluster_sg],
        MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [
            {"Key": "eks:cluster-name", "Value": name}, {"Key": "eks:nodegroup-name", "Value": "ng-1"},
            {"Key": f"kubernetes.io/cluster/{name}", "Value": "owned"}]}])["Instances"][0]["InstanceId"]
    if guardduty:
        c["guardduty"].create_detector(Enable=True, Features=[{"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"},
                                                             {"Name": "RUNTIME_MONITORING", "Status": "ENABLED"}])
    overrides: dict[str, Any] = {"resourcesVpcConfig": {"clusterSecurityGroupId": cluster_sg, "vpcId": vpc},
                                 "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP",
                                                  "bootstrapClusterCreatorAdminPermissions": True}}
    if kube_url:
        overrides["endpoint"] = kube_url
    fake.seed(name, cluster=overrides,
              addons={n: {"addonVersion": "v1.0.0-eksbuild.1"} for n in ("vpc-cni", "kube-proxy", "coredns",
                                                                          "metrics-server")},
              access_entries={f"arn:aws:iam::{ACCOUNT}:role/creator": {"policies": [
                  {"policyArn": EKS_ADMIN, "accessScope": {"type": "cluster"}}]}})
    return Built(name, region, vpc, subnets, cluster_sg, instances=[str(instance)])


def private_cluster(fake: Any, *, name: str = "private", region: str = "us-east-1", endpoints: tuple[str, ...] = ("ec2",),
                    kube_url: str | None = None) -> Built:
    """A cluster without internet egress: private subnets (local route only), private endpoint only."""
    c = clients(region)
    ec2, eks, iam = c["ec2"], c["eks"], c["iam"]
    vpc, subnets = network(ec2, region, public=False, cidr="10.20.0.0/16")
    cluster_sg = str(ec2.create_security_group(GroupName=f"eks-cluster-sg-{name}", Description="EKS cluster SG",
                                               VpcId=vpc)["GroupId"])
    for service in endpoints:
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.{service}",
                                VpcEndpointType="Interface", SubnetIds=subnets)
    node_role = _role(iam, f"{name}-node", ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"])
    eks.create_cluster(name=name, version="1.33", roleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-cluster",
                       resourcesVpcConfig={"subnetIds": subnets, "endpointPublicAccess": False,
                                           "endpointPrivateAccess": True},
                       logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]})
    eks.create_nodegroup(clusterName=name, nodegroupName="private-ng", subnets=subnets, nodeRole=node_role,
                         instanceTypes=["m5.large"], scalingConfig={"minSize": 1, "maxSize": 2, "desiredSize": 1})
    overrides: dict[str, Any] = {"resourcesVpcConfig": {"clusterSecurityGroupId": cluster_sg, "vpcId": vpc},
                                 "accessConfig": {"authenticationMode": "API"}}
    if kube_url:
        overrides["endpoint"] = kube_url
    fake.seed(name, cluster=overrides, addons={"vpc-cni": {}, "eks-pod-identity-agent": {}},
              access_entries={})
    return Built(name, region, vpc, subnets, cluster_sg)


def simple_cluster(fake: Any, name: str, region: str) -> Built:
    """A small cluster (for the multi-cluster, shard and bench runs)."""
    c = clients(region)
    ec2, eks = c["ec2"], c["eks"]
    vpc, subnets = network(ec2, region, public=False, nat=True, cidr="10.30.0.0/16")
    cluster_sg = str(ec2.create_security_group(GroupName=f"eks-cluster-sg-{name}", Description="cluster SG",
                                               VpcId=vpc)["GroupId"])
    eks.create_cluster(name=name, version="1.34", roleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-cluster",
                       resourcesVpcConfig={"subnetIds": subnets, "endpointPublicAccess": True,
                                           "endpointPrivateAccess": True, "publicAccessCidrs": ["203.0.113.10/32"]})
    fake.seed(name, cluster={"resourcesVpcConfig": {"clusterSecurityGroupId": cluster_sg, "vpcId": vpc},
                             "accessConfig": {"authenticationMode": "API"}},
              addons={"vpc-cni": {"configurationValues": json.dumps({"enableNetworkPolicy": "true"})}})
    return Built(name, region, vpc, subnets, cluster_sg)


ARTICLE_000_EKSCTL = """\
# the same cluster as a bare `eksctl create cluster` would write it (article 000)
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: handson
  region: us-east-1
  version: "1.31"
managedNodeGroups:
  - name: ng-1
    instanceType: m5.large
"""


def kube_objects(*, masters: bool = True, namespaces: int = 5) -> list[dict[str, Any]]:
    """A small cluster's objects: namespaces, nodes, a privileged Deployment and its pod, aws-auth, RBAC."""
    objects: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}}
        for n in ("default", "kube-system", *(f"team-{i}" for i in range(namespaces)))]
    objects.append({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "ip-192-168-1-10.ec2.internal"},
                    "status": {"nodeInfo": {"kubeletVersion": "v1.31.4-eks-1"}, "images": [{"names": ["x"]}]}})
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
        {"name": "web", "image": "nginx:1.27", "securityContext": {"privileged": True},
         "env": [{"name": "DB_PASSWORD", "value": "hunter2-not-recorded"}]}]}}
    objects.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {
        "name": "web", "namespace": "team-0", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"secret\": \"hunter2-not-recorded\"}"}},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template}})
    objects.append({"apiVersion": "v1", "kind": "Pod", "metadata": {
        "name": "web-5d8f-abcde", "namespace": "team-0",
        "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d8f", "apiVersion": "apps/v1", "uid": "1"}]},
        "spec": template["spec"], "status": {"phase": "Running", "podIP": "192.168.1.20"}})
    objects.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {
        "name": "metrics-server", "namespace": "kube-system", "labels": {"k8s-app": "metrics-server"}},
        "spec": {"selector": {"matchLabels": {"k8s-app": "metrics-server"}}, "template": {
            "metadata": {"labels": {"k8s-app": "metrics-server"}},
            "spec": {"containers": [{"name": "metrics-server", "image": "metrics-server:v0.7"}]}}}})
    roles = "- rolearn: arn:aws:iam::123456789012:role/handson-node\n  username: system:node:{{EC2PrivateDNSName}}\n" \
            "  groups: [system:bootstrappers, system:nodes]\n"
    if masters:
        roles += "- rolearn: arn:aws:iam::123456789012:role/developers\n  username: dev\n  groups: [system:masters]\n"
    objects.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-auth", "namespace": "kube-system"},
                    "data": {"mapRoles": roles}})
    objects.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                    "metadata": {"name": "anon-view"},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                    "subjects": [{"kind": "User", "name": "system:anonymous", "apiGroup": "rbac.authorization.k8s.io"}]})
    objects.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "team-0"}})
    return objects
