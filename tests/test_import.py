"""`mkdocs-postmortem import`'s core: post-mortems written in other styles, imported into the template's
shape, then checked.

Each fixture of `tests/fixtures/import/` is written the way a real team writes post-mortems (a Google SRE
book appendix page with bold labels, a PagerDuty template page, a Material blog post, a numbered ADR-like
page, a German homelab wiki page). For each: the import keeps every word of the original; `check` on the
result reports only what a person must still supply (placeholders, missing content, sign-off), never a
finding caused by the shape the importer wrote; and the timeline, action items and whys are read as meant.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_postmortem.fidelity import reporting_rule
from mkdocs_postmortem.importer import (
    Imported,
    ImportOptionError,
    date_from_file_name,
    find_date,
    git_author,
    import_page,
    infer_severity,
)
from mkdocs_postmortem.model import Divergence, Finding, PostMortem
from mkdocs_postmortem.parse import parse_postmortem
from mkdocs_postmortem.template import ActionState, default_template, load_template

from .conftest import FIXTURES, check_text

IMPORTS = FIXTURES / "import"
TODAY = dt.date(2026, 9, 20)

# What `check` may say of an imported page: what a person has to supply or decide, and facts about the
# original's own content. Everything else (PM003/PM004 shapes, YAML, missing keys, header lines, times,
# due dates and statuses the importer wrote, impact rows, regulatory lines) would be the importer's fault.
ALLOWED = {
    "PM103",  # a placeholder value in the front matter (checked below: only placeholders)
    "PM201",  # a section left empty (checked below: never "missing")
    "PM202",  # the blank template's placeholders
    "PM203",  # the summary's length (the original's sentences)
    "PM301",  # a timeline with no rows (nothing time-stamped in the original)
    "PM302",  # a time the original wrote that could not be read (checked below: as written there)
    "PM303",  # the original's order
    "PM321",  # the original names people in "what went wrong"
    "PM331",  # fewer than five whys
    "PM332",  # no underlying systemic cause
    "PM401",  # no action items
    "PM402",  # an action item without an owner or status
    "PM403",  # the original gave an item two owners
    "PM408",  # the original's vague actions
    "PM409",  # no action updates the runbook
    "PM410",  # the original's items are overdue
    "PM502",  # the original's N/A without a reason
    "PM601",  # sign-off names and dates
    "PM701",  # a draft past its write-up deadline
}

FIXTURE_OPTIONS: dict[str, dict[str, object]] = {
    "recipe-search-postmortem.md": {},
    "2024-03-02-checkout-outage.md": {"agent": "checkout-api", "author": "Priya Raman"},
    "payments-webhook-delay.md": {"agent": "payments-webhooks"},
    "0007-redis-failover.md": {},
    "nextcloud-ausfall.md": {},
}

# What `check` reports on each imported fixture (today 2026-09-20, the CoE template).
EXPECTED: dict[str, dict[str, int]] = {
    "recipe-search-postmortem.md": {
        "PM103": 2,  # agent and severity: neither is in the page
        "PM202": 13,
        "PM203": 1,
        "PM331": 1,
        "PM332": 1,
        "PM601": 4,
    },
    "2024-03-02-checkout-outage.md": {
        "PM202": 6,
        "PM331": 1,
        "PM332": 1,
        "PM402": 1,
        "PM410": 2,
        "PM701": 1,
    },
    "payments-webhook-delay.md": {
        "PM202": 14,
        "PM203": 1,
        "PM331": 1,
        "PM332": 1,
        "PM402": 3,
        "PM409": 1,
        "PM701": 1,
    },
    "0007-redis-failover.md": {
        "PM103": 1,  # author: not in the page
        "PM202": 16,
        "PM203": 1,
        "PM302": 1,  # `~22:30`, as the original wrote it
        "PM332": 1,
        "PM402": 1,
        "PM409": 1,
        "PM410": 1,
        "PM601": 4,
    },
    "nextcloud-ausfall.md": {
        "PM103": 1,  # severity: `hoch` is not on the scale
        "PM202": 11,
        "PM331": 1,
        "PM332": 1,
        "PM402": 1,
        "PM601": 4,
    },
}


# Helpers -------------------------------------------------------------------------------------------


def words(text: str) -> Counter[str]:
    """The words of Markdown text as a reader sees them: a task list's `[x]` and an ordered list's
    numbers are markup; numbers compare without leading zeros (`09:05` reads 9 and 5)."""
    text = re.sub(r"(?m)^([ \t>]*(?:[-*+]|\d+[.)])[ \t]+)\[[ xX]\]", r"\1", text)
    text = re.sub(r"(?m)^([ \t>]*)\d+[.)](?=\s)", r"\1", text)
    return Counter((w.lstrip("0") or "0") if w.isdigit() else w.casefold() for w in re.findall(r"[^\W_]+", text))


def body_of(text: str) -> str:
    match = re.match(r"^---[ \t]*\n.*?\n---[ \t]*\n", text, re.DOTALL)
    return text[match.end() :] if match else text


def front_matter(text: str) -> dict[str, object]:
    match = re.match(r"^---[ \t]*\n(.*?\n)---[ \t]*\n", text, re.DOTALL)
    assert match, "the imported page starts with front matter"
    loaded = yaml.safe_load(match.group(1))
    assert isinstance(loaded, dict)
    return loaded


def check(imported: Imported) -> list[Finding]:
    return check_text(imported.text, imported.suggested_name, TODAY)


def flat(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).split())


def assert_only_allowed(findings: list[Finding], original: str, imported: Imported) -> None:
    """Only findings a person must act on, each of the kind the importer may leave."""
    unexpected = [f"{f.line} {f.rule} {f.message}" for f in findings if f.rule not in ALLOWED]
    assert not unexpected, "\n".join(unexpected)
    metadata = front_matter(imported.text)
    for finding in findings:
        if finding.rule == "PM103":
            key = finding.message.split("`")[1]
            value = metadata[key]
            assert value == "" or (isinstance(value, str) and value.startswith("[")), finding.message
        elif finding.rule == "PM201":
            assert "is empty" in finding.message, finding.message
        elif finding.rule == "PM302":
            time = finding.message.split("'")[1]
            assert flat(time) in flat(original), f"PM302 on a time the importer wrote: {finding.message}"


def assert_words_kept(original: str, imported: Imported) -> None:
    lost = words(body_of(original)) - words(imported.text)
    assert not lost, f"words lost: {dict(lost)}"
    assert not any(item.startswith("some words") for item in imported.todo), "the safety net was needed"


def imported_fixture(name: str) -> tuple[str, Imported]:
    text = (IMPORTS / name).read_text(encoding="utf-8")
    options = FIXTURE_OPTIONS[name]
    return text, import_page(text, file_name=name, today=TODAY, **options)  # type: ignore[arg-type]


def parsed(imported: Imported) -> PostMortem:
    return parse_postmortem(imported.suggested_name, imported.text)


def reported_divergences(imported: Imported) -> list[Divergence]:
    """Where MkDocs renders the page otherwise than `check` reads it, on a site without list extensions."""
    return [d for d in parsed(imported).divergences if reporting_rule(d, frozenset()) is not None]


# The fixtures ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURE_OPTIONS))
def test_fixture_imports_into_a_page_check_reads(name: str) -> None:
    original, imported = imported_fixture(name)
    findings = check(imported)
    assert_only_allowed(findings, original, imported)
    assert dict(Counter(f.rule for f in findings)) == EXPECTED[name]
    assert_words_kept(original, imported)
    pm = parsed(imported)
    assert set(pm.sections) == set(default_template().sections), "every section of the template is there"
    assert not reported_divergences(imported), "MkDocs renders the page as it is read"
    assert front_matter(imported.text)["status"] == "draft"
    assert imported.inferred and imported.todo


@pytest.mark.parametrize("name", sorted(FIXTURE_OPTIONS))
def test_importing_twice_changes_nothing_more(name: str) -> None:
    """The imported page imported again reads the same: its timeline, items and whys stay."""
    _, first = imported_fixture(name)
    again = import_page(first.text, file_name=first.suggested_name, today=TODAY)
    one, two = parsed(first), parsed(again)
    assert [(e.time, e.event) for e in one.timeline or []] == [(e.time, e.event) for e in two.timeline or []]
    assert [(a.action, a.owner, a.due, a.status) for a in one.actions or []] == [
        (a.action, a.owner, a.due, a.status) for a in two.actions or []
    ]
    assert [(w.question, w.answer) for w in one.whys] == [(w.question, w.answer) for w in two.whys]
    assert not words(body_of(first.text)) - words(again.text)


def test_google_sre_style_bold_labels() -> None:
    """Bold labels, a `**hh:mm**` timeline under a date line, `Lessons Learned` over three lists."""
    _, imported = imported_fixture("recipe-search-postmortem.md")
    meta = front_matter(imported.text)
    assert meta["incident_date"] == dt.date(2024, 6, 8)
    assert meta["author"] == "aleung, bkowalski, cdiaz"
    assert meta["agent"] == "[Agent ID]" and meta["severity"] == "[Severity]"
    assert imported.suggested_name == "2024-06-08-recipe-search-postmortem.md"
    pm = parsed(imported)
    assert pm.title == "Recipe Search++ Postmortem (incident #512)"
    assert len(pm.timeline or []) == 11
    first, last = (pm.timeline or [])[0], (pm.timeline or [])[-1]
    assert (first.time, first.event) == ("2024-06-08 18:02", "The cooking show airs the sourdough segment")
    assert last.time == "2024-06-08 19:40" and last.event.startswith("INCIDENT ENDS")
    assert all(event.at is not None for event in pm.timeline or [])
    actions = pm.actions or []
    assert [a.owner for a in actions] == ["aleung", "bkowalski", "dfischer", "cdiaz", "cdiaz", "efranke"]
    assert [a.state for a in actions[:2]] == [ActionState.DONE, ActionState.OPEN]
    assert actions[0].severity == "mitigate" and actions[0].extra == {"Bug": "n/a DONE"}
    assert pm.summary is not None and pm.summary.text.startswith("Recipe Search was down for 71 minutes")
    assert pm.went_wrong[0].text == "We are out of practice in responding to cascading failure"
    # "Where we got lucky" is a subsection of what went well; the header lines moved to Other notes.
    went_well = imported.text.split("## 4. What went well", 1)[1].split("## 5.", 1)[0]
    assert "### Where we got lucky" in went_well and "A food blogger" in went_well
    other = imported.text.split("## Other notes", 1)[1]
    assert "- **Status:** Complete, action items in progress" in other
    assert "### Supporting information" in other
    assert "## 6. Root cause (5 whys) (Root Causes)" in imported.text
    assert "### Trigger" in imported.text.split("## 6.", 1)[1].split("## 7.", 1)[0]
    assert "incident_date 2024-06-08 from 'Date:' on line 3" in imported.inferred


def test_pagerduty_style() -> None:
    """H1 sections, a `Time (UTC) | Event | Data Link` table of times of day, impact lines without a
    header, a task list with owners and due dates."""
    _, imported = imported_fixture("2024-03-02-checkout-outage.md")
    meta = front_matter(imported.text)
    assert (meta["agent"], meta["severity"], meta["incident_date"]) == ("checkout-api", "Sev-2", dt.date(2024, 3, 2))
    assert meta["author"] == "Priya Raman"
    assert imported.suggested_name == "2024-03-02-checkout-api.md"
    assert "incident_date 2024-03-02 from the file name" in imported.inferred
    pm = parsed(imported)
    timeline = pm.timeline or []
    assert [e.time for e in timeline][:2] == ["2024-03-02 13:40", "2024-03-02 13:52"]
    assert "| Time (UTC) | Event | Data Link |" in imported.text
    assert "[deploy log](https://deploys.example.com/checkout/4.18)" in imported.text
    dimensions = [row.dimension for row in pm.impact or []]
    assert dimensions[:2] == ["Time in SEV-2", "Notifications Delivered out of SLA"]
    assert {"Customer impact", "Regulatory exposure"} <= set(dimensions)
    actions = pm.actions or []
    assert [(a.owner, a.due, a.state) for a in actions] == [
        ("@tbecker", "2024-03-04", ActionState.DONE),
        ("@praman", "2024-03-15", ActionState.OPEN),
        ("Priya Raman", "[YYYY-MM-DD]", ActionState.OPEN),
        ("", "2024-03-22", ActionState.OPEN),
    ]
    assert actions[0].action == "Restore the pool size override under its new name (owner: @tbecker, due 2024-03-04)"
    assert len(pm.went_well) == 2 and len(pm.went_wrong) == 2
    assert "## 4. What went well (How'd We Do? › What Went Well?)" in imported.text
    communications = imported.text.split("## 8. Communications (Messaging)", 1)[1].split("## 9.", 1)[0]
    assert "### Internal" in communications and "### External" in communications
    assert "### Responders" in imported.text.split("## Other notes", 1)[1]


def test_material_blog_post() -> None:
    """Blog front matter kept (`date` is the write-up date and, with no better source, the incident's),
    one heading per time stamp, a customer-impact subsection, `**Why?** Because` pairs over paragraphs."""
    _, imported = imported_fixture("payments-webhook-delay.md")
    meta = front_matter(imported.text)
    assert meta["incident_date"] == meta["date"] == dt.date(2024, 5, 14)
    assert meta["authors"] == ["mmoradi"] and meta["categories"] == ["Incidents", "Payments"]
    assert meta["tags"] == ["webhooks"] and meta["slug"] == "payments-webhook-delay"
    assert (meta["agent"], meta["severity"], meta["author"]) == ("payments-webhooks", "Sev-2", "mmoradi")
    assert "<!-- more -->" in imported.text
    pm = parsed(imported)
    assert [e.time for e in pm.timeline or []] == [
        "2024-05-14 07:55 UTC",
        "2024-05-14 08:10 UTC",
        "2024-05-14 09:02 UTC",
        "2024-05-14 10:05 UTC",
    ]
    assert (pm.timeline or [])[1].event.startswith("Queue depth alert — The webhook queue depth alert fired.")
    customer = next(row for row in pm.impact or [] if row.dimension == "Customer impact")
    assert customer.impact.startswith("Around 320 merchants")
    assert [(w.question, w.answer) for w in pm.whys] == [
        ("Why were webhooks delayed?", "Because the delivery workers stopped consuming the queue."),
        (
            "Why did the workers stop consuming?",
            "Because their connections to the broker failed after the certificate rotation, and they kept "
            "retrying with the old certificate.",
        ),
        ("Why did they keep the old certificate?", "Because the workers load certificates only at start-up."),
    ]
    actions = pm.actions or []
    assert [(a.owner, a.state) for a in actions] == [
        ("Sofia Lindqvist", None),
        ("Arjun Mehta", None),
        ("", ActionState.DONE),
    ]


def test_adr_like_page() -> None:
    """`0007-` is not a date; `Date:`, `Severity: P2` (mapped by order), `Service:` lines; a timeline table
    in another shape, in CET; numbered whys with an answer on the next line; a task table."""
    _, imported = imported_fixture("0007-redis-failover.md")
    meta = front_matter(imported.text)
    assert (meta["agent"], meta["severity"], meta["incident_date"]) == ("session-store", "Sev-2", dt.date(2023, 11, 8))
    assert imported.suggested_name == "2023-11-08-session-store.md"
    assert "severity Sev-2 from 'P2' ('Severity:' on line 7)" in imported.inferred
    pm = parsed(imported)
    assert pm.title == "7. Redis failover during maintenance window"
    timeline = pm.timeline or []
    assert [e.time for e in timeline] == [
        "2023-11-08 21:00",
        "2023-11-08 21:14",
        "2023-11-08 21:16",
        "~22:30",  # kept as written: check reports it
        "2023-11-08 21:41",
        "2023-11-08 22:05",
    ]
    assert timeline[1].event == "(22:14 CET) redis-1 stops responding; Sentinel promotes redis-2"
    assert "| Time (UTC) (When) | Event (What happened) | Who |" in imported.text
    assert len(pm.whys) == 5 and all(w.answer.startswith("Because") for w in pm.whys)
    assert pm.whys[2].question == "Why was the replica so far behind?"
    actions = pm.actions or []
    assert [(a.owner, a.due, a.state) for a in actions] == [
        ("Jana Novak", "2023-11-15", ActionState.DONE),
        ("Jana Novak", "[YYYY-MM-DD] (end of November)", ActionState.IN_PROGRESS),
        ("", "2023-12-15", ActionState.OPEN),
    ]
    assert "| # | Action (Task) | Severity | Owner (Assignee) | Due (Deadline) | Status (State) |" in imported.text
    other = imported.text.split("## Other notes", 1)[1]
    assert "- Status: Resolved" in other and "### Consequences" in other


def test_german_homelab_page() -> None:
    """German headings, a header paragraph of bold labels, times in MEZ (`19:42 Uhr`), `Warum …? Weil …`."""
    _, imported = imported_fixture("nextcloud-ausfall.md")
    meta = front_matter(imported.text)
    assert (meta["agent"], meta["author"], meta["incident_date"]) == (
        "nextcloud",
        "Max Mustermann",
        dt.date(2024, 1, 12),
    )
    assert meta["severity"] == "[Severity]"
    assert any("'hoch'" in item and "Sev-1, Sev-2 or Sev-3" in item for item in imported.todo)
    pm = parsed(imported)
    timeline = pm.timeline or []
    assert (timeline[0].time, timeline[0].event) == ("2024-01-12 18:42", "(19:42 Uhr) Stromausfall im ganzen Haus")
    assert timeline[-1].time == "2024-01-12 22:14"
    assert "## 2. Timeline (Zeitablauf)" in imported.text
    assert (pm.whys[0].question, pm.whys[0].answer) == (
        "Warum war die Nextcloud nicht erreichbar?",
        "Weil das NAS nach dem Stromausfall ausgeschaltet blieb.",
    )
    assert len(pm.whys) == 4
    actions = pm.actions or []
    assert [(a.owner, a.due, a.state) for a in actions] == [
        ("Max", "2024-01-13", ActionState.DONE),
        ("Max", "[YYYY-MM-DD]", ActionState.OPEN),
        ("", "[YYYY-MM-DD]", ActionState.OPEN),
    ]
    assert len(pm.went_well) == 2 and len(pm.went_wrong) == 2
    assert "### Notizen" in imported.text.split("## Other notes", 1)[1]


# Shapes, one at a time -------------------------------------------------------------------------------


def imported(text: str, name: str = "2024-03-02-db-outage.md", **options: object) -> Imported:
    result = import_page(text, file_name=name, today=TODAY, **options)  # type: ignore[arg-type]
    findings = check(result)
    assert_only_allowed(findings, text, result)
    assert_words_kept(text, result)
    assert not reported_divergences(result)
    return result


@pytest.mark.parametrize(
    ("line", "time", "event"),
    [
        ("- 14:02 UTC — Database failover starts", "2024-03-02 14:02 UTC", "Database failover starts"),
        ("* **14:02** Database failover starts", "2024-03-02 14:02", "Database failover starts"),
        ("- **14:02 UTC**: Database failover starts", "2024-03-02 14:02 UTC", "Database failover starts"),
        ("- 2024-03-03 09:05 — Database failover starts", "2024-03-03 09:05", "Database failover starts"),
        ("- 9:05 — Database failover starts", "2024-03-02 09:05", "Database failover starts"),
        ("- 2:05 PM - Database failover starts", "2024-03-02 14:05", "(2:05 PM) Database failover starts"),
        ("- 14:02:30Z Database failover starts", "2024-03-02 14:02:30", "(14:02:30Z) Database failover starts"),
        ("- 16:02 CEST — Database failover starts", "2024-03-02 14:02", "(16:02 CEST) Database failover starts"),
        (
            "- Mar 3, 2024 14:02 — Database failover starts",
            "2024-03-03 14:02",
            "(Mar 3, 2024 14:02) Database failover starts",
        ),
        ("- 14:02 IST — Database failover starts", "14:02 IST", "Database failover starts"),  # which IST?
        ("- ~14:00 Database failover starts", "~14:00", "Database failover starts"),
    ],
)
def test_timeline_list_items(line: str, time: str, event: str) -> None:
    text = f"# DB outage\n\n## Timeline\n\n- 13:58 UTC — Replica lag alert\n{line}\n"
    pm = parsed(imported(text))
    row = (pm.timeline or [])[1]
    assert (row.time, row.event) == (time, event)


def test_timeline_one_heading_per_time_stamp_and_days() -> None:
    text = (
        "# DB outage\n\n## Timeline\n\n### 2024-03-02\n\n#### 23:50 — Backup starts\n\nThe nightly backup"
        " job starts.\n\n#### 00:10 — Replica lag\n\n- lag reaches 40 s\n- alert fires\n\n### Lessons\n\nMore "
        "text under the timeline.\n"
    )
    result = imported(text)
    pm = parsed(result)
    assert [(e.time, e.event) for e in pm.timeline or []] == [
        ("2024-03-02 23:50", "Backup starts — The nightly backup job starts."),
        ("2024-03-03 00:10", "Replica lag — lag reaches 40 s; alert fires"),
    ]
    assert "timeline: times after midnight taken as the next day" in result.inferred
    assert "### Lessons\n\nMore text under the timeline." in result.text


def test_timeline_without_a_date_keeps_the_times_as_written() -> None:
    text = "# DB outage\n\n## Timeline\n\n- 14:02 — Failover\n- 14:10 — Recovered\n"
    result = imported(text, name="db-outage.md")
    pm = parsed(result)
    assert [e.time for e in pm.timeline or []] == ["14:02", "14:10"]
    findings = [f for f in check(result) if f.rule == "PM302"]
    assert len(findings) == 2
    assert any("could not be read" in item for item in result.todo)


def test_timeline_zone_from_its_heading_and_unsure_zones() -> None:
    text = "# Outage\n\n## Timeline (all times PDT)\n\n- 07:02 — Failover\n- 07:10 — Recovered\n"
    pm = parsed(imported(text))
    assert [e.time for e in pm.timeline or []] == ["2024-03-02 14:02", "2024-03-02 14:10"]
    text = "# Outage\n\n## Timeline\n\n- 07:02 — Failover\n"
    result = imported(text)
    assert any("taken as UTC" in item for item in result.todo)


def test_timeline_table_with_date_and_time_columns() -> None:
    text = (
        "# Outage\n\n## Timeline\n\n| Date | Time | Description | Source |\n|---|---|---|---|\n"
        "| 2024-03-02 | 14:02 | Failover | pager |\n| | 14:30 | Recovered | |\n"
    )
    result = imported(text)
    pm = parsed(result)
    assert [(e.time, e.event) for e in pm.timeline or []] == [
        ("2024-03-02 14:02", "Failover"),
        ("2024-03-02 14:30", "Recovered"),
    ]
    assert "| Time (UTC) (Date Time) | Event (Description) | Source |" in result.text


def test_timeline_zone_from_the_times_its_rows_give() -> None:
    text = "# Outage\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 22:14 CET | Failover |\n| 22:16 | Logins fail |\n"
    pm = parsed(imported(text))
    assert [e.time for e in pm.timeline or []] == ["2024-03-02 21:14", "2024-03-02 21:16"]


def test_a_word_after_a_time_is_not_a_zone() -> None:
    text = "# Panne\n\n## Chronologie\n\n- 14:02 UTC — alerte\n- 14:05 et puis la base redémarre\n"
    pm = parsed(imported(text))
    assert [(e.time, e.event) for e in pm.timeline or []][1] == ("2024-03-02 14:05", "et puis la base redémarre")


@pytest.mark.parametrize(
    ("item", "owner", "due", "state"),
    [
        ("- [ ] Add a lag alert (owner: @bob, due 2024-04-01)", "@bob", "2024-04-01", ActionState.OPEN),
        ("- [x] Add a lag alert (owner: @bob, due 2024-04-01)", "@bob", "2024-04-01", ActionState.DONE),
        ("- Add a lag alert — Bob Smith", "Bob Smith", "[YYYY-MM-DD]", None),
        ("- Add a lag alert, assigned to @carol by 1 April 2024", "@carol", "2024-04-01", None),
        ("- Add a lag alert (Owner: Dana; status: in progress)", "Dana", "[YYYY-MM-DD]", ActionState.IN_PROGRESS),
        ("- Add a lag alert ✅", "", "[YYYY-MM-DD]", ActionState.DONE),
        ("1. Add a lag alert (done)", "", "[YYYY-MM-DD]", ActionState.DONE),
    ],
)
def test_action_list_items(item: str, owner: str, due: str, state: ActionState | None) -> None:
    text = f"# DB outage\n\n## Action items\n\n{item}\n"
    pm = parsed(imported(text))
    (action,) = pm.actions or []
    assert (action.owner, action.due, action.state) == (owner, due, state)
    assert action.action.startswith("Add a lag alert")


def test_words_that_only_look_like_an_owner() -> None:
    pm = parsed(imported("# X\n\n## Action items\n\n- Find out who broke the nightly job\n"))
    assert [a.owner for a in pm.actions or []] == [""]


def test_action_table_in_another_shape() -> None:
    text = (
        "# DB outage\n\n## Follow-ups\n\n| Task | Who | When | Done? | Ticket |\n|---|---|---|---|---|\n"
        "| Add a lag alert | Bob | 2024-04-01 | yes | OPS-1 |\n| Rotate the keys | Carol | next sprint | WIP | |\n"
    )
    result = imported(text)
    pm = parsed(result)
    assert [(a.action, a.owner, a.due, a.state) for a in pm.actions or []] == [
        ("Add a lag alert", "Bob", "2024-04-01", None),
        ("Rotate the keys", "Carol", "[YYYY-MM-DD] (next sprint)", ActionState.IN_PROGRESS),
    ]
    assert (pm.actions or [])[0].extra == {"Ticket": "OPS-1", "Status as written": "yes"}
    assert "PM405" not in {f.rule for f in check(result)}


def test_action_tables_per_subsection_stay_apart() -> None:
    text = "# DB outage\n\n## Action items\n\n### Short term\n\n- Add a lag alert\n\n### Long term\n\n- Move to Postgres 16\n"
    result = imported(text)
    assert [a.number for a in parsed(result).actions or []] == ["1", "2"]
    assert (
        result.text.index("### Short term") < result.text.index("Add a lag alert") < result.text.index("### Long term")
    )


@pytest.mark.parametrize(
    "whys",
    [
        "1. Why did X fail? Because Y.\n2. Why did Y? Because Z.",
        "- Why did X fail? — Because Y.\n- Why did Y?\n  Because Z.",
        "**Why 1:** Why did X fail? Because Y.\n**Why 2:** Why did Y? Because Z.",
        "Why did X fail?\n\nBecause Y.\n\nWhy did Y?\n\nBecause Z.",
    ],
)
def test_whys(whys: str) -> None:
    text = f"# DB outage\n\n## Root cause\n\n{whys}\n"
    pm = parsed(imported(text))
    assert [(w.question.split(": ")[-1], w.answer) for w in pm.whys] == [
        ("Why did X fail?", "Because Y."),
        ("Why did Y?", "Because Z."),
    ]


def test_a_paragraph_after_an_unanswered_why_answers_it_only_if_it_says_because() -> None:
    pm = parsed(imported("# X\n\n## Root cause\n\nWhy did the job stop?\n\nDaily backups kept running.\n"))
    assert [(w.question, w.answer) for w in pm.whys] == [("Why did the job stop?", "[Because …]")]


def test_a_question_without_answer_gets_a_placeholder() -> None:
    result = imported("# DB outage\n\n## Five whys\n\n1. Why did X fail?\n2. Why did Y? Because Z.\n")
    assert "- Q: Why did X fail? A: [Because …]" in result.text
    assert "PM202" in {f.rule for f in check(result)}


def test_setext_headings_bold_labels_and_plain_labels() -> None:
    text = (
        "DB outage\n=========\n\nSeverity: SEV-1\nService: Orders DB\n\nImpact\n------\n\nOrders failed.\n\n"
        "**Root cause**\n\nThe disk filled up.\n\n**Note:** not a heading.\n"
    )
    result = imported(text)
    meta = front_matter(result.text)
    assert (meta["severity"], meta["agent"]) == ("Sev-1", "orders-db")
    assert "## 3. Impact\n\nOrders failed." in result.text
    assert "## 6. Root cause (5 whys)\n\nThe disk filled up.\n\n**Note:** not a heading." in result.text


def test_blank_answers_of_the_original_get_the_template_prompt() -> None:
    text = (
        "# X\n\n## Impact\n\n| Dimension | Impact |\n|---|---|\n| Customer impact | |\n| Users | 5 |\n\n"
        "## Regulatory considerations\n\n- **Internal audit:**\n- SOX — N/A: no financial data was involved.\n"
    )
    result = imported(text)
    assert "| Customer impact | [None / describe] |" in result.text
    assert "| Regulatory exposure | [None / describe] |" in result.text
    assert "- **Internal audit:** [Notified / not applicable]" in result.text
    assert "- **EU AI Act Article 73 serious incident reporting:** [Applicable? / N/A — reasoning]" in result.text
    assert len(parsed(result).regulatory) == 3


def test_the_write_up_date_is_not_after_the_first_sign_off() -> None:
    text = "# X\n\n## Sign-off\n\n| Role | Name | Date |\n|---|---|---|\n| Author | Ada | 2024-03-05 |\n"
    result = imported(text, agent="db", severity="Sev-2")
    assert front_matter(result.text)["date"] == dt.date(2024, 3, 5)
    assert "PM602" not in {f.rule for f in check(result)}


def test_content_that_fits_no_section_goes_to_other_notes() -> None:
    text = "# DB outage\n\n## Summary\n\nThe disk filled up.\n\n## Glossary of terms we use\n\nWAL: write-ahead log.\n"
    result = imported(text)
    other = result.text.split("## Other notes", 1)[1]
    assert "### Glossary of terms we use\n\nWAL: write-ahead log." in other
    assert result.text.rstrip().endswith("WAL: write-ahead log.")


def test_missing_sections_get_the_template_blank() -> None:
    result = imported("# DB outage\n\nThe disk filled up.\n")
    pm = parsed(result)
    assert pm.summary is not None and pm.summary.text == "The disk filled up."
    assert "- [Item 1]" in result.text  # what went well, as `new` writes it
    findings = check(result)
    assert {f.rule for f in findings} >= {"PM202", "PM301", "PM402"}
    assert "PM201" not in {f.rule for f in findings}


def test_a_page_already_in_the_template_shape_stays_as_it_is() -> None:
    """The worked example imported: only what its own content says, and a draft."""
    text = (FIXTURES / "worked_example.md").read_text(encoding="utf-8")
    result = imported(text, name="2026-08-14-finance-invoice-recon.md")
    assert {f.rule for f in check(result)} == {"PM203", "PM321", "PM403", "PM701"}
    original, again = parse_postmortem("a.md", text), parsed(result)
    assert [(e.time, e.event) for e in original.timeline or []] == [(e.time, e.event) for e in again.timeline or []]
    assert [(a.action, a.owner, a.due, a.status) for a in original.actions or []] == [
        (a.action, a.owner, a.due, a.status) for a in again.actions or []
    ]
    assert [(w.question, w.answer) for w in original.whys] == [(w.question, w.answer) for w in again.whys]
    assert len(again.regulatory) == 3 and len(again.signoff or []) == 4
    assert result.todo == ["status: draft — set open (or closed) once the page is complete and reviewed"]


def test_front_matter_that_is_not_yaml_is_kept_as_written() -> None:
    text = "---\ntitle: [unclosed\n---\n# DB outage\n\nThe disk filled up.\n"
    result = imported(text, name="db.md")
    assert "title: [unclosed" in result.text.split("## Other notes", 1)[1]
    assert any("not a YAML mapping" in item for item in result.todo)


def test_options_win_and_are_checked() -> None:
    text = "# DB outage\n\nSeverity: SEV-1\nService: orders\n"
    result = imported(text, agent="orders-db", severity="sev 2", author="Ada")
    meta = front_matter(result.text)
    assert (meta["agent"], meta["severity"], meta["author"]) == ("orders-db", "Sev-2", "Ada")
    with pytest.raises(ImportOptionError, match="--severity"):
        import_page(text, file_name="x.md", today=TODAY, severity="Sev-9")
    with pytest.raises(ImportOptionError, match="--severity: Sev-4 needs no post-mortem"):
        import_page(text, file_name="x.md", today=TODAY, severity="Sev-4")
    with pytest.raises(ImportOptionError, match="--agent"):
        import_page(text, file_name="x.md", today=TODAY, agent="Orders DB")


def test_author_from_the_page_wins_over_git() -> None:
    meta = front_matter(imported("# X\n\nAuthor: Jane Roe\n", author="git person").text)
    assert meta["author"] == "Jane Roe"
    meta = front_matter(imported("# X\n\nText.\n", author="git person").text)
    assert meta["author"] == "git person"


def test_written_date_and_suggested_names() -> None:
    result = imported("# X\n\nText.\n", name="0001-first.md", written=dt.date(2024, 1, 5))
    meta = front_matter(result.text)
    assert meta["date"] == dt.date(2024, 1, 5) and meta["incident_date"] == "[YYYY-MM-DD]"
    assert result.suggested_name == "0001-first.md"
    assert imported("# X\n\nText.\n", name="2024-03-02-db.md", agent="db").suggested_name == "2024-03-02-db.md"


def test_a_custom_template(tmp_path: Path) -> None:
    """The template's own sections and scale: a P-scale maps directly, the blanks are its own."""
    path = tmp_path / "t.yml"
    path.write_text(
        "sections:\n  detection_gaps:\n    title: Detection gaps\n    blank: '- [Gap 1]'\n  communications: null\n"
        "severities:\n  - {name: P1, write_up_days: 3}\n  - {name: P2, write_up_days: 7}\n  - {name: P3}\n"
        "placeholders:\n  prefixes: ['gap ']\n",
        encoding="utf-8",
    )
    template = load_template(path)
    result = import_page(
        "# X\n\nThis was a P2.\n\n## Messaging\n\nWe told them.\n", file_name="x.md", template=template, today=TODAY
    )
    assert front_matter(result.text)["severity"] == "P2"
    assert "## 10. Detection gaps\n\n- [Gap 1]" in result.text
    assert "We told them." in result.text.split("## Other notes", 1)[1]


# Inference on its own --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labelled", "text", "expected"),
    [
        ([("SEV-2", "line 3")], "", "Sev-2"),
        ([("Sev 1 (customer facing)", "line 3")], "", "Sev-1"),
        ([("sev1", "line 3")], "", "Sev-1"),
        ([("2", "line 3")], "", "Sev-2"),
        ([("P2", "line 3")], "", "Sev-2"),
        ([("P1 / SEV-1", "line 3")], "", "Sev-1"),
        ([("High", "line 3")], "", None),  # a word not on the scale
        ([("P4", "line 3")], "", None),  # Sev-4 needs no post-mortem
        ([("SEV-4", "line 3")], "", None),
        ([], "This was a SEV-2 incident; a near-miss on SEV-2 again.", "Sev-2"),
        ([], "Downgraded from SEV-1 to SEV-2 after an hour.", None),  # two levels: not sure
        ([], "Paged as P1.", "Sev-1"),
        ([], "Paged as P1, later P2.", None),
        ([], "Our P0 alarm fired; P1 customers were hit.", None),  # a P0-based scale
        ([], "p95 latency went up; AP1 is a host name.", None),
        ([], "Nothing about it.", None),
    ],
)
def test_severity_inference(labelled: list[tuple[str, str]], text: str, expected: str | None) -> None:
    guess = infer_severity(default_template(), labelled, text)
    assert guess.value == expected
    if expected is None and (labelled or "SEV" in text or "P" in text):
        assert guess.problem or not (labelled or re.search(r"\bP\d\b|SEV", text))


def test_p_scale_is_not_mapped_onto_a_scale_without_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.yml"
    path.write_text("severities:\n  - {name: Critical}\n  - {name: Major}\n  - {name: Minor}\n", encoding="utf-8")
    guess = infer_severity(load_template(path), [("P1", "line 2")])
    assert guess.value is None and "not numbered" in guess.problem
    assert infer_severity(load_template(path), [("major", "line 2")]).value == "Major"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-02", dt.date(2024, 3, 2)),
        ("on 2024/03/02 at noon", dt.date(2024, 3, 2)),
        ("02.03.2024", dt.date(2024, 3, 2)),
        ("March 2, 2024", dt.date(2024, 3, 2)),
        ("Mar 2nd 2024", dt.date(2024, 3, 2)),
        ("2 March 2024", dt.date(2024, 3, 2)),
        ("2. März 2024", dt.date(2024, 3, 2)),
        ("Outage of 12 Oct. 2023 and 2024-01-01", dt.date(2023, 10, 12)),  # the first one written
        ("03/02/2024", None),  # US or European? not read
        ("2024-02-30", None),
        ("release 4.18.2024", None),
        ("", None),
    ],
)
def test_find_date(text: str, expected: dt.date | None) -> None:
    assert find_date(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-03-02-db-outage.md", dt.date(2024, 3, 2)),
        ("docs/incidents/2024-03-02.md", dt.date(2024, 3, 2)),
        ("20240302-db-outage.md", dt.date(2024, 3, 2)),
        ("0007-redis-failover.md", None),  # an ADR-like number
        ("2024-13-02-x.md", None),
        ("1234-56-78-x.md", None),
        ("db-outage-2024-03-02.md", None),
    ],
)
def test_date_from_file_name(name: str, expected: dt.date | None) -> None:
    assert date_from_file_name(name) == expected


def test_incident_date_sources_in_order() -> None:
    def incident(text: str, name: str = "x.md") -> object:
        return front_matter(import_page(text, file_name=name, today=TODAY).text)["incident_date"]

    assert incident("# X\n\nIncident date: 2024-01-01\nDate: 2024-02-02\n", "2024-03-03-x.md") == dt.date(2024, 1, 1)
    assert incident("# X\n\nDate: 2024-02-02\n", "2024-03-03-x.md") == dt.date(2024, 3, 3)
    assert incident("# Outage on 4 March 2024\n\nDate: 2024-02-02\n") == dt.date(2024, 3, 4)
    assert incident("# X\n\nDate: 2024-02-02\n") == dt.date(2024, 2, 2)
    assert incident("---\ndate: 2024-02-05\n---\n# X\n") == dt.date(2024, 2, 5)
    assert incident("# X\n\nText.\n") == "[YYYY-MM-DD]"


# git ---------------------------------------------------------------------------------------------------


def git(cwd: Path, *args: str, author: str = "Ada Lovelace") -> None:
    environment = {
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "a@example.com",
        "HOME": str(cwd),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=environment)


def test_git_author_is_who_first_committed_the_file(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "old.md").write_text("# X\n", encoding="utf-8")
    git(tmp_path, "add", "old.md")
    git(tmp_path, "commit", "-q", "-m", "first")
    git(tmp_path, "mv", "old.md", "new.md", author="Grace Hopper")
    git(tmp_path, "commit", "-q", "-m", "renamed", author="Grace Hopper")
    assert git_author(tmp_path / "new.md") == "Ada Lovelace"
    assert git_author(tmp_path / "missing.md") is None
    (tmp_path / "untracked.md").write_text("# Y\n", encoding="utf-8")
    assert git_author(tmp_path / "untracked.md") is None


def test_git_author_outside_a_repository_without_git_or_too_slow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "x.md").write_text("# X\n", encoding="utf-8")
    assert git_author(tmp_path / "x.md") is None  # not a repository
    assert git_author(tmp_path / "nowhere" / "x.md") is None

    def too_slow(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired("git", 5.0)

    monkeypatch.setattr(subprocess, "run", too_slow)
    assert git_author(tmp_path / "x.md") is None

    def no_git(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("git")

    monkeypatch.setattr(subprocess, "run", no_git)
    assert git_author(tmp_path / "x.md") is None


# Any page -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted({*FIXTURES.glob("*.md"), *IMPORTS.glob("*.md")}), ids=lambda path: path.name)
def test_every_fixture_page_imports_cleanly(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = import_page(text, file_name=path.name, today=TODAY)
    assert not {f.rule for f in check(result)} - ALLOWED
    assert not words(body_of(text)) - words(result.text)
    assert not reported_divergences(result)


_HEADINGS = [
    "Summary",
    "Overview",
    "Timeline",
    "Timeline (all times UTC)",
    "Zeitablauf",
    "Impact",
    "Customer impact",
    "Root causes",
    "Trigger",
    "Five whys",
    "Lessons Learned",
    "What went well",
    "What didn't go so well",
    "Where we got lucky",
    "Action items",
    "Follow-up",
    "Communications",
    "Sign-off",
    "Appendix",
    "Status",
    "Random notes",
    "14:02 UTC — Alert",
    "2024-03-02",
]
_LINES = [
    "Plain text about the incident.",
    "**Severity:** SEV-2",
    "Date: 2024-03-02",
    "Author: Jane Roe",
    "**14:02** Failover starts",
    "14:05 UTC — Recovered",
    "Why did X fail? Because Y.",
    "Because Z.",
    "#channel mentioned at the start",
    "Q: Why? A: Because.",
    "Status: Complete",
    "    indented code",
    "> a quote",
    "<details>",
    "</details>",
    "[1]: https://example.com/ref",
]
_ITEMS = [
    "- 14:02 — Failover",
    "* **14:03** Page sent",
    "- [ ] Add an alert (owner: @bob, due 2024-04-01)",
    "- [x] Fix it — Bob",
    "1. Why did X fail? Because Y.",
    "2. Why did Y?",
    "  - nested by two",
    "    - nested by four",
    "1) paren list",
    "   continuation",
]
_TABLES = [
    "| Time | Event |\n|---|---|\n| 14:02 | Failover |",
    "| Task | Owner | Due |\n|---|---|---|\n| Fix it | Bob | 2024-04-01 |",
    "| Metric | Value |\n|---|---|\n| Users | 10 |",
]


@st.composite
def pages(draw: st.DrawFn) -> str:
    pieces: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["heading", "bold", "setext", "lines", "items", "table"]))
        if kind == "heading":
            pieces.append("#" * draw(st.integers(1, 3)) + " " + draw(st.sampled_from(_HEADINGS)))
        elif kind == "bold":
            pieces.append(f"**{draw(st.sampled_from(_HEADINGS))}**")
        elif kind == "setext":
            pieces.append(draw(st.sampled_from(_HEADINGS)) + "\n" + draw(st.sampled_from(["===", "---"])))
        elif kind == "lines":
            pieces.append("\n".join(draw(st.lists(st.sampled_from(_LINES), min_size=1, max_size=3))))
        elif kind == "items":
            pieces.append("\n".join(draw(st.lists(st.sampled_from(_ITEMS), min_size=1, max_size=4))))
        else:
            pieces.append(draw(st.sampled_from(_TABLES)))
    separators = draw(st.lists(st.sampled_from(["\n", "\n\n"]), min_size=len(pieces), max_size=len(pieces)))
    return "".join(piece + separator for piece, separator in zip(pieces, separators, strict=True))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(pages())
def test_any_page_imports_into_a_page_check_reads(text: str) -> None:
    """Pieces of every style, with and without blank lines between them: nothing raises, nothing is lost,
    and the result has no shape MkDocs renders otherwise and no YAML or header problem."""
    result = import_page(text, file_name="2024-03-02-x.md", today=TODAY)
    assert not words(body_of(text)) - words(result.text)
    assert not reported_divergences(result)
    rules = {f.rule for f in check(result)}
    assert not rules & {"PM000", "PM003", "PM004", "PM101", "PM102", "PM106", "PM311", "PM404", "PM405", "PM501"}
