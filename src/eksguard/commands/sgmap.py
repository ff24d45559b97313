"""`eksguard sg-map PATH...`: which security group sits on which ENI, and the traffic between the control
plane, nodes, Fargate pods and the internet (article 004), as text, Mermaid or JSON."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click


@click.command("sg-map")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "mermaid", "json"]), default="text",
              show_default=True)
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
              help="Value for a ${NAME} placeholder, a CloudFormation parameter or a Terraform variable.")
@click.option("--cluster", "cluster_names", multiple=True, help="Only this cluster (repeatable).")
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the map to a file.")
def sg_map_command(paths: tuple[str, ...], output_format: str, variables: tuple[str, ...],
                   cluster_names: tuple[str, ...], lang: str | None, output: str | None) -> None:
    """Security groups on each ENI and the traffic they allow (CloudFormation, Terraform, eksctl)."""
    from eksguard.analysis.sgmap import build_maps, render_mermaid, render_text
    from eksguard.i18n import detect_lang
    from eksguard.sources import collect

    values = {k: v for k, v in os.environ.items() if k.isupper()}
    for item in variables:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--var")
        values[name] = value
    stdin_text = sys.stdin.read() if "-" in paths else None
    estate = collect(list(paths), values, stdin_text=stdin_text)
    for problem in estate.problems:
        click.echo(problem.display(), err=True)
    clusters = [c for c in estate.clusters if not cluster_names or c.name in cluster_names]
    maps = build_maps(clusters)
    chosen = detect_lang(lang)
    if output_format == "json":
        text = json.dumps({"clusters": [m.as_json(chosen) for m in maps]}, ensure_ascii=False, indent=2) + "\n"
    elif output_format == "mermaid":
        text = render_mermaid(maps)
    else:
        text = render_text(maps, chosen) if maps else ("クラスターが見つかりません。\n" if chosen == "ja"
                                                       else "No cluster found.\n")
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    sys.exit(2 if [p for p in estate.problems if p.kind != "unresolved-variable"] else 0)
