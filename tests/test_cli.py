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
from click.testing import CliRunner
from sarif_pydantic import Sarif

from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.model import front_matter_schema
from tests.conftest import as_agent, fixture_text, run_mkdocs, write_site

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
    code, out, _ = run("new", "--agent", "finance-invoice-recon", "--severity", "sev 1", "--incident-date", "2026-08-28",
                       "--title", 'Wrong "matches"', "--author", "Morteza Moradi")
    assert code == 0
    target = tmp_path / "docs/postmortems/2026-08-28-finance-invoice-recon.md"
    assert "Created docs/postmortems/2026-08-28-finance-invoice-recon.md" in out
    assert "Write-up due by 2026-09-07" in out  # 5 business days, skipping the 08-31 bank holiday
    text = target.read_text(encoding="utf-8")
    assert text.startswith("---\nagent: finance-invoice-recon\nseverity: Sev-1\nincident_date: 2026-08-28\n")
    assert "status: draft" in text and "# Post-Mortem — finance-invoice-recon Sev-1 incident, 2026-08-28" in text

    code, out, _ = run("check", str(target))
    assert code == 1
    assert "PM202 error" in out and "PM601" not in out  # placeholders fail; sign-off waits for publication

    code, _, err = run("new", "--agent", "finance-invoice-recon", "--severity", "Sev-1", "--incident-date", "2026-08-28")
    assert code == 1 and "already exists" in err
    assert target.read_text(encoding="utf-8") == text  # untouched


@pytest.mark.parametrize(
    "args, message",
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
    code, out, _ = run("check", "docs/postmortems/b.md")
    assert "a.md" not in out and "b.md" in out and out.splitlines()[-1] == "1 warning in 1 of 1 post-mortem"


def test_check_json_github_sarif(site: Path) -> None:
    _, out, _ = run("check", "--format", "json")
    findings = json.loads(out)
    assert [(f["path"], f["rule"], f["level"]) for f in findings] == [
        ("docs/postmortems/a.md", "PM403", "error"), ("docs/postmortems/b.md", "PM602", "warning")
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


def test_schema_is_the_front_matter_schema(site: Path) -> None:
    _, out, _ = run("schema")
    schema = json.loads(out)
    assert schema == front_matter_schema()
    meta = {"agent": "x", "severity": "Sev-2", "incident_date": "2026-01-01", "date": "2026-01-02", "author": "A", "status": "open"}
    jsonschema.validate(meta, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**meta, "severity": "Sev-4"}, schema)


@pytest.mark.parametrize(
    "setup, args, message",
    [
        ("none", ["check"], "mkdocs.yml does not exist (give the site's config with -f mkdocs.yml)"),
        ("no-plugin", ["check"], "the postmortem plugin is not enabled"),
        ("bad-rule", ["check"], "unknown rule 'PM999'"),
        ("bad-option", ["check"], "unknown option 'colour'"),
        ("ok", ["check", "docs/postmortems/missing.md"], "no such file or folder"),
        ("ok", ["actions", "--due-before", "tomorrow"], "Invalid value for '--due-before'"),
    ],
)
def test_usage_and_config_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: str, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    if setup != "none":
        options = {"bad-rule": {"rules": {"PM999": "off"}}, "bad-option": {"colour": "red"}}.get(setup, {})
        config = write_site(tmp_path, {"postmortems/a.md": VALID}, options=options)
        if setup == "no-plugin":
            config.write_text("site_name: x\n", encoding="utf-8")
    code, out, err = run(*args)
    assert code == 2, out + err
    assert message in err and "Traceback" not in err


def test_unreadable_path_exits_2(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs as root, where file modes do not stop reads: make the read itself fail.
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "a.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
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
    waived = TWO_OWNERS.replace("| # | Action", '<!-- postmortem: disable PM403 reason="agreed at review" -->\n| # | Action')
    unexplained = as_agent(TWO_OWNERS, "b-bot").replace("status: open\n", "status: open\naccept: [PM403]\n")
    write_site(tmp_path, {"postmortems/a.md": waived, "postmortems/b.md": unexplained})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run("check", "--format", "json")
    assert [(f["path"], f["rule"]) for f in json.loads(out)] == [("docs/postmortems/b.md", "PM002")]
    build = run_mkdocs("build", cwd=tmp_path)
    assert build.returncode == 0
    assert re.findall(r"docs/postmortems/\w\.md:\d+: (PM\d{3}) ", build.stderr) == ["PM002"]


def test_large_libraries_are_checked_in_parallel_with_the_same_findings(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "docs/postmortems/d.md").write_text(as_agent(VALID, "b-bot"), encoding="utf-8")  # a duplicate of b
    serial = run("check", "--format", "json")[1]
    monkeypatch.setattr("mkdocs_postmortem.cli.PARALLEL_FROM", 1)
    parallel = run("check", "--format", "json")[1]
    assert json.loads(parallel) == json.loads(serial)
    assert {f["rule"] for f in json.loads(parallel)} == {"PM403", "PM602", "PM107"}
