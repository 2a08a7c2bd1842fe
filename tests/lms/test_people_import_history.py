"""The people import history: every real import (accepted or refused) is kept with who,
when, the file, its counts and its problems; checks are not; HR alone reads it and
downloads the file; the list takes the same number of queries for 1 or 25 imports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.models import ImportJob
from tests.lms.factories import PositionProfileFactory
from tests.lms.test_people_import import ROSTER, csv_bytes

pytestmark = pytest.mark.django_db

PAGE = reverse("people_import:page")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def roster(team, other_team):
    """What the first rows of ROSTER name: the two teams and the position."""
    PositionProfileFactory(code="frontline", name_zh="一线客服", name_en="Frontline agent")


def upload(client, data: bytes, *, dry_run: bool = False, name: str = "花名册.csv"):
    body = {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    if dry_run:
        body["dry_run"] = "on"
    return client.post(PAGE, body)


def test_an_import_is_kept_with_its_counts_and_file(client, roster, hr):
    client.force_login(hr)
    data = csv_bytes(*ROSTER[:1])

    upload(client, data)

    job = ImportJob.objects.get(kind=ImportJob.Kind.PEOPLE)
    assert (job.status, job.dry_run, job.created_by, job.original_name) == (
        ImportJob.Status.DONE,
        False,
        hr,
        "花名册.csv",
    )
    assert job.summary == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "teams_created": 0,
    }
    assert job.errors == []
    with job.file.open("rb") as stored:
        assert stored.read() == data
    page = client.get(PAGE).content.decode()
    assert reverse("people_import:job", args=[job.pk]) in page


def test_a_refused_import_is_kept_with_every_problem_and_a_check_is_not(client, team, hr):
    client.force_login(hr)
    upload(client, csv_bytes(*ROSTER[:1]), dry_run=True)
    assert not ImportJob.objects.exists()

    upload(client, csv_bytes("YS0001,,,,,,,,,,", "YS0002,,王雨桐,,not-an-email,,,,,,"))

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert [e["line"] for e in job.errors] == [2, 3]
    detail = client.get(reverse("people_import:job", args=[job.pk])).content.decode()
    assert "not-an-email" in detail
    assert "2 个问题，未导入任何数据" in detail


def test_only_hr_reads_the_history_and_downloads_the_file(client, team, hr, team_lead, agent):
    client.force_login(hr)
    upload(client, csv_bytes(*ROSTER[:1]))
    job = ImportJob.objects.get()
    file_url = reverse("people_import:job-file", args=[job.pk])

    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")

    for someone in (team_lead, agent):
        client.force_login(someone)
        assert client.get(reverse("people_import:job", args=[job.pk])).status_code == 404
        assert client.get(file_url).status_code == 404


def test_a_kpi_job_is_not_shown_as_a_people_import(client, hr):
    kpi = ImportJob.objects.create(
        kind=ImportJob.Kind.KPI, original_name="kpi.csv", file="imports/kpi.csv"
    )
    client.force_login(hr)

    assert client.get(reverse("people_import:job", args=[kpi.pk])).status_code == 404
    assert "kpi.csv" not in client.get(PAGE).content.decode()


def test_the_history_takes_the_same_queries_for_few_and_many_imports(client, hr):
    def make(n: int) -> None:
        ImportJob.objects.bulk_create(
            ImportJob(
                kind=ImportJob.Kind.PEOPLE,
                original_name=f"roster-{i}.csv",
                file=f"imports/roster-{i}.csv",
                status=ImportJob.Status.DONE,
                created_by=hr,
            )
            for i in range(n)
        )

    client.force_login(hr)
    make(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    make(24)
    with CaptureQueriesContext(connection) as many:
        page = client.get(PAGE).content.decode()

    assert page.count('id="import-') == 20  # one page
    assert len(many) == len(few)
