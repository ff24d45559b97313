"""HCL block labels written as bare identifiers (`resource aws_eks_cluster "x"`, as terragoat and yor-tagged
code write them) are read like quoted ones."""

from __future__ import annotations

import textwrap
from pathlib import Path

from eksguard.sources import collect


def test_a_cluster_and_its_subnets_with_bare_type_labels(tmp_path: Path) -> None:
    (tmp_path / "eks.tf").write_text(textwrap.dedent("""\
        resource aws_subnet "one" {
          vpc_id                  = "vpc-1"
          cidr_block              = "10.10.10.0/24"
          map_public_ip_on_launch = true
        }

        resource aws_eks_cluster eks_cluster {
          name     = "goat"
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config {
            endpoint_private_access = true
            subnet_ids              = [aws_subnet.one.id]
          }
        }
        """))
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.name == "goat"
    assert cluster.origin is not None and cluster.origin.line == 8  # its name
    assert cluster.endpoint_private_access is not None and cluster.endpoint_private_access.value is True
    assert "aws_subnet.one" in cluster.network.subnets


def test_kubernetes_objects_with_bare_type_labels(tmp_path: Path) -> None:
    (tmp_path / "rbac.tf").write_text(textwrap.dedent("""\
        resource kubernetes_cluster_role_binding anonymous {
          metadata {
            name = "anonymous-admin"
          }
          role_ref {
            api_group = "rbac.authorization.k8s.io"
            kind      = "ClusterRole"
            name      = "cluster-admin"
          }
          subject {
            kind = "User"
            name = "system:anonymous"
          }
        }
        """))
    objects = [obj for scope in collect([str(tmp_path)], {}).kube_scopes for obj in scope.objects]
    assert [(obj.kind, obj.name) for obj in objects] == [("ClusterRoleBinding", "anonymous-admin")]
    assert objects[0].origin.line == 1
