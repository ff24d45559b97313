"""An eksguard snapshot as a `scan` input: `eksguard scan estate.json` audits it offline, like
`eksguard audit --from-snapshot estate.json` (for plain `.json` snapshots; `scan` does not read `.gz`).

This is what lets the live-only rules (EKS410, EKS603, EKS604) have data-driven cases in tests/rules/
like every other rule. It needs no boto3 or Kubernetes client: a snapshot is replayed, never called.
To enable it, `src/eksguard/sources/snapshot_reader.py` holds one line:

    from eksguard.live.snapshot_source import PRIORITY, register  # noqa: F401
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from eksguard.model import InputProblem

PRIORITY = 5  # before every other reader: a snapshot is JSON no other source understands
SNAPSHOT_FORMAT = "eksguard-snapshot"  # kept here (not in live.api) so `scan` needs no live imports


def is_snapshot(document: Any) -> bool:
    return isinstance(document, Mapping) and document.get("format") == SNAPSHOT_FORMAT


def read(documents: list[Any], text: str, path: str, ctx: Any) -> bool:
    if len(documents) != 1 or not is_snapshot(documents[0]):
        return False
    from eksguard.live.api import SnapshotError, recording_from
    from eksguard.live.audit import AuditError, AuditOptions, Auditor, merged_windows

    try:
        recording = recording_from(json.loads(json.dumps(documents[0])), path)  # plain dicts, no line marks
        result = Auditor(AuditOptions(snapshot=recording, progress=False)).run()
    except (SnapshotError, AuditError) as exc:
        ctx.estate.problems.append(InputProblem(path, None, str(exc)))
        return True
    estate = ctx.estate
    estate.clusters.extend(result.estate.clusters)
    estate.kube_scopes.extend(result.estate.kube_scopes)
    estate.problems.extend(InputProblem(path, None, p.message, ja=p.ja) for p in result.estate.problems)
    estate.warnings.extend(InputProblem(path, None, notice, kind="live-gap") for notice in result.notices())
    config = ctx.options.get("config")
    if result.support_windows and config is not None and hasattr(config, "raw"):
        config.raw["_support_windows"] = merged_windows(result.support_windows)
    return True


def register() -> None:
    from eksguard import sources

    sources.DOCUMENT_READERS.append(("snapshot", read))
