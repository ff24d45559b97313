"""Helpers for the Kubernetes tests: write manifests into a temporary tree, scan them, pick results."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.findings import Finding
from eksguard.model import Estate
from eksguard.sources import collect

TODAY = dt.date(2026, 11, 22)


class Kube:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return self.root

    def collect(self, *paths: Path | str, config: Config | None = None, **options: Any) -> Estate:
        given = [str(p) for p in paths] or [str(self.root)]
        return collect(given, {}, options={"config": config or Config(), **options})

    def scan(self, *paths: Path | str, config: Config | None = None, **options: Any) -> ScanReport:
        config = config or Config()
        return evaluate(self.collect(*paths, config=config, **options), config, TODAY)

    @staticmethod
    def results(report: ScanReport, rule: str, status: str | None = None) -> list[Finding]:
        return [f for f in report.results if f.rule == rule and (status is None or f.status.value == status)]
