"""2xx: network placement, VPC endpoints, security groups, pod capacity."""

from __future__ import annotations

from collections.abc import Iterator

from eksguard.analysis import maxpods
from eksguard.analysis.network import node_group_public
from eksguard.findings import Result, fail, not_applicable, passed, unknown_result
from eksguard.model import Cluster, NodeGroup, Text
from eksguard.rules import RuleContext, rule
from eksguard.rules.common import unknown_value

OPEN_CIDRS = ("0.0.0.0/0", "::/0")


def node_group_target(cluster: Cluster, group: NodeGroup) -> str:
    return f"{cluster.target}/nodegroup/{group.name}"


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
    if not cluster.node_groups:
        yield not_applicable(cluster.target)
    for group in cluster.node_groups:
        target = node_group_target(cluster, group)
        public = node_group_public(cluster, group)
        if not public.known:
            yield unknown_value(cluster, public, target)
        elif public.value:
            yield fail(target, public, Text(f"Node group `{group.name}` runs in public subnets.",
                                            f"ノードグループ `{group.name}` がパブリックサブネットで動いています。"),
                       observed="public subnets")
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
    if zones is None:
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
    references=("eks-domain.md §1.4, §4 (D1 private-clusters.adoc)",
                "https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html"),
)
def private_cluster_endpoints(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    if cluster.endpoint_private_access is None and cluster.private_cluster is None:
        yield not_applicable(cluster.target)  # no control-plane definition (e.g. manifests only)
        return
    network = cluster.network
    private = cluster.private_cluster is not None and bool(cluster.private_cluster.value)
    has_egress = bool(network.nat_gateways or network.internet_gateways or network.proxy_declared)
    if not private and (has_egress or network.vpc is None):
        if network.vpc is None and not has_egress:
            yield unknown_result(cluster.target, None, Text(
                "The VPC is not described here, so whether nodes reach the internet is not known.",
                "VPC がここに記述されていないため、ノードがインターネットに出られるか不明です。"), origin=cluster.origin)
        else:
            yield passed(cluster.target, cluster.origin)
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
    yield fail(cluster.target, cluster.private_cluster, Text(
        "Missing VPC endpoints: " + "; ".join(f"{s} (needed for {en})" for s, en, _ in missing) + ".",
        "不足している VPC エンドポイント: " + "、".join(f"{s}（{ja}に必要）" for s, _, ja in missing) + "。"),
        observed=f"missing endpoints={names}", origin=(cluster.private_cluster.origin if cluster.private_cluster
                                                      else cluster.origin), missing=[s for s, _, _ in missing])


@rule(
    id="EKS208", slug="node-ssh-open-to-internet", severity="high",
    title=Text("SSH (or RDP) to nodes is open to the internet", "ノードへの SSH（または RDP）がインターネットに開いています"),
    risk=Text("Port 22 (3389 on Windows) accepts connections from 0.0.0.0/0 and ::/0; a leaked key or weak "
              "password gives a shell on a node and its IAM role.",
              "22 番ポート（Windows は 3389）が 0.0.0.0/0 と ::/0 から接続を受け付けます。鍵が漏れればノードとその IAM ロールを奪われます。"),
    fix=Text("Turn SSH off (`ssh.allow: false`; use SSM Session Manager instead), or restrict it with "
             "`ssh.sourceSecurityGroupIds` (eksctl) / `SourceSecurityGroups` (CloudFormation) / "
             "`source_security_group_ids` (Terraform).",
             "SSH を無効にして（`ssh.allow: false`、代わりに SSM Session Manager を使用）、または eksctl では "
             "`ssh.sourceSecurityGroupIds`、CloudFormation では `SourceSecurityGroups`、Terraform では "
             "`source_security_group_ids` で接続元を制限してください。"),
    references=("eks-domain.md §1.1, §1.3.3 (eksctl managed_launch_template.go makeSSHIngressRules; EKS RemoteAccessConfig)",),
)
def node_ssh_open(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    if not cluster.node_groups:
        yield not_applicable(cluster.target)
    for group in cluster.node_groups:
        target = node_group_target(cluster, group)
        ssh = group.ssh
        port = "RDP" if ssh is not None and ssh.windows else "SSH"
        open_rule = [c for c in group.remote_access_cidrs if c in OPEN_CIDRS]
        if open_rule:
            yield fail(target, ssh.enabled if ssh else None, Text(
                f"{port} to node group `{group.name}` is open to {', '.join(open_rule)}.",
                f"ノードグループ `{group.name}` への {port} が {', '.join(open_rule)} に開いています。"),
                observed=f"remote access from {open_rule}", origin=None if ssh else group.origin)
            continue
        if ssh is None or not ssh.enabled.known:
            yield unknown_value(cluster, ssh.enabled if ssh else None, target) if ssh else not_applicable(target)
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
    references=("eks-domain.md §6 (amazon-eks-ami instance-info.jsonl, max-pods-calculator.sh)",),
)
def pod_capacity(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    if not cluster.node_groups:
        yield not_applicable(cluster.target)
    prefix = prefix_delegation(cluster)
    floor = ctx.config.thresholds.max_pods_floor
    for group in cluster.node_groups:
        target = node_group_target(cluster, group)
        types = group.instance_types
        if types is None or not types.known or not types.value:
            yield unknown_value(cluster, types, target) if types is not None else not_applicable(target)
            continue
        capacities = {t: maxpods.max_pods(t, prefix) for t in types.value}
        unknown_types = [t for t, pods in capacities.items() if pods is None]
        if unknown_types:
            yield unknown_result(target, types, Text(
                f"Instance type {', '.join(unknown_types)} is not in the bundled ENI table.",
                f"インスタンスタイプ {', '.join(unknown_types)} は同梱の ENI 表にありません。"))
            continue
        smallest_type = min(capacities, key=lambda t: capacities[t] or 0)
        smallest = capacities[smallest_type] or 0
        wanted = group.max_pods_per_node.value if group.max_pods_per_node is not None else None
        observed = f"{smallest_type}: max {smallest} pods" + (" (prefix delegation)" if prefix else "")
        if wanted and wanted > smallest:
            yield fail(target, group.max_pods_per_node, Text(
                f"`maxPodsPerNode: {wanted}` but {smallest_type} holds at most {smallest} pods.",
                f"`maxPodsPerNode: {wanted}` ですが、{smallest_type} の上限は {smallest} Pod です。"),
                observed=observed, severity="medium")
        elif smallest < floor:
            yield fail(target, types, Text(
                f"{smallest_type} holds at most {smallest} pods per node (floor {floor}).",
                f"{smallest_type} はノードあたり最大 {smallest} Pod です（下限 {floor}）。"),
                observed=observed, severity="info")
        else:
            yield passed(target, types.origin)
