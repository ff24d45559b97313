"""Rules that separate resources add to the security groups of terraform-aws-modules/eks join the module's own."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from eksguard.sources import collect

MODULE = """\
module "eks" {
  source = "terraform-aws-modules/eks/aws"
  version = "~> 19.9"
  cluster_name = "demo"
  cluster_version = "1.34"
  vpc_id = "vpc-1"
  subnet_ids = ["subnet-1","subnet-2"]
  eks_managed_node_groups = { one = { instance_types = ["m5.large"] } }
}
"""
SG_RULE = """\
resource "aws_security_group_rule" "extra" {
  type = "ingress"
  from_port = 22
  to_port = 22
  protocol = "tcp"
  cidr_blocks = ["10.1.0.0/16"]
  security_group_id = module.eks.OUTPUT
}
"""
INGRESS_RULE = """\
resource "aws_vpc_security_group_ingress_rule" "extra" {
  from_port = 22
  to_port = 22
  ip_protocol = "tcp"
  cidr_ipv4 = "10.1.0.0/16"
  security_group_id = module.eks.OUTPUT
}
"""


@pytest.mark.parametrize("resource", [SG_RULE, INGRESS_RULE], ids=["security_group_rule", "ingress_rule"])
@pytest.mark.parametrize(("output", "sg_id"), [
    ("node_security_group_id", "module.eks.aws_security_group.node"),
    ("cluster_security_group_id", "module.eks.aws_security_group.cluster"),
])
def test_separate_rules_join_the_module_rules(tmp_path: Path, resource: str, output: str, sg_id: str) -> None:
    (tmp_path / "main.tf").write_text(MODULE + textwrap.dedent(resource).replace("OUTPUT", output))
    (cluster,) = collect([str(tmp_path)], {}).clusters
    rules = cluster.network.security_groups[sg_id].rules
    assert any(r.description and "(module default)" in r.description for r in rules)  # the module's own
    assert [(r.direction, r.protocol, r.from_port, r.to_port) for r in rules if r.cidr == "10.1.0.0/16"] == [
        ("ingress", "tcp", 22, 22)]
