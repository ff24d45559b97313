"""Client and server versions: parsing, skew, TLS settings of the context, caching."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from guardkit import FakeKubectl, VersionServer

from eksguard.guard.kubeconfig import ResolvedContext
from eksguard.guard.versions import (
    KubeVersion,
    VersionResult,
    client_version,
    fetch_server_version,
    parse_version,
    server_version,
    skew,
    supported_clients,
)


def context(server: str, **kwargs: object) -> ResolvedContext:
    return ResolvedContext(files=(), current_context="c", context="c", server=server, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("info, expected", [
    ({"gitVersion": "v1.31.4-eks-1a2b3c4", "major": "1", "minor": "31+"}, (1, 31)),
    ({"major": "1", "minor": "29+"}, (1, 29)),
    ({"gitVersion": "garbage", "major": "1", "minor": "30"}, (1, 30)),
    ({"major": "", "minor": ""}, None),
    ("v1.2", None),
])
def test_parse_version(info: object, expected: tuple[int, int] | None) -> None:
    parsed = parse_version(info)
    assert (None if parsed is None else (parsed.major, parsed.minor)) == expected


def test_skew_window() -> None:
    server = KubeVersion(1, 31, "v1.31.0")
    assert [skew(KubeVersion(1, m, ""), server) for m in (29, 30, 31, 32, 33)] == [2, 1, 0, 1, 2]
    assert skew(KubeVersion(2, 31, ""), server) > 1
    assert supported_clients(server) == "1.30–1.32"


def test_client_version_is_read_once_per_binary(make_kubectl: Callable[..., FakeKubectl], tmp_path: Path) -> None:
    fake = make_kubectl(version="1.30.7")
    first = client_version(str(fake.path), tmp_path / "cache")
    second = client_version(str(fake.path), tmp_path / "cache")
    assert first.version is not None and first.version.git_version == "v1.30.7" and not first.cached
    assert second.cached and second.version == first.version
    assert len(fake.calls()) == 1
    assert client_version(str(tmp_path / "missing"), tmp_path / "cache").error


def test_server_version_over_http_sends_no_credentials(api_server: VersionServer) -> None:
    result = fetch_server_version(context(api_server.url))
    assert result.version is not None and result.version.short == "1.31"
    assert [r["path"] for r in api_server.requests] == ["/version"]
    assert "authorization" not in api_server.requests[0]


def test_server_version_with_the_contexts_ca(tls_api_server: tuple[VersionServer, bytes], tmp_path: Path) -> None:
    server, pem = tls_api_server
    with_ca = fetch_server_version(context(server.url, ca_pem=pem.decode()))
    assert with_ca.version is not None and with_ca.version.minor == 31
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(pem)
    assert fetch_server_version(context(server.url, ca_file=ca_file)).version is not None
    without = fetch_server_version(context(server.url))
    assert without.version is None and "CERTIFICATE_VERIFY_FAILED" in (without.error or "")
    insecure = fetch_server_version(context(server.url, insecure=True))
    assert insecure.version is not None


def test_ca_data_in_a_real_kubeconfig_is_used(tls_api_server: tuple[VersionServer, bytes], tmp_path: Path) -> None:
    from guardkit import aws_cli_kubeconfig, write_yaml

    from eksguard.guard.kubeconfig import Overrides, resolve

    server, pem = tls_api_server
    path = write_yaml(tmp_path / "k", aws_cli_kubeconfig(server.url, ca_data=base64.b64encode(pem).decode()))
    resolved = resolve(Overrides(), {"KUBECONFIG": str(path)}, tmp_path)
    assert fetch_server_version(resolved).version is not None


def test_unreachable_and_non_json_servers(api_server: VersionServer) -> None:
    refused = fetch_server_version(context("http://127.0.0.1:1"), timeout=1)
    assert refused.version is None and refused.error
    missing = fetch_server_version(context(api_server.url + "/prefix"))
    assert missing.version is None and missing.error == "HTTP 404"
    assert fetch_server_version(context("")).error == "the context has no server URL"


def test_server_version_cache_per_context_with_ttl(tmp_path: Path) -> None:
    calls: list[str] = []

    def fetch(resolved: ResolvedContext, timeout: float) -> VersionResult:
        calls.append(resolved.context or "")
        return VersionResult(KubeVersion(1, 31, "v1.31.0"))

    cache = tmp_path / "cache"
    prod = context("https://prod.example")
    assert not server_version(prod, cache, now=1000.0, fetch=fetch).cached
    assert server_version(prod, cache, now=1500.0, fetch=fetch).cached
    other = ResolvedContext(files=(), current_context="d", context="d", server="https://prod.example")
    assert not server_version(other, cache, now=1500.0, fetch=fetch).cached  # per context
    assert not server_version(prod, cache, now=1000.0 + 601, fetch=fetch).cached  # older than 10 minutes
    assert calls == ["c", "d", "c"]
    assert server_version(context("https://new.example"), cache, now=2000.0, fetch=fetch,
                          cached_only=True).version is None
    assert len(calls) == 3
