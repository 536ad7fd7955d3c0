"""PM3xx — the story: timeline, impact, blameless "what went wrong", and the 5 whys."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from itertools import pairwise

from ..headings import without_parentheticals
from ..model import Level, PostMortem
from ..template import Key
from ..text import plural
from .base import Context, Violation, rule

_PLACEHOLDER = re.compile(r"^\[.*\]$")


@rule("PM301", "timeline-table", Level.ERROR)
def timeline_table(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The timeline is a `| Time (UTC) | Event |` table with at least one filled row."""
    if not ctx.template.reads(Key.TIMELINE) or Key.TIMELINE not in pm.sections:
        return
    if pm.timeline is None:
        yield Violation(
            pm.section_line(Key.TIMELINE),
            "the timeline has no table",
            "add a `| Time (UTC) | Event |` table with one row per event",
        )
    elif not pm.timeline:
        yield Violation(pm.section_line(Key.TIMELINE), "the timeline table has no rows", "add one row per event")


@rule("PM302", "timeline-time", Level.ERROR)
def timeline_time(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Every timeline time is `YYYY-MM-DD HH:MM` or `YYYY-MM-DD`, in UTC.

    Seconds and a UTC marker may follow (`2026-08-14 09:12:30`, `2026-08-14T09:12Z`, `… +00:00`,
    `… UTC`); any other zone or offset (`BST`, `+01:00`) is an error.
    """
    for event in pm.timeline or []:
        if event.zone:
            yield Violation(
                event.line,
                f"timeline time '{event.time}' is in {event.zone}, but the timeline must be in UTC",
                "convert it to UTC and write it as e.g. `2026-08-14 09:12`",
            )
        elif event.at is None and not _PLACEHOLDER.match(event.time):
            yield Violation(
                event.line,
                f"timeline time '{event.time}' is not `YYYY-MM-DD HH:MM` or `YYYY-MM-DD`",
                "write the time in UTC as e.g. `2026-08-14 09:12`",
            )
        elif not event.event:
            yield Violation(event.line, f"timeline row '{event.time}' has no event", "say what happened then")


@rule("PM303", "timeline-order", Level.WARNING)
def timeline_order(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Timeline rows are in chronological order (a date-only row sorts with any time on that day)."""
    latest_day: dt.date | None = None
    latest_time: dt.time | None = None
    for event in pm.timeline or []:
        if event.at is None:
            continue
        day, time = event.at.date(), event.at.time() if event.has_time else None
        if latest_day is not None and (
            day < latest_day or (day == latest_day and time and latest_time and time < latest_time)
        ):
            yield Violation(
                event.line, f"timeline row '{event.time}' comes after a later one", "order the timeline rows by time"
            )
        elif latest_day is None or day > latest_day:
            latest_day, latest_time = day, time
        elif time is not None:
            latest_time = time


@rule("PM311", "impact-required-rows", Level.ERROR)
def impact_rows(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The impact table has filled `Customer impact` and `Regulatory exposure` rows ("None" is an answer)."""
    if not ctx.template.reads(Key.IMPACT) or Key.IMPACT not in pm.sections:
        return
    rows = pm.impact or []
    for label in ("Customer impact", "Regulatory exposure"):
        row = next((r for r in rows if r.dimension.casefold().startswith(label.casefold())), None)
        if row is None:
            yield Violation(
                pm.section_line(Key.IMPACT),
                f"the impact table has no '{label}' row",
                f"add a `| {label} | None / describe |` row",
            )
        elif not row.impact:
            yield Violation(row.line, f"'{label}' is blank", "write 'None' or describe the impact")


_BLAME_VERBS = (
    r"(?:didn['’]?t|did not|failed to|forgot|should have|shouldn['’]?t have|missed|neglected|ignored|"
    r"overlooked|was careless|was late|noticed late|was slow|messed up|screwed up)"
)
_BLAME_PHRASES = re.compile(
    r"\b(?:human error|operator (?:error|mistake)|user error|(?:his|her) (?:fault|mistake|error)|"
    r"careless(?:ness)?|negligen(?:t|ce)|(?:someone|somebody|he|she) " + _BLAME_VERBS + r")\b",
    re.IGNORECASE,
)
# Two or more capitalised words. The capital comes first and the word boundary before it is a
# look-behind, so the regular expression engine can skip to capitals instead of trying every position.
_NAME = re.compile(r"([A-Z](?<!\w[A-Z])[a-z]+(?:[-'][A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?)+)\b")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NOT_NAMES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December First Last Next Head Root Kill Customer Regulatory Total "
    "Executive Sponsor Finance Champion Security Department Reviewer Author Team Platform Builder Lead".split()
)


def people_named(pm: PostMortem) -> set[str]:
    """Names of individuals in the post-mortem: author, sign-off names, owners, timeline, communications."""
    names: set[str] = set()
    direct = [pm.meta.author if pm.meta else ""] + [s.name for s in pm.signoff or []]
    for text in direct:
        person = without_parentheticals(text)
        if person and not person.startswith("["):
            names.add(person)
    free_text = [a.owner for a in pm.actions or []] + [e.event for e in pm.timeline or []]
    free_text += [c.text for c in pm.communications]
    for text in free_text:
        for match in _NAME.finditer(text):
            words = [w for w in match.group(1).split() if w not in _NOT_NAMES]
            if len(words) >= 2:
                names.add(" ".join(words))
    return names


@rule("PM321", "blameless", Level.WARNING)
def blameless(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """ "What went wrong" names systems and processes, not people.

    Flags an individual named elsewhere in the post-mortem (timeline, communications, sign-off, owners,
    author), and phrasing that blames people (`<name> didn't notice`, `human error`, `operator
    mistake`). Blaming a system ("the alert should have paged") is fine.
    """
    names = people_named(pm)
    singles = {word for name in names for word in name.split() if len(word) > 1 and word not in _NOT_NAMES}
    for item in pm.went_wrong:
        words = [word.removesuffix("'s").removesuffix("’s") for word in _WORD.findall(item.text)]
        named = {word for word in words if word in singles}
        named |= {f"{a} {b}" for a, b in pairwise(words) if f"{a} {b}" in names}
        phrase = _BLAME_PHRASES.search(item.text)
        if not named and not phrase:
            continue
        shown = sorted(n for n in named if not any(n != other and n in other.split() for other in named))
        said = [f"names {', '.join(shown)}"] if named else []
        if phrase is not None:
            said.append(f"blames people ('{phrase.group(0)}')")
        what = " and ".join(said)
        yield Violation(
            item.line,
            f"'What went wrong' {what}",
            "describe the systemic gap instead of the person, e.g. 'we have no automated quality-degradation alert'",
        )


@rule("PM331", "five-whys", Level.ERROR)
def five_whys(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The root cause goes five whys deep, as `- Q: … A: …` pairs, and every question has an answer.

    The classic numbered form reads the same: `1. Why did X? — Because Y.`, or the answer on the line
    below its question.
    """
    if not ctx.template.reads(Key.ROOT_CAUSE) or Key.ROOT_CAUSE not in pm.sections:
        return
    for pair in pm.whys:
        if not pair.answer:
            yield Violation(
                pair.line, f"the question '{pair.question}' has no answer", "answer it: `A: …` after the question"
            )
    if len(pm.whys) < 5:
        yield Violation(
            pm.section_line(Key.ROOT_CAUSE),
            f"the root cause has {plural(len(pm.whys), 'why')}, not five",
            "keep asking why (`- Q: Why …? A: Because …`) until you reach a systemic cause: the root cause "
            "is rarely the proximate one",
        )


@rule("PM332", "systemic-cause", Level.ERROR)
def systemic_cause(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The 5 whys end with a one-sentence `Underlying systemic cause:`."""
    if not ctx.template.reads(Key.ROOT_CAUSE) or Key.ROOT_CAUSE not in pm.sections:
        return
    if pm.systemic_cause is None:
        yield Violation(
            pm.section_line(Key.ROOT_CAUSE),
            "the root cause has no 'Underlying systemic cause'",
            "end the section with `**Underlying systemic cause:** <one sentence>`",
        )
    elif not pm.systemic_cause.text:
        yield Violation(pm.systemic_cause.line, "the underlying systemic cause is blank", "state it in one sentence")
