"""Markdown → a flat list of blocks (headings, paragraphs, lists, tables, HTML), each with its line.

A thin layer over pulldown-cmark (through `pyromark`): the parser does the Markdown, this module only
keeps what the post-mortem reader needs, as plain text with formatting removed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import pyromark

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
_NEWLINE = re.compile(b"\n")


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(slots=True)
class Paragraph:
    text: str
    line: int


@dataclass(slots=True)
class Item:
    """A list item's own text (nested lists become items of their own, with a greater depth)."""

    text: str
    line: int
    depth: int


@dataclass(slots=True)
class ListBlock:
    items: list[Item]
    line: int


@dataclass(slots=True)
class Cell:
    text: str
    line: int


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[list[Cell]]
    line: int


@dataclass(slots=True)
class Html:
    text: str
    line: int


Block = Heading | Paragraph | ListBlock | Table | Html


@dataclass(slots=True)
class _Sink:
    """Where text goes while inside a heading, paragraph, item or cell."""

    parts: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(self.parts).strip()


class _LineIndex:
    """Turns UTF-8 byte offsets into 1-based line numbers."""

    def __init__(self, data: bytes) -> None:
        self._newlines = [m.start() for m in _NEWLINE.finditer(data)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1


def parse_blocks(text: str) -> list[Block]:
    """Parse Markdown text into blocks; line numbers count from the first line of `text`."""
    lines = _LineIndex(text.encode("utf-8"))
    blocks: list[Block] = []
    sinks: list[_Sink | None] = []  # None: text is discarded (code blocks)
    lists: list[ListBlock] = []
    items: list[Item] = []
    table: Table | None = None
    row: list[Cell] | None = None

    for event, span in pyromark.events_with_range(text, options=_OPTIONS):
        if isinstance(event, str):  # SoftBreak, HardBreak, Rule
            if sinks and sinks[-1] is not None and event != "Rule":
                sinks[-1].parts.append("\n")
            continue
        kind, value = next(iter(event.items()))
        if kind in ("Text", "Code"):
            if sinks and sinks[-1] is not None:
                sinks[-1].parts.append(value)
        elif kind == "InlineHtml":
            if sinks and sinks[-1] is not None:
                sinks[-1].parts.append(" " if value.lower().startswith("<br") else value)
        elif kind == "Html":
            if sinks and sinks[-1] is not None:
                sinks[-1].parts.append(value)
        elif kind == "Start":
            tag = value if isinstance(value, str) else next(iter(value))
            start = span["start"]
            if tag == "Heading":
                sinks.append(_Sink())
            elif tag == "Paragraph":
                if items:  # an item's paragraphs are the item's text
                    sink = sinks[-1]
                    if sink is not None and sink.parts:
                        sink.parts.append("\n")
                else:
                    sinks.append(_Sink())
            elif tag == "List":
                block = ListBlock([], lines.line(start))
                if not lists:
                    blocks.append(block)
                lists.append(block)
            elif tag == "Item":
                item = Item("", lines.line(start), len(lists) - 1)
                lists[0].items.append(item)
                items.append(item)
                sinks.append(_Sink())
            elif tag == "Table":
                table = Table([], [], lines.line(start))
            elif tag in ("TableHead", "TableRow"):
                row = []
            elif tag == "TableCell":
                sinks.append(_Sink())
            elif tag == "CodeBlock":
                sinks.append(None)
            elif tag == "HtmlBlock":
                sinks.append(_Sink())
        elif kind == "End":
            tag = value if isinstance(value, str) else next(iter(value))
            start = span["start"]
            if tag == "Heading":
                sink = sinks.pop()
                level = int(value["Heading"][1:]) if isinstance(value, dict) else 1
                blocks.append(Heading(level, sink.text() if sink else "", lines.line(start)))
            elif tag == "Paragraph" and not items:
                sink = sinks.pop()
                blocks.append(Paragraph(sink.text() if sink else "", lines.line(start)))
            elif tag == "Item":
                sink = sinks.pop()
                item = items.pop()
                item.text = sink.text() if sink else ""
            elif tag == "List":
                lists.pop()
            elif tag == "TableCell":
                sink = sinks.pop()
                if row is not None:
                    row.append(Cell(sink.text() if sink else "", lines.line(start)))
            elif tag == "TableHead" and table is not None and row is not None:
                table.header = [cell.text for cell in row]
            elif tag == "TableRow" and table is not None and row is not None:
                table.rows.append(row)
            elif tag == "Table" and table is not None:
                blocks.append(table)
                table = None
            elif tag == "CodeBlock":
                sinks.pop()
            elif tag == "HtmlBlock":
                sink = sinks.pop()
                if sink is not None:
                    blocks.append(Html(sink.text(), lines.line(start)))
    return blocks
