"""Which kubectl commands change the cluster.

Reads are never blocked. A mutating verb with `--dry-run` (any value except `none`/`false`) is a
read, and so is `diff`. A verb the guard does not know (a plugin, `alpha ...`) counts as mutating:
the guard fails safe, and read-only plugins can be run with plain kubectl.
"""

from __future__ import annotations

from dataclasses import dataclass

from eksguard.guard.argv import KubectlArgs

READ_VERBS = frozenset({
    "get", "describe", "logs", "top", "explain", "api-resources", "api-versions", "version", "cluster-info",
    "completion", "kustomize", "wait", "events", "diff", "port-forward", "proxy", "plugin", "options", "help",
    "config", "__complete", "__completeNoDesc",
})

MUTATING_VERBS = frozenset({
    "apply", "create", "replace", "patch", "edit", "delete", "scale", "autoscale", "rollout", "set", "label",
    "annotate", "taint", "cordon", "uncordon", "drain", "expose", "run", "cp", "exec", "attach", "debug",
    "certificate", "auth",
})

# Sub-commands of mutating verbs that only read.
READ_SUBVERBS = {
    "rollout": frozenset({"status", "history"}),
    "apply": frozenset({"view-last-applied"}),
    "auth": frozenset({"can-i", "whoami"}),
}

# Local-only commands: nothing is sent to a cluster, so there is nothing to check.
LOCAL_VERBS = frozenset({"completion", "kustomize", "config", "plugin", "options", "help",
                         "__complete", "__completeNoDesc"})


@dataclass(frozen=True, slots=True)
class Classification:
    mutating: bool
    verb: str | None
    subverb: str | None
    why: str  # short English explanation, for the audit log and `--debug` style output

    @property
    def command(self) -> str:
        return " ".join(part for part in (self.verb, self.subverb) if part) or "kubectl"


def _cp_into_pod(parsed: KubectlArgs) -> bool:
    """`kubectl cp SRC DEST` writes into a pod when DEST is `[namespace/]pod:path`."""
    if len(parsed.positionals) < 2:
        return False
    destination = parsed.positionals[-1]
    head, sep, _ = destination.partition(":")
    # A local path with a colon (`./a:b`, `/tmp/x:y`) is written with a slash before the colon.
    return bool(sep) and bool(head) and not head.startswith((".", "/", "~"))


def classify(parsed: KubectlArgs) -> Classification:
    verb = parsed.verb
    if verb is None:
        return Classification(False, None, None, "no command")
    subverb = parsed.subverb if verb in ("rollout", "apply", "auth", "set", "certificate", "create") else None
    if parsed.help:
        return Classification(False, verb, subverb, "help")
    if verb in READ_VERBS:
        return Classification(False, verb, subverb, f"read verb {verb}")
    if verb in READ_SUBVERBS and subverb in READ_SUBVERBS[verb]:
        return Classification(False, verb, subverb, f"read sub-command {verb} {subverb}")
    if verb == "cp":
        if _cp_into_pod(parsed):
            return Classification(True, verb, None, "cp into a pod")
        return Classification(False, verb, None, "cp out of a pod")
    if verb in ("label", "annotate") and parsed.boolean("list"):
        return Classification(False, verb, None, f"{verb} --list")
    dry_run = parsed.dry_run
    if dry_run is not None:
        return Classification(False, verb, subverb, f"--dry-run={dry_run}")
    if verb in MUTATING_VERBS:
        return Classification(True, verb, subverb, f"mutating verb {verb}")
    return Classification(True, verb, subverb, f"unknown command {verb} (treated as mutating)")
