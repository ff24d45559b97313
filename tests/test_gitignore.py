"""The walk skips what git ignores, as gitignore(5) says: anchored patterns, `!` re-includes, folder-only
patterns, `**`, classes and escapes. The expected sets are what `git ls-files` keeps for the same tree."""

from __future__ import annotations

from pathlib import Path

from eksguard.sources import walk

GITIGNORE = """\
/cluster-autoscaler
external-dns
!/charts/external-dns/
build/
docs/**/gen
**/tmp/*.yaml
a?c.yaml
[xy]z.yaml
\\#hash.yaml
trail.yaml   \n"""

FILES = ["cluster-autoscaler/x.yaml", "charts/cluster-autoscaler/x.yaml", "charts/external-dns/x.yaml",
         "sub/external-dns/x.yaml", "docs/a/b/gen/x.yaml", "docs/gen/x.yaml", "sub/tmp/a.yaml", "tmp/a.yaml",
         "tmp/b.yml", "build/x.yaml", "sub/build/x.yaml", "abc.yaml", "xz.yaml", "zz.yaml", "#hash.yaml",
         "trail.yaml", "external-dns.yaml", "build.yaml"]


def test_the_walk_keeps_what_git_keeps(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text(GITIGNORE)
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a: 1\n")
    kept = sorted(p.relative_to(tmp_path).as_posix() for p in walk(tmp_path))
    # `git add -A && git ls-files` on this tree (git 2.39)
    assert kept == ["build.yaml", "charts/cluster-autoscaler/x.yaml", "charts/external-dns/x.yaml",
                    "external-dns.yaml", "tmp/b.yml", "zz.yaml"]


def test_a_nested_gitignore_overrides_its_parent(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.gen.yaml\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".gitignore").write_text("!keep.gen.yaml\n")
    for name in ("drop.gen.yaml", "app/drop.gen.yaml", "app/keep.gen.yaml"):
        (tmp_path / name).write_text("a: 1\n")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in walk(tmp_path)) == ["app/keep.gen.yaml"]
