"""2xx: network placement, VPC endpoints, security groups, pod capacity."""

from __future__ import annotations

from collections.abc import Iterator

from eksguard.analysis import maxpods
from eksguard.analysis.network import (
    cluster_sg_id,
    node_group_public,
    nodes_internet_egress,
    open_ingress_rules,
    rule_ports,
    security_group,
    security_group_placement,
    sg_name,
    subnet_is_public,
    unknown_ingress_peers,
)
from eksguard.findings import Result, fail, not_applicable, passed, unknown_result
from eksguard.model import EKS_API, Cluster, NodeGroup, Text, Value, declared, defaulted
from eksguard.rules import RuleContext, rule
from eksguard.rules.common import node_groups_elsewhere, on_outposts, unknown_value

OPEN_CIDRS = ("0.0.0.0/0", "::/0")


def node_group_target(cluster: Cluster, group: NodeGroup) -> str:
    noun = "nodeclass" if group.kind == "karpenter" else "nodegroup"
    return f"{cluster.target}/{noun}/{group.name}"


@rule(
    id="EKS201", slug="nodes-in-public-subnets", severity="high",
    title=Text("Worker nodes run in public subnets", "ワーカーノードがパブリックサブネットで動いています"),
    risk=Text("Nodes get public IPs and talk to the internet directly; any open port or SSH key becomes reachable "
              "from anywhere (this is what set off the alert in article 000).",
              "ノードにパブリック IP が付き、インターネットと直接通信します。開いたポートや SSH がどこからでも到達可能になります。"),
    fix=Text("Put the nodes in private subnets behind a NAT gateway: `privateNetworking: true` on the node group "
             "(eksctl; `--node-private-networking` on the command line), or private subnet ids whose route table "
             "sends 0.0.0.0/0 to a NAT gateway (CloudFormation/Terraform). Existing node groups: create a private "
             "node group, move workloads, delete the public one.",
             "ノードを NAT ゲートウェイの背後のプライベートサブネットに置いてください: eksctl ではノードグループに "
             "`privateNetworking: true`（コマンドラインでは `--node-private-networking`）、CloudFormation/Terraform では "
             "0.0.0.0/0 を NAT ゲートウェイへ向けるルートテーブルのサブネットを指定します。既存のノードグループは、プライベートな"
             "ノードグループを作ってワークロードを移してから、パブリックの方を削除します。"),
    dont=Text("Do not delete the NAT gateway or Elastic IPs in a panic: private nodes need the NAT gateway for "
              "egress, and deleting EIPs can lock you out of your own workstation.",
              "慌てて NAT ゲートウェイや Elastic IP を削除しないでください。プライベートノードの外向き通信には NAT ゲートウェイが"
              "必要で、EIP を消すと自分の作業環境に入れなくなることがあります。"),
    references=("eks-domain.md §1.3.2 (eksctl vpc_ipv4.go, pkg/vpc/vpc.go)",
                "https://eksctl.io/usage/vpc-networking/"),
)
def nodes_in_public_subnets(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    yield from node_groups_elsewhere(cluster, read=bool(cluster.node_groups))
    for group in cluster.node_groups:
        target = node_group_target(cluster, group)
        public = node_group_public(cluster, group)
        if not public.known:
            yield unknown_value(cluster, public, target)
        elif public.value:
            # found from the subnets: located where the group names them (the line to change, and where an
            # inline suppression goes); the note says which subnet is public and why
            where = group.subnets_origin if group.public_subnets is None else None
            yield fail(target, public, Text(f"Node group `{group.name}` runs in public subnets.",
                                            f"ノードグループ `{group.name}` がパブリックサブネットで動いています。"),
                       observed="public subnets", origin=where)
        else:
            yield passed(target, public.origin)


@rule(
    id="EKS202", slug="cluster-subnets-single-az", severity="medium",
    title=Text("Cluster subnets cover fewer than two Availability Zones",
               "クラスターのサブネットが 2 つ未満のアベイラビリティーゾーンにしかありません"),
    risk=Text("EKS requires subnets in at least two AZs; one AZ outage takes the cluster's network with it.",
              "EKS は 2 つ以上の AZ のサブネットを必要とします。1 つの AZ の障害でクラスターのネットワークが失われます。"),
    fix=Text("List subnets (or `availabilityZones`) in at least two Availability Zones.",
             "少なくとも 2 つのアベイラビリティーゾーンのサブネット（または `availabilityZones`）を指定してください。"),
    references=("eks-domain.md §4 (D3 network-reqs)",),
)
def cluster_subnets_single_az(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    zones = cluster.cluster_subnet_azs
    # eksctl userdocs usage/outposts.md: an Outposts rack is in one AZ and eksctl creates its subnets there;
    # the control plane's redundancy is its instances on the Outpost, so a second AZ is not the user's choice
    outposts = on_outposts(cluster, Text("the Outpost is in one Availability Zone, where eksctl creates the subnets",
                                         "Outpost は 1 つのアベイラビリティーゾーンにあり、eksctl はそこにサブネットを作ります"))
    if outposts is not None:
        yield outposts
    elif zones is None:
        yield not_applicable(cluster.target)
    elif not zones.known:
        yield unknown_value(cluster, zones)
    elif len(set(zones.value or [])) >= 2:
        yield passed(cluster.target, zones.origin)
    else:
        yield fail(cluster.target, zones, Text(f"Cluster subnets are in {len(set(zones.value or []))} AZ(s).",
                                               f"クラスターのサブネットが {len(set(zones.value or []))} つの AZ にしかありません。"),
                   observed=f"availability zones={zones.value}")


# eks-domain.md §4 (D1 private-clusters.adoc): endpoints a cluster without internet egress needs.
BASE_ENDPOINTS = (("ec2", "the nodes (EC2 API)", "ノード（EC2 API）"),
                  ("ecr.api", "pulling images from ECR", "ECR からのイメージ取得"),
                  ("ecr.dkr", "pulling images from ECR", "ECR からのイメージ取得"),
                  ("s3", "ECR image layers (gateway endpoint)", "ECR イメージレイヤー（ゲートウェイエンドポイント）"))


def required_endpoints(cluster: Cluster) -> list[tuple[str, str, str]]:
    """(service, feature that needs it in English, in Japanese) for this cluster's features."""
    needed = list(BASE_ENDPOINTS)
    if cluster.irsa_enabled is not None and cluster.irsa_enabled.value:
        needed.append(("sts", "IRSA (IAM roles for service accounts)", "IRSA（サービスアカウントの IAM ロール）"))
    if cluster.pod_identity_enabled is not None and cluster.pod_identity_enabled.value:
        needed.append(("eks-auth", "EKS Pod Identity", "EKS Pod Identity"))
    if cluster.uses_cloudwatch_logging:
        needed.append(("logs", "CloudWatch logging", "CloudWatch へのログ送信"))
    if cluster.load_balancer_controller:
        needed.append(("elasticloadbalancing", "AWS Load Balancer Controller", "AWS Load Balancer Controller"))
    if cluster.cluster_autoscaler:
        needed.append(("autoscaling", "Cluster Autoscaler", "Cluster Autoscaler"))
    return needed


@rule(
    id="EKS204", slug="private-cluster-missing-vpc-endpoints", severity="high",
    title=Text("Private cluster lacks VPC endpoints it needs", "プライベートクラスターに必要な VPC エンドポイントがありません"),
    risk=Text("Nodes without internet egress cannot join, pull images or get credentials when an endpoint is "
              "missing: the cluster fails in ways that are hard to diagnose (article 001).",
              "インターネットへの出口がないノードは、エンドポイントが欠けているとクラスター参加・イメージ取得・認証情報の取得ができず、"
              "原因の分かりにくい障害になります（記事 001）。"),
    fix=Text("Create the missing interface endpoints (`com.amazonaws.REGION.SERVICE`, private DNS on) in the node "
             "subnets, and the s3 gateway endpoint on their route tables; with eksctl add them to "
             "`privateCluster.additionalEndpointServices` where supported.",
             "不足しているインターフェイスエンドポイント（`com.amazonaws.REGION.SERVICE`、プライベート DNS 有効）をノードのサブネットに、"
             "s3 ゲートウェイエンドポイントをそのルートテーブルに作成してください。eksctl では対応するものを "
             "`privateCluster.additionalEndpointServices` に追加します。"),
    dont=Text("Do not add a NAT gateway or internet gateway to a private cluster to work around a missing "
              "endpoint, and do not delete endpoints in use: create the missing interface endpoints instead.",
              "不足しているエンドポイントの代わりに、プライベートクラスターへ NAT ゲートウェイやインターネットゲートウェイ"
              "を追加しないでください。使用中のエンドポイントも削除せず、不足しているインターフェイスエンドポイントを作成してく"
              "ださい。"),
    references=("eks-domain.md §1.4, §4 (D1 private-clusters.adoc)",
                "https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html"),
)
def private_cluster_endpoints(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    if cluster.endpoint_private_access is None and cluster.private_cluster is None:
        yield not_applicable(cluster.target)  # no control-plane definition (e.g. manifests only)
        return
    if not cluster.node_groups and not cluster.fargate_profiles:
        yield from node_groups_elsewhere(cluster, read=False)  # nothing here pulls images or joins the cluster
        return
    network = cluster.network
    # from the node subnets' route tables when described (CloudFormation, Terraform, live), else from what
    # the source says about gateways (eksctl)
    egress = nodes_internet_egress(cluster)
    if not egress.known:
        why = egress.note or Text("the VPC is not described here", "VPC がここに記述されていません")
        yield unknown_result(cluster.target, egress, Text(
            f"Whether the nodes reach the internet is not known: {why.en}.",
            f"ノードがインターネットに出られるか不明です: {why.ja}。"), origin=egress.origin)
        return
    if egress.value:
        yield passed(cluster.target, egress.origin)
        return
    if not network.endpoints_known:
        yield unknown_result(cluster.target, None, Text(
            "The cluster has no internet egress and its VPC endpoints are not described here.",
            "クラスターにインターネットへの出口がなく、VPC エンドポイントがここに記述されていません。"), origin=cluster.origin)
        return
    present = {endpoint.service for endpoint in network.endpoints}
    missing = [(service, en, ja) for service, en, ja in required_endpoints(cluster) if service not in present]
    if not missing:
        yield passed(cluster.target, cluster.origin)
        return
    names = ", ".join(service for service, _, _ in missing)
    if network.endpoints_unknown is not None:  # a missing one may be among those not known here
        why = network.endpoints_unknown
        yield unknown_result(cluster.target, None, Text(
            f"The cluster has no internet egress; endpoints {names} are not found, but some endpoints are not "
            f"known before Terraform runs: {why.en}.",
            f"クラスターにインターネットへの出口がありません。エンドポイント {names} が見つかりませんが、"
            f"Terraform の実行前には不明なエンドポイントがあります: {why.ja}。"), origin=cluster.origin)
        return
    private = cluster.private_cluster is not None and bool(cluster.private_cluster.value)
    where = cluster.private_cluster.origin if private and cluster.private_cluster else (
        network.vpc.origin if network.vpc else egress.origin)
    yield fail(cluster.target, cluster.private_cluster if private else egress, Text(
        "Missing VPC endpoints: " + "; ".join(f"{s} (needed for {en})" for s, en, _ in missing) + ".",
        "不足している VPC エンドポイント: " + "、".join(f"{s}（{ja}に必要）" for s, _, ja in missing) + "。"),
        observed=f"missing endpoints={names}", origin=where, missing=[s for s, _, _ in missing])


@rule(
    id="EKS208", slug="node-ssh-open-to-internet", severity="high",
    title=Text("SSH (or RDP) to nodes is open to the internet", "ノードへの SSH（または RDP）がインターネットに開いています"),
    risk=Text("Port 22 (3389 on Windows) accepts connections from 0.0.0.0/0 and ::/0; a leaked key or weak "
              "password gives a shell on a node and its IAM role.",
              "22 番ポート（Windows は 3389）が 0.0.0.0/0 と ::/0 から接続を受け付けます。鍵が漏れればノードとその IAM ロールを奪われます。"),
    fix=Text("Turn SSH off (`ssh.allow: false`; use SSM Session Manager instead), or restrict it with "
             "`ssh.sourceSecurityGroupIds` (eksctl) / `SourceSecurityGroups` (CloudFormation) / "
             "`source_security_group_ids` (Terraform).",
             "SSH を無効にする（`ssh.allow: false`。代わりに SSM Session Manager を使用）か、eksctl では "
             "`ssh.sourceSecurityGroupIds`、CloudFormation では `SourceSecurityGroups`、Terraform では "
             "`source_security_group_ids` で接続元を制限してください。"),
    dont=Text("Do not delete the node group or its security groups while workloads run on it: revoke the "
              "0.0.0.0/0 and ::/0 rules on port 22 (3389), then replace the node group without SSH and drain "
              "the old one.",
              "ワークロードが動いている間にノードグループやそのセキュリティグループを削除しないでください。22（3389）番ポ"
              "ートの 0.0.0.0/0 と ::/0 のルールを削除し、SSH なしのノードグループに置き換えてから古いもの"
              "をドレインします。"),
    references=("eks-domain.md §1.1, §1.3.3 (eksctl managed_launch_template.go makeSSHIngressRules; EKS RemoteAccessConfig)",),
)
def node_ssh_open(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    yield from node_groups_elsewhere(cluster, read=bool(cluster.node_groups))
    for group in cluster.node_groups:
        target = node_group_target(cluster, group)
        ssh = group.ssh
        port = "RDP" if ssh is not None and ssh.windows else "SSH"
        open_rule = [c for c in group.remote_access_cidrs if c in OPEN_CIDRS]
        if open_rule:
            # the open CIDR is the default for no source security groups: that is its provenance
            opened = ssh.source_security_groups if ssh and not ssh.source_security_groups.declared else \
                ssh.enabled if ssh else None
            yield fail(target, opened, Text(
                f"{port} to node group `{group.name}` is open to {', '.join(open_rule)}.",
                f"ノードグループ `{group.name}` への {port} が {', '.join(open_rule)} に開いています。"),
                observed=f"remote access from {open_rule}",
                origin=group.remote_access_origin or (None if ssh else group.origin))
            continue
        if ssh is None or not ssh.enabled.known:
            yield unknown_value(cluster, ssh.enabled if ssh else None, target) if ssh else not_applicable(target)
            continue
        if ssh.enabled.value and group.remote_access_unknown is not None:  # a peer not known before apply
            yield unknown_value(cluster, group.remote_access_unknown, target)
            continue
        public = node_group_public(cluster, group)
        if not ssh.enabled.value or ssh.source_security_groups.value:
            yield passed(target, ssh.enabled.origin)
        elif not public.known:
            yield unknown_value(cluster, public, target)
        elif public.value:
            yield fail(target, ssh.enabled, Text(
                f"{port} is enabled on public node group `{group.name}` with no source security groups: "
                "open to 0.0.0.0/0 and ::/0.",
                f"パブリックなノードグループ `{group.name}` で接続元セキュリティグループなしに {port} が有効です: "
                "0.0.0.0/0 と ::/0 に開いています。"),
                observed=f"ssh enabled ({ssh.enabled.describe_provenance()}), no sourceSecurityGroupIds")
        else:
            yield passed(target, ssh.enabled.origin)  # private nodes: eksctl opens SSH to the VPC CIDR only


@rule(
    id="EKS209", slug="control-plane-enis-in-public-subnets", severity="low",
    title=Text("Control-plane ENIs are placed in public subnets",
               "コントロールプレーンの ENI がパブリックサブネットに置かれます"),
    risk=Text("EKS puts its control-plane network interfaces in every subnet you pass; AWS recommends private "
              "subnets for them.",
              "EKS は渡されたすべてのサブネットにコントロールプレーンの ENI を置きます。AWS はプライベートサブネットを推奨しています。"),
    fix=Text("Set `vpc.controlPlaneOnPrivateSubnets: true` (eksctl) or pass only private subnets as the cluster's "
             "subnets (`vpc.controlPlaneSubnetIDs`, `ResourcesVpcConfig.SubnetIds`, `vpc_config.subnet_ids`).",
             "eksctl では `vpc.controlPlaneOnPrivateSubnets: true` を設定するか、クラスターのサブネット"
             "（`vpc.controlPlaneSubnetIDs`、`ResourcesVpcConfig.SubnetIds`、`vpc_config.subnet_ids`）にプライベートサブネットだけを渡してください。"),
    references=("eks-domain.md §1.1 (eksctl vpc_ipv4.go ControlPlaneSubnetRefs; D3)",),
)
def control_plane_public_subnets(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    public = cluster.control_plane_in_public_subnets
    if public is None:
        yield not_applicable(cluster.target)
    elif not public.known:
        yield unknown_value(cluster, public)
    elif public.value:
        yield fail(cluster.target, public, Text("Control-plane ENIs go into public subnets.",
                                                "コントロールプレーンの ENI がパブリックサブネットに置かれます。"),
                   observed="control-plane subnets include public")
    else:
        yield passed(cluster.target, public.origin)


def prefix_delegation(cluster: Cluster) -> bool:
    # on an IPv6 cluster the VPC CNI always assigns prefixes (EKS user guide cni-ipv6: "If you choose the IPv6
    # family when creating your cluster, the 1.10.1 version of the add-on defaults to this configuration")
    family = cluster.ip_family
    if family is not None and family.known and str(family.value).lower() == "ipv6":
        return True
    for addon in cluster.addons or []:
        if addon.name == "vpc-cni":
            env = addon.configuration.get("env")
            if isinstance(env, dict) and str(env.get("ENABLE_PREFIX_DELEGATION", "")).lower() == "true":
                return True
    return False


@rule(
    id="EKS210", slug="node-pod-capacity-low", severity="medium", severities=("medium", "info"),
    title=Text("Instance type limits pods per node", "インスタンスタイプがノードあたりの Pod 数を制限しています"),
    risk=Text("Each pod takes a secondary IP of the node's ENIs; past the instance type's limit new pods stay "
              "Pending (article 001).",
              "Pod はノードの ENI のセカンダリ IP を使うため、インスタンスタイプの上限を超えると新しい Pod が Pending のままになります（記事 001）。"),
    fix=Text("Choose a larger instance type, lower `maxPodsPerNode`, or enable prefix delegation on the vpc-cni addon "
             "(`ENABLE_PREFIX_DELEGATION: \"true\"`, Nitro instances).",
             "より大きいインスタンスタイプを選ぶか、`maxPodsPerNode` を下げるか、vpc-cni アドオンでプレフィックス委任"
             "（`ENABLE_PREFIX_DELEGATION: \"true\"`、Nitro インスタンス）を有効にしてください。"),
    references=("eks-domain.md §6 (amazon-eks-ami instance-info.jsonl; its older eni-max-pods.txt for the types "
                "the jsonl lacks, secondary IPs only; max-pods-calculator.sh)",),
)
def pod_capacity(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    yield from node_groups_elsewhere(cluster, read=bool(cluster.node_groups))
    prefix = prefix_delegation(cluster)
    floor = ctx.config.thresholds.max_pods_floor
    for group in cluster.node_groups:
        target = node_group_target(cluster, group)
        types = group.instance_types
        if types is None or not types.known or not types.value:
            yield unknown_value(cluster, types, target) if types is not None else not_applicable(target)
            continue
        # the vpc-cni addon's prefix delegation is for Linux nodes (Windows has a setting of its own)
        group_prefix = prefix and not group.windows
        capacities = {t: maxpods.max_pods(t, group_prefix, group.windows) for t in types.value}
        unknown_reasons: dict[Text, list[str]] = {}
        for instance_type, capacity in capacities.items():
            if capacity.unknown_reason is not None:
                unknown_reasons.setdefault(capacity.unknown_reason, []).append(instance_type)
        if unknown_reasons:
            yield unknown_result(target, types, Text(
                " ".join(f"Instance type {', '.join(names)}: {why.en}." for why, names in unknown_reasons.items()),
                "".join(f"インスタンスタイプ {', '.join(names)} は{why.ja}。" for why, names in unknown_reasons.items())))
            continue
        smallest_type = min(capacities, key=lambda t: capacities[t].pods or 0)
        smallest = capacities[smallest_type].pods or 0
        # the types instance-info.jsonl lacks take their number from the older table: say so; and that prefix
        # delegation does not apply to a type not built on the AWS Nitro System
        older = capacities[smallest_type].from_older_table
        xen = capacities[smallest_type].prefix_not_applicable
        asides = ([Text("from amazon-eks-ami's older eni-max-pods.txt", "amazon-eks-ami の旧 eni-max-pods.txt による")]
                  if older else [])
        if xen:
            asides.append(Text("prefix delegation does not apply: it is a Xen type, not built on the AWS Nitro System",
                               "Xen のインスタンスタイプで AWS Nitro System ではないため、プレフィックス委任は適用されません"))
        source = (Text(" (a Windows node: one ENI)", "（Windows ノード: ENI は 1 つ）") if group.windows
                  else Text(f" ({'; '.join(a.en for a in asides)})" if asides else "",
                            f"（{'。'.join(a.ja for a in asides)}）" if asides else ""))
        wanted = group.max_pods_per_node.value if group.max_pods_per_node is not None else None
        observed = (f"{smallest_type}: max {smallest} pods"
                    + (" (prefix delegation)" if group_prefix and not xen else "") + source.en)
        if wanted and wanted > smallest:
            yield fail(target, group.max_pods_per_node, Text(
                f"`maxPodsPerNode: {wanted}` but {smallest_type} holds at most {smallest} pods{source.en}.",
                f"`maxPodsPerNode: {wanted}` ですが、{smallest_type} の上限は {smallest} Pod です{source.ja}。"),
                observed=observed, severity="medium")
        elif smallest < floor:
            yield fail(target, types, Text(
                f"{smallest_type} holds at most {smallest} pods per node{source.en} (floor {floor}).",
                f"{smallest_type} はノードあたり最大 {smallest} Pod です{source.ja}（下限 {floor}）。"),
                observed=observed, severity="info")
        else:
            yield passed(target, types.origin)


@rule(
    id="EKS203", slug="vpc-dns-disabled", severity="high",
    title=Text("VPC DNS resolution or DNS hostnames are off", "VPC の DNS 解決または DNS ホスト名が無効です"),
    risk=Text("EKS needs both VPC DNS attributes: without them nodes cannot register with the cluster, and the "
              "private endpoint's name and the VPC endpoints' private DNS names do not resolve (article 001).",
              "EKS には VPC の DNS 属性が両方必要です。無効だとノードがクラスターに登録できず、プライベートエンドポイントや "
              "VPC エンドポイントのプライベート DNS 名も解決できません（記事 001）。"),
    fix=Text("Turn both on: `EnableDnsSupport: true` and `EnableDnsHostnames: true` (CloudFormation "
             "AWS::EC2::VPC), `enable_dns_support = true` and `enable_dns_hostnames = true` (Terraform aws_vpc or "
             "terraform-aws-modules/vpc). For an existing VPC: `aws ec2 modify-vpc-attribute --vpc-id VPC_ID "
             "--enable-dns-hostnames '{\"Value\":true}'` (and the same with `--enable-dns-support`).",
             "両方を有効にしてください: CloudFormation（AWS::EC2::VPC）では `EnableDnsSupport: true` と "
             "`EnableDnsHostnames: true`、Terraform（aws_vpc または terraform-aws-modules/vpc）では "
             "`enable_dns_support = true` と `enable_dns_hostnames = true`。既存の VPC では "
             "`aws ec2 modify-vpc-attribute --vpc-id VPC_ID --enable-dns-hostnames '{\"Value\":true}'`"
             "（`--enable-dns-support` も同様）を実行します。"),
    references=("eks-domain.md §2 (AWS::EC2::VPC), §3.1 (aws_vpc), §4 (D3 network-reqs, D4)",
                "https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html"),
)
def vpc_dns_disabled(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    vpc = cluster.network.vpc
    if vpc is None:
        elsewhere = [s for s in cluster.control_plane_subnet_ids if s not in cluster.network.subnets]
        if elsewhere:  # the cluster has a VPC, made outside this scan (as eksctl's `vpc.id` is unknown)
            yield unknown_result(cluster.target, None, Text(
                f"The VPC of subnet {elsewhere[0]} is not described here, so its DNS attributes are not known.",
                f"サブネット {elsewhere[0]} の VPC はここに記述されていないため、DNS 属性は不明です。"),
                origin=cluster.cluster_subnet_azs.origin if cluster.cluster_subnet_azs else cluster.origin)
        else:
            yield not_applicable(cluster.target)
        return
    attributes = [(name, value) for name, value in (
        (Text("DNS resolution (enableDnsSupport)", "DNS 解決（enableDnsSupport）"), vpc.dns_support),
        (Text("DNS hostnames (enableDnsHostnames)", "DNS ホスト名（enableDnsHostnames）"), vpc.dns_hostnames))
        if value is not None]
    off = [(name, value) for name, value in attributes if value.known and value.value is False]
    if off:
        names = " and ".join(name.en for name, _ in off)
        names_ja = "と".join(name.ja for name, _ in off)
        yield fail(cluster.target, off[0][1], Text(f"VPC {vpc.id} has {names} off.",
                                                   f"VPC {vpc.id} の{names_ja}が無効です。"),
                   observed="; ".join(f"{name.en}=false ({value.describe_provenance()})" for name, value in off))
        return
    unknowns = [value for _, value in attributes if not value.known]
    if unknowns:
        yield unknown_value(cluster, unknowns[0])
    elif attributes:
        yield passed(cluster.target, vpc.origin)
    else:
        yield not_applicable(cluster.target)


def cluster_subnets(cluster: Cluster) -> list[str]:
    """The described subnets the cluster uses: its own, its node groups' and its Fargate profiles'."""
    ids: list[str] = []
    for subnet_id in [*cluster.control_plane_subnet_ids,
                      *(s for g in cluster.node_groups for s in g.subnet_ids),
                      *(s for p in cluster.fargate_profiles for s in p.subnet_ids)]:
        if subnet_id in cluster.network.subnets and subnet_id not in ids:
            ids.append(subnet_id)
    return ids


ELB_TAG, INTERNAL_ELB_TAG = "kubernetes.io/role/elb", "kubernetes.io/role/internal-elb"


@rule(
    id="EKS205", slug="subnet-elb-role-tag-missing", severity="low",
    title=Text("Subnets lack the load balancer role tag", "サブネットにロードバランサー用のロールタグがありません"),
    risk=Text("The AWS Load Balancer Controller chooses subnets by these tags: without `kubernetes.io/role/elb=1` on "
              "public subnets and `kubernetes.io/role/internal-elb=1` on private ones, Services and Ingresses get no "
              "load balancer, or one in the wrong kind of subnet.",
              "AWS Load Balancer Controller はこれらのタグでサブネットを選びます。パブリックサブネットに "
              "`kubernetes.io/role/elb=1`、プライベートサブネットに `kubernetes.io/role/internal-elb=1` がないと、Service や "
              "Ingress にロードバランサーが作られないか、意図しない種類のサブネットに作られます。"),
    fix=Text("Tag public subnets `kubernetes.io/role/elb = 1` and private subnets `kubernetes.io/role/internal-elb = 1` "
             "(CloudFormation `Tags`; Terraform `tags`, or `public_subnet_tags`/`private_subnet_tags` of "
             "terraform-aws-modules/vpc). eksctl tags the subnets of the VPC it creates.",
             "パブリックサブネットに `kubernetes.io/role/elb = 1`、プライベートサブネットに "
             "`kubernetes.io/role/internal-elb = 1` のタグを付けてください（CloudFormation では `Tags`、Terraform では "
             "`tags` か terraform-aws-modules/vpc の `public_subnet_tags`/`private_subnet_tags`）。eksctl は自分で作る "
             "VPC のサブネットにタグを付けます。"),
    references=("eks-domain.md §4 (D3 network-reqs: load balancer tags)",
                "https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html"),
)
def subnet_elb_role_tag(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    subnets = cluster_subnets(cluster)
    if not subnets:
        yield not_applicable(cluster.target)
        return
    for subnet_id in subnets:
        subnet = cluster.network.subnets[subnet_id]
        target = f"{cluster.target}/subnet/{subnet_id}"
        public = subnet_is_public(cluster.network, subnet_id)
        if not public.known:
            yield unknown_value(cluster, public, target)
            continue
        tag = ELB_TAG if public.value else INTERNAL_ELB_TAG
        kind, kind_ja = ("public", "パブリック") if public.value else ("private", "プライベート")
        if subnet.tags.get(tag) in ("1", ""):
            yield passed(target, subnet.origin)
            continue
        tags: Value[dict[str, str]] = declared(dict(subnet.tags), subnet.origin)
        yield fail(target, tags, Text(f"{kind.capitalize()} subnet {subnet_id} has no `{tag}=1` tag.",
                                      f"{kind_ja}サブネット {subnet_id} に `{tag}=1` タグがありません。"),
                   observed=f"{kind} subnet, tags={sorted(subnet.tags)}")


@rule(
    id="EKS206", slug="security-group-shared-between-clusters", severity="medium",
    title=Text("A control-plane security group is shared with another cluster",
               "コントロールプレーンのセキュリティグループを別のクラスターと共有しています"),
    risk=Text("A rule opened for one cluster opens the other's control plane too, and nobody can tell which cluster "
              "a rule is for; article 001 gives every cluster its own security group.",
              "一方のクラスターのために開けたルールがもう一方のコントロールプレーンも開き、どのルールがどのクラスター用か分からなく"
              "なります。記事 001 ではクラスターごとに専用のセキュリティグループを用意しています。"),
    fix=Text("Create one security group per cluster and pass only it as the additional security group "
             "(`vpc.controlPlaneSecurityGroupIDs`, `ResourcesVpcConfig.SecurityGroupIds`, "
             "`vpc_config.security_group_ids` / `additional_security_group_ids`).",
             "クラスターごとにセキュリティグループを作り、それだけを追加のセキュリティグループとして指定してください"
             "（`vpc.controlPlaneSecurityGroupIDs`、`ResourcesVpcConfig.SecurityGroupIds`、"
             "`vpc_config.security_group_ids`／`additional_security_group_ids`）。"),
    references=("eks-domain.md §5 (D5 sec-group-reqs)", "article 001"),
)
def shared_security_group(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    peers = cluster.security_group_peers
    if not cluster.control_plane_security_group_ids or peers is None:
        yield not_applicable(cluster.target)
        return
    if not peers:
        yield passed(cluster.target, cluster.origin)
        return
    for sg_id, others in peers.items():
        sg = cluster.network.security_groups.get(sg_id)
        origin = sg.origin if sg is not None and sg.origin.path == cluster.origin.path else cluster.origin
        names = ", ".join(f"`{o}`" for o in others)
        yield fail(f"{cluster.target}/security-group/{sg_id}", declared(sg_id, origin), Text(
            f"Security group {sg_id} is also the control-plane security group of {names}.",
            f"セキュリティグループ {sg_id} は {names} のコントロールプレーンのセキュリティグループでもあります。"),
            observed=f"{sg_id} shared with {', '.join(others)}", clusters=others)


@rule(
    id="EKS207", slug="security-group-open-to-internet", severity="high",
    title=Text("A security group on the control plane or the nodes is open to the internet",
               "コントロールプレーンかノードのセキュリティグループがインターネットに開いています"),
    risk=Text("Every address on the internet can reach the listed ports on each ENI that carries the group; the "
              "cluster SG sits on the control-plane ENIs, on managed nodes without a node SG and on Fargate pods "
              "(article 004).",
              "インターネット上のすべてのアドレスから、このセキュリティグループが付いた ENI の該当ポートに到達できます。"
              "クラスター SG はコントロールプレーンの ENI、ノード SG のないマネージドノード、Fargate の Pod に付きます（記事 004）。"),
    fix=Text("Replace 0.0.0.0/0 and ::/0 with your own CIDRs or a source security group (`CidrIp`/"
             "`SourceSecurityGroupId` in CloudFormation, `cidr_blocks`/`source_security_group_id` in Terraform); reach "
             "nodes through SSM Session Manager instead of open SSH. `eksguard sg-map PATH` shows which ENIs the group "
             "is on.",
             "0.0.0.0/0 と ::/0 を自分の CIDR か接続元セキュリティグループに置き換えてください（CloudFormation では "
             "`CidrIp`/`SourceSecurityGroupId`、Terraform では `cidr_blocks`/`source_security_group_id`）。ノードには SSH を"
             "開けずに SSM Session Manager で接続します。どの ENI に付いているかは `eksguard sg-map PATH` で確認できます。"),
    dont=Text("Do not delete the cluster security group or its rule that allows traffic from itself: EKS re-creates "
              "that rule, and until then the nodes and the control plane cannot talk.",
              "クラスターセキュリティグループや、自身からの通信を許可するルールを削除しないでください。EKS はそのルールを作り直し"
              "ますが、それまでノードとコントロールプレーンが通信できなくなります。"),
    references=("eks-domain.md §5 (D5 sec-group-reqs)", "article 004"),
)
def security_group_open(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    where: dict[str, list[Text]] = {}
    for place in security_group_placement(cluster):
        name = place.id.split("/", 1)[-1]
        label = {"control-plane": Text("the control-plane ENIs", "コントロールプレーンの ENI"),
                 "nodegroup": Text(f"node group `{name}`", f"ノードグループ `{name}`"),
                 "fargate": Text(f"the Fargate pods of profile `{name}`", f"Fargate プロファイル `{name}` の Pod")}
        for sg_id in place.sg_ids:
            where.setdefault(sg_id, []).append(label[place.kind])
    default_cluster_sg = cluster_sg_id(cluster) not in cluster.network.security_groups
    described = [sg_id for sg_id in where if not (sg_id == cluster_sg_id(cluster) and default_cluster_sg)
                 and security_group(cluster, sg_id) is not None]
    if not described:
        yield not_applicable(cluster.target)  # the source does not describe the security groups (eksctl)
        return
    clean = True
    for sg_id in described:
        sg = security_group(cluster, sg_id)
        if sg is None:
            continue
        open_rules = open_ingress_rules(sg)
        if not open_rules:
            unknown_peers = unknown_ingress_peers(sg)
            if unknown_peers:  # not a pass: a peer not known before apply may be the internet
                clean = False
                notes = [r.unknown for r in unknown_peers if r.unknown is not None]
                yield unknown_result(f"{cluster.target}/security-group/{sg_id}", None, Text(
                    f"Whether security group {sg_name(sg, sg_id)} is open to the internet is not known: "
                    + "; ".join(dict.fromkeys(n.en for n in notes)) + ".",
                    f"セキュリティグループ {sg_name(sg, sg_id)} がインターネットに開いているかは不明です: "
                    + "、".join(dict.fromkeys(n.ja for n in notes)) + "。"),
                    origin=unknown_peers[0].origin or sg.origin)
            continue
        clean = False
        ports = ", ".join(f"{rule_ports(r)} from {r.cidr}" for r in open_rules)
        ports_ja = "、".join(f"{r.cidr} からの {rule_ports(r)}" for r in open_rules)
        places = ", ".join(t.en for t in where[sg_id])
        places_ja = "、".join(t.ja for t in where[sg_id])
        cidrs = sorted({str(r.cidr) for r in open_rules})
        origin = open_rules[0].origin or sg.origin
        value: Value[list[str]] = (defaulted(cidrs, EKS_API, origin) if sg.managed_by == "EKS-remote-access"
                                   else declared(cidrs, origin))
        yield fail(f"{cluster.target}/security-group/{sg_id}", value, Text(
            f"Security group {sg_name(sg, sg_id)} allows {ports}; it is on {places}.",
            f"セキュリティグループ {sg_name(sg, sg_id)} が{ports_ja}を許可しています。付いている場所: {places_ja}。"),
            observed=ports)
    if clean:
        yield passed(cluster.target, cluster.origin)
