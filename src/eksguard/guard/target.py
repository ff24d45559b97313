"""The EKS cluster behind a kubectl context: name, region, account, ARN (eks-domain.md §11).

Sources, strongest first:

- ARN-shaped names written by `aws eks update-kubeconfig`: cluster, user and context are all
  `arn:<partition>:eks:<region>:<account>:cluster/<name>` unless aliased;
- the exec credential plugin: `aws eks get-token --cluster-name N --region R [--role-arn A]`
  (older `--role`), `aws-iam-authenticator token -i N [-r ROLE]`, `AWS_PROFILE`, `AWS_REGION` /
  `AWS_DEFAULT_REGION` in its env;
- eksctl's names: cluster `<name>.<region>.eksctl.io`, context `<session>@<name>.<region>.eksctl.io`;
- the API server host `*.<region>.eks.amazonaws.com` (`.api.aws` for dual-stack,
  `.amazonwebservices.com.cn` in China), which gives the region only.

When two sources disagree (for example an ARN for us-east-1 on a server in us-west-2), the context
has been edited by hand and its name cannot be trusted; that is reported as an inconsistency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from eksguard.guard.kubeconfig import ExecConfig, ResolvedContext

_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
EKS_ARN = re.compile(
    rf"^arn:(?P<partition>aws(?:-cn|-us-gov|-iso(?:-[a-z])?)?):eks:(?P<region>{_REGION}):(?P<account>\d{{12}})"
    r":cluster/(?P<name>[A-Za-z0-9][A-Za-z0-9_-]*)$"
)
IAM_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(?P<account>\d{12}):")
EKSCTL_NAME = re.compile(rf"^(?:[^@]*@)?(?P<name>[A-Za-z][A-Za-z0-9-]*)\.(?P<region>{_REGION})\.eksctl\.io$")
SERVER_HOST = re.compile(
    rf"\.(?P<region>{_REGION})\.(?:eks\.amazonaws\.com|api\.aws|eks\.amazonaws\.com\.cn|"
    r"eks\.amazonwebservices\.com\.cn)$"
)


@dataclass(frozen=True, slots=True)
class EksTarget:
    cluster_name: str | None = None
    region: str | None = None
    account: str | None = None
    partition: str | None = None
    role_arn: str | None = None
    exec_profile: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    inconsistencies: tuple[str, ...] = ()

    @property
    def arn(self) -> str | None:
        if self.cluster_name and self.region and self.account:
            partition = self.partition or partition_of(self.region)
            return f"arn:{partition}:eks:{self.region}:{self.account}:cluster/{self.cluster_name}"
        return None

    @property
    def role_account(self) -> str | None:
        match = IAM_ARN.match(self.role_arn or "")
        return match.group("account") if match else None


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _option(args: tuple[str, ...], names: tuple[str, ...]) -> str | None:
    for index, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in names:
            if eq:
                return value
            if index + 1 < len(args):
                return args[index + 1]
    return None


def exec_facts(spec: ExecConfig) -> dict[str, tuple[str, str]]:
    """cluster/region/role/profile from an exec plugin, each with where it came from."""
    facts: dict[str, tuple[str, str]] = {}
    args = spec.args
    is_authenticator = spec.command.rsplit("/", 1)[-1].startswith("aws-iam-authenticator") or "token" in args[:1]
    cluster = _option(args, ("--cluster-name", "--cluster-id", "-i"))
    if cluster:
        facts["cluster_name"] = (cluster, "exec --cluster-name")
    region = _option(args, ("--region",))
    if region:
        facts["region"] = (region, "exec --region")
    else:
        for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            value = spec.env_value(name)
            if value:
                facts["region"] = (value, f"exec env {name}")
                break
    role = _option(args, ("--role-arn", "--role") + (("-r",) if is_authenticator else ()))
    if role:
        facts["role_arn"] = (role, "exec --role-arn")
    profile = spec.env_value("AWS_PROFILE") or _option(args, ("--profile",))
    if profile:
        facts["exec_profile"] = (profile, "exec env AWS_PROFILE")
    return facts


def derive(resolved: ResolvedContext) -> EksTarget:
    found: dict[str, list[tuple[str, str]]] = {}

    def add(key: str, value: str | None, source: str) -> None:
        if value:
            found.setdefault(key, []).append((value, source))

    for label, name in (("cluster entry", resolved.cluster_entry), ("context", resolved.context),
                        ("user", resolved.user_entry)):
        match = EKS_ARN.match(name or "")
        if match:
            add("cluster_name", match.group("name"), f"{label} ARN")
            add("region", match.group("region"), f"{label} ARN")
            add("account", match.group("account"), f"{label} ARN")
            add("partition", match.group("partition"), f"{label} ARN")
    if resolved.exec is not None:
        for key, (value, source) in exec_facts(resolved.exec).items():
            add(key, value, source)
    for label, name in (("eksctl cluster name", resolved.cluster_entry), ("eksctl context name", resolved.context)):
        match = EKSCTL_NAME.match(name or "")
        if match:
            add("cluster_name", match.group("name"), label)
            add("region", match.group("region"), label)
    try:
        host = urlsplit(resolved.server).hostname if resolved.server else None
    except ValueError:  # a malformed server URL names no host (kubectl itself will say so)
        host = None
    match = SERVER_HOST.search(host or "")
    if match:
        add("region", match.group("region"), "server host")

    inconsistencies: list[str] = []
    chosen: dict[str, str] = {}
    sources: dict[str, str] = {}
    for key, candidates in found.items():
        value, source = candidates[0]
        chosen[key] = value
        sources[key] = source
        if key in ("cluster_name", "region", "account"):
            for other, other_source in candidates[1:]:
                if other != value:
                    inconsistencies.append(f"{key.replace('_', ' ')}: {value} ({source}) vs {other} ({other_source})")
    return EksTarget(
        cluster_name=chosen.get("cluster_name"),
        region=chosen.get("region"),
        account=chosen.get("account"),
        partition=chosen.get("partition"),
        role_arn=chosen.get("role_arn"),
        exec_profile=chosen.get("exec_profile"),
        sources=sources,
        inconsistencies=tuple(dict.fromkeys(inconsistencies)),
    )
