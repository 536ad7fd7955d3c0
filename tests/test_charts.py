"""The charts tell the truth: round ticks, a first month that draws, labels under their points, nothing
cut off, one duration format, no negative bar, captions in good English, colours that stand out in
every palette, and a text alternative for each."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from mkdocs_postmortem.render import charts
from mkdocs_postmortem.render.charts import LAYOUTS, duration, nice_ticks

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)
CSS = (Path(charts.__file__).parent / "assets/postmortem.css").read_text(encoding="utf-8")


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


def test_text_is_at_least_ten_css_pixels_at_the_chart_widths_the_stylesheet_shows_each_layout_at() -> None:
    # postmortem.css shows the narrow layout in a chart up to its container query's width, the wide one
    # from the next pixel; a chart is 288 px wide at least (a 320 px screen). The browser tests measure it.
    (widest_narrow,) = map(int, re.findall(r"@container \(max-width: (\d+)px\)", CSS))
    wide, narrow = LAYOUTS
    assert wide.font * (widest_narrow + 1) / wide.width >= 10
    assert narrow.font * 288 / narrow.width >= 10
    assert "@media" not in CSS.split("/* Charts")[1], "the layout follows the chart's width, not the screen's"


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


def test_captions_count_in_good_english() -> None:
    one_month = figure(charts.incidents_per_month([("2026-09", {"Sev-1": 1, "Sev-2": 0})], lambda n: "pm-sev-1"))
    assert one_month.figcaption.get_text() == "Incidents per month by severity. 1 incident in 2026-09."
    two = figure(charts.incidents_per_month([("2026-09", {"Sev-1": 1}), ("2026-10", {"Sev-1": 2})], str))
    assert "3 incidents from 2026-09 to 2026-10; the most in 2026-10 (2)." in two.figcaption.get_text()
    one_incident = figure(charts.durations([("a 2026-10-19", 20 * MIN, 45 * MIN)]))
    assert "The latest 1 incident with response timestamps" in one_incident.figcaption.get_text()


def test_the_burndown_labels_each_point_with_its_own_month_and_says_what_it_counted() -> None:
    points = [(dt.date(2026, 7, 31), 3, 0), (dt.date(2026, 8, 31), 12, 1), (dt.date(2026, 9, 20), 7, 6)]
    fig = figure(charts.burndown(points))
    for svg in layouts(fig).values():
        circles = [(float(c["cx"]), c.title.get_text()) for c in svg.find_all("circle", class_="pm-open")]
        labels = [t for t in svg.find_all("text") if t.get("text-anchor") == "middle"]
        assert labels
        for label in labels:  # the point nearest a month's label is that month's
            _, title = min(circles, key=lambda circle: abs(circle[0] - float(label["x"])))
            assert title.startswith(label.get_text()), (label.get_text(), title)
    assert fig.figcaption.get_text().endswith(
        "On 2026-09-20: 7 open and 6 closed. Of the counts at each month's end and on 2026-09-20, "
        "the most open: 12, on 2026-08-31."
    )
    month_end = figure(charts.burndown(points[:2])).figcaption.get_text()
    assert "Of the counts at each month's end, the most open: 12, on 2026-08-31." in month_end


def test_a_first_point_on_the_first_of_a_month_still_draws_a_line() -> None:
    fig = figure(charts.burndown([(dt.date(2026, 11, 1), 4, 0)]))
    for svg in layouts(fig).values():
        for line in svg.find_all("polyline"):
            (x0, _), (x1, _) = (tuple(map(float, p.split(","))) for p in line["points"].split())
            assert x1 - x0 > 100, "the line starts on the month before"


def test_long_agent_names_are_shortened_to_fit_keeping_the_date_and_the_whole_label_as_a_tooltip() -> None:
    label = "clinical-intake-and-triage-assistant-for-emergency-departments-of-the-eu-west-region-hospitals 2026-10-19"
    fig = figure(charts.durations([(label, 25 * MIN, 50 * MIN), ("short-bot 2026-10-01", H, 2 * H)]))
    for name, svg in layouts(fig).items():
        width, font = float(svg["viewbox"].split()[2]), float(svg["font-size"])
        shown = [t.get_text() for t in svg.find_all("text", class_="pm-strong")]
        assert shown[1] == "short-bot 2026-10-01"
        assert shown[0].startswith("clinical-intake") and shown[0].endswith("… 2026-10-19"), (name, shown[0])
        assert 1 + len(shown[0]) * 0.6 * font <= width
        group = svg.find("text", class_="pm-strong").parent
        assert group.name == "g" and group.title.get_text() == label
    assert label in fig.figcaption.get_text() or label in fig.select_one("details").get_text()


def test_response_times_under_two_hours_step_in_minutes() -> None:
    fig = figure(charts.durations([("a 2026-10-19", 1 * MIN, 20 * MIN), ("b 2026-10-18", 2 * MIN, 9 * MIN)]))
    for svg in layouts(fig).values():
        axis = [t.get_text() for t in svg.find_all("text", attrs={"text-anchor": "middle"})]
        assert axis[0] == "0 min" and all(re.fullmatch(r"\d+ min", label) for label in axis), axis
    longer = figure(charts.durations([("a 2026-10-19", 20 * MIN, 95 * MIN)]))
    axis = [t.get_text() for t in layouts(longer)["wide"].find_all("text", attrs={"text-anchor": "middle"})]
    assert axis == ["0 min", "30 min", "1 h 00 min", "1 h 30 min", "2 h 00 min"]
    assert not re.search(r"\d\.\d", fig.get_text(" ") + longer.get_text(" "))


def test_a_negative_time_draws_no_bar_and_the_caption_says_so() -> None:
    fig = figure(charts.durations([("a 2026-10-19", -90 * MIN, 2 * H), ("b 2026-10-18", 30 * MIN, H)]))
    for svg in layouts(fig).values():
        assert all(float(rect["width"]) > 1 for rect in svg.find_all("rect"))
        assert [r.title.get_text() for r in svg.find_all("rect") if r.title.get_text().startswith("a ")] == [
            "a 2026-10-19: 2 h 00 min to mitigate"
        ]
        assert "-90 min" not in svg.get_text()
    caption = fig.figcaption.get_text()
    assert "not drawn, being negative (a timestamp before started_at): a 2026-10-19 to detect." in caption
    assert "median 30 min to detect" in caption  # the negative time is in no median
    assert fig.select("details tr")[1].get_text("|") == "a 2026-10-19|-90 min|2 h 00 min"  # the data as recorded


BACKGROUNDS = {"light": ["#ffffff"], "dark": ["#1e2029", "#212529"]}  # white; Material's slate, Bootstrap's dark
DARK = ':is([data-md-color-scheme="slate"], [data-bs-theme="dark"])'


def contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        red, green, blue = (channel(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_chart_colour_stands_out_three_to_one_in_each_palette() -> None:
    light = dict(re.findall(r"^\.(pm-[a-z0-9-]+) \{ --pm-colour: (#[0-9a-f]{6}); \}", CSS, re.M))
    dark = dict(re.findall(rf"^{re.escape(DARK)} \.(pm-[a-z0-9-]+) \{{ --pm-colour: (#[0-9a-f]{{6}}); \}}", CSS, re.M))
    assert set(light) == set(dark) >= {"pm-sev-1", "pm-sev-4", "pm-open", "pm-closed", "pm-detect", "pm-mitigate"}
    for scheme, colours in (("light", light), ("dark", dark)):
        for name, colour in colours.items():
            for background in BACKGROUNDS[scheme]:
                ratio = contrast(colour, background)
                assert ratio >= 3, f"{scheme}: .{name} {colour} on {background} is {ratio:.2f}:1"
        # time to detect is drawn over time to mitigate: the two must tell apart
        assert contrast(colours["pm-detect"], colours["pm-mitigate"]) >= 1.5
