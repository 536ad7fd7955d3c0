"""Report drafts: what a serious-incident report to a regulator needs, prefilled from the post-mortem.

One draft per post-mortem with a regulator's clock or a recorded report. It gathers what the EU AI
Act's Article 73 report and a GDPR Article 33 notification ask for (the provider, the system and its
version, the dates of occurrence, awareness and reporting, the Article 3(49) category, the persons
affected, a description, the root cause, the corrective measures, a contact) from the front matter's
profile and the page's sections. It is a draft for legal review: this tool submits nothing and gives
no legal advice, and every draft says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from .library import Entry, Library, RegisterRow
from .profile import AUTONOMY_LABELS, DEPLOYMENT_LABELS, FiledReport
from .template import ActionState
from .text import slugify

DRAFT_NOTICE: Final = (
    "DRAFT for legal review, prepared from the post-mortem by mkdocs-postmortem. It is not legal advice "
    "and has not been submitted to any authority: check every statement before any submission."
)


class DraftClock(BaseModel):
    model_config = ConfigDict(defer_build=True)

    regulation: str
    label: str
    reason: str = Field(description="Why a report is due, in words.")
    category: str | None = Field(description="Article 73's category: general, death, widespread_infringement, …")
    deadline: str = Field(description="`15 days, general` or `72 hours`.")
    aware: dt.datetime
    due: dt.datetime
    due_text: str = Field(description="The due day, with its time for an hours clock.")
    state: str = Field(description="due, due_soon, overdue, on_time or late (judged on the library's today).")
    status: str = Field(description="The state in words, as the register shows it.")


class CorrectiveMeasure(BaseModel):
    model_config = ConfigDict(defer_build=True)

    number: str
    action: str
    owner: str
    due: str
    state: str


class ReportDraft(BaseModel):
    """A serious-incident report, prefilled: the JSON file and the section of the drafts page."""

    model_config = ConfigDict(defer_build=True)

    notice: str = DRAFT_NOTICE
    slug: str = Field(description="The draft's name: its JSON file and its anchor on the drafts page.")
    postmortem: str = Field(description="The post-mortem's title.")
    source: str = Field(description="The post-mortem's path in the docs.")
    agent: str
    severity: str
    provider: str | None
    system: str
    model: str | None
    model_version: str | None
    deployment: str | None
    autonomy: str | None
    occurred: str = Field(description="When the incident happened: `started_at`, else `incident_date`.")
    aware: dt.datetime | None
    clocks: list[DraftClock]
    reports: list[FiledReport]
    serious_incident: list[str] = Field(description="The Article 3(49) categories of the actual harm.")
    harm: dict[str, str]
    near_miss: bool
    persons_affected: str
    data_exposed: str | None
    description: str = Field(description="The post-mortem's summary.")
    root_cause: str = Field(description="The systemic cause, else the last answer of the five whys.")
    corrective_measures: list[CorrectiveMeasure]
    contact: str

    @property
    def report_lines(self) -> list[str]:
        """Each report made, in words (`FiledReport.text`)."""
        return [report.text for report in self.reports]


def report_drafts(library: Library) -> list[ReportDraft]:
    """A draft for every post-mortem with a regulator's clock or a recorded report, newest incident first."""
    return [report_draft(row, library) for row in library.register() if row.clocks or row.reports]


def draft_slug(entry: Entry) -> str:
    """`2026-10-19-clinical-intake-assistant`: the page's file name, as a slug."""
    return slugify(entry.src_uri.rsplit("/", 1)[-1].removesuffix(".md")) or "draft"


def report_draft(row: RegisterRow, library: Library) -> ReportDraft:
    """The draft of one register row (the row has valid front matter whenever it has a clock or a report)."""
    entry = row.entry
    pm, meta = entry.postmortem, entry.postmortem.meta
    assert meta is not None
    profile = meta.ai
    serious = [harm.label for harm in profile.serious_harms] if profile else []
    last_why = pm.whys[-1].answer if pm.whys else ""
    return ReportDraft(
        slug=draft_slug(entry),
        postmortem=entry.title,
        source=entry.src_uri,
        agent=meta.agent,
        severity=meta.severity,
        provider=profile.provider if profile else None,
        system=(profile.system if profile and profile.system else meta.agent),
        model=profile.model if profile else None,
        model_version=profile.model_version if profile else None,
        deployment=DEPLOYMENT_LABELS.get(profile.deployment or "") if profile else None,
        autonomy=AUTONOMY_LABELS.get(profile.autonomy or "") if profile else None,
        occurred=(
            meta.started_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            if meta.started_at
            else meta.incident_date.isoformat()
        ),
        aware=row.awareness,
        clocks=[
            DraftClock(
                regulation=clock.regulation,
                label=clock.label,
                reason=clock.reason,
                category=clock.category,
                deadline=clock.deadline,
                aware=clock.aware,
                due=clock.due,
                due_text=clock.due_text,
                state=clock.state(library.today),
                status=clock.describe(library.today),
            )
            for clock in row.clocks
        ],
        reports=list(row.reports),
        serious_incident=serious,
        harm={harm.value: likelihood for harm, likelihood in profile.harm.items()} if profile else {},
        near_miss=profile.near_miss if profile else False,
        persons_affected=profile.affected_text if profile else "",
        data_exposed=profile.data_exposed if profile else None,
        description=pm.summary.text if pm.summary else "",
        root_cause=pm.systemic_cause.text if pm.systemic_cause else last_why,
        corrective_measures=[
            CorrectiveMeasure(
                number=item.number,
                action=item.action,
                owner=item.owner,
                due=item.due,
                state=ActionState.label(item.state),
            )
            for item in pm.actions or []
        ],
        contact=library.regulation.contact or meta.author,
    )


class DraftsDocument(BaseModel):
    """`report-drafts.json`: every draft, as of the library's today."""

    model_config = ConfigDict(defer_build=True)

    notice: str = DRAFT_NOTICE
    today: dt.date
    drafts: list[ReportDraft]


def drafts_json(library: Library) -> str:
    """The drafts export's text."""
    return DraftsDocument(today=library.today, drafts=report_drafts(library)).model_dump_json(indent=2) + "\n"
