"""Rules whose facts only a running cluster has: IAM trust of the OIDC provider, observability agents,
GuardDuty. They read the model like every other rule; static sources leave these facts `None`, so the
rules are `not_applicable` there (EKS603 also passes on an observability addon a file declares)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from eksguard.findings import Result, fail, not_applicable, passed
from eksguard.model import Cluster, Text, Value
from eksguard.rules import RuleContext, rule
from eksguard.rules.common import unknown_value

WEB_IDENTITY_ACTIONS = ("sts:assumerolewithwebidentity", "sts:*", "*")
PINNING_OPERATORS = ("stringequals", "stringequalsignorecase", "stringlike", "forallvalues:stringequals",
                     "foranyvalue:stringequals", "forallvalues:stringlike", "foranyvalue:stringlike")
OBSERVABILITY_ADDONS = ("metrics-server", "amazon-cloudwatch-observability", "adot",
                        "prometheus-node-exporter", "kube-state-metrics")
# Helm charts (Terraform `helm_release`) that run a metrics or monitoring agent, by words of the chart's name
OBSERVABILITY_CHARTS = ("metrics-server", "prometheus", "cloudwatch", "adot", "opentelemetry", "kube-state-metrics",
                        "datadog", "grafana-agent", "k8s-monitoring", "victoria-metrics")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _sub_conditions(statement: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(operator, key, values) of every condition on the token's `sub` claim."""
    found = []
    conditions = statement.get("Condition")
    for operator, pairs in (conditions.items() if isinstance(conditions, Mapping) else []):
        for key, values in (pairs.items() if isinstance(pairs, Mapping) else []):
            if str(key).lower().endswith(":sub"):
                found.append((str(operator), str(key), [str(v) for v in _as_list(values)]))
    return found


def _web_identity(statement: Mapping[str, Any]) -> bool:
    actions = [str(a).lower() for a in _as_list(statement.get("Action"))]
    return str(statement.get("Effect", "Allow")) == "Allow" and any(a in WEB_IDENTITY_ACTIONS for a in actions)


def trust_problem(statement: Mapping[str, Any]) -> tuple[str, str] | None:
    """Why a trust statement lets more than one service account in: ("no-sub"|"wildcard"|"negated", detail)."""
    subs = _sub_conditions(statement)
    if not subs:
        return "no-sub", ""
    for operator, _key, values in subs:
        lowered = operator.lower()
        if "not" in lowered.split(":")[-1] or lowered not in PINNING_OPERATORS:
            return "negated", f"{operator} {values}"
        if "like" in lowered:
            broad = [v for v in values if "*" in v or "?" in v]
            if broad:
                return "wildcard", ", ".join(broad)
    return None


@rule(
    id="EKS410", slug="irsa-trust-too-broad", severity="high",
    title=Text("An IAM role trusts the cluster's OIDC provider for any service account",
               "IAM ロールがクラスターの OIDC プロバイダーを任意のサービスアカウントに対して信頼しています"),
    risk=Text("Without a `:sub` condition (or with a wildcard in it) every pod whose service account token the "
              "cluster issues can assume the role and use its AWS permissions.",
              "`:sub` 条件がない（またはワイルドカードを含む）と、クラスターが発行するトークンを持つすべての Pod がロールを引き受け、"
              "その AWS 権限を使えます。"),
    fix=Text("Pin the trust to one service account: `\"StringEquals\": {\"ISSUER:sub\": "
             "\"system:serviceaccount:NAMESPACE:NAME\", \"ISSUER:aud\": \"sts.amazonaws.com\"}` (eksctl "
             "`iam.serviceAccounts` writes exactly this), or move the workload to EKS Pod Identity.",
             "信頼を 1 つのサービスアカウントに固定してください: `\"StringEquals\": {\"ISSUER:sub\": "
             "\"system:serviceaccount:NAMESPACE:NAME\", \"ISSUER:aud\": \"sts.amazonaws.com\"}`（eksctl の "
             "`iam.serviceAccounts` はこの形で作成します）。または EKS Pod Identity に移行してください。"),
    references=("eks-domain.md §9 (D7 associate-service-account-role.adoc, service-accounts.adoc; BPG iam.adoc)",
                "https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html"),
)
def irsa_trust_too_broad(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    roles = cluster.oidc_trusting_roles
    if roles is None:
        yield not_applicable(cluster.target)
        return
    if not roles.known:
        yield unknown_value(cluster, roles)
        return
    failed = False
    for role in roles.value or []:
        name = role.role_arn.rsplit("/", 1)[-1]
        target = f"{cluster.target}/iam-role/{name}"
        for statement in role.statements:
            if not _web_identity(statement):
                continue
            problem = trust_problem(statement)
            if problem is None:
                continue
            kind, detail = problem
            failed = True
            observed = json.dumps(statement.get("Condition") or {}, sort_keys=True)[:300]
            if kind == "no-sub":
                message = Text(f"Role `{name}` trusts the cluster's OIDC provider with no `:sub` condition: any "
                               "service account can assume it.",
                               f"ロール `{name}` は `:sub` 条件なしでクラスターの OIDC プロバイダーを信頼しており、"
                               "どのサービスアカウントでも引き受けられます。")
            elif kind == "wildcard":
                message = Text(f"Role `{name}` trusts service accounts matching `{detail}`.",
                               f"ロール `{name}` は `{detail}` に一致するサービスアカウントを信頼しています。")
            else:
                message = Text(f"Role `{name}` does not pin `:sub` to a service account ({detail}).",
                               f"ロール `{name}` は `:sub` をサービスアカウントに固定していません（{detail}）。")
            yield fail(target, Value(statement.get("Condition"), roles.provenance, role.origin), message,
                       observed=f"Condition={observed}", origin=role.origin, role=role.role_arn)
            break
    if not failed:
        yield passed(cluster.target, roles.origin)


@rule(
    id="EKS603", slug="observability-missing", severity="low",
    title=Text("No metrics or monitoring agent runs in the cluster",
               "クラスターでメトリクスや監視のエージェントが動いていません"),
    risk=Text("Without metrics-server, Container Insights or a Prometheus agent you see neither resource pressure "
              "nor pods being scheduled onto the wrong nodes until users notice (article 003).",
              "metrics-server・Container Insights・Prometheus エージェントがないと、リソース逼迫や Pod の異常な配置に、"
              "利用者が気付くまで気付けません（記事 003）。"),
    fix=Text("Install metrics-server (`aws eks create-addon --cluster-name NAME --addon-name metrics-server`; eksctl "
             "installs it by default) and the `amazon-cloudwatch-observability` addon (Container Insights) or a "
             "Prometheus agent; ship control-plane logs too (EKS104).",
             "metrics-server（`aws eks create-addon --cluster-name NAME --addon-name metrics-server`。eksctl は既定で"
             "導入します）と、`amazon-cloudwatch-observability` アドオン（Container Insights）または Prometheus エージェントを"
             "導入し、コントロールプレーンのログも送信してください（EKS104）。"),
    references=("eks-domain.md §0 (D10 control-plane-logs)",
                "https://docs.aws.amazon.com/eks/latest/userguide/eks-observe.html"),
)
def observability_missing(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    addons = [f"addon {a.name}" for a in cluster.addons or [] if a.name in OBSERVABILITY_ADDONS]
    seen = cluster.observability
    found = list(dict.fromkeys([*addons, *((seen.value or []) if seen is not None and seen.known else [])]))
    if found:
        origin = seen.origin if seen is not None and seen.known and seen.value else \
            next(a.origin for a in cluster.addons or [] if a.name in OBSERVABILITY_ADDONS)
        yield passed(cluster.target, origin)
        return
    charts = [c for c in cluster.helm_charts
              if c.chart and any(word in c.chart.rsplit("/", 1)[-1] for word in OBSERVABILITY_CHARTS)]
    if charts:
        yield passed(cluster.target, charts[0].origin)
        return
    if seen is None:
        yield not_applicable(cluster.target)  # what runs in the cluster is not visible to this source
        return
    if not seen.known:
        yield unknown_value(cluster, seen)
        return
    logs = cluster.log_types.value if cluster.log_types is not None and cluster.log_types.known else None
    shipped = ", ".join(logs) if logs else "none"
    yield fail(cluster.target, seen, Text(
        "Neither metrics-server nor a Container Insights / Prometheus agent runs in the cluster; control-plane "
        f"logs shipped: {shipped}.",
        "metrics-server も Container Insights / Prometheus のエージェントも動いていません。送信しているコントロール"
        f"プレーンのログ: {shipped}。"), observed=f"monitoring agents=none, control-plane logs={shipped}")


@rule(
    id="EKS604", slug="guardduty-eks-protection-disabled", severity="low",
    title=Text("GuardDuty does not watch the cluster", "GuardDuty がクラスターを監視していません"),
    risk=Text("Without EKS Audit Log Monitoring and Runtime Monitoring, credential misuse, anonymous access and "
              "crypto-mining in the cluster raise no finding (article 000 was caught by such an alert).",
              "EKS 監査ログモニタリングとランタイムモニタリングがないと、認証情報の悪用・匿名アクセス・マイニングが検出されません"
              "（記事 000 はこの種のアラートで発覚しました）。"),
    fix=Text("Enable both in the cluster's account and region: `aws guardduty update-detector --detector-id ID "
             "--features '[{\"Name\":\"EKS_AUDIT_LOGS\",\"Status\":\"ENABLED\"},{\"Name\":\"RUNTIME_MONITORING\","
             "\"Status\":\"ENABLED\",\"AdditionalConfiguration\":[{\"Name\":\"EKS_ADDON_MANAGEMENT\","
             "\"Status\":\"ENABLED\"}]}]'` (create a detector first with `aws guardduty create-detector --enable` "
             "if there is none).",
             "クラスターのアカウントとリージョンで両方を有効にしてください: `aws guardduty update-detector --detector-id ID "
             "--features '[{\"Name\":\"EKS_AUDIT_LOGS\",\"Status\":\"ENABLED\"},{\"Name\":\"RUNTIME_MONITORING\","
             "\"Status\":\"ENABLED\",\"AdditionalConfiguration\":[{\"Name\":\"EKS_ADDON_MANAGEMENT\","
             "\"Status\":\"ENABLED\"}]}]'`（検出器がなければ先に `aws guardduty create-detector --enable`）。"),
    references=("https://docs.aws.amazon.com/guardduty/latest/ug/kubernetes-protection.html",
                "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html"),
)
def guardduty_disabled(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    features = (("EKS Audit Log Monitoring", "EKS 監査ログモニタリング", cluster.guardduty_eks_audit_logs),
                ("Runtime Monitoring", "ランタイムモニタリング", cluster.guardduty_runtime_monitoring))
    present = [(en, ja, value) for en, ja, value in features if value is not None]
    if not present:
        yield not_applicable(cluster.target)
        return
    off = [(en, ja, value) for en, ja, value in present if value.known and not value.value]
    if off:
        yield fail(cluster.target, off[0][2], Text(
            f"GuardDuty {' and '.join(en for en, _, _ in off)} {'is' if len(off) == 1 else 'are'} off for this "
            "cluster's account and region.",
            f"このクラスターのアカウントとリージョンで GuardDuty の{'と'.join(ja for _, ja, _ in off)}が無効です。"),
            observed=", ".join(f"{en}=off" for en, _, _ in off))
        return
    unknowns = [value for _, _, value in present if not value.known]
    if unknowns:
        yield unknown_value(cluster, unknowns[0])
        return
    yield passed(cluster.target, present[0][2].origin)
