"""The audit log: one JSON line per mutating command the guard allowed or refused.

Path: `$EKSGUARD_AUDIT_LOG`, else `$XDG_STATE_HOME/eksguard/audit.jsonl`
(`~/.local/state/eksguard/audit.jsonl`). The file is created readable by its owner only.

Fields: `time` (UTC, ISO 8601), `user`, `host`, `context`, `cluster_arn`, `cluster`, `account`,
`region`, `environment`, `argv` (with credentials replaced by `[REDACTED]`), `decision`
(`allowed` / `refused`), `reason`, `rules` (EKS601, EKS602 ...), `aws_identity` when known.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import socket
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REDACTED = "[REDACTED]"

# Flags whose value is a credential (`--token=x`, `--token x`).
_SECRET_FLAG = re.compile(
    r"^--?(?:[\w-]*(?:token|password|passwd|secret|credential|api-?key|private-key)[\w-]*|client-key|key)$",
    re.IGNORECASE,
)
# `--from-literal=KEY=VALUE` (create secret / configmap): the value may be a secret.
_LITERAL_FLAGS = ("--from-literal",)
_PATTERNS = [
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]*)?"),  # JWT
    re.compile(r"\bk8s-aws-v1\.[A-Za-z0-9_-]+"),  # EKS token
    re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),  # AWS access key id
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL),
    re.compile(r"(?<=://)[^/@\s:]+:[^/@\s]+(?=@)"),  # user:password@ in URLs
]
_KEY_VALUE = re.compile(
    r"""(?ix)
    (["']?[\w.-]*(?:token|password|passwd|secret|credential|api[_-]?key|access[_-]?key|private[_-]?key)[\w.-]*["']?
    \s*[:=]\s*)
    ("[^"]*"|'[^']*'|[^\s,}&]+)
    """
)


def redact_text(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: REDACTED if not m.group(0).lower().startswith(("bearer", "basic"))
                           else m.group(0).split()[0] + " " + REDACTED, text)
    return _KEY_VALUE.sub(lambda m: m.group(1) + REDACTED, text)


def redact_argv(argv: Sequence[str]) -> list[str]:
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append(REDACTED)
            hide_next = False
            continue
        name, eq, value = arg.partition("=")
        if arg.startswith("-") and _SECRET_FLAG.match(name):
            if eq:
                out.append(f"{name}={REDACTED}")
            else:
                out.append(arg)
                hide_next = True
            continue
        if name in _LITERAL_FLAGS:
            key, sep, _ = value.partition("=")
            out.append(f"{name}={key}={REDACTED}" if eq and sep else (f"{name}={REDACTED}" if eq else arg))
            hide_next = not eq
            continue
        out.append(redact_text(arg))
    return out


def audit_log_path(environ: Mapping[str, str], home: Path) -> Path:
    explicit = environ.get("EKSGUARD_AUDIT_LOG")
    if explicit:
        return Path(explicit).expanduser()
    state = environ.get("XDG_STATE_HOME") or str(home / ".local" / "state")
    return Path(state) / "eksguard" / "audit.jsonl"


def current_user(environ: Mapping[str, str]) -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return environ.get("USER") or str(os.getuid())


def build_record(*, now: dt.datetime, environ: Mapping[str, str], argv: Sequence[str], decision: str,
                 reason: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "time": now.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "user": current_user(environ),
        "host": socket.gethostname(),
    }
    record.update(fields)
    record["argv"] = redact_argv(argv)
    record["decision"] = decision
    record["reason"] = redact_text(reason)
    return record


def append(path: Path, record: Mapping[str, Any]) -> None:
    """Append one line; O_APPEND keeps concurrent writers' lines whole."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
