"""The one model of an EKS estate.

Every source (eksctl file, eksctl command line, CloudFormation, Terraform, live API,
snapshot) fills these objects; every rule reads only these objects. Each value a rule
reads is a `Value`: the value itself, where it came from (`Origin`) and how it came to
be (`Provenance`: written by the user, a tool's documented default, or unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# The mutable model classes are declared `repr=False, eq=False`: identity is what matters for them,
# and generating those methods for every class costs start-up time that `scan` of one file pays.


class Provenance(StrEnum):
    DECLARED = "declared"
    DEFAULTED = "defaulted"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value lives: a file position (with the path inside the document) or a live resource."""

    path: str
    line: int | None = None
    column: int | None = None
    pointer: str = ""
    resource: str | None = None

    def at(self, pointer: str, line: int | None = None, column: int | None = None) -> Origin:
        return Origin(self.path, line if line is not None else self.line,
                      column if column is not None else self.column, pointer, self.resource)

    def display(self) -> str:
        if self.line is None:
            return self.resource or self.path
        return f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")


@dataclass(frozen=True, slots=True)
class Value(Generic[T]):
    """A value a rule may read, with its origin and provenance.

    `default_by` names the tool whose documented default produced a defaulted value
    (``eksctl``, ``EKS API``, ``terraform-aws-modules/eks`` ...); `note` explains a default or
    why a value is unknown, in English and Japanese.
    """

    value: T | None
    provenance: Provenance
    origin: Origin
    default_by: str | None = None
    note: Text | None = None

    @property
    def known(self) -> bool:
        return self.provenance is not Provenance.UNKNOWN

    @property
    def declared(self) -> bool:
        return self.provenance is Provenance.DECLARED

    def describe_provenance(self) -> str:
        if self.provenance is Provenance.DEFAULTED:
            return f"defaulted by {self.default_by}" if self.default_by else "defaulted"
        return self.provenance.value


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing sentence in English and Japanese."""

    en: str
    ja: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    def format(self, **kwargs: Any) -> Text:
        return Text(self.en.format(**kwargs), self.ja.format(**kwargs))


def declared(value: T, origin: Origin) -> Value[T]:
    return Value(value, Provenance.DECLARED, origin)


def defaulted(value: T | None, tool: str, origin: Origin, note: Text | None = None) -> Value[T]:
    return Value(value, Provenance.DEFAULTED, origin, default_by=tool, note=note)


def unknown(origin: Origin, note: Text | None = None) -> Value[Any]:
    return Value(None, Provenance.UNKNOWN, origin, note=note)


# --- Network -----------------------------------------------------------------------------


@dataclass(slots=True, repr=False, eq=False)
class Route:
    destination: str  # "0.0.0.0/0", "::/0", "10.0.0.0/16", or a prefix list id
    target_kind: str  # "igw", "nat", "local", "vpce", "tgw", "eigw", "instance", "other", "unknown"
    target: str | None = None
    origin: Origin | None = None


@dataclass(slots=True, repr=False, eq=False)
class RouteTable:
    id: str
    vpc_id: str | None
    routes: list[Route]
    main: bool = False
    origin: Origin | None = None


@dataclass(slots=True, repr=False, eq=False)
class Subnet:
    id: str
    origin: Origin
    vpc_id: str | None = None
    availability_zone: Value[str] | None = None
    cidr: str | None = None
    map_public_ip_on_launch: Value[bool] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    route_table_id: str | None = None  # explicit association; None means the VPC main table
    declared_public: Value[bool] | None = None  # what the config says, when it says (eksctl)


@dataclass(slots=True, repr=False, eq=False)
class SecurityGroupRule:
    direction: str  # "ingress" | "egress"
    protocol: str  # "-1", "tcp", "udp", "icmp" ...
    from_port: int | None
    to_port: int | None
    cidr: str | None = None  # IPv4 or IPv6 CIDR
    source_group: str | None = None
    description: str | None = None
    origin: Origin | None = None
    # why part of the rule is not known before apply: its peer (no `cidr`, no `source_group`) or its
    # ports (`from_port` None); rules that need it report `unknown`
    unknown: Text | None = None


@dataclass(slots=True, repr=False, eq=False)
class SecurityGroup:
    id: str
    origin: Origin
    name: str | None = None
    vpc_id: str | None = None
    rules: list[SecurityGroupRule] = field(default_factory=list)
    managed_by: str | None = None  # "EKS" for the cluster SG EKS creates


@dataclass(slots=True, repr=False, eq=False)
class VpcEndpoint:
    service: str  # short name: "ec2", "ecr.api", "s3", ...
    type: str  # "Interface" | "Gateway"
    origin: Origin


@dataclass(slots=True, repr=False, eq=False)
class Vpc:
    id: str
    origin: Origin
    cidr: str | None = None
    dns_support: Value[bool] | None = None
    dns_hostnames: Value[bool] | None = None
    created_by: str | None = None  # "eksctl" when eksctl builds it


@dataclass(slots=True, repr=False, eq=False)
class Network:
    """The VPC facts a cluster's definition makes known. Empty lists mean "not described"."""

    vpc: Vpc | None = None
    subnets: dict[str, Subnet] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    security_groups: dict[str, SecurityGroup] = field(default_factory=dict)
    endpoints: list[VpcEndpoint] = field(default_factory=list)
    endpoints_known: bool = False
    internet_gateways: list[str] = field(default_factory=list)
    nat_gateways: list[str] = field(default_factory=list)
    proxy_declared: bool = False
    # why the gateways and routes of a VPC that exists are not known (one eksctl imports from kops)
    undescribed: Text | None = None
    # why some endpoints of the VPC are not known (a service or a whole map known only at apply)
    endpoints_unknown: Text | None = None


# --- Cluster -----------------------------------------------------------------------------


@dataclass(slots=True, repr=False, eq=False)
class SshAccess:
    enabled: Value[bool]
    source_security_groups: Value[list[str]]
    key: Value[str] | None = None
    windows: bool = False


@dataclass(slots=True, repr=False, eq=False)
class NodeGroup:
    name: str
    kind: str  # "managed" | "self-managed" | "karpenter" (an EC2NodeClass: the nodes Karpenter launches)
    origin: Origin
    # do the nodes land in public subnets? None: derive it from `subnet_ids` (analysis.network)
    public_subnets: Value[bool] | None = None
    subnet_ids: list[str] = field(default_factory=list)
    # where `subnet_ids` are written (CloudFormation `Subnets`, Terraform `subnet_ids`): a verdict on a subnet
    # this scan does not describe points there
    subnets_origin: Origin | None = None
    ssh: SshAccess | None = None
    imds_http_tokens: Value[str] | None = None
    imds_hop_limit: Value[int] | None = None
    volume_encrypted: Value[bool] | None = None
    instance_types: Value[list[str]] | None = None
    max_pods_per_node: Value[int] | None = None
    role_policies: Value[list[str]] | None = None
    security_group_ids: list[str] = field(default_factory=list)
    attaches_cluster_sg: bool = True
    remote_access_cidrs: list[str] = field(default_factory=list)
    # where the rule or setting that opens SSH/RDP to `remote_access_cidrs` is written
    remote_access_origin: Origin | None = None
    # an SSH/RDP rule of the group's security groups whose peer is not known before apply
    remote_access_unknown: Value[Any] | None = None
    # Windows nodes give pods the IPs of one ENI only (EKS max pods differ; see analysis.maxpods)
    windows: bool = False


@dataclass(slots=True, repr=False, eq=False)
class FargateProfile:
    name: str
    origin: Origin
    namespaces: list[str] = field(default_factory=list)
    subnet_ids: list[str] = field(default_factory=list)
    # the namespaces a selector takes without labels: every pod there runs on Fargate (no IMDS)
    whole_namespaces: list[str] = field(default_factory=list)


@dataclass(slots=True, repr=False, eq=False)
class IdentityMapping:
    """One aws-auth entry (or eksctl `iamIdentityMappings` item)."""

    kind: str  # "role" | "user" | "account" | "service"
    arn: str | None
    groups: list[str]
    origin: Origin
    username: str | None = None
    account: str | None = None


@dataclass(slots=True, repr=False, eq=False)
class AccessPolicyAssociation:
    policy_arn: str
    scope: str  # "cluster" | "namespace"
    namespaces: list[str] = field(default_factory=list)


@dataclass(slots=True, repr=False, eq=False)
class AccessEntry:
    principal_arn: str
    origin: Origin
    type: str = "STANDARD"
    kubernetes_groups: list[str] = field(default_factory=list)
    policies: list[AccessPolicyAssociation] = field(default_factory=list)


@dataclass(slots=True, repr=False, eq=False)
class MappingProblem:
    """An aws-auth field (`mapRoles`, `mapUsers`, `mapAccounts`) that could not be read: not valid (an error),
    or, with `unknown`, (partly) not known before apply (Terraform)."""

    field: str
    origin: Origin
    message: Text
    unknown: bool = False


@dataclass(slots=True, repr=False, eq=False)
class RbacGrant:
    """A Kubernetes user or group bound to a role by a (Cluster)RoleBinding manifest."""

    subject_kind: str  # "User" | "Group"
    subject: str
    role_kind: str  # "ClusterRole" | "Role"
    role: str
    namespace: str | None  # None: cluster-wide (ClusterRoleBinding)
    verbs: list[str] | None  # every verb the role's rules allow; None when the role is not in the scan
    origin: Origin


@dataclass(slots=True, repr=False, eq=False)
class RoleTrust:
    """An IAM role whose trust policy names the cluster's OIDC provider (live audit)."""

    role_arn: str
    origin: Origin
    statements: list[dict[str, Any]] = field(default_factory=list)  # the trust policy's statements


@dataclass(slots=True, repr=False, eq=False)
class PodIdentityAssociation:
    """An EKS Pod Identity association (live audit)."""

    namespace: str
    service_account: str
    origin: Origin
    role_arn: str | None = None


@dataclass(slots=True, repr=False, eq=False)
class Addon:
    name: str
    origin: Origin
    configuration: dict[str, Any] = field(default_factory=dict)
    version: str | None = None


@dataclass(slots=True, repr=False, eq=False)
class HelmChart:
    """A Helm chart the definition installs in the cluster (Terraform `helm_release`): `chart` as written
    (`cilium`, `projectcalico/tigera-operator`), None when not known before apply (`note` says why)."""

    chart: str | None
    origin: Origin
    note: Text | None = None


@dataclass(slots=True, repr=False, eq=False)
class ExposureWindow:
    """A setting that was exposed for a while in a scripted sequence: opened by one command (or config),
    closed by a later command of the same script (eksctl command lines)."""

    setting: str  # the Cluster field, e.g. "endpoint_public_access"
    opened: Origin
    closed: Origin
    note: Text


@dataclass(slots=True, frozen=True)
class PartialUse:
    """A configuration file whose scanned commands apply only part of it (`eksctl create nodegroup -f`
    creates its node groups, not the cluster): the engine makes the other verdicts not_applicable, with `why`."""

    why: Text
    node_groups: bool  # the commands create the file's node groups: their rules still apply
    rules: frozenset[str]  # cluster-level rules whose settings the commands do apply (`upgrade cluster`: EKS106)


@dataclass(slots=True, frozen=True)
class UnreadNodeGroups:
    """Node groups of the cluster made where this scan does not read them (a Terraform module it does not
    model, given the cluster's name): `why` names the place, `origin` is where the cluster is passed to it."""

    origin: Origin
    why: Text


@dataclass(slots=True, repr=False, eq=False)
class Cluster:
    """One EKS cluster as its definition (or the live API) describes it."""

    name: str
    source: str  # "eksctl", "eksctl-cli", "cloudformation", "terraform", "live"
    origin: Origin
    region: Value[str] | None = None
    account: str | None = None
    version: Value[str] | None = None
    endpoint_public_access: Value[bool] | None = None
    endpoint_private_access: Value[bool] | None = None
    public_endpoint_cidrs: Value[list[str]] | None = None
    log_types: Value[list[str]] | None = None
    secrets_kms_key: Value[str | None] | None = None
    authentication_mode: Value[str] | None = None
    bootstrap_creator_admin: Value[bool] | None = None
    irsa_enabled: Value[bool] | None = None
    pod_identity_enabled: Value[bool] | None = None
    private_cluster: Value[bool] | None = None
    cluster_subnet_azs: Value[list[str]] | None = None
    control_plane_in_public_subnets: Value[bool] | None = None
    control_plane_security_group_ids: list[str] = field(default_factory=list)
    # the subnets passed to the cluster (`ResourcesVpcConfig.SubnetIds`, `vpc_config.subnet_ids`), when known
    control_plane_subnet_ids: list[str] = field(default_factory=list)
    cluster_security_group_id: str | None = None
    node_groups: list[NodeGroup] = field(default_factory=list)
    # Karpenter EC2NodeClasses among the manifests bound to the cluster: only their IMDS settings are read
    # (EKS301, EKS302, EKS505); the other node-group rules do not apply to them
    node_classes: list[NodeGroup] = field(default_factory=list)
    # node groups made elsewhere (not in `node_groups`): with none read, node-group rules are unknown, not n/a
    unread_node_groups: list[UnreadNodeGroups] = field(default_factory=list)
    fargate_profiles: list[FargateProfile] = field(default_factory=list)
    identity_mappings: list[IdentityMapping] | None = None
    # why aws-auth could not be read (live audit: the GET was denied or failed); None: read, or not in scope
    identity_mappings_unknown: Text | None = None
    access_entries: list[AccessEntry] | None = None
    addons: list[Addon] | None = None
    # the cluster's IP family as written (`IPv4`/`IPv6`; eksctl `kubernetesNetworkConfig.ipFamily`); None: not read
    ip_family: Value[str] | None = None
    helm_charts: list[HelmChart] = field(default_factory=list)
    network: Network = field(default_factory=Network)
    uses_cloudwatch_logging: bool = False
    load_balancer_controller: bool = False
    cluster_autoscaler: bool = False
    # set when Kubernetes manifests tied to this cluster are scanned in the same run
    imds_blocked_by_network_policy: Value[bool] | None = None
    # aws-auth fields that could not be read (bad YAML inside `mapRoles` ...), from manifests
    identity_mapping_problems: list[MappingProblem] = field(default_factory=list)
    # RBAC bindings of groups/users from manifests of the same scan; None when no RBAC was scanned
    rbac_grants: list[RbacGrant] | None = None
    notes: list[Text] = field(default_factory=list)
    # the major version of terraform-aws-modules/eks when that module defines the cluster: its input names
    # and what it can set differ per version (v19 has no access entries), so fixes must say them its way
    eks_module_major: int | None = None
    # the CloudFormation type that defines the cluster: `AWS::EKS::Cluster`, or the AWS Quick Start's registry
    # type `AWSQS::EKS::Cluster`, whose property names differ (fixes must use its own)
    cloudformation_type: str | None = None
    # `outpost.controlPlaneOutpostARN` of a local cluster (control plane on AWS Outposts): EKS has no KMS
    # secrets encryption, IRSA or add-ons there, the creator stays admin, and the Outpost is in one AZ, so
    # rules on those settings are not applicable (eksctl userdocs usage/outposts.md)
    outposts_local_cluster: Origin | None = None
    # set when the scanned commands that use this file apply only part of it (see PartialUse)
    partial_use: PartialUse | None = None
    # exposures that a later command of the same script closed (see ExposureWindow)
    exposure_windows: list[ExposureWindow] = field(default_factory=list)
    # control-plane (additional) SG id -> the other clusters of this scan that also use it
    # (filled by analysis.network.link_shared_security_groups; None when not computed)
    security_group_peers: dict[str, list[str]] | None = None
    # --- known only to the live audit (None: this source cannot know) ---
    oidc_issuer: str | None = None
    oidc_provider_arn: str | None = None
    # IAM roles whose trust policy names the cluster's OIDC provider (EKS410)
    oidc_trusting_roles: Value[list[RoleTrust]] | None = None
    pod_identity_associations: list[PodIdentityAssociation] | None = None
    # GuardDuty in the cluster's account and region (EKS604)
    guardduty_eks_audit_logs: Value[bool] | None = None
    guardduty_runtime_monitoring: Value[bool] | None = None
    # metrics-server / Container Insights / Prometheus agents found running in the cluster (EKS603)
    observability: Value[list[str]] | None = None

    @property
    def target(self) -> str:
        return f"cluster/{self.name}"


@dataclass(slots=True)
class InputProblem:
    """An input that could not be (fully) read. Reported as one line; makes the exit code 2."""

    path: str
    line: int | None
    message: str
    kind: str = "unreadable"  # "unreadable" | "unresolved-variable" | "limit"
    ja: str | None = None  # the message in Japanese; None where it is another tool's text

    @classmethod
    def of(cls, path: str, line: int | None, text: Text, kind: str = "unreadable") -> InputProblem:
        return cls(path, line, text.en, kind, text.ja)

    def text(self, lang: str) -> str:
        return self.ja if lang == "ja" and self.ja else self.message

    def display(self, lang: str = "en") -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.text(lang)}"


@dataclass(slots=True, repr=False, eq=False)
class InputRecord:
    path: str
    kind: str  # which source read it: "eksctl", "cloudformation", ... or "ignored"
    documents: int = 0


@dataclass(slots=True, repr=False, eq=False)
class Estate:
    clusters: list[Cluster] = field(default_factory=list)
    inputs: list[InputRecord] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)
    # Kubernetes manifests grouped by the cluster they belong to (filled by the manifest source)
    kube_scopes: list[KubeScope] = field(default_factory=list)
    # inline `# eksguard:ignore RULE reason` comments: path -> line -> [(rule, reason)]
    inline_ignores: dict[str, dict[int, list[tuple[str, str]]]] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def problem_inputs(self) -> int:
        """How many inputs (paths) have problems: one file can have several (each refused eksctl command)."""
        return len({problem.path for problem in self.problems})


# --- Kubernetes manifests -----------------------------------------------------------------


# the tool named for what AWS defaults server-side (a Value's `default_by`)
EKS_API = "EKS API"
# the tool whose defaults apply to a namespace's Pod Security labels (no `enforce` label: privileged)
PSA_TOOL = "Pod Security Admission"
# the suppression reason of `eksguard.io/ignore` on a Kubernetes object (KubeObject.ignored_rules)
IGNORE_REASON = "annotation eksguard.io/ignore"


# A field path of a KubeObject: dotted keys, then list indexes and map keys in brackets; a bracketed key may
# hold dots (`spec.containers[0].image`, `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`)
_FIELD_TOKEN = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


def field_path_tokens(field_path: str) -> list[str]:
    """The keys and list indexes of a KubeObject field path, in order."""
    return [m[1] if m[1] is not None else m[2] for m in _FIELD_TOKEN.finditer(field_path)]


@dataclass(slots=True, repr=False, eq=False)
class KubeObject:
    """One Kubernetes object as it would be applied: a manifest document, or kustomize's rendering of it."""

    kind: str
    api_version: str
    name: str
    # the effective namespace; None for cluster-scoped kinds; `(var.ns)` (in parentheses, as written) when not
    # known, with `metadata.namespace` in unknown_fields
    namespace: str | None
    doc: Any  # the (rendered) document: line-marked mappings
    origin: Origin  # where the object starts
    target: str = ""  # kubernetes[/<cluster>]/<namespace>/<Kind>/<name>
    render: str | None = None  # the kustomization folder that renders it; None for a plain file
    also_rendered_by: list[str] = field(default_factory=list)  # other kustomizations rendering it identically
    overlay: tuple[str, str] | None = None  # (overlay folder, environment name), see analysis.kustomize
    ignored_rules: frozenset[str] = frozenset()  # annotation `eksguard.io/ignore`
    locate: Any = None  # Callable[[str], Origin]: a field path (`spec.containers[0].image`) -> its position
    # field path -> why its value is not known (a Terraform value known only after apply); such fields are
    # absent from `doc`, and the engine makes the clean verdicts of the rules that read this kind `unknown`
    unknown_fields: dict[str, Text] = field(default_factory=dict)

    def origin_at(self, field_path: str) -> Origin:
        """The position of `field_path` in the object, or of its nearest present parent."""
        located: Origin = self.locate(field_path) if self.locate is not None else self.origin
        return located


@dataclass(slots=True, repr=False, eq=False)
class KubeScope:
    """The manifests of one cluster (or of no known cluster) in one scan: the subject of Kubernetes rules."""

    target: str  # "kubernetes" or "kubernetes/<cluster>"
    cluster: Cluster | None
    origin: Origin
    objects: list[KubeObject] = field(default_factory=list)
    # the Pod Security Standards version for namespaces that pin none (--pss-version, .eksguard.yaml,
    # the cluster's version, else "latest")
    pss_version: Value[str] | None = None
    # rule id -> why part of its input could not be read (live audit: a denied or failed list); the
    # engine makes those rules `unknown` for the scope, besides what they found in what was read
    unread: dict[str, list[Text]] = field(default_factory=dict)
    # why no cluster definition of the scan describes these manifests' cluster (None: one does); a clause
    # with the way to fix it, for rules that need the cluster's settings (node IMDS, vpc-cni addon)
    unbound: Text | None = None
    # objects by kind, filled on first use (`objects` does not change once the scope is built)
    _by_kind: dict[tuple[str, ...], list[KubeObject]] = field(default_factory=dict, repr=False, compare=False)

    def of_kind(self, *kinds: str) -> list[KubeObject]:
        found = self._by_kind.get(kinds)
        if found is None:
            found = self._by_kind[kinds] = [obj for obj in self.objects if obj.kind in kinds]
        return found

    @property
    def namespaces(self) -> list[KubeObject]:
        return self.of_kind("Namespace")

    @property
    def network_policies(self) -> list[KubeObject]:
        return [obj for obj in self.of_kind("NetworkPolicy") if obj.api_version.startswith("networking.k8s.io/")]

    @property
    def rbac(self) -> list[KubeObject]:
        return [obj for obj in self.of_kind("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
                if obj.api_version.startswith("rbac.authorization.k8s.io/")]
