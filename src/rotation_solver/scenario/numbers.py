"""Numbers as users write them: `true` is not 1, and messages show values as typed."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator


def not_bool(value: Any) -> Any:
    # YAML and JSON booleans are ints to pydantic (`budget: true` would be $1).
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    if isinstance(value, str):
        plain_digits(value)
    return value


# What pydantic would read as a number from text, but a person would not write:
# 6_50 (Python's digit grouping anywhere), 6e-1, and digits of other scripts (٦٥٠, ６５０).
# Text only: an unquoted YAML number is YAML's to read (it takes 9_0_00 and 1e4 too).
# 9_000, thousands grouping, is kept in text as well.
_LENIENT_NUMBER = re.compile(r"[+-]?[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:_\d{3})+|\d+)(?:\.\d*)?|\.\d+)", re.ASCII)


def plain_digits(text: str) -> None:
    """Refuse a number in text that is not written with the digits 0-9, an optional
    sign and decimal point (found by fuzzing: a CSV cell "6_50" was read as 650)."""
    written = text.strip()
    if not any(c.isdigit() for c in written) or not _LENIENT_NUMBER.fullmatch(written):
        return  # not number-like at all: pydantic's own message says what is expected
    if not _PLAIN_NUMBER.fullmatch(written):
        try:
            number = Decimal(written.replace("_", ""))
        except ArithmeticError:  # "_" alone, or "1_e3": no reading to offer
            number = None
        # A reading only for a number of sensible size (found by fuzzing: "1e999999999"
        # spelt out took a gigabyte).
        sensible = number is not None and number.is_finite() and abs(number.adjusted()) <= 12
        meant = f"; write {format(number, 'f')}" if sensible else ""
        raise ValueError(f"expected a number written with the digits 0-9 (got {written!r}){meant}")


# "1.000": a thousand with a European separator, or one with a decimal point.
_DOTTED_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")


def whole_as_written(value: Any) -> Any:
    """A whole number, refusing "1.000" and "9.000": pydantic reads them as 1 and 9,
    where a catalog from a European spreadsheet means 1000 and 9000 (found by review:
    a housing cost of $1/week, and a budget of $9)."""
    value = not_bool(value)
    text = str(value).strip() if isinstance(value, str | Decimal) else ""
    # Both readings agree on 0 ("0.000"): nothing to ask.
    if _DOTTED_THOUSANDS.fullmatch(text) and Decimal(text) != Decimal(text.replace(".", "")):
        digits = str(int(text.replace(".", "")))
        raise ValueError(
            f"expected a whole number without separators (got {text!r}: a dot may be a "
            f"decimal point or a thousands separator); write {digits} if you mean "
            f"{int(digits):,}"
        )
    return value


Whole = Annotated[int, BeforeValidator(whole_as_written)]
Number = Annotated[Decimal, BeforeValidator(not_bool)]


def shown(value: Any) -> str:
    """A value as the user wrote it, not as Python holds it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str) and len(value) > 80:  # a 5,000-digit cell, echoed whole
        return f"{value[:40]!r}... ({len(value):,} characters)"
    return repr(value)
