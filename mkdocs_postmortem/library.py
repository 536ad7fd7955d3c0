"""The collection: every post-mortem with its findings, and the views the index pages and exports need.

Pure functions over models: no Markdown, no HTML, no MkDocs.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from .dates import write_up_deadline
from .model import ActionItem, Finding, Level, PostMortem, RegulatoryLine, Status
from .people import fold
from .profile import AUTONOMY_LABELS, DATA_EXPOSED_LABELS, DEPLOYMENT_LABELS, HARM_LABELS, AiProfile, FiledReport
from .regulation import Clock, RegulationOptions, art73_not_yet, awareness, clocks
from .template import Template, default_template
from .text import slugify
from .tickets import DRIFT_RULES, Ticket, Tickets
from .trackers.state import TicketState

if TYPE_CHECKING:
    from .rules import Context


@dataclass(frozen=True)
class Entry:
    """One post-mortem in the library: what was parsed, what the rules found, where it is published."""

    postmortem: PostMortem
    findings: list[Finding]
    src_uri: str  # relative to docs_dir, e.g. `postmortems/2026-08-14-x.md`; another site's: its path there
    url: str  # relative to the site root, e.g. `postmortems/2026-08-14-x/`; another site's: absolute
    area: str | None = None  # the team its folder names (`team-a/postmortems/…`, the `dir` pattern's wildcard)
    source: str | None = None  # the other site it comes from (the `sources` option), None for this site's

    @property
    def path(self) -> str:
        return self.postmortem.path

    @property
    def team(self) -> str | None:
        """Its team: the front matter's `team`, else its folder's, else the site it comes from."""
        meta = self.postmortem.meta
        return (meta.team if meta else None) or self.area or self.source

    @property
    def title(self) -> str:
        return self.postmortem.title or self.path.rsplit("/", 1)[-1]

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.level is Level.ERROR)


@dataclass(frozen=True)
class ActionRef:
    """An action item in the context of its post-mortem."""

    entry: Entry
    item: ActionItem
    owner: str  # the canonical owner name (after aliases)
    anchor: str
    overdue_days: int | None  # days past due for an open item, else None
    ticket: Ticket | None = None  # the item's ticket, when it names one (`tickets.py`)
    ticket_state: TicketState | None = None  # the ticket at the last `mkdocs-postmortem sync`
    drift: tuple[Finding, ...] = ()  # the findings that say the item and its ticket disagree (`DRIFT_RULES`)

    @property
    def url(self) -> str:
        return f"{self.entry.url}#{self.anchor}"

    @property
    def is_open(self) -> bool:
        return self.item.state is None or self.item.state.is_open


def action_anchor(item: ActionItem, position: int) -> str:
    """A stable anchor for an action item: `action-<its # cell>`, or its position when that is empty."""
    return f"action-{slugify(item.number) or position}"


def action_anchors(items: list[ActionItem]) -> list[str]:
    """Anchors for a post-mortem's action items, unique within the page: an item whose anchor an earlier
    one has gets `action-<position>-<count so far>`. Linear in the items (a set of those given)."""
    anchors: list[str] = []
    given: set[str] = set()
    for position, item in enumerate(items, start=1):
        anchor = action_anchor(item, position)
        if anchor in given:
            anchor = f"action-{position}-{len(anchors)}"
        anchors.append(anchor)
        given.add(anchor)
    return anchors


@dataclass
class Library:
    """All post-mortems (newest incident first) and their action items."""

    entries: list[Entry]
    today: dt.date
    aliases: dict[str, str] = field(default_factory=dict)  # folded alias → canonical person
    holidays: str | None = None  # the calendar write-up deadlines skip
    template: Template = field(default_factory=default_template)  # its severity scale orders and colours the lists
    regulation: RegulationOptions = field(default_factory=RegulationOptions)  # which regulators' clocks run
    tickets: Tickets = field(default_factory=Tickets)  # the items' tickets and their states (the state file)

    def __post_init__(self) -> None:
        self.entries = sorted(
            self.entries,
            key=lambda e: (e.postmortem.meta.incident_date if e.postmortem.meta else dt.date.min, e.path),
            reverse=True,
        )

    def owner(self, name: str) -> str:
        """The canonical name of an owner: its alias target, else its most used spelling."""
        folded = fold(name)
        return self.aliases.get(folded) or self._spelling.get(folded, " ".join(name.split()))

    @cached_property
    def _spelling(self) -> dict[str, str]:
        """Folded owner → the spelling written most often; ties go to the newest post-mortem's, then to
        the spelling with more capitalised words ("Priya Raman" over "priya RAMAN")."""
        seen: dict[str, dict[str, tuple[int, dt.date]]] = defaultdict(dict)
        for entry in self.entries:
            written = entry.postmortem.meta.date if entry.postmortem.meta else dt.date.min
            for item in entry.postmortem.actions or []:
                spelling = " ".join(item.owner.split())
                count, latest = seen[fold(spelling)].get(spelling, (0, dt.date.min))
                seen[fold(spelling)][spelling] = (count + 1, max(latest, written))

        def rank(spellings: dict[str, tuple[int, dt.date]], spelling: str) -> tuple[int, dt.date, int, str]:
            capitalised = sum(1 for word in spelling.split() if word[:1].isupper() and word[1:].islower())
            return (*spellings[spelling], capitalised, spelling)

        return {folded: max(spellings, key=lambda s: rank(spellings, s)) for folded, spellings in seen.items()}

    @cached_property
    def actions(self) -> list[ActionRef]:
        refs: list[ActionRef] = []
        for entry in self.entries:
            items = entry.postmortem.actions or []
            for item, anchor in zip(items, action_anchors(items), strict=True):
                open_ = item.state is None or item.state.is_open
                overdue = (
                    (self.today - item.due_date).days
                    if open_ and item.due_date is not None and item.due_date < self.today
                    else None
                )
                refs.append(
                    self._ticketed(
                        ActionRef(entry, item, self.owner(item.owner) if item.owner else "(no owner)", anchor, overdue)
                    )
                )
        return refs

    def _ticketed(self, ref: ActionRef) -> ActionRef:
        """The item with its ticket, the ticket's state and the drift findings on its row, if it has one."""
        ticket = self.tickets.ticket(ref.item) if ref.item.ticket or ref.item.links else None
        if ticket is None:
            return ref
        drift = tuple(f for f in ref.entry.findings if f.line == ref.item.line and f.rule in DRIFT_RULES)
        return replace(ref, ticket=ticket, ticket_state=self.tickets.state(ticket), drift=drift)

    @cached_property
    def has_tickets(self) -> bool:
        """Whether any item names a ticket: the action tables then have a Ticket column."""
        return any(ref.ticket for ref in self.actions)

    @cached_property
    def by_uri(self) -> dict[str, Entry]:
        """Entries by their docs_dir-relative source path."""
        return {entry.src_uri: entry for entry in self.entries}

    @cached_property
    def actions_by_path(self) -> dict[str, list[ActionRef]]:
        """Each post-mortem's action items, by its path."""
        grouped: dict[str, list[ActionRef]] = defaultdict(list)
        for ref in self.actions:
            grouped[ref.entry.path].append(ref)
        return grouped

    @cached_property
    def item_counts(self) -> dict[str, tuple[int, int]]:
        """Post-mortem path → (open items, all items)."""
        counts: dict[str, list[int]] = {entry.path: [0, 0] for entry in self.entries}
        for ref in self.actions:
            counts[ref.entry.path][1] += 1
            counts[ref.entry.path][0] += ref.is_open
        return {path: (pair[0], pair[1]) for path, pair in counts.items()}

    @property
    def open_actions(self) -> list[ActionRef]:
        """Open and in-progress items, by due date (undated last)."""
        return sorted(
            (ref for ref in self.actions if ref.is_open),
            key=lambda r: (r.item.due_date or dt.date.max, r.entry.path, r.anchor),
        )

    def by_owner(self) -> list[tuple[str, list[ActionRef]]]:
        """Owners A–Z; each owner's open items first (most overdue first), then the closed ones."""
        grouped: dict[str, list[ActionRef]] = defaultdict(list)
        for ref in self.actions:
            grouped[ref.owner].append(ref)

        def order(ref: ActionRef) -> tuple[int, dt.date, str]:
            return (0 if ref.is_open else 1, ref.item.due_date or dt.date.max, ref.url)

        return [(owner, sorted(refs, key=order)) for owner, refs in sorted(grouped.items(), key=lambda kv: fold(kv[0]))]

    def count_by(self, attribute: str) -> dict[str, int]:
        """How many post-mortems per severity or status (`attribute` of the front matter)."""
        counts: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            meta = entry.postmortem.meta
            value = getattr(meta, attribute) if meta else "invalid"
            counts[value.value if isinstance(value, Status) else value] += 1
        order = [*self.template.severities, *(s.value for s in Status), "invalid"]
        return {key: counts[key] for key in order if key in counts}

    @cached_property
    def teams(self) -> list[tuple[str, str]]:
        """Each team of the library (`Entry.team`) with its slug, by name; empty when no page has one."""
        names = {entry.team for entry in self.entries if entry.team}
        return [(name, slugify(name)) for name in sorted(names, key=str.casefold)]

    @staticmethod
    def profiles(entries: Iterable[Entry]) -> list[AiProfile]:
        """The AI profiles (`ai:`) of these post-mortems, in their order, leaving out those without one."""
        return [entry.postmortem.meta.ai for entry in entries if entry.postmortem.meta and entry.postmortem.meta.ai]

    def by_profile(self, dimension: str) -> dict[str, list[Entry]]:
        """Post-mortems by a field of their AI profile (`ai:`), labelled, in the field's order: `harm`
        (each category, actual or potential, a page under each of its harms), `autonomy`, `deployment`
        or `data_exposed`; "not recorded" last for pages that do not say."""
        labels = PROFILE_LABELS[dimension]
        found: dict[str, list[Entry]] = {label: [] for label in (*labels.values(), NOT_RECORDED)}
        for entry in self.entries:
            profile = entry.postmortem.meta.ai if entry.postmortem.meta else None
            values: list[str] = []
            if profile is not None:
                value = getattr(profile, dimension)
                if isinstance(value, dict):  # harm: each category with its likelihood
                    values = [str(harm) if harm == "none" else f"{harm}:{likely}" for harm, likely in value.items()]
                else:
                    values = [value] if value else []
            for value in values or [""]:
                found[labels[value] if value else NOT_RECORDED].append(entry)
        return {label: entries for label, entries in found.items() if entries}

    def due_buckets(self) -> dict[str, list[ActionRef]]:
        """Overdue, due in the next 30 days, later, undated (open items), and done (closed items)."""
        soon = self.today + dt.timedelta(days=30)
        buckets: dict[str, list[ActionRef]] = {
            "overdue": [],
            "next_30_days": [],
            "later": [],
            "undated": [],
            "done": [],
        }
        for ref in self.open_actions:
            due = ref.item.due_date
            key = (
                "undated"
                if due is None
                else "overdue"
                if due < self.today
                else "next_30_days"
                if due <= soon
                else "later"
            )
            buckets[key].append(ref)
        buckets["done"] = sorted(
            (ref for ref in self.actions if not ref.is_open),
            key=lambda r: r.item.completed or r.item.due_date or dt.date.min,
            reverse=True,
        )
        return buckets

    def agents(self) -> list[AgentView]:
        """One view per agent, A–Z."""
        grouped: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            grouped[entry.postmortem.meta.agent if entry.postmortem.meta else "(unknown agent)"].append(entry)
        open_by_path: dict[str, list[ActionRef]] = defaultdict(list)
        for ref in self.open_actions:
            open_by_path[ref.entry.path].append(ref)
        quarters = last_quarters(self.today, 4)
        views = []
        for agent, entries in sorted(grouped.items()):
            per_quarter = dict.fromkeys(quarters, 0)
            for entry in entries:
                if entry.postmortem.meta and (q := quarter_of(entry.postmortem.meta.incident_date)) in per_quarter:
                    per_quarter[q] += 1
            times = [t for t in (response_times(e) for e in entries) if t]
            views.append(
                AgentView(
                    agent=agent,
                    entries=entries,
                    open_actions=[ref for entry in entries for ref in open_by_path[entry.path]],
                    per_quarter=per_quarter,
                    median_detect=_median([t.detect for t in times if t.detect is not None]),
                    median_mitigate=_median([t.mitigate for t in times if t.mitigate is not None]),
                )
            )
        return views

    def register(self) -> list[RegisterRow]:
        """Every post-mortem's answers to the template's regulatory questions, with the regulators'
        clocks that run for it (`regulation.clocks`) and the reports recorded; worked out once a build
        (the register, the drafts and the exports all read it)."""
        return self._register

    def clocks_of(self, entry: Entry) -> tuple[Clock, ...]:
        """The regulators' clocks of one post-mortem (as the register has them)."""
        return self._clocks_by_path.get(entry.path, ())

    @cached_property
    def _clocks_by_path(self) -> dict[str, tuple[Clock, ...]]:
        return {row.entry.path: row.clocks for row in self._register}

    @cached_property
    def _register(self) -> list[RegisterRow]:
        rows = []
        for entry in self.entries:
            pm, meta = entry.postmortem, entry.postmortem.meta
            answers: dict[str, list[RegulatoryLine]] = {key: [] for key in self.template.regulatory}
            for line in pm.regulatory:
                answers.setdefault(line.kind, []).append(line)
            rows.append(
                RegisterRow(
                    entry=entry,
                    answers=answers,
                    awareness=awareness(meta) if meta else None,
                    clocks=tuple(clocks(pm, self.regulation)),
                    reports=tuple(meta.reports) if meta else (),
                    art73_not_yet=art73_not_yet(pm, self.regulation),
                )
            )
        return rows

    def quarters(self) -> list[QuarterView]:
        """The CoE Lead's quarterly review, newest quarter first, from the first incident to today."""
        dated = [e for e in self.entries if e.postmortem.meta]
        if not dated:
            return []
        incidents: dict[str, list[Entry]] = defaultdict(list)
        for entry in dated:
            incidents[quarter_of(entry.postmortem.meta.incident_date)].append(entry)  # type: ignore[union-attr]
        # Each item once: (written, completed, is open, ref); then every quarter is a filter over that.
        items = [
            (ref.entry.postmortem.meta.date, ref.item.completed, ref.is_open, ref)
            for ref in self.actions
            if ref.entry.postmortem.meta
        ]
        opened: dict[str, list[ActionRef]] = defaultdict(list)
        closed: dict[str, list[ActionRef]] = defaultdict(list)
        for written, completed, is_open, ref in items:
            opened[quarter_of(written)].append(ref)
            if not is_open and completed:
                closed[quarter_of(completed)].append(ref)
        first = min(e.postmortem.meta.incident_date for e in dated)  # type: ignore[union-attr]
        views = []
        previous_cutoff = dt.date.min
        for quarter in quarter_range(quarter_of(first), quarter_of(self.today)):
            start, end = quarter_bounds(quarter)
            cutoff = _months_before(min(end, self.today), 6)
            failed = [  # (written, ref) of the items open more than six months at the quarter's end
                (written, ref)
                for written, completed, is_open, ref in items
                if written < cutoff and (is_open or (completed is not None and completed > end))
            ]
            in_quarter = incidents.get(quarter, [])
            by_severity: dict[str, int] = defaultdict(int)
            for entry in in_quarter:
                by_severity[entry.postmortem.meta.severity] += 1  # type: ignore[union-attr]
            views.append(
                QuarterView(
                    quarter=quarter,
                    start=start,
                    end=end,
                    incidents=in_quarter,
                    by_severity={name: by_severity[name] for name in self.template.severities if by_severity[name]},
                    opened=opened.get(quarter, []),
                    closed=closed.get(quarter, []),
                    still_open=[ref for ref in opened.get(quarter, []) if ref.is_open],
                    late=[e for e in in_quarter if self.written_late(e)],
                    failed=[ref for _, ref in failed],
                    newly_failed=[ref for written, ref in failed if written >= previous_cutoff],
                )
            )
            previous_cutoff = cutoff
        views.reverse()
        return views

    def failed(self) -> list[ActionRef]:
        """Items still open more than six months after their post-mortem was written: failed post-mortems."""
        cutoff = _months_before(self.today, 6)
        return [r for r in self.open_actions if r.entry.postmortem.meta and r.entry.postmortem.meta.date < cutoff]

    def incidents_per_month(self) -> list[tuple[str, dict[str, int]]]:
        """`YYYY-MM` → incidents per severity, every month from the first incident to today."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(self.template.with_postmortem(), 0))
        dates = [e.postmortem.meta for e in self.entries if e.postmortem.meta]
        for meta in dates:
            counts[f"{meta.incident_date:%Y-%m}"][meta.severity] += 1
        if not dates:
            return []
        months = month_range(min(m.incident_date for m in dates), max(self.today, max(m.incident_date for m in dates)))
        return [(month, counts[month]) for month in months]

    def burndown(self) -> list[tuple[dt.date, int, int]]:
        """(month end, open, closed) action items over time.

        An item opens on its post-mortem's write-up date and closes on its completion date; a closed
        item with no completion date given is counted closed from its due date (or from today).
        """
        opened_on: list[dt.date] = []
        closed_on: list[dt.date] = []
        for ref in self.actions:
            meta = ref.entry.postmortem.meta
            if meta is None:
                continue
            opened_on.append(meta.date)
            if not ref.is_open:
                closed_on.append(max(meta.date, ref.item.completed or min(ref.item.due_date or self.today, self.today)))
        if not opened_on:
            return []
        opened_on.sort()
        closed_on.sort()
        points = []
        for month in month_range(opened_on[0], self.today):
            year, number = map(int, month.split("-"))
            end = min(dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1), self.today)
            opened = bisect.bisect_right(opened_on, end)
            closed = bisect.bisect_right(closed_on, end)
            points.append((end, opened - closed, closed))
        return points

    def written_late(self, entry: Entry) -> bool:
        """Written up after its severity's deadline (drafts are judged when published)."""
        meta = entry.postmortem.meta
        if meta is None or meta.status is Status.DRAFT:
            return False
        deadline = write_up_deadline(meta.incident_date, self.template.write_up_days(meta.severity), self.holidays)
        return deadline is not None and meta.date > deadline


NOT_RECORDED = "not recorded"
PROFILE_LABELS: dict[str, dict[str, str]] = {
    "harm": {
        (str(harm) if harm == "none" else f"{harm}:{likely}"): (label if harm == "none" else f"{label} ({likely})")
        for harm, label in HARM_LABELS.items()
        for likely in ("actual", "potential")
    },
    "autonomy": AUTONOMY_LABELS,
    "deployment": DEPLOYMENT_LABELS,
    "data_exposed": DATA_EXPOSED_LABELS,
}


def build_library(entries: Iterable[Entry], context: Context) -> Library:
    """The library of these checked pages, judged as the rules judged them: the same "today", holiday
    calendar and people file (its aliases merge owners). The build and `mkdocs-postmortem actions` both
    build theirs here."""
    return Library(
        list(entries),
        today=context.today,
        aliases=context.owners or {},
        holidays=context.holidays,
        template=context.template,
        regulation=context.regulation,
        tickets=context.tickets,
    )


@dataclass(frozen=True)
class ResponseTimes:
    """Time to detect and to mitigate, from the optional front-matter timestamps."""

    detect: dt.timedelta | None
    mitigate: dt.timedelta | None


def response_times(entry: Entry) -> ResponseTimes | None:
    meta = entry.postmortem.meta
    if meta is None or meta.started_at is None:
        return None
    detect = meta.detected_at - meta.started_at if meta.detected_at else None
    mitigate = meta.mitigated_at - meta.started_at if meta.mitigated_at else None
    return ResponseTimes(detect, mitigate) if detect is not None or mitigate is not None else None


@dataclass(frozen=True)
class AgentView:
    agent: str
    entries: list[Entry]
    open_actions: list[ActionRef]
    per_quarter: dict[str, int]  # the last four quarters, oldest first
    median_detect: dt.timedelta | None
    median_mitigate: dt.timedelta | None


@dataclass(frozen=True)
class RegisterRow:
    entry: Entry
    answers: dict[str, list[RegulatoryLine]]  # question key → the lines answering it, in the template's order
    awareness: dt.datetime | None  # when the organisation became aware (`regulation.awareness`)
    clocks: tuple[Clock, ...]  # the regulators' clocks that run for it
    reports: tuple[FiledReport, ...]  # every report recorded, `other` regulations included
    art73_not_yet: dt.date | None  # Article 73 would run, but applies only from this day

    @property
    def applicable(self) -> bool:
        """A regulation applies: a line says so, a clock runs, or a report was made."""
        return bool(self.clocks or self.reports) or any(
            line.applicable for lines in self.answers.values() for line in lines
        )


@dataclass(frozen=True)
class QuarterView:
    quarter: str  # `2026-Q3`
    start: dt.date
    end: dt.date
    incidents: list[Entry]
    by_severity: dict[str, int]
    opened: list[ActionRef]
    closed: list[ActionRef]
    still_open: list[ActionRef]
    late: list[Entry]
    failed: list[ActionRef]  # open more than six months after their post-mortem, at the quarter's end
    newly_failed: list[ActionRef]  # of those, the ones that passed the six months in this quarter


def _median(values: list[dt.timedelta]) -> dt.timedelta | None:
    # typeshed's `median` takes numbers only; timedeltas have the `+` and `/ 2` it uses
    return statistics.median(values) if values else None  # type: ignore[type-var]


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    year, number = int(quarter[:4]), int(quarter[-1])
    start = dt.date(year, 3 * number - 2, 1)
    end = dt.date(year + (number == 4), (3 * number) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def quarter_range(first: str, last: str) -> list[str]:
    quarters, current = [], first
    while current <= last:
        quarters.append(current)
        year, number = int(current[:4]), int(current[-1])
        current = f"{year + (number == 4)}-Q{number % 4 + 1}"
    return quarters


def last_quarters(today: dt.date, count: int) -> list[str]:
    year, number = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _ in range(count):
        quarters.append(f"{year}-Q{number}")
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return quarters[::-1]


def month_range(first: dt.date, last: dt.date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
