"""The console script.

- Importing the CLI (pandas, OR-Tools, matplotlib) takes about half a second; a
  Ctrl-C then would end in an import traceback, so the import runs under the same
  "interrupted, exit 130" rule as the commands themselves.
- Output piped into a reader that stops early (`| head`) ends the program quietly,
  the way Unix tools do (SIGPIPE), instead of click's exit 1, which the contract
  keeps for bad input.
- Standard output is written whole or the run says why not (`stdout.py`).
"""

from __future__ import annotations

import signal
import sys


def main() -> None:
    if hasattr(signal, "SIGPIPE"):  # not on Windows
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    from rotation_solver import stdout
    from rotation_solver.ctrl_c import install_ctrl_c_handler
    from rotation_solver.errors import EXIT_INTERRUPTED  # light: no click, no OR-Tools

    install_ctrl_c_handler()
    stdout.install()

    try:
        from rotation_solver.cli import main as run_cli
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    run_cli()
