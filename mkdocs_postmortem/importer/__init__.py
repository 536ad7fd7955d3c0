"""`mkdocs-postmortem import`: a post-mortem written in another style → a page in the template's shape.

Pure functions, no click and no MkDocs: the command reads each file, calls `import_page`, writes the
text it returns (never over an existing file) and prints what was inferred and what is left for a
person. Nothing of the original is dropped: its sections are placed under the template's (by their
headings, bold labels on their own line, setext headings and `Label:` lines), what fits none is kept
under `## Other notes`, timelines, action items and whys are rewritten as the template's tables and
`- Q: … A: …` pairs with their words kept, and a last check compares the words of the original with
the new page's and keeps the original whole under `## Other notes` if any were missing.

What cannot be inferred is left as a placeholder that `check` reports (PM103 for front-matter values,
PM202 for the blank template's text, PM201/PM301/PM401/PM402/PM601 for what is missing), never as a
shape `check` would reject: the page is re-read as MkDocs would render it and every place where the
two readings differ is mended before it is returned.

One module per concern: `page` (the import itself) reads the page with `elements` and `reader` (which
section each heading or label names: `section_names`; time stamps: `stamps`), fills the front matter
(`front_matter`, `dates`, `severity`, `git`), renders each section (`sections`, with `timeline`,
`actions`, `whys`, `impact` and `regulatory`, on `tables`, `rendering` and `context`), mends the page
(`mending`) and checks no word was lost (`words`).
"""

from __future__ import annotations

from ..dates import date_from_file_name
from .dates import find_date
from .git import git_author
from .page import Imported, ImportOptionError, import_page
from .severity import Guess, infer_severity
from .words import word_counts

__all__ = [
    "Guess",
    "ImportOptionError",
    "Imported",
    "date_from_file_name",
    "find_date",
    "git_author",
    "import_page",
    "infer_severity",
    "word_counts",
]
