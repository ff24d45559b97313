"""Kubernetes objects declared in Terraform → the documents the Kubernetes source reads.

Three ways to declare them are read, with every field at its line in the `.tf` file:
- the typed resources of the Kubernetes provider (`kubernetes_<kind>` and `kubernetes_<kind>_v1`), whose
  snake_case blocks (`spec { template { spec { container { security_context { ... } } } } }`) become the
  API's camelCase object (repeated blocks become lists: `container` → `containers`);
- `kubernetes_manifest` (`manifest = { apiVersion = ..., kind = ... }`, the API object as an HCL value);
- `kubectl_manifest` (providers gavinbunney/kubectl and alekc/kubectl) with a literal `yaml_body` (a heredoc
  or `yamlencode(...)`). A body read with `file()` is a file of its own: the scan reads it as a manifest when
  it is in the scan. A `templatefile()` body is rendered with the call's variables, at the template's lines,
  and replaces the raw file's reading. `helm_release` is not rendered.

Values not known before Terraform runs (a variable without a value, a data source) are left out of the document and
recorded in `unknown_fields` with why. This module describes; it never judges.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from eksguard.model import Origin, Text
from eksguard.sources.kubernetes import DeclaredObject, drop_fields
from eksguard.sources.loading import (
    InputError,
    Limits,
    LineList,
    LineMap,
    load_yaml_documents,
    read_text,
    shift_lines,
)
from eksguard.sources.terraform import (
    NOVALUE,
    HclModule,
    HclView,
    Resource,
    TFRef,
    Unknown,
    View,
    _is_block_list,
    _JsonPending,
    _known,
    _skip_interpolation,
    _skip_string,
    decoded,
    heredoc_body,
    heredoc_indent,
    text_of,
)

# typed resources (registry.terraform.io/providers/hashicorp/kubernetes/latest/docs): the name without
# `kubernetes_` and `_v1` → the object's apiVersion and kind
TYPED_KINDS: Mapping[str, tuple[str, str]] = {
    "namespace": ("v1", "Namespace"),
    "pod": ("v1", "Pod"),
    "service_account": ("v1", "ServiceAccount"),
    "default_service_account": ("v1", "ServiceAccount"),  # the existing `default` of its namespace
    "config_map": ("v1", "ConfigMap"),
    "config_map_v1_data": ("v1", "ConfigMap"),  # the data of an existing ConfigMap (aws-auth)
    "deployment": ("apps/v1", "Deployment"),
    "daemonset": ("apps/v1", "DaemonSet"),
    "daemon_set": ("apps/v1", "DaemonSet"),
    "stateful_set": ("apps/v1", "StatefulSet"),
    "job": ("batch/v1", "Job"),
    "cron_job": ("batch/v1", "CronJob"),
    "cluster_role": ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    "role": ("rbac.authorization.k8s.io/v1", "Role"),
    "cluster_role_binding": ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    "role_binding": ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    "network_policy": ("networking.k8s.io/v1", "NetworkPolicy"),
}
# the top-level arguments that are the object's fields (the rest, like `wait_for_rollout`, steer Terraform)
OBJECT_FIELDS = frozenset({"metadata", "spec", "data", "binary_data", "immutable", "rule", "aggregation_rule",
                           "role_ref", "subject", "automount_service_account_token", "image_pull_secret",
                           "secret"})
# repeated blocks: the provider's block name → the API's list field (provider kubernetes/schema_*.go)
LIST_BLOCKS: Mapping[str, str] = {
    "container": "containers", "init_container": "initContainers", "ephemeral_container": "ephemeralContainers",
    "volume": "volumes", "volume_mount": "volumeMounts", "volume_device": "volumeDevices", "port": "ports",
    "ports": "ports", "env": "env", "env_from": "envFrom", "toleration": "tolerations", "rule": "rules",
    "subject": "subjects", "sysctl": "sysctls", "volume_claim_template": "volumeClaimTemplates",
    "image_pull_secrets": "imagePullSecrets", "image_pull_secret": "imagePullSecrets",
    "host_aliases": "hostAliases", "topology_spread_constraint": "topologySpreadConstraints",
    "readiness_gate": "readinessGates", "match_expressions": "matchExpressions", "ingress": "ingress",
    "egress": "egress", "from": "from", "to": "to", "items": "items", "secret": "secrets",
}
# names whose camelCase is not the plain conversion (the API spells the initialism in capitals)
API_NAMES: Mapping[str, str] = {"host_pid": "hostPID", "host_ipc": "hostIPC", "host_ip": "hostIP",
                                "non_resource_urls": "nonResourceURLs", "pod_ip": "podIP"}
# fields the provider declares as strings (run_as_user ...: TypeString, validateTypeStringNullableInt) or
# that Terraform converts from strings; the API holds integers and booleans
INTEGER_FIELDS = frozenset({"runAsUser", "runAsGroup", "fsGroup", "hostPort", "containerPort"})
BOOLEAN_FIELDS = frozenset({"privileged", "allowPrivilegeEscalation", "runAsNonRoot", "readOnlyRootFilesystem",
                            "hostNetwork", "hostPID", "hostIPC", "automountServiceAccountToken"})
_SKIPPED = frozenset({"__is_block__", "__start_line__", "__end_line__", "dynamic"})


# typed resources that manage an object of a fixed name: `kubernetes_default_service_account` takes only the
# namespace and adopts its ServiceAccount `default` (provider docs, resources/default_service_account)
FIXED_NAMES: Mapping[str, str] = {"default_service_account": "default"}


def _api_name(name: str) -> str:
    if name in API_NAMES:
        return API_NAMES[name]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _typed_stem(resource_type: str) -> str | None:
    """`kubernetes_deployment_v1` → `deployment`, when it is a typed resource this module reads."""
    stem = resource_type.removeprefix("kubernetes_")
    if stem == resource_type:
        return None
    return next((s for s in (stem, stem.removesuffix("_v1")) if s in TYPED_KINDS), None)


def _not_known(value: Any) -> Text:
    reason = value.reason if isinstance(value, Unknown) else "it refers to a value known only after apply"
    written = _briefly(text_of(value))
    shown = f": {written}" if written else ""
    return Text(f"not known before Terraform runs ({reason}{shown})", f"Terraform の実行前には不明です（{reason}{shown}）")


def _as_written(value: Any) -> Any:
    """A structure with each value not known here replaced by its expression as written (`${...}`)."""
    if isinstance(value, list):
        return [_as_written(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _as_written(item) for key, item in value.items()}
    return value if _known(value) else "${" + (text_of(value) or "?") + "}"


_NAME_KEYS = frozenset({"rolearn", "userarn", "username"})
_ARN_SUBJECT = re.compile(r"subjects\[\d+\]\.name")
_ARN_REFERENCE = re.compile(r"(data\.)?[\w-]+\.[\w-]+(\[[^\]]*\])?\.arn")  # `aws_iam_role.x.arn`, `data.y.z.arn`


def _unknown_beyond_names(value: Any) -> bool:
    """Whether a value not known here sits anywhere but at an aws-auth entry's ARN or user name."""
    if isinstance(value, list):
        return any(_unknown_beyond_names(item) for item in value)
    if isinstance(value, dict):
        return any(_unknown_beyond_names(item) for key, item in value.items() if key not in _NAME_KEYS)
    return not _known(value)


def _briefly(written: str | None) -> str | None:
    """An expression as written, on one line: a whole template (a YAML body) shows only its interpolations."""
    if written is None or ("\n" not in written and len(written) <= 120):
        return written
    _, holes = _with_placeholders(written)
    shown = list(dict.fromkeys(f"${{{expression}}}" for expression in holes.values()))
    return ", ".join(shown[:3]) + (", ..." if len(shown) > 3 else "") if shown else None


class _Reader:
    """One resource → one document; `unknown` collects the fields not known before apply."""

    def __init__(self, module: HclModule, resource: Resource) -> None:
        self.module = module
        self.resource = resource
        self.unknown: dict[str, Text] = {}
        self.written: dict[str, str] = {}  # field path → the expression not known, as written
        self.template_path: str | None = None  # a rendered templatefile(): its lines are that file's

    def not_known(self, api_path: str, value: Any) -> None:
        self.unknown[api_path] = _not_known(value)
        self.written[api_path] = _briefly(text_of(value)) or "?"

    # -- values ------------------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        """A reference to the name or namespace of another Kubernetes resource of the module is that value
        (`kubernetes_namespace_v1.this.metadata[0].name`); other references stay not known."""
        if isinstance(value, TFRef):
            target = self.module.resources.get(value.address)
            parts = value.attr.replace("[", ".").replace("]", "").split(".") if value.attr else []
            if target is not None and target.type.startswith("kubernetes_") and parts[:1] == ["metadata"] \
                    and parts[-1:] and parts[-1] in ("name", "namespace"):
                return target.view.get(f"metadata.0.{parts[-1]}")
            return value
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def value(self, value: Any, api_path: str, name: str, line: int | None,
              key_line: Callable[[str], int | None]) -> Any:
        """A known value with line marks (NOVALUE when it is not known: recorded in `unknown`); a map (labels,
        data ...) keeps its known keys, each at its line (`key_line`)."""
        value = self.resolve(value)
        if isinstance(value, dict):
            out = _line_map(line)
            for key, item in value.items():
                if api_path == "data" and isinstance(item, _JsonPending) and isinstance(item.value, (list, dict)):
                    # a ConfigMap value built by yamlencode() whose leaves are partly known only after apply (an
                    # aws-auth mapUsers with `userarn = aws_iam_user.x.arn`): the YAML with those leaves as written,
                    # `${aws_iam_user.x.arn}`, so what is known (groups, usernames, which keys) is still read; a
                    # leaf other than a name (a group) not known is still said (no pass on what it may grant)
                    if _unknown_beyond_names(item.value):
                        self.not_known(f"{api_path}.{key}", item)
                    item = json.dumps(_as_written(item.value))
                if not _known(item):
                    self.not_known(f"{api_path}.{key}", item)
                    continue
                out[key] = _marked(item, key_line(str(key)) or line)
                out.marks[key] = (key_line(str(key)) or line or 0, 0)
            return out
        written = text_of(value) if isinstance(value, (TFRef, Unknown)) else None
        if written and _ARN_SUBJECT.fullmatch(api_path) and _ARN_REFERENCE.fullmatch(written):
            # an RBAC subject named by an ARN attribute (`data.aws_caller_identity.current.arn`): an IAM ARN
            # whatever it turns out to be, never `system:anonymous` or a group: kept as written
            return _marked("${" + written + "}", line)
        if not _known(value):
            self.not_known(api_path, value)
            return NOVALUE
        if name in INTEGER_FIELDS and isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        if name in BOOLEAN_FIELDS and value in ("true", "false"):
            return value == "true"
        return _marked(value, line)

    # -- typed resources ---------------------------------------------------------------------

    def typed(self, stem: str) -> LineMap:
        api_version, kind = TYPED_KINDS[stem]
        view = self.resource.view
        doc = _line_map(view.line(""))
        doc["apiVersion"], doc["kind"] = api_version, kind
        doc.marks["apiVersion"] = doc.marks["kind"] = (doc.line, 0)
        lists = dict(LIST_BLOCKS) if kind == "ServiceAccount" else {k: v for k, v in LIST_BLOCKS.items()
                                                                       if k != "secret"}
        self.fill(doc, view, "", lists, root=True)
        if stem in FIXED_NAMES:
            metadata = doc.get("metadata")
            if not isinstance(metadata, LineMap):
                metadata = doc["metadata"] = _line_map(doc.line)
                doc.marks["metadata"] = (doc.line, 0)
            metadata["name"] = FIXED_NAMES[stem]
            metadata.marks["name"] = (metadata.line, 0)
        if kind in ("Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob", "Pod"):
            self.provider_defaults(doc, kind)
        return doc

    def fill(self, out: LineMap, view: View, api_path: str, lists: Mapping[str, str], root: bool = False) -> None:
        body = view.body if isinstance(view, HclView) and isinstance(view.body, dict) else {}
        names = [view.evaluator.key(k) for k in body if k not in _SKIPPED] if isinstance(view, HclView) else []
        block_names = {view.evaluator.key(k) for k, raw in body.items() if _is_block_list(raw)} \
            if isinstance(view, HclView) else set()
        labels = [label for label in self._dynamic_labels(view) if label not in names]
        for name in [*names, *labels]:
            if root and name not in OBJECT_FIELDS:
                continue
            api_name = lists.get(name) or _api_name(name)
            path = f"{api_path}.{api_name}" if api_path else api_name
            line = view.line(name)
            count = view.count(name)
            if name in block_names or name in labels:
                blocks = [view.sub(f"{name}.{index}") for index in range(count)] or view.dynamic_blocks(name)
                if name in lists:
                    items = LineList()
                    items.line = line or 0
                    for index, block in enumerate(blocks):
                        item = _line_map(block.line(""))
                        self.fill(item, block, f"{path}[{index}]", lists)
                        self._uncertain(block, f"{path}[{index}]")
                        items.append(item)
                        items.item_lines.append(item.line)
                    out[api_name] = items
                elif blocks:
                    item = _line_map(blocks[0].line(""))
                    self.fill(item, blocks[0], path, lists)
                    self._uncertain(blocks[0], path)
                    out[api_name] = item
                else:
                    continue
            else:
                found = self.value(view.get(name), path, api_name, line, _key_lines(view, name))
                if found is NOVALUE:
                    continue
                out[api_name] = found
            out.marks[api_name] = (line or out.line, 0)

    @staticmethod
    def _dynamic_labels(view: View) -> list[str]:
        if not isinstance(view, HclView):
            return []
        return [label for index in range(view.count("dynamic")) for label in view.keys(f"dynamic.{index}")]

    def _uncertain(self, block: View, api_path: str) -> None:
        why = block.maybe_absent("")
        if why is not None:
            self.unknown[api_path] = why

    def provider_defaults(self, doc: LineMap, kind: str) -> None:
        """What the provider sends when the block leaves it out: `automount_service_account_token` defaults to
        true in its pod spec schema (hashicorp/terraform-provider-kubernetes kubernetes/core/v1/
        schema_pod_spec.go), so the pod mounts its token whatever its ServiceAccount says."""
        holder: Any = doc
        for step in {"Pod": ["spec"], "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"]}.get(
                kind, ["spec", "template", "spec"]):
            holder = holder.get(step) if isinstance(holder, Mapping) else None
        prefix = {"Pod": "spec", "CronJob": "spec.jobTemplate.spec.template.spec"}.get(kind, "spec.template.spec")
        field = "automountServiceAccountToken"
        if isinstance(holder, LineMap) and field not in holder and f"{prefix}.{field}" not in self.unknown:
            holder[field] = True
            holder.marks[field] = (holder.line, 0)

    # -- manifests -----------------------------------------------------------------------------

    def manifest(self) -> LineMap | None:
        """`kubernetes_manifest`: the `manifest` attribute, an HCL object written as the API object."""
        view = self.resource.view
        value = self.resolve(view.get("manifest"))
        if not isinstance(value, dict):
            self.not_known("manifest", value)
            return None
        doc = self._with_lines(value, view, "manifest", "")
        return doc if isinstance(doc, LineMap) else None

    def _with_lines(self, value: Any, view: View, pointer: str, api_path: str) -> Any:
        line = view.line(pointer)
        if isinstance(value, dict):
            out = _line_map(line)
            for key, item in value.items():
                path = f"{api_path}.{key}" if api_path else str(key)
                if not _known(item) and not isinstance(item, (dict, list)):
                    self.not_known(path, item)
                    continue
                out[key] = self._with_lines(item, view, f"{pointer}.{key}", path)
                out.marks[key] = (view.line(f"{pointer}.{key}") or line or 0, 0)
            return out
        if isinstance(value, list):
            items = LineList()
            items.line = line or 0
            for index, item in enumerate(value):
                if not _known(item) and not isinstance(item, (dict, list)):
                    self.not_known(f"{api_path}[{index}]", item)
                    continue
                items.append(self._with_lines(item, view, f"{pointer}.{index}", f"{api_path}[{index}]"))
                items.item_lines.append(view.line(f"{pointer}.{index}") or line or 0)
            return items
        return value

    def kubectl(self, limits: Limits) -> list[Any]:
        """`kubectl_manifest`: the YAML of `yaml_body`, its lines placed from the attribute's line on. An
        interpolation not known here (`image: ${var.image}`) leaves out only the field it is in."""
        view = self.resource.view
        body = view.get("yaml_body")
        raw = _raw_text(view, "yaml_body")
        holes: dict[str, str] = {}
        if _TEMPLATEFILE.match(raw):
            body = self._rendered(raw, limits)
        template = body
        if isinstance(body, Unknown) and body.text and (re.match(r"\s*<<", raw) or self.template_path is not None):
            body, holes = _with_placeholders(body.text)
        if isinstance(body, str) and not _ENCODED.match(raw):
            try:
                documents = load_yaml_documents(body, limits)
            except InputError:  # with interpolations not known, they may be what breaks it
                self.unknown["yaml_body"] = _not_known(template) if holes else Text("not valid YAML",
                                                                                      "YAML として不正です")
                return []
            # a template's fields are at its own lines (the object's path is the template's), a literal body's
            # from the attribute's line on
            line = 1 if self.template_path is not None else view.line("yaml_body") or 1
            heredoc = heredoc_body(raw.strip())
            # a `<<-` heredoc lost its common indentation: its fields sit that much further right in the file
            indent = heredoc_indent(heredoc[0]) if heredoc is not None and heredoc[1] else 0
            for document in documents:
                shift_lines(document, line - 1 + (1 if heredoc is not None else 0), indent)
                self._drop_holes(document, "", holes)
            return [d for d in documents if isinstance(d, Mapping)]
        structure = decoded(body)
        if isinstance(structure, dict):  # `yamlencode({...})`: its fields not known are left out one by one
            return [self._with_lines(structure, view, "yaml_body", "")]
        self.not_known("yaml_body", body)
        return []

    def _rendered(self, raw: str, limits: Limits) -> Any:
        """`templatefile(path, {vars})`: the template read relative to the module's directory and rendered with
        those variables (https://developer.hashicorp.com/terraform/language/functions/templatefile); an
        interpolation not known stays `${...}` for `_drop_holes`; `%{...}` directives are not rendered."""
        view = self.resource.view
        if not isinstance(view, HclView):
            return Unknown("templatefile() is not evaluated by this scan")
        inner = raw.strip().removeprefix("${").removesuffix("}").strip()
        arguments = _arguments(inner[inner.index("(") + 1:inner.rindex(")")])
        if len(arguments) != 2:
            return Unknown("templatefile() is not evaluated by this scan", inner)
        evaluator = view.evaluator
        path, variables = (evaluator.expression(argument) for argument in arguments)
        if not isinstance(path, str) or not isinstance(variables, dict):
            reason = next((v.reason for v in (path, variables) if isinstance(v, Unknown)), "an argument not known")
            return Unknown(f"templatefile() of {reason}", inner)
        template_path = os.path.normpath(os.path.join(self.module.directory, path))
        try:
            text = read_text(Path(template_path), limits)
        except (InputError, OSError) as error:
            return Unknown(f"templatefile() could not read {path} ({getattr(error, 'message', error)})", inner)
        if "%{" in text.replace("%%{", ""):
            return Unknown(f"templatefile() of {path}: its %{{...}} directives are not rendered by this scan", inner)
        self.template_path = template_path
        outer, evaluator.symbols = evaluator.symbols, variables
        try:
            return evaluator.template(text, escapes=False)
        finally:
            evaluator.symbols = outer

    def _drop_holes(self, node: Any, api_path: str, holes: Mapping[str, str]) -> None:
        """Leave out the keys and items whose text holds an interpolation not known here (`holes`: placeholder
        → expression), each an unknown field saying which expression."""
        if not holes:
            return
        evaluator = self.resource.view.evaluator if isinstance(self.resource.view, HclView) else None

        def hole(text: Any) -> Unknown | None:
            found = [expression for placeholder, expression in holes.items()
                     if isinstance(text, str) and placeholder in text]
            if not found:
                return None
            value = evaluator.expression(found[0]) if evaluator is not None else None
            return value if isinstance(value, Unknown) and value.text else Unknown(
                getattr(value, "reason", "a reference"), "${" + found[0] + "}")

        drop_fields(node, api_path, hole, self.not_known)


# `yaml_body = yamlencode({...})`: an HCL value, read as one with its fields at their lines (not as the text
# it encodes to)
_ENCODED = re.compile(r"\s*(?:\$\{)?\s*(?:yamlencode|jsonencode)\(")
_TEMPLATEFILE = re.compile(r"\s*(?:\$\{)?\s*templatefile\(")
_PLACEHOLDER = "__eksguard_unknown_{}__"


def _arguments(text: str) -> list[str]:
    """A call's arguments as written, split at the commas outside brackets and strings."""
    arguments: list[str] = []
    depth, start, index = 0, 0, 0
    while index < len(text):
        char = text[index]
        if char == '"':
            index = _skip_string(text, index)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            arguments.append(text[start:index].strip())
            start = index + 1
        index += 1
    arguments.append(text[start:].strip())
    return [a for a in arguments if a]


def _with_placeholders(text: str) -> tuple[str, dict[str, str]]:
    """A template's text with each `${...}` left (not known here) replaced by a plain word YAML keeps as it is,
    and which expression each word stands for."""
    holes: dict[str, str] = {}
    out: list[str] = []
    index = 0
    while (start := text.find("${", index)) >= 0:
        stop = _skip_interpolation(text, start + 2)
        placeholder = _PLACEHOLDER.format(len(holes))
        holes[placeholder] = text[start + 2:stop - 1].strip().strip("~").strip()
        out.extend([text[index:start], placeholder])
        index = stop
    out.append(text[index:])
    return "".join(out), holes


def _key_lines(view: View, name: str) -> Callable[[str], int | None]:
    """The line of each key of the map attribute `name` (a key with a dot is not a pointer: its map's line)."""
    def line(key: str) -> int | None:
        return view.line(f"{name}.{key}") if "." not in key else None
    return line


def _raw_text(view: View, name: str) -> str:
    raw = view.body.get(name) if isinstance(view, HclView) and isinstance(view.body, dict) else None
    return raw.strip('"') if isinstance(raw, str) else ""


def _line_map(line: int | None) -> LineMap:
    out = LineMap()
    out.line = line or 0
    return out


def _marked(value: Any, line: int | None) -> Any:
    """A plain value with line marks at `line` (maps: labels, match_labels, data ...; their keys as written)."""
    if isinstance(value, dict):
        out = _line_map(line)
        for key, item in value.items():
            out[key] = _marked(item, line)
            out.marks[key] = (line or 0, 0)
        return out
    if isinstance(value, list):
        items = LineList()
        items.line = line or 0
        for item in value:
            items.append(_marked(item, line))
            items.item_lines.append(line or 0)
        return items
    return value


_READ_FROM_FILE = re.compile(r"\s*file\(")  # a template is rendered (`_rendered`); a plain file is a manifest of the scan

# resources that set labels or annotations on an existing object (provider docs, resources/labels and
# resources/annotations): their argument → where it goes in the object
PATCHES: Mapping[str, Mapping[str, str]] = {
    "kubernetes_labels": {"labels": "metadata.labels"},
    "kubernetes_annotations": {"annotations": "metadata.annotations",
                               "template_annotations": "spec.template.metadata.annotations"},
}


def _identity(doc: Mapping[str, Any]) -> tuple[Any, ...]:
    metadata = doc.get("metadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    return doc.get("apiVersion"), doc.get("kind"), metadata.get("name"), metadata.get("namespace")


def _patch(module: HclModule, resource: Resource, found: list[DeclaredObject], cluster: str | None,
           warn: Callable[[Origin, Text], None]) -> None:
    """`kubernetes_labels`/`kubernetes_annotations`: their maps go into the object they name when the module
    declares it. Otherwise only a Namespace is made of them: the provider refuses to label an object that does
    not exist, so the namespace exists with these labels, and its labels are all the namespace rules read
    (pod-security.kubernetes.io/*); of another kind, the labels alone say nothing a rule reads."""
    view = resource.view
    reader = _Reader(module, resource)
    target = _line_map(view.line(""))
    for name in ("api_version", "kind"):
        value = reader.resolve(view.get(name))
        if not isinstance(value, str):
            _not_patched(resource, name, value, warn)
            return
        target["apiVersion" if name == "api_version" else "kind"] = value
    metadata = target["metadata"] = _line_map(view.line("metadata.0"))
    for name in ("name", "namespace"):
        value = reader.resolve(view.get(f"metadata.0.{name}"))
        if value is NOVALUE:
            continue
        if not isinstance(value, str):
            _not_patched(resource, f"metadata.{name}", value, warn)
            return
        metadata[name] = value
        metadata.marks[name] = (view.line(f"metadata.0.{name}") or metadata.line, 0)
    declared = next((d for d in found if _identity(d.doc) == _identity(target)), None)
    if declared is None and target["kind"] != "Namespace":
        return
    if declared is None:
        declared = DeclaredObject(target, view.path, resource.address, cluster, {})
        found.append(declared)
    same_file = declared.path == view.path
    for argument, api_path in PATCHES[resource.type].items():
        raw = view.get(argument)
        if raw is NOVALUE:
            continue
        line = view.line(argument) if same_file else None
        holder: Any = declared.doc
        for step in api_path.split("."):
            if not isinstance(holder, LineMap):
                break
            if step not in holder:
                holder[step] = _line_map(line or holder.line)
                holder.marks[step] = (line or holder.line, 0)
            holder = holder[step]
        if not isinstance(holder, LineMap):
            continue
        keys = _key_lines(view, argument) if same_file else (lambda key: None)
        values = reader.value(raw, api_path, argument, line or holder.line, keys)
        if isinstance(values, Mapping):
            for key, item in values.items():
                holder[key] = item
                holder.marks[key] = values.marks[key] if isinstance(values, LineMap) else (holder.line, 0)
    declared.unknown_fields.update(reader.unknown)


def _not_patched(resource: Resource, pointer: str, value: Any, warn: Callable[[Origin, Text], None]) -> None:
    why = _not_known(value)
    warn(resource.view.origin(pointer), Text(
        f"{resource.address}: the object it labels is not known, so its labels are not checked: `{pointer}` is "
        f"{why.en}",
        f"{resource.address}: ラベルを付けるオブジェクトが不明なため、そのラベルは検査されません: `{pointer}` は{why.ja}"))


def declared_objects(module: HclModule, cluster: str | None, limits: Limits,
                     warn: Callable[[Origin, Text], None]) -> list[DeclaredObject]:
    """The Kubernetes objects the module declares; `cluster`: the one cluster the module builds, if any (its
    Kubernetes provider is that cluster's, as in the terraform-aws-eks examples). `warn` says which manifests
    are not known before apply, so not checked."""
    found: list[DeclaredObject] = []
    for resource_type in sorted(module.by_type):
        typed = _typed_stem(resource_type)
        if typed is None and resource_type not in ("kubernetes_manifest", "kubectl_manifest"):
            continue
        for resource in module.of_type(resource_type):
            reader = _Reader(module, resource)
            if typed is not None:
                documents: list[Any] = [reader.typed(typed)]
            elif resource_type == "kubernetes_manifest":
                documents = [d for d in [reader.manifest()] if d is not None]
            else:
                documents = reader.kubectl(limits)
            path = reader.template_path or resource.view.path
            if not documents:
                pointer = "manifest" if resource_type == "kubernetes_manifest" else "yaml_body"
                if not _READ_FROM_FILE.match(_raw_text(resource.view, pointer).removeprefix("${")):
                    why = reader.unknown.get(pointer) or Text("no object", "オブジェクトがありません")
                    warn(resource.view.origin(pointer), Text(
                        f"{resource.address}: its Kubernetes object is not checked: `{pointer}` is {why.en}",
                        f"{resource.address}: Kubernetes オブジェクトは検査されません: `{pointer}` は{why.ja}"))
            found.extend(DeclaredObject(doc, path, resource.address, cluster, dict(reader.unknown),
                                        reader.written.get("metadata.namespace"))
                         for doc in documents if isinstance(doc, LineMap))
    for resource_type in PATCHES:
        for resource in module.of_type(resource_type):
            _patch(module, resource, found, cluster, warn)
    return found
