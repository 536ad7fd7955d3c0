"""Coverage-guided fuzzing (atheris) of the parse-and-validate entry point.

    pip install -e '.[fuzz]'
    mkdir -p .fuzz-corpus && python fuzz/fuzz_check.py .fuzz-corpus fuzz/seeds -atheris_runs=200000

Any exception, or a PM000 internal-error finding, is a crash: atheris stops and writes the input to
`crash-*`. Turn each one into a regression test in tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import datetime as dt
import sys

import atheris

with atheris.instrument_imports():
    from mkdocs_postmortem.checker import Checker, Settings

CHECKER = Checker(Settings(today=dt.date(2026, 11, 26)))


def test_one_input(data: bytes) -> None:
    checked = CHECKER.check("fuzz.md", data)
    CHECKER.cache.retain(())  # keep memory flat: every input is new
    for finding in checked.findings:
        if finding.rule == "PM000":
            raise AssertionError(finding.format())
        if not 1 <= finding.line <= data.count(b"\n") + data.count(b"\r") + 2:
            raise AssertionError(f"line out of range: {finding.format()}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
