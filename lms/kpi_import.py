"""Service KPI import: a CSV or XLSX file of per-agent results by day or week.

The import runs as a job (``ImportJob``, usually in a Celery task) in two passes:

1. Validation, outside any transaction: every row is checked and ``job.processed`` is
   written every ``PROGRESS_EVERY`` rows, so that the page polling the job sees the
   progress while it happens (writes inside one long transaction would stay invisible).
   No KPI row is touched in this pass.
2. Writing, in one short transaction, only if every row is valid: new and changed rows
   are upserted keyed by (agent, period, starts_on); rows whose values are already stored
   are left alone and counted as unchanged, so re-importing a file changes nothing.

A check-only job ("dry run") stops after the first pass and reports what would be created,
updated or left unchanged.

Values the file may hold (documented on the import page too):
- ``period``: day / week (日 / 周); a week's date may be any day of it and is stored as its
  Monday.
- ``fcr``: a share: 82 %, 82 or 0.82 all mean 82 %; a number up to 1 without a % sign
  is read as a fraction.
- ``csat``: a 1–5 score or a percentage. A number up to 5 without a % sign is a score and
  converts to (score − 1) × 25 % (5 → 100 %, 1 → 0 %); anything with a % sign, or above
  5, is a percentage.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ImportJob, Role, ServiceKPI, User
from .tabular import Column, RowError, TableRejected, read_table

MAX_ROWS = 20000
MAX_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 200
WRITE_BATCH = 500
JOBS_PER_PAGE = 20

COLUMNS = [
    Column("employee_no", ("工号", "员工编号"), required=True),
    Column("period", ("周期",), required=True),
    Column("date", ("日期",), required=True),
    Column("contacts", ("接待量",), required=True),
    Column(
        "frt_seconds",
        ("首次响应时长(秒)", "首次响应时长（秒）", "首次响应时长"),
        required=True,
    ),
    Column(
        "aht_seconds",
        ("平均处理时长(秒)", "平均处理时长（秒）", "平均处理时长"),
        required=True,
    ),
    Column("fcr", ("首次解决率",), required=True),
    Column("csat", ("满意度",), required=True),
    Column("complaints", ("投诉量",), required=True),
]

# Chinese headers, in the order of COLUMNS, for the downloadable template.
TEMPLATE_HEADERS = [
    "工号",
    "周期",
    "日期",
    "接待量",
    "首次响应时长(秒)",
    "平均处理时长(秒)",
    "首次解决率",
    "满意度",
    "投诉量",
]
# Example people (YS9001, YS9002) that no real roster or the demo uses: the template of
# the people import creates them, so the two templates can be tried one after the other.
TEMPLATE_ROWS = [
    ["YS9001", "周", "2026-01-05", 312, 35, 420, "82%", 4.6, 1],
    ["YS9001", "日", "2026-01-05", 58, 28.5, 395, 0.85, "96%", 0],
    ["YS9002", "week", "2026-01-07", 287, 41, 465, 79, 88, 2],
]

PERIODS = {
    "day": ServiceKPI.Period.DAY,
    "d": ServiceKPI.Period.DAY,
    "日": ServiceKPI.Period.DAY,
    "天": ServiceKPI.Period.DAY,
    "week": ServiceKPI.Period.WEEK,
    "w": ServiceKPI.Period.WEEK,
    "周": ServiceKPI.Period.WEEK,
}
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
SECONDS_MAX = Decimal("9999999.9")  # the field's 8 digits, one after the point
COUNT_MAX = 2_147_483_647
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")
VALUE_FIELDS = [
    "contacts",
    "first_response_seconds",
    "handling_seconds",
    "first_contact_resolution",
    "csat",
    "complaints",
]


class CellError(ValueError):
    """One cell's value is wrong; the message says why, for the user."""


@dataclass(frozen=True)
class KPIRow:
    line: int
    agent_id: int
    period: str
    starts_on: datetime.date
    values: dict  # field name -> Decimal or int, as stored

    @property
    def key(self) -> tuple[int, str, datetime.date]:
        return (self.agent_id, self.period, self.starts_on)


# --- Parsing one cell -------------------------------------------------------------------


def _number(text: str, label: str) -> Decimal:
    cleaned = text.replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise CellError(
            _("%(column)s: “%(value)s” is not a number.") % {"column": label, "value": text}
        ) from exc
    if not value.is_finite():
        raise CellError(
            _("%(column)s: “%(value)s” is not a number.") % {"column": label, "value": text}
        )
    if value < 0:
        raise CellError(_("%(column)s cannot be negative.") % {"column": label})
    return value


def parse_count(text: str, label: str) -> int:
    value = _number(text, label)
    if value != value.to_integral_value():
        raise CellError(_("%(column)s must be a whole number.") % {"column": label})
    if value > COUNT_MAX:
        raise CellError(_("%(column)s is too large.") % {"column": label})
    return int(value)


def parse_seconds(text: str, label: str) -> Decimal:
    value = _number(text, label).quantize(TENTH, rounding=ROUND_HALF_UP)
    if value > SECONDS_MAX:
        raise CellError(_("%(column)s is too large.") % {"column": label})
    return value


def _percent_text(text: str) -> tuple[str, bool]:
    stripped = text.strip().replace("％", "%")
    if stripped.endswith("%"):
        return stripped[:-1].strip(), True
    return stripped, False


def parse_fcr(text: str, label: str) -> Decimal:
    """82 %, 82 and 0.82 are all 82 %: a number up to 1 without % is a fraction."""
    number, has_percent = _percent_text(text)
    value = _number(number, label)
    if not has_percent and value <= 1:
        value *= 100
    if value > 100:
        raise CellError(_("%(column)s cannot be above 100 %%.") % {"column": label})
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def parse_csat(text: str, label: str) -> Decimal:
    """A number up to 5 without % is a 1–5 score, converted to (score − 1) × 25 %;
    otherwise a percentage (0–100)."""
    number, has_percent = _percent_text(text)
    value = _number(number, label)
    if not has_percent and value <= 5:
        if value < 1:
            raise CellError(
                _(
                    "%(column)s: a score must be between 1 and 5 "
                    "(write a percentage with a %% sign)."
                )
                % {"column": label}
            )
        value = (value - 1) * 25
    if value > 100:
        raise CellError(_("%(column)s cannot be above 100 %%.") % {"column": label})
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def parse_period(text: str) -> str:
    period = PERIODS.get(text.strip().lower())
    if period is None:
        raise CellError(_("Period “%(value)s” is not day or week (日 or 周).") % {"value": text})
    return period


def parse_date(text: str) -> datetime.date:
    match = DATE_RE.match(text.strip())
    if match is None and re.fullmatch(r"\d{8}", text.strip()):
        match = re.match(r"(\d{4})(\d{2})(\d{2})", text.strip())
    if match is None:
        raise CellError(_("Date “%(value)s” is not a date like 2026-01-05.") % {"value": text})
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise CellError(_("Date “%(value)s” does not exist.") % {"value": text}) from exc


def _labels() -> dict[str, str]:
    # Evaluated per call so that messages follow the active language.
    return {
        "contacts": _("Contacts"),
        "frt_seconds": _("First response time"),
        "aht_seconds": _("Handling time"),
        "fcr": _("First-contact resolution"),
        "csat": _("Satisfaction"),
        "complaints": _("Complaints"),
    }


def parse_row(
    line: int,
    cells: dict[str, str],
    agents: dict[str, int],
    today: datetime.date,
    *,
    others: set[str] | frozenset[str] = frozenset(),
) -> tuple[KPIRow | None, list[RowError]]:
    """One row checked in full: every problem in it, not just the first."""
    errors: list[RowError] = []
    labels = _labels()

    def check(parse, *args):
        try:
            return parse(*args)
        except CellError as exc:
            errors.append(RowError(line, str(exc)))
            return None

    number = cells.get("employee_no", "")
    agent_id = agents.get(number)
    if not number:
        errors.append(RowError(line, _("The employee number is missing.")))
    elif agent_id is None and number in others:
        errors.append(
            RowError(
                line,
                _("%(no)s is not an agent: service KPIs are kept for agents only.")
                % {"no": number},
            )
        )
    elif agent_id is None:
        errors.append(RowError(line, _("Unknown employee number “%(no)s”.") % {"no": number}))
    period = check(parse_period, cells.get("period", ""))
    day = check(parse_date, cells.get("date", ""))
    if day is not None and period == ServiceKPI.Period.WEEK:
        day -= datetime.timedelta(days=day.weekday())
    if day is not None and day > today:
        errors.append(RowError(line, _("The date %(date)s is in the future.") % {"date": day}))
    values = {}
    for column, field, parse in [
        ("contacts", "contacts", parse_count),
        ("frt_seconds", "first_response_seconds", parse_seconds),
        ("aht_seconds", "handling_seconds", parse_seconds),
        ("fcr", "first_contact_resolution", parse_fcr),
        ("csat", "csat", parse_csat),
        ("complaints", "complaints", parse_count),
    ]:
        text = cells.get(column, "")
        if not text:
            errors.append(RowError(line, _("%(column)s is missing.") % {"column": labels[column]}))
            continue
        values[field] = check(parse, text, labels[column])
    if errors:
        return None, errors
    return KPIRow(line, agent_id, period, day, values), []


# --- The job ----------------------------------------------------------------------------


FINISHED = (ImportJob.Status.DONE, ImportJob.Status.REJECTED, ImportJob.Status.FAILED)


def _set_progress(job: ImportJob, processed: int) -> None:
    job.processed = processed
    ImportJob.objects.filter(pk=job.pk).update(processed=processed)


def _finish(
    job: ImportJob, status: str, *, summary: dict | None = None, errors: list | None = None
) -> ImportJob:
    job.status = status
    job.summary = summary or {}
    job.errors = [e.as_dict() if isinstance(e, RowError) else e for e in errors or []]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "summary", "errors", "finished_at", "processed", "total"])
    return job


def _same(existing: ServiceKPI, row: KPIRow) -> bool:
    return all(getattr(existing, field) == row.values[field] for field in VALUE_FIELDS)


def kpi_import(*, job: ImportJob, progress_every: int = PROGRESS_EVERY) -> ImportJob:
    """Check, and unless a dry run, import the job's file. A finished job is left alone;
    a running one (its worker died) starts again from the file, which is safe because
    nothing is written before the last step."""
    if job.status in FINISHED:
        return job
    job.status = ImportJob.Status.RUNNING
    job.processed = 0
    job.save(update_fields=["status", "processed"])

    try:
        with job.file.open("rb") as upload:
            table = read_table(
                upload, job.original_name, COLUMNS, max_rows=MAX_ROWS, max_bytes=MAX_BYTES
            )
    except TableRejected as exc:
        return _finish(job, ImportJob.Status.REJECTED, errors=exc.errors)
    job.total = len(table.rows)
    job.save(update_fields=["total"])

    numbers = {cells.get("employee_no", "") for _line, cells in table.rows}
    people = User.objects.filter(employee_no__in=numbers - {""})
    agents = dict(people.filter(groups__name=Role.AGENT).values_list("employee_no", "pk"))
    others = set(people.exclude(pk__in=agents.values()).values_list("employee_no", flat=True))
    today = timezone.localdate()
    rows: list[KPIRow] = []
    errors: list[RowError] = []
    first_line: dict[tuple, int] = {}
    for index, (line, cells) in enumerate(table.rows, start=1):
        row, row_errors = parse_row(line, cells, agents, today, others=others)
        errors += row_errors
        if row is not None:
            if row.key in first_line:
                errors.append(
                    RowError(
                        line,
                        _("Same employee, period and date as line %(line)s.")
                        % {"line": first_line[row.key]},
                    )
                )
            else:
                first_line[row.key] = line
                rows.append(row)
        if index % progress_every == 0:
            _set_progress(job, index)
    job.processed = job.total
    if errors:
        return _finish(job, ImportJob.Status.REJECTED, summary={"rows": job.total}, errors=errors)
    _set_progress(job, job.total)

    with transaction.atomic():
        existing = _existing_for(rows)
        new, changed, unchanged = [], [], 0
        for row in rows:
            stored = existing.get(row.key)
            if stored is None:
                new.append(row)
            elif _same(stored, row):
                unchanged += 1
            else:
                changed.append(row)
        if not job.dry_run:
            _upsert(new + changed)
    summary = {
        "rows": job.total,
        "created": len(new),
        "updated": len(changed),
        "unchanged": unchanged,
    }
    return _finish(job, ImportJob.Status.DONE, summary=summary)


def _existing_for(rows: list[KPIRow]) -> dict[tuple, ServiceKPI]:
    """The stored KPIs that the rows may match, in one query per kind of period."""
    if not rows:
        return {}
    found: dict[tuple, ServiceKPI] = {}
    for period in {row.period for row in rows}:
        mine = [row for row in rows if row.period == period]
        stored = ServiceKPI.objects.filter(
            period=period,
            agent_id__in={row.agent_id for row in mine},
            starts_on__range=(min(r.starts_on for r in mine), max(r.starts_on for r in mine)),
        ).select_for_update()
        for kpi in stored:
            found[(kpi.agent_id, kpi.period, kpi.starts_on)] = kpi
    return found


def _upsert(rows: list[KPIRow]) -> None:
    # An upsert, not read-then-insert: another import of the same agents running at the
    # same moment cannot make this one fail on the unique constraint.
    objects = [
        ServiceKPI(agent_id=r.agent_id, period=r.period, starts_on=r.starts_on, **r.values)
        for r in rows
    ]
    ServiceKPI.objects.bulk_create(
        objects,
        batch_size=WRITE_BATCH,
        update_conflicts=True,
        unique_fields=["agent", "period", "starts_on"],
        update_fields=[*VALUE_FIELDS, "imported_at"],
    )


# --- Creating jobs and listing them ------------------------------------------------------


@transaction.atomic
def kpi_import_job_create(
    *, upload: UploadedFile, dry_run: bool, created_by: User | None
) -> ImportJob:
    """Store the file and queue its import once the job row is committed."""
    from .tasks import import_job_run  # tasks import services: import here, not above

    job = ImportJob(
        kind=ImportJob.Kind.KPI,
        dry_run=dry_run,
        original_name=upload.name[:200],
        created_by=created_by,
    )
    # The file is written to storage before the row that points at it is saved.
    job.file.save(upload.name, upload, save=False)
    job.save()
    transaction.on_commit(lambda: import_job_run.delay(job.pk))
    return job


def import_jobs_page(*, kind: str, page_number) -> Page:
    jobs = ImportJob.objects.filter(kind=kind).select_related("created_by")
    return Paginator(jobs, JOBS_PER_PAGE).get_page(page_number)


# --- The template -----------------------------------------------------------------------


def template_csv() -> bytes:
    """The template with Chinese headers and example rows, UTF-8 with a BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerows(TEMPLATE_ROWS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "KPI"
    sheet.append(TEMPLATE_HEADERS)
    for row in TEMPLATE_ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
