"""The state file: what `mkdocs-postmortem sync` last learnt of every referenced ticket.

It lies beside `mkdocs.yml` and is committed with the docs, so `mkdocs build` reads the tickets' states
without touching the network, and two builds of one commit agree. Versioned JSON, tickets sorted by
key; written atomically, and only when it changes.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..atomic import write_atomic

STATE_VERSION: Literal[1] = 1
REWRITE = "run `mkdocs-postmortem sync`, which reads past it and writes it anew (or delete the file)"


class StateFileError(ValueError):
    """The state file cannot be read: `problem` names it and says why; the message adds the remedy.
    `repairable`: its text is broken, so `sync` may write it anew."""

    def __init__(self, problem: str, remedy: str = REWRITE) -> None:
        super().__init__(f"{problem} — {remedy}" if remedy else problem)
        self.problem = problem
        self.repairable = remedy == REWRITE


class Assignee(BaseModel):
    """Someone a ticket is assigned to: the tracker's login (GitHub, GitLab; Jira's user name, e-mail
    or account id) and, where the tracker gives it, the display name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    login: str
    name: str | None = None


class TicketState(BaseModel):
    """A ticket as its tracker last described it; `missing`: the tracker answered 404 (no such ticket,
    or one the token cannot see)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: Literal["open", "closed", "missing"]
    closed_at: dt.datetime | None = None
    assignees: tuple[Assignee, ...] = ()
    title: str = ""
    url: str = ""
    kind: Literal["issue", "pull_request"] = "issue"
    etag: str | None = None  # for a conditional request next time; a new one alone is no change

    def same(self, other: TicketState | None) -> bool:
        """The same state, whatever the ETag."""
        return other is not None and self.model_copy(update={"etag": None}) == other.model_copy(update={"etag": None})


class StateFile(BaseModel):
    """`postmortem-tickets.json`: the day of the last sync that changed it, and each ticket by its key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = STATE_VERSION
    synced: dt.date
    tickets: dict[str, TicketState] = Field(default_factory=dict)

    def text(self) -> str:
        """The file's text: stable (sorted keys, no nulls), one field a line, ending with a newline."""
        data = self.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
        data["tickets"] = dict(sorted(data["tickets"].items()))
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def changed(self, other: StateFile | None) -> bool:
        """Whether the tickets differ from `other`'s (new, gone, or in another state; ETags aside)."""
        if other is None or self.tickets.keys() != other.tickets.keys():
            return True
        return any(not state.same(other.tickets[key]) for key, state in self.tickets.items())


def load_states(path: Path) -> StateFile | None:
    """The state file at `path`, or None when there is none (sync has not run)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateFileError(f"{path}: cannot read it ({exc.strerror})", "") from None
    return _load(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load(path: Path, mtime: int, size: int) -> StateFile:
    """Read once per version of the file: a build asks for it several times."""
    if not path.is_file():
        raise StateFileError(f"{path}: not a regular file", "")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StateFileError(f"{path}: cannot read it ({exc.strerror})", "") from None
    if b"\n<<<<<<< " in b"\n" + raw:
        raise StateFileError(f"{path}: holds merge-conflict markers")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise StateFileError(f"{path}: not JSON ({exc})") from None
    try:
        return StateFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise StateFileError(f"{path}: {where}: {first['msg']}") from None


def write_states(path: Path, states: StateFile) -> None:
    """Replace the file atomically (a temporary file renamed over it)."""
    write_atomic(path, states.text(), make_folder=False)
