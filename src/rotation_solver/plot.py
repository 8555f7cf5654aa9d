"""A picture of the plan (`solve --plot FILE.png|svg|pdf`), drawn with matplotlib's Agg backend.

One row per chosen rotation, in plan order: the application (submit-on dot,
deadline diamond) on the left, the rotation as a bar coloured by specialty on
the right, labelled with program id and cost. Behind them: the primary
June-September window [Step 3], the blocked periods, the planning date and the
ERAS submission. The title gives the objective and the cost against the budget.
"""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import MonthLocator, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from rotation_solver.figures import plain_text, save_figure
from rotation_solver.scenario import LoadedScenario
from rotation_solver.timeline import letter_request_date

FORMATS = ("png", "svg", "pdf")

SPECIALTY_COLOURS: dict[str, str] = {
    "radiology": "#2b6cb0",
    "internal_medicine": "#dd6b20",
    "emergency_medicine": "#c53030",
    "surgery": "#2f855a",
    "transitional": "#6b46c1",
    "other": "#718096",
}
WINDOW_COLOUR = "#fdf3c4"
BLOCKED_COLOUR = "#a0aec0"
ERAS_COLOUR = "#1a202c"
WINDOW_EDGE_COLOUR = "#718096"
APPLY_COLOUR = "#4a5568"
DEADLINE_COLOUR = "#b7791f"
TEXT_DARK = "#1a202c"
TEXT_MUTED = "#4a5568"


def primary_window(eras_submission: date) -> tuple[date, date]:
    """June-September of the application year: "the most valuable away rotations" [Step 3]."""
    year = eras_submission.year
    return date(year, 6, 1), date(year, 9, 30)


def _short(day: date) -> str:
    return f"{day:%b} {day.day}"


def _span(start: date, end: date) -> str:
    if start.month == end.month:
        return f"{start:%b} {start.day}–{end.day}"
    return f"{_short(start)} – {_short(end)}"


def _x(day: date) -> float:
    return float(date2num(day))


def _month_tick(value: float, position: int | None = None) -> str:
    day = num2date(value)
    return f"{day:%b}\n{day:%Y}" if day.month == 1 or position == 0 else f"{day:%b}"


def _program_label(rotation: dict[str, Any]) -> str:
    name = rotation["program_name"].replace(" (synthetic)", "")
    name = textwrap.shorten(name, width=40, placeholder="…")
    where = ", ".join(part for part in (rotation.get("city"), rotation.get("state")) if part)
    detail = " · ".join(part for part in (where, rotation["tier"]) if part)
    return "\n".join(textwrap.wrap(name, width=24)) + f"\n{detail}"


def _title(payload: dict[str, Any]) -> str:
    budget, cost = payload["budget"], payload["total_cost"]
    status = payload["status"]
    objective = payload["objective"]
    parts = [
        f"objective {objective} ({status})",
        f"total cost ${cost:,} of ${budget:,} budget (${budget - cost:,} left)"
        # The boxes' costs add up to the rest (found by review: $8,890 over boxes of $8,700).
        + (f", ${paid:,} of it fees already paid" if (paid := payload.get("paid_fees")) else ""),
        f"{len(payload['rotations'])} rotations",
    ]
    return "  ·  ".join(parts)


HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]


def _overlaps(fig: Figure, first: Any, others: list[Any]) -> bool:
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = first.get_window_extent(renderer).expanded(1.02, 1.1)
    return any(box.overlaps(other.get_window_extent(renderer)) for other in others)


def _time_span(scenario: Any, rotations: list[dict[str, Any]]) -> tuple[date, date]:
    """The picture's first and last day: planning date, rotations, ERAS and the window."""
    ends = [date.fromisoformat(r["end"]) for r in rotations]
    # A rotation may start before the plan is made (a lock, or spec section 4 with no
    # deadline): the axis begins with whichever comes first.
    first = min([scenario.planning_date, *(date.fromisoformat(r["start"]) for r in rotations)])
    left = first.replace(day=1) - timedelta(days=4)
    # The student's own window too (found by review: a window to January, with a holiday
    # block in it, was cut off in December).
    right = max(
        [
            scenario.eras_submission + timedelta(days=25),
            scenario.calendar.window.end + timedelta(days=8),
            *(end + timedelta(days=50) for end in ends),
        ]
    )
    return left, right


def _draw_periods(ax: Any, scenario: Any, left: date, right: date) -> list[Any]:
    """Shade the primary window, hatch the blocked periods, rule the calendar window's
    edges; return their legend entries."""
    win_start, win_end = primary_window(scenario.eras_submission)
    ax.axvspan(_x(win_start), _x(win_end + timedelta(days=1)), color=WINDOW_COLOUR, zorder=0)
    legend: list[Any] = [
        Patch(
            facecolor=WINDOW_COLOUR,
            label=f"the guide's best months ({_short(win_start)}–{_short(win_end)})",
        )
    ]
    for period in scenario.calendar.blocked:
        if period.end < left or period.start > right:
            continue  # outside the picture: no legend entry either
        ax.axvspan(
            _x(period.start),
            _x(period.end + timedelta(days=1)),
            facecolor="#e2e8f0",
            edgecolor=BLOCKED_COLOUR,
            hatch="///",
            linewidth=0,
            zorder=0.5,
        )
        reason = period.reason or "blocked"
        legend.append(
            Patch(
                facecolor="#e2e8f0",
                edgecolor=BLOCKED_COLOUR,
                hatch="///",
                label=f"blocked: {reason} ({_span(period.start, period.end)})",
            )
        )
    # The calendar window's edges: every rotation lies inside them (spec section 4).
    window = scenario.calendar.window
    for edge in (window.start, window.end + timedelta(days=1)):
        if left < edge < right:
            ax.axvline(_x(edge), color=WINDOW_EDGE_COLOUR, linewidth=1.4, zorder=0.8)
    legend.append(
        Line2D(
            [],
            [],
            color=WINDOW_EDGE_COLOUR,
            linewidth=1.4,
            label=f"your calendar.window ({_short(window.start)} {window.start.year} – "
            f"{_short(window.end)} {window.end.year})",
        )
    )
    return legend


def _draw_dates(
    fig: Figure, ax: Any, loaded: LoadedScenario, left: date, right: date, top: float
) -> None:
    """The planning date, ERAS and the letter cut-off as vertical lines, with their labels."""
    scenario = loaded.scenario
    today, eras = scenario.planning_date, scenario.eras_submission
    win_start, _ = primary_window(eras)
    ax.axvline(_x(today), color=TEXT_MUTED, linestyle=":", linewidth=1.2, zorder=1)
    ax.axvline(_x(eras), color=ERAS_COLOUR, linestyle="--", linewidth=1.6, zorder=1)
    # The value model's letter cut-off: a rotation ending later counts at late_factor,
    # which the guide's Jun-Sep shading alone does not show [Step 3].
    ax.axvline(
        _x(_letter_ready_by(loaded)), color=ERAS_COLOUR, linestyle="-.", linewidth=1, zorder=1
    )
    eras_label = ax.text(
        _x(eras),
        top,
        f"ERAS {_short(eras)} ",
        color=ERAS_COLOUR,
        fontsize=9,
        fontweight="bold",
        va="top",
        ha="right",
        path_effects=HALO,
    )
    # A re-plan made in the summer: its label goes to the foot of the line, where no row
    # label is; at the top it would print over the window's (about 60 days wide) or the
    # ERAS label (right-aligned on its line, about 40 days wide).
    crowded = left < win_start <= today < win_start + timedelta(days=70) or (
        eras - timedelta(days=50) < today <= eras + timedelta(days=3)
    )
    ax.text(
        _x(today),
        -0.68 if crowded else top,
        f" plan made {_short(today)}",
        color=TEXT_MUTED,
        fontsize=9,
        va="bottom" if crowded else "top",
        path_effects=HALO,
    )
    if left < win_start < right:
        best = ax.text(
            _x(win_start),
            top,
            " guide's best months: Jun–Sep",
            color="#975a16",
            fontsize=9,
            fontstyle="italic",
            va="top",
            path_effects=HALO,
        )
        # An ERAS date early in September prints over it (found by review: "Jun–Sep 15").
        if _overlaps(fig, best, [eras_label]):
            best.remove()


def _letter_ready_by(loaded: LoadedScenario) -> date:
    """A rotation ending after this day has its letter late for ERAS (value x late_factor)."""
    lead = loaded.value_model.timing.letter_lead_days
    return loaded.scenario.eras_submission - timedelta(days=lead)


def _to_send(rotation: dict[str, Any]) -> bool:
    """Whether the rotation still waits on an application (not a lock, an offer in hand
    or an application already sent)."""
    return not (rotation.get("locked") or rotation.get("offered") or rotation.get("applied"))


def _draw_application(ax: Any, rotation: dict[str, Any], y: float) -> Any:
    """The application to send: submit-on dot, line to the deadline diamond, and its
    label (returned)."""
    submit = date.fromisoformat(rotation["submit_on"])
    deadline = rotation.get("deadline")
    label = f"apply {_short(submit)}"
    if deadline:
        due = date.fromisoformat(deadline)
        ax.plot([_x(submit), _x(due)], [y, y], color=APPLY_COLOUR, linewidth=1.5, zorder=2)
        ax.plot(
            _x(due),
            y,
            marker="D",
            markersize=8,
            color=DEADLINE_COLOUR,
            markeredgecolor="white",
            zorder=3,
        )
        label += f"  →  deadline {_short(due)}"
    ax.plot(
        _x(submit),
        y,
        marker="o",
        markersize=7,
        color=APPLY_COLOUR,
        markeredgecolor="white",
        zorder=6,  # above the bar: an application may go out after the start
    )
    return ax.text(
        _x(submit),
        y + 0.2,
        label,
        fontsize=8.5,
        color=TEXT_MUTED,
        va="bottom",
        zorder=5,
        path_effects=HALO,
    )


def _draw_answer_status(ax: Any, rotation: dict[str, Any], y: float, today: date) -> None:
    """Where nothing is left to send (found by review: "apply Feb 25" drawn for an offer
    in hand), say why: accepted, offered, or waiting for the answer."""
    start = date.fromisoformat(rotation["start"])
    end = date.fromisoformat(rotation["end"])
    # After the bar when the accepted rotation is under way on the planning date.
    beside = today if not start <= today <= end else end + timedelta(days=1)
    # Found by review: an offer in hand or an application sent read "accepted".
    status = (
        "accepted offer (locked)"
        if rotation.get("locked")
        else "offer in hand"
        if rotation.get("offered")
        else "application sent, answer to come"
    )
    ax.text(
        _x(beside) + 4,
        y,
        status,
        fontsize=8.5,
        color=TEXT_MUTED,
        va="center",
        zorder=5,
        path_effects=HALO,
    )


def _draw_rotation(
    ax: Any, loaded: LoadedScenario, rotation: dict[str, Any], y: float
) -> list[Any]:
    """The rotation bar, its id and dates labels (returned), and the letter request star."""
    start = date.fromisoformat(rotation["start"])
    end = date.fromisoformat(rotation["end"])
    colour = SPECIALTY_COLOURS.get(rotation["specialty"], SPECIALTY_COLOURS["other"])
    width = _x(end + timedelta(days=1)) - _x(start)
    ax.barh(
        y,
        width,
        left=_x(start),
        height=0.42,
        color=colour,
        edgecolor="white",
        linewidth=1,
        zorder=4,
    )
    id_label = ax.text(
        _x(start),
        y + 0.27,
        f"{rotation['program_id']}  ${rotation['cost']:,}",
        fontsize=9.5,
        fontweight="bold",
        color=TEXT_DARK,
        va="bottom",
        zorder=5,
        path_effects=HALO,
    )
    late = end > _letter_ready_by(loaded)
    dates_label = ax.text(
        _x(start),
        y - 0.27,
        f"{_span(start, end)} · value {rotation['value']}"
        + (" · letter after ERAS" if late else ""),
        fontsize=8.5,
        color=TEXT_MUTED,
        va="top",
        zorder=5,
        path_effects=HALO,
    )
    ax.plot(
        _x(letter_request_date(end)) + 0.5,
        y,
        marker="*",
        markersize=11,
        color="white",
        markeredgecolor=TEXT_DARK,
        markeredgewidth=0.8,
        zorder=6,
    )
    return [id_label, dates_label]


def _style_axes(ax: Any, rotations: list[dict[str, Any]], rows: int) -> None:
    """Program names as row labels, months on the time axis, no box."""
    ax.set_yticks(
        [rows - 1 - i for i in range(len(rotations))],
        [_program_label(r) for r in rotations],
        fontsize=9,
    )
    ax.tick_params(axis="y", length=0, pad=8)
    ax.xaxis.set_major_locator(MonthLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(_month_tick))
    ax.xaxis.set_minor_locator(MonthLocator(bymonthday=15))
    ax.tick_params(axis="x", labelsize=9, colors=TEXT_MUTED)
    ax.grid(axis="x", which="major", color="#e2e8f0", linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#cbd5e0")


def _mark_legend(loaded: LoadedScenario, rotations: list[dict[str, Any]]) -> list[Any]:
    """Legend entries for the specialties shown and the marks the picture draws."""
    legend: list[Any] = []
    order = list(SPECIALTY_COLOURS)
    specialties = list(dict.fromkeys(r["specialty"] for r in rotations))
    for specialty in sorted(specialties, key=lambda k: order.index(k) if k in order else 99):
        legend.append(
            Patch(
                facecolor=SPECIALTY_COLOURS.get(specialty, SPECIALTY_COLOURS["other"]),
                label=specialty.replace("_", " "),
            ),
        )
    to_send = [r for r in rotations if _to_send(r)]
    # Only the marks the picture draws (found by review: with offers alone, the legend
    # listed "submit application").
    if to_send:
        legend.append(
            Line2D(
                [], [], marker="o", color=APPLY_COLOUR, linestyle="-", label="submit application"
            )
        )
    if any(r.get("deadline") for r in to_send):
        legend.append(
            Line2D(
                [],
                [],
                marker="D",
                color=DEADLINE_COLOUR,
                linestyle="",
                label="application deadline",
            )
        )
    timing = loaded.value_model.timing
    legend += [
        Line2D(
            [],
            [],
            marker="*",
            color="white",
            markeredgecolor=TEXT_DARK,
            markersize=11,
            linestyle="",
            label="ask for the letter",
        ),
        Line2D([], [], color=ERAS_COLOUR, linestyle="--", label="ERAS submission"),
        Line2D(
            [],
            [],
            color=ERAS_COLOUR,
            linestyle="-.",
            linewidth=1,
            label=f"letter ready for ERAS: ending by {_short(_letter_ready_by(loaded))} "
            f"(later counts x{timing.late_factor:g})",
        ),
    ]
    return legend


def _settle_application_labels(
    fig: Figure, placed: list[tuple[Any, float, float, list[Any]]]
) -> None:
    """An application label that runs into its rotation's labels moves below the line,
    then to the left of the submit-on dot."""
    fig.draw_without_rendering()  # lay out first, so text extents are final
    for label, label_x, row_y, others in placed:
        if _overlaps(fig, label, others):
            label.set_y(row_y - 0.2)
            label.set_va("top")
        if _overlaps(fig, label, others):
            label.set_y(row_y)
            label.set_va("center")
            label.set_ha("right")
            label.set_x(label_x - 4)


@plain_text
def draw_plan(loaded: LoadedScenario, payload: dict[str, Any]) -> Figure:
    """The plan as a matplotlib Figure (Agg canvas attached)."""
    rotations: list[dict[str, Any]] = list(payload.get("rotations") or [])
    rows = max(len(rotations), 1)
    fig = Figure(figsize=(13, 2.6 + 1.05 * rows), dpi=150, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()

    left, right = _time_span(loaded.scenario, rotations)
    ax.set_xlim(_x(left), _x(right))
    ax.set_ylim(-0.7, rows - 0.3)
    legend = _draw_periods(ax, loaded.scenario, left, right)
    _draw_dates(fig, ax, loaded, left, right, top=rows - 0.3)

    placed: list[tuple[Any, float, float, list[Any]]] = []
    for i, rotation in enumerate(rotations):
        y = rows - 1 - i
        if _to_send(rotation):
            apply_label = _draw_application(ax, rotation, y)
        else:
            apply_label = None
            _draw_answer_status(ax, rotation, y, loaded.scenario.planning_date)
        rotation_labels = _draw_rotation(ax, loaded, rotation, y)
        if apply_label is not None:
            submit_x = _x(date.fromisoformat(rotation["submit_on"]))
            placed.append((apply_label, submit_x, y, rotation_labels))

    _style_axes(ax, rotations, rows)
    legend += _mark_legend(loaded, rotations)
    fig.legend(
        handles=legend,
        loc="outside lower center",
        ncol=min(len(legend), 5),
        frameon=False,
        fontsize=9,
    )
    fig.suptitle(
        f"Away-rotation plan: {payload['scenario']}",
        fontsize=14,
        fontweight="bold",
        color=TEXT_DARK,
    )
    ax.set_title(_title(payload), fontsize=10.5, color=TEXT_MUTED, pad=10)
    _settle_application_labels(fig, placed)
    return fig


@plain_text
def plot_plan(loaded: LoadedScenario, payload: dict[str, Any], path: Path) -> Path:
    """Draw the plan to PATH (.png, .svg or .pdf, chosen by the suffix)."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"{path}: the picture must end in .png, .svg or .pdf")
    return save_figure(draw_plan(loaded, payload), path)
