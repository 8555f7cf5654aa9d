"""Words for messages: "1 rotation", "3 rotations", never "rotation(s)"; "a and b"."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, in the plural (`plural`, or `noun` + "s") unless it is one."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def join_names(names: Iterable[str]) -> str:
    """a; a and b; a, b and c."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def with_article(phrase: str) -> str:
    """ "a 31% chance", "an 8% chance", "an 11% chance", "an under 1% chance": the
    article as the phrase is read aloud (found by review: "a 8%", "a under 1%")."""
    spoken_vowel = phrase[:1] in "aeiouAEIOU" or re.match(r"(8|11|18|8\d)(\D|$)", phrase)
    return f"{'an' if spoken_vowel else 'a'} {phrase}"


def percent_as_written(chance: Fraction | float) -> str:
    """A catalog's chance as a percent, to two decimals or as many as it takes not to read
    0% or 100% for less: 0.499 is 49.9%, not 50% beside "under half"; 0.004 is 0.4%, not
    0%; 0.99996 is 99.996% (found by review)."""
    exact = Decimal(str(float(chance) * 100))
    # Two decimals, or as many as keep 0 < share < 100 from reading 0% or 100%.
    places = 2
    share = exact.quantize(Decimal(1).scaleb(-places)).normalize()
    while 0 < exact < 100 and share in (0, 100) and places < 12:
        places += 1
        share = exact.quantize(Decimal(1).scaleb(-places)).normalize()
    return f"{share:f}%"


def whole_percent(share: float) -> str:
    """A probability as a whole percent that never reads 0% for something nor 100% for
    less than certain (found by review: "taken in 0%" for a rare role)."""
    if share >= 1:
        return "100%"
    if share <= 0:
        return "0%"
    if share < 0.005:
        return "under 1%"
    return f"{min(99, math.floor(100 * share + 0.5))}%"
