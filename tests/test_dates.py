"""Business days, deadlines and "today"."""

from __future__ import annotations

import datetime as dt

import pytest

from mkdocs_postmortem.checker import ConfigError, Settings
from mkdocs_postmortem.dates import add_business_days, resolve_today, write_up_deadline
from mkdocs_postmortem.template import default_template
from tests.conftest import check_text, fixture_text


def test_business_days_skip_weekends() -> None:
    friday = dt.date(2026, 8, 14)
    assert add_business_days(friday, 1) == dt.date(2026, 8, 17)
    assert write_up_deadline(friday, default_template().write_up_days("Sev-1")) == dt.date(2026, 8, 21)
    assert write_up_deadline(friday, default_template().write_up_days("Sev-2")) == dt.date(2026, 8, 28)
    assert write_up_deadline(friday, default_template().write_up_days("Sev-3")) is None


def test_business_days_skip_configured_holidays() -> None:
    tuesday = dt.date(2026, 12, 22)
    assert write_up_deadline(tuesday, default_template().write_up_days("Sev-1")) == dt.date(2026, 12, 29)
    # Christmas (Fri 25th) and Boxing Day observed (Mon 28th) in England.
    assert write_up_deadline(tuesday, default_template().write_up_days("Sev-1"), "GB") == dt.date(2026, 12, 31)


def test_write_up_on_the_deadline_is_on_time_and_a_day_later_is_late() -> None:
    text = fixture_text("valid.md")  # Sev-1 on Thu 2026-09-03: deadline Thu 2026-09-10
    on_time = text.replace("incident_date: 2026-09-03", "incident_date: 2026-09-02")  # deadline 09-09
    late = text.replace("incident_date: 2026-09-03", "incident_date: 2026-09-01")  # deadline 09-08
    assert [f.rule for f in check_text(on_time)] == []
    assert [f.rule for f in check_text(late)] == ["PM701"]


def test_holiday_calendar_moves_the_deadline() -> None:
    # Incident Fri 2026-08-28; 5 business days: 09-04 plain, 09-07 with the 08-31 bank holiday (England).
    text = fixture_text("valid.md").replace("incident_date: 2026-09-03", "incident_date: 2026-08-28")
    text = text.replace("date: 2026-09-09", "date: 2026-09-07").replace("**Date:** 2026-09-09", "**Date:** 2026-09-07")
    text = text.replace("| Morteza Moradi | 2026-09-09 |", "| Morteza Moradi | 2026-09-07 |")
    assert [f.rule for f in check_text(text)] == ["PM701"]
    assert check_text(text, holidays="GB-ENG") == []


def test_today_comes_from_option_then_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_today("2026-01-02") == dt.date(2026, 1, 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert resolve_today(None) == dt.date(2026, 1, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert resolve_today(None) == dt.datetime.now(dt.UTC).date()


def test_unknown_holiday_calendar_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="holidays: unknown holiday calendar 'XX'"):
        Settings(holidays="XX").context()
