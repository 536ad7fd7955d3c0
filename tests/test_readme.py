"""The README stays true: its rule table and its test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkdocs_postmortem.rules import RULES
from mkdocs_postmortem.template import TemplateError, load_template
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_rule_table_matches_the_rules() -> None:
    block = README.split("<!-- rules:start -->\n", 1)[1].split("\n<!-- rules:end -->", 1)[0]
    assert block == RULES.reference_table()


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    commands = re.findall(r"```bash\n(.+?)\n```", README.split("## Quick start", 1)[1].split("\n## ", 1)[0])
    assert len(commands) == 2
    ci = (REPO / ".ci/run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in ci


def test_the_own_template_example_is_a_template_that_does_what_it_says(tmp_path: Path) -> None:
    section = README.split("## Your own template", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("\n```", 1)[0]
    (tmp_path / "t.yml").write_text(example, encoding="utf-8")
    template = load_template(tmp_path / "t.yml")
    keys = list(template.sections)
    assert keys.index("detection_gaps") == keys.index("went_wrong") + 1 and "went_well" not in keys
    assert template.title("communications").endswith("Stakeholder updates") and not template.sections["impact"].required
    assert list(template.signoff_roles)[3] == "privacy" and "dora" in template.regulatory
    assert template.is_placeholder("Signal we lacked") and template.is_placeholder("Major? / N/A — reasoning")
    assert template.severity_choices() == "P1, P2 or P3" and template.write_up_days("P2") == 7
    error = section.split("naming the file and line:\n`", 1)[1].split("`.", 1)[0]
    (tmp_path / "postmortem-template.yml").write_text(
        example.replace("contains: table ", "contains: tabel "), encoding="utf-8"
    )
    with pytest.raises(TemplateError) as raised:
        load_template(tmp_path / "postmortem-template.yml")
    assert error == "mkdocs.yml: plugins: postmortem: template: " + str(raised.value).replace(f"{tmp_path}/", "")
