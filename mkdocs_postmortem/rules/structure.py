"""PM2xx — the page's shape: the ten sections, no template text left in, a short summary."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ..model import Level, PostMortem
from ..text import plural
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


@rule("PM001", "unreadable", Level.ERROR, on_unreadable=True)
def unreadable(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The page is UTF-8 text (with or without a byte-order mark) within the size limits.

    Limits: 2 MB a file, 50,000 characters a line, 5,000 rows a table, lists 100 levels deep, 64 KB of
    front matter whose YAML aliases expand to at most 10,000 values.
    """
    for problem in pm.meta_problems:
        if problem.kind == "unreadable":
            yield Violation(problem.line, problem.message, "save the file as UTF-8 text")
        elif problem.kind == "too_large":
            yield Violation(
                problem.line, problem.message, "split the content, or move bulk data to an attachment and link to it"
            )


@rule("PM002", "waiver-reason", Level.WARNING, waivable=False)
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
