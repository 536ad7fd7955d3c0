"""A site with its own template, built for real: the build, `check`, `new`, the schema and the library
pages all follow it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from mkdocs_postmortem.cli import cli
from tests.conftest import FIXTURES, as_agent, fixture_text, run_mkdocs, write_site
from tests.test_own_template import DETECTION_GAPS, team_page

VALID = fixture_text("valid.md")
SCALE = """extends: coe
severities:
  - {name: P1, meaning: Customers hurt, write_up_days: 3}
  - {name: P2, meaning: Customers annoyed, write_up_days: 7}
  - {name: P3, meaning: Noticed only by us, postmortem: optional}
  - {name: P4, meaning: Cosmetic, postmortem: none}
"""


def team_site(root: Path, pages: dict[str, str], template: str | None = None) -> Path:
    """A site whose mkdocs.yml names `team.yml`: the fixture's team template, or `template`."""
    write_site(root, {f"postmortems/{name}": text for name, text in pages.items()}, options={"template": "team.yml"})
    if template is None:
        shutil.copy(FIXTURES / "team-template.yml", root / "team.yml")
    else:
        (root / "team.yml").write_text(template, encoding="utf-8")
    return root


def html(root: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((root / "site" / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def cli_run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_team_site_builds_strict_and_shows_its_sections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    team_site(tmp_path, {"a.md": team_page()})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    headings = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in html(tmp_path, "postmortems/a").find_all("h2")]
    assert "6. Detection gaps" in headings and "9. Stakeholder updates" in headings
    schema = json.loads((tmp_path / "site/postmortems/postmortem.schema.json").read_text(encoding="utf-8"))
    assert [s["key"] for s in schema["x-template"]["sections"]][5] == "detection_gaps"
    assert "Reviewer (Privacy)" in [role["title"] for role in schema["x-template"]["signoff_roles"]]
    assert cli_run(tmp_path, monkeypatch, "check")[0] == 0


def test_a_page_without_the_added_section_fails_build_and_check_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = team_page().replace(DETECTION_GAPS, "")
    team_site(tmp_path, {"a.md": page})
    line = next(n for n, text in enumerate(page.splitlines(), 1) if text.startswith("## 7. Root cause"))
    expected = f"docs/postmortems/a.md:{line}: PM201 error: section '6. Detection gaps' is missing"
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1 and expected in result.stderr and "Traceback" not in result.stderr
    code, out, _ = cli_run(tmp_path, monkeypatch, "check")
    assert code == 1 and expected in out


def test_new_scaffolds_the_team_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    team_site(tmp_path, {"a.md": team_page()})
    code, out, _ = cli_run(
        tmp_path, monkeypatch, "new", "--agent", "b-bot", "--severity", "sev 2", "--incident-date", "2026-09-14"
    )
    assert code == 0, out
    text = (tmp_path / "docs/postmortems/2026-09-14-b-bot.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[5:9] == [
        "## 6. Detection gaps",
        "## 7. Root cause (5 whys)",
        "## 8. Action items",
        "## 9. Stakeholder updates",
    ]
    assert "| Reviewer (Privacy) | | |" in text and "| [Signal we lacked] | |" in text
    code, out, _ = cli_run(tmp_path, monkeypatch, "check", "docs/postmortems/2026-09-14-b-bot.md")
    assert code == 1 and "PM202 error: template placeholder left in: '[Signal we lacked]'" in out
    _, out, _ = cli_run(tmp_path, monkeypatch, "rules")
    assert "| 6. Detection gaps | yes | a table with columns Signal, Gap, at least 1 |" in out
    assert "Reviewer (Privacy)" in out


def test_a_severity_scale_of_its_own_runs_through_the_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = VALID.replace("severity: Sev-1", "severity: p1").replace("**Severity:** Sev-1", "**Severity:** P1")
    second = (
        as_agent(first, "b-bot").replace("severity: p1", "severity: P2").replace("**Severity:** P1", "**Severity:** P2")
    )
    team_site(tmp_path, {"a.md": first, "b.md": second}, template=SCALE)
    result = run_mkdocs("build", cwd=tmp_path)
    assert "PM103" not in result.stderr and "PM106" not in result.stderr, result.stderr
    badges = html(tmp_path, "postmortems").select(".pm-badge")
    assert {(b.get_text(), b["class"][1]) for b in badges} == {("P1", "pm-sev-1"), ("P2", "pm-sev-2")}
    exported = json.loads((tmp_path / "site/postmortems/postmortems.json").read_text(encoding="utf-8"))
    assert sorted(p["severity"] for p in exported["postmortems"]) == ["P1", "P2"]
    assert "P1, 1 P2" in html(tmp_path, "postmortems").get_text(" ")  # the home's counts, in the scale's order
    chart = html(tmp_path, "postmortems").select_one(".postmortem-chart svg")
    assert chart is not None and "P1" in chart.get_text() and "P4" not in chart.get_text()  # P4 gets no post-mortem

    (tmp_path / "docs/postmortems/c.md").write_text(
        as_agent(first, "c-bot").replace("severity: p1", "severity: P4"), encoding="utf-8"
    )
    code, out, _ = cli_run(tmp_path, monkeypatch, "check", "docs/postmortems/c.md")
    assert code == 1 and "PM104 error: P4 needs no post-mortem" in out
    code, out, _ = cli_run(
        tmp_path, monkeypatch, "new", "--agent", "d-bot", "--severity", "Sev-2", "--incident-date", "2026-09-14"
    )
    assert code == 2 and "--severity: 'Sev-2' is not a severity; use P1, P2 or P3" in out + _
    code, out, _ = cli_run(
        tmp_path, monkeypatch, "new", "--agent", "d-bot", "--severity", "p-2", "--incident-date", "2026-09-14"
    )
    assert code == 0 and "(7 business days after the incident, P2)" in out


def test_a_broken_template_stops_build_and_check_with_the_same_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team_site(tmp_path, {"a.md": VALID}, template="sections:\n  timeline:\n    contains: chart\n")
    expected = "mkdocs.yml: plugins: postmortem: template: team.yml:3: sections.timeline.contains: Input should be"
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1 and expected in result.stderr and "Traceback" not in result.stderr
    code, _, err = cli_run(tmp_path, monkeypatch, "check")
    assert code == 2 and expected in err


def test_an_added_regulatory_question_is_asked_and_registered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template = "regulatory:\n  dora:\n    label: DORA major ICT incident\n    words: [dora]\n    after: sector\n"
    answered = VALID.replace(
        "- **Internal audit:**",
        "- **DORA major ICT incident:** Applicable — classified major, reported 2026-09-05.\n- **Internal audit:**",
    )
    not_applicable = as_agent(VALID, "b-bot").replace(
        "- **Internal audit:**",
        "- **DORA major ICT incident:** N/A — the company is not a financial entity.\n- **Internal audit:**",
    )
    team_site(tmp_path, {"a.md": answered, "b.md": not_applicable}, template=template)
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (tmp_path / "docs/postmortems/c.md").write_text(as_agent(VALID, "c-bot"), encoding="utf-8")
    line = next(n for n, text in enumerate(VALID.splitlines(), 1) if text.startswith("## 9. Regulatory"))
    code, out, _ = cli_run(tmp_path, monkeypatch, "check")
    assert code == 1 and out.startswith(
        f"docs/postmortems/c.md:{line}: PM501 error: the 'DORA major ICT incident' line is missing"
    )
    register = html(tmp_path, "postmortems/regulatory-register")
    table = register.find(id="register-all").find("table")
    assert [th.get_text(strip=True) for th in table.find_all("th")] == [
        "Post-mortem",
        "EU AI Act Article 73",
        "Sector regulations",
        "DORA major ICT incident",
        "Internal audit",
    ]
    dora = sorted(tr.find_all("td")[3].get_text(" ", strip=True) for tr in table.find_all("tr")[1:])
    assert dora == [
        "DORA major ICT incident: N/A — the company is not a financial entity.",
        "applicable DORA major ICT incident: Applicable — classified major, reported 2026-09-05.",
    ]


def test_action_items_in_several_tables_each_get_their_anchor(tmp_path: Path) -> None:
    split = VALID.replace(
        "| 2 | Filter retrieval",
        "\n### Prevention\n\n| # | Action | Severity | Owner | Due | Status |\n|---|---|---|---|---|---|\n| 2 | Filter retrieval",
    )
    write_site(tmp_path, {"postmortems/a.md": split})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0 and "PM005" not in result.stderr, result.stderr
    rows = html(tmp_path, "postmortems/a").select("tr.pm-action")
    assert [row["id"] for row in rows] == ["action-1", "action-2", "action-3"]
    assert "Filter retrieval" in rows[1].get_text()
