"""Where the post-mortems are: the `dir` option as one folder (`postmortems`) or a pattern of folders
(`*/postmortems`, `**/postmortems`), matched against paths relative to `docs_dir`; and each page's team.

A pattern's segments are matched one path segment at a time, as `.gitignore` and `glob` do: `*`, `?`
and `[…]` within a segment, `**` for any number of segments (none included). A page belongs to the
library when a folder the pattern matches holds it, directly or in a subfolder.
"""

from __future__ import annotations

import re
from functools import lru_cache
from posixpath import basename, splitext

_WILDCARD = re.compile(r"[*?\[]")
PAGE_SUFFIXES = (".md", ".markdown")
NOT_POSTMORTEMS = ("index.md", "readme.md")  # a folder's own page, never a post-mortem


class FolderPattern:
    """The `dir` option, compiled."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.segments = pattern.split("/")
        self.wildcard = any(_WILDCARD.search(segment) for segment in self.segments)
        self._folder = re.compile("".join(_segment(segment) for segment in self.segments))

    @property
    def library_folder(self) -> str:
        """Where the library's pages and exports go by default: the folder itself, or for a pattern
        the segments after its last wildcard (`*/postmortems` → `postmortems`)."""
        if not self.wildcard:
            return self.pattern
        return "/".join(self.segments[_last_wildcard(self.segments) + 1 :]) or "postmortems"

    def folder_of(self, uri: str) -> str | None:
        """The matched folder that holds this `docs_dir` path (the shortest), or None."""
        match = self._folder.match(uri)
        return match.group(0).rstrip("/") if match else None

    def contains(self, uri: str) -> bool:
        """Whether this `docs_dir`-relative POSIX path is a post-mortem page of the library."""
        name = basename(uri).lower()
        return (
            splitext(name)[1] in PAGE_SUFFIXES and name not in NOT_POSTMORTEMS and self._folder.match(uri) is not None
        )

    def matches_folder(self, folder: str) -> bool:
        """Whether the pattern matches this folder itself (`team-a/postmortems`), not only one inside it."""
        match = self._folder.fullmatch(f"{folder}/")
        return match is not None

    def team(self, uri: str) -> str | None:
        """The team or area of a page: for a pattern, the first path segment its wildcards matched
        (`*/postmortems`: `team-a/postmortems/x.md` → `team-a`; `teams/*/incidents`: `teams/x/…` → `x`);
        None for a single folder, or where the wildcards matched nothing (`**/postmortems`: `postmortems/x.md`)."""
        folder = self.folder_of(uri) if self.wildcard else None
        if folder is None:
            return None
        parts = folder.split("/")
        head = next(index for index, segment in enumerate(self.segments) if _WILDCARD.search(segment))
        tail = len(self.segments) - 1 - _last_wildcard(self.segments)
        matched = parts[head : len(parts) - tail]
        return matched[0] if matched else None


def _segment(segment: str) -> str:
    """One segment as a regular expression that consumes it and the slash after it."""
    if segment == "**":
        return "(?:[^/]+/)*?"
    out = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (end := segment.find("]", index + 1)) > index + 1:
            body = segment[index + 1 : end].replace("\\", "\\\\")
            out.append(f"[^{body[1:]}]" if body.startswith("!") else f"[{body}]")
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out) + "/"


def _last_wildcard(segments: list[str]) -> int:
    return max(index for index, segment in enumerate(segments) if _WILDCARD.search(segment))


@lru_cache(maxsize=16)
def folder_pattern(pattern: str) -> FolderPattern:
    """The compiled pattern of a `dir` option (one per option value)."""
    return FolderPattern(pattern)


SNIFF_BYTES = 4096  # how much of a page `looks_like_postmortem` reads
_KEYS = re.compile(r"^(incident_date|severity)[ \t]*:", re.MULTILINE)


def looks_like_postmortem(head: str) -> bool:
    """Whether a page's first few kilobytes open with front matter that has the keys every
    post-mortem has (`severity`, `incident_date`): how a misplaced library is recognised."""
    lines = head[:SNIFF_BYTES].split("\n")
    if not lines or lines[0].rstrip() != "---":
        return False
    end = next((index for index, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)
    block = "\n".join(lines[1:end]) if end else ""
    return {match.group(1) for match in _KEYS.finditer(block)} == {"incident_date", "severity"}


def misplaced(pattern: str, uris: list[str]) -> str:
    """The warning for a `dir` that matches no folder while post-mortems are elsewhere: where they are,
    and a pattern that would find them."""
    parents = sorted({uri.rsplit("/", 1)[0] for uri in uris if "/" in uri})
    names = {parent.rsplit("/", 1)[-1] for parent in parents}
    suggestion = ""
    if len(names) == 1:
        (name,) = names
        depths = {parent.count("/") for parent in parents}
        suggestion = (
            f" (`dir: '{name}'`)"
            if depths == {0}
            else f" (`dir: '*/{name}'`)"
            if depths == {1}
            else f" (`dir: '**/{name}'`)"
        )
    shown = ", ".join(uris[:3]) + (f" and {len(uris) - 3} more" if len(uris) > 3 else "")
    return (
        f"dir: '{pattern}' matches no folder of docs_dir, but {len(uris)} page{'s' * (len(uris) != 1)} with "
        f"post-mortem front matter {'are' if len(uris) != 1 else 'is'} elsewhere: {shown} — set `dir` to "
        f"where they are{suggestion}"
    )
