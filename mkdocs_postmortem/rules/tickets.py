"""PM421–PM428 — action items and the issue tracker: ticket references, and drift between the action
table and the tickets' states that `mkdocs-postmortem sync` wrote into the state file."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import ActionItem, Level, PostMortem
from ..people import fold
from ..template import ActionState
from ..text import plural
from ..tickets import SHAPES, Malformed, Ticket, assignee_person
from ..trackers.state import TicketState
from .actions import _label, owners_of
from .base import Context, Violation, rule


def _with_states(pm: PostMortem, ctx: Context) -> Iterator[tuple[ActionItem, Ticket, TicketState]]:
    """Each item with a ticket that the state file describes."""
    for item in pm.actions or []:
        if (ticket := ctx.tickets.ticket(item)) and (state := ctx.tickets.state(ticket)):
            yield item, ticket, state


@rule("PM421", "ticket-reference", Level.ERROR)
def ticket_reference(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every ticket in an action item's Ticket column is one this tool reads: `owner/repo#123`, a GitHub
    issue or pull-request URL, a GitLab issue URL, a Jira key (`OPS-123`) or a Jira browse URL.

    A ticket may also be linked in the action cell; the Ticket column wins. An empty cell, `—` or
    `TBD` means no ticket yet.
    """
    for item in pm.actions or []:
        found = ctx.tickets.of(item)
        if isinstance(found, Malformed):
            yield Violation(
                item.line,
                f"{_label(item)}'s ticket '{found.text}' {found.why}",
                f"write one ticket: {SHAPES}",
            )


@rule("PM422", "ticket-not-found", Level.WARNING)
def ticket_not_found(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every ticket exists: its tracker did not answer "not found" at the last `sync`."""
    for item, ticket, state in _with_states(pm, ctx):
        if state.state == "missing":
            yield Violation(
                item.line,
                f"{_label(item)}'s ticket {ticket.text} does not exist on {ticket.tracker_name} (or the sync's token cannot see it)",
                "correct the reference, or remove it and file the ticket again",
            )


@rule("PM423", "done-but-ticket-open", Level.WARNING)
def done_but_ticket_open(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """An action item marked Done or Won't do has its ticket closed too."""
    for item, ticket, state in _with_states(pm, ctx):
        if item.state is not None and not item.state.is_open and state.state == "open":
            yield Violation(
                item.line,
                f"{_label(item)} is marked {ActionState.label(item.state)} but its ticket {ticket.text} is still open",
                "close the ticket (then run `mkdocs-postmortem sync`), or set the item back to In progress",
            )


@rule("PM424", "ticket-closed-item-open", Level.WARNING)
def ticket_closed_item_open(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """An open or in-progress action item's ticket is not closed: the table says what the tracker says."""
    for item, ticket, state in _with_states(pm, ctx):
        if item.state is not None and item.state.is_open and state.state == "closed":
            when = ""
            if state.closed_at is not None:
                day = state.closed_at.date()
                days = (ctx.today - day).days
                when = f" on {day.isoformat()}" + (f" ({plural(days, 'day')} ago)" if days > 0 else "")
            yield Violation(
                item.line,
                f"{_label(item)} is still {ActionState.label(item.state)} but its ticket {ticket.text} was closed{when}",
                "mark the item Done (with the date) or Won't do with a reason, or reopen the ticket",
            )


@rule("PM425", "ticket-assignee", Level.WARNING)
def ticket_assignee(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """An open action item's ticket is assigned to the item's owner, matched through the people file.

    A tracker login is a person's alias written `github:login`, `gitlab:login`, `jira:name` or `@login`
    (`Priya Raman: [Priya, "@priya-r"]`); Jira's display names match as names do. Without a people file
    only display names can match, so GitHub and GitLab assignees are not compared. An unassigned ticket
    is not reported.
    """
    for item, ticket, state in _with_states(pm, ctx):
        if item.state is None or not item.state.is_open or not state.assignees or state.state != "open":
            continue
        owners = owners_of(item.owner)
        if len(owners) != 1:
            continue  # PM402 or PM403 says what is wrong with the owner
        owner = ctx.owners.get(fold(owners[0]), owners[0]) if ctx.owners else " ".join(owners[0].split())
        people = [assignee_person(a.login, a.name, ticket.tracker, ctx.owners) for a in state.assignees]
        if ctx.owners is None and not any(people):
            continue
        if any(person is not None and fold(person) == fold(owner) for person in people):
            continue
        shown = ", ".join(
            person or f"'{assignee.login}' (not in the people file)"
            for person, assignee in zip(people, state.assignees, strict=True)
        )
        yield Violation(
            item.line,
            f"{_label(item)}'s ticket {ticket.text} is assigned to {shown}, not to its owner {owner}",
            "assign the ticket to the owner, or make its assignee the owner; add a login to the people file as "
            "an alias (`@login`)",
        )


@rule("PM426", "ticket-required", Level.WARNING)
def ticket_required(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Open action items of the severities the `tickets: required_for` option names have a ticket.

    Silent unless the option names a severity.
    """
    if pm.meta is None or not ctx.tickets.required(pm.meta.severity):
        return
    for item in pm.actions or []:
        if item.state is not None and item.state.is_open and ctx.tickets.of(item) is None:
            yield Violation(
                item.line,
                f"{_label(item)} has no ticket; open items of a {pm.meta.severity} post-mortem are tracked in the issue tracker",
                "file one (`mkdocs-postmortem file-tickets`) and put it in the Ticket column",
            )


_FIRST: list[tuple[object, str]] = []  # the last library asked about, and its first page


def _first_page(ctx: Context) -> str:
    """The library's first page by path (worked out once per library)."""
    pages = ctx.library.pages
    if not _FIRST or _FIRST[0][0] is not pages:
        _FIRST[:] = [(pages, min(pages, default=""))]
    return _FIRST[0][1]


@rule("PM427", "ticket-states-old", Level.INFO, "library")
def ticket_states_old(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The state file is no older than `tickets: max_age_days` (7): the drift rules read it.

    Reported once for the site, on the first line of its first post-mortem (by path).
    """
    states = ctx.tickets.states
    age = ctx.tickets.age(ctx.today)
    if states is None or not states.tickets or age is None or age <= ctx.tickets.options.max_age_days:
        return
    if _first_page(ctx) == pm.path:
        yield Violation(
            1,
            f"the ticket states in {ctx.tickets.state_file} are {plural(age, 'day')} old (synced {states.synced.isoformat()})",
            "run `mkdocs-postmortem sync` and commit the state file (a scheduled CI job can do it)",
        )


@rule("PM428", "ticket-not-synced", Level.INFO)
def ticket_not_synced(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Once there is a state file, every ticket is one sync can ask for, and is in it: the drift rules
    cannot judge the others.

    Sync sends a tracker's token to its configured server only (`tickets: github_url`, `gitlab_url`,
    `jira_url`): a Jira key without a `jira_url`, or a URL on another server, is never synced, and is
    reported as such.
    """
    if ctx.tickets.states is None:
        return
    for item in pm.actions or []:
        if (ticket := ctx.tickets.ticket(item)) is None:
            continue
        if why := ctx.tickets.unsyncable(ticket):
            yield Violation(
                item.line,
                f"{_label(item)}'s ticket cannot be synced: {why}",
                f"set `tickets: {ticket.tracker}_url` in mkdocs.yml to its server, then run `mkdocs-postmortem sync`",
            )
        elif ctx.tickets.state(ticket) is None:
            yield Violation(
                item.line,
                f"{_label(item)}'s ticket {ticket.text} is not in {ctx.tickets.state_file} yet",
                "run `mkdocs-postmortem sync`",
            )
