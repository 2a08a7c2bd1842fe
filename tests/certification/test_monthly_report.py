"""The monthly report: figures per team on a small hand-built month, the PDF, the daily
schedule (idempotent) and HR's page."""

import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import MonthlyReport, PointsEntry
from certification.reports.monthly import month_figures, monthly_report_due
from courses.models import Enrolment
from lms.models import ServiceKPI
from tests.courses.factories import enrolment_for, published_course

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 10, 1)
IN_MONTH = timezone.make_aware(datetime.datetime(2026, 10, 15, 10, 0))
BEFORE = timezone.make_aware(datetime.datetime(2026, 9, 30, 10, 0))


def complete(person, course, when):
    enrolment = enrolment_for(person, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=when
    )


def kpi(person, monday, csat, frt):
    ServiceKPI.objects.create(
        agent=person,
        period=ServiceKPI.Period.WEEK,
        starts_on=monday,
        contacts=200,
        first_response_seconds=frt,
        handling_seconds=300,
        first_contact_resolution=80,
        csat=csat,
        complaints=1,
    )


def points(person, amount, when, key):
    PointsEntry.objects.create(
        person=person, amount=amount, reason="course", source_id=1, created_at=when, key=key
    )


@pytest.fixture
def month_data(agent, other_agent):
    course = published_course()
    complete(agent, course, IN_MONTH)
    complete(other_agent, course, BEFORE)  # the month before: not counted
    kpi(agent, datetime.date(2026, 10, 5), Decimal("90"), Decimal("30"))
    kpi(agent, datetime.date(2026, 10, 12), Decimal("80"), Decimal("50"))
    kpi(other_agent, datetime.date(2026, 10, 5), Decimal("70"), Decimal("60"))
    kpi(other_agent, datetime.date(2026, 11, 2), Decimal("10"), Decimal("99"))  # next month
    points(agent, 30, IN_MONTH, "a")
    points(agent, -5, IN_MONTH, "b")
    points(other_agent, 100, BEFORE, "c")
    return course


def test_the_figures_of_each_team_and_the_total(month_data, agent, other_agent):
    figures = month_figures(MONTH)
    by_team = {row.team: row for row in figures.teams}
    apparel, cosmetics = by_team[str(agent.team)], by_team[str(other_agent.team)]
    assert (apparel.headcount, apparel.courses_completed, apparel.points) == (1, 1, 25)
    assert (apparel.kpi_weeks, apparel.csat, apparel.first_response_seconds) == (2, 85.0, 40.0)
    assert (cosmetics.headcount, cosmetics.courses_completed, cosmetics.points) == (1, 0, 0)
    assert (cosmetics.kpi_weeks, cosmetics.csat) == (1, 70.0)
    total = figures.total
    assert (total.headcount, total.courses_completed, total.points, total.kpi_weeks) == (
        2,
        1,
        25,
        3,
    )
    assert total.csat == pytest.approx(80.0)  # (90 + 80 + 70) / 3, weeks weighted


def test_the_figures_take_the_same_queries_for_more_people(
    month_data, django_assert_num_queries, agent
):
    from tests.lms.factories import UserFactory

    # 7 grouped figures, the KPIs (weekly rows, daily rows summed per week), the team names
    with django_assert_num_queries(10) as small:
        month_figures(MONTH)
    for _ in range(6):
        person = UserFactory(team=agent.team)
        kpi(person, datetime.date(2026, 10, 5), Decimal("75"), Decimal("40"))
    with django_assert_num_queries(len(small.captured_queries)):
        month_figures(MONTH)


def test_the_schedule_makes_last_months_report_once_with_the_figures_in_the_pdf(month_data, agent):
    report = monthly_report_due(today=datetime.date(2026, 11, 1))
    assert report is not None and report.month == MONTH
    assert monthly_report_due(today=datetime.date(2026, 11, 2)) is None  # already there
    assert MonthlyReport.objects.count() == 1
    text = subprocess.run(
        ["pdftotext", "-layout", report.pdf.path, "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "2026-10" in text
    assert agent.team.name_zh in text


def test_hr_makes_a_report_on_demand_and_downloads_it(client, hr, month_data):
    client.force_login(hr)
    page = client.get(reverse("certification:monthly-reports"))
    assert page.status_code == 200
    response = client.post(reverse("certification:monthly-generate"), {"month": "2026-10"})
    assert response.status_code == 302
    report = MonthlyReport.objects.get(month=MONTH)
    assert report.generated_by == hr
    download = client.get(reverse("certification:monthly-pdf", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Made again: still one report for the month, by the latest request.
    client.post(reverse("certification:monthly-generate"), {"month": "2026-10"})
    assert MonthlyReport.objects.filter(month=MONTH).count() == 1


@pytest.mark.parametrize("month", ["", "2026-13", "next", "2099-01"])
def test_a_bad_or_future_month_is_refused_and_nothing_is_made(client, hr, month):
    client.force_login(hr)
    response = client.post(reverse("certification:monthly-generate"), {"month": month}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not MonthlyReport.objects.exists()


def test_only_hr_sees_or_makes_the_reports(client, agent, team_lead, month_data):
    for user in (agent, team_lead):
        client.force_login(user)
        assert client.get(reverse("certification:monthly-reports")).status_code == 404
        assert (
            client.post(reverse("certification:monthly-generate"), {"month": "2026-10"}).status_code
            == 404
        )
    assert not MonthlyReport.objects.exists()


# --- KPIs imported day by day, the KPI columns and the PDF's language -------------------


def day_kpi(person, day, contacts, csat, frt, aht, fcr, complaints):
    ServiceKPI.objects.create(
        agent=person,
        period=ServiceKPI.Period.DAY,
        starts_on=day,
        contacts=contacts,
        first_response_seconds=frt,
        handling_seconds=aht,
        first_contact_resolution=fcr,
        csat=csat,
        complaints=complaints,
    )


OCT, NOV = (lambda d: datetime.date(2026, 10, d)), (lambda d: datetime.date(2026, 11, d))


@pytest.fixture
def daily_month(agent, other_agent):
    """October given day by day for ``agent``: the week of Monday 5 October (two days,
    weighted by contacts: CSAT 75, FRT 45, AHT 225, FCR 65, 3 complaints) and the week of
    Monday 26 October (its Sunday, 1 November, is in it). 1 October belongs to the week of
    28 September and 2 November to November: neither counts. ``other_agent`` has a weekly
    row for 12 October and daily rows of that week, which the weekly row overrides."""
    for person, day, *values in [
        # person, day, contacts, CSAT, FRT, AHT, FCR, complaints
        (agent, OCT(5), 100, 90, 30, 300, 80, 2),
        (agent, OCT(7), 300, 70, 50, 200, 60, 1),
        (agent, NOV(1), 100, 80, 40, 250, 70, 0),
        (agent, OCT(1), 100, 1, 999, 999, 1, 9),
        (agent, NOV(2), 100, 1, 999, 999, 1, 9),
        (other_agent, OCT(13), 50, 1, 999, 999, 1, 9),
    ]:
        day_kpi(person, day, *values)
    kpi(other_agent, OCT(12), Decimal("70"), Decimal("60"))  # AHT 300, FCR 80, 1 complaint


def test_a_month_given_day_by_day_shows_its_kpis(daily_month, agent, other_agent):
    figures = month_figures(MONTH)

    by_team = {row.team: row for row in figures.teams}
    apparel, cosmetics = by_team[str(agent.team)], by_team[str(other_agent.team)]
    assert apparel.kpi_weeks == 2
    assert (apparel.csat, apparel.first_response_seconds, apparel.handling_seconds) == (
        77.5,
        42.5,
        237.5,
    )
    assert (apparel.first_contact_resolution, apparel.complaints) == (67.5, 3)
    assert (cosmetics.kpi_weeks, cosmetics.csat, cosmetics.handling_seconds) == (1, 70.0, 300.0)
    assert cosmetics.complaints == 1  # the weekly row's, not its days'
    total = figures.total
    assert (total.kpi_weeks, total.csat, total.complaints) == (3, 75.0, 4)
    assert (total.first_response_seconds, total.handling_seconds) == (48.3, 258.3)


def test_the_figures_with_daily_rows_take_the_same_queries_for_more_people(
    daily_month, django_assert_num_queries, agent
):
    from tests.lms.factories import UserFactory

    with django_assert_num_queries(10) as small:
        month_figures(MONTH)
    for _ in range(6):
        person = UserFactory(team=agent.team)
        for day in (5, 6, 7):
            day_kpi(person, OCT(day), 10, 80, 40, 200, 70, 1)
    with django_assert_num_queries(len(small.captured_queries)):
        assert month_figures(MONTH).total.kpi_weeks == 3 + 6


def pdf_text(report) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", report.pdf.path, "-"], capture_output=True, check=True, text=True
    ).stdout


def test_the_pdf_shows_handling_time_and_complaints_on_one_landscape_page(daily_month):
    from certification.reports.monthly import monthly_report_generate

    report = monthly_report_generate(month=MONTH, language="en")

    text = pdf_text(report)
    assert "Handling" in text and "Complaints" in text  # headers wrap inside their column
    total = next(line for line in text.splitlines() if line.strip().startswith("All teams"))
    # … CSAT, first response, handling time, first-contact resolution, complaints.
    assert total.split()[-5:] == ["75.0%", "48.3", "258.3", "71.7%", "4"]
    info = subprocess.run(
        ["pdfinfo", report.pdf.path], capture_output=True, check=True, text=True
    ).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height  # A4 landscape: the fifteen columns fit across


def test_the_list_says_which_language_each_pdf_is_in(client, hr, month_data, settings):
    monthly_report_due(today=datetime.date(2026, 11, 1))  # the schedule: Chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(hr)
    client.post(reverse("certification:monthly-generate"), {"month": "2026-09"})

    assert MonthlyReport.objects.get(month=MONTH).figures["language"] == "zh-hans"
    assert MonthlyReport.objects.get(month=datetime.date(2026, 9, 1)).figures["language"] == "en"
    html = client.get(reverse("certification:monthly-reports")).content.decode()
    rows = {month: row for month, row in re.findall(r"<td>(2026-\d\d)</td>(.*?)</tr>", html, re.S)}
    assert '<th scope="col">Language</th>' in html
    assert "简体中文" in rows["2026-10"] and "English" not in rows["2026-10"]
    assert "English" in rows["2026-09"]
    english = pdf_text(MonthlyReport.objects.get(month=datetime.date(2026, 9, 1)))
    assert "Monthly report 2026-09" in english
