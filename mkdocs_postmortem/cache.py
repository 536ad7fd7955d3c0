"""Bytes → `PostMortem`: decoding within the size limits, and a cache of parsed pages keyed by content."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace

from .limits import Oversized, prescan
from .model import MetaProblem, PostMortem
from .parse import parse_postmortem
from .template import Template


def parse_source(path: str, source: bytes, template: Template | None = None, legacy: bool = False) -> PostMortem:
    """Decode (UTF-8, optional BOM) and parse; undecodable bytes become a PM001 finding.

    A page with a bad byte is still read (the byte replaced) so its other findings are not hidden.
    A `legacy` page is kept as it is (the `legacy` option), its incident date perhaps in its name.
    """
    if refusal := prescan(source):
        problem = MetaProblem(line=refusal.line, kind="too_large", message=refusal.message)
        return PostMortem(path=path, meta_problems=[problem], skipped=True, legacy=legacy)
    try:
        return parse_postmortem(path, source.decode("utf-8-sig"), template, legacy)
    except UnicodeDecodeError as exc:
        line = source[: exc.start].count(b"\n") + 1
        postmortem = parse_postmortem(path, source.decode("utf-8-sig", errors="replace"), template, legacy)
        message = f"the file is not UTF-8 text (byte 0x{source[exc.start]:02x} on line {line})"
        postmortem.meta_problems.insert(0, MetaProblem(line=line, kind="unreadable", message=message))
        return postmortem


class ParseCache:
    """Parsed pages keyed by content: an unchanged page is never parsed twice, a renamed one neither.
    A different template (mkdocs.yml or the template file edited under `serve`) starts it afresh."""

    def __init__(self) -> None:
        self._pages: dict[bytes, PostMortem] = {}
        self._template: Template | None = None
        self.parses = 0
        self.hits = 0

    @staticmethod
    def _key(source: bytes) -> bytes:
        return hashlib.blake2b(source, digest_size=16).digest()

    def parse(self, path: str, source: bytes, template: Template) -> PostMortem:
        if template is not self._template:  # one object per version of the template (settings.py)
            self._pages.clear()
            self._template = template
        if isinstance(source, Oversized):  # a file too large to read: refused, by its size, not its (no) content
            return parse_source(path, source, template)
        key = self._key(source)
        cached = self._pages.get(key)
        if cached is not None:
            self.hits += 1
            return cached if cached.path == path else replace(cached, path=path)
        self.parses += 1
        postmortem = parse_source(path, source, template)
        self._pages[key] = postmortem
        return postmortem

    def retain(self, sources: Iterable[bytes]) -> None:
        """Forget every page whose content is not among `sources` (deleted or edited since)."""
        keep = {self._key(source) for source in sources}
        for key in set(self._pages) - keep:
            del self._pages[key]
