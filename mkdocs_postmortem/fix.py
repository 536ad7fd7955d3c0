"""`check --fix`: the mechanical fixes of reported findings, applied to the page's text and nothing else.

A fix is an `Edit` that the parser attached to a divergence (PM003, PM004): one line, whose current
text it names, becomes other lines. Only edits of findings the configuration reports are applied
(a rule turned off or waived is left alone), each only if its line still reads as expected; line
endings, a byte-order mark and every other byte of the file stay as they were.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from .checker import Checker
from .fidelity import reporting_rule
from .model import Edit

MAX_PASSES = 5  # a fix can reveal another (a blank line ends a table, and the next element is then seen)
_LINE_END = re.compile(r"(\r\n|\r|\n)")


@dataclass(frozen=True)
class Applied:
    """One fix made: where (a line of the text it was made to), for which rule, what it did."""

    line: int
    rule: str
    description: str


@dataclass(frozen=True)
class FixedText:
    original: str
    fixed: str
    applied: list[Applied]

    def diff(self, name: str) -> str:
        """A unified diff of the change, as `git diff` shows one."""
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True), self.fixed.splitlines(keepends=True), f"a/{name}", f"b/{name}"
            )
        )


def fix_text(checker: Checker, display: str, text: str) -> FixedText:
    """Apply every fix the findings of `text` call for, re-checking after each pass."""
    current, applied = text, []
    for _ in range(MAX_PASSES):
        checked = checker.check_pages({display: current.encode("utf-8")})[display]
        reported = {(finding.rule, finding.line) for finding in checked.findings}
        extensions = checker.context.markdown_extensions
        edits = [
            (divergence.edit, rule, divergence.fix)
            for divergence in checked.postmortem.divergences
            if divergence.edit is not None
            and (rule := reporting_rule(divergence, extensions)) is not None
            and (rule, divergence.line) in reported
        ]
        current, done = _apply(current, edits)
        if not done:
            break
        applied += done
    return FixedText(text, current, applied)


def _apply(text: str, edits: list[tuple[Edit, str, str]]) -> tuple[str, list[Applied]]:
    """The text with the edits made from the bottom up (so earlier line numbers hold)."""
    parts = _LINE_END.split(text)  # content, line end, content, …, content
    lines = parts[0::2]
    ends = [*parts[1::2], ""]
    newline = max(set(parts[1::2]), key=parts[1::2].count) if len(parts) > 1 else "\n"
    applied: list[Applied] = []
    for edit, rule, description in sorted(edits, key=lambda e: e[0].line, reverse=True):
        index = edit.line - 1
        if not 0 <= index < len(lines) or lines[index] != edit.old:
            continue  # the line is not what the edit was made for: leave it alone
        new_lines = edit.new.split("\n")
        lines[index : index + 1] = new_lines
        ends[index : index + 1] = [newline] * (len(new_lines) - 1) + [ends[index]]
        applied.append(Applied(edit.line, rule, description))
    return "".join(line + end for line, end in zip(lines, ends, strict=True)), applied[::-1]


def decode(source: bytes) -> tuple[str, bool] | None:
    """The text of a page and whether it starts with a byte-order mark; None when it is not UTF-8."""
    try:
        return source.decode("utf-8-sig"), source.startswith(codecs.BOM_UTF8)
    except UnicodeDecodeError:
        return None


def write_text(path: Path, text: str, bom: bool) -> None:
    """Replace the file's content atomically, keeping its mode; a link is followed, never replaced."""
    target = Path(os.path.realpath(path))
    temporary = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    mode = target.stat().st_mode & 0o7777
    try:
        with temporary.open("xb") as stream:
            stream.write((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
