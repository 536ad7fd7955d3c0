"""Words: what "nothing is lost" means, and text without its emphasis markup."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W_]+")
_CHECKBOX = re.compile(r"(?m)^([ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[[ xX]\]")
_ORDERED_MARKER = re.compile(r"(?m)^([ \t>]*)\d{1,9}[.)](?=[ \t]|$)")
EMPHASIS = re.compile(r"[*_`]*")


def word_counts(text: str) -> Counter[str]:
    """The words of `text`, case-folded, numbers without leading zeros (`09` is `9`)."""
    return Counter((w.lstrip("0") or "0") if w.isdigit() else w.casefold() for w in _WORD.findall(text))


def markup_free(text: str) -> str:
    """The words a reader sees: a task list's `[x]` and an ordered list's numbers are markup."""
    return _ORDERED_MARKER.sub(r"\1", _CHECKBOX.sub(r"\1", text))


def covered(text: str, by: str) -> bool:
    return not (word_counts(text) - word_counts(by))


def plain_text(text: str) -> str:
    return re.sub(r"[*_`]+", "", text).strip()
