import xml.etree.ElementTree as ET

import pytest

from lms import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    return root


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if cls in (e.get("class") or "").split()]


def test_radar_draws_one_spoke_and_label_per_axis_and_one_polygon_per_series():
    svg = charts.radar(
        ["沟通", "<b>&", "投诉处理", "产品知识"],
        [
            charts.Series("要求", [2, 1, 3, 2], "#f79009", filled=False),
            charts.Series("当前", [3, 1, 0, 2], "#0b6e4f"),
        ],
        title="王雨桐 <script>",
        chart_id="r1",
    )
    root = parse(svg)
    assert len(by_class(root, "line", "axis")) == 4
    assert len(by_class(root, "text", "axis-label")) == 4
    assert len(by_class(root, "polygon", "series")) == 2
    assert len(by_class(root, "polygon", "ring")) == 3
    # Labels reach the markup escaped, and parse back to the original text.
    assert "&lt;b&gt;&amp;" in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "<script" not in svg
    labels = [e.text for e in by_class(root, "text", "axis-label")]
    assert labels == ["沟通", "<b>&", "投诉处理", "产品知识"]
    assert root.find(f"{SVG}title").text == "王雨桐 <script>"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "r1-title"


def test_radar_points_sit_on_the_value_ring():
    svg = charts.radar(["a", "b", "c", "d"], [charts.Series("x", [3, 0, 0, 0], "#000")], title="t")
    polygon = by_class(parse(svg), "polygon", "series")[0]
    first = polygon.get("points").split()[0]
    # Top spoke, full radius (140) above the centre (280, 200); zeros sit on the centre.
    assert first == "280.0,60.0"
    assert polygon.get("points").split()[1] == "280.0,200.0"


def test_radar_without_axes_draws_nothing():
    assert charts.radar([], [], title="t") == ""


def test_charts_carry_no_inline_style_or_script():
    markup = str(charts.radar(["a", "b", "c"], [charts.Series("x", [1, 2, 3], "#000")], title="t"))
    markup += str(charts.stacked_bars([("a", [1, 2, 0, 1])], [("n", "#fff")] * 4, title="t"))
    markup += str(charts.heat_grid(["t"], ["c"], [[1.5]], title="t"))
    assert "style=" not in markup and "<style" not in markup and "<script" not in markup
    assert "on" + "load=" not in markup and "onclick" not in markup


def test_stacked_bars_one_bar_per_row_one_segment_per_non_zero_count():
    segments = [
        ("未评定", "#f1f3f5"),
        ("基础", "#cfe8dc"),
        ("进阶", "#6fbf98"),
        ("专家", "#0b6e4f"),
    ]
    svg = charts.stacked_bars(
        [("<b>&", [0, 1, 2, 1]), ("投诉处理", [2, 1, 1, 0]), ("空", [0, 0, 0, 0])],
        segments,
        title="分布",
    )
    root = parse(svg)
    bars = by_class(root, "g", "bar")
    assert len(bars) == 3
    counts = [len(by_class(bar, "rect", "segment")) for bar in bars]
    assert counts == [3, 3, 0]
    widths = [float(r.get("width")) for r in by_class(bars[0], "rect", "segment")]
    assert widths == pytest.approx([95.0, 190.0, 95.0])  # 1/4, 2/4, 1/4 of 380
    assert "&lt;b&gt;&amp;" in svg
    titles = [r.find(f"{SVG}title").text for r in by_class(bars[0], "rect", "segment")]
    assert titles[1] == "<b>& · 进阶: 2 (50%)"


def test_heat_grid_one_cell_per_value_coloured_by_nearest_level():
    svg = charts.heat_grid(
        ["服饰组", "<i>"],
        ["沟通", "<b>&"],
        [[2.0, 0.3], [None, 2.6]],
        title="热力图",
    )
    root = parse(svg)
    cells = by_class(root, "g", "cell")
    assert len(cells) == 4
    fills = [c.find(f"{SVG}rect").get("fill") for c in cells]
    assert fills == [charts.LEVEL_FILLS[2], charts.LEVEL_FILLS[0], "#ffffff", charts.LEVEL_FILLS[3]]
    shown = [c.find(f"{SVG}text").text for c in cells]
    assert shown == ["2", "0.3", "—", "2.6"]
    assert len(by_class(root, "text", "column-label")) == 2
    assert [e.text for e in by_class(root, "text", "row-label")] == ["服饰组", "<i>"]


def test_empty_charts_draw_nothing():
    assert charts.stacked_bars([], [], title="t") == ""
    assert charts.heat_grid([], ["c"], [], title="t") == ""
