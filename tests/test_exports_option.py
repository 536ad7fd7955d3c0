"""The exports are one registry (`render.exports.EXPORTS`), and the `exports` option chooses among
them: all by default, none with `false`, or those it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.checker import ConfigError
from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.options import Options, validate_options
from mkdocs_postmortem.render.exports import EXPORTS
from tests.conftest import REPO, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
FILES = {name: export.file for name, export in EXPORTS.items()}


def test_the_registry_names_each_export_once_with_its_file_and_a_line_about_it() -> None:
    assert list(FILES) == ["json", "csv", "ics", "rss", "schema", "drafts"]
    assert list(FILES.values()) == [
        "postmortems.json",
        "action-items.csv",
        "action-items.ics",
        "feed.xml",
        "postmortem.schema.json",
        "report-drafts.json",
    ]
    assert all(export.description and "\n" not in export.description for export in EXPORTS.values())


def test_the_option_and_the_readme_name_every_export() -> None:
    description = Options.model_fields["exports"].description or ""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, file in FILES.items():
        assert f"{name} ({file})" in description
        assert re.search(rf"^\| `{re.escape(name)}` \| `{re.escape(file)}` \|", readme, re.MULTILINE), name


@pytest.mark.parametrize(
    ("given", "names"),
    [
        (True, True),
        (False, False),
        ("no", False),
        ([], []),
        ("rss", ["rss"]),
        (["schema", "csv", "schema"], ["schema", "csv"]),
    ],
)
def test_the_option_takes_true_false_or_names(tmp_path: Path, given: object, names: object) -> None:
    assert validate_options({"exports": given}, tmp_path / "mkdocs.yml").exports == names


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            ["rsss"],
            "exports: unknown export 'rsss' — did you mean 'rss'? (the exports are json, csv, ics, rss, schema, drafts)",
        ),
        (
            ["csv", "feed.xml"],
            "exports: unknown export 'feed.xml' — did you mean 'rss'? (the exports are json, csv, ics, rss, schema, drafts)",
        ),
        ("sometimes", "exports: unknown export 'sometimes' — the exports are json, csv, ics, rss, schema, drafts"),
        (
            None,
            "exports: use true (all), false (none) or a list of exports: json, csv, ics, rss, schema, drafts (not None)",
        ),
    ],
)
def test_an_unknown_export_names_the_option_and_every_export(tmp_path: Path, given: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_options({"exports": given}, tmp_path / "mkdocs.yml")
    assert str(caught.value).endswith(f"plugins: postmortem: {message}")


def test_a_build_writes_only_the_exports_named(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"exports": ["rss"]})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "site/postmortems"
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["feed.xml", "index.html"]
    assert "<rss" in (folder / "feed.xml").read_text(encoding="utf-8")


def test_a_build_writes_no_export_with_false(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"exports": False})
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    assert not any((tmp_path / "site/postmortems" / file).exists() for file in FILES.values())


def test_an_unknown_export_stops_the_build_and_the_check_with_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID}, options={"exports": ["json", "feed"]})
    build = run_mkdocs("build", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    check = CliRunner().invoke(cli, ["check"], catch_exceptions=False)
    message = "mkdocs.yml: plugins: postmortem: exports: unknown export 'feed' — did you mean 'rss'? (the exports are json, csv, ics, rss, schema, drafts)"
    assert build.returncode == 1 and message in build.stderr and "Traceback" not in build.stderr
    assert check.exit_code == 2 and message in check.stderr and "Traceback" not in check.stderr
    assert not (tmp_path / "site").exists()
