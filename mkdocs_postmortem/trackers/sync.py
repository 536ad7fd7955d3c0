"""`mkdocs-postmortem sync`: every referenced ticket's state, fetched a few at a time."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from ..tickets import Ticket, TicketOptions
from .base import Limits, Tracker, TrackerError
from .github import GitHub
from .gitlab import GitLab
from .jira import Jira
from .state import StateFile, TicketState

TRACKERS: dict[str, type[Tracker]] = {"github": GitHub, "gitlab": GitLab, "jira": Jira}
USER_AGENT = "mkdocs-postmortem (+https://pypi.org/project/mkdocs-postmortem/)"


@dataclass(frozen=True)
class Wanted:
    """A ticket to sync, and where a page first names it (`docs/postmortems/x.md:57`)."""

    ticket: Ticket
    where: str


@dataclass
class Synced:
    """What a sync learnt: each ticket's state by key, and the failures (one line each)."""

    states: dict[str, TicketState] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def state_file(self, today: dt.date, previous: StateFile | None, refresh_days: int) -> StateFile | None:
        """The state file to write, or None when the previous one still says it all: the tickets are
        as they were, and it is younger than `refresh_days` (so a daily job changes it only now and then,
        and it never looks stale while the job runs)."""
        new = StateFile(synced=today, tickets=self.states)
        if previous is not None and not new.changed(previous) and (today - previous.synced).days < refresh_days:
            return None
        return new


def client(limits: Limits) -> httpx.AsyncClient:
    """The HTTP client of a run: its timeout, as many connections as requests at once (`Tracker.send`
    follows redirects, on the tracker's own server only)."""
    return httpx.AsyncClient(
        timeout=limits.timeout,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=limits.concurrency),
    )


def sync(
    wanted: list[Wanted],
    previous: StateFile | None,
    options: TicketOptions,
    env: Mapping[str, str],
    limits: Limits = Limits(),  # noqa: B008 — frozen
) -> Synced:
    """Fetch every wanted ticket, at most `limits.concurrency` at once; an unchanged ticket costs a
    conditional request (its ETag). A tracker whose address or token cannot be used fails once, up front."""
    return asyncio.run(_sync(wanted, previous.tickets if previous else {}, options, env, limits))


async def _sync(
    wanted: list[Wanted],
    known: Mapping[str, TicketState],
    options: TicketOptions,
    env: Mapping[str, str],
    limits: Limits,
) -> Synced:
    result = Synced()
    gate = asyncio.Semaphore(limits.concurrency)
    async with client(limits) as http:
        trackers = {name: kind(http, options, env, limits) for name, kind in TRACKERS.items()}
        unusable: set[str] = set()
        for name in sorted({item.ticket.tracker for item in wanted}):
            try:
                trackers[name].check()
            except TrackerError as exc:
                result.errors.append(str(exc))
                unusable.add(name)

        async def one(item: Wanted) -> None:
            if item.ticket.tracker in unusable:
                return
            async with gate:
                try:
                    result.states[item.ticket.key] = await trackers[item.ticket.tracker].fetch(
                        item.ticket, known.get(item.ticket.key)
                    )
                except TrackerError as exc:
                    result.errors.append(f"{exc} (referenced at {item.where})")

        await asyncio.gather(*(one(item) for item in wanted))
    result.states = dict(sorted(result.states.items()))
    return result
