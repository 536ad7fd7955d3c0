"""Explicit limits where the parsers have none, so that hostile input costs seconds, not hours.

`prescan` runs before anything parses a page, in the build's own process and in `check`: the plugin
uses it to keep such a page away from MkDocs' Markdown renderer (Python-Markdown), and the parser to
refuse the page with a PM001 finding instead of reading it. `read_page` reads a page within the size
limit, without waiting on a named pipe.

Each limit is far beyond any real post-mortem (a few kilobytes, a few hundred lines, links and
emphasis by the dozen, lists and quotes a few levels deep) and each bounds a way in which
Python-Markdown's time grows faster than the page, measured on it (`benchmarks/hostile.py` builds
such pages with MkDocs):

- `MAX_FILE_BYTES`: 2 MB a file, known from its size before anything is read;
- `MAX_LINE_CHARS`: 50,000 characters a line;
- `MAX_LINES`: 20,000 lines a file (every block Python-Markdown makes costs it more than the one
  before: 40,000 short paragraphs or HTML blocks take several seconds);
- `MAX_TABLE_ROWS`: 5,000 rows a table (50,000 rows took the build 42 s and 750 MB);
- `MAX_BLOCK_LINES`, `MAX_BLOCK_CHARS`: 2,000 lines and 100,000 characters a block (lines with no
  blank line between them, other than a table or fenced code): Python-Markdown takes headings,
  rules and nested list items off such a block one at a time, and tests the whole rest of it each
  time (20,000 headings with no blank line between them: 18 s; 10,000 deep list items: 35 s);
- `MAX_NESTING`: lists or quotes 100 levels deep on one line (`>>>>` without spaces too: 2,000
  levels took the build 12.7 s and 1 GB), and `MAX_NESTING_TOTAL`: 20,000 levels in all, each
  line's depth added up (each level of a quote or list is parsed again whole: 2 MB of 100-deep
  quotes take 12 s);
- `MAX_MARKUP`: 20,000 characters that start inline markup (`*`, `_`, `` ` ``, `[`, `<`, `&`, `\\`)
  outside fenced code (each costs tens of microseconds, more as the page grows: 2 MB of `*a*` take
  54 s);
- `MAX_SCAN`: 5,000,000 characters that Python-Markdown scans looking for the `]` of each `[` (to
  the end of its paragraph when there is none), the `>` of each `<tag` (to the end of the page),
  and the end of each code fence (to the end of the page): a 48 KB line of 45,000 `[` would scan a
  billion characters (200–300 s), 15,000 unclosed `<a` before 46 KB of text 70 s;
- `MAX_FRONT_MATTER_BYTES`, `MAX_YAML_NODES`: 64 KB of front matter whose YAML aliases expand to at
  most 10,000 values (checked by `metadata.py`).
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
import stat
from dataclasses import dataclass, field

import yaml

MAX_FILE_BYTES = 2_000_000  # a post-mortem is a few kilobytes; 2 MB is far beyond any real one
MAX_LINE_CHARS = 50_000
MAX_LINES = 20_000
MAX_TABLE_ROWS = 5_000
MAX_BLOCK_LINES = 2_000  # a block: lines with no blank line between them (tables and fenced code aside)
MAX_BLOCK_CHARS = 100_000
MAX_NESTING = 100  # lists or block quotes inside each other
MAX_NESTING_TOTAL = 20_000  # the nesting levels of every line, added up
MAX_MARKUP = 20_000  # characters that start inline markup, outside fenced code
MAX_SCAN = 5_000_000  # characters scanned for the ends of `[`, `<tag` and code fences
MAX_FRONT_MATTER_BYTES = 64_000
MAX_YAML_NODES = 10_000  # after expanding aliases: a "billion laughs" document stops here

# Both match at a newline (searched in the text with a newline put before it): a literal first
# character lets the regular expression engine skip to candidates instead of trying every position.
# A quote marker needs no space after it (`>>>>` is four quotes deep); a list marker does. White space
# is taken possessively (`*+`): a run of spaces is never given back and tried again.
_DEEP_MARKERS = re.compile(rb"\n[ \t]*+(?:(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t\n]|\Z))[ \t]*+){%d}" % MAX_NESTING)
_DEEP_INDENT = re.compile(rb"\n[ \t]{%d}" % (MAX_NESTING * 2))

_MARKUP_CHARACTERS = b"*_`[<&\\"
_MARKUP = re.compile(rb"[*_`\[<&\\]")
# Python-Markdown's opening code fence (`extensions/fenced_code.py`): three or more backticks or
# tildes at the start of a line, then an optional language or attribute list, and nothing else.
_FENCE = re.compile(rb"(`{3,}|~{3,})(.*)")
_FENCE_INFO = re.compile(rb"[ ]*(?:\{.*\}|\.?[\w#.+-]*[ ]*(?:hl_lines=([\"']).*?\1[ ]*)?)")
_BARE_FENCE_END = re.compile(rb"[ ]*")
_TABLE_DELIMITER = re.compile(rb"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_NESTING_STARTS = frozenset(b" \t>-*+0123456789")
_LIST_MARKER = re.compile(rb"(?:[-*+]|\d{1,9}[.)])(?=[ \t])")
_LEAD = re.compile(rb"(?:[ \t>]|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))+")  # quote markers, list markers, indents
_BLANK_LINE = re.compile(rb"\n[ \t]*(?:\n|\Z)")
_BRACKET = re.compile(rb"(?<!\\)[\[\]]")
_TAG_START = re.compile(rb"<[A-Za-z]")
# MkDocs' front matter (`mkdocs.utils.meta.YAML_RE`), which it takes off the page when it loads as a mapping.
_FRONT_MATTER = re.compile(rb"-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FAR = 100  # a `[`, `<` or fence whose end is further than this is counted in the message
_CLOSE = 10_000  # `[` times the length of their text: below this, not worth finding each one's `]`


@dataclass(frozen=True)
class Refusal:
    """Why a page is not read: its 1-based line and a message."""

    line: int
    message: str


class Oversized(bytes):
    """Stands for a file over `MAX_FILE_BYTES` that `read_page` did not read: no content, only its size,
    which `prescan` refuses (so the finding is the same as for a page read in full)."""

    size: int

    def __new__(cls, size: int) -> Oversized:
        unread = super().__new__(cls, b"")
        unread.size = size
        return unread

    def __reduce__(self) -> tuple[type[Oversized], tuple[int]]:
        return Oversized, (self.size,)


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def not_regular(mode: int) -> str | None:
    """What a file of this `st_mode` is when it is not a regular file ("a named pipe"), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _NOT_REGULAR if test(mode)), "not a regular file")


class NotRegularFile(OSError):
    """A page that is a named pipe, a device, a socket or a folder: never opened for reading."""


def read_page(path: str | os.PathLike[str]) -> bytes:
    """A page's bytes, read within the size limit.

    The size is known before anything is read: a file over `MAX_FILE_BYTES` is not read at all (an
    `Oversized` stands for it), and no more than `MAX_FILE_BYTES` + 1 bytes are read of a file that
    grows meanwhile. A named pipe is opened without waiting for a writer and not read, nor is any other
    file that is not a regular one (NotRegularFile, an OSError whose strerror says what it is).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    handle = os.open(path, flags)
    try:
        info = os.fstat(handle)
        what = not_regular(info.st_mode)
        if what is not None:
            raise NotRegularFile(0, f"it is {what}, not a regular file", os.fspath(path))
        if info.st_size > MAX_FILE_BYTES:
            return Oversized(info.st_size)
        chunks = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(handle, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        source = b"".join(chunks)
        if len(source) > MAX_FILE_BYTES:
            return Oversized(max(os.fstat(handle).st_size, len(source)))
        return source
    finally:
        os.close(handle)


def prescan(source: bytes) -> Refusal | None:
    """A reason to refuse the page unread, or None. UTF-8 validity is the decoder's business.

    Cheap: C-speed counts over the bytes decide, for any page of ordinary size and markup, that no
    limit can be reached; only a page that might reach one is scanned line by line (in linear time).
    """
    size = source.size if isinstance(source, Oversized) else len(source)
    if size > MAX_FILE_BYTES:
        return Refusal(
            1, f"the file is {megabytes(size)}, over the {megabytes(MAX_FILE_BYTES)} limit for a post-mortem"
        )
    if b"\r" in source:  # Python-Markdown, like the parser, reads a lone carriage return as a line break
        source = source.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    # Past MAX_LINES lines the page is refused whatever they hold: they are never looked at one by one
    # (the last item holds them all), so a page of a million short lines costs no more than a long one.
    lines = source.split(b"\n", MAX_LINES + 1) if len(source) > MAX_LINE_CHARS else None
    if lines is not None:
        for number, line in enumerate(itertools.islice(lines, MAX_LINES + 1), start=1):
            if len(line) > MAX_LINE_CHARS:
                return Refusal(number, f"line {number} has {len(line):,} characters, over the {MAX_LINE_CHARS:,} limit")
    head = source if lines is None or len(lines) <= MAX_LINES + 1 else source[: len(source) - len(lines[-1])]
    if match := _DEEP_MARKERS.search(b"\n" + head) or _DEEP_INDENT.search(b"\n" + head):
        number = head.count(b"\n", 0, match.start()) + 1
        return Refusal(number, f"lists or quotes nested more than {MAX_NESTING} levels deep")
    if _within_limits(source):
        return None
    return _Scan(source, lines or source.split(b"\n", MAX_LINES + 1)).refusal()


def _within_limits(source: bytes) -> bool:
    """Whether the counts alone show that no other limit can be reached (true of every ordinary page)."""
    size = len(source)
    lines = source.count(b"\n") + 1
    return (
        lines <= MAX_BLOCK_LINES  # then no block, table or file has too many lines
        and size <= MAX_BLOCK_CHARS
        and sum(source.count(bytes([c])) for c in _MARKUP_CHARACTERS) <= MAX_MARKUP
        and max(source.count(b"["), source.count(b"<"), source.count(b"```") + source.count(b"~~~")) * size <= MAX_SCAN
        and source.count(b">") + source.count(b"    ") + source.count(b"\t") <= MAX_NESTING_TOTAL
    )


@dataclass
class _Block:
    """A block as Python-Markdown cuts the page: lines with no blank line between them. A table may
    follow lines that Python-Markdown takes off one at a time (a heading): it is the rest of the block."""

    first: int  # the index of its first line
    last: int = -1  # of its last line so far
    lines: int = 0  # before its table; each fenced code counts one (Python-Markdown puts one line there)
    chars: int = 0  # before its table, fenced code aside
    table: int | None = None  # the index of its table's header line
    pipe: int | None = None  # the index of its last line so far, when it holds a `|` (a header?)
    # Its byte ranges before its table, outside fenced code: the text Python-Markdown reads inline.
    segments: list[tuple[int, int]] = field(default_factory=list)


class _Scan:
    """One pass over the lines of a page that might reach a limit, as Python-Markdown cuts them: fenced
    code taken out first (each fence one line of its block), then blocks between blank lines; then what
    it scans for the ends of `[`, `<tag` and code fences."""

    def __init__(self, source: bytes, lines: list[bytes]) -> None:
        self.source = source
        self.lines = lines  # split at most MAX_LINES + 1 times: the last item holds the rest
        self.offsets = [0, *itertools.accumulate(len(line) + 1 for line in self.lines)]  # of each line
        self.first = _markdown_start(source)  # the index of the first line of Markdown (after the front matter)
        self.visible: list[tuple[int, int]] = []  # the byte ranges outside fenced code, in order
        self.units: list[tuple[int, int]] = []  # the text of each paragraph, list or table row
        self.scanned = 0  # characters scanned for the ends of `[`, `<tag` and code fences
        self.far: dict[str, list[int]] = {}  # `[`, `<`: where each one scanned far for its end starts
        self.unclosed: list[int] = []  # offsets of opening code fences that no fence closes

    def refusal(self) -> Refusal | None:
        return self._blocks() or self._markup() or self._scans()

    # --- blocks ---------------------------------------------------------------------------------

    def _blocks(self) -> Refusal | None:
        """Lines, tables, blocks and nesting in the order of the page: the first limit crossed."""
        fences = self._fences()
        block: _Block | None = None
        depth = 0  # the nesting levels of the lines so far, added up
        index, count = self.first, len(self.lines)
        visible_from = self.offsets[index]
        while index < count:
            if index >= MAX_LINES and (index < count - 1 or self.lines[index]):  # a last line break ends a line
                lines = self.source.count(b"\n") + (not self.source.endswith(b"\n"))
                return Refusal(index + 1, f"the file has {lines:,} lines, over the {MAX_LINES:,} limit")
            end = fences.get(index)
            if end is not None:  # fenced code: one line of its block, not read
                self.visible.append((visible_from, self.offsets[index]))
                visible_from = self.offsets[end + 1]
                block = block or _Block(index)
                if block.table is None:
                    block.lines, block.chars = block.lines + 1, block.chars + 1
                block.last, block.pipe = end, None
                index = end + 1
                continue
            line = self.lines[index]
            if not line.strip():
                self._end(block)
                block = None
                index += 1
                continue
            if line[0] in _NESTING_STARTS and (lead := _LEAD.match(line)):
                prefix = lead[0]
                depth += prefix.count(b">") + len(_LIST_MARKER.findall(prefix))
                depth += len(re.sub(rb"[^ \t]", b"", prefix).expandtabs(4)) // 4
                if depth > MAX_NESTING_TOTAL:
                    return Refusal(
                        index + 1,
                        f"lists and quotes nested {depth:,} levels in all by line {index + 1:,} (each line's "
                        f"depth added up), over the {MAX_NESTING_TOTAL:,} limit",
                    )
            block = block or _Block(index)
            self._add(block, index, line)
            if refusal := self._too_long(block):
                return refusal
            index += 1
        self.visible.append((visible_from, len(self.source)))
        self._end(block)
        return None

    def _add(self, block: _Block, index: int, line: bytes) -> None:
        """A line of the block: its table's, or one more before a table."""
        start, stop = self.offsets[index], self.offsets[index + 1]
        block.last = index
        if block.table is not None:
            return
        if block.pipe is not None and _TABLE_DELIMITER.fullmatch(line):  # the line before is the header
            block.table = block.pipe
            header = self.offsets[block.pipe]
            block.lines, block.chars = block.lines - 1, block.chars - (start - header)
            last_start, _ = block.segments[-1]
            block.segments[-1] = (last_start, header)
            return
        block.pipe = index if b"|" in line else None
        if block.segments and block.segments[-1][1] == start:
            block.segments[-1] = (block.segments[-1][0], stop)
        else:
            block.segments.append((start, stop))
        block.lines, block.chars = block.lines + 1, block.chars + stop - start

    def _too_long(self, block: _Block) -> Refusal | None:
        if block.table is not None:
            if block.last - block.table - 1 <= MAX_TABLE_ROWS:
                return None
            rows = self._table_end(block.last) - block.table - 1
            return Refusal(block.table + 1, f"a table of {rows:,} rows, over the {MAX_TABLE_ROWS:,} limit")
        first = block.first + 1
        if block.lines > MAX_BLOCK_LINES:
            return Refusal(
                first,
                f"lines {first:,}–{block.last + 1:,} have no blank line between them, over the "
                f"{MAX_BLOCK_LINES:,} lines limit for one paragraph, list or quote",
            )
        if block.chars > MAX_BLOCK_CHARS:
            return Refusal(
                first,
                f"lines {first:,}–{block.last + 1:,} have no blank line between them and {block.chars:,} "
                f"characters, over the {MAX_BLOCK_CHARS:,} limit for one paragraph, list or quote",
            )
        return None

    def _table_end(self, index: int) -> int:
        """The index (in the whole page) of the last line of the table that goes on at line `index`."""
        blank = _BLANK_LINE.search(self.source, self.offsets[index])
        end = len(self.source) if blank is None else blank.start()
        return self.source.count(b"\n", 0, end)

    def _end(self, block: _Block | None) -> None:
        """A block is complete: what Python-Markdown reads inline in it (a table's each row on its own)."""
        if block is None:
            return
        self.units += [segment for segment in block.segments if segment[1] > segment[0]]
        if block.table is not None:
            self.units += [(self.offsets[i], self.offsets[i + 1]) for i in range(block.table, block.last + 1)]

    def _fences(self) -> dict[int, int]:
        """Fenced code as Python-Markdown's `fenced_code` finds it: first line index → last line index.
        An opening fence that no fence closes is searched to the end of the page, once per fence."""
        candidates = [
            (index, match)
            for index, line in enumerate(self.lines[self.first :], start=self.first)
            if line[:3] in (b"```", b"~~~") and (match := _FENCE.fullmatch(line))
        ]
        ends: dict[bytes, list[int]] = {}
        for index, match in candidates:
            if _BARE_FENCE_END.fullmatch(match[2]):
                ends.setdefault(match[1], []).append(index)
        fences: dict[int, int] = {}
        after = -1  # fenced code is taken out in order: a fence inside one already found is its text
        for index, match in candidates:
            if index <= after or not _FENCE_INFO.fullmatch(match[2]):
                continue
            closings = ends.get(match[1], [])
            position = bisect.bisect_right(closings, index)
            if position < len(closings):
                fences[index] = after = closings[position]
            else:
                self.unclosed.append(self.offsets[index])
                self.scanned += len(self.source) - self.offsets[index]
        return fences

    # --- inline markup ---------------------------------------------------------------------------

    def _markup(self) -> Refusal | None:
        """Characters that start inline markup, outside fenced code: the first one over the limit."""
        seen = 0
        for start, end in self.visible:
            counted = sum(self.source.count(bytes([c]), start, end) for c in _MARKUP_CHARACTERS)
            if seen + counted > MAX_MARKUP:
                matches = _MARKUP.finditer(self.source, start, end)
                over = next(itertools.islice(matches, MAX_MARKUP - seen, None)).start()
                line = self.source.count(b"\n", 0, over) + 1
                counts = {
                    c: sum(self.source.count(bytes([c]), a, b) for a, b in self.visible) for c in _MARKUP_CHARACTERS
                }
                most = max(counts, key=lambda c: counts[c])
                return Refusal(
                    line,
                    f"more than {MAX_MARKUP:,} characters that start inline markup (`*`, `_`, `` ` ``, `[`, `<`, "
                    f"`&`, `\\`) by line {line:,}, {counts[most]:,} of them `{chr(most)}`, over the limit",
                )
            seen += counted
        return None

    def _scans(self) -> Refusal | None:
        """What Python-Markdown scans for the ends of code fences (counted by `_fences`), `[` and `<tag`,
        added up in that order: the kind that takes the total over the limit is named."""
        if self.scanned > MAX_SCAN:
            line = self.source.count(b"\n", 0, self.unclosed[0]) + 1
            return self._over(
                line, f"{len(self.unclosed):,} code fences that no fence closes, the first on line {line:,}"
            )
        for start, end in self.units:
            if self._scan_brackets(start, end):
                line = self._line_of("[")
                count = sum(self.source.count(b"[", a, b) for a, b in self.units)
                return self._over(
                    line, f"{count:,} `[`, the first with no `]` soon after in its paragraph on line {line:,}"
                )
        if self._scan_tags():
            line = self._line_of("<")
            count = sum(len(_TAG_START.findall(self.source, a, b)) for a, b in self.visible)
            return self._over(
                line, f"{count:,} `<` that start an HTML tag, the first with no `>` soon after on line {line:,}"
            )
        return None

    def _scan_brackets(self, start: int, end: int) -> bool:
        """Add what Python-Markdown scans for the `]` of each `[` in the text from `start` to `end` (its
        link processors look from each `[` to the `]` that closes it, or to the end of the text); True
        when the total is over the limit."""
        opened = self.source.count(b"[", start, end)
        if not opened:
            return False
        if opened * (end - start) <= _CLOSE:  # a few `[` in a short text: at most this much, counted so
            self._note("[", self.source.find(b"[", start, end), opened * (end - start))
            return self.scanned > MAX_SCAN
        stack: list[int] = []
        for match in _BRACKET.finditer(self.source, start, end):
            if match[0] == b"[":
                stack.append(match.start())
            elif stack:
                opening = stack.pop()
                self._note("[", opening, match.start() - opening)
        for opening in stack:
            self._note("[", opening, end - opening)
        return self.scanned > MAX_SCAN

    def _scan_tags(self) -> bool:
        """Add what Python's HTML parser (Python-Markdown's raw HTML reader, over the whole page outside
        fenced code) scans for the `>` of each `<` that starts a tag: to the next `>`. True when over."""
        visible = b"".join(self.source[start:end] for start, end in self.visible)
        if visible.count(b"<") * len(visible) + self.scanned <= MAX_SCAN:
            return False
        starts = [0, *itertools.accumulate(end - start for start, end in self.visible)]
        closing = -1
        for match in _TAG_START.finditer(visible):
            position = match.start()
            if closing < position:
                closing = visible.find(b">", position)
                if closing < 0:
                    closing = len(visible)
            chunk = bisect.bisect_right(starts, position) - 1
            self._note("<", self.visible[chunk][0] + position - starts[chunk], closing - position)
            if self.scanned > MAX_SCAN:
                return True
        return False

    def _note(self, kind: str, offset: int, distance: int) -> None:
        self.scanned += distance
        if distance > _FAR:
            self.far.setdefault(kind, []).append(offset)

    def _line_of(self, kind: str) -> int:
        """The line of the first `[` or `<` of `kind` found far from its end."""
        far = self.far.get(kind) or [0]
        return self.source.count(b"\n", 0, far[0]) + 1

    @staticmethod
    def _over(line: int, what: str) -> Refusal:
        return Refusal(
            line,
            f"{what}: MkDocs' renderer would scan more than {MAX_SCAN:,} characters for their ends, over the limit",
        )


def _markdown_start(source: bytes) -> int:
    """The index of the page's first line of Markdown: after its front matter when MkDocs takes that off
    (it loads as a YAML mapping; the front matter's own limits are `metadata.py`'s), else 0. A front
    matter with aliases, or over its size limit, is held to the limits of Markdown instead: MkDocs might
    render it, and here it is not worth finding out."""
    bom = 3 if source.startswith(b"\xef\xbb\xbf") else 0
    match = _FRONT_MATTER.match(source, bom)
    if match is None or len(match[1]) > MAX_FRONT_MATTER_BYTES or b"*" in match[1]:
        return 0
    try:
        data = yaml.load(match[1], Loader=_YAML_LOADER)  # noqa: S506 — a safe loader (libyaml's when there is one)
    except (yaml.YAMLError, ValueError, TypeError):
        return 0
    return source.count(b"\n", 0, match.end()) if isinstance(data, dict) else 0
