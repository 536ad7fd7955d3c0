"""A property of the reading: a page with no divergence has the same structure for this tool's parser
(pulldown-cmark) and for MkDocs' renderer (Python-Markdown), and `--fix` gets every page there."""

from __future__ import annotations

import datetime as dt

import markdown
import pyromark
from bs4 import BeautifulSoup
from hypothesis import example, given
from hypothesis import strategies as st

from mkdocs_postmortem.checker import Checker, Settings, parse_source
from mkdocs_postmortem.fix import fix_text

STRUCTURE = ("ul", "ol", "li", "table", "tr", "h1", "h2", "h3", "pre")  # not `p`: loose items differ, harmlessly

# The pieces post-mortems are made of, each a few lines; pages join them with or without a blank line.
PIECES = [
    "## 2. Timeline",
    "## 3. Impact",
    "#ai-pilot-finance was told",
    "##7. Action items",
    "Some text about it.",
    "Two lines\nof text.",
    "| Time (UTC) | Event |\n|---|---|\n| 2026-08-14 09:12 | It began |",
    "| # | Action | Owner |\n|---|---|---|\n| 1 | Add an alert | Builder |\n| 2 | Update the runbook | CoE Lead |",
    "- one\n- two",
    "- Q: Why? A: Because.\n- Q: Why again?\n  A: Because again.",
    "- outer\n  - inner two spaces",
    "- outer\n    - inner four spaces",
    "- outer\n   - inner three\n      - deeper",
    "1. first\n2. second",
    "- 1. a list in an item",  # (`*` after `-` splits a list for CommonMark only; the items read the same)
    "**Underlying systemic cause:** the monitoring.",
    "<!-- postmortem: disable PM403 reason=\"agreed\" -->",
    "```\ncode | not a table\n## not a heading\n```",
    "> quoted",
]


def structure(html: str) -> list[int]:
    soup = BeautifulSoup(html, "html.parser")
    return [len(soup.find_all(tag)) for tag in STRUCTURE]


def readings(text: str) -> tuple[list[int], list[int]]:
    """(what this tool's parser sees, what MkDocs renders) for a page body."""
    ours = structure(pyromark.html(text, options=pyromark.Options.ENABLE_TABLES))
    mkdocs = structure(markdown.markdown(text, extensions=["toc", "tables", "fenced_code"]))
    return ours, mkdocs


pages = st.lists(st.tuples(st.sampled_from(PIECES), st.booleans()), min_size=1, max_size=8).map(
    lambda parts: "".join(piece + ("\n\n" if blank else "\n") for piece, blank in parts)
)
CHECKER = Checker(Settings(today=dt.date(2026, 11, 28)))


@given(pages)
@example("## 2. Timeline\n| Time (UTC) | Event |\n|---|---|\n| 2026-08-14 09:12 | It began |\n## 3. Impact\n")
@example("Some text about it.\n- one\n- two\n")
@example("##7. Action items\n- one\n- two\n")
def test_no_divergence_means_the_same_structure(page: str) -> None:
    divergences = parse_source("page.md", page.encode()).divergences
    ours, mkdocs = readings(page)
    if not divergences:
        assert ours == mkdocs, page


@given(pages)
def test_fix_leaves_no_divergence_and_the_same_structure(page: str) -> None:
    fixed = fix_text(CHECKER, "page.md", page).fixed
    left = [d for d in parse_source("page.md", fixed.encode()).divergences if d.edit is not None]
    assert left == [], fixed
    if not parse_source("page.md", fixed.encode()).divergences:
        ours, mkdocs = readings(fixed)
        assert ours == mkdocs, fixed
