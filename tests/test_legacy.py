"""Legacy pages: kept as they are, only their front matter checked, never failing the build, listed as legacy."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.checker import Checker, Settings
from mkdocs_postmortem.cli import cli
from tests.conftest import TODAY, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
OLD = """---
agent: checkout-api
severity: SEV-2
date: 2019-03-09
author: Dana Whitfield
status: closed
---

# Checkout outage

## What happened

The payment provider's certificate expired and checkouts failed for two hours.

## Follow-ups

| Action | Owner | Due | Status |
|---|---|---|---|
| Monitor certificate expiry | Platform | 2019-04-01 | Open |
"""


def findings(text: str, path: str, **legacy: object) -> list[tuple[str, str, str]]:
    checker = Checker(Settings(today=TODAY, legacy=legacy))
    return [(f.rule, f.level.value, f.message) for f in checker.check(path, text.encode()).findings]


def test_a_legacy_page_is_held_only_to_its_front_matter_at_info_level() -> None:
    assert findings(OLD, "postmortems/2019-03-02-checkout.md", pages=["2019-*.md"]) == [
        ("PM108", "info", "`incident_date` 2019-03-02 was taken from the file name")
    ]
    assert {rule for rule, level, _ in findings(OLD, "postmortems/2019-03-02-checkout.md")} >= {"PM102", "PM201"}
    broken = OLD.replace("severity: SEV-2", "severity: Sev-9")
    assert ("PM103", "info") in [
        (r, lv) for r, lv, _ in findings(broken, "postmortems/2019-03-02-checkout.md", pages=["2019-*"])
    ]


def test_pages_before_a_date_are_legacy() -> None:
    dated = OLD.replace("date: 2019-03-09", "incident_date: 2019-03-02\ndate: 2019-03-09")
    assert findings(dated, "postmortems/checkout.md", before="2020-01-01") == []
    assert findings(dated, "postmortems/checkout.md", before="2019-01-01") != []
    assert findings(VALID, "postmortems/x.md", before="2020-01-01") == []  # a page after the date is checked as ever


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_site(
        tmp_path,
        {"postmortems/2019-03-02-checkout.md": OLD, "postmortems/new.md": VALID},
        options={"legacy": {"pages": ["2019-*.md"]}},
    )
    return tmp_path


def test_a_site_with_legacy_pages_builds_strict_and_lists_them_as_legacy(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_mkdocs("build", "--strict", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "1 legacy page" in result.stderr
    home = (site / "site/postmortems/index.html").read_text(encoding="utf-8")
    assert "Checkout outage" in home and "legacy" in home
    exported = json.loads((site / "site/postmortems/postmortems.json").read_text(encoding="utf-8"))
    legacy = {p["title"]: p["legacy"] for p in exported["postmortems"]}
    assert legacy["Checkout outage"] is True and list(legacy.values()).count(False) == 1
    rows = list(
        csv.DictReader(io.StringIO((site / "site/postmortems/action-items.csv").read_text(encoding="utf-8-sig")))
    )
    assert {row["action"]: row["legacy"] for row in rows}["Monitor certificate expiry"] == "True"
    card = (site / "site/postmortems/2019-03-02-checkout/index.html").read_text(encoding="utf-8")
    assert 'class="pm-badge pm-legacy"' in card
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0 and "1 legacy page" in result.output
