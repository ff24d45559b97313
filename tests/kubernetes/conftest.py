"""The `kube` fixture: write manifests into a temporary tree, scan them, pick results (kubekit.Kube)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubekit import Kube


@pytest.fixture
def kube(tmp_path: Path) -> Kube:
    return Kube(tmp_path)
