"""Output formats are registries: `check --format` chooses among `report.FORMATS`, `actions --format`
among `cli.ACTION_FORMATS`, and the commands' choices are the registries' names."""

from __future__ import annotations

import json

import click

from mkdocs_postmortem.cli import ACTION_FORMATS, actions, check
from mkdocs_postmortem.model import Finding, Level
from mkdocs_postmortem.report import FORMATS, Report

FINDING = Finding(
    path="docs/postmortems/a.md",
    line=3,
    rule="PM403",
    slug="single-owner",
    level=Level.ERROR,
    message="two owners",
    fix="name one",
)


def _choices(command: click.Command) -> list[str]:
    option = next(p for p in command.params if p.name == "output")
    assert isinstance(option.type, click.Choice)
    return list(option.type.choices)


def test_the_commands_choices_are_the_registries() -> None:
    assert _choices(check) == list(FORMATS) == ["text", "json", "github", "sarif"]
    assert _choices(actions) == list(ACTION_FORMATS) == ["table", "csv", "json"]


def test_every_format_takes_the_same_report() -> None:
    report = Report([FINDING], pages=2)
    assert FORMATS["text"](report).splitlines()[-1] == "1 error in 1 of 2 post-mortems"
    assert json.loads(FORMATS["json"](report))[0]["rule"] == "PM403"
    assert FORMATS["github"](report).startswith("::error file=docs/postmortems/a.md,line=3,title=PM403 single-owner::")
    assert FORMATS["github"](Report([], pages=2)) == ""  # nothing to print
    assert json.loads(FORMATS["sarif"](report))["runs"][0]["results"][0]["ruleId"] == "PM403"


def test_no_action_rows_in_each_format() -> None:
    assert ACTION_FORMATS["table"]([]) == "No open action items match.\n"
    assert ACTION_FORMATS["json"]([]) == "[]\n"
    assert ACTION_FORMATS["csv"]([]).startswith("agent,severity,postmortem,")
