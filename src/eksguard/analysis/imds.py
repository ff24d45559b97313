"""Can pods reach the instance metadata service (169.254.169.254)? NetworkPolicy, enforcement, node settings.

NetworkPolicy semantics (networking.k8s.io/v1): a pod is isolated for egress when a policy of its namespace
selects it and has `Egress` in `policyTypes` (or, with no or empty `policyTypes`, has at least one egress rule); its allowed
egress is then the union of those policies' egress rules. A rule allows IMDS when its `to` is empty (every
destination) or holds an `ipBlock` whose `cidr` contains 169.254.169.254 and whose `except` does not, and its
`ports` are empty or admit TCP 80. Pod and namespace selectors never match IMDS. hostNetwork pods are outside
NetworkPolicy (and reach IMDS as the node does): they are not counted here (Pod Security baseline forbids them).

Enforcement needs an engine: the VPC CNI with `enableNetworkPolicy: "true"` in its addon configuration, or
Calico/Cilium (recognised by their objects in the manifests, or by the Helm chart the definition installs).
eks-domain.md §9.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from eksguard.analysis.podtemplates import PodTemplate, pod_templates
from eksguard.analysis.pss import pod_spec_of
from eksguard.model import FargateProfile, KubeObject, KubeScope, Text, Value, declared, defaulted, unknown

IMDS = ipaddress.ip_address("169.254.169.254")
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
ENGINE_GROUPS = ("crd.projectcalico.org", "projectcalico.org", "operator.tigera.io", "cilium.io")
ENGINE_WORKLOADS = {"calico-node", "cilium", "cilium-agent", "tigera-operator", "cilium-operator"}
VPC_CNI_TOOL = "EKS vpc-cni addon"
# Helm charts that install an engine: Cilium (https://helm.cilium.io, chart `cilium`), Calico through the Tigera
# operator (https://docs.tigera.io/calico/latest/getting-started/kubernetes/helm, chart `tigera-operator`) and
# the older aws/eks-charts `aws-calico`
ENGINE_CHARTS = frozenset({"cilium", "tigera-operator", "aws-calico"})
_CHART_ARCHIVE = re.compile(r"-v?\d+(\.\d+)*([-+][\w.]+)?\.tgz$")


def engine_chart(chart: str) -> bool:
    """Is `chart` (`cilium`, `cilium/cilium`, `oci://.../tigera-operator`, `.../cilium-1.16.4.tgz`) an engine's?"""
    name = chart.rstrip("/").rsplit("/", 1)[-1]
    return _CHART_ARCHIVE.sub("", name).removesuffix(".tgz").lower() in ENGINE_CHARTS


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def selector_selects(selector: Any, labels: Mapping[str, Any]) -> bool:
    """A LabelSelector (matchLabels, matchExpressions); an empty selector selects everything."""
    selector = _map(selector)
    for key, value in _map(selector.get("matchLabels")).items():
        if str(labels.get(key)) != str(value) or key not in labels:
            return False
    for expression in _list(selector.get("matchExpressions")):
        expression = _map(expression)
        key, operator = str(expression.get("key")), expression.get("operator")
        values = {str(v) for v in _list(expression.get("values"))}
        present = key in labels
        if operator == "In" and not (present and str(labels[key]) in values):
            return False
        if operator == "NotIn" and present and str(labels[key]) in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def isolates_egress(policy: KubeObject) -> bool:
    # the API server's defaulting (SetDefaults_NetworkPolicy, pkg/apis/networking/v1/defaults.go): absent or
    # empty `policyTypes` become Ingress, plus Egress when `egress` has at least one rule
    spec = _map(policy.doc.get("spec"))
    types = spec.get("policyTypes")
    if isinstance(types, list) and types:
        return "Egress" in types
    egress = spec.get("egress")
    return isinstance(egress, list) and len(egress) > 0


def _port_admits_http(port: Any) -> bool:
    port = _map(port)
    if str(port.get("protocol", "TCP")).upper() != "TCP":
        return False
    number = port.get("port")
    if number is None:
        return True
    if isinstance(number, bool) or not isinstance(number, int):
        return False  # a named port belongs to a pod; IMDS is not one
    end = port.get("endPort")
    return number == 80 or (isinstance(end, int) and number <= 80 <= end)


def _peer_admits_imds(peer: Any) -> bool:
    block = _map(_map(peer).get("ipBlock"))
    if not block:
        return False
    try:
        if IMDS not in ipaddress.ip_network(str(block.get("cidr")), strict=False):
            return False
        return not any(IMDS in ipaddress.ip_network(str(e), strict=False) for e in _list(block.get("except")))
    except ValueError:
        return False


def admits_imds(policy: KubeObject) -> bool:
    """Does any egress rule of `policy` allow TCP 80 to 169.254.169.254?"""
    for rule in _list(_map(policy.doc.get("spec")).get("egress")):
        rule = _map(rule)
        ports = _list(rule.get("ports"))
        if ports and not any(_port_admits_http(p) for p in ports):
            continue
        peers = _list(rule.get("to"))
        if not peers or any(_peer_admits_imds(p) for p in peers):
            return True
    return False


@dataclass(slots=True)
class PodReach:
    """One workload and the egress policies that decide whether it reaches IMDS."""

    workload: KubeObject
    blocked: bool
    policies: list[KubeObject] = field(default_factory=list)  # the isolating policies (blocking, when blocked)


def _pods(workload: KubeObject) -> list[PodTemplate]:
    """The pods of a workload that NetworkPolicy governs (hostNetwork pods are outside it); an operator's object
    runs several (a RayCluster's head and worker groups)."""
    return [t for t in pod_templates(workload.doc) if t.spec.get("hostNetwork") is not True]


def _renderings(obj: KubeObject) -> list[str]:
    return [obj.render, *obj.also_rendered_by] if obj.render is not None else []


def _applied_with(workload: KubeObject, policies: list[KubeObject]) -> list[list[KubeObject]]:
    """The policies of the workload's namespace applied together with it, once per kustomization that renders
    it: `kustomize build` of one overlay outputs only that overlay's policies (and plain manifests are applied as
    they are), so a policy another overlay adds does not guard it. A workload of a plain manifest meets every
    policy of its namespace."""
    same = [p for p in policies if p.namespace == workload.namespace]
    if workload.render is None:
        return [same]
    return [[p for p in same if p.render is None or render in _renderings(p)] for render in _renderings(workload)]


def reach(workload: KubeObject, policies: list[KubeObject]) -> PodReach:
    """Blocked when every rendering of the workload (_applied_with) blocks it; open as soon as one does not."""
    blocked: PodReach | None = None
    for applied in _applied_with(workload, policies):
        result = _reach_among(workload, applied)
        if not result.blocked:
            return result
        blocked = blocked or result
    return blocked or PodReach(workload, False)


def _reach_among(workload: KubeObject, policies: list[KubeObject]) -> PodReach:
    """Blocked when every pod of the workload is, by the labels its template writes (labels an operator adds,
    `ray.io/cluster` and the like, are not known here)."""
    isolating: list[KubeObject] = []
    for template in _pods(workload):
        labels = _map(template.metadata.get("labels"))
        selecting = [p for p in policies if isolates_egress(p)
                     and selector_selects(_map(p.doc.get("spec")).get("podSelector"), labels)]
        if not selecting:
            return PodReach(workload, False)
        allowing = [p for p in selecting if admits_imds(p)]
        if allowing:
            return PodReach(workload, False, allowing)
        isolating.extend(p for p in selecting if p not in isolating)
    return PodReach(workload, True, isolating)


def namespaces_with_workloads(scope: KubeScope) -> dict[str, list[KubeObject]]:
    """Non-system namespaces and their pod-creating objects (of which some pods are not hostNetwork)."""
    found: dict[str, list[KubeObject]] = {}
    for obj in scope.objects:
        if obj.namespace is None or obj.namespace in SYSTEM_NAMESPACES:
            continue
        if not _pods(obj):
            continue
        found.setdefault(obj.namespace, []).append(obj)
    return found


def engine_objects(scope: KubeScope) -> Iterator[KubeObject]:
    """Calico or Cilium objects: their presence means a NetworkPolicy engine is installed."""
    for obj in scope.objects:
        group = obj.api_version.rpartition("/")[0]
        if group in ENGINE_GROUPS or (pod_spec_of(obj.doc) is not None and obj.name in ENGINE_WORKLOADS):
            yield obj


def _enabled(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def enforcement(scope: KubeScope) -> Value[bool]:
    """Whether NetworkPolicies of this scope are enforced, and why (declared, defaulted or unknown)."""
    engine = next(engine_objects(scope), None)
    if engine is not None:
        return declared(True, engine.origin)
    cluster = scope.cluster
    if scope.unbound is not None:
        return unknown(scope.origin, Text(
            f"no Calico or Cilium manifests are in the scan, and the vpc-cni addon settings are not known: "
            f"{scope.unbound.en}",
            f"Calico や Cilium のマニフェストはこのスキャンになく、vpc-cni アドオンの設定も不明です: {scope.unbound.ja}"))
    addons = cluster.addons if cluster is not None else None
    if cluster is None or addons is None:
        return unknown(scope.origin, Text(
            "the cluster's vpc-cni addon settings are not in this scan and no Calico or Cilium manifests are",
            "クラスターの vpc-cni アドオン設定はこのスキャンになく、Calico や Cilium のマニフェストもありません"))
    cni = next((a for a in addons if a.name == "vpc-cni"), None)
    if cni is not None and _enabled(cni.configuration.get("enableNetworkPolicy")):
        return declared(True, cni.origin)
    installed = next((c for c in cluster.helm_charts if c.chart is not None and engine_chart(c.chart)), None)
    if installed is not None:
        return declared(True, installed.origin)
    pending = next((c for c in cluster.helm_charts if c.chart is None), None)
    if pending is not None:
        why = pending.note or Text("a Helm chart is not known", "Helm チャートが不明です")
        return unknown(pending.origin, Text(
            f"vpc-cni has no `enableNetworkPolicy: \"true\"`, and a Helm chart the definition installs, which may be "
            f"Calico or Cilium, is not known: {why.en}",
            f"vpc-cni に `enableNetworkPolicy: \"true\"` がなく、定義がインストールする Helm チャート（Calico や Cilium の"
            f"可能性があります）が不明です: {why.ja}"))
    where = cni.origin if cni is not None else cluster.origin
    return defaulted(False, VPC_CNI_TOOL, where, Text(
        "the vpc-cni addon enforces NetworkPolicies only with `enableNetworkPolicy: \"true\"` in its configuration",
        "vpc-cni アドオンは設定に `enableNetworkPolicy: \"true\"` がある場合にのみ NetworkPolicy を適用します"))


def fargate_profile_of(scope: KubeScope, namespace: str) -> FargateProfile | None:
    """The Fargate profile that takes every pod of `namespace` (a selector without labels), if any: those pods
    run on Fargate, which has no IMDS."""
    if scope.unbound is not None or scope.cluster is None:
        return None
    return next((p for p in scope.cluster.fargate_profiles if namespace in p.whole_namespaces), None)


def nodes_reach_imds(scope: KubeScope) -> Value[bool]:
    """Do the node settings of the scope's cluster let pods reach IMDS (hop limit above 1, or IMDSv1 allowed, on
    some node group or Karpenter EC2NodeClass)?"""
    cluster = scope.cluster
    if scope.unbound is not None or cluster is None:
        return unknown(scope.origin, scope.unbound or Text(
            "the node groups' IMDS settings are not in this scan", "ノードグループの IMDS 設定はこのスキャンにありません"))
    groups = [*cluster.node_groups, *cluster.node_classes]
    hops = [g.imds_hop_limit for g in groups if g.imds_hop_limit is not None]
    if not groups:
        if cluster.fargate_profiles:
            return declared(False, cluster.fargate_profiles[0].origin)  # Fargate pods have no IMDS
        return unknown(cluster.origin, Text("the cluster definition describes no node groups",
                                            "クラスター定義にノードグループがありません"))
    reachable: list[Value[Any]] = [h for h in hops if h.known and (h.value or 0) > 1]
    # the hop limit only stops IMDSv2's token: where IMDSv1 is allowed a pod reads it with a plain GET
    # (eks-domain.md §9; EKS302)
    reachable += [g.imds_http_tokens for g in groups if g.imds_http_tokens is not None
                  and g.imds_http_tokens.known and g.imds_http_tokens.value == "optional"]
    pending = [h for h in hops if not h.known]
    if not reachable and not pending and not hops:
        return unknown(cluster.origin, Text("the node groups' IMDS settings are not in this definition",
                                            "ノードグループの IMDS 設定がこの定義にありません"))
    chosen = (reachable or pending or hops)[0]
    return Value(None if not chosen.known else bool(reachable), chosen.provenance, chosen.origin,
                 chosen.default_by, chosen.note)


def imds_blocked(scope: KubeScope) -> Value[bool] | None:
    """True when every non-system namespace with workloads blocks IMDS for all of them by an enforced egress
    NetworkPolicy; None when not (or nothing to say)."""
    namespaces = namespaces_with_workloads(scope)
    if not namespaces or not enforcement(scope).value:
        return None
    policies = scope.network_policies
    first: KubeObject | None = None
    for workloads in namespaces.values():
        for workload in workloads:
            result = reach(workload, policies)
            if not result.blocked:
                return None
            first = first or (result.policies[0] if result.policies else None)
    if first is None:
        return None
    return declared(True, first.origin)
