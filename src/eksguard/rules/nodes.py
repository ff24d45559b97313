"""3xx: nodes (instance metadata, volumes, node role)."""

from __future__ import annotations

from collections.abc import Iterator

from eksguard.findings import Result, fail, not_applicable, passed, unknown_result
from eksguard.model import Cluster, NodeGroup, Text
from eksguard.rules import RuleContext, rule
from eksguard.rules.common import node_groups_elsewhere, unknown_value
from eksguard.rules.network import node_group_target


def _named(group: NodeGroup) -> Text:
    if group.kind == "karpenter":
        return Text(f"Karpenter EC2NodeClass `{group.name}`", f"Karpenter EC2NodeClass `{group.name}`")
    return Text(f"Node group `{group.name}`", f"ノードグループ `{group.name}`")


def _imds_nodes(cluster: Cluster) -> list[NodeGroup]:
    """The node groups and the Karpenter node classes: where IMDS settings are made."""
    return [*cluster.node_groups, *(c for c in cluster.node_classes if c.imds_hop_limit is not None)]


def _karpenter_imds_unknown(cluster: Cluster) -> Result | None:
    """`unknown` for a cluster whose Karpenter module makes nodes whose EC2NodeClass is not in the scan."""
    roles = [c for c in cluster.node_classes if c.role_policies is not None]
    if not roles or any(c.imds_hop_limit is not None for c in cluster.node_classes):
        return None
    names = ", ".join(c.name.removeprefix("karpenter:") for c in roles)
    return unknown_result(cluster.target, None, Text(
        f"Karpenter launches nodes ({names}), but no EC2NodeClass is in this scan: their IMDS settings are not "
        "known (scan the EC2NodeClass manifests with the cluster).",
        f"Karpenter がノードを起動します（{names}）が、EC2NodeClass がこのスキャンにないため IMDS の設定は不明です"
        "（EC2NodeClass のマニフェストもクラスターと一緒にスキャンしてください）。"), roles[0].origin)


def _role_nodes(cluster: Cluster) -> list[NodeGroup]:
    """The node groups and the Karpenter node roles: where node IAM policies are made."""
    return [*cluster.node_groups, *(c for c in cluster.node_classes if c.role_policies is not None)]


@rule(
    id="EKS301", slug="imdsv1-enabled", severity="high",
    title=Text("Nodes accept IMDSv1", "ノードが IMDSv1 を受け付けます"),
    risk=Text("IMDSv1 answers plain GET requests, so an SSRF bug in any pod can read the node role's credentials.",
              "IMDSv1 は単純な GET に応答するため、どの Pod の SSRF 脆弱性からでもノードロールの認証情報を読めます。"),
    fix=Text("Require IMDSv2: `disableIMDSv1: true` (eksctl), `MetadataOptions.HttpTokens: required` "
             "(CloudFormation launch template), `metadata_options { http_tokens = \"required\" }` (Terraform), "
             "`metadataOptions.httpTokens: required` (Karpenter EC2NodeClass).",
             "IMDSv2 を必須にしてください: eksctl では `disableIMDSv1: true`、CloudFormation の起動テンプレートでは "
             "`MetadataOptions.HttpTokens: required`、Terraform では `metadata_options { http_tokens = \"required\" }`、"
             "Karpenter の EC2NodeClass では `metadataOptions.httpTokens: required`。"),
    dont=Text("Do not force IMDSv2 on running nodes before checking for agents and SDKs that still use IMDSv1 "
              "(old AWS SDKs, monitoring agents): they lose their credentials; update them first.",
              "IMDSv1 を使うエージェントや SDK（古い AWS SDK、監視エージェント）がないか確認する前に、稼働中"
              "のノードで IMDSv2 を強制しないでください。それらは認証情報を失います。先に更新してください。"),
    references=("eks-domain.md §1.2, §2 (eksctl nodegroup.go makeMetadataOptions; EC2 MetadataOptions)",),
)
def imdsv1_enabled(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    groups = _imds_nodes(cluster)
    karpenter = _karpenter_imds_unknown(cluster)
    yield from node_groups_elsewhere(cluster, read=bool(groups) or karpenter is not None)
    if karpenter is not None:
        yield karpenter
    for group in groups:
        target = node_group_target(cluster, group)
        tokens = group.imds_http_tokens
        if tokens is None:
            yield not_applicable(target)
        elif not tokens.known:
            yield unknown_value(cluster, tokens, target)
        elif tokens.value == "required":
            yield passed(target, tokens.origin)
        else:
            named = _named(group)
            yield fail(target, tokens, Text(f"{named.en} allows IMDSv1 (HttpTokens={tokens.value}).",
                                            f"{named.ja} が IMDSv1 を許可しています（HttpTokens={tokens.value}）。"),
                       observed=f"HttpTokens={tokens.value}")


@rule(
    id="EKS302", slug="imds-reachable-from-pods", severity="medium",
    title=Text("Pods can reach the node's instance metadata", "Pod からノードのインスタンスメタデータに到達できます"),
    risk=Text("With a hop limit above 1, or with IMDSv1 allowed, any pod can fetch the node role's credentials "
              "from IMDS and act as the node (article 003).",
              "ホップ数上限が 1 を超えるか IMDSv1 が許可されていると、どの Pod も IMDS からノードロールの認証情報を取得し、"
              "ノードとして振る舞えます（記事 003）。"),
    fix=Text("Require IMDSv2 with a hop limit of 1: `disablePodIMDS: true` (eksctl; it refuses it next to "
             "`iam.withAddonPolicies`, so move those to IRSA first), `HttpTokens: required` and "
             "`HttpPutResponseHopLimit: 1` (CloudFormation), `http_tokens = \"required\"` and "
             "`http_put_response_hop_limit = 1` (Terraform), `metadataOptions: {httpTokens: required, "
             "httpPutResponseHopLimit: 1}` (Karpenter EC2NodeClass); or block 169.254.169.254/32 with an "
             "egress NetworkPolicy (with an enforcing engine). Give pods IRSA or Pod Identity instead.",
             "IMDSv2 を必須にし、ホップ数上限を 1 にしてください: eksctl では `disablePodIMDS: true`（`iam.withAddonPolicies` と"
             "併用できないため、先にそれらを IRSA に移す）、CloudFormation では `HttpTokens: required` と "
             "`HttpPutResponseHopLimit: 1`、Terraform では `http_tokens = \"required\"` と `http_put_response_hop_limit = 1`、"
             "Karpenter の EC2NodeClass では `metadataOptions: {httpTokens: required, httpPutResponseHopLimit: 1}`。"
             "または外向き NetworkPolicy で "
             "169.254.169.254/32 を遮断（ポリシーエンジンが必要）し、Pod には IRSA か Pod Identity を使わせてください。"),
    dont=Text("Do not lower the hop limit on running nodes before pods that call AWS have IRSA or Pod "
              "Identity: they silently lose the node role's credentials.",
              "AWS を呼び出す Pod に IRSA か Pod Identity を与える前に、稼働中のノードでホップ数上"
              "限を下げないでください。それらの Pod はノードロールの認証情報を黙って失います。"),
    references=("eks-domain.md §9 (BPG iam.adoc; eksctl nodegroup.go)",),
)
def imds_reachable(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    groups = _imds_nodes(cluster)
    karpenter = _karpenter_imds_unknown(cluster)
    yield from node_groups_elsewhere(cluster, read=bool(groups) or karpenter is not None)
    if karpenter is not None:
        yield karpenter
    blocked = cluster.imds_blocked_by_network_policy
    for group in groups:
        target = node_group_target(cluster, group)
        named = _named(group)
        hops = group.imds_hop_limit
        # the hop limit only stops the IMDSv2 token's PUT response: with IMDSv1 allowed a pod reads the
        # credentials with a plain GET (eks-domain.md §9: HttpTokens=required and hop limit 1 together)
        tokens = group.imds_http_tokens
        if hops is None:
            yield not_applicable(target)
        elif not hops.known:
            yield unknown_value(cluster, hops, target)
        elif blocked is not None and blocked.value:
            yield passed(target, blocked.origin)
        elif (hops.value or 0) <= 1 and tokens is not None and tokens.known and tokens.value == "optional":
            yield fail(target, tokens, Text(
                f"{named.en} allows IMDSv1 (HttpTokens=optional): the hop limit of 1 only stops "
                "IMDSv2, so pods read the node role's credentials with IMDSv1, and no NetworkPolicy blocks IMDS.",
                f"{named.ja} は IMDSv1 を許可しています（HttpTokens=optional）。ホップ数上限 1 は IMDSv2 "
                "しか止めないため、Pod は IMDSv1 でノードロールの認証情報を読めます。IMDS を遮断する NetworkPolicy もありません。"),
                observed=f"HttpTokens=optional, HttpPutResponseHopLimit={hops.value}", http_tokens="optional",
                hop_limit=hops.value)
        elif (hops.value or 0) <= 1 and tokens is not None and not tokens.known:
            yield unknown_value(cluster, tokens, target)
        elif (hops.value or 0) <= 1:
            yield passed(target, hops.origin)
        else:
            yield fail(target, hops, Text(
                f"{named.en} has IMDS hop limit {hops.value} and no NetworkPolicy blocks IMDS.",
                f"{named.ja} の IMDS ホップ数上限が {hops.value} で、IMDS を遮断する NetworkPolicy がありません。"),
                observed=f"HttpPutResponseHopLimit={hops.value}",
                http_tokens=tokens.value if tokens is not None and tokens.known else None, hop_limit=hops.value)


ACCOUNT_DECIDES = Text("it does not request encryption, so the account's EBS encryption-by-default setting decides",
                       "暗号化を指定していないため、アカウントの EBS デフォルト暗号化設定で決まります")


@rule(
    id="EKS303", slug="node-volume-unencrypted", severity="medium",
    title=Text("Node root volumes may be unencrypted", "ノードのルートボリュームが暗号化されていない可能性があります"),
    risk=Text("Unencrypted EBS volumes expose container images, logs and secrets in snapshots and detached volumes.",
              "暗号化されていない EBS ボリュームは、スナップショットや取り外したボリュームからイメージ・ログ・Secret が漏れます。"),
    fix=Text("Set `volumeEncrypted: true` (eksctl), `Encrypted: true` in the launch template's block device "
             "mapping, or turn on EBS encryption by default for the account and region.",
             "eksctl では `volumeEncrypted: true`、起動テンプレートのブロックデバイスマッピングでは `Encrypted: true` を設定するか、"
             "アカウントとリージョンで EBS のデフォルト暗号化を有効にしてください。"),
    references=("eks-domain.md §1.1 (eksctl block_device_mapping.go)",),
)
def node_volume_unencrypted(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    yield from node_groups_elsewhere(cluster, read=bool(cluster.node_groups))
    for group in cluster.node_groups:
        target = node_group_target(cluster, group)
        encrypted = group.volume_encrypted
        if encrypted is None:
            yield not_applicable(target)
        elif encrypted.value is True:
            yield passed(target, encrypted.origin)
        elif encrypted.value is False:
            yield fail(target, encrypted, Text(f"Node group `{group.name}` has unencrypted root volumes.",
                                               f"ノードグループ `{group.name}` のルートボリュームが暗号化されていません。"),
                       observed="volumeEncrypted=false")
        else:
            # the note says why, in the terms of the definition's own format (eksctl, CloudFormation, Terraform)
            why = encrypted.note or ACCOUNT_DECIDES
            yield unknown_result(target, encrypted, Text(
                f"Node group `{group.name}`: root-volume encryption is not known: {why.en}.",
                f"ノードグループ `{group.name}` のルートボリュームの暗号化は不明です: {why.ja}。"))


BROAD_POLICIES = {
    "AdministratorAccess": ("full administrator access", "完全な管理者権限"),
    "AmazonEC2ContainerRegistryPowerUser": ("push to ECR", "ECR へのプッシュ"),
    "AmazonEC2ContainerRegistryFullAccess": ("full ECR access", "ECR の完全な権限"),
    # an inline policy that allows every action (`*`), as the CloudFormation and Terraform sources report it
    "*": ("every action (`*`) in an inline policy", "インラインポリシーのすべてのアクション（`*`）"),
    "AmazonEKS_CNI_Policy": ("the VPC CNI's ENI permissions (give them to aws-node through IRSA/Pod Identity)",
                             "VPC CNI の ENI 権限。IRSA か Pod Identity で aws-node に付与すべきもの"),
    "AmazonEKS_CNI_IPv6_Policy": ("the VPC CNI's IPv6 ENI permissions (give them to aws-node through IRSA/Pod "
                                  "Identity)", "VPC CNI の IPv6 ENI 権限。IRSA か Pod Identity で aws-node に付与すべきもの"),
    # eksctl `iam.withAddonPolicies` (sources.eksctl.ADDON_POLICIES): a controller's rights, given to every pod
    "PolicyAutoScaling": ("resize and terminate instances of every Auto Scaling group (`autoScaler`, `--asg-access`)",
                          "すべての Auto Scaling グループのサイズ変更とインスタンス終了（`autoScaler`、`--asg-access`）"),
    "PolicyExternalDNSChangeSet": ("change records in every Route 53 hosted zone (`externalDNS`, `--external-dns-access`)",
                                   "すべての Route 53 ホストゾーンのレコード変更（`externalDNS`、`--external-dns-access`）"),
    "PolicyCertManagerChangeSet": ("change records in every Route 53 hosted zone (`certManager`)",
                                   "すべての Route 53 ホストゾーンのレコード変更（`certManager`）"),
    "PolicyAppMesh": ("`appmesh:*` and Route 53 record changes (`appMesh`, `--appmesh-access`)",
                      "`appmesh:*` と Route 53 のレコード変更（`appMesh`、`--appmesh-access`）"),
    "PolicyAppMeshPreview": ("`appmesh-preview:*` and Route 53 record changes (`appMeshPreview`)",
                             "`appmesh-preview:*` と Route 53 のレコード変更（`appMeshPreview`）"),
    "PolicyEBS": ("create, attach and delete any EBS volume and snapshot (`ebs`)",
                  "任意の EBS ボリュームとスナップショットの作成・アタッチ・削除（`ebs`）"),
    "PolicyFSX": ("`fsx:*` on every file system (`fsx`)", "すべてのファイルシステムへの `fsx:*`（`fsx`）"),
    "PolicyEFS": ("`elasticfilesystem:*` on every file system (`efs`)",
                  "すべてのファイルシステムへの `elasticfilesystem:*`（`efs`）"),
    "PolicyAWSLoadBalancerController": (
        "create and delete security groups and load balancers (`awsLoadBalancerController`, `--alb-ingress-access`)",
        "セキュリティグループとロードバランサーの作成・削除（`awsLoadBalancerController`、`--alb-ingress-access`）"),
}


@rule(
    id="EKS304", slug="node-role-overprivileged", severity="medium",
    title=Text("Node IAM role has more than nodes need", "ノードの IAM ロールに必要以上の権限があります"),
    risk=Text("Every pod that reaches IMDS acts with the node role; extra permissions there are extra permissions "
              "for every workload.",
              "IMDS に到達できる Pod はすべてノードロールで動くため、そこにある余分な権限はすべてのワークロードの権限になります。"),
    fix=Text("Keep the node role to AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryPullOnly and "
             "AmazonSSMManagedInstanceCore; give aws-node its CNI policy with `iam.withOIDC: true` (eksctl) or Pod "
             "Identity, and drop `imageBuilder`/`--full-ecr-access`, admin policies and `iam.withAddonPolicies` "
             "(`--asg-access`, `--external-dns-access`, ...): give each controller its own role through IRSA "
             "(`iam.serviceAccounts[].wellKnownPolicies`) or Pod Identity.",
             "ノードロールは AmazonEKSWorkerNodePolicy、AmazonEC2ContainerRegistryPullOnly、AmazonSSMManagedInstanceCore に"
             "とどめ、aws-node の CNI ポリシーは `iam.withOIDC: true`（eksctl）か Pod Identity で付与し、`imageBuilder`・"
             "`--full-ecr-access`、管理者ポリシー、`iam.withAddonPolicies`（`--asg-access`、`--external-dns-access` など）は外して、"
             "各コントローラーには IRSA（`iam.serviceAccounts[].wellKnownPolicies`）か Pod Identity で専用のロールを付与してください。"),
    dont=Text("Do not remove AmazonEKSWorkerNodePolicy or AmazonEC2ContainerRegistryPullOnly, nor "
              "AmazonEKS_CNI_Policy before aws-node has its own role (IRSA or Pod Identity): nodes go NotReady "
              "and pods lose their IPs.",
              "AmazonEKSWorkerNodePolicy と AmazonEC2ContainerRegistryPu"
              "llOnly は外さず、AmazonEKS_CNI_Policy も aws-node が専用ロール（IRSA "
              "か Pod Identity）を持つまで外さないでください。ノードが NotReady になり Pod が IP"
              " を失います。"),
    references=("eks-domain.md §1.1 (eksctl iam_helper.go makeManagedPolicies)",),
)
def node_role_overprivileged(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    groups = _role_nodes(cluster)
    yield from node_groups_elsewhere(cluster, read=bool(groups))
    for group in groups:
        target = node_group_target(cluster, group)
        policies = group.role_policies
        if policies is None:
            yield not_applicable(target)
            continue
        if not policies.known:
            yield unknown_value(cluster, policies, target)
            continue
        names = [p.rsplit("/", 1)[-1] for p in policies.value or []]
        described = [(n, words) for n in names if (words := _broad(n)) is not None]
        if not described:
            yield passed(target, policies.origin)
            continue
        named = Text(f"the nodes Karpenter launches ({group.name.removeprefix('karpenter:')})",
                     f"Karpenter が起動するノード（{group.name.removeprefix('karpenter:')}）") \
            if group.kind == "karpenter" else Text(f"`{group.name}`", f"`{group.name}`")
        yield fail(target, policies, Text(
            f"Node role of {named.en} has " + "; ".join(f"{n}: {en}" for n, (en, _) in described) + ".",
            f"{named.ja} のノードロールに " + "、".join(f"{n}（{ja}）" for n, (_, ja) in described) + "があります。"),
            observed=f"node role policies={names}")


def _broad(policy: str) -> tuple[str, str] | None:
    """What a node-role policy gives every pod beyond what nodes need; AWS managed `*FullAccess` policies and
    PowerUserAccess allow every action of their service(s) (AutoScalingFullAccess: `autoscaling:*`)."""
    if policy in BROAD_POLICIES:
        return BROAD_POLICIES[policy]
    if policy.endswith("FullAccess") or policy == "PowerUserAccess":
        return ("every action of its service (an AWS managed full-access policy)",
                "そのサービスのすべてのアクション（AWS 管理のフルアクセスポリシー）")
    return None
