"""Hostile sites built with a real `mkdocs build`: wall time, CPU time and peak memory against bounds.

    python benchmarks/hostile.py              # every case at full size (a few minutes)
    python benchmarks/hostile.py --small      # smaller cases: the run CI makes, well under a minute
    python benchmarks/hostile.py --plain      # also MkDocs without the plugin on the same pages
    python benchmarks/hostile.py --only quotes-2000,brackets-45000

Each case is a site with one valid post-mortem and one hostile file in `docs/postmortems/` (or, for
the last two, a library of generated post-mortems):

  actions-N      an action-items table of N rows (1.5 MB at 50,000)
  quotes-N       block quotes nested N deep, written without spaces (`>>>>…`)
  brackets-N     one line of N `[`
  tags-N         N HTML tags that are never closed (`<a <a <a …`)
  headings-N     N headings with no blank line between them
  sparse-SIZE    a sparse file of SIZE (1 GB: no disk used, but a reader that reads it all pays)
  fifo           a named pipe called `pipe.md` (a reader waits for a writer forever)
  loop           a link to the parent folder (`up -> ..`), which repeats the docs forever
  orphan-build   `mkdocs build` of a library killed with SIGKILL while its worker process is busy:
                 the seconds until no process it started is left
  orphan-check   the same for `mkdocs-postmortem check` (its parallel runner)

The full run adds `edge-*` cases: pages just within the limits (a 5,000-row table, 1,990 headings
with no blank line between them, 2,500 `[` on a line, …), which the build must render, in bounded time.

Every build of a hostile site must fail with the finding named in its case, within its bounds: the
wall time and the CPU seconds of the process and its children (the library's worker included), and
the peak memory (max RSS) of the largest of them. A case over a bound, or with another outcome, is
reported as FAIL and the script exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

REPO = Path(__file__).resolve().parent.parent
VALID = (REPO / "tests/fixtures/valid.md").read_text(encoding="utf-8")
HOSTILE = VALID.replace("agent: support-triage-bot", "agent: hostile-bot")  # not the same incident as VALID
TODAY = dt.date(2026, 9, 20)

# Runs a command, then prints its exit code, the peak RSS (KB) of the largest process of its tree and
# the CPU seconds of the whole tree (children that were waited for count into their parent's).
MEASURE = textwrap.dedent(
    """
    import resource, subprocess, sys
    try:
        with open(sys.argv[1], "w") as errors:
            code = subprocess.run(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=errors, timeout=float(sys.argv[2])).returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(code, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
    """
)


@dataclass(frozen=True)
class Bounds:
    wall: float  # seconds
    cpu: float  # seconds, the process and its children
    memory: float  # MB, the largest process


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]  # writes the hostile file(s) into docs/postmortems/
    expect: str  # what the build's output must say (an edge case: nothing)
    bounds: Bounds
    refused: bool = True  # False: a page just within the limits, which the build must render


def _insert(marker: str, added: str) -> str:
    """The hostile page: a valid post-mortem with `added` put before `marker`."""
    assert marker in HOSTILE
    return HOSTILE.replace(marker, added + marker, 1)


def actions(rows: int) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        """`rows` action items in all: the page's three and more, in short rows (50,000 make 1.8 MB)."""
        more = "".join(f"|{n}|Fix {n}|P|Al|2026-12-01|Open|\n" for n in range(4, rows + 1))
        (folder / "actions.md").write_text(_insert("\n## 8. Communications", more), encoding="utf-8")

    return make


def quotes(depth: int) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        """Quotes one level deeper on each line, written without spaces, up to `depth` (1,990: 2.0 MB)."""
        stairs = "".join(">" * level + "\n" for level in range(1, depth + 1))
        (folder / "quotes.md").write_text(_insert("## 5. What went wrong", stairs + "\n"), encoding="utf-8")

    return make


def brackets(count: int) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / "brackets.md").write_text(_insert("## 5. What went wrong", "[" * count + "\n\n"), encoding="utf-8")

    return make


def tags(count: int) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        """`count` HTML tags that no `>` closes (5,000 to a line), then 2,000 short paragraphs."""
        lines = "".join("<a " * min(5_000, count - done) + "\n\n" for done in range(0, count, 5_000))
        text = _insert("## 5. What went wrong", lines + "Words and more words.\n\n" * 2_000)
        (folder / "tags.md").write_text(text, encoding="utf-8")

    return make


def headings(count: int) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        text = _insert("## 5. What went wrong", "### Note\n" * count + "\n")
        (folder / "headings.md").write_text(text, encoding="utf-8")

    return make


def edge(body: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / "edge.md").write_text(_insert("## 5. What went wrong", body + "\n"), encoding="utf-8")

    return make


# Pages just within the limits, which the build renders: what the limits still let Python-Markdown cost.
EDGES = {
    "edge-table-5000": "|a|b|\n|-|-|\n" + "|x [a](b) `c`|y|\n" * 5_000,
    "edge-headings-1990": "### Note\n" * 1_990,
    "edge-brackets-2500": "[" * 2_500 + "\n",
    "edge-tags-160": "<a " * 160 + "\n\n" + "Words and more words.\n\n" * 1_000,
    "edge-emphasis-18800": ("*a* " * 200 + "\n\n") * 47,
    "edge-quotes-19000": "> > > x\n\n" * 6_300,
    "edge-stairs-99": "".join(">" * level + " x\n" for level in range(1, 100)),
    "edge-paragraphs-9900": "Words.\n\n" * 9_900,
}


def sparse(size: int) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        with (folder / "sparse.md").open("wb") as handle:
            handle.write(HOSTILE.encode("utf-8"))
            handle.truncate(size)

    return make


def fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.md")


def loop(folder: Path) -> None:
    (folder / "up").symlink_to("..", target_is_directory=True)


def cases(small: bool) -> list[Case]:
    """The cases; `small` for CI: the same kinds of input, smaller where the size only scales the cost."""
    page = Bounds(wall=6, cpu=8, memory=150)  # a build of two small pages takes about 1 s and 60 MB
    found: list[Case] = []
    for rows in (12_500,) if small else (12_500, 25_000, 50_000):
        found.append(Case(f"actions-{rows}", actions(rows), "over the 5,000 limit", page))
    found.append(Case("quotes-1990", quotes(1_990), "nested more than 100 levels deep", page))
    found.append(Case("brackets-10000", brackets(10_000), "the first with no `]` soon after", page))
    if not small:  # more `[` than the markup limit: refused for that before they are looked at
        found.append(Case("brackets-45000", brackets(45_000), "of them `[`", page))
    count = 5_000 if small else 15_000
    found.append(Case(f"tags-{count}", tags(count), "`<` that start an HTML tag, the first", page))
    found.append(Case("headings-20000", headings(20_000), "no blank line between them", page))
    size = 256 if small else 1024
    found.append(Case(f"sparse-{size}MB", sparse(size * 2**20), "over the 2.0 MB limit", page))
    if hasattr(os, "mkfifo"):
        found.append(Case("fifo", fifo, "named pipe", page))
    found.append(Case("loop", loop, "docs/postmortems/up:1: PM001", page))
    if not small:
        within = Bounds(wall=10, cpu=12, memory=200)
        found += [Case(name, edge(body), "", within, refused=False) for name, body in EDGES.items()]
    return found


def write_site(root: Path, make: Callable[[Path], None] | None, plugin: bool = True, pages: int = 0) -> Path:
    folder = root / "docs/postmortems"
    folder.mkdir(parents=True)
    (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    if pages:
        write_corpus(folder, pages, TODAY)
    else:
        (folder / "valid.md").write_text(VALID, encoding="utf-8")
    if make is not None:
        make(folder)
    config = "site_name: Hostile\ntheme:\n  name: mkdocs\n"
    config += f"plugins:\n  - postmortem:\n      today: {TODAY.isoformat()}\n" if plugin else "plugins: []\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def measure(command: list[str], cwd: Path, timeout: float) -> tuple[str, float, float, float, str]:
    """(exit code or "timeout", wall seconds, CPU seconds, peak MB, standard error) of one run."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    errors = cwd / "stderr.txt"
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(errors), str(timeout), *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    code, peak_kb, cpu = out.stdout.split()
    return code, wall, float(cpu), int(peak_kb) / 1024, errors.read_text(encoding="utf-8", errors="replace")


def run_case(case: Case, root: Path, plain: bool, timeout: float | None = None) -> tuple[bool, str]:
    site = write_site(root / case.name, case.make)
    timeout = timeout or max(3 * case.bounds.wall, 30)
    code, wall, cpu, memory, errors = measure([sys.executable, "-m", "mkdocs", "build", "-q"], site, timeout)
    b = case.bounds
    problems = []
    if case.refused and code != "1":
        problems.append(f"exit {code}, not 1")
    if case.refused and case.expect not in errors:
        problems.append(f"no {case.expect!r} in its output")
    if not case.refused and (code != "0" or "PM001" in errors):
        problems.append(f"exit {code}, not 0" if code != "0" else "refused (PM001)")
    if "Traceback" in errors:
        problems.append("a traceback")
    problems += [
        f"{label} {value:.1f} over {bound:g}"
        for label, value, bound in (("wall", wall, b.wall), ("cpu", cpu, b.cpu), ("memory", memory, b.memory))
        if value > bound
    ]
    line = f"{case.name:20} {wall:7.2f} s {cpu:7.2f} s {memory:7.0f} MB   (bounds {b.wall:g} s, {b.cpu:g} s, {b.memory:g} MB)"
    if plain and case.name.split("-")[0] not in ("fifo", "loop", "sparse", "edge"):
        bare = write_site(root / f"{case.name}-plain", case.make, plugin=False)
        p_code, p_wall, p_cpu, p_memory, _ = measure([sys.executable, "-m", "mkdocs", "build", "-q"], bare, timeout)
        line += f"   plain MkDocs: {p_wall:.2f} s, {p_cpu:.2f} s, {p_memory:.0f} MB (exit {p_code})"
    return not problems, line + ("   FAIL: " + "; ".join(problems) if problems else "   ok")


# --- processes left behind ----------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (read from /proc: no psutil)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _stat(int(entry))
        if stat is not None and stat[1] == pid and stat[0] != "Z":
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    """Is `pid` a process that has not exited (a zombie has)?"""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def orphan(command: list[str], cwd: Path, settle: float = 0.3, wait: float = 10.0) -> tuple[float | None, list[int]]:
    """Start `command`, kill it with SIGKILL once it has a child process (plus `settle` seconds, so the
    child is at work), and return the seconds until none of its children is left (None: some were still
    there after `wait` seconds; they are killed then) and the children seen."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while not seen and process.poll() is None and time.monotonic() < deadline:
        seen = children(process.pid)
        time.sleep(0.01)
    time.sleep(settle)
    seen = sorted(set(seen) | set(children(process.pid)))
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed = time.monotonic()
    while any(alive(pid) for pid in seen) and time.monotonic() - killed < wait:
        time.sleep(0.02)
    left = [pid for pid in seen if alive(pid)]
    for pid in left:  # leave nothing behind, even when the code under test does
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return (None if left else time.monotonic() - killed), seen


def run_orphans(root: Path, small: bool) -> list[tuple[bool, str]]:
    if not Path("/proc/self/stat").exists():
        return [(True, "orphan-*          skipped: no /proc on this system")]
    pages = 600 if small else 1500
    site = write_site(root / "orphans", None, pages=pages)
    results = []
    for name, command in (
        ("orphan-build", [sys.executable, "-m", "mkdocs", "build", "-q"]),
        ("orphan-check", [sys.executable, "-m", "mkdocs_postmortem", "check"]),
    ):
        gone, seen = orphan(command, site)
        if not seen:
            results.append((False, f"{name:20} FAIL: the command started no child process to watch"))
        elif gone is None:
            results.append((False, f"{name:20} FAIL: {len(seen)} child process(es) still alive 10 s after SIGKILL"))
        else:
            results.append(
                (gone <= 5, f"{name:20} {gone:7.2f} s until its {len(seen)} child process(es) exited (bound 5 s)")
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="the smaller cases CI runs")
    parser.add_argument("--plain", action="store_true", help="also time MkDocs without the plugin on each page")
    parser.add_argument(
        "--timeout", type=float, help="seconds a build may run before it is stopped (default: 3 × its wall bound)"
    )
    parser.add_argument("--only", default="", help="comma-separated case names (orphan-build, orphan-check: both)")
    args = parser.parse_args()
    wanted = {name for name in args.only.split(",") if name}
    print(f"{'case':20} {'wall':>9} {'cpu':>9} {'memory':>10}")
    results = []
    with tempfile.TemporaryDirectory(prefix="pm-hostile-") as tmp:
        root = Path(tmp)
        for case in cases(args.small):
            if wanted and case.name not in wanted:
                continue
            ok, line = run_case(case, root, args.plain, args.timeout)
            print(line, flush=True)
            results.append(ok)
        if not wanted or wanted & {"orphan-build", "orphan-check"}:
            for ok, line in run_orphans(root, args.small):
                print(line, flush=True)
                results.append(ok)
    failed = results.count(False)
    print(f"{len(results) - failed} of {len(results)} cases within their bounds")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
