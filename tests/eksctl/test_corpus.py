"""The real eksctl examples and the EKS Workshop cluster file (../shared/corpus)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.findings import Finding
from eksguard.sources import collect

TODAY = dt.date(2026, 11, 22)


def scan(path: Path) -> ScanReport:
    return evaluate(collect([str(path)], {}), Config(), TODAY)


def failing(report: ScanReport, rule: str) -> list[Finding]:
    return [f for f in report.failures if f.rule == rule]


@pytest.fixture(scope="module")
def examples(shared_root: Path) -> Path:
    return shared_root / "corpus/eksctl-examples"


def test_every_example_scans_without_unreadable_input(examples: Path) -> None:
    report = scan(examples)
    unreadable = [p for p in report.estate.problems if p.kind != "unresolved-variable"]
    assert unreadable == []
    assert len([i for i in report.estate.inputs if i.kind == "eksctl"]) == 49
    assert not [f for f in report.results if f.status.value == "error"]


def test_simple_cluster_has_public_nodes(examples: Path) -> None:
    assert failing(scan(examples / "01-simple-cluster.yaml"), "EKS201")


def test_ssh_key_without_allow_false(examples: Path) -> None:
    report = scan(examples / "07-ssh-keys.yaml")
    targets = {f.target.rsplit("/", 1)[-1] for f in failing(report, "EKS208")}
    assert "ng-1" in targets  # only publicKeyPath: SSH on by eksctl's default
    assert "ng-5" not in targets  # key with allow: false
    ng1 = next(f for f in failing(report, "EKS208") if f.target.endswith("/ng-1"))
    assert ng1.provenance == "defaulted by eksctl"
    assert ng1.origin is not None and ng1.origin.line == 15


def test_restricted_cidrs_give_eks102_not_eks101(examples: Path) -> None:
    report = scan(examples / "38-cluster-subnets-sgs.yaml")
    assert failing(report, "EKS102")
    assert not failing(report, "EKS101")


def test_identity_mappings(examples: Path) -> None:
    report = scan(examples / "35-iamidentitymappings.yaml")
    masters = failing(report, "EKS402")
    assert [f.origin.line for f in masters if f.origin] == [10]
    assert failing(report, "EKS404")


def test_ancient_version_is_high(examples: Path) -> None:
    findings = failing(scan(examples / "23-kubeflow-spot-instance.yaml"), "EKS106")
    assert [f.severity for f in findings] == ["high"]


def test_kms_cluster_has_no_eks105(examples: Path) -> None:
    assert not failing(scan(examples / "19-kms-cluster.yaml"), "EKS105")


def test_workshop_cluster_public_endpoint(shared_root: Path) -> None:
    report = scan(shared_root / "corpus/eks-workshop-v2/cluster/eksctl/cluster.yaml")
    endpoint = failing(report, "EKS101")
    assert [f.severity for f in endpoint] == ["critical"]
    assert endpoint[0].origin is not None and endpoint[0].origin.line == 21  # publicAccess: true
    assert not failing(report, "EKS201")
    assert {p.kind for p in report.estate.problems} == {"unresolved-variable"}
