"""`mkdocs-postmortem import`: existing post-mortems in, pages in the template's shape out, nothing overwritten."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.cli import cli
from tests.conftest import FIXTURES, write_site

IMPORTS = FIXTURES / "import"
# What a person has to supply after an import: placeholders, empty sections, missing facts. Never a
# finding of the importer's own making (fidelity, YAML, its own times or statuses).
FOR_A_PERSON = {
    "PM103",
    "PM201",
    "PM202",
    "PM203",
    "PM302",
    "PM331",
    "PM332",
    "PM402",
    "PM403",
    "PM409",
    "PM410",
    "PM601",
    "PM701",
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_site(tmp_path, {})
    (tmp_path / "old").mkdir()
    for fixture in IMPORTS.glob("*.md"):
        shutil.copy(fixture, tmp_path / "old" / fixture.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_archive_is_imported_then_check_asks_only_for_what_a_person_must_supply(site: Path) -> None:
    originals = {p.name: p.read_bytes() for p in (site / "old").iterdir()}
    code, out, err = run("import", "old", "--agent", "web-bot")
    assert code == 0, err
    written = sorted((site / "docs/postmortems").glob("*.md"))
    assert len(written) == len(originals) == out.count("Imported ")
    assert "  inferred: " in out and "  to do: " in out
    assert {p.name: p.read_bytes() for p in (site / "old").iterdir()} == originals  # the originals untouched
    code, out, _ = run("check", "--format", "json")
    rules = {finding["rule"] for finding in json.loads(out)}
    assert rules and rules <= FOR_A_PERSON, rules - FOR_A_PERSON


def test_import_never_overwrites_and_names_what_it_could_not_read(site: Path) -> None:
    assert run("import", "old/0007-redis-failover.md")[0] == 0
    target = next((site / "docs/postmortems").glob("*.md"))
    before = target.read_bytes()
    (site / "old/broken.md").write_bytes(b"# Outage\n\n\xff\xfe not UTF-8\n")
    code, out, err = run("import", "old/0007-redis-failover.md", "old/broken.md", "old/nextcloud-ausfall.md")
    assert code == 1
    assert f"{target.relative_to(site)} already exists; it was left untouched" in err
    assert "old/broken.md: cannot read it" in err
    assert "Imported old/nextcloud-ausfall.md" in out  # the others are still imported
    assert target.read_bytes() == before


def test_a_bad_option_or_path_is_a_usage_error(site: Path) -> None:
    code, _, err = run("import", "old", "--severity", "Sev-9")
    assert code == 2 and "--severity: 'Sev-9' is not on the template's scale" in err
    code, _, err = run("import", "nowhere.md")
    assert code == 2 and "nowhere.md: no such file or folder" in err
    assert not list((site / "docs/postmortems").glob("*.md"))
