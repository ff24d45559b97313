"""`eksguard init`: a hardened eksctl ClusterConfig for a new cluster.

Three ways to reach the API: `admin_cidrs` (public endpoint only from those CIDRs, private access on),
`private` (private endpoint only) or `fully_private` (`privateCluster`: no NAT, no internet gateway,
VPC endpoints). Always: managed node groups in private subnets, IMDSv2 with hop limit 1, OIDC (IRSA),
control-plane logs, access entries (API mode) with the creator's implicit admin off and an explicit
admin role, KMS secrets encryption when a key is given. Every value is checked before it is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from eksguard.fixes import ADMIN_POLICY_ARN, REQUIRED_LOG_TYPES, FixInputError, check_cidrs
from eksguard.model import Text

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,99}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_VERSION = re.compile(r"^1\.\d{2}$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
_KMS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):\d{12}:(key|alias)/[\w/+=,.@-]+$")
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
# endpoint_service.go: the optional services eksctl can add to a fully-private cluster
ADDITIONAL_ENDPOINT_SERVICES = ("cloudformation", "autoscaling", "logs")
# eks-domain.md §1.4, §4: interface endpoints eksctl does not create, and what breaks without them
MISSING_ENDPOINTS = (
    ("eks", "eksctl, the AWS CLI and self-managed nodes calling the EKS API from inside the VPC",
     "VPC 内からの eksctl・AWS CLI・セルフマネージドノードによる EKS API の呼び出し"),
    ("eks-auth", "EKS Pod Identity", "EKS Pod Identity"),
    ("elasticloadbalancing", "the AWS Load Balancer Controller (ALB/NLB)", "AWS Load Balancer Controller（ALB/NLB）"),
    ("ssm", "SSM Session Manager access to nodes (with ssmmessages and ec2messages)",
     "SSM Session Manager によるノードへのアクセス（ssmmessages・ec2messages と共に）"),
    ("ssmmessages", "SSM Session Manager sessions", "SSM Session Manager のセッション"),
    ("ec2messages", "the SSM agent", "SSM エージェント"),
    ("xray", "AWS X-Ray tracing (optional)", "AWS X-Ray のトレース（任意）"),
)


@dataclass(frozen=True, slots=True)
class InitOptions:
    name: str
    region: str
    admin_role_arn: str
    zones: tuple[str, ...] = ()
    version: str | None = None
    admin_cidrs: tuple[str, ...] = ()
    private: bool = False
    fully_private: bool = False
    kms_key: str | None = None
    instance_type: str = "m5.large"
    nodes: int = 2

    @property
    def mode(self) -> str:
        return "fully-private" if self.fully_private else "private" if self.private else "admin-cidr"


def default_version(today: dt.date | None = None) -> str:
    """The newest version of the bundled support table still in standard support (else the newest)."""
    from eksguard.analysis.versions import bundled_table, minor_of

    today = today or dt.date.today()
    windows = bundled_table()[1]
    ordered = sorted(windows, key=lambda v: minor_of(v) or (0, 0))
    supported = [v for v in ordered if windows[v].end_of_standard >= today]
    return (supported or ordered)[-1]


def check(options: InitOptions) -> InitOptions:
    """The options with canonical CIDRs; FixInputError naming the first value that cannot be used."""
    modes = sum([bool(options.admin_cidrs), options.private, options.fully_private])
    if modes != 1:
        raise FixInputError("choose exactly one of --admin-cidr CIDR (repeatable), --private or --fully-private")
    if not _NAME.match(options.name):
        raise FixInputError(f"--name {options.name!r}: start with a letter; letters, digits and '-'; at most 100")
    if not _REGION.match(options.region):
        raise FixInputError(f"--region {options.region!r} is not an AWS region name (e.g. ap-northeast-1)")
    if options.version is not None and not _VERSION.match(options.version):
        raise FixInputError(f"--version {options.version!r}: use MAJOR.MINOR, e.g. 1.35")
    if options.zones:
        if len(set(options.zones)) < 2:
            raise FixInputError("--zones: EKS needs subnets in at least two Availability Zones")
        for zone in options.zones:
            if not re.fullmatch(re.escape(options.region) + r"[a-z]", zone):
                raise FixInputError(f"--zones: {zone!r} is not an Availability Zone of {options.region}")
    if not _ROLE_ARN.match(options.admin_role_arn):
        raise FixInputError(f"--admin-role-arn {options.admin_role_arn!r} is not an IAM role ARN")
    if options.kms_key is not None:
        match = _KMS_ARN.match(options.kms_key)
        if not match:
            raise FixInputError(f"--kms-key {options.kms_key!r} is not a KMS key or alias ARN")
        if match.group("region") != options.region:
            raise FixInputError(f"--kms-key is in {match.group('region')}; EKS needs a key in {options.region}")
    if not _INSTANCE_TYPE.match(options.instance_type):
        raise FixInputError(f"--instance-type {options.instance_type!r} is not an EC2 instance type")
    if options.nodes < 1:
        raise FixInputError("--nodes must be at least 1")
    cidrs = check_cidrs(list(options.admin_cidrs)) if options.admin_cidrs else ()
    if any(":" in cidr for cidr in cidrs):
        raise FixInputError("--admin-cidr: an IPv4 cluster does not accept IPv6 CIDRs for its public endpoint")
    return InitOptions(options.name, options.region, options.admin_role_arn, tuple(options.zones),
                       options.version, cidrs, options.private, options.fully_private, options.kms_key,
                       options.instance_type, options.nodes)


def _s(value: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted (JSON strings are valid YAML)."""
    return value if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/:@+-]*", value) and value.lower() not in (
        "true", "false", "yes", "no", "on", "off", "null", "y", "n") else json.dumps(value)


def _flow(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_s(i) for i in items) + "]"


COMMENTS = {
    "en": {
        "head": "Hardened eksctl ClusterConfig written by `eksguard init` ({mode}). Create the cluster with:",
        "run_as": "Run eksctl as the admin role below: the creator gets no implicit cluster admin.",
        "cidr_public": "only from publicAccessCIDRs",
        "private_access": "nodes and in-VPC tools reach the API inside the VPC",
        "private_only": "reach the API from inside the VPC (VPN, Direct Connect, bastion, SSM)",
        "cp_private": "control-plane ENIs in private subnets only (eksctl newer than 0.230.0)",
        "fully_private": "no NAT gateway, no internet gateway: nodes use VPC endpoints",
        "oidc": "IRSA: pods get their own IAM roles instead of the node role",
        "auth": "access entries only (aws-auth is not used)",
        "admin": "the one cluster admin; add more access entries as needed",
        "kms": "secrets envelope-encrypted with your KMS key (one-way; never disable or delete the key)",
        "logs": "who did what: api, audit and authenticator logs",
        "nodes": "private subnets, IMDSv2 only, pods cannot reach IMDS, no SSH (use SSM)",
    },
    "ja": {
        "head": "`eksguard init`（{mode}）が書いた堅牢な eksctl ClusterConfig です。クラスターの作成:",
        "run_as": "eksctl は下の管理者ロールで実行してください。作成者に暗黙の管理者権限は付きません。",
        "cidr_public": "publicAccessCIDRs からのみ",
        "private_access": "ノードと VPC 内のツールは VPC 内で API に到達します",
        "private_only": "API には VPC 内（VPN、Direct Connect、踏み台、SSM）から接続します",
        "cp_private": "コントロールプレーンの ENI はプライベートサブネットのみ（eksctl 0.230.0 より新しい版）",
        "fully_private": "NAT ゲートウェイもインターネットゲートウェイもなし。ノードは VPC エンドポイントを使います",
        "oidc": "IRSA: Pod はノードロールではなく専用の IAM ロールを使います",
        "auth": "アクセスエントリーのみ（aws-auth は使いません）",
        "admin": "唯一のクラスター管理者。必要に応じてアクセスエントリーを追加します",
        "kms": "Secret を自分の KMS キーでエンベロープ暗号化（元に戻せません。キーを無効化・削除しないこと）",
        "logs": "誰が何をしたか: api・audit・authenticator のログ",
        "nodes": "プライベートサブネット、IMDSv2 のみ、Pod から IMDS 不可、SSH なし（SSM を使用）",
    },
}


def render(options: InitOptions, lang: str = "en", today: dt.date | None = None, file_name: str = "cluster.yaml") -> str:
    """The ClusterConfig text (call `check` first)."""
    c = COMMENTS["ja" if lang == "ja" else "en"]
    version = options.version or default_version(today)
    lines = [
        f"# {c['head'].format(mode=options.mode)}",
        f"#   eksctl create cluster -f {file_name}",
        f"# {c['run_as']}",
        "apiVersion: eksctl.io/v1alpha5",
        "kind: ClusterConfig",
        "",
        "metadata:",
        f"  name: {_s(options.name)}",
        f"  region: {_s(options.region)}",
        f"  version: {json.dumps(version)}",
    ]
    if options.zones:
        lines += ["", f"availabilityZones: {_flow(list(options.zones))}"]
    if options.fully_private:
        lines += ["", f"privateCluster:  # {c['fully_private']}", "  enabled: true",
                  f"  additionalEndpointServices: {_flow(list(ADDITIONAL_ENDPOINT_SERVICES))}"]
    else:
        lines += ["", "vpc:", "  clusterEndpoints:"]
        if options.admin_cidrs:
            lines += [f"    publicAccess: true  # eksguard:ignore EKS102 {c['cidr_public']}",
                      f"    privateAccess: true  # {c['private_access']}",
                      f"  publicAccessCIDRs: {_flow(list(options.admin_cidrs))}"]
        else:
            lines += [f"    publicAccess: false  # {c['private_only']}", "    privateAccess: true"]
        lines += [f"  controlPlaneOnPrivateSubnets: true  # {c['cp_private']}"]
    lines += ["", "iam:", f"  withOIDC: true  # {c['oidc']}"]
    lines += ["", "accessConfig:", f"  authenticationMode: API  # {c['auth']}",
              "  bootstrapClusterCreatorAdminPermissions: false", "  accessEntries:",
              f"    - principalARN: {_s(options.admin_role_arn)}  # {c['admin']}", "      accessPolicies:",
              f"        - policyARN: {ADMIN_POLICY_ARN}", "          accessScope:", "            type: cluster"]
    if options.kms_key:
        lines += ["", f"secretsEncryption:  # {c['kms']}", f"  keyARN: {_s(options.kms_key)}"]
    lines += ["", "cloudWatch:", f"  clusterLogging:  # {c['logs']}",
              f"    enableTypes: {_flow(list(REQUIRED_LOG_TYPES))}", "    logRetentionInDays: 90"]
    lines += ["", "managedNodeGroups:", f"  - name: {_s(options.name[:50] + '-private-1')}  # {c['nodes']}",
              f"    instanceType: {options.instance_type}", f"    desiredCapacity: {options.nodes}",
              f"    minSize: {options.nodes}", f"    maxSize: {max(options.nodes * 2, options.nodes + 1)}",
              "    privateNetworking: true", "    volumeSize: 80", "    volumeEncrypted: true",
              "    disableIMDSv1: true", "    disablePodIMDS: true", "    ssh:", "      allow: false"]
    return "\n".join(lines) + "\n"


def notes(options: InitOptions, lang: str = "en") -> list[Text]:
    """What the user must know or do besides the file (printed by `init`)."""
    out: list[Text] = [Text(
        f"Run `eksctl create cluster -f FILE` as {options.admin_role_arn}: it is the only principal with cluster "
        "admin (`bootstrapClusterCreatorAdminPermissions: false`).",
        f"`eksctl create cluster -f FILE` は {options.admin_role_arn} として実行してください。クラスター管理者はこの"
        "プリンシパルだけです（`bootstrapClusterCreatorAdminPermissions: false`）。")]
    if options.private:
        out.append(Text(
            "Private endpoint only: eksctl warns at creation, and it (and kubectl) must run inside the VPC or a "
            "connected network to wait for nodes and to manage the cluster afterwards.",
            "プライベートエンドポイントのみ: eksctl は作成時に警告します。ノードの待機や以後の管理のため、eksctl（と kubectl）は "
            "VPC 内か接続されたネットワークから実行する必要があります。"))
    if options.fully_private:
        names = ", ".join(name for name, _, _ in MISSING_ENDPOINTS)
        out.append(Text(
            "Fully-private cluster: eksctl creates the ec2, ecr.api, ecr.dkr, sts and s3 (gateway) endpoints plus "
            f"{', '.join(ADDITIONAL_ENDPOINT_SERVICES)}. It does NOT create {names}; create the ones you need "
            "yourself (com.amazonaws.REGION.SERVICE, private DNS on, in the private subnets):\n" + "\n".join(
                f"  - {name}: {en}" for name, en, _ in MISSING_ENDPOINTS)
            + "\neksctl turns public access off after creation; later eksctl and kubectl must run inside the VPC.",
            "フルプライベートクラスター: eksctl は ec2・ecr.api・ecr.dkr・sts・s3（ゲートウェイ）のエンドポイントと "
            f"{', '.join(ADDITIONAL_ENDPOINT_SERVICES)} を作成します。{names} は作成しません。必要なものは自分で作成してください"
            "（com.amazonaws.REGION.SERVICE、プライベート DNS 有効、プライベートサブネット内）:\n" + "\n".join(
                f"  - {name}: {ja}" for name, _, ja in MISSING_ENDPOINTS)
            + "\neksctl は作成後にパブリックアクセスを無効にします。以後の eksctl と kubectl は VPC 内から実行してください。"))
    if not options.fully_private:
        out.append(Text(
            "`vpc.controlPlaneOnPrivateSubnets` needs an eksctl release newer than 0.230.0; with an older eksctl "
            "delete that line (EKS209, low, then reports control-plane ENIs in public subnets).",
            "`vpc.controlPlaneOnPrivateSubnets` には eksctl 0.230.0 より新しい版が必要です。古い eksctl ではその行を削除して"
            "ください（EKS209（低）がパブリックサブネットのコントロールプレーン ENI を報告します）。"))
    if not options.kms_key:
        out.append(Text(
            "No --kms-key: secrets use EKS's AWS-owned key (EKS105, low). Pass --kms-key ARN to use your own key.",
            "--kms-key がないため、Secret は EKS の AWS 所有キーで暗号化されます（EKS105、低）。自分のキーを使うには "
            "--kms-key ARN を指定してください。"))
    return out
