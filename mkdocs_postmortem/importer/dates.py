"""Dates written in a page or a file name: `2024-03-02`, `02.03.2024`, `March 2, 2024`, `2. März 2024`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import PurePath

from ..dates import FILE_DATE, in_range
from ..text import slugify

_MONTHS = {
    "january": 1, "jan": 1, "januar": 1, "jänner": 1, "janvier": 1, "enero": 1,
    "february": 2, "feb": 2, "februar": 2, "février": 2, "febrero": 2,
    "march": 3, "mar": 3, "märz": 3, "maerz": 3, "mär": 3, "mars": 3, "marzo": 3,
    "april": 4, "apr": 4, "avril": 4, "abril": 4,
    "may": 5, "mai": 5, "mayo": 5,
    "june": 6, "jun": 6, "juni": 6, "juin": 6, "junio": 6,
    "july": 7, "jul": 7, "juli": 7, "juillet": 7, "julio": 7,
    "august": 8, "aug": 8, "août": 8, "agosto": 8,
    "september": 9, "sept": 9, "sep": 9, "septembre": 9, "septiembre": 9,
    "october": 10, "oct": 10, "oktober": 10, "okt": 10, "octobre": 10, "octubre": 10,
    "november": 11, "nov": 11, "novembre": 11, "noviembre": 11,
    "december": 12, "dec": 12, "dezember": 12, "dez": 12, "décembre": 12, "diciembre": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
YMD = re.compile(r"(?<![\d.])(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?![\d/])")
_DMY = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_MDY_NAME = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
_DMY_NAME = re.compile(rf"(?<![\d.])(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+({_MONTH})\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
# The same without a year, at the start of a time stamp (`Oct 21 14:51`, `21.10. 14:51`, `2. März`).
_MD_NAME = re.compile(rf"({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b,?", re.IGNORECASE)
_DM_NAME = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+({_MONTH})\b\.?,?", re.IGNORECASE)
_DM = re.compile(r"(\d{1,2})\.(\d{1,2})\.(?!\d)")
_FILE_NUMBER = re.compile(r"^\d{1,6}(?=$|[-_ .])")


def make_date(year: int, month: int, day: int) -> dt.date | None:
    """The date, if it is a real one in the range the tool reads (`dates.in_range`)."""
    try:
        day_ = dt.date(year, month, day)
    except ValueError:
        return None
    return day_ if in_range(day_) else None


def _month(name: str) -> int:
    return _MONTHS[name.casefold().rstrip(".")]


def _date_matches(text: str) -> Iterator[tuple[int, int, dt.date]]:
    """Every full date in `text`: (start, end, date)."""
    for match in YMD.finditer(text):
        if day := make_date(int(match[1]), int(match[2]), int(match[3])):
            yield match.start(), match.end(), day
    for match in _DMY.finditer(text):
        if day := make_date(int(match[3]), int(match[2]), int(match[1])):
            yield match.start(), match.end(), day
    for match in _MDY_NAME.finditer(text):
        if day := make_date(int(match[3]), _month(match[1]), int(match[2])):
            yield match.start(), match.end(), day
    for match in _DMY_NAME.finditer(text):
        if day := make_date(int(match[3]), _month(match[2]), int(match[1])):
            yield match.start(), match.end(), day


def find_date(text: str) -> dt.date | None:
    """The first date written in `text`: `2024-03-02`, `2024/03/02`, `02.03.2024`, `March 2, 2024`,
    `2 March 2024`, `2. März 2024`. US numeric dates (`03/02/2024`) are ambiguous and not read."""
    found = sorted(_date_matches(text))
    return found[0][2] if found else None


def title_from_file_name(name: str) -> str:
    """`2024-03-02-db-outage.md` → `Db outage`; `0007-redis-failover.md` → `Redis failover`."""
    stem = PurePath(name).stem
    stem = FILE_DATE.sub("", stem, count=1)
    stem = _FILE_NUMBER.sub("", stem, count=1)
    words = " ".join(re.split(r"[-_\s]+", stem)).strip()
    return words[:1].upper() + words[1:] if words else ""


def stem_slug(name: str) -> str:
    stem = FILE_DATE.sub("", PurePath(name).stem, count=1)
    return slugify(stem) or "imported"


def leading_date(text: str, year: int | None) -> tuple[dt.date | None, int]:
    """A date at the very start of `text`, and where it ends; a date without a year takes `year`."""
    for pattern, order in ((YMD, "ymd"), (_DMY, "dmy"), (_MDY_NAME, "mdy"), (_DMY_NAME, "dmy-name")):
        if (match := pattern.match(text)) is None:
            continue
        if order == "ymd":
            day = make_date(int(match[1]), int(match[2]), int(match[3]))
        elif order == "dmy":
            day = make_date(int(match[3]), int(match[2]), int(match[1]))
        elif order == "mdy":
            day = make_date(int(match[3]), _month(match[1]), int(match[2]))
        else:
            day = make_date(int(match[3]), _month(match[2]), int(match[1]))
        if day:
            return day, match.end()
    if year is not None:
        for pattern, order in ((_DM, "dm"), (_MD_NAME, "md"), (_DM_NAME, "dm-name")):
            if (match := pattern.match(text)) is None:
                continue
            if order == "dm":
                day = make_date(year, int(match[2]), int(match[1]))
            elif order == "md":
                day = make_date(year, _month(match[1]), int(match[2]))
            else:
                day = make_date(year, _month(match[2]), int(match[1]))
            if day:
                return day, match.end()
    return None, 0
