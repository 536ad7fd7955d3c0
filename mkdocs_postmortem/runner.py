"""Checking many files in several processes, with the same result as one process."""

from __future__ import annotations

import concurrent.futures
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from .checker import Checked, Checker
from .limits import read_page
from .rules import RULES, RuleSet
from .settings import Settings

PARTS_PER_PROCESS = 16
_worker_checker: Checker | None = None  # a forked process's own checker, made once by `_start_worker`


def check_files(
    settings: Settings,
    base_dir: str,
    files: dict[str, str],
    refused: dict[str, str],
    markdown_extensions: Iterable[object] = (),
    workers: int = 2,
    rules: RuleSet = RULES,
    persist: bool = False,
) -> dict[str, Checked]:
    """Findings (and what the library rules read of each page) for many files (display path → file path), checked by `workers` processes at once:
    this one and `workers - 1` forked ones. `refused` pages (display path → why) are reported unread.

    The files are cut into parts. The forked processes take parts from the front, this one from the
    back (cancelling a part before anyone starts it), so a process slowed by a busy core does less.
    Each part comes back as findings plus what the library rules read of each page; the library
    rules then run here, over the whole library, so the result is the same as one process's.
    """
    names = list(files)
    size = max(1, -(-len(names) // (PARTS_PER_PROCESS * workers)))
    parts = [{name: files[name] for name in names[start : start + size]} for start in range(0, len(names), size)]
    extensions = tuple(markdown_extensions)
    checker = Checker(settings, Path(base_dir), markdown_extensions=extensions, rules=rules, persist=persist)
    pages: dict[str, Checked] = {}
    gc.freeze()  # the collector leaves what exists now alone, so the forked copy stays shared, unwritten
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(
            workers - 1,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), settings, base_dir, extensions, rules, persist),
        ) as pool:
            futures = [pool.submit(_check_part_in_worker, part) for part in parts]
            for future, part in zip(reversed(futures), reversed(parts), strict=True):
                if not future.cancel():
                    break
                pages |= _check_part(checker, part)
            for future in futures:
                if not future.cancelled():
                    pages |= future.result()
    finally:
        gc.unfreeze()
    pages |= checker.check_pages({}, refused)
    return checker.check_library(pages)


def _start_worker(
    parent: int,
    settings: Settings,
    base_dir: str,
    markdown_extensions: tuple[object, ...],
    rules: RuleSet,
    persist: bool,
) -> None:
    global _worker_checker
    exit_with_parent(parent)
    _worker_checker = Checker(
        settings, Path(base_dir), markdown_extensions=markdown_extensions, rules=rules, persist=persist
    )


_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_PARENT_POLL_SECONDS = 0.2


def exit_with_parent(parent: int) -> None:
    """Make this forked worker process end when `parent`, the process that forked it, ends, however it
    ends (a crash, SIGKILL, the OOM killer), instead of waiting forever on pipes that only it still holds.

    On Linux the kernel sends SIGKILL when the parent dies (`prctl(PR_SET_PDEATHSIG)`, through ctypes);
    elsewhere a daemon thread checks every 0.2 s that the parent is still the parent. Called first thing
    in the worker, with the parent's pid taken before the fork: a parent already gone ends it at once.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            asked = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            asked = False
        if asked:
            if os.getppid() != parent:  # the parent died before the signal was asked for
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), name="exit-with-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)


def _check_part_in_worker(files: dict[str, str]) -> dict[str, Checked]:
    if _worker_checker is None:
        raise RuntimeError("a worker process starts with _start_worker")
    return _check_part(_worker_checker, files)


def read_sources(files: dict[str, str]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Read each file (display path → file path) within the size limit (`limits.read_page`: a file over
    it is not read, a named pipe is not waited on): the bytes of those that could be read, and why the
    others could not (for PM001)."""
    sources: dict[str, bytes] = {}
    refused: dict[str, str] = {}
    for display, path in files.items():
        try:
            sources[display] = read_page(path)
        except OSError as exc:
            refused[display] = f"the file cannot be read ({exc.strerror or exc})"
    return sources, refused


def _check_part(checker: Checker, files: dict[str, str]) -> dict[str, Checked]:
    """Read and check each page on its own; keep of each page only what the library rules read (its
    path, front matter and waivers, and the fields the enabled library rules name), so little crosses
    between processes."""
    pages = checker.check_pages(*read_sources(files))
    view = checker.library_view()
    return {display: Checked(checked.postmortem.view(*view), checked.findings) for display, checked in pages.items()}
