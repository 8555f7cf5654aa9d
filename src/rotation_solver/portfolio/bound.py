"""The upper bound: the per-outcome perfect-information bound.

In each sampled outcome, the best plan among the programs that offer, paying only
their fees, solved by CP-SAT. It bounds the SAA optimum but includes the value of
knowing the offers in advance, so its gap is an honest but loose certificate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from rotation_solver.portfolio.candidates import PortfolioProblem, certain_scenario
from rotation_solver.problem import PlanningProblem, build_problem
from rotation_solver.solve import Clock, NotSettled, SolveOptions, solve_problem


class OfferedPlans:
    """The best plan among the programs that offer in one outcome, applying only to the
    plan's own programs (their fees count in its cost), optionally with a penalty per
    program. Solved by CP-SAT on the certain offerings (`solve_problem`)."""

    def __init__(self, problem: PortfolioProblem, options: SolveOptions):
        self.options = options
        self.base = build_problem(certain_scenario(problem.loaded, keep_fee=True))
        self.index = {c.program_id: c.index for c in problem.candidates}
        self.lock_ids = {c.program_id for c in problem.locks}
        self.known = [
            o
            for o in self.base.offerings
            if o.program_id in self.index or o.program_id in self.lock_ids
        ]
        # Each program's best value, for `ceiling` (no solve, no problem to build).
        self.best_value = np.zeros(len(problem.candidates), dtype=np.int64)
        lock_best: dict[str, int] = {}
        for o in self.known:
            if o.program_id in self.lock_ids:
                lock_best[o.program_id] = max(lock_best.get(o.program_id, 0), o.value)
            else:
                i = self.index[o.program_id]
                self.best_value[i] = max(self.best_value[i], o.value)
        self.lock_values = np.array(list(lock_best.values()), dtype=np.int64)

    def offered(self, row: np.ndarray, penalty: dict[int, int] | None = None) -> PlanningProblem:
        """The problem of the outcome `row`: the offerings of the programs that offer."""
        usable = []
        for o in self.known:
            if o.program_id in self.lock_ids:
                usable.append(o)
                continue
            i = self.index[o.program_id]
            if row[i]:
                cut = penalty.get(i, 0) if penalty else 0
                usable.append(dataclasses.replace(o, value=o.value - cut) if cut else o)
        return dataclasses.replace(self.base, offerings=tuple(usable))

    def ceiling(self, row: np.ndarray) -> int:
        """`offered(row).value_ceiling()` without building the problem: the loose bound
        for outcomes the time limit leaves unsolved (100,000 of them took 80 s built)."""
        values = np.concatenate([self.best_value[row.astype(bool)], self.lock_values])
        values = values[values > 0]
        k = self.base.requirements.max_rotations
        if len(values) > k:
            values = np.partition(values, len(values) - k)[len(values) - k :]
        return int(values.sum())

    def best(
        self,
        row: np.ndarray,
        penalty: dict[int, int] | None = None,
        options: SolveOptions | None = None,
    ) -> tuple[int, bool, tuple[int, ...]]:
        """(value, proven, candidate indices of the plan) in the outcome `row`.

        The value is at least 0 (no plan is worth 0). If a solve stops at its time
        limit, its bound is returned with proven False (still an upper bound).
        """
        offered = self.offered(row, penalty)
        result = solve_problem(offered, options or self.options)
        if result.status == "optimal" and result.objective is not None:
            plan = tuple(
                sorted(
                    self.index[o.program_id] for o in result.rotations if o.program_id in self.index
                )
            )
            return (max(0, result.objective), True, plan) if result.objective > 0 else (0, True, ())
        if result.status == "infeasible":
            return 0, True, ()
        # Stopped by the time limit: CP-SAT's bound, or failing that the trivial one.
        bound = result.bound if result.bound is not None else offered.value_ceiling()
        return max(0, bound), False, ()


def perfect_information_bound(
    problem: PortfolioProblem,
    offers: np.ndarray,
    options: SolveOptions,
    progress: Callable[[int], None] = lambda _n: None,
) -> tuple[float, bool]:
    """Mean over the sample of the best plan if the offers were known before applying.

    In each outcome that plan applies only to its own programs (paying their fees): no
    portfolio can do better in that outcome, so the mean bounds the SAA optimum. Returns
    (bound, proven) where proven is False if a CP-SAT solve stopped at its time limit
    (its bound is then used, which is still valid).

    The solves share one deadline, `options.time_limit` in all, each with a fair share
    of what is left; an outcome reached after the deadline gets the loose bound of its
    best programs' values (`value_ceiling`), still valid.
    """
    plans = OfferedPlans(problem, options)
    clock = Clock.start(options)
    total = 0.0
    proven = True
    memo: dict[bytes, int] = {}
    keys = [np.packbits(row).tobytes() for row in offers]
    distinct = len(set(keys))
    for row, key in zip(offers, keys, strict=True):
        if key not in memo:
            try:
                share = clock.share(distinct - len(memo)).left()
            except NotSettled:
                memo[key] = plans.ceiling(row)
                proven = False
            else:
                value, exact, _plan = plans.best(row, options=share)
                proven = proven and exact
                memo[key] = value
        total += memo[key]
        progress(1)
    return total / max(1, len(offers)), proven
