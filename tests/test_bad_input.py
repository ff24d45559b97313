"""Bad input: one clear `path:line: message` line each, the other inputs still scanned, exit 2,
never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: good
  region: ap-northeast-1
"""


def run_scan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eksguard", "scan", "--today", "2026-11-22", *args],
                          capture_output=True, text=True, timeout=120)


def write_bad_inputs(folder: Path) -> dict[str, tuple[Path, str, int | None]]:
    """name -> (file, expected text in the message, expected line)."""
    cases: dict[str, tuple[Path, str, int | None]] = {}
    malformed = folder / "malformed.yaml"
    malformed.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x\n  bad: [\n")
    cases["malformed"] = (malformed, "invalid YAML", 4)
    binary = folder / "binary.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    cases["binary"] = (binary, "binary file", None)
    huge = folder / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    cases["huge"] = (huge, "over the 10 MB limit", None)
    bomb = folder / "bomb.yaml"
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},"
                     f"*{previous},*{previous},*{previous}]")
    bomb.write_text("\n".join(lines) + "\n")
    cases["bomb"] = (bomb, "alias bomb", None)
    deep = folder / "deep.yaml"
    deep.write_text("[" * 10_000 + "]" * 10_000 + "\n")
    cases["deep"] = (deep, "nesting deeper than", 1)
    latin1 = folder / "latin1.yaml"
    latin1.write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n")
    cases["utf8"] = (latin1, "invalid UTF-8", 4)
    variable = folder / "variable.yaml"
    variable.write_text(GOOD.replace("name: good", "name: ${CLUSTER_NAME}").replace("ap-northeast-1", "${REGION}"))
    cases["variable"] = (variable, "`${CLUSTER_NAME}` is not set", 4)
    return cases


@pytest.fixture()
def bad_tree(tmp_path: Path) -> tuple[Path, dict[str, tuple[Path, str, int | None]]]:
    (tmp_path / "good.yaml").write_text(GOOD)
    return tmp_path, write_bad_inputs(tmp_path)


def test_each_bad_input_gives_one_clear_line(bad_tree: tuple[Path, dict[str, tuple[Path, str, int | None]]]) -> None:
    folder, cases = bad_tree
    result = run_scan(str(folder), "--format", "json")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    for name, (path, text, line) in cases.items():
        matching = [e for e in errors if e.startswith(str(path)) and text in e]
        assert len(matching) == 1, (name, errors)
        if line is not None:
            assert matching[0].startswith(f"{path}:{line}: "), (name, matching)
    report = json.loads(result.stdout)
    # the good file (and the file with unresolved variables) are still scanned and reported
    assert {f["target"] for f in report["findings"] if f["rule"] == "EKS101"} >= {"cluster/good"}
    assert any(f["rule"] == "EKS201" or f["rule"] == "EKS101" for f in report["findings"])
    assert len(report["errors"]) == len(cases) + 1  # the variable file has two unresolved names


def test_unresolved_variable_is_unknown_and_var_resolves_it(tmp_path: Path) -> None:
    config = tmp_path / "cluster.yaml"
    config.write_text(GOOD.replace("region: ap-northeast-1", "region: ap-northeast-1\n  version: \"${K8S_VERSION}\""))
    unresolved = run_scan(str(config), "--format", "json", "--rule", "EKS106")
    assert unresolved.returncode == 2
    statuses = json.loads(unresolved.stdout)["rule_statuses"]
    assert [s["status"] for s in statuses] == ["unknown"]
    resolved = run_scan(str(config), "--format", "json", "--rule", "EKS106", "--var", "K8S_VERSION=1.30")
    assert resolved.returncode == 1
    assert [f["severity"] for f in json.loads(resolved.stdout)["findings"]] == ["high"]


def test_missing_path_is_reported(tmp_path: Path) -> None:
    result = run_scan(str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{tmp_path / 'nope.yaml'}: no such file or directory")


def test_max_file_size_option(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(GOOD + "#" * 3000 + "\n")
    result = run_scan(str(path), "--max-file-size", "0.001")
    assert result.returncode == 2
    assert "over the 0 MB limit" in result.stderr or "limit" in result.stderr


JA_TEXT = {"malformed": "YAML として読めません", "binary": "バイナリファイルです", "huge": "上限 10 MB を超えています",
           "bomb": "エイリアス爆弾", "deep": "入れ子が 100 段より深く", "utf8": "UTF-8 として不正です（バイト 0xe9）",
           "variable": "`${CLUSTER_NAME}` が設定されていません"}


def test_the_lines_are_japanese_with_lang_ja(bad_tree: tuple[Path, dict[str, tuple[Path, str, int | None]]]) -> None:
    folder, cases = bad_tree
    result = run_scan(str(folder), "--format", "json", "--lang", "ja")
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    for name, (path, english, line) in cases.items():
        matching = [e for e in errors if e.startswith(f"{path}:{line}: " if line else f"{path}: ")]
        assert any(JA_TEXT[name] in e for e in matching), (name, matching)
        assert not any(english in e for e in matching), (name, matching)
    report = json.loads(result.stdout)
    assert any("YAML として読めません" in e["message"] for e in report["errors"])  # JSON follows --lang too
    missing = run_scan(str(folder / "nope.yaml"), "--lang", "ja")
    assert missing.stderr.startswith(f"{folder / 'nope.yaml'}: そのようなファイルやディレクトリはありません")


def test_application_tags_are_not_input_errors(tmp_path: Path) -> None:
    """A mkdocs.yml with `!!python/name:` tags is valid YAML of another tool: not an error. A tag in a
    field eksguard reads makes that field unknown, not a pass."""
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: docs\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "  - other: !<tag:example.com,2000:app/foo> {a: 1}\n")
    (tmp_path / "cluster.yaml").write_text(
        GOOD + "vpc:\n  clusterEndpoints:\n    publicAccess: !custom true\n")
    done = run_scan(str(tmp_path), "--format", "json", "--rule", "EKS101")
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert report["errors"] == []
    [status] = report["rule_statuses"]
    assert (status["status"], status["location"]["line"]) == ("unknown", 8)
    assert "publicAccess" in status["message"]


def test_terraform_templates_are_named_not_failed(tmp_path: Path) -> None:
    """A `templatefile()` input that is not YAML before Terraform renders it: a warning, not an error."""
    (tmp_path / "values.yaml").write_text(
        "service:\n  parsersFiles:\n    - /fluent-bit/parsers.conf\n%{ if enable_ipv6 ~}\n  extra: |\n    ipv6 On\n"
        "%{ endif ~}\n")
    (tmp_path / "nginx.yaml").write_text(
        "controller:\n  service:\n    ipFamilies:\n      - ${enable_ipv6 ? \"IPv6\" : \"IPv4\"}\n"
        "# comment\n    annotations:\n      a: b\n")
    (tmp_path / "broken.yaml").write_text("a: [\n")  # no template syntax: still an input error
    done = run_scan(str(tmp_path), "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 2
    assert [e["path"] for e in report["errors"]] == [str(tmp_path / "broken.yaml")]
    kinds = {Path(i["path"]).name: i["kind"] for i in report["inputs"]}
    assert kinds["values.yaml"] == kinds["nginx.yaml"] == "terraform-template"
    text = run_scan(str(tmp_path / "values.yaml"), str(tmp_path / "nginx.yaml"))
    assert text.returncode == 0 and text.stderr.count("Terraform template") == 2, text.stderr


def test_placeholder_templates_are_named_not_failed(tmp_path: Path) -> None:
    """A manifest with unquoted `{{name}}` placeholders (filled by a script before kubectl) is not YAML until
    rendered: a warning naming the placeholder, like Helm and Terraform templates, not libyaml's error."""
    (tmp_path / "secret-template.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: newrelic-config\ntype: Opaque\ndata:\n"
        "  config: {{config_data}}\n")
    (tmp_path / "include.yaml").write_text('a: b\n{{ include "x" . }}\nc: d\n')  # libyaml stops a line later
    (tmp_path / "broken.yaml").write_text("# {{not_here}}\na: [\n")  # a placeholder, but not where YAML broke
    # a quoted placeholder is a plain string: the bad indentation on its line is what broke the file
    (tmp_path / "quoted.yaml").write_text("metadata:\n  annotations:\n    a: '1'\n     b: '{{ x }}'\n")
    done = run_scan(str(tmp_path), "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 2
    assert [e["path"] for e in report["errors"]] == [str(tmp_path / "broken.yaml"), str(tmp_path / "quoted.yaml")]
    kinds = {Path(i["path"]).name: i["kind"] for i in report["inputs"]}
    assert kinds["secret-template.yaml"] == kinds["include.yaml"] == "placeholder-template"
    text = run_scan(str(tmp_path / "secret-template.yaml"), str(tmp_path / "include.yaml"))
    assert text.returncode == 0, text.stderr
    assert "secret-template.yaml:7: template with placeholders such as `{{config_data}}`" in text.stderr
    assert 'include.yaml:2: template with placeholders such as `{{ include "x" . }}`' in text.stderr
    assert "unhashable" not in text.stderr
    ja = run_scan(str(tmp_path / "secret-template.yaml"), "--lang", "ja")
    assert "`{{config_data}}` のようなプレースホルダー" in ja.stderr


def test_mime_user_data_is_named_not_failed(tmp_path: Path) -> None:
    """EC2 user data in a MIME multi-part archive named `.yaml` (amazon-eks-ami's nodeadm test cases) is not
    YAML: a warning, not an unreadable input; a YAML file that only has such a key stays an input error."""
    (tmp_path / "config.yaml").write_text(
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="//"\n\n--//\n'
        "Content-Type: application/node.eks.aws\n\n---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n"
        "spec:\n  cluster:\n    name: my-cluster\n\n--//--\n")
    (tmp_path / "headers-first.yaml").write_text(
        'Content-Type: multipart/mixed; boundary="==B=="\nMIME-Version: 1.0\n\n--==B==\n'
        'Content-Type: text/x-shellscript; charset="us-ascii"\n\n#!/bin/bash\necho hi\n\n--==B==--\n')
    (tmp_path / "broken.yaml").write_text("kind: Pod\nmetadata:\n  name: [\nMIME-Version: 1.0\n")
    done = run_scan(str(tmp_path), "--format", "json")
    report = json.loads(done.stdout)
    assert [e["path"] for e in report["errors"]] == [str(tmp_path / "broken.yaml")]
    kinds = {Path(i["path"]).name: i["kind"] for i in report["inputs"]}
    assert kinds["config.yaml"] == kinds["headers-first.yaml"] == "mime-multipart"
    text = run_scan(str(tmp_path / "config.yaml"), "--lang", "ja")
    assert text.returncode == 0 and "MIME マルチパート文書" in text.stderr, text.stderr
