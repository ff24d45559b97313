"""Pod-level securityContext satisfies container checks exactly where Kubernetes says it does, through the
whole scan path (file → collect → evaluate). Checkov (CKV_K8S_23, CKV_K8S_31) and kube-score
(container-security-context-user-group-id, -seccomp) have reported such manifests; admission accepts them."""

from __future__ import annotations

import pytest
from kubekit import Kube

from eksguard.findings import Status

TEMPLATE = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      namespace: shop
    spec:
      template:
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
            seccompProfile:
              type: RuntimeDefault
          initContainers:
            - name: init
              image: busybox
              securityContext:
                allowPrivilegeEscalation: false
                capabilities: {{drop: [ALL]}}
          containers:
            - name: api
              image: busybox
              securityContext:
                allowPrivilegeEscalation: false
                capabilities: {{drop: [ALL]}}
{extra}
"""
SIDECAR_NO_OVERRIDE = """
            - name: sidecar
              image: busybox
              securityContext:
                allowPrivilegeEscalation: false
                capabilities: {drop: [ALL]}
"""


def _scan(kube: Kube, extra: str = "") -> tuple[list[Status], list[dict[str, object]]]:
    kube.write({"deploy.yaml": TEMPLATE.format(extra=extra)})
    report = kube.scan()
    restricted = kube.results(report, "EKS502")
    baseline = kube.results(report, "EKS501")
    assert [f.status for f in baseline] == [Status.PASS]
    return [f.status for f in restricted], [f.extra for f in restricted if f.status is Status.FAIL]


def test_pod_level_settings_cover_every_container(kube: Kube) -> None:
    statuses, _ = _scan(kube, SIDECAR_NO_OVERRIDE)
    assert statuses == [Status.PASS]


@pytest.mark.parametrize(("override", "check", "field"), [
    ("runAsNonRoot: false", "runAsNonRoot", "spec.template.spec.containers[1].securityContext.runAsNonRoot"),
    ("runAsUser: 0", "runAsUser", "spec.template.spec.containers[1].securityContext.runAsUser"),
])
def test_an_explicit_container_value_overrides_the_pod(kube: Kube, override: str, check: str, field: str) -> None:
    statuses, extras = _scan(kube, SIDECAR_NO_OVERRIDE + f"                {override}\n")
    assert statuses == [Status.FAIL]
    assert [(e["check"], e["field"]) for e in extras] == [(check, field)]


def test_unconfined_container_seccomp_fails_baseline_despite_the_pod_profile(kube: Kube) -> None:
    kube.write({"deploy.yaml": TEMPLATE.format(extra=SIDECAR_NO_OVERRIDE + "                seccompProfile: {type: Unconfined}\n")})
    report = kube.scan()
    [finding] = kube.results(report, "EKS501", "fail")
    assert (finding.extra["check"], finding.extra["field"]) == (
        "seccompProfile_baseline", "spec.template.spec.containers[1].securityContext.seccompProfile.type")
    assert finding.origin is not None and finding.origin.line == 32
    assert [f.status for f in kube.results(report, "EKS502")] == [Status.NOT_APPLICABLE]


def test_capabilities_are_never_pod_level(kube: Kube) -> None:
    sidecar = """
            - name: sidecar
              image: busybox
              securityContext:
                allowPrivilegeEscalation: false
"""
    statuses, extras = _scan(kube, sidecar)
    assert statuses == [Status.FAIL]
    assert [(e["check"], e["field"]) for e in extras] == [
        ("capabilities_restricted", "spec.template.spec.containers[1].securityContext.capabilities.drop")]
