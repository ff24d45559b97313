"""1xx: the control plane (endpoint, logging, encryption, version, authentication)."""

from __future__ import annotations

from collections.abc import Iterator

from eksguard.analysis.versions import minor_of, support_status
from eksguard.findings import Result, fail, not_applicable, passed, unknown_result
from eksguard.model import Cluster, Origin, Text
from eksguard.rules import RuleContext, rule
from eksguard.rules.common import on_outposts, unknown_value

OPEN_CIDRS = ("0.0.0.0/0", "::/0")
REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")


def _closed_later(cluster: Cluster, origin: Origin | None) -> Result:
    """Pass, unless a script opened the endpoint first and restricted it later: then an info
    finding at the command that opened it, naming the window."""
    window = next((w for w in cluster.exposure_windows if w.setting == "endpoint_public_access"), None)
    if window is None:
        return passed(cluster.target, origin)
    return fail(cluster.target, None, window.note, origin=window.opened, severity="info",
                observed=f"open from {window.opened.display()} until {window.closed.display()}")


@rule(
    id="EKS101", slug="public-endpoint-open-to-internet", severity="critical", severities=("critical", "info"),
    title=Text("Kubernetes API endpoint is open to the whole internet",
               "Kubernetes API エンドポイントがインターネット全体に公開されています"),
    risk=Text("Anyone on the internet can reach the API server and try stolen or leaked credentials against it.",
              "インターネット上の誰でも API サーバーに到達でき、漏えいした認証情報を試せます。"),
    fix=Text("Restrict the public endpoint to your own addresses: set `vpc.publicAccessCIDRs: [\"203.0.113.10/32\"]` "
             "(eksctl), `PublicAccessCidrs` (CloudFormation) or `public_access_cidrs` (Terraform); or turn public "
             "access off and private access on. Live: `eksctl utils update-cluster-vpc-config --cluster NAME "
             "--public-access-cidrs 203.0.113.10/32 --approve`.",
             "パブリックエンドポイントを自分のアドレスだけに制限してください: eksctl では "
             "`vpc.publicAccessCIDRs: [\"203.0.113.10/32\"]`、CloudFormation では `PublicAccessCidrs`、Terraform では "
             "`public_access_cidrs`。またはパブリックアクセスを無効にしてプライベートアクセスを有効にします。稼働中のクラスターでは "
             "`eksctl utils update-cluster-vpc-config --cluster NAME --public-access-cidrs 203.0.113.10/32 --approve`。"),
    dont=Text("Do not delete the NAT gateway, Elastic IPs or subnets: the exposure is the endpoint setting, and "
              "deleting network resources cuts off nodes (and your own workstation) without closing it.",
              "NAT ゲートウェイ、Elastic IP、サブネットを削除しないでください。問題はエンドポイントの設定であり、ネットワーク"
              "リソースを消してもふさがらず、ノードや自分の作業環境が切断されるだけです。"),
    references=("eks-domain.md §0, §1.1 (eksctl defaults.go ClusterEndpointAccessDefaults; EKS VpcConfigRequest)",
                "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html"),
)
def public_endpoint_open(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    public, cidrs = cluster.endpoint_public_access, cluster.public_endpoint_cidrs
    if public is None:
        yield not_applicable(cluster.target)
    elif not public.known:
        yield unknown_value(cluster, public)
    elif not public.value:
        yield _closed_later(cluster, public.origin)
    elif cidrs is None or not cidrs.known:
        yield unknown_value(cluster, cidrs)
    else:
        open_cidrs = [c for c in cidrs.value or [] if c in OPEN_CIDRS]
        if cidrs.value and not open_cidrs:
            yield _closed_later(cluster, cidrs.origin)
            return
        observed = f"publicAccess={str(public.value).lower()}, publicAccessCIDRs={cidrs.value}"
        if open_cidrs:
            message = Text(f"The public API endpoint allows {', '.join(open_cidrs)}.",
                           f"パブリック API エンドポイントが {', '.join(open_cidrs)} を許可しています。")
        else:
            note = cidrs.note or Text("no CIDRs are set, so EKS allows 0.0.0.0/0",
                                      "CIDR が未設定のため、EKS は 0.0.0.0/0 を許可します")
            message = Text(f"The public API endpoint is on and {note.en[0].lower() + note.en[1:]}.",
                           f"パブリック API エンドポイントが有効で、{note.ja}。")
        # point at what the user wrote: the CIDRs if written, else `publicAccess: true` (or a null that
        # leaves it to the default, which has a note) if written
        where = cidrs.origin if cidrs.declared or not (public.declared or public.note) else public.origin
        yield fail(cluster.target, cidrs, message, observed=observed, origin=where)


@rule(
    id="EKS102", slug="public-endpoint-enabled", severity="low",
    title=Text("Public API endpoint is enabled (restricted)", "パブリック API エンドポイントが有効です（制限付き）"),
    risk=Text("The API server is still reachable from the listed internet ranges; a private-only endpoint "
              "removes that path entirely.",
              "許可した範囲からは API サーバーにインターネット経由で到達できます。プライベートのみにすればその経路自体がなくなります。"),
    fix=Text("If you reach the cluster from inside the VPC (VPN, SSM, bastion), set `publicAccess: false` and "
             "`privateAccess: true`.",
             "VPC 内（VPN、SSM、踏み台）から操作できるなら `publicAccess: false` と `privateAccess: true` にしてください。"),
    dont=Text("Do not turn public access off before you have a way into the VPC (VPN, Direct Connect, a "
              "bastion or SSM) and CI/GitOps agents run inside it: you lock yourself and your pipelines out of "
              "the API.",
              "VPC への経路（VPN、Direct Connect、踏み台、SSM）を用意し CI/GitOps エージェン"
              "トを VPC 内で動かす前に、パブリックアクセスを無効にしないでください。自分もパイプラインも API に到達で"
              "きなくなります。"),
    references=("eks-domain.md §0", "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html"),
)
def public_endpoint_enabled(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    public, cidrs = cluster.endpoint_public_access, cluster.public_endpoint_cidrs
    if public is None:
        yield not_applicable(cluster.target)
    elif not public.known:
        yield unknown_value(cluster, public)
    elif not public.value:
        yield passed(cluster.target, public.origin)
    elif cidrs is not None and cidrs.known and cidrs.value and not any(c in OPEN_CIDRS for c in cidrs.value):
        yield fail(cluster.target, public, Text(
            f"The public endpoint is on, restricted to {', '.join(cidrs.value)}.",
            f"パブリックエンドポイントが有効です（{', '.join(cidrs.value)} に制限）。"),
            observed=f"publicAccess=true, publicAccessCIDRs={cidrs.value}")
    else:
        yield not_applicable(cluster.target)  # open to the internet: EKS101 reports it


@rule(
    id="EKS103", slug="private-endpoint-disabled", severity="medium",
    title=Text("Private API endpoint is disabled", "プライベート API エンドポイントが無効です"),
    risk=Text("Nodes and in-VPC tools reach the API server over the public internet path; private clusters "
              "cannot work at all.",
              "ノードや VPC 内のツールがパブリック経路で API サーバーに接続します。プライベートクラスターは動作しません。"),
    fix=Text("Set `vpc.clusterEndpoints.privateAccess: true` (eksctl), `EndpointPrivateAccess: true` "
             "(CloudFormation) or `endpoint_private_access = true` (Terraform).",
             "eksctl では `vpc.clusterEndpoints.privateAccess: true`、CloudFormation では "
             "`EndpointPrivateAccess: true`、Terraform では `endpoint_private_access = true` を設定してください。"),
    dont=Text("Do not restrict `publicAccessCIDRs` on a running cluster whose private access is off before "
              "turning private access on: nodes then reach the API only through the allowed CIDRs and drop out "
              "of the cluster.",
              "プライベートアクセスが無効の稼働中クラスターでは、先にプライベートアクセスを有効にせずに `publicAcce"
              "ssCIDRs` を制限しないでください。ノードは許可した CIDR 経由でしか API に到達できず、クラスタ"
              "ーから外れます。"),
    references=("eks-domain.md §0, §4", "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html"),
)
def private_endpoint_disabled(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    private = cluster.endpoint_private_access
    if private is None:
        yield not_applicable(cluster.target)
    elif not private.known:
        yield unknown_value(cluster, private)
    elif private.value:
        yield passed(cluster.target, private.origin)
    else:
        yield fail(cluster.target, private, Text("Private endpoint access is off.",
                                                 "プライベートエンドポイントアクセスが無効です。"),
                   observed="privateAccess=false")


@rule(
    id="EKS104", slug="control-plane-logging-incomplete", severity="medium",
    title=Text("Control-plane audit logging is incomplete", "コントロールプレーンのログが不足しています"),
    risk=Text("Without api, audit and authenticator logs you cannot tell who did what to the cluster after an "
              "incident.",
              "api・audit・authenticator のログがないと、インシデント後に誰が何をしたか追跡できません。"),
    fix=Text("Enable at least api, audit and authenticator: `cloudWatch.clusterLogging.enableTypes: [api, audit, "
             "authenticator]` (eksctl), `Logging.ClusterLogging.EnabledTypes` (CloudFormation) or "
             "`enabled_cluster_log_types` (Terraform).",
             "少なくとも api・audit・authenticator を有効にしてください: eksctl では "
             "`cloudWatch.clusterLogging.enableTypes: [api, audit, authenticator]`、CloudFormation では "
             "`Logging.ClusterLogging.EnabledTypes`、Terraform では `enabled_cluster_log_types`。"),
    references=("eks-domain.md §0 (D10 control-plane-logs)",
                "https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html"),
)
def control_plane_logging(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    logs = cluster.log_types
    if logs is None:
        yield not_applicable(cluster.target)
    elif not logs.known:
        yield unknown_value(cluster, logs)
    else:
        missing = [t for t in REQUIRED_LOG_TYPES if t not in (logs.value or [])]
        if not missing:
            yield passed(cluster.target, logs.origin)
        else:
            yield fail(cluster.target, logs, Text(f"Log types not enabled: {', '.join(missing)}.",
                                                  f"有効になっていないログ: {', '.join(missing)}。"),
                       observed=f"enabled log types={logs.value}")


@rule(
    id="EKS105", slug="secrets-encryption-without-cmk", severity="low",
    title=Text("Secrets are not encrypted with your own KMS key",
               "Secret が自社管理の KMS キーで暗号化されていません"),
    risk=Text("On 1.28+ secrets are still encrypted with an AWS-owned key; without a customer-managed key you "
              "cannot control, audit or revoke access to that key.",
              "1.28 以降も Secret は AWS 所有キーで暗号化されますが、カスタマー管理キーがないとキーの利用を制御・監査・失効できません。"),
    fix=Text("Set `secretsEncryption.keyARN` (eksctl), `EncryptionConfig` (CloudFormation) or `encryption_config` "
             "(Terraform) to a customer-managed KMS key.",
             "eksctl では `secretsEncryption.keyARN`、CloudFormation では `EncryptionConfig`、Terraform では "
             "`encryption_config` にカスタマー管理の KMS キーを指定してください。"),
    dont=Text("Do not disable the KMS key or schedule its deletion, and do not expect to undo the change: "
              "secrets encryption cannot be turned off, and without the key the cluster's secrets cannot be "
              "read.",
              "KMS キーを無効化したり削除をスケジュールしたりせず、変更を元に戻せるとも考えないでください。Secret の"
              "暗号化は無効にできず、キーがなければクラスターの Secret を読めなくなります。"),
    references=("eks-domain.md §0, §12.8 (D11 envelope-encryption)",),
)
def secrets_encryption(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    key = cluster.secrets_kms_key
    # eks-domain.md §1.1: secretsEncryption is not supported on Outposts (eksctl validation.go)
    outposts = on_outposts(cluster, Text("EKS has no KMS secrets encryption for local clusters",
                                         "ローカルクラスターには KMS による Secret の暗号化がありません"))
    if outposts is not None:
        yield outposts
    elif key is None:
        yield not_applicable(cluster.target)
    elif not key.known:
        yield unknown_value(cluster, key)
    elif key.value:
        yield passed(cluster.target, key.origin)
    else:
        yield fail(cluster.target, key, _without_key_message(cluster), observed="secrets key=none")


# eks-domain.md §12.8 [D11] (eks docs envelope-encryption.adoc): EKS envelope-encrypts all Kubernetes API data
# with an AWS-owned key from 1.28 on; before that, secrets without a KMS key have only etcd's volume encryption
DEFAULT_ENVELOPE_ENCRYPTION_SINCE = (1, 28)


def _without_key_message(cluster: Cluster) -> Text:
    version = cluster.version.value if cluster.version is not None and cluster.version.known else None
    minor = minor_of(version) if version else None
    if minor is not None and minor < DEFAULT_ENVELOPE_ENCRYPTION_SINCE:
        return Text(
            f"No KMS key for secrets, and Kubernetes {version} is older than 1.28: EKS does "
            "not envelope-encrypt them at all (only the EBS encryption of etcd); set a customer-managed key.",
            f"Secret 用の KMS キーがなく、Kubernetes {version} は 1.28 より前のため EKS は"
            "エンベロープ暗号化を行いません（etcd の EBS 暗号化のみ）。カスタマー管理キーを設定してください。")
    # latest, unknown or >= 1.28: the key custody is the finding, not plaintext secrets
    return Text(
        "No customer-managed KMS key for secrets; EKS 1.28+ uses an AWS-owned key (key custody, not plaintext).",
        "Secret 用のカスタマー管理 KMS キーがありません。EKS 1.28 以降は AWS 所有キーで暗号化されます（平文ではなくキー管理の問題です）。")


@rule(
    id="EKS106", slug="kubernetes-version-unsupported", severity="high", severities=("high", "medium", "info"),
    title=Text("Kubernetes version is out of (or near the end of) support",
               "Kubernetes バージョンのサポートが終了（または終了間近）しています"),
    risk=Text("Unsupported versions get no security patches; past extended support EKS upgrades the control plane "
              "on its own, without notice.",
              "サポート外のバージョンにはセキュリティ修正が出ません。延長サポート終了後は EKS が予告なくコントロールプレーンを自動更新します。"),
    fix=Text("Upgrade to a version in standard support (set `metadata.version`, `Version` or `version`), one minor "
             "at a time: `eksctl upgrade cluster --name NAME --version X.Y --approve`.",
             "標準サポート中のバージョンへ 1 マイナーずつ更新してください（`metadata.version`、`Version`、`version`）: "
             "`eksctl upgrade cluster --name NAME --version X.Y --approve`。"),
    dont=Text("Do not skip minor versions or delete and recreate the cluster: upgrade the control plane one "
              "minor at a time, then the node groups and add-ons, after checking deprecated APIs.",
              "マイナーバージョンを飛ばしたり、クラスターを削除して作り直したりしないでください。非推奨 API を確認してから"
              "、コントロールプレーンを 1 マイナーずつ、続いてノードグループとアドオンを更新します。"),
    references=("eks-domain.md §7 (D12 kubernetes-versions)",
                "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html"),
)
def version_support(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    version = cluster.version
    if version is None:
        yield not_applicable(cluster.target)
        return
    if not version.known or not version.value:
        yield unknown_value(cluster, version)
        return
    if version.value == "latest":
        yield passed(cluster.target, version.origin)
        return
    status = support_status(version.value, ctx.today, ctx.config.thresholds.version_warning_days,
                            ctx.config.raw.get("_support_windows"))
    observed = f"version={version.value}"
    window = status.window
    if status.phase == "past-extended" and window:
        yield fail(cluster.target, version, Text(
            f"Kubernetes {version.value} left extended support on {window.end_of_extended}.",
            f"Kubernetes {version.value} は延長サポートも終了しています（{window.end_of_extended}）。"),
            observed=observed, severity="high")
    elif status.phase == "past-extended":  # older than extended support itself (it began with 1.23)
        yield fail(cluster.target, version, Text(
            f"Kubernetes {version.value} is out of EKS support (it ended before extended support began with 1.23); "
            "EKS no longer creates clusters of it.",
            f"Kubernetes {version.value} の EKS サポートは終了しています（1.23 で延長サポートが始まる前に終了）。"
            "EKS はこのバージョンのクラスターをもう作成しません。"),
            observed=observed, severity="high")
    elif status.phase == "past-standard" and window:
        yield fail(cluster.target, version, Text(
            f"Kubernetes {version.value} left standard support on {window.end_of_standard}; extended support "
            f"(extra cost) ends {window.end_of_extended}.",
            f"Kubernetes {version.value} は {window.end_of_standard} に標準サポートが終了しました。延長サポート（追加料金）は "
            f"{window.end_of_extended} に終了します。"), observed=observed, severity="medium")
    elif status.phase == "standard-ending" and window:
        yield fail(cluster.target, version, Text(
            f"Kubernetes {version.value} leaves standard support in {status.days_left} days ({window.end_of_standard}).",
            f"Kubernetes {version.value} の標準サポートはあと {status.days_left} 日（{window.end_of_standard}）で終了します。"),
            observed=observed, severity="info")
    elif status.phase == "standard":
        yield passed(cluster.target, version.origin)
    else:
        yield unknown_result(cluster.target, version, Text(
            f"Kubernetes {version.value} is not in the bundled support table.",
            f"Kubernetes {version.value} は同梱のサポート表にありません。"))


@rule(
    id="EKS107", slug="authentication-mode-config-map", severity="medium", severities=("medium", "info"),
    title=Text("Cluster authentication still uses the aws-auth ConfigMap",
               "クラスター認証が aws-auth ConfigMap に依存しています"),
    risk=Text("With CONFIG_MAP, cluster access lives in an editable ConfigMap and the creator's admin right is "
              "invisible; access entries are auditable through the EKS API.",
              "CONFIG_MAP では権限が編集可能な ConfigMap にあり、作成者の管理者権限も見えません。アクセスエントリーなら EKS API で監査できます。"),
    fix=Text("Move to access entries: `accessConfig.authenticationMode: API` (eksctl), "
             "`AccessConfig.AuthenticationMode: API` (CloudFormation), `authentication_mode = \"API\"` (Terraform). "
             "The change is one-way: migrate aws-auth mappings to access entries first.",
             "アクセスエントリーへ移行してください: eksctl では `accessConfig.authenticationMode: API`、CloudFormation では "
             "`AccessConfig.AuthenticationMode: API`、Terraform では `authentication_mode = \"API\"`。元に戻せないため、"
             "先に aws-auth のマッピングをアクセスエントリーへ移してください。"),
    dont=Text("Do not switch a running cluster to API before every aws-auth mapping (people, CI roles, "
              "self-managed node roles) has an access entry: the change is one-way and those principals lose "
              "access at once.",
              "aws-auth のすべてのマッピング（人、CI ロール、セルフマネージドノードのロール）にアクセスエントリーを"
              "作る前に、稼働中のクラスターを API モードにしないでください。変更は元に戻せず、それらのプリンシパルは即座に"
              "アクセスを失います。"),
    references=("eks-domain.md §8.2, §12.1 (EKS CreateAccessConfigRequest)",),
)
def authentication_mode(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    mode = cluster.authentication_mode
    if mode is None:
        yield not_applicable(cluster.target)
    elif not mode.known:
        yield unknown_value(cluster, mode)
    elif str(mode.value).upper() == "API":
        yield passed(cluster.target, mode.origin)
    elif str(mode.value).upper() == "CONFIG_MAP":
        yield fail(cluster.target, mode, Text("Authentication mode is CONFIG_MAP: no access entries.",
                                              "認証モードが CONFIG_MAP で、アクセスエントリーを使えません。"),
                   observed="authenticationMode=CONFIG_MAP", severity="medium")
    else:
        yield fail(cluster.target, mode, Text("Authentication mode is API_AND_CONFIG_MAP; prefer API.",
                                              "認証モードが API_AND_CONFIG_MAP です。API を推奨します。"),
                   observed=f"authenticationMode={mode.value}", severity="info")


@rule(
    id="EKS108", slug="cluster-creator-admin-bootstrap", severity="low",
    title=Text("Cluster creator is made cluster admin implicitly", "クラスター作成者が暗黙にクラスター管理者になります"),
    risk=Text("Whoever ran the create (a person or a CI role) keeps full admin rights that no reviewed "
              "configuration shows.",
              "作成を実行した人や CI ロールが、レビューされた設定に現れない完全な管理者権限を持ち続けます。"),
    fix=Text("At creation set `accessConfig.bootstrapClusterCreatorAdminPermissions: false` (eksctl), "
             "`BootstrapClusterCreatorAdminPermissions: false` (CloudFormation) or `access_config { "
             "bootstrap_cluster_creator_admin_permissions = false }` (Terraform) and grant admin through an explicit "
             "access entry for a dedicated role. The setting is create-only (changing it replaces the cluster): on an "
             "existing cluster add the dedicated role's access entry, then delete the creator's (with CONFIG_MAP, "
             "move to API_AND_CONFIG_MAP first, which shows the creator's entry).",
             "作成時に eksctl では `accessConfig.bootstrapClusterCreatorAdminPermissions: false`、CloudFormation では "
             "`BootstrapClusterCreatorAdminPermissions: false`、Terraform では `access_config { "
             "bootstrap_cluster_creator_admin_permissions = false }` にし、専用ロールのアクセスエントリーで明示的に管理者権限を"
             "付けてください。この設定は作成時のみで、変更するとクラスターが置き換わります。既存のクラスターでは専用ロールの"
             "アクセスエントリーを追加してから作成者のエントリーを削除します（CONFIG_MAP では先に API_AND_CONFIG_MAP に移行する"
             "と作成者のエントリーが現れます）。"),
    dont=Text("Do not delete the creator's access entry before a dedicated admin role's entry is in place and "
              "tested: you can lock everyone out of the cluster.",
              "専用の管理者ロールのアクセスエントリーを作って動作を確認する前に、作成者のアクセスエントリーを削除しないでくださ"
              "い。誰もクラスターを操作できなくなることがあります。"),
    references=("eks-domain.md §8.2 (BPG iam.adoc)",),
)
def creator_admin(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    bootstrap = cluster.bootstrap_creator_admin
    # eks-domain.md §1.1: bootstrapClusterCreatorAdminPermissions can't be false on Outposts
    outposts = on_outposts(cluster, Text(
        "the cluster creator's admin permissions cannot be turned off there (eksctl refuses `false`)",
        "クラスター作成者の管理者権限はそこでは無効にできません（eksctl は `false` を拒否します）"))
    if outposts is not None:
        yield outposts
    elif bootstrap is None:
        yield not_applicable(cluster.target)
    elif not bootstrap.known:
        yield unknown_value(cluster, bootstrap)
    elif not bootstrap.value:
        yield passed(cluster.target, bootstrap.origin)
    elif cluster.authentication_mode is not None and cluster.authentication_mode.value == "CONFIG_MAP":
        # eks-domain.md §8.1: with CONFIG_MAP the creator is system:masters and appears in no aws-auth entry
        yield fail(cluster.target, bootstrap, Text(
            "The cluster creator is system:masters implicitly (CONFIG_MAP: no aws-auth entry shows it).",
            "クラスター作成者は暗黙に system:masters になります（CONFIG_MAP では aws-auth のどのエントリーにも現れません）。"),
            observed="bootstrapClusterCreatorAdminPermissions=true")
    else:
        yield fail(cluster.target, bootstrap, Text("The cluster creator gets AmazonEKSClusterAdminPolicy implicitly.",
                                                   "クラスター作成者に AmazonEKSClusterAdminPolicy が暗黙に付与されます。"),
                   observed="bootstrapClusterCreatorAdminPermissions=true")
