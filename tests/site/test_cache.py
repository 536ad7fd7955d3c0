"""`mkdocs serve` rebuilds: one plugin instance, a parse cache keyed on content, a library that follows the files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from mkdocs_postmortem.plugin import PostMortemPlugin
from tests.conftest import as_agent, fixture_text, write_site

VALID = fixture_text("valid.md")


@pytest.fixture(autouse=True)
def fresh_plugin_cache() -> Iterator[None]:
    MkDocsConfig.plugins.plugin_cache.clear()  # MkDocs keeps plugin instances process-wide
    yield
    MkDocsConfig.plugins.plugin_cache.clear()


def rebuild(config_file: Path, first: bool = False) -> PostMortemPlugin:
    """What `mkdocs serve` does on a change: reload the config (reusing plugins) and build again."""
    config = load_config(str(config_file))
    if first:
        config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    plugin = config.plugins["postmortem"]
    assert isinstance(plugin, PostMortemPlugin)
    return plugin


def owners_page(root: Path) -> str:
    return (root / "site/postmortems/actions-by-owner/index.html").read_text(encoding="utf-8")


def test_rebuilds_reparse_only_what_changed(tmp_path: Path) -> None:
    config = write_site(tmp_path, {"postmortems/a.md": VALID, "postmortems/b.md": as_agent(VALID, "b-bot")})
    plugin = rebuild(config, first=True)
    assert (plugin.cache.parses, plugin.cache.hits) == (2, 0)

    assert rebuild(config) is plugin, "MkDocs did not reuse the plugin instance"
    assert (plugin.cache.parses, plugin.cache.hits) == (2, 2)

    a = tmp_path / "docs/postmortems/a.md"
    a.write_text(
        VALID.replace("Filter retrieval results by tenant", "Filter every retrieval result by tenant"), encoding="utf-8"
    )
    rebuild(config)
    assert (plugin.cache.parses, plugin.cache.hits) == (3, 3)  # a re-parsed, b reused
    assert "Filter every retrieval result by tenant" in owners_page(tmp_path)

    (tmp_path / "docs/postmortems/b.md").unlink()
    rebuild(config)
    assert (plugin.cache.parses, plugin.cache.hits) == (3, 4)
    assert plugin.library is not None and [e.path for e in plugin.library.entries] == ["docs/postmortems/a.md"]

    a.rename(tmp_path / "docs/postmortems/c.md")
    rebuild(config)
    assert (plugin.cache.parses, plugin.cache.hits) == (3, 5)  # same content, new name: no parse
    assert [e.path for e in plugin.library.entries] == ["docs/postmortems/c.md"]
    assert 'href="../c/#action-2"' in owners_page(tmp_path) and "../a/" not in owners_page(tmp_path)
