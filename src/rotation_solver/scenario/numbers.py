"""Numbers as users write them: `true` is not 1, and messages show values as typed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator


def not_bool(value: Any) -> Any:
    # YAML and JSON booleans are ints to pydantic (`budget: true` would be $1).
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


Whole = Annotated[int, BeforeValidator(not_bool)]
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
