"""The core entry point: settings in, `(path, bytes)` in, a parsed post-mortem and its findings out.

Used by the MkDocs plugin and the CLI alike; imports nothing from MkDocs. `runner.check_files` runs
it over many files in several processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .cache import ParseCache, parse_source
from .fidelity import extension_names
from .model import Finding, Level, MetaProblem, PostMortem
from .rules import RULES, Library, RuleSet, Scope, finding_order, run_rules
from .settings import ConfigError, PathText, Settings
from .store import Store, content_hash, files_hash, fingerprint
from .text import printable

__all__ = ["Checked", "Checker", "ConfigError", "ParseCache", "PathText", "Settings", "parse_source"]

INTERNAL_ERROR = "PM000"


@dataclass(frozen=True)
class Checked:
    """One page's parse and findings."""

    postmortem: PostMortem
    findings: list[Finding]


class Checker:
    """Checks pages against the rules with one configuration; with a `cache`, parses are kept and
    reused (`mkdocs serve`), without one each page is parsed and let go (a build, the CLI)."""

    def __init__(
        self,
        settings: Settings,
        base_dir: Path = Path("."),
        cache: ParseCache | None = None,
        markdown_extensions: Iterable[object] = (),
        rules: RuleSet = RULES,
        persist: bool = False,
    ) -> None:
        markdown_extensions = list(markdown_extensions)
        self.settings = settings
        self.rules = rules
        self.context = replace(
            settings.context(base_dir),
            markdown_extensions=extension_names(markdown_extensions),
            rule_names=rules.names(),
        )
        self.template = self.context.template
        self.levels = settings.levels(self.template)
        self.cache = cache
        self.store = (
            Store(base_dir / settings.cache_dir, self._fingerprint(base_dir, markdown_extensions))
            if persist and settings.cache_dir
            else None
        )

    def _fingerprint(self, base_dir: Path, markdown_extensions: Iterable[object]) -> str:
        """Everything a page's findings depend on besides the page itself and the tool's code: the
        settings, the rule context ("today", the template file, people, calendar, extensions, ticket
        states) and the rules with their levels."""
        context = {
            f.name: getattr(self.context, f.name) for f in fields(self.context) if f.name not in ("library", "template")
        }
        rules = [(r.id, r.slug, r.level, r.scope, r.check.__module__, r.check.__qualname__) for r in self.rules]
        template = files_hash([base_dir / self.settings.template]) if self.settings.template else ""
        return fingerprint(self.settings, context, self.levels, rules, template, list(markdown_extensions))

    def parse(self, path: str, source: bytes) -> PostMortem:
        """One page, parsed as the site's template says (from the cache when there is one), and marked
        legacy when the `legacy` option names it or its incident date is before the option's date."""
        legacy = self.settings.legacy
        if legacy.matches(path):  # its name may give its incident date: parsed anew, not from the cache
            return parse_source(path, source, self.template, legacy=True)
        if self.cache is not None:
            postmortem = self.cache.parse(path, source, self.template)
        else:
            postmortem = parse_source(path, source, self.template)
        meta = postmortem.meta
        if legacy.before is not None and meta is not None and meta.incident_date < legacy.before:
            return replace(postmortem, legacy=True)
        return postmortem

    def uncached(self, sources: dict[str, bytes]) -> int:
        """How many of these pages the persistent cache does not have (all of them without one)."""
        if self.store is None:
            return len(sources)
        return sum(not self.store.has("pages", self._page_key(path, source)) for path, source in sources.items())

    def _page_key(self, path: str, source: bytes) -> str:
        assert self.store is not None
        return self.store.key(path, content_hash(source))

    def library_view(self) -> tuple[str, ...]:
        """What the enabled library rules read of every page: all that must be kept of a page checked elsewhere."""
        return self.rules.library_view(self.levels)

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
            unread = PostMortem(
                path=path, meta_problems=[MetaProblem(line=1, kind="unreadable", message=why)], skipped=True
            )
            results[path] = Checked(unread, self._run(unread, "page"))
        for path, source in sources.items():
            key = self._page_key(path, source) if self.store else ""
            if self.store and isinstance(found := self.store.get("pages", key), Checked):
                results[path] = found
                continue
            try:
                postmortem = self.parse(path, source)
                results[path] = Checked(postmortem, self._run(postmortem, "page"))
            except Exception as exc:  # noqa: BLE001 — the last line of defence: report, never crash
                results[path] = Checked(PostMortem(path=path), [internal_error(path, exc)])
                continue
            if self.store:
                self.store.put("pages", key, results[path])
        return results

    def check_library(self, pages: dict[str, Checked]) -> dict[str, Checked]:
        """Add the findings of the library rules, which compare every page with the others."""
        context = replace(self.context, library=Library({path: checked.postmortem for path, checked in pages.items()}))
        results: dict[str, Checked] = {}
        for path, checked in pages.items():
            try:
                more = run_rules(checked.postmortem, context, self.levels, "library", self.rules)
            except Exception as exc:  # noqa: BLE001
                more = [internal_error(path, exc)]
            findings = sorted(checked.findings + more, key=finding_order) if more else checked.findings
            results[path] = Checked(checked.postmortem, findings)
        return results

    def check_rendered(self, postmortem: PostMortem) -> list[Finding]:
        """The rendered-page rules (PM005), on a page that carries what MkDocs rendered of it."""
        return self._run(postmortem, "rendered")

    def check(self, path: str, source: bytes) -> Checked:
        """Check one page on its own."""
        return self.check_all({path: source})[path]

    def _run(self, postmortem: PostMortem, scope: Scope) -> list[Finding]:
        return run_rules(postmortem, self.context, self.levels, scope, self.rules)


def internal_error(path: str, exc: Exception) -> Finding:
    """A bug of ours, reported on the page it happened on instead of crashing the build (on one printable
    line, as every finding: the exception may quote the page)."""
    return Finding(
        path=printable(path),
        line=1,
        rule=INTERNAL_ERROR,
        slug="internal-error",
        level=Level.ERROR,
        message=printable(f"internal error while checking this page ({type(exc).__name__}: {exc})"),
        fix="please report a bug to mkdocs-postmortem with this page attached",
    )
