"""`eksguard fix` on eksctl ClusterConfig files: each fix clears its finding, keeps every comment,
changes only its own fields, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixhelpers import ADMIN_ROLE, FIXTURES, TODAY, changed_paths, comments, documents, failing

from eksguard.config import Config
from eksguard.fixes import FixInputError, FixOptions, check_cidrs
from eksguard.fixes.eksctl import fix_file, fix_text

CIDR = ("203.0.113.10/32",)

# (fixture, rule, options, targets that fail before and must pass after, paths the fix may change)
CASES = [
    ("endpoint-open.yaml", "EKS101", FixOptions(allow_cidrs=CIDR), ["cluster/workshop"],
     {"0.vpc.publicAccessCIDRs.0"}),
    ("endpoint-open.yaml", "EKS101", FixOptions(private_endpoint=True), ["cluster/workshop"],
     {"0.vpc.clusterEndpoints.publicAccess"}),
    ("endpoint-open-list.yaml", "EKS101", FixOptions(allow_cidrs=CIDR), ["cluster/listed"],
     {"0.vpc.publicAccessCIDRs.0", "0.vpc.publicAccessCIDRs.1"}),
    ("private-access-off.yaml", "EKS103", FixOptions(), ["cluster/four-spaces"],
     {"0.vpc.clusterEndpoints.privateAccess"}),
    ("logging.yaml", "EKS104", FixOptions(), ["cluster/logs"],
     {"0.cloudWatch.clusterLogging.enableTypes.2", "0.cloudWatch.clusterLogging.enableTypes.3"}),
    ("auth-mode.yaml", "EKS107", FixOptions(), ["cluster/auth"], {"0.accessConfig.authenticationMode"}),
    ("creator-admin.yaml", "EKS108", FixOptions(admin_role_arn=ADMIN_ROLE), ["cluster/creator"],
     {"0.accessConfig.bootstrapClusterCreatorAdminPermissions",
      "0.accessConfig.accessEntries.0.principalARN",
      "0.accessConfig.accessEntries.0.accessPolicies.0.policyARN",
      "0.accessConfig.accessEntries.0.accessPolicies.0.accessScope.type"}),
    ("public-nodes.yaml", "EKS201", FixOptions(),
     ["cluster/nodes/nodegroup/self-managed", "cluster/nodes/nodegroup/managed-public"],
     {"0.nodeGroups.0.privateNetworking", "0.managedNodeGroups.0.privateNetworking"}),
    ("ssh.yaml", "EKS208", FixOptions(), ["cluster/ssh/nodegroup/key-only", "cluster/ssh/nodegroup/allowed"],
     {"0.managedNodeGroups.0.ssh.allow", "0.managedNodeGroups.1.ssh.allow"}),
    ("imds.yaml", "EKS301", FixOptions(), ["cluster/imds/nodegroup/v1-allowed"], {"0.nodeGroups.0.disableIMDSv1"}),
    ("imds.yaml", "EKS302", FixOptions(), ["cluster/imds/nodegroup/v1-allowed", "cluster/imds/nodegroup/defaults"],
     {"0.nodeGroups.0.disablePodIMDS", "0.nodeGroups.1.disablePodIMDS"}),
    ("oidc.yaml", "EKS401", FixOptions(), ["cluster/oidc"], {"0.iam.withOIDC"}),
    ("multi.yaml", "EKS201", FixOptions(), ["cluster/first/nodegroup/ng"], {"0.managedNodeGroups.0.privateNetworking"}),
]


@pytest.mark.parametrize(("fixture", "rule", "options", "targets", "allowed"), CASES,
                         ids=[f"{c[1]}-{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_fix_clears_finding_keeps_comments_and_is_idempotent(
        tmp_path: Path, fixture: str, rule: str, options: FixOptions, targets: list[str], allowed: set[str]) -> None:
    path = tmp_path / fixture
    original = (FIXTURES / fixture).read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    before = failing(original, str(path))
    for target in targets:
        assert (rule, target) in before, f"{rule} does not fail on {target}: the fixture is wrong"
    only = FixOptions(options.allow_cidrs, options.private_endpoint, options.admin_role_arn, rules=frozenset({rule}))
    result = fix_file(str(path), only, Config(), today=TODAY)
    assert result.error is None, result.error
    assert result.changed
    assert {(c.rule, c.target) for c in result.outcome.changes} == {(rule, t) for t in targets}
    after = failing(result.fixed, str(path))
    assert not {(rule, t) for t in targets} & after, after
    # nothing new, apart from the milder successor of a restricted endpoint
    assert after - before <= {("EKS102", t) for t in targets}
    # still YAML, the same documents, every comment kept, only this fix's fields changed
    assert len(documents(result.fixed)) == len(documents(original))
    assert not comments(original) - comments(result.fixed)
    assert changed_paths(original, result.fixed) <= allowed, changed_paths(original, result.fixed)
    again = fix_text(result.fixed, str(path), only, Config(), today=TODAY)
    assert not again.changed and again.error is None


def test_diff_is_minimal_for_a_scalar_change(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text((FIXTURES / "private-access-off.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = fix_file(str(path), FixOptions(rules=frozenset({"EKS103"})), today=TODAY)
    removed = [line for line in result.diff().splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in result.diff().splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-        privateAccess: false  # nodes go through the internet path"]
    # the value changes; the comment stays in its column
    assert added == ["+        privateAccess: true   # nodes go through the internet path"]


def test_every_fix_at_once_on_the_workshop_mistake(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    original = (FIXTURES / "endpoint-open.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    result = fix_file(str(path), FixOptions(allow_cidrs=CIDR, admin_role_arn=ADMIN_ROLE), today=TODAY)
    assert result.error is None
    after = failing(result.fixed, str(path))
    fixed_rules = {c.rule for c in result.outcome.changes}
    assert {"EKS101", "EKS104", "EKS107", "EKS108", "EKS302", "EKS401"} <= fixed_rules
    assert not {r for r, _ in after} & fixed_rules
    assert result.fixed.startswith("# Workshop cluster (article 000)")
    assert "  name: workshop   # the cluster name\n" in result.fixed
    assert "    publicAccess: true    # reachable from anywhere!\n" in result.fixed


def test_eks101_needs_a_decision(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text((FIXTURES / "endpoint-open.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = fix_file(str(path), FixOptions(rules=frozenset({"EKS101"})), today=TODAY)
    assert not result.changed
    [skip] = result.outcome.skipped
    assert skip.rule == "EKS101" and "--allow-cidr" in skip.why.en and "--private-endpoint" in skip.why.en
    assert "--allow-cidr" in skip.why.ja


def test_restricting_cidrs_warns_when_private_access_stays_off(tmp_path: Path) -> None:
    text = (FIXTURES / "public-nodes.yaml").read_text(encoding="utf-8")
    result = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(allow_cidrs=CIDR, rules=frozenset({"EKS101"})),
                      today=TODAY)
    assert result.changed
    assert any("privateAccess: true" in w.en for w in result.outcome.warnings)
    # with EKS103 fixed in the same run there is nothing to warn about
    both = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(allow_cidrs=CIDR, rules=frozenset({"EKS101", "EKS103"})),
                    today=TODAY)
    assert not any("privateAccess: true" in w.en for w in both.outcome.warnings)


def test_disable_pod_imds_is_skipped_with_addon_policies(tmp_path: Path) -> None:
    text = (FIXTURES / "imds.yaml").read_text(encoding="utf-8")
    result = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(rules=frozenset({"EKS302"})), today=TODAY)
    skipped = {(s.rule, s.target) for s in result.outcome.skipped}
    assert ("EKS302", "cluster/imds/nodegroup/with-addon-policies") in skipped
    assert "autoScaler" in result.outcome.skipped[0].why.en
    assert ("EKS302", "cluster/imds/nodegroup/with-addon-policies") in failing(result.fixed)
    group = documents(result.fixed)[0]["nodeGroups"][2]
    assert "disablePodIMDS" not in group


def test_private_nodes_without_nat_warn(tmp_path: Path) -> None:
    text = (FIXTURES / "nat-disabled.yaml").read_text(encoding="utf-8")
    result = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(rules=frozenset({"EKS201"})), today=TODAY)
    assert result.changed
    assert any("NAT" in w.en and "vpc.nat.gateway" in w.en for w in result.outcome.warnings)
    assert any("NAT" in w.ja for w in result.outcome.warnings)


def test_node_group_with_its_own_subnets_is_skipped(tmp_path: Path) -> None:
    text = (FIXTURES / "ng-subnets.yaml").read_text(encoding="utf-8")
    result = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(rules=frozenset({"EKS201"})), today=TODAY)
    assert not result.changed
    assert [s.rule for s in result.outcome.skipped] == ["EKS201"]
    assert "subnets" in result.outcome.skipped[0].why.en


def test_api_mode_is_skipped_with_identity_mappings(tmp_path: Path) -> None:
    text = (FIXTURES / "mappings.yaml").read_text(encoding="utf-8")
    result = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(rules=frozenset({"EKS107"})), today=TODAY)
    assert not result.changed
    assert "iamIdentityMappings" in result.outcome.skipped[0].why.en


def test_creator_admin_needs_an_admin_role(tmp_path: Path) -> None:
    text = (FIXTURES / "creator-admin.yaml").read_text(encoding="utf-8")
    result = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(rules=frozenset({"EKS108"})), today=TODAY)
    assert not result.changed
    assert "--admin-role-arn" in result.outcome.skipped[0].why.en


def test_creator_admin_skipped_in_config_map_mode(tmp_path: Path) -> None:
    text = (FIXTURES / "mappings.yaml").read_text(encoding="utf-8").replace(
        "iamIdentityMappings:", "accessConfig:\n  authenticationMode: CONFIG_MAP\niamIdentityMappings:")
    result = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(admin_role_arn=ADMIN_ROLE,
                                                                 rules=frozenset({"EKS108"})), today=TODAY)
    assert not result.changed
    assert "EKS107" in result.outcome.skipped[0].why.en


def test_creator_admin_uses_an_existing_admin_entry(tmp_path: Path) -> None:
    text = (FIXTURES / "auth-mode.yaml").read_text(encoding="utf-8").replace(
        "  bootstrapClusterCreatorAdminPermissions: false\n", "").replace("CONFIG_MAP", "API")
    assert ("EKS108", "cluster/auth") in failing(text)
    result = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(rules=frozenset({"EKS108"})), today=TODAY)
    assert result.changed
    assert documents(result.fixed)[0]["accessConfig"]["bootstrapClusterCreatorAdminPermissions"] is False
    assert len(documents(result.fixed)[0]["accessConfig"]["accessEntries"]) == 1


def test_second_cluster_of_a_multi_document_file_is_left_alone(tmp_path: Path) -> None:
    text = (FIXTURES / "multi.yaml").read_text(encoding="utf-8")
    result = fix_text(text, str(tmp_path / "m.yaml"), FixOptions(rules=frozenset({"EKS201", "EKS302"})), today=TODAY)
    docs = documents(result.fixed)
    assert docs[0]["managedNodeGroups"][0]["privateNetworking"] is True
    assert docs[1] == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "unrelated"},
                       "data": {"key": "value"}}
    assert docs[2]["managedNodeGroups"][0] == {"name": "ng", "privateNetworking": True, "disablePodIMDS": True}
    assert result.fixed.count("---\n") == 2


def test_comment_before_the_document_marker_survives(tmp_path: Path) -> None:
    text = (FIXTURES / "oidc.yaml").read_text(encoding="utf-8")
    result = fix_text(text, str(tmp_path / "o.yaml"), FixOptions(rules=frozenset({"EKS401"})), today=TODAY)
    assert result.fixed.startswith("# comment before the document\n---\n")
    assert "# trailing comment at the end" in result.fixed


def test_crlf_no_final_newline_and_bom(tmp_path: Path) -> None:
    text = (FIXTURES / "private-access-off.yaml").read_text(encoding="utf-8").rstrip("\n")
    path = tmp_path / "w.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = fix_file(str(path), FixOptions(rules=frozenset({"EKS103"})), today=TODAY)
    assert result.changed and result.error is None
    assert result.fixed.startswith("\ufeff")
    assert "\r\n" in result.fixed and "\n" not in result.fixed.replace("\r\n", "")
    assert not result.fixed.endswith("\n")
    assert "privateAccess: true   # nodes go through the internet path\r\n" in result.fixed


def test_unreadable_file_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: [\n", encoding="utf-8")
    result = fix_file(str(path), FixOptions(), today=TODAY)
    assert result.error is not None and not result.changed


def test_unresolved_variables_do_not_block_other_fixes(tmp_path: Path) -> None:
    text = ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${CLUSTER}\n"
            "  region: ${AWS_REGION}\nmanagedNodeGroups:\n  - name: ng\n")
    result = fix_text(text, str(tmp_path / "v.yaml"), FixOptions(rules=frozenset({"EKS201"})), today=TODAY)
    assert result.error is None and result.changed
    assert "  name: ${CLUSTER}\n" in result.fixed
    assert documents(result.fixed)[0]["managedNodeGroups"][0]["privateNetworking"] is True


def test_suppressed_findings_are_not_fixed(tmp_path: Path) -> None:
    text = (FIXTURES / "nat-disabled.yaml").read_text(encoding="utf-8").replace(
        "  - name: ng\n", "  - name: ng  # eksguard:ignore EKS201 lab nodes, torn down nightly\n")
    result = fix_text(text, str(tmp_path / "s.yaml"), FixOptions(rules=frozenset({"EKS201"})), today=TODAY)
    assert not result.changed and not result.outcome.skipped


def test_rule_selection(tmp_path: Path) -> None:
    text = (FIXTURES / "imds.yaml").read_text(encoding="utf-8")
    result = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(skip_rules=frozenset({"EKS302"})), today=TODAY)
    rules = {c.rule for c in result.outcome.changes}
    assert {"EKS301", "EKS201"} <= rules and "EKS302" not in rules
    assert ("EKS302", "cluster/imds/nodegroup/defaults") in failing(result.fixed)
    only = fix_text(text, str(tmp_path / "c.yaml"), FixOptions(rules=frozenset({"EKS301"})), today=TODAY)
    assert {c.rule for c in only.outcome.changes} == {"EKS301"}


def test_check_cidrs() -> None:
    assert check_cidrs(["203.0.113.10/32", " 203.0.113.10/32", "2001:db8::/32"]) == ("203.0.113.10/32", "2001:db8::/32")
    with pytest.raises(FixInputError, match="whole internet"):
        check_cidrs(["0.0.0.0/0"])
    with pytest.raises(FixInputError, match=r"did you mean 203\.0\.113\.0/24"):
        check_cidrs(["203.0.113.10/24"])
    with pytest.raises(FixInputError, match="not a CIDR"):
        check_cidrs(["my-laptop"])
