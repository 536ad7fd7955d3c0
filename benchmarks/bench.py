"""Benchmark: what the plugin and the CLI cost at library scale, in CPU seconds first.

    python benchmarks/bench.py                  # N = 100, 1,000, 5,000; median of 3 rounds
    python benchmarks/bench.py --quick          # N = 20, 50; 1 round: a smoke test, under a minute
    python benchmarks/bench.py --sizes 1000 --runs 5 --pin    # every command on one core
    python benchmarks/bench.py --sizes 1000 --only ab         # more rounds of one ratio
    python benchmarks/bench.py --monorepo 20x250              # 20 teams of 250 in one monorepo build

For each N it generates N realistic, valid post-mortems (benchmarks/corpus.py) into temporary sites
and runs, each in a fresh process, the rounds interleaved (a to h, then h to a, …):

  a  `mkdocs build` without the plugin, the pages kept out of the navigation (`not_in_nav`)
  b  `mkdocs build` with the plugin, its persistent cache emptied first (cold)
  w  the same build again, the cache kept (warm: nothing changed since the last build)
  c  the same pages as posts of Material's blog plugin (the peer reference)
  d  `mkdocs-postmortem check` over the library, cache emptied (cold)
  k  the same check again (warm)
  e  the floor: one process that reads the files, loads their front matter with libyaml and tokenizes
     their bodies with `pyromark.events_with_range`, nothing else
  o  `mkdocs-postmortem check` of one file, against f, the floor process on that one file (wall time,
     median of 15 runs each: what a pre-commit hook feels)

CPU is user + system seconds of the command and every process it started (`RUSAGE_CHILDREN`): it
varies far less between runs than wall time on a shared machine, and it counts the work a second core
hides. `--pin` runs every command on one core (`sched_setaffinity`), as a busy one-core runner would.
Ratios are the median of each round's own ratio, so drift between rounds cancels.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

TODAY = dt.date(2026, 11, 26)
THEME = "theme:\n  name: material\n"
ONE_FILE_RUNS = 15

FLOOR = textwrap.dedent(
    """
    import collections, pathlib, re, sys
    import pyromark, yaml
    FRONT = re.compile(r"^-{3}[ \\t]*\\n(.*?\\n)(?:\\.{3}|-{3})[ \\t]*\\n", re.DOTALL)
    options = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
    target = pathlib.Path(sys.argv[1])
    for path in sorted(target.glob("*.md")) if target.is_dir() else [target]:
        text = path.read_text(encoding="utf-8-sig")
        match = FRONT.match(text)
        yaml.load(match.group(1), Loader=yaml.CSafeLoader)
        collections.deque(pyromark.events_with_range(text[match.end():], options=options), maxlen=0)
    """
)

# Runs a command (on one core with PIN=1) and reports its CPU, wall time and peak memory, children included.
MEASURE = textwrap.dedent(
    """
    import os, resource, subprocess, sys, time
    if os.environ.get("BENCH_PIN") == "1":
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    start = time.perf_counter()
    code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(code, usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss)
    """
)


@dataclass(frozen=True)
class Run:
    cpu: float  # seconds, user + system, the command and its children
    wall: float  # seconds
    peak: float  # MB, the largest process


def site(root: Path, count: int, variant: str) -> Path:
    """A site of `count` post-mortems: `plain`, `plugin` or `blog`."""
    docs = root / variant / "docs"
    folder = docs / ("blog/posts" if variant == "blog" else "postmortems")
    write_corpus(folder, count, TODAY)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    # Every variant keeps MkDocs' default search plugin, so only the plugin under test differs.
    config = f"site_name: Bench\n{THEME}plugins:\n  - search\n"
    if variant == "plain":
        config += "not_in_nav: |\n  /postmortems/\n"
    elif variant == "plugin":
        config += f"  - postmortem:\n      today: {TODAY.isoformat()}\n"
    else:
        (docs / "blog/index.md").write_text("# Blog\n", encoding="utf-8")
        config += "  - blog\n"
    (root / variant / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root / variant


def monorepo(root: Path, teams: int, each: int, plugin: bool) -> Path:
    """An organisation's site of `teams` teams with `each` post-mortems, under mkdocs-monorepo-plugin."""
    folder = root / ("mono-plugin" if plugin else "mono-plain")
    (folder / "docs").mkdir(parents=True)
    (folder / "docs/index.md").write_text("# Organisation\n", encoding="utf-8")
    nav = ["  - Home: index.md"]
    for team in range(teams):
        name = f"team-{team:02d}"
        write_corpus(folder / name / "docs/postmortems", each, TODAY, seed=team)
        (folder / name / "docs/index.md").write_text(f"# {name}\n", encoding="utf-8")
        (folder / name / "mkdocs.yml").write_text(f"site_name: {name}\nnav:\n  - Home: index.md\n", encoding="utf-8")
        nav.append(f"  - {name}: '!include ./{name}/mkdocs.yml'")
    config = f"site_name: Bench\n{THEME}nav:\n" + "\n".join(nav) + "\nplugins:\n  - search\n  - monorepo\n"
    if plugin:
        config += f"  - postmortem:\n      dir: '*/postmortems'\n      today: {TODAY.isoformat()}\n"
    else:
        config += "not_in_nav: |\n  /*/postmortems/\nvalidation:\n  nav:\n    omitted_files: info\n"
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder


def measure(command: list[str], cwd: Path, pin: bool) -> Run:
    """One run of `command` in a fresh process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BENCH_PIN": "1" if pin else "0"}
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd, env=env, capture_output=True, text=True)
    code, cpu, wall, peak_kb = out.stdout.split()
    if code not in ("0", "1"):
        raise SystemExit(f"{' '.join(command)} failed in {cwd}: exit {code}\n{out.stderr}")
    return Run(float(cpu), float(wall), int(peak_kb) / 1024)


Samples = dict[str, list[Run]]


def bench(count: int, runs: int, root: Path, only: str, pin: bool) -> Samples:
    """Every run of every measurement, interleaved round by round (a … h, then h … a), so a machine that
    slows down over minutes moves both sides of a round's ratios alike."""
    variants = {"a": "plain", "b": "plugin", "w": "plugin", "c": "blog", "d": "plugin", "k": "plugin", "e": "plugin"}
    for variant in {variants[key] for key in only if key in variants}:
        site(root, count, variant)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-d"]
    check = [sys.executable, "-m", "mkdocs_postmortem", "check", "--format", "json"]
    plugin = root / "plugin"
    commands = {
        "a": ([*mkdocs, str(root / "out-a")], root / "plain"),
        "b": ([*mkdocs, str(root / "out-b")], plugin),
        "w": ([*mkdocs, str(root / "out-b")], plugin),
        "c": ([*mkdocs, str(root / "out-c")], root / "blog"),
        "d": (check, plugin),
        "k": (check, plugin),
        "e": ([sys.executable, "-c", FLOOR, str(plugin / "docs/postmortems")], root),
    }
    cache = plugin / ".cache"
    samples: Samples = {key: [] for key in commands if key in only}
    for round_number in range(runs):
        order = list(samples) if round_number % 2 == 0 else list(reversed(samples))
        for key in order:
            if key in "bd":
                shutil.rmtree(cache, ignore_errors=True)  # cold: nothing kept from an earlier run
            elif key in "wk":
                measure(*commands[key], pin)  # warm it: the run measured next finds this one's results
            samples[key].append(measure(*commands[key], pin))
    return samples


def one_file(root: Path, pin: bool) -> tuple[float, float]:
    """Median wall seconds of `check` of one file and of the floor process on it (warm cache for check)."""
    plugin = root / "plugin"
    page = sorted((plugin / "docs/postmortems").glob("*.md"))[0]
    check = [sys.executable, "-m", "mkdocs_postmortem", "check", str(page.relative_to(plugin))]
    floor = [sys.executable, "-c", FLOOR, str(page)]
    measure(check, plugin, pin)
    checks, floors = [], []
    for _ in range(ONE_FILE_RUNS):
        checks.append(measure(check, plugin, pin).wall)
        floors.append(measure(floor, root, pin).wall)
    return statistics.median(checks), statistics.median(floors)


def ratio(samples: Samples, top: str, bottom: str, field: str = "cpu") -> float:
    """The median of the rounds' ratios of `top` to `bottom`."""
    return statistics.median(
        getattr(t, field) / getattr(b, field) for t, b in zip(samples[top], samples[bottom], strict=True)
    )


def median(samples: Samples, key: str, field: str) -> float:
    return statistics.median(getattr(run, field) for run in samples[key])


PAIRS = (("b", "a"), ("w", "a"), ("c", "a"), ("d", "e"), ("k", "e"))


def report(count: int, samples: Samples) -> list[str]:
    """The rows of one size: CPU and wall of each measurement, then the ratios."""
    cells = " | ".join(
        f"{median(samples, k, 'cpu'):6.2f} {median(samples, k, 'wall'):6.2f}" if k in samples else f"{'-':>13}"
        for k in "abwcdke"
    )
    shown = " | ".join(
        f"{ratio(samples, t, b):5.3f} {ratio(samples, t, b, 'wall'):5.3f}" if {t, b} <= set(samples) else f"{'-':>11}"
        for t, b in PAIRS
    )
    lines = [f"{count:>6} | {cells} | {shown}"]
    peaks = ", ".join(f"{k} {max(run.peak for run in samples[k]):.0f} MB" for k in "abwcdke" if k in samples)
    lines.append(f"         peak memory: {peaks}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated N values")
    parser.add_argument("--runs", type=int, default=3, help="rounds per size (median)")
    parser.add_argument("--quick", action="store_true", help="N = 20, 50 and one round: a smoke test")
    parser.add_argument("--only", default="abwcdke", help="the measurements to run, e.g. `ab` for more rounds of b/a")
    parser.add_argument("--pin", action="store_true", help="run every command on one core")
    parser.add_argument("--one-file", action="store_true", help="also time `check` of one file against the floor")
    parser.add_argument("--monorepo", metavar="TEAMSxEACH", help="also a monorepo build, e.g. 20x250")
    args = parser.parse_args()
    if not args.only or set(args.only) - set("abwcdke"):
        parser.error(f"--only: letters among a, b, w, c, d, k and e, not {args.only!r}")
    sizes = [20, 50] if args.quick else [int(size) for size in args.sizes.split(",")]
    runs = 1 if args.quick else args.runs

    print(
        f"machine: {os.cpu_count()} cores{' (each command pinned to one)' if args.pin else ''}, Python "
        f"{sys.version.split()[0]}; median of {runs} round(s); each cell: CPU s, wall s; ratios: CPU, wall"
    )
    header = (
        f"{'N':>6} | "
        + " | ".join(
            f"{name:>13}" for name in ("a plain", "b cold", "w warm", "c blog", "d check", "k check w", "e floor")
        )
        + " | "
        + " | ".join(f"{t + '/' + b:>11}" for t, b in PAIRS)
    )
    print(header)
    print("-" * len(header))
    details = []
    previous: tuple[int, float] | None = None  # (N, check's CPU) of the size before: how check grows
    for count in sizes:
        with tempfile.TemporaryDirectory() as folder:
            samples = bench(count, runs, Path(folder), args.only, args.pin)
            print("\n".join(report(count, samples)), flush=True)
            for t, b in PAIRS:
                if {t, b} <= set(samples):
                    each = " ".join(f"{x.cpu / y.cpu:.3f}" for x, y in zip(samples[t], samples[b], strict=True))
                    details.append(f"{t}/{b} CPU at N = {count}, round by round: {each}")
            if "d" in samples:
                cpu = median(samples, "d", "cpu")
                if previous is not None:
                    details.append(
                        f"d({count})/d({previous[0]}) = {cpu / previous[1]:.2f} CPU for {count / previous[0]:.0f}x the pages"
                    )
                previous = (count, cpu)
            if args.one_file and set(samples) & set("bwdke"):
                check, floor = one_file(Path(folder), args.pin)
                details.append(
                    f"check of one file at N = {count}: {check:.3f} s wall against the floor's {floor:.3f} s "
                    f"({check / floor:.2f}x; median of {ONE_FILE_RUNS})"
                )
    if args.monorepo:
        teams, each = (int(part) for part in args.monorepo.lower().split("x"))
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            plain, plugin = monorepo(root, teams, each, False), monorepo(root, teams, each, True)
            mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-d"]
            plain_run = measure([*mkdocs, str(root / "out-a")], plain, args.pin)
            cold = measure([*mkdocs, str(root / "out-b")], plugin, args.pin)
            warm = measure([*mkdocs, str(root / "out-b")], plugin, args.pin)
            details.append(
                f"monorepo, {teams} teams x {each}: plain {plain_run.cpu:.2f} s CPU ({plain_run.wall:.2f} s wall), "
                f"plugin cold {cold.cpu:.2f} s ({cold.wall:.2f} s; {cold.cpu / plain_run.cpu:.3f}x CPU), "
                f"warm {warm.cpu:.2f} s ({warm.wall:.2f} s; {warm.cpu / plain_run.cpu:.3f}x CPU)"
            )
    for line in details:
        print(line)


if __name__ == "__main__":
    main()
