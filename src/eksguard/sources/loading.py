"""Reading input files safely: size, binary, encoding, YAML/JSON with line marks and limits.

Every problem becomes an `InputError` whose message is one line naming what is wrong; the
caller turns it into `path:line: message` and goes on with the other inputs.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 10 * 1024 * 1024
    max_depth: int = 100
    max_alias_expansion: int = 100_000
    max_documents: int = 10_000


class InputError(Exception):
    """An input that cannot be read; `message` in English, `ja` in Japanese (None: the same text)."""

    def __init__(self, message: str, line: int | None = None, kind: str = "unreadable", ja: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.kind = kind
        self.ja = ja


class LineMap(dict[Any, Any]):
    """A mapping that remembers where it and each of its keys stand in the file (1-based)."""

    __slots__ = ("column", "line", "marks")

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.column = 0
        self.marks: dict[Any, tuple[int, int]] = {}

    def key_line(self, key: Any) -> int:
        return self.marks.get(key, (self.line, self.column))[0]

    def key_column(self, key: Any) -> int:
        return self.marks.get(key, (self.line, self.column))[1]


class LineList(list[Any]):
    __slots__ = ("column", "item_lines", "line")

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.column = 0
        self.item_lines: list[int] = []


class Loader(yaml.CSafeLoader):
    """libyaml's parser with line marks on every mapping and sequence, and CloudFormation's
    short-form tags (`!Ref`, `!GetAtt` ...) read as their long form."""


# Positions repeat across files (keys at line 3, column 3 ...): mappings share one tuple per
# position instead of one per key (a quarter of a parsed manifest's memory). Bounded: lines past
# _SHARED_LINES get their own tuple.
_SHARED_LINES = 4096
_positions: dict[int, tuple[int, int]] = {}


def _position(line: int, column: int) -> tuple[int, int]:
    if line >= _SHARED_LINES or column >= 256:
        return (line, column)
    key = line << 8 | column
    shared = _positions.get(key)
    if shared is None:
        shared = _positions[key] = (line, column)
    return shared


def _construct_str(loader: Loader, node: yaml.Node) -> str:
    # One copy of each distinct string (keys such as `apiVersion`, values such as `RuntimeDefault`)
    # for the whole scan instead of one per occurrence: Kubernetes objects keep their documents.
    return sys.intern(loader.construct_scalar(node))  # type: ignore[arg-type]


def _construct_map(loader: Loader, node: yaml.MappingNode) -> Any:
    data = LineMap()
    data.line = node.start_mark.line + 1
    data.column = node.start_mark.column + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark) from None
        data[key] = loader.construct_object(value_node, deep=False)
        data.marks[key] = _position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)


def _construct_seq(loader: Loader, node: yaml.SequenceNode) -> Any:
    data = LineList()
    data.line = node.start_mark.line + 1
    data.column = node.start_mark.column + 1
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=False))
        data.item_lines.append(child.start_mark.line + 1)


_GETATT_SPLIT = re.compile(r"\.")


def _construct_intrinsic(loader: Loader, suffix: str, node: yaml.Node) -> Any:
    """`!Ref X` → {"Ref": X}; `!GetAtt A.B` → {"Fn::GetAtt": [A, B]}; `!Sub ...` → {"Fn::Sub": ...}."""
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = _GETATT_SPLIT.split(value, maxsplit=1)
    return {f"Fn::{suffix}": value}


Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
Loader.add_multi_constructor("!", _construct_intrinsic)


def _construct_other_tag(loader: Loader, node: yaml.Node) -> Any:
    """Any other tag (`!!python/name:...` in a mkdocs.yml, `!<tag:example.com,2000:x>`): an
    application's own type that no EKS input uses. Read it like an unknown intrinsic function, a
    value no reader can take as a plain one, instead of failing the file."""
    prefix = "tag:yaml.org,2002:"
    tag = node.tag[len(prefix):] if node.tag.startswith(prefix) else node.tag
    return _construct_intrinsic(loader, tag, node)


Loader.add_constructor(None, _construct_other_tag)  # type: ignore[arg-type]


def read_text(path: Path, limits: Limits) -> str:
    """The file as text, or an InputError for a file too large, binary, or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise InputError(
                f"file is {size / 1_048_576:.1f} MB, over the {limits.max_file_bytes / 1_048_576:.0f} MB limit "
                "(raise it with --max-file-size)", kind="limit",
                ja=f"ファイルが {size / 1_048_576:.1f} MB あり、上限 {limits.max_file_bytes / 1_048_576:.0f} MB を"
                   "超えています（--max-file-size で引き上げられます）")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}",
                         ja=f"ファイルを読めません: {exc.strerror or exc}") from None
    return decode(raw)


def decode(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise InputError("binary file (contains NUL bytes), not a text configuration",
                         ja="バイナリファイルです（NUL バイトを含む）。テキストの設定ではありません")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})", line=line,
                         ja=f"UTF-8 として不正です（バイト 0x{raw[exc.start]:02x}）") from None
    return text.removeprefix("\ufeff")


_DEEP_INDENT = re.compile(r"^ {200,}\S", re.MULTILINE)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_INNERMOST_PAIR = re.compile(r"[\[{][\]}]")


def _bracket_depth_bound(text: str, limit: int) -> int:
    """An upper bound of the bracket depth, at the speed of the regex engine: each pass removes the
    innermost pairs, so a text `depth` deep needs `depth` passes; what stays unmatched adds its openers."""
    brackets = _NOT_BRACKETS.sub("", text)
    passes = 0
    while passes <= limit:
        reduced = _INNERMOST_PAIR.sub("", brackets)
        if reduced == brackets:
            break
        brackets = reduced
        passes += 1
    return passes + brackets.count("[") + brackets.count("{")


def _too_deep(limits: Limits, line: int | None) -> InputError:
    return InputError(f"nesting deeper than {limits.max_depth} levels", line=line, kind="limit",
                      ja=f"入れ子が {limits.max_depth} 段より深くなっています")


def _check_nesting(text: str, limits: Limits) -> None:
    """Refuse documents nested deeper than the limit before parsing them (cheap scans first)."""
    if text.count("[") + text.count("{") > limits.max_depth and _bracket_depth_bound(text, limits.max_depth) \
            > limits.max_depth:
        depth = 0
        line = 1
        for char in text:  # the exact depth and its line, only for a text that may be too deep
            if char in "[{":
                depth += 1
                if depth > limits.max_depth:
                    raise _too_deep(limits, line)
            elif char in "]}":
                depth = max(0, depth - 1)
            elif char == "\n":
                line += 1
    match = _DEEP_INDENT.search(text)
    if match is not None:
        indent = len(match.group(0)) - 1
        if indent // 2 > limits.max_depth:
            raise _too_deep(limits, text.count("\n", 0, match.start()) + 1)


def _expanded_size(document: Any, limit: int) -> int:
    """Nodes a document expands to when aliases are followed; stops counting past `limit`."""
    count = 0
    stack = [document]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            return count
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def load_yaml_documents(text: str, limits: Limits) -> list[Any]:
    _check_nesting(text, limits)
    try:
        documents = []
        for document in yaml.load_all(text, Loader=Loader):
            documents.append(document)
            if len(documents) > limits.max_documents:
                raise InputError(f"more than {limits.max_documents} YAML documents", kind="limit",
                                 ja=f"YAML ドキュメントが {limits.max_documents} を超えています")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(f"invalid YAML: {problem}", line=mark.line + 1 if mark else None,
                         ja=f"YAML として読めません: {problem}") from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise InputError(f"invalid YAML: {first}", ja=f"YAML として読めません: {first}") from None
    except RecursionError:
        raise _too_deep(limits, None) from None
    if "&" in text and "*" in text:
        for document in documents:
            if _expanded_size(document, limits.max_alias_expansion) > limits.max_alias_expansion:
                raise InputError(
                    f"YAML aliases expand to more than {limits.max_alias_expansion} nodes (alias bomb?)",
                    kind="limit", ja=f"YAML のエイリアスが {limits.max_alias_expansion} ノードを超えて展開されます"
                                     "（エイリアス爆弾？）")
    return documents


def load_json(text: str, limits: Limits) -> Any:
    _check_nesting(text, limits)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", line=exc.lineno, ja=f"JSON として読めません: {exc.msg}") from None
    except RecursionError:
        raise _too_deep(limits, None) from None


def parse_documents(text: str, limits: Limits, as_json: bool) -> list[Any]:
    """The non-empty documents of a YAML or JSON file. JSON goes through libyaml first, for its line
    marks; JSON that is not YAML 1.1 (tabs, `\\/` escapes, keys over 1,024 characters) goes to the
    JSON parser."""
    if as_json:
        try:
            documents = load_yaml_documents(text, limits)
        except InputError:
            documents = [load_json(text, limits)]
    else:
        documents = load_yaml_documents(text, limits)
    return [d for d in documents if d is not None]


def shift_lines(node: Any, offset: int, indent: int = 0) -> None:
    """Move the line marks of a document parsed from text embedded in a file (an inline patch, a
    here-document, a CloudFormation block scalar) by `offset` lines, so they point into the embedding file, and
    its columns by the `indent` the embedding took off (a `<<-` heredoc, a block scalar)."""
    if isinstance(node, LineMap):
        node.line += offset
        node.column += indent
        node.marks = {key: (line + offset, column + indent) for key, (line, column) in node.marks.items()}
        for item in node.values():
            shift_lines(item, offset, indent)
    elif isinstance(node, LineList):
        node.line += offset
        node.item_lines = [line + offset for line in node.item_lines]
        for item in node:
            shift_lines(item, offset, indent)
