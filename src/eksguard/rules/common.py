"""Small helpers shared by the rule modules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eksguard.findings import Result, Status, not_applicable, unknown_result
from eksguard.model import Cluster, MappingProblem, Text, Value

NOT_IN_DEFINITION = Text("not in this definition", "この定義にありません")


def unknown_value(cluster: Cluster, value: Value[Any] | None, target: str | None = None) -> Result:
    """An `unknown` result that says why the value is not known."""
    why = value.note if value is not None and value.note else NOT_IN_DEFINITION
    message = Text(f"The value is not known: {why.en}", f"値が不明です: {why.ja}")
    return unknown_result(target or cluster.target, value, message,
                          origin=value.origin if value is not None else cluster.origin)


def node_groups_elsewhere(cluster: Cluster, read: bool) -> Iterator[Result]:
    """What a node-group rule says beyond the node groups it judged (`read`: whether there were any): `unknown`
    for node groups made where the scan does not read them (a separate node-group module call), whether or not
    others were read; with none at all, not applicable."""
    if not cluster.unread_node_groups:
        if not read:
            yield not_applicable(cluster.target)
        return
    en = "; ".join(u.why.en for u in cluster.unread_node_groups)
    ja = "; ".join(u.why.ja for u in cluster.unread_node_groups)
    if read:
        why = Text(f"Besides the node groups read here, {en}: check their settings where they are defined.",
                   f"ここで読んだノードグループのほかに、{ja}。定義されている場所で設定を確認してください。")
    else:
        why = Text(f"No node group is read here, but {en}: check their settings where they are defined.",
                   f"ここではノードグループを読めていませんが、{ja}。定義されている場所で設定を確認してください。")
    yield unknown_result(cluster.target, None, why, cluster.unread_node_groups[0].origin)


def no_aws_auth(cluster: Cluster) -> Result:
    """No aws-auth mappings: nothing to judge, unless they exist but could not be read."""
    why = cluster.identity_mappings_unknown
    if why is None:
        return not_applicable(cluster.target)
    return unknown_result(cluster.target, None, Text(f"aws-auth could not be read: {why.en}.",
                                                     f"aws-auth を読み取れませんでした: {why.ja}。"), cluster.origin)


def mapping_problem(cluster: Cluster, problem: MappingProblem) -> Result:
    """An aws-auth field that could not be read: `error` when it is not valid, `unknown` when it is not known
    before apply."""
    target = f"{cluster.target}/aws-auth/{problem.field}"
    if problem.unknown:
        return unknown_result(target, None, problem.message, problem.origin)
    return Result(Status.ERROR, target, problem.origin, message=problem.message)


def on_outposts(cluster: Cluster, missing: Text) -> Result | None:
    """`not_applicable` with the reason when the cluster is a local cluster on AWS Outposts, where `missing`
    (what the rule asks for) does not exist; None otherwise."""
    if cluster.outposts_local_cluster is None:
        return None
    return not_applicable(cluster.target, Text(
        f"Local cluster on AWS Outposts: {missing.en}; nothing to change here.",
        f"AWS Outposts のローカルクラスターです: {missing.ja}。ここで変更できることはありません。"),
        cluster.outposts_local_cluster)
