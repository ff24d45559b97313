"""Japanese: every rule text and message exists in natural Japanese, `--lang ja` leaves no English
rule text in any format, and the language follows the locale."""

from __future__ import annotations

import html
import json
import re
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from reportkit import Scan, run_cli

from eksguard.i18n import MESSAGES, SEVERITY_NAMES, detect_lang, message, paren
from eksguard.model import Text
from eksguard.report import RENDERERS, render
from eksguard.rules import all_rules

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji
FORMATS = sorted(RENDERERS)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def plain(output: str, output_format: str) -> str:
    """What a reader sees: JSON strings, XML text and attributes, HTML text, unescaped Markdown cells."""
    if output_format in ("json", "sarif"):
        return "\n".join(_strings(json.loads(output)))
    if output_format == "junit":
        root = ET.fromstring(output.encode("utf-8"))
        return "\n".join([*(t for e in root.iter() for t in (e.text or "", *e.attrib.values()))])
    if output_format == "html":
        text = re.sub(r"<[^>]+>", "", output)
        return html.unescape(text)
    if output_format == "markdown":
        return html.unescape(output.replace("\\|", "|"))
    return output


def _rule_texts() -> list[tuple[str, str, Text]]:
    texts = []
    for rule in all_rules():
        texts += [(rule.id, "title", rule.title), (rule.id, "risk", rule.risk), (rule.id, "fix", rule.fix)]
        if rule.dont:
            texts.append((rule.id, "dont", rule.dont))
    return texts


@pytest.mark.parametrize(("rule_id", "field", "text"), _rule_texts(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_rule_text_is_japanese(rule_id: str, field: str, text: Text) -> None:
    assert text.en.strip(), f"{rule_id} {field}: empty English"
    assert text.ja.strip(), f"{rule_id} {field}: empty Japanese"
    assert text.ja != text.en, f"{rule_id} {field}: Japanese is the English text"
    assert JAPANESE.search(text.ja), f"{rule_id} {field}: no Japanese in {text.ja!r}"
    # prose punctuation is full-width; ASCII sentence ends belong to code only
    prose = re.sub(r"`[^`]*`", "", text.ja)
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff][.,] ", prose), f"{rule_id} {field}: ASCII punctuation"
    # code spans are copied, not translated
    assert re.findall(r"`[^`]*`", text.ja) == re.findall(r"`[^`]*`", text.en) or field == "fix", \
        f"{rule_id} {field}: code spans differ"


def test_fix_keeps_every_code_span() -> None:
    for rule in all_rules():
        assert set(re.findall(r"`[^`]*`", rule.fix.en)) == set(re.findall(r"`[^`]*`", rule.fix.ja)), rule.id


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_is_japanese(key: str) -> None:
    text = MESSAGES[key]
    assert text.ja != text.en and JAPANESE.search(text.ja), key
    assert _fields(text.en) == _fields(text.ja), f"{key}: placeholders differ"


def test_severity_names_and_asides() -> None:
    assert [SEVERITY_NAMES[s].ja for s in ("critical", "high", "medium", "low", "info")] == \
        ["緊急", "高", "中", "低", "情報"]
    assert paren("3", "ja") == "（3）" and paren("3", "en") == " (3)"
    assert message("summary", "ja", failed=1, fail_on="高", total=2, counts="緊急 1、中 1", inputs=1,
                   clusters=1) == "指摘 2 件（緊急 1、中 1）、うち重大度「高」以上は 1 件。読み込んだ入力 1 件、クラスター 1 件。"


@pytest.mark.parametrize("output_format", FORMATS)
def test_lang_ja_output_has_no_english_rule_text(output_format: str, examples_dir: Path, scan: Scan) -> None:
    report = scan([examples_dir])
    assert report.failures
    output = plain(render(report, output_format, lang="ja", fail_on="high", colour=False), output_format)
    english = [text.en for _, _, text in _rule_texts()]
    english += [f.message.en for f in report.results if f.message]
    english += [f.note.en for f in report.results if f.note]
    leaked = sorted({text for text in english if text.replace("`", "") in output.replace("`", "")})
    assert not leaked, f"English in --lang ja {output_format} output: {leaked[:3]}"
    assert JAPANESE.search(output)
    # and the English output does carry them (so the check above can fail)
    assert report.failures[0].message is not None
    english_output = plain(render(report, output_format, lang="en", fail_on="high", colour=False), output_format)
    assert report.failures[0].message.en.replace("`", "") in english_output.replace("`", "")
    assert report.failures[0].message.ja.replace("`", "") in output.replace("`", "")


def test_language_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EKSGUARD_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert detect_lang() == "en"
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert detect_lang() == "ja"
    assert detect_lang("en") == "en"  # --lang wins
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert detect_lang() == "en"  # LC_ALL outranks LANG
    monkeypatch.setenv("LANGUAGE", "ja:en")
    assert detect_lang() == "ja"  # LANGUAGE outranks both (as in gettext)
    monkeypatch.setenv("LC_ALL", "C")
    assert detect_lang() == "en"  # ... except under the C locale
    monkeypatch.setenv("EKSGUARD_LANG", "ja")
    assert detect_lang() == "ja"


def test_cli_defaults_to_japanese_from_lang(examples_dir: Path) -> None:
    japanese = run_cli("scan", str(examples_dir), "--today", "2026-11-22", env={"LANG": "ja_JP.UTF-8"})
    assert japanese.returncode == 1
    summary = japanese.stdout.strip().splitlines()[-1]
    assert summary.startswith("指摘 ") and "うち重大度「高」以上は" in summary and "、" in summary
    assert "ワーカーノードがパブリックサブネットで動いています" in japanese.stdout
    english = run_cli("scan", str(examples_dir), "--today", "2026-11-22", env={"LANG": "C.UTF-8"})
    assert "Worker nodes run in public subnets" in english.stdout
    unknown = run_cli("scan", str(examples_dir), "--rule", "EKS999", env={"LANG": "ja_JP.UTF-8"})
    assert unknown.returncode == 2 and "ルール EKS999 は存在しません" in unknown.stderr
