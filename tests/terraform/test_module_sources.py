"""Terraform module calls: which `source` addresses are the modules the Terraform source reads."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from eksguard.sources import collect
from eksguard.sources.terraform import module_kind


@pytest.mark.parametrize(("source", "kind"), [
    ("terraform-aws-modules/eks/aws", "eks"),
    ("registry.terraform.io/terraform-aws-modules/eks/aws", "eks"),
    ("terraform-aws-modules/eks/aws//modules/eks-managed-node-group", "eks-mng"),
    ("terraform-aws-modules/eks/aws//modules/karpenter", "eks-karpenter"),
    ("terraform-aws-modules/eks/aws//modules/hybrid-node-role", "eks-hybrid-node-role"),
    ("terraform-aws-modules/eks/aws//modules/capability", "eks-capability"),
    ("terraform-aws-modules/eks/aws//modules/no-such-module", None),
    ("cloudposse/label/null", "label"),
    ("git::https://github.com/cloudposse/terraform-null-label.git?ref=0.25.0", "label"),
    ("cloudposse/eks-node-group/aws", None),
    ("clouddrove/labels/aws", "naming"),
    ("git::https://github.com/clouddrove/terraform-aws-labels.git?ref=1.3.0", "naming"),
    ("github.com/terraform-aws-modules/terraform-aws-eks?ref=v20.37.0", "eks"),
    ("git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v21.0.0", "eks"),
    ("git::https://github.com/terraform-aws-modules/terraform-aws-eks.git//modules/fargate-profile?ref=v21.0.0",
     "eks-fargate"),
    ("git@github.com:terraform-aws-modules/terraform-aws-eks.git", "eks"),
    ("terraform-aws-modules/vpc/aws//modules/vpc-endpoints", "vpc-endpoints"),
    ("github.com/example/terraform-aws-vpc-peering", None),
    ("aws-ia/eks-blueprints-addons/aws", "addons"),
    ("github.com/aws-ia/terraform-aws-eks-blueprints-addons?ref=v1.21.0", "addons"),
    ("git::https://github.com/aws-ia/terraform-aws-eks-blueprints-addons.git?ref=v1.21.0", "addons"),
    ("aws-ia/eks-blueprints-addon/aws", "addon"),  # the one-chart module, not the plural
    ("github.com/aws-ia/terraform-aws-eks-blueprints?ref=v4.32.1", "unread-cluster"),
    ("github.com/aws-ia/terraform-aws-eks-blueprints//modules/kubernetes-addons?ref=v4.32.1", None),
    ("cloudposse/eks-cluster/aws", "unread-cluster"),
    ("Young-ook/eks/aws", "unread-cluster"),  # other authors' cluster modules: named in a warning, not read
    ("app.terraform.io/example-org/eks-cluster/aws", "unread-cluster"),
    ("Young-ook/eks/aws//modules/addon", None),
    ("lablabs/eks-cluster-autoscaler/aws", None),
    ("terraform-aws-modules/eks-pod-identity/aws", None),
])
def test_module_kind_matches_the_whole_module_name(source: str, kind: str | None) -> None:
    assert module_kind(source) == kind


def _module(tmp_path: Path, text: str) -> Path:
    (tmp_path / "main.tf").write_text(textwrap.dedent(text))
    return tmp_path


def test_blueprints_v4_module_is_not_taken_for_terraform_aws_eks(tmp_path: Path) -> None:
    _module(tmp_path, """\
        module "eks" {
          source          = "github.com/aws-ia/terraform-aws-eks-blueprints?ref=v4.32.1"
          cluster_name    = "migration"
          cluster_version = "1.27"
        }
        """)
    estate = collect([str(tmp_path)], {})
    assert estate.clusters == [] and estate.problems == []
    [warning] = estate.warnings  # its cluster is not read, and the scan says so
    assert (warning.kind, warning.line) == ("module-not-read", 2) and "terraform show -json" in warning.text("en")


def test_a_cloud_posse_cluster_module_is_named_as_not_read(tmp_path: Path) -> None:
    _module(tmp_path, """        module "eks_cluster" {
          source             = "cloudposse/eks-cluster/aws"
          version            = "2.9.0"
          kubernetes_version = "1.26"
        }
        """)
    estate = collect([str(tmp_path)], {})
    assert estate.clusters == []
    assert [(w.kind, w.line) for w in estate.warnings] == [("module-not-read", 2)]
    assert "`eks_cluster` (source cloudposse/eks-cluster/aws)" in estate.warnings[0].text("en")


def test_git_sourced_addons_module_is_read_as_addons_not_as_a_cluster(tmp_path: Path) -> None:
    _module(tmp_path, """\
        resource "aws_eks_cluster" "this" {
          name     = "real"
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config {
            subnet_ids = ["subnet-a", "subnet-b"]
          }
        }

        module "eks_blueprints_addons" {
          source                              = "github.com/aws-ia/terraform-aws-eks-blueprints-addons?ref=v1.21.0"
          cluster_name                        = aws_eks_cluster.this.name
          enable_aws_load_balancer_controller = true
        }
        """)
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.name == "real"
    assert cluster.load_balancer_controller is True
