"""Fixtures for the eksctl command-line source: scan files written into a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from clkit import Scan, ScanFiles, scan_paths


@pytest.fixture
def scan_files(tmp_path: Path) -> ScanFiles:
    """`scan_files({"setup.sh": "...", ...}, variables={})`: write the files (dedented) and scan the folder."""

    def run(files: dict[str, str | bytes], variables: dict[str, str] | None = None) -> Scan:
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return scan_paths(tmp_path, variables=variables)

    return run
