"""The template as data: the built-in CoE template, and a team's own file that extends it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_postmortem.checker import Checker, ConfigError, Settings
from mkdocs_postmortem.template import Key, TemplateError, default_template, load_template
from tests.conftest import FIXTURES, TODAY, fixture_text

SEED = Path(__file__).parent.parent.parent / "shared/seed/000_4830df6c0fef4cb1.txt"
VALID = fixture_text("valid.md")
TEAM = FIXTURES / "team-template.yml"

DETECTION_GAPS = """## 6. Detection gaps
| Signal | Gap |
|---|---|
| Cross-tenant rows in replies | No alert compares a reply's tenant with the asker's |

"""


def team_page(text: str = VALID) -> str:
    """`valid.md` rewritten for the team template: the added section, the renamed one, the new role."""
    text = text.replace("## 6. Root cause (5 whys)", DETECTION_GAPS + "## 7. Root cause (5 whys)")
    text = text.replace("## 8. Communications", "## 9. Stakeholder updates")
    return text.replace(
        "| Reviewer (Security) | Pat Lee | 2026-09-10 |\n",
        "| Reviewer (Security) | Pat Lee | 2026-09-10 |\n| Reviewer (Privacy) | Ana Silva | 2026-09-11 |\n",
    )


def check(text: str, template: Path | None = TEAM) -> list[tuple[str, int, str]]:
    settings = Settings(today=TODAY, template=str(template) if template else None)
    findings = Checker(settings).check("pm.md", text.encode()).findings
    return [(f.rule, f.line, f.message) for f in findings]


def line_of(text: str, marker: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if marker in line)


def test_the_default_is_the_seed_template() -> None:
    template = default_template()
    assert [template.title(key) for key in template.sections] == [
        "1. Incident summary",
        "2. Timeline",
        "3. Impact",
        "4. What went well",
        "5. What went wrong",
        "6. Root cause (5 whys)",
        "7. Action items",
        "8. Communications",
        "9. Regulatory considerations",
        "10. Sign-off",
    ]
    assert list(template.sections) == [key.value for key in Key]
    if SEED.exists():  # the seed's worked example names every section, role and question the same way
        seed = SEED.read_text(encoding="utf-8")
        assert all(template.title(key) in seed for key in template.sections)
        assert all(role.title in seed for role in template.signoff_roles.values())
        assert all(question.label in seed for question in template.regulatory.values())
    assert template.severity_choices() == "Sev-1, Sev-2 or Sev-3" and template.without_postmortem() == ["Sev-4"]


def test_a_page_that_follows_the_team_template_passes() -> None:
    assert check(team_page()) == []
    assert check(VALID, template=None) == []


def test_a_page_without_the_added_section_fails_naming_it() -> None:
    page = team_page().replace(DETECTION_GAPS, "")
    assert check(page) == [("PM201", line_of(page, "## 7. Root cause"), "section '6. Detection gaps' is missing")]


def test_the_renamed_section_needs_its_new_title() -> None:
    page = team_page().replace("## 9. Stakeholder updates", "## 9. Communications")
    assert check(page) == [
        (
            "PM201",
            line_of(page, "## 9. Communications"),
            "the heading '9. Communications' is not a section title, so section '9. Stakeholder updates' is missing",
        )
    ]
    page = team_page().replace("## 9. Stakeholder updates", "## Messages sent")
    assert check(page) == [("PM201", line_of(page, "## 9. Regulatory"), "section '9. Stakeholder updates' is missing")]


def test_an_optional_section_may_be_left_out_but_not_left_empty() -> None:
    start, end = VALID.index("## 3. Impact"), VALID.index("## 4. What went well")
    assert check(team_page(VALID[:start] + VALID[end:])) == []
    empty = team_page(VALID[:start] + "## 3. Impact\n\n" + VALID[end:])
    assert check(empty)[0] == ("PM201", line_of(empty, "## 3. Impact"), "section '3. Impact' is empty")


def test_the_added_role_must_sign_off() -> None:
    page = team_page().replace("| Reviewer (Privacy) | Ana Silva | 2026-09-11 |\n", "")
    assert check(page) == [("PM601", line_of(page, "## 10. Sign-off"), "the sign-off has no 'Reviewer (Privacy)' row")]


def test_the_added_section_holds_what_the_template_asks() -> None:
    no_column = team_page().replace("| Signal | Gap |", "| Signal | Notes |")
    assert check(no_column) == [
        ("PM204", line_of(no_column, "| Signal | Notes |"), "the table of '6. Detection gaps' has no 'Gap' column")
    ]
    no_table = team_page().replace(DETECTION_GAPS, "## 6. Detection gaps\nNone found.\n\n")
    assert check(no_table) == [
        ("PM204", line_of(no_table, "## 6. Detection gaps"), "section '6. Detection gaps' has no table")
    ]
    placeholder = team_page().replace("| Cross-tenant rows in replies |", "| [Signal we lacked] |")
    assert [rule for rule, _, _ in check(placeholder)] == ["PM202"]


def test_extends_none_replaces_the_template(tmp_path: Path) -> None:
    own = tmp_path / "t.yml"
    own.write_text(
        "extends: none\nsections:\n  what: {title: What happened}\nseverities: {P1: {write_up_days: 3}, P2: {postmortem: optional}}\n"
    )
    template = load_template(own)
    assert (
        list(template.sections) == ["what"]
        and template.severity("p-1") == "P1"
        and template.severity_choices() == "P1 or P2"
    )
    assert not template.signoff_roles and not template.regulatory


@pytest.mark.parametrize(
    ("content", "line", "says"),
    [
        ("sections:\n  timeline:\n    titel: When\n", 3, "sections.timeline.titel: Extra inputs are not permitted"),
        ("sections:\n  gaps:\n    title: Gaps\n    after: nowhere\n", 2, "'nowhere' is not another sections key"),
        ("sections:\n  timelines: null\n", 2, "there is no 'timelines' to remove; known: summary, timeline"),
        ("statuses:\n  done:\n    pattern: '(unclosed'\n", 3, "not a valid regular expression"),
        ("sections:\n  gaps:\n    title: Chronology\n", 1, "'Chronology' names both 'timeline' and 'gaps'"),
        ("severities:\n  - name: P1\n    write_up_days: 0\n", 3, "severities.P1.write_up_days"),
        ("sections: [timeline]\n", 1, "sections: Input should be a valid dictionary"),
        ("extends: coe\nsections:\n  gaps: {title: 'unclosed\n", 3, "not valid YAML"),
        ("extends: acme\n", 1, "`extends` is `coe` (the built-in template) or `none`"),
    ],
)
def test_template_errors_name_file_and_line(tmp_path: Path, content: str, line: int, says: str) -> None:
    own = tmp_path / "team.yml"
    own.write_text(content, encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        load_template(own)
    assert str(raised.value).startswith(f"{own}:{line}: ") and says in str(raised.value), str(raised.value)


def test_a_missing_template_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^template: .*nowhere\.yml does not exist"):
        Settings(template="nowhere.yml").context(tmp_path)
