"""Tables: the original's cells read, the template's tables and cells written, tables nested in lists."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..template import Template
from .elements import LIST_MARKER, El, Part
from .words import covered, plain_text


def flat(lines: Iterable[str]) -> str:
    """Lines as one line for a table cell: nested items joined with `; `, pipes escaped."""
    parts: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if parts and (marker := LIST_MARKER.match(line)):
            parts.append("; " + line[marker.end() :].strip())
        else:
            parts.append((" " if parts else "") + text)
    return cell_text("".join(parts))


def cell_text(text: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", " ".join(text.split()))


def column_header(title: str, original: str, template: Template | None = None, key: str = "") -> str:
    """A column's header: the template's title, with the original's words when they differ
    (`Owner (Assignee)`), or the original itself when the template reads it as that column."""
    plain = plain_text(original)
    if not plain or covered(plain, title):
        return title
    if template is not None and template.action_column(plain) == key:
        return cell_text(plain)
    return cell_text(f"{title} ({plain})")


def _row(cells: Iterable[str]) -> str:
    return "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = [_row(header), "|" + "---|" * len(header)]
    lines += [_row(row + [""] * (len(header) - len(row))) for row in rows]
    return "\n".join(lines)


def table_cells(element: El) -> tuple[list[str], list[list[str]]]:
    """A table's header and rows as written (markup kept), cells split at unescaped pipes."""

    def split(line: str) -> list[str]:
        text = line.strip()
        if text.startswith("|"):
            text = text[1:]
        if text.endswith("|") and not text.endswith("\\|"):
            text = text[:-1]
        return [cell.strip() for cell in re.split(r"(?<!\\)\|", text)]

    rows = [split(line) for line in element.lines if line.strip()]
    if len(rows) < 2:
        return rows[0] if rows else [], []
    return rows[0], [row for row in rows[2:] if any(row)]


_DELIMITER_ROW = re.compile(r"^(?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?\|?[ \t]*:?-+:?[ \t]*\|")


def nested_table(part: Part) -> bool:
    """A table inside a list item or a quote (the parser reads it as one of the section's tables)."""
    return (
        isinstance(part, El)
        and part.kind in ("list", "numbered", "quote")
        and any(_DELIMITER_ROW.match(line) for line in part.lines)
    )


def table_first(parts: list[Part], index: int) -> list[Part]:
    """The section's parts with the table at `index` moved to the front when a table nested in a list
    or quote comes before it: the parser reads a section's first table."""
    if not any(nested_table(part) for part in parts[:index]):
        return parts
    return [parts[index], *parts[:index], *parts[index + 1 :]]
