"""Reading uploaded tables (CSV or XLSX) and writing safe exports, for every import and
export in the project.

Reading: CSV in UTF-8 (with or without a BOM) or GB18030/GBK (what Excel saves on a
Chinese Windows); XLSX through openpyxl, first sheet, values only. Headers may be given in
English or Chinese (``Column.aliases``); the header is line 1 and every data row keeps the
line number the user sees in their spreadsheet. Anything wrong with the file as a whole
raises ``TableRejected`` with line-numbered errors.

Writing: ``cell_safe`` neutralises cells that a spreadsheet would run as a formula.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Column:
    name: str  # the canonical name used in code and in the English template
    aliases: tuple[str, ...] = ()  # other accepted headers, e.g. the Chinese one
    required: bool = False


@dataclass
class RowError:
    line: int
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


class TableRejected(ValidationError):
    """The file cannot be imported; ``errors`` lists every problem with its line number.
    Nothing was saved."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(
            [
                ValidationError(
                    _("Line %(line)s: %(message)s") % {"line": e.line, "message": e.message},
                    code="import",
                )
                for e in errors
            ]
        )


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line, cells)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableRejected(
        [RowError(0, _("The file is neither UTF-8 nor GBK text: save the CSV as UTF-8."))]
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_decode(data))))


def _xlsx_rows(data: bytes, max_rows: int) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableRejected([RowError(0, _("This is not a readable .xlsx file."))]) from exc
    sheet = workbook.worksheets[0]
    # No further than the limit allows: a small file can unpack to millions of rows.
    return [list(row) for row in sheet.iter_rows(values_only=True, max_row=max_rows + 2)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):  # XLSX dates come as datetimes at midnight
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_table(
    upload: IO[bytes],
    filename: str,
    columns: list[Column],
    *,
    max_rows: int = 20000,
    max_bytes: int = 10 * 1024 * 1024,
) -> Table:
    """The data rows of a CSV or XLSX upload, keyed by canonical column names."""
    name = filename.lower()
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TableRejected(
            [RowError(0, _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // 2**20})]
        )
    if name.endswith(".csv"):
        rows = _csv_rows(data)
    elif name.endswith(".xlsx"):
        rows = _xlsx_rows(data, max_rows)
    else:
        raise TableRejected([RowError(0, _("Upload a .csv or .xlsx file."))])
    if not rows:
        raise TableRejected([RowError(1, _("The file is empty."))])
    known = {}
    for column in columns:
        for header in (column.name, *column.aliases):
            known[header.strip().lower()] = column.name
    header = [known.get(_cell(h).lower(), "") for h in rows[0]]
    unknown = [
        _cell(h) for h, canonical in zip(rows[0], header, strict=True) if _cell(h) and not canonical
    ]
    missing = [c.name for c in columns if c.required and c.name not in header]
    errors = []
    if missing:
        errors.append(
            RowError(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        )
    if unknown:
        errors.append(
            RowError(1, _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
        )
    if errors:
        raise TableRejected(errors)
    table = Table()
    for line, values in enumerate(rows[1:], start=2):
        cells = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
        if any(cells.values()):
            table.rows.append((line, cells))
    if not table.rows:
        raise TableRejected([RowError(2, _("The file has no rows under its header."))])
    if len(table.rows) > max_rows:
        raise TableRejected([RowError(0, _("At most %(max)s rows per file.") % {"max": max_rows})])
    return table


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value):
    """A value for a CSV or XLSX cell that a spreadsheet shows as text, never runs: text
    starting like a formula gets a leading apostrophe. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
