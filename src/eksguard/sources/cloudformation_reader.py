"""Registers the CloudFormation template reader (YAML and JSON) with the file dispatcher.

After all files are read, node group stacks join the cluster of the same name that another template
of the scan defines (eksctl writes one stack per node group).
"""

from __future__ import annotations

from typing import Any

from eksguard import sources
from eksguard.sources.cloudformation import merge_stubs, read_template, template_kind

PRIORITY = 20


def read(documents: list[Any], text: str, path: str, ctx: sources.ScanContext) -> bool:
    templates = [d for d in documents if template_kind(d)]
    if not templates:
        return False
    for document in templates:
        ctx.estate.clusters.extend(read_template(document, path, ctx.variables))
    return True


def finish(ctx: sources.ScanContext) -> None:
    if any(c.source == "cloudformation" for c in ctx.estate.clusters):
        ctx.estate.clusters = merge_stubs(ctx.estate.clusters)


def register() -> None:
    sources.DOCUMENT_READERS.append(("cloudformation", read))
    sources.FINISHERS.append((PRIORITY, finish))
