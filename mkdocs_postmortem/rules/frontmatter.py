"""PM1xx — the front matter: the metadata every index page is built from."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import get_args

from pydantic_core import PydanticCustomError

from ..headings import without_parentheticals
from ..model import SITE_KEYS, FrontMatter, Level, PostMortem
from ..parse import parse_date
from ..profile import Affected, AiProfile, Authority, FiledReport, Harm
from .base import Context, Violation, rule

_EXAMPLE = "agent: finance-invoice-recon, severity: Sev-2, incident_date: 2026-08-14, date: 2026-08-19, author: …, status: open"


@rule("PM101", "front-matter-yaml", Level.ERROR, on_legacy=True)
def front_matter_yaml(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The page starts with a YAML front matter block that MkDocs can read.

    MkDocs silently drops front matter that is not valid YAML, so a typo there would otherwise lose
    the page's metadata without a word.
    """
    for problem in pm.meta_problems:
        if problem.kind == "yaml" and problem.message.startswith("front matter is not valid YAML"):
            yield Violation(
                problem.line,
                problem.message,
                "correct this line: close every quote and bracket, indent with spaces, and quote a value that "
                "contains `: ` or starts with `[`, `{`, `*` or `&`",
            )
        elif problem.kind == "yaml":
            yield Violation(
                problem.line,
                problem.message,
                f"start the page with a `---` line, `key: value` lines ({_EXAMPLE}) and a closing `---`",
            )


@rule("PM102", "front-matter-required", Level.ERROR, on_legacy=True)
def front_matter_required(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The front matter has every required key: agent, severity, incident_date, date, author, status."""
    for problem in pm.meta_problems:
        if problem.kind == "missing":
            yield Violation(problem.line, problem.message, f"add `{problem.key}:` to the front matter")


@rule("PM103", "front-matter-value", Level.ERROR, on_legacy=True)
def front_matter_value(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Each front-matter value has the right type: a slug, a severity, real dates, a known status."""
    hints = {
        "agent": "use the Agent ID as a lowercase slug, e.g. `finance-invoice-recon`",
        "severity": _severity_hint(ctx),
        "incident_date": "write the date as YYYY-MM-DD",
        "date": "write the date as YYYY-MM-DD",
        "awareness_date": "write the date as YYYY-MM-DD",
        "status": "use draft, open or closed",
        "tags": "give tags as a list of words, e.g. `tags: [netsuite, parser]`",
        "eu_ai_act_category": "use general, death, widespread_infringement or critical_infrastructure",
        "late_reason": 'write the reason as text, e.g. `late_reason: "waited for the vendor report"`',
        **dict.fromkeys(
            ("started_at", "detected_at", "mitigated_at", "resolved_at"),
            "write it as `YYYY-MM-DD HH:MM` (UTC), or with an offset such as `+01:00`",
        ),
    }
    for problem in pm.meta_problems:
        if problem.kind == "invalid":
            yield Violation(problem.line, problem.message, _hint(problem.key or "", problem.message, hints))


# How to write each field of the `ai:` profile and of a `reports:` entry (their paths without indexes).
_NESTED_HINTS = {
    "ai": "write the profile as a mapping, e.g. `ai: {system: triage, autonomy: acts_with_approval}`",
    "ai.deployment": "use internal, customer_facing or public",
    "ai.autonomy": "use suggests, acts_with_approval or acts_autonomously",
    "ai.authority": "list scopes among " + ", ".join(get_args(Authority)),
    "ai.harm": "map each harm (" + ", ".join(Harm) + ") to actual or potential, e.g. `harm: {financial: actual}`; "
    "`harm: none` for no harm",
    "ai.near_miss": "write true or false",
    "ai.affected": "write a whole count (`affected: 120`), or `affected: {estimate: 1200, basis: …}`",
    "ai.data_exposed": "use none, personal, special_category or confidential",
    "ai.atlas": "list MITRE ATLAS technique ids, such as `AML.T0051` or `AML.T0051.000`",
    "ai.tools": "list the tools as text, e.g. `tools: [refund_api, email]`",
    "reports": "write a list: `reports: [{regulation: eu_ai_act_art73, kind: initial, submitted: YYYY-MM-DD}]`",
    "reports.regulation": "use eu_ai_act_art73, gdpr_art33 or other",
    "reports.kind": "use initial, complete or follow_up",
    "reports.submitted": "write the date as YYYY-MM-DD",
    "reports.authority": "name the authority as text",
    "reports.reference": "give the authority's reference as text",
}
_NESTED_KEYS = {
    "ai": tuple(AiProfile.model_fields),
    "ai.affected": tuple(Affected.model_fields),
    "reports": tuple(FiledReport.model_fields),
}


def _hint(key: str, message: str, hints: dict[str, str]) -> str:
    """How to fix a value: by its key; for a key of the profile or a report, by its path (`reports[1].kind`
    as `reports.kind`), and for an unknown one, the key it is closest to."""
    if key in hints:
        return hints[key]
    path = re.sub(r"\[\d+\]", "", key)
    if message.endswith("is not a key this tool knows"):
        parent, _, name = path.rpartition(".")
        known = _NESTED_KEYS.get(parent, ())
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        return f"did you mean `{close[0]}`?" if close else f"remove it; the keys of `{parent}` are {', '.join(known)}"
    while path and path not in _NESTED_HINTS:
        path = path.rpartition(".")[0]
    return _NESTED_HINTS.get(path, "correct the value")


@rule("PM104", "severity-needs-no-postmortem", Level.ERROR, on_legacy=True)
def severity_without_postmortem(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Sev-4 incidents (minor cosmetic) get no post-mortem: they are noted in the agent's issue tracker."""
    for problem in pm.meta_problems:
        if problem.kind == "sev4":
            yield Violation(
                problem.line,
                problem.message,
                "note the incident in the agent's issue tracker instead, or correct the severity",
            )


@rule("PM105", "front-matter-unknown-key", Level.WARNING, on_legacy=True)
def unknown_key(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every front-matter key is one this tool knows, so a typo such as `incident_dat` is caught.

    The page metadata of MkDocs and Material for MkDocs (`description`, `hide`, `icon`, the blog's
    `authors`, …: `SITE_KEYS`) is known too.
    """
    ours = FrontMatter.known_keys()
    known = (*ours, *(key for key in SITE_KEYS if key not in ours))
    for key, line in pm.meta_lines.items():
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        fix = f"did you mean `{close[0]}`?" if close else f"remove it; this tool's keys are {', '.join(ours)}"
        yield Violation(line, f"unknown front-matter key `{key}`", fix)


@rule("PM106", "header-matches-front-matter", Level.ERROR)
def header_matches(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Bold header lines kept from the template (`**Severity:** …`) agree with the front matter."""
    meta = pm.meta
    if meta is None:
        return
    for header in pm.headers:
        value = header.value
        if not value or value.startswith("["):
            continue  # an unfilled placeholder: PM202 reports it
        expected: str
        if header.key == "author":
            agrees = _person(value) == _person(meta.author)
            expected = meta.author
        elif header.key == "date":
            agrees = parse_date(value) == meta.date
            expected = meta.date.isoformat()
        elif header.key == "severity":
            expected = meta.severity
            try:
                agrees = ctx.template.severity(value.split()[0]) == expected
            except (PydanticCustomError, IndexError):
                agrees = False
        else:
            first = value.split()[0].strip(".,—-").casefold() if value.split() else ""
            agrees = first == meta.status.value
            expected = meta.status.value
        if not agrees:
            yield Violation(
                header.line,
                f"the body says {header.key.capitalize()}: '{value}' but the front matter says '{expected}'",
                "make them agree, or delete the bold header line: the front matter is the source of truth",
            )


def _severity_hint(ctx: Context) -> str:
    """`use Sev-1, Sev-2 or Sev-3 (Sev-4 needs no post-mortem)`, in the template's names."""
    none = ctx.template.without_postmortem()
    needs_none = f" ({' and '.join(none)} need{'s' if len(none) == 1 else ''} no post-mortem)" if none else ""
    return f"use {ctx.template.severity_choices()}{needs_none}"


def _person(text: str) -> str:
    return without_parentheticals(text).casefold()


@rule("PM107", "duplicate-incident", Level.WARNING, scope="library", on_legacy=True)
def duplicate_incident(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """One incident, one post-mortem: no other page has the same agent and incident_date."""
    if pm.meta is None:
        return
    others = [p for p in ctx.library.incidents.get((pm.meta.agent, pm.meta.incident_date), []) if p != pm.path]
    if others:
        yield Violation(
            pm.meta_lines.get("incident_date", 1),
            f"{', '.join(others)} is about the same incident ({pm.meta.agent}, {pm.meta.incident_date})",
            "merge the two post-mortems, or correct the agent or incident_date",
        )


@rule("PM108", "inferred-front-matter", Level.INFO, on_legacy=True)
def inferred_front_matter(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A legacy page whose `incident_date` was taken from its file name (`2019-03-02-db-outage.md`) says so.

    Legacy pages (the `legacy` option) are kept as they are, so a missing key that can be read from
    the file name is read there instead of failing the page.
    """
    for problem in pm.meta_problems:
        if problem.kind == "inferred":
            yield Violation(
                problem.line, problem.message, f"write `{problem.key}:` in the front matter to make it explicit"
            )
