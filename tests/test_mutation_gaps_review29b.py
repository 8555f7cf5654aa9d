"""Mutation review 29b: each test kills a mutant that tests/test_review29.py let live."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS

EXAMPLE = SCENARIOS / "example" / "scenario.yaml"
DATA = Path(__file__).resolve().parent / "data" / "review29"
if not DATA.is_dir():  # run from outside the repository's tests folder
    DATA = SCENARIOS.parent / "tests" / "data" / "review29"


def _validate(tmp_path: Path, source: Path, *replacements: tuple[str, str]) -> str:
    (tmp_path / "programs.csv").write_bytes((source.parent / "programs.csv").read_bytes())
    text = source.read_text("utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "scenario.yaml").write_text(text, "utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "scenario.yaml")])
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


def test_nested_requirements_with_keys_commented_out_say_what_to_write_at_their_own_key(
    tmp_path: Path,
) -> None:
    """`requirements.radiology:` / `.clinical:` with nothing after them: the hint for {},
    at the key's own line and column (not the next key's, here `value_model` at column 1)."""
    said = _validate(
        tmp_path,
        EXAMPLE,
        (
            "  radiology: {min: 2, max: 3}\n  clinical: {min: 1, max: 1, specialties: "
            "[internal_medicine, emergency_medicine, surgery]}\n  max_rotations: 4\n"
            "  tier_mix: true\n",
            "  max_rotations: 4\n  tier_mix: true\n  radiology:\n#    min: 2\n  clinical:\n"
            "#    min: 1\n",
        ),
    )
    hint = "expected a mapping (key: value lines) (got nothing); write {} for the defaults"
    assert f"scenario.yaml:31:3: requirements.radiology: {hint}" in said
    assert f"scenario.yaml:33:3: requirements.clinical: {hint}" in said


APPLIED_PAST = DATA / "applied_past" / "scenario.yaml"


def test_an_unanswered_application_ending_on_the_planning_date_is_under_way(
    tmp_path: Path,
) -> None:
    """im2 2027-08-09 runs to 08-22: on 08-22 it is still under way, not over."""
    said = _validate(
        tmp_path, APPLIED_PAST, ("planning_date: 2027-08-25", "planning_date: 2027-08-22")
    )
    assert (
        "applied: im2's rotation starting 2027-08-09 is under way by the planning date "
        "2027-08-22, yet the application is unanswered"
    ) in said


def test_an_unanswered_application_starting_on_the_planning_date_is_not_begun(
    tmp_path: Path,
) -> None:
    said = _validate(
        tmp_path, APPLIED_PAST, ("planning_date: 2027-08-25", "planning_date: 2027-08-09")
    )
    assert "yet the application is unanswered" not in said


def test_two_unanswered_starts_begun_are_plural_and_dated_by_the_last(tmp_path: Path) -> None:
    """im1 2027-06-07 (over) and 2027-08-02 (to 08-29, under way on 08-25)."""
    said = _validate(
        tmp_path,
        APPLIED_PAST,
        (
            "applied: [{program: im2, starts: [2027-08-09]}]",
            "applied: [{program: im1, starts: [2027-06-07, 2027-08-02]}]",
        ),
    )
    assert (
        "applied: im1's rotations starting 2027-06-07, 2027-08-02 are under way by the "
        "planning date 2027-08-25, yet the application is unanswered"
    ) in said


def _lock(text: str):  # type: ignore[no-untyped-def]
    from rotation_solver.scenario import Lock

    program, start = text.split("@")
    return Lock(program=program, start=date.fromisoformat(start))


def test_an_accepted_offer_starting_on_the_others_last_day_overlaps_it() -> None:
    """rad-lakeshore 2027-06-07..07-04; em-saguaro starting 07-04 (listed first) overlaps."""
    from rotation_solver.portfolio.acceptance import accepted_conflict
    from rotation_solver.scenario import load_scenario

    loaded = load_scenario(EXAMPLE)
    touching = [_lock("em-saguaro@2027-07-04"), _lock("rad-lakeshore@2027-06-07")]
    assert accepted_conflict(loaded, touching) == (
        "em-saguaro (2027-07-04..2027-07-17) and rad-lakeshore (2027-06-07..2027-07-04) overlap"
    )
    # A day later they are apart (gap 0).
    assert (
        accepted_conflict(
            loaded, [_lock("em-saguaro@2027-07-05"), _lock("rad-lakeshore@2027-06-07")]
        )
        == ""
    )


def test_accepted_offers_costing_exactly_the_budget_are_no_conflict() -> None:
    from rotation_solver.portfolio.acceptance import accepted_conflict
    from rotation_solver.scenario import load_scenario

    loaded = load_scenario(EXAMPLE)
    apart = [_lock("rad-lakeshore@2027-06-07"), _lock("em-saguaro@2027-08-16")]

    def with_budget(budget: int):  # type: ignore[no-untyped-def]
        return dataclasses.replace(
            loaded, scenario=loaded.scenario.model_copy(update={"budget": budget})
        )

    said = accepted_conflict(with_budget(1), apart)
    cost = int(said.split("$")[1].split(" ")[0].replace(",", ""))
    assert accepted_conflict(with_budget(cost), apart) == ""
    assert accepted_conflict(with_budget(cost - 1), apart).startswith(
        f"together they cost ${cost:,}"
    )


def test_two_applications_sent_that_no_plan_can_use_are_named_in_the_plural() -> None:
    from rotation_solver.portfolio.render import _unusable_sent_line

    line = _unusable_sent_line({"sent_unused": ["rad-a", "rad-b"]})
    assert "no plan can use them (the warning says why); their fees are paid and they count" in (
        line
    )
    one = _unusable_sent_line({"sent_unused": ["rad-a"]})
    assert "no plan can use it (the warning says why); its fee is paid and it counts" in one
    assert _unusable_sent_line({"sent_unused": []}) == ""


def test_a_declined_offer_without_fees_paid_still_goes_under_applied_and_exclude() -> None:
    """A decline with no fee paid: the sentence is still said, without "already paid"."""
    from rotation_solver.portfolio.render import offer_answer_lines

    keep = {"program_id": "rad-x", "start": "2027-06-07"}
    drop = {"program_id": "rad-y", "start": "2027-07-05"}

    def way(accept: list[dict[str, str]], value: float, outcome: str) -> dict:
        return {"accept": accept, "best_case": 600.0, "expected_value": value,
                "outcome": outcome, "exact": True, "cut_short": False}  # fmt: skip

    payload = {
        "offer_answers": {
            "accept": [keep],
            "decline": [drop],
            "expected_value": 540.0,
            "ways": [way([keep], 540.0, "chosen"), way([], 475.3, "searched")],
            "proven": True,
            "declined_fees": 0,
            "out_of_time": 0,
        }
    }
    line = " ".join(" ".join(offer_answer_lines(payload)).split())
    assert (
        "the declined ones moved to `applied:` and `exclude:` together, so that their fees "
        "still count as these plans count them"
    ) in line
    assert "already paid" not in line


def test_a_clinical_lock_alone_does_not_fill_radiology_even_at_radiology_min_0(make) -> None:  # type: ignore[no-untyped-def]
    """Accepted offers "make a plan alone" only with a radiology rotation among them: a
    plan needs one (the guide's applications are still to make at radiology.min 0)."""
    from rotation_solver.portfolio import build_portfolio_problem
    from tests.conftest import program

    rows = [
        program("rad-a", starts="2027-06-07"),
        program("rad-b", starts="2027-07-05"),
        program("im-c", specialty="internal_medicine", starts="2027-08-02"),
    ]
    rules = {"radiology": {"min": 0, "max": 2}, "clinical": {"min": 1, "max": 1}}

    def filled(locks: list[dict[str, str]]) -> bool:
        problem = build_portfolio_problem(make(rows, requirements=rules, locks=locks))
        return problem.radiology_filled_by_locks()

    assert not filled([{"program": "im-c", "start": "2027-08-02"}])
    assert filled(
        [{"program": "im-c", "start": "2027-08-02"}, {"program": "rad-a", "start": "2027-06-07"}]
    )


def test_the_gap_warning_names_the_best_plan_within_the_budget_when_there_is_one(
    tmp_path: Path,
) -> None:
    """At budget $6,490 the gap-0 plan with two radiology letters is within the budget:
    the warning gives the best such plan, not "the cheapest ... costs"."""
    scenario = DATA / "gap_letters" / "scenario.yaml"
    (tmp_path / "programs.csv").write_bytes((scenario.parent / "programs.csv").read_bytes())
    text = scenario.read_text("utf-8").replace("budget: 6000", "budget: 6490")
    (tmp_path / "scenario.yaml").write_text(text, "utf-8")
    result = CliRunner().invoke(cli, ["solve", str(tmp_path / "scenario.yaml"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        "your minimum gap between rotations (calendar.min_gap_days 7) rules them out: at 0, "
        "the best plan with two radiology letters in time is worth "
    ) in said
    assert "the cheapest plan with two radiology letters in time costs" not in said
