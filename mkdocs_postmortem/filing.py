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
    """A page whose action table this tool cannot rewrite; the message names the file and line."""


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


def _line_end(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


def _cells(body: str) -> tuple[list[tuple[int, int]], bool]:
    """A table row's cells as (start, end) offsets of their text between the pipes, and whether the row
    ends with a pipe. A pipe escaped with a backslash is text (also in code spans, as in GFM)."""
    start = len(body) - len(body.lstrip())
    end = len(body.rstrip())
    pipes = [i for i in range(start, end) if body[i] == "|" and _backslashes(body, i) % 2 == 0]
    leading = bool(pipes) and pipes[0] == start
    trailing = bool(pipes) and pipes[-1] == end - 1 and (len(pipes) > 1 or not leading)
    inner = pipes[1 if leading else 0 : -1 if trailing else None]
    bounds = [pipes[0] if leading else start - 1, *inner, pipes[-1] if trailing else end]
    return [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)], trailing


def _backslashes(text: str, index: int) -> int:
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count


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


def with_tickets(text: str, references: dict[int, str], template: Template) -> str:
    """`text` with each reference written into the Ticket cell of the action-table row on its line
    (1-based line → `owner/repo#12`); a table without a Ticket column gets one, at its end."""
    lines = text.splitlines(keepends=True)
    tables: dict[int, dict[int, str]] = {}
    for line, reference in references.items():
        tables.setdefault(_delimiter_of(lines, line), {})[line - 1] = reference
    for delimiter, rows in tables.items():
        header_body, _ = _line_end(lines[delimiter - 1])
        names = [header_body[a:b].strip() for a, b in _cells(header_body)[0]]
        column = next(
            (
                index
                for index, name in enumerate(names)
                if template.action_column(name) is None and is_ticket_header(name)
            ),
            None,
        )
        if column is None:
            column = len(names)
            lines[delimiter - 1] = _set_cell(lines[delimiter - 1], column, TICKET_TITLE)
            lines[delimiter] = _set_cell(lines[delimiter], column, "---")
            for row in _body_rows(lines, delimiter):
                if row not in rows and len(_cells(_line_end(lines[row])[0])[0]) <= column:
                    lines[row] = _set_cell(lines[row], column, "")
        for row, reference in rows.items():
            lines[row] = _set_cell(lines[row], column, reference)
    return "".join(lines)


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
    raise FilingError(f"line {line}: not a row of a table this tool can find the header of")


def _body_rows(lines: list[str], delimiter: int) -> list[int]:
    """The indexes of a table's rows below its delimiter row (up to a blank line or a line without a pipe)."""
    rows = []
    index = delimiter + 1
    while index < len(lines) and lines[index].strip() and "|" in lines[index]:
        rows.append(index)
        index += 1
    return rows


def rewrite(display: str, text: str, references: dict[int, str], template: Template, tickets: Tickets) -> str:
    """`with_tickets`, then checked: the page reads as before, but that each item on those lines now has
    its ticket. Raises FilingError naming the file and line when it would not."""
    try:
        new = with_tickets(text, references, template)
    except FilingError as exc:
        raise FilingError(f"{display}: {exc}") from None
    before = parse_postmortem(display, text, template).actions or []
    after = parse_postmortem(display, new, template).actions or []
    fields = ("line", "number", "action", "owner", "due", "status")
    if [tuple(getattr(i, f) for f in fields) for i in before] != [tuple(getattr(i, f) for f in fields) for i in after]:
        raise FilingError(f"{display}: writing the Ticket cells would change how the action table reads")
    for item in after:
        if item.line in references:
            found = tickets.ticket(item)
            if found is None or found.text != references[item.line]:
                raise FilingError(f"{display}:{item.line}: the ticket would not read as {references[item.line]}")
    return new
