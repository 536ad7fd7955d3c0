"""Which files of a folder `mkdocs-postmortem write-library` wrote: its manifest.

The command lists every file it writes, with the SHA-256 of its bytes, in a hidden file of the folder
(`MANIFEST`; MkDocs and Zensical leave dotfiles out of the site). A file counts as the command's only
while the manifest lists it and its bytes still hash to a listed value: a file someone wrote or changed
is never the command's, so it is never overwritten or removed, and `check` reads it as it reads any file.
Kept apart from the renderer, so `check` learns which files to pass over without importing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

MANIFEST = ".postmortem-library.json"
GENERATOR = "mkdocs-postmortem write-library"  # the manifest's "generator": a file without it is not ours
MANIFEST_LIMIT = 1_000_000  # bytes: a larger manifest is not ours, and is not read


def digest(data: bytes) -> str:
    """The SHA-256 of `data`, as the manifest records it."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path) -> dict[str, list[str]] | None:
    """The files the manifest of `folder` lists (a path in the folder → the digests it may have): empty when
    there is none, None when a file of its name is not one the command wrote (then no file is ours)."""
    path = folder / MANIFEST
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return {}
    except OSError:
        return None
    try:
        if not stat.S_ISREG(info.st_mode) or info.st_size > MANIFEST_LIMIT:
            return None
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) and data.get("generator") == GENERATOR else None
    if not isinstance(files, dict):
        return None
    return {
        name: [d for d in digests if isinstance(d, str)]
        for name, digests in files.items()
        if isinstance(name, str) and _plain_name(name) and isinstance(digests, list)
    }


def _plain_name(name: str) -> bool:
    """A path inside the folder (`agents/index.md`): forward slashes between names, none of them empty
    or hidden (so no `..`)."""
    return "\\" not in name and "\0" not in name and all(part and not part.startswith(".") for part in name.split("/"))


def owned_digest(path: Path, digests: list[str]) -> str | None:
    """The digest of `path` when it is a regular file (not a link) whose bytes hash to one of `digests`,
    else None: a file the command may overwrite or remove."""
    try:
        if not digests or not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        found = digest(path.read_bytes())
    except OSError:
        return None
    return found if found in digests else None


def written_files(folder: Path) -> frozenset[str]:
    """The files of `folder` that `write-library` wrote and nobody changed since, as absolute paths
    (`os.path.abspath`): its library pages and exports, which are not post-mortems."""
    return frozenset(
        os.path.abspath(folder / name)
        for name, digests in (read_manifest(folder) or {}).items()
        if owned_digest(folder / name, digests) is not None
    )
