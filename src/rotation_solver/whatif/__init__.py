"""What-if budgets: a sweep over budgets (`compare`) and the exact value/cost
frontier (`frontier`), both on a re-used CP-SAT model.

- `reuse`: the model re-bounded in place between solves; the least workable budget.
- `lanes`: solves in two threads, stopped together.
- `budget_sweep`: the best plan at each budget.
- `value_cost_frontier`: every efficient (value, cost) plan.
- `sooner`: the cheaper budget between two compared ones that buys most of the gain.
- `report`: JSON payloads and their text, CSV, Markdown and table forms.
- `plot`: the pictures.

Every plan returned has been re-verified by the independent checker. The click
commands are in `cli.whatif`.
"""

from rotation_solver.render import render_json
from rotation_solver.whatif.budget_sweep import Row, Sweep, plan_label, sweep
from rotation_solver.whatif.plot import plot_compare, plot_frontier
from rotation_solver.whatif.report import (
    compare_csv,
    compare_markdown,
    compare_table,
    frontier_csv,
    frontier_markdown,
    frontier_payload,
    frontier_table,
    plan_warnings_by_budget,
    sweep_payload,
)
from rotation_solver.whatif.reuse import (
    LeastBudget,
    OnStep,
    ReusedModel,
    Stopped,
    least_budget,
    reduce_for_budgets,
)
from rotation_solver.whatif.sooner import Sooner, sooner_steps, sooner_text
from rotation_solver.whatif.value_cost_frontier import Frontier, Method, Point, frontier

__all__ = [
    "Frontier",
    "LeastBudget",
    "Method",
    "OnStep",
    "Point",
    "ReusedModel",
    "Row",
    "Sooner",
    "Stopped",
    "Sweep",
    "compare_csv",
    "compare_markdown",
    "compare_table",
    "frontier",
    "frontier_csv",
    "frontier_markdown",
    "frontier_payload",
    "frontier_table",
    "least_budget",
    "plan_label",
    "plan_warnings_by_budget",
    "plot_compare",
    "plot_frontier",
    "reduce_for_budgets",
    "render_json",
    "sooner_steps",
    "sooner_text",
    "sweep",
    "sweep_payload",
]
