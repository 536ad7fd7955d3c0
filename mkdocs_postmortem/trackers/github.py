"""GitHub (and GitHub Enterprise): the REST issues API, `GET /repos/{owner}/{repo}/issues/{number}`
(pull requests too), and filing issues for `file-tickets`."""

from __future__ import annotations

from typing import Any

from ..filing import MARKER
from ..tickets import Ticket, ticket_url
from .base import Tracker, TrackerError
from .state import Assignee, TicketState

MAX_PAGES = 50  # of 100 issues each, when looking for the issues filed before


class GitHub(Tracker):
    name = "GitHub"
    auth_hint = (
        "set GITHUB_TOKEN to a token that can read the repository's issues (fine-grained: Issues and Pull "
        "requests read, write to file tickets; classic: `repo` for private repositories)"
    )

    @property
    def api(self) -> str:
        """The API's address: GITHUB_API_URL (GitHub Enterprise: `https://github.example.com/api/v3`)."""
        return (self.env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token := self.env.get("GITHUB_TOKEN"):
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def issue_url(self, ticket: Ticket) -> str:
        return f"{self.api}/repos/{ticket.project}/issues/{ticket.number}"

    def web_url(self, ticket: Ticket) -> str:
        return ticket_url(ticket, self.options) or ""

    def state(self, ticket: Ticket, data: Any) -> TicketState:
        if data["state"] not in ("open", "closed"):
            raise ValueError(f"state {data['state']!r}")
        people = data.get("assignees") or ([data["assignee"]] if data.get("assignee") else [])
        return TicketState(
            state=data["state"],
            closed_at=data.get("closed_at") if data["state"] == "closed" else None,
            assignees=tuple(Assignee(login=str(person["login"])) for person in people),
            title=str(data.get("title") or ""),
            url=str(data.get("html_url") or self.web_url(ticket)),
            kind="pull_request" if data.get("pull_request") is not None else "issue",
        )

    async def filed(self, repo: str, label: str) -> dict[str, int]:
        """The issues of `repo` with the label that name an item (`filing.marker`): item → issue number."""
        found: dict[str, int] = {}
        url: str | None = f"{self.api}/repos/{repo}/issues"
        params: dict[str, str] | None = {"labels": label, "state": "all", "per_page": "100"}
        for _ in range(MAX_PAGES):
            if url is None:
                break
            response = await self.send("GET", url, repo, params=params)
            if response.status_code in (404, 410):
                raise TrackerError(f"GitHub: {repo}: no such repository, or {self.auth_hint}")
            for issue in self.json(response, repo):
                if isinstance(issue, dict) and (match := MARKER.search(str(issue.get("body") or ""))):
                    found.setdefault(match[1], int(issue["number"]))
            url, params = response.links.get("next", {}).get("url"), None
        return found

    async def create(self, repo: str, title: str, body: str, label: str, assignee: str | None) -> int:
        """File an issue; its number. An assignee GitHub refuses (422) is left out, and the issue filed."""
        payload: dict[str, object] = {"title": title, "body": body, "labels": [label]}
        if assignee:
            payload["assignees"] = [assignee]
        url = f"{self.api}/repos/{repo}/issues"
        response = await self.send("POST", url, repo, json=payload, accept=(422,))
        if response.status_code == 422 and assignee:
            payload.pop("assignees")
            response = await self.send("POST", url, repo, json=payload, accept=(422,))
        if response.status_code in (404, 410, 422):
            detail = self.json(response, repo).get("message", "") if response.status_code == 422 else ""
            raise TrackerError(
                f"GitHub: {repo}: cannot file an issue ({response.status_code}{': ' + detail if detail else ''}) — "
                "check the repository's name and that it has issues, and " + self.auth_hint
            )
        return int(self.json(response, repo)["number"])
