"""Kubernetes manifests → the model: objects as they would be applied, grouped per cluster.

A manifest file holds one or more documents (YAML or JSON, `List` kinds expanded; `helm template` output is
plain multi-document YAML). kustomize trees are rendered (analysis.kustomize): an object a kustomization
renders is described as rendered by each root kustomization (one no other scanned kustomization refers to),
with the namespace, patches and labels it gets there; patch files are never objects of their own.

Objects are tied to a cluster of the same scan by `.eksguard.yaml`
(`kubernetes: {clusters: {"k8s/prod/**": prod-cluster}}`, paths matched as given or relative to the
configuration file), or to the only cluster of the scan; the rest form their own scope (`kubernetes`).
`aws-auth` ConfigMaps become the identity mappings of their cluster (a minimal `Cluster` holding only them
when no cluster is bound), RBAC bindings of users and groups become `Cluster.rbac_grants`.

This module describes; it never judges.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eksguard.analysis.kustomize import (
    CLUSTER_SCOPED,
    Renderer,
    Resource,
    is_kustomization_file,
    item_path,
    key_path,
    manifest_objects,
    overlay_of,
)
from eksguard.analysis.pss import PssVersion, pod_spec_of
from eksguard.model import (
    IGNORE_REASON,
    PSA_TOOL,
    Cluster,
    IdentityMapping,
    InputProblem,
    KubeObject,
    KubeScope,
    MappingProblem,
    NodeGroup,
    Origin,
    RbacGrant,
    Text,
    Value,
    declared,
    defaulted,
    field_path_tokens,
)
from eksguard.sources.fields import Variables, as_str_list
from eksguard.sources.flux import PostBuild, build_folders, post_builds, substituted
from eksguard.sources.loading import InputError, Limits, LineList, LineMap, load_yaml_documents, read_text

STATE_KEY = "kubernetes.state"
IGNORE_ANNOTATION = "eksguard.io/ignore"
AWS_AUTH_FIELDS = (("mapRoles", "role", "rolearn"), ("mapUsers", "user", "userarn"), ("mapAccounts", "account", ""))

# built-in kinds that live in a namespace: without `metadata.namespace` kubectl puts them in the context's
# namespace, "default" unless told otherwise
NAMESPACED_BUILTINS = frozenset({
    "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController",
    "PodTemplate", "Service", "ServiceAccount", "ConfigMap", "Secret", "Role", "RoleBinding", "NetworkPolicy",
    "Ingress", "PersistentVolumeClaim", "HorizontalPodAutoscaler", "PodDisruptionBudget", "LimitRange",
    "ResourceQuota", "Endpoints", "EndpointSlice", "Lease", "Event",
})  # fmt: skip

_BLOCK_KEY = re.compile(r"^\s*[\"']?(mapRoles|mapUsers|mapAccounts)[\"']?\s*:\s*[|>][-+0-9]*\s*(#.*)?$")


@dataclass(slots=True)
class ManifestFile:
    path: str
    documents: list[Any]
    # id(document) -> API path -> why: fields holding a `${VAR}` placeholder no `--var` sets
    unknown_fields: dict[int, dict[str, Text]] = field(default_factory=dict)


@dataclass(slots=True)
class DeclaredObject:
    """A Kubernetes object another source declares (a Terraform resource): its document with line marks, the
    declaring resource's address, the cluster its source builds beside it, and its fields not known."""

    doc: LineMap
    path: str
    resource: str
    cluster: str | None
    unknown_fields: dict[str, Text]
    unknown_namespace: str | None = None  # its namespace as written when not known (`var.ns`)


@dataclass(slots=True)
class KubeState:
    """What the reader collected, for the finisher."""

    files: dict[str, ManifestFile] = field(default_factory=dict)  # abspath -> file
    declared: list[DeclaredObject] = field(default_factory=list)
    kustomizations: dict[str, ManifestFile] = field(default_factory=dict)  # abspath of the file -> file
    block_scalars: dict[str, set[int]] = field(default_factory=dict)  # path -> lines of `mapRoles: |` keys
    # abspath of a file Terraform's templatefile() renders -> the .tf file that calls it
    templates: dict[str, str] = field(default_factory=dict)


def drop_fields(node: Any, api_path: str, why_not_known: Callable[[Any], Any | None],
                on_dropped: Callable[[str, Any], None]) -> None:
    """Leave out of a parsed manifest the keys and list items whose key or value `why_not_known` gives a
    reason for (a placeholder of an interpolation a source could not evaluate), telling `on_dropped` each
    field's API path (`spec.containers[0].image`) and that reason: the rest of the object is still checked."""
    if isinstance(node, LineMap):
        for key in list(node):
            path = f"{api_path}.{key}" if api_path else str(key)
            why = why_not_known(key) or why_not_known(node[key])
            if why is not None:
                del node[key]
                node.marks.pop(key, None)
                on_dropped(path, why)
            else:
                drop_fields(node[key], path, why_not_known, on_dropped)
    elif isinstance(node, LineList):
        kept: list[tuple[Any, int]] = []
        for index, (item, line) in enumerate(zip(node, node.item_lines, strict=False)):
            why = why_not_known(item)
            if why is not None:
                on_dropped(f"{api_path}[{index}]", why)
                continue
            drop_fields(item, f"{api_path}[{index}]", why_not_known, on_dropped)
            kept.append((item, line))
        node[:] = [item for item, _ in kept]
        node.item_lines = [line for _, line in kept]


def state_of(estate_extras: dict[str, Any]) -> KubeState:
    state = estate_extras.get(STATE_KEY)
    if not isinstance(state, KubeState):
        state = KubeState()
        estate_extras[STATE_KEY] = state
    return state


def record_file(state: KubeState, documents: list[Any], text: str, path: str, variables: Variables,
                key: str | None = None) -> bool:
    """Remember a manifest or kustomization file (`key`: for manifests that are part of a file, such as a
    script's here-document); False when it holds no Kubernetes object."""
    key = key or os.path.abspath(path)
    if is_kustomization_file(path):
        state.kustomizations[key] = ManifestFile(path, documents)
        return True
    if not manifest_objects(documents):
        return False
    entry = state.files[key] = ManifestFile(path, documents)
    if "$" in text:
        for doc in documents:
            unknown: dict[str, Text] = {}
            _put_variables(doc, "", "", path, variables, unknown)
            if unknown:
                entry.unknown_fields[id(doc)] = unknown
    if "aws-auth" in text:
        lines = {number for number, line in enumerate(text.splitlines(), start=1) if _BLOCK_KEY.match(line)}
        if lines:
            state.block_scalars[path] = lines
    return True


# Fields whose syntax has no `$` (object names, label values, image references): a `${VAR}` there can only be
# a placeholder for envsubst or Flux's postBuild substitution. Elsewhere (`args`, ConfigMap data) `${VAR}` is
# often shell for the container to expand, so it stays as written unless --var sets it.
_NAME_FIELDS = frozenset({"name", "namespace", "generateName"})  # of `metadata`
_LABEL_MAPS = frozenset({"labels", "matchLabels"})
_PLACEHOLDER_ONLY = frozenset({"image", "serviceAccountName", "serviceAccount"})


def _put_variables(node: Any, api_path: str, parent: str, path: str, variables: Variables,
                   unknown: dict[str, Text]) -> None:
    """Put `--var` values into a manifest's strings, as envsubst would; a placeholder left in a field that can
    only hold a placeholder is an unresolved-variable problem, and that field goes into `unknown`."""
    if isinstance(node, LineMap):
        for key, value in node.items():
            field_path = f"{api_path}.{key}" if api_path else str(key)
            if isinstance(value, str):
                if "$" not in value:
                    continue
                placeholder_only = (key in _PLACEHOLDER_ONLY or parent in _LABEL_MAPS
                                    or (parent == "metadata" and key in _NAME_FIELDS))
                line = node.marks.get(key, (node.line, 0))[0]
                node[key], missing = variables.substitute(value, path, line, required=placeholder_only)
                if missing and placeholder_only:
                    unknown[field_path] = Text(f"not known until `{value}` is set",
                                               f"`{value}` が設定されるまで不明です")
            else:
                _put_variables(value, field_path, str(key), path, variables, unknown)
    elif isinstance(node, LineList):
        for index, item in enumerate(node):
            if isinstance(item, str):
                if "$" in item:
                    line = node.item_lines[index] if index < len(node.item_lines) else node.line
                    node[index] = variables.substitute(item, path, line, required=False)[0]
            else:
                _put_variables(item, f"{api_path}[{index}]", parent, path, variables, unknown)


# --------------------------------------------------------------------------------------------------
# Objects
# --------------------------------------------------------------------------------------------------


def locate(doc: Any, path: str, field_path: str) -> Origin:
    """The position of a field path (`spec.containers[0].securityContext`, `metadata.labels[a/b]`) in `doc`,
    or of its nearest present parent; rendered nodes name the file each part was written in."""
    node, current = doc, path
    line: int | None = getattr(doc, "line", None) or None
    column: int | None = getattr(doc, "column", None) or None
    for token in field_path_tokens(field_path):
        if isinstance(node, Mapping) and token in node:
            current = key_path(node, token, current)
            if isinstance(node, LineMap):
                line, column = node.marks.get(token, (line, column))
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            index = int(token)
            current = item_path(node, index, current)
            if isinstance(node, LineList) and index < len(node.item_lines):
                line = node.item_lines[index]
                item = node[index]
                column = getattr(item, "column", None) or column
            node = node[index]
        else:
            break
    return Origin(current, line, column, field_path)


def _metadata(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = doc.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def _ignored(doc: Mapping[str, Any]) -> frozenset[str]:
    annotations = _metadata(doc).get("annotations")
    value = annotations.get(IGNORE_ANNOTATION) if isinstance(annotations, Mapping) else None
    if not isinstance(value, str):
        return frozenset()
    return frozenset(rule.upper() for rule in re.findall(r"(?i)EKS\d{3}", value))


def make_object(doc: Mapping[str, Any], path: str, render: str | None,
                overlay: tuple[str, str] | None, resource: str | None = None) -> KubeObject:
    metadata = _metadata(doc)
    kind = str(doc.get("kind", ""))
    name = str(metadata.get("name") or metadata.get("generateName") or "")
    namespace = metadata.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        namespace = None if kind in CLUSTER_SCOPED or kind not in NAMESPACED_BUILTINS else "default"
    elif kind in CLUSTER_SCOPED:
        namespace = None
    origin = Origin(path, getattr(doc, "line", None) or None, getattr(doc, "column", None) or None,
                    resource=resource)

    def where(field_path: str) -> Origin:
        found = locate(doc, path, field_path)
        return found if resource is None else Origin(found.path, found.line, found.column or None, found.pointer, resource)

    return KubeObject(kind=kind, api_version=str(doc.get("apiVersion", "")), name=name, namespace=namespace,
                      doc=doc, origin=origin, render=render, overlay=overlay, ignored_rules=_ignored(doc),
                      locate=where)


# --------------------------------------------------------------------------------------------------
# Karpenter
# --------------------------------------------------------------------------------------------------

KARPENTER = "Karpenter"
# EC2NodeClass `metadataOptions` defaults: httpTokens required, hop limit 1 in karpenter.k8s.aws/v1 (its
# pkg/apis/v1/ec2nodeclass.go kubebuilder defaults); v1beta1 had hop limit 2 (website upgrading/v1-migration.md,
# "New MetadataOptions Defaults": "reduced from 2 to 1")
_KARPENTER_HOP_DEFAULT = {"karpenter.k8s.aws/v1": 1, "karpenter.k8s.aws/v1beta1": 2}


def karpenter_node_class(obj: KubeObject) -> NodeGroup | None:
    """The IMDS settings of the nodes a Karpenter EC2NodeClass launches; None for another kind, or when
    `httpEndpoint: disabled` turns IMDS off."""
    hop_default = _KARPENTER_HOP_DEFAULT.get(obj.api_version)
    if obj.kind != "EC2NodeClass" or hop_default is None:
        return None
    spec = obj.doc.get("spec")
    options = spec.get("metadataOptions") if isinstance(spec, Mapping) else None
    options = options if isinstance(options, Mapping) else {}
    if str(options.get("httpEndpoint", "enabled")).lower() == "disabled":
        return None
    group = NodeGroup(obj.name, "karpenter", obj.origin)
    at = obj.origin_at("spec.metadataOptions")
    tokens, hops = options.get("httpTokens"), options.get("httpPutResponseHopLimit")
    group.imds_http_tokens = declared(str(tokens), obj.origin_at("spec.metadataOptions.httpTokens")) \
        if tokens is not None else defaulted("required", KARPENTER, at)
    group.imds_hop_limit = declared(int(hops), obj.origin_at("spec.metadataOptions.httpPutResponseHopLimit")) \
        if isinstance(hops, int) and not isinstance(hops, bool) else defaulted(hop_default, KARPENTER, at)
    return group


# --------------------------------------------------------------------------------------------------
# aws-auth
# --------------------------------------------------------------------------------------------------


def is_aws_auth(obj: KubeObject) -> bool:
    return obj.kind == "ConfigMap" and obj.name == "aws-auth" and obj.namespace in ("kube-system", "default")


def read_aws_auth(obj: KubeObject, block_scalars: Mapping[str, set[int]],
                  limits: Limits) -> tuple[list[IdentityMapping], list[MappingProblem]]:
    """The mappings of an aws-auth ConfigMap; fields that cannot be read become problems at their line."""
    mappings: list[IdentityMapping] = []
    problems: list[MappingProblem] = []
    data = obj.doc.get("data")
    if not isinstance(data, Mapping):
        return mappings, problems
    for field_name, kind, arn_key in AWS_AUTH_FIELDS:
        if field_name not in data or data[field_name] is None:
            continue
        key_origin = obj.origin_at(f"data.{field_name}")
        block = key_origin.line is not None and key_origin.line in block_scalars.get(key_origin.path, set())

        def at(inner_line: int | None, origin: Origin = key_origin, block: bool = block) -> Origin:
            if block and inner_line and origin.line:
                return Origin(origin.path, origin.line + inner_line, None, origin.pointer)
            return origin

        def problem(message: Text, inner_line: int | None = None, name: str = field_name) -> None:
            problems.append(MappingProblem(name, at(inner_line), message))

        raw = data[field_name]
        if not isinstance(raw, str):
            problem(Text(f"aws-auth `{field_name}` must be a string holding YAML, not {type(raw).__name__}",
                         f"aws-auth の `{field_name}` は YAML を入れた文字列である必要があります（{type(raw).__name__} です）"))
            continue
        try:
            documents = load_yaml_documents(raw, limits)
        except InputError as error:
            reason = error.message.removeprefix("invalid YAML: ")
            problem(Text(f"aws-auth `{field_name}` is not valid YAML ({reason}); the authenticator cannot "
                         "read it and may lock users out",
                         f"aws-auth の `{field_name}` が YAML として不正です（{reason}）。認証時に読めず、"
                         "利用者が締め出される可能性があります"), error.line)
            continue
        entries = next((d for d in documents if d is not None), None)
        if entries is None:
            continue
        if not isinstance(entries, list):
            problem(Text(f"aws-auth `{field_name}` must be a YAML list", f"aws-auth の `{field_name}` は YAML のリストである必要があります"),
                    getattr(entries, "line", None))
            continue
        lines = entries.item_lines if isinstance(entries, LineList) else []
        for index, entry in enumerate(entries):
            inner_line = lines[index] if index < len(lines) else None
            origin = at(inner_line)
            if kind == "account":
                if isinstance(entry, (str, int)) and not isinstance(entry, bool):
                    mappings.append(IdentityMapping("account", None, [], origin, account=str(entry)))
                else:
                    problem(Text(f"aws-auth `mapAccounts` item {index + 1} is not an account id",
                                 f"aws-auth の `mapAccounts` の {index + 1} 番目がアカウント ID ではありません"), inner_line)
                continue
            if not isinstance(entry, Mapping) or not isinstance(entry.get(arn_key), str):
                problem(Text(f"aws-auth `{field_name}` item {index + 1} has no `{arn_key}`",
                             f"aws-auth の `{field_name}` の {index + 1} 番目に `{arn_key}` がありません"), inner_line)
                continue
            username = entry.get("username")
            mappings.append(IdentityMapping(kind, entry[arn_key], as_str_list(entry.get("groups")) or [], origin,
                                            username=str(username) if username is not None else None))
    return mappings, problems


# --------------------------------------------------------------------------------------------------
# RBAC grants of users and groups (for EKS403 on the cluster)
# --------------------------------------------------------------------------------------------------


def _role_verbs(role: KubeObject | None) -> list[str] | None:
    if role is None:
        return None
    verbs: list[str] = []
    rules = role.doc.get("rules")
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, Mapping):
            verbs.extend(str(v) for v in rule.get("verbs") or [] if isinstance(rule.get("verbs"), list))
    return sorted(set(verbs))


def rbac_grants(objects: list[KubeObject]) -> list[RbacGrant]:
    roles = {(o.kind, o.namespace, o.name): o for o in objects
             if o.kind in ("Role", "ClusterRole") and o.api_version.startswith("rbac.authorization.k8s.io/")}
    grants: list[RbacGrant] = []
    for binding in objects:
        if binding.kind not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        role_ref = binding.doc.get("roleRef")
        subjects = binding.doc.get("subjects")
        if not isinstance(role_ref, Mapping) or not isinstance(subjects, list):
            continue
        role_kind, role_name = str(role_ref.get("kind", "")), str(role_ref.get("name", ""))
        scope = binding.namespace if binding.kind == "RoleBinding" else None
        role = roles.get((role_kind, binding.namespace if role_kind == "Role" else None, role_name))
        for index, subject in enumerate(subjects):
            if isinstance(subject, Mapping) and subject.get("kind") in ("User", "Group"):
                grants.append(RbacGrant(str(subject["kind"]), str(subject.get("name", "")), role_kind, role_name,
                                        scope, _role_verbs(role), binding.origin_at(f"subjects[{index}]")))
    return grants


# --------------------------------------------------------------------------------------------------
# Scopes
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Placed:
    obj: KubeObject
    placement: str  # the path the object is bound to a cluster by (its file, or the rendering kustomization)
    cluster: str | None = None  # the cluster its own source builds beside it (Terraform: the same module's)


def _nearest(clusters: list[Cluster], path: str) -> Cluster | None:
    """Of the clusters of one name, the one defined in the folder of `path` (a Terraform root's own objects),
    else the last read (as a lookup by name would give)."""
    folder = os.path.dirname(os.path.abspath(path))
    same = [c for c in clusters if os.path.dirname(os.path.abspath(c.origin.path)) == folder]
    chosen = same or clusters
    return chosen[-1] if chosen else None


def _config(options: Mapping[str, Any]) -> tuple[Mapping[str, Any], Path | None]:
    config = options.get("config")
    raw = getattr(config, "raw", None)
    kubernetes = raw.get("kubernetes") if isinstance(raw, Mapping) else None
    return (kubernetes if isinstance(kubernetes, Mapping) else {}), getattr(config, "path", None)


def _bindings(kube_config: Mapping[str, Any]) -> list[tuple[str, str]]:
    clusters = kube_config.get("clusters")
    if not isinstance(clusters, Mapping):
        return []
    return [(str(pattern), str(name)) for pattern, name in clusters.items()]


def _bound_name(placement: str, bindings: list[tuple[str, str]], config_path: Path | None) -> str | None:
    candidates = [placement.replace(os.sep, "/"), os.path.abspath(placement).replace(os.sep, "/")]
    if config_path is not None:
        with contextlib.suppress(ValueError):  # another drive (Windows)
            candidates.append(os.path.relpath(os.path.abspath(placement), config_path.resolve().parent)
                              .replace(os.sep, "/"))
    for pattern, name in bindings:
        pattern = pattern.rstrip("/")
        for candidate in candidates:
            if fnmatch.fnmatch(candidate, pattern) or fnmatch.fnmatch(candidate, pattern + "/*"):
                return name
    return None


def _canonical(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, default=str)


def _pss_version(options: Mapping[str, Any], kube_config: Mapping[str, Any], config_path: Path | None,
                 cluster: Cluster | None, warn: Callable[[str, int | None, Text], None]) -> Value[str]:
    given = options.get("pss_version")
    if isinstance(given, str) and given:
        if _valid_version(given):
            return declared(given, Origin("--pss-version"))
        warn("--pss-version", None, Text(
            f"`{given}` is not a Pod Security Standards version (v1.N or latest); ignored",
            f"`{given}` は Pod Security Standards のバージョン（v1.N または latest）ではないため無視します"))
    configured = kube_config.get("pss_version")
    where = str(config_path or ".eksguard.yaml")
    if isinstance(configured, str) and _valid_version(configured):
        return declared(configured, Origin(where, pointer="kubernetes.pss_version"))
    if configured is not None:
        warn(where, None, Text(
            f"kubernetes.pss_version {configured!r} is not a quoted version like \"v1.30\" or \"latest\"; ignored",
            f"kubernetes.pss_version {configured!r} は \"v1.30\" や \"latest\" のような引用符付きのバージョンでは"
            "ないため無視します"))
    if cluster is not None and cluster.version is not None and cluster.version.known and cluster.version.value:
        version = f"v{str(cluster.version.value).lstrip('v')}"
        if _valid_version(version):
            return Value(version, cluster.version.provenance, cluster.version.origin, cluster.version.default_by, Text(
                f"`latest` is the cluster's Kubernetes version {version}",
                f"`latest` はクラスターの Kubernetes バージョン {version} です"))
    return defaulted("latest", PSA_TOOL, Origin("pod-security.kubernetes.io"), Text(
        "no Pod Security Standards version is pinned; admission uses `latest`",
        "Pod Security Standards のバージョンが固定されていないため、アドミッションは `latest` を使います"))


def _valid_version(text: str) -> bool:
    try:
        PssVersion.parse(text)
    except ValueError:
        return False
    return True


def _object_lines(node: Any, path: str, out: set[tuple[str, int]]) -> None:
    line = getattr(node, "line", 0)
    if line:
        out.add((path, line))
    if isinstance(node, Mapping):
        for key, value in node.items():
            child_path = key_path(node, key, path)
            if isinstance(node, LineMap) and key in node.marks:
                out.add((child_path, node.marks[key][0]))
            _object_lines(value, child_path, out)
    elif isinstance(node, list):
        lines = node.item_lines if isinstance(node, LineList) else []
        for index, value in enumerate(node):
            child_path = item_path(node, index, path)
            if index < len(lines):
                out.add((child_path, lines[index]))
            _object_lines(value, child_path, out)


def object_lines(obj: KubeObject) -> set[tuple[str, int]]:
    lines: set[tuple[str, int]] = set()
    _object_lines(obj.doc, obj.origin.path, lines)
    return lines


def record_ignores(objects: list[KubeObject], ignores: dict[str, dict[int, list[tuple[str, str]]]]) -> None:
    """`eksguard.io/ignore: "EKS501,EKS502"` on an object: its lines suppress those rules.

    The engine honours an ignore on a finding's line and on the line above; a line whose next line belongs
    to another object (the items of a `List`) is left out, so that object's findings are never suppressed.
    The object's own findings there are still covered through the line above.
    """
    annotated = [obj for obj in objects if obj.ignored_rules]
    if not annotated:
        return
    owners: dict[tuple[str, int], set[int]] = {}
    lines_of: dict[int, set[tuple[str, int]]] = {}
    for obj in objects:
        lines_of[id(obj)] = object_lines(obj)
        for key in lines_of[id(obj)]:
            owners.setdefault(key, set()).add(id(obj))
    for obj in annotated:
        for path, line in sorted(lines_of[id(obj)]):
            if owners.get((path, line + 1), set()) - {id(obj)}:
                continue
            entries = ignores.setdefault(path, {}).setdefault(line, [])
            for rule_id in sorted(obj.ignored_rules):
                if (rule_id, IGNORE_REASON) not in entries:
                    entries.append((rule_id, IGNORE_REASON))


class Builder:
    """Turns the collected files into KubeScopes on the estate (the FINISHERS hook)."""

    def __init__(self, state: KubeState, clusters: list[Cluster], options: Mapping[str, Any], limits: Limits,
                 warn: Callable[[str, int | None, Text], None], variables: Variables) -> None:
        self.state = state
        self.variables = variables  # the unresolved-variable problems a Flux Kustomization's values resolve
        self.clusters = clusters
        self.options = options
        self.limits = limits
        self.warn = warn
        self._loaded: dict[str, list[Any] | None] = {}

    # -- files ---------------------------------------------------------------------------------

    def load(self, path: str) -> list[Any] | None:
        key = os.path.abspath(path)
        known = self.state.files.get(key) or self.state.kustomizations.get(key)
        if known is not None:
            return known.documents
        if key in self._loaded:
            return self._loaded[key]
        documents: list[Any] | None = None
        if os.path.isfile(path):
            try:
                documents = load_yaml_documents(read_text(Path(path), self.limits), self.limits)
            except InputError as error:
                self.warn(path, error.line, Text(f"not read for kustomize: {error.message}",
                                                 f"kustomize 用に読めません: {error.ja or error.message}"))
                documents = []
        self._loaded[key] = documents
        return documents

    def _roots(self) -> list[str]:
        folders = {os.path.dirname(key): entry.path for key, entry in self.state.kustomizations.items()}
        referenced: set[str] = set()
        for key, entry in self.state.kustomizations.items():
            doc = next((d for d in entry.documents if isinstance(d, Mapping)), None)
            if doc is None:
                continue
            for section in ("resources", "bases", "components"):
                items = doc.get(section)
                for item in items if isinstance(items, list) else []:
                    if isinstance(item, str):
                        referenced.add(os.path.normpath(os.path.join(os.path.dirname(key), item)))
        return sorted(os.path.dirname(path) or "." for folder, path in folders.items() if folder not in referenced)

    def placed_objects(self) -> list[Placed]:
        renderer = Renderer(self.load, self.warn, self.limits)
        rendered = {root: renderer.render(root) or [] for root in self._roots()}
        claimed = renderer.log.resource_files | renderer.log.patch_files
        loose = self._loose_objects(claimed)
        substitutions = self._post_builds(renderer, rendered, loose)
        placed: list[Placed] = []
        # file -> the names every rendering of it sets (None until a rendering reaches it)
        set_everywhere: dict[str, set[str] | None] = {}
        for root, resources in rendered.items():
            kfile = next((os.path.join(root, n) for n in ("kustomization.yaml", "kustomization.yml", "Kustomization")
                          if os.path.abspath(os.path.join(root, n)) in self.state.kustomizations), root)
            overlay = overlay_of(root) or self._reaching_overlay(root)
            variants: list[PostBuild | None] = [*substitutions.get(os.path.abspath(root), [])] or [None]
            for post_build in variants:
                label = f"{os.path.normpath(root)} ({post_build.name})" if post_build and len(variants) > 1 else None
                names = set(post_build.values) if post_build else set()
                for resource in resources:
                    key = os.path.abspath(resource.path)
                    before = set_everywhere.get(key)
                    set_everywhere[key] = names if before is None else before & names
                    if post_build is not None:
                        resource = Resource(substituted(resource.doc, resource.path, post_build.values),
                                            resource.path, resource.original_name)
                    obj = self._object(resource, root, overlay)
                    obj.render = label or obj.render
                    placed.append(Placed(obj, kfile))
        for key, resolved in set_everywhere.items():
            entry = self.state.files.get(key)
            if entry is not None and resolved:
                self.variables.withdraw(entry.path, resolved)
        placed.extend(loose)
        for declared_object in self.state.declared:
            obj = make_object(declared_object.doc, declared_object.path, None, None, declared_object.resource)
            obj.unknown_fields = declared_object.unknown_fields
            if declared_object.unknown_namespace is not None and obj.namespace is not None:
                # not `default`: the target says which expression the namespace is
                obj.namespace = f"({declared_object.unknown_namespace})"
            placed.append(Placed(obj, declared_object.path, declared_object.cluster))
        return placed

    def _loose_objects(self, claimed: set[str]) -> list[Placed]:
        """The objects of the files no kustomization renders or patches, each as written."""
        placed: list[Placed] = []
        for key, entry in sorted(self.state.files.items()):
            if key in claimed:
                continue
            overlay = overlay_of(entry.path)
            for doc in manifest_objects(entry.documents):
                obj = make_object(doc, entry.path, None, overlay)
                refused = _refused_pod_template(doc)
                if refused is not None:
                    field_path, why = refused
                    line = obj.origin_at(field_path).line if field_path else obj.origin.line
                    named = f"`{obj.name}`" if obj.name else "(no name)"
                    self.warn(entry.path, line, Text(f"{obj.kind} {named} is not checked: {why.en}",
                                                     f"{obj.kind} {named} は検査しません: {why.ja}"))
                    continue
                unknown = entry.unknown_fields.get(id(doc))
                if unknown:
                    obj.unknown_fields = unknown
                    if "metadata.namespace" in unknown and obj.namespace is not None:
                        obj.namespace = f"({obj.namespace})"  # as written, like a namespace Terraform sets later
                placed.append(Placed(obj, entry.path))
        return placed

    def _post_builds(self, renderer: Renderer, rendered: dict[str, list[Resource]],
                     loose: list[Placed]) -> dict[str, list[PostBuild]]:
        """Flux Kustomizations' postBuild values by the folder each builds (abspath); a folder one builds that
        is no root here (another kustomization uses it too) is rendered as one more root."""
        documents = [(r.doc, r.path) for resources in rendered.values() for r in resources]
        documents += [(item.obj.doc, item.obj.origin.path) for item in loose]
        by_folder: dict[str, list[PostBuild]] = {}
        for post_build in post_builds(documents):
            folders = build_folders(post_build, lambda folder: renderer.kustomization(folder) is not None)
            if len(folders) > 1:
                self.warn(post_build.path, post_build.line, Text(
                    f"Flux Kustomization `{post_build.name}`: `spec.path` {post_build.spec_path} is a kustomization "
                    f"under several folders ({', '.join(folders)}), so its postBuild values are put nowhere (scan "
                    "a Git checkout: its root decides)",
                    f"Flux Kustomization `{post_build.name}`: `spec.path` {post_build.spec_path} に当たる kustomization "
                    f"が複数のフォルダー（{', '.join(folders)}）にあるため、postBuild の値はどこにも入れていません"
                    "（Git のチェックアウトをスキャンしてください。そのルートで決まります）"))
                continue
            for folder in folders:
                known = next((root for root in rendered if os.path.abspath(root) == folder), None)
                if known is None:
                    rendered[folder] = renderer.render(folder) or []
                by_folder.setdefault(folder, []).append(post_build)
        return by_folder

    def _reaching_overlay(self, root: str) -> tuple[str, str] | None:
        """A root kustomization that builds on folders outside its own is an overlay named after its folder."""
        entry = next((e for k, e in self.state.kustomizations.items() if os.path.dirname(k) == os.path.abspath(root)),
                     None)
        doc = next((d for d in entry.documents if isinstance(d, Mapping)), None) if entry else None
        if doc is None:
            return None
        entries = [e for s in ("resources", "bases", "components") for e in (doc.get(s) or [])
                   if isinstance(doc.get(s), list) and isinstance(e, str)]
        if any(e.startswith("..") for e in entries):
            return os.path.normpath(root), os.path.basename(os.path.abspath(root))
        return None

    @staticmethod
    def _object(resource: Resource, root: str, overlay: tuple[str, str] | None) -> KubeObject:
        return make_object(resource.doc, resource.path, os.path.normpath(root), overlay)

    # -- scopes --------------------------------------------------------------------------------

    def scopes(self, ignores: dict[str, dict[int, list[tuple[str, str]]]]) -> tuple[list[KubeScope], list[Cluster]]:
        kube_config, config_path = _config(self.options)
        bindings = _bindings(kube_config)
        by_name: dict[str, list[Cluster]] = {}
        for defined in self.clusters:
            by_name.setdefault(defined.name, []).append(defined)
        single = self.clusters[0] if len(self.clusters) == 1 and not bindings else None
        # by name and cluster: two clusters of one name (two Terraform roots whose names are not known before
        # apply fall back to the same module label) each keep their own manifests
        grouped: dict[tuple[str, int], tuple[Cluster | None, list[KubeObject]]] = {}
        for item in self.placed_objects():
            self._warn_unread_pods(item.obj)
            name = _bound_name(item.placement, bindings, config_path) if bindings else None
            name = name or item.cluster
            if name is None and single is not None:
                name = single.name
            scope_name = name or ""
            cluster = _nearest(by_name.get(scope_name, []), item.obj.origin.path) if scope_name else None
            grouped.setdefault((scope_name, id(cluster)), (cluster, []))[1].append(item.obj)
        scopes: list[KubeScope] = []
        minimal: list[Cluster] = []
        for (scope_name, _), (cluster, placed) in grouped.items():
            if scope_name and cluster is None:
                self.warn(str(config_path or ".eksguard.yaml"), None, Text(
                    f"kubernetes.clusters names `{scope_name}`, which is not a cluster of this scan",
                    f"kubernetes.clusters の `{scope_name}` はこのスキャンのクラスターではありません"))
            objects = _unique(placed)
            target = f"kubernetes/{scope_name}" if scope_name else "kubernetes"
            _assign_targets(objects, target)
            record_ignores(objects, ignores)
            scope = KubeScope(target, cluster, objects[0].origin if objects else Origin(target), objects,
                              _pss_version(self.options, kube_config, config_path, cluster, self.warn))
            if cluster is None:
                scope.unbound = self._unbound(scope_name, bindings, config_path)
            owner = self._attach_identity(scope, scope_name or "kubernetes")
            if owner is not None and owner not in self.clusters:
                minimal.append(owner)
            scopes.append(scope)
        return scopes, minimal

    def _warn_unread_pods(self, obj: KubeObject) -> None:
        """Operators' workloads whose pods cannot be read from the object, and Helm charts a GitOps controller
        installs: not checked, and said so."""
        group = obj.api_version.split("/", 1)[0]
        chart = helm_chart_installed(obj)
        if chart is not None:
            self.warn(obj.origin.path, obj.origin.line, Text(
                f"{obj.kind} `{obj.name}` ({group}) installs the Helm chart {chart}, whose templates this scan does "
                "not render: the objects it makes are not checked (scan the output of `helm template` with its "
                "values)",
                f"{obj.kind} `{obj.name}`（{group}）がインストールする Helm チャート {chart} のテンプレートはこのスキャンでは"
                "レンダリングしないため、作られるオブジェクトは検査していません（値を指定した `helm template` の出力を"
                "スキャンしてください）"))
        if (group, obj.kind) in UNREAD_OPERATOR_WORKLOADS:
            self.warn(obj.origin.path, obj.origin.line, Text(
                f"{obj.kind} `{obj.name}` ({group}) runs pods that are not checked: its pod templates are fields of "
                "its operator's own; check the pods it creates (`eksguard audit`) or their templates by hand",
                f"{obj.kind} `{obj.name}`（{group}）が起動する Pod は検査していません。Pod テンプレートがそのオペレーター独自の"
                "フィールドにあるためです。作成される Pod（`eksguard audit`）かテンプレートを確認してください"))

    def _unbound(self, bound_name: str, bindings: list[tuple[str, str]], config_path: Path | None) -> Text:
        """Why no cluster of the scan is these manifests' cluster, and how to make one so."""
        config = str(config_path or ".eksguard.yaml")
        example = '`"k8s/prod/**": prod`'
        if bound_name:
            return Text(f"`kubernetes.clusters` in {config} binds them to `{bound_name}`, which is not a cluster of "
                        "this scan (scan its definition too, or correct the name)",
                        f"{config} の `kubernetes.clusters` はこれらを `{bound_name}` に結び付けていますが、このスキャンの"
                        "クラスターではありません（その定義も一緒にスキャンするか、名前を直してください）")
        if not self.clusters:
            return Text("no cluster definition is in this scan (scan the cluster's eksctl, CloudFormation or Terraform "
                        "files with the manifests)",
                        "このスキャンにクラスター定義がありません（クラスターの eksctl、CloudFormation、Terraform のファイルも"
                        "一緒にスキャンしてください）")
        if bindings:
            return Text(f"no `kubernetes.clusters` pattern in {config} matches these manifests' paths (add one, for "
                        f"example {example})",
                        f"{config} の `kubernetes.clusters` にこれらのマニフェストのパスに一致するパターンがありません"
                        f"（例: {example} を追加してください）")
        count = len(self.clusters)
        return Text(f"the scan has {count} clusters and nothing says which one these manifests belong to (bind them "
                    f"with `kubernetes.clusters` in .eksguard.yaml, for example {example})",
                    f"このスキャンには {count} 個のクラスターがあり、これらのマニフェストがどれに属するか指定がありません"
                    f"（.eksguard.yaml の `kubernetes.clusters` で結び付けてください。例: {example}）")

    def _attach_identity(self, scope: KubeScope, name: str) -> Cluster | None:
        """aws-auth mappings and RBAC grants onto the scope's cluster (a minimal one when none is bound)."""
        mappings: list[IdentityMapping] = []
        problems: list[MappingProblem] = []
        seen: set[tuple[str, int | None, str | None, str | None]] = set()
        auth_objects = [o for o in scope.objects if is_aws_auth(o)]
        for obj in auth_objects:
            found, trouble = read_aws_auth(obj, self.state.block_scalars, self.limits)
            for mapping in found:
                key = (mapping.origin.path, mapping.origin.line, mapping.arn, mapping.account)
                if key not in seen:
                    seen.add(key)
                    mappings.append(mapping)
            for trouble_item in trouble:
                key = (trouble_item.origin.path, trouble_item.origin.line, trouble_item.field, None)
                if key not in seen:
                    seen.add(key)
                    problems.append(trouble_item)
        has_rbac = bool(scope.rbac)
        cluster = scope.cluster
        if cluster is None and not auth_objects:
            return None
        if cluster is None:
            cluster = Cluster(name=name, source="kubernetes", origin=auth_objects[0].origin)
            scope.cluster = cluster
        if auth_objects:
            cluster.identity_mappings = [*(cluster.identity_mappings or []), *mappings]
            cluster.identity_mapping_problems.extend(problems)
            not_known = [(path, why) for o in auth_objects for path, why in o.unknown_fields.items()
                         if path.startswith("data")]
            if not_known and cluster.identity_mappings_unknown is None:
                path, why = not_known[0]
                cluster.identity_mappings_unknown = Text(f"aws-auth `{path}` is {why.en}",
                                                         f"aws-auth の `{path}` は{why.ja}")
        if has_rbac:
            cluster.rbac_grants = [*(cluster.rbac_grants or []), *rbac_grants(scope.objects)]
        return cluster


def _unique(objects: list[KubeObject]) -> list[KubeObject]:
    """One object per distinct rendering: the same object rendered alike (with the same namespace) by several
    kustomizations is described once."""
    namespaces: dict[tuple[str | None, str], str] = {}
    for obj in objects:
        if obj.kind == "Namespace":
            namespaces.setdefault((obj.render, obj.name), _canonical(obj.doc))
    kept: dict[tuple[str, str, str | None, str, str, str], KubeObject] = {}
    unique: list[KubeObject] = []
    for obj in objects:
        if obj.render is None:
            unique.append(obj)
            continue
        context = namespaces.get((obj.render, obj.namespace or ""), "")
        key = (obj.kind, obj.api_version, obj.namespace, obj.name, _canonical(obj.doc), context)
        first = kept.get(key)
        if first is not None:
            first.also_rendered_by.append(obj.render)
            continue
        kept[key] = obj
        unique.append(obj)
    return unique


def _assign_targets(objects: list[KubeObject], scope_target: str) -> None:
    counts: dict[str, int] = {}
    for obj in objects:
        where = f"{obj.namespace}/" if obj.namespace else ""
        obj.target = f"{scope_target}/{where}{obj.kind}/{obj.name}"
        counts[obj.target] = counts.get(obj.target, 0) + 1
    for obj in objects:
        if counts[obj.target] > 1:
            obj.target += f"@{obj.render}" if obj.render else f"@{obj.origin.path}:{obj.origin.line}"


# custom resources whose operators run pods that the object does not describe faithfully (the pods of Ray, Flink,
# LeaderWorkerSet and Argo Workflows objects are read by analysis.podtemplates). Spark (kubeflow/spark-operator):
# SparkApplication `driver` and `executor` are SparkPodSpec, not PodSpec; their securityContext,
# podSecurityContext, hostNetwork, volumes and the like reach the pods only through the operator's mutating
# webhook, which an installation may leave off (docs "Writing a SparkApplication": "requires the mutating
# admission webhook"), and Spark builds the driver and executor containers itself over `template`; what runs
# depends on the installation, so none of it is judged. ScheduledSparkApplication holds the same at
# `spec.template`.
UNREAD_OPERATOR_WORKLOADS = frozenset({
    ("sparkoperator.k8s.io", "SparkApplication"), ("sparkoperator.k8s.io", "ScheduledSparkApplication"),
})


def helm_chart_installed(obj: KubeObject) -> str | None:
    """The chart (`name`, or `a chart` when unnamed) a Flux HelmRelease or an Argo CD Application with a Helm
    chart source installs; None for other objects. Flux's helm-controller and Argo CD render the chart's templates
    in the cluster, so nothing of it is in the manifests."""
    group = obj.api_version.split("/", 1)[0]
    spec = obj.doc.get("spec")
    if not isinstance(spec, Mapping):
        return None
    names: list[Any] = []
    if group == "helm.toolkit.fluxcd.io" and obj.kind == "HelmRelease":
        chart, chart_ref = spec.get("chart"), spec.get("chartRef")
        chart_spec = chart.get("spec") if isinstance(chart, Mapping) else None
        names.append(chart_spec.get("chart") if isinstance(chart_spec, Mapping) else None)
        names.append(chart_ref.get("name") if isinstance(chart_ref, Mapping) else None)
    elif group == "argoproj.io" and obj.kind == "Application":
        listed = spec.get("sources")
        sources = [spec.get("source"), *(listed if isinstance(listed, list) else [])]
        charts = [source.get("chart") for source in sources if isinstance(source, Mapping) and source.get("chart")]
        if not charts:
            return None
        names.extend(charts)
    else:
        return None
    named = [f"`{name}`" for name in names if isinstance(name, str) and name]
    return ", ".join(named) if named else "(unnamed)"


def _refused_pod_template(doc: Mapping[str, Any]) -> tuple[str | None, Text] | None:
    """Why the API server refuses a workload's pod template, so that it is no object to check: a container list
    that is not a list or holds something else than containers (not decodable into a PodSpec), or a container
    (or init container) without the `image` ValidatePodSpec requires of every one. (The field path at fault, or
    None for the object itself; the reason.) None when the containers are well formed. Built-in kinds only: an
    operator's template may leave the image to its operator (Flink's `flink-main-container`)."""
    ref = pod_spec_of(doc)
    if ref is None:
        return None
    for key in ("initContainers", "containers", "ephemeralContainers"):
        containers = ref.spec.get(key)
        path = f"{ref.path_prefix}spec.{key}"
        if containers is not None and not isinstance(containers, list):
            return path, Text(f"its `{path}` is not a list, which the API server cannot decode into a pod",
                              f"`{path}` がリストではなく、API サーバーは Pod として読み込めません")
        for index, container in enumerate(containers or []):
            if not isinstance(container, Mapping):
                return f"{path}[{index}]", Text(
                    f"its `{path}[{index}]` is not a container, which the API server cannot decode into a pod",
                    f"`{path}[{index}]` がコンテナーではなく、API サーバーは Pod として読み込めません")
            if key != "ephemeralContainers" and "image" not in container:
                name = str(container.get("name", "?"))
                return None, Text(
                    f"its container `{name}` has no `image`, which the API server requires; it is a template or a "
                    "patch (a Spark pod template, a kubeadm patch), not an object to apply",
                    f"コンテナー `{name}` に API サーバーが必須とする `image` がなく、適用するオブジェクトではなく"
                    "テンプレートかパッチ（Spark の Pod テンプレート、kubeadm のパッチなど）です")
    return None


def drop_rendered_templates(state: KubeState) -> list[tuple[str, str | None]]:
    """Leave out the files Terraform's `templatefile()` renders: their raw text's `${name}` is no placeholder of
    ours. Those a `kubectl_manifest` renders are read rendered (with the call's variables, at the template's
    lines); for the others, the .tf file that renders them, to say they are not checked. (path, that .tf file
    or None) of each file dropped."""
    rendered = {os.path.abspath(d.path) for d in state.declared if not d.path.endswith((".tf", ".tf.json"))}
    return [(state.files.pop(key).path, None if key in rendered else state.templates[key])
            for key in sorted((rendered | state.templates.keys()) & state.files.keys())]


def build(state: KubeState, clusters: list[Cluster], options: Mapping[str, Any], limits: Limits,
          ignores: dict[str, dict[int, list[tuple[str, str]]]],
          variables: Variables) -> tuple[list[KubeScope], list[Cluster], list[InputProblem]]:
    """KubeScopes for the collected manifests, the minimal clusters made for unbound aws-auth, and warnings;
    the unresolved-variable problems of `variables` that Flux's postBuild values resolve are withdrawn."""
    warnings: list[InputProblem] = []

    def warn(path: str, line: int | None, message: Text) -> None:
        problem = InputProblem.of(path, line, message, "kubernetes")
        if problem not in warnings:
            warnings.append(problem)

    builder = Builder(state, clusters, options, limits, warn, variables)
    scopes, minimal = builder.scopes(ignores)
    return scopes, minimal, warnings

