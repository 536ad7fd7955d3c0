"""Mending: the page re-read as MkDocs renders it, and every place the two readings differ mended."""

from __future__ import annotations

import difflib
import re

from ..fidelity import reporting_rule
from ..parse import parse_postmortem
from ..template import Template

_ANY_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
MEND_PASSES = 8


def mend(text: str, template: Template) -> str:
    """Every place where MkDocs would render the page otherwise than `check` reads it, mended: the
    edits `check --fix` makes, and for what it leaves to a person, a comment between two lists of
    different kinds, an item's paragraph indented by four, a `#` at the start of text escaped."""
    for _ in range(MEND_PASSES):
        postmortem = parse_postmortem("import.md", text, template)
        found = [d for d in postmortem.divergences if reporting_rule(d, frozenset()) is not None]
        if not found:
            break
        lines = text.split("\n")
        changed = False
        for divergence in sorted(found, key=lambda d: d.line, reverse=True):
            index = divergence.line - 1
            if not 0 <= index < len(lines):
                continue
            if divergence.edit is not None:
                if lines[index] == divergence.edit.old:
                    lines[index : index + 1] = divergence.edit.new.split("\n")
                    changed = True
            elif divergence.kind == "list-joins-list":
                lines[index:index] = ["<!-- -->", ""]
                changed = True
            elif divergence.kind == "heading-without-space":
                lines[index] = re.sub(r"^([ \t>]*)#", r"\1\\#", lines[index], count=1)
                changed = True
            elif divergence.kind == "item-paragraph":
                last = index
                while last + 1 < len(lines) and lines[last + 1].strip() and not _ANY_MARKER.match(lines[last + 1]):
                    last += 1
                for number in range(index, last + 1):
                    width = len(lines[number]) - len(lines[number].lstrip(" \t"))
                    if width < 4:
                        lines[number] = " " * (4 - width) + lines[number]
                if last + 1 < len(lines) and lines[last + 1].strip():
                    lines.insert(last + 1, "")
                changed = True
        text = "\n".join(lines)
        if not changed:
            break
    return text


def line_map(before: str, after: str) -> list[int]:
    """For each line of `after` (`before` with lines inserted or changed), its line in `before`."""
    old, new = before.split("\n"), after.split("\n")
    result = [0] * len(new)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, old_start, _, new_start, new_end in matcher.get_opcodes():
        for offset in range(new_end - new_start):
            result[new_start + offset] = min(old_start + (offset if tag == "equal" else 0), len(old) - 1) + 1
    return result
