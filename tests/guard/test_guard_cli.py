"""End to end through the click command: real kubeconfig files, a stand-in kubectl, a local /version."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from guardkit import (
    DEV_CONTEXT,
    FAKE_TOKEN,
    PROD_ACCOUNT,
    PROD_ARN,
    FakeKubectl,
    Project,
    audit_lines,
    aws_cli_kubeconfig,
    eksctl_kubeconfig,
    write_yaml,
)

from eksguard.guard import EXIT_REFUSED, EXIT_USAGE
from eksguard.guard.cli import kubectl_command


def guard(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(kubectl_command, list(args), input=input, catch_exceptions=False)


# --- EKS602: the manifests' environment against the context's ------------------------------------


def test_develop_overlay_against_prod_context_is_refused_and_kubectl_never_runs(
        project: Project, kubectl: FakeKubectl, tmp_path: Path) -> None:
    result = guard("apply", "-k", "overlays/develop")
    assert result.exit_code == EXIT_REFUSED
    assert "EKS602" in result.output
    assert "dev" in result.output and "is prod" in result.output
    assert kubectl.argvs() == []  # only `version --client` may have run
    [line] = audit_lines(tmp_path)
    assert line["decision"] == "refused" and "EKS602" in line["rules"]
    assert line["cluster_arn"] == PROD_ARN and line["environment"] == "prod"


def test_develop_overlay_refused_even_with_confirm_and_allow_overrides(project: Project, kubectl: FakeKubectl) -> None:
    result = guard("--confirm", "prod-main", "apply", "-k", "overlays/develop", "--skip-version-check")
    assert result.exit_code == EXIT_REFUSED
    assert "EKS602" in result.output
    assert kubectl.argvs() == []


def test_develop_overlay_against_dev_context_runs_kubectl_with_the_exact_arguments(
        project: Project, kubectl: FakeKubectl, tmp_path: Path) -> None:
    args = ["--context", DEV_CONTEXT, "apply", "-k", "overlays/develop", "--server-side", "-n=web"]
    result = guard(*args)
    assert result.exit_code == 0, result.output
    assert kubectl.argvs() == [args]
    [line] = audit_lines(tmp_path)
    assert line["decision"] == "allowed" and line["environment"] == "dev" and line["context"] == DEV_CONTEXT


def test_guard_options_are_removed_and_kubectl_exit_code_is_returned(
        project: Project, make_kubectl: Callable[..., FakeKubectl]) -> None:
    failing = make_kubectl(exit_code=7)
    result = guard("--kubectl", str(failing.path), "--", "--context", DEV_CONTEXT, "--skip-version-check",
                   "delete", "pod", "web-0")
    assert result.exit_code == 7
    assert failing.argvs() == [["--context", DEV_CONTEXT, "delete", "pod", "web-0"]]


def test_kubectl_own_double_dash_is_kept(project: Project, kubectl: FakeKubectl) -> None:
    result = guard("--context", DEV_CONTEXT, "exec", "web-0", "--", "sh", "-c", "ls --confirm x -la")
    assert result.exit_code == 0, result.output
    assert kubectl.argvs() == [["--context", DEV_CONTEXT, "exec", "web-0", "--", "sh", "-c", "ls --confirm x -la"]]


def test_label_inside_manifest_decides_even_without_env_folder(project: Project, kubectl: FakeKubectl) -> None:
    write_yaml(project.root / "misc" / "cm.yaml", {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "x", "labels": {"eksguard.io/environment": "development"}}})
    result = guard("apply", "-f", "misc/cm.yaml", "--confirm", "prod-main")
    assert result.exit_code == EXIT_REFUSED
    assert "EKS602" in result.output and "label eksguard.io/environment" in result.output
    assert kubectl.argvs() == []


def test_manifest_on_stdin_is_checked_and_forwarded(project: Project, kubectl: FakeKubectl) -> None:
    manifest = yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "x", "annotations": {"eksguard.io/environment": "prod"}}})
    refused = guard("--context", DEV_CONTEXT, "apply", "-f", "-", input=manifest)
    assert refused.exit_code == EXIT_REFUSED and "EKS602" in refused.output
    assert kubectl.argvs() == []
    allowed = guard("apply", "-f", "-", "--confirm", "prod-main", input=manifest)
    assert allowed.exit_code == 0, allowed.output
    [call] = [c for c in kubectl.calls() if c["argv"][:1] == ["apply"]]
    assert call["argv"] == ["apply", "-f", "-"] and call["stdin"] == manifest


# --- policies and confirmation without a terminal ------------------------------------------------


def test_confirm_policy_without_tty_refuses_unless_confirm_flag_names_the_cluster(
        project: Project, kubectl: FakeKubectl) -> None:
    refused = guard("apply", "-k", "overlays/prod")
    assert refused.exit_code == EXIT_REFUSED
    assert "--confirm prod-main" in refused.output
    wrong = guard("apply", "-k", "overlays/prod", "--confirm", "dev-main")
    assert wrong.exit_code == EXIT_REFUSED and "does not match" in wrong.output
    assert kubectl.argvs() == []
    confirmed = guard("apply", "-k", "overlays/prod", "--confirm", "prod-main")
    assert confirmed.exit_code == 0, confirmed.output
    assert "!!! WARNING: PRODUCTION !!!" in confirmed.output
    assert kubectl.argvs() == [["apply", "-k", "overlays/prod"]]


def test_ci_variable_means_non_interactive(project: Project, kubectl: FakeKubectl,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    result = guard("scale", "deploy/web", "--replicas=0")
    assert result.exit_code == EXIT_REFUSED and "no terminal" in result.output


def test_deny_policy_refuses_mutations_but_not_reads(project: Project, kubectl: FakeKubectl) -> None:
    (project.root / ".eksguard.yaml").write_text(
        "environments:\n  prod: {match: {accounts: ['111111111111']}, policy: deny}\n")
    denied = guard("delete", "ns", "web", "--confirm", "prod-main")
    assert denied.exit_code == EXIT_REFUSED and "policy deny" in denied.output
    read = guard("get", "ns")
    assert read.exit_code == 0
    assert kubectl.argvs() == [["get", "ns"]]


@pytest.mark.parametrize("args", [
    ["get", "pods", "-A"],
    ["describe", "deploy/web"],
    ["logs", "-f", "web-0"],
    ["diff", "-k", "overlays/develop"],
    ["apply", "-k", "overlays/develop", "--dry-run=server"],
    ["delete", "ns", "web", "--dry-run=client"],
    ["rollout", "status", "deploy/web"],
    ["auth", "can-i", "delete", "pods"],
    ["cp", "web-0:/etc/hosts", "/tmp/hosts"],
])
def test_read_only_commands_are_never_blocked(project: Project, make_kubectl: Callable[..., FakeKubectl],
                                              args: list[str]) -> None:
    # Every reason to refuse at once: deny policy, wrong overlay, kubectl 1.29 vs server 1.31.
    (project.root / ".eksguard.yaml").write_text(
        "environments:\n  prod: {match: {accounts: ['111111111111']}, policy: deny}\n"
        "  dev: {match: {contexts: ['*dev*']}, policy: allow}\n")
    old = make_kubectl(version="1.29.9")
    result = guard("--kubectl", str(old.path), *args)
    assert result.exit_code == 0, result.output
    assert old.argvs() == [args]


def test_dry_run_none_is_a_mutation(project: Project, kubectl: FakeKubectl) -> None:
    result = guard("apply", "-k", "overlays/develop", "--dry-run=none")
    assert result.exit_code == EXIT_REFUSED and "EKS602" in result.output


# --- EKS601: version skew -------------------------------------------------------------------


def test_kubectl_1_29_against_server_1_31_is_refused_with_exact_versions(
        project: Project, make_kubectl: Callable[..., FakeKubectl]) -> None:
    old = make_kubectl(version="1.29.9")
    result = guard("--kubectl", str(old.path), "--context", DEV_CONTEXT, "apply", "-k", "overlays/develop")
    assert result.exit_code == EXIT_REFUSED
    assert "EKS601" in result.output
    assert "v1.29.9" in result.output and "v1.31.4-eks-1a2b3c4" in result.output
    assert "1.30–1.32" in result.output
    assert old.argvs() == []


def test_kubectl_1_30_against_server_1_31_is_allowed(project: Project,
                                                     make_kubectl: Callable[..., FakeKubectl]) -> None:
    near = make_kubectl(version="1.30.1")
    result = guard("--kubectl", str(near.path), "--context", DEV_CONTEXT, "apply", "-k", "overlays/develop")
    assert result.exit_code == 0, result.output
    assert "EKS601" not in result.output
    assert near.argvs() == [["--context", DEV_CONTEXT, "apply", "-k", "overlays/develop"]]


def test_skip_version_check_overrides_with_a_warning(project: Project,
                                                     make_kubectl: Callable[..., FakeKubectl]) -> None:
    old = make_kubectl(version="1.29.9")
    result = guard("--kubectl", str(old.path), "--skip-version-check", "--context", DEV_CONTEXT,
                   "apply", "-k", "overlays/develop")
    assert result.exit_code == 0
    assert "skipped" in result.output
    assert old.argvs() == [["--context", DEV_CONTEXT, "apply", "-k", "overlays/develop"]]


def test_server_version_is_cached_per_context(project: Project, kubectl: FakeKubectl) -> None:
    for _ in range(3):
        assert guard("--context", DEV_CONTEXT, "apply", "-k", "overlays/develop").exit_code == 0
    assert [r["path"] for r in project.server.requests] == ["/version"]
    assert "authorization" not in project.server.requests[0]  # no credential is ever sent
    project.server.version = "1.34.0"  # the cache hides the upgrade for a while ...
    assert guard("--context", DEV_CONTEXT, "apply", "-k", "overlays/develop").exit_code == 0


def test_unreachable_server_warns_and_continues(project: Project, kubectl: FakeKubectl, tmp_path: Path) -> None:
    write_yaml(project.eksctl_kubeconfig, eksctl_kubeconfig("http://127.0.0.1:1"))
    result = guard("--context", DEV_CONTEXT, "apply", "-k", "overlays/develop")
    assert result.exit_code == 0
    assert "could not read the server version" in result.output and "NOT checked" in result.output
    assert kubectl.argvs() == [["--context", DEV_CONTEXT, "apply", "-k", "overlays/develop"]]


# --- AWS profile and account ----------------------------------------------------------------


def test_shell_profile_differing_from_the_context_profile_is_refused(
        project: Project, kubectl: FakeKubectl, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "dev")
    result = guard("apply", "-k", "overlays/prod", "--confirm", "prod-main")
    assert result.exit_code == EXIT_REFUSED
    assert "AWS_PROFILE=dev" in result.output and "profile prod" in result.output
    assert kubectl.argvs() == []


def test_profile_account_from_aws_config_differing_from_the_context_is_refused(
        project: Project, kubectl: FakeKubectl, sealed: Path) -> None:
    (sealed / ".aws").mkdir()
    (sealed / ".aws" / "config").write_text(
        "[profile prod]\nsso_account_id = 999999999999\nsso_role_name = Admin\nregion = us-west-2\n")
    result = guard("apply", "-k", "overlays/prod", "--confirm", "prod-main")
    assert result.exit_code == EXIT_REFUSED
    assert "999999999999" in result.output and PROD_ACCOUNT in result.output
    (sealed / ".aws" / "config").write_text(f"[profile prod]\nsso_account_id = {PROD_ACCOUNT}\n")
    assert guard("apply", "-k", "overlays/prod", "--confirm", "prod-main").exit_code == 0


def test_role_arn_in_another_account_is_refused(project: Project, kubectl: FakeKubectl) -> None:
    write_yaml(project.aws_kubeconfig, aws_cli_kubeconfig(
        project.server.url, role_arn="arn:aws:iam::333333333333:role/eks-admin"))
    result = guard("apply", "-k", "overlays/prod", "--confirm", "prod-main")
    assert result.exit_code == EXIT_REFUSED
    assert "333333333333" in result.output and PROD_ACCOUNT in result.output


# --- audit log and secrets --------------------------------------------------------------------


def test_audit_log_has_allowed_and_refused_lines_without_secrets(
        project: Project, kubectl: FakeKubectl, tmp_path: Path) -> None:
    write_yaml(project.eksctl_kubeconfig, eksctl_kubeconfig(project.server.url, token=FAKE_TOKEN))
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl"
    allowed_args = ["--context", DEV_CONTEXT, f"--token={FAKE_TOKEN}", "apply", "-k", "overlays/develop"]
    allowed = guard(*allowed_args)
    refused = guard("--token", FAKE_TOKEN, "create", "secret", "generic", "db",
                    "--from-literal=password=hunter2", "-f", "overlays/develop", f"--as={jwt}")
    secret_args = ["--context", DEV_CONTEXT, "create", "secret", "generic", "api",
                   "--from-literal", "api-key=s3cr3t-value", "--password", "pw-123456"]
    also_allowed = guard(*secret_args)
    assert allowed.exit_code == 0 and also_allowed.exit_code == 0 and refused.exit_code == EXIT_REFUSED
    assert kubectl.argvs() == [allowed_args, secret_args]  # kubectl itself gets everything, unchanged
    log_text = (tmp_path / "xdg-state" / "eksguard" / "audit.jsonl").read_text()
    lines = audit_lines(tmp_path)
    assert [line["decision"] for line in lines] == ["allowed", "refused", "allowed"]
    for secret in (FAKE_TOKEN, "hunter2", jwt, "s3cr3t-value", "pw-123456"):
        assert secret not in log_text
        for result in (allowed, refused, also_allowed):
            assert secret not in result.output
    assert lines[0]["argv"] == ["--context", DEV_CONTEXT, "--token=[REDACTED]", "apply", "-k", "overlays/develop"]
    for line in lines:
        assert set(line) >= {"time", "user", "context", "cluster_arn", "environment", "argv", "decision", "reason"}
    assert lines[1]["context"] == PROD_ARN and "EKS602" in lines[1]["reason"]


def test_reads_are_not_audited_and_audit_path_can_be_set(project: Project, kubectl: FakeKubectl,
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "custom" / "audit.log"
    monkeypatch.setenv("EKSGUARD_AUDIT_LOG", str(log))
    assert guard("get", "pods").exit_code == 0
    assert not log.exists()
    assert guard("--context", DEV_CONTEXT, "annotate", "pod", "web-0", "a=b").exit_code == 0
    assert json.loads(log.read_text())["decision"] == "allowed"
    assert oct(log.stat().st_mode & 0o777) == "0o600"


# --- context switches, language, usage --------------------------------------------------------


def test_warns_when_current_context_changed_since_last_guarded_command(project: Project,
                                                                         kubectl: FakeKubectl) -> None:
    first = guard("get", "pods")
    assert "changed" not in first.output
    data = yaml.safe_load(project.aws_kubeconfig.read_text())
    data["current-context"] = ""
    write_yaml(project.aws_kubeconfig, data)  # now eksctl.yaml's current-context (dev) applies
    second = guard("get", "pods")
    assert "current context changed" in second.output
    assert f"{PROD_ARN} → {DEV_CONTEXT}" in second.output
    third = guard("get", "pods")
    assert "changed" not in third.output


def test_config_use_context_through_the_guard_is_not_reported_as_a_silent_switch(
        project: Project, kubectl: FakeKubectl) -> None:
    guard("get", "pods")
    # The stand-in does not edit the file, so emulate kubectl by switching the file after the call.
    data = yaml.safe_load(project.aws_kubeconfig.read_text())
    data["current-context"] = ""
    write_yaml(project.aws_kubeconfig, data)
    assert guard("config", "use-context", DEV_CONTEXT).exit_code == 0
    assert "changed" not in guard("get", "pods").output


def test_japanese_messages(project: Project, kubectl: FakeKubectl, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    result = guard("apply", "-k", "overlays/develop")
    assert result.exit_code == EXIT_REFUSED
    assert "環境の不一致" in result.output and "拒否しました" in result.output
    english = guard("--lang", "en", "apply", "-k", "overlays/develop")
    assert "wrong environment" in english.output


def test_usage_errors_exit_2(project: Project, kubectl: FakeKubectl) -> None:
    missing = guard("apply", "-k", "overlays/prod", "--confirm")
    assert missing.exit_code == EXIT_USAGE and "--confirm needs a value" in missing.output
    assert guard("--lang", "fr", "get", "pods").exit_code == EXIT_USAGE
    assert kubectl.argvs() == []


def test_missing_kubectl_exits_2(project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EKSGUARD_KUBECTL", str(tmp_path / "nowhere" / "kubectl"))
    result = guard("get", "pods")
    assert result.exit_code == EXIT_USAGE and "kubectl not found" in result.output


def test_guard_that_would_run_itself_stops(project: Project, kubectl: FakeKubectl,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EKSGUARD_ACTIVE", "1")
    result = guard("get", "pods")
    assert result.exit_code == EXIT_USAGE and "EKSGUARD_KUBECTL" in result.output
    assert kubectl.argvs() == []


def test_help_is_the_guard_help(project: Project, kubectl: FakeKubectl) -> None:
    result = guard("--help")
    assert result.exit_code == 0 and "--skip-version-check" in result.output
    assert kubectl.argvs() == []
    passthrough = guard("apply", "--help")
    assert passthrough.exit_code == 0 and kubectl.argvs() == [["apply", "--help"]]


def test_broken_environment_config_refuses_mutations_with_exit_2(project: Project, kubectl: FakeKubectl) -> None:
    (project.root / ".eksguard.yaml").write_text("environments:\n  prod: {policy: sometimes}\n")
    result = guard("--context", DEV_CONTEXT, "apply", "-k", "overlays/develop")
    assert result.exit_code == EXIT_USAGE and "sometimes" in result.output
    assert guard("get", "pods").exit_code == 0
    assert kubectl.argvs() == [["get", "pods"]]


def test_registered_on_a_group_like_the_main_cli(project: Project, kubectl: FakeKubectl) -> None:
    import click

    from eksguard.guard.cli import context_command

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    def main() -> None:
        """stand-in for eksguard.cli.main"""

    main.add_command(kubectl_command)
    main.add_command(context_command)
    runner = CliRunner()
    listing = runner.invoke(main, ["--help"]).output
    assert "kubectl" in listing and "context" in listing
    assert "--skip-version-check" in runner.invoke(main, ["kubectl", "--help"]).output
    assert kubectl.argvs() == []
    ran = runner.invoke(main, ["kubectl", "--context", DEV_CONTEXT, "exec", "web-0", "--", "ls", "-h"])
    assert ran.exit_code == 0, ran.output
    leading = runner.invoke(main, ["kubectl", "--", "--context", DEV_CONTEXT, "get", "pods", "-h"])
    assert leading.exit_code == 0
    assert kubectl.argvs() == [["--context", DEV_CONTEXT, "exec", "web-0", "--", "ls", "-h"],
                               ["--context", DEV_CONTEXT, "get", "pods", "-h"]]
