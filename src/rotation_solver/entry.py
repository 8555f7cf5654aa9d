"""The console script. Importing the CLI (pandas, OR-Tools, matplotlib) takes about
half a second; a Ctrl-C then would end in an import traceback, so the import runs
under the same "interrupted, exit 130" rule as the commands themselves."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from rotation_solver.cli import main as run_cli
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        sys.exit(130)
    run_cli()
