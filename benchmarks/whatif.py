"""`python -m benchmarks.whatif`: budget sweeps and the exact frontier against one solve.

Issue targets reported here: a 20-point budget sweep in less than 3x one solve,
and the national scenario's whole frontier in under 30 s. Times are medians of
`--repeats` runs in this process (one after another; the machine has 2 cores),
each on a freshly loaded scenario. Also times the naive alternative: rebuilding
and solving the full model at every budget. Writes `results/whatif.csv` and
`results/whatif.md`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.report import OUT_HELP, results_folder
from rotation_solver.model import PlanModel
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions, run, solve_problem
from rotation_solver.whatif import frontier, sweep

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
NATIONAL = ROOT / "scenarios" / "national" / "scenario.yaml"
SWEEP = list(range(3000, 12501, 500))  # 20 budgets
FINE = list(range(3000, 12991, 10))  # 1,000 budgets $10 apart: most share a plan


def _timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


Answers = dict[int, tuple[str, int | None]]  # budget -> (status, objective)


def _rebuild_each(loaded: LoadedScenario, options: SolveOptions, answers: Answers) -> None:
    """The naive sweep: the full model built and solved again at every budget."""
    for budget in SWEEP:
        result = run(PlanModel(build_problem(loaded.with_budget(budget))), options)
        answers[budget] = (result.status, result.objective)


def _solve_each(
    loaded: LoadedScenario, options: SolveOptions, budgets: list[int], answers: Answers
) -> None:
    """The fair naive sweep: the production solve (reduction, hint, tuning, ties settled as
    the sweep settles them) per budget."""
    problem = build_problem(loaded)
    for budget in budgets:
        result = solve_problem(problem.with_budget(budget), options, settle=True)
        answers[budget] = (result.status, result.objective)


def disagreements(name: str, found: Answers, reference: Answers) -> list[str]:
    """Budgets where `found` and an independent solve per budget differ: a status, or a
    best value (a re-used model must give the optimum a fresh solve proves)."""
    return [
        f"{name} at ${budget:,}: {found.get(budget)} but a fresh solve gives {expected}"
        for budget, expected in sorted(reference.items())
        if found.get(budget) != expected
    ]


def _answers(rows: Any) -> Answers:
    return {row.budget: (row.result.status, row.result.objective) for row in rows}


def _frontier_answers(front: Any, budgets: list[int]) -> Answers:
    """What the frontier says about each budget: the best point costing at most it."""
    out: Answers = {}
    for budget in budgets:
        within = [p.result for p in front.points if p.result.total_cost <= budget]
        best = max((r.objective for r in within), default=None)
        out[budget] = ("optimal", best) if best is not None else ("infeasible", None)
    return out


def binding_budgets(least: int, top: int, count: int = 20) -> list[int]:
    """`count` budgets from the least workable one to the best plan's cost: every one
    needs a solve (below `least` there is no plan, above `top` the answer is known)."""
    step = (top - least) / (count - 1)
    return sorted({least + round(i * step) for i in range(count)})


def measure_once(path: Path, options: SolveOptions) -> dict[str, object]:
    loaded = load_scenario(path)
    # What `rotation-solver solve` runs for one budget: the sweep settles ties in the
    # same way, so both sides show the same plans.
    one = _timed(lambda: solve_problem(build_problem(loaded), options, settle=True))
    sweeps: list[Any] = []
    twenty = _timed(lambda: sweeps.append(sweep(loaded, SWEEP, options)))
    fronts: list[Any] = []
    whole = _timed(lambda: fronts.append(frontier(loaded, options)))
    front = fronts[0]
    tight = binding_budgets(front.least.amount, front.points[-1].result.total_cost)
    binding = _timed(lambda: sweeps.append(sweep(loaded, tight, options)))
    fine = _timed(lambda: sweeps.append(sweep(loaded, FINE, options)))
    rebuilt: Answers = {}
    naive = _timed(lambda: _rebuild_each(loaded, options, rebuilt))
    fresh: Answers = {}
    fair = _timed(lambda: _solve_each(loaded, options, SWEEP, fresh))
    # The answers, not only the times: every re-used model against a fresh solve.
    wrong = [
        *disagreements("the naive rebuild", rebuilt, fresh),
        *disagreements("the 20-budget sweep", _answers(sweeps[0].rows), fresh),
        *disagreements("the frontier", _frontier_answers(front, SWEEP), fresh),
    ]
    on_tight: Answers = {}
    _solve_each(loaded, options, tight, on_tight)
    wrong += disagreements("the binding sweep", _answers(sweeps[1].rows), on_tight)
    # The fine grid against the exact frontier (a fresh solve at 1,000 budgets is the
    # naive sweep itself, minutes long): the best point costing at most each budget.
    wrong += disagreements(
        "the fine sweep", _answers(sweeps[2].rows), _frontier_answers(front, FINE)
    )
    return {
        "one_solve_s": round(one, 3),
        "sweep20_s": round(twenty, 3),
        "sweep20_over_one": round(twenty / one, 2),
        "binding_from": tight[0],
        "binding_to": tight[-1],
        "binding_budgets": len(tight),
        "sweep_binding_s": round(binding, 3),
        "sweep_binding_over_one": round(binding / one, 2),
        "fine_budgets": len(FINE),
        "sweep_fine_s": round(fine, 3),
        "sweep_fine_solves": sweeps[2].solves,
        "frontier_s": round(whole, 3),
        "frontier_points": len(front.points),
        "rebuild_full_model_sweep20_s": round(naive, 3),
        "production_solve_each_sweep20_s": round(fair, 3),
        "budgets_checked": len(fresh) + len(on_tight),
        "disagreements": "; ".join(wrong),
    }


def measure(path: Path, repeats: int) -> list[dict[str, object]]:
    options = SolveOptions(seed=0)
    return [{"repeat": repeat, **measure_once(path, options)} for repeat in range(1, repeats + 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark compare and frontier.")
    parser.add_argument("--scenario", type=Path, default=NATIONAL)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help=OUT_HELP)
    args = parser.parse_args(argv)
    args.out = results_folder(parser, args, RESULTS)
    rows = measure(args.scenario, args.repeats)
    wrong = sorted({str(r["disagreements"]) for r in rows if r["disagreements"]})
    args.out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(args.out / "whatif.csv", index=False)

    def med(key: str) -> float:
        return statistics.median(float(str(r[key])) for r in rows)

    ratio, whole = med("sweep20_over_one"), med("frontier_s")
    binding = med("sweep_binding_over_one")

    def verdict(key: str, limit: float) -> str:
        """Met or not in every repeat; else "unsettled", with each repeat's value (found
        by review: repeats at 3.58x, 4.02x and 2.43x read as a plain "NOT met")."""
        each = [float(str(r[key])) for r in rows]
        if all(v < limit for v in each):
            return "met"
        if all(v >= limit for v in each):
            return "NOT met"
        return "unsettled (" + ", ".join(f"{v:.2f}" for v in each) + ")"

    first, last = int(med("binding_from")), int(med("binding_to"))
    inside = args.scenario.resolve().is_relative_to(ROOT)
    shown = args.scenario.resolve().relative_to(ROOT) if inside else args.scenario
    lines = [
        f"# What-if benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Scenario `{shown}`, medians of {args.repeats} repeats (each column on its own, so "
        "a ratio need not be the quotient of the seconds beside it), default solver options "
        "(seed 0); a verdict holds only if every repeat gives it. "
        "Below the least workable budget a sweep needs no solve, nor above the best plan's "
        "cost; the second row keeps to the budgets between, where every one is solved.",
        "",
        "| measure | seconds | target | verdict |",
        "|---|--:|---|---|",
        f"| one solve (production path, ties settled) | {med('one_solve_s'):.3f} | | |",
        f"| 20-budget sweep $3,000-$12,500, re-used models | {med('sweep20_s'):.3f} "
        f"({ratio:.2f}x one solve) | < 3x one solve | {verdict('sweep20_over_one', 3)} |",
        f"| {int(med('binding_budgets'))} budgets ${first:,}-${last:,} (least workable to the "
        f"best plan's cost: every one needs a solve), re-used models | "
        f"{med('sweep_binding_s'):.3f} ({binding:.2f}x one solve) | < 3x one solve | "
        f"{verdict('sweep_binding_over_one', 3)} |",
        f"| {int(med('fine_budgets')):,} budgets $3,000-$12,990, $10 apart, re-used models "
        f"({int(med('sweep_fine_solves'))} solves: one per efficient plan crossed) | "
        f"{med('sweep_fine_s'):.3f} | | |",
        f"| the $3,000-$12,500 budgets, the production solve each time (fair naive) | "
        f"{med('production_solve_each_sweep20_s'):.3f} | | |",
        f"| the same, full unreduced model rebuilt each time (naive) | "
        f"{med('rebuild_full_model_sweep20_s'):.3f} | | |",
        f"| whole frontier ({int(med('frontier_points'))} points) | {whole:.3f} | < 30 s | "
        f"{verdict('frontier_s', 30)} |",
        "",
        f"Answers: every repeat compares the sweeps, the frontier and the naive rebuild with "
        f"a fresh production solve at each budget ({int(med('budgets_checked'))} budgets), "
        f"and the fine sweep with the frontier: "
        + ("all agree (status and best value)." if not wrong else "DISAGREE: " + " | ".join(wrong)),
    ]
    (args.out / "whatif.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
