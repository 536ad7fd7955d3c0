"""The MkDocs adapter: MkDocs events in, the core's job out. No rule, layout or escaping logic here.

The flow of a build:

- `on_files`: a cheap look at each post-mortem (size, encoding, nesting, `status: draft`) decides
  what MkDocs may render; the library pages are added, still empty; the library job starts — in a
  second process during `mkdocs build`, so it runs while MkDocs renders pages on the first core.
- `on_page_read_source`: a library page's Markdown is the job's (the first one waits for it, and the
  findings are reported then: errors stop `mkdocs build`).
- `on_post_page`: the finished library pages get their tables, post-mortems their card and their
  action rows' anchors (so the search index keeps to the text).
"""

from __future__ import annotations

import concurrent.futures
import difflib
import functools
import logging
import multiprocessing
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from pydantic import ValidationError

from .checker import Checker, ConfigError, ParseCache, Settings
from .config import PostMortemConfig
from .job import Job, Outcome, PageSource, run, run_in_worker
from .library import Library
from .limits import prescan
from .metadata import FRONT_MATTER_RE
from .model import Finding, Level
from .project import OUTSIDE_DOCS, DocsBoundary, is_postmortem_uri
from .render.pages import LIBRARY_PAGES, LIBRARY_TABLE_MARKER, anchor_action_rows
from .report import plural, sort_for_report, summary

log = get_plugin_logger("postmortem")

_LOG_LEVEL = {Level.ERROR: logging.ERROR, Level.WARNING: logging.WARNING, Level.INFO: logging.INFO}
CSS_URI = "assets/postmortem/postmortem.css"
CSS_FILE = Path(__file__).parent / "render" / "assets" / "postmortem.css"
CARD_PLACEHOLDER = "<!-- postmortem-card -->"
_DRAFT = re.compile(r"""(?mi)^status[ \t]*:[ \t]*["']?draft["']?[ \t]*(?:#.*)?$""")

Event = TypeVar("Event", bound=Callable[..., Any])


def _guarded(event: Event) -> Event:
    """No traceback from a bug of ours: a clean build error naming the page, or a logged error in serve."""

    @functools.wraps(event)
    def run_event(self: PostMortemPlugin, *args: Any, **kwargs: Any) -> Any:
        try:
            return event(self, *args, **kwargs)
        except (PluginError, Abort):
            raise
        except Exception as exc:  # noqa: BLE001
            page = kwargs.get("page")
            where = f" while processing {page.file.src_uri}" if page is not None else ""
            message = (
                f"postmortem: internal error in {event.__name__}{where} ({type(exc).__name__}: {exc}) — "
                "please report a bug to mkdocs-postmortem"
            )
            if self.command != "serve":
                raise PluginError(message) from exc
            log.error(message)
            return args[0] if args else None  # serve goes on with the page or files unchanged

    return run_event  # type: ignore[return-value]


class PostMortemPlugin(BasePlugin[PostMortemConfig]):
    """Validates every post-mortem page and generates the library pages and exports."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: Literal["build", "gh-deploy", "serve"] = "build"
        self.cache = ParseCache()  # kept across `serve` rebuilds: MkDocs reuses this instance
        self.settings: Settings | None = None
        self.library: Library | None = None  # in-process runs only (serve)
        self._future: concurrent.futures.Future[Outcome] | None = None
        self._outcome: Outcome | None = None
        self._postmortems: set[str] = set()  # src_uris of the post-mortem pages
        self._generated: set[str] = set()  # src_uris of the library pages this build generates
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    # Defining on_startup makes MkDocs keep this instance across `serve` rebuilds (and so the cache).
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    def on_shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    @_guarded
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        unknown = sorted(set(self.config) - set(self.config._schema_keys))
        if unknown:
            close = difflib.get_close_matches(unknown[0], self.config._schema_keys, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known options: {', '.join(sorted(self.config._schema_keys))}"
            raise PluginError(f"postmortem: unknown option '{unknown[0]}' in {config.config_file_path} — {hint}")
        base_dir = Path(config.config_file_path or "mkdocs.yml").parent
        try:
            self.settings = Settings(
                dir=self.config.dir,
                rules=self.config.rules,
                holidays=self.config.holidays,
                today=self.config.today,
                owners=self.config.owners,
            )
            Checker(self.settings, base_dir)  # every option checked now, with its name in the message
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise PluginError(f"postmortem: invalid option in {config.config_file_path}: {problems}") from None
        except ConfigError as exc:
            raise PluginError(f"postmortem: invalid option in {config.config_file_path}: {exc}") from None
        if self.config.templates and not (base_dir / self.config.templates).is_dir():
            raise PluginError(f"postmortem: templates: '{self.config.templates}' is not a folder next to mkdocs.yml")
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        return config

    @_guarded
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.settings is not None
        folder = self.settings.dir
        project = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        serve = self.command == "serve"
        boundary = DocsBoundary(config.docs_dir)
        pages: list[PageSource] = []
        for file in files:
            if not (is_postmortem_uri(file.src_uri, folder) and file.is_documentation_page() and not file.generated_by):
                continue
            display = os.path.relpath(file.abs_src_path or file.src_uri, project).replace(os.sep, "/")
            refused = OUTSIDE_DOCS if file.abs_src_path and boundary.outside(file.abs_src_path) else None
            draft = False
            if refused is None:
                draft, readable = _look(file)
                if not readable:
                    file.inclusion = InclusionLevel.EXCLUDED  # MkDocs could not render it: PM001 says why
            else:
                file.inclusion = InclusionLevel.EXCLUDED
            if draft and not file.inclusion.is_excluded():
                file.inclusion = InclusionLevel.DRAFT
            elif file.inclusion.is_in_nav() and not self.config.nav_postmortems:
                file.inclusion = InclusionLevel.NOT_IN_NAV  # the library pages are the way in
            in_library = file.inclusion.is_in_serve() if serve else file.inclusion.is_included()
            pages.append(PageSource(display, file.abs_src_path or "", file.src_uri, file.url, in_library, refused))
        self._postmortems = {page.src_uri for page in pages}

        generated: dict[str, str] = {}
        library_urls: dict[str, str] = {}
        index_table = None
        for page in LIBRARY_PAGES:
            uri = f"{folder}/{page.name}"
            existing = files.get_file_from_path(uri)
            if existing is not None and not existing.generated_by:
                library_urls[page.name] = existing.url  # the user's own page wins
                if page.name == "index.md" and LIBRARY_TABLE_MARKER in existing.content_string:
                    index_table = (existing.src_uri, existing.url)
                continue
            if existing is not None:
                files.remove(existing)
            # Every navigation entry is rendered on every page: by default only the home is one.
            listed = page.name == "index.md" or self.config.nav_library_pages
            inclusion = InclusionLevel.UNDEFINED if listed else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, uri, content="", inclusion=inclusion)  # its Markdown comes from the job
            files.append(file)
            generated[page.name] = library_urls[page.name] = file.url
        self._generated = {f"{folder}/{name}" for name in generated}
        files.append(File.generated(config, CSS_URI, content=CSS_FILE.read_text(encoding="utf-8")))

        job = Job(
            settings=self.settings,
            base_dir=str(Path(config.config_file_path or "mkdocs.yml").parent),
            pages=pages,
            folder=folder,
            generated=generated,
            library_urls=library_urls,
            index_table=index_table,
            template_dirs=[str(d) for d in self._template_dirs(config)],
            show_findings=self.config.findings_on_page == "always" or (self.config.findings_on_page == "serve" and serve),
            exports_dir=str(Path(config.site_dir) / folder) if self.config.exports else None,
            site_name=config.site_name,
            site_url=config.site_url,
            description=config.site_description or f"Post-mortems of {config.site_name}",
        )
        self._outcome = None
        self._future = self._start(job)
        return files

    def _start(self, job: Job) -> concurrent.futures.Future[Outcome]:
        """In a worker process for a build (where fork is available), else right here with the cache."""
        if self.command != "serve" and "fork" in multiprocessing.get_all_start_methods():
            if self._pool is None:
                self._pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            return self._pool.submit(run_in_worker, job)
        future: concurrent.futures.Future[Outcome] = concurrent.futures.Future()
        outcome, self.library = run(job, self.cache)
        future.set_result(outcome)
        return future

    def _result(self, config: MkDocsConfig) -> Outcome:
        """The job's outcome (waiting for it the first time), its findings reported once."""
        if self._outcome is None:
            assert self._future is not None
            self._outcome = self._future.result()
            self._report(self._outcome, config)
        return self._outcome

    @_guarded
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """The library's home stands on its own in the navigation; a hand-written `nav` gets the
        library pages it leaves out."""
        if self.settings is None:
            return nav
        if config.nav is None:
            home = files.get_file_from_path(f"{self.settings.dir}/index.md")
            if home is not None and home.page is not None:
                _lift_lone_page(nav.items, home.page)
            return nav
        placed = {page.file.src_uri for page in nav.pages}
        missing = [
            file.page
            for page in LIBRARY_PAGES
            if (file := files.get_file_from_path(f"{self.settings.dir}/{page.name}")) is not None
            and file.generated_by and file.inclusion.is_in_nav() and file.src_uri not in placed and file.page is not None
        ]
        if len(missing) == 1:
            nav.items.append(missing[0])
        elif missing:
            section = Section("Post-mortem library", missing)  # type: ignore[arg-type]
            for page in missing:
                page.parent = section
            nav.items.append(section)
        return nav

    @_guarded
    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        if page.file.src_uri in self._generated:
            return self._result(config).pages[page.file.src_uri].markdown
        return None

    @_guarded
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if LIBRARY_TABLE_MARKER in markdown and not page.file.generated_by:
            rendered = self._result(config).pages.get(page.file.src_uri)
            if rendered is not None:
                return markdown.replace(LIBRARY_TABLE_MARKER, rendered.markdown)
        return markdown

    @_guarded
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri in self._postmortems:
            return CARD_PLACEHOLDER + html  # the card comes with the job's outcome
        return html

    @_guarded
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Cards and library tables go into the finished page: the search index keeps to the text."""
        if page.file.src_uri in self._postmortems:
            outcome = self._result(config)
            anchors = outcome.anchors.get(page.file.src_uri, [])
            theme, card, content = output.partition(CARD_PLACEHOLDER)  # the page's own content follows the card
            if not card:  # a theme that does not show the content: nothing to put a card on
                return anchor_action_rows(output, anchors)
            return theme + outcome.cards.get(page.file.src_uri, "") + anchor_action_rows(content, anchors)
        if self._outcome is not None and (rendered := self._outcome.pages.get(page.file.src_uri)) is not None:
            return rendered.fill(output)
        return output

    @_guarded
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._future is not None:
            self._result(config)  # a site without library pages or post-mortems still reports

    def _template_dirs(self, config: MkDocsConfig) -> list[Path]:
        dirs = []
        if self.config.templates:
            dirs.append(Path(config.config_file_path or "mkdocs.yml").parent / self.config.templates)
        custom_dir = config.theme.custom_dir
        if custom_dir:
            dirs.append(Path(custom_dir) / "postmortem")
        return dirs

    def _report(self, outcome: Outcome, config: MkDocsConfig) -> None:
        findings: list[Finding] = sort_for_report(f for found in outcome.findings.values() for f in found)
        for finding in findings:
            log.log(_LOG_LEVEL[finding.level], finding.format())
        line = f"post-mortem check: {summary(findings, len(outcome.findings))}"
        if self.command == "serve":  # never stop the preview: findings are shown on the pages instead
            log.info(line)
            return
        errors = sum(1 for f in findings if f.level is Level.ERROR)
        warnings = sum(1 for f in findings if f.level is Level.WARNING)
        quiet = not logging.getLogger("mkdocs").isEnabledFor(logging.WARNING)
        listed = "".join(f"\n  {f.format()}" for f in findings if f.level is not Level.INFO) if quiet else ""
        if errors:
            raise PluginError(f"{line}{listed}\nAborted: fix the errors above (each line says how).")
        if warnings and config.strict:
            # MkDocs 1.6 does not count plugin warnings under `-q`: count them here (mkdocs#4126).
            raise Abort(f"{line}{listed}\nAborted with {plural(warnings, 'post-mortem warning')} in strict mode!")
        log.info(line)


def _lift_lone_page(items: list[Any], page: Page) -> None:
    """Replace a section whose only entry is `page` (the folder's section, in the automatic
    navigation) with the page itself: one entry, not a section to open."""
    for index, item in enumerate(items):
        if isinstance(item, Section):
            if item.children == [page]:
                page.parent = item.parent
                items[index] = page
                return
            _lift_lone_page(item.children, page)


def _look(file: File) -> tuple[bool, bool]:
    """(is it a draft, can MkDocs render it): a cheap look, before anything parses the page."""
    try:
        source = file.content_bytes
        text = source.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False, False
    if prescan(source) is not None:
        return False, False
    if b"draft" not in source.lower():  # most pages: no need to find the front matter
        return False, True
    front = FRONT_MATTER_RE.match(text.replace("\r\n", "\n"))
    return bool(front and _DRAFT.search(front.group(1))), True
