"""Reading fields out of a parsed document into `Value`s with origins.

`Fields` walks dotted pointers (`vpc.clusterEndpoints.publicAccess`) through `LineMap`s,
substitutes `${VAR}` placeholders (envsubst style), and makes declared values, tool
defaults located at the nearest declared parent, or unknowns with the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from sys import intern
from typing import Any, TypeVar

import yaml

from eksguard.model import InputProblem, Origin, Provenance, Text, Value, declared, defaulted, unknown
from eksguard.sources.loading import LineList, LineMap

T = TypeVar("T")

# `${VAR}`, `$VAR`, and the default forms Flux's postBuild and envsubst implementations take from the shell:
# `${VAR:-default}` / `${VAR:=default}` (VAR unset or empty), `${VAR-default}` / `${VAR=default}` (VAR unset)
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)[-=]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")

UNRESOLVED = Text(
    "`${{{name}}}` is not set: pass --var {name}=VALUE; the value is treated as unknown",
    "`${{{name}}}` が設定されていません。--var {name}=値 を指定してください。値は不明として扱います",
)


@dataclass(slots=True)
class Variables:
    """Values for `${VAR}` placeholders, and the unresolved ones met so far."""

    values: Mapping[str, str]
    problems: list[InputProblem] = field(default_factory=list)
    _seen: dict[tuple[str, int, str], InputProblem] = field(default_factory=dict)  # (path, line, name)

    def substitute(self, text: str, path: str, line: int, *, required: bool = True) -> tuple[str, list[str]]:
        """`text` with the set variables put in, and the names not set; those are problems (each once per
        path and line) unless not `required`."""
        missing: list[str] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(4)
            value = self.values.get(name)
            if match.group(3) is not None and (value is None or (match.group(2) and not value)):
                return match.group(3)  # the placeholder's own default
            if value is not None:
                return value
            missing.append(name)
            return match.group(0)

        result = _VARIABLE.sub(replace, text) if "$" in text else text
        for name in missing if required else ():
            key = (path, line, name)
            if key not in self._seen:
                problem = self._seen[key] = InputProblem.of(path, line, UNRESOLVED.format(name=name),
                                                             "unresolved-variable")
                self.problems.append(problem)
        return result, missing

    def withdraw(self, path: str, names: set[str] | None = None) -> None:
        """Take back the problems of `path` for `names` (all when None): what really feeds the file sets them."""
        for key in [key for key in self._seen if key[0] == path and (names is None or key[2] in names)]:
            self.problems.remove(self._seen.pop(key))


class Fields:
    """Typed access to one document's fields."""

    def __init__(self, root: Mapping[str, Any], path: str, variables: Variables, base: str = "",
                 anchor: str | None = None) -> None:
        self.root = root
        self.path = path
        self.variables = variables
        self.base = base
        # where values go whose whole pointer is absent (eksctl: `metadata.name`), else the root
        self.anchor = self.origin(anchor) if anchor else None

    def child(self, node: Mapping[str, Any], pointer: str) -> Fields:
        return Fields(node, self.path, self.variables, self._join(pointer))

    def _join(self, pointer: str) -> str:
        # interned: the model keeps a pointer per value, and the same pointers recur in every file
        return intern(f"{self.base}.{pointer}") if self.base and pointer else (self.base or pointer)

    def origin(self, pointer: str = "") -> Origin:
        """The position of `pointer` if present, else of its nearest present parent."""
        node: Any = self.root
        line = getattr(node, "line", None) or None
        column = getattr(node, "column", None) or None
        matched = False
        for part in pointer.split(".") if pointer else []:
            # dict first: parsed YAML is dicts, and a Mapping check alone costs an ABC call
            if not isinstance(node, (dict, Mapping)) or part not in node:
                break
            matched = True
            if isinstance(node, LineMap):
                line, column = node.marks.get(part, (line, column))
            node = node[part]
        anchor: Origin | None = getattr(self, "anchor", None)
        if not matched and pointer and anchor is not None:
            return anchor.at(self._join(pointer))
        return Origin(self.path, line, column, self._join(pointer))

    def raw(self, pointer: str) -> tuple[bool, Any]:
        node: Any = self.root
        for part in pointer.split("."):
            if not isinstance(node, (dict, Mapping)) or part not in node:
                return False, None
            node = node[part]
        return True, node

    def has(self, pointer: str) -> bool:
        present, value = self.raw(pointer)
        return present and value is not None

    def _resolved(self, value: Any, origin: Origin) -> tuple[Any, bool]:
        """Substitute placeholders; report whether any stayed unresolved."""
        if isinstance(value, str):
            text, names = self.variables.substitute(value, self.path, origin.line or 0)
            return text, bool(names)
        if isinstance(value, list):
            items: list[Any] = []
            unresolved = False
            for item in value:
                resolved, item_unresolved = self._resolved(item, origin)
                items.append(resolved)
                unresolved = unresolved or item_unresolved
            return items, unresolved
        return value, False

    def get(self, pointer: str, kind: Callable[[Any], T | None], tool: str, default: T | None,
            note: Text | None = None) -> Value[T]:
        """The declared value (coerced by `kind`), else `tool`'s default located at the nearest parent.

        A value `kind` cannot read, or one with an unresolved `${VAR}`, is unknown.
        """
        present, raw = self.raw(pointer)
        origin = self.origin(pointer)
        if not present or raw is None:
            return defaulted(default, tool, origin, note)
        value, unresolved = self._resolved(raw, origin)
        if unresolved:
            return Value(None, Provenance.UNKNOWN, origin, note=Text(
                f"`{self._join(pointer)}` contains an unresolved variable",
                f"`{self._join(pointer)}` に未解決の変数があります"))
        return coerce_declared(value, kind, origin, self._join(pointer))

    def items(self, pointer: str) -> list[tuple[Fields, int]]:
        """The mappings of a list field, each as `Fields` with its index."""
        present, raw = self.raw(pointer)
        if not present or not isinstance(raw, list):
            return []
        return [(self.child(item, f"{pointer}[{index}]"), index)
                for index, item in enumerate(raw) if isinstance(item, Mapping)]

    def text(self, pointer: str) -> str | None:
        """A plain string value with placeholders substituted where known (no Value)."""
        present, raw = self.raw(pointer)
        if not present or raw is None or isinstance(raw, (Mapping, list)):
            return None
        value, _ = self._resolved(str(raw), self.origin(pointer))
        return str(value)


def split_after_placeholders(text: str) -> tuple[str, str]:
    """`text` cut after its last `${VAR}`/`$VAR`: the part with placeholders and the literal rest."""
    end = max((match.end() for match in _VARIABLE.finditer(text)), default=0)
    return text[:end], text[end:]


def coerce_declared(value: Any, kind: Callable[[Any], T | None], origin: Origin, pointer: str) -> Value[T]:
    """A written value read by `kind`; unknown (saying what was found) when `kind` cannot read it."""
    coerced = kind(value)
    if coerced is None:
        return unknown(origin, Text(f"`{pointer}` has an unexpected value {value!r}",
                                    f"`{pointer}` の値 {value!r} を解釈できません"))
    return declared(coerced, origin)


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def as_str(value: Any) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def as_str_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return [str(v) for v in value]
    return None


def line_of(node: Any) -> int | None:
    return getattr(node, "line", None) if isinstance(node, (LineMap, LineList)) else None


def configuration_values(raw: Any) -> dict[str, Any]:
    """An addon's `configurationValues` (a mapping, or JSON/YAML text) as a dict; {} when unreadable."""
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, str) and raw.strip():
        try:
            parsed = json.loads(raw)
        except ValueError:
            try:
                parsed = yaml.load(raw, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                return {}
        return dict(parsed) if isinstance(parsed, Mapping) else {}
    return {}


# EKS RemoteAccessConfig (managed node groups): an SSH key without source security groups opens the port to
# 0.0.0.0/0 (eks-domain.md §2, §3.1)
OPEN_REMOTE_ACCESS_NOTE = Text(
    "a key without source security groups: EKS opens the remote-access port to 0.0.0.0/0",
    "送信元セキュリティグループのないキーのため、EKS はリモートアクセスのポートを 0.0.0.0/0 に開きます")
