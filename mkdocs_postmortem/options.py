"""The plugin's options, declared once: the model that `plugins: - postmortem: {…}` is validated against,
by the plugin (`on_config`) and the command line (`load_project`) alike, with the same messages."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, ValidationError, ValidatorFunctionWrapHandler, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

from .checker import ConfigError, PathText, Settings
from .settings import VariableError


class Options(Settings):
    """Every option of the plugin: the core's `Settings` and those that matter when MkDocs renders pages."""

    overrides: PathText | None = Field(
        None,
        description="Folder (relative to mkdocs.yml) of Jinja2 templates that replace the library pages' shipped ones.",
    )
    templates: PathText | None = Field(
        None, description="The old name of `overrides` (still read, with a deprecation warning)."
    )
    nav_postmortems: bool = Field(
        False, description="List every post-mortem in the automatic navigation (default: the library is the way in)."
    )
    nav_library_pages: bool = Field(
        False,
        description="List all six library pages in the automatic navigation (default: the library's home page only, "
        "since every navigation entry is rendered on every page; each library page links to the others).",
    )
    exports: bool | list[str] = Field(
        True,
        description="Which exports to write into site_dir: true (all), false (none), or a list of their names: "
        "json (postmortems.json), csv (action-items.csv), ics (action-items.ics), rss (feed.xml), schema (postmortem.schema.json), drafts (report-drafts.json).",
    )
    findings_on_page: Literal["serve", "always", "never"] = Field(
        "serve",
        description="Where a page shows its findings at the top: under `mkdocs serve` only, in every build, or never.",
    )

    def deprecations(self) -> list[str]:
        """What the options say in an old way that still works, each with its new way."""
        if self.templates is None:
            return []
        return [
            "the option `templates` is now `overrides` (a folder of Jinja2 templates for the library pages); "
            "rename it — the post-mortem template, a YAML file, is the `template` option"
        ]

    @field_validator("exports", mode="wrap")
    @classmethod
    def _exports(cls, value: object, handler: ValidatorFunctionWrapHandler) -> object:
        """True, false, or the names of the exports to write (one name alone is a list of one)."""
        if isinstance(value, str) and value.strip().lower() not in _BOOLEAN_TEXT:
            value = [value]
        if isinstance(value, list):
            return list(dict.fromkeys(_export_name(name) for name in value))
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(
                "exports",
                "use true (all), false (none) or a list of exports: {names} (not {value})",
                {"names": ", ".join(_export_names()), "value": repr(value)},
            ) from None


_BOOLEAN_TEXT = frozenset(
    {"0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes"}
)  # pydantic reads as true/false


def _export_names() -> dict[str, str]:
    """Each export's name → its file, from the exports' registry (imported only for a site that
    chooses its exports: `check` does without the renderer)."""
    from .render.exports import EXPORTS

    return {name: export.file for name, export in EXPORTS.items()}


def _export_name(name: object) -> str:
    """An export's name as given, or a problem naming it, with the closest name and every name."""
    text = str(name).strip()
    names = _export_names()
    if text in names:
        return text
    by_file = {file: known for known, file in names.items()}
    close = difflib.get_close_matches(text, [*names, *by_file], n=1)
    listed = ", ".join(names)
    hint = (
        f"did you mean '{by_file.get(close[0], close[0])}'? (the exports are {listed})"
        if close
        else f"the exports are {listed}"
    )
    raise PydanticCustomError("unknown_export", "unknown export '{name}' — {hint}", {"name": text, "hint": hint})


_PYDANTIC_ERRORS = frozenset(get_args(ErrorType))  # the error types whose messages pydantic writes


def validate_options(raw: Mapping[str, Any], config_file: str | os.PathLike[str]) -> Options:
    """The options as given in `config_file`, validated, the files they name read once.

    Raises ConfigError `<config file>: plugins: postmortem: <option>: <problem>`, the file shown
    relative to the working folder when it lies inside it; or, for an environment variable that cannot
    be used, VariableError `<variable>: <problem>`.
    """
    shown = _shown(Path(config_file))
    where = f"{shown}: plugins: postmortem"
    try:
        options = Options.model_validate(dict(raw))
        options = _renamed(options)
        options.context(shown.parent)  # the holiday calendar exists, the people file and the template read
        if options.overrides and not (shown.parent / options.overrides).is_dir():
            name = "templates" if options.deprecations() else "overrides"
            raise ConfigError(f"{name}: '{options.overrides}' is not a folder next to {shown.name}{_NOT_THE_TEMPLATE}")
    except ValidationError as exc:
        raise ConfigError(f"{where}: {'; '.join(_problem(error) for error in exc.errors())}") from None
    except VariableError:
        raise  # not an option of the file
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return options


_OLD_NAMES = frozenset({"templates"})  # still read, never suggested
_NOT_THE_TEMPLATE = " (the post-mortem template, a YAML file, is the `template` option)"


def _renamed(options: Options) -> Options:
    """The options with `templates`, the old name of `overrides`, moved to its new name."""
    if options.templates is None:
        return options
    if options.overrides is not None:
        raise ConfigError("give only `overrides`: `templates` is its old name")
    return options.model_copy(update={"overrides": options.templates})


def _problem(error: ErrorDetails) -> str:
    """One problem of the options as a message naming the option."""
    option = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        names = [name for name in Options.model_fields if name not in _OLD_NAMES]
        key = option
        parent = Options.model_fields.get(str(error["loc"][0])) if len(error["loc"]) == 2 else None
        if parent is not None and isinstance(parent.annotation, type) and issubclass(parent.annotation, BaseModel):
            names, key = list(parent.annotation.model_fields), str(error["loc"][1])  # `tickets: {jira_urll: …}`
        close = difflib.get_close_matches(key, names, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"the options are {', '.join(names)}"
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
