"""Commands for live clusters: a pure function over the model, and the `--from-json` path."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from click.testing import CliRunner
from fixhelpers import ADMIN_ROLE

from eksguard.cli import main
from eksguard.findings import Finding, Status
from eksguard.fixes import FixOptions
from eksguard.fixes.live import LiveFix, clusters_from_report, live_commands, render_fixes
from eksguard.model import Cluster, NodeGroup, Origin, Text, declared

ARN = "arn:aws:eks:ap-northeast-1:111122223333:cluster/prod"


def cluster() -> Cluster:
    origin = Origin(ARN, resource=ARN)
    c = Cluster("prod", "live", origin, region=declared("ap-northeast-1", origin))
    c.public_endpoint_cidrs = declared(["0.0.0.0/0"], origin)
    c.log_types = declared(["api"], origin)
    c.authentication_mode = declared("CONFIG_MAP", origin)
    c.node_groups = [NodeGroup("web", "managed", origin), NodeGroup("legacy", "self-managed", origin)]
    return c


def finding(rule: str, target: str = "cluster/prod") -> Finding:
    return Finding(rule, rule.lower(), "high", Status.FAIL, target, Origin(ARN, resource=ARN), None, "declared",
                   Text("x", "x"))


ALL = [finding("EKS101"), finding("EKS103"), finding("EKS104"), finding("EKS107"), finding("EKS108"),
       finding("EKS401"), finding("EKS201", "cluster/prod/nodegroup/web"), finding("EKS208", "cluster/prod/nodegroup/web"),
       finding("EKS301", "cluster/prod/nodegroup/legacy"), finding("EKS302", "cluster/prod/nodegroup/legacy")]


def steps(fixes: list[LiveFix], rule: str) -> list[str]:
    return [s for f in fixes if rule in f.rules for s in f.steps]


def test_endpoint_commands_with_cidrs_are_exact() -> None:
    fixes = live_commands(cluster(), ALL, FixOptions(allow_cidrs=("203.0.113.10/32",)))
    [update, wait] = steps(fixes, "EKS101")
    words = shlex.split(update)
    assert words[:5] == ["aws", "eks", "update-cluster-config", "--name", "prod"]
    config = json.loads(words[words.index("--resources-vpc-config") + 1])
    assert config == {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.10/32"],
                      "endpointPrivateAccess": True}
    assert words[-2:] == ["--region", "ap-northeast-1"]
    assert wait.startswith("aws eks wait cluster-active --name prod")
    [endpoint] = [f for f in fixes if "EKS101" in f.rules]
    assert endpoint.rules == ("EKS101", "EKS103")  # one update: EKS accepts one at a time
    assert "outside the allowed CIDRs" in endpoint.disrupts.en and endpoint.disrupts.ja
    assert endpoint.alternative[0].startswith("eksctl utils update-cluster-vpc-config --public-access-cidrs "
                                              "203.0.113.10/32 --private-access=true --approve --cluster prod")


def test_endpoint_without_a_decision_prints_no_command() -> None:
    fixes = live_commands(cluster(), [finding("EKS101")], FixOptions())
    [fix] = fixes
    assert fix.steps == () and fix.note is not None
    assert "--allow-cidr" in fix.note.en and "NAT" in fix.note.en


def test_private_endpoint_warns_about_losing_outside_access() -> None:
    [fix] = live_commands(cluster(), [finding("EKS101")], FixOptions(private_endpoint=True))
    config = json.loads(shlex.split(fix.steps[0])[shlex.split(fix.steps[0]).index("--resources-vpc-config") + 1])
    assert config == {"endpointPublicAccess": False, "endpointPrivateAccess": True}
    assert "only from inside the VPC" in fix.disrupts.en


def test_every_rule_gets_commands_and_a_disruption_note() -> None:
    fixes = live_commands(cluster(), ALL, FixOptions(allow_cidrs=("203.0.113.10/32",), admin_role_arn=ADMIN_ROLE))
    covered = {rule for fix in fixes for rule in fix.rules}
    assert covered == {"EKS101", "EKS103", "EKS104", "EKS107", "EKS108", "EKS401", "EKS201", "EKS208", "EKS301",
                       "EKS302"}
    assert all(fix.disrupts.en and fix.disrupts.ja for fix in fixes)
    logging = steps(fixes, "EKS104")[0]
    assert '"types":["audit","authenticator"]' in logging  # api is already on
    auth = steps(fixes, "EKS107")
    assert "authenticationMode=API_AND_CONFIG_MAP" in auth[0]  # CONFIG_MAP → API needs the middle step
    assert auth[-1].startswith("eksctl utils migrate-to-access-entry --target-authentication-mode API --approve")
    admin = steps(fixes, "EKS108")
    assert admin[0].startswith(f"aws eks create-access-entry --cluster-name prod --principal-arn {ADMIN_ROLE}")
    assert "--access-scope type=cluster" in admin[1]
    private_nodes = steps(fixes, "EKS201")
    assert private_nodes[0].startswith("eksctl create nodegroup --name web-v2 --managed --node-private-networking")
    assert private_nodes[1].startswith("eksctl drain nodegroup --name web")
    assert "NAT" in next(f for f in fixes if "EKS201" in f.rules).disrupts.en
    imds = steps(fixes, "EKS302")[0]
    assert "alpha.eksctl.io/nodegroup-name,Values=legacy" in imds and "--http-put-response-hop-limit 1" in imds
    # nothing ever deletes network resources
    everything = " ".join(s for f in fixes for s in (*f.steps, *f.alternative))
    for forbidden in ("delete-nat-gateway", "release-address", "delete-subnet", "delete-vpc", "delete-cluster"):
        assert forbidden not in everything


def test_suppressed_and_passing_findings_are_ignored() -> None:
    suppressed = finding("EKS104")
    suppressed.suppressed = "accepted"
    other = finding("EKS401", "cluster/other")
    assert live_commands(cluster(), [suppressed, other]) == []


def test_render_is_commented_shell() -> None:
    fixes = live_commands(cluster(), ALL, FixOptions(allow_cidrs=("203.0.113.10/32",)))
    text = render_fixes(cluster(), fixes, "en")
    assert text.startswith("# Commands for cluster/prod (ap-northeast-1): never run by eksguard")
    for line in text.splitlines():
        assert not line or line.startswith(("#", "aws ", "eksctl ", "for id in"))
    assert "影響" in render_fixes(cluster(), fixes, "ja")


def _report() -> dict[str, object]:
    def item(rule: str, target: str, observed: str) -> dict[str, object]:
        return {"rule": rule, "slug": rule.lower(), "severity": "high", "status": "fail", "target": target,
                "location": {"path": ARN, "line": None, "column": None, "pointer": "x", "resource": ARN},
                "observed": observed, "provenance": "declared", "message": "m"}

    file_finding = item("EKS201", "cluster/file/nodegroup/ng", "public subnets")
    file_finding["location"] = {"path": "cluster.yaml", "line": 3, "column": 1, "pointer": "", "resource": None}
    return {"schema_version": 1, "findings": [
        item("EKS101", "cluster/prod", "publicAccess=True (declared), publicAccessCIDRs=['0.0.0.0/0']"),
        item("EKS104", "cluster/prod", "enabled log types=['api', 'audit']"),
        item("EKS302", "cluster/prod/nodegroup/web", "HttpPutResponseHopLimit=2"),
        file_finding]}


def test_clusters_from_a_json_report() -> None:
    [(rebuilt, findings)] = clusters_from_report(_report())
    assert rebuilt.name == "prod" and rebuilt.region is not None and rebuilt.region.value == "ap-northeast-1"
    assert [g.name for g in rebuilt.node_groups] == ["web"]
    assert len(findings) == 3
    fixes = live_commands(rebuilt, findings, FixOptions(allow_cidrs=("203.0.113.10/32",)))
    assert '"types":["authenticator"]' in steps(fixes, "EKS104")[0]


def test_fix_from_json_on_the_command_line(tmp_path: Path) -> None:
    report = tmp_path / "audit.json"
    report.write_text(json.dumps(_report()), encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", "--from-json", str(report), "--allow-cidr", "203.0.113.10/32"])
    assert result.exit_code == 0, result.output
    assert "aws eks update-cluster-config --name prod --resources-vpc-config" in result.stdout
    assert "cluster/file" not in result.stdout  # a file's cluster is fixed with `fix PATH`, not with live commands
    undecided = CliRunner().invoke(main, ["fix", "--from-json", str(report)])
    assert undecided.exit_code == 1 and "--allow-cidr" in undecided.stdout


def test_one_replacement_node_group_carries_every_flag() -> None:
    findings = [finding("EKS201", "cluster/prod/nodegroup/web"), finding("EKS208", "cluster/prod/nodegroup/web"),
                finding("EKS302", "cluster/prod/nodegroup/web")]
    fixes = live_commands(cluster(), findings)
    creates = [s for f in fixes for s in (*f.steps, *f.alternative) if s.startswith("eksctl create nodegroup")]
    assert len(creates) == 1
    assert all(flag in creates[0] for flag in ("--node-private-networking", "--ssh-access=false",
                                               "--disable-pod-imds"))
    [instant] = [f for f in fixes if f.steps and f.steps[0].startswith("for id in")]
    assert instant.alternative == () and "replacement node group below" in instant.disrupts.en
