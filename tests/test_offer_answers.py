"""`apply` with offers in hand: which to accept now (the first stage).

An offer is answered within about a week, so `apply` tries every way to answer the
offers (accepted ones locked, declined programs left out) and keeps the way whose
applications have the best exact expected value. The oracle here builds each way's
scenario from the scenario file itself (locks and exclude written out, no offers) and
values every portfolio on every outcome with the exhaustive planner.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli
from rotation_solver.portfolio import build_portfolio_problem, plan_portfolio
from rotation_solver.portfolio.acceptance import (
    CANNOT_BEAT,
    CHOSEN,
    DECLINE_MARGIN,
    NO_PLAN,
    SEARCHED,
    answer_sets,
    answered,
    best_case,
)
from rotation_solver.scenario import LoadedScenario, Lock, load_scenario
from rotation_solver.solve import SolveOptions
from tests.conftest import SCENARIOS, scenario_dict
from tests.random_scenarios import random_scenario, write_scenario
from tests.test_portfolio import brute_expected, tiny_programs

ONE = SolveOptions(workers=1, time_limit=20)
Offer = tuple[str, str]


def _ways(offers: list[Offer]) -> list[tuple[Offer, ...]]:
    """Every set of offers with at most one per program (written apart from the code)."""
    found = []
    for size in range(len(offers) + 1):
        for accept in itertools.combinations(offers, size):
            if len({pid for pid, _ in accept}) == size:
                found.append(accept)
    return found


def _way_scenario(data: dict[str, Any], accept: tuple[Offer, ...]) -> dict[str, Any]:
    """The scenario file once `accept` is accepted and every other offer declined."""
    way = copy.deepcopy(data)
    offers = way.pop("offers")
    taken = {pid for pid, _ in accept}
    way["locks"] = way.get("locks", []) + [{"program": p, "start": s} for p, s in accept]
    declined = sorted({o["program"] for o in offers} - taken)
    way["exclude"] = way.get("exclude", []) + declined
    # Every offer's fee was paid when it was applied for: an accepted one's counts in
    # its lock's cost, a declined one's comes off the budget.
    fees = {row["id"]: int(row.get("fee") or 0) for row in way["programs"]}
    way["budget"] -= sum(fees[pid] for pid in declined)
    return way


def _oracle(folder: Path, data: dict[str, Any], cap: int) -> dict[tuple[Offer, ...], float]:
    """Each way's best expected value over every portfolio of at most `cap` (0: no plan
    in any outcome)."""
    offers = [(o["program"], o["start"]) for o in data["offers"]]
    best: dict[tuple[Offer, ...], float] = {}
    for k, accept in enumerate(_ways(offers)):
        path = write_scenario(folder, _way_scenario(data, accept), f"way{k}.yaml")
        problem = build_portfolio_problem(load_scenario(path))
        portfolios = [
            combo
            for size in range(cap + 1)
            for combo in itertools.combinations(range(len(problem.candidates)), size)
        ]
        best[accept] = max(brute_expected(problem, p) for p in portfolios)
    return best


def _keyed(offers: list[dict[str, str]]) -> tuple[Offer, ...]:
    return tuple((o["program_id"], o["start"]) for o in offers)


def _check_against_oracle(tmp_path: Path, data: dict[str, Any], cap: int) -> dict[str, Any]:
    loaded = load_scenario(write_scenario(tmp_path, data))
    payload = plan_portfolio(
        loaded, max_applications=cap, scenarios=20, evaluate_outcomes=20, bound=False, options=ONE
    ).payload
    oracle = _oracle(tmp_path, data, cap)
    answers = payload["offer_answers"]
    top = max(oracle.values())
    # The rule, written apart: within DECLINE_MARGIN of the best value, the way that
    # accepts the most offers (then the best value).
    close = [k for k, v in oracle.items() if v >= top - DECLINE_MARGIN * max(top, 0) - 1e-9]
    rule = max(close, key=lambda k: (len(k), oracle[k]))
    best = oracle[rule]
    assert answers["expected_value"] == pytest.approx(best)
    assert payload["expected_value"] == pytest.approx(best)
    chosen = _keyed(answers["accept"])
    assert len(chosen) == len(rule)
    assert oracle[tuple(sorted(chosen, key=lambda o: _order(data, o)))] == pytest.approx(best)
    ways = {
        tuple(sorted(_keyed(w["accept"]), key=lambda o: _order(data, o))): w
        for w in answers["ways"]
    }
    assert set(ways) == set(oracle)  # every way, once
    for accept, way in ways.items():
        if way["outcome"] == SEARCHED:
            assert way["expected_value"] == pytest.approx(oracle[accept])
        if way["best_case"] is not None:
            # The best case bounds every portfolio of that way.
            assert way["best_case"] >= oracle[accept] - 1e-6
        if way["outcome"] == CANNOT_BEAT:
            assert way["best_case"] < top * (1 - DECLINE_MARGIN) + 1e-6
    # Few programs: every searched way is valued exactly, so the answer is proven.
    assert answers["proven"] and payload["status"] == "optimal"
    assert all(w["exact"] for w in answers["ways"] if w["outcome"] in (CHOSEN, SEARCHED))
    (won,) = [w for w in answers["ways"] if w["outcome"] == CHOSEN]
    assert _keyed(won["accept"]) == chosen
    declined = {(o["program"], o["start"]) for o in data["offers"]} - set(chosen)
    assert set(_keyed(answers["decline"])) == declined
    # The applications are planned around the answer: no declined program is applied to.
    declined_programs = {pid for pid, _ in declined} - {pid for pid, _ in chosen}
    assert not declined_programs & {a["program_id"] for a in payload["applications"]}
    return payload


def _order(data: dict[str, Any], offer: Offer) -> int:
    listed = [(o["program"], o["start"]) for o in data["offers"]]
    return listed.index(offer)


def _tiny(offers: list[Offer], budget: int = 5200) -> dict[str, Any]:
    programs = tiny_programs([0.9, 0.3, 0.75, 0.2, 0.6, 0.95])
    data = scenario_dict(
        programs,
        budget=budget,
        requirements={
            "radiology": {"min": 1, "max": 2},
            "clinical": {"min": 1, "max": 1},
            "tier_mix": True,
        },
    )
    data["offers"] = [{"program": p, "start": s} for p, s in offers]
    return data


@pytest.mark.parametrize(
    "offers",
    [
        [("rad-b", "2027-08-02")],
        [("rad-b", "2027-06-07"), ("rad-d", "2027-06-07")],  # the same dates
        [("rad-b", "2027-06-07"), ("rad-b", "2027-08-02"), ("im-a", "2027-07-05")],
        [("rad-d", "2027-06-21"), ("em-b", "2027-08-16"), ("im-a", "2027-10-04")],
    ],
    ids=["one", "same-dates", "two-of-one-program", "two-clinical"],
)
@pytest.mark.parametrize("budget", [5200, 3000, 2600])
def test_the_answer_is_the_best_way_by_exhaustive_search(
    tmp_path: Path, offers: list[Offer], budget: int
) -> None:
    _check_against_oracle(tmp_path, _tiny(offers, budget), cap=2)


@pytest.mark.parametrize("seed", range(16))
def test_random_offers_are_answered_as_exhaustive_search_answers(tmp_path: Path, seed: int) -> None:
    rng = random.Random(1000 + seed)
    data = random_scenario(rng, 6)
    data["planning_date"] = "2027-01-15"
    data.pop("exclude", None)
    # Looser rules, so that most seeds have ways worth something (13 of 16, two with
    # ties between ways); strict ones mostly leave no plan in any way.
    data["budget"] = max(data["budget"], 8000)
    rules = data["requirements"]
    rules["radiology"]["min"] = rules["clinical"]["min"] = 0
    rules["tier_mix"] = False
    rules["max_rotations"] = max(rules["max_rotations"], 2)
    locked = {lock["program"] for lock in data.get("locks", [])}
    pairs = [
        (row["id"], start)
        for row in data["programs"]
        if row["id"] not in locked
        for start in row["starts"].split(";")
    ]
    picked = sorted(rng.sample(pairs, min(3, len(pairs))))
    data["offers"] = [{"program": p, "start": s} for p, s in picked]
    oracle = _oracle(tmp_path, data, 2)
    if max(oracle.values()) <= 0:  # no way to answer has a plan worth anything
        loaded = load_scenario(write_scenario(tmp_path, data, "probe.yaml"))
        payload = plan_portfolio(loaded, max_applications=2, scenarios=20, evaluate_outcomes=20,
                                 bound=False, options=ONE).payload  # fmt: skip
        assert payload["expected_value"] == pytest.approx(0)
        answers = payload["offer_answers"]
        assert answers is None or answers["expected_value"] == pytest.approx(0)
        return
    _check_against_oracle(tmp_path, data, cap=2)


def test_answer_sets_take_at_most_one_offer_per_program() -> None:
    from datetime import date

    a1, a2 = Lock(program="a", start=date(2027, 6, 7)), Lock(program="a", start=date(2027, 8, 2))
    b = Lock(program="b", start=date(2027, 6, 7))
    ways = answer_sets([a1, a2, b])
    assert len(ways) == 3 * 2 and len(set(ways)) == 6
    assert ways[0] == ()  # declining them all comes first
    assert (a1, a2) not in ways and (a1, b) in ways and (a2, b) in ways
    assert all(len({o.program for o in w}) == len(w) for w in ways)


def test_an_answered_scenario_locks_the_accepted_and_leaves_out_the_declined(
    make: Callable[..., LoadedScenario],
) -> None:
    data = _tiny([("rad-b", "2027-06-07"), ("rad-b", "2027-08-02"), ("rad-c", "2027-09-06")])
    loaded = make(data["programs"], **{k: v for k, v in data.items() if k != "programs"})
    accept = (loaded.offers[1],)
    way = answered(loaded, accept)
    # The planner's offers are answered; the scenario keeps them as written, for their
    # fees and for the independent checker (`check_inputs`), as a student's file would.
    assert way.offers == () and way.scenario.offers == loaded.scenario.offers
    assert way.locks == loaded.locks + accept
    # rad-b's other offer is declined, but rad-b is locked: only rad-c is left out.
    assert way.exclude == (*loaded.exclude, "rad-c")
    none = answered(loaded, ())
    assert set(none.exclude) == {"rad-b", "rad-c"} and none.locks == loaded.locks
    # The bound is a plan's value as if every program offered: no plan with both
    # June starts of rad-b and rad-d (same dates, tier_mix needs an IMG-friendly one).
    assert best_case(way, 2, ONE) is not None


def test_two_offers_on_the_same_dates_are_never_both_accepted(tmp_path: Path) -> None:
    payload = _check_against_oracle(
        tmp_path, _tiny([("rad-b", "2027-06-07"), ("rad-d", "2027-06-07")]), cap=2
    )
    assert len(payload["offer_answers"]["accept"]) <= 1
    both = [w for w in payload["offer_answers"]["ways"] if len(w["accept"]) == 2]
    assert [w["outcome"] for w in both] == [NO_PLAN]


def test_the_table_and_calendar_say_how_to_answer(tmp_path: Path) -> None:
    data = _tiny([("rad-b", "2027-06-07"), ("rad-d", "2027-06-07")])
    path = write_scenario(tmp_path, data)
    runner = CliRunner()
    args = ["apply", str(path), "--workers", "1", "--max-applications", "2"]
    payload = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    answers = payload["offer_answers"]
    table = " ".join(runner.invoke(cli, args).stdout.split())
    assert f"Of the {len(answers['ways'])} ways to answer them" in table
    # The chosen way's search ran while answering: the timing line says it is inside.
    assert payload["timings"]["search_in_answer"] is True
    assert "answering offers" in table and ", of which the chosen way's search" in table
    assert f"applications above are worth {answers['expected_value']:.1f}" in table
    # The locks row shows the accepted offer, planned around as a lock.
    for offer in answers["accept"]:
        assert f"{offer['program_id']}@{offer['start']}" in table
    # The CSV ends with one row per offer: its answer as the role, nothing to send.
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, [*args, "--format", "csv"]).stdout)))
    answered_rows = {
        (r["program_id"], r["starts"]): r["role"] for r in rows if r["offered"] == "true"
    }
    assert answered_rows == {
        **{(o["program_id"], o["start"]): "accept offer" for o in answers["accept"]},
        **{(o["program_id"], o["start"]): "decline offer" for o in answers["decline"]},
    }
    assert all(r["program_name"] and r["fee"] == "" for r in rows if r["offered"] == "true")
    result = runner.invoke(cli, [*args, "--format", "ics"])
    assert result.exit_code == 0, result.output
    text = result.stdout.replace("\r\n ", "")
    for offer in answers["accept"]:
        assert f"Accept the offer from {offer['program_id']}" in text
    for offer in answers["decline"]:
        assert f"Decline the offer from {offer['program_id']}" in text


def test_each_budget_row_names_the_offers_to_accept_there(tmp_path: Path) -> None:
    """The answer may move with the budget (a dearer offer becomes affordable), so every
    row of `apply --budgets` says which offers to accept, as `apply` at that budget does."""
    data = _tiny([("rad-a", "2027-06-07"), ("rad-c", "2027-06-14")])
    path = write_scenario(tmp_path, data)
    budgets = [2500, 3500, 5200]
    runner = CliRunner()
    args = ["apply", str(path), "--workers", "1", "--max-applications", "2"]
    result = runner.invoke(cli, [*args, "--budgets", ",".join(map(str, budgets)), "--format",
                                 "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    seen = set()
    for row, budget in zip(rows, budgets, strict=True):
        data["budget"] = budget
        alone = load_scenario(write_scenario(tmp_path, data, f"at{budget}.yaml"))
        answers = plan_portfolio(alone, max_applications=2, evaluate_outcomes=20, bound=False,
                                 options=ONE).payload["offer_answers"]  # fmt: skip
        accept = [f"{o['program_id']}@{o['start']}" for o in answers["accept"]]
        assert row["accept_offers"] == accept, budget
        seen.add(tuple(accept))
    assert len(seen) > 1  # the budgets were picked so that the answer moves
    table = " ".join(runner.invoke(cli, [*args, "--budgets", "2500,5200"]).stdout.split())
    assert "apply to" in table and ("accept rad-" in table or "decline every offer" in table)
    assert "With offers in hand, each row also says which to accept" in table


def test_an_answer_chosen_on_a_sample_is_not_called_proven(tmp_path: Path) -> None:
    data = _tiny([("rad-b", "2027-06-07"), ("rad-d", "2027-06-07")])
    loaded = load_scenario(write_scenario(tmp_path, data))
    report = plan_portfolio(
        loaded, max_applications=2, scenarios=30, evaluate_outcomes=20, bound=False,
        options=ONE, enumerate_outcomes=False,
    )  # fmt: skip
    payload = report.payload
    answers = payload["offer_answers"]
    assert not answers["proven"] and payload["status"] == "feasible"
    assert not any(w["exact"] for w in answers["ways"])


def test_the_shipped_offers_scenario_answers_otherwise_than_solve() -> None:
    """`scenarios/offers-in-hand`: `solve` takes the cedar and peachleaf offers; weighed
    over every way the applications could come, accepting cedar alone is worth more."""
    from tests.conftest import SCENARIOS

    loaded = load_scenario(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    # "proven" asks that every way was searched within the time limit: ample room, so a
    # loaded machine does not fail it (found twice by reviews running tests side by side).
    roomy = SolveOptions(workers=1, time_limit=120)
    payload = plan_portfolio(loaded, evaluate_outcomes=50, bound=False, options=roomy).payload
    answers = payload["offer_answers"]
    assert _keyed(answers["accept"]) == (("rad-cedar", "2027-06-14"),)
    assert answers["proven"] and len(answers["ways"]) == 8
    ways = {_keyed(w["accept"]): w for w in answers["ways"]}
    solves = ways[(("rad-cedar", "2027-06-14"), ("rad-peachleaf", "2027-08-02"))]
    assert solves["outcome"] == SEARCHED and solves["exact"]
    assert solves["expected_value"] < answers["expected_value"] - 10


@pytest.mark.parametrize(
    "offers",
    [
        [("rad-a", "2027-06-07"), ("rad-c", "2027-06-14")],
        [("rad-a", "2027-06-07"), ("rad-b", "2027-08-02")],
    ],
)
def test_a_fee_already_paid_does_not_change_the_answer(tmp_path: Path, offers: list[Offer]) -> None:
    """Found by review: with the offers' fees set to 0, the answer changed (an accepted
    offer's fee counted, a declined one's did not). Every offer's fee is paid already:
    raising one by d, and the budget by d, leaves every way's value as it was."""
    results = []
    for extra in (0, 1000):  # at $2,600 the budget binds (the old rule moved the answer)
        data = _tiny(offers, budget=2600 + extra)
        for row in data["programs"]:
            if row["id"] == offers[0][0]:
                row["fee"] = int(row.get("fee") or 0) + extra
        loaded = load_scenario(write_scenario(tmp_path, data, f"fee{extra}.yaml"))
        payload = plan_portfolio(loaded, max_applications=2, evaluate_outcomes=20, bound=False,
                                 options=ONE).payload  # fmt: skip
        answers = payload["offer_answers"]
        values = {
            _keyed(w["accept"]): w["expected_value"]
            for w in answers["ways"]
            if w["expected_value"] is not None
        }
        results.append((_keyed(answers["accept"]), answers["expected_value"], values))
    (accept0, value0, ways0), (accept1, value1, ways1) = results
    assert accept0 == accept1 and value0 == pytest.approx(value1)
    for key in set(ways0) & set(ways1):
        assert ways0[key] == pytest.approx(ways1[key])


def test_out_of_time_the_answer_still_has_a_plan_and_says_what_was_not_searched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by review: with --time-limit 5 on national with six offers, no best case
    was known in time, those ways came first, and the answer accepted an offer no plan
    can take (value 0.0) while 43 ways went unsearched without a word. Now ways of
    unknown best case come last, searching goes on until an answer with a plan is
    found, and the report says which ways were not searched."""
    from rotation_solver.portfolio import acceptance
    from rotation_solver.portfolio.render import offer_answer_lines
    from tests.conftest import SCENARIOS

    loaded = load_scenario(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    monkeypatch.setattr(acceptance, "BEST_CASE_SHARE", 0.0)  # no best case in time
    monkeypatch.setattr(acceptance, "LEAST_SEARCH", 0.0)
    quick = SolveOptions(workers=1, time_limit=0.01)
    payload = plan_portfolio(loaded, evaluate_outcomes=20, bound=False, options=quick).payload
    answers = payload["offer_answers"]
    assert answers["expected_value"] > 0 and not answers["proven"]
    assert answers["out_of_time"] == sum(w["outcome"] == "out of time" for w in answers["ways"])
    assert answers["out_of_time"] > 0 and payload["status"] == "feasible"
    assert all(w["best_case"] is None for w in answers["ways"])  # none known
    said = f"{answers['out_of_time']} of the {len(answers['ways'])} ways to answer the offers"
    assert any(said in w and "were not searched" in w for w in payload["warnings"])
    line = " ".join(offer_answer_lines(payload))
    assert f"{answers['out_of_time']} not searched in time" in line


def test_a_tie_keeps_the_sure_offer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The report says to decline a sure offer only for a gain: on equal values the way
    that accepts more offers wins, whatever order the ways were searched in."""
    from rotation_solver.portfolio import acceptance

    data = _tiny([("rad-b", "2027-08-02")])
    loaded = load_scenario(write_scenario(tmp_path, data))
    # Equal best cases, so declining comes first (fewest accepted), and equal values.
    monkeypatch.setattr(acceptance, "best_case", lambda *_args: 200.0)
    monkeypatch.setattr(acceptance, "exact_value", lambda *_args: 100.0)
    payload = plan_portfolio(loaded, max_applications=2, evaluate_outcomes=20, bound=False,
                             options=ONE).payload  # fmt: skip
    answers = payload["offer_answers"]
    assert _keyed(answers["accept"]) == (("rad-b", "2027-08-02"),)
    assert [w["outcome"] for w in answers["ways"]] == ["chosen", "searched"]


def test_a_way_whose_search_was_cut_short_is_worth_at_least_its_value() -> None:
    """A search stopped by the time limit found a portfolio, not the best: its value is
    a lower bound on the way's, and the line says "at least"."""
    from rotation_solver.portfolio.render import offer_answer_lines

    def way(accept: list[dict[str, str]], value: float, outcome: str, cut: bool) -> dict:
        return {"accept": accept, "best_case": 600.0, "expected_value": value,
                "outcome": outcome, "exact": False, "cut_short": cut}  # fmt: skip

    offer = {"program_id": "rad-x", "start": "2027-06-07"}
    payload = {
        "offer_answers": {
            "accept": [offer],
            "decline": [],
            "expected_value": 540.0,
            "ways": [way([offer], 540.0, "chosen", False), way([], 475.3, "searched", True)],
            "proven": False,
            "declined_fees": 0,
            "out_of_time": 0,
        }
    }
    line = " ".join(offer_answer_lines(payload))
    assert "(next: decline all: at least 475.3)" in line
    assert "2 searched" in line and "fees, already paid" not in line
    payload["offer_answers"]["ways"][1]["cut_short"] = False
    payload["offer_answers"]["declined_fees"] = 115
    line = " ".join(offer_answer_lines(payload))
    assert "(next: decline all: 475.3)" in line
    assert (
        "the declined ones moved to `applied:` and `exclude:` together, so that their fees, "
        "already paid ($115), still count" in line
    )


def test_a_sure_offer_is_kept_unless_declining_gains_more_than_the_margin(
    tmp_path: Path,
) -> None:
    """Found by review: the reach program's June offer was declined for 0.8 points in
    320 (declining all: 320.6, accepting: 319.8). Within `DECLINE_MARGIN` the way that
    keeps more offers wins, and the line says what declining would have been worth."""
    from tests.conftest import SCENARIOS

    source = SCENARIOS / "example"
    (tmp_path / "programs.csv").write_text((source / "programs.csv").read_text("utf-8"), "utf-8")
    text = (source / "scenario.yaml").read_text("utf-8")
    text = text.replace("planning_date: 2027-01-15", "planning_date: 2027-02-25")
    text += "offers:\n  - {program: rad-harbor, start: 2027-06-07}\n"
    path = tmp_path / "scenario.yaml"
    path.write_text(text, "utf-8")
    runner = CliRunner()
    args = ["apply", str(path), "--workers", "1", "--evaluate", "100"]
    payload = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    answers = payload["offer_answers"]
    assert _keyed(answers["accept"]) == (("rad-harbor", "2027-06-07"),)
    (declining,) = [w for w in answers["ways"] if not w["accept"]]
    assert answers["expected_value"] < declining["expected_value"]
    assert declining["expected_value"] <= answers["expected_value"] / (1 - DECLINE_MARGIN)
    table = " ".join(runner.invoke(cli, args).stdout.split())
    assert "to answer now: accept it: rad-harbor 2027-06-07. Of the 2 ways to answer it" in table
    assert (
        f'Answering "decline all" is worth a little more ({declining["expected_value"]:.1f})'
        in table
    )


def test_solve_defers_to_apply_on_offers_and_counts_their_fees() -> None:
    """Found by a student-journey review: `timeline` said "accept" to the peachleaf offer
    that `apply` declines, and `solve`'s total left out the fee already paid for the
    rainfern offer it does not take ($9,100 spent of $9,000). Now every offer's fee is in
    the total, whatever the plan takes."""
    from tests.conftest import SCENARIOS

    scenario = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    runner = CliRunner()
    solved = runner.invoke(cli, ["solve", scenario, "--workers", "1"])
    assert solved.exit_code == 0, solved.output
    table = " ".join(solved.stdout.split())
    assert "offer in hand: this plan takes it (`apply` says whether to accept)" in table
    said = " ".join(solved.stderr.split())
    assert "answer the offers as it says (it may differ from this plan)" in said
    assert "includes $370 of fees already paid" in table  # cedar 80, peachleaf 90, rainfern 200
    # The timeline follows `apply`'s answer, not this plan's (found by a student's review:
    # it said apply's answer was the one to give, then laid out this plan's own).
    args = ["--workers", "1", "--format", "json"]
    applied = json.loads(runner.invoke(cli, ["apply", scenario, *args, "--evaluate", "50"]).stdout)
    answers = applied["offer_answers"]
    # Every offer in hand is answered, declined ones too (found by review: only the
    # accepted one was listed, the others dropped with the answer).
    assert applied["not_counted"]["offers_in_hand"] == [
        "rad-cedar@2027-06-14", "rad-peachleaf@2027-08-02", "rad-rainfern@2027-09-06"
    ]  # fmt: skip
    steps = json.loads(runner.invoke(cli, ["timeline", scenario, *args]).stdout)
    said = {
        (s["program_id"], s["text"].split(" from ")[0])
        for s in steps
        if s["kind"] == "offer" and "`rotation-solver apply`'s answer" in s["text"]
    }
    expected = {(o["program_id"], "Accept the offer") for o in answers["accept"]}
    expected |= {(o["program_id"], "Decline the offer") for o in answers["decline"]}
    assert said == expected and len(said) == 3
    assert "rad-peachleaf" in {o["program_id"] for o in answers["decline"]}
    followed = [s for s in steps if s["kind"] == "rotation_start"]
    planned = {s["program_id"] for s in followed}
    assert not planned & {o["program_id"] for o in answers["decline"]}
    assert {o["program_id"] for o in answers["accept"]} <= planned
    # Declining counts on every application apply chose around the answer: each is a
    # step (found by an advisor's review: two of eight were listed).
    submitted = {s["program_id"] for s in steps if s["kind"] == "submit"}
    to_send = {a["program_id"] for a in applied["applications"] if not a["sent"]}
    assert to_send <= submitted and len(to_send) == 8
    md = runner.invoke(cli, ["timeline", scenario, "--workers", "1", "--format", "markdown"])
    assert md.stdout.splitlines()[0].endswith("(following `apply`'s answer to the offers)")
    calendar = runner.invoke(cli, ["solve", scenario, "--workers", "1", "--format", "ics"])
    from icalendar import Calendar

    titles = sorted(
        str(e["SUMMARY"])
        for e in Calendar.from_ical(calendar.stdout_bytes).walk("VEVENT")
        if "the offer" in str(e["SUMMARY"])
    )
    assert titles == [
        f"Answer the offer from {pid}: check `apply` first"
        for pid in ("rad-cedar", "rad-peachleaf", "rad-rainfern")
    ]


def test_without_applications_to_send_solve_answers_the_offers_itself(tmp_path: Path) -> None:
    """Every rotation an offer or a lock: nothing is uncertain, so `solve`'s answer is
    the answer, and the fees of offers it leaves out still count."""
    data = _tiny([("rad-b", "2027-08-02"), ("im-a", "2027-07-05"), ("rad-c", "2027-09-06")])
    data["requirements"]["radiology"] = {"min": 1, "max": 1}
    data["exclude"] = ["rad-a", "rad-d", "em-b"]
    path = write_scenario(tmp_path, data)
    result = CliRunner().invoke(cli, ["solve", str(path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    table = " ".join(result.stdout.split())
    assert "offer in hand: accept it" in table and "`apply` says" not in table
    assert "answer the offers as it says" not in result.stderr
    payload = json.loads(
        CliRunner().invoke(cli, ["solve", str(path), "--workers", "1", "--format", "json"]).stdout
    )
    # Every offer's fee (rad-b 50, im-a 30, rad-c 20) is in the total, taken or not.
    assert payload["paid_fees"] == 100
    assert payload["total_cost"] == sum(r["cost"] for r in payload["rotations"]) + 100
    # Nothing to defer to: the step and its calendar title give the answer first.
    from icalendar import Calendar

    ics = CliRunner().invoke(cli, ["solve", str(path), "--workers", "1", "--format", "ics"])
    titles = sorted(
        str(e["SUMMARY"])
        for e in Calendar.from_ical(ics.stdout_bytes).walk("VEVENT")
        if "the offer" in str(e["SUMMARY"])
    )
    taken = {r["program_id"] for r in payload["rotations"]}
    assert titles == sorted(
        f"{'Accept' if pid in taken else 'Decline'} the offer from {pid}"
        for pid in ("rad-b", "im-a", "rad-c")
    )
    assert {"rad-b", "rad-c"} - taken  # radiology max 1: one offer is declined


def test_an_offer_excluded_on_the_command_line_says_so() -> None:
    """Found by review: `--exclude` of an offered program was reported at the offer's
    line in the file, with no word about the option."""
    from tests.conftest import SCENARIOS

    scenario = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["apply", scenario, "--exclude", "rad-rainfern"])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "offers[2].program: program 'rad-rainfern' is both offered and excluded (by " in said
    assert "--exclude on the command line)" in said and "Traceback" not in said


def test_the_applications_calendar_holds_the_rotation_accepted_now() -> None:
    """Found by a student-journey review: `apply`'s calendar said to accept the cedar
    offer, but the rotation itself (06-14 to 07-11) was nowhere in it."""
    from icalendar import Calendar

    from tests.conftest import SCENARIOS

    scenario = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["apply", scenario, "--workers", "1", "--format", "ics"])
    assert result.exit_code == 0, result.output
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(result.stdout_bytes).walk("VEVENT")}
    (name,) = [s for s in events if s.startswith("Rotation: Cedar Lantern")]
    rotation = events[name]
    assert rotation.decoded("DTSTART").isoformat() == "2027-06-14"
    assert rotation.decoded("DTEND").isoformat() == "2027-07-12"  # exclusive: ends 07-11
    assert "Ask for the letter at rad-cedar" in events
    assert not any(s.startswith("Rotation: Peachleaf") for s in events)  # declined
    payload = json.loads(
        CliRunner().invoke(cli, ["apply", scenario, "--workers", "1", "--format", "json"]).stdout
    )
    (cedar,) = payload["lock_rotations"]
    assert (cedar["program_id"], cedar["start"], cedar["end"]) == (
        "rad-cedar",
        "2027-06-14",
        "2027-07-11",
    )
    # Its fee ($80) was paid with the application: in `paid_fees`, not its cost.
    assert cedar["cost"] == 2380 - 80 and cedar["locked"]
    assert payload["paid_fees"] == 80 + 90 + 200


def test_every_outcome_plan_of_the_chosen_answer_passes_the_checker(tmp_path: Path) -> None:
    """The plans behind the answer are re-checked: the chosen way's scenario (accepted
    offers locked, declined programs out, every offer's fee paid) and each offer
    outcome's best plan pass the independent checker, with the value the table holds."""
    from rotation_solver.checker import check_plan
    from rotation_solver.portfolio import outcome_payload

    data = _tiny([("rad-b", "2027-06-07"), ("rad-c", "2027-06-14")], budget=2600)
    loaded = load_scenario(write_scenario(tmp_path, data))
    report = plan_portfolio(loaded, max_applications=2, evaluate_outcomes=20, bound=False,
                            options=ONE)  # fmt: skip
    # The budget stays the season's; every offer's fee is paid in every way.
    assert report.problem.loaded.budget == 2600
    assert report.problem.loaded.paid_fees == 50 + 20
    checked = 0
    for mask in range(1 << len(report.table.portfolio)):
        scenario, payload = outcome_payload(report.problem, report.table, mask)
        if payload["objective"] is None:
            continue
        verdict = check_plan(scenario, payload)
        assert verdict.ok, (mask, verdict.violations)
        assert verdict.objective == payload["objective"]
        checked += 1
    assert checked > 0


def test_declining_sure_offers_names_the_no_plan_outcomes_of_keeping_them() -> None:
    """Found by a mid-season review: two sure offers were declined because keeping both
    left 25% of outcomes without a clinical rotation, which count 0 though the accepted
    rotations stand. The line says so when a way keeping more offers loses that way."""
    from rotation_solver.portfolio.render import offer_answer_lines

    harbor = {"program_id": "rad-harbor", "start": "2027-06-07"}
    peach = {"program_id": "rad-peachleaf", "start": "2027-08-02"}

    def way(accept: list[dict[str, str]], value: float, outcome: str, no_plan: float) -> dict:
        return {
            "accept": accept,
            "best_case": 600.0,
            "expected_value": value,
            "outcome": outcome,
            "exact": True,
            "cut_short": False,
            "no_plan": no_plan,
        }

    answers = {
        "accept": [],
        "decline": [harbor, peach],
        "expected_value": 317.2,
        "ways": [
            way([], 317.2, "chosen", 0.041),
            way([peach], 305.1, "searched", 0.008),
            way([harbor, peach], 255.8, "searched", 0.25),
        ],
        "proven": True,
        "declined_fees": 340,
        "out_of_time": 0,
    }
    line = " ".join(offer_answer_lines({"offer_answers": answers}))
    assert (
        "Keeping more offers (accept rad-harbor 2027-06-07 and rad-peachleaf 2027-08-02) is "
        "worth 255.8, no plan 25.0%: the outcomes with no plan meeting your rules" in line
    )
    # Not when keeping them does not end without a plan more often.
    answers["ways"][2]["no_plan"] = 0.05
    line = " ".join(offer_answer_lines({"offer_answers": answers}))
    assert "Keeping more offers" not in line


def _offer_steps(path: Path, *extra: str) -> list[str]:
    result = CliRunner().invoke(
        cli, ["timeline", str(path), "--workers", "1", "--format", "json", *extra]
    )
    assert result.exit_code == 0, result.output
    return [s["text"] for s in json.loads(result.stdout) if s["kind"] == "offer"]


def test_the_timelines_answer_to_two_offers_of_one_program_can_be_written(
    tmp_path: Path,
) -> None:
    """Found by review: the declined start of a program whose other start was accepted
    was to go under `exclude:`, which the loader refuses beside its lock."""
    data = _tiny([("rad-b", "2027-06-07"), ("rad-b", "2027-08-02")])
    steps = _offer_steps(write_scenario(tmp_path, data))
    accepted = [t for t in steps if t.startswith("Accept the offer")]
    declined = [t for t in steps if t.startswith("Decline the offer")]
    assert len(accepted) == 1 and len(declined) == 1
    assert declined[0].endswith(
        "then remove it from `offers:` (the start you accept goes under `locks:`)."
    )
    assert "`exclude:`" not in declined[0]
    # apply's own advice says so too.
    said = CliRunner().invoke(
        cli, ["apply", str(write_scenario(tmp_path, data)), "--workers", "1", "--evaluate", "50"]
    )
    text = " ".join(said.stdout.split())
    assert "but a declined start of rad-b, whose other offer you accept, is only removed" in text


def test_the_timelines_answer_names_what_it_was_weighed_against(tmp_path: Path) -> None:
    """Found by review: the reason came from the plan that follows the answer, so with
    nothing sent it spoke of "answers still to come from applications already sent"."""
    rows = [
        {**tiny_programs([0.6])[0], "id": "rad-a", "starts": "2027-06-14", "letter": 5,
         "audition": 5},
        {**tiny_programs([0.51])[0], "id": "rad-b", "starts": "2027-08-02", "letter": 10,
         "audition": 10},
    ]  # fmt: skip
    data = scenario_dict(
        rows,
        requirements={"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0, "max": 0},
                      "max_rotations": 1, "tier_mix": False},
    )  # fmt: skip
    data["offers"] = [{"program": "rad-a", "start": "2027-06-14"}]
    path = write_scenario(tmp_path, data)
    solved = CliRunner().invoke(cli, ["solve", str(path), "--workers", "1", "--format", "json"])
    assert [r["program_id"] for r in json.loads(solved.stdout)["rotations"]] == ["rad-b"]
    (step,) = _offer_steps(path)
    assert step.startswith("Accept the offer")
    assert "against the applications still to send" in step
    assert "already sent" not in step


def test_the_timeline_defers_to_apply_when_its_answer_was_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: with --time-limit too short to weigh every way, the timeline
    followed the unfinished answer as if it were apply's settled one."""
    import dataclasses

    from rotation_solver.portfolio import apply as apply_module
    from rotation_solver.portfolio.acceptance import OUT_OF_TIME

    data = _tiny([("rad-b", "2027-08-02"), ("im-a", "2027-07-05")])
    path = write_scenario(tmp_path, data)
    assert all("`rotation-solver apply`'s answer" in t for t in _offer_steps(path))
    real = apply_module.answer_as_apply

    def cut_short(*args: Any, **kwargs: Any) -> Any:
        answers = real(*args, **kwargs)
        ways = tuple(dataclasses.replace(w, outcome=OUT_OF_TIME) for w in answers.ways[1:])
        return dataclasses.replace(answers, ways=(answers.ways[0], *ways))

    monkeypatch.setattr(apply_module, "answer_as_apply", cut_short)
    steps = _offer_steps(path)
    assert steps and all(t.startswith("Check `rotation-solver apply SCENARIO`") for t in steps)


def test_the_timeline_that_follows_apply_says_whose_applications_it_lists() -> None:
    """Found by an advisor's review: the note said "only this plan's applications" under
    steps that held `apply`'s."""
    from click.testing import CliRunner

    from rotation_solver.cli import cli

    path = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["timeline", path, "--workers", "1", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "following `apply`'s answer" in said
    assert "The applications listed are the ones `rotation-solver apply` chose" in said
    assert "Only this plan's applications" not in said


def test_the_timeline_that_follows_apply_asks_for_apply_s_starts_once_per_program() -> None:
    """Found by an advisor's review: a program both in the plan and among `apply`'s
    applications got the plan's step, for one start, where `apply` counted on its
    alternates too."""
    from click.testing import CliRunner

    from rotation_solver.cli import cli

    path = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    timeline = CliRunner().invoke(cli, ["timeline", path, "--workers", "1", "--format", "json"])
    applied = CliRunner().invoke(cli, ["apply", path, "--workers", "1", "--format", "json"])
    assert timeline.exit_code == 0 and applied.exit_code == 0
    steps = json.loads(timeline.stdout)
    submits = [s for s in steps if s["kind"] == "submit"]
    programs = [s["program_id"] for s in submits]
    assert len(programs) == len(set(programs))  # one step each
    wanted = {
        a["program_id"]: a["starts"]
        for a in json.loads(applied.stdout)["applications"]
        if not (a.get("sent") or a.get("offered"))
    }
    assert set(programs) == set(wanted)
    for step in submits:
        for start in wanted[step["program_id"]]:
            assert start in step["text"], (step["program_id"], start)
