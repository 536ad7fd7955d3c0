"""Reading the original: each element put in the section its heading or label names, header lines kept apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import markdown as md
from ..template import Key, Template
from .elements import Bold, El, Part, Sub, Top, heading_text, list_items
from .section_names import BOLD_LABEL, META_LABELS, OTHER, OTHER_TITLE, PLAIN_LABEL, classify, label_name
from .stamps import read_stamp
from .words import covered, plain_text

MAX_CARRIED = 60  # characters of an empty heading's text carried into the next heading


@dataclass
class _Section:
    parts: list[Part] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # the original headings that named it
    seen: bool = False  # a heading of its own was found (not only topics put in it)


@dataclass
class _Head:
    level: int
    text: str  # as written, without heading markers
    plain: str  # without markup, for recognising it
    line: int
    label: bool = False  # a bold label or a `Label:` line, not a Markdown heading


@dataclass
class _Label:
    """A `Label: value` line of the page's header (date, author, severity, …)."""

    name: str
    value: str
    source: str
    line: int


class Reader:
    """Walks the original's elements and puts each in the section it belongs to."""

    def __init__(self, template: Template, lines: list[int] | None = None) -> None:
        self.template = template
        self.lines = lines  # the original's line of each line read (when mending moved them)
        self.sections: dict[str, _Section] = {key: _Section() for key in template.sections}
        self.sections[OTHER] = _Section()
        self.preamble: list[Part] = []
        self.header: list[_Label] = []
        self.facts: dict[str, list[tuple[str, str]]] = {}  # field → (value, where)
        self.title: _Head | None = None
        self.current: str | None = None
        self.level = 0
        self.labelled = False  # the current section was started by a label line
        self.last_marker: tuple[str, Sub, str] | None = None  # the last subsection heading put (and its
        # note in `mapped`), while nothing is under it yet
        self.mapped: list[str] = []  # what the report says of each heading

    def line(self, number: int) -> int:
        """The original's line number of a line read."""
        return self.lines[number - 1] if self.lines and 0 < number <= len(self.lines) else number

    # Elements ----------------------------------------------------------------------------------

    def read(self, elements: list[El]) -> None:
        for element in elements:
            if element.kind == "heading" and isinstance(element.block, md.Heading):
                self.heading(_Head(element.block.level, heading_text(element), element.block.text, element.line))
            elif element.kind == "paragraph":
                self.paragraph(element)
            elif element.kind in ("list", "numbered") and self.current is None and self.label_list(element):
                continue
            else:
                self.add(element)

    def add(self, part: Part) -> None:
        if self.current is None:
            self.preamble.append(part)
        else:
            self.sections[self.current].parts.append(part)
        self.last_marker = None

    def fact(self, name: str, value: str, where: str) -> None:
        self.facts.setdefault(name, []).append((value.strip(), where))

    # Headings ----------------------------------------------------------------------------------

    def heading(self, head: _Head) -> None:
        target = classify(self.template, head.plain)
        if target is None or target.kind == "other":
            if self.current is not None and head.level > self.level and not head.label:
                self.sub(head, head.level - self.level)
                return
            if self.current == Key.TIMELINE and read_stamp(head.plain) is not None:
                self.sub(head, 1)
                return
            if target is None and head.level == 1 and self.title is None and self.current is None:
                self.title = head
                return
            if target is None and self.current is None and not self.preamble and self.title is None:
                self.title = head  # a page whose first heading is its title, at any level
                return
            self.switch(OTHER, head, as_topic=True)
            return
        if target.kind == "section":
            self.switch(target.key, head, as_topic=False, how=target.how)
        elif self.current is not None and head.level > self.level and not head.label:
            self.sub(head, head.level - self.level)  # a topic inside the section it is in stays there
        else:
            self.switch(target.key, head, as_topic=True)

    def sub(self, head: _Head, depth: int) -> None:
        assert self.current is not None
        marker = Sub(head.text, min(depth, 3))
        self.sections[self.current].parts.append(marker)
        self.last_marker = (self.current, marker, "")

    def carried(self, text: str) -> str:
        """A heading's text, after that of a heading just before it with nothing under it (a container
        such as `Lessons learned` over `What went well`), which is taken out of where it was put."""
        if self.last_marker is None:
            return text
        key, marker, note = self.last_marker
        parts = self.sections[key].parts
        if parts and parts[-1] is marker and len(marker.text) <= MAX_CARRIED:
            parts.pop()
            if parts and isinstance(parts[-1], Top):
                parts.pop()
            if note in self.mapped:
                self.mapped.remove(note)
            self.last_marker = None
            return f"{marker.text} › {text}"
        return text

    def switch(self, key: str, head: _Head, as_topic: bool, how: str = "") -> None:
        section = self.sections[key]
        level = head.level if not head.label else (self.level if self.current is not None else 2)
        if as_topic:
            text = self.carried(head.text)
            if section.parts and not isinstance(section.parts[-1], Top):
                section.parts.append(Top())
            marker = Sub(text)
            section.parts.append(marker)
            self.current, self.level, self.labelled = key, level, head.label
            title = OTHER_TITLE if key == OTHER else self.template.title(key)
            note = f"'{plain_text(text)}' (line {self.line(head.line)}) → a subsection of '{title}'"
            self.mapped.append(note)
            self.last_marker = (key, marker, note)
            return
        text = self.carried(head.text)
        if section.seen:
            section.parts.append(Bold(text))
        else:
            if section.parts:
                section.parts.append(Top())
            section.seen = True
            if not covered(plain_text(text), self.template.title(key)):
                section.origins.append(text)
                note = " (a near miss of its title)" if how == "near" else ""
                shown = f"'{plain_text(text)}' (line {self.line(head.line)})"
                self.mapped.append(f"{shown} → '{self.template.title(key)}'{note}")
        self.current, self.level, self.labelled = key, level, head.label
        self.last_marker = None

    # Paragraphs: bold labels and `Label:` lines ------------------------------------------------

    def label_of(self, line: str) -> tuple[str, str, bool] | None:
        """(label, value, bold) of a label line: `**Impact:** …`, `**Impact**`, `Severity: SEV-2`."""
        if match := BOLD_LABEL.match(line.strip()):
            return match["label"].strip(), match["value"].strip(), True
        if match := PLAIN_LABEL.match(line.strip()):
            return match["label"].strip(), match["value"].strip(), False
        return None

    def known_label(self, label: str, value: str, bold: bool) -> str | None:
        """What a label line is here: `meta` (a header field), `section` (starts one), `header` (another
        header line, only before the first section) or None (text)."""
        name = label_name(label)
        in_header = self.current is None
        if name in META_LABELS and (in_header or META_LABELS[name] in ("severity", "incident_date")):
            return "meta"
        target = classify(self.template, label, loose=False)
        if target is not None and (bold or in_header or self.labelled):
            return "section"
        if in_header and bold and value:
            return "header"
        return None

    def paragraph(self, element: El) -> None:
        lines = element.lines
        kinds: list[tuple[str, str, str] | None] = []
        for line in lines:
            found = self.label_of(line)
            kind = self.known_label(*found) if found else None
            kinds.append((kind, found[0], found[1]) if found and kind else None)
        if not any(kinds):
            self.add(element)
            return
        pending: list[str] = []
        pending_line = element.line

        def flush() -> None:
            nonlocal pending
            if any(text.strip() for text in pending):
                self.add(El("paragraph", pending, pending_line))
            pending = []

        for offset, (line, labelled) in enumerate(zip(lines, kinds, strict=True)):
            number = element.line + offset
            if labelled is None:
                if not pending:
                    pending_line = number
                pending.append(line)
                continue
            flush()
            what, label, value = labelled
            if what == "section":
                self.heading(_Head(self.level or 2, label, plain_text(label), number, label=True))
                if value:
                    pending, pending_line = [value], number
            else:
                self.header_line(label, value, line, number, meta=what == "meta")
        flush()

    def header_line(self, label: str, value: str, source: str, number: int, meta: bool) -> None:
        name = label_name(label)
        if meta:
            self.fact(META_LABELS[name], value, f"'{plain_text(label)}:' on line {self.line(number)}")
        if self.current is None:
            self.header.append(_Label(name, value, source.strip(), number))
        else:
            self.add(El("paragraph", [source], number))

    def label_list(self, element: El) -> bool:
        """A header written as a list of `**Label:** value` items: each read as a header line."""
        items = list_items(element)
        found = [self.label_of(item[0]) if len(item) == 1 else None for item in items]
        if not items or any(f is None for f in found):
            return False
        kinds = [self.known_label(*f) for f in found if f is not None]
        if "meta" not in kinds or any(kind is None for kind in kinds):
            return False
        for offset, (item, label) in enumerate(zip(items, found, strict=True)):
            assert label is not None
            number = element.line + offset
            kind = self.known_label(*label)
            if kind == "section":
                self.heading(_Head(self.level or 2, label[0], plain_text(label[0]), number, label=True))
                if label[1]:
                    self.add(El("paragraph", [label[1]], number))
            else:
                self.header_line(label[0], label[1], item[0], number, meta=kind == "meta")
        return True
