"""The scenario as the independent checker reads it: each program's catalog row as
written, with the extensions `offers`, `applied`, `locks` and `exclude` applied here,
from the scenario's own lists, and the fees already paid summed here.

The loader rewrites the rows the model plans with (an offer's starts and certainty, a
sent application's deadlines, a fee already paid). Reading those rewritten rows, the
checker would share that rewriting with the model, and a bug in it would pass the check
(found by review: a loader that zeroed every fee moved the optimum of a shipped scenario
from 300 to 302, and the checker, reading the same rows, agreed). So the rules, as the
scenario format documents them, are applied a second time here, on purpose, from the
rows as written (`LoadedScenario.catalog`), and so are `apply`'s answers to offers,
written as a student would (accepted under `locks`, declined under `exclude`). A
scenario the planner makes itself (an offer outcome, a catalog made certain) has no rows
as written (`catalog` empty): its rows are its own, read as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rotation_solver.scenario import LoadedScenario, Program


@dataclass(frozen=True)
class CheckedInputs:
    """Each program's row as the rules make it, and what the extensions say."""

    programs: dict[str, Program]
    offered: frozenset[tuple[str, date]]  # offers in hand: (program, start)
    sent: dict[str, tuple[date, ...]]  # applications sent, still open: the starts named
    refused: frozenset[str]  # applications sent and refused or withdrawn
    paid_fees: int  # in every plan's total cost


def checked_inputs(loaded: LoadedScenario) -> CheckedInputs:
    """The rows and extensions as the checker reads them (see the module's docstring)."""
    if not loaded.catalog:
        return CheckedInputs(
            {program.id: program for program in loaded.programs},
            frozenset((offer.program, offer.start) for offer in loaded.offers),
            {application.program: application.starts for application in loaded.applied},
            frozenset(loaded.refused),
            loaded.paid_fees,
        )
    scenario = loaded.scenario
    rows = {program.id: program for program in loaded.catalog}
    locked = {lock.program for lock in loaded.locks}
    exclude = set(loaded.exclude)
    # An offer of a program accepted (locked) is answered: the lock is the rotation; one
    # of a program excluded is declined.
    offered = {
        (o.program, o.start)
        for o in scenario.offers
        if o.program not in locked and o.program not in exclude
    }
    offered_programs = {program_id for program_id, _ in offered}
    sent: dict[str, set[date]] = {}
    refused: set[str] = set()
    for application in scenario.applied:
        program_id = application.program
        if program_id in exclude:
            refused.add(program_id)  # refused, withdrawn, or its offer declined
        elif program_id not in locked and program_id not in offered_programs:
            # Without `starts`, the application names every start of the program.
            named = application.starts or rows[program_id].starts
            sent.setdefault(program_id, set()).update(named)
    # A fee is paid once an application went out: every program listed under `offers`
    # or `applied`, whatever the answer (sent, refused, offered, accepted, declined).
    paid = {o.program for o in scenario.offers} | {a.program for a in scenario.applied}
    programs = {}
    for program_id, row in rows.items():
        update: dict[str, Any] = {}
        if program_id in offered_programs or program_id in sent:
            # Nothing left to apply for: no deadline or document rules it out.
            update = {
                "application_opens": min(row.application_opens, scenario.planning_date),
                "application_deadline": None,
                "deadline_weeks_before_start": None,
                "requires": [],
            }
        if program_id in offered_programs:
            # Only the offered starts, certain, and open to this student.
            starts = sorted(start for pid, start in offered if pid == program_id)
            update |= {"starts": starts, "acceptance": Decimal(1), "accepts_img": True}
        if program_id in paid:
            update["fee"] = 0  # counted once, in `paid_fees`
        programs[program_id] = row.model_copy(update=update) if update else row
    return CheckedInputs(
        programs,
        frozenset(offered),
        {program_id: tuple(sorted(starts)) for program_id, starts in sent.items()},
        frozenset(refused),
        sum(rows[program_id].fee for program_id in paid),
    )
