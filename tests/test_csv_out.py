"""CSV exports open safely in a spreadsheet (found by review: a program named "=..."
was written as a formula, and booleans as Python's False)."""

from __future__ import annotations

import csv
import io

from rotation_solver.csv_out import cell, csv_text, records_csv


def test_formula_cells_are_quoted_and_numbers_are_not() -> None:
    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [cell(v) for v in ("+1", "-x", "@SUM(A1)")] == ["'+1", "'-x", "'@SUM(A1)"]
    assert [cell(v) for v in ("\t=1+2", "\r=1")] == ["'\t=1+2", "'\r=1"]
    assert cell(-5) == -5 and cell(2.5) == 2.5
    assert cell("rad-a") == "rad-a"


def test_booleans_and_empty_values() -> None:
    assert (cell(True), cell(False), cell(None)) == ("true", "false", "")


def test_rows_read_back_with_the_csv_module() -> None:
    text = records_csv(["id", "locked", "note"], [{"id": "=1+1", "locked": False}])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["id", "locked", "note"], ["'=1+1", "false", ""]]
    assert csv_text(["a"], [["x,y"]]) == 'a\n"x,y"\n'
