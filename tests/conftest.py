"""Shared test fixtures.

`shared_root` is the one way tests find `../shared` (corpora, conformance fixtures). Where it is
absent (a user's own clone) those tests skip with the reason; with EKSGUARD_REQUIRE_SHARED=1
(as `.ci/run` sets) the absence is a failure instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _find_shared() -> Path | None:
    configured = os.environ.get("EKSGUARD_SHARED_DIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(REPO_ROOT.parent / "shared")
    for candidate in candidates:
        if (candidate / "corpus").is_dir() and (candidate / "conformance").is_dir():
            return candidate
    return None


@pytest.fixture(scope="session")
def shared_root() -> Path:
    found = _find_shared()
    if found is None:
        reason = "../shared (corpora and conformance fixtures) is not next to this checkout"
        if os.environ.get("EKSGUARD_REQUIRE_SHARED") == "1":
            pytest.fail(f"EKSGUARD_REQUIRE_SHARED=1 but {reason}")
        pytest.skip(reason)
    return found
