"""The post-mortem as data: front matter, body elements with their source lines, findings."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .dates import EARLIEST, LATEST, in_range, out_of_range
from .profile import AiProfile, FiledReport
from .template import ActionState, Template, default_template


class Level(enum.StrEnum):
    """How serious a finding is: errors fail every build, warnings fail strict builds."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Status(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"),
]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_RANGE = f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"  # every date of the front matter lies in it


class Acceptance(BaseModel):
    """A reviewed exception for the whole page: `accept: [{rule: PM409, reason: "…"}]`."""

    model_config = ConfigDict(defer_build=True)

    rule: NonEmpty
    reason: str | None = None


def _acceptances(value: object) -> object:
    """Accept `PM409`, `{PM409: reason}` and `{rule: PM409, reason: …}` list entries."""
    if not isinstance(value, list):
        return value
    entries: list[object] = []
    for entry in value:
        if isinstance(entry, str):
            entries.append({"rule": entry})
        elif isinstance(entry, dict) and len(entry) == 1 and "rule" not in entry:
            ((rule, reason),) = entry.items()
            entries.append({"rule": str(rule), "reason": reason})
        else:
            entries.append(entry)
    return entries


class FrontMatter(BaseModel):
    """The metadata block at the top of a post-mortem page."""

    model_config = ConfigDict(defer_build=True, extra="allow", use_enum_values=False)

    agent: Slug = Field(description="The Agent ID, a lowercase slug such as `finance-invoice-recon`.")
    severity: str = Field(
        description="A severity of the template's scale that needs a post-mortem: Sev-1, Sev-2 or Sev-3 in the CoE "
        "template (case and spacing variants accepted)."
    )
    incident_date: dt.date = Field(description=f"The day the incident started (YYYY-MM-DD, {_RANGE}).")
    date: dt.date = Field(description=f"The day the post-mortem was written up (YYYY-MM-DD, {_RANGE}).")
    author: NonEmpty = Field(description="The CoE Lead or delegate who wrote it up.")
    status: Status = Field(description="draft, open or closed.")
    title: NonEmpty | None = Field(default=None, description="Defaults to the page's H1.")
    team: NonEmpty | None = Field(
        default=None,
        description="The team or area it belongs to; default the first folder the `dir` pattern's wildcard matches.",
    )
    tags: list[NonEmpty] = Field(default_factory=list, description="Tags, as for Material's tags plugin.")
    accept: list[Acceptance] = Field(
        default_factory=list, description="Rules waived for this page after review, each with a reason."
    )
    awareness_date: dt.date | None = Field(
        default=None,
        description=f"When the organisation became aware (starts the EU AI Act Article 73 clock; {_RANGE}); "
        "default incident_date.",
    )
    eu_ai_act_category: Literal["general", "death", "widespread_infringement", "critical_infrastructure"] | None = (
        Field(
            default=None,
            description="Article 73 category for the reporting deadline: general (15 days), death (10), "
            "widespread_infringement or critical_infrastructure (2). Default: read from the Article 73 line, else general.",
        )
    )
    started_at: dt.datetime | None = Field(
        default=None, description="When the incident started (UTC unless an offset is given)."
    )
    detected_at: dt.datetime | None = Field(default=None, description="When it was detected.")
    mitigated_at: dt.datetime | None = Field(default=None, description="When its impact was stopped.")
    resolved_at: dt.datetime | None = Field(default=None, description="When it was resolved.")
    ai: AiProfile | None = Field(
        default=None,
        description="The AI-incident profile: the system, its autonomy and authority, the harm, the data exposed.",
    )
    reports: list[FiledReport] = Field(
        default_factory=list,
        description="Reports made to regulators, each `{regulation, kind, submitted, authority, reference}`.",
    )
    late_reason: str | None = Field(
        default=None,
        description="Why the write-up came after its deadline; PM701 then no longer warns, and the reason is "
        "shown on the card and the quarterly review.",
    )

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, value: object, info: ValidationInfo) -> str:
        """The scale's own name (`SEV 1` → `Sev-1`), of the template given as validation context."""
        template = (info.context or {}).get("template") or default_template()
        return template.severity(value)

    @field_validator("accept", mode="before")
    @classmethod
    def _accept(cls, value: object) -> object:
        return _acceptances(value)

    @field_validator("incident_date", "date", "awareness_date")
    @classmethod
    def _date_in_range(cls, value: dt.date | None) -> dt.date | None:
        """A date this tool can count with (`dates.in_range`): anything else is a typo in its year."""
        if value is not None and not in_range(value):
            raise PydanticCustomError("date_range", out_of_range(value.isoformat()))
        return value

    @field_validator("started_at", "detected_at", "mitigated_at", "resolved_at")
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        """In range (its day as written), and in UTC unless it gives an offset."""
        if value is None:
            return None
        if not in_range(value):
            raise PydanticCustomError("date_range", out_of_range(value.isoformat(sep=" ", timespec="minutes")))
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("late_reason", mode="before")
    @classmethod
    def _late_reason(cls, value: object) -> object:
        """A blank reason is no reason."""
        return (" ".join(value.split()) or None) if isinstance(value, str) else value

    @classmethod
    def known_keys(cls) -> tuple[str, ...]:
        return tuple(cls.model_fields)


# Page metadata that MkDocs and Material for MkDocs read from the front matter, so not unknown keys:
# MkDocs' own `title` and `template` (user guide, "Meta-Data"); Material's page settings (reference,
# "Setting up a page" and its setup pages): `description`, `icon`, `status`, `subtitle`, `hide`,
# `comments`, `search` (`exclude`, `boost`), `social` (the social plugin's `cards`), `tags` (the tags
# plugin); and the blog plugin's post metadata: `authors`, `categories`, `date`, `draft`, `links`, `pin`,
# `readtime`, `slug`. `date`, `status`, `tags` and `title` are ours too.
SITE_KEYS = (
    "title",
    "template",
    "description",
    "icon",
    "status",
    "subtitle",
    "hide",
    "comments",
    "search",
    "social",
    "tags",
    "authors",
    "categories",
    "date",
    "draft",
    "links",
    "pin",
    "readtime",
    "slug",
)


def front_matter_schema(template: Template | None = None) -> dict[str, object]:
    """The JSON Schema of the front matter, for editors and the site's export; its severities are the
    template's, and `x-template` lists the template's sections, sign-off roles, questions and scale."""
    template = template or default_template()
    schema = FrontMatter.model_json_schema()
    names = [name for name, level in template.severities.items() if level.postmortem != "none"]
    spellings = [spelling for name in names for spelling in (name, *template.severities[name].aliases)]
    schema["properties"]["severity"] = {
        "description": f"{template.severity_choices()} (case and spacing variants accepted).",
        "type": "string",
        "pattern": f"^\\s*(?:{'|'.join(_spelling_pattern(spelling) for spelling in spellings)})\\s*$",
        "examples": names,
    }
    schema["properties"]["accept"]["items"] = {
        "anyOf": [{"type": "string"}, {"type": "object"}],
        "description": "`PM409`, `{PM409: reason}` or `{rule: PM409, reason: …}`",
    }
    schema.get("$defs", {}).pop("Acceptance", None)
    for key in SITE_KEYS:
        schema["properties"].setdefault(key, {"description": "Page metadata that MkDocs or Material for MkDocs reads."})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://mkdocs-postmortem.invalid/postmortem.schema.json",
        **schema,
        "title": "mkdocs-postmortem front matter",
        "additionalProperties": False,  # an unknown key is a warning of the build (PM105): editors flag it too
        "x-template": _template_summary(template),
    }


def _spelling_pattern(name: str) -> str:
    """A regular expression without flags (JSON Schema has none) for what the template reads as this
    severity: any case, spaces, dashes or underscores anywhere, `Sev` also as `Severity`."""
    folded = re.sub(r"[\s_-]+", "", name.casefold()).replace("severity", "sev")
    letters = [f"[{re.escape(c.upper())}{re.escape(c)}]" if c.upper() != c else re.escape(c) for c in folded]
    pattern = "[\\s_-]*".join(letters)
    return pattern.replace("[Ss][\\s_-]*[Ee][\\s_-]*[Vv]", "[Ss][Ee][Vv](?:[Ee][Rr][Ii][Tt][Yy])?")


def _template_summary(template: Template) -> dict[str, object]:
    """The template, as far as someone writing a page needs it."""
    return {
        "name": template.name,
        "sections": [
            {"key": key, "title": template.title(key), "required": spec.required, "contains": spec.contains}
            for key, spec in template.sections.items()
        ],
        "signoff_roles": [{"key": key, "title": role.title} for key, role in template.signoff_roles.items()],
        "regulatory": [{"key": key, "label": question.label} for key, question in template.regulatory.items()],
        "severities": [
            {
                "name": name,
                "meaning": level.meaning,
                "postmortem": level.postmortem,
                "write_up_days": level.write_up_days,
            }
            for name, level in template.severities.items()
        ],
    }


# The parsed body. Built only by the parser, which already gives every value its type, so these are
# plain dataclasses (thousands per library: pydantic validation here would cost more than parsing).


@dataclass(slots=True, kw_only=True)
class Located:
    """Anything read from the page, with the 1-based line it starts on."""

    line: int


@dataclass(slots=True, kw_only=True)
class MetaProblem(Located):
    """A front-matter problem found while reading (YAML syntax, a missing or invalid key)."""

    kind: Literal["unreadable", "too_large", "yaml", "missing", "invalid", "sev4", "inferred"]
    key: str | None = None
    message: str


HeaderKey = Literal["author", "date", "severity", "status"]


@dataclass(slots=True, kw_only=True)
class HeaderLine(Located):
    """A bold header line left in the body, such as `**Severity:** Sev-2`."""

    key: HeaderKey
    value: str


@dataclass(slots=True, kw_only=True)
class Section(Located):
    """One of the template's sections, found by its heading."""

    key: str
    heading: str
    empty: bool


@dataclass(slots=True, kw_only=True)
class TextItem(Located):
    """A list item or paragraph of plain text (formatting removed)."""

    text: str


@dataclass(slots=True, kw_only=True)
class TimelineEvent(Located):
    time: str
    event: str
    at: dt.datetime | None = None  # in UTC; None when the time is not one, or is in another zone
    has_time: bool = False
    zone: str = ""  # a zone other than UTC written after the time (`BST`, `+01:00`)


@dataclass(slots=True, kw_only=True)
class ImpactRow(Located):
    dimension: str
    impact: str


@dataclass(slots=True, kw_only=True)
class WhyPair(Located):
    question: str
    answer: str
    answer_line: int | None = None


@dataclass(slots=True, kw_only=True)
class ActionItem(Located):
    number: str
    action: str
    severity: str = ""
    owner: str
    due: str
    due_date: dt.date | None = None
    status: str
    state: ActionState | None = None
    completed: dt.date | None = None
    extra: dict[str, str] = field(default_factory=dict)
    ticket: str = ""  # the Ticket cell as written (its links' destinations when it links); `tickets.py` reads it
    links: tuple[str, ...] = ()  # the action cell's link destinations, where a ticket may be linked instead


@dataclass(slots=True, kw_only=True)
class RegulatoryLine(Located):
    kind: str  # the template's question it answers (`eu_ai_act`, `sector`, `internal_audit`)
    label: str
    value: str
    applicable: bool | None = None


@dataclass(slots=True, kw_only=True)
class SignOff(Located):
    role: str
    role_key: str | None  # the template's sign-off role (`author`, `security`, …), if the Role cell names one
    name: str
    date: str
    signed: dt.date | None = None


@dataclass(slots=True, kw_only=True)
class TableShape(Located):
    """A section's table, as far as the template's `columns` and `min_items` ask: its header and filled rows."""

    header: list[str]
    rows: int


@dataclass(slots=True, kw_only=True)
class LabelledLine(Located):
    """A `Label: answer` line (`- **Internal audit:** Notified 2026-08-16`)."""

    label: str
    value: str


@dataclass(slots=True, kw_only=True)
class SectionContent:
    """What a section the template adds (or constrains) holds, read as its `contains` says."""

    items: list[TextItem]
    table: TableShape | None = None
    pairs: list[WhyPair] = field(default_factory=list)
    labelled: list[LabelledLine] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Suppression(Located):
    """`<!-- postmortem: disable PM409 reason="…" -->`: waives rules for the block that follows."""

    rules: list[str]
    reason: str | None
    first_line: int
    last_line: int


@dataclass(slots=True, kw_only=True)
class Placeholder(Located):
    text: str


@dataclass(slots=True, kw_only=True)
class Edit(Located):
    """A mechanical fix: line `line`, which reads `old`, becomes `new` (which may hold several lines)."""

    old: str
    new: str


@dataclass(slots=True, frozen=True)
class RenderedFacts:
    """What the page MkDocs rendered shows: the text of its headings and the rows of its action table."""

    headings: tuple[str, ...]
    action_rows: int


@dataclass(slots=True, kw_only=True)
class Divergence(Located):
    """A place where MkDocs' renderer (Python-Markdown) reads the page differently from this tool."""

    kind: Literal[
        "table-runs-on",
        "table-after-text",
        "list-after-text",
        "quote-runs-on",
        "list-runs-on",
        "list-joins-list",
        "heading-without-space",
        "html-runs-on",
        "heading-indented",
        "list-marker",
        "item-paragraph",
        "list-indent",
        "list-indent-2",
    ]
    message: str
    fix: str
    edit: Edit | None = None


@dataclass(slots=True, kw_only=True)
class PostMortem:
    """Everything the parser read from one page; rules and the library read only this."""

    path: str
    meta: FrontMatter | None = None
    meta_problems: list[MetaProblem] = field(default_factory=list)
    meta_lines: dict[str, int] = field(default_factory=dict)
    title: str | None = None
    title_line: int = 1
    headers: list[HeaderLine] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)
    near_misses: list[Section] = field(default_factory=list)  # headings that look like a misspelt section's
    summary: TextItem | None = None
    timeline: list[TimelineEvent] | None = None
    impact: list[ImpactRow] | None = None
    went_well: list[TextItem] = field(default_factory=list)
    went_wrong: list[TextItem] = field(default_factory=list)
    whys: list[WhyPair] = field(default_factory=list)
    systemic_cause: TextItem | None = None
    actions: list[ActionItem] | None = None
    communications: list[TextItem] = field(default_factory=list)
    regulatory: list[RegulatoryLine] = field(default_factory=list)
    signoff: list[SignOff] | None = None
    contents: dict[str, SectionContent] = field(default_factory=dict)  # sections without a reader of their own
    placeholders: list[Placeholder] = field(default_factory=list)
    divergences: list[Divergence] = field(default_factory=list)
    rendered: RenderedFacts | None = None  # what MkDocs rendered of the page (in a build, for PM005)
    suppressions: list[Suppression] = field(default_factory=list)
    skipped: bool = False  # over a size limit: not parsed, so only PM001 applies
    legacy: bool = False  # kept as it is (the `legacy` option): only its front matter is checked

    def view(self, *fields: str) -> PostMortem:
        """A copy with its path and only the named fields (the rest empty): what another process needs."""
        return PostMortem(
            path=self.path, skipped=self.skipped, legacy=self.legacy, **{name: getattr(self, name) for name in fields}
        )

    @property
    def is_draft(self) -> bool:
        return self.meta is not None and self.meta.status is Status.DRAFT

    def section_line(self, key: str) -> int:
        """The line of a section's heading, or of the title when the section is missing."""
        section = self.sections.get(key)
        return section.line if section else self.title_line


class Finding(BaseModel):
    """One rule broken at one place: `path:line: RULE level: message — fix`."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    path: str
    line: int
    rule: str
    slug: str
    level: Level
    message: str
    fix: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.rule} {self.level.value}: {self.message} — {self.fix}"
