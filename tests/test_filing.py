"""`mkdocs-postmortem file-tickets`: the Ticket cell (or column) written and nothing else; the requests
sent to a local server standing in for GitHub; idempotence; `--dry-run`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.filing import FilingError, _only_the_cells, _plan, rewrite, split_lines, with_tickets
from mkdocs_postmortem.template import default_template
from mkdocs_postmortem.tickets import Tickets
from tests.conftest import fixture_text, write_site

TEMPLATE = default_template()
VALID = fixture_text("valid.md")
ROW1 = VALID[: VALID.index("| 1 | Restore")].count("\n") + 1
WITH_COLUMN = VALID.replace(
    "| Due | Status |\n|---|---|---|---|---|---|", "| Due | Status | Ticket |\n|---|---|---|---|---|---|---|"
).replace("| ✅ Done (2026-09-03) |", "| ✅ Done (2026-09-03) | acme/ops#7 |")
WITH_COLUMN = WITH_COLUMN.replace("| In progress |", "| In progress |  |").replace("| Open |", "| Open | — |")


def test_a_ticket_column_is_added_and_nothing_else_changes() -> None:
    new = with_tickets(VALID, {ROW1 + 1: "acme/ops#12", ROW1 + 2: "acme/ops#13"}, TEMPLATE)
    expected = VALID.replace(
        "| Due | Status |\n|---|---|---|---|---|---|", "| Due | Status | Ticket |\n|---|---|---|---|---|---|---|"
    )
    expected = expected.replace("| ✅ Done (2026-09-03) |\n", "| ✅ Done (2026-09-03) | |\n")
    expected = expected.replace("| In progress |\n", "| In progress | acme/ops#12 |\n").replace(
        "| Open |\n", "| Open | acme/ops#13 |\n"
    )
    assert new == expected


def test_an_existing_ticket_cell_is_filled_in() -> None:
    new = with_tickets(WITH_COLUMN, {ROW1 + 1: "acme/ops#12", ROW1 + 2: "acme/ops#13"}, TEMPLATE)
    assert new == WITH_COLUMN.replace("| In progress |  |", "| In progress | acme/ops#12 |").replace(
        "| Open | — |", "| Open | acme/ops#13 |"
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (  # no outer pipes, a cell with an escaped pipe and a code span
            "# | Action | Owner | Due | Status\n--|--|--|--|--\n1 | Split `a\\|b` | Bob | 2026-10-01 | Open\n",
            "# | Action | Owner | Due | Status | Ticket\n--|--|--|--|--|---\n1 | Split `a\\|b` | Bob | 2026-10-01 | Open | x/y#1\n",
        ),
        (  # aligned delimiter with spaces, CRLF line endings
            "| # | Action | Owner | Due | Status |\r\n| :-- | --- | --- | --- | --- |\r\n| 1 | Do it | Bob | 2026-10-01 | Open |\r\n",
            "| # | Action | Owner | Due | Status | Ticket |\r\n| :-- | --- | --- | --- | --- | --- |\r\n| 1 | Do it | Bob | 2026-10-01 | Open | x/y#1 |\r\n",
        ),
        (  # compact pipes
            "|#|Action|Owner|Due|Status|\n|-|-|-|-|-|\n|1|Do it|Bob|2026-10-01|Open|\n|2|Other|Al|2026-10-02|Done|\n",
            "|#|Action|Owner|Due|Status|Ticket|\n|-|-|-|-|-|---|\n|1|Do it|Bob|2026-10-01|Open|x/y#1|\n|2|Other|Al|2026-10-02|Done||\n",
        ),
        (  # a short row (GFM pads it) gets its empty cells first
            "| # | Action | Owner | Due | Status | Ticket |\n|---|---|---|---|---|---|\n| 1 | Do it | Bob | 2026-10-01 |\n",
            "| # | Action | Owner | Due | Status | Ticket |\n|---|---|---|---|---|---|\n| 1 | Do it | Bob | 2026-10-01 | | x/y#1 |\n",
        ),
    ],
)
def test_row_styles(table: str, expected: str) -> None:
    text = "## 7. Action items\n\n" + table
    assert with_tickets(text, {5: "x/y#1"}, TEMPLATE) == "## 7. Action items\n\n" + expected


def test_a_row_with_more_cells_than_the_header_is_refused() -> None:
    """GFM splits a row on a `|` in a code span: a Ticket column added at the end would replace the Status."""
    text = (
        "## 7. Action items\n\n| # | Action | Owner | Due | Status |\n|---|---|---|---|---|\n"
        "| 1 | Split `a|b` | Bob | 2026-10-01 | Open |\n| 2 | Other | Al | 2026-10-02 | Open |\n"
    )
    with pytest.raises(FilingError, match=r"^a\.md:5: the row has 6 cells, the header 5 \(a `\|` in a code span"):
        rewrite("a.md", text, {6: "x/y#1"}, TEMPLATE, Tickets())


def test_a_pipe_after_a_backslash_is_text_as_the_parser_reads_it() -> None:
    table = (
        "| # | Action | Owner | Due | Status |\n|---|---|---|---|---|\n"
        "| 1 | Split `a\\\\|b` and c \\| d | Bob | 2026-10-01 | Open |\n"
    )
    new = rewrite("a.md", "## 7. Action items\n\n" + table, {5: "x/y#1"}, TEMPLATE, Tickets())
    assert new.endswith("| 2026-10-01 | Open | x/y#1 |\n")


def test_lines_are_split_on_newlines_only() -> None:
    text = VALID.replace("## 7. Action items", "Form\x0cfeed \u2028 and \x85 here.\n\n## 7. Action items")
    row = text[: text.index("| 3 | Add")].count("\n") + 1
    assert split_lines("a\x0cb\u2028c\r\nd") == ["a\x0cb\u2028c\r\n", "d"]
    new = rewrite("a.md", text, {row: "acme/ops#9"}, TEMPLATE, Tickets())
    assert new == with_tickets(text, {row: "acme/ops#9"}, TEMPLATE) and "Form\x0cfeed \u2028 and \x85 here." in new
    assert "| Open | acme/ops#9 |\n" in new


def test_rewrite_refuses_a_reference_that_lands_on_no_item() -> None:
    """A row of another table (the timeline) would get a Ticket column, and read as before."""
    timeline = VALID.count("\n", 0, VALID.index("\n|", VALID.index("## 2.")) + 1) + 3
    with pytest.raises(FilingError, match=rf"^a\.md:{timeline}: not the row of an action item"):
        rewrite("a.md", VALID, {timeline: "acme/ops#1"}, TEMPLATE, Tickets())


def test_only_the_planned_cells_may_change() -> None:
    lines = split_lines(VALID)
    tables = _plan(lines, {ROW1 + 2: "acme/ops#1"}, TEMPLATE)
    good = split_lines(with_tickets(VALID, {ROW1 + 2: "acme/ops#1"}, TEMPLATE))
    assert _only_the_cells(lines, good, tables) is None
    bad = list(good)
    bad[ROW1 + 1] = bad[ROW1 + 1].replace("| Open |", "| Done |")  # the target row, another cell
    assert _only_the_cells(lines, bad, tables) == ROW1 + 2
    bad = list(good)
    bad[0] = "changed\n"
    assert _only_the_cells(lines, bad, tables) == 1


def test_rewrite_checks_the_page_reads_as_before() -> None:
    tickets = Tickets()
    assert rewrite("a.md", VALID, {ROW1 + 2: "acme/ops#1"}, TEMPLATE, tickets).count("acme/ops#1") == 1
    with pytest.raises(FilingError, match=r"a\.md:3: not a row of a table"):
        rewrite("a.md", VALID, {3: "acme/ops#1"}, TEMPLATE, tickets)


# End to end against a stand-in GitHub ---------------------------------------------------------------


class FakeGitHub:
    """`GET /repos/acme/ops/issues` (the issues filed before) and `POST /repos/acme/ops/issues`."""

    def __init__(self, server: HTTPServer) -> None:
        self.created: list[dict[str, object]] = []
        self.issues: list[dict[str, object]] = []
        self.push = True  # False: the token may not set labels, and GitHub drops them without a word
        server.expect_request("/api/repos/acme/ops/issues", method="GET").respond_with_handler(self.list)
        server.expect_request("/api/repos/acme/ops/issues", method="POST").respond_with_handler(self.create)

    def list(self, request: Request) -> Response:
        assert request.args.get("labels") == "postmortem" and request.args.get("state") == "all"
        return Response(json.dumps(self.issues), content_type="application/json")

    def create(self, request: Request) -> Response:
        assert request.headers["Authorization"] == "Bearer ghs_test"
        payload = json.loads(request.data)
        number = 100 + len(self.issues)
        self.created.append(payload)
        self.issues.append({"number": number, "state": "open", "body": payload["body"], "title": payload["title"]})
        labels = [{"id": 7, "name": name} for name in payload["labels"]] if self.push else []
        return Response(
            json.dumps(
                {"number": number, "html_url": f"https://github.com/acme/ops/issues/{number}", "labels": labels}
            ),
            201,
        )


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with HTTPServer() as http:
        yield http


def make_site(tmp_path: Path) -> Path:
    (tmp_path / "owners.yml").write_text(
        "Platform Lead: [Platform, '@plat-lead']\nCoE Lead: []\nPriya Raman: []\n", encoding="utf-8"
    )
    b_page = ("\ufeff" + VALID.replace("support-triage-bot", "b-bot")).replace("\n", "\r\n")  # BOM and CRLF kept
    return write_site(
        tmp_path,
        {"postmortems/a.md": WITH_COLUMN, "postmortems/b.md": b_page.encode("utf-8")},
        {"owners": "owners.yml"},
        {"site_url": "https://docs.example.com/"},
    )


def file_tickets(config: Path, server: HTTPServer | None, *more: str) -> tuple[int, str, str]:
    env = {"GITHUB_API_URL": server.url_for("/api").rstrip("/"), "GITHUB_TOKEN": "ghs_test"} if server else {}
    result = CliRunner().invoke(
        cli, ["file-tickets", "-f", str(config), "--tracker", "github", "--repo", "acme/ops", *more], env=env
    )
    return result.exit_code, result.stdout, result.stderr


def test_file_tickets_end_to_end(server: HTTPServer, tmp_path: Path) -> None:
    config = make_site(tmp_path)
    github = FakeGitHub(server)
    a, b = tmp_path / "docs/postmortems/a.md", tmp_path / "docs/postmortems/b.md"
    a_before, b_before = a.read_bytes(), b.read_bytes()
    code, out, err = file_tickets(config, server)
    assert (code, err) == (0, "")
    assert [(c["title"], c.get("assignees"), c["labels"]) for c in github.created] == [
        ("Filter retrieval results by tenant at query time", ["plat-lead"], ["postmortem"]),
        ("Add cross-tenant retrieval to the runbook (template 09)", None, ["postmortem"]),
        ("Filter retrieval results by tenant at query time", ["plat-lead"], ["postmortem"]),
        ("Add cross-tenant retrieval to the runbook (template 09)", None, ["postmortem"]),
    ]
    body = str(github.created[0]["body"])
    assert "- **Item:** https://docs.example.com/postmortems/a/#action-2" in body
    assert "- **Severity:** Sev-1" in body and "- **Due:** 2026-10-15" in body and "- **Owner:** Platform Lead" in body
    assert body.rstrip().endswith("<!-- mkdocs-postmortem: postmortems/a.md#action-2 -->")
    assert f"docs/postmortems/a.md:{ROW1 + 1}: filed acme/ops#100 — Filter retrieval results" in out
    # a.md: only the two cells; b.md: only the new column (its BOM and CRLF kept)
    assert a.read_bytes() == a_before.replace(b"| In progress |  |", b"| In progress | acme/ops#100 |").replace(
        "| Open | — |".encode(), b"| Open | acme/ops#101 |"
    )
    expected_b = b_before.replace(
        b"| Due | Status |\r\n|---|---|---|---|---|---|", b"| Due | Status | Ticket |\r\n|---|---|---|---|---|---|---|"
    )
    expected_b = expected_b.replace("| ✅ Done (2026-09-03) |\r\n".encode(), "| ✅ Done (2026-09-03) | |\r\n".encode())
    expected_b = expected_b.replace(b"| In progress |\r\n", b"| In progress | acme/ops#102 |\r\n")
    expected_b = expected_b.replace(b"| Open |\r\n", b"| Open | acme/ops#103 |\r\n")
    assert b.read_bytes() == expected_b and expected_b.startswith(b"\xef\xbb\xbf")
    # twice: nothing more is filed, nothing changes
    code, _, err = file_tickets(config, server)
    assert code == 0 and "nothing to file" in err and len(github.created) == 4
    assert CliRunner().invoke(cli, ["check", "-f", str(config)]).exit_code == 0


def test_an_item_filed_before_is_not_filed_again(server: HTTPServer, tmp_path: Path) -> None:
    """A ticket filed by a run whose page was never written (killed, or its change lost) is found by its mark."""
    config = make_site(tmp_path)
    github = FakeGitHub(server)
    assert file_tickets(config, server)[0] == 0
    (tmp_path / "docs/postmortems/a.md").write_text(WITH_COLUMN, encoding="utf-8")  # the references lost
    code, out, _ = file_tickets(config, server)
    assert code == 0 and len(github.created) == 4
    assert "found filed before: acme/ops#100" in out
    assert "| In progress | acme/ops#100 |" in (tmp_path / "docs/postmortems/a.md").read_text(encoding="utf-8")


def test_dry_run_prints_the_diff_and_files_nothing(server: HTTPServer, tmp_path: Path) -> None:
    config = make_site(tmp_path)
    before = (tmp_path / "docs/postmortems/a.md").read_bytes()
    code, out, err = file_tickets(config, None, "--dry-run")
    assert code == 0 and server.log == []
    assert "--- a/docs/postmortems/a.md\n+++ b/docs/postmortems/a.md\n" in out
    assert (
        "+| 2 | Filter retrieval results by tenant at query time | Sev-1 prevention | Platform Lead | 2026-10-15 | In progress | acme/ops#NEW |"
        in out
    )
    assert "would file 4 tickets in acme/ops (dry run: nothing filed or written)" in err
    assert (tmp_path / "docs/postmortems/a.md").read_bytes() == before


def test_a_refusal_stops_with_exit_2_and_keeps_what_was_filed(server: HTTPServer, tmp_path: Path) -> None:
    config = make_site(tmp_path)
    server.expect_request("/api/repos/acme/ops/issues", method="GET").respond_with_json([])
    calls = [0]

    def create(request: Request) -> Response:
        calls[0] += 1
        if calls[0] > 1:
            return Response(json.dumps({"message": "Resource not accessible by integration"}), 403)
        return Response(json.dumps({"number": 5, "labels": [{"name": "postmortem"}]}), 201)

    server.expect_request("/api/repos/acme/ops/issues", method="POST").respond_with_handler(create)
    code, _, err = file_tickets(config, server)
    assert code == 2
    assert "GitHub: acme/ops: 403 Forbidden — set GITHUB_TOKEN" in err and "Traceback" not in err
    text = (tmp_path / "docs/postmortems/a.md").read_text(encoding="utf-8")
    assert "| In progress | acme/ops#5 |" in text and "| Open | — |" in text


def test_usage_errors(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    result = CliRunner().invoke(cli, ["file-tickets", "-f", str(config), "--tracker", "github", "--repo", "nope"])
    assert result.exit_code == 2 and "--repo: 'nope' is not ORG/REPO" in result.stderr
    result = CliRunner().invoke(
        cli, ["file-tickets", "-f", str(config), "--tracker", "github", "--repo", "a/b"], env={"GITHUB_TOKEN": ""}
    )
    assert result.exit_code == 2 and "set GITHUB_TOKEN" in result.stderr


def test_a_dropped_label_stops_file_tickets_and_keeps_the_reference(server: HTTPServer, tmp_path: Path) -> None:
    """GitHub drops a label the token may not set: the next run could not find the ticket by it."""
    config = make_site(tmp_path)
    github = FakeGitHub(server)
    github.push = False
    code, _, err = file_tickets(config, server)
    assert code == 2 and len(github.created) == 1
    assert "GitHub: acme/ops#100 was filed without the label 'postmortem'" in err and "Traceback" not in err
    assert "| In progress | acme/ops#100 |" in (tmp_path / "docs/postmortems/a.md").read_text(encoding="utf-8")


def test_too_many_labelled_issues_is_said(server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs_postmortem.trackers import github

    monkeypatch.setattr(github, "MAX_PAGES", 2)
    config = make_site(tmp_path)
    more = {"Link": f'<{server.url_for("/api/repos/acme/ops/issues")}?page=2>; rel="next"'}
    server.expect_request("/api/repos/acme/ops/issues", method="GET").respond_with_json([], headers=more)
    code, _, err = file_tickets(config, server)
    assert code == 2
    assert "GitHub: acme/ops: more than 200 issues carry the label 'postmortem'" in err and "--label" in err


def test_odd_answers_are_one_line(server: HTTPServer, tmp_path: Path) -> None:
    config = make_site(tmp_path)
    server.expect_request("/api/repos/acme/ops/issues", method="GET").respond_with_json([])
    server.expect_request("/api/repos/acme/ops/issues", method="POST").respond_with_json(["odd"], status=422)
    code, _, err = file_tickets(config, server)
    assert code == 2 and "GitHub: acme/ops: cannot file an issue (422) — check" in err and "Traceback" not in err
    server.clear()
    server.expect_request("/api/repos/acme/ops/issues", method="GET").respond_with_json([{"body": marker_of("x")}])
    code, _, err = file_tickets(config, server)
    assert code == 2 and "GitHub: acme/ops: the answer is not an issue as GitHub's API describes one (no number)" in err
    server.clear()
    server.expect_request("/api/repos/acme/ops/issues", method="GET").respond_with_json([])
    server.expect_request("/api/repos/acme/ops/issues", method="POST").respond_with_json({"id": 1}, status=201)
    code, _, err = file_tickets(config, server)
    assert code == 2 and "(no number)" in err and "internal error" not in err


def marker_of(item: str) -> str:
    from mkdocs_postmortem.filing import marker

    return marker(item)


def test_a_page_changed_while_filing_is_not_overwritten(server: HTTPServer, tmp_path: Path) -> None:
    config = make_site(tmp_path)
    github = FakeGitHub(server)
    page = tmp_path / "docs/postmortems/a.md"
    edited = WITH_COLUMN.replace("Restore", "Restored")

    def create_and_edit(request: Request) -> Response:
        page.write_text(edited, encoding="utf-8")  # someone saves the page meanwhile
        return github.create(request)

    server.clear()
    server.expect_request("/api/repos/acme/ops/issues", method="GET").respond_with_handler(github.list)
    server.expect_request("/api/repos/acme/ops/issues", method="POST").respond_with_handler(create_and_edit)
    code, _, err = file_tickets(config, server)
    assert code == 2
    assert "docs/postmortems/a.md: changed since file-tickets read it, so not written; its tickets are filed" in err
    assert page.read_text(encoding="utf-8") == edited
