"""What the manifest reader takes (and leaves to others), and how objects are described."""

from __future__ import annotations

from kubekit import Kube

from eksguard.model import KubeScope

DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
    spec:
      template:
        spec:
          containers:
            - name: web
              image: nginx
"""


def kinds(kube: Kube) -> dict[str, str]:
    estate = kube.collect()
    return {record.path.rsplit("/", 1)[-1]: record.kind for record in estate.inputs}


def test_non_kubernetes_yaml_is_left_alone(kube: Kube) -> None:
    kube.write({
        "ci.yaml": """
            name: build
            on: [push]
            jobs: {test: {runs-on: ubuntu-latest, steps: [{run: make}]}}
        """,
        "values.yaml": """
            image: {repository: nginx, tag: "1.27"}
            securityContext: {privileged: true}
        """,
        "template.yaml": """
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Bucket: {Type: "AWS::S3::Bucket"}
        """,
        "no-metadata.yaml": "apiVersion: v1\nkind: Pod\n",
        # Kubernetes-style files of other tools: an API group without a dot is never a Kubernetes one
        "skaffold.yaml": "apiVersion: skaffold/v3\nkind: Config\nmetadata: {name: app}\n",
        "hpa.yaml": "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n",
        "crd-object.yaml": "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\n",
        "cluster.yaml": """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata: {name: demo, region: ap-northeast-1}
        """,
        "deploy.yaml": DEPLOYMENT,
    })
    found = kinds(kube)
    assert found["deploy.yaml"] == found["hpa.yaml"] == found["crd-object.yaml"] == "kubernetes"
    assert found["cluster.yaml"] == "eksctl"
    for name in ("ci.yaml", "values.yaml", "template.yaml", "no-metadata.yaml", "skaffold.yaml"):
        assert found[name] != "kubernetes", name


def test_multi_document_json_and_list_kinds(kube: Kube) -> None:
    kube.write({
        "all.yaml": DEPLOYMENT + "---\n# a comment-only document\n---\n" + """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
              - apiVersion: v1
                kind: ServiceAccount
                metadata: {name: web}
        """.replace("\n            ", "\n"),
        "pod.json": '{"apiVersion": "v1", "kind": "Pod",\n "metadata": {"name": "p", "namespace": "ns"},\n'
                    ' "spec": {"containers": [{"name": "c", "image": "busybox"}]}}',
    })
    estate = kube.collect()
    [scope] = estate.kube_scopes
    assert isinstance(scope, KubeScope)
    targets = sorted(o.target for o in scope.objects)
    assert targets == ["kubernetes/default/ServiceAccount/web", "kubernetes/ns/Pod/p",
                       "kubernetes/shop/Deployment/web", "kubernetes/shop/Service/web"]
    pod = next(o for o in scope.objects if o.kind == "Pod")
    assert pod.origin_at("spec.containers[0].image").line == 3  # JSON keeps its lines too


def test_helm_rendered_output_is_read(kube: Kube) -> None:
    kube.write({"rendered.yaml": """
        ---
        # Source: app/templates/serviceaccount.yaml
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: app
        ---
        # Source: app/templates/deployment.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          template:
            spec:
              hostNetwork: true
              containers:
                - name: app
                  image: "nginx:1.27"
    """})
    report = kube.scan()
    [finding] = kube.results(report, "EKS501", "fail")
    assert finding.extra["check"] == "hostNamespaces"
    assert finding.origin is not None and finding.origin.line == 16


def test_helm_chart_templates_are_skipped_with_a_warning(kube: Kube) -> None:
    kube.write({
        "chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
        "chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
                                           "{{- if .Values.x }}\nspec: {}\n{{- end }}\n",
    })
    estate = kube.collect()
    assert estate.problems == []
    assert [w.kind for w in estate.warnings] == ["helm-template"]


def test_helm_templates_in_subfolders_are_templates_too(kube: Kube) -> None:
    # `helm create` makes templates/tests/; a quoted placeholder parses as YAML but is no object yet
    kube.write({
        "chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
        "chart/templates/tests/test-connection.yaml": 'apiVersion: v1\nkind: Pod\nmetadata:\n'
                                                      '  name: "{{ .Release.Name }}-test"\n'
                                                      'spec: {containers: [{name: t, image: busybox}]}\n',
    })
    estate = kube.collect()
    assert [(w.kind, w.path) for w in estate.warnings] == [
        ("helm-template", str(kube.root / "chart/templates/tests/test-connection.yaml"))]
    assert estate.kube_scopes == []


def test_unparseable_yaml_outside_a_chart_is_still_a_problem(kube: Kube) -> None:
    kube.write({"broken.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n"})
    estate = kube.collect()
    assert len(estate.problems) == 1 and estate.problems[0].line is not None


def test_overlay_is_recorded_on_plain_files(kube: Kube) -> None:
    kube.write({"apps/web/overlays/prod/deploy.yaml": DEPLOYMENT})
    [scope] = kube.collect().kube_scopes
    [obj] = scope.objects
    assert obj.overlay is not None
    assert obj.overlay[1] == "prod" and obj.overlay[0].endswith("apps/web/overlays/prod")


def test_a_pod_template_without_an_image_is_a_fragment_not_an_object(kube: Kube) -> None:
    # a kubeadm patch and a Spark pod template: the API server refuses a container without an image
    kube.write({
        "patches/kube-controller-manager.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-controller-manager\n"
                                                "spec:\n  containers:\n  - name: kube-controller-manager\n"
                                                "    resources: {requests: {cpu: 1m}}\n",
        "app.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n"
                    "  - name: app\n    image: nginx:1.27\n",
        "unnamed.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {app: x}\nspec:\n  containers:\n  - name: ccc\n",
    })
    estate = kube.collect()
    assert [obj.name for scope in estate.kube_scopes for obj in scope.objects] == ["app"]
    [warning] = [w for w in estate.warnings if "kube-controller-manager" in w.message]
    assert warning.line == 1 and "has no `image`" in warning.message and estate.problems == []
    [unnamed] = [w for w in estate.warnings if w.path.endswith("unnamed.yaml")]
    assert unnamed.message.startswith("Pod (no name) is not checked: its container `ccc` has no `image`")


def test_a_pod_template_whose_containers_are_not_a_list_is_not_passed(kube: Kube) -> None:
    # the API server cannot decode such a pod: no Pod Security verdict (it was a pass, privileged container and
    # all), but a warning at the field
    kube.write({
        "mapping.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: mapping\nspec:\n  containers:\n"
                        "    name: web\n    image: nginx:1.27\n    securityContext: {privileged: true}\n",
        "scalar.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scalar\nspec:\n  template:\n"
                       "    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n      - web\n",
        "app.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n"
                    "  - name: app\n    image: nginx:1.27\n",
    })
    estate = kube.collect()
    assert [obj.name for scope in estate.kube_scopes for obj in scope.objects] == ["app"]
    [mapping] = [w for w in estate.warnings if "`mapping`" in w.message]
    assert mapping.line == 6 and "its `spec.containers` is not a list" in mapping.message
    [scalar] = [w for w in estate.warnings if "`scalar`" in w.message]
    assert scalar.line == 11 and "`spec.template.spec.containers[1]` is not a container" in scalar.message
    assert estate.problems == []


def test_operator_pod_templates_are_checked_and_spark_still_warns(kube: Kube) -> None:
    # a RayJob's head group template is a PodTemplateSpec: judged like a Deployment's, at its own line; Spark's
    # SparkPodSpec reaches the pods through the operator's webhook, so a SparkApplication still only warns, and a
    # FlinkSessionJob runs in its session FlinkDeployment's pods: no pods of its own, nothing to warn about
    kube.write({"ray.yaml": """
        apiVersion: ray.io/v1
        kind: RayJob
        metadata:
          name: job
        spec:
          rayClusterSpec:
            headGroupSpec:
              template:
                spec:
                  hostNetwork: true
                  containers: [{name: head, image: rayproject/ray}]
    """, "spark.yaml": """
        apiVersion: sparkoperator.k8s.io/v1beta2
        kind: SparkApplication
        metadata:
          name: pi
        spec:
          driver: {hostNetwork: true}
    """, "session.yaml": """
        apiVersion: flink.apache.org/v1beta1
        kind: FlinkSessionJob
        metadata:
          name: wordcount
        spec:
          deploymentName: session
    """})
    estate = kube.collect()
    assert [w.message for w in estate.warnings if "not checked" in w.message] == [
        next(w.message for w in estate.warnings if "SparkApplication" in w.message)]
    [warning] = [w for w in estate.warnings if "SparkApplication" in w.message]
    assert warning.line == 1 and "runs pods that are not checked" in warning.message
    report = kube.scan()
    [finding] = [f for f in report.results if f.rule == "EKS501" and f.status.value == "fail"]
    assert finding.target.endswith("RayJob/job") and finding.origin is not None and finding.origin.line == 10
    assert finding.extra["field"] == "spec.rayClusterSpec.headGroupSpec.template.spec.hostNetwork"
    assert "pod template `spec.rayClusterSpec.headGroupSpec.template`" in finding.message.en


def test_helm_charts_a_gitops_controller_installs_are_said_not_checked(kube: Kube) -> None:
    # helm-controller and Argo CD render these charts in the cluster: none of their pods is in the manifests; an
    # Argo CD Application of plain manifests (a `path`) is read where those manifests are, so it is no warning
    kube.write({"flux.yaml": """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: podinfo, namespace: podinfo}
        spec:
          chart:
            spec:
              chart: podinfo
              sourceRef: {kind: HelmRepository, name: podinfo}
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: cert-manager, namespace: cert-manager}
        spec:
          chartRef: {kind: OCIRepository, name: cert-manager}
    """, "argo.yaml": """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: wordpress, namespace: argocd}
        spec:
          sources:
            - {repoURL: "https://charts.example", chart: wordpress, targetRevision: 9.0.3}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: guestbook, namespace: argocd}
        spec:
          source: {repoURL: "https://git.example/apps.git", path: guestbook}
    """})
    estate = kube.collect()
    warned = sorted((w.path.rsplit("/", 1)[-1], w.line, w.message.split(" installs")[0]) for w in estate.warnings
                    if "whose templates this scan does not render" in w.message)
    assert warned == [("argo.yaml", 1, "Application `wordpress` (argoproj.io)"),
                      ("flux.yaml", 1, "HelmRelease `podinfo` (helm.toolkit.fluxcd.io)"),
                      ("flux.yaml", 10, "HelmRelease `cert-manager` (helm.toolkit.fluxcd.io)")]
    assert any("the Helm chart `cert-manager`" in w.message for w in estate.warnings)
    assert estate.problems == []
