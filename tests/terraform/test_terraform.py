"""Terraform source: HCL line index, expressions, variables, terraform-aws-modules defaults, plan/state
JSON, and the EKS Workshop Terraform of ../shared/corpus/eks-workshop-v2."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.findings import Finding
from eksguard.model import Provenance
from eksguard.sources import collect
from eksguard.sources.terraform import Evaluator, TFRef, Unknown, apply_steps, index_hcl, parse_hcl

TODAY = dt.date(2026, 11, 22)
FIXTURES = Path(__file__).parent / "fixtures"


def scan(*paths: Path | str, variables: dict[str, str] | None = None) -> ScanReport:
    return evaluate(collect([str(p) for p in paths], variables or {}), Config(), TODAY)


def results(report: ScanReport, rule: str, status: str | None = None) -> list[Finding]:
    return [f for f in report.results if f.rule == rule and (status is None or f.status.value == status)]


def module(tmp_path: Path, text: str, name: str = "main.tf") -> Path:
    (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


# --- HCL line index ----------------------------------------------------------------------

HCL = '''\
# resource "aws_eks_cluster" "commented" {
variable "x" {
  default = "{" # a brace in a string and a comment: }
}

resource "aws_eks_cluster" "this" {
  name = "${var.x}-c"
  vpc_config {
    subnet_ids = [
      aws_subnet.a.id,
    ]
    endpoint_public_access = true
  }
  tags = {
    "kubernetes.io/role/elb" = "1"
  }
  policy = <<EOT
  { "Statement": [ { "Effect": "Allow" } ] }
EOT
  ingress {
    from_port = 22
  }
  ingress {
    from_port = 443
  }
}
'''


@pytest.mark.parametrize(("pointer", "line"), [
    ([], 6), (["name"], 7), (["vpc_config"], 8), (["vpc_config", "subnet_ids"], 9),
    (["vpc_config", "endpoint_public_access"], 12), (["tags", "kubernetes.io/role/elb"], 15),
    (["policy"], 17), (["ingress", "1", "from_port"], 24), (["ingress", "from_port"], 21),
    (["vpc_config", "missing"], 8),
])
def test_index_finds_blocks_and_attributes_by_line(pointer: list[str], line: int) -> None:
    node = index_hcl(HCL).find("resource", ("aws_eks_cluster", "this"))
    assert node is not None
    assert node.locate(pointer) == line


def test_index_skips_comments_strings_and_heredocs() -> None:
    root = index_hcl(HCL)
    assert root.find("resource", ("aws_eks_cluster", "commented")) is None
    assert [n.line for n in root.children["variable"]] == [2]
    assert list(root.children) == ["variable", "resource"]


# --- expressions -------------------------------------------------------------------------


def _lookup(root: str, steps: list[Any]) -> Any:
    if root == "var":
        values: dict[str, Any] = {"name": "demo", "n": 3, "tags": {"a": "1"}, "zones": ["a", "b"]}
        return apply_steps(values[steps[0][1]], steps[1:]) if steps[0][1] in values else Unknown(
            "no value", f"var.{steps[0][1]}")
    return apply_steps(TFRef(f"{root}.{steps[0][1]}"), steps[1:])


@pytest.mark.parametrize(("expression", "expected"), [
    ('"${var.name}-eks"', "demo-eks"),
    ("var.n > 2 ? \"big\" : \"small\"", "big"),
    ("var.zones[1]", "b"),
    ('merge(var.tags, { b = "2" })', {"a": "1", "b": "2"}),
    ('concat(["x"], var.zones)', ["x", "a", "b"]),
    ("aws_subnet.a.id", TFRef("aws_subnet.a", "id")),
    ("aws_subnet.private[*].id", [TFRef("aws_subnet.private", "id")]),
    ('jsonencode({ env = { A = "1" } })', '{"env":{"A":"1"}}'),
    ('lookup(var.tags, "a", "z")', "1"),
    ("!false && true", True),
    ('coalesce("", "x")', "x"),
    ("length(var.zones)", 2),
    ('replace("ecr.api", ".", "_")', "ecr_api"),
    ("try(var.tags.missing, null)", None),
    ('try(var.tags.a, "z")', "1"),
    # for expressions: lists, maps (in the lexical order of keys), `if`, grouping, nesting, templates
    ("[for z in var.zones : upper(z)]", ["A", "B"]),
    ('[for i, z in var.zones : "${i}-${z}"]', ["0-a", "1-b"]),
    ('{for k, v in merge(var.tags, { b = "2" }) : "${k}x" => v if k != "a"}', {"bx": "2"}),
    ('[for k, v in { b = 1, a = 2 } : k]', ["a", "b"]),
    ('{for z in concat(var.zones, ["a"]) : z => z...}', {"a": ["a", "a"], "b": ["b"]}),
    ("[for row in [[1, 2], [3]] : [for n in row : n * var.n]]", [[3, 6], [9]]),
    ('merge({ s3 = { service = "s3" } }, { for s in toset(["ecr.api", "sts"]) : replace(s, ".", "_") => '
     '{ service = s } })', {"s3": {"service": "s3"}, "ecr_api": {"service": "ecr.api"}, "sts": {"service": "sts"}}),
    ("{for z in [] : z => z}", {}),
])
def test_expressions(expression: str, expected: Any) -> None:
    assert Evaluator(_lookup).expression(expression) == expected


@pytest.mark.parametrize("expression", [
    "var.missing", "cidrsubnet(var.x, 4, 1)", '"a${var.missing}b"', "var.tags.missing",
    "[for z in var.missing : z]", "{for z in var.zones : z => z if z == var.missing}",
    "{for z in var.zones : var.missing => z}", '{for z in ["a", "a"] : z => 1}', "try(var.missing, null)",
    'replace("a.b", "/[.]/", "_")', 'merge(var.tags, { for z in var.missing : z => z })',
])
def test_expressions_not_known_before_apply_are_unknown(expression: str) -> None:
    assert isinstance(Evaluator(_lookup).expression(expression), Unknown)


def test_for_expression_names_do_not_leak_into_the_expressions_it_refers_to() -> None:
    """The names a for expression binds are lexical: a local evaluated inside its body does not see them."""
    evaluator = Evaluator(lambda root, steps: evaluator.expression("z") if root == "local" else Unknown(root))
    assert evaluator.expression('[for z in ["a"] : z]') == ["a"]
    assert isinstance(evaluator.expression('[for z in ["a"] : local.other]')[0], Unknown)


def test_python_hcl2_string_forms_are_read_as_written() -> None:
    data = parse_hcl('x = "a\\"b"\ny = <<EOT\nhello ${var.name}\nEOT\nz = var.n\n')
    evaluator = Evaluator(_lookup)
    assert evaluator.serialized(data["x"]) == 'a"b'
    assert evaluator.serialized(data["y"]) == "hello demo"
    assert evaluator.serialized(data["z"]) == 3


# --- variables ---------------------------------------------------------------------------


def test_variable_values_from_var_tf_var_and_tfvars(tmp_path: Path) -> None:
    module(tmp_path, """\
        variable "public" {
          default = true
        }
        variable "version" {}
        resource "aws_eks_cluster" "c" {
          name    = "c"
          version = var.version
          vpc_config {
            endpoint_public_access = var.public
            subnet_ids             = ["subnet-1", "subnet-2"]
          }
        }
        """)
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.endpoint_public_access is not None and cluster.endpoint_public_access.value is True
    assert cluster.version is not None and cluster.version.provenance is Provenance.UNKNOWN
    assert cluster.version.note is not None and "variable version has no default" in cluster.version.note.en
    [cluster] = collect([str(tmp_path)], {"public": "false", "TF_VAR_version": "1.34"}).clusters
    assert cluster.endpoint_public_access is not None and cluster.endpoint_public_access.value is False
    assert cluster.version is not None and cluster.version.value == "1.34"
    (tmp_path / "terraform.tfvars").write_text('version = "1.33"\n')
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.version is not None and cluster.version.value == "1.33"
    assert cluster.version.origin.line == 7  # where it is used


def test_count_and_for_each_instances(tmp_path: Path) -> None:
    module(tmp_path, """\
        variable "zones" {
          default = ["eu-west-1a", "eu-west-1b"]
        }
        resource "aws_subnet" "private" {
          count             = length(var.zones)
          vpc_id            = "vpc-1"
          availability_zone = var.zones[count.index]
        }
        resource "aws_eks_cluster" "c" {
          name = "c"
          vpc_config {
            subnet_ids = aws_subnet.private[*].id
          }
        }
        resource "aws_eks_node_group" "off" {
          count        = 0
          cluster_name = aws_eks_cluster.c.name
        }
        """)
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.control_plane_subnet_ids == ["aws_subnet.private[0]", "aws_subnet.private[1]"]
    assert cluster.cluster_subnet_azs is not None and cluster.cluster_subnet_azs.value == ["eu-west-1a", "eu-west-1b"]
    assert cluster.node_groups == []


# --- files and performance ---------------------------------------------------------------


def test_invalid_hcl_is_a_problem_with_its_line(tmp_path: Path) -> None:
    module(tmp_path, """\
        resource "aws_eks_cluster" "c" {
          name = "c"
          vpc_config {
            subnet_ids = [
        }
        """)
    estate = collect([str(tmp_path)], {})
    [problem] = estate.problems
    assert problem.path.endswith("main.tf") and problem.message.startswith("invalid HCL")
    assert problem.line is not None and 3 <= problem.line <= 6


def test_terraform_without_eks_is_not_parsed(tmp_path: Path) -> None:
    module(tmp_path, 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n')
    estate = collect([str(tmp_path)], {})
    assert estate.problems == [] and estate.clusters == []
    assert [i.kind for i in estate.inputs] == ["terraform"]


def test_hcl2_is_imported_only_when_a_tf_file_is_met() -> None:
    code = ("import sys\nfrom eksguard.sources import collect\n"
            f"collect([{str(FIXTURES.parent.parent / 'cloudformation/fixtures/bad.yaml')!r}], {{}})\n"
            "print('hcl2' in sys.modules)\n"
            f"collect([{str(FIXTURES / 'bad')!r}], {{}})\n"
            "print('hcl2' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")})
    assert out.stdout.split() == ["False", "True"]


# --- EKS101 on Terraform -----------------------------------------------------------------


@pytest.mark.parametrize(("path", "line", "provenance"), [
    (FIXTURES / "bad", 61, "defaulted by EKS API"),
    (FIXTURES / "plan-bad.json", 149, "defaulted by Terraform AWS provider"),
])
def test_eks101_on_raw_provider_defaults(path: Path, line: int, provenance: str) -> None:
    [finding] = results(scan(path), "EKS101")
    assert (finding.status.value, finding.target, finding.provenance) == ("fail", "cluster/bad", provenance)
    assert finding.origin is not None and finding.origin.line == line
    assert finding.message is not None and "0.0.0.0/0" in finding.message.en


@pytest.mark.parametrize(("path", "line"), [(FIXTURES / "good", 29), (FIXTURES / "plan-good.json", 176)])
def test_eks101_passes_on_private_endpoints(path: Path, line: int) -> None:
    [finding] = results(scan(path), "EKS101")
    assert finding.status.value == "pass" and finding.origin is not None and finding.origin.line == line


# --- terraform-aws-modules/eks v20 and v21 -----------------------------------------------


def test_eks_module_v21_defaults(tmp_path: Path) -> None:
    module(tmp_path, """\
        module "eks" {
          source  = "terraform-aws-modules/eks/aws"
          version = "~> 21.0"
          name    = "v21"
          eks_managed_node_groups = {
            default = {}
          }
        }
        """)
    [cluster] = collect([str(tmp_path)], {}).clusters
    assert cluster.name == "v21"
    assert cluster.endpoint_public_access is not None and cluster.endpoint_public_access.value is False
    assert cluster.endpoint_public_access.default_by == "terraform-aws-modules/eks"
    assert cluster.endpoint_private_access is not None and cluster.endpoint_private_access.value is True
    assert cluster.log_types is not None and cluster.log_types.value == ["audit", "api", "authenticator"]
    assert cluster.irsa_enabled is not None and cluster.irsa_enabled.value is True
    assert cluster.authentication_mode is not None and cluster.authentication_mode.value == "API_AND_CONFIG_MAP"
    [group] = cluster.node_groups
    assert group.imds_hop_limit is not None and group.imds_hop_limit.value == 1
    assert group.imds_http_tokens is not None and group.imds_http_tokens.value == "required"
    assert group.security_group_ids == ["module.eks.aws_security_group.node"] and not group.attaches_cluster_sg


def test_eks_module_v20_input_names_and_defaults(tmp_path: Path) -> None:
    module(tmp_path, """\
        module "cluster" {
          source                         = "terraform-aws-modules/eks/aws"
          version                        = "20.31.0"
          cluster_name                   = "v20"
          cluster_endpoint_public_access = true
          cluster_encryption_config      = {}
          eks_managed_node_groups = {
            default = {}
          }
        }
        """)
    report = scan(tmp_path)
    [cluster] = report.estate.clusters
    assert cluster.name == "v20"
    [group] = cluster.node_groups
    assert group.imds_hop_limit is not None and group.imds_hop_limit.value == 2  # v20's default
    [open_endpoint] = results(report, "EKS101")
    assert open_endpoint.status.value == "fail" and open_endpoint.origin is not None
    assert open_endpoint.origin.line == 5  # cluster_endpoint_public_access = true
    [no_key] = results(report, "EKS105")
    assert no_key.status.value == "fail" and no_key.origin is not None and no_key.origin.line == 6


def test_vpc_endpoint_whose_service_is_not_known_makes_eks204_unknown(tmp_path: Path) -> None:
    """An `aws_vpc_endpoint` per element of a variable without a value: the endpoints are not known, so
    the ones EKS204 does not find may be among them."""
    text = (Path(__file__).parents[1] / "network/fixtures/private-tf/main.tf").read_text()
    written = 'toset(["ec2", "ecr.api", "ecr.dkr", "logs"])'
    assert written in text
    module(tmp_path, text.replace(written, "toset(var.services)") + 'variable "services" {}\n')
    [endpoints] = results(scan(tmp_path), "EKS204")
    assert endpoints.status.value == "unknown" and endpoints.message is not None
    assert "`service_name` is not known before Terraform runs: com.amazonaws.ap-northeast-1.${each.value}" \
        in endpoints.message.en
    [all_known] = results(scan(tmp_path, variables={"services": '["ec2", "ecr.api", "ecr.dkr", "logs", "sts"]'}),
                          "EKS204")
    assert all_known.status.value == "pass"


# --- the EKS Workshop (../shared/corpus/eks-workshop-v2) ---------------------------------


def test_workshop_terraform_gives_eks101(shared_root: Path) -> None:
    report = scan(shared_root / "corpus/eks-workshop-v2/cluster/terraform")
    assert report.estate.problems == []
    [finding] = results(report, "EKS101")
    assert (finding.status.value, finding.target) == ("fail", "cluster/eks-workshop")
    assert finding.provenance == "defaulted by terraform-aws-modules/eks"  # endpoint_public_access_cidrs
    assert finding.origin is not None and finding.origin.path.endswith("eks.tf") and finding.origin.line == 12
    assert finding.message is not None and "0.0.0.0/0" in finding.message.en
    [cluster] = report.estate.clusters
    [group] = cluster.node_groups
    # create_node_security_group = false: EKS attaches the cluster SG to the managed nodes (article 004)
    assert group.attaches_cluster_sg and group.security_group_ids == []
    assert [f.status.value for f in results(report, "EKS201")] == ["pass"]  # private subnets behind a NAT


def test_workshop_manifests_terraform_parses(shared_root: Path) -> None:
    files = sorted((shared_root / "corpus/eks-workshop-v2/manifests").rglob("*.tf"))
    assert len(files) > 150
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = parse_hcl(text)
        index = index_hcl(text)
        for block in data.get("resource", []):
            for kind, named in block.items():
                for name in named:
                    labels = (kind.strip('"'), name.strip('"'))
                    assert index.find("resource", labels) is not None, (path, labels)
    estate = collect([str(shared_root / "corpus/eks-workshop-v2/manifests")], {})
    assert [p for p in estate.problems if p.kind != "unresolved-variable"] == []
    assert len([i for i in estate.inputs if i.kind == "terraform"]) == len(files)


def test_workshop_troubleshooting_launch_templates(shared_root: Path) -> None:
    path = shared_root / "corpus/eks-workshop-v2/manifests/modules/troubleshooting/workernodes/.workshop/terraform"
    report = scan(path)
    failing = results(report, "EKS301", "fail")
    assert len(failing) == 3 and {f.provenance for f in failing} == {"defaulted by EC2 API"}
    lines = (path / "main.tf").read_text().splitlines()
    for finding in failing:
        assert finding.origin is not None and finding.origin.line is not None
        assert lines[finding.origin.line - 1].startswith('resource "aws_launch_template"')


# --- plan and state JSON -----------------------------------------------------------------


def test_state_json_links_resources_by_their_ids(tmp_path: Path) -> None:
    state = {"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
        {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
         "values": {"id": "subnet-0a", "vpc_id": "vpc-1", "availability_zone": "us-east-1a",
                    "map_public_ip_on_launch": True, "tags": {}}},
        {"address": "aws_eks_cluster.c", "mode": "managed", "type": "aws_eks_cluster", "name": "c",
         "values": {"id": "c", "name": "c", "version": "1.35", "enabled_cluster_log_types": [],
                    "access_config": [{"authentication_mode": "API",
                                       "bootstrap_cluster_creator_admin_permissions": False}],
                    "vpc_config": [{"subnet_ids": ["subnet-0a"], "endpoint_public_access": False,
                                    "endpoint_private_access": True, "public_access_cidrs": ["0.0.0.0/0"]}]}},
    ]}}}
    (tmp_path / "state.json").write_text(json.dumps(state, indent=2))
    report = scan(tmp_path / "state.json")
    [cluster] = report.estate.clusters
    assert cluster.control_plane_subnet_ids == ["subnet-0a"]
    [public] = results(report, "EKS209")
    assert public.status.value == "fail"  # MapPublicIpOnLaunch
    assert [f.status.value for f in results(report, "EKS101")] == ["pass"]
    assert [i.kind for i in report.estate.inputs] == ["terraform-plan"]


def _statuses(path: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    report = evaluate(collect([str(path)], {}), Config(), dt.date(2026, 12, 6))
    return {(f.rule, f.target): (f.status.value, f.message.en if f.message else None) for f in report.results}


def test_json_syntax_reads_as_its_hcl_twin() -> None:
    """`.tf.json` (CDKTF output) and the same configuration in HCL give the same verdicts and messages."""
    from_json = _statuses(FIXTURES / "json-syntax")
    from_hcl = _statuses(FIXTURES / "json-syntax-hcl-twin")
    assert from_json == from_hcl
    assert from_json[("EKS101", "cluster/cdk-main")][0] == "fail"
    assert from_json[("EKS207", "cluster/cdk-main/security-group/aws_security_group.extra")][0] == "fail"


def test_json_syntax_findings_point_at_their_lines() -> None:
    estate = collect([str(FIXTURES / "json-syntax")], {})
    report = evaluate(estate, Config(), dt.date(2026, 12, 6))
    lines = {f.rule: f.origin.line for f in report.failures if f.origin is not None}
    assert lines["EKS101"] == 15  # "endpoint_public_access": true
    assert lines["EKS106"] == 12  # "version": "1.29"
    assert lines["EKS207"] == 25  # the ingress rule's "cidr_blocks"
    [extra] = [sg for sg in estate.clusters[0].network.security_groups.values() if sg.name == "extra"]
    egress = [r for r in extra.rules if r.direction == "egress"]
    assert [r.from_port for r in egress] == [53, 443]  # the dynamic block, one rule per element
    assert all(r.unknown is not None and "var.admin_cidrs" in r.unknown.en for r in egress)


def test_unreadable_json_syntax_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "broken.tf.json").write_text('{"resource": {"aws_eks_cluster": {"x": \n')
    (tmp_path / "list.tf.json").write_text('[{"resource": {"aws_eks_cluster": {}}}]\n')
    estate = collect([str(tmp_path)], {})
    problems = sorted((Path(p.path).name, p.message.split(":")[0]) for p in estate.problems)
    assert problems == [("broken.tf.json", "invalid JSON"), ("list.tf.json", "not a Terraform JSON configuration (not an object)")]
