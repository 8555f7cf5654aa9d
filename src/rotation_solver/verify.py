"""Every plan the product returns passes the independent checker first.

`verify` runs `checker.check_plan` on a plan document and raises `PlanRejected`
when the checker disagrees with the model: that is a bug (exit 70), never bad
input, so the CLI reports it as such. A claim that *no* plan exists has no plan to
check: `verify_no_plan` re-proves it with the independent prover instead.
"""

from __future__ import annotations

from typing import Any

from rotation_solver.checker import CheckReport, Violation, check_plan
from rotation_solver.prover import MAX_CUTS, prove
from rotation_solver.scenario import LoadedScenario


class PlanRejected(RuntimeError):
    """The independent checker rejected a plan the model returned: a bug, never bad input."""

    def __init__(
        self,
        report: CheckReport,
        headline: str = "the independent checker rejected the solver's plan",
    ):
        self.report = report
        lines = "\n".join(f"  - [{v.rule}] {v.message}" for v in report.violations)
        super().__init__(f"{headline}:\n{lines}")


def verify(loaded: LoadedScenario, payload: dict[str, Any]) -> CheckReport:
    """Run the independent checker; raise PlanRejected if it disagrees."""
    report = check_plan(loaded, payload)
    if not report.ok:
        raise PlanRejected(report)
    return report


INDEPENDENT_MILP = "an independent MILP solved by SCIP on the checker's rules"
PROVEN_BY_BOTH = f"CP-SAT and {INDEPENDENT_MILP}"
_REFUTED = "the independent prover refuted the solver's claim that no plan exists"


def verify_no_plan(loaded: LoadedScenario, time_limit: float) -> str:
    """Re-prove CP-SAT's "no plan exists" with the prover, which shares no code with
    the model; raise PlanRejected if it finds a plan. Returns who proved it.

    `check` re-proved a no-plan document this way, but `solve`'s own no-plan answers
    were checked by the model alone."""
    proof = prove(loaded, time_limit)
    found = ", ".join(f"{r.program_id}@{r.start.isoformat()}" for r in proof.plan)
    if proof.status == "optimal":
        message = (
            f"CP-SAT proves that no plan exists, but {INDEPENDENT_MILP} finds one worth "
            f"{proof.objective} ({found}): the model and the checker's rules disagree"
        )
        raise PlanRejected(CheckReport((Violation("no plan", message),), None, None), _REFUTED)
    if proof.gave_up:
        message = (
            f"CP-SAT proves that no plan exists; {INDEPENDENT_MILP} found {MAX_CUTS} "
            "plans in turn that the checker refused: the model and the checker's rules disagree"
        )
        raise PlanRejected(CheckReport((Violation("no plan", message),), None, None), _REFUTED)
    if proof.status == "infeasible":
        return PROVEN_BY_BOTH
    return f"CP-SAT alone (the independent MILP ran out of time after {proof.seconds:.0f} s)"
