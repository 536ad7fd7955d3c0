"""A reader in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

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
    yield from built_and_served(root)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def built_and_served(root: Path) -> Iterator[str]:
    """Build the site at `root` with `--strict`, serve it on a free local port, and yield its URL."""
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


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


SITE_URL = "https://docs.example.org/"
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
    write_site(root, {"postmortems/a.md": text}, extra={"theme": {"name": "material"}, "site_url": SITE_URL})
    yield from built_and_served(root)


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


# What a reader sees on a phone (390 px), either side of the 600 px switch point and on a laptop
# (1280 px): measured in the page, not guessed.
LIBRARY_PAGES = (
    "",
    "actions-by-owner/",
    "actions-by-due-date/",
    "agents/",
    "regulatory-register/",
    "quarterly-review/",
)
POSTMORTEM_PAGE = "2026-10-06-hr-onboarding-assistant/"  # its own action table, with a ticket column
MUST_FIT = ("", "actions-by-owner/", "actions-by-due-date/", "quarterly-review/")  # the others may scroll in their box
MEASURE = """() => {
    const article = document.querySelector('article') || document.querySelector('[role=main]');
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
    const shown = [...article.querySelectorAll('svg text')].filter(t => t.getClientRects().length);
    const text = shown.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    const cut = shown.filter(t => {
        const own = t.getBoundingClientRect(), svg = t.ownerSVGElement.getBoundingClientRect();
        return own.left < svg.left - 0.5 || own.right > svg.right + 0.5;
    }).map(t => t.textContent);
    const layouts = [...article.querySelectorAll('.postmortem-chart svg')].filter(s => s.getClientRects().length)
        .map(s => s.getAttribute('class'));
    const wrapped = [...article.querySelectorAll('td.pm-nowrap, td[data-label="Ticket"]')].filter(td => {
        const range = document.createRange();
        range.selectNodeContents(td);
        const lines = [...range.getClientRects()].filter(r => r.width > 0);
        return lines.some(r => r.top >= lines[0].bottom - 1);
    }).map(td => td.innerText);
    const card = document.querySelector('.postmortem-card');
    const cardOverflows = card ? card.scrollWidth > card.clientWidth + 1 : false;
    return {width, tables, text, cut, layouts, wrapped, cardOverflows};
}"""


def measure(page, url: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    response = page.goto(url)
    assert response and response.ok, url
    seen: dict = page.evaluate(MEASURE)  # type: ignore[type-arg]
    assert seen["cut"] == [], f"{url}: chart text cut at the SVG's edge: {seen['cut']}"
    return seen


@pytest.mark.parametrize("width", [390, 599, 600, 1280])
def test_tables_fit_their_column_and_chart_text_is_legible(served_example: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    chart_text: list[float] = []
    for name in (*LIBRARY_PAGES, POSTMORTEM_PAGE):
        seen = measure(page, f"{served_example}/postmortems/{name}")
        for table in seen["tables"]:
            fits = table["width"] <= seen["width"] + 0.5
            assert fits or table["scrollsInOwnBox"], f"{width} px, {name or 'home'}: a table overflows: {table}"
            if name in MUST_FIT:
                assert fits, f"{width} px, {name or 'home'}: {table['width']:.0f} px in {seen['width']:.0f} px"
        if width == 1280:
            assert seen["wrapped"] == [], f"{name or 'home'}: a date or a ticket wraps"
        assert not seen["cardOverflows"], f"{width} px, {name}: the card's text runs out of it"
        if name == "":  # Material's column: 568 px at 600, so the wide layout from there (postmortem.css)
            assert set(seen["layouts"]) == {"pm-chart-narrow" if width < 600 else "pm-chart-wide"}, seen["layouts"]
        chart_text += seen["text"]
    assert chart_text, "no chart is drawn"
    assert min(chart_text) >= 10, f"chart text {min(chart_text):.1f} px high at {width} px"
    page.close()


@pytest.fixture(scope="module")
def served_first_month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A library's first page, in the plain mkdocs theme's dark mode: one post-mortem, written this
    month, by an agent whose name is longer than a chart is wide, with its response times."""
    from tests.conftest import as_agent, fixture_text, write_site

    text = as_agent(fixture_text("valid.md"), LONG_AGENT).replace(
        "status: open\n",
        "status: open\nstarted_at: 2026-09-03 14:05\ndetected_at: 2026-09-03 15:12\nmitigated_at: 2026-09-03 15:40\n",
    )
    root = tmp_path_factory.mktemp("first-month")
    write_site(
        root,
        {"postmortems/a.md": text},
        options={"today": "2026-09-20"},
        extra={"theme": {"name": "mkdocs", "color_mode": "dark", "highlightjs": False}, "site_url": SITE_URL},
    )
    yield from built_and_served(root)


LONG_AGENT = "clinical-intake-and-triage-assistant-for-the-emergency-departments-of-the-eu-west-hospitals"
CONTRAST = """() => {
    const rgba = value => value.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const background = rgba(getComputedStyle(document.body).backgroundColor);
    return [...document.querySelectorAll('.postmortem-chart text')].filter(t => t.getClientRects().length).map(t => {
        const style = getComputedStyle(t);
        const [r, g, b, a = 1] = rgba(style.fill), alpha = a * parseFloat(style.fillOpacity);
        const seen = [r, g, b].map((v, i) => v * alpha + background[i] * (1 - alpha));
        const [high, low] = [luminance(seen), luminance(background)].sort((x, y) => y - x);
        return (high + 0.05) / (low + 0.05);
    });
}"""


def test_the_plain_theme_in_dark_mode_shows_chart_text_legible_and_whole(served_first_month: str, browser) -> None:  # type: ignore[no-untyped-def]
    # 700 px: the plain theme's column (Bootstrap's 540 px container) holds a 516 px chart: the narrow layout.
    page = browser.new_page(viewport={"width": 700, "height": 900})
    seen = measure(page, f"{served_first_month}/postmortems/")
    assert set(seen["layouts"]) == {"pm-chart-narrow"} and seen["text"], seen["layouts"]
    assert min(seen["text"]) >= 10, f"chart text {min(seen['text']):.1f} px high in the plain theme at 700 px"
    ratios = page.evaluate(CONTRAST)
    assert ratios and min(ratios) >= 4.5, f"chart text {min(ratios):.1f}:1 against the dark background"
    label = page.locator("#pm-chart-durations svg.pm-chart-narrow text.pm-strong").first
    shown = label.text_content() or ""
    assert shown.endswith("… 2026-09-03") and LONG_AGENT.startswith(shown.removesuffix("… 2026-09-03"))
    page.close()


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
            const ics = (await (await fetch('action-items.ics')).text()).replace(/\\r\\n[ \\t]/g, '');  // unfolded
            return [
                ...json.postmortems.flatMap(p => [p.url, ...p.action_items.map(i => i.url)]).map(u => new URL(u, base + 'postmortems.json').href),
                ...[...feed.querySelectorAll('link')].map(e => new URL(e.textContent, base + 'feed.xml').href),
                ...[...ics.matchAll(/^URL:(.*)$/gm)].map(m => new URL(m[1].trim(), base + 'action-items.ics').href),
            ];
        }"""
    )
    assert len(links) > 20
    site_url = "https://postmortems.example.com/"  # example-site/mkdocs.yml: every export link is absolute
    assert all(link.startswith(site_url) for link in links)
    fragments: dict[str, set[str]] = {}
    for link in links:
        url, _, fragment = link.removeprefix(site_url).partition("#")
        fragments.setdefault(url, set()).add(fragment)
    for url, wanted in sorted(fragments.items()):
        response = page.goto(f"{served_example}/{url}")
        assert response and response.ok, url
        for fragment in wanted - {""}:
            assert page.locator(f"[id='{fragment}']").count() == 1, f"{url}#{fragment}"
    page.close()
