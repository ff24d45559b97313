"""Registers the Kubernetes manifest reader, the Helm-template skipper and the scope finisher.

Runs after the eksctl reader (PRIORITY 10) and the cloud template readers, so a ClusterConfig or a
CloudFormation template is never taken for a manifest. A file is taken when one of its documents has
`apiVersion`, `kind` and `metadata` (or is a `List`), and kustomization files are taken for their structure;
anything else (CI workflows, Helm values, CloudFormation) is left to other readers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eksguard import sources
from eksguard.analysis.imds import imds_blocked
from eksguard.model import InputProblem, Text
from eksguard.sources.kubernetes import (
    STATE_KEY,
    KubeState,
    build,
    drop_rendered_templates,
    karpenter_node_class,
    record_file,
    state_of,
)

PRIORITY = 40
HELM_NOTE = Text("Helm chart template, not rendered: scan the output of `helm template` instead",
                 "レンダリング前の Helm チャートのテンプレートです。`helm template` の出力をスキャンしてください")


def read(documents: list[Any], text: str, path: str, ctx: sources.ScanContext) -> bool:
    return record_file(state_of(ctx.estate.extras), documents, text, path, ctx.variables)


def _helm_template(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml", ".tpl"))


def read_helm_template(text: str, path: str, ctx: sources.ScanContext) -> bool:
    """Take (and skip, with a warning) templates of a Helm chart: `{{ ... }}` is not YAML until rendered."""
    if "{{" not in text or path == "-":
        return False
    # Helm renders every file under `templates/`, subfolders too (`helm create` makes `templates/tests/`)
    if not any(folder.name == "templates" and (folder.parent / "Chart.yaml").is_file()
               for folder in Path(path).parents):
        return False
    ctx.estate.warnings.append(InputProblem.of(path, None, HELM_NOTE, "helm-template"))
    return True


def finish(ctx: sources.ScanContext) -> None:
    state = ctx.estate.extras.pop(STATE_KEY, None)
    if not isinstance(state, KubeState) or not (state.files or state.kustomizations or state.declared):
        return
    for path, caller in drop_rendered_templates(state):
        ctx.variables.withdraw(path)
        if caller is not None:
            ctx.estate.warnings.append(InputProblem.of(path, None, Text(
                f"a template that Terraform's templatefile() renders ({caller}), where this scan does not read "
                "what it declares: not checked",
                f"Terraform の templatefile() が描画するテンプレート（{caller}）で、このスキャンはその宣言内容を読まないため"
                "検査していません"), "terraform-template"))
    scopes, minimal, warnings = build(state, ctx.estate.clusters, ctx.options, ctx.limits,
                                      ctx.estate.inline_ignores, ctx.variables)
    ctx.estate.kube_scopes.extend(scopes)
    ctx.estate.clusters.extend(minimal)
    ctx.estate.warnings.extend(warnings)
    for scope in scopes:
        if scope.cluster is not None and scope.cluster.source != "kubernetes":
            scope.cluster.node_classes.extend(
                group for group in map(karpenter_node_class, scope.of_kind("EC2NodeClass")) if group is not None)
            blocked = imds_blocked(scope)
            if blocked is not None:
                scope.cluster.imds_blocked_by_network_policy = blocked


def register() -> None:
    sources.DOCUMENT_READERS.append(("kubernetes", read))
    sources.TEXT_READERS.append(("helm-template", _helm_template, read_helm_template))
    sources.FINISHERS.append((PRIORITY, finish))

