"""`kubectl-guard`: the guard as a kubectl plugin (`kubectl guard apply -k overlays/prod`)."""

from __future__ import annotations

import sys

from eksguard.guard.runner import run_guard


def main() -> None:
    sys.exit(run_guard(sys.argv[1:]))


if __name__ == "__main__":
    main()
