"""The first-stage choices (one candidate per program) and the plan rules on a set of them.

Every rule except the calendar is a rule on the *set* of programs (counts, tier
mix, budget, affordable housing), and a rotation's cost depends only on its
program. For a set of programs the best dates follow from trying every order:
placing each program at its earliest start after the ones before it makes every
end as early as possible, and a rotation's value can only drop with a later
start (`late_factor <= 1`), so the earliest placement of the best order is an
optimal schedule. The best plan of every set is memoised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rotation_solver.portfolio.outcomes import PlanList
import bisect
import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise

from rotation_solver.offerings import Offering, TierMixHalves, expand
from rotation_solver.scenario import LoadedScenario

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
    # Rows of its own, not the catalog's as written (see `check_inputs`).
    return dataclasses.replace(loaded, scenario=scenario, programs=programs, catalog=())


@dataclass(frozen=True)
class Candidate(TierMixHalves):
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
    sent: bool = False  # an application already sent (scenario `applied`): in every portfolio


@dataclass
class PortfolioProblem:
    """The candidates, the locks and the plan rules, with the memo of best plans per set."""

    loaded: LoadedScenario
    candidates: tuple[Candidate, ...]  # first-stage choices (never locks)
    locks: tuple[Candidate, ...]
    budget: int
    # Fees paid whatever the portfolio: the locks' and every fee already paid
    # (`LoadedScenario.paid_fees`: applications sent, offers in hand).
    fees_paid_regardless: int
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
    # Candidates already applied to (scenario `applied`): in every portfolio.
    sent: tuple[int, ...] = ()
    # Applications sent that no plan can use (no start fits, the program never offers or
    # is never affordable, or it does not take IMGs): fee paid, a slot of the N taken.
    sent_unused: tuple[str, ...] = ()
    plan_memo: dict[tuple[int, ...], tuple[int, int] | None] = field(default_factory=dict)
    plan_lists: OrderedDict[tuple[int, ...], PlanList] = field(default_factory=OrderedDict)
    list_cache_size: int = 256

    @property
    def all(self) -> tuple[Candidate, ...]:
        return self.candidates + self.locks

    def radiology_filled_by_locks(self) -> bool:
        """The accepted offers already fill radiology (or every rotation, or make a plan
        alone): the guide's "apply to 6-10 radiology electives" is for a season without
        them (found by review). A clinical offer alone leaves the radiology applications
        to make."""
        radiology = sum(c.is_radiology for c in self.locks)
        clinical = len(self.locks) - radiology
        # The accepted offers alone make a plan (found by a season-long review: "add
        # programs to the catalog" with three rotations certain).
        complete = radiology >= max(1, self.radiology_min) and clinical >= self.clinical_min
        # A kind the rules allow none of (radiology.max 0) is not filled by any offer.
        return bool(
            (radiology and radiology >= self.radiology_max)
            or (self.locks and len(self.locks) >= self.max_rotations)
            or complete
        )

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
            and not (
                any(c.tier_mix_high for c in members) and any(c.tier_mix_safe for c in members)
            )
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
        """Best (value sum, start per member) over every order, or None if none fits.

        Each order places its members one by one at their earliest fitting start (values
        never rise with the start, and an earlier end never hurts the rest), so every
        member placed later starts after every member placed before. The orders are
        walked depth first in the order `permutations` lists them, so the first best
        order wins as before. A prefix is not extended when some remaining member has no
        start after it, or when the remaining members' best values after it cannot beat
        the best order found (8 members are 40,320 orders; review: 13 candidates with
        max_rotations 8 took 334 s)."""
        if any(not c.starts for c in members):
            return None  # a lock that cannot be placed
        count = len(members)
        # best_after[i][j]: the best value of member i at its j-th start or later.
        best_after = []
        for c in members:
            suffix = list(c.values)
            for j in range(len(suffix) - 2, -1, -1):
                suffix[j] = max(suffix[j], suffix[j + 1])
            best_after.append(suffix)
        starts = [0] * count
        placed: list[tuple[Candidate, int]] = []  # (candidate, end ordinal)
        used = [False] * count
        best: tuple[int, tuple[int, ...]] | None = None

        def extend(total: int, last_end: int) -> None:
            nonlocal best
            if len(placed) == count:
                if best is None or total > best[0]:
                    best = (total, tuple(starts))
                return
            ceiling = total
            for i in range(count):
                if not used[i]:
                    j = bisect.bisect_left(members[i].starts, last_end + 1)
                    if j == len(members[i].starts):
                        return  # this member fits after no completion of the prefix
                    ceiling += best_after[i][j]
            if best is not None and ceiling <= best[0]:
                return  # no completion beats the best order found
            for i in range(count):
                if used[i]:
                    continue
                c = members[i]
                earliest = max((end + self._separation(p, c) for p, end in placed), default=0)
                j = bisect.bisect_left(c.starts, earliest)
                if j == len(c.starts):
                    continue  # every order with this prefix fails here
                end = c.starts[j] + c.days - 1
                used[i] = True
                starts[i] = c.starts[j]
                placed.append((c, end))
                extend(total + c.values[j], max(last_end, end))
                placed.pop()
                used[i] = False

        extend(0, -1)
        return best

    def plan_of(self, key: tuple[int, ...]) -> tuple[int, int] | None:
        """(cost, objective) of the best plan with exactly these candidates plus the locks.

        `key` holds candidate indices (sorted); None when no plan uses exactly them.
        The budget is checked by the caller (it depends on the portfolio's fees).
        """
        if key in self.plan_memo:
            return self.plan_memo[key]
        members = [self.candidates[i] for i in key] + list(self.locks)
        result: tuple[int, int] | None = None
        if self._rules_ok(members):
            cost = sum(c.cost for c in members)
            if cost <= self.budget - self.fees_paid_regardless:
                found = self.schedule(members)
                if found is not None:
                    rad = sum(1 for c in members if c.is_radiology)
                    result = (cost, found[0] - self.penalty * max(0, rad - 2))
        self.plan_memo[key] = result
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
    lock_starts: dict[str, set[date]] = {}
    for lock in loaded.locks:
        lock_starts.setdefault(lock.program, set()).add(lock.start)
    programs = {p.id: p for p in loaded.programs}
    req = loaded.requirements
    budget = loaded.budget
    # Fees paid whatever the portfolio: the locks' and those already paid.
    fees_paid_regardless = sum(programs[pid].fee for pid in lock_starts) + loaded.paid_fees
    sent_programs = {application.program for application in loaded.applied}
    # A kind the accepted offers already fill can take no other program (found by review:
    # two radiology locks at radiology.max 2, and seven radiology programs counted as ones
    # to apply to, by the naive strategies too).
    locked_kinds = [programs[pid].specialty == "radiology" for pid in lock_starts]
    full = {
        "radiology": sum(locked_kinds) >= req.radiology_max,
        "clinical": len(locked_kinds) - sum(locked_kinds) >= req.clinical_max,
    }
    if len(lock_starts) >= req.max_rotations:
        full = dict.fromkeys(full, True)
    candidates: list[Candidate] = []
    locks: list[Candidate] = []
    for pid, offers in by_program.items():
        program = programs[pid]
        locked = pid in lock_starts
        if locked:
            # Two accepted starts of one program never fit one plan: no offer, no plan.
            starts = lock_starts[pid]
            offers = [o for o in offers if len(starts) == 1 and o.start in starts]
        offers.sort(key=lambda o: o.start)
        if not offers:
            continue
        if not locked and (
            program.acceptance <= 0 or offers[0].cost + program.fee > budget or full[offers[0].kind]
        ):
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
            sent=pid in sent_programs,
        )
        (locks if locked else candidates).append(candidate)
    kept = {c.program_id for c in candidates}
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
        fees_paid_regardless=fees_paid_regardless,
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
        sent=tuple(c.index for c in candidates if c.sent),
        sent_unused=tuple(sorted(sent_programs - kept)),
    )


def application_room(problem: PortfolioProblem, max_applications: int) -> int:
    """How many candidates a portfolio may hold: the N less the sent applications no plan
    can use (they count among the N too), and never fewer than the usable sent ones."""
    return max(len(problem.sent), max_applications - len(problem.sent_unused))
