"""Gaps a mutation review left open in the applications calendar (`apply --format ics`),
the plan calendar, the diagnosis of "no program of a kind", the earliest-schedule tie
rule, the CSV renderers of `apply` and the document steps of the timeline. Each test
names the mutant it kills; each passes on the code and fails on that mutant."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from rotation_solver.cli import cli
from rotation_solver.planner import plan_scenario
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions
from rotation_solver.timeline import build_timeline
from rotation_solver.words import join_names
from tests.conftest import SCENARIOS, program, scenario_dict
from tests.random_scenarios import write_scenario

EXAMPLE = SCENARIOS / "example" / "scenario.yaml"
ONE_WORKER = SolveOptions(workers=1, seed=0, time_limit=30)
Make = Callable[..., LoadedScenario]


def _example_copy(folder: Path, planning_date: str, offers: list[tuple[str, str]]) -> Path:
    """The example scenario with another planning date and these offers in hand."""
    source = EXAMPLE.parent
    (folder / "programs.csv").write_text(
        (source / "programs.csv").read_text("utf-8"), encoding="utf-8"
    )
    text = (source / "scenario.yaml").read_text("utf-8")
    assert "planning_date: 2027-01-15" in text
    text = text.replace("planning_date: 2027-01-15", f"planning_date: {planning_date}")
    text += "offers:\n" + "".join(
        f"  - {{program: {pid}, start: {start}}}\n" for pid, start in offers
    )
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Event:
    uid: str
    day: date
    summary: str
    description: str


def _events(data: bytes) -> list[Event]:
    return [
        Event(str(e["UID"]), e.decoded("DTSTART"), str(e["SUMMARY"]), str(e["DESCRIPTION"]))
        for e in Calendar.from_ical(data).walk("VEVENT")
    ]


# --- the applications calendar with offers in hand ---------------------------------


@dataclass(frozen=True)
class Offers:
    loaded: LoadedScenario
    payload: dict[str, Any]
    ics: bytes

    @property
    def events(self) -> list[Event]:
        return _events(self.ics)

    @property
    def sent(self) -> list[dict[str, Any]]:
        return [a for a in self.payload["applications"] if not a["offered"]]


@pytest.fixture(scope="module")
def offers(tmp_path_factory: pytest.TempPathFactory) -> Offers:
    """The "Offers" scenario of test_cli_calendar_answers_the_offers_in_hand, with a
    second offer of rad-desert (2027-06-28): both rad-desert offers go unkept."""
    path = _example_copy(
        tmp_path_factory.mktemp("offers"),
        "2027-02-25",
        [
            ("rad-harbor", "2027-08-02"),
            ("rad-harbor", "2027-06-07"),  # two starts of one program
            ("rad-desert", "2027-10-04"),
            ("rad-desert", "2027-06-28"),
            ("rad-prairie", "2027-10-11"),
        ],
    )
    runner = CliRunner()
    args = ["apply", str(path), "--workers", "1", "--scenarios", "60", "--evaluate", "300"]
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    result = runner.invoke(cli, [*args, "--format", "ics"])
    assert result.exit_code == 0, result.output
    return Offers(load_scenario(path), payload, result.stdout_bytes)


def test_two_declined_offers_of_one_program_are_two_events(offers: Offers) -> None:
    """Kills S13 (portfolio/steps.py: a declined offer's step made with offer_start=None):
    two offers of one program to decline share program, kind and date, so only the
    offered start keeps their UIDs apart; with one UID a calendar app keeps one event
    and the student never sees the other answer to give."""
    declined = [
        o for o in offers.payload["offer_answers"]["decline"] if o["program_id"] == "rad-desert"
    ]
    assert sorted(o["start"] for o in declined) == ["2027-06-28", "2027-10-04"]
    declines = [e for e in offers.events if e.summary == "Decline the offer from rad-desert"]
    assert len(declines) == 2
    assert len({e.uid for e in declines}) == 2
    assert sorted("2027-06-28" in e.description for e in declines) == [False, True]
    uids = [e.uid for e in offers.events]
    assert len(set(uids)) == len(uids)


def test_the_deadline_event_names_the_earliest_start(offers: Offers) -> None:
    """Kills S3 (portfolio/steps.py: min(starts) -> max(starts)): the first deadline is
    the earliest start's; naming the last start tells the student the deadline is for a
    start it does not belong to."""
    deadlines = {e.summary: e for e in offers.events if e.summary.startswith("Deadline: ")}
    several = 0
    for a in offers.sent:
        if a["deadline"] is None:
            continue
        event = deadlines[f"Deadline: {a['program_id']}"]
        assert f"for the {min(a['starts'])} start, its earliest" in event.description
        several += len(a["starts"]) > 1
    assert several  # rad-peachleaf: 2027-06-07 (the mutant names 2027-08-30)
    peachleaf = deadlines["Deadline: rad-peachleaf"].description
    assert "for the 2027-06-07 start, its earliest" in peachleaf


def test_the_offers_to_accept_are_the_best_way_to_answer(offers: Offers) -> None:
    """Found by a season-long review: `apply`'s calendar said "accept" to every offer in
    hand its outcomes used, two of them on the same dates. Now it weighs every way to
    answer (accepted offers locked in every outcome) and keeps the best: the report's
    value is that way's, and the calendar answers each offer as chosen."""
    answers = offers.payload["offer_answers"]
    accepted = {(o["program_id"], o["start"]) for o in answers["accept"]}
    declined = {(o["program_id"], o["start"]) for o in answers["decline"]}
    assert accepted.isdisjoint(declined)
    assert accepted | declined == {(o.program, o.start.isoformat()) for o in offers.loaded.offers}
    assert len({pid for pid, _ in accepted}) == len(accepted)
    assert answers["expected_value"] == pytest.approx(offers.payload["expected_value"])
    # 3 x 3 x 2 ways (none or one of each program's offers), every one accounted for.
    assert len(answers["ways"]) == 18
    searched = [w["expected_value"] for w in answers["ways"] if w["outcome"] == "searched"]
    assert searched and max(searched) <= answers["expected_value"] + 1e-9
    locks = {(x["program_id"], x["start"]) for x in offers.payload["locks"]}
    assert accepted <= locks
    verbs = {
        (e.summary.split(" from ")[0], e.summary.rsplit(" ", 1)[1], e.day) for e in offers.events
    }
    today = offers.loaded.scenario.planning_date
    for pid, _start in accepted:
        assert ("Accept the offer", pid, today) in verbs
    for pid, _start in declined:
        assert ("Decline the offer", pid, today) in verbs


def test_the_applications_eras_event_names_no_rotation(offers: Offers) -> None:
    """Kills S7 (portfolio/steps.py: the ERAS step given the sent programs): before any
    offer comes, no rotation is known to be done by ERAS; naming the applications would
    tell the student to list rotations that may never happen."""
    (eras,) = [e for e in offers.events if e.summary == "Submit ERAS"]
    assert eras.day == offers.loaded.scenario.eras_submission
    assert "rotations done" not in eras.description
    assert not any(a["program_id"] in eras.description for a in offers.payload["applications"])
    assert eras.description.startswith("Submit the ERAS application;")


def test_the_applications_calendar_is_named_applications(offers: Offers) -> None:
    """Kills C14 (calendar_export.py: applications_ics without title="Applications"): a
    student who imports both calendars tells the applications from the plan's away
    rotations by the calendar's name."""
    calendar = Calendar.from_ical(offers.ics)
    name = str(calendar["X-WR-CALNAME"])
    # An X- property reads back as written, escaped: "," is "\\," in the file.
    assert name == f"Applications: {offers.payload['scenario']}".replace(",", "\\,")
    assert not name.startswith("Away rotations")


def test_a_document_names_the_applications_in_their_order(offers: Offers) -> None:
    """Kills L10 (timeline.py document_steps: the "needed for" list sorted by id): the
    programs a document is needed for come in the order the program ids were given,
    which for `apply` is the order of its applications (for `solve`, of the plan's
    rotations), so the list reads as the report does."""
    ready = {
        e.summary.removeprefix("Ready: "): e
        for e in offers.events
        if e.summary.startswith("Ready: ")
    }
    assert ready
    reordered = 0
    for name, event in ready.items():
        needed = [
            a["program_id"]
            for a in offers.sent
            if name in offers.loaded.program(a["program_id"]).requires
        ]
        assert f"(needed for {join_names(needed)})" in event.description
        reordered += needed != sorted(needed)
    assert reordered  # em-saguaro is sent last, so an alphabetical list differs


# --- the plan calendar: offers in hand and accepted offers -------------------------


def test_the_plan_calendar_tells_an_offer_in_hand_from_an_accepted_one(tmp_path: Path) -> None:
    """Kills C8 (calendar_export.py: `rotation.get("locked")` -> `.get("offered")`): an
    offer in hand is still to be answered ("Offer in hand: ..."), a locked one is
    accepted already ("Accepted offer"); the mutant calls the open offer accepted, so
    the student may never answer it, and says nothing of the locked one."""
    path = _example_copy(tmp_path, "2027-05-20", [("rad-harbor", "2027-08-02")])
    args = ["solve", str(path), "--workers", "1", "--seed", "0"]
    args += ["--lock", "rad-lakeshore@2027-06-07", "--format", "ics"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    by_id = {
        e.description.splitlines()[0].removeprefix("Program: "): e
        for e in _events(result.stdout_bytes)
        if e.summary.startswith("Rotation: ")
    }
    harbor, lakeshore = by_id["rad-harbor"].description, by_id["rad-lakeshore"].description
    # Other rotations are still to apply for: `apply` answers the offer (found by review).
    assert "Offer in hand: this plan takes it" in harbor and "Accepted offer" not in harbor
    assert "Accepted offer" in lakeshore and "Offer in hand" not in lakeshore
    others = [
        e.description for pid, e in by_id.items() if pid not in ("rad-harbor", "rad-lakeshore")
    ]
    assert others
    for description in others:
        assert "Offer in hand" not in description and "Accepted offer" not in description
        # Found by review: a rotation still to apply for read as firm.
        assert "Not offered yet: this rotation happens only if" in description


# --- diagnosis: no program of a kind fits --------------------------------------------


ONE_RADIOLOGY = {
    "radiology": {"min": 1, "max": 1},
    "clinical": {"min": 0, "max": 1},
    "tier_mix": False,
}


def test_a_program_is_counted_by_the_rule_its_furthest_start_failed(make: Make) -> None:
    """Kills D2 (diagnose.py _why_none: `>` -> `<`, the nearest reason kept): a start
    before the window and one past the deadline; the window could be widened to no
    avail, so the rule to name is the deadline, the one the program got furthest to."""
    row = program(
        "a",
        starts="2027-05-03;2027-08-02",  # before the window; after it opens, past deadline
        application_deadline="2027-01-01",
        weeks=1,
    )
    outcome = plan_scenario(make([row], requirements=ONE_RADIOLOGY), ONE_WORKER)
    assert outcome.conflict is not None
    why = str(outcome.payload["why"])
    assert "; of the 1 radiology program, 1 past their deadlines;" in why
    assert "outside the window" not in why


def test_no_program_of_the_kind_at_all_counts_nothing(make: Make) -> None:
    """Kills D8 (diagnose.py _why_none: `if not furthest` -> `if False`): with no
    radiology program in the catalog there is nothing to count; the mutant writes
    "of the 0 radiology programs, ;", a sentence with a hole in it."""
    row = program("a", specialty="internal_medicine", starts="2028-01-03", weeks=1)
    outcome = plan_scenario(make([row], requirements=ONE_RADIOLOGY), ONE_WORKER)
    assert outcome.conflict is not None
    why = str(outcome.payload["why"])
    assert "of the 0" not in why and ", ;" not in why
    assert (
        "fits the window, the deadlines and the other fixed rules at all; `rotation-solver" in why
    )


# --- ties: the earliest schedule --------------------------------------------------


def test_among_equal_sum_schedules_the_lowest_id_starts_first(make: Make) -> None:
    """Kills T15 (ties.py earliest_schedule: sorted(programs)[:-1] -> [1:]): two
    identical programs and two starts give two schedules of one sum; the rule settles
    the programs by id in turn, so `a` gets the earlier start. The mutant settles `b`
    first and swaps them, so the same scenario's plan would differ from the documented
    tie rule (and from `compare` and `frontier`)."""
    rows = [
        program(pid, starts="2027-06-07;2027-07-05", weeks=4, housing_per_week=100, travel=100)
        for pid in ("a", "b")
    ]
    req = {"radiology": {"min": 2, "max": 2}, "clinical": {"min": 0, "max": 1}, "tier_mix": False}
    outcome = plan_scenario(make(rows, requirements=req), ONE_WORKER)
    starts = {r["program_id"]: r["start"] for r in outcome.payload["rotations"]}
    assert starts == {"a": "2027-06-07", "b": "2027-07-05"}


# --- the timeline: documents ready on one day ---------------------------------------


def test_documents_ready_on_one_day_are_listed_by_name(make: Make) -> None:
    """Kills L4 (timeline.py document_steps: the name dropped from the sort key):
    documents ready on the same day come in name order, not in the order one program's
    `requires` happens to list them, so the list is the same whatever the catalog."""
    row = program("r0", weeks=1, requires="b_doc;a_doc")
    documents = {"transcript": "2027-01-10", "a_doc": "2027-01-10", "b_doc": "2027-01-10"}
    loaded = make([row], documents=documents, requirements=ONE_RADIOLOGY)
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert [r["program_id"] for r in outcome.payload["rotations"]] == ["r0"]
    steps = build_timeline(loaded, outcome.payload)
    assert [s.document for s in steps if s.kind == "document"] == ["a_doc", "b_doc"]


# --- apply as CSV: the values as the JSON has them -----------------------------------


def _tiny_apply(folder: Path) -> Path:
    """Three radiology programs with uneven chances of an offer: the chances in the
    report have four significant decimals, and one program has two planned starts."""
    rows = [
        program(
            "a", starts="2027-06-07;2027-07-05;2027-08-02", acceptance=0.37, fee=10, interest=3
        ),
        program("b", starts="2027-06-07;2027-08-02", acceptance=0.61, fee=20, letter=8),
        program("c", starts="2027-07-05", acceptance=0.53, fee=30, audition=9),
    ]
    req = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0, "max": 1}, "tier_mix": False}
    return write_scenario(folder, scenario_dict(rows, requirements=req))


def _two_formats(args: list[str]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    runner = CliRunner()
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    result = runner.invoke(cli, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return payload, list(csv.DictReader(io.StringIO(result.stdout)))


def test_the_applications_csv_keeps_plan_starts_and_chances(tmp_path: Path) -> None:
    """Kills V5 (portfolio/render.py: plan_starts joined by "," not ";") and V6
    (p_taken_if_offered rounded to 2 decimals, not 4): the spreadsheet must read back
    as the JSON: dates split on ";" as in a catalog, chances to 4 decimals."""
    args = ["apply", str(_tiny_apply(tmp_path)), "--workers", "1", "--seed", "0"]
    payload, table = _two_formats(args)
    applications = payload["applications"]
    assert [r["program_id"] for r in table] == [a["program_id"] for a in applications]
    assert any(len(a["plan_starts"]) > 1 for a in applications)
    assert any(
        abs(round(a["p_taken_if_offered"], 2) - a["p_taken_if_offered"]) > 1e-3
        for a in applications
    )
    for row, a in zip(table, applications, strict=True):
        assert row["plan_starts"].split(";") == a["plan_starts"]
        assert float(row["p_taken_if_offered"]) == pytest.approx(a["p_taken_if_offered"], abs=5e-5)


def test_the_budgets_csv_keeps_the_chance_of_no_plan_and_rounds_value_per_1000(
    tmp_path: Path,
) -> None:
    """Kills V8 (portfolio/budgets.py: no_plan rounded to 2 decimals, not 4) and V11
    (value_per_1000 left unrounded): the chance of no plan to 4 decimals (0.1155, not
    0.12), the value per $1,000 to 2 as the docstring says."""
    path = _tiny_apply(tmp_path)
    args = ["apply", str(path), "--workers", "1", "--seed", "0", "--budgets", "1050,2100"]
    payload, table = _two_formats(args)
    rows = payload["rows"]
    assert [int(r["budget"]) for r in table] == [row["budget"] for row in rows] == [1050, 2100]
    assert any(abs(round(row["no_plan"], 2) - row["no_plan"]) > 1e-3 for row in rows)
    assert rows[-1]["value_per_1000"] is not None
    for cells, row in zip(table, rows, strict=True):
        assert float(cells["no_plan"]) == pytest.approx(row["no_plan"], abs=5e-5)
        if row["value_per_1000"] is None:
            assert cells["value_per_1000"] == ""
            continue
        assert float(cells["value_per_1000"]) == pytest.approx(row["value_per_1000"], abs=5e-3)
        assert len(cells["value_per_1000"].partition(".")[2]) <= 2
