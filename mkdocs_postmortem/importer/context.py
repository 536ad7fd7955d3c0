"""What the section converters know of the page, and where they say what they inferred and left to do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..template import Template


@dataclass
class Context:
    """What the section converters know of the page."""

    template: Template
    incident_date: dt.date | None
    notes: list[str]  # inferred
    todo: list[str]
