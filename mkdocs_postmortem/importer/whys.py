"""The root cause: whys as teams write them → the template's `- Q: … A: …` pairs."""

from __future__ import annotations

import re

from ..text import plural
from .context import Context
from .elements import El, Gen, Part, list_items, ordered
from .rendering import render_part
from .tables import flat
from .words import EMPHASIS

_WHY_START = re.compile(
    r"^(?:[*_`]*(?:why|warum)[ \t]*#?\d{1,2}[ \t]*[:.)—–-]?[*_`]*[ \t]*)?[*_`]*(?:why|warum|wieso|weshalb|weswegen|pourquoi|por qué)\b",
    re.IGNORECASE,
)
_BECAUSE_START = re.compile(
    r"^[*_`]*(?:(?:because|weil|da|denn|parce que|porque)\b|a:|antwort:|answer:|→|->)", re.IGNORECASE
)
_BECAUSE_INSIDE = re.compile(r"\b(?:because|weil|parce que|porque)\b", re.IGNORECASE)
_QA = re.compile(r"(?m)^[ \t]*(?:[-*+][ \t]+)?Q[ \t]*:")
_SYSTEMIC = re.compile(r"underlying systemic cause", re.IGNORECASE)


def _split_why(text: str) -> tuple[str, str] | None:
    """`Why did X? Because Y.` → (question, answer); the answer may be empty. None: not a why."""
    if not _WHY_START.match(text):
        return None
    mark = text.find("?")
    if mark >= 0:
        end = mark + 1
        closing = EMPHASIS.match(text, end)
        end = closing.end() if closing else end
        question, answer = text[:end], text[end:]
    elif match := _BECAUSE_INSIDE.search(text):
        question, answer = text[: match.start()].rstrip(" ,;—–-"), text[match.start() :]
    else:
        return None
    answer = answer.strip().lstrip("—–-:→>").strip()
    answer = re.sub(r"^(?:A|Antwort|Answer)[ \t]*:[ \t]*", "", answer)
    return question.strip(), answer


def _pair(question: str, answer: str) -> str:
    return f"- Q: {' '.join(question.split())} A: {' '.join(answer.split()) or '[Because …]'}"


def root_cause(parts: list[Part], context: Context) -> list[Part]:
    whys = _Whys()
    for part in ordered(parts):
        if isinstance(part, El) and part.kind in ("list", "numbered", "paragraph") and not _QA.search(part.source):
            whys.element(part)
        else:
            whys.flush()
            whys.result.append(part)
    whys.flush()
    written = sum(len(_QA.findall(part.source)) for part in whys.result if isinstance(part, El))
    pairs = whys.count + written
    unanswered = sum(
        line.endswith("A: [Because …]")
        for part in whys.result
        if isinstance(part, Gen)
        for line in part.text.split("\n")
    )
    if whys.count:
        context.notes.append(
            f"root cause: {whys.count} why{'s' if whys.count > 1 else ''} written as `- Q: … A: …` pairs"
        )
    if pairs < 5:
        context.todo.append(
            f"root cause: {plural(pairs, 'why')} found — the template asks for five `- Q: … A: …` pairs"
        )
    if not any(_SYSTEMIC.search(render_part(part, context.template)) for part in whys.result):
        context.todo.append("root cause: the one-sentence `Underlying systemic cause:` line")
    if unanswered:
        context.todo.append(f"root cause: {unanswered} question{'s' if unanswered > 1 else ''} without an answer")
    return whys.result


class _Whys:
    """Whys in lists and paragraphs (`1. Why …? Because …`, `**Why?** …` with `Because …` in the next
    paragraph) → one `- Q: … A: …` list per run of them; the text between them kept in order."""

    def __init__(self) -> None:
        self.result: list[Part] = []
        self.pairs: list[str] = []
        self.last: list[str] | None = None  # the question and answer of the pair just read
        self.count = 0

    def flush(self) -> None:
        if self.pairs:
            self.result.append(Gen("\n".join(self.pairs)))
        self.pairs, self.last = [], None

    def answers(self, text: str) -> bool:
        return self.last is not None and not self.last[1] and _BECAUSE_START.match(text) is not None

    def element(self, element: El) -> None:
        is_list = element.kind != "paragraph"
        units = list_items(element) if is_list else [[line] for line in element.lines]
        texts = [flat(unit).replace("\\|", "|") for unit in units]
        if not any(_split_why(_plain_start(text)) for text in texts) and not (texts and self.answers(texts[0])):
            self.flush()
            self.result.append(element)  # no whys in it: kept as written
            return
        prose: list[str] = []

        def flush_prose() -> None:
            if not prose:
                return
            if is_list:
                marker = "1." if element.kind == "numbered" else "-"
                self.result.append(Gen("\n".join(f"{marker} {line}" for line in prose)))
            else:
                self.result.append(El("paragraph", list(prose), element.line))
            prose.clear()

        for unit, text in zip(units, texts, strict=True):
            found = _split_why(_plain_start(text))
            if found is not None:
                flush_prose()
                self.last = [found[0], found[1]]
                self.pairs.append(_pair(*self.last))
                self.count += 1
            elif self.answers(text):
                assert self.last is not None
                self.last[1] = re.sub(r"^(?:A|Antwort|Answer)[ \t]*:[ \t]*", "", text.strip())
                self.pairs[-1] = _pair(*self.last)
            else:
                self.flush()
                prose.append(text if is_list else "\n".join(unit))
        flush_prose()


def _plain_start(text: str) -> str:
    """A why as written, without a leading `1.` or `Why 1:` numbering left by a paragraph line."""
    return re.sub(r"^\d{1,2}[.)][ \t]+", "", text.strip())
