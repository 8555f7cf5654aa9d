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


def cell_with_code(text: str) -> str:
    """TEXT as one table cell, its `backticked` spans (our commands and scenario keys)
    kept as code, the rest escaped as `cell` does. Found by an advisor's review: the
    timeline showed the backticks around "rotation-solver apply SCENARIO" escaped. A span
    with "|" (which would split the table) or unbalanced backticks is escaped."""
    parts = text.split("`")
    if len(parts) % 2 == 0:
        return cell(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(cell(part))
        elif part and "|" not in part and "\n" not in part:
            out.append(f"`{part}`")
        else:
            out.append(cell(f"`{part}`"))
    return "".join(out)


def warning_lines(warnings: Iterable[str]) -> list[str]:
    """Each warning its own paragraph of one quote block (found by an advisor's review:
    consecutive "> warning:" lines render as one run-on paragraph)."""
    lines: list[str] = []
    for warning in warnings:
        lines += [">"] if lines else []
        lines.append(f"> warning: {warning}")
    return lines
