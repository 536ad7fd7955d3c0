"""`mkdocs-postmortem write-library`: the library as plain files, published by generators that do not run
the plugin — Zensical (installed from the registry into its own environment, once a session) and MkDocs
without the plugin — and what the command never overwrites."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import markdown
import pyromark
import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from mkdocs_postmortem.cli import cli
from mkdocs_postmortem.manifest import MANIFEST
from mkdocs_postmortem.project import EXPORT_FILES as EXPORTS_BY_NAME
from tests.conftest import REPO, as_agent, fixture_text, run_mkdocs, write_site

ZENSICAL = "zensical==0.0.73"  # the newest the registry installs here (0.1.x needs a package it lacks)
LIBRARY_DIRS = ("actions-by-owner", "actions-by-due-date", "agents", "regulatory-register", "quarterly-review")
PAGES = ("index.md", *(f"{name}/index.md" for name in LIBRARY_DIRS))  # with directory URLs
EXPORT_FILES = tuple(EXPORTS_BY_NAME.values())  # every export, as the registry names them


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example site, as the working directory."""
    root = tmp_path / "example"
    shutil.copytree(REPO / "example-site", root, ignore=shutil.ignore_patterns("site", "screenshots"))
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="session")
def zensical(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `zensical` command, installed once a session into an environment of its own."""
    venv = tmp_path_factory.mktemp("zensical-env")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", ZENSICAL],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        why = (getattr(exc, "stderr", None) or "").strip().splitlines()
        pytest.skip(f"{ZENSICAL} is not installable here: {why[-1] if why else exc}")
    return venv / "bin" / "zensical"


def published(root: Path) -> dict[str, str]:
    """The example's post-mortems that a build with the plugin puts in the library (drafts are not):
    URL slug → title."""
    titles = {}
    for path in sorted((root / "docs" / "postmortems").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        if path.name != "index.md" and isinstance(meta, dict) and meta.get("status") != "draft":
            titles[path.stem] = str(meta["title"])
    return titles


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def broken_links(site: Path, folder: str) -> list[str]:
    """Every link of the built library pages in `folder` (their content, not the theme's) that leads
    nowhere in `site`: no file, or no element with its fragment's id. The `#action-N` rows are left
    out: the plugin gives a post-mortem's action rows those ids, and here no plugin runs."""
    broken: list[str] = []
    pages: dict[Path, set[str]] = {}
    for page in sorted((site / folder).rglob("*.html")):
        if page.parent.name.startswith("20") or page.name.startswith("20"):
            continue  # a post-mortem
        content = soup(page).select_one(".md-content") or soup(page)
        for link in content.select("a[href]"):
            url = urllib.parse.urlsplit(str(link["href"]))
            if url.scheme or url.netloc:
                continue
            target = (page.parent / urllib.parse.unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link['href']}")
            elif url.fragment and not url.fragment.startswith("action-"):
                if target not in pages:
                    pages[target] = {str(element["id"]) for element in soup(target).select("[id]")}
                if url.fragment not in pages[target]:
                    broken.append(f"{page.relative_to(site)}: {link['href']} (no such anchor)")
    return broken


def assert_library_published(site: Path, titles: dict[str, str], folder: str = "postmortems") -> None:
    """The library as the plugin makes it, in a site another generator built: the home lists the
    post-mortems, linked to their pages; every library page and export is there; no link is broken."""
    home = soup(site / folder / "index.html")
    rows = home.select("#postmortem-library tbody tr")
    listed = {link.get_text(): str(link["href"]) for row in rows for link in row.select("td.pm-primary a")}
    assert sorted(listed) == sorted(titles.values())
    for slug, title in titles.items():
        assert (site / folder / listed[title] / "index.html").resolve() == (site / "postmortems" / slug / "index.html")
    assert home.select("figure.postmortem-chart svg"), "the charts"
    register = soup(site / folder / "regulatory-register" / "index.html")
    assert register.h1 is not None and register.h1.get_text(strip=True).startswith("Regulatory register")
    assert register.select(".postmortem-table table tbody tr")
    for name in ("actions-by-owner", "actions-by-due-date", "agents", "quarterly-review"):
        assert soup(site / folder / name / "index.html").select(".postmortem-table")
    exported = json.loads((site / folder / "postmortems.json").read_text(encoding="utf-8"))
    assert sorted(pm["title"] for pm in exported["postmortems"]) == sorted(titles.values())
    assert all((site / folder / file).is_file() for file in (*EXPORT_FILES, "postmortem.css"))
    assert broken_links(site, folder) == []


def test_zensical_publishes_the_library_that_write_library_writes(example: Path, zensical: Path) -> None:
    code, out, err = run("write-library")
    assert code == 0, err
    assert "13 files in docs/postmortems: 13 written, 0 unchanged" in out
    assert "add `extra_css: [postmortems/postmortem.css]` to mkdocs.yml" in err
    built = subprocess.run([str(zensical), "build"], cwd=example, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    assert_library_published(example / "site", published(example))
    assert not (example / "site" / "postmortems" / MANIFEST).exists()


def test_mkdocs_without_the_plugin_publishes_it_too(example: Path) -> None:
    """A generator that does not resolve links in raw HTML (MkDocs, Hugo), where Zensical does: the same
    files link correctly for both."""
    assert run("write-library")[0] == 0
    config = yaml.safe_load((example / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = ["search"]
    config["extra_css"] = ["postmortems/postmortem.css"]
    (example / "plain.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    built = run_mkdocs("build", "--strict", "-f", "plain.yml", cwd=example)
    assert built.returncode == 0, built.stderr
    assert_library_published(example / "site", published(example))
    folder = example / "site" / "postmortems"
    stylesheets = [
        (folder / str(link["href"])).resolve() for link in soup(folder / "index.html").select("link[rel=stylesheet]")
    ]
    assert folder / "postmortem.css" in stylesheets


def test_the_pages_tables_and_charts_are_raw_html_any_markdown_passes_through(example: Path) -> None:
    """CommonMark (pulldown-cmark, as Hugo's goldmark) and Python-Markdown both keep every block whole."""
    assert run("write-library")[0] == 0
    for name in PAGES:
        text = (example / "docs" / "postmortems" / name).read_text(encoding="utf-8")
        assert text.startswith("---\n# Written by `mkdocs-postmortem write-library`")
        assert "postmortem-block-" not in text
        body = text.split("\n---\n", 1)[1]
        blocks = body.count('<div class="postmortem-table') + body.count('<figure class="postmortem-chart')
        for html in (pyromark.html(body), markdown.markdown(body, extensions=["tables", "toc"])):
            rendered = BeautifulSoup(html, "html.parser")
            assert len(rendered.select("div.postmortem-table, figure.postmortem-chart")) == blocks, name
            assert not rendered.select("pre"), f"{name}: part of a block read as code"
            tables = rendered.select("div.postmortem-table table")
            assert all(table.find("tbody") is not None for table in tables)


def test_it_never_overwrites_a_file_it_did_not_write(example: Path) -> None:
    folder = example / "docs" / "postmortems"
    (folder / "index.md").write_text("# Our own home\n", encoding="utf-8")
    code, out, err = run("write-library")
    assert code == 2 and out == ""
    assert "Error: docs/postmortems/index.md exists and was not written by `mkdocs-postmortem write-library`" in err
    assert (folder / "index.md").read_text(encoding="utf-8") == "# Our own home\n"
    assert not (folder / MANIFEST).exists() and not (folder / "agents").exists()

    (folder / "index.md").unlink()
    assert run("write-library")[0] == 0
    code, out, _ = run("write-library")
    assert code == 0 and "13 files in docs/postmortems: 0 written, 13 unchanged" in out
    agents = folder / "agents" / "index.md"
    agents.write_text(agents.read_text(encoding="utf-8") + "\nOur note.\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    code, out, err = run("write-library")
    assert code == 2
    assert "docs/postmortems/agents/index.md exists and was not written by" in err
    assert "(or was changed since), so nothing was written" in err
    assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == before

    (folder / MANIFEST).write_text("{}", encoding="utf-8")  # a file of its name that it did not write
    code, _, err = run("write-library")
    assert code == 2 and f"docs/postmortems/{MANIFEST} is not the manifest" in err


def test_check_passes_over_the_files_it_wrote(example: Path) -> None:
    """In the post-mortem folder, the pages and exports would be files where the plugin writes its own
    (PM001): `check` and the next run know them by the manifest, until someone changes one."""
    assert run("write-library")[0] == 0
    code, out, _ = run("check")
    assert code == 0 and "PM001" not in out
    code, out, _ = run("write-library")
    assert code == 0
    feed = example / "docs" / "postmortems" / "feed.xml"
    feed.write_text("<rss/>", encoding="utf-8")
    code, out, _ = run("check")
    assert code == 1 and "docs/postmortems/feed.xml:1: PM001 error" in out


def test_exports_left_out_are_removed_unless_changed(example: Path) -> None:
    folder = example / "docs" / "postmortems"
    assert run("write-library")[0] == 0
    (folder / "feed.xml").write_text("<rss>ours now</rss>", encoding="utf-8")
    config = (example / "mkdocs.yml").read_text(encoding="utf-8")
    (example / "mkdocs.yml").write_text(config.replace("dir: postmortems", "dir: postmortems\n      exports: [json]"))
    code, out, _ = run("write-library")
    assert code == 0
    assert "Removed docs/postmortems/action-items.csv (no longer made)" in out
    assert not (folder / "action-items.csv").exists() and (folder / "postmortems.json").is_file()
    assert (folder / "feed.xml").read_text(encoding="utf-8") == "<rss>ours now</rss>"
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted([*PAGES, "postmortems.json", "postmortem.css"])


def test_a_library_elsewhere_in_docs_dir_links_to_the_postmortems(example: Path, zensical: Path) -> None:
    code, out, _ = run("write-library", "--out", "docs/library")
    assert code == 0 and "13 files in docs/library: 13 written" in out
    assert not (example / "docs" / "postmortems" / "index.md").exists()
    built = subprocess.run([str(zensical), "build"], cwd=example, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    assert_library_published(example / "site", published(example), folder="library")


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("..", "--out: .. is outside docs_dir (docs): the pages link to the post-mortems relative to their place"),
        ("docs", "--out: docs is docs_dir itself"),
        ("docs/postmortems/library", "--out: docs/postmortems/library is inside the post-mortem folder"),
    ],
)
def test_out_must_be_a_folder_of_docs_dir_beside_the_postmortems(example: Path, out: str, message: str) -> None:
    code, _, err = run("write-library", "--out", out)
    assert code == 2 and f"Error: {message}" in err
    assert not (example / "docs" / "postmortems" / MANIFEST).exists()


def test_without_directory_urls_the_pages_sit_beside_the_postmortems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_site(
        tmp_path,
        {"postmortems/2026-09-03-support-triage-bot.md": fixture_text("valid.md")},
        extra={"use_directory_urls": False},
    )
    monkeypatch.chdir(tmp_path)
    assert run("write-library")[0] == 0
    folder = tmp_path / "docs" / "postmortems"
    assert (folder / "agents.md").is_file() and not (folder / "agents").exists()
    code, _, err = run("check", "docs/postmortems/agents.md")
    assert code == 0 and "docs/postmortems/agents.md: not checked: `mkdocs-postmortem write-library` wrote it" in err
    code, out, _ = run("check", "docs/postmortems")
    assert code == 0 and out.endswith("1 post-mortem checked: no findings\n")
    config = yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = []
    (tmp_path / "plain.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    built = run_mkdocs("build", "-f", "plain.yml", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    home = soup(tmp_path / "site" / "postmortems" / "index.html")
    link = home.select_one("#postmortem-library td.pm-primary a")
    assert link is not None and link["href"] == "2026-09-03-support-triage-bot.html"
    assert (tmp_path / "site" / "postmortems" / "agents.html").is_file()


def test_it_writes_the_library_whatever_the_check_finds_and_fails_on_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    valid = fixture_text("valid.md")
    two_owners = as_agent(valid.replace("| Platform Lead |", "| Platform Lead + Security |"), "b-bot")
    write_site(tmp_path, {"postmortems/a.md": valid, "postmortems/b.md": two_owners})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("write-library")
    assert code == 1
    assert "docs/postmortems/b.md" in err and "PM403 error" in err and "1 error" in err
    assert "Wrote docs/postmortems/index.md" in out
    home = (tmp_path / "docs" / "postmortems" / "index.md").read_text(encoding="utf-8")
    assert 'class="pm-attention"' in home  # the page with the error is in the library, marked


def test_a_site_without_a_postmortem_folder_has_no_library_to_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_site(tmp_path, {})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("write-library")
    assert code == 2 and out == ""
    assert "Error: no folder of docs_dir matches 'postmortems', so no library to write" in err
    assert not (tmp_path / "docs" / "postmortems").exists()


def test_a_library_of_many_folders_is_written_to_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    valid = fixture_text("valid.md")
    pages = {"team-a/postmortems/a.md": valid, "team-b/postmortems/b.md": as_agent(valid, "b-bot")}
    write_site(tmp_path, pages, options={"dir": "*/postmortems"})
    monkeypatch.chdir(tmp_path)
    code, _, err = run("write-library")
    assert code == 0, err
    home = (tmp_path / "docs/postmortems/index.md").read_text(encoding="utf-8")
    for team, name in (("team-a", "a"), ("team-b", "b")):
        assert f'href="../{team}/postmortems/{name}/"' in home  # relative to the library's own folder
    assert (tmp_path / "docs/postmortems/postmortems.json").is_file()
