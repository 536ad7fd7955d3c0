"""Coverage-guided fuzzing (atheris, libFuzzer) of the parse-and-validate entry point and of what the
library builds from a page: the target is `harness.test_one_input`.

    pip install -e '.[fuzz]'
    python fuzz/run.py 600          # ten minutes: this file under libFuzzer, with the options below

By hand, `-max_len` matters (libFuzzer's default is the largest seed's size, far below the 2 MB a page
may have):

    mkdir -p .fuzz-corpus && python fuzz/fuzz_check.py .fuzz-corpus fuzz/seeds -max_len=2000001 -len_control=0 -max_total_time=600

Any exception, a PM000 internal-error finding or a finding on a line the page does not have is a
crash: libFuzzer stops and writes the input to `crash-*`. Turn each one into a regression test.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["mkdocs_postmortem", "harness"]):
    from harness import test_one_input


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
