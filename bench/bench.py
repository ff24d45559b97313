"""`make bench`: how fast `eksguard scan` is, against the floor and against Checkov.

- start-up: one small file;
- the real corpora in ../shared (eksctl, CloudFormation, Terraform, Kubernetes, Markdown) and the
  4,537 Pod Security Admission fixtures;
- a synthetic corpus (bench/corpus.py, fixed seed) of 100, 1,000 and 10,000 files, timed against
  (a) the floor: a process that only parses the same files (YAML with libyaml's CSafeLoader, HCL
  with python-hcl2) and (b) Checkov (`checkov -d DIR --quiet -o json`, offline flags), installed into
  its own venv (bench/.checkov-venv) on first use.

Wall times are "best / median" of the runs: on a shared machine the best run is the cost of the work,
the median what a user typically waits. Ratios use the best of each side.

Nothing here asserts; it prints Markdown tables. Environment: EKSGUARD_BENCH_RUNS (default 3),
EKSGUARD_BENCH_SIZES (default "100,1000,10000"), EKSGUARD_BENCH_CHECKOV=0 to skip Checkov.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EKSGUARD_SHARED_DIR", REPO.parent / "shared"))
SMALL = REPO / "examples" / "workshop-cluster.yaml"
RUNS = int(os.environ.get("EKSGUARD_BENCH_RUNS", "3"))
SIZES = [int(s) for s in os.environ.get("EKSGUARD_BENCH_SIZES", "100,1000,10000").split(",") if s]
CHECKOV_VERSION = "3.3.30"
CHECKOV_VENV = REPO / "bench" / ".checkov-venv"
# the console script a user runs (no runpy), else the module
_SCRIPT = Path(sys.executable).parent / "eksguard"
SCAN = [str(_SCRIPT) if _SCRIPT.exists() else sys.executable, *([] if _SCRIPT.exists() else ["-m", "eksguard"]),
        "scan", "--format", "json", "--no-color"]

FLOOR = r"""
import sys, pathlib, yaml

class Loader(yaml.CSafeLoader):  # CloudFormation's short tags (!Ref ...) parse as plain nodes
    pass

Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
paths = [pathlib.Path(p) for p in sys.stdin.read().split("\n") if p]
hcl2 = None
for path in paths:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".tf":
            if hcl2 is None:
                import hcl2
            hcl2.loads(text)
        elif path.suffix in (".yaml", ".yml", ".json"):
            list(yaml.load_all(text, Loader=Loader))
        else:
            text.splitlines()
    except Exception:
        pass
"""


def measure(command: list[str], stdin: str | None = None, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one run of `command` as a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, env=env)
    if stdin is not None and child.stdin is not None:
        child.stdin.write(stdin)
        child.stdin.close()
    _, _, usage = os.wait4(child.pid, 0)  # this child's own peak RSS, not the max of all children
    child.returncode = 0
    return time.perf_counter() - start, usage.ru_maxrss / 1024


@dataclass(frozen=True)
class Timing:
    best: float  # seconds
    median: float
    peak_mb: float  # the largest of the runs

    def ms(self) -> str:
        return f"{self.best * 1000:.0f} / {self.median * 1000:.0f}"

    def s(self) -> str:
        return f"{self.best:.2f} / {self.median:.2f}"


def timed(command: list[str], stdin: str | None = None, env: dict[str, str] | None = None) -> Timing:
    samples = [measure(command, stdin, env) for _ in range(RUNS)]
    return Timing(min(s[0] for s in samples), statistics.median(s[0] for s in samples), max(s[1] for s in samples))


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json", ".tf", ".md", ".sh")]


def checkov() -> Path | None:
    if os.environ.get("EKSGUARD_BENCH_CHECKOV") == "0":
        return None
    binary = CHECKOV_VENV / "bin" / "checkov"
    if not binary.exists():
        print(f"(installing checkov=={CHECKOV_VERSION} into {CHECKOV_VENV.relative_to(REPO)}, once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        result = subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "--quiet", f"checkov=={CHECKOV_VERSION}"],
                                check=False, capture_output=True, text=True)  # pip's warnings would bury the table
        if result.returncode != 0 or not binary.exists():
            print("(checkov could not be installed: its column is left empty)")
            print("\n".join((result.stdout + result.stderr).strip().splitlines()[-5:]))
            return None
    return binary


def table(header: list[str], rows: list[list[str]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()


def startup_and_real_corpora() -> None:
    rows = []
    python = timed([sys.executable, "-c", "pass"])
    rows.append(["python -c pass (interpreter start-up)", python.ms(), f"{python.peak_mb:.0f}", ""])
    small = timed([*SCAN, str(SMALL)])
    rows.append([f"eksguard scan {SMALL.relative_to(REPO)} (one small file; target < 150 ms)", small.ms(),
                 f"{small.peak_mb:.0f}", ""])
    if SHARED.is_dir():
        for name in ("corpus", "corpus/eksctl-examples", "corpus/eksctl-cfn", "corpus/eks-workshop-v2/manifests",
                     "conformance/pod-security-admission"):
            root = SHARED / name
            files = files_under(root)
            floor = timed([sys.executable, "-c", FLOOR], "\n".join(map(str, files)))
            scan = timed([*SCAN, str(root)])
            rows.append([f"eksguard scan ../shared/{name} ({len(files)} files)", scan.ms(), f"{scan.peak_mb:.0f}",
                         f"floor {floor.ms()} ms, {scan.best / floor.best:.2f}x"])
    else:
        print(f"(../shared not found at {SHARED}: real-corpus rows skipped)\n")
    table(["what", "wall ms (best / median)", "peak MB", "vs floor (parse only)"], rows)


def synthetic() -> None:
    checkov_bin = checkov()
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE")
    rows = []
    with tempfile.TemporaryDirectory(prefix="eksguard-bench-") as tmp:
        for size in SIZES:
            root = Path(tmp) / str(size)
            files = generate(root, size)
            floor = timed([sys.executable, "-c", FLOOR], "\n".join(map(str, files)))
            scan = timed([*SCAN, str(root)])
            checkov_note = "-"
            if checkov_bin is not None and size <= 1000:
                checkov_wall, checkov_rss = measure([str(checkov_bin), "-d", str(root), "--quiet", "-o", "json",
                                                     "--skip-download"], env=env)
                checkov_note = f"{checkov_wall:.1f} s, {checkov_rss:.0f} MB, {checkov_wall / scan.median:.0f}x slower"
            rows.append([str(size), scan.s(), f"{size / scan.best:.0f}", f"{scan.peak_mb:.0f}", floor.s(),
                         f"{scan.best / floor.best:.2f}x", checkov_note])
    table(["files", "eksguard wall s (best / median)", "files/s", "peak MB", "floor s (best / median)",
           "eksguard/floor", "Checkov (one run, vs eksguard median)"], rows)


def main() -> None:
    print(f"# eksguard bench: median of {RUNS} runs, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
    startup_and_real_corpora()
    synthetic()


if __name__ == "__main__":
    main()
