"""Words made from values: a count with its noun (`3 days`), and a name as a slug for anchors and IDs."""

from __future__ import annotations

import re

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """The count and its noun: `1 day`, `3 days`; `plural_form` for a noun that does not take an s
    (`plural(2, "info", "info")`)."""
    return f"{count} {noun if count == 1 else plural_form if plural_form is not None else noun + 's'}"


def slugify(text: str) -> str:
    """ASCII letters and digits, case folded (`ß` reads `ss`), every other run of characters one
    hyphen, none at either end: `Finance Bot / EU` → `finance-bot-eu`. Empty when none is left."""
    return _NOT_SLUG.sub("-", text.casefold()).strip("-")


# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
# overrides and isolates (which reorder what a terminal shows).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` safe to print on one line of a terminal or a CI log: a tab as a space, every other control
    character and line break as its escape (`\\n`, `\\x1b`, `\\u202e`), so nothing a page says can
    start a new log line, forge a CI annotation or drive the terminal."""
    return _UNPRINTABLE.sub(lambda m: " " if m[0] == "\t" else m[0].encode("unicode_escape").decode("ascii"), text)
