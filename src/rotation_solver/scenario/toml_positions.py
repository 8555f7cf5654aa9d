"""Where each key and value of a TOML document is, so that errors about values say
`file:line:column` as they do for YAML and JSON (`tomllib` gives data, no positions).

Only run on text `tomllib` has already read, so the syntax is known to be valid; the
scanner is still best effort: on anything it does not expect it stops, and the
positions found so far are kept (an error then names its nearest located parent).
"""

from __future__ import annotations

import bisect
import contextlib
import re

KeyPath = tuple[str | int, ...]
Positions = dict[KeyPath, tuple[int, int]]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")


class _Stop(Exception):
    """Something the scanner does not expect: keep what was found."""


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.keys: Positions = {}
        self.values: Positions = {}
        self.tables: dict[KeyPath, int] = {}  # [[array]] headers seen so far, per path
        # Where each line starts, found once: counting newlines for each key made a
        # 1,500-program inline catalog take 49 s to load (found by review).
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def where(self, offset: int | None = None) -> tuple[int, int]:
        offset = self.at if offset is None else offset
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def peek(self, length: int = 1) -> str:
        return self.text[self.at : self.at + length]

    def skip(self, newlines: bool) -> None:
        """Spaces, tabs, comments, and newlines too when `newlines`."""
        while self.at < len(self.text):
            char = self.text[self.at]
            if char in " \t\r" or (newlines and char == "\n"):
                self.at += 1
            elif char == "#":
                end = self.text.find("\n", self.at)
                self.at = len(self.text) if end < 0 else end
            else:
                return

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _Stop
        self.at += 1

    def key(self) -> tuple[str, ...]:
        """A bare, quoted or dotted key."""
        parts = []
        while True:
            self.skip(newlines=False)
            if self.peek() in ('"', "'"):
                start = self.at
                self.string()
                parts.append(_unquote(self.text[start : self.at]))
            else:
                match = _BARE_KEY.match(self.text, self.at)
                if not match:
                    raise _Stop
                parts.append(match[0])
                self.at = match.end()
            self.skip(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.at += 1

    def string(self) -> None:
        """Past one string of any of TOML's four kinds."""
        quote = self.peek()
        if self.peek(3) == quote * 3:
            end = self.text.find(quote * 3, self.at + 3)
            if end < 0:
                raise _Stop
            self.at = end + 3
            while self.peek() == quote:  # up to two quotes may end the content
                self.at += 1
            return
        self.at += 1
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == "\\" and quote == '"':
                self.at += 2
            elif char == quote:
                self.at += 1
                return
            elif char == "\n":
                raise _Stop
            else:
                self.at += 1
        raise _Stop

    def value(self, path: KeyPath) -> None:
        if self.at >= len(self.text):
            raise _Stop  # every loop below moves on, or stops here
        self.values[path] = self.where()
        char = self.peek()
        if char in ('"', "'"):
            self.string()
        elif char == "[":
            self.at += 1
            index = 0
            while True:
                self.skip(newlines=True)
                if self.peek() == "]":
                    self.at += 1
                    return
                self.keys[(*path, index)] = self.where()
                self.value((*path, index))
                index += 1
                self.skip(newlines=True)
                if self.peek() == ",":
                    self.at += 1
        elif char == "{":
            self.at += 1
            while True:
                self.skip(newlines=False)
                if self.peek() == "}":
                    self.at += 1
                    return
                self.pair(path)
                self.skip(newlines=False)
                if self.peek() == ",":
                    self.at += 1
        else:
            match = _SCALAR_END.search(self.text, self.at)
            end = len(self.text) if match is None else match.start()
            if end == self.at:
                raise _Stop
            self.at = end

    def located(self, path: KeyPath, offset: int) -> None:
        """`path` and the tables a dotted key or header makes on the way (`[a.b]` makes
        `a`: an unknown `a` is then named at that line)."""
        here = self.where(offset)
        for cut in range(1, len(path)):
            self.keys.setdefault(path[:cut], here)
            self.values.setdefault(path[:cut], here)
        self.keys[path] = here

    def pair(self, prefix: KeyPath) -> None:
        """`key = value`, its key and value located."""
        start = self.at
        path = (*prefix, *self.key())
        self.located(path, start)
        self.expect("=")
        self.skip(newlines=False)
        self.value(path)

    def header(self) -> KeyPath:
        """`[a.b]` or `[[a.b]]`: the prefix of the keys that follow."""
        start = self.at
        array = self.peek(2) == "[["
        self.at += 2 if array else 1
        path: KeyPath = self.key()
        if array:
            self.expect("]")
            index = self.tables.get(path, -1) + 1
            self.tables[path] = index
            path = (*path, index)
        self.located(path, start)
        self.values[path] = self.where(start)
        self.expect("]")
        return path

    def document(self) -> None:
        prefix: KeyPath = ()
        while True:
            self.skip(newlines=True)
            if self.at >= len(self.text):
                return
            if self.peek() == "[":
                prefix = self.header()
            else:
                self.pair(prefix)


def _unquote(quoted: str) -> str:
    inner = quoted[1:-1]
    return inner.encode().decode("unicode_escape") if quoted[0] == '"' else inner


def toml_positions(text: str) -> tuple[Positions, Positions]:
    """(key positions, value positions), 1-based (line, column), by location path."""
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop, IndexError, UnicodeError):
        scanner.document()
    return scanner.keys, scanner.values
