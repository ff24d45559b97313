"""Response handling without a server: error classification, normalisation and redaction."""

from __future__ import annotations

import datetime as dt

import pytest

from eksguard.live.api import Gap, classify, normalise
from eksguard.live.kube import KubeView, manifest_like, redact


@pytest.mark.parametrize(("code", "status", "kind"), [
    ("AccessDeniedException", 403, "denied"),
    ("UnauthorizedOperation", 403, "denied"),
    ("AccessDenied", 403, "denied"),
    ("ThrottlingException", 400, "throttled"),
    ("RequestLimitExceeded", 503, "throttled"),
    ("404", 404, "unsupported"),  # moto's answer for an EKS operation it does not implement
    ("ResourceNotFoundException", 404, "not-found"),
    ("InvalidGroup.NotFound", 400, "not-found"),
    ("ExpiredToken", 403, "credentials"),
    ("InternalError", 500, "error"),
])
def test_classify(code: str, status: int, kind: str) -> None:
    assert classify(code, status) == kind


def test_gap_note_names_the_action() -> None:
    note = Gap("ec2:DescribeVpcEndpoints", "denied", "UnauthorizedOperation").note()
    assert note.en == "not visible: ec2:DescribeVpcEndpoints permission denied (UnauthorizedOperation)"
    assert "ec2:DescribeVpcEndpoints" in note.ja


def test_normalise_drops_user_data_and_pagination() -> None:
    response = {"ResponseMetadata": {"RequestId": "x"}, "NextToken": "abc", "LaunchTemplateVersions": [
        {"CreateTime": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
         "LaunchTemplateData": {"UserData": "IyEvYmluL2Jhc2gKZXhwb3J0IFRPS0VOPXNlY3JldA==",
                                "MetadataOptions": {"HttpTokens": "required"}}}]}
    assert normalise(response) == {"LaunchTemplateVersions": [
        {"CreateTime": "2026-01-02T03:04:05+00:00", "LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "required"}}}]}


def test_kubernetes_redaction_and_pods_judged_once() -> None:
    deployment = redact({"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {
        "name": "web", "namespace": "a", "managedFields": [{"manager": "kubectl"}],
        "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...secret...}", "team": "x"}},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "env": [{"name": "TOKEN", "value": "s3cr3t"},
                                                                          {"name": "REF", "valueFrom": {}}]}]}}},
        "status": {"replicas": 1}})
    assert deployment["metadata"] == {"name": "web", "namespace": "a", "annotations": {"team": "x"}}
    assert deployment["spec"]["template"]["spec"]["containers"][0]["env"] == [
        {"name": "TOKEN", "value": "(not recorded)"}, {"name": "REF", "valueFrom": {}}]
    assert "status" not in deployment
    owned = {"kind": "Pod", "metadata": {"name": "web-1-x", "namespace": "a",
                                         "ownerReferences": [{"kind": "ReplicaSet", "name": "web-1"}]}}
    bare = {"kind": "Pod", "metadata": {"name": "debug", "namespace": "a"}}
    orphan_rs = {"kind": "Pod", "metadata": {"name": "old-2-y", "namespace": "a",
                                             "ownerReferences": [{"kind": "ReplicaSet", "name": "old-2"}]}}
    cron_job = {"kind": "Job", "metadata": {"name": "nightly-1", "namespace": "a",
                                            "ownerReferences": [{"kind": "CronJob", "name": "nightly"}]}}
    view = KubeView(objects={"deployments": [deployment], "pods": [owned, bare, orphan_rs], "jobs": [cron_job],
                             "nodes": [{"kind": "Node", "metadata": {"name": "n"}}]})
    names = [obj["metadata"]["name"] for obj in manifest_like(view)]
    assert names == ["web", "debug", "old-2-y"]


def test_one_broken_cluster_does_not_stop_the_audit() -> None:
    from eksguard.live.api import call_key, recording_from
    from eksguard.live.audit import AuditOptions, run_audit

    def describe(name: str, vpc_config: object) -> dict[str, object]:
        return {"profile": "", "service": "eks", "region": "us-east-1", "operation": "DescribeCluster",
                "params": {"name": name}, "response": {"cluster": {
                    "name": name, "arn": f"arn:aws:eks:us-east-1:123456789012:cluster/{name}", "version": "1.34",
                    "resourcesVpcConfig": vpc_config}}}

    recording = recording_from({
        "format": "eksguard-snapshot", "version": 1,
        "targets": [{"region": "us-east-1", "cluster": "good"}, {"region": "us-east-1", "cluster": "odd"}],
        "aws": [describe("good", {"endpointPublicAccess": False, "endpointPrivateAccess": True}),
                describe("odd", "not an object")]}, "test")
    assert call_key(None, "eks", "us-east-1", "DescribeCluster", {"name": "good"}) in recording.aws
    result = run_audit(AuditOptions(snapshot=recording, kubernetes=False))
    assert [c.name for c in result.estate.clusters] == ["good"]
    assert len(result.estate.problems) == 1
    assert result.estate.problems[0].message.startswith("could not audit odd in us-east-1: AttributeError")
