"""The project on disk, without MkDocs: `mkdocs.yml` read as MkDocs reads it (`INHERIT`, `!ENV`,
`exclude_docs`, `draft_docs`), the plugin's options, `docs_dir`, the post-mortem files."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import mergedeep
import yaml
from pathspec.gitignore import GitIgnoreSpec
from yaml_env_tag import construct_env_tag

from .checker import ConfigError
from .folders import SNIFF_BYTES, looks_like_postmortem
from .limits import not_regular
from .options import Options, validate_options
from .yamlfile import YamlFileError, load_yaml_file

PLUGIN_NAME = "postmortem"
# MkDocs' own exclusions (mkdocs.structure.files._default_exclude), before the site's `exclude_docs`.
MKDOCS_EXCLUDE = GitIgnoreSpec.from_lines([".*", "/templates/"])


OUTSIDE_DOCS = "the file is a link to a place outside docs_dir, so it was not read"

# What the plugin writes into the post-mortem folder of site_dir: the library pages (name → title) and
# the exports (name → file). `render.pages.LIBRARY_PAGES` and `render.exports.EXPORTS` are the registries
# (a test keeps these in step with them): `check` reads the names here, without importing the renderer.
LIBRARY_PAGE_TITLES = {
    "index.md": "Post-mortem library",
    "actions-by-owner.md": "Action items by owner",
    "actions-by-due-date.md": "Action items by due date",
    "agents.md": "Agents",
    "regulatory-register.md": "Regulatory register",
    "quarterly-review.md": "Quarterly review",
}
EXPORT_FILES = {
    "json": "postmortems.json",
    "csv": "action-items.csv",
    "ics": "action-items.ics",
    "rss": "feed.xml",
    "schema": "postmortem.schema.json",
    "drafts": "report-drafts.json",
}
MKDOCS_PAGE_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")  # mkdocs.utils.markdown_extensions


def dest_uri(uri: str, use_directory_urls: bool) -> str:
    """Where MkDocs writes a `docs_dir` file in `site_dir`, as its `File.dest_uri`: a page as `x/index.html`
    (or `x.html`; `index.md` and `README.md` as `index.html`), any other file as it is named."""
    if not uri.endswith(MKDOCS_PAGE_SUFFIXES):
        return uri
    parent, name = posixpath.split(uri)
    stem = posixpath.splitext(name)[0]
    stem = "index" if stem == "README" else stem
    if not use_directory_urls or stem == "index":
        return posixpath.join(parent, f"{stem}.html")
    return posixpath.join(parent, stem, "index.html")


@dataclass(frozen=True)
class Reserved:
    """A path of `site_dir` the plugin writes: a library page or an export."""

    what: str  # "the library page 'Agents' (agents.md)"
    export: str | None = None  # the export's name, for an export
    own: str | None = None  # the library's home: the `docs_dir` path of a page of the site's own used instead


def reserved_paths(
    folder: str, pages: Mapping[str, str], exports: Mapping[str, str], use_directory_urls: bool
) -> dict[str, Reserved]:
    """The paths of `site_dir` that the plugin writes (case folded, as a case-insensitive file system
    sees them): each library page of `pages` (name → title) and each export of `exports` (name → file)."""
    reserved = {
        dest_uri(f"{folder}/{name}", use_directory_urls).casefold(): Reserved(
            f"the library page '{title}' ({name})", own=f"{folder}/{name}" if name == "index.md" else None
        )
        for name, title in pages.items()
    }
    for name, file in exports.items():
        reserved[f"{folder}/{file}".casefold()] = Reserved(f"the export `{name}` ({file})", export=name)
    return reserved


def taken(uri: str, dest: str, reserved: Mapping[str, Reserved], page: bool) -> str | None:
    """Why the `docs_dir` file `uri`, written to `dest`, may not be built: the plugin writes something
    there (None when nothing, or when it is the site's own `index.md`, the library's home instead)."""
    place = reserved.get(dest.casefold())
    if place is None or (page and uri == place.own):
        return None
    verb = "built as" if page else "copied to"
    fix = "rename it"
    if place.export is not None:
        fix += f", or leave `{place.export}` out of the `exports` option"
    elif place.own is not None and page:
        fix += f" ({place.own} is the name of a page of the site's own that is the library's home instead)"
    return f"the file would be {verb} {dest}, where the plugin writes {place.what}, so it was left out: {fix}"


@dataclass(frozen=True)
class FolderLink:
    """A link to a folder, met while walking the post-mortem folder, that is not followed."""

    target: Path  # where it leads, links resolved
    loop: bool  # it leads to a folder it is in: followed, it would repeat forever


def link_problem(link: FolderLink, display: str) -> str:
    """Why a folder link is not followed; `display` is its target as findings show paths."""
    if link.loop:
        return (
            f"the folder link leads back to {display}, a folder it is in, so MkDocs would find the same pages again "
            "at every level (…/up/postmortems/up/…); it was not followed: remove the link"
        )
    return (
        f"the folder link leads to {display}, whose pages are already in the site by another path, so it was "
        "not followed: remove the link"
    )


@dataclass
class FolderWalk:
    """The files under a folder as MkDocs finds them, folder links followed, but each real folder once."""

    files: list[Path] = field(default_factory=list)  # in the order found: each folder's names sorted
    links: dict[Path, FolderLink] = field(default_factory=dict)  # folder links not followed


def walk_folder(folder: Path) -> FolderWalk:
    """Every file under `folder` (named, not resolved: a link to a file is listed as the link), following
    links to folders as MkDocs does, but not into a folder already walked: a link to a folder it is in
    (a loop, which MkDocs follows until the system refuses) or a second way into a folder (by a link, or
    where the folder itself is) is listed in `links` instead. Real folders are walked before links."""
    walked = FolderWalk()
    seen = {os.path.realpath(path) for path, _, _ in os.walk(folder)}  # the folders reached without links
    for path, subfolders, names in os.walk(folder, followlinks=True):
        here = os.path.realpath(path)
        seen.add(here)
        subfolders.sort()
        kept = []
        for name in subfolders:
            sub = os.path.join(path, name)
            if os.path.islink(sub):
                target = os.path.realpath(sub)
                loop = here == target or here.startswith(target.rstrip(os.sep) + os.sep)
                if loop or target in seen:
                    walked.links[Path(sub)] = FolderLink(Path(target), loop)
                    continue
                seen.add(target)
            kept.append(name)
        subfolders[:] = kept
        walked.files += [Path(path, name) for name in sorted(names)]
    return walked


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


def unreadable(path: str | os.PathLike[str]) -> str | None:
    """Why a page cannot be read, known without opening it (a named pipe, a device), or None. The same
    message as when reading it fails (`runner.read_sources`)."""
    try:
        what = not_regular(os.stat(path).st_mode)
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror or exc})"
    return None if what is None else f"the file cannot be read (it is {what}, not a regular file)"


@dataclass(frozen=True)
class Mount:
    """A docs folder of the site, under `alias` (mkdocs-monorepo-plugin's `!include`d teams; "" for docs_dir)."""

    alias: str
    docs_dir: Path


@dataclass(frozen=True)
class Project:
    config_file: Path
    docs_dir: Path
    settings: Options
    strict: bool
    site_url: str | None
    use_directory_urls: bool
    exclude: GitIgnoreSpec  # MkDocs' `exclude_docs` after its own defaults
    markdown_extensions: list[object]  # as mkdocs.yml lists them (MkDocs adds toc, tables and fenced_code)
    drafts: GitIgnoreSpec | None  # MkDocs' `draft_docs`
    mounts: tuple[Mount, ...] = ()  # the teams' docs of mkdocs-monorepo-plugin, besides docs_dir

    @property
    def root(self) -> Path:
        return self.config_file.parent

    @property
    def folder(self) -> Path:
        """The library's own folder (`library_dir`), where its pages and exports go."""
        return self.docs_dir / self.settings.library_folder

    def _mounts(self) -> tuple[Mount, ...]:
        return (Mount("", self.docs_dir), *self.mounts)

    def folders(self) -> list[Path]:
        """The folders `dir` matches, in every docs folder of the site (each once; none inside another)."""
        found: list[Path] = []
        pattern = self.settings.folders
        for mount in self._mounts():
            if not pattern.wildcard:
                candidates = [mount.docs_dir / posixpath.relpath(self.settings.dir, mount.alias or ".")]
            else:
                candidates = [Path(path) for path, _, _ in os.walk(mount.docs_dir)]
            for folder in sorted(candidates, key=lambda path: path.parts):
                if not folder.is_dir() or any(folder.is_relative_to(done) for done in found):
                    continue
                uri = self.src_uri(folder)
                if not uri.startswith("..") and pattern.matches_folder(uri):
                    found.append(folder)
        return found

    def display(self, path: Path) -> str:
        """A path as findings show it: relative to the project, with forward slashes."""
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))).as_posix()

    def src_uri(self, path: Path) -> str:
        """A file's path relative to docs_dir (as MkDocs names it; a monorepo team's under its alias),
        or as given when outside every docs folder."""
        absolute = path.absolute()
        for mount in sorted(self._mounts(), key=lambda m: len(m.docs_dir.absolute().parts), reverse=True):
            docs = mount.docs_dir.absolute()
            if absolute.is_relative_to(docs):
                return posixpath.normpath(posixpath.join(mount.alias, absolute.relative_to(docs).as_posix()))
        return path.as_posix()

    def in_docs(self, path: Path) -> bool:
        """Whether a path lies in a docs folder of the site."""
        absolute = path.absolute()
        return any(absolute.is_relative_to(mount.docs_dir.absolute()) for mount in self._mounts())

    def page_url(self, path: Path) -> str:
        """A page's URL relative to the site root, as MkDocs makes it (`use_directory_urls`)."""
        stem = PurePosixPath(self.src_uri(path)).with_suffix("")
        return quote(f"{stem}/" if self.use_directory_urls else f"{stem}.html")

    def builds(self, uri: str) -> bool:
        """Does MkDocs build this `docs_dir`-relative path as a post-mortem (not left out by `exclude_docs`)?"""
        return self.settings.folders.contains(uri) and not self.exclude.match_file(uri)

    def is_draft_doc(self, path: Path) -> bool:
        """Is this file one of MkDocs' `draft_docs` (left out of a build, like a `status: draft` page)?"""
        return self.drafts is not None and self.drafts.match_file(self.src_uri(path))

    def sources(self) -> list[Path]:
        """Every post-mortem file of the library, sorted: the pages MkDocs would build. Like MkDocs,
        it follows linked folders (each real folder once: `walk_folder`) and leaves out what
        `exclude_docs` excludes; and only regular files (`refusals` names the others)."""
        found = [
            path
            for folder in self.folders()
            for path in walk_folder(folder).files
            if self.builds(self.src_uri(path)) and path.is_file()
        ]
        return sorted(found, key=lambda path: self.src_uri(path))

    def refusals(self, paths: Iterable[Path] = ()) -> dict[Path, str]:
        """The files that the build refuses unread, each with why (PM001), as the plugin finds them: of the
        post-mortem folder, the folder links it does not follow (a loop, a second way into a folder), the
        post-mortems that are not regular files (a named pipe) and the files whose place in `site_dir` the
        plugin writes (`agents.md`, `postmortems.json`); and of `paths`, those that lie outside `docs_dir`
        (a link) or are not regular files."""
        refused: dict[Path, str] = {}
        exports = self.settings.exports
        names = EXPORT_FILES if exports is True else {name: EXPORT_FILES[name] for name in exports or ()}
        reserved = reserved_paths(self.settings.library_folder, LIBRARY_PAGE_TITLES, names, self.use_directory_urls)
        folders = self.folders()
        if self.folder.is_dir() and not any(self.folder.is_relative_to(folder) for folder in folders):
            folders.append(self.folder)  # the library's own folder: files there may stand where it writes
        for folder in folders:
            boundary = self._boundary(folder)
            walked = walk_folder(folder)
            for link, target in walked.links.items():
                refused[link] = link_problem(target, self.display(target.target))
            for path in walked.files:
                uri = self.src_uri(path)
                if self.exclude.match_file(uri):
                    continue
                why = taken(uri, dest_uri(uri, self.use_directory_urls), reserved, uri.endswith(MKDOCS_PAGE_SUFFIXES))
                if why is None and self.builds(uri):
                    why = unreadable(path) if not boundary.outside(path) else None
                if why is not None:
                    refused[path] = why
        for path in paths:
            if path not in refused:
                why = OUTSIDE_DOCS if self._boundary(path).outside(path) else unreadable(path)
                if why is not None:
                    refused[path] = why
        return refused

    def skips(self, path: Path) -> bool:
        """Is this a file that MkDocs does not build as a post-mortem (outside docs_dir or `dir`,
        excluded, an index)? A link inside docs_dir to a file elsewhere is built, and refused."""
        return not self.in_docs(path) or not self.builds(self.src_uri(path))

    def elsewhere(self) -> list[str]:
        """The pages of the site (by `docs_dir` path) whose front matter is a post-mortem's: where the
        library is when `dir` matches nothing."""
        found = []
        for mount in self._mounts():
            for path in sorted(mount.docs_dir.rglob("*.md")):
                uri = self.src_uri(path)
                if self.exclude.match_file(uri) or not path.is_file():
                    continue
                try:
                    with path.open(encoding="utf-8", errors="replace") as stream:
                        head = stream.read(SNIFF_BYTES)
                except OSError:
                    continue
                if looks_like_postmortem(head):
                    found.append(uri)
        return found

    def _boundary(self, path: Path) -> DocsBoundary:
        """The boundary of the docs folder that holds `path` (docs_dir when none does)."""
        absolute = path.absolute()
        mount = next((m for m in self.mounts if absolute.is_relative_to(m.docs_dir.absolute())), None)
        return DocsBoundary(mount.docs_dir if mount else self.docs_dir)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml as MkDocs does for the parts we read: `!ENV`, `!relative` (as a path), and
    no Python objects (their tags, such as `!!python/name:`, read as nothing)."""

    config_dir = "."


class _DocsDirPath(str):
    """`!relative $docs_dir/…`: a path under docs_dir, known once the whole configuration is read."""


def _relative(loader: _ConfigLoader, node: yaml.Node) -> str | None:
    """`!relative $config_dir/…` or `$docs_dir/…` as a path; plain `!relative` (the folder of the page
    being rendered) means nothing outside a build."""
    value = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    prefix, _, suffix = value.partition("/")
    if not value:
        return None
    if prefix == "$config_dir":
        return os.path.join(loader.config_dir, suffix)
    if prefix == "$docs_dir":
        return _DocsDirPath(suffix)
    problem = (
        f"unknown prefix {prefix!r} in !relative {value!r}"
        if prefix.startswith("$")
        else f"!relative takes no value, not {value!r}"
    )
    raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


_ConfigLoader.add_constructor("!ENV", construct_env_tag)
_ConfigLoader.add_constructor("!relative", _relative)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict[str, Any]:
    """`mkdocs.yml` as MkDocs reads it: its `INHERIT` chain merged deeply (mappings merged, lists replaced)."""
    loader = type("Loader", (_ConfigLoader,), {"config_dir": os.path.dirname(os.path.abspath(path))})
    return _read_config(path, loader, ())


def _read_config(path: Path, loader: type[_ConfigLoader], seen: tuple[Path, ...]) -> dict[str, Any]:
    try:
        data = load_yaml_file(path, loader)
    except YamlFileError as exc:
        hint = " (give the site's config with -f mkdocs.yml)" if not path.exists() and not seen else ""
        raise ConfigError(f"{exc}{hint}") from None
    except ValueError as exc:  # a value YAML cannot make, such as the date 2026-13-01
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of MkDocs options")
    if "INHERIT" in data:
        relative = str(data.pop("INHERIT"))
        parent = Path(os.path.normpath(path.parent / relative))
        if not parent.exists():
            raise ConfigError(f"{path}: INHERIT: '{relative}' does not exist at '{parent}'")
        if parent.resolve() in seen:
            raise ConfigError(f"{path}: INHERIT loops back to {parent}")
        inherited = _read_config(parent, loader, (*seen, path.resolve()))
        mergedeep.merge(inherited, data)  # into `inherited`, in place
        return inherited
    return data


def _plugin_names(data: dict[str, Any]) -> set[str]:
    """The names of the plugins mkdocs.yml lists."""
    plugins = data.get("plugins")
    if isinstance(plugins, dict):
        return {str(name) for name in plugins}
    if isinstance(plugins, list):
        return {str(entry) if isinstance(entry, str) else str(next(iter(entry))) for entry in plugins if entry}
    return set()


def _plugin_options(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The plugin's options as MkDocs hands them over (its generic `enabled` option taken out)."""
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
        if str(name).lstrip("/") != PLUGIN_NAME:
            continue
        if options is None:
            return {}
        if not isinstance(options, dict):
            raise ConfigError(f"{path}: plugins: postmortem: its options must be a mapping")
        options = dict(options)
        enabled = options.pop("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{path}: plugins: postmortem: enabled: expected true or false, not {enabled!r}")
        if not enabled:
            raise ConfigError(f"{path}: the postmortem plugin is disabled (`enabled: false`), so nothing is checked")
        return options
    raise ConfigError(f"{path}: the postmortem plugin is not enabled (add `- postmortem` under `plugins:`)")


def _spec(data: dict[str, Any], key: str, path: Path) -> GitIgnoreSpec | None:
    """A gitignore-style option of MkDocs (`exclude_docs`, `draft_docs`), read as MkDocs reads it."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(
            f"{path}: {key}: expected a multiline string of gitignore patterns, not {type(value).__name__}"
        )
    try:
        return GitIgnoreSpec.from_lines(value.splitlines())
    except ValueError as exc:
        raise ConfigError(f"{path}: {key}: {exc}") from None


def _extensions(data: dict[str, Any], path: Path) -> list[object]:
    value = data.get("markdown_extensions") or []
    if isinstance(value, dict):  # MkDocs also takes a mapping of name → options
        return list(value)
    if not isinstance(value, list):
        raise ConfigError(f"{path}: markdown_extensions: expected a list of extension names, not {value!r}")
    return value


def load_project(config_file: str | os.PathLike[str]) -> Project:
    """Read `mkdocs.yml` and the plugin's options; every problem is a ConfigError naming the file and option."""
    path = Path(config_file)
    data = read_config(path)
    docs_dir = path.parent / str(data.get("docs_dir") or "docs")
    options = {
        key: os.path.join(os.path.abspath(docs_dir), value) if isinstance(value, _DocsDirPath) else value
        for key, value in _plugin_options(data, path).items()
    }
    if not docs_dir.is_dir():
        raise ConfigError(f"{path}: docs_dir '{docs_dir}' is not a folder")
    settings = validate_options(options, path)
    site_url = data.get("site_url") or None
    if site_url is not None and not isinstance(site_url, str):
        raise ConfigError(f"{path}: site_url: expected a URL, not {site_url!r}")
    exclude = _spec(data, "exclude_docs", path)
    return Project(
        config_file=path,
        docs_dir=docs_dir,
        settings=settings,
        strict=bool(data.get("strict", False)),
        site_url=site_url,
        use_directory_urls=bool(data.get("use_directory_urls", True)),
        exclude=MKDOCS_EXCLUDE + exclude if exclude else MKDOCS_EXCLUDE,
        markdown_extensions=_extensions(data, path),
        drafts=_spec(data, "draft_docs", path),
        mounts=_monorepo_mounts(data, path),
    )


_INCLUDE = ("!include ", "*include ")  # mkdocs-monorepo-plugin's nav statements
_ALIAS = re.compile(r"^[a-zA-Z0-9_.\-/]+$")


def _monorepo_mounts(data: dict[str, Any], path: Path) -> tuple[Mount, ...]:
    """The teams' docs folders that mkdocs-monorepo-plugin merges into the site, as it does: each
    `!include team/mkdocs.yml` (or `*include` pattern) of the nav, under the team's `site_name` (slugified
    when it is not a plain path) and from its `docs_dir` (default `docs`). None without the plugin."""
    if "monorepo" not in _plugin_names(data):
        return ()
    mounts: list[Mount] = []
    for statement in _nav_strings(data.get("nav")):
        kind, target = statement[:9], statement[9:].strip()
        found = sorted(path.parent.glob(target)) if kind == "*include " else [path.parent / target]
        for included in found:
            if not included.is_file():
                raise ConfigError(f"{path}: nav: {statement}: no such file {included}")
            team = read_config(included)
            if not isinstance(team, dict) or not isinstance(team.get("site_name"), str):
                raise ConfigError(
                    f"{path}: nav: {statement}: {included} has no `site_name`, which names the team's folder"
                )
            name = team["site_name"]
            alias = name if _ALIAS.match(name) else re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            mounts.append(Mount(alias, included.parent / str(team.get("docs_dir") or "docs")))
    return tuple(mounts)


def _nav_strings(nav: object) -> list[str]:
    """Every `!include`/`*include` statement anywhere in a nav."""
    if isinstance(nav, str):
        return [nav] if nav.startswith(_INCLUDE) else []
    if isinstance(nav, list):
        return [s for item in nav for s in _nav_strings(item)]
    if isinstance(nav, dict):
        return [s for value in nav.values() for s in _nav_strings(value)]
    return []
