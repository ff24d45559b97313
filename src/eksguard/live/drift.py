"""Declared vs live: the two `Cluster` models of one cluster, compared field by field.

The declared side is what a file (eksctl, CloudFormation, Terraform) would produce, defaults of the
tool included; the live side is what the API returns. A value unknown on either side is reported as
`unknown`, never as drift. Comparisons normalise what means the same (EKS treats an empty
`publicAccessCidrs` as 0.0.0.0/0; log types and lists are compared as sets).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eksguard.model import Cluster, NodeGroup, Origin, Provenance, Value

SAME, DRIFT, UNKNOWN, DECLARED_ONLY, LIVE_ONLY = "same", "drift", "unknown", "declared-only", "live-only"


@dataclass(slots=True)
class Difference:
    field: str
    status: str
    declared: Any = None
    live: Any = None
    declared_origin: Origin | None = None
    declared_provenance: str | None = None
    live_origin: Origin | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        def where(origin: Origin | None) -> str | None:
            return origin.display() if origin is not None else None

        return {"field": self.field, "status": self.status, "declared": self.declared, "live": self.live,
                "declared_location": where(self.declared_origin), "declared_provenance": self.declared_provenance,
                "live_location": where(self.live_origin), "note": self.note}


def _sorted_list(value: Any) -> Any:
    return sorted(str(v) for v in value) if isinstance(value, list | tuple | set) else value


def _cidrs(cluster: Cluster) -> Callable[[Any], Any]:
    def normalise(value: Any) -> Any:
        public = cluster.endpoint_public_access
        if isinstance(value, list) and not value and public is not None and public.value:
            return ["0.0.0.0/0"]  # EKS allows 0.0.0.0/0 when the list is empty
        return _sorted_list(value)

    return normalise


def _kms(value: Any) -> Any:
    if isinstance(value, str) and ":alias/" in value:
        return "(a customer-managed key)"
    return "(a customer-managed key)" if value else None


def _version(value: Any) -> Any:
    return str(value).lstrip("v") if value is not None else None


def compare_value(name: str, declared: Value[Any] | None, live: Value[Any] | None,
                  normalise: Callable[[Any], Any] = lambda v: v,
                  live_normalise: Callable[[Any], Any] | None = None) -> Difference | None:
    if declared is None and live is None:
        return None
    d_value = normalise(declared.value) if declared is not None and declared.known else None
    l_value = (live_normalise or normalise)(live.value) if live is not None and live.known else None
    diff = Difference(name, SAME, d_value, l_value,
                      declared.origin if declared is not None else None,
                      declared.describe_provenance() if declared is not None else None,
                      live.origin if live is not None else None)
    undecided = declared is not None and declared.value is None and declared.provenance is Provenance.DEFAULTED
    if declared is None or not declared.known or undecided:
        diff.status = UNKNOWN
        diff.note = "not known from the declared configuration" if declared is not None else \
            "not described by the declared configuration"
        if declared is not None and declared.note:
            diff.note = declared.note.en
    elif live is None or not live.known:
        diff.status = UNKNOWN
        diff.note = live.note.en if live is not None and live.note else "not known from the live cluster"
    elif d_value != l_value:
        diff.status = DRIFT
    return diff


def _group_fields(prefix: str, declared: NodeGroup, live: NodeGroup) -> list[Difference]:
    out: list[Difference] = []
    pairs: list[tuple[str, Value[Any] | None, Value[Any] | None, Callable[[Any], Any]]] = [
        ("imds_http_tokens", declared.imds_http_tokens, live.imds_http_tokens, lambda v: v),
        ("imds_hop_limit", declared.imds_hop_limit, live.imds_hop_limit, lambda v: v),
        ("volume_encrypted", declared.volume_encrypted, live.volume_encrypted, lambda v: v),
        ("instance_types", declared.instance_types, live.instance_types, _sorted_list),
        ("ssh.enabled", declared.ssh.enabled if declared.ssh else None, live.ssh.enabled if live.ssh else None,
         lambda v: v),
    ]
    for name, d, v, normalise in pairs:
        diff = compare_value(f"{prefix}.{name}", d, v, normalise)
        if diff is not None:
            out.append(diff)
    return out


def compare(declared: Cluster, live: Cluster) -> list[Difference]:
    """Every compared field of the two models, in a stable order."""
    out: list[Difference] = []
    fields: list[tuple[str, Value[Any] | None, Value[Any] | None, Callable[[Any], Any], Callable[[Any], Any] | None]] = [
        ("version", declared.version, live.version, _version, None),
        ("endpoint_public_access", declared.endpoint_public_access, live.endpoint_public_access, bool, None),
        ("endpoint_private_access", declared.endpoint_private_access, live.endpoint_private_access, bool, None),
        ("public_endpoint_cidrs", declared.public_endpoint_cidrs, live.public_endpoint_cidrs, _cidrs(declared),
         _cidrs(live)),
        ("log_types", declared.log_types, live.log_types, _sorted_list, None),
        ("secrets_kms_key", declared.secrets_kms_key, live.secrets_kms_key, _kms, None),
        ("authentication_mode", declared.authentication_mode, live.authentication_mode,
         lambda v: str(v).upper() if v else v, None),
        ("bootstrap_creator_admin", declared.bootstrap_creator_admin if live.bootstrap_creator_admin else None,
         live.bootstrap_creator_admin, bool, None),
        ("irsa_enabled", declared.irsa_enabled, live.irsa_enabled, bool, None),
        ("pod_identity_enabled", declared.pod_identity_enabled, live.pod_identity_enabled, bool, None),
    ]
    azs = declared.cluster_subnet_azs
    # `auto-N`: zones eksctl picks; `${VAR}a`: zones told apart by their suffix only (no names to compare)
    if azs is not None and azs.known and not any(str(z).startswith("auto-") or "$" in str(z) for z in azs.value or []):
        fields.append(("cluster_subnet_azs", azs, live.cluster_subnet_azs, _sorted_list, None))
    for name, d, v, normalise, live_normalise in fields:
        diff = compare_value(name, d, v, normalise, live_normalise)
        if diff is not None:
            out.append(diff)
    from eksguard.analysis.network import node_group_public

    live_groups = {g.name: g for g in live.node_groups}
    declared_groups = {g.name: g for g in declared.node_groups}
    for name in sorted(set(live_groups) | set(declared_groups)):
        d_group, l_group = declared_groups.get(name), live_groups.get(name)
        prefix = f"node_groups[{name}]"
        if d_group is None or l_group is None:
            present = d_group or l_group
            assert present is not None
            out.append(Difference(prefix, LIVE_ONLY if d_group is None else DECLARED_ONLY,
                                  present.kind if d_group else None, present.kind if l_group else None,
                                  d_group.origin if d_group else None, None, l_group.origin if l_group else None))
            continue
        out.extend(_group_fields(prefix, d_group, l_group))
        diff = compare_value(f"{prefix}.public_subnets", node_group_public(declared, d_group),
                             node_group_public(live, l_group), bool)
        if diff is not None:
            out.append(diff)
        d_subnets = [s for s in d_group.subnet_ids if s.startswith("subnet-")]
        if d_subnets and l_group.subnet_ids:
            status = SAME if sorted(d_subnets) == sorted(l_group.subnet_ids) else DRIFT
            out.append(Difference(f"{prefix}.subnet_ids", status, sorted(d_subnets), sorted(l_group.subnet_ids),
                                  d_group.origin, None, l_group.origin))
    if declared.addons is not None and live.addons is not None:
        d_names = {a.name for a in declared.addons}
        l_names = {a.name for a in live.addons}
        for name in sorted(d_names | l_names):
            if name in d_names and name in l_names:
                continue
            origin = next((a.origin for a in declared.addons if a.name == name), None)
            live_origin = next((a.origin for a in live.addons if a.name == name), None)
            out.append(Difference(f"addons[{name}]", DECLARED_ONLY if name in d_names else LIVE_ONLY,
                                  name in d_names, name in l_names, origin, None, live_origin))
    if declared.access_entries is not None and live.access_entries is not None:
        d_entries = {e.principal_arn: e for e in declared.access_entries}
        l_entries = {e.principal_arn: e for e in live.access_entries}
        for arn in sorted(set(d_entries) - set(l_entries)):
            out.append(Difference(f"access_entries[{arn}]", DECLARED_ONLY, True, False, d_entries[arn].origin))
        for arn in sorted(set(l_entries) - set(d_entries)):
            out.append(Difference(f"access_entries[{arn}]", LIVE_ONLY, False, True, None, None,
                                  l_entries[arn].origin))
    d_profiles = {p.name for p in declared.fargate_profiles}
    l_profiles = {p.name for p in live.fargate_profiles}
    for name in sorted(d_profiles ^ l_profiles):
        out.append(Difference(f"fargate_profiles[{name}]", DECLARED_ONLY if name in d_profiles else LIVE_ONLY,
                              name in d_profiles, name in l_profiles))
    return out


def render_text(declared: Cluster, live: Cluster, differences: list[Difference], show_same: bool = False) -> str:
    drifted = [d for d in differences if d.status in (DRIFT, DECLARED_ONLY, LIVE_ONLY)]
    unknowns = [d for d in differences if d.status == UNKNOWN]
    lines = [f"drift: {declared.origin.display()} (declared, {declared.source}) vs {live.origin.display()} (live)"]
    for diff in differences:
        if diff.status == SAME and not show_same:
            continue
        marker = {DRIFT: "≠", DECLARED_ONLY: "-", LIVE_ONLY: "+", UNKNOWN: "?", SAME: "="}[diff.status]
        declared_where = f" ({diff.declared_origin.display()}, {diff.declared_provenance})" \
            if diff.declared_origin is not None and diff.declared_provenance else \
            f" ({diff.declared_origin.display()})" if diff.declared_origin is not None else ""
        lines.append(f"  {marker} {diff.field}: declared {json.dumps(diff.declared)}{declared_where}"
                     f" → live {json.dumps(diff.live)}" + (f"  [{diff.note}]" if diff.note else ""))
    lines.append(f"{len(drifted)} field(s) drifted, {len(unknowns)} unknown, "
                 f"{sum(1 for d in differences if d.status == SAME)} the same.")
    return "\n".join(lines) + "\n"


def render_json(declared: Cluster, live: Cluster, differences: list[Difference]) -> str:
    return json.dumps({
        "schema_version": 1,
        "declared": {"cluster": declared.name, "source": declared.source, "location": declared.origin.display()},
        "live": {"cluster": live.name, "location": live.origin.display()},
        "drifted": sum(1 for d in differences if d.status in (DRIFT, DECLARED_ONLY, LIVE_ONLY)),
        "differences": [d.as_dict() for d in differences],
    }, ensure_ascii=False, indent=2, default=str) + "\n"
