"""The one helper for plurals and the one for slugs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mkdocs_postmortem.library import action_anchor
from mkdocs_postmortem.render.exports import _uid_part
from mkdocs_postmortem.render.pages import agent_anchor
from mkdocs_postmortem.text import plural, slugify


@pytest.mark.parametrize(
    ("count", "noun", "form", "text"),
    [
        (1, "day", None, "1 day"),
        (3, "day", None, "3 days"),
        (0, "post-mortem", None, "0 post-mortems"),
        (2, "info", "info", "2 info"),
        (1, "info", "info", "1 info"),
        (2, "business day", None, "2 business days"),
    ],
)
def test_plural(count: int, noun: str, form: str | None, text: str) -> None:
    assert plural(count, noun, form) == text


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Finance Bot / EU", "finance-bot-eu"), ("  A1  ", "a1"), ("--", ""), ("Straße", "strasse"), ("Zoë", "zo")],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_anchors_and_uids_are_as_before() -> None:
    """The slugs that links and calendar subscriptions depend on read as they always have."""
    assert (
        agent_anchor("finance-invoice-recon") == "agent-finance-invoice-recon" and agent_anchor("!!") == "agent-unknown"
    )
    assert action_anchor(SimpleNamespace(number=" #A 2 "), 5) == "action-a-2"  # type: ignore[arg-type]
    assert action_anchor(SimpleNamespace(number=""), 5) == "action-5"  # type: ignore[arg-type]
    # Non-ASCII characters of a file name stay separators in a UID (`ß` is not `ss` there).
    assert _uid_part("postmortems/2026-09-03 Straße.md") == "postmortems-2026-09-03-stra-e"
