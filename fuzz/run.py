"""Fuzz the checker for a bounded time, with or without atheris: what CI runs.

    python fuzz/run.py SECONDS [--corpus DIR] [--artifacts DIR] [--seed N] [--runs N] [--without-atheris]
    python fuzz/run.py --replay crash-…

The target is `harness.test_one_input`: one page checked, then the library and exports built from it.
Both ways start from the seeds (`fuzz/seeds`), the empty page and pages at every size limit of
`limits.py` and one step past it (`harness.limit_seeds`: 5,000 table rows, 2 MB, a 50,000-character
line, 100 levels of nesting, 64 KB of front matter).

With atheris installed (`pip install -e '.[fuzz]'`) libFuzzer runs the coverage-guided harness
(`fuzz_check.py`) for SECONDS, with inputs up to the size limit (`-max_len`; libFuzzer's default is
the largest seed's size, 7,744 bytes) at any length from the start (`-len_control=0`). Without atheris
(it has no wheel for every Python), or with `--without-atheris`, the same target runs for SECONDS on
inputs made by mutating the seeds and the corpus: flipped and inserted bytes, Markdown and YAML tokens,
dates at and past the ends of the range, lines deleted, duplicated, swapped and repeated (now and then
up to the size limit), pages spliced together. An input that breaks a combination of rules not seen
before joins the pool (and the corpus), so mutations build on pages that reach new rules.

Exit status: 0 when nothing was found; not 0 when an input crashed the target or took more than
PER_INPUT_TIMEOUT seconds: it is written to `ARTIFACTS/crash-<sha1>` (or `timeout-…`; default: the
working folder) and the traceback printed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import random
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds"
PER_INPUT_TIMEOUT = 30  # seconds: the largest pages take a few; one that takes longer is a finding too


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seconds", type=int, nargs="?", default=60, help="how long to fuzz (default 60)")
    parser.add_argument("--corpus", type=Path, default=Path(".fuzz-corpus"), help="kept between runs")
    parser.add_argument("--artifacts", type=Path, default=Path("."), help="where crash-* files go")
    parser.add_argument("--seed", type=int, help="the random seed of the fallback (default: random, printed)")
    parser.add_argument("--without-atheris", action="store_true", help="use the fallback even with atheris")
    parser.add_argument("--runs", type=int, help="the fallback stops after this many mutated inputs (a smoke test)")
    parser.add_argument("--replay", nargs="+", type=Path, metavar="FILE", help="run the target on these inputs")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))

    if args.replay:
        return replay(args.replay)
    if not args.without_atheris and importlib.util.find_spec("atheris") is not None:
        return with_atheris(args.seconds, args.corpus, args.artifacts)
    print("fuzz: atheris is not used: running the fallback mutator", flush=True)
    return without_atheris(args.seconds, args.corpus, args.artifacts, args.seed, args.runs)


def with_atheris(seconds: int, corpus: Path, artifacts: Path) -> int:
    """The pages at the size limits through the target here, then libFuzzer, in a process of its own,
    on the seeds and the corpus for SECONDS; its exit status (0, or not 0 on a crash or a timeout) is ours.

    The pages at the limits are not given to libFuzzer: it would spend its time mutating 2 MB inputs
    (3 a second instead of 150). It may still make inputs of any length up to the limit.
    """
    from harness import MAX_LEN

    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    if (status := _limits(artifacts)) != 0:
        return status
    command = [
        sys.executable,
        str(HERE / "fuzz_check.py"),
        str(corpus),  # new inputs are written to the first folder only
        str(SEEDS),
        f"-max_total_time={seconds}",
        f"-max_len={MAX_LEN}",  # up to the size limit, and one byte over it
        "-len_control=0",  # at any length from the start, not grown a few bytes at a time
        f"-timeout={PER_INPUT_TIMEOUT}",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={artifacts.resolve()}{os.sep}",
        "-print_final_stats=1",
    ]
    print("fuzz:", " ".join(command), flush=True)
    return subprocess.run(command, check=False).returncode


def _limits(artifacts: Path) -> int:
    """The pages at each size limit and one step past it (`harness.limit_seeds`) through the target."""
    from harness import limit_seeds, test_one_input

    for name, data in limit_seeds().items():
        try:
            test_one_input(data)
        except Exception:
            path = artifacts / f"crash-{name}"
            path.write_bytes(data)
            traceback.print_exc()
            print(f"fuzz: the page {name} crashed the target; it is {path}", flush=True)
            return 1
    print(f"fuzz: the {len(limit_seeds())} pages at the size limits: no crash", flush=True)
    return 0


def replay(files: list[Path]) -> int:
    from harness import test_one_input

    failed = 0
    for path in files:
        try:
            test_one_input(path.read_bytes())
        except Exception:
            failed += 1
            print(f"{path}: crashed", file=sys.stderr)
            traceback.print_exc()
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


# What pages are made of, and the values that broke something once (dates at and past the range's
# ends, a byte-order mark, a line separator, YAML aliases).
TOKENS = [
    b"\n",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"---\n",
    b"...\n",
    b"# ",
    b"## ",
    b"### ",
    b"## 7. Action items\n",
    b"## 10. Sign-off\n",
    b"| ",
    b" |",
    b"|---|---|\n",
    b"- ",
    b"* ",
    b"1. ",
    b"1) ",
    b"    ",
    b"  ",
    b"\t",
    b"> ",
    b"```\n",
    b"~~~\n",
    b"<!-- postmortem: disable PM409 -->\n",
    b"<!--",
    b"-->",
    b"<details>\n",
    b"</details>\n",
    b"<script>",
    b"Q: Why? ",
    b"A: Because.",
    b"**Severity:** ",
    b"**Date:** ",
    b"\xe2\x9c\x85 Done ",
    b"Won't do \xe2\x80\x94 ",
    b"In progress",
    b"[placeholder]",
    b"2026-08-14",
    b"2026-08-14 09:12",
    b"2026-13-45",
    b"1970-01-01",
    b"1969-12-31",
    b"2099-12-31",
    b"2100-01-01",
    b"0001-01-01",
    b"9999-12-31",
    b"9999-12-31 23:59",
    b"+14:00",
    b"-12:00",
    b"Z",
    b"incident_date: ",
    b"date: ",
    b"awareness_date: ",
    b"started_at: ",
    b"detected_at: ",
    b"status: open\n",
    b"status: draft\n",
    b"severity: Sev-1\n",
    b"accept: [PM409]\n",
    b"&a ",
    b"*a",
    b"[",
    b"{",
    b": ",
    b"\\",
    b"`",
    b"\x00",
    b"\x1b]8;;",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xa8",
    b"\xff",
    b"\xc3",
    b":white_check_mark: ",
]


def _mutations(rng: random.Random, pool: list[bytes], max_len: int) -> list[Callable[[bytes], bytes]]:
    def flip(data: bytes) -> bytes:
        if not data:
            return bytes([rng.randrange(256)])
        i = rng.randrange(len(data))
        return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]

    def insert_bytes(data: bytes) -> bytes:
        i = rng.randrange(len(data) + 1)
        return data[:i] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) + data[i:]

    def insert_token(data: bytes) -> bytes:
        i = rng.randrange(len(data) + 1)
        return data[:i] + rng.choice(TOKENS) + data[i:]

    def replace_date(data: bytes) -> bytes:
        spots = [i for i in range(len(data) - 10) if data[i + 4 : i + 5] == b"-" and data[i : i + 4].isdigit()]
        if not spots:
            return insert_token(data)
        i = rng.choice(spots)
        return data[:i] + rng.choice([t for t in TOKENS if t[:4].isdigit()]) + data[i + 10 :]

    def delete(data: bytes) -> bytes:
        if not data:
            return data
        i = rng.randrange(len(data))
        return data[:i] + data[i + rng.randint(1, 64) :]

    def lines(data: bytes) -> bytes:
        rows = data.split(b"\n")
        i, j = rng.randrange(len(rows)), rng.randrange(len(rows))
        action = rng.randrange(4)
        if action == 0:
            del rows[i]
        elif action == 1:
            rows.insert(j, rows[i])
        elif action == 2:
            rows[i], rows[j] = rows[j], rows[i]
        else:  # repeat a line many times: long tables and lists, deep nesting, inputs near the size limit
            near_limit = rng.randrange(50) == 0  # rarely: a page of 2 MB takes a second to check
            count = max_len // max(1, len(rows[i]) + 1) if near_limit else rng.choice([10, 100, 1000])
            rows[i:i] = [rows[i]] * count
        return b"\n".join(rows)

    def splice(data: bytes) -> bytes:
        other = rng.choice(pool)
        return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]

    def truncate(data: bytes) -> bytes:
        return data[: rng.randrange(len(data) + 1)]

    return [flip, insert_bytes, insert_token, insert_token, replace_date, delete, lines, lines, splice, truncate]


def without_atheris(
    seconds: int,
    corpus: Path,
    artifacts: Path,
    seed: int | None,
    most: int | None = None,
    target: Callable[[bytes], frozenset[str]] | None = None,
) -> int:
    """Mutate and run the target (`harness.test_one_input` unless another is given) until the time is
    up, or `most` mutated inputs have run; stop at the first crash."""
    from harness import MAX_LEN, limit_seeds, test_one_input

    target = target or test_one_input
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)

    seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    print(f"fuzz: {seconds} s, seed {seed} (repeat with --seed {seed}), inputs up to {MAX_LEN:,} bytes", flush=True)
    seeds = [b"", *(path.read_bytes() for path in sorted(SEEDS.glob("*")) if path.is_file())]
    corpus_files = [path for path in sorted(corpus.glob("*")) if path.is_file() and path.stat().st_size <= 100_000]
    pool = seeds + [path.read_bytes() for path in corpus_files]  # what mutations start from
    mutations = _mutations(rng, pool, MAX_LEN)
    seen: set[frozenset[str]] = set()
    runs = largest = 0
    slowest, slowest_input = 0.0, b""
    start = time.monotonic()
    deadline = start + seconds
    queue = [*seeds, *limit_seeds().values()]  # run as they are, first: the seeds and pages at the limits
    limit = None if most is None else most + len(queue)
    while queue or (time.monotonic() < deadline and (limit is None or runs < limit)):
        if queue:
            data = queue.pop(0)
        else:
            data = rng.choice(pool)
            for _ in range(rng.choice([1, 1, 2, 4, 8])):
                data = rng.choice(mutations)(data)[:MAX_LEN]
        runs += 1
        largest = max(largest, len(data))
        began = time.monotonic()
        try:
            findings = target(data)
        except Exception:
            name = artifacts / f"crash-{hashlib.sha1(data).hexdigest()}"
            name.write_bytes(data)
            traceback.print_exc()
            print(f"fuzz: crash after {runs:,} inputs; the input is {name} ({len(data):,} bytes)", flush=True)
            return 1
        took = time.monotonic() - began
        if took > slowest:
            slowest, slowest_input = took, data
        if took > PER_INPUT_TIMEOUT:
            name = artifacts / f"timeout-{hashlib.sha1(data).hexdigest()}"
            name.write_bytes(data)
            print(f"fuzz: an input took over {PER_INPUT_TIMEOUT} s; it is {name}", flush=True)
            return 1
        if findings not in seen and len(data) <= 100_000:  # a new combination of rules: mutate it further
            seen.add(findings)
            pool.append(data)
            (corpus / hashlib.sha1(data).hexdigest()).write_bytes(data)
    elapsed = time.monotonic() - start
    print(
        f"fuzz: done: {runs:,} inputs in {elapsed:.0f} s ({runs / max(elapsed, 1e-9):,.0f}/s), "
        f"{len(seen)} combinations of findings, largest input {largest:,} bytes, slowest {slowest:.1f} s "
        f"({len(slowest_input):,} bytes), no crash",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
