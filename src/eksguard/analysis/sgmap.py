"""Which security group sits on which ENI, and what traffic the rules let through (article 004).

For each cluster: the places that hold ENIs (control plane, each node group, Fargate pods), the SGs on
each (analysis.network.security_group_placement), and the traffic between those places, the internet
and other CIDRs or SGs, read from the SGs' rules. Rendered as text, Mermaid and JSON by
`eksguard sg-map`; `as_extra()` is the shape the HTML report draws.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eksguard.analysis.network import (
    OPEN_CIDRS,
    Placement,
    cluster_sg_id,
    rule_covers_port,
    rule_ports,
    security_group,
    security_group_placement,
    sg_name,
)
from eksguard.model import Cluster, SecurityGroup, SecurityGroupRule, Text

ROLE_TEXT = {
    "cluster": Text("cluster SG, created by EKS", "クラスター SG（EKS が作成）"),
    "additional": Text("additional SG, control plane only", "追加 SG（コントロールプレーンのみ）"),
    "node": Text("node SG", "ノード SG"),
    "remote-access": Text("remote-access SG, created by EKS", "リモートアクセス SG（EKS が作成）"),
}


@dataclass(slots=True)
class MapNode:
    id: str
    label: str
    kind: str  # "control-plane" | "nodegroup" | "fargate" | "security-group" | "internet" | "cidr"
    label_ja: str = ""

    def text(self, lang: str) -> str:
        return self.label_ja if lang == "ja" and self.label_ja else self.label


@dataclass(slots=True)
class MapEdge:
    source: str
    target: str
    label: str
    kind: str  # "attached" | "ingress" | "egress"
    label_ja: str = ""

    def text(self, lang: str) -> str:
        return self.label_ja if lang == "ja" and self.label_ja else self.label


def place_label(place: Placement, lang: str) -> str:
    if lang != "ja":
        return place.label
    name = place.id.split("/", 1)[-1]
    if place.kind == "control-plane":
        return "コントロールプレーンの ENI"
    if place.kind == "fargate":
        return f"Fargate の Pod（プロファイル {name}）"
    kind = "マネージド" if place.label.endswith("(managed)") else "セルフマネージド"
    return f"ノードグループ {name}（{kind}）"


def _spaced(text: str) -> str:
    return f" {text}" if text[:1].isascii() else text


def ports_ja(ports: str) -> str:
    return ports.replace("all traffic", "すべての通信").replace("all ports", "全ポート")


@dataclass(slots=True)
class SgMap:
    cluster: str
    target: str
    placements: list[Placement]
    groups: dict[str, SecurityGroup]
    nodes: list[MapNode] = field(default_factory=list)
    edges: list[MapEdge] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)

    def as_extra(self) -> dict[str, Any]:
        """`{"cluster", "nodes": [{"id", "label", "kind"}], "edges": [{"from", "to", "label"}]}`."""
        return {"cluster": self.cluster,
                "nodes": [{"id": n.id, "label": n.label, "kind": n.kind} for n in self.nodes],
                "edges": [{"from": e.source, "to": e.target, "label": e.label} for e in self.edges]}

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "cluster": self.cluster,
            "target": self.target,
            "placements": [{"id": p.id, "label": p.label, "kind": p.kind,
                            "security_groups": [{"id": sg_id, "name": sg_name(self.groups.get(sg_id), sg_id),
                                                 "role": role} for sg_id, role in p.security_groups]}
                           for p in self.placements],
            "nodes": [{"id": n.id, "label": n.label, "kind": n.kind} for n in self.nodes],
            "edges": [{"from": e.source, "to": e.target, "label": e.label, "kind": e.kind} for e in self.edges],
            "notes": [n.get(lang) for n in self.notes],
        }


def _sg_node_id(sg_id: str) -> str:
    return f"sg:{sg_id}"


def build_maps(clusters: Iterable[Cluster]) -> list[SgMap]:
    return [build_map(c) for c in clusters]


def maps_extra(clusters: list[Cluster]) -> list[dict[str, Any]]:
    """The maps in the shape the HTML report and `estate.extras["sg_maps"]` use."""
    return [m.as_extra() for m in build_maps(clusters)]


def build_map(cluster: Cluster) -> SgMap:
    places = security_group_placement(cluster)
    groups: dict[str, SecurityGroup] = {}
    for place in places:
        for sg_id in place.sg_ids:
            found = security_group(cluster, sg_id)
            if found is not None:
                groups[sg_id] = found
    result = SgMap(cluster.name, cluster.target, places, groups)
    seen_nodes: set[str] = set()

    def node(node_id: str, label: str, kind: str, label_ja: str = "") -> None:
        if node_id not in seen_nodes:
            seen_nodes.add(node_id)
            result.nodes.append(MapNode(node_id, label, kind, label_ja))

    for place in places:
        node(place.id, place.label, place.kind, place_label(place, "ja"))
    for place in places:
        for sg_id, role in place.security_groups:
            name = sg_name(groups.get(sg_id), sg_id)
            node(_sg_node_id(sg_id), f"{name} [{ROLE_TEXT[role].en}]", "security-group", f"{name}［{ROLE_TEXT[role].ja}］")
            result.edges.append(MapEdge(_sg_node_id(sg_id), place.id, "attached", "attached", "付与"))
    traffic: dict[tuple[str, str, str], list[tuple[str, str]]] = {}

    def flow(source: str, target: str, kind: str, label: tuple[str, str]) -> None:
        labels = traffic.setdefault((source, target, kind), [])
        if label not in labels:
            labels.append(label)

    holders: dict[str, list[Placement]] = {}
    for place in places:
        for sg_id in place.sg_ids:
            holders.setdefault(sg_id, []).append(place)
    for place in places:
        for sg_id in place.sg_ids:
            sg = groups.get(sg_id)
            for rule in sg.rules if sg else []:
                via = (rule_ports(rule), sg_name(sg, sg_id))
                peers = _peers(rule, holders, node, groups, cluster)
                for peer in peers:
                    if peer == place.id == "control-plane":
                        continue  # the control plane talking to itself says nothing
                    if rule.direction == "ingress":
                        flow(peer, place.id, "ingress", via)
                    else:
                        flow(place.id, peer, "egress", via)
    for (source, target, kind), labels in traffic.items():
        result.edges.append(MapEdge(source, target, "; ".join(f"{ports} via {name}" for ports, name in labels), kind,
                                    "、".join(f"{name} 経由の{_spaced(ports_ja(ports))}" for ports, name in labels)))
    result.notes = notes_for(cluster, places, groups)
    return result


def _peers(rule: SecurityGroupRule, holders: dict[str, list[Placement]], node: Any,
           groups: dict[str, SecurityGroup], cluster: Cluster) -> list[str]:
    if rule.source_group is not None:
        if rule.source_group in holders:
            return [p.id for p in holders[rule.source_group]]
        known = security_group(cluster, rule.source_group)
        node(_sg_node_id(rule.source_group), sg_name(known, rule.source_group), "security-group")
        return [_sg_node_id(rule.source_group)]
    if rule.cidr in OPEN_CIDRS:
        node("internet", "internet (0.0.0.0/0, ::/0)", "internet", "インターネット（0.0.0.0/0、::/0）")
        return ["internet"]
    if rule.cidr:
        node(f"cidr:{rule.cidr}", rule.cidr, "cidr")
        return [f"cidr:{rule.cidr}"]
    return []


def allows(cluster: Cluster, groups: dict[str, SecurityGroup], source: Placement, target: Placement,
           port: int) -> bool | None:
    """Whether the SGs let `source` reach `target` on tcp `port` (None when an SG is not described)."""
    if any(sg_id not in groups for sg_id in source.sg_ids + target.sg_ids):
        return None
    ingress = any(
        r.direction == "ingress" and rule_covers_port(r, port)
        and (r.source_group in source.sg_ids or (r.cidr is not None and r.source_group is None))
        for sg_id in target.sg_ids for r in groups[sg_id].rules)
    egress = any(
        r.direction == "egress" and rule_covers_port(r, port)
        and (r.source_group in target.sg_ids or (r.cidr is not None and r.source_group is None))
        for sg_id in source.sg_ids for r in groups[sg_id].rules)
    return ingress and egress


def notes_for(cluster: Cluster, places: list[Placement], groups: dict[str, SecurityGroup]) -> list[Text]:
    """What article 004 explains, said about this cluster, and the node/control-plane rules that are missing."""
    notes: list[Text] = []
    control = places[0]
    cluster_sg = cluster_sg_id(cluster)
    additional = [sg_id for sg_id, role in control.security_groups if role == "additional"]
    if additional:
        names = ", ".join(sg_name(groups.get(s), s) for s in additional)
        notes.append(Text(f"{names}: additional SG(s), attached to the control-plane ENIs only, never to nodes or "
                          "Fargate pods.",
                          f"{names}: 追加のセキュリティグループで、コントロールプレーンの ENI にだけ付き、ノードや Fargate の "
                          "Pod には付きません。"))
    for place in places[1:]:
        label_en = place.label
        label_ja = place_label(place, "ja")
        if place.kind == "fargate":
            notes.append(Text(f"{label_en}: get the cluster SG, like the control plane; its default rule allows all "
                              "traffic from itself, so pods and the control plane talk freely.",
                              f"{label_ja}: コントロールプレーンと同じクラスター SG が付きます。既定のルールが自身からの"
                              "通信をすべて許可するため、Pod とコントロールプレーンは自由に通信できます。"))
            continue
        if cluster_sg in place.sg_ids:
            notes.append(Text(f"{label_en}: no node SG replaces the cluster SG, so the nodes share it with the "
                              "control plane; its default rule allows all traffic from itself, so nodes and the "
                              "control plane talk freely.",
                              f"{label_ja}: クラスター SG を置き換えるノード SG がないため、ノードはコントロールプレーンと"
                              "同じクラスター SG を共有します。既定のルールが自身からの通信をすべて許可するため、ノードと"
                              "コントロールプレーンは自由に通信できます。"))
        else:
            names = ", ".join(sg_name(groups.get(s), s) for s in place.sg_ids) or "none"
            notes.append(Text(f"{label_en}: the node SG(s) {names} replace the cluster SG; traffic between these "
                              "nodes and the control plane follows their rules.",
                              f"{label_ja}: ノード SG（{names}）がクラスター SG の代わりに付くため、ノードと"
                              "コントロールプレーン間の通信はそのルールに従います。"))
        for source, target, port, what_en, what_ja in (
                (place, control, 443, "the nodes cannot reach the API server (tcp 443)",
                 "ノードから API サーバー（tcp 443）に到達できません"),
                (control, place, 10250, "the control plane cannot reach the kubelets (tcp 10250)",
                 "コントロールプレーンから kubelet（tcp 10250）に到達できません")):
            verdict = allows(cluster, groups, source, target, port)
            if verdict is False:
                notes.append(Text(f"{label_en}: no rule allows it: {what_en}.",
                                  f"{label_ja}: 許可するルールがなく、{what_ja}。"))
        for sg_id in place.sg_ids:
            sg = groups.get(sg_id)
            for rule in sg.rules if sg else []:
                if rule.direction == "ingress" and rule.cidr in OPEN_CIDRS:
                    notes.append(Text(
                        f"{label_en}: {sg_name(sg, sg_id)} allows {rule_ports(rule)} from {rule.cidr} (the internet).",
                        f"{label_ja}: {sg_name(sg, sg_id)} が {rule.cidr}（インターネット）からの {rule_ports(rule)} を"
                        "許可しています。"))
                elif rule.direction == "ingress" and rule.unknown is not None and not (rule.cidr or rule.source_group):
                    notes.append(Text(
                        f"{label_en}: {sg_name(sg, sg_id)} allows {rule_ports(rule)} from a peer not known before "
                        f"apply ({rule.unknown.en}).",
                        f"{label_ja}: {sg_name(sg, sg_id)} が apply 前には不明な接続元からの {rule_ports(rule)} を"
                        f"許可しています（{rule.unknown.ja}）。"))
    return notes


# --- Rendering ---------------------------------------------------------------------------


def render_text(maps: list[SgMap], lang: str = "en") -> str:
    ja = lang == "ja"
    lines: list[str] = []
    for sg_map in maps:
        lines.append(("クラスター " if ja else "Cluster ") + f"{sg_map.cluster} ({sg_map.target})")
        lines.append("  " + ("各 ENI のセキュリティグループ" if ja else "Security groups on each ENI"))
        for place in sg_map.placements:
            groups = ("、" if ja else ", ").join(
                f"{sg_name(sg_map.groups.get(s), s)}{'（' if ja else ' ('}{ROLE_TEXT[role].get(lang)}{'）' if ja else ')'}"
                for s, role in place.security_groups) or ("なし" if ja else "none")
            lines.append(f"    {place_label(place, lang)}: {groups}")
        labels = {n.id: n.text(lang) for n in sg_map.nodes}
        flows = [e for e in sg_map.edges if e.kind != "attached"]
        lines.append("  " + ("通信" if ja else "Traffic"))
        for edge in flows:
            direction = "受信" if ja and edge.kind == "ingress" else "送信" if ja else edge.kind
            lines.append(f"    {labels.get(edge.source, edge.source)} → {labels.get(edge.target, edge.target)}: "
                         f"{edge.text(lang)} [{direction}]")
        if not flows:
            lines.append("    " + ("（ルールが記述されていません）" if ja else "(no rules described)"))
        if sg_map.notes:
            lines.append("  " + ("説明" if ja else "Notes"))
            lines.extend(f"    - {note.get(lang)}" for note in sg_map.notes)
        lines.append("")
    return "\n".join(lines)


_MERMAID_ID = re.compile(r"[^A-Za-z0-9_]")


def _mermaid_id(prefix: str, node_id: str) -> str:
    return f"{prefix}_{_MERMAID_ID.sub('_', node_id)}"


def _mermaid_label(text: str) -> str:
    return text.replace('"', "#quot;")


def render_mermaid(maps: list[SgMap]) -> str:
    lines = ["flowchart LR"]
    for index, sg_map in enumerate(maps):
        prefix = f"c{index}"
        lines.append(f'  subgraph {prefix}["cluster {_mermaid_label(sg_map.cluster)}"]')
        for item in sg_map.nodes:
            ident, label = _mermaid_id(prefix, item.id), _mermaid_label(item.label)
            if item.kind == "security-group":
                lines.append(f'    {ident}{{{{"{label}"}}}}')
            elif item.kind in ("internet", "cidr"):
                lines.append(f'    {ident}(("{label}"))')
            else:
                lines.append(f'    {ident}["{label}"]')
        lines.append("  end")
        for edge in sg_map.edges:
            source, target = _mermaid_id(prefix, edge.source), _mermaid_id(prefix, edge.target)
            if edge.kind == "attached":
                lines.append(f"  {source} -. attached .-> {target}")
            else:
                lines.append(f'  {source} -- "{_mermaid_label(edge.label)}" --> {target}')
    return "\n".join(lines) + "\n"
