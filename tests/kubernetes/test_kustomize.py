"""kustomize trees: overlays, patches with positions, namespaces, and what each overlay deploys."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubekit import Kube

from eksguard.analysis.kustomize import overlay_of, selector_matches
from eksguard.model import KubeScope

BASE = {
    "base/kustomization.yaml": """
        resources:
          - deployment.yaml
          - namespace.yaml
    """,
    "base/namespace.yaml": """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
    """,
    "base/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx
                  securityContext:
                    runAsUser: 1000
    """,
}

PROD = {
    "overlays/prod/kustomization.yaml": """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: shop
        namePrefix: prod-
        commonLabels:
          env: prod
        resources:
          - ../../base
        patches:
          - path: privileged.yaml
          - target:
              kind: Deployment
              name: web
            patch: |-
              - op: add
                path: /spec/template/spec/hostPID
                value: true
    """,
    "overlays/prod/privileged.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
                - name: web
                  securityContext:
                    privileged: true
    """,
}


@pytest.mark.parametrize(("path", "expected"), [
    ("apps/web/overlays/prod/deploy.yaml", ("apps/web/overlays/prod", "prod")),
    ("k8s/overlays/develop", ("k8s/overlays/develop", "develop")),
    ("k8s/overlays/develop/nested/deep/x.yml", ("k8s/overlays/develop", "develop")),
    ("envs/staging/kustomization.yaml", ("envs/staging", "staging")),
    ("k8s/base/deploy.yaml", None),
    ("overlays/prod.yaml", None),
])
def test_overlay_of(path: str, expected: tuple[str, str] | None) -> None:
    assert overlay_of(path) == expected


def test_label_selectors() -> None:
    labels = {"app.kubernetes.io/type": "app", "tier": "web"}
    assert selector_matches("app.kubernetes.io/type=app", labels)
    assert selector_matches("tier in (web, api),!missing", labels)
    assert not selector_matches("tier notin (web)", labels)
    assert not selector_matches("tier!=web", labels)


def _scope(kube: Kube) -> KubeScope:
    [scope] = kube.collect().kube_scopes
    assert isinstance(scope, KubeScope)
    return scope


def test_overlay_renders_base_with_patches_namespace_prefix_and_labels(kube: Kube) -> None:
    kube.write(BASE | PROD)
    scope = _scope(kube)
    by_target = {o.target: o for o in scope.objects}
    assert set(by_target) == {"kubernetes/shop/Deployment/prod-web", "kubernetes/Namespace/shop"}
    deployment = by_target["kubernetes/shop/Deployment/prod-web"]
    assert deployment.render is not None and deployment.render.endswith("overlays/prod")
    assert deployment.overlay is not None and deployment.overlay[1] == "prod"
    template = deployment.doc["spec"]["template"]
    assert template["metadata"]["labels"] == {"app": "web", "env": "prod"}
    container = template["spec"]["containers"][0]
    assert container["image"] == "nginx"  # from the base
    assert container["securityContext"] == {"runAsUser": 1000, "privileged": True}  # merged
    # positions: each field points where it is written
    patched = deployment.origin_at("spec.template.spec.containers[0].securityContext.privileged")
    assert patched.path.endswith("overlays/prod/privileged.yaml") and patched.line == 11
    kept = deployment.origin_at("spec.template.spec.containers[0].securityContext.runAsUser")
    assert kept.path.endswith("base/deployment.yaml") and kept.line == 15
    inline = deployment.origin_at("spec.template.spec.hostPID")
    assert inline.path.endswith("overlays/prod/kustomization.yaml") and inline.line == 17
    namespace = deployment.origin_at("metadata.namespace")
    assert namespace.path.endswith("overlays/prod/kustomization.yaml") and namespace.line == 3


def test_findings_on_patched_fields_point_at_the_patch(kube: Kube) -> None:
    kube.write(BASE | PROD)
    report = kube.scan()
    found = {f.extra["check"]: f for f in kube.results(report, "EKS501", "fail")}
    assert set(found) == {"privileged", "hostNamespaces"}
    origin = found["privileged"].origin
    assert origin is not None and origin.path.endswith("privileged.yaml") and origin.line == 11
    assert found["privileged"].target == "kubernetes/shop/Deployment/prod-web"


def test_patch_files_and_base_files_are_not_objects_of_their_own(kube: Kube) -> None:
    kube.write(BASE | PROD)
    scope = _scope(kube)
    assert [o.kind for o in scope.objects].count("Deployment") == 1


def test_base_scanned_alone_is_its_own_render(kube: Kube) -> None:
    kube.write(BASE | PROD)
    [scope] = kube.collect(kube.root / "base").kube_scopes
    [deployment] = [o for o in scope.objects if o.kind == "Deployment"]
    assert deployment.name == "web" and deployment.namespace == "default"
    assert deployment.overlay is None


def test_overlay_scanned_alone_reads_its_base(kube: Kube) -> None:
    kube.write(BASE | PROD)
    estate = kube.collect(kube.root / "overlays/prod")
    [scope] = estate.kube_scopes
    assert {o.name for o in scope.objects} == {"prod-web", "shop"}
    assert estate.problems == []


def test_two_overlays_of_one_base_are_two_objects(kube: Kube) -> None:
    kube.write(BASE | {
        "overlays/dev/kustomization.yaml": "resources: [../../base]\nnamespace: shop\n",
        "overlays/stg/kustomization.yaml": "resources: [../../base]\nnamespace: shop\ncommonLabels: {env: stg}\n",
    })
    scope = _scope(kube)
    deployments = [o for o in scope.objects if o.kind == "Deployment"]
    assert len(deployments) == 2
    assert len({o.target for o in deployments}) == 2  # disambiguated by overlay
    assert {o.overlay[1] for o in deployments if o.overlay} == {"dev", "stg"}


def test_identical_renderings_are_described_once(kube: Kube) -> None:
    kube.write(BASE | {
        "overlays/dev/kustomization.yaml": "resources: [../../base]\nnamespace: shop\n",
        "overlays/qa/kustomization.yaml": "resources: [../../base]\nnamespace: shop\n",
    })
    scope = _scope(kube)
    assert [o.kind for o in scope.objects].count("Deployment") == 1


def test_missing_resource_is_a_warning_not_a_problem(kube: Kube) -> None:
    kube.write({"app/kustomization.yaml": "resources:\n  - missing.yaml\n  - https://github.com/x/y//base\n"})
    estate = kube.collect()
    assert estate.problems == []
    messages = [w.message for w in estate.warnings]
    assert any("missing.yaml" in m for m in messages) and any("remote" in m for m in messages)


COMPONENT = {
    "components/nanny/kustomization.yaml": """
        apiVersion: kustomize.config.k8s.io/v1alpha1
        kind: Component
        resources:
          - role.yaml
        patches:
          - path: sidecar.yaml
    """,
    "components/nanny/role.yaml": """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: nanny
          namespace: shop
        rules:
          - apiGroups: [apps]
            resources: [deployments]
            verbs: [get, patch]
    """,
    "components/nanny/sidecar.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
                - name: nanny
                  image: addon-resizer
    """,
}


def test_component_no_kustomization_uses_is_read_for_its_resources_and_said_so(kube: Kube) -> None:
    # metrics-server's manifests/components/autoscale: a Component no overlay of the tree includes; its patch is
    # written for the Deployment of the kustomization that will include it, so it matching nothing here is no
    # mistake of the file, but nothing it adds is checked
    kube.write(BASE | COMPONENT)
    estate = kube.collect()
    [scope] = estate.kube_scopes
    assert {(o.kind, o.name) for o in scope.objects} == {("Deployment", "web"), ("Namespace", "shop"),
                                                         ("Role", "nanny")}
    warnings = [(Path(w.path).parent.name, w.line, w.message) for w in estate.warnings]
    assert warnings == [("nanny", 2, "Component `nanny` is used by no kustomization of this scan: only its own "
                         "resources are checked; its patches change the objects of the kustomization that uses it "
                         "(scan that one)")]


def test_component_patch_matching_nothing_where_it_is_used_is_warned(kube: Kube) -> None:
    kube.write(BASE | COMPONENT | {
        "components/nanny/sidecar.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n",
        "overlays/prod/kustomization.yaml": "resources: [../../base]\ncomponents: [../../components/nanny]\n",
    })
    estate = kube.collect()
    assert [(Path(w.path).parent.name, w.message) for w in estate.warnings] == [
        ("nanny", "patch matches no resource")]


def test_pss_workshop_module_each_overlay_against_its_namespace(shared_root: Path, kube: Kube) -> None:
    module = shared_root / "corpus/eks-workshop-v2/manifests/modules/security/pss-psa"
    report = kube.scan(module)
    rejected = {Path(f.target.split("@", 1)[1]).name: f for f in kube.results(report, "EKS504", "fail")}
    # baseline namespace + privileged container; restricted namespace + the plain workload
    assert set(rejected) == {"baseline-namespace", "restricted-namespace"}
    assert rejected["baseline-namespace"].extra["checks"] == ["privileged"]
    origin = rejected["baseline-namespace"].origin
    assert origin is not None and origin.path.endswith("baseline-namespace/deployment.yaml") and origin.line == 11
    assert set(rejected["restricted-namespace"].extra["checks"]) == {
        "allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"}
    admitted = {Path(f.target.split("@", 1)[1]).name for f in kube.results(report, "EKS504", "pass")}
    assert admitted == {"baseline-workload", "restricted-workload", "privileged-workload"}


def test_each_rendering_that_differs_has_its_own_verdict(kube: Kube) -> None:
    """Two overlays render the base differently: both objects fail restricted at the base's lines, and each
    target gets its verdict (one left without any EKS502 status reads as never checked)."""
    kube.write(BASE | {
        "overlays/dev/kustomization.yaml": "resources: [../../base]\nnamespace: shop\n",
        "overlays/stg/kustomization.yaml": "resources: [../../base]\nnamespace: shop\ncommonLabels: {env: stg}\n",
    })
    report = kube.scan()
    targets = {o.target for o in _scope(kube).objects if o.kind == "Deployment"}
    assert len(targets) == 2
    failed = kube.results(report, "EKS502", "fail")
    assert {f.target for f in failed} == targets
    for target in targets:
        checks = sorted(f.extra["check"] for f in failed if f.target == target)
        assert checks and len(checks) == len(set(checks))  # each failed check once per object
        assert all(f.origin is not None and f.origin.path.endswith("base/deployment.yaml")
                   for f in failed if f.target == target)
