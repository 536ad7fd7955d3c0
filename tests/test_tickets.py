"""Ticket references on action items (tickets.py, the Ticket column, links in the action cell) and the
ticket rules PM421–PM428 judged from a state file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_postmortem import markdown as md
from mkdocs_postmortem.checker import Checker, ConfigError, Settings
from mkdocs_postmortem.model import Finding
from mkdocs_postmortem.parse import parse_postmortem
from mkdocs_postmortem.tickets import (
    Malformed,
    Ticket,
    TicketOptions,
    is_ticket_header,
    parse_reference,
    ticket_url,
    tracker_login,
    unsyncable,
)
from tests.conftest import TODAY, fixture_text

HOSTS = TicketOptions(jira_url="https://acme.atlassian.net", gitlab_url="https://git.acme.test").hosts
VALID = fixture_text("valid.md")
ROW = {1: VALID[: VALID.index("| 1 | Restore")].count("\n") + 1}
ROW[2], ROW[3] = ROW[1] + 1, ROW[1] + 2


def with_tickets(*cells: str, header: str = "Ticket") -> str:
    """The valid page with a ticket column, one cell per item (items 1 done, 2 in progress, 3 open)."""
    text = VALID.replace(
        "| Due | Status |\n|---|---|---|---|---|---|", f"| Due | Status | {header} |\n|---|---|---|---|---|---|---|"
    )
    for marker, cell in zip(("| ✅ Done (2026-09-03) |", "| In progress |", "| Open |"), cells, strict=False):
        text = text.replace(marker, f"{marker} {cell} |", 1)
    return text


def states(tmp_path: Path, tickets: dict[str, dict[str, object]], synced: str = "2026-09-19") -> None:
    (tmp_path / "postmortem-tickets.json").write_text(
        json.dumps({"version": 1, "synced": synced, "tickets": tickets}), encoding="utf-8"
    )


def findings(tmp_path: Path, text: str, **options: object) -> list[Finding]:
    """The page's findings; its Jira keys are issues of a configured Jira unless `tickets` says otherwise."""
    options.setdefault("tickets", {"jira_url": "https://acme.atlassian.net"})
    settings = Settings(today=TODAY, **options)  # type: ignore[arg-type]
    return Checker(settings, tmp_path).check("pm.md", text.encode("utf-8")).findings


def ticket_findings(found: list[Finding]) -> list[tuple[int, str, str]]:
    return [(f.line, f.rule, f.message) for f in found if f.rule.startswith("PM42")]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("acme/ops#12", Ticket("github", "acme/ops", 12)),
        ("https://github.com/acme/ops/issues/12", Ticket("github", "acme/ops", 12)),
        ("https://github.com/acme/ops/pull/7#issuecomment-1", Ticket("github", "acme/ops", 7)),
        ("https://github.com/acme/ops/pull/3/files", Ticket("github", "acme/ops", 3)),
        ("https://www.github.com/acme/ops/issues/4", Ticket("github", "acme/ops", 4)),
        ("https://git.acme.test/grp/proj/issues/3", Ticket("gitlab", "grp/proj", 3)),
        # on another server than the configured one: its address kept, so never taken for this one's issue
        ("https://gitlab.com/grp/sub/proj/-/issues/3", Ticket("gitlab", "grp/sub/proj", 3, "https://gitlab.com")),
        (
            "https://gitlab.example.org/grp/proj/-/issues/3",
            Ticket("gitlab", "grp/proj", 3, "https://gitlab.example.org"),
        ),
        ("OPS-123", Ticket("jira", "OPS", 123)),
        ("https://acme.atlassian.net/browse/OPS-9", Ticket("jira", "OPS", 9)),
        ("https://jira.other.test/jira/browse/AB_1-9", Ticket("jira", "AB_1", 9, "https://jira.other.test/jira")),
        ("OPS-123 (blocked on vendor)", Ticket("jira", "OPS", 123)),
        ("", None),
        ("—", None),
        ("TBD", None),
        ("[Ticket]", None),
    ],
)
def test_recognised_references(cell: str, expected: Ticket | None) -> None:
    assert parse_reference(cell, (), HOSTS) == expected


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("#12", "does not name its repository: write owner/repo#12"),
        ("ops-12", "Jira keys are upper case (OPS-12)"),
        ("https://github.com/acme/ops/blob/main/runbook.md", "is not the address of a GitHub, GitLab or Jira issue"),
        ("https://linear.app/acme/issue/ENG-1", "is not the address"),
        ("OPS-1, OPS-2", "holds 2 references"),
        ("OPS-1 see acme/ops#2 later", "holds 2 references"),
        ("see the runbook", "is not a ticket reference"),
        ("OPS-1 blocked", "holds words besides its ticket: put them in parentheses, `OPS-1 (…)`"),
        ("see #12", "does not name its repository"),
        ("soon", "is not a ticket reference"),
    ],
)
def test_malformed_references(cell: str, why: str) -> None:
    found = parse_reference(cell, (), HOSTS)
    assert isinstance(found, Malformed) and why in found.why


def test_a_ticket_linked_in_the_action_cell() -> None:
    links = ("https://github.com/acme/ops/blob/main/runbook.md", "https://github.com/acme/ops/issues/4")
    assert parse_reference("", links, HOSTS) == Ticket("github", "acme/ops", 4)
    assert parse_reference("", ("https://example.com/x",), HOSTS) is None  # other links are not tickets
    assert parse_reference("OPS-1", links, HOSTS) == Ticket("jira", "OPS", 1)  # the Ticket column wins


def test_cells_keep_their_link_destinations() -> None:
    blocks, _ = md.parse_blocks(
        "| A | B |\n|---|---|\n| x [y](https://h/1) <https://h/2> ![i](img.png) | plain |\n\n[z](https://h/3)\n"
    )
    table = blocks[0]
    assert isinstance(table, md.Table)
    assert [cell.links for cell in table.rows[0]] == [("https://h/1", "https://h/2"), ()]
    assert table.rows[0][0].text == "x y https://h/2 i"


def test_the_parser_reads_the_ticket_column_and_action_links() -> None:
    text = with_tickets("[#12](https://github.com/acme/ops/issues/12)", "OPS-4", "", header="Jira ticket")
    text = text.replace(
        "| Add cross-tenant retrieval", "| Add [cross-tenant](https://gitlab.com/g/p/-/issues/5) retrieval"
    )
    items = parse_postmortem("p.md", text).actions or []
    assert [(i.ticket, i.links) for i in items] == [
        ("https://github.com/acme/ops/issues/12", ()),
        ("OPS-4", ()),
        ("", ("https://gitlab.com/g/p/-/issues/5",)),
    ]
    assert items[1].extra == {"Jira ticket": "OPS-4"}  # still kept as an extra column


@pytest.mark.parametrize(
    "header",
    ["Ticket", "Tickets", "Issue", "Issues", "JIRA", "Jira ticket", "Ticket #", "GitHub  issue", "Tracker ticket:"],
)
def test_ticket_headers(header: str) -> None:
    assert is_ticket_header(header)


@pytest.mark.parametrize(
    "header",
    ["#", "Action", "Severity", "Owner", "Due", "Status", "Notes", "Link", "Tracking", "Tracker", "Issue date"],
)
def test_other_headers_are_not_the_ticket_column(header: str) -> None:
    assert not is_ticket_header(header)


def test_no_tickets_no_findings_and_no_state_file_no_drift(tmp_path: Path) -> None:
    assert ticket_findings(findings(tmp_path, VALID)) == []
    assert ticket_findings(findings(tmp_path, with_tickets("acme/ops#1", "acme/ops#2", "OPS-3"))) == []


def test_pm421_malformed_reference_names_its_line(tmp_path: Path) -> None:
    found = ticket_findings(findings(tmp_path, with_tickets("acme/ops#1", "#2", "soon")))
    assert found == [
        (ROW[2], "PM421", "action item 2's ticket '#2' does not name its repository: write owner/repo#2"),
        (ROW[3], "PM421", "action item 3's ticket 'soon' is not a ticket reference"),
    ]


def test_drift_rules_from_the_state_file(tmp_path: Path) -> None:
    states(
        tmp_path,
        {
            "acme/ops#1": {"state": "open", "title": "Restore"},
            "acme/ops#2": {"state": "closed", "closed_at": "2026-06-01T10:00:00Z"},
            "OPS-3": {"state": "missing"},
        },
    )
    found = ticket_findings(findings(tmp_path, with_tickets("acme/ops#1", "acme/ops#2", "OPS-3")))
    assert found == [
        (ROW[1], "PM423", "action item 1 is marked done but its ticket acme/ops#1 is still open"),
        (
            ROW[2],
            "PM424",
            "action item 2 is still in progress but its ticket acme/ops#2 was closed on 2026-06-01 (111 days ago)",
        ),
        (ROW[3], "PM422", "action item 3's ticket OPS-3 does not exist on Jira (or the sync's token cannot see it)"),
    ]


def test_drift_rule_levels_are_configurable(tmp_path: Path) -> None:
    states(tmp_path, {"acme/ops#1": {"state": "open"}})
    text = with_tickets("acme/ops#1")
    assert [f.level.value for f in findings(tmp_path, text) if f.rule == "PM423"] == ["warning"]
    assert [
        f.level.value for f in findings(tmp_path, text, rules={"done-but-ticket-open": "error"}) if f.rule == "PM423"
    ] == ["error"]
    assert not [f for f in findings(tmp_path, text, rules={"PM423": False}) if f.rule == "PM423"]


def test_pm425_assignee_through_the_people_file(tmp_path: Path) -> None:
    (tmp_path / "owners.yml").write_text(
        "Priya Raman: [Priya, '@priya-r']\nPlatform Lead: [Platform, 'github:plat-lead']\nCoE Lead: []\n",
        encoding="utf-8",
    )
    states(
        tmp_path,
        {
            "acme/ops#2": {"state": "open", "assignees": [{"login": "priya-r"}]},
            "acme/ops#3": {"state": "open", "assignees": [{"login": "stranger"}]},
            "acme/ops#4": {"state": "open", "assignees": [{"login": "PLAT-LEAD"}]},
        },
    )
    text = with_tickets("", "acme/ops#2", "acme/ops#3")
    found = ticket_findings(findings(tmp_path, text, owners="owners.yml"))
    assert found == [
        (
            ROW[2],
            "PM425",
            "action item 2's ticket acme/ops#2 is assigned to Priya Raman, not to its owner Platform Lead",
        ),
        (
            ROW[3],
            "PM425",
            "action item 3's ticket acme/ops#3 is assigned to 'stranger' (not in the people file), not to its owner CoE Lead",
        ),
    ]
    right = with_tickets("", "acme/ops#4")
    assert ticket_findings(findings(tmp_path, right, owners="owners.yml")) == []
    # without a people file a login cannot be compared with a name: nothing is reported
    assert ticket_findings(findings(tmp_path, text)) == []


def test_pm425_jira_display_names_match_without_a_people_file(tmp_path: Path) -> None:
    states(
        tmp_path,
        {
            "OPS-2": {"state": "open", "assignees": [{"login": "pl", "name": "Platform  lead"}]},
            "OPS-3": {"state": "open", "assignees": [{"login": "x", "name": "Someone Else"}]},
        },
    )
    found = ticket_findings(findings(tmp_path, with_tickets("", "OPS-2", "OPS-3")))
    assert found == [
        (ROW[3], "PM425", "action item 3's ticket OPS-3 is assigned to Someone Else, not to its owner CoE Lead")
    ]


def test_pm426_required_for_severities(tmp_path: Path) -> None:
    assert ticket_findings(findings(tmp_path, VALID)) == []  # off unless configured
    found = ticket_findings(findings(tmp_path, with_tickets("", "acme/ops#2"), tickets={"required_for": ["sev1"]}))
    assert found == [
        (
            ROW[3],
            "PM426",
            "action item 3 has no ticket; open items of a Sev-1 post-mortem are tracked in the issue tracker",
        )
    ]
    assert ticket_findings(findings(tmp_path, VALID, tickets={"required_for": "Sev-2"})) == []


def test_pm427_old_state_file_once_and_pm428_not_synced(tmp_path: Path) -> None:
    states(tmp_path, {"acme/ops#1": {"state": "closed"}}, synced="2026-09-01")
    settings = Settings(today=TODAY)
    checker = Checker(settings, tmp_path)
    pages = {
        "a.md": with_tickets("acme/ops#1", "acme/ops#9"),
        "b.md": with_tickets("acme/ops#1").replace("support-triage-bot", "b-bot"),
    }
    results = checker.check_all({path: text.encode() for path, text in pages.items()})
    found = {path: ticket_findings(r.findings) for path, r in results.items()}
    assert found["a.md"] == [
        (1, "PM427", "the ticket states in postmortem-tickets.json are 19 days old (synced 2026-09-01)"),
        (ROW[2], "PM428", "action item 2's ticket acme/ops#9 is not in postmortem-tickets.json yet"),
    ]
    assert found["b.md"] == []
    fresh = Checker(Settings(today=TODAY, tickets={"max_age_days": 30}), tmp_path)
    assert "PM427" not in {f.rule for f in fresh.check("a.md", pages["a.md"].encode()).findings}


def test_configuration_errors(tmp_path: Path) -> None:
    (tmp_path / "postmortem-tickets.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"tickets: state_file: .*postmortem-tickets.json: not JSON \(.*\) — run `mkdocs-postmortem sync`, "
        r"which reads past it and writes it anew \(or delete the file\)",
    ):
        Settings(today=TODAY).context(tmp_path)
    (tmp_path / "postmortem-tickets.json").write_text("<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> b\n", "utf-8")
    with pytest.raises(ConfigError, match=r"postmortem-tickets.json: holds merge-conflict markers — run"):
        Settings(today=TODAY).context(tmp_path)
    (tmp_path / "postmortem-tickets.json").write_text('{"version": 2, "synced": "2026-01-01"}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"version: Input should be 1"):
        Settings(today=TODAY).context(tmp_path)
    with pytest.raises(ConfigError, match="tickets: required_for: 'Sev-9' is not a severity"):
        Settings(today=TODAY, tickets={"required_for": ["Sev-9"]}).context(tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not an http"):
        TicketOptions(jira_url="acme.atlassian.net")


def test_tracker_logins_from_the_people_file() -> None:
    owners = {
        "priya": "Priya Raman",
        "priya raman": "Priya Raman",
        "@priya-r": "Priya Raman",
        "gitlab:praman": "Priya Raman",
    }
    assert tracker_login("priya", "github", owners) == "priya-r"
    assert tracker_login("Priya Raman", "gitlab", owners) == "praman"
    assert tracker_login("Nobody", "github", owners) is None
    assert tracker_login("Priya", "github", None) is None


def test_a_misspelt_tickets_option_is_named_with_a_suggestion() -> None:
    from mkdocs_postmortem.options import validate_options

    with pytest.raises(ConfigError, match=r"unknown option 'tickets\.jira_urll' — did you mean 'jira_url'\?"):
        validate_options({"tickets": {"jira_urll": "https://x.test"}}, "mkdocs.yml")


def test_a_tracking_column_of_other_words_is_no_ticket_column(tmp_path: Path) -> None:
    text = with_tickets("weekly review", "weekly review", "—", header="Tracking")
    assert ticket_findings(findings(tmp_path, text)) == []


def test_tickets_on_another_server_keep_it_and_are_not_synced() -> None:
    options = TicketOptions(gitlab_url="https://git.acme.test")
    here, there = (
        parse_reference(url, (), options.hosts)
        for url in ("https://git.acme.test/g/p/-/issues/3", "https://gitlab.example.org/g/p/-/issues/3")
    )
    assert isinstance(here, Ticket) and isinstance(there, Ticket)
    assert (here.key, there.key) == ("gitlab:g/p#3", "https://gitlab.example.org/g/p/-/issues/3")
    assert ticket_url(there, options) == "https://gitlab.example.org/g/p/-/issues/3"
    assert unsyncable(here, options) is None
    assert unsyncable(there, options) == (
        "g/p#3 is on gitlab.example.org, not on the GitLab this site configures (git.acme.test)"
    )
    jira = parse_reference(
        "https://evil.example/browse/OPS-1", (), TicketOptions(jira_url="https://jira.acme.test").hosts
    )
    assert isinstance(jira, Ticket) and jira.base == "https://evil.example"
    assert unsyncable(jira, TicketOptions(jira_url="https://jira.acme.test")) is not None
    assert unsyncable(Ticket("jira", "HR", 412), TicketOptions()) == "HR-412 is a Jira key, but no Jira is configured"
    enterprise = TicketOptions(github_url="https://github.acme.test")
    public = parse_reference("https://github.com/acme/ops/issues/1", (), enterprise.hosts)
    assert isinstance(public, Ticket) and public.base == "https://github.com"
    assert unsyncable(public, enterprise) is not None


def test_pm428_tickets_sync_cannot_ask_for(tmp_path: Path) -> None:
    text = with_tickets("acme/ops#1", "HR-2", "https://gitlab.example.org/g/p/-/issues/3")
    assert ticket_findings(findings(tmp_path, text, tickets={})) == []  # sync never ran: nothing to say
    states(tmp_path, {"acme/ops#1": {"state": "closed"}})
    assert ticket_findings(findings(tmp_path, text, tickets={})) == [
        (ROW[2], "PM428", "action item 2's ticket cannot be synced: HR-2 is a Jira key, but no Jira is configured"),
        (
            ROW[3],
            "PM428",
            "action item 3's ticket cannot be synced: g/p#3 is on gitlab.example.org, not on the GitLab this site "
            "configures (gitlab.com)",
        ),
    ]
    jira = {"jira_url": "https://jira.acme.test"}
    assert [m for _, _, m in ticket_findings(findings(tmp_path, text, tickets=jira))] == [
        "action item 2's ticket HR-2 is not in postmortem-tickets.json yet",
        "action item 3's ticket cannot be synced: g/p#3 is on gitlab.example.org, not on the GitLab this site "
        "configures (gitlab.com)",
    ]


def test_pm423_reads_wont_do(tmp_path: Path) -> None:
    states(tmp_path, {"acme/ops#3": {"state": "open"}})
    text = with_tickets("", "", "acme/ops#3").replace("| Open |", "| Won't do — superseded |")
    assert [m for _, rule, m in ticket_findings(findings(tmp_path, text)) if rule == "PM423"] == [
        "action item 3 is marked won't do but its ticket acme/ops#3 is still open"
    ]
