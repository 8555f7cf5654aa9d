"""pydantic's validation errors, reworded for a student editing a file."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from rotation_solver.scenario.numbers import shown

# pydantic's wording names Python classes ("instance of DateRange", "Decimal input");
# say what the file should hold instead.
_EXPECTED = {
    "model_type": "expected a mapping (key: value lines)",
    "model_attributes_type": "expected a mapping (key: value lines)",
    "dict_type": "expected a mapping (key: value lines)",
    "list_type": "expected a list",
    "decimal_type": "expected a number",
    "decimal_parsing": "expected a number",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_parsing_size": "expected a whole number of a sensible size",
    "int_from_float": "expected a whole number (no cents or decimals)",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    # Found by a student's review: `Yes` was read, yet the message named only true/false.
    "bool_parsing": "expected true or false, yes or no, 1 or 0",
    "string_type": "expected text",
    "finite_number": "expected a finite number",
}


# Fields that hold a fraction 0..1, where "60%" means 0.6 (a score of 0..10 does not).
_FRACTIONS = {"acceptance", "late_factor"}
# Fields far below a thousand, where "7,500" can only be a decimal comma.
_DECIMAL_COMMA = _FRACTIONS | {"letter", "audition"}

# Range errors: "Input should be greater than or equal to 0" in plain words.
_BOUNDS = {
    "greater_than_equal": ("ge", "{} or more"),
    "greater_than": ("gt", "more than {}"),
    "less_than_equal": ("le", "at most {}"),
    "less_than": ("lt", "less than {}"),
}


def _percent_like(value: Any) -> bool:
    """A whole number from 2 to 100: a percentage typed where a fraction belongs (1.5 is
    more likely a slip than 1.5%)."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return False
    return number.is_integer() and 2 <= number <= 100


_CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"


def style_of(path: Path) -> str:
    """The syntax a scenario file is written in: json, toml or yaml."""
    suffix = path.suffix.lower()
    return suffix[1:] if suffix in (".json", ".toml") else "yaml"


def inline_entry(pairs: Sequence[tuple[str, str | list[str]]], style: str = "yaml") -> str:
    """One list entry to copy, in the file's own syntax (found by review: YAML shown for
    a JSON scenario). `start`/`starts` hold dates: quoted in JSON only. Anything else is
    text: quoted in JSON and TOML, and in YAML where it would read as a number or a date
    (found by review: `{program = 103}` in TOML is a number)."""

    def value(key: str, text: str | list[str]) -> str:
        if isinstance(text, list):
            return "[" + ", ".join(value(key, t) for t in text) + "]"
        if style == "json":
            return f'"{text}"'
        if key in ("start", "starts"):
            return text
        numeric = re.fullmatch(r"[-+]?[\d_.]+([eE][-+]?\d+)?|0[xob]\w+|\d{4}-.*", text)
        return f'"{text}"' if style == "toml" or numeric else text

    if style == "json":
        return "{" + ", ".join(f'"{k}": {value(k, v)}' for k, v in pairs) + "}"
    sep = " = " if style == "toml" else ": "
    return "{" + ", ".join(f"{k}{sep}{value(k, v)}" for k, v in pairs) + "}"


def describe(
    item: Any, vocabulary: Sequence[str], *, noun: str = "key", style: str = "yaml"
) -> str:
    """One error of `ValidationError.errors()` as a sentence about the user's value, with
    any example written as the file (`style`: yaml, json or toml) writes it."""
    said = _describe(item, vocabulary, noun=noun, style=style)
    given = item.get("input")
    if isinstance(given, str) and given.strip()[:1] in _CURLY_QUOTES and given.strip():
        # Found by review: '“2027-01-15”' is easy to misread as the date in quotes.
        said += (
            "; its curly quotes (“ ”, as a word processor or phone types them) are part of "
            'the value: type straight quotes (") or none'
        )
    return said


# Mappings a scenario may leave out, and what {} means there.
_OPTIONAL_MAPPINGS = {
    ("documents",): "for none",
    ("requirements",): "for the defaults",
    ("requirements", "radiology"): "for the defaults",
    ("requirements", "clinical"): "for the defaults",
}


def _describe(
    item: Any, vocabulary: Sequence[str], *, noun: str = "key", style: str = "yaml"
) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        key = str(item["loc"][-1])
        matches = difflib.get_close_matches(key, vocabulary, n=3, cutoff=0.75)
        close = [c for c in matches if c != key]
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown {noun} {key!r}{hint}"
    if kind == "missing":
        if noun == "column":
            return "required value is blank or missing"
        return f"required {noun} is missing"
    if kind == "value_error":  # our validators already quote the value
        message = str(item["msg"]).removeprefix("Value error, ")
        given = item.get("input")
        several = isinstance(given, str) and len(re.findall(r"\d{4}-\d{2}-\d{2}", given)) > 1
        if several and "starts" in item["loc"]:  # only `starts` holds several dates
            message += "; separate several dates with ';'"
        words = isinstance(given, str) and not re.search(r"\d", given)
        if words and item["loc"] and item["loc"][-1] == "application_deadline":
            # "rolling", "n/a", "TBD" (found by a student's review)
            message += "; leave it blank (or out) when the program has no fixed deadline"
        return message
    if kind == "too_short" and item["loc"] and item["loc"][-1] == "starts":
        return "expected at least one start date as YYYY-MM-DD (several joined by ';')"
    message = _EXPECTED.get(kind, str(item["msg"]))
    if style != "yaml" and message.endswith("(key: value lines)"):
        # JSON and TOML have their own words for it.
        message = message.replace(
            "(key: value lines)", "(an object, {...})" if style == "json" else "(a table)"
        )
    context = item.get("ctx") or {}
    if kind in _BOUNDS:
        bound, form = _BOUNDS[kind]
        message = f"expected {form.format(shown(context.get(bound)))}"
    if kind in ("literal_error", "enum") and context.get("expected"):
        message = f"expected {context['expected']}"
    given = item["input"]
    loc = tuple(item["loc"])
    field = str(loc[-1]) if loc else ""
    entry = kind in ("model_type", "model_attributes_type") and isinstance(given, str)
    if entry and "@" in given:
        program, _, start = (part.strip() for part in given.rpartition("@"))
        # As the list it is in writes it (found by review: "an accepted offer" under
        # `applied:`, which lists `starts`).
        one: list[tuple[str, str | list[str]]] = [("program", program), ("start", start)]
        listed: list[tuple[str, str | list[str]]] = [("program", program), ("starts", [start])]
        what, pairs = {
            "applied": ("an application sent", listed),
            "offers": ("an offer in hand", one),
        }.get(str(loc[0]) if loc else "", ("an accepted offer", one))
        return f"{message} (got {shown(given)}); {what} is written {inline_entry(pairs, style)}"
    if entry and len(loc) == 2:
        # A bare program id in a list of entries (found by a student's review: no example).
        program = given.strip()
        dated = inline_entry([("program", program), ("start", "YYYY-MM-DD")], style)
        example = {
            "applied": f"{inline_entry([('program', program)], style)} (every start it offers) "
            f"or {inline_entry([('program', program), ('starts', ['YYYY-MM-DD'])], style)}",
            "offers": dated,
            "locks": dated,
        }.get(str(loc[0]))
        if example:
            return f"{message} (got {shown(given)}); write each entry as {example}"
    window = ("calendar", "window")
    if kind == "model_type" and isinstance(given, list) and loc == window:
        # Two windows (found by a student's review: a school's cores in between); one
        # range written as a list is not two (found by review).
        two = len(given) > 1 and all(isinstance(part, dict) for part in given)
        return f"{message} (got a list); the window is one range, with a start and an end" + (
            ": for two, make it the whole span and list the weeks between under calendar.blocked"
            if two
            else ""
        )
    if kind == "list_type" and given is None:
        return f"{message} (got nothing); write [] for none, or leave the key out"
    if kind in ("model_type", "dict_type") and given is None:
        # Every key under it commented out (found by review: the plain "null" gave no way
        # out, where a list's did).
        if loc in _OPTIONAL_MAPPINGS:
            means = _OPTIONAL_MAPPINGS[loc]
            return f"{message} (got nothing); write {{}} {means}, or leave the key out"
        return f"{message} (got nothing); its keys go on the indented lines below it"
    fraction_field = field in _FRACTIONS
    if fraction_field and isinstance(given, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*%\s*", given):
        fraction = float(given.strip().rstrip("%")) / 100
        return f"{message} (got {shown(given)}); write a fraction, e.g. {fraction:g}"
    if fraction_field and kind == "less_than_equal" and _percent_like(given):
        fraction = float(str(given).strip()) / 100
        percent = str(given).strip()
        if fraction < 0.1:  # `late_factor: 2` is more likely "twice" than 2%: say both
            return (
                f"{message} (got {shown(given)}); write a fraction from 0 to 1 (if you "
                f"meant {percent}%, that is {fraction:g})"
            )
        return f"{message} (got {shown(given)}); write a fraction: {percent}% is {fraction:g}"
    expected = str(context.get("expected", "")).strip()
    if kind == "literal_error" and isinstance(given, str) and given.strip() == expected:
        return f"{message} (got the text {shown(given)}); write it without quotes"
    if isinstance(given, str) and re.fullmatch(r"\$\s*\d+(\.0+)?", given.strip()):
        digits = given.strip().lstrip("$").strip().split(".")[0]
        return f"{message} (got {shown(given)}); write the number without '$', e.g. {digits}"
    thousands = re.fullmatch(r"\s*\d{1,3}(,\d{3})+\s*", str(given))
    if (
        isinstance(given, str)
        and re.fullmatch(r"\s*\d+,\d+\s*", given)
        and kind.startswith(("decimal", "float"))
        and (field in _DECIMAL_COMMA or given.strip().startswith("0,") or not thousands)
    ):
        # A decimal comma (found by review: `0,6` for an acceptance; `7,500` for a letter
        # score is 7.5, where for a fee it is 7500).
        point = given.strip().replace(",", ".")
        return f"{message} (got {shown(given)}); write a decimal point: {point}"
    if isinstance(given, str) and re.fullmatch(
        r"(\$\s*)?\d{1,3}([ \u00a0\u202f\u2009]\d{3})+", given.strip()
    ):
        # Found by review: "1 200" (a French spreadsheet's no-break space) shown as '\xa0'.
        digits = re.sub(r"\D", "", given)
        return (
            f"{message} (got {shown(given)}: digits grouped with spaces); write it without "
            f"separators, e.g. {digits}"
        )
    if (
        isinstance(given, str)
        and given.strip() in ("-", "\u2013", "\u2014")
        and (kind.startswith(("int", "decimal", "float")))
    ):
        # A spreadsheet's accounting format shows 0 as a dash (found by review).
        # "Write 0" only: 0 may be out of range (weeks), which the next check says.
        return (
            f"{message} (got {shown(given)}); a dash is how accounting format shows 0: "
            "write 0, or the number you meant"
        )
    if isinstance(given, str) and re.fullmatch(r"(\$\s*)?\d{1,3}(,\d{3})+", given.strip()):
        digits = given.strip().lstrip("$").strip().replace(",", "")
        return f"{message} (got {shown(given)}); write it without separators, e.g. {digits}"
    if kind == "string_type" and isinstance(given, int | Decimal) and not isinstance(given, bool):
        # A numeric id (found by review: JSON `"program": 103`). The number as read may
        # not be as written (0042 reads 42), so the id is not repeated.
        return f"{message} (got {shown(given)}); write it in quotes, as the catalog writes it"
    if field == "tier" and isinstance(given, str) and given.strip().lower() == "realistic":
        # The guide's "Realistic (target) programs" (found by a student's review).
        return f"{message} (got {shown(given)}); the guide's realistic programs are 'target'"
    if field == "step2ck" and isinstance(given, str) and not re.search(r"\d", given):
        # "scheduled", "pending" (found by a student's review).
        return f"{message} (got {shown(given)}); leave step2ck out until you have a score"
    if kind in ("literal_error", "enum") and isinstance(given, str):
        allowed = re.findall(r"'([^']*)'", str(item.get("ctx", {}).get("expected", "")))
        if given.strip() in allowed and given not in allowed:
            return f"{message} (got {shown(given)}); remove the blanks around it: {given.strip()!r}"
        if given.strip().lower() in allowed and given not in allowed:
            fixed = given.strip().lower()
            return f"{message} (got {shown(given)}); write it in lower case: {fixed!r}"
    return f"{message} (got {shown(given)})"
