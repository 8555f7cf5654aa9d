"""The scenario file format v1 (spec sections 2 and 3) as pydantic models.

These models describe what a user writes. They are strict about unknown keys
(a typo must never be silently ignored) and carry a description on every
field, which `rotation-solver schema` publishes as JSON Schema.
"""

from __future__ import annotations

import calendar
import contextlib
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from rotation_solver.scenario.numbers import Number, Whole, not_bool, shown

# ASCII digits only: "２０２７-06-07" is not a date as written (found by review: it was
# called "not a real calendar date").
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
FIRST_YEAR, LAST_YEAR = 1900, 2199
# `rotation-solver apply` enumerates 2^N offer outcomes of N applications.
MAX_APPLICATIONS = 20


def _parse_iso_date(value: Any) -> date:
    # Dates arrive as text from YAML/JSON/CSV (the loaders keep them raw) and as
    # date objects from TOML/XLSX; pydantic's own parser would also take numbers.
    if isinstance(value, datetime):
        raise ValueError(f"expected a date as YYYY-MM-DD, got a date and time {value.isoformat()}")
    if isinstance(value, date):
        return _in_range(value)
    if not isinstance(value, str) or not ISO_DATE.match(value.strip()):
        hint = _serial_hint(value) or written_date_hint(value)
        raise ValueError(f"expected a date as YYYY-MM-DD, got {shown(value)}{hint}")
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        year, month, day = (int(part) for part in value.strip().split("-"))
        note = month_length_note(year, month, day)
        raise ValueError(
            f"{value.strip()!r} is not a real calendar date{f' ({note})' if note else ''}"
        ) from None
    return _in_range(parsed)


def month_length_note(year: int, month: int, day: int) -> str:
    """ "June 2027 has 30 days" where only the day is past its month's end (found by
    fuzzing: "June 31, 2027" got no hint)."""
    if not (1 <= month <= 12 and FIRST_YEAR <= year <= LAST_YEAR and day > 28):
        return ""
    days = calendar.monthrange(year, month)[1]
    return f"{calendar.month_name[month]} {year} has {days} days" if day > days else ""


def _serial_hint(value: Any) -> str:
    """A spreadsheet stores a date as a day count (46477 is 2027-03-31): name it."""
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{5}(\.0+)?", text):
        return ""
    day = date(1899, 12, 30) + timedelta(days=int(float(text)))  # Excel's day 0
    if not 1990 <= day.year <= 2100:  # 10000 or 99999 is no date anyone means
        return ""
    return (
        f" (a spreadsheet's date number, {day.isoformat()}: format the cell as a date "
        "or type the date as text)"
    )


_NUMERIC_DATE = re.compile(r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})", re.ASCII)
_NAMED_DATE_FORMATS = (
    "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y",
    "%d-%b-%Y", "%d-%B-%Y",  # Excel's d-mmm-yyyy
)  # fmt: skip
# The parts of a named date, to say which day a month lacks ("June 31, 2027").
_NAMED_DATE_PARTS = (
    re.compile(r"(?P<month>[A-Za-z]{3,9}) (?P<day>\d{1,2}),? (?P<year>\d{4})", re.ASCII),
    re.compile(r"(?P<day>\d{1,2})[ -](?P<month>[A-Za-z]{3,9})[ -](?P<year>\d{4})", re.ASCII),
)
_TIME_AFTER = re.compile(
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)$"
)


def written_date_hint(value: Any) -> str:
    """The ISO date a date written another way means, where only one reading exists; both
    where day and month could swap (found by review: "June 7, 2027" and 14/06/2027 got
    no suggestion)."""
    if not isinstance(value, str):
        return ""
    text = " ".join(value.strip().split())
    # A time after the date (found by fuzzing: "2027-06-07 10:00", "6/7/2027 10:00 AM"):
    # the date alone is meant.
    text = _TIME_AFTER.sub("", text)
    if ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in text.split("-"))
        try:
            date(year, month, day)
        except ValueError:  # found by review: "write 2027-06-31" for "2027-06-31 10:00"
            note = month_length_note(year, month, day)
            return f"; {note}" if note else "; no calendar date reads it"
        return f"; write {text} (the date alone, no time)"
    # "Sept 6", "Jun. 7" (found by fuzzing): the abbreviations strptime does not take.
    text = re.sub(r"\bSept\b", "Sep", re.sub(r"\b([A-Za-z]{3,9})\.", r"\1", text))
    readings: list[date] = []
    orders: list[tuple[int, int, int]] = []
    two_digit_year = ""
    if match := _NUMERIC_DATE.fullmatch(text):
        first, second, third = (int(part) for part in match.groups())
        if len(match.group(1)) == 4:  # 2027/06/07, 2027-6-7
            orders = [(first, second, third)]
        elif len(match.group(3)) == 4 and len(match.group(1)) <= 2:
            orders = [(third, first, second), (third, second, first)]  # either order
        elif len(match.group(3)) == 2 and len(match.group(1)) <= 2 and third >= 20:
            # 6/7/27 (found by fuzzing): this century's, and only a year from 2020 (found
            # by review: 27/06/07 read as 2007-06-27, a year first read as a day).
            third += 2000
            two_digit_year = f" (the year {match.group(3)} read as {third})"
            orders = [(third, first, second), (third, second, first)]  # either order
        for year, month, day in orders:
            with contextlib.suppress(ValueError):
                readings.append(date(year, month, day))
    else:
        for form in _NAMED_DATE_FORMATS:
            with contextlib.suppress(ValueError):
                readings.append(datetime.strptime(text, form).date())
        orders = _named_parts(text)
    readings = sorted(set(readings))
    if not readings:
        notes = sorted({note for order in orders if (note := month_length_note(*order))})
        if len(notes) == 1:
            return f"; {notes[0]}{two_digit_year}"
        if match and orders:
            return "; no calendar date reads it, day and month either way"
    if len(readings) == 1:
        return f"; write {readings[0].isoformat()}{two_digit_year}"
    if len(readings) == 2:
        one, other = (f"{d.isoformat()} ({d.strftime('%B')} {d.day})" for d in readings)
        return f"; write {one} or {other}, whichever you mean{two_digit_year}"
    return ""


def _named_parts(text: str) -> list[tuple[int, int, int]]:
    """(year, month, day) of a date written with its month's name, valid day or not."""
    for pattern in _NAMED_DATE_PARTS:
        if parts := pattern.fullmatch(text):
            for form in ("%B", "%b"):
                with contextlib.suppress(ValueError):
                    month = datetime.strptime(parts["month"], form).month
                    return [(int(parts["year"]), month, int(parts["day"]))]
    return []


def _in_range(day: date) -> date:
    # Rotations, deadlines and calendars add weeks to dates: keep them far from year 9999.
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"expected a year from {FIRST_YEAR} to {LAST_YEAR}, got {day.isoformat()}")
    return day


IsoDate = Annotated[date, BeforeValidator(_parse_iso_date)]


# Characters that reorder the text around them on screen ("Trojan source").
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def visible_text(value: Any) -> Any:
    """TEXT as shown: no terminal escapes or other control characters, which would reach
    the terminal and every report (found by review: validate printed ESC[31m raw), and
    any run of blanks (a line break, a tab) as one space."""
    if not isinstance(value, str):
        return value
    kept = "".join(
        " " if c.isspace() else c
        for c in value
        if c.isspace() or (unicodedata.category(c) != "Cc" and c not in _BIDI)
    )
    return " ".join(kept.split())


# Text only shown to people (names, cities, reasons): never control characters.
ShownText = Annotated[str, BeforeValidator(visible_text)]


def _no_hidden_characters(value: str) -> str:
    """An id is matched as written, so a character nobody sees (a zero-width space
    pasted from a web page, a no-break space, a control character) makes it another id
    (found by review: "unknown program id 'rad-cedar'; did you mean '\u200brad-cedar'?")."""
    for position, c in enumerate(value, 1):
        category = unicodedata.category(c)
        if category in ("Cf", "Cc") or (category == "Zs" and c != " ") or c in _BIDI:
            name = unicodedata.name(c, "")
            what = f"{name}, U+{ord(c):04X}" if name else f"U+{ord(c):04X}"
            raise ValueError(
                f"the id holds an invisible character ({what}) at position {position}; "
                "retype the id without it"
            )
    return value


ProgramId = Annotated[str, AfterValidator(_no_hidden_characters)]
Specialty = Literal[
    "radiology", "internal_medicine", "emergency_medicine", "surgery", "transitional", "other"
]
ClinicalSpecialty = Literal[
    "internal_medicine", "emergency_medicine", "surgery", "transitional", "other"
]
Tier = Literal["reach", "target", "safety"]
# Upper bounds keep every sum inside CP-SAT's 64-bit range and dates inside the calendar.
MAX_DOLLARS = 10_000_000
Dollars = Annotated[Whole, Field(ge=0, le=MAX_DOLLARS)]

DEFAULT_CLINICAL_SPECIALTIES: tuple[str, ...] = (
    "internal_medicine",
    "emergency_medicine",
    "surgery",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Student(_Strict):
    """Who is applying; decides the default counts and the strong/challenged weights."""

    citizenship: Literal["us_citizen", "permanent_resident", "visa_required"] = Field(
        "us_citizen", description="Informational in v1; `visa_required` raises a warning."
    )
    # Required (spec section 2 marks only step2ck optional): each changes the plan.
    school_type: Literal["img", "us_md", "us_do"] = Field(
        description="`img` drops programs that do not take IMGs and adds img_surcharge."
    )
    step2ck: Whole | None = Field(
        None, ge=200, le=300, description="USMLE Step 2 CK score, 200..300, if taken."
    )
    us_clinical_weeks: Whole = Field(ge=0, le=520, description="Weeks of U.S. clinical experience.")
    radiology_exposure: Literal["none", "elective", "home_department"] = Field(
        description="`home_department` lowers the default radiology minimum to 1."
    )
    radiology_research: bool = Field(False, description="Radiology research (informational).")
    home_city: ShownText | None = Field(None, description="Home city (informational).")


class DateRange(_Strict):
    """An inclusive range of days."""

    start: IsoDate = Field(description="First day, YYYY-MM-DD.")
    end: IsoDate = Field(description="Last day (inclusive), YYYY-MM-DD.")

    @model_validator(mode="after")
    def _start_before_end(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class BlockedPeriod(DateRange):
    """Days no rotation may touch (exams, mandatory home rotations)."""

    reason: ShownText | None = Field(
        None, description="Why the period is blocked, shown in reports."
    )


class Calendar(_Strict):
    """When rotations can happen."""

    window: DateRange = Field(description="Every rotation lies inside this window.")
    blocked: list[BlockedPeriod] = Field(
        default_factory=list, description="Inclusive periods no rotation may touch."
    )
    min_gap_days: Whole = Field(
        0,
        ge=0,
        le=365,
        description="Free days required between the end of one rotation and the next.",
    )


class CountRange(_Strict):
    """How many rotations of a kind; a missing bound takes the spec's default."""

    min: Whole | None = Field(None, ge=0, le=50, description="Fewest rotations of this kind.")
    max: Whole | None = Field(None, ge=0, le=50, description="Most rotations of this kind.")

    @model_validator(mode="after")
    def _min_below_max(self) -> CountRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self


class ClinicalRange(CountRange):
    """The U.S. clinical (non-radiology) rotation requirement."""

    specialties: list[ClinicalSpecialty] | None = Field(
        None,
        description="Specialties that count as the clinical rotation "
        "(default internal_medicine, emergency_medicine, surgery).",
    )


class Requirements(_Strict):
    """Plan shape; every field is optional (defaults in spec section 5)."""

    radiology: CountRange = Field(
        default_factory=CountRange,
        description="Radiology rotations: min 1 with a home department else 2; max 3.",
    )
    clinical: ClinicalRange = Field(
        default_factory=ClinicalRange, description="Clinical rotations: min 1, max 1."
    )
    max_rotations: Whole | None = Field(
        None, ge=0, le=50, description="Most rotations in all (default 4)."
    )
    affordable_housing_per_week: Whole | None = Field(
        None,
        ge=0,
        le=MAX_DOLLARS,
        description="Extension: at least one rotation with housing at or below this (USD/week); "
        "rotations above it count as high-cost. Guide: 'choose at least one location that's "
        "affordable'. Default: no such rule.",
    )
    high_cost_rest_days: Whole = Field(
        0,
        ge=0,
        le=365,
        description="Extension: free days required between two high-cost rotations (housing "
        "above affordable_housing_per_week). Guide: no back-to-back rotations in high-cost "
        "cities without rest. Default 0: no such rule.",
    )
    tier_mix: bool = Field(
        True,
        description="Radiology needs a reach/target rotation and an IMG-friendly "
        "target/safety one.",
    )
    apply_by_start: bool = Field(
        False,
        description="Extension: every application goes out by its rotation's start at the "
        "latest, also for a program with no deadline (or one after the start). Default "
        "false: spec section 4 as written, with a warning on a planned application that "
        "goes out after its start.",
    )


class Lock(_Strict):
    """An offer already accepted: it must be in the plan at this start."""

    program: str = Field(description="Program id from the catalog.")
    start: IsoDate = Field(description="The accepted start date; one the program offers.")


def _split_list(value: Any) -> Any:
    # Catalog cells join lists with ';'; inline YAML may give a real list.
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    # One bare date (a TOML date, a typed cell) is a list of one (found by review: TOML
    # `starts = 2027-07-05` was refused where YAML's same line was read).
    if isinstance(value, date):
        return [value]
    return value


class Application(_Strict):
    """An application already sent and not yet answered (extension `applied`)."""

    program: str = Field(description="Program id from the catalog.")
    starts: Annotated[list[IsoDate] | None, BeforeValidator(_split_list)] = Field(
        None,
        description="The starts the application lists (ones the program offers); left "
        "out: every start of the program.",
    )


class Program(_Strict):
    """One row of the program catalog (spec section 3)."""

    # Extra catalog columns (the student's notes) are allowed, and the loader warns about
    # them (spec section 3); only the JSON Schema reads this, as rows arrive filtered.
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: ProgramId = Field(min_length=1, description="Stable unique key.")
    name: ShownText = Field(min_length=1, description="Program name shown to the user.")
    city: ShownText = Field("", description="City shown to the user.")
    state: ShownText = Field("", description="State shown to the user.")
    specialty: Specialty = Field(description="Rotation specialty.")
    tier: Tier = Field(description="reach, target or safety for this student.")
    img_friendly: bool = Field(description="Clear history of taking IMGs.")
    accepts_img: bool = Field(description="false: visiting students from IMG schools not taken.")
    starts: Annotated[list[IsoDate], BeforeValidator(_split_list)] = Field(
        min_length=1, description="Offered start dates, joined by ';' in a catalog file."
    )
    weeks: Whole = Field(
        ge=1,
        le=8,
        description="Length of the rotation in weeks, 1..8. The value model does not weigh "
        "it (spec section 6): rate a short elective's letter and audition lower if it gives "
        "less of either.",
    )
    application_opens: IsoDate = Field(description="First day an application can be sent.")
    application_deadline: IsoDate | None = Field(
        None, description="Last day to apply, for every start."
    )
    deadline_weeks_before_start: Whole | None = Field(
        None, ge=0, le=104, description="Deadline = start - 7*N days."
    )
    requires: Annotated[list[str], BeforeValidator(_split_list)] = Field(
        default_factory=list, description="Document names (keys of `documents`), joined by ';'."
    )
    housing_per_week: Dollars = Field(description="Housing, whole USD per week.")
    travel: Dollars = Field(description="Round-trip travel from home, whole USD.")
    fee: Dollars = Field(
        0,
        description="Application fees, whole USD, paid on applying whatever the answer "
        "(`apply` counts it in every outcome); blank is 0.",
    )
    img_surcharge: Dollars = Field(
        0,
        description="Extra fee for IMG students, part of the rotation's cost: paid only "
        "if the rotation is taken (`apply` counts it only where the offer is taken, unlike "
        "`fee`, paid on applying); blank is 0.",
    )
    letter: Number = Field(ge=0, le=10, description="Chance of a strong letter there, 0..10.")
    audition: Number = Field(ge=0, le=10, description="Audition value of the program, 0..10.")
    interest: Number = Field(ge=1, le=5, description="How much the student wants it, 1..5.")
    acceptance: Number = Field(ge=0, le=1, description="Probability of an offer, 0..1.")


def _version_as_written(value: Any) -> Any:
    # "1" is read as 1, as a quoted step2ck or budget is (a JSON scenario often quotes it).
    if isinstance(value, str) and value.strip() == "1":
        return 1
    return not_bool(value)


class Scenario(_Strict):
    """A scenario file (spec section 2)."""

    version: Annotated[Literal[1], BeforeValidator(_version_as_written)] = Field(
        description="Format version; must be 1."
    )
    name: ShownText = Field(description="A name for the scenario, shown in every report.")
    planning_date: IsoDate = Field(description="The day the plan is made.")
    eras_submission: IsoDate = Field(description="When the ERAS application is submitted.")
    student: Student = Field(description="The applicant.")
    calendar: Calendar = Field(description="The window and blocked periods.")
    budget: Dollars = Field(description="Whole US dollars for everything in the plan.")
    documents: dict[str, IsoDate] = Field(
        default_factory=dict, description="When each application document is ready."
    )
    requirements: Requirements = Field(
        default_factory=Requirements, description="Plan shape (all optional)."
    )
    locks: list[Lock] = Field(default_factory=list, description="Offers already accepted.")
    offers: list[Lock] = Field(
        default_factory=list,
        description="Extension: offers received but not yet accepted. Each counts with "
        "acceptance 1 at its start and needs no application; the plan takes it only if it "
        "is worth it (a lock is one it must take). Its fee was paid when applying: it "
        "counts in every plan's total cost (`paid_fees`).",
    )
    applied: list[Application] = Field(
        default_factory=list,
        description="Extension: applications already sent. Each keeps its program's "
        "acceptance (the offer is still uncertain) and has nothing left to apply for, so "
        "no deadline or document date rules it out; only the starts it lists can be "
        "planned. Its fee is paid: it counts in every plan's total cost (`paid_fees`). A "
        "program also under `exclude` is an application refused or withdrawn (or an "
        "offer declined): never planned, its fee still paid. `apply` keeps the others in "
        "every portfolio and counts them in max_applications.",
    )
    exclude: list[str] = Field(
        default_factory=list, description="Program ids never to put in the plan."
    )
    max_applications: Whole = Field(
        10,
        ge=1,
        le=MAX_APPLICATIONS,
        description="Extension for `rotation-solver apply`: most applications to send "
        "(guide, Step 2: a list of 6-10 programs, expecting 1-3 spots).",
    )
    value_model: str = Field(
        "default", description="A model name in models/ or a path to a value model YAML."
    )
    programs: str | list[Program] = Field(
        description="Catalog: a CSV/XLSX path relative to this file, or an inline list of rows."
    )


# Columns a catalog file must have (the rest are optional or the student's notes).
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    name for name, field in Program.model_fields.items() if field.is_required()
)
KNOWN_COLUMNS: tuple[str, ...] = tuple(Program.model_fields)
