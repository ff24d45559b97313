"""`eksguard init`: every mode scans with no finding above info and is a valid ClusterConfig."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from fixhelpers import ADMIN_ROLE, HERE, TODAY, documents, scan

from eksguard.findings import SEVERITY_ORDER
from eksguard.fixes import FixInputError
from eksguard.fixes.init import InitOptions, check, default_version, notes, render
from eksguard.sources.eksctl import is_cluster_config, read_cluster_config
from eksguard.sources.fields import Variables

KMS = "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MODES: dict[str, dict[str, Any]] = {
    "admin-cidr": {"admin_cidrs": ("203.0.113.10/32", "198.51.100.0/24")},
    "private": {"private": True},
    "fully-private": {"fully_private": True},
}


def options(mode: str, **extra: Any) -> InitOptions:
    values: dict[str, Any] = {"name": "prod", "region": "ap-northeast-1", "admin_role_arn": ADMIN_ROLE,
                              "zones": ("ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"), "kms_key": KMS,
                              **MODES[mode], **extra}
    return check(InitOptions(**values))


@pytest.mark.parametrize("mode", sorted(MODES))
def test_init_scans_clean_above_info(mode: str) -> None:
    text = render(options(mode), today=TODAY)
    report = scan(text, "cluster.yaml")
    assert not report.estate.problems
    above_info = [(f.rule, f.severity) for f in report.failures if SEVERITY_ORDER[f.severity] > SEVERITY_ORDER["info"]]
    assert above_info == []
    suppressed = [f.rule for f in report.results if f.suppressed]
    assert suppressed == (["EKS102"] if mode == "admin-cidr" else [])  # by design, said in the file


@pytest.mark.parametrize("mode", sorted(MODES))
def test_init_loads_as_a_cluster_config(mode: str) -> None:
    text = render(options(mode), today=TODAY)
    [doc] = documents(text)
    assert is_cluster_config(doc)
    schema = json.loads((HERE / "data" / "eksctl-clusterconfig-schema.json").read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(json.loads(json.dumps(doc)))]
    assert errors == []
    cluster = read_cluster_config(doc, "cluster.yaml", Variables({}))
    assert cluster.name == "prod" and cluster.region is not None and cluster.region.value == "ap-northeast-1"
    assert cluster.secrets_kms_key is not None and cluster.secrets_kms_key.value == KMS
    group = doc["managedNodeGroups"][0]
    assert group["privateNetworking"] is True and group["disablePodIMDS"] is True and group["ssh"]["allow"] is False
    assert cluster.node_groups[0].imds_hop_limit is not None and cluster.node_groups[0].imds_hop_limit.value == 1
    assert doc["accessConfig"]["bootstrapClusterCreatorAdminPermissions"] is False
    assert doc["accessConfig"]["accessEntries"][0]["principalARN"] == ADMIN_ROLE
    if mode == "fully-private":
        assert doc["privateCluster"]["enabled"] is True and "vpc" not in doc  # eksctl rejects clusterEndpoints here
    else:
        assert doc["vpc"]["clusterEndpoints"]["privateAccess"] is True
        assert doc["vpc"]["clusterEndpoints"]["publicAccess"] is (mode == "admin-cidr")
    if mode == "admin-cidr":
        assert doc["vpc"]["publicAccessCIDRs"] == ["203.0.113.10/32", "198.51.100.0/24"]


def test_fully_private_lists_the_endpoints_eksctl_does_not_create() -> None:
    text = "\n".join(n.en for n in notes(options("fully-private")))
    for service in ("eks", "eks-auth", "elasticloadbalancing", "ssm"):
        assert f"  - {service}: " in text
    assert "does NOT create" in text
    assert "eks-auth" in "\n".join(n.ja for n in notes(options("fully-private")))


def test_without_kms_only_eks105_remains() -> None:
    text = render(options("private", kms_key=None), today=TODAY)
    assert "secretsEncryption" not in text
    assert [f.rule for f in scan(text).failures if f.severity != "info"] == ["EKS105"]
    assert any("EKS105" in n.en for n in notes(options("private", kms_key=None)))


def test_japanese_comments() -> None:
    text = render(options("private"), lang="ja", today=TODAY)
    assert "堅牢な eksctl ClusterConfig" in text
    assert documents(text)[0]["metadata"]["name"] == "prod"


def test_default_version_is_in_standard_support() -> None:
    version = default_version(TODAY)
    assert version == "1.35"
    assert f'version: "{version}"' in render(options("private"), today=TODAY)
    assert not [f for f in scan(render(options("private"), today=TODAY)).failures if f.rule == "EKS106"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"admin_cidrs": ("0.0.0.0/0",)}, "whole internet"),
    ({"admin_cidrs": ("2001:db8::/32",)}, "IPv6"),
    ({"private": True}, "exactly one"),
    ({"zones": ("ap-northeast-1a",)}, "two Availability Zones"),
    ({"zones": ("ap-northeast-1a", "us-east-1b")}, "not an Availability Zone"),
    ({"admin_role_arn": "arn:aws:iam::111122223333:user/alice"}, "not an IAM role ARN"),
    ({"kms_key": "arn:aws:kms:us-east-1:111122223333:key/x"}, "needs a key in ap-northeast-1"),
    ({"version": "1.3"}, "MAJOR.MINOR"),
    ({"name": "-x"}, "start with a letter"),
])
def test_init_rejects(changes: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"name": "prod", "region": "ap-northeast-1", "admin_role_arn": ADMIN_ROLE,
                              "admin_cidrs": ("203.0.113.10/32",), **changes}
    with pytest.raises(FixInputError, match=message):
        check(InitOptions(**values))
