"""Library-level inputs from a third mutation review (reduction, solve, planner, render,
the portfolio's search, summary, naive strategies, budgets and report): each test tells
the code from a one-line mutant that no other test caught, named in its docstring.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import rotation_solver.solve as solve_module
from rotation_solver.planner import plan_scenario
from rotation_solver.render import (
    APPLY_NOTE,
    apply_note,
    headline,
    render_markdown,
    render_table,
)
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import Result, SolveOptions
from tests.conftest import program

Make = Callable[..., LoadedScenario]
ONE_RADIOLOGY = {
    "radiology": {"min": 1, "max": 1},
    "clinical": {"min": 0, "max": 0},
    "tier_mix": False,
}

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
ONE_WORKER = SolveOptions(workers=1, seed=0, time_limit=30)


@pytest.fixture
def first_plan_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """CP-SAT stops at its first plan: a FEASIBLE result whose bound is above its value,
    as a solve stopped by the time limit gives (deterministic on one worker)."""
    real = solve_module.solve_interruptibly

    def first(solver: Any, model: Any, callback: Any = None) -> Any:
        solver.parameters.stop_after_first_solution = True
        return real(solver, model, callback) if callback is not None else real(solver, model)

    monkeypatch.setattr(solve_module, "solve_interruptibly", first)


def test_a_plan_stopped_short_of_its_bound_reports_the_gap(first_plan_only: None) -> None:
    """Kills S01 (gap divided by the objective, not the bound), S05 (bound set to the
    objective for FEASIBLE, not OPTIMAL), S11 (the cheapest-of-value search run on a plan
    not proven best: the checker rejects it), PL04 (explain a plan not proven optimal),
    R02 (gap shown as 10x, not 100x, percent), R03 (the budget, not what is left) and R04
    (a feasible plan shown as "no plan"). The original keeps CP-SAT's bound above the
    objective, gap (bound - objective) / bound, and shows the plan with its cost, its gap
    and the skipped explanation."""
    loaded = load_scenario(SCENARIOS / "example" / "scenario.yaml")
    outcome = plan_scenario(loaded, ONE_WORKER, explain=True)
    result, payload = outcome.result, outcome.payload
    assert result.status == "feasible" and result.has_plan
    assert result.bound is not None and result.objective is not None
    assert result.bound > result.objective
    assert result.gap == pytest.approx((result.bound - result.objective) / result.bound)
    assert "explanation" not in payload and "explanation_skipped" in payload
    rows = dict(headline(payload))
    assert rows["Gap"] == f"{100 * (result.gap or 0):.2f}%"
    cost, budget = result.total_cost, loaded.budget
    assert rows["Total cost"] == f"${cost:,} of ${budget:,} (${budget - cost:,} left)"
    assert "not proven best" in rows["Bound"]
    assert "- **Gap:** " + f"{100 * (result.gap or 0):.2f}%" in render_markdown(payload)


def test_the_gap_is_relative_to_the_bound() -> None:
    """Kills S01: the original divides by the bound (10/100), the mutant by the objective."""
    stopped = Result("feasible", 90, 100, (), 0, 1000, 0, 0.0, 0.0)
    assert stopped.gap == pytest.approx(0.1)
    assert Result("infeasible", None, None, (), 0, 1000, 0, 0.0, 0.0).gap is None


def _other(more: list[int], fees: list[int], left: int) -> dict[str, Any]:
    return {
        "other_applications": {
            "guide_applications": [6, 10],
            "more": more,
            "others": 20,
            "median_fee": 100,
            "fees": fees,
            "left": left,
        }
    }


def test_the_apply_note_compares_the_least_fees_with_what_is_left() -> None:
    """Kills R06 (no note when the guide's lower count is already met: `more` [0, 4]),
    R11 (fees exactly equal to what is left called "not enough") and R12 (the upper fees,
    not the lower, compared with what is left). The original says the fees fit as soon
    as the fewest applications' fees are at most what is left."""
    none_needed = apply_note(_other([0, 4], [0, 400], 1000))
    assert none_needed != APPLY_NOTE and "Applying to 0-4 more" in none_needed
    assert none_needed.endswith("$1,000 of the budget is left.")
    exactly = apply_note(_other([2, 6], [200, 600], 200))
    assert exactly.endswith("$200 of the budget is left.")
    between = apply_note(_other([2, 6], [200, 600], 400))
    assert between.endswith("$400 of the budget is left.")
    short = apply_note(_other([2, 6], [200, 600], 199))
    assert short.endswith("so follow `rotation-solver apply`, which pays every fee.")


@pytest.fixture(scope="module")
def example_payload() -> dict[str, Any]:
    loaded = load_scenario(SCENARIOS / "example" / "scenario.yaml")
    return plan_scenario(loaded, ONE_WORKER).payload


def _table(payload: dict[str, Any], width: int) -> str:
    console = Console(width=width, record=True, color_system=None)
    render_table(payload, console)
    return console.export_text()


def test_the_table_layout_switches_below_100_and_130_columns(
    example_payload: dict[str, Any],
) -> None:
    """Kills R14 (compact at exactly 100 columns) and R15 (short specialty codes at
    exactly 130): the original shows the program names from 100 columns on, and the
    "Specialty" column from 130 on."""
    name = example_payload["rotations"][0]["program_name"].split()[0]
    assert name in _table(example_payload, 100)
    assert name not in _table(example_payload, 99)
    assert "Specialty" in _table(example_payload, 130)
    assert "Kind" in _table(example_payload, 129)


def test_the_apply_note_stays_while_one_rotation_is_not_yet_accepted(
    example_payload: dict[str, Any],
) -> None:
    """Kills R16 (table) and R18 (Markdown): `not any(locked)` hides the note on
    uncertain offers as soon as one rotation is an accepted offer; the original keeps
    it until every rotation is accepted."""
    payload = {**example_payload, "rotations": [dict(r) for r in example_payload["rotations"]]}
    payload["rotations"][0]["locked"] = True
    assert "Offers are uncertain" in _table(payload, 160).replace("\n", " ")
    assert "Offers are uncertain" in render_markdown(payload)
    for rotation in payload["rotations"]:
        rotation["locked"] = True
    assert "Offers are uncertain" not in render_markdown(payload)


def test_a_conflict_naming_no_rule_prints_no_rules_heading(
    example_payload: dict[str, Any],
) -> None:
    """Kills R27 (the table prints "Rules in conflict" for a conflict with no rules, as a
    diagnosis stopped by its time limit gives): the original leaves that to "Why"."""
    payload = {**example_payload, "conflict": {"rules": [], "minimal": False, "repairs": []}}
    assert "Rules in conflict" not in _table(payload, 160)
    assert "Rules in conflict" not in render_markdown(payload)


def test_the_plan_picture_labels_and_primary_window() -> None:
    """Kills PT01 (a rotation inside one month labelled as if it spanned two) and PT02
    (the guide's primary window, June to September, cut at September 1)."""
    from datetime import date

    from rotation_solver.plot import _span, primary_window

    assert _span(date(2027, 6, 7), date(2027, 6, 20)) == "Jun 7–20"
    assert _span(date(2027, 6, 28), date(2027, 7, 11)) == "Jun 28 – Jul 11"
    assert primary_window(date(2027, 9, 25)) == (date(2027, 6, 1), date(2027, 9, 30))


def test_application_room_counts_the_locks_and_every_portfolio_size(make: Make) -> None:
    """Kills LS01 (portfolio_count leaves out the portfolios of exactly N programs, so
    the exhaustive search is chosen where it is too dear) and LS02 (the room for plans
    counts the accepted offers among the applications: one lock plus one application
    needs one application, not two). Since session 28 the room is the model's rule on
    applications, not a smaller max_rotations."""
    from rotation_solver.portfolio.local_search import portfolio_count, with_application_room
    from rotation_solver.problem import build_problem
    from rotation_solver.solve import SolveOptions, solve_problem

    assert portfolio_count(3, 2) == 1 + 3 + 3
    assert portfolio_count(15, 8) == sum(math.comb(15, r) for r in range(9))
    two = {"radiology": {"min": 2, "max": 2}, "clinical": {"min": 0, "max": 1}, "tier_mix": False}
    loaded = make(
        [program("a"), program("b", starts="2027-08-02")],
        locks=[{"program": "a", "start": "2027-06-07"}],
        requirements=two,
    )
    assert with_application_room(loaded, None) is loaded
    room = with_application_room(loaded, 1)
    assert room.requirements.max_rotations == loaded.requirements.max_rotations
    options = SolveOptions(workers=1, time_limit=10)
    # Radiology min 2: the lock and b, one application.
    assert solve_problem(build_problem(room), options).status == "optimal"
    none = with_application_room(loaded, 0)
    assert solve_problem(build_problem(none), options).status == "infeasible"


def _portfolio(loaded: LoadedScenario, scenarios: int = 50, seed: int = 0) -> tuple[Any, Any]:
    from rotation_solver.portfolio import Evaluator, build_portfolio_problem, sample_offers

    problem = build_portfolio_problem(loaded)
    return problem, Evaluator(problem, sample_offers(problem, scenarios, seed, stream=0))


def test_the_local_search_grows_through_portfolios_worth_nothing_yet(make: Make) -> None:
    """Kills LS04 (grow stops while the value is still 0): a plan needs two radiology
    programs, so one application alone is worth 0; the original keeps growing from
    nothing (value <= 0) and applies to both, the mutant ends with no application."""
    from rotation_solver.portfolio import search

    loaded = make(
        [program("a", fee=0), program("b", starts="2027-08-02", fee=0)],
        requirements={"radiology": {"min": 2, "max": 2}, "clinical": {"min": 0, "max": 0}},
    )
    problem, evaluator = _portfolio(loaded)
    found = search(problem, evaluator, 2, exhaustive_work=0)
    assert not found.exhaustive
    assert [problem.candidates[i].program_id for i in found.portfolio] == ["a", "b"]
    assert found.value > 0


def test_restarts_keep_the_portfolio_unless_they_find_better(make: Make) -> None:
    """Kills LS09 (a restart that only ties replaces the portfolio) and LS11 (`better`
    accepts an equal portfolio, so the moves cycle among tied portfolios until the time
    limit). Three interchangeable programs, one plan rotation: every pair ties, so the
    original's restarts keep what the first descent found, and it ends at a local optimum."""
    from rotation_solver.portfolio import search

    loaded = make(
        [
            program("a", fee=0),
            program("b", starts="2027-08-02", fee=0),
            program("c", starts="2027-07-05", fee=0),
        ],
        requirements={"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0, "max": 0}},
    )
    problem, evaluator = _portfolio(loaded, scenarios=20)
    plain = search(problem, evaluator, 2, exhaustive_work=0, time_limit=1.0)
    restarted = search(problem, evaluator, 2, exhaustive_work=0, time_limit=1.0, restarts=4)
    assert plain.local_optimum and restarted.local_optimum
    assert restarted.portfolio == plain.portfolio and len(plain.portfolio) == 2


class _TableEvaluator:
    """The SAA value of each portfolio from a table: the search, not the sampling, is
    under test. Candidate indices: 0 = a, 1 = b, 2 = c."""

    def __init__(self, values: dict[tuple[int, ...], float]):
        self.values = values
        self.evaluations = 0
        self.offers: list[object] = [None]  # one outcome: `exhaustive_work=0` skips it

    def __call__(self, portfolio: tuple[int, ...]) -> float:
        self.evaluations += 1
        return self.values[tuple(sorted(portfolio))]


def test_swaps_try_more_than_the_best_ranked_candidate(make: Make) -> None:
    """Kills LS06 (`ranked[:swap_candidates]` -> `ranked[:1]`). With one application
    allowed and the seed `a`, swaps are ranked by the value of adding: `b` (30 beside
    `a`) before `c` (15). Swapping in `b` alone is worse (5), swapping in `c` is better
    (20): the original tries both and ends at `c`, the mutant stays at `a`."""
    from rotation_solver.portfolio import build_portfolio_problem, search

    loaded = make(
        [
            program("a", fee=0),
            program("b", starts="2027-08-02", fee=0),
            program("c", starts="2027-07-05", fee=0),
        ]
    )
    problem = build_portfolio_problem(loaded)
    assert [c.program_id for c in problem.candidates] == ["a", "b", "c"]
    table: dict[tuple[int, ...], float] = {
        (): 0, (0,): 10, (1,): 5, (2,): 20, (0, 1): 30, (0, 2): 15, (1, 2): 25
    }  # fmt: skip
    evaluator: Any = _TableEvaluator(table)
    found = search(problem, evaluator, 1, seed=(0,), exhaustive_work=0)
    assert found.portfolio == (2,) and found.value == 20 and found.local_optimum
    evaluator = _TableEvaluator(table)
    narrow = search(problem, evaluator, 1, seed=(0,), exhaustive_work=0, swap_candidates=1)
    assert narrow.portfolio == (0,)  # the same search trying one swap stops at the seed


def test_no_applications_when_nothing_can_be_worth_anything(make: Make) -> None:
    """Kills LS12 (`fewer = exact`: on a sample, ties at value 0 keep more applications):
    two radiology rotations are needed and the only two overlap, so every portfolio is
    worth 0; the original applies nowhere, on the local search and the exhaustive path."""
    from rotation_solver.portfolio import search

    loaded = make(
        [program("a", fee=0), program("b", fee=0)],
        requirements={"radiology": {"min": 2, "max": 2}, "clinical": {"min": 0, "max": 0}},
    )
    problem, evaluator = _portfolio(loaded, scenarios=20)
    assert len(problem.candidates) == 2
    assert search(problem, evaluator, 2, exhaustive_work=0, time_limit=1.0).portfolio == ()
    assert search(problem, evaluator, 2, time_limit=1.0).portfolio == ()


def _portfolio_text(payload: dict[str, Any]) -> str:
    from rotation_solver.portfolio.render import render_portfolio_table

    console = Console(width=160, record=True, color_system=None)
    render_portfolio_table(payload, console)
    return console.export_text()


def test_the_starts_cell_counts_the_free_alternates() -> None:
    """Kills PR04 (the second start, not the last, ends the span) and PR05 (" +0 alt"
    when every start is used)."""
    from rotation_solver.portfolio.render import _starts_cell

    starts = ["2027-06-07", "2027-07-05", "2027-08-02"]
    assert _starts_cell(starts, []) == "3 · 06-07..08-02"
    assert _starts_cell(starts, starts) == "06-07, 07-05, 08-02"
    assert _starts_cell(starts, starts[:1]) == "06-07 +2 alt"


@pytest.fixture(scope="module")
def two_offers() -> Callable[..., dict[str, Any]]:
    """`apply` payloads of two radiology programs, one plan rotation (a offers half the
    time and is worth more; b always offers)."""
    import tempfile

    from rotation_solver.portfolio import plan_portfolio
    from tests.conftest import scenario_dict
    from tests.random_scenarios import write_scenario

    folder = Path(tempfile.mkdtemp())
    programs = [
        program("a", acceptance=0.5, letter=9, fee=10),
        program("b", starts="2027-08-02", letter=3, fee=10),
    ]
    requirements = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0, "max": 0}}
    loaded = load_scenario(
        write_scenario(folder, scenario_dict(programs, requirements=requirements))
    )

    def report(**options: Any) -> dict[str, Any]:
        return plan_portfolio(
            loaded, scenarios=50, seed=1, evaluate_outcomes=50, options=ONE_WORKER, **options
        ).payload

    return report


def test_the_apply_report_names_how_the_portfolio_was_chosen(
    two_offers: Callable[..., dict[str, Any]],
) -> None:
    """Kills PR06 (an exhaustive search on the sample reported with a bound instead):
    the original says every portfolio was evaluated on the sample; and the out-of-sample
    line prints the sample's value minus the exact one."""
    sampled = two_offers(enumerate_outcomes=False)
    assert sampled["saa"]["exhaustive"] and not sampled["sampling"]["enumerated"]
    assert "every portfolio evaluated), gap 0%" in _portfolio_text(sampled)
    exact = two_offers()
    saa = exact["saa"]
    difference = saa["out_of_sample_value"] - exact["expected_value"]
    assert saa["saa_gap"] == pytest.approx(-difference)
    assert f"{difference:+.1f} against the exact value" in _portfolio_text(exact)


def test_the_apply_report_bars_labels_and_no_plan_reasons(
    two_offers: Callable[..., dict[str, Any]],
) -> None:
    """Kills PR11 (bar lengths truncated, not rounded: 30 x 0.3 / 0.7 = 12.9 is 13
    blocks), PR12 (a single value shown as a range "90–90"), PR14 (0.1% failing only
    tier_mix left unsaid), PR07 (status "unknown" rendered as a portfolio), PR08 (a repair
    that leaves no plan offered as one) and PR09 (a strategy worth 0 on the sample but
    not exactly called worthless)."""
    from rotation_solver.portfolio.render import render_portfolio_markdown

    payload = two_offers()
    bars = {**payload, "distribution": {"edges": [0.0, 10.0, 20.0], "counts": [0.7, 0.3]}}
    lines = [line for line in _portfolio_text(bars).splitlines() if "█" in line]
    assert [line.count("█") for line in lines] == [30, 13]
    single = {**payload, "distribution": {"edges": [90.0, 90.0], "counts": [1.0]}}
    assert "90–" not in _portfolio_text(single) and "100.0%" in _portfolio_text(single)
    rare = {
        **payload,
        "probabilities": {**payload["probabilities"], "no_plan_only_tier_mix": 0.001},
    }
    assert "(of which 0.1% fail only tier_mix)" in " ".join(_portfolio_text(rare).split())
    stopped = {"status": "unknown", "scenario": "s", "why": "out of time"}
    assert render_portfolio_markdown(stopped) == (
        "# Applications: s\n\nNo applications can lead to a plan: out of time\n"
    )
    repairs = [
        {"change": "raise the budget to $9,000", "objective": 120},
        {"change": "drop tier_mix", "objective": None},
    ]
    infeasible = {**stopped, "status": "infeasible", "conflict": {"repairs": repairs}}
    assert "drop tier_mix" not in render_portfolio_markdown(infeasible)
    assert "raise the budget to $9,000" in render_portfolio_markdown(infeasible)
    strategies = [dict(s) for s in payload["evaluation"]["strategies"]]
    strategies[1].update(value=0.0, exact_value=5.0)
    lucky = {**payload, "evaluation": {**payload["evaluation"], "strategies": strategies}}
    assert "is worth 0" not in render_portfolio_markdown(lucky)


def test_two_portfolios_tied_on_the_sample_are_told_apart_exactly(make: Make) -> None:
    """Kills LS18 (the exact tie-break only for three or more tied portfolios): c offers
    in none of the sampled outcomes, so {a} and {a, c} tie on the sample; the original
    settles the tie of two by the exact value and applies to c as well."""
    from rotation_solver.portfolio import search

    loaded = make(
        [
            program("a", fee=0),
            program("c", starts="2027-08-02", fee=5, acceptance=0.01, letter=10, audition=10),
        ],
        requirements={"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0, "max": 0}},
    )
    problem, evaluator = _portfolio(loaded, scenarios=20, seed=1)
    assert not evaluator.offers[:, 1].any()
    found = search(problem, evaluator, 2, time_limit=5.0)
    assert found.exhaustive
    assert [problem.candidates[i].program_id for i in found.portfolio] == ["a", "c"]


def test_budget_rows_leave_out_the_scenarios_own_warnings() -> None:
    """Kills B04 (the scenario's own warnings, already shown when it was loaded, repeated
    for every budget): the original lists each new warning once with its budgets
    ("budgets" only for two or more)."""
    from rotation_solver.portfolio.budgets import sweep_warnings

    rows = [
        {"budget": 5000, "warnings": ["own", "few programs"]},
        {"budget": 6000, "warnings": ["own", "few programs"]},
        {"budget": 7000, "warnings": ["own", "late"]},
    ]
    assert sweep_warnings({"rows": rows}, ["own"]) == [
        "at budgets $5,000, $6,000: few programs",
        "at budget $7,000: late",
    ]


def test_the_out_of_sample_intervals(make: Make) -> None:
    """Kills N08 (z = 1.645, not 1.96), N09 (ddof 0), N10 (sqrt(n - 1)), N11 and N12 (the
    interval no longer clipped to the values' range) and N13 (the margin's sign): one
    program worth V offers in 1 of 4 outcomes (then 3 of 4); against applying nowhere."""
    import numpy as np

    from rotation_solver.portfolio.naive import _ci, compare

    low, high = _ci(np.array([0.0, 10.0, 20.0]))
    assert (low, high) == pytest.approx(
        (10 - 1.96 * 10 / math.sqrt(3), 10 + 1.96 * 10 / math.sqrt(3))
    )
    loaded = make([program("a", acceptance=0.5, fee=0)], requirements=ONE_RADIOLOGY)
    problem, _ = _portfolio(loaded)
    value = problem.candidates[0].values[0]
    strategies = [("portfolio", (0,)), ("none", ())]
    rare = compare(problem, strategies, np.array([[True], [False], [False], [False]]))
    assert rare[0].mean == pytest.approx(value / 4)
    assert rare[0].ci[0] == 0.0 and rare[0].ci[1] < value
    assert rare[1].margin == pytest.approx(value / 4)
    common = compare(problem, strategies, np.array([[True], [True], [True], [False]]))
    assert common[0].ci[1] == pytest.approx(value) and common[0].ci[0] > 0


def test_the_perfect_information_bound_averages_over_every_sampled_outcome(
    make: Make,
) -> None:
    """Kills BD02 (the sum divided by the distinct outcomes, not by all of them): 20
    sampled outcomes of two programs repeat, and the bound is their plain mean."""
    import numpy as np

    from rotation_solver.portfolio import OfferedPlans, perfect_information_bound

    loaded = make(
        [
            program("a", acceptance=0.5, letter=9, fee=10),
            program("b", starts="2027-08-02", acceptance=0.5, letter=3, fee=10),
        ],
        requirements=ONE_RADIOLOGY,
    )
    problem, evaluator = _portfolio(loaded, scenarios=20)
    offers = evaluator.offers
    assert len({row.tobytes() for row in offers}) < len(offers)
    bound, proven = perfect_information_bound(problem, offers, ONE_WORKER)
    plans = OfferedPlans(problem, ONE_WORKER)
    assert proven
    assert bound == pytest.approx(np.mean([plans.best(row)[0] for row in offers]))


def test_the_perfect_information_bound_pays_the_plans_fees(make: Make) -> None:
    """Kills BD03 (the bound's plans leave their fees out of the budget): $300 of
    rotations fit the $310 budget, but not with their $20 of fees, so when both offer the
    original's best plan is the better rotation alone."""
    import numpy as np

    from rotation_solver.portfolio import OfferedPlans

    loaded = make(
        [
            program("a", letter=9, fee=10, housing_per_week=50, travel=100),
            program("b", starts="2027-08-02", letter=3, fee=10, housing_per_week=50, travel=0),
        ],
        requirements={"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0, "max": 0}},
        budget=310,
    )
    problem, _ = _portfolio(loaded)
    assert len(problem.candidates) == 2
    plans = OfferedPlans(problem, ONE_WORKER)
    both, alone = plans.best(np.array([True, True])), plans.best(np.array([True, False]))
    assert both[0] == alone[0] and both[2] == alone[2]


def test_a_penalty_lowers_the_value_of_the_programs_plans(make: Make) -> None:
    """Kills BD04 (the Lagrangian penalty added to an offering's value, not taken off):
    with a penalty of 200 on a, the best plan when both offer is b's (as
    benchmarks/portfolio_bound.py relies on)."""
    import numpy as np

    from rotation_solver.portfolio import OfferedPlans

    loaded = make(
        [program("a", letter=9, fee=10), program("b", starts="2027-08-02", letter=3, fee=10)],
        requirements=ONE_RADIOLOGY,
    )
    problem, _ = _portfolio(loaded)
    index = {c.program_id: c.index for c in problem.candidates}
    plans = OfferedPlans(problem, ONE_WORKER)
    both = np.array([True, True])
    value_b, _, plan = plans.best(both, penalty={index["a"]: 200})
    assert plan == (index["b"],)
    assert value_b == plans.best(np.array([index["b"] == 0, index["b"] == 1]))[0]
