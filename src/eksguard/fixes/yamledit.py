"""Minimal, comment-preserving YAML edits.

ruamel.yaml's round trip keeps comments and key order, but it still re-emits the whole file
(indentation, comments before `---`, flow-style spacing). So an edit is made on the round-trip
data and only the lines that the edit changed are carried over into the original text:

1. load the original (A) with ruamel, dump it unchanged (B), apply the edit, dump again (C);
2. the B→C difference is exactly the edit; lines of B that equal lines of A anchor where it goes;
3. the result is A with those hunks applied, accepted only if it parses to the same data as C.

Every other byte of the file stays as it was. When no indentation setting gives a verifiable
result, the edit is refused (never a reformatted file).
"""

from __future__ import annotations

import difflib
import io
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from eksguard.sources.loading import InputError, Limits, load_yaml_documents

T = TypeVar("T")

# (mapping indent, sequence indent, dash offset): the layouts ruamel can emit
_LAYOUTS = ((2, 2, 0), (2, 4, 2), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 3, 1), (4, 5, 3))


class EditError(Exception):
    """The file could not be edited minimally (or not parsed by the round-trip parser)."""


def guess_layout(text: str) -> tuple[int, int, int]:
    """The indentation a file mostly uses, as ruamel's (mapping, sequence, offset)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    mappings: Counter[int] = Counter()
    offsets: Counter[int] = Counter()
    for first, second in itertools.pairwise(lines):
        stripped = first.strip()
        if not stripped.endswith(":"):
            continue
        indent = len(first) - len(first.lstrip())
        if stripped.startswith("- "):
            rest = stripped[2:]
            indent += 2 + len(rest) - len(rest.lstrip())
        child = len(second) - len(second.lstrip())
        if second.lstrip().startswith("- "):
            if child >= indent:
                offsets[child - indent] += 1
        elif child > indent:
            mappings[child - indent] += 1
    mapping = mappings.most_common(1)[0][0] if mappings else 2
    offset = offsets.most_common(1)[0][0] if offsets else 0
    return mapping, offset + 2, offset


def _yaml(layout: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.allow_duplicate_keys = True
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: Any, documents: list[Any], explicit_start: bool) -> str:
    stream = io.StringIO()
    yaml.explicit_start = explicit_start
    yaml.dump_all(documents, stream)
    return stream.getvalue()


def load_round_trip(text: str, layout: tuple[int, int, int] | None = None) -> list[Any]:
    """The documents of `text` as ruamel round-trip data (CommentedMap/CommentedSeq)."""
    try:
        return list(_yaml(layout or guess_layout(text)).load_all(text))
    except Exception as exc:  # ruamel raises many unrelated error types
        raise EditError(f"cannot parse for editing: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") \
            from None


def _anchors(original: list[str], before: list[str]) -> dict[int, int]:
    """Line index in B → line index in A, for lines the round trip left unchanged."""
    mapping: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, original, before, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapping[block.b + k] = block.a + k
    return mapping


def transplant(original: str, before: str, after: str) -> str | None:
    """Apply the B→C line changes to A (see the module docstring); None when they cannot be placed."""
    a = original.splitlines(keepends=True)
    b = before.splitlines(keepends=True)
    c = after.splitlines(keepends=True)
    b_to_a = _anchors(a, b)
    edits: list[tuple[int, int, list[str]]] = []
    for tag, j1, j2, k1, k2 in difflib.SequenceMatcher(None, b, c, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # widen to the nearest anchored lines on both sides; what lies between them in A is
        # the original text of B[j1:j2] (plus lines the round trip dropped or reformatted)
        left = j1 - 1
        while left >= 0 and left not in b_to_a:
            left -= 1
        right = j2
        while right < len(b) and right not in b_to_a:
            right += 1
        start = b_to_a[left] + 1 if left >= 0 else 0
        end = b_to_a[right] if right < len(b) else len(a)
        if end < start:
            return None
        inner_a = a[start:end]
        inner_b = b[left + 1:right]
        if inner_a == inner_b or (j2 > j1 and left == j1 - 1 and right == j2):
            replacement = [*b[left + 1:j1], *c[k1:k2], *b[j2:right]]
        elif j1 == j2 and left == j1 - 1:
            # a pure insertion right after an anchored line: lines A keeps beyond B (comments the
            # round trip dropped) stay where they are, after the insertion point
            start = end = b_to_a[left] + 1 if left >= 0 else 0
            replacement = list(c[k1:k2])
        elif j1 == j2 and right == j1:
            # right before an anchored line (or at the very end): the reformatted lines before it
            # belong to the block the insertion ends
            start = end
            replacement = list(c[k1:k2])
        else:
            return None
        edits.append((start, end, replacement))
    edits = [_settle(a, edit) for edit in edits]
    edits.sort(key=lambda edit: edit[0])
    for (_, end, _), (start, _, _) in itertools.pairwise(edits):
        if start < end:
            return None  # overlapping hunks: cannot place both
    result = list(a)
    for start, end, replacement in reversed(edits):
        result[start:end] = replacement
    return "".join(result)


def _comments(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for line in text.splitlines():
        index = line.find("#")
        while index >= 0:
            if index == 0 or line[index - 1] in " \t":
                found[line[index:].rstrip()] += 1
                break
            index = line.find("#", index + 1)
    return found


def _settle(a: list[str], edit: tuple[int, int, list[str]]) -> tuple[int, int, list[str]]:
    """Where an insertion reads best: after comments that are indented deeper than it (they close the
    block before it), and, for an indented insertion, before the blank lines and shallower comments
    that end its block (they introduce what follows)."""
    start, end, replacement = edit
    if start != end or not replacement:
        return edit
    first = replacement[0]
    indent = len(first) - len(first.lstrip())
    while start < len(a) and a[start].lstrip().startswith("#") and len(a[start]) - len(a[start].lstrip()) > indent:
        start += 1
    if indent:
        while start > 0 and (not a[start - 1].strip() or (
                a[start - 1].lstrip().startswith("#") and len(a[start - 1]) - len(a[start - 1].lstrip()) < indent)):
            start -= 1
    return start, start, replacement


def _same_data(text: str, expected: str) -> bool:
    limits = Limits()
    try:
        return load_yaml_documents(text, limits) == load_yaml_documents(expected, limits)
    except InputError:
        return False


@dataclass(slots=True)
class EditResult:
    text: str
    changed: bool


def minimal_edit(original: str, edit: Callable[[list[Any]], T]) -> tuple[EditResult, T]:
    """Run `edit` on the round-trip documents of `original`; return the minimally edited text.

    `edit` mutates the documents in place and returns what it did; it may be called once per
    indentation layout tried, so it must not have other side effects. Raises EditError when the
    file cannot be parsed or the change cannot be placed without touching anything else.
    """
    newline_added = bool(original) and not original.endswith("\n")
    base = original + "\n" if newline_added else original
    explicit_start = base.lstrip().startswith("---")
    guessed = guess_layout(base)
    layouts = [guessed, *(layout for layout in _LAYOUTS if layout != guessed)]
    outcome: T | None = None
    first_error: EditError | None = None
    for layout in layouts:
        yaml = _yaml(layout)
        try:
            documents = list(yaml.load_all(base))
        except Exception as exc:  # ruamel raises many unrelated error types
            raise EditError(f"cannot parse for editing: {str(exc).splitlines()[0] if str(exc) else exc!r}") from None
        before = _dump(yaml, documents, explicit_start)
        outcome = edit(documents)
        after = _dump(yaml, documents, explicit_start)
        if after == before:
            return EditResult(original, False), outcome
        text = transplant(base, before, after)
        if text is not None and _same_data(text, after) and not _comments(base) - _comments(text):
            if newline_added and text.endswith("\n") and text[:-1].count("\n") >= original.count("\n"):
                text = text[:-1]
            return EditResult(text, True), outcome
        first_error = first_error or EditError("the change cannot be made without reformatting other lines")
    raise first_error or EditError("no edit")


def unified_diff(path: str, before: str, after: str) -> str:
    """A `diff -u` of one file (empty when unchanged)."""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{path.lstrip('/')}", tofile=f"b/{path.lstrip('/')}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
