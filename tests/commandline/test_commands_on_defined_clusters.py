"""A command of one file that names a cluster another file defines (`eksctl utils update-cluster-vpc-config
--cluster prod` in a script, `prod` in a ClusterConfig file): it changes that cluster, once the name says which
cluster it is; otherwise it keeps a partial cluster of its own, as before."""

from __future__ import annotations

from clkit import ScanFiles

from eksguard.findings import Status

CLUSTER = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: us-west-2
vpc:
  publicAccessCIDRs: ["203.0.113.0/24"]
"""
OPEN = ("#!/bin/bash\neksctl utils update-cluster-vpc-config --cluster prod {region}"
        "--public-access-cidrs 0.0.0.0/0 --approve\n")


def test_a_script_that_opens_the_endpoint_of_a_cluster_defined_elsewhere_fails_eks101(
        scan_files: ScanFiles) -> None:
    scan = scan_files({"cluster.yaml": CLUSTER, "ops/open.sh": OPEN.format(region="--region us-west-2 ")})
    [cluster] = scan.estate.clusters  # no partial cluster of the script's own
    assert cluster.origin.path.endswith("cluster.yaml")
    [finding] = scan.failing("EKS101")
    assert finding.severity == "critical" and finding.origin is not None
    assert finding.origin.path.endswith("open.sh") and finding.origin.line == 2
    assert any("open.sh:2 changes this cluster" in note.en for note in cluster.notes)


def test_a_name_two_files_define_keeps_the_command_apart(scan_files: ScanFiles) -> None:
    scan = scan_files({"a/cluster.yaml": CLUSTER, "b/cluster.yaml": CLUSTER, "open.sh": OPEN.format(region="")})
    assert len(scan.estate.clusters) == 3
    assert scan.failing("EKS101") == []
    assert [f.origin.path.rsplit("/", 1)[-1] for f in scan.results("EKS101", Status.UNKNOWN) if f.origin] == ["open.sh"]


def test_another_region_or_a_cluster_a_command_creates_keeps_the_command_apart(scan_files: ScanFiles) -> None:
    other_region = scan_files({"cluster.yaml": CLUSTER, "open.sh": OPEN.format(region="--region eu-west-1 ")})
    assert len(other_region.estate.clusters) == 2 and other_region.failing("EKS101") == []
    created = scan_files({"cluster.yaml": CLUSTER, "open.sh": OPEN.format(region=""),
                          "make.sh": "eksctl create cluster --name prod --region us-west-2\n"})
    assert len(created.estate.clusters) == 3
    assert [f.origin.path.rsplit("/", 1)[-1] for f in created.failing("EKS101") if f.origin] == ["make.sh"]
