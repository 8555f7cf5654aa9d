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

import errno
import io
import os
import select
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
            if count is None:  # a full non-blocking pipe: wait until it takes more
                select.select([], [self.fileno()], [])
                continue
            written += count
        return written


class _ClosedOutput(io.TextIOBase):
    """Standard output that is not there (`>&-`): what is written to it fails as a write
    to a full disk does, with exit 74 (found by fuzzing: exit 0 and nothing written)."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False


def whole_writes(stream: io.TextIOWrapper) -> io.TextIOWrapper:
    """`stream` (standard output) again, over a descriptor that writes whole."""
    raw = _WholeWrites(stream.fileno(), "w", closefd=False)
    return io.TextIOWrapper(
        io.BufferedWriter(raw),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
        write_through=stream.write_through,  # python -u
    )


def _writes_to_a_file(stream: io.TextIOWrapper) -> bool:
    """Standard output that is a file or a pipe, not a terminal: a console keeps its own
    stream (Windows writes UTF-16 to it), and a short write only happens to files."""
    try:
        stream.fileno()  # a stream with no descriptor (a test's capture) is left alone
        return not stream.isatty() and os.name != "nt"
    except (OSError, ValueError):  # closed, or no descriptor
        return False


def main() -> None:
    if hasattr(signal, "SIGPIPE"):  # not on Windows
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    from rotation_solver.ctrl_c import install_ctrl_c_handler
    from rotation_solver.errors import EXIT_INTERRUPTED  # light: no click, no OR-Tools

    install_ctrl_c_handler()
    stdout = sys.stdout
    if stdout is None:
        sys.stdout = _ClosedOutput()
    elif isinstance(stdout, io.TextIOWrapper) and _writes_to_a_file(stdout):
        stdout.flush()
        sys.stdout = whole_writes(stdout)

    try:
        from rotation_solver.cli import main as run_cli
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    run_cli()
