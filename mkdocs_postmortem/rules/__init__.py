"""The rule registry: each rule is a small function with an id, a slug, a default level and a docstring.

A rule reads a parsed `PostMortem` and yields `Violation`s (line, what is wrong, how to fix it); the
registry turns them into `Finding`s at the level the configuration gives the rule.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from ..model import Finding, Level, PostMortem


@dataclass(frozen=True)
class Violation:
    line: int
    message: str
    fix: str


@dataclass(frozen=True)
class Context:
    """What rules may know besides the page: the date, the calendar, the people file, the library."""

    today: dt.date
    holidays: str | None = None
    owners: dict[str, str] | None = None  # folded name or alias → person, when a people file is given
    incidents: dict[tuple[str, dt.date], list[str]] = field(default_factory=dict)  # (agent, date) → pages
    markdown_extensions: frozenset[str] = frozenset()  # the site's, by short name: how MkDocs renders


Check = Callable[[PostMortem, Context], Iterable[Violation]]
Scope = Literal["page", "library", "rendered"]


@dataclass(frozen=True)
class Rule:
    """A registered check. A `library` rule compares a page with the others (through `Context.incidents`)
    and reads only the page's path, front matter and waivers, so it runs once every page is parsed; a
    `rendered` rule compares the page with what MkDocs rendered of it, so only a build runs it."""

    id: str
    slug: str
    level: Level
    check: Check
    scope: Scope = "page"

    @property
    def doc(self) -> str:
        """The rule's documentation: its docstring."""
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first sentence of the docstring, for the rule table."""
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")


RULES: dict[str, Rule] = {}


def rule(rule_id: str, slug: str, level: Level, scope: Scope = "page") -> Callable[[Check], Check]:
    """Register a check as a rule."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = Rule(rule_id, slug, level, check, scope)
        return check

    return register


def find_rule(name: str) -> Rule | None:
    """A rule by id (`PM403`, any case) or slug (`single-owner`)."""
    upper = name.strip().upper()
    if upper in RULES:
        return RULES[upper]
    return next((r for r in RULES.values() if r.slug == name.strip().lower()), None)


def run_rules(
    pm: PostMortem, context: Context, levels: dict[str, Level | None] | None = None, scope: Scope | None = None
) -> list[Finding]:
    """Every finding of every enabled rule (of `scope`, or all) on one post-mortem, in `finding_order`.

    Findings waived by a disable comment or the front matter's `accept:` list are dropped; PM002,
    which reports waivers without a reason, cannot itself be waived.
    """
    levels = levels or {}
    waived = _waivers(pm)
    findings: list[Finding] = []
    for r in RULES.values():
        level = levels.get(r.id, r.level)
        if level is None or (pm.skipped and r.id != "PM001") or (scope is not None and r.scope != scope):
            continue
        for violation in r.check(pm, context):
            if r.id != UNWAIVABLE and any(first <= violation.line <= last for first, last in waived.get(r.id, ())):
                continue
            findings.append(
                Finding(
                    path=pm.path,
                    line=violation.line,
                    rule=r.id,
                    slug=r.slug,
                    level=level,
                    message=violation.message,
                    fix=violation.fix,
                )
            )
    findings.sort(key=finding_order)
    return findings


def finding_order(finding: Finding) -> tuple[int, int, str]:
    """Findings sort by line, errors first on a line, then by rule id."""
    return finding.line, finding.level.rank, finding.rule


UNWAIVABLE = "PM002"


def _waivers(pm: PostMortem) -> dict[str, list[tuple[int, int]]]:
    """Rule id → the line ranges where it is waived (the whole page for front-matter `accept:`)."""
    waived: dict[str, list[tuple[int, int]]] = {}
    for suppression in pm.suppressions:
        for name in suppression.rules:
            if found := find_rule(name):
                waived.setdefault(found.id, []).append((suppression.first_line, suppression.last_line))
    for acceptance in pm.meta.accept if pm.meta else []:
        if found := find_rule(acceptance.rule):
            waived.setdefault(found.id, []).append((1, 1 << 30))
    return waived


def reference_table() -> str:
    """The rule reference as a Markdown table, from the rules' own ids, slugs, levels and docstrings."""
    rows = ["| Rule | Slug | Default | What it checks |", "|---|---|---|---|"]
    for r in sorted(RULES.values(), key=lambda r: r.id):
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| {r.id} | `{r.slug}` | {r.level.value} | {summary} |")
    return "\n".join(rows)


# Importing the rule modules registers their rules, in id order.
from . import frontmatter, rendering, structure, narrative, actions, regulatory, signoff, process  # noqa: E402,F401
