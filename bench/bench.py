"""`make bench`: wall time of `eksguard scan` on one small file and on ../shared/corpus, against
the floor (parsing the same YAML/JSON files with libyaml's CSafeLoader and nothing else).

Benchmarks are separate from the tests: nothing here asserts; it prints a Markdown table.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EKSGUARD_SHARED_DIR", REPO.parent / "shared"))
SMALL = REPO / "examples" / "workshop-cluster.yaml"
RUNS = int(os.environ.get("EKSGUARD_BENCH_RUNS", "5"))


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def median_wall(command: list[str]) -> float:
    return statistics.median(wall(command) for _ in range(RUNS))


def parse_floor(files: list[Path]) -> float:
    """Seconds to read and parse every YAML/JSON document in `files` with CSafeLoader, in-process."""
    start = time.perf_counter()
    for path in files:
        try:
            list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
        except (yaml.YAMLError, UnicodeDecodeError):
            pass
    return time.perf_counter() - start


def python_startup() -> float:
    return median_wall([sys.executable, "-c", "pass"])


def main() -> None:
    scan = [sys.executable, "-m", "eksguard", "scan", "--format", "json"]
    rows = [("python -c pass (interpreter start-up)", python_startup(), None)]
    rows.append((f"eksguard scan {SMALL.relative_to(REPO)} (one small file)", median_wall([*scan, str(SMALL)]), None))
    if SHARED.is_dir():
        corpus = SHARED / "corpus"
        files = [p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file()]
        floor = statistics.median(parse_floor(files) for _ in range(RUNS))
        baseline = median_wall([sys.executable, "-c", "import yaml"])
        scan_time = median_wall([*scan, str(corpus)])
        rows.append((f"CSafeLoader parse of {len(files)} YAML/JSON files in ../shared/corpus (floor, in-process)",
                     floor, None))
        rows.append((f"eksguard scan ../shared/corpus ({sum(1 for p in corpus.rglob('*') if p.is_file())} files)",
                     scan_time, (scan_time - baseline) / floor if floor else None))
        for name in ("eksctl-examples", "eksctl-cfn", "eks-workshop-v2/manifests"):
            rows.append((f"eksguard scan ../shared/corpus/{name}", median_wall([*scan, str(corpus / name)]), None))
        conformance = SHARED / "conformance/pod-security-admission"
        if conformance.is_dir():
            rows.append(("eksguard scan ../shared/conformance (4,537 Pods)", median_wall([*scan, str(conformance)]),
                         None))
    else:
        print(f"(../shared not found at {SHARED}: corpus rows skipped)")
    print(f"median of {RUNS} runs, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
    print("| what | wall (ms) | note |")
    print("| --- | ---: | --- |")
    for name, seconds, ratio in rows:
        note = f"{ratio:.1f}x the floor (after subtracting start-up)" if ratio else ""
        print(f"| {name} | {seconds * 1000:.0f} | {note} |")


if __name__ == "__main__":
    main()
