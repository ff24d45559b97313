"""4xx: Kubernetes RBAC and service accounts (EKS406-EKS409, EKS411), and EKS403 (IAM users with write access).

Roles are resolved within the scan; Kubernetes' built-in ClusterRoles (`cluster-admin`, `admin`, `edit`,
`view` and the `system:` discovery roles) are known by name. A binding to a role that is neither is `unknown`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from eksguard.analysis.podtemplates import TEMPLATE_KINDS, PodTemplate
from eksguard.findings import (
    KUBERNETES_DEFAULT,
    WRITTEN,
    Result,
    fail,
    not_applicable,
    passed,
    unknown_result,
)
from eksguard.model import Cluster, KubeObject, KubeScope, Origin, Text
from eksguard.rules import RuleContext, rule
from eksguard.rules.common import mapping_problem, no_aws_auth
from eksguard.rules.workloads import describe, one_verdict, workloads

READ_VERBS = frozenset({"get", "list", "watch"})
WRITE_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection", "*", "escalate", "bind",
                         "impersonate", "approve", "sign"})
# Kubernetes' default ClusterRoles (plugin/pkg/auth/authorizer/rbac/bootstrappolicy): what they allow
BUILTIN_VERBS: dict[str, frozenset[str]] = {
    "cluster-admin": frozenset({"*"}),
    "admin": frozenset({"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
                        "impersonate"}),
    "edit": frozenset({"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
                       "impersonate"}),
    "view": READ_VERBS,
    "system:public-info-viewer": frozenset({"get"}),
    "system:discovery": frozenset({"get"}),
    "system:basic-user": frozenset({"create"}),  # self-subject access and rules reviews only
}
# bound to system:authenticated by Kubernetes itself
DEFAULT_AUTHENTICATED_ROLES = frozenset({"system:public-info-viewer", "system:discovery", "system:basic-user"})
# EKS access policies (eks-domain.md §8.2)
WRITE_POLICIES = frozenset({"AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy"})
READ_POLICIES = frozenset({"AmazonEKSViewPolicy", "AmazonEKSAdminViewPolicy", "AmazonEKSSecretReaderPolicy"})
WRITE_GROUPS = {"system:masters": "system:masters (cluster-admin, bypasses RBAC)",
                "system:nodes": "system:nodes (node permissions)",
                "system:bootstrappers": "system:bootstrappers (node bootstrap)"}
RBAC_KINDS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
RBAC_REFERENCES = ("eks-domain.md §8", "https://kubernetes.io/docs/reference/access-authn-authz/rbac/")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# The identities Kubernetes' and EKS's own components authenticate as. Kubernetes' default bindings name
# the group system:masters and the users system:kube-scheduler, system:kube-controller-manager and
# system:kube-proxy (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings);
# EKS's components use `eks:` names (eks:addon-manager, eks:node-manager, eks:cluster-bootstrap ...:
# https://docs.aws.amazon.com/eks/latest/userguide/default-roles-users.html), which access entries may not
# take as usernames (eks-domain.md §8.2). Nodes (system:nodes, system:node:NAME) and bootstrappers are not
# exempt: cluster-admin for them makes every node, and every pod that escapes to one, a cluster admin.
COMPONENT_USERS = frozenset({"system:kube-scheduler", "system:kube-controller-manager", "system:kube-proxy"})
COMPONENT_GROUPS = frozenset({"system:masters"})
EKS_PREFIX = "eks:"
# Groups of everyone of a kind, and the user names of service accounts
# (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects): never components,
# whatever their prefix.
BROAD_GROUPS = {
    "system:authenticated": Text("every authenticated principal: on EKS, any IAM principal that can get a token",
                                 "認証済みの全プリンシパル。EKS ではトークンを取得できるあらゆる IAM プリンシパル"),
    "system:unauthenticated": Text("every anonymous request", "すべての匿名リクエスト"),
    "system:serviceaccounts": Text("every service account of every namespace", "全名前空間のすべてのサービスアカウント"),
}
NAMESPACE_ACCOUNTS_PREFIX = "system:serviceaccounts:"  # + NS: every service account of NS
SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:"  # + NS:NAME: the service account NAME of NS
# Kubernetes reserves `system:` role names for its infrastructure (RBAC docs, default roles). EKS names its
# roles `eks:NAME` (default-roles-users.html), except the VPC resource controller's Role in kube-system;
# any other `eks-` name is someone else's role.
SYSTEM_ROLE_PREFIXES = ("system:", EKS_PREFIX)
EKS_CREATED_ROLES = frozenset({("Role", "kube-system", "eks-vpc-resource-controller-role")})


def _roles(scope: KubeScope) -> dict[tuple[str, str | None, str], KubeObject]:
    return {(o.kind, o.namespace if o.kind == "Role" else None, o.name): o
            for o in scope.rbac if o.kind in ("Role", "ClusterRole")}


def _bindings(scope: KubeScope) -> list[KubeObject]:
    return [o for o in scope.rbac if o.kind in ("RoleBinding", "ClusterRoleBinding")]


def _role_ref(binding: KubeObject) -> tuple[str, str]:
    ref = binding.doc.get("roleRef")
    ref = ref if isinstance(ref, Mapping) else {}
    return str(ref.get("kind", "")), str(ref.get("name", ""))


# PodSecurityPolicy was removed in Kubernetes 1.25 (EKS506 reports the objects and their RBAC): a rule granting
# only on them (`use`, the pattern its docs taught for system:authenticated) gives nothing
POD_SECURITY_POLICY_GROUPS = frozenset({"policy", "extensions"})


def _grants_removed_only(item: Mapping[str, Any]) -> bool:
    groups = {str(g) for g in _list(item.get("apiGroups"))}
    resources = {str(r) for r in _list(item.get("resources"))}
    return (bool(groups) and groups <= POD_SECURITY_POLICY_GROUPS and resources == {"podsecuritypolicies"}
            and not _list(item.get("nonResourceURLs")))


def _role_verbs(roles: dict[tuple[str, str | None, str], KubeObject], binding: KubeObject) -> frozenset[str] | None:
    """Every verb the binding's role allows on what exists (None: the role is neither in the scan nor built in)."""
    kind, name = _role_ref(binding)
    role = roles.get((kind, binding.namespace if kind == "Role" else None, name))
    if role is not None:
        verbs: set[str] = set()
        for item in _list(role.doc.get("rules")):
            if isinstance(item, Mapping) and not _grants_removed_only(item):
                verbs.update(str(v) for v in _list(item.get("verbs")))
        return frozenset(verbs)
    return BUILTIN_VERBS.get(name) if kind == "ClusterRole" else None


def _subjects(binding: KubeObject) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for index, subject in enumerate(_list(binding.doc.get("subjects"))):
        if isinstance(subject, Mapping):
            yield index, subject


def _subject_text(subject: Mapping[str, Any]) -> str:
    namespace = f"{subject.get('namespace')}/" if subject.get("kind") == "ServiceAccount" and subject.get("namespace") else ""
    return f"{subject.get('kind')} {namespace}{subject.get('name')}"


def _system_component(subject: Mapping[str, Any]) -> bool:
    """Whether the subject is an identity of Kubernetes' or EKS's own components (see COMPONENT_USERS)."""
    kind, name = subject.get("kind"), str(subject.get("name", ""))
    components = COMPONENT_USERS if kind == "User" else COMPONENT_GROUPS if kind == "Group" else frozenset()
    return name in components or (kind in ("User", "Group") and name.startswith(EKS_PREFIX))


def _who(subject: Mapping[str, Any]) -> Text | None:
    """Who a subject whose name does not say it plainly stands for: a broad group, or a service account's user."""
    kind, name = subject.get("kind"), str(subject.get("name", ""))
    if kind == "Group" and name in BROAD_GROUPS:
        return BROAD_GROUPS[name]
    if kind == "Group" and name.startswith(NAMESPACE_ACCOUNTS_PREFIX):
        namespace = name.removeprefix(NAMESPACE_ACCOUNTS_PREFIX)
        return Text(f"every service account of namespace {namespace}", f"名前空間 {namespace} のすべてのサービスアカウント")
    if kind == "User" and name.startswith(SERVICE_ACCOUNT_USER_PREFIX):
        namespace, _, account = name.removeprefix(SERVICE_ACCOUNT_USER_PREFIX).partition(":")
        if namespace and account:
            return Text(f"the service account {namespace}/{account}", f"サービスアカウント {namespace}/{account}")
    return None


def _subject_label(subject: Mapping[str, Any]) -> Text:
    """The subject as written, and who it stands for when its name does not say it plainly."""
    written, who = _subject_text(subject), _who(subject)
    return Text(f"{written} ({who.en})", f"{written}（{who.ja}）") if who is not None else Text(written, written)


# --------------------------------------------------------------------------------------------------
# EKS403
# --------------------------------------------------------------------------------------------------


def _group_verdict(cluster: Cluster, group: str, username: str | None) -> tuple[list[str], bool]:
    """(write grants found, whether some permission is unknown) for one group of a mapped principal."""
    if group in WRITE_GROUPS:
        return [WRITE_GROUPS[group]], False
    if cluster.rbac_grants is None:
        return [], True
    writes: list[str] = []
    unknown = False
    for grant in cluster.rbac_grants:
        if not ((grant.subject_kind == "Group" and grant.subject == group) or
                (grant.subject_kind == "User" and username is not None and grant.subject == username)):
            continue
        verbs = grant.verbs if grant.verbs is not None else (
            sorted(BUILTIN_VERBS[grant.role]) if grant.role_kind == "ClusterRole" and grant.role in BUILTIN_VERBS else None)
        if verbs is None:
            unknown = True
        elif set(verbs) & WRITE_VERBS:
            where = f" in {grant.namespace}" if grant.namespace else ""
            writes.append(f"{group} → {grant.role_kind} {grant.role}{where}")
    return writes, unknown


def _user_arn(arn: str | None) -> bool:
    return bool(arn) and ":user/" in str(arn)


# a principal written as a role: a role ARN, or a reference to an IAM role (`aws_iam_role.x.arn`, a module's
# `iam_role_arn` output) known only after apply
_ROLE_PRINCIPAL = re.compile(r":role/|\baws_iam_role\.|\biam_role_arn\b")


def _maybe_user(arn: str | None) -> bool:
    """Not an ARN that says what it is (the identity running Terraform, `var.admin_arn`): maybe an IAM user."""
    text = str(arn or "")
    return not text.startswith("arn:") and _ROLE_PRINCIPAL.search(text) is None


@rule(
    id="EKS403", slug="iam-user-mapped-with-write-access", severity="medium",
    title=Text("An IAM user is mapped with write access to the cluster",
               "IAM ユーザーが書き込み権限付きでクラスターにマッピングされています"),
    risk=Text("IAM users have long-lived keys; a leaked key then changes the cluster. Article 002 maps people "
              "to a read-only `viewer` group and keeps writes on one dedicated role.",
              "IAM ユーザーは長期のアクセスキーを持ち、漏えいするとクラスターを変更されます。記事 002 では人は読み取り専用の "
              "`viewer` グループにマッピングし、書き込みは専用ロール 1 つに限定しています。"),
    fix=Text("Map IAM users only to a group bound to the `view` ClusterRole (or give their access entry "
             "AmazonEKSViewPolicy); make changes through a role that people assume.",
             "IAM ユーザーは `view` ClusterRole に結び付いたグループだけにマッピングしてください（アクセスエントリーなら "
             "AmazonEKSViewPolicy）。変更は人が引き受ける（AssumeRole する）ロール経由で行います。"),
    references=("eks-domain.md §8.1, §8.2", "article 002"),
)
def iam_user_write_access(cluster: Cluster, ctx: RuleContext) -> Iterator[Result]:
    if cluster.identity_mappings is None and cluster.access_entries is None:
        yield not_applicable(cluster.target)
        return
    settled = True
    for problem in cluster.identity_mapping_problems:
        if problem.field == "mapUsers":
            settled = False
            yield mapping_problem(cluster, problem)
    # (target, principal, groups, username, policies, origin, whether the principal is known to be a user)
    principals: list[tuple[str, str, list[str], str | None, list[str], Origin, bool]] = []
    for mapping in cluster.identity_mappings or []:
        if mapping.kind == "user" or (mapping.kind == "role" and _user_arn(mapping.arn)):
            principals.append((f"{cluster.target}/aws-auth/{mapping.arn}", str(mapping.arn), mapping.groups,
                               mapping.username, [], mapping.origin, True))
    for entry in cluster.access_entries or []:
        # not an ARN: the identity running Terraform (the module's creator entry), or a value known after apply
        user = _user_arn(entry.principal_arn)
        if user or _maybe_user(entry.principal_arn):
            policies = [p.policy_arn.rsplit("/", 1)[-1] + (f" ({','.join(p.namespaces)})" if p.namespaces else "")
                        for p in entry.policies]
            principals.append((f"{cluster.target}/access-entry/{entry.principal_arn}", entry.principal_arn,
                               entry.kubernetes_groups, None, policies, entry.origin, user))
    for target, arn, groups, username, policies, origin, user in principals:
        writes = [p for p in policies if p.split(" ")[0] in WRITE_POLICIES]
        unknown = any(p.split(" ")[0] not in WRITE_POLICIES | READ_POLICIES for p in policies)
        for group in groups:
            found, undecided = _group_verdict(cluster, group, username)
            writes.extend(found)
            unknown = unknown or undecided
        if writes and not user:
            settled = False
            yield unknown_result(target, None, Text(
                f"The access entry of {arn} can write to the cluster ({'; '.join(writes)}); whether that principal "
                "is an IAM user is not known from the files. Make it a role (for the creator's entry, run "
                "`terraform apply` as a role), or give named roles explicit access entries instead.",
                f"{arn} のアクセスエントリーはクラスターに書き込めます（{'; '.join(writes)}）。そのプリンシパルが IAM ユーザーか"
                "どうかはファイルからは分かりません。ロールにしてください（作成者のエントリーなら `terraform apply` をロールで"
                "実行します）。または名前の付いたロールに明示的なアクセスエントリーを与えてください。"), origin=origin)
        elif writes:
            settled = False
            yield fail(target, None, Text(f"IAM user `{arn}` can write to the cluster: {'; '.join(writes)}.",
                                          f"IAM ユーザー `{arn}` はクラスターに書き込めます: {'; '.join(writes)}。"),
                       observed=f"groups={groups}" + (f", policies={policies}" if policies else ""), origin=origin,
                       provenance=WRITTEN)
        elif unknown and user:
            settled = False
            yield unknown_result(target, None, Text(
                f"IAM user `{arn}` is mapped to {groups or policies}; what those grant is not in this scan "
                "(scan the RBAC manifests too).",
                f"IAM ユーザー `{arn}` は {groups or policies} にマッピングされていますが、その権限はこのスキャンにありません"
                "（RBAC のマニフェストも一緒にスキャンしてください）。"), origin=origin)
    if settled:  # mappings read, but others not known (a Terraform value known only after apply): no pass
        yield passed(cluster.target, cluster.origin) if cluster.identity_mappings_unknown is None \
            else no_aws_auth(cluster)


# --------------------------------------------------------------------------------------------------
# EKS406-EKS409
# --------------------------------------------------------------------------------------------------


@rule(
    id="EKS406", slug="anonymous-or-all-authenticated-binding", severity="critical", subject="kubernetes",
    title=Text("RBAC grants access to anonymous or to every authenticated user",
               "RBAC が匿名ユーザーまたは認証済みの全ユーザーに権限を与えています"),
    risk=Text("`system:anonymous`/`system:unauthenticated` is anyone who reaches the API endpoint; on EKS "
              "`system:authenticated` is every IAM principal of any AWS account that can get a token.",
              "`system:anonymous`/`system:unauthenticated` は API エンドポイントに到達できる誰もが該当し、EKS の "
              "`system:authenticated` はトークンを取得できるあらゆる AWS アカウントの IAM プリンシパルです。"),
    fix=Text("Remove these subjects from the binding and bind the role to the specific groups that need it "
             "(mapped in aws-auth or access entries).",
             "バインディングからこれらのサブジェクトを削除し、必要な特定のグループ（aws-auth やアクセスエントリーでマッピング）に"
             "ロールを結び付けてください。"),
    references=RBAC_REFERENCES,
    reads=RBAC_KINDS,
)
def anonymous_binding(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    clean = True
    roles = _roles(scope)
    for binding in _bindings(scope):
        _, role = _role_ref(binding)
        for index, subject in _subjects(binding):
            name, kind = str(subject.get("name", "")), subject.get("kind")
            origin = binding.origin_at(f"subjects[{index}]")
            anonymous = (kind == "User" and name == "system:anonymous") or \
                        (kind == "Group" and name == "system:unauthenticated")
            if anonymous:
                clean = False
                yield fail(binding.target, None, Text(
                    f"{binding.kind} `{binding.name}` grants `{role}` to {name}.",
                    f"{binding.kind} `{binding.name}` が {name} に `{role}` を与えています。"),
                    observed=_subject_text(subject), origin=origin, provenance=WRITTEN)
            elif kind == "Group" and name == "system:authenticated" and role not in DEFAULT_AUTHENTICATED_ROLES:
                verbs = _role_verbs(roles, binding)
                if verbs is None:
                    clean = False
                    yield unknown_result(binding.target, None, Text(
                        f"{binding.kind} `{binding.name}` binds `{role}` (not in this scan) to system:authenticated.",
                        f"{binding.kind} `{binding.name}` が `{role}`（このスキャンにない）を system:authenticated に与えています。"),
                        origin=origin)
                elif verbs - READ_VERBS:
                    clean = False
                    yield fail(binding.target, None, Text(
                        f"{binding.kind} `{binding.name}` gives every authenticated principal `{role}`, which can "
                        f"{', '.join(sorted(verbs - READ_VERBS))}.",
                        f"{binding.kind} `{binding.name}` が認証済みの全プリンシパルに `{role}` を与えています"
                        f"（{', '.join(sorted(verbs - READ_VERBS))} が可能）。"),
                        observed=_subject_text(subject), origin=origin, provenance=WRITTEN)
    if clean:
        yield passed(scope.target, scope.origin)


@rule(
    id="EKS407", slug="cluster-admin-binding", severity="medium", subject="kubernetes",
    title=Text("cluster-admin is bound to a non-system subject",
               "cluster-admin がシステム以外のサブジェクトに付与されています"),
    risk=Text("cluster-admin can do anything, including reading every Secret and rewriting aws-auth; each "
              "holder is a way to take the whole cluster.",
              "cluster-admin はすべての Secret の読み取りや aws-auth の書き換えを含め何でもでき、保持者はそれぞれクラスター全体を奪う経路になります。"),
    fix=Text("Bind a narrower ClusterRole (or a Role in the namespaces it needs); keep cluster admin to one "
             "break-glass role through an access entry (article 002).",
             "より狭い ClusterRole（または必要な名前空間の Role）を付与してください。クラスター管理者はアクセスエントリーで "
             "ブレークグラス用のロール 1 つに限定します（記事 002）。"),
    references=RBAC_REFERENCES,
    reads=("ClusterRoleBinding",),
)
def cluster_admin_binding(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    clean = True
    for binding in _bindings(scope):
        kind, role = _role_ref(binding)
        if binding.kind != "ClusterRoleBinding" or kind != "ClusterRole" or role != "cluster-admin":
            continue
        for index, subject in _subjects(binding):
            if _system_component(subject):
                continue
            clean = False
            label = _subject_label(subject)
            yield fail(binding.target, None, Text(
                f"ClusterRoleBinding `{binding.name}` gives cluster-admin to {label.en}.",
                f"ClusterRoleBinding `{binding.name}` が {label.ja} に cluster-admin を与えています。"),
                observed=_subject_text(subject), origin=binding.origin_at(f"subjects[{index}]"), provenance=WRITTEN)
    if clean:
        yield passed(scope.target, scope.origin)


def _custom_roles(scope: KubeScope) -> Iterator[KubeObject]:
    """The roles that are neither Kubernetes' nor EKS's own."""
    for role in scope.rbac:
        if role.kind in ("Role", "ClusterRole") and not role.name.startswith(SYSTEM_ROLE_PREFIXES) \
                and role.name not in BUILTIN_VERBS and (role.kind, role.namespace, role.name) not in EKS_CREATED_ROLES:
            yield role


@rule(
    id="EKS408", slug="rbac-wildcard", severity="medium", subject="kubernetes",
    title=Text("RBAC role uses a wildcard", "RBAC ロールがワイルドカードを使っています"),
    risk=Text("`*` grants every verb, resource or API group, including ones added later (CRDs, new "
              "subresources): the role grows without anyone changing it.",
              "`*` は後から追加されるもの（CRD や新しいサブリソース）を含め、すべての動詞・リソース・API グループを許可し、"
              "誰も変更しないままロールの権限が広がります。"),
    fix=Text("List the exact `apiGroups`, `resources` and `verbs` the workload uses (for example "
             "`verbs: [get, list, watch]` on `resources: [pods]`).",
             "ワークロードが使う `apiGroups`、`resources`、`verbs` を正確に列挙してください（例: `resources: [pods]` に "
             "`verbs: [get, list, watch]`）。"),
    references=RBAC_REFERENCES,
    reads=("Role", "ClusterRole"),
)
def rbac_wildcard(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    clean = True
    for role in _custom_roles(scope):
        for index, item in enumerate(_list(role.doc.get("rules"))):
            if not isinstance(item, Mapping):
                continue
            wild = [key for key in ("verbs", "resources", "apiGroups") if "*" in [str(v) for v in _list(item.get(key))]]
            if wild:
                clean = False
                yield fail(role.target, None, Text(
                    f"{role.kind} `{role.name}` rule {index + 1} has `*` in {', '.join(wild)}.",
                    f"{role.kind} `{role.name}` のルール {index + 1} の {', '.join(wild)} に `*` があります。"),
                    observed="; ".join(f"{k}={_list(item.get(k))}" for k in ("apiGroups", "resources", "verbs")),
                    origin=role.origin_at(f"rules[{index}].{wild[0]}"), provenance=WRITTEN)  # one per rule: each suppressed alone
    if clean:
        yield passed(scope.target, scope.origin)


# the verbs that change an existing aws-auth (`create` cannot: it exists on every EKS cluster with nodes)
AWS_AUTH_REWRITES = frozenset({"update", "patch", "delete", "*"})


def _writes_configmaps(item: Mapping[str, Any]) -> bool:
    groups = [str(g) for g in _list(item.get("apiGroups"))]
    resources = [str(r) for r in _list(item.get("resources"))]
    verbs = {str(v) for v in _list(item.get("verbs"))}
    names = [str(n) for n in _list(item.get("resourceNames"))]
    return (("" in groups or "*" in groups) and ("configmaps" in resources or "*" in resources)
            and bool(verbs & AWS_AUTH_REWRITES) and (not names or "aws-auth" in names))


@rule(
    id="EKS409", slug="aws-auth-writable", severity="high", subject="kubernetes",
    title=Text("A role can rewrite the aws-auth ConfigMap", "ロールが aws-auth ConfigMap を書き換えられます"),
    risk=Text("Whoever can update ConfigMaps in kube-system can add themselves to system:masters in aws-auth "
              "and become cluster admin.",
              "kube-system の ConfigMap を更新できる者は、aws-auth で自分を system:masters に追加し、クラスター管理者になれます。"),
    fix=Text("Limit ConfigMap writes to the namespaces that need them (a Role, not a ClusterRole bound "
             "cluster-wide), exclude `aws-auth` with `resourceNames`, bind `view` or a narrower Role instead of "
             "the built-in `edit`/`admin` in kube-system or cluster-wide, and move to access entries "
             "(`authenticationMode: API`).",
             "ConfigMap への書き込みは必要な名前空間に限定し（クラスター全体に付与した ClusterRole ではなく Role）、"
             "`resourceNames` で `aws-auth` を除外し、kube-system やクラスター全体では組み込みの `edit`/`admin` ではなく "
             "`view` かより狭い Role を付与し、アクセスエントリー（`authenticationMode: API`）へ移行してください。"),
    references=("eks-domain.md §8.1", *RBAC_REFERENCES),
    reads=RBAC_KINDS,
    # of a binding it reads only which role it binds and where, never whom
    fields={"RoleBinding": ("metadata.namespace", "roleRef"), "ClusterRoleBinding": ("roleRef",)},
)
def aws_auth_writable(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    clean = True
    bindings = _bindings(scope)
    for role in _custom_roles(scope):
        if role.kind == "Role" and role.namespace != "kube-system":
            continue
        if role.kind == "ClusterRole":
            uses = [b for b in bindings if _role_ref(b) == ("ClusterRole", role.name)]
            if uses and not any(b.kind == "ClusterRoleBinding" or b.namespace == "kube-system" for b in uses):
                continue  # bound only inside other namespaces
        for index, item in enumerate(_list(role.doc.get("rules"))):
            if isinstance(item, Mapping) and _writes_configmaps(item):
                clean = False
                where = "in kube-system" if role.kind == "Role" else "cluster-wide"
                rewrites = ", ".join(sorted({str(v) for v in _list(item.get("verbs"))} & AWS_AUTH_REWRITES))
                yield fail(role.target, None, Text(
                    f"{role.kind} `{role.name}` can {rewrites} ConfigMaps {where}, aws-auth included.",
                    f"{role.kind} `{role.name}` は aws-auth を含む ConfigMap を{'kube-system で' if role.kind == 'Role' else 'クラスター全体で'}"
                    f"変更できます（{rewrites}）。"),
                    observed=f"resources={_list(item.get('resources'))}, verbs={_list(item.get('verbs'))}",
                    origin=role.origin_at(f"rules[{index}].verbs"), provenance=WRITTEN)
                break
    for binding in bindings:
        kind, name = _role_ref(binding)
        cluster_wide = binding.kind == "ClusterRoleBinding"
        if kind != "ClusterRole" or name not in CONFIGMAP_WRITERS or not (
                cluster_wide or binding.namespace == "kube-system") or (cluster_wide and name == "cluster-admin"):
            continue  # cluster-admin bound cluster-wide: EKS407
        clean = False
        yield fail(binding.target, None, Text(
            f"{binding.kind} `{binding.name}` binds the built-in ClusterRole `{name}` "
            f"{'cluster-wide' if cluster_wide else 'in kube-system'}: it can update ConfigMaps there, aws-auth "
            "included.",
            f"{binding.kind} `{binding.name}` は組み込みの ClusterRole `{name}` を"
            f"{'クラスター全体で' if cluster_wide else 'kube-system で'}付与しており、aws-auth を含む ConfigMap を"
            "更新できます。"),
            observed=f"roleRef=ClusterRole/{name}", origin=binding.origin_at("roleRef.name"), provenance=WRITTEN)
    if clean:
        yield passed(scope.target, scope.origin)


# Kubernetes' default ClusterRoles that can rewrite ConfigMaps where they are bound (bootstrappolicy: edit and
# admin write configmaps in their namespace; cluster-admin everything)
CONFIGMAP_WRITERS = frozenset(name for name, verbs in BUILTIN_VERBS.items() if verbs & AWS_AUTH_REWRITES)


# --------------------------------------------------------------------------------------------------
# EKS411
# --------------------------------------------------------------------------------------------------


@rule(
    id="EKS411", slug="service-account-token-automount", severity="low", subject="kubernetes",
    title=Text("Workload runs as the default service account with its token mounted",
               "ワークロードがトークンをマウントした default サービスアカウントで動いています"),
    risk=Text("Every pod of the namespace shares the `default` token; anything bound to it later is "
              "granted to all of them, and a compromised pod can use it against the API server.",
              "名前空間のすべての Pod が `default` のトークンを共有し、後からそれに付与した権限は全 Pod に及びます。侵害された Pod は"
              "そのトークンで API サーバーを操作できます。"),
    fix=Text("Give the workload its own ServiceAccount (`serviceAccountName`), or set "
             "`automountServiceAccountToken: false` in the pod spec (or on the namespace's `default` ServiceAccount).",
             "ワークロード専用の ServiceAccount（`serviceAccountName`）を使うか、Pod の spec（または名前空間の `default` "
             "ServiceAccount）に `automountServiceAccountToken: false` を設定してください。"),
    references=("https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",),
    reads=(*TEMPLATE_KINDS, "ServiceAccount"),
    # of a ServiceAccount only its identity and automount matter (not its IRSA role annotation)
    fields={"ServiceAccount": ("metadata.name", "metadata.namespace", "automountServiceAccountToken")},
)
def default_token_automount(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    accounts = {(o.namespace, o.name): o for o in scope.of_kind("ServiceAccount")}
    any_workload = False
    for obj, templates in workloads(scope, ctx):
        any_workload = True
        yield from one_verdict([_token_automount(obj, t, accounts) for t in templates])
    if not any_workload:
        yield not_applicable(scope.target)


def _token_automount(obj: KubeObject, template: PodTemplate,
                     accounts: Mapping[tuple[str | None, str], KubeObject]) -> Result:
    spec = template.spec
    account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    if account != "default":
        return passed(obj.target, obj.origin_at(template.field("spec.serviceAccountName")))
    mount = spec.get("automountServiceAccountToken")
    default_sa = accounts.get((obj.namespace, "default"))
    sa_mount = default_sa.doc.get("automountServiceAccountToken") if default_sa is not None else None
    if mount is False or (mount is None and sa_mount is False):
        where = obj.origin_at(template.field("spec.automountServiceAccountToken")) if mount is False else \
            default_sa.origin_at("automountServiceAccountToken") if default_sa is not None else obj.origin
        return passed(obj.target, where)
    who = describe(obj, template)
    if template.unknown is not None and mount is None:  # the part not in the object may set either
        return unknown_result(obj.target, None, Text(
            f"{who.en}: {template.unknown.en}, so its service account and token mount are not known.",
            f"{who.ja}: {template.unknown.ja}。そのためサービスアカウントとトークンのマウントは不明です。"),
            origin=obj.origin_at(template.field("spec")))
    origin = obj.origin_at(template.field("spec.automountServiceAccountToken" if mount is not None else "spec"))
    # each kustomize rendering is its own subject, as for EKS501/EKS502: no overlay left without a status
    return fail(obj.target, None, Text(
        f"{who.en} runs as the `default` service account with its token mounted.",
        f"{who.ja} はトークンをマウントした `default` サービスアカウントで動いています。"),
        observed=f"serviceAccountName={spec.get('serviceAccountName') or 'unset (default)'}, "
                 f"automountServiceAccountToken={mount if mount is not None else 'unset'}", origin=origin,
        # `automountServiceAccountToken: true` written, else Kubernetes' default account and token mount
        provenance=WRITTEN if mount is True else KUBERNETES_DEFAULT)
