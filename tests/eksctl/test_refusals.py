"""What eksctl refuses in a ClusterConfig that still reads: a `rejected-config` warning at the line, the file
still checked (and fixable)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from eksguard.sources import collect

CONFIG = """\
    apiVersion: eksctl.io/v1alpha5
    kind: ClusterConfig
    metadata:
      name: al2
      region: us-west-2
    {version}
    nodeGroups:
      - name: old
        amiFamily: AmazonLinux2
    managedNodeGroups:
      - name: custom-ami
        amiFamily: AmazonLinux2
        ami: ami-0123456789abcdef0
      - name: managed-old
        amiFamily: AmazonLinux2
      - name: current
        amiFamily: AmazonLinux2023
"""


def _refused(tmp_path: Path, version: str) -> list[tuple[int | None, str]]:
    path = tmp_path / "cluster.yaml"
    path.write_text(textwrap.dedent(CONFIG.format(version=version)))
    estate = collect([str(path)], {})
    assert len(estate.clusters) == 1 and not estate.problems
    return [(w.line, w.message) for w in estate.warnings if w.kind == "rejected-config"]


@pytest.mark.parametrize("version", ['  version: "1.33"', "  version: auto", ""])  # "" and auto: eksctl's 1.34
def test_amazon_linux_2_node_groups_from_1_33_are_refused_unless_managed_with_their_own_ami(
        tmp_path: Path, version: str) -> None:
    refused = _refused(tmp_path, version)
    assert [line for line, _ in refused] == [9, 15]
    assert "eksctl refuses node group `old`: AmazonLinux2 is not supported for Kubernetes version 1.3" in refused[0][1]
    assert "`managed-old`" in refused[1][1]


def test_amazon_linux_2_before_1_33_is_accepted(tmp_path: Path) -> None:
    assert _refused(tmp_path, '  version: "1.32"') == []
