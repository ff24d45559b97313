"""eksctl ClusterConfig (`eksctl.io/v1alpha5`) → the model, with eksctl's own defaults.

Defaults come from eksctl @99984adb (eks-domain.md §1.1–§1.4); each is cited where encoded.
This module describes; it never judges.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from eksguard.model import (
    AccessEntry,
    AccessPolicyAssociation,
    Addon,
    Cluster,
    FargateProfile,
    IdentityMapping,
    Network,
    NodeGroup,
    Origin,
    Provenance,
    SshAccess,
    Text,
    Value,
    Vpc,
    VpcEndpoint,
    declared,
    defaulted,
    unknown,
)
from eksguard.sources.fields import (
    Fields,
    Variables,
    as_bool,
    as_int,
    as_str,
    as_str_list,
    configuration_values,
    split_after_placeholders,
)
from eksguard.sources.loading import LineList

TOOL = "eksctl"
# pkg/apis/eksctl.io/v1alpha5/types.go DefaultVersion
DEFAULT_VERSION = "1.34"
# types.go DefaultNodeType
DEFAULT_INSTANCE_TYPE = "m5.large"
# cloudwatch.go: "*" and "all" expand to every log type
ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
# endpoint_service.go: endpoints eksctl creates for `privateCluster.enabled`
PRIVATE_CLUSTER_ENDPOINTS = (("ec2", "Interface"), ("ecr.api", "Interface"), ("ecr.dkr", "Interface"),
                             ("sts", "Interface"), ("s3", "Gateway"))
# known_addons.go: addons eksctl installs unless addonsConfig.disableDefaultAddons
DEFAULT_ADDONS = ("vpc-cni", "kube-proxy", "coredns", "metrics-server")

OPEN_CIDRS_NOTE = Text(
    "`vpc.publicAccessCIDRs` is not set; eksctl sends an empty list and EKS then allows 0.0.0.0/0",
    "`vpc.publicAccessCIDRs` が未設定です。eksctl は空のリストを送り、EKS は 0.0.0.0/0 を許可します",
)
PUBLIC_NODES_NOTE = Text(
    "`privateNetworking` is not set; eksctl places the nodes in public subnets with public IPs",
    "`privateNetworking` が未設定です。eksctl はノードをパブリックサブネットに置き、パブリック IP を付けます",
)
PRIVATE_CLUSTER_NOTE = Text(
    "`privateCluster.enabled: true`: eksctl turns the public endpoint off after creation",
    "`privateCluster.enabled: true` のため、eksctl は作成後にパブリックエンドポイントを無効にします",
)
OUTPOSTS_NOTE = Text(
    "`outpost.controlPlaneOutpostARN` is set: a local cluster on Outposts has a private-only endpoint in "
    "private subnets",
    "`outpost.controlPlaneOutpostARN` が設定されています。Outposts のローカルクラスターのエンドポイントは"
    "プライベートのみで、プライベートサブネットに置かれます",
)


def is_cluster_config(document: Any) -> bool:
    return (isinstance(document, Mapping) and document.get("kind") == "ClusterConfig"
            and str(document.get("apiVersion", "")).startswith("eksctl.io/"))


def _ssh(ng: Fields, windows: bool) -> SshAccess:
    keys = [k for k in ("publicKeyPath", "publicKey", "publicKeyName") if ng.has(f"ssh.{k}")]
    allow = ng.get("ssh.allow", as_bool, TOOL, None)
    if allow.declared or not allow.known:
        enabled = allow
    elif keys:
        # defaults.go setSSHDefaults: any key without `allow: false` turns SSH on
        enabled = defaulted(True, TOOL, ng.origin(f"ssh.{keys[0]}"), Text(
            f"`ssh.{keys[0]}` is set without `allow: false`; eksctl then enables SSH",
            f"`ssh.{keys[0]}` が `allow: false` なしで設定されているため、eksctl は SSH を有効にします"))
    else:
        enabled = defaulted(False, TOOL, ng.origin("ssh"))
    sources: Value[list[str]] = ng.get("ssh.sourceSecurityGroupIds", as_str_list, TOOL, [])
    key = ng.get(f"ssh.{keys[0]}", as_str, TOOL, None) if keys else None
    return SshAccess(enabled, sources, key, windows)


# `iam.withAddonPolicies` → the inline policies eksctl adds to the node role, attachPolicyARNs or not
# (pkg/cfn/builder/iam_helper.go createRole; eks-domain.md §1.1); xRay and cloudWatch only write telemetry
ADDON_POLICIES = {
    "autoScaler": "PolicyAutoScaling",
    "externalDNS": "PolicyExternalDNSChangeSet",
    "certManager": "PolicyCertManagerChangeSet",
    "appMesh": "PolicyAppMesh",
    "appMeshPreview": "PolicyAppMeshPreview",
    "ebs": "PolicyEBS",
    "fsx": "PolicyFSX",
    "efs": "PolicyEFS",
    "awsLoadBalancerController": "PolicyAWSLoadBalancerController",
    "albIngress": "PolicyAWSLoadBalancerController",
    "xRay": "PolicyXRay",
}


def _node_policies(ng: Fields, managed: bool, cluster_oidc: bool) -> Value[list[str]]:
    if ng.has("iam.instanceRoleARN"):
        return unknown(ng.origin("iam.instanceRoleARN"), Text(
            "an existing instance role is used; its policies are not in this file",
            "既存のインスタンスロールを使用しており、そのポリシーはこのファイルにありません"))
    addons = [key for key in ADDON_POLICIES if ng.get(f"iam.withAddonPolicies.{key}", as_bool, TOOL, False).value]
    inline = list(dict.fromkeys(ADDON_POLICIES[key] for key in addons))
    attached = ng.get("iam.attachPolicyARNs", as_str_list, TOOL, None)
    image_builder = ng.get("iam.withAddonPolicies.imageBuilder", as_bool, TOOL, False).value
    if attached.declared:
        # attachPolicyARNs replaces eksctl's default policies, but not imageBuilder's ECR push policy, nor the
        # pull policy of an unmanaged group (iam_helper.go makeManagedPolicies)
        names = {str(arn).rsplit("/", 1)[-1] for arn in attached.value or []}
        kept = ["AmazonEC2ContainerRegistryPowerUser"] if image_builder else [] if managed \
            else ["AmazonEC2ContainerRegistryPullOnly"]
        added = [*(p for p in kept if p not in names), *inline]
        if not added:
            return attached
        written = "imageBuilder" if image_builder else addons[0] if addons else None
        return Value([*(attached.value or []), *added], Provenance.DECLARED,
                     ng.origin(f"iam.withAddonPolicies.{written}" if written else "iam.attachPolicyARNs"))
    # iam_helper.go makeManagedPolicies
    policies = ["AmazonEKSWorkerNodePolicy", "AmazonSSMManagedInstanceCore"]
    if not cluster_oidc:
        policies.append("AmazonEKS_CNI_Policy")
    if image_builder:
        policies.append("AmazonEC2ContainerRegistryPowerUser")
    if managed or not image_builder:
        policies.append("AmazonEC2ContainerRegistryPullOnly")
    if ng.has("iam.attachPolicy"):
        policies.append("inline:attachPolicy")
    policies += inline
    written = "imageBuilder" if image_builder else addons[0] if addons else None  # the setting that added some
    origin = ng.origin(f"iam.withAddonPolicies.{written}" if written else "iam")
    return Value(policies, Provenance.DECLARED if written else Provenance.DEFAULTED, origin,
                 default_by=None if written else TOOL)


@dataclass(frozen=True, slots=True)
class ConfiguredSubnets:
    """The names and ids of one `vpc.subnets`-style mapping (`vpc.subnets`, `vpc.localZoneSubnets`), by kind."""

    public: frozenset[str]
    private: frozenset[str]

    @classmethod
    def read(cls, doc: Fields, pointer: str) -> ConfiguredSubnets:
        _, subnets = doc.raw(pointer)
        found: dict[str, set[str]] = {"public": set(), "private": set()}
        for kind, references in found.items():
            entries = subnets.get(kind) if isinstance(subnets, Mapping) else None
            if not isinstance(entries, Mapping):
                continue
            for key, spec in entries.items():
                # pkg/vpc/vpc.go findInConfiguredVPC: a node group names an entry by its key or by its id
                references.add(str(key))
                if isinstance(spec, Mapping):
                    subnet_id = doc.child(spec, f"{pointer}.{kind}.{key}").text("id")
                    if subnet_id:
                        references.add(subnet_id)
        return cls(frozenset(found["public"]), frozenset(found["private"]))

    @property
    def only_private(self) -> bool:
        return bool(self.private) and not self.public


def _no_public_subnet(origin: Origin, mapping: str) -> Value[bool]:
    """eksctl has no public subnet for a node group without `privateNetworking`: its creation fails."""
    # cfn builder nodegroup.go AssignSubnets and pkg/vpc/vpc.go selectNodeGroupZoneSubnets take the
    # public entries of the mapping (examples/04-existing-vpc.yaml: "if only 'Private' subnets are
    # given, this must be enabled")
    return unknown(origin, Text(
        f"`{mapping}` has only private subnets and `privateNetworking` is not true: eksctl has no public "
        "subnet for this node group, so its creation fails; set `privateNetworking: true`",
        f"`{mapping}` にはプライベートサブネットしかなく、`privateNetworking` が true ではありません。"
        "このノードグループ用のパブリックサブネットがないため作成は失敗します。`privateNetworking: true` を"
        "設定してください"))


def _named_subnet_public(name: str, origin: Origin, privately: bool, configured: ConfiguredSubnets,
                         mapping: str) -> tuple[Value[bool], bool]:
    """Whether one entry of a node group's `subnets` is public, and whether eksctl refuses it.

    pkg/vpc/vpc.go selectNodeGroupSubnetsFromIDs: the kind `privateNetworking` asks for is looked up
    first, then the other; a private entry without `privateNetworking` is an error, a public entry with
    it is used (with a warning); a name in neither is taken as a subnet id from the account.
    """
    kinds = ("private", "public") if privately else ("public", "private")
    kind = next((k for k in kinds if name in getattr(configured, k)), None)
    if kind is None:
        return unknown(origin, Text(
            f"subnet `{name}` is not in `{mapping}`: eksctl takes it by id from the account, and whether it is "
            "public is not in this file",
            f"サブネット `{name}` は `{mapping}` にありません。eksctl はアカウントから ID で取得するため、パブリックか"
            "どうかはこのファイルにありません")), False
    if kind == "private" and not privately:
        return unknown(origin, Text(
            f"`{name}` is a private subnet of `{mapping}` and `privateNetworking` is not true: eksctl refuses it, "
            "so the node group is not created; set `privateNetworking: true`",
            f"`{name}` は `{mapping}` のプライベートサブネットで、`privateNetworking` が true ではありません。eksctl は"
            "これを拒否し、ノードグループは作成されません。`privateNetworking: true` を設定してください")), True
    if kind == "public":
        return Value(True, Provenance.DECLARED, origin, note=Text(
            f"`{name}` is a public subnet of `{mapping}`"
            + (" (eksctl uses it even with `privateNetworking: true`)" if privately else ""),
            f"`{name}` は `{mapping}` のパブリックサブネットです"
            + ("（`privateNetworking: true` でも eksctl はこれを使います）" if privately else ""))), False
    return declared(False, origin), False


def _subnets_public(ng: Fields, flag_public: Value[bool], privately: bool, zones_given: bool,
                    configured: ConfiguredSubnets, mapping: str) -> Value[bool]:
    """Whether a node group that names its own `subnets` lands in public ones: the first refused entry
    (the node group is not created), else the first public one, else the first unknown one."""
    names: Value[list[str]] = ng.get("subnets", as_str_list, TOOL, None)
    if not names.known:
        return unknown(names.origin, names.note)
    _, raw = ng.raw("subnets")
    lines = raw.item_lines if isinstance(raw, LineList) else []
    list_origin = ng.origin("subnets")
    refused: list[Value[bool]] = []
    verdicts: list[Value[bool]] = []
    for index, name in enumerate(names.value or []):
        origin = list_origin.at(f"{list_origin.pointer}[{index}]", lines[index] if index < len(lines) else None)
        verdict, refuses = _named_subnet_public(name, origin, privately, configured, mapping)
        (refused if refuses else verdicts).append(verdict)
    if zones_given:
        # vpc.go SelectNodeGroupSubnets: the zones add subnets of the kind `privateNetworking` asks for
        verdicts.append(flag_public)
    if refused:
        return refused[0]
    for found in (next((v for v in verdicts if v.value), None), next((v for v in verdicts if not v.known), None)):
        if found is not None:
            return found
    return declared(False, list_origin)


def _node_group(ng: Fields, index: int, managed: bool, cluster_oidc: bool, subnets: ConfiguredSubnets,
                local_zone_subnets: ConfiguredSubnets) -> NodeGroup:
    name = ng.text("name") or f"{'managed' if managed else 'node'}group-{index}"
    private = ng.get("privateNetworking", as_bool, TOOL, False, PUBLIC_NODES_NOTE)
    public: Value[bool] = Value(
        None if private.value is None else not private.value, private.provenance, private.origin,
        private.default_by, private.note)
    # vpc.go SelectNodeGroupSubnets: self-managed groups in local zones take `vpc.localZoneSubnets`
    in_local_zones = not managed and ng.has("localZones")
    configured, mapping = (local_zone_subnets, "vpc.localZoneSubnets") if in_local_zones else (subnets, "vpc.subnets")
    if public.value and configured.only_private:
        public = _no_public_subnet(private.origin, mapping)
    if private.known and ng.raw("subnets")[1]:  # an empty list is no list (vpc.go: len(ng.Subnets) > 0)
        public = _subnets_public(ng, public, bool(private.value), ng.has("localZones" if in_local_zones
                                 else "availabilityZones"), configured, mapping)
    custom_template = managed and ng.has("launchTemplate")
    template_note = Text("the node group uses its own launch template; its settings are not in this file",
                         "ノードグループは独自の起動テンプレートを使用しており、その設定はこのファイルにありません")
    if custom_template:
        tokens: Value[str] = unknown(ng.origin("launchTemplate"), template_note)
        hops: Value[int] = unknown(ng.origin("launchTemplate"), template_note)
    else:
        # nodegroup.go makeMetadataOptions: tokens required if disableIMDSv1 (default true) or
        # disablePodIMDS; hop limit 1 with disablePodIMDS, else 2
        disable_v1 = ng.get("disableIMDSv1", as_bool, TOOL, True)
        disable_pod = ng.get("disablePodIMDS", as_bool, TOOL, False)
        required = bool(disable_v1.value) or bool(disable_pod.value)
        source = disable_pod if disable_pod.value else disable_v1
        tokens = Value("required" if required else "optional", source.provenance, source.origin, source.default_by)
        hops = Value(1 if disable_pod.value else 2, disable_pod.provenance, disable_pod.origin,
                     disable_pod.default_by, None if disable_pod.value else Text(
                         "eksctl sets the IMDS hop limit to 2 unless `disablePodIMDS: true`",
                         "`disablePodIMDS: true` がない場合、eksctl は IMDS のホップ数上限を 2 にします"))
    encrypted = ng.get("volumeEncrypted", as_bool, TOOL, None, Text(
        "`volumeEncrypted` is not set; the account's EBS encryption-by-default setting decides",
        "`volumeEncrypted` が未設定のため、アカウントの EBS デフォルト暗号化設定で決まります"))
    if ng.has("instanceSelector"):
        # userdocs usage/instance-selector.md: eksctl asks EC2 for the types matching the selector at creation
        instance_types: Value[list[str]] = unknown(ng.origin("instanceSelector"), Text(
            "`instanceSelector` lets eksctl pick the instance types from EC2 at creation; list them in "
            "`instanceTypes` to have them checked",
            "`instanceSelector` により eksctl が作成時に EC2 からインスタンスタイプを選ぶため、ここでは分かりません。"
            "確認するには `instanceTypes` に列挙してください"))
    elif custom_template and not ng.has("instanceType"):
        # userdocs usage/launch-template-support.md: with a launch template the type is the template's
        # (`instanceType` is not supported there) unless `instanceTypes` lists them
        instance_types = unknown(ng.origin("launchTemplate"), Text(
            "the instance type comes from the node group's own launch template, which is not in this file",
            "インスタンスタイプはノードグループ独自の起動テンプレートで決まり、そのテンプレートはこのファイルにありません"))
    elif ng.has("instanceTypes"):
        instance_types = ng.get("instanceTypes", as_str_list, TOOL, None)
    elif ng.has("instancesDistribution.instanceTypes"):
        instance_types = ng.get("instancesDistribution.instanceTypes", as_str_list, TOOL, None)
    else:
        type_value = ng.get("instanceType", as_str, TOOL, DEFAULT_INSTANCE_TYPE)
        instance_types = Value(None if type_value.value is None else [type_value.value], type_value.provenance,
                               type_value.origin, type_value.default_by, type_value.note)
    # types.go: the Windows AMI families are WindowsServer{2019,2022,2025}{Core,Full}Container
    windows = (ng.text("amiFamily") or "").startswith("Windows")
    group = NodeGroup(
        name=name,
        kind="managed" if managed else "self-managed",
        origin=ng.origin("name") if ng.has("name") else ng.origin(),
        public_subnets=public,
        ssh=_ssh(ng, windows),
        imds_http_tokens=tokens,
        imds_hop_limit=hops,
        volume_encrypted=encrypted,
        instance_types=instance_types,
        max_pods_per_node=ng.get("maxPodsPerNode", as_int, TOOL, None),
        role_policies=_node_policies(ng, managed, cluster_oidc),
        security_group_ids=as_str_list(ng.raw("securityGroups.attachIDs")[1]) or [],
        windows=windows,
    )
    return group


def _identity_mappings(doc: Fields) -> list[IdentityMapping]:
    mappings = []
    for item, _ in doc.items("iamIdentityMappings"):
        origin = item.origin()
        groups = as_str_list(item.raw("groups")[1]) or []
        if item.has("account"):
            mappings.append(IdentityMapping("account", None, groups, item.origin("account"),
                                            account=item.text("account")))
        elif item.has("serviceName"):
            mappings.append(IdentityMapping("service", None, groups, item.origin("serviceName"),
                                            username=item.text("serviceName")))
        elif item.has("arn"):
            arn = item.text("arn") or ""
            kind = "user" if ":user/" in arn else "role"
            mappings.append(IdentityMapping(kind, arn, groups, origin, username=item.text("username")))
    return mappings


def _access_entries(doc: Fields) -> list[AccessEntry]:
    entries = []
    for item, _ in doc.items("accessConfig.accessEntries"):
        policies = []
        for policy, _ in item.items("accessPolicies"):
            policies.append(AccessPolicyAssociation(
                policy.text("policyARN") or "", (policy.text("accessScope.type") or "cluster").lower(),
                as_str_list(policy.raw("accessScope.namespaces")[1]) or []))
        entries.append(AccessEntry(item.text("principalARN") or "", item.origin("principalARN"),
                                   (item.text("type") or "STANDARD").upper(),
                                   as_str_list(item.raw("kubernetesGroups")[1]) or [], policies))
    return entries


def _addons(doc: Fields) -> list[Addon]:
    addons = [Addon(item.text("name") or "", item.origin("name"), configuration_values(item.raw("configurationValues")[1]),
                    item.text("version"))
              for item, _ in doc.items("addons")]
    if not doc.get("addonsConfig.disableDefaultAddons", as_bool, TOOL, False).value:
        named = {addon.name for addon in addons}
        addons.extend(Addon(name, doc.origin("addons")) for name in DEFAULT_ADDONS if name not in named)
    return addons


def _subnet_azs(doc: Fields) -> Value[list[str]]:
    if doc.has("availabilityZones"):
        written = doc.get("availabilityZones", as_str_list, TOOL, None)
        return written if written.known else _zones_apart_by_suffix(doc, written)
    present, subnets = doc.raw("vpc.subnets")
    if present and isinstance(subnets, Mapping):
        zones: set[str] = set()
        for kind in ("private", "public"):
            for key, spec in (subnets.get(kind) or {}).items():
                az = spec.get("az") if isinstance(spec, Mapping) else None
                if az:
                    zones.add(str(az))
                elif isinstance(key, str) and key[-1:].isalpha() and key[:-1][-1:].isdigit():
                    zones.add(key)  # keys like us-west-2a name the zone
                else:
                    return unknown(doc.origin("vpc.subnets"), Text(
                        "subnets are given by id; their Availability Zones are not in this file",
                        "サブネットが ID で指定されており、アベイラビリティーゾーンはこのファイルにありません"))
        return declared(sorted(zones), doc.origin("vpc.subnets"))
    if doc.has("vpc.controlPlaneSubnetIDs"):
        return unknown(doc.origin("vpc.controlPlaneSubnetIDs"))
    # vpc.go / pkg/az: eksctl selects 3 AZs (2 in us-east-1); the minimum is 2
    return defaulted(["auto-1", "auto-2"], TOOL, doc.origin("metadata"), Text(
        "eksctl picks at least two Availability Zones", "eksctl は少なくとも 2 つのアベイラビリティーゾーンを選びます"))


def _zones_apart_by_suffix(doc: Fields, unresolved: Value[list[str]]) -> Value[list[str]]:
    """`availabilityZones` written as one unresolved prefix and literal suffixes, as far as they tell zones apart.

    `${AWS_DEFAULT_REGION}a` and `${AWS_DEFAULT_REGION}b` are two zones whatever the region is;
    `${AZ1}` and `${AZ2}` (or a prefix that differs) may name one zone, so the value stays unknown.
    """
    _, written = doc.raw("availabilityZones")
    if not isinstance(written, list) or not all(isinstance(zone, str) for zone in written):
        return unresolved
    # the command-line reader's stand-in for an expansion without a name (`${AZS[0]}`, `$(cmd)`): two of them
    # may be different values, so they do not make one prefix (imported here: only scripts need that module)
    from eksguard.sources.commandline import UNKNOWN_EXPANSION

    line = unresolved.origin.line or 0
    parts = {split_after_placeholders(doc.variables.substitute(zone, doc.path, line)[0]) for zone in written}
    prefixes = {prefix for prefix, _ in parts}
    if len(prefixes) != 1 or UNKNOWN_EXPANSION in next(iter(prefixes)):
        return unresolved
    # the zones are told apart by their literal suffixes only: the value names them as written
    return Value(sorted(prefix + suffix for prefix, suffix in parts), Provenance.DECLARED, unresolved.origin,
                 note=Text("the zones differ in what is written after the same unresolved variable",
                           "ゾーンは同じ未解決の変数の後に書かれた文字で区別されます"))


def _control_plane_public(doc: Fields, private_cluster: bool, on_outposts: bool) -> Value[bool]:
    if private_cluster:
        return defaulted(False, TOOL, doc.origin("privateCluster.enabled"), PRIVATE_CLUSTER_NOTE)
    if on_outposts:  # validation.go: "the control plane is already restricted to private subnets on Outposts"
        return defaulted(False, TOOL, doc.origin("outpost.controlPlaneOutpostARN"), OUTPOSTS_NOTE)
    if doc.get("vpc.controlPlaneOnPrivateSubnets", as_bool, TOOL, False).value:
        return declared(False, doc.origin("vpc.controlPlaneOnPrivateSubnets"))
    if doc.get("autoModeConfig.enabled", as_bool, TOOL, False).value:
        return defaulted(False, TOOL, doc.origin("autoModeConfig"))
    if doc.has("vpc.controlPlaneSubnetIDs"):
        ids = set(as_str_list(doc.raw("vpc.controlPlaneSubnetIDs")[1]) or [])
        _, subnets = doc.raw("vpc.subnets")
        public_ids = {str(spec.get("id")) for spec in ((subnets or {}).get("public") or {}).values()
                      if isinstance(spec, Mapping)} if isinstance(subnets, Mapping) else set()
        if ids & public_ids:
            return declared(True, doc.origin("vpc.controlPlaneSubnetIDs"))
        return unknown(doc.origin("vpc.controlPlaneSubnetIDs"), Text(
            "control-plane subnets are given by id; whether they are public is not in this file",
            "コントロールプレーンのサブネットが ID で指定されており、パブリックかどうかはこのファイルにありません"))
    if _existing_vpc(doc) and not _given_subnets(doc, "public"):
        # an existing VPC's control plane goes into the subnets given, here private ones only
        return declared(False, doc.origin("vpc.subnets"))
    # vpc_ipv4.go ControlPlaneSubnetRefs: public and private subnets both host control-plane ENIs
    return defaulted(True, TOOL, doc.origin("vpc"), Text(
        "eksctl places control-plane ENIs in the public subnets too unless "
        "`vpc.controlPlaneOnPrivateSubnets: true` or `vpc.controlPlaneSubnetIDs` is set",
        "`vpc.controlPlaneOnPrivateSubnets: true` か `vpc.controlPlaneSubnetIDs` がない場合、"
        "eksctl はコントロールプレーンの ENI をパブリックサブネットにも置きます"))


def _given_subnets(doc: Fields, kind: str) -> list[Mapping[str, Any]]:
    """The `vpc.subnets.<kind>` entries (`private`, `public`), by AZ or name."""
    _, subnets = doc.raw("vpc.subnets")
    entries = subnets.get(kind) if isinstance(subnets, Mapping) else None
    return [spec for spec in entries.values() if isinstance(spec, Mapping)] if isinstance(entries, Mapping) else []


def _existing_vpc(doc: Fields) -> bool:
    """`vpc.id`, or subnets given by id (`--vpc-private-subnets`/`--vpc-public-subnets` on the command line):
    eksctl uses that VPC and builds none (userdocs usage/vpc-configuration.md, "Use existing VPC")."""
    return doc.has("vpc.id") or any("id" in spec for kind in ("private", "public") for spec in _given_subnets(doc, kind))


EXISTING_VPC_NOTE = Text("the VPC and subnets already exist (`vpc.id` or subnets by id): their DNS settings and routes "
                         "are not in this file",
                         "VPC とサブネットは既存のもの（`vpc.id` または ID 指定のサブネット）で、DNS 設定とルートはこの"
                         "ファイルにありません")


def _network(doc: Fields, private_cluster: bool, log_types: list[str], cluster_name: str) -> Network:
    network = Network()
    if _existing_vpc(doc):
        origin = doc.origin("vpc.id") if doc.has("vpc.id") else doc.origin("vpc.subnets")
        dns = unknown(origin, EXISTING_VPC_NOTE)
        network.vpc = Vpc(doc.text("vpc.id") or "existing VPC", origin, doc.text("vpc.cidr"), dns, dns)
        network.undescribed = EXISTING_VPC_NOTE
    else:
        # vpc_ipv4.go: eksctl builds the VPC with both DNS attributes on
        dns = defaulted(True, TOOL, doc.origin("vpc"))
        network.vpc = Vpc(f"eksctl-{cluster_name}-vpc", doc.origin("vpc"), doc.text("vpc.cidr") or "192.168.0.0/16",
                          dns, dns, created_by=TOOL)
        if private_cluster:
            network.endpoints_known = not doc.get("privateCluster.skipEndpointCreation", as_bool, TOOL, False).value
        else:
            nat = (doc.text("vpc.nat.gateway") or "Single").lower()  # vpc.go ClusterNATDefault
            network.internet_gateways = ["igw"]
            if nat != "disable":
                network.nat_gateways = ["nat"]
            network.endpoints_known = True
    if private_cluster and network.endpoints_known:
        origin = doc.origin("privateCluster")
        network.endpoints = [VpcEndpoint(service, kind, origin) for service, kind in PRIVATE_CLUSTER_ENDPOINTS]
        extra = as_str_list(doc.raw("privateCluster.additionalEndpointServices")[1]) or []
        if log_types and "logs" not in extra:
            extra.append("logs")  # endpoint_service.go: added when CloudWatch logging is on
        network.endpoints.extend(VpcEndpoint(service, "Interface", origin) for service in extra)
    return network


_VERSION_SCALAR = re.compile(r"version\s*:\s*([0-9][0-9.eE+_-]*)")


def _written_number(origin: Origin, number: float) -> str | None:
    """The number as the file writes it (`1.10`, which YAML reads as 1.1), from the source line of the
    `version` key; None when that line cannot be read or does not hold that number."""
    if origin.line is None or origin.path == "-":
        return None
    try:
        with open(origin.path, encoding="utf-8", errors="replace") as source:
            line = next(islice(source, origin.line - 1, None), "")
    except OSError:
        return None
    match = _VERSION_SCALAR.search(line, max((origin.column or 1) - 1, 0))
    if match is None:
        return None
    try:
        return match.group(1) if float(match.group(1).replace("_", "")) == number else None
    except ValueError:
        return None


AL2_LAST_MINOR = 33  # eksctl types.go AmazonLinux2EOLVersion: no AmazonLinux2 node groups from Kubernetes 1.33


def minor_of(version: str) -> int | None:
    """The minor number of `1.N` (`auto` and an empty version are eksctl's default); None for `latest` or a value
    not known."""
    text = DEFAULT_VERSION if version in ("", "auto") else version
    match = re.fullmatch(r"1\.(\d+)", text)
    return int(match.group(1)) if match else None


def refusals(document: Mapping[str, Any], path: str, variables: Variables, version: str | None) -> list[
        tuple[Origin, Text]]:
    """What of a ClusterConfig eksctl refuses although the file reads: AmazonLinux2 node groups from Kubernetes
    1.33 (defaults.go SetNodeGroupDefaults, and SetManagedNodeGroupDefaults unless the group names its own
    `ami`)."""
    minor = minor_of(version) if version is not None else None
    if minor is None or minor < AL2_LAST_MINOR:
        return []
    doc = Fields(document, path, variables)
    found = []
    for kind, managed in (("nodeGroups", False), ("managedNodeGroups", True)):
        for ng, index in doc.items(kind):
            if ng.text("amiFamily") == "AmazonLinux2" and not (managed and ng.text("ami")):
                name = ng.text("name") or f"{kind}[{index}]"
                found.append((ng.origin("amiFamily"), Text(
                    f"eksctl refuses node group `{name}`: AmazonLinux2 is not supported for Kubernetes version "
                    f"1.{minor}; use `amiFamily: AmazonLinux2023` (or Bottlerocket)",
                    f"eksctl はノードグループ `{name}` を拒否します: Kubernetes 1.{minor} では AmazonLinux2 を使えません。"
                    "`amiFamily: AmazonLinux2023`（または Bottlerocket）にしてください")))
    return found


def read_cluster_config(document: Mapping[str, Any], path: str, variables: Variables) -> Cluster:
    doc = Fields(document, path, variables, anchor="metadata.name")
    name = doc.text("metadata.name") or "unnamed"
    cluster_origin = doc.origin("metadata.name")
    private_cluster_value = doc.get("privateCluster.enabled", as_bool, TOOL, False)
    private_cluster = bool(private_cluster_value.value)

    # types.go IsControlPlaneOnOutposts: a local cluster whose control plane runs on the Outpost
    on_outposts = bool(doc.text("outpost.controlPlaneOutpostARN"))
    if on_outposts:
        # cmdutils/configfile.go: eksctl sets private on, public off, and refuses a config that turns
        # public access on (so a declared `true` stays as written: the file is wrong either way)
        outpost_origin = doc.origin("outpost.controlPlaneOutpostARN")
        public_access: Value[bool] = doc.get("vpc.clusterEndpoints.publicAccess", as_bool, TOOL, False)
        if not public_access.declared:
            public_access = defaulted(False, TOOL, outpost_origin, OUTPOSTS_NOTE)
        private_access: Value[bool] = defaulted(True, TOOL, outpost_origin, OUTPOSTS_NOTE)
    elif private_cluster:
        public_access = defaulted(False, TOOL, doc.origin("privateCluster.enabled"), PRIVATE_CLUSTER_NOTE)
        private_access = defaulted(True, TOOL, doc.origin("privateCluster.enabled"), PRIVATE_CLUSTER_NOTE)
    else:
        # defaults.go ClusterEndpointAccessDefaults: public on, private off
        public_access = doc.get("vpc.clusterEndpoints.publicAccess", as_bool, TOOL, True)
        private_access = doc.get("vpc.clusterEndpoints.privateAccess", as_bool, TOOL, False)
    # cfn builder cluster.go: an empty list is sent, and EKS allows 0.0.0.0/0
    cidrs: Value[list[str]] = doc.get("vpc.publicAccessCIDRs", as_str_list, TOOL, [], OPEN_CIDRS_NOTE)

    logs: Value[list[str]] = doc.get("cloudWatch.clusterLogging.enableTypes", as_str_list, TOOL, [])
    if logs.value and any(t in ("*", "all") for t in logs.value):
        logs = Value(list(ALL_LOG_TYPES), logs.provenance, logs.origin)

    version = doc.get("metadata.version", as_str, TOOL, DEFAULT_VERSION)
    if version.value in ("", "auto"):
        version = defaulted(DEFAULT_VERSION, TOOL, version.origin)
    elif isinstance(written_version := doc.raw("metadata.version")[1], float):
        # YAML reads `1.30` as the number 1.3; eksctl decodes the field as a string and refuses a number
        # (its own test: pkg/eks/testdata/bad-type-1.yaml)
        number = version.value
        quoted = _written_number(version.origin, written_version) or "1.30"
        version = unknown(version.origin, Text(
            f"`metadata.version` is the number {number} in YAML, not a version string; eksctl refuses it: "
            f"quote it (`version: \"{quoted}\"`)",
            f"`metadata.version` は YAML では数値 {number} でありバージョン文字列ではないため、eksctl は受け付けません。"
            f"引用符で囲んでください（`version: \"{quoted}\"`）"))

    outposts = doc.has("outpost")
    # defaults.go getDefaultAuthenticationMode: CONFIG_MAP on Outposts, else API_AND_CONFIG_MAP
    auth_mode = doc.get("accessConfig.authenticationMode", as_str, TOOL,
                        "CONFIG_MAP" if outposts else "API_AND_CONFIG_MAP")
    oidc = doc.get("iam.withOIDC", as_bool, TOOL, False)
    addons = _addons(doc)
    auto_mode = bool(doc.get("autoModeConfig.enabled", as_bool, TOOL, False).value)
    pod_identity_addon = next((a for a in addons if a.name == "eks-pod-identity-agent"), None)
    if pod_identity_addon is not None:
        pod_identity: Value[bool] = declared(True, pod_identity_addon.origin)
    elif auto_mode:
        pod_identity = declared(True, doc.origin("autoModeConfig.enabled"))
    else:
        pod_identity = defaulted(False, TOOL, doc.origin("addons"))

    cluster = Cluster(
        name=name,
        source="eksctl",
        origin=cluster_origin,
        region=doc.get("metadata.region", as_str, TOOL, None),
        version=version,
        endpoint_public_access=public_access,
        endpoint_private_access=private_access,
        public_endpoint_cidrs=cidrs,
        log_types=logs,
        secrets_kms_key=doc.get("secretsEncryption.keyARN", as_str, TOOL, None),
        authentication_mode=auth_mode,
        # cfn builder cluster.go: sent as true unless explicitly false
        bootstrap_creator_admin=doc.get("accessConfig.bootstrapClusterCreatorAdminPermissions", as_bool, TOOL, True),
        irsa_enabled=oidc,
        pod_identity_enabled=pod_identity,
        private_cluster=private_cluster_value,
        cluster_subnet_azs=_subnet_azs(doc),
        control_plane_in_public_subnets=_control_plane_public(doc, private_cluster, on_outposts),
        control_plane_security_group_ids=as_str_list(doc.raw("vpc.controlPlaneSecurityGroupIDs")[1]) or [],
        identity_mappings=_identity_mappings(doc),
        access_entries=_access_entries(doc),
        addons=addons,
        ip_family=doc.get("kubernetesNetworkConfig.ipFamily", as_str, TOOL, "IPv4"),  # types.go: IPv4 by default
        uses_cloudwatch_logging=bool(logs.value),
        outposts_local_cluster=doc.origin("outpost.controlPlaneOutpostARN") if on_outposts else None,
    )
    cluster.network = _network(doc, private_cluster, logs.value or [], name)
    cluster.network.proxy_declared = False
    subnets = ConfiguredSubnets.read(doc, "vpc.subnets")
    local_zone_subnets = ConfiguredSubnets.read(doc, "vpc.localZoneSubnets")
    for kind, managed in (("nodeGroups", False), ("managedNodeGroups", True)):
        for ng, index in doc.items(kind):
            cluster.node_groups.append(_node_group(ng, index, managed, bool(oidc.value), subnets, local_zone_subnets))
            if ng.get("iam.withAddonPolicies.awsLoadBalancerController", as_bool, TOOL, False).value or \
                    ng.get("iam.withAddonPolicies.albIngress", as_bool, TOOL, False).value:
                cluster.load_balancer_controller = True
            if ng.get("iam.withAddonPolicies.autoScaler", as_bool, TOOL, False).value:
                cluster.cluster_autoscaler = True
    for profile, _ in doc.items("fargateProfiles"):
        selectors = [sel for sel, _ in profile.items("selectors")]
        cluster.fargate_profiles.append(FargateProfile(
            profile.text("name") or "fargate", profile.origin("name"),
            [sel.text("namespace") or "" for sel in selectors],
            as_str_list(profile.raw("subnets")[1]) or [],
            [sel.text("namespace") or "" for sel in selectors if not sel.raw("labels")[1]]))
    return cluster
