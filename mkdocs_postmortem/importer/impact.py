"""The impact: its table with the template's `Customer impact` and `Regulatory exposure` rows."""

from __future__ import annotations

import re

from ..headings import normalise_heading
from .context import Context
from .elements import El, Gen, Part, Sub, subsections
from .tables import cell_text, flat, markdown_table, nested_table, table_cells, table_first
from .words import plain_text

_CUSTOMER = ("customer impact", "user impact", "kundenauswirkung", "auswirkung auf kunden", "auswirkung auf nutzer")
_REGULATORY_EXPOSURE = ("regulatory exposure", "regulatory impact", "regulatorische auswirkung")


def impact(parts: list[Part], context: Context, duration: str) -> list[Part]:
    top, groups = subsections(parts)
    filled: dict[str, str] = {}
    kept_groups: list[tuple[Sub, list[Part]]] = []
    for head, body in groups:
        name = normalise_heading(plain_text(head.text))
        single = len(body) == 1 and isinstance(body[0], El) and body[0].kind == "paragraph"
        for label, names in (("Customer impact", _CUSTOMER), ("Regulatory exposure", _REGULATORY_EXPOSURE)):
            if name in names and single and label not in filled:
                assert isinstance(body[0], El)
                shown = label if name == label.casefold() else f"{label} ({plain_text(head.text)})"
                filled[label] = f"| {shown} | {flat(body[0].lines)} |"
                break
        else:
            kept_groups.append((head, body))
    table_at: int | None = None
    result: list[Part] = []
    for part in top:
        if table_at is None and isinstance(part, El) and part.kind == "table":
            table_at = len(result)
        elif table_at is None and isinstance(part, El) and part.kind == "paragraph" and _pipe_lines(part.lines):
            rows = [[cell_text(cell) for cell in line.split("|", 1)] for line in part.lines]
            part = El("table", markdown_table(["Dimension", "Impact"], rows).split("\n"), part.line)
            table_at = len(result)
        result.append(part)
    rows_needed = []
    found = result[table_at] if table_at is not None else None
    existing = [normalise_heading(plain_text(row[0])) for row in table_cells(found)[1]] if isinstance(found, El) else []
    for label in ("Customer impact", "Regulatory exposure"):
        if not any(name.startswith(label.casefold()) for name in existing):
            rows_needed.append(filled.get(label, f"| {label} | [None / describe] |"))
            if label not in filled:
                context.todo.append(f"impact: the '{label}' row — write 'None' or describe it")
    if duration and not any(name.startswith("duration") for name in existing):
        rows_needed.append(f"| Duration of impact / outage | {cell_text(duration)} |")
    if table_at is not None:
        element = result[table_at]
        assert isinstance(element, El)
        header, _ = table_cells(element)
        width = max(len(header), 2)
        extra = [row if width == 2 else row[:-1] + " |" * (width - 2) + " |" for row in rows_needed]
        lines = [_answered_row(line, context) if index > 1 else line for index, line in enumerate(element.lines)]
        result[table_at] = Gen("\n".join([*lines, *extra]))
        result = table_first(result, table_at)
    else:
        table = Gen("\n".join(["| Dimension | Impact |", "|---|---|", *rows_needed]))
        if any(nested_table(part) for part in result):
            result.insert(0, table)  # the first table of the section is the one read
        else:
            result.append(table)
    for head, body in kept_groups:
        result += [head, *body]
    return result


def _answered_row(line: str, context: Context) -> str:
    """A `Customer impact` or `Regulatory exposure` row of the original left blank: its placeholder put in."""
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    cells += [""] * (2 - len(cells))  # a row of one cell: a line of text run on into the table
    if cells[1].strip():
        return line
    name = plain_text(cells[0]).casefold()
    label = next(
        (label for label in ("Customer impact", "Regulatory exposure") if name.startswith(label.casefold())), None
    )
    if label is None:
        return line
    context.todo.append(f"impact: the '{label}' row — write 'None' or describe it")
    cells[1] = " [None / describe] "
    return "|" + "|".join(cells) + "|"


def _pipe_lines(lines: list[str]) -> bool:
    """PagerDuty's impact block: `Time in SEV-1 | 4h 23m` lines without a header row."""
    return len(lines) >= 2 and all(line.count("|") == 1 and not line.strip().startswith("|") for line in lines)
