"""How a heading or a cell reads once its decoration is set aside: emoji, `:shortcodes:`, emphasis,
numbers, parentheticals and attribute lists (`## 🧭 2. Timeline of events ⏱️ {#timeline}` → `timeline of events`)."""

from __future__ import annotations

import re
import unicodedata

# `:memo:` (pymdownx.emoji's shortcodes, Material's `:material-check:`), and the Unicode categories of
# emoji and what rides on them: symbols (So), skin tones (Sk), variation selectors (Mn), keycaps
# (Me), joiners (Cf), and emoji newer than this Python's Unicode tables (Cn).
_SHORTCODE = re.compile(r":[a-z0-9_+-]{1,60}:", re.IGNORECASE)
_SYMBOL_CATEGORIES = frozenset({"So", "Sk", "Mn", "Me", "Cf", "Cn"})
_PARENTHETICAL = re.compile(r"\s?\([^)]{0,200}\)")
_HEADING_NUMBER = re.compile(r"^\s*(?:section\s+)?(\d+)\s*[.):-]?\s*", re.IGNORECASE)
_ATTRIBUTE_LIST = re.compile(r"\s*\{:?\s*[#.][^{}]{0,200}\}$")  # `{#id .class}`, Python-Markdown's attr_list


def without_parentheticals(text: str) -> str:
    """`Mike Chen (Finance Champion)` → `Mike Chen`; white space folded."""
    return _PARENTHETICAL.sub("", " ".join(text.split())).strip()


def marks_end(text: str) -> int:
    """Where `text` starts once leading emoji, `:shortcode:`s, emphasis marks and spaces are skipped."""
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == ":" and (match := _SHORTCODE.match(text, index)):
            index = match.end()
        elif char in " \t*_" or unicodedata.category(char) in _SYMBOL_CATEGORIES:
            index += 1
        else:
            break
    return index


def _without_marks(text: str) -> str:
    """`🧭 Timeline`, `:memo: Summary`, `**✔️ Done**` → the text after its leading emoji, shortcodes and emphasis."""
    return text[marks_end(text) :]


def heading_parts(text: str) -> tuple[int | None, str]:
    """`## 🧭 2. Timeline of events ⏱️ {#timeline}` → (2, `timeline of events`)."""
    text = _without_marks(_ATTRIBUTE_LIST.sub("", " ".join(text.split())))
    number = None
    if match := _HEADING_NUMBER.match(text):
        number, text = int(match[1]), _without_marks(text[match.end() :])
    text = without_parentheticals(text)
    while text and unicodedata.category(text[-1]) in _SYMBOL_CATEGORIES:  # a trailing emoji
        text = text[:-1]
    return number, " ".join(text.strip().rstrip(".:;!?").split()).casefold().replace("’", "'")


def normalise_heading(text: str) -> str:
    """`## 6. Root Cause (5 whys):` → `root cause`; leading emoji and `:shortcodes:` are dropped too."""
    return heading_parts(text)[1]
