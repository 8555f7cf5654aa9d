"""The naive strategies (top-N by expected value, top-N by letter) and the
out-of-sample comparison of portfolios on the same fresh outcomes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rotation_solver.portfolio.candidates import Candidate, PortfolioProblem
from rotation_solver.portfolio.outcomes import evaluate, offer_masks

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
    Applications already sent are kept, and the rule fills the rest of the N.
    """

    def key(c: Candidate) -> tuple[float, ...]:
        if by == "letter":
            return (c.letter, c.expected_value, -c.fee)
        return (c.expected_value, c.letter, -c.fee)

    sent = [problem.candidates[i] for i in problem.sent]
    max_applications = max(0, max_applications - len(sent))
    ranked = sorted((c for c in problem.candidates if not c.sent), key=key, reverse=True)
    clinical = [c for c in ranked if not c.is_radiology]
    radiology = [c for c in ranked if c.is_radiology]
    need = problem.radiology_min + problem.clinical_min
    n_clin = math.ceil(max_applications * problem.clinical_min / need) if need else 0
    n_clin = min(n_clin, len(clinical))
    n_rad = min(max_applications - n_clin, len(radiology))
    n_clin = min(max_applications - n_rad, len(clinical))
    rad = radiology[:n_rad]
    if problem.tier_mix and rad:
        rad = _with(rad, radiology, lambda c: c.tier_mix_high, lambda c: c.tier_mix_safe)
        rad = _with(rad, radiology, lambda c: c.tier_mix_safe, lambda c: c.tier_mix_high)
    chosen = sent + clinical[:n_clin] + rad
    return tuple(sorted(c.index for c in chosen))


# -- the out-of-sample comparison --------------------------------------------------------


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
        per.append(table.outcome_values(offer_masks(offers, table.portfolio)).astype(float))
        progress(len(offers))
    rows: list[Comparison] = []
    for (name, portfolio), values in zip(strategies, per, strict=True):
        margin = margin_ci = None
        if rows:
            diff = per[0] - values
            margin, margin_ci = float(diff.mean()), _ci(diff)
        low, high = _ci(values)
        # On a few outcomes the normal interval can leave the values' range (a negative
        # plan value); the mean cannot, so neither does its interval.
        ci = (
            (max(low, float(values.min())), min(high, float(values.max())))
            if len(values)
            else (low, high)
        )
        rows.append(Comparison(name, portfolio, float(values.mean()), ci, margin, margin_ci))
    return rows
