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
