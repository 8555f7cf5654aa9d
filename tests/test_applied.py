"""Applications already sent and not yet answered (scenario extension `applied`).

An application that went out keeps its program's acceptance (the answer is still to
come) but has nothing left to apply for: no deadline or document date can rule it out
any more, and only the starts it lists can be planned. `apply` keeps it in every
portfolio, since its fee is paid.

The oracles here write the same scenario without `applied`: each sent program's row
edited by hand (its deadlines and documents removed, its starts cut to the listed ones,
its opening no later than the planning date), then planned by the exhaustive planner.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import itertools
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from rotation_solver.checker import check_plan
from rotation_solver.cli import cli
from rotation_solver.errors import InputError
from rotation_solver.plan_json import plan_payload
from rotation_solver.planner import plan_scenario
from rotation_solver.portfolio import (
    Evaluator,
    build_portfolio_problem,
    plan_portfolio,
    search,
)
from rotation_solver.portfolio.naive import naive_portfolio
from rotation_solver.portfolio.outcomes import sample_offers
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions, solve_problem
from tests.brute_force import best_plans
from tests.conftest import program, scenario_dict
from tests.random_scenarios import random_scenario, write_scenario
from tests.test_portfolio import brute_expected, tiny_programs

ONE = SolveOptions(workers=1, time_limit=20)


def _sent_by_hand(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario with each `applied` entry written into its catalog row instead."""
    plain = copy.deepcopy(data)
    applied = plain.pop("applied")
    rows = {row["id"]: row for row in plain["programs"]}
    listed: dict[str, set[str]] = {}
    for entry in applied:
        row = rows[entry["program"]]
        listed.setdefault(entry["program"], set()).update(
            entry.get("starts") or row["starts"].split(";")
        )
    for pid, starts in listed.items():
        _nothing_to_apply_for(plain, rows[pid], starts)
    return plain


def _nothing_to_apply_for(plain: dict[str, Any], row: dict[str, Any], starts: set[str]) -> None:
    """A row once its application is sent: only `starts`, no deadline or document, open
    by the planning date, and its fee paid whatever the plan (off the budget, not in the
    rotation's cost)."""
    row["starts"] = ";".join(sorted(starts))
    for key in ("application_deadline", "deadline_weeks_before_start", "requires"):
        row.pop(key, None)
    row["application_opens"] = min(row["application_opens"], plain["planning_date"])
    plain["budget"] -= int(row.get("fee") or 0)
    row["fee"] = 0


def _solve(loaded: LoadedScenario) -> dict[str, Any]:
    problem = build_problem(loaded)
    return plan_payload(loaded, problem, solve_problem(problem, ONE))


# -- solve -------------------------------------------------------------------------------


def test_a_sent_application_is_planned_after_its_deadline_at_its_chance(make) -> None:
    rows = [
        program("rad-sent", application_deadline="2027-01-10", acceptance=0.5, letter=9),
        program("rad-late", application_deadline="2027-01-10", acceptance=1, letter=9),
    ]
    loaded = make(rows, applied=[{"program": "rad-sent"}])
    payload = _solve(loaded)
    (rotation,) = payload["rotations"]
    assert rotation["program_id"] == "rad-sent"  # rad-late: past its deadline, never sent
    assert rotation["applied"] and not rotation["offered"] and not rotation["locked"]
    # Acceptance stays (a lock would count 1): 0.5 * (10*9 + 12*5*5/5) = 75.
    assert rotation["value"] == 75 and payload["objective"] == 75
    assert check_plan(loaded, payload).violations == ()
    without = make(rows)
    assert _solve(without)["rotations"] == []


def test_only_the_listed_starts_can_be_planned(make) -> None:
    rows = [program("rad-a", starts="2027-06-07;2027-08-02", application_deadline="2027-01-01")]
    loaded = make(rows, applied=[{"program": "rad-a", "starts": ["2027-08-02"]}])
    assert [r["start"] for r in _solve(loaded)["rotations"]] == ["2027-08-02"]
    # The unnamed start stays in the catalog, ruled out with its reason (found by review:
    # it vanished, and `check --score` said the program did not offer it).
    problem = build_problem(loaded)
    (unnamed,) = [d for d in problem.expansion.dropped if d.program_id == "rad-a"]
    assert unnamed.start == _day("2027-06-07")
    assert unnamed.reason == "not named in the application sent"
    hand = {"rotations": [{"program_id": "rad-a", "start": "2027-06-07"}]}
    from rotation_solver.checker import check_plan as check

    violations = check(loaded, hand, score=True).violations
    assert [v.rule for v in violations] == ["applied"]
    assert "the application sent to rad-a names 2027-08-02, not 2027-06-07" in violations[0].message


def test_a_start_on_a_blocked_period_is_not_told_to_be_named(make) -> None:
    """Found by a season review: "add this one to its `starts`" for a start that touches
    a blocked period, where naming it would never help."""
    rows = [program("rad-a", starts="2027-06-07;2027-07-05;2027-08-02")]
    calendar = {
        "window": {"start": "2027-06-01", "end": "2027-12-17"},
        "blocked": [{"start": "2027-07-12", "end": "2027-07-25", "reason": "exam"}],
    }
    loaded = make(rows, calendar=calendar, applied=[{"program": "rad-a", "starts": ["2027-06-07"]}])
    dropped = {
        d.start.isoformat(): (d.reason, d.detail)
        for d in build_problem(loaded).expansion.dropped
        if d.program_id == "rad-a"
    }
    assert set(dropped) == {"2027-07-05", "2027-08-02"}
    # Still "not named": freeing the blocked period alone would open nothing (found by
    # review: the diagnosis blamed the blocked period), but naming it is not advised.
    assert {reason for reason, _ in dropped.values()} == {"not named in the application sent"}
    assert "add this one to its `starts`" in dropped["2027-08-02"][1]
    assert dropped["2027-07-05"][1] == (
        "the application sent names other starts; it also touches blocked "
        "2027-07-12..2027-07-25 (exam), so naming it would not help"
    )
    # With the named start outside the window, no plan: the diagnosis does not blame the
    # blocked period, whose freeing would open nothing (found by review).
    late = make(
        [program("rad-a", starts="2027-05-03;2027-07-12")],
        calendar=calendar,
        applied=[{"program": "rad-a", "starts": ["2027-05-03"]}],
    )
    outcome = plan_scenario(late, ONE)
    assert outcome.result.status == "infeasible"
    assert (
        "blocked" not in outcome.payload["why"] and "outside the window" in outcome.payload["why"]
    )


def _day(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(text)


@pytest.mark.parametrize("seed", range(40))
def test_random_sent_applications_agree_with_rows_edited_by_hand(tmp_path: Path, seed: int) -> None:
    rng = random.Random(8100 + seed)
    data = random_scenario(rng)
    taken = {lock["program"] for lock in data.get("locks", [])} | set(data.get("exclude", []))
    free = [row for row in data["programs"] if row["id"] not in taken]
    applied = []
    for row in rng.sample(free, min(len(free), rng.randint(1, 3))):
        starts = row["starts"].split(";")
        entry: dict[str, Any] = {"program": row["id"]}
        if rng.random() < 0.5:
            entry["starts"] = sorted(rng.sample(starts, rng.randint(1, len(starts))))
        applied.append(entry)
    left = [row for row in free if row["id"] not in {e["program"] for e in applied}]
    if left and rng.random() < 0.5:  # an application refused: applied and excluded
        refused = rng.choice(left)["id"]
        applied.append({"program": refused})
        data["exclude"] = [*data.get("exclude", []), refused]
    data["applied"] = applied
    paid = {entry["program"] for entry in applied}
    payload = _agrees_with_rows_by_hand(tmp_path, data, _sent_by_hand(data), paid)
    if payload["objective"] is not None:
        sent = paid - set(data.get("exclude", []))
        assert all(r["applied"] == (r["program_id"] in sent) for r in payload["rotations"])


def _agrees_with_rows_by_hand(
    tmp_path: Path, data: dict[str, Any], by_hand: dict[str, Any], paid: set[str]
) -> dict[str, Any]:
    """`solve` on `data` equals the exhaustive planner on `by_hand`; its plan passes the
    checker, and its total holds every fee of the `paid` programs, whatever it takes."""
    loaded = load_scenario(write_scenario(tmp_path, data))
    expected = best_plans(load_scenario(write_scenario(tmp_path, by_hand, "by_hand.yaml")))
    if (data.get("requirements") or {}).get("apply_by_start"):
        # A row edited by hand is an application still to send, which apply_by_start
        # limits; a sent one it does not: the exhaustive planner reads `applied` itself.
        expected = best_plans(loaded)
    payload = _solve(loaded)
    assert payload["objective"] == expected.objective
    if expected.objective is not None:
        assert check_plan(loaded, payload).violations == ()
        fees = sum(int(row.get("fee") or 0) for row in data["programs"] if row["id"] in paid)
        costs = sum(r["cost"] for r in payload["rotations"])
        assert payload["total_cost"] == costs + fees <= data["budget"]
    return payload


def test_the_fee_of_a_sent_application_counts_whatever_the_plan(tmp_path: Path) -> None:
    rows = [
        program("rad-a", fee=70, letter=9),  # $1,070 with its fee
        program("rad-b", fee=30, letter=1, starts="2027-08-02"),  # $1,000; $30 paid
    ]
    for budget, taken in ((1100, "rad-a"), (1099, "rad-b")):
        data = scenario_dict(rows, budget=budget, applied=[{"program": "rad-b"}])
        path = write_scenario(tmp_path, data)
        runner = CliRunner()
        result = runner.invoke(cli, ["solve", str(path), "--workers", "1", "--format", "json"])
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        assert [r["program_id"] for r in payload["rotations"]] == [taken]
        cost = {"rad-a": 1070, "rad-b": 1000}[taken]
        assert payload["total_cost"] == cost + 30 and payload["paid_fees"] == 30
    table = runner.invoke(cli, ["solve", str(path), "--workers", "1"])
    assert "$1,030 of $1,099 ($69 left); includes $30 of fees already paid" in table.stdout


# -- the scenario file -------------------------------------------------------------------


def _problems(make: Callable[..., LoadedScenario], rows: list[dict[str, Any]], **changes: Any):  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as raised:
        make(rows, **changes)
    return [str(problem) for problem in raised.value.problems]


def test_an_unknown_program_or_start_is_an_input_error_at_its_line(make) -> None:
    rows = [program("rad-a", starts="2027-06-07;2027-08-02")]
    (unknown,) = _problems(make, rows, applied=[{"program": "rad-b"}])
    assert "applied" in unknown and "unknown program id 'rad-b'" in unknown
    (start,) = _problems(make, rows, applied=[{"program": "rad-a", "starts": ["2027-07-05"]}])
    assert "does not offer a start on 2027-07-05; it offers 2027-06-07, 2027-08-02" in start
    assert "add it to the program's starts" not in start  # the student chose from the list
    assert re.search(r"\.yaml:\d+:\d+: applied\[0\]\.starts\[0\]: ", start)
    (empty,) = _problems(make, rows, applied=[{"program": "rad-a", "starts": []}])
    assert "lists no start" in empty


def test_an_application_refused_keeps_its_fee_and_is_never_planned(make) -> None:
    rows = [program("rad-a", fee=300, letter=9), program("rad-b", fee=20, starts="2027-08-02")]
    refused = make(rows, budget=1400, applied=[{"program": "rad-a"}], exclude=["rad-a"])
    assert refused.applied == () and refused.refused == ("rad-a",)
    assert refused.paid_fees == 300
    payload = _solve(refused)
    # rad-b costs $1,020 with its fee; with rad-a's $300 paid, $1,320 of $1,400.
    assert [r["program_id"] for r in payload["rotations"]] == ["rad-b"]
    assert payload["total_cost"] == 1320 and payload["paid_fees"] == 300
    assert check_plan(refused, payload).violations == ()
    # $1,300 cannot pay for both.
    tight = make(rows, budget=1300, applied=[{"program": "rad-a"}], exclude=["rad-a"])
    assert _solve(tight)["status"] == "infeasible"


def test_an_unknown_key_in_an_application_is_an_input_error(make) -> None:
    (typo,) = _problems(make, [program("rad-a")], applied=[{"program": "rad-a", "start": "x"}])
    assert "start" in typo


def test_an_answered_application_is_left_out_with_a_note(make) -> None:
    rows = [program("rad-a"), program("rad-b", starts="2027-08-02")]
    loaded = make(
        rows,
        applied=[{"program": "rad-a"}, {"program": "rad-b"}, {"program": "rad-b"}],
        locks=[{"program": "rad-a", "start": "2027-06-07"}],
        offers=[],
    )
    assert [a.program for a in loaded.applied] == ["rad-b"]  # written twice: once
    assert any("rad-a is locked (accepted), so its application is" in w for w in loaded.warnings)
    offered = make(
        rows, applied=[{"program": "rad-b"}], offers=[{"program": "rad-b", "start": "2027-08-02"}]
    )
    assert offered.applied == ()
    assert any("rad-b has made an offer" in w for w in offered.warnings)


def test_an_application_to_a_program_closed_to_imgs_gets_a_note(make) -> None:
    loaded = make([program("rad-a", accepts_img=False)], applied=[{"program": "rad-a"}])
    assert any("cannot lead to a rotation" in w for w in loaded.warnings)
    assert _solve(loaded)["rotations"] == []


# -- apply -------------------------------------------------------------------------------


def _apply_oracle(tmp_path: Path, data: dict[str, Any], cap: int) -> float:
    """The best expected value over every portfolio of at most `cap` that holds every
    sent application, on the scenario with the rows edited by hand."""
    sent = {entry["program"] for entry in data["applied"]}
    path = write_scenario(tmp_path, _sent_by_hand(data), "oracle.yaml")
    problem = build_portfolio_problem(load_scenario(path))
    ids = [c.program_id for c in problem.candidates]
    held = tuple(i for i, pid in enumerate(ids) if pid in sent)
    free = [i for i in range(len(ids)) if i not in held]
    return max(
        brute_expected(problem, tuple(sorted(held + more)))
        for size in range(cap - len(held) + 1)
        for more in itertools.combinations(free, size)
    )


@pytest.mark.parametrize(
    ("sent", "budget", "cap"),
    [
        (["rad-c"], 5200, 3),
        (["rad-a", "em-b"], 5200, 3),
        (["rad-d"], 3000, 4),
        (["rad-b", "im-a"], 2600, 2),
    ],
)
def test_apply_keeps_the_sent_applications_and_is_exact(
    tmp_path: Path, sent: list[str], budget: int, cap: int
) -> None:
    data = scenario_dict(
        tiny_programs([0.5, 0.6, 0.8, 0.4, 0.7, 0.9]),
        budget=budget,
        requirements={"radiology": {"min": 1, "max": 2}, "clinical": {"min": 1, "max": 1}},
        planning_date="2027-03-01",  # after some deadlines: sent ones are still planned
        applied=[{"program": pid} for pid in sent],
    )
    for row in data["programs"]:
        row["application_deadline"] = "2027-02-15" if row["id"] in sent else "2027-04-01"
    loaded = load_scenario(write_scenario(tmp_path, data))
    payload = plan_portfolio(
        loaded, max_applications=cap, scenarios=20, evaluate_outcomes=20, bound=False, options=ONE
    ).payload
    chosen = {a["program_id"]: a for a in payload["applications"]}
    assert set(sent) <= set(chosen)
    assert all(chosen[pid]["sent"] == (pid in sent) for pid in chosen)
    assert payload["status"] == "optimal"
    assert payload["expected_value"] == pytest.approx(_apply_oracle(tmp_path, data, cap))
    # The naive strategies keep them too.
    for strategy in payload["evaluation"]["strategies"]:
        assert set(sent) <= set(strategy["programs"])


def test_more_sent_applications_than_the_limit_are_all_kept(tmp_path: Path) -> None:
    sent = ["rad-a", "rad-b", "im-a"]
    data = scenario_dict(
        tiny_programs(),
        budget=5200,
        requirements={"radiology": {"min": 1, "max": 2}, "clinical": {"min": 1, "max": 1}},
        applied=[{"program": pid} for pid in sent],
    )
    loaded = load_scenario(write_scenario(tmp_path, data))
    payload = plan_portfolio(
        loaded, max_applications=2, scenarios=20, evaluate_outcomes=20, bound=False, options=ONE
    ).payload
    assert sorted(a["program_id"] for a in payload["applications"]) == sorted(sent)
    assert payload["max_applications"] == 3
    assert any(
        "3 applications already sent, more than max_applications 2" in w
        for w in payload["warnings"]
    )


def test_the_sampled_search_and_the_naive_strategies_never_drop_a_sent_application(
    tmp_path: Path,
) -> None:
    rng = random.Random(5)
    rows = [
        program(
            f"rad-{k}",
            starts=f"2027-0{6 + k % 4}-0{1 + k % 7}",
            letter=rng.randint(1, 10),
            acceptance=0.5,
            tier=rng.choice(["reach", "target", "safety"]),
        )
        for k in range(16)
    ]
    data = scenario_dict(rows, budget=20000, applied=[{"program": "rad-3"}, {"program": "rad-11"}])
    loaded = load_scenario(write_scenario(tmp_path, data))
    problem = build_portfolio_problem(loaded)
    held = set(problem.sent)
    assert {problem.candidates[i].program_id for i in held} == {"rad-3", "rad-11"}
    found = search(
        problem,
        Evaluator(problem, sample_offers(problem, 30, 0, stream=0)),
        5,
        seed=(),
        time_limit=20,
        restarts=2,
    )
    assert held <= set(found.portfolio) and len(found.portfolio) <= 5
    for by in ("value", "letter"):
        picked = naive_portfolio(problem, 5, by)
        assert held <= set(picked) and len(picked) == 5


# -- the CLI -----------------------------------------------------------------------------


def test_apply_says_which_applications_its_cap_counts(tmp_path: Path) -> None:
    """Unanswered ones count toward max_applications; refused ones and offers in hand
    are answered and do not, and the summary says both (three reviews asked)."""
    rows = [
        program("rad-a", letter=9, application_deadline="2027-01-12"),
        program("rad-refused", letter=9, starts="2027-06-21"),
        program("rad-offer", letter=5, starts="2027-07-05"),
        program("rad-c", letter=6, starts="2027-08-02"),
        program("im-b", specialty="internal_medicine", starts="2027-08-16", letter=7),
    ]
    data = scenario_dict(
        rows,
        requirements={"radiology": {"min": 1, "max": 3}, "clinical": {"min": 1, "max": 1}},
        applied=[{"program": "rad-a"}, {"program": "rad-refused"}],
        exclude=["rad-refused"],
        offers=[{"program": "rad-offer", "start": "2027-07-05"}],
    )
    path = str(write_scenario(tmp_path, data))
    runner = CliRunner()
    args = ["apply", path, "--workers", "1", "--evaluate", "50", "--max-applications", "3"]
    payload = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    assert payload["not_counted"] == {
        "offers_in_hand": ["rad-offer@2027-07-05"],
        "refused": ["rad-refused"],
        "accepted": [],
    }
    assert len(payload["applications"]) <= 3
    table = runner.invoke(cli, args, terminal_width=200)
    assert table.exit_code == 0, table.output
    assert (
        "(1 sent, still unanswered; not counted: 1 offer in hand, 1 closed (refused, "
        "declined or withdrawn))" in table.stdout
    )
    md = runner.invoke(cli, [*args, "--format", "markdown"]).stdout
    assert (
        "(1 application sent, still unanswered; not counted: 1 offer in hand, 1 closed "
        "(refused, declined or withdrawn))" in md
    )


def test_the_cli_shows_a_sent_application_with_nothing_to_send(tmp_path: Path) -> None:
    rows = [
        program("rad-a", letter=9, application_deadline="2027-01-12"),
        program("im-b", specialty="internal_medicine", starts="2027-08-02", letter=7),
    ]
    data = scenario_dict(
        rows,
        requirements={"radiology": {"min": 1, "max": 1}, "clinical": {"min": 1, "max": 1}},
        applied=[{"program": "rad-a"}],
    )
    path = str(write_scenario(tmp_path, data))
    runner = CliRunner()
    table = runner.invoke(cli, ["solve", path, "--workers", "1"], terminal_width=140)
    assert table.exit_code == 0, table.output
    assert "application sent, answer to come" in table.stdout
    line = next(x for x in table.stdout.splitlines() if "rad-a" in x)
    assert "sent" in line and "2027-01-12" not in line
    csv_text = runner.invoke(cli, ["solve", path, "--workers", "1", "--format", "csv"]).stdout
    row = next(r for r in csv.DictReader(io.StringIO(csv_text)) if r["program_id"] == "rad-a")
    assert row["applied"] == "true"
    assert row["submit_on"] == "" and row["deadline"] == ""
    timeline = runner.invoke(cli, ["timeline", path, "--workers", "1", "--format", "json"])
    steps = json.loads(timeline.stdout)
    assert not [
        s for s in steps if s["program_id"] == "rad-a" and s["kind"] in ("submit", "deadline")
    ]
    assert [s for s in steps if s["program_id"] == "im-b" and s["kind"] == "submit"]
    applied = runner.invoke(
        cli,
        ["apply", path, "--workers", "1", "--format", "json", "--evaluate", "50"],
    )
    assert applied.exit_code == 0, applied.output
    apps = {a["program_id"]: a for a in json.loads(applied.stdout)["applications"]}
    assert apps["rad-a"]["sent"] and not apps["im-b"]["sent"]
    table = runner.invoke(cli, ["apply", path, "--workers", "1", "--evaluate", "50"])
    assert "(1 sent, still unanswered)" in table.stdout
    row = next(x for x in table.stdout.splitlines() if x.lstrip().startswith("rad-a"))
    assert " sent " in row
    md = runner.invoke(
        cli, ["apply", path, "--workers", "1", "--evaluate", "50", "--format", "markdown"]
    )
    assert "(1 application sent, still unanswered)" in md.stdout
    ics = runner.invoke(
        cli, ["apply", path, "--workers", "1", "--format", "ics", "--evaluate", "50"]
    )
    assert ics.exit_code == 0, ics.output
    assert "Apply to rad-a" not in ics.stdout and "Apply to im-b" in ics.stdout


def test_an_exclude_on_the_command_line_refuses_a_sent_application(tmp_path: Path) -> None:
    rows = [program("rad-a", fee=300), program("rad-b")]
    data = scenario_dict(rows, applied=[{"program": "rad-a"}])
    path = str(write_scenario(tmp_path, data))
    result = CliRunner().invoke(
        cli, ["solve", path, "--exclude", "rad-a", "--format", "json", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [r["program_id"] for r in payload["rotations"]] == ["rad-b"]
    assert payload["paid_fees"] == 300 and payload["total_cost"] == 1000 + 300


def test_a_sent_application_no_plan_can_use_still_takes_a_slot_and_its_fee(
    tmp_path: Path,
) -> None:
    rows = tiny_programs([0.5, 0.6, 0.8, 0.4, 0.7, 0.9])
    rows[0]["accepts_img"] = False  # rad-a: the student's school is an IMG one
    rules = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 1, "max": 1}}
    data = scenario_dict(rows, budget=3000, requirements=rules, applied=[{"program": "rad-a"}])
    loaded = load_scenario(write_scenario(tmp_path, data))
    payload = plan_portfolio(
        loaded, max_applications=3, scenarios=20, evaluate_outcomes=20, bound=False, options=ONE
    ).payload
    assert payload["sent_unused"] == ["rad-a"]
    assert len(payload["applications"]) <= 2
    assert any("applications sent that no plan can use: rad-a" in w for w in payload["warnings"])
    # The report counts it too (found by review: "2 of at most 3" beside that warning).
    from rotation_solver.portfolio.render import render_portfolio_table

    console = Console(width=200, record=True)
    render_portfolio_table(payload, console)
    listed = len(payload["applications"])
    assert (
        f"{listed + 1} of at most 3 (1 sent, still unanswered, 1 of them no plan can use)"
    ) in console.export_text()
    # The oracle: rad-a left out, its fee ($100) off the budget, two applications at most.
    plain = scenario_dict(rows, budget=3000 - 100, requirements=rules, exclude=["rad-a"])
    problem = build_portfolio_problem(load_scenario(write_scenario(tmp_path, plain, "o.yaml")))
    best = max(
        brute_expected(problem, combo)
        for size in range(3)
        for combo in itertools.combinations(range(len(problem.candidates)), size)
    )
    assert payload["expected_value"] == pytest.approx(best)


def test_a_budget_that_fees_already_paid_exhaust_names_them(tmp_path: Path) -> None:
    rows = [program("rad-a", fee=500), program("rad-b", fee=0, starts="2027-08-02")]
    data = scenario_dict(rows, budget=1200, applied=[{"program": "rad-a"}], exclude=["rad-a"])
    path = str(write_scenario(tmp_path, data))
    result = CliRunner().invoke(cli, ["solve", path, "--workers", "1"])
    assert result.exit_code == 3
    said = " ".join(result.output.split())
    assert "total cost within the budget of $1,200 (fees already paid: $500)" in said
    assert "raise the budget from $1,200 to $1,500" in said


def test_the_timeline_defers_offers_to_apply_while_sent_answers_are_to_come(
    tmp_path: Path,
) -> None:
    rows = [
        program("rad-a", letter=9),
        program("rad-b", starts="2027-08-02", acceptance=0.5),
    ]
    data = scenario_dict(
        rows,
        requirements={"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0, "max": 1}},
        applied=[{"program": "rad-b"}],
        offers=[{"program": "rad-a", "start": "2027-06-07"}],
    )
    path = str(write_scenario(tmp_path, data))
    result = CliRunner().invoke(cli, ["timeline", path, "--workers", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    # It answers as `apply` does (found by review: it deferred to apply, then planned its
    # own answer), and says why.
    offer_steps = [s["text"] for s in json.loads(result.stdout) if s["kind"] == "offer"]
    assert len(offer_steps) == 1
    assert (
        "`rotation-solver apply`'s answer, which weighs every way to answer the offers "
        "against the answers still to come from applications already sent"
    ) in offer_steps[0]
    # `solve`'s own calendar still defers: its plan counts on the offers it takes.
    ics = CliRunner().invoke(cli, ["solve", path, "--workers", "1", "--format", "ics"])
    assert "check `apply` first" in ics.stdout


def test_compare_and_frontier_count_the_fees_already_paid(tmp_path: Path) -> None:
    """Found while checking the paid fees: `compare` re-solved with the budget bound
    written over the fees CP-SAT had moved into it, and planned $1,010 over budget."""
    rows = tiny_programs([0.5, 0.6, 0.8, 0.4, 0.7, 0.9])
    rules = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 1, "max": 1}}
    data = scenario_dict(
        rows,
        budget=3000,
        requirements=rules,
        applied=[{"program": "rad-b"}, {"program": "rad-a"}],
        exclude=["rad-a"],  # refused: its $100 stays paid
    )
    base = write_scenario(tmp_path, data)
    runner = CliRunner()
    budgets = [2000, 2400, 2800, 3200]
    swept = runner.invoke(
        cli, ["compare", str(base), "--budgets", ",".join(map(str, budgets)), "--workers", "1",
              "--format", "json"],
    )  # fmt: skip
    assert swept.exit_code == 0, swept.output
    rows_by_budget = {r["budget"]: r for r in json.loads(swept.stdout)["rows"]}
    for budget in budgets:
        at = write_scenario(tmp_path, {**data, "budget": budget}, f"b{budget}.yaml")
        expected = best_plans(load_scenario(at)).objective
        assert rows_by_budget[budget]["objective"] == expected, budget
        if expected is not None:
            assert rows_by_budget[budget]["total_cost"] <= budget
    front = runner.invoke(cli, ["frontier", str(base), "--workers", "1", "--format", "json"])
    assert front.exit_code == 0, front.output
    for point in json.loads(front.stdout)["points"]:
        at = write_scenario(tmp_path, {**data, "budget": point["total_cost"]}, "p.yaml")
        assert best_plans(load_scenario(at)).objective == point["objective"]
        assert point["total_cost"] >= 150  # rad-a's $100 and rad-b's $50 are in every plan


def test_check_refuses_a_wrong_paid_fees_and_validate_shows_them(tmp_path: Path) -> None:
    rows = [program("rad-a", fee=300), program("rad-b", fee=20, starts="2027-08-02")]
    data = scenario_dict(rows, applied=[{"program": "rad-a"}, {"program": "rad-b"}],
                         exclude=["rad-a"])  # fmt: skip
    loaded = load_scenario(write_scenario(tmp_path, data))
    payload = _solve(loaded)
    assert payload["paid_fees"] == 320
    assert check_plan(loaded, payload).violations == ()
    wrong = {**payload, "paid_fees": 99}
    assert [v.rule for v in check_plan(loaded, wrong).violations] == ["paid_fees"]
    short = {**payload, "total_cost": payload["total_cost"] - 320}
    (violation,) = check_plan(loaded, short).violations
    assert "(320 of it fees already paid)" in violation.message
    path = str(write_scenario(tmp_path, {**data, "budget": 300}, "low.yaml"))
    said = " ".join(CliRunner().invoke(cli, ["validate", path]).output.split())
    assert "applications refused, withdrawn or declined: rad-a" in said
    assert "fees already paid: $320 (in every plan's total cost), more than the budget $300" in said


def test_the_season_s_wording_follows_what_was_sent(tmp_path: Path) -> None:
    """From a second season review: compare and frontier name the fees already paid,
    the timeline and apply stop asking to apply or to list what was sent, and the
    loader's advice on declining an offer keeps its fee."""
    from rotation_solver.portfolio.render import NEXT_STEP, next_step
    from rotation_solver.timeline import OTHER_APPLICATIONS_NOTE, other_applications_note

    rows = [program("rad-a", fee=40), program("rad-b", fee=60, starts="2027-08-02")]
    data = scenario_dict(rows, applied=[{"program": "rad-a"}, {"program": "rad-b"}])
    path = str(write_scenario(tmp_path, data))
    runner = CliRunner()
    swept = runner.invoke(cli, ["compare", path, "--budgets", "5000", "--workers", "1"])
    # Only the kind that paid them (found by review: offers in hand named too).
    note = "Every cost includes $100 of fees already paid (applications sent), whatever"
    assert note in " ".join(swept.output.split())
    front = runner.invoke(cli, ["frontier", path, "--workers", "1", "--format", "json"])
    assert json.loads(front.stdout)["paid_fees"] == 100
    loaded = load_scenario(path)
    assert other_applications_note(loaded).startswith(
        "Only this plan's applications still to send are listed; 2 applications already made"
    )
    assert other_applications_note(make_plain(tmp_path)) == OTHER_APPLICATIONS_NOTE
    # An offer accepted (a lock) still counts as an application made (found by review).
    locked = scenario_dict(
        rows, applied=[{"program": "rad-b"}], locks=[{"program": "rad-a", "start": "2027-06-07"}]
    )
    assert "; 2 applications already made" in other_applications_note(
        load_scenario(write_scenario(tmp_path, locked, "locked.yaml"))
    )
    assert next_step({"applications": [{"sent": True}]}).startswith("When offers arrive")
    assert next_step({"applications": [{"sent": True}, {"sent": False}]}) == NEXT_STEP
    data = scenario_dict(rows, offers=[{"program": "rad-a", "start": "2027-06-07"}])
    with pytest.raises(InputError) as raised:
        load_scenario(write_scenario(tmp_path, {**data, "exclude": ["rad-a"]}, "x.yaml"))
    assert "move it from offers to applied and keep it under exclude" in str(
        raised.value.problems[0]
    )


def make_plain(tmp_path: Path) -> LoadedScenario:
    return load_scenario(write_scenario(tmp_path, scenario_dict([program("rad-a")]), "p.yaml"))


def _offered_by_hand(data: dict[str, Any]) -> dict[str, Any]:
    """`_sent_by_hand`, then each offer written into its row: only the offered starts,
    certain, open to the student, nothing to apply for, its fee paid (off the budget)."""
    plain = _sent_by_hand(data) if data.get("applied") else copy.deepcopy(data)
    offers = plain.pop("offers", [])
    rows = {row["id"]: row for row in plain["programs"]}
    starts: dict[str, list[str]] = {}
    for offer in offers:
        starts.setdefault(offer["program"], []).append(offer["start"])
    for pid, days in starts.items():
        rows[pid].update(acceptance=1, accepts_img=True)
        _nothing_to_apply_for(plain, rows[pid], set(days))
    return plain


@pytest.mark.parametrize("seed", range(30))
def test_random_offers_sent_and_refused_applications_agree_with_rows_edited_by_hand(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(9300 + seed)
    data = random_scenario(rng)
    taken = {lock["program"] for lock in data.get("locks", [])} | set(data.get("exclude", []))
    free = [row for row in data["programs"] if row["id"] not in taken]
    rng.shuffle(free)
    offered, sent, refused = free[:1], free[1:3], free[3:4]
    data["offers"] = [
        {"program": row["id"], "start": rng.choice(row["starts"].split(";"))} for row in offered
    ]
    data["applied"] = [{"program": row["id"]} for row in sent + refused]
    data["exclude"] = [*data.get("exclude", []), *(row["id"] for row in refused)]
    paid = {row["id"] for row in offered + sent + refused}
    _agrees_with_rows_by_hand(tmp_path, data, _offered_by_hand(data), paid)


def test_frontier_stops_instead_of_looping_on_a_plan_dearer_than_its_budget(
    make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: with the budget bound wrong, each step found the same plan above
    its budget and the frontier never ended. It now stops with the checker's error."""
    from rotation_solver.verify import PlanRejected
    from rotation_solver.whatif import value_cost_frontier
    from rotation_solver.whatif.reuse import ReusedModel

    loaded = make([program("rad-a"), program("rad-b", starts="2027-08-02", letter=9)])
    real = ReusedModel.best_plan

    def dearer(self: ReusedModel, budget: int, **kwargs: Any) -> Any:
        result, values = real(self, budget, **kwargs)
        if result.has_plan:
            result = dataclasses.replace(result, total_cost=budget + 1)
        return result, values

    monkeypatch.setattr(ReusedModel, "best_plan", dearer)
    with pytest.raises(PlanRejected, match="a plan costing"):
        value_cost_frontier.frontier(loaded, ONE)


def test_validate_says_an_offered_program_counts_only_its_offered_starts(
    tmp_path: Path,
) -> None:
    rows = [program("rad-a", starts="2027-06-07;2027-07-05;2027-08-02"), program("rad-b")]
    offers = [{"program": "rad-a", "start": "2027-07-05"}]
    said = " ".join(
        CliRunner()
        .invoke(
            cli, ["validate", str(write_scenario(tmp_path, scenario_dict(rows, offers=offers)))]
        )
        .output.split()
    )
    assert (
        "2 (program, start) pairs in the catalog (an offered program counts only its "
        "offered starts)" in said
    )
    plain = write_scenario(tmp_path, scenario_dict(rows), "plain.yaml")
    said = " ".join(CliRunner().invoke(cli, ["validate", str(plain)]).output.split())
    assert "4 (program, start) pairs in the catalog" in said and "offered program" not in said


def test_the_timeline_names_a_sent_application_the_plan_does_not_use(make) -> None:
    """From an advisor's review: the timeline never mentioned an application still to be
    answered, and the plan had put another rotation over its start."""
    from rotation_solver.timeline import build_timeline

    rows = [
        program("rad-a", starts="2027-07-26", weeks=2, letter=9, audition=9),
        program("rad-b", starts="2027-06-07", letter=8, audition=8),
        program("rad-sent", starts="2027-08-02;2027-10-04", weeks=2, letter=2, audition=2),
    ]
    loaded = make(rows, applied=[{"program": "rad-sent", "starts": ["2027-08-02"]}])
    payload = _solve(loaded)
    assert {r["program_id"] for r in payload["rotations"]} == {"rad-a", "rad-b"}
    (step,) = [s for s in build_timeline(loaded, payload) if s.kind == "pending"]
    assert step.program_id == "rad-sent" and step.date == loaded.scenario.planning_date
    assert "(2027-08-02) is still unanswered and this plan does not use it" in step.text
    assert "its start 2027-08-02 overlaps rad-a, so an offer would mean choosing" in step.text
    # With a start that fits beside the plan (two radiology rotations at most, so it
    # stays out of it), no clash is claimed.
    two = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0}, "tier_mix": False}
    loaded = make(rows, applied=[{"program": "rad-sent"}], requirements=two)
    payload = _solve(loaded)
    assert "rad-sent" not in {r["program_id"] for r in payload["rotations"]}
    (step,) = [s for s in build_timeline(loaded, payload) if s.kind == "pending"]
    assert "(2027-08-02, 2027-10-04)" in step.text and "overlaps" not in step.text
    # A sent application the plan uses is a rotation, not a pending step.
    used = make(rows[2:], applied=[{"program": "rad-sent"}])
    assert not [s for s in build_timeline(used, _solve(used)) if s.kind == "pending"]


def test_a_sent_application_that_cannot_lead_to_a_rotation_is_to_be_withdrawn(make) -> None:
    """Found by review: "if it comes back with an offer, re-plan" for an application the
    loader had already said cannot lead to a rotation (the program takes no IMGs); then
    no step at all, where one start under an accepted offer got "Withdraw it"."""
    from rotation_solver.timeline import build_timeline

    rows = [
        program("rad-a", starts="2027-07-26", letter=9, audition=9),
        program("rad-noimg", starts="2027-09-06", accepts_img=False),
    ]
    loaded = make(rows, applied=[{"program": "rad-noimg"}])
    assert loaded.scenario.student.school_type == "img"
    assert any("rad-noimg does not take visiting students" in w for w in loaded.warnings)
    (sent,) = loaded.applied
    assert not sent.usable
    (step,) = [s for s in build_timeline(loaded, _solve(loaded)) if s.kind == "pending"]
    assert "re-plan" not in step.text
    assert (
        "cannot lead to a rotation: it does not take visiting students from IMG schools "
        "(accepts_img is false). Withdraw it, then list it under `exclude:` too"
    ) in step.text
    # Every start outside the window: the step says so.
    late = make(
        [rows[0], program("rad-late", starts="2027-12-13")], applied=[{"program": "rad-late"}]
    )
    (step,) = [s for s in build_timeline(late, _solve(late)) if s.kind == "pending"]
    assert (
        "cannot lead to a rotation: no start it offers can be in a plan (outside the window "
    ) in step.text and "Withdraw it" in step.text


def test_a_sent_application_under_an_accepted_offer_is_to_be_withdrawn(make) -> None:
    """From a student's review: "an offer would mean choosing between them" where the
    rotation in the way was an offer already accepted."""
    from rotation_solver.timeline import build_timeline

    rows = [
        program("rad-taken", starts="2027-06-07", weeks=4),
        program("rad-b", starts="2027-08-02", letter=8, audition=8),
        program("em-sent", specialty="emergency_medicine", starts="2027-06-21;2027-09-06"),
    ]
    locks = [{"program": "rad-taken", "start": "2027-06-07"}]
    loaded = make(rows, locks=locks, applied=[{"program": "em-sent", "starts": ["2027-06-21"]}])
    payload = _solve(loaded)
    assert "em-sent" not in {r["program_id"] for r in payload["rotations"]}
    (step,) = [s for s in build_timeline(loaded, payload) if s.kind == "pending"]
    assert (
        "cannot lead to a rotation beside the offers you accepted: its start 2027-06-21 "
        "overlaps rad-taken. Withdraw it, then list it under `exclude:` too"
    ) in step.text


def test_a_sent_application_the_accepted_offers_leave_no_room_for_is_withdrawn(make) -> None:
    """Found by a student's review: a clinical application beside an accepted clinical
    offer, with clinical.max 1, read as "an offer would mean choosing between them"
    because its starts overlapped other rotations of the plan; no plan can hold it."""
    from rotation_solver.timeline import build_timeline

    rows = [
        program("rad-a", starts="2027-06-07", letter=9, audition=9),
        program("rad-b", starts="2027-07-05", letter=8, audition=8),
        program("em-taken", specialty="emergency_medicine", starts="2027-09-06"),
        program("im-sent", specialty="internal_medicine", starts="2027-06-07;2027-07-05"),
    ]
    locks = [{"program": "em-taken", "start": "2027-09-06"}]
    loaded = make(rows, locks=locks, applied=[{"program": "im-sent"}])
    payload = _solve(loaded)
    assert {"rad-a", "rad-b", "em-taken"} <= {r["program_id"] for r in payload["rotations"]}
    (step,) = [s for s in build_timeline(loaded, payload) if s.kind == "pending"]
    assert "choosing" not in step.text
    assert (
        "cannot lead to a rotation beside the offers you accepted: they already hold "
        "requirements.clinical.max 1 clinical rotation (em-taken). Withdraw it"
    ) in step.text
    # With room for a second clinical rotation, the clash is with the plan's choice.
    roomy = make(
        rows,
        locks=locks,
        applied=[{"program": "im-sent"}],
        requirements={"clinical": {"min": 1, "max": 2}},
    )
    (step,) = [s for s in build_timeline(roomy, _solve(roomy)) if s.kind == "pending"]
    assert "an offer would mean choosing between them" in step.text


def test_a_sent_application_the_accepted_offers_and_the_calendar_rule_out_is_withdrawn(
    make,
) -> None:
    """Found by review: with one start under an accepted offer and the other outside the
    window, the timeline said "if it comes back with an offer, re-plan"; and beside an
    accepted offer, "choosing between them" named it as if it could be given up."""
    from rotation_solver.timeline import build_timeline

    rows = [
        program("rad-taken", starts="2027-06-07", weeks=4),
        program("rad-b", starts="2027-08-02", letter=8, audition=8),
        program(
            "em-sent", specialty="emergency_medicine", starts="2027-06-21;2027-08-09;2027-12-13"
        ),
    ]
    locks = [{"program": "rad-taken", "start": "2027-06-07"}]
    outside = make(
        rows, locks=locks, applied=[{"program": "em-sent", "starts": ["2027-06-21", "2027-12-13"]}]
    )
    (sent,) = outside.applied
    assert sent.usable and sent.ruled_out == (_day("2027-12-13"),)
    (step,) = [s for s in build_timeline(outside, _solve(outside)) if s.kind == "pending"]
    assert (
        "its start 2027-06-21 overlaps rad-taken; its other start (2027-12-13) cannot be in "
        "any plan (window, blocked periods or the rules). Withdraw it"
    ) in step.text
    beside = make(
        rows, locks=locks, applied=[{"program": "em-sent", "starts": ["2027-06-21", "2027-08-09"]}]
    )
    payload = _solve(beside)
    assert "rad-b" in {r["program_id"] for r in payload["rotations"]}
    (step,) = [s for s in build_timeline(beside, payload) if s.kind == "pending"]
    assert (
        "in this plan its start 2027-08-09 overlaps rad-b, so an offer would mean choosing "
        "between them (2027-06-21 overlaps rad-taken: an offer you accepted)"
    ) in step.text


def test_a_sent_start_too_close_to_an_accepted_offer_is_to_be_withdrawn(make) -> None:
    """Found by review: a start with no days between it and an accepted offer, under
    calendar.min_gap_days 7, read as free ("if it comes back with an offer, re-plan")."""
    from rotation_solver.timeline import build_timeline

    rows = [
        program("rad-taken", starts="2027-06-07", weeks=4),  # to 2027-07-04
        program("em-sent", specialty="emergency_medicine", starts="2027-07-05"),
    ]
    calendar = {"window": {"start": "2027-06-01", "end": "2027-12-17"}, "min_gap_days": 7}
    loaded = make(
        rows,
        calendar=calendar,
        locks=[{"program": "rad-taken", "start": "2027-06-07"}],
        applied=[{"program": "em-sent"}],
    )
    (step,) = [s for s in build_timeline(loaded, _solve(loaded)) if s.kind == "pending"]
    assert "its start 2027-07-05 comes within calendar.min_gap_days of rad-taken" in step.text
    assert "Withdraw it" in step.text


def test_offers_apply_says_to_accept_are_not_called_accepted(make) -> None:
    """Found by review: following `apply`, the offers it says to accept are the plan's
    locks, and a sent application beside them read "beside the offers you accepted"
    before the student had answered any."""
    from rotation_solver.scenario import Lock
    from rotation_solver.timeline import OfferAnswer, build_timeline

    rows = [
        program("rad-a", starts="2027-06-07", letter=9, audition=9),
        program("rad-b", starts="2027-07-05", letter=8, audition=8),
        program("em-taken", specialty="emergency_medicine", starts="2027-09-06"),
        program("im-sent", specialty="internal_medicine", starts="2027-06-07;2027-07-05"),
    ]
    # The payload of a plan that follows the answer: the offer to accept is its lock.
    loaded = make(
        rows,
        locks=[{"program": "em-taken", "start": "2027-09-06"}],
        applied=[{"program": "im-sent"}],
    )
    answer = OfferAnswer(
        accept=(Lock(program="em-taken", start=_day("2027-09-06")),),
        decline=(),
        pending="answers still to come from applications already sent",
    )
    payload = _solve(loaded)
    (step,) = [s for s in build_timeline(loaded, payload, answer) if s.kind == "pending"]
    assert "you accepted" not in step.text
    assert (
        "cannot lead to a rotation beside the offers `apply` says to accept: they already "
        "hold requirements.clinical.max 1 clinical rotation (em-taken). Once you have "
        "accepted the offer from em-taken, withdraw this application"
    ) in step.text


@pytest.mark.parametrize("made", ["offers", "applied"])
def test_apply_by_start_limits_only_applications_still_to_send(make, made: str) -> None:
    """Found by review: with requirements.apply_by_start, an offer in hand (or an
    application sent) whose start came before the planning date was dropped as "applied
    after the start", where a lock was kept and nothing is left to apply for."""
    rows = [program("rad-a", starts="2027-06-07;2027-08-02", letter=9, audition=9)]
    entry = (
        {"program": "rad-a", "start": "2027-06-07"}
        if made == "offers"
        else {"program": "rad-a", "starts": ["2027-06-07"]}
    )
    loaded = make(
        rows,
        planning_date="2027-06-20",
        requirements={"radiology": {"min": 1, "max": 3}, "clinical": {"min": 0, "max": 1},
                      "tier_mix": False, "apply_by_start": True},
        **{made: [entry]},
    )  # fmt: skip
    payload = _solve(loaded)
    assert [(r["program_id"], r["start"]) for r in payload["rotations"]] == [
        ("rad-a", "2027-06-07")
    ]
    assert check_plan(loaded, payload).violations == ()


def _stranded_rows() -> list[dict[str, Any]]:
    """Each affordable alone, but no plan of two holds rad-sent within $2,300."""
    return [
        program("rad-a", starts="2027-06-07", letter=6),
        program("rad-b", starts="2027-07-05", letter=6),
        program("rad-sent", starts="2027-08-02", housing_per_week=500, letter=9),
    ]


_TWO_RADIOLOGY = {"radiology": {"min": 2, "max": 3}, "clinical": {"min": 0, "max": 1},
                  "tier_mix": False}  # fmt: skip


def test_a_sent_application_no_plan_within_the_budget_holds_is_to_withdraw(make) -> None:
    """Found by an advisor's review: every plan with it cost more than the budget, yet
    the timeline said "an offer would mean choosing between them"."""
    from rotation_solver.timeline import build_timeline

    loaded = make(
        _stranded_rows(),
        budget=2300,
        requirements=_TWO_RADIOLOGY,
        applied=[{"program": "rad-sent"}],
    )
    (sent,) = loaded.applied
    assert sent.usable  # affordable alone: only a re-solve shows no plan holds it
    outcome = plan_scenario(loaded, ONE, advise=True)
    assert outcome.payload["sent_no_plan_holds"] == ["rad-sent"]
    (step,) = [s for s in build_timeline(loaded, outcome.payload) if s.kind == "pending"]
    assert (
        "cannot lead to a rotation: no plan that meets every rule within the budget can "
        "hold it. Withdraw it"
    ) in step.text


def test_a_rotation_dropped_since_an_earlier_plan_for_the_budget_says_so(tmp_path: Path) -> None:
    """Found by an advisor's review: "dropped: rad-juniper: its dates clash with
    rad-peachleaf" where no plan within the budget could hold rad-juniper."""
    data = scenario_dict(_stranded_rows(), budget=5000, requirements=_TWO_RADIOLOGY)
    earlier = write_scenario(tmp_path, data, "january.yaml")
    plan = tmp_path / "january.json"
    result = CliRunner().invoke(cli, ["solve", str(earlier), "--workers", "1", "-o", str(plan)])
    assert result.exit_code == 0, result.output
    assert "rad-sent" in plan.read_text(encoding="utf-8")
    data["budget"] = 2300
    later = write_scenario(tmp_path, data, "april.yaml")
    result = CliRunner().invoke(
        cli, ["solve", str(later), "--workers", "1", "--since", str(plan), "--format", "json"]
    )
    dropped = {d["program_id"]: d["why"] for d in json.loads(result.stdout)["changes"]["dropped"]}
    assert dropped["rad-sent"].startswith("over budget: the cheapest plan with it costs $2,400")
    # Without the explanation, a re-solve of its own says so (found by review).
    result = CliRunner().invoke(
        cli,
        ["solve", str(later), "--workers", "1", "--since", str(plan), "--format", "json",
         "--no-explain"],
    )  # fmt: skip
    dropped = {d["program_id"]: d["why"] for d in json.loads(result.stdout)["changes"]["dropped"]}
    assert dropped["rad-sent"] == "no plan within the budget can hold it now, with every rule met"


def test_apply_says_to_withdraw_a_sent_application_no_plan_can_hold(tmp_path: Path) -> None:
    """Found by an advisor's review: `apply` marked such applications "spare 0% / 0%"
    and said nothing more."""
    data = scenario_dict(
        _stranded_rows(),
        budget=2300,
        requirements=_TWO_RADIOLOGY,
        applied=[{"program": "rad-sent"}],
    )
    path = write_scenario(tmp_path, data)
    result = CliRunner().invoke(
        cli, ["apply", str(path), "--workers", "1", "--format", "json", "-q"]
    )
    assert result.exit_code == 0, result.output
    warnings = " ".join(json.loads(result.stdout)["warnings"])
    assert "applications sent that no plan within the budget can hold: rad-sent" in warnings
    assert "Withdraw them, and list them under `exclude:` too" in warnings


def test_solve_and_timeline_count_the_same_applications_already_made(make) -> None:
    """Found by an advisor's review: `solve` said 6 already made where the timeline said
    8; the two accepted offers (locks) were applications too."""
    from rotation_solver.timeline import other_applications_note

    rows = [program(f"rad-{i}", starts=f"2027-0{6 + i}-07", fee=50) for i in range(4)]
    loaded = make(
        rows,
        locks=[{"program": "rad-0", "start": "2027-06-07"}],
        applied=[{"program": "rad-1"}],
    )
    payload = _solve(loaded)
    assert payload["other_applications"]["already_applied"] == 2
    assert "2 applications already made" in other_applications_note(loaded)


def test_an_accepted_offers_own_reason_comes_before_the_re_solves(make) -> None:
    """Found by review: with the re-solve's "no plan within the budget can hold it"
    first, a sent application under an accepted offer lost "its start overlaps
    rad-taken". (The wait to accept an offer `apply` says to accept is
    test_offers_apply_says_to_accept_are_not_called_accepted.)"""
    from rotation_solver.timeline import build_timeline

    rows = [
        program("rad-taken", starts="2027-06-07", weeks=4),
        program("rad-b", starts="2027-08-02"),
        program("rad-sent", starts="2027-06-14"),
    ]
    loaded = make(
        rows,
        locks=[{"program": "rad-taken", "start": "2027-06-07"}],
        applied=[{"program": "rad-sent"}],
    )
    payload = {**_solve(loaded), "sent_no_plan_holds": ["rad-sent"]}
    (step,) = [s for s in build_timeline(loaded, payload) if s.kind == "pending"]
    assert "its start 2027-06-14 overlaps rad-taken" in step.text
    assert "no plan within the budget" not in step.text


def test_a_sent_application_some_plan_can_hold_is_not_flagged(make) -> None:
    rows = [
        program("rad-a", starts="2027-06-07", letter=9, audition=9),
        program("rad-b", starts="2027-07-05", letter=9, audition=9),
        program("rad-sent", starts="2027-08-02", letter=2),
    ]
    rules = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0, "max": 1},
             "tier_mix": False}  # fmt: skip
    loaded = make(rows, requirements=rules, applied=[{"program": "rad-sent"}])
    payload = plan_scenario(loaded, ONE, advise=True).payload
    assert "rad-sent" not in {r["program_id"] for r in payload["rotations"]}
    assert payload["sent_no_plan_holds"] == []


def test_an_unanswered_offer_whose_rotation_has_begun_is_warned_about(make) -> None:
    """Found by review: with the planning date after the offer's start, the plan took
    the rotation and the timeline put its start in the past, without a word."""
    rows = [program("rad-a", starts="2027-06-07", weeks=4, letter=9, audition=9)]
    loaded = make(
        rows, planning_date="2027-06-20", offers=[{"program": "rad-a", "start": "2027-06-07"}]
    )
    assert (
        "offers: rad-a at 2027-06-07..2027-07-04 has begun by the planning date 2027-06-20, "
        "yet the offer is unanswered"
    ) in " ".join(loaded.warnings)


def test_apply_csv_leaves_submit_on_blank_for_an_application_sent() -> None:
    """Found by review: `apply`'s CSV gave the planning date (read: "submit today") for
    applications sent months before, where `solve`'s CSV leaves it blank."""
    from tests.conftest import SCENARIOS

    path = str(SCENARIOS / "applications-sent" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["apply", path, "--workers", "1", "--format", "csv", "-q"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    sent = [row for row in rows if row["sent"] == "true"]
    assert sent and all(row["submit_on"] == "" for row in sent)
    assert any(row["submit_on"] for row in rows if row["sent"] == "false")
