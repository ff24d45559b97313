"""`eksguard sg-map`: which SG is on which ENI in the three configurations of article 004, and the traffic
the rules allow; the maps for the HTML report (`maps_extra`)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from eksguard.analysis.sgmap import SgMap, build_map, maps_extra
from eksguard.cli import main
from eksguard.sources import collect

FIXTURES = Path(__file__).parent / "fixtures"
TESTS = Path(__file__).parent.parent


def sg_map(name: str) -> SgMap:
    [cluster] = collect([str(FIXTURES / name)], {}).clusters
    return build_map(cluster)


def roles(result: SgMap) -> dict[str, list[str]]:
    return {p.id: sorted(role for _, role in p.security_groups) for p in result.placements}


def edge(result: SgMap, source: str, target: str) -> str:
    return "; ".join(e.label for e in result.edges if (e.source, e.target) == (source, target) and e.kind != "attached")


def test_without_node_sg_the_cluster_sg_is_shared_with_the_nodes() -> None:
    result = sg_map("article004-no-node-sg.yaml")
    assert roles(result) == {"control-plane": ["additional", "cluster"], "nodegroup/workers": ["cluster"]}
    # the cluster SG's default rule allows all traffic from itself: both ways, all traffic
    assert edge(result, "nodegroup/workers", "control-plane").startswith("all traffic via eks-cluster-sg-article004")
    assert edge(result, "control-plane", "nodegroup/workers").startswith("all traffic")
    assert edge(result, "cidr:10.0.0.0/8", "control-plane") == "tcp 443 via additional control-plane SG (ControlPlaneSG)"
    notes = " ".join(n.en for n in result.notes)
    assert "attached to the control-plane ENIs only" in notes
    assert "no node SG replaces the cluster SG" in notes and "talk freely" in notes


def test_with_a_node_sg_the_nodes_do_not_get_the_cluster_sg() -> None:
    result = sg_map("article004-node-sg.yaml")
    assert roles(result) == {"control-plane": ["cluster"], "nodegroup/workers": ["node"]}
    assert [sg for sg, _ in result.placements[1].security_groups] == ["NodeSG"]
    # node <-> control plane follows the node SG's rules, not "all traffic"
    assert edge(result, "nodegroup/workers", "control-plane") == "tcp 443 via eks-cluster-sg-article004"
    assert edge(result, "control-plane", "nodegroup/workers") == "tcp 10250 via node SG (NodeSG)"
    notes = " ".join(n.en for n in result.notes)
    assert "replace the cluster SG" in notes and "no rule allows it" not in notes


def test_missing_node_to_api_rule_is_pointed_out(tmp_path: Path) -> None:
    text = (FIXTURES / "article004-node-sg.yaml").read_text()
    start, end = text.index("  NodeToApi:"), text.index("  Template:")
    (tmp_path / "t.yaml").write_text(text[:start] + text[end:])
    [cluster] = collect([str(tmp_path / "t.yaml")], {}).clusters
    notes = [n.en for n in build_map(cluster).notes]
    assert any("the nodes cannot reach the API server (tcp 443)" in n for n in notes)
    assert not any("cannot reach the kubelets" in n for n in notes)


def test_fargate_pods_get_the_cluster_sg() -> None:
    result = sg_map("article004-fargate.yaml")
    assert roles(result) == {"control-plane": ["cluster"], "fargate/apps": ["cluster"]}
    assert edge(result, "fargate/apps", "control-plane").startswith("all traffic")
    assert "get the cluster SG, like the control plane" in " ".join(n.en for n in result.notes)


def test_cli_text_mermaid_and_json() -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["sg-map", str(FIXTURES / "article004-node-sg.yaml"), "--lang", "en"])
    assert text.exit_code == 0, text.output
    assert "node group workers (managed): node SG (NodeSG) (node SG)" in text.output
    assert "control-plane ENIs → node group workers (managed): tcp 10250 via node SG (NodeSG) [ingress]" in text.output
    japanese = runner.invoke(main, ["sg-map", str(FIXTURES / "article004-node-sg.yaml"), "--lang", "ja"])
    assert "ノードグループ workers（マネージド）: node SG (NodeSG)（ノード SG）" in japanese.output
    mermaid = runner.invoke(main, ["sg-map", "--format", "mermaid", str(FIXTURES / "article004-fargate.yaml")])
    assert mermaid.output.startswith("flowchart LR\n")
    assert "c0_fargate_apps" in mermaid.output and "-. attached .-> c0_control_plane" in mermaid.output
    data = json.loads(runner.invoke(main, ["sg-map", "--format", "json", str(FIXTURES)]).output)
    assert len(data["clusters"]) == 7  # three article-004 templates, two private clusters, two main-table ones
    article = [c for c in data["clusters"] if c["cluster"] == "article004"]
    assert len(article) == 3
    placements = {p["id"] for c in article for p in c["placements"]}
    assert placements == {"control-plane", "nodegroup/workers", "fargate/apps"}


def test_cli_reports_unreadable_input_with_exit_code_2(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("a: [\n")
    outcome = CliRunner().invoke(main, ["sg-map", str(tmp_path)])
    assert outcome.exit_code == 2


def test_the_maps_in_the_report_shape() -> None:
    estate = collect([str(FIXTURES / "article004-no-node-sg.yaml"), str(TESTS / "terraform/fixtures/good")], {})
    assert "sg_maps" not in estate.extras  # made only for the report that shows them (HTML)
    maps = maps_extra(estate.clusters)
    assert [m["cluster"] for m in maps] == ["article004", "good"]
    for graph in maps:
        assert set(graph) == {"cluster", "nodes", "edges"}
        ids = {n["id"] for n in graph["nodes"]}
        assert all(set(n) == {"id", "label", "kind"} for n in graph["nodes"])
        assert all(set(e) == {"from", "to", "label"} and e["from"] in ids and e["to"] in ids for e in graph["edges"])
    module = maps[1]
    attached = {(e["from"], e["to"]) for e in module["edges"] if e["label"] == "attached"}
    assert ("sg:module.eks.aws_security_group.node", "nodegroup/workers") in attached
    assert ("sg:module.eks.aws_security_group.cluster", "control-plane") in attached


def test_a_peer_not_known_before_apply_is_named_in_the_notes() -> None:
    from eksguard.model import SecurityGroupRule, Text

    [cluster] = collect([str(FIXTURES / "article004-node-sg.yaml")], {}).clusters
    cluster.network.security_groups["NodeSG"].rules.append(SecurityGroupRule(
        "ingress", "tcp", 22, 22, unknown=Text("`cidr_blocks` is not known before apply: var.ssh",
                                              "`cidr_blocks` は apply 前には不明です: var.ssh")))
    notes = build_map(cluster).notes
    [note] = [n for n in notes if "not known before apply" in n.en]
    assert note.en.endswith("allows tcp 22 from a peer not known before apply (`cidr_blocks` is not known before "
                            "apply: var.ssh).")
    assert "apply 前には不明な接続元" in note.ja
