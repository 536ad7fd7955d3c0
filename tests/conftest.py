"""Shared helpers: checking text with the core, writing temporary sites, running MkDocs for real."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mkdocs_postmortem.checker import Checker, Settings
from mkdocs_postmortem.model import Finding

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
TODAY = dt.date(2026, 9, 20)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def as_agent(text: str, agent: str) -> str:
    """The same post-mortem about another agent (so it is not a duplicate of the original)."""
    return text.replace("agent: support-triage-bot", f"agent: {agent}", 1)


def check_text(text: str | bytes, path: str = "pm.md", today: dt.date = TODAY, **options: object) -> list[Finding]:
    """All findings the core reports for one page."""
    source = text.encode("utf-8") if isinstance(text, str) else text
    return Checker(Settings(today=today, **options)).check(path, source).findings  # type: ignore[arg-type]


def write_site(
    root: Path,
    pages: dict[str, str | bytes],
    options: dict[str, object] | None = None,
    extra: dict[str, object] | None = None,
) -> Path:
    """A temporary MkDocs project; returns the path of its mkdocs.yml."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    for name, content in pages.items():
        target = docs / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    config: dict[str, object] = {
        "site_name": "Test library",
        "theme": {"name": "mkdocs"},
        "plugins": [{"postmortem": {"today": TODAY.isoformat(), **(options or {})}}],
    }
    config.update(extra or {})
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def run_mkdocs(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`mkdocs ARGS` in a subprocess, as a user would run it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def valid_text() -> str:
    return fixture_text("valid.md")


# Hypothesis: a quick default for CI; `--hypothesis-profile=long` for a thorough run.
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile("ci", max_examples=150, deadline=None)
hypothesis_settings.register_profile("long", max_examples=5_000, deadline=None)
hypothesis_settings.load_profile("ci")
