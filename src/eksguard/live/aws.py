"""AWS side of the live audit: API responses → the same model the static sources fill.

Every value comes from a response (`declared`: this is what is really there), from EKS's or EC2's
documented default when the API leaves a field out (`defaulted`), or is `unknown` with the call
that failed and its IAM action in the note. Origins: `path` is the cluster ARN (the "input"),
`resource` the AWS resource or call ("ec2:DescribeSubnets subnet-…"), `pointer` the field.
This module describes; it never judges (rules do).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import yaml

from eksguard.analysis.network import rule_covers_port, subnets_public
from eksguard.analysis.versions import SupportWindow
from eksguard.live.api import AwsApi, Gap
from eksguard.model import (
    EKS_API,
    AccessEntry,
    AccessPolicyAssociation,
    Addon,
    Cluster,
    FargateProfile,
    Network,
    NodeGroup,
    Origin,
    PodIdentityAssociation,
    Provenance,
    RoleTrust,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    SshAccess,
    Subnet,
    Text,
    Value,
    Vpc,
    VpcEndpoint,
    declared,
    defaulted,
    unknown,
)

EKS = EKS_API
EC2 = "EC2"
OPEN_CIDRS = ("0.0.0.0/0", "::/0")
# the last path segment of a Windows AMI type (`WINDOWS_CORE_2022_x86_64` ...)
WINDOWS_PREFIX = "WINDOWS"
# addons/agents that count as observability for EKS603
OBSERVABILITY_ADDONS = ("metrics-server", "amazon-cloudwatch-observability", "adot",
                        "prometheus-node-exporter", "kube-state-metrics")


@dataclass(frozen=True, slots=True)
class Target:
    """One cluster to audit."""

    profile: str | None
    region: str
    cluster: str
    context: str | None = None

    @property
    def key(self) -> str:
        return f"{self.profile or 'default'}/{self.region}/{self.cluster}"

    def as_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "region": self.region, "cluster": self.cluster, "context": self.context}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Target:
        return cls(data.get("profile") or None, str(data["region"]), str(data["cluster"]),
                   data.get("context") or None)


def iam_region(region: str) -> str:
    """IAM is global: one region per partition, so every cluster shares the same (memoised) IAM calls."""
    if region.startswith("cn-"):
        return "cn-north-1"
    if region.startswith("us-gov-"):
        return "us-gov-west-1"
    return "us-east-1"


def _date(text: Any) -> Any:
    import datetime as dt

    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def support_windows(response: Mapping[str, Any]) -> dict[str, SupportWindow]:
    """DescribeClusterVersions → version support windows (overrides the bundled table for EKS106)."""
    windows: dict[str, SupportWindow] = {}
    for row in response.get("clusterVersions") or []:
        version = str(row.get("clusterVersion") or "")
        standard, extended = _date(row.get("endOfStandardSupportDate")), _date(row.get("endOfExtendedSupportDate"))
        if version and standard and extended:
            windows[version] = SupportWindow(version, standard, extended)
    return windows


def parse_configuration(raw: Any) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return dict(raw)
    if not isinstance(raw, str) or not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        try:
            parsed = yaml.safe_load(raw)
        except yaml.YAMLError:
            return {}
    return dict(parsed) if isinstance(parsed, Mapping) else {}


def trust_document(raw: Any) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, str):
        try:
            parsed = json.loads(unquote(raw))
        except ValueError:
            return {}
        return dict(parsed) if isinstance(parsed, Mapping) else {}
    return {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _tags(items: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in items or [] if t.get("Key") is not None}


@dataclass(slots=True)
class Instance:
    id: str
    data: dict[str, Any]

    @property
    def tags(self) -> dict[str, str]:
        return _tags(self.data.get("Tags"))

    @property
    def group_name(self) -> str | None:
        return self.tags.get("eks:nodegroup-name")

    @property
    def security_groups(self) -> list[str]:
        return [str(g.get("GroupId")) for g in self.data.get("SecurityGroups") or [] if g.get("GroupId")]

    @property
    def root_volume(self) -> str | None:
        root = self.data.get("RootDeviceName")
        for mapping in self.data.get("BlockDeviceMappings") or []:
            if mapping.get("DeviceName") == root or root is None:
                volume = (mapping.get("Ebs") or {}).get("VolumeId")
                return str(volume) if volume else None
        return None


@dataclass(slots=True)
class CollectedCluster:
    cluster: Cluster | None
    gaps: list[Gap] = field(default_factory=list)
    problem: str | None = None
    support_windows: dict[str, SupportWindow] = field(default_factory=dict)
    describe: dict[str, Any] = field(default_factory=dict)  # the DescribeCluster payload (endpoint, CA ...)


class ClusterCollector:
    """Reads one cluster through `api` (live or snapshot) and builds its `Cluster`."""

    def __init__(self, api: AwsApi, target: Target, account: str | None) -> None:
        self.api = api
        self.target = target
        self.account = account
        self.region = target.region
        self.name = target.cluster
        self.arn = f"arn:aws:eks:{self.region}:{account or ''}:cluster/{self.name}"
        self.gaps: list[Gap] = []
        self.failed: dict[str, Gap] = {}
        # per node group, while collecting: its instances, launch template and EKS remote-access SG
        self.members: dict[str, list[Instance]] = {}
        self.templates: dict[str, tuple[str, dict[str, Any]]] = {}
        self.remote_sgs: set[str] = set()

    # --- calls -------------------------------------------------------------------------------

    def get(self, service: str, operation: str, params: Mapping[str, Any] | None = None, *,
            region: str | None = None, tolerate: tuple[str, ...] = ()) -> dict[str, Any] | None:
        result = self.api.call(service, region or self.region, operation, params)
        if result.gap is not None:
            if result.gap.code in tolerate:
                return None
            if result.gap.action not in self.failed:
                self.gaps.append(result.gap)
            self.failed.setdefault(result.gap.action, result.gap)
            return None
        return result.data or {}

    def why(self, action: str) -> Text:
        gap = self.failed.get(action)
        if gap is not None:
            return gap.note()
        return Text(f"not visible: {action} returned nothing", f"取得できません: {action} の結果がありません")

    def origin(self, resource: str | None = None, pointer: str = "") -> Origin:
        return Origin(self.arn, pointer=pointer, resource=resource or self.arn)

    def unknown(self, action: str, resource: str | None = None, pointer: str = "") -> Value[Any]:
        return unknown(self.origin(resource, pointer), self.why(action))

    # --- the cluster -------------------------------------------------------------------------

    def collect(self) -> CollectedCluster:
        described = self.get("eks", "DescribeCluster", {"name": self.name})
        if described is None or not described.get("cluster"):
            gap = self.failed.get("eks:DescribeCluster")
            reason = f"{gap.code or gap.kind}: {gap.message}" if gap else "no cluster in the response"
            return CollectedCluster(None, self.gaps, problem=f"cannot describe cluster {self.name} in "
                                    f"{self.region}: {reason}")
        data = described["cluster"]
        self.arn = str(data.get("arn") or self.arn)
        if self.account is None and self.arn.count(":") >= 5:
            self.account = self.arn.split(":")[4] or None
        cluster = self._cluster(data)
        windows: dict[str, SupportWindow] = {}
        versions = self.get("eks", "DescribeClusterVersions", {"includeAll": True})
        if versions is not None:
            windows = support_windows(versions)
        return CollectedCluster(cluster, self.gaps, support_windows=windows, describe=data)

    def _cluster(self, data: dict[str, Any]) -> Cluster:
        vpc_config: dict[str, Any] = data.get("resourcesVpcConfig") or {}
        arn = self.arn

        def field_value(key: str, default: Any, note: Text | None = None) -> Value[Any]:
            pointer = f"resourcesVpcConfig.{key}"
            if key in vpc_config and vpc_config[key] is not None:
                return declared(vpc_config[key], self.origin(arn, pointer))
            return defaulted(default, EKS, self.origin(arn, pointer), note or Text(
                f"DescribeCluster did not return `{key}`; EKS's default applies",
                f"DescribeCluster が `{key}` を返さなかったため、EKS のデフォルトが適用されます"))

        public = field_value("endpointPublicAccess", True)
        private = field_value("endpointPrivateAccess", False)
        cidrs = field_value("publicAccessCidrs", ["0.0.0.0/0"], Text(
            "DescribeCluster did not return `publicAccessCidrs`; EKS allows 0.0.0.0/0 by default",
            "DescribeCluster が `publicAccessCidrs` を返さなかったため、EKS のデフォルトで 0.0.0.0/0 が許可されます"))
        logging = data.get("logging") or {}
        log_types = sorted({str(t) for entry in logging.get("clusterLogging") or [] if entry.get("enabled")
                            for t in entry.get("types") or []})
        key_arn = None
        for config in data.get("encryptionConfig") or []:
            if "secrets" in (config.get("resources") or []):
                key_arn = (config.get("provider") or {}).get("keyArn")
        access = data.get("accessConfig") or {}
        if access.get("authenticationMode"):
            auth_mode: Value[str] = declared(str(access["authenticationMode"]),
                                             self.origin(arn, "accessConfig.authenticationMode"))
        else:
            auth_mode = unknown(self.origin(arn, "accessConfig.authenticationMode"), Text(
                "DescribeCluster returned no `accessConfig.authenticationMode`",
                "DescribeCluster が `accessConfig.authenticationMode` を返しませんでした"))
        bootstrap = access.get("bootstrapClusterCreatorAdminPermissions")
        cluster = Cluster(
            name=self.name,
            source="live",
            origin=self.origin(arn),
            region=declared(self.region, self.origin(arn, "arn")),
            account=self.account,
            version=declared(str(data.get("version") or ""), self.origin(arn, "version")) if data.get("version")
            else unknown(self.origin(arn, "version")),
            endpoint_public_access=public,
            endpoint_private_access=private,
            public_endpoint_cidrs=cidrs,
            log_types=declared(log_types, self.origin(arn, "logging.clusterLogging")),
            secrets_kms_key=declared(key_arn, self.origin(arn, "encryptionConfig")),
            authentication_mode=auth_mode,
            bootstrap_creator_admin=None if bootstrap is None else declared(
                bool(bootstrap), self.origin(arn, "accessConfig.bootstrapClusterCreatorAdminPermissions")),
            control_plane_security_group_ids=[str(s) for s in vpc_config.get("securityGroupIds") or []],
            control_plane_subnet_ids=[str(s) for s in vpc_config.get("subnetIds") or []],
            cluster_security_group_id=vpc_config.get("clusterSecurityGroupId") or None,
            uses_cloudwatch_logging=bool(log_types),
        )
        family = (data.get("kubernetesNetworkConfig") or {}).get("ipFamily")
        if family:
            cluster.ip_family = declared(str(family), self.origin(arn, "kubernetesNetworkConfig.ipFamily"))
        cluster.oidc_issuer = ((data.get("identity") or {}).get("oidc") or {}).get("issuer")
        self._addons(cluster, data)
        self._access_entries(cluster)
        self._pod_identity(cluster)
        self._oidc(cluster)
        instances = self._instances()
        templates: dict[str, tuple[str, dict[str, Any]] | None] = {}
        self._managed_node_groups(cluster, instances, templates)
        self._self_managed(cluster, instances)
        self._fargate(cluster)
        self._network(cluster, str(vpc_config.get("vpcId") or ""), instances)
        self._volumes(cluster, instances, templates)
        self._guardduty(cluster)
        self._derived(cluster)
        return cluster

    # --- addons, access, identity ------------------------------------------------------------

    def _addons(self, cluster: Cluster, data: dict[str, Any]) -> None:
        listed = self.get("eks", "ListAddons", {"clusterName": self.name})
        auto_mode = bool((data.get("computeConfig") or {}).get("enabled"))
        if listed is None:
            cluster.addons = None
            cluster.pod_identity_enabled = declared(True, self.origin(self.arn, "computeConfig.enabled")) \
                if auto_mode else self.unknown("eks:ListAddons")
            return
        addons = []
        for name in listed.get("addons") or []:
            detail = self.get("eks", "DescribeAddon", {"clusterName": self.name, "addonName": name})
            addon_data = (detail or {}).get("addon") or {}
            resource = str(addon_data.get("addonArn") or f"eks:DescribeAddon {self.name}/{name}")
            addons.append(Addon(str(name), self.origin(resource, "addon"),
                                parse_configuration(addon_data.get("configurationValues")),
                                addon_data.get("addonVersion")))
        cluster.addons = addons
        agent = next((a for a in addons if a.name == "eks-pod-identity-agent"), None)
        if agent is not None:
            cluster.pod_identity_enabled = declared(True, agent.origin)
        elif auto_mode:
            cluster.pod_identity_enabled = declared(True, self.origin(self.arn, "computeConfig.enabled"))
        else:
            cluster.pod_identity_enabled = declared(False, self.origin(f"eks:ListAddons {self.name}"))

    def _access_entries(self, cluster: Cluster) -> None:
        # CONFIG_MAP clusters answer InvalidRequestException: no access entries exist
        listed = self.api.call("eks", self.region, "ListAccessEntries", {"clusterName": self.name})
        if listed.gap is not None:
            if listed.gap.code == "InvalidRequestException":
                cluster.access_entries = []
                return
            self.get("eks", "ListAccessEntries", {"clusterName": self.name})  # records the gap once
            cluster.access_entries = None
            return
        entries = []
        for principal in (listed.data or {}).get("accessEntries") or []:
            params = {"clusterName": self.name, "principalArn": principal}
            detail = (self.get("eks", "DescribeAccessEntry", params) or {}).get("accessEntry") or {}
            policies = self.get("eks", "ListAssociatedAccessPolicies", params)
            resource = str(detail.get("accessEntryArn") or f"eks:DescribeAccessEntry {principal}")
            entry = AccessEntry(str(principal), self.origin(resource, "accessEntry"),
                                str(detail.get("type") or "STANDARD").upper(),
                                [str(g) for g in detail.get("kubernetesGroups") or []])
            for policy in (policies or {}).get("associatedAccessPolicies") or []:
                scope = policy.get("accessScope") or {}
                entry.policies.append(AccessPolicyAssociation(
                    str(policy.get("policyArn") or ""), str(scope.get("type") or "cluster").lower(),
                    [str(n) for n in scope.get("namespaces") or []]))
            entries.append(entry)
        cluster.access_entries = entries

    def _pod_identity(self, cluster: Cluster) -> None:
        listed = self.get("eks", "ListPodIdentityAssociations", {"clusterName": self.name})
        if listed is None:
            return
        cluster.pod_identity_associations = [
            PodIdentityAssociation(str(a.get("namespace") or ""), str(a.get("serviceAccount") or ""),
                                   self.origin(str(a.get("associationArn") or self.arn), "association"))
            for a in listed.get("associations") or []]

    def _oidc(self, cluster: Cluster) -> None:
        issuer = cluster.oidc_issuer
        origin = self.origin(self.arn, "identity.oidc.issuer")
        if not issuer:
            cluster.irsa_enabled = declared(False, origin)
            cluster.oidc_trusting_roles = declared([], origin)
            return
        provider_path = issuer.split("://", 1)[-1].rstrip("/")
        providers = self.get("iam", "ListOpenIDConnectProviders", region=iam_region(self.region))
        provider_arn = None
        if providers is None:
            cluster.irsa_enabled = self.unknown("iam:ListOpenIDConnectProviders", self.arn, "identity.oidc.issuer")
        else:
            provider_arn = next((str(p["Arn"]) for p in providers.get("OpenIDConnectProviderList") or []
                                 if str(p.get("Arn", "")).endswith(f":oidc-provider/{provider_path}")), None)
            cluster.oidc_provider_arn = provider_arn
            cluster.irsa_enabled = declared(provider_arn is not None, self.origin(provider_arn or self.arn,
                                                                                 "identity.oidc.issuer"))
        roles = self.get("iam", "ListRoles", region=iam_region(self.region))
        if roles is None:
            cluster.oidc_trusting_roles = self.unknown("iam:ListRoles", provider_arn or self.arn)
            return
        trusting = []
        for role in roles.get("Roles") or []:
            document = trust_document(role.get("AssumeRolePolicyDocument"))
            statements = [s for s in _as_list(document.get("Statement")) if isinstance(s, Mapping)
                          and any(str(f).endswith(f":oidc-provider/{provider_path}")
                                  for f in _as_list((s.get("Principal") or {}).get("Federated")
                                                    if isinstance(s.get("Principal"), Mapping) else None))]
            if statements:
                role_arn = str(role.get("Arn") or role.get("RoleName"))
                trusting.append(RoleTrust(role_arn, self.origin(role_arn, "AssumeRolePolicyDocument"),
                                          [dict(s) for s in statements]))
        cluster.oidc_trusting_roles = declared(trusting, self.origin(provider_arn or self.arn))

    # --- nodes ---------------------------------------------------------------------------------

    def _instances(self) -> list[Instance] | None:
        found: dict[str, Instance] = {}
        states = {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}
        filters = ([{"Name": "tag:eks:cluster-name", "Values": [self.name]}, states],
                   [{"Name": "tag-key", "Values": [f"kubernetes.io/cluster/{self.name}"]}, states])
        for query in filters:
            response = self.get("ec2", "DescribeInstances", {"Filters": query})
            if response is None:
                return None
            for reservation in response.get("Reservations") or []:
                for data in reservation.get("Instances") or []:
                    found.setdefault(str(data["InstanceId"]), Instance(str(data["InstanceId"]), data))
        return [found[k] for k in sorted(found)]

    def _instance_origin(self, instance: Instance, pointer: str) -> Origin:
        return self.origin(f"ec2:DescribeInstances {instance.id}", pointer)

    def _imds_from_instances(self, group: NodeGroup, instances: list[Instance]) -> None:
        optional = [i for i in instances if (i.data.get("MetadataOptions") or {}).get("HttpTokens") != "required"]
        worst = optional[0] if optional else instances[0]
        tokens = str((worst.data.get("MetadataOptions") or {}).get("HttpTokens") or "optional")
        group.imds_http_tokens = declared(tokens, self._instance_origin(worst, "MetadataOptions.HttpTokens"))
        hops = [(int((i.data.get("MetadataOptions") or {}).get("HttpPutResponseHopLimit") or 1), i) for i in instances]
        top, holder = max(hops, key=lambda pair: pair[0])
        group.imds_hop_limit = declared(top, self._instance_origin(holder, "MetadataOptions.HttpPutResponseHopLimit"))

    def _public_ip(self, group: NodeGroup, instances: list[Instance]) -> None:
        with_ip = [i for i in instances if i.data.get("PublicIpAddress")]
        if with_ip:
            first = with_ip[0]
            group.public_subnets = Value(True, Provenance.DECLARED, self._instance_origin(first, "PublicIpAddress"),
                                         note=Text(
                f"node {first.id} has public IP {first.data['PublicIpAddress']}",
                f"ノード {first.id} にパブリック IP {first.data['PublicIpAddress']} があります"))

    def _launch_template(self, spec: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
        version = str(spec.get("version") or "$Default")
        params: dict[str, Any] = {"Versions": [version]}
        if spec.get("id"):
            params["LaunchTemplateId"] = spec["id"]
        elif spec.get("name"):
            params["LaunchTemplateName"] = spec["name"]
        else:
            return None
        response = self.get("ec2", "DescribeLaunchTemplateVersions", params)
        if response is None:
            return None
        versions = response.get("LaunchTemplateVersions") or []
        if not versions:
            return None
        found = versions[0]
        resource = f"ec2:DescribeLaunchTemplateVersions {found.get('LaunchTemplateId')}:{found.get('VersionNumber')}"
        return resource, dict(found.get("LaunchTemplateData") or {})

    def _role_policies(self, role_arn: str | None, pointer: str) -> Value[list[str]]:
        if not role_arn:
            return unknown(self.origin(self.arn, pointer), Text("the node role is not known",
                                                                "ノードロールが不明です"))
        role_name = role_arn.rsplit("/", 1)[-1]
        region = iam_region(self.region)
        attached = self.get("iam", "ListAttachedRolePolicies", {"RoleName": role_name}, region=region)
        inline = self.get("iam", "ListRolePolicies", {"RoleName": role_name}, region=region)
        if attached is None:
            return self.unknown("iam:ListAttachedRolePolicies", role_arn, pointer)
        if inline is None:
            return self.unknown("iam:ListRolePolicies", role_arn, pointer)
        policies = sorted(str(p.get("PolicyArn") or p.get("PolicyName")) for p in attached.get("AttachedPolicies") or [])
        policies += sorted(f"inline:{name}" for name in inline.get("PolicyNames") or [])
        return declared(policies, self.origin(role_arn, pointer))

    def _managed_node_groups(self, cluster: Cluster, instances: list[Instance] | None,
                             templates: dict[str, tuple[str, dict[str, Any]] | None]) -> None:
        listed = self.get("eks", "ListNodegroups", {"clusterName": self.name})
        if listed is None:
            cluster.notes.append(self.why("eks:ListNodegroups"))
            return
        for name in listed.get("nodegroups") or []:
            response = self.get("eks", "DescribeNodegroup", {"clusterName": self.name, "nodegroupName": name})
            data = (response or {}).get("nodegroup")
            if not data:
                continue
            resource = str(data.get("nodegroupArn") or f"eks:DescribeNodegroup {self.name}/{name}")
            group = NodeGroup(str(name), "managed", self.origin(resource, "nodegroup"),
                              subnet_ids=[str(s) for s in data.get("subnets") or []])
            members = [i for i in instances or [] if i.group_name == name]
            spec = data.get("launchTemplate") or {}
            template = None
            if spec:
                key = json.dumps(spec, sort_keys=True)
                if key not in templates:
                    templates[key] = self._launch_template(spec)
                template = templates[key]
                if template is not None:
                    self.templates[group.name] = template
            self._node_imds(group, members, spec, template, instances is None)
            lt_data = template[1] if template else {}
            lt_type = lt_data.get("InstanceType")
            if lt_type:
                group.instance_types = declared([str(lt_type)], self.origin(template[0] if template else resource,
                                                                            "LaunchTemplateData.InstanceType"))
            elif data.get("instanceTypes"):
                group.instance_types = declared([str(t) for t in data["instanceTypes"]],
                                                self.origin(resource, "instanceTypes"))
            elif members:
                group.instance_types = declared(sorted({str(i.data.get("InstanceType")) for i in members}),
                                                self._instance_origin(members[0], "InstanceType"))
            else:
                group.instance_types = unknown(self.origin(resource, "instanceTypes"))
            lt_groups = [str(g) for g in lt_data.get("SecurityGroupIds") or []]
            for interface in lt_data.get("NetworkInterfaces") or []:
                lt_groups += [str(g) for g in interface.get("Groups") or []]
            # eks-domain.md §5: a launch template with SGs replaces the cluster SG on the nodes
            group.attaches_cluster_sg = not lt_groups
            remote_sg = (data.get("resources") or {}).get("remoteAccessSecurityGroup")
            sg_ids = list(dict.fromkeys([*lt_groups, *(g for i in members for g in i.security_groups),
                                         *([str(remote_sg)] if remote_sg else [])]))
            group.security_group_ids = sg_ids
            windows = str(data.get("amiType") or "").upper().startswith(WINDOWS_PREFIX)
            remote = data.get("remoteAccess")
            access_origin = self.origin(resource, "remoteAccess")
            if remote:
                key_name = remote.get("ec2SshKey")
                group.ssh = SshAccess(declared(bool(key_name), access_origin),
                                      declared([str(s) for s in remote.get("sourceSecurityGroups") or []],
                                               self.origin(resource, "remoteAccess.sourceSecurityGroups")),
                                      declared(str(key_name), access_origin) if key_name else None, windows)
            else:
                group.ssh = SshAccess(declared(False, access_origin), declared([], access_origin), None, windows)
            if remote_sg:
                self.remote_sgs.add(str(remote_sg))
            group.role_policies = self._role_policies(data.get("nodeRole"), "nodeRole")
            self._public_ip(group, members)
            self.members[group.name] = members
            cluster.node_groups.append(group)

    def _node_imds(self, group: NodeGroup, members: list[Instance], spec: Mapping[str, Any],
                   template: tuple[str, dict[str, Any]] | None, instances_unknown: bool) -> None:
        if members:
            self._imds_from_instances(group, members)
            return
        if template is not None:
            resource, lt_data = template
            options = lt_data.get("MetadataOptions") or {}
            origin = self.origin(resource, "LaunchTemplateData.MetadataOptions")
            group.imds_http_tokens = declared(str(options["HttpTokens"]), origin) if options.get("HttpTokens") \
                else defaulted("optional", EC2, origin, Text(
                    "the launch template sets no `HttpTokens`; EC2 then accepts IMDSv1 unless the AMI requires v2",
                    "起動テンプレートに `HttpTokens` がないため、AMI が v2 を必須にしていない限り EC2 は IMDSv1 を受け付けます"))
            group.imds_hop_limit = declared(int(options["HttpPutResponseHopLimit"]), origin) \
                if options.get("HttpPutResponseHopLimit") else defaulted(2, EKS, origin, Text(
                    "the launch template sets no hop limit; managed node groups get 2",
                    "起動テンプレートにホップ数上限がないため、マネージドノードグループでは 2 になります"))
            return
        if spec:
            why = self.why("ec2:DescribeLaunchTemplateVersions")
            group.imds_http_tokens = unknown(group.origin, why)
            group.imds_hop_limit = unknown(group.origin, why)
            return
        note = self.why("ec2:DescribeInstances") if instances_unknown else Text(
            "the node group uses EKS's default launch template and no node is running to read its metadata options",
            "ノードグループは EKS のデフォルト起動テンプレートを使っており、メタデータ設定を読めるノードが稼働していません")
        group.imds_http_tokens = unknown(group.origin, note)
        # eks-domain.md §9 [D8]: the MNG default launch template sets hop limit 2
        group.imds_hop_limit = defaulted(2, EKS, group.origin, Text(
            "EKS's default launch template for managed node groups sets the IMDS hop limit to 2",
            "マネージドノードグループ用の EKS デフォルト起動テンプレートは IMDS のホップ数上限を 2 にします"))

    def _self_managed(self, cluster: Cluster, instances: list[Instance] | None) -> None:
        if not instances:
            return
        managed = {g.name for g in cluster.node_groups}
        groups: dict[str, list[Instance]] = {}
        for instance in instances:
            if instance.group_name and instance.group_name in managed:
                continue
            tags = instance.tags
            name = (instance.group_name or tags.get("alpha.eksctl.io/nodegroup-name")
                    or tags.get("aws:autoscaling:groupName") or "self-managed")
            groups.setdefault(name, []).append(instance)
        for name in sorted(groups):
            members = groups[name]
            first = members[0]
            group = NodeGroup(name, "self-managed", self._instance_origin(first, "Tags"),
                              subnet_ids=sorted({str(i.data.get("SubnetId")) for i in members if i.data.get("SubnetId")}))
            self._imds_from_instances(group, members)
            group.instance_types = declared(sorted({str(i.data.get("InstanceType")) for i in members}),
                                            self._instance_origin(first, "InstanceType"))
            group.security_group_ids = list(dict.fromkeys(g for i in members for g in i.security_groups))
            group.attaches_cluster_sg = False
            key = next((i.data.get("KeyName") for i in members if i.data.get("KeyName")), None)
            windows = any(str(i.data.get("Platform") or "").lower() == "windows" for i in members)
            group.ssh = SshAccess(declared(bool(key), self._instance_origin(first, "KeyName")),
                                  declared([], self._instance_origin(first, "SecurityGroups")),
                                  declared(str(key), self._instance_origin(first, "KeyName")) if key else None, windows)
            profile = (first.data.get("IamInstanceProfile") or {}).get("Arn")
            group.role_policies = self._instance_profile_policies(str(profile) if profile else None)
            self._public_ip(group, members)
            self.members[group.name] = members
            cluster.node_groups.append(group)

    def _instance_profile_policies(self, profile_arn: str | None) -> Value[list[str]]:
        if not profile_arn:
            return unknown(self.origin(self.arn, "IamInstanceProfile"), Text(
                "the nodes have no instance profile", "ノードにインスタンスプロファイルがありません"))
        name = profile_arn.rsplit("/", 1)[-1]
        response = self.get("iam", "GetInstanceProfile", {"InstanceProfileName": name},
                            region=iam_region(self.region))
        if response is None:
            return self.unknown("iam:GetInstanceProfile", profile_arn, "IamInstanceProfile")
        roles = (response.get("InstanceProfile") or {}).get("Roles") or []
        return self._role_policies(str(roles[0]["Arn"]) if roles else None, "IamInstanceProfile")

    def _fargate(self, cluster: Cluster) -> None:
        listed = self.get("eks", "ListFargateProfiles", {"clusterName": self.name})
        for name in (listed or {}).get("fargateProfileNames") or []:
            response = self.get("eks", "DescribeFargateProfile", {"clusterName": self.name, "fargateProfileName": name})
            data = (response or {}).get("fargateProfile") or {}
            resource = str(data.get("fargateProfileArn") or f"eks:DescribeFargateProfile {self.name}/{name}")
            selectors = data.get("selectors") or []
            cluster.fargate_profiles.append(FargateProfile(
                str(name), self.origin(resource, "fargateProfile"),
                [str(s.get("namespace") or "") for s in selectors], [str(s) for s in data.get("subnets") or []],
                [str(s.get("namespace") or "") for s in selectors if not s.get("labels")]))

    # --- the network ---------------------------------------------------------------------------

    def _network(self, cluster: Cluster, vpc_id: str, instances: list[Instance] | None) -> None:
        network = Network()
        cluster.network = network
        wanted_subnets = set(cluster.control_plane_subnet_ids)
        for group in cluster.node_groups:
            wanted_subnets.update(group.subnet_ids)
        for profile in cluster.fargate_profiles:
            wanted_subnets.update(profile.subnet_ids)
        if vpc_id:
            subnet_filter = [{"Name": "vpc-id", "Values": [vpc_id]}]
        else:  # moto (and old API versions) leave out resourcesVpcConfig.vpcId: find it from the subnets
            subnet_filter = [{"Name": "subnet-id", "Values": sorted(wanted_subnets)}]
        subnets = self.get("ec2", "DescribeSubnets", {"Filters": subnet_filter}) if subnet_filter[0]["Values"] \
            else {"Subnets": []}
        for data in (subnets or {}).get("Subnets") or []:
            subnet_id = str(data["SubnetId"])
            origin = self.origin(f"ec2:DescribeSubnets {subnet_id}")
            network.subnets[subnet_id] = Subnet(
                subnet_id, origin, vpc_id=data.get("VpcId"),
                availability_zone=declared(str(data.get("AvailabilityZone")), origin.at("AvailabilityZone")),
                cidr=data.get("CidrBlock"),
                map_public_ip_on_launch=declared(bool(data.get("MapPublicIpOnLaunch")), origin.at("MapPublicIpOnLaunch")),
                tags=_tags(data.get("Tags")))
            vpc_id = vpc_id or str(data.get("VpcId") or "")
        if not vpc_id:
            return
        vpc_filter = [{"Name": "vpc-id", "Values": [vpc_id]}]
        vpc_origin = self.origin(f"ec2:DescribeVpcs {vpc_id}")
        vpcs = self.get("ec2", "DescribeVpcs", {"Filters": vpc_filter})
        vpc_data: dict[str, Any] = next(iter((vpcs or {}).get("Vpcs") or []), {})
        attributes: dict[str, Value[bool]] = {}
        for attribute, key in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
            response = self.get("ec2", "DescribeVpcAttribute", {"VpcId": vpc_id, "Attribute": attribute})
            if response is None:
                attributes[attribute] = self.unknown("ec2:DescribeVpcAttribute", f"ec2:DescribeVpcAttribute {vpc_id}",
                                                     attribute)
            else:
                attributes[attribute] = declared(bool((response.get(key) or {}).get("Value")),
                                                 self.origin(f"ec2:DescribeVpcAttribute {vpc_id}", attribute))
        network.vpc = Vpc(vpc_id, vpc_origin, vpc_data.get("CidrBlock"), attributes["enableDnsSupport"],
                          attributes["enableDnsHostnames"])
        tables = self.get("ec2", "DescribeRouteTables", {"Filters": vpc_filter})
        for data in (tables or {}).get("RouteTables") or []:
            table_id = str(data["RouteTableId"])
            origin = self.origin(f"ec2:DescribeRouteTables {table_id}")
            routes = [self._route(route, origin) for route in data.get("Routes") or []]
            main = False
            for association in data.get("Associations") or []:
                if association.get("Main"):
                    main = True
                subnet_id = association.get("SubnetId")
                if subnet_id and subnet_id in network.subnets:
                    network.subnets[subnet_id].route_table_id = table_id
            network.route_tables[table_id] = RouteTable(table_id, data.get("VpcId"), [r for r in routes if r], main,
                                                        origin)
        gateways = self.get("ec2", "DescribeInternetGateways", {"Filters": [
            {"Name": "attachment.vpc-id", "Values": [vpc_id]}]})
        nats = self.get("ec2", "DescribeNatGateways", {"Filter": [
            {"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "state", "Values": ["pending", "available"]}]})
        if gateways is not None:
            network.internet_gateways = [str(g["InternetGatewayId"]) for g in gateways.get("InternetGateways") or []]
        if nats is not None:
            network.nat_gateways = [str(g["NatGatewayId"]) for g in nats.get("NatGateways") or []]
        if tables is None:
            if gateways is None or nats is None:
                # neither the routes nor the gateways are known: whether nodes reach the internet is unknown
                # (an empty network.vpc makes the egress analysis say so rather than guess "no egress")
                cluster.notes.append(self.why("ec2:DescribeRouteTables"))
                network.vpc = None
        else:
            for table in network.route_tables.values():
                for route in table.routes:
                    if route.target_kind == "igw" and route.target and route.target not in network.internet_gateways:
                        network.internet_gateways.append(route.target)
                    if route.target_kind == "nat" and route.target and route.target not in network.nat_gateways:
                        network.nat_gateways.append(route.target)
        endpoints = self.get("ec2", "DescribeVpcEndpoints", {"Filters": vpc_filter})
        if endpoints is not None:
            network.endpoints_known = True
            prefix = f"com.amazonaws.{self.region}."
            for data in endpoints.get("VpcEndpoints") or []:
                if str(data.get("State", "available")).lower() in ("deleted", "deleting", "failed", "rejected"):
                    continue
                name = str(data.get("ServiceName") or "")
                short = name[len(prefix):] if name.startswith(prefix) else name
                network.endpoints.append(VpcEndpoint(short, str(data.get("VpcEndpointType") or "Interface"),
                                                     self.origin(f"ec2:DescribeVpcEndpoints {data.get('VpcEndpointId')}")))
        self._security_groups(cluster, vpc_filter)

    def _route(self, route: Mapping[str, Any], table_origin: Origin) -> Route | None:
        destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock") \
            or route.get("DestinationPrefixListId")
        if not destination:
            return None
        gateway = str(route.get("GatewayId") or "")
        target: str | None
        if gateway == "local":
            kind, target = "local", "local"
        elif gateway.startswith("igw-"):
            kind, target = "igw", gateway
        elif gateway.startswith("vpce-"):
            kind, target = "vpce", gateway
        elif route.get("NatGatewayId"):
            kind, target = "nat", str(route["NatGatewayId"])
        elif route.get("TransitGatewayId"):
            kind, target = "tgw", str(route["TransitGatewayId"])
        elif route.get("EgressOnlyInternetGatewayId"):
            kind, target = "eigw", str(route["EgressOnlyInternetGatewayId"])
        elif route.get("InstanceId") or route.get("NetworkInterfaceId"):
            kind, target = "instance", str(route.get("InstanceId") or route.get("NetworkInterfaceId"))
        elif gateway:
            kind, target = "other", gateway
        else:
            kind = "other"
            target = str(route.get("VpcPeeringConnectionId") or route.get("LocalGatewayId")
                         or route.get("CarrierGatewayId") or route.get("CoreNetworkArn") or "") or None
        return Route(str(destination), kind, target, table_origin.at(f"Routes[{destination}]"))

    def _security_groups(self, cluster: Cluster, vpc_filter: list[dict[str, Any]]) -> None:
        network = cluster.network
        wanted = [*([cluster.cluster_security_group_id] if cluster.cluster_security_group_id else []),
                  *cluster.control_plane_security_group_ids,
                  *(sg for group in cluster.node_groups for sg in group.security_group_ids)]
        wanted = list(dict.fromkeys(wanted))
        if not wanted:
            return
        groups = self.get("ec2", "DescribeSecurityGroups", {"Filters": [
            *vpc_filter, {"Name": "group-id", "Values": sorted(wanted)}]})
        if groups is None:
            return
        remote = self.remote_sgs
        for data in groups.get("SecurityGroups") or []:
            sg_id = str(data["GroupId"])
            managed_by = "EKS" if sg_id == cluster.cluster_security_group_id else \
                "EKS-remote-access" if sg_id in remote else None
            network.security_groups[sg_id] = SecurityGroup(
                sg_id, self.origin(f"ec2:DescribeSecurityGroups {sg_id}"), data.get("GroupName"), data.get("VpcId"),
                managed_by=managed_by)
        found = sorted(network.security_groups)
        rules: dict[str, Any] | None = {"SecurityGroupRules": []}
        for start in range(0, len(found), 200):
            chunk = self.get("ec2", "DescribeSecurityGroupRules", {"Filters": [
                {"Name": "group-id", "Values": found[start:start + 200]}]})
            if chunk is None or rules is None:
                rules = None
                continue
            rules["SecurityGroupRules"].extend(chunk.get("SecurityGroupRules") or [])
        if rules is not None:
            for data in rules["SecurityGroupRules"]:
                sg = network.security_groups.get(str(data.get("GroupId")))
                if sg is None:
                    continue
                source = (data.get("ReferencedGroupInfo") or {}).get("GroupId")
                sg.rules.append(SecurityGroupRule(
                    "egress" if data.get("IsEgress") else "ingress", str(data.get("IpProtocol", "-1")),
                    data.get("FromPort"), data.get("ToPort"),
                    cidr=data.get("CidrIpv4") or data.get("CidrIpv6") or data.get("PrefixListId"),
                    source_group=str(source) if source else None, description=data.get("Description"),
                    origin=self.origin(f"ec2:DescribeSecurityGroupRules {data.get('SecurityGroupRuleId')}")))
        else:  # the rules call was denied: the permissions inside DescribeSecurityGroups say the same
            for data in groups.get("SecurityGroups") or []:
                sg = network.security_groups[str(data["GroupId"])]
                for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
                    for permission in data.get(key) or []:
                        sources = [(r.get("CidrIp"), None, r.get("Description")) for r in permission.get("IpRanges") or []]
                        sources += [(r.get("CidrIpv6"), None, r.get("Description"))
                                    for r in permission.get("Ipv6Ranges") or []]
                        sources += [(None, r.get("GroupId"), r.get("Description"))
                                    for r in permission.get("UserIdGroupPairs") or []]
                        for cidr, group_id, description in sources:
                            sg.rules.append(SecurityGroupRule(
                                direction, str(permission.get("IpProtocol", "-1")), permission.get("FromPort"),
                                permission.get("ToPort"), cidr, group_id, description, sg.origin))
        self._remote_access(cluster)

    def _remote_access(self, cluster: Cluster) -> None:
        """SSH/RDP open to the internet on the SGs really attached to the nodes (or EKS's remote-access SG)."""
        network = cluster.network
        for group in cluster.node_groups:
            port = 3389 if group.ssh is not None and group.ssh.windows else 22
            opened: list[str] = []
            allowed_from: list[str] = []
            for sg_id in group.security_group_ids:
                sg = network.security_groups.get(sg_id)
                for rule in sg.rules if sg else []:
                    if rule.direction != "ingress" or not rule_covers_port(rule, port):
                        continue
                    if rule.cidr in OPEN_CIDRS:
                        if rule.cidr not in opened:
                            opened.append(rule.cidr)
                            group.remote_access_origin = group.remote_access_origin or rule.origin
                    else:
                        allowed_from.append(rule.cidr or rule.source_group or "")
            group.remote_access_cidrs = opened
            if group.kind == "self-managed" and group.ssh is not None and group.ssh.enabled.value:
                members = self.members.get(group.name, [])
                origin = self._instance_origin(members[0], "SecurityGroups") if members else group.origin
                if opened or allowed_from:
                    group.ssh.source_security_groups = declared(sorted(set(allowed_from)), origin)
                else:
                    group.ssh.enabled = Value(False, Provenance.DECLARED, origin, note=Text(
                        f"the nodes have a key pair but no security group rule allows port {port}",
                        f"ノードにキーペアはありますが、{port} 番ポートを許可するセキュリティグループのルールがありません"))

    def _volumes(self, cluster: Cluster, instances: list[Instance] | None,
                 templates: dict[str, tuple[str, dict[str, Any]] | None]) -> None:
        roots = sorted({v for i in instances or [] if (v := i.root_volume)})
        volumes: dict[str, dict[str, Any]] = {}
        if roots:
            response = self.get("ec2", "DescribeVolumes", {"Filters": [{"Name": "volume-id", "Values": roots}]})
            for data in (response or {}).get("Volumes") or []:
                volumes[str(data["VolumeId"])] = data
        default: Value[bool] | None = None
        for group in cluster.node_groups:
            members = self.members.get(group.name, [])
            seen = [(i, volumes[v]) for i in members if (v := i.root_volume) and v in volumes]
            if seen:
                plain = [(i, v) for i, v in seen if not v.get("Encrypted")]
                _instance, volume = plain[0] if plain else seen[0]
                group.volume_encrypted = declared(not plain, self.origin(
                    f"ec2:DescribeVolumes {volume['VolumeId']}", "Encrypted"))
                continue
            template = self.templates.get(group.name)
            if template is not None:
                flags = [(m.get("Ebs") or {}).get("Encrypted") for m in template[1].get("BlockDeviceMappings") or []]
                if any(flag is not None for flag in flags):
                    group.volume_encrypted = declared(all(bool(f) for f in flags if f is not None),
                                                      self.origin(template[0], "BlockDeviceMappings"))
                    continue
            if default is None:
                response = self.get("ec2", "GetEbsEncryptionByDefault")
                where = self.origin(f"ec2:GetEbsEncryptionByDefault {self.region}", "EbsEncryptionByDefault")
                if response is None:
                    default = unknown(where, self.why("ec2:GetEbsEncryptionByDefault"))
                else:
                    on = bool(response.get("EbsEncryptionByDefault"))
                    default = defaulted(on, EC2, where, Text(
                        f"nothing asks for encryption; EBS encryption by default is {'on' if on else 'off'} "
                        "in this account and region",
                        f"暗号化の指定がなく、このアカウントとリージョンの EBS デフォルト暗号化は{'有効' if on else '無効'}です"))
            group.volume_encrypted = default

    # --- account and region ------------------------------------------------------------------

    def _guardduty(self, cluster: Cluster) -> None:
        listed = self.get("guardduty", "ListDetectors")
        where = self.origin(f"guardduty:ListDetectors {self.region}", "DetectorIds")
        if listed is None:
            cluster.guardduty_eks_audit_logs = self.unknown("guardduty:ListDetectors", where.resource)
            cluster.guardduty_runtime_monitoring = self.unknown("guardduty:ListDetectors", where.resource)
            return
        ids = [str(i) for i in listed.get("DetectorIds") or []]
        if not ids:
            note = Text(f"GuardDuty has no detector in {self.region}", f"{self.region} に GuardDuty の検出器がありません")
            cluster.guardduty_eks_audit_logs = Value(False, Provenance.DECLARED, where, note=note)
            cluster.guardduty_runtime_monitoring = Value(False, Provenance.DECLARED, where, note=note)
            return
        detector = self.get("guardduty", "GetDetector", {"DetectorId": ids[0]})
        resource = f"guardduty:GetDetector {ids[0]}"
        if detector is None:
            cluster.guardduty_eks_audit_logs = self.unknown("guardduty:GetDetector", resource)
            cluster.guardduty_runtime_monitoring = self.unknown("guardduty:GetDetector", resource)
            return
        enabled = str(detector.get("Status", "")).upper() == "ENABLED"
        features = {str(f.get("Name")): str(f.get("Status", "")).upper() for f in detector.get("Features") or []}
        legacy = (((detector.get("DataSources") or {}).get("Kubernetes") or {}).get("AuditLogs") or {}).get("Status")
        audit = features.get("EKS_AUDIT_LOGS", str(legacy or "").upper()) == "ENABLED"
        runtime = "ENABLED" in (features.get("RUNTIME_MONITORING"), features.get("EKS_RUNTIME_MONITORING"))
        cluster.guardduty_eks_audit_logs = declared(enabled and audit, self.origin(resource, "Features.EKS_AUDIT_LOGS"))
        cluster.guardduty_runtime_monitoring = declared(enabled and runtime,
                                                        self.origin(resource, "Features.RUNTIME_MONITORING"))

    def _derived(self, cluster: Cluster) -> None:
        network = cluster.network
        subnet_ids = cluster.control_plane_subnet_ids
        origin = self.origin(self.arn, "resourcesVpcConfig.subnetIds")
        described = [network.subnets[s] for s in subnet_ids if s in network.subnets]
        if subnet_ids and len(described) == len(subnet_ids):
            zones = sorted({str(s.availability_zone.value) for s in described if s.availability_zone})
            cluster.cluster_subnet_azs = declared(zones, origin)
        elif subnet_ids:
            cluster.cluster_subnet_azs = unknown(origin, self.why("ec2:DescribeSubnets"))
        if subnet_ids:
            cluster.control_plane_in_public_subnets = subnets_public(network, subnet_ids, origin)
        addon_names = [a.name for a in cluster.addons or [] if a.name in OBSERVABILITY_ADDONS]
        if addon_names:
            cluster.observability = declared([f"addon {n}" for n in addon_names], self.origin(f"eks:ListAddons {self.name}"))
