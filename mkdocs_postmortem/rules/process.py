"""PM7xx — process: post-mortems are written within the template's deadline."""

from __future__ import annotations

from collections.abc import Iterator

from ..dates import write_up_deadline
from ..model import Level, PostMortem
from .base import Context, Violation, rule


@rule("PM701", "write-up-deadline", Level.WARNING)
def write_up_deadline_rule(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The write-up `date` is within 5 business days of the incident (Sev-1) or 10 (Sev-2).

    Weekends and the configured country's holidays are not business days; a write-up dated on the
    deadline is on time. A draft still unwritten after the deadline is "post-mortem overdue". A late
    write-up whose front matter says why (`late_reason: "…"`) is not reported again; the reason is
    shown on its card and in the quarterly review.
    """
    meta = pm.meta
    if meta is None:
        return
    days = ctx.template.write_up_days(meta.severity)
    deadline = write_up_deadline(meta.incident_date, days, ctx.holidays)
    if deadline is None:
        return
    if pm.is_draft:
        if ctx.today > deadline:
            yield Violation(
                pm.meta_lines.get("status", 1),
                f"post-mortem overdue: a {meta.severity} post-mortem was due by {deadline.isoformat()} "
                f"({days} business days after {meta.incident_date.isoformat()})",
                "finish the write-up and set `status: open`",
            )
    elif meta.date > deadline and not meta.late_reason:
        yield Violation(
            pm.meta_lines.get("date", 1),
            f"written up on {meta.date.isoformat()}, after the {meta.severity} deadline {deadline.isoformat()} "
            f"({days} business days after the incident)",
            'record why in the front matter as `late_reason: "…"` (shown on the card and the quarterly review)',
        )
