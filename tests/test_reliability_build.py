"""Reliability of the build (issue #19): hostile pages refused before MkDocs' renderer sees them, in
`build` and `serve`; the size known before a file is read; named pipes and folder links that loop;
files where the library's pages and exports go; exports written only by a build that succeeds; and no
process left behind when MkDocs is killed. Every test builds with MkDocs itself.

A page "reaches Python-Markdown" when a Markdown extension of the site (`tripwire`, written next to
mkdocs.yml) sees its marker: the extension fails the build at once, so a page the plugin lets through
is a failure in seconds, however long Python-Markdown would have taken over it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from benchmarks.corpus import write_corpus
from benchmarks.hostile import alive, children
from mkdocs_postmortem import limits, project
from mkdocs_postmortem.library import action_anchors
from mkdocs_postmortem.limits import Oversized, prescan, read_page
from mkdocs_postmortem.model import ActionItem
from mkdocs_postmortem.render.exports import EXPORTS
from mkdocs_postmortem.render.pages import LIBRARY_PAGES
from tests.conftest import REPO, TODAY, as_agent, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
HOSTILE = as_agent(VALID, "hostile-bot")  # not the same incident as VALID
MARKER = "TRIPWIRE-REACHED-PYTHON-MARKDOWN"
TRIPWIRE = f'''
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor


class Tripwire(Preprocessor):
    def run(self, lines):
        if any("{MARKER}" in line for line in lines):
            raise RuntimeError("a refused page reached Python-Markdown")
        return lines


class TripwireExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(Tripwire(md), "tripwire", 100)


def makeExtension(**kwargs):
    return TripwireExtension(**kwargs)
'''
EXPORT_FILES = [export.file for export in EXPORTS.values()]


def hostile(added: str, before: str = "## 5. What went wrong") -> str:
    """The hostile page: a valid post-mortem, its marker in the summary, `added` before `before`."""
    text = HOSTILE.replace("## 2. Timeline", f"{MARKER}\n\n## 2. Timeline", 1)
    return text.replace(before, added + before, 1)


def tripwire_site(root: Path, pages: dict[str, str | bytes], options: dict[str, object] | None = None) -> Path:
    """A site whose Markdown extension fails the build on any page that holds the marker."""
    config = write_site(root, pages, options=options, extra={"markdown_extensions": ["tripwire"]})
    (root / "tripwire.py").write_text(TRIPWIRE, encoding="utf-8")
    return config


@pytest.fixture
def tripwire_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """MkDocs finds the site's `tripwire` extension (next to mkdocs.yml) on PYTHONPATH."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])))
    return tmp_path


def findings_of(output: str, path: str) -> list[str]:
    """The finding lines of the build's output about one file."""
    return [line.split("postmortem: ", 1)[1] for line in output.splitlines() if f"postmortem: {path}:" in line]


# --- hostile pages are refused before Python-Markdown sees them -------------------------------

HOSTILE_PAGES: dict[str, tuple[Callable[[], str], str]] = {
    # 6,000 action items (the build took 42 s and 750 MB at 50,000): one table over the row limit.
    "action-rows": (
        lambda: hostile(
            "".join(f"|{n}|Fix {n}|P|Al|2026-12-01|Open|\n" for n in range(4, 6_001)), "\n## 8. Communications"
        ),
        "a table of 6,000 rows, over the 5,000 limit",
    ),
    # Quotes one level deeper on each line, without spaces (2,000 levels: 12.7 s and 1 GB).
    "quote-stairs": (
        lambda: hostile("".join(">" * level + "\n" for level in range(1, 151)) + "\n"),
        "lists or quotes nested more than 100 levels deep",
    ),
    "quotes-without-spaces": (lambda: hostile(">" * 150 + " deep\n\n"), "nested more than 100 levels deep"),
    # One line of `[` (45,000: more than 300 s; 10,000: 12 s).
    "open-brackets": (lambda: hostile("[" * 10_000 + "\n\n"), "the first with no `]` soon after in its paragraph"),
    "many-brackets": (lambda: hostile("[" * 45_000 + "\n\n"), "of them `[`"),
    # HTML tags that never close, which Python's HTML parser scans to the end of the page for.
    "open-tags": (
        lambda: hostile("<a " * 5_000 + "\n\n" + "Words and more words.\n\n" * 2_000),
        "`<` that start an HTML tag, the first with no `>` soon after",
    ),
    # Headings with no blank line between them: each is taken off the block, which is tested whole again.
    "heading-block": (lambda: hostile("### Note\n" * 2_500 + "\n"), "have no blank line between them"),
    "emphasis": (lambda: hostile(("*a* " * 200 + "\n\n") * 60), "of them `*`"),
    "unclosed-fences": (lambda: hostile("```a\n\n" * 300 + "Words.\n\n" * 4_000), "code fences that no fence closes"),
    "lines": (lambda: hostile("Words.\n\n" * 11_000), "lines, over the 20,000 limit"),
}


@pytest.mark.parametrize("name", list(HOSTILE_PAGES))
def test_a_hostile_page_is_refused_before_python_markdown_sees_it(tripwire_path: Path, name: str) -> None:
    make, message = HOSTILE_PAGES[name]
    tripwire_site(tripwire_path, {"postmortems/valid.md": VALID, f"postmortems/{name}.md": make()})
    result = run_mkdocs("build", cwd=tripwire_path, timeout=120)
    output = result.stdout + result.stderr
    assert "reached Python-Markdown" not in output and "Traceback" not in output, output[-3000:]
    assert result.returncode == 1
    found = findings_of(result.stderr, f"docs/postmortems/{name}.md")
    assert any("PM001 error" in line and message in line for line in found), found
    assert not findings_of(result.stderr, "docs/postmortems/valid.md")


def test_the_tripwire_fires_on_a_page_that_is_not_refused(tripwire_path: Path) -> None:
    """The other tests' premise: a page that is rendered does reach the site's extension."""
    tripwire_site(tripwire_path, {"postmortems/ok.md": hostile("")})
    result = run_mkdocs("build", cwd=tripwire_path)
    assert result.returncode == 1 and "reached Python-Markdown" in result.stdout + result.stderr


def test_a_refused_page_is_a_notice_saying_why(tmp_path: Path) -> None:
    """With PM001 lowered to a warning the build goes on: the page says it was not rendered, and why."""
    rows = "".join(f"|{n}|Fix {n}|P|Al|2026-12-01|Open|\n" for n in range(4, 6_001))
    write_site(
        tmp_path,
        {"postmortems/valid.md": VALID, "postmortems/big.md": hostile(rows, "\n## 8. Communications")},
        options={"rules": {"PM001": "warning"}},
    )
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = unescape((tmp_path / "site/postmortems/big/index.html").read_text(encoding="utf-8"))
    assert "big.md: not shown" in html
    assert "This post-mortem was not rendered: a table of 6,000 rows, over the 5,000 limit (line 58)" in html
    assert MARKER not in html and "Fix 4000" not in html
    listed = (tmp_path / "site/postmortems/index.html").read_text(encoding="utf-8")
    assert "valid/" in listed and "big/" not in listed  # the library lists only the pages it read


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # a local server
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def test_serve_shows_a_refused_page_as_a_notice_and_never_renders_it(tripwire_path: Path) -> None:
    tripwire_site(tripwire_path, {"postmortems/valid.md": VALID, "postmortems/brackets.md": hostile("[" * 10_000)})
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=tripwire_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/postmortems/brackets/"
        deadline = time.monotonic() + 60
        page = None
        while page is None and time.monotonic() < deadline and server.poll() is None:
            page = fetch(url)
            time.sleep(0.2)
        assert page is not None, "the server did not serve the page"
        assert "brackets.md: not shown" in page and "the first with no `]` soon after" in page
        assert "PM001" in page  # serve shows the page's findings on it
        assert server.poll() is None
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "reached Python-Markdown" not in output and "Traceback" not in output, output[-3000:]


# --- the size is known before the file is read -----------------------------------------------


def peak_memory_of(command: list[str], cwd: Path) -> tuple[int, str, int]:
    """Run `command`; its exit code, standard error and peak memory in MB (its largest process)."""
    code = (
        "import resource, subprocess, sys\n"
        "out = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stderr.write(out.stderr)\n"
        "print(out.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code, *command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    returncode, peak_kb = result.stdout.split()
    return int(returncode), result.stderr, int(peak_kb) // 1024


@pytest.fixture
def sparse_site(tmp_path: Path) -> Path:
    """A site with a 300 MB post-mortem, sparse: no disk used, but a reader that reads it all pays."""
    write_site(tmp_path, {"postmortems/valid.md": VALID})
    with (tmp_path / "docs/postmortems/huge.md").open("wb") as handle:
        handle.write(HOSTILE.encode("utf-8"))
        handle.truncate(300_000_000)
    return tmp_path


def test_a_huge_file_is_refused_by_its_size_without_being_read(sparse_site: Path) -> None:
    code, errors, peak = peak_memory_of([sys.executable, "-m", "mkdocs", "build"], sparse_site)
    assert code == 1
    assert "docs/postmortems/huge.md:1: PM001 error: the file is 300.0 MB, over the 2.0 MB limit" in errors
    assert "split the content" in errors  # the fix of a page over a limit
    assert peak < 200, f"{peak} MB: the file was read"


def test_read_page_reads_no_more_than_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.truncate(limits.MAX_FILE_BYTES + 1)
    unread = read_page(big)
    assert isinstance(unread, Oversized) and unread == b"" and unread.size == limits.MAX_FILE_BYTES + 1
    assert prescan(unread) is not None
    small = tmp_path / "small.md"
    small.write_bytes(b"x" * limits.MAX_FILE_BYTES)
    assert read_page(small) == b"x" * limits.MAX_FILE_BYTES


# --- what is not a page: named pipes, folder links that loop -------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/valid.md": VALID})
    os.mkfifo(tmp_path / "docs/postmortems/pipe.md")
    result = run_mkdocs("build", cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert findings_of(result.stderr, "docs/postmortems/pipe.md")[0].startswith(
        "docs/postmortems/pipe.md:1: PM001 error: the file cannot be read (it is a named pipe, not a regular file)"
    )
    with pytest.raises(OSError, match="a named pipe, not a regular file"):
        read_page(tmp_path / "docs/postmortems/pipe.md")


def test_a_folder_link_that_loops_is_a_finding_and_its_pages_are_checked_once(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/valid.md": VALID, "postmortems/2025/b.md": as_agent(VALID, "b-bot")})
    (tmp_path / "docs/postmortems/up").symlink_to("..", target_is_directory=True)
    (tmp_path / "docs/postmortems/2025/again").symlink_to("../2025", target_is_directory=True)
    result = run_mkdocs("build", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output
    assert findings_of(result.stderr, "docs/postmortems/up") == [
        "docs/postmortems/up:1: PM001 error: the folder link leads back to docs, a folder it is in, so MkDocs "
        "would find the same pages again at every level (…/up/postmortems/up/…); it was not followed: remove "
        "the link — do as the message says: the file was not read"
    ]
    assert findings_of(result.stderr, "docs/postmortems/2025/again")[0].startswith(
        "docs/postmortems/2025/again:1: PM001 error: the folder link leads back to docs/postmortems/2025"
    )
    # Two post-mortems and the two links: not 200 pages found again through them.
    assert "post-mortem check: 2 errors in 2 of 4 post-mortems" in result.stderr


def test_a_second_link_to_a_folder_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/x.md").write_text("x", encoding="utf-8")
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "a").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (folder / "b").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    walked = project.walk_folder(folder)
    assert walked.files == [folder / "a/x.md"]
    assert list(walked.links) == [folder / "b"] and not walked.links[folder / "b"].loop


# --- files where the library's pages and exports go ---------------------------------------------


def test_a_postmortem_named_like_a_library_page_is_a_finding(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/valid.md": VALID, "postmortems/agents.md": as_agent(VALID, "b-bot")})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 1
    assert findings_of(result.stderr, "docs/postmortems/agents.md") == [
        "docs/postmortems/agents.md:1: PM001 error: the file would be built as postmortems/agents/index.html, "
        "where the plugin writes the library page 'Agents' (agents.md), so it was left out: rename it — do as the "
        "message says: the file was not read"
    ]


@pytest.mark.parametrize(
    ("name", "dest"),
    [
        ("quarterly-review/index.md", "postmortems/quarterly-review/index.html"),
        ("Actions-By-Owner.markdown", "postmortems/Actions-By-Owner/index.html"),  # a case-insensitive disk
        ("agents/index.html", "postmortems/agents/index.html"),
    ],
)
def test_any_file_written_where_a_library_page_goes_is_a_finding(tmp_path: Path, name: str, dest: str) -> None:
    write_site(tmp_path, {"postmortems/valid.md": VALID, f"postmortems/{name}": "# Mine\n"})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    found = findings_of(result.stderr, f"docs/postmortems/{name}")
    assert len(found) == 1 and (f"the file would be built as {dest}" in found[0] or f"copied to {dest}" in found[0])


def test_the_library_page_wins_where_a_file_takes_its_place(tmp_path: Path) -> None:
    """With PM001 lowered the build goes on: the site has the library's page, not the file."""
    write_site(
        tmp_path,
        {"postmortems/valid.md": VALID, "postmortems/agents.md": as_agent(VALID, "b-bot")},
        options={"rules": {"PM001": "warning"}},
    )
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site/postmortems/agents/index.html").read_text(encoding="utf-8")
    assert "support-triage-bot" in html and "b-bot" not in html


@pytest.mark.parametrize("file", EXPORT_FILES)
def test_a_static_file_named_like_an_export_is_a_finding(tmp_path: Path, file: str) -> None:
    name = next(name for name, export in EXPORTS.items() if export.file == file)
    write_site(tmp_path, {"postmortems/valid.md": VALID, f"postmortems/{file}": "mine\n"})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    assert findings_of(result.stderr, f"docs/postmortems/{file}") == [
        f"docs/postmortems/{file}:1: PM001 error: the file would be copied to postmortems/{file}, where the plugin "
        f"writes the export `{name}` ({file}), so it was left out: rename it, or leave `{name}` out of the "
        "`exports` option — do as the message says: the file was not read"
    ]


def test_a_static_file_named_like_an_export_that_is_not_written_is_the_sites(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {"postmortems/valid.md": VALID, "postmortems/postmortems.json": "mine\n"},
        options={"exports": ["csv"]},
    )
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/postmortems/postmortems.json").read_text(encoding="utf-8") == "mine\n"
    assert (tmp_path / "site/postmortems/action-items.csv").exists()


def test_the_sites_own_index_is_the_librarys_home_and_no_other_page(tmp_path: Path) -> None:
    """`index.md` is the one page a site may write itself in the library's place; a `README.md`, which
    MkDocs would build there too, is a finding."""
    own = "# Our library\n\n<!-- postmortem:library -->\n"
    write_site(tmp_path, {"postmortems/valid.md": VALID, "postmortems/index.md": own})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site/postmortems/index.html").read_text(encoding="utf-8")
    assert "Our library" in html and "valid/" in html
    (tmp_path / "docs/postmortems/index.md").rename(tmp_path / "docs/postmortems/README.md")
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1
    assert findings_of(result.stderr, "docs/postmortems/README.md")[0].startswith(
        "docs/postmortems/README.md:1: PM001 error: the file would be built as postmortems/index.html, where the "
        "plugin writes the library page 'Post-mortem library' (index.md), so it was left out: rename it "
        "(postmortems/index.md is the name of a page of the site's own that is the library's home instead)"
    )


def test_the_names_check_knows_are_the_registries() -> None:
    assert {page.name: page.title for page in LIBRARY_PAGES} == project.LIBRARY_PAGE_TITLES
    assert {name: export.file for name, export in EXPORTS.items()} == project.EXPORT_FILES


# --- exports only from a build that succeeds -------------------------------------------------------


def test_a_failed_build_writes_no_export(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID.replace("| Platform Lead |", "| A + B |")})
    result = run_mkdocs("build", cwd=tmp_path)
    assert result.returncode == 1 and "Aborted with a BuildError" in result.stdout + result.stderr
    assert not any((tmp_path / "site/postmortems" / file).exists() for file in EXPORT_FILES)
    assert not list((tmp_path / "site").rglob("*.tmp"))  # nor the exports the job had written aside


def test_a_build_failed_by_mkdocs_strict_mode_writes_no_export(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID, "notes.md": "# Notes\n\n[gone](missing.md)\n"})
    result = run_mkdocs("build", "--strict", cwd=tmp_path)
    assert result.returncode == 1 and "missing.md" in result.stderr
    assert not any((tmp_path / "site/postmortems" / file).exists() for file in EXPORT_FILES)
    assert not list((tmp_path / "site").rglob("*.tmp"))


def test_a_build_that_succeeds_writes_every_export_whole(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": VALID})
    assert run_mkdocs("build", "--strict", cwd=tmp_path).returncode == 0
    folder = tmp_path / "site/postmortems"
    assert sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix != ".html") == sorted(EXPORT_FILES)
    assert not list((tmp_path / "site").rglob("*.tmp"))
    assert json.loads((folder / "postmortems.json").read_text(encoding="utf-8"))["postmortems"][0]["agent"]


# --- no process left behind -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def library_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library big enough that the worker process is still busy when MkDocs is killed."""
    root = tmp_path_factory.mktemp("library")
    write_site(root, {})
    write_corpus(root / "docs/postmortems", 1_500, TODAY)
    return root


def killed(command: list[str], cwd: Path, sig: signal.Signals) -> Iterator[int]:
    """Start `command`, send it `sig` once it has started a child process and the child has worked for a
    moment; yield the children still alive 5 seconds later (killed afterwards, so none is left)."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while not seen and process.poll() is None and time.monotonic() < deadline:
        seen = children(process.pid)
        time.sleep(0.01)
    assert seen, "the command started no child process"
    time.sleep(0.3)
    process.send_signal(sig)
    process.wait(timeout=30)
    gone_by = time.monotonic() + 5
    while any(alive(pid) for pid in seen) and time.monotonic() < gone_by:
        time.sleep(0.05)
    left = [pid for pid in seen if alive(pid)]
    try:
        yield from left
    finally:
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes in /proc")


@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_build_leaves_no_process_behind(library_site: Path, sig: signal.Signals) -> None:
    left = list(killed([sys.executable, "-m", "mkdocs", "build", "-q"], library_site, sig))
    assert left == [], f"the worker outlived the build: {left}"


@needs_proc
def test_a_killed_check_leaves_no_process_behind(library_site: Path) -> None:
    left = list(killed([sys.executable, "-m", "mkdocs_postmortem", "check"], library_site, signal.SIGKILL))
    assert left == [], f"the worker outlived check: {left}"


@needs_proc
def test_a_failed_build_ends_its_worker(tmp_path: Path) -> None:
    """In-process: a build that MkDocs aborts leaves no child process of this one behind."""

    def broken(*args: object, **kwargs: object) -> str:
        raise KeyError("card")

    config_file = write_site(tmp_path, {"postmortems/a.md": VALID})
    before = set(children(os.getpid()))
    MkDocsConfig.plugins.plugin_cache.clear()
    config = load_config(str(config_file))
    config.plugins.on_startup(command="build", dirty=False)
    plugin = config.plugins["postmortem"]
    with pytest.MonkeyPatch.context() as patch:
        from mkdocs_postmortem.render.pages import Renderer

        patch.setattr(Renderer, "card", broken)
        with pytest.raises(Abort):
            build(config)
    MkDocsConfig.plugins.plugin_cache.clear()
    assert plugin._pool is None  # type: ignore[attr-defined]
    assert set(children(os.getpid())) <= before


@needs_proc
@pytest.mark.parametrize("platform", ["linux", "darwin"], ids=["parent-death-signal", "polling"])
def test_exit_with_parent_ends_a_worker_whose_parent_is_gone(platform: str) -> None:
    """A worker forked by a process that then exits ends too: by the parent-death signal on Linux, by
    watching its parent elsewhere (here `sys.platform` is made to say so)."""
    code = (
        "import os, sys, time\n"
        "from mkdocs_postmortem.runner import exit_with_parent\n"
        "parent = os.getpid()\n"
        "if os.fork() == 0:\n"
        f"    sys.platform = {platform!r}\n"
        "    exit_with_parent(parent)\n"
        "    print(os.getpid(), flush=True)\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "time.sleep(0.5)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=REPO)
    worker = int(result.stdout.split()[0])
    deadline = time.monotonic() + 5
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker)


# --- `check` reports what the build reports ----------------------------------------------------------


def check(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortem", "check", *args],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def build_findings(cwd: Path) -> set[tuple[str, int, str]]:
    result = run_mkdocs("build", cwd=cwd)
    found = set()
    for line in result.stderr.splitlines():
        if "postmortem: " in line and ": PM" in line:
            where, rule = line.split("postmortem: ", 1)[1].split(" ", 2)[:2]
            path, number = where.rstrip(":").rsplit(":", 1)
            found.add((path, int(number), rule))
    return found


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_check_reports_a_named_pipe_without_waiting_for_it(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/valid.md": VALID})
    os.mkfifo(tmp_path / "docs/postmortems/pipe.md")
    result = check(cwd=tmp_path, timeout=30)
    assert result.returncode == 1
    assert (
        "docs/postmortems/pipe.md:1: PM001 error: the file cannot be read (it is a named pipe, not a regular file)"
        in result.stdout
    )
    named = check("docs/postmortems/pipe.md", cwd=tmp_path, timeout=30)
    assert named.returncode == 1 and "named pipe" in named.stdout


def test_check_reports_loops_and_taken_places_as_the_build_does(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "postmortems/valid.md": VALID,
            "postmortems/agents.md": as_agent(VALID, "b-bot"),
            "postmortems/postmortems.json": "{}\n",
        },
    )
    (tmp_path / "docs/postmortems/up").symlink_to("..", target_is_directory=True)
    result = check("--format", "json", cwd=tmp_path)
    reported = {(f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)}
    assert (
        reported
        == build_findings(tmp_path)
        == {
            ("docs/postmortems/agents.md", 1, "PM001"),
            ("docs/postmortems/postmortems.json", 1, "PM001"),
            ("docs/postmortems/up", 1, "PM001"),
        }
    )


def test_check_does_not_read_a_huge_file(sparse_site: Path) -> None:
    code, _, peak = peak_memory_of([sys.executable, "-m", "mkdocs_postmortem", "check"], sparse_site)
    assert code == 1
    assert peak < 150, f"{peak} MB: the file was read"


# --- the limits themselves -----------------------------------------------------------------------


def page(body: bytes) -> bytes:
    """A valid page with `body` as blocks of their own, before section 5."""
    return HOSTILE.encode("utf-8").replace(b"## 5.", body + b"\n## 5.", 1)


@pytest.mark.parametrize(
    ("within", "over"),
    [
        (b"|a|b|\n|-|-|\n" + b"|x|y|\n" * 5_000, b"|a|b|\n|-|-|\n" + b"|x|y|\n" * 5_001),
        (b"Word\n" * 2_000, b"Word\n" * 2_001),
        ((b"x" * 35_000 + b"\n") * 2, (b"x" * 35_000 + b"\n") * 3),
        (b">" * 99 + b"\n", b">" * 100 + b"\n"),  # as lists: the 100th level is over
        (b"*" * 19_000 + b"\n\n", b"*" * 20_100 + b"\n\n"),
        (b"\n\n".join([b"> > x"] * 6_000) + b"\n\n", b"\n\n".join([b"> > > > x"] * 6_000) + b"\n\n"),
        (b"[" * 1_000 + b"\n\n", b"[" * 5_000 + b"\n\n"),
    ],
    ids=["table-rows", "block-lines", "block-chars", "nesting", "markup", "nesting-total", "scan"],
)
def test_each_limit_lets_through_what_is_within_it(within: bytes, over: bytes) -> None:
    assert prescan(page(within)) is None
    assert prescan(page(over)) is not None


def test_the_line_limit_counts_lines_not_line_breaks() -> None:
    assert prescan(b"Words.\n\n" * 10_000) is None  # 20,000 lines, each ended by a line break
    refusal = prescan(b"Words.\n\n" * 10_000 + b"One more")
    assert refusal is not None and refusal.message == "the file has 20,001 lines, over the 20,000 limit"


def test_a_front_matter_that_mkdocs_takes_off_is_not_held_to_the_limits_of_markdown() -> None:
    tags = b"tags:\n" + b"  - t\n" * 5_000  # 5,000 lines with no blank line: a block, were it Markdown
    text = HOSTILE.encode("utf-8").replace(b"tags: [pii, retrieval]\n", tags, 1)
    assert prescan(text) is None
    assert prescan(text.replace(b"\n---\n", b"\nnot: [yaml\n---\n", 1)) is not None  # left in: Markdown


def test_fenced_code_is_not_held_to_the_block_limits() -> None:
    log = b"Logs:\n```\n" + b"2026-09-03 ERROR [worker] <job 7 failed> *retrying*\n" * 5_000 + b"```\n\n"
    assert prescan(page(log)) is None


def test_anchors_stay_unique_and_as_they_were() -> None:
    items = [
        ActionItem(line=n, number=number, action="Do it", owner="Al", due="2026-12-01", status="Open")
        for n, number in enumerate(["1", "1", "2", "", "1"], start=1)
    ]
    assert action_anchors(items) == ["action-1", "action-2-1", "action-2", "action-4", "action-5-4"]
