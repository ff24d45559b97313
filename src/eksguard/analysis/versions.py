"""EKS Kubernetes version support windows (eks-domain.md §7), from a bundled dated table.

A live audit replaces the table with DescribeClusterVersions (`support_windows` argument).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)")


DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True, slots=True)
class SupportWindow:
    version: str
    end_of_standard: dt.date
    end_of_extended: dt.date


@cache
def bundled_table() -> tuple[str, dict[str, SupportWindow]]:
    data: dict[str, Any] = json.loads((DATA / "eks_versions.json").read_text(encoding="utf-8"))
    windows = {
        version: SupportWindow(version, dt.date.fromisoformat(row["end_of_standard"]),
                               dt.date.fromisoformat(row["end_of_extended"]))
        for version, row in data["versions"].items()
    }
    return data["snapshot_date"], windows


def minor_of(version: str) -> tuple[int, int] | None:
    match = _VERSION.match(version)
    return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True, slots=True)
class SupportStatus:
    phase: str  # "past-extended", "past-standard", "standard-ending", "standard", "unknown"
    window: SupportWindow | None
    days_left: int | None = None


def support_status(version: str, today: dt.date, warning_days: int = 90,
                   windows: dict[str, SupportWindow] | None = None) -> SupportStatus:
    table = windows if windows is not None else bundled_table()[1]
    parsed = minor_of(version)
    if parsed is None:
        return SupportStatus("unknown", None)
    key = f"{parsed[0]}.{parsed[1]}"
    window = table.get(key)
    if window is None:
        oldest = min((m for m in map(minor_of, table) if m is not None), default=None)
        if oldest is not None and parsed < oldest:
            return SupportStatus("past-extended", None)
        return SupportStatus("unknown", None)
    if today > window.end_of_extended:
        return SupportStatus("past-extended", window)
    if today > window.end_of_standard:
        return SupportStatus("past-standard", window, (window.end_of_extended - today).days)
    days = (window.end_of_standard - today).days
    return SupportStatus("standard-ending" if days <= warning_days else "standard", window, days)
