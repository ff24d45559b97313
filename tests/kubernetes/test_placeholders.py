"""`${VAR}` in manifests (envsubst templates, Flux postBuild): `--var` values go in everywhere, as envsubst
would put them; a placeholder left where `$` cannot be a value (names, namespaces, labels, images) is an
unresolved-variable problem (exit 2) and the field is unknown; elsewhere (`args`) it is left as written."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kubekit import TODAY

from eksguard.config import Config
from eksguard.engine import evaluate
from eksguard.findings import Status
from eksguard.model import KubeObject
from eksguard.sources import collect

MANIFEST = """
    apiVersion: v1
    kind: Namespace
    metadata:
      name: ${APP_NS}
      labels:
        pod-security.kubernetes.io/enforce: restricted
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: ${APP_NS}
      labels: {app: web}
    spec:
      template:
        spec:
          containers:
            - name: web
              image: ${REGISTRY}/web:v1
              args: ["--home=${HOME}", "--cluster=${CLUSTER}"]
              securityContext:
                privileged: true
"""


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(textwrap.dedent(MANIFEST).lstrip("\n"), encoding="utf-8")
    return path


def _deployment(objects: list[KubeObject]) -> KubeObject:
    return next(obj for obj in objects if obj.kind == "Deployment")


def test_unset_placeholders_in_names_and_images_are_problems_at_their_lines(tmp_path: Path) -> None:
    estate = collect([str(_write(tmp_path))], {})
    problems = sorted((p.line, p.message.split("`")[1]) for p in estate.problems)
    assert problems == [(4, "${APP_NS}"), (12, "${APP_NS}"), (19, "${REGISTRY}")]
    assert {p.kind for p in estate.problems} == {"unresolved-variable"}
    assert estate.problem_inputs == 1  # exit 2
    deployment = _deployment(estate.kube_scopes[0].objects)
    # a shell variable of the container's command is no placeholder: as written, no problem
    args = deployment.doc["spec"]["template"]["spec"]["containers"][0]["args"]
    assert list(args) == ["--home=${HOME}", "--cluster=${CLUSTER}"]
    assert deployment.namespace == "(${APP_NS})"
    assert set(deployment.unknown_fields) == {"metadata.namespace", "spec.template.spec.containers[0].image"}


def test_the_namespace_left_unset_makes_its_admission_unknown_not_a_failure(tmp_path: Path) -> None:
    estate = collect([str(_write(tmp_path))], {})
    report = evaluate(estate, Config(), TODAY)
    admission = [f for f in report.results if f.rule == "EKS504" and f.target.endswith("Deployment/web")]
    assert [f.status for f in admission] == [Status.UNKNOWN]
    assert "not known until `${APP_NS}` is set" in str(admission[0].message)
    # what is known still fails: privileged is privileged in any namespace
    assert any(f.rule == "EKS501" and f.status is Status.FAIL for f in report.results)


def test_var_values_go_in_everywhere(tmp_path: Path) -> None:
    values = {"APP_NS": "shop", "REGISTRY": "registry.example", "CLUSTER": "prod"}
    estate = collect([str(_write(tmp_path))], values)
    assert estate.problems == []
    deployment = _deployment(estate.kube_scopes[0].objects)
    container = deployment.doc["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.example/web:v1"
    assert list(container["args"]) == ["--home=${HOME}", "--cluster=prod"]
    assert deployment.namespace == "shop" and deployment.unknown_fields == {}
    report = evaluate(estate, Config(), TODAY)
    admission = [f for f in report.results if f.rule == "EKS504" and f.target.endswith("Deployment/web")]
    assert [f.status for f in admission] == [Status.FAIL]  # namespace shop enforces restricted


def test_a_placeholders_own_default_applies_when_its_variable_is_not_set(tmp_path: Path) -> None:
    """`${NS:=apps}`, `${TAG:-1.27}` (Flux postBuild, envsubst's shell forms): the default when the variable is
    unset (or empty, with `:`), the value when given; no unresolved-variable problem either way."""
    path = tmp_path / "pod.yaml"
    path.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: ${NS:=apps}\nspec:\n"
                    "  containers:\n  - name: web\n    image: nginx:${TAG:-1.27}${SUFFIX-}\n", encoding="utf-8")
    for values, namespace, image in (({}, "apps", "nginx:1.27"), ({"NS": "prod", "TAG": ""}, "prod", "nginx:1.27"),
                                     ({"SUFFIX": "-alpine"}, "apps", "nginx:1.27-alpine")):
        estate = collect([str(path)], values)
        [pod] = estate.kube_scopes[0].objects
        assert estate.problems == [] and not pod.unknown_fields
        assert (pod.namespace, pod.doc["spec"]["containers"][0]["image"]) == (namespace, image)
