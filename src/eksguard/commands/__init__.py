"""CLI commands that live outside cli.py; each module exposes one click command."""
