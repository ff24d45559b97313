"""Derived network facts shared by every source (static and live).

A subnet is public when its route table (explicit association, else the VPC's main table)
routes 0.0.0.0/0 or ::/0 to an internet gateway (AWS "View Amazon EKS networking requirements",
eks-domain.md §2 `AWS::EC2::Subnet`). `MapPublicIpOnLaunch` alone also puts nodes on the internet.

Security groups (eks-domain.md §5, article 004): the cluster SG that EKS creates sits on the
control-plane ENIs, on Fargate pods, and on managed nodes unless their launch template lists
security groups; additional SGs (`SecurityGroupIds`) sit only on the control-plane ENIs; node SGs
sit only on the nodes that list them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from eksguard.model import (
    Cluster,
    Network,
    NodeGroup,
    Origin,
    Provenance,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Text,
    Value,
    declared,
    unknown,
)

DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")
OPEN_CIDRS = DEFAULT_ROUTES
# route targets that reach the internet from a private subnet (NAT) or make it public (IGW)
EGRESS_TARGETS = ("igw", "nat")
# targets that may or may not lead to the internet (central egress VPC, proxy instance, VPN)
MAYBE_EGRESS_TARGETS = ("tgw", "instance", "other", "unknown")


def route_table_of(network: Network, subnet_id: str) -> RouteTable | None:
    """The subnet's explicitly associated route table, else its VPC's main route table."""
    subnet = network.subnets.get(subnet_id)
    if subnet is not None and subnet.route_table_id:
        return network.route_tables.get(subnet.route_table_id)
    vpc_id = subnet.vpc_id if subnet is not None else None
    mains = [t for t in network.route_tables.values() if t.main and (vpc_id is None or t.vpc_id in (vpc_id, None))]
    if len(mains) > 1 and vpc_id is not None:
        mains = [t for t in mains if t.vpc_id == vpc_id]
    return mains[0] if len(mains) == 1 else None


def default_routes(table: RouteTable) -> list[Route]:
    return [r for r in table.routes if r.destination in DEFAULT_ROUTES]


def _table_words(table: RouteTable, subnet_id: str, network: Network) -> tuple[str, str]:
    subnet = network.subnets.get(subnet_id)
    if subnet is not None and subnet.route_table_id:
        return f"route table {table.id}", f"ルートテーブル {table.id}"
    return f"the VPC's main route table {table.id}", f"VPC のメインルートテーブル {table.id}"


def subnet_is_public(network: Network, subnet_id: str, referenced_at: Origin | None = None) -> Value[bool]:
    """Whether the subnet is public; one not described here is unknown at `referenced_at` (where its id is
    written), else at the VPC."""
    subnet = network.subnets.get(subnet_id)
    if subnet is None:
        return unknown(referenced_at or _network_origin(network), Text(f"subnet {subnet_id} is not described here",
                                                     f"サブネット {subnet_id} はここに記述されていません"))
    if subnet.declared_public is not None:
        return subnet.declared_public
    table = route_table_of(network, subnet_id)
    public_ip = subnet.map_public_ip_on_launch
    if table is None:
        if public_ip is not None and public_ip.value:
            return Value(True, Provenance.DECLARED, public_ip.origin, note=Text(
                f"subnet {subnet_id} assigns public IPs at launch",
                f"サブネット {subnet_id} は起動時にパブリック IP を割り当てます"))
        return unknown(subnet.origin, Text(f"the route table of subnet {subnet_id} is not known",
                                           f"サブネット {subnet_id} のルートテーブルが不明です"))
    to_igw = [r for r in default_routes(table) if r.target_kind == "igw"]
    origin = table.origin or subnet.origin
    if to_igw:
        route = to_igw[0]
        en, ja = _table_words(table, subnet_id, network)
        return Value(True, Provenance.DECLARED, route.origin or origin, note=Text(
            f"subnet {subnet_id} uses {en}, which routes {route.destination} to internet gateway {route.target}",
            f"サブネット {subnet_id} は{ja}を使い、{route.destination} をインターネットゲートウェイ {route.target} に向けています"))
    if subnet.map_public_ip_on_launch is not None and subnet.map_public_ip_on_launch.value:
        return Value(True, Provenance.DECLARED, subnet.map_public_ip_on_launch.origin, note=Text(
            f"subnet {subnet_id} assigns public IPs at launch", f"サブネット {subnet_id} は起動時にパブリック IP を割り当てます"))
    if any(r.target_kind == "unknown" for r in default_routes(table)):
        return unknown(origin, Text(f"the default route of subnet {subnet_id} has an unknown target",
                                    f"サブネット {subnet_id} のデフォルトルートの宛先が不明です"))
    if table.origin is None:  # an implicit main route table: only the local route (EC2 CreateVpc)
        return Value(False, Provenance.DEFAULTED, origin, default_by="EC2", note=Text(
            f"subnet {subnet_id} has no route table association; the VPC's main route table holds only the "
            "local route", f"サブネット {subnet_id} にはルートテーブルの関連付けがなく、VPC のメインルートテーブルには"
            "ローカルルートしかありません"))
    return Value(False, Provenance.DECLARED, origin)


def subnet_internet_egress(network: Network, subnet_id: str) -> Value[bool]:
    """Whether instances in the subnet reach the internet (a default route to a NAT or internet gateway).

    A default route to a transit gateway, an instance or an unknown target may lead to a central
    egress or a proxy: unknown.
    """
    subnet = network.subnets.get(subnet_id)
    table = route_table_of(network, subnet_id)
    if subnet is None or table is None:
        where = subnet.origin if subnet is not None else _network_origin(network)
        return unknown(where, Text(f"the routes of subnet {subnet_id} are not known",
                                   f"サブネット {subnet_id} のルートが不明です"))
    routes = default_routes(table)
    origin = table.origin or subnet.origin
    en, ja = _table_words(table, subnet_id, network)
    for route in routes:
        if route.target_kind in EGRESS_TARGETS:
            what = "a NAT gateway" if route.target_kind == "nat" else "an internet gateway"
            what_ja = "NAT ゲートウェイ" if route.target_kind == "nat" else "インターネットゲートウェイ"
            return Value(True, Provenance.DECLARED, route.origin or origin, note=Text(
                f"subnet {subnet_id} uses {en}, which routes {route.destination} to {what} ({route.target})",
                f"サブネット {subnet_id} は{ja}を使い、{route.destination} を{what_ja}（{route.target}）に向けています"))
    maybe = [r for r in routes if r.target_kind in MAYBE_EGRESS_TARGETS]
    if maybe:
        return unknown(maybe[0].origin or origin, Text(
            f"subnet {subnet_id} routes {maybe[0].destination} to {maybe[0].target or 'an unknown target'} "
            f"({maybe[0].target_kind}); whether that reaches the internet is not known here",
            f"サブネット {subnet_id} は {maybe[0].destination} を {maybe[0].target or '不明な宛先'}（{maybe[0].target_kind}）に"
            "向けており、インターネットに出られるかはここでは分かりません"))
    return Value(False, Provenance.DECLARED if table.origin is not None else Provenance.DEFAULTED, origin,
                 default_by=None if table.origin is not None else "EC2", note=Text(
                     f"subnet {subnet_id} uses {en}, which has no route to a NAT or internet gateway",
                     f"サブネット {subnet_id} は{ja}を使っており、NAT やインターネットゲートウェイへのルートがありません"))


def _network_origin(network: Network) -> Origin:
    return network.vpc.origin if network.vpc else Origin("")


def sg_name(sg: SecurityGroup | None, sg_id: str) -> str:
    """The SG's name, with its id when the id says something more (a literal id or a logical name)."""
    if sg is None or not sg.name or sg.name == sg_id:
        return sg_id
    if sg.managed_by and sg.managed_by.startswith("EKS"):
        return sg.name
    return f"{sg.name} ({sg_id})"


def node_group_public(cluster: Cluster, group: NodeGroup) -> Value[bool]:
    """Whether the group's nodes land in public subnets: as declared, else from its subnets' routes."""
    if group.public_subnets is not None:
        return group.public_subnets
    if not group.subnet_ids:
        return unknown(group.origin, Text("the node group's subnets are not known",
                                          "ノードグループのサブネットが不明です"))
    return subnets_public(cluster.network, group.subnet_ids, None, group.subnets_origin or group.origin)


def subnets_public(network: Network, subnet_ids: Iterable[str], origin: Origin | None,
                   referenced_at: Origin | None = None) -> Value[bool]:
    """Whether any of `subnet_ids` is public (the first public one's reason), unknown if any is unknown.
    A "no" is located at `origin`, or (None) at the first subnet's verdict; a subnet not described here at
    `referenced_at` (where the ids are written), else `origin`."""
    verdicts = [subnet_is_public(network, subnet_id, referenced_at or origin) for subnet_id in subnet_ids]
    if not verdicts:
        return unknown(origin or _network_origin(network), Text("the subnets are not known", "サブネットが不明です"))
    public = [v for v in verdicts if v.value]
    if public:
        return public[0]
    unknowns = [v for v in verdicts if not v.known]
    if unknowns:
        return unknowns[0]
    return declared(False, origin or verdicts[0].origin)


def node_subnet_ids(cluster: Cluster) -> list[str]:
    """Where pods and nodes run: node group and Fargate subnets, else the cluster's own subnets."""
    ids: list[str] = []
    for group in cluster.node_groups:
        ids.extend(s for s in group.subnet_ids if s not in ids)
    for profile in cluster.fargate_profiles:
        ids.extend(s for s in profile.subnet_ids if s not in ids)
    if not ids:
        ids = list(cluster.control_plane_subnet_ids)
    return ids


def nodes_internet_egress(cluster: Cluster) -> Value[bool]:
    """Whether the cluster's nodes reach the internet (NAT/IGW route, or a declared proxy).

    From the node subnets' route tables when they are described: false as soon as one node
    subnet has no way out (those nodes need VPC endpoints). Otherwise from what the source says
    about gateways (eksctl builds a NAT gateway and an internet gateway unless the cluster is private).
    """
    network = cluster.network
    origin = network.vpc.origin if network.vpc else cluster.origin
    private = cluster.private_cluster
    if private is not None and private.known and private.value:
        return Value(False, private.provenance, private.origin, private.default_by, private.note)
    if network.proxy_declared:
        return declared(True, origin)
    subnet_ids = [s for s in node_subnet_ids(cluster) if s in network.subnets]
    if subnet_ids and network.route_tables:
        verdicts = [subnet_internet_egress(network, s) for s in subnet_ids]
        without = [v for v in verdicts if v.known and not v.value]
        if without:
            return without[0]
        unknowns = [v for v in verdicts if not v.known]
        if unknowns:
            return unknowns[0]
        return verdicts[0]
    if network.nat_gateways or network.internet_gateways:
        return declared(True, origin)
    if network.vpc is None:
        return unknown(cluster.origin, Text("the VPC is not described here", "VPC がここに記述されていません"))
    if network.route_tables:
        return unknown(origin, Text("the node subnets are not described here",
                                    "ノードのサブネットがここに記述されていません"))
    if network.undescribed is not None:
        return unknown(origin, network.undescribed)
    return declared(False, origin)


def cluster_vpc_id(cluster: Cluster) -> str | None:
    network = cluster.network
    if network.vpc is not None:
        return network.vpc.id
    for subnet_id in cluster.control_plane_subnet_ids:
        subnet = network.subnets.get(subnet_id)
        if subnet is not None and subnet.vpc_id:
            return subnet.vpc_id
    return None


# --- Security groups ---------------------------------------------------------------------

CLUSTER_SG_NOTE = Text(
    "EKS creates the cluster security group: inbound all traffic from itself, outbound all (eks-domain.md §5)",
    "クラスターセキュリティグループは EKS が作成します: 自身からのインバウンドをすべて許可し、アウトバウンドもすべて許可します（eks-domain.md §5）",
)


def cluster_sg_id(cluster: Cluster) -> str:
    return cluster.cluster_security_group_id or f"eks-cluster-sg-{cluster.name}"


def cluster_security_group(cluster: Cluster) -> SecurityGroup:
    """The cluster SG as described (live), else as EKS creates it (eks-domain.md §5: inbound all from
    itself, outbound all to 0.0.0.0/0)."""
    sg_id = cluster_sg_id(cluster)
    described = cluster.network.security_groups.get(sg_id)
    if described is not None:
        return described
    return SecurityGroup(sg_id, cluster.origin, name=f"eks-cluster-sg-{cluster.name}", managed_by="EKS", rules=[
        SecurityGroupRule("ingress", "-1", None, None, source_group=sg_id,
                          description="EKS default: all traffic from the cluster security group itself"),
        SecurityGroupRule("egress", "-1", None, None, cidr="0.0.0.0/0", description="EKS default: all outbound"),
    ])


def security_group(cluster: Cluster, sg_id: str) -> SecurityGroup | None:
    if sg_id == cluster_sg_id(cluster):
        return cluster_security_group(cluster)
    return cluster.network.security_groups.get(sg_id)


@dataclass(slots=True)
class Placement:
    """One place that holds ENIs (control plane, a node group, a Fargate profile) and the SGs on them."""

    id: str  # "control-plane", "nodegroup/<name>", "fargate/<name>"
    label: str
    kind: str  # "control-plane" | "nodegroup" | "fargate"
    security_groups: list[tuple[str, str]] = field(default_factory=list)  # (sg id, role)
    origin: Origin | None = None

    @property
    def sg_ids(self) -> list[str]:
        return [sg_id for sg_id, _ in self.security_groups]


def security_group_placement(cluster: Cluster) -> list[Placement]:
    """Which SG lands on which ENI (article 004; eks-domain.md §5).

    Roles: "cluster" (the SG EKS creates), "additional" (control-plane SGs you pass), "node" (SGs of a
    launch template or node group), "remote-access" (the SG EKS creates for MNG SSH without source SGs).
    """
    cluster_sg = cluster_sg_id(cluster)
    control = Placement("control-plane", "control-plane ENIs", "control-plane", [(cluster_sg, "cluster")],
                        cluster.origin)
    for sg_id in cluster.control_plane_security_group_ids:
        if sg_id != cluster_sg and sg_id not in control.sg_ids:
            control.security_groups.append((sg_id, "additional"))
    places = [control]
    for group in cluster.node_groups:
        place = Placement(f"nodegroup/{group.name}", f"node group {group.name} ({group.kind})", "nodegroup",
                          origin=group.origin)
        # EKS adds the cluster SG to managed nodes only (and not when their launch template lists SGs)
        if group.attaches_cluster_sg and group.kind == "managed":
            place.security_groups.append((cluster_sg, "cluster"))
        for sg_id in group.security_group_ids:
            if sg_id in place.sg_ids:
                continue
            sg = cluster.network.security_groups.get(sg_id)
            if sg_id == cluster_sg:
                role = "cluster"
            elif sg is not None and sg.managed_by == "EKS-remote-access":
                role = "remote-access"
            else:
                role = "node"
            place.security_groups.append((sg_id, role))
        places.append(place)
    for profile in cluster.fargate_profiles:
        # eks-domain.md §5 / article 004: Fargate pods get the cluster SG
        places.append(Placement(f"fargate/{profile.name}", f"Fargate pods (profile {profile.name})", "fargate",
                                [(cluster_sg, "cluster")], profile.origin))
    return places


def rule_ports(rule: SecurityGroupRule) -> str:
    protocol = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp"}.get(rule.protocol, rule.protocol)
    if protocol == "all":
        return "all traffic"
    if rule.from_port is None and rule.unknown is not None:
        return f"{protocol} ports not known before apply"
    if rule.from_port is None or (rule.from_port in (0, -1) and rule.to_port in (65535, -1, None)):
        return f"{protocol} all ports"
    if rule.from_port == rule.to_port or rule.to_port is None:
        return f"{protocol} {rule.from_port}"
    return f"{protocol} {rule.from_port}-{rule.to_port}"


def rule_covers_port(rule: SecurityGroupRule, port: int, protocol: str = "tcp") -> bool:
    proto = {"6": "tcp", "17": "udp"}.get(rule.protocol, rule.protocol)
    if proto in ("-1", "all"):
        return True
    if proto != protocol:
        return False
    low = rule.from_port if rule.from_port is not None else 0
    high = rule.to_port if rule.to_port is not None else low
    if low == -1:
        return True
    return low <= port <= high


def open_ingress_rules(sg: SecurityGroup) -> list[SecurityGroupRule]:
    return [r for r in sg.rules if r.direction == "ingress" and r.cidr in OPEN_CIDRS]


SSH_PORT, RDP_PORT = 22, 3389


def link_remote_access(cluster: Cluster) -> None:
    """For node groups with an SSH key: the internet CIDRs their security groups open SSH (RDP on
    Windows) to, or a rule for that port whose peer is not known before apply."""
    for group in cluster.node_groups:
        if group.remote_access_cidrs or group.ssh is None or not group.ssh.enabled.value:
            continue
        port = RDP_PORT if group.ssh.windows else SSH_PORT
        for sg_id in group.security_group_ids:
            sg = cluster.network.security_groups.get(sg_id)
            if sg is None:
                continue
            for rule in sg.rules:
                if rule.direction != "ingress" or not rule_covers_port(rule, port):
                    continue
                if rule.cidr in OPEN_CIDRS:
                    if rule.cidr not in group.remote_access_cidrs:
                        group.remote_access_cidrs.append(rule.cidr)
                    group.remote_access_origin = group.remote_access_origin or rule.origin
                elif rule.unknown is not None and not (rule.cidr or rule.source_group) \
                        and group.remote_access_unknown is None:
                    group.remote_access_unknown = unknown(rule.origin or sg.origin, rule.unknown)


def unknown_ingress_peers(sg: SecurityGroup) -> list[SecurityGroupRule]:
    """Ingress rules whose peer is not known before apply: each could be open to the internet."""
    return [r for r in sg.rules if r.direction == "ingress" and r.unknown is not None
            and r.cidr is None and r.source_group is None]


def security_group_key(cluster: Cluster, sg_id: str) -> str:
    """An id for `sg_id` that is the same across clusters only when it is the same SG: a literal
    `sg-...` id, else the file that defines it and the name it has there."""
    sg = cluster.network.security_groups.get(sg_id)
    if sg is not None and sg.origin.path and not sg_id.startswith("sg-"):
        return f"{sg.origin.path}#{sg_id}"
    return sg_id


def link_shared_security_groups(clusters: Iterable[Cluster]) -> None:
    """Fill `Cluster.security_group_peers`: for each control-plane (additional) SG, the other clusters
    that use it too (article 001: a dedicated SG per cluster). Run once over the whole estate."""
    users: dict[str, list[Cluster]] = {}
    chosen = list(clusters)
    for cluster in chosen:
        for sg_id in dict.fromkeys(cluster.control_plane_security_group_ids):
            users.setdefault(security_group_key(cluster, sg_id), []).append(cluster)
    for cluster in chosen:
        peers: dict[str, list[str]] = {}
        for sg_id in dict.fromkeys(cluster.control_plane_security_group_ids):
            others = [c.name for c in users.get(security_group_key(cluster, sg_id), []) if c is not cluster]
            if others:
                peers[sg_id] = others
        cluster.security_group_peers = peers


def cidr_source_label(cidr: str) -> str:
    return "internet" if cidr in OPEN_CIDRS else cidr


def defaulted_egress_rule(origin: Origin | None, tool: str) -> SecurityGroupRule:
    """EC2 adds an allow-all egress rule to a new VPC security group (CloudFormation keeps it when no
    egress rule is given: AWS::EC2::SecurityGroup `SecurityGroupEgress` reference page)."""
    return SecurityGroupRule("egress", "-1", None, None, cidr="0.0.0.0/0",
                             description=f"default allow-all egress ({tool})", origin=origin)

