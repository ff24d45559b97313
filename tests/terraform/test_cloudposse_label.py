"""Cloud Posse modules gate every resource on `module.this.enabled` (cloudposse/label/null in context.tf)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.sources import collect

TODAY = dt.date(2026, 11, 22)

CLUSTER = """\
locals {
  enabled = module.this.enabled
}

resource "aws_eks_cluster" "default" {
  count    = local.enabled ? 1 : 0
  name     = "demo"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a"]
  }
}

variable "enabled" {
  type    = bool
  default = null
}

variable "context" {
  type    = any
  default = {
    enabled = true
  }
}
"""


def scan(tmp_path: Path, label_call: str) -> ScanReport:
    (tmp_path / "main.tf").write_text(CLUSTER)
    (tmp_path / "context.tf").write_text(textwrap.dedent(label_call))
    return evaluate(collect([str(tmp_path)], {}), Config(), TODAY)


def cluster_pointers(report: ScanReport) -> list[str | None]:
    return [r.origin.pointer if r.origin else None for r in report.results if r.rule == "EKS101"]


@pytest.mark.parametrize("label_call", [
    'module "this" {\n  source  = "cloudposse/label/null"\n  enabled = var.enabled\n  context = var.context\n}\n',
    'module "this" {\n  source = "cloudposse/label/null"\n}\n',
    'module "this" {\n  source  = "git::https://github.com/cloudposse/terraform-null-label.git?ref=0.25.0"\n'
    '  enabled = true\n}\n',
])
def test_label_enabled_by_default_makes_one_instance(tmp_path: Path, label_call: str) -> None:
    assert cluster_pointers(scan(tmp_path, label_call)) == ["aws_eks_cluster.default[0].vpc_config"]


@pytest.mark.parametrize("label_call", [
    'module "this" {\n  source  = "cloudposse/label/null"\n  enabled = false\n  context = var.context\n}\n',
    'module "this" {\n  source  = "cloudposse/label/null"\n  enabled = var.enabled\n'
    '  context = { enabled = false }\n}\n',
])
def test_label_disabled_creates_no_cluster(tmp_path: Path, label_call: str) -> None:
    assert scan(tmp_path, label_call).estate.clusters == []


@pytest.mark.parametrize("label_call", [
    'module "this" {\n  source  = "cloudposse/label/null"\n  context = var.missing\n}\n',
    'module "this" {\n  source  = "cloudposse/label/null"\n  context = { enabled = null }\n}\n',
    'module "this" {\n  source  = "example/label/null"\n}\n',
])
def test_label_enabled_not_known_leaves_the_count_unknown(tmp_path: Path, label_call: str) -> None:
    assert cluster_pointers(scan(tmp_path, label_call)) == ["aws_eks_cluster.default.vpc_config"]


def test_a_module_call_counted_on_enabled_does_not_hide_the_label(tmp_path: Path) -> None:
    """cloudposse/terraform-aws-eks-node-group: `module "ssh_access" { count = local.need_ssh ? 1 : 0 }` reads
    `module.this.enabled` while the calls are sorted out. The label must be known by then, else `local.enabled`
    stays unknown for the whole module and the node group's own launch template is taken for one defined
    elsewhere (its IMDS settings `unknown`)."""
    (tmp_path / "context.tf").write_text('module "this" {\n  source = "cloudposse/label/null"\n}\n')
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        locals {
          enabled  = module.this.enabled
          need_ssh = local.enabled && var.ssh_key != null
          template = local.enabled ? aws_launch_template.default[0].id : ""
        }

        variable "ssh_key" {
          type    = string
          default = null
        }

        module "ssh_access" {
          count   = local.need_ssh ? 1 : 0
          source  = "cloudposse/security-group/aws"
          version = "2.2.0"
        }

        resource "aws_launch_template" "default" {
          count = local.enabled ? 1 : 0
          metadata_options {
            http_tokens                 = "optional"
            http_put_response_hop_limit = 2
          }
        }

        resource "aws_eks_node_group" "default" {
          count           = local.enabled ? 1 : 0
          cluster_name    = "demo"
          node_group_name = "workers"
          node_role_arn   = "arn:aws:iam::111122223333:role/node"
          subnet_ids      = ["subnet-a"]
          launch_template {
            id      = local.template
            version = "$Latest"
          }
        }
    """))
    report = evaluate(collect([str(tmp_path)], {}), Config(), TODAY)
    [tokens] = [r for r in report.results if r.rule == "EKS301"]
    assert (tokens.status.value, tokens.target) == ("fail", "cluster/demo/nodegroup/workers")
    assert tokens.origin is not None and tokens.origin.line == 21
