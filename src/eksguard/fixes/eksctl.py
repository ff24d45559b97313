"""Minimal edits of eksctl ClusterConfig files, driven by the scan's failing findings.

Each fixer changes only the fields its rule reads, respects eksctl's own validations
(`pkg/apis/eksctl.io/v1alpha5/validation.go`, `pkg/ctl/cmdutils/configfile.go` @99984adb) and
skips with the reason when the change would be rejected or needs a decision only the user can make.
After the edit the text is scanned again: a change that did not clear its finding is undone, and a
file whose edit would add any finding is left as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.findings import Finding
from eksguard.fixes import (
    ADMIN_POLICY_ARN,
    OPEN_CIDRS,
    REQUIRED_LOG_TYPES,
    Change,
    FixOptions,
    Outcome,
    Skip,
)
from eksguard.fixes.yamledit import EditError, minimal_edit, unified_diff
from eksguard.model import InputProblem, Text
from eksguard.sources.eksctl import is_cluster_config
from eksguard.sources.loading import InputError, Limits, read_text

FIXABLE = ("EKS101", "EKS103", "EKS104", "EKS107", "EKS108", "EKS201", "EKS208", "EKS301", "EKS302", "EKS401")
# a fix may turn one finding into a milder one of another rule: restricting the public endpoint to
# your CIDRs (EKS101, critical) leaves it enabled-but-restricted (EKS102, low) by design
SUCCESSORS = {"EKS101": ("EKS102",)}
_NODE_GROUP_POINTER = re.compile(r"^(nodeGroups|managedNodeGroups)\[(\d+)\]")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")

OUTPOSTS = Text("Outposts control planes are private-only and eksctl rejects endpoint, OIDC and creator-admin "
                "settings there; change it by hand if at all",
                "Outposts のコントロールプレーンはプライベート専用で、eksctl はエンドポイント・OIDC・作成者管理者の設定を"
                "受け付けません。必要なら手で変更してください")
PRIVATE_CLUSTER = Text("`privateCluster.enabled: true` manages the endpoints itself; eksctl rejects "
                       "`vpc.clusterEndpoints` in a fully-private cluster",
                       "`privateCluster.enabled: true` ではエンドポイントを eksctl が管理し、`vpc.clusterEndpoints` を"
                       "設定すると拒否されます")
NOT_A_MAPPING = Text("`{field}` is not a mapping; fix the file by hand", "`{field}` がマッピングではありません。手で修正してください")


def _text(en: str, ja: str, **values: object) -> Text:
    return Text(en, ja).format(**values) if values else Text(en, ja)


# --- small helpers on ruamel round-trip data ------------------------------------------------


def _new_map() -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()


def _flow_list(items: Iterable[str]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(list(items))
    seq.fa.set_flow_style()
    return seq


def _like(items: list[Any], value: str) -> Any:
    """`value` quoted the way the existing items of a list are."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    for style in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if items and all(isinstance(item, style) for item in items):
            return style(value)
    return value


def _block_list(items: Iterable[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq(list(items))


def _get(node: Any, pointer: str) -> Any:
    for part in pointer.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _truthy(node: Any, pointer: str) -> bool:
    value = _get(node, pointer)
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _ensure_map(parent: Any, key: str) -> Any | None:
    """`parent[key]` as a mapping, added (at the end) when absent or empty; None when it is something else."""
    value = parent.get(key)
    if isinstance(value, Mapping):
        return value
    if value is None:
        parent[key] = _new_map()
        return parent[key]
    return None


def _set(mapping: Any, key: str, value: Any) -> None:
    if mapping.get(key) != value or type(mapping.get(key)) is not type(value):
        mapping[key] = value


# --- the fixers -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    doc: Any
    finding: Finding
    options: FixOptions
    fixing: set[str]  # rules fixed in the same document in this pass
    outcome: Outcome
    node_group: Any = None
    node_group_kind: str = ""

    def change(self, en: str, ja: str, **values: object) -> None:
        self.outcome.changes.append(Change(self.finding.rule, self.finding.target, _text(en, ja, **values)))

    def skip(self, why: Text) -> None:
        self.outcome.skipped.append(Skip(self.finding.rule, self.finding.target, why))


def _vpc(ctx: _Context) -> Any | None:
    vpc = _ensure_map(ctx.doc, "vpc")
    if vpc is None:
        ctx.skip(NOT_A_MAPPING.format(field="vpc"))
    return vpc


def _fix_public_endpoint(ctx: _Context) -> None:  # EKS101
    doc, options = ctx.doc, ctx.options
    if "outpost" in doc:
        return ctx.skip(OUTPOSTS)
    if _truthy(doc, "privateCluster.enabled"):
        return ctx.skip(PRIVATE_CLUSTER)
    if options.allow_cidrs:
        ipv6_cluster = str(_get(doc, "kubernetesNetworkConfig.ipFamily") or "").lower() == "ipv6"
        if not ipv6_cluster and any(":" in cidr for cidr in options.allow_cidrs):
            return ctx.skip(Text("an IPv4 cluster does not accept IPv6 CIDRs in `publicAccessCIDRs`",
                                 "IPv4 クラスターの `publicAccessCIDRs` には IPv6 の CIDR を指定できません"))
        vpc = _vpc(ctx)
        if vpc is None:
            return None
        current = vpc.get("publicAccessCIDRs")
        if isinstance(current, list):
            for index in reversed(range(len(current))):
                if str(current[index]).strip() in OPEN_CIDRS:
                    del current[index]
            present = {str(item).strip() for item in current}
            current.extend(_like(list(current), cidr) for cidr in options.allow_cidrs if cidr not in present)
        else:
            vpc["publicAccessCIDRs"] = _flow_list(options.allow_cidrs)
        cidrs = ", ".join(options.allow_cidrs)
        ctx.change("`vpc.publicAccessCIDRs`: the public endpoint now allows only {cidrs}",
                   "`vpc.publicAccessCIDRs`: パブリックエンドポイントは {cidrs} だけを許可します", cidrs=cidrs)
        private_on = _truthy(doc, "vpc.clusterEndpoints.privateAccess") or "EKS103" in ctx.fixing
        if (doc.get("nodeGroups") or doc.get("managedNodeGroups")) and not private_on:
            ctx.outcome.warn(Text(
                "With `publicAccessCIDRs` set and private access off, nodes reach the API only through those "
                "CIDRs and cannot join: also set `vpc.clusterEndpoints.privateAccess: true` (EKS103).",
                "`publicAccessCIDRs` を設定しプライベートアクセスが無効のままだと、ノードはその CIDR 経由でしか API に"
                "到達できず参加できません。`vpc.clusterEndpoints.privateAccess: true`（EKS103）も設定してください。"))
        return None
    if options.private_endpoint:
        vpc = _vpc(ctx)
        endpoints = _ensure_map(vpc, "clusterEndpoints") if vpc is not None else None
        if endpoints is None:
            return ctx.skip(NOT_A_MAPPING.format(field="vpc.clusterEndpoints")) if vpc is not None else None
        _set(endpoints, "publicAccess", False)
        _set(endpoints, "privateAccess", True)
        ctx.change("`vpc.clusterEndpoints`: public access off, private access on",
                   "`vpc.clusterEndpoints`: パブリックアクセスを無効、プライベートアクセスを有効にしました")
        ctx.outcome.warn(Text(
            "Private-only endpoint: eksctl warns at create, and later eksctl and kubectl commands must run inside "
            "the VPC (VPN, Direct Connect, a bastion or SSM).",
            "プライベート専用エンドポイント: eksctl は作成時に警告し、以後の eksctl と kubectl は VPC 内（VPN、Direct "
            "Connect、踏み台、SSM）から実行する必要があります。"))
        return None
    return ctx.skip(Text(
        "needs your decision: `--allow-cidr CIDR` (your address, e.g. 203.0.113.10/32; repeatable) to restrict "
        "the public endpoint, or `--private-endpoint` to turn public access off and private access on",
        "判断が必要です: パブリックエンドポイントを制限するなら `--allow-cidr CIDR`（自分のアドレス、例 203.0.113.10/32。"
        "複数可）、パブリックアクセスを無効にしてプライベートアクセスを有効にするなら `--private-endpoint` を指定してください"))


def _fix_private_endpoint(ctx: _Context) -> None:  # EKS103
    if "outpost" in ctx.doc:
        return ctx.skip(OUTPOSTS)
    if _truthy(ctx.doc, "privateCluster.enabled"):
        return ctx.skip(PRIVATE_CLUSTER)
    vpc = _vpc(ctx)
    endpoints = _ensure_map(vpc, "clusterEndpoints") if vpc is not None else None
    if endpoints is None:
        return ctx.skip(NOT_A_MAPPING.format(field="vpc.clusterEndpoints")) if vpc is not None else None
    _set(endpoints, "privateAccess", True)
    ctx.change("`vpc.clusterEndpoints.privateAccess: true`", "`vpc.clusterEndpoints.privateAccess: true` にしました")
    return None


def _fix_logging(ctx: _Context) -> None:  # EKS104
    cloudwatch = _ensure_map(ctx.doc, "cloudWatch")
    logging = _ensure_map(cloudwatch, "clusterLogging") if cloudwatch is not None else None
    if logging is None:
        return ctx.skip(NOT_A_MAPPING.format(field="cloudWatch.clusterLogging"))
    current = logging.get("enableTypes")
    if isinstance(current, list):
        present = {str(item) for item in current}
        missing = [t for t in REQUIRED_LOG_TYPES if t not in present]
        current.extend(_like(list(current), t) for t in missing)
    elif current is None or isinstance(current, str):
        missing = [t for t in REQUIRED_LOG_TYPES if t != current]
        logging["enableTypes"] = _flow_list(([current] if current else []) + missing)
    else:
        return ctx.skip(NOT_A_MAPPING.format(field="cloudWatch.clusterLogging.enableTypes"))
    ctx.change("`cloudWatch.clusterLogging.enableTypes`: added {types}",
               "`cloudWatch.clusterLogging.enableTypes` に {types} を追加しました", types=", ".join(missing))
    return None


def _fix_authentication_mode(ctx: _Context) -> None:  # EKS107
    if "outpost" in ctx.doc:
        return ctx.skip(OUTPOSTS)
    if ctx.doc.get("iamIdentityMappings"):
        return ctx.skip(Text(
            "`iamIdentityMappings` write aws-auth, which API mode ignores: move them to "
            "`accessConfig.accessEntries` first, then set `authenticationMode: API`",
            "`iamIdentityMappings` は aws-auth に書き込みますが、API モードでは使われません。先に "
            "`accessConfig.accessEntries` へ移してから `authenticationMode: API` にしてください"))
    access = _ensure_map(ctx.doc, "accessConfig")
    if access is None:
        return ctx.skip(NOT_A_MAPPING.format(field="accessConfig"))
    _set(access, "authenticationMode", "API")
    ctx.change("`accessConfig.authenticationMode: API`", "`accessConfig.authenticationMode: API` にしました")
    return None


def _is_admin_entry(entry: Any) -> bool:
    if not isinstance(entry, Mapping):
        return False
    for policy in entry.get("accessPolicies") or []:
        if not isinstance(policy, Mapping):
            continue
        name = str(policy.get("policyARN", "")).rsplit("/", 1)[-1]
        scope = str(_get(policy, "accessScope.type") or "cluster").lower()
        if name in ("AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy") and scope == "cluster":
            return True
    return False


def _fix_creator_admin(ctx: _Context) -> None:  # EKS108
    doc, options = ctx.doc, ctx.options
    if "outpost" in doc:
        return ctx.skip(OUTPOSTS)
    mode = str(_get(doc, "accessConfig.authenticationMode") or "API_AND_CONFIG_MAP").upper()
    if mode == "CONFIG_MAP":
        return ctx.skip(Text(
            "with `authenticationMode: CONFIG_MAP` no access entry can give anyone admin instead of the creator: "
            "fix EKS107 first (or use API_AND_CONFIG_MAP)",
            "`authenticationMode: CONFIG_MAP` では作成者の代わりに管理者権限を与えるアクセスエントリーを作れません。"
            "先に EKS107 を修正してください（または API_AND_CONFIG_MAP）"))
    access = _ensure_map(doc, "accessConfig")
    if access is None:
        return ctx.skip(NOT_A_MAPPING.format(field="accessConfig"))
    entries = access.get("accessEntries")
    if entries is not None and not isinstance(entries, list):
        return ctx.skip(NOT_A_MAPPING.format(field="accessConfig.accessEntries"))
    added = None
    if not any(_is_admin_entry(entry) for entry in entries or []):
        arn = options.admin_role_arn
        if not arn:
            return ctx.skip(Text(
                "needs `--admin-role-arn ARN`: with no access entry granting cluster admin, turning the creator's "
                "admin off would leave nobody able to administer the cluster",
                "`--admin-role-arn ARN` が必要です。クラスター管理者を与えるアクセスエントリーがないまま作成者の管理者権限を"
                "外すと、誰もクラスターを管理できなくなります"))
        if any(isinstance(e, Mapping) and str(e.get("principalARN")) == arn for e in entries or []):
            return ctx.skip(Text(
                "`{arn}` already has an access entry without cluster admin: add AmazonEKSClusterAdminPolicy to it by hand",
                "`{arn}` には管理者ポリシーのないアクセスエントリーが既にあります。AmazonEKSClusterAdminPolicy を手で追加してください"
            ).format(arn=arn))
        scope = _new_map()
        scope["type"] = "cluster"
        policy = _new_map()
        policy["policyARN"] = ADMIN_POLICY_ARN
        policy["accessScope"] = scope
        entry = _new_map()
        entry["principalARN"] = arn
        entry["accessPolicies"] = _block_list([policy])
        if entries is None:
            access["accessEntries"] = _block_list([entry])
        else:
            entries.append(entry)
        added = arn
    _set(access, "bootstrapClusterCreatorAdminPermissions", False)
    if added:
        ctx.change("`accessConfig.bootstrapClusterCreatorAdminPermissions: false`, and an access entry giving "
                   "{arn} AmazonEKSClusterAdminPolicy",
                   "`accessConfig.bootstrapClusterCreatorAdminPermissions: false` にし、{arn} に "
                   "AmazonEKSClusterAdminPolicy を与えるアクセスエントリーを追加しました", arn=added)
    else:
        ctx.change("`accessConfig.bootstrapClusterCreatorAdminPermissions: false` (an access entry already grants "
                   "cluster admin)",
                   "`accessConfig.bootstrapClusterCreatorAdminPermissions: false` にしました（クラスター管理者は既存の"
                   "アクセスエントリーが付与します）")
    ctx.outcome.warn(Text(
        "With the creator's admin off, run eksctl as a principal that has an access entry (for example the admin "
        "role): steps that use the Kubernetes API (iamIdentityMappings, service accounts) fail otherwise.",
        "作成者の管理者権限を外したので、eksctl はアクセスエントリーを持つプリンシパル（例: 管理者ロール）で実行してください。"
        "そうしないと Kubernetes API を使う手順（iamIdentityMappings、サービスアカウント）が失敗します。"))
    return None


def _fix_private_nodes(ctx: _Context) -> None:  # EKS201
    doc, ng = ctx.doc, ctx.node_group
    if ng.get("subnets"):
        return ctx.skip(Text(
            "the node group names its own `subnets`: replace them with private subnets and set "
            "`privateNetworking: true` by hand (eksctl rejects public subnets for private node groups)",
            "ノードグループが独自の `subnets` を指定しています。プライベートサブネットに置き換えてから手で "
            "`privateNetworking: true` にしてください（eksctl はプライベートノードグループにパブリックサブネットを拒否します）"))
    if _get(doc, "vpc.id") and not _get(doc, "vpc.subnets.private"):
        return ctx.skip(Text(
            "the existing VPC lists no private subnets (`vpc.subnets.private`); eksctl cannot place private nodes",
            "既存 VPC のプライベートサブネット（`vpc.subnets.private`）が記述されておらず、eksctl はプライベートノードを配置できません"))
    _set(ng, "privateNetworking", True)
    ctx.change("`privateNetworking: true` on node group `{name}`",
               "ノードグループ `{name}` を `privateNetworking: true` にしました", name=_ng_name(ctx))
    nat = str(_get(doc, "vpc.nat.gateway") or "").lower()
    if nat == "disable" and not _truthy(doc, "privateCluster.enabled"):
        ctx.outcome.warn(Text(
            "The VPC has no NAT gateway (`vpc.nat.gateway: Disable`): private nodes then have no internet egress "
            "and cannot pull images or join. Set `vpc.nat.gateway: Single` (or HighlyAvailable), or make it a "
            "private cluster with VPC endpoints.",
            "VPC に NAT ゲートウェイがありません（`vpc.nat.gateway: Disable`）。プライベートノードはインターネットに出られず、"
            "イメージ取得もクラスター参加もできません。`vpc.nat.gateway: Single`（または HighlyAvailable）にするか、"
            "VPC エンドポイント付きのプライベートクラスターにしてください。"))
    elif _get(doc, "vpc.id"):
        ctx.outcome.warn(Text(
            "Existing VPC: make sure its private subnets route 0.0.0.0/0 to a NAT gateway (or have VPC endpoints).",
            "既存 VPC: プライベートサブネットが 0.0.0.0/0 を NAT ゲートウェイへ向けている（または VPC エンドポイントがある）"
            "ことを確認してください。"))
    return None


def _fix_ssh(ctx: _Context) -> None:  # EKS208
    ssh = _ensure_map(ctx.node_group, "ssh")
    if ssh is None:
        return ctx.skip(NOT_A_MAPPING.format(field="ssh"))
    _set(ssh, "allow", False)
    ctx.change("`ssh.allow: false` on node group `{name}` (use SSM Session Manager instead)",
               "ノードグループ `{name}` を `ssh.allow: false` にしました（代わりに SSM Session Manager を使用）",
               name=_ng_name(ctx))
    return None


def _custom_template(ctx: _Context) -> bool:
    return ctx.node_group_kind == "managedNodeGroups" and bool(ctx.node_group.get("launchTemplate"))


LAUNCH_TEMPLATE = Text("the managed node group uses its own launch template; set the metadata options there",
                       "マネージドノードグループは独自の起動テンプレートを使っています。メタデータオプションはそちらで設定してください")


def _fix_imdsv1(ctx: _Context) -> None:  # EKS301
    if _custom_template(ctx):
        return ctx.skip(LAUNCH_TEMPLATE)
    _set(ctx.node_group, "disableIMDSv1", True)
    ctx.change("`disableIMDSv1: true` on node group `{name}`",
               "ノードグループ `{name}` を `disableIMDSv1: true` にしました", name=_ng_name(ctx))
    return None


def _fix_pod_imds(ctx: _Context) -> None:  # EKS302
    ng, doc = ctx.node_group, ctx.doc
    if _custom_template(ctx):
        return ctx.skip(LAUNCH_TEMPLATE)
    policies = _get(ng, "iam.withAddonPolicies")
    enabled = [str(k) for k, v in policies.items() if v is True or str(v).lower() == "true"] \
        if isinstance(policies, Mapping) else []
    if enabled:
        return ctx.skip(Text(
            "eksctl rejects `disablePodIMDS` together with `iam.withAddonPolicies` ({names}): give those add-ons "
            "IRSA or Pod Identity roles first, then remove the add-on policies",
            "eksctl は `disablePodIMDS` と `iam.withAddonPolicies`（{names}）の併用を拒否します。先にそれらのアドオンへ "
            "IRSA か Pod Identity のロールを与え、アドオンポリシーを外してください").format(names=", ".join(enabled)))
    _set(ng, "disablePodIMDS", True)
    ctx.change("`disablePodIMDS: true` on node group `{name}` (IMDS hop limit 1)",
               "ノードグループ `{name}` を `disablePodIMDS: true` にしました（IMDS ホップ数上限 1）", name=_ng_name(ctx))
    identity = _truthy(doc, "iam.withOIDC") or "EKS401" in ctx.fixing or any(
        isinstance(a, Mapping) and a.get("name") == "eks-pod-identity-agent" for a in doc.get("addons") or [])
    if not identity:
        ctx.outcome.warn(Text(
            "Pods that used the node role through IMDS lose it with `disablePodIMDS`: give them IRSA "
            "(`iam.withOIDC: true`) or Pod Identity first.",
            "`disablePodIMDS` により、IMDS 経由でノードロールを使っていた Pod はそれを使えなくなります。先に IRSA"
            "（`iam.withOIDC: true`）か Pod Identity を用意してください。"))
    return None


def _fix_oidc(ctx: _Context) -> None:  # EKS401
    if "outpost" in ctx.doc:
        return ctx.skip(OUTPOSTS)
    iam = _ensure_map(ctx.doc, "iam")
    if iam is None:
        return ctx.skip(NOT_A_MAPPING.format(field="iam"))
    _set(iam, "withOIDC", True)
    ctx.change("`iam.withOIDC: true` (IRSA)", "`iam.withOIDC: true`（IRSA）にしました")
    return None


def _ng_name(ctx: _Context) -> str:
    return ctx.finding.target.split("/nodegroup/", 1)[-1]


Fixer = Callable[[_Context], None]
CLUSTER_FIXERS: dict[str, Fixer] = {
    "EKS101": _fix_public_endpoint, "EKS103": _fix_private_endpoint, "EKS104": _fix_logging,
    "EKS107": _fix_authentication_mode, "EKS108": _fix_creator_admin, "EKS401": _fix_oidc,
}
NODE_GROUP_FIXERS: dict[str, Fixer] = {
    "EKS201": _fix_private_nodes, "EKS208": _fix_ssh, "EKS301": _fix_imdsv1, "EKS302": _fix_pod_imds,
}


# --- locating the document and node group of a finding ---------------------------------------


def _start_line(document: Any) -> int:
    lc = getattr(document, "lc", None)
    return int(lc.line) + 1 if lc is not None and lc.line is not None else 0


def _document_of(finding: Finding, configs: list[Any]) -> Any | None:
    line = finding.origin.line if finding.origin else None
    if line is not None:
        candidates = [doc for doc in configs if _start_line(doc) <= line]
        if candidates:
            return max(candidates, key=_start_line)
    name = finding.target.split("/")[1] if finding.target.count("/") >= 1 else ""
    named = [doc for doc in configs if str(_get(doc, "metadata.name")) == name]
    return named[0] if len(named) == 1 else (configs[0] if len(configs) == 1 else None)


def _node_group_of(doc: Any, finding: Finding) -> tuple[Any, str] | None:
    match = _NODE_GROUP_POINTER.match(finding.origin.pointer if finding.origin else "")
    if match:
        groups = doc.get(match.group(1))
        index = int(match.group(2))
        if isinstance(groups, list) and index < len(groups) and isinstance(groups[index], Mapping):
            return groups[index], match.group(1)
    name = finding.target.split("/nodegroup/", 1)[-1]
    for kind, prefix in (("nodeGroups", "nodegroup"), ("managedNodeGroups", "managedgroup")):
        for index, group in enumerate(doc.get(kind) or []):
            if isinstance(group, Mapping) and str(group.get("name") or f"{prefix}-{index}") == name:
                return group, kind
    return None


def locate(text: str, failures: list[Finding]) -> tuple[list[tuple[Finding, int]], list[Skip]]:
    """Each finding with the index (among the file's ClusterConfig documents) of the document it is about."""
    from eksguard.fixes.yamledit import load_round_trip

    configs = [doc for doc in load_round_trip(text) if is_cluster_config(doc)]
    located: list[tuple[Finding, int]] = []
    skipped: list[Skip] = []
    for finding in failures:
        doc = _document_of(finding, configs)
        if doc is None:
            skipped.append(Skip(finding.rule, finding.target, Text(
                "the cluster could not be located in the file", "ファイル内でクラスターを特定できませんでした")))
        else:
            located.append((finding, next(i for i, d in enumerate(configs) if d is doc)))
    return sorted(located, key=lambda item: (item[0].rule, item[0].target)), skipped


def apply_fixes(documents: list[Any], located: list[tuple[Finding, int]], options: FixOptions,
                context: list[tuple[Finding, int]] | None = None) -> Outcome:
    """Edit the round-trip `documents` in place for each located finding; say what was done or skipped.

    `context` is every finding fixed in this run (default: `located`), for fixes that depend on each
    other (EKS108 after EKS107; the EKS101 warning when EKS103 is not fixed).
    """
    outcome = Outcome()
    configs = [doc for doc in documents if is_cluster_config(doc)]
    for finding, index in located:
        doc = configs[index]
        fixing = {f.rule for f, i in (context or located) if i == index}
        ctx = _Context(doc, finding, options, fixing, outcome)
        if finding.rule in NODE_GROUP_FIXERS:
            found = _node_group_of(doc, finding)
            if found is None:
                ctx.skip(Text("the node group could not be located in the file",
                              "ファイル内でノードグループを特定できませんでした"))
                continue
            ctx.node_group, ctx.node_group_kind = found
            NODE_GROUP_FIXERS[finding.rule](ctx)
        else:
            CLUSTER_FIXERS[finding.rule](ctx)
    return outcome


def edit_text(text: str, located: list[tuple[Finding, int]], options: FixOptions) -> tuple[str, Outcome]:
    """Apply the fixes as one minimal edit; when that cannot be placed (a file whose parts are indented
    differently), one finding at a time, so that every fix that can be placed still is."""
    try:
        edit, outcome = minimal_edit(text, lambda docs: apply_fixes(docs, located, options))
        return edit.text, outcome
    except EditError:
        pass
    outcome = Outcome()
    for item in located:
        def edit_one(docs: list[Any], item: tuple[Finding, int] = item) -> Outcome:
            return apply_fixes(docs, [item], options, located)

        try:
            edit, one = minimal_edit(text, edit_one)
        except EditError as exc:
            outcome.skipped.append(Skip(item[0].rule, item[0].target, Text(f"not changed: {exc}",
                                                                            f"変更していません: {exc}")))
            continue
        text = edit.text
        outcome.changes.extend(one.changes)
        outcome.skipped.extend(one.skipped)
        for warning in one.warnings:
            outcome.warn(warning)
    return text, outcome


# --- scanning text and fixing one file -------------------------------------------------------


def scan_text(text: str, display: str, variables: Mapping[str, str], config: Config,
              today: dt.date | None = None) -> ScanReport:
    """Scan `text` as if it were the file `display` (same sources, same suppressions)."""
    from eksguard.sources import collect_text

    estate = collect_text(text, display, dict(variables))
    return evaluate(estate, config, today)


@dataclass(slots=True)
class FileFix:
    """The outcome of fixing one file: its text before and after, and what was (not) done."""

    path: str
    original: str
    fixed: str
    outcome: Outcome = field(default_factory=Outcome)
    error: Text | None = None
    other_sources: list[str] = field(default_factory=list)  # clusters here that are not eksctl files

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        return unified_diff(self.path, self.original, self.fixed)


def _key(finding: Finding) -> tuple[str, str]:
    return finding.rule, finding.target


def eksctl_failures(report: ScanReport, path: str, options: FixOptions) -> list[Finding]:
    """The failing, unsuppressed findings of eksctl clusters of `path` that `fix` can fix."""
    clusters = {c.target for c in report.estate.clusters if c.source == "eksctl" and c.origin.path == path}
    return [f for f in report.failures if f.rule in FIXABLE and options.wants(f.rule)
            and "/".join(f.target.split("/")[:2]) in clusters]


def _blocking(problems: list[InputProblem]) -> list[InputProblem]:
    """Problems that stop a fix: an unresolved `${VAR}` only makes its own value unknown."""
    return [p for p in problems if p.kind != "unresolved-variable"]


def fix_text(text: str, path: str, options: FixOptions, config: Config | None = None,
             variables: Mapping[str, str] | None = None, today: dt.date | None = None) -> FileFix:
    """Fix the eksctl ClusterConfig documents of one file's text (nothing is written)."""
    if "\r\n" in text:  # edit with LF line ends, give the file its CRLF back
        result = fix_text(text.replace("\r\n", "\n"), path, options, config, variables, today)
        changed = result.changed
        result.original = text
        result.fixed = result.fixed.replace("\n", "\r\n") if changed else text
        return result
    config = config or Config()
    variables = variables or {}
    result = FileFix(path, text, text)
    before = scan_text(text, path, variables, config, today)
    blocking = _blocking(before.estate.problems)
    if blocking:
        lines = "; ".join(p.display() for p in blocking)
        result.error = Text(f"not changed: the file could not be read completely: {lines}",
                            f"変更していません: ファイルを完全には読み込めませんでした: {lines}")
        return result
    result.other_sources = sorted({c.source for c in before.estate.clusters if c.source != "eksctl"})
    failures = eksctl_failures(before, path, options)
    if not failures:
        return result
    try:
        located, unlocated = locate(text, failures)
    except EditError as exc:
        result.error = Text(f"not changed: {exc}", f"変更していません: {exc}")
        return result
    old = {_key(f) for f in before.failures}
    undone: list[Skip] = [*unlocated]
    for _ in range(len(located) + 1):
        fixed, outcome = edit_text(text, located, options)
        changed_keys = {(c.rule, c.target) for c in outcome.changes}
        outcome.skipped[:0] = undone
        if fixed == text:
            result.outcome = outcome
            return result
        after = scan_text(fixed, path, variables, config, today)
        if len(_blocking(after.estate.problems)) or len(after.estate.problems) > len(before.estate.problems):
            result.error = Text("not changed: the edited file would not read back cleanly",
                                "変更していません: 編集後のファイルを正しく読み戻せません")
            return result
        now = {_key(f) for f in after.failures}
        allowed = old | {(successor, target) for rule, target in changed_keys for successor in SUCCESSORS.get(rule, ())}
        added = sorted(now - allowed)
        if added:
            result.error = Text(
                "not changed: the edit would add " + ", ".join(f"{r} on {t}" for r, t in added),
                "変更していません: 編集により " + "、".join(f"{t} の {r}" for r, t in added) + " が増えます")
            return result
        persisting = changed_keys & now
        if not persisting:
            result.fixed = fixed
            result.outcome = outcome
            return result
        located = [(f, i) for f, i in located if _key(f) not in persisting]
        undone.extend(Skip(rule_id, target, Text(
            "the change did not clear the finding (a variable, an anchor or another setting decides it); "
            "fix it by hand", "変更しても指摘が解消しませんでした（変数・アンカー・他の設定が影響しています）。手で修正してください"))
            for rule_id, target in sorted(persisting))
    result.error = Text("not changed: the fixes did not converge", "変更していません: 修正が収束しませんでした")
    return result


def fix_file(path: str, options: FixOptions, config: Config | None = None,
             variables: Mapping[str, str] | None = None, today: dt.date | None = None,
             limits: Limits | None = None) -> FileFix:
    try:
        text = read_text(Path(path), limits or Limits())
        bom = Path(path).read_bytes()[:3] == b"\xef\xbb\xbf"
    except (InputError, OSError) as error:
        message = error.message if isinstance(error, InputError) else str(error)
        result = FileFix(path, "", "")
        result.error = Text(f"cannot read: {message}", f"読み込めません: {message}")
        return result
    result = fix_text(text, path, options, config, variables, today)
    if bom:  # the byte-order mark goes back where it was
        result.original = "\ufeff" + result.original
        result.fixed = "\ufeff" + result.fixed
    return result
