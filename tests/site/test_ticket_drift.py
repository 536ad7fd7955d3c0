"""Real `mkdocs build` runs of a site with a ticket state file: the drift rules, the library pages'
Ticket column and drift marks, the exports' ticket columns — and no network touched."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import fixture_text, run_mkdocs, write_site
from tests.site.test_build import finding_lines

VALID = fixture_text("valid.md")
ROW = VALID[: VALID.index("| 1 | Restore")].count("\n") + 1
PAGE = VALID.replace(
    "| Due | Status |\n|---|---|---|---|---|---|", "| Due | Status | Ticket |\n|---|---|---|---|---|---|---|"
)
PAGE = PAGE.replace("| ✅ Done (2026-09-03) |", "| ✅ Done (2026-09-03) | acme/ops#1 |")
PAGE = PAGE.replace("| In progress |", "| In progress | [ENG-2](https://acme.atlassian.net/browse/ENG-2) |")
PAGE = PAGE.replace("| Open |", "| Open | OPS-3 |")
STATES = {
    "version": 1,
    "synced": "2026-09-18",
    "tickets": {
        "acme/ops#1": {"state": "open", "title": "Restore", "url": "https://github.com/acme/ops/issues/1"},
        "ENG-2": {
            "state": "closed",
            "closed_at": "2026-08-01T09:00:00Z",
            "url": "https://acme.atlassian.net/browse/ENG-2",
        },
        "OPS-3": {"state": "missing"},
    },
}


def site(
    tmp_path: Path, states: dict[str, object] | None = STATES, rules: dict[str, str] | None = None, **tickets: object
) -> Path:
    config = write_site(
        tmp_path,
        {"postmortems/a.md": PAGE},
        {"tickets": {"jira_url": "https://acme.atlassian.net", **tickets}, "rules": rules or {}},
        {"site_url": "https://docs.example.com/"},
    )
    if states is not None:
        (tmp_path / "postmortem-tickets.json").write_text(json.dumps(states), encoding="utf-8")
    return config


def test_drift_is_reported_by_the_build(tmp_path: Path) -> None:
    site(tmp_path)
    env_free = run_mkdocs("build", cwd=tmp_path)
    assert env_free.returncode == 0, env_free.stderr
    assert finding_lines(env_free.stderr) == [
        ("docs/postmortems/a.md", ROW, "PM423", "warning"),
        ("docs/postmortems/a.md", ROW + 1, "PM424", "warning"),
        ("docs/postmortems/a.md", ROW + 2, "PM422", "warning"),
    ]
    assert "its ticket ENG-2 was closed on 2026-08-01 (50 days ago)" in env_free.stderr
    strict = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert strict.returncode == 1


def test_the_library_shows_tickets_states_and_drift(tmp_path: Path) -> None:
    site(tmp_path)
    assert run_mkdocs("build", cwd=tmp_path).returncode == 0
    owner = (tmp_path / "site/postmortems/actions-by-owner/index.html").read_text(encoding="utf-8")
    due = (tmp_path / "site/postmortems/actions-by-due-date/index.html").read_text(encoding="utf-8")
    for html in (owner, due):
        assert "<th>Ticket</th>" in html or ">Ticket<" in html
        assert '<a href="https://acme.atlassian.net/browse/ENG-2">ENG-2</a> (closed 2026-08-01)' in html
        assert "⚠ drift" in html and "was closed on 2026-08-01" in html
    assert '<a href="https://github.com/acme/ops/issues/1">acme/ops#1</a> (open)' in due  # a done item: drift too
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "site/postmortems/action-items.csv").read_text(encoding="utf-8")))
    )
    assert [(row["ticket"], row["ticket_state"]) for row in rows] == [
        ("acme/ops#1", "open"),
        ("ENG-2", "closed"),
        ("OPS-3", "missing"),
    ]
    document = json.loads((tmp_path / "site/postmortems/postmortems.json").read_text(encoding="utf-8"))
    items = document["postmortems"][0]["action_items"]
    assert [(i["ticket"], i["ticket_state"]) for i in items] == [
        ("acme/ops#1", "open"),
        ("ENG-2", "closed"),
        ("OPS-3", "missing"),
    ]


def test_levels_and_the_old_state_file(tmp_path: Path) -> None:
    site(tmp_path, {**STATES, "synced": "2026-08-01"}, {"PM423": "error", "ticket-not-found": "off"}, max_age_days=30)
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    assert sorted(finding_lines(result.stderr)) == [
        ("docs/postmortems/a.md", 1, "PM427", "info"),
        ("docs/postmortems/a.md", ROW, "PM423", "error"),
        ("docs/postmortems/a.md", ROW + 1, "PM424", "warning"),
    ]
    assert "the ticket states in postmortem-tickets.json are 50 days old (synced 2026-08-01)" in result.stderr


def test_without_a_state_file_there_is_no_drift_and_check_agrees(tmp_path: Path) -> None:
    site(tmp_path, None)
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site(tmp_path)
    build = finding_lines(run_mkdocs("build", cwd=tmp_path).stderr)
    check = subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortem", "check", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    found = [(f["path"], f["line"], f["rule"], f["level"]) for f in json.loads(check.stdout)]
    assert found == build


def test_a_broken_state_file_stops_the_build_and_says_how_to_fix_it(tmp_path: Path) -> None:
    site(tmp_path, None)
    (tmp_path / "postmortem-tickets.json").write_text('{"version": 1, "synced": "2026-09-18", "tickets": {', "utf-8")
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "postmortem-tickets.json: not JSON (" in result.stderr
    assert "run `mkdocs-postmortem sync`, which reads past it and writes it anew (or delete the file)" in result.stderr
    (tmp_path / "postmortem-tickets.json").unlink()  # the other remedy
    assert run_mkdocs("build", cwd=tmp_path).returncode == 0


def test_tickets_sync_cannot_ask_for_are_reported_by_the_build(tmp_path: Path) -> None:
    """A Jira key without `tickets: jira_url` (sync skips it, with a warning) is PM428 in the build."""
    write_site(tmp_path, {"postmortems/a.md": PAGE.replace("[ENG-2](https://acme.atlassian.net/browse/ENG-2)", "—")})
    (tmp_path / "postmortem-tickets.json").write_text(
        json.dumps({**STATES, "tickets": {"acme/ops#1": STATES["tickets"]["acme/ops#1"]}}),  # type: ignore[index]
        encoding="utf-8",
    )
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ("docs/postmortems/a.md", ROW + 2, "PM428", "info") in finding_lines(result.stderr)
    assert "action item 3's ticket cannot be synced: OPS-3 is a Jira key, but no Jira is configured" in result.stderr
