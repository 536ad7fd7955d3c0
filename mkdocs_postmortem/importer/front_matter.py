"""Front matter: the original's read (dates left as text), the new page's written, its placeholders."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from ..metadata import FRONT_MATTER_RE
from .dates import YMD, make_date

AGENT_PLACEHOLDER = "[Agent ID]"
SEVERITY_PLACEHOLDER = "[Severity]"
DATE_PLACEHOLDER = "[YYYY-MM-DD]"


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text (as `metadata` reads the front matter)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def date_value(value: object) -> dt.date | None:
    """A front-matter date: `2024-03-02`, `2024-03-02 10:00`, Material's `{created: …}`."""
    if isinstance(value, dict):
        value = value.get("created", next(iter(value.values()), None))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = YMD.match(value.strip())
        return make_date(int(match[1]), int(match[2]), int(match[3])) if match else None
    return None


def is_slug(value: str) -> bool:
    return re.fullmatch(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*", value) is not None


def dump(metadata: dict[str, Any]) -> str:
    return yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)


def split_front_matter(text: str) -> tuple[dict[str, Any], str | None, int, int]:
    """The original's front matter (as MkDocs finds it): its keys, or its text when it is not a YAML
    mapping; where the body starts, and how many lines the block spans."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return {}, None, 0, 0
    try:
        loaded = yaml.load(match.group(1), Loader=_Loader)  # noqa: S506 — a SafeLoader
    except yaml.YAMLError:
        loaded = None
    lines = match.group(0).count("\n")
    if isinstance(loaded, dict):
        return {str(key): value for key, value in loaded.items()}, None, match.end(), lines
    return {}, match.group(1), match.end(), lines
