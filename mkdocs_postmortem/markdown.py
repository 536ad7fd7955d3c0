"""Markdown → a flat list of blocks (headings, paragraphs, lists, tables, HTML), each with its line.

A thin layer over pulldown-cmark (through `pyromark`): the parser does the Markdown, this module only
keeps what the post-mortem reader needs, as plain text with formatting removed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyromark

# Tables, as Python-Markdown's `tables` extension (MkDocs' default) reads them. Not strikethrough: MkDocs
# shows `~~text~~` as written unless a site adds `pymdownx.tilde`, so the tildes are part of the text.
_OPTIONS = pyromark.Options.ENABLE_TABLES
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
    """A table cell's plain text, its line, and the destinations of the links in it (where a ticket is found)."""

    text: str
    line: int
    links: tuple[str, ...] = ()


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
class Span:
    """A top-level element of the page as pulldown-cmark delimits it: its kind and first and last line.

    The outline covers every element (code blocks, quotes and rules too), so that `fidelity` can see
    where one element follows another without a blank line.
    """

    kind: str  # heading, paragraph, list (bullets), numbered (list), table, html, code, quote, rule, …
    line: int
    end: int


class _LineIndex:
    """Turns UTF-8 byte offsets into 1-based line numbers."""

    def __init__(self, data: bytes) -> None:
        self._newlines = [m.start() for m in _NEWLINE.finditer(data)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1


_KINDS = {
    "Heading": "heading",
    "Paragraph": "paragraph",
    "List": "list",
    "Table": "table",
    "HtmlBlock": "html",
    "CodeBlock": "code",
    "BlockQuote": "quote",
}


def parse_blocks(text: str) -> tuple[list[Block], list[Span]]:
    """Parse Markdown text into blocks and the outline of its top-level elements; line numbers count
    from the first line of `text`.

    One pass over pulldown-cmark's events; this loop is the plugin's hottest code, so it uses plain
    lists as text sinks and `in` tests on each event's one-key dictionary (most frequent first)
    instead of method calls or pattern matching. Its events and text sinks are typed `Any` on purpose:
    class tests (`event.__class__ is str`) are faster than the `isinstance` narrowing a type checker needs.
    """
    data = text.encode("utf-8")
    lines = _LineIndex(data)
    blocks: list[Block] = []
    sinks: list[Any] = []  # each a list of text parts, or None: text is discarded (code blocks)
    lists: list[ListBlock] = []
    items: list[Item] = []
    table: Table | None = None
    row: list[Cell] | None = None
    row_line = 0  # a row's cells are on its line
    cell_links: list[str] | None = None  # the current table cell's link destinations
    outline: list[Span] = []
    depth = 0  # how many elements the current event is inside

    events: Iterator[tuple[Any, Any]] = iter(pyromark.events_with_range(text, options=_OPTIONS))
    for event, span in events:
        if event.__class__ is str:  # SoftBreak, HardBreak, Rule
            if sinks and sinks[-1] is not None and event != "Rule":
                sinks[-1].append("\n")
            elif event == "Rule" and not depth:
                outline.append(Span("rule", lines.line(span["start"]), lines.line(span["start"])))
        elif "Text" in event:
            if sinks and sinks[-1] is not None:
                sinks[-1].append(event["Text"])
        elif "Start" in event:
            tag = event["Start"]
            if tag.__class__ is not str:
                tag = next(iter(tag))
            if not depth:
                start = span["start"]
                last = start + max(len(data[start : span["end"]].rstrip()) - 1, 0)
                kind = (
                    "numbered" if tag == "List" and event["Start"]["List"] is not None else _KINDS.get(tag, tag.lower())
                )
                outline.append(Span(kind, lines.line(start), lines.line(last)))
            depth += 1
            if tag == "TableCell":
                sinks.append([])
                cell_links = []
            elif tag == "Heading" or tag == "HtmlBlock":
                sinks.append([])
            elif tag == "TableRow" or tag == "TableHead":
                row = []
                row_line = lines.line(span["start"])
            elif tag == "Paragraph":
                if items:  # an item's paragraphs are the item's text
                    sink = sinks[-1]
                    if sink:
                        sink.append("\n")
                else:
                    sinks.append([])
            elif tag == "Item":
                item = Item("", lines.line(span["start"]), len(lists) - 1)
                lists[0].items.append(item)
                items.append(item)
                sinks.append([])
            elif tag == "List":
                block = ListBlock([], lines.line(span["start"]))
                if not lists:
                    blocks.append(block)
                lists.append(block)
            elif tag == "Table":
                table = Table([], [], lines.line(span["start"]))
            elif tag == "CodeBlock":
                sinks.append(None)
            elif tag == "Link" and cell_links is not None:
                cell_links.append(event["Start"]["Link"]["dest_url"])
        elif "End" in event:
            depth -= 1
            end_tag = event["End"]
            tag = end_tag if end_tag.__class__ is str else next(iter(end_tag))
            if tag == "TableCell":
                sink = sinks.pop()
                if row is not None:
                    row.append(Cell("".join(sink).strip(), row_line, tuple(cell_links) if cell_links else ()))
                cell_links = None
            elif tag == "TableRow":
                if table is not None and row is not None:
                    table.rows.append(row)
            elif tag == "Paragraph":
                if not items:
                    blocks.append(Paragraph("".join(sinks.pop()).strip(), lines.line(span["start"])))
            elif tag == "Item":
                items.pop().text = "".join(sinks.pop()).strip()
            elif tag == "Heading":
                level = int(end_tag["Heading"][1:])
                blocks.append(Heading(level, "".join(sinks.pop()).strip(), lines.line(span["start"])))
            elif tag == "List":
                lists.pop()
            elif tag == "TableHead":
                if table is not None and row is not None:
                    table.header = [cell.text for cell in row]
            elif tag == "Table":
                if table is not None:
                    blocks.append(table)
                table = None
            elif tag == "CodeBlock":
                sinks.pop()
            elif tag == "HtmlBlock":
                sink = sinks.pop()
                if sink is not None:
                    blocks.append(Html("".join(sink).strip(), lines.line(span["start"])))
        elif sinks and sinks[-1] is not None:
            if "Code" in event:
                sinks[-1].append(event["Code"])
            elif "InlineHtml" in event:
                value = event["InlineHtml"]
                sinks[-1].append(" " if value[:3].lower() == "<br" else value)
            elif "Html" in event:
                sinks[-1].append(event["Html"])
    return blocks, outline
