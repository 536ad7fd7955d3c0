"""The timeline: stamped lists, lines, headings and tables → the template's `| Time (UTC) | Event |` table."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from ..text import plural
from .context import Context
from .dates import leading_date
from .elements import TASK_BOX, El, Gen, Part, Sub, Top, list_items
from .stamps import Stamp, read_stamp, zone_offset, zone_stated
from .tables import cell_text, column_header, flat, markdown_table, nested_table, table_cells
from .words import covered, plain_text


@dataclass
class _EventRow:
    time: str
    event: str
    extra: dict[str, str] = field(default_factory=dict)
    readable: bool = True


class _Timeline:
    """A timeline in any of its shapes → the `| Time (UTC) | Event |` table."""

    def __init__(self, context: Context, texts: list[str], stamped: list[str]) -> None:
        self.context = context
        self.rows: list[_EventRow] = []
        self.extra: list[str] = []
        self.day = context.incident_date
        self.day_source = "by the incident date"
        self.last_clock: tuple[int, int] | None = None
        self.zone, problem = zone_stated(texts, stamped)
        self.zone_problem = problem
        self.assumed_utc = False
        self.rolled = 0
        self.marker: str | None = None  # a date line or a subsection heading, said in the next row
        self.headers = ["", ""]  # the original table's time and event headers

    def year(self) -> int | None:
        return self.day.year if self.day else None

    def add(self, stamp: Stamp, event: str, extra: dict[str, str] | None = None, zone: str | None = None) -> _EventRow:
        cell, readable = self.cell(stamp, zone)
        if not covered(stamp.text, cell):
            event = f"({stamp.text}) {event}".strip()
        if self.marker is not None and not covered(self.marker, cell):
            event = f"({self.marker}) {event}".strip()
        self.marker = None
        row = _EventRow(cell, cell_text(event), extra or {}, readable)
        self.rows.append(row)
        for name in row.extra:
            if name not in self.extra:
                self.extra.append(name)
        return row

    def cell(self, stamp: Stamp, zone: str | None = None) -> tuple[str, bool]:
        """The time cell of a stamp, in UTC, and whether it could be read (else the stamp as written);
        `zone`: the one its table's header names (`Time (UTC)`), before the timeline's."""
        if stamp.date is not None:
            self.day, self.day_source, self.last_clock = stamp.date, "by the dates in the timeline", None
        if not stamp.readable:
            return cell_text(stamp.text), False
        if stamp.clock is None:
            return (stamp.date.isoformat(), True) if stamp.date else (cell_text(stamp.text), False)
        hours, minutes, seconds = stamp.clock
        after_midnight = self.last_clock is not None and self.last_clock[0] >= 18 and hours < 6
        if stamp.date is None and self.day is not None and after_midnight:
            self.day += dt.timedelta(days=1)  # past midnight
            self.rolled += 1
        self.last_clock = (hours, minutes)
        if self.day is None:
            return cell_text(stamp.text), False
        zone = stamp.zone or zone or self.zone
        offset = zone_offset(zone)
        if offset is None:
            return cell_text(stamp.text), False
        if zone is None:
            self.assumed_utc = True
        at = dt.datetime(self.day.year, self.day.month, self.day.day, hours, minutes, seconds or 0)
        at -= dt.timedelta(minutes=offset)
        text = f"{at:%Y-%m-%d %H:%M}" + (f":{at:%S}" if seconds is not None else "")
        if stamp.zone and offset == 0 and stamp.zone.upper() in ("UTC", "GMT"):
            text += f" {stamp.zone.upper()}"
        return text, True

    # Shapes ------------------------------------------------------------------------------------

    def from_item(self, lines: list[str]) -> tuple[Stamp, str] | None:
        first = TASK_BOX.sub("", lines[0].strip())
        stamp = read_stamp(first, self.year())
        if stamp is None:
            return None
        event = flat([stamp.rest, *lines[1:]]) if stamp.rest or len(lines) > 1 else ""
        return stamp, event

    def is_date_line(self, stamp: Stamp) -> bool:
        """A line that only says the day (`2015-10-21 (all times UTC)`, `**March 2**`): not an event."""
        return stamp.clock is None and stamp.readable and (not stamp.rest or stamp.rest.startswith("("))

    def list_rows(self, element: El) -> bool:
        items = list_items(element)
        stamps = [self.peek(item[0]) for item in items]
        if not items or sum(1 for s in stamps if s is not None) * 2 < len(items):
            return False
        for item in items:
            found = self.from_item(item)
            if found is None:
                self.add(Stamp("", ""), flat([TASK_BOX.sub("", item[0].strip()), *item[1:]]))
            elif self.is_date_line(found[0]) and not found[1]:
                self.date_marker(found[0])
            else:
                self.add(*found)
        return True

    def peek(self, text: str) -> Stamp | None:
        return read_stamp(TASK_BOX.sub("", text.strip()), self.year() or 2000)

    def date_marker(self, stamp: Stamp) -> None:
        if stamp.date is not None:
            self.day, self.day_source, self.last_clock = stamp.date, "by the dates in the timeline", None
        self.marker = None if covered(stamp.text, stamp.date.isoformat() if stamp.date else "") else stamp.text

    def paragraph_rows(self, element: El) -> tuple[bool, list[str]]:
        """Rows from a paragraph of `**hh:mm** text` lines; the lines before the first stamp are returned."""
        stamps = [self.peek(line) for line in element.lines]
        if not any(s is not None and s.clock is not None for s in stamps):
            return False, element.lines
        leading: list[str] = []
        current: _EventRow | None = None
        for line in element.lines:
            stamp = read_stamp(line.strip(), self.year())
            if stamp is not None and (stamp.clock is not None or not stamp.readable):
                current = self.add(stamp, cell_text(stamp.rest))
            elif stamp is not None and stamp.date is not None and self.is_date_line(stamp):
                self.day, self.last_clock = stamp.date, None
                if current is None:
                    leading.append(line)
                else:
                    self.marker = stamp.text
            elif current is not None:
                current.event = cell_text(f"{current.event} {line.strip()}")
            else:
                leading.append(line)
        return True, leading

    def table_rows(self, element: El) -> bool:
        header, rows = table_cells(element)
        names = [plain_text(name).casefold() for name in header]
        time_at = next(
            (i for i, n in enumerate(names) if re.match(r"(time|zeit|uhrzeit|when|wann|timestamp|hora|heure)", n)), None
        )
        date_at = next((i for i, n in enumerate(names) if re.match(r"(date|datum|day|tag|fecha)\b", n)), None)
        if time_at is None and date_at is None:
            return False
        stamp_columns = {i for i in (time_at, date_at) if i is not None}
        event_at = next(
            (
                i
                for i, n in enumerate(names)
                if i not in stamp_columns
                and re.match(r"(event|what|description|ereignis|beschreibung|details|action|was|notes|summary)", n)
            ),
            next((i for i in range(len(names)) if i not in stamp_columns), None),
        )
        table_zone = zone_stated([header[time_at]])[0] if time_at is not None else None
        shown = [header[i] for i in sorted(stamp_columns)]
        self.headers = [
            self.headers[0] or " ".join(plain_text(h) for h in shown),
            self.headers[1] or (header[event_at] if event_at is not None else ""),
        ]
        for row in rows:
            cells = row + [""] * (len(header) - len(row))
            written = " ".join(cells[i] for i in sorted(stamp_columns) if cells[i]).strip()
            day = None
            if date_at is not None:
                day = leading_date(plain_text(cells[date_at]), self.year())[0]
            stamp = read_stamp(plain_text(written), self.year()) if written else None
            if stamp is None or (stamp.rest and stamp.clock is None):
                stamp = Stamp(plain_text(written), "", None, None, None, False)
            else:
                if day is not None and stamp.date is None:
                    stamp.date = day
                if stamp.rest:  # `14:02 (approx.)`: the cell's words stay with the event
                    stamp.text, stamp.rest = plain_text(written), ""
            event = cells[event_at] if event_at is not None else ""
            extra = {
                plain_text(header[i]) or f"Column {i + 1}": cells[i]
                for i in range(len(header))
                if i not in stamp_columns and i != event_at
            }
            self.add(stamp, event, extra, table_zone)
        return True

    def render(self) -> str:
        header = [column_header("Time (UTC)", self.headers[0]), column_header("Event", self.headers[1]), *self.extra]
        rows = [
            [row.time, row.event, *(cell_text(row.extra.get(name, "")) for name in self.extra)] for row in self.rows
        ]
        return markdown_table(header, rows or [["", ""]])


def _joined(event: str, more: str) -> str:
    """A heading's event and the text under it: `Queue depth alert — The alert fired.`"""
    if not event:
        return more
    return f"{event} {more}" if event[-1] in ".:;!?" else f"{event} — {more}"


def timeline(parts: list[Part], context: Context, texts: list[str]) -> list[Part]:
    stamped = [part.source for part in parts if isinstance(part, El) and part.kind != "paragraph"]
    timeline = _Timeline(context, texts, stamped)
    before: list[Part] = []
    after: list[Part] = []
    groups: list[tuple[Sub, list[Part]]] = []
    group: list[Part] | None = None
    group_head: Sub | None = None
    open_row: _EventRow | None = None
    kinds = Counter[str]()

    def target() -> list[Part]:
        if group is not None:
            return group
        return after if timeline.rows else before

    for part in parts:
        if isinstance(part, Top):
            group, group_head, open_row = None, None, None
        elif isinstance(part, Sub):
            stamp = read_stamp(plain_text(part.text), timeline.year())
            if stamp is not None and (stamp.clock is not None or not stamp.readable):
                open_row = timeline.add(stamp, cell_text(stamp.rest))
                kinds["a heading per time stamp"] += 1
            elif stamp is not None and timeline.is_date_line(stamp):
                timeline.date_marker(stamp)
                open_row = None
            else:
                open_row = None
                group, group_head = [], part
                groups.append((part, group))
                timeline.marker = plain_text(part.text)
        elif isinstance(part, El) and part.kind in ("list", "numbered") and timeline.list_rows(part):
            kinds["a list of time stamps"] += 1
            open_row = None
            if group is not None and not group and group_head is not None:
                group_head.text = ""  # said in its first row
        elif isinstance(part, El) and part.kind == "table" and timeline.table_rows(part):
            kinds["a table"] += 1
            open_row = None
            if group is not None and not group and group_head is not None:
                group_head.text = ""
        elif isinstance(part, El) and part.kind == "paragraph":
            had_rows = len(timeline.rows)
            converted, leading = timeline.paragraph_rows(part)
            if converted:
                kinds["lines of time stamps"] += 1
                if leading:  # the lines before its first stamp
                    (group if group is not None else after if had_rows else before).append(
                        El("paragraph", leading, part.line)
                    )
                open_row = timeline.rows[-1] if timeline.rows else None
                if group is not None and not group and group_head is not None:
                    group_head.text = ""
            elif open_row is not None:
                open_row.event = _joined(open_row.event, "; ".join(flat(item) for item in list_items(part)))
            else:
                stamp = timeline.peek(part.lines[0]) if len(part.lines) == 1 else None
                if stamp is not None and timeline.is_date_line(stamp) and stamp.date is not None:
                    timeline.day, timeline.last_clock = stamp.date, None
                target().append(part)
        elif isinstance(part, El) and part.kind in ("list", "numbered") and open_row is not None:
            open_row.event = _joined(open_row.event, "; ".join(flat(item) for item in list_items(part)))
        else:
            open_row = None
            target().append(part)
        if not isinstance(part, Sub) and timeline.marker is not None and group is not None and group:
            timeline.marker = None  # the subsection has text of its own: its heading stays
    if timeline.marker is not None and group_head is not None and group_head.text and not group:
        timeline.marker = None
    # The table comes first of the section's tables: one nested in a list before it would be read instead.
    ahead = [part for part in before if not nested_table(part)]
    result: list[Part] = [*ahead, Gen(timeline.render()), *(p for p in before if p not in ahead), *after]
    for head, body in groups:
        if head.text:
            result += [head, *body]
        else:
            result += body
    unread = [row for row in timeline.rows if not row.readable]
    if timeline.rows:
        how = ", ".join(kinds) or "the page"
        dated = f"; times of day dated {timeline.day_source}" if context.incident_date or timeline.day else ""
        context.notes.append(f"timeline: {plural(len(timeline.rows), 'row')} from {how}{dated}")
        if timeline.rolled:
            context.notes.append("timeline: times after midnight taken as the next day")
        if timeline.zone and (zone_offset(timeline.zone) or 0) != 0:
            context.notes.append(f"timeline: times in {timeline.zone} converted to UTC (the stamps as written kept)")
    else:
        context.todo.append("timeline: no time-stamped events found — add a row per event to the table")
    if unread:
        context.todo.append(
            f"timeline: {plural(len(unread), 'row')} whose time could not be read as a date and time in UTC "
            "(kept as written) — write each as YYYY-MM-DD HH:MM"
        )
    if timeline.assumed_utc:
        context.todo.append(
            f"timeline: {timeline.zone_problem or 'no time zone was stated'}; the times were taken as UTC — "
            "correct them if they were local"
        )
    return result
