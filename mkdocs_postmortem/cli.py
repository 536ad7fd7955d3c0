"""`mkdocs-postmortem`: the same core as the plugin, for editors, pre-commit and CI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import multiprocessing
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from .checker import Checked, Checker, ConfigError, check_files
from .dates import WRITE_UP_BUSINESS_DAYS, resolve_today, write_up_deadline
from .model import ActionState, Finding, FrontMatter, Level, Severity, front_matter_schema, normalise_severity
from .people import fold
from .project import OUTSIDE_DOCS, DocsBoundary, Project, load_project
from .report import as_github, as_json, as_sarif, as_text, spreadsheet_safe
from .rules import RULES, reference_table

if TYPE_CHECKING:
    from .library import ActionRef, Library

PARALLEL_FROM = 200  # pages: below this, a second process costs more than it saves


class ConfigProblem(click.ClickException):
    """A usage or configuration problem: message on stderr, exit code 2."""

    exit_code = 2


def _project(config_file: str) -> Project:
    try:
        return load_project(config_file)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigProblem(f"{path}: cannot read it ({exc.strerror})") from None


def _library_paths(project: Project, extra: Iterable[Path] = ()) -> dict[Path, str]:
    """Every post-mortem of the library, and any other named on the command line → its display path."""
    return {path: project.display(path) for path in dict.fromkeys([*project.sources(), *extra])}


def _check_library(project: Project, paths: dict[Path, str]) -> dict[Path, Checked]:
    refused = {paths[p]: OUTSIDE_DOCS for p in _refused(project, paths)}
    sources = {display: _read(p) for p, display in paths.items() if display not in refused}
    results = Checker(project.settings, project.root).check_all(sources, refused)
    return {path: results[display] for path, display in paths.items()}


def _refused(project: Project, paths: Iterable[Path]) -> list[Path]:
    """Post-mortems that lie, links resolved, outside docs_dir (a linked file or folder): reported, never read."""
    boundary = DocsBoundary(project.docs_dir)
    return [p for p in paths if boundary.outside(p)]


def _library_findings(project: Project, paths: dict[Path, str]) -> dict[Path, list[Finding]]:
    """Every page's findings; a large library is checked by two processes at once."""
    if len(paths) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return {path: checked.findings for path, checked in _check_library(project, paths).items()}
    for path in paths:
        if not os.access(path, os.R_OK):
            _read(path)  # the same clear message and exit code as a small library gets
    refused = set(_refused(project, paths))
    found = check_files(
        project.settings,
        str(project.root),
        {display: str(p) for p, display in paths.items() if p not in refused},
        {paths[p]: OUTSIDE_DOCS for p in refused},
    )
    return {path: found[display] for path, display in paths.items()}


def _library(project: Project, checked: dict[Path, Checked]) -> Library:
    from .library import Entry, Library  # only `actions` builds the library: `check` does without it

    entries = [
        Entry(result.postmortem, result.findings, project.src_uri(path), _page_url(project, path))
        for path, result in checked.items()
    ]
    return Library(entries, today=resolve_today(project.settings.today))


def _page_url(project: Project, path: Path) -> str:
    return f"{Path(project.src_uri(path)).with_suffix('').as_posix()}/"


config_option = click.option(
    "-f", "--config-file", default="mkdocs.yml", show_default=True, metavar="FILE", help="The site's MkDocs config."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mkdocs-postmortem", prog_name="mkdocs-postmortem")
def cli() -> None:
    """Write, check and track blameless post-mortems of AI-agent incidents.

    Reads the `postmortem` plugin's options from mkdocs.yml, so the command line and
    `mkdocs build` apply the same rules at the same levels.
    """


@cli.command()
@click.option("--agent", required=True, help="The Agent ID, a lowercase slug.")
@click.option("--severity", required=True, help="Sev-1, Sev-2 or Sev-3.")
@click.option("--incident-date", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD.")
@click.option("--title", help="A title for the library's lists (default: the H1).")
@click.option("--author", default="", help="Who writes it up (default: $USER).")
@config_option
def new(agent: str, severity: str, incident_date: dt.datetime, title: str | None, author: str, config_file: str) -> None:
    """Scaffold a draft post-mortem from the blank template.

    The file is `<dir>/YYYY-MM-DD-<agent>.md` with its front matter filled in and
    `status: draft`. It fails `check` until every placeholder is replaced.

    \b
    Example:
      mkdocs-postmortem new --agent finance-invoice-recon --severity Sev-2 --incident-date 2026-08-14
    """
    import frontmatter  # only `new` writes front matter and renders the scaffold

    from .render import environment

    project = _project(config_file)
    try:
        level = Severity(normalise_severity(severity))
    except PydanticCustomError as exc:
        raise ConfigProblem(f"--severity: {exc.message()}") from None
    today = resolve_today(project.settings.today)
    metadata = {
        "agent": agent,
        "severity": level.value,
        "incident_date": incident_date.date(),
        "date": today,
        "author": author or os.environ.get("USER", "") or "CoE Lead",
        "status": "draft",
        **({"title": title} if title else {}),
    }
    try:
        FrontMatter.model_validate({**metadata, "incident_date": metadata["incident_date"].isoformat(), "date": today.isoformat()})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigProblem(f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}") from None

    target = project.folder / f"{incident_date:%Y-%m-%d}-{agent}.md"
    body = environment(markdown=True).get_template("postmortem.md").render(agent=agent, severity=level.value, incident_date=f"{incident_date:%Y-%m-%d}")
    text = frontmatter.dumps(frontmatter.Post(body, **metadata), sort_keys=False) + "\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        click.echo(f"Error: {project.display(target)} already exists; it was left untouched.", err=True)
        sys.exit(1)
    click.echo(f"Created {project.display(target)} (status: draft).")
    deadline = write_up_deadline(level, incident_date.date(), project.settings.holidays)
    if deadline:
        days = WRITE_UP_BUSINESS_DAYS[level]
        click.echo(f"Write-up due by {deadline.isoformat()} ({days} business days after the incident, {level.value}).")
    else:
        click.echo("Sev-3: a post-mortem is optional and has no write-up deadline.")
    click.echo("Replace every [placeholder], then run `mkdocs-postmortem check`.")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@config_option
@click.option(
    "--format", "output", type=click.Choice(["text", "json", "github", "sarif"]),
    help="Output format (default: text, or github when GITHUB_ACTIONS=true).",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (also when mkdocs.yml sets `strict: true`).")
def check(paths: tuple[Path, ...], config_file: str, output: str | None, strict: bool) -> None:
    """Validate post-mortems without building the site.

    With no PATHS, checks the whole library. With PATHS (files or folders), reports
    on those only, reading the rest of the library where a rule needs it.

    \b
    Exit codes: 0 clean, 1 errors (or warnings with --strict), 2 usage or config error.
    Examples:
      mkdocs-postmortem check
      mkdocs-postmortem check docs/postmortems/2026-08-14-finance-invoice-recon.md --format github
    """
    project = _project(config_file)
    selected: list[Path] = []
    for path in paths:
        if not path.exists():
            raise ConfigProblem(f"{path}: no such file or folder")
        if path.is_dir():
            selected += [p for p in project.sources() if p.resolve().is_relative_to(path.resolve())]
        else:
            selected.append(path)
    library = _library_paths(project, selected)
    found = _library_findings(project, library)
    keep = {library[p] for p in selected} if paths else None
    results = [findings for p, findings in found.items() if keep is None or library[p] in keep]
    findings = [f for result in results for f in result]

    output = output or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if output == "json":
        click.echo(as_json(findings))
    elif output == "github":
        if findings:
            click.echo(as_github(findings))
    elif output == "sarif":
        rules = [(r.id, r.slug, r.level, r.doc) for r in sorted(RULES.values(), key=lambda r: r.id)]
        from importlib.metadata import version

        click.echo(as_sarif(findings, rules, version("mkdocs-postmortem")))
    else:
        click.echo(as_text(findings, len(results)))

    failing = {Level.ERROR} | ({Level.WARNING} if strict or project.strict else set())
    sys.exit(1 if any(f.level in failing for f in findings) else 0)


@cli.command()
@config_option
@click.option("--owner", help="Only this owner's items (case and spacing ignored).")
@click.option("--agent", help="Only this agent's items.")
@click.option("--overdue", is_flag=True, help="Only items past their due date.")
@click.option("--due-before", type=click.DateTime(["%Y-%m-%d"]), help="Only items due before this date.")
@click.option("--include-drafts", is_flag=True, help="Also list items of draft post-mortems.")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def actions(
    config_file: str,
    owner: str | None,
    agent: str | None,
    overdue: bool,
    due_before: dt.datetime | None,
    include_drafts: bool,
    output: str,
) -> None:
    """List open and in-progress action items, soonest due first.

    \b
    Examples:
      mkdocs-postmortem actions --overdue
      mkdocs-postmortem actions --owner "priya raman" --format csv > mine.csv
    """
    project = _project(config_file)
    library = _library(project, _check_library(project, _library_paths(project)))
    refs = [
        ref for ref in library.open_actions
        if (include_drafts or not ref.entry.postmortem.is_draft)
        and (owner is None or fold(ref.owner) == fold(library.owner(owner)))
        and (agent is None or (ref.entry.postmortem.meta and ref.entry.postmortem.meta.agent == agent))
        and (not overdue or ref.overdue_days is not None)
        and (due_before is None or (ref.item.due_date is not None and ref.item.due_date < due_before.date()))
    ]
    rows = [_action_row(ref) for ref in refs]
    if output == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif output == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=ACTION_COLUMNS)
        writer.writeheader()
        writer.writerows({key: spreadsheet_safe(str(value if value is not None else "")) for key, value in row.items()} for row in rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(_table(rows) if rows else "No open action items match.")


ACTION_COLUMNS = ["owner", "due", "days_overdue", "status", "action", "agent", "postmortem"]


def _action_row(ref: ActionRef) -> dict[str, object]:
    meta = ref.entry.postmortem.meta
    return {
        "owner": ref.owner,
        "due": ref.item.due_date.isoformat() if ref.item.due_date else ref.item.due,
        "days_overdue": ref.overdue_days,
        "status": ActionState.label(ref.item.state),
        "action": ref.item.action,
        "agent": meta.agent if meta else "",
        "postmortem": ref.entry.path,
    }


def _table(rows: list[dict[str, object]]) -> str:
    columns = ["owner", "due", "days_overdue", "action", "postmortem"]
    headers = {"owner": "OWNER", "due": "DUE", "days_overdue": "OVERDUE", "action": "ACTION", "postmortem": "POST-MORTEM"}
    cells = [
        [_short(Path(str(row[c])).name if c == "postmortem" else str(row[c] if row[c] is not None else ""), 60)
         for c in columns]
        for row in rows
    ]
    widths = [max(len(headers[c]), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(headers[c].ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(lines)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
def schema() -> None:
    """Print the front matter's JSON Schema (the one the site exports), for editors."""
    click.echo(json.dumps(front_matter_schema(), indent=2))


@cli.command()
def rules() -> None:
    """Print the rule reference (id, slug, default level, what it checks) as Markdown."""
    click.echo(reference_table())


def main() -> None:
    """The console script: a bug of ours is reported as such (exit 3), never as a traceback."""
    try:
        cli(prog_name="mkdocs-postmortem")
    except Exception as exc:  # noqa: BLE001
        click.echo(
            f"mkdocs-postmortem: internal error ({type(exc).__name__}: {exc}) — please report a bug", err=True
        )
        sys.exit(3)
