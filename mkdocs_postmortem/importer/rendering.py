"""Parts written back as Markdown, and a page kept whole in a code fence."""

from __future__ import annotations

import re

from ..template import Template
from .elements import Bold, El, Gen, Part, Sub
from .words import plain_text

_NESTED_HEADING = re.compile(r"^((?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)(#{1,6}(?:[ \t]|$))")


def render_part(part: Part, template: Template) -> str:
    if isinstance(part, El):
        if part.kind == "heading":
            return "\n".join(part.lines)
        lines = [line.rstrip() for line in part.lines]
        if part.kind in ("list", "numbered", "quote"):
            # A heading inside a list item or a quote would end the section it is in: kept as text.
            lines = [_NESTED_HEADING.sub(r"\1\\\2", line) for line in lines]
        return "\n".join(lines)
    if isinstance(part, Sub):
        if not part.text:
            return ""
        if template.section_key(plain_text(part.text)) is not None or template.section_key(part.text) is not None:
            return f"**{part.text}**"  # a heading there would start that section
        return f"{'#' * min(2 + part.depth, 6)} {part.text}"
    if isinstance(part, Bold):
        return f"**{part.text}**"
    if isinstance(part, Gen):
        return part.text
    return ""


def fence(text: str) -> str:
    longest = max((len(m[0]) for m in re.finditer(r"`{3,}|~{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}markdown\n{text.rstrip()}\n{fence}"
