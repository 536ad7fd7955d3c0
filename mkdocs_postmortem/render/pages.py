"""The library's generated pages (Markdown from templates), the card on each post-mortem, the findings box."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from markupsafe import Markup

from ..library import ActionRef, Entry, Library, RegisterRow, response_times
from ..model import Finding, FrontMatter, Level
from ..report import describe_counts
from . import charts, environment, md_escape, md_link


@dataclass(frozen=True)
class LibraryPage:
    name: str  # file name inside the post-mortem folder
    template: str
    title: str


LIBRARY_PAGES = (
    LibraryPage("index.md", "home.md", "Post-mortem library"),
    LibraryPage("actions-by-owner.md", "actions-by-owner.md", "Action items by owner"),
    LibraryPage("actions-by-due-date.md", "actions-by-due-date.md", "Action items by due date"),
    LibraryPage("agents.md", "agents.md", "Agents"),
    LibraryPage("regulatory-register.md", "regulatory-register.md", "Regulatory register"),
    LibraryPage("quarterly-review.md", "quarterly-review.md", "Quarterly review"),
)
LIBRARY_TABLE_MARKER = "<!-- postmortem:library -->"


class Renderer:
    """Renders the library pages for one build; `template_dirs` override the shipped templates."""

    def __init__(self, library: Library, folder: str, template_dirs: Sequence[Path] = ()) -> None:
        self.library = library
        self.folder = folder
        self.markdown = environment(markdown=True, extra_dirs=template_dirs)
        self.html = environment(markdown=False, extra_dirs=template_dirs)

    def uri(self, name: str) -> str:
        return f"{self.folder}/{name}"

    def page(self, page: LibraryPage) -> str:
        """One generated page's Markdown."""
        return self.markdown.get_template(page.template).render(**self._context(self.uri(page.name)), title=page.title)

    def library_table(self, from_uri: str) -> str:
        """The library's table of post-mortems, for a hand-written index page."""
        return self.markdown.get_template("library-table.md").render(**self._context(from_uri))

    @cached_property
    def _charts(self) -> dict[str, Markup]:
        library = self.library
        return {
            "incidents": charts.incidents_per_month(library.incidents_per_month()),
            "burndown": charts.burndown(library.burndown()),
            "durations": charts.durations(
                [
                    (f"{e.postmortem.meta.agent} {e.postmortem.meta.incident_date}", hours(t.detect), hours(t.mitigate))
                    for e in library.entries
                    if e.postmortem.meta and (t := response_times(e))
                ]
            ),
        }

    def _context(self, page_uri: str) -> dict[str, object]:
        """What templates may use: the library, and helpers that make links relative to this page."""

        def link(entry: Entry) -> Markup:
            return md_link(entry.title, entry.src_uri, page_uri)

        def item_link(ref: ActionRef) -> Markup:
            return md_link(ref.item.action or f"item {ref.item.number}", ref.entry.src_uri, page_uri, ref.anchor)

        def page_link(name: str, text: str, anchor: str | None = None) -> Markup:
            return md_link(text, self.uri(name), page_uri, anchor)

        def agent_link(agent: str) -> Markup:
            return md_link(agent, self.uri("agents.md"), page_uri, agent_anchor(agent))

        return {
            "library": self.library,
            "today": self.library.today,
            "link": link,
            "item_link": item_link,
            "page_link": page_link,
            "agent_link": agent_link,
            "agent_anchor": agent_anchor,
            "anchor_span": lambda anchor: Markup(f'<span id="{anchor}"></span>'),
            "health": health,
            "state": Library.state_label,
            "due": due,
            "agent_of": lambda ref: ref.entry.postmortem.meta.agent if ref.entry.postmortem.meta else "",
            "severity_badge": severity_badge,
            "duration": duration,
            "applicable_mark": lambda line: Markup('<strong class="pm-applicable">applicable</strong> ') if line.applicable else "",
            "applicable_labels": applicable_labels,
            "art73": art73,
            "plural": lambda n, word: f"{n} {word}{'' if n == 1 else 's'}",
            "chart_incidents": lambda: self._charts["incidents"],
            "chart_burndown": lambda: self._charts["burndown"],
            "chart_durations": lambda: self._charts["durations"],
        }

    def card(self, entry: Entry, agent_url: str | None, show_findings: bool) -> str:
        """The metadata card above a post-mortem's content (HTML)."""
        items = entry.postmortem.actions or []
        refs = [ref for ref in self.library.actions if ref.entry is entry]
        return self.html.get_template("card.html").render(
            entry=entry,
            meta=entry.postmortem.meta,
            open_items=sum(1 for ref in refs if ref.is_open),
            overdue=sum(1 for ref in refs if ref.overdue_days is not None),
            total_items=len(items),
            agent_url=agent_url,
            findings=sorted(entry.findings, key=lambda f: (f.level.rank, f.line)) if show_findings else [],
            findings_title=describe_counts(entry.findings),
            findings_css=_findings_css(entry.findings),
        )


def findings_box(findings: list[Finding]) -> str:
    """The findings admonition alone, for a page that has no card (e.g. unreadable front matter)."""
    env = environment(markdown=False)
    return env.get_template("findings.html").render(
        findings=sorted(findings, key=lambda f: (f.level.rank, f.line)),
        title=describe_counts(findings),
        css=_findings_css(findings),
    )


def _findings_css(findings: list[Finding]) -> str:
    if not findings:
        return "info"
    worst = min((f.level for f in findings), key=lambda level: level.rank)
    return {Level.ERROR: "failure", Level.WARNING: "warning", Level.INFO: "info"}[worst]


def agent_anchor(agent: str) -> str:
    return "agent-" + (re.sub(r"[^a-z0-9]+", "-", agent.casefold()).strip("-") or "unknown")


def severity_badge(meta: FrontMatter | None) -> Markup:
    if meta is None:
        return Markup("")
    value = meta.severity.value
    return Markup(f'<span class="pm-badge pm-{value.lower()}">{value}</span>')


def due(ref: ActionRef) -> Markup:
    """The due date, with how many days overdue for an open item past it."""
    text = md_escape(ref.item.due_date.isoformat() if ref.item.due_date else ref.item.due)
    if ref.overdue_days is not None:
        days = ref.overdue_days
        text += f' <span class="pm-overdue">⚠ {days} day{"" if days == 1 else "s"} overdue</span>'
    return Markup(text)


def duration(delta: dt.timedelta | None) -> str:
    if delta is None:
        return "–"
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def applicable_labels(row: RegisterRow) -> str:
    lines = [row.eu_ai_act, *row.sector, row.internal_audit]
    return ", ".join(line.label for line in lines if line is not None and line.applicable)


def art73(row: RegisterRow) -> str:
    if row.art73_deadline is None or row.days_left is None:
        return "–"
    category = (row.art73_category or "general").replace("_", " ")
    left = row.days_left
    when = f"{left} days left" if left > 0 else "due today" if left == 0 else f"{-left} days past"
    return f"{row.art73_deadline} ({category}; aware {row.awareness}; {when})"


def health(entry: Entry) -> Markup:
    """A short mark for the library tables: blank when clean, else what needs attention."""
    if entry.postmortem.meta is None:
        return Markup("⚠ invalid front matter")
    serious = [f for f in entry.findings if f.level is not Level.INFO]
    return Markup(f"⚠ {md_escape(describe_counts(serious))}") if serious else Markup("✓")


def hours(delta: dt.timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 3600, 1)
