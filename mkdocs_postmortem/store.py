"""The persistent cache: what a build or `check` worked out, kept on disk for the next one.

Like Material's `.cache/plugin/…` and ruff's cache, it lives beside `mkdocs.yml`, in
`.cache/mkdocs-postmortem/` (the `cache_dir` option moves it, `cache_dir: false` turns it off). Two
kinds of entry:

- a page: its parse and the findings of the page rules, keyed by its path and content;
- a library: the generated pages, cards and exports of a whole build, keyed by every page's key and
  everything else the build's output depends on.

Every key also holds the tool's own code (a hash of its source files, so an upgrade or an edit of it
never reads an old entry) and a fingerprint of everything the rules read besides the page: the
settings, "today", the template, the people file, the holiday calendar, the Markdown extensions, the
ticket states. A result is only ever reused for exactly the input that produced it, so the cache
cannot change a result.

Entries are pickles, each signed with a key kept outside the project (in the user's cache folder), so
an entry that is corrupt, truncated, from another machine or committed by someone else is never
loaded: it is ignored and written anew. Each entry is written to a temporary file and renamed, so two
builds at once never see half an entry.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import hmac
import json
import os
import pickle
import secrets
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import pydantic

PACKAGE = Path(__file__).parent
DEFAULT_DIR = Path(".cache") / "mkdocs-postmortem"
_MAC = hashlib.sha256().digest_size
_CHUNK = 1 << 20  # bytes read at a time to check an entry's signature


class Store:
    """A folder of signed entries; `hits` and `misses` count what this process found."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.hits = 0
        self.misses = 0
        self._key = _signing_key()

    def key(self, *parts: str | bytes) -> str:
        """The name of an entry for these parts, with the tool's code and the fingerprint."""
        digest = hashlib.blake2b(digest_size=20)
        for part in (code_hash(), self.fingerprint, *parts):
            digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    def get(self, kind: str, key: str) -> Any | None:
        """The entry, or None when there is none or it is not one this machine wrote whole. The file is
        read twice, in chunks (its signature checked, then unpickled), never held whole in memory."""
        try:
            with (self.folder / kind / key[:2] / key).open("rb") as stream:
                mac = stream.read(_MAC)
                signature = hmac.new(self._key, digestmod="sha256")
                while chunk := stream.read(_CHUNK):
                    signature.update(chunk)
                if len(mac) < _MAC or not hmac.compare_digest(mac, signature.digest()):
                    self.misses += 1
                    return None
                stream.seek(_MAC)
                value = pickle.load(stream)  # noqa: S301 — signed by this machine's key: only what we wrote
        except Exception:  # noqa: BLE001 — no entry, or one of an older layout that no longer loads: a miss
            self.misses += 1
            return None
        self.hits += 1
        return value

    def has(self, kind: str, key: str) -> bool:
        """Whether an entry by that name exists (not whether it will load)."""
        return (self.folder / kind / key[:2] / key).is_file()

    def put(self, kind: str, key: str, value: object) -> None:
        """Write an entry whole (a temporary file renamed), streamed: its signature first, computed as
        the pickle is written. A folder that cannot be written is no error."""
        folder = self.folder / kind / key[:2]
        temporary = folder / f".{key}.{secrets.token_hex(6)}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as stream:
                stream.write(bytes(_MAC))  # the signature's place, filled in once the pickle is written
                signed = _Signed(stream, hmac.new(self._key, digestmod="sha256"))
                pickle.dump(value, signed, pickle.HIGHEST_PROTOCOL)
                stream.seek(0)
                stream.write(signed.signature.digest())
            os.replace(temporary, folder / key)
        except OSError:
            temporary.unlink(missing_ok=True)


class _Signed:
    """A file object for `pickle.dump` that signs what it writes on its way to `stream`."""

    def __init__(self, stream: BinaryIO, signature: hmac.HMAC) -> None:
        self.stream = stream
        self.signature = signature

    def write(self, data: bytes) -> int:
        self.signature.update(data)
        return self.stream.write(data)


def fingerprint(*values: object) -> str:
    """A stable text of these values (settings, context): the same for the same values in any process."""
    return hashlib.blake2b(json.dumps(_plain(values), sort_keys=True, default=str).encode(), digest_size=20).hexdigest()


def _plain(value: object) -> object:
    """A value as JSON can hold it, with sets sorted (their order varies between processes)."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_plain(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return repr(value)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def files_hash(paths: Iterable[Path]) -> str:
    """A hash of these files' names and contents (a site's template overrides); missing ones count as such."""
    digest = hashlib.blake2b(digest_size=20)
    for path in sorted(paths):
        digest.update(str(path).encode("utf-8", "surrogatepass"))
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_hash() -> str:
    """The tool's own code and data files: a new version, or an edit of it, starts every key afresh."""
    return files_hash(
        path for path in PACKAGE.rglob("*") if path.suffix in (".py", ".yml", ".md", ".html", ".css") and path.is_file()
    )


def _signing_key() -> bytes:
    """This machine's key for the entries: made once, kept in the user's cache folder (not the project's,
    so an entry committed to a repository, or copied from elsewhere, is never trusted)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / "mkdocs-postmortem" / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.parent / f".cache-key.{secrets.token_hex(6)}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(key)
        try:
            os.link(temporary, path)  # the first writer wins: two builds at once agree on one key
        except FileExistsError:
            key = path.read_bytes()
        finally:
            temporary.unlink(missing_ok=True)
    except OSError:
        pass  # no writable cache folder: a key for this process only (its entries help no other process)
    return key
