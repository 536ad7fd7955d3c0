"""The reader: tolerant headings, both Q/A forms, status cells, regulatory forms, encodings, lines."""

from __future__ import annotations

import datetime as dt

import pytest

from mkdocs_postmortem.model import ActionState
from mkdocs_postmortem.parse import classify_status, parse_postmortem
from mkdocs_postmortem.rules.structure import count_sentences
from mkdocs_postmortem.template import default_template
from tests.conftest import check_text, fixture_text


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("1. Incident summary", "summary"),
        ("Incident Summary:", "summary"),
        ("6) Root cause (5 whys)", "root_cause"),
        ("ROOT CAUSE", "root_cause"),
        ("10. Sign-off", "signoff"),
        ("Sign off.", "signoff"),
        ("7 Action items", "actions"),
        ("🧭 2. Timeline", "timeline"),
        (":memo: Incident summary", "summary"),
        ("Follow-up actions", "actions"),
        ("Lessons", None),
    ],
)
def test_section_headings_are_tolerated(heading: str, key: str | None) -> None:
    assert default_template().section_key(heading) == key


@pytest.mark.parametrize(
    ("cell", "state", "completed"),
    [
        ("✅ Done (shipped 2026-08-15)", ActionState.DONE, dt.date(2026, 8, 15)),
        ("✅ Done — added to NetSuite ITSM watchlist", ActionState.DONE, None),
        ("Done", ActionState.DONE, None),
        ("**Done** 2026-01-02", ActionState.DONE, dt.date(2026, 1, 2)),
        ("In progress", ActionState.IN_PROGRESS, None),
        ("in-progress (PR open)", ActionState.IN_PROGRESS, None),
        ("Open", ActionState.OPEN, None),
        ("Not started", ActionState.OPEN, None),
        ("Won't do — superseded by item 2", ActionState.WONT_DO, None),
        ("Won’t do", ActionState.WONT_DO, None),
        (":white_check_mark: Done", ActionState.DONE, None),
        ("🟢 Done 2026-09-01", ActionState.DONE, dt.date(2026, 9, 1)),
        ("Maybe later", None, None),
    ],
)
def test_action_status_cells_are_classified(cell: str, state: ActionState | None, completed: dt.date | None) -> None:
    assert classify_status(cell, default_template()) == (state, completed)


def test_sentences_do_not_break_at_abbreviations() -> None:
    assert count_sentences("Rate rose (30% vs. 4%). It paged e.g. Dr. Who at 10:00. Done.") == 3
    assert count_sentences("One. Two! Three? Four.") == 4
    assert count_sentences("") == 0


def test_blank_template_qa_form_and_systemic_cause_without_bold() -> None:
    text = fixture_text("valid.md").replace(
        "**Underlying systemic cause:** Tenant", "Underlying systemic cause: Tenant"
    )
    pm = parse_postmortem("p.md", text)
    assert len(pm.whys) == 5
    third = pm.whys[2]
    assert third.answer == "The new pipeline copied only the fields in its own schema."
    assert third.answer_line == third.line + 1
    assert pm.systemic_cause is not None and pm.systemic_cause.text.startswith("Tenant isolation")


def test_worked_example_regulatory_form_is_read() -> None:
    text = fixture_text("valid.md")
    start, end = text.index("- **EU AI Act"), text.index("## 10.")
    text = (
        text[:start]
        + (
            "- EU AI Act Article 73 (serious incident reporting) — N/A. Not a serious incident: no harm to persons.\n"
            "- HIPAA — Not applicable. No protected health information is processed.\n"
            "- Internal audit — Notification sent 2026-09-04.\n\n"
        )
        + text[end:]
    )
    pm = parse_postmortem("p.md", text)
    assert [(r.kind, r.label) for r in pm.regulatory] == [
        ("eu_ai_act", "EU AI Act Article 73 (serious incident reporting)"),
        ("sector", "HIPAA"),
        ("internal_audit", "Internal audit"),
    ]
    assert check_text(text) == []


def test_extra_action_columns_are_kept() -> None:
    text = fixture_text("valid.md")
    text = text.replace(
        "| Due | Status |\n|---|---|---|---|---|---|", "| Due | Status | Ticket |\n|---|---|---|---|---|---|---|"
    )
    text = text.replace("| ✅ Done (2026-09-03) |", "| ✅ Done (2026-09-03) | OPS-1 |")
    pm = parse_postmortem("p.md", text)
    assert pm.actions and pm.actions[0].extra == {"Ticket": "OPS-1"}
    assert check_text(text) == []


@pytest.mark.parametrize(
    "transform",
    [
        lambda t: "\ufeff" + t,
        lambda t: t.replace("\n", "\r\n"),
        lambda t: t.replace("\n", "\r"),
    ],
)
def test_bom_and_line_endings_change_nothing(transform) -> None:
    text = fixture_text("valid.md")
    reference = parse_postmortem("p.md", text)
    other = parse_postmortem("p.md", transform(text))
    assert other == reference


def test_front_matter_key_lines_and_severity_variants() -> None:
    text = fixture_text("valid.md")
    for variant in ("SEV-1", "sev1", "Sev 1", "severity-1"):
        pm = parse_postmortem("p.md", text.replace("severity: Sev-1", f"severity: {variant}"))
        assert pm.meta is not None and pm.meta.severity == "Sev-1"
    pm = parse_postmortem("p.md", text)
    assert pm.meta_lines["agent"] == 2 and pm.meta_lines["tags"] == 9


def test_yaml_error_line_is_the_offending_line() -> None:
    text = fixture_text("valid.md").replace("title: Cross", "title: [Cross")
    findings = check_text(text)
    assert findings and findings[0].rule == "PM101"
    assert "front matter is not valid YAML" in findings[0].message
