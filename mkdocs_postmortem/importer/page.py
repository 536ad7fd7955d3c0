"""The import: one page in another style → the page in the template's shape, what was inferred, what is left."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ..dates import date_from_file_name
from ..template import Template, default_template
from ..text import slugify
from .context import Context
from .dates import find_date, stem_slug, title_from_file_name
from .elements import elements
from .front_matter import (
    AGENT_PLACEHOLDER,
    DATE_PLACEHOLDER,
    SEVERITY_PLACEHOLDER,
    date_value,
    dump,
    is_slug,
    split_front_matter,
)
from .mending import line_map, mend
from .reader import Reader
from .rendering import fence
from .section_names import OTHER_TITLE
from .sections import other_notes, render_sections
from .severity import Guess, infer_severity, on_scale
from .words import markup_free, plain_text, word_counts


@dataclass
class Imported:
    """One page imported: its new text, and what the command tells the person who ran it."""

    text: str  # the new page: front matter and body
    inferred: list[str]  # what was inferred, and from where
    todo: list[str]  # what a person must still supply (`check` reports each of these)
    suggested_name: str  # `YYYY-MM-DD-<agent>.md`, or as much of it as is known
    metadata: dict[str, Any] = field(default_factory=dict)  # the front matter written


class ImportOptionError(ValueError):
    """An option given to the import that the template does not accept (`--severity Sev-9`)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"--{option}: {message}")
        self.option = option


def import_page(
    text: str,
    *,
    file_name: str,
    template: Template | None = None,
    agent: str | None = None,
    severity: str | None = None,
    author: str | None = None,
    today: dt.date,
    written: dt.date | None = None,
) -> Imported:
    """A post-mortem written in another style (`text`, read from `file_name`) as a draft page of
    `template` (default: the CoE template).

    `agent` and `severity` given by the person win over what the page says; `author` is the file's
    git author (`git_author`), used when the page names none; `written` is when the original was
    written up (default: `today`, or the page's own front-matter `date`). Raises `ImportOptionError`
    for an `agent` that is not a slug or a `severity` the template does not accept; never for anything
    the page says.
    """
    template = template or default_template()
    if agent is not None and not is_slug(agent):
        raise ImportOptionError("agent", f"'{agent}' is not a lowercase slug such as `finance-invoice-recon`")
    if severity is not None:
        level, problem = on_scale(template, severity)
        if level is None:
            raise ImportOptionError("severity", problem)
        severity = level

    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    notes: list[str] = []
    todo: list[str] = []
    original, kept_front, body_start, front_lines = split_front_matter(text)
    if kept_front is not None:
        todo.append("the original front matter is not a YAML mapping: it is kept under Other notes as written")
    body = "\n" * front_lines + text[body_start:]

    # Read as MkDocs renders it: where it would render the original otherwise than it reads, mended first.
    mended = mend(body, template)
    reader = Reader(template, line_map(body, mended) if mended != body else None)
    reader.read(elements(mended))
    title = reader.title.text if reader.title else None

    facts = reader.facts
    incident, source = _incident_date(original, facts, file_name, title)
    if incident:
        notes.append(f"incident_date {incident.isoformat()} from {source}")
    else:
        todo.append("incident_date: no date found in the file name, the title or a Date: line — set it")
    agent_value = _agent(agent, original, facts, notes, todo)
    if severity is not None:
        guess = Guess(severity, "the --severity option")
    else:
        labelled = [(str(original["severity"]), "the front matter")] if original.get("severity") is not None else []
        guess = infer_severity(template, [*labelled, *facts.get("severity", [])], f"{title or ''}\n{body}")
    if guess.value:
        notes.append(f"severity {guess.value} from {guess.source}")
    else:
        why = guess.problem or "the page states none"
        if guess.problem and guess.source and guess.source != "the text":
            why += f" ({guess.source})"
        todo.append(f"severity: {why} — choose {template.severity_choices()}")
    author_value = _author(author, original, facts, notes, todo)

    context = Context(template, incident, notes, todo)
    sections, signed = render_sections(reader, context)
    write_up = _write_up_date(original, written, today, signed, notes)
    notes += reader.mapped
    other = other_notes(reader, kept_front, template, notes)

    metadata: dict[str, Any] = {
        "agent": agent_value or AGENT_PLACEHOLDER,
        "severity": guess.value or SEVERITY_PLACEHOLDER,
        "incident_date": incident or DATE_PLACEHOLDER,
        "date": write_up,
        "author": author_value or "",
        "status": "draft",
    }
    changed = [
        key for key in metadata if key in original and key != "date" and str(original[key]) != str(metadata[key])
    ]
    if changed:
        notes.append(f"front matter: {', '.join(f'{key} {original[key]!r} → {metadata[key]!r}' for key in changed)}")
    metadata.update({key: value for key, value in original.items() if key not in metadata})
    todo.append("status: draft — set open (or closed) once the page is complete and reviewed")

    heading = f"# {title}" if title else ""
    if not heading and "title" not in original and (from_name := title_from_file_name(file_name)):
        heading = f"# {from_name}"
        notes.append(f"title '{from_name}' from the file name")
    elif title:
        notes.append(f"title '{plain_text(title)}' from the page's first heading")
    parts = [*([heading] if heading else []), *sections]
    if other:
        parts.append("\n\n".join([f"## {OTHER_TITLE}", *other]))
    page = mend("---\n" + dump(metadata) + "---\n\n" + "\n\n".join(parts) + "\n", template)

    # Nothing lost: a word of the original missing from the page keeps the whole original in the page.
    if lost := word_counts(markup_free(text[body_start:])) - word_counts(page):
        shown = ", ".join(sorted(lost)[:8])
        kept = "\n\n### The original page\n\n" + fence(text[body_start:]) + "\n"
        page = mend(page.rstrip("\n") + ("" if other else f"\n\n## {OTHER_TITLE}") + kept, template)
        todo.append(
            f"some words could not be placed ({shown}…): the original page is kept whole under Other notes — "
            "move what is missing, then delete it"
        )

    name = [incident.isoformat()] if incident else []
    name.append(agent_value or stem_slug(file_name))
    return Imported(
        text=page,
        inferred=list(dict.fromkeys(notes)),
        todo=list(dict.fromkeys(todo)),
        suggested_name="-".join(name) + ".md",
        metadata=metadata,
    )


_Facts = dict[str, list[tuple[str, str]]]


def _incident_date(
    original: dict[str, Any], facts: _Facts, file_name: str, title: str | None
) -> tuple[dt.date | None, str]:
    """The incident date and where it was read, best source first: the front matter's incident_date,
    an `Incident date:` line, the file name, the title, a `Date:` line, the front matter's (blog) date."""
    candidates: list[tuple[dt.date | None, str]] = [
        (date_value(original.get("incident_date")), "the front matter's incident_date"),
        *((find_date(value), where) for value, where in facts.get("incident_date", [])),
        (date_from_file_name(file_name), "the file name"),
        (find_date(plain_text(title)) if title else None, "the title"),
        *((find_date(value), where) for value, where in facts.get("date", [])),
        (date_value(original.get("date")), "the front matter's date"),
    ]
    return next(((day, where) for day, where in candidates if day is not None), (None, ""))


def _agent(option: str | None, original: dict[str, Any], facts: _Facts, notes: list[str], todo: list[str]) -> str:
    """The agent: the option, else the front matter's, else a slug of the one system a `Service:` line names."""
    value, source = option or "", "the --agent option"
    written = original.get("agent")
    if not value and isinstance(written, str) and slugify(written):
        value, source = (written.strip() if is_slug(written.strip()) else slugify(written)), "the front matter"
    if not value:
        for text, where in facts.get("agent", []):
            names = [name for name in re.split(r"[,;]|\band\b|\bund\b", plain_text(text)) if name.strip()]
            if len(names) == 1 and slugify(names[0]):
                value, source = slugify(names[0]), f"'{plain_text(text)}' ({where})"
            elif names:
                todo.append(f"agent: {where} names {len(names)} systems ('{plain_text(text)}') — choose the agent")
            break
    if value:
        notes.append(f"agent {value} from {source}")
    else:
        todo.append("agent: set the Agent ID (a lowercase slug); no --agent and no Service:/System: line")
    return value


def _author(option: str | None, original: dict[str, Any], facts: _Facts, notes: list[str], todo: list[str]) -> str:
    """Who wrote it up: an `Author:` line, the front matter's author or (blog) authors, else git's."""
    value, source = "", ""
    if found := next(((plain_text(text), where) for text, where in facts.get("author", []) if plain_text(text)), None):
        value, source = found
    elif isinstance(original.get("author"), str) and original["author"].strip():
        value, source = original["author"].strip(), "the front matter"
    elif isinstance(original.get("authors"), list) and original["authors"]:
        value, source = ", ".join(str(a) for a in original["authors"]), "the front matter's authors"
    elif option:
        value, source = option, "the git history"
    if value:
        notes.append(f"author {value} from {source}")
    else:
        todo.append("author: who wrote it up — not in the page, its front matter or its git history")
    return value


def _write_up_date(
    original: dict[str, Any], written: dt.date | None, today: dt.date, signed: list[dt.date], notes: list[str]
) -> dt.date:
    """The write-up date: the front matter's (a blog post's date), else `written`, else today; never
    after the first sign-off the page records (nobody signs off what is not written yet)."""
    day, source = date_value(original.get("date")), "the front matter's date"
    if day is None:
        day, source = (written, "the original's write-up") if written else (today, "today (the import)")
        if signed and min(signed) < day:
            day, source = min(signed), "the first sign-off"
    notes.append(f"date (write-up) {day.isoformat()} from {source}")
    return day
