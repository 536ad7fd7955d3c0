"""Action items: lists and tables in any shape → the template's action table (owner, due date, status)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..template import Template
from .context import Context
from .dates import find_date, leading_date
from .elements import TASK_BOX, Bold, El, Gen, Part, Sub, list_items, ordered
from .front_matter import DATE_PLACEHOLDER
from .tables import cell_text, column_header, flat, markdown_table, table_cells
from .words import covered, plain_text

_OWNER_LABEL = re.compile(
    r"\b(?:(?i:owners?|assignee|verantwortlich|zuständig|responsible|dri|who)[ \t]*[:=]|(?i:assigned to|owned by)\b)"
    r"[ \t]*(?P<owner>@?[^\s,;()\[\]]+(?:[ \t]+[A-Z][\w.'-]*)?)"
)
_HANDLE = re.compile(r"(?<![\w@/])@[A-Za-z0-9][\w.-]*[A-Za-z0-9_]")
_TRAILING_OWNER = re.compile(
    r"[ \t][—–-][ \t]*(?P<owner>@[\w.-]+|[A-Z][\w.'-]*(?:[ \t]+[A-Z][\w.'-]*){0,2})[ \t]*[.)]?$"
)
_DUE_LABEL = re.compile(
    r"\b(?:due(?:[ \t]+date)?|by|bis(?:[ \t]+zum)?|fällig(?:[ \t]+am)?|deadline|until|target(?:[ \t]+date)?|termin)"
    r"\b[ \t]*[:=]?[ \t]*",
    re.IGNORECASE,
)
_STATUS_LABEL = re.compile(r"\b(?:status|state|stand)[ \t]*[:=][ \t]*(?P<status>[^,;()]+)", re.IGNORECASE)
_STATUS_TOKEN = re.compile(r"\b(DONE|TODO|FIXED|CLOSED|OPEN|WIP|IN PROGRESS|WONTFIX|WON'T FIX|BLOCKED)\b")
_PARENTHETICAL = re.compile(r"\(([^()]{1,120})\)")
_GERMAN_STATUS = {
    "erledigt": "Done",
    "fertig": "Done",
    "abgeschlossen": "Done",
    "offen": "Open",
    "geplant": "Open",
    "in arbeit": "In progress",
    "in bearbeitung": "In progress",
    "verworfen": "Won't do",
}
_ACTION_HEADERS = {
    "action": re.compile(r"(action|task|aufgabe|maßnahme|massnahme|item|what|description|beschreibung|todo|to do)"),
    "owner": re.compile(r"(owner|assignee|who|responsible|verantwortlich|zuständig|dri|wer)"),
    "due": re.compile(r"(due|deadline|target|when|bis|fällig|termin|wann|date)"),
    "status": re.compile(r"(status|state|done|erledigt|progress|stand)"),
    "severity": re.compile(r"(priority|prio|priorität|type|kind|category|art|typ|severity)"),
    "number": re.compile(r"(#|no\.?|nr\.?|id|number)$"),
}


def _status_words(text: str, template: Template) -> str | None:
    """A status as the template reads it (`erledigt` → `Done (erledigt)`), or None."""
    text = text.strip()
    if not text:
        return None
    if template.classify_status(text)[0] is not None:
        return text
    folded = text.casefold().rstrip(".!")
    if folded in _GERMAN_STATUS:
        return f"{_GERMAN_STATUS[folded]} ({text})"
    return None


def _due_cell(text: str) -> tuple[str, bool]:
    """A due cell: the date as YYYY-MM-DD (with the original when it said more), or the placeholder."""
    plain = plain_text(text)
    if not plain:
        return DATE_PLACEHOLDER, False
    if plain.startswith(DATE_PLACEHOLDER):
        return cell_text(plain), False  # imported before
    day = find_date(plain)
    if day is None:
        return cell_text(f"{DATE_PLACEHOLDER} ({plain})"), False
    iso = day.isoformat()
    return (iso if covered(plain, iso) else cell_text(f"{iso} ({plain})")), True


@dataclass
class _ActionRow:
    cells: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # column key → the original table's header


class _Actions:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.template = context.template
        self.count = 0
        self.read = Counter[str]()
        self.missing = Counter[str]()
        self.shapes = Counter[str]()

    def columns(self) -> list[tuple[str, str]]:
        return [(key, column.title) for key, column in self.template.action_columns.items()]

    def finish(self, row: _ActionRow) -> _ActionRow:
        self.count += 1
        row.cells.setdefault("number", str(self.count))
        if not row.cells.get("number"):
            row.cells["number"] = str(self.count)
        for key in ("owner", "status"):
            if row.cells.get(key):
                self.read[key] += 1
            else:
                self.missing[key] += 1
        if row.cells.get("due") and not row.cells["due"].startswith("["):
            self.read["due"] += 1
        else:
            row.cells.setdefault("due", DATE_PLACEHOLDER)
            if not row.cells["due"]:
                row.cells["due"] = DATE_PLACEHOLDER
            self.missing["due"] += 1
        return row

    def from_item(self, lines: list[str]) -> _ActionRow:
        first = lines[0].strip()
        status = ""
        if box := TASK_BOX.match(first):
            status = "Done" if box[1] in "xX" else "Open"
            first = first[box.end() :]
        text = flat([first, *lines[1:]])
        plain = plain_text(text)
        owner = ""
        if match := _OWNER_LABEL.search(plain):
            owner = match["owner"].rstrip(".,;:)")
        elif handles := list(dict.fromkeys(_HANDLE.findall(plain))):
            owner = ", ".join(handles)
        elif match := _TRAILING_OWNER.search(plain):
            owner = match["owner"]
        due = ""
        for match in _DUE_LABEL.finditer(plain):
            if day := leading_date(plain[match.end() :], None)[0]:
                due = day.isoformat()
                break
        if not status:
            if match := _STATUS_LABEL.search(plain):
                status = _status_words(match["status"], self.template) or ""
            if not status:
                for candidate in _PARENTHETICAL.findall(plain):
                    if found := _status_words(candidate, self.template):
                        status = found
                        break
            if not status and (match := _STATUS_TOKEN.search(plain)):
                status = match[1]
            if not status and any(mark in text for mark in ("✅", "✔", ":white_check_mark:")):
                status = "Done"
        return self.finish(_ActionRow({"action": text, "owner": cell_text(owner), "due": due, "status": status}))

    def table(self, element: El) -> list[_ActionRow] | None:
        header, rows = table_cells(element)
        keys: dict[int, str] = {}
        for index, name in enumerate(header):
            key = self.template.action_column(plain_text(name))
            if key is None:
                folded = plain_text(name).casefold()
                key = next((k for k, pattern in _ACTION_HEADERS.items() if pattern.match(folded)), None)
            if key is not None and key not in keys.values():
                keys[index] = key
        if "action" not in keys.values():
            if not {"owner", "due", "status"} & set(keys.values()) or len(header) < 2:
                return None
            free = next((i for i in range(len(header)) if i not in keys), None)
            if free is None:
                return None
            keys[free] = "action"
        result = []
        headers = {key: header[index] for index, key in keys.items()}
        for row in rows:
            cells = row + [""] * (len(header) - len(row))
            found: dict[str, str] = {}
            extra: dict[str, str] = {}
            for index, value in enumerate(cells[: len(header)]):
                key = keys.get(index)
                if key is None:
                    extra[plain_text(header[index]) or f"Column {index + 1}"] = value
                else:
                    found[key] = value
            status_text = found.get("status", "")
            status = _status_words(plain_text(status_text), self.template) if status_text else None
            if status is None and status_text:
                extra["Status as written"] = status_text
            if status is None and "status" not in keys.values():
                for value in extra.values():
                    if match := _STATUS_TOKEN.search(value):
                        status = match[1]
                        break
            due, _ = _due_cell(found.get("due", ""))
            result.append(
                self.finish(
                    _ActionRow(
                        {
                            "number": cell_text(found.get("number", "")),
                            "action": cell_text(found.get("action", "")),
                            "severity": cell_text(found.get("severity", "")),
                            "owner": cell_text(found.get("owner", "")),
                            "due": due,
                            "status": cell_text(status or ""),
                        },
                        {name: cell_text(value) for name, value in extra.items()},
                        headers,
                    )
                )
            )
        return result

    def render(self, rows: list[_ActionRow]) -> str:
        columns = self.columns()
        extra: list[str] = []
        for row in rows:
            extra += [name for name in row.extra if name not in extra]
        headers: dict[str, str] = {}
        for row in rows:
            headers = {**row.headers, **headers}
        header = [column_header(title, headers.get(key, ""), self.template, key) for key, title in columns] + extra
        body = [
            [row.cells.get(key, "") for key, _ in columns] + [row.extra.get(name, "") for name in extra] for row in rows
        ]
        return markdown_table(header, body)


def actions(parts: list[Part], context: Context) -> list[Part]:
    actions = _Actions(context)
    result: list[Part] = []
    pending: list[_ActionRow] = []

    def flush() -> None:
        if pending:
            result.append(Gen(actions.render(pending)))
            pending.clear()

    for part in ordered(parts):
        if isinstance(part, El) and part.kind in ("list", "numbered"):
            pending.extend(actions.from_item(item) for item in list_items(part))
            actions.shapes["a list"] += 1
            continue
        if isinstance(part, El) and part.kind == "table" and (rows := actions.table(part)) is not None:
            pending.extend(rows)
            actions.shapes["a table"] += 1
            continue
        if isinstance(part, Sub | Bold):
            flush()
        result.append(part)
    flush()
    if not actions.count:
        blank = [["1"] + [""] * (len(actions.columns()) - 1)]
        result.append(Gen(markdown_table([title for _, title in actions.columns()], blank)))
        context.todo.append("action items: none found — add them to the table")
        return result
    read = ", ".join(f"{key} {count}" for key, count in actions.read.items())
    context.notes.append(
        f"action items: {actions.count} from {' and '.join(actions.shapes)}" + (f" (read: {read})" if read else "")
    )
    missing = [
        f"{count} without {'a due date' if key == 'due' else 'an owner' if key == 'owner' else 'a status'}"
        for key, count in actions.missing.items()
    ]
    if missing:
        context.todo.append(f"action items: {', '.join(missing)} — fill them in")
    return result
