"""Input errors that point at a file and a place in it, and the contract's exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

# Not contract codes (spec section 8 has 0-4): a bug, reported as such, and Ctrl-C as
# shells report it.
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
# sysexits' EX_IOERR: the output could not be written (a full disk), not bad input.
EXIT_SYSTEM = 74


class ExitCode(IntEnum):
    """Exit codes of spec section 8."""

    PLAN = 0
    BAD_INPUT = 1
    USAGE = 2
    INFEASIBLE = 3
    NO_PLAN_IN_TIME = 4

    @classmethod
    def for_status(cls, status: str) -> ExitCode:
        """The exit code of a solve that ended with this status (optimal, feasible,
        infeasible or unknown)."""
        if status in ("optimal", "feasible"):
            return cls.PLAN
        if status == "infeasible":
            return cls.INFEASIBLE
        if status == "unknown":
            return cls.NO_PLAN_IN_TIME
        raise ValueError(f"not a solve status: {status!r}")


def column_letters(number: int) -> str:
    """A spreadsheet's name for a 1-based column number: 1 -> A, 27 -> AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, and where."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    # A spreadsheet's place reads as its cell ("J4"), not as a text file's line:column.
    spreadsheet: bool = False

    def __str__(self) -> str:
        where = self.file
        if self.spreadsheet and self.line is not None:
            cell = f"cell {column_letters(self.column)}{self.line}" if self.column else ""
            where += f", {cell or f'row {self.line}'}"
        elif self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class InputError(Exception):
    """Bad input: one or more problems, each naming its file and place."""

    exit_code: int = ExitCode.BAD_INPUT

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(InputError):
    """An output named on the command line cannot be written as asked (it exists and
    --force was not given, its folder is missing, it is an input of the run...): a
    command-line usage error, exit 2, like an output of the wrong kind."""

    exit_code = ExitCode.USAGE


class WriteError(InputError):
    """An output could not be written because of the machine (a full disk, a quota, an
    I/O error), not because of what was asked: exit 74, as for standard output."""

    exit_code = EXIT_SYSTEM


def too_long_number(error: ValueError) -> str:
    """Python's limit on an integer's digits, as a reader should see it (its own message
    says to call `sys.set_int_max_str_digits()`; found by review)."""
    if "digits" in str(error):
        return "a number has more than 4,300 digits; no value in a scenario or plan needs that many"
    return f"cannot read a value: {error}"
