"""The template's sections rendered from the parts the reader put in them (in their shape, or blank); Other notes."""

from __future__ import annotations

import datetime as dt
import re

from ..template import Key, Template
from .actions import actions
from .context import Context
from .dates import find_date
from .elements import El, Gen, Part, Top, ordered
from .front_matter import AGENT_PLACEHOLDER, DATE_PLACEHOLDER, SEVERITY_PLACEHOLDER
from .impact import impact
from .reader import Reader
from .regulatory import regulatory
from .rendering import fence, render_part
from .section_names import OTHER
from .tables import table_cells, table_first
from .timeline import timeline
from .whys import root_cause
from .words import plain_text

MAX_ORIGINS = 150  # characters of original headings shown after a section's title


def _blanks(template: Template) -> dict[str, str]:
    """Each section's body in the blank page `new` writes."""
    page = template.blank_page(AGENT_PLACEHOLDER, SEVERITY_PLACEHOLDER, DATE_PLACEHOLDER)
    lines = page.split("\n")
    titles = {f"## {template.title(key)}": key for key in template.sections}
    result: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        if line in titles:
            current = titles[line]
            result[current] = []
        elif current is not None:
            result[current].append(line)
    return {key: "\n".join(body).strip("\n") for key, body in result.items()}


def _has_content(parts: list[Part]) -> bool:
    return any(
        (isinstance(part, El) and part.source.strip()) or (isinstance(part, Gen) and part.text.strip())
        for part in parts
    )


def _heading(title: str, origins: list[str]) -> tuple[str, str]:
    """A section's heading, with the original headings that named it in parentheses (`## 6. Root cause
    (5 whys) (Root Causes)`: the parser reads it without them); when they are too long to sit there,
    they are returned as a bold line for the top of the section instead."""
    shown = [re.sub(r"[()]", "", plain_text(origin)).strip() for origin in origins]
    joined = "; ".join(text for text in shown if text)
    if not joined:
        return f"## {title}", ""
    if len(joined) > MAX_ORIGINS:
        return f"## {title}", f"**{joined}**"
    return f"## {title} ({joined})", ""


def render_sections(reader: Reader, context: Context) -> tuple[list[str], list[dt.date]]:
    """Each section of the template, rendered: the original's parts placed in it, converted to its
    shape, or its blank; and the sign-off dates the original gives."""
    template, todo = context.template, context.todo
    sections = reader.sections
    summary = Key.SUMMARY if Key.SUMMARY in template.sections else next(iter(template.sections))
    if reader.preamble:
        sections[summary].parts[:0] = [*reader.preamble, Top()]
        if not sections[summary].seen:
            context.notes.append(f"the text before the first section → '{template.title(summary)}'")
    blanks = _blanks(template)
    durations = [value for value, _ in reader.facts.get("duration", [])]
    signed: list[dt.date] = []
    result: list[str] = []
    for key in template.sections:
        section = sections[key]
        parts = section.parts
        reads = template.reads(key)
        if key == Key.TIMELINE and reads and (_has_content(parts) or section.seen):
            texts = [*section.origins, *(p.source for p in parts if isinstance(p, El) and p.kind == "paragraph")]
            parts = timeline(parts, context, texts)
        elif key == Key.ACTIONS and reads and (_has_content(parts) or section.seen):
            parts = actions(parts, context)
        elif key == Key.ROOT_CAUSE and reads and _has_content(parts):
            parts = root_cause(parts, context)
        elif key == Key.IMPACT and reads and (_has_content(parts) or durations):
            parts = impact(parts, context, durations[0] if durations else "")
        elif key == Key.REGULATORY and reads and _has_content(parts):
            parts = regulatory(parts, context)
        elif key == Key.SIGNOFF and reads and _has_content(parts):
            parts = ordered(parts)
            tables = [p for p in parts if isinstance(p, El) and p.kind == "table"]
            if not tables:
                parts = [*parts, Gen(blanks.get(key, ""))]
            parts = table_first(parts, parts.index(tables[0]) if tables else len(parts) - 1)
            rows = table_cells(tables[0])[1] if tables else []
            signed = [day for row in rows for cell in row if (day := find_date(cell))]
            if not rows or any(len(row) < 3 or not row[1] or not row[2] for row in rows):
                todo.append("sign-off: names and dates of the author and reviewers")
        else:
            parts = ordered(parts)
        rendered = [text for text in (render_part(part, template) for part in parts) if text.strip()]
        if not _has_content(parts):
            rendered.append(blanks.get(key, ""))
            if key == Key.ROOT_CAUSE:
                todo.append("root cause: the five whys and the underlying systemic cause")
            elif key == Key.SIGNOFF:
                todo.append("sign-off: names and dates of the author and reviewers")
            else:
                todo.append(f"section '{template.title(key)}': not in the original — fill in its template text")
        heading, origins = _heading(template.title(key), section.origins)
        result.append("\n\n".join([heading, *([origins] if origins else []), *rendered]))
    return result, signed


def other_notes(reader: Reader, kept_front: str | None, template: Template, notes: list[str]) -> list[str]:
    """What goes under `## Other notes`: the header lines, what fits no section, a front matter that
    was not YAML."""
    result: list[str] = []
    if reader.header:
        result.append("\n".join(f"- {label.source}" for label in reader.header))
        names = ", ".join(dict.fromkeys(f"{label.name.capitalize()}:" for label in reader.header))
        notes.append(f"the page's header lines ({names}) → Other notes")
    other = reader.sections[OTHER].parts
    result += [text for text in (render_part(part, template) for part in ordered(other)) if text.strip()]
    if other:
        notes.append("text that fits no section → Other notes")
    if kept_front is not None:
        result.append(fence(f"---\n{kept_front}---"))
    return result
