"""One build's library work, as a single call: check every page, build the library, render its pages,
cards and exports.

The plugin describes the build in a `Job` (plain data, so it can cross into a worker process) and gets
an `Outcome` back. During `mkdocs build` it runs in a second process while MkDocs renders the pages
on the first core; under `mkdocs serve` it runs in-process, with the plugin's parse cache. The exports
are written here under hidden temporary names (`stage`): the plugin gives them their names once the
build has succeeded (`publish`, an atomic rename each), and removes them when it fails (`discard`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .checker import Checker, ParseCache, Settings
from .library import Entry, Library, action_anchors, build_library
from .model import Finding, PostMortem
from .render.exports import EXPORTS, Site
from .render.pages import LIBRARY_PAGES, RenderedPage, Renderer, agent_anchor, relative_url
from .runner import read_sources
from .store import Store, content_hash, files_hash, fingerprint


@dataclass(frozen=True)
class PageSource:
    """A post-mortem page as MkDocs knows it."""

    display: str  # the path findings show, relative to the project
    path: str  # where to read it
    src_uri: str
    url: str
    in_library: bool  # drafts are left out of a build's library
    refused: str | None = None  # why it is not read (a link out of docs_dir, a name the library takes)
    in_site: bool = True  # False: left out of the site (the library takes its place), only reported


@dataclass(frozen=True)
class Job:
    settings: Settings
    base_dir: str
    markdown_extensions: list[object]  # the site's, as mkdocs.yml lists them: how MkDocs renders the pages
    pages: list[PageSource]
    folder: str
    generated: dict[str, str]  # library page name → URL, for the pages this build generates
    library_urls: dict[str, str]  # every library page name → URL (generated or the user's own)
    index_table: tuple[str, str] | None  # a hand-written index asking for the table: (src_uri, url)
    template_dirs: list[str]
    show_findings: bool
    exports_dir: str  # the post-mortem folder of site_dir
    exports: tuple[str, ...]  # the names of the exports to make (none: nothing is written)
    site: Site
    problems: dict[str, str] = field(
        default_factory=dict
    )  # display path → why: files of the folder that are not pages (a folder link that loops, a file where an export goes)
    merged: list[Entry] = field(default_factory=list)  # other sites' post-mortems (the `sources` option)
    persist: bool = False  # keep and reuse results in the persistent cache (`store.py`)


@dataclass
class Outcome:
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by display path
    cards: dict[str, str] = field(default_factory=dict)  # by src_uri: HTML above the page's content
    anchors: dict[str, list[str]] = field(default_factory=dict)  # by src_uri: its action rows' anchors
    pages: dict[str, RenderedPage] = field(default_factory=dict)  # by src_uri of the library page
    views: dict[str, PostMortem] = field(default_factory=dict)  # by src_uri: what PM005 compares with the HTML
    exports: dict[str, str] = field(
        default_factory=dict
    )  # export file → its temporary file, renamed once the build succeeds


def run(job: Job, cache: ParseCache | None = None) -> tuple[Outcome, Library | None]:
    """Do the work; returns the outcome (small, picklable) and the library (kept in-process only; None
    when the persistent cache had the whole outcome of these very pages and settings)."""
    checker = Checker(job.settings, Path(job.base_dir), cache, job.markdown_extensions, persist=job.persist)
    sources, unreadable = read_sources({page.display: page.path for page in job.pages if not page.refused})
    store = checker.store
    if store is not None and isinstance(finished := store.get("library", _library_key(job, store, sources)), Finished):
        return finished.outcome(Path(job.exports_dir)), None
    outcome, library, texts = _work(job, checker, cache, sources, unreadable)
    if store is not None:
        store.put("library", _library_key(job, store, sources), Finished(outcome, texts))
    outcome.exports = stage(Path(job.exports_dir), texts.items())
    return outcome, library


def cached_outcome(job: Job) -> Outcome | None:
    """The outcome a build of these very pages and settings made before, from the persistent cache
    (None when there is none): checked without a second process, reading each page once."""
    checker = Checker(job.settings, Path(job.base_dir), None, job.markdown_extensions, persist=True)
    if checker.store is None:
        return None
    sources, _ = read_sources({page.display: page.path for page in job.pages if not page.refused})
    finished = checker.store.get("library", _library_key(job, checker.store, sources))
    return finished.outcome(Path(job.exports_dir)) if isinstance(finished, Finished) else None


def _library_key(job: Job, store: Store, sources: dict[str, bytes]) -> str:
    """The key of a build's whole outcome: the job, and every page's name and content."""
    return store.key(
        _job_fingerprint(job), *(f"{name}\0{content_hash(data)}" for name, data in sorted(sources.items()))
    )


@dataclass(frozen=True)
class Finished:
    """A build's whole outcome, as the persistent cache keeps it: the exports as their texts."""

    result: Outcome
    exports: dict[str, str]  # file → text

    def outcome(self, folder: Path) -> Outcome:
        """The outcome, its exports staged anew in `folder` for this build."""
        return replace(self.result, exports=stage(folder, self.exports.items()))


def _job_fingerprint(job: Job) -> str:
    """Everything of the job the outcome depends on besides the pages' contents and the settings (which
    the store's fingerprint holds): where the pages are, the library's place and URLs, the site, the
    template overrides (their files' contents), the exports asked for, and the other sites merged."""
    overrides = files_hash(path for folder in job.template_dirs for path in Path(folder).rglob("*") if path.is_file())
    merged = [(entry.src_uri, entry.url, entry.source, entry.postmortem) for entry in job.merged]
    pages = [replace(page, path="") for page in job.pages]  # where a page is read from may be a temporary copy
    return fingerprint(replace(job, pages=pages, merged=[], exports_dir=""), overrides, merged)


def _work(
    job: Job, checker: Checker, cache: ParseCache | None, sources: dict[str, bytes], unreadable: dict[str, str]
) -> tuple[Outcome, Library, dict[str, str]]:
    """Check, build the library, render its pages and cards, and the exports' texts."""
    refused = {page.display: page.refused for page in job.pages if page.refused} | unreadable | job.problems
    results = checker.check_all(sources, refused)
    if cache is not None:
        cache.retain(sources.values())

    entries = (
        Entry(
            results[page.display].postmortem,
            results[page.display].findings,
            page.src_uri,
            page.url,
            area=job.settings.folders.team(page.src_uri),
        )
        for page in job.pages
        if page.in_library
    )
    library = build_library([*entries, *job.merged], checker.context)
    renderer = Renderer(library, job.folder, job.library_urls, [Path(d) for d in job.template_dirs])
    outcome = Outcome(findings={display: checked.findings for display, checked in results.items()})

    by_name = {page.name: page for page in LIBRARY_PAGES}
    for name, url in job.generated.items():
        outcome.pages[f"{job.folder}/{name}"] = renderer.page(by_name[name], url)
    if job.index_table:
        src_uri, url = job.index_table
        outcome.pages[src_uri] = renderer.library_table(src_uri, url)

    agents_url = job.library_urls.get("agents.md")
    for page in job.pages:
        if not page.in_site:  # only reported: the library's own page or export is in its place
            continue
        postmortem = results[page.display].postmortem
        outcome.anchors[page.src_uri] = action_anchors(postmortem.actions or [])
        # What the rendered-page rule (PM005) reads of the page, small enough to come back from the worker;
        # of its divergences, those PM003 reports (a rule turned off or waived leaves PM005 to speak).
        view = outcome.views[page.src_uri] = postmortem.view("meta", "sections", "actions", "suppressions")
        reported = {(finding.rule, finding.line) for finding in results[page.display].findings}
        view.divergences = [d for d in postmortem.divergences if ("PM003", d.line) in reported]
        entry = library.by_uri.get(page.src_uri)
        findings = results[page.display].findings
        if entry is None:  # a draft in a build: no card, but its findings in serve
            outcome.cards[page.src_uri] = renderer.findings_box(findings) if job.show_findings and findings else ""
            continue
        agent_url = None
        if agents_url is not None and entry.postmortem.meta:
            agent_url = f"{relative_url(agents_url, page.url)}#{agent_anchor(entry.postmortem.meta.agent)}"
        outcome.cards[page.src_uri] = renderer.card(entry, agent_url, job.show_findings)

    texts = {e.file: e.text(library, job.site) for n, e in EXPORTS.items() if n in job.exports}
    return outcome, library, texts


def stage(folder: Path, exports: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Write each export (file name, text) to a hidden temporary file in `folder`, whole; returns each
    file name → its temporary file. Mode 0o666 less the umask, like every file MkDocs writes."""
    staged: dict[str, str] = {}
    try:
        for file, text in exports:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / f".{file}.{secrets.token_hex(8)}.tmp"
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            staged[file] = str(temporary)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
    except BaseException:
        discard(staged)
        raise
    return staged


def publish(folder: Path, staged: dict[str, str]) -> None:
    """Give each staged export its name: an atomic rename, so a reader sees the old file or the new, whole."""
    for file, temporary in staged.items():
        os.replace(temporary, folder / file)


def discard(staged: dict[str, str]) -> None:
    """Remove staged exports that will not be published (the build failed)."""
    for temporary in staged.values():
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def run_in_worker(job: Job) -> Outcome:
    """The worker process's entry point: only the picklable outcome comes back."""
    return run(job)[0]
