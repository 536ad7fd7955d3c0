"""The core entry point: settings in, `(path, bytes)` in, a parsed post-mortem and its findings out.

Used by the MkDocs plugin and the CLI alike; imports nothing from MkDocs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .dates import CalendarError, holiday_calendar, resolve_today
from .model import Finding, Level, MetaProblem, PostMortem
from .parse import parse_postmortem
from .rules import RULES, Context, find_rule, run_rules

INTERNAL_ERROR = "PM000"


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the option."""


class Settings(BaseModel):
    """The options the core needs (the plugin and the CLI both build one from `mkdocs.yml`)."""

    model_config = ConfigDict(frozen=True)

    dir: str = Field("postmortems", description="Folder of `docs_dir` holding the post-mortems.")
    rules: dict[str, str] = Field(default_factory=dict, description="Rule id or slug → error, warning, info or off.")
    holidays: str | None = Field(None, description="Country (or country-subdivision) whose holidays are not business days.")
    today: dt.date | None = Field(None, description="The date to judge deadlines by; default SOURCE_DATE_EPOCH or the clock.")

    @field_validator("dir")
    @classmethod
    def _dir(cls, value: str) -> str:
        cleaned = value.strip().strip("/")
        if not cleaned or cleaned.startswith("..") or "/../" in f"/{cleaned}/" or value.strip().startswith("/"):
            raise ValueError(f"'{value}' must be a folder inside docs_dir, such as `postmortems`")
        return cleaned

    def levels(self) -> dict[str, Level | None]:
        """Rule id → configured level (None: off). Raises ConfigError naming a bad entry."""
        levels: dict[str, Level | None] = {}
        for name, value in self.rules.items():
            found = find_rule(str(name))
            if found is None:
                known = ", ".join(sorted(RULES))
                raise ConfigError(f"rules: unknown rule '{name}' (known rules: {known})")
            text = str(value).strip().lower() if value is not False else "off"
            if text in ("off", "false", "none", "disable", "disabled"):
                levels[found.id] = None
            elif text in {level.value for level in Level}:
                levels[found.id] = Level(text)
            else:
                raise ConfigError(f"rules: {name}: '{value}' is not a level; use error, warning, info or off")
        return levels

    def context(self) -> Context:
        """The rule context, with "today" resolved and the holiday calendar checked."""
        try:
            holiday_calendar(self.holidays)
        except CalendarError as exc:
            raise ConfigError(f"holidays: {exc}") from exc
        return Context(today=resolve_today(self.today), holidays=self.holidays)


@dataclass(frozen=True)
class Checked:
    """One page's parse and findings."""

    postmortem: PostMortem
    findings: list[Finding]

    def count(self, level: Level) -> int:
        return sum(1 for finding in self.findings if finding.level is level)


class Checker:
    """Checks pages against the rules, re-parsing a page only when its content changed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.context = settings.context()
        self.levels = settings.levels()
        self._cache: dict[str, tuple[bytes, PostMortem]] = {}
        self.parses = 0
        self.hits = 0

    def check(self, path: str, source: bytes) -> Checked:
        """Parse (or reuse) and validate one page. Never raises: a bug of ours becomes a PM000 finding."""
        try:
            postmortem = self._parse(path, source)
            return Checked(postmortem, run_rules(postmortem, self.context, self.levels))
        except Exception as exc:  # noqa: BLE001 — the last line of defence: report, never crash
            finding = Finding(
                path=path,
                line=1,
                rule=INTERNAL_ERROR,
                slug="internal-error",
                level=Level.ERROR,
                message=f"internal error while checking this page ({type(exc).__name__}: {exc})",
                fix="please report a bug to mkdocs-postmortem with this page attached",
            )
            return Checked(PostMortem(path=path), [finding])

    def forget(self, keep: set[str]) -> None:
        """Drop cached pages that are no longer in the library."""
        for path in set(self._cache) - keep:
            del self._cache[path]

    def _parse(self, path: str, source: bytes) -> PostMortem:
        digest = hashlib.blake2b(source, digest_size=16).digest()
        cached = self._cache.get(path)
        if cached and cached[0] == digest:
            self.hits += 1
            return cached[1]
        self.parses += 1
        postmortem = parse_source(path, source)
        self._cache[path] = (digest, postmortem)
        return postmortem


def parse_source(path: str, source: bytes) -> PostMortem:
    """Decode (UTF-8, optional BOM) and parse; undecodable bytes become a PM001 finding.

    A page with a bad byte is still read (the byte replaced) so its other findings are not hidden.
    """
    try:
        return parse_postmortem(path, source.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = source[: exc.start].count(b"\n") + 1
        postmortem = parse_postmortem(path, source.decode("utf-8-sig", errors="replace"))
        message = f"the file is not UTF-8 text (byte 0x{source[exc.start]:02x} on line {line})"
        postmortem.meta_problems.insert(0, MetaProblem(line=line, kind="unreadable", message=message))
        return postmortem
