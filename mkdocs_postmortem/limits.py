"""Explicit limits where the parsers have none, so that hostile input costs seconds, not hours.

`prescan` is cheap (C-speed scans of the bytes) and runs before anything parses a page: the plugin
uses it to keep such a page away from MkDocs' own Markdown renderer (which recurses and backtracks on
it), and the parser to refuse the page with a PM001 finding instead of reading it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_FILE_BYTES = 2_000_000  # a post-mortem is a few kilobytes; 2 MB is far beyond any real one
MAX_LINE_CHARS = 50_000
MAX_TABLE_ROWS = 5_000
MAX_NESTING = 100  # lists or block quotes inside each other
MAX_FRONT_MATTER_BYTES = 64_000
MAX_YAML_NODES = 10_000  # after expanding aliases: a "billion laughs" document stops here

# Both match at a newline (searched in the text with a newline put before it): a literal first
# character lets the regular expression engine skip to candidates instead of trying every position.
_DEEP_MARKERS = re.compile(rb"\n(?:[ \t]*(?:[-*+>]|\d{1,9}[.)])(?:[ \t]+|(?=\n)|\Z)){%d}" % MAX_NESTING)
_DEEP_INDENT = re.compile(rb"\n[ \t]{%d}" % (MAX_NESTING * 2))


@dataclass(frozen=True)
class Refusal:
    """Why a page is not read: its 1-based line and a message."""

    line: int
    message: str


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def prescan(source: bytes) -> Refusal | None:
    """A reason to refuse the page unread, or None. UTF-8 validity is the decoder's business."""
    if len(source) > MAX_FILE_BYTES:
        return Refusal(
            1, f"the file is {megabytes(len(source))}, over the {megabytes(MAX_FILE_BYTES)} limit for a post-mortem"
        )
    if len(source) > MAX_LINE_CHARS:
        for number, line in enumerate(source.split(b"\n"), start=1):
            if len(line) > MAX_LINE_CHARS:
                return Refusal(number, f"line {number} has {len(line):,} characters, over the {MAX_LINE_CHARS:,} limit")
    lines = b"\n" + source
    if match := _DEEP_MARKERS.search(lines) or _DEEP_INDENT.search(lines):
        number = lines.count(b"\n", 0, match.start() + 1)
        return Refusal(number, f"lists or quotes nested more than {MAX_NESTING} levels deep")
    return None
