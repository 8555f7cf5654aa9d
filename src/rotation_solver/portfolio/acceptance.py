"""Which offers in hand to accept now: the first answer `apply` gives.

An offer is answered within about a week, before most other answers come, so each way
to answer the offers in hand is a scenario of its own: the accepted offers become locks,
the programs whose offers are all declined are left out, and the applications are chosen
around them. The way with the best exact expected value wins. A way whose best case (a
plan as if every application were offered) is no better than the best value found is
not searched: no portfolio can beat it there.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from rotation_solver.planner import plan_scenario
from rotation_solver.portfolio.candidates import PortfolioProblem, certain_scenario
from rotation_solver.portfolio.local_search import SearchResult, with_application_room
from rotation_solver.portfolio.outcomes import exact_value
from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.schema import Lock
from rotation_solver.solve import SolveOptions

# How each way to answer ended (`OfferAnswers.ways`).
CHOSEN = "chosen"
SEARCHED = "searched"
CANNOT_BEAT = "cannot beat"  # its best case is no better than the value chosen
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


@dataclass
class OfferAnswers:
    accept: tuple[Lock, ...]
    decline: tuple[Lock, ...]
    ways: tuple[Way, ...]
    choice: Choice | None  # the chosen way's applications; None when no way has a plan
    expected_value: float | None

    @property
    def proven(self) -> bool:
        """True when no way can beat the chosen one: every way searched exactly, ruled
        out by its best case, or without a plan."""
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
                }
                for way in self.ways
            ],
            "proven": self.proven,
        }


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
    declined (their programs left out, unless another of their offers is accepted)."""
    accept = tuple(accept)
    taken = {offer.program for offer in accept}
    declined = tuple(dict.fromkeys(o.program for o in loaded.offers if o.program not in taken))
    locks = loaded.locks + accept
    exclude = loaded.exclude + declined
    scenario = loaded.scenario.model_copy(
        update={"locks": list(locks), "exclude": list(exclude), "offers": []}
    )
    return dataclasses.replace(loaded, scenario=scenario, locks=locks, exclude=exclude, offers=())


def best_case(loaded: LoadedScenario, max_applications: int, options: SolveOptions) -> float | None:
    """An upper bound on the expected value of any applications in `loaded`: the best
    plan if every program offered, paying only its own programs' fees, with at most
    `max_applications` programs besides the locks. None: no plan; inf: not known."""
    room = with_application_room(certain_scenario(loaded, keep_fee=True), max_applications)
    result = plan_scenario(room, options, diagnose=False, name_conflict=False).result
    if result.status == "unknown":
        return math.inf
    if not result.has_plan or result.bound is None:
        return None
    return float(result.bound)


def answer_offers(
    loaded: LoadedScenario,
    max_applications: int,
    choose: Chooser,
    options: SolveOptions,
    time_limit: float,
    progress: Callable[[str, int], Callable[[int], None]],
) -> OfferAnswers:
    """The way to answer the offers in hand whose applications have the best exact
    expected value, searching ways in order of their best case and skipping those that
    cannot beat the best found. Each search gets an equal share of the time left."""
    deadline = time.perf_counter() + time_limit
    sets = answer_sets(loaded.offers)
    tick = progress("Answering the offers in hand (ways to answer)", len(sets))
    cases: list[float | None] = []
    for accept in sets:
        if time.perf_counter() > deadline:
            cases.append(math.inf)
            continue
        cases.append(best_case(answered(loaded, accept), max_applications, options))
    order = sorted(
        range(len(sets)), key=lambda i: (-(c if (c := cases[i]) is not None else -math.inf), i)
    )
    outcomes: dict[int, str] = {}
    values: dict[int, float] = {}
    exact: set[int] = set()
    best: int | None = None
    best_choice: Choice | None = None
    for rank, i in enumerate(order):
        case = cases[i]
        tick(1)
        if case is None:
            outcomes[i] = NO_PLAN
            continue
        if best is not None and case <= values[best] + 1e-9:
            outcomes[i] = CANNOT_BEAT
            continue
        left = deadline - time.perf_counter()
        if left <= 0 and best is not None:
            outcomes[i] = OUT_OF_TIME
            continue
        contenders = sum(
            1
            for j in order[rank:]
            if (c := cases[j]) is not None and (best is None or c > values[best] + 1e-9)
        )
        choice = choose(answered(loaded, sets[i]), max(left, 0.0) / contenders, quiet=True)
        values[i] = exact_value(choice.problem, choice.found.portfolio)
        outcomes[i] = SEARCHED
        if choice.found.enumerated:
            exact.add(i)
        if best is None or values[i] > values[best] + 1e-9:
            best, best_choice = i, choice
    if best is not None:
        outcomes[best] = CHOSEN
    accept = sets[best] if best is not None else ()
    ways = tuple(
        Way(sets[i], cases[i], values.get(i), outcomes[i], i in exact)
        for i in sorted(order, key=lambda i: (-values.get(i, -math.inf), order.index(i)))
    )
    return OfferAnswers(
        accept=accept,
        decline=tuple(o for o in loaded.offers if o not in accept),
        ways=ways,
        choice=best_choice,
        expected_value=values[best] if best is not None else None,
    )
