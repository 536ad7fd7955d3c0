"""One interface for every tracker: fetch a ticket's state over HTTP (conditional requests, rate limits
waited out within a bound, every failure one line naming the tracker and the ticket)."""

from __future__ import annotations

import abc
import asyncio
import datetime as dt
import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..tickets import Ticket, TicketOptions
from .state import TicketState

RATE_LIMIT_TRIES = 3  # requests of one ticket when its tracker says "wait"


class TrackerError(Exception):
    """A tracker could not be asked or did not answer: one line naming the tracker and the ticket."""


@dataclass(frozen=True)
class Limits:
    """How hard a sync may push: seconds to wait for an answer, the longest wait for a rate limit to
    reset, and how many requests at once."""

    timeout: float = 10.0
    max_wait: float = 60.0
    concurrency: int = 8


class Tracker(abc.ABC):
    """A tracker's REST API: where a ticket is, how to read its answer, how to authenticate."""

    name: str = ""  # as messages name it: GitHub, GitLab, Jira
    auth_hint: str = ""  # which variables hold its token, and the scope it needs

    def __init__(self, client: httpx.AsyncClient, options: TicketOptions, env: Mapping[str, str], limits: Limits):
        self.client = client
        self.options = options
        self.env = env
        self.limits = limits

    @abc.abstractmethod
    def issue_url(self, ticket: Ticket) -> str:
        """The API address of the ticket."""

    @abc.abstractmethod
    def state(self, ticket: Ticket, data: Any) -> TicketState:
        """The ticket's state from the API's answer; KeyError, TypeError or ValueError when it is not one."""

    def headers(self) -> dict[str, str]:
        """Headers of every request (authentication)."""
        return {}

    def web_url(self, ticket: Ticket) -> str:
        """The ticket's page, for a ticket the tracker does not know."""
        return ""

    async def fetch(self, ticket: Ticket, previous: TicketState | None) -> TicketState:
        """The ticket's state now: `previous` when the tracker says it has not changed (304), `missing`
        when it says there is no such ticket (404, 410)."""
        headers = {"If-None-Match": previous.etag} if previous is not None and previous.etag else {}
        response = await self.send("GET", self.issue_url(ticket), ticket.text, headers=headers)
        if response.status_code == 304 and previous is not None:
            return previous
        if response.status_code in (404, 410):
            return TicketState(state="missing", url=self.web_url(ticket))
        data = self.json(response, ticket.text)
        try:
            state = self.state(ticket, data)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise TrackerError(
                f"{self.name}: {ticket.text}: the answer is not an issue as {self.name}'s API describes one ({type(exc).__name__}: {exc})"
            ) from None
        return state.model_copy(update={"etag": response.headers.get("ETag")})

    def json(self, response: httpx.Response, what: str) -> Any:
        """The answer's JSON; a clear error when it is not JSON."""
        try:
            return response.json()
        except ValueError as exc:
            raise TrackerError(f"{self.name}: {what}: the answer is not JSON ({exc})") from None

    async def send(
        self, method: str, url: str, what: str, *, accept: tuple[int, ...] = (), **kwargs: Any
    ) -> httpx.Response:
        """One request: a rate limit waited out (up to `Limits.max_wait` a time), any other failure a
        `TrackerError`. Returns answers 2xx, 304, 404, 410 and those of `accept`."""
        host = urlsplit(url).netloc
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        for attempt in range(1, RATE_LIMIT_TRIES + 1):
            try:
                response = await self.client.request(method, url, headers=headers, **kwargs)
            except httpx.TimeoutException:
                raise TrackerError(
                    f"{self.name}: {what}: no answer from {host} within {self.limits.timeout:g} s"
                ) from None
            except httpx.HTTPError as exc:
                raise TrackerError(f"{self.name}: {what}: cannot reach {host} ({type(exc).__name__}: {exc})") from None
            wait = rate_limit_wait(response)
            if wait is not None:
                if wait > self.limits.max_wait or attempt == RATE_LIMIT_TRIES:
                    reset = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
                    raise TrackerError(
                        f"{self.name}: {what}: rate limit reached ({response.status_code}); it resets in {wait:.0f} s "
                        f"(at {reset:%H:%M:%S} UTC), beyond the {self.limits.max_wait:g} s this sync waits "
                        "(--max-wait) — run it again then"
                    )
                await asyncio.sleep(wait)
                continue
            status = response.status_code
            if status < 300 or status in (304, 404, 410) or status in accept:
                return response
            if status in (401, 403):
                reason = "401 Unauthorized" if status == 401 else "403 Forbidden"
                raise TrackerError(f"{self.name}: {what}: {reason} — {self.auth_hint}")
            raise TrackerError(f"{self.name}: {what}: unexpected answer {status} {response.reason_phrase}".rstrip())
        raise AssertionError("unreachable")  # pragma: no cover — the loop returns or raises


def rate_limit_wait(response: httpx.Response) -> float | None:
    """Seconds to wait when the answer says "too many requests" (403 or 429 with `Retry-After`, or with
    `X-RateLimit-Remaining: 0` and a reset time), else None."""
    if response.status_code not in (403, 429):
        return None
    headers = response.headers
    if retry := headers.get("Retry-After"):
        return _seconds_until(retry, relative=True)
    limited = response.status_code == 429 or headers.get("X-RateLimit-Remaining") == "0"
    reset = headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset")
    if limited and reset:
        return _seconds_until(reset, relative=False)
    return 60.0 if response.status_code == 429 else None


def _seconds_until(value: str, relative: bool) -> float:
    """`Retry-After` (seconds, or an HTTP date) or a reset time (epoch seconds, or ISO 8601 as Jira
    writes it) as seconds from now, never negative."""
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        return max(number if relative or number < 1e9 else number - time.time(), 0.0)
    when: dt.datetime | None = None
    if relative:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
    if when is None:
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return 60.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)
