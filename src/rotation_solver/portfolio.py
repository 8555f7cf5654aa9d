"""Which electives to apply to: an application portfolio under uncertain offers (issue 6).

Modelling rules (fixed by the issue, so that results can be checked):

- Offers are independent per program, with probability `acceptance`.
- An application names one program and one or more of its starts; its `fee` is paid
  once, whatever the outcome. If the program offers, the student may take any one
  listed start. Alternative dates are free, so an application always lists every
  feasible start of its program: the first stage is a *set of programs*.
- In an outcome, an offered rotation counts with acceptance 1 (the uncertainty lives in
  the sampling, not in the value) and costs `housing_per_week*weeks + travel +
  img_surcharge`. The fees of all applications plus the plan's costs stay within the
  budget, and every other rule of the spec holds.
- Locked programs are offers already accepted: they count as offered in every outcome
  and need no application. Their fee was paid when they applied, so it is counted once
  against the budget, like an application fee.
- An outcome with no feasible plan is worth 0 (and counted as "no plan").

Method. The second stage is solved exactly by enumeration, using the structure of the
problem: a plan holds at most `max_rotations` programs; every rule except the calendar
is a rule on the *set* of programs (counts, tier mix, budget, affordable housing), and a
rotation's cost depends only on its program. For a set of programs the best dates
follow from trying every order: placing each program at its earliest start after the
ones before it makes every end as early as possible, and a rotation's value can only
drop with a later start (`late_factor <= 1`), so the earliest placement of the best
order is an optimal schedule. The best plan of every set is memoised. For a portfolio of
k programs, the best plan of each of the 2^k offered sets is then a subset maximum
(a "zeta transform" over the bitmasks), so every outcome of the portfolio is evaluated
exactly and the expectation over all 2^k outcomes is exact too.

The first stage is a sample average approximation (SAA) over S sampled outcomes with
common random numbers: seeded from the expected-value plan, grown greedily and improved
by add / drop / swap moves (a move that keeps the value and saves fees counts too), then a
few rounds of iterated local search, every move verified by exact SAA evaluation. Large
portfolios are valued per sampled outcome instead of per subset. The upper bound is the
per-outcome perfect-information bound (the best plan among the programs that offer, paying
only their fees), solved by CP-SAT; it bounds the SAA optimum but includes the value of
knowing the offers in advance, so its gap is an honest but loose certificate.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import random
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations, pairwise, permutations
from pathlib import Path
from typing import Any

import numpy as np

from rotation_solver import files
from rotation_solver.model import TIERS_HIGH, TIERS_SAFE
from rotation_solver.offerings import Offering, expand
from rotation_solver.planner import plan_scenario
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.schema import MAX_APPLICATIONS
from rotation_solver.solve import SolveOptions, solve_problem

NO_PLAN = -(10**9)
DIRECT_FROM = 8  # larger portfolios are valued per sampled outcome, not per 2^k subset

ProgressFactory = Callable[[str, int], Callable[[int], None]]


def _no_progress(_label: str, _total: int) -> Callable[[int], None]:
    return lambda _advance: None


# -- the certain catalog -----------------------------------------------------------------


def certain_scenario(loaded: LoadedScenario, *, keep_fee: bool = False) -> LoadedScenario:
    """The scenario as seen in an outcome: acceptance 1, fees paid up front (fee 0).

    With `keep_fee`, fees stay in the rotation cost (the perfect-information bound,
    where only the plan's own programs are applied to).
    """
    programs = tuple(
        p.model_copy(update={"acceptance": Decimal(1), **({} if keep_fee else {"fee": 0})})
        for p in loaded.programs
    )
    scenario = loaded.scenario.model_copy(update={"programs": list(programs)})
    return dataclasses.replace(loaded, scenario=scenario, programs=programs)


@dataclass(frozen=True)
class Candidate:
    """A program as a first-stage choice (or a lock), with its certain offerings."""

    index: int
    program_id: str
    program_name: str
    specialty: str
    kind: str  # radiology | clinical
    tier: str
    img_friendly: bool
    housing_per_week: int
    cost: int  # in an outcome: housing*weeks + travel + img surcharge (no fee)
    fee: int
    acceptance: float
    letter: float
    starts: tuple[int, ...]  # ordinals, sorted
    values: tuple[int, ...]  # certain value at each start (non-increasing)
    days: int  # 7 * weeks
    offerings: tuple[Offering, ...]
    expected_value: int  # the best acceptance-weighted value (spec section 6)
    submit_on: date
    deadline: date | None  # the earliest deadline of the listed starts
    locked: bool

    @property
    def is_radiology(self) -> bool:
        return self.kind == "radiology"

    @property
    def high(self) -> bool:
        return self.is_radiology and self.tier in TIERS_HIGH

    @property
    def safe(self) -> bool:
        return self.is_radiology and self.tier in TIERS_SAFE and self.img_friendly


@dataclass
class PortfolioProblem:
    """The candidates, the locks and the plan rules, with the memo of best plans per set."""

    loaded: LoadedScenario
    candidates: tuple[Candidate, ...]  # first-stage choices (never locks)
    locks: tuple[Candidate, ...]
    budget: int
    lock_fees: int
    radiology_min: int
    radiology_max: int
    clinical_min: int
    clinical_max: int
    max_rotations: int
    tier_mix: bool
    min_gap_days: int
    affordable: int | None
    rest_days: int
    penalty: int
    _memo: dict[tuple[int, ...], tuple[int, int] | None] = field(default_factory=dict)
    _lists: OrderedDict[tuple[int, ...], PlanList] = field(default_factory=OrderedDict)
    list_cache_size: int = 256

    @property
    def all(self) -> tuple[Candidate, ...]:
        return self.candidates + self.locks

    def by_id(self, program_id: str) -> Candidate:
        for c in self.all:
            if c.program_id == program_id:
                return c
        raise KeyError(program_id)

    # -- rules on a set of programs ------------------------------------------------------

    def _rules_ok(self, members: Sequence[Candidate]) -> bool:
        rad = sum(1 for c in members if c.is_radiology)
        clin = len(members) - rad
        if not (self.radiology_min <= rad <= self.radiology_max):
            return False
        if not (self.clinical_min <= clin <= self.clinical_max):
            return False
        if len(members) > self.max_rotations:
            return False
        if (
            self.tier_mix
            and rad >= 1
            and not (any(c.high for c in members) and any(c.safe for c in members))
        ):
            return False
        limit = self.affordable
        return limit is None or not members or any(c.housing_per_week <= limit for c in members)

    def _separation(self, a: Candidate, b: Candidate) -> int:
        """Days from a's end to b's earliest start (b after a)."""
        gap = self.min_gap_days
        if (
            self.affordable is not None
            and self.rest_days
            and a.housing_per_week > self.affordable
            and b.housing_per_week > self.affordable
        ):
            gap = max(gap, self.rest_days)
        return 1 + gap

    def schedule(self, members: Sequence[Candidate]) -> tuple[int, tuple[int, ...]] | None:
        """Best (value sum, start per member) over every order, or None if none fits."""
        if any(not c.starts for c in members):
            return None  # a lock that cannot be placed
        ceiling = sum(c.values[0] for c in members)
        best: tuple[int, tuple[int, ...]] | None = None
        for order in permutations(range(len(members))):
            starts = [0] * len(members)
            total = 0
            placed: list[tuple[Candidate, int]] = []  # (candidate, end ordinal)
            ok = True
            for i in order:
                c = members[i]
                earliest = max((end + self._separation(p, c) for p, end in placed), default=0)
                j = bisect.bisect_left(c.starts, earliest)
                if j == len(c.starts):
                    ok = False
                    break
                starts[i] = c.starts[j]
                total += c.values[j]
                placed.append((c, c.starts[j] + c.days - 1))
            if ok and (best is None or total > best[0]):
                best = (total, tuple(starts))
                if total == ceiling:
                    break
        return best

    def plan_of(self, key: tuple[int, ...]) -> tuple[int, int] | None:
        """(cost, objective) of the best plan with exactly these candidates plus the locks.

        `key` holds candidate indices (sorted); None when no plan uses exactly them.
        The budget is checked by the caller (it depends on the portfolio's fees).
        """
        if key in self._memo:
            return self._memo[key]
        members = [self.candidates[i] for i in key] + list(self.locks)
        result: tuple[int, int] | None = None
        if self._rules_ok(members):
            cost = sum(c.cost for c in members)
            if cost <= self.budget - self.lock_fees:
                found = self.schedule(members)
                if found is not None:
                    rad = sum(1 for c in members if c.is_radiology)
                    result = (cost, found[0] - self.penalty * max(0, rad - 2))
        self._memo[key] = result
        return result

    def plan_rotations(self, key: Sequence[int]) -> list[Offering]:
        """The offerings of the best plan with exactly these candidates plus the locks."""
        members = [self.candidates[i] for i in sorted(key)] + list(self.locks)
        found = self.schedule(members)
        assert found is not None
        rotations = []
        for c, ordinal in zip(members, found[1], strict=True):
            start = date.fromordinal(ordinal)
            rotations.append(next(o for o in c.offerings if o.start == start))
        return sorted(rotations, key=lambda o: (o.start, o.program_id))


def build_portfolio_problem(loaded: LoadedScenario) -> PortfolioProblem:
    """Candidates: every program with a feasible offering it could afford, locks apart."""
    certain = expand(certain_scenario(loaded))
    weighted = {o.key: o.value for o in expand(loaded).offerings}
    by_program: dict[str, list[Offering]] = {}
    for o in certain.offerings:
        by_program.setdefault(o.program_id, []).append(o)
    lock_starts = {lock.program: lock.start for lock in loaded.locks}
    programs = {p.id: p for p in loaded.programs}
    req = loaded.requirements
    budget = loaded.budget
    lock_fees = sum(programs[pid].fee for pid in lock_starts)
    candidates: list[Candidate] = []
    locks: list[Candidate] = []
    for pid, offers in by_program.items():
        program = programs[pid]
        locked = pid in lock_starts
        if locked:
            offers = [o for o in offers if o.start == lock_starts[pid]]
        offers.sort(key=lambda o: o.start)
        if not offers:
            continue
        if not locked and (program.acceptance <= 0 or offers[0].cost + program.fee > budget):
            continue
        values = tuple(o.value for o in offers)
        # Earliest placement is optimal only if value never rises with a later start.
        assert all(a >= b for a, b in pairwise(values)), pid
        deadlines = [o.deadline for o in offers if o.deadline is not None]
        candidate = Candidate(
            index=len(locks) if locked else len(candidates),
            program_id=pid,
            program_name=program.name,
            specialty=program.specialty,
            kind=offers[0].kind,
            tier=program.tier,
            img_friendly=program.img_friendly,
            housing_per_week=program.housing_per_week,
            cost=offers[0].cost,
            fee=program.fee,
            acceptance=1.0 if locked else float(program.acceptance),
            letter=float(program.letter),
            starts=tuple(o.start.toordinal() for o in offers),
            values=values,
            days=7 * program.weeks,
            offerings=tuple(offers),
            expected_value=max(weighted.get(o.key, 0) for o in offers),
            submit_on=offers[0].submit_on,
            deadline=min(deadlines) if deadlines else None,
            locked=locked,
        )
        (locks if locked else candidates).append(candidate)
    missing = set(lock_starts) - {c.program_id for c in locks}
    if missing:
        # A lock that cannot be placed makes every outcome planless; keep it visible.
        locks += [
            Candidate(
                index=len(locks) + k,
                program_id=pid,
                program_name=programs[pid].name,
                specialty=programs[pid].specialty,
                kind="radiology" if programs[pid].specialty == "radiology" else "clinical",
                tier=programs[pid].tier,
                img_friendly=programs[pid].img_friendly,
                housing_per_week=programs[pid].housing_per_week,
                cost=0,
                fee=programs[pid].fee,
                acceptance=1.0,
                letter=float(programs[pid].letter),
                starts=(),
                values=(),
                days=7 * programs[pid].weeks,
                offerings=(),
                expected_value=0,
                submit_on=loaded.scenario.planning_date,
                deadline=None,
                locked=True,
            )
            for k, pid in enumerate(sorted(missing))
        ]
    return PortfolioProblem(
        loaded=loaded,
        candidates=tuple(candidates),
        locks=tuple(locks),
        budget=budget,
        lock_fees=lock_fees,
        radiology_min=req.radiology_min,
        radiology_max=req.radiology_max,
        clinical_min=req.clinical_min,
        clinical_max=req.clinical_max,
        max_rotations=req.max_rotations,
        tier_mix=req.tier_mix,
        min_gap_days=req.min_gap_days,
        affordable=req.affordable_housing_per_week,
        rest_days=req.high_cost_rest_days,
        penalty=certain.weights.extra_radiology_penalty,
    )


# -- exact evaluation of one portfolio ---------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Best plan of every offered subset of a portfolio (bit i = the i-th application)."""

    portfolio: tuple[int, ...]  # candidate indices, sorted
    value: np.ndarray  # int64[2^k]: objective, NO_PLAN when no plan
    plan: np.ndarray  # int64[2^k]: bitmask of the plan's applications, -1 when no plan
    fees: int

    def outcome_values(self, masks: np.ndarray) -> np.ndarray:
        v = self.value[masks]
        return np.where(v == NO_PLAN, 0, v)


def _masks(offers: np.ndarray, portfolio: Sequence[int]) -> np.ndarray:
    """Bitmask per sampled outcome of which applications were offered."""
    if not portfolio:
        return np.zeros(offers.shape[0], dtype=np.int64)
    weights = np.left_shift(np.int64(1), np.arange(len(portfolio), dtype=np.int64))
    return offers[:, list(portfolio)].astype(np.int64) @ weights


@dataclass(frozen=True)
class PlanList:
    """Every set of applications (within `room`) that forms a plan with the locks."""

    members: np.ndarray  # int64[n, room]: candidate indices, -1 padded
    cost: np.ndarray  # int64[n]
    value: np.ndarray  # int64[n]


def plan_list(problem: PortfolioProblem, apps: tuple[int, ...]) -> PlanList:
    """The plan-forming subsets of `apps` (sorted), built from a cached subset list.

    A + {q} has the subsets of A plus those that contain q, so scanning a neighbourhood
    only enumerates the new ones. Lists are kept in a small least-recently-used cache.
    """
    cache = problem._lists
    if apps in cache:
        cache.move_to_end(apps)
        return cache[apps]
    room = max(0, problem.max_rotations - len(problem.locks))
    rows: list[tuple[tuple[int, ...], int, int]] = []
    if not apps:
        found = problem.plan_of(())
        base = PlanList(np.zeros((0, room), dtype=np.int64), np.zeros(0, np.int64),
                        np.zeros(0, np.int64))  # fmt: skip
        if found is not None:
            rows.append(((), *found))
    else:
        new = next((x for x in apps if tuple(i for i in apps if i != x) in cache), apps[-1])
        parent = tuple(i for i in apps if i != new)
        base = plan_list(problem, parent)
        for r in range(0, min(len(parent), room - 1) + 1):
            for subset in combinations(parent, r):
                key = tuple(sorted((*subset, new)))
                found = problem.plan_of(key)
                if found is not None:
                    rows.append((key, *found))
    extra = np.full((len(rows), room), -1, dtype=np.int64)
    for n, (key, _, _) in enumerate(rows):
        extra[n, : len(key)] = key
    result = PlanList(
        np.concatenate([base.members, extra]) if apps else extra,
        np.concatenate([base.cost, np.array([r[1] for r in rows], dtype=np.int64)])
        if apps
        else np.array([r[1] for r in rows], dtype=np.int64),
        np.concatenate([base.value, np.array([r[2] for r in rows], dtype=np.int64)])
        if apps
        else np.array([r[2] for r in rows], dtype=np.int64),
    )
    cache[apps] = result
    while len(cache) > problem.list_cache_size:
        cache.popitem(last=False)
    return result


def evaluate(problem: PortfolioProblem, portfolio: Iterable[int]) -> Table:
    """Exact best-plan value of every outcome of the portfolio (memoised per program set)."""
    apps = tuple(sorted(set(portfolio)))
    k = len(apps)
    fees = sum(problem.candidates[i].fee for i in apps)
    left = problem.budget - problem.lock_fees - fees
    size = 1 << k
    value = np.full(size, NO_PLAN, dtype=np.int64)
    plan = np.full(size, -1, dtype=np.int64)
    plans = plan_list(problem, apps)
    weight = np.zeros(len(problem.candidates) + 1, dtype=np.int64)  # index -1: padding
    weight[list(apps)] = np.left_shift(np.int64(1), np.arange(k, dtype=np.int64))
    masks = (
        weight[plans.members].sum(axis=1)
        if plans.members.size
        else np.zeros(len(plans.cost), dtype=np.int64)
    )
    ok = plans.cost <= left
    value[masks[ok]] = plans.value[ok]  # each subset appears once
    plan[masks[ok]] = masks[ok]
    # Subset maximum: each mask takes the best plan among its subsets.
    for bit in range(k):
        step = 1 << bit
        v = value.reshape(-1, 2, step)
        p = plan.reshape(-1, 2, step)
        better = v[:, 0, :] > v[:, 1, :]
        v[:, 1, :] = np.where(better, v[:, 0, :], v[:, 1, :])
        p[:, 1, :] = np.where(better, p[:, 0, :], p[:, 1, :])
    return Table(apps, value, plan, fees)


def outcome_probabilities(problem: PortfolioProblem, portfolio: Sequence[int]) -> np.ndarray:
    """Probability of each offered subset (bit i = the i-th application offers)."""
    probs = np.ones(1)
    for i in portfolio:
        p = problem.candidates[i].acceptance
        probs = np.concatenate([probs * (1 - p), probs * p])
    return probs


def sample_offers(problem: PortfolioProblem, count: int, seed: int, stream: int) -> np.ndarray:
    """Bool[count, candidates]: which programs offer, one row per sampled outcome.

    Stream 0 is the SAA sample and stream 1 the out-of-sample evaluation, so the two
    never share draws for the same --seed.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, stream]))
    acceptance = np.array([c.acceptance for c in problem.candidates])
    return rng.random((count, len(problem.candidates))) < acceptance


class Evaluator:
    """SAA value of portfolios over a fixed sample, memoised by portfolio."""

    def __init__(self, problem: PortfolioProblem, offers: np.ndarray):
        self.problem = problem
        self.offers = offers
        self.cache: dict[tuple[int, ...], float] = {}
        self.evaluations = 0

    def __call__(self, portfolio: Iterable[int]) -> float:
        key = tuple(sorted(set(portfolio)))
        if key not in self.cache:
            if len(key) <= DIRECT_FROM:
                table = evaluate(self.problem, key)
                values = table.outcome_values(_masks(self.offers, key))
            else:
                values = self._direct(key)
            self.cache[key] = float(values.mean())
            self.evaluations += 1
        return self.cache[key]

    def _direct(self, apps: tuple[int, ...]) -> np.ndarray:
        """Best plan per sampled outcome without the 2^k table (large portfolios)."""
        problem = self.problem
        plans = plan_list(problem, apps)
        left = problem.budget - problem.lock_fees - sum(problem.candidates[i].fee for i in apps)
        ok = plans.cost <= left
        weight = np.zeros(len(problem.candidates) + 1, dtype=np.int64)
        weight[list(apps)] = np.left_shift(np.int64(1), np.arange(len(apps), dtype=np.int64))
        plan_masks = weight[plans.members[ok]].sum(axis=1)
        sample_masks = _masks(self.offers, apps)
        inside = (plan_masks[None, :] & ~sample_masks[:, None]) == 0
        best = np.where(inside, plans.value[ok][None, :], NO_PLAN).max(axis=1, initial=NO_PLAN)
        return np.where(best == NO_PLAN, 0, best)


# -- the first stage: seed, greedy, local search -----------------------------------------


@dataclass(frozen=True)
class SearchResult:
    portfolio: tuple[int, ...]
    value: float  # in-sample SAA value
    evaluations: int
    moves: int
    seconds: float
    local_optimum: bool  # no add, drop or swap improves it (False if the time ran out)


def with_application_room(loaded: LoadedScenario, max_applications: int | None) -> LoadedScenario:
    """The scenario with plans of at most `max_applications` programs besides the locks."""
    if max_applications is None:
        return loaded
    room = max_applications + len(loaded.locks)
    if room >= loaded.requirements.max_rotations:
        return loaded
    requirements = dataclasses.replace(loaded.requirements, max_rotations=room)
    return dataclasses.replace(loaded, requirements=requirements)


def expected_value_seed(
    problem: PortfolioProblem, options: SolveOptions, max_applications: int | None = None
) -> tuple[int, ...]:
    """The programs of the deterministic plan (acceptance-weighted values, fees in cost),
    among plans that need at most `max_applications` applications: a larger plan cut
    down to size may hold no plan at all (e.g. its clinical program dropped)."""
    loaded = with_application_room(problem.loaded, max_applications)
    result = solve_problem(build_problem(loaded), options)
    ids = {o.program_id for o in result.rotations}
    return tuple(c.index for c in problem.candidates if c.program_id in ids)


def search(
    problem: PortfolioProblem,
    evaluator: Evaluator,
    max_applications: int,
    *,
    seed: Sequence[int] = (),
    time_limit: float = 60.0,
    swap_candidates: int = 12,
    restarts: int = 0,
    random_seed: int = 0,
    progress: Callable[[int], None] = lambda _n: None,
) -> SearchResult:
    """Greedy growth from the seed, best-improvement add / drop / swap moves, then
    `restarts` rounds of iterated local search (drop a few applications at random,
    grow and improve again, keep the result if it is better). Never worse than the seed.
    """
    started = time.perf_counter()
    universe = range(len(problem.candidates))
    rng = random.Random(random_seed)
    moves = 0

    def out_of_time() -> bool:
        return time.perf_counter() - started > time_limit

    def tiebreak(i: int) -> tuple[float, float]:
        c = problem.candidates[i]
        return (c.expected_value, -c.fee)

    def grow(current: tuple[int, ...], value: float) -> tuple[tuple[int, ...], float]:
        """The best addition while it helps (or while nothing is planned yet)."""
        nonlocal moves
        while len(current) < max_applications and not out_of_time():
            gains = [
                (evaluator((*current, q)), tiebreak(q), q) for q in universe if q not in current
            ]
            if not gains:
                break
            best_value, _, best_q = max(gains)
            if best_value > value or (value <= 0 and best_value >= value):
                current, value = tuple(sorted((*current, best_q))), best_value
                moves += 1
            else:
                break
        return current, value

    def fees(portfolio: Sequence[int]) -> int:
        return sum(problem.candidates[i].fee for i in portfolio)

    def improve(current: tuple[int, ...], value: float) -> tuple[tuple[int, ...], float, bool]:
        """Best-improvement add / drop / swap until none helps (or the time is up).

        A move helps if it raises the SAA value, or keeps it and saves fees (so
        applications that never matter are dropped).
        """
        nonlocal moves
        while not out_of_time():
            progress(1)
            here = (value, -fees(current))
            best: tuple[tuple[float, int], tuple[int, ...]] = (here, current)

            def consider(trial: tuple[int, ...], v: float) -> None:
                nonlocal best
                key = (v, -fees(trial))
                if key[0] > best[0][0] + 1e-9 or (
                    abs(key[0] - best[0][0]) <= 1e-9 and key[1] > best[0][1]
                ):
                    best = (key, trial)

            outside = [q for q in universe if q not in current]
            add_values = {q: evaluator((*current, q)) for q in outside}
            if len(current) < max_applications:
                for q, v in add_values.items():
                    consider(tuple(sorted((*current, q))), v)
            for p in current:
                rest = tuple(i for i in current if i != p)
                consider(rest, evaluator(rest))
            ranked = sorted(outside, key=lambda q: (add_values[q], tiebreak(q)), reverse=True)
            for q in ranked[:swap_candidates]:
                if out_of_time():
                    break
                for p in current:
                    trial = tuple(sorted((*(i for i in current if i != p), q)))
                    consider(trial, evaluator(trial))
            if best[1] != current:
                current, value = best[1], best[0][0]
                moves += 1
                continue
            return current, value, not out_of_time()
        return current, value, False

    start = tuple(sorted(set(seed)))[:max_applications]
    current, value = grow(start, evaluator(start))
    current, value, local_optimum = improve(current, value)
    for _ in range(restarts):
        if out_of_time() or len(current) < 2:
            break
        kept = list(current)
        for _drop in range(min(3, len(kept) - 1)):
            kept.pop(rng.randrange(len(kept)))
        trial = tuple(sorted(kept))
        trial, trial_value = grow(trial, evaluator(trial))
        trial, trial_value, trial_local = improve(trial, trial_value)
        if trial_value > value + 1e-9:
            current, value, local_optimum = trial, trial_value, trial_local
    return SearchResult(
        current,
        value,
        evaluator.evaluations,
        moves,
        time.perf_counter() - started,
        local_optimum,
    )


def exhaustive(
    problem: PortfolioProblem, max_applications: int, score: Callable[[tuple[int, ...]], float]
) -> tuple[tuple[int, ...], float]:
    """The best portfolio by `score` over every set of at most N candidates (tiny only)."""
    best: tuple[tuple[int, ...], float] = ((), score(()))
    for r in range(1, min(max_applications, len(problem.candidates)) + 1):
        for portfolio in combinations(range(len(problem.candidates)), r):
            v = score(portfolio)
            if v > best[1] + 1e-9:
                best = (portfolio, v)
    return best


def exact_value(problem: PortfolioProblem, portfolio: Sequence[int]) -> float:
    """Expected value over all 2^k outcomes of the portfolio (no sampling)."""
    table = evaluate(problem, portfolio)
    probs = outcome_probabilities(problem, table.portfolio)
    return float(probs @ np.where(table.value == NO_PLAN, 0, table.value))


# -- the upper bound -----------------------------------------------------------------------


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

    def best(
        self, row: np.ndarray, penalty: dict[int, int] | None = None
    ) -> tuple[int, bool, tuple[int, ...]]:
        """(value, proven, candidate indices of the plan) in the outcome `row`.

        The value is at least 0 (no plan is worth 0). If a solve stops at its time
        limit, its bound is returned with proven False (still an upper bound).
        """
        usable = []
        for o in self.known:
            if o.program_id in self.lock_ids:
                usable.append(o)
                continue
            i = self.index[o.program_id]
            if row[i]:
                cut = penalty.get(i, 0) if penalty else 0
                usable.append(dataclasses.replace(o, value=o.value - cut) if cut else o)
        offered = dataclasses.replace(self.base, offerings=tuple(usable))
        result = solve_problem(offered, self.options)
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
    """
    solver = OfferedPlans(problem, options)
    total = 0.0
    proven = True
    memo: dict[bytes, int] = {}
    for row in offers:
        key = np.packbits(row).tobytes()
        if key not in memo:
            value, exact, _plan = solver.best(row)
            proven = proven and exact
            memo[key] = value
        total += memo[key]
        progress(1)
    return total / max(1, len(offers)), proven


def no_plan_reason(
    loaded: LoadedScenario, max_applications: int, options: SolveOptions
) -> tuple[str, str, dict[str, Any] | None]:
    """(status, why, conflict) when the chosen applications never yield a plan.

    Asks the certain scenario (every program offers, fees in cost): if it has no plan
    within the application limit, no portfolio has one ("infeasible", with the
    conflicting rules named as `solve` names them); if its best plan is worth 0 or
    less, applying to nothing is as good and saves the fees ("feasible")."""
    certain = certain_scenario(loaded, keep_fee=True)
    limited = plan_scenario(with_application_room(certain, max_applications), options)
    result = limited.result
    if result.has_plan:
        if result.objective is not None and result.objective <= 0:
            why = (
                f"the best plan is worth {result.objective} under this value model (0 or "
                "less), so applying to nothing is as good and saves the fees"
            )
        else:
            why = (
                "a plan exists if the right programs offer, but none of the sampled outcomes "
                "had one; try more --scenarios"
            )
        return "feasible", why, None
    if result.status == "unknown":
        return "unknown", "no plan was found within the time limit; try a longer --time-limit", None
    unlimited = plan_scenario(certain, options)
    if unlimited.result.has_plan:

        def fits(k: int) -> bool:
            room = with_application_room(certain, k)
            return plan_scenario(room, options, diagnose=False).result.has_plan

        most = loaded.requirements.max_rotations
        fewest = next((k for k in range(max_applications + 1, most + 1) if fits(k)), most)
        why = (
            f"every plan needs at least {fewest} applications, more than max_applications "
            f"{max_applications}; raise --max-applications"
        )
        return "infeasible", why, None
    why = unlimited.payload.get("why") or "no plan meets the rules even if every program offers"
    return "infeasible", str(why), unlimited.payload.get("conflict")


# -- naive strategies ------------------------------------------------------------------------


def _with(
    picks: list[Candidate],
    ranked: list[Candidate],
    need: Callable[[Candidate], bool],
    other: Callable[[Candidate], bool],
) -> list[Candidate]:
    """Swap the lowest-ranked pick for the best one with `need`, keeping `other` covered."""
    if any(need(c) for c in picks):
        return picks
    spare = next((c for c in ranked if need(c) and c not in picks), None)
    if spare is None:
        return picks
    holders = [c for c in picks if other(c)]
    for c in reversed(picks):
        if not (other(c) and len(holders) == 1):
            return [x for x in picks if x is not c] + [spare]
    return picks


def naive_portfolio(problem: PortfolioProblem, max_applications: int, by: str) -> tuple[int, ...]:
    """Top-N programs by expected value ("value") or by letter ("letter").

    The naive student keeps the plan's mix: ceil(N * clinical.min / (radiology.min +
    clinical.min)) clinical applications, the rest radiology (topped up from the other
    kind if one runs short), and with tier_mix on it swaps its lowest radiology pick for
    the best reach/target one, or IMG-friendly target/safety one, if it has none.
    Without these, top-N by value is all radiology (no outcome has the clinical
    rotation) and on the national catalog all safety tier (no outcome meets tier_mix).
    """

    def key(c: Candidate) -> tuple[float, ...]:
        if by == "letter":
            return (c.letter, c.expected_value, -c.fee)
        return (c.expected_value, c.letter, -c.fee)

    ranked = sorted(problem.candidates, key=key, reverse=True)
    clinical = [c for c in ranked if not c.is_radiology]
    radiology = [c for c in ranked if c.is_radiology]
    need = problem.radiology_min + problem.clinical_min
    n_clin = math.ceil(max_applications * problem.clinical_min / need) if need else 0
    n_clin = min(n_clin, len(clinical))
    n_rad = min(max_applications - n_clin, len(radiology))
    n_clin = min(max_applications - n_rad, len(clinical))
    rad = radiology[:n_rad]
    if problem.tier_mix and rad:
        rad = _with(rad, radiology, lambda c: c.high, lambda c: c.safe)
        rad = _with(rad, radiology, lambda c: c.safe, lambda c: c.high)
    chosen = clinical[:n_clin] + rad
    return tuple(sorted(c.index for c in chosen))


# -- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    name: str
    portfolio: tuple[int, ...]
    mean: float
    ci: tuple[float, float]
    margin: float | None = None  # chosen minus this strategy, paired
    margin_ci: tuple[float, float] | None = None


def _ci(values: np.ndarray) -> tuple[float, float]:
    n = len(values)
    mean = float(values.mean()) if n else 0.0
    half = 1.96 * float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return (mean - half, mean + half)


def compare(
    problem: PortfolioProblem,
    strategies: Sequence[tuple[str, tuple[int, ...]]],
    offers: np.ndarray,
    progress: Callable[[int], None] = lambda _n: None,
) -> list[Comparison]:
    """Out-of-sample values on the same outcomes; margins of the first over each other."""
    per: list[np.ndarray] = []
    for _name, portfolio in strategies:
        table = evaluate(problem, portfolio)
        per.append(table.outcome_values(_masks(offers, table.portfolio)).astype(float))
        progress(len(offers))
    rows: list[Comparison] = []
    for (name, portfolio), values in zip(strategies, per, strict=True):
        margin = margin_ci = None
        if rows:
            diff = per[0] - values
            margin, margin_ci = float(diff.mean()), _ci(diff)
        rows.append(
            Comparison(name, portfolio, float(values.mean()), _ci(values), margin, margin_ci)
        )
    return rows


def _role(problem: PortfolioProblem, table: Table, probs: np.ndarray, i: int) -> dict[str, Any]:
    """Why application i is there, from its role in the outcomes (exact probabilities).

    - clinical backup: a clinical application (the plan needs a clinical rotation and
      the clinical applications back each other up);
    - audition target: a radiology application whose rotation is in the best plan in at
      least half of the outcomes where it is offered (taken whenever it comes through);
    - safety net: a radiology application taken in fewer than half of the outcomes where
      it is offered: it is there for the outcomes where better offers fail;
    - spare: never in the best plan (an option that costs its fee and adds nothing).
    """
    c = problem.candidates[table.portfolio[i]]
    bit = 1 << i
    offered = (np.arange(len(probs)) & bit) != 0
    used = (table.plan >= 0) & ((table.plan & bit) != 0)
    p_used = float(probs[used].sum())
    p_offered = float(probs[offered].sum())
    taken = p_used / p_offered if p_offered > 0 else 0.0
    if p_used == 0:
        role, why = "spare", "never in the best plan: it only adds an option"
    elif not c.is_radiology:
        role = "clinical backup"
        why = f"the plan's clinical rotation in {100 * p_used:.0f}% of outcomes"
    elif taken >= 0.5:
        role = "audition target"
        why = f"taken in {100 * taken:.0f}% of the outcomes where it is offered"
    else:
        role = "safety net"
        why = (
            f"taken in only {100 * taken:.0f}% of the outcomes where it is offered: "
            "it covers the outcomes where better offers fail"
        )
    return {"role": role, "reason": why, "p_in_plan": p_used, "p_taken_if_offered": taken}


def histogram(
    values: np.ndarray, weights: np.ndarray | None = None, bins: int = 10
) -> dict[str, list[float]]:
    hist, edges = np.histogram(values, bins=bins, weights=weights)
    return {"edges": [float(e) for e in edges], "counts": [float(h) for h in hist]}


@dataclass
class PortfolioReport:
    problem: PortfolioProblem
    search: SearchResult
    table: Table
    payload: dict[str, Any]
    comparisons: list[Comparison]
    evaluation_values: np.ndarray  # out-of-sample values of the chosen portfolio


def outcome_value_distribution(
    problem: PortfolioProblem, table: Table
) -> tuple[np.ndarray, np.ndarray]:
    """(value, probability) of every outcome of the portfolio, exactly."""
    probs = outcome_probabilities(problem, table.portfolio)
    return np.where(table.value == NO_PLAN, 0, table.value), probs


# Above this chance of ending with no plan, the portfolio is worth a second look.
RISKY_NO_PLAN = 0.2


def portfolio_warnings(
    max_applications: int, p_no_plan: float, applied: int, open_programs: int
) -> list[str]:
    """The guide's advice on how broadly to apply, where the portfolio falls short of it
    and the student can do something: allow more applications, or find more programs.

    `applied`: applications chosen; `open_programs`: programs one could apply to.
    """
    warnings = []
    if open_programs < 6 and applied:
        warnings.append(
            f"only {open_programs} program(s) in the catalog can be applied to: the guide "
            "suggests applying to 6-10, expecting 1-3 spots (Step 2); add programs to the "
            "catalog."
        )
    elif max_applications < 6 and applied == max_applications:
        warnings.append(
            f"at most {max_applications} application(s): the guide suggests applying to 6-10 "
            "programs, expecting 1-3 spots (Step 2); try --max-applications 6 or more."
        )
    if RISKY_NO_PLAN < p_no_plan < 1:
        if applied == max_applications and open_programs > applied:
            advice = (
                "allow more applications, or add realistic and safety programs that take "
                "IMGs (guide, Pitfalls)."
            )
        else:
            # Room for more applications went unused: their fees would cost more plans
            # than their offers add, so money or cheaper programs are what would help.
            advice = (
                f"more applications do not help here ({applied} of {max_applications} are "
                "used: their fees would crowd out plans within the budget); a larger budget "
                "or cheaper realistic and safety programs that take IMGs would."
            )
        warnings.append(f"a {p_no_plan:.1%} chance of ending with no plan at all: {advice}")
    return warnings


def _plan_stats(problem: PortfolioProblem, table: Table, probs: np.ndarray) -> dict[str, float]:
    k = len(table.portfolio)
    rad_of = np.zeros(1 << k, dtype=np.int64)
    clin_of = np.zeros(1 << k, dtype=np.int64)
    lock_rad = sum(1 for c in problem.locks if c.is_radiology)
    lock_clin = len(problem.locks) - lock_rad
    for i, j in enumerate(table.portfolio):
        c = problem.candidates[j]
        has = (table.plan >= 0) & ((table.plan & (1 << i)) != 0)
        if c.is_radiology:
            rad_of += has
        else:
            clin_of += has
    planned = table.plan >= 0
    rad_of = np.where(planned, rad_of + lock_rad, 0)
    clin_of = np.where(planned, clin_of + lock_clin, 0)
    return {
        "p_two_radiology": float(probs[rad_of >= 2].sum()),
        "p_clinical": float(probs[clin_of >= 1].sum()),
        "p_no_plan": float(probs[~planned].sum()),
    }


def application_dict(problem: PortfolioProblem, c: Candidate) -> dict[str, Any]:
    return {
        "program_id": c.program_id,
        "starts": [o.start.isoformat() for o in c.offerings],
        "submit_on": c.submit_on.isoformat(),
        "deadline": c.deadline.isoformat() if c.deadline else None,
        "program_name": c.program_name,
        "specialty": c.specialty,
        "tier": c.tier,
        "fee": c.fee,
        "acceptance": c.acceptance,
        "certain_value": c.values[0],
        "cost": c.cost,
    }


def plan_portfolio(
    loaded: LoadedScenario,
    *,
    max_applications: int | None = None,
    scenarios: int = 200,
    seed: int = 0,
    evaluate_outcomes: int = 1000,
    options: SolveOptions | None = None,
    bound: bool = True,
    restarts: int = 4,
    progress: ProgressFactory = _no_progress,
) -> PortfolioReport:
    """Choose the applications, evaluate them out of sample and build the JSON report."""
    options = options or SolveOptions()
    started = time.perf_counter()
    n = max_applications if max_applications is not None else loaded.scenario.max_applications
    if not 1 <= n <= MAX_APPLICATIONS:
        raise ValueError(f"max_applications must be 1..{MAX_APPLICATIONS}, got {n}")
    problem = build_portfolio_problem(loaded)
    tick = progress("Sampling offers", scenarios)
    offers = sample_offers(problem, scenarios, seed, stream=0)
    tick(scenarios)
    inner = SolveOptions(
        time_limit=min(10.0, options.time_limit), workers=options.workers, seed=options.seed
    )
    seed_apps = expected_value_seed(problem, inner, n)
    evaluator = Evaluator(problem, offers)
    t0 = time.perf_counter()
    found = search(
        problem,
        evaluator,
        n,
        seed=seed_apps,
        time_limit=options.time_limit,
        restarts=restarts,
        random_seed=seed,
        progress=progress("Searching applications (local search rounds)", 0),
    )
    search_seconds = time.perf_counter() - t0
    table = evaluate(problem, found.portfolio)
    values, probs = outcome_value_distribution(problem, table)
    exact = float(probs @ values)

    upper: float | None = None
    proven = True
    bound_seconds = 0.0
    if bound:
        t0 = time.perf_counter()
        tick = progress("Perfect-information bound", scenarios)
        upper, proven = perfect_information_bound(problem, offers, inner, tick)
        bound_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    fresh = sample_offers(problem, evaluate_outcomes, seed, stream=1)
    strategies = [
        ("portfolio", found.portfolio),
        ("top-N by expected value", naive_portfolio(problem, n, "value")),
        ("top-N by letter", naive_portfolio(problem, n, "letter")),
    ]
    tick = progress("Out-of-sample evaluation", evaluate_outcomes * len(strategies))
    comparisons = compare(problem, strategies, fresh, tick)
    chosen_oos = table.outcome_values(_masks(fresh, table.portfolio)).astype(float)
    eval_seconds = time.perf_counter() - t0

    stats = _plan_stats(problem, table, probs)
    applications = []
    for i, j in enumerate(table.portfolio):
        c = problem.candidates[j]
        without = exact_value(problem, [x for x in table.portfolio if x != j])
        entry = application_dict(problem, c)
        entry.update(_role(problem, table, probs, i))
        entry["p_offer"] = c.acceptance
        entry["marginal_value"] = exact - without
        applications.append(entry)
    applications.sort(key=lambda a: (a["submit_on"], a["deadline"] or "", a["program_id"]))
    gap = None if upper is None or upper <= 0 else max(0.0, (upper - found.value) / upper)
    payload: dict[str, Any] = {
        "scenario": loaded.scenario.name,
        "status": "feasible",
        "max_applications": n,
        "applications": applications,
        "expected_value": exact,
        "in_sample_value": found.value,
        "bound": upper,
        "bound_kind": "perfect information (per-outcome best plan, then averaged)",
        "bound_proven": proven,
        "gap": gap,
        "fees": table.fees,
        "budget": loaded.budget,
        "locks": [
            {"program_id": c.program_id, "start": date.fromordinal(c.starts[0]).isoformat()}
            for c in problem.locks
            if c.starts
        ],
        "probabilities": {
            "two_or_more_radiology": stats["p_two_radiology"],
            "clinical": stats["p_clinical"],
            "no_plan": stats["p_no_plan"],
        },
        "distribution": histogram(values, probs),
        "sampling": {"scenarios": scenarios, "seed": seed, "stream": 0},
        "evaluation": {
            "outcomes": evaluate_outcomes,
            "seed": seed,
            "stream": 1,
            "strategies": [
                {
                    "name": row.name,
                    "programs": [problem.candidates[j].program_id for j in row.portfolio],
                    "fees": sum(problem.candidates[j].fee for j in row.portfolio),
                    "value": row.mean,
                    "ci95": list(row.ci),
                    "exact_value": exact_value(problem, row.portfolio),
                    **(
                        {"margin": row.margin, "margin_ci95": list(row.margin_ci or ())}
                        if row.margin is not None
                        else {}
                    ),
                }
                for row in comparisons
            ],
        },
        "saa": {
            "in_sample_value": found.value,
            "bound": upper,
            "optimality_gap": gap,
            "out_of_sample_value": comparisons[0].mean,
            "out_of_sample_ci95": list(comparisons[0].ci),
            "exact_value": exact,
            "saa_gap": found.value - comparisons[0].mean,
            "bound_vs_out_of_sample": None
            if upper is None or upper <= 0
            else (upper - comparisons[0].mean) / upper,
            "local_optimum": found.local_optimum,
            "evaluations": found.evaluations,
            "moves": found.moves,
            "candidates": len(problem.candidates),
            "plan_sets_memoised": len(problem._memo),
        },
        "timings": {
            "search_seconds": round(search_seconds, 3),
            "bound_seconds": round(bound_seconds, 3),
            "evaluation_seconds": round(eval_seconds, 3),
            "total_seconds": round(time.perf_counter() - started, 3),
        },
        "warnings": [
            *loaded.warnings,
            *portfolio_warnings(n, stats["p_no_plan"], len(applications), len(problem.candidates)),
        ],
    }
    if stats["p_no_plan"] >= 1:
        status, why, conflict = no_plan_reason(loaded, n, inner)
        payload.update(status=status, why=why)
        if conflict is not None:
            payload["conflict"] = conflict
    return PortfolioReport(problem, found, table, payload, comparisons, chosen_oos)


# -- one outcome as a checkable plan (spec section 7) ------------------------------------------


def outcome_scenario(
    problem: PortfolioProblem, portfolio: Sequence[int], offered: Iterable[int]
) -> LoadedScenario:
    """The scenario the student faces in one outcome, for `check_plan`.

    Offered applications become programs with acceptance 1, fee 0 and only the listed
    starts; every other program is excluded; locks stay (acceptance 1 anyway, fee 0);
    the budget is reduced by the fees of all applications and of the locks.
    """
    loaded = problem.loaded
    offered_ids = {problem.candidates[i].program_id for i in offered}
    listed = {
        problem.candidates[i].program_id: [o.start for o in problem.candidates[i].offerings]
        for i in portfolio
    }
    lock_ids = {lock.program for lock in loaded.locks}
    fees = sum(problem.candidates[i].fee for i in portfolio) + problem.lock_fees
    programs = []
    for p in loaded.programs:
        update: dict[str, Any] = {"acceptance": Decimal(1), "fee": 0}
        if p.id in offered_ids:
            update["starts"] = listed[p.id]
        programs.append(p.model_copy(update=update))
    exclude = [p.id for p in loaded.programs if p.id not in offered_ids and p.id not in lock_ids]
    scenario = loaded.scenario.model_copy(
        update={"programs": programs, "exclude": exclude, "budget": loaded.budget - fees}
    )
    return dataclasses.replace(
        loaded, scenario=scenario, programs=tuple(programs), exclude=tuple(exclude)
    )


def outcome_plan(problem: PortfolioProblem, table: Table, mask: int) -> list[Offering]:
    """The rotations of the best plan when the applications in `mask` are offered."""
    plan = int(table.plan[mask])
    if plan < 0:
        return []
    key = [table.portfolio[i] for i in range(len(table.portfolio)) if plan >> i & 1]
    return problem.plan_rotations(key)


def outcome_payload(
    problem: PortfolioProblem, table: Table, mask: int
) -> tuple[LoadedScenario, dict[str, Any]]:
    """(scenario of the outcome, its plan as a spec-section-7 payload)."""
    from rotation_solver.plan_json import rotation_dict

    offered = [table.portfolio[i] for i in range(len(table.portfolio)) if mask >> i & 1]
    scenario = outcome_scenario(problem, table.portfolio, offered)
    certain = {o.key: o for o in expand(scenario).offerings}
    rotations = [certain[o.key] for o in outcome_plan(problem, table, mask)]
    value = int(table.value[mask])
    has = value != NO_PLAN
    payload = {
        "scenario": scenario.scenario.name,
        "status": "optimal" if has else "infeasible",
        "objective": value if has else None,
        "bound": value if has else None,
        "budget": scenario.budget,
        "total_cost": sum(o.cost for o in rotations),
        "rotations": [rotation_dict(o) for o in rotations],
    }
    return scenario, payload


# -- the picture -------------------------------------------------------------------------------


def plot_distribution(report: PortfolioReport, path: Path) -> Path:
    """Histogram of the plan value over the outcomes: exact for the portfolio, naive too."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    problem = report.problem
    fig = Figure(figsize=(7.5, 3.6), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    top = 1
    series = []
    for row in report.comparisons:
        table = evaluate(problem, row.portfolio)
        values, probs = outcome_value_distribution(problem, table)
        top = max(top, int(values.max()))
        series.append((row.name, values, probs))
    bins = np.linspace(0, top + 1, 21)
    colours = ["#1f5fa8", "#d98c2b", "#7a7a7a"]
    width = (bins[1] - bins[0]) / (len(series) + 0.5)
    for k, (name, values, probs) in enumerate(series):
        hist, _ = np.histogram(values, bins=bins, weights=probs)
        mean = float(probs @ values)
        ax.bar(
            bins[:-1] + k * width,
            hist,
            width=width,
            align="edge",
            color=colours[k % len(colours)],
            label=f"{name} (mean {mean:.0f})",
        )
    ax.set_xlabel("value of the best plan built from the offers received (0 = no plan)")
    ax.set_ylabel("probability")
    ax.set_title(f"{report.payload['scenario']}\nplan value over all offer outcomes", fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fmt = path.suffix.lower().lstrip(".") or "png"
    with files.replacing(path) as part:
        fig.savefig(part, format=fmt, facecolor="white", metadata={} if fmt == "png" else None)
    return path
