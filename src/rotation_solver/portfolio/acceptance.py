"""Which offers in hand to accept now: the first answer `apply` gives.

An offer is answered within about a week, before most other answers come, so each way
to answer the offers in hand is a scenario of its own: the accepted offers become locks,
the programs whose offers are all declined are left out (their fees, already paid, come
off the budget), and the applications are chosen around them. The way with the best
exact expected value wins, unless a way that keeps more offers is within
`DECLINE_MARGIN` of it. A way whose best case (a plan as if every application were
offered) cannot come within that margin of the best value found is not searched.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import numpy as np

from rotation_solver.planner import plan_scenario
from rotation_solver.portfolio.candidates import PortfolioProblem, certain_scenario
from rotation_solver.portfolio.local_search import SearchResult, with_application_room
from rotation_solver.portfolio.outcomes import evaluate, exact_value, outcome_probabilities
from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.schema import Lock
from rotation_solver.solve import SolveOptions

# How each way to answer ended (`OfferAnswers.ways`).
CHOSEN = "chosen"
SEARCHED = "searched"
CANNOT_BEAT = "cannot beat"  # its best case is below the margin under the best value
NO_PLAN = "no plan"  # no plan even if every application were offered
OUT_OF_TIME = "out of time"


@dataclass
class Choice:
    """The applications chosen for one scenario, before they are bounded or evaluated."""

    problem: PortfolioProblem
    found: SearchResult
    sample: np.ndarray | None  # the sampled outcomes; None when every outcome was valued
    enumeration_cut: bool  # valuing every outcome ran out of time, so the sample was used
    seconds: float


class Chooser(Protocol):
    def __call__(self, at: LoadedScenario, time_limit: float, quiet: bool) -> Choice: ...


@dataclass(frozen=True)
class Way:
    """One way to answer the offers in hand: the ones accepted, the rest declined."""

    accept: tuple[Lock, ...]
    best_case: float | None  # math.inf: not known in time; None: no plan at all
    expected_value: float | None  # of the applications chosen around it; None: not searched
    outcome: str
    exact: bool = False  # searched with every portfolio on every outcome: its best value
    # Its search stopped at the time limit: the value is what was found, a lower bound.
    cut_short: bool = False
    no_plan: float | None = None  # chance of no plan meeting the rules; None: not searched


@dataclass
class OfferAnswers:
    accept: tuple[Lock, ...]
    decline: tuple[Lock, ...]
    ways: tuple[Way, ...]
    choice: Choice | None  # the chosen way's applications; None when no way has a plan
    expected_value: float | None
    fees_paid: int = 0  # of the declined offers' programs, taken off the budget

    @property
    def proven(self) -> bool:
        """True when the answer is exactly the rule's (best value; within the margin,
        more offers kept): every way searched exactly, ruled out by its best case, or
        without a plan."""
        return all(
            w.exact if w.outcome in (CHOSEN, SEARCHED) else w.outcome in (CANNOT_BEAT, NO_PLAN)
            for w in self.ways
        )

    def payload(self, loaded: LoadedScenario) -> dict[str, Any]:
        def named(offer: Lock) -> dict[str, str]:
            program = loaded.program(offer.program)
            return {
                **_offer_dict(offer),
                "program_name": program.name,
                "specialty": program.specialty,
                "tier": program.tier,
            }

        return {
            "accept": [named(o) for o in self.accept],
            "decline": [named(o) for o in self.decline],
            "expected_value": self.expected_value,
            "ways": [
                {
                    "accept": [_offer_dict(o) for o in way.accept],
                    "best_case": None
                    if way.best_case is None or math.isinf(way.best_case)
                    else way.best_case,
                    "expected_value": way.expected_value,
                    "outcome": way.outcome,
                    "exact": way.exact,
                    "cut_short": way.cut_short,
                    "no_plan": way.no_plan,
                    **(
                        {"conflict": conflict}
                        if way.outcome == NO_PLAN
                        and (conflict := accepted_conflict(loaded, way.accept))
                        else {}
                    ),
                }
                for way in self.ways
            ],
            "proven": self.proven,
            "declined_fees": self.fees_paid,
            "decline_margin": DECLINE_MARGIN,
            "out_of_time": sum(w.outcome == OUT_OF_TIME for w in self.ways),
        }


def accepted_conflict(loaded: LoadedScenario, accept: Sequence[Lock]) -> str:
    """Why accepting `accept` (beside the accepted offers already under `locks`) leaves no
    plan, where the offers alone say it: two of them overlap (or are closer than the
    minimum gap), or together they cost more than the budget; "" otherwise (found by a
    season-long review: "with at most 10 applications" named for two overlapping offers)."""
    taken = [*loaded.locks, *accept]
    is_img = loaded.scenario.student.school_type == "img"
    gap = loaded.requirements.min_gap_days
    spans = []
    for lock in taken:
        row = loaded.program(lock.program)
        spans.append((lock, lock.start + timedelta(days=7 * row.weeks - 1)))
    apart = timedelta(days=gap)
    for (first, first_end), (second, second_end) in itertools.combinations(spans, 2):
        # Spec section 1: the later starts at least min_gap_days free days after the other.
        if first.start <= second_end + apart and second.start <= first_end + apart:
            closer = f" or closer than calendar.min_gap_days {gap}" if gap else ""
            return (
                f"{first.program} ({first.start}..{first_end}) and {second.program} "
                f"({second.start}..{second_end}) overlap{closer}"
            )
    cost = loaded.paid_fees
    for lock in taken:
        row = loaded.program(lock.program)
        surcharge = row.img_surcharge if is_img else 0
        cost += row.housing_per_week * row.weeks + row.travel + row.fee + surcharge
    if cost > loaded.budget:
        return (
            f"together they cost ${cost:,} with the fees already paid, over the budget "
            f"${loaded.budget:,}"
        )
    return ""


def _offer_dict(offer: Lock) -> dict[str, str]:
    return {"program_id": offer.program, "start": offer.start.isoformat()}


def answer_sets(offers: Sequence[Lock]) -> list[tuple[Lock, ...]]:
    """Every way to answer: at most one offer of each program accepted (a plan has at
    most one rotation per program), the first being to decline them all."""
    by_program: dict[str, list[Lock]] = {}
    for offer in offers:
        by_program.setdefault(offer.program, []).append(offer)
    choices = [[None, *group] for group in by_program.values()]
    ways = [tuple(o for o in picked if o is not None) for picked in itertools.product(*choices)]
    return sorted(ways, key=len)


def answered(loaded: LoadedScenario, accept: Sequence[Lock]) -> LoadedScenario:
    """The scenario once the offers in `accept` are accepted (locks) and the others
    declined (their programs left out, unless another of their offers is accepted).

    Every offer's fee was paid when its application went out, and stays in the fees
    already paid (`paid_fees`) whatever the answer, so that every way counts the same
    fees and a fee already paid cannot tip the answer (found by review: with the two
    fees set to 0, the answer changed).
    """
    accept = tuple(accept)
    declined = _declined_programs(loaded, accept)
    locks = loaded.locks + accept
    exclude = loaded.exclude + declined
    # As the student writes it: each offer accepted under `locks:` and each declined one
    # under `exclude:`, both still under `offers:` (so their fees stay paid), which the
    # independent checker reads as a scenario file (`check_inputs`); the planner's
    # answered offers are none (`offers`). An answered offer's row is then the catalog's,
    # its fee paid, as the loader makes a lock's whose offer is still listed and a
    # refused application's (found by review: the offer's row, with no documents to wait
    # for, dated an accepted offer's submit_on otherwise than the checker).
    answered_ids = {offer.program for offer in loaded.offers}
    written = {program.id: program for program in loaded.catalog}
    programs = tuple(
        written[p.id].model_copy(update={"fee": 0}) if p.id in answered_ids and written else p
        for p in loaded.programs
    )
    scenario = loaded.scenario.model_copy(
        update={"locks": list(locks), "exclude": list(exclude), "programs": list(programs)}
    )
    # A declined offer whose application is under `applied:` is a refusal, as written.
    sent = {application.program for application in loaded.scenario.applied}
    refused = loaded.refused + tuple(
        pid for pid in declined if pid in sent and pid not in loaded.refused
    )
    return dataclasses.replace(
        loaded,
        scenario=scenario,
        programs=programs,
        locks=locks,
        exclude=exclude,
        offers=(),
        refused=refused,
    )


def declined_fees(loaded: LoadedScenario, accept: Sequence[Lock]) -> int:
    """The fees of the programs whose offers are all declined (paid, and counted in
    every plan's total cost whatever the answer)."""
    return sum(loaded.fee_paid(pid) for pid in _declined_programs(loaded, accept))


def _declined_programs(loaded: LoadedScenario, accept: Sequence[Lock]) -> tuple[str, ...]:
    """The programs none of whose offers is in `accept`, each once."""
    taken = {offer.program for offer in accept}
    return tuple(dict.fromkeys(o.program for o in loaded.offers if o.program not in taken))


def best_case(loaded: LoadedScenario, max_applications: int, options: SolveOptions) -> float | None:
    """An upper bound on the expected value of any applications in `loaded`: the best
    plan if every program offered, paying only its own programs' fees, with at most
    `max_applications` applications (besides the locks and offers in hand), or 0 if that
    is higher (an outcome
    with no plan counts 0). None: no plan at all; inf: not known in time."""
    room = with_application_room(certain_scenario(loaded, keep_fee=True), max_applications)
    result = plan_scenario(room, options, diagnose=False, name_conflict=False).result
    if result.status == "unknown":
        return math.inf
    if not result.has_plan or result.bound is None:
        return None
    return max(0.0, float(result.bound))


# Shares of the time limit: the best cases take at most the first quarter; every way
# that may win is searched until `SCREEN_UNTIL` of it; the rest goes to searching again
# the best `RESEARCH` ways whose search was cut short.
BEST_CASE_SHARE = 0.25
SCREEN_UNTIL = 0.6
RESEARCH = 3
# The least time a way's search gets, even past the time limit: a search with none
# returns its seed, and its value would understate the way (found by review).
LEAST_SEARCH = 0.5


# A sure offer is declined only when another way is worth more than this share above
# the best way that keeps more offers. Why: the outcomes let later offers be held until
# all have come, which flatters waiting, and a review saw a reach offer declined for
# 0.8 points in 320 (found by review; a judgment, not a fitted value).
DECLINE_MARGIN = 0.02


def within_margin(value: float, best: float) -> bool:
    """`value` is close enough to `best` that keeping more offers wins."""
    return value >= best - DECLINE_MARGIN * max(best, 0.0) - 1e-9


def pick(sets: Sequence[tuple[Lock, ...]], values: dict[int, float]) -> int | None:
    """The way to answer: among ways within `DECLINE_MARGIN` of the best value, the one
    that accepts the most offers, then the best value, then the first."""
    if not values:
        return None
    top = max(values.values())
    close = [i for i in values if within_margin(values[i], top)]
    # Values within float noise (1e-9) tie, and the first of them wins (found by review).
    most = max(len(sets[i]) for i in close)
    kept = [i for i in close if len(sets[i]) == most]
    best = max(values[i] for i in kept)
    return min(i for i in kept if values[i] >= best - 1e-9)


def answer_offers(
    loaded: LoadedScenario,
    max_applications: int,
    choose: Chooser,
    options: SolveOptions,
    time_limit: float,
    progress: Callable[[str, int], Callable[[int], None]],
) -> OfferAnswers:
    """The way to answer the offers in hand whose applications have the best exact
    expected value; within `DECLINE_MARGIN` of it, the way that keeps more offers.

    Ways are searched in order of their best case (known ones first; a way whose best
    case was not computed in time comes after them). A way whose best case is below the
    margin under the best value found is skipped: it can neither be the best nor come
    within the margin. Each search gets an equal share of the time left; then the best
    ways whose search was cut short are searched again with the time still left.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    screen_until = started + SCREEN_UNTIL * time_limit
    sets = answer_sets(loaded.offers)
    tick = progress("Answering the offers in hand (ways to answer)", len(sets))
    cases: list[float | None] = []
    cases_until = started + BEST_CASE_SHARE * time_limit
    for accept in sets:
        left = cases_until - time.perf_counter()
        if left <= 0:
            cases.append(math.inf)
            continue
        limited = dataclasses.replace(options, time_limit=min(options.time_limit, left))
        cases.append(best_case(answered(loaded, accept), max_applications, limited))

    def rank(i: int) -> tuple[int, float, int]:
        case = cases[i]
        if case is None:
            return (2, 0.0, i)
        return (1 if math.isinf(case) else 0, -case, i)

    order = sorted(range(len(sets)), key=rank)
    outcomes: dict[int, str] = {}
    values: dict[int, float] = {}
    no_plan: dict[int, float] = {}
    choices: dict[int, Choice] = {}

    def may_count(i: int) -> bool:
        """Its best case reaches the margin under the best value found so far."""
        case = cases[i]
        return case is not None and (not values or within_margin(case, max(values.values())))

    def search(i: int, share: float) -> None:
        choice = choose(answered(loaded, sets[i]), max(share, LEAST_SEARCH), quiet=True)
        value = exact_value(choice.problem, choice.found.portfolio)
        if i not in values or value > values[i]:
            values[i], choices[i] = value, choice
            no_plan[i] = _no_plan_chance(choice)

    for position, i in enumerate(order):
        tick(1)
        if cases[i] is None:
            outcomes[i] = NO_PLAN
            continue
        if not may_count(i):
            outcomes[i] = CANNOT_BEAT
            continue
        left = screen_until - time.perf_counter()
        # Out of time, but nothing worth anything found yet (say, the first way searched
        # had no plan in any outcome): go on, `LEAST_SEARCH` each, until one is.
        if left <= 0 and values and max(values.values()) > 0:
            outcomes[i] = OUT_OF_TIME
            continue
        contenders = sum(1 for j in order[position:] if may_count(j))
        search(i, left / max(1, contenders))
        outcomes[i] = SEARCHED
    # The time left: search again the best ways cut short whose best case is above the
    # best value found (the search may have missed their best applications).
    top = max(values.values(), default=0.0)
    cut = [
        i
        for i in values
        if _cut_short(choices[i]) and (case := cases[i]) is not None and case > top + 1e-9
    ]
    cut = sorted(cut, key=lambda i: -values[i])[:RESEARCH]
    for k, i in enumerate(cut):
        left = deadline - time.perf_counter()
        if left <= LEAST_SEARCH:
            break
        search(i, left / (len(cut) - k))
    best = pick(sets, values)
    if best is not None:
        outcomes[best] = CHOSEN
    accept = sets[best] if best is not None else ()
    ways = tuple(
        Way(
            sets[i],
            cases[i],
            values.get(i),
            outcomes[i],
            i in choices and choices[i].found.enumerated,
            i in choices and _cut_short(choices[i]),
            no_plan.get(i),
        )
        for i in sorted(order, key=lambda i: (i != best, -values.get(i, -math.inf), order.index(i)))
    )
    return OfferAnswers(
        accept=accept,
        decline=tuple(o for o in loaded.offers if o not in accept),
        ways=ways,
        choice=choices[best] if best is not None else None,
        expected_value=values[best] if best is not None else None,
        fees_paid=declined_fees(loaded, accept),
    )


def _no_plan_chance(choice: Choice) -> float:
    """The chance that no plan meets the rules, with the chosen applications."""
    table = evaluate(choice.problem, choice.found.portfolio)
    probs = outcome_probabilities(choice.problem, table.portfolio)
    return float(probs[table.plan < 0].sum())


def _cut_short(choice: Choice) -> bool:
    found = choice.found
    return not (found.enumerated or found.exhaustive or found.local_optimum)
