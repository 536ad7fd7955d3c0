"""Checking many files in several processes, with the same result as one process."""

from __future__ import annotations

import concurrent.futures
import gc
import multiprocessing
from collections.abc import Iterable
from pathlib import Path

from .checker import Checked, Checker
from .model import Finding
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
) -> dict[str, list[Finding]]:
    """Findings for many files (display path → file path), checked by `workers` processes at once:
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
    checker = Checker(settings, Path(base_dir), markdown_extensions=extensions, rules=rules)
    pages: dict[str, Checked] = {}
    gc.freeze()  # the collector leaves what exists now alone, so the forked copy stays shared, unwritten
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(
            workers - 1, mp_context=context, initializer=_start_worker, initargs=(settings, base_dir, extensions, rules)
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
    return {display: checked.findings for display, checked in checker.check_library(pages).items()}


def _start_worker(settings: Settings, base_dir: str, markdown_extensions: tuple[object, ...], rules: RuleSet) -> None:
    global _worker_checker
    _worker_checker = Checker(settings, Path(base_dir), markdown_extensions=markdown_extensions, rules=rules)


def _check_part_in_worker(files: dict[str, str]) -> dict[str, Checked]:
    if _worker_checker is None:
        raise RuntimeError("a worker process starts with _start_worker")
    return _check_part(_worker_checker, files)


def read_sources(files: dict[str, str]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Read each file (display path → file path): the bytes of those that could be read, and why
    the others could not (for PM001)."""
    sources: dict[str, bytes] = {}
    refused: dict[str, str] = {}
    for display, path in files.items():
        try:
            sources[display] = Path(path).read_bytes()
        except OSError as exc:
            refused[display] = f"the file cannot be read ({exc.strerror})"
    return sources, refused


def _check_part(checker: Checker, files: dict[str, str]) -> dict[str, Checked]:
    """Read and check each page on its own; keep of each page only what the library rules read (its
    path, front matter and waivers, and the fields the enabled library rules name), so little crosses
    between processes."""
    pages = checker.check_pages(*read_sources(files))
    view = checker.library_view()
    return {display: Checked(checked.postmortem.view(*view), checked.findings) for display, checked in pages.items()}
