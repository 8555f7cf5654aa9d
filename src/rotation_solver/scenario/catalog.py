"""Program catalogs: CSV, XLSX or an inline list, every error at `file:row:column`."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import difflib
import io
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rotation_solver import files
from rotation_solver.errors import InputError, Problem, column_letters
from rotation_solver.scenario.documents import Document, KeyPath
from rotation_solver.scenario.messages import describe
from rotation_solver.scenario.schema import KNOWN_COLUMNS, REQUIRED_COLUMNS, Program


@dataclass(frozen=True)
class CatalogRow:
    """A validated program and where it came from, for later cross-checks."""

    program: Program
    file: str
    line: int | None
    columns: dict[str, int]  # column name -> 1-based column number (or YAML column)
    # An inline row's cells sit on lines of their own: the scenario document places
    # them (at `programs[i].column`), where a file row has one line for all.
    locate: Callable[[str, str], Problem] | None = field(default=None, compare=False)
    spreadsheet: bool = False  # an XLSX row: places read as cells ("J4")

    def problem(self, column: str, message: str) -> Problem:
        if self.locate is not None:
            return self.locate(column, message)
        return Problem(
            self.file, message, self.line, self.columns.get(column), column, self.spreadsheet
        )

    @property
    def line_word(self) -> str:
        """What the row's number counts: a spreadsheet's row, a text file's line."""
        return "row" if self.spreadsheet else "line"


@dataclass(frozen=True)
class Catalog:
    rows: tuple[CatalogRow, ...]
    warnings: tuple[str, ...]


def _validation_problems(
    error: ValidationError,
    file: str,
    line: int | None,
    columns: dict[str, int],
    spreadsheet: bool = False,
) -> list[Problem]:
    problems = []
    for item in error.errors():
        column = str(item["loc"][0]) if item["loc"] else None
        message = describe(item, KNOWN_COLUMNS, noun="column")
        problems.append(
            Problem(
                file, message, line, columns.get(column) if column else None, column, spreadsheet
            )
        )
    return problems


def _row(
    values: dict[str, Any],
    file: str,
    line: int | None,
    columns: dict[str, int],
    spreadsheet: bool = False,
) -> Any:
    # Blank cells mean "not given": drop them so the schema's defaults apply.
    given = {k: v for k, v in values.items() if k in KNOWN_COLUMNS and v not in ("", None)}
    try:
        program = Program.model_validate(given)
        return CatalogRow(program, file, line, columns, spreadsheet=spreadsheet)
    except ValidationError as error:
        return _validation_problems(error, file, line, columns, spreadsheet)


_NAME = re.compile(r"[A-Za-z_]\w*")
_NOT_NAMES = frozenset((
    "starts", "weeks", "application_opens", "application_deadline",
    "deadline_weeks_before_start", "housing_per_week", "travel", "fee", "img_surcharge",
    "letter", "audition", "interest", "acceptance",
))  # fmt: skip


def _documents_with_commas(columns: dict[str, int], cells: list[Any]) -> str:
    """Documents in `requires` joined with commas: the cell after it holds a name where a
    number belongs (found by a student's review: "transcript, immunizations")."""
    where = columns.get("requires")
    if where is None or where >= len(cells):
        return ""
    by_number = {number: name for name, number in columns.items()}
    # A name where the next column wants a number or a date (found by review: a city
    # after `requires` read as a document).
    if by_number.get(where + 1) not in _NOT_NAMES:
        return ""
    here, after = str(cells[where - 1] or "").strip(), str(cells[where] or "").strip()
    if _NAME.fullmatch(here.split(";")[-1]) and _NAME.fullmatch(after.split(";")[0]):
        return f"; in `requires`, separate documents with ';' ({here};{after})"
    return ""


def _header_hint(header: list[str]) -> str | None:
    """Why no required column was recognised, when the header shows it."""
    joined = ",".join(header)
    for mark, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
        if len(header) <= 2 and mark in joined:
            # Found by a student's review: a European Excel saves CSV with semicolons.
            # Excel writes its system list separator (";" in much of Europe) even
            # in "CSV UTF-8 (comma delimited)", so the workbook comes first (review).
            return (
                f"the header looks separated by {name}; expected commas: give the .xlsx "
                "workbook itself, or save as 'CSV UTF-8 (comma delimited)' with ',' as the "
                "list separator (Excel writes the system's own, ';' in much of Europe)"
            )
    if any(h.lower() in KNOWN_COLUMNS and h not in KNOWN_COLUMNS for h in header):
        return "column names are lower case, e.g. 'id', 'starts', 'weeks'"
    return (
        "the first row must be the header row (id, name, specialty, ...); "
        "no title or comment line above it"
    )


def _from_table(
    file: str, header: list[str], rows: list[tuple[int, list[Any]]], spreadsheet: bool = False
) -> Catalog:
    """A catalog from a header and numbered rows of cells (CSV lines or sheet rows)."""
    header = [str(h).strip() if h is not None else "" for h in header]
    columns: dict[str, int] = {}
    problems: list[Problem] = []

    def column_name(number: int) -> str:
        return column_letters(number) if spreadsheet else str(number)

    for index, name in enumerate(header, 1):
        if name in columns:
            twice = (
                f"column {name!r} appears twice (columns {column_name(columns[name])} and "
                f"{column_name(index)}); keep one"
            )
            problems.append(Problem(file, twice, 1, index, name, spreadsheet))
        elif name:
            columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    lower = {h.lower(): h for h in header}
    extra = [name for name in columns if name not in KNOWN_COLUMNS]
    for n in missing:
        hint = f" (the header has {lower[n]!r}; names are lower case)" if n in lower else ""
        if not hint and (typos := _typos_of(n, extra)):
            hint = f" (the header has {_quoted(typos)}: a typo?)"
        if not hint and (meant := [e for e in extra if _close_column(e) == n]):
            hint = f" (the header has {_quoted(meant)}: name it {n!r})"
        problems.append(
            Problem(file, f"missing required column {n!r}{hint}", 1, None, n, spreadsheet)
        )
    if len(missing) == len(REQUIRED_COLUMNS):
        unknown = f"no required catalog column recognised in the header: {_header_hint(header)}"
        problems = [Problem(file, unknown, 1, spreadsheet=spreadsheet)]
    if problems:
        raise InputError(problems)
    warnings = []
    if extra:
        named = [_extra_column_words(name, columns) for name in extra]
        warnings.append(
            f"{file}: extra catalog columns ignored (check the spelling if one was meant "
            f"as a catalog field): {', '.join(named)}"
        )
    out: list[CatalogRow] = []
    # Rows that all end past the header (a script that ends every row with a comma) are
    # the file's habit, not a shifted row (found by review).
    filled = [cells for _, cells in rows if not all(c in ("", None) for c in cells)]
    all_padded = all(len(cells) > len(header) for cells in filled)
    for line, cells in rows:
        if all(c in ("", None) for c in cells):
            continue
        unnamed = [
            index
            for index, (name, cell) in enumerate(zip(header, cells, strict=False), 1)
            if not name and cell not in ("", None)
        ]
        if unnamed:
            # Found by review: a value typed beside the last column, under no header,
            # was dropped without a word; a named extra column is at least warned about.
            where = ", ".join(column_name(index) for index in unnamed)
            problems.append(
                Problem(
                    file,
                    # The values after "got", so that rows alike are grouped (found by
                    # review: a merged header cell gave one error per row).
                    f"a value under a column with no name in row 1, column {where} (got "
                    f"{', '.join(repr(str(cells[i - 1])) for i in unnamed)}); name the "
                    "column in the header row (a column the catalog does not know is "
                    "ignored with a warning), or delete the value"
                    + (
                        "; a header cell merged across columns names only the first: unmerge it"
                        # only beside a named column, as a merged cell leaves it
                        if spreadsheet and any(i >= 2 and header[i - 2] for i in unnamed)
                        else ""
                    ),
                    line,
                    unnamed[0],
                    spreadsheet=spreadsheet,
                )
            )
            continue
        surplus = [c for c in cells[len(header) :] if c not in ("", None)]
        if surplus:
            # Cells past the header are data the student meant: a decimal comma
            # ("0,6") or an unquoted comma in a name, never something to drop.
            problems.append(
                Problem(
                    file,
                    f"this row has {len(header) + len(surplus)} cells but the header has "
                    f"{len(header)} (extra: {', '.join(repr(str(c)) for c in surplus)}); "
                    "quote a value that contains a comma, and write decimals with a point"
                    + _documents_with_commas(columns, cells),
                    line,
                    len(header) + 1,
                    spreadsheet=spreadsheet,
                )
            )
            continue
        values = {name: cells[i - 1] if i - 1 < len(cells) else "" for name, i in columns.items()}
        result = _row(values, file, line, columns, spreadsheet)
        if isinstance(result, CatalogRow):
            out.append(result)
        else:
            extra_cells = len(cells) - len(header)
            if extra_cells > 0 and not spreadsheet and not all_padded:
                # Found by review: an unquoted comma in a name, with the last cell blank,
                # shifted every later cell and read as ten unrelated errors.
                problems.append(
                    Problem(
                        file,
                        f"this row has {len(cells)} cells but the header has {len(header)} "
                        f"({'the extra one is' if extra_cells == 1 else 'the extra ones are'} "
                        "blank): a value with an "
                        "unquoted comma moves every cell after it one column right, which "
                        "would explain the errors below; quote a value that contains a "
                        "comma, and write decimals with a point",
                        line,
                        len(header) + 1,
                        spreadsheet=spreadsheet,
                    )
                )
            past_end = any(p.column is not None and p.column > len(cells) for p in result)
            if 0 < len(cells) < len(header) and past_end and not spreadsheet:
                # Found by review: a row missing one cell was blamed on its last columns
                # (the values after the gap sit one column to the left).
                problems.append(
                    Problem(
                        file,
                        f"this row has {len(cells)} cells but the header has {len(header)}: "
                        "a missing cell moves every value after it one column left, which "
                        "would explain the errors below; keep an empty cell (two commas, "
                        ",,) for a value not given",
                        line,
                        len(cells) + 1,
                        spreadsheet=spreadsheet,
                    )
                )
            problems.extend(result)
    if problems:
        # The rows' own errors stop the load before the loader's checks across rows:
        # a duplicate id is named now too (found by fuzzing: it surfaced only after the
        # one bad cell was fixed).
        problems += _duplicate_ids(file, rows, columns, spreadsheet)
        raise InputError(_grouped_by_kind(sorted(problems, key=_file_order)))
    if not out:
        no_rows = "the catalog has a header but no program rows"
        raise InputError(Problem(file, no_rows, 2, spreadsheet=spreadsheet))
    return Catalog(tuple(out), tuple(warnings))


def _duplicate_ids(
    file: str, rows: list[tuple[int, list[Any]]], columns: dict[str, int], spreadsheet: bool
) -> list[Problem]:
    """A program id written in two rows, from the cells as written."""
    if "id" not in columns:
        return []
    index = columns["id"] - 1
    first: dict[str, int] = {}
    problems = []
    for line, cells in rows:
        written = str(cells[index]).strip() if index < len(cells) and cells[index] else ""
        if not written:
            continue
        if written in first:
            where = "row" if spreadsheet else "line"
            problems.append(
                Problem(
                    file,
                    f"duplicate program id {written!r} (first at {where} {first[written]})",
                    line,
                    columns["id"],
                    "id",
                    spreadsheet,
                )
            )
        else:
            first[written] = line
    return problems


def _file_order(problem: Problem) -> int:
    # By line only: within a row, a row note stays before the errors it explains.
    return problem.line or 0


SHOWN_PER_KIND = 3


def _grouped_by_kind(problems: list[Problem]) -> list[Problem]:
    """The first few problems of each kind in each column, then one line for the rest,
    in file order: a column formatted one way in every row (m/d/yyyy dates, "$650") gave
    one error per cell, 134 lines for one export (found by review); a row note ("this
    row has 20 cells") repeated for every row is a kind too (found by fuzzing)."""
    by_kind: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        by_kind.setdefault(_kind_of(problem), []).append(problem)
    crowded = {kind for kind, found in by_kind.items() if len(found) > SHOWN_PER_KIND + 1}
    kept: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for problem in problems:
        kind = _kind_of(problem)
        if kind not in crowded:
            kept.append(problem)
            continue
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= SHOWN_PER_KIND:
            kept.append(problem)
        elif seen[kind] == SHOWN_PER_KIND + 1:
            rest = by_kind[kind][SHOWN_PER_KIND:]
            rows = [p.line for p in rest if p.line is not None]
            noun = "row" if problem.spreadsheet else "line"
            where = f" ({noun}s {rows[0]}-{rows[-1]})" if rows else ""
            message = (
                f"and {len(rest)} more rows like these{where}; fix them alike, then run again"
                if problem.field is None
                else f"and {len(rest)} more like these in this column{where}; fix the "
                "column as a whole (format its cells alike), then run again"
            )
            kept.append(dataclasses.replace(problem, message=message, line=None, column=None))
    return kept


def _kind_of(problem: Problem) -> tuple[str, str]:
    """A problem's column and message up to the value it quotes: "$650" and "-40" in one
    column are different problems (found by review: the second was folded away)."""
    return str(problem.field), re.split(r"\(?got\b|\(extra:", problem.message)[0]


def _head(path: Path, size: int) -> bytes:
    """The file's first `size` bytes, without reading the rest."""
    with path.open("rb") as handle:
        return handle.read(size)


def _is_zip(path: Path) -> bool:
    """An XLSX workbook is a zip file."""
    return _head(path, 4) == b"PK\x03\x04"


def _looks_like_csv(path: Path) -> bool:
    """UTF-8 text whose first line holds a catalog column and a separator."""
    try:
        first = _head(path, 4096).decode("utf-8").lstrip("\ufeff").splitlines()[0]
    except (UnicodeDecodeError, IndexError):
        return False
    return "id" in first.casefold() and any(sep in first for sep in ",;\t")


def read_csv(path: Path, shown: str | None = None) -> Catalog:
    """A CSV catalog; rows are named by their line in the file (header = line 1)."""
    name = shown or str(path)
    if not path.exists():
        raise InputError(Problem(name, "catalog file not found"))
    files.note_input(path)
    if _is_zip(path):  # an Excel workbook, renamed
        raise InputError(
            Problem(name, "this is an Excel workbook (XLSX), not CSV text; name it .xlsx")
        )
    text = _csv_text(path, name)
    if not text.strip():
        raise InputError(Problem(name, "catalog file is empty; expected a header row"))
    _refuse_nul(name, text)
    # Lines end at \n or \r only: str.splitlines would also cut a cell at U+2028,
    # U+0085 or a form feed, which the csv writer does not quote.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        rows = []
        line = reader.line_num
        for cells in reader:
            rows.append((line + 1, [c.strip() for c in cells]))
            line = reader.line_num
    except csv.Error as error:
        raise InputError(Problem(name, f"CSV error: {error}", reader.line_num)) from None
    _unclosed_quote(name, text, rows)
    return _from_table(name, header, rows)


def _csv_text(path: Path, name: str) -> str:
    """The catalog as text; a byte that is not UTF-8 (an accented city from a Windows
    spreadsheet) is named by its column and cell, not by its character offset in the
    line (found by review: "5:67" in a sheet of 22 columns)."""
    try:
        return files.read_utf8(path, name)
    except InputError as error:
        if not error.problems[0].message.startswith("not UTF-8 text"):
            raise  # another form of text, or none: files.read_utf8 names it
        body = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as bad:
            text = body.decode("utf-8", "replace")
            at = len(body[: bad.start].decode("utf-8", "replace"))
            place = _cell_at(text, at)
            if place is None:
                raise error from None
            line, number, field, cell = place
            raise InputError(
                Problem(
                    name,
                    f"not UTF-8 text (byte 0x{body[bad.start]:02x} in {cell.strip()!r}, "
                    "shown here as '\ufffd'); save the file as CSV UTF-8 (Excel: Save As > "
                    "CSV UTF-8)",
                    line,
                    number,
                    field,
                )
            ) from None
        raise


def _cell_at(text: str, at: int) -> tuple[int, int, str | None, str] | None:
    """(line, column number, column name, cell) of the character at `at` in CSV text,
    whatever its line ends (\r alone, as Excel for Mac writes); the name only below the
    header row. None where the text cannot be parsed that far."""
    try:
        before = list(csv.reader(io.StringIO(text[:at], newline="")))
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return None
    ends_line = text[:at].endswith(("\n", "\r")) or not before
    row = len(before) if ends_line else len(before) - 1
    number = 1 if ends_line else max(1, len(before[-1]))
    line = text.count("\n", 0, at) + 1 if "\n" in text else text.count("\r", 0, at) + 1
    cells = rows[row] if row < len(rows) else []
    header = rows[0] if rows else []
    field = header[number - 1].strip() or None if row > 0 and number <= len(header) else None
    return line, number, field, cells[number - 1] if number <= len(cells) else ""


def _refuse_nul(name: str, text: str) -> None:
    # A NUL is no character a cell can mean (found by fuzzing: it reached the plan's
    # program names); its line and column (the cell's), as for bad UTF-8.
    at = text.find("\x00")
    if at < 0:
        return
    place = _cell_at(text, at)
    line, number, field = place[:3] if place else (text.count("\n", 0, at) + 1, None, None)
    raise InputError(
        Problem(
            name,
            "a NUL character (byte 0x00) is not text; remove it, or save the sheet again "
            "as CSV UTF-8",
            line,
            number,
            field,
        )
    )


def _unclosed_quote(name: str, text: str, rows: list[tuple[int, list[str]]]) -> None:
    """A quote never closed swallows the rest of the file into one cell; say so, instead
    of listing the blank cells of a row that seems cut short."""
    if not rows or "\n" not in "".join(rows[-1][1]):
        return
    try:
        for _cells in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error:
        line = rows[-1][0]
        raise InputError(
            Problem(name, 'a quote (") opened in this row is never closed', line)
        ) from None


def _cell(value: Any) -> Any:
    # Spreadsheet cells come typed; turn them into the text a CSV would hold.
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # As a spreadsheet shows it, to 15 significant digits (found by review: a cell
        # computed as 449.99999999999994 shows 450 and was refused as a fraction).
        # In full, never as an exponent (found by review: 1e15 read as "1e+15").
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip()


def read_xlsx(path: Path, shown: str | None = None) -> Catalog:
    """An XLSX catalog, header in row 1, from one sheet (see `_pick_sheet`).

    In a workbook of several sheets every message names the sheet read.
    """
    name = shown or str(path)
    if not path.exists():
        raise InputError(Problem(name, "catalog file not found"))
    files.note_input(path)
    # One pass reads the cells as written; only a sheet with formulas needs a second
    # for their saved results.
    rows, name, warnings, title = _sheet_rows(path, name, data_only=False)
    formulas = {
        (r, c): value
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if isinstance(value, str) and value.startswith("=")
    }
    if formulas:
        rows, _, _, _ = _sheet_rows(path, shown or str(path), data_only=True, title=title)
        _refuse_uncalculated_formulas(name, rows, formulas)
    warnings += _refuse_merged_cells(path, title, name, rows)
    table = [(index, [_cell(c) for c in row]) for index, row in enumerate(rows, 1)]
    if not any(c != "" for _, row in table for c in row):
        raise InputError(Problem(name, "the sheet is empty; expected a header row"))
    if all(c == "" for c in table[0][1]):
        raise InputError(
            Problem(name, "row 1 is blank: the header (the column names) must be in row 1")
        )
    catalog = _from_table(name, table[0][1], table[1:], spreadsheet=True)
    return Catalog(catalog.rows, (*warnings, *catalog.warnings))


def _merged_ranges(path: Path, title: str) -> list[str] | None:
    """The merged ranges ("R5:R6") of one sheet, from the workbook's XML: openpyxl's
    read-only sheets do not parse them, and a second, full load doubled the time and
    memory a large catalog takes (found by review). Where the parts are not where the
    package's relationships say, the full load after all (found by review: a workbook
    part not at xl/workbook.xml had its merges go unseen)."""
    import posixpath
    import zipfile
    from xml.etree import ElementTree

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]  # either namespace: transitional or strict OOXML

    def target(rels: bytes, wanted: Callable[[ElementTree.Element], bool], base: str) -> str:
        found = next(r.get("Target", "") for r in ElementTree.fromstring(rels) if wanted(r))
        return found.lstrip("/") if found.startswith("/") else posixpath.join(base, found)

    try:
        with zipfile.ZipFile(path) as book:
            main = target(
                book.read("_rels/.rels"),
                lambda r: r.get("Type", "").endswith("/officeDocument"),
                "",
            )
            folder, name = posixpath.split(posixpath.normpath(main))
            workbook = ElementTree.fromstring(book.read(posixpath.normpath(main)))
            rid = next(
                value
                for sheet in workbook.iter()
                if local(sheet.tag) == "sheet" and sheet.get("name") == title
                for key, value in sheet.attrib.items()
                if local(key) == "id"
            )
            rels = book.read(posixpath.join(folder, "_rels", f"{name}.rels"))
            part = target(rels, lambda r: r.get("Id") == rid, folder)
            data = book.read(posixpath.normpath(part))
    except (KeyError, StopIteration, OSError, zipfile.BadZipFile, ElementTree.ParseError):
        return _merged_ranges_by_loading(path, title)
    pattern = rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=[\"']([^\"']+)[\"']"
    return [ref.decode("ascii", "replace") for ref in re.findall(pattern, data)]


def _merged_ranges_by_loading(path: Path, title: str) -> list[str] | None:
    """The merged ranges by a full load of the workbook (slow on a large one); None when
    that load fails, so that the caller says the merges went unchecked."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path)
        return [str(merged.coord) for merged in book[title].merged_cells.ranges]
    except Exception:  # openpyxl raises many kinds; the read-only pass read the sheet
        return None


def _refuse_merged_cells(
    path: Path, title: str, name: str, rows: list[tuple[Any, ...]]
) -> list[str]:
    """A merged cell keeps its value in its first cell; the others read blank (found by
    review: a $200 surcharge merged over two rows cost the second $0, and a deadline
    merged over two rows left the second without one, both without a word). Refused
    where a value spans rows of a catalog column; an empty merge loses nothing (found by
    review: a formatting merge below the data was refused). Returns the warning that the
    merges could not be read, if so."""
    from openpyxl.utils.cell import range_boundaries

    header = rows[0] if rows else ()
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    problems = []
    ranges = _merged_ranges(path, title)
    if ranges is None:
        # Found by review: silence here let a merged fee read $0 unchecked.
        return [
            f"{name}: its merged cells could not be checked (the workbook's parts are not "
            "where a spreadsheet program puts them); a value merged over rows reads in "
            "the first row only, so unmerge any before planning"
        ]
    for ref in ranges:
        try:
            bounds = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        if any(b is None for b in bounds):
            continue  # a whole row or column: no cell range a catalog holds
        min_col, min_row, max_col, max_row = (int(b) for b in bounds)  # type: ignore[arg-type]
        covered = [
            names[c - 1]
            for c in range(min_col, max_col + 1)
            if c <= len(names) and names[c - 1] in KNOWN_COLUMNS
        ]
        row = rows[min_row - 1] if min_row <= len(rows) else ()
        value = row[min_col - 1] if min_col <= len(row) else None
        if max_row < 2 or not covered or value is None or str(value).strip() == "":
            continue
        first = f"{column_letters(min_col)}{min_row}"
        problems.append(
            (
                (min_row, min_col),
                Problem(
                    name,
                    f"cells {ref} are merged: only {first} holds the value and the other "
                    "cells read blank; unmerge them and type the value in every row",
                    min_row,
                    min_col,
                    covered[0],
                    spreadsheet=True,
                ),
            )
        )
    if problems:
        raise InputError([problem for _, problem in sorted(problems)][:20])
    return []


def _first_row(sheet: Any) -> tuple[Any, ...]:
    """Row 1 of a sheet; () when it cannot be read (a damaged sheet that is not the
    catalog must not stop the catalog from loading)."""
    try:
        return next(sheet.iter_rows(max_row=1, values_only=True), ())
    except Exception:  # openpyxl raises many kinds for a damaged part
        return ()


def _looks_like_catalog(first_row: tuple[Any, ...]) -> bool:
    """Row 1 names `id` and most required columns (in any case): a catalog header, not a
    shortlist or a lookup table that shares a few names."""
    header = {str(c).strip().casefold() for c in first_row if c is not None}
    return "id" in header and 2 * len(header & set(REQUIRED_COLUMNS)) > len(REQUIRED_COLUMNS)


def _pick_sheet(book: Any, name: str, title: str | None = None) -> tuple[Any, str, list[str]]:
    """The sheet to read, its label for messages, and warnings.

    A sheet named "programs" (any case) that is not empty; else the one visible sheet
    whose row 1 is a catalog header (a notes or README sheet may come first); else the
    one hidden sheet with such a header, when no visible one has it; else the first
    sheet. Two visible catalog sheets and no "programs" one is an error: reading
    one silently would drop programs, and merging could bring in an old list. `title`
    names the sheet already chosen (the second pass, for formulas' saved results).
    """
    sheets = book.worksheets
    if title is not None:
        chosen = book[title]
        return chosen, name if len(sheets) == 1 else _sheet_label(name, chosen), []
    if len(sheets) == 1:
        return sheets[0], name, []
    warnings: list[str] = []
    rows = {sheet.title: _first_row(sheet) for sheet in sheets}
    named = [s for s in sheets if s.title.strip().casefold() == "programs"]
    if named and not any(c not in ("", None) for c in rows[named[0].title]):
        warnings.append(f"{name}: the sheet {named[0].title!r} has no header; looking for one")
        named = []
    visible = [s for s in sheets if s.sheet_state == "visible"]
    catalogs = [s for s in visible if _looks_like_catalog(rows[s.title])]
    if named:
        sheet = named[0]
        ignored = [s.title for s in catalogs if s is not sheet]
        if sheet.sheet_state != "visible":
            warnings.append(f"{name}: reading the hidden sheet {sheet.title!r}")
        if ignored:
            one = len(ignored) == 1
            warnings.append(
                f"{name}: read the sheet {sheet.title!r} only; {_quoted(ignored)} also "
                f"look{'s' if one else ''} like a catalog and {'is' if one else 'are'} not read"
            )
    elif len(catalogs) > 1:
        every = "both" if len(catalogs) == 2 else "all"
        raise InputError(
            Problem(
                name,
                f"the sheets {_quoted([s.title for s in catalogs])} {every} hold a catalog "
                "(a header in row 1), but only one sheet is read: put every program on "
                "one sheet, or name the sheet to read 'programs'",
            )
        )
    else:
        hidden = [s for s in sheets if s not in visible and _looks_like_catalog(rows[s.title])]
        if not catalogs and len(hidden) == 1:
            # Found by review: the catalog sheet hidden, a notes sheet visible; the error
            # named the notes sheet only.
            catalogs = hidden
            warnings.append(
                f"{name}: no visible sheet holds a catalog; reading the hidden sheet "
                f"{hidden[0].title!r}"
            )
        sheet = (catalogs or visible or sheets)[0]
    return sheet, _sheet_label(name, sheet), warnings


def _sheet_label(name: str, sheet: Any) -> str:
    """The file and sheet for messages; a hidden sheet says so (found by review: errors
    named a sheet the student could not see in Excel)."""
    hidden = "hidden " if sheet.sheet_state != "visible" else ""
    return f"{name} ({hidden}sheet {sheet.title!r})"


def _sheet_rows(
    path: Path, name: str, *, data_only: bool, title: str | None = None
) -> tuple[list[tuple[Any, ...]], str, list[str], str]:
    """The cells of the catalog sheet (as written, or with formulas as their saved
    result), the label that names it in messages, warnings about other sheets, and its
    title (for a second pass to read the same sheet)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl, zipfile and XML raise many kinds for a bad file
        hint = ""
        if not _is_zip(path) and _looks_like_csv(path):
            hint = "; it looks like CSV text: name it .csv"
        raise InputError(Problem(name, f"cannot read as XLSX: {error}{hint}")) from None
    label = name
    try:
        sheet, label, warnings = _pick_sheet(book, name, title)
        # Read-only sheets are parsed only while iterating, so a damaged sheet fails
        # here, inside the try.
        rows = list(sheet.iter_rows(values_only=True))
    except InputError:
        raise
    except Exception as error:
        raise InputError(Problem(label, f"cannot read as XLSX: {error}")) from None
    finally:
        book.close()
    return rows, label, warnings, sheet.title


def _refuse_uncalculated_formulas(
    name: str, rows: list[tuple[Any, ...]], formulas: dict[tuple[int, int], str]
) -> None:
    """A formula whose result was never saved reads as blank: say so, not "blank"."""
    header = rows[0] if rows else ()
    problems = [
        Problem(
            name,
            f"a formula ({formula}) with no saved result: the file was written without "
            "calculating it; open and save it in a spreadsheet program, or type the value",
            line=r + 1,
            column=c + 1,
            field=str(header[c]) if c < len(header) and header[c] else None,
            spreadsheet=True,
        )
        for (r, c), formula in formulas.items()
        if r < len(rows) and c < len(rows[r]) and rows[r][c] is None
    ]
    if problems:
        raise InputError(problems[:20])


# Names people give catalog columns that no spelling distance finds (found by review:
# "deadline" for application_deadline, "Program ID" for id).
_COLUMN_ALIASES = {
    "deadline": "application_deadline",
    "apply_by": "application_deadline",
    "opens": "application_opens",
    "program_id": "id",
    "program": "id",
    "surcharge": "img_surcharge",
    "housing": "housing_per_week",
    "chance": "acceptance",
    "probability": "acceptance",
}

# What a missing optional column means, said where a near miss of it is ignored (found by
# review: a `fees` header cost the plan $460 of fees and said only "did you mean 'fee'?").
_WITHOUT = {
    "fee": "every fee counts as $0",
    "img_surcharge": "every IMG surcharge counts as $0",
    "travel": "every travel cost counts as $0",
    "application_deadline": "no program has a fixed deadline",
    "deadline_weeks_before_start": "no program has a deadline before its start",
    "application_opens": "every application opens on the planning date",
    "requires": "no application waits for a document",
}


def _close_column(name: str) -> str | None:
    """The catalog column a misspelt name most likely meant, if any.

    Compared lower case, spaces as underscores: "IMG Surcharge" means img_surcharge.
    """
    plain = name.strip().lower().replace(" ", "_")
    if plain in KNOWN_COLUMNS:
        return plain
    if plain in _COLUMN_ALIASES:
        return _COLUMN_ALIASES[plain]
    close = difflib.get_close_matches(plain, sorted(KNOWN_COLUMNS), n=1, cutoff=0.75)
    return close[0] if close else None


def _extra_column_words(name: str, columns: dict[str, int]) -> str:
    """An ignored column, with the one it likely meant and, where that one is missing,
    what its absence does to every row."""
    close = _close_column(name)
    if close is None:
        return name
    effect = (
        f"; with no {close!r} column, {_WITHOUT[close]}"
        if close not in columns and close in _WITHOUT
        else ""
    )
    return f"{name} (did you mean {close!r}?{effect})"


def _typos_of(column: str, names: list[str]) -> list[str]:
    """The names among `names` that look like misspellings of `column`."""
    return difflib.get_close_matches(column, names, n=3, cutoff=0.75)


def _quoted(names: list[str]) -> str:
    return " and ".join(repr(name) for name in names)


def _locator(doc: Document, loc: KeyPath) -> Callable[[str, str], Problem]:
    def locate(column: str, message: str) -> Problem:
        return doc.problem((*loc, column), message)

    return locate


def read_inline(doc: Document, items: list[Any]) -> Catalog:
    """Programs given inline in the scenario file, located by YAML line."""
    out: list[CatalogRow] = []
    problems: list[Problem] = []
    extra: dict[str, KeyPath] = {}  # each extra column, where it first appears
    for index, item in enumerate(items):
        loc = ("programs", index)
        line, _ = doc.position(loc)
        if not isinstance(item, dict):
            problems.append(doc.problem(loc, "expected a mapping of catalog columns"))
            continue
        columns = {key: doc.position((*loc, key), key=False)[1] or 0 for key in item}
        for key in item:
            if key not in KNOWN_COLUMNS and str(key) not in extra:
                extra[str(key)] = (*loc, key)
        values = {key: value for key, value in item.items() if key in KNOWN_COLUMNS}
        result = _row(values, str(doc.path), line, columns)
        if isinstance(result, CatalogRow):
            # Inline rows are located by each value's own line, not the item's.
            out.append(dataclasses.replace(result, locate=_locator(doc, loc)))
        else:
            # A column reported missing may be in the row under a misspelt key: say so,
            # as the CSV reader does for its header.
            others = [str(key) for key in item if key not in values]
            for problem in result:
                field = problem.field or ""
                message = problem.message
                if field not in values and (typos := _typos_of(field, others)):
                    message += f" (the row has {_quoted(typos)}: a typo?)"
                problems.append(doc.problem((*loc, field) if field else loc, message))
    if problems:
        raise InputError(problems)
    hints = {key: _close_column(key) for key in extra}
    if not out:
        raise InputError(doc.problem(("programs",), "the inline catalog is empty"))
    # Spec section 3: extra catalog columns (a student's notes) are allowed, inline too,
    # and listed once in a warning so that a misspelt optional column is seen.
    warnings = []
    if extra:
        named = []
        for key, hint in hints.items():
            line = doc.position(extra[key], key=True)[0]
            notes = [f"line {line}"] if line else []
            notes += [f"did you mean {hint!r}?"] if hint else []
            named.append(f"{key} ({'; '.join(notes)})" if notes else key)
        warnings.append(
            f"{doc.path.name}: extra catalog columns ignored (check the spelling if one was "
            f"meant as a catalog field): {', '.join(named)}"
        )
    return Catalog(tuple(out), tuple(warnings))


def read_catalog(reference: str, scenario_doc: Document) -> Catalog:
    """Resolve `programs:` (a path relative to the scenario file) into a catalog."""
    if not reference.strip():
        raise InputError(
            scenario_doc.problem(
                ("programs",),
                "is empty; expected a catalog file (e.g. programs.csv) or an inline list",
            )
        )
    # `~/catalog.csv` as a shell would read it: YAML does not expand the home folder.
    # os.path's expanduser leaves an unknown `~user` as it is (Path's raises).
    shown = scenario_doc.path.parent / os.path.expanduser(reference)
    with files.reading(str(shown), scenario_doc.problem(("programs",), "")):
        return _read_catalog_file(reference, shown, scenario_doc)


def _relative_or_absolute(path: Path, folder: Path) -> str:
    """`path` as the scenario in `folder` would name it: relative, or absolute where no
    relative path exists (another Windows drive)."""
    try:
        return os.path.relpath(path.resolve(), folder.resolve())
    except ValueError:
        return str(path.resolve())


def _read_catalog_file(reference: str, shown: Path, scenario_doc: Document) -> Catalog:
    path = files.real_path(shown)
    suffix = path.suffix.lower()
    if not path.exists():
        hint = ""
        if "://" in reference:  # found by review: a URL read as a folder path
            hint = "; catalogs are read from files only: download it and name the file"
        elif any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in reference):
            # Found by review: "data\new programs.csv" in double quotes holds a line break
            # (and "data\eras.csv" an ESC, "\N" a next-line character).
            hint = (
                "; the name holds a control character: inside double quotes \\n, \\t and the "
                "like are escapes, so write folders with /, or use single quotes"
            )
            shown = Path(reference.encode("unicode_escape").decode("ascii"))
        elif "\\" in reference:
            hint = "; write folders with / (a \\ is part of the name here)"
        elif not os.path.isabs(os.path.expanduser(reference)):
            # Found by review: a path written from the current folder, not the scenario's.
            here = Path(os.path.expanduser(reference))
            hint = "; `programs:` is read relative to the scenario's folder" + (
                f" (a file {reference!r} exists relative to the current folder: write "
                f"{_relative_or_absolute(here, scenario_doc.path.parent)!r} or an absolute "
                "path)"
                if here.is_file()
                else ""
            )
        raise InputError(
            # Quoted as written: repr would double every backslash the hint is about.
            scenario_doc.problem(("programs",), f"catalog file '{shown}' not found{hint}")
        )
    if path.is_dir():
        raise InputError(
            scenario_doc.problem(
                ("programs",), f"{str(shown)!r} is a folder; expected a catalog file"
            )
        )
    if suffix == ".csv":
        return read_csv(path, str(shown))
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, str(shown))
    hint = (
        # Found by review: Excel's "Unicode Text" export is a tab-separated .txt.
        ": a tab-separated text export is not read; in Excel, Save As > 'CSV UTF-8 (comma "
        "delimited)', or give the .xlsx workbook itself"
        if suffix in (".txt", ".tsv", ".tab")
        else ""
    )
    raise InputError(
        scenario_doc.problem(
            ("programs",), f"catalog {reference!r}: expected a .csv or .xlsx file{hint}"
        )
    )
