"""PM4xx — action items: specific, owned by one person, dated, tracked until they close."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..headings import without_parentheticals
from ..model import ActionItem, Level, PostMortem, Status
from ..template import Key
from ..text import plural
from .base import Context, Violation, rule

_OWNER_SEPARATOR = re.compile(r"\s*\+\s*|\s+&\s+|(?<=\w)\s*/\s*(?=\w)|\s*,\s*|\s*;\s*|\s+and\s+", re.IGNORECASE)
_VAGUE_VERB = re.compile(
    r"^(?:investigate|look(?:ing)? into|explore|consider|review|research|analy[sz]e|check|monitor|"
    r"follow[- ]up(?: on)?|improve|enhance|think about|discuss|evaluate|assess|revisit)\b",
    re.IGNORECASE,
)
_VAGUE_PHRASES = frozenset(
    {
        "better monitoring",
        "more monitoring",
        "better alerting",
        "more testing",
        "more tests",
        "add more tests",
        "be more careful",
        "tbd",
        "todo",
        "to do",
        "n/a",
        "various",
        "misc",
        "cleanup",
        "clean up",
    }
)
_UPSTREAM = re.compile(
    r"\b(?:runbook|agent card|framework|standards?|playbook|template \d+|policy|procedure)\b", re.IGNORECASE
)


_FIELD_NAMES = {"due": "due date"}


@lru_cache(maxsize=4096)  # a library has a few dozen owners, named again on every page
def owners_of(owner: str) -> tuple[str, ...]:
    """The people or roles an owner cell names: `Builder + Platform` → (`Builder`, `Platform`)."""
    return tuple(part for part in _OWNER_SEPARATOR.split(without_parentheticals(owner)) if part.strip())


def is_vague(action: str) -> bool:
    """True for "investigate", "improve monitoring" and the like: no specific deliverable."""
    text = " ".join(action.strip().rstrip(".").split())
    if text.casefold() in _VAGUE_PHRASES:
        return True
    return bool(_VAGUE_VERB.match(text)) and len(text.split()) <= 4 and not re.search(r"\d", text)


def _label(item: ActionItem) -> str:
    """`action item 3`; an item whose `#` cell holds text instead of a number is named by its line."""
    if len(item.number) > 8 or " " in item.number:
        return "the action item on this line"
    return f"action item {item.number}"


@rule("PM401", "action-items-missing", Level.ERROR)
def action_items_missing(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Section 7 has an action-items table (`| # | Action | Severity | Owner | Due | Status |`) with items."""
    if not ctx.template.reads(Key.ACTIONS) or Key.ACTIONS not in pm.sections:
        return
    if not pm.actions:
        yield Violation(
            pm.section_line(Key.ACTIONS),
            "there are no action items" if pm.actions is not None else "there is no action-items table",
            f"add a `| {' | '.join(c.title for c in ctx.template.action_columns.values())} |` table with at least one item",
        )


@rule("PM402", "action-item-incomplete", Level.ERROR)
def action_item_incomplete(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every action item has an action, an owner, a due date and a status.

    With a site's own template, only the columns its `action_columns` name are required.
    """
    required = [name for name in ("action", "owner", "due", "status") if name in ctx.template.action_columns]
    for item in pm.actions or []:
        missing = [name for name in required if not getattr(item, name)]
        if missing:
            names = [_FIELD_NAMES.get(name, name) for name in missing]
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
            yield Violation(
                item.line,
                f"{_label(item)} has no {listed}",
                "fill in every column: a specific deliverable, one owner, a due date and a status",
            )


@rule("PM403", "single-owner", Level.ERROR)
def single_owner(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every action item has one owner: one person or one role, not `A + B`, `A and B`, `A, B` or `A / B`."""
    for item in pm.actions or []:
        owners = owners_of(item.owner)
        if len(owners) > 1:
            yield Violation(
                item.line,
                f"{_label(item)} has {len(owners)} owners ('{item.owner}')",
                "name one owner who answers for it; mention the others in the action, or split the item",
            )


@rule("PM404", "due-date", Level.ERROR)
def due_date(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every action item's due is a date (`YYYY-MM-DD`)."""
    for item in pm.actions or []:
        if item.due and item.due_date is None and not item.due.startswith("["):
            yield Violation(
                item.line, f"{_label(item)} is due '{item.due}', not a date", "write the due date as YYYY-MM-DD"
            )


@rule("PM405", "action-status", Level.ERROR)
def action_status(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every action item's status reads as open, in progress, done or won't do."""
    for item in pm.actions or []:
        if item.status and item.state is None:
            yield Violation(
                item.line,
                f"{_label(item)} has status '{item.status}', which is not open, in progress, done or won't do",
                "start the status with Open, In progress, Done (optionally ✅ and the date) or Won't do — reason",
            )


@rule("PM406", "closed-with-open-items", Level.ERROR)
def closed_with_open_items(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A post-mortem with `status: closed` has no open or in-progress action item."""
    if pm.meta is None or pm.meta.status is not Status.CLOSED:
        return
    for item in pm.actions or []:
        if item.state is not None and item.state.is_open:
            yield Violation(
                item.line,
                f"the post-mortem is closed but {_label(item)} is still {item.state.value.replace('_', ' ')}",
                "finish the item (and mark it Done), mark it Won't do with a reason, or set `status: open`",
            )


@rule("PM407", "open-with-all-items-done", Level.WARNING)
def open_with_all_done(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A post-mortem whose action items are all done or won't do is closed, not left `status: open`."""
    if pm.meta is None or pm.meta.status is not Status.OPEN or not pm.actions:
        return
    if all(item.state is not None and not item.state.is_open for item in pm.actions):
        yield Violation(
            pm.meta_lines.get("status", 1),
            "every action item is done or won't do but the post-mortem is still open",
            "set `status: closed`",
        )


@rule("PM408", "vague-action", Level.WARNING)
def vague_action(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every action is a specific deliverable, not "investigate", "look into" or "improve monitoring"."""
    for item in pm.actions or []:
        if item.action and is_vague(item.action):
            yield Violation(
                item.line,
                f"{_label(item)} '{item.action}' is vague",
                "name a specific deliverable, e.g. 'Add HITL acceptance alert at <70% over a 2-hour window'",
            )


@rule("PM409", "upstream-update", Level.WARNING)
def upstream_update(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """At least one action item updates an upstream document: the runbook, Agent Card, framework or standards.

    The lesson must not stay in this one document ("Framework not updated").
    """
    if pm.actions and not any(_UPSTREAM.search(item.action) for item in pm.actions):
        yield Violation(
            pm.section_line(Key.ACTIONS),
            "no action item updates the runbook, Agent Card, framework or standards",
            "add an item that records the lesson upstream, e.g. 'Update runbook section 4 with this failure mode'",
        )


@rule("PM411", "unknown-owner", Level.WARNING)
def unknown_owner(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """When a people file is configured (`owners:`), every owner is a person or alias in it."""
    if ctx.owners is None:
        return
    for item in pm.actions or []:
        owners = owners_of(item.owner)
        if len(owners) == 1 and " ".join(owners[0].split()).casefold() not in ctx.owners:
            yield Violation(
                item.line,
                f"{_label(item)} owner '{item.owner}' is not in the people file",
                "add them (or this spelling as an alias) to the owners file, or use a name that is there",
            )


@rule("PM410", "action-overdue", Level.INFO)
def action_overdue(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """An open or in-progress action item is past its due date."""
    for item in pm.actions or []:
        if item.state is not None and item.state.is_open and item.due_date and item.due_date < ctx.today:
            days = (ctx.today - item.due_date).days
            yield Violation(
                item.line,
                f"{_label(item)} is {plural(days, 'day')} overdue (due {item.due_date.isoformat()})",
                "finish it, or agree a new due date with its owner and record why",
            )
