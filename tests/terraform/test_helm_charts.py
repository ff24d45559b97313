"""Helm charts a Terraform definition installs (`helm_release`, eks-blueprints-addons `helm_releases`) reach the
cluster model, and the chart names that install a NetworkPolicy engine are recognised in their usual forms."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from eksguard.analysis.imds import engine_chart
from eksguard.sources import collect


@pytest.mark.parametrize(("chart", "engine"), [
    ("cilium", True),
    ("cilium/cilium", True),
    ("oci://quay.io/cilium/charts/cilium", True),
    ("https://helm.cilium.io/cilium-1.16.4.tgz", True),
    ("projectcalico/tigera-operator", True),
    ("aws-calico", True),
    ("cilium-operator-config", False),
    ("ingress-nginx", False),
    ("aws-load-balancer-controller", False),
])
def test_engine_charts(chart: str, engine: bool) -> None:
    assert engine_chart(chart) is engine


def test_charts_of_releases_and_of_the_blueprints_addons_module(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        variable "chart" {
          type = string
        }
        module "eks" {
          source       = "terraform-aws-modules/eks/aws"
          version      = "~> 20.0"
          cluster_name = "charts"
        }
        resource "helm_release" "known" {
          name  = "known"
          chart = "cilium"
        }
        resource "helm_release" "pending" {
          name  = "pending"
          chart = var.chart
        }
        module "addons" {
          source       = "aws-ia/eks-blueprints-addons/aws"
          cluster_name = module.eks.cluster_name
          helm_releases = {
            calico = { chart = "tigera-operator" }
          }
        }
        """))
    [cluster] = collect([str(tmp_path)], {}).clusters
    charts = sorted((c.chart or "?", c.origin.line, c.note.en if c.note else None) for c in cluster.helm_charts)
    assert charts == [("?", 15, "`chart` is not known before Terraform runs: var.chart"), ("cilium", 11, None),
                      ("tigera-operator", 21, None)]
