"""Reporters: they render a ScanReport; they never decide anything."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

# format -> module with `render(report, lang=..., fail_on=..., colour=...)`
RENDERERS = {
    "text": "eksguard.report.text",
    "json": "eksguard.report.jsonout",
    "sarif": "eksguard.report.sarif",
    "junit": "eksguard.report.junit",
    "markdown": "eksguard.report.markdown",
    "html": "eksguard.report.html",
}
# the formats that present suggested fixes (`fix_snippet`, `fix_replacement`); for the others the
# CLI does not compute them
SHOWS_FIXES = frozenset({"json", "sarif", "markdown", "html"})
# the formats that read the clusters' model (HTML draws the security-group maps from it); for the
# others `scan` drops each cluster's model once its rules ran
NEEDS_MODEL = frozenset({"html"})


def render(report: Any, output_format: str, *, lang: str, fail_on: str, colour: bool) -> str:
    module = importlib.import_module(RENDERERS[output_format])
    result: str = module.render(report, lang=lang, fail_on=fail_on, colour=colour)
    return result


def render_chunks(report: Any, output_format: str, *, lang: str, fail_on: str, colour: bool) -> Iterator[str]:
    """The report in pieces, for writing as it is made: reporters with a `chunks` function stream
    (JSON: one finding at a time), the others give their whole text."""
    module = importlib.import_module(RENDERERS[output_format])
    if hasattr(module, "chunks"):
        yield from module.chunks(report, lang=lang, fail_on=fail_on, colour=colour)
    else:
        yield module.render(report, lang=lang, fail_on=fail_on, colour=colour)
