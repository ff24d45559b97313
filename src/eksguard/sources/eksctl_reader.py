"""Registers the eksctl ClusterConfig reader with the file dispatcher."""

from __future__ import annotations

from typing import Any

from eksguard import sources
from eksguard.model import InputProblem
from eksguard.sources.eksctl import is_cluster_config, read_cluster_config, refusals

PRIORITY = 10


def read(documents: list[Any], text: str, path: str, ctx: sources.ScanContext) -> bool:
    configs = [d for d in documents if is_cluster_config(d)]
    if not configs:
        return False
    for document in configs:
        cluster = read_cluster_config(document, path, ctx.variables)
        ctx.estate.clusters.append(cluster)
        version = cluster.version.value if cluster.version is not None and cluster.version.known else None
        for origin, why in refusals(document, path, ctx.variables, version):
            # a warning, not an error: the file reads and is checked, and `eksguard fix` still fixes it
            ctx.estate.warnings.append(InputProblem.of(path, origin.line, why, "rejected-config"))
    return True


def register() -> None:
    sources.DOCUMENT_READERS.append(("eksctl", read))
