"""CLI messages in English and Japanese, and the language choice."""

from __future__ import annotations

import os

from eksguard.model import Text

MESSAGES: dict[str, Text] = {
    "summary": Text("{failed} finding(s) at or above {fail_on} of {total} ({counts}); {inputs} input(s) read, "
                    "{clusters} cluster(s)",
                    "{total} 件の指摘（{counts}）のうち {fail_on} 以上が {failed} 件。読み込んだ入力 {inputs} 件、クラスター {clusters} 件"),
    "no_findings": Text("No findings: {inputs} input(s) read, {clusters} cluster(s).",
                        "指摘はありません。読み込んだ入力 {inputs} 件、クラスター {clusters} 件。"),
    "unreadable": Text("{count} input(s) could not be read completely (exit code 2).",
                       "{count} 件の入力を完全には読み込めませんでした（終了コード 2）。"),
    "fix": Text("fix", "修正"),
    "dont": Text("don't", "してはいけないこと"),
    "observed": Text("observed", "検出内容"),
    "suppressed": Text("{count} finding(s) suppressed.", "{count} 件の指摘を抑制しました。"),
    "no_inputs": Text("Nothing to scan: no eksctl, CloudFormation, Terraform, Kubernetes or script files found.",
                      "スキャン対象がありません: eksctl、CloudFormation、Terraform、Kubernetes、スクリプトのファイルが見つかりません。"),
    "unknown_rule": Text("Unknown rule {rule}. `eksguard rules` lists them.",
                         "ルール {rule} は存在しません。`eksguard rules` で一覧を表示できます。"),
    "risk": Text("Risk", "リスク"),
    "fix_heading": Text("Fix", "修正方法"),
    "dont_heading": Text("On a running cluster, do not", "稼働中のクラスターでしてはいけないこと"),
    "references": Text("References", "参考"),
    "severity": Text("Severity", "重大度"),
    "declared": Text("declared", "明示的に記述"),
    "defaulted": Text("defaulted", "デフォルト値"),
    "defaulted_by": Text("defaulted by {tool}", "{tool} のデフォルト値"),
    "unknown": Text("unknown", "不明"),
    "notice": Text("note", "注意"),
}

SEVERITY_NAMES: dict[str, Text] = {
    "critical": Text("critical", "緊急"),
    "high": Text("high", "高"),
    "medium": Text("medium", "中"),
    "low": Text("low", "低"),
    "info": Text("info", "情報"),
}


def detect_lang(explicit: str | None = None) -> str:
    if explicit:
        return "ja" if explicit.lower().startswith("ja") else "en"
    for name in ("EKSGUARD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def message(key: str, lang: str, **values: object) -> str:
    return MESSAGES[key].get(lang).format(**values)


def provenance_text(provenance: str | None, lang: str) -> str:
    """`declared`, `defaulted by eksctl`, `unknown` in the chosen language."""
    if not provenance:
        return ""
    if provenance.startswith("defaulted by "):
        return message("defaulted_by", lang, tool=provenance.removeprefix("defaulted by "))
    return MESSAGES[provenance].get(lang) if provenance in MESSAGES else provenance
