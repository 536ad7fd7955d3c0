"""PM001, PM002, PM006 and PM2xx — the page as text (readable, waivers, no control characters) and its
shape: the ten sections, no template text left in, a short summary."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain

from pydantic import BaseModel

from ..model import Level, PostMortem
from ..text import CONTROL, plural
from .base import Context, Violation, rule

_SENTENCE_END = re.compile(r"[.!?]+[\"'’”)\]]*\s+(?=[\"'“(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "vs v e.g eg i.e ie etc approx ca cf incl excl mr mrs ms dr prof no nos fig inc ltd co corp jr sr st "
    "est min max avg".split()
)


def count_sentences(text: str) -> int:
    """Sentences in `text`, not breaking after abbreviations (`vs.`, `e.g.`) or initials (`J.`)."""
    text = " ".join(text.split())
    if not text:
        return 0
    count = 1
    for match in _SENTENCE_END.finditer(text):
        # The word before the full stop (looked for within 40 characters: bounded on any input).
        word = text[text.rfind(" ", max(0, match.start() - 40), match.start()) + 1 : match.start()]
        word = word.lstrip("(\"'“").casefold()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        count += 1
    return count


@rule("PM001", "unreadable", Level.ERROR, on_unreadable=True, on_legacy=True)
def unreadable(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The page is UTF-8 text (with or without a byte-order mark) within the size limits.

    Limits (`limits.py`), each checked before MkDocs' own renderer sees the page: 2 MB a file (a larger
    one is not read), 20,000 lines, 50,000 characters a line, 5,000 rows a table, 2,000 lines or 100,000
    characters in one block without a blank line, lists and quotes 100 levels deep (20,000 levels added
    up over the page), 20,000 characters that start inline markup, and 5,000,000 characters the renderer
    would scan for the ends of `[`, `<tag` and code fences. Also reported here: a file that is not a
    regular file, a link out of docs_dir, a folder link that loops, and a file where the library writes a
    page or an export. (Front matter over 64 KB or whose YAML aliases expand past 10,000 values is PM101's.)
    """
    for problem in pm.meta_problems:
        if problem.kind == "unreadable":
            not_utf8 = problem.message.startswith("the file is not UTF-8 text")
            fix = "save the file as UTF-8 text" if not_utf8 else "do as the message says: the file was not read"
            yield Violation(problem.line, problem.message, fix)
        elif problem.kind == "too_large":
            yield Violation(
                problem.line, problem.message, "split the content, or move bulk data to an attachment and link to it"
            )


@rule("PM002", "waiver-reason", Level.WARNING, waivable=False, on_legacy=True)
def waiver_reason(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every waiver names known rules and gives a reason.

    A reviewed exception is written `<!-- postmortem: disable PM409 reason="…" -->` on the line before
    the block it covers, or in the front matter as `accept: [{rule: PM409, reason: "…"}]`. This rule
    cannot itself be waived.
    """
    example = "agreed at the Q3 review"
    waivers = [
        (s.line, s.rules, s.reason, f'`<!-- postmortem: disable {", ".join(s.rules)} reason="{example}" -->`')
        for s in pm.suppressions
    ]
    accept_line = pm.meta_lines.get("accept", 1)
    waivers += [
        (accept_line, [a.rule], a.reason, f'`accept: [{{rule: {a.rule}, reason: "{example}"}}]`')
        for a in (pm.meta.accept if pm.meta else [])
    ]
    for line, names, reason, syntax in waivers:
        unknown = [name for name in names if not {name.strip().upper(), name.strip().lower()} & ctx.rule_names]
        if unknown:
            yield Violation(line, f"waiver names unknown rule {', '.join(unknown)}", "use rule ids such as PM409")
        if not reason:
            yield Violation(
                line, f"waiver of {', '.join(names)} has no reason", f"say why the exception was accepted: {syntax}"
            )


@rule("PM006", "control-character", Level.ERROR, on_legacy=True)
def control_character(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """No text read from the page (front matter, title, headings, paragraphs, list items, table cells) holds a control character.

    A control character (U+0000–U+001F but tab and line feed, U+007F–U+009F: an escape, a bell, a
    form feed, a stray byte of another encoding) is invisible in an editor and in a review's diff, and
    shows differently everywhere else: the page's HTML carries it, the exports leave it out (XML and
    iCalendar forbid it), a terminal obeys it. It is reported on its line, with where it is. Code
    blocks and raw HTML, which this tool does not read, are not checked.
    """
    for line, (where, characters, in_yaml) in sorted(_control_characters(pm).items()):
        names = ", ".join(_character_name(c) for c in characters)
        noun, it = ("a control character", "it") if len(characters) == 1 else ("control characters", "them")
        yield Violation(
            line,
            f"{where} holds {noun} ({names})",
            f"delete {it}{' (the escape in the YAML value that makes ' + it + ')' if in_yaml else ''}: editors and "
            f"diffs hide {it}, the page's HTML keeps {it} and the exports leave {it} out",
        )


_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL"}


def _character_name(character: str) -> str:
    code = ord(character)
    return f"U+{code:04X}" + (f" {_CONTROL_NAMES[code]}" if code in _CONTROL_NAMES else "")


def _control_characters(pm: PostMortem) -> dict[int, tuple[str, list[str], bool]]:
    """Line → (where on it the first control character is, the distinct characters, whether it is in a
    front-matter value) for every line of a read text that holds one; at once empty for a page without."""
    groups = _read_texts(pm)
    joined = "\n".join(chain.from_iterable(texts for _, _, texts in groups))
    # `isprintable` is the quicker test, and true of most pages (not of one with a no-break space).
    if joined.replace("\n", " ").replace("\t", " ").isprintable() or CONTROL.search(joined) is None:
        return {}
    found: dict[int, tuple[str, list[str], bool]] = {}
    for where, line, texts in groups:
        in_yaml = line < 0
        for text in texts:
            for match in CONTROL.finditer(text):
                at = -line if in_yaml else line + text.count("\n", 0, match.start())
                characters = found.setdefault(at, (where if isinstance(where, str) else where(), [], in_yaml))[1]
                if match[0] not in characters:
                    characters.append(match[0])
    return found


Where = str | Callable[[], str]  # where on its line a text is, or what says so (made only when needed)


def _read_texts(pm: PostMortem) -> list[tuple[Where, int, Sequence[str]]]:
    """(where, line, texts) of every element read from the page. A text that spans lines starts on
    `line` (its line feeds are the page's); a front-matter value is given its key's line, negated (its
    lines are YAML's, not the value's). Built in one go: the rule runs on every page."""
    groups: list[tuple[Where, int, Sequence[str]]] = []
    if pm.meta is not None:
        extra = pm.meta.model_extra or {}
        for key, value in (*pm.meta.__dict__.items(), *extra.items()):
            line = -pm.meta_lines.get(key, 1)
            if key in extra:
                groups.append((f"the front-matter key `{key}`", line, (key,)))
            if value is None or isinstance(value, dt.date | bool | int | float):
                continue
            texts = (value,) if isinstance(value, str) else list(_strings(value))
            groups.append((f"the front matter's `{key}`", line, texts))
    if pm.title is not None:
        groups.append(("the title", pm.title_line, (pm.title,)))
    groups += [("a header line", header.line, (header.value,)) for header in pm.headers]
    groups += [("a heading", s.line, (s.heading,)) for s in (*pm.sections.values(), *pm.near_misses)]
    if pm.summary is not None:
        groups.append(("the incident summary", pm.summary.line, (pm.summary.text,)))
    groups += [("a timeline row", event.line, (event.time, event.event)) for event in pm.timeline or ()]
    groups += [("an impact row", row.line, (row.dimension, row.impact)) for row in pm.impact or ()]
    groups += [("an item of what went well", item.line, (item.text,)) for item in pm.went_well]
    groups += [("an item of what went wrong", item.line, (item.text,)) for item in pm.went_wrong]
    groups += [("a communications item", item.line, (item.text,)) for item in pm.communications]
    for pair in pm.whys:
        groups += (
            ("a why", pair.line, (pair.question,)),
            ("the answer to a why", pair.answer_line or pair.line, (pair.answer,)),
        )
    if pm.systemic_cause is not None:
        groups.append(("the systemic cause", pm.systemic_cause.line, (pm.systemic_cause.text,)))
    groups += [
        (
            partial("action item {}".format, item.number),
            item.line,
            (item.number, item.action, item.severity, item.owner, item.due, item.status, *item.extra.values()),
        )
        for item in pm.actions or ()
    ]
    groups += [("a regulatory line", line.line, (line.label, line.value)) for line in pm.regulatory]
    groups += [("a sign-off row", row.line, (row.role, row.name, row.date)) for row in pm.signoff or ()]
    for key, content in pm.contents.items():
        where = f"section '{pm.sections[key].heading}'" if key in pm.sections else "a section"
        groups += [(where, item.line, (item.text,)) for item in content.items]
        if content.table is not None:
            groups.append((where, content.table.line, content.table.header))
        for pair in content.pairs:
            groups += (where, pair.line, (pair.question,)), (where, pair.answer_line or pair.line, (pair.answer,))
    groups += [("a waiver", waiver.line, (*waiver.rules, waiver.reason or "")) for waiver in pm.suppressions]
    return groups


def _strings(value: object) -> Iterable[str]:
    """The strings in a front-matter value: itself, or those in its items, keys and fields."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for _, field in value:
            yield from _strings(field)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _strings(item)


@rule("PM201", "section-missing", Level.ERROR)
def section_missing(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """All ten sections of the template are present, each under its own heading, and none is empty.

    Headings may carry an emoji and use a common synonym (`Timeline of events`, `Action plan`); a
    heading that is a near miss of a missing section's title (`7. Acton items`) is reported where it is.
    With a site's own template (`template:`), its sections are the ones required, and an optional
    section may be left out.
    """
    template = ctx.template
    keys = list(template.sections)
    for index, (key, spec) in enumerate(template.sections.items()):
        title = template.title(key)
        section = pm.sections.get(key)
        near = next((s for s in pm.near_misses if s.key == key), None) if section is None else None
        if near is not None:
            yield Violation(
                near.line,
                f"the heading '{near.heading}' is not a section title, so section '{title}' is missing",
                f"did you mean '{title}'? write `## {title}`",
            )
        elif section is None and spec.required:
            # Report where the section belongs: at the next section present, else after the last.
            later = [pm.sections[k].line for k in keys[index + 1 :] if k in pm.sections]
            yield Violation(
                later[0] if later else max((s.line for s in pm.sections.values()), default=pm.title_line),
                f"section '{title}' is missing",
                f"add a `## {title}` heading and fill it in as the template shows",
            )
        elif section is not None and section.empty:
            fix = "fill it in as the template shows" + ("" if spec.required else ", or remove it: it is optional")
            yield Violation(section.line, f"section '{title}' is empty", fix)


@rule("PM202", "template-placeholder", Level.ERROR)
def placeholder(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """No placeholder or guidance text from the blank template is left in (`[Item 1]`, `[Agent ID]`, …)."""
    by_line: dict[int, list[str]] = defaultdict(list)
    for found in pm.placeholders:
        by_line[found.line].append(found.text)
    for line, texts in sorted(by_line.items()):
        shown = ", ".join(f"'{text}'" for text in texts)
        yield Violation(line, f"template placeholder left in: {shown}", "replace it with this incident's facts")


@rule("PM203", "summary-length", Level.INFO)
def summary_length(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The incident summary has 3–5 sentences: what happened, when, how long, who, root cause, state."""
    if pm.summary is None:
        return
    count = count_sentences(pm.summary.text)
    if not 3 <= count <= 5:
        yield Violation(
            pm.summary.line,
            f"the incident summary has {plural(count, 'sentence')}, not 3–5",
            "say what happened, when, for how long, who was affected, the root cause and the current state "
            "in 3–5 sentences; details belong in the timeline and impact",
        )


@rule("PM204", "section-content", Level.ERROR)
def section_content(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Each section holds what the site's template asks of it: its table columns, labelled lines and items.

    Only a site's own template (`template:`) sets these (`columns:`, `labels:`, `min_items:`); the
    CoE template's sections are checked by their own rules.
    """
    for key, content in pm.contents.items():
        spec, section = ctx.template.sections[key], pm.sections[key]
        if section.empty:
            continue  # PM201 says so
        title = ctx.template.title(key)
        if spec.contains == "table":
            if content.table is None:
                columns = " | ".join(spec.columns) or "…"
                yield Violation(section.line, f"section '{title}' has no table", f"add a `| {columns} |` table")
                continue
            header = [" ".join(name.split()).casefold() for name in content.table.header]
            missing = [c for c in spec.columns if not any(h.startswith(c.casefold()) for h in header)]
            if missing:
                yield Violation(
                    content.table.line,
                    f"the table of '{title}' has no {_listed(missing)} column{'s' if len(missing) > 1 else ''}",
                    f"give the table the columns {' | '.join(spec.columns)}",
                )
            count, noun = content.table.rows, "row"
        elif spec.contains == "qa":
            for pair in content.pairs:
                if not pair.answer:
                    yield Violation(
                        pair.line,
                        f"the question '{pair.question}' has no answer",
                        "answer it: `A: …` after the question",
                    )
            count, noun = len(content.pairs), "question"
        elif spec.contains == "labelled":
            found = {line.label.casefold(): line for line in content.labelled}
            for label in spec.labels:
                line = found.get(label.casefold())
                if line is None:
                    yield Violation(
                        section.line, f"the '{label}' line of '{title}' is missing", f"add `- **{label}:** <answer>`"
                    )
                elif not line.value:
                    yield Violation(line.line, f"the '{label}' line has no answer", "answer it")
            count, noun = len(content.labelled), "line"
        else:
            count, noun = len(content.items), "item"
        if count < spec.min_items:
            yield Violation(
                section.line,
                f"section '{title}' has {plural(count, noun)}, fewer than the template's {spec.min_items}",
                f"add {plural(spec.min_items - count, noun)} more",
            )


def _listed(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
