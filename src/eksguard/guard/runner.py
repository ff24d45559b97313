"""Runs the guard: gathers the facts, asks `decide`, talks to the user, logs, and runs kubectl.

Everything that touches the outside world is in `Deps`, so tests can replace any of it (the AWS
caller lookup above all: it is never needed in tests).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from eksguard.guard import EXIT_REFUSED, EXIT_USAGE, state
from eksguard.guard.argv import GuardUsageError, KubectlArgs, parse_kubectl_args, split_guard_options
from eksguard.guard.decide import ALLOW, CONFIRM, REFUSE, Facts, Note, after_prompt, decide
from eksguard.guard.environments import (
    Environment,
    EnvironmentConfigError,
    Environments,
    TargetFacts,
    load_environments,
    match_target,
)
from eksguard.guard.kubeconfig import Overrides, ResolvedContext, resolve
from eksguard.guard.messages import detect_lang, message
from eksguard.guard.target import EksTarget, derive
from eksguard.guard.verbs import LOCAL_VERBS, classify
from eksguard.guard.versions import (
    DEFAULT_TIMEOUT,
    DEFAULT_TTL,
    Fetcher,
    VersionResult,
    client_version,
    fetch_server_version,
    server_version,
    skew,
)

if TYPE_CHECKING:  # imported where used: a read-only command never needs them
    from eksguard.guard.identity import CallerIdentity, CallerLookup
    from eksguard.guard.manifests import Claim

ACTIVE_ENV = "EKSGUARD_ACTIVE"  # set for the kubectl the guard runs, to catch a guard that runs itself
KubectlRunner = Callable[[list[str], Mapping[str, str], bytes | None], int]


def _run_kubectl(command: list[str], env: Mapping[str, str], stdin_data: bytes | None) -> int:
    process = subprocess.Popen(command, env=dict(env), stdin=subprocess.PIPE if stdin_data is not None else None)
    if stdin_data is not None and process.stdin is not None:
        try:
            process.stdin.write(stdin_data)
            process.stdin.close()
        except BrokenPipeError:
            pass
    while True:
        try:
            code = process.wait()
            break
        except KeyboardInterrupt:  # kubectl got the same Ctrl-C; wait for it to finish
            continue
    return 128 - code if code < 0 else code


def _prompt(text: str) -> str | None:
    click.echo(text, err=True, nl=False)
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


def _interactive(environ: Mapping[str, str]) -> bool:
    if environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        return False
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@dataclass(slots=True)
class Deps:
    environ: Mapping[str, str]
    cwd: Path
    home: Path
    interactive: Callable[[], bool]
    prompt: Callable[[str], str | None] = _prompt
    run_kubectl: KubectlRunner = _run_kubectl
    fetch_server: Fetcher = fetch_server_version
    caller_lookup: CallerLookup | None = None
    now: Callable[[], float] = time.time
    read_stdin: Callable[[], bytes] = field(default=lambda: sys.stdin.buffer.read())
    err: Callable[[str], None] = field(default=lambda text: click.echo(text, err=True))
    out: Callable[[str], None] = field(default=lambda text: click.echo(text))

    @classmethod
    def default(cls) -> Deps:
        from eksguard.guard.identity import sts_caller_identity, sts_enabled

        environ = dict(os.environ)
        return cls(environ=environ, cwd=Path.cwd(), home=Path.home(),
                   interactive=lambda: _interactive(environ),
                   caller_lookup=sts_caller_identity if sts_enabled(environ) else None)


@dataclass(slots=True)
class Survey:
    """What the guard knows about the target before looking at the command itself."""

    resolved: ResolvedContext
    target: EksTarget
    environments: Environments
    environment: Environment | None
    config_error: str | None
    previous_context: str | None  # the last context seen, when it differs from the current one

    @property
    def policy(self) -> str:
        return self.environment.policy if self.environment is not None else ALLOW


def overrides_from(parsed: KubectlArgs) -> Overrides:
    insecure: bool | None = None
    if parsed.present("insecure-skip-tls-verify"):
        insecure = parsed.boolean("insecure-skip-tls-verify")
    return Overrides(
        kubeconfig=parsed.value("kubeconfig"), context=parsed.value("context"), cluster=parsed.value("cluster"),
        user=parsed.value("user"), server=parsed.value("server"),
        certificate_authority=parsed.value("certificate-authority"), insecure=insecure,
        namespace=parsed.value("namespace"),
    )


def survey(overrides: Overrides, deps: Deps) -> Survey:
    resolved = resolve(overrides, deps.environ, deps.home)
    target = derive(resolved)
    config_error: str | None = None
    try:
        environments = load_environments(deps.environ, deps.cwd, deps.home)
    except EnvironmentConfigError as exc:
        environments, config_error = Environments(), str(exc)
    environment = match_target(environments, TargetFacts(
        context=resolved.context, cluster_entry=resolved.cluster_entry, cluster_name=target.cluster_name,
        arn=target.arn, account=target.account, region=target.region))
    previous = state.last_context(state.state_dir(deps.environ, deps.home), resolved.files_key)
    changed = previous if previous is not None and previous != resolved.current_context else None
    return Survey(resolved, target, environments, environment, config_error, changed)


def find_kubectl(explicit: str | None, environ: Mapping[str, str]) -> tuple[str | None, str]:
    wanted = explicit or environ.get("EKSGUARD_KUBECTL") or "kubectl"
    if os.sep in wanted:
        path = Path(wanted).expanduser()
        return (str(path) if path.is_file() and os.access(path, os.X_OK) else None), wanted
    return shutil.which(wanted, path=environ.get("PATH", os.defpath)), wanted


def _ttl(environ: Mapping[str, str]) -> float:
    try:
        return float(environ.get("EKSGUARD_VERSION_CACHE_TTL", DEFAULT_TTL))
    except ValueError:
        return DEFAULT_TTL


def _timeout(environ: Mapping[str, str]) -> float:
    try:
        return float(environ.get("EKSGUARD_VERSION_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def versions(kubectl: str | None, resolved: ResolvedContext, deps: Deps, *, cached_only: bool,
             ) -> tuple[VersionResult, VersionResult]:
    cache = state.cache_dir(deps.environ, deps.home)
    client = client_version(kubectl, cache, cached_only=cached_only) if kubectl else VersionResult(None, "no kubectl")
    server = server_version(resolved, cache, now=deps.now(), ttl=_ttl(deps.environ),
                            timeout=_timeout(deps.environ), cached_only=cached_only, fetch=deps.fetch_server)
    return client, server


def shell_profile(environ: Mapping[str, str]) -> str | None:
    return environ.get("AWS_PROFILE") or environ.get("AWS_DEFAULT_PROFILE") or None


def caller_identity(target: EksTarget, deps: Deps) -> CallerIdentity | None:
    """The account the token will be made for (see `identity`)."""
    from eksguard.guard.identity import CallerIdentity, profile_account

    if target.role_account:
        return CallerIdentity(target.role_account, "exec --role-arn", target.role_arn)
    profile = target.exec_profile or shell_profile(deps.environ)
    if profile or not deps.environ.get("AWS_ACCESS_KEY_ID"):
        found = profile_account(profile, deps.environ, deps.home)
        if found is not None:
            return found
    return deps.caller_lookup(profile) if deps.caller_lookup is not None else None


def _stdin_manifest(parsed: KubectlArgs) -> bool:
    return "-" in parsed.values("filename")


class Guard:
    """One guarded kubectl invocation."""

    def __init__(self, argv: Sequence[str], deps: Deps) -> None:
        self.argv = list(argv)
        self.deps = deps
        self.lang = detect_lang(None, deps.environ)

    def say(self, key: str, **params: object) -> None:
        self.deps.err(message(key, self.lang, **params))

    def show(self, note: Note, prefix: str = "") -> None:
        self.deps.err(prefix + message(note.key, self.lang, **note.params))

    def run(self) -> int:
        try:
            options, kubectl_args = split_guard_options(self.argv)
        except GuardUsageError as exc:
            self.say(exc.key, **exc.params)
            return EXIT_USAGE
        self.lang = detect_lang(options.lang, self.deps.environ)
        if options.help:
            self.deps.out(message("help", self.lang))
            return 0
        if self.deps.environ.get(ACTIVE_ENV) == "1":
            self.say("usage_recursion")
            return EXIT_USAGE
        kubectl, wanted = find_kubectl(options.kubectl, self.deps.environ)
        if kubectl is None:
            self.say("kubectl_not_found", kubectl=wanted)
            return EXIT_USAGE
        parsed = parse_kubectl_args(kubectl_args)
        if parsed.verb in ("__complete", "__completeNoDesc", "completion"):
            return self._exec(kubectl, kubectl_args, None)  # shell completion: no checks, no output
        classification = classify(parsed)
        found = survey(overrides_from(parsed), self.deps)
        state_dir = state.state_dir(self.deps.environ, self.deps.home)
        state.remember_context(state_dir, found.resolved.files_key, found.resolved.current_context, self.deps.now())

        stdin_data: bytes | None = None
        claims: tuple[Claim, ...] = ()
        client = server = VersionResult(None)
        caller: CallerIdentity | None = None
        target = found.target
        if classification.mutating:
            from eksguard.guard.manifests import manifest_claims

            if found.config_error is not None:
                self.say("config_error", error=found.config_error)
                self._audit(found, parsed, "refused", f"configuration error: {found.config_error}", [])
                return EXIT_USAGE
            if _stdin_manifest(parsed):
                stdin_data = self.deps.read_stdin()
            claims = tuple(manifest_claims(
                found.environments, self.deps.cwd, filenames=parsed.values("filename"),
                kustomize=parsed.values("kustomize"), recursive=parsed.boolean("recursive"),
                stdin_text=stdin_data.decode("utf-8", "replace") if stdin_data is not None else None,
                home=self.deps.home))
            if not options.skip_version_check:
                client, server = versions(kubectl, found.resolved, self.deps, cached_only=False)
            if target.account:
                caller = caller_identity(target, self.deps)
        else:
            if found.config_error is not None:
                self.say("config_error_read", error=found.config_error)
            if parsed.verb not in LOCAL_VERBS:
                client, server = versions(kubectl, found.resolved, self.deps, cached_only=True)

        facts = Facts(
            mutating=classification.mutating, command=classification.command,
            context=found.resolved.context, cluster_name=target.cluster_name, account=target.account,
            region=target.region,
            environment=found.environment.name if found.environment else None, policy=found.policy,
            environments_configured=bool(found.environments.items),
            config_path=str(found.environments.path) if found.environments.path else None,
            claims=claims, client_version=client.version, server_version=server.version,
            client_error=client.error if client.version is None else None,
            server_error=server.error if server.version is None else None,
            server_url=found.resolved.server, skip_version_check=options.skip_version_check,
            shell_profile=shell_profile(self.deps.environ), exec_profile=target.exec_profile, caller=caller,
            interactive=stdin_data is None and self.deps.interactive(), confirm_flag=options.confirm,
            previous_context=found.previous_context, current_context=found.resolved.current_context,
            kube_problems=found.resolved.problems if classification.mutating else (),
            inconsistencies=target.inconsistencies,
        )
        decision = decide(facts)
        if classification.mutating and found.environment is not None and found.environment.banner is not None:
            banner = found.environment.banner
            self.deps.err(click.style(banner.text or found.environment.name, fg=banner.color, bold=True))
        for note in decision.warnings:
            self.show(note)
        if decision.outcome == CONFIRM:
            self.say("target_line", command=classification.command, context=facts.context or "?",
                     cluster=facts.confirm_name, account=target.account or "?", region=target.region or "?",
                     env=facts.environment or "?")
            typed = self.deps.prompt(message("confirm_prompt", self.lang, cluster=facts.confirm_name))
            decision = after_prompt(decision, typed)
        if decision.outcome == REFUSE:
            self.say("refused", command=classification.command, context=facts.context or "?")
            for note in decision.refusals:
                self.show(note, "  - ")
            reason = "; ".join(message(n.key, "en", **n.params) for n in decision.refusals)
            self._audit(found, parsed, "refused", reason, decision.rules, caller)
            return EXIT_REFUSED
        if classification.mutating:
            self._audit(found, parsed, "allowed", decision.how, decision.rules, caller)
        code = self._exec(kubectl, kubectl_args, stdin_data)
        if parsed.verb == "config":  # `config use-context` etc.: the switch was the user's own
            after = resolve(overrides_from(parsed), self.deps.environ, self.deps.home)
            state.remember_context(state_dir, after.files_key, after.current_context, self.deps.now())
        return code

    def _exec(self, kubectl: str, args: list[str], stdin_data: bytes | None) -> int:
        env = dict(self.deps.environ)
        env[ACTIVE_ENV] = "1"
        try:
            return self.deps.run_kubectl([kubectl, *args], env, stdin_data)
        except OSError as exc:
            self.say("kubectl_failed", kubectl=kubectl, error=exc.strerror or exc.__class__.__name__)
            return EXIT_USAGE

    def _audit(self, found: Survey, parsed: KubectlArgs, decision: str, reason: str, rules: list[str],
               caller: CallerIdentity | None = None) -> None:
        from eksguard.guard import audit

        path = audit.audit_log_path(self.deps.environ, self.deps.home)
        target = found.target
        fields: dict[str, Any] = {
            "context": found.resolved.context,
            "cluster_arn": target.arn,
            "cluster": target.cluster_name,
            "account": target.account,
            "region": target.region,
            "environment": found.environment.name if found.environment else None,
            "policy": found.policy,
            "rules": rules,
        }
        if caller is not None:
            fields["aws_identity"] = caller.arn or caller.account
        record = audit.build_record(now=dt.datetime.fromtimestamp(self.deps.now(), dt.UTC),
                                    environ=self.deps.environ, argv=list(parsed.args), decision=decision,
                                    reason=reason, **fields)
        try:
            audit.append(path, record)
        except OSError as exc:
            self.say("audit_failed", path=path, error=exc.strerror or exc.__class__.__name__)


def run_guard(argv: Sequence[str], deps: Deps | None = None) -> int:
    return Guard(argv, deps or Deps.default()).run()


# --- `eksguard context` ---------------------------------------------------------------------


def context_report(deps: Deps, overrides: Overrides, kubectl_option: str | None, *, offline: bool) -> dict[str, Any]:
    """Everything about the current context, for people (text) and prompts (JSON)."""
    found = survey(overrides, deps)
    resolved, target = found.resolved, found.target
    kubectl, _ = find_kubectl(kubectl_option, deps.environ)
    client, server = versions(kubectl, resolved, deps, cached_only=offline)
    gap = skew(client.version, server.version) if client.version and server.version else None
    env = found.environment
    return {
        "context": resolved.context,
        "context_from_flag": resolved.context_from_flag,
        "current_context": resolved.current_context,
        "previous_context": found.previous_context,
        "context_changed": found.previous_context is not None,
        "kubeconfig": [str(p) for p in resolved.files],
        "namespace": resolved.namespace,
        "cluster": {
            "entry": resolved.cluster_entry,
            "name": target.cluster_name,
            "account": target.account,
            "region": target.region,
            "arn": target.arn,
            "server": resolved.server,
            "sources": dict(target.sources),
        },
        "user": {
            "entry": resolved.user_entry,
            "aws_profile": target.exec_profile,
            "role_arn": target.role_arn,
            "exec_command": resolved.exec.command if resolved.exec else None,
        },
        "shell_aws_profile": shell_profile(deps.environ),
        "environment": None if env is None else {
            "name": env.name, "policy": env.policy,
            "banner": None if env.banner is None else {"text": env.banner.text, "color": env.banner.color},
        },
        "policy": found.policy,
        "config": str(found.environments.path) if found.environments.path else None,
        "config_error": found.config_error,
        "versions": {
            "client": str(client.version) if client.version else None,
            "server": str(server.version) if server.version else None,
            "server_cached": server.cached,
            "server_error": server.error if server.version is None else None,
            "client_error": client.error if client.version is None else None,
            "minor_skew": gap,
            "skew_ok": None if gap is None else gap <= 1,
        },
        "problems": list(resolved.problems) + list(target.inconsistencies),
    }


def _width(text: str) -> int:
    """Display width in a terminal: East Asian wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def render_context(report: dict[str, Any], lang: str, *, colour_banner: bool = True) -> str:
    def t(key: str, **params: object) -> str:
        return message(key, lang, **params)

    unknown = t("ctx_unknown")
    cluster = report["cluster"]
    versions_ = report["versions"]
    env = report["environment"]
    lines: list[str] = []
    if env and env.get("banner"):
        banner = env["banner"]
        lines.append(click.style(banner["text"] or env["name"], fg=banner["color"], bold=True)
                     if colour_banner else (banner["text"] or env["name"]))
    context = report["context"] or t("ctx_none")
    if report["context_changed"]:
        context += f"  ({t('ctx_changed', old=report['previous_context'])})"
    skew_text = t("ctx_skew_bad") if versions_["skew_ok"] is False else ""
    server_text = versions_["server"] or unknown
    if versions_["server"] and versions_["server_cached"]:
        server_text += t("ctx_cached")
    rows = [
        ("ctx_context", context),
        ("ctx_cluster", cluster["name"] or cluster["entry"] or unknown),
        ("ctx_account", cluster["account"] or unknown),
        ("ctx_region", cluster["region"] or unknown),
        ("ctx_arn", cluster["arn"] or unknown),
        ("ctx_server", cluster["server"] or unknown),
        ("ctx_profile", report["user"]["aws_profile"] or report["shell_aws_profile"] or t("ctx_none")),
        ("ctx_environment", env["name"] if env else t("ctx_no_env")),
        ("ctx_policy", t("ctx_policy_value", policy=report["policy"])),
        ("ctx_versions", t("ctx_versions_value", client=versions_["client"] or unknown, server=server_text,
                           skew=skew_text)),
        ("ctx_config", report["config"] or t("ctx_none")),
    ]
    labels = [t(key) for key, _ in rows]
    width = max(_width(label) for label in labels)
    for label, (_, value) in zip(labels, rows, strict=True):
        lines.append(f"{label}{' ' * (width - _width(label))}  {value}")
    for problem in report["problems"]:
        lines.append(f"! {problem}")
    if report["config_error"]:
        lines.append(f"! {report['config_error']}")
    return "\n".join(lines)
