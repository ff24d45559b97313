"""Fixtures for the reporter tests: in-process scans, the examples, and a headless Chromium."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from reportkit import REPO, Scan, find_chromium, scan_paths


@pytest.fixture()
def scan() -> Scan:
    return scan_paths


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The repository's examples (the two article-000 mistakes and a hardened cluster), else skip."""
    examples = REPO / "examples"
    if not any(examples.glob("*.yaml")):
        pytest.skip("examples/ is empty in this checkout")
    return examples


@pytest.fixture(scope="session")
def eksctl_corpus(shared_root: Path) -> Path:
    return shared_root / "corpus" / "eksctl-examples"


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A headless-capable Chromium: installed with `apt-get install -y chromium` when missing and we are
    root; otherwise the test is skipped with the reason."""
    found = find_chromium()
    if found:
        return found
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("chromium is not installed and cannot be installed here (needs root and apt-get); "
                    "install the Debian package `chromium` to run the HTML browser test")
    lock_path = Path(os.environ.get("TMPDIR", "/tmp")) / "eksguard-chromium-install.lock"
    with open(lock_path, "w") as lock:  # pytest-xdist workers install one at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = find_chromium()
        if found:
            return found
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        log = tmp_path_factory.mktemp("apt") / "apt.log"
        with open(log, "w") as out:
            install = ["apt-get", "install", "-y", "chromium"]
            if subprocess.run(install, stdout=out, stderr=subprocess.STDOUT, env=env, timeout=1800).returncode:
                # stale package lists on a fresh machine: refresh them once and retry
                subprocess.run(["apt-get", "update"], stdout=out, stderr=subprocess.STDOUT, env=env, timeout=900)
                subprocess.run(install, stdout=out, stderr=subprocess.STDOUT, env=env, timeout=1800)
        found = find_chromium()
        if not found:
            tail = log.read_text(errors="replace")[-800:]
            pytest.skip(f"chromium could not be installed with `apt-get install -y chromium`:\n{tail}")
        return found
