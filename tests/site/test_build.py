"""Real `mkdocs build` runs of temporary sites: exit codes, messages, strict mode, drafts, config errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, as_agent, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
TWO_OWNERS = VALID.replace("| Platform Lead |", "| Platform Lead + Security |")
SIGNED_EARLY = VALID.replace("| Alicia Gomez | 2026-09-10 |", "| Alicia Gomez | 2026-09-08 |")
LINE_RE = re.compile(
    r"^(?:ERROR|WARNING|INFO)\s+-\s+\[?postmortem\]?:? (\S+):(\d+): (PM\d{3}) (error|warning|info): (.+) — (.+)$"
)


def finding_lines(output: str) -> list[tuple[str, int, str, str]]:
    found = []
    for line in output.splitlines():
        if match := LINE_RE.match(line.strip()):
            found.append((match[1], int(match[2]), match[3], match[4]))
    return found


def test_clean_site_builds(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "post-mortem check: 1 post-mortem checked: no findings" in result.stderr
    html = (tmp_path / "site/postmortems/a/index.html").read_text(encoding="utf-8")
    assert "Cross-tenant retrieval" in html and "postmortem-findings" not in html


def test_errors_fail_the_build_and_every_finding_is_listed(tmp_path: Path) -> None:
    broken = TWO_OWNERS.replace("| 2026-10-15 |", "| soon |")
    write_site(
        tmp_path,
        {
            "postmortems/a.md": broken,
            "postmortems/b.md": as_agent(TWO_OWNERS, "b-bot"),
            "notes.md": "# Not a post-mortem\n",
        },
    )
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = finding_lines(result.stderr)
    row = VALID[: VALID.index("| 2 | Filter")].count("\n") + 1
    assert lines == [
        ("docs/postmortems/a.md", row, "PM403", "error"),
        ("docs/postmortems/a.md", row, "PM404", "error"),
        ("docs/postmortems/b.md", row, "PM403", "error"),
    ]
    assert "post-mortem check: 3 errors in 2 of 2 post-mortems" in result.stderr
    assert not (tmp_path / "site/postmortems/a/index.html").exists()


def test_warnings_pass_a_normal_build_but_fail_strict(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": SIGNED_EARLY})
    normal = run_mkdocs("build", cwd=tmp_path)
    assert normal.returncode == 0
    assert [line[2:] for line in finding_lines(normal.stderr)] == [("PM602", "warning")]
    for args in (("build", "--strict"), ("build", "--strict", "-q")):
        strict = run_mkdocs(*args, cwd=tmp_path)
        assert strict.returncode == 1, args
        output = strict.stderr + strict.stdout
        assert "PM602 warning" in output and "strict mode" in output
        assert "Traceback" not in output


def test_strict_in_config_also_fails_on_warnings(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": SIGNED_EARLY}, extra={"strict": True})
    result = run_mkdocs("build", "-q", cwd=tmp_path)
    assert result.returncode == 1
    assert "1 post-mortem warning in strict mode" in result.stderr + result.stdout


def test_rule_levels_from_mkdocs_yml(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": SIGNED_EARLY}, options={"rules": {"PM602": "error"}})
    assert run_mkdocs("build", cwd=tmp_path).returncode == 1
    write_site(tmp_path, {"postmortems/a.md": SIGNED_EARLY}, options={"rules": {"sign-off-before-write-up": "off"}})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rules": {"PM999": "error"}}, "rules: unknown rule 'PM999'"),
        ({"rules": {"PM403": "loud"}}, "'loud' is not a level"),
        ({"holidays": "XX"}, "unknown holiday calendar 'XX'"),
        ({"dir": "../outside"}, "must be a folder inside docs_dir"),
        ({"findings_on_page": "sometimes"}, "findings_on_page"),
    ],
)
def test_bad_options_are_clear_errors(tmp_path: Path, options: dict[str, object], message: str) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID}, options=options)
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    output = result.stderr + result.stdout
    assert message in output and "Traceback" not in output


def test_drafts_are_validated_but_left_out_of_the_build(tmp_path: Path) -> None:
    draft = VALID.replace("status: open", "status: draft").replace("**Status:** Open", "**Status:** Draft")
    draft = draft.replace("| Pat Lee | 2026-09-10 |", "| | |")  # sign-off relaxed for drafts
    # Before the Sev-1 write-up deadline (2026-09-10), so the draft is not yet overdue.
    write_site(
        tmp_path,
        {"postmortems/draft.md": draft, "postmortems/b.md": as_agent(VALID, "b-bot")},
        options={"today": "2026-09-08"},
    )
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/postmortems/b/index.html").exists()
    assert not (tmp_path / "site/postmortems/draft/index.html").exists()
    broken = draft.replace("| Platform Lead |", "| A + B |")
    write_site(tmp_path, {"postmortems/draft.md": broken}, options={"today": "2026-09-08"})
    assert run_mkdocs("build", cwd=tmp_path).returncode == 1


def test_only_pages_in_the_folder_are_post_mortems(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {"postmortems/index.md": "# Library\n", "elsewhere/a.md": "# Not checked\n", "pm/a.md": VALID},
        options={"dir": "pm"},
    )
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 post-mortem checked" in result.stderr


def test_invalid_yaml_front_matter_is_reported_not_ignored(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID.replace("author: Morteza Moradi", "author: Morteza: Moradi")})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    assert finding_lines(result.stderr) == [("docs/postmortems/a.md", 6, "PM101", "error")]


def test_undecodable_page_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID.encode("utf-8").replace(b"Pat Lee", b"Pat L\xffe")})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    assert [line[2] for line in finding_lines(result.stderr)] == ["PM001"]
    assert "Traceback" not in result.stderr


def test_example_site_builds_strict(tmp_path: Path) -> None:
    site = tmp_path / "example-site"
    shutil.copytree(REPO / "example-site", site, ignore=shutil.ignore_patterns("site"))
    result = run_mkdocs("build", "--strict", cwd=site)
    assert result.returncode == 0, result.stderr
    built = sorted(p.parent.name for p in (site / "site/postmortems").glob("2026-*/index.html"))
    assert "2026-08-14-finance-invoice-recon" in built
    assert "2026-11-23-sales-email-drafter" not in built  # a draft
    assert len(built) == 6


def test_a_failed_build_blames_no_generated_page_and_aborts_once(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": TWO_OWNERS})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "Error reading page" not in result.stderr and "Error building page" not in result.stderr
    assert (result.stdout + result.stderr).count("Aborted") == 1, result.stdout + result.stderr


def test_hand_written_nav_gets_the_library_without_omitted_page_messages(tmp_path: Path) -> None:
    strict_nav = {"nav": ["index.md"], "validation": {"nav": {"omitted_files": "warn"}}}
    write_site(tmp_path, {"postmortems/a.md": VALID}, extra=strict_nav)
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'not included in the "nav"' not in result.stderr
    assert 'href="postmortems/"' in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_a_site_without_post_mortems_gets_no_library(tmp_path: Path) -> None:
    strict_nav = {"nav": ["index.md", "guide.md"], "validation": {"nav": {"omitted_files": "warn"}}}
    write_site(tmp_path, {"guide.md": "# Guide\n"}, extra=strict_nav)
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("no folder of docs_dir matches 'postmortems'") == 1
    assert not (tmp_path / "site/postmortems").exists()
    assert "postmortem.css" not in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    write_site(tmp_path, {"guide.md": "# Guide\n"})  # the automatic nav
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    assert "Post-mortem library" not in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_pages_mkdocs_excludes_are_neither_checked_nor_listed(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {"postmortems/a.md": VALID, "postmortems/old/b.md": as_agent(TWO_OWNERS, "old-bot")},
        extra={"exclude_docs": "postmortems/old/\n"},
    )
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 post-mortem checked: no findings" in result.stderr
    home = (tmp_path / "site/postmortems/index.html").read_text(encoding="utf-8")
    assert "old-bot" not in home and "support-triage-bot" in home
