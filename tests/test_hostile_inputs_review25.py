"""Input the fuzzer found read too leniently: numbers pydantic accepts but a person
would not write, and a NUL inside a CSV cell."""

from __future__ import annotations

import pytest

from tests.test_hostile_inputs_review22 import EXAMPLE, _catalog_cell, _run


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
    scenario, number = _catalog_cell(tmp_path, column, written)
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert f"programs.csv:2:{number}: {column}: expected a number written with the digits" in said
    assert f"write {meant}" in said


@pytest.mark.parametrize(("column", "written"), [("housing_per_week", "9_000"), ("fee", "+125")])
def test_thousands_grouping_and_a_plus_sign_are_still_numbers(
    tmp_path, column: str, written: str
) -> None:
    scenario, _number = _catalog_cell(tmp_path, column, written)
    code, said = _run("validate", str(scenario))
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
    scenario, _number = _catalog_cell(tmp_path, "id", "rad-lake\x00shore")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "programs.csv:2:9: a NUL character (byte 0x00) is not text" in said
