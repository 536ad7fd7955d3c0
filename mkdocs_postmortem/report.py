"""Findings for people and machines: counts, summary, and the output formats of `check` (`FORMATS`:
text, JSON, GitHub commands, SARIF)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Protocol

from .model import Finding, Level
from .text import plural, printable


def counts(findings: Iterable[Finding]) -> dict[Level, int]:
    """How many findings of each level."""
    result = dict.fromkeys(Level, 0)
    for finding in findings:
        result[finding.level] += 1
    return result


def describe_counts(findings: Iterable[Finding]) -> str:
    """`2 errors, 1 warning, 3 info`: only the non-zero parts, or `no findings`."""
    parts = [
        plural(n, level.value, "info" if level is Level.INFO else None) for level, n in counts(findings).items() if n
    ]
    return ", ".join(parts) if parts else "no findings"


def summary(findings: list[Finding], pages: int, legacy: int = 0) -> str:
    """The closing line of a check: what was found, in how many of how many post-mortems (and how
    many of them are legacy pages, kept as they are)."""
    affected = len({finding.path for finding in findings})
    kept = f" ({plural(legacy, 'legacy page')}, held only to their front matter)" if legacy else ""
    if not findings:
        return f"{plural(pages, 'post-mortem')} checked{kept}: no findings"
    return f"{describe_counts(findings)} in {affected} of {plural(pages, 'post-mortem')}{kept}"


def sort_for_report(findings: Iterable[Finding]) -> list[Finding]:
    """Grouped by file, errors first within a file, then by line."""
    return sorted(findings, key=lambda f: (f.path, f.level.rank, f.line, f.rule))


# A spreadsheet runs a cell as a formula when it starts with one of these (the full-width forms too,
# which some locales read as the ASCII ones).
_FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# Where a spreadsheet may start a cell inside one of ours: after a separator of some locale or import
# setting (comma, semicolon, tab), a line break (a reader that ignores quotes starts a row there) or
# a double quote (which may open a quoted cell there).
_CELL_BOUNDARY = re.compile(r"([,;\t\r\n\"])")


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula, whichever separator it splits rows on.

    A `'` goes before a formula's first character (`=`, `+`, `-`, `@` or a full-width form of one) where
    a spreadsheet could start a cell: at the start of ours, and after a comma, semicolon, tab, line
    break or double quote in it, spaces between allowed (`x;=cmd|' /C calc'!A0` becomes `x;'=cmd|…`,
    which a `;`-separated Excel reads as text). A cell that starts with a tab or a line break gets a
    `'` first too. Linear in the cell's length.
    """
    if not _FORMULA_STARTS.intersection(cell):
        return "'" + cell if cell[:1] in ("\t", "\r", "\n") else cell
    parts = _CELL_BOUNDARY.split(cell)  # text, boundary, text, …: every cell a spreadsheet could start
    for index in range(0, len(parts), 2):
        part = parts[index]
        text = part.lstrip(" ")
        if text[:1] in _FORMULA_STARTS:
            parts[index] = part[: len(part) - len(text)] + "'" + text
    safe = "".join(parts)
    return "'" + safe if safe[:1] in ("\t", "\r", "\n") else safe


class RuleDoc(Protocol):
    """What a report says of a rule: its id, slug, default level and documentation."""

    @property
    def id(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def level(self) -> Level: ...
    @property
    def doc(self) -> str: ...


@dataclass(frozen=True)
class Report:
    """What a check found: its findings, how many post-mortems it checked, and the rules it ran."""

    findings: list[Finding]
    pages: int
    rules: Sequence[RuleDoc] = ()
    legacy: int = 0  # how many of the pages are legacy (kept as they are)


def as_text(report: Report) -> str:
    """`path:line: RULE level: message — fix` lines grouped by file, errors first, then the summary."""
    # Findings are made printable (rules.run_rules); this keeps a finding made elsewhere on one line too.
    lines = [printable(finding.format()) for finding in sort_for_report(report.findings)]
    return "\n".join([*lines, summary(report.findings, report.pages, report.legacy)])


def as_json(report: Report) -> str:
    """A JSON list of findings: `{path, line, rule, slug, level, message, fix}` each."""
    findings = sort_for_report(report.findings)
    return json.dumps([finding.model_dump(mode="json") for finding in findings], indent=2, ensure_ascii=False)


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def as_github(report: Report) -> str:
    """GitHub Actions workflow commands, one per finding: `::error file=…,line=…,title=…::…` (no findings: empty)."""
    command = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}
    return "\n".join(
        f"::{command[f.level]} file={_github_escape(f.path, property_value=True)},line={f.line},"
        f"title={_github_escape(f'{f.rule} {f.slug}', property_value=True)}::{_github_escape(f'{f.message} — {f.fix}')}"
        for f in sort_for_report(report.findings)
    )


def as_sarif(report: Report) -> str:
    """A SARIF 2.1.0 log for code-scanning uploads, documenting the rules the check ran."""
    level = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mkdocs-postmortem",
                        "version": version("mkdocs-postmortem"),
                        "rules": [
                            {
                                "id": rule.id,
                                "name": rule.slug,
                                "shortDescription": {"text": rule.doc.split("\n\n")[0].replace("\n", " ")},
                                "fullDescription": {"text": rule.doc},
                                "defaultConfiguration": {"level": level[rule.level]},
                            }
                            for rule in sorted(report.rules, key=lambda rule: rule.id)
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": f.rule,
                        "level": level[f.level],
                        "message": {"text": f"{f.message} — {f.fix}"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": f.path},
                                    "region": {"startLine": f.line},
                                }
                            }
                        ],
                    }
                    for f in sort_for_report(report.findings)
                ],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


Formatter = Callable[[Report], str]
"""An output format of `check`: the report → the text to print (empty: print nothing)."""

FORMATS: dict[str, Formatter] = {"text": as_text, "json": as_json, "github": as_github, "sarif": as_sarif}
"""`check --format NAME` → its formatter; the command's choices are these names, in this order."""
