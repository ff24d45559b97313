"""kustomize: the overlay a manifest belongs to, and rendering kustomizations.

`overlay_of(path)` names the overlay of a manifest path by folder convention: the folder right below an
`overlays/` (`overlay/`, `envs/`, `environments/`, `variants/`) folder, named after its environment
(`apps/web/overlays/prod/deploy.yaml` → (`apps/web/overlays/prod`, `prod`)).

`Renderer` does the part of `kustomize build` that decides what reaches the cluster, from parsed documents
(it never reads files itself: the caller's `load` does): `resources`/`bases`/`components` (recursively),
strategic-merge and JSON 6902 patches (`patches`, `patchesStrategicMerge`, `patchesJson6902`, from files or
inline, with `target` selectors), `namespace`, `namePrefix`/`nameSuffix` (with Role and ServiceAccount
references), `commonLabels`/`labels` and `commonAnnotations`. Generators, Helm charts, replacements, images
and replicas are left out: they do not change what Pod Security Admission, RBAC or NetworkPolicy see.
A Component rendered by itself (no scanned kustomization includes it) gives its own resources; its patches are
written for the objects of the kustomization that will include it, so their matching nothing is said once, not
per patch.

Rendering keeps positions: what a patch or transformer writes carries the line of the patch file (or of the
kustomization), so a finding on a patched field points at the patch. Unchanged subtrees are shared, never
copied; nothing parsed is modified.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from eksguard.model import Text
from eksguard.sources.loading import InputError, Limits, LineList, LineMap, load_yaml_documents, shift_lines

OVERLAY_PARENTS = frozenset({"overlays", "overlay", "envs", "environments", "variants"})
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

# kustomize api/konfig/builtinpluginconsts/namespace.go: kinds whose metadata.namespace is never set;
# the same list tells which kinds are cluster-scoped.
CLUSTER_SCOPED = frozenset({
    "APIService", "CSIDriver", "CSINode", "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding",
    "ComponentStatus", "CustomResourceDefinition", "MutatingWebhookConfiguration", "Namespace", "Node",
    "PersistentVolume", "PodSecurityPolicy", "PriorityClass", "RuntimeClass", "SelfSubjectAccessReview",
    "SelfSubjectRulesReview", "StorageClass", "SubjectAccessReview", "TokenReview",
    "ValidatingWebhookConfiguration", "VolumeAttachment", "IngressClass", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "FlowSchema", "PriorityLevelConfiguration",
})  # fmt: skip

# where the pod template of each pod-creating kind sits (pss.pod_spec_of reads the same places)
TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"), "ReplicaSet": ("spec", "template"), "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"), "Job": ("spec", "template"), "ReplicationController": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"), "PodTemplate": ("template",),
}  # fmt: skip


def overlay_of(path: str | PurePath) -> tuple[str, str] | None:
    """(overlay folder, environment name) for a manifest path or folder inside an overlay, else None.

    The innermost folder whose parent is named `overlays`, `overlay`, `envs`, `environments` or `variants`
    is the overlay; its name is the environment (`overlays/develop` → `develop`; callers map aliases).
    """
    parts = PurePath(path).parts
    last = len(parts) - 1
    if parts and parts[-1].lower().endswith((*MANIFEST_SUFFIXES, "kustomization")):
        last -= 1  # a file: its folders only
    for index in range(last - 1, -1, -1):
        if parts[index].lower() in OVERLAY_PARENTS:
            return str(PurePath(*parts[: index + 2])), parts[index + 1]
    return None


def is_kustomization_file(name: str) -> bool:
    return os.path.basename(name) in KUSTOMIZATION_NAMES


# the only API groups without a dot are built in (https://kubernetes.io/docs/reference/using-api/#api-groups);
# a CustomResourceDefinition's group must be a dotted domain name (apiextensions-apiserver validation:
# https://github.com/kubernetes/apiextensions-apiserver/blob/master/pkg/apis/apiextensions/validation/validation.go)
_UNDOTTED_GROUPS = frozenset({"apps", "autoscaling", "batch", "extensions", "policy"})


def is_manifest(document: Any) -> bool:
    """A Kubernetes object: apiVersion, kind and metadata (a `List` needs only its items)."""
    if not isinstance(document, Mapping):
        return False
    api_version, kind = document.get("apiVersion"), document.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        return False
    group = api_version.rpartition("/")[0]
    if group and "." not in group and group not in _UNDOTTED_GROUPS:
        return False  # another tool's file in Kubernetes style, e.g. skaffold.yaml (`apiVersion: skaffold/v3`)
    if kind.endswith("List") and isinstance(document.get("items"), list):
        return True
    return isinstance(document.get("metadata"), Mapping)


def manifest_objects(documents: Iterable[Any]) -> list[Mapping[str, Any]]:
    """The Kubernetes objects among parsed documents, with `List` kinds expanded."""
    objects: list[Mapping[str, Any]] = []
    for document in documents:
        if not is_manifest(document):
            continue
        if str(document["kind"]).endswith("List") and isinstance(document.get("items"), list):
            objects.extend(manifest_objects(document["items"]))
        else:
            objects.append(document)
    return objects


# --------------------------------------------------------------------------------------------------
# Position-keeping nodes
# --------------------------------------------------------------------------------------------------


class SourcedMap(LineMap):
    """A mapping made by rendering: each key remembers the file its value was written in."""

    __slots__ = ("key_paths", "path")

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.key_paths: dict[Any, str] = {}


class SourcedList(LineList):
    """A list made by rendering: each item remembers the file it was written in."""

    __slots__ = ("item_paths", "path")

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.item_paths: list[str] = []


def key_path(node: Any, key: Any, default: str) -> str:
    """The file the value of `key` in `node` was written in (`default` for a node read from one file)."""
    if isinstance(node, SourcedMap):
        return node.key_paths.get(key, node.path)
    return default


def item_path(node: Any, index: int, default: str) -> str:
    if isinstance(node, SourcedList) and 0 <= index < len(node.item_paths):
        return node.item_paths[index]
    return default


def _position(node: Any) -> tuple[int, int]:
    return int(getattr(node, "line", 0) or 0), int(getattr(node, "column", 0) or 0)


def clone_map(node: Mapping[str, Any], path: str) -> SourcedMap:
    """A shallow copy of `node` (read from `path`, unless it is already a rendered node) keeping positions."""
    out = SourcedMap(node.path if isinstance(node, SourcedMap) else path)
    out.line, out.column = _position(node)
    marks = node.marks if isinstance(node, LineMap) else {}
    for key, value in node.items():
        out[key] = value
        out.marks[key] = marks.get(key, (out.line, out.column))
        out.key_paths[key] = key_path(node, key, path)
    return out


def clone_list(node: list[Any], path: str) -> SourcedList:
    out = SourcedList(node.path if isinstance(node, SourcedList) else path)
    out.line, out.column = _position(node)
    lines = node.item_lines if isinstance(node, LineList) else []
    for index, value in enumerate(node):
        out.append(value)
        out.item_lines.append(lines[index] if index < len(lines) else out.line)
        out.item_paths.append(item_path(node, index, path))
    return out


def _put(node: SourcedMap, key: Any, value: Any, where: tuple[int, int], path: str) -> None:
    node[key] = value
    node.marks[key] = where
    node.key_paths[key] = path


def _new_map(where: tuple[int, int], path: str) -> SourcedMap:
    node = SourcedMap(path)
    node.line, node.column = where
    return node


def set_in(root: Mapping[str, Any], root_path: str, keys: tuple[str, ...], value: Any,
           where: tuple[int, int], path: str) -> SourcedMap:
    """A copy of `root` with `keys` set to `value` (written at `where` in `path`); parents are created."""
    new_root = clone_map(root, root_path)
    node, current = new_root, new_root.path
    for key in keys[:-1]:
        current = key_path(node, key, current)
        child = node.get(key)
        if isinstance(child, Mapping):
            copy = clone_map(child, current)
            node[key] = copy
        else:
            copy = _new_map(where, path)
            _put(node, key, copy, where, path)
        node = copy
    _put(node, keys[-1], value, where, path)
    return new_root


def get_in(root: Any, keys: Iterable[str]) -> Any:
    node = root
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


# --------------------------------------------------------------------------------------------------
# Strategic merge patch (k8s.io/apimachinery strategicpatch, for the keyed lists PodSpec uses)
# --------------------------------------------------------------------------------------------------

# patchMergeKey of the lists of core types (k8s.io/api core/v1 types.go `patchMergeKey` tags)
_MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "volumes": "name",
    "env": "name", "imagePullSecrets": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
    "hostAliases": "ip", "topologySpreadConstraints": "topologyKey", "resourceClaims": "name",
}  # fmt: skip


def _merge_key(field_name: Any, base: list[Any], patch: list[Any]) -> str | None:
    if field_name == "ports":
        items = [i for i in [*base, *patch] if isinstance(i, Mapping)]
        return "containerPort" if any("containerPort" in i for i in items) else "port"
    return _MERGE_KEYS.get(field_name) if isinstance(field_name, str) else None


def _strip_directives(node: Any) -> Any:
    if isinstance(node, Mapping) and any(isinstance(k, str) and k.startswith("$") for k in node):
        out = clone_map(node, getattr(node, "path", ""))
        for key in [k for k in out if isinstance(k, str) and k.startswith("$")]:
            del out[key]
        return out
    return node


def merge(base: Mapping[str, Any], base_path: str, patch: Mapping[str, Any], patch_path: str) -> SourcedMap:
    """`patch` (a strategic merge patch written in `patch_path`) applied to `base`."""
    result = clone_map(base, base_path)
    for key, value in patch.items():
        if isinstance(key, str) and key.startswith("$"):
            continue  # $patch, $setElementOrder/..., $retainKeys, $deleteFromPrimitiveList/...
        where = patch.marks.get(key, _position(patch)) if isinstance(patch, LineMap) else _position(patch)
        source = key_path(patch, key, patch_path)
        if value is None:
            result.pop(key, None)
            continue
        current = result.get(key)
        if isinstance(value, Mapping) and value.get("$patch") == "delete":
            result.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(current, Mapping) and value.get("$patch") != "replace":
            result[key] = merge(current, key_path(result, key, base_path), value, source)
        elif isinstance(value, list) and isinstance(current, list) and \
                (merge_key := _merge_key(key, current, value)) is not None:
            result[key] = _merge_list(current, key_path(result, key, base_path), value, source, merge_key)
        else:
            _put(result, key, _strip_directives(value), where, source)
    return result


def _merge_list(base: list[Any], base_path: str, patch: list[Any], patch_path: str, merge_key: str) -> SourcedList:
    result = clone_list(base, base_path)
    lines = patch.item_lines if isinstance(patch, LineList) else []
    for index, item in enumerate(patch):
        source = item_path(patch, index, patch_path)
        line = lines[index] if index < len(lines) else _position(patch)[0]
        if not isinstance(item, Mapping) or merge_key not in item:
            result.append(item)
            result.item_lines.append(line)
            result.item_paths.append(source)
            continue
        match = next((i for i, old in enumerate(result)
                      if isinstance(old, Mapping) and old.get(merge_key) == item.get(merge_key)), None)
        if item.get("$patch") == "delete":
            if match is not None:
                del result[match], result.item_lines[match], result.item_paths[match]
        elif match is not None:
            result[match] = merge(result[match], result.item_paths[match], item, source)
        else:
            result.append(_strip_directives(item))
            result.item_lines.append(line)
            result.item_paths.append(source)
    return result


# --------------------------------------------------------------------------------------------------
# JSON 6902 patch
# --------------------------------------------------------------------------------------------------


class PatchError(Exception):
    pass


def _pointer(text: Any) -> list[str]:
    if not isinstance(text, str) or (text and not text.startswith("/")):
        raise PatchError(f"invalid JSON pointer {text!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in text.split("/")[1:]] if text else []


def _index(token: str, size: int, allow_end: bool) -> int:
    if token == "-" and allow_end:
        return size
    if not token.isdigit() or int(token) > size or (int(token) == size and not allow_end):
        raise PatchError(f"list index {token} out of range")
    return int(token)


def _writable(root: SourcedMap, tokens: list[str], root_path: str) -> tuple[Any, str]:
    """Copy the containers along `tokens` in place of the originals; return the last one and its file."""
    node: Any = root
    current = root_path
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                raise PatchError(f"path /{'/'.join(tokens)} does not exist")
            current = key_path(node, token, current)
            child = node[token]
            copy = clone_map(child, current) if isinstance(child, Mapping) else \
                clone_list(child, current) if isinstance(child, list) else None
            if copy is None:
                raise PatchError(f"/{'/'.join(tokens)} is not an object or a list")
            node[token] = copy
        elif isinstance(node, list):
            position = _index(token, len(node), allow_end=False)
            current = item_path(node, position, current)
            child = node[position]
            copy = clone_map(child, current) if isinstance(child, Mapping) else \
                clone_list(child, current) if isinstance(child, list) else None
            if copy is None:
                raise PatchError(f"/{'/'.join(tokens)} is not an object or a list")
            node[position] = copy
        else:
            raise PatchError(f"path /{'/'.join(tokens)} does not exist")
        node = copy
    return node, current


def _read(root: Any, tokens: list[str]) -> Any:
    node = root
    for token in tokens:
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(token, len(node), allow_end=False)]
        else:
            raise PatchError(f"path /{'/'.join(tokens)} does not exist")
    return node


def apply_json_patch(doc: Mapping[str, Any], doc_path: str, operations: list[Any], patch_path: str) -> SourcedMap:
    """RFC 6902 `operations` (written in `patch_path`) applied to a copy of `doc`; PatchError when one fails."""
    root = clone_map(doc, doc_path)
    lines = operations.item_lines if isinstance(operations, LineList) else []
    for number, operation in enumerate(operations):
        if not isinstance(operation, Mapping):
            raise PatchError("a JSON patch operation must be a mapping")
        where = (lines[number] if number < len(lines) else 0, 0)
        if isinstance(operation, LineMap) and "value" in operation.marks:
            where = operation.marks["value"]
        op = operation.get("op")
        tokens = _pointer(operation.get("path"))
        if op == "test":
            continue
        if op in ("move", "copy"):
            source_tokens = _pointer(operation.get("from"))
            value = _read(root, source_tokens)
            if op == "move":
                _remove(root, source_tokens, doc_path)
        elif op in ("add", "replace"):
            value = operation.get("value")
        elif op == "remove":
            _remove(root, tokens, doc_path)
            continue
        else:
            raise PatchError(f"unknown JSON patch operation {op!r}")
        if not tokens:
            raise PatchError("replacing the whole object is not supported")
        parent, _ = _writable(root, tokens[:-1], doc_path)
        last = tokens[-1]
        if isinstance(parent, SourcedMap):
            if op == "replace" and last not in parent:
                raise PatchError(f"path {operation.get('path')} does not exist")
            _put(parent, last, value, where, patch_path)
        elif isinstance(parent, SourcedList):
            position = _index(last, len(parent), allow_end=op != "replace")
            if op == "replace":
                parent[position] = value
                parent.item_lines[position] = where[0]
                parent.item_paths[position] = patch_path
            else:
                parent.insert(position, value)
                parent.item_lines.insert(position, where[0])
                parent.item_paths.insert(position, patch_path)
    return root


def _remove(root: SourcedMap, tokens: list[str], root_path: str) -> None:
    if not tokens:
        raise PatchError("cannot remove the whole object")
    parent, _ = _writable(root, tokens[:-1], root_path)
    last = tokens[-1]
    if isinstance(parent, SourcedMap):
        if last not in parent:
            raise PatchError(f"path /{'/'.join(tokens)} does not exist")
        del parent[last]
    else:
        position = _index(last, len(parent), allow_end=False)
        del parent[position], parent.item_lines[position], parent.item_paths[position]


# --------------------------------------------------------------------------------------------------
# Selectors
# --------------------------------------------------------------------------------------------------

_REQUIREMENT = re.compile(r"^\s*(!?)\s*([^\s=!,()]+)\s*(?:(==|=|!=)\s*([^\s,()]*)|\s+(in|notin)\s*\(([^)]*)\))?\s*$")


def _split_selector(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for position, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def selector_matches(selector: str, labels: Mapping[str, Any]) -> bool:
    """A label selector string (`a=b,c!=d,e,!f,g in (x,y)`) against labels."""
    for requirement in _split_selector(selector):
        match = _REQUIREMENT.match(requirement)
        if match is None:
            return False
        negate, key, op, value, set_op, values = match.groups()
        present = key in labels
        actual = str(labels.get(key)) if present else None
        if set_op:
            choices = {v.strip() for v in values.split(",")}
            ok = present and actual in choices if set_op == "in" else not (present and actual in choices)
        elif op in ("=", "=="):
            ok = present and actual == value
        elif op == "!=":
            ok = not present or actual != value
        else:
            ok = not present if negate else present
        if not ok:
            return False
    return True


def _pattern(pattern: Any, text: str) -> bool:
    try:
        return re.fullmatch(str(pattern), text) is not None
    except re.error:
        return str(pattern) == text


def target_matches(target: Mapping[str, Any], doc: Mapping[str, Any]) -> bool:
    """A kustomize patch `target` (group, version, kind, name, namespace, label/annotation selectors)."""
    api_version = str(doc.get("apiVersion", ""))
    group, _, version = api_version.rpartition("/")
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), Mapping) else {}
    assert isinstance(metadata, Mapping)
    fields = {"group": group, "version": version, "kind": str(doc.get("kind", "")),
              "name": str(metadata.get("name", "")), "namespace": str(metadata.get("namespace", "") or "")}
    for key, actual in fields.items():
        wanted = target.get(key)
        if wanted is not None and wanted != "" and not _pattern(wanted, actual):
            return False
    for key, section in (("labelSelector", "labels"), ("annotationSelector", "annotations")):
        wanted = target.get(key)
        values = metadata.get(section)
        if wanted and not selector_matches(str(wanted), values if isinstance(values, Mapping) else {}):
            return False
    return True


# --------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Resource:
    """One object a kustomization renders; `path` is the file its document starts in."""

    doc: Mapping[str, Any]
    path: str
    original_name: str = ""


@dataclass(slots=True)
class RenderLog:
    """What rendering read: files rendered as resources, files used as patches, folders rendered."""

    resource_files: set[str] = field(default_factory=set)
    patch_files: set[str] = field(default_factory=set)
    kustomizations: set[str] = field(default_factory=set)


Loader = Callable[[str], "list[Any] | None"]
Warn = Callable[[str, "int | None", Text], None]


def _is_remote(entry: str) -> bool:
    return "://" in entry or entry.startswith(("github.com/", "git@", "gitlab.com/", "bitbucket.org/"))


def _name_of(doc: Mapping[str, Any]) -> str:
    metadata = doc.get("metadata")
    return str(metadata.get("name", "")) if isinstance(metadata, Mapping) else ""


def _key(path: str) -> str:
    return os.path.abspath(path)


class Renderer:
    """Renders kustomization folders; `load(path)` gives a file's parsed documents (None: no such file)."""

    def __init__(self, load: Loader, warn: Warn, limits: Limits | None = None) -> None:
        self.load = load
        self.warn = warn
        self.limits = limits or Limits()
        self.log = RenderLog()
        self._cache: dict[str, list[Resource] | None] = {}
        self._active: set[str] = set()

    def kustomization(self, folder: str) -> tuple[str, Mapping[str, Any]] | None:
        for name in KUSTOMIZATION_NAMES:
            path = os.path.join(folder, name)
            documents = self.load(path)
            if documents is not None:
                doc = next((d for d in documents if isinstance(d, Mapping)), None)
                return path, doc if doc is not None else LineMap()
        return None

    def render(self, folder: str) -> list[Resource] | None:
        """The objects `kustomize build folder` would output (None when the folder has no kustomization)."""
        folder = os.path.normpath(folder)
        key = _key(folder)
        if key in self._cache:
            return self._cache[key]
        if key in self._active:
            self.warn(folder, None, Text("kustomization refers back to itself; the cycle is not followed",
                                          "kustomization が自身を参照しています。循環はたどりません"))
            return []
        found = self.kustomization(folder)
        if found is None:
            self._cache[key] = None
            return None
        self._active.add(key)
        try:
            kfile, kdoc = found
            self.log.kustomizations.add(_key(kfile))
            alone = kdoc.get("kind") == "Component"
            if alone:
                name = os.path.basename(folder)
                self.warn(kfile, kdoc.marks.get("kind", (1, 1))[0] if isinstance(kdoc, LineMap) else None, Text(
                    f"Component `{name}` is used by no kustomization of this scan: only its own resources are "
                    "checked; its patches change the objects of the kustomization that uses it (scan that one)",
                    f"Component `{name}` はこのスキャンのどの kustomization からも使われていません。検査するのは自身の"
                    "リソースだけです。パッチはこれを使う kustomization のオブジェクトを変えます（そちらをスキャンしてください）"))
            resources = self._build(folder, kfile, kdoc, [], alone)
        finally:
            self._active.discard(key)
        self._cache[key] = resources
        return resources

    # -- building ----------------------------------------------------------------------------------

    def _entries(self, kdoc: Mapping[str, Any], key: str) -> list[tuple[Any, int | None]]:
        items = kdoc.get(key)
        if not isinstance(items, list):
            return []
        lines = items.item_lines if isinstance(items, LineList) else []
        return [(item, lines[i] if i < len(lines) else None) for i, item in enumerate(items)]

    def _build(self, folder: str, kfile: str, kdoc: Mapping[str, Any], resources: list[Resource],
               alone: bool) -> list[Resource]:
        """`alone`: a Component built by itself, whose patches are written for objects it does not hold."""
        resources = list(resources)
        for key in ("resources", "bases"):
            for entry, line in self._entries(kdoc, key):
                if isinstance(entry, str):
                    resources.extend(self._resource(folder, kfile, entry, line))
        for entry, line in self._entries(kdoc, "components"):
            if not isinstance(entry, str) or _is_remote(entry):
                continue
            component = os.path.normpath(os.path.join(folder, entry))
            found = self.kustomization(component)
            if found is None:
                self.warn(kfile, line, Text(f"component `{entry}` has no kustomization",
                                            f"component `{entry}` に kustomization がありません"))
                continue
            self.log.kustomizations.add(_key(found[0]))
            resources = self._build(component, found[0], found[1], resources, alone)
        resources = self._patch(folder, kfile, kdoc, resources, alone)
        return self._transform(kfile, kdoc, resources)

    def _resource(self, folder: str, kfile: str, entry: str, line: int | None) -> list[Resource]:
        if _is_remote(entry):
            self.warn(kfile, line, Text(f"remote resource `{entry}` is not read",
                                        f"リモートのリソース `{entry}` は読みません"))
            return []
        target = os.path.normpath(os.path.join(folder, entry))
        if not target.lower().endswith(MANIFEST_SUFFIXES):
            rendered = self.render(target)
            if rendered is not None:
                return [Resource(r.doc, r.path, r.original_name) for r in rendered]
        documents = self.load(target)
        if documents is None:
            rendered = self.render(target)
            if rendered is None:
                self.warn(kfile, line, Text(f"resource `{entry}` not found", f"リソース `{entry}` が見つかりません"))
                return []
            return [Resource(r.doc, r.path, r.original_name) for r in rendered]
        self.log.resource_files.add(_key(target))
        return [Resource(doc, target, _name_of(doc)) for doc in manifest_objects(documents)]

    # -- patches -----------------------------------------------------------------------------------

    def _patch_documents(self, folder: str, kfile: str, item: Any, line: int | None) -> tuple[list[Any], str, int]:
        """The parsed documents of one patch entry, the file they are written in, and their line offset."""
        if isinstance(item, Mapping):
            if isinstance(item.get("path"), str):
                return self._patch_file(folder, kfile, item["path"], line)
            if isinstance(item.get("patch"), str):
                offset = item.marks.get("patch", (line or 0, 0))[0] if isinstance(item, LineMap) else (line or 0)
                return self._inline(kfile, item["patch"], offset)
            return [], kfile, 0
        if isinstance(item, str):
            if "\n" in item or item.lstrip().startswith(("{", "[", "apiVersion", "kind", "-")):
                return self._inline(kfile, item, line or 0)
            return self._patch_file(folder, kfile, item, line)
        return [], kfile, 0

    def _patch_file(self, folder: str, kfile: str, entry: str, line: int | None) -> tuple[list[Any], str, int]:
        path = os.path.normpath(os.path.join(folder, entry))
        documents = self.load(path)
        if documents is None:
            self.warn(kfile, line, Text(f"patch `{entry}` not found", f"パッチ `{entry}` が見つかりません"))
            return [], path, 0
        self.log.patch_files.add(_key(path))
        return [d for d in documents if d is not None], path, 0

    def _inline(self, kfile: str, text: str, offset: int) -> tuple[list[Any], str, int]:
        try:
            documents = [d for d in load_yaml_documents(text, self.limits) if d is not None]
        except InputError as error:
            self.warn(kfile, offset + (error.line or 1), Text(f"inline patch: {error.message}",
                                                               f"インラインパッチ: {error.ja or error.message}"))
            return [], kfile, 0
        for document in documents:
            shift_lines(document, offset)
        return documents, kfile, offset

    def _patch(self, folder: str, kfile: str, kdoc: Mapping[str, Any], resources: list[Resource],
               alone: bool) -> list[Resource]:
        for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
            for item, line in self._entries(kdoc, key):
                documents, path, _ = self._patch_documents(folder, kfile, item, line)
                target = item.get("target") if isinstance(item, Mapping) else None
                for document in documents:
                    resources = self._apply(kfile, line, document, path, target, resources, alone)
        return resources

    def _apply(self, kfile: str, line: int | None, patch: Any, patch_path: str, target: Any,
               resources: list[Resource], alone: bool) -> list[Resource]:
        matched = 0
        out: list[Resource] = []
        for resource in resources:
            if isinstance(target, Mapping):
                hit = target_matches(target, resource.doc)
            elif isinstance(patch, Mapping):
                hit = self._same_object(patch, resource)
            else:
                hit = False
            if not hit:
                out.append(resource)
                continue
            matched += 1
            try:
                if isinstance(patch, list):
                    doc: Mapping[str, Any] = apply_json_patch(resource.doc, resource.path, patch, patch_path)
                elif isinstance(patch, Mapping) and patch.get("$patch") == "delete":
                    continue
                elif isinstance(patch, Mapping):
                    doc = merge(resource.doc, resource.path, _untargeted(patch) if target else patch, patch_path)
                else:
                    doc = resource.doc
            except PatchError as error:
                self.warn(kfile, line, Text(f"patch not applied to {_name_of(resource.doc)}: {error}",
                                            f"パッチを {_name_of(resource.doc)} に適用できません: {error}"))
                doc = resource.doc
            out.append(Resource(doc, resource.path, resource.original_name))
        if not matched and not alone:
            self.warn(kfile, line, Text("patch matches no resource", "パッチに一致するリソースがありません"))
        return out

    @staticmethod
    def _same_object(patch: Mapping[str, Any], resource: Resource) -> bool:
        if patch.get("kind") != resource.doc.get("kind"):
            return False
        name = _name_of(patch)
        if name not in (_name_of(resource.doc), resource.original_name):
            return False
        metadata = patch.get("metadata")
        namespace = metadata.get("namespace") if isinstance(metadata, Mapping) else None
        if namespace:
            current = get_in(resource.doc, ("metadata", "namespace"))
            return current in (None, namespace)
        return True

    # -- transformers ------------------------------------------------------------------------------

    def _transform(self, kfile: str, kdoc: Mapping[str, Any], resources: list[Resource]) -> list[Resource]:
        def where(key: str) -> tuple[int, int]:
            return kdoc.marks.get(key, (1, 1)) if isinstance(kdoc, LineMap) else (1, 1)

        namespace = kdoc.get("namespace")
        if isinstance(namespace, str) and namespace:
            resources = [self._namespaced(r, namespace, where("namespace"), kfile) for r in resources]
        prefix, suffix = kdoc.get("namePrefix"), kdoc.get("nameSuffix")
        if isinstance(prefix, str) or isinstance(suffix, str):
            resources = self._renamed(resources, prefix if isinstance(prefix, str) else "",
                                      suffix if isinstance(suffix, str) else "",
                                      where("namePrefix" if isinstance(prefix, str) else "nameSuffix"), kfile)
        labels: list[tuple[dict[str, str], bool, tuple[int, int]]] = []
        common = kdoc.get("commonLabels")
        if isinstance(common, Mapping):
            labels.append(({str(k): str(v) for k, v in common.items()}, True, where("commonLabels")))
        for entry, line in self._entries(kdoc, "labels"):
            pairs = entry.get("pairs") if isinstance(entry, Mapping) else None
            if isinstance(pairs, Mapping):
                templates = bool(entry.get("includeTemplates") or entry.get("includeSelectors"))
                labels.append(({str(k): str(v) for k, v in pairs.items()}, templates, (line or 1, 1)))
        for pairs, templates, at in labels:
            resources = [self._labelled(r, "labels", pairs, templates, at, kfile) for r in resources]
        annotations = kdoc.get("commonAnnotations")
        if isinstance(annotations, Mapping):
            pairs = {str(k): str(v) for k, v in annotations.items()}
            resources = [self._labelled(r, "annotations", pairs, True, where("commonAnnotations"), kfile)
                         for r in resources]
        return resources

    @staticmethod
    def _namespaced(resource: Resource, namespace: str, at: tuple[int, int], kfile: str) -> Resource:
        kind = str(resource.doc.get("kind", ""))
        doc: Mapping[str, Any] = resource.doc
        if kind not in CLUSTER_SCOPED:
            doc = set_in(doc, resource.path, ("metadata", "namespace"), namespace, at, kfile)
        if kind in ("RoleBinding", "ClusterRoleBinding") and isinstance(doc.get("subjects"), list):
            subjects = doc["subjects"]
            for index, subject in enumerate(subjects):
                if isinstance(subject, Mapping) and subject.get("kind") == "ServiceAccount" and \
                        subject.get("namespace") in (None, "", "default"):
                    copy = clone_map(doc, resource.path)
                    copied = clone_list(subjects, key_path(copy, "subjects", resource.path))
                    copied[index] = set_in(subject, item_path(copied, index, resource.path), ("namespace",),
                                           namespace, at, kfile)
                    copy["subjects"] = copied
                    doc, subjects = copy, copied
        return Resource(doc, resource.path, resource.original_name)

    @staticmethod
    def _renamed(resources: list[Resource], prefix: str, suffix: str, at: tuple[int, int],
                 kfile: str) -> list[Resource]:
        renamed: dict[tuple[str, str], str] = {}
        out: list[Resource] = []
        for resource in resources:
            kind, name = str(resource.doc.get("kind", "")), _name_of(resource.doc)
            if kind in ("Namespace", "CustomResourceDefinition") or not name:
                out.append(resource)
                continue
            new_name = f"{prefix}{name}{suffix}"
            renamed[(kind, name)] = new_name
            out.append(Resource(set_in(resource.doc, resource.path, ("metadata", "name"), new_name, at, kfile),
                                resource.path, resource.original_name))
        return [Resource(_references(r.doc, r.path, renamed, at, kfile), r.path, r.original_name) for r in out]

    @staticmethod
    def _labelled(resource: Resource, section: str, pairs: Mapping[str, str], templates: bool,
                  at: tuple[int, int], kfile: str) -> Resource:
        doc = resource.doc
        places: list[tuple[str, ...]] = [("metadata",)]
        template = TEMPLATE_PATHS.get(str(doc.get("kind", "")))
        if templates and template is not None:
            places.append((*template, "metadata"))
        for place in places:
            for key, value in pairs.items():
                doc = set_in(doc, resource.path, (*place, section, key), value, at, kfile)
        return Resource(doc, resource.path, resource.original_name)


def _references(doc: Mapping[str, Any], path: str, renamed: dict[tuple[str, str], str],
                at: tuple[int, int], kfile: str) -> Mapping[str, Any]:
    """Role and ServiceAccount references updated after a name prefix/suffix (kustomize's nameReference)."""
    kind = str(doc.get("kind", ""))
    if kind in ("RoleBinding", "ClusterRoleBinding"):
        role_ref = doc.get("roleRef")
        if isinstance(role_ref, Mapping):
            new = renamed.get((str(role_ref.get("kind")), str(role_ref.get("name"))))
            if new is not None:
                doc = set_in(doc, path, ("roleRef", "name"), new, at, kfile)
    template = () if kind == "Pod" else TEMPLATE_PATHS.get(kind)
    if template is not None:
        spec_keys = (*template, "spec")
        account = get_in(doc, (*spec_keys, "serviceAccountName"))
        new = renamed.get(("ServiceAccount", str(account))) if isinstance(account, str) else None
        if new is not None:
            doc = set_in(doc, path, (*spec_keys, "serviceAccountName"), new, at, kfile)
    return doc


def _untargeted(patch: Mapping[str, Any]) -> Mapping[str, Any]:
    """A patch applied through `target`: its own name and namespace do not rename what it patches."""
    metadata = patch.get("metadata")
    if not isinstance(metadata, Mapping) or not ({"name", "namespace"} & set(metadata)):
        return patch
    copy = clone_map(patch, getattr(patch, "path", ""))
    trimmed = clone_map(metadata, getattr(metadata, "path", ""))
    for key in ("name", "namespace"):
        trimmed.pop(key, None)
    copy["metadata"] = trimmed
    return copy


