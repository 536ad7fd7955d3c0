"""PM5xx — regulatory considerations: every question asked, "N/A" always explained, and every report a
regulator is owed made on time."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Level, PostMortem
from ..parse import regulatory_answer
from ..regulation import ClockState, clocks
from ..template import Key
from .base import Context, Violation, rule

_NOT_APPLICABLE = re.compile(r"^(?:n\s*/\s*a|n\.a\.?|na|not applicable)\b[\s.,;:—–-]*", re.IGNORECASE)


def reasoning_after_na(value: str) -> str | None:
    """The reasoning that follows an `N/A`, also after a label (`Consumer protection — N/A.`), or None
    when the value is not an N/A (`No PHI was involved, so N/A.` reasons first)."""
    answer = regulatory_answer(value.strip())
    match = _NOT_APPLICABLE.match(answer)
    return answer[match.end() :].strip() if match else None


@rule("PM501", "regulatory-line", Level.ERROR)
def regulatory_line(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """Section 9 answers all three questions: EU AI Act Article 73, sector regulations, internal audit.

    A named sector regulation (`- SOX — …`, `- HIPAA — …`) counts as the sector line.
    """
    if not ctx.template.reads(Key.REGULATORY) or Key.REGULATORY not in pm.sections:
        return
    for kind, question in ctx.template.regulatory.items():
        label = question.label
        lines = [line for line in pm.regulatory if line.kind == kind]
        if not lines:
            yield Violation(
                pm.section_line(Key.REGULATORY),
                f"the '{label}' line is missing",
                f"add `- **{label}:** <answer>` — 'N/A' needs a sentence of why",
            )
        for line in lines:
            if not line.value:
                yield Violation(
                    line.line, f"the '{line.label}' line has no answer", "answer it; 'N/A' needs a sentence of why"
                )


@rule("PM502", "na-without-reasoning", Level.ERROR)
def na_without_reasoning(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A regulatory "N/A" is followed by a sentence of why (the "Regulatory not considered" pitfall)."""
    for line in pm.regulatory:
        reasoning = reasoning_after_na(line.value)
        if reasoning is not None and len(reasoning.split()) < 3:
            yield Violation(
                line.line,
                f"'{line.label}' says N/A with no reasoning",
                "N/A requires a sentence of why, e.g. 'N/A — no harm to persons, no breach of fundamental rights'",
            )


@rule("PM511", "report-due", Level.INFO)
def report_due(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A regulator's report that is due and not yet recorded, while time remains (see `regulation`:
    EU AI Act Article 73, GDPR Article 33); record it in `reports:` once submitted."""
    yield from _unreported(pm, ctx, "due")


@rule("PM512", "report-due-soon", Level.WARNING)
def report_due_soon(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A regulator's report not yet recorded in the last third of its time (the last 5 of Article 73's
    15 days; the last day of GDPR's 72 hours)."""
    yield from _unreported(pm, ctx, "due_soon")


@rule("PM513", "report-overdue", Level.ERROR)
def report_overdue(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A regulator's report whose deadline has passed with no report recorded in `reports:`."""
    yield from _unreported(pm, ctx, "overdue")


@rule("PM514", "complete-report-pending", Level.INFO)
def complete_report_pending(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """An initial Article 73 report is followed by a complete one (Article 73(5)): until it is
    recorded (`kind: complete`), the register says it is pending."""
    for clock in clocks(pm, ctx.regulation):
        if clock.complete_pending:
            yield Violation(
                pm.meta_lines.get("reports", clock.line),
                f"{clock.label}: the initial report of {clock.first.submitted} has no complete report yet",  # type: ignore[union-attr]
                "record the complete report in `reports:` with `kind: complete` once it is submitted",
            )


def _unreported(pm: PostMortem, ctx: Context, state: ClockState) -> Iterator[Violation]:
    for clock in clocks(pm, ctx.regulation):
        if clock.state(ctx.today) != state:
            continue
        yield Violation(
            clock.line,
            f"a {clock.label} report is due by {clock.due_text} ({clock.span}; "
            f"{clock.reason}) and none is recorded: {clock.describe(ctx.today).removeprefix('not submitted: ')}",
            f"submit it and record it: `reports: [{{regulation: {clock.regulation}, kind: initial, submitted: "
            "YYYY-MM-DD, authority: …, reference: …}]`",
        )
