"""The plugin's options, declared once: the model that `plugins: - postmortem: {…}` is validated against,
by the plugin (`on_config`) and the command line (`load_project`) alike, with the same messages."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, ValidationError
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from .checker import ConfigError, PathText, Settings


class Options(Settings):
    """Every option of the plugin: the core's `Settings` and those that matter when MkDocs renders pages."""

    templates: PathText | None = Field(None, description="Folder (relative to mkdocs.yml) whose Jinja2 templates override the shipped ones.")
    nav_postmortems: bool = Field(False, description="List every post-mortem in the automatic navigation (default: the library is the way in).")
    nav_library_pages: bool = Field(
        False,
        description="List all six library pages in the automatic navigation (default: the library's home page only, "
        "since every navigation entry is rendered on every page; each library page links to the others).",
    )
    exports: bool = Field(True, description="Write postmortems.json, action-items.csv/.ics, feed.xml and the schema into site_dir.")
    findings_on_page: Literal["serve", "always", "never"] = Field(
        "serve", description="Where a page shows its findings at the top: under `mkdocs serve` only, in every build, or never."
    )


_PYDANTIC_ERRORS = frozenset(get_args(ErrorType))  # the error types whose messages pydantic writes


def validate_options(raw: Mapping[str, Any], config_file: str | os.PathLike[str]) -> Options:
    """The options as given in `config_file`, validated, the files they name read once.

    Raises ConfigError `<config file>: plugins: postmortem: <option>: <problem>`, the file shown
    relative to the working folder when it lies inside it.
    """
    shown = _shown(Path(config_file))
    where = f"{shown}: plugins: postmortem"
    try:
        options = Options.model_validate(dict(raw))
        options.context(shown.parent)  # the holiday calendar exists, the people file reads
        if options.templates and not (shown.parent / options.templates).is_dir():
            raise ConfigError(f"templates: '{options.templates}' is not a folder next to {shown.name}")
    except ValidationError as exc:
        raise ConfigError(f"{where}: {'; '.join(_problem(error) for error in exc.errors())}") from None
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return options


def _problem(error: ErrorDetails) -> str:
    """One problem of the options as a message naming the option."""
    option = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(option, Options.model_fields, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"the options are {', '.join(Options.model_fields)}"
        return f"unknown option '{option}' — {hint}"
    if error["type"] in _PYDANTIC_ERRORS:  # pydantic's own message does not show the value; ours do
        given = repr(error["input"])
        return f"{option}: {error['msg']} (not {given if len(given) <= 60 else given[:59] + '…'})"
    return f"{option}: {error['msg']}"


def _shown(path: Path) -> Path:
    """A path relative to the working folder when it lies inside it, so messages read the same
    whether MkDocs (which makes it absolute) or the command line (which keeps it as given) names it."""
    absolute = Path(os.path.abspath(path))
    return absolute.relative_to(Path.cwd()) if absolute.is_relative_to(Path.cwd()) else absolute
