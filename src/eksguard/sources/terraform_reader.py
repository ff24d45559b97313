"""Registers the Terraform readers: `.tf` and `.tf.json` files (one directory = one module, read together
by a finisher), `terraform.tfvars`/`*.auto.tfvars` values, and `terraform show -json` plan/state documents.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from eksguard import sources
from eksguard.model import Cluster, InputProblem, Origin, Text, UnreadNodeGroups
from eksguard.sources import terraform_json
from eksguard.sources.kubernetes import state_of
from eksguard.sources.loading import InputError, parse_documents, read_text
from eksguard.sources.terraform import (
    HclModule,
    LocalModule,
    TFFile,
    is_plan,
    local_module,
    module_kind,
    parse_hcl,
    read_module,
    read_plan,
)
from eksguard.sources.terraform_kubernetes import declared_objects

PRIORITY = 30
_STATE = "terraform.files"


def _accepts(name: str) -> bool:
    return name.endswith((".tf", ".tf.json")) or name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def _problem(error: Exception) -> tuple[int | None, str]:
    line = getattr(error, "line", None)
    if not isinstance(line, int) or line < 1:
        line = None
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return line, first[:200]


# a directory is parsed only when it defines EKS resources or calls the EKS module: python-hcl2 is slow
# (about 8 ms per KB), and other Terraform cannot add anything to the model
_EKS_TYPES = r"aws_eks_(?:cluster|node_group|fargate_profile|access_entry|access_policy_association|addon|" \
             r"pod_identity_association)"
# HCL takes a block's labels quoted or as bare identifiers (`resource aws_eks_cluster "x"`, as terragoat writes):
# https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md#structural-elements
RELEVANT = re.compile(rf'resource\s+"?{_EKS_TYPES}\b(?!-)|"{_EKS_TYPES}"\s*:|terraform-aws-modules/eks/aws|terraform-aws-eks'
                      r'|cloudposse/eks-cluster/aws|aws-ia/eks-blueprints/aws')


def _relevant(text: str) -> bool:
    """The file adds to the model: EKS resources, or Kubernetes objects (sources.terraform_kubernetes)."""
    return bool(RELEVANT.search(text) or sources.DECLARES_KUBERNETES_OBJECTS.search(text))


def read_hcl(text: str, path: str, ctx: sources.ScanContext) -> bool:
    directory = os.path.dirname(path) or "."
    modules: dict[str, list[tuple[str, str]]] = ctx.options.setdefault(_STATE, {})
    modules.setdefault(directory, []).append((path, text))
    return True


_relevant_directories: dict[str, bool] = {}


def parse_ahead(path: str, text: str) -> dict[str, Any] | None:
    """(In a worker process, or in the scan's when it steals work; see sources.parallel.) The parsed file, when
    `finish` will want it: its directory defines EKS resources. The answer per directory lasts one scan."""
    directory = os.path.dirname(path) or "."
    relevant = _relevant_directories.get(directory)
    if relevant is None:
        relevant = False
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.endswith(".tf") and entry.is_file():
                    try:
                        with open(entry.path, encoding="utf-8", errors="replace") as file:
                            relevant = _relevant(file.read())
                    except OSError:
                        continue
                    if relevant:
                        break
        _relevant_directories[directory] = relevant
    return parse_hcl(text) if relevant else None


def _parse(path: str, text: str, ctx: sources.ScanContext) -> dict[str, Any] | None:
    ahead = ctx.parsed_ahead.take(path, text) if ctx.parsed_ahead is not None else None
    if ahead is not None:
        parsed: dict[str, Any] = ahead
        return parsed
    try:
        return parse_hcl(text)
    except Exception as error:  # python-hcl2 raises lark errors of many kinds
        line, message = _problem(error)
        ctx.estate.problems.append(InputProblem.of(path, line, Text(f"invalid HCL: {message}",
                                                                   f"HCL として読めません: {message}")))
        return None


def _parse_json(path: str, text: str, ctx: sources.ScanContext) -> TFFile | None:
    """A `.tf.json` file (Terraform's JSON syntax) as the HCL reader sees it, with its lines."""
    try:
        documents = parse_documents(text, ctx.limits, as_json=True)
    except InputError as error:
        sources.record_problem(ctx, path, error)
        return None
    document = documents[0] if documents else {}
    if not isinstance(document, dict):
        ctx.estate.problems.append(InputProblem.of(path, None, Text(
            "not a Terraform JSON configuration (not an object)",
            "Terraform の JSON 構成ではありません（オブジェクトではありません）")))
        return None
    return TFFile(path, text, terraform_json.convert(document), terraform_json.index(document))


def read_json(documents: list[Any], text: str, path: str, ctx: sources.ScanContext) -> bool:
    plans = [d for d in documents if is_plan(d)]
    if not plans:
        return False
    for document in plans:
        ctx.estate.clusters.extend(read_plan(document, path))
    return True


# a module call's source; a local path starts with ./ or ../
# (https://developer.hashicorp.com/terraform/language/modules/sources#local-paths)
_SOURCE = re.compile(r'\bsource\s*=\s*"([^"]*)"|"source"\s*:\s*"([^"]*)"')
_CLUSTER = re.compile(r'resource\s+"?aws_eks_cluster(?:"|\s)')


# `templatefile("${path.module}/manifests/x.yaml", ...)` (or a path relative to the module): the file it renders
_TEMPLATEFILE = re.compile(r'templatefile\(\s*"(?:\$\{path\.module\}/|\./)?([^"$]+)"')


def _source_of(match: re.Match[str]) -> str:
    """The `source` a `_SOURCE` match found (HCL or JSON form; `source = ""` is empty, not missing)."""
    return match.group(1) if match.group(1) is not None else match.group(2) or ""


def _local_modules(directory: str, texts: list[tuple[str, str]], ctx: sources.ScanContext,
                   read: dict[str, LocalModule]) -> dict[str, LocalModule]:
    """What the modules this directory calls by a local path are (by `source` as written), from their
    directories on disk, whether or not the scan includes them; `read` keeps each directory's answer."""
    found: dict[str, LocalModule] = {}
    for path, text in texts:
        if not path.endswith((".tf", ".tf.json")):
            continue
        for match in _SOURCE.finditer(text):
            source = _source_of(match)
            if not source.startswith(("./", "../")):
                continue
            called = os.path.normpath(os.path.join(directory, source))
            if called not in read:
                read[called] = _read_local_module(called, ctx)
            found[source] = read[called]
    return found


def _read_local_module(directory: str, ctx: sources.ScanContext) -> LocalModule:
    texts: list[str] = []
    try:
        with os.scandir(directory) as entries:
            paths = sorted(e.path for e in entries if e.name.endswith(".tf") and e.is_file())
    except OSError:
        return LocalModule()  # terraform init fails on it; nothing to read
    for path in paths:
        try:
            texts.append(read_text(Path(path), ctx.limits))
        except InputError as error:
            return LocalModule(None, Text(f"its file {path} could not be read ({error.message})",
                                          f"そのファイル {path} を読めませんでした（{error.ja or error.message}）"))
    if any(_CLUSTER.search(text) for text in texts):
        return local_module(texts)
    if any(module_kind(_source_of(match)) == "eks" for text in texts for match in _SOURCE.finditer(text)):
        # a wrapper of the registry module: read in its own folder, where its variables' defaults stand for what
        # its callers pass
        return LocalModule(None, Text(
            f"it calls terraform-aws-modules/eks, and the call's inputs are not applied to it: its cluster is read in "
            f"{directory} (when that folder is scanned) with its variables' defaults",
            f"terraform-aws-modules/eks を呼び出すモジュールで、呼び出しの入力は適用されません。そのクラスターは {directory} で"
            "（そのフォルダーをスキャンしたとき）変数の既定値で読まれます"))
    return local_module(texts)  # no cluster: whether it may launch nodes


@contextmanager
def _cycles_freed() -> Iterator[None]:
    """Frees the cyclic garbage a module's reading leaves (its views, resources and builder point at each
    other) although `scan` runs without the cycle collector: the objects made before are set aside
    (gc.freeze), so the collection walks only what this module made. 10,000 files: 225 -> 195 MB peak,
    24 ms of collections in all."""
    gc.freeze()
    try:
        yield
    finally:
        gc.collect(0)
        gc.unfreeze()


def finish(ctx: sources.ScanContext) -> None:
    # this process may have run `parse_ahead` too (sources.parallel steals work): its answers last one scan
    _relevant_directories.clear()
    modules: dict[str, list[tuple[str, str]]] = ctx.options.pop(_STATE, {}) or {}
    read: dict[str, LocalModule] = {}

    def warn(origin: Origin, text: Text) -> None:
        ctx.estate.warnings.append(InputProblem.of(origin.path, origin.line, text, "module-not-read"))

    built: dict[str, list[Cluster]] = {}
    backends: dict[str, StateAddress] = {}  # directory → where its state is kept
    remote_states: dict[str, dict[str, StateAddress]] = {}  # directory → its terraform_remote_state by label
    # node groups that callers make for the clusters of a directory (a local module whose cluster the callers
    # do not read: it is read in its own directory, with its variables' defaults)
    elsewhere: dict[str, list[UnreadNodeGroups]] = {}

    def node_groups_elsewhere(caller: str, source: str, unread: UnreadNodeGroups) -> None:
        elsewhere.setdefault(os.path.normpath(os.path.join(caller, source)), []).append(unread)

    kube = state_of(ctx.estate.extras)
    for directory, texts in sorted(modules.items()):
        for path, text in texts:
            for match in _TEMPLATEFILE.finditer(text) if "templatefile" in text else ():
                kube.templates.setdefault(os.path.abspath(os.path.join(directory, match.group(1))), path)
        local_modules = _local_modules(directory, texts, ctx, read)
        if not any(_relevant(text) for path, text in texts if path.endswith((".tf", ".tf.json"))) \
                and not any(m.major is not None or m.not_read is not None for m in local_modules.values()):
            continue
        files: list[TFFile] = []
        tfvars: dict[str, Any] = {}
        for path, text in texts:
            if path.endswith(".tf.json"):
                converted = _parse_json(path, text, ctx)
                files.extend([converted] if converted is not None else [])
                continue
            data = _parse(path, text, ctx)
            if data is None:
                continue
            if path.endswith(".tfvars"):
                tfvars.update({k: v for k, v in data.items() if not k.startswith("__")})
            else:
                files.append(TFFile(path, text, data))
        if files:
            with _cycles_freed():
                clusters = read_module(directory, files, ctx.variables.values, tfvars, local_modules, warn,
                                       partial(node_groups_elsewhere, directory))
                built[os.path.normpath(directory)] = clusters
                ctx.estate.clusters.extend(clusters)
                _declare_objects(directory, files, tfvars, clusters, ctx)
            backend, remote = state_addresses(files)
            if backend is not None:
                backends[os.path.normpath(directory)] = backend
            remote_states[os.path.normpath(directory)] = remote
    for called, unread in elsewhere.items():
        for cluster in built.get(called, []):
            cluster.unread_node_groups.extend(unread)
    _join_remote_state_stubs(ctx, built, backends, remote_states)


StateAddress = tuple[str, ...]  # the backend type and its bucket/key (or path ...) settings, as written
_REMOTE_CLUSTER = re.compile(r"^data\.terraform_remote_state\.([\w-]+)\.outputs\.")
# the settings that say which state a backend keeps (https://developer.hashicorp.com/terraform/language/backend)
_STATE_SETTINGS = ("bucket", "key", "prefix", "path", "container_name", "storage_account_name", "workspace_key_prefix",
                   "organization", "workspaces")


def _literal(value: Any) -> str | None:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"' and "${" not in value:
        return value[1:-1]
    return None


def _address(kind: str, settings: Any) -> StateAddress | None:
    if not isinstance(settings, dict):
        return None
    values = tuple(f"{name}={_literal(settings[name])}" for name in _STATE_SETTINGS if name in settings)
    if not values or any(v.endswith("=None") for v in values):
        return None  # a setting from a variable (or partial configuration): not comparable
    return (kind, *values)


def state_addresses(files: list[TFFile]) -> tuple[StateAddress | None, dict[str, StateAddress]]:
    """Where a root module keeps its state (`terraform { backend "s3" {...} }`) and where each of its
    `terraform_remote_state` data sources reads one, from literal settings only."""
    backend: StateAddress | None = None
    remote: dict[str, StateAddress] = {}
    for file in files:
        for block in file.data.get("terraform", []) or []:
            for item in block.get("backend", []) if isinstance(block, dict) else []:
                for kind, settings in item.items() if isinstance(item, dict) else []:
                    backend = _address(kind.strip('"'), settings) or backend
        for block in file.data.get("data", []) or []:
            named = block.get('"terraform_remote_state"', block.get("terraform_remote_state")) \
                if isinstance(block, dict) else None
            for label, body in named.items() if isinstance(named, dict) else []:
                kind = _literal(body.get("backend")) if isinstance(body, dict) else None
                address = _address(kind, body.get("config")) if kind and isinstance(body, dict) else None
                if address is not None:
                    remote[label.strip('"')] = address
    return backend, remote


def _join_remote_state_stubs(ctx: sources.ScanContext, built: dict[str, list[Cluster]],
                             backends: dict[str, StateAddress],
                             remote_states: dict[str, dict[str, StateAddress]]) -> None:
    """A module that names its cluster by another root's state (`cluster_name =
    data.terraform_remote_state.eks.outputs.cluster_id`, a common split of one cluster into several roots)
    adds its node groups, Fargate profiles, add-ons and access entries to that root's cluster, when exactly
    one scanned root keeps that state and defines exactly one cluster."""
    roots: dict[StateAddress, list[str]] = {}
    for directory, address in backends.items():
        roots.setdefault(address, []).append(directory)
    for directory, clusters in built.items():
        for stub in list(clusters):
            match = _REMOTE_CLUSTER.match(stub.name)
            read = remote_states.get(directory, {}).get(match.group(1)) if match else None
            owners = roots.get(read, []) if read is not None else []
            if len(owners) != 1 or owners[0] == directory:
                continue
            targets = [c for c in built.get(owners[0], []) if not _REMOTE_CLUSTER.match(c.name)]
            if len(targets) == 1 and stub in ctx.estate.clusters:
                sources.join_stub(stub, targets[0])
                ctx.estate.clusters.remove(stub)
                for declared in state_of(ctx.estate.extras).declared:  # its Kubernetes objects: that cluster's
                    if declared.cluster == stub.name and os.path.dirname(os.path.normpath(declared.path)) == directory:
                        declared.cluster = targets[0].name


def _declare_objects(directory: str, files: list[TFFile], tfvars: dict[str, Any], clusters: list[Cluster],
                     ctx: sources.ScanContext) -> None:
    """The module's Kubernetes objects, for the Kubernetes finisher (which runs after this one), bound to the
    module's cluster when it builds one."""
    if not any(sources.DECLARES_KUBERNETES_OBJECTS.search(file.text) for file in files):
        return

    def warn(origin: Origin, text: Text) -> None:
        ctx.estate.warnings.append(InputProblem.of(origin.path, origin.line, text, "terraform-kubernetes"))

    module = HclModule(directory, files, ctx.variables.values, tfvars)
    cluster = clusters[0].name if len(clusters) == 1 else None
    state_of(ctx.estate.extras).declared.extend(declared_objects(module, cluster, ctx.limits, warn))


def register() -> None:
    sources.TEXT_READERS.append(("terraform", _accepts, read_hcl))
    sources.DOCUMENT_READERS.append(("terraform-plan", read_json))
    sources.FINISHERS.append((PRIORITY, finish))
