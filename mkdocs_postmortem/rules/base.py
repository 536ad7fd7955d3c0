"""What a rule is: a small function with an id, a slug, a default level and a docstring that is its
documentation. It reads a parsed `PostMortem` (and the `Context`) and yields `Violation`s."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from ..model import Level, PostMortem
from ..regulation import RegulationOptions
from ..template import Template, default_template
from ..tickets import Tickets


@dataclass(frozen=True)
class Violation:
    """One rule broken at one line: what is wrong and how to fix it."""

    line: int
    message: str
    fix: str


@dataclass(frozen=True)
class Library:
    """Every page of the library, as library rules see them: each page's path, front matter, waivers,
    and the fields the enabled library rules declare in `reads` (whatever the library's size)."""

    pages: Mapping[str, PostMortem] = field(default_factory=dict)

    @cached_property
    def incidents(self) -> dict[tuple[str, dt.date], list[str]]:
        """(agent, incident date) → the pages about it."""
        incidents: dict[tuple[str, dt.date], list[str]] = {}
        for path, postmortem in self.pages.items():
            if postmortem.meta:
                incidents.setdefault((postmortem.meta.agent, postmortem.meta.incident_date), []).append(path)
        return incidents


@dataclass(frozen=True)
class Context:
    """What rules may know besides the page: the template, the date, the calendar, the people file,
    the site's Markdown extensions, and (for library rules) the library."""

    today: dt.date
    template: Template = field(default_factory=default_template)
    holidays: str | None = None
    owners: dict[str, str] | None = None  # folded name or alias → person, when a people file is given
    markdown_extensions: frozenset[str] = frozenset()  # the site's, by short name: how MkDocs renders
    library: Library = field(default_factory=Library)
    regulation: RegulationOptions = field(default_factory=RegulationOptions)  # which regulators' clocks run
    ai_required: dict[str, tuple[str, ...]] = field(default_factory=dict)  # severity → `ai:` fields it needs
    rule_names: frozenset[str] = field(default_factory=lambda: _built_in_rule_names())  # ids and slugs waivers may name
    tickets: Tickets = field(default_factory=Tickets)  # the `tickets:` options and the state file `sync` writes


def _built_in_rule_names() -> frozenset[str]:
    from . import RULES  # the registry imports this module

    return RULES.names()


Check = Callable[[PostMortem, Context], Iterable[Violation]]
Scope = Literal["page", "library", "rendered"]
LIBRARY_VIEW = ("meta", "meta_lines", "suppressions")  # what every library rule may read of every page


@dataclass(frozen=True)
class Rule:
    """A check with its id, slug and default level.

    `scope`: a `page` rule reads one page; a `library` rule compares the page with the others
    (`Context.library`), reading of them their path, front matter and waivers plus the fields it names
    in `reads`, so it runs once every page is parsed; a `rendered` rule compares the page with what
    MkDocs rendered of it, so only a build runs it. `waivable`: whether a disable comment or `accept:`
    can silence it. `on_unreadable`: whether it runs on a page that could not be read (over a limit).
    `on_legacy`: whether it runs on a legacy page (the `legacy` option), where it reports at info level.
    """

    id: str
    slug: str
    level: Level
    check: Check
    scope: Scope = "page"
    reads: tuple[str, ...] = ()
    waivable: bool = True
    on_unreadable: bool = False
    on_legacy: bool = False

    @property
    def doc(self) -> str:
        """The rule's documentation: its docstring."""
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first sentence of the docstring, for the rule table."""
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")


def rule(
    rule_id: str,
    slug: str,
    level: Level,
    scope: Scope = "page",
    *,
    reads: tuple[str, ...] = (),
    waivable: bool = True,
    on_unreadable: bool = False,
    on_legacy: bool = False,
) -> Callable[[Check], Rule]:
    """Make a check a rule; `rules.RULES` lists the rules, in order."""

    def make(check: Check) -> Rule:
        return Rule(rule_id, slug, level, check, scope, reads, waivable, on_unreadable, on_legacy)

    return make
