"""terraform-aws-modules/vpc: zones of an `aws_availability_zones` data source, written inline or through a local,
and subnets made per zone by a `for` expression (the module puts subnet i in azs[i])."""

from __future__ import annotations

from pathlib import Path

import pytest

from eksguard.model import Provenance
from eksguard.sources import collect

TEMPLATE = """\
data "aws_availability_zones" "available" {}
locals {
  vpc_cidr = "10.0.0.0/16"
  azs = AZS
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  version = "6.5.1"
  cidr = local.vpc_cidr
  azs = local.azs
  private_subnets = SUBNETS
}
module "eks" {
  source = "terraform-aws-modules/eks/aws"
  version = "~> 21.6"
  name = "az"
  kubernetes_version = "1.34"
  vpc_id = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnets
}
"""
SLICE = "slice(data.aws_availability_zones.available.names, 0, 3)"
FOR = "[for k, v in local.azs : cidrsubnet(local.vpc_cidr, 4, k)]"


@pytest.mark.parametrize(("azs", "subnets", "ids"), [
    (SLICE, FOR, ["[0]", "[1]", "[2]"]),
    (SLICE, "[for k, v in local.azs : cidrsubnet(local.vpc_cidr, 4, k) if k > 0]", ["[*]"]),  # filtered
    (SLICE, "[for k, v in local.other : cidrsubnet(local.vpc_cidr, 4, k)]", ["[*]"]),  # another collection
    ("slice(data.aws_availability_zones.available.names, 0, var.n)", FOR, ["[*]"]),
    ("data.aws_availability_zones.available.names", FOR, ["[*]"]),  # how many zones: known at plan
])
def test_subnets_per_zone(tmp_path: Path, azs: str, subnets: str, ids: list[str]) -> None:
    (tmp_path / "main.tf").write_text(TEMPLATE.replace("AZS", azs).replace("SUBNETS", subnets))
    (cluster,) = collect([str(tmp_path)], {}).clusters
    assert sorted(s.removeprefix("module.vpc.private_subnets") for s in cluster.network.subnets) == ids


def test_data_zones_through_a_local_are_two_zones(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TEMPLATE.replace("AZS", SLICE).replace("SUBNETS", '["10.0.0.0/20", "10.0.16.0/20"]'))
    (cluster,) = collect([str(tmp_path)], {}).clusters
    zones = [s.availability_zone for s in cluster.network.subnets.values()]
    assert [(z.value, z.provenance, z.origin and z.origin.line) for z in zones] == [
        (f"{SLICE}[{i}]", Provenance.DECLARED, 10) for i in range(2)]
