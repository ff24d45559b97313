"""Guard options, kubectl flag reading, and which commands mutate."""

from __future__ import annotations

import pytest

from eksguard.guard.argv import GuardUsageError, parse_kubectl_args, split_guard_options
from eksguard.guard.verbs import classify


def test_guard_options_are_taken_out_anywhere_before_kubectls_own_double_dash() -> None:
    options, rest = split_guard_options(
        ["--confirm", "prod-main", "--", "apply", "--skip-version-check", "-k", "x", "--kubectl=/opt/k",
         "--lang", "ja"])
    assert (options.confirm, options.kubectl, options.lang, options.skip_version_check) == (
        "prod-main", "/opt/k", "ja", True)
    assert rest == ["apply", "-k", "x"]
    _, exec_args = split_guard_options(["exec", "pod", "--", "tool", "--confirm", "x"])
    assert exec_args == ["exec", "pod", "--", "tool", "--confirm", "x"]


@pytest.mark.parametrize("argv, key", [
    (["apply", "--confirm"], "usage_missing_value"),
    (["apply", "--confirm="], "usage_missing_value"),
    (["--lang", "de", "get"], "usage_bad_lang"),
])
def test_guard_usage_errors(argv: list[str], key: str) -> None:
    with pytest.raises(GuardUsageError) as raised:
        split_guard_options(argv)
    assert raised.value.key == key


def test_help_only_alone() -> None:
    assert split_guard_options(["--help"])[0].help
    assert split_guard_options([])[0].help
    assert not split_guard_options(["get", "--help"])[0].help


def test_kubectl_flags_in_every_spelling() -> None:
    parsed = parse_kubectl_args(["-nweb", "--context=prod", "--kubeconfig", "/k", "apply", "-Rf", "dir",
                                 "-f=other.yaml", "--filename", "third.yaml", "-k", "kz", "--dry-run=server"])
    assert parsed.verb == "apply"
    assert parsed.value("namespace") == "web" and parsed.value("context") == "prod"
    assert parsed.value("kubeconfig") == "/k"
    assert parsed.values("filename") == ["dir", "other.yaml", "third.yaml"]
    assert parsed.values("kustomize") == ["kz"] and parsed.boolean("recursive")
    assert parsed.dry_run == "server"


def test_nothing_after_double_dash_is_a_flag() -> None:
    parsed = parse_kubectl_args(["exec", "-it", "web-0", "-c", "app", "--", "kubectl", "apply", "-f", "prod.yaml"])
    assert parsed.verb == "exec" and parsed.positionals == ["web-0"]
    assert parsed.values("filename") == [] and parsed.value("container") == "app"
    assert parsed.after_dashdash == ["kubectl", "apply", "-f", "prod.yaml"]


def test_logs_dash_f_is_follow_not_a_file() -> None:
    parsed = parse_kubectl_args(["logs", "-f", "web-0"])
    assert parsed.values("filename") == [] and parsed.positionals == ["web-0"]


READS = [
    [], ["get", "pods"], ["-n", "x", "get", "pods"], ["describe", "node"], ["logs", "-p", "web-0"],
    ["top", "pods"], ["explain", "pod"], ["version"], ["api-resources"], ["cluster-info"], ["diff", "-f", "x"],
    ["wait", "--for=condition=Ready", "pod/x"], ["events"], ["port-forward", "svc/x", "8080:80"],
    ["config", "use-context", "x"], ["auth", "can-i", "get", "pods"], ["auth", "whoami"],
    ["rollout", "status", "deploy/x"], ["rollout", "history", "deploy/x"], ["apply", "view-last-applied", "x"],
    ["apply", "-f", "x", "--dry-run=server"], ["apply", "-f", "x", "--dry-run=client"], ["apply", "-f", "x", "--dry-run"],
    ["delete", "pod", "x", "--dry-run=server"], ["run", "x", "--image=nginx", "--dry-run=client", "-o", "yaml"],
    ["cp", "web-0:/etc/hosts", "./hosts"], ["cp", "ns/web-0:/a", "/tmp/b"], ["label", "pod", "x", "--list"],
    ["apply", "--help"], ["__complete", "get", ""], ["completion", "bash"], ["kustomize", "overlays/prod"],
]
MUTATIONS = [
    ["apply", "-f", "x"], ["create", "ns", "x"], ["replace", "-f", "x"], ["patch", "deploy", "x", "-p", "{}"],
    ["edit", "deploy", "x"], ["delete", "pod", "x"], ["scale", "deploy/x", "--replicas=0"],
    ["autoscale", "deploy/x", "--max=3"], ["rollout", "restart", "deploy/x"], ["rollout", "undo", "deploy/x"],
    ["set", "image", "deploy/x", "a=b"], ["label", "pod", "x", "a=b"], ["annotate", "pod", "x", "a=b"],
    ["taint", "node", "n", "k=v:NoSchedule"], ["cordon", "n"], ["uncordon", "n"], ["drain", "n"],
    ["expose", "deploy", "x", "--port=80"], ["run", "x", "--image=nginx"], ["cp", "./a", "web-0:/tmp/a"],
    ["exec", "web-0", "--", "ls"], ["attach", "web-0"], ["debug", "node/n", "-it", "--image=busybox"],
    ["certificate", "approve", "csr-1"], ["auth", "reconcile", "-f", "x"], ["apply", "-f", "x", "--dry-run=none"],
    ["--context", "prod", "-n", "web", "delete", "ns", "web"], ["some-plugin", "do-things"],
]


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a) or "(none)")
def test_reads(args: list[str]) -> None:
    assert not classify(parse_kubectl_args(args)).mutating


@pytest.mark.parametrize("args", MUTATIONS, ids=" ".join)
def test_mutations(args: list[str]) -> None:
    assert classify(parse_kubectl_args(args)).mutating


def test_classification_names_the_command() -> None:
    assert classify(parse_kubectl_args(["rollout", "restart", "deploy/x"])).command == "rollout restart"
    assert classify(parse_kubectl_args(["apply", "-k", "x", "--dry-run=server"])).why == "--dry-run=server"
