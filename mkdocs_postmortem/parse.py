"""Page text → `PostMortem`: the template's ten sections, their tables and lists, each with its line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from . import markdown as md
from .dates import in_range
from .fidelity import find_divergences
from .limits import MAX_TABLE_ROWS
from .metadata import read_front_matter
from .model import (
    ActionItem,
    HeaderKey,
    HeaderLine,
    ImpactRow,
    LabelledLine,
    MetaProblem,
    Placeholder,
    PostMortem,
    RegulatoryLine,
    Section,
    SectionContent,
    SignOff,
    Suppression,
    TableShape,
    TextItem,
    TimelineEvent,
    WhyPair,
)
from .template import ActionState, Key, Template, default_template
from .tickets import is_ticket_header

_HEADER_LINE = re.compile(
    r"\b(Author|Date|Severity|Status)\s*:\s*(.*?)(?=\s+\b(?:Author|Date|Severity|Status)\s*:|$)",
    re.MULTILINE,
)
_HEADER_KEYS: dict[str, HeaderKey] = {"Author": "author", "Date": "date", "Severity": "severity", "Status": "status"}
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# `2026-08-14`, `2026-08-14 09:12`, `2026-08-14T09:12:30.5`, then a zone: `Z`, `UTC`, `+00:00`, `(BST)`.
_TIME_CELL = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:(?:T|[ \t]+)(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?"
    r"[ \t]*(?:\(?([A-Za-z]{1,5}(?:[ \t]?[+-][ \t]?\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?)\)?)?$"
)
_UTC_ZONE = re.compile(r"^(?:z|utc|gmt)?(?:[ \t]?[+-][ \t]?0{1,2}(?::?00)?)?$", re.IGNORECASE)
# A due date, alone or followed by a note: `2026-12-01`, `2026-12-01 (Q4)`, `2026-12-01 — moved from Nov`.
_DUE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=$|[\s(\[,;.])")
# `Q:` at the start of a line; `A:` there or after the question's `?`, `.` or `!`. Each pattern starts
# with the character before the marker (the text is searched with a newline put before it), so the
# regular expression engine skips to candidates instead of trying every position.
_Q_MARK = re.compile(r"\n\s*Q\s*:")
_A_MARK = re.compile(r"[?.!\n]\s*A\s*:")
# The classic numbered form: a line that starts with `Why` and asks (a `?` within 300 characters), its
# answer after the `?` or from `Because` on (`1. Why did X? — Because Y.`, or `Because Y.` below it).
_WHY_MARK = re.compile(r"\n[ \t]*(?=[Ww][Hh][Yy]\b[^?]{0,300}\?)")
_WHY_LABEL = re.compile(r"^why\s*#?\d{1,2}\s*[:.)—–-]\s*", re.IGNORECASE)  # `Why 1: Why did …?`
_BECAUSE = re.compile(r"\bbecause\b", re.IGNORECASE)
_ANSWER_SEPARATORS = " \t\n—–-:→>"
_SPACES = re.compile(r"\s*")
_SYSTEMIC = re.compile(r"(?im)^\s*underlying systemic cause\s*[:.—-]?\s*(.*)$")

_SUPPRESSION = re.compile(
    r"<!--\s*postmortem:\s*disable\s+(?P<rules>[\w\s,-]{1,200}?)\s*"
    r"(?:reason\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'))?\s*-->",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\[([^\[\]\n]{1,160})\]")
_LABEL_SEPARATOR = re.compile(r":|\s[—–-]\s")
_APPLICABLE = re.compile(r"(?<!not )(?<!n/a )\bapplicable\b")
# A label inside a value (`Consumer protection — N/A.`) is a few words that do not start an answer
# or a reason (`No PHI was involved — N/A` reasons first).
_MAX_LABEL_WORDS = 5
_NOT_LABEL_START = frozenset(
    "n/a na n.a. n.a not no none nothing yes applicable reportable notified because since as so there we "
    "it this our all every".split()
)


def parse_date(text: str) -> dt.date | None:
    """The date at the start of `text` (`YYYY-MM-DD`), or None."""
    match = _DATE.match(text.strip())
    return _date(match[1], match[2], match[3]) if match else None


def _date(year: str, month: str, day: str) -> dt.date | None:
    """The date, if it is a real one in the range this tool reads (`dates.in_range`)."""
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return date if in_range(date) else None


def classify_status(cell: str, template: Template) -> tuple[ActionState | None, dt.date | None]:
    """An action item's free-text status → its state (in the template's words) and, when done, the
    completion date given (`✅ Done 2026-08-28`)."""
    state, words = template.classify_status(cell)
    completed = None
    if state is ActionState.DONE and (match := _DATE.search(words)):
        completed = parse_date(match.group(0))
    return state, completed


def parse_postmortem(path: str, text: str, template: Template | None = None, legacy: bool = False) -> PostMortem:
    """Read one post-mortem page as `template` (default: the CoE template) describes it. Never raises
    on bad input: problems become data for the rules. A `legacy` page may leave its incident date to
    its file name.

    The front matter is validated by its pydantic model; the body's elements are built by this
    parser with the right types already, so they are constructed without re-validation (speed).
    """
    template = template or default_template()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front = read_front_matter(text, template, infer_from=path if legacy else None)
    # Blank out the front matter instead of cutting it, so body lines are file lines.
    body = "\n" * front.lines + text[front.body_start :]
    blocks, outline = md.parse_blocks(body)

    pm = PostMortem(
        path=path,
        meta=front.meta,
        meta_problems=front.problems,
        meta_lines=front.key_lines,
        legacy=legacy,
    )
    grouped = _group_sections(blocks, pm, template)
    pm.meta_problems += _structure_limits(blocks)
    pm.placeholders = list(_placeholders(blocks, template))
    pm.divergences = find_divergences(body, blocks, outline, lambda heading: template.section_key(heading) is not None)
    pm.suppressions = list(_suppressions(blocks, body))
    if front.meta and front.meta.title:
        pm.title = front.meta.title
        pm.title_line = front.key_lines.get("title", 1)

    for key, section_blocks in grouped.items():
        spec = template.sections[key]
        reader = _READERS.get(key) if template.reads(key) else None
        if reader:
            reader(pm, section_blocks, template)
        if reader is None or spec.constrained:
            pm.contents[key] = _read_content(spec.contains, section_blocks)
    return pm


def _structure_limits(blocks: list[md.Block]) -> Iterator[MetaProblem]:
    """Tables too long to be a post-mortem's (the other limits are checked before parsing)."""
    for block in blocks:
        if isinstance(block, md.Table) and len(block.rows) > MAX_TABLE_ROWS:
            yield MetaProblem(
                line=block.line,
                kind="too_large",
                message=f"a table of {len(block.rows):,} rows, over the {MAX_TABLE_ROWS:,} limit",
            )


def _group_sections(blocks: list[md.Block], pm: PostMortem, template: Template) -> dict[str, list[md.Block]]:
    grouped: dict[str, list[md.Block]] = {}
    current: list[md.Block] | None = None
    current_level = 0
    preamble: list[md.Block] = []
    parents: set[str] = set()  # sections whose content is subsections that are sections themselves
    current_key = ""
    for block in blocks:
        if isinstance(block, md.Heading):
            key = template.section_key(block.text)
            if block.level == 1 and pm.title is None and key is None:
                pm.title, pm.title_line = block.text, block.line
            if key and key not in grouped:
                if current is not None and block.level > current_level:
                    parents.add(current_key)
                current, current_level, current_key = [], block.level, key
                grouped[key] = current
                pm.sections[key] = Section(line=block.line, key=key, heading=block.text, empty=True)
                continue
            if key is None and block.level >= 2 and (near := template.near_section(block.text)):
                pm.near_misses.append(Section(line=block.line, key=near, heading=block.text, empty=True))
            if current is not None and block.level <= current_level:
                current = None
        if current is not None:
            current.append(block)
        elif not grouped:
            preamble.append(block)
    for key, section_blocks in grouped.items():
        pm.sections[key].empty = key not in parents and not any(_has_content(block) for block in section_blocks)
    pm.headers = [
        HeaderLine(line=block.line + block.text[: m.start()].count("\n"), key=_HEADER_KEYS[m[1]], value=m[2].strip())
        for block in preamble
        if isinstance(block, md.Paragraph)
        for m in _HEADER_LINE.finditer(block.text)
    ]
    return grouped


def _has_content(block: md.Block) -> bool:
    if isinstance(block, md.Paragraph | md.Heading):
        return bool(block.text)
    if isinstance(block, md.ListBlock):
        return any(item.text for item in block.items)
    if isinstance(block, md.Table):
        return any(cell.text for row in block.rows for cell in row)
    return False


def _texts(blocks: list[md.Block]) -> Iterator[TextItem]:
    """Every paragraph and list item of a section, in order, as plain text."""
    for block in blocks:
        if isinstance(block, md.Paragraph) and block.text:
            yield TextItem(line=block.line, text=block.text)
        elif isinstance(block, md.ListBlock):
            for item in block.items:
                if item.text:
                    yield TextItem(line=item.line, text=item.text)


def _first_table(blocks: list[md.Block]) -> md.Table | None:
    return next((block for block in blocks if isinstance(block, md.Table)), None)


def _filled_rows(table: md.Table) -> list[list[md.Cell]]:
    return [row for row in table.rows if any(cell.text for cell in row)]


def _cell(row: list[md.Cell], index: int | None) -> str:
    return row[index].text if index is not None and index < len(row) else ""


def _read_summary(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    """The summary's paragraphs and items as one text, joined by as many line feeds as there are between
    them, so that the text's lines are the page's (a control character in it is reported on its line)."""
    texts = list(_texts(blocks))
    if texts:
        parts = [texts[0].text]
        end = texts[0].line + texts[0].text.count("\n")  # the line the text so far ends on
        for item in texts[1:]:
            parts += "\n" * max(item.line - end, 1), item.text
            end = item.line + item.text.count("\n")
        pm.summary = TextItem(line=texts[0].line, text="".join(parts))


def _read_timeline(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    table = _first_table(blocks)
    if table is None:
        return
    pm.timeline = []
    for row in _filled_rows(table):
        time, event = _cell(row, 0), _cell(row, 1)
        at, has_time, zone = None, False, ""
        if (match := _TIME_CELL.match(time)) and (day := _date(match[1], match[2], match[3])):
            if match[7] and not _UTC_ZONE.match(match[7]):
                zone = match[7]
            elif match[4] is None:
                at = dt.datetime(day.year, day.month, day.day)
            elif int(match[4]) < 24 and int(match[5]) < 60 and int(match[6] or 0) < 60:
                at = dt.datetime(day.year, day.month, day.day, int(match[4]), int(match[5]), int(match[6] or 0))
                has_time = True
        pm.timeline.append(TimelineEvent(line=row[0].line, time=time, event=event, at=at, has_time=has_time, zone=zone))


def _read_impact(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    table = _first_table(blocks)
    if table is not None:
        pm.impact = [
            ImpactRow(line=row[0].line, dimension=_cell(row, 0), impact=_cell(row, 1)) for row in _filled_rows(table)
        ]


def _read_went_well(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    pm.went_well = list(_texts(blocks))


def _read_went_wrong(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    pm.went_wrong = list(_texts(blocks))


def _read_communications(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    pm.communications = list(_texts(blocks))


def _read_root_cause(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    pm.whys, pm.systemic_cause = _pairs(blocks)


def _pairs(blocks: list[md.Block]) -> tuple[list[WhyPair], TextItem | None]:
    """Question and answer pairs (the 5 whys), as `Q: … A: …` (on one line or two) or as `Why …? Because …`
    lines, and the `Underlying systemic cause:` line after them."""
    pairs: list[WhyPair] = []
    systemic_cause: TextItem | None = None
    pending: WhyPair | None = None
    for chunk in _texts(blocks):
        text = chunk.text
        if systemic := _SYSTEMIC.search(text):
            line = chunk.line + text[: systemic.start()].count("\n")
            systemic_cause = TextItem(line=line, text=systemic[1].strip())
            text = text[: systemic.start()]
        marks = sorted(_marks(text))
        if not marks and pending is not None and not pending.answer and _BECAUSE.match(text):
            pending.answer, pending.answer_line = " ".join(text.split()), chunk.line  # `Because …` below its question
        for index, (_, end, kind) in enumerate(marks):
            stop = marks[index + 1][0] if index + 1 < len(marks) else len(text)
            content = text[end:stop]
            line = chunk.line + text[:end].count("\n")
            if kind != "A":
                answered_next = index + 1 < len(marks) and marks[index + 1][2] == "A"
                question, at = (content, -1) if answered_next else _split_why(content, loose=kind == "W")
                pending = WhyPair(line=line, question=" ".join(_WHY_LABEL.sub("", question.strip()).split()), answer="")
                if at >= 0:
                    pending.answer, pending.answer_line = (
                        " ".join(content[at:].split()),
                        line + content[:at].count("\n"),
                    )
                pairs.append(pending)
            elif pending is not None and not pending.answer:
                pending.answer, pending.answer_line = " ".join(content.split()), line
    return pairs, systemic_cause


def _marks(text: str) -> Iterator[tuple[int, int, str]]:
    """(where the marker starts, where its content starts, `Q`, `A` or `W`) for each marker in `text`;
    `W` is a line that starts with `Why` and asks, a question whose content starts at the `Why`."""
    shifted = "\n" + text  # index i of `shifted` is the place before index i of `text`
    for kind, pattern in (("Q", _Q_MARK), ("A", _A_MARK)):
        for match in pattern.finditer(shifted):
            spaces = _SPACES.match(shifted, match.end())
            assert spaces is not None  # `\s*` matches anywhere
            yield match.start(), spaces.end() - 1, kind
    for match in _WHY_MARK.finditer(shifted):
        yield match.start(), match.end() - 1, "W"


def _split_why(content: str, loose: bool) -> tuple[str, int]:
    """A question with its answer in the same text → (the question, where the answer starts, or -1):
    after the first `?` (separators such as `—` skipped; `loose`: whatever follows, else only an answer
    that starts `Because`), else from `because` on."""
    mark = content.find("?")
    if mark >= 0:
        rest = content[mark + 1 :]
        answer = rest.lstrip(_ANSWER_SEPARATORS)
        found = bool(answer) and (loose or _BECAUSE.match(answer) is not None)
        return content[: mark + 1], (mark + 1 + len(rest) - len(answer)) if found else -1
    if match := _BECAUSE.search(content):
        return content[: match.start()].rstrip(_ANSWER_SEPARATORS + ","), match.start()
    return content, -1


def _read_actions(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    """The items of every action-items table of the section (one, or one per subsection)."""
    for block in blocks:
        if isinstance(block, md.Table) and template.is_action_table(block.header):
            _read_action_table(pm, block, template)


def _read_action_table(pm: PostMortem, table: md.Table, template: Template) -> None:
    columns: dict[str, int] = {}
    extra: dict[int, str] = {}
    for index, name in enumerate(table.header):
        key = template.action_column(name)
        if key and key not in columns:
            columns[key] = index
        elif name:
            extra[index] = name
    number, action, severity, owner, due_at, status_at = (
        columns.get(key) for key in ("number", "action", "severity", "owner", "due", "status")
    )
    ticket_at = next((index for index, name in extra.items() if is_ticket_header(name)), None)
    if pm.actions is None:
        pm.actions = []
    for position, row in enumerate(_filled_rows(table), start=len(pm.actions) + 1):
        status = _cell(row, status_at)
        due = _cell(row, due_at)
        state, completed = classify_status(status, template) if status else (None, None)
        due_match = _DUE.match(due.strip())
        pm.actions.append(
            ActionItem(
                line=row[0].line,
                number=_cell(row, number) or str(position),
                action=_cell(row, action),
                severity=_cell(row, severity),
                owner=_cell(row, owner),
                due=due,
                due_date=_date(due_match[1], due_match[2], due_match[3]) if due_match else None,
                status=status,
                state=state,
                completed=completed,
                extra={name: _cell(row, index) for index, name in extra.items()} if extra else {},
                ticket=_ticket_cell(row, ticket_at),
                links=row[action].links if action is not None and action < len(row) else (),
            )
        )


def _ticket_cell(row: list[md.Cell], index: int | None) -> str:
    """The ticket cell as `ActionItem.ticket` keeps it: its links' destinations, else its text."""
    if index is None or index >= len(row):
        return ""
    cell = row[index]
    return " ".join(cell.links) if cell.links else cell.text


def _read_regulatory(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    for chunk in _texts(blocks):
        text = " ".join(chunk.text.split())
        label, value = split_label(text)
        kind = template.regulatory_key(label)
        if kind is None:
            continue
        pm.regulatory.append(
            RegulatoryLine(
                line=chunk.line, kind=kind, label=label, value=value, applicable=_applicable(regulatory_answer(value))
            )
        )


def split_label(text: str) -> tuple[str, str]:
    """`SOX — Not material.` / `Sector regulations: N/A — …` → (label, value); paren-aware."""
    first = _LABEL_SEPARATOR.search(text)
    if first is None:
        return text.strip(), ""
    if "(" not in text[: first.start()]:
        return text[: first.start()].strip(), text[first.end() :].strip()
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0 and (match := _LABEL_SEPARATOR.match(text, index)):
            return text[:index].strip(), text[match.end() :].strip()
    return text.strip(), ""


def regulatory_answer(value: str) -> str:
    """The answer in a regulatory line's value, after a label naming what it is about:
    `Consumer protection — N/A.` → `N/A.`; a value that starts with its answer is returned whole."""
    label, answer = split_label(value)
    words = label.split()
    if not answer or not 1 <= len(words) <= _MAX_LABEL_WORDS or words[0].casefold() in _NOT_LABEL_START:
        return value
    return answer


def _applicable(value: str) -> bool | None:
    """True when the answer says the regulation applies, False for N/A or "not …", else None."""
    folded = value.casefold()
    if folded.startswith(("n/a", "na ", "na.", "not ", "no ", "no.", "no,", "none")) or folded == "no":
        return False
    if folded.startswith(("yes", "reportable")) or _APPLICABLE.search(folded):
        return True
    return None


def _read_signoff(pm: PostMortem, blocks: list[md.Block], template: Template) -> None:
    table = _first_table(blocks)
    if table is None:
        return
    role, name, date = _signoff_columns(table.header)
    pm.signoff = [
        SignOff(
            line=row[0].line,
            role=_cell(row, role),
            role_key=template.role_key(_cell(row, role)),
            name=_cell(row, name),
            date=_cell(row, date),
            signed=parse_date(_cell(row, date)),
        )
        for row in _filled_rows(table)
    ]


def _signoff_columns(header: list[str]) -> tuple[int, int, int]:
    """The role, name and date columns, by their headers (`| Name | Role | Date |`); a column whose
    header is not recognised takes the first free one in the template's order: Role, Name, Date."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _signoff_column(cell)
        if key and key not in found:
            found[key] = index
    free = iter([index for index in range(max(len(header), 3)) if index not in found.values()])
    role, name, date = (found[key] if key in found else next(free) for key in ("role", "name", "date"))
    return role, name, date


@lru_cache(maxsize=256)
def _signoff_column(header: str) -> str | None:
    name = header.strip().casefold().rstrip(".:")
    if name.startswith(("role", "position")):
        return "role"
    if name.startswith("name") or name in (
        "who",
        "person",
        "signed by",
        "signatory",
        "signer",
        "full name",
        "reviewer name",
    ):
        return "name"
    if name.startswith("date") or name.endswith("date") or name in ("signed", "signed on", "signed off", "when"):
        return "date"
    return None


_READERS: dict[str, Callable[[PostMortem, list[md.Block], Template], None]] = {
    Key.SUMMARY: _read_summary,
    Key.TIMELINE: _read_timeline,
    Key.IMPACT: _read_impact,
    Key.WENT_WELL: _read_went_well,
    Key.WENT_WRONG: _read_went_wrong,
    Key.ROOT_CAUSE: _read_root_cause,
    Key.ACTIONS: _read_actions,
    Key.COMMUNICATIONS: _read_communications,
    Key.REGULATORY: _read_regulatory,
    Key.SIGNOFF: _read_signoff,
}


def _read_content(contains: str, blocks: list[md.Block]) -> SectionContent:
    """What a section holds, read as its template says: text, a table, Q/A pairs or labelled lines."""
    content = SectionContent(items=list(_texts(blocks)))
    if contains == "table" and (table := _first_table(blocks)) is not None:
        content.table = TableShape(line=table.line, header=table.header, rows=len(_filled_rows(table)))
    elif contains == "qa":
        content.pairs = _pairs(blocks)[0]
    elif contains == "labelled":  # a line each: `- **Label:** answer`, or `Label: answer` lines of a paragraph
        for item in content.items:
            for offset, line in enumerate(item.text.split("\n")):
                if line.strip():
                    label, value = split_label(" ".join(line.split()))
                    content.labelled.append(LabelledLine(line=item.line + offset, label=label, value=value))
    return content


def _suppressions(blocks: list[md.Block], body: str) -> Iterator[Suppression]:
    """Disable comments; each covers the block after it (up to the next blank line).

    Linear in the page however many comments there are, and however they are placed (one HTML block
    of thousands of comments, thousands of lines without a blank one): each comment's line is counted
    on from the previous one's, and its block looked up in `_BlockAfter`'s tables.
    """
    after: _BlockAfter | None = None
    for block in blocks:
        if not isinstance(block, md.Html):
            continue
        text, line, counted = block.text, block.line, 0  # `line` is the line of `text[counted]`
        for match in _SUPPRESSION.finditer(text):
            line += text.count("\n", counted, match.start())
            start_line = line
            line += text.count("\n", match.start(), match.end())  # the comment's last line
            counted = match.end()
            after = after or _BlockAfter(body)
            first, last = after.block(line + 1)
            reason = match["dq"] if match["dq"] is not None else match["sq"]
            yield Suppression(
                line=start_line,
                rules=[name for name in re.split(r"[\s,]+", match["rules"]) if name],
                reason=reason.strip() if reason and reason.strip() else None,
                first_line=first,
                last_line=last,
            )


class _BlockAfter:
    """The block that starts at or after a line: its first and last lines, looked up, not scanned for."""

    def __init__(self, body: str) -> None:
        lines = body.split("\n")
        count = len(lines)
        # For each line (1-based, and one past the end): the first non-blank line at or after it, and
        # the last line of the run of non-blank lines it is in (itself when blank).
        self.next_text = [count + 1] * (count + 2)
        self.run_end = list(range(count + 2))
        for number in range(count, 0, -1):
            if lines[number - 1].strip():
                self.next_text[number] = number
                if number < count and lines[number].strip():
                    self.run_end[number] = self.run_end[number + 1]
            else:
                self.next_text[number] = self.next_text[number + 1]

    def block(self, line: int) -> tuple[int, int]:
        """The first and last line of the block at or after `line` (past the end: one past the last line, twice)."""
        first = self.next_text[min(line, len(self.next_text) - 1)]
        return first, self.run_end[min(first, len(self.run_end) - 1)]


def _placeholders(blocks: list[md.Block], template: Template) -> Iterator[Placeholder]:
    """Text left in from the blank template: `[Item 1]`, `[Why did X happen?]`, its guidance lines."""
    guidance_lines = template.placeholders.guidance
    texts = list(_all_text(blocks))
    everything = "\n".join(text for text, _ in texts)
    if "[" not in everything and not any(guidance in everything for guidance in guidance_lines):
        return  # a finished page: nothing to look for, text by text
    for text, line in texts:
        if "[" not in text and not any(guidance in text for guidance in guidance_lines):
            continue
        for match in _BRACKETED.finditer(text):
            if template.is_placeholder(match[1]):
                yield Placeholder(line=line + text[: match.start()].count("\n"), text=match[0])
        for guidance in guidance_lines:
            if (index := text.find(guidance)) >= 0:
                yield Placeholder(line=line + text[:index].count("\n"), text=guidance)


def _all_text(blocks: list[md.Block]) -> Iterator[tuple[str, int]]:
    for block in blocks:
        if isinstance(block, md.Heading | md.Paragraph):
            yield block.text, block.line
        elif isinstance(block, md.ListBlock):
            for item in block.items:
                yield item.text, item.line
        elif isinstance(block, md.Table):
            for row in block.rows:
                for cell in row:
                    yield cell.text, cell.line
