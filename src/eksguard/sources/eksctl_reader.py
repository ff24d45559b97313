"""Registers the eksctl ClusterConfig reader with the file dispatcher."""

from __future__ import annotations

from typing import Any

from eksguard import sources
from eksguard.sources.eksctl import is_cluster_config, read_cluster_config

PRIORITY = 10


def read(documents: list[Any], text: str, path: str, ctx: sources.ScanContext) -> bool:
    configs = [d for d in documents if is_cluster_config(d)]
    if not configs:
        return False
    for document in configs:
        ctx.estate.clusters.append(read_cluster_config(document, path, ctx.variables))
    return True


def register() -> None:
    sources.DOCUMENT_READERS.append(("eksctl", read))
