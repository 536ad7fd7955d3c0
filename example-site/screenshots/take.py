"""Take the README's screenshots again: build the example site, serve it, and photograph it in headless
Chromium (Debian's `chromium`, driven by Playwright) at 1280 and 390 px.

    python example-site/screenshots/take.py
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
SHOTS = [  # file, page, width, dark palette, full page (else the first screen)
    ("home-light.png", "postmortems/", 1280, False, True),
    ("home-phone-light.png", "postmortems/", 390, False, True),
    ("due-phone-light.png", "postmortems/actions-by-due-date/", 390, False, False),
    ("owner-dark.png", "postmortems/actions-by-owner/", 1280, True, False),
    ("card-light.png", "postmortems/2026-08-14-finance-invoice-recon/", 1280, False, False),
    ("register-light.png", "postmortems/regulatory-register/", 1280, False, False),
    ("register-phone-light.png", "postmortems/regulatory-register/", 390, False, False),
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(HERE.parent / "mkdocs.yml")]
        subprocess.run([*command, "-d", str(site)], check=True, env=env)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as playwright:
            chromium = shutil.which("chromium") or shutil.which("chromium-browser")
            browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            for name, url, width, dark, full in SHOTS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(base + url)
                if dark:
                    page.locator("label[for='__palette_1']").click()  # Material's palette toggle
                    page.wait_for_timeout(300)
                page.screenshot(path=HERE / name, full_page=full)
                page.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
