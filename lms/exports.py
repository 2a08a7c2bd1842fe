"""Every table the app shows can be downloaded as CSV or XLSX, the same way.

CSV is UTF-8 with a BOM (so Excel opens Chinese correctly); XLSX is written with
openpyxl's streaming writer. Text cells that a spreadsheet would run as a formula are
neutralised (``lms.tabular.cell_safe``); numbers stay numbers in XLSX.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

from .tabular import cell_safe

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Aggregates come back with the database's digits (97.2100000000000): the value,
        # not its storage, without trailing zeros.
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a number, negative or not, is data, never a formula
    return str(cell_safe(str(value)))


def csv_response(headers: Sequence[str], rows: Iterable[Sequence], filename: str):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([_text(h) for h in headers])
        for row in rows:
            yield writer.writerow([_text(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    return cell_safe(str(value))


def xlsx_response(headers: Sequence[str], rows: Iterable[Sequence], filename: str):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([_xlsx_value(h) for h in headers])
    for row in rows:
        sheet.append([_xlsx_value(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_response(
    fmt: str, headers: Sequence[str], rows: Iterable[Sequence], filename: str
) -> HttpResponse | StreamingHttpResponse:
    """``fmt`` is "csv" or "xlsx" (anything else: CSV)."""
    if fmt == "xlsx":
        return xlsx_response(headers, rows, filename)
    return csv_response(headers, rows, filename)


def export_links(request) -> dict[str, str]:
    """The page's own query (filters kept, page dropped) with ``format`` set, per format:
    what the "Download: CSV · XLSX" links point at."""
    query = request.GET.copy()
    query.pop("page", None)
    links = {}
    for fmt in FORMATS:
        query["format"] = fmt
        links[fmt] = f"?{query.urlencode()}"
    return links
