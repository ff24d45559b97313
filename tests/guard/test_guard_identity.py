"""The AWS account in use against the context's account: injected lookups, AWS config, and STS (moto)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from guardkit import PROD_ACCOUNT, FakeKubectl, Project

from eksguard.guard import EXIT_REFUSED
from eksguard.guard.cli import kubectl_command
from eksguard.guard.identity import CallerIdentity, profile_account, sts_enabled
from eksguard.guard.runner import Deps, run_guard


def deps_with(lookup: object, output: list[str]) -> Deps:
    return Deps(environ=dict(os.environ), cwd=Path.cwd(), home=Path.home(), interactive=lambda: False,
                caller_lookup=lookup,  # type: ignore[arg-type]
                err=output.append, out=output.append)


def test_injected_caller_identity_in_another_account_refuses(project: Project, kubectl: FakeKubectl) -> None:
    asked: list[str | None] = []

    def lookup(profile: str | None) -> CallerIdentity:
        asked.append(profile)
        return CallerIdentity("999999999999", "test lookup", "arn:aws:sts::999999999999:assumed-role/x/y")

    output: list[str] = []
    code = run_guard(["apply", "-k", "overlays/prod", "--confirm", "prod-main"], deps_with(lookup, output))
    assert code == EXIT_REFUSED
    assert asked == ["prod"]  # the profile the context signs in with
    text = "\n".join(output)
    assert "999999999999" in text and PROD_ACCOUNT in text
    assert kubectl.argvs() == []


def test_matching_or_unknown_caller_identity_allows(project: Project, kubectl: FakeKubectl) -> None:
    output: list[str] = []
    same = run_guard(["apply", "-k", "overlays/prod", "--confirm", "prod-main"],
                     deps_with(lambda p: CallerIdentity(PROD_ACCOUNT, "test"), output))
    unknown = run_guard(["apply", "-k", "overlays/prod", "--confirm", "prod-main"],
                        deps_with(lambda p: None, output))
    assert (same, unknown) == (0, 0)
    assert len(kubectl.argvs()) == 2


def test_reads_never_ask_for_the_caller_identity(project: Project, kubectl: FakeKubectl) -> None:
    def lookup(profile: str | None) -> CallerIdentity:
        raise AssertionError("no lookup for reads")

    assert run_guard(["get", "pods"], deps_with(lookup, [])) == 0


def test_profile_account_from_aws_files(tmp_path: Path) -> None:
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text(
        "[default]\nsso_account_id = 111111111111\n"
        "[profile ops]\nrole_arn = arn:aws:iam::222222222222:role/ops\nsource_profile = default\n"
        "[profile plain]\nregion = us-east-1\n")
    (tmp_path / ".aws" / "credentials").write_text("[plain]\naws_account_id = 333333333333\n")
    assert profile_account(None, {}, tmp_path) == CallerIdentity(
        "111111111111", f"profile default sso_account_id in {tmp_path / '.aws' / 'config'}")
    ops = profile_account("ops", {}, tmp_path)
    assert ops is not None and ops.account == "222222222222"
    plain = profile_account("plain", {}, tmp_path)
    assert plain is not None and plain.account == "333333333333"
    assert profile_account("missing", {}, tmp_path) is None


def test_sts_switch() -> None:
    assert sts_enabled({}) and sts_enabled({"EKSGUARD_STS": "1"})
    assert not sts_enabled({"EKSGUARD_STS": "off"}) and not sts_enabled({"EKSGUARD_STS": "0"})


@pytest.fixture
def moto_sts(monkeypatch: pytest.MonkeyPatch, sealed: Path) -> Iterator[str]:
    """A local moto server on 127.0.0.1 standing in for STS, with a `prod` profile pointing at it."""
    moto_server = pytest.importorskip("moto.server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    (sealed / ".aws").mkdir(exist_ok=True)
    (sealed / ".aws" / "config").write_text("[profile prod]\nregion = us-west-2\n")
    (sealed / ".aws" / "credentials").write_text(
        "[prod]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"http://{host}:{port}")
    monkeypatch.setenv("EKSGUARD_STS", "1")
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.mark.live
def test_sts_caller_identity_through_boto3_against_local_moto(project: Project, kubectl: FakeKubectl,
                                                              moto_sts: str) -> None:
    result = CliRunner().invoke(kubectl_command, ["apply", "-k", "overlays/prod", "--confirm", "prod-main"])
    assert result.exit_code == EXIT_REFUSED
    assert "123456789012" in result.output  # moto's account
    assert "sts:GetCallerIdentity (profile prod)" in result.output
    assert PROD_ACCOUNT in result.output
    assert kubectl.argvs() == []
