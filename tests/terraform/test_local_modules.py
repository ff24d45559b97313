"""Modules called by a local path (`source = "../.."`, `"./modules/eks"`): a copy of terraform-aws-eks is read
like a call of the registry module, with its major version from the copy's variables; another local module
that defines a cluster, or calls the registry module, gets a warning that the call's cluster is not evaluated."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.sources import collect

TODAY = dt.date(2026, 11, 22)

# the shape of terraform-aws-eks that identifies a copy: its cluster resource and its inputs (variables.tf)
EKS_MODULE_VARIABLES = {
    21: ["name", "kubernetes_version", "endpoint_public_access", "endpoint_public_access_cidrs", "access_entries"],
    20: ["cluster_name", "cluster_version", "cluster_endpoint_public_access", "cluster_endpoint_public_access_cidrs",
         "access_entries"],
    19: ["cluster_name", "cluster_version", "cluster_endpoint_public_access", "manage_aws_auth_configmap",
         "node_security_group_enable_recommended_rules"],
    18: ["cluster_name", "cluster_version", "cluster_endpoint_public_access", "manage_aws_auth_configmap"],
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def eks_module_copy(directory: Path, major: int) -> None:
    write(directory / "main.tf", """\
        resource "aws_eks_cluster" "this" {
          count    = var.create ? 1 : 0
          name     = var.name
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config {
            subnet_ids = var.subnet_ids
          }
        }
        """)
    names = ["create", "subnet_ids", "eks_managed_node_groups", "self_managed_node_groups", "fargate_profiles",
             *EKS_MODULE_VARIABLES[major]]
    write(directory / "variables.tf", "".join(f'variable "{name}" {{}}\n' for name in names))


def scan(*paths: Path) -> ScanReport:
    return evaluate(collect([str(p) for p in paths], {}), Config(), TODAY)


def eks101(report: ScanReport) -> list[tuple[str, str, int | None]]:
    return sorted((r.target, r.status.value, r.origin.line if r.origin else None)
                  for r in report.results if r.rule == "EKS101")


def test_vendored_v21_copy_is_read_as_the_eks_module_even_when_not_scanned(tmp_path: Path) -> None:
    eks_module_copy(tmp_path / "modules/eks", 21)
    root = write(tmp_path / "main.tf", """\
        module "eks" {
          source = "./modules/eks"

          name                   = "vendored"
          endpoint_public_access = true
          subnet_ids             = ["subnet-a", "subnet-b"]
        }

        module "off" {
          source = "./modules/eks"
          create = false
        }
        """)
    report = scan(root)  # the file alone: the module's directory is read from disk
    assert eks101(report) == [("cluster/vendored", "fail", 5)]
    [result] = [r for r in report.results if r.rule == "EKS101"]
    assert result.severity == "critical" and result.provenance == "defaulted by terraform-aws-modules/eks"
    assert not report.estate.warnings


def test_copy_version_comes_from_its_variables(tmp_path: Path) -> None:
    eks_module_copy(tmp_path / "eks", 20)
    root = write(tmp_path / "stack/main.tf", """\
        module "eks" {
          source                         = "../eks"
          cluster_name                   = "v20copy"
          cluster_endpoint_public_access = true
        }
        """)
    assert eks101(scan(root)) == [("cluster/v20copy", "fail", 4)]


def test_v19_copy_is_read_with_v19_defaults(tmp_path: Path) -> None:
    eks_module_copy(tmp_path / "eks", 19)
    root = write(tmp_path / "stack/main.tf", """\
        module "eks" {
          source       = "../eks"
          cluster_name = "v19copy"
        }
        """)
    [result] = [r for r in scan(root).results if r.rule == "EKS107"]
    assert (result.status.value, result.severity, result.provenance) == ("fail", "medium", "defaulted by EKS API")


def test_old_copy_and_other_local_clusters_are_warned_not_silent(tmp_path: Path) -> None:
    eks_module_copy(tmp_path / "old", 18)
    write(tmp_path / "own/main.tf", """\
        resource "aws_eks_cluster" "main" {
          name     = var.name
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config {
            subnet_ids = ["subnet-a"]
          }
        }
        variable "name" {}
        """)
    write(tmp_path / "network/main.tf", 'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n')
    root = write(tmp_path / "live/main.tf", """\
        module "old" {
          source                         = "../old"
          cluster_name                   = "old"
          cluster_endpoint_public_access = true
        }

        module "own" {
          source = "../own"
          name   = "own"
        }

        module "network" {
          source = "../network"
        }
        """)
    report = scan(root)
    assert eks101(report) == []
    warnings = sorted((w.line, w.kind, w.message) for w in report.estate.warnings)
    assert [(line, kind) for line, kind, _ in warnings] == [(2, "module-not-read"), (8, "module-not-read")]
    assert "module `old` (source ../old) is not evaluated: it is terraform-aws-eks older than v19" in warnings[0][2]
    assert "module `own` (source ../own) is not evaluated: it defines `aws_eks_cluster`" in warnings[1][2]
    assert all(w.ja and "評価されません" in w.ja for w in report.estate.warnings)


def test_node_groups_a_caller_makes_for_a_local_cluster_module_make_its_node_group_rules_unknown(
        tmp_path: Path) -> None:
    write(tmp_path / "cluster/main.tf", """\
        resource "aws_eks_cluster" "default" {
          name     = "shared"
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config {
            subnet_ids = ["subnet-a"]
          }
        }
        """)
    write(tmp_path / "cluster/examples/with-nodes/main.tf", """\
        module "eks_cluster" {
          source = "../../"
        }

        module "eks_iam_role" {
          source                      = "cloudposse/eks-iam-role/aws"
          eks_cluster_oidc_issuer_url = module.eks_cluster.eks_cluster_identity_oidc_issuer
        }

        module "eks_node_group" {
          source       = "cloudposse/eks-node-group/aws"
          cluster_name = module.eks_cluster.eks_cluster_id
        }
        """)
    write(tmp_path / "cluster/examples/role-only/main.tf", """\
        module "eks_cluster" {
          source = "../../"
        }

        module "eks_iam_role" {
          source                      = "cloudposse/eks-iam-role/aws"
          eks_cluster_oidc_issuer_url = module.eks_cluster.eks_cluster_identity_oidc_issuer
        }
        """)
    caller = tmp_path / "cluster/examples/with-nodes/main.tf"
    results = sorted((r.status.value, r.origin.path if r.origin else None, r.origin.line if r.origin else None,
                      r.message.en if r.message else None)
                     for r in scan(tmp_path / "cluster").results if r.rule == "EKS301")
    assert results == [("unknown", str(caller), 12, "No node group is read here, but node groups of "
                        "module.eks_node_group (cloudposse/eks-node-group/aws) are not evaluated: check their "
                        "settings where they are defined.")]
    alone = [r.status.value for r in scan(tmp_path / "cluster/main.tf", tmp_path / "cluster/examples/role-only")
             .results if r.rule == "EKS301"]
    assert alone == ["not_applicable"]


def test_wrapper_of_the_registry_module_is_warned_at_each_call(tmp_path: Path) -> None:
    write(tmp_path / "mod/main.tf", """\
        variable "cluster_version" {
          default = "1.31"
        }

        module "eks" {
          source          = "terraform-aws-modules/eks/aws"
          version         = "~> 19.9"
          cluster_name    = "demo"
          cluster_version = var.cluster_version
          vpc_id          = "vpc-1"
          subnet_ids      = ["subnet-1", "subnet-2"]
        }
        """)
    write(tmp_path / "nodes/main.tf", """\
        module "nodes" {
          source       = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"
          cluster_name = var.cluster_name
        }
        variable "cluster_name" {}
        """)
    for caller in ("dev", "prod"):
        write(tmp_path / caller / "main.tf", """\
            module "nodes" {
              source       = "../nodes"
              cluster_name = "demo"
            }

            module "cluster" {
              source          = "../mod"
              cluster_version = "1.33"
            }
            """)
    report = scan(tmp_path)
    [version] = [r for r in report.results if r.rule == "EKS106"]
    assert (version.target, version.origin and version.origin.line) == ("cluster/demo", 9)  # the wrapper's default
    warnings = sorted((w.path, w.line, w.message) for w in report.estate.warnings)
    assert [(path, line) for path, line, _ in warnings] == [
        (str(tmp_path / "dev/main.tf"), 7), (str(tmp_path / "prod/main.tf"), 7)]
    assert all(f"module `cluster` (source ../mod) is not evaluated: it calls terraform-aws-modules/eks, and the "
               f"call's inputs are not applied to it: its cluster is read in {tmp_path / 'mod'} " in message
               for _, _, message in warnings)
    assert all(w.ja and str(tmp_path / "mod") in w.ja for w in report.estate.warnings)


def test_an_empty_module_source_is_no_local_module(tmp_path: Path) -> None:
    # found by fuzzing: `source = ""` (HCL) and `"source": ""` (JSON) name no folder, and the cluster is still read
    write(tmp_path / "main.tf", """\
        module "x" {
          source = ""
        }
        resource "aws_eks_cluster" "c" {
          name     = "c"
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config { subnet_ids = ["subnet-1"] }
        }
        """)
    write(tmp_path / "other.tf.json", '{"module": {"y": {"source": ""}}}')
    report = scan(tmp_path)
    assert report.estate.problems == [] and [c.name for c in report.estate.clusters] == ["c"]


def test_a_local_module_given_the_cluster_makes_node_groups_only_if_its_files_can(tmp_path: Path) -> None:
    """A local module given the cluster's name (a folder of add-ons; eks-blueprints-addons' own tests call it as
    `../../`) leaves the node-group rules alone when its files launch no instances and call only modules that make
    no node groups; one with an instance-launching resource, or calling a module not known, may make some."""
    write(tmp_path / "addons/main.tf", """\
        variable "cluster_name" {}

        resource "helm_release" "metrics" {
          name  = "metrics-server"
          chart = "metrics-server"
        }

        module "cert_manager" {
          source  = "aws-ia/eks-blueprints-addon/aws"
          version = "1.1.1"
          chart   = "cert-manager"
        }

        module "queue" {
          source = "terraform-aws-modules/sqs/aws"
          name   = "nth-${var.cluster_name}"
        }

        module "labels" {
          source  = "clouddrove/labels/aws"
          version = "1.3.0"
          name    = var.cluster_name
        }
        """)
    write(tmp_path / "asg/main.tf", """\
        variable "cluster_name" {}

        resource "aws_autoscaling_group" "nodes" {
          name     = "${var.cluster_name}-nodes"
          max_size = 2
          min_size = 1
        }
        """)
    write(tmp_path / "wrapper/main.tf", """\
        variable "cluster_name" {}

        module "nodes" {
          source       = "example/nodes/aws"
          cluster_name = var.cluster_name
        }
        """)
    for label in ("addons", "asg", "wrapper"):
        write(tmp_path / f"root-{label}/main.tf", f"""\
            module "eks" {{
              source       = "terraform-aws-modules/eks/aws"
              version      = "~> 20.0"
              cluster_name = "demo"
              subnet_ids   = ["subnet-a", "subnet-b"]
            }}

            module "{label}" {{
              source       = "../{label}"
              cluster_name = module.eks.cluster_name
            }}
            """)
    statuses = {label: [(r.status.value, r.message.en if r.message else None)
                        for r in scan(tmp_path / f"root-{label}").results if r.rule == "EKS301"]
                for label in ("addons", "asg", "wrapper")}
    assert statuses["addons"] == [("not_applicable", None)]
    for label in ("asg", "wrapper"):
        assert [s for s, _ in statuses[label]] == ["unknown"], statuses[label]
        assert f"node groups of module.{label} (../{label}) are not evaluated" in str(statuses[label][0][1])


def test_a_copy_of_a_node_group_submodule_is_read_like_the_registrys(tmp_path: Path) -> None:
    """terraform-aws-eks's own tests call `../../modules/eks-managed-node-group`: a local copy of a node group
    submodule (its node group resource and the inputs only it has) given the cluster is that cluster's node
    group, with the submodule's defaults; another local module with a node group resource still makes the node
    rules unknown."""
    eks_module_copy(tmp_path / "modules/eks", 21)
    write(tmp_path / "modules/eks-managed-node-group/main.tf", 'resource "aws_eks_node_group" "this" {}\n')
    write(tmp_path / "modules/eks-managed-node-group/variables.tf", "".join(
        f'variable "{name}" {{}}\n' for name in ("cluster_name", "use_custom_launch_template", "metadata_options",
                                                  "iam_role_attach_cni_policy")))
    write(tmp_path / "modules/own-nodes/main.tf", 'resource "aws_eks_node_group" "this" {}\n')
    root = write(tmp_path / "live/main.tf", """\
        module "eks" {
          source = "../modules/eks"
          name   = "copied"
        }

        module "workers" {
          source           = "../modules/eks-managed-node-group"
          name             = "workers"
          cluster_name     = module.eks.cluster_name
          metadata_options = { http_tokens = "optional" }
        }

        module "others" {
          source       = "../modules/own-nodes"
          cluster_name = module.eks.cluster_name
        }
        """).parent
    results = [(r.rule, r.status.value, r.target, r.origin.line if r.origin else None)
               for r in scan(root).results if r.rule == "EKS301"]
    assert ("EKS301", "fail", "cluster/copied/nodegroup/workers", 10) in results
    assert ("EKS301", "unknown", "cluster/copied", 15) in results  # module.others: not a copy of the submodule
