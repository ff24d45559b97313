"""Terraform's JSON syntax (`*.tf.json`, written by CDKTF and other generators) as the HCL reader sees it.

`convert` turns a parsed `.tf.json` document into the shape python-hcl2 gives for the same
configuration (labels quoted, literal strings quoted, `${...}` expressions bare, nested blocks as
lists marked `__is_block__`), and `index` gives the lines of its blocks and attributes, so the
Terraform model reads both syntaxes with one code path.

JSON cannot say whether an object is a nested block or a map-typed argument; Terraform decides with
the provider's schema (https://developer.hashicorp.com/terraform/language/syntax/json). Without
schemas: inside `resource`, `data`, `provider` and `terraform`, an object (or a list of objects) is a
block unless its name is a known map argument (`tags`, `labels` ...); `module`, `variable`, `output`
and `locals` take no blocks here, so their objects are values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from eksguard.sources.loading import LineMap
from eksguard.sources.terraform import HclNode

# block type -> how many labels it has (`resource "type" "name"`)
LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1, "locals": 0,
          "terraform": 0, "moved": 0, "import": 0, "check": 1}
# blocks whose bodies hold nested blocks; in the others every object is a value
WITH_BLOCKS = frozenset({"resource", "data", "provider", "terraform"})
# map-typed arguments of the resources the model reads (an object there is a value, not a block)
MAP_ARGUMENTS = frozenset({"tags", "tags_all", "labels", "triggers", "environment", "variables", "parameters",
                           "annotations", "selectors", "configuration_values", "default_tags"})
_WHOLE_EXPRESSION = re.compile(r"^\$\{(?:(?!\$\{).)*\}$", re.S)


def convert(document: Mapping[str, Any]) -> dict[str, Any]:
    """python-hcl2's dict for the configuration `document` (a parsed `.tf.json`) describes."""
    out: dict[str, Any] = {}
    for kind, body in document.items():
        if kind.startswith("//"):  # a comment property
            continue
        blocks = out.setdefault(str(kind), [])
        labels = LABELS.get(str(kind), 0)
        for item in body if isinstance(body, list) else [body]:
            if isinstance(item, Mapping):
                blocks.append(_labelled(item, labels, str(kind) in WITH_BLOCKS))
    return out


def _labelled(body: Mapping[str, Any], labels: int, nested: bool) -> dict[str, Any]:
    if labels == 0:
        return _body(body, nested)
    return {f'"{label}"': _labelled(inner, labels - 1, nested) if isinstance(inner, Mapping) else {}
            for label, inner in body.items()}


def _body(body: Mapping[str, Any], nested: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key.startswith("//"):
            continue
        if nested and key == "dynamic" and isinstance(value, Mapping):
            out["dynamic"] = [{f'"{label}"': _dynamic(spec)} for label, spec in value.items()
                              if isinstance(spec, Mapping)]
        elif nested and key not in MAP_ARGUMENTS and _is_blocks(value):
            out[key] = [_body(item, True) for item in (value if isinstance(value, list) else [value])]
        else:
            out[key] = _value(value)
    out["__is_block__"] = True
    return out


def _dynamic(spec: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: _value(value) for key, value in spec.items() if key not in ("content", "iterator")}
    if "iterator" in spec:
        out["iterator"] = str(spec["iterator"])  # a bare name, as python-hcl2 gives it
    content = spec.get("content")
    out["content"] = [_body(content, True)] if isinstance(content, Mapping) else []
    out["__is_block__"] = True
    return out


def _is_blocks(value: Any) -> bool:
    if isinstance(value, Mapping):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(item, Mapping) for item in value)


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return _template(value)
    if isinstance(value, Mapping):
        return {str(key): _value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_value(item) for item in value]
    return value


def _template(text: str) -> str:
    """A JSON string is a template: `${var.x}` alone is the expression, anything else a quoted string."""
    if _WHOLE_EXPRESSION.match(text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def index(document: Any) -> HclNode:
    """The lines of the blocks and attributes of a `.tf.json` document parsed with line marks."""
    root = HclNode(1)
    if not isinstance(document, LineMap):
        return root
    for kind, body in document.items():
        line = document.marks.get(kind, (1, 1))[0]
        for item in _items(body):
            _index_labelled(root, str(kind), item, LABELS.get(str(kind), 0), (), line)
    return root


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _index_labelled(parent: HclNode, kind: str, body: Any, labels: int, found: tuple[str, ...], line: int) -> None:
    if not isinstance(body, LineMap):
        return
    if labels == 0:
        parent.children.setdefault(kind, []).append(_index_body(body, found, line))
        return
    for label, inner in body.items():
        _index_labelled(parent, kind, inner, labels - 1, (*found, str(label)), body.marks.get(label, (line, 1))[0])


def _index_body(body: LineMap, labels: tuple[str, ...], line: int) -> HclNode:
    node = HclNode(line, labels)
    for key, value in body.items():
        key_line = body.marks.get(key, (line, 1))[0]
        if key == "dynamic" and isinstance(value, LineMap):
            for label, spec in value.items():
                node.children.setdefault("dynamic", []).append(_index_dynamic(value, str(label), spec, key_line))
            continue
        for item in _items(value) if _is_blocks(value) else [value]:
            node.children.setdefault(str(key), []).append(
                _index_body(item, (), item.line or key_line) if isinstance(item, LineMap) else HclNode(key_line))
    return node


def _index_dynamic(parent: LineMap, label: str, spec: Any, line: int) -> HclNode:
    block_line = parent.marks.get(label, (line, 1))[0]
    node = HclNode(block_line, (label,))
    if isinstance(spec, LineMap):
        node.children[label] = [_index_body(spec, (), block_line)]
    return node

