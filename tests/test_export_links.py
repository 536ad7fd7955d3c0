"""Every link of every export resolves in the built site, with and without `site_url`; without it the
feed and the calendar write no relative item links, and their ids do not change when it is set; the
feed names authors as RSS 2.0 allows and the CSV opens in a spreadsheet with its characters intact."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import icalendar
import pytest
from bs4 import BeautifulSoup

from tests.conftest import fixture_text, run_mkdocs, write_site

SITE_URL = "https://docs.example.org/lib/"
DC = "{http://purl.org/dc/elements/1.1/}"
ACTION = "Filter retrieval results by tenant — at query time ✅"


def export_links(folder: Path) -> dict[str, list[str]]:
    """Each export's file name → the links it holds."""
    document = json.loads((folder / "postmortems.json").read_text(encoding="utf-8"))
    json_links = [pm["url"] for pm in document["postmortems"]]
    json_links += [item["url"] for pm in document["postmortems"] for item in pm["action_items"]]
    rows = list(csv.DictReader(io.StringIO((folder / "action-items.csv").read_text(encoding="utf-8-sig"))))
    calendar = icalendar.Calendar.from_ical((folder / "action-items.ics").read_bytes())
    channel = ET.parse(folder / "feed.xml").getroot().find("channel")
    assert channel is not None
    feed = [link.text or "" for link in channel.iter("link")]
    return {
        "postmortems.json": json_links,
        "action-items.csv": [row[key] for row in rows for key in ("postmortem_url", "url")],
        "action-items.ics": [str(event["url"]) for event in calendar.walk("VEVENT") if "url" in event],
        "feed.xml": feed,
    }


def export_ids(folder: Path) -> tuple[list[str], list[str]]:
    """The feed's guids and the calendar's UIDs, by which readers and calendars know an item again."""
    channel = ET.parse(folder / "feed.xml").getroot().find("channel")
    assert channel is not None
    calendar = icalendar.Calendar.from_ical((folder / "action-items.ics").read_bytes())
    return [item.findtext("guid") or "" for item in channel.iter("item")], [
        str(event["uid"]) for event in calendar.walk("VEVENT")
    ]


def resolves(site: Path, base: str, link: str) -> bool:
    """Whether `link`, read in the export at site URL `base` as a browser or feed reader reads it, names
    a page of the built site (and an element of it, for a fragment)."""
    parts = urlsplit(urljoin(base, link))
    if not parts.path.startswith("/lib/"):
        return False
    path = site / unquote(parts.path.removeprefix("/lib/"))
    page = path / "index.html" if parts.path.endswith("/") else path
    if not page.is_file():
        return False
    return (
        not parts.fragment
        or BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(id=parts.fragment) is not None
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    built = {}
    for name, extra in (
        ("relative", {}),
        ("absolute", {"site_url": SITE_URL}),
        ("files", {"use_directory_urls": False}),
        ("files-absolute", {"use_directory_urls": False, "site_url": SITE_URL}),
    ):
        root = tmp_path_factory.mktemp(name)
        valid = fixture_text("valid.md").replace("Filter retrieval results by tenant at query time", ACTION)
        hr = valid.replace("agent: support-triage-bot", "agent: hr-bot")
        write_site(root, {"postmortems/a b.md": valid, "postmortems/sub/b.md": hr}, extra=extra)
        result = run_mkdocs("build", cwd=root)
        assert result.returncode == 0, result.stderr
        built[name] = root
    return built


@pytest.mark.parametrize("name", ["relative", "absolute", "files", "files-absolute"])
def test_every_export_link_resolves_in_the_built_site(sites: dict[str, Path], name: str) -> None:
    site = sites[name] / "site"
    links = export_links(site / "postmortems")
    assert sum(map(len, links.values())) > 10
    if "absolute" in name:  # the channel's and one per post-mortem in the feed, one per open item in the calendar
        assert len(links["feed.xml"]) == 3 and len(links["action-items.ics"]) == 4
    else:  # RSS links and an iCalendar URL must be absolute: without site_url only the channel's (required) is written
        assert links["feed.xml"] == ["./"] and links["action-items.ics"] == []
    for export, found in links.items():
        for link in found:
            if "absolute" in name:
                assert link.startswith(SITE_URL), (export, link)
            else:
                assert "://" not in link and not link.startswith("/"), (export, link)
            assert resolves(site, f"{SITE_URL}postmortems/{export}", link), f"{export}: {link} does not resolve"


def test_feed_and_calendar_ids_do_not_change_when_site_url_is_set(sites: dict[str, Path]) -> None:
    ids = {name: export_ids(sites[name] / "site/postmortems") for name in sites}
    guids, uids = ids["relative"]
    assert len(guids) == 2 and len(uids) == 4 and len(set(uids)) == 4
    assert all(found == ids["relative"] for found in ids.values()), "a reader would show every item twice"
    root = ET.parse(sites["relative"] / "site/postmortems/feed.xml").getroot()
    assert {guid.get("isPermaLink") for guid in root.iter("guid")} == {"false"}


def test_without_site_url_the_build_warns_once_naming_the_feed_and_the_calendar(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": fixture_text("valid.md")})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "site_url is not set" in line]
    assert len(warnings) == 1 and warnings[0].startswith("INFO")
    assert "ics and rss exports" in warnings[0] and "set site_url in mkdocs.yml" in warnings[0]
    write_site(tmp_path, {"postmortems/a.md": fixture_text("valid.md")}, options={"exports": ["json", "csv"]})
    assert "site_url is not set" not in run_mkdocs("build", "--strict", cwd=tmp_path).stderr
    write_site(tmp_path, {"postmortems/a.md": fixture_text("valid.md")}, extra={"site_url": SITE_URL})
    assert "site_url is not set" not in run_mkdocs("build", "--strict", cwd=tmp_path).stderr


def test_feed_names_authors_with_dublin_core(sites: dict[str, Path]) -> None:
    root = ET.parse(sites["absolute"] / "site/postmortems/feed.xml").getroot()
    items = list(root.iter("item"))
    assert items and all(item.find("author") is None for item in items)
    assert [item.findtext(f"{DC}creator") for item in items] == ["Morteza Moradi", "Morteza Moradi"]


def test_csv_opens_in_a_spreadsheet_as_utf8(sites: dict[str, Path]) -> None:
    raw = (sites["relative"] / "site/postmortems/action-items.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfagent,")  # the byte-order mark by which Excel reads the file as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert ACTION in [row["action"] for row in rows]
