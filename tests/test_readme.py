"""The README stays true: its rule table and its test command."""

from __future__ import annotations

import re

from mkdocs_postmortem.rules import RULES
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
