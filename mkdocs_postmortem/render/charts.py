"""Inline SVG charts, drawn at build time: no JavaScript, no CDN, readable in light and dark palettes.

Each chart is a `<figure>`: an HTML legend, the chart drawn twice — a wide layout and one made for
narrow columns, CSS shows the one that fits the chart's own width (a container query in
`postmortem.css`), so its text is never smaller than 10 CSS px in any theme on screens from 320 px
up — a caption that says what it shows in a sentence, and its data as a table
(in a `<details>`), which screen readers and people who want the figures reach. Colours come from
CSS classes, so the theme's palette applies. Durations read as everywhere else: `24 h 35 min`.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..text import plural


@dataclass(frozen=True)
class Layout:
    """A chart's drawing area in SVG units (the SVG scales to its container's width) and its text size."""

    name: str  # `wide` or `narrow`: the CSS class `pm-chart-<name>` shows it at its widths
    width: int
    font: int  # text size in SVG units
    left: int  # room for the y axis' labels
    plot_height: int


# postmortem.css shows the wide layout in a chart 568 px wide or more, the narrow one below
# (`@container`). Wide: 640 units in 568–880 px, so 12 units are 10.7–16.5 px. Narrow: 360 units
# in 288 px (a 320 px screen's column) to 567 px, so 13 units are 10.4–20.5 px.
WIDE = Layout("wide", 640, 12, 40, 170)
NARROW = Layout("narrow", 360, 13, 34, 150)
LAYOUTS = (WIDE, NARROW)
_TOP = 10  # room above the highest gridline's label
_CHAR = 0.6  # a character's width in ems, a generous estimate for the theme's sans-serif digits and letters


def duration(delta: dt.timedelta | None) -> str:
    """A duration as every page and chart writes it: `24 h 35 min`, `45 min`; `–` for none."""
    if delta is None:
        return "–"
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def nice_ticks(maximum: float, count: int) -> list[float]:
    """Round axis steps (1, 2 or 5 times a power of ten) from 0 to at least `maximum`, about `count` of them."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if maximum >= 1:
        step = max(step, 1)
    top = math.ceil(maximum / step - 1e-9) * step
    return [round(i * step, 6) for i in range(round(top / step) + 1)]


def _number(value: float) -> str:
    return f"{value:g}"


def _text_width(text: str, layout: Layout) -> float:
    return len(text) * _CHAR * layout.font


def _figure(
    key: str,
    title: str,
    summary: str,
    legend: Sequence[tuple[str, str]],
    svgs: Sequence[str],
    table: tuple[Sequence[str], Sequence[Sequence[str]]],
) -> Markup:
    """The chart as a figure: legend, its SVG layouts, a one-sentence caption and its data table."""
    caption = f"pm-chart-{key}-caption"
    keys = "".join(
        f'<li><span class="pm-swatch {escape(css)}" aria-hidden="true"></span>{escape(label)}</li>'
        for label, css in legend
    )
    headers, rows = table
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return Markup(
        f'<figure class="postmortem-chart" id="pm-chart-{key}">'
        + (f'<ul class="pm-legend">{keys}</ul>' if legend else "")
        + "".join(svg.replace("{caption}", caption) for svg in svgs)
        + f'<figcaption id="{caption}"><strong>{escape(title)}.</strong> {escape(summary)}</figcaption>'
        + f'<details class="pm-chart-data"><summary>{escape(title)}: the data</summary>'
        + f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details></figure>"
    )


def _svg(layout: Layout, height: float, title: str, body: list[str]) -> str:
    """One layout of a chart; the wide one carries the `<title>` (a tooltip), both are named by the caption."""
    tooltip = f"<title>{escape(title)}</title>" if layout is WIDE else ""
    return (
        f'<svg class="pm-chart-{layout.name}" role="img" aria-labelledby="{{caption}}" '
        f'viewBox="0 0 {layout.width} {height:.0f}" font-size="{layout.font}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">{tooltip}{"".join(body)}</svg>'
    )


def _y_axis(layout: Layout, ticks: list[float]) -> tuple[list[str], Callable[[float], float]]:
    """Gridlines and labels at `ticks`, and the function from a value to its y."""
    top, bottom = _TOP + layout.font / 2, _TOP + layout.font / 2 + layout.plot_height

    def y(value: float) -> float:
        return bottom - value / ticks[-1] * (bottom - top)

    parts = []
    for value in ticks:
        parts.append(
            f'<line class="pm-grid" x1="{layout.left}" x2="{layout.width}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
        )
        parts.append(
            f'<text class="pm-label" x="{layout.left - 5}" y="{y(value) + layout.font * 0.35:.1f}" '
            f'text-anchor="end">{_number(value)}</text>'
        )
    return parts, y


def _x_labels(layout: Layout, labels: Sequence[tuple[float, str]], baseline: float) -> list[str]:
    """Labels along the x axis, as many as fit without touching (the first always), none cut at the edges."""
    parts: list[str] = []
    right_of_last = -math.inf
    for x, label in labels:
        half = _text_width(label, layout) / 2
        centre = min(max(x, layout.left + half), layout.width - half)
        if centre - half < right_of_last + layout.font:
            continue
        parts.append(
            f'<text class="pm-label" x="{centre:.1f}" y="{baseline:.1f}" text-anchor="middle">{escape(label)}</text>'
        )
        right_of_last = centre + half
    return parts


def incidents_per_month(months: list[tuple[str, dict[str, int]]], css_class: Callable[[str], str]) -> Markup:
    """Stacked bars: incidents per month, by severity (each month's counts in the scale's order, most
    severe first; `css_class` colours a severity)."""
    if not months:
        return Markup("")
    totals = [sum(counts.values()) for _, counts in months]
    severities = list(months[0][1])
    svgs = []
    for layout in LAYOUTS:
        ticks = nice_ticks(max(totals), 4)
        body, y = _y_axis(layout, ticks)
        step = (layout.width - layout.left) / len(months)
        bar = max(step * 0.7, 1)
        for i, (month, counts) in enumerate(months):
            stacked = 0
            for severity, count in counts.items():
                if not count:
                    continue
                top = y(stacked + count)
                body.append(
                    f'<rect class="{css_class(severity)}" x="{layout.left + i * step + (step - bar) / 2:.1f}" '
                    f'y="{top:.1f}" width="{bar:.1f}" height="{y(stacked) - top:.1f}">'
                    f"<title>{escape(month)}: {count} {escape(severity)}</title></rect>"
                )
                stacked += count
        baseline = y(0) + layout.font * 1.4
        body += _x_labels(layout, [(layout.left + (i + 0.5) * step, m) for i, (m, _) in enumerate(months)], baseline)
        svgs.append(_svg(layout, baseline + layout.font * 0.4, "Incidents per month by severity", body))
    busiest = max(range(len(months)), key=lambda i: (totals[i], i))
    span = f"in {months[0][0]}" if len(months) == 1 else f"from {months[0][0]} to {months[-1][0]}"
    summary = f"{plural(sum(totals), 'incident')} {span}" if sum(totals) else f"No incidents {span}"
    if sum(totals) and len(months) > 1:
        summary += f"; the most in {months[busiest][0]} ({totals[busiest]})"
    summary += "."
    rows = [
        [month, *(str(counts[s]) for s in severities), str(total)] for (month, counts), total in zip(months, totals)
    ]
    return _figure(
        "incidents",
        "Incidents per month by severity",
        summary,
        [(severity, css_class(severity)) for severity in severities],
        svgs,
        (["Month", *severities, "Total"], rows),
    )


def burndown(points: list[tuple[dt.date, int, int]]) -> Markup:
    """Two lines over time, open and closed action items, each point a month's end (the last one today).

    The lines start at zero on the first day of the first month (of the month before when the first
    point is a 1st), before any post-mortem of the library was written, so a library of one month draws
    a line too; every point is also marked, and labelled below with its month.
    """
    if not points:
        return Markup("")
    first = points[0][0].replace(day=1)
    if first == points[0][0]:
        first = (first - dt.timedelta(days=1)).replace(day=1)
    series = [(first, 0, 0), *points]
    span = max((series[-1][0] - first).days, 1)
    svgs = []
    for layout in LAYOUTS:
        ticks = nice_ticks(max(max(o, c) for _, o, c in series), 4)
        body, y = _y_axis(layout, ticks)
        right = layout.width - layout.font  # room for the last point's marker

        def x(day: dt.date, layout: Layout = layout, right: float = right) -> float:
            return layout.left + (day - first).days / span * (right - layout.left)

        for css, counts, name in (
            ("pm-closed", [(day, c) for day, _, c in series], "closed"),
            ("pm-open", [(day, o) for day, o, _ in series], "open"),
        ):
            coords = " ".join(f"{x(day):.1f},{y(count):.1f}" for day, count in counts)
            body.append(f'<polyline class="{css}" fill="none" points="{coords}"/>')
            body += [
                f'<circle class="{css}" cx="{x(day):.1f}" cy="{y(count):.1f}" r="3">'
                f"<title>{day}: {count} {name}</title></circle>"
                for day, count in counts[1:]
            ]
        baseline = y(0) + layout.font * 1.4
        body += _x_labels(layout, [(x(day), f"{day:%Y-%m}") for day, _, _ in points], baseline)
        svgs.append(_svg(layout, baseline + layout.font * 0.4, "Open and closed action items over time", body))
    last, peak = points[-1], max(points, key=lambda p: (p[1], p[0]))
    summary = f"On {last[0]}: {last[1]} open and {last[2]} closed."
    if len(points) > 1:
        month_end = (last[0] + dt.timedelta(days=1)).day == 1
        counted = "each month's end" + ("" if month_end else f" and on {last[0]}")
        summary += f" Of the counts at {counted}, the most open: {peak[1]}, on {peak[0]}."
    return _figure(
        "burndown",
        "Open and closed action items over time",
        summary,
        [("open", "pm-open"), ("closed", "pm-closed")],
        svgs,
        (["Date", "Open", "Closed"], [[str(day), str(o), str(c)] for day, o, c in points]),
    )


def durations(rows: list[tuple[str, dt.timedelta | None, dt.timedelta | None]]) -> Markup:
    """Horizontal bars per incident (its label, `agent YYYY-MM-DD`, above them): time to detect drawn
    over time to mitigate. A negative time (a timestamp before `started_at`) is not drawn, and the
    caption says so; the data table shows it as recorded."""
    rows = [row for row in rows if row[1] is not None or row[2] is not None]
    drawn = [(label, _drawable(d), _drawable(m)) for label, d, m in rows]
    drawn = [row for row in drawn if row[1] is not None or row[2] is not None]
    if not rows:
        return Markup("")
    minutes = [max((_minutes(v) for v in (d, m) if v is not None), default=0) for _, d, m in drawn]
    values = [f"{duration(d)} / {duration(m)}" for _, d, m in drawn]
    svgs = []
    for layout in LAYOUTS:
        line = layout.font * 1.3
        row_height = line + 16 + 8
        ticks = _duration_ticks(max(minutes, default=0), 3 if layout is NARROW else 5)
        room = max((_text_width(v, layout) for v in values), default=0) + 6
        scale = (layout.width - room - 1) / ticks[-1]
        top = 4.0
        bottom = top + len(drawn) * row_height
        body = []
        for tick in ticks:
            x = 1 + tick * scale
            body.append(f'<line class="pm-grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{bottom:.1f}"/>')
        for i, ((label, detect, mitigate), text) in enumerate(zip(drawn, values)):
            y = top + i * row_height
            body.append(_row_label(label, layout, y + layout.font))
            bars = [
                (v, css, name)
                for v, css, name in ((mitigate, "pm-mitigate", "to mitigate"), (detect, "pm-detect", "to detect"))
                if v is not None
            ]
            for value, css, name in sorted(bars, key=lambda bar: -bar[0]):  # the shorter drawn over the longer
                width = max(_minutes(value) * scale, 1)
                body.append(
                    f'<rect class="{css}" x="1" y="{y + line:.1f}" width="{width:.1f}" height="14">'
                    f"<title>{escape(label)}: {duration(value)} {name}</title></rect>"
                )
            end = 1 + minutes[i] * scale + 6
            body.append(f'<text class="pm-label" x="{end:.1f}" y="{y + line + 11:.1f}">{escape(text)}</text>')
        baseline = bottom + layout.font * 1.2
        labels = [(1 + tick * scale, _tick_label(tick, ticks)) for tick in ticks]
        body += _x_labels(Layout(layout.name, layout.width, layout.font, 0, layout.plot_height), labels, baseline)
        svgs.append(
            _svg(
                layout,
                baseline + layout.font * 0.4,
                "Time to detect and to mitigate per incident, most recent first",
                body,
            )
        )
    detects = [d for _, d, _ in drawn if d is not None]
    mitigates = [m for _, _, m in drawn if m is not None]
    summary = (
        f"The latest {plural(len(drawn), 'incident')} with response timestamps, newest first: median "
        f"{duration(_median(detects))} to detect and {duration(_median(mitigates))} to mitigate"
        if drawn
        else "No response time to draw"
    )
    if mitigates:
        label, _, longest = max(drawn, key=lambda row: row[2] or dt.timedelta())
        summary += f"; the longest to mitigate: {label}, {duration(longest)}"
    negative = [
        f"{label} {name}"
        for label, d, m in rows
        for value, name in ((d, "to detect"), (m, "to mitigate"))
        if value is not None and _drawable(value) is None
    ]
    if negative:
        summary += f"; not drawn, being negative (a timestamp before started_at): {', '.join(negative)}"
    summary += "."
    return _figure(
        "durations",
        "Time to detect and to mitigate",
        summary,
        [("time to detect", "pm-detect"), ("time to mitigate", "pm-mitigate")],
        svgs,
        (
            ["Incident", "Time to detect", "Time to mitigate"],
            [[label, duration(d), duration(m)] for label, d, m in rows],
        ),
    )


def _drawable(value: dt.timedelta | None) -> dt.timedelta | None:
    """A time as the chart draws it: none when negative."""
    return value if value is None or value >= dt.timedelta() else None


def _minutes(value: dt.timedelta) -> float:
    return value.total_seconds() / 60


def _duration_ticks(longest: float, count: int) -> list[int]:
    """Axis steps in minutes from 0 to at least `longest` (minutes), about `count` of them: 5, 10, 15 or
    30 minutes below two hours, whole hours (1, 2 or 5 times a power of ten) from two hours up."""
    if longest >= 120:
        return [round(hours * 60) for hours in nice_ticks(longest / 60, count)]
    step = next((s for s in (5, 10, 15) if math.ceil(longest / s - 1e-9) <= count), 30)
    return list(range(0, max(math.ceil(longest / step - 1e-9), 1) * step + 1, step))


def _tick_label(minutes: int, ticks: list[int]) -> str:
    """An axis label in the one duration format: `45 min`, `1 h 30 min`; `5 h` on an axis of whole hours."""
    return f"{minutes // 60} h" if ticks[1] % 60 == 0 else duration(dt.timedelta(minutes=minutes))


def _row_label(label: str, layout: Layout, y: float) -> str:
    """An incident's label above its bars, its agent shortened with `…` to fit (the date kept), the
    whole label then its tooltip."""
    room = layout.width - 2
    shown = label
    if _text_width(label, layout) > room:
        agent, space, date = label.rpartition(" ")
        head, tail = (agent, space + date) if space else (label, "")
        keep = max(int((room - _text_width("…" + tail, layout)) / (_CHAR * layout.font)), 0)
        shown = head[:keep].rstrip() + "…" + tail
    text = f'<text class="pm-label pm-strong" x="1" y="{y:.1f}">{escape(shown)}</text>'
    return text if shown == label else f"<g><title>{escape(label)}</title>{text}</g>"


def _median(values: list[dt.timedelta]) -> dt.timedelta | None:
    # typeshed's `median` takes numbers only; timedeltas have the `+` and `/ 2` it uses
    return statistics.median(values) if values else None  # type: ignore[type-var]
