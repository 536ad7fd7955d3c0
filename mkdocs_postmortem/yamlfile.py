"""Reading a file of the user's (mkdocs.yml, the people file, the template) with messages that name file
and line; only a regular file is read, so a named pipe or a device named by mistake is refused, not
waited on or read forever."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml


class YamlFileError(ValueError):
    """The file is missing, unreadable, not a regular file or not valid YAML; the message names the file
    (and line)."""


def _kind(mode: int) -> str:
    """What a file that is not a regular one is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_text_file(path: Path) -> str:
    """The text of a regular file (UTF-8, a byte-order mark dropped).

    It is opened without blocking and checked before anything is read: opening a named pipe otherwise
    waits for a writer that never comes, and a device such as /dev/zero never ends.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise YamlFileError(f"{path} does not exist") from None
    except OSError as exc:
        raise YamlFileError(f"cannot read {path} ({exc.strerror or exc})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = _kind(mode)
        raise YamlFileError(f"{path} is {kind}, not a file" if kind.startswith("a ") else f"{path} is {kind}")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read()
        except OSError as exc:
            raise YamlFileError(f"cannot read {path} ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlFileError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from None


def load_yaml_file(path: Path, loader: type = yaml.SafeLoader) -> Any:
    text = read_text_file(path)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 — only SafeLoader and its subclasses
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise YamlFileError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
