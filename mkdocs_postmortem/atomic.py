"""Writing a file whole or not at all: the one helper every file this tool writes goes through
(exports, the library of `write-library`, the state file of `sync`, the copies of other sites' exports)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(path: Path, text: str, make_folder: bool = True) -> None:
    """Write a file so readers see the old content or the new, never a part: a temporary file beside it,
    renamed over it. Mode 0o666 less the umask, like every file MkDocs writes (a `mkstemp` file would
    stay 0600, which a web server running as another user cannot read). Without `make_folder`, a
    missing folder is an error (a file the user named, whose folder may be a typo)."""
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
