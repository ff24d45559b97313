"""The command line. It only wires: sources → engine → reporters.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error or an
input that could not be read (the rest is still scanned and reported).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from eksguard import __version__

SEVERITIES = ["critical", "high", "medium", "low", "info"]
FORMATS = ["text", "json", "sarif", "junit", "markdown", "html"]
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _parse_vars(values: tuple[str, ...], lang: str | None = None) -> dict[str, str]:
    from eksguard.i18n import detect_lang, message

    variables: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(message("bad_var", detect_lang(lang), item=repr(item)), param_hint="--var")
        variables[name] = value
    return variables


def _today(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        from eksguard.i18n import detect_lang, message

        raise click.BadParameter(message("bad_date", detect_lang(None), value=repr(value)),
                                 param_hint="--today") from None


def _write(text: str | Iterable[str], output: str | None) -> None:
    """Write a report, whole or in pieces (written in blocks of about 1 MB as they come)."""
    pieces = [text] if isinstance(text, str) else text
    if output:
        with open(output, "w", encoding="utf-8") as file:
            file.writelines(pieces)
        return
    block: list[str] = []
    size = 0
    for piece in pieces:
        block.append(piece)
        size += len(piece)
        if size >= 1 << 20:
            click.echo("".join(block), nl=False)
            block, size = [], 0
    if block:
        click.echo("".join(block), nl=False)


def common_report_options(func: Any) -> Any:
    options = [
        click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True),
        click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to a file."),
        click.option("--fail-on", type=click.Choice(SEVERITIES), default="high", show_default=True,
                     help="Exit 1 when a finding is at or above this severity."),
        click.option("--lang", type=click.Choice(["en", "ja"]), default=None,
                     help="Language of the report (default: from LANG)."),
        click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
                     help="Configuration file (default: .eksguard.yaml found upward)."),
        click.option("--rule", "rules", multiple=True, help="Run only these rules (repeatable)."),
        click.option("--skip-rule", "skip_rules", multiple=True, help="Skip these rules (repeatable)."),
        click.option("--no-color", is_flag=True, help="No colours in text output."),
        click.option("--quiet", "-q", is_flag=True, help="Print only the summary and errors."),
        click.option("--today", default=None, hidden=True, help="Evaluate dates as of this day (YYYY-MM-DD)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def baseline_options(func: Any) -> Any:
    """`--baseline F` (report only findings not in F) and `--baseline-create F` (accept today's findings)."""
    func = click.option("--baseline-create", "baseline_create", type=click.Path(dir_okay=False), default=None,
                        help="Write every current finding to this baseline file (and exit 0).")(func)
    return click.option("--baseline", "baseline", type=click.Path(dir_okay=False), default=None,
                        help="Report only findings that are not in this baseline file.")(func)


def emit_report(report: Any, *, output_format: str, output: str | None, fail_on: str, lang: str,
                no_color: bool, quiet: bool, baseline: str | None = None, baseline_create: str | None = None) -> int:
    """Render `report`, print input problems as one line each, and return the exit code."""
    from eksguard.findings import SEVERITY_ORDER
    from eksguard.i18n import message
    from eksguard.report import render, render_chunks

    if baseline and baseline_create:
        raise click.UsageError(message("baseline_both", lang))
    if baseline_create:
        from eksguard.report.baseline import create_baseline

        count = create_baseline(report, Path(baseline_create))
        click.echo(message("baseline_written", lang, path=baseline_create, count=count), err=True)
    elif baseline:
        from eksguard.report.baseline import BaselineError, apply_baseline

        try:
            report = apply_baseline(report, Path(baseline), lang)
        except BaselineError as exc:
            click.echo(str(exc), err=True)
            return EXIT_INPUT
    for problem in report.estate.problems:
        click.echo(problem.display(lang), err=True)
    if not quiet:
        for warning in report.estate.warnings:
            click.echo(warning.display(lang), err=True)
    colour = output is None and not no_color and sys.stdout.isatty()
    if quiet and output_format == "text":
        text = render(report, output_format, lang=lang, fail_on=fail_on, colour=colour)
        _write(text.strip().splitlines()[-1] + "\n", output)
    else:
        _write(render_chunks(report, output_format, lang=lang, fail_on=fail_on, colour=colour), output)
    if report.estate.problems:
        click.echo(message("unreadable", lang, count=report.estate.problem_inputs,
                           problems=len(report.estate.problems)), err=True)
        return EXIT_INPUT
    rule_errors = [f for f in report.results if f.status.value == "error"]
    if rule_errors:  # an input a rule needed could not be read (e.g. bad YAML inside aws-auth)
        click.echo(message("rule_errors", lang, count=len(rule_errors)), err=True)
        return EXIT_INPUT
    if baseline_create:
        return EXIT_OK  # today's findings were just accepted
    threshold = SEVERITY_ORDER[fail_on]
    return EXIT_FINDINGS if any(f.severity_rank >= threshold for f in report.failures) else EXIT_OK


class LazyGroup(click.Group):
    """Commands from other packages (guard, audit, fix ...) are imported only when used, so
    `eksguard scan` never pays for them (nor imports boto3 or the Kubernetes client)."""

    lazy: dict[str, str] = {
        "kubectl": "eksguard.guard.cli:kubectl_command",
        "context": "eksguard.guard.cli:context_command",
        "audit": "eksguard.live.cli:audit_command",
        "drift": "eksguard.live.cli:drift_command",
        "report": "eksguard.report.cli:report_group",
        "sg-map": "eksguard.commands.sgmap:sg_map_command",
        "capacity": "eksguard.commands.capacity:capacity_command",
        "fix": "eksguard.commands.fix:fix_command",
        "init": "eksguard.commands.init:init_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(n for n in self.lazy if self.get_command(ctx, n))})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module_name, attribute = self.lazy[cmd_name].split(":")
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name and exc.name.startswith("eksguard"):
                    return None  # a command not built yet in this checkout
                raise
            command: click.Command = getattr(module, attribute)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eksguard")
def main() -> None:
    """eksguard: stops Amazon EKS security mistakes before and after a cluster exists."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
              help="Value for a ${NAME} placeholder (repeatable).")
@click.option("--max-file-size", type=click.FloatRange(min=0.001), default=10.0, show_default=True,
              help="Largest file to read, in MB.")
@click.option("--pss-version", default=None, help="Pod Security Standards version for namespaces without one.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes that parse Terraform, this one included (0: one per CPU for 12 .tf files or more; "
                   "1: no workers).")
@common_report_options
@baseline_options
def scan(paths: tuple[str, ...], variables: tuple[str, ...], max_file_size: float, pss_version: str | None,
         jobs: int, output_format: str, output: str | None, fail_on: str, lang: str | None, config_path: str | None,
         rules: tuple[str, ...], skip_rules: tuple[str, ...], no_color: bool, quiet: bool, today: str | None,
         baseline: str | None, baseline_create: str | None) -> None:
    """Scan eksctl, CloudFormation, Terraform and Kubernetes files (directories recursively, - for stdin)."""
    import functools
    import gc
    import os

    from eksguard.config import ConfigError, load_config
    from eksguard.engine import evaluate
    from eksguard.i18n import detect_lang
    from eksguard.rules import get_rule
    from eksguard.sources import collect
    from eksguard.sources.loading import Limits

    chosen_lang = detect_lang(lang)
    for rule_id in (*rules, *skip_rules):
        if get_rule(rule_id) is None:
            from eksguard.i18n import message

            raise click.BadParameter(message("unknown_rule", chosen_lang, rule=rule_id), param_hint="--rule")
    try:
        config = load_config(Path(config_path) if config_path else None,
                             [Path(p) for p in paths if p != "-"] or [Path.cwd()])
    except ConfigError as exc:
        click.echo(exc.text(chosen_lang), err=True)
        sys.exit(EXIT_INPUT)
    values = {k: v for k, v in os.environ.items() if k.isupper()}
    values.update(_parse_vars(variables, chosen_lang))
    stdin_text = sys.stdin.read() if "-" in paths else None
    # A scan builds millions of objects that live until it ends, and little cyclic garbage (10,000
    # files: 328 MB peak without the cycle collector, 333 MB with it; python-hcl2, which leaves some,
    # parses with it on): the collector would only walk them again and again, a quarter of the time
    # of such a scan. The process ends with the scan.
    gc.disable()
    options: dict[str, Any] = {"pss_version": pss_version}
    estate = collect(list(paths), values, Limits(max_file_bytes=int(max_file_size * 1024 * 1024)), stdin_text,
                     options=options | {"config": config}, jobs=jobs)
    from eksguard.report import NEEDS_MODEL, SHOWS_FIXES

    after_cluster = None
    if output_format in SHOWS_FIXES and any(c.source in ("cloudformation", "terraform") for c in estate.clusters):
        from eksguard.fixes.snippets import annotate_cluster  # suggested snippets, also SARIF `fixes`

        after_cluster = functools.partial(annotate_cluster, lang=chosen_lang)
    # Each cluster's model is dropped once its rules (and suggestions) are done, unless the report
    # draws from it: the findings grow while the model shrinks (10,000 files: 273 → 250 MB peak).
    report = evaluate(estate, config, _today(today), rules, skip_rules, after_cluster=after_cluster,
                      release_clusters=output_format not in NEEDS_MODEL)
    del estate
    sys.exit(emit_report(report, output_format=output_format, output=output, fail_on=fail_on, lang=chosen_lang,
                         no_color=no_color, quiet=quiet, baseline=baseline, baseline_create=baseline_create))


@main.command()
@click.argument("rule_id")
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None)
def explain(rule_id: str, lang: str | None) -> None:
    """Why a rule matters, how to fix it, and its references."""
    from eksguard.i18n import SEVERITY_NAMES, detect_lang, message
    from eksguard.rules import get_rule

    chosen = detect_lang(lang)
    found = get_rule(rule_id)
    if found is None:
        click.echo(message("unknown_rule", chosen, rule=rule_id), err=True)
        sys.exit(EXIT_INPUT)
    severities = "/".join(SEVERITY_NAMES[s].get(chosen) for s in found.severities)
    lines = [f"{found.id} {found.slug} ({message('severity', chosen)}: {severities})", found.title.get(chosen), "",
             f"{message('risk', chosen)}: {found.risk.get(chosen)}", "",
             f"{message('fix_heading', chosen)}: {found.fix.get(chosen)}"]
    if found.dont:
        lines += ["", f"{message('dont_heading', chosen)}: {found.dont.get(chosen)}"]
    lines += ["", f"{message('references', chosen)}:", *(f"  - {ref}" for ref in found.references)]
    click.echo("\n".join(lines))


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "md", "json"]), default="text")
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None)
def list_rules(output_format: str, lang: str | None) -> None:
    """The rule catalog."""
    from eksguard.i18n import detect_lang
    from eksguard.report.catalog import render_catalog

    click.echo(render_catalog(output_format, detect_lang(lang)), nl=False)
