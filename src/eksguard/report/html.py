"""One self-contained HTML report: summary, findings by cluster with filters, each rule's
explanation, and the security-group map as inline SVG.

Nothing is fetched: styles and the (plain) script are inline and a Content-Security-Policy
forbids every other source. The page works without JavaScript (all findings shown); with it,
the severity, rule, cluster and text filters hide what does not match and update the count.

The security-group maps are `analysis.sgmap.maps_extra(clusters)`, made when the page is (no other
report shows them), or `report.estate.extras["sg_maps"]` where the caller put them (the live audit):
a list of `{"cluster": name, "nodes": [{"id", "label", "kind"}], "edges": [{"from", "to", "label"}]}`;
malformed entries are skipped, never fatal.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from html import escape
from typing import Any

from eksguard import __version__
from eksguard.engine import ScanReport
from eksguard.findings import SEVERITY_ORDER, Finding
from eksguard.i18n import localize, message, paren, provenance_text, severity_name
from eksguard.report.common import SEVERITIES, by_cluster, cluster_of, fix_replacements, severity_counts
from eksguard.rules import Rule

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")
PALETTE = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#dc2626", "#4b5563", "#be185d"]
FIT_WIDTH = 1120  # px of a map that fit the page (main is 1200 wide)
_CODE = re.compile(r"`([^`\n]+)`")
_SLUG = re.compile(r"[^A-Za-z0-9_-]+")

STYLE = """
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--card:#fff;
--critical:#991b1b;--high:#dc2626;--medium:#d97706;--low:#2563eb;--info:#6b7280}
*{box-sizing:border-box}
body{margin:0;font:14px/1.55 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP",sans-serif;
color:var(--fg);background:var(--bg)}
header.top{background:#111827;color:#f9fafb;padding:16px 24px}
header.top h1{margin:0;font-size:20px}
header.top p{margin:4px 0 0;color:#d1d5db}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h2{font-size:18px;margin:28px 0 10px}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f3f4f6;padding:1px 4px;
border-radius:4px;word-break:break-word}
.summary{display:flex;flex-wrap:wrap;gap:10px;align-items:stretch}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:110px}
.card .n{font-size:24px;font-weight:700;display:block}
.card.total .n{font-size:30px}
button.card{cursor:pointer;font:inherit;text-align:left;color:inherit}
button.card:hover{border-color:#9ca3af}
.sev{display:inline-block;border-radius:4px;padding:0 7px;color:#fff;font-weight:600;font-size:12px;
white-space:nowrap}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.card.sev-critical,.card.sev-high,.card.sev-medium,.card.sev-low,.card.sev-info{background:var(--card);
border-left:6px solid}
.card.sev-critical{border-left-color:var(--critical)}.card.sev-high{border-left-color:var(--high)}
.card.sev-medium{border-left-color:var(--medium)}.card.sev-low{border-left-color:var(--low)}
.card.sev-info{border-left-color:var(--info)}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:end;background:var(--card);border:1px solid var(--line);
border-radius:8px;padding:10px 14px;margin-top:14px;position:sticky;top:0;z-index:2}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
.filters select,.filters input{font:inherit;padding:3px 6px;min-width:160px;max-width:340px}
.filters .shown{margin-left:auto;color:var(--muted)}
section.cluster{margin-top:18px}
section.cluster>h3{font-size:16px;margin:0 0 8px;display:flex;gap:8px;align-items:baseline}
section.cluster>h3 .cluster-count{color:var(--muted);font-weight:400}
section.cluster>h3 a{font-size:12px;font-weight:400}
article.finding{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--info);
border-radius:6px;padding:8px 12px;margin:8px 0}
article.finding.sev-critical{border-left-color:var(--critical)}article.finding.sev-high{border-left-color:var(--high)}
article.finding.sev-medium{border-left-color:var(--medium)}article.finding.sev-low{border-left-color:var(--low)}
article.finding.sev-critical .finding-head .title{color:var(--critical)}
.finding-head{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline;font-weight:600}
.finding p{margin:4px 0}
.finding dl{display:grid;grid-template-columns:minmax(7em,13em) 1fr;gap:2px 12px;margin:6px 0 0;font-size:13px}
.finding dt{color:var(--muted)}
.finding dd{margin:0}
.dont{color:#92400e}
pre.diff{background:#0f172a;color:#e2e8f0;padding:8px 10px;border-radius:6px;overflow:auto;font-size:12.5px}
pre.diff .del{color:#fca5a5}pre.diff .ins{color:#86efac}
details.rule{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:6px 12px;margin:6px 0}
details.rule summary{cursor:pointer;font-weight:600}
details.rule h4{margin:10px 0 2px;font-size:13px;color:var(--muted)}
details.rule p{margin:2px 0}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}
figure.sg-map{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:10px 0;padding:10px;
overflow:auto}
figure.sg-map figcaption{color:var(--muted);margin-bottom:6px}
.legend{display:flex;flex-wrap:wrap;gap:12px;font-size:12px;margin-bottom:6px}
.legend span::before{content:"";display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;
background:var(--swatch)}
.empty{color:var(--muted)}
[hidden]{display:none!important}
"""

SCRIPT = """
(function () {
  "use strict";
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var clusters = Array.prototype.slice.call(document.querySelectorAll("section.cluster"));
  var severity = document.getElementById("filter-severity");
  var rule = document.getElementById("filter-rule");
  var cluster = document.getElementById("filter-cluster");
  var text = document.getElementById("filter-text");
  var shown = document.getElementById("shown-count");
  function apply() {
    var s = severity.value, r = rule.value, c = cluster.value, q = text.value.trim().toLowerCase();
    var count = 0;
    findings.forEach(function (el) {
      var ok = (!s || el.getAttribute("data-severity") === s) && (!r || el.getAttribute("data-rule") === r) &&
        (!c || el.getAttribute("data-cluster") === c) && (!q || el.textContent.toLowerCase().indexOf(q) >= 0);
      el.hidden = !ok;
      if (ok) { count += 1; }
    });
    clusters.forEach(function (section) {
      var visible = section.querySelectorAll("article.finding:not([hidden])").length;
      section.hidden = visible === 0;
      var badge = section.querySelector(".cluster-count");
      if (badge) { badge.textContent = String(visible); }
    });
    shown.textContent = String(count);
  }
  [severity, rule, cluster].forEach(function (el) { el.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  Array.prototype.slice.call(document.querySelectorAll("button[data-filter-severity]")).forEach(function (b) {
    b.addEventListener("click", function () {
      var value = b.getAttribute("data-filter-severity");
      severity.value = severity.value === value ? "" : value;
      apply();
    });
  });
  function openRule() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  window.addEventListener("hashchange", openRule);
  document.getElementById("filters").hidden = false;
  openRule();
  apply();
  document.documentElement.setAttribute("data-ready", "true");
})();
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def rich(text: str) -> str:
    """Escaped text with `code` spans as <code>."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", _e(text))


def _slug(text: str) -> str:
    return _SLUG.sub("-", text).strip("-") or "x"


def _width(text: str) -> int:
    """Approximate rendered width at 12px: East Asian wide characters count double."""
    return sum(12 if unicodedata.east_asian_width(ch) in "WF" else 7 for ch in text)


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- security-group map -------------------------------------------------------------------


def _label(x: float, y: float, text: str, full: str) -> str:
    w = _width(text) + 8
    return (f'<g class="edge-label"><title>{_e(full)}</title><rect x="{x - w / 2:.1f}" y="{y - 9:.1f}" width="{w}" '
            f'height="16" rx="3" fill="#fff" stroke="#d1d5db"/><text x="{x:.1f}" y="{y + 3:.1f}" '
            f'text-anchor="middle" fill="#111827">{_e(text)}</text></g>')


def _edges(graph: dict[str, Any], seen: set[str]) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Edges between different nodes (an edge and its reverse with the same label become one, both ways)
    and, per node, the labels of the rules it has on itself."""
    links: list[dict[str, Any]] = []
    loops: dict[str, list[str]] = {}
    index: dict[tuple[str, str, str], dict[str, Any]] = {}
    for raw in graph.get("edges") or []:
        if not isinstance(raw, dict) or str(raw.get("from")) not in seen or str(raw.get("to")) not in seen:
            continue
        source, target, label = str(raw.get("from")), str(raw.get("to")), str(raw.get("label") or "")
        if source == target:
            if label not in loops.setdefault(source, []):
                loops[source].append(label or "↻")
        elif (source, target, label) in index:
            continue
        elif (target, source, label) in index:
            index[(target, source, label)]["both"] = True
        else:
            edge = {"from": source, "to": target, "label": label, "both": False}
            index[(source, target, label)] = edge
            links.append(edge)
    return links, loops


def sg_map_svg(graph: dict[str, Any], lang: str, index: int = 0) -> str | None:
    """An SVG drawing of one cluster's security-group map: one column per node kind, edges as arrows
    with their labels (a rule a node has on itself is written inside the node). Edges between
    neighbouring columns are curves through the gap between them; longer ones run through the gap
    below the source's row, so no line crosses a node. None when there is nothing to draw."""
    nodes: list[dict[str, str]] = []
    seen: set[str] = set()
    for node in graph.get("nodes") or []:
        if isinstance(node, dict) and node.get("id") is not None and str(node["id"]) not in seen:
            seen.add(str(node["id"]))
            nodes.append({"id": str(node["id"]), "label": str(node.get("label") or node["id"]),
                          "kind": str(node.get("kind") or "other")})
    if not nodes:
        return None
    links, loops = _edges(graph, seen)
    kinds = _column_order(nodes, links)
    colour = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(kinds)}
    columns = _rows(nodes, links, kinds)
    column_of = {n["id"]: c for c, members in enumerate(columns) for n in members}
    row_of = {n["id"]: r for members in columns for r, n in enumerate(members)}

    def route(edge: dict[str, Any]) -> str:
        c1, c2 = column_of[edge["from"]], column_of[edge["to"]]
        if abs(c1 - c2) == 1:
            return "curve"
        if c1 == c2 and abs(row_of[edge["from"]] - row_of[edge["to"]]) == 1:
            return "vertical"
        return "side" if c1 == c2 else "channel"

    lanes: dict[int, int] = {}  # row -> long edges in the gap below it
    lane_of: dict[int, int] = {}
    for i, edge in enumerate(links):
        if route(edge) == "channel":
            row = row_of[edge["from"]]
            lane_of[i] = lanes.get(row, 0)
            lanes[row] = lane_of[i] + 1
    node_w = min(max([_width(_clip(n["label"], 30)) for n in nodes]
                     + [_width(_clip("↻ " + ", ".join(v), 34)) for v in loops.values()]) + 24, 260)
    node_w = max(node_w, 120)
    node_h = 52 if loops else 40
    gap_y = max(56 if any(route(e) == "vertical" for e in links) else 26, 22 + 20 * max(lanes.values(), default=0))
    margin, top = 20, 40
    label_w = max([_width(_clip(e["label"], 28)) for e in links] + [60])
    gap_x = min(max(label_w + 50, 130), 260)

    def box(node_id: str) -> tuple[int, int]:
        return margin + column_of[node_id] * (node_w + gap_x), top + row_of[node_id] * (node_h + gap_y)

    width = margin * 2 + len(kinds) * node_w + (len(kinds) - 1) * gap_x + 90
    rows = max(len(m) for m in columns)
    height = top + rows * (node_h + gap_y) - (0 if lanes.get(rows - 1) else gap_y) + margin
    marker, title_id = f"arrow-{index}", f"sg-title-{index}"
    cluster = str(graph.get("cluster") or "")
    # shrink a wide map to the page, but never below 78 % (text stays legible; the rest scrolls)
    shown_w = max(min(width, FIT_WIDTH), int(width * 0.78))
    shown_h = int(height * shown_w / width)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sg-svg" role="img" aria-labelledby="{title_id}" '
           f'width="{shown_w}" height="{shown_h}" viewBox="0 0 {width} {height}" font-size="12" '
           f'font-family="system-ui,sans-serif">',
           f'<title id="{title_id}">{_e(message("sg_map_caption", lang, cluster=cluster))}</title>',
           f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#4b5563"/></marker></defs>']
    for column, kind in enumerate(kinds):
        x = margin + column * (node_w + gap_x)
        out.append(f'<text class="kind" x="{x + node_w // 2}" y="{top - 14}" text-anchor="middle" '
                   f'fill="{colour[kind]}" font-weight="600">{_e(kind)}</text>')
    pairs: dict[tuple[str, str], int] = {}
    labels: list[str] = []
    for i, edge in enumerate(links):
        (x1, y1), (x2, y2) = box(edge["from"]), box(edge["to"])
        c1, c2 = column_of[edge["from"]], column_of[edge["to"]]
        key = (min(edge["from"], edge["to"]), max(edge["from"], edge["to"]))
        shift = pairs.get(key, 0) * 16
        pairs[key] = pairs.get(key, 0) + 1
        y1m, y2m = y1 + node_h // 2, y2 + node_h // 2
        kind = route(edge)
        if kind == "curve":
            sx, ex = (x1 + node_w, x2) if c1 < c2 else (x1, x2 + node_w)
            pull = gap_x // 2 if c1 < c2 else -(gap_x // 2)
            d = f"M{sx},{y1m} C{sx + pull},{y1m + shift} {ex - pull},{y2m + shift} {ex},{y2m}"
            label_at = ((sx + ex) / 2, (y1m + y2m) / 2 + shift * 0.75)
        elif kind == "vertical":
            down = y2 > y1
            dx = x1 + node_w // 2 + (-(node_w // 5) if down else node_w // 5) + shift
            start, end = (y1 + node_h, y2) if down else (y1, y2 + node_h)
            d = f"M{dx},{start} L{dx},{end}"
            label_at = (dx, (start + end) / 2)
        elif kind == "side":
            sx = x1 + node_w
            bulge = 40 + shift
            d = f"M{sx},{y1m} C{sx + bulge},{y1m} {sx + bulge},{y2m} {sx},{y2m}"
            label_at = (sx + bulge * 0.75, (y1m + y2m) / 2)
        else:  # through the gap below the source's row, between the columns
            lane = lane_of[i]
            channel = y1 + node_h + 16 + 20 * lane
            step = 14 + 6 * lane
            sx, gs = (x1 + node_w, x1 + node_w + step) if c1 < c2 else (x1, x1 - step)
            ex, ge = (x2, x2 - step) if c1 < c2 else (x2 + node_w, x2 + node_w + step)
            d = f"M{sx},{y1m} H{gs} V{channel} H{ge} V{y2m} H{ex}"
            label_at = ((gs + ge) / 2, channel)
        start_marker = f' marker-start="url(#{marker})"' if edge["both"] else ""
        out.append(f'<path class="edge" d="{d}" fill="none" stroke="#4b5563" stroke-width="1.4" '
                   f'stroke-linejoin="round"{start_marker} marker-end="url(#{marker})"/>')
        if edge["label"]:
            labels.append(_label(label_at[0], label_at[1], _clip(edge["label"], 28), edge["label"]))
    out.extend(labels)  # labels above every edge line
    for node in nodes:
        x, y = box(node["id"])
        fill = colour[node["kind"]]
        loop = loops.get(node["id"])
        text_y = y + (node_h // 2 - 3 if loop else node_h // 2 + 4)
        inner = (f'<text x="{x + node_w // 2}" y="{text_y}" text-anchor="middle" fill="#111827">'
                 f'{_e(_clip(node["label"], 30))}</text>')
        if loop:
            inner += (f'<text class="self" x="{x + node_w // 2}" y="{text_y + 17}" text-anchor="middle" '
                      f'fill="#374151" font-size="11">{_e(_clip("↻ " + ", ".join(loop), 34))}</text>')
        tip = node["label"] + f" ({node['kind']})" + ("".join(f"\n↻ {item}" for item in loop) if loop else "")
        out.append(f'<g class="node" data-kind="{_e(node["kind"])}"><title>{_e(tip)}</title>'
                   f'<rect x="{x}" y="{y}" width="{node_w}" height="{node_h}" rx="6" fill="{fill}" '
                   f'fill-opacity="0.12" stroke="{fill}" stroke-width="1.5"/>{inner}</g>')
    out.append("</svg>")
    legend = "".join(f'<span style="--swatch:{colour[k]}">{_e(k)}</span>' for k in kinds)
    return f'<div class="legend">{legend}</div>' + "".join(out)


def _column_order(nodes: list[dict[str, str]], edges: list[dict[str, Any]]) -> list[str]:
    """Node kinds as columns, ordered so that edges span as few columns as possible (exhaustive for up to
    six kinds, else the order in which kinds first appear); ties keep the first-appearance order."""
    kinds: list[str] = []
    for node in nodes:
        if node["kind"] not in kinds:
            kinds.append(node["kind"])
    if len(kinds) > 6:
        return kinds
    kind_of = {node["id"]: node["kind"] for node in nodes}
    spans = [(kind_of[e["from"]], kind_of[e["to"]]) for e in edges if kind_of[e["from"]] != kind_of[e["to"]]]

    def cost(order: Iterable[str]) -> int:
        position = {kind: i for i, kind in enumerate(order)}
        return sum(abs(position[a] - position[b]) for a, b in spans)

    return list(min(itertools.permutations(kinds), key=cost))


def _rows(nodes: list[dict[str, str]], edges: list[dict[str, Any]], kinds: list[str]) -> list[list[dict[str, str]]]:
    """Nodes per column; within a column, ordered by the mean row of their neighbours (two sweeps)."""
    columns = [[n for n in nodes if n["kind"] == kind] for kind in kinds]
    neighbours: dict[str, list[str]] = {n["id"]: [] for n in nodes}
    for edge in edges:
        if edge["from"] != edge["to"]:
            neighbours[edge["from"]].append(edge["to"])
            neighbours[edge["to"]].append(edge["from"])
    row = {n["id"]: i for members in columns for i, n in enumerate(members)}

    def centre(node: dict[str, str]) -> float:
        near = neighbours[node["id"]]
        return sum(row[n] for n in near) / len(near) if near else row[node["id"]]

    for _ in range(2):
        for members in columns:
            members.sort(key=centre)
            row.update({n["id"]: i for i, n in enumerate(members)})
    return columns


def _sg_maps(report: ScanReport) -> list[dict[str, Any]]:
    maps = report.estate.extras.get("sg_maps") if isinstance(report.estate.extras, dict) else None
    if maps is None and report.estate.clusters:  # only this report shows them: made here, when wanted
        from eksguard.analysis.sgmap import maps_extra

        maps = maps_extra(report.estate.clusters)
    return [m for m in maps if isinstance(m, dict)] if isinstance(maps, list) else []


def _map_cluster(graph: dict[str, Any]) -> str:
    name = str(graph.get("cluster") or "")
    return name if name.startswith("cluster/") else f"cluster/{name}"


# --- page ---------------------------------------------------------------------------------


def _finding(finding: Finding, rule: Rule, lang: str) -> str:
    cluster = cluster_of(finding.target)
    head = (f'<div class="finding-head"><span class="sev sev-{_e(finding.severity)}">'
            f'{_e(severity_name(finding.severity, lang))}</span><a href="#rule-{_e(rule.id)}">{_e(rule.id)}</a>'
            f'<span class="title">{rich(rule.title.get(lang))}</span></div>')
    body = [f'<p class="msg">{rich(finding.message.get(lang))}</p>' if finding.message else ""]
    meta = []
    if finding.origin is not None:
        meta.append((message("location", lang), f"<code>{_e(finding.origin.display())}</code>"
                     + (f" <code>{_e(finding.origin.pointer)}</code>" if finding.origin.pointer else "")))
    meta.append((message("target", lang), _e(finding.target)))
    if finding.observed:
        provenance = provenance_text(finding.provenance, lang)
        meta.append((message("observed_heading", lang), f"<code>{_e(finding.observed)}</code>"
                     + (_e(paren(provenance, lang)) if provenance else "")))
    if finding.note and finding.provenance != "declared":
        meta.append((message("provenance", lang), rich(finding.note.get(lang))))
    meta.append((message("fix_heading", lang), rich(rule.fix.get(lang))))
    if rule.dont:
        meta.append((message("dont_heading", lang), f'<span class="dont">{rich(rule.dont.get(lang))}</span>'))
    body.append("<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in meta) + "</dl>")
    for fix in fix_replacements(finding):
        lines = [f'<span class="del">-{_e(line)}</span>' for line in fix.old.split("\n")]
        lines += [f'<span class="ins">+{_e(line)}</span>' for line in fix.new.split("\n")]
        body.append(f"<p>{_e(message('suggested_changes', lang))}: "
                    f"{_e(message('replace_on_line', lang, path=fix.path, line=fix.line))}</p>"
                    f'<pre class="diff">' + "\n".join(lines) + "</pre>")
    return (f'<article class="finding sev-{_e(finding.severity)}" data-severity="{_e(finding.severity)}" '
            f'data-rule="{_e(rule.id)}" data-cluster="{_e(cluster)}">{head}{"".join(body)}</article>')


def _select(ident: str, label: str, options: list[tuple[str, str]], lang: str) -> str:
    items = f'<option value="">{_e(message("all", lang))}</option>' + "".join(
        f'<option value="{_e(value)}">{_e(text)}</option>' for value, text in options)
    return f'<label>{_e(label)}<select id="{ident}">{items}</select></label>'


def _rule_section(rule: Rule, lang: str, count: int) -> str:
    severities = " / ".join(severity_name(s, lang) for s in rule.severities)
    parts = [f'<details class="rule" id="rule-{_e(rule.id)}"><summary>{_e(rule.id)} {rich(rule.title.get(lang))} '
             f'<span class="sev sev-{_e(rule.severity)}">{_e(severities)}</span>'
             + (_e(paren(message('findings_count', lang, count=count), lang)) if count else "") + "</summary>",
             f"<h4>{_e(message('risk', lang))}</h4><p>{rich(rule.risk.get(lang))}</p>",
             f"<h4>{_e(message('fix_heading', lang))}</h4><p>{rich(rule.fix.get(lang))}</p>"]
    if rule.dont:
        parts.append(f"<h4>{_e(message('dont_heading', lang))}</h4><p class=\"dont\">{rich(rule.dont.get(lang))}</p>")
    refs = "".join(f'<li><a href="{_e(r)}" rel="noreferrer">{_e(r)}</a></li>' if r.startswith("https://")
                   else f"<li>{_e(r)}</li>" for r in rule.references)
    parts.append(f"<h4>{_e(message('references', lang))}</h4><ul>{refs}"
                 f'<li><a href="{_e(rule.help_uri + ("#ja" if lang == "ja" else ""))}" rel="noreferrer">'
                 f"{_e(message('rule_doc', lang))}</a></li></ul></details>")
    return "".join(parts)


def render(report: ScanReport, *, lang: str, fail_on: str = "high", colour: bool = False) -> str:
    rules = {rule.id: rule for rule in report.rules}
    failures = [f for f in report.failures if f.rule in rules]
    groups = by_cluster(failures)
    threshold = SEVERITY_ORDER[fail_on]
    blocking = sum(1 for f in failures if f.severity_rank >= threshold)
    inputs = len([i for i in report.estate.inputs if i.kind != "ignored"])
    counts = dict(severity_counts(failures))
    maps = _sg_maps(report)
    figure_ids = [f"sg-map-{i}-{_slug(_map_cluster(m))}" for i, m in enumerate(maps)]
    map_ids: dict[str, str] = {}  # cluster -> its (first) map
    for graph, figure_id in zip(maps, figure_ids, strict=True):
        map_ids.setdefault(_map_cluster(graph), figure_id)
    title = message("report_title", lang)

    cards = [f'<div class="card total"><span class="n" id="findings-count">{len(failures)}</span>'
             f'{_e(message("findings_heading", lang))}</div>',
             f'<div class="card"><span class="n">{blocking}</span>'
             f'{_e(message("blocking_label", lang, fail_on=severity_name(fail_on, lang)))}</div>']
    cards += [f'<button type="button" class="card sev-{s}" data-filter-severity="{s}"><span class="n">{counts.get(s, 0)}'
              f'</span>{_e(severity_name(s, lang))}</button>' for s in SEVERITIES]
    summary = (f'<section id="summary"><h2>{_e(message("findings_heading", lang))}</h2>'
               f'<div class="summary">{"".join(cards)}</div><p>{_e(message("inputs_clusters", lang, inputs=inputs, clusters=report.cluster_count))}</p></section>')

    rule_options = [(rid, f"{rid} {rules[rid].title.get(lang)}") for rid in sorted({f.rule for f in failures})]
    filters = ('<div class="filters" id="filters" hidden>'
               + _select("filter-severity", message("severity", lang),
                         [(s, severity_name(s, lang)) for s in SEVERITIES if s in counts], lang)
               + _select("filter-rule", message("rule", lang), rule_options, lang)
               + _select("filter-cluster", message("cluster", lang), [(c, c) for c in groups], lang)
               + f'<label>{_e(message("search", lang))}<input id="filter-text" type="search"></label>'
               + f'<span class="shown"><span id="shown-count">{len(failures)}</span> / {len(failures)} '
               + f'{_e(message("shown", lang))}</span></div>'
               + f'<noscript><p class="empty">{_e(message("no_js", lang))}</p></noscript>')

    sections = []
    for cluster, items in groups.items():
        link = (f'<a href="#{_e(map_ids[cluster])}">{_e(message("sg_map_heading", lang))}</a>'
                if cluster in map_ids else "")
        sections.append(f'<section class="cluster" data-cluster="{_e(cluster)}"><h3>{_e(cluster)} '
                        f'<span class="cluster-count">{len(items)}</span>{link}</h3>'
                        + "".join(_finding(f, rules[f.rule], lang) for f in items) + "</section>")
    findings_html = "".join(sections) or f'<p class="empty">{_e(message("no_findings_short", lang))}</p>'

    parts = [summary, filters, f'<section id="findings">{findings_html}</section>']
    figures = []
    for index, graph in enumerate(maps):
        svg = sg_map_svg(graph, lang, index)
        if svg is None:
            continue
        cluster = _map_cluster(graph)
        figures.append(f'<figure class="sg-map" id="{_e(figure_ids[index])}"><figcaption>'
                       f'{_e(message("sg_map_caption", lang, cluster=cluster))}</figcaption>{svg}</figure>')
    if figures:
        parts.append(f'<section id="sg-maps"><h2>{_e(message("sg_map_heading", lang))}</h2>{"".join(figures)}</section>')

    suppressed = [f for f in report.results if f.suppressed and f.rule in rules]
    if suppressed:
        rows = "".join(f"<tr><td>{_e(f.rule)}</td><td>{_e(f.target)}</td><td><code>"
                       f"{_e(f.origin.display() if f.origin else '')}</code></td><td>{_e(f.suppressed or '')}</td></tr>"
                       for f in suppressed)
        parts.append(f'<section id="suppressed"><h2>{_e(message("suppressed_heading", lang))}'
                     f"{_e(paren(str(len(suppressed)), lang))}</h2><table><thead><tr><th>{_e(message('rule', lang))}"
                     f"</th><th>{_e(message('target', lang))}</th><th>{_e(message('location', lang))}</th>"
                     f"<th>{_e(message('reason', lang))}</th></tr></thead><tbody>{rows}</tbody></table></section>")
    if report.estate.problems or report.notices:
        notes = "".join(f"<li><code>{_e(p.path + (f':{p.line}' if p.line else ''))}</code> {_e(p.text(lang))}</li>"
                        for p in report.estate.problems)
        notes += "".join(f"<li>{_e(localize(n, lang))}</li>" for n in report.notices)
        parts.append(f'<section id="notes"><h2>{_e(message("notices_heading", lang))}</h2><ul>{notes}</ul></section>')
    per_rule = {rid: sum(1 for f in failures if f.rule == rid) for rid in rules}
    ordered_rules = sorted(rules.values(), key=lambda r: (per_rule[r.id] == 0, r.id))
    parts.append(f'<section id="rules"><h2>{_e(message("rules_heading", lang))}</h2>'
                 + "".join(_rule_section(r, lang, per_rule[r.id]) for r in ordered_rules) + "</section>")

    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f'<header class="top"><h1>{_e(title)}</h1><p>eksguard {_e(__version__)} · '
            f'{_e(message("rules_run", lang, count=len(report.rules)))}</p></header>\n'
            f"<main>\n" + "\n".join(parts) + "\n</main>\n"
            f"<script>{SCRIPT}</script>\n</body>\n</html>\n")
