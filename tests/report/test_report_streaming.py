"""Reports written in pieces (JSON: one finding at a time; text: one target at a time) are exactly
the one-piece documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportkit import REPO, run_cli, scan_paths

from eksguard.config import Config, Suppression
from eksguard.engine import ScanReport
from eksguard.findings import Finding, Status
from eksguard.fixes.snippets import annotate
from eksguard.model import Origin, Text
from eksguard.report import render_chunks, sarif
from eksguard.report.common import COMPACT_JSON
from eksguard.report.jsonout import _statuses, _Texts, chunks, finding_dict, report_dict
from eksguard.rules import get_rule

EXAMPLES = REPO / "examples"


def whole(report: ScanReport, lang: str) -> str:
    return json.dumps(report_dict(report, lang), ensure_ascii=False, separators=(",", ":")) + "\n"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pieces_join_to_the_whole_document(tmp_path: Path, lang: str) -> None:
    for copy in range(10):
        shutil.copytree(EXAMPLES, tmp_path / str(copy))
    report = scan_paths([tmp_path])
    assert len(report.results) > 1000  # more than one block of rule statuses
    pieces = list(chunks(report, lang=lang))
    assert len(pieces) > len(report.failures)
    assert "".join(pieces) == whole(report, lang)


def test_suppressed_findings_and_an_empty_report(tmp_path: Path) -> None:
    config = Config(suppressions=[Suppression(rule="EKS101", reason="accepted", target="*", path="*")])
    report = scan_paths([EXAMPLES], config)
    assert any(f.suppressed for f in report.results)
    assert "".join(chunks(report, lang="en")) == whole(report, "en")
    empty = scan_paths([tmp_path])
    assert "".join(chunks(empty, lang="en")) == whole(empty, "en")
    assert json.loads(whole(empty, "en"))["findings"] == []


def test_text_comes_one_target_at_a_time() -> None:
    report = scan_paths([EXAMPLES])
    targets = {f.target.split("/")[1] for f in report.failures}
    pieces = list(render_chunks(report, "text", lang="en", fail_on="high", colour=False))
    assert len(targets) >= 2 and len(pieces) == len(targets) + 1  # and the summary
    assert all(piece.endswith("\n") for piece in pieces)
    assert "EKS101" in pieces[0] and "EKS101" not in pieces[-1]
    assert "input(s) read" in pieces[-1]  # the summary comes last, on its own


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_sarif_comes_one_result_at_a_time_and_joins_to_the_whole_log(tmp_path: Path, lang: str) -> None:
    for copy in range(3):
        shutil.copytree(EXAMPLES, tmp_path / str(copy))
    shutil.copyfile(REPO / "tests" / "fix" / "fixtures" / "cfn" / "cluster.yaml", tmp_path / "cfn.yaml")
    report = scan_paths([tmp_path])
    annotate(report)  # as `eksguard scan` does: CloudFormation replacements become SARIF fixes
    pieces = list(render_chunks(report, "sarif", lang=lang, fail_on="high", colour=False))
    log = sarif.sarif_log(report, lang)
    assert len(pieces) == len(log["runs"][0]["results"]) + 2 > 10
    assert "".join(pieces) == json.dumps(log, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert any("fixes" in item for item in log["runs"][0]["results"])  # fixes and notes go through too


def test_other_formats_come_whole() -> None:
    report = scan_paths([EXAMPLES / "workshop-cluster.yaml"])
    pieces = list(render_chunks(report, "junit", lang="en", fail_on="high", colour=False))
    assert len(pieces) == 1 and pieces[0].startswith("<?xml")


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_the_cli_writes_the_same_document_to_stdout_and_to_a_file(tmp_path: Path, output_format: str) -> None:
    out = tmp_path / "report.out"
    to_stdout = run_cli("scan", str(EXAMPLES), "--format", output_format, "--no-color", cwd=tmp_path)
    to_file = run_cli("scan", str(EXAMPLES), "--format", output_format, "--output", str(out), cwd=tmp_path)
    assert to_stdout.returncode == to_file.returncode == 1
    assert to_stdout.stdout == out.read_text(encoding="utf-8")
    assert "EKS101" in to_stdout.stdout and to_stdout.stdout.endswith("\n")


_text = st.text(max_size=12)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(target=_text, path=_text, pointer=_text, resource=st.none() | _text, line=st.none() | st.integers(0, 10**6),
       observed=st.none() | _text, note=st.none() | st.builds(Text, _text, _text),
       message=st.none() | st.builds(Text, _text, _text), suppressed=st.none() | _text,
       extra=st.dictionaries(_text, _text, max_size=2), provenance=st.sampled_from([None, "declared", "unknown",
                                                                                     "defaulted by eksctl"]),
       with_origin=st.booleans(), lang=st.sampled_from(["en", "ja"]))
def test_findings_and_statuses_are_written_as_the_encoder_writes_them(
        target: str, path: str, pointer: str, resource: str | None, line: int | None, observed: str | None,
        note: Text | None, message: Text | None, suppressed: str | None, extra: dict[str, str],
        provenance: str | None, with_origin: bool, lang: str) -> None:
    """Quotes, backslashes, control characters, non-ASCII and missing values: the pieces `chunks` joins
    by hand are what json writes for `finding_dict` and `_statuses`."""
    rule = get_rule("EKS101")
    assert rule is not None
    origin = Origin(path, line, line, pointer, resource) if with_origin else None
    finding = Finding(rule.id, rule.slug, "critical", Status.FAIL, target, origin, observed, provenance, message,
                      suppressed, extra, note)
    texts = _Texts({rule.id: rule}, lang)
    for _ in range(2):  # and again from what it keeps
        assert texts.finding(finding) == COMPACT_JSON.encode(finding_dict(finding, rule, lang))
        assert texts.status(finding) == COMPACT_JSON.encode(_statuses([finding], lang)[0])
