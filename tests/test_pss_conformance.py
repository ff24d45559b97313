"""Conformance of eksguard.analysis.pss with the upstream Pod Security Admission fixture corpus.

The corpus (kubernetes/pod-security-admission test/testdata) holds one Pod per file at
`<level>/v1.<minor>/{pass,fail}/<checkid-lowercased><n>.yaml`: pass files must be allowed, fail files
denied, and the denial must come from the check the file is named after.

One subtlety from upstream's registry (policy/registry.go): at the restricted level some restricted
checks *override* a baseline check from a given version on, so the baseline check does not run there and
the denial is reported by the overriding check instead. The table below lists those overrides.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from eksguard.analysis.pss import evaluate

TESTDATA = Path("conformance/pod-security-admission/test/testdata")
EXPECTED_FILES = 4537

# overridden baseline check (lowercased) -> (overriding restricted check, first minor it overrides at)
RESTRICTED_OVERRIDES = {
    "hostpathvolumes": ("restrictedvolumes", 0),  # policy/check_restrictedVolumes.go
    "seccompprofile_baseline": ("seccompprofile_restricted", 19),  # policy/check_seccompProfile_restricted.go
    "capabilities_baseline": ("capabilities_restricted", 22),  # policy/check_capabilities_restricted.go
    "procmount": ("procmount_restricted", 35),  # policy/check_procMount_restricted.go
}


def _expected_ids(check: str, level: str, minor: int) -> tuple[set[str], str | None]:
    """Check ids that may report this fixture's denial, and an id that must not appear (overridden)."""
    override = RESTRICTED_OVERRIDES.get(check)
    if level == "restricted" and override is not None and minor >= override[1]:
        return {override[0]}, check
    return {check}, None


def test_pss_conformance_all_fixtures(shared_root: Path) -> None:
    root = shared_root / TESTDATA
    files = sorted(root.rglob("*.yaml"))
    mismatches: list[str] = []
    for path in files:
        level, version_dir, outcome = path.parts[-4], path.parts[-3], path.parts[-2]
        minor = int(version_dir.removeprefix("v1."))
        pod = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        violations = evaluate(pod.get("metadata"), pod.get("spec"), level, version_dir)
        where = str(path.relative_to(root))
        got = sorted({v.check_id.lower() for v in violations})
        if outcome == "pass":
            if violations:
                mismatches.append(f"{where}: expected allowed, got {got}")
            continue
        check = path.stem.rstrip("0123456789")
        wanted, overridden = _expected_ids(check, level, minor)
        if not violations:
            mismatches.append(f"{where}: expected denied by {sorted(wanted)}, got allowed")
        elif not wanted.intersection(got):
            mismatches.append(f"{where}: expected denial by {sorted(wanted)}, got {got}")
        elif overridden is not None and overridden in got:
            mismatches.append(f"{where}: {overridden} is overridden at {level} {version_dir} but ran")
    print(f"PSS conformance: {len(files)} fixtures, {len(files) - len(mismatches)} classified exactly")
    assert mismatches == []
    assert len(files) == EXPECTED_FILES
