"""Time stamps as teams write them (`**14:02**`, `Oct 21 2:51 PM`, `19:42 Uhr MESZ`) and their time zones."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .dates import leading_date
from .words import EMPHASIS

_ZONES: dict[str, int] = {
    "utc": 0, "gmt": 0, "z": 0, "wet": 0, "bst": 60, "cet": 60, "mez": 60, "west": 60, "cest": 120,
    "mesz": 120, "eet": 120, "eest": 180, "msk": 180, "est": -300, "edt": -240, "cdt": -300, "mst": -420,
    "mdt": -360, "pst": -480, "pdt": -420, "akst": -540, "akdt": -480, "hst": -600, "jst": 540, "kst": 540,
    "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780, "sgt": 480, "hkt": 480,
}  # fmt: skip
# Zones not sure enough to convert (India or Israel? US Central or China?), and words for local time.
_AMBIGUOUS_ZONES = ("IST", "CST", "AST", "PT", "ET", "CT", "MT", "local time", "local", "lokal", "Ortszeit")
_ZONE_NAMES = "|".join(sorted([*(z.upper() for z in _ZONES), *_AMBIGUOUS_ZONES], key=len, reverse=True))
# A zone after a time: abbreviations in capitals only (`14:02 et puis` is French, not Eastern Time).
_ZONE = re.compile(
    rf"[ \t]*\(?((?:UTC|GMT)[ \t]?[+-][ \t]?\d{{1,2}}(?::?\d{{2}})?|[+-]\d{{2}}:?\d{{2}}|(?:{_ZONE_NAMES})(?![\w]))\)?"
)
_ZONE_STATEMENT = re.compile(
    rf"(?<![\w+-])((?:UTC|GMT)[ \t]?[+-][ \t]?\d{{1,2}}(?::?\d{{2}})?|(?:{_ZONE_NAMES}))(?![\w])"
)
_ZONE_AFTER_TIME = re.compile(rf"\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:[ \t]*[Uu]hr)?{_ZONE.pattern}")
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2})(?::(\d{2}))?|\.(\d{2})(?=[ \t]*uhr\b)|(?=[ \t]?[ap]\.?m\b))(?![\d:])", re.I)
_AMPM = re.compile(r"[ \t]?([ap])\.?m\b\.?", re.IGNORECASE)
_UHR = re.compile(r"[ \t]*uhr\b", re.IGNORECASE)
_RANGE = re.compile(r"[ \t]*[–-][ \t]*\d{1,2}:\d{2}(?::\d{2})?")


_SEPARATOR = re.compile(r"[*_`]*[ \t]*(?:[—–:|→>-]+[ \t]*|[ \t]+|$)")
_APPROXIMATE = re.compile(
    r"(?:~|≈|ca\.?|circa|approx\.?|approximately|about|around|gegen|etwa|ungefähr)[ \t]*\d{1,2}(?:[:.h]\d{2}|xx)?"
    r"(?:[ \t]*(?:uhr|[ap]\.?m\.?|h)\b)?",
    re.IGNORECASE,
)


@dataclass
class Stamp:
    text: str  # the stamp as written, without emphasis
    rest: str  # what follows it: the event
    date: dt.date | None = None
    clock: tuple[int, int, int | None] | None = None  # hours, minutes, seconds
    zone: str | None = None  # the zone as written
    readable: bool = True


def read_stamp(text: str, year: int | None = None) -> Stamp | None:
    """The time stamp `text` starts with (`**14:02**`, `14:02 UTC —`, `2024-03-02 14:02:`, `Oct 21 2:51 PM`,
    `19:42 Uhr`), or None. A stamp in a zone that is not sure (`IST`) is returned unreadable."""
    lead = EMPHASIS.match(text)
    start = lead.end() if lead else 0
    position = start
    day, end = leading_date(text[position:], year)
    if day:
        position += end
        separator = re.match(r"(?:,|[ \t]*[,T@]|[ \t]+(?:at|um)\b)?[ \t]*", text[position:])
        after_date = position + (separator.end() if separator else 0)
    else:
        after_date = position
    clock_match = _CLOCK.match(text, after_date)
    clock: tuple[int, int, int | None] | None = None
    zone: str | None = None
    readable = True
    if clock_match:
        hours = int(clock_match[1])
        minutes = int(clock_match[2] or clock_match[4] or 0)
        seconds = int(clock_match[3]) if clock_match[3] else None
        position = clock_match.end()
        if ampm := _AMPM.match(text, position):
            position = ampm.end()
            if not 1 <= hours <= 12:
                readable = False
            hours = hours % 12 + (12 if ampm[1].lower() == "p" else 0)
        elif clock_match[2] is None and clock_match[4] is None:
            return None  # `2 p`: not a time
        if uhr := _UHR.match(text, position):
            position = uhr.end()
        if hours > 23 or minutes > 59 or (seconds or 0) > 59:
            readable = False
        clock = (hours, minutes, seconds)
        if span := _RANGE.match(text, position):
            position = span.end()
        if zone_match := _ZONE.match(text, position):
            zone = zone_match[1]
            position = zone_match.end()
            if zone_offset(zone) is None:
                readable = False
    elif not day:
        approximate = _APPROXIMATE.match(text, start)
        if approximate is None:
            return None
        position, readable = approximate.end(), False
    stamp_end = position
    closing = EMPHASIS.match(text, position)
    position = closing.end() if closing else position
    separator = _SEPARATOR.match(text, position)
    if separator is None or (separator.end() == position and position < len(text)):
        return None  # `14:02abc`: not a stamp
    stamp_text = text[start:stamp_end].strip()
    return Stamp(stamp_text, text[separator.end() :].strip(), day, clock, zone, readable)


def zone_offset(zone: str | None) -> int | None:
    """Minutes east of UTC for a zone as written (`MESZ` → 120, `UTC+2` → 120); None when not sure."""
    if zone is None:
        return 0
    folded = zone.replace(" ", "").replace("\t", "").casefold()
    if folded in _ZONES:
        return _ZONES[folded]
    if match := re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?", folded):
        minutes = int(match[2]) * 60 + int(match[3] or 0)
        return minutes if match[1] == "+" else -minutes
    return None


def zone_stated(texts: Iterable[str], stamped: Iterable[str] = ()) -> tuple[str | None, str]:
    """The one time zone a timeline states: in its heading and prose (`(all times UTC)`, `Alle Zeiten
    in MEZ`), or after the times its rows give (`22:14 CET`)."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _ZONE_STATEMENT.finditer(text):
            found.setdefault(match[1].replace(" ", "").casefold(), match[1])
    for text in stamped:
        for match in _ZONE_AFTER_TIME.finditer(text):
            found.setdefault(match[1].replace(" ", "").casefold(), match[1])
    if len(found) == 1:
        return next(iter(found.values())), ""
    if found:
        return None, f"the timeline names several time zones ({', '.join(found.values())})"
    return None, ""
