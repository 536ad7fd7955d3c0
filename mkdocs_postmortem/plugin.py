"""The MkDocs adapter: MkDocs events in, the core's checker, library and renderers out.

No rule, layout or escaping logic lives here: only which event does what, and MkDocs' file objects.
"""

from __future__ import annotations

import difflib
import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from pydantic import ValidationError

from .checker import Checked, Checker, ConfigError, ParseCache, Settings
from .config import PostMortemConfig
from .library import Entry, Library, action_anchors
from .model import Finding, Level
from .project import is_postmortem_uri, outside
from .render.exports import write_exports
from .render.pages import LIBRARY_PAGES, LIBRARY_TABLE_MARKER, LibraryPage, RenderedPage, Renderer, agent_anchor, findings_box
from .report import plural, sort_for_report, summary

log = get_plugin_logger("postmortem")

_LOG_LEVEL = {Level.ERROR: logging.ERROR, Level.WARNING: logging.WARNING, Level.INFO: logging.INFO}
CSS_URI = "assets/postmortem/postmortem.css"
CSS_FILE = Path(__file__).parent / "render" / "assets" / "postmortem.css"


Event = TypeVar("Event", bound=Callable[..., Any])


def _guarded(event: Event) -> Event:
    """No traceback from a bug of ours: a clean build error naming the page, or a logged error in serve."""

    @functools.wraps(event)
    def run(self: PostMortemPlugin, *args: Any, **kwargs: Any) -> Any:
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

    return run  # type: ignore[return-value]


class PostMortemPlugin(BasePlugin[PostMortemConfig]):
    """Validates every post-mortem page and generates the library pages and exports."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: Literal["build", "gh-deploy", "serve"] = "build"
        self.cache = ParseCache()
        self.checker: Checker | None = None
        self.checked: dict[str, Checked] = {}  # by src_uri
        self.library: Library | None = None
        self.renderer: Renderer | None = None
        self.rendered: dict[str, RenderedPage] = {}  # generated pages' HTML blocks, by src_uri

    # Defining on_startup makes MkDocs keep this instance across `serve` rebuilds (and so the cache).
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    @_guarded
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        unknown = sorted(set(self.config) - set(self.config._schema_keys))
        if unknown:
            close = difflib.get_close_matches(unknown[0], self.config._schema_keys, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known options: {', '.join(sorted(self.config._schema_keys))}"
            raise PluginError(f"postmortem: unknown option '{unknown[0]}' in {config.config_file_path} — {hint}")
        base_dir = Path(config.config_file_path or "mkdocs.yml").parent
        try:
            settings = Settings(
                dir=self.config.dir,
                rules=self.config.rules,
                holidays=self.config.holidays,
                today=self.config.today,
                owners=self.config.owners,
            )
            # Rebuilt on every (re)build, so `today` and the people file are fresh; parses are cached.
            self.checker = Checker(settings, base_dir, self.cache)
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
        assert self.checker is not None
        folder = self.checker.settings.dir
        project = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        pages: dict[str, File] = {}
        sources: dict[str, bytes] = {}
        refused: dict[str, str] = {}
        for file in files:
            if not (is_postmortem_uri(file.src_uri, folder) and file.is_documentation_page() and not file.generated_by):
                continue
            display = os.path.relpath(file.abs_src_path or file.src_uri, project).replace(os.sep, "/")
            if file.abs_src_path and outside(file.abs_src_path, config.docs_dir):
                refused[display] = "the file is a link to a place outside docs_dir, so it was not read"
                pages[display] = file
                continue
            try:
                sources[display] = file.content_bytes
                pages[display] = file
            except OSError as exc:
                log.error(f"{display}: cannot read the file ({exc.strerror})")
        results = self.checker.check_all(sources, refused)
        self.cache.retain(sources.values())
        self.checked = {pages[display].src_uri: checked for display, checked in results.items()}
        self._report(config)

        for display, file in pages.items():
            checked = results[display]
            if any(f.rule == "PM001" for f in checked.findings):
                file.inclusion = InclusionLevel.EXCLUDED  # MkDocs itself cannot read it: keep serve alive
            elif checked.postmortem.is_draft:
                file.inclusion = InclusionLevel.DRAFT
            elif not self.config.nav_postmortems:
                file.inclusion = InclusionLevel.NOT_IN_NAV  # the library pages are the way in
        visible = InclusionLevel.is_in_serve if self.command == "serve" else InclusionLevel.is_included
        entries = [
            Entry(results[display].postmortem, results[display].findings, file.src_uri, file.url)
            for display, file in pages.items()
            if visible(file.inclusion)
        ]
        context = self.checker.context
        self.library = Library(entries, today=context.today, aliases=context.owners or {}, holidays=context.holidays)
        generated: dict[LibraryPage, File] = {}
        for page in LIBRARY_PAGES:
            uri = f"{folder}/{page.name}"
            existing = files.get_file_from_path(uri)
            if existing is not None and not existing.generated_by:
                continue  # the user's own page wins; the library table can go in it via a marker
            if existing is not None:
                files.remove(existing)
            generated[page] = File.generated(config, uri, content="")
            files.append(generated[page])
        urls = {page.name: file.url for page in LIBRARY_PAGES if (file := files.get_file_from_path(f"{folder}/{page.name}"))}
        self.renderer = Renderer(self.library, folder, urls, self._template_dirs(config))
        self.rendered = {}
        for page, file in generated.items():
            rendered = self.renderer.page(page, file.url)
            file.content_string = rendered.markdown
            self.rendered[file.src_uri] = rendered
        files.append(File.generated(config, CSS_URI, content=CSS_FILE.read_text(encoding="utf-8")))
        return files

    @_guarded
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """With a hand-written `nav` that leaves the library pages out, add them in a section of their own."""
        if config.nav is None or self.checker is None:
            return nav
        placed = {page.file.src_uri for page in nav.pages}
        missing = [
            file.page
            for page in LIBRARY_PAGES
            if (file := files.get_file_from_path(f"{self.checker.settings.dir}/{page.name}")) is not None
            and file.src_uri not in placed and file.page is not None
        ]
        if missing:
            section = Section("Post-mortem library", missing)  # type: ignore[arg-type]
            for page in missing:
                page.parent = section
            nav.items.append(section)
        return nav

    @_guarded
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        checked = self.checked.get(page.file.src_uri)
        if checked is not None and checked.postmortem.actions:
            return _with_action_anchors(markdown, page.file.content_string, checked)
        if LIBRARY_TABLE_MARKER in markdown and self.renderer is not None:
            rendered = self.renderer.library_table(page.file.src_uri, page.file.url)
            self.rendered[page.file.src_uri] = rendered
            return markdown.replace(LIBRARY_TABLE_MARKER, rendered.markdown)
        return markdown

    @_guarded
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        rendered = self.rendered.get(page.file.src_uri)
        if rendered is not None:
            return rendered.fill(html)
        checked = self.checked.get(page.file.src_uri)
        if checked is None or self.library is None or self.renderer is None:
            return html
        show = self.config.findings_on_page
        show_findings = show == "always" or (show == "serve" and self.command == "serve")
        entry = self.library.by_uri.get(page.file.src_uri)
        if entry is None:  # e.g. a draft in a build: no card, but findings in serve
            return (findings_box(checked.findings) if show_findings and checked.findings else "") + html
        agents = files.get_file_from_path(f"{self.checker.settings.dir}/agents.md") if self.checker else None
        agent_url = None
        if agents is not None and entry.postmortem.meta:
            agent_url = f"{get_relative_url(agents.url, page.url)}#{agent_anchor(entry.postmortem.meta.agent)}"
        return self.renderer.card(entry, agent_url, show_findings) + html

    @_guarded
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.library is None or self.checker is None or not self.config.exports:
            return
        write_exports(
            Path(config.site_dir) / self.checker.settings.dir,
            self.library,
            site_name=config.site_name,
            site_url=config.site_url,
            description=config.site_description or f"Post-mortems of {config.site_name}",
        )

    def _template_dirs(self, config: MkDocsConfig) -> list[Path]:
        dirs = []
        if self.config.templates:
            dirs.append(Path(config.config_file_path or "mkdocs.yml").parent / self.config.templates)
        custom_dir = config.theme.custom_dir
        if custom_dir:
            dirs.append(Path(custom_dir) / "postmortem")
        return dirs

    def _report(self, config: MkDocsConfig) -> None:
        findings: list[Finding] = sort_for_report(f for checked in self.checked.values() for f in checked.findings)
        for finding in findings:
            log.log(_LOG_LEVEL[finding.level], finding.format())
        line = f"post-mortem check: {summary(findings, len(self.checked))}"
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


def _with_action_anchors(markdown: str, source: str, checked: Checked) -> str:
    """Give each action item's table row a stable anchor (`#action-3`) that the library links to.

    The rows' lines are known in the source file; MkDocs hands plugins the page without its front
    matter, so the line numbers shift by the number of lines it removed.
    """
    items = checked.postmortem.actions or []
    source = source.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = markdown.split("\n")
    shift = source.count("\n") - markdown.count("\n")
    for item, anchor in zip(items, action_anchors(items), strict=True):
        index = item.line - 1 - shift
        if 0 <= index < len(lines):
            row = lines[index]
            span = f'<span class="pm-action-anchor" id="{anchor}"></span>'
            position = row.index("|") + 1 if row.lstrip().startswith("|") else 0
            lines[index] = row[:position] + span + row[position:]
    return "\n".join(lines)
