"""The template as data: the built-in CoE template, and a team's own file that extends it."""

from __future__ import annotations

import os
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


def own(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "own.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_template_sets_rule_levels_and_the_site_has_the_last_word(tmp_path: Path) -> None:
    template = own(tmp_path, "rules:\n  PM409: off\n  vague-action: error\n")
    page = VALID.replace("Add cross-tenant retrieval to the runbook (template 09)", "Investigate caching")
    assert [(rule, line) for rule, line, _ in check(page, template=template)] == [
        ("PM408", line_of(page, "Investigate caching"))
    ]
    levels = Settings(today=TODAY, template=str(template), rules={"PM408": "off"})
    assert Checker(levels).check("pm.md", page.encode()).findings == []
    with pytest.raises(
        ConfigError, match=r"own\.yml:3: rules: unknown rule 'vague-acton' — did you mean 'vague-action'\?"
    ):
        Settings(template=str(own(tmp_path, "rules:\n  PM409: off\n  vague-acton: error\n"))).context(tmp_path)


def test_a_coe_section_made_something_else_is_read_and_checked_as_the_template_says(tmp_path: Path) -> None:
    template = own(tmp_path, "sections:\n  root_cause:\n    title: Root causes\n    contains: text\n    min_items: 2\n")
    start, end = VALID.index("## 6. Root cause (5 whys)"), VALID.index("## 7. Action items")
    prose = "## 6. Root causes\n- The rebuilt index dropped the tenant field.\n- Nothing tested isolation.\n\n"
    assert check(VALID[:start] + prose + VALID[end:], template=template) == []  # no PM331, PM332: no whys asked
    short = VALID[:start] + "## 6. Root causes\nThe index dropped a field.\n\n" + VALID[end:]
    assert check(short, template=template) == [
        (
            "PM204",
            line_of(short, "## 6. Root causes"),
            "section '6. Root causes' has 1 item, fewer than the template's 2",
        )
    ]


def test_only_the_action_columns_of_the_template_are_required(tmp_path: Path) -> None:
    template = own(tmp_path, "action_columns:\n  due: null\n  status: null\n  severity: null\n  number: null\n")
    table = "| Action | Owner |\n|---|---|\n| Filter retrieval results by tenant at query time | Platform Lead |\n"
    start = VALID.index("| # | Action |")
    end = VALID.index("\n\n", start) + 1
    page = VALID[:start] + table + VALID[end:]
    assert [rule for rule, _, _ in check(page, template=template)] == [
        "PM409"
    ]  # not PM402: due and status asked for by none


def test_action_items_in_several_tables_are_all_read() -> None:
    split = VALID.replace(
        "| 2 | Filter retrieval",
        "\n### Prevention\n\n| # | Action | Severity | Owner | Due | Status |\n|---|---|---|---|---|---|\n| 2 | Filter retrieval",
    )
    from mkdocs_postmortem.parse import parse_postmortem

    assert [item.number for item in parse_postmortem("pm.md", split).actions or []] == ["1", "2", "3"]
    assert check(split, template=None) == []


def test_labelled_lines_of_one_paragraph_are_each_read(tmp_path: Path) -> None:
    template = own(
        tmp_path,
        "sections:\n  facts:\n    title: Facts\n    before: summary\n    contains: labelled\n    labels: [Component, Duration]\n",
    )
    page = VALID.replace(
        "## 1. Incident summary", "## Facts\nComponent: retriever<br>\nDuration: 2 h\n\n## 1. Incident summary"
    )
    assert check(page, template=template) == []
    missing = page.replace("Duration: 2 h", "Lasted 2 h")
    assert [message for _, _, message in check(missing, template=template)] == [
        "the 'Duration' line of '1. Facts' is missing"
    ]


def test_h1_sections_and_parent_sections(tmp_path: Path) -> None:
    h1 = VALID.replace("## ", "# ").replace("# Post-Mortem — support-triage-bot Sev-1 incident, 2026-09-03\n", "")
    assert check(h1, template=None) == []
    template = own(tmp_path, "sections:\n  lessons:\n    title: Lessons learned\n    after: impact\n")
    nested = VALID.replace("## 4. What went well", "## Lessons learned\n\n### 4. What went well").replace(
        "## 5. What went wrong", "### 5. What went wrong"
    )
    assert check(nested, template=template) == []


def test_a_timeline_time_may_be_padded() -> None:
    padded = VALID.replace("| 2026-09-03 13:30", "| 2026-09-03   13:30")
    assert padded != VALID and check(padded, template=None) == []


def test_without_its_section_the_regulatory_questions_and_roles_go_too(tmp_path: Path) -> None:
    template = load_template(own(tmp_path, "sections:\n  regulatory: null\n  signoff: null\n"))
    assert not template.regulatory and not template.signoff_roles and "EU AI Act" not in template.describe()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('heading: "{title} incident"\n', "1: heading: 'title' in braces cannot be filled in"),
        ('heading: "{agent.__class__}"\n', "'agent.__class__' in braces cannot be filled in"),
        ('heading: "{incident_date:%Y}"\n', "'incident_date:%Y' in braces cannot be filled in"),
        ('heading: "{agent"\n', "expected '}' before end of string"),
        (
            "sections:\n  gaps: {title: Gaps, after: impact, before: summary}\n",
            "2: sections.gaps: give `after` or `before`, not both",
        ),
        ("extends: none\nsection: {}\nseverities: {P1: {}}\n", "own.yml:1: sections: Field required; "),
    ],
)
def test_more_template_mistakes_are_named(tmp_path: Path, content: str, says: str) -> None:
    with pytest.raises(TemplateError) as raised:
        load_template(own(tmp_path, content))
    assert says in str(raised.value), str(raised.value)


def test_a_list_field_may_be_given_one_word(tmp_path: Path) -> None:
    template = load_template(
        own(tmp_path, "placeholders:\n  exact: tbd\nsections:\n  timeline: {synonyms: what happened}\n")
    )
    assert template.is_placeholder("TBD") and template.section_key("What happened") == "timeline"


def test_a_template_file_is_read_once_per_version(tmp_path: Path) -> None:
    path = own(tmp_path, "sections:\n  impact: {required: false}\n")
    settings = Settings(template=str(path))
    first = settings.post_mortem_template()
    assert settings.post_mortem_template() is first and settings.context().template is first
    path.write_text("sections:\n  impact: {required: true}\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))  # an edit under `serve`
    assert settings.post_mortem_template().sections["impact"].required
