"""Where MkDocs' renderer reads a page differently from this tool's parser, found before anything renders.

This tool reads pages with pulldown-cmark (CommonMark with GitHub's tables, as GitHub shows them);
MkDocs renders them with Python-Markdown, which splits a page into chunks at blank lines and decides
what each chunk is by how it starts. Within one chunk, without a blank line between them:

- everything after a table's first row is a row of that table, a heading included (`table-runs-on`);
- a table or a list that follows text is that text's paragraph (`table-after-text`, `list-after-text`);
- a table or a list that follows a quote is text inside the quote (`quote-runs-on`);
- a quote, a code block or HTML that follows a list is inside its last item (`list-runs-on`);
- a line starting `#` is a heading even without a space after the `#`s (`heading-without-space`);

and a numbered list right after a bulleted one (or the reverse), even past a blank line, continues
it (`list-joins-list`); a nested list item indented by fewer than four spaces is an item of the outer
list (`list-indent`). Each place becomes a `Divergence`, with the mechanical edit that makes both readings
agree where one exists; rules PM003 and PM004 report them and `check --fix` applies the edits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from . import markdown as md
from .model import Divergence, Edit

_HASH_WITHOUT_SPACE = re.compile(r"(#{1,6})(?=[^\s#])")  # matched at the start of a line's text
_QUOTE_MARKS = re.compile(r"(?:[ ]{0,3}>[ ]?)*")
_LISTS = ("list", "numbered")
_LIST_NAMES = {"list": "bulleted", "numbered": "numbered"}
_BLOCK_NAMES = {"list": "list", "numbered": "list", "table": "table"}
_INDENT = re.compile(r"^[ \t]*")
_PYTHON_MARKDOWN_INDENT = 4  # Python-Markdown's tab_length: a nested list item needs this much per level


# Extensions of Python-Markdown that remove a divergence: the rules do not report what the site's
# renderer reads as this tool does (the divergences stay data, so a cached parse serves every site).
BREAKLESS_LISTS = "mdx_breakless_lists"  # a list right after a paragraph is a list
SANE_LISTS = "sane_lists"  # a numbered list after a bulleted one is a list of its own
TRULY_SANE_LISTS = "mdx_truly_sane_lists"  # nested items are indented by 2 spaces, as CommonMark allows


def extension_names(entries: Iterable[object]) -> frozenset[str]:
    """The short names of `markdown_extensions` as mkdocs.yml lists them (a name, or a one-key mapping
    to its options): `markdown.extensions.sane_lists` → `sane_lists`. `mdx_truly_sane_lists` counts
    only with its default `nested_indent: 2`, the indentation CommonMark accepts."""
    names = set()
    for entry in entries:
        name, options = next(iter(entry.items()), ("", None)) if isinstance(entry, dict) else (entry, None)
        short = str(name).rsplit(".", 1)[-1]
        if short == TRULY_SANE_LISTS and isinstance(options, dict) and options.get("nested_indent", 2) != 2:
            continue
        if short:
            names.add(short)
    return frozenset(names)


def find_divergences(body: str, blocks: list[md.Block], outline: list[md.Span]) -> list[Divergence]:
    """Every divergence of the page, in line order."""
    lines = body.split("\n")
    found = [*_adjacent_blocks(lines, outline), *_hash_lines(lines, outline), *_list_indents(lines, blocks)]
    return sorted(found, key=lambda divergence: divergence.line)


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _blank_between(lines: list[str], first: md.Span, second: md.Span) -> bool:
    return any(not _line(lines, number).strip() for number in range(first.end + 1, second.line))


def _blank_line_before(lines: list[str], number: int) -> Edit:
    text = _line(lines, number)
    return Edit(line=number, old=text, new="\n" + text)


def _adjacent_blocks(lines: list[str], outline: list[md.Span]) -> Iterator[Divergence]:
    for before, after in zip(outline, outline[1:], strict=False):
        if before.kind in _LISTS and after.kind in _LISTS and before.kind != after.kind:
            yield Divergence(
                line=after.line,
                kind="list-joins-list",
                message=f"the {_LIST_NAMES[after.kind]} list on line {after.line} comes right after a "
                f"{_LIST_NAMES[before.kind]} one, so MkDocs renders its items as more items of that list",
                fix="put a paragraph between the two lists, or make them the same kind of list",
            )
        if _blank_between(lines, before, after):
            continue
        if before.kind == "paragraph" and _HASH_WITHOUT_SPACE.match(_line(lines, after.line - 1)):
            continue  # Python-Markdown splits the block at that heading (reported below) and reads on
        fix = f"add a blank line before line {after.line}"
        edit = _blank_line_before(lines, after.line)
        if before.kind == "table":
            shown = _line(lines, after.line).strip()
            yield Divergence(
                line=after.line,
                kind="table-runs-on",
                message=f"line {after.line} (`{_shorten(shown)}`) follows the table of line {before.line} without a "
                "blank line, so MkDocs renders it as a row of that table",
                fix=fix,
                edit=edit,
            )
        elif before.kind in _LISTS and after.kind not in (*_LISTS, "heading"):
            yield Divergence(
                line=after.line,
                kind="list-runs-on",
                message=f"line {after.line} (`{_shorten(_line(lines, after.line).strip())}`) follows the list of line "
                f"{before.line} without a blank line, so MkDocs renders it inside the list's last item",
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


def _hash_lines(lines: list[str], outline: list[md.Span]) -> Iterator[Divergence]:
    """Lines of text (not code, not tables) that Python-Markdown reads as headings."""
    from .parse import section_key  # parse imports this module

    for span in outline:
        if span.kind not in ("paragraph", "quote", *_LISTS):
            continue
        for number in range(span.line, span.end + 1):
            text = _line(lines, number)
            quote = _QUOTE_MARKS.match(text)[0] if span.kind == "quote" else ""  # type: ignore[index]
            match = _HASH_WITHOUT_SPACE.match(text, len(quote))
            if not match:
                continue
            hashes = match[1]
            rest = text[match.end() :]
            if section_key(rest):
                yield Divergence(
                    line=number,
                    kind="heading-without-space",
                    message=f"`{_shorten(text)}` has no space after `{hashes}`: MkDocs renders it as a heading, "
                    "but it is not one for GitHub or for this check",
                    fix=f"write `{quote}{hashes} {_shorten(rest)}`",
                    edit=Edit(line=number, old=text, new=f"{quote}{hashes} {rest}"),
                )
            else:
                yield Divergence(
                    line=number,
                    kind="heading-without-space",
                    message=f"line {number} starts with `{hashes}` (`{_shorten(text)}`), so MkDocs renders it as a "
                    "heading, while GitHub and this check read it as text",
                    fix=f"write `\\{hashes[0]}` to keep the `#` as text, or `{hashes} ` to make it a heading",
                )


def _list_indents(lines: list[str], blocks: list[md.Block]) -> Iterator[Divergence]:
    """Nested items whose depth Python-Markdown reads differently: it nests an item only when it is
    indented by four more spaces than its parent (its `tab_length`), where CommonMark needs two or three."""
    for block in blocks:
        if not isinstance(block, md.ListBlock):
            continue
        read_depth, previous_line = -1, 0
        for item in block.items:
            if item.line == previous_line:  # `* 1. text`: a list that starts inside an item, read alike
                read_depth = item.depth
                continue
            previous_line = item.line
            text = _line(lines, item.line)
            indent = _INDENT.match(text)[0]  # type: ignore[index]
            width = len(indent.expandtabs(_PYTHON_MARKDOWN_INDENT))
            read_depth = min(width // _PYTHON_MARKDOWN_INDENT, read_depth + 1)
            if read_depth == item.depth:
                continue
            needed = _PYTHON_MARKDOWN_INDENT * item.depth
            read_depth = item.depth  # the items after it are judged as if this one were fixed
            yield Divergence(
                line=item.line,
                kind="list-indent",
                message=f"the nested list item on line {item.line} is indented by {width} space{'s' if width != 1 else ''}, "
                f"so MkDocs renders it {'as an item of the outer list' if width < needed else 'one level deeper'}",
                fix=f"indent it by {needed} spaces (Python-Markdown nests a list item 4 spaces deeper than its parent)",
                edit=Edit(line=item.line, old=text, new=" " * needed + text[len(indent) :]),
            )


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
