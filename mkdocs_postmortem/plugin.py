"""The MkDocs adapter: MkDocs events in, the core's checker and findings out. No rule or layout logic."""

from __future__ import annotations

import logging
import os
from typing import Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page
from pydantic import ValidationError

from .checker import Checked, Checker, ConfigError, Settings
from .config import PostMortemConfig
from .model import Finding, Level
from .project import is_postmortem_uri
from .report import findings_html, plural, sort_for_report, summary

log = get_plugin_logger("postmortem")

_LOG_LEVEL = {Level.ERROR: logging.ERROR, Level.WARNING: logging.WARNING, Level.INFO: logging.INFO}


class PostMortemPlugin(BasePlugin[PostMortemConfig]):
    """Validates every post-mortem page; fails `build` on errors, shows findings on pages under `serve`."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: Literal["build", "gh-deploy", "serve"] = "build"
        self.checker: Checker | None = None
        self.checked: dict[str, Checked] = {}

    # Defining on_startup makes MkDocs keep this instance across `serve` rebuilds (and so the cache).
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            settings = Settings(
                dir=self.config.dir,
                rules=self.config.rules,
                holidays=self.config.holidays,
                today=self.config.today,
            )
            if self.checker is None or self.checker.settings != settings:
                self.checker = Checker(settings)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise PluginError(f"postmortem: invalid option in {config.config_file_path}: {problems}") from None
        except ConfigError as exc:
            raise PluginError(f"postmortem: invalid option in {config.config_file_path}: {exc}") from None
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.checker is not None
        folder = self.checker.settings.dir
        project = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        self.checked = {}
        for file in files:
            if not (is_postmortem_uri(file.src_uri, folder) and file.is_documentation_page() and not file.generated_by):
                continue
            display = os.path.relpath(file.abs_src_path or file.src_uri, project).replace(os.sep, "/")
            try:
                source = file.content_bytes
            except OSError as exc:
                source = None
                log.error(f"{display}: cannot read the file ({exc.strerror})")
            checked = self.checker.check(display, source) if source is not None else None
            if checked is None:
                continue
            self.checked[file.src_uri] = checked
            if any(f.rule == "PM001" for f in checked.findings) and self.command == "serve":
                file.inclusion = InclusionLevel.EXCLUDED  # MkDocs itself cannot read it: keep serve alive
            elif checked.postmortem.is_draft:
                file.inclusion = InclusionLevel.DRAFT
        self.checker.forget({checked.postmortem.path for checked in self.checked.values()})
        self._report(config)
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        checked = self.checked.get(page.file.src_uri)
        if checked is None or not checked.findings:
            return html
        show = self.config.findings_on_page
        if show == "always" or (show == "serve" and self.command == "serve"):
            return findings_html(checked.findings) + html
        return html

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
