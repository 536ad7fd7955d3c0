"""The regulatory register's cells: each regulator's clock with its state, and the reports made."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

from ..library import RegisterRow
from ..regulation import Clock

# The state's CSS class: the register colours overdue and late reports, and those due soon.
_STATE_CLASS = {
    "due": "pm-clock-due",
    "due_soon": "pm-clock-soon",
    "overdue": "pm-clock-overdue",
    "on_time": "pm-clock-ok",
    "late": "pm-clock-late",
}


def clock_text(clock: Clock, today: dt.date) -> str:
    """`due 2026-11-04 (15 days, general, from awareness on 2026-10-20): submitted 2026-10-23 (on time)`."""
    return f"due {clock.due_text} ({clock.span}): {clock.describe(today)}"


def clocks_cell(row: RegisterRow, today: dt.date) -> Markup:
    """Each clock of the row: the regulation, its due date and its state, coloured by state."""
    parts = [
        Markup('<span class="pm-clock {}"><strong>{}</strong> {}</span>').format(
            _STATE_CLASS[clock.state(today)], clock.label, clock_text(clock, today)
        )
        for clock in row.clocks
    ]
    if row.art73_not_yet is not None:
        parts.append(
            Markup(
                "<span>Article 73 applies to incidents from {} (the <code>art73_applies_from</code> option)</span>"
            ).format(row.art73_not_yet)
        )
    return Markup("<br>").join(parts) if parts else Markup("none")


def art73_cell(row: RegisterRow, today: dt.date) -> Markup:
    """The Article 73 clock alone (the register's older `art73` column)."""
    clock = next((c for c in row.clocks if c.regulation == "eu_ai_act_art73"), None)
    return Markup(escape(clock_text(clock, today))) if clock else Markup("–")


def reports_cell(row: RegisterRow) -> Markup:
    """Every report recorded: regulation, kind, day, authority and reference."""
    parts = [Markup(escape(report.text)) for report in row.reports]
    return Markup("<br>").join(parts) if parts else Markup("none recorded")
