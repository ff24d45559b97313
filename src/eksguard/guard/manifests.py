"""The environment the manifests being applied belong to.

Each `-f PATH` / `-k DIR` gives claims:

- its path: an environment's `overlays` pattern, else a folder name equal to an environment name or
  alias (`overlays/develop` → dev, `k8s/production/app.yaml` → prod);
- its content: the label or annotation `eksguard.io/environment` on each object (`List` items
  included); for a kustomize folder, `commonLabels` / `labels` / `commonAnnotations` in its
  kustomization set the value for everything below it (as kustomize does), otherwise the
  resources, bases, components and patches it lists are read, recursively.

Paths of folders a kustomization pulls in (`../staging` under `overlays/prod`) are not claims: only
their content is. Remote resources (URLs, git) and files larger than 5 MB are not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from eksguard.guard.environments import Environments, canonical, env_for_path

LABEL = "eksguard.io/environment"
MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 2000
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True, slots=True)
class Claim:
    environment: str
    source: str


def _is_remote(entry: str) -> bool:
    return "://" in entry or entry.startswith(("github.com/", "git@", "gitlab.com/", "bitbucket.org/"))


def _object_values(doc: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(doc, dict):
        return
    metadata = doc.get("metadata")
    if isinstance(metadata, dict):
        name = metadata.get("name")
        for section in ("labels", "annotations"):
            values = metadata.get(section)
            if isinstance(values, dict) and isinstance(values.get(LABEL), str | int):
                yield str(values[LABEL]), f"{section[:-1]} {LABEL} on {doc.get('kind', 'object')} {name}"
    items = doc.get("items")
    if isinstance(items, list):
        for item in items:
            yield from _object_values(item)


def _text_claims(envs: Environments, text: str, where: str) -> list[Claim]:
    claims: list[Claim] = []
    try:
        for doc in yaml.load_all(text, Loader=yaml.CSafeLoader):
            for value, what in _object_values(doc):
                claims.append(Claim(canonical(envs, value) or value, f"{what} ({where})"))
    except yaml.YAMLError:
        pass  # Helm templates and other non-YAML: nothing to learn, kubectl will report real errors
    return claims


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _file_claims(envs: Environments, path: Path) -> list[Claim]:
    text = _read(path)
    return _text_claims(envs, text, str(path)) if text is not None else []


def _folder_files(folder: Path, recursive: bool) -> list[Path]:
    pattern = "**/*" if recursive else "*"
    files = sorted(p for p in folder.glob(pattern) if p.is_file() and p.suffix in MANIFEST_SUFFIXES)
    return files[:MAX_FILES]


def _kustomization(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    for name in KUSTOMIZATION_NAMES:
        candidate = folder / name
        if candidate.is_file():
            text = _read(candidate)
            try:
                data = yaml.load(text or "", Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                return None
            return candidate, data if isinstance(data, dict) else {}
    return None


def _kustomize_own(envs: Environments, kfile: Path, data: dict[str, Any]) -> list[Claim]:
    found: list[tuple[str, str]] = []
    for key in ("commonLabels", "commonAnnotations"):
        values = data.get(key)
        if isinstance(values, dict) and isinstance(values.get(LABEL), str | int):
            found.append((str(values[LABEL]), key))
    for entry in data.get("labels") or []:
        pairs = entry.get("pairs") if isinstance(entry, dict) else None
        if isinstance(pairs, dict) and isinstance(pairs.get(LABEL), str | int):
            found.append((str(pairs[LABEL]), "labels"))
    return [Claim(canonical(envs, value) or value, f"{key} {LABEL} in {kfile}") for value, key in found]


def _kustomize_claims(envs: Environments, folder: Path, seen: set[Path], depth: int = 0) -> list[Claim]:
    real = folder.resolve()
    if real in seen or depth > 20:
        return []
    seen.add(real)
    found = _kustomization(folder)
    if found is None:
        return []
    kfile, data = found
    own = _kustomize_own(envs, kfile, data)
    if own:
        return own
    entries: list[str] = []
    for key in ("resources", "bases", "components", "patchesStrategicMerge"):
        entries.extend(e for e in data.get(key) or [] if isinstance(e, str))
    for patch in data.get("patches") or []:
        if isinstance(patch, dict) and isinstance(patch.get("path"), str):
            entries.append(patch["path"])
    claims: list[Claim] = []
    for entry in entries:
        if _is_remote(entry):
            continue
        target = folder / entry
        if target.is_dir():
            claims.extend(_kustomize_claims(envs, target, seen, depth + 1))
        elif target.is_file():
            claims.extend(_file_claims(envs, target))
    return claims


def manifest_claims(envs: Environments, cwd: Path, *, filenames: list[str], kustomize: list[str],
                    recursive: bool = False, stdin_text: str | None = None, home: Path | None = None) -> list[Claim]:
    """Every environment claim made by the manifests of one kubectl command."""
    claims: list[Claim] = []
    for raw in [*filenames, *kustomize]:
        if raw == "-" or _is_remote(raw):
            continue
        by_path = env_for_path(envs, raw, cwd, home)
        if by_path is not None:
            claims.append(Claim(*by_path))
    for raw in filenames:
        if raw == "-":
            if stdin_text is not None:
                claims.extend(_text_claims(envs, stdin_text, "stdin"))
            continue
        if _is_remote(raw):
            continue
        path = cwd / Path(raw).expanduser()
        if path.is_dir():
            for file in _folder_files(path, recursive):
                claims.extend(_file_claims(envs, file))
        elif path.is_file():
            claims.extend(_file_claims(envs, path))
    for raw in kustomize:
        if not _is_remote(raw):
            claims.extend(_kustomize_claims(envs, cwd / Path(raw).expanduser(), set()))
    return list(dict.fromkeys(claims))
