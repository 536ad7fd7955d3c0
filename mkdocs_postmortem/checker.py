"""The core entry point: settings in, `(path, bytes)` in, a parsed post-mortem and its findings out.

Used by the MkDocs plugin and the CLI alike; imports nothing from MkDocs.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import difflib
import gc
import hashlib
import multiprocessing
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from .dates import CalendarError, holiday_calendar, resolve_today
from .fidelity import extension_names
from .model import Finding, Level, MetaProblem, PostMortem
from .limits import prescan
from .parse import parse_postmortem
from .people import PeopleFileError, load_people
from .rules import RULES, Context, Rule, find_rule, finding_order, run_rules

INTERNAL_ERROR = "PM000"


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the option."""


def _path_text(value: object) -> object:
    """A path-like value as its text: MkDocs reads `!relative $config_dir/…` as a path object."""
    return os.fspath(value) if isinstance(value, os.PathLike) else value


PathText = Annotated[str, BeforeValidator(_path_text)]


class Settings(BaseModel):
    """The options the core needs; `options.Options` adds those of the site and validates `mkdocs.yml`'s."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dir: str = Field("postmortems", description="Folder of `docs_dir` that holds the post-mortems (its `index.md` files are not post-mortems).")
    rules: dict[str, str] = Field(
        default_factory=dict,
        description="Rule id or slug → `error`, `warning`, `info` or `off` (unquoted off/false: off; on/true: the rule's default level).",
    )
    holidays: str | None = Field(None, description="Country (`GB`) or country-subdivision (`US-CA`) whose public holidays are not business days.")
    today: dt.date | None = Field(None, description="The date deadlines and overdue items are judged by; default `SOURCE_DATE_EPOCH`, else the clock.")
    owners: PathText | None = Field(None, description="People file (relative to mkdocs.yml) mapping each owner to aliases; unknown owners are then a warning.")

    @field_validator("dir")
    @classmethod
    def _dir(cls, value: str) -> str:
        cleaned = value.strip().strip("/")
        if not cleaned or cleaned.startswith("..") or "/../" in f"/{cleaned}/" or value.strip().startswith("/"):
            raise PydanticCustomError("folder", "'{value}' must be a folder inside docs_dir, such as `postmortems`", {"value": value})
        return cleaned

    @field_validator("rules", mode="before")
    @classmethod
    def _rules(cls, value: object) -> object:
        """Each rule by its id, each level by its name (`off` for off)."""
        if not isinstance(value, dict):
            return value  # pydantic says that it must be a mapping
        return {_rule(name).id: _level_name(name, level) for name, level in value.items()}

    def levels(self) -> dict[str, Level | None]:
        """Rule id → configured level (None: off)."""
        return {rule_id: None if level == OFF else Level(level) for rule_id, level in self.rules.items()}

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


OFF = "off"
_OFF_WORDS = frozenset({"off", "false", "no", "none", "disable", "disabled"})
_ON_WORDS = frozenset({"on", "true", "yes", "enable", "enabled"})


def _rule(name: object) -> Rule:
    found = find_rule(str(name))
    if found is None:
        close = difflib.get_close_matches(str(name), [*RULES, *(r.slug for r in RULES.values())], n=1, cutoff=0.8)
        hint = f"did you mean '{close[0]}'?" if close else "`mkdocs-postmortem rules` lists them"
        raise PydanticCustomError("unknown_rule", "unknown rule '{name}' — {hint}", {"name": str(name), "hint": hint})
    return found


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
        "rule_level", "{name}: '{value}' is not a level; use error, warning, info or off", {"name": str(name), "value": value}
    )


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
    """Checks pages against the rules with one configuration; with a `cache`, parses are kept and
    reused (`mkdocs serve`), without one each page is parsed and let go (a build, the CLI)."""

    def __init__(
        self,
        settings: Settings,
        base_dir: Path = Path("."),
        cache: ParseCache | None = None,
        markdown_extensions: Iterable[str] = (),
    ) -> None:
        self.settings = settings
        self.context = replace(settings.context(base_dir), markdown_extensions=extension_names(markdown_extensions))
        self.levels = settings.levels()
        self.cache = cache

    def check_all(self, sources: dict[str, bytes], refused: dict[str, str] | None = None) -> dict[str, Checked]:
        """Parse (or reuse) every page, then validate each knowing the whole library.

        `refused` pages (path → why) were not read, and are reported by PM001. Never raises: a bug of
        ours becomes a PM000 finding on the page being processed.
        """
        return self.check_library(self.check_pages(sources, refused))

    def check_pages(self, sources: dict[str, bytes], refused: dict[str, str] | None = None) -> dict[str, Checked]:
        """Each page on its own: parsed (or reused) and checked by the page rules."""
        results: dict[str, Checked] = {}
        for path, why in (refused or {}).items():
            unread = PostMortem(path=path, meta_problems=[MetaProblem(line=1, kind="unreadable", message=why)], skipped=True)
            results[path] = Checked(unread, run_rules(unread, self.context, self.levels, scope="page"))
        for path, source in sources.items():
            try:
                postmortem = self.cache.parse(path, source) if self.cache is not None else parse_source(path, source)
                results[path] = Checked(postmortem, run_rules(postmortem, self.context, self.levels, scope="page"))
            except Exception as exc:  # noqa: BLE001 — the last line of defence: report, never crash
                results[path] = Checked(PostMortem(path=path), [_internal_error(path, exc)])
        return results

    def check_library(self, pages: dict[str, Checked]) -> dict[str, Checked]:
        """Add the findings of the library rules, which compare every page with the others."""
        context = replace(self.context, incidents=_incidents(checked.postmortem for checked in pages.values()))
        results: dict[str, Checked] = {}
        for path, checked in pages.items():
            try:
                more = run_rules(checked.postmortem, context, self.levels, scope="library")
            except Exception as exc:  # noqa: BLE001
                more = [_internal_error(path, exc)]
            findings = sorted(checked.findings + more, key=finding_order) if more else checked.findings
            results[path] = Checked(checked.postmortem, findings)
        return results

    def check(self, path: str, source: bytes) -> Checked:
        """Check one page on its own."""
        return self.check_all({path: source})[path]


def check_files(
    settings: Settings,
    base_dir: str,
    files: dict[str, str],
    refused: dict[str, str],
    markdown_extensions: Iterable[str] = (),
    workers: int = 2,
) -> dict[str, list[Finding]]:
    """Findings for many files (display path → file path), checked by `workers` processes at once:
    this one and `workers - 1` forked ones. `refused` pages (display path → why) are reported unread.

    The files are cut into parts. The forked processes take parts from the front, this one from the
    back (cancelling a part before anyone starts it), so a process slowed by a busy core does less.
    Each part comes back as findings plus what the library rules read of each page; the library
    rules then run here, over the whole library, so the result is the same as one process's.
    """
    names = list(files)
    size = max(1, -(-len(names) // (PARTS_PER_PROCESS * workers)))
    parts = [{name: files[name] for name in names[start : start + size]} for start in range(0, len(names), size)]
    extensions = tuple(markdown_extensions)
    checker = Checker(settings, Path(base_dir), markdown_extensions=extensions)
    pages: dict[str, Checked] = {}
    gc.freeze()  # the collector leaves what exists now alone, so the forked copy stays shared, unwritten
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(
            workers - 1, mp_context=context, initializer=_start_worker, initargs=(settings, base_dir, extensions)
        ) as pool:
            futures = [pool.submit(_check_part_in_worker, part) for part in parts]
            for future, part in zip(reversed(futures), reversed(parts), strict=True):
                if not future.cancel():
                    break
                pages |= _check_part(checker, part)
            for future in futures:
                if not future.cancelled():
                    pages |= future.result()
    finally:
        gc.unfreeze()
    pages |= checker.check_pages({}, refused)
    return {display: checked.findings for display, checked in checker.check_library(pages).items()}


PARTS_PER_PROCESS = 16
_worker_checker: Checker | None = None  # a forked process's own checker, made once by `_start_worker`


def _start_worker(settings: Settings, base_dir: str, markdown_extensions: tuple[str, ...]) -> None:
    global _worker_checker
    _worker_checker = Checker(settings, Path(base_dir), markdown_extensions=markdown_extensions)


def _check_part_in_worker(files: dict[str, str]) -> dict[str, Checked]:
    if _worker_checker is None:
        raise RuntimeError("a worker process starts with _start_worker")
    return _check_part(_worker_checker, files)


def read_sources(files: dict[str, str]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Read each file (display path → file path): the bytes of those that could be read, and why
    the others could not (for PM001)."""
    sources: dict[str, bytes] = {}
    refused: dict[str, str] = {}
    for display, path in files.items():
        try:
            sources[display] = Path(path).read_bytes()
        except OSError as exc:
            refused[display] = f"the file cannot be read ({exc.strerror})"
    return sources, refused


def _check_part(checker: Checker, files: dict[str, str]) -> dict[str, Checked]:
    """Read and check each page on its own; keep of each page only what the library rules read (its
    path, front matter and waivers), so little crosses between processes."""
    pages = checker.check_pages(*read_sources(files))
    library_view = ("meta", "meta_lines", "suppressions")  # what the library rules read of a page
    return {display: Checked(checked.postmortem.view(*library_view), checked.findings) for display, checked in pages.items()}


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
