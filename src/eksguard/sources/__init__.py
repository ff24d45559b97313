"""Reading inputs into the model: file discovery and dispatch to the sources.

Each source registers what it reads: `DOCUMENT_READERS` get the parsed YAML/JSON documents of
a file and return True when they took it; `TEXT_READERS` get files by name (scripts,
Markdown, Terraform). Sources describe; they never judge.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eksguard.model import Estate, InputProblem, InputRecord
from eksguard.sources.fields import Variables
from eksguard.sources.loading import InputError, Limits, load_json, load_yaml_documents, read_text

YAML_SUFFIXES = {".yaml", ".yml"}
JSON_SUFFIXES = {".json"}
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".terraform", ".tox"}


@dataclass(slots=True)
class ScanContext:
    estate: Estate
    variables: Variables
    limits: Limits
    scanned_files: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


DocumentReader = Callable[[list[Any], str, str, ScanContext], bool]
TextReader = Callable[[str, str, ScanContext], bool]

DOCUMENT_READERS: list[tuple[str, DocumentReader]] = []
TEXT_READERS: list[tuple[str, Callable[[str], bool], TextReader]] = []
FINISHERS: list[Callable[[ScanContext], None]] = []


def _gitignore_patterns(folder: Path) -> list[str]:
    try:
        lines = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [line.strip().rstrip("/") for line in lines
            if line.strip() and not line.startswith(("#", "!"))]


def _ignored(name: str, relative: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        anchored = pattern.lstrip("/")
        if "/" in anchored:
            if fnmatch.fnmatch(relative, anchored) or relative.startswith(anchored + "/"):
                return True
        elif fnmatch.fnmatch(name, anchored):
            return True
    return False


def is_candidate(name: str) -> bool:
    suffix = os.path.splitext(name)[1].lower()
    if suffix in YAML_SUFFIXES or suffix in JSON_SUFFIXES:
        return True
    return any(accepts(name) for _, accepts, _ in TEXT_READERS)


def walk(root: Path) -> Iterator[Path]:
    """Candidate files below `root`, skipping VCS/tool folders and what .gitignore files exclude."""
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[Path, list[tuple[Path, list[str]]]]] = [(root, [])]
    while stack:
        folder, inherited = stack.pop()
        try:
            stat = folder.stat()
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen_dirs:
            continue  # a symlink loop
        seen_dirs.add((stat.st_dev, stat.st_ino))
        rules = [*inherited, (folder, _gitignore_patterns(folder))]
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            if any(_ignored(entry.name, os.path.relpath(path, base).replace(os.sep, "/"), patterns)
                   for base, patterns in rules):
                continue
            try:
                if entry.is_dir():
                    if entry.name not in SKIP_DIRS:
                        subfolders.append((path, rules))
                elif entry.is_file() and is_candidate(entry.name):
                    yield path
            except OSError:
                continue
        stack.extend(reversed(subfolders))


def _record_problem(ctx: ScanContext, path: str, error: InputError) -> None:
    ctx.estate.problems.append(InputProblem(path, error.line, error.message, error.kind))


def read_documents(text: str, path: str, ctx: ScanContext, as_json: bool) -> None:
    if as_json:
        try:
            documents = load_yaml_documents(text, ctx.limits)  # libyaml reads JSON with line marks
        except InputError:
            documents = [load_json(text, ctx.limits)]
    else:
        documents = load_yaml_documents(text, ctx.limits)
    documents = [d for d in documents if d is not None]
    for kind, reader in DOCUMENT_READERS:
        if reader(documents, text, path, ctx):
            ctx.estate.inputs.append(InputRecord(path, kind, len(documents)))
            return
    ctx.estate.inputs.append(InputRecord(path, "ignored", len(documents)))


def read_file(path: Path, display: str, ctx: ScanContext) -> None:
    try:
        text = read_text(path, ctx.limits)
        read_text_input(text, display, path.name, ctx)
    except InputError as error:
        _record_problem(ctx, display, error)


_IGNORE = re.compile(r"eksguard:ignore\s+((?:EKS\d{3}\s*,?\s*)+)(.*)")


def record_inline_ignores(text: str, display: str, ctx: ScanContext) -> None:
    """Remember `eksguard:ignore EKS101[,EKS102] reason` comments with their line numbers."""
    if "eksguard:ignore" not in text:
        return
    lines = ctx.estate.inline_ignores.setdefault(display, {})
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            rules = re.findall(r"EKS\d{3}", match.group(1))
            lines[number] = [(rule_id, match.group(2).strip()) for rule_id in rules]


def read_text_input(text: str, display: str, name: str, ctx: ScanContext) -> None:
    record_inline_ignores(text, display, ctx)
    suffix = os.path.splitext(name)[1].lower()
    for kind, accepts, reader in TEXT_READERS:
        if accepts(name) and reader(text, display, ctx):
            ctx.estate.inputs.append(InputRecord(display, kind))
            return
    if suffix in YAML_SUFFIXES or suffix in JSON_SUFFIXES or name == "-":
        read_documents(text, display, ctx, as_json=suffix in JSON_SUFFIXES)
    else:
        ctx.estate.inputs.append(InputRecord(display, "ignored"))


def collect(paths: list[str], variables: dict[str, str], limits: Limits | None = None,
            stdin_text: str | None = None, options: dict[str, Any] | None = None) -> Estate:
    """Read every input under `paths` into one Estate (problems recorded, never raised)."""
    _register_sources()
    estate = Estate()
    ctx = ScanContext(estate, Variables(variables), limits or Limits(), options=options or {})
    files: list[tuple[Path | None, str]] = []
    for given in paths:
        if given == "-":
            files.append((None, "-"))
            continue
        root = Path(given)
        if root.is_dir():
            files.extend((found, str(found)) for found in walk(root))
        elif root.exists():
            files.append((root, given))
        else:
            estate.problems.append(InputProblem(given, None, "no such file or directory"))
    ctx.scanned_files = [display for _, display in files]
    for path, display in files:
        if path is None:
            try:
                read_text_input(stdin_text or "", "-", "-", ctx)
            except InputError as error:
                _record_problem(ctx, "-", error)
        else:
            read_file(path, display, ctx)
    for finish in FINISHERS:
        finish(ctx)
    estate.problems.extend(ctx.variables.problems)
    return estate


_REGISTERED = False


def _register_sources() -> None:
    """Import every `*_reader` module of this package; each registers itself with `register()`.

    Readers run in their module's `PRIORITY` order (lower first): eksctl's ClusterConfig must be
    claimed before the generic Kubernetes manifest reader sees it.
    """
    global _REGISTERED
    if _REGISTERED:
        return
    _REGISTERED = True
    import importlib
    import pkgutil

    modules = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)
               if m.name.endswith("_reader")]
    for module in sorted(modules, key=lambda m: getattr(m, "PRIORITY", 50)):
        module.register()
