"""Fixes from the second review of eksctl command lines on real repositories: the command named in
messages, `--dry-run`, existing subnets, here-document files and node-group-only configurations."""

from __future__ import annotations

from clkit import ScanFiles

from eksguard.findings import Status


def test_volume_encryption_note_names_the_nodegroup_command(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        eksctl create cluster --name demo -P
        eksctl create nodegroup --cluster demo --name extra -P
    """})
    notes = {f.target.rsplit("/", 1)[-1]: f.message.en if f.message else ""
             for f in scan.results("EKS303", Status.UNKNOWN)}
    assert "`eksctl create cluster` has no flag for volume encryption" in notes["managedgroup-0"]
    assert "`eksctl create nodegroup` has no flag for volume encryption" in notes["extra"]


def test_dry_run_creates_nothing(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        eksctl create cluster --name preview --dry-run
        eksctl create cluster --name preview2 --dry-run=false
        eksctl create nodegroup --cluster preview2 --name extra --dry-run
    """})
    assert [c.name for c in scan.estate.clusters] == ["preview2"]
    assert [g.name for g in scan.cluster("preview2").node_groups] == ["managedgroup-0"]
    assert scan.results("EKS101", Status.FAIL)[0].origin.line == 2  # type: ignore[union-attr]
    printed = [w for w in scan.warnings() if "with `--dry-run` eksctl only prints the ClusterConfig" in w]
    assert [w.split(":")[1] for w in printed] == ["1", "3"]


def test_existing_subnets_are_not_a_vpc_eksctl_builds(scan_files: ScanFiles) -> None:
    # eksctl userdocs usage/vpc-configuration.md: `--vpc-*-subnets` use an existing VPC
    scan = scan_files({"vpc.md": """
        ```
        eksctl create cluster --name both --vpc-private-subnets=subnet-1,subnet-2 --vpc-public-subnets=subnet-3,subnet-4
        ```

        ```
        eksctl create cluster --name private --vpc-private-subnets=subnet-1,subnet-2,subnet-3 --node-private-networking
        ```
    """})
    for rule in ("EKS203", "EKS204"):
        results = scan.results(rule)
        assert [f.status for f in results] == [Status.UNKNOWN, Status.UNKNOWN], rule
        assert all(f.message and "DNS settings and routes are not in this file" in f.message.en for f in results)
    control_plane = {f.target: f.status for f in scan.results("EKS209")}
    # with only private subnets given, the control-plane ENIs have no public subnet to go to
    assert control_plane == {"cluster/both": Status.FAIL, "cluster/private": Status.PASS}


NODEGROUP_ONLY = """
    apiVersion: eksctl.io/v1alpha5
    kind: ClusterConfig
    metadata:
      name: demo
      region: us-west-2
      version: "1.25"
    managedNodeGroups:
      - name: graviton
        instanceType: t4g.medium
"""


def test_a_file_used_only_by_create_nodegroup_is_scored_for_its_node_groups(scan_files: ScanFiles) -> None:
    scan = scan_files({"ng.yaml": NODEGROUP_ONLY, "doc.md": """
        ```bash
        $ eksctl create nodegroup -f ng.yaml
        ```
    """})
    for rule in ("EKS101", "EKS103", "EKS104", "EKS105", "EKS106", "EKS107", "EKS108", "EKS209", "EKS401"):
        [result] = scan.results(rule)
        assert result.status is Status.NOT_APPLICABLE, rule
        assert result.message is not None and "used only by `eksctl create nodegroup -f` (" in result.message.en
    # node-group rules still apply
    assert [f.target for f in scan.failing("EKS302")] == ["cluster/demo/nodegroup/graviton"]
    assert [f.status for f in scan.results("EKS201")] == [Status.FAIL]


def test_each_command_applies_its_own_part_of_the_file(scan_files: ScanFiles) -> None:
    scan = scan_files({"ng.yaml": NODEGROUP_ONLY, "upgrade.sh": """
        eksctl upgrade cluster -f ng.yaml --approve
        eksctl create iamserviceaccount --config-file=ng.yaml --approve
    """})
    assert [f.status for f in scan.results("EKS106")] == [Status.FAIL]  # `upgrade cluster` sets the version
    for rule in ("EKS101", "EKS302", "EKS401"):  # neither command applies these
        assert {f.status for f in scan.results(rule)} == {Status.NOT_APPLICABLE}, rule
    [result] = scan.results("EKS101")
    assert result.message is not None and "`eksctl create iamserviceaccount -f`" in result.message.en


def test_a_file_a_command_creates_a_cluster_from_is_scored_whole(scan_files: ScanFiles) -> None:
    scan = scan_files({"ng.yaml": NODEGROUP_ONLY, "setup.sh": """
        eksctl create cluster -f ng.yaml
        eksctl create nodegroup -f ng.yaml
    """})
    assert scan.cluster("demo").partial_use is None
    assert [f.status for f in scan.results("EKS101")] == [Status.FAIL]


def test_a_config_the_script_writes_from_here_documents_is_evaluated(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        #!/bin/bash
        cmd="create"
        cat << EOF > clusterconfig.yaml
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: written
          region: us-west-2
        EOF
        cat <<EOF >> clusterconfig.yaml

        vpc:
          publicAccessCIDRs: ["203.0.113.10/32"]
        EOF
        eksctl ${cmd} cluster -f clusterconfig.yaml
    """})
    assert not any("clusterconfig.yaml" in w for w in scan.warnings())
    cluster = scan.cluster("written")
    assert cluster.origin.path.endswith("setup.sh") and cluster.origin.line == 7
    cidrs = cluster.public_endpoint_cidrs
    # the appended part is read too, at its own script line
    assert cidrs is not None and cidrs.value == ["203.0.113.10/32"] and cidrs.origin.line == 13
    assert [f.status for f in scan.results("EKS101")] == [Status.PASS]


def test_a_verb_set_only_after_and_and_is_not_guessed(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        cmd="create"
        eksctl get cluster --name c3 && cmd="upgrade"
        eksctl ${cmd} cluster --name c3
    """})
    assert scan.estate.clusters == []
    [warning] = scan.warnings()
    assert "setup.sh:3:" in warning and "is not evaluated: its subcommand is not known here" in warning
