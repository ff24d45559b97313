"""One cluster split over root modules that read each other's state (`terraform_remote_state`): what a root
adds to the cluster of another joins that cluster."""

from __future__ import annotations

import textwrap
from pathlib import Path

from eksguard.sources import collect

CLUSTER = """\
terraform {
  backend "s3" {
    bucket = "states"
    key    = "dev/eks-cluster/terraform.tfstate"
    region = "us-east-1"
  }
}

resource "aws_eks_cluster" "this" {
  name     = "split"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

output "cluster_id" {
  value = aws_eks_cluster.this.id
}
"""

PROFILE = """\
data "terraform_remote_state" "eks" {
  backend = "s3"
  config = {
    bucket = "states"
    key    = "dev/eks-cluster/terraform.tfstate"
    region = var.aws_region
  }
}

variable "aws_region" {
  default = "us-east-1"
}

resource "aws_eks_fargate_profile" "apps" {
  cluster_name           = data.terraform_remote_state.eks.outputs.cluster_id
  fargate_profile_name   = "apps"
  pod_execution_role_arn = "arn:aws:iam::111122223333:role/fargate"
  selector {
    namespace = "apps"
  }
}

resource "kubernetes_namespace_v1" "apps" {
  metadata {
    name = "apps"
  }
}
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))


def test_a_root_reading_the_cluster_state_joins_that_cluster(tmp_path: Path) -> None:
    _write(tmp_path, {"01-cluster/main.tf": CLUSTER, "02-fargate/main.tf": PROFILE})
    estate = collect([str(tmp_path)], {})
    [cluster] = estate.clusters
    assert cluster.name == "split"
    assert [(p.name, p.whole_namespaces) for p in cluster.fargate_profiles] == [("apps", ["apps"])]
    assert [scope.target for scope in estate.kube_scopes] == ["kubernetes/split"]  # its objects follow it


def test_two_roots_keeping_the_same_state_join_nothing(tmp_path: Path) -> None:
    # a course repeats the cluster root in every section: which one the state holds is not known
    _write(tmp_path, {"a/main.tf": CLUSTER, "b/main.tf": CLUSTER.replace('"split"', '"other"'),
                      "c/main.tf": PROFILE})
    names = sorted(c.name for c in collect([str(tmp_path)], {}).clusters)
    assert names == ["data.terraform_remote_state.eks.outputs.cluster_id", "other", "split"]
