"""One interface for every tracker: fetch a ticket's state over HTTP (conditional requests, rate limits
waited out within a bound, every failure one line naming the tracker and the ticket, never a token)."""

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

from ..tickets import Ticket, TicketOptions, ticket_url, unsyncable
from .state import TicketState

RATE_LIMIT_TRIES = 3  # requests of one ticket when its tracker says "wait"
RETRY_PAUSE = 1.0  # seconds before asking again after a 502, 503 or 504
MAX_REDIRECTS = 5


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
    """A tracker's REST API: where a ticket is, how to read its answer, how to authenticate. Its token
    goes to its configured server only: a redirect to another is not followed. After a 401, or a rate
    limit that resets beyond `Limits.max_wait`, it is asked nothing more in the run."""

    name: str = ""  # as messages name it: GitHub, GitLab, Jira
    auth_hint: str = ""  # which variables hold its token, and the scope it needs

    def __init__(self, client: httpx.AsyncClient, options: TicketOptions, env: Mapping[str, str], limits: Limits):
        self.client = client
        self.options = options
        self.env = env
        self.limits = limits
        self.stopped: str | None = None  # why it is asked nothing more

    @property
    @abc.abstractmethod
    def server(self) -> str:
        """The API's address (its origin is the only one that gets the token)."""

    @abc.abstractmethod
    def issue_url(self, ticket: Ticket) -> str:
        """The API address of the ticket."""

    @abc.abstractmethod
    def state(self, ticket: Ticket, data: Any) -> TicketState:
        """The ticket's state from the API's answer; KeyError, TypeError or ValueError when it is not one."""

    def headers(self) -> dict[str, str]:
        """Headers of every request (authentication); TrackerError when a variable cannot be sent."""
        return {}

    def web_url(self, ticket: Ticket) -> str:
        """The ticket's page, for a ticket the tracker does not know."""
        return ticket_url(ticket, self.options) or ""

    def variable(self, name: str, *, token: bool = True) -> str | None:
        """An environment variable, stripped (None when unset or empty); TrackerError, without its value,
        when it cannot go into a header: a control character, or (a token) a character beyond ASCII."""
        value = (self.env.get(name) or "").strip()
        if value and (not value.isprintable() or (token and not value.isascii())):
            kind = "a control character" + (" or a character beyond ASCII" if token else "")
            raise TrackerError(f"{self.name}: {name} holds {kind}: set it to the {'token' if token else 'value'} alone")
        return value or None

    def check(self) -> None:
        """Before any request: the server's address and the tokens are usable; TrackerError if not."""
        try:
            url = httpx.URL(self.server)
        except (httpx.InvalidURL, ValueError):
            url = None
        if url is None or url.scheme not in ("http", "https") or not url.host:
            raise TrackerError(f"{self.name}: '{self.server}' is not an http(s) address of its API")
        self.headers()

    async def fetch(self, ticket: Ticket, previous: TicketState | None) -> TicketState:
        """The ticket's state now: `previous` when the tracker says it has not changed (304), `missing`
        when it says there is no such ticket (404, 410)."""
        if why := unsyncable(ticket, self.options):
            raise TrackerError(f"{self.name}: {ticket.text}: not asked — {why}")
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
        """One request: a rate limit waited out (up to `Limits.max_wait` a time), a 502, 503 or 504 tried
        once more, any other failure a `TrackerError`. Returns answers 2xx, 304, 404, 410 and those of `accept`."""
        if self.stopped:
            raise TrackerError(f"{self.name}: {what}: not asked — {self.stopped}")
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        limited, retried = 0, False
        while True:
            response = await self._request(method, url, what, headers, kwargs)
            status = response.status_code
            wait = rate_limit_wait(response)
            if wait is not None:
                limited += 1
                if wait > self.limits.max_wait:
                    reset = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
                    self.stopped = (
                        f"its rate limit resets at {reset:%H:%M:%S} UTC, beyond the {self.limits.max_wait:g} s this sync "
                        "waits (--max-wait): run it again then"
                    )
                    raise TrackerError(
                        f"{self.name}: {what}: rate limit reached ({status}); it resets in {wait:.0f} s "
                        f"(at {reset:%H:%M:%S} UTC), beyond the {self.limits.max_wait:g} s this sync waits "
                        "(--max-wait) — run it again then"
                    )
                if limited == RATE_LIMIT_TRIES:
                    raise TrackerError(
                        f"{self.name}: {what}: still rate-limited ({status}) after {RATE_LIMIT_TRIES} tries — run it "
                        "again later"
                    )
                await asyncio.sleep(wait)
                continue
            if status in (502, 503, 504) and not retried:
                retried = True
                await asyncio.sleep(RETRY_PAUSE)
                continue
            if status < 300 or status in (304, 404, 410) or status in accept:
                return response
            if status == 401:
                self.stopped = f"{self.name} refused the token (401 Unauthorized)"
                raise TrackerError(f"{self.name}: {what}: 401 Unauthorized — {self.auth_hint}")
            if status == 403:
                raise TrackerError(f"{self.name}: {what}: 403 Forbidden — {self.auth_hint}")
            raise TrackerError(f"{self.name}: {what}: unexpected answer {status} {response.reason_phrase}".rstrip())

    async def _request(
        self, method: str, url: str, what: str, headers: dict[str, str], kwargs: dict[str, Any]
    ) -> httpx.Response:
        """The request sent, and redirects followed on its own origin only (the token goes nowhere else)."""
        origin = _origin(url)
        if origin != _origin(self.server):
            raise TrackerError(
                f"{self.name}: {what}: not asked — {url} is not on the configured server ({self.server})"
            )
        try:
            request = self.client.build_request(method, url, headers=headers, **kwargs)
        except (httpx.InvalidURL, ValueError):  # no detail: it may quote a header
            raise TrackerError(f"{self.name}: {what}: cannot make the request to {origin or url!r}") from None
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = await self.client.send(request, follow_redirects=False)
            except httpx.TimeoutException:
                raise TrackerError(
                    f"{self.name}: {what}: no answer from {request.url.netloc.decode()} within {self.limits.timeout:g} s"
                ) from None
            except (httpx.LocalProtocolError, httpx.InvalidURL, ValueError):  # no detail: it may quote a header
                raise TrackerError(
                    f"{self.name}: {what}: cannot send the request to {request.url.netloc.decode()} (a header or the "
                    f"address is not valid; check the variables: {self.auth_hint})"
                ) from None
            except httpx.HTTPError as exc:
                raise TrackerError(
                    f"{self.name}: {what}: cannot reach {request.url.netloc.decode()} ({type(exc).__name__}: {exc})"
                ) from None
            following = response.next_request
            if not response.has_redirect_location or following is None:
                return response
            if _origin(str(following.url)) != origin:
                raise TrackerError(
                    f"{self.name}: {what}: {request.url.netloc.decode()} redirects to {following.url.netloc.decode()}: "
                    "not followed, so that the token goes to the configured server only"
                )
            request = following
        raise TrackerError(f"{self.name}: {what}: more than {MAX_REDIRECTS} redirects")


def _origin(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
        return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"
    except ValueError:
        return ""


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
