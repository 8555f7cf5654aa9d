"""Re-prove what a "no plan" document says about its conflict (`rotation-solver check`).

The named rules must leave no plan together; when the document says `minimal`, lifting
any one of them must leave a plan; each rule's description, the cheapest plan without
the budget and every repair must be what this scenario gives. Repairs are re-solved
and compared by value and by the change they make (not by cost: tied best plans may
cost different amounts). A test the time limit stops claims nothing: the caller then
exits 4, never "valid".
"""

from __future__ import annotations

import re
from typing import Any

from rotation_solver.diagnose import (
    CONFLICT_TIMED_OUT,
    Conflict,
    Repair,
    conflict_reason,
    feasible_with,
    guarded_model,
    least_cost_worth,
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
    """A `conflict` that is there must be readable: a list of {rule, description}, flags
    of the right type, and repairs of rules the conflict names, one each."""
    if "conflict" not in document:
        return []
    conflict = document["conflict"]
    if not isinstance(conflict, dict):
        return ["conflict: expected an object {rules, minimal, repairs, ...}"]
    rules = conflict.get("rules")
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
    for key, allowed, expected in (
        ("minimal", (bool,), "true or false"),
        ("cheapest_plan_settled", (bool, type(None)), "true, false or null"),
        ("cheapest_plan_without_budget", (int, type(None)), "whole dollars or null"),
    ):
        value = conflict.get(key)
        # JSON true/false are Python ints too: dollars must not be a flag.
        wrong_flag = isinstance(value, bool) and bool not in allowed
        if key in conflict and (wrong_flag or not isinstance(value, allowed)):
            errors.append(f"conflict.{key}: expected {expected}, got {value!r}")
    if conflict.get("cheapest_plan_settled") is False and (
        conflict.get("cheapest_plan_without_budget") is not None
    ):
        errors.append(
            "conflict.cheapest_plan_without_budget: a cost is stated although "
            "cheapest_plan_settled is false (not settled: null)"
        )
    return errors + _repair_shape_errors(conflict.get("repairs", []))


def _repair_shape_errors(repairs: Any) -> list[str]:
    fields = "{rule, change, objective, total_cost, proven_optimal}"
    if not isinstance(repairs, list):
        return [f"conflict.repairs: expected a list of {fields}"]
    errors: list[str] = []
    seen: set[str] = set()
    for index, repair in enumerate(repairs):
        where = f"conflict.repairs[{index}]"
        if not (isinstance(repair, dict) and isinstance(repair.get("rule"), str)):
            errors.append(f"{where}: expected {fields} with a text rule")
            continue
        if repair["rule"] in seen:
            errors.append(f"{where}: a second repair of {repair['rule']}")
        seen.add(repair["rule"])
        if not isinstance(repair.get("change"), str):
            errors.append(f"{where}.change: expected text, got {repair.get('change')!r}")
        for key in ("objective", "total_cost"):
            value = repair.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                errors.append(f"{where}.{key}: expected a whole number or null, got {value!r}")
        proven = repair.get("proven_optimal")
        if proven is not None and not isinstance(proven, bool):
            errors.append(f"{where}.proven_optimal: expected true, false or null, got {proven!r}")
    return errors


# Until 2026-11-27 the words read "at least 2 radiology rotation(s)"; a document saved
# then is still right, so these nouns are compared without their plural ending.
_COUNTED_NOUN = re.compile(r"\b(rotation|program|offering)(?:\(s\)|s)(?!\w)")


def _same_words(said: object, expected: str) -> bool:
    """The document's text is the expected one, whichever way a count noun was written."""
    if said == expected:
        return True
    return isinstance(said, str) and (
        _COUNTED_NOUN.sub(r"\1", said) == _COUNTED_NOUN.sub(r"\1", expected)
    )


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
    if "conflict" not in document:
        return [], True  # nothing claimed beyond "no plan", which the caller re-proved
    if not keys:
        return _unnamed_errors(loaded, document, options)
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
    errors = [
        f"conflict.repairs[{index}]: repairs {repair['rule']!r}, which the conflict does not name"
        for index, repair in enumerate(conflict.get("repairs", []))
        if repair["rule"] not in keys
    ]
    for rule in conflict["rules"]:
        if isinstance(rule, dict) and rule.get("rule") in guards:
            want = checks.plan_model.rules[rule["rule"]].description
            if not _same_words(rule.get("description"), want):
                errors.append(
                    f"rule {rule['rule']}: the document describes it as "
                    f"{rule.get('description')!r}; this scenario's rule is {want!r}"
                )
    settled = True
    together = checks.leaves_a_plan(keys)
    if together is None:
        return errors, False
    if together:
        errors.append(
            f"the named rules ({', '.join(keys)}) do not conflict on their own: some plan "
            "meets them all"
        )
        return errors, True
    # The sentence the document gives the student, rebuilt from the named rules.
    rules = tuple(checks.plan_model.rules[key] for key in keys)
    open_locks = tuple(
        f"{program_id}@{start}"
        for program_id, start in checks.problem.locks
        if f"lock:{program_id}@{start}" not in keys
    )
    sentence = Conflict(
        rules, minimal, reason=conflict_reason(checks.problem, keys), open_locks=open_locks
    ).sentence()
    if not _same_words(document.get("why"), sentence):
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


def _unnamed_errors(
    loaded: LoadedScenario, document: dict[str, Any], options: SolveOptions
) -> tuple[list[str], bool]:
    """A conflict that names no rule: either the search ran out of time (which claims
    nothing), or no rule is to blame, so lifting every rule must still leave no plan."""
    errors = []
    if document["conflict"].get("repairs"):
        errors.append("conflict.repairs: the conflict names no rule, so there is nothing to repair")
    why = document.get("why")
    if why == CONFLICT_TIMED_OUT:
        return errors, True
    checks = _Checks(loaded, options, 1)
    lifted = checks.leaves_a_plan([])
    if lifted is None:
        return errors, False
    if lifted:
        errors.append(
            "the conflict names no rule, but lifting every rule leaves a plan: some of them "
            "conflict (`rotation-solver solve` names them)"
        )
        return errors, True
    reason = conflict_reason(checks.problem, [])
    expected = Conflict((), minimal=False, reason=reason).sentence()
    if not _same_words(why, expected):
        errors.append(f"why: the document says {why!r}; expected {expected!r}")
    return errors, True


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
    if budget is None and conflict.get("cheapest_plan_without_budget") is not None:
        # Only the budget's repair re-proves this cost (found by review: a made-up $5
        # passed beside a conflict of two clinical locks).
        errors.append(
            "conflict.cheapest_plan_without_budget: a cost is stated although the conflict "
            "does not name the budget (rotation-solver states it only then; otherwise null)"
        )
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
    claimed = [r for r in conflict.get("repairs", []) if r["rule"] in redone]
    clock = Clock.start(options)  # the costs get their own time, as the repairs had
    for index, repair in enumerate(claimed):
        error, known = _repair_error(repair, redone[repair["rule"]])
        if known and error is None:
            share = clock.share(len(claimed) - index)
            error, known = _repair_cost_error(repair, redone[repair["rule"]], share)
        settled = settled and known
        if error:
            errors.append(error)
    return errors, settled


def _repair_cost_error(
    claimed: dict[str, Any], again: Repair, clock: Clock
) -> tuple[str | None, bool]:
    """A proven repair's cost must be the least cost of a plan worth its value after the
    change: repairs settle ties as `solve` does, cheapest first (found by an oracle: a
    dearer plan of the same value passed, where any cost up to the budget was taken)."""
    objective = claimed.get("objective")
    if objective is None or again.repaired is None:
        return None, True
    cost, budget = claimed.get("total_cost"), again.repaired.budget
    if claimed.get("proven_optimal") is not True:
        # A plan found but not proven best: its value is only "at least", but its cost
        # still fits the changed budget like any plan's.
        if isinstance(cost, int) and 0 <= cost <= budget:
            return None, True
        return (
            f"repair of {claimed['rule']}: the document says its plan costs {_money(cost)}, "
            f"but after that change the budget is {_money(budget)}",
            True,
        )
    try:
        share = clock.left()
        least = least_cost_worth(
            again.repaired, objective, share.time_limit, share.seed, share.workers
        )
    except NotSettled:
        return None, False
    if least is not None and cost == least:
        return None, True
    span = "nothing: there is no such plan" if least is None else _money(least)
    return (
        f"repair of {claimed['rule']}: the document says its plan costs {_money(cost)}, but "
        f"the cheapest plan worth {objective} after that change costs {span} (ties go to "
        "the cheapest, as in `solve`)",
        True,
    )


def _repair_error(claimed: dict[str, Any], again: Repair) -> tuple[str | None, bool]:
    """(what is wrong with one stated repair, whether the re-solve could tell)."""
    rule, change = claimed["rule"], str(claimed.get("change", ""))
    objective = claimed.get("objective")
    if again.change.endswith(NOT_SETTLED) or (again.objective is not None and not again.proven):
        return None, False
    if change.endswith(NOT_SETTLED):
        # No claim about the plan, so no numbers either (solve writes null for both).
        claims = [key for key in ("objective", "total_cost") if claimed.get(key) is not None]
        if claims:
            return (
                f"repair of {rule}: the document says it was not settled, yet states "
                f"{' and '.join(claims)}; a repair not settled names no plan",
                True,
            )
        return None, True
    if again.objective is None:
        if objective is not None:
            return (
                f"repair of {rule}: the document says a plan worth {objective}, but relaxing "
                f"{rule} alone is not enough",
                True,
            )
        if change != again.change:  # what still stands in the way is named: it must hold
            return (
                f"repair of {rule}: the document says {change!r}; expected {again.change!r}",
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
