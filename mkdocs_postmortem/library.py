"""The collection: every post-mortem with its findings, and the views the index pages and exports need.

Pure functions over models: no Markdown, no HTML, no MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from .model import ActionItem, ActionState, Finding, Level, PostMortem, Severity, Status

_ANCHOR_UNSAFE = re.compile(r"[^a-z0-9]+")


def fold(name: str) -> str:
    """Owner names compare after folding case and white space."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Entry:
    """One post-mortem in the library: what was parsed, what the rules found, where it is published."""

    postmortem: PostMortem
    findings: list[Finding]
    url: str  # relative to the site root, e.g. `postmortems/2026-08-14-x/`

    @property
    def path(self) -> str:
        return self.postmortem.path

    @property
    def title(self) -> str:
        return self.postmortem.title or self.path.rsplit("/", 1)[-1]

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.level is Level.ERROR)

    @property
    def needs_attention(self) -> bool:
        """Has findings at error or warning level."""
        return any(finding.level is not Level.INFO for finding in self.findings)


@dataclass(frozen=True)
class ActionRef:
    """An action item in the context of its post-mortem."""

    entry: Entry
    item: ActionItem
    owner: str  # the canonical owner name (after aliases)
    anchor: str
    overdue_days: int | None  # days past due for an open item, else None

    @property
    def url(self) -> str:
        return f"{self.entry.url}#{self.anchor}"

    @property
    def is_open(self) -> bool:
        return self.item.state is None or self.item.state.is_open


def action_anchor(item: ActionItem, position: int) -> str:
    """A stable anchor for an action item: `action-<its # cell>`, or its position when that is empty."""
    number = _ANCHOR_UNSAFE.sub("-", item.number.casefold()).strip("-")
    return f"action-{number or position}"


def action_anchors(items: list[ActionItem]) -> list[str]:
    """Anchors for a post-mortem's action items, unique within the page."""
    anchors: list[str] = []
    for position, item in enumerate(items, start=1):
        anchor = action_anchor(item, position)
        anchors.append(anchor if anchor not in anchors else f"action-{position}-{len(anchors)}")
    return anchors


@dataclass
class Library:
    """All post-mortems (newest incident first) and their action items."""

    entries: list[Entry]
    today: dt.date
    aliases: dict[str, str] = field(default_factory=dict)  # folded alias → canonical person

    def __post_init__(self) -> None:
        self.entries = sorted(
            self.entries,
            key=lambda e: (e.postmortem.meta.incident_date if e.postmortem.meta else dt.date.min, e.path),
            reverse=True,
        )

    def owner(self, name: str) -> str:
        """The canonical name of an owner: its alias target, else the name as first written."""
        return self.aliases.get(fold(name), self._first_spelling.get(fold(name), " ".join(name.split())))

    @cached_property
    def _first_spelling(self) -> dict[str, str]:
        spelling: dict[str, str] = {}
        for entry in sorted(self.entries, key=lambda e: e.path):
            for item in entry.postmortem.actions or []:
                spelling.setdefault(fold(item.owner), " ".join(item.owner.split()))
        return spelling

    @cached_property
    def actions(self) -> list[ActionRef]:
        refs: list[ActionRef] = []
        for entry in self.entries:
            items = entry.postmortem.actions or []
            for item, anchor in zip(items, action_anchors(items), strict=True):
                open_ = item.state is None or item.state.is_open
                overdue = (
                    (self.today - item.due_date).days
                    if open_ and item.due_date is not None and item.due_date < self.today
                    else None
                )
                refs.append(ActionRef(entry, item, self.owner(item.owner) if item.owner else "(no owner)", anchor, overdue))
        return refs

    @property
    def open_actions(self) -> list[ActionRef]:
        """Open and in-progress items, by due date (undated last)."""
        return sorted(
            (ref for ref in self.actions if ref.is_open),
            key=lambda r: (r.item.due_date or dt.date.max, r.entry.path, r.anchor),
        )

    def by_owner(self) -> list[tuple[str, list[ActionRef]]]:
        """Owners A–Z; each owner's open items first (most overdue first), then the closed ones."""
        grouped: dict[str, list[ActionRef]] = defaultdict(list)
        for ref in self.actions:
            grouped[ref.owner].append(ref)

        def order(ref: ActionRef) -> tuple[int, dt.date, str]:
            return (0 if ref.is_open else 1, ref.item.due_date or dt.date.max, ref.url)

        return [(owner, sorted(refs, key=order)) for owner, refs in sorted(grouped.items(), key=lambda kv: fold(kv[0]))]

    def count_by(self, attribute: str) -> dict[str, int]:
        """How many post-mortems per severity or status (`attribute` of the front matter)."""
        counts: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            meta = entry.postmortem.meta
            value = getattr(meta, attribute).value if meta else "invalid"
            counts[value] += 1
        order = [s.value for s in Severity] + [s.value for s in Status] + ["invalid"]
        return {key: counts[key] for key in order if key in counts}

    @staticmethod
    def state_label(state: ActionState | None) -> str:
        return {None: "unknown", ActionState.OPEN: "open", ActionState.IN_PROGRESS: "in progress",
                ActionState.DONE: "done", ActionState.WONT_DO: "won't do"}[state]
