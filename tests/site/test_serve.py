"""`mkdocs serve` with a broken post-mortem: the server stays up, the page shows its findings, a fix clears them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import as_agent, fixture_text, write_site

VALID = fixture_text("valid.md")
BROKEN = VALID.replace("| Platform Lead |", "| Platform Lead + Security |")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(predicate, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_serve_shows_findings_on_the_page_and_survives_fixes(tmp_path: Path) -> None:
    write_site(tmp_path, {"postmortems/a.md": BROKEN, "postmortems/b.md": as_agent(VALID, "b-bot")})
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/postmortems/a/"
    try:
        assert wait_for(lambda: fetch(url) is not None), "server did not start on a site with an error"
        page = fetch(url) or ""
        assert 'class="admonition failure postmortem-findings"' in page
        assert "PM403" in page and "Platform Lead + Security" in page
        assert "postmortem-findings" not in (fetch(f"http://127.0.0.1:{port}/postmortems/b/") or "")
        home = f"http://127.0.0.1:{port}/postmortems/"
        assert "⚠ 1 error" in (fetch(home) or ""), "the library does not mark the broken page"

        (tmp_path / "docs/postmortems/a.md").write_text(
            VALID.replace("| Alicia Gomez | 2026-09-10 |", "| Alicia Gomez | 2026-09-08 |"), encoding="utf-8"
        )
        assert wait_for(lambda: "PM602" in (fetch(url) or "")), "the warning did not replace the error on rebuild"
        assert "PM403" not in (fetch(url) or "")
        assert 'class="admonition warning postmortem-findings"' in (fetch(url) or "")

        (tmp_path / "docs/postmortems/a.md").write_text("---\nagent: [\n---\n# Broken\n", encoding="utf-8")
        assert wait_for(lambda: "PM101" in (fetch(url) or "")), "a page with broken YAML did not show its finding"

        hidden = VALID.replace("## 5. What went wrong\n", "<details>\n\n## 5. What went wrong\n").replace(
            "## 6. Root cause", "</details>\n\n## 6. Root cause"
        )
        (tmp_path / "docs/postmortems/a.md").write_text(hidden, encoding="utf-8")
        assert wait_for(lambda: "PM005" in (fetch(url) or "")), "a section MkDocs did not render was not shown"
        assert "the heading &#39;5. What went wrong&#39; is not a heading" in (fetch(url) or "")

        (tmp_path / "docs/postmortems/a.md").write_text(VALID, encoding="utf-8")
        assert wait_for(lambda: "postmortem-findings" not in (fetch(url) or "x")), (
            "fixing the page did not clear findings"
        )
        assert "⚠" not in (fetch(home) or "⚠"), "the library was not regenerated after the fix"
        assert server.poll() is None, "the server died"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output
    assert "PM403 error" in output  # the console lists findings too
