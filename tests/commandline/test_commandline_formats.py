"""Where eksctl command lines live: shell scripts (by suffix or shebang), Markdown and AsciiDoc code
blocks, Makefiles, GitHub Actions, GitLab CI."""

from __future__ import annotations

import pytest
from clkit import Scan, ScanFiles

from eksguard.findings import Status
from eksguard.sources.commandline import has_shell_shebang


def created(scan: Scan) -> dict[str, tuple[str, int | None]]:
    """cluster name -> (file name, line) for clusters built from command lines."""
    return {c.name: (c.origin.path.rsplit("/", 1)[-1], c.origin.line) for c in scan.estate.clusters}


def kinds(scan: Scan) -> dict[str, str]:
    return {i.path.rsplit("/", 1)[-1]: i.kind for i in scan.estate.inputs}


def test_shell_suffixes_and_shebangs(scan_files: ScanFiles) -> None:
    scan = scan_files({
        "a.sh": "eksctl create cluster --name a\n",
        "b.bash": "eksctl create cluster --name b\n",
        "c.zsh": "eksctl create cluster --name c\n",
        "bin/create-cluster": "#!/usr/bin/env bash\n\neksctl create cluster --name d\n",
        "bin/notes": "eksctl create cluster --name not-a-script\n",  # no shebang: not a script
        "bin/tool": b"\x7fELF\x00\x00eksctl create cluster --name binary",
        "bin/latin1": b"#!/bin/sh\n# caf\xe9\neksctl create cluster --name latin1\n",
        "LICENSE": "eksctl create cluster --name license\n",
    })
    assert created(scan) == {"a": ("a.sh", 1), "b": ("b.bash", 1), "c": ("c.zsh", 1),
                             "d": ("create-cluster", 3)}
    # extensionless files are only read to look for a shebang: binary or non-UTF-8 ones are not errors
    assert scan.estate.problems == []
    assert kinds(scan)["tool"] == "ignored" and kinds(scan)["latin1"] == "ignored"
    assert "LICENSE" not in kinds(scan)


def test_markdown_prompts_continuations_and_output(scan_files: ScanFiles) -> None:
    scan = scan_files({"README.md": """
        ```console
        $ export NAME=md1
        $ eksctl create cluster --name "$NAME" \\
        >   --node-private-networking
        2024-06-01 [ℹ]  eksctl create cluster is creating "md1"
        ```

        ```shell-session
        % eksctl create cluster --name md2 --with-oidc
        ```

        ```console
        # eksctl create cluster --name root-prompt
        ```

        ```bash
        # eksctl create cluster --name comment
        eksctl create cluster --name md3
        ```

        1. In a list item:

           ```sh
           eksctl create cluster --name md4 \\
             -P
           ```

        ~~~
        eksctl create cluster --name md5
        ~~~

        ```python
        os.system("eksctl create cluster --name python")
        ```
    """})
    assert created(scan) == {"md1": ("README.md", 3), "md2": ("README.md", 9), "root-prompt": ("README.md", 13),
                             "md3": ("README.md", 18), "md4": ("README.md", 24), "md5": ("README.md", 29)}
    node_status = {f.target.split("/")[1]: f.status for f in scan.results("EKS201")}
    assert node_status["md1"] is Status.PASS and node_status["md4"] is Status.PASS
    assert node_status["md3"] is Status.FAIL


def test_console_blocks_without_prompts_keep_their_commands(scan_files: ScanFiles) -> None:
    # eksctl's own docs write ```console blocks without `$ ` (userdocs/src/usage/autoscaling.md:8)
    scan = scan_files({"README.md": """
        ```console
        eksctl create cluster --name bare --asg-access
        ```

        ```console
        # Create the cluster
        export NAME=from-var
        eksctl create cluster --name "$NAME" \\
          --node-private-networking
        2024-06-01 12:00:00 [ℹ]  eksctl create cluster --name from-output
        NAME       REGION     EKSCTL CREATED
        from-var   us-west-2  True
        ```

        ```console
        # eksctl create cluster --name root-session
        ```

        ```terminal
        kubectl get nodes
        NAME                         STATUS
        ip-192-168-1-1.ec2.internal  Ready
        ```
    """})
    assert created(scan) == {"bare": ("README.md", 2), "from-var": ("README.md", 8),
                             "root-session": ("README.md", 16)}
    node_status = {f.target.split("/")[1]: f.status for f in scan.results("EKS201")}
    assert node_status == {"bare": Status.FAIL, "from-var": Status.PASS, "root-session": Status.FAIL}


def test_blocks_tagged_with_other_words_are_read_when_they_run_eksctl(scan_files: ScanFiles) -> None:
    # stacksimplify's EKS course writes its commands in ```t blocks; YAML blocks stay YAML, and a text
    # block that only mentions eksctl is no command
    scan = scan_files({"README.md": """
        ```t
        # Create Cluster
        eksctl create cluster --name=course \\
                              --without-nodegroup
        ```

        ```text
        $ eksctl create cluster --name prompted
        ```

        ```yaml
        eksctl create cluster --name in-yaml
        ```

        ```text
        Install eksctl first, then: eksctl create cluster --name prose
        ```
    """})
    assert created(scan) == {"course": ("README.md", 3), "prompted": ("README.md", 8)}


def test_asciidoc_source_blocks(scan_files: ScanFiles) -> None:
    scan = scan_files({"guide.adoc": """
        = Guide
        :cluster: adoc-cluster

        [source,bash,subs="attributes+"]
        ----
        eksctl create cluster --name {cluster} -P <1>
        ----
        <1> private nodes

        [source,console]
        ----
        $ eksctl create cluster --name adoc-console
        ----

        [source,yaml]
        ----
        eksctl: create cluster --name yaml-is-not-shell
        ----

        ////
        eksctl create cluster --name comment-block
        ////

        [source,sh]
        eksctl create cluster --name paragraph
    """})
    assert created(scan) == {"adoc-cluster": ("guide.adoc", 6), "adoc-console": ("guide.adoc", 12),
                             "paragraph": ("guide.adoc", 25)}
    assert [f.status for f in scan.results("EKS201") if "adoc-cluster" in f.target] == [Status.PASS]


def test_makefile_recipes(scan_files: ScanFiles) -> None:
    scan = scan_files({"Makefile": (
        "CLUSTER ?= mk\n"
        "REGION := us-west-2\n"
        "PRIVATE = --node-private-networking\n"
        "\n"
        ".PHONY: cluster\n"
        "cluster:\n"
        "\t@echo creating $(CLUSTER)\n"
        "\teksctl create cluster --name $(CLUSTER) --region ${REGION} \\\n"
        "\t  $(PRIVATE) --version $(K8S_VERSION)\n"
        "\tNAME=$$(whoami); eksctl create cluster --name $$NAME-dev\n"
    )})
    assert created(scan) == {"mk": ("Makefile", 8), "$NAME-dev": ("Makefile", 10)}
    mk = scan.cluster("mk")
    assert mk.region is not None and mk.region.value == "us-west-2"
    assert [f.status for f in scan.results("EKS201") if "/mk/" in f.target] == [Status.PASS]
    [version] = [f for f in scan.results("EKS106") if f.target == "cluster/mk"]
    assert version.status is Status.UNKNOWN
    assert version.message is not None and "$(K8S_VERSION)" in version.message.en


def test_github_actions_workflow(scan_files: ScanFiles) -> None:
    scan = scan_files({".github/workflows/create.yml": """
        name: create
        on: [workflow_dispatch]
        env:
          CLUSTER_NAME: gha
        jobs:
          create:
            runs-on: ubuntu-latest
            env:
              REGION: eu-west-1
            steps:
              - uses: actions/checkout@v4
              - name: Create
                run: |
                  echo "creating"
                  eksctl create cluster --name "$CLUSTER_NAME" --region "$REGION" \\
                    --ssh-access --ssh-public-key ${{ secrets.SSH_KEY }}
              - run: eksctl create cluster --name ${{ env.CLUSTER_NAME }}-fargate --fargate
              - shell: pwsh
                run: eksctl create cluster --name powershell
    """})
    assert created(scan) == {"gha": ("create.yml", 15), "gha-fargate": ("create.yml", 17)}
    assert kinds(scan)["create.yml"] == "ci"
    gha = scan.cluster("gha")
    assert gha.region is not None and gha.region.value == "eu-west-1"
    [group] = gha.node_groups
    assert group.ssh is not None and group.ssh.key is not None and not group.ssh.key.known
    assert group.ssh.key.note is not None and "secrets.SSH_KEY" in group.ssh.key.note.en
    assert [f.target for f in scan.failing("EKS208")] == ["cluster/gha/nodegroup/managedgroup-0"]


def test_a_page_with_crlf_line_ends_continues_commands_after_a_backslash(scan_files: ScanFiles) -> None:
    # aws-samples/eks-workshop-greater-china (2019 workshop, step 3): a code block saved with CRLF; the
    # backslash escaped the CR, so `eksctl create cluster \` made a cluster named "\r" with every default
    # and the flags on the next lines were lost
    page = ("# Step 3\n\n```bash\neksctl create cluster \\\r\n      --name crlf \\\r\n"
            "      --version 1.34 \\\r\n      --node-private-networking\r\n```\n")
    scan = scan_files({"step3.md": page.encode()})
    assert created(scan) == {"crlf": ("step3.md", 4)}
    [version] = scan.results("EKS106")
    assert version.observed is not None and "1.34" in version.observed
    assert [f.status for f in scan.results("EKS201")] == [Status.PASS]


def test_github_expressions_in_a_run_heredoc_are_unknown_values(scan_files: ScanFiles) -> None:
    # cilium-cli's EKS workflows write their ClusterConfig with `cat <<EOF` in a `run: |` block: a
    # `${{ … }}` not known here was read as the characters standing in for it (EKS102 "restricted to
    # \ue0002\ue001" where the CIDR is a secret)
    scan = scan_files({".github/workflows/eks.yaml": """
        on: workflow_dispatch
        env:
          NAME: gh-doc
        jobs:
          eks:
            runs-on: ubuntu-latest
            steps:
              - run: echo "SUFFIX=${{ github.run_id }}" >> $GITHUB_ENV
              - run: |
                  cat <<EOF > eks-config.yaml
                  apiVersion: eksctl.io/v1alpha5
                  kind: ClusterConfig
                  metadata:
                    name: ${{ env.NAME }}-${{ env.SUFFIX }}
                    region: us-east-2
                    version: "${{ matrix.version }}"
                  vpc:
                    publicAccessCIDRs: ["${{ secrets.CIDR }}"]
                  EOF
                  eksctl create cluster -f ./eks-config.yaml
    """})
    # the env context is the step's environment: an unknown `${{ env.SUFFIX }}` stays `${SUFFIX}`
    assert [c.name for c in scan.estate.clusters] == ["gh-doc-${SUFFIX}"]
    assert [f.status for f in scan.results("EKS101")] == [Status.UNKNOWN]
    assert scan.failing("EKS102") == []
    [version] = scan.results("EKS106")
    assert version.status is Status.UNKNOWN
    assert version.message is not None and "\ue000" not in version.message.en


def test_gitlab_ci(scan_files: ScanFiles) -> None:
    scan = scan_files({".gitlab-ci.yml": """
        variables:
          CLUSTER: gl
        stages: [deploy]
        .setup: &setup
          - export VERSION=1.34
        deploy:
          stage: deploy
          before_script: *setup
          script:
            - >
              eksctl create cluster --name $CLUSTER
              --version $VERSION --with-oidc
            - eksctl utils update-cluster-logging --cluster $CLUSTER --enable-types all --approve
    """})
    assert created(scan) == {"gl": (".gitlab-ci.yml", 11)}
    assert kinds(scan)[".gitlab-ci.yml"] == "ci"
    assert [f.severity for f in scan.failing("EKS106")] == ["info"]  # 1.34 leaves standard support within 90 days
    assert [f.status for f in scan.results("EKS104")] == [Status.PASS]
    assert [f.status for f in scan.results("EKS401")] == [Status.PASS]


def test_ci_files_without_eksctl_are_claimed_but_build_nothing(scan_files: ScanFiles) -> None:
    scan = scan_files({".github/workflows/test.yml": """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: make test
    """, "k8s.yaml": """
        apiVersion: v1
        kind: Namespace
        metadata: {name: apps}
    """})
    assert scan.estate.clusters == []
    assert kinds(scan)["test.yml"] == "ci"
    assert kinds(scan)["k8s.yaml"] != "ci"


def test_ci_jobs_run_in_the_repository_root(scan_files: ScanFiles) -> None:
    scan = scan_files({
        "deploy/cluster.yaml": "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n"
                               "metadata: {name: from-ci, region: us-east-1}\n",
        ".github/workflows/deploy.yml": """
            on: push
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - run: eksctl create cluster -f deploy/cluster.yaml
                  - run: eksctl create cluster -f cluster.yaml
                    working-directory: deploy
        """,
    })
    assert scan.warnings() == []
    notes = [n.en for n in scan.cluster("from-ci").notes]
    assert [n.split(" runs ")[0].rsplit("/", 1)[-1] for n in notes] == ["deploy.yml:6", "deploy.yml:7"]


def test_inline_ignore_comment_before_the_command(scan_files: ScanFiles) -> None:
    scan = scan_files({"lab.sh": """
        # eksguard:ignore EKS201 throw-away lab cluster, deleted after the session
        eksctl create cluster --name lab
    """})
    [nodes] = [f for f in scan.report.results if f.rule == "EKS201"]
    assert nodes.suppressed == "throw-away lab cluster, deleted after the session"
    assert scan.failing("EKS201") == [] and scan.failing("EKS101")


def test_environment_prefix_sets_the_region(scan_files: ScanFiles) -> None:
    scan = scan_files({"a.sh": "AWS_REGION=ca-central-1 eksctl create cluster --name env-region\n"})
    region = scan.cluster("env-region").region
    assert region is not None and (region.value, region.declared) == ("ca-central-1", True)


@pytest.mark.parametrize(("first_line", "script"), [
    ("#!/bin/bash", True), ("#!/usr/bin/env bash", True), ("#! /bin/sh -e", True), ("#!/usr/bin/env -S zsh -f", True),
    ("#!/bin/dash", True), ("#!/usr/bin/python3", False), ("#!/usr/bin/env node", False), ("# bash", False),
])
def test_shebang_detection(first_line: str, script: bool) -> None:
    assert has_shell_shebang(first_line + "\neksctl create cluster\n") is script
