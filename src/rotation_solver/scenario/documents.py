"""Read YAML, JSON and TOML documents into plain data plus a map of source positions.

Positions let every later error say `file:line:column`. YAML dates and floats
are kept as exact text/Decimal: the schema parses dates itself (so an
impossible date is a located error, not a crash) and money/probabilities stay
exact.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from rotation_solver import files
from rotation_solver.errors import InputError, Problem, too_long_number
from rotation_solver.scenario.schema import month_length_note
from rotation_solver.scenario.toml_positions import toml_positions

KeyPath = tuple[str | int, ...]
MAX_BYTES = 20_000_000  # far above any real scenario (2,000 inline programs is ~1 MB)
CATALOG_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls")  # a catalog, never a YAML document
MAX_VALUES = 500_000  # YAML aliases can make a small file expand without end


def _json_hint(text: str, error: json.JSONDecodeError) -> tuple[str, int, int]:
    """What the parser's words usually mean, and where (found by review: a trailing comma
    was "Expecting property name enclosed in double quotes", at the next line's brace)."""
    at = text[error.pos : error.pos + 1]
    before = text[: error.pos].rstrip()
    if before.endswith(",") and at and at in "}]":  # not at the end of a cut-off file
        comma = len(before) - 1
        line = text.count("\n", 0, comma) + 1
        column = comma - (text.rfind("\n", 0, comma) + 1) + 1
        return "; a comma after the last item: JSON allows none, so delete it", line, column
    if not at:
        return "; the file ends before its last } or ]: is it cut short?", error.lineno, error.colno
    if at == "'":
        return '; JSON writes text and keys in double quotes (")', error.lineno, error.colno
    if at == "/":
        return "; JSON has no comments: delete them", error.lineno, error.colno
    return "", error.lineno, error.colno


def _toml_line(text: str, line: int | None) -> str | None:
    """Line `line` as TOML counts lines: at "\n" only (found by review: `splitlines`
    also breaks at U+2028 or a form feed, and read the wrong line)."""
    lines = text.split("\n")
    return lines[line - 1].rstrip("\r") if line is not None and 1 <= line <= len(lines) else None


def _toml_hint(text: str, line: int | None, message: str) -> str:
    """The usual cause of TOML's terser errors (found by review)."""
    written = _toml_line(text, line)
    if written is None:
        return ""
    key, _, value = (part.strip() for part in written.partition("="))
    if message.startswith("Cannot overwrite a value"):
        if re.fullmatch(r"[A-Za-z0-9_-]+", key):
            return f"; {key!r} is set twice: keep one"
        # `x.y = 2` after `x = 1`, or a [table] after a key of that name (found by review)
        return "; a key or table is set twice, or a value is used as a table: keep one"
    if message.startswith("Unescaped '\\'"):
        # A Windows path in double quotes (found by review).
        return (
            "; inside double quotes a \\ starts an escape: write folders with /, or put "
            "the value in single quotes ('data\\programs.csv')"
        )
    if message.startswith("Invalid value") and re.fullmatch(r"[A-Za-z_][\w-]*", value):
        if value.lower() in ("true", "false"):
            return f"; write true or false, in lower case (got {value})"
        return (
            f'; bare words are not TOML values: text takes double quotes ({key} = "{value}"), '
            "true/false, numbers and dates none"
        )
    return ""


def _yaml_float(constructor: Any, node: Any) -> Any:
    text = str(node.value).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        # .inf / .nan (YAML spellings): the schema rejects them with a position.
        return float(text.lower().lstrip(".").replace("-.", "-").replace("+.", "+"))


class _TooLong(ValueError):
    """An integer too long to read, where it is in the file."""

    def __init__(self, error: ValueError, line: int, column: int):
        super().__init__(str(error))
        self.line, self.column = line, column


def _yaml_int(constructor: Any, node: Any) -> Any:
    try:
        return RoundTripConstructor.construct_yaml_int(constructor, node)
    except ValueError as error:  # Python's digit limit: say where (found by review)
        raise _TooLong(error, node.start_mark.line + 1, node.start_mark.column + 1) from None


class _ExactConstructor(RoundTripConstructor):
    """Round-trip constructor that keeps dates as text and floats as Decimal."""


_ExactConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda constructor, node: str(node.value)
)
_ExactConstructor.add_constructor("tag:yaml.org,2002:float", _yaml_float)
_ExactConstructor.add_constructor("tag:yaml.org,2002:int", _yaml_int)


@dataclass
class Document:
    """Plain data read from a file, with the (line, column) of each key and value."""

    path: Path
    data: Any
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    value_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    values_read: int = 0

    def position(self, loc: KeyPath, *, key: bool = False) -> tuple[int | None, int | None]:
        """The best known position for `loc`: itself, else its nearest located parent."""
        table = self.key_positions if key else self.value_positions
        for cut in range(len(loc), -1, -1):
            prefix = loc[:cut]
            if prefix in table:
                return table[prefix]
            if prefix in self.value_positions:
                return self.value_positions[prefix]
        return (None, None)

    def problem(self, loc: KeyPath, message: str, *, key: bool = False) -> Problem:
        line, column = self.position(loc, key=key)
        return Problem(str(self.path), message, line, column, dotted(loc) or None)


def dotted(loc: KeyPath) -> str:
    """`calendar.blocked[0].start` from a location tuple."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _plain(node: Any, loc: KeyPath, doc: Document) -> Any:
    # ruamel positions are 0-based; users count from 1.
    doc.values_read += 1
    if doc.values_read > MAX_VALUES:
        raise InputError(
            Problem(
                str(doc.path),
                f"more than {MAX_VALUES:,} values once YAML aliases (*name) are expanded",
            )
        )
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key, value in node.items():
            child = (*loc, str(key))
            try:
                kl, kc = node.lc.key(key)
                doc.key_positions[child] = (kl + 1, kc + 1)
                vl, vc = node.lc.value(key)
                # A key with nothing after it (its lines commented out): ruamel puts the
                # value where the next token is, another key's line (found by review).
                if value is None:
                    vl, vc = kl, kc
                doc.value_positions[child] = (vl + 1, vc + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            out[str(key)] = _plain(value, child, doc)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = (*loc, index)
            try:
                il, ic = node.lc.item(index)
                doc.value_positions[child] = (il + 1, ic + 1)
                doc.key_positions[child] = (il + 1, ic + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            items.append(_plain(value, child, doc))
        return items
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    return node


def _exact_numbers(value: Any) -> Any:
    # TOML and JSON give floats; money and probabilities must stay exact decimals.
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {str(k): _exact_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact_numbers(v) for v in value]
    return value


def _impossible_date_hint(text: str, line: int | None) -> str:
    """TOML reads 2027-07-32 as a broken date and reports the syntax around it ("Unclosed
    inline table"): name the impossible date on that line instead (found by review)."""
    written = _toml_line(text, line)
    if written is None:
        return ""
    for match in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", written):
        try:
            date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            note = month_length_note(int(match[1]), int(match[2]), int(match[3]))
            return f"; {match[0]} is not a real calendar date{f' ({note})' if note else ''}"
    return ""


def read_document(path: Path, kind: str = "scenario") -> Document:
    """Read a YAML, JSON or TOML file (a `kind` document); raise InputError naming the
    file and place."""
    with files.reading(str(path)):
        return _read_document(path, kind)


def _read_document(path: Path, kind: str) -> Document:
    files.existing_file(path, kind)
    if path.suffix.lower() in CATALOG_SUFFIXES:
        raise InputError(
            Problem(
                str(path),
                "is a program catalog; pass the scenario file (YAML, JSON or TOML) whose "
                "`programs:` names it",
            )
        )
    files.note_input(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(
            Problem(str(path), f"is {size:,} bytes; a {kind} file is at most {MAX_BYTES:,}")
        )
    text = files.read_utf8(path)
    if not text.strip():
        raise InputError(Problem(str(path), f"file is empty; expected a {kind} document"))
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            data = tomllib.loads(text, parse_float=Decimal)  # as YAML: exact, as written
        except tomllib.TOMLDecodeError as error:
            where = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
            message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
            line, column = (int(where[1]), int(where[2])) if where else (None, None)
            raise InputError(
                Problem(
                    str(path),
                    f"TOML syntax error: {message}{_toml_hint(text, line, message)}"
                    f"{_impossible_date_hint(text, line)}",
                    line,
                    column,
                )
            ) from None
        except RecursionError:
            raise InputError(Problem(str(path), "TOML nested too deeply")) from None
        except ValueError as error:  # an integer too long for Python to read (found by review)
            raise InputError(Problem(str(path), too_long_number(error))) from None
        keys, values = toml_positions(text)
        return Document(path, _exact_numbers(data), keys, values)
    if suffix == ".json":
        try:
            json.loads(text)  # JSON's own messages are clearer for JSON files
        except json.JSONDecodeError as error:
            hint, line, column = _json_hint(text, error)
            raise InputError(
                Problem(str(path), f"JSON syntax error: {error.msg}{hint}", line, column)
            ) from None
        except RecursionError:
            raise InputError(Problem(str(path), "JSON nested too deeply")) from None
        except ValueError as error:
            raise InputError(Problem(str(path), too_long_number(error))) from None
    return _read_yaml(path, text, kind)


def _no_break_space_hint(text: str, error_line: int | None) -> str:
    """A non-breaking space (pasted from a phone or a web page) looks like a space but is
    not one to YAML, which then errs a line or two later (found by review)."""
    lines = text.splitlines()[: error_line or None]
    # Where YAML needs a space: in the indentation or after a key's colon; one inside
    # a quoted name is valid (found by review: such a line was blamed). And near the
    # error, which YAML reports a line or two after the culprit.
    nearby = range(max(1, (error_line or len(lines)) - 2), len(lines) + 1)
    marked = [
        number
        for number in nearby
        if re.match(r"[ \t]*\u00a0", line := lines[number - 1]) or re.search(r":\u00a0", line)
    ]
    if not marked:
        return ""
    return (
        f"; line {marked[-1]} has a non-breaking space (U+00A0, as pasted from a web page or "
        "a phone), which YAML does not read as a space: type a plain space there"
    )


def _plain_words(
    text: str, error: MarkedYAMLError, what: str, line: int | None, column: int | None
) -> tuple[str, int | None, int | None]:
    """The parser's words for the slips people make, as a fix on the line that has it
    (found by review: a missing colon on line 13 was reported at line 14 as "could not
    find expected ':' (while scanning a simple key ...)")."""
    start = error.context_mark
    problem = error.problem or ""
    if problem.startswith("could not find expected ':'") and start is not None:
        written = (
            text.splitlines()[start.line].strip() if start.line < len(text.splitlines()) else ""
        )
        return (
            f"line {start.line + 1} has no ':' after its key ({written!r}): write "
            "`key: value`, with a space after the colon",
            start.line + 1,
            start.column + 1,
        )
    if "found character '\\t'" in problem or "found character '\t'" in problem:
        lines = text.splitlines()
        written = lines[line - 1] if line is not None and line <= len(lines) else ""
        before = written[: column - 1] if column is not None else ""
        where = (
            "YAML indents with spaces only"
            if not before.strip()
            else "YAML separates a key from its value with a space"
            if before.rstrip().endswith(":")
            else "YAML takes only spaces between words here"
        )
        return f"a tab; {where}: replace the tab with spaces", line, column
    if problem == "mapping values are not allowed here" and line is not None:
        if (missing := _key_without_colon(text, line)) is not None:
            number, written = missing
            return (
                f"line {number} has no ':' after its key ({written.strip()!r}): write "
                "`key: value`, "
                "with a space after the colon",
                number,
                len(written) - len(written.lstrip()) + 1,
            )
        return (
            f"{what}: this line's indentation does not match the lines above it (a list "
            "item's keys line up under the first one, after '- '), or a value holds ': ' "
            "and needs quotes",
            line,
            column,
        )
    if "but found '<scalar>'" in problem:
        # Text after a closing quote (found by review: 'it's fine' read as indentation),
        # or after a closing bracket (found by review: called a quote).
        lines = text.splitlines()
        written = lines[line - 1] if line is not None and line <= len(lines) else ""
        before = written[: column - 1].rstrip() if column is not None else ""
        if before.endswith(("}", "]")):
            return (
                f"{what}: text after a closing bracket; move it inside the brackets, or "
                "after a '#' as a comment",
                line,
                column,
            )
        return (
            f"{what}: text after a closing quote; a quoted value ends at its quote: write "
            "an apostrophe inside single quotes twice ('it''s'), or use double quotes",
            line,
            column,
        )
    if "escape" in problem and line is not None:
        # Found by review: a Windows path in double quotes ("data\\programs.csv") read
        # as an escape, with the parser's words alone.
        return (
            f"{what}: inside double quotes a \\ starts an escape (\\n, \\t, ...); write "
            "folders with /, or put the value in single quotes",
            line,
            column,
        )
    block = ("'<block sequence start>'", "'<block mapping start>'", "'?'")
    if "expected <block end>" in problem and any(found in problem for found in block):
        # Found by fuzzing: a list or mapping indented off its siblings.
        return (
            f"{what}: this line's indentation does not match the lines above it (a list "
            "under a key is indented the same for every item; keys of one mapping line up)",
            line,
            column,
        )
    return what, line, column


def _key_without_colon(text: str, line: int) -> tuple[int, str] | None:
    """The line whose key lacks its colon, where YAML reports the next one ("mapping
    values are not allowed here"): a key written before a flow value on the line itself
    (`window {start: ...}`), or the line above at the same indentation, with no colon at
    all (`version 1` above `name: ...`). Found by fuzzing."""
    lines = text.splitlines()
    here = lines[line - 1] if line <= len(lines) else ""
    if re.match(r"\s*[A-Za-z_][\w-]*\s+[\[{]", here):
        return line, here.rstrip()
    indent = len(here) - len(here.lstrip())
    written = [
        (number, lines[number - 1])
        for number in range(line - 1, 0, -1)
        if lines[number - 1].strip() and not lines[number - 1].lstrip().startswith("#")
    ]
    if not written:
        return None
    number, above = written[0]
    same = len(above) - len(above.lstrip()) == indent
    if not same or ":" in above or above.lstrip().startswith("-"):
        return None
    # Both look like keys: an identifier before a value above, and one before its colon
    # here. A value wrapped under its key ("name:", then "US-IMG student with Step 2",
    # then "CK 246: no home radiology") is no key: its ': ' is the slip (found by review).
    key = r"\s*[A-Za-z_][\w-]*"
    if not re.match(key + r"\s+\S", above) or not re.match(key + r":(\s|$)", here):
        return None
    return number, above.rstrip()


def _read_yaml(path: Path, text: str, kind: str) -> Document:
    yaml = YAML(typ="rt")
    yaml.Constructor = _ExactConstructor
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or str(error).splitlines()[0]
        if "duplicate key" in str(error):
            what = (
                "duplicate key " + str(error).split("duplicate key", 1)[1].split(" with")[0].strip()
            )
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        start = error.context_mark
        elsewhere = start is not None and (
            mark is None or (start.line, start.column) != (mark.line, mark.column)
        )
        if error.context and elsewhere and start is not None and "duplicate key" not in what:
            # Where the trouble began (found by review: an unclosed quote on line 2 was
            # reported only at the end of the file, line 4).
            what += f" ({error.context} that starts at line {start.line + 1}, column "
            what += f"{start.column + 1})"
        what, line, column = _plain_words(text, error, what, line, column)
        what += _no_break_space_hint(text, line)
        # Valid JSON is read as YAML for its positions: name the format the user wrote.
        language = "JSON" if path.suffix.lower() == ".json" else "YAML"
        raise InputError(
            Problem(str(path), f"{language} syntax error: {what}", line, column)
        ) from None
    except ReaderError as error:
        # A character YAML refuses (a NUL byte): its line and column, not its offset.
        before = text[: error.position]
        line = before.count("\n") + 1
        column = error.position - (before.rfind("\n") + 1) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise InputError(
            Problem(
                str(path),
                f"YAML cannot hold the character U+{code:04X} ({error.reason}); remove it",
                line,
                column,
            )
        ) from None
    except _TooLong as error:
        raise InputError(
            Problem(str(path), too_long_number(error), error.line, error.column)
        ) from None
    except (YAMLError, ValueError) as error:
        raise InputError(Problem(str(path), f"YAML error: {error}")) from None
    except RecursionError:
        raise InputError(Problem(str(path), "YAML nested too deeply")) from None
    doc = Document(path, None)
    try:
        doc.data = _plain(raw, (), doc)
    except RecursionError:
        raise InputError(Problem(str(path), "YAML nested too deeply")) from None
    if raw is None:
        raise InputError(Problem(str(path), f"file is empty; expected a {kind} document"))
    return doc
