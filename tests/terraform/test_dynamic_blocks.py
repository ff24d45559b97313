"""Terraform `dynamic` blocks on cluster and node resources: read like literal blocks."""

from __future__ import annotations

import textwrap
from pathlib import Path

from eksguard.model import Provenance
from eksguard.sources import collect


def test_access_config_of_a_dynamic_block_with_unknown_for_each_leaves_the_creator_unknown(tmp_path: Path) -> None:
    # with the block the provider sends bootstrap_cluster_creator_admin_permissions = false, without it EKS
    # makes the creator an admin: neither may be assumed
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        variable "api" {
          type = bool
        }

        resource "aws_eks_cluster" "this" {
          name     = "maybe-api"
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config {
            subnet_ids = ["subnet-a", "subnet-b"]
          }
          dynamic "access_config" {
            for_each = var.api ? [1] : []
            content {
              authentication_mode = "API"
            }
          }
        }
        """))
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.bootstrap_creator_admin is not None and cluster.authentication_mode is not None
    assert cluster.bootstrap_creator_admin.provenance is Provenance.UNKNOWN
    assert cluster.authentication_mode.provenance is Provenance.UNKNOWN
    assert cluster.authentication_mode.note is not None
    assert "var.api ? [1] : []" in cluster.authentication_mode.note.en


def test_literal_and_dynamic_blocks_are_read_in_order(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        resource "aws_eks_cluster" "this" {
          name     = "selectors"
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config {
            subnet_ids = ["subnet-a"]
          }
        }

        resource "aws_eks_fargate_profile" "this" {
          cluster_name         = aws_eks_cluster.this.name
          fargate_profile_name = "apps"
          selector {
            namespace = "kube-system"
          }
          dynamic "selector" {
            for_each = toset(["apps", "jobs"])
            iterator = ns
            content {
              namespace = ns.value
            }
          }
        }
        """))
    [cluster] = collect([str(tmp_path)], {}).clusters
    [profile] = cluster.fargate_profiles
    assert profile.namespaces == ["kube-system", "apps", "jobs"]


ENCRYPTED_CLUSTER = """\
variable "encrypt" {
  default = true
}

variable "kms_key_count" {
  type = number
}

locals {
  encryption = {
    resources = ["secrets"]
    key_arn   = data.aws_kms_key.given.arn
  }
}

resource "aws_kms_key" "maybe" {
  count = var.kms_key_count
}

resource "aws_eks_cluster" "this" {
  name     = "encrypted"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
  dynamic "encryption_config" {
    for_each = FOR_EACH
    content {
      resources = encryption_config.value.resources
      provider {
        key_arn = encryption_config.value.key_arn
      }
    }
  }
}
"""


def test_a_dynamic_block_over_a_known_list_of_partly_unknown_objects_is_made(tmp_path: Path) -> None:
    # the Cloud Posse cluster module's encryption_config: one block whose key is known only after apply
    (tmp_path / "main.tf").write_text(ENCRYPTED_CLUSTER.replace("FOR_EACH", "var.encrypt ? [local.encryption] : []"))
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.secrets_kms_key is not None
    assert cluster.secrets_kms_key.provenance is Provenance.DECLARED
    assert cluster.secrets_kms_key.origin.pointer == "aws_eks_cluster.this.encryption_config.provider.key_arn"


def test_a_dynamic_block_over_a_splat_of_resources_of_unknown_count_stays_unknown(tmp_path: Path) -> None:
    # `aws_kms_key.maybe[*]` shows one reference for however many keys `count` makes, maybe none
    (tmp_path / "main.tf").write_text(ENCRYPTED_CLUSTER.replace(
        "FOR_EACH", "[for key in aws_kms_key.maybe[*] : { resources = [\"secrets\"], key_arn = key.arn }]"))
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.secrets_kms_key is not None
    assert cluster.secrets_kms_key.provenance is Provenance.UNKNOWN
