"""A tiny horizontal bar chart, rendered on the server as SVG.

No chart library and nothing the content security policy would block: no ``style``
attribute or element, no script; looks come from presentation attributes and the classes
``chart``, ``chart-bar``, ``chart-label`` and ``chart-value``. Every label is escaped.
The chart is decoration for sighted readers: the table beside it carries the same
numbers, so the SVG is one labelled image (``role="img"`` with a ``<title>``).
"""

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

LABEL_WIDTH = 180
BAR_WIDTH = 300
VALUE_WIDTH = 70
ROW_HEIGHT = 24
BAR_HEIGHT = 16
LABEL_CHARS = 24


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    rows: Sequence[tuple[str, float | Decimal | None]],
    *,
    title: str,
    unit: str = "",
    maximum: float | None = None,
) -> SafeString:
    """One bar per row, in the given order; a row without a value gets an empty bar and
    "—". ``maximum`` is the value of a full bar (default: the largest value)."""
    values = [None if value is None else float(value) for _label, value in rows]
    top = maximum or max((v for v in values if v is not None), default=0.0) or 1.0
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = max(len(rows), 1) * ROW_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, ((label, _value), value) in enumerate(zip(rows, values, strict=True)):
        y = index * ROW_HEIGHT
        text_y = y + ROW_HEIGHT // 2 + 4
        bar = 0.0 if value is None else max(min(value / top, 1.0), 0.0) * BAR_WIDTH
        shown = "—" if value is None else _number(value) + unit
        parts.append(
            f'<g><text class="chart-label" x="{LABEL_WIDTH - 6}" y="{text_y}" '
            f'text-anchor="end" font-size="12">{escape(_short(str(label)))}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y + (ROW_HEIGHT - BAR_HEIGHT) // 2}" '
            f'width="{bar:.1f}" height="{BAR_HEIGHT}" fill="#2f6fb0"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + bar + 4:.1f}" y="{text_y}" '
            f'font-size="12">{escape(shown)}</text></g>'
        )
    parts.append("</svg>")
    # Safe: every piece of text above went through escape().
    return mark_safe("".join(parts))
