"""terraform-aws-eks calls: the major version comes from the `version` constraint (or a git `?ref=`), and each
major gets its own defaults: v19 has no access entries and writes aws-auth itself; older majors are not read."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.sources import collect
from eksguard.sources.terraform import highest_major

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(("constraint", "major"), [
    ("~> 19.15.2", 19),
    ("~> 19.13", 19),
    ("19.21.0", 19),
    ("= 20.8.4", 20),
    (">= 19, < 20", 19),
    (">= 19.0, < 20.1", 20),
    ("<= 18.31.2", 18),
    (">= 19", None),  # `terraform init` installs the newest release
    ("~> 19", None),  # `~>` lets only the rightmost component grow: 20 and 21 are admitted
    ("latest", None),
])
def test_highest_major_of_a_version_constraint(constraint: str, major: int | None) -> None:
    assert highest_major(constraint) == major


def scan(tmp_path: Path, text: str) -> ScanReport:
    (tmp_path / "main.tf").write_text(textwrap.dedent(text))
    return evaluate(collect([str(tmp_path)], {}), Config(), TODAY)


def statuses(report: ScanReport, *rules: str) -> list[tuple[str, str, str | None]]:
    return sorted((r.rule, r.status.value, r.severity) for r in report.results if r.rule in rules)


def test_v19_without_managed_aws_auth_leaves_aws_auth_to_eks(tmp_path: Path) -> None:
    report = scan(tmp_path, """\
        module "eks" {
          source       = "terraform-aws-modules/eks/aws"
          version      = ">= 19, < 20"
          cluster_name = "plain"
        }
        """)
    assert statuses(report, "EKS107", "EKS108", "EKS402") == [
        ("EKS107", "fail", "medium"), ("EKS108", "fail", "low"), ("EKS402", "not_applicable", "high")]


def test_v19_aws_auth_flag_not_known_before_apply_is_unknown(tmp_path: Path) -> None:
    report = scan(tmp_path, """\
        variable "manage_aws_auth" {
          type = bool
        }
        module "eks" {
          source                    = "terraform-aws-modules/eks/aws"
          version                   = "~> 19.21"
          cluster_name              = "flagged"
          manage_aws_auth_configmap = var.manage_aws_auth
          aws_auth_users = [{ userarn = "arn:aws:iam::111122223333:user/alice", groups = ["system:masters"] }]
        }
        """)
    [result] = [r for r in report.results if r.rule == "EKS402"]
    assert result.status.value == "unknown"
    assert result.message is not None and "`manage_aws_auth_configmap` is not known before Terraform runs" in result.message.en


def test_v19_inputs_without_a_version_are_read_as_v19(tmp_path: Path) -> None:
    report = scan(tmp_path, """\
        module "eks" {
          source                    = "terraform-aws-modules/eks/aws"
          cluster_name              = "unpinned"
          create_aws_auth_configmap = true
          aws_auth_users = [{ userarn = "arn:aws:iam::111122223333:user/alice", groups = ["system:masters"] }]
        }
        """)
    assert statuses(report, "EKS107", "EKS402") == [("EKS107", "fail", "medium"), ("EKS402", "fail", "high")]


def test_versions_older_than_19_are_warned_not_given_newer_defaults(tmp_path: Path) -> None:
    report = scan(tmp_path, """\
        module "eks" {
          source       = "terraform-aws-modules/eks/aws"
          version      = "~> 18.31"
          cluster_name = "ancient"
        }
        """)
    assert not report.estate.clusters
    [warning] = report.estate.warnings
    assert (warning.line, warning.kind) == (3, "module-not-read")
    assert "module `eks` (terraform-aws-eks v18) is not evaluated" in warning.message
    assert warning.ja and "評価されません" in warning.ja


def test_an_input_written_as_null_is_not_the_modules_default(tmp_path: Path) -> None:
    """Terraform variables are nullable unless declared `nullable = false` (none of terraform-aws-eks's root
    variables is): `enable_irsa = null` gives the module null, not its default true, so IRSA is not known."""
    estate = collect([str(_write(tmp_path, """
        module "eks" {
          source      = "terraform-aws-modules/eks/aws"
          version     = "~> 21.0"
          name        = "nulls"
          enable_irsa = null
        }
    """))], {})
    irsa = estate.clusters[0].irsa_enabled
    assert irsa is not None and not irsa.known
    assert irsa.note is not None and "`enable_irsa` is null" in irsa.note.en
    assert irsa.origin.line == 6


def test_an_input_left_out_keeps_the_modules_default(tmp_path: Path) -> None:
    estate = collect([str(_write(tmp_path, """
        module "eks" {
          source  = "terraform-aws-modules/eks/aws"
          version = "~> 21.0"
          name    = "defaults"
        }
    """))], {})
    irsa = estate.clusters[0].irsa_enabled
    assert irsa is not None and irsa.known and irsa.value is True


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "main.tf").write_text(textwrap.dedent(text))
    return tmp_path
