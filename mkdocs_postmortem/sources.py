"""Other repositories' libraries, merged into this one: their published `postmortems.json` exports.

A central site lists them in the `sources` option (a URL, or a file beside `mkdocs.yml`). Each is
read with a timeout; a good copy is kept under `.cache/mkdocs-postmortem/sources/`, so a source that
cannot be reached (or sends something that is not an export) is a warning and its last good copy is
used. An export of a newer `schema_version` than this tool reads is an error: its meaning may have
changed. Every merged post-mortem links back to its own site and shows its source like a team.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urljoin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .atomic import write_atomic
from .model import ActionItem, FrontMatter, PostMortem, Status
from .template import ActionState

if TYPE_CHECKING:  # the settings import this module: what only a merge needs is imported when one runs
    from .library import Entry
    from .render.exports import ExportDocument, ExportPostMortem

SOURCES_CACHE = Path(".cache") / "mkdocs-postmortem" / "sources"
TIMEOUT_SECONDS = 10.0
MAX_BYTES = 20_000_000  # an export larger than this is not read


class SourceError(ValueError):
    """A source that cannot be merged at all (a newer schema): the message names it."""


class Source(BaseModel):
    """One entry of the `sources` option: another site's `postmortems.json`, by URL or file."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        description="How the library shows its post-mortems, like a team (`payments`)."
    )
    url: str | None = Field(default=None, description="The export's URL (`https://…/postmortems/postmortems.json`).")
    file: str | None = Field(default=None, description="Or the export as a file, relative to mkdocs.yml.")
    site_url: str | None = Field(
        default=None, description="For a file whose links are relative: the URL of the folder it was published in."
    )
    timeout: float = Field(default=TIMEOUT_SECONDS, gt=0, le=120, description="Seconds to wait for a URL.")

    @model_validator(mode="after")
    def _one_place(self) -> Source:
        if (self.url is None) == (self.file is None):
            raise ValueError("give the export's `url` or its `file`, one of the two")
        if self.url is not None and not self.url.startswith(("https://", "http://")):
            raise ValueError(f"url: '{self.url}' is not an http(s) URL")
        return self

    @property
    def where(self) -> str:
        return self.url or self.file or ""


@dataclass
class Merged:
    """What the sources gave: their post-mortems as library entries, and what to tell the user."""

    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def merge_sources(sources: list[Source], base_dir: Path) -> Merged:
    """Every source's post-mortems (a source that fails, from its last good copy); raises SourceError
    for an export this tool cannot read (a newer schema)."""
    merged = Merged()
    cache = base_dir / SOURCES_CACHE
    for source in sources:
        text, problem = _fetch(source, base_dir)
        document = _document(source, text) if text is not None else None
        if isinstance(document, str):
            problem, document = document, None
        copy = cache / f"{hashlib.sha256(source.where.encode()).hexdigest()[:16]}.json"
        if document is not None and text is not None:
            write_atomic(copy, text)
        elif problem is not None:
            kept = _document(source, copy.read_text(encoding="utf-8")) if copy.is_file() else None
            if kept is not None and not isinstance(kept, str):
                when = dt.datetime.fromtimestamp(copy.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
                merged.warnings.append(f"sources: {source.name} ({source.where}): {problem}; using its copy of {when}")
                document = kept
            else:
                merged.warnings.append(
                    f"sources: {source.name} ({source.where}): {problem}; no earlier copy, so its post-mortems are left out"
                )
        if document is not None:
            base = source.url or source.site_url
            if base is None and any("://" not in pm.url for pm in document.postmortems):
                merged.warnings.append(
                    f"sources: {source.name} ({source.where}): its links are relative to where it was published: "
                    "give that folder's URL as `site_url`, so the library links to its post-mortems"
                )
            merged.entries += [_entry(source, pm, base) for pm in document.postmortems]
    return merged


def _fetch(source: Source, base_dir: Path) -> tuple[str | None, str | None]:
    """The export's text, or why it could not be read."""
    if source.file is not None:
        path = base_dir / source.file
        try:
            if path.stat().st_size > MAX_BYTES:
                return None, f"larger than {MAX_BYTES // 1_000_000} MB"
            return path.read_text(encoding="utf-8"), None
        except (OSError, UnicodeDecodeError) as exc:
            return None, f"cannot read it ({exc.__class__.__name__}: {getattr(exc, 'strerror', None) or exc})"
    import httpx  # only a build that merges a URL needs it

    assert source.url is not None
    try:
        response = httpx.get(source.url, timeout=source.timeout, follow_redirects=True)
    except httpx.TimeoutException:
        return None, f"no answer within {source.timeout:g} s"
    except httpx.HTTPError as exc:
        return None, f"cannot reach it ({exc.__class__.__name__})"
    if response.status_code != 200:
        return None, f"the server answered {response.status_code}"
    if len(response.content) > MAX_BYTES:
        return None, f"larger than {MAX_BYTES // 1_000_000} MB"
    return response.text, None


def _document(source: Source, text: str) -> ExportDocument | str:
    """The export, or why it is not one; a newer schema raises SourceError."""
    from .render.exports import SCHEMA_VERSION, ExportDocument

    try:
        document = ExportDocument.model_validate_json(text)
    except ValidationError as exc:
        version = _version(text)
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise SourceError(
                f"sources: {source.name} ({source.where}): its schema_version {version} is newer than this tool "
                f"reads ({SCHEMA_VERSION}): upgrade mkdocs-postmortem to merge it"
            ) from None
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"not a postmortems.json export ({where}: {first['msg']})"
    return document


def _version(text: str) -> object:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data.get("schema_version") if isinstance(data, dict) else None


def _entry(source: Source, record: ExportPostMortem, base: str | None) -> Entry:
    """A merged post-mortem as a library entry: its front matter and action items as the export gives them."""
    from .library import Entry

    url = urljoin(base, record.url) if base else record.url
    meta = None
    if record.agent and record.severity and record.incident_date and record.date and record.status:
        meta = FrontMatter.model_construct(
            agent=record.agent,
            severity=record.severity,
            incident_date=record.incident_date,
            date=record.date,
            author="",
            status=Status(record.status),
            title=record.title,
            team=record.team,
        )
    postmortem = PostMortem(path=f"{source.name}:{record.path}", meta=meta, title=record.title)
    postmortem.actions = [
        ActionItem(
            line=0,
            number=item.number,
            action=item.action,
            owner=item.owner,
            due=item.due.isoformat() if item.due else "",
            due_date=item.due,
            status=ActionState(item.status).value,
            state=ActionState(item.status),
            completed=item.completed,
        )
        for item in record.action_items
    ]
    return Entry(postmortem, [], postmortem.path, url, source=source.name)
