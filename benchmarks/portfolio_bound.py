"""`python -m benchmarks.portfolio_bound`: can a tighter bound certify a 1% SAA gap?

`rotation-solver apply` certifies its portfolio with the perfect-information
bound, which lets every sampled outcome pick its best plan among *all* offered
programs. This experiment measures how far a bound that couples the outcomes
gets: the Lagrangian relaxation of "a plan only uses programs applied to".

For multipliers lam[s, u] >= 0 (outcome s, program u), with Lam[u] = sum_s lam[s, u],

    L(lam) = 1/S * sum_s max_{P offered in s} (v(P) - S * sum_{u in P} lam[s, u])
             + (sum of the N largest Lam[u])

bounds the SAA optimum (each plan pays only its own fees, a relaxation too).
The inner maxima are solved exactly by CP-SAT; penalties are rounded down,
which keeps the bound valid. The multipliers are the duals of the master LP
(GLOP, in OR-Tools) over a pool of plans; each round prices every outcome and
adds its best penalised plan to the pool (column generation). The master LP
value is the LP relaxation of the SAA restricted to the pool; once no outcome
has a plan left to add, it equals the best L(lam).

Writes `results/portfolio_bound.csv` and `results/portfolio_bound.md`.
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from ortools.linear_solver import pywraplp

from benchmarks.report import OUT_HELP, results_folder
from rotation_solver import portfolio
from rotation_solver.scenario import load_scenario
from rotation_solver.solve import SolveOptions

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
NATIONAL = ROOT / "scenarios" / "national" / "scenario.yaml"

Plan = tuple[int, ...]


def incumbent(problem: portfolio.PortfolioProblem, offers: np.ndarray, n: int) -> Plan:
    """The portfolio `apply` would choose on this sample (same search, same settings)."""
    options = SolveOptions(seed=0, time_limit=10)
    found = portfolio.search(
        problem,
        portfolio.Evaluator(problem, offers),
        n,
        seed=portfolio.expected_value_seed(problem, options),
        restarts=4,
    )
    return found.portfolio


def master_lp(
    pool: dict[Plan, int], offers: np.ndarray, n: int
) -> tuple[float, list[dict[int, float]]]:
    """LP relaxation of the SAA over the pool: its value and the linking duals lam[s][u]."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    programs = sorted({u for plan in pool for u in plan})
    apply_to = {u: solver.NumVar(0, 1, f"apply_{u}") for u in programs}
    solver.Add(sum(apply_to.values()) <= n)
    objective = solver.Objective()
    links: list[dict[int, Any]] = []
    samples = len(offers)
    for row in offers:
        one_plan = solver.Constraint(-solver.infinity(), 1)
        link: dict[int, Any] = {}
        for plan, value in pool.items():
            if not all(row[u] for u in plan):
                continue
            chosen = solver.NumVar(0, 1, "")
            one_plan.SetCoefficient(chosen, 1)
            objective.SetCoefficient(chosen, value / samples)
            for u in plan:
                if u not in link:
                    link[u] = solver.Constraint(-solver.infinity(), 0)
                    link[u].SetCoefficient(apply_to[u], -1)
                link[u].SetCoefficient(chosen, 1)
        links.append(link)
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("GLOP did not solve the master LP")
    duals = [{u: max(0.0, c.dual_value()) for u, c in link.items()} for link in links]
    return solver.Objective().Value(), duals


def lagrangian_bound(
    plans: portfolio.OfferedPlans, offers: np.ndarray, duals: list[dict[int, float]], n: int
) -> tuple[float, list[Plan]]:
    """L(lam) for the given multipliers, and each outcome's best penalised plan."""
    samples = len(offers)
    per_program: dict[int, float] = {}
    inner = 0.0
    found: list[Plan] = []
    for row, lam in zip(offers, duals, strict=True):
        penalty = {}
        for u, price in lam.items():
            per_program[u] = per_program.get(u, 0.0) + price
            cut = math.floor(samples * price)  # rounded down: the bound stays valid
            if cut:
                penalty[u] = cut
        # Stopped by its time limit (a busy machine), a solve gives CP-SAT's bound: the
        # bound stays valid, and no plan joins the pool from that outcome.
        value, _proven, plan = plans.best(row, penalty)
        inner += value / samples
        found.append(plan)
    return inner + sum(sorted(per_program.values(), reverse=True)[:n]), found


def smoothed(
    center: list[dict[int, float]], duals: list[dict[int, float]], weight: float
) -> list[dict[int, float]]:
    """Wentges smoothing: `weight` x the best multipliers so far + the rest x the LP's.

    Plain column generation prices at the LP duals, which jump from round to round (the
    Lagrangian bound went 614, 604, 599, 603...). Pricing near the best point so far
    damps that; any multipliers >= 0 give a valid bound, so the bound stays valid."""
    return [
        {
            u: weight * old.get(u, 0.0) + (1 - weight) * new.get(u, 0.0)
            for u in old.keys() | new.keys()
        }
        for old, new in zip(center, duals, strict=True)
    ]


def run(
    path: Path,
    outcomes: int,
    seed: int,
    rounds: int,
    out: Path,
    smoothing: float = 0.0,
    max_seconds: float = math.inf,
) -> list[dict[str, Any]]:
    started = time.perf_counter()
    loaded = load_scenario(path)
    problem = portfolio.build_portfolio_problem(loaded)
    n = loaded.scenario.max_applications
    offers = portfolio.sample_offers(problem, outcomes, seed, stream=0)
    chosen = incumbent(problem, offers, n)
    table = portfolio.evaluate(problem, chosen)
    in_sample = float(table.outcome_values(portfolio.offer_masks(offers, chosen)).mean())
    plans = portfolio.OfferedPlans(problem, SolveOptions(seed=0, workers=1))
    budget = problem.budget - problem.fees_paid_regardless

    pool: dict[Plan, int] = {}

    def add(plan: Plan) -> bool:
        found = problem.plan_of(plan) if plan else None
        fees = sum(problem.candidates[i].fee for i in plan)
        if plan in pool or found is None or found[0] + fees > budget:
            return False
        pool[plan] = found[1]
        return True

    # The first pool: each outcome's perfect-information plan, the incumbent's
    # plans, and every plan among the incumbent and the 16 most used programs.
    used: Counter[int] = Counter()
    perfect = 0.0
    for row in offers:
        value, _proven, plan = plans.best(row)
        perfect += value / len(offers)
        used.update(plan)
        add(plan)
    for mask in portfolio.offer_masks(offers, chosen):
        picked = int(table.plan[mask])
        if picked >= 0:
            add(tuple(sorted(chosen[b] for b in range(len(chosen)) if picked >> b & 1)))
    near = tuple(sorted(set(chosen) | {u for u, _ in used.most_common(16)}))
    listed = portfolio.plan_list(problem, near)
    for members in listed.members:
        add(tuple(int(u) for u in members if u >= 0))

    rows: list[dict[str, Any]] = []
    best = perfect
    # At zero multipliers L is the perfect-information bound: the first centre.
    center: list[dict[int, float]] = [{} for _ in offers]
    for round_no in range(1, rounds + 1):
        round_started = time.perf_counter()
        lp_value, duals = master_lp(pool, offers, n)
        weight = smoothing
        while True:
            priced = smoothed(center, duals, weight) if weight else duals
            bound, penalised = lagrangian_bound(plans, offers, priced, n)
            if bound < best:
                best, center = bound, priced
            added = sum(add(plan) for plan in penalised)
            # A smoothed round that finds no new plan proves nothing about the LP
            # ("mis-pricing"): price again at the LP duals themselves.
            if added or not weight:
                break
            weight = 0.0
        rows.append(
            {
                "round": round_no,
                "pool": len(pool),
                "added": added,
                "pool_lp": round(lp_value, 3),
                "lagrangian_bound": round(bound, 3),
                "best_bound": round(best, 3),
                "perfect_information": round(perfect, 3),
                "incumbent": round(in_sample, 3),
                "gap_best_bound": round((best - in_sample) / best, 4),
                "lp_gap": round((best - lp_value) / best, 4),
                "round_seconds": round(time.perf_counter() - round_started, 1),
                "total_seconds": round(time.perf_counter() - started, 1),
            }
        )
        print(rows[-1], flush=True)
        # No plan left to add at the LP duals: the LP is the full relaxation's, and the
        # bound at those duals equals it (column generation has converged).
        if not added or time.perf_counter() - started > max_seconds:
            break
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out / "portfolio_bound.csv", index=False)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lagrangian bound for the apply SAA problem.")
    parser.add_argument("--scenario", type=Path, default=NATIONAL)
    parser.add_argument("--outcomes", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--out", type=Path, default=None, help=OUT_HELP)
    parser.add_argument(
        "--smoothing",
        type=float,
        default=0.0,
        help="Wentges smoothing weight in [0, 1): 0 prices at the LP duals (plain)",
    )
    parser.add_argument("--max-seconds", type=float, default=math.inf)
    args = parser.parse_args(argv)
    args.out = results_folder(parser, args, RESULTS)
    if not 0 <= args.smoothing < 1:
        parser.error("--smoothing must be in [0, 1)")
    rows = run(
        args.scenario, args.outcomes, args.seed, args.rounds, args.out,
        args.smoothing, args.max_seconds,
    )  # fmt: skip
    last = rows[-1]
    lines = [
        f"# Portfolio bound experiment ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"`{args.scenario.name}` in `{args.scenario.parent.name}`, {args.outcomes} outcomes, "
        f"seed {args.seed}. Incumbent (in-sample SAA value): {last['incumbent']}; "
        f"perfect-information bound: {last['perfect_information']}.",
        "",
        "| round | pool | pool LP | Lagrangian bound | best bound | gap | seconds |",
        "|--:|--:|--:|--:|--:|--:|--:|",
        *(
            f"| {r['round']} | {r['pool']} | {r['pool_lp']:.2f} | {r['lagrangian_bound']:.2f} "
            f"| {r['best_bound']:.2f} | {100 * r['gap_best_bound']:.1f}% | {r['total_seconds']} |"
            for r in rows
        ),
    ]
    (args.out / "portfolio_bound.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
