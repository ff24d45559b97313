"""What several reporters share: grouping by cluster, severity counts, file URIs, and the
`fix_replacement` convention.

`fix_replacement` (in `Finding.extra`, set by a rule or source that knows the exact edit)
-------------------------------------------------------------------------------------------
A known text replacement that fixes the finding, as one object or a list of objects::

    {"path": "cluster.yaml",   # the file, as in Origin.path
     "line": 7,                # 1-based line where `old` starts
     "old": "publicAccess: true",   # exact text to replace (may span lines with "\\n")
     "new": "publicAccess: false",  # replacement text
     "column": 5}              # optional: 1-based column (in characters) where `old` starts;
                               # default: the first occurrence of `old` on that line

A rule passes it through `fail(..., fix_replacement={...})`. Reporters only present it (SARIF
`fixes`, Markdown and HTML suggested changes, JSON `details`); malformed entries are ignored.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from eksguard.findings import SEVERITY_ORDER, Finding

FIX_KEY = "fix_replacement"
SEVERITIES = sorted(SEVERITY_ORDER, key=lambda s: -SEVERITY_ORDER[s])  # critical first


@dataclass(frozen=True, slots=True)
class FixReplacement:
    path: str
    line: int
    old: str
    new: str
    column: int | None = None


def _one_fix(item: object) -> FixReplacement | None:
    if not isinstance(item, dict):
        return None
    path, line, old, new = item.get("path"), item.get("line"), item.get("old"), item.get("new")
    column = item.get("column")
    if not (isinstance(path, str) and path and isinstance(line, int) and not isinstance(line, bool) and line >= 1
            and isinstance(old, str) and old and isinstance(new, str)):
        return None
    if not (isinstance(column, int) and not isinstance(column, bool) and column >= 1):
        column = None
    return FixReplacement(path, line, old, new, column)


def fix_replacements(finding: Finding) -> list[FixReplacement]:
    """The well-formed `fix_replacement` entries of a finding (none when absent)."""
    raw = finding.extra.get(FIX_KEY)
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [fix for fix in (_one_fix(item) for item in items) if fix is not None]


# compact JSON with the C encoder (`indent` takes json's pure-Python one): the JSON and SARIF reports write
# with it, piece by piece
COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def cluster_of(target: str) -> str:
    """The cluster a target belongs to: `cluster/x/nodegroup/y` -> `cluster/x`; other targets as they are."""
    parts = target.split("/")
    if parts[0] == "cluster" and len(parts) >= 2:
        return "/".join(parts[:2])
    return target


def by_cluster(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings per cluster; clusters with the worst finding first, findings by severity then rule."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(cluster_of(finding.target), []).append(finding)
    for items in groups.values():
        items.sort(key=lambda f: (-f.severity_rank, f.rule, f.target))
    return dict(sorted(groups.items(), key=lambda kv: (-max(f.severity_rank for f in kv[1]), kv[0])))


def severity_counts(findings: Iterable[Finding]) -> list[tuple[str, int]]:
    """(severity, count) for the severities present, critical first."""
    counts = Counter(f.severity for f in findings)
    return [(s, counts[s]) for s in sorted(counts, key=lambda s: -SEVERITY_ORDER.get(s, 0))]


def relative_path(path: str, base: Path | None = None) -> str | None:
    """`path` relative to `base` (default: the working directory) in POSIX form, or None when it is
    outside it (or not a file path: stdin, a live resource)."""
    if not path or path == "-":
        return None
    return _relative(os.path.abspath(path), str(base) if base is not None else os.getcwd())


def _relative(absolute: str, root_text: str) -> str | None:
    root = _resolved(root_text)
    if absolute == root:
        return "."
    prefix = root if root.endswith(os.sep) else root + os.sep
    if not absolute.startswith(prefix):
        return None
    return Path(absolute[len(prefix):]).as_posix()


@lru_cache(maxsize=64)
def _resolved(root_text: str) -> str:
    """Cached by the folder's name: resolving it (symlinks) costs a system call per path part."""
    return str(Path(root_text).resolve())


def file_uri(path: str) -> tuple[str, str | None] | None:
    """(uri, uriBaseId) for a SARIF artifact location: relative to %SRCROOT% (the working directory)
    when the file is under it, else an absolute file URI; None for stdin."""
    if not path or path == "-":
        return None
    return _file_uri(path, os.getcwd())


@lru_cache(maxsize=8192)
def _file_uri(path: str, cwd: str) -> tuple[str, str | None]:
    """Cached by the path and the folder it is relative to (a report names the same files thousands of
    times: 10,000 files, 2.5 of the 6 s SARIF took)."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = _relative(absolute, cwd)
    if relative is not None:
        return quote(relative), "%SRCROOT%"
    return Path(absolute).as_uri(), None
