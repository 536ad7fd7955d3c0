"""The regulatory questions: each the original names without an answer prompted, the others added."""

from __future__ import annotations

from ..parse import split_label
from .context import Context
from .elements import El, Gen, Part, list_items, ordered
from .tables import flat
from .words import plain_text


def regulatory(parts: list[Part], context: Context) -> list[Part]:
    """The section as written, each question it names without an answer given its prompt, and the
    questions it does not name added with theirs (`- **Internal audit:** [Notified / not applicable]`)."""
    template = context.template
    answered: set[str] = set()
    result: list[Part] = []
    for part in ordered(parts):
        if not isinstance(part, El) or part.kind not in ("list", "numbered", "paragraph"):
            result.append(part)
            continue
        units = list_items(part) if part.kind != "paragraph" else [[line] for line in part.lines]
        prompted = False
        lines: list[str] = []
        for unit in units:
            label, value = split_label(plain_text(flat(unit)))
            key = template.regulatory_key(label)
            if key is not None:
                answered.add(key)
            if key is not None and not value:
                lines.append(f"{flat(unit).rstrip()} {template.regulatory[key].prompt}")
                prompted = True
            else:
                lines.append(flat(unit) if part.kind != "paragraph" else unit[0])
        if not prompted:
            result.append(part)
        elif part.kind == "paragraph":
            result.append(El("paragraph", lines, part.line))
        else:
            marker = "1." if part.kind == "numbered" else "-"
            result.append(Gen("\n".join(f"{marker} {line}" for line in lines)))
    missing = [q for key, q in template.regulatory.items() if key not in answered]
    if missing:
        result.append(Gen("\n".join(f"- **{q.label}:** {q.prompt}" for q in missing)))
        context.todo.append(f"regulatory: answer {', '.join(q.label for q in missing)}")
    return result
