"""The benchmark's small-N mode still works (a smoke test: the figures themselves are not judged here)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO


def test_quick_benchmark_prints_its_table() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/bench.py"), "--quick"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if re.match(r"^\s+\d+ \|", line)]
    assert [int(row.split("|")[0]) for row in rows] == [20, 50]
    for row in rows:
        cells = [cell.strip() for cell in row.split("|")]
        assert all(re.fullmatch(r"\d+\.\d\ds +\d+MB", cell) for cell in cells[1:6]), row
        assert all(float(ratio) > 0 for ratio in cells[6:9]), row
    assert "d(50)/d(20) = " in result.stdout
    assert re.search(r"^b/a at N = 50, round by round: \d+\.\d{3}$", result.stdout, re.MULTILINE)
