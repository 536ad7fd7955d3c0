"""The charts tell the truth: round ticks, a first month that draws, nothing cut off, one duration format,
and a text alternative for each."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from bs4 import BeautifulSoup, Tag

from mkdocs_postmortem.render import charts
from mkdocs_postmortem.render.charts import LAYOUTS, duration, nice_ticks

H = dt.timedelta(hours=1)


def figure(markup: str) -> Tag:
    found = BeautifulSoup(markup, "html.parser").find("figure")
    assert isinstance(found, Tag)
    return found


def layouts(fig: Tag) -> dict[str, Tag]:
    return {svg["class"][0].removeprefix("pm-chart-"): svg for svg in fig.find_all("svg")}


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (19, [0, 5, 10, 15, 20]),
        (3, [0, 1, 2, 3]),
        (2, [0, 1, 2]),
        (1, [0, 1]),
        (0, [0, 1]),
        (25.4, [0, 10, 20, 30]),
        (240, [0, 50, 100, 150, 200, 250]),
    ],
)
def test_axis_ticks_are_round_steps(maximum: float, ticks: list[float]) -> None:
    assert nice_ticks(maximum, 4 if maximum < 25 else 5) == ticks


def test_durations_read_as_on_every_page() -> None:
    assert duration(dt.timedelta(hours=24, minutes=35)) == "24 h 35 min"
    assert duration(dt.timedelta(minutes=45)) == "45 min"
    assert duration(None) == "–"


def test_a_first_month_draws_a_visible_line_from_zero() -> None:
    fig = figure(charts.burndown([(dt.date(2026, 11, 26), 7, 2)]))
    for svg in layouts(fig).values():
        for line in svg.find_all("polyline"):
            points = [tuple(map(float, p.split(","))) for p in line["points"].split()]
            assert len(set(points)) == 2, "a one-point polyline draws nothing"
            (x0, _), (x1, _) = points
            assert x1 - x0 > 100, "the line spans the month"
        assert {c.title.get_text() for c in svg.find_all("circle")} == {"2026-11-26: 7 open", "2026-11-26: 2 closed"}
    assert "On 2026-11-26: 7 open and 2 closed" in fig.figcaption.get_text()


def estimated_extent(text: Tag, font: float) -> tuple[float, float]:
    width = len(text.get_text()) * 0.6 * font
    x = float(text["x"])
    anchor = text.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return left, left + width


def test_no_label_is_cut_at_an_edge_and_labels_never_touch() -> None:
    months = [(f"2026-{m:02d}", {"Sev-1": m % 3, "Sev-2": 1}) for m in range(1, 13)]
    points = [(dt.date(2026, m, 28), m, 2 * m) for m in range(1, 13)]
    times = [(f"clinical-intake-assistant 2026-10-{d:02d}", 24.6 * H, 25.2 * H) for d in range(1, 5)]
    drawn = [
        charts.incidents_per_month(months, lambda name: "pm-sev-1"),
        charts.burndown(points),
        charts.durations(times),  # type: ignore[arg-type]
    ]
    for markup in drawn:
        for name, svg in layouts(figure(markup)).items():
            width = float(svg["viewbox"].split()[2])
            font = float(svg["font-size"])
            extents = []
            for text in svg.find_all("text"):
                left, right = estimated_extent(text, font)
                assert left >= -0.5 and right <= width + 0.5, f"{name}: {text.get_text()!r} is cut"
                extents.append((float(text["y"]), left, right))
            bottom_row = sorted((left, right) for y, left, right in extents if y == max(e[0] for e in extents))
            assert all(a[1] < b[0] for a, b in itertools.pairwise(bottom_row)), f"{name}: x labels overlap"


def test_text_is_at_least_ten_css_pixels_on_the_widths_each_layout_is_shown_at() -> None:
    # The wide layout is shown from 600 px screens (a column of 568 px or more), the narrow one on
    # 320–599 px screens (a column of 288–567 px): postmortem.css.
    wide, narrow = LAYOUTS
    assert wide.font * 568 / wide.width >= 10
    assert narrow.font * 288 / narrow.width >= 10


def test_the_response_chart_has_a_legend_and_one_duration_format() -> None:
    fig = figure(
        charts.durations([("a 2026-10-19", dt.timedelta(hours=24, minutes=35), dt.timedelta(hours=25, minutes=10))])
    )
    assert [li.get_text() for li in fig.select(".pm-legend li")] == ["time to detect", "time to mitigate"]
    text = fig.get_text(" ")
    assert "24 h 35 min / 25 h 10 min" in text and not re.search(r"\d+\.\d h", text)


@pytest.mark.parametrize(
    ("markup", "headers"),
    [
        (
            charts.incidents_per_month([("2026-11", {"Sev-1": 1, "Sev-2": 0})], lambda n: "pm-sev-1"),
            ["Month", "Sev-1", "Sev-2", "Total"],
        ),
        (charts.burndown([(dt.date(2026, 11, 26), 1, 0)]), ["Date", "Open", "Closed"]),
        (charts.durations([("a 2026-10-19", H, 2 * H)]), ["Incident", "Time to detect", "Time to mitigate"]),
    ],
)
def test_each_chart_has_a_summary_and_its_data_as_a_table(markup: str, headers: list[str]) -> None:
    fig = figure(markup)
    caption = fig.find("figcaption")
    assert caption is not None and caption.get_text().strip().endswith(".")
    for svg in fig.find_all("svg"):
        assert svg["role"] == "img" and svg["aria-labelledby"] == caption["id"]
    table = fig.select_one("details table")
    assert table is not None and [th.get_text() for th in table.find_all("th")] == headers
    assert len(table.find_all("tr")) == 2


def test_no_data_no_chart() -> None:
    assert charts.incidents_per_month([], str) == "" and charts.burndown([]) == "" and charts.durations([]) == ""
