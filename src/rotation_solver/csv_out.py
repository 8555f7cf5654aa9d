"""CSV exports that open safely in a spreadsheet.

Booleans are written `true`/`false` (JSON's spelling, not Python's), an empty value
is an empty cell, and a text cell that a spreadsheet would run as a formula (it starts
with `=`, `+`, `-`, `@`, a tab or a carriage return, e.g. a program named
"=HYPERLINK(...)") gets a leading `'`, the usual guard against formula injection.
Numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

# OWASP's list: a tab or carriage return first can hide a formula after it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """One value as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The header and rows as CSV text, one line each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def records_csv(header: Sequence[str], records: Iterable[dict[str, Any]]) -> str:
    """Dicts as CSV rows, the header's keys as columns (a missing key is an empty cell)."""
    return csv_text(header, ([record.get(key) for key in header] for record in records))
