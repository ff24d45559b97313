"""Data-driven cases for the live-only rules (EKS410, EKS603, EKS604): eksguard snapshots read by `scan`.

Same format and checks as tests/rules/test_rule_cases.py. The snapshot reader is registered here for the
test; once `src/eksguard/sources/snapshot_reader.py` enables it for every scan, these folders belong in
tests/rules/ with the other rules' cases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from eksguard import sources
from eksguard.config import Config
from eksguard.engine import evaluate
from eksguard.live import snapshot_source

HERE = Path(__file__).parent / "rule_cases"
RULES = Path(__file__).parent.parent / "rules"
LIVE_RULES = ("EKS410", "EKS603", "EKS604")
TODAY = dt.date(2026, 11, 22)


def folder_of(rule_id: str) -> Path:
    """Here until the snapshot reader is enabled for every scan; in tests/rules/ afterwards."""
    return HERE / rule_id if (HERE / rule_id).is_dir() else RULES / rule_id


def _cases() -> list[Any]:
    params = []
    for cases_file in (folder_of(rule_id) / "cases.yaml" for rule_id in LIVE_RULES):
        for case in yaml.safe_load(cases_file.read_text(encoding="utf-8")):
            if not case["file"].endswith(".json"):
                continue  # a definition's case (Terraform helm_release ...): tests/rules/test_rule_cases.py runs it
            params.append(pytest.param(cases_file.parent.name, cases_file.parent, case,
                                       id=f"{cases_file.parent.name}-{case['file']}"))
    return params


def _matches(result: Any, expected: dict[str, Any]) -> bool:
    actual = {"status": result.status.value, "severity": result.severity,
              "line": result.origin.line if result.origin else None, "provenance": result.provenance,
              "target": result.target, "message": result.message.en if result.message else None}
    for key, value in expected.items():
        if key == "message_contains":
            if not actual["message"] or str(value) not in actual["message"]:
                return False
        elif actual.get(key) != value:
            return False
    return True


@pytest.fixture
def snapshot_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    sources.load_all_readers()
    if not any(reader is snapshot_source.read for _, reader in sources.DOCUMENT_READERS):
        monkeypatch.setattr(sources, "DOCUMENT_READERS", [("snapshot", snapshot_source.read),
                                                          *sources.DOCUMENT_READERS])


@pytest.mark.usefixtures("snapshot_reader")
@pytest.mark.parametrize(("rule_id", "folder", "case"), _cases())
def test_live_rule_case(rule_id: str, folder: Path, case: dict[str, Any]) -> None:
    estate = sources.collect([str(folder / case["file"])], {})
    assert not estate.problems, estate.problems
    assert [i.kind for i in estate.inputs] == ["snapshot"]
    report = evaluate(estate, Config(), TODAY, selected=[rule_id])
    results = [r for r in report.results if r.rule == rule_id]
    expected = case["expect"]
    assert len(results) == case.get("count", len(expected)), [(r.status, r.target, r.message) for r in results]
    for expectation in expected:
        assert any(_matches(r, expectation) for r in results), (
            expectation, [(r.status.value, r.provenance, r.target, r.message and r.message.en) for r in results])


def test_every_live_rule_has_a_failing_and_a_passing_case() -> None:
    for rule_id in LIVE_RULES:
        cases = yaml.safe_load((folder_of(rule_id) / "cases.yaml").read_text(encoding="utf-8"))
        assert {"fail", "pass"} <= {e.get("status") for c in cases for e in c["expect"]}, rule_id


def test_a_snapshot_is_not_taken_for_other_json(tmp_path: Path) -> None:
    other = tmp_path / "policy.json"
    other.write_text('{"Version": "2012-10-17", "Statement": []}')
    assert snapshot_source.read([{"Version": "2012-10-17"}], "", str(other), None) is False


def test_replaying_a_snapshot_imports_no_aws_or_kubernetes_client() -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from eksguard import sources\n"
        "from eksguard.live import snapshot_source\n"
        "sources.load_all_readers()\n"
        "sources.DOCUMENT_READERS.insert(0, ('snapshot', snapshot_source.read))\n"
        f"estate = sources.collect([{str(folder_of('EKS603') / 'pass-metrics-server.json')!r}], {{}})\n"
        "assert [c.name for c in estate.clusters] == ['demo'], estate.clusters\n"
        "assert estate.kube_scopes, 'the Kubernetes side of the snapshot was not replayed'\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'kubernetes')]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
