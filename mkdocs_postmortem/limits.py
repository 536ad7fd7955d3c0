"""Explicit limits where the parsers have none, so that hostile input costs seconds, not hours.

A page over a limit is reported by PM001 and, in `mkdocs serve`, left out of the preview (MkDocs' own
Markdown renderer recurses and backtracks on such input); in `mkdocs build` the error stops the build
before MkDocs renders it.
"""

from __future__ import annotations

MAX_FILE_BYTES = 2_000_000  # a post-mortem is a few kilobytes; 2 MB is far beyond any real one
MAX_LINE_CHARS = 50_000
MAX_TABLE_ROWS = 5_000
MAX_LIST_DEPTH = 100
MAX_FRONT_MATTER_BYTES = 64_000
MAX_YAML_NODES = 10_000  # after expanding aliases: a "billion laughs" document stops here


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
