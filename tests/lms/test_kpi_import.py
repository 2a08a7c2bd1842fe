"""Service KPI import: reading (CSV, XLSX, Chinese headers, BOM, GBK), every value's rules,
line-numbered errors that save nothing, dry runs, idempotency, progress, the job task,
the pages and their permissions; and the demo KPI data."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms import kpi_import, tasks
from lms.kpi_demo import demo_weeks, seed_kpi_demo
from lms.kpi_import import CellError, parse_csat, parse_fcr
from lms.models import ImportJob, Role, ServiceKPI
from tests.lms.factories import UserFactory

pytestmark = pytest.mark.django_db

ZH_HEADER = "工号,周期,日期,接待量,首次响应时长(秒),平均处理时长(秒),首次解决率,满意度,投诉量"
EN_HEADER = "employee_no,period,date,contacts,frt_seconds,aht_seconds,fcr,csat,complaints"


@pytest.fixture
def staff(db):
    """Two agents with known employee numbers."""
    return (
        UserFactory(employee_no="YS0001", display_name="王雨桐"),
        UserFactory(employee_no="YS0002", display_name="李思远"),
    )


def csv_bytes(*lines: str, header: str = ZH_HEADER, encoding: str = "utf-8-sig") -> bytes:
    return "\n".join([header, *lines]).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(data: bytes, name: str = "kpi.csv", *, dry_run: bool = False, by=None, **kw):
    """A job created as the page does, then run as the task does."""
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.KPI,
        dry_run=dry_run,
        original_name=name,
        file=SimpleUploadedFile(name, data),
        created_by=by,
    )
    return kpi_import.kpi_import(job=job, **kw)


def stored() -> list[tuple]:
    return list(
        ServiceKPI.objects.order_by("agent__employee_no", "period", "starts_on").values_list(
            "agent__employee_no",
            "period",
            "starts_on",
            "contacts",
            "first_response_seconds",
            "handling_seconds",
            "first_contact_resolution",
            "csat",
            "complaints",
        )
    )


GOOD = csv_bytes(
    "YS0001,周,2026-01-07,312,35,420,82%,4.6,1",  # a Wednesday: stored as Monday 5 Jan
    "YS0001,日,2026-01-07,58,28.5,395,0.85,96%,0",
    "YS0002,week,2026-01-11,287,41,465,79,88,2",  # a Sunday: still the week of 5 Jan
)


# --- Reading ------------------------------------------------------------------------------


def test_a_csv_with_chinese_headers_and_a_bom_is_imported(staff):
    job = run_import(GOOD)

    assert job.status == ImportJob.Status.DONE
    assert job.summary == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert stored() == [
        (
            "YS0001",
            "day",
            datetime.date(2026, 1, 7),
            58,
            Decimal("28.5"),
            Decimal("395.0"),
            Decimal("85.00"),
            Decimal("96.00"),
            0,
        ),
        (
            "YS0001",
            "week",
            datetime.date(2026, 1, 5),
            312,
            Decimal("35.0"),
            Decimal("420.0"),
            Decimal("82.00"),
            Decimal("90.00"),  # a 4.6 score: (4.6 - 1) * 25
            1,
        ),
        (
            "YS0002",
            "week",
            datetime.date(2026, 1, 5),
            287,
            Decimal("41.0"),
            Decimal("465.0"),
            Decimal("79.00"),
            Decimal("88.00"),
            2,
        ),
    ]


def test_an_xlsx_file_with_english_headers_is_imported(staff):
    data = xlsx_bytes(
        [
            EN_HEADER.split(","),
            ["YS0002", "week", datetime.datetime(2026, 2, 4), 200, 30, 300, 0.9, 5, 0],
        ]
    )
    job = run_import(data, "kpi.xlsx")

    assert job.status == ImportJob.Status.DONE, job.errors
    kpi = ServiceKPI.objects.get()
    assert (kpi.agent, kpi.starts_on, kpi.first_contact_resolution, kpi.csat) == (
        staff[1],
        datetime.date(2026, 2, 2),
        Decimal("90.00"),
        Decimal("100.00"),
    )


def test_a_gbk_encoded_csv_is_read_correctly(staff):
    job = run_import(csv_bytes("YS0001,周,2026-01-05,100,30,300,80,4,1", encoding="gbk"))

    assert job.status == ImportJob.Status.DONE, job.errors
    assert ServiceKPI.objects.get().csat == Decimal("75.00")


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("5", "100.00"),
        ("1", "0.00"),
        ("4.6", "90.00"),
        ("3", "50.00"),
        ("96%", "96.00"),
        ("96 ％", "96.00"),
        ("96", "96.00"),
        ("5%", "5.00"),  # a percent sign makes it a percentage, however small
    ],
)
def test_csat_accepts_a_score_or_a_percentage(text, percent):
    assert parse_csat(text, "CSAT") == Decimal(percent)


@pytest.mark.parametrize("text", ["0.5", "101", "120%", "-3", "好"])
def test_csat_refuses_what_is_neither(text):
    with pytest.raises(CellError):
        parse_csat(text, "CSAT")


@pytest.mark.parametrize("text", ["0.82", "82", "82%", "82.0 %"])
def test_fcr_accepts_a_fraction_or_a_percentage(text):
    assert parse_fcr(text, "FCR") == Decimal("82.00")


# --- Refusals -----------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_saved(staff):
    run_import(csv_bytes("YS0001,周,2026-01-05,100,30,300,80,90%,1"))
    before = stored()
    job = run_import(
        csv_bytes(
            "YS0002,周,2026-01-12,100,30,300,80,90%,1",  # 2: fine on its own
            "YS9999,周,2026-01-12,100,30,300,80,90%,1",  # 3: unknown employee
            "YS0001,周,2026-01-12,一百,30,300,80,90%,1",  # 4: not a number
            "YS0001,周,2026-01-19,100,-5,300,80,90%,1",  # 5: negative
            "YS0001,周,2026-01-26,100,30,300,120%,90%,1",  # 6: FCR above 100 %
            "YS0002,周,2026-01-14,100,30,300,80,90%,1",  # 7: same week as line 2
            "YS0001,月,2026-01-05,100,30,300,80,90%,1",  # 8: no such period
            "YS0001,日,2026-02-30,100,30,300,80,90%,1.5",  # 9: no such day, half a complaint
            "YS0001,日,2099-01-01,100,30,300,80,,1",  # 10: future, CSAT missing
        )
    )

    assert job.status == ImportJob.Status.REJECTED
    lines = [e["line"] for e in job.errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9, 9, 10, 10]
    messages = {e["line"]: e["message"] for e in job.errors}
    assert "YS9999" in messages[3]
    assert "一百" in messages[4]
    assert "第 2 行" in messages[7] or "line 2" in messages[7]
    assert stored() == before


def test_a_file_with_unknown_columns_is_rejected_on_line_1(staff):
    job = run_import(csv_bytes("YS0001,周,2026-01-05,1", header="工号,周期,日期,备注"))

    assert job.status == ImportJob.Status.REJECTED
    assert {e["line"] for e in job.errors} == {1}
    assert not ServiceKPI.objects.exists()


# --- Dry run and idempotency --------------------------------------------------------------


def test_a_dry_run_reports_what_would_change_and_writes_nothing(staff):
    run_import(csv_bytes("YS0001,周,2026-01-05,312,35,420,82%,4.6,1"))
    before = stored()

    job = run_import(GOOD, dry_run=True)

    assert job.status == ImportJob.Status.DONE
    assert job.summary == {"rows": 3, "created": 2, "updated": 0, "unchanged": 1}
    assert stored() == before


def test_importing_the_same_file_again_changes_nothing(staff):
    run_import(GOOD)
    before = stored()
    stamps = list(ServiceKPI.objects.order_by("pk").values_list("imported_at", flat=True))

    job = run_import(GOOD)

    assert job.summary == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    assert stored() == before
    assert list(ServiceKPI.objects.order_by("pk").values_list("imported_at", flat=True)) == stamps


def test_a_changed_value_updates_the_stored_row(staff):
    run_import(GOOD)
    job = run_import(csv_bytes("YS0001,周,2026-01-09,312,35,420,82%,4.8,1"))

    assert job.summary == {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}
    kpi = ServiceKPI.objects.get(agent=staff[0], period="week")
    assert kpi.csat == Decimal("95.00")
    assert ServiceKPI.objects.count() == 3


def test_progress_is_written_as_rows_are_checked_and_reaches_the_total(staff, monkeypatch):
    seen = []
    original = kpi_import._set_progress

    def spy(job, processed):
        original(job, processed)
        seen.append(ImportJob.objects.get(pk=job.pk).processed)

    monkeypatch.setattr(kpi_import, "_set_progress", spy)
    lines = [f"YS0001,日,2026-03-{day:02d},100,30,300,80,90%,1" for day in range(1, 8)]

    job = run_import(csv_bytes(*lines), progress_every=3)

    assert seen == [3, 6, 7]
    job.refresh_from_db()
    assert (job.processed, job.total, job.percent) == (7, 7, 100)


# --- The task -----------------------------------------------------------------------------


def _queued(data: bytes = GOOD, **fields) -> ImportJob:
    defaults = {"kind": ImportJob.Kind.KPI, "original_name": "kpi.csv"}
    return ImportJob.objects.create(
        file=SimpleUploadedFile("kpi.csv", data), **{**defaults, **fields}
    )


def test_the_task_runs_a_queued_job_and_leaves_a_finished_one_alone(staff):
    job = _queued()
    assert tasks.import_job_run.delay(job.pk).get() == ImportJob.Status.DONE
    assert ServiceKPI.objects.count() == 3

    ServiceKPI.objects.all().delete()
    assert tasks.import_job_run.delay(job.pk).get() == ImportJob.Status.DONE
    assert not ServiceKPI.objects.exists()


def test_an_unexpected_error_marks_the_job_failed_with_a_message(staff, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(kpi_import, "kpi_import", broken)
    job = _queued()

    tasks.import_job_run.delay(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["line"] == 0 and job.errors[0]["message"]
    assert job.finished_at is not None
    assert not ServiceKPI.objects.exists()


# --- Pages --------------------------------------------------------------------------------


def test_hr_uploads_a_file_and_follows_the_job_to_its_summary(
    client, hr, staff, django_capture_on_commit_callbacks
):
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("kpis:import"), {"file": SimpleUploadedFile("一月.csv", GOOD)}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kpis:import-job", args=[job.pk])
    assert (job.created_by, job.dry_run, job.original_name) == (hr, False, "一月.csv")
    assert ServiceKPI.objects.count() == 3

    page = client.get(response["Location"]).content.decode()
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    for html in (page, fragment):
        assert 'id="summary-created">3<' in html
        assert 'hx-trigger="every 1s"' not in html  # finished: the polling stops
    assert "<html" not in fragment


def test_the_job_fragment_polls_and_shows_progress_while_running(client, hr, staff):
    job = _queued(status=ImportJob.Status.RUNNING, total=40, processed=10)
    client.force_login(hr)

    fragment = client.get(
        reverse("kpis:import-job", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()

    assert 'hx-trigger="every 1s"' in fragment
    assert '<progress value="10" max="40">' in fragment
    assert "25%" in fragment


def test_a_rejected_job_page_lists_every_error_with_its_line(
    client, hr, staff, django_capture_on_commit_callbacks
):
    client.force_login(hr)
    bad = csv_bytes("YS9999,周,2026-01-05,1,1,1,1,1,1", "YS0001,周,2026-01-05,x,1,1,1,1,1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("kpis:import"), {"file": SimpleUploadedFile("b.csv", bad)})

    html = client.get(response["Location"]).content.decode()

    assert '<td class="num">2</td>' in html and "YS9999" in html
    assert '<td class="num">3</td>' in html
    assert not ServiceKPI.objects.exists()


def test_check_only_from_the_page_saves_nothing(
    client, hr, staff, django_capture_on_commit_callbacks
):
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("kpis:import"), {"file": SimpleUploadedFile("k.csv", GOOD), "dry_run": "on"}
        )

    job = ImportJob.objects.get()
    assert job.dry_run and job.summary["created"] == 3
    assert not ServiceKPI.objects.exists()


def test_a_file_of_another_type_is_refused_on_the_form(client, hr):
    client.force_login(hr)
    response = client.post(reverse("kpis:import"), {"file": SimpleUploadedFile("k.txt", b"x")})

    assert response.status_code == 200
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["agent", "team_lead", "trainer", "mentor"])
def test_only_hr_reaches_the_import_pages(client, request, hr, who):
    job = _queued()
    client.force_login(request.getfixturevalue(who))
    urls = [
        reverse("kpis:import"),
        reverse("kpis:import-job", args=[job.pk]),
        reverse("kpis:import-template", args=["csv"]),
    ]
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    response = client.post(reverse("kpis:import"), {"file": SimpleUploadedFile("k.csv", GOOD)})
    assert response.status_code == 404
    assert ImportJob.objects.count() == 1

    client.force_login(hr)
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]


def test_a_people_job_is_not_shown_on_the_kpi_job_page(client, hr):
    job = _queued(kind=ImportJob.Kind.PEOPLE)
    client.force_login(hr)
    assert client.get(reverse("kpis:import-job", args=[job.pk])).status_code == 404


def test_the_templates_import_as_they_are(client, hr):
    # The template's example agents, as the people import template creates them.
    UserFactory(employee_no="YS9001")
    UserFactory(employee_no="YS9002")
    client.force_login(hr)
    csv_file = client.get(reverse("kpis:import-template", args=["csv"])).content
    xlsx_file = client.get(reverse("kpis:import-template", args=["xlsx"])).content

    assert csv_file.startswith("\ufeff工号,周期,日期".encode())
    assert run_import(csv_file, dry_run=True).summary["created"] == 3
    assert run_import(xlsx_file, "t.xlsx").summary["created"] == 3


def _list_queries(client, hr, count: int) -> int:
    ImportJob.objects.all().delete()
    for n in range(count):
        _queued(created_by=UserFactory(roles=[Role.HR]), original_name=f"f{n}.csv")
    client.force_login(hr)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("kpis:import")).content.decode()
    assert html.count('id="import-') == count
    return len(ctx.captured_queries)


def test_the_import_list_query_count_is_fixed(client, hr):
    assert _list_queries(client, hr, 2) == _list_queries(client, hr, 9)


def test_the_import_list_shows_an_empty_state(client, hr):
    client.force_login(hr)
    assert "empty" in client.get(reverse("kpis:import")).content.decode()


# --- Demo data ----------------------------------------------------------------------------

TODAY = datetime.date(2026, 11, 25)  # a Wednesday


def _demo_values() -> dict:
    return {
        (k.agent_id, k.starts_on): (
            k.contacts,
            k.first_response_seconds,
            k.handling_seconds,
            k.first_contact_resolution,
            k.csat,
            k.complaints,
        )
        for k in ServiceKPI.objects.all()
    }


def test_demo_kpis_cover_twelve_complete_weeks_deterministically_and_once(staff, hr):
    weeks = demo_weeks(TODAY)
    assert (weeks[0], weeks[-1], len(weeks)) == (
        datetime.date(2026, 8, 31),
        datetime.date(2026, 11, 16),
        12,
    )

    assert seed_kpi_demo(today=TODAY) == 24  # two agents; HR has no KPIs
    first = _demo_values()
    assert seed_kpi_demo(today=TODAY) == 0
    assert _demo_values() == first

    ServiceKPI.objects.filter(starts_on=weeks[-1]).delete()
    assert seed_kpi_demo(today=TODAY) == 2
    assert _demo_values() == first
    for contacts, frt, aht, fcr, csat, complaints in first.values():
        assert 150 <= contacts <= 400 and 20 <= frt <= 90 and 240 <= aht <= 600
        assert 65 <= fcr <= 90 and 75 <= csat <= 98 and 0 <= complaints <= 6


def test_demo_agents_improve_after_their_training_date(staff):
    trained = staff[0]
    completed = datetime.date(2026, 9, 23)
    seed_kpi_demo(today=TODAY)
    untrained = _demo_values()
    ServiceKPI.objects.all().delete()

    seed_kpi_demo(today=TODAY, improved={trained.pk: completed})
    improved = _demo_values()

    for (agent_id, week), values in improved.items():
        plain = untrained[(agent_id, week)]
        if agent_id != trained.pk or week <= completed:
            assert values == plain  # the same figures where no training applies
        elif week >= completed + datetime.timedelta(weeks=2):
            # The full effect: FRT and AHT 10-20 % lower (within the clamp), FCR and
            # CSAT a few points up, complaints no higher.
            assert values[1] < plain[1] and values[2] < plain[2]
            assert values[3] >= plain[3] and values[4] >= plain[4]
            assert values[5] <= plain[5]
    after = [v for (a, w), v in improved.items() if a == trained.pk and w > completed]
    before = [v for (a, w), v in improved.items() if a == trained.pk and w <= completed]
    mean = lambda rows, i: sum(r[i] for r in rows) / len(rows)  # noqa: E731
    assert mean(after, 1) < mean(before, 1) * Decimal("0.95")
    assert mean(after, 3) > mean(before, 3)
