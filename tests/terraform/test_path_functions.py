"""Terraform `path.*` references and the string/list functions cluster names are built with."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from eksguard.sources import collect
from eksguard.sources.terraform import Evaluator, HclModule, Unknown, call_function


@pytest.mark.parametrize(("name", "args", "expected"), [
    ("basename", ["patterns/istio"], "istio"),
    ("basename", ["patterns/istio/"], "istio"),
    ("basename", ["istio"], "istio"),
    ("basename", [""], "."),
    ("basename", ["/"], "/"),
    ("dirname", ["patterns/istio"], "patterns"),
    ("dirname", ["istio"], "."),
    ("dirname", ["/istio"], "/"),
    ("substr", ["hello world", 1, 4], "ello"),
    ("substr", ["hello world", -5, -1], "world"),
    ("slice", [["a", "b", "c", "d"], 1, 3], ["b", "c"]),
    ("lower", ["EX-Istio"], "ex-istio"),
    ("upper", ["ex"], "EX"),
    ("format", ["%s-%d-%v", "ex", 2, True], "ex-2-true"),
])
def test_functions(name: str, args: list[Any], expected: Any) -> None:
    assert call_function(name, args) == expected


@pytest.mark.parametrize(("name", "args"), [
    ("substr", ["hello", 9, 1]),
    ("slice", [["a"], 0, 3]),
    ("basename", [Unknown("a variable", "var.path")]),
])
def test_functions_on_values_out_of_range_or_unknown_are_unknown(name: str, args: list[Any]) -> None:
    assert isinstance(call_function(name, args), Unknown)


def _module(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True)
    (directory / "main.tf").write_text(textwrap.dedent(text))
    return directory


def test_cluster_name_from_the_directory_name(tmp_path: Path) -> None:
    folder = _module(tmp_path / "patterns" / "istio", """\
        locals {
          name = basename(path.cwd)
        }

        module "eks" {
          source  = "terraform-aws-modules/eks/aws"
          version = "~> 21.0"
          name    = "ex-${local.name}"
        }

        resource "aws_eks_cluster" "relative" {
          name     = "${basename(path.module)}-${basename(dirname(path.cwd))}"
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config {
            subnet_ids = ["subnet-a"]
          }
        }
        """)
    names = sorted(c.name for c in collect([str(folder)], {}).clusters)
    # path.module is `.` in the root module, as in Terraform; path.cwd is the folder's absolute path
    assert names == [".-patterns", "ex-istio"]


def test_module_cluster_name_not_known_before_apply_is_not_its_expression(tmp_path: Path) -> None:
    folder = _module(tmp_path / "spokes", """\
        module "spoke" {
          source  = "terraform-aws-modules/eks/aws"
          version = "~> 21.0"
          name    = "spoke-${terraform.workspace}"
        }
        """)
    [cluster] = collect([str(folder)], {}).clusters
    assert cluster.name == "spoke"  # the module's label
    assert [n.en for n in cluster.notes] == ["`name` is not known before Terraform runs: spoke-${terraform.workspace}"]


def test_path_references_evaluate_in_expressions(tmp_path: Path) -> None:
    module = HclModule(str(tmp_path / "blue"), [], {}, {})
    evaluator = Evaluator(module.lookup)
    assert evaluator.expression('"ex-${basename(path.cwd)}"') == "ex-blue"
    assert evaluator.expression("path.root") == "."
