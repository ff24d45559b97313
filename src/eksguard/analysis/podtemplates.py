"""The pods an object runs: its pod templates, built-in or an operator's, as PodSpecs the rules can evaluate.

Built-in kinds hold one PodTemplateSpec at a fixed place (`pss.pod_spec_of`). Operators' custom resources hold
several, in fields of their own, and their operators add containers or settings of their own to the pods; each
template here is the pod the operator creates from it, as far as the object says, with:

- `places`: where each part of that pod is written in the object, so a finding points at the exact field
  (`spec.workerGroupSpecs[1].template.spec.containers[0].securityContext`), or at the field to add;
- `unknown`: why part of the pod is not in the object (an Argo `podSpecPatch`, a template the Flink operator
  merges with another): a verdict that rests on what is missing is then `unknown`, not a pass;
- `restricted_unknown`: containers the operator adds whose securityContext is configured outside the object
  (Argo's executor containers): the restricted level, which checks every container, is then `unknown`.

Evaluated: Ray (RayCluster, RayJob, RayService), LeaderWorkerSet, Flink (FlinkDeployment), Argo Workflows
(Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow). Spark's SparkApplication is not: see
sources.kubernetes.UNREAD_OPERATOR_WORKLOADS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from eksguard.analysis.pss import WORKLOAD_KINDS, pod_spec_of
from eksguard.model import Text

_EMPTY: Mapping[str, Any] = {}


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True, slots=True, eq=False)
class PodTemplate:
    """One pod an object runs: its metadata and PodSpec, and where each part of it is written."""

    metadata: Mapping[str, Any]
    spec: Mapping[str, Any]
    # pod field path prefix (`spec.containers[1]`, `spec.securityContext`, "" for the whole pod) -> the object's
    # field path it is written at (or would be); the longest prefix wins
    places: Mapping[str, str]
    # the template's field path, to name it in findings; None for a built-in kind's only template
    label: str | None = None
    unknown: Text | None = None
    restricted_unknown: Text | None = None

    def field(self, pod_path: str) -> str:
        """The object's field path of a pod field path (`spec.containers[0].securityContext.privileged`)."""
        best = None
        for prefix in self.places:
            if (not prefix or pod_path == prefix or pod_path.startswith((f"{prefix}.", f"{prefix}["))) \
                    and (best is None or len(prefix) > len(best)):
                best = prefix
        if best is None:
            return pod_path
        base, rest = self.places[best], pod_path[len(best):]
        if not best and rest:
            rest = f".{rest}"
        return f"{base}{rest}" if base else rest.lstrip(".")


def _written(holder: Mapping[str, Any], path: str, unknown: Text | None = None) -> PodTemplate | None:
    """A PodTemplateSpec (or a `kind: Pod` template) written at `path`, taken as it is."""
    spec = holder.get("spec")
    if not isinstance(spec, Mapping):
        return None
    return PodTemplate(_map(holder.get("metadata")), spec, {"": path}, path, unknown)


def _with_containers(template: PodTemplate, added: list[tuple[Mapping[str, Any], str]]) -> PodTemplate:
    """The template with containers its operator adds to the pod, each placed at the field that configures it."""
    if not added:
        return template
    containers = _list(template.spec.get("containers"))
    spec = {**template.spec, "containers": [*containers, *(c for c, _ in added)]}
    places = dict(template.places)
    for index, (_, where) in enumerate(added, start=len(containers)):
        places[f"spec.containers[{index}]"] = where
    return PodTemplate(template.metadata, spec, places, template.label, template.unknown, template.restricted_unknown)


# --------------------------------------------------------------------------------------------------
# Ray (ray-project/kuberay): ray-operator/apis/ray/v1/raycluster_types.go (HeadGroupSpec.Template and
# WorkerGroupSpec.Template are corev1.PodTemplateSpec; AutoscalerOptions.SecurityContext), rayjob_types.go
# (RayClusterSpec, SubmitterPodTemplate, SubmissionMode), rayservice_types.go (RayClusterSpec at
# `rayClusterConfig`). ray-operator/controllers/ray/common/pod.go: with enableInTreeAutoscaling the head pod
# gets an `autoscaler` container whose securityContext is autoscalerOptions.securityContext (nothing when
# unset); a worker's `wait-gcs-ready` init container copies the Ray container's securityContext, so it adds
# nothing to judge. common/job.go GetDefaultSubmitterTemplate: without submitterPodTemplate the K8sJobMode
# submitter pod is one `ray-job-submitter` container with no securityContext; SidecarMode adds that container
# to the head pod instead.
# --------------------------------------------------------------------------------------------------


def _ray_cluster(spec: Mapping[str, Any], base: str, head_extra: list[tuple[Mapping[str, Any], str]]) -> list[PodTemplate]:
    found: list[PodTemplate] = []
    head = _written(_map(_map(spec.get("headGroupSpec")).get("template")), f"{base}.headGroupSpec.template")
    if head is not None:
        added = list(head_extra)
        if spec.get("enableInTreeAutoscaling") is True:
            options = _map(spec.get("autoscalerOptions"))
            autoscaler: dict[str, Any] = {"name": "autoscaler"}
            if options.get("securityContext") is not None:
                autoscaler["securityContext"] = options["securityContext"]
            added.append((autoscaler, f"{base}.autoscalerOptions"))
        found.append(_with_containers(head, added))
    for index, group in enumerate(_list(spec.get("workerGroupSpecs"))):
        worker = _written(_map(_map(group).get("template")), f"{base}.workerGroupSpecs[{index}].template")
        if worker is not None:
            found.append(worker)
    return found


def _ray(kind: str, spec: Mapping[str, Any]) -> list[PodTemplate]:
    if kind == "RayCluster":
        return _ray_cluster(spec, "spec", [])
    if kind == "RayService":
        return _ray_cluster(_map(spec.get("rayClusterConfig")), "spec.rayClusterConfig", [])
    # RayJob: without rayClusterSpec it runs on an existing cluster (clusterSelector), checked where defined
    mode = spec.get("submissionMode") or "K8sJobMode"
    submitter = {"name": "ray-job-submitter"}
    found = _ray_cluster(_map(spec.get("rayClusterSpec")), "spec.rayClusterSpec",
                         [(submitter, "spec.submissionMode")] if mode == "SidecarMode" else [])
    if mode == "K8sJobMode":
        written = _written(_map(spec.get("submitterPodTemplate")), "spec.submitterPodTemplate")
        found.append(written or PodTemplate(_EMPTY, {"containers": [submitter]}, {"": "spec.submitterPodTemplate"},
                                            "spec.submitterPodTemplate"))
    return found


# --------------------------------------------------------------------------------------------------
# LeaderWorkerSet (kubernetes-sigs/lws): api/leaderworkerset/v1/leaderworkerset_types.go, LeaderWorkerTemplate
# `leaderTemplate` (*corev1.PodTemplateSpec, optional: the leader uses workerTemplate without it) and
# `workerTemplate` (corev1.PodTemplateSpec).
# --------------------------------------------------------------------------------------------------


def _lws(kind: str, spec: Mapping[str, Any]) -> list[PodTemplate]:
    templates = _map(spec.get("leaderWorkerTemplate"))
    found = [_written(_map(templates.get(key)), f"spec.leaderWorkerTemplate.{key}")
             for key in ("leaderTemplate", "workerTemplate")]
    return [t for t in found if t is not None]


# --------------------------------------------------------------------------------------------------
# Flink (apache/flink-kubernetes-operator): FlinkDeploymentSpec `podTemplate`, JobManagerSpec and TaskManagerSpec
# `podTemplate` (io.fabric8 Pod: apiVersion, kind, metadata, spec); `serviceAccount`. FlinkConfigBuilder merges
# `spec.podTemplate` with each component's (FlinkUtils.mergePodTemplates) and Flink builds its pods on the
# result (Flink docs, native_kubernetes.md "Pod Template"): its main container is the template's container named
# `flink-main-container` (securityContext kept), else one of Flink's own with no securityContext, and the pod's
# serviceAccountName is Flink's `kubernetes.service-account`, the operator's `spec.serviceAccount`.
# A FlinkSessionJob runs its job in the pods of its session FlinkDeployment: no pods of its own.
# --------------------------------------------------------------------------------------------------

_FLINK_MAIN = "flink-main-container"


def _flink(kind: str, spec: Mapping[str, Any]) -> list[PodTemplate]:
    if kind != "FlinkDeployment":
        return []
    base: Mapping[str, Any] | None = spec["podTemplate"] if isinstance(spec.get("podTemplate"), Mapping) else None
    own: dict[str, Mapping[str, Any]] = {c: t for c in ("jobManager", "taskManager")
                                         if isinstance(t := _map(spec.get(c)).get("podTemplate"), Mapping)}
    account = spec.get("serviceAccount")
    # (the template, its field path, a pod built from it alone?)
    sources: list[tuple[Mapping[str, Any], str, bool]] = []
    if base is not None:
        sources.append((base, "spec.podTemplate", len(own) < 2))
    for component in ("jobManager", "taskManager"):
        if component in own:
            sources.append((own[component], f"spec.{component}.podTemplate", base is None))
        elif base is None:  # Flink's default pod
            sources.append(({"spec": {}}, f"spec.{component}.podTemplate", True))
    merged = Text("the Flink operator merges it with another pod template of this FlinkDeployment, and the "
                  "result is not evaluated",
                  "Flink オペレーターがこの FlinkDeployment の別の Pod テンプレートとマージし、その結果は評価していません")
    found: list[PodTemplate] = []
    for holder, path, alone in sources:
        template = _written(_map(holder), path, unknown=None if alone else merged)
        if template is None:
            continue
        spec_copy = dict(template.spec)
        places = dict(template.places)
        if account is not None:
            spec_copy["serviceAccountName"] = account
            places["spec.serviceAccountName"] = "spec.serviceAccount"
        containers = _list(spec_copy.get("containers"))
        if alone and not any(_map(c).get("name") == _FLINK_MAIN for c in containers):
            spec_copy["containers"] = [*containers, {"name": _FLINK_MAIN}]  # placed where it would be written
        found.append(PodTemplate(template.metadata, spec_copy, places, path, template.unknown))
    return found


# --------------------------------------------------------------------------------------------------
# Argo Workflows (argoproj/argo-workflows): pkg/apis/workflow/v1alpha1/workflow_types.go (WorkflowSpec, Template)
# and workflow/controller/workflowpod.go createWorkflowPod, which builds the pod of a `container`, `script` or
# `containerSet` template: its main container(s) (`main` for container and script), the template's `sidecars`
# and `initContainers`, the executor's `init` and `wait` containers (securityContext from the controller's
# `executor.securityContext`, not the workflow); pod securityContext the template's, else the workflow's;
# hostNetwork the workflow's; volumes the template's plus the workflow's that a container mounts
# (addVolumeReferences); serviceAccountName and automountServiceAccountToken the template's, else the
# workflow's; metadata the workflow's podMetadata then the template's; then the workflow's and the template's
# `podSpecPatch` (a string, applied last). `templateDefaults` is merged into every template first.
# CronWorkflow holds a WorkflowSpec at `spec.workflowSpec`.
# --------------------------------------------------------------------------------------------------

_ARGO_EXECUTOR = Text("Argo adds its `init` and `wait` executor containers, whose securityContext is the workflow "
                      "controller's `executor.securityContext` (not in this scan)",
                      "Argo は実行用の `init` と `wait` コンテナーを追加し、その securityContext はワークフローコントローラーの "
                      "`executor.securityContext` です（このスキャンにありません）")


def _argo(kind: str, spec: Mapping[str, Any]) -> list[PodTemplate]:
    base = "spec"
    if kind == "CronWorkflow":
        spec, base = _map(spec.get("workflowSpec")), "spec.workflowSpec"
    found: list[PodTemplate] = []
    for index, item in enumerate(_list(spec.get("templates"))):
        template = _argo_pod(spec, base, _map(item), f"{base}.templates[{index}]")
        if template is not None:
            found.append(template)
    return found


def _argo_pod(wf: Mapping[str, Any], base: str, tmpl: Mapping[str, Any], at: str) -> PodTemplate | None:
    mains: list[tuple[Mapping[str, Any], str]]
    if isinstance(tmpl.get("container"), Mapping):
        mains = [({**tmpl["container"], "name": "main"}, f"{at}.container")]
    elif isinstance(tmpl.get("script"), Mapping):
        mains = [({**tmpl["script"], "name": "main"}, f"{at}.script")]
    elif isinstance(tmpl.get("containerSet"), Mapping):
        mains = [(_map(c), f"{at}.containerSet.containers[{i}]")
                 for i, c in enumerate(_list(tmpl["containerSet"].get("containers")))]
    else:
        return None  # steps, dag, suspend: no pod; resource, data, http, plugin: Argo's own containers only
    containers = [*mains, *((_map(c), f"{at}.sidecars[{i}]") for i, c in enumerate(_list(tmpl.get("sidecars"))))]
    inits = _list(tmpl.get("initContainers"))
    places: dict[str, str] = {"": at, "spec": at, "metadata": f"{at}.metadata", "spec.hostNetwork": f"{base}.hostNetwork"}
    pod: dict[str, Any] = {"containers": [c for c, _ in containers], "initContainers": inits}
    for index, (_, where) in enumerate(containers):
        places[f"spec.containers[{index}]"] = where
    places["spec.initContainers"] = f"{at}.initContainers"
    if wf.get("hostNetwork") is not None:
        pod["hostNetwork"] = wf["hostNetwork"]
    for key in ("securityContext", "serviceAccountName", "automountServiceAccountToken"):
        owner = at if tmpl.get(key) is not None else base if wf.get(key) is not None else at
        value = tmpl.get(key) if tmpl.get(key) is not None else wf.get(key)
        if value is not None:
            pod[key] = value
        places[f"spec.{key}"] = f"{owner}.{key}"
    volumes: list[Any] = []
    for index, volume in enumerate(_list(tmpl.get("volumes"))):
        places[f"spec.volumes[{len(volumes)}]"] = f"{at}.volumes[{index}]"
        volumes.append(volume)
    own = {_map(v).get("name") for v in volumes}
    mounted = {_map(m).get("name") for c in [*(c for c, _ in containers), *inits] for m in _list(_map(c).get("volumeMounts"))}
    for index, volume in enumerate(_list(wf.get("volumes"))):
        name = _map(volume).get("name")
        if name in mounted and name not in own:
            places[f"spec.volumes[{len(volumes)}]"] = f"{base}.volumes[{index}]"
            volumes.append(volume)
            own.add(name)
    pod["volumes"] = volumes
    metadata: dict[str, Any] = {}
    for part in ("labels", "annotations"):
        merged: dict[str, Any] = {}
        for owner, source in ((f"{base}.podMetadata", _map(wf.get("podMetadata"))), (f"{at}.metadata", _map(tmpl.get("metadata")))):
            for key, value in _map(source.get(part)).items():
                merged[key] = value
                places[f"metadata.{part}[{key}]"] = f"{owner}.{part}[{key}]"
        metadata[part] = merged
    patches = [f"`{where}.podSpecPatch`" for where, owner in ((base, wf), (at, tmpl)) if owner.get("podSpecPatch")]
    why: list[Text] = []
    if patches:
        why.append(Text(f"{' and '.join(patches)} patches the pod, and a patch is not evaluated",
                        f"{'、'.join(patches)} が Pod にパッチを当てますが、パッチは評価していません"))
    if wf.get("templateDefaults") is not None:
        why.append(Text(f"`{base}.templateDefaults` is merged into the template, which is not evaluated",
                        f"`{base}.templateDefaults` がテンプレートにマージされますが、その結果は評価していません"))
    unknown = Text("; ".join(t.en for t in why), "。".join(t.ja for t in why)) if why else None
    return PodTemplate(metadata, pod, places, at, unknown, _ARGO_EXECUTOR)


# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------

_Reader = Callable[[str, Mapping[str, Any]], list[PodTemplate]]
# (API group, kind) -> the reader of its pod templates
OPERATOR_READERS: Mapping[tuple[str, str], _Reader] = {
    **{("ray.io", kind): _ray for kind in ("RayCluster", "RayJob", "RayService")},
    ("leaderworkerset.x-k8s.io", "LeaderWorkerSet"): _lws,
    ("flink.apache.org", "FlinkDeployment"): _flink,
    ("flink.apache.org", "FlinkSessionJob"): _flink,
    **{("argoproj.io", kind): _argo
       for kind in ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")},
}
# every kind whose objects can hold pod templates (rules read these kinds)
TEMPLATE_KINDS: tuple[str, ...] = tuple(sorted({*WORKLOAD_KINDS, *(kind for _, kind in OPERATOR_READERS)}))


def pod_templates(doc: Any) -> tuple[PodTemplate, ...]:
    """The pods `doc` runs, each as a PodTemplate; empty for an object that runs none."""
    if not isinstance(doc, Mapping):
        return ()
    ref = pod_spec_of(doc)
    if ref is not None:
        return (PodTemplate(ref.metadata, ref.spec, {"": ref.path_prefix.rstrip(".")}),)
    group = str(doc.get("apiVersion", "")).split("/", 1)[0]
    reader = OPERATOR_READERS.get((group, str(doc.get("kind", ""))))
    if reader is None:
        return ()
    return tuple(reader(str(doc.get("kind")), _map(doc.get("spec"))))
