"""The fuzz target, shared by the coverage-guided harness (`fuzz_check.py`, atheris) and the fallback
that needs no atheris (`run.py --without-atheris`).

One input is one page's bytes. It is checked as the build and the CLI check a page (`Checker.check`,
no cache: each input is parsed and let go, so memory stays flat), then put in a library of its own,
whose views (owners, due dates, agents, quarters, the register, the chart series) and exports (JSON,
CSV, iCalendar, RSS) are computed: a page the checker accepts must not crash what is built from it.

A crash is any exception, a `PM000` internal-error finding, or a finding on a line the page does not
have. Turn each one into a regression test (tests/test_reliability_edges.py has the first ones).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mkdocs_postmortem.checker import INTERNAL_ERROR, Checker, Settings
from mkdocs_postmortem.library import Entry, build_library
from mkdocs_postmortem.limits import MAX_FILE_BYTES, MAX_FRONT_MATTER_BYTES, MAX_LINE_CHARS, MAX_NESTING, MAX_TABLE_ROWS
from mkdocs_postmortem.render.exports import EXPORTS, Site

MAX_LEN = MAX_FILE_BYTES + 1  # inputs up to the size limit, and one byte over it (refused unread)
CHECKER = Checker(Settings(today=dt.date(2026, 11, 26)))
SITE = Site(name="Fuzz", url="https://example.invalid/", description="fuzz")
SEEDS = Path(__file__).resolve().parent / "seeds"


def test_one_input(data: bytes) -> frozenset[str]:
    """Raise AssertionError (or whatever the code under test raises) when `data` finds a bug; else
    return the rules the page breaks (the fallback keeps inputs that break a new combination)."""
    checked = CHECKER.check("postmortems/fuzz.md", data)
    last_line = data.count(b"\n") + data.count(b"\r") + 2
    for finding in checked.findings:
        if finding.rule == INTERNAL_ERROR:
            raise AssertionError(finding.format())
        if not 1 <= finding.line <= last_line:
            raise AssertionError(f"line out of range: {finding.format()}")
    entry = Entry(checked.postmortem, checked.findings, "postmortems/fuzz.md", "postmortems/fuzz/")
    library = build_library([entry], CHECKER.context)
    library.item_counts  # noqa: B018 — computed for its crashes
    library.by_owner()
    library.due_buckets()
    library.count_by("severity")
    library.count_by("status")
    library.agents()
    library.register()
    library.quarters()
    library.failed()
    library.incidents_per_month()
    library.burndown()
    for export in EXPORTS.values():
        export.text(library, SITE)
    return frozenset(finding.rule for finding in checked.findings)


def limit_seeds() -> dict[str, bytes]:
    """Pages at each size limit of `limits.py` and one step past it, made from the valid seed: a fuzzer
    that mutates a few bytes at a time would take hours to reach them. `run.py` runs them first, with
    atheris or without."""
    page = (SEEDS / "valid.md").read_bytes()
    row = b"| 9 | Extend the filter to every index | Sev-1 prevention | Platform Lead | 2026-12-01 | Open |\n"
    at_rows = page.replace(b"\n\n## 8.", b"\n" + row * (MAX_TABLE_ROWS - 3) + b"\n## 8.", 1)
    filler = b"Filler paragraph " + b"x" * (MAX_LINE_CHARS - 18) + b"\n\n"
    padding = MAX_FILE_BYTES - len(page)
    at_size = page + filler * (padding // len(filler)) + b"y" * (padding % len(filler))
    nested = b"".join(b"  " * level + b"- item\n" for level in range(MAX_NESTING))  # indented 2 more each
    marked = b"- " * (MAX_NESTING - 1) + b"item\n"  # a list in a list in a list… on one line
    tags = b"tags:\n" + b"  - t\n" * ((MAX_FRONT_MATTER_BYTES - page.index(b"\n---\n")) // 6)
    front_matter = page.replace(b"tags: [pii, retrieval]\n", tags, 1)
    return {
        "limit-table-rows": at_rows,
        "limit-table-rows-over": at_rows.replace(b"\n\n## 8.", b"\n" + row + b"\n## 8.", 1),
        "limit-file-size": at_size,
        "limit-file-size-over": at_size + b"z",
        "limit-line": page + b"w" * MAX_LINE_CHARS + b"\n",
        "limit-line-over": page + b"w" * (MAX_LINE_CHARS + 1) + b"\n",
        "limit-nesting": page + b"\n" + nested,
        "limit-nesting-over": page + b"\n" + nested + b"  " * MAX_NESTING + b"- item\n",
        "limit-nesting-markers": page + b"\n" + marked,
        "limit-nesting-markers-over": page + b"\n- " + marked,
        "limit-front-matter": front_matter,
        "limit-front-matter-over": front_matter.replace(b"tags:\n", b"tags:\n" + b"  - t\n" * 4, 1),
    }
