"""Findings for people and machines: counts, summary, and the output formats of `check` (`FORMATS`:
text, JSON, GitHub commands, SARIF)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Protocol

from .model import Finding, Level
from .text import plural


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


def summary(findings: list[Finding], pages: int) -> str:
    """The closing line of a check: what was found, in how many of how many post-mortems."""
    affected = len({finding.path for finding in findings})
    if not findings:
        return f"{plural(pages, 'post-mortem')} checked: no findings"
    return f"{describe_counts(findings)} in {affected} of {plural(pages, 'post-mortem')}"


def sort_for_report(findings: Iterable[Finding]) -> list[Finding]:
    """Grouped by file, errors first within a file, then by line."""
    return sorted(findings, key=lambda f: (f.path, f.level.rank, f.line, f.rule))


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (`=`, `+`, `-`, `@`, tab, CR lead)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


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


def as_text(report: Report) -> str:
    """`path:line: RULE level: message — fix` lines grouped by file, errors first, then the summary."""
    lines = [finding.format() for finding in sort_for_report(report.findings)]
    return "\n".join([*lines, summary(report.findings, report.pages)])


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
