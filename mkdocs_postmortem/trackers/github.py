"""GitHub (and GitHub Enterprise): the REST issues API, `GET /repos/{owner}/{repo}/issues/{number}`
(pull requests too), and filing issues for `file-tickets`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..filing import MARKER
from ..tickets import Ticket
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
    def server(self) -> str:
        """The API's address: GITHUB_API_URL, else that of `tickets: github_url` (`https://api.github.com`,
        or GitHub Enterprise's `https://github.example.com/api/v3`)."""
        if api := self.variable("GITHUB_API_URL", token=False):
            return api.rstrip("/")
        github = self.options.github_url
        return "https://api.github.com" if github == "https://github.com" else f"{github}/api/v3"

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token := self.variable("GITHUB_TOKEN"):
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def issue_url(self, ticket: Ticket) -> str:
        return f"{self.server}/repos/{ticket.project}/issues/{ticket.number}"

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
        url = f"{self.server}/repos/{repo}/issues"
        params: dict[str, str] | None = {"labels": label, "state": "all", "per_page": "100"}
        for _ in range(MAX_PAGES):
            response = await self.send("GET", url, repo, params=params)
            if response.status_code in (404, 410):
                raise TrackerError(f"GitHub: {repo}: no such repository, or {self.auth_hint}")
            issues = self.json(response, repo)
            if not isinstance(issues, list):
                raise TrackerError(f"GitHub: {repo}: the list of issues is not a list as GitHub's API gives one")
            for issue in issues:
                if isinstance(issue, dict) and (match := MARKER.search(str(issue.get("body") or ""))):
                    found.setdefault(match[1], self.number(issue, repo))
            following = response.links.get("next", {}).get("url")
            if following is None:
                return found
            url, params = following, None
        raise TrackerError(
            f"GitHub: {repo}: more than {MAX_PAGES * 100} issues carry the label '{label}', more than file-tickets "
            "reads to find those it filed before — give its tickets a label of their own (--label)"
        )

    async def create(self, repo: str, title: str, body: str, label: str, assignee: str | None) -> Filed:
        """File an issue. An assignee GitHub refuses (422) is left out, and the issue filed."""
        payload: dict[str, object] = {"title": title, "body": body, "labels": [label]}
        if assignee:
            payload["assignees"] = [assignee]
        url = f"{self.server}/repos/{repo}/issues"
        response = await self.send("POST", url, repo, json=payload, accept=(422,))
        if response.status_code == 422 and assignee:
            payload.pop("assignees")
            response = await self.send("POST", url, repo, json=payload, accept=(422,))
        if response.status_code in (404, 410, 422):
            answer = self.json(response, repo) if response.status_code == 422 else None
            detail = str(answer.get("message") or "") if isinstance(answer, dict) else ""
            raise TrackerError(
                f"GitHub: {repo}: cannot file an issue ({response.status_code}{': ' + detail if detail else ''}) — "
                "check the repository's name and that it has issues, and " + self.auth_hint
            )
        issue = self.json(response, repo)
        labels = issue.get("labels") if isinstance(issue, dict) else None
        names = (
            {str(x.get("name") if isinstance(x, dict) else x) for x in labels} if isinstance(labels, list) else set()
        )
        return Filed(self.number(issue, repo), label in names)

    def number(self, issue: object, repo: str) -> int:
        """An issue's number from GitHub's answer; TrackerError when it has none."""
        number = issue.get("number") if isinstance(issue, dict) else None
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise TrackerError(f"GitHub: {repo}: the answer is not an issue as GitHub's API describes one (no number)")
        return number


@dataclass(frozen=True)
class Filed:
    """An issue filed: its number, and whether it has the label (GitHub drops labels, without a word,
    that the token may not set: file-tickets finds the issues it filed by it)."""

    number: int
    labelled: bool
