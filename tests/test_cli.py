"""Exit codes, languages, explain/rules, and the import budget of `scan`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECURE = """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: secure
  region: ap-northeast-1
  version: "1.35"
vpc:
  clusterEndpoints: {publicAccess: false, privateAccess: true}
  controlPlaneOnPrivateSubnets: true
iam:
  withOIDC: true
accessConfig:
  authenticationMode: API
  bootstrapClusterCreatorAdminPermissions: false
cloudWatch:
  clusterLogging:
    enableTypes: [api, audit, authenticator]
secretsEncryption:
  keyARN: arn:aws:kms:ap-northeast-1:111122223333:key/abc
managedNodeGroups:
  - name: ng
    privateNetworking: true
    disablePodIMDS: true
    volumeEncrypted: true
"""
MEDIUM_ONLY = SECURE.replace("privateAccess: true}", "privateAccess: false}").replace(
    "publicAccess: false", "publicAccess: true").replace(
    "  controlPlaneOnPrivateSubnets: true", "  controlPlaneOnPrivateSubnets: true\n  publicAccessCIDRs: [203.0.113.1/32]")


def eksguard(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eksguard", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_exit_code_zero_when_clean(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(SECURE)
    result = eksguard("scan", str(tmp_path / "c.yaml"), "--today", "2026-11-22", "--format", "json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["schema_version"] == 1
    assert report["findings"] == []
    assert {s["status"] for s in report["rule_statuses"]} <= {"pass", "not_applicable"}


def test_exit_code_follows_fail_on(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(MEDIUM_ONLY)
    path = str(tmp_path / "c.yaml")
    assert eksguard("scan", path, "--today", "2026-11-22").returncode == 0  # medium < high
    assert eksguard("scan", path, "--today", "2026-11-22", "--fail-on", "medium").returncode == 1


def test_usage_error_is_exit_two() -> None:
    assert eksguard("scan").returncode == 2
    assert eksguard("scan", ".", "--fail-on", "severe").returncode == 2
    assert eksguard("scan", ".", "--rule", "EKS999").returncode == 2


def test_json_finding_shape(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(SECURE.replace("publicAccess: false, privateAccess: true", "publicAccess: true"))
    result = eksguard("scan", str(tmp_path / "c.yaml"), "--today", "2026-11-22", "--format", "json")
    assert result.returncode == 1
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["rule"] == "EKS101")
    assert finding["slug"] == "public-endpoint-open-to-internet"
    assert finding["severity"] == "critical" and finding["status"] == "fail"
    assert finding["location"]["path"].endswith("c.yaml") and finding["location"]["line"] == 8
    assert finding["provenance"] == "defaulted by eksctl"
    assert "0.0.0.0/0" in finding["message"] and finding["fix"] and finding["references"]


def test_japanese_output(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(SECURE.replace("publicAccess: false, privateAccess: true", "publicAccess: true"))
    result = eksguard("scan", str(tmp_path / "c.yaml"), "--today", "2026-11-22", "--lang", "ja")
    assert "インターネット全体に公開" in result.stdout
    assert "Kubernetes API endpoint is open" not in result.stdout
    env = {"PATH": "/usr/bin:/bin", "LANG": "ja_JP.UTF-8"}
    result = eksguard("explain", "EKS201", env=env)
    assert "パブリックサブネット" in result.stdout


def test_explain_and_rules() -> None:
    result = eksguard("explain", "eks101")
    assert result.returncode == 0 and "public-endpoint-open-to-internet" in result.stdout
    assert eksguard("explain", "EKS999").returncode == 2
    catalog = json.loads(eksguard("rules", "--format", "json").stdout)
    assert {"EKS101", "EKS201", "EKS301"} <= {r["id"] for r in catalog}


def test_inline_and_config_suppressions(tmp_path: Path) -> None:
    config = SECURE.replace("  clusterEndpoints: {publicAccess: false, privateAccess: true}",
                            "  clusterEndpoints:\n    privateAccess: true\n"
                            "    publicAccess: true  # eksguard:ignore EKS101 demo cluster, torn down nightly")
    (tmp_path / "c.yaml").write_text(config)
    result = eksguard("scan", str(tmp_path / "c.yaml"), "--today", "2026-11-22", "--format", "json")
    report = json.loads(result.stdout)
    assert [f["rule"] for f in report["suppressed"]] == ["EKS101"]
    assert report["suppressed"][0]["suppressed"] == "demo cluster, torn down nightly"
    assert result.returncode == 0
    (tmp_path / "c.yaml").write_text(config.replace("  # eksguard:ignore EKS101 demo cluster, torn down nightly", ""))
    (tmp_path / ".eksguard.yaml").write_text(
        "suppressions:\n  - {rule: EKS101, target: cluster/secure, reason: lab, expires: 2026-01-01}\n")
    expired = eksguard("scan", str(tmp_path / "c.yaml"), "--today", "2026-11-22", "--format", "json")
    report = json.loads(expired.stdout)
    assert [f["rule"] for f in report["findings"]] == ["EKS101"]
    assert any("expired" in n for n in report["notices"])
    (tmp_path / ".eksguard.yaml").write_text("rules:\n  disable: [EKS102]\n  severity: {EKS101: low}\n")
    overridden = eksguard("scan", str(tmp_path / "c.yaml"), "--today", "2026-11-22", "--format", "json")
    report = json.loads(overridden.stdout)
    assert "EKS102" not in {s["rule"] for s in report["rule_statuses"]}
    assert [f["severity"] for f in report["findings"] if f["rule"] == "EKS101"] == ["low"]
    assert overridden.returncode == 0


def test_scan_imports_no_cloud_clients(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(SECURE)
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['eksguard', 'scan', sys.argv[1], '--format', 'json']\n"
        "try:\n    runpy.run_module('eksguard', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'kubernetes')]\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(REPO / "tests/rules")], capture_output=True,
                            text=True, timeout=120)
    assert "LOADED []" in result.stderr, result.stderr[-2000:]


def test_a_bad_configuration_is_one_line_exit_two_in_either_language(tmp_path: Path) -> None:
    (tmp_path / "cluster.yaml").write_text(SECURE)
    config = tmp_path / ".eksguard.yaml"
    for text, english, japanese in (
            ("rules: [EKS101]\n", "`rules` must be a mapping", "`rules` はマッピングにしてください"),
            ("thresholds: {max_pods_floor: many}\n", "`thresholds.max_pods_floor` must be a whole number, not 'many'",
             "`thresholds.max_pods_floor` は 0 以上の整数にしてください"),
            ("suppressions: [{rule: EKS101}]\n", "each suppression needs `rule` and `reason`",
             "抑制にはそれぞれ `rule` と `reason` が必要です"),
            ("rules: {severity: [\n", "configuration is not valid YAML", "設定が YAML として正しくありません")):
        config.write_text(text)
        for lang, expected in (("en", english), ("ja", japanese)):
            result = eksguard("scan", str(tmp_path), "--lang", lang)
            assert result.returncode == 2, (text, result.stderr)
            assert "Traceback" not in result.stderr
            [line] = result.stderr.strip().splitlines()
            assert line.startswith(str(config)) and expected in line, (text, lang, line)
    config.write_text('thresholds: {max_pods_floor: "20"}\n')  # a number written as a string, as ever
    assert eksguard("scan", str(tmp_path)).returncode == 0


def test_the_exit_summary_counts_inputs_not_problems(tmp_path: Path) -> None:
    # two commands eksctl refuses in one script, and one file that is not YAML: 2 inputs, 3 problems
    (tmp_path / "create.sh").write_text("eksctl create cluster --managed=false --spot\n"
                                        "eksctl create cluster --enable-auto-mode --nodes 3\n")
    (tmp_path / "broken.yaml").write_text("a: [\n")
    result = eksguard("scan", str(tmp_path))
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("2 input(s) could not be read completely or hold commands eksctl would refuse"), last
    assert "(3 problem(s) listed above" in last
    japanese = eksguard("scan", str(tmp_path), "--lang", "ja").stderr.strip().splitlines()[-1]
    assert japanese.startswith("2 件の入力が") and "問題 3 件" in japanese, japanese
    markdown = eksguard("scan", str(tmp_path), "--format", "markdown").stdout
    assert "**Inputs that could not be read or would be refused** (2)" in markdown
