"""The AWS account the kubectl token will be made with.

kubectl's exec plugin runs with the shell's environment plus the exec `env`, so the profile is the
exec env's `AWS_PROFILE` when set, else the shell's. Its account is found, in order:

1. the exec `--role-arn` (the token is made for that role);
2. the profile's settings in `~/.aws/config` / `AWS_CONFIG_FILE` (`sso_account_id`, `role_arn`,
   `aws_account_id`) and `~/.aws/credentials` (`aws_account_id`), without any network call;
3. `sts:GetCallerIdentity`, only when boto3 is importable and `EKSGUARD_STS` is not `0`/`off`.
   Tests and offline users pass their own lookup (or none).
"""

from __future__ import annotations

import configparser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from eksguard.guard.target import IAM_ARN


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    account: str
    source: str
    arn: str | None = None


CallerLookup = Callable[[str | None], CallerIdentity | None]


def _section(parser: configparser.RawConfigParser, names: tuple[str, ...]) -> Mapping[str, str] | None:
    for name in names:
        if parser.has_section(name):
            return dict(parser.items(name))
    return None


def profile_account(profile: str | None, environ: Mapping[str, str], home: Path) -> CallerIdentity | None:
    """The account a named profile uses, from the AWS config files alone."""
    name = profile or "default"
    config_file = Path(environ.get("AWS_CONFIG_FILE") or home / ".aws" / "config").expanduser()
    credentials_file = Path(environ.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials").expanduser()
    for path, sections in ((config_file, (f"profile {name}", name) if name != "default" else ("default",)),
                           (credentials_file, (name,))):
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue
        values = _section(parser, sections)
        if values is None:
            continue
        account = values.get("sso_account_id") or values.get("aws_account_id")
        if account and account.strip().isdigit():
            key = "sso_account_id" if values.get("sso_account_id") else "aws_account_id"
            return CallerIdentity(account.strip(), f"profile {name} {key} in {path}")
        match = IAM_ARN.match((values.get("role_arn") or "").strip())
        if match:
            return CallerIdentity(match.group("account"), f"profile {name} role_arn in {path}",
                                  values.get("role_arn", "").strip())
    return None


def sts_enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("EKSGUARD_STS", "").strip().lower() not in ("0", "off", "false", "no")


def sts_caller_identity(profile: str | None) -> CallerIdentity | None:
    """sts:GetCallerIdentity with short timeouts; None when boto3 is missing or the call fails."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        return None
    try:
        session = boto3.Session(profile_name=profile) if profile else boto3.Session()
        client = session.client("sts", config=Config(connect_timeout=3, read_timeout=5,
                                                     retries={"max_attempts": 1}))
        answer = client.get_caller_identity()
    except Exception:  # any botocore failure: no credentials, no network, unknown profile
        return None
    account = answer.get("Account")
    if not isinstance(account, str):
        return None
    arn = answer.get("Arn")
    return CallerIdentity(account, f"sts:GetCallerIdentity ({'profile ' + profile if profile else 'default credentials'})",
                          arn if isinstance(arn, str) else None)
