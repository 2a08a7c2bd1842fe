"""CSV and XLSX downloads of team progress: the page's people and filters, every page of
the table, who is late, a fixed number of queries and formulas neutralised."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from courses import services
from courses.models import Enrolment
from tests.courses.factories import enrolment_for, published_course
from tests.lms.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"
URL = "/learning/progress/"


def table(response, fmt: str) -> list[list[str]]:
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        assert data.startswith("\ufeff".encode())
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def download(client, fmt: str, **params) -> list[list[str]]:
    return table(client.get(URL, {**params, "format": fmt}), fmt)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_progress_export_says_who_is_late_and_neutralises_formulas(
    client, hr, agent, other_agent, fmt
):
    today = timezone.localdate()
    course = published_course(title_zh=FORMULA)
    on_time = enrolment_for(agent, course, due_on=today + datetime.timedelta(days=30))
    enrolment_for(other_agent, course, due_on=today + datetime.timedelta(days=1))
    services.enrolments_mark_overdue(today=today + datetime.timedelta(days=5))
    evil = UserFactory(display_name=FORMULA, team=TeamFactory(code="evil", name_zh=FORMULA))
    enrolment_for(evil, course, due_on=today + datetime.timedelta(days=30))
    client.force_login(hr)

    header, *rows = download(client, fmt)

    assert header[0] == gettext("Person") and gettext("Overdue") in header
    late = header.index(gettext("Overdue"))
    by_name = {row[0]: row for row in rows}
    assert by_name["李思远"][late] == gettext("Yes")
    assert by_name["王雨桐"][late] == gettext("No")
    assert by_name["王雨桐"][2] == "'" + FORMULA  # the course title
    assert by_name["'" + FORMULA][1] == "'" + FORMULA  # the team name
    assert rows[0][0] == "李思远"  # overdue first, as on the page
    assert str(on_time.due_on) in by_name["王雨桐"][header.index(gettext("Due date"))]
    assert not any(cell.startswith("=") for row in rows for cell in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_progress_export_has_the_team_leads_people_only(client, team_lead, agent, other_agent, fmt):
    course = published_course(title_zh="谈判技巧")
    enrolment_for(agent, course)
    enrolment_for(other_agent, course)
    client.force_login(team_lead)

    names = {row[0] for row in download(client, fmt)[1:]}

    assert names == {"王雨桐"}


def test_progress_export_follows_the_filters(client, hr, agent, other_agent):
    first = published_course(title_zh="客户画像")
    second = published_course(title_zh="投诉处理")
    enrolment_for(agent, first)
    enrolment_for(agent, second)
    enrolment_for(other_agent, first)
    client.force_login(hr)

    by_team = download(client, "csv", team="cosmetics")
    by_course = download(client, "csv", course=second.pk)
    done = download(client, "csv", status=Enrolment.Status.COMPLETED)

    assert [row[0] for row in by_team[1:]] == ["李思远"]
    assert [(row[0], row[2]) for row in by_course[1:]] == [("王雨桐", "投诉处理")]
    assert done[1:] == []


def test_progress_export_is_refused_to_agents(client, agent):
    client.force_login(agent)

    assert client.get(URL, {"format": "csv"}).status_code == 404
    assert client.get(URL, {"format": "xlsx"}).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_progress_export_is_every_page_in_a_fixed_number_of_queries(
    client, monkeypatch, hr, team, fmt
):
    monkeypatch.setattr("courses.selectors.PROGRESS_PAGE_SIZE", 2)
    course = published_course(title_zh="客户画像")

    def enrol(count: int) -> None:
        for _ in range(count):
            enrolment_for(UserFactory(team=TeamFactory()), course, assigned_by=hr)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = download(client, fmt)  # streaming: consume inside the count
        assert rows
        return len(captured.captured_queries)

    client.force_login(hr)
    enrol(3)
    small = queries()
    enrol(6)
    large = queries()

    assert len(download(client, fmt)) == 1 + 9
    assert small == large


def test_progress_page_links_the_downloads_with_its_filters(client, hr, agent):
    enrolment_for(agent, published_course(title_zh="客户画像"))
    client.force_login(hr)

    page = client.get(URL, {"team": "apparel", "page": "1"}).content.decode()

    assert "?team=apparel&amp;format=csv" in page
    assert "?team=apparel&amp;format=xlsx" in page
