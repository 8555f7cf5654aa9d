"""Input found by this session's reviews (a fuzzer, a student, a new user with
spreadsheet exports): what was read too leniently, and messages that left the fix to
guess or named the wrong place."""

from __future__ import annotations

import pytest

from tests.test_hostile_inputs_review22 import EXAMPLE, _catalog_cell, _run


def _validate_cell(tmp_path, column: str, value: str) -> tuple[int, str, int]:  # type: ignore[no-untyped-def]
    """`validate` on the example with one catalog cell changed: (exit code, output,
    the column's number)."""
    scenario, number = _catalog_cell(tmp_path, column, value)
    code, said = _run("validate", str(scenario))
    return code, said, number


@pytest.mark.parametrize(
    ("column", "written", "meant"),
    [
        ("housing_per_week", "6_50", "650"),  # Python's digit grouping, anywhere
        ("housing_per_week", "٦٥٠", "650"),  # Arabic-Indic digits
        ("travel", "３４０", "340"),  # full-width digits
        ("fee", "1e2", "100"),
        ("acceptance", "6e-1", "0.6"),
        ("acceptance", "٠.٦", "0.6"),
    ],
)
def test_a_number_not_written_with_plain_digits_is_refused_with_its_reading(
    tmp_path, column: str, written: str, meant: str
) -> None:
    code, said, number = _validate_cell(tmp_path, column, written)
    assert code == 1
    assert f"programs.csv:2:{number}: {column}: expected a number written with the digits" in said
    assert f"write {meant}" in said


@pytest.mark.parametrize(("column", "written"), [("housing_per_week", "9_000"), ("fee", "+125")])
def test_thousands_grouping_and_a_plus_sign_are_still_numbers(
    tmp_path, column: str, written: str
) -> None:
    code, said, _number = _validate_cell(tmp_path, column, written)
    assert code == 0, said


@pytest.mark.parametrize("budget", ["9_0_00", "٩٠٠٠"])
def test_a_budget_option_in_other_digits_or_odd_grouping_is_a_usage_error(budget: str) -> None:
    code, said = _run("compare", str(EXAMPLE / "scenario.yaml"), "--budgets", budget)
    assert code == 2
    assert "must be a whole number of dollars" in said


def test_a_budget_option_grouped_by_thousands_is_read() -> None:
    code, said = _run(
        "compare", str(EXAMPLE / "scenario.yaml"), "--budgets", "9_000", "--workers", "1"
    )
    assert code == 0, said
    assert "$9,000 (yours)" in said


def test_a_nul_in_a_csv_cell_is_refused_at_its_line_and_column(tmp_path) -> None:
    code, said, _number = _validate_cell(tmp_path, "id", "rad-lake\x00shore")
    assert code == 1
    # Its cell's column, not its character offset in the line (found by review).
    assert "programs.csv:2:1: id: a NUL character (byte 0x00) is not text" in said


def test_a_bad_byte_in_a_file_with_mac_line_ends_is_named_by_its_cell(tmp_path) -> None:
    """Found by review: Excel for Mac's "CSV (Macintosh)" ends lines with \r alone and
    writes MacRoman; finding the cell raised a csv.Error traceback."""
    scenario, number = _catalog_cell(tmp_path, "city", "Cleveland")
    catalog = tmp_path / "programs.csv"
    data = catalog.read_bytes().replace(b"\n", b"\r").replace(b"Cleveland", b"Cl\x8eveland", 1)
    catalog.write_bytes(data)
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert f"programs.csv:2:{number}: city: not UTF-8 text (byte 0x8e in 'Cl" in said


def _scenario_text(tmp_path, old: str, new: str):  # type: ignore[no-untyped-def]
    """The example with one piece of its scenario text replaced."""
    scenario, _number = _catalog_cell(tmp_path, "fee", "125")
    text = scenario.read_text(encoding="utf-8")
    assert old in text
    scenario.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    return scenario, line


def _refused(tmp_path, old: str, new: str) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """`validate` on the example's scenario with `old` written as `new`, refused: (the
    output, the line `old` was on)."""
    scenario, line = _scenario_text(tmp_path, old, new)
    code, said = _run("validate", str(scenario))
    assert code == 1, said
    return said, line


def test_a_missing_colon_is_named_on_its_own_line(tmp_path) -> None:
    """It was reported on the next line, as "could not find expected ':' (while
    scanning a simple key ...)"."""
    said, line = _refused(tmp_path, "budget: 9000", "budget 9000")
    assert (
        f"scenario.yaml:{line}:1: YAML syntax error: line {line} has no ':' after its key "
        "('budget 9000'): write `key: value`"
    ) in said


def test_a_tab_in_the_indentation_is_named_in_plain_words(tmp_path) -> None:
    said, line = _refused(tmp_path, "  step2ck: 246", "\tstep2ck: 246")
    assert f"scenario.yaml:{line}:1: YAML syntax error: a tab; YAML indents with spaces" in said


def test_a_list_item_indented_wrongly_says_what_to_line_up(tmp_path) -> None:
    """A block-style list item whose second key is one space too deep."""
    said, line = _refused(
        tmp_path,
        '    - {start: 2027-07-12, end: 2027-07-25, reason: "home school exam"}',
        "    - start: 2027-07-12\n       end: 2027-07-25",
    )
    assert f"scenario.yaml:{line + 1}:" in said
    assert "mapping values are not allowed here: this line's indentation does not match" in said


def test_a_rich_text_file_is_named_as_such(tmp_path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Helvetica;}}\nversion: 1\n}")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "scenario.yaml:1: this is a rich-text (RTF) document, not plain text" in said


def test_curly_quotes_around_a_value_are_named(tmp_path) -> None:
    said, line = _refused(
        tmp_path, "planning_date: 2027-01-15", "planning_date: \u201c2027-01-15\u201d"
    )
    assert f"scenario.yaml:{line}:" in said
    assert "its curly quotes" in said and 'type straight quotes (") or none' in said


def _renamed_column(tmp_path, old: str, new: str):  # type: ignore[no-untyped-def]
    scenario, _number = _catalog_cell(tmp_path, "fee", "125")
    catalog = tmp_path / "programs.csv"
    header, rest = catalog.read_text(encoding="utf-8").split("\n", 1)
    names = header.split(",")
    names[names.index(old)] = new
    catalog.write_text(",".join(names) + "\n" + rest, encoding="utf-8")
    return scenario


@pytest.mark.parametrize(
    ("old", "new", "effect"),
    [
        ("fee", "fees", "did you mean 'fee'?; with no 'fee' column, every fee counts as $0"),
        (
            "application_deadline",
            "deadline",
            "did you mean 'application_deadline'?; with no 'application_deadline' column, no "
            "program has a fixed deadline",
        ),
    ],
)
def test_a_near_miss_of_a_missing_optional_column_says_what_its_absence_does(
    tmp_path, old: str, new: str, effect: str
) -> None:
    """Found by review: a `fees` header made every fee $0 (a plan $330 over the budget
    by the real fees) under a one-line "did you mean 'fee'?"; `deadline` had no hint."""
    code, said = _run("validate", str(_renamed_column(tmp_path, old, new)))
    assert code == 0
    assert f"{new} ({effect})" in said


def test_program_id_as_the_id_header_is_told_to_be_named_id(tmp_path) -> None:
    code, said = _run("validate", str(_renamed_column(tmp_path, "id", "Program ID")))
    assert code == 1
    assert "missing required column 'id' (the header has 'Program ID': name it 'id')" in said


def test_a_row_missing_a_cell_says_so_before_the_errors_it_causes(tmp_path) -> None:
    """Found by review: a row without its img_surcharge cell was blamed on `interest`
    and `acceptance`, where the values had moved one column left."""
    scenario, number = _catalog_cell(tmp_path, "img_surcharge", "50")
    catalog = tmp_path / "programs.csv"
    lines = catalog.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    del cells[number - 1]
    lines[1] = ",".join(cells)
    catalog.write_text("\n".join(lines), encoding="utf-8")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "programs.csv:2:22: this row has 21 cells but the header has 22: a missing cell" in said
    assert said.index("this row has 21 cells") < said.index("interest")


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("14 June 2027", "; write 2027-06-14"),
        ("14/06/2027", "; write 2027-06-14"),
        ("6/14/2027", "; write 2027-06-14"),
        ("2027/06/14", "; write 2027-06-14"),
        ("6/7/2027", "; write 2027-06-07 (June 7) or 2027-07-06 (July 6), whichever you mean"),
        # Found by fuzzing: a time after the date, Excel's d-mmm-yyyy, "Sept", no such day.
        ("2027-06-14 10:00", "; write 2027-06-14 (the date alone, no time)"),
        ("14-Jun-2027", "; write 2027-06-14"),
        ("14 Sept 2027", "; write 2027-09-14"),
        ("14 September 2027", "; write 2027-09-14"),  # not "Sepember" (found by review)
        ("13/13/2027", "; no calendar date reads it, day and month either way"),
        # Found by fuzzing: a day past its month's end, and two-digit years, got no hint.
        ("2/30/2027", "; February 2027 has 28 days"),
        ("June 31 2027", "; June 2027 has 30 days"),
        ("31-Jun-2027", "; June 2027 has 30 days"),
        ("14/06/27", "; write 2027-06-14 (the year 27 read as 2027)"),
        ("6/7/27", "; write 2027-06-07 (June 7) or 2027-07-06 (July 6), whichever you mean"),
    ],
)
def test_a_date_written_another_way_gets_its_iso_form(tmp_path, written: str, hint: str) -> None:
    """Found by review: "June 7, 2027" and 14/06/2027 were refused with no suggestion."""
    code, said, number = _validate_cell(tmp_path, "application_opens", written)
    assert code == 1
    assert f"programs.csv:2:{number}: application_opens: expected a date as YYYY-MM-DD" in said
    assert f"got '{written}'{hint}" in said


def test_one_column_formatted_wrongly_in_every_row_is_a_few_lines_not_one_per_cell(
    tmp_path,
) -> None:
    """Found by review: an Excel export with "$650" in every row printed one error per
    cell (134 lines); each column now shows three and counts the rest."""
    scenario, _number = _catalog_cell(tmp_path, "fee", "125")
    catalog = tmp_path / "programs.csv"
    header, *rows = catalog.read_text(encoding="utf-8").strip().split("\n")
    column = header.split(",").index("housing_per_week")
    dollars = []
    for row in rows:
        cells = row.split(",")
        cells[column] = "$" + cells[column]
        dollars.append(",".join(cells))
    catalog.write_text("\n".join([header, *dollars]) + "\n", encoding="utf-8")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert said.count("housing_per_week: expected a whole number") == 3
    assert (
        f"housing_per_week: and {len(rows) - 3} more like these in this column (lines 5-"
        f"{len(rows) + 1}); fix the column as a whole"
    ) in said


def test_a_hand_made_plan_with_us_dates_is_told_the_iso_form(tmp_path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("program_id,start\nrad-cedar,6/14/2027\n", encoding="utf-8")
    code, said = _run("check", str(EXAMPLE / "scenario.yaml"), str(plan), "--score")
    assert code == 1
    assert 'start "6/14/2027" is not a date as YYYY-MM-DD; write 2027-06-14' in said


def test_first_time_slips_a_student_made_get_the_fix(tmp_path) -> None:
    """From a student's review: the messages were right but left the fix to guess."""
    said, _line = _refused(tmp_path, "step2ck: 246", "step2ck: scheduled")
    assert "leave step2ck out until you have a score" in said
    (tmp_path / "tier").mkdir()
    code, said, number = _validate_cell(tmp_path / "tier", "tier", "realistic")
    assert code == 1
    assert f"programs.csv:2:{number}: tier:" in said
    assert "the guide's realistic programs are 'target'" in said


def test_documents_joined_with_a_comma_are_told_to_use_semicolons(tmp_path) -> None:
    code, said, _number = _validate_cell(tmp_path, "requires", "transcript, immunizations;bls")
    assert code == 1
    assert "in `requires`, separate documents with ';' (transcript;immunizations;bls)" in said


def test_a_semicolon_separated_catalog_is_told_how_to_save_it(tmp_path) -> None:
    scenario, _number = _catalog_cell(tmp_path, "fee", "125")
    catalog = tmp_path / "programs.csv"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "give the .xlsx workbook itself, or save as 'CSV UTF-8 (comma delimited)'" in said


def test_a_short_row_whose_missing_cells_are_optional_is_not_called_shifted(tmp_path) -> None:
    """Found by review: trailing optional cells left out are valid, yet any other error
    in such a row came with "a missing cell moves every value after it"."""
    scenario, _number = _catalog_cell(tmp_path, "fee", "125")
    catalog = tmp_path / "programs.csv"
    header, *rows = catalog.read_text(encoding="utf-8").strip().split("\n")
    names = header.split(",")
    order = [n for n in names if n not in ("fee", "img_surcharge")] + ["fee", "img_surcharge"]
    moved = [",".join(order)]
    for number, row in enumerate(rows):
        cells = dict(zip(names, row.split(","), strict=True))
        if number == 0:
            cells["acceptance"] = "1.5"
        written = [cells[n] for n in order]
        moved.append(",".join(written[:-2] if number == 0 else written))
    catalog.write_text("\n".join(moved) + "\n", encoding="utf-8")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "acceptance: expected at most 1 (got '1.5')" in said
    assert "missing cell" not in said


def test_errors_of_another_kind_in_a_crowded_column_are_still_named(tmp_path) -> None:
    """Found by review: "$125" in five rows and "-40" in a sixth folded the negative fee
    into "fix the column as a whole"."""
    scenario, _number = _catalog_cell(tmp_path, "fee", "125")
    catalog = tmp_path / "programs.csv"
    header, *rows = catalog.read_text(encoding="utf-8").strip().split("\n")
    column = header.split(",").index("fee")
    changed = []
    for number, row in enumerate(rows):
        cells = row.split(",")
        cells[column] = "-40" if number == 5 else f"${cells[column] or 0}"
        changed.append(",".join(cells))
    catalog.write_text("\n".join([header, *changed]) + "\n", encoding="utf-8")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "programs.csv:7:17: fee: expected 0 or more (got '-40')" in said
    assert "fee: and " in said and "more like these in this column" in said


def test_a_decimal_comma_before_a_city_column_is_not_blamed_on_requires(tmp_path) -> None:
    """Found by review: with `city` after `requires`, a "0,6" acceptance read as
    documents joined with a comma (transcript;immunizations;Cleveland)."""
    scenario, _number = _catalog_cell(tmp_path, "fee", "125")
    catalog = tmp_path / "programs.csv"
    header, *rows = catalog.read_text(encoding="utf-8").strip().split("\n")
    names = header.split(",")
    order = ["id", "name", "requires", "city"] + [
        n for n in names if n not in ("id", "name", "requires", "city")
    ]
    moved = [",".join(order)]
    for number, row in enumerate(rows):
        cells = dict(zip(names, row.split(","), strict=True))
        if number == 0:
            cells["acceptance"] = "0,6"
        moved.append(",".join(cells[n] for n in order))
    catalog.write_text("\n".join(moved) + "\n", encoding="utf-8")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "this row has 23 cells but the header has 22" in said
    assert "separate documents" not in said


def test_a_tab_after_a_colon_is_not_called_indentation(tmp_path) -> None:
    said, line = _refused(tmp_path, "budget: 9000", "budget:\t9000")
    assert f"scenario.yaml:{line}:8:" in said
    assert "YAML separates a key from its value with a space" in said


@pytest.mark.parametrize("written", ["1e99999999999", "1e999999999", "1e400"])
def test_a_huge_exponent_gets_no_spelt_out_reading(tmp_path, written: str) -> None:
    """Found by fuzzing: the hint spelt the number out, a MemoryError traceback for
    1e99999999999 and a gigabyte message for 1e999999999."""
    code, said, number = _validate_cell(tmp_path, "fee", written)
    assert code == 1
    assert f"programs.csv:2:{number}: fee: expected a number written with the digits 0-9" in said
    assert "write" not in said.split(f"got '{written}'")[1][:10]
    assert len(said) < 2000


@pytest.mark.parametrize(
    ("old", "new", "written"),
    [
        ("version: 1", "version 1", "version 1"),  # the first key of the file
        ("  window: {", "  window {", "window {start: 2027-06-01, end: 2027-12-17}"),
    ],
)
def test_a_missing_colon_on_a_first_key_or_before_a_flow_value_is_named(
    tmp_path, old: str, new: str, written: str
) -> None:
    """Found by fuzzing: reported on the next line as "mapping values are not allowed
    here", blamed on indentation."""
    said, line = _refused(tmp_path, old, new)
    assert f"scenario.yaml:{line}:" in said
    assert f"line {line} has no ':' after its key ({written!r})" in said


def test_a_tab_before_a_comment_is_not_called_a_key_separator(tmp_path) -> None:
    said, line = _refused(tmp_path, "budget: 9000", "budget: 9000\t# dollars")
    assert f"scenario.yaml:{line}:" in said
    assert "a tab; YAML takes only spaces between words here" in said


def test_a_list_indented_off_its_siblings_says_so(tmp_path) -> None:
    """Found by fuzzing: "expected <block end>, but found '<block sequence start>'" alone."""
    said, line = _refused(
        tmp_path, "  min_gap_days: 0", "  min_gap_days: 0\n - {start: 2027-08-01, end: 2027-08-02}"
    )
    assert f"scenario.yaml:{line + 1}:" in said
    assert "this line's indentation does not match the lines above it" in said


def test_every_row_short_of_cells_is_a_few_lines(tmp_path) -> None:
    """Found by fuzzing: one "this row has 20 cells" line per row, fourteen alike."""
    scenario, _number = _catalog_cell(tmp_path, "fee", "125")
    catalog = tmp_path / "programs.csv"
    header, *rows = catalog.read_text(encoding="utf-8").strip().split("\n")
    short = [",".join(row.split(",")[:-2]) for row in rows]
    catalog.write_text("\n".join([header, *short]) + "\n", encoding="utf-8")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert said.count("this row has 20 cells but the header has 22") == 3
    assert f"and {len(rows) - 3} more rows like these (lines 5-{len(rows) + 1})" in said


@pytest.mark.parametrize(
    ("encode", "said"),
    [
        (lambda t: t.encode("utf-16-le"), "programs.csv:1: this is UTF-16 text"),  # no BOM
        (lambda t: t.encode("utf-32"), "programs.csv:1: this is UTF-32 text"),
        (lambda t: b"\xef\xbb\xbf\xef\xbb\xbf" + t.encode(), None),  # two BOMs: read
        (lambda t: b"{\\rtf1\\ansi " + t.encode() + b"}", "programs.csv:1: this is a rich-text"),
    ],
)
def test_a_catalog_in_another_text_form_is_named(tmp_path, encode, said: str | None) -> None:  # type: ignore[no-untyped-def]
    """Found by fuzzing: UTF-16 without a byte-order mark read as a NUL at 1:1, UTF-32
    called UTF-16, two BOMs read as a header "\\ufeffid", an RTF catalog unrecognised."""
    scenario, _number = _catalog_cell(tmp_path, "fee", "125")
    catalog = tmp_path / "programs.csv"
    catalog.write_bytes(encode(catalog.read_text(encoding="utf-8")))
    code, output = _run("validate", str(scenario))
    if said is None:
        assert code == 0, output
    else:
        assert code == 1 and said in output


def test_a_zipped_document_given_as_a_scenario_is_named(tmp_path) -> None:
    import zipfile

    scenario = tmp_path / "scenario.json"
    with zipfile.ZipFile(scenario, "w") as document:
        document.writestr("word/document.xml", "<w:document/>")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "scenario.json:1: this is a zip file (a Word, Excel or other Office document?)" in said


def test_text_after_a_closing_quote_is_named_as_such(tmp_path) -> None:
    """Found by review: `name: 'it's fine'` was told about indentation."""
    said, line = _refused(
        tmp_path, 'name: "US-IMG, Step 2 CK 246, no home radiology"', "name: 'it's fine'"
    )
    assert f"scenario.yaml:{line}:" in said
    assert "text after a closing quote" in said and "indentation" not in said


def test_a_wrapped_value_with_a_colon_is_not_blamed_on_the_line_above(tmp_path) -> None:
    """Found by review: a value wrapped under `name:` whose second line holds ': ' was
    called a key without its colon on the first."""
    said, line = _refused(
        tmp_path,
        'name: "US-IMG, Step 2 CK 246, no home radiology"',
        "name:\n  US-IMG student with Step 2\n  CK 246: no home radiology",
    )
    assert f"scenario.yaml:{line + 2}:" in said
    assert "has no ':' after its key" not in said
    assert "a value holds ': ' and needs quotes" in said


def test_text_after_a_closing_bracket_is_not_called_a_quote(tmp_path) -> None:
    said, line = _refused(
        tmp_path,
        '    - {start: 2027-07-12, end: 2027-07-25, reason: "home school exam"}',
        '    - {start: 2027-07-12, end: 2027-07-25, reason: "home school exam"} extra',
    )
    assert f"scenario.yaml:{line}:" in said
    assert "text after a closing bracket" in said and "quote" not in said.split("bracket")[1]


def test_a_duplicate_id_is_named_beside_a_bad_cell(tmp_path) -> None:
    """Found by fuzzing: one bad fee cell hid a duplicate id in another row until the
    fee was fixed."""
    scenario, number = _catalog_cell(tmp_path, "fee", "$125")
    catalog = tmp_path / "programs.csv"
    header, *rows = catalog.read_text(encoding="utf-8").strip().split("\n")
    twin = rows[2].split(",")
    twin[0] = rows[1].split(",")[0]
    catalog.write_text("\n".join([header, *rows[:2], ",".join(twin), *rows[3:]]) + "\n")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert f"programs.csv:2:{number}: fee:" in said
    assert f"programs.csv:4:1: id: duplicate program id {twin[0]!r} (first at line 3)" in said
