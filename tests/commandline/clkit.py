"""Helpers for the eksctl command-line source tests: scan paths and look at the findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.findings import Finding, Status
from eksguard.model import Cluster, Estate
from eksguard.sources import collect

TODAY = dt.date(2026, 11, 22)
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Scan:
    estate: Estate
    report: ScanReport

    def failing(self, rule: str) -> list[Finding]:
        return [f for f in self.report.failures if f.rule == rule]

    def results(self, rule: str, status: Status | None = None) -> list[Finding]:
        return [f for f in self.report.results if f.rule == rule and (status is None or f.status is status)]

    def cluster(self, name: str) -> Cluster:
        found = [c for c in self.estate.clusters if c.name == name]
        assert len(found) == 1, [c.name for c in self.estate.clusters]
        return found[0]

    def warnings(self, kind: str = "warning") -> list[str]:
        return [w.display() for w in self.estate.warnings if w.kind == kind]


def scan_paths(*paths: Path | str, variables: dict[str, str] | None = None) -> Scan:
    estate = collect([str(p) for p in paths], variables or {})
    return Scan(estate, evaluate(estate, Config(), TODAY))


# the `scan_files` fixture (conftest.py): write files into a temporary folder and scan it
ScanFiles = Callable[..., Scan]
