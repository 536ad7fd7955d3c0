"""PM5xx — regulatory considerations: every question asked, and "N/A" always explained."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Level, PostMortem
from ..parse import regulatory_answer
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
