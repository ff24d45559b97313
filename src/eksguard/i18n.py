"""CLI and report messages in English and Japanese, and the language choice.

Every sentence a user reads is a `Text(en, ja)`. The Japanese is written for Japanese readers
(not translated word by word): AWS console terms where they exist (パブリックサブネット,
アクセスエントリー, カスタマー管理キー), full-width punctuation, and no English left in prose.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from eksguard.model import Text

MESSAGES: dict[str, Text] = {
    # --- text output and the CLI -------------------------------------------------------------
    "summary": Text("{failed} finding(s) at or above {fail_on} of {total} ({counts}); {inputs} input(s) read, "
                    "{clusters} cluster(s)",
                    "指摘 {total} 件（{counts}）、うち重大度「{fail_on}」以上は {failed} 件。"
                    "読み込んだ入力 {inputs} 件、クラスター {clusters} 件。"),
    "no_findings": Text("No findings: {inputs} input(s) read, {clusters} cluster(s).",
                        "指摘はありません。読み込んだ入力 {inputs} 件、クラスター {clusters} 件。"),
    "unreadable": Text("{count} input(s) could not be read completely or hold commands eksctl would refuse "
                       "({problems} problem(s) listed above; exit code 2).",
                       "{count} 件の入力が完全には読み込めないか、eksctl が拒否するコマンドを含みます"
                       "（上記の問題 {problems} 件、終了コード 2）。"),
    "fix": Text("fix", "修正方法"),
    "dont": Text("don't", "してはいけないこと"),
    "observed": Text("observed", "検出した値"),
    "suppressed": Text("{count} finding(s) suppressed.", "{count} 件の指摘を抑制しました。"),
    "no_inputs": Text("Nothing to scan: no eksctl, CloudFormation, Terraform, Kubernetes or script files found.",
                      "スキャン対象がありません。eksctl、CloudFormation、Terraform、Kubernetes、スクリプトのファイルが"
                      "見つかりませんでした。"),
    "unknown_rule": Text("Unknown rule {rule}. `eksguard rules` lists them.",
                         "ルール {rule} は存在しません。`eksguard rules` で一覧を表示できます。"),
    "bad_var": Text("{item} is not NAME=VALUE.", "{item} は NAME=VALUE の形式ではありません。"),
    "bad_date": Text("{value} is not a date (YYYY-MM-DD).", "{value} は日付（YYYY-MM-DD）ではありません。"),
    "risk": Text("Risk", "リスク"),
    "fix_heading": Text("Fix", "修正方法"),
    "dont_heading": Text("On a running cluster, do not", "稼働中のクラスターでしてはいけないこと"),
    "references": Text("References", "参考資料"),
    "severity": Text("Severity", "重大度"),
    "declared": Text("declared", "明示的に指定"),
    "defaulted": Text("defaulted", "デフォルト値"),
    "defaulted_by": Text("defaulted by {tool}", "{tool} のデフォルト値"),
    "unknown": Text("unknown", "不明"),
    "notice": Text("note", "注意"),
    "error_tag": Text("[error]", "[エラー]"),
    "rule_errors": Text("{count} rule check(s) could not be completed (exit code 2).",
                        "{count} 件のルール評価を完了できませんでした（終了コード 2）。"),
    # --- baselines ---------------------------------------------------------------------------
    "baseline_written": Text("Baseline written to {path}: {count} finding(s).",
                             "ベースラインを {path} に書き出しました（指摘 {count} 件）。"),
    "baseline_applied": Text("{count} finding(s) already in the baseline {path} are not reported as new.",
                             "ベースライン {path} に記録済みの指摘 {count} 件は、新しい指摘として扱っていません。"),
    "baseline_reason": Text("already in the baseline {path}", "ベースライン {path} に記録済み"),
    "baseline_unreadable": Text("Cannot use the baseline {path}: {error}",
                                "ベースライン {path} を使えません: {error}"),
    "baseline_invalid": Text("not an eksguard baseline file", "eksguard のベースラインファイルではありません"),
    "baseline_both": Text("--baseline and --baseline-create cannot be used together.",
                          "--baseline と --baseline-create は同時に指定できません。"),
    # --- reports (Markdown, HTML, JUnit, SARIF) ----------------------------------------------
    "report_title": Text("eksguard report", "eksguard レポート"),
    "findings_heading": Text("Findings", "指摘"),
    "findings_count": Text("{count} finding(s)", "指摘 {count} 件"),
    "at_or_above": Text("{count} at or above {fail_on}", "重大度「{fail_on}」以上 {count} 件"),
    "blocking_label": Text("at or above {fail_on}", "重大度「{fail_on}」以上"),
    "inputs_clusters": Text("{inputs} input(s) read, {clusters} cluster(s)",
                            "読み込んだ入力 {inputs} 件、クラスター {clusters} 件"),
    "no_findings_short": Text("No findings.", "指摘はありません。"),
    "rule": Text("Rule", "ルール"),
    "target": Text("Target", "対象"),
    "location": Text("Location", "場所"),
    "finding": Text("Finding", "内容"),
    "cluster": Text("Cluster", "クラスター"),
    "count": Text("Count", "件数"),
    "reason": Text("Reason", "理由"),
    "search": Text("Search", "検索"),
    "all": Text("All", "すべて"),
    "shown": Text("shown", "件を表示中"),
    "and_more": Text("… and {count} more.", "…ほか {count} 件。"),
    "how_to_fix": Text("How to fix", "修正方法"),
    "suggested_changes": Text("Suggested changes", "修正案"),
    "replace_on_line": Text("{path}, line {line}", "{path} の {line} 行目"),
    "suppressed_heading": Text("Suppressed findings", "抑制した指摘"),
    "notices_heading": Text("Notes", "注意事項"),
    "unreadable_heading": Text("Inputs that could not be read or would be refused",
                               "読み込めない、または拒否される入力"),
    "rules_heading": Text("Rules", "ルールの説明"),
    "rule_doc": Text("Rule documentation", "ルールの説明ページ"),
    "sg_map_heading": Text("Security-group map", "セキュリティグループの構成図"),
    "sg_map_caption": Text("Security groups of {cluster}: which group is attached where, and what it allows.",
                           "{cluster} のセキュリティグループ: どこに付いていて、何を許可しているか。"),
    "provenance": Text("Provenance", "値の由来"),
    "observed_heading": Text("Observed", "検出した値"),
    "passed_status": Text("passed", "合格"),
    "not_applicable": Text("not applicable", "対象外"),
    "unknown_status": Text("could not be decided: {message}", "判定できませんでした: {message}"),
    "suppressed_status": Text("suppressed: {reason}", "抑制済み: {reason}"),
    "rule_error": Text("the rule failed", "ルールの実行に失敗しました"),
    "input_problem": Text("input could not be read", "入力を読み込めませんでした"),
    "more_findings": Text("{count} finding(s) for this rule and target", "このルールと対象の指摘 {count} 件"),
    "rules_run": Text("{count} rule(s) checked", "チェックしたルール {count} 件"),
    "no_js": Text("Filters need JavaScript; every finding is shown.",
                  "絞り込みには JavaScript が必要です。すべての指摘を表示しています。"),
}

SEVERITY_NAMES: dict[str, Text] = {
    "critical": Text("critical", "緊急"),
    "high": Text("high", "高"),
    "medium": Text("medium", "中"),
    "low": Text("low", "低"),
    "info": Text("info", "情報"),
}

_LANG_VARIABLES = ("EKSGUARD_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _is_japanese(value: str) -> bool:
    # LANGUAGE is a priority list ("ja:en"); the others are locale names ("ja_JP.UTF-8")
    return value.split(":")[0].strip().lower().startswith("ja")


def detect_lang(explicit: str | None = None) -> str:
    """`--lang` when given, else the locale (`EKSGUARD_LANG`, `LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`)."""
    if explicit:
        return "ja" if _is_japanese(explicit) else "en"
    for name in _LANG_VARIABLES:
        value = os.environ.get(name)
        if not value:
            continue
        if name == "LANGUAGE" and os.environ.get("LC_ALL", os.environ.get("LANG", "")) in ("C", "POSIX"):
            continue  # gettext ignores LANGUAGE under the C locale; so do we
        return "ja" if _is_japanese(value) else "en"
    return "en"


def localize(item: Text | str, lang: str) -> str:
    """A `Text` in the chosen language; a plain string as it is."""
    return item.get(lang) if isinstance(item, Text) else item


def message(key: str, lang: str, **values: object) -> str:
    return MESSAGES[key].get(lang).format(**values)


def join(items: Iterable[str], lang: str) -> str:
    """A list in running text: `a, b, c` in English, `a、b、c` in Japanese."""
    return ("、" if lang == "ja" else ", ").join(items)


def paren(text: str, lang: str) -> str:
    """An aside after a word: ` (text)` in English, `（text）` (no space) in Japanese."""
    return f"（{text}）" if lang == "ja" else f" ({text})"


def severity_name(severity: str, lang: str) -> str:
    return SEVERITY_NAMES[severity].get(lang) if severity in SEVERITY_NAMES else severity


def provenance_text(provenance: str | None, lang: str) -> str:
    """`declared`, `defaulted by eksctl`, `unknown` in the chosen language."""
    if not provenance:
        return ""
    if provenance.startswith("defaulted by "):
        return message("defaulted_by", lang, tool=provenance.removeprefix("defaulted by "))
    return MESSAGES[provenance].get(lang) if provenance in MESSAGES else provenance
