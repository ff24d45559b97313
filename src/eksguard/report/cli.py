"""`eksguard report merge`: combine JSON reports (e.g. the shards of `eksguard audit --shard K/N`).

Inputs are `--format json` reports (schema version 1, docs/json-schema.md). The merged report has the
same schema: findings, suppressed findings, rule statuses, inputs, errors and notices of every input
(an item that appears in several inputs is kept once), plus `merged_from`. The exit code follows the
same rules as `scan`: 2 when an input could not be read or holds errors, 1 when a finding is at or
above `--fail-on`, else 0.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

SEVERITY_ORDER = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
LIST_KEYS = ("findings", "suppressed", "rule_statuses", "inputs", "errors", "warnings")


class MergeError(Exception):
    """An input that is not an eksguard JSON report; the message names it."""


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MergeError(f"{path}: not readable as JSON ({exc})") from None
    if not isinstance(data, dict) or "schema_version" not in data or "findings" not in data:
        raise MergeError(f"{path}: not an eksguard JSON report (`--format json`)")
    if data["schema_version"] != 1:
        raise MergeError(f"{path}: schema_version {data['schema_version']} is not supported (this eksguard merges 1)")
    return data


def merge_reports(reports: list[dict[str, Any]], names: list[str]) -> dict[str, Any]:
    merged: dict[str, Any] = {"schema_version": 1, "tool": reports[0].get("tool") if reports else {}}
    for key in LIST_KEYS:
        seen: set[str] = set()
        items: list[Any] = []
        for report in reports:
            for item in report.get(key) or []:
                identity = json.dumps(item, sort_keys=True, ensure_ascii=False)
                if identity not in seen:
                    seen.add(identity)
                    items.append(item)
        merged[key] = items
    for key in ("findings", "suppressed"):
        merged[key].sort(key=lambda f: (-SEVERITY_ORDER.get(str(f.get("severity")), 0), str(f.get("target")),
                                        str(f.get("rule"))))
    merged["notices"] = list(dict.fromkeys(n for r in reports for n in r.get("notices") or []))
    cluster_notes: dict[str, dict[str, None]] = {}
    for report in reports:
        for target, notes in (report.get("cluster_notes") or {}).items():
            cluster_notes.setdefault(target, {}).update(dict.fromkeys(notes))
    merged["cluster_notes"] = {target: list(notes) for target, notes in sorted(cluster_notes.items())}
    merged["merged_from"] = names
    return merged


def summary(merged: dict[str, Any], fail_on: str) -> str:
    counts = Counter(str(f.get("severity")) for f in merged["findings"])
    threshold = SEVERITY_ORDER[fail_on]
    at_or_above = sum(1 for f in merged["findings"] if SEVERITY_ORDER.get(str(f.get("severity")), 0) >= threshold)
    by_severity = ", ".join(f"{s} {counts[s]}" for s in sorted(counts, key=lambda s: -SEVERITY_ORDER.get(s, 0)))
    clusters = {str(f.get("target", "")).split("/")[1] for f in merged["rule_statuses"]
                if str(f.get("target", "")).startswith("cluster/") and "/" in str(f.get("target"))}
    return (f"{len(merged['merged_from'])} report(s) merged: {at_or_above} finding(s) at or above {fail_on} of "
            f"{len(merged['findings'])}" + (f" ({by_severity})" if by_severity else "")
            + f", {len(clusters)} cluster(s), {len(merged['errors'])} error(s)\n")


@click.group("report")
def report_group() -> None:
    """Work with eksguard reports."""


@report_group.command("merge")
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the merged report to a file.")
@click.option("--format", "output_format", type=click.Choice(["json", "text"]), default="json", show_default=True,
              help="json: the merged report; text: a one-line summary.")
@click.option("--fail-on", type=click.Choice(list(SEVERITY_ORDER)[::-1]), default="high", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
def merge_command(reports: tuple[str, ...], output: str | None, output_format: str, fail_on: str) -> None:
    """Combine JSON reports (for example the shards of `eksguard audit --shard K/N`) into one."""
    loaded: list[dict[str, Any]] = []
    for name in reports:
        try:
            loaded.append(_load(Path(name)))
        except MergeError as exc:
            click.echo(f"eksguard report merge: {exc}", err=True)
            sys.exit(2)
    merged = merge_reports(loaded, list(reports))
    text = json.dumps(merged, ensure_ascii=False, indent=2) + "\n" if output_format == "json" else \
        summary(merged, fail_on)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        if output_format == "json":
            click.echo(summary(merged, fail_on), err=True, nl=False)
    else:
        click.echo(text, nl=False)
    if merged["errors"]:
        sys.exit(2)
    threshold = SEVERITY_ORDER[fail_on]
    sys.exit(1 if any(SEVERITY_ORDER.get(str(f.get("severity")), 0) >= threshold for f in merged["findings"]) else 0)
