"""The HTML report: self-contained, filters, rule explanations, the security-group map, and a real
headless Chromium that renders it without console errors."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from reportkit import ARTIFACTS, Scan, run_chromium

from eksguard.engine import ScanReport
from eksguard.report import render
from eksguard.report.common import cluster_of
from eksguard.report.html import sg_map_svg

SG_MAP: dict[str, Any] = {
    "cluster": "ekshandson",
    "nodes": [
        {"id": "internet", "label": "0.0.0.0/0", "kind": "cidr"},
        {"id": "cp", "label": "control-plane ENIs", "kind": "attachment"},
        {"id": "ng", "label": "ng-handson nodes", "kind": "attachment"},
        {"id": "csg", "label": "eks-cluster-sg-ekshandson (cluster SG)", "kind": "security group"},
        {"id": "nsg", "label": "node SG <shared>", "kind": "security group"},
    ],
    "edges": [
        {"from": "csg", "to": "cp", "label": "attached"},
        {"from": "csg", "to": "ng", "label": "attached"},
        {"from": "internet", "to": "nsg", "label": "tcp/22 SSH"},
        {"from": "nsg", "to": "ng", "label": "attached"},
        {"from": "csg", "to": "csg", "label": "all traffic (self)"},
        {"from": "nsg", "to": "csg", "label": "tcp/443"},
        {"from": "csg", "to": "ghost", "label": "to a node that does not exist"},
    ],
}


def html(report: ScanReport, lang: str = "en") -> str:
    return render(report, "html", lang=lang, fail_on="high", colour=False)


def with_map(report: ScanReport, *maps: object) -> ScanReport:
    report.estate.extras["sg_maps"] = list(maps)
    return report


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_self_contained(examples_dir: Path, scan: Scan) -> None:
    page = html(with_map(scan([examples_dir]), SG_MAP))
    tags = tags_of(page)
    csp = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp and "connect-src" not in csp
    for tag, attrs in tags:
        if tag in ("script", "link", "img", "iframe", "object", "embed", "source", "audio", "video", "image", "use"):
            for key in ("src", "href", "xlink:href", "data"):
                value = attrs.get(key)
                assert value is None or value.startswith(("data:", "#")), f"<{tag} {key}={value}> would fetch"
        if tag == "a":  # links are navigation only
            assert (attrs.get("href") or "").startswith(("#", "https://"))
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "@import" not in page


def test_findings_by_cluster_and_rule_explanations(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    page = html(report)
    tags = tags_of(page)
    articles = [a for t, a in tags if t == "article"]
    assert len(articles) == len(report.failures)
    assert re.search(rf'<span class="n" id="findings-count">{len(report.failures)}</span>', page)
    assert sorted((str(a["data-rule"]), str(a["data-cluster"]), str(a["data-severity"])) for a in articles) == sorted(
        (f.rule, cluster_of(f.target), f.severity) for f in report.failures)
    clusters = [str(a["data-cluster"]) for t, a in tags if t == "section" and "cluster" in (a.get("class") or "").split()]
    assert sorted(clusters) == sorted({cluster_of(f.target) for f in report.failures})
    for rule in report.rules:
        assert f'<details class="rule" id="rule-{rule.id}">' in page
    severity_options = [a["value"] for t, a in tags if t == "option"][:1]
    assert severity_options == [""]  # "All" comes first


def test_user_text_is_escaped(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    finding = report.failures[0]
    odd = dataclasses.replace(finding, target='cluster/<script>alert("x")</script>')
    results = [odd if f is finding else f for f in report.results]
    page = html(ScanReport(report.estate, results, report.rules, report.notices))
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # ours


def test_sg_map_is_inline_svg(examples_dir: Path, scan: Scan) -> None:
    report = with_map(scan([examples_dir]), SG_MAP, {"cluster": "broken", "nodes": "not a list"}, "junk",
                      {"cluster": "empty", "nodes": [], "edges": []})
    page = html(report)
    figures = re.findall(r'<figure class="sg-map" id="([^"]+)">(.*?)</figure>', page, re.S)
    assert len(figures) == 1  # the malformed and empty maps are skipped, not fatal
    assert '<a href="#' + figures[0][0] + '">Security-group map</a>' in page  # linked from the cluster
    svg_text = figures[0][1][figures[0][1].index("<svg"):]
    svg = ET.fromstring(svg_text)  # well-formed XML
    ns = {"s": "http://www.w3.org/2000/svg"}
    nodes = svg.findall("s:g[@class='node']", ns)
    assert len(nodes) == 5
    labels = [" ".join(t.text or "" for t in node.findall("s:text", ns)) for node in nodes]
    assert "node SG <shared>" in labels  # escaped in the file, intact once parsed
    assert any("↻ all traffic (self)" in label for label in labels)
    edges = svg.findall("s:path[@class='edge']", ns)
    assert len(edges) == 5  # 7 edges: the self rule is written in its node, the dangling one dropped
    edge_labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.text in
                   ("attached", "tcp/22 SSH", "tcp/443")]
    assert sorted(edge_labels) == ["attached", "attached", "attached", "tcp/22 SSH", "tcp/443"]
    kinds = [t.text or "" for t in svg.findall("s:text[@class='kind']", ns)]
    assert sorted(kinds) == ["attachment", "cidr", "security group"]
    assert kinds.index("security group") == 1  # between what it connects: edges span one column each


def test_sg_maps_are_drawn_from_the_scanned_clusters(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    assert "sg_maps" not in report.estate.extras  # no other report needs them: made with the page
    page = html(report)
    figures = re.findall(r'<figure class="sg-map" id="([^"]+)">', page)
    assert len(figures) == len(report.estate.clusters) >= 3


def test_sg_map_nothing_to_draw() -> None:
    assert sg_map_svg({"cluster": "x", "nodes": [], "edges": []}, "en") is None
    assert sg_map_svg({"cluster": "x"}, "en") is None
    drawn = sg_map_svg({"cluster": "x", "nodes": [{"id": 1}], "edges": [{"from": 1, "to": 2}]}, "ja")
    assert drawn is not None and drawn.count('class="node"') == 1 and 'class="edge"' not in drawn


def test_japanese_html(examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    page = html(with_map(report, SG_MAP), "ja")
    assert '<html lang="ja">' in page
    assert "セキュリティグループの構成図" in page and "ルールの説明" in page
    for rule in report.rules:
        assert rule.title.en not in page and rule.fix.en not in page


# --- in a real browser ------------------------------------------------------------------------------


def console_lines(stderr: str) -> list[str]:
    """Messages the page wrote to the console (errors, CSP violations, uncaught exceptions)."""
    return [line for line in stderr.splitlines()
            if ":CONSOLE" in line or "Uncaught" in line or "Content Security Policy" in line]


def test_console_detection_works(chromium: str, tmp_path: Path) -> None:
    """The negative control: a broken page is caught, so a clean run below means something."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
                    "content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>"
                    '<img src="http://example.invalid/x.png"><script>undefinedFunction();</script></body></html>')
    result = run_chromium(chromium, tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom",
                          page.as_uri())
    lines = console_lines(result.stderr)
    assert any("Uncaught ReferenceError" in line for line in lines), result.stderr[-3000:]
    assert any("Content Security Policy" in line for line in lines), result.stderr[-3000:]


def _corpus_report(shared_root: Path, scan: Scan) -> ScanReport:
    report = scan([shared_root / "corpus" / "eksctl-examples"])
    if not report.estate.extras.get("sg_maps"):
        with_map(report, SG_MAP)
    return report


def test_renders_in_chromium(chromium: str, shared_root: Path, scan: Scan, tmp_path: Path) -> None:
    report = _corpus_report(shared_root, scan)
    count = len(report.failures)
    assert count > 0
    page = tmp_path / "report.html"
    page.write_text(html(report), encoding="utf-8")
    result = run_chromium(chromium, tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom",
                          page.as_uri())
    assert result.returncode == 0, result.stderr[-3000:]
    assert console_lines(result.stderr) == [], "\n".join(console_lines(result.stderr))
    dom = result.stdout
    assert 'data-ready="true"' in dom, "the report's script did not run to the end"
    assert f'<span class="n" id="findings-count">{count}</span>' in dom
    assert f'<span id="shown-count">{count}</span>' in dom  # written by the script after filtering
    assert '<div class="filters" id="filters">' in dom  # the script revealed the filters
    assert dom.count("<article class=\"finding") == count
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "html-report.png"
    shot.unlink(missing_ok=True)
    result = run_chromium(chromium, tmp_path / "profile", "--window-size=1280,2400", "--hide-scrollbars",
                          f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0, result.stderr[-3000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.mark.parametrize(("control", "value"), [("filter-severity", "critical"), ("filter-rule", "EKS201"),
                                                ("filter-text", "ekshandson")])
def test_filters_in_chromium(chromium: str, examples_dir: Path, scan: Scan, tmp_path: Path, control: str,
                             value: str) -> None:
    report = scan([examples_dir])
    expected = [f for f in report.failures if (
        f.severity == value if control == "filter-severity" else f.rule == value if control == "filter-rule"
        else value in f.target)]
    assert 0 < len(expected) < len(report.failures)
    event = "input" if control == "filter-text" else "change"
    harness = (f'<script>var c = document.getElementById("{control}"); c.value = "{value}"; '
               f'c.dispatchEvent(new Event("{event}"));</script>\n</body>')
    page = tmp_path / "filtered.html"
    page.write_text(html(report).replace("</body>", harness), encoding="utf-8")
    result = run_chromium(chromium, tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom",
                          page.as_uri())
    assert console_lines(result.stderr) == [], "\n".join(console_lines(result.stderr))
    dom = result.stdout
    assert f'<span id="shown-count">{len(expected)}</span>' in dom
    visible = re.findall(r'<article class="finding[^"]*" data-severity="[^"]+" data-rule="[^"]+" '
                         r'data-cluster="[^"]+">', dom)
    assert len(visible) == len(expected)  # the others carry hidden=""
    hidden_sections = re.findall(r'<section class="cluster" data-cluster="([^"]+)" hidden="">', dom)
    assert sorted(hidden_sections) == sorted({cluster_of(f.target) for f in report.failures}
                                             - {cluster_of(f.target) for f in expected})


def test_sg_map_routes_long_edges_around_nodes_and_merges_two_way_edges() -> None:
    graph = {"cluster": "c", "nodes": [{"id": "a", "label": "A", "kind": "one"}, {"id": "b", "label": "B", "kind": "two"},
                                       {"id": "c", "label": "C", "kind": "three"}],
             "edges": [{"from": "a", "to": "b", "label": "x"}, {"from": "b", "to": "c", "label": "y"},
                       {"from": "c", "to": "b", "label": "y"}, {"from": "a", "to": "c", "label": "long"},
                       {"from": "a", "to": "b", "label": "x"}]}
    drawn = sg_map_svg(graph, "en")
    assert drawn is not None
    svg = ET.fromstring(drawn[drawn.index("<svg"):])
    ns = {"s": "http://www.w3.org/2000/svg"}
    paths = svg.findall("s:path[@class='edge']", ns)
    assert len(paths) == 3  # a→b (the duplicate dropped), b↔c as one, a→c
    assert sum(1 for p in paths if p.get("marker-start")) == 1
    rects = [r for g in svg.findall("s:g[@class='node']", ns) for r in g.findall("s:rect", ns)]
    bottom = max(float(r.get("y", "0")) + float(r.get("height", "0")) for r in rects)
    long_path = next(p.get("d", "") for p in paths if "V" in p.get("d", ""))
    channel = float(re.findall(r"V(-?[\d.]+)", long_path)[0])
    assert channel > bottom  # the a→c edge runs below the row, not through B
    assert int(svg.get("height", "0")) >= channel
