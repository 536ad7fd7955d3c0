"""Issue #19, "Reliability, round two": what a page holds cannot make an export invalid, forge a CI
annotation or drive a terminal; waivers cost linear time; no CSV cell is a formula in any locale."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest

from mkdocs_postmortem.checker import Checker, Settings, internal_error
from mkdocs_postmortem.model import Finding, Level
from mkdocs_postmortem.parse import parse_postmortem
from mkdocs_postmortem.report import FORMATS, Report, spreadsheet_safe
from mkdocs_postmortem.rules import run_rules
from mkdocs_postmortem.text import exportable
from tests.conftest import TODAY, as_agent, check_text, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
# What XML 1.0 forbids, and RFC 5545 (but for the line breaks icalendar escapes).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


# --- 3. control characters: every export valid, and a finding on the page ---------------------

CONTROLLED = (
    VALID.replace("title: Cross-tenant retrieval in support replies\n", "")  # the H1 is the title
    .replace("tags: [pii, retrieval]", 'tags: [pii, "retr\\x01ieval"]')  # a YAML escape
    .replace("# Post-Mortem —", "# Post-Mortem\x01 —")
    .replace("On 2026-09-03 the support", "On 2026-09-03\x1b[2J the\x0bsupport")
    .replace("| Filter retrieval results by", "| Filter\x08\x7f retrieval\x00 results\x85by")
    .replace("| Platform Lead |", "| Platform\x0cLead |")
    .replace("| Add cross-tenant retrieval", "| Add cross-tenant\x1f\x01retrieval")
)


def test_control_characters_leave_every_export_valid_and_are_reported(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {"postmortems/2026-09-03-support-triage-bot.md": CONTROLLED},
        {"rules": {"control-character": "warning"}},  # so that the build writes the site
        {"site_url": "https://pm.example/", "site_description": "Post\x02mortems"},
    )
    built = run_mkdocs("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    reported = re.findall(r"a\.md|(\d+): PM006 warning: ([^(]+)", built.stderr)
    assert [(int(line), where.strip()) for line, where in reported if line] == [
        (line_of(CONTROLLED, "tags:"), "the front matter's `tags` holds a control character"),
        (line_of(CONTROLLED, "# Post-Mortem"), "the title holds a control character"),
        (line_of(CONTROLLED, "On 2026-09-03"), "the incident summary holds control characters"),
        (line_of(CONTROLLED, "| 2 | Filter"), "action item 2 holds control characters"),
        (line_of(CONTROLLED, "| 3 | Add"), "action item 3 holds control characters"),
    ]
    assert not FORBIDDEN.search(built.stdout + built.stderr)

    folder = tmp_path / "site/postmortems"
    for name in ("feed.xml", "action-items.ics", "postmortems.json", "action-items.csv"):
        assert not FORBIDDEN.search((folder / name).read_text(encoding="utf-8")), name
    title = "Post-Mortem — support-triage-bot Sev-1 incident, 2026-09-03"
    filter_action = "Filter retrieval results by tenant at query time"
    runbook_action = "Add cross-tenant retrieval to the runbook (template 09)"

    channel = ET.parse(folder / "feed.xml").getroot().find("channel")
    assert channel is not None and channel.findtext("description") == "Postmortems"
    item = channel.find("item")
    assert item is not None and item.findtext("title") == title
    assert (item.findtext("description") or "").startswith(
        "Sev-1 · support-triage-bot · open. On 2026-09-03[2J the support-triage-bot quoted"
    )
    assert [c.text for c in item.findall("category")] == ["support-triage-bot", "Sev-1", "pii", "retrieval"]

    calendar = icalendar.Calendar.from_ical((folder / "action-items.ics").read_bytes())
    events = {str(event["summary"]): str(event["description"]) for event in calendar.walk("VEVENT")}
    assert sorted(events) == [f"{runbook_action} (CoE Lead)", f"{filter_action} (Platform Lead)"]
    assert events[f"{filter_action} (Platform Lead)"].splitlines()[2] == f"Post-mortem: {title}"

    document = json.loads((folder / "postmortems.json").read_text(encoding="utf-8"))
    page = document["postmortems"][0]
    assert page["title"] == title
    assert [(i["action"], i["owner"]) for i in page["action_items"][1:]] == [
        (filter_action, "Platform Lead"),
        (runbook_action, "CoE Lead"),
    ]
    assert {f["rule"] for f in page["findings"]} == {"PM006"}

    rows = list(csv.DictReader(io.StringIO((folder / "action-items.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["postmortem"], r["action"], r["owner"]) for r in rows[1:]] == [
        (title, filter_action, "Platform Lead"),
        (title, runbook_action, "CoE Lead"),
    ]


def test_exportable_text() -> None:
    assert exportable("plain — text\twith\nbreaks") == "plain — text\twith\nbreaks"
    assert exportable("a\x01b\r\nc\rd\x0be\x85f\x1b[0mg\ud800h\ufffei\x7f\x9f") == "ab\nc\nd e f[0mghi"


def test_a_control_character_in_a_cell_is_reported_on_its_row() -> None:
    assert check_text(VALID) == []
    assert [(f.rule, f.line) for f in check_text(VALID.replace("| CoE Lead |", "| CoE\x1bLead |"))] == [
        ("PM006", line_of(VALID, "| 3 | Add"))
    ]


def test_a_control_character_in_a_front_matter_key_or_later_summary_line() -> None:
    keyed = VALID.replace("status: open\n", 'status: open\n"x\\x07y": 1\n')
    assert [(f.rule, f.line, f.message) for f in check_text(keyed) if f.rule == "PM006"] == [
        ("PM006", line_of(keyed, '"x'), "the front-matter key `x\\x07y` holds a control character (U+0007 BEL)")
    ]
    paragraphs = VALID.replace(" A retrieval index", "\n\n- one\n- two\n\nA retrieval\x1b index")
    assert [(f.rule, f.line) for f in check_text(paragraphs)] == [("PM006", line_of(paragraphs, "A retrieval"))]


# --- 5. no page can forge a CI annotation or drive the terminal --------------------------------

FORGED = VALID.replace("agent: support-triage-bot", 'agent: "x\\n::warning file=README.md,line=1::forged\\e[31m"')
FORGED = FORGED.replace("| Platform Lead |", "| Platform\x1b]8;;https://evil.example\x07Lead\x1b]8;;\x07 + Ops |")
FORGED_NAME = "postmortems/b\n::error file=README.md,line=1::named\x1b[2J.md"
ANNOTATION = re.compile(r"^::|\x1b|\x07", re.MULTILINE)


def forged_site(root: Path) -> Path:
    second = as_agent(VALID, "other-bot").replace("## 3. Impact", "##3\x1b[31m. Impact")
    return write_site(root, {"postmortems/a.md": FORGED, FORGED_NAME: second})


def test_check_output_cannot_forge_annotations_or_drive_the_terminal(tmp_path: Path) -> None:
    forged_site(tmp_path)
    outputs = {}
    for output in FORMATS:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs_postmortem", "check", "--format", output],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert result.returncode == 1, result.stderr
        outputs[output] = result.stdout
    text = outputs["text"]
    assert not ANNOTATION.search(text)
    lines = text.splitlines()
    assert lines[-1] == "5 errors in 2 of 2 post-mortems"
    assert (
        "docs/postmortems/a.md:2: PM103 error: `agent` 'x\\n::warning file=README.md,line=1::forged\\x1b[31m'" in text
    )
    assert all(line.startswith("docs/postmortems/") for line in lines[:-1]), lines
    assert "docs/postmortems/b\\n::error file=README.md,line=1::named\\x1b[2J.md:" in text
    # GitHub's commands: one per finding, each line a command of ours.
    commands = outputs["github"].splitlines()
    assert len(commands) == 5 and all(re.match(r"::error file=docs/postmortems/", c) for c in commands), commands
    assert "\x1b" not in outputs["github"]
    # JSON and SARIF stay valid, with the same findings on one line each.
    findings = json.loads(outputs["json"])
    assert [(f["rule"], f["line"]) for f in findings] == [
        ("PM103", 2),
        ("PM006", line_of(FORGED, "| 2 | Filter")),
        ("PM403", line_of(FORGED, "| 2 | Filter")),
        ("PM003", line_of(VALID, "## 3. Impact")),
        ("PM201", line_of(VALID, "## 4. What went well")),
    ]
    assert not any(FORBIDDEN.search(f["message"] + f["fix"] + f["path"]) or "\n" in f["message"] for f in findings)
    sarif = json.loads(outputs["sarif"])
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == [f["rule"] for f in findings]


def test_build_output_cannot_forge_annotations_or_drive_the_terminal(tmp_path: Path) -> None:
    forged_site(tmp_path)
    built = run_mkdocs("build", cwd=tmp_path)
    assert built.returncode == 1
    assert "postmortem: docs/postmortems/a.md:2: PM103 error: `agent` 'x\\n::warning" in built.stderr
    assert not ANNOTATION.search(built.stdout + built.stderr), built.stderr


def test_findings_are_made_printable() -> None:
    checker = Checker(Settings(today=TODAY))
    findings = checker.check("docs/x\n::warning file=a::b.md", FORGED.encode()).findings
    assert findings and all(f.path == "docs/x\\n::warning file=a::b.md" for f in findings)
    for finding in findings:
        assert "\n" not in finding.format() and "\x1b" not in finding.format()
    crash = internal_error("a\x1b.md", ValueError("line\n::error::x"))
    assert crash.path == "a\\x1b.md" and crash.message.endswith("(ValueError: line\\n::error::x)")
    # Even a finding made elsewhere prints on one line.
    raw = Finding(path="p\n.md", line=1, rule="PM000", slug="x", level=Level.ERROR, message="a\nb", fix="c\x1b")
    assert FORMATS["text"](Report([raw], 1)).splitlines()[0] == "p\\n.md:1: PM000 error: a\\nb — c\\x1b"


def test_fix_descriptions_quote_the_page_printably() -> None:
    from mkdocs_postmortem.fix import fix_text

    text = VALID.replace("## 3. Impact", "##3.\x0bImpact")  # still read as the section's title
    fixed = fix_text(Checker(Settings(today=TODAY)), "a.md", text)
    assert [applied.description for applied in fixed.applied] == ["write `## 3.\\x0bImpact`"]


# --- 6. waivers cost linear time ---------------------------------------------------------------

WAIVER = '<!-- postmortem: disable PM409 reason="lesson recorded in the vendor playbook" -->'


def cpu_seconds(text: str) -> tuple[float, int]:
    """CPU seconds to parse the page and run the rules on it. Past the prescan, which now refuses pages
    this long before parsing (limits.py), so what is measured is the parser's and the rules' own cost."""
    checker = Checker(Settings(today=TODAY))
    started = time.process_time()
    postmortem = parse_postmortem("pm.md", text)
    run_rules(postmortem, checker.context, checker.levels, "page")
    return time.process_time() - started, len(postmortem.suppressions)


@pytest.mark.parametrize(
    "block",
    [
        "\n".join([WAIVER] * 20_000),  # one line each, no blank line between: 8 s before
        "<div>\n" + "\n".join([WAIVER] * 20_000) + "\n</div>",  # one HTML block: 21 s before
    ],
    ids=["lines", "div"],
)
def test_twenty_thousand_waivers_are_linear(block: str) -> None:
    seconds, waivers = cpu_seconds(VALID.replace("## 8. Communications", block + "\n\n## 8. Communications"))
    assert waivers == 20_000
    assert seconds < 2.5, f"{seconds:.2f} s CPU"  # 0.2 s linear, 8–21 s quadratic


def test_many_waivers_and_many_findings_are_not_multiplied() -> None:
    rows = "".join(
        f"| {n} | Ship fix {n} to the runbook | Hotfix | A + B | 2026-10-15 | Open |\n" for n in range(4, 4004)
    )
    text = VALID.replace("| CoE Lead | 2026-09-30 | Open |\n", "| CoE Lead | 2026-09-30 | Open |\n" + rows)
    waivers = "\n\n".join(['<!-- postmortem: disable PM403 reason="elsewhere" -->'] * 20_000)
    text = text.replace("## 9. Regulatory", waivers + "\n\n## 9. Regulatory")
    seconds, count = cpu_seconds(text)
    assert count == 20_000
    assert seconds < 1.5, f"{seconds:.2f} s CPU"  # 0.3 s with a lookup, 2.7 s with a scan per finding


def test_waivers_cover_the_same_lines_as_before() -> None:
    """The block after each comment, whatever lies between: blank lines, other comments, the end."""
    text = VALID.replace(
        "| # | Action",
        '<!-- postmortem: disable PM409 reason="a" --> <!-- postmortem: disable PM403 reason="b" -->\n\n\n| # | Action',
    ).replace("| Platform Lead |", "| Platform Lead + Ops |")
    text += '\n<!-- postmortem: disable PM403 reason="nothing after it" -->\n'
    pm = Checker(Settings(today=TODAY)).check("pm.md", text.encode()).postmortem
    table, last = line_of(text, "| # | Action"), line_of(text, "| 3 | Add")
    assert [(s.rules, s.first_line, s.last_line) for s in pm.suppressions] == [
        (["PM409"], table, last),
        (["PM403"], table, last),
        (["PM403"], text.count("\n") + 2, text.count("\n") + 2),  # one past the last line
    ]
    assert check_text(text) == []


# --- 7. no CSV cell is a formula, whichever separator a spreadsheet splits on ------------------

PAYLOAD = "x;=cmd|' /C calc'!A0"
FORMULA = re.compile(r"^[\s\"]*[=+\-@＝＋－＠]")


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        (PAYLOAD, "x;'=cmd|' /C calc'!A0"),
        ("=1+1", "'=1+1"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("＝1+1", "'＝1+1"),
        ("a, -b", "a, '-b"),
        ('say "=x"', 'say "\'=x"'),
        ("line\n+1", "line\n'+1"),
        ("\tx", "'\tx"),
        ("2026-10-15", "2026-10-15"),
        ("a - b = c", "a - b = c"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe


def test_spreadsheet_safe_is_linear() -> None:
    started = time.process_time()
    spreadsheet_safe('"' * 200_000 + "=")
    spreadsheet_safe(";" * 200_000 + "=")
    assert time.process_time() - started < 0.5


def test_no_export_or_listed_cell_is_a_formula_in_any_locale(tmp_path: Path) -> None:
    cell = PAYLOAD.replace("|", "\\|")  # a pipe in a Markdown table cell is written `\|`
    text = VALID.replace("| Filter retrieval results by tenant at query time |", f"| {cell} |")
    text = text.replace("| Platform Lead |", "| @Platform Lead |")
    write_site(tmp_path, {"postmortems/a.md": text})
    assert run_mkdocs("build", cwd=tmp_path).returncode == 0
    exported = (tmp_path / "site/postmortems/action-items.csv").read_text(encoding="utf-8-sig")
    listed = subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortem", "actions", "--format", "csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for csv_text in (exported, listed):
        for delimiter in (",", ";", "\t"):
            for row in csv.reader(io.StringIO(csv_text), delimiter=delimiter):
                assert not [cell for cell in row if FORMULA.match(cell)], (delimiter, row)
        rows = {r["number"]: r for r in csv.DictReader(io.StringIO(csv_text))}
        assert (rows["2"]["action"], rows["2"]["owner"]) == ("x;'=cmd|' /C calc'!A0", "'@Platform Lead")
