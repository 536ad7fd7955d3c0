"""Calendar arithmetic: business days, write-up deadlines and a reproducible "today"."""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holidays import HolidayBase


class CalendarError(ValueError):
    """A holiday calendar that does not exist."""


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
ART73_DAYS: dict[str, int] = {"general": 15, "death": 10, "widespread_infringement": 2, "critical_infrastructure": 2}
_ART73_HINTS = (
    ("death", re.compile(r"\bdeath|\bdied\b|\bfatal", re.IGNORECASE)),
    ("critical_infrastructure", re.compile(r"critical[- ]infrastructure", re.IGNORECASE)),
    ("widespread_infringement", re.compile(r"widespread", re.IGNORECASE)),
)


def art73_category(declared: str | None, line_text: str) -> str:
    """The Article 73 category: as declared in front matter, else read from the line's words, else general."""
    if declared:
        return declared
    return next((category for category, pattern in _ART73_HINTS if pattern.search(line_text)), "general")


def art73_deadline(awareness: dt.date, category: str) -> dt.date:
    """The last day to report to the market surveillance authority."""
    return awareness + dt.timedelta(days=ART73_DAYS[category])


def resolve_today(configured: dt.date | str | None = None) -> dt.date:
    """ "Today": the configured date, else `SOURCE_DATE_EPOCH`, else the UTC clock."""
    if isinstance(configured, dt.datetime):
        return configured.date()
    if isinstance(configured, dt.date):
        return configured
    if isinstance(configured, str) and configured.strip():
        return dt.date.fromisoformat(configured.strip())
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()
