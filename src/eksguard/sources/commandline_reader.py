"""`eksctl` command lines (scripts, Markdown/AsciiDoc, Makefiles, CI YAML) → the model.

`commandline` finds the invocations; this module gives them eksctl's meaning:

- `eksctl create cluster FLAGS` becomes the ClusterConfig document those flags stand for (LineMaps whose
  line is the line of the `eksctl` word), read by `eksctl.read_cluster_config`: eksctl's defaults and the
  rules are shared exactly with ClusterConfig files. Flag tables and incompatibilities follow eksctl
  @99984adb `pkg/ctl/create/cluster.go`, `pkg/ctl/cmdutils/{nodegroup_flags,configfile,cmdutils}.go`.
- `-f FILE` / `-f -` (fed by `cat X |`, `envsubst < X`, `curl …/X | envsubst |`, a here-document) is
  resolved to the ClusterConfig it reads; the findings stay on that file and its cluster gets a note
  naming the command line.
- Later commands of the same script or code-block sequence change that cluster in order:
  `eksctl create nodegroup`, `eksctl utils update-cluster-vpc-config` / `update-cluster-endpoints`,
  `eksctl utils update-cluster-logging`, `eksctl utils associate-iam-oidc-provider`,
  `eksctl create iamidentitymapping`. `utils` commands change nothing without `--approve` (eksctl's plan mode).

Everything is resolved in a finisher, after every file was read: a script may be read before the config
file it uses.

Decisions:
- A flag eksctl does not know is a warning (`estate.warnings`, kind "warning"): our table may be older or
  newer than the user's eksctl; the other flags are evaluated.
- A command eksctl would refuse (flags rejected with `-f`, `--spot` without managed groups …) is an input
  problem of kind "rejected-command" (exit code 2, like an unreadable file): the script is broken as
  written, and a rule result would wrongly suggest that the command ran. A `-f` configuration is still
  evaluated, so fixing the command line does not hide what the file says.
- An endpoint opened by one command and restricted by a later one is not EKS101 (the end state is
  closed); the window is recorded as a cluster note, `Cluster.exposure_windows` and an "info" warning
  (see `Sequence._window`).
"""

from __future__ import annotations

import csv
import dataclasses
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from eksguard import sources
from eksguard.model import (
    Cluster,
    ExposureWindow,
    FargateProfile,
    InputProblem,
    InputRecord,
    Network,
    Origin,
    PartialUse,
    Provenance,
    Text,
    Value,
    Vpc,
    declared,
    unknown,
)
from eksguard.sources.commandline import (
    AppliedManifests,
    Invocation,
    StdinSource,
    Word,
    ci_kind,
    scan_ci,
    scan_script,
    variable_key,
    written_key,
)
from eksguard.sources.eksctl import (
    AL2_LAST_MINOR,
    ALL_LOG_TYPES,
    DEFAULT_VERSION,
    TOOL,
    is_cluster_config,
    minor_of,
    read_cluster_config,
)
from eksguard.sources.fields import Variables
from eksguard.sources.filekinds import file_kind
from eksguard.sources.loading import (
    InputError,
    LineList,
    LineMap,
    load_yaml_documents,
    read_text,
    shift_lines,
)

# CI YAML must be claimed before the eksctl (10) and Kubernetes (40) readers look at it.
PRIORITY = 5
EXTRAS_KEY = "commandline.invocations"
SOURCE = "eksctl-cli"
OPEN_CIDRS = ("0.0.0.0/0", "::/0")

# --- Flags ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    kind: str  # "bool" | "string" | "int" | "list" | "map"
    short: str = ""
    pointer: str = ""  # where the value goes in the ClusterConfig; `ng.` = the node group


def _flags(*groups: Iterable[Flag]) -> dict[str, Flag]:
    return {flag.name: flag for group in groups for flag in group}


def F(name: str, kind: str, short: str = "", pointer: str = "") -> Flag:
    return Flag(name, kind, short, pointer)


B, S, N, L, M = "bool", "string", "int", "list", "map"
# cmd/eksctl/main.go persistent flags
GLOBAL = (F("help", B, "h"), F("verbose", N, "v"), F("color", S, "C"), F("dumpLogs", B, "d"))
# cmdutils.go AddCommonFlagsForAWS, AddTimeoutFlag
AWS = (F("profile", S, "p"), F("timeout", S))
CFN = (F("cfn-role-arn", S), F("cfn-disable-rollback", B))
KUBECONFIG = (F("kubeconfig", S), F("authenticator-role-arn", S), F("set-kubeconfig-context", B),
              F("auto-kubeconfig", B), F("write-kubeconfig", B))
# nodegroup_flags.go AddCommonCreateNodeGroupFlags
NODEGROUP = (
    F("node-type", S, "t", "ng.instanceType"), F("nodes", N, "N", "ng.desiredCapacity"),
    F("nodes-min", N, "m", "ng.minSize"), F("nodes-max", N, "M", "ng.maxSize"),
    F("node-volume-size", N, "", "ng.volumeSize"), F("node-volume-type", S, "", "ng.volumeType"),
    F("max-pods-per-node", N, "", "ng.maxPodsPerNode"), F("ssh-access", B, "", "ng.ssh.allow"),
    F("ssh-public-key", S, "", "ng.ssh.publicKeyPath"), F("enable-ssm", B, "", "ng.ssh.enableSsm"),
    F("node-ami", S, "", "ng.ami"), F("node-ami-family", S, "", "ng.amiFamily"),
    F("node-private-networking", B, "P", "ng.privateNetworking"),
    F("node-security-groups", L, "", "ng.securityGroups.attachIDs"), F("node-labels", M, "", "ng.labels"),
    F("node-zones", L, "", "ng.availabilityZones"), F("instance-prefix", S, "", "ng.instancePrefix"),
    F("instance-name", S, "", "ng.instanceName"), F("disable-pod-imds", B, "", "ng.disablePodIMDS"),
    F("managed", B), F("spot", B, "", "ng.spot"), F("enable-node-repair", B, "", "ng.nodeRepairConfig.enabled"),
    F("node-repair-max-unhealthy-percentage", N, "", "ng.nodeRepairConfig.maxUnhealthyNodeThresholdPercentage"),
    F("node-repair-max-unhealthy-count", N, "", "ng.nodeRepairConfig.maxUnhealthyNodeThresholdCount"),
    F("node-repair-max-parallel-percentage", N, "", "ng.nodeRepairConfig.maxParallelNodesRepairedPercentage"),
    F("node-repair-max-parallel-count", N, "", "ng.nodeRepairConfig.maxParallelNodesRepairedCount"),
    F("instance-types", L, "", "ng.instanceTypes"),
)
# AddCommonCreateNodeGroupAddonsFlags
ADDONS = (
    F("asg-access", B, "", "ng.iam.withAddonPolicies.autoScaler"),
    F("external-dns-access", B, "", "ng.iam.withAddonPolicies.externalDNS"),
    F("full-ecr-access", B, "", "ng.iam.withAddonPolicies.imageBuilder"),
    F("appmesh-access", B, "", "ng.iam.withAddonPolicies.appMesh"),
    F("appmesh-preview-access", B, "", "ng.iam.withAddonPolicies.appMeshPreview"),
    F("alb-ingress-access", B, "", "ng.iam.withAddonPolicies.awsLoadBalancerController"),
    F("install-neuron-plugin", B), F("install-nvidia-plugin", B), F("nodegroup-parallelism", N),
)
SELECTOR = (F("instance-selector-vcpus", N, "", "ng.instanceSelector.vCPUs"),
            F("instance-selector-memory", S, "", "ng.instanceSelector.memory"),
            F("instance-selector-cpu-architecture", S, "", "ng.instanceSelector.cpuArchitecture"),
            F("instance-selector-gpus", N, "", "ng.instanceSelector.gpus"),
            F("instance-selector-neuron-devices", N, "", "ng.instanceSelector.neuronDevices"))
CONFIG_FILE = F("config-file", S, "f")

CREATE_CLUSTER = _flags(GLOBAL, AWS, CFN, KUBECONFIG, NODEGROUP, ADDONS, SELECTOR, (
    CONFIG_FILE, F("name", S, "n", "metadata.name"), F("tags", M, "", "metadata.tags"),
    F("region", S, "r", "metadata.region"), F("with-oidc", B, "", "iam.withOIDC"),
    F("zones", L, "", "availabilityZones"), F("support-type", S, "", "upgradePolicy.supportType"),
    F("version", S, "", "metadata.version"), F("install-vpc-controllers", B), F("fargate", B), F("dry-run", B),
    F("nodegroup-name", S, "", "ng.name"), F("without-nodegroup", B), F("vpc-cidr", S, "", "vpc.cidr"),
    F("vpc-private-subnets", L), F("vpc-public-subnets", L), F("vpc-from-kops-cluster", S),
    F("vpc-nat-mode", S, "", "vpc.nat.gateway"), F("enable-auto-mode", B)))
CREATE_NODEGROUP = _flags(GLOBAL, AWS, CFN, NODEGROUP, ADDONS, SELECTOR, (
    CONFIG_FILE, F("cluster", S, "c"), F("tags", M), F("region", S, "r"), F("version", S),
    F("include", L), F("exclude", L), F("only", L), F("update-auth-configmap", B), F("subnet-ids", L, "", "ng.subnets"),
    F("dry-run", B), F("skip-outdated-addons-check", B), F("name", S, "n", "ng.name")))
_UTILS_GENERAL = (CONFIG_FILE, F("cluster", S, "c"), F("region", S, "r"), F("approve", B))
UPDATE_VPC = _flags(GLOBAL, (F("profile", S, "p"),), _UTILS_GENERAL, (
    F("private-access", B), F("public-access", B), F("public-access-cidrs", L), F("control-plane-subnet-ids", L),
    F("control-plane-security-group-ids", L), F("control-plane-egress-mode", S)))
UPDATE_ENDPOINTS = _flags(GLOBAL, AWS, _UTILS_GENERAL, (F("name", S, "n"), F("private-access", B),
                                                        F("public-access", B)))
UPDATE_LOGGING = _flags(GLOBAL, AWS, _UTILS_GENERAL, (F("name", S, "n"), F("enable-types", L), F("disable-types", L)))
ASSOCIATE_OIDC = _flags(GLOBAL, AWS, _UTILS_GENERAL, (F("name", S, "n"),))
# utils/enable_secrets_encryption.go: no `--name`, `--key-arn`, `--encrypt-existing-secrets` (default true)
ENABLE_SECRETS_ENCRYPTION = _flags(GLOBAL, AWS, _UTILS_GENERAL, (F("key-arn", S), F("encrypt-existing-secrets", B)))
# eksctl create fargateprofile (userdocs usage/fargate.md): one profile, one namespace selector
FARGATE_PROFILE = _flags(GLOBAL, AWS, (CONFIG_FILE, F("cluster", S, "c"), F("name", S), F("namespace", S),
                                       F("labels", S, "l"), F("region", S, "r")))
IDENTITY_MAPPING = _flags(GLOBAL, AWS, (CONFIG_FILE, F("cluster", S, "c"), F("name", S, "n"), F("region", S, "r"),
                                        F("account", S), F("arn", S), F("role", S), F("username", S),
                                        F("group", L), F("service-name", S), F("namespace", S),
                                        F("no-duplicate-arns", B)))

# configfile.go: flags eksctl refuses together with --config-file/-f
_REJECTED_COMMON = ("name", "region", "version", "cluster", "support-type")
_REJECTED_NODEGROUP = ("managed", "spot", "enable-node-repair", "instance-types", "nodes", "nodes-min", "nodes-max",
                       "node-type", "node-volume-size", "node-volume-type", "max-pods-per-node", "node-ami",
                       "node-ami-family", "ssh-access", "ssh-public-key", "enable-ssm", "node-private-networking",
                       "node-security-groups", "node-labels", "node-zones", "asg-access", "external-dns-access",
                       "full-ecr-access", "instance-name", "instance-prefix")
REJECTED_WITH_CONFIG = {
    ("create", "cluster"): frozenset(_REJECTED_COMMON + _REJECTED_NODEGROUP + (
        "tags", "zones", "fargate", "vpc-private-subnets", "vpc-public-subnets", "vpc-cidr", "vpc-nat-mode",
        "vpc-from-kops-cluster", "enable-auto-mode")),
    ("create", "nodegroup"): frozenset(_REJECTED_COMMON + _REJECTED_NODEGROUP),
    ("utils", "update-cluster-vpc-config"): frozenset((
        *_REJECTED_COMMON, "private-access", "public-access", "public-access-cidrs", "control-plane-subnet-ids",
        "control-plane-security-group-ids", "control-plane-egress-mode")),
}
# flags bound to the flag-built ClusterConfig, which `-f` replaces: accepted, but without effect
IGNORED_WITH_CONFIG = frozenset({"with-oidc", "nodegroup-name", "disable-pod-imds", "appmesh-access",
                                 "appmesh-preview-access", "alb-ingress-access", "instance-selector-vcpus",
                                 "instance-selector-memory", "instance-selector-cpu-architecture",
                                 "instance-selector-gpus", "instance-selector-neuron-devices"})
# validateManagedNGFlags
_MANAGED_ONLY = ("spot", "enable-node-repair", "instance-types", "node-repair-max-unhealthy-percentage",
                 "node-repair-max-unhealthy-count", "node-repair-max-parallel-percentage",
                 "node-repair-max-parallel-count")
# the subcommands this source understands; the rest of eksctl is ignored
COMMANDS: dict[tuple[str, str], dict[str, Flag]] = {
    ("create", "cluster"): CREATE_CLUSTER,
    ("create", "nodegroup"): CREATE_NODEGROUP,
    ("create", "ng"): CREATE_NODEGROUP,
    ("create", "iamidentitymapping"): IDENTITY_MAPPING,
    ("create", "fargateprofile"): FARGATE_PROFILE,
    ("utils", "update-cluster-vpc-config"): UPDATE_VPC,
    ("utils", "update-cluster-endpoints"): UPDATE_ENDPOINTS,
    ("utils", "update-cluster-logging"): UPDATE_LOGGING,
    ("utils", "associate-iam-oidc-provider"): ASSOCIATE_OIDC,
    ("utils", "enable-secrets-encryption"): ENABLE_SECRETS_ENCRYPTION,
    ("delete", "cluster"): _flags(GLOBAL, AWS, (CONFIG_FILE, F("name", S, "n"), F("region", S, "r"))),
}
_GLOBAL_WITH_VALUE = {"-v", "--verbose", "-C", "--color"}
# What each eksctl command applies of a `-f` ClusterConfig besides creating a cluster from it: whether it creates
# the file's node groups, and the cluster-level rules whose settings it changes (eksctl userdocs usage/
# nodegroups.md, cluster-upgrade.md, cloudwatch-cluster-logging.md, vpc-cluster-access.md, iamserviceaccounts.md,
# iam-identity-mappings.md, access-entries.md). A command not listed applies none of what the rules check.
FILE_PARTS: dict[tuple[str, str], tuple[bool, frozenset[str]]] = {
    ("create", "nodegroup"): (True, frozenset()),
    ("upgrade", "cluster"): (False, frozenset({"EKS106"})),
    ("utils", "update-cluster-logging"): (False, frozenset({"EKS104"})),
    ("utils", "update-cluster-vpc-config"): (False, frozenset({"EKS101", "EKS102", "EKS103"})),
    ("utils", "update-cluster-endpoints"): (False, frozenset({"EKS101", "EKS102", "EKS103"})),
    ("utils", "associate-iam-oidc-provider"): (False, frozenset({"EKS401"})),
    ("utils", "enable-secrets-encryption"): (False, frozenset({"EKS105"})),
    ("create", "iamidentitymapping"): (False, frozenset({"EKS402", "EKS403", "EKS404"})),
    ("create", "accessentry"): (False, frozenset({"EKS403", "EKS405"})),
}


@dataclass(slots=True)
class FlagValue:
    flag: Flag
    text: str  # the value as text; for an unknown value, as written
    unknown: Text | None
    line: int


@dataclass(slots=True)
class Parsed:
    values: dict[str, list[FlagValue]] = field(default_factory=dict)
    positionals: list[Word] = field(default_factory=list)
    unknown_flags: list[tuple[str, int]] = field(default_factory=list)
    missing_values: list[tuple[str, int]] = field(default_factory=list)

    def given(self, name: str) -> bool:
        return name in self.values

    def last(self, name: str) -> FlagValue | None:
        values = self.values.get(name)
        return values[-1] if values else None


def split_command(args: list[Word]) -> tuple[tuple[str, str] | None, list[Word]]:
    """(verb, noun) of `eksctl VERB NOUN …` (persistent flags may come first), and the other words."""
    names: list[str] = []
    rest: list[Word] = []
    index = 0
    while index < len(args):
        word = args[index]
        if len(names) < 2 and word.known and not word.text.startswith("-"):
            names.append(word.text)
        elif len(names) < 2 and not word.known and not word.prefix.startswith("-"):
            return None, args  # `eksctl $VERB …`
        else:
            rest.append(word)
            if len(names) < 2 and word.text in _GLOBAL_WITH_VALUE and index + 1 < len(args):
                index += 1
                rest.append(args[index])
        index += 1
    return (names[0], names[1]) if len(names) == 2 else None, rest


def _value_of(word: Word, start: int) -> tuple[str, Text | None]:
    return word.text[start:], word.unknown


def parse_flags(words: list[Word], flags: Mapping[str, Flag]) -> Parsed:
    """pflag's reading of `words`: `--f=v`, `--f v`, bools (`--b`, `--b=false`; `--b false` is *not* a
    value), shorthands (`-n v`, `-nv`, `-n=v`, `-P`), `--` ends the flags."""
    parsed = Parsed()
    shorts = {flag.short: flag for flag in flags.values() if flag.short}
    index = 0

    def add(flag: Flag, text: str, why: Text | None, line: int) -> None:
        parsed.values.setdefault(flag.name, []).append(FlagValue(flag, text, why, line))

    while index < len(words):
        word = words[index]
        index += 1
        known_text = word.text if word.known else word.prefix
        if word.known and word.text == "--":
            parsed.positionals.extend(words[index:])
            break
        if not known_text.startswith("-") or word.text == "-":
            parsed.positionals.append(word)
            continue
        if known_text.startswith("--"):
            name, eq, _ = known_text[2:].partition("=")
            if not eq and not word.known:
                parsed.unknown_flags.append((word.raw, word.line))
                continue
            flag = flags.get(name)
            if flag is None:
                parsed.unknown_flags.append((f"--{name}", word.line))
                if not eq and index < len(words) and not words[index].text.startswith("-"):
                    index += 1  # most likely its value
                continue
            if eq:
                text, why = _value_of(word, len(name) + 3)
                add(flag, text, why, word.line)
            elif flag.kind == B:
                add(flag, "true", None, word.line)
            elif index < len(words):
                add(flag, words[index].text, words[index].unknown, words[index].line)
                index += 1
            else:
                parsed.missing_values.append((f"--{name}", word.line))
            continue
        body = known_text[1:]
        position = 0
        while position < len(body):
            flag = shorts.get(body[position])
            if flag is None:
                parsed.unknown_flags.append((f"-{body[position]}", word.line))
                break
            rest_start = position + 1
            if flag.kind == B:
                if body[rest_start:rest_start + 1] == "=":
                    text, why = _value_of(word, rest_start + 2)
                    add(flag, text, why, word.line)
                    break
                add(flag, "true", None, word.line)
                position += 1
                continue
            offset = rest_start + (1 if body[rest_start:rest_start + 1] == "=" else 0)
            if offset < len(body) or (not word.known and len(word.text) > offset + 1):
                text, why = _value_of(word, offset + 1)
                add(flag, text, why, word.line)
            elif index < len(words):
                add(flag, words[index].text, words[index].unknown, words[index].line)
                index += 1
            else:
                parsed.missing_values.append((f"-{body[position]}", word.line))
            break
    return parsed


# --- Values --------------------------------------------------------------------------------------


class ShellUnknown:
    """A flag value the command line does not make known (a `$(…)`, an unset variable, a glob).

    Placed in the generated ClusterConfig, where `Fields` cannot coerce it and so makes the model value
    unknown; the reason replaces the note afterwards (see `_retouch`)."""

    __slots__ = ("reason", "source")

    def __init__(self, source: str, reason: Text) -> None:
        self.source = source
        self.reason = reason

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return self.source


_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


def _csv(text: str) -> list[str]:
    if not text:
        return []
    try:
        return [item for row in csv.reader([text]) for item in row]
    except csv.Error:
        return text.split(",")


def _unknown_value(value: FlagValue, why: Text | None = None) -> ShellUnknown:
    reason = why or value.unknown or Text("not known", "不明")
    return ShellUnknown(value.text, Text(f"`--{value.flag.name}` is `{value.text}`: {reason.en}",
                                         f"`--{value.flag.name}` は `{value.text}` です: {reason.ja}"))


def converted(values: list[FlagValue]) -> Any:
    """The ClusterConfig value of a flag (all its occurrences), or a `ShellUnknown`."""
    flag = values[-1].flag
    if flag.kind == L:
        items: list[str] = []
        for value in values:
            if value.unknown is not None:
                return _unknown_value(value)
            items.extend(_csv(value.text))
        return items
    value = values[-1]
    if value.unknown is not None:
        return _unknown_value(value)
    if flag.kind == B:
        if value.text in _TRUE:
            return True
        if value.text in _FALSE:
            return False
        return _unknown_value(value, Text("eksctl does not read it as true or false",
                                          "eksctl は true/false として読めません"))
    if flag.kind == N:
        try:
            return int(value.text, 0)
        except ValueError:
            return _unknown_value(value, Text("not a number", "数値ではありません"))
    if flag.kind == M:
        mapping: dict[str, str] = {}
        for item in _csv(value.text):
            key, _, item_value = item.partition("=")
            mapping[key] = item_value
        return mapping
    return value.text


class VerbatimVariables(Variables):
    """Values of a generated document are already expanded by the shell: never substitute again."""

    def substitute(self, text: str, path: str, line: int, *, required: bool = True) -> tuple[str, list[str]]:
        return text, []


class ShellVariables(Variables):
    """`${VAR}` left open in a here-document: unresolved (unknown) values without an input problem."""

    def substitute(self, text: str, path: str, line: int, *, required: bool = True) -> tuple[str, list[str]]:
        saved = list(self.problems)
        result = super().substitute(text, path, line, required=required)
        self.problems[:] = saved
        return result


# --- Building the equivalent ClusterConfig ---------------------------------------------------------


class DocumentBuilder:
    """LineMaps/LineLists that all stand at one line (the command's), built from dotted pointers."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.root = self.mapping()
        self.unknowns: dict[str, Text] = {}  # ClusterConfig pointer → why the value is unknown

    def mapping(self) -> LineMap:
        node = LineMap()
        node.line = self.line
        return node

    def convert(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            node = self.mapping()
            for key, item in value.items():
                node[key] = self.convert(item)
                node.marks[key] = (self.line, 0)
            return node
        if isinstance(value, list):
            items = LineList()
            items.line = self.line
            for item in value:
                items.append(self.convert(item))
                items.item_lines.append(self.line)
            return items
        return value

    def put(self, node: LineMap, pointer: str, value: Any, full: str) -> None:
        parts = pointer.split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, LineMap):
                child = self.mapping()
                node[part] = child
                node.marks[part] = (self.line, 0)
            node = child
        node[parts[-1]] = self.convert(value)
        node.marks[parts[-1]] = (self.line, 0)
        if isinstance(value, ShellUnknown):
            self.unknowns[full] = value.reason


def _node_group(builder: DocumentBuilder, parsed: Parsed, kind: str, base: str, name: str | None = None) -> LineMap:
    group = builder.mapping()
    if name is not None:
        builder.put(group, "name", name, f"{base}.name")
    for values in parsed.values.values():
        flag = values[-1].flag
        if not flag.pointer.startswith("ng."):
            continue
        if kind == "nodeGroups" and flag.name in _MANAGED_ONLY:
            continue
        builder.put(group, flag.pointer[3:], converted(values), f"{base}.{flag.pointer[3:]}")
    if kind == "managedNodeGroups" and parsed.given("ssh-public-key") and not parsed.given("ssh-access"):
        # on the command line `--ssh-access` is an explicit false unless given, and only unmanaged groups turn it
        # on for a key (cmdutils nodegroup_flags.go; configfile.go normalizeNodeGroup): a key alone opens no SSH
        builder.put(group, "ssh.allow", False, f"{base}.ssh.allow")
    return group


def _structural(parsed: Parsed, name: str, default: bool, warnings: list[Text]) -> bool:
    """A flag that decides the document's shape (`--managed`, `--fargate` …): unknown → its default."""
    values = parsed.values.get(name)
    if not values:
        return default
    value = converted(values)
    if isinstance(value, ShellUnknown):
        warnings.append(Text(f"`--{name}` is not known ({value.reason.en}); evaluated as {str(default).lower()}",
                             f"`--{name}` が不明です（{value.reason.ja}）。{str(default).lower()} として評価します"))
        return default
    return bool(value)


def cluster_document(parsed: Parsed, line: int, warnings: list[Text]) -> DocumentBuilder:
    """The ClusterConfig `eksctl create cluster` (without -f) builds from its flags
    (configfile.go NewCreateClusterLoader validateWithoutConfigFile)."""
    builder = DocumentBuilder(line)
    root = builder.root
    builder.put(root, "apiVersion", "eksctl.io/v1alpha5", "apiVersion")
    builder.put(root, "kind", "ClusterConfig", "kind")
    name = parsed.last("name")
    if name is not None:
        builder.put(root, "metadata.name", converted([name]), "metadata.name")
    elif parsed.positionals:
        word = parsed.positionals[0]
        builder.put(root, "metadata.name", word.text if word.known else ShellUnknown(word.text, word.unknown or Text(
            "not known", "不明")), "metadata.name")
    for flag_name, values in parsed.values.items():
        flag = values[-1].flag
        if flag.pointer and not flag.pointer.startswith("ng.") and flag_name != "name":
            builder.put(root, flag.pointer, converted(values), flag.pointer)
    for topology in ("private", "public"):
        subnet_values = parsed.values.get(f"vpc-{topology}-subnets")
        if subnet_values:
            ids = converted(subnet_values)
            subnets = ({f"{topology}-{n + 1}": {"id": subnet_id} for n, subnet_id in enumerate(ids)}
                       if isinstance(ids, list) else {f"{topology}-1": {"id": ids}})
            builder.put(root, f"vpc.subnets.{topology}", subnets, f"vpc.subnets.{topology}")
    auto_mode = _structural(parsed, "enable-auto-mode", False, warnings)
    fargate = _structural(parsed, "fargate", False, warnings)
    managed = _structural(parsed, "managed", True, warnings)
    if auto_mode:
        builder.put(root, "autoModeConfig.enabled", True, "autoModeConfig.enabled")
    if fargate:  # defaults.go SetDefaultFargateProfile
        builder.put(root, "fargateProfiles", [{"name": "fp-default", "selectors": [
            {"namespace": "default"}, {"namespace": "kube-system"}]}], "fargateProfiles")
    without = _structural(parsed, "without-nodegroup", False, warnings)
    # a Fargate-only cluster has no node group unless --managed is given explicitly; Auto Mode none
    if not without and not auto_mode and not (fargate and not parsed.given("managed")):
        kind = "managedNodeGroups" if managed else "nodeGroups"
        group = _node_group(builder, parsed, kind, f"{kind}[0]")
        root[kind] = builder.convert([])
        root[kind].append(group)
        root[kind].item_lines.append(line)
        root.marks[kind] = (line, 0)
    return builder


# --- Notes for values the command line decides ---------------------------------------------------

def _t(en: str, ja: str) -> Text:
    return Text(en, ja)


CLI_DEFAULT_NOTES: dict[str, Text] = {
    "vpc.publicAccessCIDRs": _t(
        "`eksctl create cluster` has no flag for the public-access CIDRs: eksctl sends an empty list and EKS "
        "allows 0.0.0.0/0 (restrict it with `eksctl utils update-cluster-vpc-config --public-access-cidrs "
        "203.0.113.10/32 --approve`, or create the cluster from a config file with `vpc.publicAccessCIDRs`)",
        "`eksctl create cluster` には公開アクセス CIDR のフラグがありません。eksctl は空のリストを送り、EKS は 0.0.0.0/0 を"
        "許可します（`eksctl utils update-cluster-vpc-config --public-access-cidrs 203.0.113.10/32 --approve` で制限するか、"
        "`vpc.publicAccessCIDRs` を書いた設定ファイルから作成してください）"),
    "vpc.clusterEndpoints.publicAccess": _t(
        "`eksctl create cluster` has no flag for endpoint access: the public endpoint is on",
        "`eksctl create cluster` にはエンドポイントアクセスのフラグがなく、パブリックエンドポイントは有効です"),
    "vpc.clusterEndpoints.privateAccess": _t(
        "`eksctl create cluster` has no flag for endpoint access: the private endpoint is off (turn it on with "
        "`eksctl utils update-cluster-vpc-config --private-access=true --approve`)",
        "`eksctl create cluster` にはエンドポイントアクセスのフラグがなく、プライベートエンドポイントは無効です"
        "（`eksctl utils update-cluster-vpc-config --private-access=true --approve` で有効にできます）"),
    "cloudWatch.clusterLogging.enableTypes": _t(
        "`eksctl create cluster` has no flag for control-plane logging: none is enabled (`eksctl utils "
        "update-cluster-logging --enable-types all --approve`)",
        "`eksctl create cluster` にはコントロールプレーンログのフラグがなく、何も有効になりません"
        "（`eksctl utils update-cluster-logging --enable-types all --approve`）"),
    "iam.withOIDC": _t("`--with-oidc` is not given: eksctl creates no OIDC provider for IRSA",
                       "`--with-oidc` がないため、eksctl は IRSA 用の OIDC プロバイダーを作りません"),
    "metadata.version": _t(f"`--version` is not given: eksctl uses Kubernetes {DEFAULT_VERSION}",
                           f"`--version` がないため、eksctl は Kubernetes {DEFAULT_VERSION} を使います"),
    "accessConfig.bootstrapClusterCreatorAdminPermissions": _t(
        "`eksctl create cluster` has no flag for it: the identity that runs the command becomes cluster admin",
        "`eksctl create cluster` にはこのフラグがなく、コマンドを実行した ID がクラスター管理者になります"),
    "accessConfig.authenticationMode": _t(
        "`eksctl create cluster` has no flag for it: eksctl uses API_AND_CONFIG_MAP",
        "`eksctl create cluster` にはこのフラグがなく、eksctl は API_AND_CONFIG_MAP を使います"),
    "secretsEncryption.keyARN": _t(
        "`eksctl create cluster` has no flag for a KMS key (`eksctl utils enable-secrets-encryption --key-arn …`)",
        "`eksctl create cluster` には KMS キーのフラグがありません（`eksctl utils enable-secrets-encryption --key-arn …`）"),
}
CLI_NODE_NOTES: dict[str, Text] = {
    "privateNetworking": _t(
        "`--node-private-networking` (`-P`) is not given: eksctl puts the node group in public subnets, with "
        "public IPs",
        "`--node-private-networking`（`-P`）がないため、eksctl はノードグループをパブリックサブネットに置き、パブリック IP を付けます"),
    "disablePodIMDS": _t(
        "`--disable-pod-imds` is not given: eksctl sets the IMDS hop limit to 2, so pods can reach the node role",
        "`--disable-pod-imds` がないため、eksctl は IMDS のホップ数上限を 2 にし、Pod からノードロールに到達できます"),
    "volumeEncrypted": _t(
        "`{command}` has no flag for volume encryption: the account's EBS encryption-by-default decides",
        "`{command}` にはボリューム暗号化のフラグがなく、アカウントの EBS デフォルト暗号化設定で決まります"),
}


def _values_of(obj: Any) -> Iterable[tuple[Any, str, Value[Any]]]:
    for item in dataclasses.fields(obj):
        value = getattr(obj, item.name)
        if isinstance(value, Value):
            yield obj, item.name, value


def _retouch(cluster: Cluster, unknowns: Mapping[str, Text], command: str) -> None:
    """Explain values in command-line terms: unknown flag values get their reason, and defaults say which
    flag of `command` (`eksctl create cluster`, `eksctl create nodegroup`) is missing instead of which
    ClusterConfig field."""
    holders: list[Any] = [cluster]
    for group in cluster.node_groups:
        holders.append(group)
        if group.ssh is not None:
            holders.append(group.ssh)
    for holder in holders:
        for obj, name, value in list(_values_of(holder)):
            pointer = value.origin.pointer
            note: Text | None = None
            if value.provenance is Provenance.UNKNOWN:
                note = unknowns.get(pointer)
            elif value.provenance is Provenance.DEFAULTED:
                note = CLI_DEFAULT_NOTES.get(pointer)
                if note is None and "[" in pointer:  # a node-group field: `managedNodeGroups[0].privateNetworking`
                    node_note = CLI_NODE_NOTES.get(pointer.rsplit(".", 1)[-1])
                    if node_note is not None:
                        note = Text(node_note.en.format(command=command), node_note.ja.format(command=command))
            if note is not None:
                setattr(obj, name, dataclasses.replace(value, note=note))


# --- Reading ---------------------------------------------------------------------------------------

KIND_BY_FILE = {"shell": "commandline", "shebang": "commandline", "markdown": "commandline",
                "asciidoc": "commandline", "makefile": "commandline"}


def _accepts(name: str) -> bool:
    return file_kind(name) is not None


def read_text_file(text: str, path: str, ctx: sources.ScanContext) -> bool:
    """A script, Markdown/AsciiDoc page or Makefile: taken when it holds at least one eksctl command, or a
    `kubectl apply -f -` of a here-document (whose manifests go to the Kubernetes source, at their lines)."""
    kind = file_kind(os.path.basename(path) if path != "-" else "-")
    # the cheap checks first: most files never mention eksctl
    if kind is None or ("eksctl" not in text and not sources.applies_heredoc_manifests(text)):
        return False
    script = scan_script(kind, text, path, ctx.variables.values)
    if script.invocations:
        ctx.estate.extras.setdefault(EXTRAS_KEY, []).append((path, script.invocations))
    read_manifests = [applied for applied in script.manifests if _read_applied(applied, path, ctx)]
    return bool(script.invocations or read_manifests)


def _read_applied(applied: AppliedManifests, path: str, ctx: sources.ScanContext) -> bool:
    """Hand the manifests of a `kubectl apply -f - <<EOF` to the Kubernetes source, as a file of their own at
    the script's lines; `${VAR}` the shell leaves open is unknown there, without an input problem."""
    from eksguard.sources.kubernetes import record_file, state_of

    try:
        documents = [d for d in load_yaml_documents(applied.body, ctx.limits) if d is not None]
    except InputError as error:
        _warn(ctx, path, (error.line or 1) + applied.first_line - 1,
              Text(f"the here-document `kubectl` applies is not readable YAML: {error.message}",
                   f"`kubectl` が適用するヒアドキュメントを YAML として読めません: {error.ja or error.message}"))
        return False
    for document in documents:
        shift_lines(document, applied.first_line - 1)
        metadata = document.get("metadata") if isinstance(document, LineMap) else None
        if applied.namespace and isinstance(metadata, LineMap) and "namespace" not in metadata:
            metadata["namespace"] = applied.namespace  # `kubectl -n NS` puts there what names no namespace
    sources.load_kubernetes_reader()
    return record_file(state_of(ctx.estate.extras), documents, applied.body, path,
                       ShellVariables({**ctx.variables.values, **applied.environment}),
                       key=f"{os.path.abspath(path)}:{applied.line}")


def read_ci(documents: list[Any], text: str, path: str, ctx: sources.ScanContext) -> bool:
    """GitHub Actions / GitLab CI / CodeBuild / CircleCI files: always taken (they are no manifests), their
    `run:`/`script:` commands read when they mention eksctl."""
    kind = ci_kind(documents, path)
    if kind is None:
        return False
    invocations = scan_ci(kind, text, path, ctx.variables.values)
    if invocations:
        ctx.estate.extras.setdefault(EXTRAS_KEY, []).append((path, invocations))
    return True


# --- The finisher: resolving and applying command sequences ----------------------------------------


def _warn(ctx: sources.ScanContext, path: str, line: int | None, text: Text, kind: str = "warning") -> None:
    ctx.estate.warnings.append(InputProblem.of(path, line, text, kind))


def _refuse(ctx: sources.ScanContext, invocation: Invocation, message: str) -> None:
    """eksctl would refuse this command line: an input error (exit 2), like an unreadable file; one line, whatever
    the words it quotes hold."""
    message = " ".join(message.split())
    ctx.estate.problems.append(InputProblem(
        invocation.path, invocation.line, f"eksctl would refuse this command: {message}", kind="rejected-command",
        ja=f"eksctl はこのコマンドを拒否します: {message}"))


def partial_use(uses: list[tuple[tuple[str, str], Invocation]]) -> PartialUse:
    """What the commands that read a ClusterConfig with `-f`, none of them `create cluster`, apply of it."""
    parts = [FILE_PARTS.get(command, (False, frozenset())) for command in dict.fromkeys(c for c, _ in uses)]
    named = ", ".join(dict.fromkeys(f"`eksctl {' '.join(command)} -f` ({invocation.path}:{invocation.line})"
                                    for command, invocation in uses))
    return PartialUse(Text(
        f"This file is used only by {named}, which does not apply this part of it; no scanned command "
        "creates a cluster from it (scan the definition that creates the cluster).",
        f"このファイルは {named} でのみ使われ、この部分は適用されません。スキャン対象にこのファイルからクラスターを"
        "作成するコマンドはありません（クラスターを作成する定義もスキャンしてください）。"),
        any(node_groups for node_groups, _ in parts), frozenset().union(*(rules for _, rules in parts)))


class Resolver:
    """Finds the ClusterConfig file a command line reads, among the scanned files or next to the script."""

    def __init__(self, ctx: sources.ScanContext) -> None:
        self.ctx = ctx
        self._real: dict[str, str] | None = None
        self._parts: list[tuple[str, list[str]]] | None = None
        self._read: dict[str, list[Cluster]] = {}
        # (display path, the values envsubst puts in) → the clusters of the file as it is fed
        self._fed: dict[tuple[str, tuple[tuple[str, str], ...]], list[Cluster]] = {}
        # display path → the commands that read that file with `-f`, in scan order
        self.uses: dict[str, list[tuple[tuple[str, str], Invocation]]] = {}
        # the names `eksctl create cluster` commands without `-f` give, in any file of the scan
        self.created_by_commands: set[str] = set()

    def note_use(self, display: str, command: tuple[str, str], invocation: Invocation) -> None:
        noun = "nodegroup" if command[1] == "ng" else command[1]
        self.uses.setdefault(display, []).append(((command[0], noun), invocation))

    def scope_partial_uses(self) -> None:
        """A scanned ClusterConfig that no command creates a cluster from, but that commands such as
        `eksctl create nodegroup -f` use: only what those commands apply of it is scored (`PartialUse`).
        A file no command uses keeps the `eksctl create cluster -f` reading."""
        for display, uses in self.uses.items():
            if any(command == ("create", "cluster") for command, _ in uses):
                continue
            use = partial_use(uses)
            for cluster in self.ctx.estate.clusters:
                if cluster.origin.path == display and cluster.source == "eksctl":
                    cluster.partial_use = use

    def real(self) -> dict[str, str]:
        if self._real is None:
            self._real = {os.path.realpath(p): p for p in self.ctx.scanned_files if p != "-"}
        return self._real

    def parts(self) -> list[tuple[str, list[str]]]:
        if self._parts is None:
            self._parts = [(p, _components(p)) for p in self.ctx.scanned_files if p != "-"]
        return self._parts

    def locate(self, word: Word, invocation: Invocation) -> tuple[str | None, Text | None]:
        """The display path of the file `word` names (a path or a URL), or why it cannot be found."""
        if not word.known:
            return None, word.unknown
        text = word.text
        if "://" in text:
            try:
                url_path = urlsplit(text).path
            except ValueError:  # "https://[..." and the like: no path to look for
                return None, Text(f"`{text}` is not a valid URL", f"`{text}` は正しい URL ではありません")
            return self._by_suffix(_components(url_path), text, invocation)
        expanded = os.path.expanduser(text) if text.startswith("~") else text
        if os.path.isabs(expanded) or invocation.cwd is not None:
            candidate = os.path.normpath(os.path.join(invocation.cwd or "", expanded))
            scanned = self.real().get(os.path.realpath(candidate))
            if scanned is not None:
                return scanned, None
            if os.path.isfile(candidate):
                return candidate, None
        return self._by_suffix(_components(text), text, invocation)

    def _by_suffix(self, parts: list[str], shown: str, invocation: Invocation) -> tuple[str | None, Text | None]:
        parts = [p for p in parts if p not in ("", ".", "..")]
        best: list[str] = []
        best_length = 0
        for display, components in self.parts() if parts else []:
            length = 0
            while (length < len(parts) and length < len(components)
                   and parts[-1 - length] == components[-1 - length]):
                length += 1
            if length > best_length:
                best, best_length = [display], length
            elif length == best_length and length:
                best.append(display)
        if not best:
            return None, Text(f"no scanned file ends with `{_tail(parts)}` (scan the folder that holds it)",
                              f"`{_tail(parts)}` で終わるファイルがスキャン対象にありません（そのファイルを含むフォルダーもスキャンしてください）")
        if len(best) > 1:
            here = _components(invocation.path)
            best.sort(key=lambda d: -_common_prefix(_components(d), here))
            if _common_prefix(_components(best[0]), here) == _common_prefix(_components(best[1]), here):
                return None, Text(f"`{shown}` matches several scanned files ({', '.join(best[:3])})",
                                  f"`{shown}` に一致するファイルが複数あります（{', '.join(best[:3])}）")
        return best[0], None

    def clusters(self, display: str, invocation: Invocation) -> tuple[list[Cluster], Text | None]:
        """The clusters of the ClusterConfig file at `display` (read here when it was not scanned)."""
        scanned = [c for c in self.ctx.estate.clusters if c.origin.path == display and c.source == "eksctl"]
        if scanned:
            return scanned, None
        if display in self.ctx.scanned_files:
            return [], Text(f"`{display}` holds no ClusterConfig eksguard could read",
                            f"`{display}` に読み取れる ClusterConfig がありません")
        if display not in self._read:
            self._read[display] = self._read_file(display)
        found = self._read[display]
        return found, None if found else Text(f"`{display}` holds no ClusterConfig eksguard could read",
                                              f"`{display}` に読み取れる ClusterConfig がありません")

    def _read_file(self, display: str, variables: Variables | None = None) -> list[Cluster]:
        """The clusters of a ClusterConfig file not scanned, or (`variables`) of one fed through envsubst."""
        ctx = self.ctx
        try:
            text = read_text(Path(display), ctx.limits)
            documents = [d for d in load_yaml_documents(text, ctx.limits) if is_cluster_config(d)]
        except InputError as error:
            _warn(ctx, display, error.line, Text(error.message, error.ja or error.message))
            return []
        if variables is None:
            sources.record_inline_ignores(text, display, ctx)
            ctx.estate.inputs.append(InputRecord(display, "eksctl", len(documents)))
        clusters = [read_cluster_config(document, display, variables or ctx.variables) for document in documents]
        ctx.estate.clusters.extend(clusters)
        return clusters

    def fed(self, display: str, clusters: list[Cluster], environment: Mapping[str, str]) -> list[Cluster]:
        """The clusters of `display` as `envsubst` feeds it, with the exported values of the script put in:
        they replace the file's clusters as read alone, and its placeholders those values set are no
        problems (eks-workshop: `export EKS_CLUSTER_NAME=…`, then `curl …/cluster.yaml | envsubst | eksctl`)."""
        key = (display, tuple(sorted(environment.items())))
        if key not in self._fed:
            fresh = {id(c) for found in self._fed.values() for c in found}
            alone = [c for c in clusters if id(c) not in fresh]
            self.ctx.estate.clusters[:] = [c for c in self.ctx.estate.clusters if all(c is not a for a in alone)]
            self._fed[key] = self._read_file(display, Variables({**self.ctx.variables.values, **environment}))
            self.ctx.variables.withdraw(display, set(environment))
        return self._fed[key]


def _components(path: str) -> list[str]:
    return [p for p in posixpath.normpath(path.replace(os.sep, "/")).split("/") if p not in ("", ".")]


def _common_prefix(a: list[str], b: list[str]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _tail(parts: list[str]) -> str:
    return "/".join(parts[-3:])


def endpoint_open(cluster: Cluster) -> tuple[bool, Origin] | None:
    """Whether the public endpoint is reachable from the whole internet (None: not known), and where."""
    public, cidrs = cluster.endpoint_public_access, cluster.public_endpoint_cidrs
    if public is None or not public.known:
        return None
    if not public.value:
        return False, public.origin
    if cidrs is None or not cidrs.known:
        return None
    is_open = not cidrs.value or any(c in OPEN_CIDRS for c in cidrs.value)
    return is_open, (cidrs.origin if cidrs.declared or not public.declared else public.origin)


@dataclass(slots=True)
class _Entry:
    key: str
    cluster: Cluster
    partial: bool = False


class Sequence:
    """The eksctl commands of one file, applied in order to the clusters they create or change."""

    def __init__(self, ctx: sources.ScanContext, resolver: Resolver, path: str) -> None:
        self.ctx = ctx
        self.resolver = resolver
        self.path = path
        self.entries: list[_Entry] = []
        # clusters whose OIDC provider only `utils associate-iam-oidc-provider` made: aws-node has no IRSA role
        self.oidc_without_aws_node_role: set[int] = set()
        self.deleted: set[int] = set()  # clusters a later `eksctl delete cluster` removes

    # -- clusters of this sequence

    def register(self, key: str, cluster: Cluster, partial: bool = False) -> None:
        self.entries.append(_Entry(key, cluster, partial))

    def find(self, word: Word | None) -> Cluster | None:
        """The cluster of this sequence a later command names (`--cluster`), if any."""
        word = _named(word)
        key = _key(word)
        for entry in reversed(self.entries):
            if key is not None and key in (entry.key, entry.cluster.name):
                return entry.cluster
        # an unknown name (or none) means the sequence's latest cluster; a known name that matches none
        # may still be a cluster whose own name is a placeholder (`${EKS_CLUSTER_NAME}` in its config)
        candidates = [e for e in self.entries
                      if word is None or not word.known or _placeholder_name(e.cluster.name)]
        return candidates[-1].cluster if candidates else None

    def target(self, word: Word | None, invocation: Invocation, parsed: Parsed) -> Cluster:
        """The cluster a later command names: one of this sequence, else the one ClusterConfig file of the scan
        that defines it, else a partial cluster that holds only what the commands of this file change."""
        found = self.find(word)
        if found is not None:
            return found
        word = _named(word)
        key = _key(word)
        defined = self._defined_elsewhere(word, parsed)
        if defined is not None:
            defined.notes.append(Text(
                f"{invocation.path}:{invocation.line} changes this cluster: `{_clip(invocation.source)}`.",
                f"{invocation.path}:{invocation.line} がこのクラスターを変更します: `{_clip(invocation.source)}`。"))
            self.register(key or defined.name, defined, partial=True)
            return defined
        name = word.text if word is not None else "unnamed"
        cluster = Cluster(name=name, source=SOURCE, origin=Origin(invocation.path, invocation.line, None, "--cluster"))
        cluster.notes.append(Text(
            f"This cluster is not created in {invocation.path}; only what the eksctl commands there change is known.",
            f"このクラスターは {invocation.path} で作成されていません。そこにある eksctl コマンドが変更する内容だけが分かります。"))
        self.ctx.estate.clusters.append(cluster)
        self.register(key or name, cluster, partial=True)
        return cluster

    def _defined_elsewhere(self, word: Word | None, parsed: Parsed) -> Cluster | None:
        """The cluster a command names when exactly one ClusterConfig file of the scan defines a cluster of that
        name (in the command's `--region`, when both say): the command changes that cluster once it exists.
        Several candidates, or a name not known, leave the command to a partial cluster of its own."""
        if word is None or not word.known:
            return None
        region = parsed.last("region")
        wanted = region.text if region is not None and region.unknown is None else None
        if word.text in self.resolver.created_by_commands:
            return None  # `eksctl create cluster --name` of another file makes one too: which is not known
        candidates = [c for c in self.ctx.estate.clusters
                      if c.source == TOOL and c.name == word.text and c.partial_use is None
                      and id(c) not in self.deleted
                      and (wanted is None or c.region is None or not c.region.known or c.region.value == wanted)]
        return candidates[0] if len(candidates) == 1 else None

    # -- commands

    def run(self, invocations: list[Invocation]) -> None:
        for invocation in invocations:
            command, rest = split_command(invocation.args)
            if command is None:
                if rest and not rest[0].known:
                    _warn(self.ctx, invocation.path, invocation.line, Text(
                        f"`{_clip(invocation.source)}` is not evaluated: its subcommand is not known here "
                        f"({(rest[0].unknown or Text('unknown', '不明')).en})",
                        f"`{_clip(invocation.source)}` は評価しません: サブコマンドがここでは分かりません"
                        f"（{(rest[0].unknown or Text('unknown', '不明')).ja}）"))
                continue
            if command not in _READ_HERE:
                self._note_config_use(command, invocation, rest)
            if command not in COMMANDS:
                continue
            flags = COMMANDS[command]
            parsed = parse_flags(rest, flags)
            if command != ("delete", "cluster"):
                for flag, line in parsed.unknown_flags:
                    _warn(self.ctx, invocation.path, line, Text(
                        f"unknown flag `{flag}` for `eksctl {' '.join(command)}`; the other flags are still evaluated",
                        f"`eksctl {' '.join(command)}` の不明なフラグ `{flag}`。他のフラグは評価を続けます"))
                for flag, _ in parsed.missing_values:
                    _refuse(self.ctx, invocation, f"flag needs an argument: {flag}")
            if self._switched_on(parsed, "help"):
                # cobra prints the usage and returns before the command runs (and before eksctl checks its
                # flags): `eksctl create nodegroup --help` creates and requires nothing
                continue
            verb, noun = command
            if noun == "ng":
                noun = "nodegroup"
            handler = getattr(self, f"_{verb}_{noun.replace('-', '_')}")
            handler(invocation, parsed)

    def _note_config_use(self, command: tuple[str, str], invocation: Invocation, words: list[Word]) -> None:
        """Record which scanned file a command that this source does not build from reads with `-f`."""
        word = _config_word(words)
        if word is None:
            return
        display, _ = self.resolver.locate(word, invocation)
        if display is not None:
            self.resolver.note_use(display, command, invocation)

    def _config_rejections(self, command: tuple[str, str], invocation: Invocation, parsed: Parsed) -> bool:
        if not parsed.given("config-file"):
            return False
        rejected = sorted(name for name in parsed.values if name in REJECTED_WITH_CONFIG.get(command, ()))
        if command in (("create", "cluster"), ("create", "nodegroup"), ("utils", "update-cluster-vpc-config")) \
                and parsed.positionals:
            rejected.append("name argument")
        if rejected:
            _refuse(self.ctx, invocation, ", ".join(f"cannot use {'--' + r if r != 'name argument' else r} when "
                                                    "--config-file/-f is set" for r in rejected))
        return True

    def _config_clusters(self, command: tuple[str, str], invocation: Invocation, parsed: Parsed) -> list[Cluster]:
        """The clusters a `-f` reads: a file, a URL, or stdin (`-f -`) traced through the pipeline."""
        value = parsed.last("config-file")
        assert value is not None
        stdin: StdinSource | None = None
        if value.unknown is None and value.text == "-":
            stdin = invocation.stdin
            if stdin.kind == "heredoc":
                return self._heredoc_clusters(invocation, stdin)
            if stdin.kind not in ("file", "url") or stdin.word is None:
                _warn(self.ctx, invocation.path, invocation.line, Text(
                    f"`-f -` reads the configuration from {stdin.description or 'stdin'}, which is not known here; "
                    "the command is not evaluated",
                    f"`-f -` は {stdin.description or '標準入力'} から設定を読みますが、ここでは分かりません。このコマンドは評価しません"))
                return []
            word = stdin.word
        else:
            word = Word(value.text, value.text, value.line, value.unknown, "" if value.unknown else value.text)
            key = written_key(invocation.cwd, word.text) if word.known else variable_key(word.text)
            written = invocation.written.get(key) if key is not None else None
            if written is not None and written.shown and self.resolver.locate(word, invocation)[0] is not None:
                written = None  # the page shows a file that was scanned: the file is what is read
            if written is not None:  # the script wrote the file from here-documents before this line
                return self._heredoc_clusters(invocation, StdinSource(
                    "heredoc", body=written.body, first_line=written.first_line,
                    description=f"{word.text} written by the here-document"), shown=written.shown)
        display, why = self.resolver.locate(word, invocation)
        clusters: list[Cluster] = []
        if display is not None:
            self.resolver.note_use(display, command, invocation)
            clusters, why = self.resolver.clusters(display, invocation)
            if clusters and stdin is not None and stdin.environment:
                clusters = self.resolver.fed(display, clusters, stdin.environment)
        if not clusters:
            reason = why or Text("not found", "見つかりません")
            _warn(self.ctx, invocation.path, invocation.line, Text(
                f"the configuration `{word.text}` of this command is not evaluated: {reason.en}",
                f"このコマンドの設定 `{word.text}` は評価しません: {reason.ja}"))
            return []
        via = f" (configuration fed by `{_clip(stdin.description)}`)" if stdin is not None else ""
        via_ja = f"（設定は `{_clip(stdin.description)}` から渡されます）" if stdin is not None else ""
        for cluster in clusters:
            cluster.notes.append(Text(
                f"{invocation.path}:{invocation.line} runs `{_clip(invocation.source)}` with this file{via}.",
                f"{invocation.path}:{invocation.line} がこのファイルで `{_clip(invocation.source)}` を実行します{via_ja}。"))
        return clusters

    def _heredoc_clusters(self, invocation: Invocation, stdin: StdinSource, shown: bool = False) -> list[Cluster]:
        what = Text("the code block", "コードブロック") if shown else Text("the here-document", "ヒアドキュメント")
        try:
            documents = [d for d in load_yaml_documents(stdin.body, self.ctx.limits) if is_cluster_config(d)]
        except InputError as error:
            _warn(self.ctx, invocation.path, (error.line or 1) + stdin.first_line - 1,
                  Text(f"{what.en} is not a readable ClusterConfig: {error.message}",
                       f"{what.ja}を ClusterConfig として読めません: {error.ja or error.message}"))
            return []
        clusters = []
        for document in documents:
            shift_lines(document, stdin.first_line - 1)
            cluster = read_cluster_config(document, invocation.path, ShellVariables(self.ctx.variables.values))
            cluster.notes.append(Text(
                f"Created by `{_clip(invocation.source)}` from {what.en} at {invocation.path}:{stdin.first_line}.",
                f"{invocation.path}:{stdin.first_line} の{what.ja}から `{_clip(invocation.source)}` で作成されます。"))
            self.ctx.estate.clusters.append(cluster)
            clusters.append(cluster)
        return clusters

    def _create_cluster(self, invocation: Invocation, parsed: Parsed) -> None:
        if self._dry_run(invocation, parsed):
            return
        if self._config_rejections(("create", "cluster"), invocation, parsed):
            ignored = sorted(n for n in parsed.values if n in IGNORED_WITH_CONFIG)
            if ignored:
                _warn(self.ctx, invocation.path, invocation.line, Text(
                    f"{', '.join('--' + n for n in ignored)} has no effect with -f: the config file decides",
                    f"{', '.join('--' + n for n in ignored)} は -f と一緒では効果がありません。設定ファイルの内容が使われます"))
            for cluster in self._config_clusters(("create", "cluster"), invocation, parsed):
                self._replace_node_groups_only(cluster, invocation)
                self.register(cluster.name, cluster)
            return
        errors = _create_cluster_errors(parsed)
        for message in errors:
            _refuse(self.ctx, invocation, message)
        warnings: list[Text] = []
        builder = cluster_document(parsed, invocation.line, warnings)
        cluster = read_cluster_config(builder.root, invocation.path, VerbatimVariables({}))
        cluster.source = SOURCE
        _retouch(cluster, builder.unknowns, "eksctl create cluster")
        region = invocation.env.get("AWS_REGION") or invocation.env.get("AWS_DEFAULT_REGION")
        if not parsed.given("region") and region is not None and region.known:
            cluster.region = declared(region.value, Origin(invocation.path, invocation.line, None, "AWS_REGION"))
        kops = parsed.last("vpc-from-kops-cluster")
        if kops is not None:
            _use_kops_vpc(cluster, self._origin(invocation, "vpc-from-kops-cluster"), kops.text)
        cluster.notes.append(Text(
            f"Built from `{_clip(invocation.source)}` ({invocation.path}:{invocation.line}), with eksctl's defaults "
            "for every flag not given.",
            f"`{_clip(invocation.source)}`（{invocation.path}:{invocation.line}）から、指定のないフラグには eksctl の"
            "デフォルトを使って組み立てました。"))
        for warning in warnings:
            _warn(self.ctx, invocation.path, invocation.line, warning)
        self._warn_hidden_flags(invocation, parsed)
        self.ctx.estate.clusters.append(cluster)
        key = _key(parsed.positionals[0]) if parsed.positionals and not parsed.given("name") else None
        name_value = parsed.last("name")
        if name_value is not None:
            key = name_value.text
        self.register(key or cluster.name, cluster)

    def _warn_hidden_flags(self, invocation: Invocation, parsed: Parsed) -> None:
        extra = parsed.positionals[1:] if not parsed.given("name") else parsed.positionals
        for word in extra:
            if not word.known and word.raw.startswith("$"):
                _warn(self.ctx, invocation.path, word.line, Text(
                    f"`{word.raw}` is not known here and may add flags that change these findings",
                    f"`{word.raw}` はここでは分からず、結果を変えるフラグを含む可能性があります"))

    def _create_nodegroup(self, invocation: Invocation, parsed: Parsed) -> None:
        if self._dry_run(invocation, parsed):
            return
        if self._config_rejections(("create", "nodegroup"), invocation, parsed):
            for cluster in self._config_clusters(("create", "nodegroup"), invocation, parsed):
                if not any(e.cluster is cluster for e in self.entries):
                    self._add_config_node_groups(cluster, invocation)
            return
        warnings: list[Text] = []
        managed = _structural(parsed, "managed", True, warnings)
        if not managed:
            for flag_name in _MANAGED_ONLY:
                if parsed.given(flag_name):
                    _refuse(self.ctx, invocation, f"--{flag_name} is only valid with managed nodegroups (--managed)")
        elif parsed.given("version"):
            _refuse(self.ctx, invocation, "--version is only valid with unmanaged nodegroups")
        for warning in warnings:
            _warn(self.ctx, invocation.path, invocation.line, warning)
        named = _named(_word_of(parsed.last("cluster")))
        if named is None:  # eksctl: NewCreateNodeGroupLoader, "--cluster must be set"
            _refuse(self.ctx, invocation, "--cluster must be set")
            return
        cluster = self.target(named, invocation, parsed)
        kind = "managedNodeGroups" if managed else "nodeGroups"
        builder = DocumentBuilder(invocation.line)
        root = builder.root
        builder.put(root, "apiVersion", "eksctl.io/v1alpha5", "apiVersion")
        builder.put(root, "kind", "ClusterConfig", "kind")
        builder.put(root, "metadata.name", cluster.name, "metadata.name")
        # eksctl `create nodegroup` leaves AmazonEKS_CNI_Policy off the node role only when aws-node already uses
        # IRSA (pkg/actions/nodegroup/create.go DoesAWSNodeUseIRSA): a cluster created with withOIDC, not one
        # whose OIDC provider was associated later
        if cluster.irsa_enabled is not None and cluster.irsa_enabled.value \
                and id(cluster) not in self.oidc_without_aws_node_role:
            builder.put(root, "iam.withOIDC", True, "iam.withOIDC")
        name: str | None = None
        if not parsed.given("name") and parsed.positionals and parsed.positionals[0].known:
            name = parsed.positionals[0].text
        elif not parsed.given("name"):
            name = f"{'managed' if managed else 'node'}group-{len(cluster.node_groups)}"
        group = _node_group(builder, parsed, kind, f"{kind}[0]", name)
        root[kind] = builder.convert([])
        root[kind].append(group)
        root[kind].item_lines.append(invocation.line)
        root.marks[kind] = (invocation.line, 0)
        built = read_cluster_config(root, invocation.path, VerbatimVariables({}))
        _retouch(built, builder.unknowns, "eksctl create nodegroup")
        if parsed.given("subnet-ids"):
            # pkg/vpc/vpc.go selectNodeGroupSubnetsFromIDs: ids that are not in the ClusterConfig's
            # `vpc.subnets` are taken as they are from the account, whatever `--node-private-networking`
            # says; the subnet itself (MapPublicIpOnLaunch, routes) decides whether nodes are public
            for built_group in built.node_groups:
                built_group.public_subnets = unknown(self._origin(invocation, "subnet-ids"), Text(
                    "the node group's subnets are given by id (`--subnet-ids`); whether they are public is not "
                    "in this file",
                    "ノードグループのサブネットが ID（`--subnet-ids`）で指定されており、パブリックかどうかはこの"
                    "ファイルにありません"))
        cluster.node_groups.extend(built.node_groups)
        cluster.load_balancer_controller = cluster.load_balancer_controller or built.load_balancer_controller
        cluster.cluster_autoscaler = cluster.cluster_autoscaler or built.cluster_autoscaler

    def _replace_node_groups_only(self, cluster: Cluster, invocation: Invocation) -> None:
        """A guide's alternatives: `eksctl create nodegroup -f X` into an existing cluster, or, without one,
        `eksctl create cluster -f X`. Either way the node groups are made once: the cluster created here replaces
        an earlier configuration of this file, of its name, that only `create nodegroup -f` read and whose node
        groups it creates too."""
        names = {group.name for group in cluster.node_groups}
        for entry in list(self.entries):
            earlier = entry.cluster
            if earlier.partial_use is not None and earlier.name == cluster.name \
                    and earlier.origin.path == invocation.path and {g.name for g in earlier.node_groups} <= names:
                self.entries.remove(entry)
                self.ctx.estate.clusters.remove(earlier)
                cluster.notes.extend(earlier.notes)

    def _add_config_node_groups(self, config: Cluster, invocation: Invocation) -> None:
        """`eksctl create nodegroup -f` with a configuration new to this sequence. A here-document's node groups
        join the cluster this sequence created under that name, else only they are scored (`partial_use`); a
        scanned file is scored as `Resolver.scope_partial_uses` decides."""
        created = next((e.cluster for e in reversed(self.entries)
                        if not e.partial and e.cluster.partial_use is None and e.cluster.name == config.name), None)
        if config.origin.path != invocation.path or created is None:
            if config.origin.path == invocation.path:
                config.partial_use = partial_use([(("create", "nodegroup"), invocation)])
            self.register(config.name, config)
            return
        # eksctl userdocs usage/nodegroups.md: `create nodegroup --config-file` skips the node groups that
        # already exist in the cluster
        existing = {group.name for group in created.node_groups}
        created.node_groups.extend(g for g in config.node_groups if g.name not in existing)
        self.ctx.estate.clusters.remove(config)

    def _create_iamidentitymapping(self, invocation: Invocation, parsed: Parsed) -> None:
        clusters = self._utils_targets(invocation, parsed, approve_needed=False, name_flags=("cluster", "name"))
        if not clusters:
            return
        item: dict[str, Any] = {}
        for flag, key in (("arn", "arn"), ("role", "arn"), ("username", "username"), ("account", "account"),
                          ("service-name", "serviceName"), ("namespace", "namespace"), ("group", "groups")):
            values = parsed.values.get(flag)
            if values:
                value = converted(values)
                item[key] = str(value) if isinstance(value, ShellUnknown) else value
        builder = DocumentBuilder(invocation.line)
        builder.put(builder.root, "apiVersion", "eksctl.io/v1alpha5", "apiVersion")
        builder.put(builder.root, "kind", "ClusterConfig", "kind")
        builder.put(builder.root, "iamIdentityMappings", [item], "iamIdentityMappings")
        built = read_cluster_config(builder.root, invocation.path, VerbatimVariables({}))
        for cluster in clusters:
            cluster.identity_mappings = [*(cluster.identity_mappings or []), *(built.identity_mappings or [])]

    def _utils_targets(self, invocation: Invocation, parsed: Parsed, approve_needed: bool = True,
                       name_flags: tuple[str, ...] = ("cluster",)) -> list[Cluster]:
        """The clusters a `utils` command changes (none when eksctl would change nothing): the one it names, and
        the other ways this document creates a cluster of that name (a guide's alternatives: the command applies
        to whichever was run)."""
        if parsed.given("config-file"):
            _warn(self.ctx, invocation.path, invocation.line, Text(
                "`-f` with this command is not evaluated; pass the flags instead",
                "このコマンドの `-f` は評価しません。フラグで指定してください"))
            return []
        word = self._cluster_word(invocation, parsed, name_flags)
        if word is None:
            return []
        if approve_needed and not self._switched_on(parsed, "approve"):
            self._changes_nothing(invocation, Text("without `--approve` eksctl only prints the plan",
                                                   "`--approve` がないため eksctl は計画を表示するだけです"))
            return []
        cluster = self.target(word, invocation, parsed)
        alternatives = [e.cluster for e in self.entries if not e.partial and e.cluster is not cluster
                        and e.cluster.name == cluster.name and e.cluster.partial_use is None
                        and id(e.cluster) not in self.deleted]
        return [*alternatives, cluster]

    def _cluster_word(self, invocation: Invocation, parsed: Parsed, name_flags: tuple[str, ...]) -> Word | None:
        """The cluster a command without `-f` names, by a flag or its argument; None, refused as eksctl refuses it
        before anything else (cmdutils validateMetadataWithoutConfigFile), when it names none or both."""
        flag = next((_word_of(parsed.last(n)) for n in name_flags if parsed.given(n)), None)
        argument = parsed.positionals[0] if parsed.positionals else None
        if _named(flag) is not None and argument is not None:
            _refuse(self.ctx, invocation, f"--cluster={flag.text if flag else ''} and argument {argument.text} "
                                          "cannot be used at the same time")
            return None
        word = _named(flag) or _named(argument)
        if word is None:
            _refuse(self.ctx, invocation, "--cluster must be set")
        return word

    @staticmethod
    def _switched_on(parsed: Parsed, flag: str) -> bool:
        values = parsed.values.get(flag)
        return values is not None and converted(values) is True

    def _changes_nothing(self, invocation: Invocation, why: Text) -> None:
        _warn(self.ctx, invocation.path, invocation.line, Text(f"{why.en}: this command changes nothing",
                                                               f"{why.ja}。このコマンドは何も変更しません"))

    def _dry_run(self, invocation: Invocation, parsed: Parsed) -> bool:
        """`--dry-run` only prints the ClusterConfig eksctl would use (userdocs `usage/dry-run.md`): the
        command creates nothing, so it is not scored (the warning says so)."""
        if not self._switched_on(parsed, "dry-run"):
            return False
        self._changes_nothing(invocation, Text("with `--dry-run` eksctl only prints the ClusterConfig",
                                               "`--dry-run` では eksctl は ClusterConfig を表示するだけです"))
        return True

    def _origin(self, invocation: Invocation, flag: str) -> Origin:
        return Origin(invocation.path, invocation.line, None, f"--{flag}")

    def _flag_value(self, invocation: Invocation, parsed: Parsed, flag: str) -> Value[Any] | None:
        values = parsed.values.get(flag)
        if not values:
            return None
        value = converted(values)
        origin = self._origin(invocation, flag)
        if isinstance(value, ShellUnknown):
            return unknown(origin, value.reason)
        return declared(value, origin)

    def _utils_update_cluster_vpc_config(self, invocation: Invocation, parsed: Parsed) -> None:
        if parsed.given("config-file"):
            self._config_rejections(("utils", "update-cluster-vpc-config"), invocation, parsed)
        elif self._cluster_word(invocation, parsed, ("cluster",)) is None:
            return
        changes = [f for f in ("private-access", "public-access", "public-access-cidrs") if parsed.given(f)]
        others = [f for f in ("control-plane-subnet-ids", "control-plane-security-group-ids",
                              "control-plane-egress-mode") if parsed.given(f)]
        if not parsed.given("config-file") and not changes and not others:
            _refuse(self.ctx, invocation, "at least one of these options must be specified: --private-access, "
                                          "--public-access, --public-access-cidrs, --control-plane-subnet-ids, "
                                          "--control-plane-security-group-ids, --control-plane-egress-mode")
            return
        self._update_endpoint(invocation, parsed)

    def _utils_update_cluster_endpoints(self, invocation: Invocation, parsed: Parsed) -> None:
        self._update_endpoint(invocation, parsed, name_flags=("cluster", "name"))

    def _update_endpoint(self, invocation: Invocation, parsed: Parsed, name_flags: tuple[str, ...] = ("cluster",)) -> None:
        private = self._flag_value(invocation, parsed, "private-access")
        public = self._flag_value(invocation, parsed, "public-access")
        cidrs = self._flag_value(invocation, parsed, "public-access-cidrs")
        for cluster in self._utils_targets(invocation, parsed, name_flags=name_flags):
            self._set_endpoint(cluster, invocation, private, public, cidrs)

    def _set_endpoint(self, cluster: Cluster, invocation: Invocation, private: Value[Any] | None,
                      public: Value[Any] | None, cidrs: Value[Any] | None) -> None:
        before = endpoint_open(cluster)
        if private is not None:
            cluster.endpoint_private_access = private
        if public is not None:
            cluster.endpoint_public_access = public
        if cidrs is not None:
            cluster.public_endpoint_cidrs = cidrs
        if cluster.endpoint_public_access is None and cluster.public_endpoint_cidrs is not None:
            cluster.endpoint_public_access = unknown(self._origin(invocation, "cluster"), Text(
                "whether the public endpoint is on is not in this file", "パブリックエンドポイントが有効かどうかはこのファイルにありません"))
        after = endpoint_open(cluster)
        if before is not None and before[0] and after is not None and not after[0]:
            self._window(cluster, before[1], invocation)

    def _window(self, cluster: Cluster, opened: Origin, invocation: Invocation) -> None:
        """The endpoint was open from its creation until this command closed it: not an EKS101 finding
        (the end state is closed), but a window worth knowing. It is recorded three ways: a note on the
        cluster (reporters show notes), `Cluster.exposure_windows` (for a rule to report at info level),
        and an `info` entry in `estate.warnings` so that it is printed today."""
        closed = Origin(invocation.path, invocation.line, None, "eksctl utils update-cluster-vpc-config")
        text = Text(
            f"The public API endpoint of `{cluster.name}` is open to the internet (0.0.0.0/0) from "
            f"{opened.display()} until {closed.display()} restricts it: anyone can reach it in between.",
            f"`{cluster.name}` のパブリック API エンドポイントは {opened.display()} から {closed.display()} で制限される"
            "までインターネット（0.0.0.0/0）に公開されており、その間は誰でも到達できます。")
        cluster.notes.append(text)
        cluster.exposure_windows.append(ExposureWindow("endpoint_public_access", opened, closed, text))
        _warn(self.ctx, invocation.path, invocation.line, text, kind="info")

    def _utils_update_cluster_logging(self, invocation: Invocation, parsed: Parsed) -> None:
        if not parsed.given("enable-types") and not parsed.given("disable-types") and not parsed.given("config-file"):
            _refuse(self.ctx, invocation, "at least one flag has to be provided: --enable-types, --disable-types")
            return
        for cluster in self._utils_targets(invocation, parsed, name_flags=("cluster", "name")):
            self._set_logging(cluster, invocation, parsed)

    def _set_logging(self, cluster: Cluster, invocation: Invocation, parsed: Parsed) -> None:
        origin = self._origin(invocation, "enable-types" if parsed.given("enable-types") else "disable-types")
        enable = converted(parsed.values["enable-types"]) if parsed.given("enable-types") else []
        disable = converted(parsed.values["disable-types"]) if parsed.given("disable-types") else []
        for value in (enable, disable):
            if isinstance(value, ShellUnknown):
                cluster.log_types = unknown(origin, value.reason)
                return
        current = cluster.log_types
        # update_cluster_logging.go processTypesToEnable
        if disable[:1] == ["all"]:
            result: set[str] | None = set(enable)
        elif enable[:1] == ["all"]:
            result = set(ALL_LOG_TYPES) - set(disable)
        elif current is not None and current.known:
            result = (set(current.value or []) | set(enable)) - set(disable)
        else:
            result = None
        if result is None:
            cluster.log_types = unknown(origin, Text(
                "the log types enabled before this command are not known here",
                "このコマンドの前に有効だったログの種類はここでは分かりません"))
            return
        cluster.log_types = declared(sorted(result), origin)
        cluster.uses_cloudwatch_logging = bool(result)

    def _create_fargateprofile(self, invocation: Invocation, parsed: Parsed) -> None:
        """A Fargate profile from flags: the pods of its namespace run on Fargate, where IMDS is not reachable
        (the `-f` form is read with its ClusterConfig)."""
        if parsed.given("config-file"):
            return
        namespace = parsed.last("namespace")
        if namespace is None:
            _warn(self.ctx, invocation.path, invocation.line, Text(
                "`eksctl create fargateprofile` without `--namespace` is not evaluated",
                "`--namespace` のない `eksctl create fargateprofile` は評価しません"))
            return
        name = parsed.last("name")
        origin = Origin(invocation.path, namespace.line, None, "--namespace")
        namespaces = [namespace.text] if namespace.unknown is None else []
        for cluster in self._utils_targets(invocation, parsed, approve_needed=False):
            cluster.fargate_profiles.append(FargateProfile(
                name.text if name is not None and name.unknown is None
                else f"fargateprofile-{len(cluster.fargate_profiles)}",
                origin, namespaces, [], [] if parsed.given("labels") else namespaces))

    def _utils_associate_iam_oidc_provider(self, invocation: Invocation, parsed: Parsed) -> None:
        for cluster in self._utils_targets(invocation, parsed, name_flags=("cluster", "name")):
            if cluster.irsa_enabled is None or not cluster.irsa_enabled.value:
                self.oidc_without_aws_node_role.add(id(cluster))
            cluster.irsa_enabled = declared(True, Origin(invocation.path, invocation.line, None,
                                                         "eksctl utils associate-iam-oidc-provider"))

    def _utils_enable_secrets_encryption(self, invocation: Invocation, parsed: Parsed) -> None:
        """Envelope encryption of Secrets with the KMS key `--key-arn` (cmdutils/kms.go: required without `-f`;
        validation.go ValidateSecretsEncryption: an ARN). It runs without `--approve` (the command has no plan)."""
        key = parsed.last("key-arn")
        if not parsed.given("config-file"):
            if key is None or (key.unknown is None and not key.text):
                _refuse(self.ctx, invocation, "--key-arn is required when a config file is not specified")
                return
            if key.unknown is None and not re.fullmatch(r"arn:[^:]+:[^:]+:[^:]*:[^:]*:.+", key.text):
                _refuse(self.ctx, invocation, f"invalid ARN in secretsEncryption.keyARN: {key.text!r}")
                return
        for cluster in self._utils_targets(invocation, parsed, approve_needed=False):
            if key is not None:
                cluster.secrets_kms_key = declared(key.text, self._origin(invocation, "key-arn"))

    def _delete_cluster(self, invocation: Invocation, parsed: Parsed) -> None:
        word = _word_of(parsed.last("name")) or (parsed.positionals[0] if parsed.positionals else None)
        cluster = self.find(word)
        if cluster is not None:
            self.deleted.add(id(cluster))
            cluster.notes.append(Text(
                f"{invocation.path}:{invocation.line} deletes this cluster later (`{_clip(invocation.source)}`); "
                "the settings above apply until then.",
                f"{invocation.path}:{invocation.line} がこのクラスターを後で削除します（`{_clip(invocation.source)}`）。"
                "それまでは上記の設定が有効です。"))


def _use_kops_vpc(cluster: Cluster, origin: Origin, kops_cluster: str) -> None:
    """`--vpc-from-kops-cluster`: eksctl builds no VPC but imports the subnets of the kops cluster's VPC
    (pkg/kops/kops.go UseVPC): their zones, the VPC's DNS attributes and its routes are not in this file."""
    why = Text(f"the VPC and subnets come from the kops cluster `{kops_cluster}` (`--vpc-from-kops-cluster`): "
               "their Availability Zones, DNS settings and routes are not in this file",
               f"VPC とサブネットは kops クラスター `{kops_cluster}` のもの（`--vpc-from-kops-cluster`）で、"
               "アベイラビリティーゾーン・DNS 設定・ルートはこのファイルにありません")
    cluster.cluster_subnet_azs = unknown(origin, why)
    cluster.network = Network(vpc=Vpc(f"vpc of kops cluster {kops_cluster}", origin, None, unknown(origin, why),
                                      unknown(origin, why)), undescribed=why)


def _create_cluster_errors(parsed: Parsed) -> list[str]:
    """configfile.go validateWithoutConfigFile: combinations eksctl refuses."""
    errors: list[str] = []
    name = parsed.last("name")
    if name is not None and parsed.positionals:
        errors.append(f"--name={name.text} and argument {parsed.positionals[0].text} cannot be used at the same time")
    if parsed.given("install-vpc-controllers"):
        errors.append("cannot use --install-vpc-controllers unless a config file is specified via --config-file/-f")
    auto = parsed.values.get("enable-auto-mode")
    if auto and converted(auto) is True:
        for flag in _REJECTED_NODEGROUP:
            if parsed.given(flag):
                errors.append(f"cannot use --{flag} when Auto Mode is enabled")
        if parsed.given("fargate"):
            errors.append("cannot use --fargate when Auto Mode is enabled")
        if parsed.given("without-nodegroup"):
            errors.append("--without-nodegroup is the default behavior when Auto Mode is enabled")
    if parsed.given("node-zones") and not parsed.given("zones"):
        errors.append("validation for --zones and --node-zones failed: zones must be defined if node-zones is provided")
    managed = parsed.values.get("managed")
    if managed and converted(managed) is False:
        errors.extend(f"--{flag} is only valid with managed nodegroups (--managed)" for flag in _MANAGED_ONLY
                      if parsed.given(flag))
    family, version = parsed.values.get("node-ami-family"), parsed.values.get("version")
    minor = minor_of(str(converted(version)) if version else DEFAULT_VERSION)
    if family and converted(family) == "AmazonLinux2" and minor is not None and minor >= AL2_LAST_MINOR:
        # defaults.go SetNodeGroupDefaults / SetManagedNodeGroupDefaults: AmazonLinux2EOLVersion = 1.33
        errors.append(f"AmazonLinux2 is not supported for Kubernetes version 1.{minor}")
    return errors



# the commands whose `-f` file `Sequence._config_clusters` reads (and records) itself
_READ_HERE = frozenset({("create", "cluster"), ("create", "nodegroup"), ("create", "ng")})
_CONFIG_FLAGS = ("-f", "--config-file")


def _config_word(words: list[Word]) -> Word | None:
    """The file of `-f FILE`, `-f=FILE` or `--config-file[=]FILE` among a command's words (None: none, or stdin)."""
    for index, word in enumerate(words):
        if not word.known:
            continue
        if word.text in _CONFIG_FLAGS and index + 1 < len(words):
            found = words[index + 1]
            return None if found.known and found.text == "-" else found
        for flag in _CONFIG_FLAGS:
            if word.text.startswith(f"{flag}=") and word.text != f"{flag}=-":
                text = word.text[len(flag) + 1:]
                return Word(text, word.raw, word.line, None, text)
    return None


def _word_of(value: FlagValue | None) -> Word | None:
    if value is None:
        return None
    return Word(value.text, value.text, value.line, value.unknown, "" if value.unknown else value.text)


def _named(word: Word | None) -> Word | None:
    """A cluster name as eksctl takes it: an empty one (`--cluster=""`) is no name at all."""
    return None if word is not None and word.known and not word.text else word


def _key(word: Word | None) -> str | None:
    """How a cluster is named within one sequence: its name, or (unknown) the text that names it."""
    return None if word is None else word.text


def _placeholder_name(name: str) -> bool:
    return "$" in name or name == "unnamed"


def _clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FORGIVEN = re.compile(r"^(binary file|invalid UTF-8|file is )")


def _forgive_extensionless(ctx: sources.ScanContext) -> None:
    """Extensionless files are read only to look for a shell shebang: one that turns out to be binary,
    huge or not UTF-8 is simply not a script, not an input error."""
    kept = []
    for problem in ctx.estate.problems:
        name = os.path.basename(problem.path)
        if file_kind(name) == "shebang" and _FORGIVEN.match(problem.message):
            ctx.estate.inputs.append(InputRecord(problem.path, "ignored"))
        else:
            kept.append(problem)
    ctx.estate.problems[:] = kept


def _created_by_commands(batches: list[tuple[str, list[Invocation]]]) -> set[str]:
    """The known names of the clusters `eksctl create cluster` makes from flags (`--name` or its argument)."""
    names: set[str] = set()
    for _, invocations in batches:
        for invocation in invocations:
            command, rest = split_command(invocation.args)
            if command != ("create", "cluster"):
                continue
            parsed = parse_flags(rest, COMMANDS[command])
            if parsed.given("config-file"):
                continue
            name = _named(_word_of(parsed.last("name")) or (parsed.positionals[0] if parsed.positionals else None))
            if name is not None and name.known:
                names.add(name.text)
    return names


def finish(ctx: sources.ScanContext) -> None:
    _forgive_extensionless(ctx)
    batches: list[tuple[str, list[Invocation]]] = ctx.estate.extras.pop(EXTRAS_KEY, [])
    if not batches:
        return
    resolver = Resolver(ctx)
    resolver.created_by_commands = _created_by_commands(batches)
    for path, invocations in batches:
        Sequence(ctx, resolver, path).run(invocations)
    resolver.scope_partial_uses()


def register() -> None:
    sources.TEXT_READERS.append(("commandline", _accepts, read_text_file))
    sources.DOCUMENT_READERS.append(("ci", read_ci))
    sources.FINISHERS.append((PRIORITY, finish))

