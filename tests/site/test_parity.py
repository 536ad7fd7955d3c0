"""`mkdocs-postmortem check` and `mkdocs build` report the same findings, over a matrix of options.

Each option set is one site holding every kind of page (valid, the worked example, warnings, a draft,
two pages about one incident). The build's findings are its log lines (`path:line: RULE level:
message — fix`); check's are its JSON, formatted the same way. PM005 compares the page with the HTML
MkDocs rendered, so only a build runs it: it is left out of the comparison.
"""

from __future__ import annotations

import concurrent.futures
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.model import Finding
from tests.conftest import TODAY, as_agent, fixture_text, run_mkdocs

VALID = fixture_text("valid.md")
PAGES = {
    "postmortems/2026-09-03-support-triage-bot.md": VALID,
    "postmortems/2026-08-14-finance-invoice-recon.md": fixture_text("worked_example.md"),
    "postmortems/warnings.md": as_agent(VALID, "warn-bot")
    .replace(
        "incident_date: 2026-09-03", "incident_date: 2026-08-24"
    )  # written late (PM701), by a holiday more or less
    .replace("| Alicia Gomez | 2026-09-10 |", "| Alicia Gomez | 2026-09-08 |")  # signed before the write-up: PM602
    .replace("| CoE Lead | 2026-09-30 |", "| Nobody Known | 2026-09-30 |"),  # not in the people file: PM411
    "postmortems/draft.md": as_agent(VALID, "draft-bot").replace("status: open", "status: draft"),
    "postmortems/same-incident.md": VALID.replace("title: Cross-tenant", "title: Again, cross-tenant"),  # PM107
    "postmortems/lists.md": as_agent(VALID, "lists-bot").replace(  # PM003 and PM004 but with `sane_lists`
        "- Supervisory authority notified on 2026-09-05\n",
        "- Supervisory authority notified on 2026-09-05\n  - by email\n\n1. Status page updated on 2026-09-05\n",
    ),
}
BUILD_ONLY = {"PM005"}
PLUGIN = f"  - postmortem:\n      today: {TODAY.isoformat()}\n"
# name → (mkdocs.yml's other lines, the plugin's option lines, base.yml when the site inherits one)
MATRIX: dict[str, tuple[str, str, str | None]] = {
    "no options": ("", "", None),
    "owners file": ("", "      owners: owners.yml\n", None),
    "rules, unquoted off": ("", "      rules: {PM203: off, PM602: error, PM403: warning, PM107: on}\n", None),
    "holidays": ("", "      holidays: GB-ENG\n", None),
    "exclude_docs": ("exclude_docs: |\n  postmortems/same-incident.md\n", "", None),
    "not_in_nav": ("not_in_nav: /postmortems/\n", "      nav_postmortems: true\n", None),
    "INHERIT": (
        "INHERIT: base.yml\nplugins:\n  postmortem:\n    holidays: GB-ENG\n",
        "",
        f"plugins:\n  search: {{}}\n  postmortem:\n    today: {TODAY.isoformat()}\n    owners: owners.yml\n    rules: {{PM203: off}}\n",
    ),
    "markdown_extensions": ("markdown_extensions:\n  - sane_lists\n  - toc:\n      permalink: true\n", "", None),
    "all at once": (
        "INHERIT: base.yml\ndraft_docs: |\n  postmortems/warnings.md\nnot_in_nav: /postmortems/\n"
        "markdown_extensions: [sane_lists]\nplugins:\n  postmortem:\n    owners: !ENV [PARITY_OWNERS_FILE, owners.yml]\n",
        "",
        f"exclude_docs: |\n  postmortems/same-incident.md\nplugins:\n  search: {{}}\n  postmortem:\n"
        f"    today: {TODAY.isoformat()}\n    holidays: GB-ENG\n    rules: {{PM203: off, PM403: warning}}\n",
    ),
}
LOG_LINE = re.compile(r"^(?:INFO|WARNING|ERROR)\s+-\s+postmortem: (\S+:\d+: (PM\d{3}) (?:error|warning|info): .+)$")


def _write(root: Path, name: str) -> Path:
    top, options, base = MATRIX[name]
    docs = root / "docs"
    for page, text in {"index.md": "# Home\n", **PAGES}.items():
        (docs / page).parent.mkdir(parents=True, exist_ok=True)
        (docs / page).write_text(text, encoding="utf-8")
    (root / "owners.yml").write_text(fixture_text("owners.yml"), encoding="utf-8")
    head = "site_name: Parity\ntheme: {name: mkdocs}\n"
    if base is None:
        (root / "mkdocs.yml").write_text(f"{head}{top}plugins:\n{PLUGIN}{options}", encoding="utf-8")
    else:
        (root / "base.yml").write_text(head + base, encoding="utf-8")
        (root / "mkdocs.yml").write_text(top, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """Every site of the matrix, built once (two at a time)."""
    sites = {name: _write(tmp_path_factory.mktemp("parity"), name) for name in MATRIX}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        done = {name: pool.submit(run_mkdocs, "build", cwd=site) for name, site in sites.items()}
    return {name: (sites[name], future.result()) for name, future in done.items()}


def _from_build(output: str) -> set[str]:
    return {match[1] for line in output.splitlines() if (match := LOG_LINE.match(line)) and match[2] not in BUILD_ONLY}


def _from_check(site: Path, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["check", "--format", "json"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.stderr
    return {Finding.model_validate(f).format() for f in json.loads(result.stdout) if f["rule"] not in BUILD_ONLY}


@pytest.mark.parametrize("name", MATRIX)
def test_check_reports_what_the_build_reports(
    builds: dict[str, tuple[Path, subprocess.CompletedProcess[str]]], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    site, build = builds[name]
    assert "Traceback" not in build.stderr and "plugins: postmortem:" not in build.stderr, build.stderr
    from_build = _from_build(build.stderr)
    assert from_build == _from_check(site, monkeypatch), build.stderr
    assert any(" PM403 " in line for line in from_build)  # the pages were checked


def test_the_matrix_changes_the_findings(
    builds: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
) -> None:
    """Each option set changes what is found, so the comparison above means something."""
    rules = {
        name: {line.split(": ", 2)[1].split()[0] for line in _from_build(build.stderr)}
        for name, (_, build) in builds.items()
    }
    by_page = {
        name: {line.split(":", 1)[0] + " " + line.split(": ", 2)[1].split()[0] for line in _from_build(build.stderr)}
        for name, (_, build) in builds.items()
    }
    assert "PM107" in rules["no options"] and "PM107" not in rules["exclude_docs"]
    assert "PM411" not in rules["no options"] and "PM411" in rules["owners file"] and "PM411" in rules["INHERIT"]
    assert (
        "PM203" in rules["no options"]
        and "PM203" not in rules["rules, unquoted off"]
        and "PM203" not in rules["INHERIT"]
    )
    assert "docs/postmortems/warnings.md PM602" in by_page["no options"]
    assert any(" PM602 error:" in line for line in _from_build(builds["rules, unquoted off"][1].stderr))
    assert rules["not_in_nav"] == rules["no options"]
    late = {
        name: {line for line in _from_build(build.stderr) if " PM701 " in line and "warnings.md" in line}
        for name, (_, build) in builds.items()
    }
    assert "deadline 2026-08-31" in str(late["no options"]) and "deadline 2026-09-01" in str(
        late["holidays"]
    )  # the bank holiday
    assert "deadline 2026-09-01" in str(late["INHERIT"])  # the child's option merged into the base's
    assert {"docs/postmortems/lists.md PM003", "docs/postmortems/lists.md PM004"} <= by_page["no options"]
    assert not {"docs/postmortems/lists.md PM003"} & by_page["markdown_extensions"]
    assert "docs/postmortems/lists.md PM004" in by_page["markdown_extensions"]
    everything = by_page["all at once"]
    assert "docs/postmortems/warnings.md PM411" in everything  # a draft is still checked, with the people file
    assert not any(line.startswith("docs/postmortems/same-incident.md") for line in everything)
    assert "docs/postmortems/lists.md PM003" not in everything and "PM203" not in rules["all at once"]
