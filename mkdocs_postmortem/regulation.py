"""Regulators' clocks: when a report is due, and whether the reports recorded met it.

Two clocks are computed, each from the moment the organisation became aware of the incident:

- **EU AI Act Article 73**: a serious incident (Article 3(49)) is reported to the market surveillance
  authority within 15 days; 10 days in the event of a death; 2 days for a widespread infringement or
  a serious and irreversible disruption of critical infrastructure (Article 3(49)(b)). An initial,
  incomplete report may be followed by a complete one (Article 73(5)). It runs when the page's EU AI
  Act line says applicable, when the profile records an actual Article 3(49) harm, or when a report
  under it is recorded; and only for incidents on or after `art73_applies_from` (an option: the
  Article's date of application has been subject to legislative change, so it is never assumed
  silently).
- **GDPR Article 33**: a personal-data breach is notified to the supervisory authority within 72
  hours. It runs when the profile says personal or special-category data was exposed, when the
  sector line names the GDPR and says applicable, or when a report under it is recorded.

Days are calendar days and hours are clock hours: weekends and holidays do not stop either clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .model import FrontMatter, PostMortem
from .profile import PERSONAL_DATA, REGULATION_LABELS, FiledReport, Harm
from .template import ART73_QUESTION

ART73_DAYS: dict[str, int] = {"general": 15, "death": 10, "widespread_infringement": 2, "critical_infrastructure": 2}
ART73_DEFAULT_FROM = dt.date(2026, 8, 2)  # Regulation (EU) 2024/1689, Article 113: the general date of application
GDPR_HOURS = 72
_ART73_HINTS = (
    ("death", re.compile(r"\bdeath|\bdied\b|\bfatal", re.IGNORECASE)),
    ("critical_infrastructure", re.compile(r"critical[- ]infrastructure", re.IGNORECASE)),
    ("widespread_infringement", re.compile(r"widespread", re.IGNORECASE)),
)
_GDPR = re.compile(r"\bGDPR\b|general data protection regulation|article 33\b|art\.? ?33\b", re.IGNORECASE)

ClockState = Literal["due", "due_soon", "overdue", "on_time", "late"]


class RegulationOptions(BaseModel):
    """The `regulation:` option: which clocks run, and who the report drafts name as contact."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    art73_applies_from: dt.date | None = Field(
        default=ART73_DEFAULT_FROM,
        description="The first day of incidents Article 73's clock runs for (default 2026-08-02, the AI Act's "
        "general date of application; set the date your legal team confirms, or null to turn the clock off).",
    )
    gdpr: bool = Field(default=True, description="Whether the GDPR Article 33 clock runs (false outside its scope).")
    contact: str | None = Field(
        default=None, description="Who the report drafts name as contact (default: the author)."
    )


@dataclass(frozen=True)
class Clock:
    """One regulator's clock on one post-mortem."""

    regulation: Literal["eu_ai_act_art73", "gdpr_art33"]
    reason: str  # why it runs, in words: "the EU AI Act line says applicable"
    category: str | None  # Article 73's: general, death, widespread_infringement, critical_infrastructure
    aware: dt.datetime  # when the clock started (UTC)
    due: dt.datetime  # when the report is due at the latest (UTC)
    reports: tuple[FiledReport, ...]  # those recorded under this regulation, oldest first
    line: int  # where a finding about it points: the reason's line

    @property
    def label(self) -> str:
        return REGULATION_LABELS[self.regulation]

    @property
    def deadline(self) -> str:
        """`72 hours`, or Article 73's days and category: `15 days, general`."""
        if self.regulation == "gdpr_art33":
            return f"{GDPR_HOURS} hours"
        category = self.category or "general"
        return f"{ART73_DAYS[category]} days, {category.replace('_', ' ')}"

    @property
    def span(self) -> str:
        """`15 days, general, from awareness on 2026-09-03` or `72 hours from awareness on 2026-09-03`."""
        return f"{self.deadline}{',' if self.category else ''} from awareness on {self.aware.date()}"

    @property
    def due_text(self) -> str:
        """The due day, with its time for an hours clock: `2026-09-06 15:12 UTC`."""
        return self.due.strftime("%Y-%m-%d %H:%M UTC") if self.regulation == "gdpr_art33" else str(self.due.date())

    @property
    def first(self) -> FiledReport | None:
        """The report that stopped the clock: the first initial or complete one."""
        return next((r for r in self.reports if r.kind in ("initial", "complete")), None)

    @property
    def complete_pending(self) -> bool:
        """Article 73: an initial report was made, and no complete report yet."""
        return (
            self.regulation == "eu_ai_act_art73"
            and self.first is not None
            and not any(r.kind == "complete" for r in self.reports)
        )

    def state(self, today: dt.date) -> ClockState:
        """Submitted on time or late; else due, due soon (its last third) or overdue, judged on `today`."""
        first = self.first
        if first is not None:
            return "on_time" if first.submitted <= self.due.date() else "late"
        if today > self.due.date():
            return "overdue"
        return "due_soon" if 3 * self.days_left(today) <= (self.due.date() - self.aware.date()).days else "due"

    def days_left(self, today: dt.date) -> int:
        """Days from `today` to the due day (negative once it has passed)."""
        return (self.due.date() - today).days

    def describe(self, today: dt.date) -> str:
        """The clock's state in words, as the register shows it."""
        state, first = self.state(today), self.first
        if first is not None:
            late = (first.submitted - self.due.date()).days
            when = "on time" if state == "on_time" else f"{late} day{'s' * (late != 1)} late"
            text = f"submitted {first.submitted} ({when})"
            return text + ("; complete report pending" if self.complete_pending else "")
        left = self.days_left(today)
        if state == "overdue":
            return f"not submitted: {-left} day{'s' * (-left != 1)} overdue"
        return "not submitted: due today" if left == 0 else f"not submitted: {left} day{'s' * (left != 1)} left"


def awareness(meta: FrontMatter) -> dt.datetime:
    """When the organisation became aware: `awareness_date` (at `detected_at` when that falls on the
    same day, else at the day's start, UTC), else `detected_at`, else the start of `incident_date`."""
    detected = meta.detected_at.astimezone(dt.UTC) if meta.detected_at else None
    if meta.awareness_date is not None:
        if detected is not None and detected.date() == meta.awareness_date:
            return detected
        return _start_of(meta.awareness_date)
    return detected or _start_of(meta.incident_date)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def art73_category(meta: FrontMatter, line_text: str) -> str:
    """Article 73's category: as declared (`eu_ai_act_category`), else from the profile's actual harm
    (a death; a disruption of critical infrastructure), else from the line's words, else general."""
    if meta.eu_ai_act_category:
        return meta.eu_ai_act_category
    profile = meta.ai
    if profile is not None:
        for harm in (Harm.DEATH, Harm.CRITICAL_INFRASTRUCTURE):
            if profile.actual(harm):
                return harm.value
    return next((category for category, pattern in _ART73_HINTS if pattern.search(line_text)), "general")


def clocks(pm: PostMortem, options: RegulationOptions) -> list[Clock]:
    """The clocks that run for this post-mortem (none without valid front matter)."""
    meta = pm.meta
    if meta is None:
        return []
    aware = awareness(meta)
    found: list[Clock] = []
    art73 = _art73_reason(pm, meta)
    applies = options.art73_applies_from is not None and aware.date() >= options.art73_applies_from
    if art73 is not None and applies:
        reason, line, text = art73
        category = art73_category(meta, text)
        due = aware + dt.timedelta(days=ART73_DAYS[category])
        found.append(Clock("eu_ai_act_art73", reason, category, aware, due, _filed(meta, "eu_ai_act_art73"), line))
    gdpr = _gdpr_reason(pm, meta) if options.gdpr else None
    if gdpr is not None:
        reason, line = gdpr
        due = aware + dt.timedelta(hours=GDPR_HOURS)
        found.append(Clock("gdpr_art33", reason, None, aware, due, _filed(meta, "gdpr_art33"), line))
    return found


def art73_not_yet(pm: PostMortem, options: RegulationOptions) -> dt.date | None:
    """The day Article 73 applies from, when it would run for this post-mortem but the incident is earlier."""
    meta = pm.meta
    if meta is None or options.art73_applies_from is None or _art73_reason(pm, meta) is None:
        return None
    return options.art73_applies_from if awareness(meta).date() < options.art73_applies_from else None


def _filed(meta: FrontMatter, regulation: str) -> tuple[FiledReport, ...]:
    return tuple(sorted((r for r in meta.reports if r.regulation == regulation), key=lambda r: r.submitted))


def _art73_reason(pm: PostMortem, meta: FrontMatter) -> tuple[str, int, str] | None:
    """Why Article 73's clock runs (in words), the line to point at, and the EU AI Act line's text."""
    line = next((line for line in pm.regulatory if line.kind == ART73_QUESTION), None)
    text = line.value if line else ""
    if line is not None and line.applicable:
        return "the EU AI Act line says applicable", line.line, text
    profile = meta.ai
    if profile is not None and profile.serious_harms:
        names = ", ".join(harm.value for harm in profile.serious_harms)
        return f"the profile records actual Article 3(49) harm ({names})", pm.meta_lines.get("ai", 1), text
    if any(r.regulation == "eu_ai_act_art73" for r in meta.reports):
        return "a report under it is recorded", pm.meta_lines.get("reports", 1), text
    return None


def _gdpr_reason(pm: PostMortem, meta: FrontMatter) -> tuple[str, int] | None:
    profile = meta.ai
    if profile is not None and profile.data_exposed in PERSONAL_DATA and not profile.near_miss:
        return f"the profile says {profile.data_exposed.replace('_', '-')} data was exposed", pm.meta_lines.get("ai", 1)
    for line in pm.regulatory:
        if line.applicable and _GDPR.search(f"{line.label} {line.value}"):
            return "the regulatory section names the GDPR as applicable", line.line
    if any(r.regulation == "gdpr_art33" for r in meta.reports):
        return "a report under it is recorded", pm.meta_lines.get("reports", 1)
    return None


def mentions_data_protection(pm: PostMortem) -> bool:
    """Whether the regulatory section considers data protection at all (GDPR, privacy, personal data, …)."""
    return any(_DATA_PROTECTION.search(f"{line.label} {line.value}") for line in pm.regulatory)


_DATA_PROTECTION = re.compile(
    r"\bGDPR\b|data protection|privacy|personal data|\bPII\b|\bPHI\b|HIPAA|\bCCPA\b|\bCPRA\b|\bDPA\b|\bDPO\b|"
    r"\bICO\b|\bCNIL\b|data breach|article 33|art\.? ?33|special[- ]category",
    re.IGNORECASE,
)
