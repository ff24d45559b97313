"""`eksctl create cluster` flags mapped onto the model with eksctl's defaults, the way pflag reads them."""

from __future__ import annotations

import pytest
from clkit import Scan, ScanFiles

from eksguard.findings import Status


def statuses(scan: Scan, rule: str) -> list[tuple[str, str]]:
    return sorted((f.target, f.status.value) for f in scan.results(rule))


@pytest.mark.parametrize("flag", ["--node-private-networking", "-P", "--node-private-networking=true", "-P=true"])
def test_private_networking_removes_eks201(scan_files: ScanFiles, flag: str) -> None:
    scan = scan_files({"create.sh": f"eksctl create cluster --name demo {flag}\n"})
    assert statuses(scan, "EKS201") == [("cluster/demo/nodegroup/managedgroup-0", "pass")]
    assert scan.failing("EKS101")  # the endpoint is still open: only the nodes moved


def test_private_networking_false_is_declared(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": "eksctl create cluster --name demo --node-private-networking=false\n"})
    [finding] = scan.failing("EKS201")
    assert (finding.provenance, finding.severity, finding.origin and finding.origin.line) == ("declared", "high", 1)


def test_bool_flag_does_not_take_the_next_word_as_value(scan_files: ScanFiles) -> None:
    # pflag: `--node-private-networking false` is the flag (true) and a positional argument `false`
    scan = scan_files({"create.sh": "eksctl create cluster --node-private-networking false\n"})
    assert statuses(scan, "EKS201") == [("cluster/false/nodegroup/managedgroup-0", "pass")]


def test_ssh_access_on_public_nodes_gives_eks208(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": """
        eksctl create cluster --name public --ssh-access
        eksctl create cluster --name private --ssh-access -P
        eksctl create cluster --name keyonly --ssh-public-key my-key
        eksctl create cluster --name off
    """})
    # a key without --ssh-access: the flag's default is an explicit false, which setSSHDefaults keeps for a managed
    # group (only unmanaged ones turn it on for a key: configfile.go normalizeNodeGroup)
    assert statuses(scan, "EKS208") == [
        ("cluster/keyonly/nodegroup/managedgroup-0", "pass"), ("cluster/off/nodegroup/managedgroup-0", "pass"),
        ("cluster/private/nodegroup/managedgroup-0", "pass"), ("cluster/public/nodegroup/managedgroup-0", "fail")]
    by_cluster = {f.target.split("/")[1]: f for f in scan.failing("EKS208")}
    assert (by_cluster["public"].severity, by_cluster["public"].provenance) == ("high", "declared")
    assert by_cluster["public"].origin is not None and by_cluster["public"].origin.line == 1


def test_with_oidc_removes_eks401(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": """
        eksctl create cluster --name irsa --with-oidc
        eksctl create cluster --name plain
    """})
    assert statuses(scan, "EKS401") == [("cluster/irsa", "pass"), ("cluster/plain", "fail")]
    [plain] = scan.failing("EKS401")
    assert plain.note is not None and "--with-oidc" in plain.note.en


def test_fargate_gives_no_node_group_findings(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": "eksctl create cluster --name serverless --fargate\n"})
    node_targets = [f.target for f in scan.report.results if "/nodegroup/" in f.target]
    assert node_targets == []
    assert statuses(scan, "EKS201") == [("cluster/serverless", "not_applicable")]
    cluster = scan.cluster("serverless")
    assert [(p.name, p.namespaces) for p in cluster.fargate_profiles] == [("fp-default", ["default", "kube-system"])]
    assert scan.failing("EKS101")  # the control plane is still checked


def test_fargate_with_explicit_managed_keeps_the_node_group(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": "eksctl create cluster --name both --fargate --managed\n"})
    assert statuses(scan, "EKS201") == [("cluster/both/nodegroup/managedgroup-0", "fail")]


@pytest.mark.parametrize("flags", ["--without-nodegroup", "--enable-auto-mode"])
def test_no_initial_node_group(scan_files: ScanFiles, flags: str) -> None:
    scan = scan_files({"create.sh": f"eksctl create cluster --name bare {flags}\n"})
    assert scan.cluster("bare").node_groups == []
    assert not [f for f in scan.report.results if "/nodegroup/" in f.target]


def test_self_managed_initial_node_group(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": "eksctl create cluster --name self --managed=false -t t3.small\n"})
    [group] = scan.cluster("self").node_groups
    assert (group.kind, group.name) == ("self-managed", "nodegroup-0")
    assert group.instance_types is not None and group.instance_types.value == ["t3.small"]


def test_unknown_flag_is_a_warning_and_the_rest_is_evaluated(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": """
        # a flag from a newer (or older) eksctl
        eksctl create cluster --name demo --frobnicate-nodes 3 -P --version=1.29
    """})
    assert scan.warnings() == [f"{scan.estate.clusters[0].origin.path}:2: unknown flag `--frobnicate-nodes` for "
                               "`eksctl create cluster`; the other flags are still evaluated"]
    assert scan.estate.problems == []  # a warning, not an input error (exit code 2)
    assert statuses(scan, "EKS201") == [("cluster/demo/nodegroup/managedgroup-0", "pass")]
    assert [f.severity for f in scan.failing("EKS106")] == ["high"]
    assert scan.failing("EKS101")


def test_shorthands_and_value_forms(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": "eksctl -v 4 create cluster -n=short -r eu-west-1 -tm5.xlarge -N 3 "
                                    "--nodegroup-name=workers --max-pods-per-node 8 --zones eu-west-1a "
                                    "--zones eu-west-1b\n"})
    cluster = scan.cluster("short")
    assert cluster.region is not None and cluster.region.value == "eu-west-1"
    [group] = cluster.node_groups
    assert group.name == "workers"
    assert group.instance_types is not None and group.instance_types.value == ["m5.xlarge"]
    assert group.max_pods_per_node is not None and group.max_pods_per_node.value == 8
    # a repeated list flag appends (pflag stringSlice)
    assert cluster.cluster_subnet_azs is not None and cluster.cluster_subnet_azs.value == ["eu-west-1a", "eu-west-1b"]


def test_node_role_flags(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": "eksctl create cluster --name ecr --full-ecr-access --with-oidc\n"})
    [finding] = scan.failing("EKS304")
    assert finding.provenance == "declared"
    assert "AmazonEC2ContainerRegistryPowerUser" in str(finding.observed)
    assert "AmazonEKS_CNI_Policy" not in str(finding.observed)  # --with-oidc: the CNI policy leaves the node role


def test_unknown_values_become_unknown_with_the_reason(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": """
        PRIV=$(cat settings/private)
        eksctl create cluster --name demo --node-private-networking=$PRIV --version "$K8S_VERSION"
    """})
    assert scan.estate.problems == []
    [nodes] = scan.results("EKS201")
    assert nodes.status is Status.UNKNOWN
    assert nodes.message is not None and "cat settings/private" in nodes.message.en
    [version] = scan.results("EKS106")
    assert version.status is Status.UNKNOWN
    assert version.message is not None and "K8S_VERSION" in version.message.en and "--var" in version.message.en


def test_variables_and_defaults_are_substituted(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": """
        NAME=team-a
        export REGION="ap-northeast-1"
        eksctl create cluster --name "${NAME}-prod" --region $REGION --version "${K8S_VERSION:-1.29}"
    """})
    cluster = scan.cluster("team-a-prod")
    assert cluster.region is not None and cluster.region.value == "ap-northeast-1"
    assert cluster.version is not None and (cluster.version.value, cluster.version.declared) == ("1.29", True)


def test_flags_from_an_unquoted_variable_are_split(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": """
        EXTRA="--node-private-networking --with-oidc"
        EMPTY=
        eksctl create cluster --name split $EXTRA $EMPTY
    """})
    assert statuses(scan, "EKS201") == [("cluster/split/nodegroup/managedgroup-0", "pass")]
    assert statuses(scan, "EKS401") == [("cluster/split", "pass")]


def test_bare_command_is_all_defaults(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": "eksctl create cluster\n"})
    cluster = scan.cluster("unnamed")
    assert cluster.version is not None and (cluster.version.value, cluster.version.provenance.value) == ("1.34",
                                                                                                           "defaulted")
    for rule in ("EKS101", "EKS103", "EKS104", "EKS108", "EKS201", "EKS401"):
        assert [f.provenance for f in scan.failing(rule)] == ["defaulted by eksctl"], rule


def test_flags_eksctl_rejects_with_a_config_file_are_an_error(scan_files: ScanFiles) -> None:
    scan = scan_files({
        "cluster.yaml": """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata: {name: fromfile, region: us-east-1}
            managedNodeGroups:
              - name: ng
                privateNetworking: true
        """,
        "create.sh": "eksctl create cluster -f cluster.yaml --nodes 3 --node-private-networking --name x\n",
    })
    [problem] = scan.estate.problems
    assert (problem.kind, problem.line) == ("rejected-command", 1)
    assert problem.path.endswith("create.sh")
    for flag in ("--name", "--node-private-networking", "--nodes"):
        assert f"cannot use {flag} when --config-file/-f is set" in problem.message
    # the configuration itself is still evaluated, once, at the config file
    assert [c.name for c in scan.estate.clusters] == ["fromfile"]
    assert [f.origin.path.endswith("cluster.yaml") for f in scan.failing("EKS101") if f.origin] == [True]


@pytest.mark.parametrize(("command", "message"), [
    ("eksctl create cluster --managed=false --spot", "--spot is only valid with managed nodegroups"),
    ("eksctl create cluster --enable-auto-mode --nodes 3", "cannot use --nodes when Auto Mode is enabled"),
    ("eksctl create cluster --name a b", "--name=a and argument b cannot be used at the same time"),
    ("eksctl create cluster --node-zones us-east-1a", "zones must be defined if node-zones is provided"),
])
def test_combinations_eksctl_refuses(scan_files: ScanFiles, command: str, message: str) -> None:
    scan = scan_files({"create.sh": command + "\n"})
    assert [(p.kind, message in p.message) for p in scan.estate.problems] == [("rejected-command", True)]


def test_with_oidc_has_no_effect_with_a_config_file(scan_files: ScanFiles) -> None:
    scan = scan_files({
        "cluster.yaml": "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: r}\n",
        "create.sh": "eksctl create cluster -f cluster.yaml --with-oidc\n",
    })
    assert scan.estate.problems == []
    assert any("--with-oidc has no effect with -f" in w for w in scan.warnings())
    assert scan.failing("EKS401")  # the file decides: no OIDC
