"""Commands that fix a running cluster: printed for a person to run, never run here.

`live_commands(cluster, findings, options)` is a pure function over the model: for the failing
findings of one cluster it returns the exact `aws eks ...` / `eksctl utils ...` commands, each with
what it disrupts (in English and Japanese). Changes EKS cannot make in place (node groups) are a
replacement node group plus drain, never an in-place deletion. Nothing here deletes a NAT gateway,
an Elastic IP, a subnet or a VPC.

`cluster_from_report(data)` rebuilds just enough of the model from an `eksguard audit --format json`
report for the same function, so a saved report is enough input.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eksguard.findings import Finding, Status
from eksguard.fixes import ADMIN_POLICY_ARN, OPEN_CIDRS, REQUIRED_LOG_TYPES, FixOptions
from eksguard.model import Cluster, NodeGroup, Origin, Text, declared

_ARN = re.compile(r"^arn:aws[a-z-]*:eks:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):cluster/(?P<name>[^/]+)")
LIVE_RULES = ("EKS101", "EKS103", "EKS104", "EKS105", "EKS107", "EKS108", "EKS201", "EKS208", "EKS301",
              "EKS302", "EKS401")


@dataclass(frozen=True, slots=True)
class LiveFix:
    """What to run for one or more findings of one target, and what it disrupts."""

    rules: tuple[str, ...]
    target: str
    steps: tuple[str, ...]  # run in this order; empty when a decision or value is needed (see `note`)
    disrupts: Text
    alternative: tuple[str, ...] = ()  # the same change with the other tool (eksctl or aws)
    note: Text | None = None

    def as_dict(self, lang: str) -> dict[str, Any]:
        return {"rules": list(self.rules), "target": self.target, "steps": list(self.steps),
                "alternative": list(self.alternative), "disrupts": self.disrupts.get(lang),
                "note": self.note.get(lang) if self.note else None}


def q(value: str) -> str:
    return shlex.quote(value)


def _region(cluster: Cluster) -> str | None:
    if cluster.region is not None and cluster.region.value:
        return str(cluster.region.value)
    match = _ARN.match(cluster.origin.resource or cluster.origin.path or "")
    return match.group("region") if match else None


def _aws(cluster: Cluster, *args: str) -> str:
    region = _region(cluster)
    return " ".join(["aws", *args, *(["--region", q(region)] if region else [])])


def _eksctl(cluster: Cluster, *args: str) -> str:
    region = _region(cluster)
    return " ".join(["eksctl", *args, "--cluster", q(cluster.name), *(["--region", q(region)] if region else [])])


def _wait(cluster: Cluster) -> str:
    return _aws(cluster, "eks", "wait", "cluster-active", "--name", q(cluster.name))


DONT_NETWORK = Text("Do not delete the NAT gateway, Elastic IPs or subnets to close the exposure: that cuts off "
                    "the nodes and your own workstation and leaves the endpoint as it was.",
                    "露出をふさぐために NAT ゲートウェイ・Elastic IP・サブネットを削除しないでください。ノードと自分の作業環境が"
                    "切断されるだけで、エンドポイントはそのままです。")


def _endpoint_fix(cluster: Cluster, rules: Sequence[str], options: FixOptions) -> list[LiveFix]:
    """EKS101 and EKS103 in one update (EKS accepts one cluster update at a time)."""
    config: dict[str, Any] = {}
    flags: list[str] = []
    fixes: list[LiveFix] = []
    done = [r for r in rules if r == "EKS103"]
    if "EKS101" in rules:
        if options.allow_cidrs:
            current = cluster.public_endpoint_cidrs.value if cluster.public_endpoint_cidrs is not None else None
            keep = [c for c in current or [] if c not in OPEN_CIDRS]
            cidrs = [*keep, *(c for c in options.allow_cidrs if c not in keep)]
            config.update(endpointPublicAccess=True, publicAccessCidrs=cidrs)
            flags += ["--public-access-cidrs", q(",".join(cidrs))]
            done.insert(0, "EKS101")
        elif options.private_endpoint:
            config.update(endpointPublicAccess=False, endpointPrivateAccess=True)
            flags += ["--public-access=false", "--private-access=true"]
            done.insert(0, "EKS101")
        else:
            fixes.append(LiveFix(("EKS101",), cluster.target, (), Text(
                "Restricting or closing the public endpoint takes several minutes; clients outside the allowed "
                "CIDRs then lose the API.", "パブリックエンドポイントの制限・無効化には数分かかり、その後は許可外のクライアントが "
                "API に到達できなくなります。"), note=Text(
                "Give `--allow-cidr CIDR` (your own address, e.g. 203.0.113.10/32; repeatable) or "
                "`--private-endpoint` to get the exact command. " + DONT_NETWORK.en,
                "正確なコマンドを出すには `--allow-cidr CIDR`（自分のアドレス、例 203.0.113.10/32。複数可）か "
                "`--private-endpoint` を指定してください。" + DONT_NETWORK.ja)))
    if "EKS103" in rules or config.get("publicAccessCidrs"):
        # restricting the public CIDRs without private access cuts nodes off the API (eksctl docs)
        config["endpointPrivateAccess"] = True
        if "--private-access=true" not in flags:
            flags.append("--private-access=true")
    if not config:
        return fixes
    if config.get("endpointPublicAccess") is False:
        disrupts = Text(
            "Takes several minutes. Afterwards the API is reachable only from inside the VPC (and connected "
            "networks): kubectl, eksctl and CI from the internet stop working. Set up VPN, Direct Connect, a "
            "bastion or SSM access first.",
            "数分かかります。完了後、API には VPC 内（と接続されたネットワーク）からしか到達できず、インターネットからの "
            "kubectl・eksctl・CI は使えなくなります。先に VPN、Direct Connect、踏み台、SSM のいずれかを用意してください。")
    elif "publicAccessCidrs" in config:
        disrupts = Text(
            "Takes several minutes (cluster status UPDATING, workloads keep running). Afterwards kubectl, eksctl, CI "
            "and GitOps agents outside the allowed CIDRs lose the API: add their addresses first. With private access "
            "on, nodes reach the API inside the VPC.",
            "数分かかります（クラスターは UPDATING、ワークロードは動き続けます）。完了後、許可した CIDR 外の kubectl・eksctl・CI・"
            "GitOps エージェントは API に到達できなくなるため、先にそれらのアドレスを加えてください。プライベートアクセスが有効なら"
            "ノードは VPC 内から API に到達します。")
    else:
        disrupts = Text(
            "Takes several minutes (cluster status UPDATING, workloads keep running); no client loses access. "
            "Inside the VPC the endpoint name then resolves to private addresses.",
            "数分かかります（クラスターは UPDATING、ワークロードは動き続けます）。アクセスを失うクライアントはありません。"
            "以後 VPC 内ではエンドポイント名がプライベートアドレスに解決されます。")
    steps = (_aws(cluster, "eks", "update-cluster-config", "--name", q(cluster.name), "--resources-vpc-config",
                  q(json.dumps(config, separators=(",", ":")))), _wait(cluster))
    alternative = (_eksctl(cluster, "utils", "update-cluster-vpc-config", *flags, "--approve"),)
    fixes.insert(0, LiveFix(tuple(done), cluster.target, steps, disrupts, alternative))
    return fixes


def _logging_fix(cluster: Cluster) -> LiveFix:
    current = cluster.log_types.value if cluster.log_types is not None and cluster.log_types.value else []
    missing = [t for t in REQUIRED_LOG_TYPES if t not in current]
    logging = {"clusterLogging": [{"types": missing, "enabled": True}]}
    return LiveFix(("EKS104",), cluster.target,
                   (_aws(cluster, "eks", "update-cluster-config", "--name", q(cluster.name), "--logging",
                         q(json.dumps(logging, separators=(",", ":")))), _wait(cluster)),
                   Text("Nothing is interrupted; CloudWatch Logs ingestion and storage are billed.",
                        "何も中断しません。CloudWatch Logs の取り込みと保存に料金がかかります。"),
                   (_eksctl(cluster, "utils", "update-cluster-logging", "--enable-types", q(",".join(missing)),
                            "--approve"),))


def _kms_fix(cluster: Cluster, options: FixOptions) -> LiveFix:
    disrupts = Text("One-way: secrets encryption cannot be turned off or moved to another key later, and if the key "
                    "is disabled or deleted the secrets cannot be read. Existing secrets are re-encrypted.",
                    "元に戻せません。Secret の暗号化は後から無効化も別キーへの変更もできず、キーを無効化・削除すると Secret を"
                    "読めなくなります。既存の Secret は再暗号化されます。")
    if not options.kms_key:
        return LiveFix(("EKS105",), cluster.target, (), disrupts, note=Text(
            "Give `--kms-key ARN` (a customer-managed key in the cluster's region) to get the exact command.",
            "正確なコマンドを出すには `--kms-key ARN`（クラスターと同じリージョンのカスタマー管理キー）を指定してください。"))
    config = [{"resources": ["secrets"], "provider": {"keyArn": options.kms_key}}]
    return LiveFix(("EKS105",), cluster.target,
                   (_aws(cluster, "eks", "associate-encryption-config", "--cluster-name", q(cluster.name),
                         "--encryption-config", q(json.dumps(config, separators=(",", ":")))), _wait(cluster)),
                   disrupts,
                   (_eksctl(cluster, "utils", "enable-secrets-encryption", "--key-arn", q(options.kms_key),
                            "--approve"),))


def _auth_mode_fix(cluster: Cluster) -> LiveFix:
    mode = str(cluster.authentication_mode.value).upper() if cluster.authentication_mode is not None else ""
    steps: list[str] = []
    if mode == "CONFIG_MAP":
        steps.append(_aws(cluster, "eks", "update-cluster-config", "--name", q(cluster.name), "--access-config",
                          "authenticationMode=API_AND_CONFIG_MAP"))
        steps.append(_wait(cluster))
    steps.append(_eksctl(cluster, "utils", "migrate-to-access-entry", "--target-authentication-mode", "API",
                         "--approve"))
    return LiveFix(("EKS107",), cluster.target, tuple(steps), Text(
        "One-way: the mode can never go back to CONFIG_MAP. Principals that exist only in aws-auth lose access "
        "when the mode becomes API; `migrate-to-access-entry` copies them to access entries first and stops if "
        "one cannot be migrated.",
        "元に戻せません（CONFIG_MAP へは戻せません）。aws-auth にしかないプリンシパルは API モードでアクセスを失います。"
        "`migrate-to-access-entry` は先にアクセスエントリーへ移し、移せないものがあれば止まります。"),
        (_aws(cluster, "eks", "update-cluster-config", "--name", q(cluster.name), "--access-config",
              "authenticationMode=API"),))


def _creator_admin_fix(cluster: Cluster, options: FixOptions, after_auth_fix: bool = False) -> LiveFix:
    disrupts = Text(
        "The creator loses cluster admin when its access entry is deleted. Create the admin role's entry first and "
        "check it works (`aws eks update-kubeconfig --role-arn ROLE ...` then `kubectl auth can-i '*' '*'`). "
        "`bootstrapClusterCreatorAdminPermissions` itself cannot change after creation.",
        "作成者のアクセスエントリーを削除すると作成者はクラスター管理者でなくなります。先に管理者ロールのエントリーを作り、"
        "動作を確認してください（`aws eks update-kubeconfig --role-arn ROLE ...` の後 `kubectl auth can-i '*' '*'`）。"
        "`bootstrapClusterCreatorAdminPermissions` 自体は作成後に変更できません。")
    mode = str(cluster.authentication_mode.value).upper() if cluster.authentication_mode is not None else ""
    if mode == "CONFIG_MAP" and not after_auth_fix:
        return LiveFix(("EKS108",), cluster.target, (), disrupts, note=Text(
            "Access entries need authentication mode API_AND_CONFIG_MAP or API: fix EKS107 first.",
            "アクセスエントリーには認証モード API_AND_CONFIG_MAP か API が必要です。先に EKS107 を修正してください。"))
    lookup = _aws(cluster, "eks", "list-access-entries", "--cluster-name", q(cluster.name))
    delete = _aws(cluster, "eks", "delete-access-entry", "--cluster-name", q(cluster.name), "--principal-arn",
                  "CREATOR_PRINCIPAL_ARN")
    if not options.admin_role_arn:
        return LiveFix(("EKS108",), cluster.target, (), disrupts, note=Text(
            f"Give `--admin-role-arn ARN` (the role that will administer the cluster) to get the exact commands; "
            f"then find the creator's entry with `{lookup}` and remove it with `{delete}`.",
            f"正確なコマンドを出すには `--admin-role-arn ARN`（クラスターを管理するロール）を指定してください。その後 "
            f"`{lookup}` で作成者のエントリーを探し、`{delete}` で削除します。"))
    arn = q(options.admin_role_arn)
    return LiveFix(("EKS108",), cluster.target, (
        _aws(cluster, "eks", "create-access-entry", "--cluster-name", q(cluster.name), "--principal-arn", arn),
        _aws(cluster, "eks", "associate-access-policy", "--cluster-name", q(cluster.name), "--principal-arn", arn,
             "--policy-arn", ADMIN_POLICY_ARN, "--access-scope", "type=cluster"),
        lookup,
        delete,
    ), disrupts, note=Text(
        "Replace CREATOR_PRINCIPAL_ARN with the creator's principal from `list-access-entries` (the entry that is "
        "neither a node role nor the admin role), and run the delete only after the admin role works.",
        "CREATOR_PRINCIPAL_ARN は `list-access-entries` に出る作成者のプリンシパル（ノードロールでも管理者ロールでもないもの）"
        "に置き換え、管理者ロールの動作を確認してから削除してください。"))


def _ng_parts(target: str) -> str:
    return target.split("/nodegroup/", 1)[-1]


def _replacement_steps(cluster: Cluster, group: NodeGroup | None, name: str, extra: list[str]) -> tuple[str, ...]:
    managed = group is None or group.kind == "managed"
    new_name = f"{name}-v2"
    create = _eksctl(cluster, "create", "nodegroup", "--name", q(new_name),
                     "--managed" if managed else "--managed=false", *extra)
    if group is not None and group.instance_types is not None and group.instance_types.value:
        types = group.instance_types.value
        create += f" --node-type {q(types[0])}" if len(types) == 1 else f" --instance-types {q(','.join(types))}"
    return (create,
            _eksctl(cluster, "drain", "nodegroup", "--name", q(name)),
            _eksctl(cluster, "delete", "nodegroup", "--name", q(name)))


REPLACE_DISRUPTS = Text(
    "A node group cannot change this in place: the commands create a replacement, drain the old one (pods are "
    "evicted and rescheduled; PodDisruptionBudgets are respected) and delete it. Copy the old group's labels, "
    "taints, sizes and IAM settings to the new one first.",
    "この設定はノードグループをその場で変更できません。コマンドは代わりのノードグループを作り、古いものをドレイン"
    "（Pod は退避・再スケジュールされ、PodDisruptionBudget は守られます）してから削除します。先にラベル・テイント・台数・"
    "IAM 設定を新しいグループへ写してください。")


SSH_NOTE = Text(
    "To close port 22 at once while the replacement is prepared, remove the 0.0.0.0/0 and ::/0 rules from the "
    "node group's remote-access security group (aws ec2 revoke-security-group-ingress); use SSM Session Manager "
    "for shell access.",
    "代わりのノードグループを用意する間にすぐ 22 番ポートを閉じるには、ノードグループのリモートアクセス用セキュリティ"
    "グループから 0.0.0.0/0 と ::/0 のルールを削除してください（aws ec2 revoke-security-group-ingress）。シェル操作には "
    "SSM Session Manager を使います。")
NAT_NOTE = Text(" Private nodes need a NAT gateway route (or VPC endpoints) for egress: keep the NAT gateway and "
                "its Elastic IP.",
                "プライベートノードの外向き通信には NAT ゲートウェイへのルート（または VPC エンドポイント）が必要です。"
                "NAT ゲートウェイと Elastic IP は残してください。")
# rule → the `eksctl create nodegroup` flag of the replacement node group
REPLACEMENT_FLAGS = {"EKS201": "--node-private-networking", "EKS208": "--ssh-access=false",
                     "EKS302": "--disable-pod-imds"}


def _replacement_fix(cluster: Cluster, group: NodeGroup | None, target: str, rules: list[str]) -> LiveFix:
    """One replacement node group with every flag its findings need (EKS201, EKS208; IMDS ride along)."""
    name = _ng_parts(target)
    flags = [REPLACEMENT_FLAGS[r] for r in rules if r in REPLACEMENT_FLAGS]
    disrupts = REPLACE_DISRUPTS
    if "EKS201" in rules:
        disrupts = Text(REPLACE_DISRUPTS.en + NAT_NOTE.en, REPLACE_DISRUPTS.ja + NAT_NOTE.ja)
    return LiveFix(tuple(rules), target, _replacement_steps(cluster, group, name, flags), disrupts,
                   note=SSH_NOTE if "EKS208" in rules else None)


def _imds_fix(cluster: Cluster, group: NodeGroup | None, target: str, rules: list[str],
              replaced: bool = False) -> LiveFix:
    name = _ng_parts(target)
    managed = group is None or group.kind == "managed"
    cluster_tag, group_tag = (("eks:cluster-name", "eks:nodegroup-name") if managed
                              else ("alpha.eksctl.io/cluster-name", "alpha.eksctl.io/nodegroup-name"))
    options = ["--http-tokens", "required", "--http-endpoint", "enabled"]
    if "EKS302" in rules:
        options += ["--http-put-response-hop-limit", "1"]
    describe = _aws(cluster, "ec2", "describe-instances", "--filters",
                    q(f"Name=tag:{cluster_tag},Values={cluster.name}"), q(f"Name=tag:{group_tag},Values={name}"),
                    "Name=instance-state-name,Values=running", "--query",
                    q("Reservations[].Instances[].InstanceId"), "--output", "text")
    modify = _aws(cluster, "ec2", "modify-instance-metadata-options", "--instance-id", '"$id"', *options)
    loop = f"for id in $({describe}); do {modify}; done"
    extra = ["--disable-pod-imds"] if "EKS302" in rules else []
    permanent = Text("the replacement node group below", "下の代わりのノードグループ") if replaced else Text(
        "a replacement node group (see the alternative)", "代わりのノードグループ（代替案を参照）")
    return LiveFix(tuple(rules), target, (loop,), Text(
        "Applies to the running instances at once, without a restart. Pods that read the node role from IMDS (or "
        "use IMDSv1) lose it: give them IRSA or Pod Identity first. New instances still come from the launch "
        f"template, so make it permanent with {permanent.en}.",
        "稼働中のインスタンスに再起動なしで即時に適用されます。IMDS からノードロールを読む（または IMDSv1 を使う）Pod は"
        "それを失うため、先に IRSA か Pod Identity を与えてください。新しいインスタンスは起動テンプレートから作られるので、"
        f"{permanent.ja}で恒久化してください。"),
        () if replaced else _replacement_steps(cluster, group, name, extra))


def _oidc_fix(cluster: Cluster) -> LiveFix:
    return LiveFix(("EKS401",), cluster.target,
                   (_eksctl(cluster, "utils", "associate-iam-oidc-provider", "--approve"),),
                   Text("Nothing is interrupted; it only creates the IAM OIDC provider that IRSA roles trust.",
                        "何も中断しません。IRSA のロールが信頼する IAM OIDC プロバイダーを作るだけです。"),
                   (_aws(cluster, "eks", "create-addon", "--cluster-name", q(cluster.name), "--addon-name",
                         "eks-pod-identity-agent"),))


def live_commands(cluster: Cluster, findings: Iterable[Finding], options: FixOptions | None = None) -> list[LiveFix]:
    """The commands that fix this cluster's failing findings (only rules with a live fix; in a safe order)."""
    options = options or FixOptions()
    prefix = cluster.target
    failing = [f for f in findings if f.status is Status.FAIL and not f.suppressed and f.rule in LIVE_RULES
               and options.wants(f.rule) and (f.target == prefix or f.target.startswith(prefix + "/"))]
    rules = {f.rule for f in failing if f.target == prefix}
    fixes: list[LiveFix] = []
    endpoint_rules = [r for r in ("EKS101", "EKS103") if r in rules]
    if endpoint_rules:
        fixes.extend(_endpoint_fix(cluster, endpoint_rules, options))
    if "EKS104" in rules:
        fixes.append(_logging_fix(cluster))
    if "EKS105" in rules:
        fixes.append(_kms_fix(cluster, options))
    if "EKS401" in rules:
        fixes.append(_oidc_fix(cluster))
    if "EKS107" in rules:
        fixes.append(_auth_mode_fix(cluster))
    if "EKS108" in rules:
        fixes.append(_creator_admin_fix(cluster, options, after_auth_fix="EKS107" in rules))
    groups = {f"{prefix}/nodegroup/{g.name}": g for g in cluster.node_groups}
    by_target: dict[str, list[str]] = {}
    for finding in failing:
        if "/nodegroup/" in finding.target:
            by_target.setdefault(finding.target, []).append(finding.rule)
    for target in sorted(by_target):
        group_rules = sorted(set(by_target[target]))
        group = groups.get(target)
        imds = [r for r in group_rules if r in ("EKS301", "EKS302")]
        replace = [r for r in group_rules if r in ("EKS201", "EKS208")]
        if imds:
            fixes.append(_imds_fix(cluster, group, target, imds, replaced=bool(replace)))
        if replace:
            fixes.append(_replacement_fix(cluster, group, target, [*replace, *imds]))
    return fixes


# --- from a saved JSON report -------------------------------------------------------------------------


def _finding_from_json(item: Mapping[str, Any]) -> Finding:
    location = item.get("location") or {}
    origin = Origin(str(location.get("path") or ""), location.get("line"), location.get("column"),
                    str(location.get("pointer") or ""), location.get("resource"))
    message = item.get("message")
    return Finding(str(item.get("rule", "")), str(item.get("slug", "")), str(item.get("severity", "")),
                   Status(str(item.get("status", "fail"))), str(item.get("target", "")), origin,
                   item.get("observed"), item.get("provenance"),
                   Text(str(message), str(message)) if message else None,
                   extra=dict(item.get("details") or {}))


_LIST = re.compile(r"\[([^\]]*)\]")


def _observed_list(observed: str | None) -> list[str]:
    match = _LIST.search(observed or "")
    if not match:
        return []
    return [part.strip().strip("'\"") for part in match.group(1).split(",") if part.strip()]


def _is_live(finding: Finding) -> bool:
    origin = finding.origin
    return origin is not None and any(_ARN.match(text or "") for text in (origin.resource, origin.path))


def clusters_from_report(data: Mapping[str, Any], region: str | None = None,
                         live_only: bool = True) -> list[tuple[Cluster, list[Finding]]]:
    """The clusters of a JSON report (`eksguard audit --format json`) with their findings.

    A cluster is live when a finding of it is located at its EKS ARN (files are fixed with `fix PATH`);
    `live_only=False` takes every cluster. Only what the commands need is rebuilt: name, region (from
    the ARN, else `region`), node group names, current log types, public CIDRs and authentication mode
    (from the findings' observed values).
    """
    findings = [_finding_from_json(item) for item in data.get("findings") or [] if isinstance(item, Mapping)]
    clusters: dict[str, tuple[Cluster, list[Finding]]] = {}
    for finding in findings:
        parts = finding.target.split("/")
        if len(parts) < 2 or parts[0] != "cluster":
            continue
        key = "/".join(parts[:2])
        if key not in clusters:
            origin = finding.origin or Origin("")
            match = _ARN.match(origin.resource or origin.path or "")
            where = match.group("region") if match else region
            cluster = Cluster(parts[1], "live", Origin(origin.path, resource=origin.resource),
                              region=declared(where, origin) if where else None)
            clusters[key] = (cluster, [])
        cluster, items = clusters[key]
        if region is None and cluster.region is None and _is_live(finding):
            origin = finding.origin or Origin("")
            match = _ARN.match(origin.resource or "") or _ARN.match(origin.path or "")
            if match:
                cluster.region = declared(match.group("region"), origin)
                cluster.origin = Origin(origin.path, resource=origin.resource)
        items.append(finding)
        if finding.rule == "EKS104":
            cluster.log_types = declared(_observed_list(finding.observed), cluster.origin)
        if finding.rule == "EKS101":
            cluster.public_endpoint_cidrs = declared(_observed_list(finding.observed), cluster.origin)
        if finding.rule == "EKS107" and finding.observed:
            cluster.authentication_mode = declared(finding.observed.split("=", 1)[-1].strip(), cluster.origin)
        if "/nodegroup/" in finding.target:
            name = finding.target.split("/nodegroup/", 1)[1]
            if all(g.name != name for g in cluster.node_groups):
                cluster.node_groups.append(NodeGroup(name, "managed", cluster.origin))
    return [(cluster, items) for cluster, items in clusters.values()
            if not live_only or any(_is_live(f) for f in items)]


def render_fixes(cluster: Cluster, fixes: list[LiveFix], lang: str) -> str:
    """The commands as text: a comment per fix (rules, target, what it disrupts), then the commands."""
    from eksguard.i18n import detect_lang

    lang = detect_lang(lang)
    heading = {"en": ("Commands for", "never run by eksguard: review, then run them yourself"),
               "ja": ("実行するコマンド:", "eksguard は実行しません。確認してから自分で実行してください")}[lang]
    labels = {"en": ("disrupts", "alternative", "note", "needs input"),
              "ja": ("影響", "代替", "注意", "入力が必要")}[lang]
    region = _region(cluster)
    lines = [f"# {heading[0]} {cluster.target}" + (f" ({region})" if region else "") + f": {heading[1]}"]
    for fix in fixes:
        lines.append("")
        lines.append(f"# {', '.join(fix.rules)} {fix.target}")
        lines.append(f"#   {labels[0]}: {fix.disrupts.get(lang)}")
        if fix.note:
            lines.append(f"#   {labels[2] if fix.steps else labels[3]}: {fix.note.get(lang)}")
        lines.extend(fix.steps)
        if fix.alternative:
            lines.append(f"#   {labels[1]}:")
            lines.extend(f"#   {command}" for command in fix.alternative)
    return "\n".join(lines) + "\n"
