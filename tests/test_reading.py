"""Plausible ways of writing the template are read as what they plainly mean, and messages read as English.

Each variant is written into the valid page (`tests/fixtures/valid.md`), which then has no findings;
the cases that the template really forbids keep their finding, at the line to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from mkdocs_postmortem.checker import Checker, Settings
from mkdocs_postmortem.library import Entry, Library
from mkdocs_postmortem.model import ActionState, Finding
from mkdocs_postmortem.parse import classify_status, parse_postmortem
from mkdocs_postmortem.render.pages import LIBRARY_PAGES, Renderer
from mkdocs_postmortem.template import default_template
from tests.conftest import TODAY, check_text, fixture_text, run_mkdocs, write_site
from tests.rules.test_rules import CASES

VALID = fixture_text("valid.md")


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def replaced(text: str, *pairs: str) -> str:
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def rules_and_lines(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in findings]


# 1. Timeline times: seconds and UTC markers are fine; another zone is not.


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-09-03 13:30:30", dt.datetime(2026, 9, 3, 13, 30, 30)),
        ("2026-09-03T13:30Z", dt.datetime(2026, 9, 3, 13, 30)),
        ("2026-09-03 13:30:30+00:00", dt.datetime(2026, 9, 3, 13, 30, 30)),
        ("2026-09-03 13:30 UTC", dt.datetime(2026, 9, 3, 13, 30)),
        ("2026-09-03T13:30:30.250Z", dt.datetime(2026, 9, 3, 13, 30, 30)),
        ("2026-09-03 13:30 (UTC)", dt.datetime(2026, 9, 3, 13, 30)),
    ],
)
def test_timeline_times_with_seconds_and_utc_markers_are_read(cell: str, expected: dt.datetime) -> None:
    text = replaced(VALID, "| 2026-09-03 13:30 |", f"| {cell} |")
    assert check_text(text) == []
    pm = parse_postmortem("p.md", text)
    first = (pm.timeline or [])[0]
    assert (first.at, first.has_time, first.zone) == (expected, True, "")


@pytest.mark.parametrize(
    "cell", ["2026-09-03 14:30 BST", "2026-09-03 14:30+01:00", "2026-09-03 06:30 PST", "2026-09-03T14:30 UTC+1"]
)
def test_timeline_times_in_another_zone_must_be_utc(cell: str) -> None:
    text = replaced(VALID, "| 2026-09-03 13:30 |", f"| {cell} |")
    findings = check_text(text)
    assert rules_and_lines(findings) == [("PM302", line_of(text, f"| {cell} |"))]
    assert "must be in UTC" in findings[0].message and "convert it to UTC" in findings[0].fix


# 2. A due date followed by a note.


@pytest.mark.parametrize("due", ["2026-10-15 (Q4)", "2026-10-15 — moved from Sep", "2026-10-15, agreed with Security"])
def test_due_date_followed_by_a_note_is_the_date(due: str) -> None:
    text = replaced(VALID, "| 2026-10-15 |", f"| {due} |")
    assert check_text(text) == []
    item = (parse_postmortem("p.md", text).actions or [])[1]
    assert (item.due, item.due_date) == (due, dt.date(2026, 10, 15))
    glued = replaced(VALID, "| 2026-10-15 |", "| 2026-10-15ish |")  # a date run on into a word is no date
    assert rules_and_lines(check_text(glued)) == [("PM404", line_of(glued, "| 2 | Filter"))]


# 3. Status cells with emoji or emoji shortcodes.


STATUS_CELLS = [
    (":white_check_mark: Done", ActionState.DONE, None),
    ("🟢 Done", ActionState.DONE, None),
    ("🟡 In progress", ActionState.IN_PROGRESS, None),
    ("🔴 Open", ActionState.OPEN, None),
    (":x: Won't do — superseded by item 2", ActionState.WONT_DO, None),
    (":hourglass: In progress", ActionState.IN_PROGRESS, None),
    ("✔️ Done 2026-09-01", ActionState.DONE, dt.date(2026, 9, 1)),
    (":material-check-circle: Done (2026-09-02)", ActionState.DONE, dt.date(2026, 9, 2)),
    ("👍🏽 Done", ActionState.DONE, None),
    ("**⏳ In progress**", ActionState.IN_PROGRESS, None),
    ("✅ (2026-08-28)", ActionState.DONE, dt.date(2026, 8, 28)),
    (":white_check_mark:", ActionState.DONE, None),
    ("🟡", None, None),  # amber alone may mean "on track": not guessed
]


def test_status_cells_with_emoji_are_classified() -> None:
    assert {cell: classify_status(cell, default_template()) for cell, _, _ in STATUS_CELLS} == {
        cell: (state, completed) for cell, state, completed in STATUS_CELLS
    }


def test_emoji_statuses_on_a_page_have_no_findings() -> None:
    text = replaced(
        VALID,
        "| ✅ Done (2026-09-03) |",
        "| :white_check_mark: Done 2026-09-03 |",
        "| In progress |",
        "| 🟡 In progress |",
        "| 2026-09-30 | Open |",
        "| 2026-09-30 | 🔴 Open |",
    )
    assert check_text(text) == []
    states = [(item.state, item.completed) for item in parse_postmortem("p.md", text).actions or []]
    assert states == [
        (ActionState.DONE, dt.date(2026, 9, 3)),
        (ActionState.IN_PROGRESS, None),
        (ActionState.OPEN, None),
    ]


# 4. The 5 whys as numbered `Why …? Because …` pairs.

WHYS_START, WHYS_END = VALID.index("- Q: Why did replies"), VALID.index("\n**Underlying systemic cause:**")
QUESTIONS = [
    "Why did replies contain other customers' data?",
    "Why did it return every tenant's tickets?",
    "Why was the field lost?",
    "Why did nothing catch it?",
    "Why are there no isolation tests?",
]
ANSWERS = [
    "Because the retriever returned every tenant's tickets.",
    "Because the rebuilt index lost its tenant field.",
    "Because the new pipeline copied only the fields in its own schema.",
    "Because index tests cover recall, not isolation.",
    "Because no standard requires them.",
]


def with_whys(whys: str) -> str:
    return VALID[:WHYS_START] + whys + VALID[WHYS_END:]


@pytest.mark.parametrize(
    "whys",
    [
        "".join(f"{n}. {q} — {a}\n" for n, (q, a) in enumerate(zip(QUESTIONS, ANSWERS, strict=True), start=1)),
        "".join(
            f"{n}. **Why** {q[4:]} {a}\n" for n, (q, a) in enumerate(zip(QUESTIONS, ANSWERS, strict=True), start=1)
        ),
        "".join(f"- {q} {a}\n" for q, a in zip(QUESTIONS, ANSWERS, strict=True)),
        "".join(f"{n}. {q}\n   {a}\n" for n, (q, a) in enumerate(zip(QUESTIONS, ANSWERS, strict=True), start=1)),
        "".join(f"{n}. {q}\n\n    {a}\n\n" for n, (q, a) in enumerate(zip(QUESTIONS, ANSWERS, strict=True), start=1)),
        "".join(f"- {q}\n- {a}\n" for q, a in zip(QUESTIONS, ANSWERS, strict=True)),
        "".join(f"{n}. Why {n}: {q} {a}\n" for n, (q, a) in enumerate(zip(QUESTIONS, ANSWERS, strict=True), start=1)),
    ],
    ids=["dash", "bold-why", "bullets", "next-line", "next-paragraph", "next-item", "why-n-label"],
)
def test_numbered_whys_are_read_as_pairs(whys: str) -> None:
    text = with_whys(whys)
    assert check_text(text) == []
    pm = parse_postmortem("p.md", text)
    assert [(pair.question, pair.answer) for pair in pm.whys] == list(zip(QUESTIONS, ANSWERS, strict=True))
    assert [pair.line for pair in pm.whys] == [line_of(text, question.split(" ", 1)[1]) for question in QUESTIONS]


def test_q_form_answered_with_because_and_no_a_marker() -> None:
    text = with_whys("".join(f"- Q: {q} {a}\n" for q, a in zip(QUESTIONS, ANSWERS, strict=True)))
    assert check_text(text) == []
    pm = parse_postmortem("p.md", text)
    assert [(pair.question, pair.answer) for pair in pm.whys] == list(zip(QUESTIONS, ANSWERS, strict=True))
    aside = replaced(VALID, "- Q: Why did nothing catch it? A:", "- Q: Why did nothing catch it? (see the log)\n  A:")
    assert parse_postmortem("p.md", aside).whys[3].answer == "Index tests cover recall, not isolation."


def test_answer_on_the_next_line_keeps_its_own_line() -> None:
    text = with_whys(
        "".join(f"{n}. {q}\n   {a}\n" for n, (q, a) in enumerate(zip(QUESTIONS, ANSWERS, strict=True), start=1))
    )
    pair = parse_postmortem("p.md", text).whys[2]
    assert (pair.line, pair.answer_line) == (line_of(text, QUESTIONS[2]), line_of(text, ANSWERS[2]))


def test_a_numbered_why_without_its_answer_is_still_reported() -> None:
    whys = "".join(f"{n}. {q} {a}\n" for n, (q, a) in enumerate(zip(QUESTIONS, ANSWERS, strict=True), start=1))
    text = with_whys(whys.replace(f" {ANSWERS[3]}", ""))
    findings = check_text(text)
    assert rules_and_lines(findings) == [("PM331", line_of(text, QUESTIONS[3]))]
    assert "has no answer" in findings[0].message
    intro = text.replace(
        "## 6. Root cause (5 whys)\n", "## 6. Root cause (5 whys)\n\nWhy this matters is explained below.\n\n"
    )
    # A line starting with "Why" that asks nothing is no question.
    assert [(f.rule, f.message) for f in check_text(intro)] == [(f.rule, f.message) for f in findings]


# 5. A sign-off table read by its header.


@pytest.mark.parametrize(
    ("header", "order"),
    [
        ("| Name | Role | Date |", ("name", "role", "date")),
        ("| Role | Date | Name |", ("role", "date", "name")),
        ("| Date signed | Signed by | Role |", ("date", "name", "role")),
    ],
)
def test_sign_off_columns_are_found_by_their_header(header: str, order: tuple[str, str, str]) -> None:
    for given, expected in (
        (header, order),
        ("| A | B | C |", ("role", "name", "date")),
    ):  # no header: the template's order
        assert_sign_off_read(given, expected)


def assert_sign_off_read(header: str, order: tuple[str, str, str]) -> None:
    start, end = VALID.index("| Role | Name | Date |"), len(VALID)
    rows = [
        ("Author", "Morteza Moradi", "2026-09-09"),
        ("Reviewer (Department)", "Alicia Gomez", "2026-09-10"),
        ("Reviewer (Security)", "Pat Lee", "2026-09-10"),
        ("Executive sponsor (informed)", "Jane Doe", "2026-09-14"),
    ]
    lines = [header, "|---|---|---|"]
    for role, name, date in rows:
        cells = {"role": role, "name": name, "date": date}
        lines.append("| " + " | ".join(cells[key] for key in order) + " |")
    text = VALID[:start] + "\n".join(lines) + "\n" + VALID[end:]
    assert check_text(text) == []
    pm = parse_postmortem("p.md", text)
    assert [(s.role, s.name, s.date) for s in pm.signoff or []] == rows


# 6. Section headings: emoji, synonyms, and near misses pointed at where they are.


HEADINGS = [
    ("🧭 2. Timeline", "timeline"),
    (":memo: Incident summary", "summary"),
    ("2. 🧭 Timeline ⏱️", "timeline"),
    ("Timeline of events", "timeline"),
    ("Event timeline", "timeline"),
    ("Summary of the incident", "summary"),
    ("Incident overview", "summary"),
    ("Impact assessment", "impact"),
    ("What went right", "went_well"),
    ("Things that went well", "went_well"),
    ("What didn’t go well", "went_wrong"),
    ("What could have gone better", "went_wrong"),
    ("Root cause analysis (RCA)", "root_cause"),
    ("Five Why's", "root_cause"),
    ("6. 5 Whys", "root_cause"),
    ("Follow-up actions", "actions"),
    ("Action plan", "actions"),
    ("Corrective actions", "actions"),
    ("Remediation items", "actions"),
    ("Communication plan", "communications"),
    ("Stakeholder communications", "communications"),
    ("Regulatory", "regulatory"),
    ("Compliance considerations", "regulatory"),
    ("Approvals", "signoff"),
    ("Sign-offs", "signoff"),
    ("Review and approval", "signoff"),
    ("Customer impact", None),  # a row of the impact table, not the section
    ("Contributing factors", None),  # not the 5 whys
]


def test_emoji_headings_and_synonyms_name_their_section() -> None:
    assert {heading: default_template().section_key(heading) for heading, _ in HEADINGS} == dict(HEADINGS)


def test_a_page_with_emoji_and_synonym_headings_has_no_findings() -> None:
    text = replaced(
        VALID,
        "## 1. Incident summary",
        "## :memo: Summary of the incident",
        "## 2. Timeline",
        "## 🧭 2. Timeline of events",
        "## 4. What went well",
        "## ✅ What went right",
        "## 7. Action items",
        "## 🛠️ Follow-up actions",
        "## 10. Sign-off",
        "## ✍️ Approvals",
    )
    assert check_text(text) == []


@pytest.mark.parametrize(
    ("old", "new", "title"),
    [
        ("## 7. Action items", "## 7. Acton items", "7. Action items"),
        ("## 9. Regulatory considerations", "## Regulatroy considerations", "9. Regulatory considerations"),
        ("## 7. Action items", "## 7. Actions taken", "7. Action items"),
        ("## 2. Timeline", "## 🧭 2. Timelime", "2. Timeline"),
        ("## 5. What went wrong", "## What whent wrong", "5. What went wrong"),
    ],
)
def test_a_near_miss_heading_is_reported_where_it_is(old: str, new: str, title: str) -> None:
    text = replaced(VALID, old, new)
    findings = [f for f in check_text(text) if f.rule == "PM201"]
    assert rules_and_lines(findings) == [("PM201", line_of(text, new))]
    assert f"did you mean '{title}'?" in findings[0].fix and new.lstrip("# ") in findings[0].message


def test_only_a_near_miss_moves_the_missing_section_report() -> None:
    assert default_template().near_section("7. Acton items") == "actions"
    assert (
        default_template().near_section("Lessons") is None
        and default_template().near_section("Customer impact") is None
        and default_template().near_section("Timeline") is None
    )
    far = replaced(VALID, "## 7. Action items", "## Lessons")
    assert rules_and_lines([f for f in check_text(far) if f.rule == "PM201"]) == [
        ("PM201", line_of(far, "## 8. Communications"))
    ]


# 7. Front-matter keys of MkDocs and Material for MkDocs.

MATERIAL_KEYS = """description: Cross-tenant data in support replies
subtitle: Sev-1, September 2026
icon: material/alert
template: postmortem.html
hide:
  - navigation
  - toc
search:
  exclude: true
comments: true
social:
  cards: false
authors: [morteza]
categories: [Incidents]
slug: cross-tenant-retrieval
readtime: 5
pin: false
links:
  - postmortems/index.md
draft: false
"""


def test_mkdocs_and_material_keys_are_not_unknown() -> None:
    assert check_text(replaced(VALID, "status: open\n", "status: open\n" + MATERIAL_KEYS)) == []


def test_a_misspelt_material_key_is_still_caught() -> None:
    text = replaced(VALID, "status: open\n", "status: open\ndescripton: Cross-tenant data\n")
    findings = check_text(text)
    assert rules_and_lines(findings) == [("PM105", line_of(text, "descripton:"))]
    assert findings[0].fix == "did you mean `description`?"


# 8. A regulatory N/A after a label needs its reasoning too.

SECTOR = "- **Sector regulations:** GDPR Article 33 — Applicable. Notified within 72 hours."


NA_LINES = [
    ("- **Sector regulations:** Consumer protection — N/A.", True),
    ("- **Sector regulations:** Consumer protection: N/A", True),
    ("- HIPAA — N/A.", True),
    ("- **Sector regulations:** N/A — no PHI or financial reporting involved.", False),
    ("- **Sector regulations:** No PHI was involved, so N/A.", False),
    ("- SOX — Not material. No financial reporting was affected.", False),
    ("- **Sector regulations:** Consumer protection — N/A: no consumer is a party to invoice matching.", False),
]


def test_na_after_a_label_needs_reasoning() -> None:
    for line, flagged in NA_LINES:
        text = replaced(VALID, SECTOR, line)
        expected = [("PM502", line_of(text, line))] if flagged else []
        assert rules_and_lines(check_text(text)) == expected, line
        sector = next(r for r in parse_postmortem("p.md", text).regulatory if r.kind == "sector")
        assert sector.applicable is False, line


# 9. `late_reason:` records why a write-up was late, once.

LATE = replaced(VALID, "incident_date: 2026-09-03", "incident_date: 2026-08-31")


def test_late_write_up_warns_and_says_how_to_record_why() -> None:
    findings = check_text(LATE)
    assert rules_and_lines(findings) == [("PM701", line_of(LATE, "date: 2026-09-09"))]
    assert '`late_reason: "…"`' in findings[0].fix and "quarterly review" in findings[0].fix


def test_a_recorded_late_reason_stops_the_warning() -> None:
    assert (
        check_text(
            replaced(LATE, "status: open\n", 'status: open\nlate_reason: "the vendor report came on 2026-09-08"\n')
        )
        == []
    )
    for blank in ('""', '"  "', ""):
        assert [
            f.rule for f in check_text(replaced(LATE, "status: open\n", f"status: open\nlate_reason: {blank}\n"))
        ] == ["PM701"]


def test_late_reason_is_shown_escaped_on_the_card_and_the_quarterly_review() -> None:
    reason = "waited for the vendor's <b>report</b> | *twice*"
    late = replaced(LATE, "status: open\n", f'status: open\nlate_reason: "{reason}"\n')
    other = replaced(
        VALID, "agent: support-triage-bot", "agent: other-bot", "incident_date: 2026-09-03", "incident_date: 2026-09-01"
    )
    checker = Checker(Settings(today=TODAY))
    entries = []
    for name, text in (("late.md", late), ("other.md", other)):
        result = checker.check(name, text.encode())
        entries.append(Entry(result.postmortem, result.findings, f"postmortems/{name}", f"postmortems/{name[:-3]}/"))
    renderer = Renderer(Library(entries, today=TODAY), "postmortems", {})
    card = renderer.card(entries[0], None, show_findings=False)
    assert "Late because: waited for the vendor&#39;s &lt;b&gt;report&lt;/b&gt; | *twice*" in card
    assert "Late because" not in renderer.card(entries[1], None, show_findings=False)
    page = next(p for p in LIBRARY_PAGES if p.name == "quarterly-review.md")
    review = renderer.page(page, "postmortems/quarterly-review/").markdown
    assert (
        "- [Cross-tenant retrieval in support replies](late.md): waited for the vendor&#39;s &#60;b&#62;report"
        in review
    )
    assert "&#124; &#42;twice&#42;" in review


# 10. The PM002 hint shows the waiver syntax for where the waiver is.


def test_waiver_hint_uses_the_comment_form_for_a_comment() -> None:
    text = replaced(VALID, "| # | Action", "<!-- postmortem: disable PM403, PM409 -->\n\n| # | Action")
    (finding,) = check_text(text)
    assert finding.rule == "PM002"
    assert finding.fix.endswith('`<!-- postmortem: disable PM403, PM409 reason="agreed at the Q3 review" -->`')


def test_waiver_hint_uses_the_yaml_form_for_front_matter() -> None:
    text = replaced(VALID, "status: open\n", "status: open\naccept: [PM409]\n")
    (finding,) = check_text(text)
    assert finding.rule == "PM002" and finding.line == line_of(text, "accept:")
    assert finding.fix.endswith('`accept: [{rule: PM409, reason: "agreed at the Q3 review"}]`')


# 11. Messages read as English, and the fix is not repeated in the message.


SIGN_OFF_MESSAGES = [
    ("Morteza Moradi", "20 Aug 2026", "sign-off 'Author' has the date '20 Aug 2026', which is not YYYY-MM-DD"),
    ("", "20 Aug 2026", "sign-off 'Author' has no name, and its date '20 Aug 2026' is not YYYY-MM-DD"),
    ("", "2026-09-09", "sign-off 'Author' has no name"),
    ("Morteza Moradi", "", "sign-off 'Author' has no date"),
    ("", "", "sign-off 'Author' has no name and no date"),
]


def test_sign_off_messages_read_as_english() -> None:
    for name, date, message in SIGN_OFF_MESSAGES:
        text = replaced(VALID, "| Author | Morteza Moradi | 2026-09-09 |", f"| Author | {name} | {date} |")
        assert [(f.rule, f.message) for f in check_text(text)] == [("PM601", message)]


def test_bad_severity_says_what_is_wrong_and_the_fix_says_how() -> None:
    (finding,) = check_text(replaced(VALID, "severity: Sev-1", "severity: Sev-9"))
    assert finding.message == "`severity` 'Sev-9' is not a severity of the template"
    assert finding.fix.startswith("use Sev-1, Sev-2 or Sev-3")


BROKEN = [
    replaced(VALID, "severity: Sev-1", "severity: Sev-9"),
    replaced(VALID, "status: open", "status: opened"),
    replaced(VALID, "agent: support-triage-bot", "agent: Support Bot"),
    replaced(VALID, "status: open\n", "status: open\neu_ai_act_category: big\nstarted_at: soon\nlate_reason: 5\n"),
    replaced(VALID, "tags: [pii, retrieval]", "tags: pii", "date: 2026-09-09", "date: 2026-09-31"),
    replaced(
        VALID,
        "| Morteza Moradi | 2026-09-09 |",
        "| | 20 Aug 2026 |",
        "| Pat Lee | 2026-09-10 |",
        "| Pat Lee | 10 Sep |",
    ),
    replaced(VALID, "| Hotfix | Priya Raman | 2026-09-03 |", "| | | |", "| In progress |", "| Maybe |"),
    replaced(VALID, "| 2026-09-03 13:30 |", "| 2026-09-03 14:30 BST |", "| 2026-09-03 15:12 |", "| 15:12 |"),
    replaced(VALID, "## 7. Action items", "## 7. Acton items", "Notified 2026-09-04.", "Consumer protection — N/A."),
    replaced(
        VALID,
        "- Q: Why did nothing catch it? A: Index tests cover recall, not isolation.",
        "- Q: Why did nothing catch it?",
    ),
    replaced(VALID, "| # | Action", "<!-- postmortem: disable PM999 -->\n| # | Action"),
    replaced(VALID, "author: Morteza Moradi", "author: Morteza: Moradi"),
]


def test_no_message_repeats_its_fix_or_garbles_a_value() -> None:
    findings = [finding for text in BROKEN for finding in check_text(text)]
    findings += [f for case in CASES for f in check_text(case.mutate(VALID), today=case.today, **case.options)]
    assert {f.rule for f in findings} >= {case.rule for case in CASES}
    for finding in findings:
        assert finding.fix not in finding.message, finding.format()
        assert not re.search(r"has '[^']*' is not", finding.message), finding.format()
        assert "'' " not in finding.message and "  " not in finding.message, finding.format()


def test_an_item_without_owner_and_due_date_is_listed_as_english() -> None:
    text = replaced(VALID, "| Hotfix | Priya Raman | 2026-09-03 |", "| Hotfix | | |")
    (finding,) = check_text(text)
    assert finding.message == "action item 1 has no owner or due date"
    blank = [f.message for f in check_text(fixture_text("blank_template.md")) if f.rule == "PM402"]
    assert blank == ["action item 1 has no action, owner, due date or status"] + [
        "the action item on this line has no action, owner, due date or status"  # a text line read as a row
    ] * (len(blank) - 1)


# 12. PM101 points at the line a person would fix.

FRONT = VALID[: VALID.index("---\n# Post-Mortem")]


YAML_ERRORS = [  # (what is replaced, by what, the line to fix)
    ("tags: [pii, retrieval]", "tags: [pii, retrieval", "tags: [pii"),
    ("severity: Sev-1", "severity: [Sev-1", "severity: [Sev-1"),
    ("author: Morteza Moradi", 'author: "Morteza Moradi', 'author: "Morteza'),
    ("title: Cross-tenant", "title: {Cross-tenant", "title: {Cross"),
    ("severity: Sev-1", "  severity: Sev-1", "  severity:"),
    ("author: Morteza Moradi", "author: Morteza: Moradi", "author: Morteza:"),
    ("status: open", "status: open\n\tnote: tab", "\tnote:"),
    ("status: open", "\tstatus: open", "\tstatus:"),
]


def test_yaml_errors_are_reported_on_the_line_to_fix() -> None:
    for old, new, marker in YAML_ERRORS:
        assert old in FRONT
        text = replaced(VALID, old, new)
        findings = check_text(text)
        assert (findings[0].rule, findings[0].line) == ("PM101", line_of(text, marker)), findings[0].format()
        assert findings[0].message.startswith("front matter is not valid YAML")


def test_unclosed_quote_says_so() -> None:
    (finding, *_) = check_text(replaced(VALID, "author: Morteza Moradi", 'author: "Morteza Moradi'))
    assert "a quoted value opened on this line is never closed" in finding.message


# A real MkDocs build of a page written with every variant at once.

VARIANT_PAGE = """---
agent: finance-invoice-recon
severity: Sev-2
incident_date: 2026-08-14
date: 2026-08-19
author: Morteza Moradi
status: open
title: NetSuite schema change broke PO matching
description: A NetSuite schema change made the parser misread invoice lines.
subtitle: Sev-2, August 2026
hide:
  - navigation
search:
  boost: 2
comments: true
social:
  cards: false
authors: [morteza]
categories: [Incidents]
readtime: 4
---

# Post-Mortem — finance-invoice-recon Sev-2 incident, 2026-08-14

## :memo: Incident summary

On 2026-08-14 at 09:12 UTC the finance-invoice-recon agent began producing wrong PO matches. An AP accountant noticed at 10:38 and the agent was paused at 10:51. A NetSuite schema change had made the parser misalign columns. The agent was restored on 2026-08-15 with a parser hotfix.

## 🧭 2. Timeline of events

| Time (UTC) | Event |
|---|---|
| 2026-08-13 23:00:00 | NetSuite ships a schema change |
| 2026-08-14T09:12Z | Wrong-match rate begins climbing |
| 2026-08-14 10:38:30+00:00 | Wrong matches reported in #ai-pilot-finance |
| 2026-08-14 10:51 UTC | Kill switch activated, agent paused |
| 2026-08-15 14:30 | Agent re-enabled |

## 📊 Impact assessment

| Dimension | Impact |
|---|---|
| Wrong matches generated | 47 |
| Customer impact | None (internal agent) |
| Regulatory exposure | None |

## ✅ What went right

- The HITL gate caught every wrong match before NetSuite.

## ❌ What could have gone better

- No alert fires on a short-window rise in wrong matches.

## 🔍 Five Why's

1. **Why** did wrong matches start? — Because the parser misaligned columns.
2. Why did the parser misalign? Because it used positional column ordering.
3. Why didn't the parser fail loudly?
   Because the new field was optional, so parsing succeeded with wrong values.
4. Why didn't we detect it within minutes?

    Because we alert on errors, not on quality-rate degradation.

5. Why don't we alert on quality-rate degradation? Because the acceptance alert uses a 7-day window.

**Underlying systemic cause:** Our monitoring is tuned for sustained problems, not sharp incidents.

## 🛠️ Follow-up actions

| # | Action | Severity | Owner | Due | Status |
|---|---|---|---|---|---|
| 1 | Switch the parser to column-name extraction | Hotfix | Builder | 2026-08-15 | :white_check_mark: Done |
| 2 | Add a 2-hour HITL acceptance alert | Sev-2 prevention | Platform Lead | 2026-09-01 (Q3) | ✔️ Done 2026-09-01 |
| 3 | Add a weekly re-eval against the golden set | Drift detection | Builder | 2026-12-01 — moved from Nov | 🟡 In progress |
| 4 | Update the runbook (template 09) with this failure mode | Runbook hygiene | CoE Lead | 2026-10-01 | 🔴 Open |
| 5 | Request schema-change notices from NetSuite | Vendor relations | Finance Champion | 2026-10-15 | :x: Won't do — NetSuite offers none |
| 6 | Re-run the golden set on every upstream release | Drift detection | Builder | 2026-11-01 | :hourglass: In progress |

## 📣 Stakeholder communications

- The AP team was informed in real time in #ai-pilot-finance.
- No external communication was required.

## ⚖️ Compliance considerations

- **EU AI Act Article 73 serious incident reporting:** N/A — no harm to persons and no breach of fundamental rights.
- **Sector regulations:** No PHI or financial reporting was involved, so N/A.
- **Internal audit:** Notified 2026-08-19.

## ✍️ Approvals

| Name | Role | Date |
|---|---|---|
| Morteza Moradi | Author | 2026-08-19 |
| Mike Chen | Reviewer (Department) | 2026-08-20 |
| Pat Lee | Reviewer (Security) | 2026-08-20 |
| Jane Doe | Executive sponsor (informed) | 2026-08-25 |
"""

# Material's documented emoji setup (its `!!python/name` tags cannot come from `yaml.safe_dump`).
EMOJI_EXTENSION = """markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


def test_variants_page_has_no_findings_in_the_core() -> None:
    assert check_text(VARIANT_PAGE) == []
    pm = parse_postmortem("p.md", VARIANT_PAGE)
    assert len(pm.sections) == 10 and len(pm.whys) == 5
    assert [item.state.value for item in pm.actions or [] if item.state] == [
        "done",
        "done",
        "in_progress",
        "open",
        "wont_do",
        "in_progress",
    ]


def test_a_site_written_with_every_variant_builds_strict_with_no_findings(tmp_path: Path) -> None:
    pytest.importorskip("material")
    config = write_site(
        tmp_path,
        {"postmortems/2026-08-14-finance-invoice-recon.md": VARIANT_PAGE},
        extra={"theme": {"name": "material"}},
    )
    config.write_text(config.read_text(encoding="utf-8") + EMOJI_EXTENSION, encoding="utf-8")
    result = run_mkdocs("build", "--strict", "-d", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "post-mortem check: 1 post-mortem checked: no findings" in result.stderr
    html = (tmp_path / "out/postmortems/2026-08-14-finance-invoice-recon/index.html").read_text(encoding="utf-8")
    assert 'class="twemoji"' in html  # the shortcodes were rendered as emoji
    assert all(f'id="action-{n}"' in html for n in range(1, 7))  # the action rows found under the emoji heading


def test_headings_with_an_attribute_list_name_their_section() -> None:
    """Material sites use attr_list: `## 3. Impact {#impact}` is the impact section (its id aside)."""

    assert default_template().section_key("3. Impact {#impact}") == "impact"
    assert default_template().section_key("7. Action items { #actions .wide }") == "actions"
    assert default_template().section_key("Timeline {: #when }") == "timeline"
    assert default_template().section_key("Impact {of the outage}") is None  # braces that are not attributes are words


def test_tildes_are_text_as_mkdocs_shows_them() -> None:
    """Python-Markdown has no strikethrough without `pymdownx.tilde`: `~~x~~` and `~x~` show as written."""
    from mkdocs_postmortem.markdown import parse_blocks

    blocks, _ = parse_blocks("| Time | Event |\n|---|---|\n| 0:~0~ | ~~Open~~ Done |\n")
    assert [cell.text for cell in blocks[0].rows[0]] == ["0:~0~", "~~Open~~ Done"]
