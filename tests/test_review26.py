"""Found by this session's reviews (a student at a Caribbean school, an edge-case oracle,
a soundness review, a benchmark review): messages that left the fix to guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from rotation_solver.scenario.schema import written_date_hint
from tests.test_hostile_inputs_review22 import _catalog_cell, _copy, _run


def test_two_windows_are_told_to_block_the_weeks_between(tmp_path: Path) -> None:
    """Found by a student's review: a list of two windows was "expected a mapping", with
    no word of how to write a gap (the school's cores between two elective windows)."""
    scenario = _copy(tmp_path)
    text = scenario.read_text()
    window = next(line for line in text.splitlines() if line.strip().startswith("window:"))
    two = (
        "  window:\n    - {start: 2027-05-24, end: 2027-08-15}\n"
        "    - {start: 2027-10-04, end: 2027-10-31}"
    )
    scenario.write_text(text.replace(window, two))
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "calendar.window: expected a mapping (key: value lines) (got a list)" in said
    assert "list the weeks between under calendar.blocked" in said
    # One range written as a list is not two (found by review).
    scenario.write_text(text.replace(window, "  window: [2027-06-01, 2027-12-17]"))
    code, said = _run("validate", str(scenario))
    assert code == 1 and "the window is one range, with a start and an end" in said
    assert "for two" not in said


def test_a_yes_no_cell_is_read_and_the_message_says_so(tmp_path: Path) -> None:
    """Found by a student's review: `Yes` was read as true, yet the message for `maybe`
    named only true or false."""
    for written, code_expected in (("Yes", 0), ("0", 0), ("maybe", 1)):
        scenario, number = _catalog_cell(tmp_path, "img_friendly", written)
        code, said = _run("validate", str(scenario))
        assert code == code_expected, said
    assert (
        f"programs.csv:2:{number}: img_friendly: expected true or false, yes or no, 1 or 0 "
        "(got 'maybe')" in said
    )


def test_apply_does_not_advise_withdrawing_where_the_paid_fees_fill_the_budget(
    tmp_path: Path,
) -> None:
    """Found by an oracle review: "Withdraw them" for applications no plan can use,
    where the fees already paid exceed the budget alone: a fee paid stays paid."""
    sent = Path(__file__).resolve().parents[1] / "scenarios" / "applications-sent"
    text = (sent / "scenario.yaml").read_text(encoding="utf-8")
    catalog = sent.parent / "example" / "programs.csv"
    poor = tmp_path / "poor.yaml"
    poor.write_text(
        text.replace("budget: 9000", "budget: 300").replace(
            "programs: ../example/programs.csv", f"programs: {catalog.as_posix()}"
        ),
        encoding="utf-8",
    )
    code, said = _run("apply", str(poor), "--workers", "1")
    assert code == 3, said
    assert (
        "the fees already paid ($355, against a $300 budget) leave nothing for a rotation" in said
    )
    assert "Withdraw them" not in said


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("27/06/07", ""),  # a year first, not the year 2007
        ("2/30/27", "; February 2027 has 28 days (the year 27 read as 2027)"),
        ("2027-06-31 10:00", "; June 2027 has 30 days"),  # not "write 2027-06-31"
        ("2027-06-14 10:00", "; write 2027-06-14 (the date alone, no time)"),
    ],
)
def test_a_date_hint_never_proposes_an_impossible_or_unlikely_date(written: str, hint: str) -> None:
    """Found by review of the date hints: "write 2027-06-31" for a date with a time, and
    27/06/07 read as 2007-06-27."""
    assert written_date_hint(written) == hint
