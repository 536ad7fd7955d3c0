"""The options the core reads (folder, rule levels, calendar, "today", people file, template), validated
with messages that name the option, and the rule context they make."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import posixpath
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pathspec.gitignore import GitIgnoreSpec
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from .dates import (
    EARLIEST,
    LATEST,
    CalendarError,
    TodayError,
    holiday_calendar,
    in_range,
    out_of_range,
    resolve_today,
)
from .folders import FolderPattern, folder_pattern
from .model import Level
from .people import PeopleFileError, load_people
from .profile import AiProfileOptions
from .regulation import RegulationOptions
from .rules import RULES, Context, Rule
from .sources import Source
from .template import Template, TemplateError, default_template, load_template
from .tickets import TicketOptions, Tickets, load_tickets
from .trackers.state import StateFileError


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the option."""


class VariableError(ConfigError):
    """An environment variable (SOURCE_DATE_EPOCH) that cannot be used; the message names it, not an option."""


def _path_text(value: object) -> object:
    """A path-like value as its text: MkDocs reads `!relative $config_dir/…` as a path object."""
    return os.fspath(value) if isinstance(value, os.PathLike) else value


PathText = Annotated[str, BeforeValidator(_path_text)]


class Legacy(BaseModel):
    """Pages kept as they are: named by gitignore-style patterns, or written about incidents before a date."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    pages: list[str] = Field(
        default_factory=list,
        description="Patterns as `exclude_docs` writes them (`2019-*.md`, `archive/`), matched against the page's path.",
    )
    before: dt.date | None = Field(None, description="Every page whose `incident_date` is before this date.")

    @field_validator("pages", mode="before")
    @classmethod
    def _one_pattern(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def matches(self, path: str) -> bool:
        """Whether the page at `path` is legacy by its name."""
        return bool(self.pages) and _patterns(tuple(self.pages)).match_file(path)


@lru_cache(maxsize=16)
def _patterns(lines: tuple[str, ...]) -> GitIgnoreSpec:
    return GitIgnoreSpec.from_lines(lines)


class Settings(BaseModel):
    """The options the core needs; `options.Options` adds those of the site and validates `mkdocs.yml`'s."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    dir: str = Field(
        "postmortems",
        description="Folder of `docs_dir` that holds the post-mortems (its `index.md` files are not post-mortems), or "
        "a pattern of folders: `*/postmortems` (one per team), `**/postmortems` (at any depth).",
    )
    library_dir: str | None = Field(
        None,
        description="Folder of `docs_dir` for the library's own pages and exports; default `dir`, or for a pattern "
        "the part after its last wildcard (`*/postmortems` → `postmortems`).",
    )
    rules: dict[str, str] = Field(
        default_factory=dict,
        description="Rule id or slug → `error`, `warning`, `info` or `off` (unquoted off/false: off; on/true: the rule's default level).",
    )
    holidays: str | None = Field(
        None, description="Country (`GB`) or country-subdivision (`US-CA`) whose public holidays are not business days."
    )
    today: dt.date | None = Field(
        None,
        description=f"The date deadlines and overdue items are judged by ({EARLIEST.isoformat()} to "
        f"{LATEST.isoformat()}); default `SOURCE_DATE_EPOCH`, else the clock.",
    )
    owners: PathText | None = Field(
        None,
        description="People file (relative to mkdocs.yml) mapping each owner to aliases; unknown owners are then a warning.",
    )
    template: PathText | None = Field(
        None,
        description="The site's post-mortem template (a YAML file relative to mkdocs.yml): sections, sign-off roles, "
        "regulatory questions, severities; it extends the built-in CoE template.",
    )
    cache_dir: PathText | Literal[False] = Field(
        ".cache/mkdocs-postmortem",
        description="Folder (relative to mkdocs.yml) of the persistent cache of checks and library outputs, "
        "keyed by content, settings and the tool's version; false turns it off.",
    )
    legacy: Legacy = Field(
        Legacy(pages=[], before=None),
        description="Pages kept as they are (`pages:` patterns, and/or `before:` a date): only their front matter is "
        "checked, never failing the build, and the library lists them marked legacy.",
    )
    regulation: RegulationOptions = Field(
        RegulationOptions(),
        description="Regulators' clocks: `art73_applies_from` (default 2026-08-02; null turns Article 73's clock "
        "off), `gdpr` (true), `contact` for the report drafts.",
    )
    sources: list[Source] = Field(
        default_factory=list,
        description="Other sites' `postmortems.json` exports to merge into the library: each `{name, url}` or "
        "`{name, file, site_url}`.",
    )
    ai_profile: AiProfileOptions = Field(
        AiProfileOptions(),
        description="`required`: severity → the `ai:` profile's fields its pages must give, e.g. `{Sev-1: [harm, autonomy]}`.",
    )
    tickets: TicketOptions = Field(
        default_factory=TicketOptions,
        description="Action items and the issue tracker: `jira_url`, `gitlab_url`, `github_url` (Enterprise), "
        "`state_file` (postmortem-tickets.json), `required_for` (severities), `max_age_days` (7), `label`.",
    )

    @field_validator("dir", "library_dir")
    @classmethod
    def _dir(cls, value: str | None) -> str | None:
        if value is None:
            return None
        cleaned = value.strip().strip("/")
        if not cleaned or cleaned.startswith("..") or "/../" in f"/{cleaned}/" or value.strip().startswith("/"):
            raise PydanticCustomError(
                "folder", "'{value}' must be a folder inside docs_dir, such as `postmortems`", {"value": value}
            )
        cleaned = posixpath.normpath(cleaned)  # `./postmortems/` is `postmortems`
        if cleaned in (".", "**"):
            raise PydanticCustomError(
                "folder",
                "'{value}' is docs_dir itself, which would make every page of the site a post-mortem: "
                "name a folder inside docs_dir, such as `postmortems`, or a pattern such as `*/postmortems`",
                {"value": value},
            )
        return cleaned

    @property
    def folders(self) -> FolderPattern:
        """The `dir` option, compiled: which pages are post-mortems, and each one's team."""
        return folder_pattern(self.dir)

    @property
    def library_folder(self) -> str:
        """Where the library's pages and exports go: `library_dir`, else `dir` (for a pattern, its literal end)."""
        return self.library_dir or self.folders.library_folder

    @field_validator("today")
    @classmethod
    def _today(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not in_range(value):
            raise PydanticCustomError("date_range", out_of_range(value.isoformat()))
        return value

    @field_validator("rules", mode="before")
    @classmethod
    def _rules(cls, value: object) -> object:
        """Each rule by its id, each level by its name (`off` for off)."""
        if not isinstance(value, dict):
            return value  # pydantic says that it must be a mapping
        return {_rule(name).id: _level_name(name, level) for name, level in value.items()}

    def levels(self, template: Template | None = None) -> dict[str, Level | None]:
        """Rule id → configured level (None: off): the template's `rules`, then the site's, which win."""
        configured = {**(template.rules if template else {}), **self.rules}
        return {rule_id: None if level == OFF else Level(str(level)) for rule_id, level in configured.items()}

    def context(self, base_dir: Path = Path(".")) -> Context:
        """The rule context: "today" resolved, the holiday calendar checked, the people file and the template read."""
        try:
            holiday_calendar(self.holidays)
        except CalendarError as exc:
            raise ConfigError(f"holidays: {exc}") from exc
        try:
            owners = load_people(base_dir / self.owners) if self.owners else None
        except PeopleFileError as exc:
            raise ConfigError(str(exc)) from exc
        try:
            today = resolve_today(self.today)
        except TodayError as exc:
            raise (ConfigError if exc.source == "today" else VariableError)(str(exc)) from None
        template = self.post_mortem_template(base_dir)
        return Context(
            today=today,
            template=template,
            holidays=self.holidays,
            owners=owners,
            regulation=self.regulation,
            ai_required=self._ai_required(template),
            tickets=self._tickets(base_dir, template),
        )

    def _tickets(self, base_dir: Path, template: Template) -> Tickets:
        """The `tickets` option, its severities by the template's names, and the state file read."""
        try:
            required = tuple(template.severity(name) for name in self.tickets.required_for)
        except PydanticCustomError as exc:
            raise ConfigError(f"tickets: required_for: {exc.message()}") from None
        try:
            return load_tickets(self.tickets.model_copy(update={"required_for": required}), base_dir)
        except StateFileError as exc:
            raise ConfigError(f"tickets: state_file: {exc}") from None

    def _ai_required(self, template: Template) -> dict[str, tuple[str, ...]]:
        """The `ai_profile` option's `required`, by the template's own severity names."""
        required: dict[str, tuple[str, ...]] = {}
        for name, fields in self.ai_profile.required.items():
            try:
                required[template.severity(name)] = tuple(fields)
            except PydanticCustomError as exc:
                raise ConfigError(f"ai_profile: required: {name}: {exc.message()}") from None
        return required

    def post_mortem_template(self, base_dir: Path = Path(".")) -> Template:
        """The site's post-mortem template: its `template` file merged onto the CoE template, or that alone."""
        if not self.template:
            return default_template()
        path = base_dir / self.template
        try:
            stat = path.stat()
        except OSError:
            stat = None  # load_template says what is wrong with the path
        try:
            return _site_template(path, (stat.st_mtime_ns, stat.st_size) if stat else None)
        except TemplateError as exc:
            raise ConfigError(f"template: {exc}") from exc


@lru_cache(maxsize=8)
def _site_template(path: Path, version: tuple[int, int] | None) -> Template:
    """A site's template file, read once per version of the file: a build asks for it several times
    (the options' validation, the plugin, each checker), and `serve` again after every edit."""
    return load_template(path, _rule_level)


OFF = "off"
_OFF_WORDS = frozenset({"off", "false", "no", "none", "disable", "disabled"})
_ON_WORDS = frozenset({"on", "true", "yes", "enable", "enabled"})


def _rule(name: object) -> Rule:
    found = RULES.find(str(name))
    if found is None:
        close = difflib.get_close_matches(str(name), [*RULES.ids(), *(r.slug for r in RULES)], n=1, cutoff=0.8)
        hint = f"did you mean '{close[0]}'?" if close else "`mkdocs-postmortem rules` lists them"
        raise PydanticCustomError("unknown_rule", "unknown rule '{name}' — {hint}", {"name": str(name), "hint": hint})
    return found


def _rule_level(name: str, value: object) -> tuple[str, str]:
    """A `rules:` entry of a template file as (rule id, level name); ValueError when it is not one."""
    try:
        return _rule(name).id, _level_name(name, value)
    except PydanticCustomError as exc:
        raise ValueError(exc.message()) from None


def _level_name(name: object, value: object) -> str:
    """A configured level as its name. YAML reads unquoted off/no/false as False (off) and on/yes/true
    as True: the rule's default level."""
    text = str(value).strip().lower() if isinstance(value, (str, bool)) else None
    if text in _OFF_WORDS:
        return OFF
    if text in _ON_WORDS:
        return _rule(name).level.value
    if text in {level.value for level in Level}:
        return text
    raise PydanticCustomError(
        "rule_level",
        "{name}: '{value}' is not a level; use error, warning, info or off",
        {"name": str(name), "value": value},
    )
