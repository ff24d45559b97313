"""Property: any combination of known `eksctl create cluster` flags, in any order and any of pflag's
spellings, never crashes and gives exactly the findings of the ClusterConfig a person would write for it.

Both sides are generated here, independently of the source's own flag table: the command line from the
flag spellings, the ClusterConfig from eksctl's documented mapping (eks-domain.md §1.5)."""

from __future__ import annotations

import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from clkit import scan_paths
from hypothesis import given, settings
from hypothesis import strategies as st


@dataclass(frozen=True)
class FlagCase:
    name: str
    short: str | None
    kind: str  # "bool" | "str" | "int" | "list" | "map"
    pointer: str  # in the ClusterConfig (cluster flags) or in the node group (node flags)
    values: st.SearchStrategy[Any]


ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
TYPES = ["m5.large", "t3.small", "t3.micro", "c5.xlarge"]
CLUSTER_FLAGS = [
    FlagCase("region", "r", "str", "metadata.region", st.sampled_from(["us-east-1", "ap-northeast-1"])),
    FlagCase("version", None, "str", "metadata.version",
             st.sampled_from(["1.23", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "auto", "latest"])),
    FlagCase("with-oidc", None, "bool", "iam.withOIDC", st.booleans()),
    FlagCase("zones", None, "list", "availabilityZones", st.lists(st.sampled_from(ZONES), min_size=1, max_size=3,
                                                                   unique=True)),
    FlagCase("vpc-cidr", None, "str", "vpc.cidr", st.sampled_from(["10.0.0.0/16", "192.168.0.0/16"])),
    FlagCase("vpc-nat-mode", None, "str", "vpc.nat.gateway", st.sampled_from(["Single", "HighlyAvailable", "Disable"])),
    FlagCase("support-type", None, "str", "upgradePolicy.supportType", st.sampled_from(["STANDARD", "EXTENDED"])),
    FlagCase("tags", None, "map", "metadata.tags",
             st.dictionaries(st.sampled_from(["team", "env"]), st.sampled_from(["a", "b"]), min_size=1)),
]
NODE_FLAGS = [
    FlagCase("node-type", "t", "str", "instanceType", st.sampled_from(TYPES)),
    FlagCase("nodes", "N", "int", "desiredCapacity", st.integers(0, 9)),
    FlagCase("nodes-min", "m", "int", "minSize", st.integers(0, 9)),
    FlagCase("nodes-max", "M", "int", "maxSize", st.integers(0, 9)),
    FlagCase("node-volume-size", None, "int", "volumeSize", st.integers(20, 200)),
    FlagCase("node-volume-type", None, "str", "volumeType", st.sampled_from(["gp2", "gp3"])),
    FlagCase("max-pods-per-node", None, "int", "maxPodsPerNode", st.integers(1, 250)),
    FlagCase("ssh-access", None, "bool", "ssh.allow", st.booleans()),
    FlagCase("ssh-public-key", None, "str", "ssh.publicKeyPath", st.sampled_from(["id_rsa.pub", "my-ec2-key"])),
    FlagCase("node-ami-family", None, "str", "amiFamily",
             st.sampled_from(["AmazonLinux2023", "Bottlerocket", "WindowsServer2022FullContainer"])),
    FlagCase("node-private-networking", "P", "bool", "privateNetworking", st.booleans()),
    FlagCase("node-security-groups", None, "list", "securityGroups.attachIDs",
             st.lists(st.sampled_from(["sg-1", "sg-2"]), min_size=1, max_size=2, unique=True)),
    FlagCase("disable-pod-imds", None, "bool", "disablePodIMDS", st.booleans()),
    FlagCase("asg-access", None, "bool", "iam.withAddonPolicies.autoScaler", st.booleans()),
    FlagCase("external-dns-access", None, "bool", "iam.withAddonPolicies.externalDNS", st.booleans()),
    FlagCase("full-ecr-access", None, "bool", "iam.withAddonPolicies.imageBuilder", st.booleans()),
    FlagCase("alb-ingress-access", None, "bool", "iam.withAddonPolicies.awsLoadBalancerController", st.booleans()),
    FlagCase("nodegroup-name", None, "str", "name", st.sampled_from(["workers", "ng-a"])),
]
MANAGED_ONLY = [
    FlagCase("spot", None, "bool", "spot", st.booleans()),
    FlagCase("instance-types", None, "list", "instanceTypes", st.lists(st.sampled_from(TYPES), min_size=1,
                                                                        max_size=3, unique=True)),
]


def put(document: dict[str, Any], pointer: str, value: Any) -> None:
    *parents, last = pointer.split(".")
    for part in parents:
        document = document.setdefault(part, {})
    document[last] = value


def quoted(text: str, style: int) -> str:
    return [text, f"'{text}'", f'"{text}"', shlex.quote(text)][style % 4]


def spell(case: FlagCase, value: Any, draw: Any) -> list[str]:
    """One of the ways pflag accepts this flag and value."""
    style = draw(st.integers(0, 7))
    if case.kind == "bool":
        text = draw(st.sampled_from(["true", "1", "True"] if value else ["false", "0", "FALSE"]))
        spellings = [f"--{case.name}={text}"] + ([f"--{case.name}"] if value else [])
        if case.short:
            spellings += [f"-{case.short}={text}"] + ([f"-{case.short}"] if value else [])
        return [draw(st.sampled_from(spellings))]
    if case.kind == "list":
        if style % 2 and len(value) > 1:  # a repeated flag appends
            return [part for item in value for part in (f"--{case.name}", quoted(item, style))]
        return [f"--{case.name}={quoted(','.join(value), style)}"]
    if case.kind == "map":
        return [f"--{case.name}", quoted(",".join(f"{k}={v}" for k, v in value.items()), style)]
    text = str(value)
    forms: list[list[str]] = [[f"--{case.name}={quoted(text, style)}"], [f"--{case.name}", quoted(text, style)]]
    if case.short:
        forms += [[f"-{case.short}", quoted(text, style)], [f"-{case.short}{quoted(text, style)}"],
                  [f"-{case.short}={text}"]]
    chosen: list[str] = draw(st.sampled_from(forms))
    return chosen


@st.composite
def command_and_config(draw: Any) -> tuple[str, dict[str, Any]]:
    structural = {name: draw(st.booleans()) for name in ("managed", "fargate", "without-nodegroup")
                  if draw(st.booleans())}
    managed = structural.get("managed", True)
    pool = CLUSTER_FLAGS + NODE_FLAGS + (MANAGED_ONLY if managed else [])
    chosen = draw(st.lists(st.sampled_from(pool), unique_by=lambda c: c.name, max_size=len(pool)))
    values = {case.name: draw(case.values) for case in chosen}

    words = ["eksctl", "create", "cluster", "--name", "prop"]
    parts = [[f"--{name}={str(value).lower()}"] for name, value in structural.items()]
    parts += [spell(case, values[case.name], draw) for case in chosen]
    for part in draw(st.permutations(parts)):
        words.extend(part)

    config: dict[str, Any] = {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig",
                              "metadata": {"name": "prop"}}
    for case in chosen:
        if case in CLUSTER_FLAGS:
            put(config, case.pointer, values[case.name])
    fargate = structural.get("fargate", False)
    if fargate:
        config["fargateProfiles"] = [{"name": "fp-default", "selectors": [{"namespace": "default"},
                                                                        {"namespace": "kube-system"}]}]
    if not structural.get("without-nodegroup", False) and not (fargate and "managed" not in structural):
        group: dict[str, Any] = {}
        for case in chosen:
            if case not in CLUSTER_FLAGS:
                put(group, case.pointer, values[case.name])
        if managed and "ssh-public-key" in values and "ssh-access" not in values:
            put(group, "ssh.allow", False)  # the flag's explicit false; only unmanaged groups turn it on for a key
        config["managedNodeGroups" if managed else "nodeGroups"] = [group]
    separator = draw(st.sampled_from([" ", " \\\n  "]))
    return separator.join(words) + "\n", config


def summary(results: list[Any]) -> list[tuple[Any, ...]]:
    return sorted((f.rule, f.status.value, f.severity, f.target, f.provenance, f.observed) for f in results)


@settings(max_examples=200, deadline=None)
@given(command_and_config())
def test_flags_give_the_findings_of_the_equivalent_cluster_config(case: tuple[str, dict[str, Any]]) -> None:
    command, config = case
    with tempfile.TemporaryDirectory() as folder:
        script, config_file = Path(folder) / "create.sh", Path(folder) / "cluster.yaml"
        script.write_text(command)
        config_file.write_text(yaml.safe_dump(config, sort_keys=False))
        from_command = scan_paths(script)
        from_config = scan_paths(config_file)
    assert from_command.estate.problems == [] and from_command.estate.warnings == []
    assert [c.source for c in from_command.estate.clusters] == ["eksctl-cli"]
    assert summary(from_command.report.results) == summary(from_config.report.results)
    # every finding of the command line stands at the line of its `eksctl` word
    assert {(f.origin.path, f.origin.line) for f in from_command.report.results if f.origin} <= {(str(script), 1)}
