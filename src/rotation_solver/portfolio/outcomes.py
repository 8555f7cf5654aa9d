"""Exact value of a portfolio in every outcome, and the sampled outcomes.

For a portfolio of k programs, the best plan of each of the 2^k offered sets is a
subset maximum (a "zeta transform" over the bitmasks) of the best plan of each set,
so every outcome is evaluated exactly and the expectation over all 2^k outcomes is
exact too. Large portfolios are valued per sampled outcome instead of per subset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from rotation_solver.portfolio.candidates import PortfolioProblem

NO_PLAN = -(10**9)
MAX_TABLE_APPLICATIONS = 8  # larger portfolios: valued per sampled outcome, not per subset


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


def offer_masks(offers: np.ndarray, portfolio: Sequence[int]) -> np.ndarray:
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
    cache = problem.plan_lists
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
    left = problem.budget - problem.fees_paid_regardless - fees
    size = 1 << k
    value = np.full(size, NO_PLAN, dtype=np.int64)
    plan = np.full(size, -1, dtype=np.int64)
    cost = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
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
    cost[masks[ok]] = plans.cost[ok]
    # Subset maximum: each mask takes the best plan among its subsets, the cheapest of
    # equal value as every command settles ties (found by review: a plan with an extra
    # rotation worth 0 and costing $1,600 was kept, and counted as ">= 2 radiology").
    for bit in range(k):
        step = 1 << bit
        v = value.reshape(-1, 2, step)
        p = plan.reshape(-1, 2, step)
        c = cost.reshape(-1, 2, step)
        better = (v[:, 0, :] > v[:, 1, :]) | (
            (v[:, 0, :] == v[:, 1, :]) & (c[:, 0, :] < c[:, 1, :])
        )
        v[:, 1, :] = np.where(better, v[:, 0, :], v[:, 1, :])
        p[:, 1, :] = np.where(better, p[:, 0, :], p[:, 1, :])
        c[:, 1, :] = np.where(better, c[:, 0, :], c[:, 1, :])
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
            if len(key) <= MAX_TABLE_APPLICATIONS:
                table = evaluate(self.problem, key)
                values = table.outcome_values(offer_masks(self.offers, key))
            else:
                values = self._direct(key)
            self.cache[key] = float(values.mean())
            self.evaluations += 1
        return self.cache[key]

    def _direct(self, apps: tuple[int, ...]) -> np.ndarray:
        """Best plan per sampled outcome without the 2^k table (large portfolios)."""
        problem = self.problem
        plans = plan_list(problem, apps)
        fees = sum(problem.candidates[i].fee for i in apps)
        left = problem.budget - problem.fees_paid_regardless - fees
        ok = plans.cost <= left
        weight = np.zeros(len(problem.candidates) + 1, dtype=np.int64)
        weight[list(apps)] = np.left_shift(np.int64(1), np.arange(len(apps), dtype=np.int64))
        plan_masks = weight[plans.members[ok]].sum(axis=1)
        sample_masks = offer_masks(self.offers, apps)
        inside = (plan_masks[None, :] & ~sample_masks[:, None]) == 0
        best = np.where(inside, plans.value[ok][None, :], NO_PLAN).max(axis=1, initial=NO_PLAN)
        return np.where(best == NO_PLAN, 0, best)


def exact_value(problem: PortfolioProblem, portfolio: Sequence[int]) -> float:
    """Expected value over all 2^k outcomes of the portfolio (no sampling)."""
    table = evaluate(problem, portfolio)
    probs = outcome_probabilities(problem, table.portfolio)
    return float(probs @ np.where(table.value == NO_PLAN, 0, table.value))
