"""Warnings for what the model does not enforce: each fires on its case and not on its
neighbour, so a warning is never noise on a plan the guide would approve."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from rotation_solver.planner import plan_scenario
from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.loader import interview_season_end
from rotation_solver.solve import SolveOptions
from tests.conftest import BASE, program

Make = Callable[..., LoadedScenario]

# A 4-week rotation with a deadline: nothing to warn about on its own.
GOOD = {"weeks": 4, "deadline_weeks_before_start": 8}
BALANCED = {"radiology": {"min": 1}, "clinical": {"min": 1}, "tier_mix": True}


def warnings_for(loaded: LoadedScenario) -> str:
    return " ".join(plan_scenario(loaded, SolveOptions(workers=1)).payload["warnings"])


def rad(pid: str, **fields: Any) -> dict[str, Any]:
    return program(pid, **{**GOOD, **fields})


def clin(pid: str, **fields: Any) -> dict[str, Any]:
    return program(pid, **{**GOOD, "specialty": "surgery", "starts": "2027-08-02", **fields})


def test_balanced_plan_has_no_warnings(make: Make) -> None:
    rows = [rad("r", weeks=4), clin("c", starts="2027-08-02")]
    assert warnings_for(make(rows, requirements=BALANCED)) == ""


def test_all_reach_radiology_and_no_clinical_are_flagged(make: Make) -> None:
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    text = warnings_for(make([rad("r", tier="reach")], requirements=req))
    assert "reach program" in text and "no U.S. clinical rotation" in text


def test_late_letters_and_visa_are_flagged(make: Make) -> None:
    student = {
        "school_type": "img",
        "citizenship": "visa_required",
        "step2ck": 250,
        "us_clinical_weeks": 8,
        "radiology_exposure": "none",
    }
    text = warnings_for(make([rad("r", starts="2027-10-04")], student=student))
    assert "ready by ERAS submission" in text and "visa_required" in text


def test_a_plan_without_radiology_is_flagged(make: Make) -> None:
    req = {"radiology": {"min": 0, "max": 0}, "clinical": {"min": 1}, "tier_mix": False}
    assert "no radiology rotation" in warnings_for(make([clin("c")], requirements=req))


def test_no_warning_about_radiology_when_there_is_no_plan(make: Make) -> None:
    text = warnings_for(make([rad("r")], budget=10))
    assert "no radiology rotation" not in text


def test_no_img_friendly_radiology_is_flagged_for_img_students_only(make: Make) -> None:
    # An IMG-friendly *reach* program does not count: the guide wants realistic-to-safety.
    rows = [rad("r", img_friendly=True, tier="reach"), rad("t", img_friendly=False), clin("c")]
    rows[1]["starts"] = "2027-07-05"
    req = {**BALANCED, "radiology": {"min": 2}, "tier_mix": False}
    text = warnings_for(make(rows, requirements=req))
    # The rule is off here: say what turning it on does (found by review: it read as on).
    assert "clearly IMG friendly" in text and "requirements.tier_mix: true would ask" in text
    us_md = {**BASE["student"], "school_type": "us_md"}
    assert "IMG friendly" not in warnings_for(make(rows, requirements=req, student=us_md))


@pytest.mark.parametrize(
    ("start", "weeks", "flagged"),
    [("2028-01-17", 4, False), ("2028-01-24", 4, True), ("2028-01-31", 4, True)],
)
def test_rotations_mostly_after_the_interview_season_are_flagged(
    make: Make, start: str, weeks: int, flagged: bool
) -> None:
    # ERAS 2027-09-25: the season runs to 2028-01-31; the middle day decides.
    calendar = {"window": {"start": "2027-06-01", "end": "2028-03-31"}}
    rows = [rad("r", starts=start, weeks=weeks), clin("c")]
    loaded = make(rows, requirements=BALANCED, calendar=calendar)
    assert "window ends 2028-03-31" in " ".join(loaded.warnings)
    assert ("past the interview season" in warnings_for(loaded)) is flagged


@pytest.mark.parametrize(("weeks", "flagged"), [(1, True), (2, False)])
def test_one_week_radiology_rotations_are_flagged(make: Make, weeks: int, flagged: bool) -> None:
    loaded = make([rad("r", weeks=weeks), clin("c", weeks=1)], requirements=BALANCED)
    assert ("one-week radiology rotation (r)" in warnings_for(loaded)) is flagged


@pytest.mark.parametrize(
    ("weeks", "flagged"), [((2,), True), ((3, 2), True), ((3, 4), False), ((4,), False)]
)
def test_a_plan_without_a_four_week_radiology_rotation_is_flagged(
    make: Make, weeks: tuple[int, ...], flagged: bool
) -> None:
    """From a student's review: the value model does not weigh length, and the guide
    says four weeks on site can change how an application is perceived."""
    starts = ["2027-06-07", "2027-07-05"]
    rows = [rad(f"r{i}", weeks=w, starts=starts[i]) for i, w in enumerate(weeks)]
    req = {**BALANCED, "radiology": {"min": len(weeks), "max": len(weeks)}, "tier_mix": False}
    loaded = make([*rows, clin("c", starts="2027-08-02")], requirements=req)
    text = warnings_for(loaded)
    assert ("no radiology rotation is four weeks long" in text) is flagged
    if flagged:
        assert "r0 " + ("2 weeks" if weeks[0] == 2 else "3 weeks") in text


def test_a_four_week_caution_is_not_given_for_accepted_offers(make: Make) -> None:
    """A two-week accepted offer is the plan's, not a choice to revisit (found by review:
    the first version of this test used a four-week rotation and could not fail)."""
    lock = [{"program": "r", "start": "2027-06-07"}]
    loaded = make([rad("r", weeks=2), clin("c")], requirements=BALANCED, locks=lock)
    assert "four weeks long" not in warnings_for(loaded)
    # An open two-week choice beside it is named; the accepted offer is not.
    rows = [rad("r", weeks=2), rad("o", weeks=2, starts="2027-09-06"), clin("c")]
    two = {**BALANCED, "radiology": {"min": 2, "max": 2}}
    text = warnings_for(make(rows, requirements=two, locks=lock))
    assert "no radiology rotation is four weeks long (o 2 weeks)" in text


@pytest.mark.parametrize(
    ("acceptance", "stand_in", "flagged"),
    [(0.45, False, True), (0.5, False, False), (0.45, True, False)],
)
def test_a_plan_that_hangs_on_a_long_shot_is_flagged(
    make: Make, acceptance: float, stand_in: bool, flagged: bool
) -> None:
    """From a student's review: no plan existed without a 45% program, and only `apply`
    said how likely no plan was."""
    rows = [rad("r", weeks=4, acceptance=acceptance), clin("c")]
    if stand_in:
        rows.append(rad("s", weeks=4, starts="2027-09-06", letter=1, audition=1))
    one_radiology = {**BALANCED, "radiology": {"min": 1, "max": 1}}
    loaded = make(rows, requirements=one_radiology)
    outcome = plan_scenario(loaded, SolveOptions(workers=1), explain=True)
    assert [r["program_id"] for r in outcome.payload["rotations"]] == ["r", "c"]
    text = " ".join(outcome.payload["warnings"])
    assert ("no plan meets your rules without r, and the chance" in text) is flagged
    if flagged:
        assert "(r 45%)" in text and "`rotation-solver apply`" in text
        # Found by review: "apply chooses stand-ins" when the catalog has none.
        assert "no other program in the catalog can stand in" in text
    # The timeline, the student's to-do list, gives it too (found by review).
    timeline = plan_scenario(loaded, SolveOptions(workers=1), advise=True).payload
    assert ("no plan meets your rules without r" in " ".join(timeline["warnings"])) is flagged


def test_accepted_offers_are_not_second_guessed(make: Make) -> None:
    calendar = {"window": {"start": "2027-06-01", "end": "2028-03-31"}}
    rows = [rad("r", weeks=1, starts="2028-02-07", deadline_weeks_before_start=None), clin("c")]
    lock = [{"program": "r", "start": "2028-02-07"}]
    loaded = make(rows, requirements=BALANCED, calendar=calendar, locks=lock)
    text = warnings_for(loaded)
    assert "one-week radiology rotation" not in text
    assert "no application deadline" not in text
    # Past the interview season is a fact about the cycle, not about the choice: said,
    # as the window's warning promises, with no advice to exclude it (found by review).
    assert "r (accepted) falls mostly after 2028-01-31, past the interview season" in text
    assert "An accepted offer stays in the plan" in text and "--exclude it" not in text


@pytest.mark.parametrize("locked", [False, True])
def test_cautions_about_accepted_offers_alone_are_left_out(make: Make, locked: bool) -> None:
    """Found by review: three accepted offers back to back, all at reach programs, were
    still warned about; the warnings stand while a rotation they name is the plan's choice."""
    req = {"radiology": {"min": 3, "max": 3}, "clinical": {"min": 0}, "tier_mix": False}
    rows = [
        rad("a", tier="reach", name="Big University Radiology"),
        rad("b", tier="reach", starts="2027-07-05", name="Big University Hospital IR"),
        rad("d", tier="reach", starts="2027-08-02"),
    ]
    locks = [{"program": p, "start": r["starts"]} for p, r in zip("abd", rows, strict=True)]
    text = warnings_for(make(rows, requirements=req, locks=locks if locked else []))
    for caution in ("reach program", "back to back (a then b then d", "look like one institution"):
        assert (caution in text) is not locked, caution


@pytest.mark.parametrize(("count", "flagged"), [(3, False), (4, True)])
def test_more_than_three_radiology_rotations_are_flagged(
    make: Make, count: int, flagged: bool
) -> None:
    req = {"radiology": {"min": count, "max": count}, "clinical": {"min": 0}, "max_rotations": 4}
    starts = ["2027-06-07", "2027-07-12", "2027-08-16", "2027-09-20"]
    rows = [rad(f"r{i}", starts=starts[i]) for i in range(count)]
    text = warnings_for(
        make(
            rows,
            requirements=req,
            calendar={"window": {"start": "2027-06-01", "end": "2027-12-17"}, "min_gap_days": 7},
        )
    )
    assert (f"{count} radiology rotations: beyond three" in text) is flagged


def test_a_letter_after_eras_is_not_said_to_end_before_it(make: Make) -> None:
    """Found by review: a rotation ending in October read "ends less than 21 days before"
    a September ERAS date."""
    text = warnings_for(make([rad("r", starts="2027-10-04"), clin("c")], requirements=BALANCED))
    assert "every radiology rotation ends later than 21 days before it" in text
    assert "less than" not in text


@pytest.mark.parametrize(
    ("second", "flagged"),
    [
        ({"name": "Big University Radiology - Body Imaging", "state": "co"}, True),
        ({"name": "Big University Radiology (Neuro)"}, True),
        ({"name": "Big University Radiology - Body Imaging", "city": "Boston"}, False),
        ({"name": "Other Hospital Radiology"}, False),
        # Found by review: a section named inside the name, not after " - ".
        ({"name": "Big University Interventional Radiology"}, True),
        ({"name": "Big University Hospital IR"}, True),
        ({"name": "Big Valley Radiology"}, False),
        # Section first, institution after the dash (flagged before, then missed).
        ({"name": "Neuroradiology - Big University"}, True),
    ],
)
def test_two_radiology_rotations_at_one_institution_are_flagged(
    make: Make, second: dict[str, str], flagged: bool
) -> None:
    req = {**BALANCED, "radiology": {"min": 2}}
    first = rad("a", name="Big University Radiology - Neuroradiology")
    rows = [first, rad("b", starts="2027-07-05", **second), clin("c", starts="2027-09-06")]
    text = warnings_for(make(rows, requirements=req))
    assert ("a and b look like one institution" in text) is flagged


@pytest.mark.parametrize(("gap_days", "flagged"), [(6, True), (7, False)])
def test_more_than_eight_weeks_away_without_a_week_off_is_flagged(
    make: Make, gap_days: int, flagged: bool
) -> None:
    # a: 06-07..07-04; b starts after `gap_days` free days; b and c run back to back.
    b_start = date(2027, 7, 5) + timedelta(days=gap_days)
    c_start = b_start + timedelta(weeks=4)
    rows = [
        rad("a"),
        rad("b", starts=b_start.isoformat()),
        clin("c", starts=c_start.isoformat()),
    ]
    req = {**BALANCED, "radiology": {"min": 2}}
    text = warnings_for(make(rows, requirements=req))
    assert ("weeks of rotations back to back (a then b then c" in text) is flagged
    # b then c alone is 8 weeks: never flagged by itself.
    assert "(b then c," not in text


def test_a_planned_program_without_deadline_is_named(make: Make) -> None:
    text = warnings_for(make([program("r", weeks=4), clin("c")], requirements=BALANCED))
    assert "for r: planned as if it took applications at any time;" in text
    by_start = {**BALANCED, "apply_by_start": True}
    text = warnings_for(make([program("r", weeks=4), clin("c")], requirements=by_start))
    assert "until the start" in text


def test_an_application_after_the_start_is_named(make: Make) -> None:
    # Spec section 4 lets it through (a deadline after the start); the plan says so.
    late = rad(
        "r",
        application_opens="2027-06-10",
        deadline_weeks_before_start=None,
        application_deadline="2027-06-30",
    )
    text = warnings_for(make([late, clin("c")], requirements=BALANCED))
    assert (
        "applications after the start: r starts 2027-06-07, before its application goes out on "
        "2027-06-10 (deadline 2027-06-30)." in text
    )
    # Opening after the rotation ended (no deadline): the plan says it is over by then.
    over = rad("r", application_opens="2027-07-06", deadline_weeks_before_start=None)
    text = warnings_for(make([over, clin("c")], requirements=BALANCED))
    assert (
        "r 2027-06-07..2027-07-04 is over before its application goes out on 2027-07-06 (no "
        "deadline)." in text
    )
    assert "applications after the start" not in warnings_for(
        make([rad("r"), clin("c")], requirements=BALANCED)
    )


def test_the_timeline_step_of_an_application_after_the_start_carries_the_caveat(
    make: Make,
) -> None:
    """Found by review: the warning reached the terminal only; the saved timeline (CSV,
    Markdown, calendar) said "Apply 06-10 for the 06-07 start" with no caveat."""
    late = rad(
        "r",
        application_opens="2027-06-10",
        deadline_weeks_before_start=None,
        application_deadline="2027-06-30",
    )
    outcome = plan_scenario(make([late, clin("c")], requirements=BALANCED), SolveOptions(workers=1))
    steps = {
        s["program_id"]: s["text"] for s in outcome.payload["timeline"] if s["kind"] == "submit"
    }
    assert "after the rotation starts: confirm that the program still takes" in steps["r"]
    assert "after the rotation starts" not in steps["c"]


def test_names_that_start_with_a_bracket_are_not_one_institution(make: Make) -> None:
    req = {**BALANCED, "radiology": {"min": 2}}
    rows = [
        rad("a", name="(Synthetic) Lakeshore Radiology"),
        rad("b", name="(Synthetic) Harbor Radiology", starts="2027-07-05"),
        clin("c", starts="2027-09-06"),
    ]
    assert "one institution" not in warnings_for(make(rows, requirements=req))


@pytest.mark.parametrize(
    ("eras", "season_end"),
    [
        ("2027-09-25", "2028-01-31"),
        ("2028-01-10", "2028-05-31"),
        # Found by a guide audit: an earlier submission does not shorten the season
        # (the guide's "Oct-Jan"), so a December rotation still helps.
        ("2027-08-31", "2028-01-31"),
        ("2027-07-15", "2028-01-31"),
        ("2027-06-01", "2028-01-31"),
        ("2027-10-05", "2028-02-29"),
        ("2027-12-31", "2028-04-30"),
        # no jump of a year at January 31 (found by review)
        ("2028-01-31", "2028-05-31"),
        ("2028-03-15", "2028-07-31"),
        ("2027-05-31", "2027-09-30"),
    ],
)
def test_the_interview_season_follows_the_eras_date(eras: str, season_end: str) -> None:
    assert interview_season_end(date.fromisoformat(eras)) == date.fromisoformat(season_end)


@pytest.mark.parametrize(
    ("first", "second", "city", "same"),
    [
        ("Saint Louis University Radiology", "St. Louis University Hospital Radiology",
         "Saint Louis", True),
        ("Cedars-Sinai Medical Center Imaging", "Cedars Sinai Body MRI", "Los Angeles", True),
        ("Brigham and Women's Hospital Radiology", "Brigham Radiology", "Boston", True),
        ("Yale New Haven Hospital", "Yale New Haven Hospital - Saint Raphael Campus",
         "New Haven", True),
        ("Children's Hospital Radiology", "Children's Hospital of Philadelphia Radiology",
         "Boston", False),
        ("St. Mary's Hospital Radiology", "St. Luke's Hospital Radiology", "Tucson", False),
        ("University of Chicago Radiology", "University of Illinois at Chicago Radiology",
         "Chicago", False),
        # Found by a later review: false warnings that told a student to drop a program.
        ("NewYork-Presbyterian (Columbia)", "NewYork-Presbyterian (Weill Cornell)",
         "New York", False),
        ("Harvard Medical School - Massachusetts General Hospital",
         "Harvard Medical School - Beth Israel Deaconess Medical Center", "Boston", False),
        ("Case Western Reserve University - MetroHealth Medical Center",
         "Case Western Reserve University - University Hospitals Cleveland", "Cleveland", False),
        ("University of Texas, MD Anderson Cancer Center",
         "University of Texas Health Science Center at Houston", "Houston", False),
        ("Brooklyn Imaging", "Brooklyn Hospital Center", "Brooklyn", False),
        ("Boston Radiology", "Boston Children's Hospital", "Boston", False),
        ("Mass General Brigham (Massachusetts General Hospital)",
         "Mass General Brigham (Brigham and Women's Hospital)", "Boston", False),
        # Two departments of one hospital stay one institution (a later review).
        ("Tidewater Community Hospital - Emergency Radiology",
         "Tidewater Community Hospital - Oncologic Imaging", "Norfolk", True),
        ("Tidewater Community Hospital - Visiting Student Elective",
         "Tidewater Community Hospital (Genitourinary Radiology)", "Norfolk", True),
        # A docs review: one-letter words were dropped, so A and B read as one place.
        ("Hospital A Radiology", "Hospital B Radiology", "Boston", False),
        ("Brigham and Women\u2019s Hospital Radiology", "Brigham and Women's Hospital - MRI",
         "Boston", True),
    ],
)  # fmt: skip
def test_institution_names_in_one_city(first: str, second: str, city: str, same: bool) -> None:
    """From reviews of realistic names: "Saint" is "St", scanner words are section words,
    a suffix naming another campus is another institution, and a generic name or the city
    alone never claims a longer one. A missed pair costs less than a false warning, which
    tells a student to drop a good program."""
    from types import SimpleNamespace

    from rotation_solver.advice import _institution, _one_institution

    def place(name: str) -> Any:
        return _institution(SimpleNamespace(program_name=name, city=city, state="XX"))  # type: ignore[arg-type]

    assert _one_institution(place(first), place(second)) is same


def test_offers_in_hand_beside_uncertain_rotations_point_to_apply(make: Make) -> None:
    """With offers in hand and rotations still pending, the plan says what to do with the
    offers and points to `apply` for the applications that cover the pending ones."""
    rows = [rad("r"), clin("c")]
    offer = [{"program": "r", "start": "2027-06-07"}]
    text = warnings_for(make(rows, requirements=BALANCED, offers=offer))
    assert "offers in hand: this plan counts c at its chance of an offer" in text
    assert "`rotation-solver apply` weighs every way to answer the offers" in text
    assert "answer the offers as it says (it may differ from this plan)" in text
    assert "then lock the ones you accept (--lock)" in text
    both = [*offer, {"program": "c", "start": "2027-08-02"}]
    assert "offers in hand" not in warnings_for(make(rows, requirements=BALANCED, offers=both))
    assert "offers in hand" not in warnings_for(make(rows, requirements=BALANCED))


def test_a_rotation_that_never_offers_is_named(make: Make) -> None:
    """Found by review: a plan needing a program with acceptance 0 (value 0) read like any
    other plan, while `apply` said no plan could come of it."""
    never = rad("r", acceptance=0)
    text = warnings_for(make([never, clin("c")], requirements=BALANCED))
    assert "r never offers (acceptance 0 in the catalog)" in text
    assert "never offer" not in warnings_for(make([rad("r"), clin("c")], requirements=BALANCED))
    # An accepted offer counts with acceptance 1 (spec section 5): nothing to say.
    locked = make(
        [never, clin("c")], requirements=BALANCED, locks=[{"program": "r", "start": "2027-06-07"}]
    )
    assert "never offer" not in warnings_for(locked)


@pytest.mark.parametrize(
    ("opens", "flagged"),
    [
        ("2027-04-12", "r on 2027-04-12, its deadline day"),  # deadline 8 weeks before 06-07
        ("2027-04-06", "r on 2027-04-06, 6 days before its deadline"),
        ("2027-04-11", "r on 2027-04-11, 1 day before its deadline"),
        ("2027-04-05", None),  # a week of room
    ],
)
def test_an_application_sent_in_the_last_week_is_named(
    make: Make, opens: str, flagged: str | None
) -> None:
    text = warnings_for(make([rad("r", application_opens=opens), clin("c")], requirements=BALANCED))
    if flagged is None:
        assert "applications on the last days" not in text
    else:
        assert f"applications on the last days: {flagged}." in text
    # An accepted offer sends no application.
    locked = make(
        [rad("r", application_opens=opens), clin("c")],
        requirements=BALANCED,
        locks=[{"program": "r", "start": "2027-06-07"}],
    )
    assert "applications on the last days" not in warnings_for(locked)


def test_with_apply_by_start_the_start_is_the_last_day_to_apply(make: Make) -> None:
    """Found by review: with requirements.apply_by_start an application 4 days before
    the start (and no deadline) was not named, though the start is its last day."""
    by_start = {**BALANCED, "apply_by_start": True}
    row = rad("r", application_opens="2027-06-03", deadline_weeks_before_start=None)
    text = warnings_for(make([row, clin("c")], requirements=by_start))
    assert (
        "applications on the last days: r on 2027-06-03, 4 days before its deadline (its "
        "start: requirements.apply_by_start)." in text
    )
    text = warnings_for(make([row, clin("c")], requirements=BALANCED))
    assert "applications on the last days" not in text


@pytest.mark.parametrize(
    ("radiology", "clinical", "radiology_min", "clinical_min", "locks", "flagged"),
    [
        (2, 1, 1, 1, 0, False),  # three rotations, none of them asked for by the counts
        (3, 1, 3, 1, 0, False),  # the counts ask for four: raising max_rotations cannot help
        (3, 1, 2, 1, 0, True),  # a third radiology rotation: its penalty is named
        (3, 1, 2, 1, 3, True),  # three accepted, the fourth still a choice
        (2, 2, 2, 1, 0, True),  # a second clinical rotation pays no penalty
        (2, 2, 2, 2, 0, False),  # the counts ask for four: raising max_rotations cannot help
        (2, 2, 2, 1, 4, False),  # accepted offers, all four
        (2, 2, 2, 1, 3, True),  # three accepted, the fourth still a choice
    ],
)
def test_more_than_three_rotations_in_all_are_flagged_unless_the_rules_ask_for_them(
    make: Make,
    radiology: int,
    clinical: int,
    radiology_min: int,
    clinical_min: int,
    locks: int,
    flagged: bool,
) -> None:
    """From the guide-rules audit and two reviews: FAQ 1's plateau beyond three
    rotations is about rotations of any kind, so every fourth rotation gets the caution,
    which names the penalty the value model already takes for a third radiology one;
    and advice to set max_rotations 3 must not make the rules clash."""
    starts = ["2027-06-07", "2027-07-12", "2027-08-16", "2027-09-20"]
    rows = [rad(f"r{i}", starts=starts[i]) for i in range(radiology)]
    rows += [clin(f"c{i}", starts=starts[radiology + i]) for i in range(clinical)]
    req = {"radiology": {"min": radiology_min, "max": 3}, "tier_mix": False,
           "clinical": {"min": clinical_min, "max": 2}, "max_rotations": 4}  # fmt: skip
    calendar = {"window": {"start": "2027-06-01", "end": "2027-12-17"}, "min_gap_days": 7}
    pinned = [{"program": r["id"], "start": r["starts"]} for r in rows[:locks]]
    loaded = make(rows, requirements=req, calendar=calendar, locks=pinned)
    payload = plan_scenario(loaded, SolveOptions(workers=1)).payload
    assert len(payload["rotations"]) == radiology + clinical
    text = " ".join(payload["warnings"])
    assert (f"{radiology + clinical} rotations in all" in text) is flagged
    named = "takes extra_radiology_penalty off each radiology rotation beyond two"
    assert (named in text) is (flagged and radiology >= 3)
    assert ("charges no penalty for clinical rotations" in text) is (flagged and radiology < 3)


@pytest.mark.parametrize(
    ("fields", "school_type", "said"),
    [
        ({"tier": "safety"}, "img", "every radiology rotation is at a safety program"),
        ({"tier": "safety", "img_friendly": False}, "img", "nor at a realistic-to-safety"),
        ({"tier": "target", "img_friendly": False}, "img",
         "no radiology rotation is at a realistic-to-safety program"),
        ({"tier": "target"}, "img", None),
        ({"tier": "safety", "img_friendly": False}, "us_md", None),  # the IMG distribution
    ],
)  # fmt: skip
def test_an_img_plan_without_either_half_of_the_guides_balance_is_flagged_once(
    make: Make, fields: dict[str, Any], school_type: str, said: str | None
) -> None:
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    student = {**BASE["student"], "school_type": school_type}
    text = warnings_for(make([rad("r", **fields)], requirements=req, student=student))
    assert text.count("tier_mix: true would ask") == (0 if said is None else 1), text
    if said is not None:
        assert said in text


def test_balance_cautions_leave_accepted_radiology_alone(make: Make) -> None:
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    rows = [rad("r", tier="safety", img_friendly=False)]
    loaded = make(rows, requirements=req, locks=[{"program": "r", "start": "2027-06-07"}])
    assert "tier_mix" not in warnings_for(loaded)


@pytest.mark.parametrize(
    ("blocked", "min_gap_days", "said"),
    [
        ({"start": "2027-07-05", "end": "2027-07-10"}, 7, "r ends 2027-07-04, the day before"),
        ({"start": "2027-07-06", "end": "2027-07-10"}, 7, "r ends 2027-07-04, 1 free day before"),
        ({"start": "2027-07-11", "end": "2027-07-20"}, 7, "r ends 2027-07-04, 6 free days before"),
        ({"start": "2027-07-12", "end": "2027-07-20"}, 7, None),  # 7 free days: enough
        ({"start": "2027-07-05", "end": "2027-07-10"}, 0, None),  # no spacing asked for
        ({"start": "2027-05-20", "end": "2027-06-02"}, 7, "r starts 2027-06-07, 4 free days after"),
        ({"start": "2027-05-20", "end": "2027-06-06"}, 7, "r starts 2027-06-07, the day after"),
        ({"start": "2027-05-20", "end": "2027-05-30"}, 7, None),  # 7 free days after: enough
    ],
)
def test_a_rotation_closer_to_a_blocked_period_than_min_gap_days_is_flagged(
    make: Make, blocked: dict[str, str], min_gap_days: int, said: str | None
) -> None:
    """From the guide-rules audit: min_gap_days spaces rotations only (spec section 1),
    so a rotation may end the day before a home-school exam abroad, with no day to fly."""
    calendar = {
        "window": {"start": "2027-05-01", "end": "2027-12-17"},
        "blocked": [{**blocked, "reason": "home exam"}],
        "min_gap_days": min_gap_days,
    }
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    payload = plan_scenario(make([rad("r")], requirements=req, calendar=calendar),
                            SolveOptions(workers=1)).payload  # fmt: skip
    assert [r["program_id"] for r in payload["rotations"]] == ["r"]
    text = " ".join(payload["warnings"])
    locked = make([rad("r")], requirements=req, calendar=calendar,
                  locks=[{"program": "r", "start": "2027-06-07"}])  # fmt: skip
    assert "not beside a blocked period" not in warnings_for(locked)  # accepted: left alone
    if said is None:
        assert "keeps days free between rotations, not beside a blocked period" not in text
    else:
        assert f"{said} the blocked period" in text
        assert f"(home exam): calendar.min_gap_days {min_gap_days} keeps days free" in text


@pytest.mark.parametrize(
    ("school_type", "radiology", "warned"),
    [
        ("img", {}, True),
        ("img", {"min": 1}, False),
        ("img", {"max": 1}, False),  # min 2 would clash with the student's own max
        ("img", {"max": 2}, True),
        ("us_md", {}, False),
    ],
)
def test_a_home_department_lowering_the_minimum_is_explained_to_an_img(
    make: Make, school_type: str, radiology: dict[str, int], warned: bool
) -> None:
    """From the guide-rules audit: the guide's two letters are from U.S. faculty, and an
    IMG's home department is usually abroad."""
    student = {**BASE["student"], "school_type": school_type,
               "radiology_exposure": "home_department"}  # fmt: skip
    loaded = make([rad("r")], student=student, requirements={"radiology": radiology})
    assert loaded.requirements.radiology_min == radiology.get("min", 1)
    said = " ".join(loaded.warnings)
    assert ("if your home radiology department is not in the U.S." in said) is warned


@pytest.mark.parametrize(
    ("start", "weeks_in_us", "said"),
    [
        ("2027-08-02", 8, None),  # ends 08-15: its letter is ready for ERAS (09-25)
        ("2027-09-13", 8, "no U.S. clinical letter will be ready by ERAS submission"),
        ("2027-09-13", 0, "with no U.S. clinical weeks yet this letter matters most"),
    ],
)
def test_a_clinical_letter_after_eras_is_flagged(
    make: Make, start: str, weeks_in_us: int, said: str | None
) -> None:
    """From an advisor review: a plan moved the only clinical rotation past ERAS for a
    student with no U.S. clinical weeks, and nothing said so."""
    student = {**BASE["student"], "us_clinical_weeks": weeks_in_us}
    rows = [rad("r"), clin("c", starts=start)]
    text = warnings_for(make(rows, requirements=BALANCED, student=student))
    if said is None:
        assert "clinical letter will be ready" not in text
    else:
        assert said in text
        assert ("matters most" in text) is (weeks_in_us == 0)
        # Found by a student's review (18 U.S. weeks): nothing said the default
        # clinical.min kept a late rotation the student may drop.
        assert ("requirements.clinical.min: 0 lets the plan leave it out" in text) is (
            weeks_in_us > 0
        )
    locked = make(rows, requirements=BALANCED, student=student,
                  locks=[{"program": "c", "start": start}])  # fmt: skip
    assert "clinical letter will be ready" not in warnings_for(locked)


@pytest.mark.parametrize(
    ("school_type", "with_column", "warned"),
    [("img", False, True), ("img", True, False), ("us_md", False, False)],
)
def test_a_catalog_without_img_surcharges_is_named_to_an_img(
    make: Make, school_type: str, with_column: bool, warned: bool
) -> None:
    """From a student walk-through: deleting the optional column quietly made every
    IMG surcharge $0."""
    rows = [rad("r", img_surcharge=100), rad("s", starts="2027-08-02", img_surcharge=0)]
    if not with_column:
        rows = [{k: v for k, v in row.items() if k != "img_surcharge"} for row in rows]
    student = {**BASE["student"], "school_type": school_type}
    said = " ".join(make(rows, student=student).warnings)
    assert ("has no img_surcharge column, so every IMG surcharge counts as $0" in said) is warned


def _three_radiology_plan(make: Make, tier: str, *, tier_mix: bool) -> tuple[Any, Any, list[Any]]:
    """Two strong radiology rotations at `tier`, a weak safety one, a clinical one: the
    plan in that order, with its scenario and problem."""
    from rotation_solver.problem import build_problem

    rows = [
        rad("r0", starts="2027-06-07", letter=9, audition=9, tier=tier),
        rad("r1", starts="2027-07-12", letter=9, audition=9, tier=tier),
        rad("weak", starts="2027-08-16", letter=1, audition=1, interest=1, tier="safety"),
        clin("c", starts="2027-09-20"),
    ]
    req = {"radiology": {"min": 2, "max": 3}, "clinical": {"min": 1, "max": 1},
           "tier_mix": tier_mix, "max_rotations": 4}  # fmt: skip
    loaded = make(rows, requirements=req)
    problem = build_problem(loaded)
    plan = [next(o for o in problem.offerings if o.program_id == r["id"]) for r in rows]
    return loaded, problem, plan


@pytest.mark.parametrize("weak_holds_the_tier_mix", [False, True])
def test_a_third_radiology_rotation_worth_less_than_its_penalty_is_named(
    make: Make, weak_holds_the_tier_mix: bool
) -> None:
    """Found by review: `check --score` on a hand-made plan with a third radiology
    rotation worth less than extra_radiology_penalty said the value model "still finds
    this plan worth more". It names the rotation and what the plan is worth without it,
    unless the rules need it (here tier_mix, when it is the only safety one): then it
    claims neither."""
    from rotation_solver.advice import plan_warnings

    tier = "reach" if weak_holds_the_tier_mix else "target"
    loaded, problem, plan = _three_radiology_plan(make, tier, tier_mix=True)
    weak = plan[2]
    without = [o for o in plan if o is not weak]
    assert weak.value < problem.extra_radiology_penalty
    assert problem.plan_value(without) > problem.plan_value(plan)
    text = " ".join(plan_warnings(loaded, plan))
    assert "4 rotations in all" in text
    named = (
        f"more than weak is worth ({weak.value}): without it this plan is worth "
        f"{problem.plan_value(without)} (not {problem.plan_value(plan)}) for "
        f"${weak.cost:,} less."
    )
    assert (named in text) is not weak_holds_the_tier_mix
    # Worth less, so never "still worth more"; kept by the rules, so no price either.
    assert "still finds this plan worth more" not in text
    assert "takes extra_radiology_penalty" in text


def test_a_third_radiology_rotation_worth_exactly_its_penalty_is_named(make: Make) -> None:
    """Found by review: worth exactly the penalty, the plan was "still worth more" with
    it, where it is worth the same without it, for less money."""
    import dataclasses

    from rotation_solver.advice import plan_warnings
    from rotation_solver.offerings import student_profile

    loaded, _, plan = _three_radiology_plan(make, "target", tier_mix=False)
    weak = plan[2]
    profile = student_profile(loaded)
    weights = getattr(loaded.value_model.weights, profile)
    tied = weights.model_copy(update={"extra_radiology_penalty": weak.value})
    model = loaded.value_model.model_copy(
        update={"weights": loaded.value_model.weights.model_copy(update={profile: tied})}
    )
    text = " ".join(plan_warnings(dataclasses.replace(loaded, value_model=model), plan))
    assert f"as much as weak is worth ({weak.value}): without it this plan is worth the same" in (
        text
    )
    assert "still finds this plan worth more" not in text


@pytest.mark.parametrize(
    ("blocked", "said"),
    [
        # r starts 06-07 and 07-05 (4 weeks each): the exam day falls in the second.
        (
            {"start": "2027-07-14", "end": "2027-07-14"},
            "2027-07-14 (Step 2 CK, 1 day) alone rules out 1 (program, start) pair",
        ),
        (
            {"start": "2027-07-13", "end": "2027-07-15"},
            "2027-07-13..2027-07-15 (Step 2 CK, 3 days) alone rules out 1 (program, start) pair",
        ),
        ({"start": "2027-07-13", "end": "2027-07-16"}, None),  # 4 days: weeks of school
        ({"start": "2027-09-14", "end": "2027-09-14"}, None),  # touches no rotation
    ],
)
def test_a_day_blocked_for_an_exam_names_the_rotations_it_rules_out(
    make: Make, blocked: dict[str, str], said: str | None
) -> None:
    """Found by a student's review: blocking the Step 2 CK day dropped every 4-week
    rotation across it, with no word."""
    calendar = {
        "window": {"start": "2027-05-01", "end": "2027-12-17"},
        "blocked": [{**blocked, "reason": "Step 2 CK"}],
    }
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    rows = [rad("r", starts="2027-06-07;2027-07-05")]
    text = warnings_for(make(rows, requirements=req, calendar=calendar))
    if said is None:
        assert "alone rules out" not in text
    else:
        assert f"the blocked period {said}: no rotation may touch a blocked period" in text
        assert "take it out of calendar.blocked" in text


def test_a_blocked_day_counts_no_start_an_accepted_offer_rules_out(make: Make) -> None:
    """Found by review: starts that also overlap an accepted offer were counted as ruled
    out by the blocked day alone."""
    calendar = {
        "window": {"start": "2027-05-01", "end": "2027-12-17"},
        "blocked": [{"start": "2027-07-14", "end": "2027-07-14", "reason": "Step 2 CK"}],
    }
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    # r's and s's July starts span the exam day; s's also overlaps the accepted c.
    rows = [rad("r", starts="2027-06-07;2027-07-05"), rad("s", starts="2027-07-14"),
            clin("c", starts="2027-08-09", weeks=2)]  # fmt: skip
    free = warnings_for(make(rows, requirements=req, calendar=calendar))
    assert "alone rules out 2 (program, start) pairs" in free
    locked = make(rows, requirements=req, calendar=calendar,
                  locks=[{"program": "c", "start": "2027-08-09"}])  # fmt: skip
    assert "alone rules out 1 (program, start) pair:" in warnings_for(locked)


def test_the_clinical_minimum_is_not_blamed_where_an_accepted_offer_meets_it(make: Make) -> None:
    """Found by review: "clinical.min: 0 lets the plan leave it out" for a late clinical
    rotation kept for its value beside an accepted clinical offer that meets the minimum."""
    req = {"radiology": {"min": 1}, "clinical": {"min": 1, "max": 2}, "tier_mix": False}
    rows = [rad("r"), clin("c", starts="2027-09-13"), clin("d", starts="2027-10-11")]
    student = {**BASE["student"], "us_clinical_weeks": 8}
    locked = make(rows, requirements=req, student=student,
                  locks=[{"program": "d", "start": "2027-10-11"}])  # fmt: skip
    payload = plan_scenario(locked, SolveOptions(workers=1)).payload
    assert {r["program_id"] for r in payload["rotations"]} == {"r", "c", "d"}
    text = " ".join(payload["warnings"])
    assert "no U.S. clinical letter will be ready by ERAS" in text
    assert "clinical.min: 0" not in text
