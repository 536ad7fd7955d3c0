"""Rendering helpers: escaping for Markdown, relative URLs, anchoring the action rows of a page."""

from __future__ import annotations

import html as html_lib

import markdown
import pytest

from mkdocs_postmortem.render import md_escape
from mkdocs_postmortem.render.pages import anchor_action_rows, relative_url
from mkdocs_postmortem.template import default_template


@pytest.mark.parametrize(
    "value",
    [
        "a | b",
        "<script>alert(1)</script>",
        "**bold** _it_ `code` [x](javascript:y)",
        "=cmd()",
        "Zoë 🚀 עברית",
        "# not a heading",
    ],
)
def test_md_escape_shows_the_text_exactly(value: str) -> None:
    html = markdown.markdown(f"| h |\n|---|\n| {md_escape(value)} |", extensions=["tables"])
    assert "<script" not in html and "<strong>" not in html and "<a " not in html
    assert html.count("<td>") == 1
    cell = html.split("<td>")[1].split("</td>")[0]
    assert html_lib.unescape(cell) == value


@pytest.mark.parametrize(
    ("target", "base", "expected"),
    [
        ("postmortems/a/", "postmortems/actions-by-owner/", "../a/"),
        ("postmortems/a.html", "postmortems/actions-by-owner.html", "a.html"),
        ("postmortems/agents/", "postmortems/", "agents/"),
        ("postmortems/a/", "", "postmortems/a/"),
        ("postmortems/", "postmortems/", "./"),
    ],
)
def test_relative_url(target: str, base: str, expected: str) -> None:
    assert relative_url(target, base) == expected


def test_action_rows_get_anchors_after_their_heading_with_or_without_permalinks() -> None:
    page = markdown.markdown(
        "## 2. Timeline\n\n| a | b |\n|---|---|\n| x | y |\n\n"
        "## 7. Action items\n\n| # | Action |\n|---|---|\n| 1 | First |\n|  |  |\n| 2 | Second |\n",
        extensions=["tables", "toc"],
        extension_configs={"toc": {"permalink": True}},
    )
    anchored = anchor_action_rows(page, ["action-1", "action-2"], default_template())
    assert '<tr id="action-1" class="pm-action">' in anchored and '<tr id="action-2" class="pm-action">' in anchored
    timeline = anchored.split("Action items")[0]
    assert "pm-action" not in timeline
    assert anchored.count("<tr>") == page.count("<tr>") - 2  # the empty row keeps no anchor
