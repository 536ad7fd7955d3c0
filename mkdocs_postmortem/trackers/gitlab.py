"""GitLab (gitlab.com or self-managed): `GET /api/v4/projects/{url-encoded path}/issues/{iid}`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..tickets import Ticket
from .base import Tracker
from .state import Assignee, TicketState


class GitLab(Tracker):
    name = "GitLab"
    auth_hint = "set GITLAB_TOKEN to a token with the `read_api` scope on the project"

    @property
    def server(self) -> str:
        return f"{self.options.gitlab_url}/api/v4"

    def headers(self) -> dict[str, str]:
        token = self.variable("GITLAB_TOKEN")
        return {"PRIVATE-TOKEN": token} if token else {}

    def issue_url(self, ticket: Ticket) -> str:
        return f"{self.server}/projects/{quote(ticket.project, safe='')}/issues/{ticket.number}"

    def state(self, ticket: Ticket, data: Any) -> TicketState:
        state = data["state"]
        if state not in ("opened", "closed", "locked"):
            raise ValueError(f"state {state!r}")
        people = data.get("assignees") or ([data["assignee"]] if data.get("assignee") else [])
        return TicketState(
            state="closed" if state == "closed" else "open",
            closed_at=data.get("closed_at") if state == "closed" else None,
            assignees=tuple(Assignee(login=str(p["username"]), name=p.get("name")) for p in people),
            title=str(data.get("title") or ""),
            url=str(data.get("web_url") or self.web_url(ticket)),
        )
