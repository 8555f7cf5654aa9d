"""Gaps a mutation review left open in answering the offers in hand (`apply`): the
search order, the pruning, the time split, the second round, the fees of declined
offers, and the words of the report, the CSV and the budget table. Each test names the
mutants it kills (the review's labels: M acceptance.py, P apply.py, R render.py,
B budgets.py); each passes on the code and fails on those mutants.

`answer_offers` is driven here with a fake chooser and fake values, so that what it
decides depends only on the numbers each test sets.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli
from rotation_solver.portfolio import acceptance, plan_portfolio
from rotation_solver.portfolio.acceptance import (
    LEAST_SEARCH,
    SCREEN_UNTIL,
    Choice,
    answer_offers,
    answer_sets,
    answered,
    best_case,
    declined_fees,
)
from rotation_solver.portfolio.budgets import (
    _applications_cell,
    _changes,
    _notes,
    portfolio_budgets,
    render_budgets_csv,
)
from rotation_solver.portfolio.local_search import SearchResult
from rotation_solver.portfolio.render import (
    _search_row,
    offer_answer_lines,
    render_portfolio_csv,
)
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions
from tests.conftest import scenario_dict
from tests.random_scenarios import write_scenario
from tests.test_portfolio import tiny_programs

ONE = SolveOptions(workers=1, time_limit=20)
Key = frozenset[str]


def _offers_data(offers: list[tuple[str, str]], **changes: Any) -> dict[str, Any]:
    data = scenario_dict(
        tiny_programs([0.9, 0.3, 0.75, 0.2, 0.6, 0.95]),
        budget=5200,
        requirements={"radiology": {"min": 1, "max": 2}, "clinical": {"min": 1, "max": 1}},
    )
    data.update(changes)
    data["offers"] = [{"program": p, "start": s} for p, s in offers]
    return data


def _offers_scenario(
    tmp_path: Path, offers: list[tuple[str, str]], **changes: Any
) -> LoadedScenario:
    name = f"s{len(list(tmp_path.iterdir()))}.yaml"
    return load_scenario(write_scenario(tmp_path, _offers_data(offers, **changes), name))


@dataclass
class Run:
    calls: list[tuple[Key, float]]  # (accepted programs, time limit) per search
    case_limits: list[float]
    answers: acceptance.OfferAnswers

    def outcome(self, *accepted: str) -> str:
        (way,) = [w for w in self.answers.ways if _key(w.accept) == frozenset(accepted)]
        return way.outcome


def _key(locks: Any) -> Key:
    return frozenset(lock.program for lock in locks)


def _drive(
    monkeypatch: pytest.MonkeyPatch,
    loaded: LoadedScenario,
    cases: Callable[[Key], float | None],
    values: Callable[[Key, int], float],
    *,
    cut_short: bool = False,
    time_limit: float = 20.0,
) -> Run:
    """`answer_offers` with best cases and values set by the test: `values(way, n)` is
    the value of the n-th search of that way (0 first)."""
    calls: list[tuple[Key, float]] = []
    case_limits: list[float] = []
    searched: dict[Key, int] = {}

    def fake_best_case(at: LoadedScenario, _n: int, options: SolveOptions) -> float | None:
        case_limits.append(options.time_limit)
        return cases(_key(at.locks))

    def fake_choose(at: LoadedScenario, limit: float, quiet: bool) -> Choice:
        way = _key(at.locks)
        calls.append((way, limit))
        n = searched.get(way, 0)
        searched[way] = n + 1
        found = SearchResult((), values(way, n), 0, 0, 0.0, not cut_short)
        return Choice(at, found, None, False, 0.0)  # type: ignore[arg-type]

    def fake_value(problem: Any, _portfolio: Any) -> float:
        way = _key(problem.locks)
        return values(way, searched[way] - 1)

    monkeypatch.setattr(acceptance, "best_case", fake_best_case)
    monkeypatch.setattr(acceptance, "exact_value", fake_value)
    monkeypatch.setattr(acceptance, "_no_plan_chance", lambda _choice: 0.0)
    answers = answer_offers(loaded, 2, fake_choose, ONE, time_limit, lambda _l, _t: lambda _n: None)
    return Run(calls, case_limits, answers)


# -- the search order, the pruning and the ties (acceptance.py) ---------------------------


def test_a_way_that_cannot_reach_the_margin_is_not_searched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Kills M16, M35, M36: the accepting way (best case 200) is searched first and is
    worth 100; declining (best case 50) cannot come within 2% of it and is skipped."""
    loaded = _offers_scenario(tmp_path, [("rad-b", "2027-08-02")])
    run = _drive(monkeypatch, loaded, lambda way: 200.0 if way else 50.0, lambda _way, _n: 100.0)
    assert [way for way, _limit in run.calls] == [frozenset({"rad-b"})]
    assert run.outcome("rad-b") == "chosen" and run.outcome() == "cannot beat"


def test_an_unknown_best_case_comes_after_the_known_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Kills M12, M29: a way whose best case was not known in time (inf) is searched
    after every way with a known one, however high its own might be."""
    loaded = _offers_scenario(tmp_path, [("rad-b", "2027-08-02")])
    run = _drive(
        monkeypatch, loaded, lambda way: math.inf if not way else 10.0, lambda _way, _n: 100.0
    )
    assert run.calls[0][0] == frozenset({"rad-b"})
    sets = answer_sets(loaded.offers)
    assert [len(s) for s in sets] == sorted(len(s) for s in sets)


def test_searching_goes_on_past_the_time_until_a_way_is_worth_something(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Kills M18: no time to screen, and the first way searched (declining, worth 0)
    has no plan; the next is searched anyway, and its offer is accepted."""
    monkeypatch.setattr(acceptance, "SCREEN_UNTIL", 0.0)
    loaded = _offers_scenario(tmp_path, [("rad-b", "2027-08-02")])
    run = _drive(monkeypatch, loaded, lambda _way: 200.0, lambda way, _n: 50.0 if way else 0.0)
    assert [way for way, _limit in run.calls] == [frozenset(), frozenset({"rad-b"})]
    assert _key(run.answers.accept) == {"rad-b"}


def test_ways_not_searched_in_time_make_the_answer_unproven(tmp_path: Path) -> None:
    """Kills M02, P02: with no time to screen, the first way is searched (exactly: a
    tiny catalog) and the rest are out of time; the answer is then neither proven nor
    called optimal."""
    loaded = _offers_scenario(tmp_path, [("rad-b", "2027-08-02"), ("im-a", "2027-07-05")])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(acceptance, "SCREEN_UNTIL", 0.0)
        payload = plan_portfolio(
            loaded, max_applications=2, evaluate_outcomes=20, bound=False, options=ONE
        ).payload
    answers = payload["offer_answers"]
    assert answers["out_of_time"] > 0 and not answers["proven"]
    assert payload["status"] == "feasible"
    assert any(w["exact"] for w in answers["ways"])  # what was searched was exact


# -- the time split and the second round ---------------------------------------------------


def test_the_time_is_split_among_the_ways_that_may_count(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Kills M19, M21, M32: best cases get at most a quarter of the time; the first
    search gets its share of the screen (not all of it); no search gets less than
    `LEAST_SEARCH`."""
    loaded = _offers_scenario(
        tmp_path, [("rad-b", "2027-08-02"), ("im-a", "2027-07-05"), ("rad-c", "2027-09-06")]
    )
    limit = 8.0
    run = _drive(monkeypatch, loaded, lambda _way: 200.0, lambda _way, _n: 100.0, time_limit=limit)
    ways = len(answer_sets(loaded.offers))
    assert all(t <= acceptance.BEST_CASE_SHARE * limit + 1e-6 for t in run.case_limits)
    assert len(run.calls) == ways  # equal best cases: every way may count
    assert run.calls[0][1] <= SCREEN_UNTIL * limit / ways + 0.05
    assert all(t >= LEAST_SEARCH for _way, t in run.calls)


def test_a_search_cut_short_is_run_again_and_keeps_its_better_value(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Kills M20, M22, M23: every search stops at the time limit (not a local
    optimum); the best way is searched again, and a worse second result does not
    replace the first."""
    loaded = _offers_scenario(tmp_path, [("rad-b", "2027-08-02")])
    run = _drive(
        monkeypatch,
        loaded,
        lambda _way: 200.0,
        lambda way, n: (100.0 if n == 0 else 50.0) if way else 90.0,
        cut_short=True,
    )
    accepting = [limit for way, limit in run.calls if way == {"rad-b"}]
    assert len(accepting) == 2  # the screen, then the second round
    assert run.answers.expected_value == 100.0 and _key(run.answers.accept) == {"rad-b"}
    (way,) = [w for w in run.answers.ways if w.accept]
    assert way.expected_value == 100.0 and way.cut_short


def test_an_unknown_or_negative_best_case(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Kills M10, M09: a best case stopped by the time limit is unknown (inf, searched
    later), not "no plan"; a plan worth less than 0 bounds the way by 0 (an outcome
    with no plan counts 0)."""
    loaded = _offers_scenario(tmp_path, [("rad-b", "2027-08-02")])

    @dataclass
    class Result:
        status: str
        has_plan: bool
        bound: float | None

    @dataclass
    class Outcome:
        result: Result

    for result, expected in (
        (Result("unknown", False, None), math.inf),
        (Result("optimal", True, -5.0), 0.0),
        (Result("infeasible", False, None), None),
    ):
        monkeypatch.setattr(acceptance, "plan_scenario", lambda *_a, r=result, **_k: Outcome(r))
        assert best_case(loaded, 2, ONE) == expected


# -- fees of declined offers (acceptance.py, apply.py) -------------------------------------


def test_a_declined_program_s_fee_comes_off_once(tmp_path: Path) -> None:
    """Kills M07, M08, M31, P01: two offers of rad-b (fee 50), both declined, count 50
    as paid, not 100; the report keeps the stated budget. The fee stays paid whatever
    the answer (the budget is the season's)."""
    loaded = _offers_scenario(tmp_path, [("rad-b", "2027-06-07"), ("rad-b", "2027-08-02")])
    assert declined_fees(loaded, ()) == 50
    assert loaded.paid_fees == 50
    for accept in ((), (loaded.offers[0],)):
        way = answered(loaded, accept)
        assert way.budget == 5200 and way.paid_fees == 50
    payload = plan_portfolio(
        loaded, max_applications=2, evaluate_outcomes=20, bound=False, options=ONE
    ).payload
    answers = payload["offer_answers"]
    assert payload["budget"] == 5200
    assert answers["declined_fees"] == (0 if answers["accept"] else 50)


def test_the_scenario_s_own_lock_is_not_an_offer_to_accept(tmp_path: Path) -> None:
    """Kills P03, R10: a lock written in the scenario keeps `offer: false`; only the
    offers this report accepts are marked, in the JSON and the table."""
    loaded = _offers_scenario(
        tmp_path,
        [("rad-b", "2027-08-02"), ("im-a", "2027-07-05")],
        locks=[{"program": "rad-c", "start": "2027-06-14"}],
    )
    payload = plan_portfolio(
        loaded, max_applications=2, evaluate_outcomes=20, bound=False, options=ONE
    ).payload
    marks = {x["program_id"]: x["offer"] for x in payload["locks"]}
    assert marks.pop("rad-c") is False
    accepted = {o["program_id"] for o in payload["offer_answers"]["accept"]}
    assert marks == {pid: True for pid in accepted}
    path = write_scenario(
        tmp_path,
        _offers_data(
            [("rad-b", "2027-08-02"), ("im-a", "2027-07-05")],
            locks=[{"program": "rad-c", "start": "2027-06-14"}],
        ),
        "cli.yaml",
    )
    table = " ".join(
        CliRunner()
        .invoke(cli, ["apply", str(path), "--workers", "1", "--max-applications", "2"])
        .stdout.split()
    )
    assert "rad-c@2027-06-14 (offer to accept)" not in table
    assert "rad-c@2027-06-14" in table


def test_the_chosen_way_is_not_searched_again_for_the_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Kills P07: the report uses the chosen way's search; `_choose` runs once per
    searched way, not once more."""
    from rotation_solver.portfolio import apply

    calls: list[int] = []
    real = apply._choose

    def counting(*args: Any, **kwargs: Any) -> Choice:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(apply, "_choose", counting)
    loaded = _offers_scenario(tmp_path, [("rad-b", "2027-08-02")])
    payload = plan_portfolio(
        loaded, max_applications=2, evaluate_outcomes=20, bound=False, options=ONE
    ).payload
    searched = [w for w in payload["offer_answers"]["ways"] if w["expected_value"] is not None]
    assert len(calls) == len(searched)


# -- the words: the offer line, the Search row, the CSV (render.py) ------------------------


def _way(accept: list[str], value: float | None, outcome: str, **more: Any) -> dict[str, Any]:
    return {
        "accept": [{"program_id": pid, "start": "2027-06-07"} for pid in accept],
        "best_case": 400.0,
        "expected_value": value,
        "outcome": outcome,
        "exact": True,
        "cut_short": False,
        "no_plan": None,
        **more,
    }


def _answers(ways: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    chosen = next(w for w in ways if w["outcome"] == "chosen")
    offered = {o["program_id"] for w in ways for o in w["accept"]}
    taken = {o["program_id"] for o in chosen["accept"]}
    return {
        "accept": chosen["accept"],
        "decline": [{"program_id": p, "start": "2027-06-07"} for p in sorted(offered - taken)],
        "expected_value": chosen["expected_value"],
        "ways": ways,
        "proven": True,
        "declined_fees": 0,
        "decline_margin": 0.02,
        "out_of_time": 0,
        **more,
    }


def test_the_offer_line_counts_each_kind_of_way_and_shows_two_runners_up() -> None:
    """Kills R01, R03, R04: the tally counts each outcome and leaves out kinds with
    none; both runners-up appear, best first."""
    ways = [
        _way(["a"], 300.0, "chosen"),
        _way(["b"], 280.0, "searched"),
        _way([], 290.0, "searched"),
        _way(["a", "b"], None, "cannot beat"),
        _way(["c"], None, "no plan"),
        _way(["a", "c"], None, "no plan"),
    ]
    line = " ".join(offer_answer_lines({"offer_answers": _answers(ways)}))
    assert "(3 searched, 1 ruled out by their best case, 2 without a plan)" in line
    assert "0 not searched" not in line
    assert "(next: decline all: 290.0; accept b 2027-06-07: 280.0)" in line


def test_the_offer_line_says_only_what_applies() -> None:
    """Kills R05, R06: no "(next:" with no other way searched; no word on declining
    when nothing is declined."""
    line = " ".join(offer_answer_lines({"offer_answers": _answers([_way(["a"], 300.0, "chosen")])}))
    assert "(next:" not in line and "flatters declining" not in line
    assert "to answer now: accept it: a 2027-06-07" in line
    ways = [_way([], 300.0, "chosen"), _way(["a"], 250.0, "searched")]
    line = " ".join(offer_answer_lines({"offer_answers": _answers(ways)}))
    assert "decline it: a 2027-06-07" in line and "flatters declining" in line


def _search_payload(**answers: Any) -> dict[str, Any]:
    return {
        "saa": {"candidates": 11, "in_sample_value": 300.0, "bound": 310.0,
                "optimality_gap": 0.03, "exhaustive": False},
        "sampling": {"enumerated": True, "outcomes": 2048, "scenarios": 200},
        "offer_answers": _answers([_way(["a"], 300.0, "chosen")], **answers),
    }  # fmt: skip


def test_the_search_row_says_how_far_the_answer_is_proven() -> None:
    """Kills R07, R08, R09, R15: proven; some ways not searched in time; others chosen
    on a sample; and, on the sample path, that the bound is the chosen answer's."""
    said = _search_row(_search_payload())[1]
    assert "around the chosen answer to the offers in hand" in said
    assert "every other answer to the offers was valued exactly or ruled out" in said
    said = _search_row(_search_payload(proven=False, out_of_time=2))[1]
    assert "some other answers were not searched in time" in said
    said = _search_row(_search_payload(proven=False))[1]
    assert "other answers were chosen on a sample" in said
    payload = _search_payload()
    payload["sampling"]["enumerated"] = False
    label, said = _search_row(payload)
    assert label == "In sample (SAA)" and said.endswith(
        ", around the chosen answer to the offers in hand"
    )
    del payload["offer_answers"]
    assert "around" not in _search_row(payload)[1]


def test_the_csv_offer_rows() -> None:
    """Kills R11, R13, R14: a declined offer is in no plan; an offer in hand is certain;
    the reason gives the expected value."""
    answers = _answers([_way(["a"], 300.0, "chosen"), _way(["b"], 250.0, "searched")])
    answers["accept"][0].update(program_name="A", specialty="radiology", tier="target")
    answers["decline"][0].update(program_name="B", specialty="radiology", tier="reach")
    rows = list(csv.DictReader(io.StringIO(render_portfolio_csv({"offer_answers": answers}))))
    roles = {r["program_id"]: r for r in rows}
    assert roles["a"]["role"] == "accept offer" and roles["a"]["plan_starts"] == "2027-06-07"
    assert roles["b"]["role"] == "decline offer" and roles["b"]["plan_starts"] == ""
    assert all(r["acceptance"] == "1" and r["offered"] == "true" for r in rows)
    assert "expected value 300.0" in roles["a"]["reason"]


# -- the budget table (budgets.py) ---------------------------------------------------------


def _report(accept: list[str] | None, value: float) -> dict[str, Any]:
    return {
        "status": "optimal",
        "expected_value": value,
        "sampling": {"enumerated": True},
        "fees": 100,
        "probabilities": {"no_plan": 0.0},
        "applications": [{"program_id": "x"}],
        "offer_answers": None
        if accept is None
        else {"accept": [{"program_id": p, "start": "2027-06-07"} for p in accept]},
    }


def test_the_budget_table_shows_a_change_of_answer() -> None:
    """Kills B02, B03, B04, B05: a row whose answer differs from the row before says so
    first (+accept / -accept); a row declining every offer says so; a row without
    offers says nothing of them."""
    reports = {5000: _report(["a"], 200.0), 6000: _report([], 210.0), 7000: _report(["b"], 230.0)}
    rows = portfolio_budgets(_FakeLoaded(), [5000, 6000, 7000], lambda at: reports[at.budget])[
        "rows"
    ]
    assert [r["offers_changed"] for r in rows] == [False, True, True]
    assert _changes(rows[1]) == "-accept a@2027-06-07"
    assert _changes(rows[2]).startswith("+accept b@2027-06-07")
    assert _applications_cell(rows[1]) == "decline every offer; apply to x"
    assert _applications_cell(rows[0]) == "accept a@2027-06-07; apply to x"
    assert _applications_cell({"accept_offers": None, "applications": ["x"]}) == "x"
    # Found by review: applications already sent were told "apply to".
    sent = {"accept_offers": None, "applications": ["x", "y"], "sent": ["x"]}
    assert _applications_cell(sent) == "sent x; apply to y"
    assert _applications_cell({**sent, "sent": ["x", "y"]}) == "sent x, y; no new application"


def test_the_budget_notes_and_csv_tell_no_offers_from_declining_them() -> None:
    """Kills B06, B07: the offers note only with offers in hand; in the CSV a row that
    declines every offer says "none", a row without offers leaves the cell empty."""
    with_offers = portfolio_budgets(
        _FakeLoaded(), [5000, 6000], lambda at: _report([] if at.budget == 5000 else None, 1.0)
    )
    without = portfolio_budgets(_FakeLoaded(), [5000], lambda at: _report(None, 1.0))
    assert any("With offers in hand" in note for note in _notes(with_offers))
    assert not any("With offers in hand" in note for note in _notes(without))
    rows = list(csv.DictReader(io.StringIO(render_budgets_csv(with_offers))))
    assert [r["accept_offers"] for r in rows] == ["none", ""]


@dataclass
class _FakeLoaded:
    budget: int = 6000

    @property
    def scenario(self) -> Any:
        return type("S", (), {"name": "fake"})()

    def with_budget(self, budget: int) -> _FakeLoaded:
        return _FakeLoaded(budget)
