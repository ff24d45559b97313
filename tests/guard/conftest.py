"""Fixtures for the kubectl guard: a sealed environment, a stand-in kubectl, a local /version server,
kubeconfig files written the way `aws eks update-kubeconfig` and eksctl write them, and a project
with kustomize overlays and a `.eksguard.yaml`.

Nothing here talks to anything but 127.0.0.1: non-loopback connections and DNS lookups raise.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from guardkit import (
    GUARD_CONFIG,
    LOOPBACK,
    FakeKubectl,
    Project,
    VersionServer,
    aws_cli_kubeconfig,
    eksctl_kubeconfig,
    write_yaml,
)


@pytest.fixture(autouse=True)
def sealed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean HOME, XDG dirs, no AWS/kube/CI/proxy variables, no STS, and no network but loopback."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "EKSGUARD_", "KUBE", "XDG_", "LC_")) or name.lower().endswith("_proxy") \
                or name in ("CI", "LANG", "LANGUAGE"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("EKSGUARD_STS", "0")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise OSError(f"test sealed: connection to {address[0]} refused")
        real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in (*LOOPBACK, None):
            raise socket.gaierror(f"test sealed: no DNS for {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return home


# --- stand-in kubectl ---------------------------------------------------------------------------


@pytest.fixture
def make_kubectl(tmp_path: Path) -> Callable[..., FakeKubectl]:
    """A factory of stand-in kubectl executables: each logs its argv (and stdin for `-f -`) as one JSON
    line, prints `version` for `version --client -o json`, and exits with `exit_code`."""
    counter = iter(range(1000))

    def make(version: str = "1.31.2", exit_code: int = 0) -> FakeKubectl:
        folder = tmp_path / f"kubectl-bin-{next(counter)}"
        folder.mkdir()
        log = folder / "calls.jsonl"
        major, minor = version.split(".")[:2]
        script = folder / "kubectl"
        script.write_text(textwrap.dedent(f"""\
            #!{sys.executable}
            import json, sys
            args = sys.argv[1:]
            entry = {{"argv": args}}
            if "-" in args:
                entry["stdin"] = sys.stdin.read()
            with open({str(log)!r}, "a") as handle:
                handle.write(json.dumps(entry) + "\\n")
            if args[:2] == ["version", "--client"]:
                print(json.dumps({{"clientVersion": {{"major": "{major}", "minor": "{minor}",
                                                      "gitVersion": "v{version}"}},
                                  "kustomizeVersion": "v5.4.2"}}))
                sys.exit(0)
            print("stand-in kubectl ran")
            sys.exit({exit_code})
            """))
        script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return FakeKubectl(script, log)

    return make


@pytest.fixture
def kubectl(make_kubectl: Callable[..., FakeKubectl], monkeypatch: pytest.MonkeyPatch) -> FakeKubectl:
    """The default stand-in (v1.31.2), installed as EKSGUARD_KUBECTL."""
    fake = make_kubectl()
    monkeypatch.setenv("EKSGUARD_KUBECTL", str(fake.path))
    return fake


# --- local API server for /version ---------------------------------------------------------------


def _serve(server: VersionServer, ssl_context: Any = None) -> Iterator[VersionServer]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
            if self.path != "/version":
                self.send_error(404)
                return
            major, minor = server.version.split(".")[:2]
            body = json.dumps({"major": major, "minor": f"{minor}+",
                               "gitVersion": f"v{server.version}-eks-1a2b3c4"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if ssl_context is not None:
        httpd.socket = ssl_context.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    server.url = f"{scheme}://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def api_server() -> Iterator[VersionServer]:
    """A local kube-apiserver stand-in that answers GET /version (1.31 unless changed)."""
    yield from _serve(VersionServer(""))


@pytest.fixture
def tls_api_server(tmp_path: Path) -> Iterator[tuple[VersionServer, bytes]]:
    """The same over TLS, with a self-signed certificate for 127.0.0.1; yields (server, CA PEM)."""
    import datetime as dt
    import ipaddress
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "tls.crt").write_bytes(pem)
    (tmp_path / "tls.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "tls.crt", tmp_path / "tls.key")
    for server in _serve(VersionServer(""), context):
        yield server, pem


# --- kubeconfig files -------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api_server: VersionServer,
            kubectl: FakeKubectl) -> Project:
    """A repository with base + overlays/develop + overlays/prod, `.eksguard.yaml`, and a KUBECONFIG of two
    files (aws-cli style prod first, eksctl style dev second), both clusters served by `api_server`."""
    root = tmp_path / "repo"
    write_yaml(root / "base" / "deployment.yaml", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}}})
    write_yaml(root / "base" / "kustomization.yaml", {"resources": ["deployment.yaml"]})
    write_yaml(root / "overlays" / "develop" / "kustomization.yaml", {"resources": ["../../base"]})
    write_yaml(root / "overlays" / "prod" / "kustomization.yaml", {"resources": ["../../base"]})
    (root / ".eksguard.yaml").write_text(GUARD_CONFIG)
    kube = tmp_path / "kube"
    aws = write_yaml(kube / "aws.yaml", aws_cli_kubeconfig(api_server.url))
    eks = write_yaml(kube / "eksctl.yaml", eksctl_kubeconfig(api_server.url))
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(aws), str(eks)]))
    monkeypatch.chdir(root)
    return Project(root, aws, eks, api_server)


