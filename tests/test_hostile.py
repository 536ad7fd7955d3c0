"""Hostile and broken input: limits, encodings, configuration, links out of docs_dir, our own bugs."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from mkdocs_postmortem.atomic import write_atomic
from mkdocs_postmortem.checker import Checker, Settings
from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.rules import RULES
from tests.conftest import TODAY, as_agent, check_text, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
BODY_START = VALID.index("# Post-Mortem")


def rules_of(findings: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f.rule, f.level.value) for f in findings]


# --- bounded cost ------------------------------------------------------------------------------


def test_ten_megabyte_page_is_refused_unread() -> None:
    findings = check_text(VALID + "x" * 10_000_000)
    assert rules_of(findings) == [("PM001", "error")]
    assert "10.0 MB, over the 2.0 MB limit" in findings[0].message


def test_fifty_thousand_row_table_is_a_finding() -> None:
    rows = "".join(f"| 2026-09-03 13:{i % 60:02d} | row {i} |\n" for i in range(50_000))
    text = VALID.replace("| 2026-09-03 13:30 |", rows + "| 2026-09-03 13:30 |")
    findings = [f for f in check_text(text) if f.rule == "PM001"]
    assert len(findings) == 1 and "a table of 50,004 rows, over the 5,000 limit" in findings[0].message


def test_yaml_alias_bomb_is_refused() -> None:
    bomb = 'lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for level in "bcdefghi":
        bomb += f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = level
    text = VALID.replace("status: open\n", "status: open\n" + bomb)
    findings = check_text(text)
    assert rules_of(findings) == [("PM101", "error")]
    assert "aliases expand to more than 10,000 values" in findings[0].message


def test_ten_thousand_level_nested_list_is_a_finding() -> None:
    nested = "- " * 10_000 + "deepest\n"  # ten thousand lists, one inside the other, on one line
    text = VALID.replace("## 4. What went well\n", "## 4. What went well\n" + nested)
    findings = [f for f in check_text(text) if f.rule == "PM001"]
    assert len(findings) == 1 and "nested more than 100 levels deep" in findings[0].message


def test_one_megabyte_line_is_refused() -> None:
    text = VALID.replace("- The kill switch", "- " + "word " * 200_000 + "\n- The kill switch")
    findings = check_text(text)
    assert rules_of(findings) == [("PM001", "error")]
    assert "characters, over the 50,000 limit" in findings[0].message


def test_a_build_with_oversized_pages_stops_cleanly(tmp_path: Path) -> None:
    nested = "- " * 3_000 + "deepest\n"
    write_site(
        tmp_path, {"postmortems/deep.md": VALID.replace("## 4. What went well\n", "## 4. What went well\n" + nested)}
    )
    result = run_mkdocs("build", cwd=tmp_path, timeout=120)
    assert result.returncode == 1
    assert "PM001 error" in result.stderr and "Traceback" not in result.stderr + result.stdout


# --- encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.replace("\n", "\r").encode("utf-8"),
    ],
    ids=["utf8", "bom", "crlf", "cr"],
)
def test_encodings_and_line_endings_read_alike(encode) -> None:  # type: ignore[no-untyped-def]
    assert check_text(encode(VALID)) == []


def test_tabs_and_latin1_bytes(tmp_path: Path) -> None:
    tabbed = VALID.replace("  A: The new pipeline", "\tA: The new pipeline")
    assert check_text(tabbed) == []
    latin1 = VALID.replace("Moradi", "Morádi").encode("latin-1", errors="replace")
    findings = check_text(latin1)
    assert findings[0].rule == "PM001" and "not UTF-8 text (byte 0xe1 on line 6)" in findings[0].message


UNICODE_OWNER = "עדי כהן‎"  # right-to-left
COMBINING = "Zoë Ørsted"  # e + combining diaeresis
EMOJI = "Platform 🚀 Lead"


def test_unicode_names_survive_into_pages_and_exports(tmp_path: Path) -> None:
    text = VALID.replace("| Priya Raman |", f"| {UNICODE_OWNER} |").replace("| Platform Lead |", f"| {COMBINING} |")
    text = text.replace("| CoE Lead | 2026-09-30 |", f"| {EMOJI} | 2026-09-30 |")
    write_site(tmp_path, {"postmortems/a.md": text})
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    html = (tmp_path / "site/postmortems/actions-by-owner/index.html").read_text(encoding="utf-8")
    document = json.loads((tmp_path / "site/postmortems/postmortems.json").read_text(encoding="utf-8"))
    owners = [item["owner"] for item in document["postmortems"][0]["action_items"]]
    assert owners == [UNICODE_OWNER, COMBINING, EMOJI]
    for name in owners:
        assert name in html
    csv_text = (tmp_path / "site/postmortems/action-items.csv").read_text(encoding="utf-8")
    assert all(name in csv_text for name in owners)


# --- nothing lost or modified ------------------------------------------------------------------


def test_exports_are_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "postmortems.json"
    target.write_text("previous export", encoding="utf-8")

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # the build is killed between writing and renaming

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new export")
    assert target.read_text(encoding="utf-8") == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["postmortems.json"]  # no half-written file left


def test_check_never_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing the user wrote changes: only the persistent cache (`.cache/mkdocs-postmortem/`) is written."""
    write_site(tmp_path, {"postmortems/a.md": VALID.replace("| Platform Lead |", "| A + B |")})
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["check"]).exit_code == 1
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert {p: data for p, data in after.items() if ".cache" not in p.relative_to(tmp_path).parts} == before
    assert all(p.is_relative_to(tmp_path / ".cache/mkdocs-postmortem") for p in set(after) - set(before))


# --- configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"colour": "red"}, "unknown option 'colour'"),
        ({"holidays": 5}, "holidays"),
        ({"rules": ["PM403"]}, "rules"),
        ({"today": "next week"}, "today"),
    ],
)
def test_bad_configuration_names_the_option(tmp_path: Path, options: dict[str, object], message: str) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID}, options=options)
    result = run_mkdocs("build", cwd=tmp_path)
    output = result.stderr + result.stdout
    assert result.returncode == 1 and message in output and "Traceback" not in output


def test_linked_postmortem_from_outside_docs_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "outside.md"
    secret.write_text(VALID, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/in-a-linked-folder.md").write_text(as_agent(VALID, "b-bot"), encoding="utf-8")
    write_site(tmp_path / "site-root", {"postmortems/a.md": as_agent(VALID, "a-bot")})
    (tmp_path / "site-root/docs/postmortems/linked.md").symlink_to(secret)
    (tmp_path / "site-root/docs/postmortems/shared").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "site-root/docs/postmortems/same.md").symlink_to(tmp_path / "site-root/docs/postmortems/a.md")
    refused = [
        f"docs/postmortems/{name}:1: PM001 error: the file is a link to a place outside docs_dir"
        for name in ("linked.md", "shared/in-a-linked-folder.md")
    ]
    result = run_mkdocs("build", cwd=tmp_path / "site-root")
    assert result.returncode == 1
    assert all(line in result.stderr for line in refused), result.stderr
    assert "same.md:1: PM001" not in result.stderr  # a link that stays inside docs_dir is read
    monkeypatch.chdir(tmp_path / "site-root")
    out = CliRunner().invoke(cli, ["check"]).output
    assert all(line in out for line in refused) and "same.md:1: PM001" not in out


# --- our own bugs ------------------------------------------------------------------------------


def test_a_crashing_rule_becomes_an_internal_error_finding() -> None:
    def broken(pm, ctx):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("boom")

    rules = RULES.replace(dataclasses.replace(RULES["PM409"], check=broken))
    checker = Checker(Settings(today=TODAY), rules=rules)
    findings = checker.check("docs/postmortems/x.md", VALID.encode()).findings
    assert rules_of(findings) == [("PM000", "error")]
    assert findings[0].path == "docs/postmortems/x.md" and "ZeroDivisionError: boom" in findings[0].message
    assert "report a bug" in findings[0].fix


def test_a_crash_while_rendering_fails_the_build_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs_postmortem.render.pages import Renderer

    def broken(*args: object, **kwargs: object) -> str:
        raise KeyError("card")

    monkeypatch.setattr(Renderer, "card", broken)
    config_file = write_site(tmp_path, {"postmortems/a.md": VALID})
    MkDocsConfig.plugins.plugin_cache.clear()
    config = load_config(str(config_file))
    config.plugins.on_startup(command="build", dirty=False)
    with pytest.raises(Abort):
        build(config)
    MkDocsConfig.plugins.plugin_cache.clear()


def test_cli_reports_an_internal_error_without_a_traceback(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID})
    code = (
        "import sys; import mkdocs_postmortem.cli as c; "
        "c._check_library = lambda *a, **k: 1 / 0; sys.argv = ['mkdocs-postmortem', 'check']; c.main()"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 3
    assert "internal error (ZeroDivisionError" in result.stderr and "Traceback" not in result.stderr


def test_inputs_that_made_regexes_backtrack_are_linear(tmp_path: Path) -> None:
    """Regression: long runs of spaces, brackets and full stops once cost quadratic time."""
    text = VALID.replace("| Platform Lead |", "| Platform" + " " * 40_000 + "Lead |")
    text = text.replace("## 4. What went well", "## 4. What went well " + "(" * 20_000)
    text = text.replace("A: The new pipeline", "A:" + "?" + " " * 40_000 + "The new pipeline")
    text = text.replace("On 2026-09-03 the", "a.B" * 15_000 + " On 2026-09-03 the")
    page = tmp_path / "slow.md"
    page.write_text(text, encoding="utf-8")
    code = (
        "import sys; from tests.conftest import check_text; "
        f"print(len(check_text(open({str(page)!r}, encoding='utf-8').read())))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).parent.parent, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
