"""The `rotation-solver` click group: domain errors become clear messages and the
contract's exit codes (spec section 8), and no traceback unless `--debug`."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from rotation_solver import files
from rotation_solver.cli.options import debug_option
from rotation_solver.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_SYSTEM, InputError
from rotation_solver.verify import PlanRejected


class RotationGroup(click.Group):
    """Turns domain errors into clear messages and the contract's exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        files.start_run()  # each command protects its own inputs (tests run many)
        try:
            return super().invoke(ctx)
        except InputError as error:
            if ctx.meta.get("debug"):
                raise
            err = Console(stderr=True, highlight=False, soft_wrap=True)
            for problem in error.problems:
                err.print(Text.assemble(("error:", "bold red"), " ", str(problem)))
            ctx.exit(error.exit_code)
        except PlanRejected as error:
            if ctx.meta.get("debug"):
                raise
            click.echo(f"internal error (please report): {error}", err=True)
            ctx.exit(EXIT_INTERNAL)
        except OSError as error:
            # Click handles a closed pipe (`| head`) itself; any other failure to write
            # (a full disk, /dev/full) is the machine's, not a bug: say so, no traceback.
            if error.errno == errno.EPIPE or ctx.meta.get("debug"):
                raise
            _cannot_write(error)
            ctx.exit(EXIT_SYSTEM)
        except KeyboardInterrupt:
            # Click would say "Aborted!" and exit 1, which the contract keeps for
            # bad input; 130 is the shell's code for Ctrl-C. A second Ctrl-C now
            # would only garble the exit.
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            if ctx.meta.get("debug"):
                raise
            click.echo("\ninterrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


def _cannot_write(error: OSError) -> None:
    """Say that the output could not be written, once, on stderr if it works."""
    # Which standard stream failed cannot be told once the write has failed.
    where = f" ({error.filename})" if error.filename else ""
    _say_on_stderr(f"error: cannot write the output{where}: {error.strerror or error}")
    # What is still buffered would fail again at exit, with a traceback.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115


def _say_on_stderr(message: str) -> None:
    """Write to stderr even if Python's stdout/stderr buffers are in a failed state."""
    with contextlib.suppress(OSError):
        os.write(2, (message + "\n").encode("utf-8", "replace"))


@click.group(cls=RotationGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rotation-solver")
@debug_option
def cli() -> None:
    """Plan away rotations for a US-citizen IMG applying to diagnostic radiology.

    A scenario file (YAML, JSON or TOML) names the calendar, budget, documents and
    a catalog of programs; `solve` picks the rotations with the highest expected letter
    and audition value, proves the plan optimal with CP-SAT, and re-checks it
    independently.

    \b
    Quick start:
        rotation-solver validate scenarios/example/scenario.yaml
        rotation-solver solve scenarios/example/scenario.yaml
        rotation-solver solve scenarios/example/scenario.yaml --format json -o plan.json
        rotation-solver check scenarios/example/scenario.yaml plan.json
        rotation-solver timeline scenarios/example/scenario.yaml
        rotation-solver compare scenarios/example/scenario.yaml --budgets 6000,8000,10000
        rotation-solver apply scenarios/example/scenario.yaml --max-applications 8

    Exit codes: 0 plan, 1 bad input, 2 usage, 3 infeasible, 4 no plan in time.
    """


def main() -> None:
    """Console-script entry point."""
    try:
        try:
            cli.main(standalone_mode=True)
        finally:
            # What is still buffered is written now, where a failure is reported, not at
            # exit, where Python would drop it with exit 0 (found by review).
            if sys.stdout is not None:  # `>&-`, or no console at all
                sys.stdout.flush()
    except OSError as error:  # --help or --version to a full disk, or the last flush
        if error.errno == errno.EPIPE:
            raise
        _cannot_write(error)
        sys.exit(EXIT_SYSTEM)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
