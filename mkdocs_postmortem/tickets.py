"""Ticket references on action items: the `Ticket` column (or a ticket linked in the action cell),
recognised as a GitHub issue or pull request, a GitLab issue or a Jira issue; the `tickets:` options;
and what the rules and the library know of the tickets (`Tickets`: the references and the state file).

Recognised: `owner/repo#123`, `https://github.com/owner/repo/issues/123` (or `/pull/123`),
`https://gitlab.com/group/project/-/issues/12`, Jira keys (`OPS-123`) and Jira browse URLs
(`https://acme.atlassian.net/browse/OPS-123`). Each tracker has one configured server (`github_url`,
`gitlab_url`, `jira_url`): a ticket on another server keeps its address (`Ticket.base`), is linked there,
and is never synced, so no token goes to a server the site did not name. Nothing here touches the network.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .model import ActionItem
from .people import fold
from .trackers.state import StateFile, TicketState

Tracker = Literal["github", "gitlab", "jira"]
TRACKER_NAMES: dict[str, str] = {"github": "GitHub", "gitlab": "GitLab", "jira": "Jira"}

# Headers of the action table's ticket column (case-folded, spaces collapsed): whole names only, so that a
# column such as "Tracking" or "Issue date" is not taken for it. The template's own columns are matched first.
_HEADER_NAMES = frozenset(
    {
        *(f"{name}{suffix}" for name in ("ticket", "issue") for suffix in ("", "s", " #", " no", " id", " key")),
        *(
            f"{tracker} {name}"
            for tracker in ("jira", "github", "gitlab", "gh", "tracker", "tracking")
            for name in ("ticket", "tickets", "issue", "issues")
        ),
        "jira",
        "jira key",
    }
)
# A ticket cell that says "none yet" rather than naming a ticket.
_NO_TICKET = frozenset({"", "-", "–", "—", "n/a", "na", "none", "tbd", "todo", "to do", "?"})
_NOT_A_TICKET = "is not a ticket reference"

_GITHUB_SHORT = re.compile(r"([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})#([1-9][0-9]{0,9})")
_JIRA_KEY = re.compile(r"([A-Z][A-Z0-9_]{0,49})-([1-9][0-9]{0,9})")
_GITHUB_PATH = re.compile(
    r"/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})/(?:issues|pull)/([1-9][0-9]{0,9})"
    r"(?:/(?:files|commits|checks|events))?/?"
)
_GITLAB_PATH = re.compile(r"/([A-Za-z0-9_.][A-Za-z0-9_./-]{0,500}?)(?:/-)?/issues/([1-9][0-9]{0,9})/?")
_JIRA_PATH = re.compile(r"(/[^?#]{0,200}?)?/browse/([A-Z][A-Z0-9_]{0,49})-([1-9][0-9]{0,9})/?")
_SEPARATORS = re.compile(r"[\s,;]+")
_PARENTHETICAL = re.compile(r"\([^()]{0,200}\)")

DRIFT_RULES = frozenset({"PM422", "PM423", "PM424", "PM425"})
"""The rules that say an item and its ticket disagree (`rules/tickets.py`): the library pages flag their items."""

SHAPES = (
    "owner/repo#123, a GitHub issue or pull-request URL, a GitLab issue URL, a Jira key (OPS-123) or a Jira browse URL"
)


def is_ticket_header(header: str) -> bool:
    """Whether an action-table header names the ticket column (`Ticket`, `Issue`, `Jira`, …)."""
    return " ".join(header.casefold().split()).rstrip(".:") in _HEADER_NAMES


def _web_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/?#]+(?:/[^\s?#]*)?", value):
        raise ValueError(f"'{value}' is not an http(s) URL")
    return value


class TicketOptions(BaseModel):
    """The `tickets:` option: where the trackers are, the state file, and what the ticket rules ask."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state_file: str = Field(
        default="postmortem-tickets.json",
        description="The state file `mkdocs-postmortem sync` writes, relative to mkdocs.yml; committed with the docs.",
    )
    github_url: str = Field(
        default="https://github.com",
        description="GitHub's web address, for GitHub Enterprise (`https://github.example.com`); the API's comes "
        "from GITHUB_API_URL.",
    )
    gitlab_url: str = Field(
        default="https://gitlab.com", description="GitLab's address (its API is `<gitlab_url>/api/v4`)."
    )
    jira_url: str | None = Field(
        default=None,
        description="Jira's base URL (`https://acme.atlassian.net`): bare keys such as OPS-123 are its issues.",
    )
    required_for: tuple[str, ...] = Field(
        default=(),
        description="Severities whose open action items must have a ticket (PM426), e.g. [Sev-1, Sev-2]; default none. "
        "Read as the template's severities (`sev1` is Sev-1).",
    )
    max_age_days: int = Field(default=7, ge=1, le=3650, description="A state file older than this is reported (PM427).")
    label: str = Field(
        default="postmortem", min_length=1, description="The label `file-tickets` puts on the tickets it files."
    )

    @field_validator("github_url", "gitlab_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _web_url(value)

    @field_validator("jira_url")
    @classmethod
    def _jira(cls, value: str | None) -> str | None:
        return _web_url(value) if value else None

    @field_validator("required_for", mode="before")
    @classmethod
    def _one(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @property
    def hosts(self) -> tuple[str, str, str]:
        """The GitHub, GitLab and Jira host names (lower case; Jira's empty when it is not configured)."""
        return (_host(self.github_url), _host(self.gitlab_url), _host(self.jira_url) if self.jira_url else "")

    def server(self, tracker: Tracker) -> str | None:
        """The configured web address of a tracker (None: no Jira configured)."""
        return {"github": self.github_url, "gitlab": self.gitlab_url, "jira": self.jira_url}[tracker]


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@dataclass(frozen=True, slots=True)
class Ticket:
    """A ticket on a tracker: `project` is `owner/repo` (GitHub), `group/project` (GitLab) or the Jira
    project key; `base` the web address of its server when a URL put it on another server than the
    tracker's configured one (it is linked there, and not synced)."""

    tracker: Tracker
    project: str
    number: int
    base: str = ""

    @property
    def key(self) -> str:
        """Its key in the state file: `owner/repo#12`, `gitlab:group/project#12`, `OPS-123`; a ticket on
        another server, its address (never synced, so never in the file, and never taken for another)."""
        if self.base:
            return _address(self, self.base)
        if self.tracker == "gitlab":
            return f"gitlab:{self.project}#{self.number}"
        return self.text

    @property
    def text(self) -> str:
        """How it is shown and written: `owner/repo#12`, `group/project#12`, `OPS-123`."""
        return f"{self.project}-{self.number}" if self.tracker == "jira" else f"{self.project}#{self.number}"

    @property
    def tracker_name(self) -> str:
        return TRACKER_NAMES[self.tracker]


@dataclass(frozen=True, slots=True)
class Malformed:
    """A ticket cell that names no ticket this tool reads: what it says, and why."""

    text: str
    why: str


Reference = Ticket | Malformed | None


def _address(ticket: Ticket, base: str) -> str:
    if ticket.tracker == "github":
        return f"{base}/{ticket.project}/issues/{ticket.number}"
    if ticket.tracker == "gitlab":
        return f"{base}/{ticket.project}/-/issues/{ticket.number}"
    return f"{base}/browse/{ticket.text}"


def parse_url(url: str, hosts: tuple[str, str, str]) -> Ticket | None:
    """The ticket a URL names, or None when it names none (a runbook, a commit, a file). A URL on
    another server than its tracker's configured one gives a ticket with that server as its `base`."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    github, gitlab, jira = hosts
    path, site = parts.path, f"{parts.scheme}://{parts.netloc}"
    host = "github.com" if host == "www.github.com" else host
    if host in (github, "github.com") and (match := _GITHUB_PATH.fullmatch(path)):
        return Ticket("github", f"{match[1]}/{match[2]}", int(match[3]), "" if host == github else "https://github.com")
    if (host in (gitlab, "gitlab.com") or "/-/issues/" in path) and (match := _GITLAB_PATH.fullmatch(path)):
        return Ticket("gitlab", match[1], int(match[2]), "" if host == gitlab else site)
    if match := _JIRA_PATH.fullmatch(path):
        return Ticket("jira", match[2], int(match[3]), "" if host == jira else f"{site}{match[1] or ''}")
    return None


@lru_cache(maxsize=8192)
def parse_reference(cell: str, links: tuple[str, ...], hosts: tuple[str, str, str]) -> Reference:
    """An action item's ticket: its Ticket cell (`cell`, as `ActionItem.ticket` keeps it), else the first
    ticket linked in its action cell (`links`); a cell that names something else is `Malformed`."""
    text = " ".join(_PARENTHETICAL.sub(" ", cell).split())
    if text.casefold() in _NO_TICKET or text.startswith("["):
        return next((ticket for link in links if (ticket := parse_url(link, hosts))), None)
    found = [_token(token, hosts) for token in _SEPARATORS.split(text) if token]
    if len(found) == 1:
        return found[0]
    tickets = [ticket for ticket in found if isinstance(ticket, Ticket)]
    if len(tickets) > 1:
        return Malformed(cell, f"holds {len(tickets)} references: one item, one ticket — split the item")
    if tickets:
        return Malformed(cell, f"holds words besides its ticket: put them in parentheses, `{tickets[0].text} (…)`")
    specific = [m for m in found if isinstance(m, Malformed) and m.why != _NOT_A_TICKET]
    return specific[0] if specific else Malformed(cell, _NOT_A_TICKET)


def _token(token: str, hosts: tuple[str, str, str]) -> Ticket | Malformed:
    if token.startswith(("http://", "https://")):
        return parse_url(token, hosts) or Malformed(
            token,
            "is not the address of a GitHub, GitLab or Jira issue (a self-hosted one's server is "
            "`tickets: github_url` or `gitlab_url`)",
        )
    if match := _GITHUB_SHORT.fullmatch(token):
        return Ticket("github", f"{match[1]}/{match[2]}", int(match[3]))
    if match := _JIRA_KEY.fullmatch(token):
        return Ticket("jira", match[1], int(match[2]))
    if re.fullmatch(r"#[0-9]+", token):
        return Malformed(token, f"does not name its repository: write owner/repo{token}")
    if _JIRA_KEY.fullmatch(token.upper()):
        return Malformed(token, f"is not a Jira key as written: Jira keys are upper case ({token.upper()})")
    return Malformed(token, _NOT_A_TICKET)


def ticket_url(ticket: Ticket, options: TicketOptions) -> str | None:
    """The ticket's web page (None for a Jira key without a Jira to find it on)."""
    base = ticket.base or options.server(ticket.tracker)
    return _address(ticket, base) if base else None


def unsyncable(ticket: Ticket, options: TicketOptions) -> str | None:
    """Why `mkdocs-postmortem sync` does not ask for the ticket, or None when it does: a tracker's token
    goes to its configured server only."""
    if ticket.base:
        configured = _host(options.server(ticket.tracker) or "") or "none"
        return f"{ticket.text} is on {_host(ticket.base)}, not on the {ticket.tracker_name} this site configures ({configured})"
    if options.server(ticket.tracker) is None:
        return f"{ticket.text} is a Jira key, but no Jira is configured"
    return None


@dataclass(frozen=True)
class Tickets:
    """What the rules and the library know of tickets: the options, and the state file when there is one."""

    options: TicketOptions = field(default_factory=TicketOptions)
    states: StateFile | None = None
    state_file: str = "postmortem-tickets.json"  # as the options name it, for messages
    broken: str | None = None  # why the state file was read as none (`reading_past_a_broken_state_file`)

    def of(self, item: ActionItem) -> Reference:
        """The item's ticket reference, if it has one."""
        if not item.ticket and not item.links:
            return None
        return parse_reference(item.ticket, item.links, self.options.hosts)

    def ticket(self, item: ActionItem) -> Ticket | None:
        """The item's ticket, when it names one well."""
        found = self.of(item)
        return found if isinstance(found, Ticket) else None

    def state(self, ticket: Ticket) -> TicketState | None:
        """The ticket's state as the last sync saw it (None: no state file, or not synced yet)."""
        return self.states.tickets.get(ticket.key) if self.states else None

    def unsyncable(self, ticket: Ticket) -> str | None:
        """Why `sync` does not ask for the ticket (`unsyncable`), or None when it does."""
        return unsyncable(ticket, self.options)

    def url(self, ticket: Ticket) -> str | None:
        """The ticket's web page: the tracker's own address from the state file, else one made from the options."""
        state = self.state(ticket)
        return state.url if state and state.url else ticket_url(ticket, self.options)

    def age(self, today: dt.date) -> int | None:
        """Days since the last sync that changed the state file (None without one)."""
        return (today - self.states.synced).days if self.states else None

    def required(self, severity: str | None) -> bool:
        """Whether the open items of a post-mortem of this severity must have a ticket."""
        return severity is not None and severity in self.options.required_for


_READ_PAST_BROKEN: ContextVar[bool] = ContextVar("read_past_a_broken_state_file", default=False)


@contextmanager
def reading_past_a_broken_state_file() -> Iterator[None]:
    """Within it, a state file whose text is broken (not JSON, not the format) reads as none, and
    `Tickets.broken` says why: for `sync`, which writes it anew. Elsewhere it is a configuration error."""
    token = _READ_PAST_BROKEN.set(True)
    try:
        yield
    finally:
        _READ_PAST_BROKEN.reset(token)


def load_tickets(options: TicketOptions, base_dir: Path) -> Tickets:
    """The tickets' context of a site: its options and its state file (read when there is one).
    Raises `trackers.state.StateFileError`."""
    from .trackers.state import StateFileError, load_states

    try:
        states = load_states(base_dir / options.state_file)
    except StateFileError as exc:
        if not (exc.repairable and _READ_PAST_BROKEN.get()):
            raise
        return Tickets(options, None, options.state_file, broken=exc.problem)
    return Tickets(options, states, options.state_file)


def assignee_person(login: str, name: str | None, tracker: Tracker, owners: dict[str, str] | None) -> str | None:
    """The person a tracker's assignee is, through the people file: an alias `github:login`, `@login`
    or `login`, else the display name; without a people file, the display name itself."""
    if owners is not None:
        for alias in (f"{tracker}:{login}", f"@{login}", login, name or ""):
            if alias and (person := owners.get(fold(alias))):
                return person
        return None
    return " ".join(name.split()) if name else None


def tracker_login(person: str, tracker: Tracker, owners: dict[str, str] | None) -> str | None:
    """The person's login on a tracker, from the people file's aliases: `github:login` (this tracker's),
    else `@login`; None when the file gives none."""
    if owners is None:
        return None
    canonical = owners.get(fold(person))
    if canonical is None:
        return None
    aliases = [alias for alias, target in owners.items() if target == canonical]
    for prefix in (f"{tracker}:", "@"):
        for alias in aliases:
            if alias.startswith(prefix) and len(alias) > len(prefix):
                return alias[len(prefix) :].strip()
    return None
