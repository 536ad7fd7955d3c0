"""A property of the reading: a page with no divergence has the same structure for this tool's parser
(pulldown-cmark) and for MkDocs' renderer (Python-Markdown), and `--fix` gets every page there."""

from __future__ import annotations

import datetime as dt

import markdown
import pyromark
from bs4 import BeautifulSoup
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mkdocs_postmortem.checker import Checker, Settings, parse_source
from mkdocs_postmortem.fidelity import extension_names, reporting_rule
from mkdocs_postmortem.fix import fix_text
from mkdocs_postmortem.model import Divergence

BLOCKS = ("table", "tr", "pre")  # not `blockquote`: quotes one blank line apart are one for MkDocs, harmlessly

# The pieces post-mortems are made of, each a few lines; pages join them with or without a blank line.
PIECES = [
    "## 2. Timeline",
    "## 3. Impact",
    "   ## 8. Communications",
    "#ai-pilot-finance was told",
    "##7. Action items",
    "Some text about it.",
    "Two lines\nof text.",
    "| Time (UTC) | Event |\n|---|---|\n| 2026-08-14 09:12 | It began |",
    "| # | Action | Owner |\n|---|---|---|\n| 1 | Add an alert | Builder |\n| 2 | Update the runbook | CoE Lead |",
    "- one\n- two",
    "- Q: Why? A: Because.\n- Q: Why again?\n  A: Because again.",
    "- Q: Why?\n\n  A: Because, said on a paragraph of its own.\n- Q: Why again?",
    "- Q: Why?\n\n    A: Because, indented as Python-Markdown wants.",
    "- outer\n  - inner two spaces",
    "- outer\n    - inner four spaces",
    "- outer\n   - inner three\n      - deeper",
    "1. first\n2. second",
    "1) first\n2) second",
    "- 1. a list in an item",  # (`*` after `-` splits a list for CommonMark only; the items read the same)
    "**Underlying systemic cause:** the monitoring.",
    '<!-- postmortem: disable PM403 reason="agreed" -->',
    "```\ncode | not a table\n## not a heading\n```",
    "> quoted",
]
# Raw HTML blocks (`<details>`) meet the other pieces in ways too many to model; the examples below
# cover the common case, and in a build PM005 compares the rendered page with what was checked.
# Sites render with MkDocs' default extensions and what they add; these change what diverges.
SITES = [(), ("sane_lists",), ("mdx_truly_sane_lists",)]


def structure(html: str) -> list[object]:
    """What a reader sees of the page's blocks: bulleted and numbered items (how they start), how deep they nest, quotes
    inside items, tables, rows, headings and code (not how items are cut into lists, nor `p` in loose
    items: those read alike)."""
    soup = BeautifulSoup(html, "html.parser")
    items = soup.find_all("li")
    return [
        [" ".join(item.get_text(" ").split())[:24] for item in items if item.parent.name == "ul"],
        [" ".join(item.get_text(" ").split())[:24] for item in items if item.parent.name == "ol"],
        sum(len(item.find_parents(["ul", "ol"])) for item in items),
        sum(1 for quote in soup.find_all("blockquote") if quote.find_parent("li")),
        sum(1 for heading in soup.find_all(["h1", "h2", "h3"]) if heading.find_parent("li")),
        [heading.get_text(strip=True) for heading in soup.find_all(["h1", "h2", "h3"])],
        *(len(soup.find_all(tag)) for tag in BLOCKS),
    ]


def readings(text: str, extensions: tuple[str, ...]) -> tuple[list[int], list[int]]:
    """(what this tool's parser sees, what MkDocs renders) for a page body."""
    ours = structure(pyromark.html(text, options=pyromark.Options.ENABLE_TABLES))
    mkdocs = structure(markdown.markdown(text, extensions=["toc", "tables", "fenced_code", *extensions]))
    return ours, mkdocs


def reported(text: str, extensions: tuple[str, ...]) -> list[Divergence]:
    names = extension_names(extensions)
    return [d for d in parse_source("page.md", text.encode()).divergences if reporting_rule(d, names)]


pages = st.lists(st.tuples(st.sampled_from(PIECES), st.booleans()), min_size=1, max_size=8).map(
    lambda parts: "".join(piece + ("\n\n" if blank else "\n") for piece, blank in parts)
)
sites = st.sampled_from(SITES)
# The same pages on every CI run, so CI never meets a new one by chance; `--hypothesis-profile=long`
# (5,000 pages, random) is how to look for more.
DETERMINISTIC = settings(derandomize=settings().max_examples < 1000)


@DETERMINISTIC
@given(pages, sites)
@example("## 2. Timeline\n| Time (UTC) | Event |\n|---|---|\n| 2026-08-14 09:12 | It began |\n## 3. Impact\n", ())
@example("Some text about it.\n- one\n- two\n", ())
@example("##7. Action items\n- one\n- two\n", ())
@example("<details>\n<summary>More</summary>\n\nHidden.\n\n</details>\n## 5. What went wrong\n- a gap\n", ())
@example("<details>\n<summary>More</summary>\n\nHidden.\n\n</details>\n\n## 5. What went wrong\n", ())
def test_what_is_reported_is_exactly_where_the_structures_differ(page: str, site: tuple[str, ...]) -> None:
    """No finding: both parsers see the same structure. A finding: they do not."""
    ours, mkdocs = readings(page, site)
    assert (ours != mkdocs) == bool(reported(page, site)), page


@DETERMINISTIC
@given(pages, sites)
def test_fix_leaves_nothing_it_could_fix_and_the_same_structure(page: str, site: tuple[str, ...]) -> None:
    checker = Checker(Settings(today=dt.date(2026, 11, 28)), markdown_extensions=site)
    fixed = fix_text(checker, "page.md", page).fixed
    left = reported(fixed, site)
    assert [d for d in left if d.edit is not None] == [], fixed
    if not left:
        ours, mkdocs = readings(fixed, site)
        assert ours == mkdocs, fixed
