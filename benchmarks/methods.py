"""The methods the benchmark compares; each returns a `solve.Result` plus method extras.

- `exhaustive`: benchmarks/exhaustive.py (tiny only);
- `spec-milp`: benchmarks/spec_milp.py, a MILP written again from the spec (own offerings,
  own rules, day-by-day no-overlap), the independent optimum on every class;
- `prover`: `check`'s independent prover (the checker's rules as a MILP, SCIP), once per
  instance like `spec-milp`;
- `greedy`: by value/cost, no proof;
- `highs`: the CP-SAT model's proto translated to a MILP and solved by HiGHS, so it
  is exactly the same formulation (same candidates, cliques and redundant rows);
- `highs-tuned`: the same, with the tuning CP-SAT gets (no presolve on models of at most
  `NO_PRESOLVE_CANDIDATES` candidates), so the comparison is fair both ways;
- `cpsat`: the production path, `rotation_solver.solve.solve_problem`;
- `cpsat-settled`: the same plus the tie step `rotation-solver solve` runs (`ties.py`:
  the cheapest plan of the best value, then its earliest schedule), timed in `solve`;
- `cpsat-nooverlap`: variant A, optional intervals + `add_no_overlap` instead of cliques;
- `cpsat-defaults`: variant B, the production model with CP-SAT's default parameters;
- `cpsat-no-hint`, `cpsat-no-reduction`: ablations, the production path without the greedy
  hint, or without the reduction;
- `cpsat-plain`: "before", the unreduced model with no hint and default parameters.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from rotation_solver.greedy import greedy_plan
from rotation_solver.model import PlanModel
from rotation_solver.offerings import Offering
from rotation_solver.problem import PlanningProblem
from rotation_solver.reduction import reduce_problem
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import (
    NO_PRESOLVE_CANDIDATES,
    FirstSolution,
    Result,
    SolveOptions,
    configure,
    configure_reduced,
    default_workers,
    solve_problem,
)

INT_INF = 2**62


@dataclass
class Run:
    """What one method did on one instance (besides load and problem time)."""

    result: Result
    first_solution_seconds: float | None = None
    variables: int | None = None
    constraints: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _result(
    problem: PlanningProblem,
    status: str,
    objective: int | None,
    bound: int | None,
    rotations: list[Offering],
    candidates: int,
    build: float,
    solve: float,
) -> Result:
    rotations = sorted(rotations, key=lambda o: (o.start, o.program_id))
    return Result(
        status=status,  # type: ignore[arg-type]
        objective=objective,
        bound=bound,
        rotations=tuple(rotations),
        total_cost=sum(o.cost for o in rotations),
        budget=problem.budget,
        candidates=candidates,
        build_seconds=build,
        solve_seconds=solve,
    )


def _counts(model: cp_model.CpModel) -> tuple[int, int]:
    proto = model.Proto()
    return len(proto.variables), len(proto.constraints)


# -- exhaustive ------------------------------------------------------------------------


def run_exhaustive(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    from benchmarks import exhaustive

    started = time.perf_counter()
    best = exhaustive.solve(loaded)
    seconds = time.perf_counter() - started
    if best.objective is None:
        return Run(_result(problem, "infeasible", None, None, [], 0, 0.0, seconds))
    chosen = []
    for pair in best.plan:
        offering = problem.offering(pair.program, pair.start)
        if offering is None:  # the two expansions disagree: the checker will say so
            raise RuntimeError(f"exhaustive picked {pair.program}@{pair.start}, not an offering")
        chosen.append(offering)
    result = _result(problem, "optimal", best.objective, best.objective, chosen, 0, 0.0, seconds)
    return Run(result, extra={"plans_seen": best.plans_seen})


# -- greedy ----------------------------------------------------------------------------


def run_spec_milp(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    """The spec written again as a MILP (`spec_milp.py`): an optimum found without the
    production expansion, model or reduction. Its plan is mapped to the production
    offerings only to be shown and re-checked; a plan the production expansion lacks is
    an error the runner reports."""
    import highspy  # noqa: F401  (imported before the clock starts, as `_run_highs` does)

    from benchmarks import spec_milp

    started = time.perf_counter()
    found = spec_milp.solve(loaded, time_limit)
    build = time.perf_counter() - started - found.seconds
    chosen = _offerings(problem, [(q.program, q.start) for q in found.plan], "spec-milp")
    result = _result(
        problem, found.status, found.objective, found.bound, chosen, 0, build, found.seconds
    )
    return Run(result, None, found.variables, found.constraints)


def _offerings(problem: PlanningProblem, keys: list[tuple[str, date]], who: str) -> list[Offering]:
    """An independent method's plan as production offerings (to show and re-check it); a
    rotation the production expansion lacks is an error the runner reports."""
    chosen = []
    for program_id, start in keys:
        offering = problem.offering(program_id, start)
        if offering is None:
            raise RuntimeError(f"{who} chose {program_id}@{start}, not an offering")
        chosen.append(offering)
    return chosen


def run_prover(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    """`check`'s independent prover (`rotation_solver.prover`): the checker's own rules
    as a MILP for SCIP. Measured so that `check --prove` has known costs; its plan is
    mapped to the production offerings only to be shown and re-checked."""
    from rotation_solver.prover import prove

    found = prove(loaded, time_limit)
    chosen = _offerings(problem, [(r.program_id, r.start) for r in found.plan], "the prover")
    bound = found.objective if found.status == "optimal" else None
    result = _result(problem, found.status, found.objective, bound, chosen, 0, 0.0, found.seconds)
    return Run(result, None, found.rotations, None)


def _objective(problem: PlanningProblem, chosen: list[Offering]) -> int:
    rad = sum(o.is_radiology for o in chosen)
    return sum(o.value for o in chosen) - problem.extra_radiology_penalty * max(0, rad - 2)


def run_greedy(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    started = time.perf_counter()
    chosen = greedy_plan(problem)
    seconds = time.perf_counter() - started
    if chosen is None:
        return Run(_result(problem, "unknown", None, None, [], 0, 0.0, seconds))
    value = _objective(problem, chosen)
    # No proof, only the loose ceiling production's fallback states too: a plan's bound
    # is a number (spec section 7), and the checker asks for one.
    bound = max(value, problem.value_ceiling())
    return Run(
        _result(problem, "feasible", value, bound, chosen, len(problem.offerings), 0.0, seconds),
        first_solution_seconds=seconds,
    )


# -- HiGHS on the same formulation -----------------------------------------------------


def _literal(ref: int) -> tuple[int, int, int]:
    """(variable, coefficient, constant) of a CP-SAT literal: x or 1 - x."""
    return (ref, 1, 0) if ref >= 0 else (-ref - 1, -1, 1)


_KINDS = ("linear", "at_most_one", "exactly_one", "bool_or")


def proto_to_highs(model: cp_model.CpModel) -> Any:
    """A HiGHS MILP of a CP-SAT model made of linear, at-most-one and bool-or constraints."""
    import highspy
    import numpy as np

    proto = model.Proto()
    n = len(proto.variables)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    # (the proto wrapper has no negative indexing: copy repeated fields to lists)
    domains = [list(v.domain) for v in proto.variables]
    lp.col_lower_ = np.array([d[0] for d in domains], dtype=float)
    lp.col_upper_ = np.array([d[-1] for d in domains], dtype=float)
    cost = np.zeros(n)
    obj = proto.objective
    scale = obj.scaling_factor or 1.0
    for var, coeff in zip(obj.vars, obj.coeffs, strict=True):
        cost[var] += coeff
    lp.col_cost_ = cost
    lp.offset_ = obj.offset
    lp.sense_ = highspy.ObjSense.kMinimize
    starts: list[int] = [0]
    index: list[int] = []
    value: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def row(terms: list[tuple[int, int]], lo: float, hi: float) -> None:
        merged: dict[int, float] = {}
        for var, coeff in terms:
            merged[var] = merged.get(var, 0.0) + coeff
        index.extend(merged)
        value.extend(merged.values())
        starts.append(len(index))
        lower.append(lo)
        upper.append(hi)

    for ct in proto.constraints:
        kind = next((k for k in _KINDS if getattr(ct, f"has_{k}")()), None)
        if ct.enforcement_literal:
            raise ValueError("enforced constraints are not part of the production formulation")
        if kind == "linear":
            domain = list(ct.linear.domain)
            lo, hi = domain[0], domain[-1]
            row(
                list(zip(ct.linear.vars, ct.linear.coeffs, strict=True)),
                -highspy.kHighsInf if lo <= -INT_INF else lo,
                highspy.kHighsInf if hi >= INT_INF else hi,
            )
        elif kind in ("at_most_one", "exactly_one", "bool_or"):
            lits = getattr(ct, kind).literals
            terms, constant = [], 0
            for ref in lits:
                var, coeff, c0 = _literal(ref)
                terms.append((var, coeff))
                constant += c0
            lo = 1 - constant if kind != "at_most_one" else -highspy.kHighsInf
            hi = 1 - constant if kind != "bool_or" else highspy.kHighsInf
            row(terms, lo, hi)
        else:
            raise ValueError(f"constraint {kind} has no MILP translation here")
    lp.num_row_ = len(lower)
    lp.row_lower_ = np.array(lower, dtype=float)
    lp.row_upper_ = np.array(upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(lower)
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    return lp, scale


def run_highs(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    return _run_highs(problem, time_limit, tuned=False)


def run_highs_tuned(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    """HiGHS given the tuning CP-SAT gets: no presolve on small reduced models."""
    return _run_highs(problem, time_limit, tuned=True)


def _run_highs(problem: PlanningProblem, time_limit: float, *, tuned: bool) -> Run:
    import highspy

    started = time.perf_counter()
    plan_model = PlanModel(reduce_problem(problem)[0])
    # The rows HiGHS solves, built as CP-SAT's are: that build stands for a MILP's own.
    build = time.perf_counter() - started
    # The proto-to-MILP translation exists only here, so it is not charged to HiGHS
    # (found by review: it was ~10 ms of national's path, enough to move the 1.5x verdict);
    # its time is kept in `extra`.
    translating = time.perf_counter()
    lp, scale = proto_to_highs(plan_model.model)
    translate = {"translate_s": round(time.perf_counter() - translating, 6)}
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if tuned and len(plan_model.candidates) <= NO_PRESOLVE_CANDIDATES:
        h.setOptionValue("presolve", "off")
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.99)  # integer objective: a gap below 1 is a proof
    # From the model's load into HiGHS, as CP-SAT's clock includes copying its proto in
    # `solve` (found by review: the load was charged to neither side).
    clock = time.perf_counter()
    h.passModel(lp)
    first: list[float] = []

    def improving(_event: Any) -> None:
        if not first:
            first.append(time.perf_counter() - clock)

    h.cbMipImprovingSolution.subscribe(improving)
    h.startCallback(highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution)
    h.run()
    seconds = time.perf_counter() - clock
    status = h.getModelStatus()
    info = h.getInfo()
    has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
    variables, constraints = lp.num_col_, lp.num_row_
    if status == highspy.HighsModelStatus.kInfeasible:
        result = _result(
            problem, "infeasible", None, None, [], len(plan_model.candidates), build, seconds
        )
        return Run(result, None, variables, constraints, translate)
    if not has_plan:
        result = _result(
            problem, "unknown", None, None, [], len(plan_model.candidates), build, seconds
        )
        return Run(result, None, variables, constraints, translate)
    x = h.getSolution().col_value
    chosen = [
        o
        for o, var in zip(plan_model.candidates, plan_model.choose, strict=True)
        if x[var.index] > 0.5
    ]
    objective = round(scale * info.objective_function_value)  # HiGHS adds the offset
    bound = objective
    optimal = status == highspy.HighsModelStatus.kOptimal
    if not optimal:
        bound = round(scale * info.mip_dual_bound)
    result = _result(
        problem,
        "optimal" if optimal else "feasible",
        objective,
        bound,
        chosen,
        len(plan_model.candidates),
        build,
        seconds,
    )
    return Run(result, first[0] if first else None, variables, constraints, translate)


# -- CP-SAT: production and variants -----------------------------------------------------


def _cp_result(
    problem: PlanningProblem,
    plan_model: PlanModel,
    solver: cp_model.CpSolver,
    code: Any,
    build: float,
    seconds: float,
) -> Result:
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        objective = round(solver.objective_value)
        optimal = code == cp_model.OPTIMAL
        bound = objective if optimal else round(solver.best_objective_bound)
        return _result(
            problem,
            "optimal" if optimal else "feasible",
            objective,
            bound,
            plan_model.chosen(solver),
            len(plan_model.candidates),
            build,
            seconds,
        )
    status = "infeasible" if code == cp_model.INFEASIBLE else "unknown"
    return _result(problem, status, None, None, [], len(plan_model.candidates), build, seconds)


@dataclass(frozen=True)
class SolverSettings:
    """The runner's --workers and --solver-seed; None keeps each method's own (production:
    `SolveOptions`' workers and seed 0; CP-SAT's defaults: its own seed)."""

    workers: int | None = None
    seed: int | None = None


# Set once per worker process, from the runner's options (`benchmarks.worker`).
SETTINGS = SolverSettings()


def use_settings(settings: SolverSettings) -> None:
    global SETTINGS
    SETTINGS = settings


def _options(time_limit: float | None = None) -> SolveOptions:
    """Production's options, with the runner's workers and seed where given."""
    options = SolveOptions()
    return dataclasses.replace(
        options,
        time_limit=options.time_limit if time_limit is None else time_limit,
        workers=options.workers if SETTINGS.workers is None else SETTINGS.workers,
        seed=options.seed if SETTINGS.seed is None else SETTINGS.seed,
    )


def run_cpsat(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    options = _options(time_limit)
    result = solve_problem(problem, options)
    return Run(
        result,
        result.first_solution_seconds,
        result.variables,
        result.constraints,
        extra={"removed": result.removed},
    )


def run_settled(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    """What `rotation-solver solve` runs: the search, then the tie step. The tie step's
    seconds are added to `solve` (and given alone as `ties_s`), so `total` is the path a
    student waits for."""
    options = _options(time_limit)
    started = time.perf_counter()
    result = solve_problem(problem, options, settle=True)
    ties = max(0.0, time.perf_counter() - started - result.build_seconds - result.solve_seconds)
    result = dataclasses.replace(result, solve_seconds=result.solve_seconds + ties)
    return Run(
        result,
        result.first_solution_seconds,
        result.variables,
        result.constraints,
        extra={"removed": result.removed, "ties_s": round(ties, 4)},
    )


class NoOverlapModel(PlanModel):
    """Variant A: one optional interval per offering and a single `add_no_overlap`."""

    def _add_no_overlap(self) -> None:
        gap = self.problem.requirements.min_gap_days
        if not self.candidates:
            return
        origin = min(o.start for o in self.candidates)
        intervals = []
        for x, o in zip(self.choose, self.candidates, strict=True):
            start = (o.start - origin).days
            size = (o.end - o.start).days + 1 + gap  # the gap travels with each rotation
            intervals.append(
                self.model.new_optional_fixed_size_interval_var(start, size, x, f"iv[{o.key}]")
            )
        self.model.add_no_overlap(intervals)


def _run_model(
    problem: PlanningProblem,
    factory: Callable[[PlanningProblem], PlanModel],
    time_limit: float,
    configure_solver: Callable[[cp_model.CpSolver, PlanModel], None],
    *,
    reduce: bool = True,
    hinted: bool = True,
) -> Run:
    """Like the production path (reduction, greedy hint), with another model or parameters,
    or with the reduction or the hint left out (the ablations)."""
    started = time.perf_counter()
    reduced, removed = reduce_problem(problem) if reduce else (problem, 0)
    plan_model = factory(reduced)
    hint = greedy_plan(reduced) if hinted else None
    if hint is not None:
        taken = {o.key for o in hint}
        for x, o in zip(plan_model.choose, plan_model.candidates, strict=True):
            plan_model.model.add_hint(x, o.key in taken)
    build = time.perf_counter() - started
    solver = cp_model.CpSolver()
    configure_solver(solver, plan_model)
    solver.parameters.max_time_in_seconds = time_limit
    callback = FirstSolution()
    code = solver.solve(plan_model.model, callback)
    seconds = time.perf_counter() - callback.started
    variables, constraints = _counts(plan_model.model)
    result = _cp_result(problem, plan_model, solver, code, build, seconds)
    return Run(result, callback.seconds, variables, constraints, extra={"removed": removed})


def _production_parameters(solver: cp_model.CpSolver, plan_model: PlanModel) -> None:
    configure_reduced(solver, _options(), len(plan_model.candidates))


def _unreduced_parameters(solver: cp_model.CpSolver, plan_model: PlanModel) -> None:
    configure(solver, _options())


def _default_parameters(solver: cp_model.CpSolver, plan_model: PlanModel) -> None:
    solver.parameters.num_workers = SETTINGS.workers or default_workers()
    if SETTINGS.seed is not None:  # else CP-SAT's own default seed
        solver.parameters.random_seed = SETTINGS.seed


def run_plain(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    """ "Before": the unreduced model, no hint, CP-SAT's defaults (as `known_optima.json`)."""
    return _run_model(
        problem, PlanModel, time_limit, _default_parameters, reduce=False, hinted=False
    )


def run_no_reduction(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    """Ablation: the greedy hint and the parameters production uses on unreduced models
    (`solve.configure`: probing 0, the seed, the workers)."""
    return _run_model(problem, PlanModel, time_limit, _unreduced_parameters, reduce=False)


def run_no_hint(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    """Ablation: the production path without the greedy hint."""
    return _run_model(problem, PlanModel, time_limit, _production_parameters, hinted=False)


def run_nooverlap(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    return _run_model(problem, NoOverlapModel, time_limit, _production_parameters)


def run_defaults(loaded: LoadedScenario, problem: PlanningProblem, time_limit: float) -> Run:
    return _run_model(problem, PlanModel, time_limit, _default_parameters)


# In report order: references, the greedy baseline, HiGHS, then CP-SAT and its variants.
METHODS: dict[str, Callable[[LoadedScenario, PlanningProblem, float], Run]] = {
    "exhaustive": run_exhaustive,
    "spec-milp": run_spec_milp,
    "prover": run_prover,
    "greedy": run_greedy,
    "highs": run_highs,
    "highs-tuned": run_highs_tuned,
    "cpsat": run_cpsat,
    "cpsat-settled": run_settled,
    "cpsat-nooverlap": run_nooverlap,
    "cpsat-defaults": run_defaults,
    "cpsat-no-hint": run_no_hint,
    "cpsat-no-reduction": run_no_reduction,
    "cpsat-plain": run_plain,
}
EXACT = tuple(m for m in METHODS if m != "greedy")  # every method but greedy proves
