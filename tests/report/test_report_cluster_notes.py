"""What the sources note about how a cluster was read (the command line that uses its file) reaches the text
and JSON reports, although `scan` drops each cluster's model once its rules ran; `report merge` keeps them."""

from __future__ import annotations

import json
from pathlib import Path

from reportkit import run_cli

CONFIG = 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: shop, region: us-east-1, version: "1.33"}\n'
NOTE = "setup.sh:2 runs `eksctl create cluster -f cluster.yaml` with this file."


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "cluster.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "setup.sh").write_text("#!/bin/sh\neksctl create cluster -f cluster.yaml\n", encoding="utf-8")
    return tmp_path


def test_text_and_json_reports_carry_the_cluster_notes(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    text = run_cli("scan", ".", "--no-color", cwd=root)
    lines = text.stdout.splitlines()
    assert lines[0] == "cluster/shop" and lines[1] == f"  note: {NOTE}", text.stdout
    report = json.loads(run_cli("scan", ".", "--format", "json", cwd=root).stdout)
    assert report["cluster_notes"] == {"cluster/shop": [NOTE]}


def test_merged_reports_keep_each_note_once(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    for name in ("a.json", "b.json"):
        run_cli("scan", ".", "--format", "json", "-o", str(tmp_path / name), cwd=root)
    merged = run_cli("report", "merge", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "-o",
                     str(tmp_path / "merged.json"))
    assert merged.returncode in (0, 1), merged.stderr
    assert json.loads((tmp_path / "merged.json").read_text())["cluster_notes"] == {"cluster/shop": [NOTE]}
