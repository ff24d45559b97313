"""A deterministic synthetic corpus for `make bench`: N files mixing eksctl ClusterConfig,
CloudFormation, Terraform, Kubernetes manifests and Markdown runbooks, in nested folders.

Same seed and N, same bytes: `python bench/corpus.py OUT_DIR N [SEED]`.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

REGIONS = ["ap-northeast-1", "us-east-1", "eu-west-1", "us-west-2"]
TYPES = ["m5.large", "m6i.xlarge", "t3.medium", "c5.2xlarge", "r6g.large"]


def eksctl(rng: random.Random, index: int) -> str:
    region = rng.choice(REGIONS)
    groups = "\n".join(
        f"  - name: ng-{n}\n    instanceType: {rng.choice(TYPES)}\n    desiredCapacity: {rng.randint(1, 9)}\n"
        f"    privateNetworking: {str(rng.random() < 0.6).lower()}\n"
        + ("    ssh:\n      publicKeyName: ops-key\n" if rng.random() < 0.2 else "")
        for n in range(rng.randint(1, 4)))
    cidrs = '  publicAccessCIDRs: ["203.0.113.0/24"]\n' if rng.random() < 0.5 else ""
    return (f"apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: cluster-{index}\n"
            f"  region: {region}\n  version: \"1.{rng.randint(29, 35)}\"\niam:\n  withOIDC: {str(rng.random() < 0.5).lower()}\n"
            f"vpc:\n  clusterEndpoints:\n    publicAccess: true\n    privateAccess: {str(rng.random() < 0.5).lower()}\n"
            f"{cidrs}managedNodeGroups:\n{groups}")


def cloudformation(rng: random.Random, index: int) -> str:
    return f"""AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ClusterName: {{Type: String, Default: cfn-{index}}}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {{CidrBlock: 10.{index % 250}.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true}}
  Igw: {{Type: AWS::EC2::InternetGateway}}
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {{VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}}
  PublicTable:
    Type: AWS::EC2::RouteTable
    Properties: {{VpcId: !Ref Vpc}}
  DefaultRoute:
    Type: AWS::EC2::Route
    Properties: {{RouteTableId: !Ref PublicTable, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}}
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.{index % 250}.1.0/24, AvailabilityZone: ap-northeast-1a}}
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.{index % 250}.2.0/24, AvailabilityZone: ap-northeast-1c}}
  AssocA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {{SubnetId: !Ref SubnetA, RouteTableId: !Ref PublicTable}}
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: !Ref ClusterName
      Version: "1.{rng.randint(29, 35)}"
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig:
        SubnetIds: [!Ref SubnetA, !Ref SubnetB]
        EndpointPublicAccess: {str(rng.random() < 0.7).lower()}
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: arn:aws:iam::111122223333:role/node
      Subnets: [!Ref SubnetA]
      InstanceTypes: [{rng.choice(TYPES)}]
"""


def terraform(rng: random.Random, index: int) -> str:
    return f"""resource "aws_eks_cluster" "c{index}" {{
  name     = "tf-{index}"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.{rng.randint(29, 35)}"
  vpc_config {{
    subnet_ids              = ["subnet-a{index}", "subnet-b{index}"]
    endpoint_public_access  = {str(rng.random() < 0.7).lower()}
    endpoint_private_access = true
  }}
  enabled_cluster_log_types = ["api", "audit"]
}}

resource "aws_launch_template" "lt{index}" {{
  name = "lt-{index}"
  metadata_options {{
    http_tokens                 = "{rng.choice(["required", "optional"])}"
    http_put_response_hop_limit = {rng.choice([1, 2])}
  }}
}}
"""


def kubernetes(rng: random.Random, index: int) -> str:
    privileged = str(rng.random() < 0.2).lower()
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{index}
  namespace: team-{index % 7}
spec:
  replicas: {rng.randint(1, 5)}
  selector: {{matchLabels: {{app: app-{index}}}}}
  template:
    metadata: {{labels: {{app: app-{index}}}}}
    spec:
      securityContext: {{runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}
      containers:
        - name: app
          image: registry.example.com/app:{index}
          ports: [{{containerPort: 8080}}]
          securityContext:
            privileged: {privileged}
            allowPrivilegeEscalation: false
            capabilities: {{drop: [ALL]}}
---
apiVersion: v1
kind: Service
metadata: {{name: app-{index}, namespace: team-{index % 7}}}
spec:
  selector: {{app: app-{index}}}
  ports: [{{port: 80, targetPort: 8080}}]
"""


def markdown(rng: random.Random, index: int) -> str:
    flags = " --node-private-networking" if rng.random() < 0.5 else ""
    return f"""# Runbook {index}

Create the cluster for team {index % 7}. The command below mentions eksctl create cluster in prose first.

```sh
$ export CLUSTER=runbook-{index}
$ eksctl create cluster --name=$CLUSTER --version 1.{rng.randint(29, 35)} \\
    --nodes={rng.randint(1, 5)} --managed --region {rng.choice(REGIONS)}{flags}
```

Then check the nodes with `kubectl get nodes`.
"""


KINDS = ((eksctl, "clusters/{i}/cluster.yaml"), (cloudformation, "cfn/{i}/stack.yaml"),
         (terraform, "terraform/{i}/main.tf"), (kubernetes, "k8s/{i}/app.yaml"), (markdown, "docs/{i}/runbook.md"))


def generate(out: Path, count: int, seed: int = 20261122) -> list[Path]:
    rng = random.Random(seed)
    written = []
    for index in range(count):
        make, pattern = KINDS[index % len(KINDS)]
        path = out / pattern.format(i=index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make(rng, index), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 20261122)
