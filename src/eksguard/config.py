"""`.eksguard.yaml`: rule selection, severity overrides, suppressions, thresholds.

The file is found upward from the scanned path (or given with `--config`). Sections other
commands own (`environments:` for the kubectl guard, `kubernetes:` for manifests) are kept
raw in `Config.raw` for them to read.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_NAMES = (".eksguard.yaml", ".eksguard.yml")
SEVERITIES = ("critical", "high", "medium", "low", "info")


class ConfigError(Exception):
    """The configuration file cannot be used; the message names the file (`ja`: in Japanese)."""

    def __init__(self, message: str, ja: str) -> None:
        super().__init__(message)
        self.ja = ja

    def text(self, lang: str) -> str:
        return self.ja if lang == "ja" else str(self)


@dataclass(slots=True)
class Suppression:
    rule: str
    reason: str
    target: str = "*"
    path: str = "*"
    expires: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def matches(self, rule: str, target: str, path: str) -> bool:
        return (
            self.rule in (rule, "*")
            and fnmatch.fnmatch(target, self.target)
            and (self.path == "*" or fnmatch.fnmatch(path, self.path) or path.endswith(self.path))
        )


@dataclass(slots=True)
class Thresholds:
    max_pods_floor: int = 20
    admin_principal_allowance: int = 2
    version_warning_days: int = 90


@dataclass(slots=True)
class Config:
    path: Path | None = None
    disabled_rules: set[str] = field(default_factory=set)
    only_rules: set[str] | None = None
    severity_overrides: dict[str, str] = field(default_factory=dict)
    suppressions: list[Suppression] = field(default_factory=list)
    break_glass_principals: list[str] = field(default_factory=list)
    thresholds: Thresholds = field(default_factory=Thresholds)
    raw: dict[str, Any] = field(default_factory=dict)

    def rule_enabled(self, rule_id: str) -> bool:
        if rule_id in self.disabled_rules:
            return False
        return self.only_rules is None or rule_id in self.only_rules


def find_config(start: Path) -> Path | None:
    """The nearest `.eksguard.yaml` in `start` (a file's folder) or any folder above it."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def load_raw(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}", f"{path}: 設定を読めません: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{line}: configuration is not valid YAML",
                          f"{path}{line}: 設定が YAML として正しくありません") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: configuration must be a mapping", f"{path}: 設定はマッピングである必要があります")
    return data


def _rule_list(value: Any, path: Path, key: str) -> set[str]:
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: `{key}` must be a list of rule ids", f"{path}: `{key}` はルール ID のリストにしてください")
    return {v.upper() for v in value}


def _date(value: Any, path: Path) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{path}: suppression expiry {value!r} is not a date (YYYY-MM-DD)",
                          f"{path}: 抑制の期限 {value!r} が日付（YYYY-MM-DD）ではありません") from None


def _count(thresholds: dict[str, Any], key: str, default: int, where: Path) -> int:
    value = thresholds.get(key, default)
    if isinstance(value, str) and value.strip().isdigit():  # "20" was always accepted
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}: `thresholds.{key}` must be a whole number, not {value!r}",
                          f"{where}: `thresholds.{key}` は 0 以上の整数にしてください（{value!r} ではなく）")
    return value


def parse_config(raw: dict[str, Any], path: Path | None) -> Config:
    where = path or Path(".eksguard.yaml")
    rules = raw.get("rules") or {}
    if not isinstance(rules, dict):
        raise ConfigError(f"{where}: `rules` must be a mapping", f"{where}: `rules` はマッピングにしてください")
    severity = rules.get("severity") or {}
    if not isinstance(severity, dict):
        raise ConfigError(f"{where}: `rules.severity` must map rule ids to severities",
                          f"{where}: `rules.severity` はルール ID から重大度へのマッピングにしてください")
    overrides: dict[str, str] = {}
    for rule_id, level in severity.items():
        if str(level).lower() not in SEVERITIES:
            raise ConfigError(f"{where}: severity {level!r} for {rule_id} is not one of {', '.join(SEVERITIES)}",
                              f"{where}: {rule_id} の重大度 {level!r} は {', '.join(SEVERITIES)} のいずれでもありません")
        overrides[str(rule_id).upper()] = str(level).lower()
    suppressions: list[Suppression] = []
    for item in raw.get("suppressions") or []:
        if not isinstance(item, dict) or "rule" not in item or not item.get("reason"):
            raise ConfigError(f"{where}: each suppression needs `rule` and `reason`",
                              f"{where}: 抑制にはそれぞれ `rule` と `reason` が必要です")
        suppressions.append(
            Suppression(
                rule=str(item["rule"]).upper(),
                reason=str(item["reason"]),
                target=str(item.get("target", "*")),
                path=str(item.get("path", "*")),
                expires=_date(item.get("expires"), where),
            )
        )
    thresholds_raw = raw.get("thresholds") or {}
    if not isinstance(thresholds_raw, dict):
        raise ConfigError(f"{where}: `thresholds` must be a mapping", f"{where}: `thresholds` はマッピングにしてください")
    thresholds = Thresholds(
        max_pods_floor=_count(thresholds_raw, "max_pods_floor", 20, where),
        admin_principal_allowance=_count(thresholds_raw, "admin_principal_allowance", 2, where),
        version_warning_days=_count(thresholds_raw, "version_warning_days", 90, where),
    )
    only = rules.get("only")
    return Config(
        path=path,
        disabled_rules=_rule_list(rules.get("disable"), where, "rules.disable"),
        only_rules=_rule_list(only, where, "rules.only") if only is not None else None,
        severity_overrides=overrides,
        suppressions=suppressions,
        break_glass_principals=[str(p) for p in raw.get("break_glass_principals") or []],
        thresholds=thresholds,
        raw=raw,
    )


def load_config(explicit: Path | None, scan_paths: list[Path]) -> Config:
    """`--config` when given, else the nearest file above the first scanned path, else defaults."""
    path = explicit
    if path is None:
        for scanned in scan_paths:
            path = find_config(scanned)
            if path is not None:
                break
    if path is None:
        return Config()
    return parse_config(load_raw(path), path)
