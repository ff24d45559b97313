"""`eksguard scan` carries the CloudFormation/Terraform fix suggestions into its reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def scan(*args: str) -> dict[str, object]:
    result = subprocess.run([sys.executable, "-m", "eksguard", "scan", *args, "--today", "2026-11-22"],
                            capture_output=True, text=True, timeout=120)
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_sarif_of_a_cloudformation_scan_has_fixes() -> None:
    sarif = scan(str(FIXTURES / "cfn"), "--format", "sarif")
    results = sarif["runs"][0]["results"]  # type: ignore[index]
    assert any(r.get("fixes") for r in results)


def test_json_findings_of_terraform_carry_snippets() -> None:
    report = scan(str(FIXTURES / "tf"), "--format", "json")
    findings = report["findings"]
    assert any("fix_snippet" in (f.get("details") or {}) for f in findings)  # type: ignore[union-attr]
