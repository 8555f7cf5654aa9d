"""Counted nouns for messages: "1 rotation", "3 rotations", never "rotation(s)"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, in the plural (`plural`, or `noun` + "s") unless it is one."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
