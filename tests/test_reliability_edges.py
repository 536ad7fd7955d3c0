"""Issue #19, reliability round two: dates at and past the ends of the range this tool reads, "today"
from an option or SOURCE_DATE_EPOCH that cannot be used, `dir: .`, a named pipe given as a file, what
`actions` prints on a terminal, and the fuzz harness itself. Each case failed before its fix."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.checker import Checked, ConfigError, Settings
from mkdocs_postmortem.cli import _table, cli
from mkdocs_postmortem.dates import EARLIEST, LATEST, LATEST_EPOCH, TodayError, resolve_today
from mkdocs_postmortem.model import Finding, PostMortem
from mkdocs_postmortem.options import validate_options
from mkdocs_postmortem.people import PeopleFileError, load_people
from mkdocs_postmortem.render.exports import ActionRow
from mkdocs_postmortem.settings import VariableError
from tests.conftest import REPO, TODAY, as_agent, check_text, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
RANGE = "dates must lie between 1970-01-01 and 2099-12-31"


def cli_run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def real_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The installed command in its own process: exit 3 (an internal error) is only seen there, and a
    hang is a timeout, not a stuck test run."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortem", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def no_internal_error(text: str) -> bool:
    return "internal error" not in text and "PM000" not in text and "Traceback" not in text


# -- Front matter dates: in the model, a PM103 finding naming the key and the range ------------------

FRONT_MATTER_DATES = {
    "incident_date": ("incident_date: 2026-09-03", "incident_date: {}"),
    "date": ("date: 2026-09-09", "date: {}"),
    "awareness_date": ("tags:", "awareness_date: {}\ntags:"),
    "started_at": ("tags:", "started_at: {} 09:12\ntags:"),
    "detected_at": ("tags:", "detected_at: {} 10:38\ntags:"),
    "mitigated_at": ("tags:", "mitigated_at: {}T10:51:00+01:00\ntags:"),
    "resolved_at": ("tags:", "resolved_at: {} 14:30\ntags:"),
}


def with_date(key: str, day: str, text: str = VALID) -> str:
    old, new = FRONT_MATTER_DATES[key]
    assert old in text
    return text.replace(old, new.format(day), 1)


@pytest.mark.parametrize("key", FRONT_MATTER_DATES)
@pytest.mark.parametrize("day", ["0001-01-01", "1969-12-31", "2100-01-01", "9999-12-31"])
def test_a_front_matter_date_out_of_range_is_a_pm103_naming_the_key_and_the_range(key: str, day: str) -> None:
    findings = check_text(with_date(key, day))
    assert [f.rule for f in findings if f.level == "error"] == ["PM103"], [f.format() for f in findings]
    (finding,) = (f for f in findings if f.rule == "PM103")
    assert finding.message.startswith(f"`{key}` '{day}") and finding.message.endswith(f"is out of range: {RANGE}")
    assert (
        finding.line
        == with_date(key, day)
        .splitlines()
        .index(next(line for line in with_date(key, day).splitlines() if line.startswith(f"{key}:")))
        + 1
    )


@pytest.mark.parametrize("key", FRONT_MATTER_DATES)
@pytest.mark.parametrize("day", [EARLIEST.isoformat(), LATEST.isoformat()])
def test_the_ends_of_the_range_are_dates(key: str, day: str) -> None:
    assert not [f for f in check_text(with_date(key, day)) if f.rule in ("PM103", "PM000")]


# The pages of one build: each with one date out of range (front matter and body), and pages at the
# range's ends. Before: `incident_date: 0001-01-01` failed the build with an internal error
# (`int('1-Q1')` in the quarterly review), `9999-12-31` with PM000 (OverflowError).
BUILD_PAGES = {
    "incident-0001": with_date("incident_date", "0001-01-01"),
    "incident-9999": with_date("incident_date", "9999-12-31"),
    "date-9999": with_date("date", "9999-12-31"),
    "awareness-9999": with_date("awareness_date", "9999-12-31"),
    "started-0001": with_date("started_at", "0001-01-01"),
    "mitigated-9999": with_date("mitigated_at", "9999-12-31"),
    "earliest": with_date(
        "awareness_date", "1970-01-01", with_date("date", "1970-01-08", with_date("incident_date", "1970-01-01"))
    ).replace("2026-09-", "1970-01-"),
    "latest": with_date(
        "awareness_date", "2099-12-31", with_date("date", "2099-12-31", with_date("incident_date", "2099-12-30"))
    ).replace("2026-09-", "2099-12-"),
    # Body dates far out of range: the library, its pages and exports must take them.
    "body-dates": VALID.replace("| Platform Lead | 2026-10-15 |", "| Platform Lead | 0001-01-01 |")
    .replace("✅ Done (2026-09-03)", "✅ Done (9999-12-31)")
    .replace("| Jane Doe | 2026-09-14 |", "| Jane Doe | 9999-12-31 |")
    .replace("| Pat Lee | 2026-09-10 |", "| Pat Lee | 0001-01-01 |")
    .replace("| 2026-09-03 15:40 |", "| 9999-12-31 23:59 |")
    .replace("| 2026-09-03 13:30 |", "| 0001-01-01 00:00 |"),
}


@pytest.fixture(scope="module")
def edge_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("edges")
    pages = {f"postmortems/{name}.md": as_agent(text, name) for name, text in BUILD_PAGES.items()}
    write_site(root, pages, options={"rules": {"PM106": "off", "PM602": "off", "PM701": "off", "PM107": "off"}})
    return root, run_mkdocs("build", cwd=root)


def test_a_build_with_dates_out_of_range_reports_them_and_nothing_crashes(
    edge_build: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, build = edge_build
    assert no_internal_error(build.stderr), build.stderr
    for name, key, day in [
        ("incident-0001", "incident_date", "0001-01-01"),
        ("incident-9999", "incident_date", "9999-12-31"),
        ("date-9999", "date", "9999-12-31"),
        ("awareness-9999", "awareness_date", "9999-12-31"),
        ("started-0001", "started_at", "0001-01-01 09:12"),
        ("mitigated-9999", "mitigated_at", "9999-12-31T10:51:00+01:00"),
    ]:
        assert f"docs/postmortems/{name}.md:" in build.stderr
        assert f"PM103 error: `{key}` '{day}' is out of range: {RANGE}" in build.stderr, name
    for name in ("earliest", "latest", "body-dates"):
        assert not [line for line in build.stderr.splitlines() if f"{name}.md" in line and "PM103" in line]


def test_the_check_command_reports_what_the_build_reports(
    edge_build: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    root, build = edge_build
    result = real_cli("check", "--format", "json", cwd=root)
    assert result.returncode == 1 and no_internal_error(result.stderr + result.stdout)
    for finding in json.loads(result.stdout):
        if finding["rule"] == "PM103":
            assert f"{finding['path']}:{finding['line']}: PM103 error: {finding['message']}" in build.stderr
    actions = real_cli("actions", "--format", "json", cwd=root)
    assert actions.returncode == 0 and no_internal_error(actions.stderr)


def test_pages_at_the_ends_of_the_range_and_far_body_dates_build(tmp_path: Path) -> None:
    """The library pages, cards and every export, "today" the last day of the range: 520 quarters of
    review, every deadline and "the next 30 days" past it."""
    pages = {
        f"postmortems/{name}.md": as_agent(BUILD_PAGES[name], name) for name in ("earliest", "latest", "body-dates")
    }
    write_site(
        tmp_path,
        pages,
        options={
            "today": LATEST.isoformat(),
            # Whether a body date out of range reads as a date or as none, only what is built from it matters here.
            "rules": dict.fromkeys(("PM106", "PM302", "PM303", "PM404", "PM601", "PM602", "PM701"), "off"),
        },
    )
    build = run_mkdocs("build", cwd=tmp_path)
    assert build.returncode == 0 and no_internal_error(build.stderr), build.stderr
    site = tmp_path / "site/postmortems"
    for export in ("postmortems.json", "action-items.csv", "action-items.ics", "feed.xml"):
        assert (site / export).stat().st_size > 0, export
    review = (site / "quarterly-review/index.html").read_text(encoding="utf-8")
    assert "2099-Q4" in review and "1970-Q1" in review


def test_a_due_date_at_the_end_of_time_does_not_crash_the_exports(tmp_path: Path) -> None:
    """`| 9999-12-31 |` as an open item's due date: the iCalendar export added a day to it (OverflowError)."""
    page = VALID.replace("| Platform Lead | 2026-10-15 |", "| Platform Lead | 9999-12-31 |")
    write_site(tmp_path, {"postmortems/a.md": page})
    build = run_mkdocs("build", cwd=tmp_path)
    assert no_internal_error(build.stderr), build.stderr


# -- `new`: everything validated before anything is written --------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1969-12-31", "2100-01-01"])
def test_new_refuses_an_incident_date_out_of_range_and_writes_nothing(tmp_path: Path, day: str) -> None:
    """Before: 9999-12-31 wrote the file, then exited 3 (OverflowError computing the deadline);
    0001-01-01 wrote `1-01-01-x.md`."""
    write_site(tmp_path, {})
    result = real_cli("new", "--agent", "x", "--severity", "Sev-2", "--incident-date", day, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"Error: --incident-date: {day} is out of range: {RANGE}"
    assert sorted(path.name for path in (tmp_path / "docs").rglob("*")) == ["index.md"]


def test_new_at_the_end_of_the_range_names_the_file_by_the_full_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_site(tmp_path, {}, options={"today": "2099-12-31"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli_run("new", "--agent", "x", "--severity", "Sev-1", "--incident-date", "1970-01-01")
    assert code == 0 and "Created docs/postmortems/1970-01-01-x.md" in out
    assert "Write-up was due by 1970-01-08" in out
    code, out, _ = cli_run("new", "--agent", "y", "--severity", "Sev-2", "--incident-date", "2099-12-31")
    assert code == 0 and "Created docs/postmortems/2099-12-31-y.md" in out and "due by 2100-01-14" in out


def test_new_with_a_folder_it_cannot_make_says_so(tmp_path: Path) -> None:
    write_site(tmp_path, {})
    (tmp_path / "docs/postmortems").write_text("a file where the folder should be\n", encoding="utf-8")
    result = real_cli("new", "--agent", "x", "--severity", "Sev-2", "--incident-date", "2026-09-01", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("Error: docs/postmortems: cannot make the folder (")


# -- "today": the option and SOURCE_DATE_EPOCH -------------------------------------------------------


@pytest.mark.parametrize(
    ("epoch", "message"),
    [
        ("abc", "SOURCE_DATE_EPOCH: 'abc' is not a number of seconds since 1970-01-01 00:00 UTC"),
        ("1.5", "SOURCE_DATE_EPOCH: '1.5' is not a number of seconds since 1970-01-01 00:00 UTC"),
        ("-1", "SOURCE_DATE_EPOCH: '-1' is out of range: it must give a day between 1970-01-01 and 2099-12-31"),
        ("4102444800", "SOURCE_DATE_EPOCH: '4102444800' is out of range"),
        ("9" * 5000, f"SOURCE_DATE_EPOCH: '{'9' * 39}…' is out of range"),
    ],
    ids=["text", "fraction", "negative", "2100", "5000 digits"],
)
def test_a_source_date_epoch_that_cannot_be_used_is_a_configuration_error(
    tmp_path: Path, epoch: str, message: str
) -> None:
    """Before: an internal error (ValueError from `int()`, OverflowError), exit 3."""
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"today": None})
    result = real_cli("check", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": epoch})
    assert result.returncode == 2 and result.stderr.startswith(f"Error: {message}"), result.stderr
    assert no_internal_error(result.stderr)


def test_a_source_date_epoch_that_cannot_be_used_stops_the_build_cleanly(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"today": None})
    env_build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=tmp_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "tomorrow"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert env_build.returncode == 1
    assert "ERROR   -  SOURCE_DATE_EPOCH: 'tomorrow' is not a number of seconds" in env_build.stderr
    assert no_internal_error(env_build.stderr) and "plugins: postmortem" not in env_build.stderr


def test_source_date_epoch_at_the_ends_of_the_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert resolve_today() == EARLIEST
    monkeypatch.setenv("SOURCE_DATE_EPOCH", f" {LATEST_EPOCH} ")
    assert resolve_today() == LATEST
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(LATEST_EPOCH + 1))
    with pytest.raises(TodayError, match=r"^SOURCE_DATE_EPOCH: "):
        resolve_today()
    with pytest.raises(VariableError, match=r"^SOURCE_DATE_EPOCH: "):
        Settings().context()
    assert resolve_today(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)  # the option wins


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1969-12-31", "2100-01-01"])
def test_a_today_out_of_range_is_a_configuration_error_naming_the_option(tmp_path: Path, day: str) -> None:
    """Before: accepted; 9999-12-31 then failed the build with an internal error (OverflowError)."""
    config = write_site(tmp_path, {"postmortems/a.md": VALID})
    config.write_text(config.read_text(encoding="utf-8").replace(TODAY.isoformat(), day), encoding="utf-8")
    expected = f"mkdocs.yml: plugins: postmortem: today: {day} is out of range: {RANGE}"
    result = real_cli("check", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.strip() == f"Error: {expected}"
    build = run_mkdocs("build", cwd=tmp_path)
    assert build.returncode == 1 and f"ERROR   -  {expected}" in build.stderr and no_internal_error(build.stderr)
    with pytest.raises(TodayError, match=rf"^today: {day} is out of range"):
        resolve_today(dt.date.fromisoformat(day))


# -- `dir: .` and files that are not regular files ----------------------------------------------------


@pytest.mark.parametrize("value", [".", "./", " ./. "])
def test_dir_dot_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """Before: accepted, and every page of the site was a post-mortem."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        validate_options({"dir": value}, tmp_path / "mkdocs.yml")
    assert str(caught.value) == (
        f"mkdocs.yml: plugins: postmortem: dir: '{value}' is docs_dir itself, which would make every page of "
        "the site a post-mortem: name a folder inside docs_dir, such as `postmortems`, or a pattern such as "
        "`*/postmortems`"
    )
    assert validate_options({"dir": "./postmortems/"}, tmp_path / "mkdocs.yml").dir == "postmortems"


def test_dir_dot_stops_the_build_and_check_alike(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"dir": "."})
    message = "mkdocs.yml: plugins: postmortem: dir: '.' is docs_dir itself"
    build = run_mkdocs("build", cwd=tmp_path)
    assert build.returncode == 1 and f"ERROR   -  {message}" in build.stderr
    result = real_cli("check", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith(f"Error: {message}")


@pytest.fixture
def fifo_site(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    return tmp_path


@pytest.mark.parametrize("option", ["owners", "template"])
def test_a_named_pipe_as_a_file_option_is_refused_not_waited_on(fifo_site: Path, option: str) -> None:
    """Before: `check` and the build waited for ever for something to write into the pipe."""
    write_site(fifo_site, {"postmortems/a.md": VALID}, options={option: "team.yml"})
    os.mkfifo(fifo_site / "team.yml")
    message = f"mkdocs.yml: plugins: postmortem: {option}: team.yml is a named pipe, not a file"
    result = real_cli("check", cwd=fifo_site, timeout=30)
    assert result.returncode == 2 and result.stderr.strip() == f"Error: {message}"
    build = run_mkdocs("build", cwd=fifo_site, timeout=60)
    assert build.returncode == 1 and f"ERROR   -  {message}" in build.stderr


def test_a_folder_or_a_device_as_a_file_option_is_refused(tmp_path: Path) -> None:
    (tmp_path / "owners.d").mkdir()
    with pytest.raises(PeopleFileError, match=r"^owners: .*owners\.d is a folder, not a file$"):
        load_people(tmp_path / "owners.d")
    if Path("/dev/null").exists():
        with pytest.raises(ConfigError, match=r"^template: /dev/null is a device, not a file$"):
            Settings(template="/dev/null").context(tmp_path)


def test_a_people_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    """Before: the decoding error escaped as an internal error."""
    (tmp_path / "owners.yml").write_bytes(b"Priya Raman: [Priya]\nZo\xe9: []\n")
    with pytest.raises(PeopleFileError, match=r"owners\.yml:2: not UTF-8 text \(byte 0xe9\)$"):
        load_people(tmp_path / "owners.yml")


# -- `actions`: a terminal sees no escape sequence, no line break from a cell -------------------------


def _row(**cells: str) -> ActionRow:
    base = {
        "agent": "a",
        "severity": "Sev-2",
        "postmortem": "P",
        "postmortem_url": "",
        "number": "1",
        "action": "Do it",
        "owner": "Priya",
        "due": None,
        "status": "open",
        "completed": None,
        "days_overdue": None,
        "url": "",
        "due_text": "",
        "path": "docs/postmortems/a.md",
    }
    return ActionRow.model_construct(**{**base, **cells})  # as written: the table must cope whatever it gets


def test_the_actions_table_shows_control_characters_as_escapes() -> None:
    hostile = _row(
        action="\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ me\nFORGED\x1b[2J",
        owner="Pri\u202eya\x07",
        due_text="soon\r\nish",
        path="docs/postmortems/a\x1b[31m.md",
    )
    table = _table([hostile])
    assert len(table.splitlines()) == 2  # the header and one row
    assert not any(c in table for c in "\x1b\x07\r\u202e")
    row = table.splitlines()[1]
    assert "\\x1b]8;;https://evil.example/\\x1b\\click" in row and "Pri\\u202eya\\x07" in row
    assert "soon\\r\\nish" in row and "a\\x1b[31m.md" in row


def test_actions_csv_and_json_keep_the_cells_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine formats are not for a terminal: a line break in a cell stays a line break."""
    page = VALID.replace(
        "| Filter retrieval results by tenant at query time |", "| Filter results&#10;by tenant \u202eat query |"
    )
    write_site(tmp_path, {"postmortems/a.md": page})
    monkeypatch.chdir(tmp_path)
    _, out, _ = cli_run("actions", "--format", "json")
    actions = {row["action"] for row in json.loads(out)}
    assert "Filter results\nby tenant \u202eat query" in actions
    _, table, _ = cli_run("actions")
    assert "Filter results\\nby tenant \\u202eat query" in table and "\u202e" not in table


def test_check_fix_names_a_file_with_an_escape_in_its_name_printably(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs_on = "| 2026-09-09 | Post-mortem completed |\n\n## 3. Impact"
    assert runs_on in VALID
    page = VALID.replace(runs_on, runs_on.replace("\n\n", "\n"))
    write_site(tmp_path, {"postmortems/a\x1b[31mb.md": page})
    monkeypatch.chdir(tmp_path)
    code, out, err = cli_run("check", "--fix")
    assert code == 0 and "docs/postmortems/a\\x1b[31mb.md:29: PM003 fixed: add a blank line before line 29" in out
    assert "\x1b" not in out + err


# -- The fuzz harness runs as shipped ---------------------------------------------------------------


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_harness", REPO / "fuzz/harness.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fuzz_target_takes_the_empty_input_and_every_seed() -> None:
    """Before: `CHECKER.cache.retain` raised AttributeError on the first, empty input."""
    harness = _harness()
    assert "PM101" in harness.test_one_input(b"")  # the page has no front matter
    for seed in sorted((REPO / "fuzz/seeds").iterdir()):
        harness.test_one_input(seed.read_bytes())
    from mkdocs_postmortem.limits import MAX_FILE_BYTES

    assert harness.MAX_LEN == MAX_FILE_BYTES + 1
    assert harness.test_one_input(b"x" * harness.MAX_LEN) == frozenset({"PM001"})


def test_the_fuzz_seeds_at_the_limits_are_at_them_and_past_them() -> None:
    """Each page at a limit is read; each one step past it is refused (PM001), whatever the limits become."""
    harness = _harness()
    seeds = harness.limit_seeds()
    assert len(seeds) == 12
    for name, data in seeds.items():
        findings = harness.CHECKER.check("p.md", data).findings
        refused = [f.message for f in findings if f.rule == "PM001" or "limit" in f.message]
        assert bool(refused) == name.endswith("-over"), (name, refused)
        harness.test_one_input(data)
    assert len(seeds["limit-file-size"]) == harness.MAX_LEN - 1


def test_the_fuzz_target_reports_an_internal_error_as_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    harness = _harness()
    broken = Finding(path="p", line=1, rule="PM000", slug="internal-error", level="error", message="boom", fix="-")

    monkeypatch.setattr(harness.CHECKER, "check", lambda path, data: Checked(PostMortem(path=path), [broken]))
    with pytest.raises(AssertionError, match="PM000"):
        harness.test_one_input(b"anything")


def test_the_fuzz_fallback_runs_the_target_without_atheris(tmp_path: Path) -> None:
    """The command CI runs when atheris cannot be installed, on its fixed inputs (the mutations are
    random: the next test runs them)."""
    result = subprocess.run(
        [
            *(sys.executable, str(REPO / "fuzz/run.py"), "60", "--without-atheris", "--runs", "0"),
            *("--corpus", str(tmp_path / "corpus"), "--artifacts", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fuzz: done: 16 inputs" in result.stdout and "no crash" in result.stdout  # 4 seeds, 12 at the limits
    assert not list(tmp_path.glob("crash-*"))


def _fuzz_runner(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_run", REPO / "fuzz/run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.syspath_prepend(str(REPO / "fuzz"))  # as `python fuzz/run.py` has it: `harness` importable
    return module


def test_the_fuzz_fallback_mutates_reproducibly_and_stops_at_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = _fuzz_runner(monkeypatch)
    inputs: list[list[bytes]] = [[], []]
    for attempt in (0, 1):

        def record(data: bytes, seen: list[bytes] = inputs[attempt]) -> frozenset[str]:
            seen.append(data)
            return frozenset({str(len(seen) % 7)})  # a few "combinations of findings", so the pool grows

        assert runner.without_atheris(60, tmp_path / f"c{attempt}", tmp_path, seed=5, most=400, target=record) == 0
    assert inputs[0] == inputs[1] and len(inputs[0]) == 416  # the same seed, the same inputs
    mutated = inputs[0][16:]
    assert len(set(mutated)) > 300 and max(map(len, mutated)) <= _harness().MAX_LEN

    def crash(data: bytes) -> frozenset[str]:
        if b"9999-12-31" in data:
            raise OverflowError("date value out of range")
        return frozenset()

    assert runner.without_atheris(60, tmp_path / "c2", tmp_path, seed=5, most=5000, target=crash) == 1
    (written,) = tmp_path.glob("crash-*")
    assert b"9999-12-31" in written.read_bytes()
