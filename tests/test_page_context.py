"""The library templates' context is one documented class, `PageContext`: every name the templates
used before it is still there, each with a docstring, and a site's override can use every one."""

from __future__ import annotations

import inspect
from pathlib import Path

from mkdocs_postmortem.checker import Checker, Settings
from mkdocs_postmortem.library import Entry, Library
from mkdocs_postmortem.render.pages import LIBRARY_PAGES, TEMPLATE_VARIABLES, PageContext, Renderer
from tests.conftest import TODAY, fixture_text

# The names library templates could use before `PageContext`: none may go.
NAMES = {
    "library",
    "today",
    "recent_days",
    "recent_only",
    "actions_table",
    "entries_table",
    "link",
    "page_link",
    "library_pages",
    "agent_anchor",
    "anchor_span",
    "duration",
    "register_cells",
    "register_lines",
    "plural",
    "chart_incidents",
    "chart_burndown",
    "chart_durations",
    "title",
    "current",
}

EVERY_NAME = """# {{ title }} ({{ current }}, {{ library_pages | length }} pages, as of {{ today }})

{{ plural(library.entries | length, "post-mortem") }}; {{ plural(2, "info", "info") }}; {{ recent_days }} days.
{% set rows = library.register() %}
{{ entries_table(rows | map(attribute="entry") | list, ["postmortem", "applicable", "art73"], register_cells(rows)) }}
{{ entries_table(rows | map(attribute="entry") | list, ["eu_ai_act", "sector", "internal_audit"], register_lines(rows)) }}
{{ actions_table(recent_only(library.actions), ["completed", "action", "owner"]) }}
{% for view in library.agents() %}
## {{ anchor_span(agent_anchor(view.agent)) }}{{ view.agent }}: {{ duration(view.median_detect) }}
{% endfor %}
{{ link(library.entries[0]) }} · {{ page_link("agents.md", "Agents", "agent-x") }}
{{ chart_incidents() }}{{ chart_burndown() }}{{ chart_durations() }}
"""


def test_every_name_templates_used_is_still_there_and_documented() -> None:
    assert set(TEMPLATE_VARIABLES) >= NAMES
    assert inspect.getdoc(PageContext) and "contract" in (PageContext.__doc__ or "")
    for name in TEMPLATE_VARIABLES:
        member = inspect.getattr_static(PageContext, name)
        function = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
        assert inspect.getdoc(function), f"PageContext.{name} has no docstring"


def test_an_override_can_use_every_name(tmp_path: Path) -> None:
    (tmp_path / "agents.md").write_text(EVERY_NAME, encoding="utf-8")
    result = Checker(Settings(today=TODAY)).check("docs/postmortems/a.md", fixture_text("valid.md").encode())
    entry = Entry(result.postmortem, result.findings, "postmortems/a.md", "postmortems/a/")
    renderer = Renderer(Library([entry], today=TODAY), "postmortems", {"agents.md": "postmortems/agents/"}, [tmp_path])
    page = next(p for p in LIBRARY_PAGES if p.name == "agents.md")
    rendered = renderer.page(page, "postmortems/agents/")
    text = rendered.markdown
    assert text.startswith("# Agents (agents.md, 6 pages, as of 2026-09-20)")
    assert "1 post-mortem; 2 info; 90 days." in text
    assert '<span id="agent-support-triage-bot"></span>support-triage-bot: ' in text
    assert "[Cross-tenant retrieval in support replies](a.md) · [Agents](agents.md#agent-x)" in text
    assert len(rendered.blocks) == 5  # three tables and two charts (the page's one has no response timestamps)
    html = rendered.fill("".join(f"<!-- postmortem-block-{n} -->" for n in rendered.blocks))
    # three tables, and two charts: each a wide and a narrow drawing and its data as a table
    assert html.count('<div class="postmortem-table') == 3 and html.count("<svg") == 4 and html.count("<figure") == 2
