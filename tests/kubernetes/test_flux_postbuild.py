"""Flux Kustomizations' `postBuild` values written in the scan go into the `${VAR}` placeholders of what their
`spec.path` renders, one rendering per Kustomization, as kustomize-controller substitutes after the build; a
placeholder no such value sets stays an unresolved-variable problem."""

from __future__ import annotations

import json
from typing import Any

from kubekit import Kube

from eksguard.model import Estate

BASE = {
    "deploy/tenants/kustomization.yaml": """
        resources: [flux.yaml]
    """,
    "deploy/tenants/flux.yaml": """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: "${CLUSTER_NAME}"
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: reconciler
          namespace: "${CLUSTER_NAME}"
          labels: {tier: "${TIER}"}
    """,
    "clusters/staging/tenants/kustomization.yaml": """
        resources: [../../../deploy/tenants]
    """,
    "clusters/production/tenants/kustomization.yaml": """
        resources: [../../../deploy/tenants]
    """,
}


def _flux(name: str, path: str, post_build: dict[str, Any]) -> str:
    return f"""
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: {name}
          namespace: flux-system
        spec:
          path: {path}
          sourceRef: {{kind: GitRepository, name: flux-system}}
          postBuild: {json.dumps(post_build)}
    """


def _namespaces(estate: Estate) -> list[str]:
    return sorted(o.name for scope in estate.kube_scopes for o in scope.objects if o.kind == "Namespace")


def _unresolved(estate: Estate) -> list[tuple[str, int | None, str]]:
    return sorted((p.path.split("/")[-1], p.line, p.message.split("`")[1]) for p in estate.problems
                  if p.kind == "unresolved-variable")


def test_each_flux_kustomization_renders_its_path_with_its_own_values(kube: Kube) -> None:
    kube.write({**BASE,
                "hub/staging.yaml": _flux("staging", "./clusters/staging/tenants",
                                          {"substitute": {"CLUSTER_NAME": "staging", "TIER": "dev"}}),
                "hub/production.yaml": _flux("production", "./clusters/production/tenants",
                                             {"substitute": {"CLUSTER_NAME": "production", "TIER": "prod"}})})
    estate = kube.collect()
    assert _unresolved(estate) == []
    assert _namespaces(estate) == ["production", "staging"]
    accounts = {(o.namespace, o.doc["metadata"]["labels"]["tier"], o.origin.line)
                for scope in estate.kube_scopes for o in scope.objects if o.kind == "ServiceAccount"}
    assert accounts == {("staging", "dev", 6), ("production", "prod", 6)}  # at the lines of the template


def test_a_rendering_without_values_keeps_the_problem_and_a_configmap_of_the_scan_gives_values(kube: Kube) -> None:
    kube.write({**BASE,
                "hub/vars.yaml": """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: cluster-vars, namespace: flux-system}
                    data: {CLUSTER_NAME: from-configmap, TIER: dev}
                """,
                # substitute takes precedence over substituteFrom
                "hub/staging.yaml": _flux("staging", "./clusters/staging/tenants",
                                          {"substitute": {"CLUSTER_NAME": "staging"},
                                           "substituteFrom": [{"kind": "ConfigMap", "name": "cluster-vars"},
                                                              {"kind": "Secret", "name": "cluster-secrets"}]})})
    estate = kube.collect()
    # clusters/production/tenants renders the same file with no Flux Kustomization behind it
    assert _unresolved(estate) == [("flux.yaml", 4, "${CLUSTER_NAME}"), ("flux.yaml", 10, "${CLUSTER_NAME}"),
                                   ("flux.yaml", 11, "${TIER}")]
    assert _namespaces(estate) == ["${CLUSTER_NAME}", "staging"]
    labels = {o.doc["metadata"]["labels"]["tier"] for scope in estate.kube_scopes for o in scope.objects
              if o.kind == "ServiceAccount"}
    assert labels == {"dev", "${TIER}"}


def test_a_path_found_under_several_folders_is_said_and_not_guessed(kube: Kube) -> None:
    kube.write({**BASE,
                "clusters/staging/clusters/staging/tenants/kustomization.yaml": """
                    resources: [../../../../../deploy/tenants]
                """,
                "clusters/staging/flux.yaml": _flux("staging", "./clusters/staging/tenants",
                                                    {"substitute": {"CLUSTER_NAME": "staging", "TIER": "dev"}})})
    estate = kube.collect()
    assert any("spec.path" in str(w.message) and "several folders" in str(w.message) for w in estate.warnings)
    assert ("flux.yaml", 4, "${CLUSTER_NAME}") in _unresolved(estate)


def test_an_object_that_disables_substitution_is_left_as_written(kube: Kube) -> None:
    kube.write({**BASE,
                "deploy/tenants/flux.yaml": """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: script
                      namespace: default
                      annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}
                    data: {run.sh: "echo ${CLUSTER_NAME}"}
                    ---
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: settings, namespace: default}
                    data: {cluster: "${CLUSTER_NAME}"}
                """,
                "hub/staging.yaml": _flux("staging", "./clusters/staging/tenants",
                                          {"substitute": {"CLUSTER_NAME": "staging"}})})
    estate = kube.collect()
    data = sorted((o.name, json.dumps(o.doc["data"])) for scope in estate.kube_scopes for o in scope.objects
                  if o.kind == "ConfigMap")
    # the script is alike in both renderings (described once); the settings differ by rendering
    assert data == [("script", '{"run.sh": "echo ${CLUSTER_NAME}"}'), ("settings", '{"cluster": "${CLUSTER_NAME}"}'),
                    ("settings", '{"cluster": "staging"}')]
