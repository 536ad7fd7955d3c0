"""Findings for people: counts, the one-line summary, and the on-page admonition."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import jinja2

from .model import Finding, Level


def counts(findings: Iterable[Finding]) -> dict[Level, int]:
    """How many findings of each level."""
    result = dict.fromkeys(Level, 0)
    for finding in findings:
        result[finding.level] += 1
    return result


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def describe_counts(findings: Iterable[Finding]) -> str:
    """`2 errors, 1 warning, 3 info`: only the non-zero parts, or `no findings`."""
    parts = [f"{n} info" if level is Level.INFO else plural(n, level.value) for level, n in counts(findings).items() if n]
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


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("mkdocs_postmortem", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def findings_html(findings: list[Finding]) -> str:
    """The admonition shown at the top of a page that has findings (Material's admonition classes)."""
    worst = min((finding.level for finding in findings), key=lambda level: level.rank)
    css = {Level.ERROR: "failure", Level.WARNING: "warning", Level.INFO: "info"}[worst]
    return _environment().get_template("findings.html").render(
        findings=sorted(findings, key=lambda f: (f.level.rank, f.line)), css=css, title=describe_counts(findings)
    )
