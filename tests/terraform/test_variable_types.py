"""Terraform variable type constraints: `optional(type, default)` object attributes take their defaults."""

from __future__ import annotations

from pathlib import Path

from eksguard.model import Provenance
from eksguard.sources import collect
from eksguard.sources.terraform import ANY_TYPE, Evaluator, Unknown, type_constraint, with_type_defaults

# the Cloud Posse cluster module's way (terraform-aws-eks-cluster variables.tf and main.tf)
CLUSTER = """\
variable "access_config" {
  type = object({
    authentication_mode                         = optional(string, "API")
    bootstrap_cluster_creator_admin_permissions = optional(bool, false)
  })
  default  = {}
  nullable = false
}

resource "aws_eks_cluster" "this" {
  name     = "typed"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
  access_config {
    authentication_mode                         = var.access_config.authentication_mode
    bootstrap_cluster_creator_admin_permissions = var.access_config.bootstrap_cluster_creator_admin_permissions
  }
}
"""


def _evaluator() -> Evaluator:
    return Evaluator(lambda root, steps: Unknown(f"{root} is not known here"))


def test_optional_attributes_of_a_default_take_their_defaults(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CLUSTER)
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.authentication_mode is not None and cluster.bootstrap_creator_admin is not None
    assert cluster.authentication_mode.value == "API"
    assert cluster.authentication_mode.provenance is Provenance.DECLARED
    assert cluster.bootstrap_creator_admin.value is False
    assert cluster.bootstrap_creator_admin.provenance is Provenance.DECLARED


def test_a_tfvars_object_keeps_what_it_sets_and_takes_the_other_defaults(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CLUSTER)
    (tmp_path / "terraform.tfvars").write_text('access_config = { bootstrap_cluster_creator_admin_permissions = true }\n')
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.authentication_mode is not None and cluster.bootstrap_creator_admin is not None
    assert cluster.authentication_mode.value == "API"
    assert cluster.bootstrap_creator_admin.value is True


def test_nested_objects_in_collections_and_null_attributes_take_defaults() -> None:
    constraint = type_constraint(
        'map(object({type = optional(string, "STANDARD"), groups = optional(list(string), []), '
        'scope = optional(object({type = optional(string, "cluster"), namespaces = optional(list(string))}), {}), '
        'name = string}))', _evaluator())
    value = {"a": {"name": "x", "type": None}, "b": {"name": "y", "scope": {"namespaces": ["ns"]}}}
    assert with_type_defaults(value, constraint) == {
        "a": {"name": "x", "type": "STANDARD", "groups": [], "scope": {"type": "cluster", "namespaces": None}},
        "b": {"name": "y", "type": "STANDARD", "groups": [], "scope": {"type": "cluster", "namespaces": ["ns"]}},
    }


def test_a_missing_required_attribute_stays_absent_and_an_unreadable_type_changes_nothing() -> None:
    constraint = type_constraint('object({name = string, mode = optional(string, "API")})', _evaluator())
    assert with_type_defaults({}, constraint) == {"mode": "API"}
    assert type_constraint("object({name = ", _evaluator()) is ANY_TYPE
    unknown = Unknown("not known")
    assert with_type_defaults(unknown, constraint) is unknown
