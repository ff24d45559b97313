"""Limits and odd trees: many documents, symlink loops, broken links, .gitignore'd folders."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from eksguard.sources import collect
from eksguard.sources.loading import InputError, Limits, _check_nesting

CLUSTER = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-east-1}\n"


def test_too_many_documents(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("---\na: 1\n" * 30)
    estate = collect([str(path)], {}, Limits(max_documents=20))
    assert [(p.kind, p.message) for p in estate.problems] == [("limit", "more than 20 YAML documents")]


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "cluster.yaml").write_text(CLUSTER)
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    estate = collect([str(tmp_path)], {})
    assert [c.name for c in estate.clusters] == ["c"]
    assert estate.problems == []


def test_broken_link_named_on_the_command_line_is_one_line(tmp_path: Path) -> None:
    os.symlink(tmp_path / "missing.yaml", tmp_path / "broken.yaml")
    estate = collect([str(tmp_path / "broken.yaml")], {})
    assert len(estate.problems) == 1
    assert estate.problems[0].display().startswith(f"{tmp_path / 'broken.yaml'}: ")


def test_unreadable_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"  # a directory where a file is expected, named explicitly
    folder.mkdir()
    (folder / "inner.yaml").write_text(CLUSTER)
    estate = collect([str(folder)], {})
    assert [c.name for c in estate.clusters] == ["c"]  # a directory is walked, not an error


def test_gitignored_folders_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("generated/\n*.tmp.yaml\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "cluster.yaml").write_text(CLUSTER)
    (tmp_path / "scratch.tmp.yaml").write_text(CLUSTER)
    (tmp_path / "real.yaml").write_text(CLUSTER.replace("name: c", "name: real"))
    estate = collect([str(tmp_path)], {})
    assert [c.name for c in estate.clusters] == ["real"]


def _deepest(text: str) -> int:
    """The bracket depth as the limit counts it: any opener nests, any closer closes, never below zero."""
    depth = deepest = 0
    for char in text:
        depth = depth + 1 if char in "[{" else max(0, depth - 1) if char in "]}" else depth
        deepest = max(deepest, depth)
    return deepest


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="[]{}a\n", max_size=80), st.integers(min_value=1, max_value=8))
def test_the_fast_nesting_check_refuses_exactly_the_too_deep_texts(text: str, limit: int) -> None:
    limits = dataclasses.replace(Limits(), max_depth=limit)
    try:
        _check_nesting(text, limits)
        refused = False
    except InputError:
        refused = True
    assert refused == (_deepest(text) > limit)
