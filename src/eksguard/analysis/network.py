"""Derived network facts shared by every source (static and live).

A subnet is public when its route table (explicit association, else the VPC's main table)
routes 0.0.0.0/0 or ::/0 to an internet gateway (AWS "View Amazon EKS networking requirements",
eks-domain.md §2 `AWS::EC2::Subnet`). `MapPublicIpOnLaunch` alone also puts nodes on the internet.
"""

from __future__ import annotations

from eksguard.model import (
    Cluster,
    Network,
    NodeGroup,
    Origin,
    Provenance,
    RouteTable,
    Text,
    Value,
    declared,
    unknown,
)

DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")


def route_table_of(network: Network, subnet_id: str) -> RouteTable | None:
    subnet = network.subnets.get(subnet_id)
    if subnet is not None and subnet.route_table_id:
        return network.route_tables.get(subnet.route_table_id)
    vpc_id = subnet.vpc_id if subnet is not None else None
    mains = [t for t in network.route_tables.values() if t.main and (vpc_id is None or t.vpc_id in (vpc_id, None))]
    return mains[0] if len(mains) == 1 else None


def subnet_is_public(network: Network, subnet_id: str) -> Value[bool]:
    subnet = network.subnets.get(subnet_id)
    if subnet is None:
        return unknown(_network_origin(network), Text(f"subnet {subnet_id} is not described here",
                                                     f"サブネット {subnet_id} はここに記述されていません"))
    if subnet.declared_public is not None:
        return subnet.declared_public
    table = route_table_of(network, subnet_id)
    if table is None:
        return unknown(subnet.origin, Text(f"the route table of subnet {subnet_id} is not known",
                                           f"サブネット {subnet_id} のルートテーブルが不明です"))
    to_igw = [r for r in table.routes if r.destination in DEFAULT_ROUTES and r.target_kind == "igw"]
    origin = table.origin or subnet.origin
    if to_igw:
        return Value(True, Provenance.DECLARED, origin, note=Text(
            f"subnet {subnet_id} routes {to_igw[0].destination} to internet gateway {to_igw[0].target}",
            f"サブネット {subnet_id} は {to_igw[0].destination} をインターネットゲートウェイ {to_igw[0].target} に向けています"))
    if subnet.map_public_ip_on_launch is not None and subnet.map_public_ip_on_launch.value:
        return Value(True, Provenance.DECLARED, subnet.map_public_ip_on_launch.origin, note=Text(
            f"subnet {subnet_id} assigns public IPs at launch", f"サブネット {subnet_id} は起動時にパブリック IP を割り当てます"))
    if any(r.target_kind == "unknown" and r.destination in DEFAULT_ROUTES for r in table.routes):
        return unknown(origin, Text(f"the default route of subnet {subnet_id} has an unknown target",
                                    f"サブネット {subnet_id} のデフォルトルートの宛先が不明です"))
    return Value(False, Provenance.DECLARED, origin)


def _network_origin(network: Network) -> Origin:
    return network.vpc.origin if network.vpc else Origin("")


def node_group_public(cluster: Cluster, group: NodeGroup) -> Value[bool]:
    """Whether the group's nodes land in public subnets: as declared, else from its subnets' routes."""
    if group.public_subnets is not None:
        return group.public_subnets
    if not group.subnet_ids:
        return unknown(group.origin, Text("the node group's subnets are not known",
                                          "ノードグループのサブネットが不明です"))
    verdicts = [subnet_is_public(cluster.network, subnet_id) for subnet_id in group.subnet_ids]
    public = [v for v in verdicts if v.value]
    if public:
        return public[0]
    unknowns = [v for v in verdicts if not v.known]
    if unknowns:
        return unknowns[0]
    return declared(False, verdicts[0].origin)
