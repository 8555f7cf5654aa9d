"""Which electives to apply to: an application portfolio under uncertain offers (issue 6).

Modelling rules (fixed by the issue, so that results can be checked):

- Offers are independent per program, with probability `acceptance`.
- An application names one program and one or more of its starts; its `fee` is paid
  once, whatever the outcome. If the program offers, the student may take any one
  listed start. Alternative dates are free, so an application always lists every
  feasible start of its program: the first stage is a *set of programs*.
- In an outcome, an offered rotation counts with acceptance 1 (the uncertainty lives in
  the sampling, not in the value) and costs `housing_per_week*weeks + travel +
  img_surcharge`. The fees of all applications plus the plan's costs stay within the
  budget, and every other rule of the spec holds.
- Locked programs are offers already accepted: they count as offered in every outcome
  and need no application. Their fee was paid when they applied, so it is counted once
  against the budget, like an application fee.
- An outcome with no feasible plan is worth 0 (and counted as "no plan").

Method: a sample average approximation (SAA). The second stage (the best plan from the
offers received) is solved exactly by enumeration, the first stage by local search. With
at most `EXACT_CANDIDATES` programs, every portfolio is valued on every offer outcome
instead: the exact optimum, with no sampling error.

- `candidates`: the programs as first-stage choices; the best plan of a set of them.
- `outcomes`: a portfolio's exact value in every outcome; the sampled outcomes.
- `local_search`: the first stage; the exhaustive and the exact search for small ones.
- `bound`: the perfect-information upper bound.
- `naive`: the naive strategies and the out-of-sample comparison.
- `summary`: roles, probabilities, distribution and warnings of a portfolio.
- `apply`: the whole `apply` run and its report; `plot`: its picture.
"""

from rotation_solver.portfolio.apply import (
    PortfolioReport,
    application_dict,
    no_plan_reason,
    outcome_payload,
    outcome_plan,
    outcome_scenario,
    plan_portfolio,
)
from rotation_solver.portfolio.bound import OfferedPlans, perfect_information_bound
from rotation_solver.portfolio.candidates import (
    Candidate,
    PortfolioProblem,
    build_portfolio_problem,
    certain_scenario,
)
from rotation_solver.portfolio.local_search import (
    EXACT_CANDIDATES,
    EXHAUSTIVE_WORK,
    SearchResult,
    SearchTimeout,
    enumerated_search,
    exhaustive,
    expected_value_seed,
    search,
    with_application_room,
)
from rotation_solver.portfolio.naive import Comparison, compare, naive_portfolio
from rotation_solver.portfolio.outcomes import (
    NO_PLAN,
    Evaluator,
    PlanList,
    Table,
    evaluate,
    exact_value,
    offer_masks,
    outcome_probabilities,
    plan_list,
    sample_offers,
)
from rotation_solver.portfolio.plot import plot_distribution
from rotation_solver.portfolio.summary import (
    RISKY_NO_PLAN,
    histogram,
    no_plan_only_for_tier_mix,
    outcome_value_distribution,
    portfolio_warnings,
)
from rotation_solver.scenario.schema import MAX_APPLICATIONS

__all__ = [
    "EXACT_CANDIDATES",
    "EXHAUSTIVE_WORK",
    "MAX_APPLICATIONS",
    "NO_PLAN",
    "RISKY_NO_PLAN",
    "Candidate",
    "Comparison",
    "Evaluator",
    "OfferedPlans",
    "PlanList",
    "PortfolioProblem",
    "PortfolioReport",
    "SearchResult",
    "SearchTimeout",
    "Table",
    "application_dict",
    "build_portfolio_problem",
    "certain_scenario",
    "compare",
    "enumerated_search",
    "evaluate",
    "exact_value",
    "exhaustive",
    "expected_value_seed",
    "histogram",
    "naive_portfolio",
    "no_plan_only_for_tier_mix",
    "no_plan_reason",
    "offer_masks",
    "outcome_payload",
    "outcome_plan",
    "outcome_probabilities",
    "outcome_scenario",
    "outcome_value_distribution",
    "perfect_information_bound",
    "plan_list",
    "plan_portfolio",
    "plot_distribution",
    "portfolio_warnings",
    "sample_offers",
    "search",
    "with_application_room",
]
