"""Small server-rendered SVG charts: a radar, horizontal stacked bars and a heat grid.

No chart library and no script: the page's CSP forbids inline scripts and styles, so the
markup uses SVG presentation attributes (``fill=``, ``stroke=``), which CSP allows, and
classes. Every label is escaped here, because the result is marked safe for templates.
Each chart carries a ``<title>`` for assistive technology; the pages also put the same
numbers in a table beside the chart, which is the accessible form of the data.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The level colours of static/css/app.css (--lvl0 … --lvl3), repeated because SVG fills
# cannot read CSS custom properties through presentation attributes.
LEVEL_FILLS = ("#f1f3f5", "#cfe8dc", "#6fbf98", "#0b6e4f")
INK = "#1f2933"
LINE = "#e4e7eb"
LABEL_CHARS = 14


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    colour: str
    filled: bool = True


def _e(text: object) -> str:
    return str(escape(str(text)))


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _svg(chart_id: str, title: str, width: int, height: int, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_e(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{_e(chart_id)}-title">'
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text above went through _e()


def radar(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    max_value: int = 3,
    title: str,
    chart_id: str = "radar",
) -> SafeString:
    """One spoke per axis, rings at 1..max_value, one polygon per series.

    Fewer than three axes still draw (a line or a point); no axes draw nothing.
    """
    if not axes:
        return mark_safe("")
    width, height, radius = 560, 440, 140
    cx, cy = width / 2, 200
    n = len(axes)

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / n
        r = radius * max(0.0, min(value, max_value)) / max_value
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def points(values: Sequence[float]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))

    body = []
    for ring in range(1, max_value + 1):
        body.append(
            f'<polygon class="ring" points="{points([ring] * n)}" fill="none" stroke="{LINE}"/>'
        )
    for i, label in enumerate(axes):
        x, y = point(i, max_value)
        body.append(
            f'<line class="axis" x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke="{LINE}"/>'
        )
        lx, ly = point(i, max_value * 1.12)
        cos = (lx - cx) / (radius * 1.12)
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        body.append(
            f'<text class="axis-label" x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" '
            f'font-size="12" fill="{INK}">{_e(_short(label))}<title>{_e(label)}</title></text>'
        )
    for s in series:
        fill = f'fill="{s.colour}" fill-opacity="0.25"' if s.filled else 'fill="none"'
        dash = "" if s.filled else ' stroke-dasharray="6 4"'
        body.append(
            f'<polygon class="series" points="{points(s.values)}" {fill} '
            f'stroke="{s.colour}" stroke-width="2"{dash}><title>{_e(s.label)}</title></polygon>'
        )
    for i, s in enumerate(series):
        y = height - 40 + 20 * (i // 2)
        x = 40 + 260 * (i % 2)
        body.append(
            f'<rect class="legend" x="{x}" y="{y - 10}" width="14" height="10" '
            f'fill="{s.colour}"/><text x="{x + 20}" y="{y}" font-size="12" '
            f'fill="{INK}">{_e(s.label)}</text>'
        )
    return _svg(chart_id, title, width, height, body)


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[int]]],
    segments: Sequence[tuple[str, str]],
    *,
    title: str,
    chart_id: str = "bars",
) -> SafeString:
    """One horizontal bar per row, split into ``segments`` (label, fill) by share of its total.

    A row whose total is 0 draws an empty track.
    """
    if not rows:
        return mark_safe("")
    label_w, bar_w, row_h, top = 170, 380, 26, 30
    width = label_w + bar_w + 20
    height = top + row_h * len(rows) + 20
    body = []
    for i, (label, fill) in enumerate(segments):
        x = label_w + 95 * i
        body.append(
            f'<rect class="legend" x="{x}" y="6" width="14" height="10" fill="{fill}"/>'
            f'<text x="{x + 18}" y="16" font-size="12" fill="{INK}">{_e(label)}</text>'
        )
    for r, (label, counts) in enumerate(rows):
        y = top + r * row_h
        total = sum(counts)
        body.append(
            f'<g class="bar"><text x="{label_w - 8}" y="{y + 16}" text-anchor="end" '
            f'font-size="12" fill="{INK}">{_e(_short(label, 16))}<title>{_e(label)}</title></text>'
            f'<rect class="track" x="{label_w}" y="{y + 3}" width="{bar_w}" height="18" '
            f'fill="none" stroke="{LINE}"/>'
        )
        x = float(label_w)
        for (segment, fill), count in zip(segments, counts, strict=True):
            if not count:
                continue
            w = bar_w * count / total
            share = round(100 * count / total)
            body.append(
                f'<rect class="segment" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="18" '
                f'fill="{fill}"><title>{_e(label)} · {_e(segment)}: {count} ({share}%)</title>'
                f"</rect>"
            )
            x += w
        body.append("</g>")
    return _svg(chart_id, title, width, height, body)


def heat_grid(
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    max_value: int = 3,
    title: str,
    chart_id: str = "grid",
) -> SafeString:
    """Rows × columns of cells coloured by the nearest level; ``None`` is an empty cell."""
    if not row_labels or not column_labels:
        return mark_safe("")
    label_w, cell_w, cell_h, top = 150, 46, 28, 110
    width = label_w + cell_w * len(column_labels) + 20
    height = top + cell_h * len(row_labels) + 10
    body = []
    for c, label in enumerate(column_labels):
        x = label_w + c * cell_w + cell_w / 2
        body.append(
            f'<text class="column-label" x="{x:.1f}" y="{top - 8}" font-size="12" fill="{INK}" '
            f'transform="rotate(-45 {x:.1f} {top - 8})">{_e(_short(label))}'
            f"<title>{_e(label)}</title></text>"
        )
    for r, (label, row) in enumerate(zip(row_labels, values, strict=True)):
        y = top + r * cell_h
        body.append(
            f'<text class="row-label" x="{label_w - 8}" y="{y + 18}" text-anchor="end" '
            f'font-size="12" fill="{INK}">{_e(_short(label, 16))}<title>{_e(label)}</title></text>'
        )
        for c, value in enumerate(row):
            x = label_w + c * cell_w
            bucket = 0 if value is None else max(0, min(max_value, round(value)))
            fill = "#ffffff" if value is None else LEVEL_FILLS[min(bucket, len(LEVEL_FILLS) - 1)]
            shown = "—" if value is None else _num(round(value, 1))
            ink = "#ffffff" if bucket >= 3 else INK
            body.append(
                f'<g class="cell"><rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" '
                f'fill="{fill}" stroke="{LINE}"><title>{_e(label)} · '
                f"{_e(column_labels[c])}: {shown}</title></rect>"
                f'<text x="{x + cell_w / 2:.1f}" y="{y + 18}" text-anchor="middle" '
                f'font-size="12" fill="{ink}">{shown}</text></g>'
            )
    return _svg(chart_id, title, width, height, body)
