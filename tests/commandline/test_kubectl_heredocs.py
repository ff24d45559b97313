"""Manifests a script or a Markdown page applies with `kubectl apply|create|replace -f -` from a here-document
are Kubernetes objects of the scan, at the lines of that file; other kubectl commands add nothing."""

from __future__ import annotations

from clkit import ScanFiles

PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
    - name: tool
      image: busybox
      securityContext:
        privileged: true
"""


def test_a_script_heredoc_is_checked_at_its_lines_in_the_namespace_of_n(scan_files: ScanFiles) -> None:
    scan = scan_files({"deploy.sh": f'#!/bin/bash\nNS=shop\nkubectl -n "$NS" apply -f - <<EOF\n{PRIVILEGED_POD}EOF\n'})
    [privileged] = scan.failing("EKS501")
    assert privileged.target == "kubernetes/shop/Pod/tool"  # `-n "$NS"`, the variable set above
    assert privileged.origin is not None and privileged.origin.path.endswith("deploy.sh")
    assert privileged.origin.line == 13  # `privileged: true`: script line 3 + 10
    assert privileged.provenance == "declared"
    assert scan.estate.problems == [] and scan.warnings() == []


def test_markdown_blocks_and_pipes_from_cat_are_read(scan_files: ScanFiles) -> None:
    page = (f"# Try it\n\n```bash\ncat <<'EOF' | kubectl create -f -\n{PRIVILEGED_POD}EOF\n```\n\n"
            f"```sh\nkubectl replace --filename=- <<EOF\n{PRIVILEGED_POD.replace('tool', 'other')}EOF\n```\n")
    scan = scan_files({"README.md": page})
    lines = sorted((f.target, f.origin.line if f.origin else None) for f in scan.failing("EKS501"))
    assert lines == [("kubernetes/default/Pod/other", 29), ("kubernetes/default/Pod/tool", 14)]


def test_other_kubectl_commands_and_broken_yaml_add_no_objects(scan_files: ScanFiles) -> None:
    scan = scan_files({"ops.sh": (
        f"kubectl delete -f - <<EOF\n{PRIVILEGED_POD}EOF\n"  # deleting is no applying
        "kubectl apply -f pod.yaml\n"  # a file: read as itself when scanned
        f"kubectl diff -f - <<EOF\n{PRIVILEGED_POD}EOF\n"
        "kubectl apply -f - <<EOF\nkind: Pod\nmetadata: {name: [\nEOF\n")})
    assert scan.failing("EKS501") == [] and scan.estate.kube_scopes == []
    [warning] = scan.warnings()
    assert "the here-document `kubectl` applies is not readable YAML" in warning
    assert scan.estate.problems == []  # the script is readable: only its here-document is not checked


def test_envsubst_between_a_quoted_heredoc_and_kubectl_puts_in_only_the_exported_variables(
        scan_files: ScanFiles) -> None:
    """`envsubst <<'EOF' | kubectl apply -f -`: the shell leaves the body as written, and envsubst puts in the
    script's exported variables (TOOL_NS); one that is only set (TAG) stays open, so its field is not known."""
    pod = PRIVILEGED_POD.replace("  name: tool\n", "  name: tool\n  namespace: ${TOOL_NS}\n").replace(
        "image: busybox", "image: busybox:${TAG}")
    scan = scan_files({"deploy.sh": f"export TOOL_NS=ops\nTAG=1.36\nenvsubst <<'EOF' | kubectl apply -f -\n{pod}EOF\n"})
    [privileged] = scan.failing("EKS501")
    assert privileged.target == "kubernetes/ops/Pod/tool"
    [obj] = [o for scope in scan.estate.kube_scopes for o in scope.objects]
    assert obj.namespace == "ops" and "metadata.namespace" not in obj.unknown_fields
    assert "spec.containers[0].image" in obj.unknown_fields
