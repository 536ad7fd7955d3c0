"""The library pages say what they count: done lists newest first, empty sections that say "none",
counts that link to their rows, and tables in the one pattern (blocks/table.html)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from mkdocs_postmortem.render.pages import without_date
from tests.conftest import fixture_text, run_mkdocs, write_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layout")
    text = fixture_text("valid.md")
    # Item 1 is done with a date; make another done item without one.
    text = text.replace(
        "| CoE Lead | 2026-09-30 | Open |", "| CoE Lead | 2026-09-30 | ✅ Done — merged into the runbook |"
    )
    write_site(
        root, {"postmortems/a.md": text}, options={"exports": ["json", "csv"]}, extra={"theme": {"name": "material"}}
    )
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def main(site: Path, name: str) -> Tag:
    soup = BeautifulSoup((site / "site/postmortems" / name / "index.html").read_text(encoding="utf-8"), "html.parser")
    found = soup.find("article")
    assert isinstance(found, Tag)
    return found


def test_done_items_newest_first_undated_last_and_the_date_said_once(site: Path) -> None:
    done = main(site, "actions-by-due-date").find(id="done")
    assert done is not None
    table = done.find_next("table")
    cells = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.find_all("tr") if tr.find("td")]
    assert [row[0] for row in cells] == ["2026-09-03", "no date given"]
    assert cells[0][3] == "✅ Done" and cells[1][3] == "✅ Done — merged into the runbook"
    assert all("pm-date" in td["class"] for td in table.select("td:first-child"))


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("✅ Done (2026-08-15)", "✅ Done"),
        ("Done on 2026-08-15", "Done"),
        ("Done on 2026-08-15 by Priya", "Done by Priya"),
        ("Done (2026-08-15, PR #12)", "Done (PR #12)"),
        ("Done (PR #12, 2026-08-15)", "Done (PR #12)"),
        ("Done (shipped at 2026-08-15)", "Done (shipped)"),
        ("Done, 2026-08-15, merged", "Done, merged"),
        ("Done — 2026-08-15 — merged", "Done — merged"),
        ("2026-08-15: done", "done"),
        ("✅ Done — merged into the runbook", "✅ Done — merged into the runbook"),
        ("Done on 2026-08-16", "Done on 2026-08-16"),  # another date than the completion column's stays
    ],
)
def test_a_status_loses_its_completion_date_and_what_went_with_it(status: str, shown: str) -> None:
    assert without_date(status, dt.date(2026, 8, 15)) == shown


def test_every_empty_section_says_none(site: Path) -> None:
    review = " ".join(main(site, "quarterly-review").get_text().split())
    assert "Failed post-mortems: none." in review and "Written after the deadline: none." in review
    due = main(site, "actions-by-due-date")
    later = due.find(id="later")
    assert later is not None and later.find_next("p").get_text(strip=True) == "None."


def test_counts_link_to_the_rows_they_count(site: Path) -> None:
    home = main(site, ".")
    links = {a.get_text(strip=True): a["href"] for p in home.find_all("p") for a in p.find_all("a")}
    assert links["1 post-mortem"] == "#postmortem-library" and home.find(id="postmortem-library") is not None
    assert links["1 open action item"] == "actions-by-due-date/"
    review = main(site, "quarterly-review")
    incidents = review.find("a", string="1 incident")
    assert incidents is not None and review.find(id=incidents["href"][1:]).find("table") is not None


def test_tables_lead_each_row_with_its_primary_cell_and_label_the_others(site: Path) -> None:
    table = main(site, ".").find(id="postmortem-library")
    assert table is not None and "postmortem-table" in table["class"]
    row = table.find("tbody").find("tr")
    primary = row.find("td", class_="pm-primary")
    assert primary is not None and primary.a is not None and not primary.has_attr("data-label")
    labels = [td["data-label"] for td in row.find_all("td") if td.has_attr("data-label")]
    assert labels == ["Incident", "Agent", "Severity", "Status", "Open / total items", "Health"]
