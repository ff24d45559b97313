"""Arguments: the guard's own options, and the kubectl flags the guard has to read.

Guard-only options (`--confirm NAME`, `--skip-version-check`, `--kubectl PATH`, `--lang en|ja`) are
taken out wherever they appear before kubectl's own `--`; every other argument goes to kubectl
unchanged and in order. A leading `--` (`eksguard kubectl -- apply ...`) only separates the guard's
options from kubectl's and is dropped.

kubectl's flags are read the way pflag reads them (`--flag=value`, `--flag value`, `-nvalue`,
`-n value`, `-n=value`, clusters of short booleans such as `-it`), using a table of the flags that
take a value. Nothing after kubectl's `--` (the command of `exec`/`run`) is read as a flag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class GuardUsageError(Exception):
    """A usage error in the guard's own options; `key` names the message, `params` fill it."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True, slots=True)
class GuardOptions:
    confirm: str | None = None
    kubectl: str | None = None
    lang: str | None = None
    skip_version_check: bool = False
    help: bool = False


_VALUE_OPTIONS = {"--confirm": "confirm", "--kubectl": "kubectl", "--lang": "lang"}
_FLAG_OPTIONS = {"--skip-version-check": "skip_version_check", "--guard-help": "help"}


def split_guard_options(argv: Sequence[str]) -> tuple[GuardOptions, list[str]]:
    """The guard's options and the arguments to give kubectl, in their original order."""
    values: dict[str, str] = {}
    flags: dict[str, bool] = {}
    rest: list[str] = []
    index = 0
    args = list(argv)
    while index < len(args):
        arg = args[index]
        if arg == "--":
            if not rest:  # `eksguard kubectl -- ARGS`: the separator before kubectl's arguments
                index += 1
                continue
            rest.extend(args[index:])  # kubectl's own `--` (exec/run command): pass the rest verbatim
            break
        name, eq, value = arg.partition("=")
        if name in _VALUE_OPTIONS:
            if not eq:
                if index + 1 >= len(args):
                    raise GuardUsageError("usage_missing_value", option=name)
                index += 1
                value = args[index]
            if not value:
                raise GuardUsageError("usage_missing_value", option=name)
            values[_VALUE_OPTIONS[name]] = value
        elif arg in _FLAG_OPTIONS:
            flags[_FLAG_OPTIONS[arg]] = True
        else:
            rest.append(arg)
        index += 1
    lang = values.get("lang")
    if lang is not None and lang not in ("en", "ja"):
        raise GuardUsageError("usage_bad_lang", value=lang)
    wants_help = flags.get("help", False) or rest in ([], ["-h"], ["--help"])
    return (
        GuardOptions(values.get("confirm"), values.get("kubectl"), lang,
                     flags.get("skip_version_check", False), wants_help),
        rest,
    )


# Long kubectl flags that take a value (global flags, then the common command flags). A long flag
# not listed is read as a boolean unless written `--flag=value`; `--dry-run`, `--validate` and
# `--cascade` take a value only with `=` (pflag's NoOptDefVal), so they are not listed.
LONG_VALUE_FLAGS = frozenset({
    "as", "as-group", "as-uid", "cache-dir", "certificate-authority", "client-certificate", "client-key",
    "cluster", "context", "kubeconfig", "namespace", "password", "profile", "profile-output",
    "request-timeout", "server", "tls-server-name", "token", "user", "username", "v", "vmodule",
    "log-dir", "log-file", "log-file-max-size", "log-flush-frequency", "log-backtrace-at", "stderrthreshold",
    "filename", "kustomize", "output", "selector", "field-selector", "container", "label-columns", "sort-by",
    "template", "chunk-size", "field-manager", "grace-period", "timeout", "type", "patch", "patch-file",
    "replicas", "current-replicas", "resource-version", "image", "env", "port", "target-port", "external-ip",
    "name", "protocol", "overrides", "restart", "serviceaccount", "min", "max", "cpu-percent", "to-revision",
    "from-literal", "from-file", "from-env-file", "docker-server", "docker-username", "docker-password",
    "docker-email", "cert", "key", "subresource", "for", "since", "since-time", "tail", "max-log-requests",
    "pod-running-timeout", "limits", "requests", "address", "target", "copy-to", "set-image",
    "image-pull-policy", "labels", "hostport", "session-affinity", "load-balancer-ip", "cluster-ip",
    "node-port", "tcp", "clusterrole", "role", "group", "verb", "resource", "resource-name",
    "non-resource-url", "aggregation-rule", "rule", "default-backend", "class", "hard", "scopes", "schedule",
    "from", "audience", "bound-object-kind", "bound-object-name", "bound-object-uid", "duration",
    "prune-allowlist", "prune-whitelist", "raw", "retries", "custom", "keys", "pod-selector",
})

_SHORT_TO_LONG = {
    "n": "namespace", "s": "server", "v": "v", "f": "filename", "k": "kustomize", "o": "output",
    "l": "selector", "c": "container", "L": "label-columns", "e": "env", "R": "recursive",
    "A": "all-namespaces", "i": "stdin", "t": "tty", "w": "watch", "h": "help", "q": "quiet",
}
_SHORT_VALUE = frozenset("nsvfkolcLe")


def _short(char: str, verb: str | None) -> tuple[str, bool]:
    """The long name of a short flag and whether it takes a value, for this verb."""
    if verb == "logs" and char == "f":
        return "follow", False
    if char == "p":
        if verb == "patch":
            return "patch", True
        if verb == "exec":
            return "pod", True
        return "previous", False
    return _SHORT_TO_LONG.get(char, char), char in _SHORT_VALUE


@dataclass(slots=True)
class KubectlArgs:
    """What the guard reads from kubectl's arguments."""

    args: tuple[str, ...]
    verb: str | None = None
    positionals: list[str] = field(default_factory=list)
    flags: dict[str, list[str | None]] = field(default_factory=dict)
    after_dashdash: list[str] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        """The last value given for a flag (kubectl's last-wins), or None."""
        for item in reversed(self.flags.get(name, [])):
            if item is not None:
                return item
        return None

    def values(self, name: str) -> list[str]:
        return [v for v in self.flags.get(name, []) if v is not None]

    def present(self, name: str) -> bool:
        return name in self.flags

    def boolean(self, name: str) -> bool:
        """A boolean flag: present without a value, or `=true`."""
        entries = self.flags.get(name)
        if not entries:
            return False
        last = entries[-1]
        return last is None or last.lower() in ("true", "1", "t", "yes")

    @property
    def subverb(self) -> str | None:
        return self.positionals[0] if self.positionals else None

    @property
    def dry_run(self) -> str | None:
        """`client`, `server`, or None when there is no dry run (absent, `none`, `false`)."""
        if "dry-run" not in self.flags:
            return None
        last = self.flags["dry-run"][-1]
        if last is None or last.lower() in ("true", "unchanged", "client"):
            return "client"
        if last.lower() in ("none", "false"):
            return None
        return last.lower()

    @property
    def help(self) -> bool:
        return self.boolean("help")


def parse_kubectl_args(args: Sequence[str]) -> KubectlArgs:
    parsed = KubectlArgs(tuple(args))

    def record(name: str, value: str | None) -> None:
        parsed.flags.setdefault(name, []).append(value)

    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            parsed.after_dashdash = list(args[index + 1:])
            break
        if arg.startswith("--") and len(arg) > 2:
            name, eq, value = arg[2:].partition("=")
            if eq:
                record(name, value)
            elif name in LONG_VALUE_FLAGS and index + 1 < len(args):
                index += 1
                record(name, args[index])
            else:
                record(name, None)
        elif arg.startswith("-") and len(arg) > 1:
            chars = arg[1:]
            position = 0
            while position < len(chars):
                name, takes_value = _short(chars[position], parsed.verb)
                if takes_value:
                    value = chars[position + 1:]
                    value = value.removeprefix("=")
                    if not value and index + 1 < len(args):
                        index += 1
                        value = args[index]
                    record(name, value or None)
                    break
                record(name, None)
                position += 1
        elif parsed.verb is None:
            parsed.verb = arg
        else:
            parsed.positionals.append(arg)
        index += 1
    return parsed
