"""Fixes from the review of eksctl command lines in the Amazon EKS user guide's AsciiDoc source."""

from __future__ import annotations

from clkit import ScanFiles

from eksguard.findings import Status


def test_help_runs_no_command(scan_files: ScanFiles) -> None:
    # user guide nodes/create-managed-node-group.adoc: the options are listed with `--help` before the real command
    scan = scan_files({"guide.adoc": """
        [source,bash,subs="verbatim,attributes"]
        ----
        eksctl create nodegroup --help
        eksctl create cluster -h
        eksctl create cluster --name shown --help=true
        ----
    """})
    assert scan.estate.problems == []
    assert scan.estate.clusters == []
    assert scan.results("EKS101") == []


def test_help_switched_off_still_runs_the_command(scan_files: ScanFiles) -> None:
    scan = scan_files({"guide.adoc": """
        [source,bash]
        ----
        eksctl create cluster --name real --help=false
        ----
    """})
    assert [c.name for c in scan.estate.clusters] == ["real"]
    assert [f.status for f in scan.results("EKS101")] == [Status.FAIL]


def test_attributes_are_substituted_when_subs_is_a_quoted_list(scan_files: ScanFiles) -> None:
    # the user guide writes `[source,bash,subs="verbatim,attributes"]`: one attribute, whose value has a comma
    scan = scan_files({"guide.adoc": """
        :cluster: demo

        [source,bash,subs="verbatim,attributes"]
        ----
        eksctl create cluster --name {cluster} --region us-west-2
        ----
    """})
    assert [c.name for c in scan.estate.clusters] == ["demo"]


def test_the_aws_docs_arn_attribute_is_the_arn_prefix(scan_files: ScanFiles) -> None:
    # user guide nodes/launch-node-bottlerocket.adoc: `{arn-aws}` comes from the guide's shared attributes.txt
    scan = scan_files({"guide.adoc": """
        [source,bash,subs="verbatim,attributes"]
        ----
        cat >bottlerocket.yaml <<EOF
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: my-cluster
          region: region-code
        nodeGroups:
          - name: ng-bottlerocket
            iam:
               attachPolicyARNs:
                  - {arn-aws}iam::aws:policy/AmazonEKSWorkerNodePolicy
                  - {arn-aws}iam::aws:policy/AmazonEC2ContainerRegistryReadOnly
        EOF
        ----

        [source,bash,subs="verbatim,attributes"]
        ----
        eksctl create cluster -f bottlerocket.yaml
        ----
    """})
    assert scan.warnings() == []
    [group] = scan.cluster("my-cluster").node_groups
    assert group.role_policies is not None
    assert group.role_policies.value[:2] == ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                                             "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"]


def test_a_yaml_tagged_block_that_is_one_here_document_is_a_command(scan_files: ScanFiles) -> None:
    # user guide networking/eks-networking-add-ons.adoc: `[source,yaml]` around `cat >ipv6-cluster.yaml <<EOF`
    scan = scan_files({"guide.adoc": """
        [source,yaml,subs="verbatim,attributes"]
        ----
        cat >ipv6-cluster.yaml <<EOF
        ---
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: my-cluster
          region: region-code
        EOF
        ----

        [source,bash,subs="verbatim,attributes"]
        ----
        eksctl create cluster -f ipv6-cluster.yaml
        ----
    """, "page.md": """
        ```yaml
        cat <<EOF > other.yaml
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: other
          region: us-west-2
        EOF
        ```

        ```bash
        eksctl create cluster -f other.yaml
        ```
    """})
    assert scan.warnings() == []
    assert sorted(c.name for c in scan.estate.clusters) == ["my-cluster", "other"]
    [result] = [f for f in scan.failing("EKS101") if f.target == "cluster/my-cluster"]
    assert result.origin is not None and (result.origin.path.endswith("guide.adoc"), result.origin.line) == (True, 8)  # `metadata:`


def test_a_yaml_block_is_still_no_command(scan_files: ScanFiles) -> None:
    scan = scan_files({"page.md": """
        ```yaml
        defaults: &defaults
          a: 1
        item:
          <<: *defaults
        ```
    """})
    assert scan.estate.clusters == []
    assert scan.warnings() == []


_EFA_PAGE = """
    .. Copy the following contents to a file named [.replaceable]`efa-cluster.yaml`. Replace the example values.
    +
    [source,yaml,subs="verbatim,attributes"]
    ----
    apiVersion: eksctl.io/v1alpha5
    kind: ClusterConfig

    metadata:
      name: my-efa-cluster
      region: region-code

    managedNodeGroups:
      - name: my-efa-ng
        instanceType: p5.48xlarge
    ----
    .. Create the cluster.
    +
    [source,bash,subs="verbatim,attributes"]
    ----
    eksctl create cluster -f efa-cluster.yaml
    ----
"""


def test_a_config_block_the_text_names_is_the_file_a_later_command_reads(scan_files: ScanFiles) -> None:
    # user guide ml/node-efa.adoc, quickstart.adoc, nodes/dockershim-deprecation.adoc ...
    scan = scan_files({"node-efa.adoc": _EFA_PAGE})
    assert scan.warnings() == []
    cluster = scan.cluster("my-efa-cluster")
    assert any("from the code block at" in note.en and "の" in note.ja for note in cluster.notes)
    [result] = scan.failing("EKS101")
    assert result.origin is not None and result.origin.line == 9  # `metadata:` of the block
    [ssm] = scan.failing("EKS302")
    assert ssm.target == "cluster/my-efa-cluster/nodegroup/my-efa-ng"


def test_a_config_block_named_by_its_first_comment_line(scan_files: ScanFiles) -> None:
    # user guide automode/wip/eksctl-docs.adoc; a ClusterConfig in a block tagged bash (hybrid-nodes-cluster-create)
    scan = scan_files({"README.md": """
        Review the configuration:

        ```bash
        # auto-mode-cluster.yaml
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: auto
          region: us-west-2
        autoModeConfig:
          enabled: true
        ```

        ```console
        $ eksctl create cluster -f auto-mode-cluster.yaml
        ```
    """})
    assert scan.warnings() == []
    assert [c.name for c in scan.estate.clusters] == ["auto"]


def test_a_config_block_the_text_does_not_name_one_way_is_no_file(scan_files: ScanFiles) -> None:
    scan = scan_files({"README.md": """
        Save it as `a.yaml` or `b.yaml`:

        ```yaml
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: either
          region: us-west-2
        ```

        ```bash
        eksctl create cluster -f a.yaml
        ```
    """})
    assert scan.estate.clusters == []
    assert [w for w in scan.warnings() if "the configuration `a.yaml` of this command is not evaluated" in w]


def test_a_scanned_file_of_that_name_wins_over_the_block_a_page_shows(scan_files: ScanFiles) -> None:
    scan = scan_files({"docs/node-efa.adoc": _EFA_PAGE, "examples/efa-cluster.yaml": """
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: the-real-one
          region: us-west-2
    """})
    assert [c.name for c in scan.estate.clusters] == ["the-real-one"]


def test_create_nodegroup_then_create_cluster_of_one_config_are_alternatives(scan_files: ScanFiles) -> None:
    # user guide ml/node-efa.adoc: "Create a managed node group in an existing cluster" / "If you don't have an
    # existing cluster ... create a cluster and the node group": the node group is made once
    scan = scan_files({"node-efa.adoc": _EFA_PAGE.replace(
        "eksctl create cluster -f efa-cluster.yaml",
        "eksctl create nodegroup -f efa-cluster.yaml\n    eksctl create cluster -f efa-cluster.yaml")})
    cluster = scan.cluster("my-efa-cluster")
    assert cluster.partial_use is None
    assert [g.name for g in cluster.node_groups] == ["my-efa-ng"]
    assert [f.target for f in scan.failing("EKS302")] == ["cluster/my-efa-cluster/nodegroup/my-efa-ng"]
    assert any("`eksctl create nodegroup -f efa-cluster.yaml`" in note.en for note in cluster.notes)
