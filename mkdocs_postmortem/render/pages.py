"""The library's generated pages, the card on each post-mortem, and the findings box.

A page is Markdown for its structure (headings, so the theme's table of contents works, and short
text) plus HTML blocks for its tables: Markdown templates call `actions_table(...)` or
`entries_table(...)`, which leave a placeholder comment; the block's HTML, rendered from an HTML
template with every value escaped, replaces the placeholder after MkDocs has converted the Markdown.
Large tables never go through Python-Markdown, and each action item's cells are built once per build
however many pages list it. What a page's template may use is `PageContext`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..drafts import ReportDraft, draft_slug, report_drafts
from ..library import ActionRef, Entry, Library, RegisterRow, response_times
from ..model import Finding, FrontMatter, Level, RegulatoryLine, RenderedFacts
from ..profile import AUTONOMY_LABELS, DEPLOYMENT_LABELS, AiProfile
from ..report import describe_counts
from ..template import ActionState, Key, Template
from ..text import plural, slugify
from ..tickets import Tickets
from . import charts, environment, md_escape, md_link, regulatory


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
RECENT_DAYS = 90  # done items listed on the action pages; older ones are in the exports
DURATION_CHART_INCIDENTS = 20  # bars of the home page's response-time chart (per-agent medians: agents page)

ACTION_HEADERS = {
    "due": "Due",
    "completed": "Completed",
    "action": "Action",
    "owner": "Owner",
    "state": "Status",
    "status": "Status",
    "outcome": "Outcome",
    "postmortem": "Post-mortem",
    "agent": "Agent",
    "ticket": "Ticket",
    "team": "Team",
}
ENTRY_HEADERS = {
    "incident": "Incident",
    "team": "Team",
    "agent": "Agent",
    "severity": "Severity",
    "status": "Status",
    "postmortem": "Post-mortem",
    "items": "Open / total items",
    "health": "Health",
    "on_time": "Written on time",
    "applicable": "Applicable",
    "art73": "Article 73 report due",
    "clocks": "Reports owed",
    "reports": "Reports made",
    "draft": "Draft",
    "eu_ai_act": "EU AI Act Article 73",
    "sector": "Sector regulations",
    "internal_audit": "Internal audit",
}
PROFILE_HEADERS = {"harm": "Harm", "autonomy": "Autonomy", "deployment": "Deployment", "data_exposed": "Data exposed"}
COLUMN_CLASSES = {
    "due": "pm-date",
    "completed": "pm-date",
    "incident": "pm-date",
    "severity": "pm-nowrap",
    "state": "pm-nowrap",
    "items": "pm-nowrap",
    "health": "pm-nowrap",
    "on_time": "pm-nowrap",
    "count": "pm-nowrap",
    "ticket": "pm-nowrap",
}
"""How a column's cells behave in `blocks/table.html` (a column not named: plain text that wraps):
`pm-date` and `pm-nowrap` never wrap; the table's primary column (`pm-primary`: the action of an
action table, the title of a post-mortem table) keeps room for its words on wide screens and leads
the row on narrow ones, where each row is a block with the other cells after it, each labelled
with its header. A page adding a column of its own adds its key here."""
_PLACEHOLDER = re.compile(r"<!-- postmortem-block-(\d+) -->")


@dataclass
class RenderedPage:
    """A generated page: Markdown for MkDocs, and the HTML blocks that replace its placeholders."""

    markdown: str
    blocks: dict[str, str] = field(default_factory=dict)

    def fill(self, html: str) -> str:
        """Put the blocks into the converted page."""
        return _PLACEHOLDER.sub(lambda m: self.blocks.get(m.group(1), ""), html)


_HEADING = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_PERMALINK = re.compile(r"<a[^>]*\bheaderlink\b[^>]*>.*?</a>", re.DOTALL)  # the toc extension's ¶
_TEXT_BETWEEN_TAGS = re.compile(r"(?:^|>)[^<]*?[^\s<]")  # a row with any text, without stripping its tags


_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)


def _action_tables(html: str, template: Template) -> list[tuple[int, int, list[str]]]:
    """Where the action-items tables' bodies are in a rendered page, each split into rows: (start, end,
    parts), `parts[0]` being what precedes the first row. They are the tables with an action column
    between the heading that names the section and the next heading of its level, as the parser read them."""
    headings = list(_HEADING.finditer(html))
    found = next(
        (
            (index, m)
            for index, m in enumerate(headings)
            if template.section_key(_TAG.sub("", _PERMALINK.sub("", m.group(2)))) == Key.ACTIONS
        ),
        None,
    )
    if found is None:
        return []
    index, heading = found
    level = heading.group(1)
    stop = next((m.start() for m in headings[index + 1 :] if m.group(1) <= level), len(html))
    tables = []
    for table in _TABLE.finditer(html, heading.end(), stop):
        header = [_TAG.sub("", cell).strip() for cell in _HEADER_CELL.findall(table.group(0))]
        start = html.find("<tbody>", table.start(), table.end())
        end = html.find("</tbody>", start, table.end())
        if template.is_action_table(header) and start >= 0 and end >= 0:
            tables.append((start, end, html[start:end].split("<tr>")))  # MkDocs' rows open with a bare <tr>
    return tables


def rendered_facts(html: str, template: Template) -> RenderedFacts:
    """What a rendered page's content shows: its headings' text and the rows of its action tables that
    have any text (as the parser counts items)."""
    headings = tuple(_TAG.sub("", _PERMALINK.sub("", m.group(2))).strip() for m in _HEADING.finditer(html))
    tables = _action_tables(html, template)
    rows = sum(1 for _, _, parts in tables for row in parts[1:] if _TEXT_BETWEEN_TAGS.search(row))
    return RenderedFacts(headings=headings, action_rows=rows)


def anchor_action_rows(html: str, anchors: list[str], template: Template) -> str:
    """Give the action-items tables' rows their anchors (`<tr id="action-3">`) in a rendered page: the
    rows with any text, in order (an empty row in the Markdown gets no anchor, as it gets no item)."""
    tables = _action_tables(html, template) if anchors else []
    pending = iter(anchors)
    pieces, done = [], 0
    for start, end, rows in tables:
        anchored = [rows[0]]
        for row in rows[1:]:
            name = next(pending, None) if _TEXT_BETWEEN_TAGS.search(row) else None
            anchored.append("<tr>" if name is None else f'<tr id="{name}" class="pm-action">')
            anchored.append(row)
        pieces += [html[done:start], "".join(anchored)]
        done = end
    return "".join(pieces) + html[done:] if tables else html


def relative_url(target: str, base: str) -> str:
    """The URL of `target` as seen from the page at `base` (both relative to the site root); an
    absolute URL (another site's post-mortem) as it is."""
    if "://" in target:
        return target
    base_parts = [part for part in base.rsplit("/", 1)[0].split("/") if part] if "/" in base else []
    target_parts = [part for part in target.split("/") if part]
    common = 0
    for mine, theirs in zip(base_parts, target_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    relative = "/".join([".."] * (len(base_parts) - common) + target_parts[common:])
    if target.endswith("/") and relative:
        relative += "/"
    return relative or "./"


class Renderer:
    """Renders the library pages for one build; `template_dirs` override the shipped templates."""

    def __init__(self, library: Library, folder: str, urls: dict[str, str], template_dirs: Sequence[Path] = ()) -> None:
        self.library = library
        self.folder = folder
        self.urls = urls  # library page name → its URL, as MkDocs gives it
        self.markdown = environment(markdown=True, extra_dirs=template_dirs)
        self.html = environment(markdown=False, extra_dirs=template_dirs)
        self._blocks = itertools.count(1)
        self._action_cells: dict[tuple[str, int], dict[str, Markup]] = {}
        self._entry_cells: dict[tuple[str, str], dict[str, Markup]] = {}

    def uri(self, name: str) -> str:
        return f"{self.folder}/{name}"

    def page(self, page: LibraryPage, page_url: str) -> RenderedPage:
        """One generated page, for the URL MkDocs gives it."""
        return self._render(page.template, self.uri(page.name), page_url, page)

    def library_table(self, page_uri: str, page_url: str) -> RenderedPage:
        """The table of post-mortems, for a hand-written index page (`<!-- postmortem:library -->`)."""
        return self._render("library-table.md", page_uri, page_url, None)

    def _render(self, template: str, page_uri: str, page_url: str, page: LibraryPage | None) -> RenderedPage:
        rendered = RenderedPage("")
        context = PageContext(self, rendered, page_uri, page_url, page)
        rendered.markdown = self.markdown.get_template(template).render(template_variables(context))
        return rendered

    @cached_property
    def charts(self) -> dict[str, Markup]:
        """The home page's charts (SVG), drawn once per build."""
        library = self.library
        dated = [entry for entry in library.entries if entry.postmortem.meta]
        newest_first = sorted(dated, key=lambda entry: entry.postmortem.meta.incident_date, reverse=True)  # type: ignore[union-attr]
        return {
            "incidents": charts.incidents_per_month(
                library.incidents_per_month(), lambda name: severity_class(name, library.template)
            ),
            "burndown": charts.burndown(library.burndown()),
            "durations": charts.durations(
                [
                    (f"{meta.agent} {meta.incident_date}", times.detect, times.mitigate)
                    for entry in newest_first
                    if (meta := entry.postmortem.meta) and (times := response_times(entry))
                ][:DURATION_CHART_INCIDENTS]
            ),
        }

    def block(self, rendered: RenderedPage, html: str) -> Markup:
        """HTML that MkDocs' Markdown and search should not read: a placeholder now, the HTML in the
        finished page (`RenderedPage.fill`)."""
        if not html:
            return Markup("")
        number = str(next(self._blocks))
        rendered.blocks[number] = html
        return Markup(f"\n\n<!-- postmortem-block-{number} -->\n\n")

    def cells_for_action(self, ref: ActionRef, base: str) -> dict[str, Markup]:
        """An action item's table cells as seen from the page at `base`, built once per page URL."""
        key = (base, id(ref))
        cells = self._action_cells.get(key)
        if cells is None:
            meta = ref.entry.postmortem.meta
            href = relative_url(ref.entry.url, base)
            cells = {
                "due": due(ref),
                "completed": completed(ref),
                "outcome": Markup(escape(without_date(ref.item.status, ref.item.completed))),
                "action": Markup(
                    f'<a href="{escape(href)}#{escape(ref.anchor)}">{escape(ref.item.action or ref.item.number)}</a>'
                ),
                "owner": Markup(escape(ref.owner)),
                "state": Markup(escape(ActionState.label(ref.item.state))),
                "status": Markup(escape(ref.item.status)),
                "postmortem": Markup(f'<a href="{escape(href)}">{escape(ref.entry.title)}</a>'),
                "agent": Markup(escape(meta.agent if meta else "")),
                "ticket": ticket_cell(ref, self.library.tickets),
                **team_cells(ref.entry),
            }
            self._action_cells[key] = cells
        return cells

    def cells_for_entry(self, entry: Entry, base: str) -> dict[str, Markup]:
        """A post-mortem's table cells as seen from the page at `base`, built once per page URL."""
        key = (base, entry.path)
        cells = self._entry_cells.get(key)
        if cells is None:
            meta = entry.postmortem.meta
            open_items, total = self.library.item_counts[entry.path]
            agents = relative_url(self.urls.get("agents.md", ""), base)
            cells = {
                "incident": Markup(escape(meta.incident_date if meta else "")),
                "agent": Markup(
                    f'<a href="{escape(agents)}#{escape(agent_anchor(meta.agent))}">{escape(meta.agent)}</a>'
                    if meta
                    else ""
                ),
                "severity": severity_badge(meta, self.library.template),
                "status": Markup(escape(meta.status.value if meta else "")),
                "postmortem": Markup(f'<a href="{escape(relative_url(entry.url, base))}">{escape(entry.title)}</a>'),
                "items": Markup(f"{open_items} / {total}"),
                "health": health(entry),
                "on_time": Markup("late" if self.library.written_late(entry) else "yes"),
                **team_cells(entry),
            }
            self._entry_cells[key] = cells
        return cells

    def findings_box(self, findings: list[Finding]) -> str:
        """The findings admonition alone, for a page that has no card (e.g. a draft in a build)."""
        return findings_box(self.html, findings)

    def card(self, entry: Entry, agent_url: str | None, show_findings: bool) -> str:
        """The metadata card above a post-mortem's content (HTML)."""
        refs = self.library.actions_by_path.get(entry.path, [])
        return self.html.get_template("card.html").render(
            entry=entry,
            meta=entry.postmortem.meta,
            severity_badge=severity_badge(entry.postmortem.meta, self.library.template),
            open_items=sum(1 for ref in refs if ref.is_open),
            overdue=sum(1 for ref in refs if ref.overdue_days is not None),
            total_items=len(refs),
            agent_url=agent_url,
            findings=sorted(entry.findings, key=lambda f: (f.level.rank, f.line)) if show_findings else [],
            findings_title=describe_counts(entry.findings),
            profile=card_profile(entry.postmortem.meta.ai)
            if entry.postmortem.meta and entry.postmortem.meta.ai
            else "",
            findings_css=_findings_css(entry.findings),
        )


class PageContext:
    """What a library page's template may use: the contract with the templates a site overrides (in
    the `templates` option's folder, or in `postmortem/` under the theme's `custom_dir`).

    Every public property and method of this class is a template variable of the same name:
    `{{ plural(library.entries | length, "post-mortem") }}`, `{{ actions_table(refs, ["due", "action"]) }}`.
    A Markdown template escapes every value for Markdown unless it is `Markup`; the tables, charts,
    links and anchors below are `Markup`, their links relative to the page being rendered, and
    `blocks/table.html` renders each table with every value HTML-escaped. The contract only grows:
    no name is removed or given another meaning, so an override written for an earlier version keeps
    working.
    """

    def __init__(
        self, renderer: Renderer, rendered: RenderedPage, page_uri: str, page_url: str, page: LibraryPage | None = None
    ) -> None:
        self._renderer = renderer
        self._rendered = rendered  # where the page's HTML blocks go
        self._page_uri = page_uri  # its source path: Markdown links from it are relative to it
        self._page_url = page_url  # its URL: the tables' HTML links are relative to it
        self._page = page

    @property
    def library(self) -> Library:
        """Every post-mortem (`library.entries`, newest incident first) and action item (`library.actions`,
        `library.open_actions`), and the views of them: `by_owner()`, `due_buckets()`, `agents()`,
        `register()`, `quarters()`, `failed()`, `count_by("severity")`, `count_by("status")`."""
        return self._renderer.library

    @property
    def today(self) -> dt.date:
        """The day deadlines and overdue items are judged by."""
        return self._renderer.library.today

    @property
    def title(self) -> str | None:
        """The library page's title (`# {{ title }}`); None in the table of a hand-written index."""
        return self._page.title if self._page else None

    @property
    def current(self) -> str | None:
        """The library page's file name (`agents.md`), which the menu shows unlinked; None in the table
        of a hand-written index."""
        return self._page.name if self._page else None

    @property
    def library_pages(self) -> tuple[LibraryPage, ...]:
        """The six library pages in menu order, each with its `name`, `template` and `title`."""
        return LIBRARY_PAGES

    @property
    def recent_days(self) -> int:
        """How many days back `recent_only` keeps closed items (older ones are in the exports)."""
        return RECENT_DAYS

    def recent_only(self, refs: Iterable[ActionRef]) -> list[ActionRef]:
        """The items completed (or, without a completion date, due) in the last `recent_days` days."""
        recent = self.today - dt.timedelta(days=RECENT_DAYS)
        return [ref for ref in refs if (ref.item.completed or ref.item.due_date or dt.date.min) >= recent]

    @staticmethod
    def newest_done_first(refs: Iterable[ActionRef]) -> list[ActionRef]:
        """Closed items by completion date, newest first; those without one at the end (their `completed`
        cell says so)."""
        return sorted(
            refs, key=lambda ref: (ref.item.completed is None, -(ref.item.completed or dt.date.min).toordinal())
        )

    def actions_table(self, refs: Sequence[ActionRef], columns: Sequence[str], anchor: str | None = None) -> Markup:
        """A table of action items; `columns` of `ACTION_HEADERS`: due, completed (or "no date given"),
        action (linked to its row), owner, state (open, in progress, …), status (the cell as written),
        outcome (the cell as written without the date the completed column shows), postmortem, agent.
        `anchor`: the table's id, for links to the rows a count counts."""
        rows = [self._renderer.cells_for_action(ref, self._page_url) for ref in refs]
        return self._table(columns, ACTION_HEADERS, rows, "actions", "action", anchor)

    def entries_table(
        self,
        entries: Sequence[Entry],
        columns: Sequence[str],
        extra: dict[str, dict[str, Markup]] | None = None,
        anchor: str | None = None,
    ) -> Markup:
        """A table of post-mortems; `columns` of `ENTRY_HEADERS`: incident, agent, severity, status,
        postmortem, items, health, on_time, and those that `extra` (post-mortem path → column → cell,
        from `register_cells` or `register_lines`) gives. `anchor`: the table's id."""
        rows = [
            self._renderer.cells_for_entry(entry, self._page_url) | (extra or {}).get(entry.path, {})
            for entry in entries
        ]
        questions = {key: q.label for key, q in self._renderer.library.template.regulatory.items()}
        return self._table(columns, questions | ENTRY_HEADERS, rows, "postmortems", "postmortem", anchor)

    def table(
        self,
        columns: Sequence[str],
        headers: dict[str, str],
        rows: Sequence[dict[str, Markup]],
        primary: str | None = None,
        anchor: str | None = None,
    ) -> Markup:
        """A table of other rows in the library's table pattern (`blocks/table.html`): `rows` map each of
        `columns` to a cell (`Markup`; other values are escaped), `headers` each column to its header,
        `primary` names the column that leads a row on narrow screens (`COLUMN_CLASSES` the others')."""
        cells = [{column: escape(row.get(column, "")) for column in columns} for row in rows]
        return self._table(columns, headers, cells, "rows", primary, anchor)

    def profile_table(self, dimension: str, anchor: str | None = None) -> Markup:
        """Post-mortems by a field of their AI profile (`library.by_profile`: harm, autonomy, deployment,
        data_exposed): each value, how many, and the post-mortems themselves, linked."""
        rows = [
            {
                "value": Markup(escape(label)),
                "count": Markup(len(entries)),
                "postmortems": Markup(", ").join(
                    self._renderer.cells_for_entry(entry, self._page_url)["postmortem"] for entry in entries
                ),
            }
            for label, entries in self._renderer.library.by_profile(dimension).items()
        ]
        headers = {"value": PROFILE_HEADERS[dimension], "count": "Incidents", "postmortems": "Post-mortems"}
        return self._table(["value", "count", "postmortems"], headers, rows, "profile", "value", anchor)

    @staticmethod
    def profile_words(profile: AiProfile) -> str:
        """An AI profile in a line: `claude-sonnet-4 by Anthropic; acts autonomously; customer-facing;
        authority: funds, external comms`."""
        model = " ".join(part for part in (profile.model, profile.model_version) if part)
        parts = [f"{model} by {profile.provider}" if model and profile.provider else model or profile.provider or ""]
        parts.append(AUTONOMY_LABELS.get(profile.autonomy or "", "").lower())
        parts.append(DEPLOYMENT_LABELS.get(profile.deployment or "", "").lower())
        if profile.authority:
            parts.append("authority: " + ", ".join(scope.replace("_", " ") for scope in profile.authority))
        return "; ".join(part for part in parts if part) or "no details recorded"

    @staticmethod
    def count_link(count: int, noun: str, anchor: str | None, plural_form: str | None = None) -> Markup:
        """`plural(count, noun)` as a link to `#anchor`, the rows it counts; plain text when there are none
        (a zero, or no anchor)."""
        text = escape(plural(count, noun, plural_form))
        return Markup(f'<a href="#{escape(anchor)}">{text}</a>') if count and anchor else text

    def link(self, entry: Entry) -> Markup:
        """A Markdown link to a post-mortem, titled with its title (another site's: to its URL there)."""
        if entry.source is not None:
            return Markup("[{}]({})").format(md_escape(entry.title), entry.url.replace(" ", "%20").replace(")", "%29"))
        return md_link(entry.title, entry.src_uri, self._page_uri)

    def page_link(self, name: str, text: str, anchor: str | None = None) -> Markup:
        """A Markdown link to a library page by its file name (`agents.md`), to `anchor` on it if given."""
        return md_link(text, self._renderer.uri(name), self._page_uri, anchor)

    @staticmethod
    def agent_anchor(agent: str) -> str:
        """The anchor of an agent's section of the agents page (`agent-finance-invoice-recon`)."""
        return agent_anchor(agent)

    @staticmethod
    def anchor_span(anchor: str) -> Markup:
        """An empty element with this id, so a heading can carry an anchor of its own."""
        return Markup(f'<span id="{escape(anchor)}"></span>')

    @staticmethod
    def duration(delta: dt.timedelta | None) -> str:
        """A duration as `2 h 05 min` or `45 min`; `–` for none."""
        return duration(delta)

    @staticmethod
    def plural(count: int, noun: str, plural_form: str | None = None) -> str:
        """The count and its noun: `1 incident`, `3 incidents` (`plural_form` for a noun without an s)."""
        return plural(count, noun, plural_form)

    def register_cells(self, rows: Iterable[RegisterRow]) -> dict[str, dict[str, Markup]]:
        """`entries_table`'s `extra` cells of register rows: `applicable` (the applicable regulations),
        `clocks` (each regulator's clock: due, submitted on time or late, complete report pending),
        `art73` (the Article 73 clock alone), `reports` (the reports made) and `draft` (a link to the
        row's report draft, when it has one)."""
        today = self.today
        drafts = self._renderer.urls.get("regulatory-register.md", "")
        cells = {}
        for row in rows:
            has_draft = bool(row.clocks or row.reports)
            here = drafts == self._page_url
            href = f"{'' if here else relative_url(drafts, self._page_url)}#{draft_anchor(draft_slug(row.entry))}"
            cells[row.entry.path] = {
                "applicable": Markup(escape(applicable_labels(row))),
                "clocks": regulatory.clocks_cell(row, today),
                "art73": regulatory.art73_cell(row, today),
                "reports": regulatory.reports_cell(row),
                "draft": Markup('<a href="{}">draft</a>').format(href) if has_draft and drafts else Markup("–"),
            }
        return cells

    def report_drafts(self) -> list[ReportDraft]:
        """The report drafts (`drafts.ReportDraft`): one per post-mortem with a regulator's clock or a
        recorded report, newest incident first."""
        return report_drafts(self._renderer.library)

    def doc_link(self, src_uri: str, text: str) -> Markup:
        """A Markdown link to any page of the docs by its path (`postmortems/2026-10-19-x.md`)."""
        return md_link(text, src_uri, self._page_uri)

    def export_link(self, file: str, text: str) -> Markup:
        """An HTML link to one of the library's exports (`report-drafts.json`), relative to this page."""
        href = relative_url(f"{self._renderer.folder}/{file}", self._page_url)
        return Markup('<a href="{}">{}</a>').format(href, text)

    @staticmethod
    def draft_anchor(slug: str) -> str:
        """The anchor of a draft's section on the regulatory register (`draft-2026-10-19-clinical-intake`)."""
        return draft_anchor(slug)

    @staticmethod
    def register_lines(rows: Iterable[RegisterRow]) -> dict[str, dict[str, Markup]]:
        """`entries_table`'s `extra` cells of register rows: the answers to each regulatory question of
        the template, by its key (`eu_ai_act`, `sector`, `internal_audit` in the CoE template), with
        their labels and `applicable` highlighted."""
        return {row.entry.path: {key: regulatory_cell(lines) for key, lines in row.answers.items()} for row in rows}

    @property
    def register_columns(self) -> list[str]:
        """The keys of the template's regulatory questions, in its order: the register's columns."""
        return list(self._renderer.library.template.regulatory)

    def chart_incidents(self) -> Markup:
        """The chart of incidents per month, by severity (empty without dated post-mortems)."""
        return self._renderer.block(self._rendered, self._renderer.charts["incidents"])

    def chart_burndown(self) -> Markup:
        """The chart of open and closed action items over time (empty without action items)."""
        return self._renderer.block(self._rendered, self._renderer.charts["burndown"])

    def chart_durations(self) -> Markup:
        """The chart of time to detect and to mitigate of the latest incidents that give response
        timestamps (empty when none does)."""
        return self._renderer.block(self._rendered, self._renderer.charts["durations"])

    def _table(
        self,
        columns: Sequence[str],
        headers: dict[str, str],
        rows: list[dict[str, Markup]],
        kind: str,
        primary: str | None = None,
        anchor: str | None = None,
    ) -> Markup:
        classes = {column: "pm-primary" if column == primary else COLUMN_CLASSES.get(column, "") for column in columns}
        cell_attributes = {
            column: (Markup(' class="{}"').format(css) if css else Markup(""))
            + (Markup(' data-label="{}"').format(headers[column]) if css != "pm-primary" else "")
            for column, css in classes.items()
        }
        html = self._renderer.html.get_template("blocks/table.html").render(
            columns=columns,
            headers=headers,
            rows=rows,
            kind=kind,
            classes=classes,
            cell_attributes=cell_attributes,
            anchor=anchor,
            teams=self._renderer.library.teams if anchor and "team" in columns else [],
        )
        return self._renderer.block(self._rendered, html)


TEMPLATE_VARIABLES = tuple(name for name in vars(PageContext) if not name.startswith("_"))
"""The names of `PageContext` that templates see: its public properties and methods."""


def template_variables(context: PageContext) -> dict[str, object]:
    """The context as a template's variables, by name."""
    return {name: getattr(context, name) for name in TEMPLATE_VARIABLES}


def findings_box(html: jinja2.Environment, findings: list[Finding]) -> str:
    """The admonition that lists a page's findings, from the `findings.html` template of `html`."""
    return html.get_template("findings.html").render(
        findings=sorted(findings, key=lambda f: (f.level.rank, f.line)),
        findings_title=describe_counts(findings),
        findings_css=_findings_css(findings),
    )


def _findings_css(findings: list[Finding]) -> str:
    if not findings:
        return "info"
    worst = min((f.level for f in findings), key=lambda level: level.rank)
    return {Level.ERROR: "failure", Level.WARNING: "warning", Level.INFO: "info"}[worst]


def agent_anchor(agent: str) -> str:
    return "agent-" + (slugify(agent) or "unknown")


def severity_badge(meta: FrontMatter | None, template: Template) -> Markup:
    """The severity as a badge coloured by its rank on the scale (`pm-sev-1` for the most severe)."""
    if meta is None:
        return Markup("")
    return Markup(f'<span class="pm-badge {severity_class(meta.severity, template)}">{escape(meta.severity)}</span>')


def severity_class(name: str, template: Template) -> str:
    """`pm-sev-1` … `pm-sev-4`: the CSS class of a severity, by its rank (the scale's names may be anything)."""
    return f"pm-sev-{min(template.severity_rank(name), 3) + 1}"


def health(entry: Entry) -> Markup:
    """A short mark for the library tables: ✓ when clean, else what needs attention; `legacy` for a
    page kept as it is (the `legacy` option)."""
    if entry.postmortem.legacy:
        return Markup('<span class="pm-legacy" title="kept as it is: only its front matter is checked">legacy</span>')
    if entry.postmortem.meta is None:
        return Markup('<span class="pm-attention">⚠ invalid front matter</span>')
    serious = [f for f in entry.findings if f.level is not Level.INFO]
    if not serious:
        return Markup("✓")
    return Markup(f'<span class="pm-attention">⚠ {escape(describe_counts(serious))}</span>')


def due(ref: ActionRef) -> Markup:
    """The due date, with how many days overdue for an open item past it."""
    text = escape(ref.item.due_date.isoformat() if ref.item.due_date else ref.item.due)
    if ref.overdue_days is not None:
        text += Markup(f' <span class="pm-overdue">⚠ {plural(ref.overdue_days, "day")} overdue</span>')
    return Markup(text)


def ticket_cell(ref: ActionRef, tickets: Tickets) -> Markup:
    """The item's ticket (linked), its state at the last sync, and a mark where the two disagree."""
    if ref.ticket is None:
        return Markup("")
    url = tickets.url(ref.ticket)
    text = escape(ref.ticket.text)
    cell = Markup(f'<a href="{escape(url)}">{text}</a>') if url else Markup(text)
    state = ref.ticket_state
    if state is not None:
        closed = f" {state.closed_at.date().isoformat()}" if state.state == "closed" and state.closed_at else ""
        cell += Markup(f" ({escape(state.state.replace('missing', 'not found'))}{escape(closed)})")
    if ref.drift:
        why = "; ".join(finding.message for finding in ref.drift)
        cell += Markup(f' <span class="pm-attention" title="{escape(why)}">⚠ drift</span>')
    return cell


duration = charts.duration  # one format on every page and chart: `24 h 35 min`


def completed(ref: ActionRef) -> Markup:
    """A closed item's completion date, or that its status cell gives none; empty for an open item."""
    if ref.item.completed:
        return Markup(escape(ref.item.completed.isoformat()))
    return Markup("") if ref.is_open else Markup('<span class="pm-muted">no date given</span>')


_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_LOOSE_ENDS = re.compile(r"^[\s,;:—–-]+|[\s,;:—–-]+$")
_DOUBLED = re.compile(r"([,;:—–])(?:\s*[,;:—–])+")  # `Done, , merged`: one separator
_AFTER_OPENING = re.compile(r"([(\[])[\s,;:—–]+")  # `(, PR #12)` → `(PR #12)`
_BEFORE_CLOSING = re.compile(r"[\s,;:—–]+([)\]])")


def without_date(status: str, day: dt.date | None) -> str:
    """A status cell without the completion date another column shows, and the words and separators
    that went with it: `✅ Done (2026-08-15)` → `✅ Done`, `Done on 2026-08-15` → `Done`,
    `Done (2026-08-15, PR #12)` → `Done (PR #12)`, `Done (shipped 2026-08-15)` → `Done (shipped)`."""
    if day is None:
        return status
    text = re.sub(rf"(?i:\b(?:on|at)\s+)?{re.escape(day.isoformat())}", "", status)
    text = _BEFORE_CLOSING.sub(r"\1", _AFTER_OPENING.sub(r"\1", _DOUBLED.sub(r"\1", text)))
    return _LOOSE_ENDS.sub("", " ".join(_EMPTY_BRACKETS.sub("", text).split()))


def regulatory_cell(lines: Sequence[RegulatoryLine]) -> Markup:
    """Regulatory answers for a table cell: each label and answer, `applicable` highlighted."""
    parts = [
        Markup("{}<strong>{}:</strong> {}").format(
            Markup('<strong class="pm-applicable">applicable</strong> ') if line.applicable else "",
            line.label,
            line.value,
        )
        for line in lines
    ]
    return Markup("<br>").join(parts) if parts else Markup("–")


def applicable_labels(row: RegisterRow) -> str:
    return ", ".join(line.label for lines in row.answers.values() for line in lines if line.applicable)


def card_profile(profile: AiProfile) -> str:
    """The AI profile in the card's line: how it acted, where, and the harm recorded."""
    harms = ", ".join(f"{harm.value.replace('_', ' ')} ({likely})" for harm, likely in profile.harm.items())
    parts = [PageContext.profile_words(profile)]
    if harms:
        parts.append(f"harm: {harms}")
    if profile.near_miss:
        parts.append("near miss")
    return "; ".join(part for part in parts if part and part != "no details recorded")


def team_cells(entry: Entry) -> dict[str, Markup]:
    """The `team` cell of a row, and `_team`, the slug `blocks/table.html` filters rows by."""
    team = entry.team or ""
    return {"team": Markup(escape(team)), "_team": Markup(escape(slugify(team)))}


def draft_anchor(slug: str) -> str:
    return f"draft-{slug}"
