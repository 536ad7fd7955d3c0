"""`mkdocs-postmortem`: the same core as the plugin, for editors, pre-commit and CI."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, get_args

import click
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from .checker import Checked, Checker, ConfigError
from .cli_tickets import file_tickets, sync
from .dates import TodayError, business_days_between, resolve_today, write_up_deadline
from .folders import misplaced
from .limits import read_page
from .manifest import written_files
from .model import FrontMatter, Level, PostMortem, front_matter_schema
from .people import fold
from .profile import AiProfile, Autonomy, Deployment, Harm, profile_matches
from .project import Project, load_project
from .report import FORMATS, Report
from .rules import RULES
from .runner import check_files
from .template import Template, default_template
from .text import plural, printable

if TYPE_CHECKING:
    from .library import Entry
    from .render.exports import ActionRow

PARALLEL_FROM = 200  # pages: below this, a second process costs more than it saves


class ConfigProblem(click.ClickException):
    """A usage or configuration problem: message on stderr, exit code 2."""

    exit_code = 2


def _project(config_file: str, library: bool = False) -> Project:
    """The project of `config_file`; with `library`, say (as the build does) when it has no post-mortem folder."""
    try:
        project = load_project(config_file)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None
    for note in project.settings.deprecations():
        click.echo(f"{project.display(project.config_file)}: plugins: postmortem: {note}", err=True)
    if library and not project.folders():
        if warning := _misplaced(project):
            click.echo(f"warning: {warning}", err=True)
        else:
            click.echo(
                f"no folder of docs_dir matches '{project.settings.dir}', so no post-mortem library (the plugin's "
                "`dir` option names it)",
                err=True,
            )
    return project


def _misplaced(project: Project) -> str | None:
    """When `dir` matches no folder, the warning that says where post-mortems are instead (None when none are)."""
    if project.folders():
        return None
    elsewhere = project.elsewhere()
    return misplaced(project.settings.dir, elsewhere) if elsewhere else None


def _new_folder(project: Project, folder: Path | None) -> Path:
    """Where `new` writes: the folder given, which must be one the site builds as post-mortems; else `dir`."""
    if folder is None:
        if project.settings.folders.wildcard:
            examples = ", ".join(project.display(f) for f in project.folders()[:2]) or "team-a/postmortems"
            raise ConfigProblem(
                f"`dir` is the pattern '{project.settings.dir}': say which folder with --folder (e.g. {examples})"
            )
        return project.docs_dir / project.settings.dir
    if project.skips(folder / "x.md"):
        raise ConfigProblem(f"{folder}: not a post-mortem folder of the site (`dir` is '{project.settings.dir}')")
    return folder


def _read(path: Path) -> bytes:
    """A page's bytes within the size limit (a larger file is not read: `limits.read_page`)."""
    try:
        return read_page(path)
    except OSError as exc:
        raise ConfigProblem(f"{path}: cannot read it ({exc.strerror})") from None


def _profile(pm: PostMortem) -> AiProfile | None:
    return pm.meta.ai if pm.meta else None


def _library_paths(project: Project, extra: Iterable[Path] = ()) -> dict[Path, str]:
    """Every post-mortem of the library, the files the build refuses (`Project.refusals`), and any other
    named on the command line → its display path. The pages and exports `write-library` wrote there are
    not post-mortems, and are left out."""
    ours = written_files(project.folder)
    found = [path for path in [*project.sources(), *project.refusals()] if os.path.abspath(path) not in ours]
    return {path: project.display(path) for path in dict.fromkeys([*found, *extra])}


def _checker(project: Project) -> Checker:
    """A checker with the project's options and Markdown extensions, as the build makes one."""
    return Checker(project.settings, project.root, markdown_extensions=project.markdown_extensions, persist=True)


def _split(project: Project, paths: dict[Path, str]) -> tuple[dict[Path, str], dict[str, str]]:
    """The pages to read (path → display path), and those refused unread (display path → why), as the
    build refuses them (`Project.refusals`): outside docs_dir, not a regular file, a folder link that
    loops, a file where the library's pages or exports go."""
    why = project.refusals(paths)
    refused = {display: why[p] for p, display in paths.items() if p in why}
    return {p: display for p, display in paths.items() if display not in refused}, refused


def _check_library(checker: Checker, project: Project, paths: dict[Path, str]) -> dict[Path, Checked]:
    """Every page read here and checked knowing all the others."""
    readable, refused = _split(project, paths)
    results = checker.check_all({display: _read(p) for p, display in readable.items()}, refused)
    return {path: results[display] for path, display in paths.items()}


def _library_findings(project: Project, paths: dict[Path, str]) -> dict[Path, Checked]:
    """Every page's findings (with what the library rules read of it, and whether it is legacy), each
    page checked knowing all the others, whether `check` reports on one of them or on all; a large
    library is checked by two processes at once."""
    checker = _checker(project)
    if len(paths) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return _check_library(checker, project, paths)
    readable, refused = _split(project, paths)
    sources = {display: _read(p) for p, display in readable.items()}
    if checker.uncached(sources) < PARALLEL_FROM:  # the persistent cache has (nearly) all: no second process
        view = checker.library_view()  # of each page, only what the library rules read is kept
        pages = {
            display: Checked(checked.postmortem.view(*view), checked.findings)
            for display, source in sources.items()
            for checked in checker.check_pages({display: source}).values()
        }
        results = checker.check_library(pages | checker.check_pages({}, refused))
        return {path: results[display] for path, display in paths.items()}
    for path in readable:
        if not os.access(path, os.R_OK):
            _read(path)  # the same clear message and exit code as a small library gets
    found = check_files(
        project.settings,
        str(project.root),
        {display: str(p) for p, display in readable.items()},
        refused,
        project.markdown_extensions,
        persist=True,
    )
    return {path: found[display] for path, display in paths.items()}


def _entries(project: Project, checked: dict[Path, Checked], include_drafts: bool) -> list[Entry]:
    """The pages a build puts in its library: read and rendered, and not drafts (`status: draft` or
    MkDocs' `draft_docs`) unless asked for."""
    from .library import Entry  # only `actions` builds the library: `check` does without it

    return [
        Entry(
            result.postmortem,
            result.findings,
            project.src_uri(path),
            project.page_url(path),
            area=project.settings.folders.team(project.src_uri(path)),
        )
        for path, result in checked.items()
        if not result.postmortem.skipped
        and not any(problem.kind == "unreadable" for problem in result.postmortem.meta_problems)
        and (include_drafts or not (result.postmortem.is_draft or project.is_draft_doc(path)))
    ]


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
@click.option(
    "--severity", required=True, help="A severity of the template: Sev-1, Sev-2 or Sev-3 in the CoE template."
)
@click.option("--incident-date", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD.")
@click.option("--title", help="A title for the library's lists (default: the H1).")
@click.option("--author", default="", help="Who writes it up (default: $USER).")
@click.option(
    "--folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="The post-mortem folder to write into (needed when `dir` is a pattern such as `*/postmortems`).",
)
@config_option
def new(
    agent: str,
    severity: str,
    incident_date: dt.datetime,
    title: str | None,
    author: str,
    folder: Path | None,
    config_file: str,
) -> None:
    """Scaffold a draft post-mortem from the blank template (the site's own, with `template:`).

    The file is `<dir>/YYYY-MM-DD-<agent>.md` with its front matter filled in and
    `status: draft`. It fails `check` until every placeholder is replaced.

    \b
    Example:
      mkdocs-postmortem new --agent finance-invoice-recon --severity Sev-2 --incident-date 2026-08-14
    """
    import frontmatter  # only `new` writes front matter

    # Everything is validated and worked out first: the file is written only when nothing can fail after.
    project = _project(config_file)
    template = project.settings.post_mortem_template(project.root)
    try:
        level = template.severity(severity)
    except PydanticCustomError as exc:
        raise ConfigProblem(f"--severity: {exc.message()}") from None
    try:
        today = resolve_today(project.settings.today)
    except TodayError as exc:
        raise ConfigProblem(str(exc)) from None
    given = {
        "agent": agent,
        "severity": level,
        "incident_date": incident_date.date().isoformat(),
        "date": today.isoformat(),
        "author": author or os.environ.get("USER", "") or "CoE Lead",
        "status": "draft",
        **({"title": title} if title else {}),
    }
    try:
        meta = FrontMatter.model_validate(given, context={"template": template})
    except ValidationError as exc:
        raise ConfigProblem(
            "; ".join(f"--{str(error['loc'][0]).replace('_', '-')}: {error['msg']}" for error in exc.errors())
        ) from None
    metadata = {
        "agent": meta.agent,
        "severity": meta.severity,
        "incident_date": meta.incident_date,
        "date": meta.date,
        "author": meta.author,
        "status": "draft",
        **({"title": meta.title} if meta.title else {}),
    }
    incident = meta.incident_date.isoformat()
    target = _new_folder(project, folder) / f"{incident}-{meta.agent}.md"
    body = template.blank_page(meta.agent, level, incident)
    text = frontmatter.dumps(frontmatter.Post(body, handler=None, **metadata), sort_keys=False) + "\n"
    days_allowed = template.write_up_days(level)
    deadline = write_up_deadline(meta.incident_date, days_allowed, project.settings.holidays)
    late = business_days_between(deadline, today, project.settings.holidays) if deadline and deadline < today else 0

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigProblem(
            f"{project.display(target.parent)}: cannot make the folder ({exc.strerror or exc})"
        ) from None
    try:
        with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        click.echo(f"Error: {project.display(target)} already exists; it was left untouched.", err=True)
        sys.exit(1)
    except OSError as exc:
        raise ConfigProblem(f"{project.display(target)}: cannot write it ({exc.strerror or exc})") from None
    click.echo(f"Created {project.display(target)} (status: draft).")
    if deadline:
        days = f"{days_allowed} business days after the incident, {level}"
        if deadline < today:
            ago = plural(late, "business day") if late else plural((today - deadline).days, "day")
            click.echo(
                f"Write-up was due by {deadline.isoformat()} ({days}): {ago} ago — record why once, as "
                '`late_reason: "…"` in the front matter (shown on its card and in the quarterly review).'
            )
        else:
            click.echo(f"Write-up due by {deadline.isoformat()} ({days}).")
    else:
        click.echo(f"{level}: a post-mortem is optional and has no write-up deadline.")
    click.echo("Replace every [placeholder], then run `mkdocs-postmortem check`.")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="Folder to write into (default: the post-mortem folder).")
@click.option(
    "--agent", help="The Agent ID for every page imported (default: read from each page, else a placeholder)."
)
@click.option(
    "--severity", help="The severity for every page imported (default: read from each page, else a placeholder)."
)
@config_option
def import_(
    paths: tuple[Path, ...], out: Path | None, agent: str | None, severity: str | None, config_file: str
) -> None:
    """Bring existing post-mortems (Markdown files or folders of them) into the template's shape.

    Each page is written anew, every sentence of the original kept: front matter inferred from the
    file name, the title, `Date:`/`Author:` lines, the file's git history and words such as `SEV-2`;
    sections mapped by their headings (what fits none goes under "Other notes"); timelines, action
    items and whys rewritten as the template's tables and Q/A pairs. What could not be inferred is
    a placeholder that `check` reports. The originals are left as they are, and no file is ever
    overwritten.

    \b
    Exit codes: 0 all imported, 1 a file could not be read or its new name is taken, 2 usage error.
    Example:
      mkdocs-postmortem import old-postmortems/ --out docs/postmortems
    """
    from .importer import ImportOptionError, git_author, import_page  # only `import` reads other styles

    project = _project(config_file)
    template = project.settings.post_mortem_template(project.root)
    today = resolve_today(project.settings.today)
    folder = out if out is not None else project.folder
    failed = False
    for source in _import_sources(paths):
        shown = printable(str(source))
        try:
            text = source.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            click.echo(f"Error: {shown}: cannot read it ({getattr(exc, 'strerror', None) or exc})", err=True)
            failed = True
            continue
        try:
            imported = import_page(
                text,
                file_name=source.name,
                template=template,
                agent=agent,
                severity=severity,
                author=git_author(source),
                today=today,
            )
        except ImportOptionError as exc:
            raise ConfigProblem(str(exc)) from None
        target = folder / imported.suggested_name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite
                handle.write(imported.text)
        except FileExistsError:
            click.echo(f"Error: {shown}: {printable(str(target))} already exists; it was left untouched.", err=True)
            failed = True
            continue
        except OSError as exc:
            raise ConfigProblem(f"{printable(str(target))}: cannot write it ({exc.strerror or exc})") from None
        click.echo(f"Imported {shown} → {printable(str(target))}")
        for line in imported.inferred:
            click.echo(f"  inferred: {printable(line)}")
        for line in imported.todo:
            click.echo(f"  to do: {printable(line)}")
    if failed:
        sys.exit(1)


def _import_sources(paths: tuple[Path, ...]) -> list[Path]:
    """The Markdown files named, and those in the folders named (in name order); a missing path is a usage error."""
    sources: list[Path] = []
    for path in paths:
        if path.is_dir():
            sources += sorted(p for p in path.rglob("*.md") if p.is_file())
        elif path.exists():
            sources.append(path)
        else:
            raise ConfigProblem(f"{printable(str(path))}: no such file or folder")
    return sources


def profile_filters(command: Callable[..., None]) -> Callable[..., None]:
    """`--harm`, `--autonomy` and `--deployment`: only post-mortems whose `ai:` profile says so."""
    for name, choices, what in reversed(
        (
            ("--harm", [str(h) for h in Harm], "this harm, actual or potential"),
            ("--autonomy", list(get_args(Autonomy)), "this autonomy"),
            ("--deployment", list(get_args(Deployment)), "this deployment"),
        )
    ):
        command = click.option(
            name, type=click.Choice(choices), help=f"Only post-mortems whose `ai:` profile records {what}."
        )(command)
    return command


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@config_option
@profile_filters
@click.option(
    "--format",
    "output",
    type=click.Choice(list(FORMATS)),
    help="Output format (default: text, or github when GITHUB_ACTIONS=true).",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (also when mkdocs.yml sets `strict: true`).")
@click.option(
    "--fix", is_flag=True, help="Apply the mechanical fixes (blank lines MkDocs needs, list indents), then check."
)
@click.option(
    "--diff", is_flag=True, help="Show the fixes --fix would make as a diff, and write nothing (exit 1 if any)."
)
def check(
    paths: tuple[Path, ...],
    config_file: str,
    output: str | None,
    strict: bool,
    fix: bool,
    diff: bool,
    harm: str | None,
    autonomy: str | None,
    deployment: str | None,
) -> None:
    """Validate post-mortems without building the site.

    With no PATHS, checks the whole library. With PATHS (files or folders), reports
    on those only, reading the rest of the library where a rule needs it. Files of
    docs_dir that the site does not build as post-mortems (`exclude_docs`) are skipped.

    --fix rewrites only the lines a fixable finding names (PM003, PM004), keeps
    line endings and encoding, writes each file atomically and prints each fix;
    the check then runs on the fixed files.

    \b
    Exit codes: 0 clean, 1 errors (or warnings with --strict), 2 usage or config error.
    Examples:
      mkdocs-postmortem check
      mkdocs-postmortem check --fix
      mkdocs-postmortem check docs/postmortems/2026-08-14-finance-invoice-recon.md --format github
      mkdocs-postmortem check --harm health --autonomy acts_autonomously
    """
    project = _project(config_file, library=True)
    selected: list[Path] = []
    ours = written_files(project.folder)  # the pages `write-library` wrote: not post-mortems
    for path in paths:
        if not path.exists():
            raise ConfigProblem(f"{path}: no such file or folder")
        if path.is_dir():
            selected += [
                p
                for p in project.sources()
                if p.resolve().is_relative_to(path.resolve()) and os.path.abspath(p) not in ours
            ]
        elif project.skips(path):  # as the build does: pre-commit names every changed file of the folder
            click.echo(
                f"{path}: not checked: the site does not build it as a post-mortem (outside "
                f"`{project.settings.dir}`, `exclude_docs`, or an index or README)",
                err=True,
            )
        elif os.path.abspath(path) in ours:
            click.echo(f"{path}: not checked: `mkdocs-postmortem write-library` wrote it", err=True)
        else:
            selected.append(path)
    library = _library_paths(project, selected)
    output = output or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if fix or diff:
        changed = _fix(
            project, [p for p in library if not paths or p in selected], write=not diff, quiet=output != "text"
        )
        if diff:
            sys.exit(1 if changed else 0)
    found = _library_findings(project, library)
    keep = {library[p] for p in selected} if paths else None
    results = [
        checked
        for p, checked in found.items()
        if (keep is None or library[p] in keep)
        and profile_matches(_profile(checked.postmortem), harm, autonomy, deployment)
    ]
    findings = [f for result in results for f in result.findings]
    legacy = sum(1 for result in results if result.postmortem.legacy)

    text = FORMATS[output](Report(findings, len(results), list(RULES), legacy))
    if text:
        click.echo(text)

    failing = {Level.ERROR} | ({Level.WARNING} if strict or project.strict else set())
    misplaced_library = (strict or project.strict) and not paths and _misplaced(project) is not None
    sys.exit(1 if misplaced_library or any(f.level in failing for f in findings) else 0)


def _fix(project: Project, paths: list[Path], write: bool, quiet: bool) -> int:
    """Fix each page (or, without `write`, print the diff of the fixes); returns how many pages change.
    Each fix is listed on standard output, or on standard error when it carries JSON, SARIF or GitHub's
    commands (`quiet`)."""
    from .fix import decode, fix_text, write_text

    checker = _checker(project)
    readable, _ = _split(project, {path: project.display(path) for path in paths})
    changed = 0
    for path in paths:
        decoded = decode(_read(path)) if path in readable else None
        if decoded is None:
            continue  # not UTF-8, or a link out of docs_dir: the check reports it, nothing is fixed
        text, bom = decoded
        display = project.display(path)
        fixed = fix_text(checker, display, text)
        if not fixed.applied:
            continue
        if not write:
            changed += 1
            click.echo(fixed.diff(display), nl=False)
            continue
        if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
            click.echo(f"{printable(display)}: not fixed: the file is read-only", err=True)
            continue
        changed += 1
        write_text(path, fixed.fixed, bom)
        for applied in fixed.applied:
            click.echo(f"{printable(display)}:{applied.line}: {applied.rule} fixed: {applied.description}", err=quiet)
    click.echo(f"{plural(changed, 'file')} {'changed' if write else 'would change'} by fixes", err=True)
    return changed


TABLE_HEADERS = ("OWNER", "DUE", "OVERDUE", "ACTION", "POST-MORTEM")


def _table(rows: list[ActionRow]) -> str:
    """The rows for a terminal: the due cell as written, the post-mortem by its file name; each cell on
    one line, its control characters shown as escapes (`printable`), so no cell drives the terminal.
    A TICKET column (the ticket and its state at the last sync) follows when any item has a ticket."""
    tickets = any(row.ticket for row in rows)
    headers = (*TABLE_HEADERS, "TICKET") if tickets else TABLE_HEADERS
    cells = [
        [
            _short(printable(text), 60)
            for text in (
                row.owner,
                row.due_text or (row.due.isoformat() if row.due else ""),
                "" if row.days_overdue is None else str(row.days_overdue),
                row.action,
                Path(row.path).name,
                *([f"{row.ticket} ({row.ticket_state})" if row.ticket_state else row.ticket] if tickets else []),
            )
        ]
        for row in rows
    ]
    widths = [max(len(header), *(len(line[i]) for line in cells)) for i, header in enumerate(headers)]
    lines = ["  ".join(header.ljust(w) for header, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(lines)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _rows_table(rows: list[ActionRow]) -> str:
    return _table(rows) + "\n" if rows else "No open action items match.\n"


def _rows_csv(rows: list[ActionRow]) -> str:
    from .render.exports import action_rows_csv  # only `actions` imports the renderer

    return action_rows_csv(rows)


def _rows_json(rows: list[ActionRow]) -> str:
    from .render.exports import action_rows_json

    return action_rows_json(rows) + "\n"


ACTION_FORMATS: dict[str, Callable[[list[ActionRow]], str]] = {
    "table": _rows_table,
    "csv": _rows_csv,
    "json": _rows_json,
}
"""`actions --format NAME` → the rows as that text, ending with a newline."""


@cli.command()
@config_option
@profile_filters
@click.option("--owner", help="Only this owner's items (case and spacing ignored).")
@click.option("--agent", help="Only this agent's items.")
@click.option("--overdue", is_flag=True, help="Only items past their due date.")
@click.option("--due-before", type=click.DateTime(["%Y-%m-%d"]), help="Only items due before this date.")
@click.option(
    "--include-drafts", is_flag=True, help="Also list items of drafts (`status: draft`, or MkDocs' `draft_docs`)."
)
@click.option("--format", "output", type=click.Choice(list(ACTION_FORMATS)), default="table", show_default=True)
def actions(
    config_file: str,
    owner: str | None,
    agent: str | None,
    overdue: bool,
    due_before: dt.datetime | None,
    include_drafts: bool,
    output: str,
    harm: str | None,
    autonomy: str | None,
    deployment: str | None,
) -> None:
    """List open and in-progress action items, soonest due first.

    \b
    Examples:
      mkdocs-postmortem actions --overdue
      mkdocs-postmortem actions --owner "priya raman" --format csv > mine.csv
      mkdocs-postmortem actions --autonomy acts_autonomously --deployment public
    """
    from .library import build_library
    from .render.exports import action_row

    project = _project(config_file, library=True)
    checker = _checker(project)
    checked = _check_library(checker, project, _library_paths(project))
    library = build_library(_entries(project, checked, include_drafts), checker.context)
    rows = [
        action_row(ref, project.site_url)
        for ref in library.open_actions
        if (owner is None or fold(ref.owner) == fold(library.owner(owner)))
        and (agent is None or (ref.entry.postmortem.meta and ref.entry.postmortem.meta.agent == agent))
        and (not overdue or ref.overdue_days is not None)
        and (due_before is None or (ref.item.due_date is not None and ref.item.due_date < due_before.date()))
        and profile_matches(_profile(ref.entry.postmortem), harm, autonomy, deployment)
    ]
    click.echo(ACTION_FORMATS[output](rows), nl=False)


@cli.command("write-library")
@config_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="A folder of docs_dir to write into (default: the post-mortem folder, beside the post-mortems).",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (also when mkdocs.yml sets `strict: true`).")
def write_library(config_file: str, out: Path | None, strict: bool) -> None:
    """Write the library pages, exports and stylesheet as plain files, for another site generator.

    For a generator that does not run the plugin (Zensical, MkDocs 2, Hugo): the six library
    pages as Markdown (their tables and charts as raw HTML blocks), the exports and
    postmortem.css, which the generator then publishes with the post-mortems. It checks the
    library as `check` does and writes the pages whatever it finds. A file it did not write
    (or that was changed since) is never overwritten: it stops first, naming it.

    \b
    Exit codes: 0 written and clean, 1 written but the check found errors (or warnings with
    --strict), 2 usage or config error, or a file in the way (nothing written).
    Example:
      mkdocs-postmortem write-library && zensical build
    """
    from . import standalone  # only `write-library` writes the library as files
    from .library import build_library

    project = _project(config_file)
    checker = _checker(project)
    checked = _check_library(checker, project, _library_paths(project))
    library = build_library(_entries(project, checked, include_drafts=False), checker.context)
    try:
        target, done = standalone.write_library(project, library, out)
    except standalone.StandaloneError as exc:
        for line in exc.lines:
            click.echo(f"Error: {printable(line)}", err=True)
        sys.exit(2)
    for name in done.written:
        click.echo(f"Wrote {printable(project.display(target.path / name))}")
    for name in done.removed:
        click.echo(f"Removed {printable(project.display(target.path / name))} (no longer made)")
    files = len(done.written) + len(done.unchanged)
    click.echo(
        f"{plural(files, 'file')} in {printable(project.display(target.path))}: "
        f"{len(done.written)} written, {len(done.unchanged)} unchanged"
    )
    if not standalone.stylesheet_linked(project, target.uri):
        css = f"{target.uri}/{standalone.STYLESHEET}"
        click.echo(f"To style the tables and charts, add `extra_css: [{css}]` to mkdocs.yml", err=True)

    findings = [finding for result in checked.values() for finding in result.findings]
    legacy = sum(1 for result in checked.values() if result.postmortem.legacy)
    click.echo(FORMATS["text"](Report(findings, len(checked), list(RULES), legacy)), err=True)
    failing = {Level.ERROR} | ({Level.WARNING} if strict or project.strict else set())
    sys.exit(1 if any(f.level in failing for f in findings) else 0)


@cli.command()
@config_option
def schema(config_file: str) -> None:
    """Print the front matter's JSON Schema (the one the site exports), for editors.

    Its severities and its `x-template` (sections, sign-off roles, regulatory questions, severity
    scale) are those of the site's template when mkdocs.yml names one.
    """
    click.echo(json.dumps(front_matter_schema(_site_template(config_file)), indent=2))


@cli.command()
@config_option
def rules(config_file: str) -> None:
    """Print the rule reference (id, slug, default level, what it checks) as Markdown.

    When mkdocs.yml names the site's own template (`template:`), what its rules then ask for follows:
    the sections, sign-off roles, regulatory questions and severity scale.
    """
    click.echo(RULES.reference_table())
    template = _site_template(config_file)
    if template is not default_template():
        click.echo("\n" + template.describe(), nl=False)


def _site_template(config_file: str) -> Template:
    """The template of the site whose mkdocs.yml is `config_file`, or the CoE template when there is none."""
    if not Path(config_file).exists():
        return default_template()
    project = _project(config_file)
    return project.settings.post_mortem_template(project.root)


cli.add_command(sync)
cli.add_command(file_tickets)


def main() -> None:
    """The console script: a bug of ours is reported as such (exit 3), never as a traceback."""
    try:
        cli(prog_name="mkdocs-postmortem")
    except Exception as exc:  # noqa: BLE001
        click.echo(f"mkdocs-postmortem: internal error ({type(exc).__name__}: {exc}) — please report a bug", err=True)
        sys.exit(3)
