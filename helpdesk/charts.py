"""Charts drawn on the server as SVG: bars per category, or lines over time; no script, no CDN.

`Chart` is the data (categories along the axis, one or more named series of numbers); `chart_svg`
writes it. Right to left (Persian), the first category sits at the right and the value axis on the
right; numbers are written by the caller's `number` function (Persian digits in fa). Labels are
isolated (`unicode-bidi: plaintext`), since category names are names people gave.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape

# Colour-blind-safe palette (Okabe-Ito), readable on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#6f6f6f", "#F0E442")

WIDTH, HEIGHT = 900, 280
TOP, BOTTOM, AXIS, EDGE = 16, 44, 56, 12
CHAR_WIDTH = 9  # a label character's width at the labels' 15px, wide enough for Latin and Persian letters


@dataclass
class Series:
    name: str
    values: list[float | None]


@dataclass
class Chart:
    """What to draw: `kind` "bar" or "line", the category labels, the series (same length each)."""

    kind: str
    title: str
    categories: list[str]
    series: list[Series] = field(default_factory=list)
    # Shorter labels for the axis (dates as "Nov 5"); the categories' own when empty.
    axis_labels: list[str] = field(default_factory=list)
    # The categories are periods in order: a screen too narrow for the whole chart shows the latest first.
    over_time: bool = False

    def colour(self, index: int) -> str:
        return PALETTE[index % len(PALETTE)]

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for s in self.series for v in s.values)


def nice_ticks(top: float, count: int = 4, *, whole: bool = False) -> list[float]:
    """Round axis values from 0 to at least `top`: 0, 5, 10, 15, 20 rather than 0, 4.3, 8.6 ...;
    `whole`: steps of at least 1 (counts)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = max(top / count, 1.0) if whole else top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (m * magnitude for m in (1, 2, 2.5, 5, 10))
    step = next(s for s in steps if s >= raw and (not whole or float(s).is_integer()))  # no 2.5 tickets
    return [step * i for i in range(math.ceil(top / step) + 1)]


def _number_text(value: float, number: Callable[[str], str]) -> str:
    text = f"{value:,.0f}" if value == int(value) or abs(value) >= 100 else f"{value:,.2f}".rstrip("0")
    return number(text)


def _x_positions(count: int, rtl: bool) -> tuple[list[float], float]:
    """The centre of each category band and the band's width, mirrored right to left."""
    left, right = (EDGE, WIDTH - AXIS) if rtl else (AXIS, WIDTH - EDGE)
    band = (right - left) / max(count, 1)
    centres = [left + band * (i + 0.5) for i in range(count)]
    return (centres[::-1] if rtl else centres), band


def _axis(ticks: Sequence[float], y: Callable[[float], float], rtl: bool, number) -> list[str]:
    parts = []
    label_x, anchor = (WIDTH - AXIS + 6, "start") if rtl else (AXIS - 6, "end")
    left, right = (EDGE, WIDTH - AXIS) if rtl else (AXIS, WIDTH - EDGE)
    for tick in ticks:
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="chart-grid"/>')
        parts.append(
            f'<text x="{label_x}" y="{y(tick) + 4:.1f}" text-anchor="{anchor}" class="chart-tick">'
            f"{escape(_number_text(tick, number))}</text>"
        )
    return parts


def _category_labels(chart: Chart, centres: list[float], band: float, rtl: bool) -> list[str]:
    labels = chart.axis_labels or chart.categories
    step = max(1, math.ceil(len(labels) / 8))  # at most 8 labels along the axis, counted from the last
    room = max(6, int(band * step / CHAR_WIDTH))  # as many characters as the label's own space holds
    parts = []
    for index, (label, x) in enumerate(zip(labels, centres, strict=True)):
        if (len(labels) - 1 - index) % step == 0:  # the newest period always has its label
            shown = label if len(label) <= room else label[: room - 1] + "…"
            half = len(shown) * CHAR_WIDTH / 2  # kept whole inside the picture at either edge
            x = min(max(x, half), WIDTH - half)
            text = escape(shown)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" unicode-bidi="plaintext" '
                f'direction="{"rtl" if rtl else "ltr"}" class="chart-label">{text}</text>'
            )
    return parts


def _bars(chart: Chart, centres: list[float], band: float, y, rtl: bool) -> list[str]:
    parts = []
    count = len(chart.series)
    width = band * 0.8 / count
    for s_index, series in enumerate(chart.series):
        offset = (s_index - (count - 1) / 2) * width * (-1 if rtl else 1)
        for value, x in zip(series.values, centres, strict=True):
            if not value:
                continue
            top = y(value)
            parts.append(
                f'<rect x="{x + offset - width / 2:.1f}" y="{top:.1f}" width="{max(width - 1, 1):.1f}" '
                f'height="{y(0) - top:.1f}" fill="{chart.colour(s_index)}"/>'
            )
    return parts


def _lines(chart: Chart, centres: list[float], y) -> list[str]:
    parts = []
    for s_index, series in enumerate(chart.series):
        points = [f"{x:.1f},{y(v):.1f}" for v, x in zip(series.values, centres, strict=True) if v is not None]
        colour = chart.colour(s_index)
        if len(points) > 1:
            parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        if len(points) <= 40:
            parts += [f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3" fill="{colour}"/>' for p in points]
    return parts


def chart_svg(chart: Chart, *, rtl: bool = False, number: Callable[[str], str] = str) -> str:
    """The chart as an <svg> element (escaped text; safe to mark safe)."""
    values = [v for s in chart.series for v in s.values if v is not None]
    ticks = nice_ticks(float(max(values, default=0.0)), whole=all(float(v).is_integer() for v in values))
    scale = (HEIGHT - TOP - BOTTOM) / (ticks[-1] or 1)

    def y(value: float) -> float:
        return HEIGHT - BOTTOM - value * scale

    centres, band = _x_positions(len(chart.categories), rtl)
    body = _axis(ticks, y, rtl, number) + _category_labels(chart, centres, band, rtl)
    body += _bars(chart, centres, band, y, rtl) if chart.kind == "bar" else _lines(chart, centres, y)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(chart.title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>'
    )
