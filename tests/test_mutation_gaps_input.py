"""Inputs from a third mutation review (the input layer: the loader, the catalog
readers, documents and their positions, messages, and `check`'s re-proof of a "no
plan" document): each test tells the code from a one-line mutant that no other test
caught, and names it. What differs is an error, its place or a violation, which go to
stderr, so they are asserted on the library's problems and `conflict_errors`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli
from rotation_solver.conflict_check import conflict_errors
from rotation_solver.diagnose import CONFLICT_TIMED_OUT
from rotation_solver.errors import InputError
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.scenario.catalog import read_csv
from rotation_solver.solve import SolveOptions

SCENARIO = """\
version: 1
name: input gaps (synthetic)
planning_date: 2027-01-15
eras_submission: 2027-09-25
student:
  school_type: img
  step2ck: 250
  us_clinical_weeks: 8
  radiology_exposure: none
calendar:
  window: {start: 2027-06-01, end: 2027-12-17}
budget: 100000
documents:
  transcript: 2027-01-10
requirements:
  radiology: {min: 1, max: 3}
  clinical: {min: 0, max: 1}
  tier_mix: false
programs:
"""
ROW = (
    "  - {id: a, name: A, city: Denver, state: CO, specialty: radiology, tier: target, "
    "img_friendly: true, accepts_img: true, starts: 2027-06-07, weeks: 2, "
    "application_opens: 2027-01-04, requires: transcript, housing_per_week: 300, "
    "travel: 400, fee: 0, letter: 5, audition: 5, interest: 5, acceptance: 1}\n"
)
ONE_WORKER = SolveOptions(workers=1, seed=0, time_limit=30)


def problems(tmp_path: Path, text: str, **options: object) -> list[str]:
    """The problems loading `text` gives, each as the CLI prints it (file name only)."""
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_scenario(path, **options)  # type: ignore[arg-type]
    return [str(p).replace(str(tmp_path) + "/", "") for p in raised.value.problems]


def test_a_missing_key_is_placed_at_its_parents_key(tmp_path: Path) -> None:
    """LD03: loader.py:72 `("extra_forbidden", "missing")` -> `("extra_forbidden",)`.
    A key missing from a flow mapping is named at the parent key (column 1), not at the
    `{` its value starts at (column 10)."""
    text = (SCENARIO + ROW).replace(
        "student:\n  school_type: img\n  step2ck: 250\n  us_clinical_weeks: 8\n"
        "  radiology_exposure: none\n",
        "student: {step2ck: 250, us_clinical_weeks: 8, radiology_exposure: none}\n",
    )
    assert problems(tmp_path, text) == [
        "scenario.yaml:5:1: student.school_type: required key is missing"
    ]


def test_an_unknown_document_of_two_rows_says_one_more(tmp_path: Path) -> None:
    """LD13: loader.py:226 `len(rows) > 1` -> `len(rows) > 2`. Two rows needing one
    unknown document: one problem, which says "(and 1 more rows)"."""
    rows = ROW + ROW.replace("id: a, name: A", "id: b, name: B")
    found = problems(tmp_path, SCENARIO + rows.replace("requires: transcript", "requires: cv"))
    assert len(found) == 1
    assert "unknown document 'cv' (and 1 more rows); expected one of" in found[0]


def test_a_block_style_inline_row_is_placed_at_the_cell_and_named_by_its_path(
    tmp_path: Path,
) -> None:
    """Found by the same review: the loader's cross-checks on an inline row (an unknown
    document, a duplicate id) named the bare column and, for a row written one key per
    line, the row's first line. They now name `programs[i].column` at the cell itself,
    as the schema's own errors on inline rows do."""
    block = "".join(
        f"    {cell.strip()}\n"
        for cell in ROW.strip().removeprefix("- {").removesuffix("}").split(", ")
    )
    block = "  - " + block.removeprefix("    ")
    second = block.replace("name: A\n", "name: A2\n")
    text = SCENARIO + block.replace("requires: transcript", "requires: cv") + second
    assert problems(tmp_path, text) == [
        "scenario.yaml:39:9: programs[1].id: duplicate program id 'a' (first at line 20)",
        "scenario.yaml:31:15: programs[0].requires: unknown document 'cv'; expected one of "
        "the keys of `documents` in the scenario (transcript); if it is another document, "
        "add `cv: YYYY-MM-DD` (the day it is ready) under `documents`",
    ]


def test_an_unknown_lock_id_names_the_close_id(tmp_path: Path) -> None:
    """LD18: loader.py:308 `cutoff=0.75` -> `cutoff=0.9`. 'rad-y' is 0.8 like 'rad-x':
    the message suggests it."""
    text = (SCENARIO + ROW.replace("id: a,", "id: rad-x,")).replace(
        "programs:\n", "locks: [{program: rad-y, start: 2027-06-07}]\nprograms:\n"
    )
    assert problems(tmp_path, text) == [
        "scenario.yaml:19:19: locks[0].program: unknown program id 'rad-y'; did you mean 'rad-x'?"
    ]


def test_an_offer_at_an_unoffered_start_lists_the_starts_in_order(tmp_path: Path) -> None:
    """LD19: loader.py:333 `sorted(program.starts)` -> `program.starts`. The catalog
    lists 2027-08-02 before 2027-06-07; the message lists them by date."""
    text = (
        SCENARIO + ROW.replace("starts: 2027-06-07,", "starts: '2027-08-02;2027-06-07',")
    ).replace("programs:\n", "offers: [{program: a, start: 2027-07-05}]\nprograms:\n")
    assert problems(tmp_path, text) == [
        "scenario.yaml:19:30: offers[0].start: program 'a' does not offer a start on "
        "2027-07-05; it offers 2027-06-07, 2027-08-02; if the program offered this date, "
        "add it to the program's starts in the catalog"
    ]


def test_a_lock_at_an_unoffered_start_is_placed_and_listed_as_an_offer_is(
    tmp_path: Path,
) -> None:
    """Found by the same review: a lock at an unoffered start listed the starts in
    catalog order and was placed at its `program`. It now reads as an offer does: at
    its `start`, with the starts by date."""
    text = (
        SCENARIO + ROW.replace("starts: 2027-06-07,", "starts: '2027-08-02;2027-06-07',")
    ).replace("programs:\n", "locks: [{program: a, start: 2027-07-05}]\nprograms:\n")
    assert problems(tmp_path, text) == [
        "scenario.yaml:19:29: locks[0].start: program 'a' does not offer a start on "
        "2027-07-05; it offers 2027-06-07, 2027-08-02; if the program offered this date, "
        "add it to the program's starts in the catalog"
    ]


def test_a_value_model_with_a_version_key_is_not_called_a_scenario(tmp_path: Path) -> None:
    """LD32: loader.py:423 `"version" in doc.data and "programs" in doc.data` ->
    `"version" in doc.data`. A value model with a stray `version:` (and no `programs:`)
    is a value model with an unknown key, not "a scenario file"."""
    weights = "{letter: 1, audition: 1, clinical_letter: 1, extra_radiology_penalty: 0}"
    (tmp_path / "vm.yaml").write_text(
        f"version: 1\nweights:\n  strong: {weights}\n  challenged: {weights}\n", encoding="utf-8"
    )
    text = (SCENARIO + ROW).replace("programs:\n", "value_model: vm.yaml\nprograms:\n")
    assert problems(tmp_path, text) == ["vm.yaml:1:1: version: unknown key 'version'"]


def catalog_problems(tmp_path: Path, csv_text: str) -> list[str]:
    """The problems reading a CSV catalog gives, file named as `programs.csv`."""
    path = tmp_path / "programs.csv"
    path.write_text(csv_text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_csv(path, "programs.csv")
    return [str(p) for p in raised.value.problems]


def test_a_header_of_lower_case_optional_columns_gets_no_lower_case_hint(
    tmp_path: Path,
) -> None:
    """CA02: catalog.py:69 `h.lower() in KNOWN_COLUMNS and h not in KNOWN_COLUMNS` ->
    `h.lower() in KNOWN_COLUMNS`. `fee` is already lower case: the hint is about a title
    line above the header, not about capitals."""
    assert catalog_problems(tmp_path, "fee,notes\n0,cheap\n") == [
        "programs.csv:1: no required catalog column recognised in the header: the first row "
        "must be the header row (id, name, specialty, ...); no title or comment line above it"
    ]


HEADER = (
    "id,name,city,state,specialty,tier,img_friendly,accepts_img,starts,weeks,"
    "application_opens,requires,housing_per_week,travel,fee,letter,audition,interest,acceptance"
)
ROW_CSV = (
    "a,A,Denver,CO,radiology,target,true,true,2027-06-07,2,2027-01-04,transcript,300,400,0,5,5,5,1"
)


def test_a_capitalised_required_column_is_called_a_case_slip(tmp_path: Path) -> None:
    """CA05: catalog.py:91 `if n in lower` -> `if False`, and CA06: catalog.py:92
    `not hint and ` -> ``. `Weeks` is also close to `weeks` as a typo; the message
    says names are lower case."""
    text = HEADER.replace("weeks", "Weeks") + "\n" + ROW_CSV + "\n"
    assert catalog_problems(tmp_path, text) == [
        "programs.csv:1: weeks: missing required column 'weeks' (the header has 'Weeks'; "
        "names are lower case)"
    ]


def test_a_header_with_only_id_lists_each_missing_column(tmp_path: Path) -> None:
    """CA07: catalog.py:95 `len(missing) == len(REQUIRED_COLUMNS)` ->
    `len(missing) >= len(REQUIRED_COLUMNS) - 1`. `id` is recognised, so each missing
    required column is named (not "no required catalog column recognised")."""
    found = catalog_problems(tmp_path, "id,nom\na,A\n")
    assert len(found) == 14
    assert found[0] == "programs.csv:1: name: missing required column 'name'"


def test_a_bad_value_gets_no_typo_hint_from_a_similar_extra_key(tmp_path: Path) -> None:
    """CA25: catalog.py:390 `field not in values and ` -> ``. The row gives `weeks`
    (0, out of range) and an extra `week`: the problem is the value, not a typo."""
    text = SCENARIO + ROW.replace("weeks: 2,", "weeks: 0, week: 2,")
    assert problems(tmp_path, text) == [
        "scenario.yaml:20:149: programs[0].weeks: expected 1 or more (got 0)"
    ]


def test_a_list_item_is_placed_at_its_own_column(tmp_path: Path) -> None:
    """DO04: documents.py:119 `(il + 1, ic + 1)` -> `(il + 1, ic)`. An unknown id in
    `exclude: [zzz]` is at column 11, where `zzz` starts (columns count from 1)."""
    text = (SCENARIO + ROW).replace("programs:\n", "exclude: [zzz]\nprograms:\n")
    assert problems(tmp_path, text) == ["scenario.yaml:19:11: exclude[0]: unknown program id 'zzz'"]


def test_an_xls_file_is_named_a_catalog_not_read_as_a_scenario(tmp_path: Path) -> None:
    """DO06: documents.py:168 `(".csv", ".xlsx", ".xlsm", ".xls")` without ".xls".
    Passing an old-style .xls catalog as the scenario says what it is."""
    path = tmp_path / "programs.xls"
    path.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_scenario(path)
    assert [p.message for p in raised.value.problems] == [
        "is a program catalog; pass the scenario file (YAML, JSON or TOML) whose "
        "`programs:` names it"
    ]


def test_a_json_file_of_blank_lines_is_empty(tmp_path: Path) -> None:
    """DO07: documents.py:183 `not text.strip()` -> `not text`. A JSON file of blank
    lines is called empty, not a JSON syntax error at line 3."""
    path = tmp_path / "scenario.json"
    path.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_scenario(path)
    assert [(p.message, p.line) for p in raised.value.problems] == [
        ("file is empty; expected a scenario document", None)
    ]


def test_a_duplicate_key_is_named_shortly(tmp_path: Path) -> None:
    """DO09: documents.py:225 `if "duplicate key" in str(error):` -> `if False:`.
    A key written twice is named without ruamel's "found ... with value" wording."""
    text = (SCENARIO + ROW).replace("budget: 100000\n", "budget: 100000\nbudget: 9000\n")
    assert problems(tmp_path, text) == [
        'scenario.yaml:13:1: YAML syntax error: duplicate key "budget"'
    ]


def test_a_boolean_is_shown_as_written(tmp_path: Path) -> None:
    """NU02: numbers.py:26 `str(value).lower()` -> `str(value)`. `school_type: true`
    is shown as `true`, as the file has it, not Python's `True`."""
    text = (SCENARIO + ROW).replace("school_type: img", "school_type: true")
    assert problems(tmp_path, text) == [
        "scenario.yaml:6:16: student.school_type: expected 'img', 'us_md' or 'us_do' (got true)"
    ]


def test_one_impossible_start_gets_no_separator_hint(tmp_path: Path) -> None:
    """ME03: messages.py:71 `> 1` -> `> 0`. One impossible date in `starts` is named;
    the hint about separating several dates is for two or more."""
    text = SCENARIO + ROW.replace("starts: 2027-06-07,", "starts: 2027-02-30,")
    assert problems(tmp_path, text) == [
        "scenario.yaml:20:130: programs[0].starts: '2027-02-30' is not a real calendar date "
        "(February 2027 has 28 days)"
    ]


def test_an_acceptance_of_100_is_read_as_a_percentage(tmp_path: Path) -> None:
    """ME06: messages.py:52 `2 <= number <= 100` -> `2 <= number < 100`. 100 is 100%:
    the message says to write 1."""
    text = SCENARIO + ROW.replace("acceptance: 1}", "acceptance: 100}")
    assert problems(tmp_path, text) == [
        "scenario.yaml:20:298: programs[0].acceptance: expected at most 1 (got 100); "
        "write a fraction: 100% is 1"
    ]


def test_a_lock_written_as_text_without_at_gets_no_offer_form(tmp_path: Path) -> None:
    """ME07: messages.py:83 `isinstance(given, str) and "@" in given` ->
    `isinstance(given, str)`. `locks: [a]` is not PROGRAM@DATE: no rewritten form, only
    the entry to write (found by a student's review: nothing to copy)."""
    text = (SCENARIO + ROW).replace("programs:\n", "locks: [a]\nprograms:\n")
    assert problems(tmp_path, text) == [
        "scenario.yaml:19:9: locks[0]: expected a mapping (key: value lines) (got 'a'); write "
        "each entry as {program: a, start: YYYY-MM-DD}"
    ]


def test_a_dollar_amount_without_separators_gets_no_separator_hint(tmp_path: Path) -> None:
    """ME09: messages.py:102 `(,\\d{3})+` -> `(,\\d{3})*`. "$900" has no thousands
    separator, so the message does not tell to write it without separators; it says to
    drop the '$' (found by a student's review)."""
    text = (SCENARIO + ROW).replace("budget: 100000", 'budget: "$900"')
    assert problems(tmp_path, text) == [
        "scenario.yaml:12:9: budget: expected a whole number (got '$900'); write the number "
        "without '$', e.g. 900"
    ]


@pytest.mark.parametrize(
    ("budget", "hint"),
    [("$380.00", "without '$', e.g. 380"), ("$ 1,200", "without separators, e.g. 1200")],
)
def test_a_dollar_sign_with_cents_or_a_blank_gets_its_hint(
    tmp_path: Path, budget: str, hint: str
) -> None:
    """Found by review: "$380.00" and "$ 1,200" got no hint."""
    text = (SCENARIO + ROW).replace("budget: 100000", f'budget: "{budget}"')
    (message,) = problems(tmp_path, text)
    assert message.endswith(hint), message


@pytest.mark.parametrize(
    ("cell", "hinted"), [("rolling", True), ("n/a", True), ("TBD", True), ("2027-13-01", False)]
)
def test_a_deadline_in_words_is_told_to_leave_the_cell_blank(
    tmp_path: Path, cell: str, hinted: bool
) -> None:
    row = ROW.replace("application_opens:", f"application_deadline: '{cell}', application_opens:")
    text = SCENARIO + row
    (message,) = problems(tmp_path, text)
    assert ("leave it blank (or out) when the program has no fixed deadline" in message) is hinted


TOML = """\
version = 1
name = "CRLF line ends"
planning_date = 2027-01-15
eras_submission = 2027-09-25
budget = 100000

[student]
school_type = "img"
step2ck = 250
us_clinical_weeks = 8
radiology_exposure = "none"

[calendar]
window = {start = 2027-06-01, end = 2027-12-17}

[documents]
transcript = 2027-01-10

[requirements]
radiology = {min = 1, max = 3}
clinical = {min = 0, max = 1}
tier_mix = false

[[programs]]
id = "a"
name = "A"
specialty = "radiology"
tier = "target"
img_friendly = true
accepts_img = true
starts = "2027-06-07"
weeks = 0
application_opens = 2027-01-04
requires = "transcript"
housing_per_week = 300
travel = 400
letter = 5
audition = 5
interest = 5
acceptance = 1
"""


def test_a_toml_file_with_crlf_line_ends_keeps_its_positions(tmp_path: Path) -> None:
    """TP02: toml_positions.py:45 `" \\t\\r"` -> `" \\t"`. A TOML file saved with Windows
    line ends still names the line and column of a bad value."""
    path = tmp_path / "scenario.toml"
    path.write_bytes(TOML.replace("\n", "\r\n").encode())
    with pytest.raises(InputError) as raised:
        load_scenario(path)
    assert [(p.field, p.line, p.column) for p in raised.value.problems] == [
        ("programs[0].weeks", 32, 9)
    ]


def no_plan_document(tmp_path: Path) -> tuple[LoadedScenario, dict[str, Any]]:
    """A scenario whose budget ($500) is below its one program's cost ($1,000), and the
    "no plan" document `solve --format json` writes for it."""
    path = tmp_path / "scenario.yaml"
    path.write_text((SCENARIO + ROW).replace("budget: 100000", "budget: 500"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["solve", str(path), "--format", "json", "--workers", "1"])
    assert result.exit_code == 3, result.output
    return load_scenario(path), json.loads(result.stdout)


def _repair_of(document: dict[str, Any], rule: str) -> dict[str, Any]:
    repair: dict[str, Any] = next(r for r in document["conflict"]["repairs"] if r["rule"] == rule)
    return repair


def test_a_cheapest_cost_of_true_is_a_shape_error(tmp_path: Path) -> None:
    """CC01: conflict_check.py:67 `isinstance(value, bool) and bool not in allowed` ->
    `False`. JSON `true` is not whole dollars (Python counts it as 1): the document is
    refused for its shape, not re-solved and compared with $1."""
    loaded, document = no_plan_document(tmp_path)
    document["conflict"]["cheapest_plan_without_budget"] = True
    assert conflict_errors(loaded, document, ONE_WORKER) == (
        ["conflict.cheapest_plan_without_budget: expected whole dollars or null, got True"],
        True,
    )


def test_a_conflict_without_minimal_is_read_as_not_minimal(tmp_path: Path) -> None:
    """CC02: conflict_check.py:68 `key in conflict and ` -> ``, and CC05:
    conflict_check.py:147 `minimal") is True` -> `minimal") is not False`. A document that leaves
    out `minimal` is not refused for its shape; it is read as not minimal, so its
    sentence must say the search did not drop the rules not needed."""
    loaded, document = no_plan_document(tmp_path)
    del document["conflict"]["minimal"]
    errors, settled = conflict_errors(loaded, document, ONE_WORKER)
    assert settled
    assert len(errors) == 1
    assert errors[0].startswith("why: the document says")
    assert "(the time limit stopped the search" in errors[0]


def test_a_cost_stated_with_settled_null_is_accepted(tmp_path: Path) -> None:
    """CC03: conflict_check.py:70 `cheapest_plan_settled") is False` ->
    `cheapest_plan_settled") is not True`. Only `false` forbids a stated cost; `null`
    (not said) with the right cost is a valid document."""
    loaded, document = no_plan_document(tmp_path)
    document["conflict"]["cheapest_plan_settled"] = None
    assert conflict_errors(loaded, document, ONE_WORKER) == ([], True)


def test_a_wrong_sentence_is_named(tmp_path: Path) -> None:
    """CC10: conflict_check.py:191 `if document.get("why") != sentence:` -> `if False:`.
    The `why` a document gives the student must be the one the named rules make."""
    loaded, document = no_plan_document(tmp_path)
    document["why"] = "budget too small"
    assert conflict_errors(loaded, document, ONE_WORKER) == (
        [
            "why: the document says 'budget too small'; expected 'these rules cannot all "
            "hold: at least 1 radiology rotation; total cost within the budget of $500'"
        ],
        True,
    )


def test_a_conflict_that_ran_out_of_time_claims_nothing(tmp_path: Path) -> None:
    """CC13: conflict_check.py:216 `if why == CONFLICT_TIMED_OUT:` -> `if False:`. A
    conflict naming no rule because the search ran out of time claims nothing more to
    check (lifting every rule would leave a plan here, which it does not deny)."""
    loaded, document = no_plan_document(tmp_path)
    document["conflict"].update(rules=[], repairs=[])
    document["why"] = CONFLICT_TIMED_OUT
    assert conflict_errors(loaded, document, ONE_WORKER) == ([], True)


def test_a_conflict_naming_no_rule_is_refused_when_lifting_all_leaves_a_plan(
    tmp_path: Path,
) -> None:
    """CC14: conflict_check.py:222 `if lifted:` -> `if False:`. Blaming no rule while
    lifting every rule leaves a plan is the error named, not a wrong sentence."""
    loaded, document = no_plan_document(tmp_path)
    document["conflict"].update(rules=[], repairs=[])
    document["why"] = "no plan exists, but no single rule could be blamed"
    assert conflict_errors(loaded, document, ONE_WORKER) == (
        [
            "the conflict names no rule, but lifting every rule leaves a plan: some of them "
            "conflict (`rotation-solver solve` names them)"
        ],
        True,
    )


def test_a_wrong_cheapest_cost_is_named_when_settled_is_null(tmp_path: Path) -> None:
    """CC16: conflict_check.py:249 `cheapest_plan_settled") is not False` ->
    `cheapest_plan_settled") is True`. Only `false` excuses the cost; with `null` a
    stated cost is still checked."""
    loaded, document = no_plan_document(tmp_path)
    document["conflict"].update(cheapest_plan_settled=None, cheapest_plan_without_budget=999)
    assert conflict_errors(loaded, document, ONE_WORKER) == (
        ["the cheapest plan without the budget costs $1,000, not $999"],
        True,
    )


def test_an_unproven_repair_may_spend_the_whole_changed_budget(tmp_path: Path) -> None:
    """CC18: conflict_check.py:286 `0 <= cost <= budget` -> `0 <= cost < budget`, and
    CC22: conflict_check.py:346 `if proven else (objective > again.objective)` ->
    `... (objective != again.objective)`. A repair not proven best may cost exactly the
    raised budget, and may claim less value than the re-solve finds."""
    loaded, document = no_plan_document(tmp_path)
    budget = _repair_of(document, "budget")
    budget.update(proven_optimal=False, objective=100)
    assert budget["total_cost"] == 1000
    assert conflict_errors(loaded, document, ONE_WORKER) == ([], True)


def test_a_repair_change_is_compared_without_its_tail(tmp_path: Path) -> None:
    """CC23: conflict_check.py:352 `_core(change) != _core(again.change)` ->
    `change != again.change`. What follows the change (after ':' or ' (') is about the
    plan, which ties may vary: it is not compared."""
    loaded, document = no_plan_document(tmp_path)
    _repair_of(document, "budget")["change"] = (
        "raise the budget from $500 to $1,000: one rotation at a"
    )
    assert conflict_errors(loaded, document, ONE_WORKER) == ([], True)


@pytest.mark.parametrize(
    "text", ["", "a", "\n", "a\nb", "\n\nkey = 1\n", "x = 1\r\ny = [\n  2,\n]\n# end"]
)
def test_toml_positions_name_the_line_and_column_of_every_offset(text: str) -> None:
    """The scanner finds line starts once (a 1,500-program inline catalog took 49 s when
    it counted newlines for each key); each offset keeps its line and column."""
    from rotation_solver.scenario.toml_positions import _Scanner

    scanner = _Scanner(text)
    for offset in range(len(text) + 1):
        before = text[:offset]
        expected = (before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)
        assert scanner.where(offset) == expected, offset
