"""The console script.

- Importing the CLI (pandas, OR-Tools, matplotlib) takes about half a second; a
  Ctrl-C then would end in an import traceback, so the import runs under the same
  "interrupted, exit 130" rule as the commands themselves.
- Output piped into a reader that stops early (`| head`) ends the program quietly,
  the way Unix tools do (SIGPIPE), instead of click's exit 1, which the contract
  keeps for bad input.
- Standard output written whole or not at all: CPython takes a short write (a file
  that reaches its size limit, `> plan.json` on a full quota) as done, so a cut JSON
  plan ended with exit 0 and no word (found by review). Writes now repeat until all
  is written, and the error the repeat meets is reported (exit 74).
"""

from __future__ import annotations

import io
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class _WholeWrites(io.FileIO):
    """A file descriptor whose `write` writes everything or raises."""

    def write(self, data: ReadableBuffer, /) -> int:
        view = memoryview(data).cast("B")
        written = 0
        while written < len(view):
            count = super().write(view[written:])
            if count is None:  # a non-blocking descriptor that is full: try again
                continue
            written += count
        return written


def whole_writes(stream: io.TextIOWrapper) -> io.TextIOWrapper:
    """`stream` (standard output) again, over a descriptor that writes whole."""
    raw = _WholeWrites(stream.fileno(), "w", closefd=False)
    return io.TextIOWrapper(
        io.BufferedWriter(raw),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
    )


def main() -> None:
    if hasattr(signal, "SIGPIPE"):  # not on Windows
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    from rotation_solver.ctrl_c import install_ctrl_c_handler
    from rotation_solver.errors import EXIT_INTERRUPTED  # light: no click, no OR-Tools

    install_ctrl_c_handler()
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.flush()
        sys.stdout = whole_writes(sys.stdout)

    try:
        from rotation_solver.cli import main as run_cli
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    run_cli()
