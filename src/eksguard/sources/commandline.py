"""Finding `eksctl` command lines in shell scripts, Markdown/AsciiDoc code blocks, Makefiles and CI YAML.

This module only *parses*: it turns a file into the `eksctl` invocations it would run, in order, with
every argument expanded the way a POSIX shell would expand it. What the invocations mean (flags,
eksctl's defaults, the model) is `commandline_reader`'s business.

Shell accuracy. `shlex` (POSIX mode) splits words correctly but forgets how each character was quoted,
and that is exactly what expansion needs: `'$X'` is literal, `"$X"` is expanded but not split, `$X` is
expanded *and* split, `*` is a glob only outside quotes. So the lexer below is a small POSIX lexer of its
own (it agrees with `shlex.split(posix=True)` wherever no expansion happens, a test checks that;
shlex keeps `\\<newline>` as a newline where a shell joins the lines) which
keeps, for every piece of a word, whether it is literal, quoted or an expansion:

- `\\<newline>` continuations, comments, `'…'`, `"…"`, `$'…'`, backslash escapes, operators, redirections
  and here-documents (`<<EOF`, `<<-EOF`, `<<'EOF'`) are handled as the shell does;
- `NAME=value` / `export NAME=value` earlier in the same script (or code-block sequence) are substituted;
  `${NAME:-default}` and friends too; `--var NAME=VALUE` from the command line fills what the file leaves open;
- `$(…)`, backticks, `$((…))`, unset variables, positional parameters, unquoted globs and `<name>`
  placeholders become *unknown* pieces that carry the reason (a `Text`), never errors. `$(dirname "$0")`
  is the script's own folder.

Nothing here raises on malformed input: an unterminated quote runs to the end of its block, an unknown
construct is unknown.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from eksguard.model import Text

# A private-use character pair marks text that a pre-processor (make, GitHub Actions, AsciiDoc) could
# not expand: "\ue000<n>\ue001" refers to `Env.placeholders[n]` (the original text and the reason). The
# lexer turns it into an unknown piece in any quoting context.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile("\ue000(\\d+)\ue001")

MAX_DEPTH = 16  # nested ${a:-${b:-…}} expansions before giving up (unknown)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unset_reason(name: str) -> Text:
    return Text(f"`${name}` is not set in this file (pass --var {name}=VALUE)",
                f"`${name}` はこのファイル内で設定されていません（--var {name}=値 で指定できます）")


def placeholder_reason(placeholder: str) -> Text:
    return Text(f"`{placeholder}` is a placeholder to fill in: its value is not in this file",
                f"`{placeholder}` は書き換えて使うプレースホルダーで、値はこのファイルにありません")


def _code(text: str) -> str:
    """Inline code in messages (`` `cmd` `` when the text has backticks itself)."""
    text = _short(text)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def substitution_reason(snippet: str) -> Text:
    return Text(f"the output of {_code(snippet)} is not known here", f"{_code(snippet)} の出力はここでは分かりません")


def _reason(en: str, ja: str) -> Text:
    return Text(en, ja)


# --- Words and tokens ----------------------------------------------------------------------------


@dataclass(slots=True)
class Piece:
    text: str  # the expanded text; for an unknown piece, the source text (`$X`, `$(cmd)`)
    unknown: Text | None = None
    split: bool = False  # an unquoted expansion: subject to field splitting
    quoted: bool = False  # came from quotes or an escape (keeps an empty word alive, never a glob)


@dataclass(slots=True)
class Word:
    """One shell word after expansion."""

    text: str  # expanded; unknown parts appear as written (`--zones=${AWS_REGION}a`)
    raw: str  # as written in the file
    line: int
    unknown: Text | None = None  # why (part of) the value is not known; None: fully known
    prefix: str = ""  # the known text before the first unknown part (`--name=` of `--name=$X`)
    assignment: str | None = None  # NAME when the word is `NAME=value` (the value is text after `=`)
    quoted: bool = False  # any part was quoted or escaped

    @property
    def known(self) -> bool:
        return self.unknown is None

    @property
    def value(self) -> str:
        """The value of an assignment word (text after the first `=`)."""
        return self.text.partition("=")[2] if self.assignment else self.text


@dataclass(slots=True)
class Op:
    op: str  # `|`, `&&`, `;`, "\n", `(` ...
    line: int


@dataclass(slots=True)
class Heredoc:
    delimiter: str
    quoted: bool  # `<<'EOF'`: no expansion in the body
    strip_tabs: bool
    body: str = ""
    first_line: int = 0


@dataclass(slots=True)
class Redirect:
    op: str  # `<`, `>`, `<<`, `<<<` ...
    line: int
    target: Word | None = None
    heredoc: Heredoc | None = None


Token = Word | Op | Redirect


@dataclass(slots=True)
class SimpleCommand:
    words: list[Word] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    line: int = 0
    conditional: bool = False  # runs only after `&&` or `||`: whether it runs is not known


# --- Variables -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Binding:
    text: str
    unknown: Text | None = None


class Env:
    """Shell variables of one script (or one code-block sequence), the `--var` values, the folder."""

    def __init__(self, cli: Mapping[str, str], script_dir: str) -> None:
        self.vars: dict[str, Binding] = {}
        self.cli = cli
        self.script_dir = script_dir
        self.cwd: str | None = script_dir  # None once a `cd` goes somewhere unknown
        self.placeholders: list[tuple[str, Text]] = []
        self.exported: set[str] = set()  # names `export` (or `declare -x`) put in the environment of commands

    def lookup(self, name: str) -> Binding | None:
        """The binding of `name` (None: not set). A value the script leaves unknown is taken from --var."""
        binding = self.vars.get(name)
        if binding is not None and binding.unknown is None:
            return binding
        if name in self.cli:
            return Binding(self.cli[name])
        return binding

    def set(self, name: str, text: str, unknown: Text | None = None) -> None:
        self.vars[name] = Binding(text, unknown)

    def placeholder(self, original: str, reason: Text) -> str:
        self.placeholders.append((original, reason))
        return f"{MARK_OPEN}{len(self.placeholders) - 1}{MARK_CLOSE}"

    def fork(self) -> Env:
        """A child shell: same variables now, its own changes afterwards."""
        child = Env(self.cli, self.script_dir)
        child.vars = dict(self.vars)
        child.exported = set(self.exported)
        child.cwd = self.cwd
        child.placeholders = self.placeholders  # shared: markers stay valid
        return child


# --- The lexer -----------------------------------------------------------------------------------

_OPERATORS = ("&>>", "<<<", "<<-", "&&", "||", ";;", ";&", "|&", "<<", ">>", "<&", ">&", "<>", ">|", "&>",
              "|", "&", ";", "<", ">", "(", ")")
_REDIRECTS = frozenset({"<", ">", ">>", "<<", "<<-", "<<<", "<&", ">&", "<>", ">|", "&>", "&>>"})
_WORD_END = frozenset(" \t\r\n|&;<>()")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\+?=")
_SPECIAL_PARAMS = frozenset("0123456789@*#?$!-")
_IFS = re.compile(r"[ \t\n]+")
_BRACE_EXPANSION = re.compile(r"\{[^{}]*,[^{}]*\}")
# `--cluster <clusterName>`, `--region=<region>`: a name in angle brackets, with no space inside, is a
# placeholder to fill in, not two redirections (which would swallow the flags around it). In scripts too:
# real redirections are written `< file` / `> file`, and a script run with `<name>` glued in would fail
# (no file `name`), so its author meant a template; the scripts of the reviewed repositories only have
# `<name>` inside quotes (usage messages), where it stays literal text.
_ANGLE_PLACEHOLDER = re.compile(r"<[A-Za-z_][A-Za-z0-9_.:/-]*>")
_DIRNAME = re.compile(
    r"""^\s*(?:cd\s+)?["']?(?:\$\(\s*)?dirname\s+["']?\$\{?(?:0|BASH_SOURCE(?:\[0\])?)\}?["']?\s*\)?["']?"""
    r"""(?:\s*(?:&&|;)\s*pwd(?:\s+-P)?)?\s*$""")
_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b",
                 "e": "\x1b", "E": "\x1b", "f": "\f", "v": "\v"}


class Lexer:
    """POSIX shell tokens of one script text, expanded against `env` lazily (one token at a time), so
    that assignments made by earlier commands are visible to later ones."""

    def __init__(self, text: str, first_line: int, env: Env, depth: int = 0) -> None:
        self.text = text
        self.i = 0
        self.line = first_line
        self.env = env
        self.depth = depth
        self.pending: list[Heredoc] = []
        self.queue: list[Word] = []

    # -- tokens

    def next(self) -> Token | None:
        if self.queue:
            return self.queue.pop(0)
        text, n = self.text, len(self.text)
        while self.i < n:
            char = text[self.i]
            if char in " \t\r":
                self.i += 1
                continue
            if char == "\\" and text.startswith("\\\n", self.i):
                self.i += 2
                self.line += 1
                continue
            if char == "\n":
                token = Op("\n", self.line)
                self.i += 1
                self.line += 1
                if self.pending:
                    self._read_heredocs()
                return token
            if char == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
                continue
            if char in "<>" and text.startswith("(", self.i + 1):
                return self._process_substitution()
            placeholder = char == "<" and _ANGLE_PLACEHOLDER.match(text, self.i) is not None
            for op in () if placeholder else _OPERATORS:
                if text.startswith(op, self.i):
                    line = self.line
                    self.i += len(op)
                    if op in _REDIRECTS:
                        return self._redirect(op, line)
                    return Op(op, line)
            words = self._words()
            if words:
                self.queue.extend(words[1:])
                return words[0]
        return None

    def _process_substitution(self) -> Word:
        start, line = self.i, self.line
        end = self._match_close(self.i + 2, "(", ")")
        self.i = end
        raw = self.text[start:end]
        return Word(raw, raw, line, _reason(f"the process substitution `{_short(raw)}` is not known here",
                                            f"プロセス置換 `{_short(raw)}` はここでは分かりません"))

    def _redirect(self, op: str, line: int) -> Redirect:
        text, n = self.text, len(self.text)
        while self.i < n and (text[self.i] in " \t" or text.startswith("\\\n", self.i)):
            if text[self.i] == "\\":
                self.i += 1
                self.line += 1
            self.i += 1
        if self.i >= n or text[self.i] in "\n|&;<>()":
            return Redirect(op, line)
        if op in ("<<", "<<-"):
            start = self.i
            while self.i < n and text[self.i] not in _WORD_END:
                self.i += 1
            raw = text[start:self.i]
            delimiter = raw.replace("'", "").replace('"', "").replace("\\", "")
            heredoc = Heredoc(delimiter, raw != delimiter, op == "<<-")
            self.pending.append(heredoc)
            return Redirect(op, line, Word(delimiter, raw, line), heredoc)
        words = self._words()
        target = words[0] if words else None
        self.queue.extend(words[1:])
        return Redirect(op, line, target)

    def _read_heredocs(self) -> None:
        text, n = self.text, len(self.text)
        for heredoc in self.pending:
            heredoc.first_line = self.line
            body: list[str] = []
            while self.i < n:
                end = text.find("\n", self.i)
                end = n if end < 0 else end
                content = text[self.i:end]
                self.i = min(end + 1, n)
                self.line += 1
                check = content.lstrip("\t") if heredoc.strip_tabs else content
                if check.rstrip("\r") == heredoc.delimiter:
                    break
                body.append(check)
            heredoc.body = "\n".join(body) + ("\n" if body else "")
        self.pending = []

    # -- words

    def _words(self) -> list[Word]:
        start, line = self.i, self.line
        pieces = self._pieces(fragment=False)
        raw = unmark(self.text[start:self.i].replace("\\\n", ""), self.env)
        if raw.isdigit() and self.i < len(self.text) and self.text[self.i] in "<>":
            return []  # the fd of a redirection (`2>&1`)
        return _make_words(pieces, raw, line)

    def _pieces(self, fragment: bool, stop: str = "") -> list[Piece]:
        """Pieces up to the end of a word (or, for a fragment, to the end of the text or `stop`)."""
        text, n = self.text, len(self.text)
        pieces: list[Piece] = []
        literal: list[str] = []

        def flush(quoted: bool = False) -> None:
            if literal:
                pieces.extend(_literal_pieces("".join(literal), self.env, quoted))
                literal.clear()

        while self.i < n:
            char = text[self.i]
            if stop and char in stop:
                break
            placeholder = _ANGLE_PLACEHOLDER.match(text, self.i) if char == "<" else None
            if placeholder is not None:
                flush()
                pieces.append(Piece(placeholder.group(0), placeholder_reason(placeholder.group(0))))
                self.i = placeholder.end()
                continue
            if not fragment and char in _WORD_END:
                break
            if char == "\\":
                if text.startswith("\\\n", self.i):
                    self.i += 2
                    self.line += 1
                    continue
                flush()
                if self.i + 1 < n:
                    pieces.append(Piece(text[self.i + 1], quoted=True))
                self.i += 2
            elif char == "'":
                flush()
                end = text.find("'", self.i + 1)
                end = n if end < 0 else end
                content = text[self.i + 1:end]
                self.line += content.count("\n")
                pieces.extend(_literal_pieces(content, self.env, quoted=True) or [Piece("", quoted=True)])
                self.i = end + 1
            elif char == '"':
                flush()
                self.i += 1
                pieces.extend(self._double_quoted() or [Piece("", quoted=True)])
            elif char == "$":
                flush()
                if text.startswith("$'", self.i):
                    pieces.append(self._ansi_c())
                elif text.startswith('$"', self.i):
                    self.i += 2
                    pieces.extend(self._double_quoted() or [Piece("", quoted=True)])
                else:
                    pieces.append(self._dollar(quoted=False))
            elif char == "`":
                flush()
                pieces.append(self._backtick())
            else:
                if char == "\n":
                    self.line += 1
                literal.append(char)
                self.i += 1
        flush()
        return pieces

    def _double_quoted(self) -> list[Piece]:
        text, n = self.text, len(self.text)
        pieces: list[Piece] = []
        literal: list[str] = []

        def flush() -> None:
            if literal:
                pieces.extend(_literal_pieces("".join(literal), self.env, quoted=True))
                literal.clear()

        while self.i < n:
            char = text[self.i]
            if char == '"':
                self.i += 1
                break
            if char == "\\" and self.i + 1 < n and text[self.i + 1] in '$`"\\\n':
                if text[self.i + 1] == "\n":
                    self.line += 1
                else:
                    literal.append(text[self.i + 1])
                self.i += 2
            elif char == "$":
                flush()
                piece = self._dollar(quoted=True)
                pieces.append(piece)
            elif char == "`":
                flush()
                pieces.append(self._backtick())
            else:
                if char == "\n":
                    self.line += 1
                literal.append(char)
                self.i += 1
        flush()
        return pieces

    def _ansi_c(self) -> Piece:
        text, n = self.text, len(self.text)
        self.i += 2
        out: list[str] = []
        while self.i < n and text[self.i] != "'":
            char = text[self.i]
            if char == "\\" and self.i + 1 < n:
                out.append(_ANSI_ESCAPES.get(text[self.i + 1], "\\" + text[self.i + 1]))
                self.i += 2
                continue
            if char == "\n":
                self.line += 1
            out.append(char)
            self.i += 1
        self.i += 1
        return Piece("".join(out), quoted=True)

    def _backtick(self) -> Piece:
        text, n = self.text, len(self.text)
        start = self.i
        self.i += 1
        while self.i < n and text[self.i] != "`":
            if text[self.i] == "\\":
                self.i += 1
            elif text[self.i] == "\n":
                self.line += 1
            self.i += 1
        self.i = min(self.i + 1, n)
        raw = text[start:self.i]
        return Piece(raw, substitution_reason(raw))

    def _match_close(self, i: int, open_char: str, close_char: str) -> int:
        """The index just after the `close_char` that balances an `open_char` before `i` (quotes respected)."""
        text, n = self.text, len(self.text)
        depth = 1
        while i < n:
            char = text[i]
            if char == "\\":
                i += 2
                continue
            if char == "'":
                end = text.find("'", i + 1)
                self.line += text.count("\n", i, n if end < 0 else end)
                i = n if end < 0 else end + 1
                continue
            if char == '"':
                j = i + 1
                while j < n and text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
                self.line += text.count("\n", i, min(j, n))
                i = j + 1
                continue
            if char == "\n":
                self.line += 1
            elif char == open_char:
                depth += 1
            elif char == close_char:
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return n

    def _dollar(self, quoted: bool) -> Piece:
        text, n = self.text, len(self.text)
        start = self.i
        nxt = text[self.i + 1] if self.i + 1 < n else ""
        if nxt == "(":
            end = self._match_close(self.i + 2, "(", ")")
            self.i = end
            raw = text[start:end]
            if raw.startswith("$(("):
                return Piece(raw, _reason(f"the arithmetic `{_short(raw)}` is not evaluated here",
                                          f"算術式 `{_short(raw)}` はここでは評価しません"))
            inner = raw[2:-1]
            if _DIRNAME.match(inner):
                return Piece(self.env.script_dir or ".", quoted=True)
            return Piece(raw, substitution_reason(raw), split=not quoted)
        if nxt == "{":
            end = self._match_close(self.i + 2, "{", "}")
            self.i = end
            raw = text[start:end]
            return self._parameter(raw[2:-1], raw, quoted)
        match = _NAME.match(text, self.i + 1)
        if match:
            self.i = match.end()
            return self._variable(match.group(0), "$" + match.group(0), quoted)
        if nxt and nxt in _SPECIAL_PARAMS:
            self.i += 2
            raw = text[start:self.i]
            return Piece(raw, _reason(f"`{raw}` is a parameter of the running script, not known here",
                                      f"`{raw}` は実行中のスクリプトの引数で、ここでは分かりません"), split=not quoted)
        self.i += 1
        return Piece("$", quoted=quoted)

    def _variable(self, name: str, raw: str, quoted: bool) -> Piece:
        binding = self.env.lookup(name)
        if binding is None:
            return Piece(raw, unset_reason(name), split=not quoted)
        if binding.unknown is not None:
            return Piece(raw, binding.unknown, split=not quoted)
        return Piece(binding.text, split=not quoted, quoted=quoted)

    def _parameter(self, body: str, raw: str, quoted: bool) -> Piece:
        """`${…}`: plain, default/assign/alternative/error forms; anything else is unknown."""
        other = _reason(f"`{_short(raw)}` uses a parameter expansion not evaluated here",
                        f"`{_short(raw)}` はここでは評価しないパラメーター展開です")
        match = _NAME.match(body)
        if not match or body.startswith(("#", "!")):
            return Piece(raw, other if body[:1] not in _SPECIAL_PARAMS or len(body) > 1 else _reason(
                f"`{raw}` is a parameter of the running script, not known here",
                f"`{raw}` は実行中のスクリプトの引数で、ここでは分かりません"), split=not quoted)
        name, rest = match.group(0), body[match.end():]
        if not rest:
            return self._variable(name, raw, quoted)
        op = re.match(r"(:?)([-=?+])", rest)
        if op is None:
            return Piece(raw, other, split=not quoted)
        colon, kind = op.group(1) == ":", op.group(2)
        word = rest[op.end():]
        binding = self.env.lookup(name)
        use_word = binding is None or (colon and binding.unknown is None and binding.text == "")
        if binding is not None and binding.unknown is not None and kind != "+":
            return Piece(raw, binding.unknown, split=not quoted)
        if kind in "-=":
            if not use_word:
                assert binding is not None
                return Piece(binding.text, split=not quoted, quoted=quoted)
            expanded, unknown = self.fragment(word)
            if kind == "=":
                self.env.set(name, expanded, unknown)
            return Piece(expanded if unknown is None else raw, unknown, split=not quoted, quoted=quoted)
        if kind == "?":
            if use_word:
                return Piece(raw, unset_reason(name), split=not quoted)
            assert binding is not None
            return Piece(binding.text, split=not quoted, quoted=quoted)
        if use_word:  # `+`: the word only when set
            return Piece("", split=not quoted, quoted=quoted)
        expanded, unknown = self.fragment(word)
        return Piece(expanded if unknown is None else raw, unknown, split=not quoted, quoted=quoted)

    def fragment(self, text: str) -> tuple[str, Text | None]:
        """Expand a word fragment (quotes, `$…`) without splitting: the text, or why it is unknown."""
        if self.depth >= MAX_DEPTH:
            return text, _reason("the expansion is nested too deeply to evaluate",
                                 "展開の入れ子が深すぎて評価できません")
        sub = Lexer(text, self.line, self.env, self.depth + 1)
        pieces = sub._pieces(fragment=True)
        unknown = next((p.unknown for p in pieces if p.unknown is not None), None)
        return "".join(p.text for p in pieces), unknown


def _literal_pieces(text: str, env: Env, quoted: bool) -> list[Piece]:
    """Literal text, with pre-processor markers turned into unknown pieces."""
    if MARK_OPEN not in text:
        return [Piece(text, quoted=quoted)] if text or quoted else []
    pieces: list[Piece] = []
    last = 0
    for match in _MARK.finditer(text):
        if match.start() > last:
            pieces.append(Piece(text[last:match.start()], quoted=quoted))
        index = int(match.group(1))
        original, reason = env.placeholders[index] if index < len(env.placeholders) else (match.group(0), None)
        pieces.append(Piece(original, reason or unset_reason("?"), quoted=quoted))
        last = match.end()
    if last < len(text):
        pieces.append(Piece(text[last:], quoted=quoted))
    return pieces


def unmark(text: str, env: Env) -> str:
    """Text with pre-processor markers put back as written (`$(CLUSTER)`, `${{ secrets.KEY }}`)."""
    if MARK_OPEN not in text:
        return text
    return _MARK.sub(lambda m: env.placeholders[int(m.group(1))][0] if int(m.group(1)) < len(env.placeholders)
                     else "", text)


def _make_words(pieces: list[Piece], raw: str, line: int) -> list[Word]:
    """Field splitting of unquoted expansions, glob detection, assignment detection."""
    if not pieces:
        return []
    lead = []
    for piece in pieces:
        if piece.quoted or piece.split or piece.unknown is not None:
            break
        lead.append(piece.text)
    assignment_match = _ASSIGNMENT.match("".join(lead))
    assignment = assignment_match.group(1) if assignment_match else None
    fields: list[list[Piece]] = [[]]
    for piece in pieces:
        if (piece.split and not assignment and piece.unknown is None and not piece.quoted
                and _IFS.search(piece.text)):
            chunks = _IFS.split(piece.text)
            for index, chunk in enumerate(chunks):
                if index:
                    fields.append([])
                if chunk:
                    fields[-1].append(Piece(chunk))
        else:
            fields[-1].append(piece)
    words = []
    for pieces_of_field in fields:
        if not any(p.text or p.quoted or p.unknown is not None or not p.split for p in pieces_of_field):
            continue  # an empty unquoted expansion vanishes
        words.append(_word(pieces_of_field, raw, line, assignment))
    return words


def _word(pieces: list[Piece], raw: str, line: int, assignment: str | None) -> Word:
    text = "".join(p.text for p in pieces)
    unknown = next((p.unknown for p in pieces if p.unknown is not None), None)
    prefix_parts: list[str] = []
    for piece in pieces:
        if piece.unknown is not None:
            break
        prefix_parts.append(piece.text)
    if unknown is None and not assignment:
        unquoted = "".join(p.text for p in pieces if not p.quoted)  # literal text and unquoted expansions
        if any(c in unquoted for c in "*?[") or _BRACE_EXPANSION.search(unquoted):
            unknown = _reason(f"`{_short(raw)}` is a glob or brace pattern; what it expands to is not known here",
                              f"`{_short(raw)}` はグロブ（またはブレース展開）で、展開結果はここでは分かりません")
            prefix_parts = [re.split(r"[*?\[{]", text, maxsplit=1)[0]]  # `--zones=` of `--zones=us-*`
    return Word(text, raw, line, unknown, "".join(prefix_parts), assignment,
                any(p.quoted for p in pieces))


# --- Commands and pipelines ----------------------------------------------------------------------

_SEPARATORS = frozenset({";", "&", "&&", "||", "\n", "(", ")", ";;", ";&"})
_PIPES = frozenset({"|", "|&"})


def pipelines(lexer: Lexer) -> Iterator[list[SimpleCommand]]:
    """Pipelines in order. Each is yielded before the next is lexed, so the consumer can apply its
    assignments first."""
    pipeline: list[SimpleCommand] = []
    command = SimpleCommand()
    while True:
        token = lexer.next()
        if token is None or (isinstance(token, Op) and (token.op in _SEPARATORS or token.op in _PIPES)):
            if command.words or command.redirects:
                pipeline.append(command)
            command = SimpleCommand(conditional=isinstance(token, Op) and token.op in ("&&", "||"))
            if token is None or token.op not in _PIPES:
                if pipeline:
                    yield pipeline
                pipeline = []
            if token is None:
                return
            continue
        if not command.words and not command.redirects:
            command.line = token.line
        if isinstance(token, Redirect):
            command.redirects.append(token)
        elif isinstance(token, Word):
            command.words.append(token)


# --- What the interpreter finds -----------------------------------------------------------------


@dataclass(slots=True)
class StdinSource:
    """Where an `eksctl … -f -` reads its configuration from."""

    kind: str  # "file" | "url" | "heredoc" | "unknown" | "terminal"
    word: Word | None = None  # the file path or URL
    body: str = ""  # heredoc / here-string text (expanded)
    first_line: int = 0  # heredoc: the line of its first body line
    via: list[str] = field(default_factory=list)  # commands the text goes through (`envsubst`, `sed`)
    # what an `envsubst` on the way puts in: the exported variables the script set (and listed, when given)
    environment: dict[str, str] = field(default_factory=dict)
    description: str = ""  # how the command line feeds it, for notes


@dataclass(slots=True, frozen=True)
class WrittenFile:
    """A file the script writes from here-documents (`cat <<EOF > f.yaml`, `>>` appends): its text, with
    blank lines between appended parts so that each line sits `first_line - 1` below its script line."""

    body: str
    first_line: int  # the script line of the body's first line
    end_line: int  # the script line after the last one written
    shown: bool = False  # a page's code block that its text names as the file (see `shown_file`), not a write


@dataclass(slots=True, frozen=True)
class AppliedManifests:
    """A here-document `kubectl apply|create|replace -f -` reads: Kubernetes manifests applied from a script."""

    body: str  # as the command sees it (expanded unless the delimiter is quoted)
    first_line: int  # the script line of the body's first line
    line: int  # the line of the `kubectl` word
    namespace: str | None  # `-n`/`--namespace`: where objects that name none go
    # what an `envsubst` between the here-document and kubectl puts in (StdinSource.environment)
    environment: dict[str, str] = field(default_factory=dict)


_KUBECTL_APPLIES = frozenset({"apply", "create", "replace"})


@dataclass(slots=True)
class Invocation:
    """One `eksctl` command line found in a file."""

    path: str
    line: int  # the line of the `eksctl` word
    args: list[Word]  # everything after `eksctl`
    cwd: str | None  # the folder relative paths resolve against; None when a `cd` made it unknown
    script_dir: str
    stdin: StdinSource
    env: dict[str, Word] = field(default_factory=dict)  # `NAME=value eksctl …` prefix assignments
    source: str = ""  # the command as written (shortened), for notes
    # files the script wrote from here-documents before this line, by path relative to the script's folder
    written: dict[str, WrittenFile] = field(default_factory=dict)


_RESERVED_PREFIX = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time"})
_SKIP_COMMANDS = frozenset({"for", "case", "select", "function", "fi", "done", "esac", "in"})
_ASSIGNING_BUILTINS = frozenset({"export", "declare", "typeset", "local", "readonly"})
_PASS_THROUGH = {"envsubst": "envsubst", "tee": "tee", "sed": "sed", "cat": "cat"}


def _wrapped(words: list[Word]) -> tuple[list[Word], list[Word]]:
    """Strip command wrappers (`sudo`, `env A=b`, `time`, `aws-vault exec P --` ...): (rest, assignments)."""
    assignments: list[Word] = []
    for _ in range(8):
        if not words or not words[0].known:
            return words, assignments
        name = posixpath.basename(words[0].text)
        if name in ("sudo", "doas"):
            index = 1
            while index < len(words) and words[index].text.startswith("-"):
                index += 2 if words[index].text in ("-u", "-g", "-h", "-p", "-C", "-r", "-t", "-U") else 1
            words = words[index:]
        elif name == "env":
            index = 1
            while index < len(words) and (words[index].assignment or words[index].text.startswith("-")):
                if words[index].assignment:
                    assignments.append(words[index])
                index += 2 if words[index].text in ("-u", "-C", "-S") else 1
            words = words[index:]
        elif name in ("nohup", "command", "builtin", "stdbuf"):
            index = 1
            while index < len(words) and words[index].text.startswith("-"):
                index += 1
            words = words[index:]
        elif name in ("time", "exec", "nice"):
            index = 1
            while index < len(words) and words[index].text.startswith("-"):
                index += 2 if words[index].text in ("-n", "-a", "-o", "-f") else 1
            words = words[index:]
        elif name == "timeout":
            index = 1
            while index < len(words) and words[index].text.startswith("-"):
                index += 2 if words[index].text in ("-s", "-k") else 1
            words = words[index + 1:]
        elif name == "aws-vault":
            dashes = next((i for i, w in enumerate(words) if w.text == "--"), None)
            words = words[dashes + 1:] if dashes is not None else []
        else:
            return words, assignments
    return words, assignments


def is_eksctl(word: Word) -> bool:
    return word.known and posixpath.basename(word.text) in ("eksctl", "eksctl.exe")


class Interpreter:
    """Runs (statically) the commands of one script, keeping variables and the working folder, and
    collecting `eksctl` invocations."""

    def __init__(self, path: str, env: Env) -> None:
        self.path = path
        self.env = env
        self.invocations: list[Invocation] = []
        self.manifests: list[AppliedManifests] = []  # here-documents that `kubectl apply -f -` reads
        self.written: dict[str, WrittenFile] = {}
        # written files keyed by an unknown variable (`$CONFIG`): the binding the variable had when written
        self.written_bindings: dict[str, Binding] = {}

    def run(self, text: str, first_line: int, env: Env | None = None) -> None:
        env = env or self.env
        lexer = Lexer(text, first_line, env)
        for pipeline in pipelines(lexer):
            for index, command in enumerate(pipeline):
                self._command(command, pipeline, index, env, text)

    def _command(self, command: SimpleCommand, pipeline: list[SimpleCommand], index: int, env: Env,
                 text: str) -> None:
        words = command.words
        while words and words[0].known and not words[0].quoted and words[0].text in _RESERVED_PREFIX:
            words = words[1:]
        if not words or (words[0].known and words[0].text in _SKIP_COMMANDS):
            return
        prefix: list[Word] = []
        while words and words[0].assignment:
            prefix.append(words[0])
            words = words[1:]
        if not words:
            if len(pipeline) == 1:
                for word in prefix:
                    _assign(env, word)
                    if command.conditional and word.assignment is not None:
                        name = word.assignment
                        env.set(name, "", _reason(f"`${name}` is set only when the command before `&&`/`||` "
                                                  f"succeeds or fails (line {word.line})",
                                                  f"`${name}` は `&&`/`||` の前のコマンドの結果次第で設定されます"
                                                  f"（{word.line} 行目）"))
            return
        head = words[0].text if words[0].known else ""
        if head in _ASSIGNING_BUILTINS and len(pipeline) == 1:
            exports = head == "export" or (head in ("declare", "typeset") and any(w.text == "-x" for w in words))
            for word in words[1:]:
                if word.assignment:
                    _assign(env, word)
                exported = word.assignment or (word.text if _NAME.fullmatch(word.text) else None)
                if exports and exported:
                    env.exported.add(exported)
            return
        if head == "unset" and len(pipeline) == 1:
            for word in words[1:]:
                env.vars.pop(word.text, None)
                env.exported.discard(word.text)
            return
        if head == "read":
            for word in words[1:]:
                if _NAME.fullmatch(word.text):
                    env.set(word.text, "", _reason(f"`${word.text}` is read from input, not known here",
                                                   f"`${word.text}` は入力から読み込まれ、ここでは分かりません"))
            return
        if head == "cd" and len(pipeline) == 1:
            target = next((w for w in words[1:] if not w.text.startswith("-")), None)
            if target is None or not target.known:
                env.cwd = None
            elif env.cwd is not None:
                env.cwd = posixpath.normpath(posixpath.join(env.cwd, target.text))
            return
        words, more = _wrapped(words)
        if words and words[0].known and posixpath.basename(words[0].text) == "cat" and len(words) == 1:
            self._write_heredoc(command, env)
        if words and words[0].known and posixpath.basename(words[0].text) == "kubectl":
            self._kubectl(words, pipeline, index, env)
            return
        if not words or not is_eksctl(words[0]):
            return
        assignments = {w.assignment: w for w in [*prefix, *more] if w.assignment}
        self.invocations.append(Invocation(
            self.path, words[0].line, words[1:], env.cwd, env.script_dir,
            _stdin_of(pipeline, index, env), assignments,
            _short(" ".join(w.raw for w in words), 120), self._written_now(env)))

    def _kubectl(self, words: list[Word], pipeline: list[SimpleCommand], index: int, env: Env) -> None:
        """`kubectl apply|create|replace -f -` fed by a here-document: the manifests it applies."""
        texts = [w.text if w.known else "" for w in words[1:]]
        if not _KUBECTL_APPLIES & set(texts) or not any(
                t in ("-f-", "--filename=-") or (t in ("-f", "--filename") and texts[i + 1:i + 2] == ["-"])
                for i, t in enumerate(texts)):
            return
        stdin = _stdin_of(pipeline, index, env)
        if stdin.kind == "heredoc":
            namespace = next((texts[i + 1] for i, t in enumerate(texts[:-1]) if t in ("-n", "--namespace")), None)
            namespace = namespace or next((t.partition("=")[2] for t in texts if t.startswith("--namespace=")), None)
            self.manifests.append(AppliedManifests(stdin.body, stdin.first_line, words[0].line, namespace or None,
                                                   stdin.environment))

    def show(self, name: str, block: Block) -> None:
        """A page's code block that its text names as the file `name` (`shown_file`): the config a later
        `eksctl … -f name` of the page reads, unless a scanned file of that name is there."""
        key = written_key(self.env.cwd, name)
        if key is not None:
            self.written[key] = WrittenFile("\n".join(block.lines), block.first_line,
                                            block.first_line + len(block.lines), shown=True)

    def _written_now(self, env: Env) -> dict[str, WrittenFile]:
        """The files written so far; one keyed by an unknown variable only while the variable is unchanged."""
        return {key: file for key, file in self.written.items()
                if key not in self.written_bindings or env.vars.get(key[1:]) is self.written_bindings[key]}

    def _write_heredoc(self, command: SimpleCommand, env: Env) -> None:
        """`cat <<EOF > FILE` (`>>` appends): remember what FILE holds for a later `eksctl … -f FILE`."""
        heredoc = next((r.heredoc for r in command.redirects if r.heredoc is not None), None)
        output = next((r for r in command.redirects if r.op in (">", ">>", ">|")), None)
        if heredoc is None or output is None or output.target is None:
            return
        if output.target.known:
            key = written_key(env.cwd, output.target.text)
        else:
            key = variable_key(output.target.text)
            binding = env.vars.get(key[1:]) if key is not None else None
            if key is None or binding is None:
                return
            if self.written_bindings.get(key) is not binding:  # set again since: another file
                self.written.pop(key, None)
            self.written_bindings[key] = binding
        if key is None:
            return
        body = _expand_heredoc(heredoc, env)
        lines = body.count("\n")
        before = self.written.get(key) if output.op == ">>" else None
        if before is None:
            self.written[key] = WrittenFile(body, heredoc.first_line, heredoc.first_line + lines)
        else:
            # blank lines keep each appended line at its script line (YAML ignores them between blocks)
            gap = "\n" * max(heredoc.first_line - before.end_line, 0)
            self.written[key] = WrittenFile(before.body + gap + body, before.first_line,
                                            max(heredoc.first_line, before.end_line) + lines)


def written_key(cwd: str | None, path: str) -> str | None:
    """The key of a file a script writes or reads: its path from the script's folder (None: not known)."""
    if posixpath.isabs(path):
        return posixpath.normpath(path)
    if cwd is None:
        return None
    return posixpath.normpath(posixpath.join(cwd, path))


def variable_key(text: str) -> str | None:
    """`$NAME` for a path that is one unknown variable (`$NAME`, `${NAME}`), else None: the same binding of
    the variable names the same file, whatever its value."""
    match = _PLAIN_VARIABLE.fullmatch(text)
    return "$" + (match.group(1) or match.group(2)) if match else None


def _assign(env: Env, word: Word) -> None:
    name = word.assignment
    assert name is not None
    value = word.value
    if word.raw.startswith(f"{name}+="):
        current = env.lookup(name)
        if current is not None and current.unknown is None and word.known:
            env.set(name, current.text + value)
            return
    if word.known:
        env.set(name, value)
    else:
        raw_value = word.raw.partition("=")[2]
        env.set(name, value, Text(
            f"`${name}` is set from `{_short(raw_value)}`: {word.unknown.en if word.unknown else ''}",
            f"`${name}` は `{_short(raw_value)}` から設定されます: {word.unknown.ja if word.unknown else ''}"))


# An unknown expansion in a here-document that the ClusterConfig reader must treat as unresolved
UNKNOWN_EXPANSION = "${__EKSGUARD_UNKNOWN__}"
_PLAIN_VARIABLE = re.compile(rf"\$(?:\{{({_NAME.pattern})\}}|({_NAME.pattern}))")


def _unresolved(source: str) -> str:
    """What stands in the body for an unknown expansion: `${NAME}` for a plain variable (shown as written,
    and `--var NAME=...` fills it), else a placeholder (`$(cmd)`, `${X:-y}` have no name to fill)."""
    match = _PLAIN_VARIABLE.fullmatch(source)
    return "${" + (match.group(1) or match.group(2)) + "}" if match else UNKNOWN_EXPANSION


def _expand_heredoc(heredoc: Heredoc, env: Env) -> str:
    """A here-document body as the command sees it; unknown expansions stay open (`${NAME}` or a
    placeholder) so that the YAML reader treats them as unresolved."""
    if heredoc.quoted or ("$" not in heredoc.body and "`" not in heredoc.body and MARK_OPEN not in heredoc.body):
        return heredoc.body
    out: list[str] = []
    lexer = Lexer(heredoc.body, heredoc.first_line, env)
    text, n = lexer.text, len(lexer.text)
    while lexer.i < n:
        char = text[lexer.i]
        if char == "\\" and lexer.i + 1 < n and text[lexer.i + 1] in "$`\\\n":
            if text[lexer.i + 1] != "\n":
                out.append(text[lexer.i + 1])
            lexer.i += 2
        elif char == "$":
            piece = lexer._dollar(quoted=True)
            out.append(piece.text if piece.unknown is None else _unresolved(piece.text))
        elif char == "`":
            lexer._backtick()
            out.append(UNKNOWN_EXPANSION)
        elif char == MARK_OPEN and (marker := _MARK.match(text, lexer.i)) is not None:
            # a GitHub Actions `${{ … }}` or make `$(…)` not known here: unknown in the body too, not the
            # marker's characters read as the value (`publicAccessCIDRs: ["${{ secrets.CIDR }}"]`)
            index = int(marker.group(1))  # out of range only for such characters written in the file
            original = env.placeholders[index][0] if index < len(env.placeholders) else "$(…)"
            # `${{ env.NAME }}` is the step's environment variable NAME (GitHub exports the env context,
            # `$GITHUB_ENV` lines too): open as `${NAME}`, which --var NAME=... fills
            variable = _ENV_EXPRESSION.fullmatch(original)
            out.append("${" + variable.group(1) + "}" if variable else _unresolved(original))
            lexer.i = marker.end()
        else:
            out.append(char)
            lexer.i += 1
    return "".join(out)


def _url_of(words: list[Word]) -> Word | None:
    return next((w for w in words[1:] if "://" in w.text and not w.text.startswith("-")), None)


def _redirected_stdin(command: SimpleCommand, env: Env) -> StdinSource | None:
    for redirect in reversed(command.redirects):
        if redirect.op in ("<", "<>") and redirect.target is not None:
            return StdinSource("file", redirect.target, description=f"< {redirect.target.raw}")
        if redirect.op in ("<<", "<<-") and redirect.heredoc is not None:
            return StdinSource("heredoc", body=_expand_heredoc(redirect.heredoc, env),
                               first_line=redirect.heredoc.first_line,
                               description=f"<<{redirect.heredoc.delimiter} here-document")
        if redirect.op == "<<<" and redirect.target is not None:
            return StdinSource("unknown", description=f"<<< {redirect.target.raw}")
    return None


def _envsubst_values(words: list[Word], env: Env) -> dict[str, str]:
    """The values `envsubst [SHELL-FORMAT]` puts in: exported variables the script set to a known value,
    only those SHELL-FORMAT names when it is given (gettext envsubst(1))."""
    listed = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", " ".join(w.text for w in words[1:]))) \
        if len(words) > 1 else None
    values: dict[str, str] = {}
    for name in sorted(env.exported):
        binding = env.vars.get(name)
        if binding is not None and binding.unknown is None and (listed is None or name in listed):
            values[name] = binding.text
    return values


def _stdin_of(pipeline: list[SimpleCommand], index: int, env: Env, depth: int = 0) -> StdinSource:
    """What command `index` of the pipeline reads on stdin: its own redirection, else what the
    previous command writes (followed through `cat`, `envsubst`, `tee`, `sed`)."""
    command = pipeline[index]
    own = _redirected_stdin(command, env)
    if own is not None:
        return own
    if index == 0 or depth > 8:
        return StdinSource("terminal", description="the terminal")
    previous = pipeline[index - 1]
    words, _ = _wrapped(previous.words)
    if not words or not words[0].known:
        return StdinSource("unknown", description=" ".join(w.raw for w in previous.words))
    name = posixpath.basename(words[0].text)
    shown = _short(" ".join(w.raw for w in words), 100)
    if name == "cat":
        files = [w for w in words[1:] if not w.text.startswith("-")]
        if files:
            return StdinSource("file", files[0], description=f"cat {files[0].raw}")
    if name in ("curl", "wget"):
        url = _url_of(words)
        if url is not None:
            tail = "/".join(url.text.split("?")[0].rstrip("/").split("/")[-3:])
            return StdinSource("url", url, description=f"{name} …/{tail}")
        return StdinSource("unknown", description=shown)
    if name in _PASS_THROUGH:
        own = _redirected_stdin(previous, env)
        if own is not None:  # `envsubst < cluster.yaml | eksctl …`
            own.via.append(name)
            own.description = f"{name} {own.description}"
        else:
            own = _stdin_of(pipeline, index - 1, env, depth + 1)
            own.via.append(name)
            own.description = f"{own.description} | {name}" if own.description else shown
        if name == "envsubst":
            own.environment.update(_envsubst_values(words, env))
        return own
    return StdinSource("unknown", description=shown)


# --- Markdown and AsciiDoc -----------------------------------------------------------------------

SHELL_LANGUAGES = frozenset({"", "sh", "bash", "zsh", "ksh", "shell", "shellscript", "console", "shell-session",
                             "sh-session", "shellsession", "bash-session", "terminal", "session", "cli",
                             "command", "commands", "posix"})
SESSION_LANGUAGES = frozenset({"console", "shell-session", "sh-session", "shellsession", "bash-session",
                               "terminal", "session"})
# languages a block of commands is never written in; a block tagged with anything else (```t, ```text, ```none:
# courses and blogs use them for commands) is read as shell when one of its lines runs eksctl
OTHER_LANGUAGES = frozenset({
    "yaml", "yml", "json", "jsonc", "json5", "hcl", "terraform", "tf", "python", "py", "go", "golang", "javascript",
    "js", "typescript", "ts", "java", "kotlin", "groovy", "ruby", "rb", "rust", "toml", "ini", "xml", "html", "css",
    "sql", "dockerfile", "makefile", "make", "diff", "patch", "powershell", "ps1", "pwsh", "bat", "cmd", "csharp",
    "cs", "c", "cpp", "mermaid", "markdown", "md", "jinja", "j2", "cue", "jsonnet", "lua", "php", "perl", "scala",
    "swift", "properties"})
_RUNS_EKSCTL = re.compile(r"^[ \t]*(?:[$%][ \t]+)?eksctl[ \t]")


def reads_as_shell(language: str, lines: list[str]) -> bool:
    """Whether a code block tagged `language` holds commands to read. A block that is one here-document
    command (`cat >cluster.yaml <<EOF` … `EOF`) is shell whatever its tag: the EKS user guide tags those
    `[source,yaml]` after what they write."""
    if language in SHELL_LANGUAGES or _one_heredoc(lines):
        return True
    return language not in OTHER_LANGUAGES and any(_RUNS_EKSCTL.match(line) for line in lines)


def _one_heredoc(lines: list[str]) -> bool:
    """Whether the block's first line starts a here-document that its last line ends."""
    written = [line for line in lines if line.strip()]
    if not written:
        return False
    started = _HEREDOC_START.search(written[0])
    return started is not None and len(written) > 1 and written[-1].strip() == started.group(2)


_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_LANGUAGE = re.compile(r"^[{.\s]*([A-Za-z0-9_+-]*)")
_PROMPT = re.compile(r"^[ \t]*([$%#])(?:[ \t]+|$)")
_PS2 = re.compile(r"^[ \t]*>[ \t]")
_HEREDOC_START = re.compile(r"<<-?[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
_FIRST_WORD = re.compile(r"([^\s;|&<>()]+)(?:[ \t;|&<>]|$)")
# eksctl, what the interpreter follows (assignments, `cd`, wrappers, what feeds `-f -`), and the CLIs that
# eksctl's and AWS's docs show next to it in prompt-less ```console blocks
_SESSION_COMMANDS = frozenset({"eksctl", "eksctl.exe", "cd", "unset", "source", "sudo", "env", "aws-vault",
                               "curl", "wget", "echo", "kubectl", "aws", "helm", "git", "terraform", "jq", "mkdir",
                               *_ASSIGNING_BUILTINS, *_PASS_THROUGH})


def _quote_state(line: str, state: str) -> str:
    """The open quote (`'`, `"` or "") after `line`, starting inside `state`."""
    index, n = 0, len(line)
    while index < n:
        char = line[index]
        if state == "'":
            if char == "'":
                state = ""
        elif state == '"':
            if char == "\\":
                index += 1
            elif char == '"':
                state = ""
        elif char == "\\":
            index += 1
        elif char in "'\"":
            state = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            break
        index += 1
    return state


def _continues(line: str, quote: str) -> bool:
    stripped = line.rstrip()
    return bool(quote) or stripped.endswith(("\\", "|", "&&", "||"))


def _starts_command(line: str) -> bool:
    """Whether an unprompted line of a prompt-less session is a command: an assignment, or a command
    word that such blocks show (output lines start with timestamps, table headers, YAML, JSON)."""
    stripped = line.lstrip(" \t")
    if _ASSIGNMENT.match(stripped):
        return True
    first = _FIRST_WORD.match(stripped)
    return first is not None and posixpath.basename(first.group(1)) in _SESSION_COMMANDS


def block_script(lines: list[str], language: str) -> str:
    """A code block as shell text, line for line. In a terminal session (prompts), only prompted lines
    and their continuations are commands; output lines become empty. A console-type block without
    `$ `/`% ` prompts is a session too: `# ` is a root prompt there (elsewhere it is a comment), and an
    unprompted line is a command when it starts like one (`_starts_command`), else output."""
    prompts = [_PROMPT.match(line) for line in lines]
    dollar = any(m is not None and m.group(1) in "$%" for m in prompts)
    promptless = language in SESSION_LANGUAGES and not dollar
    if not dollar and not promptless:
        return "\n".join(lines)
    out: list[str] = []
    continuing = False
    quote = ""
    heredoc: str | None = None
    for line, match in zip(lines, prompts, strict=True):
        if heredoc is not None:
            out.append(line)
            if line.strip() == heredoc:
                heredoc = None
                continuing = False
            continue
        if continuing:
            content = line[_PS2.match(line).end():] if _PS2.match(line) else line  # type: ignore[union-attr]
        elif match is not None and (match.group(1) in "$%" or promptless):
            content = line[match.end():]
        elif promptless and _starts_command(line):
            content = line
        else:
            out.append("")
            continue
        out.append(content)
        quote = _quote_state(content, quote)
        continuing = _continues(content, quote)
        started = _HEREDOC_START.search(content) if not quote else None
        if started:
            heredoc = started.group(2)
    return "\n".join(out)


@dataclass(slots=True)
class Block:
    language: str
    lines: list[str]
    first_line: int  # file line of lines[0]
    prose: list[str] = field(default_factory=list)  # the page's text since the previous code block


# a page's text names the file a ClusterConfig block is ("Create a `cluster-config.yaml` file and paste the
# following contents", "Copy the following contents to a file named `efa-cluster.yaml`"), or its first line does
# (`# cluster.yaml`): the EKS user guide shows most of its configs so, then runs `eksctl create cluster -f` on them
_YAML_NAME = re.compile(r"(?<![\w./:-])([\w-][\w.-]*\.ya?ml)\b")
_NAME_COMMENT = re.compile(r"^#[ \t]*([\w-][\w.-]*\.ya?ml)[ \t]*$")
_CLUSTER_CONFIG_START = re.compile(r"^apiVersion:[ \t]*[\"']?eksctl\.io/")


def shown_file(block: Block) -> str | None:
    """The file name a page gives a code block that holds a ClusterConfig: its `# NAME.yaml` first line, else the
    one YAML file name the text before the block mentions; None when it names none, or several."""
    written = [line.strip() for line in block.lines if line.strip()]
    content = [line for line in written if not line.startswith("#") and line != "---"]
    if not content or not _CLUSTER_CONFIG_START.match(content[0]):
        return None
    comment = _NAME_COMMENT.match(written[0])
    if comment:
        return comment.group(1)
    names = {match.group(1) for line in block.prose for match in _YAML_NAME.finditer(line)}
    return names.pop() if len(names) == 1 else None


def markdown_blocks(text: str) -> Iterator[Block]:
    """Fenced code blocks (``` or ~~~, at any indentation: list items too)."""
    lines = text.split("\n")
    index = prose_start = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None or (match.group("fence")[0] == "`" and "`" in match.group("info")):
            index += 1
            continue
        fence, indent = match.group("fence"), len(match.group("indent"))
        language_match = _LANGUAGE.match(match.group("info"))
        language = (language_match.group(1) if language_match else "").lower()
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            closing = lines[end].strip()
            if closing.startswith(fence) and set(closing) == {fence[0]}:
                break
            line = lines[end]
            strip = len(line) - len(line.lstrip(" \t"))
            body.append(line[min(indent, strip):])
            end += 1
        yield Block(language, body, index + 2, lines[prose_start:index])
        index = prose_start = end + 1


_ADOC_ATTRIBUTES = re.compile(r"^\[(?P<attrs>[^\]]*)\]\s*$")
_ADOC_DELIMITER = re.compile(r"^(-{4,}|\.{4,})\s*$")
_ADOC_COMMENT_BLOCK = re.compile(r"^/{4,}\s*$")
_ADOC_DEFINITION = re.compile(r"^:([A-Za-z0-9_][A-Za-z0-9_-]*):[ \t]*(.*)$")
# one entry of a block attribute list: commas inside a quoted value (`subs="verbatim,attributes"`) do not split it
_ADOC_ATTRIBUTE = re.compile(r'(?:[^,"]|"[^"]*")+')
_ADOC_REFERENCE = re.compile(r"\{([A-Za-z0-9_][A-Za-z0-9_-]*)\}")
_CALLOUTS = re.compile(r"(?:\s*(?://|#)?\s*<(?:\d+|\.)>)+\s*$")
# attributes the AWS documentation build gives every guide (awsdocs/amazon-eks-user-guide latest/ug/attributes.txt,
# included by each page: `:arn-aws: pass:q[[.shared]``region.arn``]`, the partition's ARN prefix, which the
# published guide shows as `arn:aws:`), for pages that use them without defining them themselves
_AWS_DOCS_ATTRIBUTES = {"arn-aws": "arn:aws:"}


def asciidoc_blocks(text: str) -> Iterator[Block]:
    """Listing (`----`) and literal (`....`) blocks, source paragraphs after `[source,lang]`, and
    Markdown-style fences. Callouts (`<1>`) are removed; `{attr}` references are substituted from
    `:attr: value` definitions where the block asks for it (`subs="attributes+"`)."""
    lines = text.split("\n")
    definitions: dict[str, str] = dict(_AWS_DOCS_ATTRIBUTES)
    attrs: list[str] | None = None
    index = prose_start = 0
    while index < len(lines):
        line = lines[index]
        definition = _ADOC_DEFINITION.match(line)
        if definition:
            definitions[definition.group(1)] = definition.group(2).strip()
            index += 1
            continue
        if _ADOC_COMMENT_BLOCK.match(line):
            end = index + 1
            while end < len(lines) and lines[end].strip() != line.strip():
                end += 1
            index = end + 1
            continue
        attr_match = _ADOC_ATTRIBUTES.match(line)
        if attr_match and not line.startswith("[["):
            attrs = [a.strip() for a in _ADOC_ATTRIBUTE.findall(attr_match.group("attrs"))]
            index += 1
            continue
        fence = _FENCE.match(line)
        delimiter = _ADOC_DELIMITER.match(line)
        if delimiter is None and fence is None:
            if attrs is not None and attrs[:1] == ["source"] and line.strip():
                end = index
                while end < len(lines) and lines[end].strip():
                    end += 1
                yield _adoc_block(attrs, lines[index:end], index + 1, definitions, lines[prose_start:index])
                index = prose_start = end
            attrs = None if line.strip() else attrs
            index += 1
            continue
        if fence is not None:
            fence_text = fence.group("fence")
            language_match = _LANGUAGE.match(fence.group("info"))
            block_attrs = ["source", (language_match.group(1) if language_match else "")]
        else:
            fence_text = line.strip()
            block_attrs = attrs or []
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence_text:
            end += 1
        yield _adoc_block(block_attrs, lines[index + 1:end], index + 2, definitions, lines[prose_start:index])
        attrs = None
        index = prose_start = end + 1


def _adoc_block(attrs: list[str], lines: list[str], first_line: int, definitions: dict[str, str],
                prose: list[str]) -> Block:
    positional = [a for a in attrs if "=" not in a]
    language = ""
    if positional and positional[0] in ("source", ""):
        language = positional[1].lower() if len(positional) > 1 else ""
    elif positional and positional[0] not in ("listing", "literal"):
        language = positional[0].lower()
    subs = " ".join(a for a in attrs if a.startswith("subs="))
    cleaned = [_CALLOUTS.sub("", line) for line in lines]
    if "attributes" in subs:
        cleaned = [_ADOC_REFERENCE.sub(lambda m: definitions.get(m.group(1), m.group(0)), line) for line in cleaned]
    return Block(language, cleaned, first_line, prose)


# --- Makefiles -----------------------------------------------------------------------------------

_MAKE_ASSIGNMENT = re.compile(
    r"^(?:(?:export|override|private)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$")
_MAKE_DIRECTIVE = re.compile(r"^\s*(?:ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude|vpath|unexport"
                             r"|export\s*$|\.[A-Z_]+\s*:)")


@dataclass(slots=True)
class MakeVariable:
    value: str
    recursive: bool
    exported: bool
    unknown: Text | None = None


def makefile_recipes(text: str) -> tuple[dict[str, MakeVariable], list[tuple[int, str]]]:
    """The variables of a Makefile and its recipe lines (file line, shell text with `\\`-newlines kept)."""
    lines = text.split("\n")
    variables: dict[str, MakeVariable] = {}
    recipes: list[tuple[int, str]] = []
    in_rule = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("\t") and in_rule:
            start = index
            body = line[1:]
            while body.endswith("\\") and index + 1 < len(lines):
                index += 1
                nxt = lines[index]
                body += "\n" + (nxt[1:] if nxt.startswith("\t") else nxt)
            recipes.append((start + 1, body.lstrip(" @-+")))
            index += 1
            continue
        logical = line
        while logical.endswith("\\") and index + 1 < len(lines):
            index += 1
            logical = logical[:-1] + " " + lines[index].strip()
        index += 1
        stripped = logical.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("define "):
            while index < len(lines) and not lines[index].strip().startswith("endef"):
                index += 1
            index += 1
            continue
        if _MAKE_DIRECTIVE.match(logical) and not _MAKE_ASSIGNMENT.match(logical):
            continue
        assignment = _MAKE_ASSIGNMENT.match(logical)
        if assignment and ":" not in logical.split("=", 1)[0].rstrip(":"):
            name, op, value = assignment.groups()
            exported = logical.lstrip().startswith("export")
            value = value.split(" #", 1)[0].strip() if "#" in value else value.strip()
            if op == "?=" and name in variables:
                continue
            if op == "+=" and name in variables:
                old = variables[name]
                variables[name] = MakeVariable(f"{old.value} {value}".strip(), old.recursive, old.exported or exported,
                                               old.unknown)
            elif op == "!=":
                variables[name] = MakeVariable(value, False, exported, _reason(
                    f"make variable `{name}` is the output of a shell command", f"make 変数 `{name}` はシェルコマンドの出力です"))
            else:
                variables[name] = MakeVariable(value, op in ("=", "?=", "+="), exported)
            in_rule = False
            continue
        if ":" in logical and not logical.startswith((" ", "\t")):
            in_rule = True
            _, _, rest = logical.partition(":")
            if ";" in rest:
                recipes.append((index, rest.split(";", 1)[1].lstrip(" @-+")))
    return variables, recipes


def make_expand(text: str, variables: Mapping[str, MakeVariable], env: Env, depth: int = 0) -> str:
    """Make's own expansion of a recipe line: `$$` → `$`, `$(VAR)`/`${VAR}` → its value (markers for
    functions, automatic variables and variables this Makefile does not define)."""
    out: list[str] = []
    index, n = 0, len(text)
    while index < n:
        char = text[index]
        if char != "$" or index + 1 >= n:
            out.append(char)
            index += 1
            continue
        nxt = text[index + 1]
        if nxt == "$":
            out.append("$")
            index += 2
            continue
        if nxt in "({":
            close = ")" if nxt == "(" else "}"
            depth_count, end = 1, index + 2
            while end < n and depth_count:
                if text[end] == nxt:
                    depth_count += 1
                elif text[end] == close:
                    depth_count -= 1
                end += 1
            reference = text[index + 2:end - 1]
            original = text[index:end]
            index = end
        else:
            reference, original = nxt, text[index:index + 2]
            index += 2
        variable = variables.get(reference)
        if variable is not None and variable.unknown is None and depth < MAX_DEPTH:
            value = variable.value
            out.append(make_expand(value, variables, env, depth + 1) if "$" in value else value)
        elif reference in env.cli:
            out.append(env.cli[reference])
        else:
            reason = variable.unknown if variable is not None and variable.unknown else (
                _reason(f"make expression `{_short(original)}` is not evaluated here",
                        f"make の式 `{_short(original)}` はここでは評価しません") if (" " in reference or len(reference) == 1)
                else _reason(f"make variable `{original}` is not set in this Makefile (pass --var {reference}=VALUE)",
                             f"make 変数 `{original}` はこの Makefile で設定されていません（--var {reference}=値 で指定できます）"))
            out.append(env.placeholder(original, reason))
    return "".join(out)


# --- CI YAML -------------------------------------------------------------------------------------

_GITLAB_RESERVED = frozenset({"stages", "variables", "include", "default", "workflow", "image", "services",
                              "cache", "before_script", "after_script", "pages", "spec"})
_GITLAB_JOB_KEYS = frozenset({"stage", "image", "extends", "rules", "only", "except", "needs", "tags",
                              "environment", "when", "artifacts", "dependencies", "services", "variables"})
_CODEBUILD_PHASES = ("install", "pre_build", "build", "post_build")
_NON_SHELLS = ("pwsh", "powershell", "python", "cmd", "node")
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_ENV_EXPRESSION = re.compile(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def ci_kind(documents: list[Any], path: str) -> str | None:
    """"github" (workflow or composite action), "gitlab", "codebuild", "circleci" or None."""
    name = os.path.basename(path).lower()
    for document in documents:
        if not isinstance(document, Mapping) or "apiVersion" in document or "kind" in document:
            continue
        jobs = document.get("jobs")
        if isinstance(jobs, Mapping) and any(isinstance(j, Mapping) and ("steps" in j or "runs-on" in j
                                                                          or "uses" in j) for j in jobs.values()):
            return "circleci" if "version" in document and ("on" not in document and True not in document) \
                else "github"
        runs = document.get("runs")
        if isinstance(runs, Mapping) and runs.get("using") == "composite":
            return "github"
        phases = document.get("phases")
        if isinstance(phases, Mapping) and "version" in document:
            return "codebuild"
        if name in (".gitlab-ci.yml", ".gitlab-ci.yaml") or "/.gitlab/" in path.replace(os.sep, "/"):
            return "gitlab"
        jobs_with_script = [v for k, v in document.items() if isinstance(v, Mapping) and "script" in v
                            and k not in _GITLAB_RESERVED]
        if jobs_with_script and ("stages" in document or any(_GITLAB_JOB_KEYS & set(j) for j in jobs_with_script)):
            return "gitlab"
    return None


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found: yaml.Node = value_node
                return found
    return None


def _items(node: yaml.Node | None) -> list[tuple[str, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        return [(k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    return []


def _scalars(node: yaml.Node | None) -> list[yaml.ScalarNode]:
    """A script: one scalar, or a (nested) sequence of scalars (GitLab `!reference` lists included)."""
    if isinstance(node, yaml.ScalarNode):
        return [node]
    if isinstance(node, yaml.SequenceNode):
        return [s for item in node.value for s in _scalars(item)]
    return []


def scalar_first_line(node: yaml.ScalarNode) -> int:
    """The file line of the first line of a scalar's value: the line after `|`/`>` for block scalars."""
    return node.start_mark.line + (2 if node.style in ("|", ">") else 1)


def ci_workspace(path: str) -> str:
    """The folder CI jobs run in: the repository root (the parent of `.github/`, `.circleci/`, `.gitlab/`),
    else the CI file's folder."""
    posix = path.replace(os.sep, "/")
    for marker in ("/.github/", "/.circleci/", "/.gitlab/"):
        if marker in "/" + posix:
            root = ("/" + posix).split(marker)[0][1:]
            return root or "."
    return posixpath.dirname(posix) or "."


class CiScanner:
    def __init__(self, path: str, cli: Mapping[str, str]) -> None:
        self.path = path
        self.cli = cli
        self.interpreter = Interpreter(path, Env(cli, ci_workspace(path)))

    def env(self, *maps: yaml.Node | None, directory: yaml.Node | None = None) -> Env:
        env = Env(self.cli, self.interpreter.env.script_dir)
        env.placeholders = self.interpreter.env.placeholders
        if isinstance(directory, yaml.ScalarNode) and env.cwd is not None:  # `working-directory:`
            env.cwd = posixpath.normpath(posixpath.join(env.cwd, str(directory.value)))
        for mapping in maps:
            for name, value in _items(mapping):
                if isinstance(value, yaml.MappingNode):  # GitLab `NAME: {value: x, description: y}`
                    value = _get(value, "value")  # type: ignore[assignment]
                if not isinstance(value, yaml.ScalarNode) or not _NAME.fullmatch(name):
                    continue
                text = self.expressions(value.value, env)
                expanded, unknown = Lexer(text, value.start_mark.line + 1, env).fragment(text)
                env.set(name, expanded, unknown)
        return env

    def expressions(self, text: str, env: Env) -> str:
        """GitHub Actions `${{ … }}`: `env.NAME` of a known variable is substituted, the rest is unknown."""
        if "${{" not in text:
            return text

        def replace(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("env."):
                binding = env.lookup(expression[4:])
                if binding is not None and binding.unknown is None:
                    return binding.text
            return env.placeholder(match.group(0), _reason(
                f"GitHub Actions expression `{_short(match.group(0))}` is not known here",
                f"GitHub Actions の式 `{_short(match.group(0))}` はここでは分かりません"))

        return _EXPRESSION.sub(replace, text)

    def run_script(self, nodes: list[yaml.ScalarNode], env: Env) -> None:
        for node in nodes:
            self.interpreter.run(self.expressions(str(node.value), env), scalar_first_line(node), env)

    def scan(self, kind: str, root: yaml.Node) -> list[Invocation]:
        if kind == "github":
            self._github(root)
        elif kind == "circleci":
            self._github(root, env_key="environment")
        elif kind == "gitlab":
            self._gitlab(root)
        elif kind == "codebuild":
            env = self.env(_get(_get(root, "env"), "variables"))
            for phase in _CODEBUILD_PHASES:
                self.run_script(_scalars(_get(_get(_get(root, "phases"), phase), "commands")), env)
        return self.interpreter.invocations

    def _github(self, root: yaml.Node, env_key: str = "env") -> None:
        workflow_shell = _get(_get(_get(root, "defaults"), "run"), "shell")
        jobs = [job for _, job in _items(_get(root, "jobs"))]
        runs = _get(root, "runs")
        if runs is not None:
            jobs.append(runs)
        for job in jobs:
            job_shell = _get(_get(_get(job, "defaults"), "run"), "shell") or workflow_shell
            steps = _get(job, "steps")
            for step in steps.value if isinstance(steps, yaml.SequenceNode) else []:
                run = _get(step, "run")
                step_env = _get(step, env_key)
                if isinstance(run, yaml.MappingNode):  # CircleCI `run: {command: …}`
                    step_env = _get(run, env_key) or step_env
                    run = _get(run, "command")
                shell = _get(step, "shell") or job_shell
                if not isinstance(run, yaml.ScalarNode) or (
                        isinstance(shell, yaml.ScalarNode) and str(shell.value).split()[0] in _NON_SHELLS):
                    continue
                directory = _get(step, "working-directory") or _get(_get(_get(job, "defaults"), "run"),
                                                                     "working-directory")
                env = self.env(_get(root, env_key), _get(job, env_key), step_env, directory=directory)
                self.run_script([run], env)

    def _gitlab(self, root: yaml.Node) -> None:
        default = _get(root, "default")
        global_before = _get(default, "before_script") or _get(root, "before_script")
        global_after = _get(default, "after_script") or _get(root, "after_script")
        for name, job in _items(root):
            if name in _GITLAB_RESERVED or not isinstance(job, yaml.MappingNode) or _get(job, "script") is None:
                continue
            env = self.env(_get(root, "variables"), _get(job, "variables"))
            before = _get(job, "before_script") or global_before
            self.run_script(_scalars(before) + _scalars(_get(job, "script")), env)
            after = _get(job, "after_script") or global_after
            if after is not None:
                self.run_script(_scalars(after), self.env(_get(root, "variables"), _get(job, "variables")))


# --- Entry points --------------------------------------------------------------------------------

_SHEBANG = re.compile(r"^#![ \t]*\S*?(?:/|[ \t])(?:env[ \t]+(?:-\S+[ \t]+)*)?(?:ba|z|da|k|a)?sh\b")


def script_dir(path: str) -> str:
    return posixpath.dirname(path.replace(os.sep, "/")) or "."


def has_shell_shebang(text: str) -> bool:
    return bool(_SHEBANG.match(text[:200]))


def scan_text(kind: str, text: str, path: str, cli: Mapping[str, str]) -> list[Invocation]:
    """The eksctl invocations of a text file of `kind` (see `file_kind`), in order."""
    return scan_script(kind, text, path, cli).invocations if "eksctl" in text else []


def scan_script(kind: str, text: str, path: str, cli: Mapping[str, str]) -> Interpreter:
    """The commands of a text file of `kind` (see `file_kind`) that eksguard reads: its eksctl invocations and
    the manifests it applies with kubectl from here-documents."""
    env = Env(cli, script_dir(path))
    interpreter = Interpreter(path, env)
    if kind == "shebang" and not has_shell_shebang(text):
        return interpreter
    # CRLF line ends (a file saved on Windows): a page's reader copies lines, so `\` before CRLF continues
    # the command as before LF; the lexer already takes a lone CR for a blank (CI YAML normalises them itself)
    text = text.replace("\r\n", "\n")
    if kind in ("shell", "shebang"):
        interpreter.run(text, 1)
    elif kind in ("markdown", "asciidoc"):
        blocks = markdown_blocks(text) if kind == "markdown" else asciidoc_blocks(text)
        for block in blocks:  # one sequence: variables and `cd` carry over from block to block
            shown = shown_file(block)
            if shown is not None:
                interpreter.show(shown, block)
            elif reads_as_shell(block.language, block.lines):
                interpreter.run(block_script(block.lines, block.language), block.first_line)
    elif kind == "makefile":
        variables, recipes = makefile_recipes(text)
        for name, variable in variables.items():
            if variable.exported:
                value = make_expand(variable.value, variables, env)
                env.set(name, value)
                env.exported.add(name)  # in the environment of every recipe, as envsubst sees it
        for line, recipe in recipes:
            recipe_env = env.fork()
            interpreter.run(make_expand(recipe, variables, recipe_env), line, recipe_env)
    return interpreter


def scan_ci(kind: str, text: str, path: str, cli: Mapping[str, str]) -> list[Invocation]:
    """The eksctl invocations of a CI file (`ci_kind`), in document order."""
    if "eksctl" not in text:
        return []
    scanner = CiScanner(path, cli)
    try:
        roots = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return []
    for root in roots:
        if root is not None:
            scanner.scan(kind, root)
    return scanner.interpreter.invocations
