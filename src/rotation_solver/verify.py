"""Every plan the product returns passes the independent checker first.

`verify` runs `checker.check_plan` on a plan document and raises `PlanRejected`
when the checker disagrees with the model: that is a bug (exit 70), never bad
input, so the CLI reports it as such.
"""

from __future__ import annotations

from typing import Any

from rotation_solver.checker import CheckReport, check_plan
from rotation_solver.scenario import LoadedScenario


class PlanRejected(RuntimeError):
    """The independent checker rejected a plan the model returned: a bug, never bad input."""

    def __init__(self, report: CheckReport):
        self.report = report
        lines = "\n".join(f"  - [{v.rule}] {v.message}" for v in report.violations)
        super().__init__(f"the independent checker rejected the solver's plan:\n{lines}")


def verify(loaded: LoadedScenario, payload: dict[str, Any]) -> CheckReport:
    """Run the independent checker; raise PlanRejected if it disagrees."""
    report = check_plan(loaded, payload)
    if not report.ok:
        raise PlanRejected(report)
    return report
