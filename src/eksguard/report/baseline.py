"""Baselines: accept today's findings, report only new ones.

`eksguard scan . --baseline-create .eksguard-baseline.json` records a fingerprint of every
current (unsuppressed) finding; `eksguard scan . --baseline .eksguard-baseline.json` then marks
findings whose fingerprint is in the file as suppressed ("already in the baseline"), so only new
findings count for the exit code and the reports.

A fingerprint must survive edits that do not change the mistake (lines added above it, a node
group inserted before another): it hashes the rule, the target, the file path (relative to the
baseline file's folder, so the working directory does not matter), the document pointer with list
indices removed, the live resource and the observed value, and never the line or the message.
Equal fingerprints are counted: two identical findings in the baseline accept two, not three.

The CLI calls `create_baseline` / `apply_baseline`; reporters never filter.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from eksguard.engine import ScanReport
from eksguard.findings import Finding, Status
from eksguard.i18n import message
from eksguard.report.common import relative_path

BASELINE_VERSION = 1
FINGERPRINT_KEY = "eksguard/v1"  # also SARIF partialFingerprints
_INDEX = re.compile(r"\[\d+\]|(?<=\.)\d+(?=\.|$)")
_DIGIT = re.compile(r"\d").search


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline; the message says why (localized)."""


def _path_key(path: str, base: Path | None) -> str:
    if not path or path == "-":
        return path
    cwd = os.getcwd()
    return _relative_key(path, str(base) if base is not None else cwd, cwd)


@lru_cache(maxsize=8192)
def _relative_key(path: str, root: str, cwd: str) -> str:
    """Cached by everything it depends on (the folders too, so never stale): a report names the same
    files thousands of times."""
    absolute = os.path.join(cwd, path) if not os.path.isabs(path) else path
    absolute = os.path.normpath(absolute)
    relative = relative_path(absolute, Path(root))
    return relative if relative is not None else Path(absolute).as_posix()


# with the "[" + ", ".join(...) + "]" around it, exactly `json.dumps(parts, ensure_ascii=False)` for a
# list of strings (the recipe baseline files were written with), without an encoder per call
_json_string = json.encoder.encode_basestring


def fingerprint(finding: Finding, base: Path | None = None) -> str:
    """A stable identity of a finding; `base` is the folder paths are taken relative to (default: cwd)."""
    origin = finding.origin
    pointer = origin.pointer if origin else ""
    parts = [
        finding.rule,
        finding.target,
        _path_key(origin.path, base) if origin else "",
        _INDEX.sub("[]", pointer) if _DIGIT(pointer) else pointer,
        (origin.resource or "") if origin else "",
        finding.observed or "",
    ]
    encoded = "[" + ", ".join(map(_json_string, parts)) + "]"
    digest = hashlib.sha256(encoded.encode("utf-8")).hexdigest()
    return digest[:32]


def _baselined(report: ScanReport) -> list[Finding]:
    return [f for f in report.results if f.status is Status.FAIL and not f.suppressed]


def baseline_document(report: ScanReport, base: Path) -> dict[str, Any]:
    """The baseline file's content: deterministic (sorted, no dates, no lines) so it diffs well."""
    entries = []
    for finding in _baselined(report):
        origin = finding.origin
        entries.append({
            "fingerprint": fingerprint(finding, base),
            "rule": finding.rule,
            "target": finding.target,
            "path": _path_key(origin.path, base) if origin else None,
            "pointer": (origin.pointer or None) if origin else None,
        })
    entries.sort(key=lambda e: (e["rule"], e["target"], e["path"] or "", e["fingerprint"]))
    return {"eksguard_baseline": BASELINE_VERSION, "findings": entries}


def create_baseline(report: ScanReport, path: Path) -> int:
    """Write every current finding of `report` to `path`; return how many."""
    document = baseline_document(report, path.resolve().parent)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(document["findings"])


def load_baseline(path: Path, lang: str) -> Counter[str]:
    """Fingerprint -> how many findings with it the baseline accepts."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(message("baseline_unreadable", lang, path=path, error=exc.strerror or exc)) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BaselineError(message("baseline_unreadable", lang, path=path,
                                    error=message("baseline_invalid", lang))) from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if (not isinstance(document, dict) or document.get("eksguard_baseline") != BASELINE_VERSION
            or not isinstance(entries, list)
            or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries)):
        raise BaselineError(message("baseline_unreadable", lang, path=path, error=message("baseline_invalid", lang)))
    return Counter(e["fingerprint"] for e in entries)


def apply_baseline(report: ScanReport, path: Path, lang: str) -> ScanReport:
    """A copy of `report` in which findings recorded in the baseline at `path` are suppressed."""
    accepted = load_baseline(path, lang)
    base = path.resolve().parent
    reason = message("baseline_reason", lang, path=path)
    results: list[Finding] = []
    matched = 0
    for finding in report.results:
        if finding.status is Status.FAIL and not finding.suppressed:
            key = fingerprint(finding, base)
            if accepted[key] > 0:
                accepted[key] -= 1
                matched += 1
                finding = dataclasses.replace(finding, suppressed=reason)
        results.append(finding)
    notices = [*report.notices, message("baseline_applied", lang, count=matched, path=path)]
    return dataclasses.replace(report, results=results, notices=notices)
