"""The `confirm` policy in a real pseudo-terminal: `python -m eksguard.guard.plugin` (kubectl-guard)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from guardkit import FakeKubectl, Project, audit_lines

from eksguard.guard import EXIT_REFUSED

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def _read_until(master: int, wanted: bytes, seen: bytearray, deadline: float) -> bool:
    while wanted not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([master], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the other side closed
            return wanted in seen
        if not chunk:
            return wanted in seen
        seen.extend(chunk)
    return True


def run_in_pty(args: list[str], answer: str) -> tuple[int, str]:
    master, slave = os.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    process = subprocess.Popen([sys.executable, "-m", "eksguard.guard.plugin", *args], stdin=slave,
                               stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True)
    os.close(slave)
    seen = bytearray()
    try:
        deadline = time.monotonic() + 60
        assert _read_until(master, b"Type the cluster name", seen, deadline), seen.decode(errors="replace")
        os.write(master, answer.encode() + b"\r")
        _read_until(master, b"\x00never", seen, time.monotonic() + 30)  # read to the end
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return code, seen.decode(errors="replace")


def test_typing_the_wrong_cluster_name_refuses(project: Project, kubectl: FakeKubectl) -> None:
    code, output = run_in_pty(["apply", "-k", "overlays/prod"], "dev-main")
    assert code == EXIT_REFUSED, output
    assert "did not match" in output and "!!! WARNING: PRODUCTION !!!" in output
    assert kubectl.argvs() == []


def test_typing_the_right_cluster_name_runs_kubectl(project: Project, kubectl: FakeKubectl, tmp_path: Path) -> None:
    code, output = run_in_pty(["apply", "-k", "overlays/prod"], "prod-main")
    assert code == 0, output
    assert "stand-in kubectl ran" in output
    assert kubectl.argvs() == [["apply", "-k", "overlays/prod"]]
    [line] = audit_lines(tmp_path)
    assert line["decision"] == "allowed" and line["reason"] == "confirmed by typing the cluster name"


def test_without_a_tty_the_same_command_refuses(project: Project, kubectl: FakeKubectl, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    done = subprocess.run([sys.executable, "-m", "eksguard.guard.plugin", "apply", "-k", "overlays/prod"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == EXIT_REFUSED
    assert "--confirm prod-main" in done.stderr
    assert kubectl.argvs() == []
    confirmed = subprocess.run([sys.executable, "-m", "eksguard.guard.plugin", "--confirm", "prod-main", "apply",
                                "-k", "overlays/prod"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               env=env, timeout=60)
    assert confirmed.returncode == 0, confirmed.stderr
    assert "stand-in kubectl ran" in confirmed.stdout
    assert kubectl.argvs() == [["apply", "-k", "overlays/prod"]]
    assert [line["decision"] for line in audit_lines(tmp_path)] == ["refused", "allowed"]
