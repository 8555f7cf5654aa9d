"""Inputs from a fifth mutation review (markdown cells, figures, the plan JSON, the greedy
hint, verify, the what-if lanes, re-used model, report and pictures, the portfolio's
report and picture): each test tells the code from a one-line mutant that no other test
caught, named in its docstring.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

import rotation_solver.whatif.reuse as reuse_module
from rotation_solver import whatif
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions, solve_problem
from rotation_solver.whatif.lanes import in_threads
from rotation_solver.whatif.reuse import LeastBudget, ReusedModel, Stopped, least_budget
from tests.conftest import SCENARIOS, program

Make = Callable[..., LoadedScenario]
ONE_WORKER = SolveOptions(workers=1, seed=0, time_limit=20)
EXAMPLE = SCENARIOS / "example" / "scenario.yaml"
INFEASIBLE = SCENARIOS / "infeasible" / "scenario.yaml"


# -- what the solves report when CP-SAT stops early ------------------------------------


@contextmanager
def solves_reporting(
    monkeypatch: pytest.MonkeyPatch, method: str, code: Any, *, solve: bool = True
) -> Iterator[None]:
    """While ReusedModel.METHOD runs, its CP-SAT solves report CODE (as a time limit
    would: FEASIBLE for a plan not proven best, UNKNOWN for none found); with `solve`
    False no solve runs at all. Every other solve is left alone."""
    real_solve = reuse_module.solve_interruptibly
    real_method = getattr(ReusedModel, method)
    inside = threading.local()

    def solving(solver: Any, model: Any, callback: Any = None) -> Any:
        if not getattr(inside, "on", False):
            return real_solve(solver, model)
        got = real_solve(solver, model) if solve else cp_model.UNKNOWN
        return got if code is None else code

    def method_(self: ReusedModel, *args: Any, **kwargs: Any) -> Any:
        inside.on = True
        try:
            return real_method(self, *args, **kwargs)
        finally:
            inside.on = False

    monkeypatch.setattr(reuse_module, "solve_interruptibly", solving)
    monkeypatch.setattr(ReusedModel, method, method_)
    yield


def test_a_least_cost_cut_short_is_not_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills RU18 (reuse.py least_cost, `code == cp_model.OPTIMAL` -> `True`): a cheapest
    plan the time limit cut short is not proven the least, so the frontier built on it is
    not proven exact."""
    loaded = load_scenario(EXAMPLE)
    with solves_reporting(monkeypatch, "least_cost", cp_model.FEASIBLE):
        reused = ReusedModel(build_problem(loaded), 20000, ONE_WORKER)
        assert reused.least_cost() == (4185, False)
        payload = whatif.frontier_payload(whatif.frontier(loaded, ONE_WORKER))
    assert payload["least_budget"] == 4185 and payload["points"]
    assert payload["exact"] is False


def test_no_cheapest_plan_in_time_is_not_called_impossible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Kills RU19 (reuse.py least_cost, `code == cp_model.INFEASIBLE` -> `True`): no plan
    found within the time limit proves nothing; the least budget says so, rather than
    looking for rules in conflict."""
    loaded = load_scenario(EXAMPLE)
    with solves_reporting(monkeypatch, "least_cost", None, solve=False):
        reused = ReusedModel(build_problem(loaded), 20000, ONE_WORKER)
        assert reused.least_cost() == (None, False)
        found = least_budget(loaded, reused, ONE_WORKER)
    assert found == LeastBudget(None, False, "no plan was found within the time limit")


def test_a_cheapest_of_value_cut_short_makes_the_two_step_frontier_inexact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Kills RU15 (reuse.py minimise_cost, `status == "optimal"` -> `True`): the two-step
    frontier's second solve (least cost at the best value) stopped by the time limit is
    not proven, so neither its point nor the frontier is exact."""
    loaded = load_scenario(EXAMPLE)
    with solves_reporting(monkeypatch, "minimise_cost", cp_model.FEASIBLE):
        result = whatif.frontier(loaded, ONE_WORKER, method="two-step")
    assert result.points and not any(p.exact for p in result.points)
    assert result.exact is False


def test_a_plan_not_proven_best_keeps_a_bound_above_the_best_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Kills RU11 (reuse.py best_plan, `if status == "optimal":` -> `if status ==
    "feasible":`, which takes the plan's own value as the bound): a plan the solve did
    not prove best has a bound at least the true best value, here above the plan's."""
    loaded = load_scenario(EXAMPLE)
    problem = build_problem(loaded)
    best = solve_problem(problem.with_budget(6000), ONE_WORKER)
    assert best.status == "optimal" and best.objective is not None
    real = reuse_module.solve_interruptibly

    def first_plan(solver: Any, model: Any, callback: Any = None) -> Any:
        solver.parameters.stop_after_first_solution = True
        return real(solver, model)

    monkeypatch.setattr(reuse_module, "solve_interruptibly", first_plan)
    result, _values = ReusedModel(problem, 6000, ONE_WORKER).best_plan(6000)
    assert result.status == "feasible" and result.objective is not None
    assert result.objective < best.objective  # the first plan is not the best one
    assert result.bound is not None and result.bound >= best.objective
    assert result.gap is not None and result.gap > 0


# -- the re-used model ----------------------------------------------------------------


def test_a_stopped_model_refuses_its_next_solve() -> None:
    """Kills RU7 (reuse.py _solve, `if self._stopped:` -> `if False:`): after `stop()`
    (Ctrl-C, or an error in the other lane) a lane starts no further solve."""
    reused = ReusedModel(build_problem(load_scenario(EXAMPLE)), 9000, ONE_WORKER)
    reused.stop()
    with pytest.raises(Stopped):
        reused.best_plan(9000)
    assert reused.solves == 0


def test_one_budget_s_plan_is_the_cheapest_of_its_value(make: Make) -> None:
    """Kills RU10 (reuse.py best_plan, `weight * objective - total_cost` -> `+
    total_cost`): two cheap programs ($1,000 each) are worth as much as one dear one; at a
    budget that affords either, the row shows the cheaper plan (no lower budget's plan is
    there to fall back on)."""
    rows = [
        program("cheap-a"),
        program("cheap-b", starts="2027-07-05"),
        program("dear", letter=10, audition=10, housing_per_week=2300, starts="2027-08-02"),
    ]
    req = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0, "max": 0}}
    loaded = make(rows, requirements=req)
    (row,) = whatif.sweep(loaded, [5500], ONE_WORKER).rows
    assert row.result.objective == 220
    assert [o.program_id for o in row.result.rotations] == ["cheap-a", "cheap-b"]
    assert row.result.total_cost == 2000


def test_the_least_budget_above_every_listed_budget_and_the_scenario_s_is_found() -> None:
    """Kills RU21 (reuse.py least_budget, the full model's ceiling `max(cost_ceiling,
    budget)` -> the scenario's budget): the scenario's $3,000 and every listed budget are
    below the cheapest plan ($4,185), which is still found and named."""
    loaded = load_scenario(INFEASIBLE)
    assert loaded.budget < 4185
    rows = whatif.sweep(loaded, [3000, 3500], ONE_WORKER).rows
    assert all(r.result.status == "infeasible" for r in rows)
    assert [r.least_budget for r in rows] == [4185, 4185]
    assert all("$4,185" in (r.why or "") for r in rows)


# -- the greedy hint -----------------------------------------------------------------

ONE_RADIOLOGY = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0, "max": 0}}


def _greedy_ids(loaded: LoadedScenario) -> list[str] | None:
    from rotation_solver.greedy import greedy_plan

    plan = greedy_plan(build_problem(loaded))
    return None if plan is None else [o.program_id for o in plan]


def test_the_greedy_hint_takes_the_best_value_per_dollar_up_to_the_whole_budget(
    make: Make,
) -> None:
    """Kills GR1 (greedy.py, ranked by `-value / cost` -> `value / cost`: the worst value
    per dollar first) and GR2 (`> problem.budget` -> `>=`: a plan costing exactly the
    budget refused). Both programs cost $1,000, the whole budget."""
    rows = [
        program("rad-poor", letter=1, audition=1, interest=1),
        program("rad-good", starts="2027-07-05", letter=10, audition=10, interest=5),
    ]
    loaded = make(rows, requirements={**ONE_RADIOLOGY, "tier_mix": False}, budget=1000)
    assert _greedy_ids(loaded) == ["rad-good"]


def test_the_greedy_hint_keeps_the_radiology_maximum(make: Make) -> None:
    """Kills GR4 (greedy.py, `rad >= req.radiology_max` -> `>`): with room and money for
    two, the hint still holds one radiology rotation, the most the rules allow."""
    rows = [program("rad-a"), program("rad-b", starts="2027-07-05")]
    loaded = make(rows, requirements={**ONE_RADIOLOGY, "tier_mix": False})
    ids = _greedy_ids(loaded)
    assert ids is not None and len(ids) == 1


def test_the_greedy_hint_takes_rotations_at_different_times(make: Make) -> None:
    """Kills GR7 (greedy.py, `o.start > c.end + pad or c.start > o.end + pad` -> `and`,
    which lets no second rotation fit): two radiology rotations a month apart, both
    required, make the hint."""
    rows = [program("rad-a"), program("rad-b", starts="2027-07-05")]
    req = {"radiology": {"min": 2, "max": 2}, "clinical": {"min": 0, "max": 0}}
    loaded = make(rows, requirements={**req, "tier_mix": False})
    assert _greedy_ids(loaded) == ["rad-a", "rad-b"]


def test_the_greedy_hint_meets_tier_mix_with_one_target_rotation(make: Make) -> None:
    """Kills GR8 (greedy.py, `req.radiology_min >= 1` -> `> 1`): with one radiology
    rotation and tier_mix, the hint first tries an IMG-friendly target (both halves of
    the mix), not the reach program with the better value per dollar, which alone fails
    the mix."""
    rows = [
        program("rad-reach", tier="reach", letter=10, audition=10, interest=5),
        program("rad-target", starts="2027-07-05", letter=3, audition=3, interest=3),
    ]
    loaded = make(rows, requirements={**ONE_RADIOLOGY, "tier_mix": True})
    assert _greedy_ids(loaded) == ["rad-target"]


def test_the_greedy_hint_ignores_the_tier_mix_when_it_is_off(make: Make) -> None:
    """Kills GR11 (greedy.py mixed, `not req.tier_mix or` -> `req.tier_mix or`): with
    tier_mix off, a reach program that is not IMG-friendly makes the hint on its own."""
    rows = [program("rad-reach", tier="reach", img_friendly=False)]
    loaded = make(rows, requirements={**ONE_RADIOLOGY, "tier_mix": False})
    assert _greedy_ids(loaded) == ["rad-reach"]


def test_the_greedy_hint_adds_only_what_adds_value(make: Make) -> None:
    """Kills GR12 (greedy.py, `objective([*chosen, o]) > objective(chosen)` -> `>=`): a
    program that never offers adds nothing to the plan, only its cost."""
    rows = [program("rad-a"), program("rad-never", starts="2027-07-05", acceptance=0)]
    req = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0, "max": 0}}
    loaded = make(rows, requirements={**req, "tier_mix": False})
    assert _greedy_ids(loaded) == ["rad-a"]


def test_the_greedy_hint_takes_one_start_of_a_program(make: Make) -> None:
    """Kills GR14 (greedy.py fits, the same-program test -> `False`): a program listed at
    two starts is one rotation in the hint, never two."""
    rows = [program("rad-a", starts="2027-06-07;2027-08-02")]
    req = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0, "max": 0}}
    loaded = make(rows, requirements={**req, "tier_mix": False})
    assert _greedy_ids(loaded) == ["rad-a"]


# -- the lanes ------------------------------------------------------------------------


class FakeLane:
    """A lane that is busy for its first `busy_checks` looks, and counts its stops."""

    def __init__(self, busy_checks: int = 0):
        self.busy_checks = busy_checks
        self.stops = 0

    @property
    def busy(self) -> bool:
        self.busy_checks -= 1
        return self.busy_checks >= 0

    def stop(self) -> None:
        self.stops += 1


def _failing(report: Callable[[Any], None]) -> None:
    raise RuntimeError("lane failed")


def test_an_error_stops_every_lane_even_between_solves() -> None:
    """Kills LN4 (lanes.py, the first `lane.stop()` -> `pass`): a lane with no solve
    running at the moment of an error is still stopped, so it starts no further solve."""
    lanes = [FakeLane(), FakeLane()]
    with pytest.raises(RuntimeError, match="lane failed"):
        in_threads([_failing], lanes)  # type: ignore[arg-type]
    assert [lane.stops for lane in lanes] == [1, 1]


def test_a_stop_is_sent_again_while_a_lane_is_still_busy() -> None:
    """Kills LN5 (lanes.py, `while any(lane.busy ...)` -> `while False:`): a stop sent
    before a solve has set itself up is lost, so it is sent again until no lane is busy."""
    lanes = [FakeLane(busy_checks=2)]
    with pytest.raises(RuntimeError, match="lane failed"):
        in_threads([_failing], lanes)  # type: ignore[arg-type]
    assert lanes[0].stops == 3  # once, then once per look that found it busy


# -- figures --------------------------------------------------------------------------


def test_a_picture_path_without_a_suffix_is_a_png(tmp_path: Path) -> None:
    """Kills FG3 (figures.py save_figure, the default format `or "png"` -> `or "svg"`): a
    library caller's path with no suffix gets a PNG."""
    loaded = load_scenario(EXAMPLE)
    payload = whatif.frontier_payload(whatif.frontier(loaded, ONE_WORKER, max_budget=3000))
    picture = tmp_path / "frontier"
    whatif.plot_frontier(payload, picture)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- the plan JSON --------------------------------------------------------------------


def test_a_repair_without_a_plan_claims_no_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills PJ18 (plan_json.py, `r.proven if r.objective is not None else None` ->
    `r.proven`): a repair whose re-solve found no plan (here: stopped by the time limit)
    says `proven_optimal: null` in the JSON, not `true`."""
    import dataclasses

    import rotation_solver.repairs as repairs_module
    from rotation_solver.planner import plan_scenario

    real = repairs_module.solve_problem

    def stopped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        return dataclasses.replace(result, status="unknown", objective=None, rotations=())

    monkeypatch.setattr(repairs_module, "solve_problem", stopped)
    outcome = plan_scenario(load_scenario(INFEASIBLE), ONE_WORKER)
    repairs = outcome.payload["conflict"]["repairs"]
    assert repairs
    assert all(r["objective"] is None and r["proven_optimal"] is None for r in repairs)


def test_no_plan_in_time_says_why_in_the_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills PJ19 (plan_json.py, `result.status == "unknown"` -> `== "infeasible"`): a
    solve stopped by the time limit without a plan says why, with the way out; a plan
    found infeasible without its conflict searched does not claim a time limit."""
    import json

    from click.testing import CliRunner

    import rotation_solver.planner as planner
    from rotation_solver.cli import cli
    from rotation_solver.plan_json import plan_payload
    from rotation_solver.solve import Result

    unknown = Result("unknown", None, None, (), 0, 9000, 0, 0.0, 0.0)
    monkeypatch.setattr(planner, "solve_problem", lambda *_a, **_k: unknown)
    result = CliRunner().invoke(cli, ["solve", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 4
    why = json.loads(result.stdout)["why"]
    assert why == "no plan was found within the time limit; try a longer --time-limit"
    loaded = load_scenario(EXAMPLE)
    infeasible = Result("infeasible", None, None, (), 0, 9000, 0, 0.0, 0.0)
    assert "why" not in plan_payload(loaded, build_problem(loaded), infeasible)


# -- the portfolio's picture ----------------------------------------------------------


def _tiny_portfolio(make: Make) -> Any:
    from rotation_solver.portfolio import plan_portfolio

    rows = [
        program("rad-a", tier="reach", img_friendly=False, letter=9, audition=9, fee=100,
                acceptance=0.2, housing_per_week=600),
        program("rad-b", letter=8, audition=8, fee=50, starts="2027-06-07;2027-08-02",
                acceptance=0.9),
        program("rad-c", tier="safety", letter=6, audition=5, fee=20,
                starts="2027-06-14;2027-09-06", acceptance=0.6),
        program("im-a", specialty="internal_medicine", letter=7, fee=30,
                starts="2027-07-05;2027-10-04", acceptance=0.3),
    ]  # fmt: skip
    req = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0, "max": 1}}
    loaded = make(rows, budget=5200, requirements={**req, "tier_mix": False})
    options = SolveOptions(workers=1, seed=0, time_limit=20)
    return plan_portfolio(loaded, scenarios=20, evaluate_outcomes=20, bound=False, options=options)


def test_the_outcome_picture_shows_each_strategy_s_exact_distribution(
    make: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kills PP1 (portfolio/plot.py, bins up to `values.max()` -> `values.min()`), PP3
    (bar width `/ (len(series) + 0.5)` -> `/ len(series)`), PP4 (the mean in the legend
    weighted by probability -> a plain mean over the outcomes), PP5 (the legend without
    the exact mean), PP6 (`return save_figure(...)` -> no return) and PP8 (bars of
    outcome counts, not probabilities): each strategy's bars add to 1, stay inside their
    bin with a gap before the next, and its legend gives its exact expected value."""
    import rotation_solver.portfolio.plot as plot_module

    report = _tiny_portfolio(make)
    figures: list[Any] = []
    real_save = plot_module.save_figure

    def keep(fig: Any, path: Path) -> Path:
        figures.append(fig)
        return real_save(fig, path)

    monkeypatch.setattr(plot_module, "save_figure", keep)
    picture = tmp_path / "outcomes.png"
    assert plot_module.plot_distribution(report, picture) == picture
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (fig,) = figures
    ax = fig.axes[0]
    strategies = report.payload["evaluation"]["strategies"]
    containers = ax.containers
    assert len(containers) == len(strategies) == len(report.comparisons) >= 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    for strategy, label in zip(strategies, labels, strict=True):
        assert label == f"{strategy['name']} (exact mean {strategy['exact_value']:.1f})"
    lefts = sorted({round(bar.get_x(), 9) for bar in containers[0]})
    step = lefts[1] - lefts[0]  # one bin
    for bars in containers:
        assert sum(bar.get_height() for bar in bars) == pytest.approx(1.0)
    for bars, first in zip(containers[-1], containers[0], strict=True):
        # the last strategy's bar ends before the next bin's first bar starts
        assert bars.get_x() + bars.get_width() < first.get_x() + step - 1e-9


# -- the what-if report ---------------------------------------------------------------


def _row(budget: int, **fields: Any) -> dict[str, Any]:
    """A compare row as `sweep_payload` writes it: an optimal one-rotation plan."""
    row: dict[str, Any] = {
        "budget": budget,
        "status": "optimal",
        "objective": 110,
        "bound": 110,
        "gap": 0.0,
        "total_cost": 1000,
        "rotations": [{"program_id": "rad-a"}],
        "plan": ["rad-a@2027-06-07"],
        "added": None,
        "removed": None,
        "marginal_value_per_1000": None,
        "least_budget": None,
        "why": None,
        "warnings": [],
    }
    row.update(fields)
    return row


def _point(cost: int, value: int, **fields: Any) -> dict[str, Any]:
    """A frontier point as `frontier_payload` writes it."""
    point: dict[str, Any] = {
        "objective": value,
        "total_cost": cost,
        "status": "optimal",
        "bound": value,
        "gap": 0.0,
        "exact": True,
        "rotations": [{"program_id": "rad-a"}],
        "plan": ["rad-a@2027-06-07"],
        "added": None,
        "removed": None,
        "marginal_value_per_1000": None,
        "warnings": [],
    }
    point.update(fields)
    return point


def _frontier(points: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "scenario": "s",
        "exact": True,
        "complete": True,
        "why": None,
        "points": points,
        "warnings": [],
    }
    payload.update(fields)
    return payload


def test_a_warning_names_every_budget_it_is_about() -> None:
    """Kills WR8 (report.py, `lead[len(amounts) > 1]` -> `> 2`: two budgets called "at
    budget") and WR11 (`len(amounts) - 3` -> `len(amounts)`: more than five budgets
    miscounted)."""
    from rotation_solver.whatif.report import plan_warnings_by_budget

    def rows(count: int) -> dict[str, Any]:
        budgets = [1000 * (i + 1) for i in range(count)]
        # One more plan without the warning: a warning about every plan says so instead.
        quiet = _row(1000 * (count + 1), warnings=[])
        return {"rows": [*(_row(b, warnings=["late letter"]) for b in budgets), quiet]}

    assert plan_warnings_by_budget(rows(1)) == ["at budget $1,000: late letter"]
    assert plan_warnings_by_budget(rows(2)) == ["at budgets $1,000, $2,000: late letter"]
    assert plan_warnings_by_budget(rows(7)) == [
        "at budgets $1,000, $2,000, $3,000 and 4 more (the JSON lists each): late letter"
    ]


def test_compare_rows_say_what_changed_and_why_there_is_no_plan() -> None:
    """Kills WR14 (report.py _changes, `not added and not removed` -> `or`: a rotation
    only added called "same plan"), WR18 (the gap shown as a fraction, not a percent),
    WR19 and WR20 (an infeasible row without its reason), WR22 (a row with no plan shows
    its $0 cost, not "—") and WR23 (its empty plan shows blank, not "—")."""
    from rotation_solver.whatif.report import compare_rows_text

    why = "the cheapest plan meeting every other rule costs $4,185"
    payload = {
        "scenario_budget": 9000,
        "rows": [
            _row(3000, status="infeasible", objective=None, bound=None, gap=None,
                 total_cost=0, rotations=[], plan=[], why=why),
            _row(5000, status="feasible", bound=113, gap=0.0265),
            _row(9000, plan=["rad-a@2027-06-07", "im-b@2027-08-02"],
                 added=["im-b@2027-08-02"], removed=[]),
        ],
    }  # fmt: skip
    infeasible, feasible, grown = compare_rows_text(payload)
    assert infeasible["Changes"] == why
    assert (infeasible["Cost"], infeasible["Plan"], infeasible["Value"]) == ("—", "—", "—")
    assert feasible["Status"] == "feasible (gap 2.65%)"
    assert grown["Changes"] == "+im-b@2027-08-02"
    assert grown["Budget"] == "$9,000 (yours)"


def test_compare_json_keeps_the_gap_to_six_places(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills WR1 (report.py _gap, `round(result.gap, 6)` -> `round(result.gap, 2)`): a
    plan not proven best keeps its gap in the JSON, not one rounded to a whole percent."""
    real = reuse_module.solve_interruptibly

    def first_plan(solver: Any, model: Any, callback: Any = None) -> Any:
        solver.parameters.stop_after_first_solution = True
        return real(solver, model)

    monkeypatch.setattr(reuse_module, "solve_interruptibly", first_plan)
    result = whatif.sweep(load_scenario(EXAMPLE), [6000], ONE_WORKER)
    (row,) = whatif.sweep_payload(result)["rows"]
    gap = result.rows[0].result.gap
    assert row["status"] == "feasible" and gap is not None and gap > 0
    assert row["gap"] == round(gap, 6) != round(gap, 2)


def test_frontier_rows_are_numbered_from_one_and_the_csv_keeps_exact() -> None:
    """Kills WR27 (report.py, `enumerate(points, 1)` -> from 0) and WR32 (the CSV's
    `exact` column from the point's own `exact`, not from its status: a two-step point
    whose second solve was cut short is optimal in value yet not exact)."""
    import csv
    import io

    from rotation_solver.whatif.report import frontier_csv, frontier_rows_text

    payload = _frontier([_point(1000, 110), _point(2000, 220, exact=False)], exact=False)
    assert [r["#"] for r in frontier_rows_text(payload)] == ["1", "2"]
    rows = list(csv.DictReader(io.StringIO(frontier_csv(payload))))
    assert [r["exact"] for r in rows] == ["true", "false"]


def test_frontier_markdown_says_whether_it_is_exact_and_why(tmp_path: Path) -> None:
    """Kills WR34 (report.py _markdown_table, `markdown.cell(row[n])` -> `row[n]`: a "|"
    in a program id splits the cell), WR36 ("Proven exact" from `complete`, not `exact`),
    WR37 (the "Why" line dropped) and WR42 (the table's note "proven exact." from
    `complete`)."""
    from rich.console import Console

    from rotation_solver.whatif.report import frontier_markdown, frontier_table

    why = "no plan was found within the time limit at $9,000"
    point = _point(1000, 110, plan=["rad|a@2027-06-07"])
    payload = _frontier([point], exact=False, complete=True, why=why)
    text = frontier_markdown(payload)
    assert "- **Proven exact:** no" in text
    assert f"- **Why:** {why}" in text
    assert "| rad\\|a@2027-06-07 |" in text
    console = Console(file=open(tmp_path / "table.txt", "w"), width=200)  # noqa: SIM115
    frontier_table(payload, console)
    console.file.close()
    table = (tmp_path / "table.txt").read_text()
    assert "1 plan on the frontier; NOT proven exact (time limit)." in table


# -- the what-if pictures -------------------------------------------------------------


def _drawn(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[Any]]:
    """The what-if plot module, with its saves kept as figures instead of files."""
    import importlib

    drawing = importlib.import_module("rotation_solver.whatif.plot")
    figures: list[Any] = []
    monkeypatch.setattr(drawing, "save_figure", lambda fig, _path: figures.append(fig))
    return drawing, figures


def test_the_compare_picture_draws_every_row_it_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kills WP1 (whatif/plot.py _short, the start's `[5:]` -> `[:5]`: the year, not the
    month and day), WP3 (no-plan marks for "unknown" rows, not infeasible ones), WP4
    ("your budget" drawn when it is not a listed budget), WP5 (the value axis narrower
    than 6% of the value) and WP18 (a plan not proven best left off the curve)."""
    drawing, figures = _drawn(monkeypatch)
    rows = [
        _row(3000, status="infeasible", objective=None, bound=None, gap=None, total_cost=0,
             rotations=[], plan=[], why="too dear"),
        _row(5000, status="feasible", objective=218, bound=230, gap=0.05, total_cost=4800),
        _row(9000, objective=218, total_cost=4800, added=[], removed=[]),
    ]  # fmt: skip
    payload = {"scenario": "s", "rows": rows, "least_budget": 4000, "scenario_budget": 7000}
    drawing.plot_compare(payload, tmp_path / "compare.png")
    drawing.plot_compare({**payload, "scenario_budget": 9000}, tmp_path / "mine.png")
    theirs, mine = figures
    ax = theirs.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "no plan fits" in legend
    assert not any(t.startswith("your budget") for t in legend)
    assert "your budget $9,000" in [t.get_text() for t in mine.axes[0].get_legend().get_texts()]
    by_label = {line.get_label(): line for line in ax.get_lines()}
    curve = by_label["best value within the budget (from each plan's cost)"]
    assert list(curve.get_xdata()) == [4800, 9000]  # from the plan's cost
    assert list(by_label["budgets compared"].get_xdata()) == [5000, 9000]
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["rad-a 06-07\nvalue 218 · $4,800"]
    low, high = ax.get_ylim()
    assert low < 218 < high and high - low >= 0.06 * 218 - 1e-9


def test_the_compare_picture_marks_a_budget_that_buys_most_of_the_gain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawing, figures = _drawn(monkeypatch)
    rows = [
        _row(4000, objective=145, total_cost=3230),
        _row(6000, objective=161, total_cost=4430, added=["rad-b@2027-10-11"], removed=[]),
    ]
    sooner = {"from_budget": 4000, "to_budget": 6000, "from_value": 145, "to_value": 161,
              "to_cost": 4430, "budget": 4080, "value": 160, "plan": []}  # fmt: skip
    drawing.plot_compare({"scenario": "s", "rows": rows, "sooner": [sooner]}, tmp_path / "c.png")
    (fig,) = figures
    ax = fig.axes[0]
    assert "most of the gain, sooner (see the note)" in [
        t.get_text() for t in ax.get_legend().get_texts()
    ]
    star = {line.get_label(): line for line in ax.get_lines()}[
        "most of the gain, sooner (see the note)"
    ]
    assert (list(star.get_xdata()), list(star.get_ydata())) == ([4080], [160])
    assert "$4,080 buys 160" in [t.get_text() for t in ax.texts]


def test_plan_labels_with_no_room_are_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kills WP10 (whatif/plot.py _keep_apart, `label.set_visible(False)` -> `pass`): a
    label with no free place is hidden (the legend says so), never printed over another."""
    from matplotlib.text import Text

    drawing, figures = _drawn(monkeypatch)
    rows = [
        _row(3000 + 20 * i, objective=150 + i, total_cost=2900 + 20 * i,
             plan=[f"rad-program-{i}@2027-06-07", "im-long-name-here@2027-08-02"],
             added=[f"rad-program-{i}@2027-06-07"], removed=[])
        for i in range(30)
    ]  # fmt: skip
    drawing.plot_compare({"scenario": "crowded", "rows": rows}, tmp_path / "c.png")
    (fig,) = figures
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    texts = fig.axes[0].texts
    shown = [Text.get_window_extent(t, renderer) for t in texts if t.get_visible()]
    assert 2 <= len(shown) < len(texts)
    assert not any(a.overlaps(b) for i, a in enumerate(shown) for b in shown[i + 1 :])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    hidden = len(texts) - len(shown)
    assert f"a new plan (labelled where there is room, {hidden} not: see the table)" in legend


def test_the_frontier_picture_says_whether_it_is_exact_and_why_it_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kills WP14 (whatif/plot.py plot_frontier, the title always "proven exact") and
    WP16 (an empty frontier's reason replaced by "no plan fits")."""
    drawing, figures = _drawn(monkeypatch)
    points = [_point(1000, 110), _point(2000, 220)]
    drawing.plot_frontier(_frontier(points, exact=False), tmp_path / "f.png")
    why = "radiology.min conflicts with the catalog"
    drawing.plot_frontier(_frontier([], why=why), tmp_path / "empty.png")
    cut_short, empty = figures
    assert (
        cut_short.axes[0].get_title() == "Value/cost frontier: 2 efficient plans, not proven exact"
    )
    assert [t.get_text() for t in empty.axes[0].texts] == [why]


# -- the portfolio's report -----------------------------------------------------------


def test_the_portfolio_report_shows_offers_locks_bounds_and_the_starts_used(
    make: Make, tmp_path: Path
) -> None:
    """Kills PR12 (portfolio/render.py _bound_part, `saa["bound"] is None` -> `is not
    None`: a sampled search's bound dropped, a missing one printed as "—"), PR18 (the
    chance of an offer shown as a fraction, "0%" for 30%), PR20 (the locks row dropped
    from the table), PR26 (the starts the plans use no longer bold in Markdown), PR27 and
    PR28 (a "|" in a program id or in the reason for an application, which scenarios
    allow, splits its Markdown cell) and PR29 (the Markdown without its warnings)."""
    import copy

    from rich.console import Console

    from rotation_solver.portfolio.render import (
        render_portfolio_markdown,
        render_portfolio_table,
    )

    payload = _tiny_portfolio(make).payload
    applications = {a["program_id"]: a for a in payload["applications"]}
    assert applications["im-a"]["acceptance"] == 0.3
    text = render_portfolio_markdown(payload)
    used = [(a, d) for a in payload["applications"] for d in a.get("plan_starts", [])]
    assert used
    for application, start in used:
        row = next(
            line
            for line in text.splitlines()
            if line.startswith(f"| {application['program_id']} |")
        )
        assert f"**{start}**" in row
    piped = copy.deepcopy(payload)
    piped["applications"][0].update(program_id="rad|z", reason="offers | maybe")
    rows = render_portfolio_markdown(piped).splitlines()
    row = next((line for line in rows if line.startswith("| rad\\|z |")), "")
    assert row.endswith(" | offers \\| maybe |")
    sampled = copy.deepcopy(payload)
    sampled["sampling"]["enumerated"] = False
    sampled["saa"].update(exhaustive=False, bound=250.0, optimality_gap=0.02)
    sampled["locks"] = [{"program_id": "rad-z", "start": "2027-06-07"}]
    sampled["warnings"] = ["apply to 6-10 programs"]
    assert render_portfolio_markdown(sampled).endswith("\n> warning: apply to 6-10 programs\n")
    assert "; bound 250.0 (offers known in advance), gap at most 2.0% on these outcomes" in (
        render_portfolio_markdown(sampled)
    )
    sampled["saa"]["bound"] = None
    assert "bound" not in next(
        line for line in render_portfolio_markdown(sampled).splitlines() if "In sample" in line
    )
    with open(tmp_path / "table.txt", "w") as out:
        render_portfolio_table(sampled, Console(file=out, width=240))
    table = (tmp_path / "table.txt").read_text()
    assert "rad-z@2027-06-07" in next(line for line in table.splitlines() if "Locks" in line)
    im_a = next(line for line in table.splitlines() if line.lstrip().startswith("im-a "))
    assert re.search(r"\$30 +30% ", im_a), im_a  # the fee, then the chance of an offer
    # Answering offers holds the chosen way's search: the line says so (a docs review
    # read "answering offers 2.0 s · search 0.4 s · ... total 2.0 s" as not adding up).
    sampled["timings"].update(
        answer_seconds=2.04, search_seconds=0.41, total_seconds=2.1, search_in_answer=True
    )
    with open(tmp_path / "answered.txt", "w") as out:
        render_portfolio_table(sampled, Console(file=out, width=240))
    assert (
        "answering offers 2.0 s, of which the chosen way's search 0.4 s · bound"
        in (tmp_path / "answered.txt").read_text()
    )
    assert any(line.strip().startswith("search ") for line in table.splitlines())
    # The chances are of the plan built from the offers, not of offers (found by review).
    assert " ".join(table.split()).count("plan with >= 2 radiology") == 1
    assert "- Chance of a plan with >= 2 radiology rotations" in render_portfolio_markdown(sampled)
    # No way to answer had a plan: the search ran after answering, not inside it.
    sampled["timings"]["search_in_answer"] = False
    with open(tmp_path / "after.txt", "w") as out:
        render_portfolio_table(sampled, Console(file=out, width=240))
    assert "answering offers 2.0 s · search 0.4 s · bound" in (tmp_path / "after.txt").read_text()


@pytest.mark.parametrize("proven", [True, False])
def test_a_bound_cut_short_by_the_time_limit_says_so(proven: bool) -> None:
    """`apply`'s JSON had `bound_proven: false`, but the report printed the loose bound's
    gap (21.5%, 2.6% with time to finish) as if it were the real one (found by review)."""
    from rotation_solver.portfolio.render import _search_row

    saa = {"in_sample_value": 454.9, "bound": 579.6, "optimality_gap": 0.215}
    payload = {"saa": saa, "sampling": {"scenarios": 2000}, "bound_proven": proven}
    label, text = _search_row(payload)
    assert label == "In sample (SAA)" and "gap at most 21.5%" in text
    assert ("cut its solves short" in text) is not proven


@pytest.mark.parametrize(
    ("counts", "radiology", "clinical"),
    [
        ({"radiology": [2, 3], "clinical": [1, 1]}, "", ""),
        (
            {"radiology": [1, 1], "clinical": [0, 0]},
            " (your rules allow at most 1)",
            " (your rules allow none)",
        ),
        ({"radiology": [0, 0], "clinical": [0, 2]}, " (your rules allow at most 0)", ""),
    ],
)
def test_a_chance_the_count_rules_rule_out_says_so(
    counts: dict[str, list[int]], radiology: str, clinical: str
) -> None:
    """'>= 2 radiology 0.0%' read as a failure where the rules allow one radiology
    rotation (found by review)."""
    from rotation_solver.portfolio.render import _ruled_out

    payload = {"counts": counts}
    assert (_ruled_out(payload, "radiology"), _ruled_out(payload, "clinical")) == (
        radiology,
        clinical,
    )


@pytest.mark.parametrize(
    ("outcomes", "programs", "words"),
    [
        (1, 0, "on the one offer outcome of the 0 programs"),
        (2, 1, "on all 2 offer outcomes of the 1 program "),
        (16384, 14, "on all 16,384 offer outcomes of the 14 programs"),
    ],
)
def test_the_exact_search_counts_in_words(outcomes: int, programs: int, words: str) -> None:
    """'all 2 offer outcomes of the 1 programs' (found by review)."""
    from rotation_solver.portfolio.render import _search_row

    payload = {
        "saa": {"candidates": programs},
        "sampling": {"enumerated": True, "outcomes": outcomes},
    }
    assert words in _search_row(payload)[1]


def test_the_comparison_says_when_strategies_cannot_be_told_apart() -> None:
    """A catalog no larger than max_applications: every naive strategy applies to every
    program, so its margin is only what the portfolio's omissions save (found by the
    session 19 note: the comparison said nothing there, and nothing said so)."""
    from rotation_solver.portfolio.render import _same_programs_lines

    def strategy(name: str, programs: list[str]) -> dict[str, object]:
        return {"name": name, "programs": programs}

    payload = {
        "max_applications": 3,
        "saa": {"candidates": 3},
        "evaluation": {
            "strategies": [
                strategy("portfolio", ["a", "b"]),
                strategy("top-N by expected value", ["c", "a", "b"]),
                strategy("top-N by letter", ["a", "b", "c"]),
            ]
        },
    }
    assert _same_programs_lines(payload) == [
        "top-N by letter applies to the same programs as top-N by expected value.",
        "top-N by expected value and top-N by letter apply to every usable program (3, within "
        "max_applications 3): the portfolio's margin is what leaving some out gains, in fees "
        "and budget.",
    ]
    payload["evaluation"]["strategies"][1]["programs"] = ["b", "a"]  # type: ignore[index]
    payload["evaluation"]["strategies"][2]["programs"] = ["a", "c"]  # type: ignore[index]
    assert _same_programs_lines(payload) == [
        "top-N by expected value applies to the same programs as portfolio: its margin is 0 "
        "by construction, not a finding."
    ]
    payload["saa"] = {"candidates": 0}
    payload["evaluation"]["strategies"][1]["programs"] = ["c"]  # type: ignore[index]
    assert _same_programs_lines(payload) == []
    # The portfolio itself takes every program: "leaving some out" would contradict the
    # "same programs as portfolio" line (found by review).
    payload["saa"] = {"candidates": 3}
    for row in payload["evaluation"]["strategies"]:  # type: ignore[attr-defined]
        row["programs"] = ["a", "b", "c"]
    assert _same_programs_lines(payload) == [
        f"{name} applies to the same programs as portfolio: its margin is 0 by construction, "
        "not a finding."
        for name in ("top-N by expected value", "top-N by letter")
    ]
