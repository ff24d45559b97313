"""Fixes from the second review of eksctl command lines on real repositories: the command named in
messages, `--dry-run`, existing subnets, here-document files and node-group-only configurations."""

from __future__ import annotations

from clkit import ScanFiles

from eksguard.findings import Status


def test_volume_encryption_note_names_the_nodegroup_command(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        eksctl create cluster --name demo -P
        eksctl create nodegroup --cluster demo --name extra -P
    """})
    notes = {f.target.rsplit("/", 1)[-1]: f.message.en if f.message else ""
             for f in scan.results("EKS303", Status.UNKNOWN)}
    assert "`eksctl create cluster` has no flag for volume encryption" in notes["managedgroup-0"]
    assert "`eksctl create nodegroup` has no flag for volume encryption" in notes["extra"]


def test_dry_run_creates_nothing(scan_files: ScanFiles) -> None:
    scan = scan_files({"setup.sh": """
        eksctl create cluster --name preview --dry-run
        eksctl create cluster --name preview2 --dry-run=false
        eksctl create nodegroup --cluster preview2 --name extra --dry-run
    """})
    assert [c.name for c in scan.estate.clusters] == ["preview2"]
    assert [g.name for g in scan.cluster("preview2").node_groups] == ["managedgroup-0"]
    assert scan.results("EKS101", Status.FAIL)[0].origin.line == 2  # type: ignore[union-attr]
    printed = [w for w in scan.warnings() if "with `--dry-run` eksctl only prints the ClusterConfig" in w]
    assert [w.split(":")[1] for w in printed] == ["1", "3"]
