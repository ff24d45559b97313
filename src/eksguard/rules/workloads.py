"""5xx: workloads (Pod Security Standards, IMDS blocking) and EKS211 (NetworkPolicy enforcement).

Pod Security is evaluated by analysis.pss, which reproduces upstream Pod Security Admission check by check
and version by version. The version is the namespace's pinned `pod-security.kubernetes.io/enforce-version`
when the Namespace is in the scan, else the scope's (`--pss-version`, `.eksguard.yaml`
`kubernetes.pss_version`, the cluster's Kubernetes version, else `latest`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from eksguard.analysis.imds import (
    SYSTEM_NAMESPACES,
    enforcement,
    fargate_profile_of,
    namespaces_with_workloads,
    nodes_reach_imds,
    reach,
)
from eksguard.analysis.podtemplates import TEMPLATE_KINDS, PodTemplate, pod_templates
from eksguard.analysis.pss import LEVELS, PssVersion, PssViolation, evaluate
from eksguard.findings import (
    KUBERNETES_DEFAULT,
    WRITTEN,
    Result,
    Status,
    fail,
    not_applicable,
    passed,
    unknown_result,
)
from eksguard.model import PSA_TOOL, KubeObject, KubeScope, Origin, Text, field_path_tokens
from eksguard.rules import RuleContext, rule

LABEL_PREFIX = "pod-security.kubernetes.io/"
MODES = ("enforce", "warn", "audit")
PSS_REFERENCES = ("eks-domain.md §10 (kubernetes/pod-security-admission policy/check_*.go)",
                  "https://kubernetes.io/docs/concepts/security/pod-security-standards/")


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def _labels(obj: KubeObject) -> Mapping[str, Any]:
    metadata = obj.doc.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
    return labels if isinstance(labels, Mapping) else {}


def templates_of(obj: KubeObject, ctx: RuleContext) -> tuple[PodTemplate, ...]:
    """The pods `obj` runs, read once per scope: the templates' identities key their Pod Security verdicts."""
    key = ("templates", id(obj))
    found: tuple[PodTemplate, ...] | None = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = pod_templates(obj.doc)
    return found


def workloads(scope: KubeScope, ctx: RuleContext) -> Iterator[tuple[KubeObject, tuple[PodTemplate, ...]]]:
    for obj in scope.objects:
        templates = templates_of(obj, ctx)
        if templates:
            yield obj, templates


def one_verdict(results: list[Result]) -> list[Result]:
    """One status per object however many pods it runs: its failures, else the first unknown, not applicable
    or pass, in that order."""
    for status in (Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE, Status.PASS):
        chosen = [r for r in results if r.status is status]
        if chosen:
            return chosen if status is Status.FAIL else chosen[:1]
    return []


def describe(obj: KubeObject, template: PodTemplate) -> Text:
    """The object, and which of its pod templates when it has its own (an operator's) field for it."""
    if template.label is None:
        return Text(f"{obj.kind} `{obj.name}`", f"{obj.kind} `{obj.name}`")
    return Text(f"{obj.kind} `{obj.name}` (pod template `{template.label}`)",
                f"{obj.kind} `{obj.name}`（Pod テンプレート `{template.label}`）")


def namespace_of(scope: KubeScope, obj: KubeObject) -> KubeObject | None:
    """The Namespace object of `obj` in the scan: the one its own kustomization renders, else a plain
    manifest, else the only definition."""
    candidates = [n for n in scope.namespaces if n.name == obj.namespace]
    same = [n for n in candidates if n.render == obj.render or (obj.render and obj.render in n.also_rendered_by)]
    plain = [n for n in candidates if n.render is None]
    if same or plain:
        return (same or plain)[0]
    distinct = {json.dumps(dict(_labels(n)), sort_keys=True, default=str) for n in candidates}
    return candidates[0] if len(distinct) == 1 else None


@dataclass(frozen=True, slots=True)
class ModePolicy:
    """The Pod Security level and version one mode (enforce, warn, audit) of a namespace applies."""

    mode: str
    level: str
    version: str
    origin: Origin
    pinned: bool  # the version label names a version (not `latest`, not absent)
    invalid: bool = False  # a label PSA cannot read: it then applies restricted (upstream api.PolicyToEvaluate)


def mode_policy(scope: KubeScope, namespace: KubeObject, mode: str) -> ModePolicy:
    labels = _labels(namespace)
    level_key, version_key = f"{LABEL_PREFIX}{mode}", f"{LABEL_PREFIX}{mode}-version"
    raw_level = labels.get(level_key)
    default_version = scope.pss_version.value if scope.pss_version is not None and scope.pss_version.value else "latest"
    origin = namespace.origin_at(f"metadata.labels[{level_key}]")
    invalid = False
    if raw_level is None:
        level = "privileged"  # admission default for unlabeled namespaces
    elif str(raw_level) in LEVELS:
        level = str(raw_level)
    else:
        level, invalid = "restricted", True
    raw_version = labels.get(version_key)
    version, pinned = default_version, False
    if raw_version is not None and str(raw_version) != "latest":
        try:
            version, pinned = str(PssVersion.parse(str(raw_version))), True
        except ValueError:
            level, invalid = ("restricted" if raw_level is not None else level), True
    return ModePolicy(mode, level, version, origin, pinned, invalid)


def effective_version(scope: KubeScope, obj: KubeObject) -> str:
    namespace = namespace_of(scope, obj)
    if namespace is not None:
        policy = mode_policy(scope, namespace, "enforce")
        if policy.pinned:
            return policy.version
    return scope.pss_version.value if scope.pss_version is not None and scope.pss_version.value else "latest"


def _lookup(doc: Any, field_path: str) -> tuple[bool, Any]:
    node = doc
    for token in field_path_tokens(field_path):
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def _observed(doc: Any, field_path: str) -> str:
    present, node = _lookup(doc, field_path)
    return f"{field_path}={json.dumps(node, default=str)}" if present else f"{field_path} not set"


def _violations(template: PodTemplate, level: str, version: str, ctx: RuleContext) -> list[PssViolation]:
    """`evaluate` once per pod template, level and version in a scope (`templates_of` keeps the templates, so
    their identities are stable keys)."""
    key = ("pss", id(template), level, version)
    found: list[PssViolation] | None = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = evaluate(template.metadata, template.spec, level, version)
    return found


def _fields(obj: KubeObject, template: PodTemplate, violation: PssViolation) -> tuple[list[str], bool]:
    """The object's field paths a violation names, and whether any of them is written (rather than missing)."""
    fields = [template.field(pod_field) for pod_field in violation.field_paths or ("spec",)]
    return fields, any(_lookup(obj.doc, f)[0] for f in fields)


def _standing(obj: KubeObject, template: PodTemplate, violations: list[PssViolation]) -> list[PssViolation]:
    """The violations that stand when part of the pod is not in the object (`template.unknown`): those of
    fields written in it; one of a missing field may be what the missing part supplies."""
    if template.unknown is None:
        return violations
    return [v for v in violations if _fields(obj, template, v)[1]]


def _not_known(template: PodTemplate, level: str) -> Text | None:
    """Why a template that shows no violation at `level` may still have one."""
    return template.unknown or (template.restricted_unknown if level == "restricted" else None)


# what a Pod Security check reads of a workload: its pod template (and a Pod's own annotations, AppArmor),
# not its name or namespace; an operator's object: its spec
POD_TEMPLATE_FIELDS: Mapping[str, tuple[str, ...]] = {kind: ("spec", "metadata.annotations")
                                                      for kind in TEMPLATE_KINDS}


def _pss_results(scope: KubeScope, level: str, ctx: RuleContext) -> Iterator[Result]:
    any_workload = False
    for obj, templates in workloads(scope, ctx):
        any_workload = True
        version = effective_version(scope, obj)
        yield from one_verdict([r for t in templates for r in _template_pss(obj, t, level, version, ctx)])
    if not any_workload:
        yield not_applicable(scope.target)


def _template_pss(obj: KubeObject, template: PodTemplate, level: str, version: str,
                  ctx: RuleContext) -> Iterator[Result]:
    if level == "restricted" and _violations(template, "baseline", version, ctx):
        yield not_applicable(obj.target)  # EKS501 reports it; EKS502 is for templates that pass baseline
        return
    found = [v for v in _violations(template, level, version, ctx) if v.level == level]
    standing = _standing(obj, template, found)
    who = describe(obj, template)
    why = template.unknown if len(standing) < len(found) else None if found else _not_known(template, level)
    if why is not None and not standing:
        yield unknown_result(obj.target, None, Text(
            f"{who.en}: {why.en}, so whether its pods meet the Pod Security Standards {level} ({version}) is not "
            "known.",
            f"{who.ja}: {why.ja}。そのため Pod が Pod Security Standards {level}（{version}）を満たすかは不明です。"),
            origin=obj.origin_at(template.field("spec")))
        return
    if not found:
        yield passed(obj.target, obj.origin_at(template.field("spec")))
        return
    for violation in standing:
        # One finding per failed check, as admission reports it: the upstream detail already names every
        # container at fault, and one setting often fixes them all (runAsNonRoot and seccompProfile at
        # pod level), so a finding per container would repeat one message and suggest N fixes.
        # It points at the first field at fault; `fields` and the observed value list them all.
        fields, written = _fields(obj, template, violation)
        # objects rendered alike by several kustomizations are already one object (sources.kubernetes._unique):
        # an overlay that changed the object is another target, with its own verdict even where the failing
        # line is the base's
        origin = obj.origin_at(fields[0])
        more = len(fields) - 1
        yield fail(obj.target, None, Text(
            f"{who.en}: {violation.detail} (Pod Security Standards {level}, check "
            f"`{violation.check_id}`, {version}).",
            f"{who.ja} が Pod Security Standards {level} のチェック `{violation.check_id}` に違反しています"
            f"（`{fields[0]}`{f' ほか {more} 箇所' if more else ''}、{version}）: {violation.detail}"),
            observed="; ".join(_observed(obj.doc, field_path) for field_path in fields), origin=origin,
            provenance=WRITTEN if written else KUBERNETES_DEFAULT,
            check=violation.check_id, field=fields[0], fields=fields, pss_version=version, level=level)


# --------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------


@rule(
    id="EKS501", slug="pod-security-baseline-violation", severity="high", subject="kubernetes",
    title=Text("Pod template violates the Pod Security Standards baseline",
               "Pod テンプレートが Pod Security Standards の baseline に違反しています"),
    risk=Text("Baseline blocks the known ways out of a container (privileged mode, host namespaces, hostPath, "
              "added capabilities); a pod that needs them can take over its node (article 003).",
              "baseline はコンテナから抜け出す既知の手段（特権モード、ホストの名前空間、hostPath、追加ケーパビリティ）を禁止します。"
              "これらを使う Pod はノードを乗っ取れます（記事 003）。"),
    fix=Text("Remove the field the finding names (for example `securityContext.privileged: true`, `hostNetwork: "
             "true`, a `hostPath` volume, `capabilities.add: [SYS_ADMIN]`). Run such agents only in a dedicated "
             "namespace labelled `pod-security.kubernetes.io/enforce: privileged`.",
             "指摘されたフィールド（例: `securityContext.privileged: true`、`hostNetwork: true`、`hostPath` ボリューム、"
             "`capabilities.add: [SYS_ADMIN]`）を削除してください。どうしても必要なエージェントは "
             "`pod-security.kubernetes.io/enforce: privileged` を付けた専用の名前空間だけで動かします。"),
    references=PSS_REFERENCES,
    reads=TEMPLATE_KINDS,
    fields=POD_TEMPLATE_FIELDS,
)
def pss_baseline(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    yield from _pss_results(scope, "baseline", ctx)


@rule(
    id="EKS502", slug="pod-security-restricted-violation", severity="medium", subject="kubernetes",
    title=Text("Pod template passes baseline but violates the restricted Pod Security Standard",
               "Pod テンプレートが baseline は満たすものの restricted に違反しています"),
    risk=Text("Without the restricted settings a compromised container runs as root, may gain privileges and keeps "
              "every default capability, which makes kernel and runtime escapes easier.",
              "restricted の設定がないと、侵害されたコンテナは root で動き、権限を昇格でき、既定のケーパビリティをすべて持つため、"
              "カーネルやランタイムからの脱出が容易になります。"),
    fix=Text("Set them once at pod level where Kubernetes allows it (`securityContext.runAsNonRoot: true`, "
             "`securityContext.seccompProfile.type: RuntimeDefault`) and per container "
             "`allowPrivilegeEscalation: false` and `capabilities.drop: [\"ALL\"]`; use only configMap, secret, "
             "emptyDir, projected, downwardAPI, csi, persistentVolumeClaim or ephemeral volumes.",
             "Kubernetes が認める項目は Pod レベルで一度だけ設定し（`securityContext.runAsNonRoot: true`、"
             "`securityContext.seccompProfile.type: RuntimeDefault`）、コンテナごとに `allowPrivilegeEscalation: false` と "
             "`capabilities.drop: [\"ALL\"]` を設定してください。ボリュームは configMap、secret、emptyDir、projected、"
             "downwardAPI、csi、persistentVolumeClaim、ephemeral のみにします。"),
    references=PSS_REFERENCES,
    reads=TEMPLATE_KINDS,
    fields=POD_TEMPLATE_FIELDS,
)
def pss_restricted(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    yield from _pss_results(scope, "restricted", ctx)


@rule(
    id="EKS503", slug="namespace-pod-security-unenforced", severity="medium", subject="kubernetes",
    title=Text("Namespace does not enforce a Pod Security Standard",
               "名前空間が Pod Security Standards を強制していません"),
    risk=Text("Without an enforce label Pod Security Admission lets every pod in, privileged ones included; "
              "nothing stops a bad manifest at deploy time.",
              "enforce ラベルがないと Pod Security Admission は特権 Pod も含めてすべて受け入れ、デプロイ時に危険なマニフェストを止めるものがありません。"),
    fix=Text("Label the namespace `pod-security.kubernetes.io/enforce: restricted` (or `baseline`) and pin "
             "`pod-security.kubernetes.io/enforce-version` to your cluster's minor version (`v1.N`, as the finding "
             "says when the cluster is in the scan); try it first with the `warn` and `audit` labels.",
             "名前空間に `pod-security.kubernetes.io/enforce: restricted`（または `baseline`）を付け、"
             "`pod-security.kubernetes.io/enforce-version` をクラスターのマイナーバージョン（`v1.N`。クラスターがスキャンに"
             "含まれていれば検出結果に示します）で固定してください。先に `warn` と `audit` のラベルで試すと安全です。"),
    references=PSS_REFERENCES,
    reads=("Namespace",),
)
def namespace_unenforced(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    namespaces = scope.namespaces
    if not namespaces:
        yield not_applicable(scope.target)
    for namespace in namespaces:
        if namespace.name in SYSTEM_NAMESPACES:
            yield not_applicable(namespace.target)
            continue
        policy = mode_policy(scope, namespace, "enforce")
        label = _labels(namespace).get(f"{LABEL_PREFIX}enforce")
        pin = _version_to_pin(scope)
        if label is None:
            yield fail(namespace.target, None, Text(
                f"Namespace `{namespace.name}` has no `{LABEL_PREFIX}enforce` label: every pod is admitted.{pin.en}",
                f"名前空間 `{namespace.name}` に `{LABEL_PREFIX}enforce` ラベルがなく、すべての Pod が受け入れられます。{pin.ja}"),
                observed=f"{LABEL_PREFIX}enforce not set", origin=namespace.origin_at("metadata.labels"),
                provenance=f"defaulted by {PSA_TOOL}")
        elif policy.level == "privileged":
            yield fail(namespace.target, None, Text(
                f"Namespace `{namespace.name}` enforces `privileged`: every pod is admitted.{pin.en}",
                f"名前空間 `{namespace.name}` は `privileged` を強制しており、すべての Pod が受け入れられます。{pin.ja}"),
                observed=f"{LABEL_PREFIX}enforce={label}", origin=policy.origin, provenance=WRITTEN)
        else:
            yield passed(namespace.target, policy.origin)


def _version_to_pin(scope: KubeScope) -> Text:
    """The `enforce-version` to pin, when the scan knows the cluster's Kubernetes version."""
    version = scope.cluster.version if scope.cluster is not None else None
    if version is None or not version.known or not version.value:
        return Text("", "")
    pinned = f"v{str(version.value).lstrip('v')}"
    return Text(f" Pin `{LABEL_PREFIX}enforce-version: {pinned}`, the cluster's version.",
                f"`{LABEL_PREFIX}enforce-version: {pinned}`（クラスターのバージョン）で固定してください。")


def _admission_message(obj: KubeObject, template: PodTemplate, policy: ModePolicy, checks: list[str]) -> Text:
    listed = ", ".join(f"`{c}`" for c in checks)
    who = describe(obj, template)
    if policy.mode == "enforce":
        if obj.kind == "Pod":
            return Text(f"{who.en} is rejected by namespace `{obj.namespace}`, which enforces "
                        f"{policy.level} ({policy.version}): {listed}.",
                        f"{who.ja} は {policy.level}（{policy.version}）を強制する名前空間 `{obj.namespace}` で拒否されます: {listed}。")
        return Text(f"Pods of {who.en} are rejected by namespace `{obj.namespace}`, which enforces "
                    f"{policy.level} ({policy.version}): {listed}. The {obj.kind} is created but never runs a pod.",
                    f"{who.ja} の Pod は {policy.level}（{policy.version}）を強制する名前空間 `{obj.namespace}` で拒否されます: "
                    f"{listed}。{obj.kind} 自体は作成されますが Pod は起動しません。")
    where = "kubectl prints a warning" if policy.mode == "warn" else "the audit log records a violation"
    where_ja = "kubectl が警告を表示します" if policy.mode == "warn" else "監査ログに違反が記録されます"
    return Text(f"{who.en} is admitted, but {where}: namespace `{obj.namespace}` sets {policy.mode}="
                f"{policy.level} ({policy.version}): {listed}.",
                f"{who.ja} は受け入れられますが、名前空間 `{obj.namespace}` の {policy.mode}={policy.level}"
                f"（{policy.version}）により{where_ja}: {listed}。")


def _namespace_not_scanned(scope: KubeScope, obj: KubeObject, templates: tuple[PodTemplate, ...],
                           ctx: RuleContext) -> Result:
    """`unknown`: the namespace exists in the cluster (the workload cannot be created otherwise; `default`
    always does), but its labels, and so the level it enforces, are not in the scan. Says what each level
    would do to the pods, at the version an unpinned namespace uses."""
    name = obj.namespace
    version = effective_version(scope, obj)
    baseline = list(dict.fromkeys(v.check_id for t in templates for v in _violations(t, "baseline", version, ctx)))
    restricted = list(dict.fromkeys(v.check_id for t in templates for v in _violations(t, "restricted", version, ctx)))
    if baseline:
        would = Text(f"at {version} a namespace enforcing baseline or restricted rejects its pods "
                     f"({', '.join(baseline)})",
                     f"{version} では baseline か restricted を強制する名前空間で Pod が拒否されます（{', '.join(baseline)}）")
    elif restricted:
        would = Text(f"at {version} a namespace enforcing restricted rejects its pods ({', '.join(restricted)})",
                     f"{version} では restricted を強制する名前空間で Pod が拒否されます（{', '.join(restricted)}）")
    else:
        would = Text(f"its pods meet restricted at {version}: only a namespace pinning another version could "
                     "reject them",
                     f"Pod は {version} の restricted を満たします。別のバージョンに固定した名前空間でのみ拒否され得ます")
    unknown_namespace = obj.unknown_fields.get("metadata.namespace")
    if unknown_namespace is not None:
        return unknown_result(obj.target, None, Text(
            f"The namespace of {describe(obj, templates[0]).en} is {unknown_namespace.en}, so the Pod Security level it enforces "
            f"is not known; {would.en}. Give the namespace a value (`--var`), or check the labels of the namespace "
            "it will be.",
            f"{describe(obj, templates[0]).en} の名前空間は{unknown_namespace.ja}。そのため強制される Pod Security レベルは不明です。"
            f"{would.ja}。名前空間に値を与える（`--var`）か、実際の名前空間のラベルを確認してください。"),
            origin=obj.origin_at("metadata.namespace"))
    # the namespaces every cluster has (kube-system, kube-public, kube-node-lease, default): their labels are missing
    exists = Text(" always exists, but its labels are", " は常に存在しますが、そのラベルは") \
        if name == "default" or name in SYSTEM_NAMESPACES else Text(" is", " は")
    return unknown_result(obj.target, None, Text(
        f"Namespace `{name}`{exists.en} not in this scan, so the Pod Security level it enforces on {describe(obj, templates[0]).en} "
        f"is not known; {would.en}. Scan its Namespace manifest with the workload, or read its labels with "
        f"`kubectl get namespace {name} --show-labels`.",
        f"名前空間 `{name}`{exists.ja}このスキャンにないため、{describe(obj, templates[0]).en} に強制される Pod Security レベルは不明です。"
        f"{would.ja}。Namespace のマニフェストも一緒にスキャンするか、`kubectl get namespace {name} --show-labels` で"
        "ラベルを確認してください。"), origin=obj.origin_at(templates[0].field("spec")))


@rule(
    id="EKS504", slug="workload-rejected-by-namespace-policy", severity="high", subject="kubernetes",
    severities=("high", "low"),
    title=Text("Workload would be rejected by its namespace's Pod Security level",
               "ワークロードが名前空間の Pod Security レベルで拒否されます"),
    risk=Text("The deploy fails at admission (or, for a Deployment, its pods never start); found now, before "
              "a release is blocked. Warn and audit violations (low) are admitted but reported.",
              "アドミッションでデプロイが失敗します（Deployment では Pod が起動しません）。リリースが止まる前にここで見つけます。"
              "warn と audit の違反（low）は受け入れられますが報告されます。"),
    fix=Text("Change the pod template as the listed checks say (see EKS501/EKS502), or, if the workload really "
             "needs it, move it to a namespace whose `pod-security.kubernetes.io/enforce` level allows it.",
             "列挙されたチェックに従って Pod テンプレートを修正してください（EKS501/EKS502 を参照）。本当に必要な場合は、"
             "その `pod-security.kubernetes.io/enforce` レベルが許す名前空間へ移します。"),
    dont=Text("Do not relabel the namespace to `privileged` to make the deploy pass: that admits every pod in it.",
              "デプロイを通すために名前空間のラベルを `privileged` に変えないでください。名前空間内のすべての Pod が許可されます。"),
    references=PSS_REFERENCES,
    reads=(*TEMPLATE_KINDS, "Namespace"),
)
def rejected_by_namespace(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    any_workload = False
    for obj, templates in workloads(scope, ctx):
        any_workload = True
        namespace = namespace_of(scope, obj) if obj.namespace else None
        if namespace is None:
            yield _namespace_not_scanned(scope, obj, templates, ctx)
            continue
        yield _admission(scope, obj, templates, namespace, ctx)
    if not any_workload:
        yield not_applicable(scope.target)


def _admission(scope: KubeScope, obj: KubeObject, templates: tuple[PodTemplate, ...], namespace: KubeObject,
               ctx: RuleContext) -> Result:
    """The first mode (enforce, warn, audit) that any pod of `obj` violates, at its first such pod; `unknown`
    when none does but a pod is not wholly in the object."""
    not_known: tuple[PodTemplate, Text] | None = None
    for mode in MODES:
        policy = mode_policy(scope, namespace, mode)
        if policy.level == "privileged":
            continue
        for template in templates:
            found = _violations(template, policy.level, policy.version, ctx)
            violations = _standing(obj, template, found)
            why = template.unknown if len(violations) < len(found) else _not_known(template, policy.level)
            if why is not None and not_known is None:
                not_known = template, why
            if not violations:
                continue
            first = violations[0]
            field_path = template.field(first.field_paths[0] if first.field_paths else "spec")
            checks = [v.check_id for v in violations]
            return fail(obj.target, None, _admission_message(obj, template, policy, checks),
                        observed=f"{LABEL_PREFIX}{mode}={policy.level}, version {policy.version}",
                        origin=obj.origin_at(field_path), severity="high" if mode == "enforce" else "low",
                        mode=mode, level=policy.level, pss_version=policy.version, checks=checks,
                        check=first.check_id, field=field_path, namespace_origin=policy.origin.display())
    if not_known is not None:
        template, why = not_known
        who = describe(obj, template)
        return unknown_result(obj.target, None, Text(
            f"{who.en}: {why.en}, so whether namespace `{obj.namespace}` admits its pods is not known.",
            f"{who.ja}: {why.ja}。そのため名前空間 `{obj.namespace}` が Pod を受け入れるかは不明です。"),
            origin=obj.origin_at(template.field("spec")))
    return passed(obj.target, mode_policy(scope, namespace, "enforce").origin)


def _namespace_target(scope: KubeScope, name: str) -> str:
    found = [n for n in scope.namespaces if n.name == name]
    return found[0].target if len(found) == 1 else f"{scope.target}/Namespace/{name}"


@rule(
    id="EKS505", slug="imds-not-blocked-by-network-policy", severity="medium", subject="kubernetes",
    title=Text("Pods of a namespace can reach the instance metadata service",
               "名前空間の Pod からインスタンスメタデータサービスに到達できます"),
    risk=Text("With the node's hop limit above 1, a pod that reaches 169.254.169.254 can take the node role's "
              "credentials and act as the node (article 003).",
              "ノードのホップ数上限が 1 を超えていると、169.254.169.254 に到達できる Pod はノードロールの認証情報を取得し、"
              "ノードとして振る舞えます（記事 003）。"),
    fix=Text("Add an egress NetworkPolicy selecting every pod of the namespace that allows `0.0.0.0/0` with "
             "`except: [169.254.169.254/32]` (plus a separate policy for the few pods that need IMDS), with an "
             "enforcing engine (EKS211); or set the node hop limit to 1 (`disablePodIMDS: true` in eksctl).",
             "名前空間のすべての Pod を選択し、`0.0.0.0/0` を `except: [169.254.169.254/32]` 付きで許可する外向き "
             "NetworkPolicy を追加してください（IMDS が必要な一部の Pod には別のポリシー）。適用エンジンも必要です（EKS211）。"
             "またはノードのホップ数上限を 1 にします（eksctl では `disablePodIMDS: true`）。"),
    dont=Text("Do not turn IMDS off on the nodes (`HttpEndpoint: disabled`): the node itself, the VPC CNI and the "
              "node termination handler need it. Block the pods, not the node.",
              "ノードの IMDS を無効にしないでください（`HttpEndpoint: disabled`）。ノード自身、VPC CNI、ノード終了ハンドラーが"
              "必要とします。遮断するのはノードではなく Pod です。"),
    references=("eks-domain.md §9 (BPG iam.adoc; VPC CNI network policy)",),
)
def imds_not_blocked(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    namespaces = namespaces_with_workloads(scope)
    if not namespaces:
        yield not_applicable(scope.target)
        return
    nodes = nodes_reach_imds(scope)
    policies = scope.network_policies
    for name, objects in sorted(namespaces.items()):
        target = _namespace_target(scope, name)
        reaches = [reach(obj, policies) for obj in objects]
        open_ = [r.workload for r in reaches if not r.blocked]
        if not open_:
            yield passed(target, reaches[0].policies[0].origin if reaches[0].policies else None)
            continue
        fargate = fargate_profile_of(scope, name)
        if fargate is not None:  # every pod of the namespace runs on Fargate
            yield passed(target, fargate.origin)
            continue
        if nodes.known and nodes.value is False:
            yield passed(target, nodes.origin)
            continue
        distinct = list(dict.fromkeys(f"{o.kind}/{o.name}" for o in open_))
        names = ", ".join(distinct[:5]) + (f" and {len(distinct) - 5} more" if len(distinct) > 5 else "")
        if not nodes.known:
            why = nodes.note or Text("node settings are unknown", "ノードの設定が不明です")
            yield unknown_result(target, nodes, Text(
                f"No egress NetworkPolicy keeps {names} in namespace `{name}` from 169.254.169.254; whether the "
                f"nodes let pods reach IMDS is not known: {why.en}.",
                f"名前空間 `{name}` の {names} を 169.254.169.254 から遮断する外向き NetworkPolicy がありません。"
                f"ノードが Pod からの IMDS 到達を許すかは不明です: {why.ja}。"), origin=open_[0].origin)
            continue
        yield fail(target, nodes, Text(
            f"{names} in namespace `{name}` can reach 169.254.169.254: no egress NetworkPolicy selecting them "
            "excludes it, and the nodes answer pods (an IMDS hop limit above 1, or IMDSv1 allowed).",
            f"名前空間 `{name}` の {names} は 169.254.169.254 に到達できます。これらを選択する外向き NetworkPolicy で"
            "除外されておらず、ノードも Pod に応答します（IMDS のホップ数上限が 1 超、または IMDSv1 を許可）。"),
            observed=f"{len(open_)} of {len(objects)} workloads unblocked", origin=open_[0].origin)


@rule(
    id="EKS506", slug="pod-security-policy-present", severity="medium", subject="kubernetes",
    title=Text("A PodSecurityPolicy is still defined", "PodSecurityPolicy がまだ定義されています"),
    risk=Text("PodSecurityPolicy was removed in Kubernetes 1.25: the object is ignored (or refused), so the "
              "restrictions it seems to impose do not exist.",
              "PodSecurityPolicy は Kubernetes 1.25 で削除されました。オブジェクトは無視（または拒否）され、見かけ上の制限は存在しません。"),
    fix=Text("Delete the PodSecurityPolicy and its RBAC, and label the namespaces with "
             "`pod-security.kubernetes.io/enforce: baseline` or `restricted` (Pod Security Admission).",
             "PodSecurityPolicy とその RBAC を削除し、名前空間に `pod-security.kubernetes.io/enforce: baseline` または "
             "`restricted` のラベルを付けてください（Pod Security Admission）。"),
    references=("eks-domain.md §10", "https://kubernetes.io/docs/concepts/security/pod-security-policy/"),
)
def pod_security_policy(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    found = scope.of_kind("PodSecurityPolicy")
    for obj in found:
        yield fail(obj.target, None, Text(f"PodSecurityPolicy `{obj.name}` is defined ({obj.api_version}).",
                                          f"PodSecurityPolicy `{obj.name}` が定義されています（{obj.api_version}）。"),
                   observed=f"kind: PodSecurityPolicy, apiVersion: {obj.api_version}", origin=obj.origin,
                   provenance=WRITTEN)
    if not found:
        yield passed(scope.target, scope.origin)


@rule(
    id="EKS211", slug="network-policy-not-enforced", severity="medium", subject="kubernetes",
    title=Text("NetworkPolicies are not enforced", "NetworkPolicy が適用されません"),
    risk=Text("Without a policy engine every NetworkPolicy is silently ignored: the isolation (and IMDS blocking) "
              "they describe does not exist.",
              "ポリシーエンジンがないと NetworkPolicy はすべて黙って無視され、記述された分離（や IMDS の遮断）は存在しません。"),
    fix=Text("Turn on the VPC CNI's engine: addon configuration `{\"enableNetworkPolicy\": \"true\"}` (eksctl "
             "`addons: [{name: vpc-cni, configurationValues: '{\"enableNetworkPolicy\": \"true\"}'}]`, Terraform "
             "`configuration_values`), vpc-cni 1.14+ on Kubernetes 1.25+; or install Calico or Cilium.",
             "VPC CNI のエンジンを有効にしてください: アドオン設定 `{\"enableNetworkPolicy\": \"true\"}`（eksctl では "
             "`addons: [{name: vpc-cni, configurationValues: '{\"enableNetworkPolicy\": \"true\"}'}]`、Terraform では "
             "`configuration_values`）。vpc-cni 1.14 以上、Kubernetes 1.25 以上が必要です。または Calico か Cilium を導入します。"),
    dont=Text("Do not switch on `NETWORK_POLICY_ENFORCING_MODE=strict` before every namespace has the policies it "
              "needs: new pods then start with all traffic denied.",
              "すべての名前空間に必要なポリシーが揃う前に `NETWORK_POLICY_ENFORCING_MODE=strict` を有効にしないでください。"
              "新しい Pod はすべての通信が拒否された状態で起動します。"),
    references=("eks-domain.md §9 (D15 eks-networking-add-ons.adoc)",),
)
def network_policy_not_enforced(scope: KubeScope, ctx: RuleContext) -> Iterator[Result]:
    policies = scope.network_policies
    nodes = nodes_reach_imds(scope)
    needed = bool(policies) or (bool(nodes.value) and bool(namespaces_with_workloads(scope)))
    if not needed:
        yield not_applicable(scope.target)
        return
    engine = enforcement(scope)
    why = (f"{len(policies)} NetworkPolicies are declared" if policies
           else "EKS505 needs egress NetworkPolicies to keep pods from IMDS")
    why_ja = (f"{len(policies)} 個の NetworkPolicy が宣言されています" if policies
              else "EKS505 のため IMDS を遮断する外向き NetworkPolicy が必要です")
    if engine.known and engine.value:
        yield passed(scope.target, engine.origin)
    elif not engine.known:
        note = engine.note or Text("not in this scan", "このスキャンにありません")
        # at the first policy rather than at whichever object the scope starts with
        where = policies[0].origin if policies and engine.origin == scope.origin else None
        yield unknown_result(scope.target, engine, Text(f"{why}; whether they are enforced is not known: {note.en}.",
                                                        f"{why_ja}。適用されるかは不明です: {note.ja}。"), origin=where)
    else:
        yield fail(scope.target, engine, Text(
            f"{why}, but no engine enforces them: vpc-cni has no `enableNetworkPolicy: \"true\"` and no Calico or "
            "Cilium is installed.",
            f"{why_ja}が、適用するエンジンがありません: vpc-cni に `enableNetworkPolicy: \"true\"` がなく、Calico も Cilium も"
            "ありません。"),
            observed="vpc-cni enableNetworkPolicy not \"true\"")
