"""Network reasoning shared by every source: public subnets from route tables (not names), the VPC main
route table, internet egress, VPC endpoints a private cluster still needs, shared security groups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eksguard.analysis.network import (
    link_shared_security_groups,
    nodes_internet_egress,
    route_table_of,
    subnet_internet_egress,
    subnet_is_public,
)
from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.findings import Finding
from eksguard.model import Cluster, Network, Origin, Provenance, Route, RouteTable, Subnet
from eksguard.sources import collect

TODAY = dt.date(2026, 11, 22)
TESTS = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def scan(path: Path, variables: dict[str, str] | None = None) -> ScanReport:
    return evaluate(collect([str(path)], variables or {}), Config(), TODAY)


def results(report: ScanReport, rule: str) -> list[Finding]:
    return [f for f in report.results if f.rule == rule]


def network(*routes: Route, main: bool = False, associated: bool = True) -> Network:
    table = RouteTable("rtb", "vpc", [Route("10.0.0.0/16", "local", "local"), *routes], main=main,
                       origin=Origin("t", 3))
    subnet = Subnet("subnet-private", Origin("t", 1), vpc_id="vpc", route_table_id="rtb" if associated else None)
    return Network(subnets={subnet.id: subnet}, route_tables={table.id: table})


@pytest.mark.parametrize(("route", "public", "egress"), [
    (Route("0.0.0.0/0", "igw", "igw-1"), True, True),
    (Route("::/0", "igw", "igw-1"), True, True),
    (Route("0.0.0.0/0", "nat", "nat-1"), False, True),
    (Route("0.0.0.0/0", "tgw", "tgw-1"), False, None),
    (Route("10.9.0.0/16", "igw", "igw-1"), False, False),
])
def test_route_table_decides_not_the_name(route: Route, public: bool, egress: bool | None) -> None:
    net = network(route)
    assert subnet_is_public(net, "subnet-private").value is public
    verdict = subnet_internet_egress(net, "subnet-private")
    assert (verdict.value if verdict.known else None) is egress


def test_subnet_without_association_uses_the_main_route_table() -> None:
    net = network(Route("0.0.0.0/0", "igw", "igw-1"), main=True, associated=False)
    table = route_table_of(net, "subnet-private")
    assert table is not None and table.id == "rtb"
    verdict = subnet_is_public(net, "subnet-private")
    assert verdict.value is True
    assert verdict.note is not None and "main route table rtb" in verdict.note.en
    not_main = network(Route("0.0.0.0/0", "igw", "igw-1"), main=False, associated=False)
    assert not subnet_is_public(not_main, "subnet-private").known


def test_named_private_but_routed_to_an_igw_gives_eks201() -> None:
    for path, lines in ((TESTS / "cloudformation/fixtures/bad.yaml", [118, 97]),
                        (TESTS / "terraform/fixtures/bad", [129, 95])):
        failing = [f for f in results(scan(path), "EKS201") if f.status.value == "fail"]
        assert [f.target for f in failing] == ["cluster/bad/nodegroup/lt", "cluster/bad/nodegroup/ssh"]
        # located where each node group names its subnets (the line to change); the note says why they are public
        assert [f.origin.line if f.origin else None for f in failing] == lines
        for finding in failing:
            assert finding.note is not None and "to internet gateway" in finding.note.en


def test_route_to_a_nat_gateway_is_private() -> None:
    for path in (TESTS / "cloudformation/fixtures/good.yaml", TESTS / "terraform/fixtures/good",
                 TESTS / "terraform/fixtures/plan-good.json"):
        report = scan(path)
        assert [f.status.value for f in results(report, "EKS201")] == ["pass"]
        [cluster] = report.estate.clusters
        egress = nodes_internet_egress(cluster)
        assert egress.value is True and egress.note is not None and "NAT gateway" in egress.note.en


def test_main_route_table_of_a_new_vpc_has_no_way_out() -> None:
    report = scan(FIXTURES / "main-table.yaml")
    [cluster] = report.estate.clusters
    verdict = subnet_is_public(cluster.network, "NodeSubnetA")
    assert verdict.value is False and verdict.provenance is Provenance.DEFAULTED
    assert verdict.note is not None and "main route table" in verdict.note.en
    assert [f.status.value for f in results(report, "EKS201")] == ["pass"]
    [endpoints] = results(report, "EKS204")
    assert endpoints.status.value == "fail" and endpoints.provenance == "defaulted by EC2"


def test_main_route_table_replaced_by_one_to_the_igw_gives_eks201() -> None:
    [finding] = results(scan(FIXTURES / "main-table-tf"), "EKS201")
    assert finding.status.value == "fail"
    assert finding.note is not None and "the VPC's main route table aws_route_table.public" in finding.note.en
    assert finding.origin is not None and finding.origin.line == 49  # the node group's subnet_ids


@pytest.mark.parametrize(("path", "with_sts"), [(FIXTURES / "private-endpoints.yaml", {"CreateStsEndpoint": "true"}),
                                               (FIXTURES / "private-tf", {"with_sts": "true"})])
def test_private_cluster_with_irsa_misses_sts_until_it_is_added(path: Path, with_sts: dict[str, str]) -> None:
    [finding] = results(scan(path), "EKS204")
    assert finding.status.value == "fail"
    assert finding.extra["missing"] == ["sts"]
    assert finding.message is not None and "sts (needed for IRSA" in finding.message.en
    assert finding.message.ja.startswith("不足している VPC エンドポイント: sts（IRSA")
    [fixed] = results(scan(path, with_sts), "EKS204")
    assert fixed.status.value == "pass"


def test_endpoint_services_are_read_from_every_notation() -> None:
    [cluster] = collect([str(FIXTURES / "private-endpoints.yaml")], {}).clusters
    assert sorted((e.service, e.type) for e in cluster.network.endpoints) == [
        ("ec2", "Interface"), ("ecr.api", "Interface"), ("ecr.dkr", "Interface"), ("s3", "Gateway")]


def test_shared_security_groups_are_linked_across_clusters() -> None:
    blue = Cluster("blue", "cloudformation", Origin("a.yaml", 1), control_plane_security_group_ids=["sg-1", "sg-2"])
    green = Cluster("green", "terraform", Origin("b.tf", 1), control_plane_security_group_ids=["sg-1"])
    red = Cluster("red", "terraform", Origin("c.tf", 1))
    link_shared_security_groups([blue, green, red])
    assert blue.security_group_peers == {"sg-1": ["green"]}
    assert green.security_group_peers == {"sg-1": ["blue"]}
    assert red.security_group_peers == {}
