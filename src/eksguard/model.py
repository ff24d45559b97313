"""The one model of an EKS estate.

Every source (eksctl file, eksctl command line, CloudFormation, Terraform, live API,
snapshot) fills these objects; every rule reads only these objects. Each value a rule
reads is a `Value`: the value itself, where it came from (`Origin`) and how it came to
be (`Provenance`: written by the user, a tool's documented default, or unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


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


@dataclass(slots=True)
class Route:
    destination: str  # "0.0.0.0/0", "::/0", "10.0.0.0/16", or a prefix list id
    target_kind: str  # "igw", "nat", "local", "vpce", "tgw", "eigw", "instance", "other", "unknown"
    target: str | None = None


@dataclass(slots=True)
class RouteTable:
    id: str
    vpc_id: str | None
    routes: list[Route]
    main: bool = False
    origin: Origin | None = None


@dataclass(slots=True)
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


@dataclass(slots=True)
class SecurityGroupRule:
    direction: str  # "ingress" | "egress"
    protocol: str  # "-1", "tcp", "udp", "icmp" ...
    from_port: int | None
    to_port: int | None
    cidr: str | None = None  # IPv4 or IPv6 CIDR
    source_group: str | None = None
    description: str | None = None
    origin: Origin | None = None


@dataclass(slots=True)
class SecurityGroup:
    id: str
    origin: Origin
    name: str | None = None
    vpc_id: str | None = None
    rules: list[SecurityGroupRule] = field(default_factory=list)
    managed_by: str | None = None  # "EKS" for the cluster SG EKS creates


@dataclass(slots=True)
class VpcEndpoint:
    service: str  # short name: "ec2", "ecr.api", "s3", ...
    type: str  # "Interface" | "Gateway"
    origin: Origin


@dataclass(slots=True)
class Vpc:
    id: str
    origin: Origin
    cidr: str | None = None
    dns_support: Value[bool] | None = None
    dns_hostnames: Value[bool] | None = None
    created_by: str | None = None  # "eksctl" when eksctl builds it


@dataclass(slots=True)
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


# --- Cluster -----------------------------------------------------------------------------


@dataclass(slots=True)
class SshAccess:
    enabled: Value[bool]
    source_security_groups: Value[list[str]]
    key: Value[str] | None = None
    windows: bool = False


@dataclass(slots=True)
class NodeGroup:
    name: str
    kind: str  # "managed" | "self-managed"
    origin: Origin
    # do the nodes land in public subnets? None: derive it from `subnet_ids` (analysis.network)
    public_subnets: Value[bool] | None = None
    subnet_ids: list[str] = field(default_factory=list)
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


@dataclass(slots=True)
class FargateProfile:
    name: str
    origin: Origin
    namespaces: list[str] = field(default_factory=list)
    subnet_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class IdentityMapping:
    """One aws-auth entry (or eksctl `iamIdentityMappings` item)."""

    kind: str  # "role" | "user" | "account" | "service"
    arn: str | None
    groups: list[str]
    origin: Origin
    username: str | None = None
    account: str | None = None


@dataclass(slots=True)
class AccessPolicyAssociation:
    policy_arn: str
    scope: str  # "cluster" | "namespace"
    namespaces: list[str] = field(default_factory=list)


@dataclass(slots=True)
class AccessEntry:
    principal_arn: str
    origin: Origin
    type: str = "STANDARD"
    kubernetes_groups: list[str] = field(default_factory=list)
    policies: list[AccessPolicyAssociation] = field(default_factory=list)


@dataclass(slots=True)
class Addon:
    name: str
    origin: Origin
    configuration: dict[str, Any] = field(default_factory=dict)
    version: str | None = None


@dataclass(slots=True)
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
    cluster_security_group_id: str | None = None
    node_groups: list[NodeGroup] = field(default_factory=list)
    fargate_profiles: list[FargateProfile] = field(default_factory=list)
    identity_mappings: list[IdentityMapping] | None = None
    access_entries: list[AccessEntry] | None = None
    addons: list[Addon] | None = None
    network: Network = field(default_factory=Network)
    uses_cloudwatch_logging: bool = False
    load_balancer_controller: bool = False
    cluster_autoscaler: bool = False
    # set when Kubernetes manifests tied to this cluster are scanned in the same run
    imds_blocked_by_network_policy: Value[bool] | None = None
    notes: list[Text] = field(default_factory=list)

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

    def display(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(slots=True)
class InputRecord:
    path: str
    kind: str  # which source read it: "eksctl", "cloudformation", ... or "ignored"
    documents: int = 0


@dataclass(slots=True)
class Estate:
    clusters: list[Cluster] = field(default_factory=list)
    inputs: list[InputRecord] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)
    # Kubernetes manifests grouped by the cluster they belong to (filled by the manifest source)
    kube_scopes: list[Any] = field(default_factory=list)
    # inline `# eksguard:ignore RULE reason` comments: path -> line -> [(rule, reason)]
    inline_ignores: dict[str, dict[int, list[tuple[str, str]]]] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
