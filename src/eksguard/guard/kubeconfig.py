"""The effective kubectl context, resolved the way kubectl resolves it.

Files: `--kubeconfig` (only that file, which must exist), else every file in `KUBECONFIG`
(separated by the OS path separator; missing files are skipped), else `~/.kube/config`.
Merging follows client-go: for clusters, contexts and users the first file that defines a name
wins; `current-context` comes from the first file that sets it. `--context`, `--cluster`,
`--user`, `--server`, `--certificate-authority` and `--insecure-skip-tls-verify` override.

Only what the guard needs is kept: names, the server URL and its CA/insecure setting, and the
exec credential plugin. Tokens, passwords and keys are never read into these objects.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class KubeconfigError(Exception):
    """A kubeconfig file that cannot be used; the message names it."""


@dataclass(frozen=True, slots=True)
class Overrides:
    """Flags on the kubectl command line that change what the kubeconfig says."""

    kubeconfig: str | None = None
    context: str | None = None
    cluster: str | None = None
    user: str | None = None
    server: str | None = None
    certificate_authority: str | None = None
    insecure: bool | None = None
    namespace: str | None = None


@dataclass(frozen=True, slots=True)
class ExecConfig:
    command: str
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    api_version: str | None = None

    def env_value(self, name: str) -> str | None:
        for key, value in self.env:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class ResolvedContext:
    files: tuple[Path, ...]
    current_context: str | None  # what the files say, before `--context`
    context: str | None  # the effective context
    context_from_flag: bool = False
    cluster_entry: str | None = None
    user_entry: str | None = None
    namespace: str | None = None
    server: str | None = None
    ca_pem: str | None = None
    ca_file: Path | None = None
    insecure: bool = False
    tls_server_name: str | None = None
    proxy_url: str | None = None
    exec: ExecConfig | None = None
    problems: tuple[str, ...] = ()

    @property
    def files_key(self) -> str:
        return os.pathsep.join(str(path) for path in self.files)


@dataclass(slots=True)
class _Entry:
    data: dict[str, Any]
    file: Path


@dataclass(slots=True)
class MergedConfig:
    files: list[Path] = field(default_factory=list)
    clusters: dict[str, _Entry] = field(default_factory=dict)
    contexts: dict[str, _Entry] = field(default_factory=dict)
    users: dict[str, _Entry] = field(default_factory=dict)
    current_context: str | None = None


def kubeconfig_files(flag: str | None, environ: Mapping[str, str], home: Path) -> tuple[list[Path], bool]:
    """The files to read, and whether they must exist (`--kubeconfig`)."""
    if flag:
        return [Path(flag).expanduser()], True
    listed = environ.get("KUBECONFIG", "")
    if listed:
        seen: list[Path] = []
        for item in listed.split(os.pathsep):
            if item and Path(item).expanduser() not in seen:
                seen.append(Path(item).expanduser())
        return seen, False
    return [home / ".kube" / "config"], False


def _named(items: Any, inner: str, path: Path) -> list[tuple[str, dict[str, Any]]]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise KubeconfigError(f"{path}: `{inner}s` must be a list")
    out: list[tuple[str, dict[str, Any]]] = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            body = item.get(inner)
            out.append((item["name"], body if isinstance(body, dict) else {}))
    return out


def load_merged(files: list[Path], must_exist: bool) -> MergedConfig:
    merged = MergedConfig()
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if must_exist:
                raise KubeconfigError(f"{path}: kubeconfig file not found") from None
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise KubeconfigError(f"{path}: cannot read kubeconfig: {exc.__class__.__name__}") from None
        try:
            data = yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            raise KubeconfigError(f"{path}: kubeconfig is not valid YAML") from None
        merged.files.append(path)
        if data is None:
            continue
        if not isinstance(data, dict):
            raise KubeconfigError(f"{path}: kubeconfig must be a mapping")
        for section, inner, target in (("clusters", "cluster", merged.clusters),
                                       ("contexts", "context", merged.contexts),
                                       ("users", "user", merged.users)):
            for name, body in _named(data.get(section), inner, path):
                target.setdefault(name, _Entry(body, path))
        current = data.get("current-context")
        if merged.current_context is None and isinstance(current, str) and current:
            merged.current_context = current
    return merged


def _exec_config(user: dict[str, Any]) -> ExecConfig | None:
    spec = user.get("exec")
    if not isinstance(spec, dict) or not isinstance(spec.get("command"), str):
        return None
    args = tuple(str(a) for a in spec.get("args") or [] if isinstance(a, str | int | float))
    env: list[tuple[str, str]] = []
    for item in spec.get("env") or []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            env.append((item["name"], str(item.get("value", ""))))
    api_version = spec.get("apiVersion")
    return ExecConfig(spec["command"], args, tuple(env), api_version if isinstance(api_version, str) else None)


def _decode_ca(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def resolve(overrides: Overrides, environ: Mapping[str, str], home: Path) -> ResolvedContext:
    """The effective context. Problems that kubectl would also hit are listed, not raised."""
    files, must_exist = kubeconfig_files(overrides.kubeconfig, environ, home)
    try:
        merged = load_merged(files, must_exist)
    except KubeconfigError as exc:
        return ResolvedContext(tuple(files), None, overrides.context, overrides.context is not None,
                               problems=(str(exc),))
    problems: list[str] = []
    name = overrides.context or merged.current_context
    context_entry = merged.contexts.get(name) if name else None
    if name and context_entry is None:
        problems.append(f"context {name!r} is not in {os.pathsep.join(map(str, files))}")
    context = context_entry.data if context_entry else {}
    cluster_name = overrides.cluster or _str(context.get("cluster"))
    user_name = overrides.user or _str(context.get("user"))
    cluster_entry = merged.clusters.get(cluster_name) if cluster_name else None
    if cluster_name and cluster_entry is None:
        problems.append(f"cluster {cluster_name!r} is not in the kubeconfig")
    user_entry = merged.users.get(user_name) if user_name else None
    cluster = cluster_entry.data if cluster_entry else {}
    user = user_entry.data if user_entry else {}
    ca_file: Path | None = None
    ca_raw = overrides.certificate_authority or _str(cluster.get("certificate-authority"))
    if ca_raw:
        ca_path = Path(ca_raw).expanduser()
        if not ca_path.is_absolute() and cluster_entry is not None and not overrides.certificate_authority:
            ca_path = cluster_entry.file.parent / ca_path
        ca_file = ca_path
    insecure = overrides.insecure if overrides.insecure is not None else _truthy(
        cluster.get("insecure-skip-tls-verify"))
    return ResolvedContext(
        files=tuple(merged.files) or tuple(files),
        current_context=merged.current_context,
        context=name,
        context_from_flag=overrides.context is not None,
        cluster_entry=cluster_name,
        user_entry=user_name,
        namespace=overrides.namespace or _str(context.get("namespace")),
        server=overrides.server or _str(cluster.get("server")),
        ca_pem=None if overrides.certificate_authority else _decode_ca(cluster.get("certificate-authority-data")),
        ca_file=ca_file,
        insecure=insecure,
        tls_server_name=_str(cluster.get("tls-server-name")),
        proxy_url=_str(cluster.get("proxy-url")),
        exec=_exec_config(user),
        problems=tuple(problems),
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
