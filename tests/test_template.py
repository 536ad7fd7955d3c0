"""The seed template itself: its worked example and its blank template."""

from __future__ import annotations

from mkdocs_postmortem.model import Level
from mkdocs_postmortem.parse import parse_postmortem
from tests.conftest import check_text, fixture_text


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def test_worked_example_verbatim_gives_exactly_the_known_findings() -> None:
    text = fixture_text("worked_example.md")
    findings = check_text(text)
    got = [(f.rule, f.level, f.line) for f in findings]
    # Copied as the seed gives it (no blank lines), three sections would render as table rows.
    assert got == [
        ("PM203", Level.INFO, line_of(text, "On 2026-08-14 at 09:12 UTC")),
        ("PM003", Level.ERROR, line_of(text, "## 3. Impact")),
        ("PM003", Level.ERROR, line_of(text, "## 4. What went well")),
        ("PM321", Level.WARNING, line_of(text, "- Detection depended on a human noticing")),
        ("PM403", Level.ERROR, line_of(text, "| 2 | Add short-window HITL")),
        ("PM403", Level.ERROR, line_of(text, "| 6 | Reach out to NetSuite")),
        ("PM003", Level.ERROR, line_of(text, "## 8. Communications")),
    ]
    messages = [f.message for f in findings]
    assert "7 sentences" in messages[0]
    assert "(`## 3. Impact`) follows the table of line" in messages[1]
    assert "Sarah" in messages[3] and "Mike" not in messages[3]
    assert "'Builder + Platform'" in messages[4]
    assert "'Mike Chen + IT'" in messages[5]


def test_worked_example_is_read_completely() -> None:
    pm = parse_postmortem("we.md", fixture_text("worked_example.md"))
    assert pm.title == "Post-Mortem — finance-invoice-recon Sev-2 incident, 2026-08-14"
    assert len(pm.timeline or []) == 15
    assert [row.dimension for row in pm.impact or []][4:6] == ["Regulatory exposure", "Time the agent was paused"]
    assert len(pm.went_well) == 5 and len(pm.went_wrong) == 4
    assert [pair.answer.split()[0] for pair in pm.whys] == ["Parser", "It", "The", "We", "The"]
    assert pm.systemic_cause and pm.systemic_cause.text.startswith("Our monitoring is tuned")
    actions = pm.actions or []
    assert [a.state.value for a in actions if a.state] == ["done"] * 7
    assert [a.completed.isoformat() if a.completed else None for a in actions] == [
        "2026-08-15",
        "2026-08-28",
        "2026-08-28",
        None,
        "2026-09-22",
        None,
        "2026-08-29",
    ]
    assert [(r.kind, r.applicable) for r in pm.regulatory] == [
        ("eu_ai_act", False),
        ("sector", False),
        ("internal_audit", None),
    ]
    assert pm.regulatory[0].value.startswith("N/A. This was not a serious incident")
    assert [s.role_key for s in pm.signoff or []] == ["author", "department", "security", "sponsor"]


def test_blank_template_fails_loudly_in_every_section() -> None:
    text = fixture_text("blank_template.md")
    findings = check_text(text)
    pm = parse_postmortem("t.md", text)
    keys = sorted(pm.sections, key=lambda k: pm.sections[k].line)
    assert len(keys) == 10

    def section_of(line: int) -> str | None:
        owner = None
        for key in keys:
            if pm.sections[key].line <= line:
                owner = key
        return owner

    placeholder_sections = {section_of(f.line) for f in findings if f.rule == "PM202"}
    error_sections = {section_of(f.line) for f in findings if f.level is Level.ERROR}
    assert placeholder_sections >= set(keys) - {"signoff"}
    assert error_sections == set(keys) | {None}  # None: the title line, before section 1
    assert any(f.rule == "PM202" and "[Agent ID]" in f.message for f in findings)
    assert any(f.rule == "PM601" for f in findings)
