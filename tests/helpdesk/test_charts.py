"""The server-drawn SVG charts (helpdesk.charts): right-to-left order, axis steps, category labels."""

import re

from helpdesk.charts import CHAR_WIDTH, WIDTH, Chart, Series, chart_svg, nice_ticks


def _labels(svg: str) -> list[tuple[float, str]]:
    """(x, text) of each category label, left to right as drawn."""
    found = re.findall(r'<text x="([\d.]+)"[^>]*class="chart-label">([^<]*)</text>', svg)
    return sorted((float(x), text) for x, text in found)


def _ticks(svg: str) -> list[tuple[float, str]]:
    return [
        (float(x), text) for x, text in re.findall(r'<text x="([\d.]+)"[^>]*class="chart-tick">([^<]*)</text>', svg)
    ]


def test_persian_chart_puts_the_first_category_and_its_first_series_at_the_right_and_the_axis_right():
    chart = Chart(
        kind="bar",
        title="t",
        categories=["first", "second"],
        series=[Series(name="a", values=[3, 1]), Series(name="b", values=[2, 2])],
    )
    ltr, rtl = chart_svg(chart), chart_svg(chart, rtl=True)
    assert [text for _x, text in _labels(ltr)] == ["first", "second"]
    assert [text for _x, text in _labels(rtl)] == ["second", "first"]
    assert all(x < WIDTH / 2 for x, _t in _ticks(ltr)) and all(x > WIDTH / 2 for x, _t in _ticks(rtl))
    # Within a category, the first series' bar is on the reading side: left in English, right in Persian.
    bars = lambda svg, colour: [float(x) for x in re.findall(rf'<rect x="([\d.]+)"[^>]*fill="{colour}"', svg)]  # noqa: E731
    blue, orange = chart.colour(0), chart.colour(1)
    assert bars(ltr, blue)[0] < bars(ltr, orange)[0]
    assert bars(rtl, blue)[0] > bars(rtl, orange)[0]


def test_counts_get_whole_steps_on_the_axis_and_measures_get_fractions():
    assert nice_ticks(10, whole=True) == [0, 5, 10]  # not 0, 2.5, 5, 7.5, 10 tickets
    assert nice_ticks(6, whole=True) == [0, 2, 4, 6]
    assert nice_ticks(0.3) == [0, 0.1, 0.2, 0.30000000000000004]
    assert nice_ticks(100) == [0, 25, 50, 75, 100]
    chart = Chart(kind="line", title="t", categories=["a", "b"], series=[Series(name="n", values=[0, 10])])
    assert [text for _x, text in _ticks(chart_svg(chart))] == ["0", "5", "10"]


def test_a_lone_category_keeps_its_whole_name_and_many_share_the_width():
    name = "First-line support and escalations"
    alone = Chart(kind="bar", title="t", categories=[name], series=[Series(name="n", values=[4])])
    assert [text for _x, text in _labels(chart_svg(alone))] == [name]
    crowded = Chart(kind="bar", title="t", categories=[f"{name} {i}" for i in range(8)], series=[Series("n", [1] * 8)])
    labels = _labels(chart_svg(crowded))
    assert len(labels) == 8 and all(text.endswith("…") for _x, text in labels)
    gaps = [b[0] - a[0] for a, b in zip(labels, labels[1:], strict=False)]
    assert all(len(text) * CHAR_WIDTH <= min(gaps) for _x, text in labels)  # neighbours never overlap


def test_the_newest_period_is_labelled_and_labels_at_the_edges_stay_inside_the_picture():
    days = [f"Dec {day}" for day in range(1, 91)]
    chart = Chart(kind="line", title="t", categories=days, series=[Series(name="n", values=[1] * 90)])
    for rtl in (False, True):
        labels = _labels(chart_svg(chart, rtl=rtl))
        texts = [text for _x, text in labels]
        assert "Dec 90" in texts and len(texts) <= 8
        for x, text in labels:
            assert len(text) * CHAR_WIDTH / 2 <= x <= WIDTH - len(text) * CHAR_WIDTH / 2
