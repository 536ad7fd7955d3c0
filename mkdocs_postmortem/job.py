"""One build's library work, as a single call: check every page, build the library, render its pages
and cards, write the exports.

The plugin describes the build in a `Job` (plain data, so it can cross into a worker process) and gets
an `Outcome` back. During `mkdocs build` it runs in a second process while MkDocs renders the pages
on the first core; under `mkdocs serve` it runs in-process, with the plugin's parse cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checker import Checker, ParseCache, Settings
from .library import Entry, Library, action_anchors, build_library
from .model import Finding, PostMortem
from .render.exports import Site, write_exports
from .render.pages import LIBRARY_PAGES, RenderedPage, Renderer, agent_anchor, relative_url
from .runner import read_sources


@dataclass(frozen=True)
class PageSource:
    """A post-mortem page as MkDocs knows it."""

    display: str  # the path findings show, relative to the project
    path: str  # where to read it
    src_uri: str
    url: str
    in_library: bool  # drafts are left out of a build's library
    refused: str | None = None  # why it is not read (a link out of docs_dir)


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
    exports: tuple[str, ...]  # the names of the exports to write there (none: nothing is written)
    site: Site


@dataclass
class Outcome:
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by display path
    cards: dict[str, str] = field(default_factory=dict)  # by src_uri: HTML above the page's content
    anchors: dict[str, list[str]] = field(default_factory=dict)  # by src_uri: its action rows' anchors
    pages: dict[str, RenderedPage] = field(default_factory=dict)  # by src_uri of the library page
    views: dict[str, PostMortem] = field(default_factory=dict)  # by src_uri: what PM005 compares with the HTML


def run(job: Job, cache: ParseCache | None = None) -> tuple[Outcome, Library]:
    """Do the work; returns the outcome (small, picklable) and the library (kept in-process only)."""
    checker = Checker(job.settings, Path(job.base_dir), cache, job.markdown_extensions)
    sources, unreadable = read_sources({page.display: page.path for page in job.pages if not page.refused})
    refused = {page.display: page.refused for page in job.pages if page.refused} | unreadable
    results = checker.check_all(sources, refused)
    if cache is not None:
        cache.retain(sources.values())

    entries = (
        Entry(results[page.display].postmortem, results[page.display].findings, page.src_uri, page.url)
        for page in job.pages
        if page.in_library
    )
    library = build_library(entries, checker.context)
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

    write_exports(Path(job.exports_dir), library, job.site, job.exports)
    return outcome, library


def run_in_worker(job: Job) -> Outcome:
    """The worker process's entry point: only the picklable outcome comes back."""
    return run(job)[0]
