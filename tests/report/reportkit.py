"""Helpers for the reporter tests: scanning in-process, the CLI, and a headless Chromium."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.sources import collect

REPO = Path(__file__).resolve().parent.parent.parent
SCHEMA = Path(__file__).resolve().parent / "sarif-schema-2.1.0.json"
ARTIFACTS = REPO / "test-artifacts"
TODAY = dt.date(2026, 11, 22)
Scan = Callable[..., ScanReport]
LOCALE_VARIABLES = ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "EKSGUARD_LANG")


def scan_paths(paths: Iterable[str | Path], config: Config | None = None) -> ScanReport:
    """Sources → engine, as `eksguard scan` does, on a fixed day."""
    estate = collect([str(p) for p in paths], {})
    return evaluate(estate, config or Config(), TODAY)


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m eksguard ...` with no locale variables but those in `env`."""
    base = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    return subprocess.run([sys.executable, "-m", "eksguard", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**base, **(env or {})})


CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--no-pings", "--metrics-recording-only", "--mute-audio",
    # nothing may leave 127.0.0.1: every host name fails to resolve, any proxied request goes to a closed port
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=180)
