"""Article 000's first alert: the workshop's `eksctl create cluster` line, as a shell script and pasted
in a Japanese Markdown page with `$ ` prompts and `\\` continuations."""

from __future__ import annotations

import pytest
from clkit import FIXTURES, scan_paths

from eksguard.findings import Status

EXPECTED = {"EKS201": "high", "EKS101": "critical", "EKS103": "medium", "EKS104": "medium", "EKS106": "high"}


@pytest.mark.parametrize(("fixture", "line"), [("article000.sh", 4), ("article000-ja.md", 7)])
def test_article_000_command_findings_at_the_command_line(fixture: str, line: int) -> None:
    path = FIXTURES / fixture
    scan = scan_paths(path)
    assert scan.estate.problems == []
    assert scan.estate.warnings == []
    for rule, severity in EXPECTED.items():
        found = [(f.severity, f.origin.path if f.origin else None, f.origin.line if f.origin else None)
                 for f in scan.failing(rule)]
        assert found == [(severity, str(path), line)], (rule, found)
    cluster = scan.cluster("ekshandson")
    assert cluster.source == "eksctl-cli"
    assert cluster.origin.line == line


@pytest.mark.parametrize("fixture", ["article000.sh", "article000-ja.md"])
def test_article_000_explains_the_defaults_in_command_line_terms(fixture: str) -> None:
    scan = scan_paths(FIXTURES / fixture)
    nodes = scan.failing("EKS201")[0]
    assert nodes.target == "cluster/ekshandson/nodegroup/managedgroup-0"
    assert nodes.provenance == "defaulted by eksctl"
    assert nodes.note is not None and "--node-private-networking" in nodes.note.en and "-P" in nodes.note.en
    endpoint = scan.failing("EKS101")[0]
    assert endpoint.provenance == "defaulted by eksctl"
    assert endpoint.message is not None and "0.0.0.0/0" in endpoint.message.en
    assert "update-cluster-vpc-config" in endpoint.message.en
    version = scan.failing("EKS106")[0]
    assert (version.provenance, version.observed) == ("declared", "version=1.30")
    # the zones come from `$(aws configure get region)`: unknown, with the reason, never an error
    zones = scan.results("EKS202")
    assert [z.status for z in zones] == [Status.UNKNOWN]
    assert zones[0].message is not None and "aws configure get region" in zones[0].message.en


def test_shell_script_and_markdown_page_give_the_same_findings() -> None:
    def summary(fixture: str) -> set[tuple[str, str, str, str]]:
        return {(f.rule, f.status.value, f.severity, f.target) for f in scan_paths(FIXTURES / fixture).report.results}

    assert summary("article000.sh") == summary("article000-ja.md")


def test_region_given_with_var_makes_the_zones_known() -> None:
    scan = scan_paths(FIXTURES / "article000.sh", variables={"AWS_REGION": "ap-northeast-1"})
    assert [z.status for z in scan.results("EKS202")] == [Status.PASS]
    cluster = scan.cluster("ekshandson")
    assert cluster.region is not None and cluster.region.value == "ap-northeast-1"
    assert cluster.cluster_subnet_azs is not None
    assert cluster.cluster_subnet_azs.value == ["ap-northeast-1a", "ap-northeast-1c"]


def test_prose_mentions_are_not_commands() -> None:
    scan = scan_paths(FIXTURES / "prose-only.md")
    assert scan.estate.clusters == []
    assert scan.report.results == []
    assert scan.estate.warnings == [] and scan.estate.problems == []
    assert [(i.path.rsplit("/", 1)[-1], i.kind) for i in scan.estate.inputs] == [("prose-only.md", "ignored")]
