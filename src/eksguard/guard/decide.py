"""The decision: a pure function from the facts of one kubectl command to allow / confirm / refuse.

No I/O here: the runner gathers the facts, prints the notes, prompts, and runs kubectl.

For a mutating command, in this order, every one of these refuses (all reasons are reported):

1. EKS602: a manifest claims an environment other than the context's (whatever the policy);
2. the kubeconfig contradicts itself (an ARN for one region, a server in another);
3. the shell's `AWS_PROFILE` is not the profile the context signs in with, or the AWS account in use
   is not the context's account;
4. EKS601: kubectl is more than one minor version from the server (unless `--skip-version-check`);
5. the environment's policy: `deny`; `confirm` without a terminal and without `--confirm NAME`, or
   with the wrong NAME (not reported when 1-4 already refused: confirming would not help).

Read-only commands are never refused; the same facts only give warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from eksguard.guard.versions import KubeVersion, skew, supported_clients

if TYPE_CHECKING:
    from eksguard.guard.identity import CallerIdentity
    from eksguard.guard.manifests import Claim

ALLOW, CONFIRM, REFUSE = "allow", "confirm", "refuse"


@dataclass(frozen=True, slots=True)
class Note:
    """A message to show: `code` is a rule id (EKS601/EKS602) or a short slug; `key` is in messages."""

    code: str
    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Facts:
    mutating: bool
    command: str
    context: str | None
    cluster_name: str | None = None
    account: str | None = None
    region: str | None = None
    environment: str | None = None
    policy: str = ALLOW  # the matched environment's policy; allow when none matched
    environments_configured: bool = False
    config_path: str | None = None
    claims: tuple[Claim, ...] = ()
    client_version: KubeVersion | None = None
    server_version: KubeVersion | None = None
    client_error: str | None = None
    server_error: str | None = None
    server_url: str | None = None
    skip_version_check: bool = False
    shell_profile: str | None = None
    exec_profile: str | None = None
    caller: CallerIdentity | None = None
    interactive: bool = False
    confirm_flag: str | None = None
    previous_context: str | None = None  # set only when the current context changed
    current_context: str | None = None
    kube_problems: tuple[str, ...] = ()
    inconsistencies: tuple[str, ...] = ()

    @property
    def confirm_name(self) -> str:
        """What must be typed or given to --confirm: the EKS cluster name, else the context name."""
        return self.cluster_name or self.context or "?"


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: str
    refusals: tuple[Note, ...] = ()
    warnings: tuple[Note, ...] = ()
    confirm_name: str | None = None
    how: str = ""  # why it was allowed, for the audit log

    @property
    def rules(self) -> list[str]:
        return sorted({n.code for n in (*self.refusals, *self.warnings) if n.code.startswith("EKS")})


def _version_notes(facts: Facts) -> tuple[list[Note], list[Note]]:
    warnings: list[Note] = []
    refusals: list[Note] = []
    client, server = facts.client_version, facts.server_version
    if client is not None and server is not None:
        if skew(client, server) > 1:
            params = {"client": str(client), "server": str(server), "supported": supported_clients(server),
                      "cluster": facts.cluster_name or facts.context or "?"}
            if not facts.mutating:
                warnings.append(Note("EKS601", "eks601_read", params))
            elif facts.skip_version_check:
                warnings.append(Note("EKS601", "eks601_skipped", params))
            else:
                refusals.append(Note("EKS601", "eks601", params))
    elif facts.mutating and facts.skip_version_check:
        warnings.append(Note("version-check-skipped", "skip_version_check"))
    elif facts.mutating:
        if facts.client_error is not None:
            warnings.append(Note("client-version-unknown", "client_unknown", {"error": facts.client_error}))
        elif facts.server_error is not None:
            warnings.append(Note("server-version-unknown", "server_unreachable",
                                 {"server": facts.server_url or "?", "error": facts.server_error}))
    return warnings, refusals


def decide(facts: Facts) -> Decision:
    warnings: list[Note] = []
    refusals: list[Note] = []
    context = facts.context or "?"
    if facts.previous_context is not None:
        warnings.append(Note("context-changed", "context_changed",
                             {"old": facts.previous_context, "new": facts.current_context or "?"}))
    warnings.extend(Note("kubeconfig", "kube_problem", {"problem": p}) for p in facts.kube_problems)
    version_warnings, version_refusals = _version_notes(facts)
    warnings.extend(version_warnings)
    if not facts.mutating:
        return Decision(ALLOW, (), tuple(warnings), how="read-only")

    # 1. EKS602
    reported: set[str] = set()
    for claim in facts.claims:
        if facts.environment is not None:
            if claim.environment != facts.environment and claim.environment not in reported:
                reported.add(claim.environment)
                refusals.append(Note("EKS602", "eks602", {"manifest_env": claim.environment, "source": claim.source,
                                                          "context": context, "target_env": facts.environment}))
        elif claim.environment not in reported:
            reported.add(claim.environment)
            where = f" in {facts.config_path}" if facts.config_path else ""
            warnings.append(Note("EKS602", "manifest_env_unknown_target",
                                 {"manifest_env": claim.environment, "source": claim.source, "context": context,
                                  "where": where}))
    # 2. a kubeconfig that contradicts itself
    for detail in facts.inconsistencies:
        refusals.append(Note("kubeconfig-inconsistent", "inconsistent", {"context": context, "detail": detail}))
    # 3. AWS profile and account
    if facts.shell_profile and facts.exec_profile and facts.shell_profile != facts.exec_profile:
        refusals.append(Note("profile-mismatch", "profile_mismatch",
                             {"shell_profile": facts.shell_profile, "exec_profile": facts.exec_profile,
                              "context": context}))
    if facts.account and facts.caller is not None and facts.caller.account != facts.account:
        refusals.append(Note("account-mismatch", "account_mismatch",
                             {"caller_account": facts.caller.account, "caller_source": facts.caller.source,
                              "context": context, "cluster": facts.confirm_name,
                              "context_account": facts.account}))
    # 4. EKS601
    refusals.extend(version_refusals)
    # 5. policy
    name = facts.confirm_name
    env = facts.environment or "?"
    outcome = ALLOW
    how = f"policy {facts.policy}" if facts.environment else "no environment matched"
    if facts.policy == "deny":
        refusals.append(Note("policy-deny", "policy_deny", {"env": env, "command": facts.command, "cluster": name,
                                                            "config": facts.config_path or ".eksguard.yaml"}))
    elif facts.policy == "confirm" and not refusals:  # a confirmation cannot fix the reasons above
        if facts.confirm_flag is not None:
            if facts.confirm_flag.strip() == name:
                how = "confirmed with --confirm"
            else:
                refusals.append(Note("confirm-mismatch", "confirm_flag_mismatch",
                                     {"given": facts.confirm_flag, "cluster": name}))
        elif facts.interactive:
            outcome = CONFIRM
        else:
            refusals.append(Note("confirm-required", "confirm_no_tty", {"env": env, "cluster": name}))
    if refusals:
        return Decision(REFUSE, tuple(refusals), tuple(warnings), name, "refused")
    return Decision(outcome, (), tuple(warnings), name if outcome == CONFIRM else None, how)


def after_prompt(decision: Decision, typed: str | None) -> Decision:
    """The decision once the user typed (or did not type) the cluster name."""
    if decision.outcome != CONFIRM:
        return decision
    name = decision.confirm_name or "?"
    if typed is not None and typed.strip() == name:
        return replace(decision, outcome=ALLOW, how="confirmed by typing the cluster name")
    return replace(decision, outcome=REFUSE, how="refused",
                   refusals=(Note("confirm-mismatch", "confirm_typed_mismatch", {"cluster": name}),))
