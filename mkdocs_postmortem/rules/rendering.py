"""PM003–PM005 — fidelity: the page MkDocs renders is the page this tool checked."""

from __future__ import annotations

from collections.abc import Iterator

from ..fidelity import BREAKLESS_LISTS, SANE_LISTS, TRULY_SANE_LISTS
from ..model import Divergence, Level, PostMortem
from ..parse import section_key
from . import Context, Violation, rule

LIST_INDENT = "list-indent"


@rule("PM003", "renders-differently", Level.ERROR)
def renders_differently(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """MkDocs renders the page as it was checked: tables, lists and headings are set off by blank lines.

    MkDocs renders with Python-Markdown, which reads a table or list only at the start of a block of
    lines: a heading or text right after a table becomes a row of it, and a table or list right after
    text becomes part of the text. GitHub and this tool read such pages differently from the built
    site, so the page would pass here and show broken. `mkdocs-postmortem check --fix` adds the blank
    lines. A line starting with `#` and no space is a heading for MkDocs only: add the space, or
    write `\\#`. Python-Markdown extensions that read like CommonMark are taken into account:
    with `mdx_breakless_lists` a list may follow text, with `sane_lists` a numbered list may follow a
    bulleted one.
    """
    for divergence in pm.divergences:
        if divergence.kind != LIST_INDENT and not _read_alike(divergence, ctx):
            yield Violation(divergence.line, divergence.message, divergence.fix)


def _read_alike(divergence: Divergence, ctx: Context) -> bool:
    """Does an extension of the site make MkDocs read this place as this tool does?"""
    extensions = ctx.markdown_extensions
    return (divergence.kind == "list-after-text" and BREAKLESS_LISTS in extensions) or (
        divergence.kind == "list-joins-list" and SANE_LISTS in extensions
    )


@rule("PM004", LIST_INDENT, Level.WARNING)
def list_indent(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Nested list items are indented by four spaces per level, as MkDocs needs.

    Python-Markdown nests a list item only when it is indented four spaces more than its parent;
    with two or three (enough for GitHub), MkDocs shows it as an item of the outer list.
    `check --fix` re-indents the item. A site with `mdx_truly_sane_lists` nests items as CommonMark
    does, and gets no finding.
    """
    if TRULY_SANE_LISTS in ctx.markdown_extensions:
        return
    for divergence in pm.divergences:
        if divergence.kind == LIST_INDENT:
            yield Violation(divergence.line, divergence.message, divergence.fix)


@rule("PM005", "rendered-page-differs", Level.ERROR, scope="rendered")
def rendered_page_differs(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The page MkDocs rendered shows what was checked: every section heading the check found is a
    heading in the HTML, and every action item has its row, so links to `#action-N` land.

    A safety net behind PM003, for what no rule foresaw (an HTML block that swallows a section, a
    Markdown extension that changes the syntax). Only `mkdocs build` and `serve` render pages, so
    only they report it; `check` cannot.
    """
    if pm.rendered is None or any(d.kind != LIST_INDENT and not _read_alike(d, ctx) for d in pm.divergences):
        return  # PM003 already says why the page renders differently
    headings = {section_key(text) for text in pm.rendered.headings}
    for key, section in pm.sections.items():
        if key not in headings:
            yield Violation(
                section.line,
                f"the heading '{section.heading}' is not a heading in the page MkDocs rendered",
                "look at the lines just above it: a table or HTML block with no blank line after it takes in what follows",
            )
    items = pm.actions or []
    if "actions" in headings and pm.rendered.action_rows < len(items):
        missing = [item.number for item in items[pm.rendered.action_rows :]]
        yield Violation(
            pm.section_line("actions"),
            f"the rendered action-items table has {pm.rendered.action_rows} rows for {len(items)} action items, "
            f"so links to item{'s' if len(missing) > 1 else ''} {', '.join(missing)} lead nowhere",
            "set the action-items table off with a blank line before and after it, and give every item its own row",
        )
