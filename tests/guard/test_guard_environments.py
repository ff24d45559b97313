"""Environment configuration, matching a target, and the environment manifests claim."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from guardkit import write_yaml

from eksguard.guard.environments import (
    EnvironmentConfigError,
    Environments,
    TargetFacts,
    canonical,
    env_for_path,
    load_environments,
    match_target,
    parse_environments,
)
from eksguard.guard.manifests import manifest_claims

CONFIG = yaml.safe_load("""
prod:
  match: {accounts: ["111111111111"], arns: ["arn:aws:eks:*:111111111111:cluster/*"], contexts: ["*prod*"]}
  policy: confirm
  overlays: ["overlays/prod", "k8s/live/**", "/deploy/main"]
  aliases: [live]
stg: {match: {clusters: ["stg-*"]}, policy: allow}
dev: {match: {contexts: ["*dev*"]}, policy: allow, overlays: ["overlays/develop"]}
""")


@pytest.fixture
def envs(tmp_path: Path) -> Environments:
    return parse_environments(CONFIG, tmp_path / ".eksguard.yaml")


def facts(**kwargs: str) -> TargetFacts:
    base = dict.fromkeys(("context", "cluster_entry", "cluster_name", "arn", "account", "region"))
    base.update(kwargs)
    return TargetFacts(**base)


def test_first_matching_environment_wins_and_any_criterion_is_enough(envs: Environments) -> None:
    assert match_target(envs, facts(account="111111111111"))
    assert match_target(envs, facts(context="alice@dev-main.x.eksctl.io")).name == "dev"  # type: ignore[union-attr]
    assert match_target(envs, facts(cluster_name="stg-blue")).name == "stg"  # type: ignore[union-attr]
    both = match_target(envs, facts(context="dev-but-prod", account="111111111111"))
    assert both is not None and both.name == "prod"  # listed first
    assert match_target(envs, facts(context="other")) is None


def test_defaults_and_validation(tmp_path: Path) -> None:
    parsed = parse_environments({"x": {"match": {"contexts": "x*"}}}, None)
    assert parsed.items[0].policy == "confirm" and parsed.items[0].contexts == ("x*",)
    for bad, words in [
        ({"x": {"policy": "maybe"}}, "policy"),
        ({"x": {"match": {"context": ["typo"]}}}, "unknown key"),
        ({"x": {"banner": {"text": "!", "color": "pink"}}}, "color"),
        ({"x": {"overlays": {"a": 1}}}, "overlays"),
        (["x"], "must map"),
    ]:
        with pytest.raises(EnvironmentConfigError, match=words):
            parse_environments(bad, tmp_path / "c.yaml")


def test_config_file_search(tmp_path: Path) -> None:
    project = tmp_path / "repo"
    (project / "sub").mkdir(parents=True)
    (project / ".eksguard.yaml").write_text("rules: {disable: [EKS101]}\n")  # no environments here
    home = tmp_path / "home"
    assert load_environments({}, project / "sub", home).items == ()
    user = home / ".config" / "eksguard" / "config.yaml"
    user.parent.mkdir(parents=True)
    user.write_text("environments: {prod: {policy: deny}}\n")
    assert load_environments({}, project / "sub", home).path == user
    (project / ".eksguard.yaml").write_text("environments: {dev: {policy: allow}}\n")
    assert load_environments({}, project / "sub", home).items[0].name == "dev"
    with pytest.raises(EnvironmentConfigError, match="does not exist"):
        load_environments({"EKSGUARD_CONFIG": str(tmp_path / "none.yaml")}, project, home)


@pytest.mark.parametrize("word, expected", [
    ("develop", "dev"), ("Development", "dev"), ("production", "prod"), ("live", "prod"), ("staging", "stg"),
    ("stage", "stg"), ("base", None), ("qa", None),
])
def test_aliases(envs: Environments, word: str, expected: str | None) -> None:
    assert canonical(envs, word) == expected


def test_aliases_map_to_configured_names_or_default_groups() -> None:
    custom = parse_environments({"production": {}, "development": {}}, None)
    assert canonical(custom, "prod") == "production" and canonical(custom, "develop") == "development"
    assert canonical(Environments(), "develop") == "dev" and canonical(Environments(), "staging") == "stg"


@pytest.mark.parametrize("path, expected", [
    ("overlays/develop", "dev"),
    ("overlays/develop/", "dev"),
    ("./overlays/prod/deployment.yaml", "prod"),
    ("apps/web/overlays/prod", "prod"),  # unanchored patterns match at any depth
    ("k8s/live/a/b/c.yaml", "prod"),  # ** crosses folders
    ("deploy/main/app.yaml", "prod"),  # anchored at the config folder
    ("k8s/staging/app.yaml", "stg"),  # folder-name alias
    ("k8s/production.yaml", "prod"),  # file name
    ("base", None),
    ("overlays/feature-x", None),
])
def test_env_for_path(envs: Environments, tmp_path: Path, path: str, expected: str | None) -> None:
    found = env_for_path(envs, path, tmp_path)
    assert (found[0] if found else None) == expected


def test_anchored_pattern_does_not_match_deeper(envs: Environments, tmp_path: Path) -> None:
    assert env_for_path(envs, "vendor/deploy/main/x.yaml", tmp_path) is None


def test_folder_names_above_home_do_not_count(tmp_path: Path) -> None:
    home = tmp_path / "dev"  # a user called dev
    (home / "work").mkdir(parents=True)
    assert env_for_path(Environments(), str(home / "work" / "app.yaml"), tmp_path / "elsewhere", home) is None


# --- manifests --------------------------------------------------------------------------------


def deployment(labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None) -> dict[str, object]:
    metadata: dict[str, object] = {"name": "web"}
    if labels:
        metadata["labels"] = labels
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata}


def test_kustomize_common_labels_override_the_resources_below(envs: Environments, tmp_path: Path) -> None:
    write_yaml(tmp_path / "base" / "d.yaml", deployment({"eksguard.io/environment": "dev"}))
    write_yaml(tmp_path / "base" / "kustomization.yaml", {"resources": ["d.yaml"]})
    write_yaml(tmp_path / "team" / "kustomization.yaml", {
        "resources": ["../base"], "commonLabels": {"eksguard.io/environment": "production"}})
    write_yaml(tmp_path / "plain" / "kustomization.yaml", {"resources": ["../base", "https://example.com/x.yaml"]})
    team = manifest_claims(envs, tmp_path, filenames=[], kustomize=["team"])
    assert [c.environment for c in team] == ["prod"]
    plain = manifest_claims(envs, tmp_path, filenames=[], kustomize=["plain"])
    assert [c.environment for c in plain] == ["dev"] and "label eksguard.io/environment" in plain[0].source


def test_kustomize_labels_field_and_patches(envs: Environments, tmp_path: Path) -> None:
    write_yaml(tmp_path / "a" / "kustomization.yaml", {"labels": [{"pairs": {"eksguard.io/environment": "stg"}}]})
    assert [c.environment for c in manifest_claims(envs, tmp_path, filenames=[], kustomize=["a"])] == ["stg"]
    write_yaml(tmp_path / "b" / "p.yaml", deployment(annotations={"eksguard.io/environment": "live"}))
    write_yaml(tmp_path / "b" / "kustomization.yaml", {"patches": [{"path": "p.yaml"}]})
    assert [c.environment for c in manifest_claims(envs, tmp_path, filenames=[], kustomize=["b"])] == ["prod"]


def test_kustomize_cycles_end(envs: Environments, tmp_path: Path) -> None:
    write_yaml(tmp_path / "a" / "kustomization.yaml", {"resources": ["../b"]})
    write_yaml(tmp_path / "b" / "kustomization.yaml", {"resources": ["../a"]})
    assert manifest_claims(envs, tmp_path, filenames=[], kustomize=["a"]) == []


def test_files_folders_lists_and_stdin(envs: Environments, tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    write_yaml(folder / "a.yaml", deployment({"eksguard.io/environment": "dev"}))
    write_yaml(folder / "nested" / "b.yaml", {"apiVersion": "v1", "kind": "List", "items": [
        deployment(annotations={"eksguard.io/environment": "qa"})]})
    (folder / "broken.yaml").write_text("{{ .Values.helm }}: [")
    flat = manifest_claims(envs, tmp_path, filenames=["manifests"], kustomize=[])
    assert [c.environment for c in flat] == ["dev"]
    deep = manifest_claims(envs, tmp_path, filenames=["manifests"], kustomize=[], recursive=True)
    assert sorted(c.environment for c in deep) == ["dev", "qa"]  # an unknown name is kept as written
    piped = manifest_claims(envs, tmp_path, filenames=["-"], kustomize=[],
                            stdin_text=yaml.safe_dump(deployment({"eksguard.io/environment": "prd"})))
    assert [c.environment for c in piped] == ["prod"]


def test_path_and_content_claims_together(envs: Environments, tmp_path: Path) -> None:
    write_yaml(tmp_path / "overlays" / "develop" / "x.yaml", deployment({"eksguard.io/environment": "prod"}))
    claims = manifest_claims(envs, tmp_path, filenames=["overlays/develop/x.yaml"], kustomize=[])
    assert {c.environment for c in claims} == {"dev", "prod"}
