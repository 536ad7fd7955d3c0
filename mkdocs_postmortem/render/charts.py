"""Inline SVG charts, drawn at build time: no JavaScript, no CDN, readable in light and dark palettes.

Colours come from CSS classes (see `postmortem.css`), so the theme's palette applies. Every chart has
a `<title>` and a text table fallback is on the page next to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

_WIDTH, _HEIGHT, _LEFT, _BOTTOM, _TOP = 640, 220, 36, 28, 12


def _frame(title: str, body: list[str], height: int = _HEIGHT) -> Markup:
    svg = (
        f'<div class="postmortem-chart"><svg role="img" viewBox="0 0 {_WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg></div>"
    )
    return Markup(svg)


def _axis(maximum: int, plot_height: int) -> list[str]:
    parts = []
    steps = sorted({0, maximum // 2, maximum}) if maximum else [0]
    for value in steps:
        y = _TOP + plot_height - (value / maximum * plot_height if maximum else 0)
        parts.append(f'<line class="pm-grid" x1="{_LEFT}" x2="{_WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="pm-label" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    return parts


def _x_labels(labels: Sequence[str], step: float, offset: float) -> list[str]:
    every = max(1, len(labels) // 12)
    return [
        f'<text class="pm-label" x="{_LEFT + offset + i * step:.1f}" y="{_HEIGHT - 8}" text-anchor="middle">'
        f"{escape(label)}</text>"
        for i, label in enumerate(labels)
        if i % every == 0
    ]


def incidents_per_month(months: list[tuple[str, dict[str, int]]], css_class: Callable[[str], str]) -> Markup:
    """Stacked bars: incidents per month, by severity (each month's counts in the scale's order, most
    severe first; `css_class` colours a severity)."""
    if not months:
        return Markup("")
    plot_height = _HEIGHT - _TOP - _BOTTOM
    maximum = max(sum(counts.values()) for _, counts in months) or 1
    step = (_WIDTH - _LEFT) / len(months)
    bar = max(step * 0.7, 1)
    body = _axis(maximum, plot_height)
    for i, (month, counts) in enumerate(months):
        y: float = _TOP + plot_height
        for severity, count in counts.items():
            if not count:
                continue
            height = count / maximum * plot_height
            y -= height
            css = css_class(severity)
            body.append(
                f'<rect class="{css}" x="{_LEFT + i * step + (step - bar) / 2:.1f}" y="{y:.1f}" '
                f'width="{bar:.1f}" height="{height:.1f}"><title>{escape(month)}: {count} {severity}</title></rect>'
            )
    body += _x_labels([m for m, _ in months], step, step / 2)
    body += _legend([(severity, css_class(severity)) for severity in months[0][1]])
    return _frame("Incidents per month by severity", body)


def burndown(points: list[tuple[dt.date, int, int]]) -> Markup:
    """Two lines over time: open and closed action items."""
    if not points:
        return Markup("")
    plot_height = _HEIGHT - _TOP - _BOTTOM
    maximum = max(max(open_, closed) for _, open_, closed in points) or 1
    step = (_WIDTH - _LEFT - 10) / max(len(points) - 1, 1)
    body = _axis(maximum, plot_height)
    series = (("pm-open", [open_ for _, open_, _ in points]), ("pm-closed", [closed for _, _, closed in points]))
    for css, counts in series:
        coords = " ".join(
            f"{_LEFT + i * step:.1f},{_TOP + plot_height - count / maximum * plot_height:.1f}"
            for i, count in enumerate(counts)
        )
        body.append(f'<polyline class="{css}" fill="none" points="{coords}"/>')
    body += _x_labels([f"{day:%Y-%m}" for day, _, _ in points], step, 0)
    body += _legend([("open", "pm-open"), ("closed", "pm-closed")])
    return _frame("Open and closed action items over time", body)


def durations(rows: list[tuple[str, float | None, float | None]]) -> Markup:
    """Horizontal bars per incident: time to detect and time to mitigate, in hours."""
    rows = [row for row in rows if row[1] is not None or row[2] is not None]
    if not rows:
        return Markup("")
    line = 22
    height = _TOP + len(rows) * line + _BOTTOM
    label_width = 220
    maximum = max(max(v or 0 for v in (d, m)) for _, d, m in rows) or 1
    scale = (_WIDTH - label_width - 60) / maximum
    body = []
    for i, (label, detect, mitigate) in enumerate(rows):
        y = _TOP + i * line
        body.append(
            f'<text class="pm-label" x="{label_width - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
        )
        # The longer bar (mitigate) first, detect drawn over it.
        for value, css, name in ((mitigate, "pm-mitigate", "to mitigate"), (detect, "pm-detect", "to detect")):
            if value is None:
                continue
            body.append(
                f'<rect class="{css}" x="{label_width}" y="{y + 3}" width="{max(value * scale, 1):.1f}" '
                f'height="14"><title>{escape(label)}: {value:.1f} h {name}</title></rect>'
            )
        longest = max(v for v in (detect, mitigate) if v is not None)
        body.append(
            f'<text class="pm-label" x="{label_width + longest * scale + 6:.1f}" y="{y + 14}">'
            f"{_hours(detect)} / {_hours(mitigate)}</text>"
        )
    return _frame("Time to detect and to mitigate per incident, most recent first (hours)", body, height)


def _hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} h"


def _legend(items: list[tuple[str, str]]) -> list[str]:
    parts = []
    for i, (label, css) in enumerate(items):
        x = _LEFT + 8 + i * 90
        parts.append(f'<rect class="{css}" x="{x}" y="2" width="10" height="10"/>')
        parts.append(f'<text class="pm-label" x="{x + 14}" y="11">{escape(label)}</text>')
    return parts
