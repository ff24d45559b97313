"""Kubernetes side of the live audit: a fixed set of GETs per cluster, fed to the manifest pipeline.

`KUBE_READS` (permissions.py) lists every request: `/version` and one cluster-wide list per kind
(never one per namespace), plus the `aws-auth` ConfigMap. Lists are paged (`limit`/`continue`).
Items get the `kind`/`apiVersion` the list response leaves out, so they look exactly like
manifests, and go through the Kubernetes manifest source (`sources.kubernetes.make_object`,
`read_aws_auth`, `rbac_grants`) into a `KubeScope` for the cluster: the Kubernetes rules then run
on the live objects unchanged.

Authentication: a kubeconfig context, or an EKS token made here from STS (a presigned
GetCallerIdentity URL carrying the `x-k8s-aws-id` header, base64url, prefixed `k8s-aws-v1.`): no aws
CLI or aws-iam-authenticator needed. Tokens are kept in the client configuration only.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eksguard.live.api import Gap, Recording
from eksguard.live.guard import CallCounter, install_kube_guard
from eksguard.live.permissions import KUBE_READS, KubeRead
from eksguard.model import Cluster, KubeScope, Origin, Text, Value, declared, unknown

PAGE_SIZE = 500
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# workload kinds whose pods are described by their controller's template
CONTROLLER_KINDS = {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob"}
OBSERVABILITY_WORKLOADS = (
    ("metrics-server", "metrics-server"),
    ("cloudwatch-agent", "Container Insights (cloudwatch-agent)"),
    ("fluent-bit", "Container Insights (fluent-bit)"),
    ("prometheus", "Prometheus"),
    ("adot-collector", "ADOT collector"),
    ("opentelemetry-collector", "OpenTelemetry collector"),
    ("datadog-agent", "Datadog agent"),
)


def eks_token(session: Any, region: str, cluster_name: str, client_hooks: tuple[Any, ...] = ()) -> str:
    """An EKS bearer token: a presigned STS GetCallerIdentity URL bound to the cluster name."""
    from botocore.config import Config

    from eksguard.live.guard import install_aws_guard

    sts = session.client("sts", region_name=region, config=Config(signature_version="v4"))
    install_aws_guard(sts)
    for hook in client_hooks:
        hook(sts)

    def add_cluster_header(request: Any, **_: Any) -> None:
        request.headers["x-k8s-aws-id"] = cluster_name

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", add_cluster_header,
                             unique_id="eksguard-eks-token-header")
    url = sts.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=60, HttpMethod="GET")
    return "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


@dataclass(slots=True)
class KubeResult:
    data: dict[str, Any] | None
    gap: Gap | None = None
    absent: bool = False  # 404 on an optional read: the object (or API) does not exist


def _kind_of_list(list_kind: str) -> str:
    return list_kind[:-4] if list_kind.endswith("List") else list_kind


def _drop_env_values(spec: Any) -> None:
    if not isinstance(spec, dict):
        return
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for container in spec.get(key) or []:
            if isinstance(container, dict):
                for env in container.get("env") or []:
                    if isinstance(env, dict) and "value" in env:
                        env["value"] = "(not recorded)"


def redact(obj: dict[str, Any]) -> dict[str, Any]:
    """What the rules never read and may be large or sensitive: managed fields, last-applied copies,
    env values, statuses (except a node's versions and a pod's phase)."""
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
        annotations = metadata.get("annotations")
        if isinstance(annotations, dict):
            annotations.pop(LAST_APPLIED, None)
    kind = obj.get("kind")
    status = obj.get("status")
    if kind == "Node" and isinstance(status, dict):
        obj["status"] = {"nodeInfo": status.get("nodeInfo") or {}}
    elif kind == "Pod" and isinstance(status, dict):
        obj["status"] = {"phase": status.get("phase")}
    elif kind not in ("APIService",):
        obj.pop("status", None)
    spec = obj.get("spec")
    if isinstance(spec, dict):
        _drop_env_values(spec)
        template = spec.get("template") or ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template")
        if isinstance(template, dict):
            _drop_env_values(template.get("spec"))
    return obj


class LiveKube:
    """GETs through the Kubernetes Python client, guarded, paged, recorded."""

    def __init__(self, api_client: Any, recording: Recording, target_key: str, counter: CallCounter,
                 timeout: float = 30.0) -> None:
        self.api_client = api_client
        self.recording = recording
        self.target_key = target_key
        self.timeout = timeout
        install_kube_guard(api_client, lambda path: counter.add("kubernetes", path))

    def _get(self, path: str, query: list[tuple[str, Any]]) -> tuple[int, Any]:
        method, url, headers, _body, _post = self.api_client.param_serialize(
            "GET", path, query_params=query or None, header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"])
        response = self.api_client.call_api(method, url, header_params=headers, _request_timeout=self.timeout)
        raw = response.read()
        status = int(response.status)
        if status >= 300:
            return status, None
        return status, json.loads(raw or b"{}")

    def read(self, read: KubeRead) -> KubeResult:
        result = self._read(read)
        entry: dict[str, Any]
        if result.gap is not None:
            entry = {"error": result.gap.as_dict()}
        elif result.absent:
            entry = {"absent": True}
        else:
            entry = {"response": result.data}
        self.recording.record_kube(self.target_key, read.key, entry)
        return result

    def _read(self, read: KubeRead) -> KubeResult:
        action = f"{read.verb} {read.resource}" if read.group is not None else f"get {read.path}"
        items: list[dict[str, Any]] = []
        continue_token: str | None = None
        list_kind, api_version = "", ""
        try:
            while True:
                query: list[tuple[str, Any]] = []
                if read.verb == "list":
                    query.append(("limit", PAGE_SIZE))
                    if continue_token:
                        query.append(("continue", continue_token))
                status, body = self._get(read.path, query)
                if body is None:
                    if status == 404 and read.optional:
                        return KubeResult(None, absent=True)
                    kind = "denied" if status in (401, 403) else "unsupported" if status in (404, 405) else \
                        "throttled" if status == 429 else "error"
                    return KubeResult(None, Gap(action, kind, str(status), "", None, read.rules))
                if read.verb != "list":
                    return KubeResult(redact(dict(body)) if read.key != "version" else dict(body))
                list_kind = list_kind or str(body.get("kind") or "")
                api_version = api_version or str(body.get("apiVersion") or "")
                for item in body.get("items") or []:
                    if isinstance(item, dict):
                        item.setdefault("kind", _kind_of_list(list_kind))
                        item.setdefault("apiVersion", api_version)
                        items.append(redact(item))
                continue_token = (body.get("metadata") or {}).get("continue")
                if not continue_token:
                    break
        except Exception as exc:  # urllib3/SSL/timeouts: the read is a gap, the audit goes on
            from eksguard.live.guard import WriteRefused

            if isinstance(exc, WriteRefused):
                raise
            return KubeResult(None, Gap(action, "timeout" if "timeout" in type(exc).__name__.lower()
                                        or "connect" in str(exc).lower() else "error",
                                        type(exc).__name__, "", None, read.rules))
        return KubeResult({"kind": list_kind, "apiVersion": api_version, "items": items})


class SnapshotKube:
    def __init__(self, recording: Recording, target_key: str) -> None:
        self.entries = recording.kubernetes.get(target_key, {})

    def read(self, read: KubeRead) -> KubeResult:
        entry = self.entries.get(read.key)
        if entry is None:
            action = f"{read.verb} {read.resource}" if read.group is not None else f"get {read.path}"
            return KubeResult(None, Gap(action, "not-in-snapshot", rules=read.rules))
        if "error" in entry:
            return KubeResult(None, Gap.from_dict(entry["error"]))
        if entry.get("absent"):
            return KubeResult(None, absent=True)
        return KubeResult(dict(entry.get("response") or {}))


@dataclass(slots=True)
class KubeView:
    """What the Kubernetes API returned for one cluster."""

    version: dict[str, Any] | None = None
    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    aws_auth: dict[str, Any] | None = None
    aws_auth_absent: bool = False
    gaps: list[Gap] = field(default_factory=list)

    def all_objects(self) -> list[dict[str, Any]]:
        return [obj for key in sorted(self.objects) for obj in self.objects[key]]


def collect(reader: LiveKube | SnapshotKube) -> KubeView:
    view = KubeView()
    for index, read in enumerate(KUBE_READS):
        result = reader.read(read)
        if result.gap is not None:
            if index == 0 and result.gap.kind == "timeout":
                # the API server cannot be reached: one gap for the whole Kubernetes side
                rules = tuple(sorted({rule for r in KUBE_READS for rule in r.rules}))
                view.gaps.append(Gap("Kubernetes API", "timeout", result.gap.code, result.gap.message, None, rules))
                return view
            view.gaps.append(result.gap)
            continue
        if read.key == "version":
            view.version = result.data
        elif read.key == "aws-auth":
            view.aws_auth_absent = result.absent
            if result.data is not None:
                result.data.setdefault("kind", "ConfigMap")
                result.data.setdefault("apiVersion", "v1")
                view.aws_auth = result.data
        elif result.absent:
            view.objects[read.key] = []
        else:
            view.objects[read.key] = list((result.data or {}).get("items") or [])
    return view


def _owners(obj: Mapping[str, Any]) -> list[tuple[str, str]]:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    return [(str(r.get("kind")), str(r.get("name"))) for r in refs if isinstance(r, Mapping)]


def manifest_like(view: KubeView) -> list[dict[str, Any]]:
    """The objects as manifests would hold them: controllers' templates, and only the pods (and jobs) no
    listed controller describes (bare pods, pods of unknown controllers), so a pod is judged once."""
    deployments = {((d.get("metadata") or {}).get("namespace"), (d.get("metadata") or {}).get("name"))
                   for d in view.objects.get("deployments", [])}
    out: list[dict[str, Any]] = []
    for key in sorted(view.objects):
        if key in ("nodes", "apiservices"):
            continue
        for obj in view.objects[key]:
            owners = _owners(obj)
            namespace = (obj.get("metadata") or {}).get("namespace")
            if key == "jobs" and any(kind == "CronJob" for kind, _ in owners):
                continue
            if key == "pods" and owners:
                covered = False
                for kind, name in owners:
                    if kind == "ReplicaSet":
                        covered = any(ns == namespace and name.startswith(f"{dep}-") for ns, dep in deployments)
                    elif kind in CONTROLLER_KINDS:
                        covered = True
                if covered:
                    continue
            out.append(obj)
    if view.aws_auth is not None:
        out.append(view.aws_auth)
    return out


def observability(view: KubeView, cluster_origin: Origin) -> Value[list[str]] | None:
    """Metrics and monitoring agents found running (EKS603); None when the workloads were not listed."""
    if not all(k in view.objects for k in ("deployments", "daemonsets", "statefulsets")):
        return None
    found: list[str] = []
    for key in ("deployments", "daemonsets", "statefulsets"):
        for obj in view.objects[key]:
            metadata = obj.get("metadata") or {}
            name = str(metadata.get("name") or "")
            labels = metadata.get("labels") or {}
            label = str(labels.get("app.kubernetes.io/name") or labels.get("k8s-app") or labels.get("app") or "")
            for needle, title in OBSERVABILITY_WORKLOADS:
                if needle in name or needle in label:
                    entry = f"{title}: {metadata.get('namespace')}/{name}"
                    if entry not in found:
                        found.append(entry)
    for service in view.objects.get("apiservices", []):
        name = str((service.get("metadata") or {}).get("name") or "")
        if name == "v1beta1.metrics.k8s.io" and "metrics-server" not in " ".join(found):
            found.append("metrics API (v1beta1.metrics.k8s.io)")
    return declared(found, Origin(cluster_origin.path, pointer="kubernetes", resource="kubernetes workloads"))


def _object_path(cluster: Cluster, obj: Mapping[str, Any]) -> str:
    metadata = obj.get("metadata") or {}
    namespace = metadata.get("namespace")
    where = f"{namespace}/" if namespace else ""
    return f"{cluster.origin.path}#{obj.get('kind')}/{where}{metadata.get('name')}"


def apply_to_cluster(view: KubeView, cluster: Cluster, estate_extras: dict[str, Any]) -> KubeScope | None:
    """Fill the cluster from the Kubernetes view; the KubeScope of its objects for the Kubernetes rules.

    Uses the manifest source's object builder when present; otherwise keeps the objects as plain dicts
    in `estate.extras["live.kubernetes"][cluster target]`."""
    found = observability(view, cluster.origin)
    if found is not None:
        previous = list(cluster.observability.value or []) if cluster.observability is not None else []
        cluster.observability = declared([*previous, *(f for f in found.value or [] if f not in previous)],
                                         found.origin)
    elif cluster.observability is None or not cluster.observability.value:
        gap = next((g for g in view.gaps if g.rules and "EKS603" in g.rules), None)
        cluster.observability = unknown(cluster.origin, gap.note() if gap else None)
    kubelets = sorted({str(((n.get("status") or {}).get("nodeInfo") or {}).get("kubeletVersion") or "")
                       for n in view.objects.get("nodes", [])} - {""})
    estate_extras.setdefault("live.kubernetes.versions", {})[cluster.target] = {
        "server": (view.version or {}).get("gitVersion"), "kubelets": kubelets}
    objects = manifest_like(view)
    try:
        from eksguard.sources.kubernetes import make_object, rbac_grants, read_aws_auth
        from eksguard.sources.loading import Limits
    except ImportError:  # the manifest source is not in this checkout: keep plain objects for a later hook
        estate_extras.setdefault("live.kubernetes", {})[cluster.target] = objects
        _aws_auth_fallback(view, cluster)
        return None
    kube_objects = [make_object(obj, _object_path(cluster, obj), None, None) for obj in objects]
    target = f"kubernetes/{cluster.name}"
    counts: dict[str, int] = {}
    for obj in kube_objects:
        where = f"{obj.namespace}/" if obj.namespace else ""
        obj.target = f"{target}/{where}{obj.kind}/{obj.name}"
        counts[obj.target] = counts.get(obj.target, 0) + 1
    auth = [o for o in kube_objects if o.kind == "ConfigMap" and o.name == "aws-auth"]
    auth_gap = next((g for g in view.gaps if "EKS402" in g.rules), None)
    if auth_gap is not None and not auth:
        cluster.identity_mappings_unknown = auth_gap.note()
    if auth:
        mappings, problems = read_aws_auth(auth[0], {}, Limits())
        cluster.identity_mappings = mappings
        cluster.identity_mapping_problems.extend(problems)
    elif view.aws_auth_absent:
        cluster.identity_mappings = []
    if all(k in view.objects for k in ("roles", "rolebindings", "clusterroles", "clusterrolebindings")):
        cluster.rbac_grants = rbac_grants(kube_objects)
    version = cluster.version
    pss: Value[str] | None = None
    if version is not None and version.known and version.value:
        pss = Value(f"v{str(version.value).lstrip('v')}", version.provenance, version.origin, version.default_by,
                    Text(f"`latest` is the cluster's Kubernetes version {version.value}",
                         f"`latest` はクラスターの Kubernetes バージョン {version.value} です"))
    scope = KubeScope(target, cluster, Origin(cluster.origin.path, pointer="kubernetes", resource=target),
                      kube_objects, pss)
    for gap in view.gaps:
        for rule_id in gap.rules:
            scope.unread.setdefault(rule_id, []).append(gap.note())
    try:
        from eksguard.analysis.imds import imds_blocked
    except ImportError:  # pragma: no cover - older checkout
        return scope
    blocked = imds_blocked(scope)
    if blocked is not None:
        cluster.imds_blocked_by_network_policy = blocked
    return scope


def _aws_auth_fallback(view: KubeView, cluster: Cluster) -> None:
    if view.aws_auth_absent:
        cluster.identity_mappings = []


# --- connecting -----------------------------------------------------------------------------------

_CA_LOCK = threading.Lock()


def api_client_for_context(context: str | None, kubeconfig: str | None = None) -> Any:
    from kubernetes import client, config

    configuration = client.Configuration()
    config.load_kube_config(config_file=kubeconfig, context=context,  # type: ignore[no-untyped-call]
                            client_configuration=configuration, persist_config=False)
    return client.ApiClient(configuration)


def api_client_for_token(endpoint: str, ca_data: str | None, token: str) -> Any:
    from kubernetes import client

    configuration = client.Configuration()
    configuration.host = endpoint.rstrip("/")
    configuration.api_key = {"BearerToken": f"Bearer {token}"}
    if endpoint.startswith("https://"):
        if ca_data:
            with _CA_LOCK:
                handle = tempfile.NamedTemporaryFile("wb", suffix=".crt", delete=False)  # noqa: SIM115
                with handle:
                    handle.write(base64.b64decode(ca_data))
                atexit.register(_remove, handle.name)
            configuration.ssl_ca_cert = handle.name
        configuration.verify_ssl = True
    return client.ApiClient(configuration)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
