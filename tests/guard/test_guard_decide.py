"""The pure decision, and the audit log's redaction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from eksguard.guard.audit import REDACTED, append, audit_log_path, redact_argv, redact_text
from eksguard.guard.decide import ALLOW, CONFIRM, REFUSE, Facts, after_prompt, decide
from eksguard.guard.identity import CallerIdentity
from eksguard.guard.manifests import Claim
from eksguard.guard.messages import MESSAGES, message
from eksguard.guard.versions import KubeVersion

PROD = Facts(mutating=True, command="apply", context="prod-ctx", cluster_name="prod-main", account="111111111111",
             region="us-west-2", environment="prod", policy="confirm", environments_configured=True,
             client_version=KubeVersion(1, 31, "v1.31.0"), server_version=KubeVersion(1, 31, "v1.31.2"))


def codes(facts: Facts) -> list[str]:
    return [n.code for n in decide(facts).refusals]


def test_confirm_policy() -> None:
    assert decide(PROD).outcome == REFUSE and codes(PROD) == ["confirm-required"]
    interactive = decide(replace(PROD, interactive=True))
    assert interactive.outcome == CONFIRM and interactive.confirm_name == "prod-main"
    assert after_prompt(interactive, "prod-main").outcome == ALLOW
    assert after_prompt(interactive, " prod-main \n").outcome == ALLOW
    assert after_prompt(interactive, "dev-main").outcome == REFUSE
    assert after_prompt(interactive, None).outcome == REFUSE
    assert decide(replace(PROD, confirm_flag="prod-main")).outcome == ALLOW
    assert codes(replace(PROD, confirm_flag="prod", interactive=True)) == ["confirm-mismatch"]


def test_confirm_name_falls_back_to_the_context() -> None:
    assert decide(replace(PROD, cluster_name=None, interactive=True)).confirm_name == "prod-ctx"


def test_policies_allow_and_deny_and_no_environment() -> None:
    assert decide(replace(PROD, policy="allow")).outcome == ALLOW
    assert codes(replace(PROD, policy="deny", confirm_flag="prod-main")) == ["policy-deny"]
    unmatched = decide(replace(PROD, environment=None, policy="allow"))
    assert unmatched.outcome == ALLOW and unmatched.how == "no environment matched"


def test_eks602_refuses_whatever_the_policy() -> None:
    claims = (Claim("dev", "folder"), Claim("prod", "label"), Claim("dev", "label"))
    for policy in ("allow", "confirm", "deny"):
        decision = decide(replace(PROD, policy=policy, claims=claims, confirm_flag="prod-main"))
        assert decision.outcome == REFUSE
        assert decision.refusals[0].code == "EKS602"
        assert [n.params.get("manifest_env") for n in decision.refusals if n.code == "EKS602"] == ["dev"]
    assert decide(replace(PROD, policy="allow", claims=(Claim("prod", "x"),))).outcome == ALLOW


def test_manifest_environment_with_unknown_target_only_warns() -> None:
    decision = decide(replace(PROD, environment=None, policy="allow", claims=(Claim("prod", "label"),)))
    assert decision.outcome == ALLOW
    assert [n.key for n in decision.warnings] == ["manifest_env_unknown_target"]


def test_version_skew() -> None:
    old = replace(PROD, policy="allow", client_version=KubeVersion(1, 29, "v1.29.0"))
    assert codes(old) == ["EKS601"]
    note = decide(old).refusals[0]
    assert (note.params["client"], note.params["server"], note.params["supported"]) == ("v1.29.0", "v1.31.2",
                                                                                        "1.30–1.32")
    assert decide(replace(old, client_version=KubeVersion(1, 30, "v1.30.0"))).outcome == ALLOW
    assert decide(replace(old, client_version=KubeVersion(1, 32, "v1.32.0"))).outcome == ALLOW
    skipped = decide(replace(old, skip_version_check=True))
    assert skipped.outcome == ALLOW and [n.key for n in skipped.warnings] == ["eks601_skipped"]
    unreachable = decide(replace(old, server_version=None, server_error="timed out", server_url="https://x"))
    assert unreachable.outcome == ALLOW and [n.key for n in unreachable.warnings] == ["server_unreachable"]


def test_reads_are_never_refused() -> None:
    worst = replace(PROD, mutating=False, policy="deny", claims=(Claim("dev", "x"),),
                    client_version=KubeVersion(1, 20, "v1.20.0"), shell_profile="a", exec_profile="b",
                    caller=CallerIdentity("999999999999", "sts"), inconsistencies=("region: a vs b",))
    decision = decide(worst)
    assert decision.outcome == ALLOW and decision.refusals == ()
    assert [n.code for n in decision.warnings] == ["EKS601"]


def test_profile_and_account_mismatch_name_both_sides() -> None:
    facts = replace(PROD, policy="allow", shell_profile="dev", exec_profile="prod",
                    caller=CallerIdentity("222222222222", "profile dev sso_account_id"))
    refusals = decide(facts).refusals
    assert [n.code for n in refusals] == ["profile-mismatch", "account-mismatch"]
    text = " ".join(message(n.key, "en", **n.params) for n in refusals)
    assert "AWS_PROFILE=dev" in text and "profile prod" in text
    assert "222222222222" in text and "111111111111" in text
    same = replace(PROD, policy="allow", shell_profile="prod", exec_profile="prod",
                   caller=CallerIdentity("111111111111", "sts"))
    assert decide(same).outcome == ALLOW


def test_context_switch_and_inconsistency() -> None:
    decision = decide(replace(PROD, policy="allow", previous_context="dev-ctx", current_context="prod-ctx",
                              inconsistencies=("region: us-west-2 (ARN) vs eu-west-1 (server host)",)))
    assert decision.outcome == REFUSE and [n.code for n in decision.refusals] == ["kubeconfig-inconsistent"]
    assert decision.warnings[0].params == {"old": "dev-ctx", "new": "prod-ctx"}


def test_every_message_has_both_languages_and_the_same_fields() -> None:
    import string

    for key, text in MESSAGES.items():
        assert text.en and text.ja, key
        fields_en = {f for _, f, _, _ in string.Formatter().parse(text.en) if f}
        fields_ja = {f for _, f, _, _ in string.Formatter().parse(text.ja) if f}
        assert fields_en == fields_ja, key


# --- audit redaction ------------------------------------------------------------------------------


@pytest.mark.parametrize("argv, hidden", [
    (["--token=abc123"], "abc123"),
    (["--token", "abc123", "get"], "abc123"),
    (["--password=pw"], "pw"),
    (["--client-key", "/secret/key.pem"], "/secret/key.pem"),
    (["create", "secret", "generic", "x", "--from-literal=db=hunter2"], "hunter2"),
    (["create", "secret", "generic", "x", "--from-literal", "db=hunter2"], "hunter2"),
    (["create", "secret", "docker-registry", "r", "--docker-password=dockerpw"], "dockerpw"),
    (["set", "env", "deploy/x", "DB_PASSWORD=hunter2"], "hunter2"),
    (["patch", "secret", "x", "-p", '{"stringData":{"api_token":"tok-999"}}'], "tok-999"),
    (["get", "--raw", "/api", "--as", "Bearer abc.def.ghi"], "abc.def.ghi"),
    (["annotate", "x", "note=k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbQ"], "aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbQ"),
    (["annotate", "x", "k=AKIAIOSFODNN7EXAMPLE"], "AKIAIOSFODNN7EXAMPLE"),
    (["--server", "https://admin:s3cret@example.com"], "s3cret"),
])
def test_redaction(argv: list[str], hidden: str) -> None:
    redacted = redact_argv(argv)
    assert hidden not in " ".join(redacted)
    assert REDACTED in " ".join(redacted)
    assert len(redacted) == len(argv)


def test_ordinary_arguments_are_kept() -> None:
    argv = ["--context", "prod", "get", "secret", "db-password", "-o", "jsonpath={.data.password}", "-n", "kube-system"]
    assert redact_argv(argv) == argv
    assert redact_text("plain words") == "plain words"


def test_audit_log_path_and_append(tmp_path: Path) -> None:
    assert audit_log_path({"EKSGUARD_AUDIT_LOG": str(tmp_path / "a.log")}, tmp_path) == tmp_path / "a.log"
    assert audit_log_path({"XDG_STATE_HOME": str(tmp_path / "s")}, tmp_path) == tmp_path / "s" / "eksguard" / "audit.jsonl"
    assert audit_log_path({}, tmp_path) == tmp_path / ".local" / "state" / "eksguard" / "audit.jsonl"
    path = tmp_path / "deep" / "audit.jsonl"
    append(path, {"a": 1})
    append(path, {"b": "日本語"})
    assert path.read_text(encoding="utf-8").splitlines() == ['{"a": 1}', '{"b": "日本語"}']
