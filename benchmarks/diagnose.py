"""`python -m benchmarks.diagnose`: naming the rules in conflict on a national catalog.

When no plan exists, `solve` names a minimal set of conflicting rules and a repair
for each (spec section 8, exit 3). This times that path on infeasible variants of
the national scenario (6,400 offerings once the user's own rules are lifted):

- production: `plan_scenario` end to end (solve, conflict search, repairs) and the
  conflict search alone, which fixes the rules' guards in each deletion test;
- baseline: the search as it was before 2026-11-26, every deletion test solved under
  assumptions (a search decision that presolve and the LP cannot use), each test
  capped at `--baseline-cap` seconds. A test that hits the cap keeps its rule, so
  the baseline's set is then not minimal.

Both searches must name the same rules when neither is cut short. Writes
`results/diagnose.csv` and `results/diagnose.md`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
from ortools.sat.python import cp_model

from benchmarks.report import OUT_HELP, results_folder, write_results
from rotation_solver.diagnose import find_conflict, guarded_model
from rotation_solver.model import PlanModel
from rotation_solver.planner import plan_scenario
from rotation_solver.problem import build_problem
from rotation_solver.repairs import changed
from rotation_solver.scenario import LoadedScenario, Lock, load_scenario
from rotation_solver.solve import SolveOptions

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
NATIONAL = ROOT / "scenarios" / "national" / "scenario.yaml"


def _requirements(loaded: LoadedScenario, **updates: object) -> LoadedScenario:
    return changed(loaded, requirements=loaded.scenario.requirements.model_copy(update=updates))


def _blocked_all_but_a_week(loaded: LoadedScenario) -> LoadedScenario:
    calendar = loaded.scenario.calendar
    period = calendar.blocked[0].model_copy(
        update={"start": calendar.window.start, "end": date(2027, 12, 10), "reason": "away"}
    )
    return changed(loaded, calendar=calendar.model_copy(update={"blocked": [period]}))


def _overlapping_locks(loaded: LoadedScenario) -> LoadedScenario:
    """Two accepted offers that overlap by a week: only the locks can be blamed."""
    problem = build_problem(loaded)
    radiology = [o for o in problem.offerings if o.specialty == "radiology"]
    first = radiology[0]
    second = next(
        o
        for o in radiology
        if o.program_id != first.program_id and o.start > first.start and o.start <= first.end
    )
    locks = [Lock(program=o.program_id, start=o.start) for o in (first, second)]
    return changed(loaded, locks=locks)


VARIANTS: dict[str, Callable[[LoadedScenario], LoadedScenario]] = {
    "budget $2,500": lambda loaded: loaded.with_budget(2500),
    "max_rotations 2": lambda loaded: _requirements(loaded, max_rotations=2),
    "blocked until 2027-12-10": _blocked_all_but_a_week,
    "two overlapping locks": _overlapping_locks,
}


def assumption_conflict(loaded: LoadedScenario, cap: float, seed: int = 0) -> tuple[list[str], int]:
    """The baseline: deletion filtering with every test under assumptions (one worker).
    Returns (rules, tests cut short by the cap)."""
    plan_model: PlanModel = guarded_model(loaded, build_problem(loaded, relax_user_rules=True))
    model = plan_model.model

    def test(keys: list[str]) -> tuple[bool | None, list[str]]:
        model.clear_assumptions()
        model.add_assumptions([plan_model.guards[key] for key in keys])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = cap
        code = solver.solve(model)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True, []
        if code != cp_model.INFEASIBLE:
            return None, keys
        index_of = {plan_model.guards[key].index: key for key in keys}
        found = solver.sufficient_assumptions_for_infeasibility()
        return False, [index_of[i] for i in found if i in index_of] or keys

    cut_short = 0
    feasible, core = test(list(plan_model.guards))
    if feasible is None:
        return [], 1
    for key in list(core):
        if key not in core:
            continue
        trial = [k for k in core if k != key]
        feasible, smaller = test(trial)
        if feasible is None:
            cut_short += 1
        elif not feasible:
            core = [k for k in trial if k in set(smaller)] or trial
    return core, cut_short


def measure(path: Path, cap: float, baseline: bool) -> list[dict[str, object]]:
    national = load_scenario(path)
    options = SolveOptions(seed=0)
    rows: list[dict[str, object]] = []
    for name, make in VARIANTS.items():
        loaded = make(national)
        started = time.perf_counter()
        outcome = plan_scenario(loaded, options)
        end_to_end = time.perf_counter() - started
        if outcome.result.status != "infeasible":  # not an assert: `python -O` drops those
            raise SystemExit(f"{name}: expected no plan, got {outcome.result.status}")
        started = time.perf_counter()
        conflict = find_conflict(loaded, options.time_limit, options.seed, options.workers)
        search = time.perf_counter() - started
        row: dict[str, object] = {
            "variant": name,
            "end_to_end_s": round(end_to_end, 2),
            "conflict_search_s": round(search, 2),
            "rules": " + ".join(rule.key for rule in conflict.rules),
            "minimal": conflict.minimal,
        }
        if baseline:
            started = time.perf_counter()
            rules, cut_short = assumption_conflict(loaded, cap)
            row["baseline_s"] = round(time.perf_counter() - started, 2)
            row["baseline_rules"] = " + ".join(rules)
            row["baseline_cut_short"] = cut_short
            named = [rule.key for rule in conflict.rules]
            # An explicit verdict, not an assert (`python -O` drops those): the baseline
            # confirms "minimal" only when none of its tests was cut short.
            if cut_short or not conflict.minimal:
                row["baseline_check"] = "not checked (baseline cut short or not minimal)"
            elif sorted(rules) == sorted(named):
                row["baseline_check"] = "agrees"
            else:
                row["baseline_check"] = "DISAGREES"
        rows.append(row)
        print(row, flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the conflict search (exit 3).")
    parser.add_argument("--scenario", type=Path, default=NATIONAL)
    parser.add_argument("--baseline-cap", type=float, default=20.0)
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow baseline")
    parser.add_argument("--out", type=Path, default=None, help=OUT_HELP)
    args = parser.parse_args(argv)
    args.out = results_folder(parser, args, RESULTS)
    rows = measure(args.scenario, args.baseline_cap, not args.no_baseline)

    def body(frame: pd.DataFrame) -> list[str]:
        return [
            "Infeasible variants of the national scenario, default options (seed 0). "
            "End to end is solve + conflict search + repairs. The baseline is the "
            f"assumption-based search, each test capped at {args.baseline_cap:g} s.",
            "",
            "| " + " | ".join(frame.columns) + " |",
            "|" + "---|" * len(frame.columns),
            *("| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(False)),
        ]

    write_results(rows, args.out, "diagnose", "Conflict search benchmark", body)
    return 1 if any(row.get("baseline_check") == "DISAGREES" for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
