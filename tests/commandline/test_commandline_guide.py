"""Fixes from the review of eksctl command lines in the Amazon EKS user guide's AsciiDoc source."""

from __future__ import annotations

from clkit import ScanFiles

from eksguard.findings import Status


def test_help_runs_no_command(scan_files: ScanFiles) -> None:
    # user guide nodes/create-managed-node-group.adoc: the options are listed with `--help` before the real command
    scan = scan_files({"guide.adoc": """
        [source,bash,subs="verbatim,attributes"]
        ----
        eksctl create nodegroup --help
        eksctl create cluster -h
        eksctl create cluster --name shown --help=true
        ----
    """})
    assert scan.estate.problems == []
    assert scan.estate.clusters == []
    assert scan.results("EKS101") == []


def test_help_switched_off_still_runs_the_command(scan_files: ScanFiles) -> None:
    scan = scan_files({"guide.adoc": """
        [source,bash]
        ----
        eksctl create cluster --name real --help=false
        ----
    """})
    assert [c.name for c in scan.estate.clusters] == ["real"]
    assert [f.status for f in scan.results("EKS101")] == [Status.FAIL]
