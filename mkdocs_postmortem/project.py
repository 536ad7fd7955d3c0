"""The project on disk, without MkDocs: `mkdocs.yml`'s plugin options, `docs_dir`, the post-mortem files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError

from .checker import ConfigError, Settings
from .yamlfile import YamlFileError, load_yaml_file

PLUGIN_NAME = "postmortem"
# Options the plugin has besides the core's Settings (they only matter when MkDocs renders pages).
SITE_ONLY_OPTIONS = frozenset({"findings_on_page", "owners", "templates", "nav", "exports", "charts"})


def is_postmortem_uri(uri: str, folder: str) -> bool:
    """Is this `docs_dir`-relative POSIX path a post-mortem page of the library in `folder`?"""
    path = PurePosixPath(uri)
    return (
        path.suffix.lower() in (".md", ".markdown")
        and path.name.lower() not in ("index.md", "readme.md")
        and path.is_relative_to(folder)
    )


OUTSIDE_DOCS = "the file is a link to a place outside docs_dir, so it was not read"


class DocsBoundary:
    """Tells whether a file found under `docs_dir` lies, links resolved, outside it: a post-mortem that is
    a link to elsewhere (or sits in a linked folder) is refused. Each folder is resolved once."""

    def __init__(self, docs_dir: str | os.PathLike[str]) -> None:
        self._root = os.path.realpath(docs_dir)
        self._inside = self._root.rstrip(os.sep) + os.sep
        self._folders: dict[str, str] = {}

    def outside(self, path: str | os.PathLike[str]) -> bool:
        folder, name = os.path.split(os.path.abspath(path))
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = os.path.realpath(folder)
        real = os.path.realpath(path) if os.path.islink(path) else os.path.join(real_folder, name)
        return real != self._root and not real.startswith(self._inside)


@dataclass(frozen=True)
class Project:
    config_file: Path
    docs_dir: Path
    settings: Settings
    strict: bool

    @property
    def root(self) -> Path:
        return self.config_file.parent

    @property
    def folder(self) -> Path:
        return self.docs_dir / self.settings.dir

    def display(self, path: Path) -> str:
        """A path as findings show it: relative to the project, with forward slashes."""
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))).as_posix()

    def src_uri(self, path: Path) -> str:
        """A file's path relative to docs_dir (as MkDocs names it), or as given when outside it."""
        absolute = path.absolute()
        docs = self.docs_dir.absolute()
        return absolute.relative_to(docs).as_posix() if absolute.is_relative_to(docs) else path.as_posix()

    def sources(self) -> list[Path]:
        """Every post-mortem file of the library, sorted. Like MkDocs, it follows linked folders (each
        real folder once) and leaves out hidden files and folders (MkDocs' default `exclude_docs`)."""
        found = []
        seen: set[str] = set()
        for folder, subfolders, names in os.walk(self.folder, followlinks=True):
            real = os.path.realpath(folder)
            if real in seen:  # a link back to a folder already walked
                subfolders.clear()
                continue
            seen.add(real)
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            for name in names:
                path = Path(folder, name)
                uri = path.relative_to(self.docs_dir).as_posix()
                if not name.startswith(".") and path.is_file() and is_postmortem_uri(uri, self.settings.dir):
                    found.append(path)
        return sorted(found, key=lambda path: path.parts)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml like MkDocs does for the parts we need: `!ENV`, and ignores Python tags."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    names = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]  # type: ignore[arg-type]
    *variables, default = names if len(names) > 1 else (*names, None)
    for variable in variables:
        if (value := os.environ.get(str(variable))) is not None:
            return yaml.safe_load(value)
    return default


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _read_config(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    try:
        data = load_yaml_file(path, _ConfigLoader)
    except YamlFileError as exc:
        hint = " (give the site's config with -f mkdocs.yml)" if not path.exists() else ""
        raise ConfigError(f"{exc}{hint}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of MkDocs options")
    if parent := data.pop("INHERIT", None):
        parent_path = (path.parent / str(parent)).resolve()
        if parent_path in seen:
            raise ConfigError(f"{path}: INHERIT loops back to {parent_path}")
        merged = _read_config(parent_path, (*seen, path.resolve()))
        merged.update(data)
        data = merged
    return data


def _plugin_options(data: dict[str, Any], path: Path) -> dict[str, Any]:
    plugins = data.get("plugins")
    entries: list[tuple[str, Any]] = []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        for entry in plugins:
            if isinstance(entry, str):
                entries.append((entry, None))
            elif isinstance(entry, dict):
                entries.extend(entry.items())
    for name, options in entries:
        if name == PLUGIN_NAME:
            if options is None:
                return {}
            if not isinstance(options, dict):
                raise ConfigError(f"{path}: plugins: postmortem: its options must be a mapping")
            return dict(options)
    raise ConfigError(f"{path}: the postmortem plugin is not enabled (add `- postmortem` under `plugins:`)")


def load_project(config_file: str | os.PathLike[str]) -> Project:
    """Read `mkdocs.yml` and the plugin's options; every problem is a ConfigError naming the file and option."""
    path = Path(config_file)
    data = _read_config(path)
    options = _plugin_options(data, path)
    core = {key: value for key, value in options.items() if key not in SITE_ONLY_OPTIONS}
    unknown = sorted(set(core) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{path}: plugins: postmortem: unknown option '{unknown[0]}'")
    try:
        settings = Settings(**core)
        settings.levels()
        settings.context(path.parent)
    except ValidationError as exc:
        first = exc.errors()[0]
        option = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: plugins: postmortem: {option}: {first['msg']}") from None
    except ConfigError as exc:
        raise ConfigError(f"{path}: plugins: postmortem: {exc}") from None
    docs_dir = path.parent / str(data.get("docs_dir", "docs"))
    if not docs_dir.is_dir():
        raise ConfigError(f"{path}: docs_dir '{docs_dir}' is not a folder")
    return Project(config_file=path, docs_dir=docs_dir, settings=settings, strict=bool(data.get("strict", False)))
