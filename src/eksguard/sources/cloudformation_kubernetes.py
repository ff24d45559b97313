"""Kubernetes objects a CloudFormation template applies → the documents the Kubernetes source reads.

The AWS Quick Start's registry type `AWSQS::Kubernetes::Resource` (aws-quickstart/quickstart-kubernetes-
resource-provider: `ClusterName`, `Namespace`, and the objects as YAML text in `Manifest` or at a `Url`)
applies its manifest with kubectl. The objects of an inline `Manifest` are read at their lines in the
template and bound to the cluster `ClusterName` names; a `${...}` that `Fn::Sub` cannot resolve here leaves
out only the field it is in (an unknown field, as for Terraform). A manifest fetched from a `Url` at deploy
time is not in the scan: a warning says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from eksguard.model import Origin, Text
from eksguard.sources.cloudformation import INTRINSICS, Ref, Res, Template, Unknown
from eksguard.sources.kubernetes import DeclaredObject, drop_fields
from eksguard.sources.loading import InputError, Limits, LineMap, load_yaml_documents, shift_lines

QUICKSTART_MANIFEST = "AWSQS::Kubernetes::Resource"
_INTERPOLATION = re.compile(r"\$\{([^}]*)\}")
_PLACEHOLDER = "__eksguard_unknown_{}__"


def _cluster_name(res: Res, template: Template) -> str | None:
    """The cluster `ClusterName` names: a cluster resource of this template by its name, or a written name;
    None when not known here (the Kubernetes source then binds as for any manifest)."""
    value = res.get("ClusterName")
    if isinstance(value, Ref) and value.attribute is None:
        cluster = template.resource(value.logical_id)
        return cluster.known_text("Name") or value.logical_id if cluster is not None else None
    return value if isinstance(value, str) and value else None


def _body(res: Res) -> tuple[str | None, dict[str, str]]:
    """The manifest text with each `${...}` not known here replaced by a word YAML keeps as it is, and what
    each word stands for; None when the text itself is not known."""
    manifest = res.get("Manifest")
    if isinstance(manifest, str):
        return manifest, {}
    if not isinstance(manifest, Unknown) or manifest.text is None:
        return None, {}
    holes: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        word = _PLACEHOLDER.format(len(holes))
        holes[word] = match.group(1)
        return word

    return _INTERPOLATION.sub(placeholder, manifest.text), holes


def _intrinsic(value: Any) -> bool:
    """A CloudFormation function (`{"Fn::Sub": ...}`, `{"Ref": ...}`) written inside the objects."""
    return isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in INTRINSICS


def _block_indent(lines: list[str], key_line: int) -> int:
    """How far a block scalar's content (the lines after its key) is indented in the file."""
    following = next((line for line in lines[key_line:] if line.strip()), "")
    return len(following) - len(following.lstrip(" "))


def _known_only(document: LineMap, holes: Mapping[str, str], namespace: str | None) -> dict[str, Text]:
    """Leave out of the object the fields not known here; returns them (API path → why)."""
    unknown: dict[str, Text] = {}

    def why_not_known(value: Any) -> str | None:
        if _intrinsic(value):
            return f"{next(iter(value))} ..."
        return next((f"${{{expression}}}" for word, expression in holes.items()
                     if isinstance(value, str) and word in value), None)

    def dropped(api_path: str, written: str) -> None:
        unknown[api_path] = Text(f"not known before the stack deploys ({written})",
                                 f"スタックのデプロイ前には不明です（{written}）")

    drop_fields(document, "", why_not_known, dropped)
    metadata = document.get("metadata")
    if namespace and isinstance(metadata, LineMap) and "namespace" not in metadata:
        # `kubectl create -f FILE -n NAMESPACE` (the provider's apply handler): the object's namespace when it
        # names none
        metadata["namespace"] = namespace
    return unknown


def declared_manifests(template: Template, text: str, limits: Limits,
                       warn: Callable[[Origin, Text], None]) -> list[DeclaredObject]:
    found: list[DeclaredObject] = []
    lines = text.splitlines()
    for res in template.of_type(QUICKSTART_MANIFEST):
        if not res.raw("Manifest")[0]:
            if res.raw("Url")[0]:
                warn(res.origin("Url"), Text(
                    f"{res.id}: the manifest is fetched from its `Url` when the stack deploys, so it is not "
                    "scanned; scan a copy of it",
                    f"{res.id}: マニフェストはスタックのデプロイ時に `Url` から取得されるため、スキャンされません。"
                    "コピーをスキャンしてください"))
            continue
        origin = res.origin("Manifest")
        written = res.raw("Manifest")[1]
        if isinstance(written, LineMap) and not _intrinsic(written):
            # the objects written as YAML in the template (the provider takes them as JSON): at their own lines
            documents: list[Any] = [written]
            holes: dict[str, str] = {}
        else:
            body, holes = _body(res)
            if body is None:
                warn(origin, Text(f"{res.id}: `Manifest` is not known here, so its objects are not checked",
                                  f"{res.id}: `Manifest` がここでは不明なため、そのオブジェクトはチェックされません"))
                continue
            try:
                documents = load_yaml_documents(body, limits)
            except InputError as error:
                warn(origin, Text(f"{res.id}: `Manifest` is not valid YAML: {error.message}",
                                  f"{res.id}: `Manifest` が YAML として不正です: {error.message}"))
                continue
            # a block scalar (`Manifest: |`) starts on the line after its key; a one-line string is on the key's
            key_line = origin.line or 1
            block = "\n" in body
            offset, indent = (key_line, _block_indent(lines, key_line)) if block else (key_line - 1, 0)
            for document in documents:
                shift_lines(document, offset, indent)
        namespace = res.known_text("Namespace")
        cluster = _cluster_name(res, template)
        found.extend(DeclaredObject(document, res.path, res.id, cluster, _known_only(document, holes, namespace))
                     for document in documents if isinstance(document, LineMap))
    return found
