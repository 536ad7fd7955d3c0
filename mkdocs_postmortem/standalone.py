"""`mkdocs-postmortem write-library`: the library as plain files, for a site generator that does not run
the plugin (Zensical, MkDocs 2, Hugo, or MkDocs without it).

The six library pages are the plugin's, with each table and chart put into the Markdown as a raw HTML
block (the plugin puts them in after MkDocs converts the page: `RenderedPage.fill`), set off by blank
lines and holding none, so CommonMark and Python-Markdown pass it through whole. The exports and the
stylesheet go beside them. Markdown links are relative `.md` links, which the generator resolves; the
HTML links are relative URLs. Generators read those differently: MkDocs and Hugo leave raw HTML alone,
so a link is relative to the page's URL, while Zensical resolves it against the page's file, as it does
a Markdown link. With directory URLs each page but the home is therefore written as `agents/index.md`
(its URL the plugin's, `postmortems/agents/`): the page's file and its URL are then in the same folder,
and a link means the same to all of them.

Nothing someone wrote is overwritten: a file is replaced or removed only while the command's manifest
(`manifest.py`) says it wrote it, unchanged; any other file in the way stops the command before it
writes anything. Each file is written atomically, and the manifest lists old and new digests while the
files change, so an interrupted run leaves every file the command's.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .atomic import write_atomic
from .library import Library
from .manifest import GENERATOR, MANIFEST, digest, owned_digest, read_manifest
from .project import Project, dest_uri, read_config
from .render.exports import EXPORTS, Site
from .render.pages import LIBRARY_PAGES, RenderedPage, Renderer

STYLESHEET = "postmortem.css"
STYLESHEET_SOURCE = Path(__file__).parent / "render" / "assets" / STYLESHEET
MARKER = f"Written by `{GENERATOR}` from the post-mortems: do not edit, run it again"


class StandaloneError(Exception):
    """Why the library was not written: one line per problem, each naming its file."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class LibraryFolder:
    """Where the library goes: a folder of `docs_dir`, and its path there (`postmortems`), which is
    where the pages are in the site and what their links are relative to."""

    path: Path
    uri: str


def library_folder(project: Project, out: Path | None) -> LibraryFolder:
    """The folder to write into: `out`, a folder of docs_dir outside the post-mortem folders, or (the
    default) the library's own folder (`library_dir`: for a single post-mortem folder, that folder,
    beside the post-mortems), where the plugin puts the pages."""
    folders = project.folders()
    if not folders:
        raise StandaloneError(
            f"no folder of docs_dir matches '{project.settings.dir}', so no library to write (the plugin's `dir` "
            "option names the post-mortem folders)"
        )
    if out is None:
        return LibraryFolder(project.folder, project.settings.library_folder)
    docs = os.path.realpath(project.docs_dir)
    where = os.path.realpath(out)
    shown = f"--out: {out}"
    if where == docs:
        raise StandaloneError(
            f"{shown} is docs_dir itself, where the library's home would take the site's: write the library "
            "into a folder of docs_dir"
        )
    if not where.startswith(docs.rstrip(os.sep) + os.sep):
        raise StandaloneError(
            f"{shown} is outside docs_dir ({project.display(project.docs_dir)}): the pages link to the post-mortems "
            "relative to their place in the site, so write them into a folder of docs_dir"
        )
    uri = Path(os.path.relpath(where, docs)).as_posix()
    inside = next(
        (f for f in folders if where != os.path.realpath(f) and Path(where).is_relative_to(os.path.realpath(f))), None
    )
    if inside is not None:
        raise StandaloneError(
            f"{shown} is inside the post-mortem folder ({project.display(inside)}), where its pages would "
            "be read as post-mortems: write the library into that folder itself (the default) or another one"
        )
    if project.exclude.match_file(f"{uri}/index.md"):
        raise StandaloneError(
            f"{shown} is left out of the site by `exclude_docs` (or is hidden): choose another folder"
        )
    return LibraryFolder(out, uri)


def page_url(uri: str, use_directory_urls: bool) -> str:
    """The URL of the page at `uri` (relative to docs_dir), as MkDocs makes it (`File.url`)."""
    dest = dest_uri(uri, use_directory_urls)
    parent, name = posixpath.split(dest)
    if use_directory_urls and name == "index.html":
        return quote(f"{parent}/" if parent else "./")
    return quote(dest)


def raw_html_block(html: str) -> str:
    """HTML as a Markdown raw HTML block that CommonMark and Python-Markdown both pass through whole:
    without blank lines (CommonMark ends an HTML block at the first one) and starting its line."""
    return "\n".join(line for line in html.strip().splitlines() if line.strip())


def page_markdown(rendered: RenderedPage, title: str) -> str:
    """A library page as plain Markdown: its blocks put in as raw HTML, its title in the front matter."""
    blocks = {number: raw_html_block(html) for number, html in rendered.blocks.items()}
    body = RenderedPage(rendered.markdown, blocks).fill(rendered.markdown)
    return f"---\n# {MARKER}\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n{body}"


def page_files(use_directory_urls: bool) -> dict[str, str]:
    """Each library page's file in the library's folder (`agents.md` → `agents/index.md` with directory
    URLs: a folder of its own, which is its URL's), by its name in `LIBRARY_PAGES`."""
    return {
        page.name: f"{page.name.removesuffix('.md')}/index.md"
        if use_directory_urls and page.name != "index.md"
        else page.name
        for page in LIBRARY_PAGES
    }


class FileRenderer(Renderer):
    """The plugin's renderer, with each library page at the file it is written to (`page_files`), so its
    Markdown links are relative to that file."""

    def __init__(self, library: Library, folder: str, use_directory_urls: bool, template_dirs: list[Path]) -> None:
        self.files = page_files(use_directory_urls)
        urls = {name: page_url(f"{folder}/{file}", use_directory_urls) for name, file in self.files.items()}
        super().__init__(library, folder, urls, template_dirs)

    def uri(self, name: str) -> str:
        return f"{self.folder}/{self.files[name]}"


def library_files(library: Library, project: Project, folder: str) -> dict[str, str]:
    """Every file of the library (its path in the folder → its text): the six pages, the exports the
    `exports` option names, and the stylesheet, for the folder `folder` of docs_dir."""
    config = read_config(project.config_file)
    renderer = FileRenderer(library, folder, project.use_directory_urls, _template_dirs(project, config))
    files = {
        renderer.files[page.name]: page_markdown(renderer.page(page, renderer.urls[page.name]), page.title)
        for page in LIBRARY_PAGES
    }
    exports = project.settings.exports
    names = tuple(EXPORTS) if exports is True else tuple(exports or ())
    name = str(config.get("site_name") or "")
    description = str(config.get("site_description") or f"Post-mortems of {name}")
    site = Site(name, project.site_url, description, folder)
    files |= {EXPORTS[export].file: EXPORTS[export].text(library, site) for export in names}
    files[STYLESHEET] = f"/* {MARKER} */\n" + STYLESHEET_SOURCE.read_text(encoding="utf-8")
    return files


def _template_dirs(project: Project, config: dict[str, object]) -> list[Path]:
    """The site's template overrides, as the plugin finds them: the `overrides` folder, then
    `postmortem/` under the theme's `custom_dir`."""
    dirs = [project.root / project.settings.overrides] if project.settings.overrides else []
    theme = config.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(custom_dir, str) and custom_dir:
        dirs.append(project.root / custom_dir / "postmortem")
    return dirs


def stylesheet_linked(project: Project, folder: str) -> bool:
    """Does mkdocs.yml's `extra_css` link the stylesheet written into `folder`?"""
    extra_css = read_config(project.config_file).get("extra_css")
    return isinstance(extra_css, list) and f"{folder}/{STYLESHEET}" in extra_css


@dataclass
class Written:
    """What `write_files` did, by file name."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # written by an earlier run, no longer made (an export left out)


def write_files(folder: Path, files: dict[str, str], display: Callable[[Path], str]) -> Written:
    """Write `files` (name → text) into `folder`, each atomically, and the manifest; remove the files an
    earlier run wrote that are no longer made. Raises `StandaloneError`, having written nothing, when a
    file in the way is not one the command wrote as it is now."""
    listed = read_manifest(folder)
    if listed is None:
        raise StandaloneError(
            f"{display(folder / MANIFEST)} is not the manifest `{GENERATOR}` writes, so nothing was written: "
            "move it, or write the library into another folder with --out"
        )
    owned: dict[str, str] = {}  # name → digest now, of the files an earlier run wrote, unchanged
    refused = []
    for name in dict.fromkeys([*files, *listed]):
        path = folder / name
        blocked = next((p for p in _parents(folder, name) if os.path.lexists(p) and not _real_folder(p)), None)
        if blocked is not None:
            if name in files:
                refused.append(
                    f"{display(blocked)} is in the way of {display(path)} (a folder is needed there), so nothing was written"
                )
            continue
        if not os.path.lexists(path):
            continue
        current = owned_digest(path, listed.get(name, []))
        if current is not None:
            owned[name] = current
        elif name in files:
            refused.append(
                f"{display(path)} exists and was not written by `{GENERATOR}` (or was changed since), so nothing "
                "was written: move or rename it, or write the library into another folder with --out"
            )
    if refused:
        raise StandaloneError(*refused)
    new = {name: digest(text.encode("utf-8")) for name, text in files.items()}
    stale = [name for name in owned if name not in files]
    done = Written()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # While files change, the manifest lists both digests of each, so an interrupted run leaves them the command's.
        during = {name: sorted({new[name], owned.get(name, new[name])}) for name in files}
        _write_manifest(folder, during | {name: [owned[name]] for name in stale})
        for name, text in files.items():
            if owned.get(name) == new[name]:
                done.unchanged.append(name)
                continue
            write_atomic(folder / name, text)
            done.written.append(name)
        for name in stale:
            (folder / name).unlink()
            done.removed.append(name)
            with contextlib.suppress(OSError):  # its folder (`agents/`), when nothing else is left in it
                (folder / name).parent.rmdir() if "/" in name else None
        _write_manifest(folder, {name: [new[name]] for name in files})
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else folder
        raise StandaloneError(f"{display(where)}: cannot write it ({exc.strerror or exc})") from None
    return done


def write_library(project: Project, library: Library, out: Path | None) -> tuple[LibraryFolder, Written]:
    """Write the library's files into `out` (default: the post-mortem folder); see `library_folder` and
    `write_files`."""
    target = library_folder(project, out)
    return target, write_files(target.path, library_files(library, project, target.uri), project.display)


def _parents(folder: Path, name: str) -> list[Path]:
    """The folders of `name` (`agents/index.md` → `folder/agents`) inside `folder`."""
    parts = name.split("/")[:-1]
    return [folder.joinpath(*parts[: depth + 1]) for depth in range(len(parts))]


def _real_folder(path: Path) -> bool:
    """A folder, not a link to one (through which a write would land elsewhere)."""
    return path.is_dir() and not path.is_symlink()


def _write_manifest(folder: Path, files: dict[str, list[str]]) -> None:
    document = {
        "generator": GENERATOR,
        "note": "the files this command wrote here, with their SHA-256: it replaces or removes only these, unchanged",
        "files": files,
    }
    write_atomic(folder / MANIFEST, json.dumps(document, indent=2, sort_keys=True) + "\n")
