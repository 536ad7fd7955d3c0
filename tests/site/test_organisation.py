"""One library for the whole organisation: folder patterns, teams, mkdocs-monorepo-plugin, and other
sites' exports merged in — from real builds and the command line."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.folders import FolderPattern, looks_like_postmortem, misplaced
from tests.conftest import TODAY, as_agent, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")


def run_cli(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("pattern", "uri", "contains", "team"),
    [
        ("postmortems", "postmortems/a.md", True, None),
        ("postmortems", "postmortems/2026/a.md", True, None),
        ("postmortems", "team-a/postmortems/a.md", False, None),
        ("*/postmortems", "team-a/postmortems/a.md", True, "team-a"),
        ("*/postmortems", "postmortems/a.md", False, None),
        ("*/postmortems", "team-a/postmortems/index.md", False, "team-a"),
        ("**/postmortems", "postmortems/a.md", True, None),
        ("**/postmortems", "org/team-a/postmortems/a.md", True, "org"),
        ("teams/*/incidents", "teams/search/incidents/a.md", True, "search"),
        ("team-[ab]/pm", "team-c/pm/a.md", False, None),
    ],
)
def test_patterns_match_folders_and_name_teams(pattern: str, uri: str, contains: bool, team: str | None) -> None:
    folders = FolderPattern(pattern)
    assert folders.contains(uri) is contains
    assert folders.team(uri) == team


def test_a_pattern_puts_the_library_after_its_last_wildcard() -> None:
    assert FolderPattern("*/postmortems").library_folder == "postmortems"
    assert FolderPattern("teams/*/incidents").library_folder == "incidents"
    assert FolderPattern("docs/postmortems").library_folder == "docs/postmortems"


def test_a_misplaced_library_is_found_by_its_front_matter() -> None:
    assert looks_like_postmortem(VALID)
    assert not looks_like_postmortem("---\ntitle: Notes\n---\nseverity: Sev-1\nincident_date: 2026-01-01\n")
    message = misplaced("postmortems", ["team-a/postmortems/a.md", "team-b/postmortems/b.md"])
    assert message.endswith("set `dir` to where they are (`dir: '*/postmortems'`)")


def monorepo(root: Path, broken: str | None = None, dir_option: str = "*/postmortems") -> Path:
    """An organisation's site with mkdocs-monorepo-plugin: three teams, each with its own mkdocs.yml and
    docs, `!include`d by the nav; the `broken` team's post-mortem has an unknown severity."""
    (root / "docs").mkdir(parents=True)
    (root / "docs/index.md").write_text("# Organisation\n", encoding="utf-8")
    nav: list[object] = [{"Home": "index.md"}]
    for team in ("team-a", "team-b", "team-c"):
        folder = root / team / "docs/postmortems"
        folder.mkdir(parents=True)
        (root / team / "docs/index.md").write_text(f"# {team}\n", encoding="utf-8")
        text = as_agent(VALID, f"{team}-bot")
        if team == broken:
            text = text.replace("severity: Sev-1", "severity: Sev-9", 1)
        (folder / "2026-09-03-incident.md").write_text(text, encoding="utf-8")
        (root / team / "mkdocs.yml").write_text(
            yaml.safe_dump({"site_name": team, "nav": [{"Home": "index.md"}]}), encoding="utf-8"
        )
        nav.append({team.title(): f"!include ./{team}/mkdocs.yml"})
    config = {
        "site_name": "Organisation",
        "theme": {"name": "mkdocs"},
        "nav": nav,
        "plugins": ["search", "monorepo", {"postmortem": {"dir": dir_option, "today": TODAY.isoformat()}}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root


def test_a_monorepo_build_fails_on_a_teams_page_naming_the_file_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = monorepo(tmp_path, broken="team-b")
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 1
    finding = "team-b/docs/postmortems/2026-09-03-incident.md:3: PM103 error: `severity` 'Sev-9' is not a severity"
    assert finding in result.stderr
    assert "docs_" not in result.stderr.split(finding)[0].rsplit("\n", 1)[-1]  # not the plugin's temporary copy
    code, out, _ = run_cli(root, monkeypatch, "check")
    assert code == 1 and out.startswith(finding)
    assert "1 error in 1 of 3 post-mortems" in out


def test_a_monorepo_library_lists_every_team_with_a_filter(tmp_path: Path) -> None:
    root = monorepo(tmp_path)
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    home = BeautifulSoup((root / "site/postmortems/index.html").read_text(encoding="utf-8"), "html.parser")
    rows = home.select("#postmortem-library tbody tr")
    assert sorted(row["data-team"] for row in rows) == ["team-a", "team-b", "team-c"]
    headers = [th.get_text(strip=True) for th in home.select("#postmortem-library thead th")]
    assert headers[:3] == ["Incident", "Team", "Agent"]
    links = [a["href"] for a in home.select(".pm-team-filter a")]
    assert links == ["#postmortem-library", *(f"#postmortem-library--team-{t}" for t in "abc")]
    style = home.find("style", string=lambda text: bool(text) and "data-team" in text)
    assert '#postmortem-library--team-a:target ~ #postmortem-library tbody tr:not([data-team="team-a"])' in style.string
    # each title links to the team's page, where MkDocs published it
    for row in rows:
        href = row.select_one(".pm-primary a")["href"]
        assert (root / "site/postmortems" / href / "index.html").is_file(), href
    exported = json.loads((root / "site/postmortems/postmortems.json").read_text(encoding="utf-8"))
    assert sorted((pm["team"], pm["path"]) for pm in exported["postmortems"]) == [
        (team, f"{team}/docs/postmortems/2026-09-03-incident.md") for team in ("team-a", "team-b", "team-c")
    ]


def test_the_same_incident_in_two_teams_is_one_library_wide_duplicate(tmp_path: Path) -> None:
    pages = {
        "team-a/postmortems/a.md": VALID,
        "team-b/postmortems/b.md": VALID.replace("status: open\n", "status: open\nteam: Search\n", 1),
    }
    write_site(tmp_path, pages, options={"dir": "*/postmortems"})
    result = run_mkdocs("build", cwd=tmp_path)
    assert "docs/team-a/postmortems/a.md:4: PM107 warning: docs/team-b/postmortems/b.md is about the same incident" in (
        result.stderr
    )
    exported = json.loads((tmp_path / "site/postmortems/postmortems.json").read_text(encoding="utf-8"))
    assert sorted(pm["team"] for pm in exported["postmortems"]) == ["Search", "team-a"]  # `team:` wins


def test_a_folder_setting_that_matches_nothing_says_where_the_postmortems_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = monorepo(tmp_path, dir_option="postmortems")
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 1
    expected = (
        "dir: 'postmortems' matches no folder of docs_dir, but 3 pages with post-mortem front matter are elsewhere"
    )
    assert expected in result.stderr and "(`dir: '*/postmortems'`)" in result.stderr
    code, _, err = run_cli(root, monkeypatch, "check", "--strict")
    assert code == 1 and expected in err


# --- other sites' exports merged in ------------------------------------------------------------------


@pytest.fixture
def slow_server() -> Iterator[str]:
    """A URL whose server answers after three seconds: longer than the source's timeout."""

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(3)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/postmortems.json"
    server.shutdown()


def other_sites_export(root: Path) -> dict[str, object]:
    """The export another site published, as an earlier release wrote it (schema 1, without the fields
    added since: team, source, ai, reports, clocks)."""
    write_site(
        root, {"postmortems/p.md": as_agent(VALID, "payments-bot")}, extra={"site_url": "https://pay.example.com/"}
    )
    assert run_mkdocs("build", cwd=root).returncode == 0
    document = json.loads((root / "site/postmortems/postmortems.json").read_text(encoding="utf-8"))
    for record in document["postmortems"]:
        for key in ("team", "source", "ai", "reports", "clocks"):
            record.pop(key)
        for item in record["action_items"]:
            item.pop("ticket", None)
            item.pop("ticket_state", None)
    return document


def test_other_sites_are_merged_each_linking_back_and_an_unreachable_one_is_a_warning(
    tmp_path: Path, slow_server: str
) -> None:
    document = other_sites_export(tmp_path / "payments")
    central = tmp_path / "central"
    sources = [
        {"name": "payments", "file": "payments.json"},
        {"name": "search", "url": slow_server, "timeout": 1},
    ]
    write_site(central, {"postmortems/c.md": VALID}, options={"sources": sources})
    (central / "payments.json").write_text(json.dumps(document), encoding="utf-8")
    started = time.monotonic()
    result = run_mkdocs("build", cwd=central)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    assert (
        f"sources: search ({slow_server}): no answer within 1 s; no earlier copy, so its post-mortems are left out"
        in (result.stderr)
    )
    home = BeautifulSoup((central / "site/postmortems/index.html").read_text(encoding="utf-8"), "html.parser")
    merged = next(
        row
        for row in home.select("#postmortem-library tbody tr")
        if row.select_one('[data-label="Team"]').text == "payments"
    )
    assert merged.select_one(".pm-primary a")["href"] == "https://pay.example.com/postmortems/p/"
    by_owner = (central / "site/postmortems/actions-by-owner/index.html").read_text(encoding="utf-8")
    assert "https://pay.example.com/postmortems/p/#action-3" in by_owner  # its open items, linked to their rows
    exported = json.loads((central / "site/postmortems/postmortems.json").read_text(encoding="utf-8"))
    assert {(pm["source"], pm["team"], pm["url"]) for pm in exported["postmortems"]} == {
        (None, None, "c/"),
        ("payments", "payments", "https://pay.example.com/postmortems/p/"),
    }


def test_a_source_that_fails_keeps_its_last_good_copy(tmp_path: Path) -> None:
    document = other_sites_export(tmp_path / "payments")
    central = tmp_path / "central"
    write_site(
        central, {"postmortems/c.md": VALID}, options={"sources": [{"name": "payments", "file": "payments.json"}]}
    )
    (central / "payments.json").write_text(json.dumps(document), encoding="utf-8")
    assert run_mkdocs("build", cwd=central).returncode == 0
    (central / "payments.json").write_text("<html>502 Bad Gateway</html>", encoding="utf-8")
    result = run_mkdocs("build", cwd=central)
    assert result.returncode == 0, result.stderr
    assert "sources: payments (payments.json): not a postmortems.json export" in result.stderr
    assert "using its copy of" in result.stderr
    exported = json.loads((central / "site/postmortems/postmortems.json").read_text(encoding="utf-8"))
    assert [pm["source"] for pm in exported["postmortems"]].count("payments") == 1


def test_an_export_of_a_newer_schema_is_a_clear_error(tmp_path: Path) -> None:
    document = other_sites_export(tmp_path / "payments")
    document["schema_version"] = 2
    document["renamed"] = document.pop("postmortems")
    central = tmp_path / "central"
    write_site(
        central, {"postmortems/c.md": VALID}, options={"sources": [{"name": "payments", "file": "payments.json"}]}
    )
    (central / "payments.json").write_text(json.dumps(document), encoding="utf-8")
    result = run_mkdocs("build", cwd=central)
    assert result.returncode == 1
    assert (
        "sources: payments (payments.json): its schema_version 2 is newer than this tool reads (1): "
        "upgrade mkdocs-postmortem to merge it"
    ) in result.stderr
    assert "Traceback" not in result.stderr
