"""Which text files a source may read, by name alone (cheap: decided before any file is opened)."""

from __future__ import annotations

SHELL_SUFFIXES = (".sh", ".bash", ".zsh", ".ksh")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
ASCIIDOC_SUFFIXES = (".adoc", ".asciidoc", ".asc")
MAKEFILE_NAMES = frozenset({"makefile", "gnumakefile"})


def file_kind(name: str) -> str | None:
    """How to read a file by its name: "shell", "markdown", "asciidoc", "makefile", "shebang" (an
    extensionless file that may be a script) or None."""
    lower = name.lower()
    if lower.endswith(SHELL_SUFFIXES):
        return "shell"
    if lower.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    if lower.endswith(ASCIIDOC_SUFFIXES):
        return "asciidoc"
    if lower in MAKEFILE_NAMES or lower.endswith(".mk"):
        return "makefile"
    if "." not in name.lstrip(".") and name.upper() not in NOT_SCRIPTS and not name.startswith("."):
        return "shebang"
    return None


# extensionless names that are never shell scripts (not read at all)
NOT_SCRIPTS = frozenset({
    "LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS", "CONTRIBUTORS", "CODEOWNERS", "OWNERS", "README",
    "CHANGELOG", "CHANGES", "HISTORY", "VERSION", "DOCKERFILE", "CONTAINERFILE", "VAGRANTFILE", "JENKINSFILE",
    "PROCFILE", "GEMFILE", "RAKEFILE", "BREWFILE", "PIPFILE", "PODFILE", "CAPFILE", "GUARDFILE", "BERKSFILE",
    "TILTFILE", "JUSTFILE", "SNAKEFILE", "BUILD", "WORKSPACE", "MAKEFILE", "GNUMAKEFILE", "TODO", "MAINTAINERS",
    "SECURITY", "PATENTS", "UNLICENSE", "INSTALL", "NEWS", "THANKS", "CNAME", "MANIFEST"})
