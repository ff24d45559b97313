"""The rule catalog as text, Markdown (README and docs) or JSON."""

from __future__ import annotations

import json

from eksguard.i18n import SEVERITY_NAMES
from eksguard.rules import all_rules


def render_catalog(output_format: str, lang: str) -> str:
    rules = all_rules()
    if output_format == "json":
        return json.dumps([{"id": r.id, "slug": r.slug, "severity": r.severity, "severities": list(r.severities),
                            "title": r.title.get(lang), "risk": r.risk.get(lang), "fix": r.fix.get(lang),
                            "references": list(r.references), "help_uri": r.help_uri} for r in rules],
                          ensure_ascii=False, indent=2) + "\n"
    if output_format == "md":
        lines = ["| id | slug | severity | title |", "| --- | --- | --- | --- |"]
        lines += [f"| [{r.id}](docs/rules/{r.id}.md) | {r.slug} | "
                  f"{' / '.join(SEVERITY_NAMES[s].get(lang) for s in r.severities)} | {r.title.get(lang)} |"
                  for r in rules]
        return "\n".join(lines) + "\n"
    return "".join(f"{r.id}  {r.slug:<44} {'/'.join(r.severities):<18} {r.title.get(lang)}\n" for r in rules)
