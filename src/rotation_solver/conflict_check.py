"""Re-prove what a "no plan" document says about its conflict (`rotation-solver check`).

The named rules must leave no plan together; when the document says `minimal`, lifting
any one of them must leave a plan; each rule's description, the cheapest plan without
the budget and every repair must be what this scenario gives. Repairs are re-solved
and compared by value and by the change they make (not by cost: tied best plans may
cost different amounts). A test the time limit stops claims nothing: the caller then
exits 4, never "valid".
"""

from __future__ import annotations

from typing import Any

from rotation_solver.diagnose import (
    Conflict,
    Repair,
    feasible_with,
    guarded_model,
    lock_overlap,
)
from rotation_solver.model import Rule
from rotation_solver.problem import build_problem
from rotation_solver.repairs import suggest_repairs
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import NOT_SETTLED, Clock, NotSettled, SolveOptions


def named_rules(document: dict[str, Any]) -> list[str]:
    """The rule keys a document's `conflict` names (none when it is malformed)."""
    conflict = document.get("conflict")
    rules = conflict.get("rules") if isinstance(conflict, dict) else None
    if not isinstance(rules, list):
        return []
    return [r["rule"] for r in rules if isinstance(r, dict) and isinstance(r.get("rule"), str)]


def _shape_errors(document: dict[str, Any]) -> list[str]:
    """A `conflict` that is there must be readable: a list of {rule, description}."""
    if "conflict" not in document:
        return []
    conflict = document["conflict"]
    rules = conflict.get("rules") if isinstance(conflict, dict) else None
    if not isinstance(rules, list):
        return ["conflict.rules: expected a list of {rule, description}"]
    errors = [
        f"conflict.rules[{index}]: expected {{rule, description}} with a text rule"
        for index, rule in enumerate(rules)
        if not (isinstance(rule, dict) and isinstance(rule.get("rule"), str))
    ]
    keys = named_rules(document)
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        errors.append(f"conflict.rules: {', '.join(twice)} named more than once")
    return errors


def _core(change: str) -> str:
    """The change itself, without what follows about the plan (which ties may vary)."""
    for mark in (" (", ":"):
        change = change.split(mark, 1)[0]
    return change


class _Checks:
    def __init__(self, loaded: LoadedScenario, options: SolveOptions, tests: int):
        self.loaded = loaded
        self.options = options
        self.problem = build_problem(loaded, relax_user_rules=True)
        self.plan_model = guarded_model(loaded, self.problem)
        self.clock = Clock.start(options)  # after building: the tests get the time
        self.tests_left = tests

    def leaves_a_plan(self, rules: list[str]) -> bool | None:
        """None when the time limit stopped the test (each gets a fair share)."""
        share = self.clock.share(self.tests_left)
        self.tests_left = max(1, self.tests_left - 1)
        try:
            limit = share.left().time_limit
        except NotSettled:
            return None
        options = self.options
        return feasible_with(self.plan_model, rules, limit, options.seed, options.workers)


def conflict_errors(
    loaded: LoadedScenario, document: dict[str, Any], options: SolveOptions
) -> tuple[list[str], bool]:
    """(what is wrong with the document's conflict, whether every test was settled)."""
    shape = _shape_errors(document)
    if shape:
        return shape, True
    keys = named_rules(document)
    if not keys:
        return [], True
    conflict = document["conflict"]
    minimal = conflict.get("minimal") is True
    # The "together" test first, with half the time when the minimality tests follow.
    checks = _Checks(loaded, options, 2 if minimal else 1)
    guards = checks.plan_model.guards
    unknown = [key for key in keys if key not in guards]
    if unknown:
        locks = [key.removeprefix("lock:") for key in unknown if key.startswith("lock:")]
        hint = (
            f"; if the plan was solved with --lock {' --lock '.join(locks)}, pass the same to check"
            if locks
            else ""
        )
        known = ", ".join(guards)
        return [f"rules {', '.join(unknown)} are not rules of this scenario ({known}){hint}"], True
    errors: list[str] = []
    for rule in conflict["rules"]:
        if isinstance(rule, dict) and rule.get("rule") in guards:
            want = checks.plan_model.rules[rule["rule"]].description
            if rule.get("description") != want:
                errors.append(
                    f"rule {rule['rule']}: the document describes it as "
                    f"{rule.get('description')!r}; this scenario's rule is {want!r}"
                )
    settled = True
    together = checks.leaves_a_plan(keys)
    if together is None:
        return errors, False
    if together:
        errors.append(f"the named rules ({', '.join(keys)}) leave a plan on their own")
        return errors, True
    # The sentence the document gives the student, rebuilt from the named rules.
    rules = tuple(checks.plan_model.rules[key] for key in keys)
    open_locks = tuple(
        f"{program_id}@{start}"
        for program_id, start in checks.problem.locks
        if f"lock:{program_id}@{start}" not in keys
    )
    sentence = Conflict(
        rules, minimal, reason=lock_overlap(checks.problem, keys), open_locks=open_locks
    ).sentence()
    if document.get("why") != sentence:
        errors.append(f"why: the document says {document.get('why')!r}; expected {sentence!r}")
    if minimal:
        checks.tests_left = len(keys)
        for key in keys:
            lifted = checks.leaves_a_plan([k for k in keys if k != key])
            if lifted is None:
                settled = False
            elif not lifted:
                errors.append(f"said to be minimal, but the rules still conflict without {key}")
    if errors:
        return errors, settled
    more_errors, more_settled = _derived_claims(loaded, conflict, keys, minimal, options)
    return errors + more_errors, settled and more_settled


def _derived_claims(
    loaded: LoadedScenario,
    conflict: dict[str, Any],
    keys: list[str],
    minimal: bool,
    options: SolveOptions,
) -> tuple[list[str], bool]:
    """The repairs, re-solved, and the cheapest plan without the budget, which the
    budget's repair finds (it raises the budget to exactly that cost)."""
    rules = tuple(Rule(key, key) for key in keys)
    redone = {r.rule: r for r in suggest_repairs(loaded, Conflict(rules, minimal), options)}
    errors: list[str] = []
    settled = True
    budget = redone.get("budget")
    if budget is not None and conflict.get("cheapest_plan_settled") is not False:
        stated = conflict.get("cheapest_plan_without_budget")
        if budget.change.endswith(NOT_SETTLED):
            settled = False
        else:
            cheapest = None if budget.repaired is None else budget.repaired.budget
            if stated != cheapest:
                errors.append(
                    f"the cheapest plan without the budget costs {_money(cheapest)}, not "
                    f"{_money(stated)}"
                )
    for repair in conflict.get("repairs") or []:
        if not isinstance(repair, dict) or repair.get("rule") not in redone:
            continue
        error, known = _repair_error(repair, redone[repair["rule"]])
        settled = settled and known
        if error:
            errors.append(error)
    return errors, settled


def _repair_error(claimed: dict[str, Any], again: Repair) -> tuple[str | None, bool]:
    """(what is wrong with one stated repair, whether the re-solve could tell)."""
    rule, change = claimed["rule"], str(claimed.get("change", ""))
    objective = claimed.get("objective")
    if again.change.endswith(NOT_SETTLED) or (again.objective is not None and not again.proven):
        return None, False
    if change.endswith(NOT_SETTLED):
        return None, True  # the document made no claim
    if again.objective is None:
        if objective is not None:
            return (
                f"repair of {rule}: the document says a plan worth {objective}, but relaxing "
                f"{rule} alone is not enough",
                True,
            )
        return None, True
    if objective is None:
        return (
            f"repair of {rule}: the document says relaxing it is not enough, but "
            f"{_core(again.change)} gives a plan worth {again.objective}",
            True,
        )
    proven = claimed.get("proven_optimal") is True
    if (objective != again.objective) if proven else (objective > again.objective):
        return (
            f"repair of {rule}: the document says worth {objective}, but the re-solved repair "
            f"is worth {again.objective}",
            True,
        )
    if _core(change) != _core(again.change):
        return (
            f"repair of {rule}: the document says {_core(change)!r}, but the least change that "
            f"works is {_core(again.change)!r}",
            True,
        )
    return None, True


def _money(amount: Any) -> str:
    return f"${amount:,}" if isinstance(amount, int) else "none"
