"""The persistent cache (`.cache/mkdocs-postmortem/`): it never changes a result, it reuses exactly what
is unchanged, and it survives corrupt, foreign and concurrent use."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_postmortem import store
from mkdocs_postmortem.checker import Checker, Settings
from tests.conftest import REPO, TODAY, as_agent, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
PAGES = {
    "postmortems/a.md": VALID,
    "postmortems/b.md": as_agent(VALID, "b-bot").replace("| Platform Lead |", "| A + B |"),  # PM403 error
    "postmortems/c.md": as_agent(VALID, "c-bot").replace("| Pat Lee | 2026-09-10 |", "| Pat Lee | 2026-09-08 |"),
}


BUILD_DATE = re.compile(rb"Build Date UTC : [^\n]*")  # the mkdocs theme's own stamp, different in every build


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a built site, the theme's build stamp left out."""
    return {
        str(path.relative_to(folder)): BUILD_DATE.sub(b"", path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_warm_build_gives_every_finding_and_byte_of_a_cold_one(tmp_path: Path) -> None:
    write_site(tmp_path, {name: text.replace("| A + B |", "| Platform Lead |") for name, text in PAGES.items()})
    cold = run_mkdocs("build", "-v", cwd=tmp_path)
    assert cold.returncode == 0, cold.stderr
    assert (tmp_path / ".cache/mkdocs-postmortem/library").is_dir()
    shutil.copytree(tmp_path / "site", tmp_path / "cold-site")
    warm = run_mkdocs("build", "-v", cwd=tmp_path)
    assert warm.returncode == 0, warm.stderr
    assert "persistent cache: the library of 3 pages reused unchanged" in warm.stderr
    assert "reused unchanged" not in cold.stderr
    findings = [line for line in cold.stderr.splitlines() if " PM" in line]
    assert findings and findings == [line for line in warm.stderr.splitlines() if " PM" in line]
    assert files_of(tmp_path / "cold-site") == files_of(tmp_path / "site")


def test_a_failing_build_fails_the_same_way_warm(tmp_path: Path) -> None:
    write_site(tmp_path, PAGES)
    cold, warm = run_mkdocs("build", cwd=tmp_path), run_mkdocs("build", cwd=tmp_path)
    assert cold.returncode == warm.returncode == 1
    assert "PM403 error" in warm.stderr
    assert [line for line in cold.stderr.splitlines() if " PM" in line] == [
        line for line in warm.stderr.splitlines() if " PM" in line
    ]


def checker(root: Path, **options: object) -> Checker:
    return Checker(Settings(today=TODAY, **options), root, persist=True)  # type: ignore[arg-type]


def sources() -> dict[str, bytes]:
    return {name: text.encode() for name, text in PAGES.items()}


def test_editing_one_page_rechecks_that_page_only(tmp_path: Path) -> None:
    first = checker(tmp_path)
    expected = first.check_all(sources())
    assert first.store is not None and (first.store.hits, first.store.misses) == (0, 3)
    again = checker(tmp_path)
    assert again.check_all(sources()) == expected
    assert again.store is not None and (again.store.hits, again.store.misses) == (3, 0)
    edited = sources() | {"postmortems/c.md": PAGES["postmortems/c.md"].replace("2026-09-08", "2026-09-11").encode()}
    third = checker(tmp_path)
    result = third.check_all(edited)
    assert third.store is not None and (third.store.hits, third.store.misses) == (2, 1)
    assert [f.rule for f in result["postmortems/c.md"].findings] == []  # the edit's effect, not the old finding


@pytest.mark.parametrize(
    "change",
    [
        {"rules": {"PM403": "warning"}},
        {"today": "2026-12-01"},
        {"holidays": "GB"},
        {"regulation": {"art73_applies_from": None}},
    ],
)
def test_a_changed_setting_starts_afresh(tmp_path: Path, change: dict[str, object]) -> None:
    checker(tmp_path).check_all(sources())
    options = {"today": TODAY, **change}
    changed = Checker(Settings(**options), tmp_path, persist=True)  # type: ignore[arg-type]
    assert changed.check_all(sources()) == Checker(Settings(**options), tmp_path).check_all(sources())  # type: ignore[arg-type]
    assert changed.store is not None and changed.store.hits == 0


def test_another_version_of_the_tool_starts_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checker(tmp_path).check_all(sources())
    monkeypatch.setattr(store, "code_hash", lambda: "another version")
    newer = checker(tmp_path)
    newer.check_all(sources())
    assert newer.store is not None and (newer.store.hits, newer.store.misses) == (0, 3)


def test_corrupt_and_foreign_entries_are_ignored_and_written_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = checker(tmp_path).check_all(sources())
    entries = sorted((tmp_path / ".cache/mkdocs-postmortem/pages").rglob("*"))
    entries = [entry for entry in entries if entry.is_file()]
    entries[0].write_bytes(b"garbage")
    entries[1].write_bytes(entries[1].read_bytes()[:-10])  # truncated
    reread = checker(tmp_path)
    assert reread.check_all(sources()) == expected
    assert reread.store is not None and (reread.store.hits, reread.store.misses) == (1, 2)
    assert checker(tmp_path).check_all(sources()) == expected and checker(tmp_path).store is not None
    # Entries signed on another machine (another key) are never loaded.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    foreign = checker(tmp_path)
    assert foreign.check_all(sources()) == expected
    assert foreign.store is not None and foreign.store.hits == 0


def test_two_builds_at_once_both_succeed_with_the_same_site(tmp_path: Path) -> None:
    write_site(tmp_path, {name: text.replace("| A + B |", "| Platform Lead |") for name, text in PAGES.items()})
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-d"]
    builds = [
        subprocess.Popen([*command, str(tmp_path / f"site-{n}")], cwd=tmp_path, env=env, stderr=subprocess.PIPE)
        for n in range(3)
    ]
    assert [build.wait(timeout=120) for build in builds] == [0, 0, 0]
    assert files_of(tmp_path / "site-0") == files_of(tmp_path / "site-1") == files_of(tmp_path / "site-2")
    assert not list((tmp_path / ".cache").rglob("*.tmp"))


def test_the_cache_can_move_or_be_turned_off(tmp_path: Path) -> None:
    write_site(tmp_path / "moved", {"postmortems/a.md": VALID}, options={"cache_dir": "build-cache"})
    assert run_mkdocs("build", cwd=tmp_path / "moved").returncode == 0
    assert (tmp_path / "moved/build-cache/library").is_dir() and not (tmp_path / "moved/.cache").exists()
    write_site(tmp_path / "off", {"postmortems/a.md": VALID}, options={"cache_dir": False})
    assert run_mkdocs("build", cwd=tmp_path / "off").returncode == 0
    assert not (tmp_path / "off/.cache").exists()


def test_check_imports_neither_the_renderer_nor_the_calendar(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID})
    probe = (
        "import sys\n"
        "from mkdocs_postmortem.cli import main\n"
        "sys.argv = ['mkdocs-postmortem', 'check']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('jinja2', 'icalendar', 'holidays', 'httpx', 'mkdocs') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr
