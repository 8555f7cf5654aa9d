"""Writing the user's files: all or nothing, and never over what we read.

A file named with `-o` or `--plot` appears only once it is complete. It is written
to a temporary file next to it and moved into place at the end, so Ctrl-C or an
error half-way leaves the old file (or no file) rather than a truncated one,
which a re-run would then refuse to overwrite without `--force`.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rotation_solver.errors import InputError, OutputError, Problem, WriteError, too_long_number

# Files this process read (scenario, catalog, value model) and the outputs it was asked
# for: --force must not replace the scenario with its own plan, and a long run should
# refuse that as soon as the input is read, not after solving.
_inputs: set[Path] = set()
_outputs: dict[Path, str] = {}
_IS_INPUT = "is an input of this run; choose another file"
# A full disk or quota, or an I/O error: the machine's trouble (exit 74), not a usage error.
_MACHINE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG}
# Outputs named without --force: they did not exist when the run started, and a file
# someone puts there while it works must survive (a long `apply` or `frontier`).
_keep: set[Path] = set()
_APPEARED = (
    "appeared while this run was working and was left as it is; pass --force to overwrite it"
)


def real_path(path: Path) -> Path:
    """`path.resolve()`; a symlink loop is an OSError (Python 3.11 raises RuntimeError,
    which was a traceback: found by review), so readers and writers report it."""
    try:
        return path.resolve()
    except RuntimeError:
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from None


_LOOP = "is a symbolic link loop; name a file to write"


def _output_path(path: Path) -> Path:
    try:
        return real_path(path)
    except OSError:
        raise OutputError(Problem(str(path), _LOOP)) from None


def note_input(path: Path) -> None:
    """Remember a file that was read, so no output ever replaces it."""
    resolved = real_path(path)
    _inputs.add(resolved)
    if resolved in _outputs:
        raise OutputError(Problem(_outputs[resolved], _IS_INPUT))


def note_output(path: Path, *, force: bool = True) -> None:
    """Remember an output named on the command line, to refuse it once it is read; without
    `force`, writing it later refuses a file that appeared there meanwhile."""
    resolved = _output_path(path)
    _outputs[resolved] = str(path)
    if not force:
        _keep.add(resolved)


def start_run() -> None:
    """Start a new run: no file read or named so far."""
    _inputs.clear()
    _outputs.clear()
    _keep.clear()


def output_target(path: Path) -> Path:
    """Where writing `path` lands: a symlink's target. Refuses special files (devices,
    pipes, folders) and the files this run reads."""
    try:
        target = _output_path(path)
        special_file = target.exists() and not target.is_file()
    except OSError as error:  # a name too long, a loop: the path asked for (exit 2)
        if error.errno in _MACHINE_ERRORS:
            raise
        reason = error.strerror or str(error)
        raise OutputError(Problem(str(path), f"cannot write the file: {reason}")) from None
    if special_file:
        special = "is not a regular file; name a file to write (or leave out -o for stdout)"
        raise OutputError(Problem(str(path), special))
    if target in _inputs:
        raise OutputError(Problem(str(path), _IS_INPUT))
    return target


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path to write to; it replaces `path` only if the block completes."""
    target = output_target(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        try:
            yield temporary
            if target in _keep:
                _place_new(temporary, target, path)
            else:
                if target.exists():  # --force keeps the file's mode (found by review: 0444)
                    os.chmod(temporary, target.stat().st_mode & 0o777)
                os.replace(temporary, target)
        except FileExistsError:
            raise OutputError(Problem(str(path), _APPEARED)) from None
        except OSError as error:
            reason = error.strerror or str(error)
            problem = Problem(str(path), f"cannot write the file: {reason}")
            if error.errno in _MACHINE_ERRORS:  # the disk, not the path the user named
                raise WriteError(problem) from None
            raise OutputError(problem) from None
    finally:
        temporary.unlink(missing_ok=True)


def _place_new(temporary: Path, target: Path, path: Path) -> None:
    """Move the finished file into place only if nothing is there: a hard link fails
    atomically on an existing name (FileExistsError), unlike a rename."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some shared folders): check, then move
        if target.exists():
            raise FileExistsError(str(path)) from None
        os.replace(temporary, target)


def write_text(path: Path, text: str) -> None:
    """`path.write_text(text)`, all or nothing."""
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    """`path.write_bytes(data)`, all or nothing."""
    with replacing(path) as temporary:
        temporary.write_bytes(data)


def short_name(name: str) -> str:
    """A file name as written, cut short when it is too long to echo (found by review:
    a 100,000-character `value_model:` came back whole in the error)."""
    if len(name) <= 160:
        return name
    return f"{name[:60]}... ({len(name):,} characters)"


@contextmanager
def reading(shown: str, where: Problem | None = None) -> Iterator[None]:
    """An input that cannot be read (no permission, a folder on its way that cannot be
    entered) is bad input naming it, at `where` (the key that names the file) when
    given; it is not a failure to write (found by review: exit 74, "cannot write")."""
    try:
        yield
    except InputError:
        raise
    except OSError as error:
        shown = short_name(shown)
        message = f"cannot read {shown!r}: {error.strerror or error}"
        if where is None:
            reason = error.strerror or error
            raise InputError(Problem(shown, f"cannot read the file: {reason}")) from None
        raise InputError(
            Problem(where.file, message, where.line, where.column, where.field)
        ) from None


def why_missing(path: Path, missing: str = "file not found") -> str:
    """What to say of a path that names no file: `missing`, unless it is "-" or a link
    to nothing (found by review: both were "file not found")."""
    if str(path) == "-":
        return "standard input is not read here; name a file"
    if path.is_symlink():  # a loop, or a link to nothing
        return "is a symbolic link to no file (a loop, or its target is missing)"
    return missing


def existing_file(path: Path, kind: str, missing: str = "file not found") -> None:
    """An input error unless `path` is a file (`kind` names what it should hold)."""
    if not path.exists():
        raise InputError(Problem(str(path), why_missing(path, missing)))
    if path.is_dir():
        raise InputError(Problem(str(path), f"is a folder; expected a {kind} file"))


def _not_utf8_text(body: bytes, csv: bool) -> str | None:
    """Why a file is no UTF-8 text, where its first bytes say so: another Unicode form
    (found by review: Excel's "Unicode Text" read as a bad byte at 1:1), rich text, or a
    zipped document (found by fuzzing)."""
    save = "save the file as UTF-8" + (" (Excel: Save As > CSV UTF-8)" if csv else " text")
    if body.startswith(b"PK\x03\x04"):
        return "this is a zip file (a Word, Excel or other Office document?), not text"
    if body[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return f"this is UTF-32 text, not UTF-8; {save}"
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_mark(body[:400]):
        return (
            f"this is UTF-16 text (Excel's 'Unicode Text', Notepad's 'Unicode'), not UTF-8; {save}"
        )
    if body.lstrip().startswith(b"{\\rtf"):  # TextEdit and WordPad save rich text
        return (
            "this is a rich-text (RTF) document, not plain text: save it as plain text "
            "(TextEdit: Format > Make Plain Text; WordPad: Save as > Text Document)"
        )
    return None


def _utf16_without_mark(head: bytes) -> bool:
    """Plain ASCII text as UTF-16: every other byte 0, the rest printable."""
    if len(head) < 8:
        return False
    for zeros, chars in ((head[1::2], head[0::2]), (head[0::2], head[1::2])):
        printable = sum(32 <= c < 127 or c in (9, 10, 13) for c in chars)
        if zeros.count(0) >= 0.9 * len(zeros) and printable >= 0.9 * len(chars):
            return True
    return False


def read_utf8(path: Path, shown: str | None = None) -> str:
    """The file as text (a byte-order mark is not content); bad UTF-8 is an input error
    naming the line and column (in characters) of the first bad byte."""
    data = path.read_bytes()
    body = data
    while body.startswith(b"\xef\xbb\xbf"):  # two, from a tool that adds its own
        body = body.removeprefix(b"\xef\xbb\xbf")
    if (not_text := _not_utf8_text(body, path.suffix.lower() == ".csv")) is not None:
        raise InputError(Problem(shown or str(path), not_text, 1))
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = body.rfind(b"\n", 0, error.start) + 1
        before = body[line_start : error.start].decode("utf-8", errors="replace")
        raise InputError(
            Problem(
                shown or str(path),
                f"not UTF-8 text ({error.reason}, byte 0x{body[error.start]:02x}); save the "
                "file as UTF-8",
                body.count(b"\n", 0, error.start) + 1,
                len(before) + 1,
            )
        ) from None


def read_json(path: Path, reads: str, missing: str = "file not found") -> Any:
    """An earlier JSON output named by `--since` (`reads` says which command wrote it, for
    the error); an input error names the file, line and column. It is noted as an input,
    so that `-o` cannot replace it."""
    with reading(str(path)):
        if not path.exists():
            raise InputError(Problem(str(path), why_missing(path, missing), field="--since"))
        note_input(path)  # `-o` must not replace the file it is compared with
        text = read_utf8(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            Problem(str(path), f"not JSON: {error.msg}; {reads}", error.lineno, error.colno)
        ) from None
    except RecursionError:  # found by review: a traceback, where `check` names it
        raise InputError(Problem(str(path), "JSON nested too deeply")) from None
    except ValueError as error:
        raise InputError(Problem(str(path), too_long_number(error))) from None
