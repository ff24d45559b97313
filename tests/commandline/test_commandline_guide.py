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


def test_attributes_are_substituted_when_subs_is_a_quoted_list(scan_files: ScanFiles) -> None:
    # the user guide writes `[source,bash,subs="verbatim,attributes"]`: one attribute, whose value has a comma
    scan = scan_files({"guide.adoc": """
        :cluster: demo

        [source,bash,subs="verbatim,attributes"]
        ----
        eksctl create cluster --name {cluster} --region us-west-2
        ----
    """})
    assert [c.name for c in scan.estate.clusters] == ["demo"]

