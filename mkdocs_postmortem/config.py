"""The plugin's options in `mkdocs.yml` (`plugins: - postmortem: {…}`)."""

from __future__ import annotations

import datetime as dt

from mkdocs.config import base
from mkdocs.config import config_options as c


class PostMortemConfig(base.Config):
    dir = c.Type(str, default="postmortems")
    """Folder of `docs_dir` that holds the post-mortems (its `index.md` files are not post-mortems)."""
    rules = c.Type(dict, default={})
    """Rule id or slug → `error`, `warning`, `info` or `off`."""
    holidays = c.Optional(c.Type(str))
    """Country (`GB`) or country-subdivision (`US-CA`) whose public holidays are not business days."""
    today = c.Optional(c.Type((str, dt.date)))
    """The date deadlines and overdue items are judged by; default `SOURCE_DATE_EPOCH`, else the clock."""
    owners = c.Optional(c.Type(str))
    """People file (relative to mkdocs.yml) mapping each owner to aliases; unknown owners are then a warning."""
    templates = c.Optional(c.Type(str))
    """Folder (relative to mkdocs.yml) whose Jinja2 templates override the shipped ones."""
    nav_postmortems = c.Type(bool, default=False)
    """List every post-mortem in the automatic navigation (default: the library is the way in)."""
    nav_library_pages = c.Type(bool, default=False)
    """List all six library pages in the automatic navigation (default: the library's home page only,
    since every navigation entry is rendered on every page; each library page links to the others)."""
    exports = c.Type(bool, default=True)
    """Write postmortems.json, action-items.csv/.ics, feed.xml and the schema into site_dir."""
    findings_on_page = c.Choice(("serve", "always", "never"), default="serve")
    """Where a page shows its findings at the top: under `mkdocs serve` only, in every build, or never."""
