"""`apply`: choose the portfolio, bound it, evaluate it out of sample against the naive
strategies, and build the report (JSON payload); one outcome's plan as a scenario."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from rotation_solver.explain import never_in_a_plan
from rotation_solver.offerings import Offering, expand
from rotation_solver.plan_json import rotation_dict
from rotation_solver.planner import plan_scenario
from rotation_solver.portfolio.acceptance import (
    Choice,
    Chooser,
    OfferAnswers,
    answer_offers,
    answered,
)
from rotation_solver.portfolio.bound import perfect_information_bound
from rotation_solver.portfolio.candidates import (
    Candidate,
    PortfolioProblem,
    application_room,
    build_portfolio_problem,
    certain_scenario,
)
from rotation_solver.portfolio.local_search import (
    EXACT_CANDIDATES,
    SearchResult,
    SearchTimeout,
    enumerated_search,
    expected_value_seed,
    polish_exactly,
    portfolio_count,
    search,
    with_application_room,
)
from rotation_solver.portfolio.naive import Comparison, compare, naive_portfolio
from rotation_solver.portfolio.outcomes import (
    NO_PLAN,
    Evaluator,
    Table,
    evaluate,
    exact_value,
    offer_masks,
    sample_offers,
)
from rotation_solver.portfolio.summary import (
    application_role,
    histogram,
    late_application_warnings,
    needed_applications,
    no_plan_only_for_tier_mix,
    outcome_value_distribution,
    plan_probabilities,
    portfolio_warnings,
    short_of_offers,
    tight_deadline_warnings,
    undated_application_warnings,
)
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.schema import MAX_APPLICATIONS
from rotation_solver.solve import SolveOptions
from rotation_solver.verify import verify
from rotation_solver.words import counted

ProgressFactory = Callable[[str, int], Callable[[int], None]]
# The protocol: the portfolio is judged on at least this many fresh outcomes.
HONEST_EVALUATION = 1000
NO_PLAN_IN_TIME = "no plan was found within the time limit; try a longer --time-limit"


def _no_progress(_label: str, _total: int) -> Callable[[int], None]:
    return lambda _advance: None


def no_plan_reason(
    loaded: LoadedScenario,
    max_applications: int,
    options: SolveOptions,
    *,
    every_outcome: bool = False,
) -> tuple[str, str, dict[str, Any] | None]:
    """(status, why, conflict) when the chosen applications never yield a plan.

    Asks the certain scenario (every program offers, fees in cost): if it has no plan
    within the application limit, no portfolio has one ("infeasible", with the
    conflicting rules named as `solve` names them); if its best plan is worth 0 or
    less, applying to nothing is as good and saves the fees ("feasible"). Programs
    that never offer (acceptance 0) are left out, as the search leaves them out.
    `every_outcome`: every portfolio was valued on every offer outcome, so no sample can
    have missed a plan."""
    never = _never_offering(loaded)
    without = dataclasses.replace(loaded, exclude=loaded.exclude + never)
    status, why, conflict = _no_plan_reason(without, max_applications, options, every_outcome)
    if never:
        why += f" (programs that never offer, acceptance 0, are left out: {', '.join(never)})"
    return status, why, conflict


def _never_offering(loaded: LoadedScenario) -> tuple[str, ...]:
    locked = {lock.program for lock in loaded.locks}
    return tuple(
        p.id
        for p in loaded.programs
        if p.acceptance <= 0 and p.id not in locked and p.id not in loaded.exclude
    )


def _sent_fill_the_room(
    loaded: LoadedScenario, max_applications: int, options: SolveOptions
) -> str | None:
    """Why no plan comes when the applications already sent take every one of the
    `max_applications` and they make no plan alone (found by review: "try more
    --scenarios" after every outcome was valued)."""
    sent = {application.program for application in loaded.applied}
    if not sent or len(sent) < max_applications:
        return None
    kept = sent | {lock.program for lock in loaded.locks} | {o.program for o in loaded.offers}
    others = tuple(p.id for p in loaded.programs if p.id not in kept and p.id not in loaded.exclude)
    alone = dataclasses.replace(loaded, exclude=loaded.exclude + others)
    result = plan_scenario(
        certain_scenario(alone, keep_fee=True), options, diagnose=False, name_conflict=False
    ).result
    if result.has_plan or result.status == "unknown":
        return None
    return (
        f"the {counted(len(sent), 'application')} already sent take all {max_applications} "
        "application slots, and no plan meets the rules with them alone (even if all "
        "offer); raise --max-applications to apply to other programs"
    )


def _no_plan_reason(
    loaded: LoadedScenario, max_applications: int, options: SolveOptions, every_outcome: bool
) -> tuple[str, str, dict[str, Any] | None]:
    certain = certain_scenario(loaded, keep_fee=True)
    room = with_application_room(certain, max_applications)
    # Only whether a plan exists: the conflict is named on the unlimited scenario below.
    result = plan_scenario(room, options, diagnose=False, name_conflict=False).result
    if result.has_plan:
        if result.objective is not None and result.objective <= 0:
            why = (
                f"the best plan is worth {result.objective} under this value model (0 or "
                "less), so applying to nothing is as good and saves the fees"
            )
        # Only where the rules allow a plan: else the conflict is the reason (review).
        elif (full := _sent_fill_the_room(loaded, max_applications, options)) is not None:
            return "infeasible", full, None
        elif every_outcome:
            # Every portfolio on every outcome: no plan is certain, not a sample's miss.
            return (
                "infeasible",
                f"no choice of up to {max_applications} applications leads to a plan in any "
                "offer outcome (every portfolio was valued on every outcome); raise "
                "--max-applications",
                None,
            )
        else:
            why = (
                "a plan exists if the right programs offer, but none of the sampled outcomes "
                "had one; try more --scenarios"
            )
        return "feasible", why, None
    out_of_time = "unknown", NO_PLAN_IN_TIME, None
    if result.status == "unknown":
        return out_of_time
    unlimited = plan_scenario(certain, options)
    if unlimited.result.status == "unknown":
        return out_of_time
    if unlimited.result.has_plan:
        fewest = None
        for k in range(max_applications + 1, loaded.requirements.max_rotations + 1):
            room = with_application_room(certain, k)
            found = plan_scenario(room, options, diagnose=False, name_conflict=False).result
            if found.status == "unknown":  # no claim on how many are needed
                return out_of_time
            if found.has_plan:
                fewest = k
                break
        needs = f"at least {fewest}" if fewest is not None else "more"
        why = (
            f"every plan needs {needs} applications, more than max_applications "
            f"{max_applications}; raise --max-applications"
        )
        return "infeasible", why, None
    why = unlimited.payload.get("why") or "no plan meets the rules even if every program offers"
    return "infeasible", str(why), unlimited.payload.get("conflict")


@dataclass
class PortfolioReport:
    problem: PortfolioProblem
    search: SearchResult
    table: Table
    payload: dict[str, Any]
    comparisons: list[Comparison]
    evaluation_values: np.ndarray  # out-of-sample values of the chosen portfolio


def application_dict(c: Candidate) -> dict[str, Any]:
    return {
        "program_id": c.program_id,
        "starts": [o.start.isoformat() for o in c.offerings],
        "submit_on": c.submit_on.isoformat(),
        "deadline": c.deadline.isoformat() if c.deadline else None,
        # Each start's own deadline, beside `starts` (found by review: only the first was
        # given, so a later start looked closed once it had passed).
        "start_deadlines": [o.deadline.isoformat() if o.deadline else None for o in c.offerings],
        "program_name": c.program_name,
        "specialty": c.specialty,
        "tier": c.tier,
        "fee": c.fee,
        "acceptance": c.acceptance,
        "certain_value": c.values[0],
        "cost": c.cost,  # if taken (housing, travel, IMG surcharge); `fee` is apart
        # An offer in hand (scenario `offers`): kept as an application certain to come.
        "offered": any(o.offered for o in c.offerings),
        # Already sent (scenario `applied`): in every portfolio, nothing to send.
        "sent": c.sent,
    }


def _choose(
    loaded: LoadedScenario,
    n: int,
    *,
    scenarios: int,
    seed: int,
    inner: SolveOptions,
    time_limit: float,
    restarts: int,
    progress: ProgressFactory,
    enumerate_outcomes: bool,
) -> Choice:
    """The applications for `loaded`: every portfolio on every offer outcome when there
    are at most `EXACT_CANDIDATES` candidates (within half of `time_limit`), else the
    search on `scenarios` sampled outcomes, its choice then polished on its exact value
    (`polish_exactly`) in what is left of `time_limit`."""
    problem = build_portfolio_problem(loaded)
    n = application_room(problem, n)
    t0 = time.perf_counter()
    found: SearchResult | None = None
    sample: np.ndarray | None = None
    enumeration_cut = False
    if enumerate_outcomes and len(problem.candidates) <= EXACT_CANDIDATES:
        # Every outcome, so no sample to draw. Half the time limit at most: valuing plans
        # of many rotations can be slow, and the sample path then gets the rest.
        tick = progress(
            "Valuing every portfolio on every outcome",
            portfolio_count(len(problem.candidates), n, len(problem.sent)),
        )
        try:
            found = enumerated_search(problem, n, t0 + time_limit / 2, tick)
        except SearchTimeout:
            enumeration_cut = True
    if found is None:
        tick = progress("Sampling offers", scenarios)
        sample = sample_offers(problem, scenarios, seed, stream=0)
        tick(scenarios)
        evaluator = Evaluator(problem, sample)
        found = search(
            problem,
            evaluator,
            n,
            seed=expected_value_seed(problem, inner, n),
            time_limit=max(0.0, time_limit - (time.perf_counter() - t0)),
            restarts=restarts,
            random_seed=seed,
            progress=progress("Searching applications (local search rounds)", 0),
        )
        found = polish_exactly(problem, evaluator, found, n, deadline=t0 + time_limit)
    return Choice(problem, found, sample, enumeration_cut, time.perf_counter() - t0)


@dataclass(frozen=True)
class _UpperBound:
    value: float | None  # None: no bound asked for
    kind: str
    proven: bool
    seconds: float


def _upper_bound(
    choice: Choice,
    exact: float,
    wanted: bool,
    options: SolveOptions,
    progress: ProgressFactory,
) -> _UpperBound:
    """The bound on the best portfolio's value: exact when every outcome was enumerated,
    the sample's optimum when every portfolio was valued on it, else (if `wanted`) the
    perfect-information bound on the sample."""
    found = choice.found
    if found.enumerated:
        return _UpperBound(exact, "exact optimum (every portfolio on every outcome)", True, 0.0)
    if found.exhaustive:
        # Every portfolio was evaluated on the sample: the SAA optimum itself (a bound on
        # the sample, not on the exact value, which can be above it).
        kind = "exhaustive search (every portfolio on the sample)"
        best = found.value if found.sample_choice_value is None else found.sample_choice_value
        return _UpperBound(best, kind, True, 0.0)
    kind = "perfect information (per-outcome best plan, then averaged)"
    if not wanted:
        return _UpperBound(None, kind, True, 0.0)
    t0 = time.perf_counter()
    assert choice.sample is not None  # neither enumerated nor exhaustive: a sample was searched
    tick = progress("Perfect-information bound", len(choice.sample))
    value, proven = perfect_information_bound(choice.problem, choice.sample, options, tick)
    return _UpperBound(value, kind, proven, time.perf_counter() - t0)


def _application_entries(
    loaded: LoadedScenario,
    problem: PortfolioProblem,
    table: Table,
    probs: np.ndarray,
    exact: float,
) -> list[dict[str, Any]]:
    """The chosen applications for the report: those already sent first, then in the
    order they go out; each with its role and what it adds to the expected value."""
    applications = []
    used = starts_in_plans(problem, table)
    for i, j in enumerate(table.portfolio):
        c = problem.candidates[j]
        without = exact_value(problem, [x for x in table.portfolio if x != j])
        entry = application_dict(c)
        if c.sent:  # its fee is in `paid_fees`; show what was paid
            entry["fee"] = loaded.fee_paid(c.program_id)
        entry["plan_starts"] = [d.isoformat() for d in sorted(used.get(c.program_id, ()))]
        entry.update(application_role(problem, table, probs, i))
        entry["p_offer"] = c.acceptance
        entry["marginal_value"] = exact - without
        applications.append(entry)
    applications.sort(
        key=lambda a: (not a["sent"], a["submit_on"], a["deadline"] or "", a["program_id"])
    )
    return applications


def _strategy_entries(
    problem: PortfolioProblem, comparisons: list[Comparison], exact_of: dict[str, float]
) -> list[dict[str, Any]]:
    """The out-of-sample rows: the portfolio, then each naive strategy with its margin."""
    return [
        {
            "name": row.name,
            "programs": [problem.candidates[j].program_id for j in row.portfolio],
            "fees": sum(problem.candidates[j].fee for j in row.portfolio),
            "value": row.mean,
            "ci95": list(row.ci),
            "exact_value": exact_of[row.name],
            **(
                {"margin": row.margin, "margin_ci95": list(row.margin_ci or ())}
                if row.margin is not None
                else {}
            ),
        }
        for row in comparisons
    ]


def _report_warnings(
    loaded: LoadedScenario,
    choice: Choice,
    table: Table,
    *,
    answers: OfferAnswers | None,
    n: int,
    sent_over: int,
    stats: dict[str, float],
    short_of: dict[str, float],
    tier_mix_only: float,
    applications: list[dict[str, Any]],
    beaten_by: list[str],
    scenarios: int,
    time_limit: float,
    stranded: Sequence[str] = (),
) -> list[str]:
    """`apply`'s warnings: the scenario's, then the sent applications', the portfolio's,
    its dates', and what the search or the sample left undone."""
    problem, found = choice.problem, choice.found
    # The accepted offers include `apply`'s answer, not yet given (found by review:
    # "Withdraw them" before the offer that rules them out was accepted; and then the
    # wait was asked of those the rules rule out at once).
    wait = (
        " (one that only an offer `apply` says to accept rules out, once you have "
        "accepted that offer)"
        if answers is not None and answers.accept
        else ""
    )
    naive_better = bool(beaten_by) and not found.enumerated
    # The sample's search, or the exact check after it (found by review: a check the
    # clock cut short went without the --time-limit advice).
    stopped_by_clock = not (found.exhaustive or found.local_optimum) or (
        found.exact_checked and not found.exact_local_optimum
    )
    return [
        *loaded.warnings,
        *(
            [
                f"applications sent that no plan can use: {', '.join(problem.sent_unused)}: "
                f"the fees already paid (${problem.fees_paid_regardless:,}, against a "
                f"${problem.budget:,} budget) leave nothing for a rotation, whatever you "
                "withdraw (a fee paid stays paid); the budget is what to change."
            ]
            # Found by an oracle review: "withdraw them" where withdrawing changes nothing.
            if problem.sent_unused and problem.fees_paid_regardless >= problem.budget
            else [
                f"applications sent that no plan can use: {', '.join(problem.sent_unused)} "
                "(no start fits the rules or the accepted offers, the accepted offers "
                "already fill its kind, or the program never offers, is never affordable "
                "or does not take IMG students); their fees count as paid, and they count "
                f"among max_applications. Withdraw them{wait}, and list them under "
                "`exclude:` too."
            ]
            if problem.sent_unused
            else []
        ),
        *(
            [
                f"applications sent that no plan within the budget can hold: "
                f"{', '.join(stranded)} (each plan with one costs more than the budget or "
                "breaks a rule, beside the offers you hold: proven by a re-solve each). "
                f"Withdraw them{wait}, and list them under `exclude:` too (their fees stay "
                "paid)."
            ]
            if stranded
            else []
        ),
        *(
            [
                f"{counted(len(loaded.applied), 'application')} already sent, more than "
                f"max_applications {n - sent_over}: every portfolio keeps them, so the "
                f"limit is {n} and no new application is added."
            ]
            if sent_over > 0
            else []
        ),
        *portfolio_warnings(
            n,
            stats["p_no_plan"],
            len(applications),
            len(problem.candidates),
            tier_mix_only,
            samples=scenarios,
            img=loaded.scenario.student.school_type == "img",
            search_finished=found.exhaustive or found.local_optimum,
            enumerated=found.enumerated,
            needed=needed_applications(problem, table),
            short_of=short_of,
            clinical_specialties=loaded.requirements.clinical_specialties,
            filled_by_locks=problem.radiology_filled_by_locks(),
        ),
        *undated_application_warnings(
            [problem.candidates[j] for j in table.portfolio],
            loaded.requirements.apply_by_start,
        ),
        *late_application_warnings([problem.candidates[j] for j in table.portfolio]),
        *tight_deadline_warnings(applications, loaded.requirements.apply_by_start),
        *(
            # With no plan in any outcome there is nothing to improve, unless a naive
            # strategy found one.
            []
            if not stopped_by_clock or (stats["p_no_plan"] >= 1 and not naive_better)
            else [
                "the search for applications stopped at the time limit before it reached "
                "a local optimum"
                + (f" ({'; '.join(beaten_by)})" if naive_better else "")
                + "; a longer --time-limit may find a better portfolio. Where the "
                "clock stops the search depends on the machine and its load, so this "
                "answer may differ between runs, even with one --seed."
            ]
        ),
        *(
            [
                f"{'; '.join(beaten_by)}: {scenarios} sampled outcomes were too few to "
                "choose well; raise --scenarios."
            ]
            # Stopped by the clock, the time-limit warning names them: the sample is
            # not what to blame.
            if naive_better and not stopped_by_clock
            else []
        ),
        *(
            [
                f"{sum(w.outcome == 'out of time' for w in answers.ways)} of the "
                f"{len(answers.ways)} ways "
                "to answer the offers in hand were not searched before the time limit; "
                "a longer --time-limit may find a better answer."
            ]
            if answers and any(w.outcome == "out of time" for w in answers.ways)
            else []
        ),
        *(
            [
                "valuing every portfolio on every offer outcome did not end within half "
                f"of --time-limit ({time_limit / 2:g} s"
                + (", less: the ways to answer the offers share it" if answers else "")
                + f"), so the choice was made on {scenarios} sampled outcomes; a longer "
                "--time-limit may allow the exact choice."
            ]
            if choice.enumeration_cut
            else []
        ),
    ]


def _stranded(
    problem: PortfolioProblem, applications: Sequence[dict[str, Any]], options: SolveOptions
) -> list[str]:
    """Sent applications in no outcome's plan that a re-solve proves no plan within the
    budget can hold (found by an advisor's review: "spare 0% / 0%", with no word to
    withdraw them)."""
    spare = [a["program_id"] for a in applications if a.get("sent") and a["p_in_plan"] == 0]
    if not spare:
        return []
    return never_in_a_plan(build_problem(problem.loaded), spare, options)


def _inner_options(options: SolveOptions) -> SolveOptions:
    """Each outcome's plan: CP-SAT with at most 10 s."""
    return SolveOptions(
        time_limit=min(10.0, options.time_limit), workers=options.workers, seed=options.seed
    )


def _chooser(
    n: int,
    *,
    scenarios: int,
    seed: int,
    inner: SolveOptions,
    restarts: int,
    progress: ProgressFactory,
    enumerate_outcomes: bool,
) -> Chooser:
    def choose(at: LoadedScenario, time_limit: float, quiet: bool) -> Choice:
        return _choose(
            at,
            n,
            scenarios=scenarios,
            seed=seed,
            inner=inner,
            time_limit=time_limit,
            restarts=restarts,
            progress=_no_progress if quiet else progress,
            enumerate_outcomes=enumerate_outcomes,
        )

    return choose


def answer_as_apply(loaded: LoadedScenario, options: SolveOptions) -> OfferAnswers:
    """`apply`'s answer to the offers in hand, with its defaults (the scenario's
    max_applications, 200 sampled outcomes, `options.seed`), without its evaluation: for
    `timeline`, so that its to-do list follows the same answer (found by review)."""
    n = max(loaded.scenario.max_applications, len(loaded.applied))
    inner = _inner_options(options)
    choose = _chooser(
        n,
        scenarios=200,
        seed=options.seed,
        inner=inner,
        restarts=4,
        progress=_no_progress,
        enumerate_outcomes=True,
    )
    return answer_offers(loaded, n, choose, inner, options.time_limit, _no_progress)


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
    enumerate_outcomes: bool = True,
) -> PortfolioReport:
    """Choose the applications, evaluate them out of sample and build the JSON report.

    With at most `EXACT_CANDIDATES` candidates (and `enumerate_outcomes`), every
    portfolio is valued on every offer outcome instead of the sample: the exact optimum.
    Then the "in-sample" value is the exact value (the sample is the whole distribution).
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    n = max_applications if max_applications is not None else loaded.scenario.max_applications
    if not 1 <= n <= MAX_APPLICATIONS:
        raise ValueError(f"max_applications must be 1..{MAX_APPLICATIONS}, got {n}")
    # Applications already sent are in every portfolio and count among the N.
    sent_over = len(loaded.applied) - n
    n = max(n, len(loaded.applied))
    inner = _inner_options(options)
    choose = _chooser(
        n,
        scenarios=scenarios,
        seed=seed,
        inner=inner,
        restarts=restarts,
        progress=progress,
        enumerate_outcomes=enumerate_outcomes,
    )

    answers: OfferAnswers | None = None
    asked = loaded
    answer_seconds = 0.0
    if loaded.offers:
        t0 = time.perf_counter()
        answers = answer_offers(loaded, n, choose, inner, options.time_limit, progress)
        answer_seconds = time.perf_counter() - t0
        if answers.choice is not None:
            loaded = answered(loaded, answers.accept)
    choice = answers.choice if answers is not None and answers.choice else None
    search_in_answer = choice is not None  # else searched below, after answering
    if choice is None:
        choice = choose(loaded, options.time_limit, quiet=False)
    problem, found = choice.problem, choice.found
    search_seconds = choice.seconds
    table = evaluate(problem, found.portfolio)
    t0 = time.perf_counter()
    checked_plans = check_outcome_plans(problem, table)
    check_seconds = time.perf_counter() - t0
    values, probs = outcome_value_distribution(problem, table)
    exact = float(probs @ values)

    # With every outcome enumerated, the "sample" is the whole distribution: the exact
    # value (unrounded, so that the bound is never a hair below it).
    in_sample = exact if found.enumerated else found.value
    upper = _upper_bound(
        choice, exact, bound, dataclasses.replace(inner, time_limit=options.time_limit), progress
    )

    t0 = time.perf_counter()
    room = application_room(problem, n)
    fresh = sample_offers(problem, evaluate_outcomes, seed, stream=1)
    strategies = [
        ("portfolio", found.portfolio),
        ("top-N by expected value", naive_portfolio(problem, room, "value")),
        ("top-N by letter", naive_portfolio(problem, room, "letter")),
    ]
    tick = progress("Out-of-sample evaluation", evaluate_outcomes * len(strategies))
    comparisons = compare(problem, strategies, fresh, tick)
    chosen_oos = table.outcome_values(offer_masks(fresh, table.portfolio)).astype(float)
    eval_seconds = time.perf_counter() - t0

    stats = plan_probabilities(problem, table, probs)
    tier_mix_only = no_plan_only_for_tier_mix(problem, table, probs)
    short_of = short_of_offers(problem, table, probs)
    applications = _application_entries(loaded, problem, table, probs, exact)
    gap = (
        None
        if upper.value is None or upper.value <= 0
        else max(0.0, (upper.value - in_sample) / upper.value)
    )
    exact_of = {row.name: exact_value(problem, row.portfolio) for row in comparisons}
    # SAA can lose to a naive strategy on a small sample; say so rather than hide it.
    beaten_by = [
        f"{name} is worth more ({value:.1f} against {exact:.1f}, exact)"
        for name, value in exact_of.items()
        if value > exact + 1e-9
    ]
    payload: dict[str, Any] = {
        "scenario": loaded.scenario.name,
        # optimal: every portfolio valued on every offer outcome, so proven best; on a
        # sample the choice is only the sample's best (or a local search's).
        "status": "optimal"
        if found.enumerated and (answers is None or answers.proven)
        else "feasible",
        "max_applications": n,
        "applications": applications,
        # Sent applications no plan can use: not among `applications`, but among the N.
        "sent_unused": list(problem.sent_unused),
        "not_counted": _not_counted(asked),
        # Which offers in hand to accept now, and the other ways to answer them.
        "offer_answers": answers.payload(asked) if answers and answers.choice else None,
        "expected_value": exact,
        "in_sample_value": in_sample,
        "bound": upper.value,
        "bound_kind": upper.kind,
        "bound_proven": upper.proven,
        "gap": gap,
        "fees": table.fees,
        # Fees already paid (applications sent, offers in hand, locks still listed under
        # either), off the budget in every outcome besides `fees`.
        "paid_fees": loaded.paid_fees,
        # As stated: the fees of declined offers, already paid, are in `offer_answers`.
        "budget": asked.budget,
        # The count rules, so that a chance the rules rule out reads as such.
        "counts": {
            "radiology": [loaded.requirements.radiology_min, loaded.requirements.radiology_max],
            "clinical": [loaded.requirements.clinical_min, loaded.requirements.clinical_max],
        },
        "locks": _lock_entries(problem, answers),
        # The rotations in every outcome (locks, offers accepted now), with their cost
        # and value, for the calendar (found by review: the accepted rotation was not in it).
        "lock_rotations": lock_rotations(problem),
        "probabilities": {
            "two_or_more_radiology": stats["p_two_radiology"],
            "clinical": stats["p_clinical"],
            "no_plan": stats["p_no_plan"],
            # Part of no_plan: offers that make a plan failing only tier_mix.
            "no_plan_only_tier_mix": tier_mix_only,
            # Part of no_plan: too few offers of a kind for any plan, whatever else offers.
            "too_few_offers": short_of,
        },
        "distribution": histogram(values, probs),
        # The distinct best plans behind the portfolio's outcomes, each passed by the
        # independent checker (its value, cost, dates and rules recomputed).
        "checked_plans": checked_plans,
        "sampling": {
            "scenarios": scenarios,
            "seed": seed,
            "stream": 0,
            # True: every offer outcome was enumerated and the sample was not needed.
            "enumerated": found.enumerated,
            "outcomes": 2 ** len(problem.candidates) if found.enumerated else scenarios,
        },
        "evaluation": {
            "outcomes": evaluate_outcomes,
            "seed": seed,
            "stream": 1,
            "strategies": _strategy_entries(problem, comparisons, exact_of),
        },
        "saa": _saa_entry(problem, found, in_sample, upper.value, gap, exact, comparisons[0]),
        "timings": {
            # Every way to answer the offers in hand, the chosen way's search included
            # unless `search_in_answer` is false (no way had a plan).
            "answer_seconds": round(answer_seconds, 3),
            "search_in_answer": search_in_answer,
            "search_seconds": round(search_seconds, 3),
            "bound_seconds": round(upper.seconds, 3),
            "evaluation_seconds": round(eval_seconds, 3),
            "check_seconds": round(check_seconds, 3),
            "total_seconds": round(time.perf_counter() - started, 3),
        },
        "warnings": _report_warnings(
            loaded,
            choice,
            table,
            answers=answers,
            n=n,
            sent_over=sent_over,
            stats=stats,
            short_of=short_of,
            tier_mix_only=tier_mix_only,
            applications=applications,
            beaten_by=beaten_by,
            scenarios=scenarios,
            time_limit=options.time_limit,
            stranded=_stranded(choice.problem, applications, _inner_options(options)),
        ),
    }
    if stats["p_no_plan"] >= 1:
        # The full time limit, as `solve` has, so the conflict is named as `solve` names it.
        status, why, conflict = no_plan_reason(asked, n, options, every_outcome=found.enumerated)
        payload.update(status=status, why=why)
        if conflict is not None:
            payload["conflict"] = conflict
        payload["timings"]["total_seconds"] = round(time.perf_counter() - started, 3)
    if evaluate_outcomes < HONEST_EVALUATION and payload["status"] not in ("infeasible", "unknown"):
        # Not where no plan can come: nothing was there to evaluate (found by review).
        payload["warnings"].append(
            f"the out-of-sample value rests on {evaluate_outcomes} fresh outcomes; "
            f"{HONEST_EVALUATION:,} or more give a tight confidence interval."
        )
    return PortfolioReport(problem, found, table, payload, comparisons, chosen_oos)


def _not_counted(asked: LoadedScenario) -> dict[str, list[str]]:
    """Applications the cap does not count: offers in hand (to answer now), refused ones
    and accepted offers. From the scenario as asked: answering the offers empties
    `offers` (found by reviews: declined offers went uncounted, and offers still to
    answer were called answered)."""
    return {
        "offers_in_hand": [f"{o.program}@{o.start.isoformat()}" for o in asked.offers],
        "refused": sorted(asked.refused),
        "accepted": [f"{k.program}@{k.start.isoformat()}" for k in asked.locks],
    }


def _lock_entries(problem: PortfolioProblem, answers: OfferAnswers | None) -> list[dict[str, Any]]:
    """The rotations in every outcome; `offer`: an offer in hand this report accepts, not
    one of the scenario's locks."""
    accepted = {o.program for o in answers.accept} if answers else set()
    return [
        {
            "program_id": c.program_id,
            "start": date.fromordinal(c.starts[0]).isoformat(),
            "offer": c.program_id in accepted,
        }
        for c in problem.locks
        if c.starts
    ]


def _saa_entry(
    problem: PortfolioProblem,
    found: Any,
    in_sample: float,
    bound: float | None,
    gap: float | None,
    exact: float,
    chosen: Any,
) -> dict[str, Any]:
    """The sample average approximation's numbers: in-sample value against the bound and
    against the out-of-sample mean of the chosen portfolio (`chosen`), and the search."""
    return {
        "in_sample_value": in_sample,
        "bound": bound,
        "optimality_gap": gap,
        "out_of_sample_value": chosen.mean,
        "out_of_sample_ci95": list(chosen.ci),
        "exact_value": exact,
        "saa_gap": in_sample - chosen.mean,
        "bound_vs_out_of_sample": None
        if bound is None or bound <= 0
        else (bound - chosen.mean) / bound,
        "local_optimum": found.local_optimum,
        "exhaustive": found.exhaustive,
        "enumerated": found.enumerated,
        "evaluations": found.evaluations,
        "moves": found.moves,
        # The choice then improved on its exact value (`polish_exactly`).
        "exact_polish": {
            "ran": found.exact_checked,
            "moves": found.exact_moves,
            "local_optimum": found.exact_local_optimum,
            "sample_choice_in_sample": found.sample_choice_value,
            "sample_choice_exact": found.sample_choice_exact,
        },
        "candidates": len(problem.candidates),
        "plan_sets_memoised": len(problem.plan_memo),
    }


def lock_rotations(problem: PortfolioProblem) -> list[dict[str, Any]]:
    """The locked rotations (spec section 7 rotation keys), sorted by start."""
    keys = {(lock.program, lock.start) for lock in problem.loaded.locks}
    found = [o for o in expand(problem.loaded).offerings if o.key in keys]
    return [rotation_dict(o) for o in sorted(found, key=lambda o: o.start)]


# -- one outcome as a checkable plan (spec section 7) ------------------------------------------


def outcome_scenario(
    problem: PortfolioProblem, portfolio: Sequence[int], offered: Iterable[int]
) -> LoadedScenario:
    """The scenario the student faces in one outcome, for `check_plan`.

    Offered applications become programs with acceptance 1, fee 0 and only the listed
    starts; locks stay (acceptance 1 anyway, fee 0); every other program leaves the
    catalog (as excluding it would, without expanding it); the budget is reduced by the
    fees of all applications and of the locks.
    """
    loaded = problem.loaded
    offered_ids = {problem.candidates[i].program_id for i in offered}
    listed = {
        problem.candidates[i].program_id: [o.start for o in problem.candidates[i].offerings]
        for i in portfolio
    }
    lock_ids = {lock.program for lock in loaded.locks}
    fees = sum(problem.candidates[i].fee for i in portfolio) + problem.fees_paid_regardless
    programs = []
    for p in loaded.programs:
        if p.id not in offered_ids and p.id not in lock_ids:
            continue
        update: dict[str, Any] = {"acceptance": Decimal(1), "fee": 0}
        if p.id in offered_ids:
            update["starts"] = listed[p.id]
        programs.append(p.model_copy(update=update))
    scenario = loaded.scenario.model_copy(
        update={"programs": programs, "exclude": [], "budget": loaded.budget - fees}
    )
    # The locks' fees and those already paid are in `fees_paid_regardless`, off the budget above.
    return dataclasses.replace(
        loaded, scenario=scenario, programs=tuple(programs), exclude=(), paid=(), catalog=()
    )


def outcome_plan(problem: PortfolioProblem, table: Table, mask: int) -> list[Offering]:
    """The rotations of the best plan when the applications in `mask` are offered."""
    plan = int(table.plan[mask])
    if plan < 0:
        return []
    key = [table.portfolio[i] for i in range(len(table.portfolio)) if plan >> i & 1]
    return problem.plan_rotations(key)


def starts_in_plans(problem: PortfolioProblem, table: Table) -> dict[str, set[date]]:
    """The starts each program has in the best plan of some outcome (exact, all 2^k).

    The other listed starts are alternates: asking for them is free, and a plan on
    them is never better in this model (an offer comes per program, not per date)."""
    used: dict[str, set[date]] = {}
    for plan in np.unique(table.plan):
        if plan < 0:
            continue
        key = [table.portfolio[i] for i in range(len(table.portfolio)) if int(plan) >> i & 1]
        for o in problem.plan_rotations(key):
            used.setdefault(o.program_id, set()).add(o.start)
    return used


def check_outcome_plans(problem: PortfolioProblem, table: Table) -> int:
    """Pass each distinct best plan of the portfolio's outcomes through the independent
    checker, in an outcome where it is the best plan; raise PlanRejected (a bug, exit
    70) if one fails. A plan's rules, cost and value do not depend on which other
    applications were offered, so once per plan covers every outcome. Returns the count.
    """
    checked = 0
    for plan in np.unique(table.plan):
        if plan < 0:
            continue
        mask = int(np.flatnonzero(table.plan == plan)[0])
        verify(*outcome_payload(problem, table, mask))
        checked += 1
    return checked


def outcome_payload(
    problem: PortfolioProblem, table: Table, mask: int
) -> tuple[LoadedScenario, dict[str, Any]]:
    """(scenario of the outcome, its plan as a spec-section-7 payload)."""

    offered = [table.portfolio[i] for i in range(len(table.portfolio)) if mask >> i & 1]
    scenario = outcome_scenario(problem, table.portfolio, offered)
    certain = {o.key: o for o in expand(scenario).offerings}
    # An offering the outcome's own expansion drops is shown as the search had it, so
    # that the checker names the rule it breaks (not a KeyError).
    rotations = [certain.get(o.key, o) for o in outcome_plan(problem, table, mask)]
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
