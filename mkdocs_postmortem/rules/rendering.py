"""PM003–PM005 — fidelity: the page MkDocs renders is the page this tool checked."""

from __future__ import annotations

from collections.abc import Iterator

from ..fidelity import reporting_rule
from ..model import Level, PostMortem
from ..template import Key
from .base import Context, Violation, rule


def _reported(pm: PostMortem, ctx: Context, rule_id: str) -> Iterator[Violation]:
    for divergence in pm.divergences:
        if reporting_rule(divergence, ctx.markdown_extensions) == rule_id:
            yield Violation(divergence.line, divergence.message, divergence.fix)


@rule("PM003", "renders-differently", Level.ERROR)
def renders_differently(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """MkDocs renders the page as it was checked: tables, lists and headings are set off by blank lines.

    MkDocs renders with Python-Markdown, which reads a table or list only at the start of a block of
    lines: a heading or text right after a table becomes a row of it, and a table or list right after
    text becomes part of the text. GitHub and this tool read such pages differently from the built
    site, so the page would pass here and show broken. `mkdocs-postmortem check --fix` adds the blank
    lines. Also reported: `##Title` and `#channel` at the start of a line (a heading for MkDocs only),
    an indented heading and `1)` lists (text for MkDocs only), a numbered list right after a bulleted
    one, and a paragraph continuing a list item that is not indented by four spaces. The site's
    extensions count: with `mdx_breakless_lists` a list may follow text, with `sane_lists` a numbered
    list may follow a bulleted one.
    """
    return _reported(pm, ctx, "PM003")


@rule("PM004", "list-indent", Level.WARNING)
def list_indent(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Nested list items are indented by four spaces per level, as MkDocs needs.

    Python-Markdown nests a list item only when it is indented four spaces more than its parent;
    with two or three (enough for GitHub), MkDocs shows it as an item of the outer list.
    `check --fix` re-indents the item. On a site with `mdx_truly_sane_lists`, items nest by two
    spaces instead, and that is what is checked.
    """
    return _reported(pm, ctx, "PM004")


@rule("PM005", "rendered-page-differs", Level.ERROR, scope="rendered")
def rendered_page_differs(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The page MkDocs rendered shows what was checked: every section heading the check found is a
    heading in the HTML, and every action item has its row, so links to `#action-N` land.

    A safety net behind PM003, for what no rule foresaw (an HTML block that swallows a section, a
    Markdown extension that changes the syntax). Only `mkdocs build` and `serve` render pages, so
    only they report it; `check` cannot. A page with a PM003 finding gets none: that finding says why.
    """
    if pm.rendered is None or any(reporting_rule(d, ctx.markdown_extensions) == "PM003" for d in pm.divergences):
        return
    headings = {ctx.template.section_key(text) for text in pm.rendered.headings}
    for key, section in pm.sections.items():
        if key not in headings:
            yield Violation(
                section.line,
                f"the heading '{section.heading}' is not a heading in the page MkDocs rendered",
                "look at the lines just above it (an HTML block, a table or a list with no blank line after it "
                "takes in what follows), and at the Markdown extensions of the site",
            )
    items = pm.actions or []
    if Key.ACTIONS in headings and pm.rendered.action_rows < len(items):
        missing = [item.number for item in items[pm.rendered.action_rows :]]
        yield Violation(
            pm.section_line(Key.ACTIONS),
            f"the rendered action-items table has {pm.rendered.action_rows} rows for {len(items)} action items, "
            f"so links to item{'s' if len(missing) > 1 else ''} {', '.join(missing)} lead nowhere",
            "set the action-items table off with a blank line before and after it, and give every item its own row",
        )
