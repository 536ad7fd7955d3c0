"""What the check reads is what MkDocs renders: PM003–PM005 against real `mkdocs build` output, and
`check --fix`/`--diff` on real files."""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from mkdocs_postmortem.template import default_template
from tests.conftest import REPO, as_agent, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortem", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def page_soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def section_headings(soup: BeautifulSoup) -> list[str | None]:
    """The section each `h2` of the page's content names, in order."""
    content = soup.find("div", attrs={"role": "main"}) or soup
    return [
        default_template().section_key(h.get_text(" ", strip=True).rstrip("¶").strip()) for h in content.find_all("h2")
    ]


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


# Each page writes the template the way the seed does somewhere: without a blank line where
# Python-Markdown needs one. (name, page, rule, the text on the finding's line)
DIVERGENT = {
    "heading-after-table": (
        VALID.replace(
            "| 2026-09-09 | Post-mortem completed |\n\n## 3. Impact",
            "| 2026-09-09 | Post-mortem completed |\n## 3. Impact",
        ),
        "PM003",
        "## 3. Impact",
    ),
    "table-after-text": (
        VALID.replace("## 2. Timeline\n| Time", "## 2. Timeline\nAll times are UTC.\n| Time"),
        "PM003",
        "| Time (UTC)",
    ),
    "list-after-text": (
        VALID.replace("## 4. What went well\n- The kill", "## 4. What went well\nWhat worked:\n- The kill"),
        "PM003",
        "- The kill",
    ),
    "heading-without-space": (
        VALID.replace("## 8. Communications", "##8. Communications"),
        "PM003",
        "##8. Communications",
    ),
    "nested-two-spaces": (
        VALID.replace(
            "- The kill switch paused the agent within 15 minutes of the report.\n",
            "- The kill switch paused the agent within 15 minutes of the report.\n  - It was tested the week before.\n",
        ),
        "PM004",
        "  - It was tested",
    ),
}


@pytest.fixture(scope="module")
def divergent_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("divergent")
    pages = {f"postmortems/{name}.md": as_agent(text, name) for name, (text, _, _) in DIVERGENT.items()}
    write_site(root, pages)
    return root


def test_each_divergence_is_reported_where_it_is(divergent_site: Path) -> None:
    result = cli("check", "--format", "json", cwd=divergent_site)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    for name, (text, rule, marker) in DIVERGENT.items():
        page = [
            (f["rule"], f["line"])
            for f in findings
            if f["path"] == f"docs/postmortems/{name}.md" and f["rule"] in ("PM003", "PM004")
        ]
        assert page == [(rule, line_of(as_agent(text, name), marker))], name


def test_what_the_rules_report_is_what_mkdocs_really_renders(divergent_site: Path, tmp_path: Path) -> None:
    """With the rules off, MkDocs builds the pages, and shows each one broken as the rule said."""
    site = tmp_path / "site"
    shutil.copytree(divergent_site, site)
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "postmortem:\n", "postmortem:\n    rules: {PM003: off, PM004: off, PM005: off, PM201: off}\n"
        )
    )
    result = run_mkdocs("build", cwd=site)
    assert result.returncode == 0, result.stderr
    built = site / "site/postmortems"

    runs_on = page_soup(built, "heading-after-table")
    assert "impact" not in section_headings(runs_on)
    assert any(cell.get_text(strip=True) == "## 3. Impact" for cell in runs_on.find_all("td"))
    assert not any("Time (UTC)" in th.get_text() for th in page_soup(built, "table-after-text").find_all("th"))
    well = page_soup(built, "list-after-text").find("h2", id="4-what-went-well")
    assert well.find_next_sibling().name == "p" and "- The kill switch" in well.find_next_sibling().get_text()
    assert "communications" in section_headings(page_soup(built, "heading-without-space"))  # a heading for MkDocs only
    nested = page_soup(built, "nested-two-spaces").find(string=lambda s: s and "It was tested" in s)
    assert len(nested.find_parents("ul")) == 1  # flattened into the outer list


def test_fix_makes_the_check_and_the_rendering_agree(divergent_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(divergent_site, site)
    before = {p.name: p.read_text(encoding="utf-8") for p in (site / "docs/postmortems").glob("*.md")}

    fixed = cli("check", "--fix", cwd=site)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    for name, (text, rule, marker) in DIVERGENT.items():
        line = line_of(as_agent(text, name), marker)
        assert f"docs/postmortems/{name}.md:{line}: {rule} fixed:" in fixed.stdout
    after = {p.name: p.read_text(encoding="utf-8") for p in (site / "docs/postmortems").glob("*.md")}
    assert after["heading-after-table.md"] == VALID.replace("support-triage-bot", "heading-after-table", 1)
    # Only the lines named changed: the rest of each page is byte for byte what it was.
    for name, text in after.items():
        removed = [line for line in before[name].splitlines() if line not in text.splitlines()]
        assert removed in ([], ["##8. Communications"], ["  - It was tested the week before."]), name

    built = run_mkdocs("build", "--strict", cwd=site)
    assert built.returncode == 0, built.stderr
    for name in DIVERGENT:
        soup = page_soup(site / "site/postmortems", name)
        assert section_headings(soup) == list(default_template().sections), name
    nested = page_soup(site / "site/postmortems", "nested-two-spaces").find(string=lambda s: s and "It was tested" in s)
    assert len(nested.find_parents("ul")) == 2


def test_diff_shows_the_fix_and_writes_nothing(divergent_site: Path) -> None:
    page = divergent_site / "docs/postmortems/heading-after-table.md"
    before = page.read_bytes()
    result = cli("check", "--diff", str(page.relative_to(divergent_site)), cwd=divergent_site)
    assert result.returncode == 1
    assert "--- a/docs/postmortems/heading-after-table.md" in result.stdout
    assert "+\n ## 3. Impact" in result.stdout
    assert page.read_bytes() == before


def test_fix_keeps_line_endings_byte_order_mark_links_and_waived_lines(tmp_path: Path) -> None:
    runs_on = as_agent(DIVERGENT["heading-after-table"][0], "crlf-bot")
    nested = as_agent(DIVERGENT["nested-two-spaces"][0], "nested-bot")
    real = tmp_path / "elsewhere.md"
    write_site(
        tmp_path,
        {
            "postmortems/crlf.md": b"\xef\xbb\xbf" + runs_on.replace("\n", "\r\n").encode(),
            "postmortems/nested.md": nested,
        },
        options={"rules": {"PM004": "off"}},
    )
    link = tmp_path / "docs/postmortems/linked.md"
    real.write_text(as_agent(DIVERGENT["heading-after-table"][0], "linked-bot"), encoding="utf-8")
    link.symlink_to(Path("../..") / "elsewhere.md")  # inside the project, outside docs_dir: refused, never written
    inside = tmp_path / "docs/postmortems/inside.md"
    (tmp_path / "docs/inside-target.md").write_text(
        as_agent(DIVERGENT["heading-after-table"][0], "inside-bot"), encoding="utf-8"
    )
    inside.symlink_to(Path("..") / "inside-target.md")

    result = cli("check", "--fix", cwd=tmp_path)
    data = (tmp_path / "docs/postmortems/crlf.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n\r\n## 3. Impact\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert (tmp_path / "docs/postmortems/nested.md").read_text(encoding="utf-8") == nested  # PM004 is off
    assert real.read_text(encoding="utf-8") == as_agent(DIVERGENT["heading-after-table"][0], "linked-bot")
    assert link.is_symlink() and inside.is_symlink()
    assert "\n\n## 3. Impact" in (tmp_path / "docs/inside-target.md").read_text(encoding="utf-8")
    assert "PM001" in result.stdout  # the link out of docs_dir is reported, not fixed


def test_a_section_hidden_by_html_is_caught_in_the_rendered_page(tmp_path: Path) -> None:
    """PM005, the safety net: the check reads the section, MkDocs' raw HTML block swallows it."""
    hidden = VALID.replace(
        "## 5. What went wrong\n", "<details>\n<summary>More</summary>\n\n## 5. What went wrong\n"
    ).replace("## 6. Root cause", "</details>\n\n## 6. Root cause")
    commented = VALID.replace("| 3 | Add cross-tenant", "| <!-- 4: dropped --> | | | | | |\n| 3 | Add cross-tenant")
    write_site(
        tmp_path,
        {"postmortems/hidden.md": hidden, "postmortems/commented.md": as_agent(commented, "commented-bot")},
        options={"rules": {"PM402": "off", "PM405": "off"}},
    )
    assert cli("check", cwd=tmp_path).returncode == 0  # nothing to see without rendering
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        f"docs/postmortems/hidden.md:{line_of(hidden, '## 5. What went wrong')}: PM005 error: the heading '5. What went wrong' is not a heading"
        in result.stderr
    )
    assert (
        f"docs/postmortems/commented.md:{line_of(commented, '## 7. Action items')}: PM005 error: the rendered action-items table has 3 rows for 4 action items, so links to item 3 lead nowhere"
        in result.stderr
    )
    assert "Error reading page" not in result.stderr and (result.stdout + result.stderr).count("Aborted") == 1


def test_example_site_renders_every_section_and_every_fragment_link_lands(tmp_path: Path) -> None:
    site = tmp_path / "example-site"
    shutil.copytree(REPO / "example-site", site, ignore=shutil.ignore_patterns("site"))
    result = run_mkdocs("build", "--strict", cwd=site)
    assert result.returncode == 0, result.stderr
    root = site / "site"
    pages = {
        path.relative_to(root).as_posix(): BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for path in root.rglob("*.html")
    }
    postmortems = [url for url in pages if url.startswith("postmortems/2026-")]
    assert len(postmortems) == 6
    for url in postmortems:
        assert section_headings(pages[url]) == list(default_template().sections), url
        items = pages[url].find("h2", id="7-action-items").find_next("table").find("tbody").find_all("tr")
        assert [row.get("id") for row in items] == [f"action-{n}" for n in range(1, len(items) + 1)], url

    ids = {url: {tag["id"] for tag in soup.find_all(id=True)} for url, soup in pages.items()}
    checked = 0
    for url, soup in pages.items():
        for anchor in soup.find_all("a", href=True):
            parts = urlsplit(anchor["href"])
            if parts.scheme or parts.netloc or not parts.fragment:
                continue
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(url), unquote(parts.path))) if parts.path else url
            )
            if not target.endswith(".html"):
                target = posixpath.join(target, "index.html")
            assert target in ids, (url, anchor["href"])
            assert unquote(parts.fragment) in ids[target], (url, anchor["href"])
            checked += 1
    assert checked > 100  # the library pages link every action item to its row


def test_the_sites_markdown_extensions_decide_what_diverges(tmp_path: Path) -> None:
    """With `sane_lists`, Python-Markdown keeps a numbered list apart from a bulleted one: no PM003."""
    joined = VALID.replace(
        "- Supervisory authority notified on 2026-09-05\n",
        "- Supervisory authority notified on 2026-09-05\n\n1. Status page updated on 2026-09-05\n",
    )
    write_site(tmp_path, {"postmortems/a.md": joined})
    expected = f"docs/postmortems/a.md:{line_of(joined, '1. Status page')}: PM003 error: the numbered list on line"
    assert expected in cli("check", cwd=tmp_path).stdout
    assert expected in run_mkdocs("build", cwd=tmp_path).stderr

    write_site(tmp_path, {"postmortems/a.md": joined}, extra={"markdown_extensions": ["sane_lists"]})
    assert cli("check", "--strict", cwd=tmp_path).returncode == 0
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    communications = page_soup(tmp_path / "site/postmortems", "a").find("h2", id="8-communications")
    assert [tag.name for tag in communications.find_next_siblings(["ul", "ol"], limit=2)] == ["ul", "ol"]


def test_a_site_that_nests_lists_by_two_spaces_gets_no_indent_finding() -> None:
    from mkdocs_postmortem.checker import Checker, Settings

    page = as_agent(DIVERGENT["nested-two-spaces"][0], "nested-bot").encode()
    plain = Checker(Settings()).check("a.md", page).findings
    assert [f.rule for f in plain if f.rule.startswith("PM00")] == ["PM004"]
    for extensions, rules in (
        ([{"mdx_truly_sane_lists": {"nested_indent": 2}}], []),
        (["mdx_truly_sane_lists"], []),
        ([{"mdx_truly_sane_lists": {"nested_indent": 4}}], ["PM004"]),
    ):
        found = Checker(Settings(), markdown_extensions=extensions).check("a.md", page).findings
        assert [f.rule for f in found if f.rule.startswith("PM00")] == rules, extensions


def test_fix_leaves_a_read_only_page_alone_and_keeps_machine_output_clean(tmp_path: Path) -> None:
    page = as_agent(DIVERGENT["heading-after-table"][0], "locked-bot")
    write_site(tmp_path, {"postmortems/locked.md": page, "postmortems/open.md": DIVERGENT["list-after-text"][0]})
    locked = tmp_path / "docs/postmortems/locked.md"
    locked.chmod(0o444)
    result = cli("check", "--fix", "--format", "json", cwd=tmp_path)
    assert "docs/postmortems/locked.md: not fixed: the file is read-only" in result.stderr
    assert locked.read_text(encoding="utf-8") == page
    findings = json.loads(result.stdout)  # the fixes are listed on stderr: stdout stays JSON
    assert [f["rule"] for f in findings if f["rule"] == "PM003"] == ["PM003"]
    assert "docs/postmortems/open.md" in result.stderr and "PM003 fixed" in result.stderr


def test_a_file_outside_docs_dir_is_not_checked_as_the_build_would_not(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID})
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts/x.md").write_text(DIVERGENT["heading-after-table"][0], encoding="utf-8")
    result = cli("check", "--fix", "drafts/x.md", cwd=tmp_path)
    assert "drafts/x.md: not checked: the site does not build it as a post-mortem" in result.stderr
    assert "PM001" not in result.stdout and result.returncode == 0
    assert (tmp_path / "drafts/x.md").read_text(encoding="utf-8") == DIVERGENT["heading-after-table"][0]
