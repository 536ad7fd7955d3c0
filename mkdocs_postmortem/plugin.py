"""The MkDocs adapter: MkDocs events in, the core's job out. No rule, layout or escaping logic here.

The flow of a build:

- `on_files`: files whose place in `site_dir` the plugin takes (`agents.md`, `postmortems.json`) and
  folder links that loop are left out, as findings; a cheap look at each post-mortem (its size before
  anything is read, then the limits, the encoding, `status: draft`) decides what MkDocs may render;
  the library pages are added, still empty; the library job starts — in a second process during
  `mkdocs build`, so it runs while MkDocs renders pages on the first core.
- `on_page_read_source`: a library page's Markdown is the job's (the first one waits for it); a
  post-mortem refused by the look is a short notice saying why, so MkDocs never reads or renders it.
- `on_page_content`: what MkDocs rendered of each post-mortem (its headings, its action rows) is noted.
- `on_env`: every page is rendered, none written: the job's findings and those of the rendered pages
  (PM005) are reported, and errors stop `mkdocs build` here, blaming no page.
- `on_post_page`: the finished library pages get their tables, post-mortems their card and their
  action rows' anchors (so the search index keeps to the text).
- `on_post_build`: the build succeeded: the exports are written (atomically); a failed build writes none.

The worker process ends with the build, and with MkDocs' process however that ends (`runner.exit_with_parent`).
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import multiprocessing
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler

from .checker import Checker, ConfigError, ParseCache
from .config import PostMortemConfig
from .folders import SNIFF_BYTES, looks_like_postmortem, misplaced
from .job import Job, Outcome, PageSource, cached_outcome, discard, publish, run, run_in_worker
from .library import Entry, Library
from .limits import prescan, read_page
from .metadata import FRONT_MATTER_RE
from .model import Finding, Level, RenderedFacts
from .options import Options, validate_options
from .project import (
    OUTSIDE_DOCS,
    DocsBoundary,
    link_problem,
    reserved_paths,
    taken,
    walk_folder,
)
from .render import environment, md_escape
from .render.exports import EXPORTS, Site
from .render.pages import LIBRARY_PAGES, LIBRARY_TABLE_MARKER, anchor_action_rows, findings_box, rendered_facts
from .report import sort_for_report, summary
from .runner import exit_with_parent
from .sources import SourceError, merge_sources
from .template import default_template
from .text import plural

log = get_plugin_logger("postmortem")

_LOG_LEVEL = {Level.ERROR: logging.ERROR, Level.WARNING: logging.WARNING, Level.INFO: logging.INFO}
CSS_URI = "assets/postmortem/postmortem.css"
CSS_FILE = Path(__file__).parent / "render" / "assets" / "postmortem.css"
CARD_PLACEHOLDER = "<!-- postmortem-card -->"
_DRAFT = re.compile(r"""(?mi)^status[ \t]*:[ \t]*["']?draft["']?[ \t]*(?:#.*)?$""")

Event = TypeVar("Event", bound=Callable[..., Any])


@dataclass
class LibraryFiles:
    """The library pages of a build, by name: those it generates and those the site wrote itself."""

    generated: dict[str, str] = field(default_factory=dict)  # name → URL of each page this build generates
    urls: dict[str, str] = field(default_factory=dict)  # name → URL of every library page, generated or the site's own
    index_table: tuple[str, str] | None = None  # a hand-written index asking for the table: (src_uri, url)


@dataclass
class LeftOut:
    """Files of the post-mortem folder that the build leaves out, each reported (PM001) with why."""

    postmortems: list[tuple[File, str]] = field(default_factory=list)  # pages whose place the library takes
    others: dict[str, str] = field(default_factory=dict)  # display path → why: other files, folder links


def _guarded(event: Event) -> Event:
    """No traceback from a bug of ours: a clean build error naming the page, or a logged error in serve."""

    @functools.wraps(event)
    def run_event(self: PostMortemPlugin, *args: Any, **kwargs: Any) -> Any:
        try:
            return event(self, *args, **kwargs)
        except (PluginError, Abort):
            raise
        except Exception as exc:
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


class PostMortemPlugin(BasePlugin[PostMortemConfig]):  # type: ignore[no-untyped-call]  # mkdocs' BasePlugin.__init_subclass__ is unannotated
    """Validates every post-mortem page and generates the library pages and exports."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: Literal["build", "gh-deploy", "serve"] = "build"
        self.cache = ParseCache()  # kept across `serve` rebuilds: MkDocs reuses this instance
        self.settings: Options | None = None  # the options as validated in on_config, typed
        self.template = default_template()  # the site's post-mortem template, read in on_config
        self.library: Library | None = None  # in-process runs only (serve)
        self._future: concurrent.futures.Future[Outcome] | None = None
        self._outcome: Outcome | None = None
        self._postmortems: set[str] = set()  # src_uris of the post-mortem pages
        self._generated: set[str] = set()  # src_uris of the library pages this build generates
        self._refused: dict[str, str] = {}  # by src_uri: why a post-mortem is shown as a notice, not rendered
        self._rendered: dict[str, RenderedFacts] = {}  # by src_uri: what MkDocs rendered of each post-mortem
        self._said_no_folder = False
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    # Defining on_startup makes MkDocs keep this instance across `serve` rebuilds (and so the cache).
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    def on_shutdown(self) -> None:
        self._discard_exports()
        self._stop_pool(kill=True)  # after a successful build it is stopped already

    def on_build_error(self, *, error: Exception) -> None:
        self._discard_exports()
        self._stop_pool(kill=True)  # its work is of no use now: the build writes nothing more

    def _discard_exports(self) -> None:
        """Remove the exports the job staged (its outcome's, if it has finished), unless published."""
        outcome, future = self._outcome, self._future
        if outcome is None and future is not None and future.done() and not future.cancelled():
            outcome = future.result() if future.exception() is None else None
        if outcome is not None:
            discard(outcome.exports)
            outcome.exports = {}

    def _stop_pool(self, kill: bool) -> None:
        """End the worker process (at once with `kill`, else once its work is done) and wait for it to exit."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill:
            kill_workers = getattr(pool, "kill_workers", None)  # Python 3.14
            if kill_workers is not None:
                kill_workers()
            else:
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.kill()
        pool.shutdown(wait=True, cancel_futures=True)

    @_guarded
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:  # the CLI's `load_project` validates with the same function: the same answer, the same message
            self.settings = validate_options(dict(self.config), config.config_file_path or "mkdocs.yml")
        except ConfigError as exc:
            raise PluginError(str(exc)) from None
        self.config.update(dict(self.settings))  # the options as validated (rules by id, today a date)
        for note in self.settings.deprecations():
            log.warning(note)
        self.template = self.settings.post_mortem_template(Path(config.config_file_path or "mkdocs.yml").parent)
        return config

    @_guarded
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Decide what MkDocs may render of each post-mortem, add the library pages (still empty) and
        the stylesheet, and start the library job."""
        assert self.settings is not None
        self._discard_exports()  # an earlier build's, which ended without telling the plugin
        self._future, self._outcome, self._rendered = None, None, {}
        self._postmortems, self._generated, self._refused = set(), set(), {}
        if not self._has_folder(files, config):
            return files
        left_out = self._leave_out(files, config)
        pages = self._postmortem_pages(files, config, left_out)
        library = self._add_library_pages(files, config)
        self._postmortems = {page.src_uri for page in pages if page.in_site}
        self._generated = {f"{self.settings.library_folder}/{name}" for name in library.generated}
        self._add_stylesheet(files, config)
        self._future = self._start(self._job(config, pages, library, left_out, self._merged(config)))
        return files

    def _merged(self, config: MkDocsConfig) -> list[Entry]:
        """The post-mortems of other sites (`sources`), each failure to reach one a warning; one this tool
        cannot read (a newer export schema) fails the build, as an error in `serve`."""
        assert self.settings is not None
        if not self.settings.sources:
            return []
        try:
            merged = merge_sources(self.settings.sources, Path(config.config_file_path or "mkdocs.yml").parent)
        except SourceError as exc:
            if self.command != "serve":
                raise PluginError(f"postmortem: {exc}") from None
            log.error(str(exc))
            return []
        for warning in merged.warnings:
            log.warning(warning)
        return merged.entries

    def _has_folder(self, files: Files, config: MkDocsConfig) -> bool:
        """Whether the site has post-mortems where `dir` says (or the folder, empty); said once (not at
        every `serve` rebuild) when not, with where pages with post-mortem front matter are instead."""
        assert self.settings is not None
        folders = self.settings.folders
        if any(folders.contains(file.src_uri) for file in files if not file.generated_by) or (
            not folders.wildcard and os.path.isdir(os.path.join(config.docs_dir, self.settings.dir))
        ):
            return True
        if not self._said_no_folder:
            self._said_no_folder = True
            elsewhere = [file.src_uri for file in files if _looks_like_postmortem(file)]
            if elsewhere:
                log.warning(misplaced(self.settings.dir, elsewhere))
            else:
                log.info(
                    f"no folder of docs_dir matches '{self.settings.dir}', so no post-mortem library (the plugin's "
                    "`dir` option names it)"
                )
        return False

    def _leave_out(self, files: Files, config: MkDocsConfig) -> LeftOut:
        """Take out of the build the files of the post-mortem folder that the build may not have: those
        MkDocs would write where the plugin writes a library page or an export (the library's home
        aside: a page of the site's own there is used instead), and those reached through a folder link
        that loops back (or leads into a folder already in the site). Each is reported with why."""
        assert self.settings is not None
        left_out = LeftOut()
        folders, library = self.settings.folders, self.settings.library_folder
        exports = {name: EXPORTS[name].file for name in self._exports()}
        pages = {page.name: page.title for page in LIBRARY_PAGES}
        reserved = reserved_paths(library, pages, exports, config.use_directory_urls)
        matched = {folder for file in files if (folder := folders.folder_of(file.src_uri))}
        links: list[str] = []
        for folder in sorted(matched):
            walked = walk_folder(Path(config.docs_dir) / folder)
            links += [f"{Path(link).relative_to(config.docs_dir).as_posix()}/" for link in walked.links]
            for link, target in walked.links.items():
                left_out.others[self._display(str(link), config)] = link_problem(
                    target, self._display(str(target.target), config)
                )
        for file in list(files):
            if file.generated_by or not (folders.folder_of(file.src_uri) or file.src_uri.startswith(f"{library}/")):
                continue
            if links and file.src_uri.startswith(tuple(links)):
                files.remove(file)
                continue
            if file.inclusion is InclusionLevel.EXCLUDED:
                continue
            why = taken(file.src_uri, file.dest_uri, reserved, file.is_documentation_page())
            if why is None:
                continue
            files.remove(file)
            if folders.contains(file.src_uri) and file.is_documentation_page():
                left_out.postmortems.append((file, why))
            else:
                left_out.others[self._display(file.abs_src_path or file.src_uri, config)] = why
        return left_out

    @staticmethod
    def _display(path: str, config: MkDocsConfig) -> str:
        """A path as findings show it: the file a person edits (under mkdocs-monorepo-plugin, the team's
        own file, not the plugin's temporary copy), relative to the project (the folder of mkdocs.yml)."""
        project = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        return os.path.relpath(_monorepo_sources(config).get(path, path), project).replace(os.sep, "/")

    def _exports(self) -> tuple[str, ...]:
        assert self.settings is not None
        exports = self.settings.exports
        return tuple(EXPORTS) if exports is True else tuple(exports or ())

    def _postmortem_pages(self, files: Files, config: MkDocsConfig, left_out: LeftOut) -> list[PageSource]:
        """Every post-mortem of the site (not those of MkDocs' `exclude_docs`), each included as MkDocs
        may render it; and those left out (refused unread)."""
        assert self.settings is not None
        boundary = DocsBoundary(config.docs_dir)
        pages = [
            self._page_source(file, config, boundary)
            for file in files
            if self.settings.folders.contains(file.src_uri)
            and file.is_documentation_page()
            and not file.generated_by
            and file.inclusion is not InclusionLevel.EXCLUDED
        ]
        return pages + [
            PageSource(
                self._display(file.abs_src_path or file.src_uri, config),
                file.abs_src_path or "",
                file.src_uri,
                file.url,
                False,
                why,
                in_site=False,
            )
            for file, why in left_out.postmortems
        ]

    def _page_source(self, file: File, config: MkDocsConfig, boundary: DocsBoundary) -> PageSource:
        """The post-mortem as the job reads it; its inclusion set on the way, and why it is refused, if it is."""
        display = self._display(file.abs_src_path or file.src_uri, config)
        refused = OUTSIDE_DOCS if file.abs_src_path and boundary.outside(file.abs_src_path) else None
        draft, why = (False, refused) if refused is not None else _look(file)
        file.inclusion = self._inclusion(file, draft)
        if why is not None:
            self._refused[file.src_uri] = why
        in_library = why is None and (
            file.inclusion.is_in_serve() if self.command == "serve" else file.inclusion.is_included()  # type: ignore[no-untyped-call]  # mkdocs' InclusionLevel methods are unannotated
        )
        return PageSource(display, file.abs_src_path or "", file.src_uri, file.url, in_library, refused)

    def _inclusion(self, file: File, draft: bool) -> InclusionLevel:
        """A draft when its front matter says so, out of the navigation unless `nav_postmortems` (the
        library is the way in). A page refused by the look stays in the site, as a notice of why."""
        if draft:
            return InclusionLevel.DRAFT
        assert self.settings is not None
        if file.inclusion.is_in_nav() and not self.settings.nav_postmortems:  # type: ignore[no-untyped-call]  # mkdocs' InclusionLevel methods are unannotated
            return InclusionLevel.NOT_IN_NAV
        return file.inclusion

    def _add_library_pages(self, files: Files, config: MkDocsConfig) -> LibraryFiles:
        """Add the library pages, empty (their Markdown comes from the job); a page of the site's own
        with a library page's name wins over it."""
        assert self.settings is not None
        library = LibraryFiles()
        own_home = files.get_file_from_path(f"{self.settings.library_folder}/index.md")
        if own_home is not None and (own_home.generated_by or own_home.inclusion is InclusionLevel.EXCLUDED):
            own_home = None
        for page in LIBRARY_PAGES:
            uri = f"{self.settings.library_folder}/{page.name}"
            if page.name == "index.md" and own_home is not None:
                library.urls[page.name] = own_home.url  # the user's own page wins
                if LIBRARY_TABLE_MARKER in own_home.content_string:
                    library.index_table = (own_home.src_uri, own_home.url)
                continue
            existing = files.get_file_from_path(uri)  # another plugin's, or one `exclude_docs` leaves out
            if existing is not None:
                files.remove(existing)
            # Every navigation entry is rendered on every page: by default only the home is one. A
            # hand-written nav gets its entries in `on_nav`, so MkDocs must not count them as omitted.
            inclusion = (
                InclusionLevel.UNDEFINED
                if self._listed(page.name) and config.nav is None
                else InclusionLevel.NOT_IN_NAV
            )
            file = File.generated(config, uri, content="", inclusion=inclusion)
            files.append(file)
            library.generated[page.name] = library.urls[page.name] = file.url
        return library

    @staticmethod
    def _add_stylesheet(files: Files, config: MkDocsConfig) -> None:
        """The plugin's stylesheet, linked from every page of the site."""
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        files.append(File.generated(config, CSS_URI, content=CSS_FILE.read_text(encoding="utf-8")))

    def _site(self, config: MkDocsConfig) -> Site:
        """What the exports say of the site. Without `site_url` the feed's and the calendar's items have
        no links (theirs must be absolute, and a feed or calendar without them is still valid), which the
        plugin says once per process: at info level, so a strict build of a site without a URL (the
        quick start's, a preview's) does not fail for a link that is left out, not broken."""
        assert self.settings is not None
        absolute_only = [name for name in self._exports() if name in ("rss", "ics")]
        if not config.site_url and absolute_only and not PostMortemPlugin._told_site_url:
            PostMortemPlugin._told_site_url = True
            log.info(
                "site_url is not set, so the %s export%s written without their items' links (feed "
                "readers and calendar apps need absolute ones): set site_url in mkdocs.yml",
                " and ".join(absolute_only),
                " is" if len(absolute_only) == 1 else "s are",
            )
        description = config.site_description or f"Post-mortems of {config.site_name}"
        return Site(config.site_name, config.site_url, description, self.settings.library_folder)

    _told_site_url = False

    def _job(
        self,
        config: MkDocsConfig,
        pages: list[PageSource],
        library: LibraryFiles,
        left_out: LeftOut,
        merged: list[Entry],
    ) -> Job:
        """The library work of this build, as plain data."""
        assert self.settings is not None
        return Job(
            settings=self.settings,
            base_dir=str(Path(config.config_file_path or "mkdocs.yml").parent),
            markdown_extensions=self._markdown_extensions(config),
            pages=pages,
            folder=self.settings.library_folder,
            generated=library.generated,
            library_urls=library.urls,
            index_table=library.index_table,
            template_dirs=[str(d) for d in self._template_dirs(config)],
            show_findings=self._shows_findings(),
            exports_dir=str(Path(config.site_dir) / self.settings.library_folder),
            exports=self._exports(),
            site=self._site(config),
            problems=left_out.others,
            merged=merged,
            persist=self.command != "serve",
        )

    @staticmethod
    def _markdown_extensions(config: MkDocsConfig) -> list[object]:
        """The site's Markdown extensions as mkdocs.yml lists them: a name, or a name with its options."""
        return [
            {name: config.mdx_configs[name]} if name in config.mdx_configs else name
            for name in config.markdown_extensions
        ]

    def _listed(self, name: str) -> bool:
        """Is this library page a navigation entry? The home always; the others on request."""
        assert self.settings is not None
        return name == "index.md" or bool(self.settings.nav_library_pages)

    def _start(self, job: Job) -> concurrent.futures.Future[Outcome]:
        """In a worker process for a build (where fork is available), else right here with the cache. The
        worker ends with this process, however it ends, and with the build (`on_post_build`,
        `on_build_error`, `on_shutdown`): no build leaves a process behind."""
        if job.persist and (outcome := cached_outcome(job)) is not None:  # nothing changed since a build
            log.debug(f"persistent cache: the library of {plural(len(job.pages), 'page')} reused unchanged")
            future: concurrent.futures.Future[Outcome] = concurrent.futures.Future()
            future.set_result(outcome)
            return future
        if self.command != "serve" and "fork" in multiprocessing.get_all_start_methods():
            self._stop_pool(kill=True)  # an earlier build's (one that ended without telling the plugin)
            self._pool = concurrent.futures.ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("fork"),
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
            return self._pool.submit(run_in_worker, job)
        future = concurrent.futures.Future()
        outcome, self.library = run(job, self.cache)
        future.set_result(outcome)
        return future

    def _result(self) -> Outcome:
        """The job's outcome, waiting for it the first time."""
        if self._outcome is None:
            assert self._future is not None
            self._outcome = self._future.result()
        return self._outcome

    @_guarded
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """The library's home stands on its own in the navigation; a hand-written `nav` gets the
        library pages it leaves out."""
        if self.settings is None:
            return nav
        if config.nav is None:
            home = files.get_file_from_path(f"{self.settings.library_folder}/index.md")
            if home is not None and home.page is not None:
                _lift_lone_page(nav.items, home.page)
            return nav
        placed = {page.file.src_uri for page in nav.pages}
        missing = [
            file.page
            for page in LIBRARY_PAGES
            if (file := files.get_file_from_path(f"{self.settings.library_folder}/{page.name}")) is not None
            and file.src_uri in self._generated
            and self._listed(page.name)
            and file.src_uri not in placed
            and file.page is not None
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
        """A library page's Markdown comes from the job; a refused post-mortem is a notice, never read."""
        if page.file.src_uri in self._generated:
            return self._result().pages[page.file.src_uri].markdown
        why = self._refused.get(page.file.src_uri)
        if why is not None:
            return _notice(page.file.src_uri.rsplit("/", 1)[-1], why)
        return None

    @_guarded
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if LIBRARY_TABLE_MARKER in markdown and not page.file.generated_by:
            rendered = self._result().pages.get(page.file.src_uri)
            if rendered is not None:
                return markdown.replace(LIBRARY_TABLE_MARKER, rendered.markdown)
        return markdown

    @_guarded
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri in self._postmortems:
            if page.file.src_uri not in self._refused:  # a notice has nothing of the page to compare
                self._rendered[page.file.src_uri] = rendered_facts(html, self.template)
            return CARD_PLACEHOLDER + html  # the card comes with the job's outcome
        return html

    @_guarded
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Every page is rendered and none written yet: report the findings, and stop a failing build
        here (not in a page's event, which MkDocs would blame on that page)."""
        if self._future is not None:
            self._report(self._result(), config)
        return env

    @_guarded
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Cards and library tables go into the finished page: the search index keeps to the text."""
        if page.file.src_uri in self._postmortems:
            outcome = self._result()
            anchors = outcome.anchors.get(page.file.src_uri, [])
            theme, card, content = output.partition(CARD_PLACEHOLDER)  # the page's own content follows the card
            if not card:  # a theme that does not show the content: nothing to put a card on
                return anchor_action_rows(output, anchors, self.template)
            return (
                theme + outcome.cards.get(page.file.src_uri, "") + anchor_action_rows(content, anchors, self.template)
            )
        if self._outcome is not None and (rendered := self._outcome.pages.get(page.file.src_uri)) is not None:
            return rendered.fill(output)
        return output

    @_guarded
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The build succeeded: give the exports the job staged their names (an atomic rename each), and
        end the worker process. MkDocs does not call this after a failed build, and a build that MkDocs
        is about to fail for the warnings its strict mode counted publishes nothing either."""
        try:
            outcome = self._outcome
            if outcome is not None and outcome.exports and not _strict_failure(config):
                assert self.settings is not None
                publish(Path(config.site_dir) / self.settings.library_folder, outcome.exports)
                outcome.exports = {}
        finally:
            self._stop_pool(kill=False)
            self._discard_exports()

    def _template_dirs(self, config: MkDocsConfig) -> list[Path]:
        assert self.settings is not None
        dirs = []
        if self.settings.overrides:
            dirs.append(Path(config.config_file_path or "mkdocs.yml").parent / self.settings.overrides)
        custom_dir = config.theme.custom_dir
        if custom_dir:
            dirs.append(Path(custom_dir) / "postmortem")
        return dirs

    def _rendered_findings(self, outcome: Outcome, config: MkDocsConfig) -> list[Finding]:
        """PM005: each post-mortem's rendered HTML against what the check read (shown on the page in serve)."""
        assert self.settings is not None
        checker = Checker(
            self.settings, Path(config.config_file_path or "mkdocs.yml").parent, None, self._markdown_extensions(config)
        )
        found: list[Finding] = []
        for src_uri, facts in self._rendered.items():
            view = outcome.views.get(src_uri)
            if view is None:
                continue
            view.rendered = facts
            findings = checker.check_rendered(view)
            if findings and outcome.cards.get(src_uri) is not None and self._shows_findings():
                box = findings_box(environment(markdown=False, extra_dirs=self._template_dirs(config)), findings)
                outcome.cards[src_uri] = box + outcome.cards[src_uri]
            found += findings
        return found

    def _shows_findings(self) -> bool:
        assert self.settings is not None
        shown = self.settings.findings_on_page
        return shown == "always" or (shown == "serve" and self.command == "serve")

    def _report(self, outcome: Outcome, config: MkDocsConfig) -> None:
        rendered = self._rendered_findings(outcome, config)
        findings: list[Finding] = sort_for_report(
            [*(f for found in outcome.findings.values() for f in found), *rendered]
        )
        for finding in findings:
            log.log(_LOG_LEVEL[finding.level], finding.format())
        legacy = sum(1 for view in outcome.views.values() if view.legacy)
        line = f"post-mortem check: {summary(findings, len(outcome.findings), legacy)}"
        if self.command == "serve":  # never stop the preview: findings are shown on the pages instead
            log.info(line)
            return
        errors = sum(1 for f in findings if f.level is Level.ERROR)
        warnings = sum(1 for f in findings if f.level is Level.WARNING)
        quiet = not logging.getLogger("mkdocs").isEnabledFor(logging.WARNING)
        listed = "".join(f"\n  {f.format()}" for f in findings if f.level is not Level.INFO) if quiet else ""
        if errors:
            # MkDocs adds its own "Aborted with a BuildError!" line.
            raise PluginError(f"postmortem: {line} — fix the errors above (each line says how){listed}")
        if warnings and config.strict:
            # MkDocs 1.6 does not count plugin warnings under `-q`: count them here (mkdocs#4126).
            raise Abort(
                f"postmortem: {line}{listed}\nAborted with {plural(warnings, 'post-mortem warning')} in strict mode!"
            )
        log.info(line)


def _monorepo_sources(config: MkDocsConfig) -> dict[str, str]:
    """mkdocs-monorepo-plugin's map of the copies it builds from (in its temporary docs_dir) to the
    teams' own files; empty without it."""
    monorepo = config.plugins.get("monorepo")
    sources = getattr(monorepo, "files_source_dir", None)
    return sources if isinstance(sources, dict) else {}


def _looks_like_postmortem(file: File) -> bool:
    """Whether a page of the site, not the plugin's, opens with a post-mortem's front matter."""
    if file.generated_by or not file.is_documentation_page() or not file.abs_src_path:
        return False
    try:
        with open(file.abs_src_path, encoding="utf-8", errors="replace") as stream:
            return looks_like_postmortem(stream.read(SNIFF_BYTES))
    except OSError:
        return False


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


def _look(file: File) -> tuple[bool, str | None]:
    """(is it a draft, why MkDocs may not render it): a cheap look, before anything parses the page. The
    file is read within the size limit (`read_page`: its size first, a named pipe not waited on), then
    held to the other limits (`prescan`), then decoded."""
    try:
        source = read_page(file.abs_src_path) if file.abs_src_path else file.content_bytes
    except OSError as exc:
        return False, f"the file cannot be read ({exc.strerror or exc})"
    if (refusal := prescan(source)) is not None:
        return False, refusal.message if refusal.line == 1 else f"{refusal.message} (line {refusal.line:,})"
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = source[: exc.start].count(b"\n") + 1
        return False, f"the file is not UTF-8 text (byte 0x{source[exc.start]:02x} on line {line})"
    if b"draft" not in source.lower():  # most pages: no need to find the front matter
        return False, None
    front = FRONT_MATTER_RE.match(text.replace("\r\n", "\n"))
    return bool(front and _DRAFT.search(front.group(1))), None


def _notice(name: str, why: str) -> str:
    """The Markdown MkDocs renders instead of a refused post-mortem: which file, and why."""
    return (
        f"# {md_escape(name)}: not shown\n\n"
        f"This post-mortem was not rendered: {md_escape(why)}. Its PM001 finding in the build's output "
        "says how to fix it.\n"
    )


def _strict_failure(config: MkDocsConfig) -> bool:
    """Whether MkDocs is about to fail this build for the warnings its strict mode counted."""
    return bool(config.strict) and any(
        isinstance(handler, CountHandler) and handler.get_counts() for handler in logging.getLogger("mkdocs").handlers
    )
