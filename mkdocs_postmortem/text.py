"""Words made from values: a count with its noun (`3 days`), a name as a slug for anchors and IDs, and
text made safe for where it goes: one terminal line (`printable`), an export (`exportable`)."""

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


# The control characters (Unicode category Cc) a page may not hold: all but the tab and the line feed
# (a carriage return is read as a line break in the page, so one left in a value came from an escape).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# What no export may carry: the control characters but tab and line feed (XML 1.0 forbids the C0 ones,
# RFC 5545 all of them but the tab in a text value, which escapes line breaks), lone surrogates (not
# encodable as UTF-8) and the noncharacters U+FFFE and U+FFFF (not XML characters). Those that are
# white space (vertical tab, form feed, the information separators, next line) become a space, so
# the words either side stay apart; a carriage return becomes a line feed; the rest are left out.
_NOT_EXPORTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_EXPORTABLE: dict[int, str | None] = {
    code: (" " if chr(code).isspace() else None)
    for code in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF)
}
_EXPORTABLE[0x0D] = "\n"


def exportable(text: str) -> str:
    """`text` as every export may carry it, and as a reader of any of them sees it: no control character
    but the tab and the line feed (a carriage return, alone or before a line feed, is one line feed;
    a vertical tab, form feed or next line a space; the others left out), no lone surrogate, no
    U+FFFE or U+FFFF. Text without any of these is returned as it is."""
    if _NOT_EXPORTABLE.search(text) is None:
        return text
    return text.replace("\r\n", "\n").translate(_EXPORTABLE)
