"""Where MkDocs' renderer reads a page differently from this tool's parser, found before anything renders.

This tool reads pages with pulldown-cmark (CommonMark with GitHub's tables, as GitHub shows them);
MkDocs renders them with Python-Markdown, which takes fenced code and HTML out first, then cuts the
page into chunks at blank lines and decides what each chunk is by how it starts. Within one chunk,
without a blank line between them:

- everything after a table's first row is a row of that table, a heading included (`table-runs-on`);
- a table or a list that follows text is that text's paragraph (`table-after-text`, `list-after-text`);
- a table or a list that follows a quote is text inside the quote (`quote-runs-on`);
- a quote, or a list of the other kind, that follows a list is inside that list (`list-runs-on`);
- a line starting `#` is a heading even without a space after the `#`s (`heading-without-space`);
- what follows the end of an HTML block is Markdown again (`html-runs-on`);

and, whatever the blank lines: a heading indented by a space is text (`heading-indented`); a `1)`
list is text (`list-marker`); a numbered list right after a bulleted one, or the reverse, continues
it (`list-joins-list`); a paragraph that continues a list item needs four spaces of indentation and
a blank line after it (`item-paragraph`); and a nested list item needs four spaces more than its
parent (`list-indent`; `list-indent-2` is the same for a site with `mdx_truly_sane_lists`, which
nests by two). Each place becomes a `Divergence`, with the mechanical edit that makes both readings
agree where there is one; `reporting_rule` says which rule reports it on a site (PM003, PM004), and
`check --fix` applies the edits of what is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise

from . import markdown as md
from .model import Divergence, Edit
from .text import plural, printable

_HASH_WITHOUT_SPACE = re.compile(r"(#{1,6})(?=[^\s#])")  # matched at the start of a line's text
_ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_MARKDOWN_BLOCK = re.compile(r"#|[ ]{0,3}(?:[-*+]|\d{1,9}\.)[ \t]|\|")
_OPENING_TAG = re.compile(r"\s*(?:<!--|</?([A-Za-z][\w-]*))")
_QUOTE_MARKS = re.compile(r"(?:[ ]{0,3}>[ ]?)*")
_PAREN_MARKER = re.compile(r"([ \t]*)(\d{1,9})\)(?=[ \t]|$)")
_ANY_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_INDENT = re.compile(r"[ \t]*")
_LISTS = ("list", "numbered")
_LIST_NAMES = {"list": "bulleted", "numbered": "numbered"}
_BLOCK_NAMES = {"list": "list", "numbered": "list", "table": "table", "quote": "quote"}
PYTHON_MARKDOWN_INDENT = 4  # Python-Markdown's tab_length: a nested list item needs this much per level

# Extensions of Python-Markdown that change what diverges. The divergences are data of the page
# (so one cached parse serves every site), and `reporting_rule` reads them with the site's extensions.
BREAKLESS_LISTS = "mdx_breakless_lists"  # a list right after a paragraph is a list
SANE_LISTS = "sane_lists"  # a numbered list after a bulleted one is a list of its own
TRULY_SANE_LISTS = "mdx_truly_sane_lists"  # nested items are indented by 2 spaces, as CommonMark allows
TRULY_SANE_INDENT = 2


def extension_names(entries: Iterable[object]) -> frozenset[str]:
    """The short names of `markdown_extensions` as mkdocs.yml lists them (a name, or a one-key mapping
    to its options): `markdown.extensions.sane_lists` → `sane_lists`. `mdx_truly_sane_lists` counts
    only with its default `nested_indent: 2`."""
    names = set()
    for entry in entries:
        name, options = next(iter(entry.items()), ("", None)) if isinstance(entry, dict) else (entry, None)
        short = str(name).rsplit(".", 1)[-1]
        if short == TRULY_SANE_LISTS and isinstance(options, dict) and options.get("nested_indent", 2) != 2:
            continue
        if short:
            names.add(short)
    return frozenset(names)


def reporting_rule(divergence: Divergence, extensions: frozenset[str]) -> str | None:
    """The rule that reports a divergence on a site with these Markdown extensions: PM004 for list
    indentation, PM003 for the rest, None where an extension makes MkDocs read the place as this tool does."""
    kind = divergence.kind
    if kind in ("list-indent", "list-indent-2"):
        return "PM004" if (kind == "list-indent-2") == (TRULY_SANE_LISTS in extensions) else None
    if (kind == "list-after-text" and BREAKLESS_LISTS in extensions) or (
        kind == "list-joins-list" and (SANE_LISTS in extensions or TRULY_SANE_LISTS in extensions)
    ):
        return None
    return "PM003"


def find_divergences(
    body: str, blocks: list[md.Block], outline: list[md.Span], is_section: Callable[[str], bool]
) -> list[Divergence]:
    """Every divergence of the page, in line order; `is_section` tells a section title (for the fix of
    a `##Title` line)."""
    lines = body.split("\n")
    found = [
        *_adjacent_blocks(lines, outline),
        *_hash_lines(lines, outline, is_section),
        *_indented_headings(lines, outline),
        *_headings_after_html(lines, outline),
        *_items(lines, blocks),
        *_item_paragraphs(lines, outline),
    ]
    return sorted(found, key=lambda divergence: divergence.line)


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _blank_between(lines: list[str], first: md.Span, second: md.Span) -> bool:
    return any(not _line(lines, number).strip() for number in range(first.end + 1, second.line))


def _blank_line_before(lines: list[str], number: int) -> Edit:
    text = _line(lines, number)
    return Edit(line=number, old=text, new="\n" + text)


def _adjacent_blocks(lines: list[str], outline: list[md.Span]) -> Iterator[Divergence]:
    for before, after in pairwise(outline):
        blank = _blank_between(lines, before, after)
        if before.kind in _LISTS and after.kind in _LISTS and before.kind != after.kind and blank:
            yield Divergence(
                line=after.line,
                kind="list-joins-list",
                message=f"the {_LIST_NAMES[after.kind]} list on line {after.line} comes right after a "
                f"{_LIST_NAMES[before.kind]} one, so MkDocs renders its items as more items of that list",
                fix="put a paragraph between the two lists, or make them the same kind of list",
            )
        if blank or after.kind in ("code", "html"):
            continue  # Python-Markdown takes fenced code and HTML out before it reads the blocks
        if before.kind == "paragraph" and _HASH_WITHOUT_SPACE.match(_line(lines, after.line - 1)):
            continue  # Python-Markdown splits the block at that heading (reported below) and reads on
        fix = f"add a blank line before line {after.line}"
        edit = _blank_line_before(lines, after.line)
        shown = _shorten(_line(lines, after.line).strip())
        if before.kind == "table":
            yield Divergence(
                line=after.line,
                kind="table-runs-on",
                message=f"line {after.line} (`{shown}`) follows the table of line {before.line} without a "
                "blank line, so MkDocs renders it as a row of that table",
                fix=fix,
                edit=edit,
            )
        elif before.kind in _LISTS and (after.kind == "quote" or (after.kind in _LISTS and after.kind != before.kind)):
            what = "quote" if after.kind == "quote" else f"{_LIST_NAMES[after.kind]} list"
            yield Divergence(
                line=after.line,
                kind="list-runs-on",
                message=f"the {what} on line {after.line} follows the {_LIST_NAMES[before.kind]} list of line "
                f"{before.line} without a blank line, so MkDocs renders it inside that list",
                fix=fix,
                edit=edit,
            )
        elif before.kind == "quote" and after.kind in (*_LISTS, "table"):
            yield Divergence(
                line=after.line,
                kind="quote-runs-on",
                message=f"the {_BLOCK_NAMES[after.kind]} on line {after.line} follows the quote of line {before.line} "
                "without a blank line, so MkDocs renders it as text inside the quote",
                fix=fix,
                edit=edit,
            )
        elif before.kind == "paragraph" and after.kind in (*_LISTS, "table"):
            yield Divergence(
                line=after.line,
                kind="table-after-text" if after.kind == "table" else "list-after-text",
                message=f"the {_BLOCK_NAMES[after.kind]} on line {after.line} follows a paragraph without a blank "
                "line, so MkDocs renders it as part of the paragraph",
                fix=fix,
                edit=edit,
            )


def _hash_lines(lines: list[str], outline: list[md.Span], is_section: Callable[[str], bool]) -> Iterator[Divergence]:
    """Lines of text (not code, not tables) that Python-Markdown reads as headings."""
    for span in outline:
        if span.kind not in ("paragraph", "quote", *_LISTS):
            continue
        for number in range(span.line, span.end + 1):
            text = _line(lines, number)
            quote = _QUOTE_MARKS.match(text)[0] if span.kind == "quote" else ""  # type: ignore[index]
            match = _HASH_WITHOUT_SPACE.match(text, len(quote))
            if not match:
                continue
            hashes, rest = match[1], text[match.end() :]
            known = is_section(rest)
            yield Divergence(
                line=number,
                kind="heading-without-space",
                message=f"line {number} starts with `{hashes}` (`{_shorten(text)}`) and no space, so MkDocs renders "
                "it as a heading, while GitHub and this check read it as text",
                fix=f"write `{quote}{hashes} {_shorten(rest)}`"
                if known
                else f"write `\\{hashes[0]}` to keep the `#` as text, or `{hashes} ` to make it a heading",
                edit=Edit(line=number, old=text, new=f"{quote}{hashes} {rest}") if known else None,
            )


def _indented_headings(lines: list[str], outline: list[md.Span]) -> Iterator[Divergence]:
    """`   ## 8. Communications`: a heading for CommonMark (also inside a list item), text for Python-Markdown."""
    for span in outline:
        if span.kind not in ("heading", *_LISTS):
            continue
        for number in range(span.line, span.line + 1 if span.kind == "heading" else span.end + 1):
            text = _line(lines, number)
            indent = _INDENT.match(text)[0]  # type: ignore[index]
            if 0 < len(indent.expandtabs(PYTHON_MARKDOWN_INDENT)) < PYTHON_MARKDOWN_INDENT and _ATX_HEADING.match(
                text, len(indent)
            ):
                yield Divergence(
                    line=number,
                    kind="heading-indented",
                    message=f"the heading on line {number} is indented, so MkDocs renders it as text",
                    fix="start the line with its `#`",
                    edit=Edit(line=number, old=text, new=text.lstrip()),
                )


def _headings_after_html(lines: list[str], outline: list[md.Span]) -> Iterator[Divergence]:
    """A heading, list or table right after the end of an HTML block: CommonMark keeps it in the block
    (up to a blank line), Python-Markdown ends the block with its element and reads it as Markdown."""
    for span in outline:
        closing = _closing_tag(_line(lines, span.line)) if span.kind == "html" else None
        number = span.line
        while closing is not None and number < span.end:
            if not _line(lines, number).rstrip().lower().endswith(closing):
                number += 1
                continue
            number += 1  # the line after the element
            if (following := _closing_tag(_line(lines, number), opening_only=True)) is not None:
                closing = following  # another element: raw HTML for both
                continue
            rest = [_line(lines, n) for n in range(number, span.end + 1)]
            # Python-Markdown reads those lines as a block by how it starts, and a `#` line anywhere as a heading.
            if _MARKDOWN_BLOCK.match(rest[0]) or any(text.startswith("#") for text in rest):
                yield Divergence(
                    line=number,
                    kind="html-runs-on",
                    message=f"line {number} (`{_shorten(_line(lines, number).strip())}`) follows the end of an HTML "
                    "block without a blank line: MkDocs renders it as Markdown, GitHub and this check as part of the HTML",
                    fix=f"add a blank line before line {number}",
                    edit=_blank_line_before(lines, number),
                )
            break  # plain text after the element reads alike: a paragraph for MkDocs, the words for GitHub


def _closing_tag(text: str, opening_only: bool = False) -> str | None:
    """How the HTML element that `text` starts ends (`</details>`, `-->`); a line that starts with a
    closing tag is itself the end, unless `opening_only`."""
    match = _OPENING_TAG.match(text)
    if match is None or (opening_only and match[0].lstrip().startswith("</")):
        return None
    return "-->" if match[0].endswith("<!--") else f"</{match[1].lower()}>"


def _items(lines: list[str], blocks: list[md.Block]) -> Iterator[Divergence]:
    """List items Python-Markdown reads otherwise: `1)` markers, and nesting by indentation."""
    for block in blocks:
        if not isinstance(block, md.ListBlock):
            continue
        for item in block.items:
            text = _line(lines, item.line)
            quote = _QUOTE_MARKS.match(text)[0]  # type: ignore[index]
            if marker := _PAREN_MARKER.match(text, len(quote)):
                yield Divergence(
                    line=item.line,
                    kind="list-marker",
                    message=f"the list item on line {item.line} is numbered `{marker[2]})`, which MkDocs does not read "
                    "as a list: it renders the line as text",
                    fix=f"write `{marker[2]}.`",
                    edit=Edit(line=item.line, old=text, new=f"{text[: marker.end() - 1]}.{text[marker.end() :]}"),
                )
        if any(item.depth for item in block.items):  # a flat list is flat for both
            yield from _nesting(lines, block, PYTHON_MARKDOWN_INDENT, "list-indent")
            yield from _nesting(lines, block, TRULY_SANE_INDENT, "list-indent-2")


def _nesting(lines: list[str], block: md.ListBlock, unit: int, kind: str) -> Iterator[Divergence]:
    """Nested items whose depth Python-Markdown reads differently: it nests an item `unit` spaces deeper
    than its parent (4, its `tab_length`; 2 with `mdx_truly_sane_lists`), where CommonMark takes 2 to 5.
    An item indented further than one level deeper is text of the item above."""
    read_depth, previous_line = -1, 0
    for item in block.items:
        if item.line == previous_line:  # `* 1. text`: a list that starts inside an item, read alike
            read_depth = item.depth
            continue
        previous_line = item.line
        text = _line(lines, item.line)
        quote = _QUOTE_MARKS.match(text)[0]  # type: ignore[index]
        indent = _INDENT.match(text, len(quote))[0]  # type: ignore[index]
        width = len(indent.expandtabs(PYTHON_MARKDOWN_INDENT))
        deeper = width // unit > read_depth + 1
        read_depth = min(width // unit, read_depth + 1)
        if read_depth == item.depth and not (deeper and unit == TRULY_SANE_INDENT):
            continue
        needed = unit * item.depth
        read_depth = item.depth  # the items after it are judged as if this one were fixed
        how = (
            "as text of the item above"
            if deeper and unit == TRULY_SANE_INDENT
            else ("as an item of the outer list" if width < needed else "one level deeper")
        )
        yield Divergence(
            line=item.line,
            kind=kind,  # type: ignore[arg-type]
            message=f"the nested list item on line {item.line} is indented by {plural(width, 'space')}, "
            f"so MkDocs renders it {how}",
            fix=f"indent it by {needed} spaces (MkDocs nests a list item {unit} spaces deeper than its parent)",
            edit=Edit(line=item.line, old=text, new=quote + " " * needed + text[len(quote) + len(indent) :]),
        )


def _item_paragraphs(lines: list[str], outline: list[md.Span]) -> Iterator[Divergence]:
    """A paragraph that continues a list item after a blank line: Python-Markdown ends the list unless
    it is indented by four spaces, and reads the lines after it as its own text until a blank line."""
    for span in outline:
        if span.kind not in _LISTS or _line(lines, span.line)[:1] in (" ", "\t", ">"):
            continue
        for number in range(span.line + 1, span.end + 1):
            text = _line(lines, number)
            if not text.strip() or _line(lines, number - 1).strip() or _ANY_MARKER.match(text):
                continue
            width = len(_INDENT.match(text)[0].expandtabs(PYTHON_MARKDOWN_INDENT))  # type: ignore[index]
            end = number
            while end < span.end and _line(lines, end + 1).strip():
                end += 1
            after = _line(lines, end + 1)
            runs_on = any(_ANY_MARKER.match(_line(lines, n)) for n in range(number + 1, end + 1)) or (
                end == span.end and after.strip() != "" and not after.startswith(("<", "```", "~~~"))
                # the next block with no blank line (HTML and code are taken out first)
            )
            if width >= PYTHON_MARKDOWN_INDENT and not runs_on:
                continue
            yield Divergence(
                line=number,
                kind="item-paragraph",
                message=f"the paragraph on line {number} continues a list item, but MkDocs renders "
                + ("it outside the list" if width < PYTHON_MARKDOWN_INDENT else "the list items after it as its text"),
                fix="indent the paragraph by 4 spaces and put a blank line after it, or join it to the item's first line",
            )


def _shorten(text: str, width: int = 40) -> str:
    """Page text quoted in a message or a fix, on one printable line (`check --fix` prints the fixes)."""
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "…"
