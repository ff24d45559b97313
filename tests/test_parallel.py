"""Parsing ahead in worker processes (sources.parallel): the same findings and problems as a scan
without workers, a result used only for the text it was parsed from, and a scan that survives its
workers dying."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eksguard.sources.loading import Limits
from eksguard.sources.parallel import CHUNK, MIN_FILES, ParsedAhead, start_parsing_ahead, workers_for

REPO = Path(__file__).resolve().parent.parent
GOOD = REPO / "tests" / "terraform" / "fixtures" / "good"


def crash(path: str, text: str) -> None:
    """A parse function that kills its worker process."""
    os._exit(3)


def upper(path: str, text: str) -> str:
    return text.upper()


def tree(root: Path, modules: int) -> Path:
    """`modules` copies of a Terraform EKS module, one with a syntax error, and some YAML beside them."""
    for index in range(modules):
        shutil.copytree(GOOD, root / f"module-{index}")
    broken = next(p for p in sorted((root / "module-0").glob("*.tf")))
    broken.write_text(broken.read_text(encoding="utf-8") + "\nresource \"x\" {\n", encoding="utf-8")
    (root / "manifests").mkdir()
    (root / "manifests" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: i}]\n",
        encoding="utf-8")
    return root


def scan(root: Path, jobs: int) -> tuple[int, dict[str, object]]:
    result = subprocess.run([sys.executable, "-m", "eksguard", "scan", str(root), "--format", "json", "--jobs",
                             str(jobs)], capture_output=True, text=True, timeout=300, cwd=root)
    return result.returncode, json.loads(result.stdout)


def test_workers_give_the_same_report_as_one_process(tmp_path: Path) -> None:
    root = tree(tmp_path, 6)
    tf_files = len(list(root.rglob("*.tf")))
    single_code, single = scan(root, 1)
    parallel_code, parallel = scan(root, 2)
    assert single_code == parallel_code == 2  # the syntax error is an unreadable input either way
    assert parallel == single
    assert [e["path"] for e in single["errors"]] == [str(next(p for p in sorted((root / "module-0").glob("*.tf"))))]
    assert {f["rule"] for f in single["findings"]} >= {"EKS501"}
    assert sum(1 for i in single["inputs"] if i["kind"] == "terraform") == tf_files


def test_the_terraform_reader_takes_what_the_workers_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eksguard.sources import collect

    root = tree(tmp_path, 3)
    taken: list[bool] = []
    original = ParsedAhead.take

    def spy(self: ParsedAhead, path: str, text: str) -> object:
        result = original(self, path, text)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(ParsedAhead, "take", spy)
    estate = collect([str(root)], {}, jobs=2)
    assert taken.count(True) == 2 and taken.count(False) == 1  # the broken file is parsed (and reported) here
    assert len(estate.problems) == 1 and "invalid HCL" in estate.problems[0].message


def test_a_result_is_used_only_for_the_text_it_was_parsed_from(tmp_path: Path) -> None:
    paths = []
    for index in range(3):
        path = tmp_path / f"f{index}.tf"
        path.write_text(f"text {index}", encoding="utf-8")
        paths.append(str(path))
    ahead = ParsedAhead([(p, __name__, "upper") for p in paths], 1, Limits())
    try:
        assert ahead.take(paths[0], "text 0") == "TEXT 0"
        assert ahead.take(paths[1], "changed since") is None
        assert ahead.take(paths[0], "text 0") is None  # taken once
        assert ahead.take(str(tmp_path / "never-sent.tf"), "x") is None
    finally:
        ahead.close()


def test_a_dead_worker_leaves_the_parsing_to_the_scan(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text("x = 1\n", encoding="utf-8")
    ahead = ParsedAhead([(str(path), __name__, "crash")], 1, Limits())
    try:
        assert ahead.take(str(path), "x = 1\n") is None
    finally:
        ahead.close()


@pytest.mark.parametrize(("files", "jobs", "cpus", "expected"), [
    (MIN_FILES - 1, 0, 2, 0),  # too few: workers cost more than they save
    (MIN_FILES, 0, 2, 1),  # one CPU for this process, one for a worker
    (MIN_FILES, 0, 8, 7),
    (MIN_FILES, 0, 1, 0),  # one CPU: nothing to gain
    (1, 3, 1, 2),  # asked for: --jobs counts this process
    (500, 1, 8, 0),  # --jobs 1: none
    (0, 4, 8, 0),  # nothing slow to parse
])
def test_how_many_workers(monkeypatch: pytest.MonkeyPatch, files: int, jobs: int, cpus: int, expected: int) -> None:
    monkeypatch.setattr("eksguard.sources.parallel.available_cpus", lambda: cpus)
    assert workers_for(files, jobs) == expected


def test_no_workers_when_no_file_needs_them(tmp_path: Path) -> None:
    paths = [str(tmp_path / f"{i}.yaml") for i in range(100)]
    assert start_parsing_ahead(paths, lambda name: None, 0, Limits()) is None


def slow_with_pid(path: str, text: str) -> tuple[str, int]:
    time.sleep(0.02)
    return text.upper(), os.getpid()


def test_while_it_would_wait_the_scan_parses_the_last_chunks_itself(tmp_path: Path) -> None:
    """Work stealing: the worker parses from the first chunk on, the scan from the last one back; every result
    is the file's, whoever parsed it."""
    paths = []
    for index in range(8 * CHUNK):
        path = tmp_path / f"f{index}.tf"
        path.write_text(f"text {index}", encoding="utf-8")
        paths.append(str(path))
    ahead = ParsedAhead([(p, __name__, "slow_with_pid") for p in paths], 1, Limits())
    try:
        results = [ahead.take(path, f"text {index}") for index, path in enumerate(paths)]
    finally:
        ahead.close()
    assert [r[0] for r in results] == [f"TEXT {index}" for index in range(len(paths))]
    parsed_here = [index for index, r in enumerate(results) if r[1] == os.getpid()]
    assert parsed_here and len(parsed_here) < len(paths)  # both parsed some
    assert parsed_here == list(range(parsed_here[0], len(paths)))  # this process took the last ones
