"""Shared helpers of the fix tests: scanning text, comments, flattened data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from eksguard.config import Config
from eksguard.engine import ScanReport
from eksguard.fixes.eksctl import scan_text
from eksguard.sources.loading import Limits, load_yaml_documents

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
TODAY = dt.date(2026, 11, 22)
ADMIN_ROLE = "arn:aws:iam::111122223333:role/eks-admin"


def scan(text: str, path: str = "cluster.yaml") -> ScanReport:
    return scan_text(text, path, {}, Config(), TODAY)


def failing(text: str, path: str = "cluster.yaml") -> set[tuple[str, str]]:
    return {(f.rule, f.target) for f in scan(text, path).failures}


def comments(text: str) -> Counter[str]:
    """Every comment of a YAML text (`# ...` at a line start or after a space)."""
    found: Counter[str] = Counter()
    for line in text.splitlines():
        for index, char in enumerate(line):
            if char == "#" and (index == 0 or line[index - 1] in " \t"):
                found[line[index:].rstrip()] += 1
                break
    return found


def documents(text: str) -> list[Any]:
    return [d for d in load_yaml_documents(text, Limits()) if d is not None]


def flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by dotted path (`vpc.clusterEndpoints.publicAccess`, `managedNodeGroups.0.name`)."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out or {prefix.rstrip("."): {}}
    if isinstance(node, list):
        out = {}
        for index, value in enumerate(node):
            out.update(flatten(value, f"{prefix}{index}."))
        return out or {prefix.rstrip("."): []}
    return {prefix.rstrip("."): node}


def changed_paths(before: str, after: str) -> set[str]:
    """Dotted paths (prefixed by the document index) whose leaf value differs, appeared or disappeared."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for index, doc in enumerate(documents(before)):
        old.update(flatten(doc, f"{index}."))
    for index, doc in enumerate(documents(after)):
        new.update(flatten(doc, f"{index}."))
    return {key for key in old.keys() | new.keys() if old.get(key, "<absent>") != new.get(key, "<absent>")}
