"""`mkdocs-postmortem sync` and `file-tickets`: the action items and the issue tracker.

The only commands that touch the network; `mkdocs build` reads what `sync` wrote into the state file.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from .text import plural, printable
from .tickets import TRACKER_NAMES

if TYPE_CHECKING:
    from .checker import Checker
    from .filing import Unfiled
    from .model import PostMortem
    from .project import Project
    from .rules import Context
    from .trackers.state import TicketState
    from .trackers.sync import Wanted

MAX_ERRORS_SHOWN = 10
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")

config_file_option = click.option(
    "-f", "--config-file", default="mkdocs.yml", show_default=True, metavar="FILE", help="The site's MkDocs config."
)


@dataclass(frozen=True)
class _Page:
    path: Path
    display: str
    text: str
    bom: bool
    postmortem: PostMortem


def _pages(project: Project, checker: Checker, only: tuple[Path, ...] = ()) -> list[_Page]:
    """The library's readable pages (or those of `only`), parsed as the build parses them."""
    from .cli import _library_paths, _read, _split
    from .fix import decode

    paths = _library_paths(project)
    if only:
        wanted = {p.resolve() for p in only}
        paths = {p: d for p, d in paths.items() if p.resolve() in wanted}
    readable, _ = _split(project, paths)
    pages = []
    for path, display in readable.items():
        source = _read(path)
        decoded = decode(source)
        if decoded is None:
            continue  # not UTF-8: `check` says so (PM001)
        pages.append(_Page(path, display, *decoded, checker.parse(display, source)))
    return pages


def _fail(errors: list[str], what: str) -> NoReturn:
    """Print the failures (the first few, then how many more) and stop with exit code 2."""
    for error in errors[:MAX_ERRORS_SHOWN]:
        click.echo(printable(error), err=True)
    if len(errors) > MAX_ERRORS_SHOWN:
        click.echo(f"… and {len(errors) - MAX_ERRORS_SHOWN} more", err=True)
    click.echo(what, err=True)
    raise SystemExit(2)


@click.command()
@config_file_option
@click.option("--concurrency", type=click.IntRange(1, 32), default=8, show_default=True, help="Requests at once.")
@click.option(
    "--timeout", type=click.FloatRange(0.1, 300), default=10.0, show_default=True, help="Seconds to wait for an answer."
)
@click.option(
    "--max-wait",
    type=click.FloatRange(0, 3600),
    default=60.0,
    show_default=True,
    help="Longest wait, in seconds, for a tracker's rate limit to reset; beyond it sync stops and says when to run again.",
)
def sync(config_file: str, concurrency: int, timeout: float, max_wait: float) -> None:
    """Fetch the state of every ticket the action items reference into the state file.

    Tokens come from the environment: GITHUB_TOKEN (and GITHUB_API_URL for GitHub Enterprise),
    GITLAB_TOKEN, JIRA_EMAIL with JIRA_API_TOKEN or JIRA_BEARER_TOKEN. The state file
    (`tickets: state_file`, beside mkdocs.yml) is written atomically and only when something changed;
    commit it with the docs, so that `mkdocs build` reads it without touching the network. Exit 2 on
    a network, authentication or rate-limit failure, with nothing written.
    """
    from .checker import Checker
    from .cli import _project
    from .trackers.base import Limits
    from .trackers.state import write_states
    from .trackers.sync import Wanted
    from .trackers.sync import sync as fetch

    project = _project(config_file, library=True)
    checker = Checker(project.settings, project.root, markdown_extensions=project.markdown_extensions)
    tickets = checker.context.tickets
    wanted: dict[str, Wanted] = {}
    unreachable: list[str] = []
    for page in _pages(project, checker):
        for item in page.postmortem.actions or []:
            ticket = tickets.ticket(item)
            if ticket is None or ticket.key in wanted:
                continue
            where = f"{page.display}:{item.line}"
            if ticket.tracker == "jira" and not (ticket.base or tickets.options.jira_url):
                unreachable.append(f"{where}: {ticket.text} is a Jira key, but no Jira is configured")
                continue
            wanted[ticket.key] = Wanted(ticket, where)
    if unreachable:
        _fail(
            unreachable,
            "set `tickets: jira_url` (e.g. https://acme.atlassian.net) in mkdocs.yml, or link the browse URLs; nothing synced",
        )
    state_file = project.root / tickets.options.state_file
    if not wanted and tickets.states is None:
        click.echo("no action item references a ticket: nothing to sync")
        return
    result = fetch(
        sorted(wanted.values(), key=lambda w: w.ticket.key),
        tickets.states,
        tickets.options,
        os.environ,
        Limits(timeout=timeout, max_wait=max_wait, concurrency=concurrency),
    )
    if result.errors:
        _fail(sorted(result.errors), f"sync failed: {tickets.options.state_file} left as it was")
    new = result.state_file(checker.context.today, tickets.states, max(1, tickets.options.max_age_days // 2))
    _report(wanted, result.states, tickets.states.tickets if tickets.states else {})
    if new is None:
        click.echo(f"no change: {tickets.options.state_file} left as it was")
        return
    write_states(state_file, new)
    click.echo(f"wrote {project.display(state_file)}")


def _report(wanted: dict[str, Wanted], states: dict[str, TicketState], before: dict[str, TicketState]) -> None:
    """`12 tickets synced (GitHub 9, Jira 3): 2 changed, 1 not found`."""
    by_tracker = Counter(TRACKER_NAMES[w.ticket.tracker] for w in wanted.values())
    trackers = ", ".join(f"{name} {count}" for name, count in sorted(by_tracker.items()))
    changed = sum(1 for key, state in states.items() if not state.same(before.get(key)))
    missing = sum(1 for state in states.values() if state.state == "missing")
    summary = f"{plural(len(states), 'ticket')} synced" + (f" ({trackers})" if trackers else "")
    summary += f": {changed} changed" + (f", {missing} not found" if missing else "")
    click.echo(summary)


@click.command("file-tickets")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@config_file_option
@click.option("--tracker", type=click.Choice(["github"]), required=True, help="The tracker to file them on.")
@click.option("--repo", required=True, metavar="ORG/REPO", help="The repository to file them in.")
@click.option("--label", help="The label they get (default: the `tickets: label` option, `postmortem`).")
@click.option("--dry-run", is_flag=True, help="Print the changes to the pages as a unified diff; file nothing.")
def file_tickets(
    paths: tuple[Path, ...], config_file: str, tracker: str, repo: str, label: str | None, dry_run: bool
) -> None:
    """File a ticket for every open action item without one, and write its reference into the item's
    Ticket cell (adding a Ticket column to a table that has none); nothing else in the page changes.

    Each ticket's title is the action; its body names the post-mortem, its severity, the due date and
    the item's row, and carries a hidden mark of the item, so running it twice files each item once.
    The owner is assigned where the people file gives their login (an alias `@login` or `github:login`).
    GITHUB_TOKEN needs to write issues (fine-grained: Issues read and write). With PATHS, only those pages.

    \b
    Examples:
      mkdocs-postmortem file-tickets --tracker github --repo acme/ops --dry-run
      mkdocs-postmortem file-tickets --tracker github --repo acme/ops
    """
    from .checker import Checker
    from .cli import ConfigProblem, _project
    from .filing import FilingError, Unfiled, issue_title, rewrite, unfiled, with_tickets
    from .library import action_anchors

    if not _REPO.fullmatch(repo):
        raise ConfigProblem(f"--repo: '{repo}' is not ORG/REPO")
    project = _project(config_file, library=True)
    checker = Checker(project.settings, project.root, markdown_extensions=project.markdown_extensions)
    context = checker.context
    label = label or context.tickets.options.label
    plans: list[tuple[_Page, list[Unfiled]]] = []
    problems: list[str] = []
    for page in _pages(project, checker, paths):
        pm = page.postmortem
        if pm.is_draft or pm.legacy or pm.skipped or project.is_draft_doc(page.path):
            continue
        items = pm.actions or []
        todo = [
            Unfiled(page.display, project.src_uri(page.path), item, anchor)
            for item, anchor in unfiled(items, action_anchors(items), context.tickets)
        ]
        if not todo:
            continue
        try:  # the page can take the references: found out before anything is filed
            rewrite(
                page.display, page.text, {u.item.line: f"{repo}#1" for u in todo}, context.template, context.tickets
            )
        except FilingError as exc:
            problems.append(str(exc))
            continue
        plans.append((page, todo))
    if problems:
        _fail(problems, "nothing filed")
    if not plans:
        click.echo("every open action item has a ticket: nothing to file", err=True)
        return
    count = sum(len(todo) for _, todo in plans)
    if dry_run:
        for page, todo in plans:
            new = with_tickets(page.text, {u.item.line: f"{repo}#NEW" for u in todo}, context.template)
            diff = difflib.unified_diff(
                page.text.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"a/{page.display}",
                f"b/{page.display}",
            )
            click.echo("".join(diff), nl=False)
            for u in todo:
                click.echo(printable(f"{page.display}:{u.item.line}: would file: {issue_title(u.item)}"), err=True)
        click.echo(f"would file {plural(count, 'ticket')} in {repo} (dry run: nothing filed or written)", err=True)
        return
    if not os.environ.get("GITHUB_TOKEN"):
        raise ConfigProblem(f"file-tickets: set GITHUB_TOKEN to a token that can write issues to {repo}")
    errors = asyncio.run(_file(project, plans, repo, label, context))
    if errors:
        _fail(errors, "file-tickets stopped: the tickets filed so far are written into their pages")


async def _file(
    project: Project, plans: list[tuple[_Page, list[Unfiled]]], repo: str, label: str, context: Context
) -> list[str]:
    """File the planned tickets, one at a time (as GitHub asks of requests that create content), writing
    each page's references once its items are filed; the failures, if any."""
    from .filing import FilingError, issue_body, issue_title, rewrite
    from .fix import write_text
    from .tickets import tracker_login
    from .trackers.base import Limits, TrackerError
    from .trackers.github import GitHub
    from .trackers.sync import client

    limits = Limits()
    async with client(limits) as http:
        github = GitHub(http, context.tickets.options, os.environ, limits)
        try:
            filed = await github.filed(repo, label)
        except TrackerError as exc:
            return [str(exc)]
        for page, todo in plans:
            references: dict[int, str] = {}
            failed: str | None = None
            meta = page.postmortem.meta
            for u in todo:
                number = filed.get(u.key)
                how = "found filed before:"
                if number is None:
                    site = project.site_url
                    link = (
                        f"{site.rstrip('/')}/{project.page_url(page.path)}#{u.anchor}"
                        if site
                        else f"`{page.display}`, line {u.item.line}"
                    )
                    title = page.postmortem.title or page.display
                    body = issue_body(u, title, meta, link)
                    assignee = tracker_login(u.item.owner, "github", context.owners) if u.item.owner else None
                    try:
                        number = await github.create(repo, issue_title(u.item), body, label, assignee)
                    except TrackerError as exc:
                        failed = str(exc)
                        break
                    how = "filed"
                references[u.item.line] = f"{repo}#{number}"
                click.echo(printable(f"{page.display}:{u.item.line}: {how} {repo}#{number} — {issue_title(u.item)}"))
            if references:
                try:
                    write_text(
                        page.path,
                        rewrite(page.display, page.text, references, context.template, context.tickets),
                        page.bom,
                    )
                except FilingError as exc:
                    return [str(exc)]
                except OSError as exc:
                    return [
                        f"{page.display}: cannot write it ({exc.strerror}); the tickets are filed: run file-tickets again"
                    ]
            if failed:
                return [failed]
    return []
