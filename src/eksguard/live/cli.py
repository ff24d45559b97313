"""`eksguard audit` and `eksguard drift`: wiring only (live/audit.py and live/drift.py do the work)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from eksguard.cli import EXIT_INPUT, common_report_options, emit_report

try:  # `--baseline` comes with the reports work; the audit takes it when the scan does
    from eksguard.cli import baseline_options
except ImportError:  # pragma: no cover - older checkout
    def baseline_options(func: Any) -> Any:
        return func


def _today(value: str | None) -> Any:
    from eksguard.cli import _today as parse_today

    return parse_today(value)


def _load_config(config_path: str | None, lang: str) -> Any:
    from eksguard.config import ConfigError, load_config

    try:
        return load_config(Path(config_path) if config_path else None, [Path.cwd()])
    except ConfigError as exc:
        click.echo(exc.text(lang), err=True)
        sys.exit(EXIT_INPUT)


def _check_rules(rules: tuple[str, ...], lang: str) -> None:
    from eksguard.i18n import message
    from eksguard.rules import get_rule

    for rule_id in rules:
        if get_rule(rule_id) is None:
            raise click.BadParameter(message("unknown_rule", lang, rule=rule_id), param_hint="--rule")


def audit_options(func: Any) -> Any:
    options = [
        click.option("--cluster", "clusters", multiple=True, help="Cluster name (repeatable; default: all)."),
        click.option("--region", "regions", multiple=True, help="AWS region (repeatable; default: the profile's)."),
        click.option("--all-regions", is_flag=True, help="Every region enabled in the account."),
        click.option("--profile", "profiles", multiple=True, help="AWS profile (repeatable)."),
        click.option("--context", default=None, help="kubeconfig context for the Kubernetes side "
                     "(default: an EKS token made from STS)."),
        click.option("--kubeconfig", default=None, type=click.Path(dir_okay=False), help="kubeconfig file."),
        click.option("--no-kubernetes", is_flag=True, help="Audit the AWS side only."),
        click.option("--from-snapshot", type=click.Path(exists=True, dir_okay=False),
                     help="Audit a snapshot file instead of calling APIs (no network)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command("audit")
@audit_options
@click.option("--snapshot-out", type=click.Path(dir_okay=False),
              help="Also write every API response the audit read to this file (.json or .json.gz).")
@click.option("--targets", "targets_file", type=click.Path(exists=True, dir_okay=False),
              help="Clusters to audit: YAML list of {cluster, region, profile, context} or lines REGION/CLUSTER.")
@click.option("--shard", default=None, metavar="K/N", help="Audit only the K-th of N shares of the targets (0 <= K < N).")
@click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Clusters and regions read at the same time.")
@click.option("--max-attempts", type=click.IntRange(1, 20), default=5, show_default=True,
              help="Attempts per AWS call (adaptive retry mode).")
@click.option("--timeout", type=click.FloatRange(1, 600), default=30.0, show_default=True,
              help="Read timeout per request, in seconds.")
@common_report_options
@baseline_options
def audit_command(clusters: tuple[str, ...], regions: tuple[str, ...], all_regions: bool, profiles: tuple[str, ...],
                  context: str | None, kubeconfig: str | None, no_kubernetes: bool, from_snapshot: str | None,
                  snapshot_out: str | None, targets_file: str | None, shard: str | None, concurrency: int,
                  max_attempts: int, timeout: float, output_format: str, output: str | None, fail_on: str,
                  lang: str | None, config_path: str | None, rules: tuple[str, ...], skip_rules: tuple[str, ...],
                  no_color: bool, quiet: bool, today: str | None, baseline: str | None = None,
                  baseline_create: str | None = None) -> None:
    """Audit running EKS clusters (AWS and Kubernetes APIs, read-only) with the same rules as scan."""
    from eksguard.engine import evaluate
    from eksguard.i18n import detect_lang
    from eksguard.live.audit import (
        AuditError,
        AuditOptions,
        annotate,
        merged_windows,
        parse_shard,
        read_targets,
        run_audit,
    )

    chosen_lang = detect_lang(lang)
    _check_rules((*rules, *skip_rules), chosen_lang)
    if from_snapshot and snapshot_out:
        raise click.UsageError("--snapshot-out and --from-snapshot cannot be used together")
    if all_regions and regions:
        raise click.UsageError("--region and --all-regions cannot be used together")
    config = _load_config(config_path, chosen_lang)
    try:
        options = AuditOptions(
            clusters=clusters, regions=regions, all_regions=all_regions, profiles=tuple(profiles) or (None,),
            context=context, kubeconfig=kubeconfig, kubernetes=not no_kubernetes, concurrency=concurrency,
            max_attempts=max_attempts, timeout=timeout,
            targets=read_targets(Path(targets_file)) if targets_file else None,
            shard=parse_shard(shard) if shard else None,
            from_snapshot=Path(from_snapshot) if from_snapshot else None,
            progress=not quiet)
        result = run_audit(options)
    except AuditError as exc:
        click.echo(f"eksguard audit: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    if snapshot_out:
        result.recording.write(Path(snapshot_out))
    if result.support_windows:
        config.raw["_support_windows"] = merged_windows(result.support_windows)
    report = evaluate(result.estate, config, _today(today), rules, skip_rules)
    annotate(report, result)
    report.notices.extend(result.notices())
    if not quiet:
        source = "snapshot" if result.offline else f"{result.counter.total} API request(s)"
        click.echo(f"audited {len(result.estate.clusters)} cluster(s) from {source} in {result.seconds:.1f}s",
                   err=True)
    extra: dict[str, Any] = {}
    if baseline or baseline_create:
        extra = {"baseline": baseline, "baseline_create": baseline_create}
    sys.exit(emit_report(report, output_format=output_format, output=output, fail_on=fail_on, lang=chosen_lang,
                         no_color=no_color, quiet=quiet, **extra))


@click.command("drift")
@click.argument("config_file", metavar="CONFIG", type=click.Path(exists=True))
@click.option("--cluster", "cluster_name", default=None, help="Cluster name (default: the one in CONFIG).")
@click.option("--region", default=None, help="AWS region (default: the one in CONFIG, else the profile's).")
@click.option("--profile", default=None, help="AWS profile.")
@click.option("--from-snapshot", type=click.Path(exists=True, dir_okay=False),
              help="Compare with a snapshot instead of the live cluster (no network).")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", help="Value for a ${NAME} placeholder.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the result to a file.")
@click.option("--all", "show_same", is_flag=True, help="Also list the fields that are the same.")
def drift_command(config_file: str, cluster_name: str | None, region: str | None, profile: str | None,
                  from_snapshot: str | None, variables: tuple[str, ...], output_format: str, output: str | None,
                  show_same: bool) -> None:
    """Declared (eksctl, CloudFormation, Terraform) vs live, field by field. Exit 1 when something drifted."""
    import os

    from eksguard.cli import _parse_vars
    from eksguard.live.audit import AuditError, AuditOptions, run_audit
    from eksguard.live.drift import DECLARED_ONLY, DRIFT, LIVE_ONLY, compare, render_json, render_text
    from eksguard.sources import collect

    values = {k: v for k, v in os.environ.items() if k.isupper()}
    values.update(_parse_vars(variables))
    estate = collect([config_file], values)
    for problem in estate.problems:
        click.echo(problem.display(), err=True)
    declared_clusters = [c for c in estate.clusters if c.source not in ("kubernetes",)]
    if cluster_name:
        declared_clusters = [c for c in declared_clusters if c.name == cluster_name]
    if len(declared_clusters) != 1:
        names = ", ".join(c.name for c in estate.clusters) or "none"
        click.echo(f"eksguard drift: {config_file} must describe exactly one cluster"
                   f"{f' named {cluster_name}' if cluster_name else ''} (found: {names}); use --cluster", err=True)
        sys.exit(EXIT_INPUT)
    declared = declared_clusters[0]
    name = cluster_name or declared.name
    declared_region = declared.region.value if declared.region is not None and declared.region.known else None
    chosen_region = region or declared_region
    try:
        result = run_audit(AuditOptions(
            clusters=(name,), regions=(chosen_region,) if chosen_region else (), profiles=(profile,),
            kubernetes=False, from_snapshot=Path(from_snapshot) if from_snapshot else None, progress=False))
    except AuditError as exc:
        click.echo(f"eksguard drift: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    live = next((c for c in result.estate.clusters if c.name.split("@")[0] == name), None)
    if live is None:
        for problem in result.estate.problems:
            click.echo(problem.display(), err=True)
        click.echo(f"eksguard drift: cluster {name} was not found live"
                   f"{f' in {chosen_region}' if chosen_region else ''}", err=True)
        sys.exit(EXIT_INPUT)
    differences = compare(declared, live)
    text = render_json(declared, live, differences) if output_format == "json" else \
        render_text(declared, live, differences, show_same)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    drifted = any(d.status in (DRIFT, DECLARED_ONLY, LIVE_ONLY) for d in differences)
    sys.exit(1 if drifted else 0)
