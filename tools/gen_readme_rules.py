"""Rewrite the rule table in README.md from the registry: `python tools/gen_readme_rules.py`."""

from __future__ import annotations

import re
from pathlib import Path

from eksguard.report.catalog import render_catalog

README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = re.compile(r"(<!-- rules:start[^>]*-->\n)(.*?)(<!-- rules:end -->)", re.DOTALL)


def updated(text: str) -> str:
    return SECTION.sub(lambda m: m.group(1) + render_catalog("md", "en") + m.group(3), text)


def main() -> None:
    README.write_text(updated(README.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
