"""docs/rules/ is generated from the registry (English and Japanese) and must be current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from reportkit import REPO

from eksguard.rules import all_rules

DOCS = REPO / "docs" / "rules"
REGENERATE = "docs/rules/ is stale: run: .venv/bin/python tools/gen_rule_docs.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", REPO / "tools" / "gen_rule_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rule_docs_are_current(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "tools" / "gen_rule_docs.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    expected = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.md")}
    actual = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")} if DOCS.is_dir() else {}
    missing = sorted(set(expected) - set(actual))
    stale = sorted(set(actual) - set(expected))
    changed = sorted(name for name in set(expected) & set(actual) if expected[name] != actual[name])
    assert not (missing or stale or changed), f"{REGENERATE} (missing {missing}, stale {stale}, changed {changed})"


def test_every_rule_has_a_page_in_both_languages() -> None:
    pages = generator().expected_files()
    for rule in all_rules():
        page = pages[f"{rule.id}.md"]
        assert rule.help_uri.endswith(f"/docs/rules/{rule.id}.md")
        assert page.index("## English") < page.index('<a id="ja"></a>') < page.index("## 日本語")
        english, japanese = page.split('<a id="ja"></a>')
        for text in (rule.title, rule.risk, rule.fix, *([rule.dont] if rule.dont else [])):
            assert text.en in english and text.ja in japanese, rule.id
        assert f"# eksguard:ignore {rule.id}" in english and f"eksguard explain {rule.id} --lang ja" in japanese
    assert f"[{all_rules()[0].id}]({all_rules()[0].id}.md)" in pages["README.md"]


def test_generator_removes_pages_of_rules_that_are_gone(tmp_path: Path) -> None:
    (tmp_path / "EKS000.md").write_text("old")
    (tmp_path / "notes.md").write_text("kept")
    generator().generate(tmp_path)
    assert not (tmp_path / "EKS000.md").exists() and (tmp_path / "notes.md").exists()
    assert {p.name for p in tmp_path.glob("EKS*.md")} == {f"{r.id}.md" for r in all_rules()}
