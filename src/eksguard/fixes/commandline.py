"""Correcting `eksctl create cluster` command lines.

Flags can fix only part of what a command line gets wrong: `--node-private-networking` (EKS201),
`--ssh-access=false` (EKS208), `--disable-pod-imds` (EKS302) and `--with-oidc` (EKS401). No
`create cluster` flag sets endpoint access or CIDRs, logging, the authentication mode or the creator's
admin right (eks-domain.md §1.5), so for those the corrected form is a ClusterConfig file, the
equivalent of the flags with the fixes applied, created with `eksctl create cluster -f FILE`.

Uses the command-line source (`sources.commandline`, `sources.commandline_reader`) for parsing and
for the flags → ClusterConfig mapping, so both agree with `scan` exactly.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eksguard.config import Config
from eksguard.findings import Finding
from eksguard.fixes import Change, FixOptions, Outcome, Skip
from eksguard.model import Cluster, Text
from eksguard.sources.filekinds import file_kind

SOURCE = "eksctl-cli"
# rule → (flag to add, flag names it replaces)
FLAG_FIXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "EKS201": ("--node-private-networking", ("node-private-networking", "P")),
    "EKS208": ("--ssh-access=false", ("ssh-access",)),
    "EKS302": ("--disable-pod-imds", ("disable-pod-imds",)),
    "EKS401": ("--with-oidc", ("with-oidc",)),
}
CONFIG_ONLY = ("EKS101", "EKS103", "EKS104", "EKS107", "EKS108")
ADDON_POLICY_FLAGS = ("asg-access", "external-dns-access", "full-ecr-access", "appmesh-access",
                      "appmesh-preview-access", "alb-ingress-access")
# flags that stay on the command line next to `-f` (AWS client, CloudFormation, kubeconfig, output)
KEPT_WITH_CONFIG = ("profile", "timeout", "cfn-role-arn", "cfn-disable-rollback", "kubeconfig",
                    "authenticator-role-arn", "set-kubeconfig-context", "auto-kubeconfig", "write-kubeconfig",
                    "verbose", "color", "dumpLogs", "install-neuron-plugin", "install-nvidia-plugin",
                    "nodegroup-parallelism")
CONFIG_NOTE = Text(
    "`eksctl create cluster` has no flag for endpoint access or CIDRs, control-plane logging, the authentication "
    "mode or the creator's admin right: use `--to-config FILE` to write the equivalent ClusterConfig with every "
    "fix, then `eksctl create cluster -f FILE`.",
    "`eksctl create cluster` にはエンドポイントのアクセスや CIDR、コントロールプレーンのログ、認証モード、作成者の管理者権限を"
    "指定するフラグがありません。`--to-config FILE` で修正をすべて反映した同等の ClusterConfig を書き出し、"
    "`eksctl create cluster -f FILE` で作成してください。")


class CommandLineUnavailable(RuntimeError):
    """The command-line source is not in this checkout."""


def _source() -> tuple[Any, Any]:
    try:
        from eksguard.sources import commandline, commandline_reader
    except ImportError as exc:  # pragma: no cover - depends on the checkout
        raise CommandLineUnavailable(f"the eksctl command-line source is not available: {exc}") from None
    return commandline, commandline_reader


@dataclass(slots=True)
class CommandFix:
    """One `eksctl create cluster` command line and its correction."""

    path: str
    line: int
    original: str  # the eksctl command as written (words joined)
    corrected: str | None  # the command with flag fixes; None when it uses -f
    cluster: Cluster | None
    outcome: Outcome = field(default_factory=Outcome)
    config_needed: list[str] = field(default_factory=list)  # rules only a config file can fix
    invocation: Any = None

    @property
    def target(self) -> str:
        return self.cluster.target if self.cluster is not None else f"{self.path}:{self.line}"


def _word_flag(text: str) -> tuple[str, str | None]:
    """(`name`, value) of a flag word: `--name=v` → (name, v), `--name` → (name, None), `-P` → (P, None)."""
    body = text.lstrip("-")
    name, eq, value = body.partition("=")
    return name, value if eq else None


def _raw(word: Any) -> str:
    return str(word.raw)


def _given_true(parsed: Any, name: str) -> bool:
    values = parsed.values.get(name)
    return bool(values) and values[-1].text in ("1", "t", "T", "TRUE", "true", "True")


def correct(invocation: Any, findings: list[Finding], options: FixOptions, cluster: Cluster | None = None) -> CommandFix:
    """The corrected command line of one `eksctl create cluster` invocation for its failing findings."""
    _, reader = _source()
    command, rest = reader.split_command(invocation.args)
    original = " ".join(["eksctl", *(_raw(w) for w in invocation.args)])
    result = CommandFix(invocation.path, invocation.line, original, None, cluster, invocation=invocation)
    parsed = reader.parse_flags(rest, reader.CREATE_CLUSTER)
    if command != ("create", "cluster") or parsed.given("config-file"):
        return result
    words = list(invocation.args)
    added: list[str] = []
    for finding in sorted(findings, key=lambda f: (f.rule, f.target)):
        rule = finding.rule
        if not options.wants(rule):
            continue
        if rule in CONFIG_ONLY:
            if rule not in result.config_needed:
                result.config_needed.append(rule)
            continue
        if rule not in FLAG_FIXES:
            continue
        flag, replaces = FLAG_FIXES[rule]
        if rule == "EKS302":
            conflicting = [name for name in ADDON_POLICY_FLAGS if _given_true(parsed, name)]
            if conflicting:
                result.outcome.skipped.append(Skip(rule, finding.target, Text(
                    f"eksctl rejects --disable-pod-imds with {', '.join('--' + n for n in conflicting)}: give those "
                    "add-ons IRSA or Pod Identity roles instead of node-role policies first",
                    f"eksctl は --disable-pod-imds と {', '.join('--' + n for n in conflicting)} の併用を拒否します。先に"
                    "それらのアドオンにノードロールのポリシーではなく IRSA か Pod Identity のロールを与えてください")))
                continue
        if rule == "EKS201" and parsed.given("vpc-public-subnets") and not parsed.given("vpc-private-subnets"):
            result.outcome.skipped.append(Skip(rule, finding.target, Text(
                "the command names only public subnets (--vpc-public-subnets): add --vpc-private-subnets with "
                "subnets that route to a NAT gateway",
                "コマンドはパブリックサブネット（--vpc-public-subnets）しか指定していません。NAT ゲートウェイへ向かう "
                "--vpc-private-subnets を追加してください")))
            continue
        if flag in added:
            result.outcome.changes.append(Change(rule, finding.target, Text(f"`{flag}`", f"`{flag}`")))
            continue
        words = [w for w in words if not (w.known and w.text.startswith("-") and not w.text.startswith("---")
                                          and _word_flag(w.text)[0] in replaces)]
        added.append(flag)
        result.outcome.changes.append(Change(rule, finding.target, Text(f"`{flag}`", f"`{flag}`")))
        if rule == "EKS201":
            nat = parsed.last("vpc-nat-mode")
            if nat is not None and nat.text.lower() == "disable":
                result.outcome.warn(Text(
                    "`--vpc-nat-mode Disable`: private nodes then have no internet egress and cannot join; use "
                    "Single or HighlyAvailable.",
                    "`--vpc-nat-mode Disable` ではプライベートノードがインターネットに出られず参加できません。Single か "
                    "HighlyAvailable にしてください。"))
    result.corrected = " ".join(["eksctl", *(_raw(w) for w in words), *added])
    return result


def equivalent_config(invocation: Any) -> tuple[str, list[Text]]:
    """The ClusterConfig YAML the flags of an `eksctl create cluster` invocation stand for."""
    _, reader = _source()
    _, rest = reader.split_command(invocation.args)
    parsed = reader.parse_flags(rest, reader.CREATE_CLUSTER)
    warnings: list[Text] = []
    builder = reader.cluster_document(parsed, invocation.line, warnings)
    document = json.loads(json.dumps(builder.root, default=str))
    if "metadata" in document and "name" not in document["metadata"]:
        document["metadata"]["name"] = "my-cluster"
        warnings.append(Text("The command gives no --name (eksctl would generate one): the file says `my-cluster`.",
                             "コマンドに --name がない（eksctl は名前を生成します）ため、ファイルでは `my-cluster` にしました。"))
    for kind in ("managedNodeGroups", "nodeGroups"):
        for index, group in enumerate(document.get(kind) or []):
            if isinstance(group, dict) and not group.get("name"):
                # eksctl generates `ng-<random>` for flags, but a config file must name its node groups
                group["name"] = f"ng-{index + 1}"
                document[kind][index] = {"name": group.pop("name"), **group}
    if getattr(builder, "unknowns", None):
        warnings.append(Text(
            "Values the command line leaves open are written as they stand (" + ", ".join(sorted(builder.unknowns))
            + "): fill them in (or run the file through envsubst) before `eksctl create cluster -f`.",
            "コマンドラインで決まらない値はそのまま書き出しました（" + ", ".join(sorted(builder.unknowns))
            + "）。`eksctl create cluster -f` の前に値を埋めて（または envsubst を通して）ください。"))
    if parsed.given("vpc-from-kops-cluster"):
        warnings.append(Text("`--vpc-from-kops-cluster` has no ClusterConfig equivalent: list the kops VPC's "
                             "subnets under `vpc.subnets`.",
                             "`--vpc-from-kops-cluster` に相当する ClusterConfig の項目はありません。kops の VPC の"
                             "サブネットを `vpc.subnets` に記述してください。"))
    import yaml

    header = f"# The ClusterConfig equivalent of: {' '.join(['eksctl', *(_raw(w) for w in invocation.args)])}\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True), warnings


def config_command(invocation: Any, config_path: str) -> str:
    """`eksctl create cluster -f FILE` with the flags that still apply next to `-f`."""
    _, reader = _source()
    _, rest = reader.split_command(invocation.args)
    parsed = reader.parse_flags(rest, reader.CREATE_CLUSTER)
    parts = ["eksctl", "create", "cluster", "-f", shlex.quote(config_path)]
    for name in KEPT_WITH_CONFIG:
        for value in parsed.values.get(name, []):
            if value.flag.kind == "bool":
                parts.append(f"--{name}={value.text}" if value.text != "true" else f"--{name}")
            else:
                parts.append(f"--{name}={value.text if value.unknown else shlex.quote(value.text)}")
    return " ".join(parts)


def invocations_of(text: str, path: str, variables: Mapping[str, str] | None = None) -> list[Any]:
    """The `eksctl create cluster` invocations (without -f) in a script/Markdown text."""
    commandline, reader = _source()
    kind = file_kind(path.rsplit("/", 1)[-1]) or "shell"
    found = []
    for invocation in commandline.scan_text(kind, text, path, dict(variables or {})):
        command, rest = reader.split_command(invocation.args)
        if command == ("create", "cluster") and not reader.parse_flags(rest, reader.CREATE_CLUSTER).given(
                "config-file"):
            found.append(invocation)
    return found


def cluster_of(invocation: Any, clusters: list[Cluster]) -> Cluster | None:
    for cluster in clusters:
        if cluster.source == SOURCE and cluster.origin.path == invocation.path and cluster.origin.line == invocation.line:
            return cluster
    return None


def fix_commands(text: str, path: str, options: FixOptions, config: Config | None = None,
                 variables: Mapping[str, str] | None = None, today: dt.date | None = None) -> list[CommandFix]:
    """Scan a script/Markdown text and correct each `eksctl create cluster` command line in it."""
    from eksguard.fixes.eksctl import scan_text

    report = scan_text(text, path, variables or {}, config or Config(), today)
    results = []
    for invocation in invocations_of(text, path, variables):
        cluster = cluster_of(invocation, report.estate.clusters)
        prefix = cluster.target if cluster is not None else None
        findings = [f for f in report.failures if prefix and (f.target == prefix or f.target.startswith(prefix + "/"))]
        results.append(correct(invocation, findings, options, cluster))
    return results
