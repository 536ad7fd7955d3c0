"""`mkdocs-postmortem file-tickets`: a ticket for every open action item without one, and its reference
written into the item's Ticket cell (a Ticket column added to a table that has none).

Only that cell (or that column) changes: every other byte of the page stays as it was, line endings
and byte-order mark included, and the page is checked to read as before, each filed item now with its
ticket, before it is written (atomically).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import ActionItem, FrontMatter
from .parse import parse_postmortem
from .template import Template
from .tickets import Tickets, is_ticket_header

MARKER = re.compile(r"<!-- mkdocs-postmortem: (\S{1,500}) -->")
TITLE_LENGTH = 200
_DELIMITER = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*")
TICKET_TITLE = "Ticket"


class FilingError(ValueError):
    """A page whose action table this tool cannot rewrite; `rewrite`'s message names the file and line
    (`with_tickets`'s, the line alone)."""


@dataclass(frozen=True)
class Unfiled:
    """An open action item without a ticket, in its page."""

    display: str  # the page as findings name it
    src_uri: str  # relative to docs_dir
    item: ActionItem
    anchor: str  # its row's anchor, `action-3`

    @property
    def key(self) -> str:
        """What names the item in its ticket (so that it is filed once): `postmortems/x.md#action-3`."""
        return f"{self.src_uri}#{self.anchor}"


def marker(item: str) -> str:
    """The hidden line in a filed ticket's body that names its item (`postmortems/x.md#action-3`), so that
    `file-tickets` files each item once, even when a reference never reached its page."""
    return f"<!-- mkdocs-postmortem: {item} -->"


def issue_title(item: ActionItem) -> str:
    """A ticket's title: the action, on one line, shortened to `TITLE_LENGTH` characters."""
    title = " ".join(item.action.split()) or f"Action item {item.number}"
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…"


def issue_body(unfiled: Unfiled, title: str, meta: FrontMatter | None, link: str) -> str:
    """A ticket's body (Markdown): the post-mortem, its severity, the due date and owner, a link back to
    the item's row, and the item's `marker`."""
    item = unfiled.item
    lines = [
        f"Action item {item.number} of the post-mortem **{title}**.",
        "",
        f"- **Item:** {link}",
    ]
    if meta is not None:
        lines += [
            f"- **Severity:** {meta.severity}",
            f"- **Incident:** {meta.incident_date.isoformat()}, agent `{meta.agent}`",
        ]
    lines += [
        f"- **Due:** {item.due or 'no due date'}",
        f"- **Owner:** {item.owner or 'none named'}",
        "",
        "Filed by `mkdocs-postmortem file-tickets`; the post-mortem's action table links back here.",
        "",
        marker(unfiled.key),
    ]
    return "\n".join(lines) + "\n"


def unfiled(items: list[ActionItem], anchors: list[str], tickets: Tickets) -> list[tuple[ActionItem, str]]:
    """The open and in-progress items (with their anchors) that have no ticket and no malformed one."""
    return [
        (item, anchor)
        for item, anchor in zip(items, anchors, strict=True)
        if item.state is not None and item.state.is_open and tickets.of(item) is None
    ]


def split_lines(text: str) -> list[str]:
    """The text's lines with their ends, split on `\n` only (as Markdown reads lines: not on `\x0c`,
    `\x85` or `\u2028`, which `str.splitlines` splits on)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _line_end(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


def _cells(body: str) -> tuple[list[tuple[int, int]], bool]:
    """A table row's cells as (start, end) offsets of their text between the pipes, and whether the row
    ends with a pipe. A pipe after a backslash is text (`\\|` too, and in code spans: as the site's
    Markdown parser reads a row); any other pipe splits, in a code span too."""
    start = len(body) - len(body.lstrip())
    end = len(body.rstrip())
    pipes = [i for i in range(start, end) if body[i] == "|" and (i == 0 or body[i - 1] != "\\")]
    leading = bool(pipes) and pipes[0] == start
    trailing = bool(pipes) and pipes[-1] == end - 1 and (len(pipes) > 1 or not leading)
    inner = pipes[1 if leading else 0 : -1 if trailing else None]
    bounds = [pipes[0] if leading else start - 1, *inner, pipes[-1] if trailing else end]
    return [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)], trailing


def _texts(line: str) -> list[str]:
    """A row's cells as written (spaces kept)."""
    body, _ = _line_end(line)
    return [body[a:b] for a, b in _cells(body)[0]]


def _set_cell(line: str, index: int, value: str) -> str:
    """The row with cell `index` set to `value`: the cell's text replaced, or the row extended (with
    empty cells up to it), in the row's own style (`| a |` or `|a|`, with or without an outer pipe)."""
    body, end = _line_end(line)
    cells, trailing = _cells(body)
    if index < len(cells):
        first, last = cells[index]
        return body[:first] + f" {value} " + body[last:] + end
    spaced = not cells or body[cells[-1][0] : cells[-1][0] + 1] == " "
    added = ["" for _ in range(index - len(cells))] + [value]
    stop = len(body.rstrip())
    if trailing:
        extra = "".join((f" {cell} |" if cell else " |") if spaced else f"{cell}|" for cell in added)
    else:
        extra = "".join(f" | {cell}" if spaced else f"|{cell}" for cell in added).rstrip()
    return body[:stop] + extra + body[stop:] + end


@dataclass(frozen=True)
class _Table:
    """A table to write into: its delimiter row's index, the Ticket column, whether it is added, and
    the value of each cell to write (row index → value: the header, the delimiter, the rows)."""

    delimiter: int
    column: int
    cells: dict[int, str]


def _plan(lines: list[str], references: dict[int, str], template: Template) -> list[_Table]:
    """Where each reference goes (1-based line → `owner/repo#12`), table by table; FilingError (naming
    the line) for a table this tool cannot add a column to without touching another cell."""
    rows_of: dict[int, dict[int, str]] = {}
    for line, reference in references.items():
        if not 1 <= line <= len(lines):
            raise FilingError(f"{line}: not a line of the page")
        rows_of.setdefault(_delimiter_of(lines, line), {})[line - 1] = reference
    tables = []
    for delimiter, rows in rows_of.items():
        names = [text.strip() for text in _texts(lines[delimiter - 1])]
        column = next(
            (i for i, name in enumerate(names) if template.action_column(name) is None and is_ticket_header(name)),
            None,
        )
        if column is not None:
            tables.append(_Table(delimiter, column, dict(rows)))
            continue
        column = len(names)
        cells = {delimiter - 1: TICKET_TITLE, delimiter: "---"}
        for row in _body_rows(lines, delimiter):
            count = len(_texts(lines[row]))
            if count > column:
                raise FilingError(
                    f"{row + 1}: the row has {count} cells, the header {column} (a `|` in a code span splits "
                    "a cell: write `\\|`), so a Ticket column added at the end would replace one — add the column "
                    "by hand, then run file-tickets again"
                )
            cells[row] = rows.get(row, "")
        tables.append(_Table(delimiter, column, cells))
    return tables


def with_tickets(text: str, references: dict[int, str], template: Template) -> str:
    """`text` with each reference written into the Ticket cell of the action-table row on its line
    (1-based line → `owner/repo#12`); a table without a Ticket column gets one, at its end. FilingError
    when a row is not in a table, or the table cannot take the column."""
    lines = split_lines(text)
    for table in _plan(lines, references, template):
        for row, value in table.cells.items():
            if value or len(_texts(lines[row])) <= table.column:
                lines[row] = _set_cell(lines[row], table.column, value)
    return "".join(lines)


def _only_the_cells(old: list[str], new: list[str], tables: list[_Table]) -> int | None:
    """The first line (1-based) where `new` differs from `old` other than in the planned cells, or None."""
    if len(old) != len(new):
        return min(len(old), len(new)) + 1
    planned = {row: (table.column, value) for table in tables for row, value in table.cells.items()}
    for index, (before, after) in enumerate(zip(old, new, strict=True)):
        if before == after:
            continue
        if index not in planned or _line_end(before)[1] != _line_end(after)[1]:
            return index + 1
        column, value = planned[index]
        was, now = _texts(before), _texts(after)
        kept = len(now) == max(len(was), column + 1) and now[column].strip() == value
        kept = kept and all(now[i] == was[i] for i in range(len(was)) if i != column)
        kept = kept and all(not now[i].strip() for i in range(len(was), column))
        body = _line_end(before)[0]
        first = _cells(body)[0][0][0] if was else 0
        if not kept or _line_end(after)[0][:first] != body[:first]:
            return index + 1
    return None


def _delimiter_of(lines: list[str], line: int) -> int:
    """The index of the delimiter row (`|---|`) of the table whose row is on `line` (1-based)."""
    index = line - 2
    while index >= 1:
        body, _ = _line_end(lines[index])
        if _DELIMITER.fullmatch(body) and "-" in body:
            return index
        if not body.strip():
            break
        index -= 1
    raise FilingError(f"{line}: not a row of a table this tool can find the header of")


def _body_rows(lines: list[str], delimiter: int) -> list[int]:
    """The indexes of a table's rows below its delimiter row (up to a blank line or a line without a pipe)."""
    rows = []
    index = delimiter + 1
    while index < len(lines) and lines[index].strip() and "|" in lines[index]:
        rows.append(index)
        index += 1
    return rows


def rewrite(display: str, text: str, references: dict[int, str], template: Template, tickets: Tickets) -> str:
    """`with_tickets`, then checked: no byte changed but those of the planned cells, the page reads as
    before, and each item on those lines now has its ticket. Raises FilingError naming the file and
    line when it would not."""
    try:
        tables = _plan(split_lines(text), references, template)
        new = with_tickets(text, references, template)
    except FilingError as exc:
        raise FilingError(f"{display}:{exc}") from None
    if (line := _only_the_cells(split_lines(text), split_lines(new), tables)) is not None:
        raise FilingError(f"{display}:{line}: writing the Ticket cells would change more than them")
    before = parse_postmortem(display, text, template).actions or []
    after = parse_postmortem(display, new, template).actions or []
    fields = ("line", "number", "action", "owner", "due", "status")
    if [tuple(getattr(i, f) for f in fields) for i in before] != [tuple(getattr(i, f) for f in fields) for i in after]:
        raise FilingError(f"{display}: writing the Ticket cells would change how the action table reads")
    items = {item.line: item for item in after}
    for line, reference in sorted(references.items()):
        found = tickets.ticket(items[line]) if line in items else None
        if line not in items:
            raise FilingError(f"{display}:{line}: not the row of an action item")
        if found is None or found.text != reference:
            raise FilingError(f"{display}:{line}: the ticket would not read as {reference}")
    return new
