"""Every message the guard shows, in English and Japanese (one table).

Language: `--lang`, else `EKSGUARD_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`)
starting with `ja`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Text(NamedTuple):
    """A sentence in English and Japanese (the same shape as `eksguard.model.Text`, which is not imported
    here: the guard runs before every kubectl command and keeps its imports small)."""

    en: str
    ja: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

MESSAGES: dict[str, Text] = {
    # usage and setup (exit 2)
    "usage_missing_value": Text(
        "eksguard: {option} needs a value, e.g. `{option} NAME`.",
        "eksguard: {option} には値が必要です（例: `{option} NAME`）。"),
    "usage_bad_lang": Text(
        "eksguard: --lang must be en or ja, not {value!r}.",
        "eksguard: --lang には en か ja を指定してください（指定値: {value!r}）。"),
    "usage_recursion": Text(
        "eksguard: the kubectl it would run is the guard itself. Fix: set EKSGUARD_KUBECTL to the real kubectl "
        "(e.g. /usr/local/bin/kubectl).",
        "eksguard: 実行しようとした kubectl がガード自身です。対処: EKSGUARD_KUBECTL に本物の kubectl のパス"
        "（例: /usr/local/bin/kubectl）を設定してください。"),
    "kubectl_not_found": Text(
        "eksguard: kubectl not found ({kubectl}). Fix: install kubectl, or set EKSGUARD_KUBECTL / --kubectl PATH.",
        "eksguard: kubectl が見つかりません（{kubectl}）。対処: kubectl をインストールするか、EKSGUARD_KUBECTL または "
        "--kubectl PATH を指定してください。"),
    "kubectl_failed": Text(
        "eksguard: could not run {kubectl}: {error}.",
        "eksguard: {kubectl} を実行できませんでした: {error}。"),
    "config_error": Text(
        "eksguard: {error}. Fix the environments configuration; mutating commands are refused until then.",
        "eksguard: {error}。environments の設定を修正してください。修正するまで変更系のコマンドは拒否されます。"),
    "config_error_read": Text(
        "eksguard: warning: {error}. Read-only command run anyway.",
        "eksguard: 警告: {error}。読み取り専用のコマンドなのでそのまま実行します。"),
    # warnings
    "context_changed": Text(
        "eksguard: warning: the current context changed since your last guarded command: {old} → {new}. "
        "Tools such as `eksctl create cluster` switch it silently. Check with `eksguard context`.",
        "eksguard: 警告: 前回のガード付きコマンド以降にカレントコンテキストが変わりました: {old} → {new}。"
        "`eksctl create cluster` などは黙って切り替えます。`eksguard context` で確認してください。"),
    "kube_problem": Text(
        "eksguard: warning: {problem}; cluster and environment checks may be incomplete.",
        "eksguard: 警告: {problem}。クラスターと環境の判定が不完全な可能性があります。"),
    "eks601_read": Text(
        "eksguard: warning: EKS601 kubectl {client} is more than one minor version from the server {server} "
        "(supported: {supported}).",
        "eksguard: 警告: EKS601 kubectl {client} とサーバー {server} のマイナーバージョン差が 1 を超えています"
        "（対応範囲: {supported}）。"),
    "eks601_skipped": Text(
        "eksguard: warning: EKS601 version check skipped (--skip-version-check): kubectl {client}, server {server}, "
        "supported {supported}.",
        "eksguard: 警告: EKS601 バージョン確認を省略しました（--skip-version-check）: kubectl {client}、"
        "サーバー {server}、対応範囲 {supported}。"),
    "skip_version_check": Text(
        "eksguard: warning: version check skipped (--skip-version-check).",
        "eksguard: 警告: バージョン確認を省略しました（--skip-version-check）。"),
    "server_unreachable": Text(
        "eksguard: warning: could not read the server version from {server} ({error}); kubectl/server version skew "
        "was NOT checked. Continuing.",
        "eksguard: 警告: {server} からサーバーバージョンを取得できませんでした（{error}）。kubectl とサーバーの"
        "バージョン差は確認していません。続行します。"),
    "client_unknown": Text(
        "eksguard: warning: could not read the kubectl version ({error}); version skew was NOT checked. Continuing.",
        "eksguard: 警告: kubectl のバージョンを取得できませんでした（{error}）。バージョン差は確認していません。"
        "続行します。"),
    "manifest_env_unknown_target": Text(
        "eksguard: warning: the manifests are for {manifest_env} ({source}) but context {context} matches no "
        "environment{where}. Fix: add it under `environments:` so EKS602 can be checked.",
        "eksguard: 警告: マニフェストは {manifest_env} 用です（{source}）が、コンテキスト {context} はどの環境にも"
        "該当しません{where}。対処: `environments:` に追加すると EKS602 を確認できます。"),
    "identity_unknown": Text(
        "eksguard: warning: could not tell which AWS account {profile} uses; the account check was skipped.",
        "eksguard: 警告: {profile} が使う AWS アカウントを判定できなかったため、アカウントの確認を省略しました。"),
    "audit_failed": Text(
        "eksguard: warning: could not write the audit log {path}: {error}.",
        "eksguard: 警告: 監査ログ {path} に書き込めませんでした: {error}。"),
    # refusals
    "eks602": Text(
        "EKS602 wrong environment: the manifests are for {manifest_env} ({source}), but context {context} is "
        "{target_env}. Fix: switch with `kubectl config use-context <{manifest_env} context>`, or apply the "
        "{target_env} manifests.",
        "EKS602 環境の不一致: マニフェストは {manifest_env} 用（{source}）ですが、コンテキスト {context} は "
        "{target_env} です。対処: `kubectl config use-context <{manifest_env} のコンテキスト>` で切り替えるか、"
        "{target_env} 用のマニフェストを適用してください。"),
    "eks601": Text(
        "EKS601 version skew: kubectl {client} is more than one minor version from the server {server} of "
        "{cluster} (supported kubectl: {supported}). Fix: use a kubectl in that range (--kubectl PATH or "
        "EKSGUARD_KUBECTL), or add --skip-version-check.",
        "EKS601 バージョン差: kubectl {client} と {cluster} のサーバー {server} のマイナーバージョン差が 1 を"
        "超えています（対応する kubectl: {supported}）。対処: 範囲内の kubectl を使う（--kubectl PATH または "
        "EKSGUARD_KUBECTL）か、--skip-version-check を付けてください。"),
    "inconsistent": Text(
        "kubeconfig inconsistent for context {context}: {detail}. The context's name cannot be trusted. Fix: "
        "regenerate it with `aws eks update-kubeconfig --name <cluster> --region <region>`.",
        "コンテキスト {context} の kubeconfig が矛盾しています: {detail}。名前を信用できません。対処: "
        "`aws eks update-kubeconfig --name <cluster> --region <region>` で作り直してください。"),
    "profile_mismatch": Text(
        "AWS profile mismatch: your shell has AWS_PROFILE={shell_profile}, but context {context} signs in with "
        "profile {exec_profile}. Fix: `export AWS_PROFILE={exec_profile}` (or unset it), or switch context.",
        "AWS プロファイルの不一致: シェルの AWS_PROFILE は {shell_profile} ですが、コンテキスト {context} は"
        "プロファイル {exec_profile} で認証します。対処: `export AWS_PROFILE={exec_profile}`（または unset）するか、"
        "コンテキストを切り替えてください。"),
    "account_mismatch": Text(
        "AWS account mismatch: you are using account {caller_account} ({caller_source}), but context {context} "
        "is cluster {cluster} in account {context_account}. Fix: use a profile for {context_account}, or switch "
        "context.",
        "AWS アカウントの不一致: 使用中のアカウントは {caller_account}（{caller_source}）ですが、コンテキスト "
        "{context} はアカウント {context_account} のクラスター {cluster} です。対処: {context_account} の"
        "プロファイルを使うか、コンテキストを切り替えてください。"),
    "policy_deny": Text(
        "environment {env} has policy deny: `kubectl {command}` is not allowed on {cluster}. Fix: change it "
        "through your pipeline (GitOps), or change the policy in {config}.",
        "環境 {env} のポリシーは deny です: {cluster} では `kubectl {command}` を実行できません。対処: "
        "パイプライン（GitOps）で変更するか、{config} のポリシーを変更してください。"),
    "confirm_no_tty": Text(
        "environment {env} needs confirmation and there is no terminal. Fix: add `--confirm {cluster}` to confirm "
        "this command for cluster {cluster}.",
        "環境 {env} では確認が必要ですが、端末がありません。対処: `--confirm {cluster}` を付けてクラスター "
        "{cluster} への実行を確認してください。"),
    "confirm_flag_mismatch": Text(
        "--confirm {given} does not match the target cluster {cluster}. Fix: check the context; confirm with "
        "`--confirm {cluster}` only if {cluster} is really the target.",
        "--confirm {given} は対象クラスター {cluster} と一致しません。対処: コンテキストを確認し、本当に {cluster} "
        "が対象の場合だけ `--confirm {cluster}` を指定してください。"),
    "confirm_typed_mismatch": Text(
        "confirmation did not match cluster {cluster}.",
        "入力がクラスター名 {cluster} と一致しませんでした。"),
    "refused": Text(
        "eksguard: refused `kubectl {command}` on context {context} (exit 3; kubectl was not run):",
        "eksguard: コンテキスト {context} での `kubectl {command}` を拒否しました（終了コード 3、kubectl は実行"
        "していません）:"),
    # confirmation
    "target_line": Text(
        "eksguard: `kubectl {command}` → context {context}, cluster {cluster}, account {account}, region {region}, "
        "environment {env}.",
        "eksguard: `kubectl {command}` → コンテキスト {context}、クラスター {cluster}、アカウント {account}、"
        "リージョン {region}、環境 {env}。"),
    "confirm_prompt": Text(
        "Type the cluster name ({cluster}) to continue: ",
        "続行するにはクラスター名（{cluster}）を入力してください: "),
    # `eksguard context`
    "ctx_context": Text("Context", "コンテキスト"),
    "ctx_cluster": Text("Cluster", "クラスター"),
    "ctx_account": Text("Account", "アカウント"),
    "ctx_region": Text("Region", "リージョン"),
    "ctx_arn": Text("Cluster ARN", "クラスター ARN"),
    "ctx_server": Text("Server", "サーバー"),
    "ctx_profile": Text("AWS profile", "AWS プロファイル"),
    "ctx_environment": Text("Environment", "環境"),
    "ctx_policy": Text("Policy", "ポリシー"),
    "ctx_versions": Text("Versions", "バージョン"),
    "ctx_versions_value": Text("kubectl {client}, server {server}{skew}",
                               "kubectl {client}、サーバー {server}{skew}"),
    "ctx_skew_bad": Text(" — EKS601: more than one minor apart", " — EKS601: マイナーバージョン差が 1 を超えています"),
    "ctx_config": Text("Config", "設定"),
    "ctx_unknown": Text("unknown", "不明"),
    "ctx_none": Text("(none)", "（なし）"),
    "ctx_no_env": Text("none matched", "該当なし"),
    "ctx_policy_value": Text("{policy} for mutating commands", "変更系のコマンドは {policy}"),
    "ctx_changed": Text("changed since the last guarded command (was {old})",
                        "前回のガード付きコマンドから変更されています（以前: {old}）"),
    "ctx_cached": Text(" (cached)", "（キャッシュ）"),
    "help": Text(
        """Usage: eksguard kubectl [GUARD OPTIONS] [--] KUBECTL ARGS...
       kubectl guard [GUARD OPTIONS] KUBECTL ARGS...

Runs kubectl after checking that a mutating command goes to the right EKS cluster:
the manifests' environment (EKS602), kubectl/server version skew (EKS601), the AWS
account and profile, and the environment's policy (allow / confirm / deny) from
`environments:` in .eksguard.yaml. Read-only commands are never blocked.

Guard options (removed before kubectl runs):
  --confirm NAME          confirm a `confirm` policy without a prompt (the cluster name)
  --skip-version-check    do not refuse on version skew (a warning is shown)
  --kubectl PATH          kubectl to run (default: $EKSGUARD_KUBECTL, else kubectl on PATH)
  --lang en|ja            language of messages (default: $EKSGUARD_LANG, else the locale)
  --guard-help            this help

Exit codes: kubectl's own when it runs; 3 when the guard refuses; 2 for usage errors.
See docs/guard.md.""",
        """使い方: eksguard kubectl [ガードのオプション] [--] KUBECTL の引数...
        kubectl guard [ガードのオプション] KUBECTL の引数...

変更系のコマンドが正しい EKS クラスターに向いているか確認してから kubectl を実行します:
マニフェストの環境（EKS602）、kubectl とサーバーのバージョン差（EKS601）、AWS アカウントと
プロファイル、.eksguard.yaml の `environments:` にある環境のポリシー（allow / confirm / deny）。
読み取り専用のコマンドは決して止めません。

ガードのオプション（kubectl には渡しません）:
  --confirm NAME          confirm ポリシーをプロンプトなしで確認（クラスター名）
  --skip-version-check    バージョン差で拒否しない（警告は表示）
  --kubectl PATH          実行する kubectl（既定: $EKSGUARD_KUBECTL、なければ PATH 上の kubectl）
  --lang en|ja            メッセージの言語（既定: $EKSGUARD_LANG、なければロケール）
  --guard-help            このヘルプ

終了コード: 実行した場合は kubectl の終了コード、ガードが拒否した場合は 3、使い方の誤りは 2。
詳しくは docs/guard.md を参照してください。"""),
}


def detect_lang(explicit: str | None, environ: Mapping[str, str]) -> str:
    if explicit:
        return "ja" if explicit.lower().startswith("ja") else "en"
    for name in ("EKSGUARD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def message(key: str, lang: str, **params: object) -> str:
    return MESSAGES[key].get(lang).format(**params)
