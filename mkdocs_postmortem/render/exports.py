"""Machine-readable exports of the library: JSON, CSV, iCalendar, RSS and the front matter's JSON Schema.

`EXPORTS` lists them by name, each with its file and the function that makes its text from the library
and the site, with a library that escapes for its format (json, csv, icalendar, ElementTree).
Whatever a page holds, every export is valid for its format: no text in any of them carries what XML
1.0 or RFC 5545 forbids (`text.exportable`: control characters but tab and line feed, lone surrogates,
U+FFFE, U+FFFF), so all of them show a reader the same text; no CSV cell is one a spreadsheet runs.
`write_exports` writes those asked for atomically, so a killed build never leaves half a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import io
import json
import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..atomic import write_atomic
from ..drafts import drafts_json
from ..library import ActionRef, Entry, Library
from ..model import Finding, front_matter_schema
from ..report import spreadsheet_safe
from ..template import ActionState
from ..text import exportable, slugify

SCHEMA_VERSION: Final = 1


@dataclass(frozen=True)
class Site:
    """What the exports say of the site: its name, its URL (links are absolute when it has one, else
    relative to `folder`, where the exports are written, in the JSON and the CSV; the feed and the
    calendar, whose links must be absolute, then leave their items' out) and what it is about."""

    name: str
    url: str | None
    description: str
    folder: str = ""  # the post-mortem folder of the site, relative to its root

    def link(self, url: str) -> str:
        """A site-relative URL as an export's link: absolute with a `site_url`, else relative to the
        export's own file, so that it resolves wherever the site is served. Another site's (absolute) as it is."""
        if "://" in url:
            return url
        return absolute(url, self.url) if self.url else relative_to(url, self.folder)


class _Exportable(BaseModel):
    """A model of the exports: every text field as every export may carry it (`text.exportable`)."""

    model_config = ConfigDict(defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _exportable(cls, value: object) -> object:
        return exportable(value) if isinstance(value, str) else value


class ExportActionItem(_Exportable):
    number: str
    action: str
    owner: str
    due: dt.date | None = Field(description="The due date, or null when the cell is not a date.")
    status: Literal["open", "in_progress", "done", "wont_do"]
    completed: dt.date | None
    overdue: bool
    url: str = Field(description="The item's row in its post-mortem page.")
    ticket: str = Field("", description="Its ticket (`owner/repo#12`, `group/project#3`, `OPS-123`), or empty.")
    ticket_state: Literal["open", "closed", "missing", ""] = Field(
        "", description="The ticket's state at the last `mkdocs-postmortem sync` (missing: not found), or empty."
    )


class ExportPostMortem(_Exportable):
    path: str = Field(description="The source file, relative to the project.")
    url: str
    title: str
    agent: str | None
    severity: str | None
    incident_date: dt.date | None
    date: dt.date | None
    status: Literal["draft", "open", "closed"] | None
    legacy: bool = Field(description="Kept as it is (the `legacy` option): only its front matter was checked.")
    team: str | None = Field(default=None, description="Its team: `team:`, its folder, or the site it comes from.")
    source: str | None = Field(default=None, description="The other site it was merged from (`sources`), else null.")
    findings: list[Finding]
    action_items: list[ExportActionItem]
    ai: dict[str, object] | None = Field(
        default=None, description="The AI-incident profile as written (`ai:`), or null; see the README's field mapping."
    )
    reports: list[dict[str, object]] = Field(
        default_factory=list, description="The reports made to regulators (`reports:`), oldest first."
    )
    clocks: list[ExportClock] = Field(default_factory=list, description="The regulators' clocks that run for it.")


class ExportClock(_Exportable):
    regulation: Literal["eu_ai_act_art73", "gdpr_art33"]
    category: str | None = Field(description="Article 73's category (general, death, …); null for GDPR.")
    aware: dt.datetime
    due: dt.datetime
    state: Literal["due", "due_soon", "overdue", "on_time", "late"]
    complete_pending: bool


def _clean(value: object) -> object:
    """A JSON tree with every text as every export may carry it (`text.exportable`)."""
    if isinstance(value, str):
        return exportable(value)
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _profile_fields(entry: Entry, library: Library) -> dict[str, Any]:
    """The AI profile, the reports and the clocks of a post-mortem, for its JSON record."""
    meta = entry.postmortem.meta
    if meta is None:
        return {}
    return {
        "ai": _clean(meta.ai.model_dump(mode="json", exclude_unset=True)) if meta.ai else None,
        "reports": [
            _clean(r.model_dump(mode="json", exclude_none=True))
            for r in sorted(meta.reports, key=lambda r: r.submitted)
        ],
        "clocks": [
            ExportClock(
                regulation=clock.regulation,
                category=clock.category,
                aware=clock.aware,
                due=clock.due,
                state=clock.state(library.today),
                complete_pending=clock.complete_pending,
            )
            for clock in library.clocks_of(entry)
        ],
    }


class ExportDocument(BaseModel):
    """`postmortems.json`: every post-mortem and action item. `schema_version` changes only on breaking changes."""

    model_config = ConfigDict(defer_build=True)

    schema_version: Literal[1] = SCHEMA_VERSION
    generated: dt.date = Field(description='The build\'s "today".')
    postmortems: list[ExportPostMortem]


def absolute(url: str, site_url: str | None) -> str:
    """A site-relative URL made absolute when the site has a `site_url` (another site's is already)."""
    return f"{site_url.rstrip('/')}/{url}" if site_url and "://" not in url else url


def relative_to(url: str, folder: str) -> str:
    """A site-relative URL (`postmortems/a/#action-2`) as seen from a file in `folder` (`postmortems`):
    `a/#action-2`."""
    path, hash_, fragment = url.partition("#")
    if folder and path.startswith(f"{folder}/") and ".." not in path:  # most links: a page of the folder
        return (path[len(folder) + 1 :] or "./") + hash_ + fragment
    relative = posixpath.relpath(path or ".", folder or ".")
    if path.endswith("/") or not path:
        relative = "./" if relative == "." else relative + "/"
    return relative + hash_ + fragment


def _state(ref: ActionRef) -> Literal["open", "in_progress", "done", "wont_do"]:
    return (ref.item.state or ActionState.OPEN).value


def postmortems_json(library: Library, site: Site) -> str:
    """Every post-mortem with its findings and action items: an `ExportDocument`."""
    rows: dict[str, list[ActionRow]] = {}
    for ref, row in zip(library.actions, library_rows(library, site), strict=True):
        rows.setdefault(ref.entry.path, []).append(row)
    document = ExportDocument(
        generated=library.today,
        postmortems=[
            ExportPostMortem(
                path=entry.path,
                url=site.link(entry.url),
                title=entry.title,
                agent=entry.postmortem.meta.agent if entry.postmortem.meta else None,
                severity=entry.postmortem.meta.severity if entry.postmortem.meta else None,
                incident_date=entry.postmortem.meta.incident_date if entry.postmortem.meta else None,
                date=entry.postmortem.meta.date if entry.postmortem.meta else None,
                status=entry.postmortem.meta.status.value if entry.postmortem.meta else None,
                legacy=entry.postmortem.legacy,
                team=entry.team,
                source=entry.source,
                findings=entry.findings,
                action_items=[_export_item(row) for row in rows.get(entry.path, [])],
                **_profile_fields(entry, library),
            )
            for entry in library.entries
        ],
    )
    return document.model_dump_json(indent=2) + "\n"


class ActionRow(_Exportable):
    """One action item as a row, the same wherever it is listed: `action-items.csv` and
    `mkdocs-postmortem actions --format csv|json`. The CSV's columns are the fields, in this order."""

    agent: str
    severity: str
    postmortem: str = Field(description="The post-mortem's title.")
    postmortem_url: str
    number: str = Field(description="The item's `#` cell.")
    action: str
    owner: str = Field(description="The owner's canonical name (aliases of the people file merged).")
    due: dt.date | None = Field(description="The due date, or null when the cell is not a date.")
    status: Literal["open", "in_progress", "done", "wont_do"]
    completed: dt.date | None
    days_overdue: int | None = Field(description="Days past due for an open item, else null.")
    url: str = Field(description="The item's row in its post-mortem page.")
    due_text: str = Field(
        description="The due cell as written when it is more than a date (`next sprint`, `2026-12-01 (Q4)`), else empty."
    )
    path: str = Field(description="The post-mortem's source file, relative to the project.")
    legacy: bool = Field(description="Its post-mortem is kept as it is (the `legacy` option).")
    ticket: str = Field("", description="Its ticket (`owner/repo#12`, `group/project#3`, `OPS-123`), or empty.")
    ticket_state: Literal["open", "closed", "missing", ""] = Field(
        "", description="The ticket's state at the last `mkdocs-postmortem sync` (missing: not found), or empty."
    )
    team: str = Field(
        "", description="Its post-mortem's team (`team:`, its folder, or the site it comes from), or empty."
    )


def action_row(ref: ActionRef, site_url: str | None, site: Site | None = None) -> ActionRow:
    """An item as a row; its links absolute with a `site_url`, else relative to `site`'s folder for an
    export (`Site.link`), or to the site's root."""

    def link(url: str) -> str:
        return site.link(url) if site else absolute(url, site_url)

    meta = ref.entry.postmortem.meta
    return ActionRow(
        agent=meta.agent if meta else "",
        severity=meta.severity if meta else "",
        postmortem=ref.entry.title,
        postmortem_url=link(ref.entry.url),
        number=ref.item.number,
        action=ref.item.action,
        owner=ref.owner,
        due=ref.item.due_date,
        status=_state(ref),
        completed=ref.item.completed,
        days_overdue=ref.overdue_days,
        url=link(ref.url),
        due_text="" if ref.item.due_date and ref.item.due.strip() == ref.item.due_date.isoformat() else ref.item.due,
        path=ref.entry.path,
        legacy=ref.entry.postmortem.legacy,
        ticket=ref.ticket.text if ref.ticket else "",
        ticket_state=ref.ticket_state.state if ref.ticket_state else "",
        team=ref.entry.team or "",
    )


_last_rows: list[tuple[Library, Site, list[ActionRow]]] = []  # the rows of the last library: JSON and CSV share them


def library_rows(library: Library, site: Site) -> list[ActionRow]:
    """Every action item of the library as a row, in `library.actions` order, made once per build."""
    if _last_rows and _last_rows[0][0] is library and _last_rows[0][1] == site:
        return _last_rows[0][2]
    rows = [action_row(ref, site.url, site) for ref in library.actions]
    _last_rows[:] = [(library, site, rows)]
    return rows


def _export_item(row: ActionRow) -> ExportActionItem:
    """An action item of `postmortems.json`: the row's fields that the document keeps."""
    kept = row.model_dump(include=set(ExportActionItem.model_fields) - {"overdue"})
    return ExportActionItem(**kept, overdue=row.days_overdue is not None)


def action_rows_csv(rows: Iterable[ActionRow]) -> str:
    """The rows as CSV, empty cells for nulls, no cell a spreadsheet would run as a formula
    (`report.spreadsheet_safe`), and every cell but the header's quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(ActionRow.model_fields)
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow(
            [spreadsheet_safe("" if value is None else str(value)) for value in row.model_dump(mode="json").values()]
        )
    return buffer.getvalue()


def action_rows_json(rows: Iterable[ActionRow]) -> str:
    """The rows as a JSON list of objects, dates as `YYYY-MM-DD`, nulls as null."""
    return json.dumps([row.model_dump(mode="json") for row in rows], indent=2, ensure_ascii=False)


def action_items_csv(library: Library, site: Site) -> str:
    """Every action item as an `ActionRow`, after a byte-order mark: spreadsheets (Excel) then read the
    file as UTF-8, `—` and `✅` intact."""
    return "\ufeff" + action_rows_csv(library_rows(library, site))


def action_items_ics(library: Library, site: Site) -> str:
    """One all-day event per open action item on its due date; UIDs stay the same from build to build,
    `site_url` or not. `URL:` (a URI, so absolute) only with a `site_url`."""
    import icalendar  # only here: a slow import that the rest of the build does not need

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//mkdocs-postmortem//Post-mortem action items//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Post-mortem action items")
    stamp = dt.datetime.combine(library.today, dt.time(), tzinfo=dt.UTC)
    for ref in library.open_actions:
        if ref.item.due_date is None:
            continue
        meta = ref.entry.postmortem.meta
        event = icalendar.Event()
        event.add("uid", f"{_uid_part(ref.entry.src_uri)}-{ref.anchor}@mkdocs-postmortem")
        event.add("dtstamp", stamp)
        event.add("dtstart", ref.item.due_date)
        event.add("dtend", ref.item.due_date + dt.timedelta(days=1))
        # icalendar escapes line breaks, commas and semicolons, not the control characters RFC 5545 forbids.
        legacy = " (legacy post-mortem)" if ref.entry.postmortem.legacy else ""
        event.add("summary", exportable(f"{ref.item.action} ({ref.owner}){legacy}"))
        event.add(
            "description",
            exportable(
                f"Owner: {ref.owner}\nStatus: {ActionState.label(ref.item.state)}\n"
                f"Post-mortem: {ref.entry.title}\nAgent: {meta.agent if meta else ''}"
            ),
        )
        if site.url:
            event.add("url", exportable(site.link(ref.url)))
        if meta:
            event.add("categories", [exportable(meta.agent)])
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()  # icalendar does not annotate `to_ical`
    return ical.decode("utf-8")


def _uid_part(src_uri: str) -> str:
    # Non-ASCII characters stay separators, as in the UIDs earlier builds wrote: subscribers keep their events.
    return slugify(src_uri.removesuffix(".md").encode("ascii", "replace").decode("ascii"))


def _element(parent: ET.Element, tag: str, text: str, **attributes: str) -> None:
    """A child element holding `text`; ElementTree escapes `<` and `&`, not the characters XML 1.0 forbids."""
    ET.SubElement(parent, tag, attributes).text = exportable(text)


DUBLIN_CORE: Final = "http://purl.org/dc/elements/1.1/"
ET.register_namespace("dc", DUBLIN_CORE)


def feed_xml(library: Library, site: Site) -> str:
    """An RSS 2.0 feed of post-mortems by write-up date, newest first (like mkdocs-rss-plugin's); each
    item's author, a name, as `dc:creator`. Items link to their pages only with a `site_url` (RSS
    links are absolute); their `guid`s are the same with it or without, so readers never see an item twice."""
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    _element(channel, "title", f"{site.name}: post-mortems")
    # Required by RSS 2.0, so written without a `site_url` too: then relative (the build warns).
    _element(channel, "link", site.link(f"{site.folder}/" if site.folder else ""))
    _element(channel, "description", site.description)
    _element(channel, "generator", "mkdocs-postmortem")
    build = dt.datetime.combine(library.today, dt.time(), tzinfo=dt.UTC)
    _element(channel, "lastBuildDate", email.utils.format_datetime(build))
    dated = [e for e in library.entries if e.postmortem.meta]
    for entry in sorted(dated, key=lambda e: (e.postmortem.meta.date, e.path), reverse=True):  # type: ignore[union-attr]
        meta = entry.postmortem.meta
        assert meta is not None
        item = ET.SubElement(channel, "item")
        _element(item, "title", entry.title)
        if site.url:
            _element(item, "link", site.link(entry.url))
        _element(item, "guid", f"{_uid_part(entry.src_uri)}@mkdocs-postmortem", isPermaLink="false")
        published = dt.datetime.combine(meta.date, dt.time(), tzinfo=dt.UTC)
        _element(item, "pubDate", email.utils.format_datetime(published))
        _element(item, f"{{{DUBLIN_CORE}}}creator", meta.author)  # RSS 2.0's <author> must be an e-mail address
        summary = " ".join(entry.postmortem.summary.text.split()) if entry.postmortem.summary else ""
        _element(item, "description", f"{meta.severity} · {meta.agent} · {meta.status.value}. {summary}")
        for category in (meta.agent, meta.severity, *meta.tags):
            _element(item, "category", category)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def schema_json(library: Library, site: Site) -> str:
    """The front matter's JSON Schema, with the library's template (its severities and sections)."""
    return json.dumps(front_matter_schema(library.template), indent=2) + "\n"


@dataclass(frozen=True)
class Export:
    """A file written into the post-mortem folder of `site_dir`."""

    file: str
    description: str  # one line: what it holds
    text: Callable[[Library, Site], str]


EXPORTS: dict[str, Export] = {
    "json": Export("postmortems.json", "every post-mortem, its findings and its action items", postmortems_json),
    "csv": Export("action-items.csv", "one row per action item", action_items_csv),
    "ics": Export("action-items.ics", "an iCalendar event per open action item on its due date", action_items_ics),
    "rss": Export("feed.xml", "an RSS 2.0 feed of post-mortems, newest first", feed_xml),
    "schema": Export("postmortem.schema.json", "the front matter's JSON Schema, for editors", schema_json),
    "drafts": Export(
        "report-drafts.json",
        "the regulators' report drafts, for legal review",
        lambda library, site: drafts_json(library),
    ),
}
"""The exports by the name the `exports` option gives them, in the order they are written."""


def write_exports(folder: Path, library: Library, site: Site, names: Iterable[str] = EXPORTS) -> list[Path]:
    """Write the exports `names` (default: all) into `folder`, the post-mortem folder of `site_dir`,
    in the order of `EXPORTS`; returns the files written."""
    wanted = set(names)
    written = []
    for name, export in EXPORTS.items():
        if name in wanted:
            write_atomic(folder / export.file, export.text(library, site))
            written.append(folder / export.file)
    return written
