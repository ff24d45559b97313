"""Registers the CloudFormation template reader (YAML and JSON) with the file dispatcher.

After all files are read, node group stacks join the cluster of the same name that another template
of the scan defines (eksctl writes one stack per node group).
"""

from __future__ import annotations

from typing import Any

from eksguard import sources
from eksguard.model import InputProblem, Origin, Text
from eksguard.sources.cloudformation import Template, merge_stubs, read_template, template_kind

PRIORITY = 20


def read(documents: list[Any], text: str, path: str, ctx: sources.ScanContext) -> bool:
    templates = [d for d in documents if template_kind(d)]
    if not templates:
        return False
    for document in templates:
        ctx.estate.clusters.extend(read_template(document, path, ctx.variables))
        if sources.applies_quickstart_manifests(document):
            _declare_manifests(document, text, path, ctx)
    return True


def _declare_manifests(document: Any, text: str, path: str, ctx: sources.ScanContext) -> None:
    """The Kubernetes objects the template applies, for the Kubernetes finisher (which runs after this one)."""
    from eksguard.sources.cloudformation_kubernetes import declared_manifests
    from eksguard.sources.kubernetes import state_of

    def warn(origin: Origin, message: Text) -> None:
        ctx.estate.warnings.append(InputProblem.of(origin.path, origin.line, message, "cloudformation-kubernetes"))

    template = Template(document, path, ctx.variables, bare=template_kind(document) == "bare")
    state_of(ctx.estate.extras).declared.extend(declared_manifests(template, text, ctx.limits, warn))


def finish(ctx: sources.ScanContext) -> None:
    if any(c.source == "cloudformation" for c in ctx.estate.clusters):
        ctx.estate.clusters = merge_stubs(ctx.estate.clusters)


def register() -> None:
    sources.DOCUMENT_READERS.append(("cloudformation", read))
    sources.FINISHERS.append((PRIORITY, finish))
