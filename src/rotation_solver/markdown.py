"""Markdown table cells (and titles) from user text, which may hold "|", "\\", a line
break, or characters Markdown would read as formatting or HTML (a program named
`*New* <Imaging>`). Text we write around it keeps its own formatting."""

from __future__ import annotations

from collections.abc import Iterable

# Backslash first, so that the escapes added after it stay single.
_SPECIAL = ("\\", "|", "*", "_", "`", "[", "]", "<", ">", "#")  # "#": a title's end


def cell(text: str) -> str:
    """TEXT as one Markdown table cell: formatting characters and "|" escaped with a
    backslash (found by review: only "|" was), line breaks as spaces."""
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return " ".join(text.splitlines())


def warning_lines(warnings: Iterable[str]) -> list[str]:
    """Each warning its own paragraph of one quote block (found by an advisor's review:
    consecutive "> warning:" lines render as one run-on paragraph)."""
    lines: list[str] = []
    for warning in warnings:
        lines += [">"] if lines else []
        lines.append(f"> warning: {warning}")
    return lines
