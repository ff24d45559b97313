"""Fixtures for the live tests: a real moto server (threaded, 127.0.0.1, port 0), the project's EKS
fake in front of it for the operations moto lacks, and a fake Kubernetes API server.

Environment: `AWS_ENDPOINT_URL` → moto, `AWS_ENDPOINT_URL_EKS` → the EKS fake, dummy credentials,
no shared config files (a test that needs profiles writes its own). moto is reset (POST
/moto-api/reset) and the fakes are cleared before every test.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_fakes import ACCESS_KEY, SECRET_KEY, FakeEks, FakeKube

pytestmark = pytest.mark.live



def _cache_managed_policies() -> None:
    """Speed only: with MOTO_IAM_LOAD_MANAGED_POLICIES=true, moto parses its ~1,600 AWS managed policies again
    for every IAM backend on every reset (3 s per reset). Parse them once per partition and hand each new
    backend its own copies; the policies and moto's behaviour are unchanged."""
    import copy

    from moto.iam import models

    original = models.IAMBackend._init_aws_policies
    parsed: dict[tuple[str, str], list[Any]] = {}

    def cached(self: Any) -> list[Any]:
        key = (self.account_id, self.region_name)
        if key not in parsed:
            parsed[key] = original(self)
        return [copy.copy(policy) for policy in parsed[key]]

    models.IAMBackend._init_aws_policies = cached  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer

    _cache_managed_policies()

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def eks_fake(moto_url: str) -> Iterator[FakeEks]:
    fake = FakeEks(moto_url)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def aws(moto_url: str, eks_fake: FakeEks, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeEks]:
    """A clean moto account behind the EKS fake, reachable only through the environment."""
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    eks_fake.reset()
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_EKS", eks_fake.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-kubeconfig"))
    monkeypatch.setenv("EKSGUARD_LANG", "en")
    yield eks_fake


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in these tests may resolve (let alone reach) any host but the local stand-ins."""
    import socket

    resolve = socket.getaddrinfo

    def local_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", b"127.0.0.1", b"localhost", None):
            raise OSError(f"test tried to resolve {host!r}: only 127.0.0.1 is allowed")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture
def kube_server() -> Iterator[Any]:
    """A factory: `kube_server(objects, **options)` starts a FakeKube, stopped after the test."""
    started: list[FakeKube] = []

    def start(objects: list[dict[str, Any]], **options: Any) -> FakeKube:
        fake = FakeKube(objects, **options)
        fake.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()
