"""Data-driven rule tests: every `tests/rules/EKSnnn/cases.yaml` lists input files in its folder
and what the rule must report for each (status, severity, line, provenance, observed, target, message).

```yaml
- file: fail-default.yaml          # scanned alone (a folder name scans the folder)
  vars: {NAME: value}              # optional --var values
  expect:                          # every result of this rule, in any order
    - {status: fail, severity: critical, line: 4, provenance: defaulted by eksctl, target: cluster/demo}
- file: pass.yaml
  expect: [{status: pass}]
```
Keys left out of an expectation are not checked (`suppressed: true`: by an inline or configured
suppression); `count` (default: len(expect)) is the number of
results the rule must give for the file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from eksguard.config import Config
from eksguard.engine import evaluate
from eksguard.sources import collect

HERE = Path(__file__).parent
TODAY = dt.date(2026, 11, 22)


def _cases() -> list[Any]:
    params = []
    for cases_file in sorted(HERE.glob("EKS*/cases.yaml")):
        rule_id = cases_file.parent.name
        for case in yaml.safe_load(cases_file.read_text(encoding="utf-8")):
            params.append(pytest.param(rule_id, cases_file.parent, case, id=f"{rule_id}-{case['file']}"))
    return params


def _matches(result: Any, expected: dict[str, Any]) -> bool:
    actual = {
        "status": result.status.value,
        "severity": result.severity,
        "line": result.origin.line if result.origin else None,
        "provenance": result.provenance,
        "observed": result.observed,
        "target": result.target,
        "message": result.message.en if result.message else None,
        "suppressed": bool(result.suppressed),
    }
    for key, value in expected.items():
        if key == "message_contains":
            if not actual["message"] or str(value) not in actual["message"]:
                return False
        elif key == "details":
            if any(result.extra.get(k) != v for k, v in value.items()):
                return False
        elif actual.get(key) != value:
            return False
    return True


@pytest.mark.parametrize(("rule_id", "folder", "case"), _cases())
def test_rule_case(rule_id: str, folder: Path, case: dict[str, Any]) -> None:
    estate = collect([str(folder / case["file"])], case.get("vars", {}))
    assert not [p for p in estate.problems if p.kind != "unresolved-variable"], estate.problems
    report = evaluate(estate, Config(), TODAY, selected=[rule_id])
    results = [r for r in report.results if r.rule == rule_id]
    expected = case["expect"]
    assert len(results) == case.get("count", len(expected)), [(r.status, r.target, r.message) for r in results]
    for expectation in expected:
        assert any(_matches(r, expectation) for r in results), (
            expectation, [(r.status.value, r.severity, r.origin and r.origin.line, r.provenance, r.target,
                           r.message and r.message.en) for r in results])


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    from eksguard.rules import all_rules

    missing = []
    for rule in all_rules():
        cases_file = HERE / rule.id / "cases.yaml"
        if not cases_file.exists():
            missing.append(f"{rule.id}: no cases.yaml")
            continue
        statuses = {e.get("status") for c in yaml.safe_load(cases_file.read_text()) for e in c["expect"]}
        if not {"fail", "pass"} <= statuses:
            missing.append(f"{rule.id}: needs a fail and a pass case")
    assert not missing, missing
