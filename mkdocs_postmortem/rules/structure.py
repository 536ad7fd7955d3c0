"""PM2xx — the page's shape: the ten sections, no template text left in, a short summary."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ..model import Level, PostMortem
from ..parse import SECTION_TITLES
from . import Context, Violation, find_rule, rule

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


@rule("PM001", "unreadable", Level.ERROR)
def unreadable(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The page is UTF-8 text (with or without a byte-order mark) within the size limits.

    Limits: 2 MB a file, 50,000 characters a line, 5,000 rows a table, lists 100 levels deep, 64 KB of
    front matter whose YAML aliases expand to at most 10,000 values.
    """
    for problem in pm.meta_problems:
        if problem.kind == "unreadable":
            yield Violation(problem.line, problem.message, "save the file as UTF-8 text")
        elif problem.kind == "too_large":
            yield Violation(problem.line, problem.message, "split the content, or move bulk data to an attachment and link to it")


@rule("PM002", "waiver-reason", Level.WARNING)
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
        unknown = [name for name in names if find_rule(name) is None]
        if unknown:
            yield Violation(line, f"waiver names unknown rule {', '.join(unknown)}", "use rule ids such as PM409")
        if not reason:
            yield Violation(line, f"waiver of {', '.join(names)} has no reason", f"say why the exception was accepted: {syntax}")


@rule("PM201", "section-missing", Level.ERROR)
def section_missing(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """All ten sections of the template are present, each under its own heading, and none is empty.

    Headings may carry an emoji and use a common synonym (`Timeline of events`, `Action plan`); a
    heading that is a near miss of a missing section's title (`7. Acton items`) is reported where it is.
    """
    keys = list(SECTION_TITLES)
    for index, (key, title) in enumerate(SECTION_TITLES.items()):
        section = pm.sections.get(key)
        near = next((s for s in pm.near_misses if s.key == key), None) if section is None else None
        if near is not None:
            yield Violation(
                near.line,
                f"the heading '{near.heading}' is not a section title, so section '{title}' is missing",
                f"did you mean '{title}'? write `## {title}`",
            )
        elif section is None:
            # Report where the section belongs: at the next section present, else after the last.
            later = [pm.sections[k].line for k in keys[index + 1 :] if k in pm.sections]
            yield Violation(
                later[0] if later else max((s.line for s in pm.sections.values()), default=pm.title_line),
                f"section '{title}' is missing",
                f"add a `## {title}` heading and fill it in as the template shows",
            )
        elif section.empty:
            yield Violation(section.line, f"section '{title}' is empty", "fill it in as the template shows")


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
            f"the incident summary has {count} sentence{'s' if count != 1 else ''}, not 3–5",
            "say what happened, when, for how long, who was affected, the root cause and the current state "
            "in 3–5 sentences; details belong in the timeline and impact",
        )
