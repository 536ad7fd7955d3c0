"""The incident's severity on the template's scale, read from `Severity:` lines or the text (`SEV-2`, `P1`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic_core import PydanticCustomError

from ..template import Template


@dataclass(frozen=True)
class Guess:
    """A value inferred from the page, where it came from, or why none could be."""

    value: str | None
    source: str = ""
    problem: str = ""


_SEV_MENTION = re.compile(r"\bsev(?:erity)?[ _-]?(\d)\b", re.IGNORECASE)
_P_MENTION = re.compile(r"\bP([0-5])\b")
_SCALE_NUMBER = re.compile(r"\D*(\d+)$")


def on_scale(template: Template, value: str) -> tuple[str | None, str]:
    """The scale's name for `value`, or (None, why not)."""
    try:
        return template.severity(value), ""
    except PydanticCustomError as exc:
        if exc.type == "sev4":
            return None, f"{exc.message()}, so it cannot be this post-mortem's severity"
        return None, f"'{value}' is not on the template's scale"


def _p_scale(template: Template, number: int) -> tuple[str | None, str]:
    """A priority `P<n>` mapped onto the scale by its order, when the scale is numbered 1, 2, 3, …"""
    direct, _ = on_scale(template, f"P{number}")
    if direct:
        return direct, ""
    names = list(template.severities)
    numbers = [int(m[1]) if (m := _SCALE_NUMBER.match(name)) else None for name in names]
    if numbers != list(range(1, len(names) + 1)):
        return None, f"P{number} is a priority; the scale ({', '.join(names)}) is not numbered for it to map onto"
    if not 1 <= number <= len(names):
        return None, f"P{number} has no level of its number on the scale ({', '.join(names)})"
    return on_scale(template, names[number - 1])


def infer_severity(template: Template, labelled: Iterable[tuple[str, str]] = (), text: str = "") -> Guess:
    """The incident's severity on the template's scale, from `Severity:` lines (value, where) first,
    else from what the text mentions (`SEV-2`, `Sev 1`, `P1`). Only a sure reading counts: text that
    mentions two levels, a `P0`-based priority scale or a word the scale does not know (`High`) gives
    no value, and says why."""
    for value, where in labelled:
        value = value.strip().strip("*_`").strip()
        if not value:
            continue
        name, problem = on_scale(template, value.split("(")[0].strip().rstrip(".,;"))
        if name:
            return Guess(name, f"'{value}' ({where})")
        mentions = {m[1] for m in _SEV_MENTION.finditer(value)}
        if len(mentions) == 1:
            name, problem = on_scale(template, f"sev{mentions.pop()}")
        elif len(priorities := {int(m[1]) for m in _P_MENTION.finditer(value)}) == 1 and 0 not in priorities:
            name, problem = _p_scale(template, priorities.pop())
        elif re.fullmatch(r"\d", value):
            name, problem = on_scale(template, f"sev{value}")
        if name:
            return Guess(name, f"'{value}' ({where})")
        return Guess(None, where, problem or f"'{value}' is not on the template's scale")
    mentions = {m[1] for m in _SEV_MENTION.finditer(text)}
    if len(mentions) == 1:
        number = mentions.pop()
        spelled = next(m[0] for m in _SEV_MENTION.finditer(text) if m[1] == number)
        name, problem = on_scale(template, f"sev{number}")
        return Guess(name, f"'{spelled}' in the text", problem)
    if mentions:
        shown = ", ".join(f"SEV-{n}" for n in sorted(mentions))
        return Guess(None, "the text", f"the page mentions {shown}: which one is this incident's is not sure")
    priorities = {int(m[1]) for m in _P_MENTION.finditer(text)}
    if 0 in priorities:
        return Guess(None, "the text", "the page uses a P0-based priority scale, which does not map onto the scale")
    if len(priorities) == 1:
        number = priorities.pop()
        name, problem = _p_scale(template, number)
        return Guess(name, f"'P{number}' in the text", problem)
    if priorities:
        shown = ", ".join(f"P{n}" for n in sorted(priorities))
        return Guess(None, "the text", f"the page mentions {shown}: which one is this incident's is not sure")
    return Guess(None)
