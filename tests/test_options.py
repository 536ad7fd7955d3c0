"""The plugin's options are declared once (`options.Options`) and validated by one function, so the
build and the command line accept and reject the same options with the same message."""

from __future__ import annotations

import concurrent.futures
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from mkdocs_postmortem.checker import ConfigError, Settings
from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.config import PostMortemConfig
from mkdocs_postmortem.options import Options, validate_options
from tests.conftest import TODAY, fixture_text, run_mkdocs


def test_the_mkdocs_config_is_generated_from_the_model() -> None:
    schema = dict(PostMortemConfig._schema)
    assert list(schema) == list(Options.model_fields)
    for name, field in Options.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if isinstance(default, BaseModel):  # a nested option (`legacy`) as the mapping MkDocs can copy
            default = default.model_dump()
        assert schema[name].default == default, name
        assert field.description, f"option {name} has no description"


def test_unquoted_off_and_on_are_levels(tmp_path: Path) -> None:
    """YAML reads unquoted `off`/`no`/`false` as False and `on`/`yes`/`true` as True."""
    options = validate_options(
        {"rules": {"PM203": False, "vague-action": True, "PM403": "Warning"}}, tmp_path / "mkdocs.yml"
    )
    assert options.rules == {"PM203": "off", "PM408": "warning", "PM403": "warning"}
    assert Settings(rules=options.rules).levels()["PM203"] is None


def test_a_path_object_is_read_as_its_text(tmp_path: Path) -> None:
    """MkDocs reads `!relative $config_dir/owners.yml` as a path object."""
    (tmp_path / "owners.yml").write_text("Priya Raman: [Priya]\n", encoding="utf-8")
    assert validate_options({"owners": tmp_path / "owners.yml"}, tmp_path / "mkdocs.yml").owners == str(
        tmp_path / "owners.yml"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"nav_postmortem": True},
            "plugins: postmortem: unknown option 'nav_postmortem' — did you mean 'nav_postmortems'?",
        ),
        (
            {"colour": "red"},
            "unknown option 'colour' — the options are dir, library_dir, rules, holidays, today, owners, template,",
        ),
        ({"rules": {"vague-acton": "error"}}, "rules: unknown rule 'vague-acton' — did you mean 'vague-action'?"),
        ({"rules": {"PM203": None}}, "rules: PM203: 'None' is not a level; use error, warning, info or off"),
        (
            {"exports": "sometimes"},
            "exports: unknown export 'sometimes' — the exports are json, csv, ics, rss, schema, drafts",
        ),
        ({"dir": "/abs"}, "dir: '/abs' must be a folder inside docs_dir"),
        (
            {"today": "soon", "holidays": 5},
            "holidays: Input should be a valid string (not 5); today: Input should be a valid date",
        ),
        ({"templates": "nowhere"}, "templates: 'nowhere' is not a folder next to mkdocs.yml"),
        (
            {"overrides": "team.yml"},
            "overrides: 'team.yml' is not a folder next to mkdocs.yml (the post-mortem template, a YAML file, is the `template` option)",
        ),
        ({"overrides": "a", "templates": "b"}, "give only `overrides`: `templates` is its old name"),
        ({"template": "nowhere.yml"}, "template: nowhere.yml does not exist"),
        ({"owners": "nobody.yml"}, "owners: nobody.yml does not exist"),
    ],
)
def test_every_problem_names_the_file_and_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: dict[str, object], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        validate_options(
            raw, tmp_path / "mkdocs.yml"
        )  # shown relative to the working folder, as MkDocs gives it absolute
    assert str(caught.value).startswith("mkdocs.yml: plugins: postmortem: ") and message in str(caught.value)


# The same options through `mkdocs build` and `mkdocs-postmortem check`: YAML as a user writes it.
CASES = {
    "valid": "dir: postmortems\n      nav_library_pages: true\n      findings_on_page: never\n      exports: false",
    "unknown key": "nav: true",
    "wrong type": "nav_postmortems: sometimes",
    "bad rule name": "rules: {PM999: error}",
    "unquoted off": "rules: {PM203: off, PM410: on, vague-action: warning}",
    "bad holidays": "holidays: XX",
    "bad date": "today: '2026-13-01'",
}
CONFIG_ERROR = re.compile(r"^(?:ERROR\s+-\s+|Error: )(mkdocs\.yml: plugins: postmortem: .*)$", re.MULTILINE)


def _site(root: Path, option_lines: str) -> Path:
    (root / "docs/postmortems").mkdir(parents=True)
    (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (root / "docs/postmortems/a.md").write_text(fixture_text("valid.md"), encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Options\ntheme: {name: mkdocs}\nplugins:\n  - postmortem:\n"
        f"      today: {TODAY.isoformat()}\n      {option_lines}\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """Every case's site, built once (two at a time)."""
    sites = {name: _site(tmp_path_factory.mktemp("options"), lines) for name, lines in CASES.items()}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        done = {name: pool.submit(run_mkdocs, "build", cwd=site) for name, site in sites.items()}
    return {name: (sites[name], future.result()) for name, future in done.items()}


@pytest.mark.parametrize("case", CASES)
def test_build_and_check_accept_and_reject_alike(
    builds: dict[str, tuple[Path, subprocess.CompletedProcess[str]]], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    site, build = builds[case]
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["check"], catch_exceptions=False)
    from_build = CONFIG_ERROR.findall(build.stderr)
    from_check = CONFIG_ERROR.findall(result.stderr)
    assert from_build == from_check, build.stderr + result.stderr
    if case in ("valid", "unquoted off"):
        assert from_check == [] and result.exit_code in (0, 1) and "Aborted" not in build.stdout + build.stderr
    else:
        assert len(from_check) == 1 and result.exit_code == 2 and build.returncode == 1
    assert "Traceback" not in build.stderr + result.stderr
