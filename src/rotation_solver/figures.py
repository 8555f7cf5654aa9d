"""What every picture shares: text drawn as written, and a stable, all-or-nothing save.

matplotlib loads only when a picture is drawn (importing it costs about 0.3 s and
tens of thousands of objects), so this module imports it inside its functions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rotation_solver import files

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Draw = TypeVar("Draw", bound=Callable[..., Any])


def plain_text(draw: Draw) -> Draw:
    """Draw with every "$" a dollar sign: user names and costs hold "$", and two of
    them would otherwise start matplotlib's maths notation (or fail to parse)."""

    @functools.wraps(draw)
    def drawing(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return cast(Draw, drawing)


def save_figure(fig: Figure, path: Path) -> Path:
    """Write a figure to PATH in the format its suffix names, whole or not at all.

    Fixed metadata and SVG ids: the same picture draws the same file, run after run.
    """
    import matplotlib

    fmt = path.suffix.lower().lstrip(".") or "png"
    metadata: dict[str, Any] = {"Date": None} if fmt in ("svg", "pdf") else {}
    with (
        matplotlib.rc_context({"svg.hashsalt": "rotation-solver", "svg.fonttype": "path"}),
        files.replacing(path) as part,
    ):
        # "tight": a long legend row (several blocked periods) widens the picture rather
        # than being cut at its edges.
        fig.savefig(part, format=fmt, metadata=metadata, facecolor="white", bbox_inches="tight")
    return path
