"""Click commands: `eksguard kubectl` (the guard) and `eksguard context`.

The lead registers them on the main group (`eksguard.cli`); `kubectl-guard` is `plugin.main`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from eksguard.guard.kubeconfig import Overrides
from eksguard.guard.messages import detect_lang
from eksguard.guard.runner import Deps, context_report, render_context, run_guard

RAW_ARGS = "eksguard.guard.raw_args"


class _RawArgsCommand(click.Command):
    """Keeps the arguments exactly as typed.

    Click drops the first `--` it sees, which would turn `eksguard kubectl exec pod -- ls` into
    `kubectl exec pod ls`; the guard reads the raw list instead (and drops only a leading `--`).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[RAW_ARGS] = list(args)
        return super().parse_args(ctx, args)


@click.command(
    "kubectl",
    cls=_RawArgsCommand,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
    short_help="Run kubectl after checking context, environment, versions and policy.",
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def kubectl_command(ctx: click.Context, args: tuple[str, ...]) -> None:
    """Run kubectl after the guard's checks: `eksguard kubectl [--] ARGS...`.

    Guard options: --confirm NAME, --skip-version-check, --kubectl PATH, --lang en|ja,
    --guard-help. Exit codes: kubectl's own when it runs; 3 refused; 2 usage error.
    """
    raw = ctx.meta.get(RAW_ARGS)
    ctx.exit(run_guard(raw if raw is not None else list(args)))


@click.command("context", short_help="Show the current context, cluster, account, environment and policy.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None, help="Language (default: from LANG).")
@click.option("--context", "context_name", default=None, help="Show this context instead of the current one.")
@click.option("--kubeconfig", default=None, help="Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
@click.option("--kubectl", "kubectl_path", default=None, help="kubectl whose version to show.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file with `environments:` (default: $EKSGUARD_CONFIG, else .eksguard.yaml upward).")
@click.option("--offline", is_flag=True, help="No network: the server version only from the cache.")
def context_command(output_format: str, lang: str | None, context_name: str | None, kubeconfig: str | None,
                    kubectl_path: str | None, config_path: str | None, offline: bool) -> None:
    """The current kubectl context in one glance: cluster, account, region, environment, versions, policy.

    `--format json` is stable and meant for shell prompts.
    """
    deps = Deps.default()
    if config_path:
        environ: dict[str, Any] = dict(deps.environ)
        environ["EKSGUARD_CONFIG"] = config_path
        deps.environ = environ
    report = context_report(deps, Overrides(kubeconfig=kubeconfig, context=context_name), kubectl_path,
                            offline=offline)
    if output_format == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(render_context(report, detect_lang(lang, deps.environ), colour_banner=sys.stdout.isatty()))
