"""Standard output that is written whole or reports why not.

CPython takes a short write (a file that reaches its size limit, `> plan.json` on a
full quota) as done, so a cut JSON plan ended with exit 0 and no word (found by review):
writes here repeat until all is written, and the error a repeat meets is raised, which
the CLI reports as exit 74. A closed standard output (`>&-`) fails the same way (found
by fuzzing: exit 0 with nothing written).
"""

from __future__ import annotations

import errno
import io
import os
import select
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


def install() -> None:
    """Replace `sys.stdout` as above; a terminal, Windows and a stream with no
    descriptor keep theirs."""
    stdout = sys.stdout
    if stdout is None:
        sys.stdout = _ClosedOutput()
    elif isinstance(stdout, io.TextIOWrapper) and _writes_to_a_file(stdout):
        stdout.flush()
        sys.stdout = whole_writes(stdout)
