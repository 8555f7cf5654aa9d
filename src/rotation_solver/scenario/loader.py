"""Load a scenario file, its catalog and its value model into one checked, immutable object."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from rotation_solver import files
from rotation_solver.errors import InputError, OutputError, Problem
from rotation_solver.scenario.catalog import Catalog, CatalogRow, read_catalog, read_inline
from rotation_solver.scenario.documents import CATALOG_SUFFIXES, Document, read_document
from rotation_solver.scenario.messages import describe, style_of
from rotation_solver.scenario.numbers import shown
from rotation_solver.scenario.schema import (
    DEFAULT_CLINICAL_SPECIALTIES,
    MAX_APPLICATIONS,
    Lock,
    Program,
    Scenario,
)
from rotation_solver.scenario.value_model import ValueModel, available_models, resolve_model_path


def _field_names(model: type[BaseModel], seen: set[str]) -> set[str]:
    names: set[str] = set()
    if model.__name__ in seen:
        return names
    seen.add(model.__name__)
    for name, field in model.model_fields.items():
        names.add(name)
        for arg in _model_args(field.annotation):
            names |= _field_names(arg, seen)
    return names


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out = []
    for arg in getattr(annotation, "__args__", ()):
        out.extend(_model_args(arg))
    return out


_VOCABULARY = sorted(_field_names(Scenario, set()) | _field_names(ValueModel, set()))


def _keys_at(root: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The keys allowed where `path` points (its parent's fields), for suggestions."""
    models = [root]
    for part in path:
        if isinstance(part, int):
            continue  # a list item: the same model(s)
        fields = [m.model_fields[part] for m in models if part in m.model_fields]
        models = [arg for f in fields for arg in _model_args(f.annotation)]
        if not models:
            return _VOCABULARY
    return sorted({name for m in models for name in m.model_fields})


def validation_problems(
    error: ValidationError, doc: Document, root: type[BaseModel] = Scenario
) -> list[Problem]:
    """Turn pydantic's errors into located problems."""
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        # A union (e.g. `programs: str | list`) reports per member; name the field once.
        loc = tuple(p for p in loc if p != "str" and not str(p).startswith("list["))
        message = describe(item, _keys_at(root, loc[:-1]), style=style_of(doc.path))
        problems.append(
            doc.problem(loc, message, key=item["type"] in ("extra_forbidden", "missing"))
        )
    unique = list(dict.fromkeys(problems))
    return unique


@dataclass(frozen=True)
class ResolvedRequirements:
    """The plan shape after spec section 5's defaults are applied."""

    radiology_min: int
    radiology_max: int
    clinical_min: int
    clinical_max: int
    clinical_specialties: tuple[str, ...]
    max_rotations: int
    tier_mix: bool
    min_gap_days: int
    affordable_housing_per_week: int | None = None
    high_cost_rest_days: int = 0
    apply_by_start: bool = False
    # Not a scenario key: `apply`'s cap on the applications a plan needs (its rotations
    # other than accepted offers and offers in hand), for its re-solves.
    applications_max: int | None = None


def interview_season_end(eras_submission: date) -> date:
    """The last day a rotation can still help this cycle: the guide's late window is
    "Oct-Jan" after a September submission, so the end of the fourth month after the
    submission's month. The season follows the cycle, not the day the student submits:
    a June-September submission gets the whole season, to the January 31 after it
    (found by a guide audit: an August submission ended it on December 31, and a
    December rotation was called too late)."""
    month = eras_submission.month + 4  # 5..16
    year = eras_submission.year + (1 if month > 12 else 0)
    month = month - 12 if month > 12 else month
    first_of_next = date(year + (1 if month == 12 else 0), month % 12 + 1, 1)
    season_end = first_of_next - timedelta(days=1)
    if 6 <= eras_submission.month <= 9:
        return max(season_end, date(eras_submission.year + 1, 1, 31))
    return season_end


# How `interview_season_end` is read, for the warnings that name it.
SEASON_WORDS = (
    "the guide's Oct-Jan after a September submission: the January 31 after a "
    "June-September ERAS, else the end of the fourth month after the ERAS month"
)


@dataclass(frozen=True)
class SentApplication:
    """An application already sent and not yet answered (scenario `applied`), with the
    starts it lists (every start of the program when it lists none)."""

    program: str
    starts: tuple[date, ...]
    # False when no start it names can be in a plan (a note says why): it cannot lead
    # to a rotation, though its fee is paid.
    usable: bool = True
    # The starts it names that can never be in a plan (window, blocked, specialty).
    ruled_out: tuple[date, ...] = ()
    # Why it cannot lead to a rotation, when it cannot ("" when usable).
    unusable_because: str = ""


@dataclass(frozen=True)
class LoadedScenario:
    """A scenario with its catalog and value model, checked and ready to plan."""

    path: Path
    scenario: Scenario
    programs: tuple[Program, ...]
    value_model: ValueModel
    value_model_name: str
    locks: tuple[Lock, ...]
    exclude: tuple[str, ...]
    requirements: ResolvedRequirements
    warnings: tuple[str, ...]
    # Offers received, not accepted: their catalog rows already say so (see `_as_offered`).
    offers: tuple[Lock, ...] = ()
    # Applications sent, not answered: their rows already say so too (see `_as_sent`).
    applied: tuple[SentApplication, ...] = ()
    # Applications sent that are refused or withdrawn (under both `applied` and
    # `exclude`): never planned, their fee paid.
    refused: tuple[str, ...] = ()
    # Fees already paid (applications sent or refused, offers in hand, locks still listed
    # under either), by program: counted once against the budget whatever the plan, so
    # those rows carry fee 0.
    paid: tuple[tuple[str, int], ...] = ()
    # The catalog's rows as written, before the extensions rewrite them (`programs`), for
    # the independent checker to apply the extensions itself (`check_inputs`). Empty for
    # a scenario the planner makes (an offer outcome, a catalog made certain): its rows
    # are its own.
    catalog: tuple[Program, ...] = ()

    @property
    def budget(self) -> int:
        return self.scenario.budget

    @property
    def paid_fees(self) -> int:
        """The fees already paid, in every plan's total cost."""
        return sum(fee for _, fee in self.paid)

    def fee_paid(self, program_id: str) -> int:
        """The fee paid to a program (0 if none was, or it is counted in a lock's cost)."""
        return dict(self.paid).get(program_id, 0)

    def with_budget(self, budget: int) -> LoadedScenario:
        """The same scenario at another budget (what-if comparisons)."""
        return dataclasses.replace(
            self, scenario=self.scenario.model_copy(update={"budget": budget})
        )

    def program(self, program_id: str) -> Program:
        for program in self.programs:
            if program.id == program_id:
                return program
        raise KeyError(program_id)


def resolve_requirements(scenario: Scenario) -> ResolvedRequirements:
    """Spec section 5 defaults."""
    given = scenario.requirements
    home = scenario.student.radiology_exposure == "home_department"
    return ResolvedRequirements(
        radiology_min=given.radiology.min
        if given.radiology.min is not None
        else (1 if home else 2),
        radiology_max=given.radiology.max if given.radiology.max is not None else 3,
        clinical_min=given.clinical.min if given.clinical.min is not None else 1,
        clinical_max=given.clinical.max if given.clinical.max is not None else 1,
        clinical_specialties=tuple(
            given.clinical.specialties
            if given.clinical.specialties is not None
            else DEFAULT_CLINICAL_SPECIALTIES
        ),
        max_rotations=given.max_rotations if given.max_rotations is not None else 4,
        tier_mix=given.tier_mix,
        min_gap_days=scenario.calendar.min_gap_days,
        affordable_housing_per_week=given.affordable_housing_per_week,
        high_cost_rest_days=given.high_cost_rest_days,
        apply_by_start=given.apply_by_start,
    )


def _count_bounds(scenario: Scenario, doc: Document) -> list[Problem]:
    # One bound given, the other defaulted, can still cross (e.g. radiology max 1 only).
    problems = []
    resolved = resolve_requirements(scenario)
    for kind, low, high in (
        ("radiology", resolved.radiology_min, resolved.radiology_max),
        ("clinical", resolved.clinical_min, resolved.clinical_max),
    ):
        if low > high:
            problems.append(
                doc.problem(
                    ("requirements", kind),
                    f"min {low} is greater than max {high} (after defaults: radiology min "
                    "1 with a home department else 2, max 3; clinical min 1, max 1)",
                )
            )
    return problems


def _case_twins(catalog: Catalog) -> list[str]:
    """Ids that differ only in capitals are two programs (ids are exact), which is
    rarely meant (a fuzz review: RAD-LAKESHORE beside rad-lakeshore loaded silently)."""
    first: dict[str, CatalogRow] = {}
    notes = []
    for row in catalog.rows:
        twin = first.setdefault(row.program.id.casefold(), row)
        if twin.program.id != row.program.id:
            where = (
                f" ({row.line_word}s {twin.line} and {row.line})" if row.line and twin.line else ""
            )
            notes.append(
                f"{twin.file}: program ids {twin.program.id!r} and {row.program.id!r}{where} "
                "differ only in capitals; they are two programs, one row each"
            )
    return notes


def _cross_checks(
    scenario: Scenario,
    doc: Document,
    catalog: Catalog,
    cli_locks: Iterable[Lock],
    cli_exclude: Iterable[str],
) -> tuple[tuple[Lock, ...], tuple[str, ...], list[Problem]]:
    problems: list[Problem] = []
    first_row: dict[str, Any] = {}
    missing_documents: dict[str, list[CatalogRow]] = {}
    for row in catalog.rows:
        program = row.program
        if program.id in first_row:
            where = first_row[program.id]
            problems.append(
                row.problem(
                    "id",
                    f"duplicate program id {program.id!r} (first at {where.line_word} "
                    f"{where.line})",
                )
            )
        else:
            first_row[program.id] = row
        for name in program.requires:
            if name not in scenario.documents:
                missing_documents.setdefault(name, []).append(row)
    # One problem per unknown document, not one per row that needs it.
    known = ", ".join(sorted(scenario.documents)) or "none: `documents` is empty or missing"
    for name, rows in missing_documents.items():
        more = f" (and {len(rows) - 1} more rows)" if len(rows) > 1 else ""
        parts = [part.strip() for part in name.split(",")]
        # "transcript, bls" is two known names joined the CSV way, not one unknown name.
        joined = (
            "; separate several documents with ';'"
            if len(parts) > 1 and all(part in scenario.documents for part in parts)
            else ""
        )
        # A near miss ("dean_letter" for "deans_letter"), as for program ids (found by
        # review: the list was given, the likely one not).
        close = difflib.get_close_matches(name, sorted(scenario.documents), n=1, cutoff=0.75)
        # Found by a student's review: 'step1_score' was asked if it meant 'step2ck_score',
        # another document; a new one is added under `documents` with its ready date.
        new = f"add `{name}: YYYY-MM-DD` (the day it is ready) under `documents`"
        if close and not joined:
            joined = f"; did you mean {close[0]!r}? If it is another document, {new}"
        elif not joined:
            joined = f"; if it is another document, {new}"
        problems.append(
            rows[0].problem(
                "requires",
                f"unknown document {name!r}{more}; expected one of the keys of "
                f"`documents` in the scenario ({known}){joined}",
            )
        )
    known_ids = sorted(first_row)

    def unknown(program_id: str) -> str:
        return unknown_program(program_id, known_ids)

    locks: list[Lock] = []
    locked_at: dict[str, Problem] = {}  # where each accepted lock was written
    # (lock, where its program is written, where its start is written)
    sources: list[tuple[Lock, Problem, Problem]] = []
    for index, lock in enumerate(scenario.locks):
        program_at = doc.problem(("locks", index, "program"), "")
        sources.append((lock, program_at, doc.problem(("locks", index, "start"), "")))
    for lock in cli_locks:
        cli_at = Problem("--lock", "", field=f"{lock.program}@{lock.start}")
        sources.append((lock, cli_at, cli_at))
    for lock, here, start_at in sources:

        def at(message: str, here: Problem = here) -> Problem:
            return Problem(here.file, message, here.line, here.column, here.field)

        if lock.program not in first_row:
            problems.append(at(unknown(lock.program)))
            continue
        offered = first_row[lock.program].program.starts
        if lock.start not in offered:
            problems.append(
                at(
                    _no_such_start(lock.program, lock.start, offered, offer=True),
                    start_at,  # the start is what is wrong, as for an offer
                )
            )
            continue
        if any(o.program == lock.program and o.start == lock.start for o in locks):
            continue  # the same accepted offer written twice
        # Two starts of one program are valid input (spec section 5 names no such error):
        # a plan holds one rotation per program, so there is no plan and exit 3 says why.
        locks.append(lock)
        locked_at.setdefault(lock.program, here)
    exclude: list[str] = []
    excluded_by: dict[str, str] = {}  # where each exclusion was written, for the message
    for index, program_id in enumerate(scenario.exclude):
        if program_id not in first_row:
            problems.append(doc.problem(("exclude", index), unknown(program_id)))
        elif program_id not in exclude:
            exclude.append(program_id)
            excluded_by[program_id] = f"exclude: in {doc.path.name}"
    for program_id in cli_exclude:
        if program_id not in first_row:
            problems.append(Problem("--exclude", unknown(program_id), field=program_id))
        elif program_id not in exclude:
            exclude.append(program_id)
            excluded_by[program_id] = "--exclude"
    for program_id, here in locked_at.items():  # once per program, however many locks
        if program_id in exclude:
            problems.append(
                Problem(
                    here.file,
                    f"program {program_id!r} is both locked and excluded (by "
                    f"{excluded_by[program_id]}); keep one (to give up an accepted offer, "
                    "move it from locks to applied and keep it under exclude, so that its "
                    "fee still counts)",
                    here.line,
                    here.column,
                    here.field,
                )
            )
    return tuple(locks), tuple(exclude), problems


def unknown_program(program_id: str, known_ids: list[str]) -> str:
    """An unknown id, with the catalog id it most likely meant."""
    close = difflib.get_close_matches(program_id, known_ids, n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    parts = [part.strip() for part in program_id.split(",")]
    if len(parts) > 1 and all(part in known_ids for part in parts):
        # `--exclude a,b` (found by review): one id per entry.
        hint = "; name one program per entry (repeat the option, or one list item each)"
    return f"unknown program id {program_id!r}{hint}"


def _no_such_start(
    program_id: str, start: date, starts: Iterable[date], *, offer: bool = False
) -> str:
    """A lock, an offer or an application naming a start the program does not offer;
    `offer`: the program named the date (a lock or an offer), which the catalog may lack."""
    offered = ", ".join(str(d) for d in sorted(set(starts)))
    said = f"program {program_id!r} does not offer a start on {start}; it offers {offered}"
    if offer:
        # Found by a student's review: an offer for a date the listing did not show.
        said += "; if the program offered this date, add it to the program's starts in the catalog"
    return said


def _offers(
    scenario: Scenario,
    doc: Document,
    catalog: Catalog,
    locks: tuple[Lock, ...],
    exclude: tuple[str, ...],
    by_option: Collection[str] = (),
) -> tuple[tuple[Lock, ...], list[str], list[Problem]]:
    """The `offers` that stand, notes about the ones a lock already takes, and problems
    (an unknown program or start, an offer of an excluded program; `by_option`: the ones
    excluded with --exclude, so that the message says where the exclusion came from)."""
    rows = {row.program.id: row.program for row in catalog.rows}
    locked = {lock.program for lock in locks}
    offers: list[Lock] = []
    notes: list[str] = []
    problems: list[Problem] = []
    for index, offer in enumerate(scenario.offers):
        where = ("offers", index, "program")
        program = rows.get(offer.program)
        if program is None:
            problems.append(doc.problem(where, unknown_program(offer.program, sorted(rows))))
        elif offer.start not in program.starts:
            problems.append(
                doc.problem(
                    ("offers", index, "start"),
                    _no_such_start(offer.program, offer.start, program.starts, offer=True),
                )
            )
        elif offer.program in exclude:
            # Found by review: an --exclude on the command line was reported at the offer's
            # line without a word about the option.
            how = _excluded_how(offer.program, scenario, by_option)
            problems.append(
                doc.problem(
                    where,
                    f"program {offer.program!r} is both offered and excluded{how}; keep one "
                    "(to decline the offer, move it from offers to applied and keep it under "
                    "exclude, so that its fee still counts)",
                )
            )
        elif offer.program in locked:
            at = ", ".join(str(lock.start) for lock in locks if lock.program == offer.program)
            notes.append(
                f"offers: {offer.program} is locked (accepted) at {at}, so its offer at "
                f"{offer.start} is left out; its fee counts among the fees already paid"
            )
        elif offer not in offers:
            offers.append(offer)
            notes += _unplannable_offer(scenario, program, offer)
        else:  # found by review: merged without a word, where a repeated lock warns
            notes.append(
                f"offers: {offer.program} at {offer.start} is listed more than once; it counts once"
            )
    return tuple(offers), notes, problems


def _never_planned(scenario: Scenario, program: Program, start: date) -> list[str]:
    """Why a rotation at `start` can never be in a plan, whatever the answers: outside the
    window, on a blocked period, or of a specialty the rules do not ask for."""
    end = start + timedelta(days=7 * program.weeks - 1)
    window = scenario.calendar.window
    why = []
    if start < window.start or end > window.end:
        why.append(f"outside the window {window.start}..{window.end}")
    why += [
        f"touches the blocked period {b.start}..{b.end}"
        for b in scenario.calendar.blocked
        if start <= b.end and b.start <= end
    ]
    rules = resolve_requirements(scenario)
    if program.specialty == "radiology":
        if rules.radiology_max == 0:
            why.append("radiology, which requirements.radiology.max 0 rules out")
    elif program.specialty not in rules.clinical_specialties:
        # Found by review: an offer of a specialty not asked for was left out unsaid.
        why.append(f"of specialty {program.specialty}, which the rules do not ask for")
    elif rules.clinical_max == 0:
        why.append("clinical, which requirements.clinical.max 0 rules out")
    return why


def _unplannable_offer(scenario: Scenario, program: Program, offer: Lock) -> list[str]:
    """A note when an offer can never be in a plan (outside the window, on a blocked
    period, a specialty not asked for): the offer replaces the program's other starts,
    so it would vanish unsaid."""
    why = _never_planned(scenario, program, offer.start)
    end = offer.start + timedelta(days=7 * program.weeks - 1)
    if not why:
        if offer.start < scenario.planning_date:
            # Found by review: an unanswered offer whose rotation had begun was planned
            # without a word (a lock in progress is an accepted rotation; this is not).
            over = "is over" if end < scenario.planning_date else "has begun"
            return [
                f"offers: {offer.program} at {offer.start}..{end} {over} by the planning "
                f"date {scenario.planning_date}, yet the offer is unanswered: check the "
                "dates, or answer it (an accepted offer goes under `locks:`)"
            ]
        return []
    return [
        f"offers: {offer.program} at {offer.start}..{end} {' and '.join(why)}, so no plan can "
        "take it (and the program's other starts are not offered)"
    ]


def _excluded_how(program_id: str, scenario: Scenario, by_option: Collection[str]) -> str:
    """Where an exclusion came from, when it was the command line's --exclude."""
    if program_id in by_option and program_id not in scenario.exclude:
        return " (by --exclude on the command line)"
    return ""


def _applied(
    scenario: Scenario,
    doc: Document,
    catalog: Catalog,
    locks: tuple[Lock, ...],
    exclude: tuple[str, ...],
    offers: tuple[Lock, ...],
) -> tuple[tuple[SentApplication, ...], tuple[str, ...], list[str], list[Problem]]:
    """The `applied` entries that stand (one per program, their starts merged), the
    programs applied to and excluded (refused or withdrawn), notes about the ones an
    answer already settles (a lock or an offer in hand), and problems (an unknown
    program or start)."""
    rows = {row.program.id: row.program for row in catalog.rows}
    locked = {lock.program for lock in locks}
    offered = {offer.program for offer in offers}
    starts_of: dict[str, set[date]] = {}
    refused: list[str] = []
    notes: list[str] = []
    problems: list[Problem] = []
    for index, application in enumerate(scenario.applied):
        program = rows.get(application.program)
        if program is None:
            problems.append(
                doc.problem(
                    ("applied", index, "program"),
                    unknown_program(application.program, sorted(rows)),
                )
            )
            continue
        listed = application.starts
        if listed is not None and not listed:
            problems.append(
                doc.problem(
                    ("applied", index, "starts"),
                    "lists no start; list the starts the application names, or leave "
                    "`starts` out for every start of the program",
                )
            )
            continue
        wrong = [
            doc.problem(
                ("applied", index, "starts", k), _no_such_start(program.id, start, program.starts)
            )
            for k, start in enumerate(listed or ())
            if start not in program.starts
        ]
        if wrong:
            problems.extend(wrong)
        elif program.id in exclude:
            # Refused, withdrawn, or an offer declined: never planned, its fee paid.
            if program.id not in refused:
                refused.append(program.id)
        elif program.id in locked:
            notes.append(
                f"applied: {program.id} is locked (accepted), so its application is "
                "answered and left out; its fee counts among the fees already paid"
            )
        elif program.id in offered:
            notes.append(
                f"applied: {program.id} has made an offer (under offers), so its "
                "application is answered and left out"
            )
        else:
            if program.id in starts_of:  # found by review: merged without a word
                notes.append(
                    f"applied: {program.id} is listed more than once; its starts are merged "
                    "and its fee counts once"
                )
            starts_of.setdefault(program.id, set()).update(listed or program.starts)
    if len(starts_of) > MAX_APPLICATIONS:
        # `apply` values every outcome of a portfolio that holds them all.
        problems.append(
            doc.problem(
                ("applied",),
                f"{len(starts_of)} programs applied to; at most {MAX_APPLICATIONS} are supported",
            )
        )
    unusable: dict[str, str] = {}
    ruled_out: dict[str, tuple[date, ...]] = {}
    for program_id, starts in starts_of.items():
        # Found by review: only `apply` said so ("applications sent that no plan can use").
        ordered = sorted(starts)
        reasons = [_never_planned(scenario, rows[program_id], start) for start in ordered]
        ruled_out[program_id] = tuple(
            start for start, why in zip(ordered, reasons, strict=True) if why
        )
        if all(reasons):
            why = "; ".join(sorted({reason for listed in reasons for reason in listed}))
            named = (
                "that the application names"
                if any(a.program == program_id and a.starts for a in scenario.applied)
                else "it offers"
            )
            unusable[program_id] = f"no start {named} can be in a plan ({why})"
            notes.append(
                f"applied: no start of {program_id} {named} can be in a plan ({why}), so it "
                "cannot lead to a rotation; its fee still counts"
            )
    for program_id, starts in starts_of.items():
        # Found by review: an application still unanswered for a rotation already under
        # way was planned without a word, where an offer's gets one.
        begun = [
            start
            for start in sorted(starts)
            if start < scenario.planning_date and start not in ruled_out[program_id]
        ]
        if begun and program_id not in unusable:
            days = ", ".join(str(start) for start in begun)
            weeks = rows[program_id].weeks
            last_day = max(begun) + timedelta(days=7 * weeks - 1)
            state = "over" if last_day < scenario.planning_date else "under way"
            which = "rotation starting {} is" if len(begun) == 1 else "rotations starting {} are"
            notes.append(
                f"applied: {program_id}'s {which.format(days)} {state} by the planning date "
                f"{scenario.planning_date}, yet the application is unanswered: check the "
                "dates, or record the answer (an offer under `offers:`, a refusal under "
                "`exclude:` too)"
            )
    if scenario.student.school_type == "img":
        for program_id in starts_of:
            if not rows[program_id].accepts_img:
                unusable[program_id] = (
                    "it does not take visiting students from IMG schools (accepts_img is false)"
                )
                notes.append(
                    f"applied: {program_id} does not take visiting students from IMG "
                    "schools (accepts_img is false), so this application cannot lead to a "
                    "rotation"
                )
    sent = tuple(
        SentApplication(
            pid,
            tuple(sorted(s)),
            usable=pid not in unusable,
            ruled_out=ruled_out[pid],
            unusable_because=unusable.get(pid, ""),
        )
        for pid, s in starts_of.items()
    )
    return sent, tuple(refused), notes, problems


def _as_sent(program: Program, scenario: Scenario, sent: tuple[SentApplication, ...]) -> Program:
    """A program's row as a pending application makes it: nothing left to apply for (no
    deadline or document can rule it out) and its fee paid (counted in `paid_fees`); its
    acceptance stays, since the answer is still to come. The starts the application
    does not name stay in the row, ruled out when the catalog is expanded, so that
    they are said to be unnamed rather than missing."""
    for application in sent:
        if application.program == program.id:
            return program.model_copy(
                update={
                    "application_opens": min(program.application_opens, scenario.planning_date),
                    "application_deadline": None,
                    "deadline_weeks_before_start": None,
                    "requires": [],
                    "fee": 0,
                }
            )
    return program


def _paid(program: Program, paid: set[str]) -> Program:
    """A refused application's row: its fee is in `paid_fees`."""
    return program.model_copy(update={"fee": 0}) if program.id in paid else program


def _as_offered(program: Program, scenario: Scenario, offers: tuple[Lock, ...]) -> Program:
    """An offered program's row as the offer makes it: only the offered starts, certain
    (acceptance 1), open to this student, and nothing left to apply for. Every rule and
    the checker then read the offer from the catalog itself."""
    starts = sorted({offer.start for offer in offers if offer.program == program.id})
    if not starts:
        return program
    return program.model_copy(
        update={
            "starts": starts,
            "acceptance": Decimal(1),
            "accepts_img": True,
            "application_opens": min(program.application_opens, scenario.planning_date),
            "application_deadline": None,
            "deadline_weeks_before_start": None,
            "requires": [],
        }
    )


def drop_lock(loaded: LoadedScenario, lock: Lock) -> LoadedScenario:
    """The scenario without `lock`, as editing it out of the file (or leaving out its
    `--lock`) makes it: a program still listed under `offers:` is an offer in hand again,
    one under `applied:` an application awaiting its answer, each with its fee paid;
    a program locked at another start stays locked; otherwise the catalog's row, fee and
    all, as if no application had gone out. An offer `apply` accepted (its fee paid, its
    `offers:` entry answered) and not under `applied:` is in hand again at its start;
    one also under `applied:` becomes that application again (`apply` does not drop the
    locks it makes, so only a diagnosis of its answer could ask).

    Found by review: a repair that dropped a `--lock` on an offer in hand dropped that
    offer's fee from the total too, though it stays paid."""
    pid = lock.program
    locks = tuple(k for k in loaded.locks if k != lock)
    scenario = loaded.scenario.model_copy(update={"locks": list(locks)})
    plain = dataclasses.replace(loaded, scenario=scenario, locks=locks)
    if any(k.program == pid for k in locks) or pid not in dict(loaded.paid):
        return plain
    row = loaded.program(pid)
    listed = tuple(o for o in loaded.scenario.offers if o.program == pid)
    entries = [a for a in loaded.scenario.applied if a.program == pid]
    offers, applied = loaded.offers, loaded.applied
    # The scenario's `offers:` as written, the other locks' entries too (found by review:
    # rebuilt from the offers in hand, another lock's entry went, and with it its fee
    # for the independent checker); an offer accepted and not listed comes in hand again.
    written = list(loaded.scenario.offers)
    if listed or not entries:  # offers come first, as on loading
        again = listed or (lock,)
        offers += tuple(o for o in again if o not in offers)
        written += [o for o in again if o not in written]
        row = _as_offered(row, scenario, again)
    else:
        sent = SentApplication(
            pid, tuple(sorted({s for a in entries for s in (a.starts or row.starts)}))
        )
        applied += (sent,)
        row = _as_sent(row, scenario, (sent,))
    programs = tuple(row if p.id == pid else p for p in loaded.programs)
    scenario = scenario.model_copy(update={"programs": list(programs), "offers": written})
    return dataclasses.replace(
        plain, scenario=scenario, programs=programs, offers=offers, applied=applied
    )


def _at(where: Problem | None, option: str, message: str) -> Problem:
    """`message` at the scenario's key `where`, or at the command-line option."""
    if where is None:
        return Problem(option, message)
    return Problem(where.file, message, where.line, where.column, where.field)


def load_value_model(reference: str, relative_to: Path, where: Problem | None = None) -> ValueModel:
    """A value model by name (models/NAME.yaml) or path. The scenario's `value_model:`
    (`where`) is relative to the scenario's folder `relative_to`; `--value-model` is
    relative to the working directory, as a command-line path is, then to that folder
    (which it used to be alone: a review found `--value-model models/x.yaml` not found)."""
    folders = (relative_to,) if where is not None else (Path.cwd(), relative_to)
    named_at = where or Problem("--value-model", "")
    with files.reading(reference, named_at):
        path = resolve_model_path(reference, *folders)
    if path is None:
        named = repr(files.short_name(reference))
        message = (
            f"value model {named} not found; expected one of "
            f"{', '.join(available_models())} or a path to a YAML, JSON or TOML file"
        )
        if any((folder / reference).is_dir() for folder in folders if len(reference) < 4096):
            # As `programs:` says it (found by review: `value_model: .` was "not found").
            message = (
                f"value model {named} is a folder; expected one of "
                f"{', '.join(available_models())} or a path to a YAML, JSON or TOML file"
            )
        if where is None:
            message += (
                f" (relative to the working directory or to the scenario's folder, {relative_to})"
            )
        raise InputError(_at(where, "--value-model", message))
    if path.suffix.lower() in CATALOG_SUFFIXES:
        # Found by review: the message was the scenario's ("pass the scenario file whose
        # `programs:` names it"), for a scenario that had been passed.
        message = (
            f"value model {files.short_name(reference)!r} is a program catalog; expected one of "
            f"{', '.join(available_models())} or a path to a value model YAML file"
        )
        raise InputError(_at(where, "--value-model", message))
    doc = read_document(path, "value model")
    if not isinstance(doc.data, dict):
        raise InputError(Problem(str(path), "expected a mapping at the top of the value model", 1))
    if "version" in doc.data and "programs" in doc.data:
        raise InputError(
            Problem(str(path), "is a scenario file; value_model names a value model YAML file")
        )
    try:
        return ValueModel.model_validate(doc.data)
    except ValidationError as error:
        raise InputError(validation_problems(error, doc, ValueModel)) from None


def _student_warnings(
    scenario: Scenario, catalog: Catalog, programs: Sequence[Program]
) -> list[str]:
    """Cautions about the student and the catalog's columns that the rules do not catch."""
    warnings: list[str] = []
    if scenario.student.citizenship == "visa_required":
        warnings.append(
            "citizenship is visa_required: this planner is built for US citizens and permanent "
            "residents; many programs do not host visiting students who need a visa."
        )
    student = scenario.student
    if (
        student.school_type == "img"
        and catalog.rows
        and not any("img_surcharge" in row.columns for row in catalog.rows)
    ):
        # An optional column, 0 when absent: say so where it costs an IMG (found by review).
        warnings.append(
            f"the catalog ({catalog.rows[0].file}) has no img_surcharge column, so every IMG "
            "surcharge counts as $0; many programs charge visiting IMGs an extra fee, so add "
            "the column (a blank cell is $0) if yours do."
        )
    if (
        student.school_type == "img"
        and student.radiology_exposure == "home_department"
        and scenario.requirements.radiology.min is None
        # Advice to raise the minimum to 2 only where a maximum leaves room for it.
        and (
            scenario.requirements.radiology.max is None or scenario.requirements.radiology.max >= 2
        )
    ):
        # Spec section 5 lowers the default; the guide's two letters are from U.S. faculty.
        warnings.append(
            "student.radiology_exposure is home_department, so at least 1 radiology rotation "
            "is asked for instead of 2 (spec section 5). The guide asks for two radiology "
            "letters from U.S. faculty (Step 5): if your home radiology department is not in "
            "the U.S., set requirements.radiology.min: 2."
        )
    if scenario.documents and programs and not any(p.requires for p in programs):
        # A catalog without a `requires` column (or with it all blank) would quietly
        # turn every document date off: say so.
        warnings.append(
            "no program in the catalog requires a document (its `requires` column is "
            "missing or blank), so the dates under `documents` limit no application."
        )
    return warnings


def _window_warnings(scenario: Scenario) -> list[str]:
    """Blocked periods outside the window; a window past the interview season."""
    warnings: list[str] = []
    window = scenario.calendar.window
    for period in scenario.calendar.blocked:
        if period.end < window.start or period.start > window.end:
            warnings.append(
                f"blocked period {period.start}..{period.end}"
                + (f" ({period.reason})" if period.reason else "")
                + f" lies outside the window {window.start}..{window.end}: it blocks nothing."
            )
    season_end = interview_season_end(scenario.eras_submission)
    if window.end > season_end:
        warnings.append(
            f"calendar.window ends {window.end}, after the interview season that follows "
            f"ERAS (to {season_end}, {SEASON_WORDS}): a "
            "rotation mostly after that cannot help this cycle, and a plan that holds one "
            "says so."
        )
    return warnings


def _row_warnings(
    catalog: Catalog,
    offers: Sequence[Lock],
    sent: Sequence[SentApplication],
    refused: Sequence[str],
    merged_locks: Sequence[Lock],
    merged_exclude: Sequence[str],
) -> list[str]:
    """Catalog rows and locks that cannot be planned as written, at their rows."""
    warnings: list[str] = []
    # Rows no application can reach in time; an offer, a lock, a sent or refused one
    # needs none, and an excluded one is never planned.
    answered = {o.program for o in offers} | {a.program for a in sent} | set(refused)
    answered |= {lock.program for lock in merged_locks} | set(merged_exclude)
    for row in catalog.rows:
        program = row.program
        deadline = program.application_deadline
        # Found by review: `validate` only noted it, naming neither file nor row.
        late = deadline is not None and deadline < program.application_opens
        if late and program.id not in answered:
            where = row.problem("application_deadline", "")
            warnings.append(
                f"{where}program {program.id}: application_deadline {deadline} is before "
                f"application_opens {program.application_opens}, so no application can go "
                "out in time and none of its starts can be planned; check both dates."
            )
    for row in catalog.rows:
        starts = row.program.starts
        repeated = sorted({d for d in starts if starts.count(d) > 1})
        if repeated:
            # Where, as an error would say it (found by review: no file or row named).
            where = row.problem("starts", "")
            warnings.append(
                f"{where}program {row.program.id} lists the start "
                f"{', '.join(d.isoformat() for d in repeated)} more than once; each start "
                "is counted once."
            )
    for program_id in sorted({lock.program for lock in merged_locks}):
        starts = sorted(lock.start for lock in merged_locks if lock.program == program_id)
        if len(starts) > 1:
            warnings.append(
                f"program {program_id} is locked (accepted) at {len(starts)} starts, "
                f"{', '.join(d.isoformat() for d in starts)}, but a plan holds at most one "
                "rotation per program: no plan can keep them all. Keep the start you accepted."
            )
    return warnings


def _rule_warnings(
    scenario: Scenario, requirements: ResolvedRequirements, merged_locks: Sequence[Lock]
) -> list[str]:
    """Rules that leave no plan, or allow one the student may not mean."""
    warnings: list[str] = []
    window = scenario.calendar.window
    if requirements.clinical_min > 0 and not requirements.clinical_specialties:
        warnings.append(
            f"requirements.clinical.min is {requirements.clinical_min} but "
            "clinical.specialties is empty, so no clinical rotation can count: no plan can "
            "meet it. List the specialties (e.g. internal_medicine) or set clinical.min to 0."
        )
    least = requirements.radiology_min + requirements.clinical_min
    if least > requirements.max_rotations:
        # Found by review: `validate` said "valid" and only `solve` found no plan.
        warnings.append(
            f"requirements: radiology.min {requirements.radiology_min} + clinical.min "
            f"{requirements.clinical_min} = {least} rotations, more than max_rotations "
            f"{requirements.max_rotations}: no plan can meet these rules."
        )
    if window.start < scenario.planning_date and not requirements.apply_by_start:
        # Moving the window would push out an accepted offer that started already.
        move = (
            ""
            if any(lock.start < scenario.planning_date for lock in merged_locks)
            else "Move window.start to the planning date, or set "
        )
        warnings.append(
            f"calendar.window starts {window.start}, before planning_date "
            f"{scenario.planning_date}: a program with no deadline (or one after its start) "
            "may be planned for a start before its application can go out, as spec section "
            f"4 allows. {move or 'Set '}requirements.apply_by_start: true to rule that out."
        )
    return warnings


def _eras_warning(scenario: Scenario) -> str | None:
    """A planning date after ERAS: every letter misses it (first among the warnings)."""
    if scenario.planning_date > scenario.eras_submission:
        eras = scenario.eras_submission
        # A year typed wrong (found by review: five warnings, none saying so).
        later = eras.replace(year=eras.year + 1) if (eras.month, eras.day) != (2, 29) else None
        guess = (
            f" (a year off? {later} would follow the planning date)"
            if later is not None and later > scenario.planning_date
            else ""
        )
        return (
            f"planning_date {scenario.planning_date} is after eras_submission "
            f"{eras}: every letter will miss ERAS{guess}."
        )
    return None


def load_scenario(
    path: str | Path,
    *,
    value_model: str | None = None,
    locks: Iterable[Lock] = (),
    exclude: Iterable[str] = (),
) -> LoadedScenario:
    """Read and check everything a plan needs; raise InputError listing every problem found."""
    path = Path(path)
    doc = read_document(path)
    if not isinstance(doc.data, dict):
        # The suffix names the format (found by review: TOML in a .txt read as YAML).
        other = path.suffix.lower() not in (".yaml", ".yml", ".json", ".toml")
        hint = (
            f"; a {path.suffix or 'file without a suffix'} is read as YAML: name the file "
            ".yaml, .json or .toml after its format"
            if other
            else ""
        )
        raise InputError(
            Problem(
                str(path), f"expected a mapping of scenario keys at the top of the file{hint}", 1, 1
            )
        )
    data = dict(doc.data)
    inline = data.get("programs")
    if isinstance(inline, list):
        data["programs"] = "(inline)"
    # One message for `programs:` of the wrong kind, not one per kind it may be (found
    # by review: "expected text" and "expected a list" together).
    wrong_catalog = []
    if "programs" in data and not isinstance(data["programs"], str):
        wrong_catalog.append(
            doc.problem(
                ("programs",),
                "expected a catalog file (e.g. programs.csv) or a list of rows "
                f"(got {shown(data['programs'])})",
            )
        )
        data["programs"] = "(not read)"
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise InputError(validation_problems(error, doc) + wrong_catalog) from None
    if wrong_catalog:
        raise InputError(wrong_catalog)
    problems = _count_bounds(scenario, doc)
    given = scenario.requirements
    if given.high_cost_rest_days and given.affordable_housing_per_week is None:
        problems.append(
            doc.problem(
                ("requirements", "high_cost_rest_days"),
                "needs requirements.affordable_housing_per_week, which defines high-cost",
            )
        )
    if "radiology" in (scenario.requirements.clinical.specialties or ()):
        problems.append(
            doc.problem(
                ("requirements", "clinical", "specialties"), "radiology cannot count as clinical"
            )
        )
    catalog = (
        read_inline(doc, inline)
        if isinstance(inline, list)
        else read_catalog(str(scenario.programs), doc)
    )
    merged_locks, merged_exclude, cross = _cross_checks(scenario, doc, catalog, locks, exclude)
    problems.extend(cross)
    offers, offer_notes, offer_problems = _offers(
        scenario, doc, catalog, merged_locks, merged_exclude, by_option=set(exclude)
    )
    problems.extend(offer_problems)
    sent, refused, sent_notes, sent_problems = _applied(
        scenario, doc, catalog, merged_locks, merged_exclude, offers
    )
    problems.extend(sent_problems)
    model_reference = value_model or scenario.value_model
    where = None if value_model else doc.problem(("value_model",), "")
    try:
        model = load_value_model(model_reference, path.parent, where)
    except OutputError:
        raise  # the value model is an output of this run: a usage error, alone
    except InputError as error:
        problems.extend(error.problems)
        model = None
    if problems or model is None:
        raise InputError(problems)
    # A lock whose program is still listed under `offers:` or `applied:` went through an
    # application too: its fee stays paid whatever the plan, as for an offer `apply`
    # accepts, so that dropping the lock cannot take the fee back.
    listed = {o.program for o in scenario.offers} | {a.program for a in scenario.applied}
    locked_listed = {lock.program for lock in merged_locks} & listed
    paid = {a.program for a in sent} | set(refused) | {o.program for o in offers} | locked_listed
    fees = {row.program.id: row.program.fee for row in catalog.rows}
    programs = tuple(
        _paid(_as_offered(_as_sent(row.program, scenario, sent), scenario, offers), paid)
        for row in catalog.rows
    )
    scenario = scenario.model_copy(update={"programs": list(programs)})
    warnings = [
        *catalog.warnings,
        *offer_notes,
        *sent_notes,
        *_case_twins(catalog),
        *_student_warnings(scenario, catalog, programs),
        *_window_warnings(scenario),
        *_row_warnings(catalog, offers, sent, refused, merged_locks, merged_exclude),
    ]
    requirements = resolve_requirements(scenario)
    warnings += _rule_warnings(scenario, requirements, merged_locks)
    if (eras := _eras_warning(scenario)) is not None:
        warnings.insert(0, eras)  # it explains the warnings that follow
    return LoadedScenario(
        path=path,
        scenario=scenario,
        programs=programs,
        value_model=model,
        value_model_name=model.name or Path(model_reference).stem,
        locks=merged_locks,
        exclude=merged_exclude,
        requirements=requirements,
        warnings=tuple(warnings),
        offers=offers,
        applied=sent,
        refused=refused,
        paid=tuple((pid, fees[pid]) for pid in sorted(paid)),
        catalog=tuple(row.program for row in catalog.rows),
    )


__all__ = [
    "LoadedScenario",
    "ResolvedRequirements",
    "SentApplication",
    "drop_lock",
    "load_scenario",
    "load_value_model",
]
