"""`mkdocs-postmortem sync` against local HTTP servers standing in for GitHub, GitLab and Jira, with
answers shaped like the real APIs': states, conditional requests, 401, 404, rate limits, a slow server,
malformed JSON, bounded concurrency; the state file written atomically and only when something changed."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from pytest_httpserver.httpserver import HandlerType
from werkzeug import Request, Response

from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.tickets import Ticket, TicketOptions
from mkdocs_postmortem.trackers.base import Limits
from mkdocs_postmortem.trackers.state import Assignee, StateFile, TicketState
from mkdocs_postmortem.trackers.sync import Wanted, sync
from tests.conftest import fixture_text, write_site

FAST = Limits(timeout=2.0, max_wait=5.0, concurrency=4)


def github_issue(number: int, state: str = "open", **more: object) -> dict[str, object]:
    """An issue as `GET /repos/{owner}/{repo}/issues/{number}` returns it (the fields read, and some others)."""
    return {
        "id": 1000 + number,
        "number": number,
        "state": state,
        "state_reason": "completed" if state == "closed" else None,
        "title": f"Issue {number}",
        "html_url": f"https://github.com/acme/ops/issues/{number}",
        "user": {"login": "reporter", "id": 1},
        "assignee": None,
        "assignees": [],
        "labels": [{"name": "postmortem"}],
        "closed_at": "2026-09-01T10:15:00Z" if state == "closed" else None,
        "created_at": "2026-08-20T09:00:00Z",
        "body": "…",
        **more,
    }


def jira_issue(key: str, category: str, assignee: dict[str, object] | None = None) -> dict[str, object]:
    """An issue as `GET /rest/api/2/issue/{key}?fields=status,assignee,summary,resolutiondate` returns it."""
    return {
        "id": "10001",
        "key": key,
        "self": f"https://acme.atlassian.net/rest/api/2/issue/{key}",
        "fields": {
            "summary": "Rotate the keys",
            "status": {
                "name": "Closed" if category == "done" else "In Progress",
                "statusCategory": {"id": 3, "key": category},
            },
            "assignee": assignee,
            "resolutiondate": "2026-09-02T08:30:00.000+0000" if category == "done" else None,
        },
    }


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with HTTPServer(threaded=True) as http:
        yield http


def base(server: HTTPServer, path: str = "") -> str:
    return server.url_for(path).rstrip("/")


def options(server: HTTPServer) -> TicketOptions:
    return TicketOptions(gitlab_url=base(server, "/gl"), jira_url=base(server, "/jira"))


def github_env(server: HTTPServer, token: str | None = "ghs_test") -> dict[str, str]:
    return {"GITHUB_API_URL": base(server, "/api"), **({"GITHUB_TOKEN": token} if token else {})}


def wanted(*tickets: Ticket) -> list[Wanted]:
    return [Wanted(ticket, f"docs/postmortems/a.md:{57 + i}") for i, ticket in enumerate(tickets)]


GH1, GH2, PR3 = Ticket("github", "acme/ops", 1), Ticket("github", "acme/ops", 2), Ticket("github", "acme/ops", 3)


def test_github_states(server: HTTPServer) -> None:
    auth = {"Authorization": "Bearer ghs_test", "Accept": "application/vnd.github+json"}
    server.expect_request("/api/repos/acme/ops/issues/1", headers=auth).respond_with_json(
        github_issue(1, assignee={"login": "priya-r"}, assignees=[{"login": "priya-r"}, {"login": "bob"}]),
        headers={"ETag": 'W/"e1"'},
    )
    server.expect_request("/api/repos/acme/ops/issues/2", headers=auth).respond_with_json(github_issue(2, "closed"))
    server.expect_request("/api/repos/acme/ops/issues/3", headers=auth).respond_with_json(
        github_issue(3, "closed", pull_request={"url": "…", "merged_at": "2026-09-01T10:15:00Z"})
    )
    result = sync(wanted(GH1, GH2, PR3), None, options(server), github_env(server), FAST)
    assert result.errors == []
    one, two, three = (result.states[key] for key in ("acme/ops#1", "acme/ops#2", "acme/ops#3"))
    assert (one.state, one.assignees, one.etag, one.title) == (
        "open",
        (Assignee(login="priya-r"), Assignee(login="bob")),
        'W/"e1"',
        "Issue 1",
    )
    assert (two.state, two.closed_at and two.closed_at.isoformat(), two.kind) == (
        "closed",
        "2026-09-01T10:15:00+00:00",
        "issue",
    )
    assert (three.kind, three.url) == ("pull_request", "https://github.com/acme/ops/issues/3")


def test_conditional_requests_keep_the_known_state(server: HTTPServer) -> None:
    known = TicketState(state="open", title="Issue 1", etag='W/"e1"')
    server.expect_request("/api/repos/acme/ops/issues/1", headers={"If-None-Match": 'W/"e1"'}).respond_with_data(
        "", status=304
    )
    previous = StateFile(synced="2026-09-01", tickets={"acme/ops#1": known})  # type: ignore[arg-type]
    result = sync(wanted(GH1), previous, options(server), github_env(server), FAST)
    assert result.errors == [] and result.states == {"acme/ops#1": known}


def test_gitlab_states(server: HTTPServer) -> None:
    issue = {
        "iid": 3,
        "project_id": 7,
        "state": "closed",
        "title": "Filter by tenant",
        "closed_at": "2026-09-03T12:00:00.000Z",
        "assignee": {"username": "praman", "name": "Priya Raman"},
        "assignees": [{"username": "praman", "name": "Priya Raman"}],
        "web_url": "https://gitlab.example.org/grp/sub/proj/-/issues/3",
    }
    server.expect_request(
        "/gl/api/v4/projects/grp/sub/proj/issues/3", headers={"PRIVATE-TOKEN": "glpat"}
    ).respond_with_json(issue)
    server.expect_request("/gl/api/v4/projects/grp/sub/proj/issues/4").respond_with_json(
        {**issue, "iid": 4, "state": "opened", "closed_at": None, "assignee": None, "assignees": []}
    )
    tickets = Ticket("gitlab", "grp/sub/proj", 3), Ticket("gitlab", "grp/sub/proj", 4)
    result = sync(wanted(*tickets), None, options(server), {"GITLAB_TOKEN": "glpat"}, FAST)
    assert result.errors == []
    closed, opened = result.states["gitlab:grp/sub/proj#3"], result.states["gitlab:grp/sub/proj#4"]
    assert (closed.state, closed.assignees, closed.url) == (
        "closed",
        (Assignee(login="praman", name="Priya Raman"),),
        "https://gitlab.example.org/grp/sub/proj/-/issues/3",
    )
    assert (opened.state, opened.closed_at, opened.assignees) == ("open", None, ())
    paths = [request.full_path for request, _ in server.log]
    assert all("%2F" in path or "/grp/sub/proj/" in path for path in paths)  # the project path is URL-encoded


def test_jira_cloud_and_data_center(server: HTTPServer) -> None:
    fields = {"fields": "status,assignee,summary,resolutiondate"}
    server.expect_request(
        "/jira/rest/api/2/issue/OPS-1", query_string=fields, headers={"Authorization": "Basic YUBiLmM6dG9r"}
    ).respond_with_json(jira_issue("OPS-1", "done", {"accountId": "5b10", "displayName": "Priya Raman"}))
    server.expect_request("/jira/rest/api/2/issue/OPS-2", query_string=fields).respond_with_json(
        jira_issue("OPS-2", "indeterminate", {"name": "plead", "displayName": "Platform Lead"})
    )
    tickets = Ticket("jira", "OPS", 1), Ticket("jira", "OPS", 2)
    result = sync(wanted(*tickets), None, options(server), {"JIRA_EMAIL": "a@b.c", "JIRA_API_TOKEN": "tok"}, FAST)
    assert result.errors == []
    done, doing = result.states["OPS-1"], result.states["OPS-2"]
    assert (done.state, done.closed_at and done.closed_at.isoformat(), done.assignees[0]) == (
        "closed",
        "2026-09-02T08:30:00+00:00",
        Assignee(login="5b10", name="Priya Raman"),
    )
    assert (doing.state, doing.assignees[0].login, doing.url) == (
        "open",
        "plead",
        f"{base(server, '/jira')}/browse/OPS-2",
    )
    server.clear()
    server.expect_request("/jira/rest/api/2/issue/OPS-2", headers={"Authorization": "Bearer pat"}).respond_with_json(
        jira_issue("OPS-2", "new")
    )
    assert sync(wanted(tickets[1]), None, options(server), {"JIRA_BEARER_TOKEN": "pat"}, FAST).errors == []


def test_a_ticket_that_does_not_exist_is_a_state_not_a_crash(server: HTTPServer) -> None:
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json({"message": "Not Found"}, status=404)
    result = sync(wanted(GH1), None, options(server), github_env(server), FAST)
    assert result.errors == []
    assert result.states["acme/ops#1"] == TicketState(state="missing", url="https://github.com/acme/ops/issues/1")


def test_unauthorised_names_the_tracker_the_ticket_and_the_token(server: HTTPServer) -> None:
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json({"message": "Bad credentials"}, status=401)
    result = sync(wanted(GH1), None, options(server), github_env(server, "bad"), FAST)
    assert result.states == {}
    assert result.errors == [
        "GitHub: acme/ops#1: 401 Unauthorized — set GITHUB_TOKEN to a token that can read the repository's issues "
        "(fine-grained: Issues and Pull requests read, write to file tickets; classic: `repo` for private repositories)"
        " (referenced at docs/postmortems/a.md:57)"
    ]


def test_forbidden_without_rate_limit_headers_is_an_auth_failure(server: HTTPServer) -> None:
    server.expect_request("/jira/rest/api/2/issue/OPS-1").respond_with_data("", status=403)
    result = sync(wanted(Ticket("jira", "OPS", 1)), None, options(server), {}, FAST)
    assert len(result.errors) == 1 and result.errors[0].startswith("Jira: OPS-1: 403 Forbidden — set JIRA_EMAIL")


def test_a_rate_limit_is_waited_out_within_the_bound(server: HTTPServer) -> None:
    reset = str(int(time.time()) + 1)
    server.expect_request("/api/repos/acme/ops/issues/1", handler_type=HandlerType.ONESHOT).respond_with_json(
        {"message": "API rate limit exceeded"},
        status=403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
    )
    server.expect_request("/api/repos/acme/ops/issues/2", handler_type=HandlerType.ONESHOT).respond_with_data(
        "", status=429, headers={"Retry-After": "1"}
    )
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json(github_issue(1))
    server.expect_request("/api/repos/acme/ops/issues/2").respond_with_json(github_issue(2))
    started = time.monotonic()
    result = sync(wanted(GH1, GH2), None, options(server), github_env(server), FAST)
    assert result.errors == [] and set(result.states) == {"acme/ops#1", "acme/ops#2"}
    assert time.monotonic() - started >= 0.9


def test_a_rate_limit_beyond_the_bound_is_reported(server: HTTPServer) -> None:
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json(
        {"message": "API rate limit exceeded"},
        status=403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 3600)},
    )
    server.expect_request("/gl/api/v4/projects/g/p/issues/1").respond_with_data(
        "", status=429, headers={"RateLimit-Reset": str(int(time.time()) + 600)}
    )
    result = sync(wanted(GH1, Ticket("gitlab", "g/p", 1)), None, options(server), github_env(server), FAST)
    errors = sorted(result.errors)
    assert errors[0].startswith("GitHub: acme/ops#1: rate limit reached (403); it resets in 3600 s") or errors[
        0
    ].startswith("GitHub: acme/ops#1: rate limit reached (403); it resets in 3599 s")
    assert "beyond the 5 s this sync waits (--max-wait) — run it again then" in errors[0]
    assert errors[1].startswith("GitLab: g/p#1: rate limit reached (429)")


def test_a_slow_server_times_out(server: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response(json.dumps(github_issue(1)), content_type="application/json")

    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_handler(slow)
    result = sync(wanted(GH1), None, options(server), github_env(server), Limits(timeout=0.2))
    host = base(server).split("//", 1)[1]
    assert result.errors == [
        f"GitHub: acme/ops#1: no answer from {host} within 0.2 s (referenced at docs/postmortems/a.md:57)"
    ]


def test_malformed_answers(server: HTTPServer) -> None:
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_data(
        "<html>oops", content_type="application/json"
    )
    server.expect_request("/api/repos/acme/ops/issues/2").respond_with_json({"number": 2})
    server.expect_request("/jira/rest/api/2/issue/OPS-1").respond_with_json(
        jira_issue("OPS-1", "done") | {"fields": {}}
    )
    result = sync(wanted(GH1, GH2, Ticket("jira", "OPS", 1)), None, options(server), github_env(server), FAST)
    errors = sorted(result.errors)
    assert errors[0].startswith("GitHub: acme/ops#1: the answer is not JSON (")
    assert errors[1].startswith(
        "GitHub: acme/ops#2: the answer is not an issue as GitHub's API describes one (KeyError"
    )
    assert errors[2].startswith("Jira: OPS-1: the answer is not an issue as Jira's API describes one (KeyError")


def test_cannot_reach_the_tracker() -> None:
    result = sync(wanted(GH1), None, TicketOptions(), {"GITHUB_API_URL": "http://127.0.0.1:9"}, FAST)
    assert len(result.errors) == 1 and result.errors[0].startswith("GitHub: acme/ops#1: cannot reach 127.0.0.1:9 (")


def test_concurrency_is_bounded(server: HTTPServer) -> None:
    lock = threading.Lock()
    running, peak = [0], [0]

    def counted(request: Request) -> Response:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.1)
        with lock:
            running[0] -= 1
        number = int(request.path.rsplit("/", 1)[1])
        return Response(json.dumps(github_issue(number)), content_type="application/json")

    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_handler(counted)
    for number in range(2, 11):
        server.expect_request(f"/api/repos/acme/ops/issues/{number}").respond_with_handler(counted)
    tickets = [Ticket("github", "acme/ops", n) for n in range(1, 11)]
    result = sync(wanted(*tickets), None, options(server), github_env(server), Limits(concurrency=3))
    assert result.errors == [] and len(result.states) == 10
    assert 1 < peak[0] <= 3


# `mkdocs-postmortem sync` on a site ---------------------------------------------------------------

PAGE = fixture_text("valid.md").replace(
    "| Due | Status |\n|---|---|---|---|---|---|", "| Due | Status | Ticket |\n|---|---|---|---|---|---|---|"
)
PAGE = PAGE.replace("| ✅ Done (2026-09-03) |", "| ✅ Done (2026-09-03) | acme/ops#1 |")
PAGE = PAGE.replace("| In progress |", "| In progress | OPS-2 |")
PAGE_ROW = PAGE[: PAGE.index("| 1 | Restore")].count("\n") + 1  # item 1's line: acme/ops#1


def site(tmp_path: Path, server: HTTPServer) -> Path:
    return write_site(tmp_path, {"postmortems/a.md": PAGE}, {"tickets": {"jira_url": base(server, "/jira")}})


def run(config: Path, env: dict[str, str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["sync", "-f", str(config)], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_sync_writes_the_state_file_once(server: HTTPServer, tmp_path: Path) -> None:
    config = site(tmp_path, server)
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json(github_issue(1), headers={"ETag": '"a"'})
    server.expect_request("/jira/rest/api/2/issue/OPS-2").respond_with_json(jira_issue("OPS-2", "done"))
    code, out, err = run(config, github_env(server))
    assert (code, err) == (0, "")
    assert "2 tickets synced (GitHub 1, Jira 1): 2 changed" in out
    state_file = tmp_path / "postmortem-tickets.json"
    data = json.loads(state_file.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["synced"] == "2026-09-20"
    assert data["tickets"]["acme/ops#1"] == {
        "state": "open",
        "assignees": [],
        "title": "Issue 1",
        "url": "https://github.com/acme/ops/issues/1",
        "kind": "issue",
        "etag": '"a"',
    }
    assert data["tickets"]["OPS-2"]["closed_at"] == "2026-09-02T08:30:00Z"
    before = state_file.stat()
    code, out, _ = run(config, github_env(server))  # nothing changed: the file is left as it was
    assert code == 0 and "0 changed" in out and "no change: postmortem-tickets.json left as it was" in out
    assert state_file.stat().st_mtime_ns == before.st_mtime_ns and state_file.stat().st_ino == before.st_ino
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_sync_failure_exits_2_and_writes_nothing(server: HTTPServer, tmp_path: Path) -> None:
    config = site(tmp_path, server)
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json({"message": "Bad credentials"}, status=401)
    server.expect_request("/jira/rest/api/2/issue/OPS-2").respond_with_json(jira_issue("OPS-2", "done"))
    code, _, err = run(config, github_env(server, "bad"))
    assert code == 2
    assert "GitHub: acme/ops#1: 401 Unauthorized — set GITHUB_TOKEN" in err
    assert f"(referenced at docs/postmortems/a.md:{PAGE_ROW})" in err
    assert "sync failed: postmortem-tickets.json left as it was" in err
    assert "Traceback" not in err and not (tmp_path / "postmortem-tickets.json").exists()


def test_sync_skips_what_it_cannot_ask_for_with_a_warning(tmp_path: Path, server: HTTPServer) -> None:
    """A Jira key without a `jira_url` (as the example site's HR-412…) is not synced, and sync says so."""
    config = write_site(tmp_path, {"postmortems/a.md": PAGE})
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json(github_issue(1))
    code, out, err = run(config, github_env(server))
    assert code == 0, err
    assert err == (
        f"warning: docs/postmortems/a.md:{PAGE_ROW + 1}: OPS-2 is a Jira key, but no Jira is configured: not synced "
        "(set `tickets: jira_url`)\n"
    )
    assert "1 ticket synced (GitHub 1)" in out
    assert list(json.loads((tmp_path / "postmortem-tickets.json").read_text("utf-8"))["tickets"]) == ["acme/ops#1"]
    only_jira = write_site(tmp_path / "j", {"postmortems/a.md": PAGE.replace("acme/ops#1", "—")})
    code, out, err = run(only_jira, {})
    assert code == 0 and "not synced" in err and "0 tickets synced" in out  # the state file says sync ran
    assert json.loads((tmp_path / "j/postmortem-tickets.json").read_text("utf-8"))["tickets"] == {}
    nothing = write_site(tmp_path / "n", {"postmortems/a.md": fixture_text("valid.md")})
    assert run(nothing, {})[1] == "no action item references a ticket: nothing to sync\n"


def test_credentials_go_to_the_configured_server_only(server: HTTPServer) -> None:
    """A Jira browse URL on another host is not asked; a redirect off the server is not followed."""
    env = {"JIRA_EMAIL": "a@b.c", "JIRA_API_TOKEN": "tok", **github_env(server)}
    elsewhere = Ticket("jira", "OPS", 1, "https://evil.example")
    other_gitlab = Ticket("gitlab", "g/p", 1, "https://gitlab.example.org")
    # a moved issue: followed on the same server; sent off to another host (127.0.0.1 ≠ localhost): not followed
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_data(
        "", status=301, headers={"Location": base(server, "/api/repositories/9/issues/1")}
    )
    server.expect_request("/api/repositories/9/issues/1").respond_with_json(github_issue(1))
    off = base(server, "/api/repos/acme/ops/issues/2").replace("localhost", "127.0.0.1")
    server.expect_request("/api/repos/acme/ops/issues/2").respond_with_data("", status=302, headers={"Location": off})
    result = sync(wanted(elsewhere, other_gitlab, GH1, GH2), None, options(server), env, FAST)
    assert set(result.states) == {"acme/ops#1"}
    errors = sorted(result.errors)
    assert errors[0].startswith("GitHub: acme/ops#2: localhost:") and "redirects to 127.0.0.1:" in errors[0]
    assert errors[1].startswith("GitLab: g/p#1: not asked — g/p#1 is on gitlab.example.org, not on the GitLab")
    assert errors[2].startswith("Jira: OPS-1: not asked — OPS-1 is on evil.example, not on the Jira")
    assert [request.path for request, _ in server.log].count("/api/repos/acme/ops/issues/2") == 1
    assert all(request.host.startswith("localhost") for request, _ in server.log)


def test_tokens_are_stripped_checked_and_never_printed(server: HTTPServer) -> None:
    server.expect_request(
        "/api/repos/acme/ops/issues/1", headers={"Authorization": "Bearer ghs_test"}
    ).respond_with_json(github_issue(1))
    result = sync(wanted(GH1), None, options(server), github_env(server, "ghs_test\n"), FAST)
    assert result.errors == [] and result.states["acme/ops#1"].state == "open"
    server.clear_log()
    for token, kind in (("ghs_tést", "a character beyond ASCII"), ("ghs\x00x", "a control character")):
        result = sync(wanted(GH1, GH2), None, options(server), github_env(server, token), FAST)
        assert len(result.errors) == 1 and token not in result.errors[0]
        assert result.errors[0].startswith("GitHub: GITHUB_TOKEN holds a control character or a character beyond ASCII")
        assert kind in result.errors[0]
    jira = sync(wanted(Ticket("jira", "OPS", 1)), None, options(server), {"JIRA_BEARER_TOKEN": "pät"}, FAST)
    assert jira.errors == [
        "Jira: JIRA_BEARER_TOKEN holds a control character or a character beyond ASCII: set it to the token alone"
    ]
    bad_url = sync(wanted(GH1), None, options(server), {"GITHUB_API_URL": "http://[::1"}, FAST)
    assert bad_url.errors == ["GitHub: 'http://[::1' is not an http(s) address of its API"]
    assert server.log == []


def test_a_rate_limit_beyond_the_bound_stops_asking_that_tracker(server: HTTPServer) -> None:
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    server.expect_request("/jira/rest/api/2/issue/OPS-1").respond_with_json(jira_issue("OPS-1", "new"))
    tickets = [Ticket("github", "acme/ops", n) for n in range(1, 6)]
    limits = Limits(timeout=2.0, max_wait=5.0, concurrency=1)
    result = sync(wanted(*tickets, Ticket("jira", "OPS", 1)), None, options(server), github_env(server), limits)
    assert set(result.states) == {"OPS-1"}  # another tracker is still asked
    assert len([r for r, _ in server.log if r.path.startswith("/api/")]) == 1
    assert sum("not asked — its rate limit resets at" in error for error in result.errors) == 4


def test_running_out_of_tries_is_not_blamed_on_max_wait(server: HTTPServer) -> None:
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_data(
        "", status=429, headers={"Retry-After": "0"}
    )
    result = sync(wanted(GH1), None, options(server), github_env(server), FAST)
    assert result.errors == [
        "GitHub: acme/ops#1: still rate-limited (429) after 3 tries — run it again later "
        "(referenced at docs/postmortems/a.md:57)"
    ]
    assert len(server.log) == 3


def test_a_401_stops_asking_that_tracker(server: HTTPServer) -> None:
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_data("", status=401)
    limits = Limits(timeout=2.0, max_wait=5.0, concurrency=1)
    result = sync(wanted(GH1, GH2, PR3), None, options(server), github_env(server), limits)
    assert len(server.log) == 1 and len(result.errors) == 3
    assert sum("not asked — GitHub refused the token (401 Unauthorized)" in e for e in result.errors) == 2


def test_a_bad_gateway_is_tried_once_more(server: HTTPServer) -> None:
    server.expect_request("/api/repos/acme/ops/issues/1", handler_type=HandlerType.ONESHOT).respond_with_data(
        "", status=502
    )
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json(github_issue(1))
    server.expect_request("/api/repos/acme/ops/issues/2").respond_with_data("", status=503)
    result = sync(wanted(GH1, GH2), None, options(server), github_env(server), FAST)
    assert set(result.states) == {"acme/ops#1"}
    assert result.errors == [
        "GitHub: acme/ops#2: unexpected answer 503 SERVICE UNAVAILABLE (referenced at docs/postmortems/a.md:58)"
    ]
    assert len(server.log) == 4


def test_sync_repairs_a_broken_state_file(server: HTTPServer, tmp_path: Path) -> None:
    """The build refuses a broken state file and says to run sync; sync reads past it and writes it anew."""
    from mkdocs_postmortem.checker import ConfigError, Settings

    config = site(tmp_path, server)
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json(github_issue(1))
    server.expect_request("/jira/rest/api/2/issue/OPS-2").respond_with_json(jira_issue("OPS-2", "done"))
    state_file = tmp_path / "postmortem-tickets.json"
    settings = Settings(today="2026-09-20", tickets={"jira_url": base(server, "/jira")})  # type: ignore[arg-type]
    for broken in ("{not json", '{"version": 2, "synced": "2026-01-01"}', "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> x\n"):
        state_file.write_text(broken, encoding="utf-8")
        with pytest.raises(ConfigError, match="run `mkdocs-postmortem sync`, which reads past it"):
            settings.context(tmp_path)
        code, out, err = run(config, github_env(server))
        assert code == 0, err
        assert err.startswith("warning: ") and "read as empty, and written anew" in err and "Traceback" not in err
        assert "wrote postmortem-tickets.json" in out
        assert settings.context(tmp_path).tickets.states is not None


def test_a_state_file_that_cannot_be_written_is_one_line(server: HTTPServer, tmp_path: Path) -> None:
    config = write_site(
        tmp_path,
        {"postmortems/a.md": PAGE},
        {"tickets": {"jira_url": base(server, "/jira"), "state_file": "no-such-dir/tickets.json"}},
    )
    server.expect_request("/api/repos/acme/ops/issues/1").respond_with_json(github_issue(1))
    server.expect_request("/jira/rest/api/2/issue/OPS-2").respond_with_json(jira_issue("OPS-2", "done"))
    code, _, err = run(config, github_env(server))
    assert code == 2 and "Traceback" not in err and "internal error" not in err
    assert "no-such-dir/tickets.json: cannot write it (No such file or directory)" in err
