"""Fuzzing every source: random and mutated inputs (from the real corpora) never raise, rules
never crash on what the sources make of them, and JSON and SARIF output stay valid.

`make test` runs EKSGUARD_FUZZ_EXAMPLES (default 2,000) examples in all, spread over the sources;
`make fuzz` runs 20,000.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eksguard.config import Config
from eksguard.engine import evaluate
from eksguard.findings import Status
from eksguard.report import render
from eksguard.sources import collect

TOTAL = int(os.environ.get("EKSGUARD_FUZZ_EXAMPLES", "2000"))
SEEDS = {  # source -> (files under ../shared it mutates, suffix it writes)
    "eksctl": ("corpus/eksctl-examples/*.yaml", ".yaml"),
    "cloudformation": ("corpus/eksctl-cfn/*.json", ".json"),
    "kubernetes": ("corpus/eks-workshop-v2/manifests/modules/security/**/*.yaml", ".yaml"),
    "terraform": ("corpus/eks-workshop-v2/cluster/terraform/*.tf", ".tf"),
    "markdown": ("corpus/eks-workshop-v2/docs/*.md", ".md"),
}
EXTRA_TESTS = 5  # besides one per SEEDS source: Quick Start templates, kubectl scripts, documents, plan JSON, bytes
PER_TEST = max(50, TOTAL // (len(SEEDS) + EXTRA_TESTS))
SPECIAL = [*":-[]{}&*!|>'\"#%@`$\\\n\t ,?=", "${X}", "!Ref", "<<: *a", "&a ", "\x00", "\udcff", "---\n"]
TODAY = dt.date(2026, 11, 22)
FUZZ = settings(max_examples=PER_TEST, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check_scan(folder: Path, name: str, content: bytes) -> None:
    path = folder / name
    path.write_bytes(content)
    estate = collect([str(path)], {})
    for problem in estate.problems:  # one line, naming the file
        assert "\n" not in problem.message and problem.path == str(path)
    report = evaluate(estate, Config(), TODAY)
    crashed = [f for f in report.results if f.status is Status.ERROR and f.message
               and f.message.en.startswith("rule failed")]
    assert crashed == [], [(f.rule, f.message) for f in crashed]
    json.loads(render(report, "json", lang="en", fail_on="high", colour=False))
    sarif = json.loads(render(report, "sarif", lang="ja", fail_on="high", colour=False))
    assert sarif["version"] == "2.1.0"


def mutate(data: st.DataObject, original: bytes) -> bytes:
    content = bytearray(original)
    for _ in range(data.draw(st.integers(1, 6))):
        if not content:
            break
        position = data.draw(st.integers(0, len(content) - 1))
        action = data.draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if action == "delete":
            del content[position:position + data.draw(st.integers(1, 40))]
        elif action == "insert":
            token = data.draw(st.sampled_from(SPECIAL) | st.text(max_size=8))
            content[position:position] = token.encode("utf-8", "surrogateescape")
        elif action == "duplicate":
            end = min(len(content), position + data.draw(st.integers(1, 200)))
            content[position:position] = content[position:end]
        else:
            content[position] = data.draw(st.integers(0, 255))
    return bytes(content)


@pytest.fixture(scope="module")
def workdir() -> Any:
    with tempfile.TemporaryDirectory(prefix="eksguard-fuzz-") as folder:
        yield Path(folder)


def seed_files(shared_root: Path, source: str) -> list[bytes]:
    pattern, _ = SEEDS[source]
    files = sorted(shared_root.glob(pattern))[:40]
    assert files, pattern
    return [f.read_bytes() for f in files]


def make_mutation_test(source: str) -> Callable[..., None]:
    @FUZZ
    @given(data=st.data())
    def test(shared_root: Path, workdir: Path, data: st.DataObject) -> None:
        originals = seed_files(shared_root, source)
        original = data.draw(st.sampled_from(originals))
        check_scan(workdir, f"{source}{SEEDS[source][1]}", mutate(data, original))

    test.__name__ = f"test_mutated_{source}_inputs_never_crash"
    return test


for _source in SEEDS:
    globals()[f"test_mutated_{_source}_inputs_never_crash"] = make_mutation_test(_source)

# YAML templates with the AWS Quick Start's types (clusters, aws-auth, manifests in block scalars): ours, as the
# corpus has no such template; the suggested fixes parse resources from their own lines, so they run too
QUICKSTART_SEEDS = sorted((Path(__file__).parent / "cloudformation" / "fixtures").glob("quickstart*.yaml"))


@FUZZ
@given(data=st.data())
def test_mutated_quickstart_templates_never_crash(workdir: Path, data: st.DataObject) -> None:
    from eksguard.fixes.snippets import annotate

    original = data.draw(st.sampled_from([path.read_bytes() for path in QUICKSTART_SEEDS]))
    path = workdir / "stack.yaml"
    path.write_bytes(mutate(data, original))
    check_scan(workdir, path.name, path.read_bytes())
    report = evaluate(collect([str(path)], {}), Config(), TODAY)
    annotate(report)
    json.loads(render(report, "sarif", lang="en", fail_on="high", colour=False))

# a script that creates a cluster and applies manifests to it from here-documents (kubectl, Karpenter)
SCRIPT_SEEDS = [Path(__file__).parent / "commandline" / "fixtures" / "kubectl-heredoc.sh"]


@FUZZ
@given(data=st.data())
def test_mutated_kubectl_scripts_never_crash(workdir: Path, data: st.DataObject) -> None:
    original = data.draw(st.sampled_from([path.read_bytes() for path in SCRIPT_SEEDS]))
    check_scan(workdir, "runbook.sh", mutate(data, original))


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 70000), st.text(max_size=12),
                    st.sampled_from(["0.0.0.0/0", "true", "1.30", "${X}", "m5.large", "API", "optional"]))
KEYS = st.sampled_from(["metadata", "name", "vpc", "clusterEndpoints", "publicAccess", "publicAccessCIDRs",
                        "managedNodeGroups", "nodeGroups", "ssh", "allow", "privateNetworking", "spec",
                        "containers", "securityContext", "privileged", "Resources", "Type", "Properties",
                        "ResourcesVpcConfig", "data", "mapRoles", "rules", "subjects", "iam", "withOIDC",
                        "instanceType", "maxPodsPerNode", "accessConfig", "addons", "template", "metadataOptions",
                        "httpTokens", "httpPutResponseHopLimit", "httpEndpoint"]) | st.text(max_size=6)
TREES = st.recursive(SCALARS, lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(KEYS, children, max_size=5), max_leaves=30)
HEADERS = [
    {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig"},
    {"AWSTemplateFormatVersion": "2010-09-09"},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-auth", "namespace": "kube-system"}},
    {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"}},
    {"apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass", "metadata": {"name": "c"}},
]


@FUZZ
@given(header=st.sampled_from(HEADERS), body=st.dictionaries(KEYS, TREES, max_size=6), as_json=st.booleans())
def test_random_documents_never_crash(workdir: Path, header: dict[str, Any], body: dict[str, Any],
                                      as_json: bool) -> None:
    document = {**body, **header}
    if as_json:
        check_scan(workdir, "random.json", json.dumps(document, default=str).encode())
    else:
        check_scan(workdir, "random.yaml", yaml.safe_dump(document, allow_unicode=True).encode())


TF_KEYS = st.sampled_from(["name", "version", "vpc_config", "subnet_ids", "endpoint_public_access",
                           "public_access_cidrs", "security_group_ids", "ingress", "egress", "cidr_blocks",
                           "from_port", "dynamic", "for_each", "content", "iterator", "launch_template",
                           "remote_access", "ec2_ssh_key", "tags"]) | st.text(max_size=6)
TF_TREES = st.recursive(SCALARS | st.sampled_from(["${var.x}", "${each.value}", "${ingress.value}"]),
                        lambda children: st.lists(children, max_size=4) | st.dictionaries(TF_KEYS, children, max_size=5),
                        max_leaves=30)


@FUZZ
@given(kind=st.sampled_from(["aws_eks_cluster", "aws_security_group", "aws_eks_node_group"]),
       body=st.dictionaries(TF_KEYS, TF_TREES, max_size=6), extra=st.dictionaries(KEYS, TREES, max_size=2))
def test_random_terraform_json_never_crashes(workdir: Path, kind: str, body: dict[str, Any],
                                             extra: dict[str, Any]) -> None:
    document = {**extra, "resource": {kind: {"x": body}}, "variable": {"x": {"type": "list(string)"}}}
    check_scan(workdir, "main.tf.json", json.dumps(document, default=str).encode())


@FUZZ
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".yaml", ".json", ".tf", ".tf.json", ".md", ".sh"]))
def test_random_bytes_never_crash(workdir: Path, content: bytes, suffix: str) -> None:
    check_scan(workdir, f"bytes{suffix}", content)
