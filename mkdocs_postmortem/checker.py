"""The core entry point: settings in, `(path, bytes)` in, a parsed post-mortem and its findings out.

Used by the MkDocs plugin and the CLI alike; imports nothing from MkDocs.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import multiprocessing
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .dates import CalendarError, holiday_calendar, resolve_today
from .model import Finding, Level, MetaProblem, PostMortem
from .limits import prescan
from .metadata import read_front_matter
from .parse import parse_postmortem
from .people import PeopleFileError, load_people
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
    owners: str | None = Field(None, description="People file mapping owners to their aliases, relative to mkdocs.yml.")
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

    def context(self, base_dir: Path = Path(".")) -> Context:
        """The rule context: "today" resolved, the holiday calendar checked, the people file read."""
        try:
            holiday_calendar(self.holidays)
        except CalendarError as exc:
            raise ConfigError(f"holidays: {exc}") from exc
        try:
            owners = load_people(base_dir / self.owners) if self.owners else None
        except PeopleFileError as exc:
            raise ConfigError(str(exc)) from exc
        return Context(today=resolve_today(self.today), holidays=self.holidays, owners=owners)


@dataclass(frozen=True)
class Checked:
    """One page's parse and findings."""

    postmortem: PostMortem
    findings: list[Finding]


class ParseCache:
    """Parsed pages keyed by content: an unchanged page is never parsed twice, a renamed one neither."""

    def __init__(self) -> None:
        self._pages: dict[bytes, PostMortem] = {}
        self.parses = 0
        self.hits = 0

    @staticmethod
    def _key(source: bytes) -> bytes:
        return hashlib.blake2b(source, digest_size=16).digest()

    def parse(self, path: str, source: bytes) -> PostMortem:
        key = self._key(source)
        cached = self._pages.get(key)
        if cached is not None:
            self.hits += 1
            return cached if cached.path == path else replace(cached, path=path)
        self.parses += 1
        postmortem = parse_source(path, source)
        self._pages[key] = postmortem
        return postmortem

    def retain(self, sources: Iterable[bytes]) -> None:
        """Forget every page whose content is not among `sources` (deleted or edited since)."""
        keep = {self._key(source) for source in sources}
        for key in set(self._pages) - keep:
            del self._pages[key]


class Checker:
    """Checks pages against the rules with one configuration."""

    def __init__(self, settings: Settings, base_dir: Path = Path("."), cache: ParseCache | None = None) -> None:
        self.settings = settings
        self.context = settings.context(base_dir)
        self.levels = settings.levels()
        self.cache = cache or ParseCache()

    def check_all(
        self,
        sources: dict[str, bytes],
        refused: dict[str, str] | None = None,
        incidents: dict[tuple[str, dt.date], list[str]] | None = None,
    ) -> dict[str, Checked]:
        """Parse (or reuse) every page, then validate each knowing the whole library.

        `refused` pages (path → why) were not read, and are reported by PM001. `incidents` is the whole
        library's (agent, date) → pages, when `sources` is only part of it. Never raises: a bug of ours
        becomes a PM000 finding on the page being processed.
        """
        parsed: dict[str, PostMortem | Exception] = {
            path: PostMortem(path=path, meta_problems=[MetaProblem(line=1, kind="unreadable", message=why)], skipped=True)
            for path, why in (refused or {}).items()
        }
        for path, source in sources.items():
            try:
                parsed[path] = self.cache.parse(path, source)
            except Exception as exc:  # noqa: BLE001 — the last line of defence: report, never crash
                parsed[path] = exc
        if incidents is None:
            incidents = _incidents(p for p in parsed.values() if isinstance(p, PostMortem))
        context = replace(self.context, incidents=incidents)
        results: dict[str, Checked] = {}
        for path, postmortem in parsed.items():
            try:
                if isinstance(postmortem, Exception):
                    raise postmortem
                results[path] = Checked(postmortem, run_rules(postmortem, context, self.levels))
            except Exception as exc:  # noqa: BLE001
                results[path] = Checked(PostMortem(path=path), [_internal_error(path, exc)])
        return results

    def check(self, path: str, source: bytes) -> Checked:
        """Check one page on its own."""
        return self.check_all({path: source})[path]


def check_files(
    settings: Settings, base_dir: str, files: dict[str, str], refused: dict[str, str], workers: int = 2
) -> dict[str, list[Finding]]:
    """Findings for many files (display path → file path), checked by `workers` processes at once;
    `refused` pages (display path → why) are reported unread.

    Each worker checks its share of the library knowing the whole library's incidents (read from the
    front matter first), so the result is the same as one process's; only findings come back.
    """
    sources = {display: Path(path).read_bytes() for display, path in files.items()}
    incidents: dict[tuple[str, dt.date], list[str]] = {}
    for display, source in sources.items():
        meta = read_front_matter(source.decode("utf-8-sig", errors="replace")).meta
        if meta is not None:
            incidents.setdefault((meta.agent, meta.incident_date), []).append(display)
    names = list(sources)
    shares = [names[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        parts = pool.map(_check_share, [(settings, base_dir, {n: sources[n] for n in share}, incidents) for share in shares])
        found = {display: findings for part in parts for display, findings in part.items()}
    unread = Checker(settings, Path(base_dir)).check_all({}, refused)
    return found | {display: checked.findings for display, checked in unread.items()}


def _check_share(
    work: tuple[Settings, str, dict[str, bytes], dict[tuple[str, dt.date], list[str]]]
) -> dict[str, list[Finding]]:
    settings, base_dir, sources, incidents = work
    results = Checker(settings, Path(base_dir)).check_all(sources, incidents=incidents)
    return {display: checked.findings for display, checked in results.items()}


def _incidents(postmortems: Iterable[PostMortem]) -> dict[tuple[str, dt.date], list[str]]:
    """(agent, incident date) → the pages about it: what the duplicate rule needs to know."""
    incidents: dict[tuple[str, dt.date], list[str]] = {}
    for postmortem in postmortems:
        if postmortem.meta:
            incidents.setdefault((postmortem.meta.agent, postmortem.meta.incident_date), []).append(postmortem.path)
    return incidents


def _internal_error(path: str, exc: Exception) -> Finding:
    return Finding(
        path=path,
        line=1,
        rule=INTERNAL_ERROR,
        slug="internal-error",
        level=Level.ERROR,
        message=f"internal error while checking this page ({type(exc).__name__}: {exc})",
        fix="please report a bug to mkdocs-postmortem with this page attached",
    )


def parse_source(path: str, source: bytes) -> PostMortem:
    """Decode (UTF-8, optional BOM) and parse; undecodable bytes become a PM001 finding.

    A page with a bad byte is still read (the byte replaced) so its other findings are not hidden.
    """
    if refusal := prescan(source):
        problem = MetaProblem(line=refusal.line, kind="too_large", message=refusal.message)
        return PostMortem(path=path, meta_problems=[problem], skipped=True)
    try:
        return parse_postmortem(path, source.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = source[: exc.start].count(b"\n") + 1
        postmortem = parse_postmortem(path, source.decode("utf-8-sig", errors="replace"))
        message = f"the file is not UTF-8 text (byte 0x{source[exc.start]:02x} on line {line})"
        postmortem.meta_problems.insert(0, MetaProblem(line=line, kind="unreadable", message=message))
        return postmortem
