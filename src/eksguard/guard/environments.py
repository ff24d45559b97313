"""Environments: `.eksguard.yaml` `environments:`, and which environment a target or path is.

```yaml
environments:
  prod:                                   # listed first: the first matching environment wins
    match:                                # any one criterion matching is enough
      accounts: ["111111111111"]
      clusters: ["prod-*"]                # EKS cluster name or kubeconfig cluster entry
      arns: ["arn:aws:eks:*:111111111111:cluster/*"]
      contexts: ["*prod*"]
      regions: ["eu-west-1"]
    policy: confirm                       # allow | confirm | deny, for mutating commands (default confirm)
    banner: {text: "!!! PRODUCTION !!!", color: red}
    overlays: ["overlays/prod", "k8s/prod/**"]   # manifest paths of this environment
    aliases: ["production", "live"]       # other names for it in folder names and labels
  dev: {match: {contexts: ["*dev*"]}, policy: allow, overlays: ["overlays/develop"]}
```

Patterns are shell-style (`*`, `?`, `[...]`; in `overlays`, `**` crosses folders). An `overlays`
pattern matches a path or any folder above it; it may match at any depth (`overlays/prod` matches
`apps/web/overlays/prod/deploy.yaml`) unless it starts with `/`, which anchors it at the folder of
the configuration file.

The file: `$EKSGUARD_CONFIG`, else the nearest `.eksguard.yaml` upward from the current folder
(when it has `environments:`), else `$XDG_CONFIG_HOME/eksguard/config.yaml`
(`~/.config/eksguard/config.yaml`).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from eksguard.config import ConfigError, find_config, load_raw

POLICIES = ("allow", "confirm", "deny")
DEFAULT_POLICY = "confirm"
COLORS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")

# Folder names and label values that mean the same environment.
ALIAS_GROUPS: dict[str, tuple[str, ...]] = {
    "dev": ("dev", "develop", "development", "devel"),
    "stg": ("stg", "staging", "stage"),
    "prod": ("prod", "production", "prd"),
}


class EnvironmentConfigError(Exception):
    """`environments:` cannot be used; the message names the file."""


@dataclass(frozen=True, slots=True)
class Banner:
    text: str
    color: str = "red"


@dataclass(frozen=True, slots=True)
class Environment:
    name: str
    policy: str = DEFAULT_POLICY
    banner: Banner | None = None
    accounts: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    arns: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    overlays: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {self.name.lower(), *(a.lower() for a in self.aliases)}


@dataclass(frozen=True, slots=True)
class Environments:
    items: tuple[Environment, ...] = ()
    path: Path | None = None

    @property
    def base_dir(self) -> Path | None:
        return self.path.parent if self.path is not None else None

    def get(self, name: str) -> Environment | None:
        return next((env for env in self.items if env.name == name), None)


@dataclass(frozen=True, slots=True)
class TargetFacts:
    context: str | None
    cluster_entry: str | None
    cluster_name: str | None
    arn: str | None
    account: str | None
    region: str | None


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v) for v in value)
    raise EnvironmentConfigError(f"{where} must be a list of strings")


def parse_environments(raw: Any, path: Path | None) -> Environments:
    where = str(path or ".eksguard.yaml")
    if raw is None:
        return Environments((), path)
    if not isinstance(raw, dict):
        raise EnvironmentConfigError(f"{where}: `environments` must map environment names to settings")
    items: list[Environment] = []
    for name, body in raw.items():
        prefix = f"{where}: environments.{name}"
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise EnvironmentConfigError(f"{prefix} must be a mapping")
        unknown = set(body) - {"match", "policy", "banner", "overlays", "aliases"}
        if unknown:
            raise EnvironmentConfigError(f"{prefix}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        match = body.get("match") or {}
        if not isinstance(match, dict):
            raise EnvironmentConfigError(f"{prefix}.match must be a mapping")
        unknown = set(match) - {"accounts", "clusters", "arns", "contexts", "regions"}
        if unknown:
            raise EnvironmentConfigError(f"{prefix}.match: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        policy = str(body.get("policy", DEFAULT_POLICY)).lower()
        if policy not in POLICIES:
            raise EnvironmentConfigError(f"{prefix}.policy is {policy!r}; use one of {', '.join(POLICIES)}")
        banner_raw = body.get("banner")
        banner: Banner | None = None
        if isinstance(banner_raw, str):
            banner = Banner(banner_raw)
        elif isinstance(banner_raw, dict):
            color = str(banner_raw.get("color", "red")).lower()
            if color.removeprefix("bright_") not in COLORS:
                raise EnvironmentConfigError(f"{prefix}.banner.color {color!r} is not one of {', '.join(COLORS)}")
            banner = Banner(str(banner_raw.get("text", "")), color)
        elif banner_raw is not None:
            raise EnvironmentConfigError(f"{prefix}.banner must be text or {{text, color}}")
        items.append(Environment(
            name=str(name), policy=policy, banner=banner,
            accounts=_strings(match.get("accounts"), f"{prefix}.match.accounts"),
            clusters=_strings(match.get("clusters"), f"{prefix}.match.clusters"),
            arns=_strings(match.get("arns"), f"{prefix}.match.arns"),
            contexts=_strings(match.get("contexts"), f"{prefix}.match.contexts"),
            regions=_strings(match.get("regions"), f"{prefix}.match.regions"),
            overlays=_strings(body.get("overlays"), f"{prefix}.overlays"),
            aliases=_strings(body.get("aliases"), f"{prefix}.aliases"),
        ))
    return Environments(tuple(items), path)


def config_path(environ: Mapping[str, str], cwd: Path, home: Path) -> tuple[Path | None, dict[str, Any] | None]:
    """The configuration file that holds the environments, and its contents."""
    explicit = environ.get("EKSGUARD_CONFIG")
    try:
        if explicit:
            path = Path(explicit).expanduser()
            if not path.is_file():
                raise EnvironmentConfigError(f"{path}: EKSGUARD_CONFIG names a file that does not exist")
            return path, load_raw(path)
        nearest = find_config(cwd)
        if nearest is not None:
            raw = load_raw(nearest)
            if "environments" in raw:
                return nearest, raw
        user_dir = Path(environ.get("XDG_CONFIG_HOME") or home / ".config") / "eksguard"
        for name in ("config.yaml", "config.yml"):
            candidate = user_dir / name
            if candidate.is_file():
                return candidate, load_raw(candidate)
    except ConfigError as exc:
        raise EnvironmentConfigError(str(exc)) from None
    return None, None


def load_environments(environ: Mapping[str, str], cwd: Path, home: Path) -> Environments:
    path, raw = config_path(environ, cwd, home)
    if path is None or raw is None:
        return Environments()
    return parse_environments(raw.get("environments"), path)


def _any(patterns: tuple[str, ...], *values: str | None) -> bool:
    return any(fnmatch.fnmatchcase(v, p) for p in patterns for v in values if v)


def match_target(envs: Environments, facts: TargetFacts) -> Environment | None:
    """The first environment, in file order, that any criterion matches."""
    for env in envs.items:
        if (_any(env.contexts, facts.context)
                or _any(env.clusters, facts.cluster_name, facts.cluster_entry)
                or _any(env.arns, facts.arn, facts.cluster_entry, facts.context)
                or _any(env.accounts, facts.account)
                or _any(env.regions, facts.region)):
            return env
    return None


def canonical(envs: Environments, word: str) -> str | None:
    """The environment a folder name or label value means, or None if it means none we know."""
    lowered = word.strip().lower()
    if not lowered:
        return None
    for env in envs.items:
        if lowered in env.names():
            return env.name
    group = next((key for key, names in ALIAS_GROUPS.items() if lowered in names), None)
    if group is None:
        return None
    for env in envs.items:
        if env.names() & set(ALIAS_GROUPS[group]):
            return env.name
    return None if envs.items else group


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out))


def _relative(path: Path, base: Path | None) -> list[str] | None:
    if base is None:
        return None
    try:
        return list(path.relative_to(base).parts)
    except ValueError:
        return None


def _overlay_match(pattern: str, parts: list[str], anchored_parts: list[str] | None) -> bool:
    if pattern.startswith("/"):
        if anchored_parts is None:
            return False
        regex = _glob(pattern.strip("/"))
        return any(regex.fullmatch("/".join(anchored_parts[:end])) for end in range(len(anchored_parts), 0, -1))
    regex = _glob(pattern.rstrip("/").removeprefix("./"))
    for end in range(len(parts), 0, -1):
        for start in range(end):
            if regex.fullmatch("/".join(parts[start:end])):
                return True
    return False


def env_for_path(envs: Environments, raw_path: str, cwd: Path, home: Path | None = None) -> tuple[str, str] | None:
    """The environment a manifest path belongs to, and why: an `overlays` pattern, else a folder name.

    Folder names count only below the configuration's folder, the current folder or the home folder
    (so a user called `dev` does not make everything in `/home/dev` a dev manifest).
    """
    absolute = Path(os.path.normpath(cwd / Path(raw_path).expanduser()))
    anchored = _relative(absolute, envs.base_dir)
    parts = (anchored or _relative(absolute, cwd) or _relative(absolute, home)
             or [p for p in absolute.parts if p != absolute.anchor])
    for env in envs.items:
        for pattern in env.overlays:
            if _overlay_match(pattern, parts, anchored):
                return env.name, f"{raw_path} matches overlays pattern {pattern!r} of {env.name}"
    for index in range(len(parts) - 1, -1, -1):
        segment = parts[index]
        candidates = [segment]
        if index == len(parts) - 1 and "." in segment:
            candidates.append(segment.rsplit(".", 1)[0])
        for candidate in candidates:
            name = canonical(envs, candidate)
            if name is not None:
                return name, f"name {segment!r} in {raw_path}"
    return None
