"""Calendar arithmetic: business days, write-up deadlines and a reproducible "today"."""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import lru_cache
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holidays import HolidayBase


class CalendarError(ValueError):
    """A holiday calendar that does not exist."""


# The dates this tool reads. 1970-01-01 is where SOURCE_DATE_EPOCH starts counting; 2099-12-31 keeps
# every sum made from a date (a write-up deadline, an Article 73 deadline, six months on, the day after
# a due date) far from `datetime.date.max`, and every year four digits (`2026-Q3`, `2026-08-14-x.md`).
# A post-mortem dated outside them has a typo in its year; so does a `today` outside them.
EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(2099, 12, 31)
LATEST_EPOCH = int(dt.datetime.combine(LATEST, dt.time.max, tzinfo=dt.UTC).timestamp())  # 4102444799


def in_range(day: dt.date) -> bool:
    """Whether `day` (or a datetime's day, as written) is one this tool reads: EARLIEST to LATEST."""
    return EARLIEST <= (day.date() if isinstance(day, dt.datetime) else day) <= LATEST


def out_of_range(shown: str) -> str:
    """What is wrong with a date outside the range, shown as given: `0001-01-01 is out of range: …`."""
    return f"{shown} is out of range: dates must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}"


class TodayError(ValueError):
    """A "today" that cannot be used; `source` names where it came from (the `today` option or the
    SOURCE_DATE_EPOCH variable), and the message starts with it."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source


@lru_cache(maxsize=16)
def holiday_calendar(code: str | None) -> HolidayBase | None:
    """The public holidays of a country (`GB`) or subdivision (`US-CA`), or None for weekends only."""
    if not code:
        return None
    import holidays  # only a site that sets `holidays:` pays for importing every country's calendar

    country, _, subdiv = code.partition("-")
    try:
        return holidays.country_holidays(country.upper(), subdiv=subdiv.upper() or None)
    except NotImplementedError as exc:
        raise CalendarError(f"unknown holiday calendar '{code}': use an ISO country code such as GB or US-CA") from exc


def add_business_days(start: dt.date, days: int, calendar: str | None = None) -> dt.date:
    """`start` plus `days` business days, skipping weekends and the calendar's holidays."""
    holidays = holiday_calendar(calendar)
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and (holidays is None or current not in holidays):
            remaining -= 1
    return current


def business_days_between(start: dt.date, end: dt.date, calendar: str | None = None) -> int:
    """Business days after `start`, up to and including `end` (weekends and the calendar's holidays skipped)."""
    holidays = holiday_calendar(calendar)
    days = (start + dt.timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for day in days if day.weekday() < 5 and (holidays is None or day not in holidays))


def write_up_deadline(incident: dt.date, days: int | None, calendar: str | None = None) -> dt.date | None:
    """The last on-time write-up date: `days` business days after the incident (the template's days
    for its severity: 5 for Sev-1, 10 for Sev-2); None when the severity has no deadline."""
    return add_business_days(incident, days, calendar) if days else None


# EU AI Act Article 73(2)–(4): calendar days after awareness to report a serious incident.
_EPOCH = re.compile(r"-?[0-9]+")  # the reproducible-builds spec: an ASCII integer, no fraction


def resolve_today(configured: dt.date | str | None = None) -> dt.date:
    """ "Today": the configured date, else `SOURCE_DATE_EPOCH`, else the UTC clock.

    Raises TodayError, naming the option or the variable, when the date given is not one, or is out
    of range (`in_range`).
    """
    if isinstance(configured, dt.datetime):
        configured = configured.date()
    if isinstance(configured, str) and (text := configured.strip()):
        try:
            configured = dt.date.fromisoformat(text)
        except ValueError:
            raise TodayError("today", f"'{text}' is not a date (YYYY-MM-DD)") from None
    if isinstance(configured, dt.date):
        if not in_range(configured):
            raise TodayError("today", out_of_range(configured.isoformat()))
        return configured
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        shown = repr(epoch if len(epoch) <= 40 else epoch[:39] + "…")
        if not _EPOCH.fullmatch(epoch):
            raise TodayError(
                "SOURCE_DATE_EPOCH",
                f"{shown} is not a number of seconds since 1970-01-01 00:00 UTC (unset it, or set the `today` option)",
            )
        if epoch.startswith("-") or len(epoch.lstrip("0")) > len(str(LATEST_EPOCH)) or int(epoch) > LATEST_EPOCH:
            raise TodayError(
                "SOURCE_DATE_EPOCH",
                f"{shown} is out of range: it must give a day between {EARLIEST.isoformat()} and "
                f"{LATEST.isoformat()} (0 to {LATEST_EPOCH} seconds)",
            )
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


FILE_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?=$|[-_ .])")  # `2024-03-02-…`, `20240302-…`


def date_from_file_name(name: str) -> dt.date | None:
    """The date a file name starts with (`2024-03-02-db-outage.md`, `20240302-x.md`), in range; an
    ADR-like number (`0007-redis.md`) is not a date."""
    match = FILE_DATE.match(PurePath(name).name)
    if match is None:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day if in_range(day) else None
