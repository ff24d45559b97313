"""Registers the CloudFormation template reader (YAML and JSON) with the file dispatcher.

After all files are read, a template that a scanned parent uses as a nested stack through a local
`TemplateURL` (before `aws cloudformation package`) is read again in each such parent, with the parameters
that parent passes, and the reading alone is dropped: its node groups join the parent's cluster instead of a
stub named after the file (a child used by two parents gives each parent's reading). Then node group stacks
join the cluster of the same name that another template of the scan defines (eksctl writes one stack per
node group).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eksguard import sources
from eksguard.model import Cluster, InputProblem, Origin, Text
from eksguard.sources.cloudformation import (
    EKS_TYPES,
    NESTED_STACK,
    Template,
    is_stub,
    join_stubs,
    local_nested_stacks,
    merge_stubs,
    read_template,
    stack_parameters,
    template_clusters,
    template_kind,
)
from eksguard.sources.loading import InputError, parse_documents, read_text

PRIORITY = 20
STATE_KEY = "cloudformation"
# nested stacks within nested stacks are read this deep at most (a file that nests itself stops there)
MAX_NESTING = 8


@dataclass(slots=True)
class _TemplateFile:
    """A scanned file's templates that add to clusters or nest stacks, each with what reading it alone gave."""

    path: str
    # (the template, or None until a parent nests it, what reading it alone gave)
    templates: list[tuple[Mapping[str, Any] | None, list[Cluster]]] = field(default_factory=list)

    def documents(self, ctx: sources.ScanContext) -> list[Mapping[str, Any]] | None:
        """The templates, parsed again from the file where they were not kept; None when it no longer holds
        the templates it held (changed since, or unreadable now)."""
        if all(document is not None for document, _ in self.templates):
            return [document for document, _ in self.templates if document is not None]
        try:
            parsed = parse_documents(read_text(Path(self.path), ctx.limits), ctx.limits,
                                     self.path.lower().endswith(".json"))
        except (InputError, OSError):
            return None
        found = [d for d in parsed if template_kind(d) and _may_nest(d)]
        return found if len(found) == len(self.templates) else None


def read(documents: list[Any], text: str, path: str, ctx: sources.ScanContext) -> bool:
    templates = [d for d in documents if template_kind(d)]
    if not templates:
        return False
    for document in templates:
        clusters = read_template(document, path, ctx.variables)
        ctx.estate.clusters.extend(clusters)
        if _may_nest(document):
            # kept for the finisher: a parent's template (it is read again with its nested stacks), and of the
            # others only what reading them gave: parsed YAML is large, and a child is parsed again from its
            # file only when a parent nests it
            files: dict[str, _TemplateFile] = ctx.estate.extras.setdefault(STATE_KEY, {})
            files.setdefault(os.path.abspath(path), _TemplateFile(path)).templates.append(
                (document if _nests(document) else None, clusters))
        if sources.applies_quickstart_manifests(document):
            _declare_manifests(document, text, path, ctx)
    return True


def _nests(document: Any) -> bool:
    resources = document.get("Resources") if isinstance(document, Mapping) else None
    return isinstance(resources, Mapping) and any(
        isinstance(r, Mapping) and r.get("Type") == NESTED_STACK for r in resources.values())


def _may_nest(document: Any) -> bool:
    resources = document if template_kind(document) == "bare" else document.get("Resources")
    return isinstance(resources, Mapping) and any(
        isinstance(r, Mapping) and (r.get("Type") in EKS_TYPES or r.get("Type") == NESTED_STACK)
        for r in resources.values())


def _declare_manifests(document: Any, text: str, path: str, ctx: sources.ScanContext) -> None:
    """The Kubernetes objects the template applies, for the Kubernetes finisher (which runs after this one)."""
    from eksguard.sources.cloudformation_kubernetes import declared_manifests
    from eksguard.sources.kubernetes import state_of

    def warn(origin: Origin, message: Text) -> None:
        ctx.estate.warnings.append(InputProblem.of(origin.path, origin.line, message, "cloudformation-kubernetes"))

    template = Template(document, path, ctx.variables, bare=template_kind(document) == "bare")
    state_of(ctx.estate.extras).declared.extend(declared_manifests(template, text, ctx.limits, warn))


def _template(document: Mapping[str, Any], path: str, ctx: sources.ScanContext,
              parameters: Mapping[str, Any] | None = None) -> Template:
    return Template(document, path, ctx.variables, template_kind(document) == "bare", parameters)


def _children(files: dict[str, _TemplateFile], parent_key: str, template: Template) -> list[tuple[Any, str]]:
    """(nested stack, key of the scanned file it names) for each local nested stack of `template`."""
    folder = os.path.dirname(parent_key)
    found = []
    for stack, url in local_nested_stacks(template):
        key = os.path.normpath(os.path.join(folder, url))
        if key in files:
            found.append((stack, key))
    return found


def _with_nested(files: dict[str, _TemplateFile], key: str, template: Template, clusters: list[Cluster],
                 ctx: sources.ScanContext, nested: set[str], depth: int) -> list[Cluster]:
    """What the local nested stacks of `template` (whose reading gave `clusters`) add: their stubs of a cluster
    of this reading join it; their other clusters are returned."""
    added: list[Cluster] = []
    full = {c.name: c for c in clusters if not is_stub(c)}
    for stack, child_key in _children(files, key, template) if depth <= MAX_NESTING else ():
        child = files[child_key]
        documents = child.documents(ctx)
        if documents is None:
            continue  # its reading alone stays
        nested.add(child_key)
        for document in documents:
            child_template = _template(document, child.path, ctx, stack_parameters(template, stack, document))
            child_clusters = template_clusters(child_template)
            child_clusters += _with_nested(files, child_key, child_template, child_clusters, ctx, nested, depth + 1)
            added += join_stubs(child_clusters, full)
    return added


def _read_nested_stacks(ctx: sources.ScanContext, files: dict[str, _TemplateFile]) -> None:
    """A template that a scanned file nests is read in each parent from a root (a template no scanned file
    nests), and its reading alone is dropped; templates that only nest each other (a cycle) keep theirs."""
    # (template, what reading it alone gave) of the templates that nest stacks, per file
    parents = {key: [(_template(document, f.path, ctx), clusters) for document, clusters in f.templates
                     if document is not None] for key, f in files.items()}
    children = {child for key, templates in parents.items() for t, _ in templates for _, child in _children(files, key, t)}
    if not children:
        return
    nested: set[str] = set()
    added: list[Cluster] = []
    for key, templates in parents.items():
        if key not in children:
            for template, clusters in templates:
                added += _with_nested(files, key, template, clusters, ctx, nested, 1)
    dropped = {id(c) for key in nested for _, clusters in files[key].templates for c in clusters}
    ctx.estate.clusters = [c for c in ctx.estate.clusters if id(c) not in dropped] + added


def finish(ctx: sources.ScanContext) -> None:
    files = ctx.estate.extras.pop(STATE_KEY, None)
    if files:
        _read_nested_stacks(ctx, files)
    if any(c.source == "cloudformation" for c in ctx.estate.clusters):
        ctx.estate.clusters = merge_stubs(ctx.estate.clusters)


def register() -> None:
    sources.DOCUMENT_READERS.append(("cloudformation", read))
    sources.FINISHERS.append((PRIORITY, finish))
