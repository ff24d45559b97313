"""4xx: identity and access (workload identity, aws-auth, access entries)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from eksguard.findings import Result, fail, not_applicable, passed
from eksguard.model import Cluster, Text
from eksguard.rules import RuleContext, rule
from eksguard.rules.common import mapping_problem, no_aws_auth, on_outposts, unknown_value

ADMIN_POLICIES = ("AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy")


def break_glass(arn: str | None, ctx: RuleContext) -> bool:
    return bool(arn) and any(fnmatch.fnmatch(str(arn), pattern) for pattern in ctx.config.break_glass_principals)


def account_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None


@rule(
    id="EKS401", slug="workload-identity-not-configured", severity="medium",
    title=Text("Neither IRSA nor EKS Pod Identity is set up", "IRSA も EKS Pod Identity も設定されていません"),
    risk=Text("Pods that need AWS access can only use the node role, so every pod gets the same permissions.",
              "AWS にアクセスする Pod はノードロールしか使えず、すべての Pod が同じ権限を持ちます。"),
    fix=Text("Enable IRSA (`iam.withOIDC: true` in eksctl, `--with-oidc`, `enable_irsa = true` in the Terraform "
             "module) or EKS Pod Identity (the `eks-pod-identity-agent` addon).",
             "IRSA（eksctl の `iam.withOIDC: true`、`--with-oidc`、Terraform モジュールの `enable_irsa = true`）か "
             "EKS Pod Identity（`eks-pod-identity-agent` アドオン）を有効にしてください。"),
    dont=Text("Do not give pods AWS access by adding policies to the node role: every pod on the node gets them.",
              "ノードロールにポリシーを追加して Pod に AWS へのアクセスを与えないでください。ノード上のすべての Pod がその権限を持ちます。"),
    references=("eks-domain.md §9 (D7 service-accounts, pod-id-how-it-works)",),
)
def workload_identity(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    irsa, pod_identity = cluster.irsa_enabled, cluster.pod_identity_enabled
    # eksctl userdocs usage/outposts.md "Features unsupported on local clusters": IRSA and add-ons
    # (so the Pod Identity agent)
    outposts = on_outposts(cluster, Text("EKS supports neither IRSA nor add-ons (so no Pod Identity agent) there",
                                         "そこでは IRSA もアドオン（Pod Identity エージェントを含む）も使えません"))
    if outposts is not None:
        yield outposts
    elif irsa is None and pod_identity is None:
        yield not_applicable(cluster.target)
    elif (irsa is not None and irsa.value) or (pod_identity is not None and pod_identity.value):
        origin = irsa.origin if irsa is not None and irsa.value else pod_identity.origin if pod_identity else None
        yield passed(cluster.target, origin)
    elif (irsa is not None and not irsa.known) or (pod_identity is not None and not pod_identity.known):
        yield unknown_value(cluster, irsa if irsa is not None and not irsa.known else pod_identity)
    else:
        yield fail(cluster.target, irsa or pod_identity, Text(
            "No OIDC provider for IRSA and no Pod Identity agent.",
            "IRSA 用の OIDC プロバイダーも Pod Identity エージェントもありません。"),
            observed=f"withOIDC={irsa.value if irsa else None}")


@rule(
    id="EKS402", slug="system-masters-mapping", severity="high",
    title=Text("An IAM principal is mapped to system:masters", "IAM プリンシパルが system:masters にマッピングされています"),
    risk=Text("system:masters bypasses RBAC entirely and cannot be limited or audited through Kubernetes roles "
              "(article 002 keeps it to one dedicated role).",
              "system:masters は RBAC を完全に迂回し、Kubernetes のロールで制限も監査もできません（記事 002 では専用ロール 1 つに限定）。"),
    fix=Text("Map people to a read-only group (for example `viewer`) and grant admin through an access entry with "
             "AmazonEKSClusterAdminPolicy for one dedicated role; list that role under `break_glass_principals` "
             "in `.eksguard.yaml`.",
             "人は読み取り専用グループ（例: `viewer`）にマッピングし、管理者権限は専用ロール 1 つに AmazonEKSClusterAdminPolicy の"
             "アクセスエントリーで付与してください。そのロールは `.eksguard.yaml` の `break_glass_principals` に記載します。"),
    dont=Text("Do not remove the last system:masters mapping before another way to administer the cluster (an "
              "access entry for a dedicated role) is tested: you can lock everyone out.",
              "別の管理手段（専用ロールのアクセスエントリー）の動作を確認する前に、最後の system:masters マッピ"
              "ングを削除しないでください。誰もクラスターを操作できなくなることがあります。"),
    references=("eks-domain.md §8.1 (D6 auth-configmap.adoc)",),
)
def system_masters(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    if cluster.identity_mappings is None:
        yield no_aws_auth(cluster)
        return
    found = False
    for problem in cluster.identity_mapping_problems:
        if problem.field in ("mapRoles", "mapUsers"):
            found = True  # unreadable: no pass
            yield mapping_problem(cluster, problem)
    for mapping in cluster.identity_mappings:
        if "system:masters" in mapping.groups and not break_glass(mapping.arn, ctx):
            found = True
            yield fail(f"{cluster.target}/aws-auth/{mapping.arn}", None, Text(
                f"`{mapping.arn}` is mapped to system:masters.", f"`{mapping.arn}` が system:masters にマッピングされています。"),
                observed=f"{mapping.kind} {mapping.arn} groups={mapping.groups}", origin=mapping.origin)
    if not found:  # mappings read, but others not known (a Terraform value known only after apply): no pass
        yield passed(cluster.target, cluster.origin) if cluster.identity_mappings_unknown is None \
            else no_aws_auth(cluster)


@rule(
    id="EKS404", slug="aws-auth-maps-whole-account", severity="high",
    title=Text("aws-auth maps a whole AWS account", "aws-auth が AWS アカウント全体をマッピングしています"),
    risk=Text("Every IAM user and role in the mapped account can authenticate to the cluster.",
              "マッピングされたアカウントのすべての IAM ユーザーとロールがクラスターに認証できます。"),
    fix=Text("Remove `mapAccounts` (eksctl `account:` mappings) and map the individual roles that need access.",
             "`mapAccounts`（eksctl の `account:` マッピング）を削除し、必要なロールを個別にマッピングしてください。"),
    dont=Text("Do not delete the account mapping before the roles that need access (people, CI, node roles) "
              "are mapped one by one: nodes and users drop out of the cluster.",
              "アクセスが必要なロール（人、CI、ノードロール）を個別にマッピングする前に、アカウントのマッピングを削除しないで"
              "ください。ノードとユーザーがクラスターから外れます。"),
    references=("eks-domain.md §8.1",),
)
def whole_account(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    if cluster.identity_mappings is None:
        yield no_aws_auth(cluster)
        return
    accounts = [m for m in cluster.identity_mappings if m.kind == "account"]
    unreadable = [p for p in cluster.identity_mapping_problems if p.field == "mapAccounts"]
    for problem in unreadable:
        yield mapping_problem(cluster, problem)
    for mapping in accounts:
        yield fail(f"{cluster.target}/aws-auth/account/{mapping.account}", None, Text(
            f"Account {mapping.account} is mapped as a whole.", f"アカウント {mapping.account} 全体がマッピングされています。"),
            observed=f"mapAccounts: {mapping.account}", origin=mapping.origin)
    if not accounts and not unreadable:
        yield passed(cluster.target, cluster.origin) if cluster.identity_mappings_unknown is None \
            else no_aws_auth(cluster)


@rule(
    id="EKS405", slug="cluster-admin-access-policy-broad", severity="high",
    title=Text("Cluster-admin access policy granted too broadly",
               "クラスター管理者のアクセスポリシーが広く付与されています"),
    risk=Text("Cluster-scope admin policies for principals of other accounts, or for many principals, multiply "
              "the ways to take over the cluster.",
              "他アカウントのプリンシパルや多数のプリンシパルにクラスター全体の管理者ポリシーがあると、乗っ取りの経路が増えます。"),
    fix=Text("Keep AmazonEKSClusterAdminPolicy/AmazonEKSAdminPolicy at cluster scope to a few same-account roles "
             "(the allowance is `thresholds.admin_principal_allowance`); scope others to namespaces or to "
             "AmazonEKSViewPolicy.",
             "クラスター全体の AmazonEKSClusterAdminPolicy/AmazonEKSAdminPolicy は同一アカウントの少数のロールに限り"
             "（許容数は `thresholds.admin_principal_allowance`）、他は名前空間スコープか AmazonEKSViewPolicy にしてください。"),
    dont=Text("Do not remove admin access entries before the remaining admin principal is tested; keep one "
              "break-glass role.",
              "残す管理者プリンシパルの動作を確認する前に管理者のアクセスエントリーを削除しないでください。緊急用のロールを1 "
              "つ残してください。"),
    references=("eks-domain.md §8.2 (D6 access-policy-reference)",),
)
def broad_admin_policy(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    if cluster.access_entries is None:
        yield not_applicable(cluster.target)
        return
    admins = [(entry, policy) for entry in cluster.access_entries for policy in entry.policies
              if policy.scope == "cluster" and policy.policy_arn.rsplit("/", 1)[-1] in ADMIN_POLICIES]
    creator = cluster.bootstrap_creator_admin is not None and bool(cluster.bootstrap_creator_admin.value)
    failed = False
    for entry, policy in admins:
        account = account_of(entry.principal_arn)
        if cluster.account and account and account != cluster.account:
            failed = True
            yield fail(f"{cluster.target}/access-entry/{entry.principal_arn}", None, Text(
                f"{policy.policy_arn.rsplit('/', 1)[-1]} at cluster scope for `{entry.principal_arn}` of account "
                f"{account} (cluster account {cluster.account}).",
                f"別アカウント {account} の `{entry.principal_arn}` にクラスター全体の "
                f"{policy.policy_arn.rsplit('/', 1)[-1]} があります（クラスターのアカウントは {cluster.account}）。"),
                observed=f"{entry.principal_arn}: {policy.policy_arn}", origin=entry.origin)
    holders = {entry.principal_arn for entry, _ in admins if not break_glass(entry.principal_arn, ctx)}
    count = len(holders) + (1 if creator else 0)
    allowance = ctx.config.thresholds.admin_principal_allowance
    if count > allowance:
        failed = True
        first = admins[0][0].origin if admins else cluster.origin
        yield fail(cluster.target, None, Text(
            f"{count} principals hold cluster-scope admin (allowance {allowance})"
            + (", the cluster creator included." if creator else "."),
            f"{count} 個のプリンシパルがクラスター全体の管理者権限を持っています（許容数 {allowance}）"
            + ("。クラスター作成者を含みます。" if creator else "。")),
            observed=", ".join(sorted(holders)) + (" + creator" if creator else ""), origin=first)
    if not failed:
        yield passed(cluster.target, cluster.origin)
