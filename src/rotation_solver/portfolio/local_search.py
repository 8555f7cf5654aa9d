"""The first stage: which programs to apply to, on the exact or the SAA value.

With at most `EXACT_CANDIDATES` candidates, `enumerated_search` values every portfolio on
every offer outcome: the exact optimum. Otherwise, on a sample: when every portfolio can
be evaluated on it in about a second or two, all of them are: the SAA optimum, proven.
Either exhaustive search gives up past its deadline. Otherwise a local search, seeded from the
expected-value plan, grown greedily and improved by add / drop / swap moves (a move
that keeps the value and saves fees, or adds a free application, counts too), then a
few rounds of iterated local search, every move verified by exact SAA evaluation
over the sample (common random numbers). A sample's choice is then polished on its exact
expected value (`polish_exactly`: every outcome of its own applications, 2^k).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

from rotation_solver.portfolio.candidates import PortfolioProblem
from rotation_solver.portfolio.outcomes import Evaluator, exact_value
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import SolveOptions, solve_problem


@dataclass(frozen=True)
class SearchResult:
    portfolio: tuple[int, ...]
    value: float  # in-sample SAA value
    evaluations: int
    moves: int
    seconds: float
    local_optimum: bool  # no add, drop or swap improves it (False if the time ran out)
    exhaustive: bool = False  # every portfolio was evaluated: the SAA optimum, proven
    # Every portfolio on every offer outcome: `value` is the exact expected value, and
    # the portfolio the exact optimum (no sampling error at all).
    enumerated: bool = False
    # `polish_exactly`: the portfolio then improved on its exact expected value.
    exact_checked: bool = False  # the polish ran (small enough portfolios)
    exact_moves: int = 0  # changes from the sample's choice (a swap is one); 0 keeps it
    # No exact add, drop or swap improves it; False when the time limit stopped the check
    # (or it never started: the sample's search had used the time).
    exact_local_optimum: bool = False
    sample_choice_value: float | None = None  # when moved: the sample's choice's in-sample value
    sample_choice_exact: float | None = None  # ... and its exact expected value


# The exhaustive search's limits, about 2 s on one core: portfolios x sampled outcomes,
# and portfolios alone (each evaluation has a fixed cost too, about 0.1 ms).
EXHAUSTIVE_WORK = 4_000_000
EXHAUSTIVE_PORTFOLIOS = 20_000


# At most this many candidates, every portfolio is valued on all 2^k of its outcomes
# instead of a sample: 3^14 = 4.8 million table entries at most, about as much work as
# the exhaustive search on a sample (review: with 2 programs and 4 possible outcomes, a
# 200-outcome sample chose the one worth 50 over the one worth 52.4 on 3 seeds of 6; the
# shipped example, 14 candidates, was chosen on the sample 1.1% below the exact optimum).
EXACT_CANDIDATES = 14


class SearchTimeout(Exception):
    """An exhaustive search could not try every portfolio before its deadline."""


def portfolio_count(candidates: int, max_applications: int, sent: int = 0) -> int:
    """How many portfolios of at most `max_applications` of `candidates` exist, when
    `sent` of them are in every portfolio (applications already sent)."""
    free, room = candidates - sent, max_applications - sent
    return sum(math.comb(free, r) for r in range(max(-1, min(free, room)) + 1))


def with_application_room(loaded: LoadedScenario, max_applications: int | None) -> LoadedScenario:
    """The scenario with plans that need at most `max_applications` applications: their
    rotations other than the locks and the offers in hand, which the cap does not count
    either (found by reviews: "every plan needs at least 3 applications" where 2 and an
    offer in hand made one; a room for the offer let a plan without it take one more)."""
    if max_applications is None:
        return loaded
    requirements = dataclasses.replace(loaded.requirements, applications_max=max_applications)
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
    exhaustive_work: int = EXHAUSTIVE_WORK,
    progress: Callable[[int], None] = lambda _n: None,
) -> SearchResult:
    """The best portfolio on the sample by exhaustive search when that is cheap (at most
    `EXHAUSTIVE_PORTFOLIOS`, and portfolios x outcomes at most `exhaustive_work`);
    otherwise greedy growth from the seed, best-improvement add / drop / swap moves, then
    `restarts` rounds of iterated local search (drop a few applications at random, grow
    and improve again, keep the result if it is better). Never worse than the seed.
    """
    started = time.perf_counter()
    sent = problem.sent
    count = portfolio_count(len(problem.candidates), max_applications, len(sent))
    if count <= EXHAUSTIVE_PORTFOLIOS and count * len(evaluator.offers) <= exhaustive_work:
        exact = functools.partial(exact_value, problem)
        try:
            # Half the time at most: when valuing plans is slow (many rotations per plan),
            # the local search below gets the rest.
            best, value = exhaustive(
                problem, max_applications, evaluator, exact,
                deadline=started + time_limit / 2,
            )  # fmt: skip
        except SearchTimeout:
            pass
        else:
            progress(1)
            seconds = time.perf_counter() - started
            return SearchResult(best, value, evaluator.evaluations, 0, seconds, True, True)
    # Applications already sent are in every portfolio: never added, dropped or swapped.
    universe = [i for i in range(len(problem.candidates)) if i not in sent]
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

    def improve(current: tuple[int, ...], value: float) -> tuple[tuple[int, ...], float, bool]:
        """Best-improvement add / drop / swap until none helps (or the time is up).

        A move helps if it raises the SAA value, or keeps it and saves fees (so
        applications that never matter are dropped).
        """
        nonlocal moves
        while not out_of_time():
            progress(1)
            best = (value, current)

            def consider(trial: tuple[int, ...], v: float) -> None:
                nonlocal best
                if better(problem, (v, trial), best):
                    best = (v, trial)

            outside = [q for q in universe if q not in current]
            add_values = {q: evaluator((*current, q)) for q in outside}
            if len(current) < max_applications:
                for q, v in add_values.items():
                    consider(tuple(sorted((*current, q))), v)
            droppable = [p for p in current if p not in sent]
            for p in droppable:
                rest = tuple(i for i in current if i != p)
                consider(rest, evaluator(rest))
            ranked = sorted(outside, key=lambda q: (add_values[q], tiebreak(q)), reverse=True)
            for q in ranked[:swap_candidates]:
                if out_of_time():
                    break
                for p in droppable:
                    trial = tuple(sorted((*(i for i in current if i != p), q)))
                    consider(trial, evaluator(trial))
            if best[1] != current:
                value, current = best
                moves += 1
                continue
            return current, value, not out_of_time()
        return current, value, False

    chosen = [i for i in dict.fromkeys(seed) if i not in sent]
    start = tuple(sorted((*sent, *chosen[: max(0, max_applications - len(sent))])))
    current, value = grow(start, evaluator(start))
    current, value, local_optimum = improve(current, value)
    for _ in range(restarts):
        kept = [i for i in current if i not in sent]
        if out_of_time() or len(kept) < 2:
            break
        for _drop in range(min(3, len(kept) - 1)):
            kept.pop(rng.randrange(len(kept)))
        trial = tuple(sorted((*sent, *kept)))
        trial, trial_value = grow(trial, evaluator(trial))
        trial, trial_value, trial_local = improve(trial, trial_value)
        if trial_value > value + 1e-9:
            current, value, local_optimum = trial, trial_value, trial_local
    nothing = (evaluator(sent), sent)
    if better(problem, nothing, (value, current)):  # e.g. the time ran out while growing
        value, current = nothing
    return SearchResult(
        current,
        value,
        evaluator.evaluations,
        moves,
        time.perf_counter() - started,
        local_optimum,
    )


# Portfolios of at most this many applications are polished on their exact value: each
# costs 2^k outcomes (4,096 at 12, about a millisecond with the plan lists cached).
EXACT_POLISH_APPLICATIONS = 12
# The polish starts from the best by exact value of this many of the sample's best.
EXACT_RERANK = 30


def polish_exactly(
    problem: PortfolioProblem,
    evaluator: Evaluator,
    found: SearchResult,
    max_applications: int,
    deadline: float,
) -> SearchResult:
    """The sample's choice improved on what it is for: its exact expected value, over
    every offer outcome of its own applications (2^k, not a sample).

    A sample of 200 outcomes over many programs overfits: found by review, a choice worth
    60.4 where 72.5 was possible, and on national 522.3 where 526.8 is (both exact). So
    the `EXACT_RERANK` best portfolios on the sample are valued exactly, and from the best
    of them best-improvement add / drop / swap moves are made while they raise the exact
    value (the issue's "local search verified by exact evaluation"). Never worse, exactly,
    than the sample's choice; `value` stays the in-sample value of what is returned.
    """
    if found.enumerated or max_applications > EXACT_POLISH_APPLICATIONS:
        return found
    started = time.perf_counter()
    sent = problem.sent
    values: dict[tuple[int, ...], float] = {}

    def exact(portfolio: tuple[int, ...]) -> float:
        if portfolio not in values:
            values[portfolio] = exact_value(problem, portfolio)
        return values[portfolio]

    def improves(trial: tuple[int, ...], incumbent: tuple[int, ...]) -> bool:
        # Ties: less in fees, then fewer applications (an exact tie adds nothing).
        a, b = (exact(trial), trial), (exact(incumbent), incumbent)
        if a[0] > b[0] + 1e-9:
            return True
        return abs(a[0] - b[0]) <= 1e-9 and _tie_key(problem, a, True) > _tie_key(problem, b, True)

    fits = [
        portfolio
        for portfolio, _ in sorted(evaluator.cache.items(), key=lambda kv: -kv[1])
        if len(portfolio) <= max_applications and set(sent) <= set(portfolio)
    ][:EXACT_RERANK]
    current = found.portfolio
    for portfolio in fits:
        if time.perf_counter() >= deadline:
            break
        if improves(portfolio, current):
            current = portfolio
    universe = [i for i in range(len(problem.candidates)) if i not in sent]
    local_optimum = False
    while time.perf_counter() < deadline:
        best = current
        outside = [q for q in universe if q not in current]
        droppable = [p for p in current if p not in sent]
        trials = [tuple(i for i in current if i != p) for p in droppable]
        if len(current) < max_applications:
            trials += [tuple(sorted((*current, q))) for q in outside]
        trials += [
            tuple(sorted((*(i for i in current if i != p), q))) for q in outside for p in droppable
        ]
        for trial in trials:
            if time.perf_counter() >= deadline:
                break
            if improves(trial, best):
                best = trial
        else:
            if best == current:
                local_optimum = True
                break
        if best == current:
            break
        current = best
    # Changes from the sample's choice: a swap is one, an addition or a drop one too.
    moves = max(len(set(current) - set(found.portfolio)), len(set(found.portfolio) - set(current)))
    if moves == 0:
        return dataclasses.replace(found, exact_checked=True, exact_local_optimum=local_optimum)
    return dataclasses.replace(
        found,
        portfolio=current,
        value=evaluator(current),
        seconds=found.seconds + time.perf_counter() - started,
        exact_checked=True,
        exact_moves=moves,
        exact_local_optimum=local_optimum,
        sample_choice_value=found.value,
        sample_choice_exact=exact(found.portfolio),
    )


def enumerated_search(
    problem: PortfolioProblem,
    max_applications: int,
    deadline: float | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> SearchResult:
    """The exact optimum: every portfolio of at most `max_applications`, each valued by
    its exact expected value over all its offer outcomes (`exact_value`). Ties: less in
    fees, then fewer applications. For at most `EXACT_CANDIDATES` candidates. Raises
    `SearchTimeout` past `deadline`."""
    started = time.perf_counter()
    values: dict[tuple[int, ...], float] = {}

    def exact(portfolio: tuple[int, ...]) -> float:
        # Not rounded: rounding splits values a hair apart at a rounding boundary
        # (found by review: 155.8169265625 and ...50002 rounded to ...562 and ...563, and
        # an application worth nothing was kept for its fee). Ties are within 1e-9.
        if portfolio not in values:
            values[portfolio] = exact_value(problem, portfolio)
        return values[portfolio]

    best, value = exhaustive(
        problem, max_applications, exact, score_is_exact=True, deadline=deadline,
        progress=progress,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    return SearchResult(best, value, len(values), 0, seconds, True, True, enumerated=True)


def better(
    problem: PortfolioProblem,
    trial: tuple[float, tuple[int, ...]],
    incumbent: tuple[float, tuple[int, ...]],
) -> bool:
    """A higher value; at the same value, less in fees; at the same fees too, more
    applications (a free application never lowers the value and may help beyond the
    sample), unless nothing is worth anything (then none: there is nothing to gain)."""
    if trial[0] > incumbent[0] + 1e-9:
        return True
    return abs(trial[0] - incumbent[0]) <= 1e-9 and _tie_key(problem, trial) > _tie_key(
        problem, incumbent
    )


def _tie_key(
    problem: PortfolioProblem, entry: tuple[float, tuple[int, ...]], exact: bool = False
) -> tuple[int, int]:
    """Less in fees, then more applications (on a sample, a free one may help in an
    outcome the sample missed), or fewer when nothing is worth anything or the value is
    exact (a free application that adds exactly nothing is clutter)."""
    fewer = exact or entry[0] <= 1e-9
    size = len(entry[1])
    return (-sum(problem.candidates[i].fee for i in entry[1]), -size if fewer else size)


# Ties on the sample are broken by the exact expected value (all 2^k outcomes) for at
# most this many tied portfolios of at most this many applications (about 1 ms each).
EXACT_TIES = 1000
EXACT_TIE_APPLICATIONS = 12


def exhaustive(
    problem: PortfolioProblem,
    max_applications: int,
    score: Callable[[tuple[int, ...]], float],
    exact: Callable[[tuple[int, ...]], float] | None = None,
    score_is_exact: bool = False,
    deadline: float | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> tuple[tuple[int, ...], float]:
    """The best portfolio by `score` over every set of at most N candidates.

    Raises `SearchTimeout` past `deadline` (a `time.perf_counter()` value): a choice
    among only some portfolios would not be what the result claims. `progress` is told
    of every 64 portfolios tried.

    Among portfolios tied on `score` (a small sample often ties a portfolio with the
    same one plus an application that no sampled outcome needed), the best by `exact`
    when given, then as in `better`. Found by review: with 200 outcomes, four
    portfolios tied and the fee rule kept one worth 40% less than the best of them.
    """
    sent = problem.sent
    best: tuple[float, tuple[int, ...]] = (score(sent), sent)
    tied = [best]
    tried = 0
    free = [i for i in range(len(problem.candidates)) if i not in sent]
    for r in range(1, min(max_applications - len(sent), len(free)) + 1):
        for more in combinations(free, r):
            portfolio = tuple(sorted((*sent, *more)))
            tried += 1
            if tried % 64 == 0:
                progress(64)
            if deadline is not None and time.perf_counter() > deadline:
                raise SearchTimeout
            trial = (score(portfolio), portfolio)
            # Ties are within 1e-9 of the best value so far, whatever the order they come
            # in (found by reviews: measured from the first tied value, a chain of
            # near-ties ended 2e-9 below the best; reset on each new best, one within
            # 1e-9 of it was lost).
            if trial[0] > best[0]:
                best = trial
                tied = [entry for entry in tied if entry[0] >= best[0] - 1e-9]
            if trial[0] >= best[0] - 1e-9:
                tied.append(trial)
    tied.sort(key=lambda entry: _tie_key(problem, entry, score_is_exact), reverse=True)
    best = tied[0]
    shortlist = tied[:EXACT_TIES]
    small = all(len(entry[1]) <= EXACT_TIE_APPLICATIONS for entry in shortlist)
    if exact is not None and len(tied) > 1 and small:
        # The first within float noise of the best: the fee rule's order decides ties.
        values = [exact(entry[1]) for entry in shortlist]
        top = max(values)
        best = next(entry for entry, v in zip(shortlist, values, strict=True) if v >= top - 1e-9)
    return best[1], best[0]
