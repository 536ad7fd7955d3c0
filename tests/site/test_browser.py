"""A reader in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator

import pytest

from tests.conftest import REPO, run_mkdocs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Locally the test is skipped without Chromium; in CI (.ci/run installs it) a missing browser is a failure.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium package is not installed (.ci/run installs it)",
)


@pytest.fixture(scope="module")
def served_example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser") / "example-site"
    shutil.copytree(REPO / "example-site", root, ignore=shutil.ignore_patterns("site"))
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def test_owner_item_link_lands_on_its_visible_row(served_example: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{served_example}/postmortems/")
    assert page.locator("h1").first.inner_text().rstrip("¶") == "Post-mortem library"
    page.get_by_role("link", name="Action items by owner").first.click()
    page.wait_for_url("**/postmortems/actions-by-owner/")

    section = page.locator("h2", has_text="Platform Lead")
    first_item = section.locator("xpath=following::table[1]//tbody/tr[1]/td[2]/a")
    action = first_item.inner_text()
    first_item.click()
    page.wait_for_url("**#action-*")

    target = page.evaluate(
        """() => {
            const target = document.querySelector(':target');
            const row = target && target.closest('tr');
            if (!row) return null;
            const box = row.getBoundingClientRect();
            return {id: target.id, row: row.innerText, top: box.top, bottom: box.bottom, height: window.innerHeight};
        }"""
    )
    assert target is not None, "the link's fragment is not an element in a table row"
    assert target["id"].startswith("action-")
    assert action in target["row"]
    assert target["top"] >= 0 and target["bottom"] <= target["height"], "the row is not in view"
    page.close()


def test_generated_pages_render_without_script_errors(served_example: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for name in (
        "",
        "actions-by-owner/",
        "actions-by-due-date/",
        "agents/",
        "regulatory-register/",
        "quarterly-review/",
    ):
        page.goto(f"{served_example}/postmortems/{name}")
        assert page.locator("article h1, [role=main] h1").count() >= 1
    assert errors == []
    page.close()


HOSTILE = {
    "title": '<script>window.__pwned=1</script> & <img src=x onerror="window.__pwned=2"> “quoted” Zoë',
    "owner": "<img src=x onerror=window.__pwned=4>",
    "action": '<a href="javascript:window.__pwned=3">Update the runbook</a> &amp; &lt;b&gt;bold&lt;/b&gt;',
    "regulatory": "Notified <script>window.__pwned=5</script> on 2026-09-04.",
}


@pytest.fixture(scope="module")
def served_hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.conftest import fixture_text, write_site

    text = fixture_text("valid.md")
    text = text.replace("title: Cross-tenant retrieval in support replies", "title: " + json.dumps(HOSTILE["title"]))
    text = text.replace("tags: [pii, retrieval]", "tags: ['<script>window.__pwned=6</script>']")
    text = text.replace("| CoE Lead | 2026-09-30 |", f"| {HOSTILE['owner']} | 2026-09-30 |")
    text = text.replace("Add cross-tenant retrieval to the runbook (template 09)", HOSTILE["action"])
    text = text.replace("Notified 2026-09-04.", HOSTILE["regulatory"])
    root = tmp_path_factory.mktemp("hostile")
    write_site(root, {"postmortems/a.md": text}, extra={"theme": {"name": "material"}})
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("", [HOSTILE["title"]]),
        (
            "actions-by-owner/",
            [HOSTILE["owner"], '<a href="javascript:window.__pwned=3">Update the runbook</a> & <b>bold</b>'],
        ),
        ("actions-by-due-date/", [HOSTILE["owner"], HOSTILE["title"]]),
        ("agents/", [HOSTILE["title"]]),
        ("regulatory-register/", [HOSTILE["regulatory"], HOSTILE["title"]]),
        ("quarterly-review/", [HOSTILE["title"]]),
    ],
)
def test_injected_markup_never_runs_and_shows_as_text(
    served_hostile: str, browser, name: str, shown: list[str]
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{served_hostile}/postmortems/{name}")
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__pwned") is None, "an injected script or handler ran"
    assert dialogs == []
    text = page.inner_text("article")
    for value in shown:
        assert value in text, f"{value!r} is not shown literally on {name or 'the library home'}"
    assert page.locator("article img, article script").count() == 0
    page.close()


# What a reader sees on a phone (390 px) and a laptop (1280 px): measured in the page, not guessed.
LIBRARY_PAGES = (
    "",
    "actions-by-owner/",
    "actions-by-due-date/",
    "agents/",
    "regulatory-register/",
    "quarterly-review/",
)
MEASURE = """() => {
    const article = document.querySelector('article');
    const width = article.getBoundingClientRect().width;
    const tables = [...article.querySelectorAll('table')]
        .filter(t => t.getClientRects().length && !t.closest('details:not([open])'))
        .map(t => {
            let box = t.parentElement;
            while (box !== article && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
            const own = box !== article;
            return {width: t.getBoundingClientRect().width, text: t.innerText.slice(0, 60),
                    scrollsInOwnBox: own && box.getBoundingClientRect().width <= width + 40};
        });
    const text = [...article.querySelectorAll('svg text')].filter(t => t.getClientRects().length)
        .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    return {width, tables, text};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_tables_fit_their_column_and_chart_text_is_legible(served_example: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    chart_text: list[float] = []
    for name in LIBRARY_PAGES:
        page.goto(f"{served_example}/postmortems/{name}")
        seen = page.evaluate(MEASURE)
        for table in seen["tables"]:
            fits = table["width"] <= seen["width"] + 0.5
            assert fits or table["scrollsInOwnBox"], f"{width} px, {name or 'home'}: a table overflows: {table}"
            if name in ("", "actions-by-owner/", "actions-by-due-date/", "quarterly-review/"):
                assert fits, f"{width} px, {name or 'home'}: {table['width']:.0f} px in {seen['width']:.0f} px"
        chart_text += seen["text"]
    assert chart_text, "no chart is drawn"
    assert min(chart_text) >= 10, f"chart text {min(chart_text):.1f} px high at {width} px"
    page.close()


@pytest.fixture(scope="module")
def served_first_month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A library's first page: one post-mortem, written this month."""
    from tests.conftest import fixture_text, write_site

    root = tmp_path_factory.mktemp("first-month")
    write_site(
        root,
        {"postmortems/a.md": fixture_text("valid.md")},
        options={"today": "2026-09-20"},
        extra={"theme": {"name": "material"}},
    )
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_first_month_draws_a_visible_line(served_first_month: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{served_first_month}/postmortems/")
    lines = page.evaluate(
        """() => [...document.querySelectorAll('#pm-chart-burndown polyline')].filter(l => l.getClientRects().length)
            .map(l => { const b = l.getBoundingClientRect(); return {width: b.width, height: b.height,
                        stroke: getComputedStyle(l).stroke}; })"""
    )
    assert len(lines) == 2
    for line in lines:
        assert line["width"] > 100 and line["stroke"] not in ("none", ""), line
    page.close()


def test_example_site_is_offline_and_its_export_links_resolve(served_example: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{served_example}/postmortems/")
    page.wait_for_load_state("networkidle")
    assert requested and all(url.startswith(served_example) for url in requested), "a request left the machine"
    links = page.evaluate(
        """async () => {
            const base = location.href;
            const json = await (await fetch('postmortems.json')).json();
            const feed = new DOMParser().parseFromString(await (await fetch('feed.xml')).text(), 'application/xml');
            const ics = await (await fetch('action-items.ics')).text();
            return [
                ...json.postmortems.flatMap(p => [p.url, ...p.action_items.map(i => i.url)]).map(u => new URL(u, base + 'postmortems.json').href),
                ...[...feed.querySelectorAll('link, guid')].map(e => new URL(e.textContent, base + 'feed.xml').href),
                ...[...ics.matchAll(/^URL:(.*)$/gm)].map(m => new URL(m[1].trim(), base + 'action-items.ics').href),
            ];
        }"""
    )
    assert len(links) > 20
    for link in sorted(set(links)):
        url, _, fragment = link.partition("#")
        page.goto(url)
        assert page.title() and "404" not in page.title(), link
        if fragment:
            assert page.locator(f"[id='{fragment}']").count() == 1, link
    page.close()
