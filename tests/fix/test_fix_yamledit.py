"""The minimal-edit engine: only the edited lines change, whatever the file's layout."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from fixhelpers import comments
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eksguard.fixes.yamledit import EditError, guess_layout, minimal_edit, transplant, unified_diff


def set_key(path: tuple[str, ...], key: str, value: Any) -> Any:
    def edit(docs: list[Any]) -> None:
        node = docs[0]
        for part in path:
            node = node[part]
        node[key] = value

    return edit


def test_guess_layout() -> None:
    assert guess_layout("a:\n  b: 1\n  c:\n  - x\n") == (2, 2, 0)
    assert guess_layout("a:\n  b: 1\n  c:\n    - x\n") == (2, 4, 2)
    assert guess_layout("a:\n    b: 1\n    c:\n        - x\n") == (4, 6, 4)


def test_reformatting_elsewhere_never_leaks_into_the_result() -> None:
    # ruamel would re-indent the 4-space block, drop the comment before `---`, and compact the flow list
    text = ("# header comment\n---\nmetadata:\n    name: x   # keep\nlist: [ {a: 1} ]\nvpc:\n  cidr: 10.0.0.0/16\n"
            "  # closing comment\n")
    edit, _ = minimal_edit(text, set_key(("vpc",), "extra", True))
    assert edit.changed
    assert edit.text == text + "  extra: true\n"


def test_insertion_lands_before_the_blank_line_that_ends_its_block() -> None:
    text = "a:\n  b: 1\n\nc:\n  d: 2\n"
    edit, _ = minimal_edit(text, set_key(("a",), "e", 3))
    assert edit.text == "a:\n  b: 1\n  e: 3\n\nc:\n  d: 2\n"


def test_no_change_returns_the_text_as_is() -> None:
    text = "a: 1   # odd   spacing\n"
    edit, _ = minimal_edit(text, lambda docs: None)
    assert not edit.changed and edit.text == text


def test_unparsable_text_raises() -> None:
    with pytest.raises(EditError):
        minimal_edit("a: [1, 2\n", lambda docs: None)


def test_transplant_refuses_what_it_cannot_place() -> None:
    # B and C differ in a line A does not have at all, with no anchor on either side
    assert transplant("x: 1\n", "y: 1\n", "y: 2\n") in (None, "y: 2\n")


def test_unified_diff_marks_a_missing_final_newline() -> None:
    diff = unified_diff("f.yaml", "a: 1", "a: 2")
    assert diff.startswith("--- a/f.yaml\n+++ b/f.yaml\n")
    assert "\\ No newline at end of file" in diff


KEYS = st.sampled_from(["alpha", "beta", "gamma", "delta", "name", "vpc", "ssh", "allow"])
SCALARS = st.one_of(st.booleans(), st.integers(-5, 500), st.sampled_from(["x", "API", "10.0.0.0/16", "a b"]))
TREES = st.recursive(SCALARS, lambda children: st.one_of(
    st.dictionaries(KEYS, children, min_size=1, max_size=4),
    st.lists(st.dictionaries(KEYS, children, min_size=1, max_size=3), min_size=1, max_size=3)), max_leaves=12)
DOCS = st.dictionaries(KEYS, TREES, min_size=1, max_size=5)


def _mapping_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if isinstance(node, dict) else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _mapping_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _mapping_paths(value, (*prefix, index))
    return found


def _with_comments(text: str, every: int) -> str:
    out = []
    for number, line in enumerate(text.splitlines()):
        if every and number % every == 0 and not line.rstrip().endswith("|"):
            out.append(f"{line}  # note {number}")
        else:
            out.append(line)
    return "# top\n" + "\n".join(out) + "\n"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=DOCS, indent=st.sampled_from([2, 4]), every=st.integers(0, 3), choice=st.integers(0, 1000),
       value=SCALARS)
def test_property_edit_is_exact_and_keeps_comments(doc: dict[str, Any], indent: int, every: int, choice: int,
                                                     value: Any) -> None:
    text = _with_comments(yaml.safe_dump(doc, indent=indent, sort_keys=False, default_flow_style=False), every)
    paths = _mapping_paths(doc)
    path = paths[choice % len(paths)]
    expected = yaml.safe_load(yaml.safe_dump(doc))
    node = expected
    for part in path:
        node = node[part]
    node["zeta"] = value

    def edit(docs: list[Any]) -> None:
        target = docs[0]
        for part in path:
            target = target[part]
        target["zeta"] = value

    result, _ = minimal_edit(text, edit)
    assert yaml.safe_load(result.text) == expected
    assert not comments(text) - comments(result.text)
    # every original line is still there, in order (the edit only inserts)
    original_lines = text.splitlines()
    kept = iter(result.text.splitlines())
    assert all(any(line == other for other in kept) for line in original_lines)
