"""Library rules see every page, whatever the library's size and however many processes check it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from mkdocs_postmortem.checker import Checker, Settings
from mkdocs_postmortem.cli import PARALLEL_FROM
from mkdocs_postmortem.model import Level, PostMortem
from mkdocs_postmortem.rules import RULES, Context, Violation, rule
from mkdocs_postmortem.runner import check_files
from tests.conftest import TODAY, as_agent, fixture_text

PAGES = PARALLEL_FROM + 40


@rule("X901", "owner-load", Level.WARNING, scope="library", reads=("actions",))
def owner_load(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """An owner of this page's open items owns open items on other pages too: how many, library-wide."""
    load = Counter(
        item.owner
        for page in ctx.library.pages.values()
        for item in page.actions or []
        if item.state is not None and item.state.is_open
    )
    for item in pm.actions or []:
        if item.state is not None and item.state.is_open:
            yield Violation(item.line, f"{item.owner} owns {load[item.owner]} open items", "share the load")


def test_a_library_rule_reads_every_page_in_parallel_as_in_one_process(tmp_path: Path) -> None:
    valid = fixture_text("valid.md")
    files = {}
    for n in range(PAGES):
        page = as_agent(valid, f"bot-{n}").replace(
            "2026-09-03", (dt.date(2026, 9, 3) + dt.timedelta(days=n)).isoformat(), 1
        )
        path = tmp_path / f"{n:04}.md"
        path.write_text(page, encoding="utf-8")
        files[path.name] = str(path)
    rules = RULES.extend(owner_load)
    settings = Settings(today=TODAY, rules={"PM107": "off"})

    parallel = check_files(settings, str(tmp_path), files, {}, workers=2, rules=rules)
    single = Checker(settings, tmp_path, rules=rules).check_all(
        {name: Path(path).read_bytes() for name, path in files.items()}
    )

    messages = {f.message for checked in parallel.values() for f in checked.findings if f.rule == "X901"}
    assert messages == {f"Platform Lead owns {PAGES} open items", f"CoE Lead owns {PAGES} open items"}
    assert {name: checked.findings for name, checked in parallel.items()} == {
        name: checked.findings for name, checked in single.items()
    }


def test_the_library_view_keeps_what_enabled_library_rules_read() -> None:
    rules = RULES.extend(owner_load)
    assert "actions" in rules.library_view({}) and "actions" not in rules.library_view({"X901": None})
    assert "actions" not in RULES.library_view({})
