"""Benchmark: what the plugin and the CLI cost at library scale.

    python benchmarks/bench.py                 # N = 100, 1,000, 5,000; median of 3 runs
    python benchmarks/bench.py --quick         # N = 20, 50; 1 run: a smoke test, well under a minute
    python benchmarks/bench.py --sizes 1000 --runs 5
    python benchmarks/bench.py --sizes 5000 --runs 9 --only ab   # more rounds of one ratio

For each N it generates N realistic, valid post-mortems (benchmarks/corpus.py) into a temporary site
and times, each in a fresh process and the runs interleaved (a to e, then e to a, and so on):

  a  `mkdocs build` without the plugin, the pages kept out of the navigation (`not_in_nav`)
  b  `mkdocs build` with the plugin and its generated library
  c  the same pages as posts of Material's blog plugin (the peer reference)
  d  `mkdocs-postmortem check` over the library
  e  the floor: one process that reads the files, loads their front matter with libyaml and tokenizes
     their bodies with `pyromark.events_with_range`, nothing else

It prints the median wall time and the peak memory (max RSS) of each; the ratios b/a, c/a and d/e,
each the median of the rounds' own ratios (so drift between rounds cancels), and each round's ratios;
and d(N)/d(N') for consecutive sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

TODAY = dt.date(2026, 11, 26)
THEME = "theme:\n  name: material\n"

FLOOR = textwrap.dedent(
    """
    import collections, pathlib, re, sys
    import pyromark, yaml
    FRONT = re.compile(r"^-{3}[ \\t]*\\n(.*?\\n)(?:\\.{3}|-{3})[ \\t]*\\n", re.DOTALL)
    options = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
    for path in sorted(pathlib.Path(sys.argv[1]).glob("*.md")):
        text = path.read_text(encoding="utf-8-sig")
        match = FRONT.match(text)
        yaml.load(match.group(1), Loader=yaml.CSafeLoader)
        collections.deque(pyromark.events_with_range(text[match.end():], options=options), maxlen=0)
    """
)

# Runs a command and reports its own child's peak memory: one child per wrapper, so it is exact.
MEASURE = textwrap.dedent(
    """
    import resource, subprocess, sys
    code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """
)


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


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds and peak MB of one run of `command` in a fresh process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    code, peak_kb = out.stdout.split()
    if code not in ("0", "1"):
        raise SystemExit(f"{' '.join(command)} failed in {cwd}: exit {code}\n{out.stderr}")
    return elapsed, int(peak_kb) / 1024


Samples = dict[str, list[tuple[float, float]]]


def bench(count: int, runs: int, root: Path, only: str = "abcde") -> Samples:
    """Seconds and peak MB of each run of each measurement. The runs are interleaved (a, b, c, d, e,
    then e to a), so a machine that slows down or speeds up over minutes moves both sides of a round's
    ratios alike, and neither side of a ratio always runs first."""
    variants = {"a": "plain", "b": "plugin", "c": "blog", "d": "plugin", "e": "plugin"}  # d, e: its pages
    for variant in {variants[key] for key in only}:
        site(root, count, variant)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-d"]
    commands = {
        "a": ([*mkdocs, str(root / "out-a")], root / "plain"),
        "b": ([*mkdocs, str(root / "out-b")], root / "plugin"),
        "c": ([*mkdocs, str(root / "out-c")], root / "blog"),
        "d": ([sys.executable, "-m", "mkdocs_postmortem", "check", "--format", "json"], root / "plugin"),
        "e": ([sys.executable, "-c", FLOOR, str(root / "plugin/docs/postmortems")], root),
    }
    samples: Samples = {key: [] for key in commands if key in only}
    for round_number in range(runs):
        order = list(samples) if round_number % 2 == 0 else list(reversed(samples))  # neither side always first
        for key in order:
            samples[key].append(measure(*commands[key]))
    return samples


def ratios(samples: Samples, top: str, bottom: str) -> list[float]:
    """`top`/`bottom` in each round: the two ran minutes apart at most, on the same machine state."""
    return [t / b for (t, _), (b, _) in zip(samples[top], samples[bottom], strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated N values")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--quick", action="store_true", help="N = 20, 50 and one run: a smoke test")
    parser.add_argument("--only", default="abcde", help="the measurements to run, e.g. `ab` for more rounds of b/a")
    args = parser.parse_args()
    if not args.only or set(args.only) - set("abcde"):
        parser.error(f"--only: letters among a, b, c, d and e, not {args.only!r}")
    sizes = [20, 50] if args.quick else [int(size) for size in args.sizes.split(",")]
    runs = 1 if args.quick else args.runs

    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {runs} run(s); ratios: median of the rounds' ratios; peak = max RSS"
    )
    header = f"{'N':>6} | {'a plain':>15} | {'b plugin':>15} | {'c blog':>15} | {'d check':>15} | {'e floor':>15} | {'b/a':>5} | {'c/a':>5} | {'d/e':>5}"
    print(header)
    print("-" * len(header))
    previous: tuple[int, float] | None = None
    growth = []
    rounds = []
    for count in sizes:
        with tempfile.TemporaryDirectory() as folder:
            samples = bench(count, runs, Path(folder), args.only)
        seconds = {key: statistics.median(s for s, _ in values) for key, values in samples.items()}
        cells = " | ".join(
            f"{seconds[k]:6.2f}s {max(m for _, m in samples[k]):5.0f}MB" if k in samples else f"{'-':>15}"
            for k in "abcde"
        )
        ratio = {
            pair: statistics.median(ratios(samples, *pair)) for pair in ("ba", "ca", "de") if set(pair) <= set(samples)
        }
        shown = " | ".join(f"{ratio[pair]:5.3f}" if pair in ratio else f"{'-':>5}" for pair in ("ba", "ca", "de"))
        print(f"{count:>6} | {cells} | {shown}", flush=True)
        for pair in ratio:
            rounds.append(
                f"{pair[0]}/{pair[1]} at N = {count}, round by round: "
                + " ".join(f"{r:.3f}" for r in ratios(samples, *pair))
            )
        if previous and "d" in seconds:
            growth.append(
                f"d({count})/d({previous[0]}) = {seconds['d'] / previous[1]:.2f} for {count / previous[0]:.0f}x the pages"
            )
        previous = (count, seconds["d"]) if "d" in seconds else None
    for line in rounds + growth:
        print(line)


if __name__ == "__main__":
    main()
