"""Property-based tests: valid post-mortems generated from the model round-trip; mutated ones never crash.

The default profile keeps CI quick; `pytest tests/test_properties.py --hypothesis-profile=long` tries
many more examples.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_postmortem.checker import Checker, Settings
from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.dates import write_up_deadline
from mkdocs_postmortem.model import Level
from mkdocs_postmortem.parse import parse_postmortem
from mkdocs_postmortem.template import default_template
from tests.conftest import fixture_text, write_site

TODAY = dt.date(2027, 6, 1)
CHECKER = Checker(Settings(today=TODAY))
VALID = fixture_text("valid.md").encode("utf-8")

# Text a person might type in a cell: letters of any script, digits, punctuation that is not table
# syntax, and the characters most likely to break things (pipes are written escaped as `\|`).
cell_text = (
    st.text(
        alphabet=st.characters(
            categories=("Lu", "Ll", "Lo", "Nd", "Pd", "Po", "Sm", "So", "Zs"),
            exclude_characters="|\\`*_[]<>#!\u2028\u2029\x85",
        ),
        min_size=3,
        max_size=40,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: len(s) >= 3 and s[0].isalnum())
)
names = st.sampled_from(["Priya Raman", "Tomasz Nowak", "Zoë Ørsted", "עדי כהן", "Platform Lead", "CoE Lead", "李雷"])
slugs = st.from_regex(r"[a-z][a-z0-9]{1,10}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
severities = st.sampled_from(["Sev-1", "SEV-2", "sev 3", "Sev-2", "severity-1"])


@st.composite
def postmortems(draw: st.DrawFn) -> dict[str, object]:
    severity_text = draw(severities)
    severity = f"Sev-{severity_text[-1]}"
    incident = draw(st.dates(dt.date(2025, 1, 1), dt.date(2027, 3, 1)))
    deadline = write_up_deadline(incident, default_template().write_up_days(severity)) or incident + dt.timedelta(
        days=30
    )
    written = draw(st.dates(incident, deadline))
    moments = sorted(draw(st.lists(st.integers(0, 60 * 24 * 3), min_size=1, max_size=12)))
    actions = draw(
        st.lists(
            st.tuples(
                cell_text,
                names,
                st.integers(1, 200),
                st.sampled_from(["Open", "In progress", "✅ Done (2026-01-02)", "Won't do — replaced"]),
            ),
            min_size=1,
            max_size=10,
        )
    )
    return {
        "agent": draw(slugs),
        "severity_text": severity_text,
        "severity": severity,
        "incident": incident,
        "written": written,
        "title": draw(
            st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=60).filter(str.strip)
        ),
        "timeline": [
            (dt.datetime.combine(incident, dt.time()) + dt.timedelta(minutes=m), draw(cell_text)) for m in moments
        ],
        "actions": [
            (f"Update the runbook: {text}" if i == 0 else text, owner, written + dt.timedelta(days=days), status)
            for i, (text, owner, days, status) in enumerate(actions)
        ],
        "went_wrong": draw(st.lists(cell_text, min_size=1, max_size=4)),
    }


def write(pm: dict[str, object]) -> str:
    """A post-mortem page in the template's form, from generated values."""
    front = yaml.safe_dump(
        {
            "agent": pm["agent"],
            "severity": pm["severity_text"],
            "incident_date": pm["incident"].isoformat(),  # type: ignore[union-attr]
            "date": pm["written"].isoformat(),
            "author": "Morteza Moradi",  # type: ignore[union-attr]
            "status": "open",
            "title": pm["title"],
        },
        allow_unicode=True,
        sort_keys=False,
    )
    timeline = "\n".join(f"| {at:%Y-%m-%d %H:%M} | {event} |" for at, event in pm["timeline"])  # type: ignore[attr-defined]
    actions = "\n".join(
        f"| {n} | {action} | Prevention | {owner} | {due.isoformat()} | {status} |"
        for n, (action, owner, due, status) in enumerate(pm["actions"], start=1)  # type: ignore[arg-type]
    )
    wrong = "\n".join(f"- {item}" for item in pm["went_wrong"])  # type: ignore[attr-defined]
    signed = pm["written"].isoformat()  # type: ignore[union-attr]
    return f"""---
{front}---
# Post-Mortem — {pm["agent"]} incident

## 1. Incident summary
Something failed on the day. It lasted an hour. Nobody outside was affected.

## 2. Timeline
| Time (UTC) | Event |
|---|---|
{timeline}

## 3. Impact
| Dimension | Impact |
|---|---|
| Customer impact | None |
| Regulatory exposure | None |

## 4. What went well
- The kill switch worked.

## 5. What went wrong
{wrong}

## 6. Root cause (5 whys)
- Q: Why one? A: Because one.
- Q: Why two? A: Because two.
- Q: Why three? A: Because three.
- Q: Why four? A: Because four.
- Q: Why five? A: Because five.

**Underlying systemic cause:** A systemic gap.

## 7. Action items
| # | Action | Severity | Owner | Due | Status |
|---|---|---|---|---|---|
{actions}

## 8. Communications
- The team was told the same day.

## 9. Regulatory considerations
- **EU AI Act Article 73 serious incident reporting:** N/A — no harm to persons or rights.
- **Sector regulations:** N/A — no regulated data was involved.
- **Internal audit:** Notified the same week.

## 10. Sign-off
| Role | Name | Date |
|---|---|---|
| Author | Morteza Moradi | {signed} |
| Reviewer (Department) | Grace Okafor | {signed} |
| Reviewer (Security) | Pat Lee | {signed} |
| Executive sponsor (informed) | Jane Doe | {signed} |
"""


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(postmortems())
def test_generated_postmortems_round_trip_without_errors(pm: dict[str, object]) -> None:
    text = write(pm)
    checked = CHECKER.check("p.md", text.encode("utf-8"))
    assert [f.format() for f in checked.findings if f.level is Level.ERROR] == []
    parsed = parse_postmortem("p.md", text)
    assert parsed.meta is not None
    assert (parsed.meta.agent, parsed.meta.severity, parsed.meta.title) == (
        pm["agent"],
        pm["severity"],
        pm["title"].strip(),
    )  # type: ignore[union-attr]
    assert [(a.action, a.owner, a.due_date) for a in parsed.actions or []] == [
        (a, o, d) for a, o, d, _ in pm["actions"]
    ]  # type: ignore[attr-defined]
    assert [e.event for e in parsed.timeline or []] == [event for _, event in pm["timeline"]]  # type: ignore[attr-defined]


def mutate(source: bytes, operations: list[tuple[str, int, int, bytes]]) -> bytes:
    """Drop, duplicate, swap or truncate line ranges; inject bytes."""
    for operation, a, b, junk in operations:
        lines = source.split(b"\n")
        i, j = sorted((a % (len(lines) + 1), b % (len(lines) + 1)))
        if operation == "drop":
            lines[i:j] = []
        elif operation == "duplicate":
            lines[i:i] = lines[i:j]
        elif operation == "swap" and j < len(lines):
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "truncate":
            return b"\n".join(lines)[: a % (len(source) + 1)]
        elif operation == "inject":
            position = a % (len(source) + 1)
            return source[:position] + junk + source[position:]
        elif operation == "corrupt" and i < len(lines):
            lines[i] = lines[i][: b % (len(lines[i]) + 1)] + junk
        source = b"\n".join(lines)
    return source


operations = st.lists(
    st.tuples(
        st.sampled_from(["drop", "duplicate", "swap", "truncate", "inject", "corrupt"]),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
        st.binary(max_size=40)
        | st.sampled_from([b"|", b"---\n", b"\xff\xfe", b"- Q:", b"| x | y |", b"&lt;", b"\r", b"\t"]),
    ),
    min_size=1,
    max_size=6,
)


@given(operations)
def test_mutated_pages_give_findings_never_crashes(ops: list[tuple[str, int, int, bytes]]) -> None:
    source = mutate(VALID, ops)
    checked = CHECKER.check("p.md", source)
    lines = source.count(b"\n") + 2
    for finding in checked.findings:
        assert finding.rule != "PM000", finding.format()
        assert 1 <= finding.line <= lines and finding.message and finding.fix


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_the_cli_never_modifies_or_loses_a_page(tmp_path_factory, ops) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("mutated")
    source = mutate(VALID, ops)
    write_site(root, {"postmortems/a.md": source})
    page = Path(root / "docs/postmortems/a.md")
    result = CliRunner().invoke(cli, ["check", "-f", str(root / "mkdocs.yml"), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert page.read_bytes() == source
