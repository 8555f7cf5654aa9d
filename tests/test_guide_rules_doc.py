"""`docs/guide-rules.md` names the test that covers each guide rule: every name must be a
test that exists, so a renamed test cannot leave the table pointing at nothing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_test_the_guide_rules_table_names_exists() -> None:
    text = (ROOT / "docs" / "guide-rules.md").read_text(encoding="utf-8")
    named = []
    for line in text.splitlines():
        module = None  # `file.py::test` sets the file; a bare `::test` reuses it
        for match in re.finditer(r"`(test_\w+\.py)?::(test_\w+)`", line):
            module = match.group(1) or module
            assert module is not None, line[:80]
            named.append((module, match.group(2)))
    assert len(named) > 100
    missing = [
        f"{module}::{test}"
        for module, test in named
        if f"def {test}(" not in (ROOT / "tests" / module).read_text(encoding="utf-8")
    ]
    assert missing == []
