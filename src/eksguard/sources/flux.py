"""Flux Kustomizations (`kustomize.toolkit.fluxcd.io`): the folder each one builds, and the `postBuild` values
it puts into the `${VAR}` placeholders of what that folder renders.

kustomize-controller builds `spec.path` of its source and then replaces `${VAR}` in the output with the values
of `spec.postBuild`: those of `substitute` take precedence over those of `substituteFrom` (ConfigMaps and Secrets
in the Kustomization's namespace, later ones over earlier ones). The values written in the scan are used:
`substitute`, and the `data` of a ConfigMap of the scan that `substituteFrom` names. A Secret's values are not
(they are kept encrypted in Git, or base64), nor those of a ConfigMap outside the scan: their placeholders stay
as written. An object annotated `kustomize.toolkit.fluxcd.io/substitute: disabled` is left as it is.

`spec.path` is relative to the root of the source. In a Git checkout that is the folder holding `.git`;
otherwise the folder whose `spec.path` is a kustomization, when exactly one of the Kustomization file's own
folders has one (several are reported, and none is chosen).

This module describes; it never judges.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eksguard.analysis.kustomize import clone_list, clone_map
from eksguard.sources.fields import Variables

GROUP = "kustomize.toolkit.fluxcd.io"
SUBSTITUTE_ANNOTATION = "kustomize.toolkit.fluxcd.io/substitute"


@dataclass(frozen=True, slots=True)
class PostBuild:
    """A Flux Kustomization that substitutes known values into what it builds."""

    name: str  # namespace/name
    path: str  # the file it is written in
    line: int | None
    spec_path: str
    values: Mapping[str, str]


def _namespace(doc: Mapping[str, Any]) -> str:
    metadata = doc.get("metadata")
    namespace = metadata.get("namespace") if isinstance(metadata, Mapping) else None
    return str(namespace) if namespace else "default"


def _name(doc: Mapping[str, Any]) -> str:
    metadata = doc.get("metadata")
    return str(metadata.get("name", "")) if isinstance(metadata, Mapping) else ""


def _strings(node: Any) -> dict[str, str]:
    if not isinstance(node, Mapping):
        return {}
    return {str(k): str(v) for k, v in node.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}


def post_builds(documents: Iterable[tuple[Mapping[str, Any], str]]) -> list[PostBuild]:
    """The Flux Kustomizations among (document, file) pairs that substitute values known from the scan."""
    pairs = list(documents)
    configmaps = {(_namespace(doc), _name(doc)): _strings(doc.get("data")) for doc, _ in pairs
                  if doc.get("kind") == "ConfigMap" and doc.get("apiVersion") == "v1"}
    found: list[PostBuild] = []
    for doc, path in pairs:
        if doc.get("kind") != "Kustomization" or not str(doc.get("apiVersion", "")).startswith(f"{GROUP}/"):
            continue
        spec = doc.get("spec")
        post_build = spec.get("postBuild") if isinstance(spec, Mapping) else None
        if not isinstance(spec, Mapping) or not isinstance(post_build, Mapping):
            continue
        values: dict[str, str] = {}
        sources = post_build.get("substituteFrom")
        for source in sources if isinstance(sources, list) else []:
            if isinstance(source, Mapping) and source.get("kind") == "ConfigMap":
                values.update(configmaps.get((_namespace(doc), str(source.get("name", ""))), {}))
        values.update(_strings(post_build.get("substitute")))
        if values:
            found.append(PostBuild(f"{_namespace(doc)}/{_name(doc)}", path, getattr(doc, "line", None) or None,
                                   str(spec.get("path") or "."), values))
    return found


def build_folders(post_build: PostBuild, is_kustomization: Callable[[str], bool]) -> list[str]:
    """The folders `post_build` may build: the one below the checkout's root, else every folder of the file's
    own folders (and theirs) under which its `spec.path` is a kustomization."""
    relative = os.path.normpath(post_build.spec_path.lstrip("/") or ".")
    candidates: list[str] = []
    folder = os.path.dirname(os.path.abspath(post_build.path))
    while True:
        target = os.path.normpath(os.path.join(folder, relative))
        if os.path.exists(os.path.join(folder, ".git")):
            return [target] if is_kustomization(target) else []
        if relative != "." and is_kustomization(target):
            candidates.append(target)
        parent = os.path.dirname(folder)
        if parent == folder:
            return candidates
        folder = parent


def substituted(doc: Mapping[str, Any], path: str, values: Mapping[str, str]) -> Mapping[str, Any]:
    """`doc` with the values put into its strings, as kustomize-controller does after the build; the parts it
    changes are copies (positions kept), the rest is shared."""
    metadata = doc.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    if isinstance(annotations, Mapping) and str(annotations.get(SUBSTITUTE_ANNOTATION, "")).lower() == "disabled":
        return doc
    result: Mapping[str, Any] = _put(doc, path, Variables(values))
    return result


def _put(node: Any, path: str, variables: Variables) -> Any:
    if isinstance(node, str):
        text = variables.substitute(node, path, 0, required=False)[0] if "$" in node else node
        return node if text == node else text
    if isinstance(node, Mapping):
        changed = {key: new for key, value in node.items() if (new := _put(value, path, variables)) is not value}
        if not changed:
            return node
        copy = clone_map(node, path)
        copy.update(changed)
        return copy
    if isinstance(node, list):
        items = [_put(item, path, variables) for item in node]
        if all(new is old for new, old in zip(items, node, strict=True)):
            return node
        copied = clone_list(node, path)
        copied[:] = items
        return copied
    return node
