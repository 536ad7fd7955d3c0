"""Models → text: Jinja2 environments that escape every value for where it lands (Markdown or HTML).

Templates ship in `templates/`; a site overrides any of them by putting a file of the same name in
the plugin's `templates` folder or in `<theme custom_dir>/postmortem/`.
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

# Characters that Markdown (and the usual extensions: tables, attr_list, emoji, mark, caret, tilde,
# arithmatex) could read as syntax; each becomes a numeric entity, which Markdown never interprets.
_WHITESPACE = re.compile(r"\s+")  # a value never spans lines: that would end a table row
_MARKDOWN_SPECIAL = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]<>()#+!|~:=^$&\"'"}


def md_escape(value: object) -> str:
    """Plain text → Markdown that shows exactly that text (tables included: `|` is escaped too)."""
    return _WHITESPACE.sub(" ", str(value)).translate(_MARKDOWN_SPECIAL)


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return md_escape(value)


def md_link(text: object, target_uri: str, from_uri: str, anchor: str | None = None) -> Markup:
    """A Markdown link from one docs page to another, relative, so MkDocs resolves and checks it."""
    relative = posixpath.relpath(target_uri, posixpath.dirname(from_uri) or ".")
    href = urllib.parse.quote(relative) + (f"#{urllib.parse.quote(anchor)}" if anchor else "")
    return Markup(f"[{md_escape(text) or '(untitled)'}]({href})")


def environment(markdown: bool, extra_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """A Jinja2 environment: Markdown templates escape every value for Markdown, HTML ones for HTML."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d)) for d in extra_dirs if d.is_dir()]
    loaders.append(jinja2.PackageLoader("mkdocs_postmortem", "render/templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=not markdown,  # noqa: S701  Markdown templates escape every value for Markdown in `finalize`
        finalize=_finalize if markdown else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env
