"""kubectl client and API server versions, and their skew (EKS601; eks-domain.md §7).

kubectl is supported within one minor version of kube-apiserver. The client version comes from
`kubectl version --client -o json` (cached per kubectl binary: path, size and mtime). The server
version comes from an unauthenticated `GET <server>/version` (EKS allows it to anyone, and no
credential is ever sent), with the context's CA or insecure setting and a short timeout; it is
cached per context and server for `EKSGUARD_VERSION_CACHE_TTL` seconds (default 600) in
`$XDG_CACHE_HOME/eksguard/server-versions.json`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eksguard.guard.kubeconfig import ResolvedContext

if TYPE_CHECKING:
    import ssl

DEFAULT_TTL = 600.0
DEFAULT_TIMEOUT = 3.0
_GIT_VERSION = re.compile(r"^v?(\d+)\.(\d+)")


@dataclass(frozen=True, slots=True)
class KubeVersion:
    major: int
    minor: int
    git_version: str

    @property
    def short(self) -> str:
        return f"{self.major}.{self.minor}"

    def __str__(self) -> str:
        return self.git_version or self.short


@dataclass(frozen=True, slots=True)
class VersionResult:
    version: KubeVersion | None
    error: str | None = None
    cached: bool = False


def parse_version(info: Any) -> KubeVersion | None:
    """A version from a `/version` or `clientVersion` object (`gitVersion`, else `major`/`minor`)."""
    if not isinstance(info, dict):
        return None
    git = info.get("gitVersion")
    if isinstance(git, str):
        match = _GIT_VERSION.match(git)
        if match:
            return KubeVersion(int(match.group(1)), int(match.group(2)), git)
    try:
        major = int(str(info.get("major", "")).rstrip("+"))
        minor = int(str(info.get("minor", "")).rstrip("+"))
    except ValueError:
        return None
    return KubeVersion(major, minor, f"v{major}.{minor}")


def skew(client: KubeVersion, server: KubeVersion) -> int:
    """Minor versions between client and server (a different major counts as far apart)."""
    if client.major != server.major:
        return 100
    return abs(client.minor - server.minor)


def supported_clients(server: KubeVersion) -> str:
    low = max(server.minor - 1, 0)
    return f"{server.major}.{low}–{server.major}.{server.minor + 1}"


# --- cache files ----------------------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _store(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs a lookup next time


def _from_cache(entry: Any) -> KubeVersion | None:
    if not isinstance(entry, dict):
        return None
    try:
        return KubeVersion(int(entry["major"]), int(entry["minor"]), str(entry["git_version"]))
    except (KeyError, TypeError, ValueError):
        return None


def _fresh(entry: Any, now: float, ttl: float) -> bool:
    if not isinstance(entry, dict):
        return False
    try:
        return 0 <= now - float(entry.get("time", 0)) < ttl
    except (TypeError, ValueError):
        return False


def _to_cache(version: KubeVersion, now: float) -> dict[str, Any]:
    return {"major": version.major, "minor": version.minor, "git_version": version.git_version, "time": now}


# --- client -----------------------------------------------------------------------------------

Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=15, check=False,
                          stdin=subprocess.DEVNULL)


def client_version(kubectl: str, cache_dir: Path, *, run: Runner = _run, cached_only: bool = False) -> VersionResult:
    try:
        stat = os.stat(kubectl)
        key = f"{os.path.realpath(kubectl)}|{stat.st_size}|{stat.st_mtime_ns}"
    except OSError:
        key = None
    cache_file = cache_dir / "client-versions.json"
    cache = _load(cache_file) if key else {}
    if key and (hit := _from_cache(cache.get(key))) is not None:
        return VersionResult(hit, cached=True)
    if cached_only:
        return VersionResult(None, "not cached")
    try:
        done = run([kubectl, "version", "--client", "-o", "json"])
    except (OSError, subprocess.SubprocessError) as exc:
        return VersionResult(None, exc.__class__.__name__)
    try:
        version = parse_version(json.loads(done.stdout).get("clientVersion"))
    except (ValueError, AttributeError):
        version = None
    if version is None:
        return VersionResult(None, f"exit code {done.returncode}, no version in its output")
    if key:
        cache = {k: v for k, v in cache.items() if not k.startswith(key.split("|", 1)[0] + "|")}
        cache[key] = _to_cache(version, time.time())
        _store(cache_file, cache)
    return VersionResult(version)


# --- server -----------------------------------------------------------------------------------


def _ssl_context(resolved: ResolvedContext) -> ssl.SSLContext:
    import ssl

    if resolved.insecure:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if resolved.ca_pem:
        return ssl.create_default_context(cadata=resolved.ca_pem)
    if resolved.ca_file is not None:
        return ssl.create_default_context(cafile=str(resolved.ca_file))
    return ssl.create_default_context()


def fetch_server_version(resolved: ResolvedContext, timeout: float = DEFAULT_TIMEOUT) -> VersionResult:
    """GET <server>/version without credentials."""
    import ssl  # imported here: reads and cached lookups never need the network modules
    import urllib.error
    import urllib.request

    if not resolved.server:
        return VersionResult(None, "the context has no server URL")
    url = resolved.server.rstrip("/") + "/version"
    handlers: list[urllib.request.BaseHandler] = []
    if resolved.proxy_url:
        handlers.append(urllib.request.ProxyHandler({"http": resolved.proxy_url, "https": resolved.proxy_url}))
    try:
        if url.startswith("https://"):
            handlers.append(urllib.request.HTTPSHandler(context=_ssl_context(resolved)))
        opener = urllib.request.build_opener(*handlers)
        request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "eksguard"})
        with opener.open(request, timeout=timeout) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        return VersionResult(None, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ssl.SSLError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return VersionResult(None, str(reason)[:200] or exc.__class__.__name__)
    try:
        version = parse_version(json.loads(body))
    except ValueError:
        version = None
    if version is None:
        return VersionResult(None, "the response has no version")
    return VersionResult(version)


Fetcher = Callable[[ResolvedContext, float], VersionResult]


def server_version(resolved: ResolvedContext, cache_dir: Path, *, now: float, ttl: float = DEFAULT_TTL,
                   timeout: float = DEFAULT_TIMEOUT, cached_only: bool = False,
                   fetch: Fetcher = fetch_server_version) -> VersionResult:
    if not resolved.server:
        return VersionResult(None, "the context has no server URL")
    key = f"{resolved.context or ''}|{resolved.server}"
    cache_file = cache_dir / "server-versions.json"
    cache = _load(cache_file)
    entry = cache.get(key)
    hit = _from_cache(entry)
    if hit is not None and _fresh(entry, now, ttl):
        return VersionResult(hit, cached=True)
    if cached_only:
        return VersionResult(None, "not cached")
    result = fetch(resolved, timeout)
    if result.version is not None:
        cache = {k: v for k, v in cache.items() if _fresh(v, now, ttl)}
        cache[key] = _to_cache(result.version, now)
        _store(cache_file, cache)
    return result
