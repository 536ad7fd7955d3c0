"""The benchmark's small-N mode still works (a smoke test: the figures themselves are not judged here)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO


def test_quick_benchmark_prints_its_table() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/bench.py"), "--quick", "--only", "abwek"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if re.match(r"^\s+\d+ \|", line)]
    assert [int(row.split("|")[0]) for row in rows] == [20, 50]
    for row in rows:
        cells = [cell.strip() for cell in row.split("|")]
        measured = [cells[1 + index] for index, key in enumerate("abwcdke") if key in "abwek"]
        assert all(re.fullmatch(r"\d+\.\d\d +\d+\.\d\d", cell) for cell in measured), row
        ratios = [
            cells[8 + index] for index, pair in enumerate(("ba", "wa", "ca", "de", "ke")) if set(pair) <= set("abwek")
        ]
        assert all(float(part) > 0 for cell in ratios for part in cell.split()), row
    assert re.search(r"^w/a CPU at N = 50, round by round: \d+\.\d{3}$", result.stdout, re.MULTILINE)
