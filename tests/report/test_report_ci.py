"""The GitHub Action (action.yml) and the pre-commit hooks (.pre-commit-hooks.yaml)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml
from reportkit import REPO

ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"


def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def step(name: str) -> dict[str, Any]:
    return next(s for s in action()["runs"]["steps"] if s.get("name") == name)


def test_action_is_a_composite_that_uploads_sarif() -> None:
    data = action()
    assert data["runs"]["using"] == "composite"
    uses = [s.get("uses", "") for s in data["runs"]["steps"]]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    upload = step("Upload SARIF to code scanning")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "always()" in upload["if"]
    for s in data["runs"]["steps"]:
        if "run" in s:
            assert s["shell"] == "bash"


def test_action_inputs_are_declared_and_never_pasted_into_scripts() -> None:
    data = action()
    text = ACTION.read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
    assert used <= set(data["inputs"]), f"undeclared inputs: {used - set(data['inputs'])}"
    for s in data["runs"]["steps"]:
        # script injection: an expression inside `run:` is pasted into the shell before it runs
        assert "${{" not in s.get("run", ""), s.get("name")
    outputs = set(re.findall(r"steps\.scan\.outputs\.([A-Za-z0-9_-]+)", text))
    assert outputs == {"exit-code", "sarif-written"}


def test_action_scan_step_runs(tmp_path: Path, examples_dir: Path) -> None:
    """Run the Scan step's script as the runner would, with eksguard from this checkout on PATH."""
    workspace = tmp_path / "workspace"
    shutil.copytree(examples_dir, workspace / "eks")
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "eksguard"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m eksguard "$@"\n')
    shim.chmod(0o755)
    scan = step("Scan")
    env = {**os.environ, **{k: str(v) for k, v in scan["env"].items()}}
    env.update({"SCAN_PATH": "eks", "SCAN_ARGS": "--skip-rule EKS102", "SCAN_BASELINE": "", "SCAN_LANG": "ja",
                "FAIL_ON": "high", "SARIF_FILE": "eksguard.sarif", "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(summary), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    result = subprocess.run(["bash", "-e", "-c", scan["run"]], cwd=workspace, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr  # the step itself never fails: the last step decides
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs == {"exit-code": "1", "sarif-written": "true"}
    log = json.loads((workspace / "eksguard.sarif").read_text(encoding="utf-8"))
    run = log["runs"][0]
    assert run["language"] == "ja-JP" and run["results"]
    assert "EKS102" not in {r["ruleId"] for r in run["results"]}
    assert summary.read_text(encoding="utf-8").startswith("### ❌ eksguard: 指摘 ")
    fail = step("Fail on findings")
    assert fail["env"]["CODE"] == "${{ steps.scan.outputs.exit-code }}"
    assert subprocess.run(["bash", "-c", fail["run"]], env={**os.environ, "CODE": "1"},
                          capture_output=True).returncode == 1


def test_pre_commit_hooks() -> None:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    by_id = {h["id"]: h for h in hooks}
    assert set(by_id) == {"eksguard", "eksguard-all"}
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    for hook in hooks:
        assert hook["language"] == "python" and hook["entry"].split()[0] in scripts
        assert hook["entry"].split()[:2] == ["eksguard", "scan"]
        assert {"yaml", "json", "terraform"} <= set(hook["types_or"])
    assert by_id["eksguard-all"]["pass_filenames"] is False and by_id["eksguard-all"]["entry"].endswith(" .")


def test_pre_commit_entry_on_file_names(examples_dir: Path) -> None:
    """pre-commit runs `entry` with the changed files appended; findings fail the hook."""
    entry = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]["entry"].split()
    files = sorted(str(p) for p in examples_dir.glob("*.yaml"))
    result = subprocess.run([sys.executable, "-m", "eksguard", *entry[1:], *files], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1, result.stderr
    assert "EKS101" in result.stdout
