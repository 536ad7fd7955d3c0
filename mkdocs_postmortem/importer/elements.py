"""The original page as top-level elements (with their lines as written), and the parts a section is made of."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import markdown as md

LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
TASK_BOX = re.compile(r"^\[([ xX])\][ \t]*")


@dataclass
class El:
    """A top-level element of the original page: its kind, its lines as written, where it starts."""

    kind: str  # heading, paragraph, list, numbered, table, html, code, quote, rule, raw
    lines: list[str]
    line: int
    block: md.Block | None = None

    @property
    def source(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Sub:
    """A subsection heading kept inside a section."""

    text: str
    depth: int = 1


@dataclass
class Top:
    """Back at a section's own level (its heading came again after subsections were put in it)."""


@dataclass
class Bold:
    """A second heading of a section already placed, kept as a bold line."""

    text: str


@dataclass
class Gen:
    """Markdown the importer wrote."""

    text: str


Part = El | Sub | Top | Bold | Gen


def elements(body: str) -> list[El]:
    """The top-level elements of `body` with their source lines; lines no element covers (link
    reference definitions) are kept as `raw` elements."""
    blocks, outline = md.parse_blocks(body)
    by_line: dict[int, md.Block] = {}
    for block in blocks:
        by_line.setdefault(block.line, block)
    lines = body.split("\n")
    covered = [False] * (len(lines) + 2)
    elements: list[El] = []
    for span in outline:
        end = max(span.end, span.line)
        for number in range(span.line, end + 1):
            covered[number] = True
        found = by_line.get(span.line)
        expected = {
            "heading": md.Heading,
            "paragraph": md.Paragraph,
            "list": md.ListBlock,
            "numbered": md.ListBlock,
            "table": md.Table,
            "html": md.Html,
        }.get(span.kind)
        elements.append(
            El(
                span.kind,
                lines[span.line - 1 : end],
                span.line,
                found if expected is not None and isinstance(found, expected) else None,
            )
        )
    raw: list[El] = []
    for number, text in enumerate(lines, start=1):
        if covered[number] or not text.strip():
            continue
        if raw and raw[-1].line + len(raw[-1].lines) == number:
            raw[-1].lines.append(text)
        else:
            raw.append(El("raw", [text], number))
    return sorted(elements + raw, key=lambda element: element.line)


_ATX = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")


def heading_text(element: El) -> str:
    """A heading's text as written, without its markers (`## Impact ##` → `Impact`)."""
    if element.lines and _ATX.match(element.lines[0]):
        return _ATX_CLOSE.sub("", _ATX.sub("", element.lines[0])).strip()
    return " ".join(line.strip() for line in element.lines[:-1]).strip()  # setext: the underline goes


def list_items(element: El) -> list[list[str]]:
    """A list's top-level items, each as its lines (the first without its marker)."""
    block = element.block
    if not isinstance(block, md.ListBlock):
        return [[line] for line in element.lines if line.strip()]
    starts = [item.line for item in block.items if item.depth == 0]
    starts = sorted(set(starts))
    items: list[list[str]] = []
    for index, start in enumerate(starts):
        stop = starts[index + 1] if index + 1 < len(starts) else element.line + len(element.lines)
        lines = element.lines[start - element.line : stop - element.line]
        if not lines:
            continue
        marker = LIST_MARKER.match(lines[0])
        first = lines[0][marker.end() :] if marker else lines[0]
        items.append([first, *lines[1:]])
    return items


def subsections(parts: list[Part]) -> tuple[list[Part], list[tuple[Sub, list[Part]]]]:
    """A section's own parts, and its subsections (each with its parts), in order."""
    top: list[Part] = []
    groups: list[tuple[Sub, list[Part]]] = []
    current: list[Part] | None = None
    for part in parts:
        if isinstance(part, Top):
            current = None
        elif isinstance(part, Sub) and (current is None or part.depth <= 1):
            current = []
            groups.append((part, current))
        elif current is not None:
            current.append(part)
        else:
            top.append(part)
    return top, groups


def ordered(parts: list[Part]) -> list[Part]:
    top, groups = subsections(parts)
    result = list(top)
    for head, body in groups:
        result += [head, *body]
    return result
