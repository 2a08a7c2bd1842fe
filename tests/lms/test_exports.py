import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lms.exports import table_response
from lms.tabular import cell_safe

ROWS = [
    ["王小明", '=HYPERLINK("http://evil")', Decimal("82.50"), 3, datetime.date(2026, 11, 23)],
    ["+86 138", "-2+3", "@SUM(A1)", -3, "plain"],
]
HEADERS = ["姓名", "备注", "满意度", "投诉量", "日期"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("王小明", "王小明"),
        (5, 5),
        (Decimal("-1.5"), Decimal("-1.5")),
    ],
)
def test_cell_safe_neutralises_text_that_looks_like_a_formula(value, expected):
    assert cell_safe(value) == expected


def test_the_csv_export_has_a_bom_chinese_text_and_no_live_formulas():
    response = table_response("csv", HEADERS, ROWS, "report")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == HEADERS
    assert rows[1] == ["王小明", '\'=HYPERLINK("http://evil")', "82.5", "3", "2026-11-23"]
    assert rows[2] == ["'+86 138", "'-2+3", "'@SUM(A1)", "-3", "plain"]  # a number stays one


def test_the_xlsx_export_keeps_numbers_and_dates_and_stores_formulas_as_text():
    response = table_response("xlsx", HEADERS, ROWS, "report")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert values[1][0] == "王小明"
    assert values[1][1] == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=2).data_type == "s"  # text, not a formula
    assert values[1][2] == pytest.approx(82.5) and values[1][3] == 3
    assert values[1][4].date() == datetime.date(2026, 11, 23)
    assert values[2][:3] == ["'+86 138", "'-2+3", "'@SUM(A1)"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_decimals_are_written_without_the_databases_trailing_digits():
    rows = [[Decimal("97.2100000000000"), Decimal("85.00"), Decimal("-0.50"), Decimal("120")]]

    body = b"".join(table_response("csv", ["a", "b", "c", "d"], rows, "r").streaming_content)

    assert body.decode("utf-8-sig").splitlines()[1] == "97.21,85,-0.5,120"
