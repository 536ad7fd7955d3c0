"""The post-mortem template as data: its sections, placeholders, sign-off roles, regulatory questions,
action table, status words and severity scale.

The CoE template (`coe-template.yml`) is the built-in default. A site's own template file extends it
(`extends: coe`, the default) or replaces it (`extends: none`); `load_template` merges and validates it,
and every error names the file and line. The parser and the rules read a `Template`; nothing else
names a section.
"""

from __future__ import annotations

import difflib
import enum
import re
import string
from collections.abc import Callable
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .headings import heading_parts, marks_end, normalise_heading
from .yamlfile import YamlFileError, read_text_file

BUILT_IN = Path(__file__).with_name("coe-template.yml")
_HEADING_FIELDS = frozenset({"agent", "severity", "incident_date"})
ART73_QUESTION = "eu_ai_act"  # the regulatory question whose "applicable" starts the EU AI Act Article 73 clock
_NEAR_MISS = 0.8  # difflib ratio from which a heading is taken for a typo of a section name
_NEAR_MISS_NUMBERED = 0.6  # the same, for a heading numbered as the section is
_BRACKETED = re.compile(r"\[([^\[\]\n]{1,160})\]")
_MARK_TOKEN = re.compile(r":[a-z0-9_+-]{1,60}:|.", re.IGNORECASE | re.DOTALL)
_T = TypeVar("_T")


class ActionState(enum.StrEnum):
    """What an action item's free-text status cell means."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"

    @property
    def is_open(self) -> bool:
        return self in (ActionState.OPEN, ActionState.IN_PROGRESS)

    @staticmethod
    def label(state: ActionState | None) -> str:
        """How a state reads in lists and exports (None: a status cell nobody could classify)."""
        return _STATE_LABELS[state]


_STATE_LABELS: dict[ActionState | None, str] = {
    None: "unknown",
    ActionState.OPEN: "open",
    ActionState.IN_PROGRESS: "in progress",
    ActionState.DONE: "done",
    ActionState.WONT_DO: "won't do",
}


class Key(enum.StrEnum):
    """The sections whose content the parser reads into the post-mortem's own fields, which the rules
    and the library use. A template may rename them, make them optional or leave them out; its other
    sections are read by their `contains`."""

    SUMMARY = "summary"
    TIMELINE = "timeline"
    IMPACT = "impact"
    WENT_WELL = "went_well"
    WENT_WRONG = "went_wrong"
    ROOT_CAUSE = "root_cause"
    ACTIONS = "actions"
    COMMUNICATIONS = "communications"
    REGULATORY = "regulatory"
    SIGNOFF = "signoff"


BUILT_IN_SHAPES: dict[str, str] = {
    Key.SUMMARY: "text",
    Key.TIMELINE: "table",
    Key.IMPACT: "table",
    Key.WENT_WELL: "text",
    Key.WENT_WRONG: "text",
    Key.ROOT_CAUSE: "qa",
    Key.ACTIONS: "table",
    Key.COMMUNICATIONS: "text",
    Key.REGULATORY: "labelled",
    Key.SIGNOFF: "table",
}  # what each CoE section holds, as its reader and rules expect it


class _Part(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _one_is_a_list(cls, data: Any) -> Any:
        """`synonyms: chronology` is `synonyms: [chronology]`: a list field given one word."""
        if not isinstance(data, dict):
            return data
        lists = {
            name for name, field in cls.model_fields.items() if getattr(field.annotation, "__origin__", None) is tuple
        }
        return {key: [value] if key in lists and isinstance(value, str) else value for key, value in data.items()}


class SectionSpec(_Part):
    """One section: how its heading may read, whether it is required, and what it must contain."""

    key: str = ""
    title: str = Field(min_length=1, description="The heading's words, without its number (`Timeline`).")
    synonyms: tuple[str, ...] = Field((), description="Other headings that name the section (`Chronology`).")
    required: bool = Field(True, description="A page without it is an error (PM201); an optional one may be left out.")
    contains: Literal["text", "table", "qa", "labelled"] = Field(
        "text", description="What it holds: text or a list, a table, `Q:`/`A:` pairs, or `Label: answer` lines."
    )
    columns: tuple[str, ...] = Field(
        (), description="A table's columns that must be there (its header starts with each)."
    )
    labels: tuple[str, ...] = Field((), description="The `Label:` lines that must be there, each with an answer.")
    min_items: int = Field(0, ge=0, description="At least this many list items, table rows or Q/A pairs.")
    blank: str = Field("", description="The section's body in the blank page that `new` writes.")

    @property
    def constrained(self) -> bool:
        """Whether the section asks for more than not being empty (PM204 checks it)."""
        return bool(self.columns or self.labels or self.min_items)


class SignOffRole(_Part):
    """Someone who signs off; a sign-off row is theirs when its Role cell contains one of `words`."""

    key: str = ""
    title: str = Field(min_length=1)
    words: tuple[str, ...] = Field(min_length=1)


class RegulatoryQuestion(_Part):
    """A question section 9 answers, on a line whose label contains one of `words` or matches `names`."""

    key: str = ""
    label: str = Field(min_length=1)
    words: tuple[str, ...] = ()
    names: str | None = Field(None, description="A case-sensitive regular expression of regulation names.")
    prompt: str = Field("[answer / N/A — reasoning]", description="The answer's placeholder in the blank page.")

    @field_validator("names")
    @classmethod
    def _names(cls, value: str | None) -> str | None:
        return _regex(value) if value else value


class ActionColumn(_Part):
    """A column of the action-items table, found by its header: one of `names`, or starting with a prefix."""

    key: str = ""
    title: str = Field(min_length=1)
    names: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()


class StatusWords(_Part):
    """How a status cell says a state: the words at its start (a regular expression, or `words`), or a mark."""

    key: str = ""
    pattern: str | None = None
    words: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        return _regex(value) if value else value


class SeverityLevel(_Part):
    """A level of the severity scale and what it asks for: a post-mortem (by a deadline), or none."""

    key: str = ""
    meaning: str = ""
    aliases: tuple[str, ...] = ()
    postmortem: Literal["required", "optional", "none"] = "required"
    write_up_days: int | None = Field(
        None, ge=1, le=366, description="Business days after the incident to write it up."
    )


class Placeholders(_Part):
    """Text of the blank template: bracketed `[…]` that is one of `exact` or starts with a prefix, and guidance lines."""

    exact: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise PydanticCustomError("regex", "not a valid regular expression ({error})", {"error": str(exc)}) from None
    return value


class Template(BaseModel):
    """Everything the tool knows about a post-mortem template. Read it with `load_template`."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    name: str = "post-mortem"
    source: str = Field("", description="The file it was read from (empty: the built-in CoE template).")
    numbered: bool = Field(True, description="Whether section titles are numbered (`## 2. Timeline`).")
    heading: str = Field(
        "Post-Mortem — {agent} {severity} incident, {incident_date}",
        description="The blank page's H1; it may name {agent}, {severity} and {incident_date}.",
    )
    rules: dict[str, str | bool] = Field(
        default_factory=dict,
        description="Rule id or slug → level for sites with this template (`PM331: off` where the root cause "
        "is prose); the site's own `rules` option still has the last word.",
    )
    sections: dict[str, SectionSpec] = Field(min_length=1)
    placeholders: Placeholders = Placeholders()
    signoff_roles: dict[str, SignOffRole] = {}
    regulatory: dict[str, RegulatoryQuestion] = {}
    action_columns: dict[str, ActionColumn] = {}
    statuses: dict[ActionState, StatusWords] = {}
    severities: dict[str, SeverityLevel] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        """Each part of a keyed mapping learns its key (`sections: {timeline: {…}}`); without its
        section, the regulatory questions and the sign-off roles go too."""
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("sections"), dict):
                for section, part in ((Key.REGULATORY, "regulatory"), (Key.SIGNOFF, "signoff_roles")):
                    if section not in data["sections"]:
                        data[part] = {}
            for field in ("sections", "signoff_roles", "regulatory", "action_columns", "statuses", "severities"):
                if isinstance(data.get(field), dict):
                    data[field] = {
                        key: {**value, "key": str(key)} if isinstance(value, dict) else value
                        for key, value in data[field].items()
                    }
        return data

    @field_validator("heading")
    @classmethod
    def _heading(cls, value: str) -> str:
        """Only `{agent}`, `{severity}` and `{incident_date}`, as they are: nothing else is filled in."""
        try:
            parts = list(string.Formatter().parse(value))
        except ValueError as exc:
            raise ValueError(f"{exc}; a literal brace is written twice") from None
        for _, name, spec, conversion in parts:
            if name is not None and (name not in _HEADING_FIELDS or spec or conversion):
                shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
                raise ValueError(f"'{shown}' in braces cannot be filled in: use agent, severity or incident_date")
        return value

    @model_validator(mode="after")
    def _check(self) -> Template:
        self.index  # noqa: B018 — building the lookups checks that no name means two things
        if Key.ACTIONS in self.sections and self.reads(Key.ACTIONS) and "action" not in self.action_columns:
            raise ValueError(
                "action_columns: the `action` column is required: it is how the action-items table is found"
            )
        if not any(level.postmortem != "none" for level in self.severities.values()):
            raise ValueError("severities: at least one level needs a post-mortem")
        return self

    def reads(self, key: str) -> bool:
        """Whether a section of the CoE template is here and holds what its own reader and rules expect
        (`root_cause` as Q/A pairs, `actions` as a table, …). A template that makes it something else
        (`root_cause: {contains: text}`) has it read and checked as any section of its own instead."""
        section = self.sections.get(key)
        return section is not None and key in BUILT_IN_SHAPES and section.contains == BUILT_IN_SHAPES[key]

    @cached_property
    def index(self) -> _Index:
        """The lookups the parser uses on every page, built once (a plain object: no model overhead)."""
        return _Index(self)

    # Sections ---------------------------------------------------------------------------------------

    def title(self, key: str) -> str:
        """A section's title as the blank page writes it: `2. Timeline` (numbered) or `Timeline`."""
        if not self.numbered:
            return self.sections[key].title
        return f"{list(self.sections).index(key) + 1}. {self.sections[key].title}"

    def section_key(self, heading: str) -> str | None:
        """The section a heading names, if it names one."""
        cache = self.index.sections
        if heading not in cache:
            cache[heading] = self.index.headings.get(normalise_heading(heading))
        return cache[heading]

    def near_section(self, heading: str) -> str | None:
        """The section a heading that names none was probably meant to name: a typo of one of its names
        (`Acton items`), or a heading numbered as the section is whose words are close (`7. Actions taken`)."""
        cache = self.index.near
        if heading not in cache:
            cache[heading] = self._near_section(heading)
        return cache[heading]

    def _near_section(self, heading: str) -> str | None:
        number, name = heading_parts(heading)
        headings = self.index.headings
        if not name or name in headings:
            return None
        if close := difflib.get_close_matches(name, headings, n=1, cutoff=_NEAR_MISS):
            return headings[close[0]]
        keys = list(self.sections)
        if number is not None and 1 <= number <= len(keys):
            key = keys[number - 1]
            names = [folded for folded, owner in headings.items() if owner == key]
            if difflib.get_close_matches(name, names, n=1, cutoff=_NEAR_MISS_NUMBERED):
                return key
        return None

    def blank_page(self, agent: str, severity: str, incident_date: str) -> str:
        """The body of a new post-mortem: the H1, then every section's heading and blank content."""
        parts = [f"# {self.heading.format_map({'agent': agent, 'severity': severity, 'incident_date': incident_date})}"]
        for key, section in self.sections.items():
            parts.append(f"## {self.title(key)}")
            if blank := section.blank.strip("\n") or self._generated_blank(key):
                parts.append(blank)
        return "\n\n".join(parts) + "\n"

    def _generated_blank(self, key: str) -> str:
        """The blank of a section made from the template's lists: the sign-off roles, the regulatory questions."""
        if key == Key.SIGNOFF:
            return "\n".join(
                [
                    "| Role | Name | Date |",
                    "|---|---|---|",
                    *(f"| {r.title} | | |" for r in self.signoff_roles.values()),
                ]
            )
        if key == Key.REGULATORY:
            return "\n".join(f"- **{q.label}:** {q.prompt}" for q in self.regulatory.values())
        return ""

    def describe(self) -> str:
        """The template as Markdown: what PM201/PM204, PM601, PM501 and PM103/PM701 ask of a page."""
        source = f" (`{self.source}`)" if self.source else ""
        lines = [f"## Template: {self.name}{source}", "", "| Section | Required | Holds |", "|---|---|---|"]
        for key, spec in self.sections.items():
            holds = {"text": "text or a list", "table": "a table", "qa": "Q/A pairs", "labelled": "`Label:` lines"}[
                spec.contains
            ]
            if spec.columns:
                holds += f" with columns {', '.join(spec.columns)}"
            if spec.labels:
                holds += f": {', '.join(spec.labels)}"
            if spec.min_items:
                holds += f", at least {spec.min_items}"
            lines.append(f"| {self.title(key)} | {'yes' if spec.required else 'optional'} | {holds} |")
        deadlines = [
            f"{name}: "
            + (
                f"post-mortem within {level.write_up_days} business days"
                if level.postmortem == "required" and level.write_up_days
                else {"required": "post-mortem required", "optional": "post-mortem optional", "none": "no post-mortem"}[
                    level.postmortem
                ]
            )
            for name, level in self.severities.items()
        ]
        lines += [
            "",
            f"Sign-off (PM601): {', '.join(role.title for role in self.signoff_roles.values()) or 'none'}.",
            f"Regulatory questions (PM501): {', '.join(q.label for q in self.regulatory.values()) or 'none'}.",
            f"Severities (PM103, PM104, PM701): {'; '.join(deadlines)}.",
        ]
        return "\n".join(lines) + "\n"

    # Cells and lines --------------------------------------------------------------------------------

    def classify_status(self, cell: str) -> tuple[ActionState | None, str]:
        """An action item's free-text status → its state, and the words after any leading marks.

        Leading emoji and shortcodes are skipped (`:white_check_mark: Done`, `🟡 In progress`); the words
        after them decide, and a status that is only a mark (`✅ (2026-08-28)`) is read by the mark.
        """
        cache = self.index.statuses
        if cell not in cache:
            cache[cell] = self._classify_status(cell)
        return cache[cell]

    def _classify_status(self, cell: str) -> tuple[ActionState | None, str]:
        text = cell.strip()
        start = marks_end(text)
        words = text[start:]
        state = next((state for state, pattern in self.index.status_patterns if pattern.match(words)), None)
        if state is None:
            marks = (token.lower() for token in _MARK_TOKEN.findall(text[:start]))
            state = next((self.index.marks[mark] for mark in marks if mark in self.index.marks), None)
        return state, words

    def action_column(self, header: str) -> str | None:
        """The action-table column a header names (`Owner(s)` → `owner`), if any."""
        name = header.strip().casefold().rstrip(".")
        for key, column in self.action_columns.items():
            if name in column.names:
                return key
        return next((key for key, column in self.action_columns.items() if name.startswith(column.prefixes)), None)

    def is_action_table(self, header: list[str]) -> bool:
        """Whether a table's header has the action column (how the action-items table is found)."""
        return any(self.action_column(name) == "action" for name in header)

    def role_key(self, role: str) -> str | None:
        """The sign-off role a Role cell names (`Reviewer (Security)` → `security`)."""
        folded = role.casefold()
        return next((key for key, r in self.signoff_roles.items() if any(word in folded for word in r.words)), None)

    def regulatory_key(self, label: str) -> str | None:
        """The regulatory question a line's label answers: by its words, else by the regulations it names."""
        folded = label.casefold()
        for key, question in self.regulatory.items():
            if any(word in folded for word in question.words):
                return key
        return next((key for key, pattern in self.index.names if pattern.search(label)), None)

    def is_placeholder(self, bracketed: str) -> bool:
        """Whether the text inside `[…]` is a placeholder of the blank template: one of its sections'
        blanks or questions' prompts has it, or `placeholders` names it."""
        inner = bracketed.strip().casefold()
        return (
            inner in self.index.blank_texts
            or inner in self.placeholders.exact
            or inner.startswith(self.placeholders.prefixes)
        )

    # Severity ---------------------------------------------------------------------------------------

    def severity(self, value: object) -> str:
        """The scale's name for a severity (`SEV 1` → `Sev-1`); raises for an unknown one or one that
        needs no post-mortem (`sev4`)."""
        name = self.index.severity_names.get(_fold_severity(str(value)))
        if name is None:
            raise PydanticCustomError(
                "severity",
                "'{value}' is not a severity; use {names}",
                {"value": value, "names": self.severity_choices()},
            )
        if self.severities[name].postmortem == "none":
            raise PydanticCustomError("sev4", "{name} needs no post-mortem", {"name": name})
        return name

    def severity_choices(self) -> str:
        """`Sev-1, Sev-2 or Sev-3`: the levels a post-mortem may have."""
        names = self.with_postmortem()
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"

    def with_postmortem(self) -> list[str]:
        """The levels a post-mortem may have, most severe first (`Sev-1`, `Sev-2`, `Sev-3`)."""
        return [name for name, level in self.severities.items() if level.postmortem != "none"]

    def without_postmortem(self) -> list[str]:
        """The levels that get no post-mortem (`Sev-4`)."""
        return [name for name, level in self.severities.items() if level.postmortem == "none"]

    def write_up_days(self, name: str) -> int | None:
        """Business days after the incident to write up a post-mortem of this severity; None: no deadline."""
        level = self.severities.get(name)
        return level.write_up_days if level is not None and level.postmortem == "required" else None

    def severity_rank(self, name: str) -> int:
        """0 for the most severe level, then 1, 2, …; unknown names sort last."""
        names = list(self.severities)
        return names.index(name) if name in names else len(names)


class _Index:
    """A template's lookups by folded name, and the caches of what pages repeat (the same ten headings,
    the same few status cells): bounded, whatever the pages say."""

    MAX_CACHED = 16_384

    def __init__(self, template: Template) -> None:
        self.headings: dict[str, str] = {}  # normalised heading → section key
        for key, section in template.sections.items():
            # The title reads as a heading does; a synonym is taken as written (`5 whys` keeps its number).
            names = [normalise_heading(section.title), *(_fold(name) for name in section.synonyms)]
            for name, folded in zip((section.title, *section.synonyms), names, strict=True):
                if (other := self.headings.setdefault(folded, key)) != key:
                    raise ValueError(f"sections: '{name}' names both '{other}' and '{key}'")
        self.status_patterns: list[tuple[ActionState, re.Pattern[str]]] = []
        self.marks: dict[str, ActionState] = {}
        for state, words in template.statuses.items():
            if bool(words.pattern) == bool(words.words):
                raise ValueError(f"statuses: {state.value}: give either `pattern` or `words`")
            pattern = words.pattern or "|".join(re.escape(word) for word in words.words) + r"\b"
            self.status_patterns.append((state, re.compile(f"^(?:{pattern})", re.IGNORECASE)))
            self.marks.update(dict.fromkeys((mark.lower() for mark in words.marks), state))
        self.names = [(key, re.compile(q.names)) for key, q in template.regulatory.items() if q.names]
        self.severity_names: dict[str, str] = {}  # folded name or alias → level
        for name, level in template.severities.items():
            for alias in (name, *level.aliases):
                if (other := self.severity_names.setdefault(_fold_severity(alias), name)) != name:
                    raise ValueError(f"severities: '{alias}' names both {other} and {name}")
        blanks = [section.blank for section in template.sections.values()] + [
            q.prompt for q in template.regulatory.values()
        ]
        self.blank_texts = frozenset(m.strip().casefold() for blank in blanks for m in _BRACKETED.findall(blank))
        self.sections = _BoundedCache[str | None]()
        self.near = _BoundedCache[str | None]()
        self.statuses = _BoundedCache[tuple[ActionState | None, str]]()


class _BoundedCache(dict[str, _T]):
    """A dict that empties itself when it grows past `_Index.MAX_CACHED` entries."""

    def __setitem__(self, key: str, value: _T) -> None:
        if len(self) >= _Index.MAX_CACHED:
            self.clear()
        super().__setitem__(key, value)


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold().replace("’", "'")


def _fold_severity(name: str) -> str:
    """`SEV 1`, `sev_1`, `Severity-1` → `sev1`: severities compare without case, spaces or dashes."""
    return re.sub(r"[\s_-]+", "", name.casefold()).replace("severity", "sev")


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and line."""


_KEYED = ("sections", "signoff_roles", "regulatory", "action_columns", "statuses", "severities")
_EXTENDED = ("placeholders",)


@cache
def default_template() -> Template:
    """The built-in CoE template."""
    return Template.model_validate(_read(BUILT_IN)[0])


def load_template(path: Path | None, rule_level: Callable[[str, object], tuple[str, str]] | None = None) -> Template:
    """The template a site uses: the built-in one, or `path`'s merged onto it (unless it says `extends: none`).

    `rule_level` checks each entry of the file's `rules:` and gives it as (rule id, level name); a
    problem it raises (ValueError) is reported at the entry's line.
    """
    if path is None:
        return default_template()
    data, root = _read(path)
    if not isinstance(data, dict):
        raise TemplateError(f"{path}:1: a template is a mapping of `sections:`, `severities:` and the like")
    extends = data.pop("extends", "coe")
    if extends not in ("coe", "none"):
        raise TemplateError(f"{path}:{_line(root, ('extends',))}: `extends` is `coe` (the built-in template) or `none`")
    merged = _read(BUILT_IN)[0] if extends == "coe" else {}
    for field, value in data.items():
        if field in _KEYED and isinstance(value, dict) and isinstance(merged.get(field), dict):
            merged[field] = _merge_keyed(merged[field], value, path, root, field)
        elif field in _EXTENDED and isinstance(value, dict) and isinstance(merged.get(field), dict):
            merged[field] = {
                **merged[field],
                **{k: [*merged[field].get(k, []), *v] if isinstance(v, list) else v for k, v in value.items()},
            }
        elif field == "severities" and isinstance(value, list):
            merged[field] = _severity_list(value, path, root)
        else:
            merged[field] = value
    merged["source"] = str(path)
    if rule_level is not None and isinstance(merged.get("rules"), dict):
        levels = {}
        for name, level in merged["rules"].items():
            try:
                rule_id, levels[rule_id] = rule_level(str(name), level)
            except ValueError as exc:
                raise TemplateError(f"{path}:{_line(root, ('rules', name))}: rules: {exc}") from None
        merged["rules"] = levels
    try:
        return Template.model_validate(merged)
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:3]:
            where = tuple(error["loc"])
            shown = ".".join(str(part) for part in where) or "the template"
            problems.append(f"{path}:{_line(root, where)}: {shown}: {error['msg'].removeprefix('Value error, ')}")
        raise TemplateError("; ".join(problems)) from None


def _merge_keyed(
    base: dict[str, Any], override: dict[str, Any], path: Path, root: yaml.Node | None, field: str
) -> dict[str, Any]:
    """`sections: {communications: {title: …}, detection_gaps: {…, after: went_wrong}, impact: null}`:
    a known key is changed field by field, a new one added (after or before another, else at the end),
    a `null` one removed."""
    merged = dict(base)
    for key, value in override.items():
        key = str(key)
        line = _line(root, (field, key))
        if value is None:
            if key not in merged:
                raise TemplateError(f"{path}:{line}: {field}: there is no '{key}' to remove; {_known(merged)}")
            del merged[key]
            continue
        if not isinstance(value, dict):
            raise TemplateError(f"{path}:{line}: {field}.{key}: give its fields as a mapping, or `null` to remove it")
        value = dict(value)
        after, before = value.pop("after", None), value.pop("before", None)
        if after is not None and before is not None:
            raise TemplateError(f"{path}:{line}: {field}.{key}: give `after` or `before`, not both")
        current = dict(merged.get(key) or {})
        if "words" in value:
            current.pop("pattern", None)
        if "pattern" in value:
            current.pop("words", None)
        merged[key] = {**current, **value}
        if after is not None or before is not None:
            anchor = str(after if after is not None else before)
            if anchor not in merged or anchor == key:
                raise TemplateError(
                    f"{path}:{line}: {field}.{key}: '{anchor}' is not another {field} key; {_known(merged)}"
                )
            entry = merged.pop(key)
            items = list(merged.items())
            index = [k for k, _ in items].index(anchor) + (1 if after is not None else 0)
            items.insert(index, (key, entry))
            merged = dict(items)
    return merged


def _severity_list(levels: list[Any], path: Path, root: yaml.Node | None) -> dict[str, Any]:
    """`severities: [{name: P1, write_up_days: 3}, …]`: a whole new scale, most severe first."""
    scale: dict[str, Any] = {}
    for index, level in enumerate(levels):
        if not isinstance(level, dict) or not isinstance(level.get("name"), str | int):
            raise TemplateError(
                f"{path}:{_line(root, ('severities', index))}: severities: each level is a mapping with a `name`"
            )
        level = dict(level)
        scale[str(level.pop("name"))] = level
    return scale


def _known(entries: dict[str, Any]) -> str:
    return f"known: {', '.join(entries)}" if entries else "there are none"


def _read(path: Path) -> tuple[Any, yaml.Node | None]:
    """A YAML file's data and its node tree (for line numbers)."""
    try:
        text = read_text_file(path)  # a regular file only: a named pipe would wait for ever
    except YamlFileError as exc:
        raise TemplateError(str(exc)) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark, opened = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
        if opened is not None and (mark is None or mark.index >= len(text.rstrip())):
            mark = opened  # a quote or bracket left open: the line it was opened on
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise TemplateError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    return data, root


def _line(root: yaml.Node | None, where: tuple[Any, ...]) -> int:
    """The line of the deepest node of `where` (keys and indexes) that the file has; 1 when none."""
    node, line = root, 1
    for part in where:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):  # `severities: [{name: P1, …}]`: the level named `part`
            named = (n for n in node.value if isinstance(n, yaml.MappingNode))
            node = next((n for n in named if any(k.value == "name" and v.value == str(part) for k, v in n.value)), None)
            if node is None:
                break
            line = node.start_mark.line + 1
        else:
            break
    return line
