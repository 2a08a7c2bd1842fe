"""What a review of the imports found: the templates name nobody real and go through a
check on a live roster one after the other, KPI rows are for agents only, HR cannot mark
themselves as having left, a file with a header and no rows is refused, a queued job is at
0 %, and the finished job's counts read as counts in Chinese."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from lms.models import ImportJob, ServiceKPI, User
from lms.people_import import people_import
from tests.lms.factories import UserFactory
from tests.lms.test_kpi_import import GOOD, run_import
from tests.lms.test_kpi_import import csv_bytes as kpi_csv
from tests.lms.test_people_import import csv_bytes as people_csv
from tests.lms.test_people_import import errors_by_line, snapshot

pytestmark = pytest.mark.django_db


def download(client, url: str) -> bytes:
    response = client.get(url)
    return b"".join(response.streaming_content) if response.streaming else response.content


def people_run(data: bytes, *, dry_run: bool = False, by=None):
    return people_import(upload=io.BytesIO(data), filename="p.csv", dry_run=dry_run, by=by)


def test_the_people_template_checks_cleanly_beside_people_with_the_demos_numbers(client, team, hr):
    # The demo's first people: the template must not touch them.
    UserFactory(employee_no="YS0001", username="chen.jing", display_name="陈静", team=team)
    UserFactory(employee_no="YS0002", username="wang.yutong", display_name="王雨桐", team=team)
    client.force_login(hr)
    template = download(client, reverse("people_import:template", args=["csv"]))
    before = snapshot()

    check = people_run(template, dry_run=True, by=hr)

    assert check.ok, check.errors
    assert (check.created, check.updated) == (2, 0)
    assert snapshot() == before


def test_the_kpi_template_imports_after_the_people_template(client, team, hr):
    client.force_login(hr)
    assert people_run(download(client, reverse("people_import:template", args=["csv"])), by=hr).ok
    kpis = download(client, reverse("kpis:import-template", args=["csv"]))

    job = run_import(kpis, by=hr)

    assert job.status == ImportJob.Status.DONE, job.errors
    assert set(ServiceKPI.objects.values_list("agent__employee_no", flat=True)) == {
        "YS9001",
        "YS9002",
    }


def test_kpi_rows_for_someone_who_is_not_an_agent_are_refused(hr):
    hr.employee_no = "YS0035"
    hr.save()
    UserFactory(employee_no="YS0001")  # an agent

    job = run_import(
        kpi_csv("YS0001,周,2026-01-07,312,35,420,82%,4.6,1", "YS0035,周,2026-01-07,1,1,1,1,1,0")
    )

    assert job.status == ImportJob.Status.REJECTED
    assert [(e["line"], "YS0035" in e["message"]) for e in job.errors] == [(3, True)]
    assert "不是客服" in job.errors[0]["message"]
    assert not ServiceKPI.objects.exists()


def test_hr_cannot_mark_themselves_as_having_left(hr):
    hr.employee_no = "YS0035"
    hr.save()
    before = snapshot()

    result = people_run(people_csv("YS0035,,刘人事,,,,,,,,否"), by=hr)

    assert errors_by_line(result) == {2: ["您不能将自己标记为离职。"]}
    assert snapshot() == before
    assert User.objects.get(pk=hr.pk).is_active


@pytest.mark.parametrize("kind", ["people", "kpi"])
def test_a_file_with_a_header_and_no_rows_is_refused(kind, hr):
    if kind == "people":
        result = people_run(people_csv(), by=hr)
        messages = [e.message for e in result.errors]
    else:
        messages = [e["message"] for e in run_import(kpi_csv()).errors]

    assert messages == ["文件表头下没有任何数据行。"]


def test_a_queued_job_is_at_zero_percent_and_a_finished_one_at_a_hundred(hr):
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.KPI, original_name="k.csv", file=SimpleUploadedFile("k.csv", GOOD)
    )
    assert job.percent == 0
    job.status = ImportJob.Status.DONE
    assert job.percent == 100


def test_the_finished_jobs_counts_read_as_counts_in_chinese(client, hr):
    UserFactory(employee_no="YS0001")
    UserFactory(employee_no="YS0002")
    job = run_import(GOOD, by=hr)
    client.force_login(hr)

    with translation.override("zh-hans"):
        page = client.get(
            reverse("kpis:import-job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()

    assert "已新建" in page
    assert "创建时间" not in page


def test_a_csv_in_neither_utf8_nor_gbk_says_which_encodings_work(hr):
    result = people_run(b"\xff\xfe\x00\xd8\x00\xdc" * 10, by=hr)

    assert "GBK" in result.errors[0].message
