"""The generated library, read as its readers read it: real builds, a real HTML parser, parsed exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import icalendar
import jsonschema
import pytest
from bs4 import BeautifulSoup, Tag

from mkdocs_postmortem.model import front_matter_schema
from mkdocs_postmortem.render.exports import ExportDocument
from tests.conftest import FIXTURES, as_agent, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
TODAY = "2026-10-01"


def march_postmortem() -> str:
    """The valid page moved to March, about another agent, with an applicable Article 73 line."""
    text = as_agent(VALID, "hr-bot").replace("2026-09-", "2026-03-")
    text = text.replace(
        "title: Cross-tenant retrieval in support replies", "title: Wrong leave policy given to starters"
    )
    text = text.replace("| Priya Raman | 2026-03-03 | ✅ Done (2026-03-03) |", "| priya  RAMAN | 2026-03-03 | Open |")
    text = text.replace(
        "N/A — not a high-risk system, and no harm to health or fundamental rights.",
        "Applicable — a patient died after the agent mis-triaged their message.",
    )
    return text.replace("status: open\n", "status: open\nawareness_date: 2026-03-04\n")


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("library")
    write_site(
        root,
        {"postmortems/2026-09-03-triage.md": VALID, "postmortems/2026-03-03-hr.md": march_postmortem()},
        options={"today": TODAY},
        extra={"site_url": "https://docs.example.org/lib/"},
    )
    before = snapshot(root / "docs")
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    assert snapshot(root / "docs") == before, "the build wrote into docs_dir"
    return root


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / "site" / url.strip("/") / "index.html" if not url.endswith(".html") else site / "site" / url
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def content(soup: BeautifulSoup) -> Tag:
    main = soup.find(attrs={"role": "main"}) or soup.body
    assert isinstance(main, Tag)
    return main


def rows(table: Tag) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all("td")] for tr in table.find_all("tr") if tr.find("td")
    ]


def follow(site: Path, from_url: str, href: str) -> tuple[BeautifulSoup, str]:
    """Open the page a link points to, as a browser would resolve it; returns (page, fragment)."""
    parts = urlsplit(href)
    target = posixpath.normpath(posixpath.join(from_url, unquote(parts.path)))
    return page(site, target + "/"), parts.fragment


def test_library_home_lists_every_postmortem_newest_first(site: Path) -> None:
    main = content(page(site, "postmortems/"))
    assert main.h1 and main.h1.get_text(strip=True) == "Post-mortem library"
    table = main.find("table")
    assert isinstance(table, Tag)
    assert [row[:5] for row in rows(table)] == [
        ["2026-09-03", "support-triage-bot", "Sev-1", "open", "Cross-tenant retrieval in support replies"],
        ["2026-03-03", "hr-bot", "Sev-1", "open", "Wrong leave policy given to starters"],
    ]
    assert [row[5] for row in rows(table)] == ["2 / 3", "3 / 3"]
    text = " ".join(main.get_text().split())  # the counts are links: read the text as a person does
    assert "2 post-mortems: 2 Sev-1; 2 open." in text
    assert "5 open action items, 3 overdue" in text
    svg = main.find("svg")
    assert isinstance(svg, Tag) and svg.title and svg.title.get_text() == "Incidents per month by severity"
    bars = [rect.title.get_text() for rect in svg.find_all("rect", class_="pm-sev-1") if rect.title]
    assert bars == ["2026-03: 1 Sev-1", "2026-09: 1 Sev-1"]


def test_response_time_chart_shows_the_latest_incidents_and_stays_out_of_search(tmp_path: Path) -> None:
    pages = {}
    for n in range(1, 24):  # 23 incidents on 23 days of August, listed in file order oldest first
        text = as_agent(VALID, f"agent-{n:02d}").replace("incident_date: 2026-09-03", f"incident_date: 2026-08-{n:02d}")
        text = text.replace(
            "status: open\n",
            (
                f"status: open\nstarted_at: 2026-08-{n:02d} 10:00\n"
                f"detected_at: 2026-08-{n:02d} 10:{n:02d}\nmitigated_at: 2026-08-{n:02d} 12:00\n"
            ),
        )
        pages[f"postmortems/agent-{n:02d}.md"] = text
    write_site(tmp_path, pages, extra={"plugins": ["search", {"postmortem": {"today": TODAY}}]})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    charts = {svg.title.get_text(): svg for svg in content(page(tmp_path, "postmortems/")).find_all("svg") if svg.title}
    chart = charts["Time to detect and to mitigate per incident, most recent first"]
    labels = [text.get_text() for text in chart.find_all("text", class_="pm-strong")]  # each bar's incident
    assert labels == [f"agent-{n:02d} 2026-08-{n:02d}" for n in range(23, 3, -1)]  # 20 bars, newest first

    index = json.loads((tmp_path / "site/search/search_index.json").read_text(encoding="utf-8"))
    home = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("postmortems/"))
    assert "Time to detect and to mitigate" in home and "h to detect" not in home and "agent-23 2026-08-23" not in home


def test_actions_by_owner_groups_folded_names_and_orders_open_first(site: Path) -> None:
    url = "postmortems/actions-by-owner/"
    main = content(page(site, url))
    owners = [h2.get_text(strip=True) for h2 in main.find_all("h2")]
    assert owners == ["CoE Lead", "Platform Lead", "Priya Raman"]
    priya = main.find_all("h2")[2]
    open_table, done_table = priya.find_next("table"), priya.find_next("table").find_next("table")
    assert rows(open_table) == [
        [
            "2026-03-03 ⚠ 212 days overdue",
            "Restore tenant_id in the pipeline schema and rebuild the index",
            "open",
            "Wrong leave policy given to starters",
            "hr-bot",
        ]
    ]
    assert rows(done_table)[0][:3] == [
        "2026-09-03",
        "Restore tenant_id in the pipeline schema and rebuild the index",
        "✅ Done",  # the completion date has its own column
    ]

    link = open_table.find("a", string="Restore tenant_id in the pipeline schema and rebuild the index")
    target, fragment = follow(site, url, link["href"])
    assert fragment == "action-1"
    row = target.find(id="action-1")
    assert row is not None and row.name == "tr"
    assert "priya RAMAN" in " ".join(row.get_text(" ", strip=True).split())
    assert "Wrong leave policy" in target.get_text()


def test_actions_by_due_date_buckets(site: Path) -> None:
    main = content(page(site, "postmortems/actions-by-due-date/"))
    headings = [h2.get_text(strip=True) for h2 in main.find_all("h2")]
    assert headings == [
        "Overdue (3)",
        "Due in the next 30 days (2)",
        "Due later (0)",
        "No due date (0)",
        "Done or won't do (1)",
    ]
    overdue = rows(main.find_all("h2")[0].find_next("table"))
    assert [(r[0].split()[0], r[2], r[5]) for r in overdue] == [
        ("2026-03-03", "Priya Raman", "hr-bot"),
        ("2026-03-30", "CoE Lead", "hr-bot"),
        ("2026-09-30", "CoE Lead", "support-triage-bot"),
    ]
    assert overdue[2][0] == "2026-09-30 ⚠ 1 day overdue"


def test_agents_page_and_the_card_that_links_to_it(site: Path) -> None:
    agents = content(page(site, "postmortems/agents/"))
    assert [h2.get_text(strip=True) for h2 in agents.find_all("h2")] == [
        "Incidents by AI profile",
        "hr-bot",
        "support-triage-bot",
    ]
    assert agents.find(id="agent-hr-bot") is not None
    url = "postmortems/2026-09-03-triage/"
    card = page(site, url).find(class_="postmortem-card")
    assert card is not None
    text = card.get_text(" ", strip=True)
    assert text.startswith("Sev-1 open Agent: support-triage-bot Incident: 2026-09-03 Written up: 2026-09-09")
    assert "Action items: 2 open of 3 (1 overdue)" in text
    target, fragment = follow(site, url, card.find("a")["href"])
    assert fragment == "agent-support-triage-bot" and target.find(id=fragment) is not None


def test_regulatory_register_highlights_applicable_and_computes_article_73(site: Path) -> None:
    main = content(page(site, "postmortems/regulatory-register/"))
    applicable = rows(main.find(id="register-applicable").find("table"))
    assert [row[0] for row in applicable] == [
        "Cross-tenant retrieval in support replies",
        "Wrong leave policy given to starters",
    ]
    assert applicable[0][2] == "Sector regulations"  # GDPR applies
    assert applicable[1][2] == "EU AI Act Article 73 serious incident reporting, Sector regulations"
    owed = {row[0]: row[2] for row in rows(main.find(id="register-reports").find("table"))}
    # The GDPR report the fixture records, on time; the March death came before Article 73 applied.
    assert owed["Cross-tenant retrieval in support replies"] == (
        "GDPR Article 33 due 2026-09-06 00:00 UTC (72 hours from awareness on 2026-09-03): submitted 2026-09-05 (on time)"
    )
    assert owed["Wrong leave policy given to starters"].endswith(
        "Article 73 applies to incidents from 2026-08-02 (the art73_applies_from option)"
    )
    assert "applies it to incidents from 2026-08-02" in main.get_text(" ")
    assert len(main.find_all(class_="pm-applicable")) == 3


def test_quarterly_review_lists_failed_postmortems(site: Path) -> None:
    main = content(page(site, "postmortems/quarterly-review/"))
    assert [h2.get_text(strip=True) for h2 in main.find_all("h2")] == ["2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1"]
    q1 = main.find_all("h2")[3]
    assert "1 incident (1 Sev-1)" in q1.find_next("p").get_text(" ", strip=True)
    assert "3 opened, 0 closed, 3 of those opened still open" in q1.find_next("p").get_text(" ", strip=True)
    q4 = main.find_all("h2")[0]
    failed_heading = q4.find_next("strong")
    assert failed_heading.get_text(strip=True) == "Failed post-mortems: 3 items open more than six months"
    assert {row[2] for row in rows(failed_heading.find_next("table"))} == {"Priya Raman", "Platform Lead", "CoE Lead"}


def test_quarterly_review_lists_each_failed_item_once_under_the_quarter_it_failed(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/2026-03-03-hr.md": march_postmortem()}, options={"today": "2027-04-02"})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    main = content(page(tmp_path, "postmortems/quarterly-review/"))
    sections = {h2.get_text(strip=True): h2 for h2 in main.find_all("h2")}
    assert list(sections)[:4] == ["2027-Q2", "2027-Q1", "2026-Q4", "2026-Q3"]

    def failed(quarter: str) -> tuple[str, set[str]]:
        """What the quarter says of failed items, and the owners of the items it lists."""
        heading = sections[quarter]
        strong = heading.find_next("strong")
        if strong is None or strong.find_previous("h2") is not heading:
            return "", set()
        sentence = strong.parent.get_text(" ", strip=True)
        table = strong.find_next("table")
        listed = table is not None and table.find_previous("h2") is heading
        return sentence, {row[2] for row in rows(table)} if listed else set()

    owners = {"priya RAMAN", "Platform Lead", "CoE Lead"}
    sentence, listed = failed("2026-Q3")  # written in March: six months passed in September
    assert sentence.startswith("Failed post-mortems: 3 items open more than six months at the quarter's end; 3 of them")
    assert listed == owners
    for quarter in ("2026-Q4", "2027-Q1"):  # still failed, but not listed again
        sentence, listed = failed(quarter)
        assert sentence.endswith("none new in this quarter.") and listed == set()
    sentence, listed = failed("2027-Q2")  # the current quarter: the whole list, the CoE Lead's agenda
    assert sentence == "Failed post-mortems: 3 items open more than six months" and listed == owners
    assert failed("2026-Q2") == ("", set())


def test_exports_are_as_readable_as_the_pages_mkdocs_writes(site: Path) -> None:
    folder = site / "site/postmortems"
    page_mode = (folder / "index.html").stat().st_mode & 0o777
    exports = ["postmortems.json", "action-items.csv", "action-items.ics", "feed.xml", "postmortem.schema.json"]
    assert {name: (folder / name).stat().st_mode & 0o777 for name in exports} == dict.fromkeys(exports, page_mode)
    assert page_mode & 0o044, "a web server running as another user must be able to read the site"


def test_exports(site: Path) -> None:
    folder = site / "site/postmortems"
    document = json.loads((folder / "postmortems.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, ExportDocument.model_json_schema())
    assert document["schema_version"] == 1 and document["generated"] == TODAY
    first = document["postmortems"][0]
    assert first["url"] == "https://docs.example.org/lib/postmortems/2026-09-03-triage/"
    assert [(i["number"], i["status"], i["overdue"], i["completed"]) for i in first["action_items"]] == [
        ("1", "done", False, "2026-09-03"),
        ("2", "in_progress", False, None),
        ("3", "open", True, None),
    ]
    assert first["action_items"][2]["url"].endswith("postmortems/2026-09-03-triage/#action-3")

    table = list(csv.DictReader(io.StringIO((folder / "action-items.csv").read_text(encoding="utf-8-sig"))))
    assert len(table) == 6 and table[0]["agent"] == "support-triage-bot" and table[2]["days_overdue"] == "1"

    calendar = icalendar.Calendar.from_ical((folder / "action-items.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 5  # the open items with a due date
    assert sorted(str(e["dtstart"].dt) for e in events)[0] == "2026-03-03"
    assert all(str(e["uid"]).endswith("@mkdocs-postmortem") for e in events)

    feed = ET.fromstring((folder / "feed.xml").read_text(encoding="utf-8"))
    assert [item.findtext("title") for item in feed.iter("item")] == [
        "Cross-tenant retrieval in support replies",
        "Wrong leave policy given to starters",
    ]
    assert json.loads((folder / "postmortem.schema.json").read_text(encoding="utf-8")) == front_matter_schema()


def test_calendar_uids_are_stable_across_builds(site: Path, tmp_path: Path) -> None:
    first = icalendar.Calendar.from_ical((site / "site/postmortems/action-items.ics").read_bytes())
    assert run_mkdocs("build", "--strict", "-d", str(tmp_path / "again"), cwd=site).returncode == 0
    second = icalendar.Calendar.from_ical((tmp_path / "again/postmortems/action-items.ics").read_bytes())
    assert [str(e["uid"]) for e in first.walk("VEVENT")] == [str(e["uid"]) for e in second.walk("VEVENT")]


HOSTILE_TITLE = '<script>alert("t")</script> | =cmd() "quoted" Zoë Ørsted 🚀 עברית'
HOSTILE_ACTION = '=HYPERLINK("http://x") \\| &lt;img src=x onerror=alert(1)&gt; add runbook note'
HOSTILE_OWNER = "Zoë \\| &lt;b&gt;Ørsted&lt;/b&gt;"


def hostile_postmortem() -> str:
    text = VALID.replace("title: Cross-tenant retrieval in support replies", f"title: '{HOSTILE_TITLE}'")
    text = text.replace("tags: [pii, retrieval]", "tags: ['<script>x</script>', 'a|b']")
    text = text.replace("Add cross-tenant retrieval to the runbook (template 09)", HOSTILE_ACTION)
    text = text.replace("| CoE Lead | 2026-09-30 |", f"| {HOSTILE_OWNER} | 2026-09-30 |")
    return text.replace("Notified 2026-09-04.", "Notified 2026-09-04 &lt;script&gt;alert(2)&lt;/script&gt;.")


def test_hostile_values_are_inert_and_intact_everywhere(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/x.md": hostile_postmortem()}, options={"today": TODAY})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shown_action = '=HYPERLINK("http://x") | <img src=x onerror=alert(1)> add runbook note'
    shown_owner = "Zoë | <b>Ørsted</b>"
    for url in (
        "postmortems/",
        "postmortems/actions-by-owner/",
        "postmortems/actions-by-due-date/",
        "postmortems/agents/",
        "postmortems/regulatory-register/",
        "postmortems/quarterly-review/",
    ):
        soup = page(tmp_path, url)
        main = content(soup)
        assert not main.find("script") and not main.find("img") and not main.find("b"), url
        for table in main.find_all("table"):
            widths = {len(tr.find_all(["td", "th"])) for tr in table.find_all("tr")}
            assert len(widths) == 1, f"a table on {url} lost its shape"
    home = content(page(tmp_path, "postmortems/"))
    assert HOSTILE_TITLE in home.get_text()
    owners = content(page(tmp_path, "postmortems/actions-by-owner/"))
    assert shown_owner in [h2.get_text(strip=True) for h2 in owners.find_all("h2")]
    assert shown_action in owners.get_text()
    register = content(page(tmp_path, "postmortems/regulatory-register/"))
    assert "Notified 2026-09-04 <script>alert(2)</script>." in register.get_text()

    folder = tmp_path / "site/postmortems"
    document = json.loads((folder / "postmortems.json").read_text(encoding="utf-8"))
    assert document["postmortems"][0]["title"] == HOSTILE_TITLE
    assert document["postmortems"][0]["action_items"][2]["action"] == shown_action
    table = list(csv.reader(io.StringIO((folder / "action-items.csv").read_text(encoding="utf-8-sig"))))
    action_cells = [row[5] for row in table[1:]]
    assert "'" + shown_action in action_cells  # not a formula
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in table[1:] for cell in row)
    events = icalendar.Calendar.from_ical((folder / "action-items.ics").read_bytes()).walk("VEVENT")
    assert f"{shown_action} ({shown_owner})" in [str(e["summary"]) for e in events]
    feed = ET.fromstring((folder / "feed.xml").read_text(encoding="utf-8"))
    assert feed.find("channel/item/title").text == HOSTILE_TITLE
    assert [c.text for c in feed.iter("category")][-2:] == ["<script>x</script>", "a|b"]


def test_a_broken_postmortem_stays_in_the_library_marked(tmp_path: Path) -> None:
    broken = as_agent(VALID, "b-bot").replace("| Alicia Gomez | 2026-09-10 |", "| Alicia Gomez | 2026-09-08 |")
    write_site(
        tmp_path,
        {"postmortems/a.md": VALID, "postmortems/b.md": broken, "postmortems/c.md": "no front matter\n"},
        options={"today": TODAY, "rules": {"PM101": "warning", "PM201": "warning"}},
    )
    assert run_mkdocs("build", cwd=tmp_path).returncode == 0
    table = content(page(tmp_path, "postmortems/")).find("table")
    assert [(row[1], row[4], row[6]) for row in rows(table)] == [
        ("b-bot", "Cross-tenant retrieval in support replies", "⚠ 1 warning"),
        ("support-triage-bot", "Cross-tenant retrieval in support replies", "✓"),
        ("", "c.md", "⚠ invalid front matter"),
    ]


def test_user_index_keeps_its_text_and_can_take_the_table(tmp_path: Path) -> None:
    index = "# Our incidents\n\nWritten by hand.\n\n<!-- postmortem:library -->\n"
    write_site(tmp_path, {"postmortems/index.md": index, "postmortems/a.md": VALID}, options={"today": TODAY})
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    main = content(page(tmp_path, "postmortems/"))
    assert main.h1.get_text(strip=True) == "Our incidents" and "Written by hand." in main.get_text()
    assert rows(main.find("table"))[0][4] == "Cross-tenant retrieval in support replies"


def test_templates_can_be_overridden(tmp_path: Path) -> None:
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides/agents.md").write_text(
        "# {{ title }}\n\nOur own agents page: {{ library.entries | length }}.\n", encoding="utf-8"
    )
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"today": TODAY, "overrides": "overrides"})
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    assert "Our own agents page: 1." in content(page(tmp_path, "postmortems/agents/")).get_text()


def test_the_old_templates_option_still_works_and_says_its_new_name(tmp_path: Path) -> None:
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides/agents.md").write_text("# {{ title }}\n\nOld option, same page.\n", encoding="utf-8")
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"today": TODAY, "templates": "overrides"})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WARNING -  postmortem: the option `templates` is now `overrides`" in result.stderr
    assert "Old option, same page." in content(page(tmp_path, "postmortems/agents/")).get_text()
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 1  # a deprecation is a warning


def navbar_links(site: Path) -> list[tuple[str, str]]:
    """(text, "top" or "section") of each link in the mkdocs theme's navbar on the home page."""
    navbar = page(site, "").find(class_="navbar").find(class_="navbar-nav")
    return [
        (a.get_text(strip=True), "section" if a.find_parent(class_="dropdown-menu") else "top")
        for a in navbar.find_all("a")
        if "dropdown-toggle" not in a.get("class", [])
    ]


def test_library_home_joins_a_hand_written_nav_and_all_pages_when_asked(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"today": TODAY}, extra={"nav": ["index.md"]})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert navbar_links(tmp_path) == [("Home", "top"), ("Post-mortem library", "top")]
    write_site(
        tmp_path,
        {"postmortems/a.md": VALID},
        options={"today": TODAY, "nav_library_pages": True},
        extra={"nav": ["index.md"]},
    )
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    links = navbar_links(tmp_path)
    assert links[0] == ("Home", "top") and ("Action items by owner", "section") in links and len(links) == 7


def test_automatic_nav_has_the_library_home_not_each_post_mortem_unless_asked(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"today": TODAY})
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    assert navbar_links(tmp_path) == [("Home", "top"), ("Post-mortem library", "top")]  # not a section of one
    write_site(
        tmp_path,
        {"postmortems/a.md": VALID},
        options={"today": TODAY, "nav_postmortems": True, "nav_library_pages": True},
    )
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    links = dict(navbar_links(tmp_path))
    assert links["Cross-tenant retrieval in support replies"] == "section" and links["Quarterly review"] == "section"


def test_each_library_page_links_to_the_others(site: Path) -> None:
    names = ["", "actions-by-owner/", "actions-by-due-date/", "agents/", "regulatory-register/", "quarterly-review/"]
    titles = [
        "Post-mortem library",
        "Action items by owner",
        "Action items by due date",
        "Agents",
        "Regulatory register",
        "Quarterly review",
    ]
    for name in names:
        menu = content(page(site, f"postmortems/{name}")).find("p")  # the paragraph under the title
        links = {a.get_text(strip=True): a["href"] for a in menu.find_all("a")}
        assert len(links) == 5 and menu.find("strong") is not None, name
        assert menu.get_text(" ", strip=True).split(" · ") == titles, name  # a paragraph of its own
        for href in links.values():
            target = posixpath.normpath(posixpath.join(f"postmortems/{name}", href))
            assert (site / "site" / target / "index.html").is_file(), (name, href)


# The setting the README documents for mkdocs-rss-plugin, which assumes every page has a source file.
RSS_MATCH_PATH = (
    r"(?!postmortems/(index|actions-by-owner|actions-by-due-date|agents|regulatory-register|quarterly-review)\.md$).*"
)


def test_material_theme_and_rss_plugin_side_by_side(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {"postmortems/a.md": VALID},
        options={"today": TODAY},
        extra={
            "theme": {"name": "material", "palette": [{"scheme": "default"}, {"scheme": "slate"}]},
            "site_url": "https://docs.example.org/",
            "plugins": [
                "search",
                {"rss": {"use_git": False, "match_path": RSS_MATCH_PATH}},
                {"postmortem": {"today": TODAY}},
            ],
        },
    )
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/feed_rss_created.xml").exists()
    card = page(tmp_path, "postmortems/a/").find(class_="postmortem-card")
    assert card is not None and "Sev-1" in card.get_text()
    assert (tmp_path / "site/assets/postmortem/postmortem.css").exists()


def test_people_file_merges_aliases_and_flags_strangers(tmp_path: Path) -> None:
    text = VALID.replace("| Priya Raman |", "| P. Raman |").replace(
        "| CoE Lead | 2026-09-30 |", "| Somebody New | 2026-09-30 |"
    )
    (tmp_path / "owners.yml").write_text((FIXTURES / "owners.yml").read_text(encoding="utf-8"), encoding="utf-8")
    write_site(tmp_path, {"postmortems/a.md": text}, options={"today": TODAY, "owners": "owners.yml"})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 0
    assert "PM411 warning: action item 3 owner 'Somebody New' is not in the people file" in result.stderr
    owners = [h2.get_text(strip=True) for h2 in content(page(tmp_path, "postmortems/actions-by-owner/")).find_all("h2")]
    assert owners == ["Platform Lead", "Priya Raman", "Somebody New"]
    write_site(tmp_path, {"postmortems/a.md": text}, options={"today": TODAY, "owners": "missing.yml"})
    missing = run_mkdocs("build", cwd=tmp_path)
    assert missing.returncode == 1 and "owners: " in missing.stderr and "missing.yml does not exist" in missing.stderr


def test_theme_custom_dir_overrides_templates(tmp_path: Path) -> None:
    (tmp_path / "custom/postmortem").mkdir(parents=True)
    (tmp_path / "custom/postmortem/quarterly-review.md").write_text(
        "# {{ title }}\n\nReviewed by the board.\n", encoding="utf-8"
    )
    write_site(
        tmp_path,
        {"postmortems/a.md": VALID},
        options={"today": TODAY},
        extra={"theme": {"name": "mkdocs", "custom_dir": "custom"}},
    )
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    assert "Reviewed by the board." in content(page(tmp_path, "postmortems/quarterly-review/")).get_text()
