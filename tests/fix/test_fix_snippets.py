"""CloudFormation and Terraform: a snippet per finding, and exact replacements (SARIF `fixes`)
that, applied to the file, clear the finding."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fixhelpers import FIXTURES, TODAY

from eksguard.config import Config
from eksguard.engine import ScanReport, evaluate
from eksguard.fixes import FixOptions
from eksguard.fixes.snippets import REPLACEMENT_KEY, SNIPPET_KEY, annotate
from eksguard.sources import collect


def report_of(path: Path) -> ScanReport:
    estate = collect([str(path)], {})
    assert not estate.problems, estate.problems
    return evaluate(estate, Config(), TODAY)


def apply(text: str, replacement: dict[str, Any]) -> str:
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: replacement["line"] - 1]) + replacement["column"] - 1
    old, new = str(replacement["old"]), str(replacement["new"])
    assert text[start:start + len(old)] == old
    return text[:start] + new + text[start + len(old):]


@pytest.mark.parametrize(("fixture", "expected"), [
    # EKS302 there is IMDSv1 with hop limit 1: requiring IMDSv2 clears it
    ("cfn/cluster.yaml", {"EKS103", "EKS107", "EKS301", "EKS302"}),
    ("cfn/cluster.json", {"EKS103", "EKS107"}),
    # EKS302 there is hop limit 2 with IMDSv1: no one-line edit clears it (the snippet sets both)
    ("tf/main.tf", {"EKS103", "EKS107", "EKS301"}),
])
def test_replacements_clear_their_findings(tmp_path: Path, fixture: str, expected: set[str]) -> None:
    pytest.importorskip("eksguard.sources.cloudformation" if fixture.startswith("cfn") else "eksguard.sources.terraform")
    path = tmp_path / Path(fixture).name
    shutil.copyfile(FIXTURES / fixture, path)
    report = report_of(path)
    annotate(report)
    replaced = {f.rule: f for f in report.failures if REPLACEMENT_KEY in f.extra}
    assert set(replaced) == expected
    original = path.read_text(encoding="utf-8")
    for rule, finding in replaced.items():
        replacement = finding.extra[REPLACEMENT_KEY]
        assert isinstance(replacement, dict) and replacement["path"] == str(path)
        fixed = apply(original, replacement)
        path.write_text(fixed, encoding="utf-8")
        after = {(f.rule, f.target) for f in report_of(path).failures}
        assert (rule, finding.target) not in after, rule
        if path.suffix == ".yaml":
            assert "# a comment" in fixed and "# keep comment" in fixed
        path.write_text(original, encoding="utf-8")


def test_every_cfn_and_tf_finding_with_a_rule_snippet_gets_one(tmp_path: Path) -> None:
    pytest.importorskip("eksguard.sources.terraform")
    for fixture in ("cfn/cluster.yaml", "cfn/cluster.json", "tf/main.tf"):
        path = tmp_path / Path(fixture).name
        shutil.copyfile(FIXTURES / fixture, path)
        report = report_of(path)
        annotate(report, FixOptions(allow_cidrs=("198.51.100.7/32",)))
        for finding in report.failures:
            if finding.rule in ("EKS101", "EKS103", "EKS104", "EKS105", "EKS107", "EKS108", "EKS301", "EKS302",
                                "EKS401"):
                snippet = finding.extra.get(SNIPPET_KEY)
                assert isinstance(snippet, dict), (fixture, finding.rule)
                assert snippet["language"] == {"yaml": "yaml", "json": "json", "tf": "hcl"}[path.suffix.lstrip(".")]
                assert snippet["text"].strip()
            if finding.rule == "EKS101":
                assert "198.51.100.7/32" in finding.extra[SNIPPET_KEY]["text"]  # type: ignore[index]


def test_no_replacement_for_choices_only_the_user_can_make(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    shutil.copyfile(FIXTURES / "cfn" / "cluster.yaml", path)
    report = report_of(path)
    annotate(report)
    for finding in report.failures:
        if finding.rule in ("EKS101", "EKS108", "EKS201", "EKS208"):
            assert REPLACEMENT_KEY not in finding.extra


def test_eksctl_findings_are_not_annotated(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copyfile(FIXTURES / "endpoint-open.yaml", path)
    report = report_of(path)
    assert annotate(report) == 0
    assert all(SNIPPET_KEY not in f.extra for f in report.failures)


def test_sarif_turns_replacements_into_fixes(tmp_path: Path) -> None:
    sarif = pytest.importorskip("eksguard.report.sarif")
    path = tmp_path / "cluster.yaml"
    shutil.copyfile(FIXTURES / "cfn" / "cluster.yaml", path)
    report = report_of(path)
    annotate(report)
    log = sarif.sarif_log(report, "en")
    fixes = [r for r in log["runs"][0]["results"] if r.get("fixes")]
    assert {r["ruleId"] for r in fixes} == {"EKS103", "EKS107", "EKS301", "EKS302"}
    region = fixes[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_module_snippets_use_the_input_names_of_the_module_version(tmp_path: Path) -> None:
    """v19 and v20 call the inputs cluster_*, v21 without the prefix; v19 cannot set access at all."""
    pytest.importorskip("eksguard.sources.terraform")
    for major, version in ((19, "~> 19.21"), (20, "~> 20.31"), (21, "~> 21.0")):
        folder = tmp_path / f"v{major}"
        folder.mkdir()
        prefix = "cluster_" if major < 21 else ""
        log_input = f"{prefix}enabled_log_types"
        (folder / "main.tf").write_text(
            'module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n'
            f'  version = "{version}"\n  {prefix}name = "demo"\n  {log_input} = []\n}}\n')
        report = report_of(folder)
        annotate(report)
        snippets = {f.rule: f.extra[SNIPPET_KEY] for f in report.failures if SNIPPET_KEY in f.extra}
        assert isinstance(snippets["EKS104"], dict) and isinstance(snippets["EKS107"], dict)
        assert snippets["EKS104"]["text"].startswith(f"{log_input} = "), (major, snippets["EKS104"])
        upgrade_first = "upgrade the module to v20 first" in str(snippets["EKS107"].get("note"))
        assert upgrade_first == (major == 19), (major, snippets["EKS107"])


def test_quickstart_cluster_snippets_use_its_own_property_names(tmp_path: Path) -> None:
    """AWSQS::EKS::Cluster logs through `EnabledClusterLoggingTypes`, names its issuer `OIDCIssuerURL`, and has
    no access configuration: no AccessConfig snippet for it, and its private endpoint is still set in place."""
    path = tmp_path / "quickstart.yaml"
    original = (Path(__file__).parent.parent / "cloudformation" / "fixtures" / "quickstart.yaml").read_text()
    text = (original.replace("EndpointPrivateAccess: true", "EndpointPrivateAccess: false")
            .replace("  ClusterOIDCProvider:", "  Unrelated:").replace("OIDCIssuerURL: !GetAtt EKS.", "Id: "))
    path.write_text(text, encoding="utf-8")
    report = report_of(path)
    annotate(report)
    failed = {f.rule: f for f in report.failures}
    assert {"EKS103", "EKS104", "EKS107", "EKS108", "EKS401"} <= set(failed)
    assert failed["EKS104"].extra[SNIPPET_KEY]["text"].startswith("EnabledClusterLoggingTypes:")  # type: ignore[index]
    assert "OIDCIssuerURL" in failed["EKS401"].extra[SNIPPET_KEY]["text"]  # type: ignore[index]
    assert SNIPPET_KEY not in failed["EKS107"].extra and SNIPPET_KEY not in failed["EKS108"].extra
    fixed = apply(text, failed["EKS103"].extra[REPLACEMENT_KEY])  # type: ignore[arg-type]
    assert "EndpointPrivateAccess: true" in fixed


def test_a_hop_limit_edit_is_offered_only_where_imdsv2_is_required(tmp_path: Path) -> None:
    pytest.importorskip("eksguard.sources.terraform")
    path = tmp_path / "main.tf"
    shutil.copyfile(FIXTURES / "tf" / "main.tf", path)
    path.write_text(path.read_text(encoding="utf-8").replace('http_tokens                 = "optional"',
                                                              'http_tokens                 = "required"'))
    report = report_of(path)
    annotate(report)
    [finding] = [f for f in report.failures if f.rule == "EKS302"]
    replacement = finding.extra[REPLACEMENT_KEY]
    assert isinstance(replacement, dict) and replacement["new"] == "http_put_response_hop_limit = 1"
    path.write_text(apply(path.read_text(encoding="utf-8"), replacement), encoding="utf-8")
    assert not [f for f in report_of(path).failures if f.rule == "EKS302"]


def test_version_and_cni_policy_snippets_name_the_terraform_inputs(tmp_path: Path) -> None:
    """EKS106: the next minor version in the version input of the module's major (or the resource);
    EKS304 on the CNI policy: the node group input and the vpc-cni addon role, per flavour."""
    pytest.importorskip("eksguard.sources.terraform")
    for major, version in ((20, "~> 20.31"), (21, "~> 21.0")):
        folder = tmp_path / f"v{major}"
        folder.mkdir()
        prefix = "cluster_" if major < 21 else ""
        version_input = "cluster_version" if major < 21 else "kubernetes_version"
        (folder / "main.tf").write_text(
            'module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n'
            f'  version = "{version}"\n  {prefix}name = "demo"\n  {version_input} = "1.30"\n'
            '  eks_managed_node_groups = { one = { instance_types = ["m5.large"] } }\n}\n')
        report = report_of(folder)
        annotate(report)
        snippets = {f.rule: f.extra[SNIPPET_KEY] for f in report.failures if SNIPPET_KEY in f.extra}
        assert snippets["EKS106"]["text"] == f'{version_input} = "1.31"\n', snippets  # type: ignore[index]
        addons = "cluster_addons" if major < 21 else "addons"
        cni = str(snippets["EKS304"]["text"])  # type: ignore[index]
        assert "iam_role_attach_cni_policy = false" in cni and f"{addons} = {{" in cni, cni
    resource = tmp_path / "resource"
    resource.mkdir()
    (resource / "main.tf").write_text(
        'resource "aws_eks_cluster" "this" {\n  name     = "demo"\n  version  = "1.29"\n'
        '  role_arn = "arn:aws:iam::111122223333:role/eks"\n  vpc_config { subnet_ids = ["subnet-1"] }\n}\n')
    report = report_of(resource)
    annotate(report)
    [upgrade] = [f for f in report.failures if f.rule == "EKS106"]
    assert upgrade.extra[SNIPPET_KEY]["text"] == 'version = "1.30"\n'  # type: ignore[index]


def test_metadata_options_snippet_brings_back_the_modules_launch_template(tmp_path: Path) -> None:
    """A terraform-aws-eks node group with `use_custom_launch_template = false` runs on EKS's default launch
    template (hop limit 2), which takes no `metadata_options`: the snippet turns the module's template back on."""
    pytest.importorskip("eksguard.sources.terraform")
    (tmp_path / "main.tf").write_text(
        'module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n  version = "~> 21.0"\n  name = "demo"\n'
        '  eks_managed_node_groups = {\n    plain = { use_custom_launch_template = false }\n'
        '    own = { metadata_options = { http_put_response_hop_limit = 2 } }\n  }\n}\n')
    report = report_of(tmp_path)
    annotate(report)
    snippets = {f.target: f.extra[SNIPPET_KEY] for f in report.failures if f.rule == "EKS302"}
    plain, own = snippets["cluster/demo/nodegroup/plain"], snippets["cluster/demo/nodegroup/own"]
    assert isinstance(plain, dict) and isinstance(own, dict)
    assert str(plain["text"]).startswith("use_custom_launch_template = true\nmetadata_options = {\n")
    assert "ignores `metadata_options`" in str(plain["note"])
    assert str(own["text"]).startswith("metadata_options = {\n") and own.get("note") is None
