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
    commit it with the docs, so that `mkdocs build` reads it without touching the network; a broken
    one is read as empty and written anew. A token goes only to its tracker's configured server
    (`tickets: github_url`, `gitlab_url`, `jira_url`): tickets elsewhere, and Jira keys without a
    `jira_url`, are not synced (a warning here, PM428 in the build). Exit 2 on a network,
    authentication or rate-limit failure, with nothing written.
    """
    from .checker import Checker
    from .cli import _project
    from .tickets import reading_past_a_broken_state_file
    from .trackers.base import Limits
    from .trackers.state import write_states
    from .trackers.sync import Wanted
    from .trackers.sync import sync as fetch

    with reading_past_a_broken_state_file():
        project = _project(config_file, library=True)
        checker = Checker(project.settings, project.root, markdown_extensions=project.markdown_extensions)
    tickets = checker.context.tickets
    options, previous = tickets.options, tickets.states
    state_file = project.root / options.state_file
    if tickets.broken:
        click.echo(printable(f"warning: {tickets.broken}: read as empty, and written anew"), err=True)
    wanted: dict[str, Wanted] = {}
    skipped: dict[str, str] = {}
    for page in _pages(project, checker):
        for item in page.postmortem.actions or []:
            ticket = tickets.ticket(item)
            if ticket is None or ticket.key in wanted or ticket.key in skipped:
                continue
            where = f"{page.display}:{item.line}"
            if why := tickets.unsyncable(ticket):
                skipped[ticket.key] = f"warning: {where}: {why}: not synced (set `tickets: {ticket.tracker}_url`)"
                continue
            wanted[ticket.key] = Wanted(ticket, where)
    for warning in list(skipped.values())[:MAX_ERRORS_SHOWN]:
        click.echo(printable(warning), err=True)
    if len(skipped) > MAX_ERRORS_SHOWN:
        click.echo(f"… and {len(skipped) - MAX_ERRORS_SHOWN} more not synced", err=True)
    if not wanted and not skipped and not state_file.exists():
        click.echo("no action item references a ticket: nothing to sync")
        return
    result = fetch(
        sorted(wanted.values(), key=lambda w: w.ticket.key),
        previous,
        options,
        os.environ,
        Limits(timeout=timeout, max_wait=max_wait, concurrency=concurrency),
    )
    if result.errors:
        _fail(sorted(result.errors), f"sync failed: {options.state_file} left as it was")
    new = result.state_file(checker.context.today, previous, max(1, options.max_age_days // 2))
    _report(wanted, result.states, previous.tickets if previous else {})
    if new is None:
        click.echo(f"no change: {options.state_file} left as it was")
        return
    try:
        write_states(state_file, new)
    except OSError as exc:
        _fail(
            [f"{project.display(state_file)}: cannot write it ({exc.strerror or exc})"], "sync failed: nothing written"
        )
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
    from .filing import FilingError, Unfiled, issue_title, rewrite, split_lines, unfiled, with_tickets
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
                split_lines(page.text),
                split_lines(new),
                f"a/{page.display}",
                f"b/{page.display}",
            )
            click.echo("".join(diff), nl=False)
            for u in todo:
                click.echo(printable(f"{page.display}:{u.item.line}: would file: {issue_title(u.item)}"), err=True)
        click.echo(f"would file {plural(count, 'ticket')} in {repo} (dry run: nothing filed or written)", err=True)
        return
    if not os.environ.get("GITHUB_TOKEN", "").strip():
        raise ConfigProblem(f"file-tickets: set GITHUB_TOKEN to a token that can write issues to {repo}")
    errors = asyncio.run(_file(project, plans, repo, label, context))
    if errors:
        _fail(errors, "file-tickets stopped: the tickets filed so far are written into their pages")


async def _file(
    project: Project, plans: list[tuple[_Page, list[Unfiled]]], repo: str, label: str, context: Context
) -> list[str]:
    """File the planned tickets, one at a time (as GitHub asks of requests that create content), writing
    each page's references once its items are filed; the failures, if any."""
    from .filing import issue_body, issue_title
    from .tickets import tracker_login
    from .trackers.base import Limits, TrackerError
    from .trackers.github import GitHub
    from .trackers.sync import client

    limits = Limits()
    async with client(limits) as http:
        github = GitHub(http, context.tickets.options, os.environ, limits)
        try:
            github.check()
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
                        issue = await github.create(repo, issue_title(u.item), body, label, assignee)
                    except TrackerError as exc:
                        failed = str(exc)
                        break
                    number, how = issue.number, "filed"
                    if not issue.labelled:
                        failed = (
                            f"GitHub: {repo}#{number} was filed without the label '{label}' (GitHub drops a label the "
                            f"token may not set: it needs triage or write access to {repo}), and file-tickets finds "
                            f"the tickets it filed by that label — add the label to {repo}#{number}, or use such a "
                            "token, before running it again"
                        )
                references[u.item.line] = f"{repo}#{number}"
                click.echo(printable(f"{page.display}:{u.item.line}: {how} {repo}#{number} — {issue_title(u.item)}"))
                if failed:
                    break
            if references and (problem := _write(page, references, context)):
                return [problem]
            if failed:
                return [failed]
    return []


def _write(page: _Page, references: dict[int, str], context: Context) -> str | None:
    """Write the references into the page, when it is still as it was read; the failure, if any."""
    from .cli import _read
    from .filing import FilingError, rewrite
    from .fix import decode, write_text

    filed = ", ".join(references.values())
    try:
        if decode(_read(page.path)) != (page.text, page.bom):
            return (
                f"{page.display}: changed since file-tickets read it, so not written; its tickets are filed "
                f"({filed}): run file-tickets again, which finds them"
            )
        write_text(page.path, rewrite(page.display, page.text, references, context.template, context.tickets), page.bom)
    except FilingError as exc:
        return f"{exc}; its tickets are filed ({filed})"
    except (OSError, click.ClickException) as exc:
        why = exc.strerror if isinstance(exc, OSError) else exc.message
        return f"{page.display}: cannot write it ({why}); its tickets are filed ({filed}): run file-tickets again"
    return None
