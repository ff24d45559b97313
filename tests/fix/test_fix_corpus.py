"""`fix` on every eksctl example of ../shared/corpus (copies): never invalid YAML, never a new finding,
never an eksctl schema violation the original did not have, and idempotent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fixhelpers import ADMIN_ROLE, HERE, TODAY, comments, documents, failing

from eksguard.config import Config
from eksguard.fixes import FixOptions
from eksguard.fixes.eksctl import SUCCESSORS, fix_file, fix_text

OPTION_SETS = {
    "defaults": FixOptions(),
    "allow-cidr": FixOptions(allow_cidrs=("203.0.113.10/32",), admin_role_arn=ADMIN_ROLE),
    "private-endpoint": FixOptions(private_endpoint=True, admin_role_arn=ADMIN_ROLE),
}


def _validator() -> Any:
    schema = json.loads((HERE / "data" / "eksctl-clusterconfig-schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def _schema_errors(validator: Any, text: str) -> int:
    docs = [json.loads(json.dumps(d, default=str)) for d in documents(text)]
    return sum(len(list(validator.iter_errors(d))) for d in docs if isinstance(d, dict) and d.get("kind") == "ClusterConfig")


@pytest.mark.shared
@pytest.mark.parametrize("option_set", sorted(OPTION_SETS))
def test_fix_whole_corpus(shared_root: Path, tmp_path: Path, option_set: str) -> None:
    options = OPTION_SETS[option_set]
    validator = _validator()
    sources = sorted((shared_root / "corpus" / "eksctl-examples").glob("*.yaml"))
    assert len(sources) >= 40
    changed = 0
    for source in sources:
        path = tmp_path / source.name
        shutil.copyfile(source, path)
        original = path.read_text(encoding="utf-8")
        result = fix_file(str(path), options, Config(), today=TODAY)
        assert result.error is None, (source.name, result.error)
        fixed = result.fixed
        documents(fixed)  # raises on invalid YAML
        assert not comments(original) - comments(fixed), source.name
        before, after = failing(original, str(path)), failing(fixed, str(path))
        successors = {(s, t) for c in result.outcome.changes for s in SUCCESSORS.get(c.rule, ()) for t in [c.target]}
        assert after - before <= successors, (source.name, after - before)
        assert not {(c.rule, c.target) for c in result.outcome.changes} & after, source.name
        assert _schema_errors(validator, fixed) <= _schema_errors(validator, original), source.name
        again = fix_text(fixed, str(path), options, Config(), today=TODAY)
        assert not again.changed and again.error is None, source.name
        changed += result.changed
    assert changed >= len(sources) - 3  # nearly every example has something to fix


@pytest.mark.shared
def test_fix_workshop_cluster_with_variables(shared_root: Path, tmp_path: Path) -> None:
    source = shared_root / "corpus" / "eks-workshop-v2" / "cluster" / "eksctl" / "cluster.yaml"
    path = tmp_path / "cluster.yaml"
    shutil.copyfile(source, path)
    result = fix_file(str(path), OPTION_SETS["allow-cidr"], Config(), today=TODAY)
    assert result.error is None
    assert {"EKS101", "EKS104"} <= {c.rule for c in result.outcome.changes}
    assert "  name: ${EKS_CLUSTER_NAME}\n" in result.fixed  # the envsubst template stays a template
    assert documents(result.fixed)[0]["vpc"]["publicAccessCIDRs"] == ["203.0.113.10/32"]
