"""`eksguard init`: write a hardened eksctl ClusterConfig (see eksguard.fixes.init)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click


@click.command("init")
@click.option("--name", required=True, help="Cluster name.")
@click.option("--region", required=True, help="AWS region, e.g. ap-northeast-1.")
@click.option("--zones", default=None, metavar="A,B[,C]",
              help="Availability Zones (comma-separated, at least two; default: eksctl picks them).")
@click.option("--version", "k8s_version", default=None,
              help="Kubernetes version (default: the newest in standard support in eksguard's table).")
@click.option("--admin-cidr", "admin_cidrs", multiple=True, metavar="CIDR",
              help="Public endpoint, reachable only from this CIDR (repeatable); private access on as well.")
@click.option("--private", "private", is_flag=True, help="Private endpoint only (reach the API from the VPC).")
@click.option("--fully-private", is_flag=True,
              help="A fully-private cluster (privateCluster): no NAT or internet gateway, VPC endpoints.")
@click.option("--admin-role-arn", required=True, metavar="ARN",
              help="The IAM role that administers the cluster (an access entry with AmazonEKSClusterAdminPolicy).")
@click.option("--kms-key", default=None, metavar="ARN", help="KMS key for secrets encryption (same region).")
@click.option("--instance-type", default="m5.large", show_default=True, help="Node instance type.")
@click.option("--nodes", type=int, default=2, show_default=True, help="Nodes in the node group.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Write to this file (default: stdout).")
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None, help="Language of comments and notes.")
@click.option("--today", default=None, hidden=True)
def init_command(name: str, region: str, zones: str | None, k8s_version: str | None, admin_cidrs: tuple[str, ...],
                 private: bool, fully_private: bool, admin_role_arn: str, kms_key: str | None, instance_type: str,
                 nodes: int, output: str | None, force: bool, lang: str | None, today: str | None) -> None:
    """Write a hardened eksctl ClusterConfig: private nodes, IMDSv2 hop 1, OIDC, logs, access entries."""
    from eksguard.fixes import FixInputError
    from eksguard.fixes.init import InitOptions, check, notes, render
    from eksguard.i18n import detect_lang

    chosen = detect_lang(lang)
    zone_list = tuple(z.strip() for z in (zones or "").split(",") if z.strip())
    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError:
        raise click.BadParameter(f"{today!r} is not YYYY-MM-DD", param_hint="--today") from None
    try:
        options = check(InitOptions(name, region, admin_role_arn, zone_list, k8s_version, admin_cidrs, private,
                                    fully_private, kms_key, instance_type, nodes))
    except FixInputError as exc:
        raise click.UsageError(str(exc)) from None
    file_name = Path(output).name if output else "cluster.yaml"
    text = render(options, chosen, day, file_name)
    if output:
        target = Path(output)
        if target.exists() and not force:
            click.echo(f"{output} exists; pass --force to overwrite it", err=True)
            sys.exit(2)
        from eksguard.commands.fix import write_atomically

        write_atomically(target, text)
        click.echo(f"wrote {output}" if chosen != "ja" else f"{output} を書き出しました", err=True)
    else:
        click.echo(text, nl=False)
    for note in notes(options, chosen):
        click.echo(("注意: " if chosen == "ja" else "note: ") + note.get(chosen), err=True)
