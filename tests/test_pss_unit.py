"""Focused behaviour of the Pod Security Standards evaluator (eksguard.analysis.pss)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from eksguard.analysis.pss import (
    LATEST_MINOR,
    LEVELS,
    PodTemplateRef,
    PssVersion,
    PssViolation,
    evaluate,
    pod_spec_of,
)


def _container(name: str, **security_context: Any) -> dict[str, Any]:
    sc: dict[str, Any] = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    sc.update(security_context)
    return {"name": name, "image": "registry.k8s.io/pause", "securityContext": sc}


def _restricted_spec(**pod_security_context: Any) -> dict[str, Any]:
    """A pod spec that passes restricted at every version: pod-level runAsNonRoot and seccomp."""
    psc: dict[str, Any] = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    psc.update(pod_security_context)
    return {
        "initContainers": [_container("init1")],
        "containers": [_container("c1"), _container("c2")],
        "securityContext": psc,
    }


def _ids(violations: list[PssViolation]) -> list[str]:
    return [v.check_id for v in violations]


def _only(violations: list[PssViolation], check_id: str) -> PssViolation:
    matching = [v for v in violations if v.check_id == check_id]
    assert len(matching) == 1, violations
    return matching[0]


# ---- pod-level securityContext covering containers ----


def test_restricted_base_pod_is_allowed_at_every_version() -> None:
    for minor in [*range(LATEST_MINOR + 1), None]:
        assert evaluate({}, _restricted_spec(), "restricted", PssVersion(minor)) == []


def test_pod_level_run_as_non_root_covers_all_containers() -> None:
    spec = _restricted_spec()
    assert all("runAsNonRoot" not in c["securityContext"] for c in spec["containers"])
    assert evaluate(None, spec, "restricted", "latest") == []


def test_missing_run_as_non_root_everywhere_names_each_container_field() -> None:
    spec = _restricted_spec()
    del spec["securityContext"]["runAsNonRoot"]
    violation = _only(evaluate(None, spec, "restricted", "latest"), "runAsNonRoot")
    assert violation.level == "restricted"
    assert violation.field_paths == (
        "spec.initContainers[0].securityContext.runAsNonRoot",
        "spec.containers[0].securityContext.runAsNonRoot",
        "spec.containers[1].securityContext.runAsNonRoot",
    )


def test_container_level_run_as_non_root_true_on_every_container_is_enough() -> None:
    spec = _restricted_spec()
    del spec["securityContext"]["runAsNonRoot"]
    for c in spec["initContainers"] + spec["containers"]:
        c["securityContext"]["runAsNonRoot"] = True
    assert evaluate(None, spec, "restricted", "latest") == []


def test_explicit_container_run_as_non_root_false_fails_despite_pod_level_true() -> None:
    spec = _restricted_spec()
    spec["containers"][1]["securityContext"]["runAsNonRoot"] = False
    violation = _only(evaluate(None, spec, "restricted", "v1.30"), "runAsNonRoot")
    assert violation.field_paths == ("spec.containers[1].securityContext.runAsNonRoot",)
    assert violation.detail == 'container "c2" must not set securityContext.runAsNonRoot=false'


def test_pod_level_seccomp_runtime_default_covers_containers() -> None:
    spec = _restricted_spec()
    assert all("seccompProfile" not in c["securityContext"] for c in spec["containers"])
    assert "seccompProfile_restricted" not in _ids(evaluate(None, spec, "restricted", "v1.19"))


def test_container_seccomp_unconfined_fails_despite_pod_level_runtime_default() -> None:
    spec = _restricted_spec()
    spec["initContainers"][0]["securityContext"]["seccompProfile"] = {"type": "Unconfined"}
    restricted = evaluate(None, spec, "restricted", "latest")
    violation = _only(restricted, "seccompProfile_restricted")
    assert violation.field_paths == ("spec.initContainers[0].securityContext.seccompProfile.type",)
    # Baseline forbids Unconfined too; at restricted the restricted check overrides the baseline one.
    assert "seccompProfile_baseline" not in _ids(restricted)
    assert _ids(evaluate(None, spec, "baseline", "latest")) == ["seccompProfile_baseline"]


def test_missing_seccomp_is_only_required_from_v1_19() -> None:
    spec = _restricted_spec()
    del spec["securityContext"]["seccompProfile"]
    assert "seccompProfile_restricted" not in _ids(evaluate(None, spec, "restricted", "v1.18"))
    assert "seccompProfile_restricted" in _ids(evaluate(None, spec, "restricted", "v1.19"))


def test_seccomp_alpha_annotations_before_v1_19() -> None:
    metadata = {"annotations": {"container.seccomp.security.alpha.kubernetes.io/c1": "unconfined"}}
    violation = _only(evaluate(metadata, _restricted_spec(), "baseline", "v1.18"), "seccompProfile_baseline")
    assert violation.field_paths == (
        "metadata.annotations[container.seccomp.security.alpha.kubernetes.io/c1]",
    )
    assert evaluate(metadata, _restricted_spec(), "baseline", "v1.19") == []


# ---- exact field paths ----


def test_allow_privilege_escalation_field_path() -> None:
    spec = _restricted_spec()
    del spec["containers"][0]["securityContext"]["allowPrivilegeEscalation"]
    violation = _only(evaluate(None, spec, "restricted", "latest"), "allowPrivilegeEscalation")
    assert violation.field_paths == ("spec.containers[0].securityContext.allowPrivilegeEscalation",)
    assert violation.detail == 'container "c1" must set securityContext.allowPrivilegeEscalation=false'


def test_baseline_field_paths() -> None:
    spec: dict[str, Any] = {
        "hostNetwork": True,
        "hostPID": False,
        "containers": [
            {"name": "a", "ports": [{"containerPort": 80}, {"containerPort": 81, "hostPort": 81}]},
            {"name": "b", "securityContext": {"privileged": True, "capabilities": {"add": ["SYS_ADMIN"]}}},
        ],
        "ephemeralContainers": [{"name": "debug", "securityContext": {"procMount": "Unmasked"}}],
        "volumes": [{"name": "ok", "emptyDir": {}}, {"name": "host", "hostPath": {"path": "/"}}],
        "securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]},
    }
    metadata = {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "unconfined"}}
    paths = {v.check_id: v.field_paths for v in evaluate(metadata, spec, "baseline", "latest")}
    assert paths == {
        "appArmorProfile": ("metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]",),
        "capabilities_baseline": ("spec.containers[1].securityContext.capabilities.add",),
        "hostNamespaces": ("spec.hostNetwork",),
        "hostPathVolumes": ("spec.volumes[1].hostPath",),
        "hostPorts": ("spec.containers[0].ports[1].hostPort",),
        "privileged": ("spec.containers[1].securityContext.privileged",),
        "procMount": ("spec.ephemeralContainers[0].securityContext.procMount",),
        "sysctls": ("spec.securityContext.sysctls[0].name",),
    }
    host_ns = _only(evaluate(metadata, spec, "baseline", "latest"), "hostNamespaces")
    assert host_ns.detail == "host namespaces (hostNetwork=true)"
    assert host_ns.level == "baseline"


def test_restricted_level_reports_baseline_checks_with_baseline_level() -> None:
    spec = _restricted_spec()
    spec["hostIPC"] = True
    violation = _only(evaluate(None, spec, "restricted", "latest"), "hostNamespaces")
    assert violation.level == "baseline"


# ---- version gating ----


def test_run_as_user_zero_allowed_at_v1_22_denied_at_v1_23() -> None:
    spec = _restricted_spec(runAsUser=0)
    assert evaluate(None, spec, "restricted", "v1.22") == []
    violation = _only(evaluate(None, spec, "restricted", "v1.23"), "runAsUser")
    assert violation.field_paths == ("spec.securityContext.runAsUser",)


def test_host_users_false_relaxes_run_as_user_and_non_root_from_v1_35() -> None:
    spec = _restricted_spec(runAsUser=0, runAsNonRoot=False)
    spec["hostUsers"] = False
    assert set(_ids(evaluate(None, spec, "restricted", "v1.34"))) == {"runAsNonRoot", "runAsUser"}
    assert evaluate(None, spec, "restricted", "v1.35") == []


def test_proc_mount_relaxed_for_user_namespaces_at_baseline_only() -> None:
    spec = _restricted_spec()
    spec["hostUsers"] = False
    spec["containers"][0]["securityContext"]["procMount"] = "Unmasked"
    assert _ids(evaluate(None, spec, "baseline", "v1.34")) == ["procMount"]
    assert evaluate(None, spec, "baseline", "v1.35") == []
    assert _ids(evaluate(None, spec, "restricted", "v1.35")) == ["procMount_restricted"]


def test_windows_pods_exempt_from_linux_only_restricted_checks_from_v1_25() -> None:
    spec: dict[str, Any] = {
        "os": {"name": "windows"},
        "securityContext": {"runAsNonRoot": True},
        "containers": [{"name": "c1", "image": "x"}],
    }
    assert set(_ids(evaluate(None, spec, "restricted", "v1.24"))) == {
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "seccompProfile_restricted",
    }
    assert evaluate(None, spec, "restricted", "v1.25") == []


def test_capabilities_restricted_from_v1_22() -> None:
    spec = _restricted_spec()
    spec["containers"][0]["securityContext"]["capabilities"] = {"add": ["NET_BIND_SERVICE"]}
    assert evaluate(None, spec, "restricted", "v1.21") == []
    violation = _only(evaluate(None, spec, "restricted", "v1.22"), "capabilities_restricted")
    assert violation.field_paths == ("spec.containers[0].securityContext.capabilities.drop",)


def test_sysctl_allowed_list_grows() -> None:
    spec = {"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_rmem", "value": "4096 87380 16777216"}]}}
    assert _ids(evaluate(None, spec, "baseline", "v1.31")) == ["sysctls"]
    assert evaluate(None, spec, "baseline", "v1.32") == []


def test_selinux_container_engine_t_from_v1_31() -> None:
    spec = {
        "containers": [{"name": "c", "securityContext": {"seLinuxOptions": {"type": "container_engine_t"}}}]
    }
    violation = _only(evaluate(None, spec, "baseline", "v1.30"), "seLinuxOptions")
    assert violation.field_paths == ("spec.containers[0].securityContext.seLinuxOptions.type",)
    assert evaluate(None, spec, "baseline", "v1.31") == []


def test_host_probes_from_v1_34() -> None:
    spec = {"containers": [{"name": "c", "livenessProbe": {"httpGet": {"host": "10.0.0.1", "port": 80}}}]}
    assert evaluate(None, spec, "baseline", "v1.33") == []
    violation = _only(evaluate(None, spec, "baseline", "v1.34"), "hostProbesAndHostLifecycle")
    assert violation.field_paths == ("spec.containers[0].livenessProbe.httpGet.host",)


def test_future_versions_behave_like_latest() -> None:
    spec = _restricted_spec(runAsUser=0)
    assert evaluate(None, spec, "restricted", "v1.99") == evaluate(None, spec, "restricted", "latest")


def test_privileged_level_allows_everything() -> None:
    assert evaluate(None, {"hostNetwork": True, "containers": [{"name": "c"}]}, "privileged", "latest") == []


def test_invalid_level_raises() -> None:
    with pytest.raises(ValueError):
        evaluate(None, {}, "Restricted", "latest")
    assert LEVELS == ("privileged", "baseline", "restricted")


# ---- PssVersion ----


@pytest.mark.parametrize(("text", "minor"), [("v1.25", 25), ("1.25", 25), ("v1.0", 0), ("latest", None)])
def test_version_parse(text: str, minor: int | None) -> None:
    assert PssVersion.parse(text) == PssVersion(minor)


def test_version_str() -> None:
    assert str(PssVersion(25)) == "v1.25"
    assert str(PssVersion(None)) == "latest"
    assert LATEST_MINOR == 37


@pytest.mark.parametrize("text", ["", "v2.1", "v1.", "v1.025", "Latest", "v1.x", " v1.2", "1", "v1.2.3"])
def test_version_parse_errors(text: str) -> None:
    with pytest.raises(ValueError):
        PssVersion.parse(text)


# ---- pod_spec_of ----


def test_pod_spec_of_deployment_and_cronjob() -> None:
    pod_spec = _restricted_spec()
    deployment = {
        "kind": "Deployment",
        "spec": {"template": {"metadata": {"labels": {"app": "x"}}, "spec": pod_spec}},
    }
    ref = pod_spec_of(deployment)
    assert ref == PodTemplateRef({"labels": {"app": "x"}}, pod_spec, "spec.template.")
    cronjob = {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": pod_spec}}}}}
    ref = pod_spec_of(cronjob)
    assert ref is not None
    assert ref.path_prefix == "spec.jobTemplate.spec.template."
    assert ref.spec is pod_spec
    assert ref.metadata == {}


def test_pod_spec_of_other_kinds() -> None:
    pod = {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}
    assert pod_spec_of(pod) == PodTemplateRef({"name": "p"}, {"containers": []}, "")
    template = {"kind": "PodTemplate", "template": {"spec": {"containers": []}}}
    ref = pod_spec_of(template)
    assert ref is not None and ref.path_prefix == "template."
    assert pod_spec_of({"kind": "Service", "spec": {}}) is None
    assert pod_spec_of({"kind": "Deployment", "spec": {"template": "nope"}}) is None
    assert pod_spec_of({"kind": "Deployment"}) is None


# ---- garbage input ----


GARBAGE_METADATA: list[Any] = [None, [], {"annotations": "x"}, {"annotations": {1: 2, "a": None}}]
GARBAGE_SPECS: list[Any] = [
    ["not", "a", "mapping"],
    "spec",
    42,
    {"containers": "c1"},
    {"containers": [None, 3, "x", {"name": None, "securityContext": "bad"}]},
    {"containers": [{"name": "c", "securityContext": {"capabilities": {"add": "SYS_ADMIN", "drop": 5}}}]},
    {"containers": [{"name": "c", "ports": "80", "livenessProbe": [], "lifecycle": {"preStop": "x"}}]},
    {"containers": [{"name": "c", "ports": [None, {"hostPort": "80"}, {"hostPort": [1]}]}]},
    {"volumes": {"a": 1}, "securityContext": {"sysctls": [None, {"name": 5}], "seLinuxOptions": []}},
    {"volumes": [None, "x", {"name": "v", "hostPath": "/"}, {"name": "u", "fancyNewSource": {}}]},
    {"securityContext": {"runAsUser": False, "runAsNonRoot": "yes", "seccompProfile": "RuntimeDefault"}},
    {"os": "windows", "hostUsers": "false", "hostNetwork": "true"},
]


@pytest.mark.parametrize("spec", GARBAGE_SPECS)
@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_garbage_input_never_raises(spec: Any, level: str) -> None:
    before = copy.deepcopy(spec)
    for version in ["v1.0", "v1.22", "v1.25", "latest"]:
        for metadata in GARBAGE_METADATA:
            result = evaluate(metadata, spec, level, version)
            assert isinstance(result, list)
    assert spec == before  # evaluate never mutates its input


def test_garbage_values_are_not_mistaken_for_dangerous_settings() -> None:
    # runAsUser: false is not a root uid; a string "true" is not a boolean true.
    spec = _restricted_spec(runAsUser=False)
    spec["hostNetwork"] = "true"
    assert evaluate(None, spec, "restricted", "latest") == []


def test_unknown_volume_source_is_restricted_but_bare_volume_defaults_to_empty_dir() -> None:
    spec = _restricted_spec()
    spec["volumes"] = [{"name": "bare"}, {"name": "odd", "fancyNewSource": {}}]
    violation = _only(evaluate(None, spec, "restricted", "latest"), "restrictedVolumes")
    assert violation.field_paths == ("spec.volumes[1]",)
    assert "unknown" in violation.detail


def test_pod_spec_of_garbage() -> None:
    assert pod_spec_of([]) is None  # type: ignore[arg-type]
    assert pod_spec_of({"kind": "CronJob", "spec": []}) is None
