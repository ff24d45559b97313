"""Fixes from the third review of eksctl command lines on real repositories (the EKS workshop's Markdown):
here-document configurations that `eksctl create nodegroup -f` reads."""

from __future__ import annotations

from clkit import ScanFiles

from eksguard.findings import Status

_CLUSTER_RULES = ("EKS101", "EKS103", "EKS104", "EKS105", "EKS106", "EKS107", "EKS108", "EKS209", "EKS401")


def test_a_here_document_only_create_nodegroup_reads_is_scored_for_its_node_groups(scan_files: ScanFiles) -> None:
    # eks-workshop content/advanced/430_emr_on_eks/prereqs.md: a node group added to a cluster made elsewhere
    scan = scan_files({"prereqs.md": """
        ```sh
        cat << EOF > addnodegroup.yaml
        ---
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig

        metadata:
          name: eksworkshop-eksctl
          region: ${AWS_REGION}

        managedNodeGroups:
        - name: emrnodegroup
          desiredCapacity: 3
          instanceType: m5.xlarge
        EOF
        ```

        ```sh
        eksctl create nodegroup --config-file=addnodegroup.yaml
        ```
    """})
    for rule in _CLUSTER_RULES:
        [result] = scan.results(rule)
        assert result.status is Status.NOT_APPLICABLE, rule
        assert result.message is not None and "used only by `eksctl create nodegroup -f` (" in result.message.en
        assert result.message.ja
    assert [f.target for f in scan.failing("EKS302")] == ["cluster/eksworkshop-eksctl/nodegroup/emrnodegroup"]
    assert [f.status for f in scan.results("EKS201")] == [Status.FAIL]


def test_a_here_document_create_cluster_read_before_gets_the_new_node_groups(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        cat << EOF > cluster.yaml
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: demo
          region: us-west-2
        managedNodeGroups:
        - name: first
        EOF
        eksctl create cluster -f cluster.yaml
        cat << EOF > more.yaml
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: demo
          region: us-west-2
        managedNodeGroups:
        - name: first
        - name: second
        EOF
        eksctl create nodegroup -f more.yaml
    """})
    cluster = scan.cluster("demo")
    assert cluster.partial_use is None
    # eksctl create nodegroup -f skips node groups that already exist (pkg/ctl/create/nodegroup.go)
    assert [g.name for g in cluster.node_groups] == ["first", "second"]
    assert [f.status for f in scan.results("EKS101")] == [Status.FAIL]


def test_a_scanned_file_create_nodegroup_reads_stays_its_own_cluster(scan_files: ScanFiles) -> None:
    scan = scan_files({"ng.yaml": """
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: demo
          region: us-west-2
        managedNodeGroups:
        - name: extra
    """, "setup.sh": """
        eksctl create cluster --name demo
        eksctl create nodegroup -f ng.yaml
    """})
    clusters = {c.origin.path.rsplit("/", 1)[-1]: c for c in scan.estate.clusters}
    assert sorted(clusters) == ["ng.yaml", "setup.sh"]
    assert clusters["ng.yaml"].partial_use is not None
    assert [g.name for g in clusters["setup.sh"].node_groups] == ["managedgroup-0"]


def test_a_config_written_to_a_path_known_only_by_its_variable_is_the_one_read_from_it(
        scan_files: ScanFiles) -> None:
    # amazon-vpc-cni-k8s scripts/run-mixed-os-snat-kube-proxy-test.sh: `cat > "$CLUSTER_CONFIG" <<EOF`
    # in one function, `eksctl create cluster -f "$CLUSTER_CONFIG"` in the next, the path built from `$2`
    scan = scan_files({"test.sh": """
        CLUSTER_NAME="$2"
        CLUSTER_CONFIG="/tmp/${CLUSTER_NAME}-config.yaml"
        generate_cluster_config() {
            cat > "$CLUSTER_CONFIG" <<EOF
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: ${CLUSTER_NAME}
          region: us-west-2
        EOF
        }
        create_cluster() {
            generate_cluster_config
            eksctl create cluster -f "${CLUSTER_CONFIG}" --kubeconfig "$KUBECONFIG"
        }
    """})
    assert not any("is not evaluated" in w for w in scan.warnings())
    [cluster] = scan.estate.clusters
    assert cluster.origin.line == 8  # `metadata.name` in the here-document
    assert [f.status for f in scan.results("EKS101")] == [Status.FAIL]


def test_a_variable_set_again_after_the_write_names_another_file(scan_files: ScanFiles) -> None:
    scan = scan_files({"test.sh": """
        CONFIG="$1"
        cat > "$CONFIG" <<EOF
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: first
        EOF
        CONFIG="$2"
        eksctl create cluster -f "$CONFIG"
    """})
    assert scan.estate.clusters == []
    assert any("test.sh:9:" in w and "is not evaluated" in w for w in scan.warnings())
