"""Pod Security Standards evaluator, faithful to upstream Pod Security Admission.

Upstream is `k8s.io/pod-security-admission` (repository kubernetes/pod-security-admission,
`policy/check_*.go` and `policy/registry.go`). This module re-implements every check in Python and
reproduces upstream's version selection:

* a check applies from the minimum version of its first implementation; for a requested version the
  newest implementation whose minimum version is <= that version runs;
* versions newer than the newest implementation (and "latest") run the newest implementations;
* the restricted level runs every restricted check plus every baseline check, except baseline checks
  that a restricted implementation *overrides* at that version (policy/registry.go `populate`);
* checks run in upstream's order: baseline ids sorted, then restricted ids sorted.

One deliberate step outside the check functions: the API server applies defaults before admission, and
a volume without any source is defaulted to `emptyDir` (so the upstream fixture `restrictedvolumes0` with
a bare `- name: volume0` passes). We evaluate raw manifests, so the restricted-volumes check does the same.

Input is plain parsed YAML/JSON. Wrongly typed values (which the API server would refuse to decode) never
raise: a field counts as "set" when it is present and not null, booleans count only when they are real
booleans, and text fields are compared as strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = [
    "LATEST_MINOR",
    "LEVELS",
    "WORKLOAD_KINDS",
    "PodTemplateRef",
    "PssVersion",
    "PssViolation",
    "evaluate",
    "pod_spec_of",
]

LEVELS = ("privileged", "baseline", "restricted")
_BASELINE = "baseline"
_RESTRICTED = "restricted"

_EMPTY: Mapping[str, Any] = {}


# --------------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------------

# upstream: api/helpers.go ParseVersion accepts `^v1\.([0-9]|[1-9][0-9]*)$` or "latest"; we also accept
# the same without the leading "v".
_VERSION_RE = re.compile(r"v?1\.(0|[1-9][0-9]*)")


@dataclass(frozen=True, slots=True)
class PssVersion:
    """A Pod Security Admission policy version: `v1.<minor>`, or latest when `minor` is None."""

    minor: int | None

    def __post_init__(self) -> None:
        if self.minor is not None and (type(self.minor) is not int or self.minor < 0):
            raise ValueError(f"invalid Pod Security Standards minor version: {self.minor!r}")

    @classmethod
    def parse(cls, text: str) -> PssVersion:
        """Parse "v1.25", "1.25" or "latest"; raise ValueError for anything else."""
        if not isinstance(text, str):
            raise ValueError(f"Pod Security Standards version must be a string, not {type(text).__name__}")
        if text == "latest":
            return cls(None)
        match = _VERSION_RE.fullmatch(text)
        if match is None:
            raise ValueError(f'invalid Pod Security Standards version {text!r}: must be "latest" or "v1.x"')
        return cls(int(match.group(1)))

    def __str__(self) -> str:
        return "latest" if self.minor is None else f"v1.{self.minor}"


@dataclass(frozen=True, slots=True)
class PssViolation:
    """One failed upstream check."""

    check_id: str
    level: str
    field_paths: tuple[str, ...]
    detail: str


@dataclass(frozen=True, slots=True)
class PodTemplateRef:
    """The pod metadata and PodSpec inside a workload, and the field path prefix leading to them."""

    metadata: Mapping[str, Any]
    spec: Mapping[str, Any]
    path_prefix: str


# --------------------------------------------------------------------------------------------------
# Defensive accessors for parsed YAML
# --------------------------------------------------------------------------------------------------


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


def _seq(value: object) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def _str(value: object) -> str:
    """Go decodes null into "" for string fields; anything else wrongly typed is compared by its text."""
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)


def _q(text: str) -> str:
    """Go's %q for the plain strings these messages carry."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _join_quote(items: Sequence[str]) -> str:
    # upstream: policy/helpers.go joinQuote
    return ", ".join(_q(i) for i in items)


def _plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _containers_phrase(names: Sequence[str]) -> str:
    return f"{_plural('container', 'containers', len(names))} {_join_quote(names)}"


# --------------------------------------------------------------------------------------------------
# A pre-digested view of one pod, built once per evaluate() call
# --------------------------------------------------------------------------------------------------


class _Container(NamedTuple):
    path: str  # "spec.initContainers[1]"
    name: str
    raw: Mapping[str, Any]
    sc: Mapping[str, Any]  # securityContext ({} when absent)


class _Pod(NamedTuple):
    annotations: Mapping[str, Any]
    spec: Mapping[str, Any]
    sc: Mapping[str, Any]  # spec.securityContext ({} when absent)
    containers: tuple[_Container, ...]


# upstream: policy/visitor.go visits initContainers, then containers, then ephemeralContainers.
_CONTAINER_FIELDS = ("initContainers", "containers", "ephemeralContainers")


def _view(metadata: object, spec: object) -> _Pod:
    pod_spec = _map(spec)
    containers: list[_Container] = []
    for field in _CONTAINER_FIELDS:
        for index, item in enumerate(_seq(pod_spec.get(field))):
            raw = _map(item)
            containers.append(
                _Container(
                    f"spec.{field}[{index}]", _str(raw.get("name")), raw, _map(raw.get("securityContext"))
                )
            )
    return _Pod(
        annotations=_map(_map(metadata).get("annotations")),
        spec=pod_spec,
        sc=_map(pod_spec.get("securityContext")),
        containers=tuple(containers),
    )


def _is_windows(pod: _Pod) -> bool:
    return _map(pod.spec.get("os")).get("name") == "windows"


def _in_user_namespace(pod: _Pod) -> bool:
    # upstream: policy/helpers.go relaxPolicyForUserNamespacePod (hostUsers explicitly false)
    return pod.spec.get("hostUsers") is False


# A check returns None when allowed, else (field paths, detail).
_Finding = tuple[tuple[str, ...], str]
_CheckFn = Callable[[_Pod], _Finding | None]


def _unless_windows(check: _CheckFn) -> _CheckFn:
    """v1.25+ variants: `spec.os.name: windows` pods are exempt (API validation forbids the Linux fields)."""

    def run(pod: _Pod) -> _Finding | None:
        return None if _is_windows(pod) else check(pod)

    return run


def _unless_user_namespace(check: _CheckFn) -> _CheckFn:
    """v1.35+ variants: pods with `hostUsers: false` run in a user namespace and are exempt."""

    def run(pod: _Pod) -> _Finding | None:
        return None if _in_user_namespace(pod) else check(pod)

    return run


# --------------------------------------------------------------------------------------------------
# Baseline checks
# --------------------------------------------------------------------------------------------------


def _host_namespaces(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_hostNamespaces.go
    bad = [key for key in ("hostNetwork", "hostPID", "hostIPC") if pod.spec.get(key) is True]
    if not bad:
        return None
    # upstream's forbidden reason, then its detail: "host namespaces (hostNetwork=true)"
    return tuple(f"spec.{key}" for key in bad), "host namespaces (" + ", ".join(f"{key}=true" for key in bad) + ")"


def _privileged(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_privileged.go
    bad = [c for c in pod.containers if c.sc.get("privileged") is True]
    if not bad:
        return None
    paths = tuple(f"{c.path}.securityContext.privileged" for c in bad)
    return paths, f"{_containers_phrase([c.name for c in bad])} must not set securityContext.privileged=true"


# upstream: policy/check_capabilities_baseline.go capabilities_allowed_1_0
_BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
        "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    }
)  # fmt: skip


def _capabilities_baseline(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_capabilities_baseline.go
    paths: list[str] = []
    names: list[str] = []
    forbidden: set[str] = set()
    for c in pod.containers:
        added = [_str(cap) for cap in _seq(_map(c.sc.get("capabilities")).get("add"))]
        bad = [cap for cap in added if cap not in _BASELINE_CAPABILITIES]
        if bad:
            forbidden.update(bad)
            names.append(c.name)
            paths.append(f"{c.path}.securityContext.capabilities.add")
    if not paths:
        return None
    detail = f"{_containers_phrase(names)} must not include {_join_quote(sorted(forbidden))} in securityContext.capabilities.add"
    return tuple(paths), detail


def _host_path_volumes(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_hostPathVolumes.go
    paths: list[str] = []
    names: list[str] = []
    for index, item in enumerate(_seq(pod.spec.get("volumes"))):
        volume = _map(item)
        if volume.get("hostPath") is not None:
            paths.append(f"spec.volumes[{index}].hostPath")
            names.append(_str(volume.get("name")))
    if not paths:
        return None
    return tuple(paths), f"hostPath volumes ({_plural('volume', 'volumes', len(names))} {_join_quote(names)})"


def _host_ports(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_hostPorts.go (hostPort unset or 0)
    paths: list[str] = []
    names: list[str] = []
    ports: set[str] = set()
    for c in pod.containers:
        bad = False
        for index, item in enumerate(_seq(c.raw.get("ports"))):
            host_port = _map(item).get("hostPort")
            if host_port is not None and host_port != 0:
                bad = True
                ports.add(_str(host_port))
                paths.append(f"{c.path}.ports[{index}].hostPort")
        if bad:
            names.append(c.name)
    if not paths:
        return None
    detail = (
        f"{_containers_phrase(names)} {_plural('uses', 'use', len(names))} "
        f"{_plural('hostPort', 'hostPorts', len(ports))} {', '.join(sorted(ports))}"
    )
    return tuple(paths), detail


_APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
_APPARMOR_TYPES = frozenset({"RuntimeDefault", "Localhost"})


def _apparmor_annotation_allowed(value: str) -> bool:
    return value in ("", "runtime/default") or value.startswith("localhost/")


def _apparmor_profile(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_appArmorProfile.go (securityContext field and the deprecated beta annotations)
    paths: list[str] = []
    setters: list[str] = []
    bad_values: set[str] = set()
    profile = pod.sc.get("appArmorProfile")
    if profile is not None:
        profile_type = _str(_map(profile).get("type"))
        if profile_type not in _APPARMOR_TYPES:
            paths.append("spec.securityContext.appArmorProfile.type")
            setters.append("pod")
            bad_values.add(profile_type)
    names: list[str] = []
    for c in pod.containers:
        profile = c.sc.get("appArmorProfile")
        if profile is not None:
            profile_type = _str(_map(profile).get("type"))
            if profile_type not in _APPARMOR_TYPES:
                paths.append(f"{c.path}.securityContext.appArmorProfile.type")
                names.append(c.name)
                bad_values.add(profile_type)
    if names:
        setters.append(_containers_phrase(names))
    values = sorted(bad_values)
    annotations: list[str] = []
    for key, value in pod.annotations.items():
        if isinstance(key, str) and key.startswith(_APPARMOR_ANNOTATION_PREFIX):
            text = _str(value)
            if not _apparmor_annotation_allowed(text):
                annotations.append(key)
    if annotations:
        annotations.sort()
        paths.extend(f"metadata.annotations[{key}]" for key in annotations)
        values.extend(f"{key}={_q(_str(pod.annotations[key]))}" for key in annotations)
        setters.append(_plural("annotation", "annotations", len(annotations)))
    if not setters:
        return None
    detail = f"{' and '.join(setters)} must not set AppArmor profile type to {_join_quote(values)}"
    return tuple(paths), detail


# upstream: policy/check_seLinuxOptions.go selinuxAllowedTypes1_0 / selinuxAllowedTypes1_31
_SELINUX_TYPES_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
_SELINUX_TYPES_1_31 = _SELINUX_TYPES_1_0 | {"container_engine_t"}


def _selinux_options(pod: _Pod, allowed_types: frozenset[str]) -> _Finding | None:
    # upstream: policy/check_seLinuxOptions.go (type from an allowed list; user and role must be empty)
    paths: list[str] = []
    bad_types: set[str] = set()
    set_user = set_role = False

    def bad_fields(options: Mapping[str, Any], prefix: str) -> bool:
        nonlocal set_user, set_role
        start = len(paths)
        selinux_type = _str(options.get("type"))
        if selinux_type not in allowed_types:
            bad_types.add(selinux_type)
            paths.append(f"{prefix}.type")
        if _str(options.get("user")):
            set_user = True
            paths.append(f"{prefix}.user")
        if _str(options.get("role")):
            set_role = True
            paths.append(f"{prefix}.role")
        return len(paths) > start

    setters: list[str] = []
    options = pod.sc.get("seLinuxOptions")
    if options is not None and bad_fields(_map(options), "spec.securityContext.seLinuxOptions"):
        setters.append("pod")
    names: list[str] = []
    for c in pod.containers:
        options = c.sc.get("seLinuxOptions")
        if options is not None and bad_fields(_map(options), f"{c.path}.securityContext.seLinuxOptions"):
            names.append(c.name)
    if names:
        setters.append(_containers_phrase(names))
    if not setters:
        return None
    data: list[str] = []
    if bad_types:
        data.append(f"{_plural('type', 'types', len(bad_types))} {_join_quote(sorted(bad_types))}")
    if set_user:
        data.append("user may not be set")
    if set_role:
        data.append("role may not be set")
    detail = f"{' and '.join(setters)} set forbidden securityContext.seLinuxOptions: {'; '.join(data)}"
    return tuple(paths), detail


def _selinux_options_1_0(pod: _Pod) -> _Finding | None:
    return _selinux_options(pod, _SELINUX_TYPES_1_0)


def _selinux_options_1_31(pod: _Pod) -> _Finding | None:
    # v1.31 added container_engine_t to the allowed types.
    return _selinux_options(pod, _SELINUX_TYPES_1_31)


def _proc_mount(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_procMount_baseline.go procMount_1_0 (also procMount_restricted at v1.35+)
    paths: list[str] = []
    names: list[str] = []
    bad_types: set[str] = set()
    for c in pod.containers:
        proc_mount = c.sc.get("procMount")
        if proc_mount is not None and proc_mount != "Default":
            paths.append(f"{c.path}.securityContext.procMount")
            names.append(c.name)
            bad_types.add(_str(proc_mount))
    if not paths:
        return None
    detail = f"{_containers_phrase(names)} must not set securityContext.procMount to {_join_quote(sorted(bad_types))}"
    return tuple(paths), detail


_SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
_SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
_SECCOMP_TYPES = frozenset({"RuntimeDefault", "Localhost"})


def _seccomp_annotation_allowed(value: object) -> bool:
    text = _str(value)
    return text in ("runtime/default", "docker/default") or text.startswith("localhost/")


def _seccomp_baseline_1_0(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_seccompProfile_baseline.go seccompProfileBaseline_1_0 (alpha annotations,
    # before the securityContext.seccompProfile field existed)
    keys = [_SECCOMP_POD_ANNOTATION]
    keys.extend(_SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name for c in pod.containers)
    forbidden: dict[str, str] = {}
    for key in keys:
        if key in pod.annotations and not _seccomp_annotation_allowed(pod.annotations[key]):
            forbidden[key] = f"{key}={_q(_str(pod.annotations[key]))}"
    if not forbidden:
        return None
    ordered = sorted(forbidden)
    detail = (
        f"forbidden {_plural('annotation', 'annotations', len(ordered))} "
        f"{', '.join(forbidden[key] for key in ordered)}"
    )
    return tuple(f"metadata.annotations[{key}]" for key in ordered), detail


def _seccomp_explicit(pod: _Pod) -> tuple[list[str], list[str], set[str], bool]:
    """Explicitly bad seccompProfile settings: (paths, setters, bad types, pod sets a valid profile)."""
    paths: list[str] = []
    setters: list[str] = []
    bad_types: set[str] = set()
    pod_valid = False
    profile = pod.sc.get("seccompProfile")
    if profile is not None:
        profile_type = _str(_map(profile).get("type"))
        if profile_type in _SECCOMP_TYPES:
            pod_valid = True
        else:
            paths.append("spec.securityContext.seccompProfile.type")
            setters.append("pod")
            bad_types.add(profile_type)
    names: list[str] = []
    for c in pod.containers:
        profile = c.sc.get("seccompProfile")
        if profile is not None:
            profile_type = _str(_map(profile).get("type"))
            if profile_type not in _SECCOMP_TYPES:
                paths.append(f"{c.path}.securityContext.seccompProfile.type")
                names.append(c.name)
                bad_types.add(profile_type)
    if names:
        setters.append(_containers_phrase(names))
    return paths, setters, bad_types, pod_valid


def _seccomp_bad_detail(setters: list[str], bad_types: set[str]) -> str:
    return (
        f"{' and '.join(setters)} must not set securityContext.seccompProfile.type to "
        f"{_join_quote(sorted(bad_types))}"
    )


def _seccomp_baseline_1_19(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_seccompProfile_baseline.go seccompProfileBaseline_1_19 (no Unconfined)
    paths, setters, bad_types, _ = _seccomp_explicit(pod)
    if not setters:
        return None
    return tuple(paths), _seccomp_bad_detail(setters, bad_types)


# upstream: policy/check_sysctls.go; the allowed "safe" set grew over time.
_SYSCTLS_1_0 = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    }
)
_SYSCTLS_1_27 = _SYSCTLS_1_0 | {"net.ipv4.ip_local_reserved_ports"}
_SYSCTLS_1_29 = _SYSCTLS_1_27 | {
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
_SYSCTLS_1_32 = _SYSCTLS_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}
_SYSCTLS_1_37 = _SYSCTLS_1_32 | {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}


def _sysctls(pod: _Pod, allowed: frozenset[str]) -> _Finding | None:
    # upstream: policy/check_sysctls.go
    paths: list[str] = []
    names: list[str] = []
    for index, item in enumerate(_seq(pod.sc.get("sysctls"))):
        name = _str(_map(item).get("name"))
        if name not in allowed:
            paths.append(f"spec.securityContext.sysctls[{index}].name")
            names.append(name)
    if not paths:
        return None
    return tuple(paths), f"forbidden sysctls ({', '.join(names)})"


def _sysctls_1_0(pod: _Pod) -> _Finding | None:
    return _sysctls(pod, _SYSCTLS_1_0)


def _sysctls_1_27(pod: _Pod) -> _Finding | None:
    return _sysctls(pod, _SYSCTLS_1_27)


def _sysctls_1_29(pod: _Pod) -> _Finding | None:
    return _sysctls(pod, _SYSCTLS_1_29)


def _sysctls_1_32(pod: _Pod) -> _Finding | None:
    return _sysctls(pod, _SYSCTLS_1_32)


def _sysctls_1_37(pod: _Pod) -> _Finding | None:
    return _sysctls(pod, _SYSCTLS_1_37)


def _windows_host_process(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_windowsHostProcess.go
    paths: list[str] = []
    setters: list[str] = []
    if _map(pod.sc.get("windowsOptions")).get("hostProcess") is True:
        paths.append("spec.securityContext.windowsOptions.hostProcess")
        setters.append("pod")
    names: list[str] = []
    for c in pod.containers:
        if _map(c.sc.get("windowsOptions")).get("hostProcess") is True:
            paths.append(f"{c.path}.securityContext.windowsOptions.hostProcess")
            names.append(c.name)
    if names:
        setters.append(_containers_phrase(names))
    if not setters:
        return None
    detail = f"{' and '.join(setters)} must not set securityContext.windowsOptions.hostProcess=true"
    return tuple(paths), detail


_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_LIFECYCLE_HANDLERS = ("postStart", "preStop")
_HANDLER_ACTIONS = ("httpGet", "tcpSocket")


def _host_probes_and_host_lifecycle(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_hostProbesAndhostLifecycle.go (v1.34+): probe and lifecycle handler
    # `host` must be empty, else the kubelet can be used to reach arbitrary hosts.
    paths: list[str] = []
    names: list[str] = []
    hosts: set[str] = set()
    for c in pod.containers:
        before = len(paths)
        handlers = [(f"{c.path}.{probe}", c.raw.get(probe)) for probe in _PROBES]
        lifecycle = _map(c.raw.get("lifecycle"))
        handlers.extend((f"{c.path}.lifecycle.{hook}", lifecycle.get(hook)) for hook in _LIFECYCLE_HANDLERS)
        for prefix, handler in handlers:
            if handler is None:
                continue
            for action in _HANDLER_ACTIONS:
                host = _str(_map(_map(handler).get(action)).get("host"))
                if host:
                    hosts.add(host)
                    paths.append(f"{prefix}.{action}.host")
        if len(paths) > before and c.name not in names:
            names.append(c.name)
    if not paths:
        return None
    names.sort()
    detail = (
        f"{_containers_phrase(names)} {_plural('uses', 'use', len(names))} "
        f"{_plural('probe or lifecycle host', 'probe or lifecycle hosts', len(hosts))} {_join_quote(sorted(hosts))}"
    )
    return tuple(paths), detail


# --------------------------------------------------------------------------------------------------
# Restricted checks
# --------------------------------------------------------------------------------------------------

# upstream: policy/check_restrictedVolumes.go. Allowed sources first: as in upstream's switch, a volume
# naming any allowed source passes. Forbidden sources are listed in upstream's order of reporting.
_ALLOWED_VOLUME_SOURCES = (
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim",
    "projected", "secret",
)  # fmt: skip
_FORBIDDEN_VOLUME_SOURCES = (
    "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs",
    "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte",
    "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
)  # fmt: skip


def _restricted_volumes(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_restrictedVolumes.go
    paths: list[str] = []
    names: list[str] = []
    bad_types: set[str] = set()
    for index, item in enumerate(_seq(pod.spec.get("volumes"))):
        volume = _map(item)
        if any(volume.get(source) is not None for source in _ALLOWED_VOLUME_SOURCES):
            continue
        forbidden = next((s for s in _FORBIDDEN_VOLUME_SOURCES if volume.get(s) is not None), None)
        if forbidden is not None:
            paths.append(f"spec.volumes[{index}].{forbidden}")
            bad_types.add(forbidden)
        elif any(value is not None for key, value in volume.items() if key != "name"):
            # A source upstream does not know: reported as "unknown" there too.
            paths.append(f"spec.volumes[{index}]")
            bad_types.add("unknown")
        else:
            # No source at all: the API server defaults the volume to emptyDir before admission.
            continue
        names.append(_str(volume.get("name")))
    if not paths:
        return None
    detail = (
        f"{_plural('volume', 'volumes', len(names))} {_join_quote(names)} {_plural('uses', 'use', len(names))} "
        f"{_plural('restricted volume type', 'restricted volume types', len(bad_types))} "
        f"{_join_quote(sorted(bad_types))}"
    )
    return tuple(paths), detail


def _allow_privilege_escalation(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_allowPrivilegeEscalation.go (every container must set it to false)
    bad = [c for c in pod.containers if c.sc.get("allowPrivilegeEscalation") is not False]
    if not bad:
        return None
    paths = tuple(f"{c.path}.securityContext.allowPrivilegeEscalation" for c in bad)
    detail = (
        f"{_containers_phrase([c.name for c in bad])} must set securityContext.allowPrivilegeEscalation=false"
    )
    return paths, detail


def _run_as_non_root(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_runAsNonRoot.go runAsNonRoot1_0. The pod-level true covers containers that
    # leave it unset; an explicit false anywhere fails.
    paths: list[str] = []
    setters: list[str] = []
    pod_value = pod.sc.get("runAsNonRoot")
    if pod_value is not None and pod_value is not True:
        paths.append("spec.securityContext.runAsNonRoot")
        setters.append("pod")
    pod_true = pod_value is True
    explicit: list[str] = []
    implicit: list[_Container] = []
    for c in pod.containers:
        value = c.sc.get("runAsNonRoot")
        if value is None:
            if not pod_true:
                implicit.append(c)
        elif value is not True:
            explicit.append(c.name)
            paths.append(f"{c.path}.securityContext.runAsNonRoot")
    if explicit:
        setters.append(_containers_phrase(explicit))
    if setters:
        return tuple(paths), f"{' and '.join(setters)} must not set securityContext.runAsNonRoot=false"
    if implicit:
        detail = f"pod or {_containers_phrase([c.name for c in implicit])} must set securityContext.runAsNonRoot=true"
        return tuple(f"{c.path}.securityContext.runAsNonRoot" for c in implicit), detail
    return None


def _is_zero(value: object) -> bool:
    return value == 0 and not isinstance(value, bool)


def _run_as_user(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_runAsUser.go runAsUser1_23 (an explicit runAsUser=0 anywhere fails)
    paths: list[str] = []
    setters: list[str] = []
    if _is_zero(pod.sc.get("runAsUser")):
        paths.append("spec.securityContext.runAsUser")
        setters.append("pod")
    names: list[str] = []
    for c in pod.containers:
        if _is_zero(c.sc.get("runAsUser")):
            paths.append(f"{c.path}.securityContext.runAsUser")
            names.append(c.name)
    if names:
        setters.append(_containers_phrase(names))
    if not setters:
        return None
    return tuple(paths), f"{' and '.join(setters)} must not set runAsUser=0"


def _seccomp_restricted(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_seccompProfile_restricted.go seccompProfileRestricted_1_19: RuntimeDefault or
    # Localhost at pod level or on every container; explicit bad values are reported first.
    paths, setters, bad_types, pod_valid = _seccomp_explicit(pod)
    if setters:
        return tuple(paths), _seccomp_bad_detail(setters, bad_types)
    if pod_valid:
        return None
    implicit = [c for c in pod.containers if c.sc.get("seccompProfile") is None]
    if not implicit:
        return None
    detail = (
        f"pod or {_containers_phrase([c.name for c in implicit])} must set securityContext.seccompProfile.type "
        f'to "RuntimeDefault" or "Localhost"'
    )
    return tuple(f"{c.path}.securityContext.seccompProfile.type" for c in implicit), detail


def _capabilities_restricted(pod: _Pod) -> _Finding | None:
    # upstream: policy/check_capabilities_restricted.go capabilitiesRestricted_1_22: drop must contain
    # "ALL" and add may only contain NET_BIND_SERVICE.
    missing_drop: list[_Container] = []
    adding: list[_Container] = []
    forbidden: set[str] = set()
    for c in pod.containers:
        capabilities = c.sc.get("capabilities")
        if capabilities is None:
            missing_drop.append(c)
            continue
        caps = _map(capabilities)
        if not any(_str(cap) == "ALL" for cap in _seq(caps.get("drop"))):
            missing_drop.append(c)
        bad = {_str(cap) for cap in _seq(caps.get("add"))} - {"NET_BIND_SERVICE"}
        if bad:
            forbidden.update(bad)
            adding.append(c)
    if not missing_drop and not adding:
        return None
    paths: list[str] = []
    details: list[str] = []
    if missing_drop:
        paths.extend(f"{c.path}.securityContext.capabilities.drop" for c in missing_drop)
        details.append(
            f"{_containers_phrase([c.name for c in missing_drop])} "
            'must set securityContext.capabilities.drop=["ALL"]'
        )
    if adding:
        paths.extend(f"{c.path}.securityContext.capabilities.add" for c in adding)
        details.append(
            f"{_containers_phrase([c.name for c in adding])} must not include "
            f"{_join_quote(sorted(forbidden))} in securityContext.capabilities.add"
        )
    return tuple(paths), "; ".join(details)


# --------------------------------------------------------------------------------------------------
# Registry: which implementation runs from which version (upstream: policy/check_*.go `Versions`)
# --------------------------------------------------------------------------------------------------


class _Impl(NamedTuple):
    since: int  # minimum v1 minor version
    run: _CheckFn
    overrides: tuple[str, ...] = ()  # baseline check ids this restricted implementation replaces


class _Check(NamedTuple):
    check_id: str
    level: str
    impls: tuple[_Impl, ...]  # strictly increasing `since`


_CHECKS: tuple[_Check, ...] = (
    # ---- baseline ----
    _Check("hostNamespaces", _BASELINE, (_Impl(0, _host_namespaces),)),
    _Check("privileged", _BASELINE, (_Impl(0, _privileged),)),
    _Check("capabilities_baseline", _BASELINE, (_Impl(0, _capabilities_baseline),)),
    _Check("hostPathVolumes", _BASELINE, (_Impl(0, _host_path_volumes),)),
    _Check("hostPorts", _BASELINE, (_Impl(0, _host_ports),)),
    _Check("appArmorProfile", _BASELINE, (_Impl(0, _apparmor_profile),)),
    _Check("seLinuxOptions", _BASELINE, (_Impl(0, _selinux_options_1_0), _Impl(31, _selinux_options_1_31))),
    # v1.35: any procMount is fine in a user namespace (the restricted level keeps the strict form).
    _Check("procMount", _BASELINE, (_Impl(0, _proc_mount), _Impl(35, _unless_user_namespace(_proc_mount)))),
    # Before v1.19 only the alpha annotations existed; from v1.19 the securityContext field.
    _Check(
        "seccompProfile_baseline",
        _BASELINE,
        (_Impl(0, _seccomp_baseline_1_0), _Impl(19, _seccomp_baseline_1_19)),
    ),
    _Check(
        "sysctls",
        _BASELINE,
        (
            _Impl(0, _sysctls_1_0),
            _Impl(27, _sysctls_1_27),
            _Impl(29, _sysctls_1_29),
            _Impl(32, _sysctls_1_32),
            _Impl(37, _sysctls_1_37),
        ),
    ),
    _Check("windowsHostProcess", _BASELINE, (_Impl(0, _windows_host_process),)),
    _Check("hostProbesAndHostLifecycle", _BASELINE, (_Impl(34, _host_probes_and_host_lifecycle),)),
    # ---- restricted ----
    _Check("restrictedVolumes", _RESTRICTED, (_Impl(0, _restricted_volumes, ("hostPathVolumes",)),)),
    # The field appeared in Kubernetes 1.8; Windows pods are exempt from v1.25.
    _Check(
        "allowPrivilegeEscalation",
        _RESTRICTED,
        (_Impl(8, _allow_privilege_escalation), _Impl(25, _unless_windows(_allow_privilege_escalation))),
    ),
    # v1.35: user-namespaced pods (hostUsers: false) may run as root inside their namespace.
    _Check(
        "runAsNonRoot",
        _RESTRICTED,
        (_Impl(0, _run_as_non_root), _Impl(35, _unless_user_namespace(_run_as_non_root))),
    ),
    _Check(
        "runAsUser", _RESTRICTED, (_Impl(23, _run_as_user), _Impl(35, _unless_user_namespace(_run_as_user)))
    ),
    _Check(
        "seccompProfile_restricted",
        _RESTRICTED,
        (
            _Impl(19, _seccomp_restricted, ("seccompProfile_baseline",)),
            _Impl(25, _unless_windows(_seccomp_restricted), ("seccompProfile_baseline",)),
        ),
    ),
    _Check(
        "capabilities_restricted",
        _RESTRICTED,
        (
            _Impl(22, _capabilities_restricted, ("capabilities_baseline",)),
            _Impl(25, _unless_windows(_capabilities_restricted), ("capabilities_baseline",)),
        ),
    ),
    # v1.35: keeps the unconditional procMount rule at restricted while baseline relaxes it.
    _Check("procMount_restricted", _RESTRICTED, (_Impl(35, _proc_mount, ("procMount",)),)),
)

# Newest version any check changes at; upstream clamps newer versions and "latest" to it.
LATEST_MINOR: int = max(impl.since for check in _CHECKS for impl in check.impls)


class _Step(NamedTuple):
    check_id: str
    level: str
    run: _CheckFn


def _impl_at(check: _Check, minor: int) -> _Impl | None:
    chosen = None
    for impl in check.impls:
        if impl.since <= minor:
            chosen = impl
    return chosen


def _build_plans() -> dict[tuple[str, int], tuple[_Step, ...]]:
    # upstream: policy/registry.go populate. Order: baseline ids sorted, then restricted ids sorted.
    ordered = sorted((c for c in _CHECKS if c.level == _BASELINE), key=lambda c: c.check_id)
    ordered += sorted((c for c in _CHECKS if c.level == _RESTRICTED), key=lambda c: c.check_id)
    plans: dict[tuple[str, int], tuple[_Step, ...]] = {}
    for minor in range(LATEST_MINOR + 1):
        active = [(c, impl) for c in ordered if (impl := _impl_at(c, minor)) is not None]
        overridden = {oid for c, impl in active if c.level == _RESTRICTED for oid in impl.overrides}
        plans[(_BASELINE, minor)] = tuple(
            _Step(c.check_id, c.level, impl.run) for c, impl in active if c.level == _BASELINE
        )
        plans[(_RESTRICTED, minor)] = tuple(
            _Step(c.check_id, c.level, impl.run)
            for c, impl in active
            if c.level == _RESTRICTED or c.check_id not in overridden
        )
    return plans


_PLANS = _build_plans()


# --------------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------------


def evaluate(
    metadata: Mapping[str, Any] | None,
    spec: Mapping[str, Any] | None,
    level: str,
    version: PssVersion | str,
) -> list[PssViolation]:
    """All violations of `level` (baseline checks included for restricted) at `version` for a pod with
    this metadata and PodSpec. Empty list = allowed. Field paths are relative to the pod."""
    if level not in LEVELS:
        raise ValueError(
            f"invalid Pod Security Standards level {level!r}: must be one of {', '.join(LEVELS)}"
        )
    parsed = version if isinstance(version, PssVersion) else PssVersion.parse(version)
    if level == "privileged":
        return []
    minor = LATEST_MINOR if parsed.minor is None else min(parsed.minor, LATEST_MINOR)
    pod = _view(metadata, spec)
    violations: list[PssViolation] = []
    for step in _PLANS[(level, minor)]:
        finding = step.run(pod)
        if finding is not None:
            violations.append(PssViolation(step.check_id, step.level, finding[0], finding[1]))
    return violations


# Workload kinds whose pod template sits at spec.template.
_TEMPLATE_KINDS = frozenset(
    {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"}
)
# Every kind `pod_spec_of` finds a pod template in.
WORKLOAD_KINDS = tuple(sorted(_TEMPLATE_KINDS | {"Pod", "CronJob", "PodTemplate"}))


def pod_spec_of(obj: Mapping[str, Any]) -> PodTemplateRef | None:
    """The pod metadata, PodSpec and field path prefix of a Pod or pod-creating object; None otherwise."""
    if not isinstance(obj, Mapping):
        return None
    kind = obj.get("kind")
    if kind == "Pod":
        holder: object = obj
        prefix = ""
    elif kind in _TEMPLATE_KINDS:
        holder = _map(obj.get("spec")).get("template")
        prefix = "spec.template."
    elif kind == "CronJob":
        holder = _map(_map(_map(obj.get("spec")).get("jobTemplate")).get("spec")).get("template")
        prefix = "spec.jobTemplate.spec.template."
    elif kind == "PodTemplate":
        holder = obj.get("template")
        prefix = "template."
    else:
        return None
    if not isinstance(holder, Mapping):
        return None
    spec = holder.get("spec")
    if not isinstance(spec, Mapping):
        return None
    return PodTemplateRef(_map(holder.get("metadata")), spec, prefix)
