"""Regulators' clocks (EU AI Act Article 73, GDPR Article 33) at their boundaries, and the findings they give."""

from __future__ import annotations

import datetime as dt

import pytest

from mkdocs_postmortem.checker import Checker, Settings
from mkdocs_postmortem.parse import parse_postmortem
from mkdocs_postmortem.regulation import RegulationOptions, art73_not_yet, clocks

from .conftest import fixture_text

# The valid fixture with its regulatory lines replaced: Article 73 applicable or not, GDPR named or not.
ART73_APPLICABLE = (
    "- **EU AI Act Article 73 serious incident reporting:** Applicable — serious harm to a person's health."
)
ART73_NA = "- **EU AI Act Article 73 serious incident reporting:** N/A — not a high-risk system, and no harm to health or fundamental rights."
GDPR_APPLICABLE = "- **Sector regulations:** GDPR Article 33 — Applicable. Notified within 72 hours."
VALID_REPORTS = "reports: [{regulation: gdpr_art33, kind: initial, submitted: 2026-09-05, authority: ICO}]\n"
NO_SECTOR = "- **Sector regulations:** N/A — no regulated data or activity was involved at all."


def page(front: str = "", art73: str = ART73_NA, sector: str = NO_SECTOR, incident: str = "2026-09-03") -> str:
    """The valid post-mortem with extra front-matter lines and these regulatory lines."""
    text = fixture_text("valid.md").replace(VALID_REPORTS, "", 1)
    text = text.replace(ART73_NA, art73).replace(GDPR_APPLICABLE, sector)
    text = text.replace("incident_date: 2026-09-03", f"incident_date: {incident}", 1)
    return text.replace("status: open\n", f"status: open\n{front}", 1)


def findings(text: str, today: str, **options: object) -> dict[str, list[str]]:
    checked = Checker(Settings(today=dt.date.fromisoformat(today), **options)).check("pm.md", text.encode())  # type: ignore[arg-type]
    found: dict[str, list[str]] = {}
    for finding in checked.findings:
        if finding.rule in ("PM511", "PM512", "PM513", "PM514"):
            found.setdefault(finding.rule, []).append(f"{finding.level.value}: {finding.message}")
    return found


# Article 73, general: aware 2026-09-03 → due 2026-09-18; the last third is its last five days.
@pytest.mark.parametrize(
    ("today", "rule", "level"),
    [
        ("2026-09-12", "PM511", "info"),  # six days left: time remains
        ("2026-09-13", "PM512", "warning"),  # five days left: the last third
        ("2026-09-18", "PM512", "warning"),  # on the deadline: still not late
        ("2026-09-19", "PM513", "error"),  # one day after
    ],
)
def test_article_73_clock_at_its_boundaries(today: str, rule: str, level: str) -> None:
    found = findings(page(art73=ART73_APPLICABLE), today)
    assert list(found) == [rule]
    (message,) = found[rule]
    assert message.startswith(f"{level}: a EU AI Act Article 73 report is due by 2026-09-18 (15 days, general")


@pytest.mark.parametrize(
    ("front", "line", "days"),
    [
        ("", "Applicable — a patient died after the agent's triage.", 10),
        ("eu_ai_act_category: death\n", "Applicable — serious harm.", 10),
        ("", "Applicable — serious and irreversible disruption of critical infrastructure.", 2),
        ("eu_ai_act_category: widespread_infringement\n", "Applicable — serious harm.", 2),
        ("ai: {harm: {critical_infrastructure: actual}}\n", "Applicable — see the profile.", 2),
        ("ai: {harm: {death: actual}}\n", "Applicable — see the profile.", 10),
        ("", "Applicable — serious harm to a person's health.", 15),
    ],
)
def test_article_73_categories_set_the_days(front: str, line: str, days: int) -> None:
    art73 = f"- **EU AI Act Article 73 serious incident reporting:** {line}"
    text = page(front, art73=art73)
    (clock,) = clocks(parse_postmortem("pm.md", text), RegulationOptions())
    due = dt.date(2026, 9, 3) + dt.timedelta(days=days)
    assert clock.due.date() == due
    assert "PM513" not in findings(text, due.isoformat())
    assert f"due by {due}" in findings(text, (due + dt.timedelta(days=1)).isoformat())["PM513"][0]


def test_the_profile_alone_starts_article_73_and_near_miss_does_not() -> None:
    serious = page("ai: {harm: {health: actual}}\n")
    (clock,) = clocks(parse_postmortem("pm.md", serious), RegulationOptions())
    assert clock.regulation == "eu_ai_act_art73"
    assert "actual Article 3(49) harm (health)" in clock.reason
    assert clocks(parse_postmortem("pm.md", page("ai: {harm: {health: potential}}\n")), RegulationOptions()) == []
    assert (
        clocks(parse_postmortem("pm.md", page("ai: {harm: {health: actual}, near_miss: true}\n")), RegulationOptions())
        == []
    )


def test_gdpr_72_hours_run_across_a_weekend() -> None:
    # Detected on Friday 2026-09-18 at 10:00 UTC: due Monday 2026-09-21 at 10:00, weekend or not.
    front = "detected_at: 2026-09-18 10:00\nai: {data_exposed: personal}\n"
    text = page(front, incident="2026-09-18")
    (clock,) = clocks(parse_postmortem("pm.md", text), RegulationOptions())
    assert clock.regulation == "gdpr_art33"
    assert clock.due == dt.datetime(2026, 9, 21, 10, 0, tzinfo=dt.UTC)
    assert list(findings(text, "2026-09-19")) == ["PM511"]
    assert list(findings(text, "2026-09-20")) == ["PM512"]  # the last day of three
    assert list(findings(text, "2026-09-21")) == ["PM512"]  # the due day
    (overdue,) = findings(text, "2026-09-22")["PM513"]
    assert "due by 2026-09-21 10:00 UTC (72 hours" in overdue
    assert "1 day overdue" in overdue


def test_awareness_date_with_detected_at_on_that_day_keeps_its_time() -> None:
    front = "awareness_date: 2026-09-05\ndetected_at: 2026-09-05 16:30\nai: {data_exposed: special_category}\n"
    (clock,) = clocks(parse_postmortem("pm.md", page(front)), RegulationOptions())
    assert clock.aware == dt.datetime(2026, 9, 5, 16, 30, tzinfo=dt.UTC)
    front = "awareness_date: 2026-09-05\ndetected_at: 2026-09-04 16:30\nai: {data_exposed: personal}\n"
    (clock,) = clocks(parse_postmortem("pm.md", page(front)), RegulationOptions())
    assert clock.aware == dt.datetime(2026, 9, 5, 0, 0, tzinfo=dt.UTC)  # the day's start: no time known that day


def test_the_sector_line_naming_gdpr_starts_its_clock() -> None:
    (clock,) = clocks(parse_postmortem("pm.md", page(sector=GDPR_APPLICABLE)), RegulationOptions())
    assert clock.regulation == "gdpr_art33"
    assert clock.reason == "the regulatory section names the GDPR as applicable"
    assert clocks(parse_postmortem("pm.md", page(sector=GDPR_APPLICABLE)), RegulationOptions(gdpr=False)) == []


@pytest.mark.parametrize(
    ("submitted", "state", "words"),
    [("2026-09-18", "on_time", "submitted 2026-09-18 (on time)"), ("2026-09-19", "late", "(1 day late)")],
)
def test_reports_on_time_and_late(submitted: str, state: str, words: str) -> None:
    front = f"reports: [{{regulation: eu_ai_act_art73, kind: complete, submitted: {submitted}}}]\n"
    text = page(front, art73=ART73_APPLICABLE)
    (clock,) = clocks(parse_postmortem("pm.md", text), RegulationOptions())
    assert clock.state(dt.date(2026, 10, 1)) == state
    assert words in clock.describe(dt.date(2026, 10, 1))
    assert findings(text, "2026-10-01") == {}  # a report recorded, late or not, stops the clock


def test_an_initial_report_leaves_the_complete_one_pending() -> None:
    front = "reports:\n  - {regulation: eu_ai_act_art73, kind: initial, submitted: 2026-09-10}\n"
    text = page(front, art73=ART73_APPLICABLE)
    found = findings(text, "2026-10-01")
    assert list(found) == ["PM514"]
    assert "initial report of 2026-09-10 has no complete report yet" in found["PM514"][0]
    complete = front + "  - {regulation: eu_ai_act_art73, kind: complete, submitted: 2026-09-25}\n"
    assert findings(page(complete, art73=ART73_APPLICABLE), "2026-10-01") == {}


def test_article_73_applies_only_from_the_configured_day() -> None:
    text = page(art73=ART73_APPLICABLE, incident="2026-07-20")
    pm = parse_postmortem("pm.md", text)
    assert clocks(pm, RegulationOptions()) == []  # before 2026-08-02, the default
    assert art73_not_yet(pm, RegulationOptions()) == dt.date(2026, 8, 2)
    assert findings(text, "2026-12-01") == {}
    earlier = {"art73_applies_from": "2026-07-01"}
    assert list(findings(text, "2026-12-01", regulation=earlier)) == ["PM513"]
    off = {"art73_applies_from": None}
    assert findings(page(art73=ART73_APPLICABLE), "2026-12-01", regulation=off) == {}


def test_a_waiver_with_a_reason_silences_an_unneeded_notification() -> None:
    # GDPR Article 33(1): no notification when the breach is unlikely to result in a risk; say so, with a reason.
    front = 'ai: {data_exposed: personal}\naccept: [{rule: PM513, reason: "encrypted laptop; DPO found no risk"}]\n'
    assert findings(page(front, sector=GDPR_APPLICABLE), "2026-12-01") == {}
