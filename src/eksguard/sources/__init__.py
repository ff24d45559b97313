"""Reading inputs into the model: file discovery and dispatch to the sources.

Each source registers what it reads: `DOCUMENT_READERS` get the parsed YAML/JSON documents of
a file and return True when they took it; `TEXT_READERS` get files by name (scripts,
Markdown, Terraform). Sources describe; they never judge.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eksguard.model import Cluster, Estate, InputProblem, InputRecord, Text
from eksguard.sources.fields import Variables
from eksguard.sources.loading import InputError, Limits, parse_documents, read_text
from eksguard.sources.parallel import ParsedAhead, start_parsing_ahead

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
    # what worker processes parse for the sources with a slow parser (ReaderModule.parse_ahead)
    parsed_ahead: ParsedAhead | None = None


DocumentReader = Callable[[list[Any], str, str, ScanContext], bool]
TextReader = Callable[[str, str, ScanContext], bool]

DOCUMENT_READERS: list[tuple[str, DocumentReader]] = []
TEXT_READERS: list[tuple[str, Callable[[str], bool], TextReader]] = []
# (the module's PRIORITY, finisher): they run in PRIORITY order whatever order their modules loaded in, so
# the Kubernetes finisher binds manifests to clusters that earlier finishers build (Terraform's)
FINISHERS: list[tuple[int, Callable[[ScanContext], None]]] = []


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """One .gitignore line (gitignore(5)): `!` re-includes, a trailing `/` matches folders only, a `/` at the
    start or in the middle ties the pattern to the .gitignore's folder, else it matches a name at any depth."""

    pattern: re.Pattern[str]
    negated: bool
    folders_only: bool
    anchored: bool


def _glob_regex(glob: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if glob.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and "]" in glob[index + 2:]:
            close = glob.index("]", index + 2)
            body = glob[index + 1:close]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            index = close + 1
            continue
        elif char == "\\" and index + 1 < len(glob):
            out.append(re.escape(glob[index + 1]))
            index += 2
            continue
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _ignore_rule(line: str) -> IgnoreRule | None:
    """The rule of one .gitignore line; None for blank lines and comments."""
    text = line.rstrip("\r")
    text = text.rstrip(" ") + (" " if text.endswith("\\ ") else "")  # `\ ` keeps one trailing space
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated or text.startswith(("\\!", "\\#")):
        text = text[1:]
    folders_only = text.endswith("/")
    text = text.rstrip("/")
    anchored = "/" in text
    text = text.lstrip("/")
    if not text:
        return None
    try:
        pattern = re.compile(_glob_regex(text))
    except re.error:
        return None
    return IgnoreRule(pattern, negated, folders_only, anchored)


def _gitignore_rules(folder: Path) -> list[IgnoreRule]:
    try:
        lines = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [rule for rule in map(_ignore_rule, lines) if rule is not None]


def _ignored(name: str, relative: str, is_folder: bool, rules: list[IgnoreRule], verdict: bool = False) -> bool:
    """Whether git ignores the entry `relative` (to the rules' folder, `/`-separated) named `name`: the last
    matching rule decides; `verdict` is what outer .gitignore files decided."""
    for rule in rules:
        if rule.folders_only and not is_folder:
            continue
        if rule.pattern.fullmatch(relative if rule.anchored else name):
            verdict = not rule.negated
    return verdict


def is_candidate(name: str) -> bool:
    suffix = os.path.splitext(name)[1].lower()
    if suffix in YAML_SUFFIXES or suffix in JSON_SUFFIXES:
        return True
    return any(spec.names is not None and spec.names(name) for spec in READER_MODULES)


def walk(root: Path) -> Iterator[Path]:
    """Candidate files below `root`, skipping VCS/tool folders and what .gitignore files exclude."""
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[Path, list[tuple[Path, list[IgnoreRule]]]]] = [(root, [])]
    while stack:
        folder, inherited = stack.pop()
        try:
            stat = folder.stat()
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen_dirs:
            continue  # a symlink loop
        seen_dirs.add((stat.st_dev, stat.st_ino))
        rules = [*inherited, (folder, _gitignore_rules(folder))]
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        active = [(base, patterns) for base, patterns in rules if patterns]  # most folders have no .gitignore
        for entry in entries:
            path = Path(entry.path)
            try:
                is_folder = entry.is_dir()
            except OSError:
                continue
            # a folder git ignores is not walked, so nothing under it is re-included (as in git)
            verdict = False
            for base, base_rules in active:
                verdict = _ignored(entry.name, os.path.relpath(path, base).replace(os.sep, "/"), is_folder,
                                   base_rules, verdict)
            if verdict:
                continue
            try:
                if is_folder:
                    if entry.name not in SKIP_DIRS:
                        subfolders.append((path, rules))
                elif entry.is_file() and is_candidate(entry.name):
                    yield path
            except OSError:
                continue
        stack.extend(reversed(subfolders))


def join_stub(stub: Cluster, target: Cluster) -> None:
    """What a template or module adds to a cluster it does not define (`stub`) joins that cluster."""
    stub_sg = stub.cluster_security_group_id
    for group in stub.node_groups:
        if stub_sg and target.cluster_security_group_id:
            group.security_group_ids = [target.cluster_security_group_id if s == stub_sg else s
                                        for s in group.security_group_ids]
    target.node_groups.extend(stub.node_groups)
    target.fargate_profiles.extend(stub.fargate_profiles)
    if stub.access_entries:
        target.access_entries = [*(target.access_entries or []), *stub.access_entries]
    if stub.addons:
        target.addons = [*(target.addons or []), *stub.addons]
    for sg_id, sg in stub.network.security_groups.items():
        target.network.security_groups.setdefault(sg_id, sg)
    for subnet_id, subnet in stub.network.subnets.items():
        target.network.subnets.setdefault(subnet_id, subnet)
    for table_id, table in stub.network.route_tables.items():
        target.network.route_tables.setdefault(table_id, table)


def record_problem(ctx: ScanContext, path: str, error: InputError) -> None:
    """An input that could not be read, as the one line the scan reports (exit code 2)."""
    ctx.estate.problems.append(InputProblem(path, error.line, error.message, error.kind, error.ja))


def read_documents(text: str, path: str, ctx: ScanContext, as_json: bool) -> None:
    documents = parse_documents(text, ctx.limits, as_json)
    _load_readers_for(documents=documents, path=path)
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
        record_problem(ctx, display, error)


_IGNORE = re.compile(r"eksguard:ignore\s+((?:EKS\d{3}\s*,?\s*)+)(.*)")
# Terraform template syntax (https://developer.hashicorp.com/terraform/language/expressions/strings):
# a directive on its own line, or an interpolation holding an expression (a call, a condition, a quoted
# string), which shell-style `${VAR}` placeholders never do
_TEMPLATE_DIRECTIVE = re.compile(r"^[ \t]*%\{~?[ \t]*(?:if|for|else|endif|endfor)\b|\$\{[^}\n]*[?(\"][^}\n]*\}",
                                 re.MULTILINE)
TERRAFORM_TEMPLATE_NOTE = Text(
    "Terraform template (`%{ ... }` directives or `${ ... }` expressions), not YAML until `templatefile()` "
    "renders it: not scanned",
    "Terraform のテンプレート（`%{ ... }` ディレクティブや `${ ... }` の式）で、`templatefile()` で展開されるまで "
    "YAML ではないため、スキャンしていません")


# `{{name}}` placeholders (mustache-style, filled by sed, envsubst-like scripts, Jinja, Go templates): unquoted,
# `{{x}}` is a YAML flow mapping inside a flow mapping, so libyaml stops with "found an unhashable key"
_PLACEHOLDER = re.compile(r"\{\{[^{}\n]{1,80}\}\}")


def _unquoted_placeholder(line: str) -> str | None:
    """The first `{{x}}` of a line outside quotes: a quoted one is a plain string to YAML and breaks nothing."""
    for match in _PLACEHOLDER.finditer(line):
        before = line[:match.start()]
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return match.group(0)
    return None


# a MIME multi-part archive (EC2 user data with cloud-init or nodeadm NodeConfig parts): header fields at the top,
# one of them `MIME-Version:` (RFC 2045 section 4), then parts between `--boundary` lines, which YAML cannot read
# (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html)
_MIME_HEADERS = re.compile(r"\A\s*(?:[A-Za-z0-9-]+:[^\n]*\n)*?MIME-Version:", re.IGNORECASE)
MIME_NOTE = Text(
    "MIME multi-part document (EC2 user data), not YAML: not scanned",
    "MIME マルチパート文書（EC2 のユーザーデータ）で YAML ではないため、スキャンしていません")


def _template_of(text: str, error: InputError) -> tuple[str, int | None, Text] | None:
    """(input kind, line, note) of a file of another tool that did not parse as YAML (a template, MIME user
    data), None for a broken YAML/JSON file."""
    if _MIME_HEADERS.match(text):
        return "mime-multipart", None, MIME_NOTE
    if _TEMPLATE_DIRECTIVE.search(text):  # Terraform `templatefile()` input: YAML once Terraform renders it
        return "terraform-template", None, TERRAFORM_TEMPLATE_NOTE
    # only a placeholder where parsing stopped (libyaml marks its line or the next one): a broken file that
    # merely mentions `{{x}}` elsewhere stays an input error
    lines = text.splitlines()
    stopped = (error.line, error.line - 1) if error.line else ()
    found = next(((line, name) for line in stopped if 0 < line <= len(lines)
                  if (name := _unquoted_placeholder(lines[line - 1]))), None)
    if found is None:
        return None
    line, name = found
    return "placeholder-template", line, Text(
        f"template with placeholders such as `{name}`, not YAML until they are filled in: not scanned; "
        "scan the rendered output (or exclude the file)",
        f"`{name}` のようなプレースホルダーを含むテンプレートで、値が埋められるまで YAML ではないため、スキャンしていません。"
        "レンダリング後の出力をスキャンしてください（またはこのファイルを除外してください）")


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
    _load_readers_for(name=name, text=text)
    suffix = os.path.splitext(name)[1].lower()
    for kind, accepts, reader in TEXT_READERS:
        if accepts(name) and reader(text, display, ctx):
            ctx.estate.inputs.append(InputRecord(display, kind))
            return
    if suffix in YAML_SUFFIXES or suffix in JSON_SUFFIXES or name == "-":
        try:
            read_documents(text, display, ctx, as_json=suffix in JSON_SUFFIXES)
        except InputError as error:
            template = _template_of(text, error)
            if template is None:
                raise
            # a template is not a broken input but a file of another tool, YAML only once rendered: named
            # (a warning and its input kind), not scanned, as Helm chart templates are
            kind, line, note = template
            ctx.estate.warnings.append(InputProblem.of(display, line, note, kind))
            ctx.estate.inputs.append(InputRecord(display, kind))
    else:
        ctx.estate.inputs.append(InputRecord(display, "ignored"))


def collect(paths: list[str], variables: dict[str, str], limits: Limits | None = None,
            stdin_text: str | None = None, options: dict[str, Any] | None = None, jobs: int = 0) -> Estate:
    """Read every input under `paths` into one Estate (problems recorded, never raised). `jobs`:
    processes that parse ahead (0: one per CPU for large trees; 1: none; see sources.parallel)."""
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
            estate.problems.append(InputProblem.of(given, None, Text("no such file or directory",
                                                                     "そのようなファイルやディレクトリはありません")))
    ctx.scanned_files = [display for _, display in files]
    ctx.parsed_ahead = start_parsing_ahead([display for path, display in files if path is not None],
                                           _parse_ahead_for, jobs, ctx.limits)
    try:
        for path, display in files:
            if path is not None:
                read_file(path, display, ctx)
                continue
            try:
                read_text_input(stdin_text or "", "-", "-", ctx)
            except InputError as error:
                record_problem(ctx, "-", error)
        return _finish(ctx)
    finally:
        if ctx.parsed_ahead is not None:
            ctx.parsed_ahead.close()


def _parse_ahead_for(name: str) -> tuple[str, str] | None:
    for spec in READER_MODULES:
        if spec.parse_ahead and spec.names is not None and spec.names(name):
            return spec.module, spec.parse_ahead
    return None


def collect_text(text: str, display: str, variables: dict[str, str], limits: Limits | None = None) -> Estate:
    """Read one text as if it were the file `display` (e.g. a fixed file before it is written)."""
    ctx = ScanContext(Estate(), Variables(variables), limits or Limits(), scanned_files=[display])
    try:
        read_text_input(text, display, os.path.basename(display), ctx)
    except InputError as error:
        record_problem(ctx, display, error)
    return _finish(ctx)


def _finish(ctx: ScanContext) -> Estate:
    """Cross-file resolution (each source's finisher), then the facts every source shares."""
    estate = ctx.estate
    for _, finish in sorted(FINISHERS, key=lambda entry: entry[0]):
        finish(ctx)
    estate.problems.extend(ctx.variables.problems)
    if estate.clusters:  # a fact every source shares: SGs shared between clusters (EKS206)
        from eksguard.analysis.network import link_shared_security_groups

        link_shared_security_groups(estate.clusters)
    return estate


@dataclass(frozen=True, slots=True)
class ReaderModule:
    """A source module and the cheap tests that say when it may be needed.

    A module is imported (and its `register()` run) only when a file could be its input, so a scan
    pays only for the sources it uses. The tests must never say no to a file the module would take.
    """

    module: str
    priority: int  # lower reads first: eksctl's ClusterConfig before the generic Kubernetes reader
    documents: Callable[[list[Any], str], bool] | None = None  # (parsed documents, path)
    names: Callable[[str], bool] | None = None  # file name (decides what a directory walk reads)
    texts: Callable[[str, str], bool] | None = None  # (file name, text), for text readers
    # a pure `function(path, text)` of the module that worker processes run, for large scans, on the
    # files `names` accepts; the reader takes the result with `ctx.parsed_ahead.take(path, text)`
    parse_ahead: str | None = None


def _mappings(documents: list[Any]) -> list[Mapping[str, Any]]:
    return [d for d in documents if isinstance(d, Mapping)]


def _maybe_snapshot(documents: list[Any], path: str) -> bool:
    return any(d.get("format") == "eksguard-snapshot" for d in _mappings(documents))


def _maybe_ci(documents: list[Any], path: str) -> bool:
    name = os.path.basename(path).lower()
    return name in (".gitlab-ci.yml", ".gitlab-ci.yaml") or any(
        "apiVersion" not in d and "kind" not in d
        and ({"jobs", "runs", "phases", "stages"} & set(d) or any(isinstance(v, Mapping) and "script" in v
                                                                 for v in d.values()))
        for d in _mappings(documents))


def _maybe_eksctl(documents: list[Any], path: str) -> bool:
    return any(d.get("kind") == "ClusterConfig" for d in _mappings(documents))


def _maybe_cloudformation(documents: list[Any], path: str) -> bool:
    return any("Resources" in d or "AWSTemplateFormatVersion" in d
               or any(isinstance(v, Mapping) and "Type" in v for v in d.values())
               for d in _mappings(documents))


def _maybe_plan(documents: list[Any], path: str) -> bool:
    return any("format_version" in d for d in _mappings(documents))


def _maybe_kubernetes(documents: list[Any], path: str) -> bool:
    name = os.path.basename(path).lower()
    return name in ("kustomization.yaml", "kustomization.yml", "kustomization") or any(
        (("apiVersion" in d or "kind" in d) and not str(d.get("apiVersion", "")).startswith("eksctl.io/"))
        or applies_quickstart_manifests(d) for d in _mappings(documents))


def applies_quickstart_manifests(document: Any) -> bool:
    """A CloudFormation template with the AWS Quick Start's `AWSQS::Kubernetes::Resource` (objects it applies)."""
    resources = document.get("Resources") if isinstance(document, Mapping) else None
    return isinstance(resources, Mapping) and any(
        isinstance(r, Mapping) and r.get("Type") == "AWSQS::Kubernetes::Resource" for r in resources.values())


# a `.tf` (or `.tf.json`) file that declares Kubernetes objects (read by sources.terraform_kubernetes); HCL takes
# a block's type label quoted or bare (`resource kubernetes_role x`):
# https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md#structural-elements
DECLARES_KUBERNETES_OBJECTS = re.compile(r'resource\s+"?(?:kubernetes_[a-z0-9_]+|kubectl_manifest)(?:"|\s)'
                                         r'|"(?:kubernetes_[a-z0-9_]+|kubectl_manifest)"\s*:')


def _declares_kubernetes_objects(text: str) -> bool:
    return ("kubernetes_" in text or "kubectl_manifest" in text) and bool(DECLARES_KUBERNETES_OBJECTS.search(text))


def applies_heredoc_manifests(text: str) -> bool:
    """Whether a script may feed `kubectl apply -f -` a here-document (the cheap check)."""
    return "kubectl" in text and "<<" in text


def _script_name(name: str) -> bool:
    from eksguard.sources.filekinds import file_kind

    return file_kind(name) is not None


READER_MODULES: tuple[ReaderModule, ...] = (
    ReaderModule("eksguard.sources.snapshot_reader", 5, documents=_maybe_snapshot),
    ReaderModule("eksguard.sources.commandline_reader", 5, documents=_maybe_ci, names=_script_name,
                 texts=lambda name, text: ("eksctl" in text or applies_heredoc_manifests(text))
                 and _script_name(name)),
    ReaderModule("eksguard.sources.eksctl_reader", 10, documents=_maybe_eksctl),
    ReaderModule("eksguard.sources.cloudformation_reader", 20, documents=_maybe_cloudformation),
    ReaderModule("eksguard.sources.terraform_reader", 30, documents=_maybe_plan,
                 names=lambda name: name.endswith((".tf", ".tfvars")),
                 texts=lambda name, text: name.endswith((".tf", ".tfvars", ".tf.json")), parse_ahead="parse_ahead"),
    # its finisher also takes the Kubernetes objects that Terraform resources and CloudFormation templates declare
    ReaderModule("eksguard.sources.kubernetes_reader", 40, documents=_maybe_kubernetes,
                 texts=lambda name, text: ("{{" in text and name.lower().endswith((".yaml", ".yml", ".tpl")))
                 or (name.endswith((".tf", ".tf.json")) and _declares_kubernetes_objects(text))),
)
_LOADED: set[str] = set()
_PRIORITY: dict[str, int] = {}  # reader kind -> its module's priority


def _kinds() -> set[str]:
    return {kind for kind, _ in DOCUMENT_READERS} | {kind for kind, _, _ in TEXT_READERS}


def _load(spec: ReaderModule) -> None:
    import importlib

    _LOADED.add(spec.module)
    before = _kinds()
    importlib.import_module(spec.module).register()
    for kind in _kinds() - before:
        _PRIORITY[kind] = spec.priority
    DOCUMENT_READERS.sort(key=lambda entry: _PRIORITY[entry[0]])
    TEXT_READERS.sort(key=lambda entry: _PRIORITY[entry[0]])


def _load_readers_for(*, documents: list[Any] | None = None, path: str = "", name: str = "",
                      text: str = "") -> None:
    for spec in READER_MODULES:
        if spec.module in _LOADED:
            continue
        if documents is not None:
            wanted = spec.documents is not None and spec.documents(documents, path)
        else:
            wanted = spec.texts is not None and spec.texts(name, text)
        if wanted:
            _load(spec)


def load_kubernetes_reader() -> None:
    """For manifests another source finds (a script's `kubectl apply -f - <<EOF`): its finisher must run."""
    spec = next(spec for spec in READER_MODULES if spec.module == "eksguard.sources.kubernetes_reader")
    if spec.module not in _LOADED:
        _load(spec)


def load_all_readers() -> None:
    """Import every source (for callers that need them all, such as tests of the registry)."""
    for spec in READER_MODULES:
        if spec.module not in _LOADED:
            _load(spec)
