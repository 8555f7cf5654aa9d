"""Writing the user's files: all or nothing.

A file named with `-o` or `--plot` appears only once it is complete. It is written
to a temporary file next to it and moved into place at the end, so Ctrl-C or an
error half-way leaves the old file (or no file) rather than a truncated one,
which a re-run would then refuse to overwrite without `--force`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path to write to; it replaces `path` only if the block completes."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """`path.write_text(text)`, all or nothing."""
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    """`path.write_bytes(data)`, all or nothing."""
    with replacing(path) as temporary:
        temporary.write_bytes(data)
