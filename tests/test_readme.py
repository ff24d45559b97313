"""The README's rule table is generated from the registry and must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_readme_rule_table_is_current() -> None:
    spec = importlib.util.spec_from_file_location("gen_readme_rules", REPO / "tools/gen_readme_rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert module.updated(text) == text, "README rule table is stale: run .venv/bin/python tools/gen_readme_rules.py"


def test_readme_has_the_two_setup_commands() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
