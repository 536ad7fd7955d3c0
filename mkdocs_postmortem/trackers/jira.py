"""Jira Cloud and Data Center: `GET /rest/api/2/issue/{key}?fields=status,assignee,summary,resolutiondate`.

Version 2 of the REST API, which both Cloud and Data Center serve (Cloud's version 3 differs only in
rich-text fields, which are not read). Done is the status category `done`, whatever the workflow
calls its statuses; the closing date is `resolutiondate`.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

from ..tickets import Ticket
from .base import Tracker
from .state import Assignee, TicketState

FIELDS = "status,assignee,summary,resolutiondate"
_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")  # Jira writes `+0000`


class Jira(Tracker):
    name = "Jira"
    auth_hint = (
        "set JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud: an API token), or JIRA_BEARER_TOKEN (Data Center: a "
        "personal access token), for a user who can browse the project"
    )

    @property
    def server(self) -> str:
        """The configured Jira (`tickets: jira_url`): the only one that gets the credentials."""
        return self.options.jira_url or ""

    def headers(self) -> dict[str, str]:
        if token := self.variable("JIRA_BEARER_TOKEN"):
            return {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        email, token = self.variable("JIRA_EMAIL", token=False), self.variable("JIRA_API_TOKEN")
        if email and token:
            basic = base64.b64encode(f"{email}:{token}".encode()).decode("ascii")
            return {"Authorization": f"Basic {basic}", "Accept": "application/json"}
        return {"Accept": "application/json"}

    def issue_url(self, ticket: Ticket) -> str:
        return f"{self.server}/rest/api/2/issue/{ticket.text}?fields={FIELDS}"

    def state(self, ticket: Ticket, data: Any) -> TicketState:
        fields = data["fields"]
        done = fields["status"]["statusCategory"]["key"] == "done"
        resolved = fields.get("resolutiondate")
        person = fields.get("assignee")
        assignees: tuple[Assignee, ...] = ()
        if person:
            login = person.get("name") or person.get("emailAddress") or person.get("accountId")
            assignees = (Assignee(login=str(login), name=person.get("displayName")),)
        return TicketState(
            state="closed" if done else "open",
            closed_at=dt.datetime.fromisoformat(_OFFSET.sub(r"\1:\2", resolved)) if done and resolved else None,
            assignees=assignees,
            title=str(fields.get("summary") or ""),
            url=f"{self.server}/browse/{data.get('key') or ticket.text}",
        )
