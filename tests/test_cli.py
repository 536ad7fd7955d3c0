"""The command line, run as a user would: CliRunner for most cases, a real subprocess for one."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from sarif_pydantic import Sarif

from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.model import front_matter_schema
from tests.conftest import REPO, as_agent, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
TWO_OWNERS = VALID.replace("| Platform Lead |", "| Platform Lead + Security |")
SIGNED_EARLY = VALID.replace("| Alicia Gomez | 2026-09-10 |", "| Alicia Gomez | 2026-09-08 |")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pages = {"a.md": TWO_OWNERS, "b.md": as_agent(SIGNED_EARLY, "b-bot"), "c.md": as_agent(VALID, "c-bot")}
    write_site(tmp_path, {f"postmortems/{name}": text for name, text in pages.items()})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_new_scaffolds_a_draft_that_fails_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_site(tmp_path, {}, options={"holidays": "GB-ENG"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        "new",
        "--agent",
        "finance-invoice-recon",
        "--severity",
        "sev 1",
        "--incident-date",
        "2026-08-28",
        "--title",
        'Wrong "matches"',
        "--author",
        "Morteza Moradi",
    )
    assert code == 0
    target = tmp_path / "docs/postmortems/2026-08-28-finance-invoice-recon.md"
    assert "Created docs/postmortems/2026-08-28-finance-invoice-recon.md" in out
    # 5 business days, skipping the 08-31 bank holiday; "today" (2026-09-20) is 9 business days later
    assert "Write-up was due by 2026-09-07 (5 business days after the incident, Sev-1): 9 business days ago" in out
    assert '`late_reason: "…"` in the front matter' in out
    text = target.read_text(encoding="utf-8")
    assert text.startswith("---\nagent: finance-invoice-recon\nseverity: Sev-1\nincident_date: 2026-08-28\n")
    assert "status: draft" in text and "# Post-Mortem — finance-invoice-recon Sev-1 incident, 2026-08-28" in text

    code, out, _ = run("check", str(target))
    assert code == 1
    assert "PM202 error" in out and "PM601" not in out  # placeholders fail; sign-off waits for publication

    code, _, err = run(
        "new", "--agent", "finance-invoice-recon", "--severity", "Sev-1", "--incident-date", "2026-08-28"
    )
    assert code == 1 and "already exists" in err
    assert target.read_text(encoding="utf-8") == text  # untouched


def test_new_gives_the_deadline_still_ahead(site: Path) -> None:
    code, out, _ = run("new", "--agent", "hr-bot", "--severity", "Sev-2", "--incident-date", "2026-09-18")
    assert code == 0
    assert "Write-up due by 2026-10-02 (10 business days after the incident, Sev-2)." in out and "ago" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--severity", "Sev-4"], "Sev-4 needs no post-mortem"),
        (["--severity", "Sev-9"], "is not a severity"),
        (["--agent", "Finance Bot"], "--agent"),
    ],
)
def test_new_rejects_bad_arguments(site: Path, args: list[str], message: str) -> None:
    base = {"--agent": "bot", "--severity": "Sev-2", "--incident-date": "2026-09-01"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    code, _, err = run("new", *[part for pair in base.items() for part in pair])
    assert code == 2 and message in err
    assert not list((site / "docs/postmortems").glob("2026-09-01-*"))


def test_check_exit_codes_and_text_output(site: Path) -> None:
    code, out, _ = run("check")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("docs/postmortems/a.md:") and " PM403 error: " in lines[0]
    assert " PM602 warning: " in lines[1]
    assert lines[-1] == "1 error, 1 warning in 2 of 3 post-mortems"
    assert run("check", "docs/postmortems/c.md")[0] == 0
    assert run("check", "docs/postmortems/b.md")[0] == 0
    assert run("check", "--strict", "docs/postmortems/b.md")[0] == 1


def test_check_only_reports_on_given_paths(site: Path) -> None:
    _, out, _ = run("check", "docs/postmortems/b.md")
    assert "a.md" not in out and "b.md" in out and out.splitlines()[-1] == "1 warning in 1 of 1 post-mortem"


def test_check_json_github_sarif(site: Path) -> None:
    _, out, _ = run("check", "--format", "json")
    findings = json.loads(out)
    assert [(f["path"], f["rule"], f["level"]) for f in findings] == [
        ("docs/postmortems/a.md", "PM403", "error"),
        ("docs/postmortems/b.md", "PM602", "warning"),
    ]
    assert set(findings[0]) == {"path", "line", "rule", "slug", "level", "message", "fix"}

    _, out, _ = run("check", env={"GITHUB_ACTIONS": "true"})
    pattern = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,title=[^:,]+::[^\r\n]+$")
    assert len(out.splitlines()) == 2 and all(pattern.match(line) for line in out.splitlines())
    assert out.startswith("::error file=docs/postmortems/a.md,line=")

    _, out, _ = run("check", "--format", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, Sarif.model_json_schema(by_alias=True))
    Sarif.model_validate(log)
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("PM403", "error"), ("PM602", "warning")]
    rule_ids = {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {"PM403", "PM602"} <= rule_ids


def test_check_and_build_report_the_same_findings(site: Path) -> None:
    _, out, _ = run("check")
    from_check = [line for line in out.splitlines() if " PM" in line]
    build = run_mkdocs("build", cwd=site)
    from_build = [re.sub(r"^\w+\s+-\s+postmortem: ", "", line) for line in build.stderr.splitlines() if ": PM" in line]
    assert sorted(from_check) == sorted(from_build) and len(from_check) == 2


def test_actions_filters_and_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = VALID.replace("agent: support-triage-bot", "agent: hr-bot").replace("| Priya Raman |", "| priya  RAMAN |")
    other = other.replace("| ✅ Done (2026-09-03) |", "| Open |")
    write_site(tmp_path, {"postmortems/a.md": VALID, "postmortems/b.md": other}, options={"today": "2026-10-01"})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run("actions", "--format", "json")
    rows = json.loads(out)
    assert [(r["owner"], r["due"], r["agent"]) for r in rows] == [
        ("Priya Raman", "2026-09-03", "hr-bot"),
        ("CoE Lead", "2026-09-30", "support-triage-bot"),  # ties: by file (a.md before b.md)
        ("CoE Lead", "2026-09-30", "hr-bot"),
        ("Platform Lead", "2026-10-15", "support-triage-bot"),
        ("Platform Lead", "2026-10-15", "hr-bot"),
    ]
    assert rows[0]["days_overdue"] == 28 and rows[3]["days_overdue"] is None
    _, out, _ = run("actions", "--owner", "PRIYA raman", "--format", "json")
    assert [r["owner"] for r in json.loads(out)] == ["Priya Raman"]
    _, out, _ = run("actions", "--agent", "support-triage-bot", "--overdue", "--format", "json")
    assert [(r["due"], r["agent"]) for r in json.loads(out)] == [("2026-09-30", "support-triage-bot")]
    _, out, _ = run("actions", "--due-before", "2026-10-01", "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert [r["due"] for r in parsed] == ["2026-09-03", "2026-09-30", "2026-09-30"]
    _, out, _ = run("actions")
    assert out.splitlines()[0].split() == ["OWNER", "DUE", "OVERDUE", "ACTION", "POST-MORTEM"]
    assert "Priya Raman" in out.splitlines()[1] and "28" in out.splitlines()[1]


def test_actions_rows_are_the_exports_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`actions --format csv|json` lists the rows of action-items.csv: same columns, same values, the
    owners merged through the people file's aliases as on the owner page."""
    other = as_agent(VALID, "hr-bot").replace("| Platform Lead | 2026-10-15 |", "| Platform team | next sprint |")
    write_site(
        tmp_path,
        {"postmortems/a.md": VALID, "postmortems/b.md": other},
        options={"owners": "owners.yml", "rules": {"PM404": "warning"}},
        extra={"site_url": "https://docs.example.org/lib/"},
    )
    (tmp_path / "owners.yml").write_text(fixture_text("owners.yml"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    _, out, _ = run("actions", "--owner", "Platform team", "--format", "json")
    rows = json.loads(out)
    assert [(r["owner"], r["number"], r["due"], r["due_text"], r["status"], r["agent"]) for r in rows] == [
        ("Platform Lead", "2", "2026-10-15", "", "in_progress", "support-triage-bot"),
        ("Platform Lead", "2", None, "next sprint", "in_progress", "hr-bot"),
    ]
    assert rows[0]["url"] == "https://docs.example.org/lib/postmortems/a/#action-2"
    assert (
        rows[0]["path"] == "docs/postmortems/a.md"
        and rows[0]["postmortem"] == "Cross-tenant retrieval in support replies"
    )

    assert run_mkdocs("build", cwd=tmp_path).returncode == 0
    export = list(
        csv.DictReader(io.StringIO((tmp_path / "site/postmortems/action-items.csv").read_text(encoding="utf-8-sig")))
    )
    listed = list(csv.DictReader(io.StringIO(run("actions", "--format", "csv")[1])))
    assert listed and set(listed[0]) == set(export[0])
    key = lambda row: (row["path"], row["number"])  # noqa: E731
    assert sorted(listed, key=key) == sorted((r for r in export if r["status"] in ("open", "in_progress")), key=key)


def test_actions_urls_follow_use_directory_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_site(tmp_path, {"postmortems/a b.md": VALID}, extra={"use_directory_urls": False})
    monkeypatch.chdir(tmp_path)
    rows = json.loads(run("actions", "--format", "json")[1])
    assert rows[0]["url"] == "postmortems/a%20b.html#action-3"  # as MkDocs names the page: site-relative


def test_pre_commit_hook_checks_the_changed_files_against_the_whole_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pre-commit gives `check` the changed files in one run (`require_serial`, so no parallel batches),
    and `check a.md` still compares a.md with the rest of the library, as the build does."""
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["require_serial"] is True and hook["pass_filenames"] is True
    write_site(tmp_path, {"postmortems/a.md": VALID, "postmortems/b.md": VALID})  # b: a's incident again
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("check", "docs/postmortems/a.md")
    assert code == 0
    assert out.splitlines() == [
        "docs/postmortems/a.md:4: PM107 warning: docs/postmortems/b.md is about the same incident "
        "(support-triage-bot, 2026-09-03) — merge the two post-mortems, or correct the agent or incident_date",
        "1 warning in 1 of 1 post-mortem",
    ]


def test_exclude_docs_and_draft_docs_as_mkdocs_reads_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = {
        "postmortems/a.md": VALID,
        "postmortems/old/b.md": VALID,  # a duplicate of a, but excluded: no PM107
        "postmortems/.c.md": TWO_OWNERS,  # hidden: excluded by MkDocs' own default
        "postmortems/d.md": as_agent(VALID, "d-bot"),  # one of draft_docs
    }
    write_site(
        tmp_path,
        pages,
        extra={"exclude_docs": "old/\n", "draft_docs": "postmortems/d.md\n", "not_in_nav": "/postmortems/"},
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("check")
    assert code == 0 and out.splitlines() == ["2 post-mortems checked: no findings"]
    code, out, err = run("check", "docs/postmortems/old/b.md", "docs/index.md")
    assert code == 0 and out.splitlines() == ["0 post-mortems checked: no findings"]
    assert "docs/postmortems/old/b.md: not checked" in err and "docs/index.md: not checked" in err
    agents = {row["agent"] for row in json.loads(run("actions", "--format", "json")[1])}
    assert agents == {"support-triage-bot"}
    agents = {row["agent"] for row in json.loads(run("actions", "--include-drafts", "--format", "json")[1])}
    assert agents == {"support-triage-bot", "d-bot"}


def test_config_read_as_mkdocs_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """INHERIT merges deeply (the child's plugin options add to the base's), `!ENV` and `!relative`
    give their values, `!!python/name:` is left alone."""
    write_site(tmp_path, {"postmortems/a.md": SIGNED_EARLY.replace("| CoE Lead |", "| Nobody Known |")})
    (tmp_path / "owners.yml").write_text(fixture_text("owners.yml"), encoding="utf-8")
    (tmp_path / "base.yml").write_text(
        "site_name: base\ntheme: {name: mkdocs}\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  postmortem:\n    today: 2026-09-20\n    rules: {PM602: error, PM411: on}\n",
        encoding="utf-8",
    )
    (tmp_path / "mkdocs.yml").write_text(
        "INHERIT: base.yml\nsite_url: !ENV [POSTMORTEM_TEST_SITE_URL, 'https://x.example/']\n"
        "plugins:\n  postmortem:\n    owners: !relative $config_dir/owners.yml\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    findings = json.loads(run("check", "--format", "json")[1])
    assert [(f["rule"], f["level"]) for f in findings] == [("PM602", "error"), ("PM411", "warning")]
    rows = json.loads(run("actions", "--format", "json", env={"POSTMORTEM_TEST_SITE_URL": "https://y.example/"})[1])
    assert rows[0]["url"].startswith("https://y.example/postmortems/a/#")
    assert json.loads(run("actions", "--format", "json")[1])[0]["url"].startswith("https://x.example/")


def test_schema_is_the_front_matter_schema(site: Path) -> None:
    _, out, _ = run("schema")
    schema = json.loads(out)
    assert schema == front_matter_schema()
    meta = {
        "agent": "x",
        "severity": "Sev-2",
        "incident_date": "2026-01-01",
        "date": "2026-01-02",
        "author": "A",
        "status": "open",
    }
    jsonschema.validate(meta, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**meta, "severity": "Sev-4"}, schema)


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("none", ["check"], "mkdocs.yml does not exist (give the site's config with -f mkdocs.yml)"),
        ("no-plugin", ["check"], "the postmortem plugin is not enabled"),
        ("bad-rule", ["check"], "unknown rule 'PM999'"),
        ("bad-option", ["check"], "unknown option 'colour'"),
        ("bad-date", ["check"], "mkdocs.yml: not valid YAML (month must be in 1..12)"),
        ("missing-parent", ["check"], "mkdocs.yml: INHERIT: 'base.yml' does not exist at"),
        ("ok", ["check", "docs/postmortems/missing.md"], "no such file or folder"),
        ("ok", ["actions", "--due-before", "tomorrow"], "Invalid value for '--due-before'"),
    ],
)
def test_usage_and_config_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: str, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if setup != "none":
        options = {"bad-rule": {"rules": {"PM999": "off"}}, "bad-option": {"colour": "red"}}.get(setup, {})
        config = write_site(tmp_path, {"postmortems/a.md": VALID}, options=options)
        if setup == "no-plugin":
            config.write_text("site_name: x\n", encoding="utf-8")
        elif setup == "bad-date":
            config.write_text("site_name: x\nplugins:\n  - postmortem:\n      today: 2026-13-01\n", encoding="utf-8")
        elif setup == "missing-parent":
            config.write_text("INHERIT: base.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run(*args)
    assert code == 2, out + err
    assert message in err and "Traceback" not in err


def test_unreadable_path_exits_2(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs as root, where file modes do not stop reads: make the read itself fail.
    import mkdocs_postmortem.cli as cli_module

    real_read = cli_module.read_page

    def read_page(path: Path) -> bytes:
        if path.name == "a.md":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(cli_module, "read_page", read_page)
    code, _, err = run("check")
    assert code == 2 and "a.md: cannot read it (Permission denied)" in err


def test_installed_script_runs_in_a_real_process(site: Path) -> None:
    script = Path(sys.executable).with_name("mkdocs-postmortem")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mkdocs_postmortem"]
    version = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("mkdocs-postmortem, version ")
    result = subprocess.run([*command, "check", "--format", "json"], cwd=site, capture_output=True, text=True)
    assert result.returncode == 1 and json.loads(result.stdout)[0]["rule"] == "PM403"
    help_text = subprocess.run([*command, "check", "--help"], capture_output=True, text=True).stdout
    assert "Examples:" in help_text and "--format" in help_text


def test_waivers_work_the_same_in_check_and_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    waived = TWO_OWNERS.replace(
        "| # | Action", '<!-- postmortem: disable PM403 reason="agreed at review" -->\n| # | Action'
    )
    unexplained = as_agent(TWO_OWNERS, "b-bot").replace("status: open\n", "status: open\naccept: [PM403]\n")
    write_site(tmp_path, {"postmortems/a.md": waived, "postmortems/b.md": unexplained})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run("check", "--format", "json")
    assert [(f["path"], f["rule"]) for f in json.loads(out)] == [("docs/postmortems/b.md", "PM002")]
    build = run_mkdocs("build", cwd=tmp_path)
    assert build.returncode == 0
    assert re.findall(r"docs/postmortems/\w\.md:\d+: (PM\d{3}) ", build.stderr) == ["PM002"]


def test_large_libraries_are_checked_in_parallel_with_the_same_findings(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "docs/postmortems/d.md").write_text(as_agent(VALID, "b-bot"), encoding="utf-8")  # a duplicate of b
    serial = run("check", "--format", "json")[1]
    monkeypatch.setattr("mkdocs_postmortem.cli.PARALLEL_FROM", 1)
    parallel = run("check", "--format", "json")[1]
    assert json.loads(parallel) == json.loads(serial)
    assert {f["rule"] for f in json.loads(parallel)} == {"PM403", "PM602", "PM107"}
