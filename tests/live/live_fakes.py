"""Local stand-ins the live tests (and bench/live_bench.py) run against, all on 127.0.0.1 port 0.

`FakeEks`: speaks the EKS REST API for what moto lacks (access entries, add-ons, Pod Identity
associations, DescribeClusterVersions) and fills the DescribeCluster fields moto leaves out
(`clusterSecurityGroupId`, `vpcId`, `accessConfig`, the API endpoint); everything else is proxied
to the moto server. It records every request it receives (method, path) and can answer an
operation with an error.

`FakeKube`: a small Kubernetes API server: `/version`, `/api`, `/apis`, cluster-wide lists of seeded
objects (paged with `limit`/`continue`), single objects; it answers only GET and records every
request, so a test can show that only GETs were sent.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

# distinctive dummy credentials: tests assert they never reach an output, a log or a snapshot
ACCESS_KEY = "AKIDEKSGUARDTESTKEY1"
SECRET_KEY = "eksguard-test-secret-never-printed"


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


# --------------------------------------------------------------------------------------------------
# EKS
# --------------------------------------------------------------------------------------------------

EKS_ROUTES: list[tuple[str, re.Pattern[str]]] = [
    ("DescribeClusterVersions", re.compile(r"^/cluster-versions$")),
    ("ListAssociatedAccessPolicies", re.compile(r"^/clusters/(?P<name>[^/]+)/access-entries/(?P<arn>[^/]+)/access-policies$")),
    ("DescribeAccessEntry", re.compile(r"^/clusters/(?P<name>[^/]+)/access-entries/(?P<arn>[^/]+)$")),
    ("ListAccessEntries", re.compile(r"^/clusters/(?P<name>[^/]+)/access-entries$")),
    ("DescribeAddon", re.compile(r"^/clusters/(?P<name>[^/]+)/addons/(?P<addon>[^/]+)$")),
    ("ListAddons", re.compile(r"^/clusters/(?P<name>[^/]+)/addons$")),
    ("ListPodIdentityAssociations", re.compile(r"^/clusters/(?P<name>[^/]+)/pod-identity-associations$")),
    ("DescribeCluster", re.compile(r"^/clusters/(?P<name>[^/]+)$")),
]

DEFAULT_VERSIONS = [
    {"clusterVersion": v, "status": status, "endOfStandardSupportDate": std, "endOfExtendedSupportDate": ext}
    for v, status, std, ext in (
        ("1.35", "STANDARD_SUPPORT", "2027-03-27T00:00:00Z", "2028-03-27T00:00:00Z"),
        ("1.34", "STANDARD_SUPPORT", "2026-12-02T00:00:00Z", "2027-12-02T00:00:00Z"),
        ("1.33", "STANDARD_SUPPORT", "2026-07-29T00:00:00Z", "2027-07-29T00:00:00Z"),
        ("1.32", "EXTENDED_SUPPORT", "2026-03-23T00:00:00Z", "2027-03-23T00:00:00Z"),
        ("1.31", "EXTENDED_SUPPORT", "2025-11-26T00:00:00Z", "2026-11-26T00:00:00Z"),
    )]


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base


class FakeEks(_Server):
    def __init__(self, upstream: str) -> None:
        super().__init__(_EksHandler)
        self.upstream = urlsplit(upstream)
        self.requests: list[tuple[str, str]] = []
        self.clusters: dict[str, dict[str, Any]] = {}
        self.versions: list[dict[str, Any]] = list(DEFAULT_VERSIONS)
        self.errors: dict[str, tuple[int, str, str]] = {}

    def seed(self, name: str, *, cluster: dict[str, Any] | None = None, addons: dict[str, dict[str, Any]] | None = None,
             access_entries: dict[str, dict[str, Any]] | None = None, pod_identity: list[dict[str, Any]] | None = None,
             config_map_only: bool = False) -> None:
        self.clusters[name] = {"cluster": cluster or {}, "addons": addons or {}, "access_entries": access_entries or {},
                               "pod_identity": pod_identity or [], "config_map_only": config_map_only}

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.clusters.clear()
            self.errors.clear()
            self.versions = list(DEFAULT_VERSIONS)

    def operations(self) -> list[str]:
        found = []
        for method, path in self.requests:
            name = next((op for op, pattern in EKS_ROUTES if pattern.match(path)), None)
            found.append(f"{method} {name or path}")
        return found


class _EksHandler(_Quiet):
    @property
    def fake(self) -> FakeEks:
        return self.server.owner  # type: ignore[attr-defined,no-any-return]

    def _route(self) -> None:
        fake = self.fake
        path = urlsplit(self.path).path
        with fake.lock:
            fake.requests.append((self.command, path))
        body = self.body()
        if self.command == "GET":
            for operation, pattern in EKS_ROUTES:
                match = pattern.match(path)
                if match is None:
                    continue
                if operation in fake.errors:
                    status, code, message = fake.errors[operation]
                    self.send_json(status, {"message": message}, {"x-amzn-ErrorType": code})
                    return
                if self._serve(operation, {k: unquote(v) for k, v in match.groupdict().items()}):
                    return
                break
        self._proxy(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _route

    def _serve(self, operation: str, args: dict[str, str]) -> bool:
        fake = self.fake
        if operation == "DescribeClusterVersions":
            self.send_json(200, {"clusterVersions": fake.versions})
            return True
        seeded = fake.clusters.get(args.get("name", ""))
        if seeded is None:
            return False
        if operation == "DescribeCluster":
            status, headers, data = self._upstream("GET", self.path, b"")
            if status != 200:
                self._reply(status, headers, data)
                return True
            payload = json.loads(data)
            deep_merge(payload["cluster"], json.loads(json.dumps(seeded["cluster"])))
            self.send_json(200, payload)
            return True
        if operation == "ListAddons":
            self.send_json(200, {"addons": sorted(seeded["addons"])})
        elif operation == "DescribeAddon":
            addon = seeded["addons"].get(args["addon"])
            if addon is None:
                self.send_json(404, {"message": "No addon"}, {"x-amzn-ErrorType": "ResourceNotFoundException"})
            else:
                self.send_json(200, {"addon": {"addonName": args["addon"], "clusterName": args["name"], **addon}})
        elif operation in ("ListAccessEntries", "DescribeAccessEntry", "ListAssociatedAccessPolicies") and \
                seeded["config_map_only"]:
            self.send_json(400, {"message": "The cluster's authentication mode must be set to one of "
                                            "[API, API_AND_CONFIG_MAP] to perform this operation."},
                           {"x-amzn-ErrorType": "InvalidRequestException"})
        elif operation == "ListAccessEntries":
            self.send_json(200, {"accessEntries": sorted(seeded["access_entries"])})
        elif operation == "DescribeAccessEntry":
            entry = seeded["access_entries"].get(args["arn"], {})
            self.send_json(200, {"accessEntry": {"clusterName": args["name"], "principalArn": args["arn"],
                                                 "type": entry.get("type", "STANDARD"),
                                                 "kubernetesGroups": entry.get("kubernetesGroups", [])}})
        elif operation == "ListAssociatedAccessPolicies":
            entry = seeded["access_entries"].get(args["arn"], {})
            self.send_json(200, {"clusterName": args["name"], "principalArn": args["arn"],
                                 "associatedAccessPolicies": entry.get("policies", [])})
        elif operation == "ListPodIdentityAssociations":
            self.send_json(200, {"associations": seeded["pod_identity"]})
        else:
            return False
        return True

    def _upstream(self, method: str, path: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        upstream = self.fake.upstream
        connection = http.client.HTTPConnection(upstream.hostname or "127.0.0.1", upstream.port or 80, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        result = response.status, response.getheaders(), data
        connection.close()
        return result

    def _reply(self, status: int, headers: Iterable[tuple[str, str]], data: bytes) -> None:
        self.send_response(status)
        for key, value in headers:
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _proxy(self, body: bytes) -> None:
        status, headers, data = self._upstream(self.command, self.path, body)
        self._reply(status, headers, data)


# --------------------------------------------------------------------------------------------------
# Kubernetes
# --------------------------------------------------------------------------------------------------

KUBE_LISTS: dict[str, tuple[str, str]] = {
    "/api/v1/nodes": ("Node", "v1"),
    "/api/v1/namespaces": ("Namespace", "v1"),
    "/api/v1/pods": ("Pod", "v1"),
    "/api/v1/serviceaccounts": ("ServiceAccount", "v1"),
    "/api/v1/configmaps": ("ConfigMap", "v1"),
    "/apis/apps/v1/deployments": ("Deployment", "apps/v1"),
    "/apis/apps/v1/daemonsets": ("DaemonSet", "apps/v1"),
    "/apis/apps/v1/statefulsets": ("StatefulSet", "apps/v1"),
    "/apis/apps/v1/replicasets": ("ReplicaSet", "apps/v1"),
    "/apis/batch/v1/jobs": ("Job", "batch/v1"),
    "/apis/batch/v1/cronjobs": ("CronJob", "batch/v1"),
    "/apis/rbac.authorization.k8s.io/v1/roles": ("Role", "rbac.authorization.k8s.io/v1"),
    "/apis/rbac.authorization.k8s.io/v1/rolebindings": ("RoleBinding", "rbac.authorization.k8s.io/v1"),
    "/apis/rbac.authorization.k8s.io/v1/clusterroles": ("ClusterRole", "rbac.authorization.k8s.io/v1"),
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings": ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
    "/apis/networking.k8s.io/v1/networkpolicies": ("NetworkPolicy", "networking.k8s.io/v1"),
    "/apis/policy/v1beta1/podsecuritypolicies": ("PodSecurityPolicy", "policy/v1beta1"),
    "/apis/apiregistration.k8s.io/v1/apiservices": ("APIService", "apiregistration.k8s.io/v1"),
}
_SINGLE = re.compile(r"^/api/v1/namespaces/(?P<ns>[^/]+)/(?P<plural>[^/]+)/(?P<name>[^/]+)$")
_PLURALS = {"configmaps": "ConfigMap", "pods": "Pod", "serviceaccounts": "ServiceAccount"}


class FakeKube(_Server):
    def __init__(self, objects: Iterable[dict[str, Any]] = (), *, git_version: str = "v1.31.4-eks-2d5f260",
                 psp_served: bool = False, page_size: int | None = None) -> None:
        super().__init__(_KubeHandler)
        self.objects: list[dict[str, Any]] = [json.loads(json.dumps(o)) for o in objects]
        self.git_version = git_version
        self.psp_served = psp_served
        self.page_size = page_size
        self.requests: list[tuple[str, str]] = []
        self.authorizations: list[str] = []  # kept in memory for assertions only
        self.status_overrides: dict[str, int] = {}

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.authorizations.clear()


class _KubeHandler(_Quiet):
    @property
    def fake(self) -> FakeKube:
        return self.server.owner  # type: ignore[attr-defined,no-any-return]

    def _any(self) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        with fake.lock:
            fake.requests.append((self.command, parts.path))
            fake.authorizations.append(self.headers.get("Authorization", ""))
        self.body()
        if self.command != "GET":
            self.send_json(405, {"kind": "Status", "status": "Failure", "reason": "MethodNotAllowed", "code": 405})
            return
        path = parts.path.rstrip("/") or "/"
        if path in fake.status_overrides:
            self.send_json(fake.status_overrides[path], {"kind": "Status", "code": fake.status_overrides[path]})
            return
        if path == "/version":
            major, minor = fake.git_version.lstrip("v").split(".")[:2]
            self.send_json(200, {"major": major, "minor": minor, "gitVersion": fake.git_version,
                                 "platform": "linux/amd64"})
        elif path == "/api":
            self.send_json(200, {"kind": "APIVersions", "versions": ["v1"]})
        elif path == "/apis":
            self.send_json(200, {"kind": "APIGroupList", "groups": []})
        elif path in KUBE_LISTS:
            if path.startswith("/apis/policy/v1beta1") and not fake.psp_served:
                self.send_json(404, {"kind": "Status", "code": 404, "reason": "NotFound"})
                return
            self._list(path, parse_qs(parts.query))
        elif (match := _SINGLE.match(path)) and match["plural"] in _PLURALS:
            kind = _PLURALS[match["plural"]]
            found = next((o for o in fake.objects if o.get("kind") == kind
                          and o["metadata"].get("namespace") == match["ns"] and o["metadata"]["name"] == match["name"]),
                         None)
            if found is None:
                self.send_json(404, {"kind": "Status", "code": 404, "reason": "NotFound"})
            else:
                self.send_json(200, found)
        else:
            self.send_json(404, {"kind": "Status", "code": 404, "reason": "NotFound"})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

    def _list(self, path: str, query: dict[str, list[str]]) -> None:
        kind, api_version = KUBE_LISTS[path]
        items = []
        for obj in self.fake.objects:
            if obj.get("kind") == kind and obj.get("apiVersion") == api_version:
                item = {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}  # like the real API
                items.append(item)
        start = int((query.get("continue") or ["0"])[0] or 0)
        limit = int((query.get("limit") or ["0"])[0] or 0)
        if self.fake.page_size:
            limit = min(limit or self.fake.page_size, self.fake.page_size)
        page = items[start:start + limit] if limit else items[start:]
        following = start + len(page)
        metadata: dict[str, Any] = {"resourceVersion": "1"}
        if limit and following < len(items):
            metadata["continue"] = str(following)
        self.send_json(200, {"kind": f"{kind}List", "apiVersion": api_version, "metadata": metadata, "items": page})
