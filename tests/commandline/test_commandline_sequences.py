"""Later eksctl commands of the same script (or code-block sequence) change the cluster in order, and
`-f` configurations are found where the command line reads them."""

from __future__ import annotations

from pathlib import Path

from clkit import ScanFiles, scan_paths

from eksguard.findings import Status

CONFIG = """
    apiVersion: eksctl.io/v1alpha5
    kind: ClusterConfig
    metadata:
      name: fromfile
      region: us-east-1
    vpc:
      clusterEndpoints:
        publicAccess: true
    managedNodeGroups:
      - name: ng
        privateNetworking: true
"""


def test_restricting_the_endpoint_later_is_not_eks101_but_the_window_is_noted(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        #!/bin/bash
        set -euo pipefail
        CLUSTER=demo
        eksctl create cluster --name "$CLUSTER" -P
        kubectl apply -f app.yaml
        eksctl utils update-cluster-vpc-config --cluster "$CLUSTER" \\
          --public-access-cidrs 203.0.113.10/32 --approve
    """})
    # not a critical EKS101: only an info finding at the command that opened the endpoint
    [endpoint] = scan.results("EKS101")
    assert endpoint.status is Status.FAIL and endpoint.severity == "info"
    assert endpoint.origin is not None and endpoint.origin.line == 4
    assert endpoint.observed is not None and endpoint.observed.endswith("setup.sh:6")
    assert [f.severity for f in scan.failing("EKS102")] == ["low"]  # on, restricted
    cluster = scan.cluster("demo")
    [window] = cluster.exposure_windows
    assert (window.opened.line, window.closed.line) == (4, 6)
    assert window.note in cluster.notes
    [info] = scan.warnings("info")
    assert info.endswith("setup.sh:4 until " + info.split(" until ")[1])
    assert "open to the internet (0.0.0.0/0)" in info and "setup.sh:6" in info
    assert scan.warnings() == []


def test_updates_without_approve_change_nothing(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        eksctl create cluster --name demo
        eksctl utils update-cluster-vpc-config --cluster demo --public-access-cidrs 203.0.113.10/32
        eksctl utils update-cluster-logging --cluster demo --enable-types all
    """})
    assert [f.origin.line for f in scan.failing("EKS101") if f.origin] == [1]
    assert scan.failing("EKS104")
    assert len([w for w in scan.warnings() if "without `--approve`" in w]) == 2
    assert scan.cluster("demo").exposure_windows == []


def test_turning_the_public_endpoint_off(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        eksctl create cluster --name demo
        eksctl utils update-cluster-vpc-config --cluster=demo --private-access=true --public-access=false --approve
    """})
    assert [(f.status, f.severity) for f in scan.results("EKS101")] == [(Status.FAIL, "info")]  # the window
    assert [f.status for f in scan.results("EKS103")] == [Status.PASS]
    assert len(scan.cluster("demo").exposure_windows) == 1


def test_logging_oidc_nodegroups_and_identity_mappings(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        eksctl create cluster --name demo -P
        eksctl utils update-cluster-logging --cluster demo --enable-types all --disable-types scheduler --approve
        eksctl utils associate-iam-oidc-provider --cluster demo --approve
        eksctl create nodegroup --cluster demo --name public-ng --ssh-access
        eksctl create ng --cluster demo private-ng -P
        eksctl create iamidentitymapping --cluster demo --arn arn:aws:iam::111122223333:role/admins \\
          --group system:masters --username admin
    """})
    logging = scan.results("EKS104")
    assert [(f.status, f.origin.line if f.origin else None) for f in logging] == [(Status.PASS, 2)]
    cluster = scan.cluster("demo")
    assert cluster.log_types is not None
    assert cluster.log_types.value == ["api", "audit", "authenticator", "controllerManager"]
    assert [(f.status, f.origin.line if f.origin else None) for f in scan.results("EKS401")] == [(Status.PASS, 3)]
    public = {f.target.rsplit("/", 1)[-1]: (f.status, f.origin.line if f.origin else None)
              for f in scan.results("EKS201")}
    assert public == {"managedgroup-0": (Status.PASS, 1), "public-ng": (Status.FAIL, 4),
                      "private-ng": (Status.PASS, 5)}
    assert [f.target for f in scan.failing("EKS208")] == ["cluster/demo/nodegroup/public-ng"]
    [masters] = scan.failing("EKS402")
    assert (masters.origin and masters.origin.line, masters.target) == (6, "cluster/demo/aws-auth/"
                                                                           "arn:aws:iam::111122223333:role/admins")


def test_later_commands_apply_to_every_way_the_document_creates_the_cluster(scan_files: ScanFiles) -> None:
    # external-dns's AWS tutorial: two alternative `create cluster` commands, then IRSA, logging and a mapping
    scan = scan_files({"setup.sh": """
        eksctl create cluster --name dns --external-dns-access
        eksctl create cluster --name dns
        eksctl utils associate-iam-oidc-provider --cluster dns --approve
        eksctl utils update-cluster-logging --cluster dns --enable-types all --approve
        eksctl utils update-cluster-vpc-config --cluster dns --public-access-cidrs 203.0.113.7/32 --approve
        eksctl create iamidentitymapping --cluster dns --arn arn:aws:iam::111122223333:role/admins \\
          --group system:masters --username admin
    """})
    assert len(scan.estate.clusters) == 2
    for rule, line in (("EKS401", 3), ("EKS104", 4)):
        assert [(f.status, f.origin.line if f.origin else None) for f in scan.results(rule)] == [(Status.PASS, line)] * 2
    # restricted later: each has only the exposure window until then (info)
    assert [(f.status, f.severity) for f in scan.results("EKS101")] == [(Status.FAIL, "info")] * 2
    assert [f.origin.line if f.origin else None for f in scan.failing("EKS402")] == [6, 6]


def test_a_deleted_cluster_is_no_alternative(scan_files: ScanFiles) -> None:
    scan = scan_files({"lab.sh": """
        eksctl create cluster --name lab
        eksctl delete cluster --name lab
        eksctl create cluster --name lab
        eksctl utils associate-iam-oidc-provider --cluster lab --approve
    """})
    assert [(f.status, f.origin.line if f.origin else None) for f in scan.results("EKS401")] == \
        [(Status.FAIL, 1), (Status.PASS, 4)]


def test_commands_on_a_cluster_created_elsewhere_only_know_what_they_change(scan_files: ScanFiles) -> None:
    scan = scan_files({"grant.sh": """
        eksctl create iamidentitymapping --cluster prod --arn arn:aws:iam::111122223333:user/bob --group system:masters
        eksctl utils update-cluster-vpc-config --cluster prod --public-access-cidrs 0.0.0.0/0 --approve
    """})
    cluster = scan.cluster("prod")
    assert cluster.source == "eksctl-cli" and cluster.node_groups == []
    assert [f.origin.line for f in scan.failing("EKS402") if f.origin] == [1]
    # the endpoint's public access is not in this file: unknown, never a guessed default
    assert [f.status for f in scan.results("EKS101")] == [Status.UNKNOWN]
    for rule in ("EKS103", "EKS104", "EKS106", "EKS108", "EKS201"):
        assert scan.failing(rule) == [], rule


def test_placeholder_and_empty_cluster_names(scan_files: ScanFiles) -> None:
    # eksctl userdocs/src/usage/nodegroup-unmanaged.md:24: the placeholders swallowed `--managed=false`
    scan = scan_files({"nodegroups.md": """
        ```shell
        eksctl create nodegroup --cluster=<clusterName> --region=<region> --name=<newNodeGroupName> --managed=false
        ```

        ```shell
        eksctl create nodegroup --cluster="" --name=other
        ```
    """})
    cluster = scan.cluster("<clusterName>")
    # an empty name is no name, and eksctl refuses a node group of no cluster (NewCreateNodeGroupLoader: "--cluster
    # must be set"): the second command adds nothing, to neither the file's latest cluster nor `cluster/`
    assert [c.name for c in scan.estate.clusters] == ["<clusterName>"]
    assert [(g.name, g.kind) for g in cluster.node_groups] == [("<newNodeGroupName>", "self-managed")]
    assert {f.target for f in scan.results("EKS201")} == {"cluster/<clusterName>/nodegroup/<newNodeGroupName>"}
    assert [(p.line, p.kind, p.message) for p in scan.estate.problems] == [
        (6, "rejected-command", "eksctl would refuse this command: --cluster must be set")]


def test_commands_that_name_no_cluster_are_refused_before_their_changes(scan_files: ScanFiles) -> None:
    # eksctl userdocs: `utils` commands check the cluster name before `--approve` (validateMetadataWithoutConfigFile)
    scan = scan_files({"lock.sh": """
        eksctl create cluster --name prod
        eksctl utils update-cluster-vpc-config --public-access-cidrs 203.0.113.0/24 --approve
        eksctl utils update-cluster-logging --enable-types all
        eksctl utils update-cluster-vpc-config --cluster prod prod --private-access=true --approve
        eksctl create nodegroup --managed
    """})
    assert [(p.line, p.message.removeprefix("eksctl would refuse this command: ")) for p in scan.estate.problems] == [
        (2, "--cluster must be set"), (3, "--cluster must be set"),
        (4, "--cluster=prod and argument prod cannot be used at the same time"), (5, "--cluster must be set")]
    # the CIDRs are never applied: the endpoint stays open to the internet
    [endpoint] = scan.failing("EKS101")
    assert endpoint.severity == "critical"
    assert len(scan.cluster("prod").node_groups) == 1  # the default one `create cluster` makes, not a second


def test_markdown_code_blocks_are_one_sequence(scan_files: ScanFiles) -> None:
    scan = scan_files({"runbook.md": """
        # Runbook

        ```sh
        export CLUSTER=team
        eksctl create cluster --name $CLUSTER -P
        ```

        Then lock the endpoint down:

        ```console
        $ eksctl utils update-cluster-vpc-config --cluster $CLUSTER --public-access-cidrs 198.51.100.0/24 --approve
        [✔]  public access CIDRs for cluster "team" in "us-west-2" have been updated
        ```

        Clean up:

        ```bash
        eksctl delete cluster --name $CLUSTER
        ```
    """})
    assert [f.severity for f in scan.failing("EKS101")] == ["info"]  # only the window
    cluster = scan.cluster("team")
    assert [(w.opened.line, w.closed.line) for w in cluster.exposure_windows] == [(5, 11)]
    assert any("deletes this cluster later" in note.en and "runbook.md:18" in note.en for note in cluster.notes)


def test_config_file_relative_to_the_script_folder(scan_files: ScanFiles, tmp_path: Path) -> None:
    scan = scan_files({
        "config/cluster.yaml": CONFIG,
        "scripts/create.sh": """
            #!/bin/sh
            eksctl create cluster -f ../config/cluster.yaml
            eksctl utils update-cluster-vpc-config --cluster fromfile --public-access-cidrs 203.0.113.10/32 --approve
        """,
    })
    assert scan.estate.problems == [] and scan.warnings() == []
    cluster = scan.cluster("fromfile")
    assert cluster.source == "eksctl"
    assert any(note.en.startswith(f"{tmp_path}/scripts/create.sh:2 runs `eksctl create cluster -f ../config/"
                                  "cluster.yaml`") for note in cluster.notes)
    assert [f.severity for f in scan.failing("EKS101")] == ["info"]  # only the window
    [window] = cluster.exposure_windows
    assert (Path(window.opened.path).name, window.opened.line) == ("cluster.yaml", 8)  # `publicAccess: true`
    assert (Path(window.closed.path).name, window.closed.line) == ("create.sh", 3)


def test_config_file_outside_the_scan_is_read_next_to_the_script(tmp_path: Path) -> None:
    (tmp_path / "cluster.yaml").write_text(CONFIG.replace("\n    ", "\n").lstrip())
    (tmp_path / "create.sh").write_text("cd \"$(dirname \"$0\")\"\neksctl create cluster -f ./cluster.yaml\n")
    scan = scan_paths(tmp_path / "create.sh")
    [endpoint] = scan.failing("EKS101")
    assert endpoint.origin is not None and endpoint.origin.path.endswith("cluster.yaml")
    assert ("eksctl" in {i.kind for i in scan.estate.inputs})


def test_stdin_pipelines_resolve_to_the_scanned_file(scan_files: ScanFiles) -> None:
    scan = scan_files({
        "infra/eks/cluster.yaml": CONFIG,
        "a.sh": "cat infra/eks/cluster.yaml | eksctl create cluster -f -\n",
        "b.sh": "envsubst < ./eks/cluster.yaml | eksctl create cluster -f -\n",
        "c.md": "```\ncurl -s https://example.com/org/repo/main/eks/cluster.yaml | envsubst | "
                "eksctl create cluster -f -\n```\n",
    })
    assert scan.warnings() == []
    notes = [n.en for n in scan.cluster("fromfile").notes]
    assert len(notes) == 3
    assert any("(configuration fed by `curl …/main/eks/cluster.yaml | envsubst`)" in n for n in notes)
    assert any("(configuration fed by `envsubst < ./eks/cluster.yaml`)" in n for n in notes)
    assert len(scan.failing("EKS101")) == 1  # one cluster, reported once, at the config file


TEMPLATE = ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${CLUSTER_NAME}\n"
            "  region: ${AWS_REGION}\n")


def test_envsubst_puts_in_what_the_script_exported(scan_files: ScanFiles) -> None:
    """eks-workshop: `export EKS_CLUSTER_NAME=…`, then `curl …/cluster.yaml | envsubst | eksctl create cluster -f -`.
    envsubst sees exported variables only, and with a SHELL-FORMAT argument only the names it lists."""
    scan = scan_files({
        "eks/cluster.yaml": TEMPLATE,
        "setup.md": "```bash\n$ export CLUSTER_NAME=shop\n$ AWS_REGION=us-east-1\n"
                    "$ curl -s https://example.com/o/r/main/eks/cluster.yaml | envsubst | eksctl create cluster -f -\n"
                    "```\n",
    })
    cluster = scan.cluster("shop")
    assert cluster.origin.path.endswith("eks/cluster.yaml")
    assert any("setup.md:4 runs" in n.en for n in cluster.notes)
    # AWS_REGION was set but not exported: still a placeholder envsubst leaves, reported once at its line
    assert sorted((p.line, p.message.split("`")[1]) for p in scan.estate.problems) == [(5, "${AWS_REGION}")]


def test_envsubst_with_a_shell_format_puts_in_only_the_listed_names(scan_files: ScanFiles) -> None:
    listed = scan_files({
        "eks/cluster.yaml": TEMPLATE,
        "setup.sh": "export CLUSTER_NAME=shop AWS_REGION=us-east-1\n"
                    "envsubst '$AWS_REGION' < eks/cluster.yaml | eksctl create cluster -f -\n",
    })
    assert [c.name for c in listed.estate.clusters] == ["${CLUSTER_NAME}"]
    assert [(p.line, p.message.split("`")[1]) for p in listed.estate.problems] == [(4, "${CLUSTER_NAME}")]


def test_a_malformed_url_is_a_warning_not_a_crash(scan_files: ScanFiles) -> None:
    scan = scan_files({"a.md": "```sh\ncurl -fsSL https://raw.example.com]/x/cluster.yaml | eksctl create cluster -f -\n```\n"})
    assert scan.estate.clusters == [] and scan.estate.problems == []
    [warning] = scan.warnings()
    assert warning.endswith("`https://raw.example.com]/x/cluster.yaml` is not a valid URL")


def test_unresolvable_configurations_are_warnings(scan_files: ScanFiles) -> None:
    scan = scan_files({"a.sh": """
        eksctl create cluster -f missing.yaml
        curl -s https://example.com/nowhere/cluster.yaml | eksctl create cluster -f -
        eksctl create cluster -f -
        generate-config | eksctl create cluster -f -
    """})
    assert scan.estate.clusters == [] and scan.estate.problems == []
    messages = scan.warnings()
    assert len(messages) == 4
    assert "missing.yaml" in messages[0] and "not evaluated" in messages[0]
    assert "no scanned file ends with `nowhere/cluster.yaml`" in messages[1]
    assert "the terminal" in messages[2]
    assert "generate-config" in messages[3]


def test_here_document_configuration_points_into_the_script(scan_files: ScanFiles) -> None:
    scan = scan_files({"create.sh": """
        NAME=inline
        cat <<EOF | eksctl create cluster -f -
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: ${NAME}
          region: us-east-1
        vpc:
          publicAccessCIDRs: ["0.0.0.0/0"]
        EOF
        eksctl create cluster -f - <<'YAML'
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata: {name: $LITERAL, region: us-east-1}
        YAML
    """})
    [endpoint] = [f for f in scan.failing("EKS101") if f.target == "cluster/inline"]
    assert (endpoint.provenance, endpoint.origin and endpoint.origin.line) == ("declared", 9)
    assert {c.name for c in scan.estate.clusters} == {"inline", "$LITERAL"}
    assert scan.estate.problems == []


def test_here_document_variables_not_set_keep_their_names(scan_files: ScanFiles) -> None:
    # karpenter's getting-started step02-create-cluster.sh: the cluster and node group are named after
    # ${CLUSTER_NAME}, set outside the script; a command substitution has no name to show
    script = """
        eksctl create cluster -f - <<EOF
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata:
          name: ${CLUSTER_NAME}
          region: $AWS_DEFAULT_REGION
        managedNodeGroups:
        - name: ${CLUSTER_NAME}-ng
        - name: $(whoami)-ng
        EOF
    """
    cluster = scan_files({"create.sh": script}).cluster("${CLUSTER_NAME}")
    assert cluster.region is not None and not cluster.region.known
    assert [g.name for g in cluster.node_groups] == ["${CLUSTER_NAME}-ng", "${__EKSGUARD_UNKNOWN__}-ng"]
    # --var fills a variable the script leaves open
    named = scan_files({"create.sh": script}, variables={"CLUSTER_NAME": "demo"}).cluster("demo")
    assert named.node_groups[0].name == "demo-ng"


def test_amazon_linux_2_nodes_from_kubernetes_1_33_are_refused(scan_files: ScanFiles) -> None:
    # eksctl defaults.go: AmazonLinux2EOLVersion = 1.33; the default version is 1.34
    scan = scan_files({"al2.sh": """
        eksctl create cluster --name al2 --node-ami-family=AmazonLinux2
        eksctl create cluster --name al2old --version 1.32 --node-ami-family AmazonLinux2
        eksctl create cluster --name al2new --version=1.33 --node-ami-family AmazonLinux2
    """})
    assert [(p.line, p.message) for p in scan.estate.problems] == [
        (1, "eksctl would refuse this command: AmazonLinux2 is not supported for Kubernetes version 1.34"),
        (3, "eksctl would refuse this command: AmazonLinux2 is not supported for Kubernetes version 1.33")]


def test_envsubst_in_a_makefile_recipe_sees_make_exports(scan_files: ScanFiles) -> None:
    scan = scan_files({
        "eks/cluster.yaml": TEMPLATE,
        "Makefile": "export CLUSTER_NAME := shop\n\ncluster:\n\tenvsubst < eks/cluster.yaml | eksctl create cluster -f -\n",
    })
    assert [c.name for c in scan.estate.clusters] == ["shop"]


def test_enabling_secrets_encryption_later_passes_eks105(scan_files: ScanFiles) -> None:
    """`eksctl utils enable-secrets-encryption` (no `--approve` needed: the command has no plan) sets the KMS key;
    eksctl refuses it without `--key-arn` or with a value that is no ARN."""
    scan = scan_files({"setup.sh": (
        "eksctl create cluster --name demo --region us-east-1\n"
        "eksctl utils enable-secrets-encryption --cluster demo --key-arn "
        "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d --region us-east-1\n"
        "eksctl utils enable-secrets-encryption --cluster demo\n"
        "eksctl utils enable-secrets-encryption demo --key-arn alias/eks\n")})
    [encrypted] = scan.results("EKS105")
    assert encrypted.status is Status.PASS and encrypted.origin is not None and encrypted.origin.line == 2
    refusals = sorted((p.line, p.message) for p in scan.estate.problems if p.kind == "rejected-command")
    assert refusals == [
        (3, "eksctl would refuse this command: --key-arn is required when a config file is not specified"),
        (4, "eksctl would refuse this command: invalid ARN in secretsEncryption.keyARN: 'alias/eks'")]
