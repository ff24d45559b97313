"""Where the guard keeps things, and the last context it saw.

- cache: `$XDG_CACHE_HOME/eksguard` (`~/.cache/eksguard`): client and server versions;
- state: `$XDG_STATE_HOME/eksguard` (`~/.local/state/eksguard`): `last-context.json`, the current
  context of each kubeconfig set when the last guarded command ran, so that a silent switch (for
  example by `eksctl create cluster`) is pointed out before the next command.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def cache_dir(environ: Mapping[str, str], home: Path) -> Path:
    return Path(environ.get("XDG_CACHE_HOME") or home / ".cache") / "eksguard"


def state_dir(environ: Mapping[str, str], home: Path) -> Path:
    return Path(environ.get("XDG_STATE_HOME") or home / ".local" / "state") / "eksguard"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def last_context(directory: Path, kubeconfig_key: str) -> str | None:
    entry = _read(directory / "last-context.json").get(kubeconfig_key)
    if isinstance(entry, dict) and isinstance(entry.get("context"), str):
        return str(entry["context"])
    return None


def remember_context(directory: Path, kubeconfig_key: str, context: str | None, now: float) -> None:
    path = directory / "last-context.json"
    data = _read(path)
    if context is None:
        data.pop(kubeconfig_key, None)
    else:
        data[kubeconfig_key] = {"context": context, "time": now}
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".last-context.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)
    except OSError:
        pass  # the warning is a convenience; never fail a command over it
