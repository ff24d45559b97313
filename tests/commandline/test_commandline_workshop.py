"""The EKS Workshop's "Using eksctl" pages (English and Japanese) run
`curl …/cluster/eksctl/<file> | envsubst | eksctl create cluster -f -`: scanned with the workshop tree,
the pipeline resolves to the ClusterConfig in it, whose open endpoint is EKS101 (article 000, second alert)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clkit import Scan, scan_paths


@pytest.fixture(scope="module")
def workshop(shared_root: Path) -> Path:
    return shared_root / "corpus/eks-workshop-v2"


def expected_config(page: Path) -> str:
    # the "introduction" pages use cluster.yaml; the "fastpaths" pages its Auto Mode sibling
    return "cluster-auto.yaml" if "fastpaths" in page.name else "cluster.yaml"


def check_pages(scan: Scan, pages: list[Path], workshop: Path) -> None:
    assert len(pages) == 4
    assert not [w for w in scan.estate.warnings if w.path.endswith(".md")]
    assert not [p for p in scan.estate.problems if p.path.endswith(".md")]
    for page in pages:
        noted = [c for c in scan.estate.clusters if any(note.en.startswith(f"{page}:") for note in c.notes)]
        assert len(noted) == 1, page
        cluster = noted[0]
        config = workshop / "cluster/eksctl" / expected_config(page)
        assert cluster.origin.path == str(config)
        note = next(n for n in cluster.notes if n.en.startswith(f"{page}:"))
        assert "eksctl create cluster -f -" in note.en
        assert f"curl …/cluster/eksctl/{expected_config(page)} | envsubst" in note.en
        # `export EKS_CLUSTER_NAME=…` before the pipeline: envsubst puts the page's name in
        assert cluster.name == ("eks-workshop-auto" if "fastpaths" in page.name else "eks-workshop")
        # the Terraform variant of the workshop makes a cluster of the same name; this one's EKS101 is the file's
        endpoint = [f for f in scan.failing("EKS101") if f.target == cluster.target and f.origin
                    and f.origin.path.startswith(str(workshop / "cluster/eksctl"))]
        assert [(f.severity, f.origin.path if f.origin else None) for f in endpoint] == [("critical", str(config))]


def test_workshop_pages_resolve_to_the_cluster_config(workshop: Path) -> None:
    scan = scan_paths(workshop)
    pages = sorted((workshop / "docs").glob("*.md"))
    check_pages(scan, pages, workshop)
    # the English and the Japanese page of the same section use the same file
    def count(cluster_file: str, words: str) -> int:
        [cluster] = [c for c in scan.estate.clusters if c.origin.path == str(workshop / "cluster/eksctl" / cluster_file)]
        return len([n for n in cluster.notes if words in n.en])

    for cluster_file in ("cluster.yaml", "cluster-auto.yaml"):
        assert count(cluster_file, "runs `eksctl create cluster -f -`") == 2
        # each page's clean-up section deletes it again (`eksctl delete cluster $EKS_CLUSTER_NAME`)
        assert count(cluster_file, "deletes this cluster later") == 2


def test_pages_elsewhere_resolve_by_path_suffix(workshop: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for page in (workshop / "docs").glob("*.md"):
        shutil.copy(page, site / page.name)
    scan = scan_paths(site, workshop / "cluster")
    check_pages(scan, sorted(site.glob("*.md")), workshop)


def test_pages_alone_warn_that_the_configuration_is_not_scanned(workshop: Path) -> None:
    page = workshop / "docs/docs__introduction__setup__your-account__using-eksctl.md"
    scan = scan_paths(page)
    assert scan.estate.clusters == []
    [warning] = scan.warnings()
    assert "no scanned file ends with `cluster/eksctl/cluster.yaml`" in warning
    assert warning.startswith(f"{page}:23:")
