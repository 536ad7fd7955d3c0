"""Page text → `PostMortem`: the template's ten sections, their tables and lists, each with its line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from . import markdown as md
from .fidelity import find_divergences
from .limits import MAX_TABLE_ROWS
from .metadata import read_front_matter
from .model import (
    ActionItem,
    ActionState,
    HeaderLine,
    ImpactRow,
    MetaProblem,
    Placeholder,
    PostMortem,
    RegulatoryLine,
    Section,
    SignOff,
    Suppression,
    TextItem,
    TimelineEvent,
    WhyPair,
)

# Section keys and the heading words that name them (compared after `normalise_heading`).
# Besides the template's own titles, the names teams commonly give the same section; never a name
# for only part of one (`Customer impact` is a row of the impact table, `Contributing factors` are
# not the 5 whys), nor a word a subheading elsewhere could use (`Compliance`, `Remediation`).
SECTIONS: dict[str, tuple[str, ...]] = {
    "summary": ("incident summary", "summary", "summary of the incident", "incident overview", "executive summary"),
    "timeline": ("timeline", "timeline of events", "event timeline", "incident timeline", "chronology"),
    "impact": ("impact", "impact assessment", "impact analysis", "business impact", "incident impact"),
    "went_well": ("what went well", "what went right", "things that went well", "what worked", "what worked well"),
    "went_wrong": (
        "what went wrong", "what didn't go well", "what did not go well", "what could have gone better",
        "things that went wrong", "what went poorly", "what didn't work",
    ),
    "root_cause": (
        "root cause", "root causes", "root cause analysis", "rca", "5 whys", "five whys", "5 why's", "five why's",
        "root cause and contributing factors",
    ),
    "actions": (
        "action items", "actions", "follow-up actions", "follow-up items", "follow-ups", "action plan",
        "corrective actions", "corrective and preventive actions", "remediation items", "remediation actions",
    ),
    "communications": (
        "communications", "communication", "communication plan", "stakeholder communications",
        "stakeholder communication", "comms",
    ),
    "regulatory": (
        "regulatory considerations", "regulatory", "compliance considerations", "regulatory and compliance",
        "regulatory and compliance considerations",
    ),
    "signoff": (
        "sign-off", "sign off", "signoff", "sign-offs", "sign offs", "signoffs", "approvals", "sign-off and approval",
        "review and approval", "reviews and approvals", "approval and sign-off",
    ),
}
SECTION_TITLES: dict[str, str] = {
    "summary": "1. Incident summary",
    "timeline": "2. Timeline",
    "impact": "3. Impact",
    "went_well": "4. What went well",
    "went_wrong": "5. What went wrong",
    "root_cause": "6. Root cause (5 whys)",
    "actions": "7. Action items",
    "communications": "8. Communications",
    "regulatory": "9. Regulatory considerations",
    "signoff": "10. Sign-off",
}
_HEADING_NAMES = {name: key for key, names in SECTIONS.items() for name in names}

_HEADING_NUMBER = re.compile(r"^\s*(?:section\s+)?(\d+)\s*[.):-]?\s*", re.IGNORECASE)
_NEAR_MISS = 0.8  # difflib ratio from which a heading is taken for a typo of a section name
_NEAR_MISS_NUMBERED = 0.6  # the same, for a heading numbered as the section is
# `:memo:` (pymdownx.emoji's shortcodes, Material's `:material-check:`), and the Unicode categories of
# emoji and what rides on them: symbols (So), skin tones (Sk), variation selectors (Mn), keycaps
# (Me), joiners (Cf), and emoji newer than this Python's Unicode tables (Cn).
_SHORTCODE = re.compile(r":[a-z0-9_+-]{1,60}:", re.IGNORECASE)
_SYMBOL_CATEGORIES = frozenset({"So", "Sk", "Mn", "Me", "Cf", "Cn"})
_PARENTHETICAL = re.compile(r"\s?\([^)]{0,200}\)")
_HEADER_LINE = re.compile(
    r"\b(Author|Date|Severity|Status)\s*:\s*(.*?)(?=\s+\b(?:Author|Date|Severity|Status)\s*:|$)",
    re.MULTILINE,
)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# `2026-08-14`, `2026-08-14 09:12`, `2026-08-14T09:12:30.5`, then a zone: `Z`, `UTC`, `+00:00`, `(BST)`.
_TIME_CELL = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?"
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
_PLACEHOLDER_EXACT = {
    "agent id", "severity", "yyyy-mm-dd", "coe lead or delegate", "sev-1 / sev-2", "none / describe",
    "...", "…", "root systemic cause", "one sentence", "who was informed when",
    "whether external communication was required", "notified / not applicable",
}
_PLACEHOLDER_PREFIXES = (
    "date of write-up", "open / closed", "3–5 sentences", "3-5 sentences", "specific impact metric",
    "item ", "why did", "because ", "applicable?", "hipaa breach?",
)
_TEMPLATE_GUIDANCE = (
    "(Blameless — celebrate the parts of the response that worked.)",
    "Include events from before the incident if relevant",
    "Each action item must have:",
)

_SECTOR_NAMES = re.compile(
    r"\b(SOX|Sarbanes[- ]Oxley|HIPAA|GDPR|PCI(?:[- ]DSS)?|GLBA|FINRA|SEC|NIS ?2|DORA|CCPA|FERPA|FCA|PRA|"
    r"MiFID|Basel|FDA|NYDFS|SOC ?2|ISO ?27001|HITECH|COPPA|AML|KYC)\b"
)
_LABEL_SEPARATOR = re.compile(r":|\s[—–-]\s")
_APPLICABLE = re.compile(r"(?<!not )(?<!n/a )\bapplicable\b")
# A label inside a value (`Consumer protection — N/A.`) is a few words that do not start an answer
# or a reason (`No PHI was involved — N/A` reasons first).
_MAX_LABEL_WORDS = 5
_NOT_LABEL_START = frozenset(
    "n/a na n.a. n.a not no none nothing yes applicable reportable notified because since as so there we it this our "
    "all every".split()
)

_STATUS_PATTERNS: tuple[tuple[ActionState, re.Pattern[str]], ...] = (
    (ActionState.WONT_DO, re.compile(
        r"^(?:won['’]?t(?: do|fix)|will not|not doing|cancel+ed|dropped|rejected|declined|"
        r"obsolete|wontfix|n/?a\b)", re.IGNORECASE)),
    (ActionState.DONE, re.compile(
        r"^(?:done|closed|complete[d]?|shipped|fixed|resolved|merged|finished|deployed)", re.IGNORECASE)),
    (ActionState.IN_PROGRESS, re.compile(
        r"^(?:in[ -]?progress|wip\b|ongoing|started|underway|under way|in review|doing)", re.IGNORECASE)),
    (ActionState.OPEN, re.compile(
        r"^(?:open|to ?do|not started|planned|pending|blocked|new|backlog|scheduled)", re.IGNORECASE)),
)
# What a status that is only a mark means (`✅ (2026-08-28)`); words win when there are any. Coloured
# circles other than red are left alone: green or amber may mean "on track" as well as done.
_MARK_STATES: dict[str, ActionState] = {
    **dict.fromkeys(("✅", "✔", "☑", "✓", ":white_check_mark:", ":heavy_check_mark:", ":ballot_box_with_check:"),
                    ActionState.DONE),
    **dict.fromkeys(("❌", "🚫", "✖", ":x:", ":no_entry_sign:", ":heavy_multiplication_x:"), ActionState.WONT_DO),
    **dict.fromkeys(("🔄", "⏳", "⌛", "🚧", ":arrows_counterclockwise:", ":hourglass:", ":hourglass_flowing_sand:",
                     ":construction:"), ActionState.IN_PROGRESS),
    **dict.fromkeys(("⬜", "🔲", "☐", "🔴", ":white_large_square:", ":red_circle:"), ActionState.OPEN),
}
_MARK_TOKEN = re.compile(r":[a-z0-9_+-]{1,60}:|.", re.IGNORECASE | re.DOTALL)


def without_parentheticals(text: str) -> str:
    """`Mike Chen (Finance Champion)` → `Mike Chen`; white space folded."""
    return _PARENTHETICAL.sub("", " ".join(text.split())).strip()


def _without_marks(text: str) -> str:
    """`🧭 Timeline`, `:memo: Summary`, `**✔️ Done**` → the text after its leading emoji, shortcodes and emphasis."""
    return text[_marks_end(text) :]


def _marks_end(text: str) -> int:
    """Where `text` starts once leading emoji, `:shortcode:`s, emphasis marks and spaces are skipped."""
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == ":" and (match := _SHORTCODE.match(text, index)):
            index = match.end()
        elif char in " \t*_" or unicodedata.category(char) in _SYMBOL_CATEGORIES:
            index += 1
        else:
            break
    return index


_ATTRIBUTE_LIST = re.compile(r"\s*\{:?\s*[#.][^{}]{0,200}\}$")  # `{#id .class}`, Python-Markdown's attr_list


def _heading_parts(text: str) -> tuple[int | None, str]:
    """`## 🧭 2. Timeline of events ⏱️ {#timeline}` → (2, `timeline of events`)."""
    text = _without_marks(_ATTRIBUTE_LIST.sub("", " ".join(text.split())))
    number = None
    if match := _HEADING_NUMBER.match(text):
        number, text = int(match[1]), _without_marks(text[match.end() :])
    text = without_parentheticals(text)
    while text and unicodedata.category(text[-1]) in _SYMBOL_CATEGORIES:  # a trailing emoji
        text = text[:-1]
    return number, " ".join(text.strip().rstrip(".:;!?").split()).casefold().replace("’", "'")


def normalise_heading(text: str) -> str:
    """`## 6. Root Cause (5 whys):` → `root cause`; leading emoji and `:shortcodes:` are dropped too."""
    return _heading_parts(text)[1]


@lru_cache(maxsize=4096)  # a library repeats the same ten headings on every page
def section_key(heading: str) -> str | None:
    """The section a heading names, if it names one of the template's ten."""
    return _HEADING_NAMES.get(normalise_heading(heading))


def _is_section(heading: str) -> bool:
    return section_key(heading) is not None


@lru_cache(maxsize=4096)
def near_section(heading: str) -> str | None:
    """The section a heading that names none was probably meant to name: a typo of one of its names
    (`Acton items`, `Regulatroy considerations`), or a heading numbered as the section is whose words
    are close (`7. Actions taken`)."""
    number, name = _heading_parts(heading)
    if not name or name in _HEADING_NAMES:
        return None
    if close := difflib.get_close_matches(name, _HEADING_NAMES, n=1, cutoff=_NEAR_MISS):
        return _HEADING_NAMES[close[0]]
    keys = list(SECTION_TITLES)
    if number is not None and 1 <= number <= len(keys):
        key = keys[number - 1]
        if difflib.get_close_matches(name, SECTIONS[key], n=1, cutoff=_NEAR_MISS_NUMBERED):
            return key
    return None


def parse_date(text: str) -> dt.date | None:
    """The date at the start of `text` (`YYYY-MM-DD`), or None."""
    match = _DATE.match(text.strip())
    return _date(match[1], match[2], match[3]) if match else None


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # "Open", "Done", "In progress": the same few cells on every page
def classify_status(cell: str) -> tuple[ActionState | None, dt.date | None]:
    """An action item's free-text status → its state and, when done, the completion date given.

    Leading emoji and shortcodes are skipped (`:white_check_mark: Done`, `🟡 In progress`); the words
    after them decide, and a status that is only a mark (`✅ (2026-08-28)`) is read by the mark.
    """
    text = cell.strip()
    start = _marks_end(text)
    words = text[start:]
    state = next((state for state, pattern in _STATUS_PATTERNS if pattern.match(words)), None)
    if state is None:
        state = next((_MARK_STATES[token.lower()] for token in _MARK_TOKEN.findall(text[:start])
                      if token.lower() in _MARK_STATES), None)
    completed = None
    if state is ActionState.DONE and (match := _DATE.search(words)):
        completed = parse_date(match.group(0))
    return state, completed


def parse_postmortem(path: str, text: str) -> PostMortem:
    """Read one post-mortem page. Never raises on bad input: problems become data for the rules.

    The front matter is validated by its pydantic model; the body's elements are built by this
    parser with the right types already, so they are constructed without re-validation (speed).
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front = read_front_matter(text)
    # Blank out the front matter instead of cutting it, so body lines are file lines.
    body = "\n" * front.lines + text[front.body_start :]
    blocks, outline = md.parse_blocks(body)

    pm = PostMortem(
        path=path,
        meta=front.meta,
        meta_problems=front.problems,
        meta_lines=front.key_lines,
    )
    grouped = _group_sections(blocks, pm)
    pm.meta_problems += _structure_limits(blocks)
    pm.placeholders = list(_placeholders(blocks))
    pm.divergences = find_divergences(body, blocks, outline, _is_section)
    pm.suppressions = list(_suppressions(blocks, body))
    if front.meta and front.meta.title:
        pm.title = front.meta.title
        pm.title_line = front.key_lines.get("title", 1)

    for key, section_blocks in grouped.items():
        reader = _READERS.get(key)
        if reader:
            reader(pm, section_blocks)
    return pm


def _structure_limits(blocks: list[md.Block]) -> Iterator[MetaProblem]:
    """Tables too long to be a post-mortem's (the other limits are checked before parsing)."""
    for block in blocks:
        if isinstance(block, md.Table) and len(block.rows) > MAX_TABLE_ROWS:
            yield MetaProblem(
                line=block.line, kind="too_large", message=f"a table of {len(block.rows):,} rows, over the {MAX_TABLE_ROWS:,} limit"
            )


def _group_sections(blocks: list[md.Block], pm: PostMortem) -> dict[str, list[md.Block]]:
    grouped: dict[str, list[md.Block]] = {}
    current: list[md.Block] | None = None
    current_level = 0
    preamble: list[md.Block] = []
    for block in blocks:
        if isinstance(block, md.Heading):
            key = section_key(block.text) if block.level >= 2 else None
            if block.level == 1 and pm.title is None:
                pm.title, pm.title_line = block.text, block.line
            if key and key not in grouped:
                current, current_level = [], block.level
                grouped[key] = current
                pm.sections[key] = Section(line=block.line, key=key, heading=block.text, empty=True)
                continue
            if key is None and block.level >= 2 and (near := near_section(block.text)):
                pm.near_misses.append(Section(line=block.line, key=near, heading=block.text, empty=True))
            if current is not None and block.level <= current_level:
                current = None
        if current is not None:
            current.append(block)
        elif not grouped:
            preamble.append(block)
    for key, section_blocks in grouped.items():
        pm.sections[key].empty = not any(_has_content(block) for block in section_blocks)
    pm.headers = [
        HeaderLine(line=block.line + block.text[: m.start()].count("\n"), key=m[1].lower(), value=m[2].strip())
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


def _first_table(blocks: list[md.Block], *required: str) -> md.Table | None:
    for block in blocks:
        if isinstance(block, md.Table):
            header = " ".join(block.header).casefold()
            if all(word in header for word in required):
                return block
    return None


def _filled_rows(table: md.Table) -> list[list[md.Cell]]:
    return [row for row in table.rows if any(cell.text for cell in row)]


def _cell(row: list[md.Cell], index: int | None) -> str:
    return row[index].text if index is not None and index < len(row) else ""


def _read_summary(pm: PostMortem, blocks: list[md.Block]) -> None:
    texts = list(_texts(blocks))
    if texts:
        pm.summary = TextItem(line=texts[0].line, text=" ".join(t.text for t in texts))


def _read_timeline(pm: PostMortem, blocks: list[md.Block]) -> None:
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
        pm.timeline.append(
            TimelineEvent(line=row[0].line, time=time, event=event, at=at, has_time=has_time, zone=zone)
        )


def _read_impact(pm: PostMortem, blocks: list[md.Block]) -> None:
    table = _first_table(blocks)
    if table is not None:
        pm.impact = [
            ImpactRow(line=row[0].line, dimension=_cell(row, 0), impact=_cell(row, 1)) for row in _filled_rows(table)
        ]


def _read_went_well(pm: PostMortem, blocks: list[md.Block]) -> None:
    pm.went_well = list(_texts(blocks))


def _read_went_wrong(pm: PostMortem, blocks: list[md.Block]) -> None:
    pm.went_wrong = list(_texts(blocks))


def _read_communications(pm: PostMortem, blocks: list[md.Block]) -> None:
    pm.communications = list(_texts(blocks))


def _read_root_cause(pm: PostMortem, blocks: list[md.Block]) -> None:
    """The 5 whys, as `Q: … A: …` pairs (on one line or two) or as `Why …? Because …` lines."""
    pending: WhyPair | None = None
    for chunk in _texts(blocks):
        text = chunk.text
        if systemic := _SYSTEMIC.search(text):
            line = chunk.line + text[: systemic.start()].count("\n")
            pm.systemic_cause = TextItem(line=line, text=systemic[1].strip())
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
                    pending.answer, pending.answer_line = " ".join(content[at:].split()), line + content[:at].count("\n")
                pm.whys.append(pending)
            elif pending is not None and not pending.answer:
                pending.answer, pending.answer_line = " ".join(content.split()), line


def _marks(text: str) -> Iterator[tuple[int, int, str]]:
    """(where the marker starts, where its content starts, `Q`, `A` or `W`) for each marker in `text`;
    `W` is a line that starts with `Why` and asks, a question whose content starts at the `Why`."""
    shifted = "\n" + text  # index i of `shifted` is the place before index i of `text`
    for kind, pattern in (("Q", _Q_MARK), ("A", _A_MARK)):
        for match in pattern.finditer(shifted):
            yield match.start(), _SPACES.match(shifted, match.end()).end() - 1, kind
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


def _read_actions(pm: PostMortem, blocks: list[md.Block]) -> None:
    table = _first_table(blocks, "action")
    if table is None:
        return
    columns: dict[str, int] = {}
    extra: dict[int, str] = {}
    for index, name in enumerate(table.header):
        key = _action_column(name)
        if key and key not in columns:
            columns[key] = index
        elif name:
            extra[index] = name
    number, action, severity, owner, due_at, status_at = (
        columns.get(key) for key in ("number", "action", "severity", "owner", "due", "status")
    )
    pm.actions = []
    for position, row in enumerate(_filled_rows(table), start=1):
        status = _cell(row, status_at)
        due = _cell(row, due_at)
        state, completed = classify_status(status) if status else (None, None)
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
            )
        )


def _action_column(name: str) -> str | None:
    name = name.strip().casefold().rstrip(".")
    if name in ("#", "no", "id", "number", "nr"):
        return "number"
    for key in ("action", "owner", "due", "status", "severity"):
        if name.startswith(key):
            return key
    if name in ("type", "category", "kind"):
        return "severity"
    return None


def _read_regulatory(pm: PostMortem, blocks: list[md.Block]) -> None:
    for chunk in _texts(blocks):
        text = " ".join(chunk.text.split())
        label, value = split_label(text)
        folded = label.casefold()
        if "eu ai act" in folded or "article 73" in folded:
            kind = "eu_ai_act"
        elif "internal audit" in folded:
            kind = "internal_audit"
        elif "sector" in folded or _SECTOR_NAMES.search(label):
            kind = "sector"
        else:
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


def _read_signoff(pm: PostMortem, blocks: list[md.Block]) -> None:
    table = _first_table(blocks)
    if table is None:
        return
    role, name, date = _signoff_columns(table.header)
    pm.signoff = [
        SignOff(
            line=row[0].line,
            role=_cell(row, role),
            role_key=_role_key(_cell(row, role)),
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
    for index, name in enumerate(header):
        key = _signoff_column(name)
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
    if name.startswith("name") or name in ("who", "person", "signed by", "signatory", "signer", "full name", "reviewer name"):
        return "name"
    if name.startswith("date") or name.endswith("date") or name in ("signed", "signed on", "signed off", "when"):
        return "date"
    return None


def _role_key(role: str) -> str | None:
    folded = role.casefold()
    if "sponsor" in folded or "executive" in folded:
        return "sponsor"
    if "security" in folded:
        return "security"
    if "department" in folded:
        return "department"
    if "author" in folded:
        return "author"
    return None


_READERS = {
    "summary": _read_summary,
    "timeline": _read_timeline,
    "impact": _read_impact,
    "went_well": _read_went_well,
    "went_wrong": _read_went_wrong,
    "root_cause": _read_root_cause,
    "actions": _read_actions,
    "communications": _read_communications,
    "regulatory": _read_regulatory,
    "signoff": _read_signoff,
}


def _suppressions(blocks: list[md.Block], body: str) -> Iterator[Suppression]:
    """Disable comments; each covers the block after it (up to the next blank line)."""
    lines: list[str] | None = None
    for block in blocks:
        if not isinstance(block, md.Html):
            continue
        for match in _SUPPRESSION.finditer(block.text):
            lines = lines or body.split("\n")
            end = block.line + block.text[: match.end()].count("\n")  # the comment's last line
            first = end + 1
            while first <= len(lines) and not lines[first - 1].strip():
                first += 1
            last = first
            while last < len(lines) and lines[last].strip():
                last += 1
            reason = match["dq"] if match["dq"] is not None else match["sq"]
            yield Suppression(
                line=block.line + block.text[: match.start()].count("\n"),
                rules=[name for name in re.split(r"[\s,]+", match["rules"]) if name],
                reason=reason.strip() if reason and reason.strip() else None,
                first_line=first,
                last_line=last,
            )


def _placeholders(blocks: list[md.Block]) -> Iterator[Placeholder]:
    """Text left in from the blank template: `[Item 1]`, `[Why did X happen?]`, its guidance lines."""
    texts = list(_all_text(blocks))
    everything = "\n".join(text for text, _ in texts)
    if "[" not in everything and not any(guidance in everything for guidance in _TEMPLATE_GUIDANCE):
        return  # a finished page: nothing to look for, text by text
    for text, line in texts:
        if "[" not in text and not any(guidance in text for guidance in _TEMPLATE_GUIDANCE):
            continue
        for match in _BRACKETED.finditer(text):
            inner = match[1].strip().casefold()
            if inner in _PLACEHOLDER_EXACT or inner.startswith(_PLACEHOLDER_PREFIXES):
                yield Placeholder(line=line + text[: match.start()].count("\n"), text=match[0])
        for guidance in _TEMPLATE_GUIDANCE:
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
