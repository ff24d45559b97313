"""Terraform → the model: HCL (`.tf` files; one directory is one module) and `terraform show -json`.

HCL is parsed by python-hcl2 (imported only when a `.tf` file is met); expressions are evaluated here:
references between resources of the module, `var.x` (from `--var x=VALUE`, `TF_VAR_x`,
`terraform.tfvars`/`*.auto.tfvars`, else the default), `local.x`, and the functions configuration
usually needs (`merge`, `concat`, `jsonencode` ...). Whatever cannot be known before apply
(`data.*`, computed attributes, `var.x` without a value) is `unknown`, never an error. python-hcl2
gives no line numbers, so `index_hcl` finds each block and attribute by scanning the file text.

The modules `terraform-aws-modules/eks/aws` (v19, v20 and v21 input names; its node group submodules
also when called on their own) and `terraform-aws-modules/vpc/aws` are expanded with their documented
defaults (eks-domain.md §3.2).
This module describes; it never judges.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eksguard.analysis.network import (
    RDP_PORT,
    SSH_PORT,
    cluster_security_group,
    link_remote_access,
    subnets_public,
)
from eksguard.model import (
    EKS_API,
    AccessEntry,
    AccessPolicyAssociation,
    Addon,
    Cluster,
    FargateProfile,
    HelmChart,
    IdentityMapping,
    MappingProblem,
    Network,
    NodeGroup,
    Origin,
    Provenance,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    SshAccess,
    Subnet,
    Text,
    UnreadNodeGroups,
    Value,
    Vpc,
    VpcEndpoint,
    declared,
    defaulted,
    unknown,
)
from eksguard.sources.fields import OPEN_REMOTE_ACCESS_NOTE, as_bool, as_int, as_str
from eksguard.sources.loading import LineList, LineMap

PROVIDER = "Terraform AWS provider"
EKS = EKS_API
EC2 = "EC2 API"
EKS_MODULE = "terraform-aws-modules/eks"
VPC_MODULE = "terraform-aws-modules/vpc"
# EKS API CreateNodegroup `instanceTypes`: t3.medium when neither the node group nor its launch template
# names one
DEFAULT_NODE_INSTANCE_TYPE = "t3.medium"
MAX_DEPTH = 40


# --- Values ------------------------------------------------------------------------------


class Unknown:
    """A value not known before apply; `text` is the expression as written (`var.cluster_name`)."""

    __slots__ = ("reason", "text")

    def __init__(self, reason: str, text: str | None = None) -> None:
        self.reason = reason
        self.text = text

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r}, {self.text!r})"


class _NoValue:
    def __repr__(self) -> str:
        return "NOVALUE"

    def __bool__(self) -> bool:
        return False


NOVALUE: Any = _NoValue()


@dataclass(frozen=True, slots=True)
class TFRef:
    """A reference to a resource of the module (`aws_subnet.a.id`): its address and the attribute path."""

    address: str
    attr: str = ""


@dataclass(frozen=True, slots=True)
class OneRef(TFRef):
    """The reference `one()` takes of a splat (`one(aws_kms_key.this[*].arn)`): one value (or null), where
    the splat's single reference may stand for any number of instances."""


def _known(value: Any) -> bool:
    if isinstance(value, (Unknown, TFRef)):
        return False
    if isinstance(value, list):
        return all(_known(v) for v in value)
    if isinstance(value, dict):
        return all(_known(v) for v in value.values())
    return True


def _counted(value: Any) -> bool:
    """Whether a list or map has as many elements as it shows: its values may be unknown (a dynamic block's
    `cond ? [local.with_unknown_key] : []` makes one block), but it holds no resource reference, because a splat
    of a resource whose instances are not known (`aws_kms_key.this[*].arn`) shows one reference for them all.
    What `one()` made of such a splat (`{key_arn = one(aws_kms_key.this[*].arn)}`) is one value, and so is a
    reference to one instance of a resource whose instances are known (`aws_kms_key.this[0].arn`): a splat of
    it names each of them."""
    if isinstance(value, TFRef):
        return isinstance(value, OneRef) or value.address.endswith("]")
    if isinstance(value, list):
        return all(_counted(v) for v in value)
    if isinstance(value, dict):
        return all(_counted(v) for v in value.values())
    return True


def text_of(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, Unknown):
        return value.text
    if isinstance(value, TFRef):
        return f"{value.address}.{value.attr}" if value.attr else value.address
    return None


# --- HCL line index ----------------------------------------------------------------------


@dataclass(slots=True)
class HclNode:
    """A block, or an attribute, with the line of its name; children by name (blocks repeat)."""

    line: int
    labels: tuple[str, ...] = ()
    children: dict[str, list[HclNode]] = field(default_factory=dict)

    def find(self, name: str, labels: tuple[str, ...]) -> HclNode | None:
        return next((n for n in self.children.get(name, []) if n.labels == labels), None)

    def locate(self, parts: list[str]) -> int:
        """The line of the deepest part of `parts` that is written (digits select repeated blocks)."""
        node, line, index = self, self.line, 0
        while index < len(parts):
            name = parts[index]
            position = 0
            step = 1
            if index + 1 < len(parts) and parts[index + 1].isdigit():
                position, step = int(parts[index + 1]), 2
            kids = node.children.get(name)
            if step == 2 and kids and len(kids) == 1 and LIST_ITEMS in kids[0].children:
                kids = kids[0].children[LIST_ITEMS]  # an attribute's list of objects: the element's lines
            if not kids or position >= len(kids):
                break
            node = kids[position]
            line = node.line
            index += step
        return line

    def has(self, parts: list[str]) -> bool:
        node = self
        for part in parts:
            if part.isdigit():
                continue
            kids = node.children.get(part)
            if not kids:
                return False
            node = kids[0]
        return True


_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*\r?\n")


def _heredoc_end(text: str, match: re.Match[str], end: int) -> tuple[int, int]:
    """Where a `<<EOF` heredoc's body ends and where its closing marker line ends."""
    marker = re.compile(r"^[ \t]*" + re.escape(match.group(1)) + r"[ \t]*\r?$", re.MULTILINE)
    closing = marker.search(text, match.end())
    return (closing.start(), closing.end()) if closing else (end, end)


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _skip_string(text: str, start: int) -> int:
    """The index after the string literal opening at `start` (interpolations may nest strings)."""
    index, end = start + 1, len(text)
    while index < end:
        char = text[index]
        if char == "\\":
            index += 2
        elif char == '"':
            return index + 1
        elif char in "$%" and text.startswith("{", index + 1) and not text.startswith(char * 2, index - 1):
            index = _skip_interpolation(text, index + 2)
        elif char == "\n":
            return index
        else:
            index += 1
    return end


def _skip_interpolation(text: str, start: int) -> int:
    depth, index, end = 1, start, len(text)
    while index < end:
        char = text[index]
        if char == '"':
            index = _skip_string(text, index)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return end


LIST_ITEMS = "[]"  # the child name under which an attribute's list holds its objects


def index_hcl(text: str) -> HclNode:
    """Blocks and attributes of an HCL file with their lines (comments, strings and heredocs skipped)."""
    root = HclNode(1)
    # frames: (bracket, node whose children the frame's statements are, saved statement of the outer frame)
    frames: list[tuple[str, HclNode | None, list[Any]]] = [("{", root, [])]
    statement: list[Any] = [None, 0, [], False, None, False]  # key, line, labels, seen '=', attribute, value started
    index, line, end = 0, 1, len(text)

    def reset() -> list[Any]:
        return [None, 0, [], False, None, False]

    while index < end:
        char = text[index]
        bracket, node, _ = frames[-1]
        if char == "\n":
            line += 1
            index += 1
            if bracket == "{":
                statement = reset()
            continue
        if char in " \t\r":
            index += 1
            continue
        if char == "#" or text.startswith("//", index):
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
            continue
        if text.startswith("/*", index):
            close = text.find("*/", index + 2)
            close = end if close < 0 else close + 2
            line += text.count("\n", index, close)
            index = close
            continue
        if text.startswith("<<", index):
            match = _HEREDOC.match(text, index)
            if match:
                _, stop = _heredoc_end(text, match, end)
                line += text.count("\n", index, stop)
                index = stop
                statement[5] = True
                continue
        if char == '"':
            stop = _skip_string(text, index)
            literal = text[index + 1:stop - 1]
            if bracket == "{" and statement[0] is None and not statement[5]:
                statement[0], statement[1] = literal, line
            elif bracket == "{" and statement[0] is not None and not statement[3]:
                statement[2].append(literal)
            else:
                statement[5] = True
            line += text.count("\n", index, stop)
            index = stop
            continue
        match = _IDENT.match(text, index)
        if match:
            word = match.group(0)
            if bracket == "{" and statement[0] is None and not statement[5]:
                statement[0], statement[1] = word, line
            elif bracket == "{" and statement[0] is not None and not statement[3]:
                statement[2].append(word)
            else:
                statement[5] = True
            index = match.end()
            continue
        if char in "=:" and bracket == "{" and statement[0] is not None and not statement[3] \
                and not text.startswith("==", index) and not text.startswith("=>", index):
            statement[3] = True
            attribute = HclNode(statement[1])
            if node is not None:
                node.children.setdefault(str(statement[0]), []).append(attribute)
            statement[4] = attribute
            index += 1
            continue
        if char == "{":
            if bracket == "{" and statement[0] is not None and not statement[3]:
                child: HclNode | None = HclNode(statement[1], tuple(statement[2]))
                if node is not None and child is not None:
                    node.children.setdefault(str(statement[0]), []).append(child)
            elif statement[3] and not statement[5]:
                child = statement[4]
            elif bracket == "[" and node is not None:  # an object in a list: an element of its own
                child = HclNode(line)
                node.children.setdefault(LIST_ITEMS, []).append(child)
            elif bracket == "(":  # an object a function takes (`yamlencode({...})`): the attribute's fields
                child = node
            else:
                child = None
            statement[5] = True
            frames.append(("{", child, statement))
            statement = reset()
            index += 1
            continue
        if char in "[(":
            # a list or call that is an attribute's value, or inside such a call, keeps its objects' lines
            holder = statement[4] if bracket == "{" and statement[3] else node if bracket == "(" else None
            statement[5] = True
            frames.append((char, holder, statement))
            statement = reset()
            index += 1
            continue
        if char in "}])":
            if len(frames) > 1:
                _, _, saved = frames.pop()
                statement = saved
            index += 1
            continue
        if char == "," and bracket == "{":
            statement = reset()
            index += 1
            continue
        statement[5] = statement[5] or statement[3]
        index += 1
    return root


# --- Expressions -------------------------------------------------------------------------

Step = tuple[str, Any]  # ("attr", name) | ("index", value) | ("splat", None)


class _Syntax(Exception):
    pass


_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\n]+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<id>provider::[A-Za-z_][A-Za-z0-9_-]*::[A-Za-z_][A-Za-z0-9_-]*|[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[-+*/%!<>?:.,()\[\]{}=])
""", re.VERBOSE | re.DOTALL)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    index, end = 0, len(text)
    while index < end:
        if text[index] == '"':
            stop = _skip_string(text, index)
            out.append(("str", text[index + 1:stop - 1]))
            index = stop
            continue
        if text.startswith("<<", index):
            match = _HEREDOC.match(text, index)
            if match:
                body_end, after = _heredoc_end(text, match, end)
                body = text[match.end():body_end]
                out.append(("heredoc", dedent_heredoc(body) if text.startswith("<<-", index) else body))
                index = after
                continue
        token = _TOKEN.match(text, index)
        if token is None:
            raise _Syntax(f"unexpected {text[index]!r}")
        kind = token.lastgroup or ""
        if kind != "space":
            out.append((kind, token.group(0)))
        index = token.end()
    return out


Lookup = Callable[[str, list[Step]], Any]


class Evaluator:
    """Evaluates HCL expressions; `lookup(root, steps)` resolves `var.`, `local.`, `module.`, resources."""

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self.depth = 0
        # the symbols of the `for` expressions being evaluated (`for k, v in ...`): lexical, so cleared
        # while `lookup` evaluates another expression (a local, a variable's default)
        self.symbols: dict[str, Any] = {}

    def reference(self, root: str, steps: list[Step]) -> Any:
        if root in self.symbols:
            return apply_steps(self.symbols[root], steps)
        outer, self.symbols = self.symbols, {}
        try:
            return self.lookup(root, steps)
        finally:
            self.symbols = outer

    # entry points

    def expression(self, text: str) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return Unknown("expression nested too deeply", text.strip())
            parser = _Parser(_tokens(text), self)
            value = parser.expr()
            if parser.position != len(parser.tokens):
                raise _Syntax("trailing tokens")
            return value
        except (_Syntax, IndexError, RecursionError, ValueError, TypeError):
            return Unknown("expression not evaluated", text.strip())
        finally:
            self.depth -= 1

    def template(self, raw: str, escapes: bool = True) -> Any:
        """A quoted string's content (or a heredoc's): literal text and `${...}` interpolations."""
        pieces: list[Any] = []
        literal: list[str] = []
        index, end = 0, len(raw)
        while index < end:
            char = raw[index]
            if escapes and char == "\\" and index + 1 < end:
                nxt = raw[index + 1]
                if nxt in "uU":
                    width = 4 if nxt == "u" else 8
                    try:
                        literal.append(chr(int(raw[index + 2:index + 2 + width], 16)))
                    except ValueError:
                        literal.append(raw[index:index + 2 + width])
                    index += 2 + width
                    continue
                literal.append({"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}.get(nxt, "\\" + nxt))
                index += 2
                continue
            if raw.startswith("$${", index) or raw.startswith("%%{", index):
                literal.append(raw[index + 1:index + 3])
                index += 3
                continue
            if raw.startswith("${", index) or raw.startswith("%{", index):
                stop = _skip_interpolation(raw, index + 2)
                inner = raw[index + 2:stop - 1].strip().strip("~").strip()
                if literal:
                    pieces.append("".join(literal))
                    literal = []
                if char == "%":
                    pieces.append(Unknown("template directive", "%{" + inner + "}"))
                else:
                    value = self.expression(inner)
                    pieces.append(value if not isinstance(value, Unknown) or value.text
                                  else Unknown(value.reason, "${" + inner + "}"))
                index = stop
                continue
            literal.append(char)
            index += 1
        if literal:
            pieces.append("".join(literal))
        if len(pieces) == 1 and not isinstance(pieces[0], str):
            return pieces[0]
        return _concat(pieces)

    def serialized(self, value: Any) -> Any:
        """A value as python-hcl2 serializes it (v8 keeps quotes on strings; v4-v7 does not)."""
        if isinstance(value, str):
            if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
                inner = value[1:-1]
                heredoc = heredoc_body(inner)
                if heredoc is not None:
                    body, flush = heredoc
                    return self.template(dedent_heredoc(body) if flush else body, escapes=False)
                return self.template(inner)
            if value.startswith("${") and _skip_interpolation(value, 2) == len(value):
                return self.expression(value[2:-1])
            return self.template(value, escapes=False)
        if isinstance(value, list):
            return [self.serialized(v) for v in value]
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if key in ("__is_block__", "__start_line__", "__end_line__"):
                    continue
                name = self.key(key)
                out[name] = self.serialized(item)
            return out
        return value

    def key(self, key: Any) -> str:
        """An object key: a quoted key is a template (`"kubernetes.io/cluster/${var.name}"`), `(expr)` an
        expression; one whose value is not known keeps its written text."""
        text = str(key)
        if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
            value = self.template(text[1:-1])
            return value if isinstance(value, str) else text[1:-1]
        if text.startswith("${") and text.endswith("}"):
            value = self.expression(text[2:-1])
            return str(value) if isinstance(value, (str, int)) else text
        return text


def heredoc_body(text: str) -> tuple[str, bool] | None:
    """A heredoc's lines between its markers, and whether it is a flush one (`<<-`); None: not a heredoc."""
    heredoc = _HEREDOC.match(text)
    if heredoc is None:
        return None
    body = re.sub(r"\r?\n?[ \t]*" + re.escape(heredoc.group(1)) + r"[ \t]*$", "", text[heredoc.end():])
    return body, text.startswith("<<-")


def heredoc_indent(body: str) -> int:
    """How much a `<<-` heredoc is dedented: the fewest leading spaces or tabs (each counts one) of its lines
    with text, as HCL does (hashicorp/hcl hclsyntax/parser.go, flush heredocs; specsuite expressions/heredoc)."""
    widths = [len(line) - len(line.lstrip(" \t")) for line in body.split("\n") if line.strip()]
    return min(widths, default=0)


def dedent_heredoc(body: str) -> str:
    cut = heredoc_indent(body)
    return "\n".join(line[cut:] for line in body.split("\n")) if cut else body


def _concat(pieces: list[Any]) -> Any:
    parts: list[str] = []
    unknown_piece: Unknown | None = None
    for piece in pieces:
        if isinstance(piece, bool):
            parts.append("true" if piece else "false")
        elif isinstance(piece, (str, int, float)):
            parts.append(str(piece))
        else:
            text = text_of(piece)
            if text is None or "${" not in text:
                text = "${" + (text or "?") + "}"
            parts.append(text if text is not None else "${?}")
            unknown_piece = unknown_piece or (piece if isinstance(piece, Unknown) else Unknown("a reference"))
    joined = "".join(parts)
    return Unknown(unknown_piece.reason, joined) if unknown_piece else joined


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], evaluator: Evaluator) -> None:
        self.tokens = tokens
        self.position = 0
        self.ev = evaluator

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def next(self) -> tuple[str, str]:
        token = self.peek()
        self.position += 1
        return token

    def accept(self, op: str) -> bool:
        if self.peek() == ("op", op):
            self.position += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if not self.accept(op):
            raise _Syntax(f"expected {op}")

    def expr(self) -> Any:
        condition = self.binary(0)
        if self.accept("?"):
            first = self.expr()
            self.expect(":")
            second = self.expr()
            if isinstance(condition, bool):
                return first if condition else second
            if _known(first) and first == second:
                return first
            return Unknown("conditional on a value not known here")
        return condition

    LEVELS = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int) -> Any:
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek()[0] == "op" and self.peek()[1] in self.LEVELS[level]:
            op = self.next()[1]
            right = self.binary(level + 1)
            left = _operate(op, left, right)
        return left

    def unary(self) -> Any:
        if self.accept("!"):
            value = self.unary()
            return (not value) if isinstance(value, bool) else Unknown("negation of a value not known here")
        if self.accept("-"):
            value = self.unary()
            return -value if isinstance(value, (int, float)) and not isinstance(value, bool) else Unknown("negative")
        return self.postfix(self.primary())

    def steps(self) -> list[Step]:
        steps: list[Step] = []
        while True:
            if self.peek() == ("op", ".") and self.peek(1)[0] in ("id", "num"):
                self.position += 1
                kind, text = self.next()
                steps.append(("index", int(text)) if kind == "num" else ("attr", text))
            elif self.peek() == ("op", ".") and self.peek(1) == ("op", "*"):
                self.position += 2
                steps.append(("splat", None))
            elif self.peek() == ("op", "[") and self.peek(1) == ("op", "*") and self.peek(2) == ("op", "]"):
                self.position += 3
                steps.append(("splat", None))
            elif self.peek() == ("op", "["):
                self.position += 1
                steps.append(("index", self.expr()))
                self.expect("]")
            else:
                return steps

    def postfix(self, value: Any) -> Any:
        steps = self.steps()
        return apply_steps(value, steps) if steps else value

    def primary(self) -> Any:
        kind, text = self.next()
        if kind == "num":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if kind == "str":
            return self.ev.template(text)
        if kind == "heredoc":
            return self.ev.template(text, escapes=False)
        if kind == "id":
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            if self.peek() == ("op", "("):
                return self.call(text)
            return self.ev.reference(text, self.steps())
        if (kind, text) == ("op", "("):
            value = self.expr()
            self.expect(")")
            return value
        if (kind, text) == ("op", "["):
            if self.peek() == ("id", "for") and self.peek(1)[0] == "id":
                return self.for_expression("]")
            items = []
            while not self.accept("]"):
                items.append(self.expr())
                if not self.accept(","):
                    self.expect("]")
                    break
            return items
        if (kind, text) == ("op", "{"):
            if self.peek() == ("id", "for") and self.peek(1)[0] == "id":
                return self.for_expression("}")
            obj: dict[str, Any] = {}
            while not self.accept("}"):
                key_kind, key_text = self.next()
                if key_kind == "id":
                    key: Any = key_text
                elif key_kind == "str":
                    key = self.ev.template(key_text)
                elif (key_kind, key_text) == ("op", "("):
                    key = self.expr()
                    self.expect(")")
                else:
                    raise _Syntax("object key")
                if not (self.accept("=") or self.accept(":")):
                    raise _Syntax("expected = in object")
                obj[str(key) if not isinstance(key, Unknown) else (key.text or "?")] = self.expr()
                self.accept(",")
            return obj
        raise _Syntax(f"unexpected {text!r}")

    def for_expression(self, closing: str) -> Any:
        """`[for v in C : V if P]` or `{for k, v in C : K => V... if P}`, after its opening bracket: the
        body is evaluated once per element of a known C (a list: index and element; a map: key and
        value, in the lexical order of keys, as Terraform iterates them;
        https://developer.hashicorp.com/terraform/language/expressions/for)."""
        self.next()
        names = [self.symbol()]
        if self.accept(","):
            names.append(self.symbol())
        if self.next() != ("id", "in"):
            raise _Syntax("expected in")
        collection = self.expr()
        self.expect(":")
        body = self.position
        self.skip_to(closing)
        end = self.position
        if isinstance(collection, dict):
            elements: list[tuple[Any, Any]] = sorted(collection.items())
        elif isinstance(collection, list):
            elements = list(enumerate(collection))
        else:
            written = text_of(collection)
            reason = collection.reason if isinstance(collection, Unknown) else "a value not known here"
            return Unknown(f"for expression over {written or 'a value'}: {reason}",
                           f"for ... in {written}" if written else None)
        made: list[ForElement] = []
        outer = self.ev.symbols
        try:
            for key, element in elements:
                bound = dict(zip(names, (key, element), strict=True)) if len(names) == 2 else {names[0]: element}
                self.ev.symbols = {**outer, **bound}
                self.position = body
                made.append(self.for_element(closing))
                if self.position != end:
                    raise _Syntax("for expression body")
        finally:
            self.ev.symbols = outer
        return _collected(made, closing == "}")

    def symbol(self) -> str:
        kind, text = self.next()
        if kind != "id":
            raise _Syntax("expected a name")
        return text

    def for_element(self, closing: str) -> ForElement:
        key = None
        if closing == "}":
            key = self.expr()
            self.expect("=>")
        value = self.expr()
        grouped = self.accept("...")
        keep: Any = True
        if self.peek() == ("id", "if"):
            self.position += 1
            keep = self.expr()
        self.expect(closing)
        return ForElement(key, value, grouped, keep)

    def skip_to(self, closing: str) -> None:
        depth = 1
        pairs = {"[": "]", "{": "}", "(": ")"}
        while depth and self.position < len(self.tokens):
            kind, text = self.next()
            if kind == "op" and text in pairs:
                depth += 1
            elif kind == "op" and text in pairs.values():
                depth -= 1

    def call(self, name: str) -> Any:
        self.expect("(")
        args: list[Any] = []
        expanded = False
        while not self.accept(")"):
            args.append(self.expr())
            if self.accept("..."):
                expanded = True
            if not self.accept(","):
                self.expect(")")
                break
        if expanded:
            return Unknown(f"{name}(...) with expanded arguments")
        return call_function(name, args)


@dataclass(frozen=True, slots=True)
class ForElement:
    """One element of a for expression: its key (objects only), value, `...` grouping and `if` result."""

    key: Any
    value: Any
    grouped: bool
    keep: Any


def _collected(made: list[ForElement], keyed: bool) -> Any:
    """The value of a for expression from its elements."""
    unknown_if = next((e.keep for e in made if not isinstance(e.keep, bool)), None)
    if unknown_if is not None:  # which elements are kept is not known
        return Unknown("the `if` of a for expression is not known here", text_of(unknown_if))
    kept = [e for e in made if e.keep]
    if not keyed:
        return [e.value for e in kept]
    result: dict[str, Any] = {}
    for element in kept:
        key = element.key
        if isinstance(key, bool):
            key = "true" if key else "false"
        if not isinstance(key, (str, int, float)):
            return Unknown("a key of a for expression is not known here", text_of(key))
        name = str(key)
        if element.grouped:
            result.setdefault(name, []).append(element.value)
        elif name in result:  # Terraform rejects duplicate keys without `...`
            return Unknown(f"the for expression makes the key {name} twice")
        else:
            result[name] = element.value
    return result


def apply_steps(value: Any, steps: list[Step]) -> Any:
    for position, (kind, arg) in enumerate(steps):
        if isinstance(value, Unknown):
            return value
        if isinstance(value, TFRef):
            names = [str(a) for k, a in steps[position:] if k == "attr"]
            splat = any(k == "splat" for k, _ in steps[position:])
            ref = TFRef(value.address, ".".join(filter(None, [value.attr, *names])))
            return [ref] if splat else ref
        if kind == "splat":
            if isinstance(value, list):
                rest = steps[position + 1:]
                return [apply_steps(v, rest) for v in value]
            return apply_steps([value], steps[position:]) if value is not None else []
        if kind == "attr":
            if isinstance(value, dict) and arg in value:
                value = value[arg]
            elif isinstance(value, dict) and _known(value):
                return _Absent(f"the object has no attribute {arg}")
            else:
                return Unknown(f"attribute {arg} not known here")
        elif kind == "index":
            value = _index(value, arg)
            if isinstance(value, Unknown):
                return value
    return value


def _index(value: Any, arg: Any) -> Any:
    if isinstance(value, list) and isinstance(arg, int) and -len(value) <= arg < len(value):
        return value[arg]
    if isinstance(value, dict) and isinstance(arg, str) and arg in value:
        return value[arg]
    if isinstance(value, dict) and isinstance(arg, str) and _known(value):
        return _Absent(f"the map has no key {arg}")
    return Unknown("index not known here")


class _Absent(Unknown):
    """An attribute or key a known object does not have: an error in Terraform, which `try()` skips."""

    __slots__ = ()


def _operate(op: str, left: Any, right: Any) -> Any:
    if op in ("==", "!="):
        if not (_known(left) and _known(right)):
            return Unknown("comparison of values not known here")
        return (left == right) if op == "==" else (left != right)
    if op in ("&&", "||"):
        if op == "&&" and (left is False or right is False):
            return False
        if op == "||" and (left is True or right is True):
            return True
        if isinstance(left, bool) and isinstance(right, bool):
            return left and right if op == "&&" else left or right
        return Unknown("logic on values not known here")
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
    if not numbers:
        return Unknown("arithmetic on values not known here")
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        return left / right if right else Unknown("division by zero")
    if op == "%":
        return left % right if right else Unknown("division by zero")
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]


def _jsonable(value: Any) -> bool:
    return _known(value)


def call_function(name: str, args: list[Any]) -> Any:
    """The Terraform functions configuration commonly uses; others are unknown."""
    name = name.rsplit("::", 1)[-1]
    if name in ("tolist", "toset", "tomap", "tostring", "tonumber", "tobool", "sensitive", "nonsensitive") and args:
        value = args[0]
        if name == "toset" and isinstance(value, list):
            return list(dict.fromkeys(v for v in value if isinstance(v, (str, int))) if _known(value) else value)
        if name == "tobool" and isinstance(value, str) and value in ("true", "false"):
            return value == "true"
        return value
    if name == "jsonencode" and len(args) == 1:
        return json.dumps(args[0], separators=(",", ":")) if _jsonable(args[0]) else _JsonPending(args[0])
    if name == "yamlencode" and len(args) == 1:
        return json.dumps(args[0]) if _jsonable(args[0]) else _JsonPending(args[0], "yamlencode")
    if name == "jsondecode" and len(args) == 1 and isinstance(args[0], str):
        try:
            return json.loads(args[0])
        except ValueError:
            return Unknown("jsondecode of invalid JSON")
    if name == "merge":
        merged: dict[str, Any] = {}
        for arg in args:
            if isinstance(arg, dict):
                merged.update(arg)
            elif arg is None:
                continue
            else:
                return Unknown("merge of a value not known here", text_of(arg))
        return merged
    if name in ("concat", "flatten"):
        out: list[Any] = []
        missing: Any = None  # the first argument not known here
        for arg in args:
            if isinstance(arg, list):
                for item in arg:
                    if name == "flatten" and isinstance(item, list):
                        out.extend(item)
                    else:
                        out.append(item)
            else:
                out.extend(arg.items if isinstance(arg, PartlyKnownList) else [])
                missing = arg if missing is None else missing
        if missing is not None:
            return PartlyKnownList(f"{name} of a value not known here", text_of(missing), out)
        return out
    if name == "compact" and args and isinstance(args[0], list):
        return [v for v in args[0] if v not in (None, "")]
    if name == "distinct" and args and isinstance(args[0], list):
        seen: list[Any] = []
        for item in args[0]:
            if item not in seen:
                seen.append(item)
        return seen
    if name == "try":
        # the first argument without an error, null included; one not known before apply makes the
        # result unknown (https://developer.hashicorp.com/terraform/language/functions/try)
        for arg in args:
            if not isinstance(arg, _Absent):
                return arg
        return Unknown("try() of values not known here")
    if name == "coalesce":
        for arg in args:
            if isinstance(arg, Unknown):
                return arg
            if arg not in (None, ""):
                return arg
        return Unknown("coalesce() of values not known here")
    if name == "coalescelist":
        for arg in args:
            if isinstance(arg, Unknown):
                return arg
            if isinstance(arg, list) and arg:
                return arg
        return []
    if name == "one" and len(args) == 1 and isinstance(args[0], list):
        # null for an empty list, the element of a one-element list, an error for more
        # (https://developer.hashicorp.com/terraform/language/functions/one); a splat of a resource with
        # `count` (`one(aws_eks_cluster.this[*].vpc_config[0].cluster_security_group_id)`) is such a list
        if len(args[0]) > 1:
            return Unknown("one() of a list of more than one element is an error in Terraform")
        if not args[0]:
            return None
        element = args[0][0]
        return OneRef(element.address, element.attr) if isinstance(element, TFRef) else element
    if name == "lookup" and len(args) >= 2:
        if isinstance(args[0], dict) and isinstance(args[1], str):
            return args[0].get(args[1], args[2] if len(args) > 2 else Unknown("lookup of a missing key"))
        return Unknown("lookup of a value not known here")
    if name == "element" and len(args) == 2 and isinstance(args[0], list) and isinstance(args[1], int) and args[0]:
        return args[0][args[1] % len(args[0])]
    if name == "length" and args and isinstance(args[0], (list, dict, str)):
        return len(args[0])
    if name in ("lower", "upper", "trimspace") and args and isinstance(args[0], str):
        text: str = args[0]
        return text.lower() if name == "lower" else text.upper() if name == "upper" else text.strip()
    if name in ("basename", "dirname") and len(args) == 1 and isinstance(args[0], str):
        return _path_part(name, args[0])
    if name == "substr" and len(args) == 3 and isinstance(args[0], str) and _integers(args[1:]):
        return _substr(args[0], args[1], args[2])
    if name == "slice" and len(args) == 3 and isinstance(args[0], list) and _integers(args[1:]) \
            and 0 <= args[1] <= args[2] <= len(args[0]):
        return args[0][args[1]:args[2]]
    if name == "replace" and len(args) == 3 and all(isinstance(a, str) for a in args):
        # a substring in slashes is a regular expression (RE2, `$1` references):
        # https://developer.hashicorp.com/terraform/language/functions/replace
        if len(args[1]) > 1 and args[1].startswith("/") and args[1].endswith("/"):
            return Unknown("replace() with a regular expression is not evaluated here")
        return args[0].replace(args[1], args[2])
    if name == "join" and len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], list) \
            and all(isinstance(v, (str, int)) for v in args[1]):
        return args[0].join(str(v) for v in args[1])
    if name == "format" and args and isinstance(args[0], str) and all(_known(a) for a in args):
        try:
            return args[0].replace("%v", "%s") % tuple(text_of(a) if isinstance(a, bool) else a for a in args[1:])
        except (TypeError, ValueError):
            return Unknown("format() not evaluated")
    pending = next((a for a in args if isinstance(a, Unknown)), None)
    if name in ("jsondecode", "yamldecode") and pending is not None:
        return pending  # the decoder is not the cause: what it decodes is not known (templatefile() ...)
    return Unknown(f"{name}() is not evaluated by this scan")


def _integers(values: list[Any]) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _path_part(name: str, path: str) -> str:
    """`basename`/`dirname` as Terraform computes them (Go's filepath.Base/Dir on `/` paths:
    https://developer.hashicorp.com/terraform/language/functions/basename): `a/b/` → `b` and `a/b`,
    `a` → `a` and `.`, `` → `.` and `.`."""
    if name == "dirname":
        return posixpath.normpath(posixpath.dirname(path) or ".")
    trimmed = path.rstrip("/")
    if not trimmed:
        return "/" if path else "."
    return trimmed.rsplit("/", 1)[-1]


def _substr(text: str, offset: int, length: int) -> Any:
    """`substr(text, offset, length)`: a negative offset counts from the end, length -1 is the rest
    (https://developer.hashicorp.com/terraform/language/functions/substr)."""
    start = offset + len(text) if offset < 0 else offset
    if not 0 <= start <= len(text) or length < -1:
        return Unknown("substr() out of range")
    return text[start:] if length == -1 else text[start:start + length]


class PartlyKnownList(Unknown):
    """A list not known before apply (`concat(module.x.roles, [{...}])`) that holds at least `items`, in no
    known position: readers that look for one item (an aws-auth mapping) can still find it."""

    __slots__ = ("items",)

    def __init__(self, reason: str, text: str | None, items: list[Any]) -> None:
        super().__init__(reason, text)
        self.items = items


class _JsonPending(Unknown):
    """`jsonencode(...)` of a value with unknown parts: the object is kept for readers that want it."""

    __slots__ = ("value",)

    def __init__(self, value: Any, function: str = "jsonencode") -> None:
        super().__init__(f"{function}() of values not known here", None)
        self.value = value


def decoded(value: Any) -> Any:
    """A JSON/YAML string (or a pending jsonencode) as a Python structure, else None."""
    if isinstance(value, _JsonPending):
        return value.value
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return json.loads(value)
        except ValueError:
            import yaml

            try:
                return yaml.load(value, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                return None
    return None


# --- Views: one resource (or nested block) of HCL or of a plan ----------------------------


def _parts(pointer: str) -> list[str]:
    return [p for p in pointer.split(".") if p] if pointer else []


def _is_block_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and v.get("__is_block__")
                                                           for v in value)


class View:
    """Typed access to one resource's (or block's) attributes, with origins."""

    path: str
    address: str
    # the inputs of a module call: an input written as null passes null to the module instead of leaving
    # its variable's default in place (variables are nullable unless declared `nullable = false`)
    module_call = False

    def get(self, pointer: str) -> Any:  # evaluated value, NOVALUE when absent or null
        raise NotImplementedError

    def line(self, pointer: str) -> int | None:
        raise NotImplementedError

    def written(self, pointer: str) -> bool:
        return self.get(pointer) is not NOVALUE

    def sub(self, pointer: str) -> View:
        raise NotImplementedError

    def count(self, pointer: str) -> int:
        raise NotImplementedError

    def keys(self, pointer: str) -> list[str]:
        return []

    def origin(self, pointer: str = "") -> Origin:
        return Origin(self.path, self.line(pointer), None, f"{self.address}.{pointer}" if pointer else self.address)

    def blocks(self, pointer: str) -> list[View]:
        return [self.sub(f"{pointer}.{i}") for i in range(self.count(pointer))]

    def dynamic_blocks(self, label: str) -> list[View]:
        """The blocks that `dynamic "<label>"` blocks make (only HCL has them)."""
        return []

    def maybe_absent(self, pointer: str) -> Text | None:
        """Why the block that holds `pointer` may not exist (a `dynamic` block whose `for_each` is not known
        before apply made it), else None."""
        return None

    def text(self, pointer: str) -> str | None:
        value = self.get(pointer)
        return None if value is NOVALUE or value is None else text_of(value)

    def known_text(self, pointer: str) -> str | None:
        value = self.get(pointer)
        return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None

    def value(self, pointer: str, kind: Callable[[Any], Any], default: Any, tool: str,
              note: Text | None = None, anchor: Origin | None = None, if_null: Value[Any] | None = None) -> Value[Any]:
        """`pointer`'s value, else `default`. A module input written as null is `if_null` (what the module
        does with a null there), else unknown: the variable's default does not apply."""
        found = self.get(pointer)
        origin = self.origin(pointer)
        if found is NOVALUE:
            if self.module_call and "." not in pointer and self.written(pointer):
                return if_null or unknown(origin, Text(
                    f"`{pointer}` is null, so the module gets null instead of its default; eksguard does not "
                    "follow what the module does with it",
                    f"`{pointer}` が null のため、モジュールには既定値ではなく null が渡ります。eksguard はその後の"
                    "モジュール内の扱いを追っていません"))
            return defaulted(default, tool, anchor or origin, note)
        if not _known(found):
            reason = found.reason if isinstance(found, Unknown) else "it refers to a value known only after apply"
            written = text_of(found)
            return unknown(origin, Text(
                f"`{pointer}` is not known before Terraform runs ({reason}" + (f": {written}" if written else "") + ")",
                f"`{pointer}` は Terraform の実行前には不明です（{reason}" + (f": {written}" if written else "") + "）"))
        coerced = kind(found)
        if coerced is None:
            return unknown(origin, Text(f"`{pointer}` has an unexpected value {found!r}",
                                        f"`{pointer}` の値 {found!r} を解釈できません"))
        absent = self.maybe_absent(pointer)
        if absent is not None and coerced != default:  # without the block, the default applies
            return unknown(origin, absent)
        provenance = Provenance.DECLARED if self.written(pointer) else Provenance.DEFAULTED
        return Value(coerced, provenance, origin, None if provenance is Provenance.DECLARED else PROVIDER)

    def str_list(self, pointer: str, default: list[str] | None, tool: str, note: Text | None = None,
                 anchor: Origin | None = None, if_null: Value[Any] | None = None) -> Value[list[str]]:
        return self.value(pointer, _str_list, default, tool, note, anchor, if_null)


def _not_known_before_apply(pointer: str, value: Any) -> Text:
    written = text_of(value) if value is not NOVALUE else None
    suffix = f": {written}" if written else ""
    return Text(f"`{pointer}` is not known before Terraform runs{suffix}",
                f"`{pointer}` は Terraform の実行前には不明です{suffix}")


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        return [str(v) for v in value]
    return None


class HclView(View):
    """A resource or block of an HCL module. A block that `dynamic "<name>"` blocks make is read as a `<name>`
    block written after the literal ones (`_raw` routes pointers into it); `uncertain` says why this block
    may not exist at all."""

    def __init__(self, module: HclModule, file: TFFile, body: Any, node: HclNode | None, address: str,
                 base: list[str], evaluator: Evaluator | None = None, uncertain: Text | None = None,
                 module_call: bool = False) -> None:
        self.module = module
        self.file = file
        self.path = file.path
        self.body = body
        self.node = node
        self.address = address
        self.base = base
        self.evaluator = evaluator or module.evaluator
        self.uncertain = uncertain
        self.module_call = module_call
        self._made: dict[tuple[str, str], list[View]] = {}

    def dynamic_blocks(self, label: str) -> list[View]:
        """One view per block that `dynamic "<label>" { for_each = ...; content { ... } }` makes: per
        element of `for_each` when it is known (`<iterator>.key`, `<iterator>.value` evaluated), else one
        whose iterator is not known before apply, so its attributes that use it are unknown, and which
        may not exist (`uncertain`)."""
        made: list[View] = []
        for index in range(self.count("dynamic")):
            if label not in self.keys(f"dynamic.{index}"):
                continue
            pointer = f"dynamic.{index}.{label}"
            present, written = self._raw(f"{pointer}.iterator")
            iterator = str(written).strip('"${}') if present and isinstance(written, str) else label
            content = self.sub(f"{pointer}.content")
            if not isinstance(content, HclView):
                continue
            for_each = self.get(f"{pointer}.for_each")
            uncertain = self.uncertain
            if isinstance(for_each, dict) and _counted(for_each):
                elements: list[tuple[Any, Any]] = list(for_each.items())
            elif isinstance(for_each, list) and _counted(for_each):
                elements = list(enumerate(for_each))
            else:
                unknown = Unknown("the dynamic block's for_each is not known before apply", text_of(for_each))
                elements = [(unknown, unknown)]
                _, expression = self._raw(f"{pointer}.for_each")
                shown = text_of(for_each) or (expression.removeprefix("${").removesuffix("}")
                                              if isinstance(expression, str) else None)
                written_for_each = f": {shown}" if shown else ""
                uncertain = Text(
                    f"`{label}` is made by a `dynamic` block whose `for_each` is not known before apply"
                    f"{written_for_each}",
                    f"`{label}` は `for_each` が apply 前には不明な `dynamic` ブロックで作られます{written_for_each}")
            made.extend(content.iterating(iterator, key, value, uncertain) for key, value in elements)
        return made

    def iterating(self, name: str, key: Any, value: Any, uncertain: Text | None) -> HclView:
        """This block with `<name>.key` and `<name>.value` bound (a dynamic block's iterator)."""
        return self._binding(self.address, {name: {"key": key, "value": value}}, uncertain)

    def instance(self, address: str, each: tuple[Any, Any] | None, index: int | None) -> HclView:
        """This resource as one of its `for_each`/`count` instances (`each.key`, `each.value`, `count.index`)."""
        names: dict[str, dict[str, Any]] = {}
        if each is not None:
            names["each"] = {"key": each[0], "value": each[1]}
        if index is not None:
            names["count"] = {"index": index}
        return self._binding(address, names, None)

    def _binding(self, address: str, names: dict[str, dict[str, Any]], uncertain: Text | None) -> HclView:
        """This view with `<root>.<attribute>` names bound; every other reference resolves as before."""
        outer = self.evaluator.lookup

        def lookup(root: str, steps: list[Step]) -> Any:
            attribute = steps[0][1] if steps and steps[0][0] == "attr" else None
            bound = names.get(root)
            if bound is not None and attribute in bound:
                return apply_steps(bound[attribute], steps[1:])
            return outer(root, steps)

        return HclView(self.module, self.file, self.body, self.node, address, self.base, Evaluator(lookup),
                       uncertain, self.module_call)

    def _made_blocks(self, prefix: list[str], mapping: dict[str, Any], label: str) -> list[View]:
        """The `<label>` blocks that the `dynamic` blocks of `mapping` (the block at `prefix`) make."""
        if label == "dynamic" or not isinstance(mapping.get("dynamic"), list):
            return []  # `dynamic` is a reserved block type: no dynamic block makes one
        key = (".".join(prefix), label)
        made = self._made.get(key)
        if made is None:
            holder = self.sub(key[0]) if prefix else self
            made = holder.dynamic_blocks(label) if isinstance(holder, HclView) else []
            self._made[key] = made
        return made

    def _route(self, mapping: dict[str, Any], parts: list[str], index: int, literal: int) -> tuple[bool, Any]:
        """`parts[index]` names no (further) literal block of `mapping`: continue in the block that a `dynamic`
        block makes, if there is one at that position."""
        made = self._made_blocks(parts[:index], mapping, parts[index])
        explicit = index + 1 < len(parts) and parts[index + 1].isdigit()
        position = (int(parts[index + 1]) if explicit else literal) - literal
        if not 0 <= position < len(made):
            return False, None
        return True, _Routed(made[position], ".".join(parts[index + (2 if explicit else 1):]))

    def _raw(self, pointer: str) -> tuple[bool, Any]:
        node: Any = self.body
        parts = _parts(pointer)
        index = 0
        holder: dict[str, Any] = {}  # the mapping whose block list is being walked
        while index < len(parts):
            part = parts[index]
            if _is_block_list(node):
                position = int(part) if part.isdigit() else 0
                if position >= len(node):
                    return self._route(holder, parts, index - 1, len(node))
                node = node[position]
                index += 1 if part.isdigit() else 0
                continue
            if isinstance(node, dict):
                if part in node:
                    holder, node = node, node[part]
                elif f'"{part}"' in node:
                    holder, node = node, node[f'"{part}"']
                else:
                    return self._route(node, parts, index, 0)
                index += 1
                continue
            if isinstance(node, list) and part.isdigit():
                if int(part) >= len(node):
                    return False, None
                node = node[int(part)]
                index += 1
                continue
            if isinstance(node, str):  # an expression: evaluate, then walk the value
                value = apply_steps(self.evaluator.serialized(node),
                                    [("index", int(p)) if p.isdigit() else ("attr", p) for p in parts[index:]])
                return True, _Evaluated(value)
            return False, None
        if _is_block_list(node):
            node = node[0]
        return True, node

    def get(self, pointer: str) -> Any:
        present, raw = self._raw(pointer)
        if isinstance(raw, _Routed):
            return raw.view.get(raw.pointer)
        if not present or raw is None:
            return NOVALUE
        value = raw.value if isinstance(raw, _Evaluated) else self.evaluator.serialized(raw)
        return NOVALUE if value is None else value

    def maybe_absent(self, pointer: str) -> Text | None:
        raw = self._raw(pointer)[1]
        return raw.view.maybe_absent(raw.pointer) if isinstance(raw, _Routed) else self.uncertain

    def line(self, pointer: str) -> int | None:
        raw = self._raw(pointer)[1]
        if isinstance(raw, _Routed):
            return raw.view.line(raw.pointer)
        if self.node is None:
            return None
        return self.node.locate(self.base + _parts(pointer))

    def written(self, pointer: str) -> bool:
        present, raw = self._raw(pointer)
        return raw.view.written(raw.pointer) if isinstance(raw, _Routed) else present

    def count(self, pointer: str) -> int:
        parts = _parts(pointer)
        if not parts:
            return 0
        present, parent = self._raw(".".join(parts[:-1]))
        name = parts[-1]
        if isinstance(parent, _Routed):
            return parent.view.count(f"{parent.pointer}.{name}" if parent.pointer else name)
        if not present or not isinstance(parent, dict):
            return 0
        raw = parent.get(name, parent.get(f'"{name}"'))
        return (len(raw) if isinstance(raw, list) else 0) + len(self._made_blocks(parts[:-1], parent, name))

    def sub(self, pointer: str) -> View:
        present, raw = self._raw(pointer)
        if isinstance(raw, _Routed):
            return raw.view.sub(raw.pointer) if raw.pointer else raw.view
        if isinstance(raw, _Evaluated):
            return ValueView(raw.value, self.path, f"{self.address}.{pointer}", self.line(pointer))
        return HclView(self.module, self.file, raw if present else {}, self.node, f"{self.address}.{pointer}",
                       self.base + _parts(pointer), self.evaluator, self.uncertain)

    def keys(self, pointer: str) -> list[str]:
        present, raw = self._raw(pointer)
        if isinstance(raw, _Routed):
            return raw.view.keys(raw.pointer)
        if isinstance(raw, _Evaluated):
            return list(raw.value) if isinstance(raw.value, dict) else []
        if present and isinstance(raw, dict):
            return [self.evaluator.key(k) for k in raw if k not in ("__is_block__",)]
        if present and isinstance(raw, str):  # an expression (`merge(...)`, `{for ...}`): its value's keys
            value = self.evaluator.serialized(raw)
            return list(value) if isinstance(value, dict) else []
        return []


@dataclass(slots=True)
class _Evaluated:
    value: Any


@dataclass(slots=True)
class _Routed:
    """A pointer that continues in a block made by a `dynamic` block: `pointer` inside `view`."""

    view: View
    pointer: str


class ValueView(View):
    """A view over an already evaluated value (a module input given as an expression, a plan value)."""

    def __init__(self, value: Any, path: str, address: str, line: int | None,
                 lines: Callable[[str], int | None] | None = None) -> None:
        self.data = value
        self.path = path
        self.address = address
        self.base_line = line
        self.lines = lines

    def _walk(self, pointer: str) -> tuple[bool, Any]:
        node = self.data
        for part in _parts(pointer):
            if isinstance(node, list) and not part.isdigit() and node and isinstance(node[0], dict):
                node = node[0]
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return False, None
        return True, node

    def get(self, pointer: str) -> Any:
        present, value = self._walk(pointer)
        return NOVALUE if not present or value is None else value

    def line(self, pointer: str) -> int | None:
        if self.lines is not None:
            return self.lines(pointer) or self.base_line
        return self.base_line

    def count(self, pointer: str) -> int:
        present, value = self._walk(pointer)
        return len(value) if present and isinstance(value, list) else (1 if isinstance(value, dict) else 0)

    def sub(self, pointer: str) -> View:
        present, value = self._walk(pointer)
        if isinstance(value, list) and value and isinstance(value[0], dict) and not _parts(pointer)[-1].isdigit():
            value = value[0]
        base = self.lines

        def lines(inner: str) -> int | None:
            return base(f"{pointer}.{inner}" if inner else pointer) if base else None

        return ValueView(value if present else {}, self.path, f"{self.address}.{pointer}", self.line(pointer),
                         lines if base else None)

    def keys(self, pointer: str) -> list[str]:
        value = self.get(pointer)
        return [str(k) for k in value] if isinstance(value, dict) else []


# --- Modules: a directory of .tf files, or a plan/state JSON ------------------------------


@dataclass(slots=True)
class TFFile:
    path: str
    text: str
    data: dict[str, Any]
    _index: HclNode | None = None

    @property
    def index(self) -> HclNode:
        if self._index is None:
            self._index = index_hcl(self.text)
        return self._index


@dataclass(slots=True)
class Resource:
    type: str
    name: str
    address: str
    view: View
    ident: str


@dataclass(slots=True)
class ModuleCall:
    label: str
    source: str
    version: str | None
    view: HclView


def _unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == '"' and label[-1] == '"' else label


def _coerce_var(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


# --- Variable types ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TypeConstraint:
    """A variable's `type`, as far as it changes the variable's value: the `optional(type, default)` attributes
    of its objects. `kind` is "object", "list" (also set), "map", "tuple", or "any" (primitives and `any`)."""

    kind: str = "any"
    attributes: Mapping[str, ObjectAttribute] = field(default_factory=dict)
    elements: tuple[TypeConstraint, ...] = ()  # list/map: the element type; tuple: one per element


@dataclass(frozen=True, slots=True)
class ObjectAttribute:
    type: TypeConstraint
    optional: bool = False
    default: Any = None  # `optional(type)` without a default gives null


ANY_TYPE = TypeConstraint()


def type_constraint(text: str, evaluator: Evaluator) -> TypeConstraint:
    """The constraint written as `text` (`object({a = optional(string, "x")})`); ANY_TYPE when it cannot be
    read, so the value stays as given and an attribute it lacks stays unknown."""
    parser = _Parser(_tokens(text), evaluator)
    try:
        constraint = _type_expression(parser)
    except (_Syntax, IndexError, RecursionError):
        return ANY_TYPE
    return constraint if parser.position == len(parser.tokens) else ANY_TYPE


def _type_expression(parser: _Parser) -> TypeConstraint:
    kind, name = parser.next()
    if kind != "id":
        raise _Syntax("expected a type")
    if name in ("list", "set", "map") and parser.accept("("):
        element = _type_expression(parser)
        parser.expect(")")
        return TypeConstraint("map" if name == "map" else "list", elements=(element,))
    if name == "tuple" and parser.accept("("):
        parser.expect("[")
        items: list[TypeConstraint] = []
        while not parser.accept("]"):
            items.append(_type_expression(parser))
            parser.accept(",")
        parser.expect(")")
        return TypeConstraint("tuple", elements=tuple(items))
    if name == "object" and parser.accept("("):
        parser.expect("{")
        attributes: dict[str, ObjectAttribute] = {}
        while not parser.accept("}"):
            key_kind, key = parser.next()
            if key_kind not in ("id", "str") or not (parser.accept("=") or parser.accept(":")):
                raise _Syntax("object type attribute")
            if parser.peek() == ("id", "optional") and parser.peek(1) == ("op", "("):
                parser.position += 2
                attribute_type = _type_expression(parser)
                default = parser.expr() if parser.accept(",") else None
                parser.expect(")")
                attributes[key] = ObjectAttribute(attribute_type, True, default)
            else:
                attributes[key] = ObjectAttribute(_type_expression(parser))
            parser.accept(",")
        parser.expect(")")
        return TypeConstraint("object", attributes)
    return ANY_TYPE


def with_type_defaults(value: Any, constraint: TypeConstraint) -> Any:
    """`value` converted to `constraint` as far as defaults go: an optional object attribute that is omitted or
    null takes its default (itself converted), in nested objects and collection elements too
    (https://developer.hashicorp.com/terraform/language/expressions/type-constraints#optional-object-type-attributes;
    hashicorp/hcl ext/typeexpr/defaults.go)."""
    if constraint.kind == "object" and isinstance(value, dict):
        converted = dict(value)
        for name, attribute in constraint.attributes.items():
            given = converted.get(name)
            if attribute.optional and given is None:
                given = attribute.default
            elif name not in converted:
                continue  # a required attribute missing: Terraform rejects the value; it stays absent here
            converted[name] = with_type_defaults(given, attribute.type)
        return converted
    if constraint.kind == "list" and isinstance(value, list):
        return [with_type_defaults(item, constraint.elements[0]) for item in value]
    if constraint.kind == "map" and isinstance(value, dict):
        return {key: with_type_defaults(item, constraint.elements[0]) for key, item in value.items()}
    if constraint.kind == "tuple" and isinstance(value, list) and len(value) == len(constraint.elements):
        return [with_type_defaults(item, element) for item, element in zip(value, constraint.elements, strict=True)]
    return value


class HclModule:
    """The .tf files of one directory: resources, module calls, variables, locals."""

    def __init__(self, directory: str, files: list[TFFile], values: Mapping[str, str],
                 tfvars: dict[str, Any]) -> None:
        self.directory = directory
        self.files = files
        self.values = values
        self.tfvars = tfvars
        self.evaluator = Evaluator(self.lookup)
        self.resources: dict[str, Resource] = {}
        self.by_type: dict[str, list[Resource]] = {}
        self.calls: list[ModuleCall] = []
        self.variables: dict[str, Any] = {}
        self._types: dict[str, TypeConstraint] = {}
        self.locals: dict[str, Any] = {}
        self._local_cache: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        self._expanded = False
        self.instances: dict[str, list[Resource]] = {}
        self.module_output: Callable[[str, str], Any] = lambda label, name: Unknown(
            f"output {name} of module {label}", f"module.{label}.{name}")
        for file in files:
            self._read(file)

    def _read(self, file: TFFile) -> None:
        data = file.data
        for block in data.get("variable", []) or []:
            for name, body in block.items():
                self.variables[_unquote(name)] = body
        for block in data.get("locals", []) or []:
            for name, raw in block.items():
                if name not in ("__is_block__", "__start_line__", "__end_line__"):
                    self.locals[name] = raw
        for block in data.get("resource", []) or []:
            for kind, named in block.items():
                for name, body in (named or {}).items():
                    kind_text, name_text = _unquote(kind), _unquote(name)
                    address = f"{kind_text}.{name_text}"
                    node = file.index.find("resource", (kind_text, name_text))
                    view = HclView(self, file, body if isinstance(body, dict) else {}, node, address, [])
                    resource = Resource(kind_text, name_text, address, view, address)
                    self.resources[address] = resource
                    self.by_type.setdefault(kind_text, []).append(resource)
        for block in data.get("module", []) or []:
            for label, body in block.items():
                label_text = _unquote(label)
                node = file.index.find("module", (label_text,))
                view = HclView(self, file, body if isinstance(body, dict) else {}, node, f"module.{label_text}", [],
                               module_call=True)
                source = view.known_text("source") or ""
                call = ModuleCall(label_text, source, view.known_text("version"), view)
                self.calls.append(call)

    def of_type(self, kind: str) -> list[Resource]:
        self.expand()
        return [r for r in self.by_type.get(kind, []) if self.exists(r.view)]

    def expand(self) -> None:
        """Resources with a known `count` or `for_each` become their instances (`aws_subnet.a[0]`, `x["k"]`);
        with an unknown one, the resource stands for all its instances."""
        if self._expanded:
            return
        self._expanded = True
        for kind, resources in self.by_type.items():
            expanded: list[Resource] = []
            for resource in resources:
                found = self._instances(resource)
                self.instances[resource.address] = found
                for instance in found:
                    self.resources.setdefault(instance.address, instance)
                expanded.extend(found)
            self.by_type[kind] = expanded

    def _instances(self, resource: Resource) -> list[Resource]:
        view = resource.view
        if not isinstance(view, HclView) or not isinstance(view.body, dict):
            return [resource]
        keyed: list[tuple[str, tuple[Any, Any] | None, int | None]] = []
        if "for_each" in view.body:
            each = view.get("for_each")
            if isinstance(each, list) and all(isinstance(k, (str, int)) and not isinstance(k, bool) for k in each):
                keyed = [(f'["{k}"]', (k, k), None) for k in each]
            elif isinstance(each, dict):
                keyed = [(f'["{k}"]', (k, v), None) for k, v in each.items()]
            else:
                return [resource]
        elif "count" in view.body:
            count = view.get("count")
            if isinstance(count, bool):
                count = int(count)
            if not isinstance(count, int) or count > 100:
                return [resource]
            keyed = [(f"[{i}]", None, i) for i in range(count)]
        else:
            return [resource]
        return [Resource(resource.type, resource.name, resource.address + suffix,
                         view.instance(resource.address + suffix, each, index), resource.address + suffix)
                for suffix, each, index in keyed]

    def exists(self, view: View) -> bool:
        """False when `count` is known to be 0 or `for_each` known to be empty (the resource is not created)."""
        if not isinstance(view, HclView) or not isinstance(view.body, dict):
            return True
        if "count" in view.body:
            count = view.get("count")
            if count == 0 or count is False:
                return False
        if "for_each" in view.body:
            each = view.get("for_each")
            if each in ({}, []):
                return False
        return True

    def variable(self, name: str) -> Any:
        body = self.variables.get(name)
        return with_type_defaults(self._given_variable(name, body), self._variable_type(name, body))

    def _given_variable(self, name: str, body: Any) -> Any:
        for key in (f"TF_VAR_{name}", name):
            if key in self.values:
                return _coerce_var(self.values[key])
        if name in self.tfvars:
            return self.evaluator.serialized(self.tfvars[name])
        if isinstance(body, dict) and "default" in body:
            return self.evaluator.serialized(body["default"])
        if body is None:
            return Unknown(f"variable {name} is not declared in this module", f"var.{name}")
        return Unknown(f"variable {name} has no default (set it with --var {name}=VALUE)", f"var.{name}")

    def _variable_type(self, name: str, body: Any) -> TypeConstraint:
        if name not in self._types:
            written = body.get("type") if isinstance(body, dict) else None
            if not isinstance(written, str):
                self._types[name] = ANY_TYPE
            else:  # python-hcl2 v8 writes an expression as "${...}"
                inner = written[2:-1] if written.startswith("${") and written.endswith("}") else written
                self._types[name] = type_constraint(inner, self.evaluator)
        return self._types[name]

    def local(self, name: str) -> Any:
        if name in self._local_cache:
            return self._local_cache[name]
        if name not in self.locals or name in self._evaluating:
            return Unknown(f"local {name} is not known here", f"local.{name}")
        self._evaluating.add(name)
        try:
            value = self.evaluator.serialized(self.locals[name])
        finally:
            self._evaluating.discard(name)
        self._local_cache[name] = value
        return value

    def path_value(self, name: str) -> str:
        """`path.<name>`, the directory being read as the root module Terraform runs in
        (https://developer.hashicorp.com/terraform/language/expressions/references#filesystem-and-workspace-info):
        path.module and path.root are relative to it, so `.`; path.cwd is its absolute path."""
        return os.path.abspath(self.directory) if name == "cwd" else "."

    def lookup(self, root: str, steps: list[Step]) -> Any:
        written = root + "".join(f".{a}" if k == "attr" else ("[*]" if k == "splat" else f"[{a!r}]")
                                 for k, a in steps)
        if not steps or steps[0][0] != "attr":
            return Unknown(f"{root} is not known here", written)
        name = str(steps[0][1])
        if root in ("var", "local"):
            value = apply_steps(self.variable(name) if root == "var" else self.local(name), steps[1:])
            return Unknown(value.reason, written) if isinstance(value, Unknown) else value
        if root == "module":
            if len(steps) > 1 and steps[1][0] == "attr":
                return apply_steps(self.module_output(name, str(steps[1][1])), steps[2:])
            return Unknown(f"module {name} outputs", written)
        if root == "path" and name in ("cwd", "module", "root"):
            return apply_steps(self.path_value(name), steps[1:])
        if root in ("data", "each", "count", "self", "path", "terraform"):
            # a data source, each/count of an unknown collection ...: Terraform gives them when it runs
            return Unknown(f"{root}.{name} is known only when Terraform runs (plan or apply)", written)
        address = f"{root}.{name}"
        if address not in self.resources:
            return Unknown(f"{address} is not defined in this module", written)
        self.expand()
        instances = self.instances.get(address)
        rest = steps[1:]
        if instances is not None and instances != [self.resources[address]] and rest:
            kind, arg = rest[0]
            if kind == "splat" or (kind == "attr" and arg in ("*",)):
                return [apply_steps(TFRef(i.address), rest[1:]) for i in instances]
            if kind == "index":
                suffix = f'["{arg}"]' if isinstance(arg, str) else f"[{arg}]"
                if f"{address}{suffix}" in self.resources:
                    return apply_steps(TFRef(f"{address}{suffix}"), rest[1:])
        return apply_steps(TFRef(address), rest)


class PlanModule:
    """The resources of `terraform show -json` (plan: planned_values; state: values)."""

    def __init__(self, document: Mapping[str, Any], path: str) -> None:
        self.path = path
        self.resources: dict[str, Resource] = {}
        self.by_type: dict[str, list[Resource]] = {}
        self.calls: list[ModuleCall] = []
        self.configs: dict[str, Mapping[str, Any]] = {}
        self._collect_config(_get(document, "configuration", "root_module"), "")
        planned = _get(document, "planned_values", "root_module") or _get(document, "values", "root_module")
        self._collect(planned)
        ids: dict[str, str] = {}
        for resource in self.resources.values():
            ids[resource.address] = resource.ident

    def _collect_config(self, node: Any, prefix: str) -> None:
        if not isinstance(node, Mapping):
            return
        for resource in node.get("resources") or []:
            if isinstance(resource, Mapping) and isinstance(resource.get("address"), str):
                self.configs[prefix + resource["address"]] = resource.get("expressions") or {}
        for name, call in (node.get("module_calls") or {}).items():
            if isinstance(call, Mapping):
                self._collect_config(call.get("module"), f"{prefix}module.{name}.")

    def _collect(self, node: Any) -> None:
        if not isinstance(node, Mapping):
            return
        for item in node.get("resources") or []:
            if not isinstance(item, Mapping) or item.get("mode", "managed") != "managed":
                continue
            address = re.sub(r"\[[^\]]*\]", "", str(item.get("address", "")))
            found = item.get("values")
            values: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            if address in self.resources:
                continue  # count/for_each instances: the first one stands for all
            prefix = address.rsplit(".", 2)[0] + "." if address.count(".") > 1 else ""
            view = PlanView(self, values, self.path, address, self.configs.get(address, None), prefix)
            ident = values.get("id") if isinstance(values.get("id"), str) else address
            resource = Resource(str(item.get("type")), str(item.get("name")), address, view, str(ident))
            self.resources[address] = resource
            self.by_type.setdefault(resource.type, []).append(resource)
        for child in node.get("child_modules") or []:
            self._collect(child)

    def of_type(self, kind: str) -> list[Resource]:
        return self.by_type.get(kind, [])

    def reference(self, text: str, prefix: str) -> TFRef | None:
        name = re.sub(r"\[[^\]]*\]", "", text)
        parts = name.split(".")
        for cut in range(len(parts), 1, -1):
            address = prefix + ".".join(parts[:cut])
            if address in self.resources:
                return TFRef(address, ".".join(parts[cut:]))
        return None


def _get(document: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(document, Mapping):
            return None
        document = document.get(key)
    return document


_LIST_NAMES = ("_ids", "_arns", "subnets", "groups", "_blocks", "zones")


class PlanView(View):
    """A planned (or state) resource, or a block of one: values with lines, and configuration expressions."""

    def __init__(self, module: PlanModule, values: Mapping[str, Any], path: str, address: str,
                 config: Mapping[str, Any] | None, prefix: str, base: list[str] | None = None) -> None:
        self.module = module
        self.values = values
        self.path = path
        self.root_address = address
        self.address = address + "".join(f".{p}" for p in base or [])
        self.config = config
        self.prefix = prefix
        self.base = base or []

    def _walk(self, pointer: str) -> tuple[bool, Any, int | None]:
        node: Any = self.values
        line = getattr(node, "line", None) or None
        for part in self.base + _parts(pointer):
            if isinstance(node, list) and not part.isdigit() and node and isinstance(node[0], Mapping):
                node = node[0]
            if isinstance(node, Mapping) and part in node:
                if isinstance(node, LineMap):
                    line = node.marks.get(part, (line, 0))[0]
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                if isinstance(node, LineList) and int(part) < len(node.item_lines):
                    line = node.item_lines[int(part)]
                node = node[int(part)]
            else:
                return False, None, line
        return True, node, line

    def _expression(self, pointer: str) -> Any:
        node: Any = self.config
        for part in self.base + _parts(pointer):
            if isinstance(node, list):
                if part.isdigit():
                    node = node[int(part)] if int(part) < len(node) else None
                    continue
                node = node[0] if node else None
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                return None
        if isinstance(node, list) and node:
            node = node[0]
        return node

    def get(self, pointer: str) -> Any:
        present, value, _ = self._walk(pointer)
        if present and value is not None:
            if isinstance(value, list) and value and isinstance(value[0], Mapping) and pointer \
                    and not _parts(pointer)[-1].isdigit() and _parts(pointer)[-1] in ("vpc_config",):
                return value[0]
            return value
        expression = self._expression(pointer)
        if isinstance(expression, Mapping) and expression.get("references"):
            refs: list[TFRef] = []
            for text in expression["references"]:
                ref = self.module.reference(str(text), self.prefix)
                if ref is not None and all(r.address != ref.address for r in refs):
                    refs.append(ref)
            if refs:
                name = _parts(pointer)[-1] if pointer else ""
                return refs if name.endswith(_LIST_NAMES) or len(refs) > 1 else refs[0]
            return Unknown("known only after apply", ", ".join(map(str, expression["references"])))
        return NOVALUE

    def line(self, pointer: str) -> int | None:
        return self._walk(pointer)[2]

    def written(self, pointer: str) -> bool:
        if self.config is None:
            return True
        return self._expression(pointer) is not None

    def count(self, pointer: str) -> int:
        present, value, _ = self._walk(pointer)
        return len(value) if present and isinstance(value, list) else 0

    def sub(self, pointer: str) -> View:
        parts = _parts(pointer)
        _, value, _ = self._walk(pointer)
        if isinstance(value, list) and value and isinstance(value[0], Mapping) and parts and not parts[-1].isdigit():
            parts = [*parts, "0"]
        return PlanView(self.module, self.values, self.path, self.root_address, self.config, self.prefix,
                        self.base + parts)

    def keys(self, pointer: str) -> list[str]:
        value = self.get(pointer)
        return [str(k) for k in value] if isinstance(value, Mapping) else []


def is_plan(document: Any) -> bool:
    return isinstance(document, Mapping) and "format_version" in document and (
        "planned_values" in document or "values" in document)


# --- Model -------------------------------------------------------------------------------

Module = HclModule | PlanModule

ROUTE_TARGETS = (("gateway_id", None), ("nat_gateway_id", "nat"), ("transit_gateway_id", "tgw"),
                 ("egress_only_gateway_id", "eigw"), ("network_interface_id", "instance"),
                 ("instance_id", "instance"), ("vpc_endpoint_id", "vpce"), ("vpc_peering_connection_id", "other"),
                 ("carrier_gateway_id", "other"), ("local_gateway_id", "other"), ("core_network_arn", "other"))
PROTOCOLS = {"-1": "-1", "all": "-1", "6": "tcp", "tcp": "tcp", "17": "udp", "udp": "udp", "1": "icmp",
             "icmp": "icmp", "58": "icmpv6", "icmpv6": "icmpv6"}

OIDC_NOTE = Text("no aws_iam_openid_connect_provider for the cluster in this module (if it is created elsewhere, "
                 "suppress this finding with the reason)",
                 "このモジュールにはクラスター用の aws_iam_openid_connect_provider がありません（別の場所で作成している場合は"
                 "理由を添えて抑制してください）")
POD_IDENTITY_NOTE = Text("no `eks-pod-identity-agent` addon or pod identity association in this module",
                         "このモジュールには `eks-pod-identity-agent` アドオンも Pod Identity の関連付けもありません")
# root-volume encryption left to the account's EBS encryption-by-default setting, with the Terraform setting
# that decides it
LT_ENCRYPTION_NOTE = Text(
    "the launch template's root volume does not set `encrypted`, so the account's EBS encryption-by-default "
    "setting decides; set `block_device_mappings { ebs { encrypted = true } }` in the launch template",
    "起動テンプレートのルートボリュームに `encrypted` がないため、アカウントの EBS デフォルト暗号化設定で決まります。"
    "起動テンプレートに `block_device_mappings { ebs { encrypted = true } }` を設定してください")
DEFAULT_LT_ENCRYPTION_NOTE = Text(
    "no launch template: EKS's default one does not set root-volume encryption, so the account's EBS "
    "encryption-by-default setting decides; use a launch template with "
    "`block_device_mappings { ebs { encrypted = true } }`",
    "起動テンプレートがなく、EKS の既定のテンプレートはルートボリュームの暗号化を指定しないため、アカウントの EBS デフォルト"
    "暗号化設定で決まります。`block_device_mappings { ebs { encrypted = true } }` のある起動テンプレートを使ってください")
MODULE_ENCRYPTION_NOTE = Text(
    "`block_device_mappings` does not set `encrypted`, so the account's EBS encryption-by-default setting "
    "decides; set `block_device_mappings = { xvda = { device_name = \"/dev/xvda\", ebs = { encrypted = true } } }`",
    "`block_device_mappings` に `encrypted` がないため、アカウントの EBS デフォルト暗号化設定で決まります。"
    "`block_device_mappings = { xvda = { device_name = \"/dev/xvda\", ebs = { encrypted = true } } }` を設定してください")
MODULE_DEFAULT_LT_ENCRYPTION_NOTE = Text(
    "`use_custom_launch_template = false`: EKS's default launch template does not set root-volume encryption, so "
    "the account's EBS encryption-by-default setting decides; use the module's launch template (the default) with "
    "`block_device_mappings = { xvda = { device_name = \"/dev/xvda\", ebs = { encrypted = true } } }`",
    "`use_custom_launch_template = false` のため EKS の既定の起動テンプレートが使われ、ルートボリュームの暗号化はアカウントの "
    "EBS デフォルト暗号化設定で決まります。モジュールの起動テンプレート（既定）で "
    "`block_device_mappings = { xvda = { device_name = \"/dev/xvda\", ebs = { encrypted = true } } }` を設定してください")
_DATA_ZONES = re.compile(r"data\.aws_availability_zones\.[\w-]+\.names")
_SLICE_BOUNDS = re.compile(r"slice\(.*,\s*(\d+)\s*,\s*(\d+)\s*\)\s*$")


_WHOLE_LOCAL = re.compile(r"local\.([\w-]+)")
# `[for k, v in local.azs : cidrsubnet(...)]`: one element per element of the collection (no `if` filter)
_FOR_EACH_ELEMENT = re.compile(r"\[\s*for\s+[\w-]+(?:\s*,\s*[\w-]+)?\s+in\s+([^:]+?)\s*:(?:(?!\bif\b).)*\]", re.S)


# the root devices of EKS AMIs: /dev/xvda (Amazon Linux, Bottlerocket), /dev/sda1 (Windows)
ROOT_DEVICES = frozenset({"xvda", "sda1"})


def _written(module: HclModule | None, raw: Any) -> str:
    """An argument's expression as written, without `${}`; a whole `local.x` is read as the local's expression
    (`azs = local.azs` -> `slice(data.aws_availability_zones.available.names, 0, 3)`)."""
    seen: set[str] = set()
    while True:
        text = raw.strip().removeprefix("${").removesuffix("}").strip() if isinstance(raw, str) else ""
        match = _WHOLE_LOCAL.fullmatch(text)
        if match is None or module is None or match.group(1) not in module.locals \
                or match.group(1) in seen:
            return text
        seen.add(match.group(1))
        raw = module.locals[match.group(1)]


def _data_zones_slice(written: str) -> int | None:
    """How many names `slice(data.aws_availability_zones.X.names, a, b)` with literal bounds holds (b - a;
    `terraform plan` fails when the region has fewer); None for anything else."""
    written = written.strip()
    bounds = _SLICE_BOUNDS.search(written)
    if not written.startswith("slice(data.aws_availability_zones.") or bounds is None:
        return None
    return int(bounds.group(2)) - int(bounds.group(1))


def _two_data_zones(written: str) -> bool:
    """`azs` written as the names of an `aws_availability_zones` data source (whole, or a slice of two or more)."""
    return _DATA_ZONES.fullmatch(written.strip()) is not None or (_data_zones_slice(written) or 0) >= 2


DATA_ZONES_NOTE = Text(
    "a zone of the region's `aws_availability_zones` data source, read at plan: the first two are different",
    "リージョンの `aws_availability_zones` データソースのゾーン（plan 時に読まれます）。先頭の 2 つは別のゾーンです")
DEFAULT_LT_TOKENS_NOTE = Text(
    "no launch template: EKS creates one whose IMDSv2 setting depends on the AMI and the account's IMDS defaults",
    "起動テンプレートがないため、EKS が作成するテンプレートの IMDSv2 設定は AMI とアカウントの IMDS デフォルトによります")
DEFAULT_LT_HOPS_NOTE = Text(
    "no launch template: EKS's default launch template sets the IMDS hop limit to 2",
    "起動テンプレートがないため、EKS の既定の起動テンプレートが IMDS のホップ数上限を 2 にします")


# The modules read here, by registry address and by repository name (their git/GitHub form), with the kind of
# each of their folders (`//sub/dir`); another folder of them, or any other module, is not read.
KNOWN_MODULES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("terraform-aws-modules/eks/aws", "terraform-aws-eks",
     {"": "eks", "modules/eks-managed-node-group": "eks-mng", "modules/self-managed-node-group": "eks-self",
      "modules/fargate-profile": "eks-fargate", "modules/karpenter": "eks-karpenter",
      "modules/capability": "eks-capability", "modules/hybrid-node-role": "eks-hybrid-node-role"}),
    ("terraform-aws-modules/vpc/aws", "terraform-aws-vpc", {"": "vpc", "modules/vpc-endpoints": "vpc-endpoints"}),
    ("aws-ia/eks-blueprints-addons/aws", "terraform-aws-eks-blueprints-addons", {"": "addons"}),
    # what eks-blueprints-addons calls for each add-on: one Helm release and its IRSA role (its main.tf), and the
    # queue of the node termination handler
    ("aws-ia/eks-blueprints-addon/aws", "terraform-aws-eks-blueprints-addon", {"": "addon"}),
    ("terraform-aws-modules/sqs/aws", "terraform-aws-sqs", {"": "sqs"}),
    ("cloudposse/label/null", "terraform-null-label", {"": "label"}),
    # CloudDrove's label module (every clouddrove module calls it): names and tags only (its main.tf has a
    # null_resource, a local_file data source and locals), so no node groups
    ("clouddrove/labels/aws", "terraform-aws-labels", {"": "naming"}),
    # modules that make a cluster with defaults of their own, not read here: a warning names them
    ("cloudposse/eks-cluster/aws", "terraform-aws-eks-cluster", {"": "unread-cluster"}),
    ("aws-ia/eks-blueprints/aws", "terraform-aws-eks-blueprints", {"": "unread-cluster"}),
)
# kinds of module calls that make no node groups of a cluster they are given, or whose node groups are read here
# (terraform-aws-eks modules/karpenter makes the controller's IAM roles and queue; the nodes Karpenter launches
# are described by its NodePool and EC2NodeClass objects, not by the module)
NO_UNREAD_NODE_GROUPS = frozenset({"eks", "vpc", "vpc-endpoints", "addons", "addon", "sqs", "label", "naming",
                                   "eks-fargate", "eks-karpenter", "eks-capability", "eks-hybrid-node-role"})
# terraform-aws-eks's node group submodules, whose calls given a cluster of the scan are read as its node groups
NODE_GROUP_SUBMODULES = frozenset({"eks-mng", "eks-self"})
# a module argument that passes it a cluster: the name or id of an `aws_eks_cluster` of the module, or of the
# cluster of a terraform-aws-eks call (its outputs cluster_name / cluster_id); also inside a function call
# (Cloud Posse: `one(aws_eks_cluster.default[*].id)`)
_CLUSTER_RESOURCE_NAME = re.compile(r"\b(aws_eks_cluster\.[\w-]+)(?:\[[^\]]*\])?\.(?:name|id)\b")
_EKS_MODULE_NAME = re.compile(r"\bmodule\.([\w-]+)\.cluster_(?:name|id)\b")
# the same from a local module whose cluster is not read here, whose outputs are its own (Cloud Posse's
# terraform-aws-eks-cluster: `eks_cluster_id`)
_LOCAL_MODULE_CLUSTER_NAME = re.compile(r"\bmodule\.([\w-]+)\.\w*cluster_(?:name|id)\b")
_FORCED_GETTER = re.compile(r"^[a-z0-9]+::")
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_SCP_LIKE = re.compile(r"^[^/@:]+@([^/:]+):")


def _whole_expression(raw: str) -> bool:
    """Whether an argument's value as python-hcl2 serializes it is one expression (`x` is kept as `${x}`; the
    old `"${x}"` form is the same value), not a template that builds another string around it."""
    inner = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    return inner.startswith("${") and _skip_interpolation(inner, 2) == len(inner)


def module_kind(source: str) -> str | None:
    """What a module call's `source` is: a registry address `[host/]namespace/name/system`, or a URL
    (`git::https://...`, `github.com/owner/repo`, `git@github.com:owner/repo.git`) where `//` starts a folder
    inside the package and `?ref=` picks a revision
    (https://developer.hashicorp.com/terraform/language/modules/sources). The repository or registry name
    must be the module's, whole: `terraform-aws-eks-blueprints` is not `terraform-aws-eks`."""
    text = _FORCED_GETTER.sub("", source.strip().lower())
    text = _URL_SCHEME.sub("", text.split("?", 1)[0])
    text = _SCP_LIKE.sub(r"\1/", text)
    package, _, folder = text.partition("//")
    parts = [p for p in package.split("/") if p]
    if not parts or package.startswith((".", "/")):
        return None  # a local path
    registry = "/".join(parts[-3:]) if len(parts) == 3 or (len(parts) == 4 and "." in parts[0]) else None
    repository = parts[-1].removesuffix(".git") if len(parts) >= 2 else None
    for address, repository_name, kinds in KNOWN_MODULES:
        if address == registry or repository_name == repository:
            return kinds.get(folder.strip("/"))
    if registry is not None and registry.split("/")[-2] in CLUSTER_MODULE_NAMES and not folder.strip("/"):
        return "unread-cluster"  # another author's EKS cluster module (`Young-ook/eks/aws`): its defaults are not known
    return None


# registry module names (`NAMESPACE/NAME/PROVIDER`) that say the module makes an EKS cluster
CLUSTER_MODULE_NAMES = frozenset({"eks", "eks-cluster"})


def _policy_actions(document: Any) -> list[str]:
    data = decoded(document)
    statements = data.get("Statement") if isinstance(data, Mapping) else None
    if isinstance(statements, Mapping):
        statements = [statements]
    actions: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        if isinstance(statement, Mapping) and statement.get("Effect", "Allow") == "Allow":
            action = statement.get("Action")
            actions.extend(a for a in (action if isinstance(action, list) else [action]) if isinstance(a, str))
    return actions


def _statement_actions(statement: Any) -> list[str]:
    """The actions a terraform-aws-eks `iam_role_policy_statements` item allows (`effect` defaults to Allow)."""
    if not isinstance(statement, dict) or str(statement.get("effect", "Allow")) == "Deny":
        return []
    actions = statement.get("actions")
    return [a for a in (actions if isinstance(actions, list) else [actions]) if isinstance(a, str)]


OLD_EKS_MODULE_NOTE = Text(
    "it is terraform-aws-eks older than v19, whose defaults this tool does not know: scan the module's "
    "directory, or upgrade the module",
    "v19 より前の terraform-aws-eks で、このツールはその既定値を知りません。モジュールのディレクトリを直接スキャンするか、"
    "モジュールを更新してください")


@dataclass(frozen=True, slots=True)
class LocalModule:
    """What a module called by a local path (`source = "../.."`, `"./modules/eks"`) is, from its files:
    `major` of terraform-aws-eks when it is a copy of that module, else why its cluster is not read
    (`not_read`, only when it defines an `aws_eks_cluster` or calls terraform-aws-eks)."""

    major: int | None = None
    not_read: Text | None = None
    # whether it may launch nodes for a cluster it is given (`nodes_launched`); a module not read (no folder, a
    # file that could not be read) may
    launches_nodes: bool = True
    # a copy of one of terraform-aws-eks's node group submodules ("eks-mng", "eks-self", as `module_kind` names
    # them): read like a call of the registry's (the terraform-aws-eks repository's own tests call them by path)
    node_group_kind: str | None = None


# A copy of terraform-aws-eks has the module's cluster resource and its node group and Fargate inputs;
# its major version shows in its input names: v21 renamed `cluster_endpoint_public_access` to
# `endpoint_public_access` (docs/UPGRADE-21.0.md), v20 added `access_entries` and dropped the aws-auth inputs
# (docs/UPGRADE-20.0.md), v19 added `node_security_group_enable_recommended_rules` (v19.0.0 variables.tf).
# v18 and older had other defaults (v18: a public endpoint, docs/UPGRADE-19.0.md), not read here.
EKS_MODULE_INPUTS = frozenset({"eks_managed_node_groups", "self_managed_node_groups", "fargate_profiles"})
OLDEST_EKS_MODULE_MAJOR = 19


# resources that launch EC2 instances, which join a cluster as its nodes
NODE_RESOURCES = frozenset({"aws_eks_node_group", "aws_autoscaling_group", "aws_instance", "aws_launch_configuration",
                            "aws_spot_fleet_request", "aws_spot_instance_request", "aws_ec2_fleet"})
_SOURCE_VALUE = re.compile(r'^\s*source\s*=\s*"([^"]*)"')


def nodes_launched(text: str, root: HclNode) -> bool:
    """Whether a `.tf` file of a local module may launch nodes: it declares an instance-launching resource, or
    calls a module other than those that make no node groups (`NO_UNREAD_NODE_GROUPS`), a local one included."""
    if any(n.labels[:1] and n.labels[0] in NODE_RESOURCES for n in root.children.get("resource", [])):
        return True
    lines = text.split("\n")
    for call in root.children.get("module", []):
        source = next((_SOURCE_VALUE.match(lines[n.line - 1]) for n in call.children.get("source", [])
                       if 0 < n.line <= len(lines)), None)
        if source is None or module_kind(source.group(1)) not in NO_UNREAD_NODE_GROUPS:
            return True
    return False


# what a copy of a terraform-aws-eks node group submodule defines: its group's resource and inputs that only
# that submodule has together (modules/eks-managed-node-group, modules/self-managed-node-group variables.tf)
NODE_GROUP_SUBMODULE_SHAPES: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "eks-mng": (("aws_eks_node_group", "this"), frozenset({
        "cluster_name", "use_custom_launch_template", "metadata_options", "iam_role_attach_cni_policy"})),
    "eks-self": (("aws_autoscaling_group", "this"), frozenset({
        "cluster_name", "metadata_options", "iam_role_attach_cni_policy", "instance_type"})),
}


def local_module(texts: list[str]) -> LocalModule:
    """The module whose `.tf` files are `texts` (python-hcl2 is not needed: the blocks' labels say it)."""
    resources: set[tuple[str, ...]] = set()
    variables: set[str] = set()
    launches = False
    for text in texts:
        root = index_hcl(text)
        resources.update(n.labels for n in root.children.get("resource", []))
        variables.update(n.labels[0] for n in root.children.get("variable", []) if n.labels)
        launches = launches or nodes_launched(text, root)
    clusters = [labels for labels in resources if labels[:1] == ("aws_eks_cluster",)]
    if not clusters:
        kind = next((kind for kind, (resource, inputs) in NODE_GROUP_SUBMODULE_SHAPES.items()
                     if resource in resources and variables >= inputs), None)
        return LocalModule(launches_nodes=launches, node_group_kind=kind)
    if ("aws_eks_cluster", "this") in clusters and variables >= EKS_MODULE_INPUTS:
        if "endpoint_public_access" in variables:
            return LocalModule(21)
        if variables >= {"cluster_endpoint_public_access", "access_entries"}:
            return LocalModule(20)
        if variables >= {"cluster_endpoint_public_access", "manage_aws_auth_configmap",
                         "node_security_group_enable_recommended_rules"}:
            return LocalModule(19)
        return LocalModule(None, OLD_EKS_MODULE_NOTE)
    return LocalModule(None, Text(
        "it defines `aws_eks_cluster` but is not a copy of terraform-aws-eks, so the call's inputs are not "
        "applied to it: scan the module's directory (its variables' defaults are used there)",
        "`aws_eks_cluster` を定義していますが terraform-aws-eks のコピーではないため、呼び出しの入力は適用されません。"
        "モジュールのディレクトリを直接スキャンしてください（そこでは変数の既定値が使われます）"))


# aws-ia/eks-blueprints-addons flags that install a Helm chart (the module's per-addon `helm_release`, chart
# name as its main.tf sets it): those EKS603 reads
BLUEPRINTS_ADDON_CHARTS = {
    "enable_metrics_server": "metrics-server",
    "enable_kube_prometheus_stack": "kube-prometheus-stack",
    "enable_aws_cloudwatch_metrics": "aws-cloudwatch-metrics",
}


def _helm_chart(v: View, pointer: str) -> HelmChart:
    """The chart at `pointer`, or why it is not known before apply."""
    chart = v.known_text(pointer)
    if chart is not None:
        return HelmChart(chart, v.origin(pointer))
    return HelmChart(None, v.origin(pointer), _not_known_before_apply(pointer, v.get(pointer)))


def label_enabled(call: View, label: str) -> Any:
    """The `enabled` output of a cloudposse/label/null call: its `enabled` input, or when that is null, the
    `enabled` of its `context` input, whose default is true (terraform-null-label main.tf:
    `enabled = var.enabled == null ? var.context.enabled : var.enabled`, outputs.tf `enabled = local.enabled`,
    variables.tf `context` default `enabled = true`). Cloud Posse modules gate every resource on it."""
    written = f"module.{label}.enabled"
    enabled = call.get("enabled")
    if enabled is NOVALUE:
        if not call.written("context"):
            return True
        context = call.get("context")
        if not isinstance(context, Mapping):
            reason = context.reason if isinstance(context, Unknown) else "its context is not an object"
            return Unknown(f"the context of module {label} is not known ({reason})", written)
        enabled = context.get("enabled", NOVALUE)
    if isinstance(enabled, bool):
        return enabled
    if isinstance(enabled, Unknown):
        return Unknown(enabled.reason, written)
    return Unknown(f"module {label} is given no boolean `enabled`", written)


class Builder:
    """One module (a directory, or a plan) → clusters with their network. `local_modules` says what the modules
    called by a local path are (by `source` as written); `warn` reports a module call whose cluster is not
    read; `node_groups_elsewhere` reports node groups made here for the cluster of such a local module (by its
    `source` as written), which the scan may read in that module's own directory."""

    def __init__(self, module: Module, stem: str, local_modules: Mapping[str, LocalModule] | None = None,
                 warn: Callable[[Origin, Text], None] | None = None,
                 node_groups_elsewhere: Callable[[str, UnreadNodeGroups], None] | None = None) -> None:
        self.m = module
        self.stem = stem
        self.local_modules = local_modules or {}
        self.network = Network()
        self.vpcs: dict[str, Vpc] = {}
        self.endpoint_vpcs: list[tuple[VpcEndpoint, str | None]] = []
        # VPC endpoints whose service is not known before apply: why, and the VPC they are in
        self.unknown_endpoints: list[tuple[Text, str | None]] = []
        self.clusters: dict[str, Cluster] = {}
        self.by_name: dict[str, Cluster] = {}
        self.roles: dict[str, tuple[list[str], Origin]] = {}
        self.role_names: dict[str, str] = {}
        self.profiles: dict[str, str] = {}
        self.used_templates: set[str] = set()
        self.vpc_modules: dict[str, VpcModule] = {}
        self.eks_modules: dict[str, EksModule] = {}
        # cloudposse/label/null calls (`module "this"` of every Cloud Posse module's context.tf)
        self.label_modules: dict[str, HclView] = {}
        # local module calls that define a cluster not read here: label -> source as written
        self.unread_cluster_calls: dict[str, str] = {}
        self.node_groups_elsewhere = node_groups_elsewhere
        self.eks_context = False
        if isinstance(module, HclModule):
            module.module_output = self.module_output
            # labels first: the `count` of another call may read `module.this.enabled` (Cloud Posse's
            # `module "ssh_access" { count = local.need_ssh_access_sg ? 1 : 0 }`), and locals are evaluated once
            self.label_modules = {c.label: c.view for c in module.calls if module_kind(c.source) == "label"}
            module.calls = [c for c in module.calls if module.exists(c.view)]
            for call in module.calls:
                kind = module_kind(call.source)
                local = self.local_modules.get(call.source) if kind is None else None
                if (kind == "eks" or (local is not None and local.major is not None)) \
                        and call.view.get("create") is False:
                    continue  # terraform-aws-eks main.tf: every resource has `count = local.create ? 1 : 0`
                if kind == "vpc":
                    self.vpc_modules[call.label] = VpcModule(call, self)
                elif kind == "eks":
                    eks = EksModule(call, self)
                    if eks.major >= OLDEST_EKS_MODULE_MAJOR:
                        self.eks_modules[call.label] = eks
                    elif warn is not None:
                        warn(call.view.origin("version" if call.version else "source"), Text(
                            f"the cluster of module `{call.label}` (terraform-aws-eks v{eks.major}) is not evaluated: "
                            f"{OLD_EKS_MODULE_NOTE.en}",
                            f"モジュール `{call.label}`（terraform-aws-eks v{eks.major}）のクラスターは評価されません: "
                            f"{OLD_EKS_MODULE_NOTE.ja}"))
                elif kind == "unread-cluster" and warn is not None:
                    warn(call.view.origin("source"), Text(
                        f"the cluster of module `{call.label}` (source {call.source}) is not evaluated: this tool does "
                        "not know that module's defaults; scan its plan (`terraform show -json plan.out > plan.json`)",
                        f"モジュール `{call.label}`（source {call.source}）のクラスターは評価されません: このツールはそのモジュールの"
                        "既定値を知りません。プラン（`terraform show -json plan.out > plan.json`）をスキャンしてください"))
                elif local is not None and local.major is not None:
                    self.eks_modules[call.label] = EksModule(call, self, local.major)
                elif local is not None and local.not_read is not None:
                    self.unread_cluster_calls[call.label] = call.source
                    if warn is None:
                        continue
                    warn(call.view.origin("source"), Text(
                        f"the cluster of module `{call.label}` (source {call.source}) is not evaluated: "
                        f"{local.not_read.en}",
                        f"モジュール `{call.label}`（source {call.source}）のクラスターは評価されません: {local.not_read.ja}"))

    # references

    def resource(self, value: Any) -> Resource | None:
        if isinstance(value, TFRef):
            return self.m.resources.get(value.address)
        return None

    def ident(self, value: Any) -> str | None:
        if isinstance(value, TFRef):
            found = self.m.resources.get(value.address)
            base = found.ident if found else value.address
            return base if value.attr in ("", "id") else f"{base}.{value.attr}"
        if isinstance(value, bool) or value is None or value is NOVALUE:
            return None
        if isinstance(value, (str, int)):
            return str(value)
        if isinstance(value, Unknown):
            return value.text
        return None

    def subnet_ids(self, view: View, pointer: str) -> list[str]:
        """The subnets an argument names; when it is written but not evaluated here (`sort(...)`, `compact(...)`),
        one id that stands for them, not described here (so the subnet rules say `unknown`, not what the
        fallback subnets would give); [] when it is not written, or written as an empty list."""
        value = view.get(pointer)
        found = self.idents(value)
        if found or value is NOVALUE or value == []:
            return found
        raw = view.body.get(pointer) if isinstance(view, HclView) and isinstance(view.body, dict) else None
        return [f"({text_of(value) or _written(None, raw) or pointer})"]

    def idents(self, value: Any) -> list[str]:
        if isinstance(value, list):
            out: list[str] = []
            for item in value:
                out.extend(self.idents(item))
            return out
        found = self.ident(value)
        return [found] if found else []

    def module_output(self, label: str, name: str) -> Any:
        if label in self.vpc_modules:
            return self.vpc_modules[label].output(name)
        if label in self.eks_modules:
            return self.eks_modules[label].output(name)
        if label in self.label_modules and name == "enabled":
            return label_enabled(self.label_modules[label], label)
        return Unknown(f"output {name} of module {label}", f"module.{label}.{name}")

    # network

    def build_network(self) -> None:
        net = self.network
        for vpc_resource in self.m.of_type("aws_vpc"):
            v = vpc_resource.view
            # aws_vpc: enable_dns_support defaults to true, enable_dns_hostnames to false (eks-domain.md §3.1)
            vpc = Vpc(vpc_resource.ident, v.origin(), v.known_text("cidr_block"),
                      v.value("enable_dns_support", as_bool, True, PROVIDER, anchor=v.origin()),
                      v.value("enable_dns_hostnames", as_bool, False, PROVIDER, Text(
                          "`enable_dns_hostnames` is not set; the VPC is created with DNS hostnames off",
                          "`enable_dns_hostnames` が未設定のため、VPC は DNS ホスト名が無効で作成されます"), v.origin()))
            self.vpcs[vpc.id] = vpc
            # a new VPC's main route table holds only the local route
            net.route_tables[f"{vpc.id}.main_route_table"] = RouteTable(
                f"{vpc.id}.main_route_table", vpc.id, [Route(vpc.cidr or "local", "local", "local")], main=True)
        for module in self.vpc_modules.values():
            module.build(net, self.vpcs)
        for sub in self.m.of_type("aws_subnet"):
            v = sub.view
            az = v.value("availability_zone", as_str, None, PROVIDER)
            if not v.written("availability_zone") and v.written("availability_zone_id"):
                az = v.value("availability_zone_id", as_str, None, PROVIDER)
            tags = v.get("tags")
            # aws_subnet: map_public_ip_on_launch defaults to false (eks-domain.md §3.1)
            net.subnets[sub.ident] = Subnet(
                sub.ident, v.origin(), self.ident(v.get("vpc_id")), az, v.known_text("cidr_block"),
                v.value("map_public_ip_on_launch", as_bool, False, PROVIDER, anchor=v.origin()),
                {str(k): text_of(t) or "" for k, t in tags.items()} if isinstance(tags, dict) else {})
        for table in self.m.of_type("aws_route_table"):
            v = table.view
            routes = [r for r in (self.route(block) for block in v.blocks("route")) if r]
            net.route_tables[table.ident] = RouteTable(table.ident, self.ident(v.get("vpc_id")), routes,
                                                       origin=v.origin())
        for table in self.m.of_type("aws_default_route_table"):
            v = table.view
            vpc_id = self.ident(v.get("default_route_table_id"))
            vpc_id = vpc_id.rsplit(".default_route_table_id", 1)[0] if vpc_id else None
            routes = [r for r in (self.route(block) for block in v.blocks("route")) if r]
            for key in [k for k, t in net.route_tables.items() if t.main and t.vpc_id == vpc_id]:
                del net.route_tables[key]
            net.route_tables[table.ident] = RouteTable(table.ident, vpc_id, routes, main=True, origin=v.origin())
        for route_resource in self.m.of_type("aws_route"):
            target_table = net.route_tables.get(self.ident(route_resource.view.get("route_table_id")) or "")
            route = self.route(route_resource.view, prefix="destination_")
            if target_table is not None and route is not None:
                target_table.routes.append(route)
        for association in self.m.of_type("aws_route_table_association"):
            subnet = net.subnets.get(self.ident(association.view.get("subnet_id")) or "")
            if subnet is not None:
                subnet.route_table_id = self.ident(association.view.get("route_table_id"))
        for main in self.m.of_type("aws_main_route_table_association"):
            vpc_id = self.ident(main.view.get("vpc_id"))
            main_table = net.route_tables.get(self.ident(main.view.get("route_table_id")) or "")
            if main_table is None:
                continue
            for key in [k for k, t in net.route_tables.items() if t.main and t.vpc_id == vpc_id]:
                del net.route_tables[key]
            main_table.main = True
            main_table.vpc_id = main_table.vpc_id or vpc_id
        net.internet_gateways += [r.ident for r in self.m.of_type("aws_internet_gateway")]
        net.nat_gateways += [r.ident for r in self.m.of_type("aws_nat_gateway")]
        for endpoint in self.m.of_type("aws_vpc_endpoint"):
            v = endpoint.view
            service = endpoint_service(v.text("service_name"))
            if service and "${" in service:
                self.unknown_endpoints.append((_not_known_before_apply("service_name", v.get("service_name")),
                                               self.ident(v.get("vpc_id"))))
            elif service:
                # aws_vpc_endpoint: vpc_endpoint_type defaults to Gateway (provider docs; eks-domain.md §2)
                found = VpcEndpoint(service, v.known_text("vpc_endpoint_type") or "Gateway", v.origin("service_name"))
                self.endpoint_vpcs.append((found, self.ident(v.get("vpc_id"))))
        if isinstance(self.m, HclModule):
            for call in self.m.calls:
                if module_kind(call.source) == "vpc-endpoints":
                    self.endpoint_module(call)
        net.endpoints = [e for e, _ in self.endpoint_vpcs]
        self.security_groups()

    def route(self, v: View, prefix: str = "") -> Route | None:
        destination = None
        for key in (f"{prefix}cidr_block", f"{prefix}ipv6_cidr_block", "destination_prefix_list_id",
                    "destination_cidr_block", "destination_ipv6_cidr_block", "cidr_block", "ipv6_cidr_block"):
            found = v.get(key)
            if found is not NOVALUE:
                destination = text_of(found) or "unknown"
                break
        if destination is None:
            return None
        for key, kind in ROUTE_TARGETS:
            target = v.get(key)
            if target is NOVALUE or target == "":
                continue
            if kind is None:
                found = self.resource(target)
                if found is not None:
                    kind = {"aws_internet_gateway": "igw", "aws_vpn_gateway": "other",
                            "aws_nat_gateway": "nat"}.get(found.type, "other")
                elif isinstance(target, str):
                    kind = "local" if target == "local" else ("igw" if target.startswith("igw-") else "other")
                elif isinstance(target, TFRef) and ".igw" in target.address:
                    kind = "igw"
                else:
                    kind = "unknown"
            return Route(destination, kind, self.ident(target), v.origin(key))
        return Route(destination, "unknown", None, v.origin())

    def endpoint_module(self, call: ModuleCall) -> None:
        v = call.view
        vpc_id = self.ident(v.get("vpc_id"))
        endpoints = v.get("endpoints")
        if endpoints is not NOVALUE and not isinstance(endpoints, dict):
            self.unknown_endpoints.append((_not_known_before_apply("endpoints", endpoints), vpc_id))
            return
        for key in v.keys("endpoints"):
            item = v.sub(f"endpoints.{key}")
            service = item.known_text("service") or endpoint_service(item.text("service_name"))
            named_by = "service" if item.written("service") else "service_name"
            if (service is None and item.written(named_by)) or "${" in (service or ""):
                pointer = f"endpoints.{key}.{named_by}"
                self.unknown_endpoints.append((_not_known_before_apply(pointer, item.get(named_by)), vpc_id))
            elif service:
                # terraform-aws-modules/vpc//modules/vpc-endpoints: service_type defaults to Interface
                kind = item.known_text("service_type") or "Interface"
                self.endpoint_vpcs.append((VpcEndpoint(service, kind, item.origin()), vpc_id))

    def security_groups(self) -> None:
        net = self.network
        for group in self.m.of_type("aws_security_group"):
            v = group.view
            sg = SecurityGroup(group.ident, v.origin(), v.text("name") or v.text("description"),
                               self.ident(v.get("vpc_id")))
            for direction in ("ingress", "egress"):
                for block in v.blocks(direction):
                    sg.rules.extend(self.sg_rules(direction, block, group.ident))
            # aws_security_group: Terraform removes the default allow-all egress rule; none unless written
            net.security_groups[group.ident] = sg
        for rule in self.m.of_type("aws_security_group_rule"):
            v = rule.view
            direction = v.known_text("type") or "ingress"
            self.sg(self.ident(v.get("security_group_id")), v).rules.extend(
                self.sg_rules(direction, v, self.ident(v.get("security_group_id")) or ""))
        for kind, direction in (("aws_vpc_security_group_ingress_rule", "ingress"),
                                ("aws_vpc_security_group_egress_rule", "egress")):
            for rule in self.m.of_type(kind):
                v = rule.view
                protocol = PROTOCOLS.get(str(v.known_text("ip_protocol") or "-1").lower(), "-1")
                cidr = v.known_text("cidr_ipv4") or v.known_text("cidr_ipv6") or v.text("prefix_list_id")
                source = self.ident(v.get("referenced_security_group_id"))
                # a CIDR not known before apply (`cidr_ipv4 = var.x`) is an unknown peer, not no peer
                peer_unknown = next((_not_known_before_apply(key, v.get(key)) for key in ("cidr_ipv4", "cidr_ipv6")
                                     if v.get(key) is not NOVALUE and v.known_text(key) is None), None)
                self.sg(self.ident(v.get("security_group_id")), v).rules.append(SecurityGroupRule(
                    direction, protocol, as_int(v.get("from_port")), as_int(v.get("to_port")), cidr, source,
                    v.text("description"), v.origin(), peer_unknown))

    def sg(self, sg_id: str | None, v: View) -> SecurityGroup:
        key = sg_id or f"{v.address}.security_group"
        found = self.network.security_groups.get(key)
        if found is None:
            found = SecurityGroup(key, v.origin(), key,
                                  managed_by="EKS" if key.endswith("cluster_security_group_id") else None)
            self.network.security_groups[key] = found
        return found

    def sg_rules(self, direction: str, v: View, own: str) -> list[SecurityGroupRule]:
        protocol = PROTOCOLS.get(str(text_of(v.get("protocol")) or "-1").lower(), str(text_of(v.get("protocol"))))
        low, high = as_int(v.get("from_port")), as_int(v.get("to_port"))
        ports_unknown: Text | None = None
        if protocol == "-1":
            low, high = None, None
        elif not (_known(v.get("from_port")) and _known(v.get("to_port"))):
            ports_unknown = _not_known_before_apply("from_port", v.get("from_port"))
        description = v.text("description")
        rules: list[SecurityGroupRule] = []
        for key in ("cidr_blocks", "ipv6_cidr_blocks"):
            found = v.get(key)
            if found is NOVALUE:
                continue
            for item in found if isinstance(found, list) else [found]:
                known = isinstance(item, str) and _known(item)
                rules.append(SecurityGroupRule(
                    direction, protocol, low, high, item if known else None, None, description, v.origin(key),
                    ports_unknown if known else _not_known_before_apply(key, item)))
        for key in ("security_groups", "source_security_group_id"):
            for source in self.idents(v.get(key)):
                rules.append(SecurityGroupRule(direction, protocol, low, high, None, source, description,
                                               v.origin(key)))
        if v.get("self") is True:
            rules.append(SecurityGroupRule(direction, protocol, low, high, None, own, description, v.origin("self")))
        for prefix_list in self.idents(v.get("prefix_list_ids")):
            rules.append(SecurityGroupRule(direction, protocol, low, high, prefix_list, None, description,
                                           v.origin("prefix_list_ids")))
        return rules

    # IAM

    def build_iam(self) -> None:
        for role in self.m.of_type("aws_iam_role"):
            v = role.view
            policies = [p for p in (text_of(a) for a in (v.get("managed_policy_arns") or [])
                                    if isinstance(v.get("managed_policy_arns"), list)) if p]
            for block in v.blocks("inline_policy"):
                policies.append(f"inline:{block.text('name') or 'policy'}")
                if "*" in _policy_actions(block.get("policy")):
                    policies.append("*")
            self.roles[role.address] = (policies, v.origin())
            name = v.known_text("name")
            if name:
                self.role_names[name] = role.address
        for attachment in self.m.of_type("aws_iam_role_policy_attachment"):
            address = self.role_address(attachment.view.get("role"))
            arn = attachment.view.text("policy_arn")
            if address in self.roles and arn:
                self.roles[address][0].append(arn)
        for policy in self.m.of_type("aws_iam_role_policy"):
            address = self.role_address(policy.view.get("role"))
            if address in self.roles:
                self.roles[address][0].append(f"inline:{policy.view.text('name') or policy.name}")
                if "*" in _policy_actions(policy.view.get("policy")):
                    self.roles[address][0].append("*")
        for profile in self.m.of_type("aws_iam_instance_profile"):
            address = self.role_address(profile.view.get("role"))
            if address:
                self.profiles[profile.address] = address

    def role_address(self, value: Any) -> str | None:
        if isinstance(value, TFRef):
            return value.address
        if isinstance(value, str):
            return self.role_names.get(value.rsplit("/", 1)[-1])
        return None

    def role_policies(self, value: Any, origin: Origin) -> Value[list[str]]:
        address = self.role_address(value)
        if address and address in self.profiles:
            address = self.profiles[address]
        if address and address in self.roles:
            policies, where = self.roles[address]
            return declared(policies, where)
        return unknown(origin, Text("the node role is defined outside this module; its policies are not here",
                                    "ノードロールはこのモジュールの外で定義されており、ポリシーはここにありません"))

    # clusters

    def cluster_network(self, subnet_ids: list[str], sg_ids: list[str]) -> Network:
        net = self.network
        vpc_ids = {net.subnets[s].vpc_id for s in subnet_ids if s in net.subnets}
        vpc_ids |= {net.security_groups[s].vpc_id for s in sg_ids if s in net.security_groups}
        vpc_ids.discard(None)
        vpc_id = next(iter(vpc_ids)) if len(vpc_ids) == 1 else (next(iter(self.vpcs)) if len(self.vpcs) == 1 else None)
        vpc = self.vpcs.get(vpc_id or "")
        endpoints = [e for e, owner in self.endpoint_vpcs if vpc is None or owner in (vpc.id, None)]
        network = Network(vpc, net.subnets, net.route_tables, net.security_groups, endpoints, vpc is not None,
                          list(net.internet_gateways), list(net.nat_gateways))
        network.endpoints_unknown = next(
            (why for why, owner in self.unknown_endpoints if vpc is None or owner in (vpc.id, None)), None)
        return network

    def zones(self, subnet_ids: list[str], origin: Origin) -> Value[list[str]]:
        found: set[str] = set()
        if not subnet_ids:
            return unknown(origin, Text("the cluster's subnets are not known", "クラスターのサブネットが不明です"))
        missing: str | None = None
        for subnet_id in subnet_ids:
            subnet = self.network.subnets.get(subnet_id)
            if subnet is None or subnet.availability_zone is None or not subnet.availability_zone.known \
                    or not subnet.availability_zone.value:
                missing = missing or subnet_id
                continue
            found.add(subnet.availability_zone.value)
        if missing is not None and len(found) < 2:  # two known zones already answer "more than one"
            return unknown(origin, Text(
                f"the Availability Zone of subnet {missing} is not known before apply",
                f"サブネット {missing} のアベイラビリティーゾーンは apply 前には不明です"))
        return declared(sorted(found), origin)

    def cluster_for(self, value: Any, origin: Origin) -> Cluster:
        if isinstance(value, TFRef) and value.address in self.clusters:
            return self.clusters[value.address]
        name = value if isinstance(value, str) else None
        if name and name in self.by_name:
            return self.by_name[name]
        real = [c for key, c in self.clusters.items() if not key.startswith("stub:")]
        if name is None and len(real) == 1:
            return real[0]
        stub = name or (text_of(value) or self.stem).replace("${", "").replace("}", "")
        key = f"stub:{stub}"
        if key not in self.clusters:
            cluster = Cluster(name=stub, source="terraform", origin=origin, network=self.cluster_network([], []))
            cluster.notes.append(Text(f"cluster {stub} is defined outside this module",
                                      f"クラスター {stub} はこのモジュールの外で定義されています"))
            self.clusters[key] = cluster
            self.by_name.setdefault(stub, cluster)
        return self.clusters[key]

    def read_cluster(self, resource: Resource) -> Cluster:
        v = resource.view
        name = v.known_text("name") or resource.name
        vc = v.sub("vpc_config")
        anchor = v.origin("vpc_config") if v.written("vpc_config") else v.origin()
        # EKS API VpcConfigRequest (the provider's defaults mirror it): endpoint_public_access true,
        # endpoint_private_access false, public_access_cidrs ["0.0.0.0/0"] (eks-domain.md §3.1)
        public = vc.value("endpoint_public_access", as_bool, True, EKS, Text(
            "`endpoint_public_access` is not set; EKS turns the public endpoint on",
            "`endpoint_public_access` が未設定のため、EKS はパブリックエンドポイントを有効にします"), anchor)
        private = vc.value("endpoint_private_access", as_bool, False, EKS, Text(
            "`endpoint_private_access` is not set; EKS leaves the private endpoint off",
            "`endpoint_private_access` が未設定のため、EKS はプライベートエンドポイントを無効のままにします"), anchor)
        cidrs = vc.str_list("public_access_cidrs", ["0.0.0.0/0"], EKS, Text(
            "`public_access_cidrs` is not set; EKS allows 0.0.0.0/0",
            "`public_access_cidrs` が未設定のため、EKS は 0.0.0.0/0 を許可します"), anchor)
        # enabled_cluster_log_types: none by default (eks-domain.md §3.1)
        logs = v.str_list("enabled_cluster_log_types", [], EKS, Text(
            "`enabled_cluster_log_types` is not set; no control-plane log types are enabled",
            "`enabled_cluster_log_types` が未設定のため、コントロールプレーンのログは有効になりません"), v.origin())
        key: Value[str | None] = defaulted(None, EKS, v.origin(), Text(
            "`encryption_config` is not set; secrets use EKS's AWS-owned key",
            "`encryption_config` が未設定のため、Secret は EKS の AWS 所有キーで暗号化されます"))
        encryption_absent = v.maybe_absent("encryption_config")
        if v.written("encryption_config") and encryption_absent is not None:
            key = unknown(v.origin("encryption_config"), encryption_absent)
        elif v.written("encryption_config"):
            found = v.get("encryption_config.provider.key_arn")
            key = declared(text_of(found) or "(a KMS key)", v.origin("encryption_config.provider.key_arn"))
        if v.written("access_config"):
            access = v.origin("access_config")
            auth = v.value("access_config.authentication_mode", as_str, "CONFIG_MAP", EKS, None, access)
            access_absent = v.maybe_absent("access_config")
            if access_absent is not None:  # without the block, EKS makes the creator an admin (below)
                creator = unknown(access, access_absent)
            else:
                # the provider sends false when the block is present and the flag unset (eks-domain.md §3.1)
                creator = v.value("access_config.bootstrap_cluster_creator_admin_permissions", as_bool, False,
                                  PROVIDER, Text("`access_config` without `bootstrap_cluster_creator_admin_permissions`: "
                                                 "the provider sends false",
                                                 "`bootstrap_cluster_creator_admin_permissions` のない `access_config` "
                                                 "では、プロバイダーは false を送ります"), access)
        else:
            # no access_config block: the EKS API defaults apply (CONFIG_MAP, creator admin true; eks-domain.md §3.1)
            auth = defaulted("CONFIG_MAP", EKS, v.origin(), Text(
                "no `access_config` block; EKS uses CONFIG_MAP", "`access_config` ブロックがないため、EKS は CONFIG_MAP を使います"))
            creator = defaulted(True, EKS, v.origin(), Text(
                "no `access_config` block; EKS makes the creator a cluster admin",
                "`access_config` ブロックがないため、EKS は作成者をクラスター管理者にします"))
        version = v.value("version", as_str, None, EKS, Text(
            "`version` is not set; EKS creates the cluster with its default (latest) version, unknown here",
            "`version` が未設定のため、EKS は既定（最新）のバージョンで作成します。ここでは不明です"), v.origin())
        if version.known and version.value == "":
            # the provider sends `version` only when it is not empty (resourceClusterCreate: d.GetOk("version")),
            # so a module's `default = ""` leaves the choice to EKS
            version = defaulted(None, EKS, version.origin, Text(
                "`version` is empty, so the provider does not send it; EKS creates the cluster with its default "
                "(latest) version, unknown here",
                "`version` が空のため、プロバイダーは送信しません。EKS は既定（最新）のバージョンで作成します。ここでは不明です"))
        subnet_ids = self.idents(vc.get("subnet_ids"))
        sg_ids = self.idents(vc.get("security_group_ids"))
        primary = f"{resource.ident}.vpc_config.cluster_security_group_id"
        cluster = Cluster(
            name=name, source="terraform", origin=v.origin("name") if v.written("name") else v.origin(),
            version=version, endpoint_public_access=public, endpoint_private_access=private,
            public_endpoint_cidrs=cidrs, log_types=logs, secrets_kms_key=key, authentication_mode=auth,
            bootstrap_creator_admin=creator, control_plane_security_group_ids=sg_ids,
            control_plane_subnet_ids=subnet_ids, cluster_security_group_id=primary,
            access_entries=[], addons=[], uses_cloudwatch_logging=bool(logs.value),
            # aws_eks_cluster kubernetes_network_config.ip_family: the EKS API's ipv4 when not set
            ip_family=v.value("kubernetes_network_config.ip_family", as_str, "ipv4", EKS, None, v.origin()))
        cluster.network = self.cluster_network(subnet_ids, sg_ids)
        subnets_origin = vc.origin("subnet_ids")
        cluster.cluster_subnet_azs = self.zones(subnet_ids, subnets_origin)
        cluster.control_plane_in_public_subnets = subnets_public(cluster.network, subnet_ids, subnets_origin)
        cluster.irsa_enabled = defaulted(False, PROVIDER, v.origin(), OIDC_NOTE)
        auto_mode = v.value("compute_config.enabled", as_bool, False, EKS)
        cluster.pod_identity_enabled = (declared(True, auto_mode.origin) if auto_mode.value
                                        else defaulted(False, EKS, v.origin(), POD_IDENTITY_NOTE))
        return cluster

    # node groups

    def launch_template(self, v: View, prefix: str = "") -> Resource | None:
        """The template a `launch_template` block names by `id` or `name`; an Auto Scaling group's
        `mixed_instances_policy.launch_template.launch_template_specification` names it by
        `launch_template_id` or `launch_template_name` (`prefix` "launch_template_")."""
        for key in (f"{prefix}id", f"{prefix}name"):
            value = v.get(key)
            found = self.resource(value)
            if found is not None and found.type == "aws_launch_template":
                return found
            if isinstance(value, str):
                for template in self.m.of_type("aws_launch_template"):
                    if value in (template.ident, template.view.known_text("name")):
                        return template
        return None

    def from_launch_template(self, group: NodeGroup, lt: Resource, cluster: Cluster) -> None:
        self.used_templates.add(lt.address)
        v = lt.view
        meta = v.origin("metadata_options") if v.written("metadata_options") else v.origin()
        # aws_launch_template metadata_options: http_tokens "optional", hop limit 1 (EC2 API defaults;
        # eks-domain.md §3.1)
        group.imds_http_tokens = v.value("metadata_options.http_tokens", as_str, "optional", EC2, Text(
            "`metadata_options.http_tokens` is not set; EC2 defaults to optional (IMDSv1 allowed) unless the AMI "
            "or the account's IMDS defaults require IMDSv2",
            "`metadata_options.http_tokens` が未設定のため、AMI やアカウントの IMDS デフォルトが IMDSv2 を必須にしない限り "
            "EC2 は optional（IMDSv1 を許可）にします"), meta)
        group.imds_hop_limit = v.value("metadata_options.http_put_response_hop_limit", as_int, 1, EC2, None, meta)
        group.volume_encrypted = self.root_encryption(v, v.origin())
        instance_type = v.known_text("instance_type")
        if instance_type:
            group.instance_types = declared([instance_type], v.origin("instance_type"))
        sgs = self.idents(v.get("vpc_security_group_ids")) + self.idents(v.get("security_group_names"))
        for interface in v.blocks("network_interfaces"):
            sgs += self.idents(interface.get("security_groups"))
        if sgs:
            # EKS: when the launch template lists security groups, the cluster SG is not added (eks-domain.md §2)
            group.security_group_ids = list(dict.fromkeys(self.normalise_sg(s, cluster) for s in sgs))
            group.attaches_cluster_sg = False
        profile = v.get("iam_instance_profile.arn")
        if profile is NOVALUE:
            profile = v.get("iam_instance_profile.name")
        if profile is not NOVALUE:
            group.role_policies = self.role_policies(TFRef(profile.address) if isinstance(profile, TFRef)
                                                     else profile, v.origin("iam_instance_profile"))
        key = v.text("key_name")
        if key:
            windows = group.ssh.windows if group.ssh else False
            where = v.origin("key_name")
            group.ssh = SshAccess(declared(True, where),
                                  declared(group.security_group_ids or [cluster.cluster_security_group_id or ""], where),
                                  declared(key, where), windows)

    @staticmethod
    def normalise_sg(sg_id: str, cluster: Cluster) -> str:
        if sg_id.endswith("cluster_security_group_id") and cluster.cluster_security_group_id:
            return cluster.cluster_security_group_id
        return sg_id

    @staticmethod
    def root_encryption(v: View, anchor: Origin) -> Value[bool]:
        blocks = v.blocks("block_device_mappings")
        chosen: View | None = None
        for block in blocks:
            root = block.known_text("device_name") in ("/dev/xvda", "/dev/sda1")
            if chosen is None or root:
                chosen = block
            if root:
                break
        if chosen is None:
            return defaulted(None, EC2, anchor, LT_ENCRYPTION_NOTE)
        return chosen.value("ebs.encrypted", as_bool, None, EC2, LT_ENCRYPTION_NOTE, chosen.origin())

    def remote_access(self, group: NodeGroup, v: View, pointer: str, windows: bool) -> None:
        absent = v.maybe_absent(pointer)
        if absent is not None:
            group.ssh = SshAccess(unknown(v.origin(pointer), absent), defaulted([], EKS, v.origin(pointer)),
                                  windows=windows)
            return
        key = v.text(f"{pointer}.ec2_ssh_key")
        if not key:
            return
        where = v.origin(pointer)
        sources = self.idents(v.get(f"{pointer}.source_security_group_ids"))
        # EKS RemoteAccessConfig: without source security groups the port is open to 0.0.0.0/0 (eks-domain.md §3.1)
        group.ssh = SshAccess(declared(True, v.origin(f"{pointer}.ec2_ssh_key")),
                              declared(sources, where) if v.written(f"{pointer}.source_security_group_ids")
                              else defaulted([], EKS, where, OPEN_REMOTE_ACCESS_NOTE),
                              declared(key, v.origin(f"{pointer}.ec2_ssh_key")), windows)
        port = RDP_PORT if windows else SSH_PORT
        sg_id = f"{v.address}.remote_access_security_group"
        sg = SecurityGroup(sg_id, where, f"eks-remoteAccess ({group.name})", managed_by="EKS-remote-access")
        if sources:
            sg.rules = [SecurityGroupRule("ingress", "tcp", port, port, source_group=s, origin=where) for s in sources]
        else:
            # EKS RemoteAccessConfig: a key without source SGs opens port 22 (3389 on Windows) to 0.0.0.0/0
            # (eks-domain.md §3.1)
            sg.rules = [SecurityGroupRule("ingress", "tcp", port, port, cidr="0.0.0.0/0",
                                          description="EKS remote access without source security groups",
                                          origin=where)]
            group.remote_access_cidrs = ["0.0.0.0/0"]
            group.remote_access_origin = where
        self.network.security_groups[sg_id] = sg
        group.security_group_ids.append(sg_id)

    @staticmethod
    def launch_template_unknown(group: NodeGroup, where: Origin, why: Text) -> None:
        """The node settings a launch template decides, when which template the group uses is not known."""
        group.imds_http_tokens = unknown(where, why)
        group.imds_hop_limit = unknown(where, why)
        group.volume_encrypted = unknown(where, why)

    def label(self, resource: Resource) -> str:
        """The name a node group or Fargate profile takes when its own is not known: its resource's, with the
        instance key (`ng["a"]`, `ng[0]`) when that resource has several instances, which are several groups."""
        base = f"{resource.type}.{resource.name}"
        if sum(r.name == resource.name for r in self.m.of_type(resource.type)) < 2 or base not in resource.address:
            return resource.name
        return resource.name + resource.address[resource.address.index(base) + len(base):]

    def read_node_group(self, resource: Resource) -> None:
        v = resource.view
        cluster = self.cluster_for(v.get("cluster_name"), v.origin())
        name = v.known_text("node_group_name") or self.label(resource)
        windows = (v.known_text("ami_type") or "").upper().startswith("WINDOWS")
        group = NodeGroup(name, "managed", v.origin("node_group_name") if v.written("node_group_name") else v.origin(),
                          subnet_ids=self.idents(v.get("subnet_ids")), subnets_origin=v.origin("subnet_ids"))
        group.role_policies = self.role_policies(v.get("node_role_arn"), v.origin("node_role_arn"))
        group.ssh = SshAccess(defaulted(False, EKS, v.origin()), defaulted([], EKS, v.origin()), windows=windows)
        lt = self.launch_template(v.sub("launch_template")) if v.written("launch_template") else None
        lt_absent = v.maybe_absent("launch_template") if v.written("launch_template") else None
        if lt_absent is not None:  # the launch template, or EKS's default one and `remote_access`
            self.launch_template_unknown(group, v.origin("launch_template"), lt_absent)
            if v.written("remote_access"):
                group.ssh = SshAccess(unknown(v.origin("remote_access"), lt_absent), defaulted([], EKS, v.origin()),
                                      windows=windows)
        elif lt is not None:
            self.from_launch_template(group, lt, cluster)
        elif v.written("launch_template"):
            self.launch_template_unknown(group, v.origin("launch_template"), Text(
                "the node group uses a launch template defined outside this module",
                "ノードグループはこのモジュールの外で定義された起動テンプレートを使用しています"))
        else:
            group.imds_http_tokens = unknown(v.origin(), DEFAULT_LT_TOKENS_NOTE)
            # EKS's default launch template for managed node groups sets the hop limit to 2 (eks-domain.md §2)
            group.imds_hop_limit = defaulted(2, EKS, v.origin(), DEFAULT_LT_HOPS_NOTE)
            group.volume_encrypted = defaulted(None, EKS, v.origin(), DEFAULT_LT_ENCRYPTION_NOTE)
            if v.written("remote_access"):
                self.remote_access(group, v, "remote_access", windows)
        if v.get("instance_types") is not NOVALUE:  # written as null (a module's `default = null`): not set
            group.instance_types = v.str_list("instance_types", None, EKS)
        elif group.instance_types is None:
            group.instance_types = defaulted([DEFAULT_NODE_INSTANCE_TYPE], EKS, v.origin(), Text(
                "`instance_types` is not set; EKS uses t3.medium", "`instance_types` が未設定のため、EKS は t3.medium を使います"))
        cluster.node_groups.append(group)

    def read_self_managed(self) -> None:
        groups: list[tuple[str, Resource, Resource | None]] = []
        for asg in self.m.of_type("aws_autoscaling_group"):
            v = asg.view
            used = self.launch_template(v.sub("launch_template")) if v.written("launch_template") else None
            if used is None and v.written("mixed_instances_policy"):
                used = self.launch_template(v.sub(
                    "mixed_instances_policy.launch_template.launch_template_specification"), "launch_template_")
            if used is not None and used.address not in self.used_templates:
                groups.append((self.label(asg), used, asg))
                self.used_templates.add(used.address)
        if self.eks_context:
            for template in self.m.of_type("aws_launch_template"):
                if template.address not in self.used_templates:
                    groups.append((self.label(template), template, None))
        for name, lt, owner_scaling in groups:
            scaling = owner_scaling
            tags: dict[str, str] = {}
            if scaling is not None:
                for block in scaling.view.blocks("tag"):
                    key = block.known_text("key")
                    if key:
                        tags[key] = block.text("value") or ""
            cluster_name = next((k.split("/", 2)[2] for k in tags if k.startswith("kubernetes.io/cluster/")), None)
            owner = scaling or lt
            cluster = self.cluster_for(cluster_name, owner.view.origin())
            group = NodeGroup(tags.get("eks:nodegroup-name") or name, "self-managed", owner.view.origin(),
                              subnet_ids=self.idents(scaling.view.get("vpc_zone_identifier")) if scaling else [],
                              subnets_origin=scaling.view.origin("vpc_zone_identifier") if scaling else None)
            group.attaches_cluster_sg = False
            group.ssh = SshAccess(defaulted(False, EC2, lt.view.origin()), defaulted([], EC2, lt.view.origin()))
            group.role_policies = unknown(lt.view.origin(), Text("the launch template names no instance profile",
                                                                 "起動テンプレートにインスタンスプロファイルがありません"))
            group.instance_types = unknown(lt.view.origin(), Text("the launch template names no instance type",
                                                                  "起動テンプレートにインスタンスタイプがありません"))
            self.from_launch_template(group, lt, cluster)
            cluster.node_groups.append(group)

    def read_fargate(self, resource: Resource) -> None:
        v = resource.view
        cluster = self.cluster_for(v.get("cluster_name"), v.origin())
        selectors = v.blocks("selector")
        name = v.known_text("fargate_profile_name") or self.label(resource)
        cluster.fargate_profiles.append(FargateProfile(
            name, v.origin("fargate_profile_name") if v.written("fargate_profile_name") else v.origin(),
            [b.text("namespace") or "" for b in selectors], self.idents(v.get("subnet_ids")),
            [b.text("namespace") or "" for b in selectors if not b.written("labels")]))

    def read_access(self) -> None:
        for resource in self.m.of_type("aws_eks_access_entry"):
            v = resource.view
            cluster = self.cluster_for(v.get("cluster_name"), v.origin())
            groups = [g for g in (text_of(x) for x in v.get("kubernetes_groups") or []) if g] \
                if isinstance(v.get("kubernetes_groups"), list) else []
            entry = AccessEntry(v.text("principal_arn") or "", v.origin("principal_arn"),
                                (v.known_text("type") or "STANDARD").upper(), groups)
            cluster.access_entries = [*(cluster.access_entries or []), entry]
        for resource in self.m.of_type("aws_eks_access_policy_association"):
            v = resource.view
            cluster = self.cluster_for(v.get("cluster_name"), v.origin())
            principal = v.get("principal_arn")
            principal_text = self.principal_text(principal)
            scope = v.sub("access_scope")
            association = AccessPolicyAssociation(
                v.text("policy_arn") or "", (scope.known_text("type") or "cluster").lower(),
                [n for n in (text_of(x) for x in scope.get("namespaces") or []) if n]
                if isinstance(scope.get("namespaces"), list) else [])
            entries = cluster.access_entries or []
            matching = next((e for e in entries if e.principal_arn == principal_text), None)
            if matching is None:
                matching = AccessEntry(principal_text, v.origin("principal_arn"))
                cluster.access_entries = [*entries, matching]
            matching.policies.append(association)

    def principal_text(self, principal: Any) -> str:
        if isinstance(principal, TFRef):
            found = self.resource(principal)
            if found is not None and found.type == "aws_eks_access_entry":
                return found.view.text("principal_arn") or ""
        return text_of(principal) or ""

    def read_addons(self) -> None:
        for resource in self.m.of_type("aws_eks_addon"):
            v = resource.view
            cluster = self.cluster_for(v.get("cluster_name"), v.origin())
            name = v.known_text("addon_name") or ""
            config = decoded(v.get("configuration_values"))
            cluster.addons = [*(cluster.addons or []), Addon(name, v.origin("addon_name"),
                                                             dict(config) if isinstance(config, Mapping) else {},
                                                             v.known_text("addon_version"))]
            if name == "eks-pod-identity-agent":
                cluster.pod_identity_enabled = declared(True, v.origin("addon_name"))
            if name == "amazon-cloudwatch-observability":
                cluster.uses_cloudwatch_logging = True
        for resource in self.m.of_type("aws_eks_pod_identity_association"):
            v = resource.view
            cluster = self.cluster_for(v.get("cluster_name"), v.origin())
            if cluster.pod_identity_enabled is None or not cluster.pod_identity_enabled.value:
                cluster.pod_identity_enabled = declared(True, v.origin())
        for resource in self.m.of_type("aws_iam_openid_connect_provider"):
            v = resource.view
            url = v.get("url")
            targets = [c for key, c in self.clusters.items() if not key.startswith("stub:")]
            if isinstance(url, TFRef) and url.address in self.clusters:
                targets = [self.clusters[url.address]]
            for cluster in targets:
                cluster.irsa_enabled = declared(True, v.origin())
        for release in self.m.of_type("helm_release"):
            chart = release.view.known_text("chart") or ""
            for cluster in [c for k, c in self.clusters.items() if not k.startswith("stub:")]:
                cluster.helm_charts.append(_helm_chart(release.view, "chart"))
                if chart.endswith("aws-load-balancer-controller"):
                    cluster.load_balancer_controller = True
                if chart.endswith("cluster-autoscaler"):
                    cluster.cluster_autoscaler = True
        if isinstance(self.m, HclModule):
            for call in self.m.calls:
                if module_kind(call.source) == "addons":
                    self.blueprints_addons(call.view)

    def blueprints_addons(self, v: View) -> None:
        """aws-ia/eks-blueprints-addons: `eks_addons` become `aws_eks_addon`s (main.tf: name from `name` or the key,
        `configuration_values` as given) and `helm_releases` become `helm_release`s (helm.tf: `chart` as given)
        of the cluster named by `cluster_name`."""
        real = [c for k, c in self.clusters.items() if not k.startswith("stub:")]
        for cluster in real:
            if v.get("enable_aws_load_balancer_controller") is True:
                cluster.load_balancer_controller = True
            if v.get("enable_cluster_autoscaler") is True:
                cluster.cluster_autoscaler = True
        if not real:
            return
        cluster = self.cluster_for(v.get("cluster_name"), v.origin())
        for key in v.keys("eks_addons"):
            item = v.sub(f"eks_addons.{key}")
            config = decoded(item.get("configuration_values"))
            cluster.addons = [*(cluster.addons or []), Addon(
                item.known_text("name") or key, v.origin(f"eks_addons.{key}"),
                dict(config) if isinstance(config, Mapping) else {}, item.known_text("addon_version"))]
        for flag, chart in BLUEPRINTS_ADDON_CHARTS.items():
            if v.get(flag) is True:
                cluster.helm_charts.append(HelmChart(chart, v.origin(flag)))
        releases = v.get("helm_releases")
        if releases is not NOVALUE and not isinstance(releases, Mapping):
            cluster.helm_charts.append(_helm_chart(v, "helm_releases"))
        for key in v.keys("helm_releases"):
            cluster.helm_charts.append(_helm_chart(v, f"helm_releases.{key}.chart"))

    def complete_cluster_sgs(self) -> None:
        """Rules the module adds to the EKS cluster SG join EKS's own default rules."""
        for cluster in self.clusters.values():
            sg = self.network.security_groups.get(cluster.cluster_security_group_id or "")
            if sg is None or sg.managed_by != "EKS" or sg.name == f"eks-cluster-sg-{cluster.name}":
                continue
            defaults = cluster_security_group(Cluster(cluster.name, cluster.source, cluster.origin,
                                                      cluster_security_group_id=sg.id))
            sg.rules = [*defaults.rules, *sg.rules]
            sg.name = defaults.name

    def given_clusters(self, call: ModuleCall) -> tuple[dict[str, Origin], dict[str, Origin]]:
        """The clusters a module call is given (by name or id, as a top-level argument), by key, at the argument;
        and the local modules whose clusters are not read here it is given, by their source."""
        body = call.view.body if isinstance(call.view.body, dict) else {}
        given: dict[str, Origin] = {}
        given_elsewhere: dict[str, Origin] = {}
        for argument, raw in body.items():
            if not isinstance(raw, str) or not _whole_expression(raw):
                continue  # a string that only embeds the name (`role_name = "ebs-${module.eks.cluster_name}"`)
            keys = [f"module.{label}.aws_eks_cluster.this" for label in _EKS_MODULE_NAME.findall(raw)
                    if label in self.eks_modules]
            keys += [key for address in _CLUSTER_RESOURCE_NAME.findall(raw) for key in self.clusters
                     if key == address or key.startswith(f"{address}[")]
            for key in keys:
                given.setdefault(key, call.view.origin(argument))
            for label in _LOCAL_MODULE_CLUSTER_NAME.findall(raw):
                if label in self.unread_cluster_calls:
                    given_elsewhere.setdefault(self.unread_cluster_calls[label], call.view.origin(argument))
        return given, given_elsewhere

    def karpenter_node_roles(self) -> None:
        """The node IAM role a terraform-aws-eks `modules/karpenter` call makes for the nodes Karpenter launches
        (its main.tf: AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryPullOnly, the CNI policy unless
        `node_iam_role_attach_cni_policy = false` (default true), `node_iam_role_additional_policies`), joined to
        the cluster it is given, for EKS304."""
        if not isinstance(self.m, HclModule):
            return
        for call in self.m.calls:
            if module_kind(call.source) != "eks-karpenter" or call.view.get("create_node_iam_role") is False \
                    or call.view.get("create") is False:
                continue
            given, _ = self.given_clusters(call)
            v = call.view
            policies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"]
            attach = v.get("node_iam_role_attach_cni_policy")
            if attach is not False:
                policies.append("AmazonEKS_CNI_IPv6_Policy" if v.get("cluster_ip_family") == "ipv6"
                                else "AmazonEKS_CNI_Policy")
            extra = v.get("node_iam_role_additional_policies")
            extra_policies = [text_of(p) or "" for p in extra.values()] if isinstance(extra, dict) else []
            anchor = v.origin()
            role = declared([*policies, *extra_policies], v.origin("node_iam_role_additional_policies")) \
                if extra_policies else defaulted(policies, EKS_MODULE, anchor, Text(
                    "`node_iam_role_attach_cni_policy` is not set: the module attaches the CNI policy",
                    "`node_iam_role_attach_cni_policy` が未設定のため、モジュールが CNI ポリシーを付けます")
                    if attach is NOVALUE else None)
            for key in given:
                group = NodeGroup(f"karpenter:module.{call.label}", "karpenter", anchor)
                group.role_policies = role
                self.clusters[key].node_classes.append(group)

    def read_node_group_modules(self) -> None:
        """Calls of terraform-aws-eks's node group submodules given a cluster of this module (`cluster_name =
        module.eks.cluster_name`): their group joins that cluster."""
        if not isinstance(self.m, HclModule):
            return
        for call in self.m.calls:
            kind = self.node_group_submodule(call)
            if kind is None or call.view.get("create") is False:
                continue
            for key in self.given_clusters(call)[0]:
                cluster = self.clusters[key]
                reader = EksModule(call, self, called_major(call) or cluster.eks_module_major or None)
                cluster.node_groups.append(reader.submodule_group(managed=kind == "eks-mng"))

    def node_group_submodule(self, call: ModuleCall) -> str | None:
        """The kind of a call of terraform-aws-eks's node group submodules (or of a local copy of one), else None."""
        kind = module_kind(call.source)
        if kind in NODE_GROUP_SUBMODULES:
            return kind
        local = self.local_modules.get(call.source) if kind is None else None
        return local.node_group_kind if local is not None else None

    def unread_node_groups(self) -> None:
        """A module call this tool does not model that is given a cluster's name or id (as a top-level argument,
        like a node group module's `cluster_name`) may make node groups of that cluster: the cluster says so,
        so that node-group rules are not `not_applicable` for want of node groups read here."""
        if not isinstance(self.m, HclModule):
            return
        for call in self.m.calls:
            local = self.local_modules.get(call.source)
            if module_kind(call.source) in NO_UNREAD_NODE_GROUPS or call.label in self.eks_modules \
                    or (local is not None and not local.launches_nodes):
                continue
            given, given_elsewhere = self.given_clusters(call)
            if self.node_group_submodule(call) is not None:
                given = {}  # read_node_group_modules read their groups
            source = call.source or "?"
            why = Text(f"node groups of module.{call.label} ({source}) are not evaluated",
                       f"module.{call.label}（{source}）のノードグループは評価されていません")
            for key, origin in given.items():
                self.clusters[key].unread_node_groups.append(UnreadNodeGroups(origin, why))
            for called, origin in given_elsewhere.items():
                if self.node_groups_elsewhere is not None:
                    self.node_groups_elsewhere(called, UnreadNodeGroups(origin, why))

    def build(self) -> list[Cluster]:
        kinds = ("aws_eks_cluster", "aws_eks_node_group", "aws_eks_fargate_profile", "aws_eks_access_entry",
                 "aws_eks_addon", "aws_eks_pod_identity_association")
        self.eks_context = bool(self.eks_modules) or any(self.m.of_type(k) for k in kinds)
        if not self.eks_context:
            self.unread_node_groups()  # a caller of a local module with a cluster not read here
            return []
        self.build_network()
        self.build_iam()
        for resource in self.m.of_type("aws_eks_cluster"):
            cluster = self.read_cluster(resource)
            self.clusters[resource.address] = cluster
            self.by_name.setdefault(cluster.name, cluster)
        for label, module in self.eks_modules.items():
            cluster = module.build()
            self.clusters[f"module.{label}.aws_eks_cluster.this"] = cluster
            self.by_name.setdefault(cluster.name, cluster)
        for resource in self.m.of_type("aws_eks_node_group"):
            self.read_node_group(resource)
        self.read_self_managed()
        self.read_node_group_modules()
        for resource in self.m.of_type("aws_eks_fargate_profile"):
            self.read_fargate(resource)
        self.read_access()
        self.read_addons()
        self.unread_node_groups()
        self.karpenter_node_roles()
        self.complete_cluster_sgs()
        for cluster in self.clusters.values():
            link_remote_access(cluster)
        return list(self.clusters.values())


def endpoint_service(name: str | None) -> str | None:
    """`com.amazonaws.us-west-2.ecr.api` (or `com.amazonaws.${var.region}.sts`) → `ecr.api`."""
    if not name:
        return None
    match = re.match(r"^(?:[a-z0-9.-]*?amazonaws\.(?:com\.)?)?(?:\$\{[^}]+\}|[a-z]{2}(?:-[a-z]+)+-\d+)\.(.+)$", name)
    return match.group(1) if match else name.rsplit(".", 1)[-1]


# --- terraform-aws-modules/vpc -------------------------------------------------------------

VPC_SUBNET_KINDS = ("public", "private", "intra", "database", "elasticache", "redshift", "outpost")


class VpcModule:
    """`terraform-aws-modules/vpc/aws` (defaults of v6.6.0 variables.tf/main.tf)."""

    def __init__(self, call: ModuleCall, builder: Builder) -> None:
        self.call = call
        self.v = call.view
        self.builder = builder
        self.prefix = f"module.{call.label}"
        self.vpc_id = f"{self.prefix}.aws_vpc.this"
        self.zones_written = self.as_written("azs")
        self.subnets: dict[str, list[str]] = {}
        for kind in VPC_SUBNET_KINDS:
            cidrs = self.v.get(f"{kind}_subnets")
            if cidrs is NOVALUE or cidrs == []:
                continue
            each_zone = _FOR_EACH_ELEMENT.fullmatch(self.as_written(f"{kind}_subnets"))
            count = len(cidrs) if isinstance(cidrs, list) else _data_zones_slice(self.zones_written) if (
                each_zone and _written(self.module, each_zone.group(1)) == self.zones_written) else None
            if count is not None:
                # main.tf: one subnet per element of `<kind>_subnets` (count = length(var.<kind>_subnets)); a
                # `for` over `azs` without a filter has as many as `azs`
                self.subnets[kind] = [f"{self.prefix}.{kind}_subnets[{i}]" for i in range(count)]
            else:  # the count is not known before apply: one subnet stands for all of them
                self.subnets[kind] = [f"{self.prefix}.{kind}_subnets[*]"]

    @property
    def module(self) -> HclModule | None:
        return self.v.module if isinstance(self.v, HclView) else None

    def as_written(self, name: str) -> str:
        """The argument's expression as written, a whole `local.x` read as the local's (`_written`)."""
        return _written(self.module, self.v.body.get(name) if isinstance(self.v, HclView)
                        and isinstance(self.v.body, dict) else None)

    def flag(self, name: str, default: bool) -> bool:
        value = self.v.get(name)
        return value if isinstance(value, bool) else default

    def build(self, net: Network, vpcs: dict[str, Vpc]) -> None:
        v = self.v
        anchor = v.origin()
        # variables.tf: enable_dns_support and enable_dns_hostnames default to true
        vpcs[self.vpc_id] = Vpc(self.vpc_id, anchor, v.known_text("cidr"),
                                v.value("enable_dns_support", as_bool, True, VPC_MODULE, anchor=anchor),
                                v.value("enable_dns_hostnames", as_bool, True, VPC_MODULE, anchor=anchor))
        # the module manages the default (main) route table without routes
        net.route_tables[f"{self.prefix}.default_route_table"] = RouteTable(
            f"{self.prefix}.default_route_table", self.vpc_id, [Route("local", "local", "local")], main=True)
        # create_igw defaults to true (an IGW exists when there are public subnets); enable_nat_gateway to false
        igw = self.flag("create_igw", True) and "public" in self.subnets
        nat = self.flag("enable_nat_gateway", False) and self.flag("create_private_nat_gateway_route", True)
        if igw:
            net.internet_gateways.append(f"{self.prefix}.igw")
        if nat:
            net.nat_gateways.append(f"{self.prefix}.nat")
        tables = {
            "public": RouteTable(f"{self.prefix}.public_route_table", self.vpc_id,
                                 [Route("local", "local", "local")]
                                 + ([Route("0.0.0.0/0", "igw", f"{self.prefix}.igw", v.origin("create_igw")
                                           if v.written("create_igw") else v.origin("public_subnets"))] if igw else []),
                                 origin=v.origin("public_subnets")),
            "private": RouteTable(f"{self.prefix}.private_route_table", self.vpc_id,
                                  [Route("local", "local", "local")]
                                  + ([Route("0.0.0.0/0", "nat", f"{self.prefix}.nat", v.origin("enable_nat_gateway"))]
                                     if nat else []),
                                  origin=v.origin("enable_nat_gateway") if v.written("enable_nat_gateway")
                                  else v.origin("private_subnets")),
            "intra": RouteTable(f"{self.prefix}.intra_route_table", self.vpc_id, [Route("local", "local", "local")],
                                origin=v.origin("intra_subnets")),
        }
        zones = v.get("azs")
        zones_written = self.zones_written
        base_tags = v.get("tags")
        for kind, ids in self.subnets.items():
            table = tables.get(kind, tables["private"])
            net.route_tables.setdefault(table.id, table)
            tags = dict(base_tags) if isinstance(base_tags, dict) else {}
            extra = v.get(f"{kind}_subnet_tags")
            if isinstance(extra, dict):
                tags.update(extra)
            for index, subnet_id in enumerate(ids):
                if isinstance(zones, list) and not subnet_id.endswith("[*]") and zones:
                    zone = zones[index % len(zones)]
                    az: Value[str] = declared(zone, v.origin("azs")) if isinstance(zone, str) else unknown(
                        v.origin("azs"))
                elif index < 2 and _two_data_zones(zones_written) and not subnet_id.endswith("[*]"):
                    # the module puts subnet i in azs[i]; the first two names of the aws_availability_zones data
                    # source are two different zones in every region (the names are known at plan, not here)
                    az = Value(f"{zones_written}[{index}]", Provenance.DECLARED, v.origin("azs"), note=DATA_ZONES_NOTE)
                else:
                    az = unknown(v.origin("azs"), Text("the subnets' Availability Zones are not known before apply",
                                                       "サブネットのアベイラビリティーゾーンは apply 前には不明です"))
                # map_public_ip_on_launch defaults to false (v5+)
                public_ip = (v.value("map_public_ip_on_launch", as_bool, False, VPC_MODULE, anchor=anchor)
                             if kind == "public" else None)
                net.subnets[subnet_id] = Subnet(
                    subnet_id, v.origin(f"{kind}_subnets"), self.vpc_id, az, None, public_ip,
                    {str(k): text_of(t) or "" for k, t in tags.items()}, table.id)

    def output(self, name: str) -> Any:
        if name == "vpc_id":
            return TFRef(self.vpc_id)
        for kind, ids in self.subnets.items():
            if name == f"{kind}_subnets":
                return [TFRef(i) for i in ids]
        if name in ("public_subnets", "private_subnets", "intra_subnets", "database_subnets"):
            return []
        if name == "vpc_cidr_block":
            return self.v.get("cidr")
        if name == "default_security_group_id":
            return TFRef(f"{self.prefix}.aws_default_security_group.this")
        return Unknown(f"output {name} of module {self.call.label}", f"module.{self.call.label}.{name}")


# --- terraform-aws-modules/eks -------------------------------------------------------------

# v20 input name -> v21 input name (docs/UPGRADE-21.0.md; eks-domain.md §3.2)
V21_NAMES = {
    "cluster_name": "name", "cluster_version": "kubernetes_version",
    "cluster_endpoint_public_access": "endpoint_public_access",
    "cluster_endpoint_private_access": "endpoint_private_access",
    "cluster_endpoint_public_access_cidrs": "endpoint_public_access_cidrs",
    "cluster_enabled_log_types": "enabled_log_types", "cluster_encryption_config": "encryption_config",
    "cluster_additional_security_group_ids": "additional_security_group_ids",
    "cluster_security_group_additional_rules": "security_group_additional_rules",
    "cluster_addons": "addons", "create_cluster_security_group": "create_security_group",
    "cluster_security_group_id": "security_group_id", "cluster_compute_config": "compute_config",
    "cluster_ip_family": "ip_family",
}
V21_ONLY = set(V21_NAMES.values())
V20_ONLY = set(V21_NAMES) | {"eks_managed_node_group_defaults", "self_managed_node_group_defaults"}
# inputs v20 removed (docs/UPGRADE-20.0.md): v19 managed aws-auth itself
V19_ONLY = {"manage_aws_auth_configmap", "create_aws_auth_configmap", "aws_auth_roles", "aws_auth_users",
            "aws_auth_accounts"}
_CONSTRAINT = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+)*)")
_REF_VERSION = re.compile(r"[?&]ref=v?(\d+)\.")


def highest_major(constraint: str) -> int | None:
    """The highest major version a module version constraint admits (`~> 19.15.2`, `>= 19, < 20`, `19.21.0`
    -> 19); None when nothing bounds it (`>= 19`, `~> 19`: `terraform init` installs the newest release) or it
    cannot be read. Operators: https://developer.hashicorp.com/terraform/language/expressions/version-constraints
    (`~>` lets only the rightmost component grow, so `~> 19` admits 20)."""
    highest: int | None = None
    for part in constraint.split(","):
        match = _CONSTRAINT.match(part)
        if match is None:
            return None
        operator, numbers = match.group(1) or "=", [int(n) for n in match.group(2).split(".")]
        if operator == "=" or operator == "<=" or (operator == "~>" and len(numbers) > 1):
            bound = numbers[0]
        elif operator == "<":
            bound = numbers[0] - 1 if not any(numbers[1:]) else numbers[0]
        else:
            continue
        highest = bound if highest is None else min(highest, bound)
    return highest


def called_major(call: ModuleCall) -> int | None:
    """The major version of a module call: from its `version` constraint, or a git source's `?ref=v19.21.0`."""
    if call.version:
        return highest_major(call.version)
    found = _REF_VERSION.search(call.source)
    return int(found.group(1)) if found else None


class EksModule:
    """`terraform-aws-modules/eks/aws` v19-v21 with the defaults of its variables.tf (eks-domain.md §3.2; v19:
    v19.21.0 variables.tf and main.tf, which differ from v20 in access and aws-auth only)."""

    def __init__(self, call: ModuleCall, builder: Builder, major: int | None = None) -> None:
        self.call = call
        self.v: HclView = call.view
        self.builder = builder
        self.prefix = f"module.{call.label}"
        self.major = major or self._major()  # a local copy's version comes from its variables (local_module)
        self.cluster_key = f"{self.prefix}.aws_eks_cluster.this"
        self.primary_sg = f"{self.cluster_key}.vpc_config.cluster_security_group_id"
        self.cluster_sg = f"{self.prefix}.aws_security_group.cluster"
        self.node_sg = f"{self.prefix}.aws_security_group.node"

    def _major(self) -> int:
        """From the call's version, else from the inputs it writes (the newest release when they fit it)."""
        called = called_major(self.call)
        if called is not None:
            return called
        written = set(self.v.keys(""))
        if written & V21_ONLY and not written & V20_ONLY:
            return 21
        if written & V19_ONLY:
            return 19
        if written & V20_ONLY:
            return 20
        return 21

    def n(self, v21_name: str) -> str:
        """The input name for this module version."""
        if self.major >= 21:
            return v21_name
        return next((old for old, new in V21_NAMES.items() if new == v21_name), v21_name)

    def name(self) -> Any:
        return self.v.get(self.n("name"))

    def output(self, name: str) -> Any:
        if name in ("cluster_name", "cluster_id"):
            value = self.name()
            return value if isinstance(value, str) else TFRef(self.cluster_key, "name")
        if name == "cluster_primary_security_group_id":
            return TFRef(self.cluster_key, "vpc_config.cluster_security_group_id")
        if name == "cluster_security_group_id":
            return TFRef(self.cluster_sg) if self.flag(self.n("create_security_group"), True) \
                else self.v.get(self.n("security_group_id"))
        if name == "node_security_group_id":
            return TFRef(self.node_sg) if self.flag("create_node_security_group", True) \
                else self.v.get("node_security_group_id")
        if name in ("oidc_provider_arn", "oidc_provider"):
            return TFRef(f"{self.prefix}.aws_iam_openid_connect_provider.oidc_provider", "arn")
        return Unknown(f"output {name} of module {self.call.label}", f"module.{self.call.label}.{name}")

    def flag(self, name: str, default: bool) -> bool:
        value = self.v.get(name)
        return value if isinstance(value, bool) else default

    def build(self) -> Cluster:
        v, tool, anchor = self.v, EKS_MODULE, self.v.origin()
        name_value = self.name()
        # a name not known before apply is never its expression (`local.name`): the module's label stands in
        name = name_value if isinstance(name_value, str) else self.call.label
        # main.tf hands these inputs to aws_eks_cluster as they are, so a null one leaves the EKS API's
        # default (VpcConfigRequest: public endpoint on, open to 0.0.0.0/0, private off; no log types)
        public = v.value(self.n("endpoint_public_access"), as_bool, False, tool, None, anchor,
                         self.null_to_cluster("endpoint_public_access", True))
        private = v.value(self.n("endpoint_private_access"), as_bool, True, tool, None, anchor,
                          self.null_to_cluster("endpoint_private_access", False))
        cidrs = v.str_list(self.n("endpoint_public_access_cidrs"), ["0.0.0.0/0"], tool, Text(
            f"`{self.n('endpoint_public_access_cidrs')}` is not set; the module allows 0.0.0.0/0",
            f"`{self.n('endpoint_public_access_cidrs')}` が未設定のため、モジュールは 0.0.0.0/0 を許可します"), anchor,
            self.null_to_cluster("endpoint_public_access_cidrs", ["0.0.0.0/0"]))
        logs = v.str_list(self.n("enabled_log_types"), ["audit", "api", "authenticator"], tool, None, anchor,
                          self.null_to_cluster("enabled_log_types", []))
        version = v.value(self.n("kubernetes_version"), as_str, None, tool, Text(
            f"`{self.n('kubernetes_version')}` is not set; EKS creates the cluster with its default (latest) version",
            f"`{self.n('kubernetes_version')}` が未設定のため、EKS は既定（最新）のバージョンで作成します"), anchor)
        if self.major >= 20:
            # a null reaches aws_eks_cluster's access_config: EKS's API default, CONFIG_MAP
            # (CreateAccessConfigRequest.authenticationMode)
            auth = v.value("authentication_mode", as_str, "API_AND_CONFIG_MAP", tool, None, anchor,
                           self.null_to_cluster("authentication_mode", "CONFIG_MAP"))
            # main.tf hardcodes bootstrap_cluster_creator_admin_permissions = false (eks-domain.md §3.2)
            creator = defaulted(False, tool, anchor, Text(
                "the module sets bootstrap_cluster_creator_admin_permissions = false",
                "モジュールは bootstrap_cluster_creator_admin_permissions = false に固定しています"))
        else:
            # v19 main.tf has no access_config block: the EKS API defaults apply (CONFIG_MAP, creator admin
            # true; eks-domain.md §3.1; access entries came in v20, docs/UPGRADE-20.0.md)
            auth = defaulted("CONFIG_MAP", EKS, anchor, Text(
                f"terraform-aws-eks v{self.major} sets no `access_config`, so EKS uses CONFIG_MAP; "
                "`authentication_mode` needs the module's v20 or later",
                f"terraform-aws-eks v{self.major} は `access_config` を設定しないため、EKS は CONFIG_MAP を使います。"
                "`authentication_mode` にはモジュールの v20 以降が必要です"))
            creator = defaulted(True, EKS, anchor, Text(
                f"terraform-aws-eks v{self.major} sets no `access_config`, so EKS makes the identity that creates "
                "the cluster an admin; v20 and later of the module turn this off",
                f"terraform-aws-eks v{self.major} は `access_config` を設定しないため、EKS はクラスターを作成した ID を"
                "管理者にします。モジュールの v20 以降ではこれが無効になります"))
        node_subnets = self.builder.subnet_ids(v, "subnet_ids")
        subnet_ids = self.builder.subnet_ids(v, "control_plane_subnet_ids") or node_subnets
        create_cluster_sg = self.flag(self.n("create_security_group"), True)
        create_node_sg = self.flag("create_node_security_group", True)
        sg_ids = self.builder.idents(v.get(self.n("additional_security_group_ids")))
        if create_cluster_sg:
            sg_ids.append(self.cluster_sg)
        else:
            sg_ids += self.builder.idents(v.get(self.n("security_group_id")))
        cluster = Cluster(
            name=name, source="terraform", origin=v.origin(self.n("name")) if v.written(self.n("name")) else anchor,
            version=version, endpoint_public_access=public, endpoint_private_access=private,
            public_endpoint_cidrs=cidrs, log_types=logs, secrets_kms_key=self.kms_key(), authentication_mode=auth,
            bootstrap_creator_admin=creator, control_plane_security_group_ids=sg_ids,
            control_plane_subnet_ids=subnet_ids, cluster_security_group_id=self.primary_sg,
            access_entries=self.access_entries(), addons=self.addons(), uses_cloudwatch_logging=bool(logs.value),
            # variables.tf: `ip_family` (v20 `cluster_ip_family`) defaults to ipv4
            ip_family=v.value(self.n("ip_family"), as_str, "ipv4", tool, None, anchor),
            eks_module_major=self.major)
        if name_value is not NOVALUE and not isinstance(name_value, str):
            cluster.notes.append(_not_known_before_apply(self.n("name"), name_value))
        self.security_groups(create_cluster_sg, create_node_sg)
        cluster.network = self.builder.cluster_network(subnet_ids, sg_ids)
        subnets_origin = v.origin("subnet_ids")
        cluster.cluster_subnet_azs = self.builder.zones(subnet_ids, subnets_origin)
        cluster.control_plane_in_public_subnets = subnets_public(cluster.network, subnet_ids, subnets_origin)
        cluster.irsa_enabled = v.value("enable_irsa", as_bool, True, tool, None, anchor)
        agent = next((a for a in cluster.addons or [] if a.name == "eks-pod-identity-agent"), None)
        auto_mode = v.get(f"{self.n('compute_config')}.enabled")
        if agent is not None:
            cluster.pod_identity_enabled = declared(True, agent.origin)
        elif auto_mode is True:
            cluster.pod_identity_enabled = declared(True, v.origin(f"{self.n('compute_config')}.enabled"))
        else:
            cluster.pod_identity_enabled = defaulted(False, tool, anchor, POD_IDENTITY_NOTE)
        self.aws_auth(cluster)
        if self.major >= 20 and v.get("enable_cluster_creator_admin_permissions") is True:
            entry = AccessEntry("(the identity running Terraform)", v.origin("enable_cluster_creator_admin_permissions"),
                                policies=[AccessPolicyAssociation(
                                    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "cluster")])
            cluster.access_entries = [*(cluster.access_entries or []), entry]
        for kind, managed in (("eks_managed_node_groups", True), ("self_managed_node_groups", False)):
            for key in v.keys(kind):
                cluster.node_groups.append(self.node_group(kind, key, managed, node_subnets, create_node_sg))
        for key in v.keys("fargate_profiles"):
            item = v.sub(f"fargate_profiles.{key}")
            selectors = item.get("selectors")
            listed = [s for s in selectors if isinstance(s, dict)] if isinstance(selectors, list) else []
            cluster.fargate_profiles.append(FargateProfile(
                item.known_text("name") or key, v.origin(f"fargate_profiles.{key}"),
                [str(s.get("namespace")) for s in listed], self.builder.subnet_ids(item, "subnet_ids") or node_subnets,
                [str(s.get("namespace")) for s in listed if not s.get("labels")]))
        return cluster

    def null_to_cluster(self, v21_name: str, api_default: Any) -> Value[Any]:
        """An input written as null that the module passes to aws_eks_cluster: the EKS API's default."""
        name = self.n(v21_name)
        return defaulted(api_default, EKS, self.v.origin(name), Text(
            f"`{name} = null` overrides the module's default: the cluster gets null, so EKS's own default applies",
            f"`{name} = null` はモジュールの既定値を上書きします。クラスターには null が渡り、EKS 自身の既定値が"
            "適用されます"))

    def kms_key(self) -> Value[str | None]:
        v, tool = self.v, EKS_MODULE
        pointer = self.n("encryption_config")
        note = Text("the module creates a KMS key (`create_kms_key` defaults to true) and encrypts secrets with it",
                    "モジュールが KMS キーを作成し（`create_kms_key` の既定値は true）、Secret をそれで暗号化します")
        written = v.written(pointer)
        config = v.get(pointer)
        if written and (config is NOVALUE or config == {}):
            # v21: null falls back to the AWS-owned key; v20: `{}` disables encryption_config
            return declared(None, v.origin(pointer))
        if not self.flag("create_kms_key", True):
            key = v.get(f"{pointer}.provider_key_arn")
            if key is NOVALUE:
                return declared(None, v.origin("create_kms_key"))
            return declared(text_of(key) or "(a KMS key)", v.origin(f"{pointer}.provider_key_arn"))
        return defaulted(f"{self.prefix} KMS key", tool, v.origin(pointer) if written else v.origin(), note)

    def addons(self) -> list[Addon]:
        pointer = self.n("addons")
        found: list[Addon] = []
        for key in self.v.keys(pointer):
            item = self.v.sub(f"{pointer}.{key}")
            config = decoded(item.get("configuration_values"))
            found.append(Addon(item.known_text("name") or key, self.v.origin(f"{pointer}.{key}"),
                               dict(config) if isinstance(config, Mapping) else {}, item.known_text("addon_version")))
        return found

    def aws_auth(self, cluster: Cluster) -> None:
        """v19 writes aws-auth when `manage_aws_auth_configmap` or `create_aws_auth_configmap` is true (v19.21.0
        main.tf: `kubernetes_config_map_v1_data` / `kubernetes_config_map` "aws_auth"): `aws_auth_roles`,
        `aws_auth_users` and `aws_auth_accounts` as written, after the node and Fargate roles it maps itself to
        system:bootstrappers/system:nodes (not listed here: the module's own roles, unnamed before apply)."""
        if self.major >= 20:
            return  # v20 moved aws-auth to the `modules/aws-auth` submodule (docs/UPGRADE-20.0.md)
        flags = {name: self.v.get(name) for name in ("manage_aws_auth_configmap", "create_aws_auth_configmap")}
        if not any(flag is True for flag in flags.values()):
            undecided = next(((n, f) for n, f in flags.items() if f is not NOVALUE and not isinstance(f, bool)), None)
            if undecided is not None:
                cluster.identity_mappings_unknown = _not_known_before_apply(*undecided)
            return  # aws-auth is not the module's: EKS's own (node roles) or another resource's
        mappings: list[IdentityMapping] = []
        for name, field_name, kind, arn_key in (("aws_auth_roles", "mapRoles", "role", "rolearn"),
                                                ("aws_auth_users", "mapUsers", "user", "userarn"),
                                                ("aws_auth_accounts", "mapAccounts", "account", "")):
            value = self.v.get(name)
            origin = Origin(self.v.path, self.v.line(name), None, f"{self.v.address}.{name}")
            if value is NOVALUE:
                continue
            unread = [] if isinstance(value, list) else [_not_known_before_apply(name, value)]
            # a list known only in part (`concat(module.x.roles, [{...}])`) still holds its known items
            items = value if isinstance(value, list) else value.items if isinstance(value, PartlyKnownList) else []
            for index, item in enumerate(items):
                pointer = f"{name}[{index}]" if isinstance(value, list) else f"an item of {name}"
                groups = item.get("groups") if isinstance(item, Mapping) else None
                if kind == "account" and isinstance(item, (str, int)) and _known(item):
                    mappings.append(IdentityMapping("account", None, [], origin, account=str(item)))
                elif kind != "account" and isinstance(groups, list) and all(
                        isinstance(g, str) and _known(g) for g in groups):
                    mappings.append(IdentityMapping(kind, text_of(item.get(arn_key)) or f"({pointer})", list(groups),
                                                    origin, username=text_of(item.get("username"))))
                else:
                    unread.append(Text(f"{pointer} is not known before apply: {text_of(item)}",
                                       f"{pointer} は apply 前には不明です: {text_of(item)}"))
            if unread:
                cluster.identity_mapping_problems.append(MappingProblem(field_name, origin, Text(
                    "; ".join(t.en for t in unread), "、".join(t.ja for t in unread)), unknown=True))
        cluster.identity_mappings = mappings

    def access_entries(self) -> list[AccessEntry]:
        entries = []
        for key in self.v.keys("access_entries"):
            item = self.v.sub(f"access_entries.{key}")
            policies = []
            for policy_key in item.keys("policy_associations"):
                policy = item.sub(f"policy_associations.{policy_key}")
                namespaces = policy.get("access_scope.namespaces")
                policies.append(AccessPolicyAssociation(
                    policy.text("policy_arn") or "", (policy.known_text("access_scope.type") or "cluster").lower(),
                    [str(n) for n in namespaces] if isinstance(namespaces, list) else []))
            groups = item.get("kubernetes_groups")
            entries.append(AccessEntry(item.text("principal_arn") or "", self.v.origin(f"access_entries.{key}"),
                                       (item.known_text("type") or "STANDARD").upper(),
                                       [str(g) for g in groups] if isinstance(groups, list) else [], policies))
        return entries

    def _rules(self, pointer: str, sg_id: str) -> list[SecurityGroupRule]:
        written = self.v.get(pointer)
        if written is not NOVALUE and not isinstance(written, dict):
            return [self._unknown_rules(pointer, written)]
        rules = []
        for key in self.v.keys(pointer):
            if not isinstance(written[key], dict):
                rules.append(self._unknown_rules(f"{pointer}.{key}", written[key]))
                continue
            item = self.v.sub(f"{pointer}.{key}")
            direction = item.known_text("type") or "ingress"
            rules.extend(self.builder.sg_rules(direction, item, sg_id))
            if item.get("source_cluster_security_group") is True:
                rules.append(self._rule(direction, item, source=self.cluster_sg))
            if item.get("source_node_security_group") is True:
                rules.append(self._rule(direction, item, source=self.node_sg))
        return rules

    def _unknown_rules(self, pointer: str, value: Any) -> SecurityGroupRule:
        """Rules not known before apply (`{for ip in data.x.addrs : ...}`): any direction, ports and peer,
        so one ingress rule for all traffic whose peer is unknown stands for them."""
        return SecurityGroupRule("ingress", "-1", None, None, origin=self.v.origin(pointer),
                                 unknown=_not_known_before_apply(pointer, value))

    @staticmethod
    def _rule(direction: str, item: View, source: str) -> SecurityGroupRule:
        protocol = PROTOCOLS.get(str(text_of(item.get("protocol")) or "-1").lower(), "-1")
        return SecurityGroupRule(direction, protocol, as_int(item.get("from_port")), as_int(item.get("to_port")),
                                 source_group=source, description=item.text("description"), origin=item.origin())

    def security_groups(self, create_cluster_sg: bool, create_node_sg: bool) -> None:
        """The SGs the module creates and their rules (main.tf, node_groups.tf; eks-domain.md §3.2)."""
        v = self.v
        anchor = v.origin()
        if create_cluster_sg:
            sg = SecurityGroup(self.cluster_sg, anchor, f"{self.call.label} cluster SG (module)",
                               self.builder.ident(v.get("vpc_id")))
            if create_node_sg:
                sg.rules.append(SecurityGroupRule("ingress", "tcp", 443, 443, source_group=self.node_sg,
                                                  description="Node groups to cluster API (module default)",
                                                  origin=anchor))
            sg.rules += self._rules(self.n("security_group_additional_rules"), self.cluster_sg)
            self._put(sg)
        if create_node_sg:
            sg = SecurityGroup(self.node_sg, anchor, f"{self.call.label} node SG (module)",
                               self.builder.ident(v.get("vpc_id")))
            source = self.cluster_sg if create_cluster_sg else None
            defaults: list[tuple[str, int | None, int | None, str | None, str | None]] = [
                ("tcp", 443, 443, source, "Cluster API to node groups"),
                ("tcp", 10250, 10250, source, "Cluster API to node kubelets"),
                ("tcp", 53, 53, self.node_sg, "Node to node CoreDNS"),
                ("udp", 53, 53, self.node_sg, "Node to node CoreDNS UDP"),
            ]
            if self.flag("node_security_group_enable_recommended_rules", True):
                defaults += [("tcp", 1025, 65535, self.node_sg, "Node to node ingress on ephemeral ports")]
                defaults += [("tcp", port, port, source, f"Cluster API to node {port}/tcp webhook")
                             for port in (4443, 6443, 8443, 9443, 10251)]
                sg.rules.append(SecurityGroupRule("egress", "-1", None, None, cidr="0.0.0.0/0",
                                                  description="Allow all egress (module default)", origin=anchor))
            for protocol, low, high, group, description in defaults:
                if group is not None:
                    sg.rules.append(SecurityGroupRule("ingress", protocol, low, high, source_group=group,
                                                      description=f"{description} (module default)", origin=anchor))
            sg.rules += self._rules("node_security_group_additional_rules", self.node_sg)
            self._put(sg)

    def _put(self, sg: SecurityGroup) -> None:
        """The module's SG joins the rules that separate resources (`aws_security_group_rule`,
        `aws_vpc_security_group_ingress_rule` ... with `security_group_id = module.x.node_security_group_id`)
        added to it: `build_network` read those first, on a stand-in SG of the same id."""
        added = self.builder.network.security_groups.get(sg.id)
        if added is not None:
            sg.rules += added.rules
        self.builder.network.security_groups[sg.id] = sg

    def node_group(self, kind: str, key: str, managed: bool, node_subnets: list[str], node_sg: bool) -> NodeGroup:
        """A group of the module's `eks_managed_node_groups` / `self_managed_node_groups` map, whose inputs
        default to the module's `*_node_group_defaults`."""
        v = self.v
        defaults_key = "eks_managed_node_group_defaults" if managed else "self_managed_node_group_defaults"
        return self.group_of(v.sub(f"{kind}.{key}"), v.sub(defaults_key), v.origin(f"{kind}.{key}"), key, managed,
                             node_subnets, [self.node_sg] if node_sg else [], v.get(self.n("ip_family")) == "ipv6")

    def submodule_group(self, managed: bool) -> NodeGroup:
        """A node group of a call of the `modules/eks-managed-node-group` or `modules/self-managed-node-group`
        submodule itself: the same inputs as a group of the module's map, given to the call (its variables.tf
        has the same defaults), on the security groups it is given (`cluster_primary_security_group_id`,
        `vpc_security_group_ids`: the module's node security group is not made here)."""
        v = self.v
        primary = self.builder.idents(v.get("cluster_primary_security_group_id"))
        nothing = ValueView({}, v.path, v.address, None)
        return self.group_of(v, nothing, v.origin(), self.call.label, managed, [], primary,
                             v.get("cluster_ip_family") == "ipv6")

    def group_of(self, item: View, fallback: View, origin: Origin, key: str, managed: bool, node_subnets: list[str],
                 base_sgs: list[str], ipv6: bool) -> NodeGroup:
        def pick(name: str) -> View:
            return item if item.written(name) or not fallback.written(name) else fallback

        name = item.known_text("name") or key
        group = NodeGroup(name, "managed" if managed else "self-managed", origin,
                          subnet_ids=self.builder.subnet_ids(pick("subnet_ids"), "subnet_ids") or list(node_subnets))
        ami = pick("ami_type").known_text("ami_type") or "AL2023_x86_64_STANDARD"  # M3 variables.tf default
        windows = ami.upper().startswith("WINDOWS")
        custom_lt = pick("use_custom_launch_template").get("use_custom_launch_template") is not False
        tool = EKS_MODULE
        if custom_lt:
            # eks-managed-node-group / self-managed-node-group metadata_options: http_tokens "required", hop
            # limit 1 in v21, 2 in v20 (eks-domain.md §3.2)
            meta = pick("metadata_options")
            group.imds_http_tokens = meta.value("metadata_options.http_tokens", as_str, "required", tool, None, origin)
            group.imds_hop_limit = meta.value("metadata_options.http_put_response_hop_limit", as_int,
                                              1 if self.major >= 21 else 2, tool, None, origin)
            disks = pick("block_device_mappings")
            group.volume_encrypted = defaulted(None, EC2, origin, MODULE_ENCRYPTION_NOTE)
            for disk in disks.keys("block_device_mappings") if disks.written("block_device_mappings") else []:
                # the root volume's mapping (/dev/xvda; /dev/sda1 on Windows), not whichever comes first
                device = disks.known_text(f"block_device_mappings.{disk}.device_name") or disk
                if device.rsplit("/", 1)[-1] in ROOT_DEVICES:
                    group.volume_encrypted = disks.value(f"block_device_mappings.{disk}.ebs.encrypted", as_bool,
                                                         None, EC2, MODULE_ENCRYPTION_NOTE, origin)
                    break
            extra = self.builder.idents(pick("vpc_security_group_ids").get("vpc_security_group_ids"))
            sgs = base_sgs + extra
            if pick("attach_cluster_primary_security_group").get("attach_cluster_primary_security_group") is True:
                sgs.append(self.primary_sg)
            group.security_group_ids = sgs
            # EKS adds the cluster SG only when the launch template lists none (eks-domain.md §2)
            group.attaches_cluster_sg = managed and not sgs
        else:
            group.imds_http_tokens = unknown(origin, DEFAULT_LT_TOKENS_NOTE)
            group.imds_hop_limit = defaulted(2, EKS, origin, DEFAULT_LT_HOPS_NOTE)
            group.volume_encrypted = defaulted(None, EKS, origin, MODULE_DEFAULT_LT_ENCRYPTION_NOTE)
            group.attaches_cluster_sg = True
        group.ssh = SshAccess(defaulted(False, tool, origin), defaulted([], tool, origin), windows=windows)
        if pick("remote_access").written("remote_access"):
            self.builder.remote_access(group, pick("remote_access"), "remote_access", windows)
        elif pick("key_name").text("key_name"):
            where = pick("key_name").origin("key_name")
            group.ssh = SshAccess(declared(True, where), declared(group.security_group_ids, where),
                                  declared(pick("key_name").text("key_name") or "", where), windows)
        if managed:
            types = pick("instance_types")
            group.instance_types = types.str_list("instance_types", [DEFAULT_NODE_INSTANCE_TYPE], EKS, Text(
                "`instance_types` is not set; EKS uses t3.medium", "`instance_types` が未設定のため、EKS は t3.medium を使います"),
                origin)
        else:
            # self-managed-node-group variables.tf: instance_type defaults to m6i.large
            types = pick("instance_type")
            single = types.value("instance_type", as_str, "m6i.large", tool, None, origin)
            group.instance_types = Value(None if single.value is None else [single.value], single.provenance,
                                         single.origin, single.default_by, single.note)
        group.role_policies = self.node_role(pick, origin, ipv6)
        return group

    def node_role(self, pick: Callable[[str], View], origin: Origin, ipv6: bool) -> Value[list[str]]:
        if pick("create_iam_role").get("create_iam_role") is False:
            return unknown(pick("iam_role_arn").origin("iam_role_arn"), Text(
                "an existing IAM role is used; its policies are not in this module",
                "既存の IAM ロールを使用しており、そのポリシーはこのモジュールにありません"))
        # eks-managed-node-group main.tf: AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly, and the CNI
        # policy unless iam_role_attach_cni_policy = false (its default is true): AmazonEKS_CNI_IPv6_Policy on an
        # IPv6 cluster (`cluster_ip_family == "ipv6"`), else AmazonEKS_CNI_Policy
        policies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"]
        cni = pick("iam_role_attach_cni_policy")
        if cni.get("iam_role_attach_cni_policy") is not False:
            policies.append("AmazonEKS_CNI_IPv6_Policy" if ipv6 else "AmazonEKS_CNI_Policy")
        written: Origin | None = None
        statements = pick("iam_role_policy_statements")
        listed = statements.get("iam_role_policy_statements")
        if isinstance(listed, list) and listed:
            # an inline policy on the node role (main.tf aws_iam_role_policy "this", create_iam_role_policy default true)
            policies.append("inline:iam_role_policy_statements")
            if any("*" in _statement_actions(s) for s in listed):
                policies.append("*")
            written = statements.origin("iam_role_policy_statements")
        additional = pick("iam_role_additional_policies")
        extra = additional.get("iam_role_additional_policies")
        if isinstance(extra, dict) and extra:
            policies += [text_of(p) or "" for p in extra.values()]
            written = written or additional.origin("iam_role_additional_policies")
        policies = list(dict.fromkeys(policies))
        return declared(policies, written) if written is not None else defaulted(policies, EKS_MODULE, origin)


# --- Reading -----------------------------------------------------------------------------


def read_module(directory: str, files: list[TFFile], values: Mapping[str, str], tfvars: dict[str, Any],
                local_modules: Mapping[str, LocalModule] | None = None,
                warn: Callable[[Origin, Text], None] | None = None,
                node_groups_elsewhere: Callable[[str, UnreadNodeGroups], None] | None = None) -> list[Cluster]:
    module = HclModule(directory, files, values, tfvars)
    stem = os.path.basename(directory.rstrip("/")) or "terraform"
    return Builder(module, stem, local_modules, warn, node_groups_elsewhere).build()


def read_plan(document: Mapping[str, Any], path: str) -> list[Cluster]:
    module = PlanModule(document, path)
    stem = os.path.splitext(os.path.basename(path))[0] or "plan"
    return Builder(module, stem).build()


def parse_hcl(text: str) -> dict[str, Any]:
    """python-hcl2's dict for `text` (imported here, on the first .tf file). Its parser (lark) leaves
    cyclic garbage, ~400 objects a file: it runs with the cycle collector on, even in a scan that runs
    without it (cli.scan)."""
    import gc

    import hcl2

    was_enabled = gc.isenabled()
    gc.enable()
    try:
        result: dict[str, Any] = hcl2.loads(text)
    finally:
        if not was_enabled:
            gc.disable()
    return result
