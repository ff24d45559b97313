"""Set one scalar in a YAML file by changing or inserting as few lines as possible.

`yamledit.minimal_edit` handles any edit but costs a round-trip parse and two dumps; `scan` suggests
a fix for every failing CloudFormation property, so it uses this instead: the positions come from
libyaml's marks (sources.loading), the change is one line (an existing scalar rewritten in place) or
a few new lines (the missing keys, inserted as the first entries of the deepest mapping that
exists), and the result is accepted only if it parses to exactly the original data with that one
value set. Anything unusual (flow style, block scalars, anchors, a key that is present but null)
gives None: no suggestion rather than a wrong one.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from typing import Any

from eksguard.sources.loading import InputError, Limits, LineMap, load_yaml_documents, shift_lines

Scalar = bool | int | str

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_NOT_PLAIN = {"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"}
# a value that is a single plain or quoted token, optionally followed by a comment
_VALUE = re.compile(r"\s*:[ \t]+(?P<value>[^\s#|>{}\[\]&*!][^#]*?|\"[^\"]*\"|'[^']*')(?P<rest>[ \t]+#.*)?$")


def render(value: Scalar) -> str:
    """`value` as a YAML flow scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _NOT_PLAIN:
        return value
    return json.dumps(value)


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def set_scalar(text: str, keys: Sequence[str], value: Scalar, documents: list[Any] | None = None) -> str | None:
    """`text` with `keys` (a path of mapping keys in the first document) set to `value`, or None when
    that cannot be done exactly. `documents` are the file's documents as sources.loading reads them
    (read here when not given)."""
    if documents is None:
        try:
            documents = load_yaml_documents(text, Limits())
        except InputError:
            return None
    if not documents or not isinstance(documents[0], LineMap) or not keys:
        return None
    node: LineMap = documents[0]
    step = 0  # how far this file indents a mapping under its key (from the path walked)
    depth = 0
    while depth < len(keys) - 1:
        child = node.get(keys[depth])
        if child is None:
            if keys[depth] in node:
                return None  # `Key:` with nothing under it: a second `Key:` would be a duplicate
            break
        if not isinstance(child, LineMap) or any(str(k).startswith("Fn::") or k == "Ref" for k in child):
            return None  # a scalar, a list or an intrinsic decides it
        if child.line > node.key_line(keys[depth]):
            step = child.column - node.column
        node = child
        depth += 1
    lines = text.splitlines(keepends=True)
    if depth == len(keys) - 1 and keys[-1] in node:
        edited = _replace_value(lines, node, keys[-1], value)
    else:
        edited = _insert_keys(lines, node, keys[depth:], value, step if step > 0 else 2)
    if edited is None:
        return None
    # the expected data: copies only along `keys` (the rest is compared, never changed)
    expected_root = target = dict(documents[0])
    for key in keys[:-1]:
        child = target.get(key)
        target[key] = dict(child) if isinstance(child, dict) else {}
        target = target[key]
    target[keys[-1]] = value
    expected = [expected_root, *documents[1:]]
    return edited if _reads_as(edited, documents, keys, expected) else None


def _reads_as(edited: str, documents: list[Any], keys: Sequence[str], expected: list[Any]) -> bool:
    """Whether `edited` parses to `expected`. When the change lies inside one entry of a top-level
    mapping (a CloudFormation resource) and nothing can tie that entry to the rest of the file
    (no anchors, no directives), only the entry's lines are parsed: every other line is the
    original's, whose data is known. Anything else, or a doubt, parses the whole text."""
    entry = _entry_text(edited, documents[0], keys) if len(keys) >= 3 else None
    if entry is not None and "&" not in edited and not edited.lstrip().startswith("%"):
        try:
            if load_yaml_documents(entry, Limits()) == [{keys[1]: expected[0][keys[0]][keys[1]]}]:
                return True
        except InputError:
            pass
    try:
        return bool(load_yaml_documents(edited, Limits()) == expected)
    except InputError:
        return False


def _entry_text(edited: str, top: LineMap, keys: Sequence[str]) -> str | None:
    """The lines of the entry `keys[1]` of the top-level mapping `keys[0]` in `edited` (its key line
    is where it was: the change lies below it), up to the next line indented no deeper than its key."""
    parent = top.get(keys[0])
    if not isinstance(parent, LineMap) or keys[1] not in parent:
        return None
    lines = edited.splitlines(keepends=True)
    start, column = parent.key_line(keys[1]) - 1, parent.key_column(keys[1]) - 1
    if not 0 <= start < len(lines) or lines[start][:column].strip():
        return None
    end = start + 1
    while end < len(lines):
        body = lines[end].strip()
        if body and not body.startswith("#") and _indent(lines[end]) <= column:
            break
        end += 1
    return "".join(lines[start:end])


def _replace_value(lines: list[str], node: LineMap, key: str, value: Scalar) -> str | None:
    current = node[key]
    if current is not None and not isinstance(current, (bool, int, str)):
        return None
    index, column = node.key_line(key) - 1, node.key_column(key) - 1
    if not 0 <= index < len(lines):
        return None
    body, ending = _split_ending(lines[index])
    name = str(key)
    if not body.startswith(name, column):
        return None  # a quoted or complex key
    match = _VALUE.match(body, column + len(name))
    if match is None:
        return None
    lines = list(lines)
    lines[index] = body[:match.start("value")] + render(value) + (match.group("rest") or "") + ending
    return "".join(lines)


def _insert_keys(lines: list[str], node: LineMap, missing: Sequence[str], value: Scalar, step: int) -> str | None:
    if not node.marks:
        return None  # `{}`: nothing to align with
    index, column = node.line - 1, node.column - 1
    if not 0 <= index < len(lines) or lines[index][:column].strip() or lines[index][column:column + 1] in "{[":
        return None  # flow style, or a mapping that starts after `- ` on the line of its parent
    at = _block_end(lines, max(line for line, _ in node.marks.values()), column)
    lines = list(lines)
    if at > 0 and not _split_ending(lines[at - 1])[1]:
        lines[at - 1] += "\n"  # the file ended without a newline
    ending = _split_ending(lines[at - 1])[1] if at > 0 else "\n"
    new_lines = []
    for depth, key in enumerate(missing):
        indent = " " * (column + depth * step)
        tail = f" {render(value)}" if depth == len(missing) - 1 else ""
        new_lines.append(f"{indent}{render(key)}:{tail}{ending}")
    return "".join([*lines[:at], *new_lines, *lines[at:]])


@functools.lru_cache(maxsize=8)
def block_entry(text: str, top: str, name: str) -> LineMap | None:
    """The entry `name` of the block mapping under the top-level key `top` (a CloudFormation resource), parsed
    from its own lines only, with the file's lines and columns: `{name: {...}}`. None when a line walk cannot be
    sure which lines those are (more than one document, anchors, directives, tabs, flow style, a quoted key):
    then parse the whole file. Cached by the text itself (never stale): a resource has several findings."""
    if "&" in text or "\t" in text or text.lstrip().startswith("%"):
        return None
    heads = list(re.finditer(rf"^{re.escape(top)}:[ ]*(?:#.*)?\r?$", text, re.M))
    if len(heads) != 1:
        return None
    head = heads[0].end()
    for marker in re.finditer(r"^(?:---|\.\.\.)", text, re.M):
        if marker.start() > head or re.search(r"^[^#\s]", text[:marker.start()], re.M):
            return None  # another document
    first = re.compile(r"^( +)[^ \r\n#]", re.M).search(text, head)
    block_end = re.compile(r"^[^ \r\n#]", re.M).search(text, head)
    stop = block_end.start() if block_end else len(text)
    if first is None or first.start() > stop:
        return None
    column = len(first.group(1))
    region = text[head:stop]
    if column > 1 and re.search(rf"^ {{1,{column - 1}}}[^ \r\n#]", region, re.M):
        return None  # an entry indented less than the first
    entries = list(re.finditer(rf"^ {{{column}}}{re.escape(name)}:[ ]*(?:#.*)?\r?$", region, re.M))
    if len(entries) != 1:
        return None
    after = re.compile(rf"^ {{0,{column}}}[^ \r\n#]", re.M).search(region, entries[0].end())
    lines_before = text.count("\n", 0, head + entries[0].start())
    try:
        documents = load_yaml_documents(region[entries[0].start():after.start() if after else len(region)], Limits())
    except InputError:
        return None
    entry = documents[0] if len(documents) == 1 else None
    if not isinstance(entry, LineMap) or list(entry) != [name]:
        return None
    shift_lines(entry, lines_before)
    return entry


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], last_key_line: int, column: int) -> int:
    """The index after the last line of the block mapping whose keys stand at `column` (0-based) and
    whose last key is on line `last_key_line` (1-based): the new keys go there, as its last entries,
    before the blank lines and shallower comments that introduce what follows."""
    end = last_key_line
    while end < len(lines):
        body = lines[end].strip()
        if body.startswith(("---", "...")) and _indent(lines[end]) == 0:
            break
        if body and not body.startswith("#") and _indent(lines[end]) < column:
            break
        end += 1
    while end > last_key_line and (not lines[end - 1].strip() or (
            lines[end - 1].lstrip().startswith("#") and _indent(lines[end - 1]) < column)):
        end -= 1
    return end
