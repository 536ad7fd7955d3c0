"""Calendar arithmetic: business days, write-up deadlines and a reproducible "today"."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache

import holidays as holidays_lib

from .model import Severity

# Template: "Mandatory post-mortem within 5 business days" (Sev-1), "within 10 business days" (Sev-2).
WRITE_UP_BUSINESS_DAYS: dict[Severity, int] = {Severity.SEV1: 5, Severity.SEV2: 10}


class CalendarError(ValueError):
    """A holiday calendar that does not exist."""


@lru_cache(maxsize=16)
def holiday_calendar(code: str | None) -> holidays_lib.HolidayBase | None:
    """The public holidays of a country (`GB`) or subdivision (`US-CA`), or None for weekends only."""
    if not code:
        return None
    country, _, subdiv = code.partition("-")
    try:
        return holidays_lib.country_holidays(country.upper(), subdiv=subdiv.upper() or None)
    except NotImplementedError as exc:
        raise CalendarError(
            f"unknown holiday calendar '{code}': use an ISO country code such as GB or US-CA"
        ) from exc


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


def write_up_deadline(severity: Severity, incident: dt.date, calendar: str | None = None) -> dt.date | None:
    """The last on-time write-up date for a Sev-1 or Sev-2 incident; Sev-3 has none."""
    days = WRITE_UP_BUSINESS_DAYS.get(severity)
    return add_business_days(incident, days, calendar) if days else None


def resolve_today(configured: dt.date | str | None = None) -> dt.date:
    """"Today": the configured date, else `SOURCE_DATE_EPOCH`, else the UTC clock."""
    if isinstance(configured, dt.datetime):
        return configured.date()
    if isinstance(configured, dt.date):
        return configured
    if isinstance(configured, str) and configured.strip():
        return dt.date.fromisoformat(configured.strip())
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.datetime.now(tz=dt.timezone.utc).date()
