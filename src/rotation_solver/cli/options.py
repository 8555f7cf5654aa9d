"""Option decorators and output helpers shared by every `rotation-solver` command."""

from __future__ import annotations

import functools
import io
import math
import os
import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from rotation_solver import files
from rotation_solver.errors import OutputError, Problem
from rotation_solver.scenario import LoadedScenario, Lock, load_scenario
from rotation_solver.scenario.schema import FIRST_YEAR, LAST_YEAR
from rotation_solver.scenario.value_model import available_models
from rotation_solver.solve import default_workers

F = TypeVar("F", bound=Callable[..., Any])


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["debug"] = True
    return value


def debug_option(func: F) -> F:
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show full tracebacks instead of short messages.",
    )(func)


def _parse_lock(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> list[Lock]:
    locks = []
    for value in values:
        # Ids may hold "@" and spaces ("rad lake@2027-06-07"): the date is after the last "@".
        match = re.fullmatch(r"\s*(\S(?:.*\S)?)\s*@\s*(\d{4}-\d{2}-\d{2})\s*", value)
        if not match:
            raise click.BadParameter(f"{value!r}: expected PROGRAM@YYYY-MM-DD")
        try:
            start = date.fromisoformat(match.group(2))
        except ValueError:
            raise click.BadParameter(f"{value!r}: {match.group(2)} is not a real date") from None
        # The scenario's own year range (found by review: 2207 was a traceback).
        if not FIRST_YEAR <= start.year <= LAST_YEAR:
            raise click.BadParameter(
                f"{value!r}: expected a year from {FIRST_YEAR} to {LAST_YEAR}, got {start.year}"
            )
        locks.append(Lock(program=match.group(1), start=start))
    return locks


def _not_blank(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("expected a value model name or path, got an empty text")
    return value


def _program_ids(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    # A blank id is a malformed option (usage, exit 2), as a blank --value-model is; an
    # id the catalog lacks is bad input about the scenario (exit 1), found when loading.
    if any(not program_id.strip() for program_id in value):
        raise click.BadParameter("expected a program id, got an empty text")
    return value


def scenario_options(func: F) -> F:
    """Options that change what a scenario file says, without editing it."""
    func = click.option(
        "--exclude",
        "exclude",
        multiple=True,
        metavar="PROGRAM",
        callback=_program_ids,
        help="Never use this program (declined or unwanted). Repeatable; merged with `exclude:`.",
    )(func)
    func = click.option(
        "--lock",
        "locks",
        multiple=True,
        metavar="PROGRAM@YYYY-MM-DD",
        callback=_parse_lock,
        help="An offer already accepted: it must be in the plan. Repeatable; merged with `locks:`.",
    )(func)
    func = click.option(
        "--value-model",
        metavar="NAME|PATH",
        callback=_not_blank,
        help="Value model to use instead of the file's `value_model:`: a name "
        f"({', '.join(available_models())}) or the path of a YAML, JSON or TOML file, "
        "relative to the working directory, else to the scenario's folder.",
    )(func)
    return func


def _a_number(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if math.isnan(value):  # nan passes every range comparison
        raise click.BadParameter("expected a number of seconds, got nan")
    return value


def quiet_option(func: F) -> F:
    """For long commands: silence the progress bars (stderr) in scripts and logs."""
    return click.option("--quiet", "-q", is_flag=True, help="No progress bar on standard error.")(
        func
    )


# `solve` alone explains its plan; the other commands only share the diagnosis with it.
EACH_SOLVE = "Seconds each solve may take before its best plan so far is returned."
SOLVE_TIME_LIMIT = (
    "Seconds a solve may take before its best plan so far is returned. The "
    "explanation's re-solves share as much again; so do, with no plan, the independent "
    "prover that re-proves it, the search for the rules in conflict and then the "
    "repairs. What they cannot settle in time is marked 'not settled'."
)


def solver_options(
    func: F, time_limit_help: str = EACH_SOLVE, seed_help: str = "CP-SAT random seed."
) -> F:
    """CP-SAT run settings; the same seed with --workers 1 gives the same plan."""
    func = click.option(
        "--seed",
        type=click.IntRange(0, 2**31 - 1),  # CP-SAT's random_seed is a 32-bit int
        default=0,
        show_default=True,
        help=seed_help,
    )(func)
    func = click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=default_workers(),
        show_default=True,
        help="CP-SAT worker threads; the default is this machine's cores, at most 8.",
    )(func)
    func = click.option(
        "--time-limit",
        type=click.FloatRange(0.01, 86_400.0),
        callback=_a_number,
        default=60.0,
        show_default=True,
        help=time_limit_help,
    )(func)
    return func


def apply_solver_options(func: F) -> F:
    """`solver_options` whose seed also draws `apply`'s sampled outcomes."""
    return solver_options(
        func,
        seed_help="Seed of the sampled offer outcomes (the evaluation's fresh outcomes come "
        "from a separate stream of it) and of CP-SAT.",
    )


def solve_solver_options(func: F) -> F:
    """`solver_options` with the time limit `solve` shares with its explanation."""
    return solver_options(func, SOLVE_TIME_LIMIT)


# A file's suffix names the format it is for: `-o plan.json` alone writes JSON.
SUFFIX_FORMATS = {
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".ics": "ics",
    ".txt": "table",
}


def _format_for(fmt: str, output: Path | None, formats: tuple[str, ...]) -> str:
    """--format as given; when it was not given, the one the --output suffix names (found
    by review: `-o plan.ics` wrote the text table into a file no calendar could read)."""
    ctx = click.get_current_context()
    given = ctx.get_parameter_source("fmt") not in (None, click.core.ParameterSource.DEFAULT)
    if output is None:
        return fmt
    wanted = SUFFIX_FORMATS.get(output.suffix.lower())
    if given:
        # Asked for, so written; but said, once written (a .txt may hold any text).
        office = _OFFICE_SUFFIXES.get(output.suffix.lower())
        if office is not None:
            ctx.meta[_FORMAT_NOTE] = (
                f"note: {output} gets {fmt} text (--format), which a {office[0]} may refuse "
                f"or warn about under a {output.suffix} name"
            )
        elif wanted not in (None, fmt, "table"):
            ctx.meta[_FORMAT_NOTE] = (
                f"note: {output} gets the {fmt} format (--format), not the {wanted} its "
                "suffix suggests"
            )
        return fmt
    if wanted is None:
        suffix = output.suffix.lower()
        # A picture's name gets no text in it (found by review: a table in new.pdf).
        if suffix.lstrip(".") in (*PLOT_FORMATS, "jpg", "jpeg", "gif"):
            raise click.UsageError(
                f"-o {output}: -o writes text ({', '.join(formats)}), not a picture; "
                "draw one with --plot FILE.png|svg|pdf, where the command offers it"
            )
        # An Excel or Word name would get text its program cannot open (found by review).
        if suffix in _OFFICE_SUFFIXES:
            kind, instead, fmt_instead = _OFFICE_SUFFIXES[suffix]
            raise click.UsageError(
                f"-o {output}: -o writes text ({', '.join(formats)}), not a {kind} file"
                + (
                    f"; write -o {output.with_suffix(instead).name}, which a {kind} opens"
                    if fmt_instead in formats
                    else ""
                )
            )
        ctx.meta[_FORMAT_NOTE] = (
            f"note: {output}: "
            + (f"the suffix {output.suffix} names no format" if suffix else "no suffix names one")
            + f", so it gets the {fmt} format; pass --format to choose "
            f"({', '.join(formats)})"
        )
        return fmt
    if wanted not in formats:
        raise click.UsageError(
            f"-o {output}: a {output.suffix} file needs the {wanted} format, which this "
            f"command does not write ({', '.join(formats)}); pass --format or another name"
        )
    return wanted


_FORMAT_NOTE = "rotation_solver.format_note"
# suffix: (what opens it, a suffix we write that it also opens, that suffix's format)
_OFFICE_SUFFIXES = {
    **dict.fromkeys((".xlsx", ".xlsm", ".xls", ".ods", ".numbers"), ("spreadsheet", ".csv", "csv")),
    **dict.fromkeys(
        (".docx", ".doc", ".odt", ".pages", ".rtf"), ("word processor", ".txt", "table")
    ),
}


def announce_written(output: Path, what: str) -> None:
    """Say on stderr what was written where, as the picture's line does (a silent write
    left a new user unsure), after the note on a --format its suffix does not name."""
    note = click.get_current_context().meta.pop(_FORMAT_NOTE, None)
    if note:
        click.echo(note, err=True)
    click.echo(f"{what} written to {output}", err=True)


def _suffixes(formats: tuple[str, ...]) -> str:
    """The suffixes that name these formats, one per format (.md, not also .markdown)."""
    first: dict[str, str] = {}
    for suffix, fmt in SUFFIX_FORMATS.items():
        if fmt in formats:
            first.setdefault(fmt, suffix)
    return ", ".join(first.values())


def output_options(formats: tuple[str, ...]) -> Callable[[F], F]:
    def decorate(command: F) -> F:
        @functools.wraps(command)
        def func(*args: Any, **kwargs: Any) -> Any:
            kwargs["fmt"] = _format_for(kwargs["fmt"], kwargs.get("output"), formats)
            return command(*args, **kwargs)

        func = click.option(
            "--force", is_flag=True, help="Overwrite the --output file if it already exists."
        )(func)
        func = click.option(
            "-o",
            "--output",
            type=FilePath(dir_okay=False),
            callback=_dash_is_stdout,
            help="Write to this file instead of standard output "
            "(an existing file is never overwritten without --force; `-` is standard "
            "output).",
        )(func)
        func = click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default=formats[0],
            show_default=True,
            help="Output format (without it, an --output file's suffix names it: "
            f"{_suffixes(formats)}).",
        )(func)
        return func  # type: ignore[return-value]

    return decorate


def _dash_is_stdout(
    _ctx: click.Context, _param: click.Parameter, value: Path | None
) -> Path | None:
    """`-o -` is standard output, as in most tools (found by review: it wrote a file
    named `-`)."""
    return None if value is not None and str(value) == "-" else value


class FilePath(click.Path):
    """A file argument or option; an empty name is a usage error, not the current folder."""

    def __init__(self, **kwargs: Any) -> None:
        # An unreadable input is bad input (exit 1, said by the loader), not a usage error.
        kwargs.setdefault("readable", False)
        super().__init__(path_type=Path, **kwargs)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("is empty: give a file name", param, ctx)
        if isinstance(value, str) and value.rstrip().endswith(("/", os.sep)):
            self.fail(f"{value!r} names a folder: give a file name", param, ctx)
        return super().convert(value, param, ctx)


def load(path: Path, **overrides: Any) -> LoadedScenario:
    """Load a scenario; its warnings go to standard error, whatever the output format,
    so a misspelt column is seen even when the plan goes to a file or a pipe."""
    loaded = load_scenario(path, **overrides)
    warn(loaded.warnings)
    return loaded


def warn(warnings: Iterable[str]) -> None:
    """Warnings go to standard error, one per line, in every output format."""
    err = Console(stderr=True, highlight=False)
    for warning in warnings:
        err.print(Text.assemble(("warning:", "yellow"), " ", warning), soft_wrap=True)


def warn_about_plan(loaded: LoadedScenario, payload: dict[str, Any]) -> None:
    """The plan's own warnings (the scenario's were shown when it was loaded)."""
    warn(w for w in payload.get("warnings", []) if w not in loaded.warnings)


def refuse_overwrite(path: Path | None, force: bool, option: str) -> None:
    """Never overwrite an existing file unless --force was given; the folder must exist."""
    if path is None:
        return
    files.output_target(path)
    files.note_output(path, force=force)
    if path.exists() and not force:
        raise OutputError(
            Problem(str(path), "already exists; pass --force to overwrite it", field=option)
        )
    if not path.parent.is_dir():
        # Found by review: a file on the way was called a missing folder.
        missing = next((p for p in reversed(path.parents) if not p.is_dir()), path.parent)
        why = (
            f"{str(missing)!r} is a file, not a folder"
            if missing.exists()
            else "the folder does not exist"
        )
        raise OutputError(Problem(str(path), why, field=option))
    if not os.access(path.parent, os.W_OK):
        raise OutputError(Problem(str(path), "the folder is not writable", field=option))


def _columns(default: int) -> int:
    """$COLUMNS when it is set to a sane width, else `default`."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return default
    return columns if 40 <= columns <= 400 else default


def plain_table(
    table: Callable[[dict[str, Any], Console], None], payload: dict[str, Any], width: int
) -> str:
    """A rich table as plain text for a pipe, a file or a log: `width` columns, no colour,
    no trailing spaces."""
    buffer = io.StringIO()
    table(payload, Console(file=buffer, width=width, no_color=True, highlight=False))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def table_to_stderr(
    table: Callable[[dict[str, Any], Console], None], payload: dict[str, Any]
) -> None:
    """A table on stderr: the terminal's width there, else a log file's long plain lines
    (140 columns, no padding) rather than 80 padded ones."""
    console = Console(stderr=True, highlight=False)
    if console.is_terminal:
        table(payload, console)
    else:
        click.echo(plain_table(table, payload, 140), err=True, nl=False)


def emit_calendar(
    payload: dict[str, Any],
    output: Path | None,
    table: Callable[[dict[str, Any], Console], None],
    calendar: Callable[[], bytes] | None,
    nothing: str,
) -> None:
    """A calendar to stdout or to `output` (whole or not at all). With nothing to put in
    it (`calendar` None), the report goes to stderr, saying `nothing`, and no file is
    written."""
    if calendar is None:
        table_to_stderr(table, payload)
        click.echo(f"{nothing}, so no calendar was written", err=True)
        return
    data = calendar()
    if output is None:
        click.echo(data, nl=False)
    else:
        files.write_bytes(output, data)
        announce_written(output, "calendar")


def emit(
    payload: dict[str, Any],
    fmt: str,
    output: Path | None,
    table: Callable[[dict[str, Any], Console], None],
    text: Callable[[dict[str, Any]], str] | None = None,
    width: int = 120,
) -> None:
    """Write one format to stdout or to `output` (whole or not at all): `table` draws
    the rich table, `text` renders every other format. A terminal keeps its own
    width; a pipe or a file gets $COLUMNS or `width` columns, as plain text without
    trailing spaces (it is pasted into emails and notes)."""
    if fmt == "table":
        console = Console(highlight=False)
        if output is None and console.is_terminal:
            table(payload, console)
            return
        rendered = plain_table(table, payload, _columns(width))
        warnings = payload.get("warnings") if isinstance(payload, dict) else None
        if output is not None and warnings:
            # A table saved to a file keeps the warnings the terminal shows on stderr
            # (found by review: a forwarded plan.txt lost them).
            rendered += "\n" + "".join(f"warning: {w}\n" for w in warnings)
    else:
        assert text is not None, f"no renderer for {fmt}"
        rendered = text(payload)
    write_output(rendered, output, fmt)


def write_output(text: str, output: Path | None, fmt: str) -> None:
    """`text` to stdout, or to `output` (whole or not at all) with a word on stderr. A
    CSV file with any non-ASCII text starts with a UTF-8 byte-order mark, without which
    Excel reads it as Windows-1252 (found by review: "Müller" showed as "MÃ¼ller"); an
    ASCII file and standard output (a pipe) stay plain."""
    if output is None:
        click.echo(text, nl=False)
        return
    if fmt == "csv" and not text.isascii():
        text = "\ufeff" + text
    files.write_text(output, text)
    announce_written(output, fmt)


PLOT_FORMATS = ("png", "svg", "pdf")  # matplotlib loads only when a picture is drawn


def _check_plot_suffix(
    _ctx: click.Context, _param: click.Parameter, value: Path | None
) -> Path | None:
    if value is not None and value.suffix.lower().lstrip(".") not in PLOT_FORMATS:
        raise click.BadParameter(f"{value}: the picture must end in .png, .svg or .pdf")
    return value


def plot_option(what: str) -> Callable[[F], F]:
    """`--plot FILE.png|svg|pdf`: also draw WHAT (shared by every command with a picture)."""

    def decorate(func: F) -> F:
        return click.option(
            "--plot",
            "plot",
            type=FilePath(dir_okay=False),
            callback=_check_plot_suffix,
            metavar="FILE.png|svg|pdf",
            help=f"Also draw {what} (PNG, SVG or PDF, by the suffix); never over an "
            "existing file without --force.",
        )(func)

    return decorate


def refuse_output_files(output: Path | None, plot: Path | None, force: bool) -> None:
    """Before any work: the document and the picture are two files, neither overwritten
    unasked."""
    refuse_overwrite(output, force, "--output")  # first: a symlink loop is named there
    refuse_overwrite(plot, force, "--plot")
    if output is not None and plot is not None and files.real_path(output) == files.real_path(plot):
        raise click.UsageError("--output and --plot name the same file; give each its own")
