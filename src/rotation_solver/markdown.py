"""Markdown table cells from user text, which may hold "|", "\\" or a line break."""

from __future__ import annotations


def cell(text: str) -> str:
    """TEXT as one Markdown table cell: "|" and "\\" escaped, line breaks as spaces."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(escaped.splitlines())
