"""`eksguard fix`: the exact, safe change for each finding, made only when asked.

- eksctl ClusterConfig files: a minimal edit (comments, key order, formatting kept), shown as a unified
  diff; `--write` writes it.
- `eksctl create cluster` command lines (`--command`, or scripts/Markdown among PATHS): the corrected
  command; `--to-config F` writes the equivalent ClusterConfig with every fix.
- Live clusters (`--from-json` audit report, `--live-from-snapshot`, or clusters a scan reads as live):
  the `aws`/`eksctl` commands, printed, never run.
- CloudFormation and Terraform: a suggested snippet per finding.

Exit codes: 0 every fixable finding was fixed (or shown); 1 some could not be fixed automatically
(a decision is needed, eksctl would reject the change, or the file could not be edited safely);
2 usage error or unreadable input.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

EXIT_OK, EXIT_UNFIXED, EXIT_INPUT = 0, 1, 2


def _today(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not YYYY-MM-DD", param_hint="--today") from None


def _variables(values: tuple[str, ...]) -> dict[str, str]:
    found = {k: v for k, v in os.environ.items() if k.isupper()}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--var")
        found[name] = value
    return found


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` (same permissions; never a half-written file)."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    handle, temporary = tempfile.mkstemp(dir=str(path.parent) or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Printer:
    """Primary output (diffs, commands, snippets) on stdout; what was done or skipped on stderr."""

    def __init__(self, lang: str, json_mode: bool) -> None:
        self.lang = lang
        self.json_mode = json_mode
        self.data: dict[str, list[Any]] = {"files": [], "commands": [], "live": [], "snippets": []}
        self.unfixed = 0
        self.input_errors = 0

    def out(self, text: str) -> None:
        if not self.json_mode:
            click.echo(text, nl=not text.endswith("\n"))

    def note(self, text: str) -> None:
        if not self.json_mode:
            click.echo(text, err=True)

    def outcome(self, where: str, outcome: Any, verb: str) -> None:
        from eksguard.fixes import Outcome

        assert isinstance(outcome, Outcome)
        for change in outcome.changes:
            self.note(f"{where}: {verb} {change.rule} {change.target}: {change.what.get(self.lang)}")
        for skip in outcome.skipped:
            self.unfixed += 1
            label = "未修正" if self.lang == "ja" else "not fixed"
            self.note(f"{where}: {label} {skip.rule} {skip.target}: {skip.why.get(self.lang)}")
        for warning in outcome.warnings:
            label = "注意" if self.lang == "ja" else "warning"
            self.note(f"{where}: {label}: {warning.get(self.lang)}")


def _outcome_dict(outcome: Any, lang: str) -> dict[str, Any]:
    return {"changes": [{"rule": c.rule, "target": c.target, "what": c.what.get(lang)} for c in outcome.changes],
            "skipped": [{"rule": s.rule, "target": s.target, "why": s.why.get(lang)} for s in outcome.skipped],
            "warnings": [w.get(lang) for w in outcome.warnings]}


def _fix_files(files: list[str], options: Any, config: Any, variables: dict[str, str], today: dt.date | None,
               write: bool, printer: Printer) -> None:
    from eksguard.fixes.eksctl import fix_file

    lang = printer.lang
    for path in files:
        result = fix_file(path, options, config, variables, today)
        entry: dict[str, Any] = {"path": path, "changed": result.changed, "written": False,
                                 **_outcome_dict(result.outcome, lang),
                                 "error": result.error.get(lang) if result.error else None}
        if result.error is not None:
            printer.unfixed += 1
            printer.note(f"{path}: {result.error.get(lang)}")
        printer.outcome(path, result.outcome, "修正" if lang == "ja" else ("fixed" if write else "fix"))
        if result.changed:
            if write:
                write_atomically(Path(path), result.fixed)
                entry["written"] = True
                printer.note(f"{path}: " + ("書き込みました" if lang == "ja" else "written"))
            else:
                entry["diff"] = result.diff()
                printer.out(result.diff())
        printer.data["files"].append(entry)


def _fix_commands(texts: list[tuple[str, str]], options: Any, config: Any, variables: dict[str, str],
                  today: dt.date | None, to_config: str | None, printer: Printer) -> None:
    from eksguard.fixes.commandline import (
        CONFIG_NOTE,
        CommandLineUnavailable,
        config_command,
        equivalent_config,
        fix_commands,
    )
    from eksguard.fixes.eksctl import fix_text

    lang = printer.lang
    try:
        found = [fix for path, text in texts for fix in fix_commands(text, path, options, config, variables, today)]
    except CommandLineUnavailable as exc:
        printer.input_errors += 1
        printer.note(str(exc))
        return
    if to_config and len(found) != 1:
        printer.input_errors += 1
        printer.note(f"--to-config needs exactly one `eksctl create cluster` command line (found {len(found)})")
        to_config = None
    for fix in found:
        where = f"{fix.path}:{fix.line}"
        entry: dict[str, Any] = {"path": fix.path, "line": fix.line, "original": fix.original,
                                 "corrected": fix.corrected, "config_needed": fix.config_needed,
                                 **_outcome_dict(fix.outcome, lang)}
        if to_config:
            config_text, warnings = equivalent_config(fix.invocation)
            fixed = fix_text(config_text, to_config, options, config, variables, today)
            if fixed.error is not None:
                printer.unfixed += 1
                printer.note(f"{to_config}: {fixed.error.get(lang)}")
            target = Path(to_config)
            if target.exists():
                printer.input_errors += 1
                printer.note(f"{to_config}: exists; choose another name or remove it first")
            else:
                write_atomically(target, fixed.fixed)
                command = config_command(fix.invocation, to_config)
                entry.update(config=to_config, config_command=command, **{
                    "config_" + k: v for k, v in _outcome_dict(fixed.outcome, lang).items()})
                printer.outcome(to_config, fixed.outcome, "修正" if lang == "ja" else "fixed")
                for warning in warnings:
                    printer.note(f"{to_config}: " + ("注意" if lang == "ja" else "warning") + f": {warning.get(lang)}")
                printer.note(f"{where}: " + (f"{to_config} に同等の ClusterConfig を書き出しました。作成コマンド:"
                                             if lang == "ja" else
                                             f"wrote the equivalent ClusterConfig to {to_config}; create it with:"))
                printer.out(command + "\n")
        else:
            printer.outcome(where, fix.outcome, "修正" if lang == "ja" else "fix")
            if fix.outcome.changes:
                printer.out(fix.corrected + "\n" if fix.corrected else "")
            elif not fix.config_needed and not fix.outcome.skipped:
                printer.note(f"{where}: " + ("修正する指摘はありません" if lang == "ja" else "nothing to fix"))
            if fix.config_needed:
                printer.unfixed += len(fix.config_needed)
                label = "未修正" if lang == "ja" else "not fixed"
                printer.note(f"{where}: {label} {', '.join(fix.config_needed)}: {CONFIG_NOTE.get(lang)}")
        printer.data["commands"].append(entry)


def _print_live(pairs: list[tuple[Any, list[Any]]], options: Any, printer: Printer) -> None:
    from eksguard.fixes.live import live_commands, render_fixes

    for cluster, findings in pairs:
        fixes = live_commands(cluster, findings, options)
        if not fixes:
            continue
        printer.unfixed += sum(1 for fix in fixes if not fix.steps)
        printer.data["live"].append({"cluster": cluster.target, "fixes": [f.as_dict(printer.lang) for f in fixes]})
        printer.out(render_fixes(cluster, fixes, printer.lang))


def _print_snippets(report: Any, options: Any, printer: Printer) -> None:
    from eksguard.fixes.snippets import REPLACEMENT_KEY, SNIPPET_KEY, annotate

    annotate(report, options, printer.lang)
    for finding in report.failures:
        snippet = finding.extra.get(SNIPPET_KEY)
        if not isinstance(snippet, dict):
            continue
        where = finding.origin.display() if finding.origin else finding.target
        printer.data["snippets"].append({"rule": finding.rule, "target": finding.target, "location": where,
                                         **snippet, "replacement": finding.extra.get(REPLACEMENT_KEY)})
        lines = [f"# {finding.rule} {finding.target} ({where})"]
        if snippet.get("note"):
            lines.append(f"# {snippet['note']}")
        lines.append(str(snippet["text"]).rstrip("\n"))
        printer.out("\n".join(lines) + "\n\n")


def _expand(paths: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(files, missing) under PATHS (directories walked like `scan`)."""
    from eksguard.sources import walk

    files: list[str] = []
    missing: list[str] = []
    for given in paths:
        root = Path(given)
        if root.is_dir():
            files.extend(str(found) for found in walk(root))
        elif root.is_file():
            files.append(given)
        else:
            missing.append(given)
    return files, missing


@click.command("fix")
@click.argument("paths", nargs=-1)
@click.option("--write", is_flag=True, help="Write the fixed files (default: print a unified diff).")
@click.option("--allow-cidr", "allow_cidrs", multiple=True, metavar="CIDR",
              help="EKS101: allow the public endpoint only from this CIDR (repeatable), e.g. 203.0.113.10/32.")
@click.option("--private-endpoint", is_flag=True, help="EKS101: turn public access off and private access on.")
@click.option("--admin-role-arn", metavar="ARN",
              help="EKS108: the IAM role that gets an access entry with cluster admin instead of the creator.")
@click.option("--kms-key", metavar="ARN", help="EKS105 (live commands): the KMS key for secrets encryption.")
@click.option("--rule", "rules", multiple=True, help="Fix only these rules (repeatable).")
@click.option("--skip-rule", "skip_rules", multiple=True, help="Do not fix these rules (repeatable).")
@click.option("--command", "commands", multiple=True, metavar="'eksctl create cluster ...'",
              help="An eksctl command line to correct (repeatable).")
@click.option("--to-config", type=click.Path(dir_okay=False),
              help="With one command line: write the equivalent ClusterConfig, fixed, to this new file.")
@click.option("--from-json", "from_json", type=click.Path(exists=True, dir_okay=False),
              help="A JSON report of `eksguard audit`: print the commands that fix its clusters.")
@click.option("--live-from-snapshot", type=click.Path(exists=True, dir_okay=False),
              help="An audit snapshot: audit it offline and print the commands that fix its clusters.")
@click.option("--region", help="Region for live commands when the report does not name it.")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", help="Value for a ${NAME} placeholder.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (default: .eksguard.yaml found upward); suppressed findings are not fixed.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None)
@click.option("--today", default=None, hidden=True)
def fix_command(paths: tuple[str, ...], write: bool, allow_cidrs: tuple[str, ...], private_endpoint: bool,
                admin_role_arn: str | None, kms_key: str | None, rules: tuple[str, ...], skip_rules: tuple[str, ...],
                commands: tuple[str, ...], to_config: str | None, from_json: str | None,
                live_from_snapshot: str | None, region: str | None, variables: tuple[str, ...],
                config_path: str | None, output_format: str, lang: str | None, today: str | None) -> None:
    """Show (or --write) the safe fix of each finding: eksctl files, eksctl command lines, live clusters."""
    from eksguard.config import ConfigError, load_config
    from eksguard.fixes import FixInputError, FixOptions, check_cidrs
    from eksguard.i18n import detect_lang
    from eksguard.rules import get_rule

    chosen = detect_lang(lang)
    if not (paths or commands or from_json or live_from_snapshot):
        raise click.UsageError("give PATH..., --command, --from-json or --live-from-snapshot")
    if allow_cidrs and private_endpoint:
        raise click.UsageError("--allow-cidr and --private-endpoint are alternatives: choose one")
    if to_config and not commands and not paths:
        raise click.UsageError("--to-config needs an eksctl command line (--command or a script among PATHS)")
    for rule_id in (*rules, *skip_rules):
        if get_rule(rule_id) is None:
            raise click.BadParameter(f"unknown rule {rule_id}", param_hint="--rule")
    try:
        cidrs = check_cidrs(list(allow_cidrs))
    except FixInputError as exc:
        raise click.BadParameter(str(exc), param_hint="--allow-cidr") from None
    if admin_role_arn is not None:
        from eksguard.fixes.eksctl import _ROLE_ARN

        if not _ROLE_ARN.match(admin_role_arn):
            raise click.BadParameter(f"{admin_role_arn!r} is not an IAM role ARN", param_hint="--admin-role-arn")
    options = FixOptions(cidrs, private_endpoint, admin_role_arn, kms_key, frozenset(r.upper() for r in rules),
                         frozenset(r.upper() for r in skip_rules))
    try:
        config = load_config(Path(config_path) if config_path else None, [Path(p) for p in paths] or [Path.cwd()])
    except ConfigError as exc:
        click.echo(exc.text(chosen), err=True)
        sys.exit(EXIT_INPUT)
    values = _variables(variables)
    day = _today(today)
    printer = Printer(chosen, output_format == "json")

    files, missing = _expand(paths)
    for path in missing:
        printer.input_errors += 1
        printer.note(f"{path}: no such file or directory")
    if files:
        from eksguard.engine import evaluate
        from eksguard.sources import collect

        estate = collect(files, values, options={"config": config})
        for problem in estate.problems:
            if problem.kind != "unresolved-variable":
                printer.input_errors += 1
                printer.note(problem.display())
        eksctl_files = sorted({c.origin.path for c in estate.clusters if c.source == "eksctl"} & set(files),
                              key=files.index)
        _fix_files(eksctl_files, options, config, values, day, write, printer)
        script_paths = sorted({c.origin.path for c in estate.clusters if c.source == "eksctl-cli"} & set(files),
                              key=files.index)
        script_texts = [(p, Path(p).read_text(encoding="utf-8")) for p in script_paths]
        report = evaluate(estate, config, day)
        if script_texts:
            _fix_commands(script_texts, options, config, values, day, to_config, printer)
        _print_snippets(report, options, printer)
        live = [c for c in estate.clusters if c.source == "live"]
        _print_live([(c, [f for f in report.failures if f.target.split("/")[:2] == c.target.split("/")])
                     for c in live], options, printer)
    if commands:
        text = "\n".join(commands) + "\n"
        _fix_commands([("command.sh", text)], options, config, values, day, to_config, printer)
    if from_json:
        from eksguard.fixes.live import clusters_from_report

        try:
            data = json.loads(Path(from_json).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            click.echo(f"{from_json}: not a JSON report ({exc})", err=True)
            sys.exit(EXIT_INPUT)
        _print_live(clusters_from_report(data, region), options, printer)
    if live_from_snapshot:
        _live_snapshot(Path(live_from_snapshot), options, config, day, printer)
    if printer.json_mode:
        click.echo(json.dumps(printer.data, ensure_ascii=False, indent=2))
    sys.exit(EXIT_INPUT if printer.input_errors else EXIT_UNFIXED if printer.unfixed else EXIT_OK)


def _live_snapshot(path: Path, options: Any, config: Any, day: dt.date | None, printer: Printer) -> None:
    try:
        from eksguard.live.audit import AuditOptions, run_audit
    except ImportError as exc:
        printer.input_errors += 1
        printer.note(f"--live-from-snapshot needs the live audit package ({exc}); use --from-json with an "
                     "`eksguard audit --format json` report instead")
        return
    from eksguard.engine import evaluate

    try:
        result = run_audit(AuditOptions(from_snapshot=path))
    except Exception as exc:  # the audit says why it cannot start (unreadable snapshot ...)
        printer.input_errors += 1
        printer.note(f"{path}: {exc}")
        return
    report = evaluate(result.estate, config, day)
    _print_live([(c, [f for f in report.failures if f.target.split("/")[:2] == c.target.split("/")])
                 for c in result.estate.clusters if c.source == "live"], options, printer)
