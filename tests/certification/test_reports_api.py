"""The certification reports API: dashboard sections, training impact and drills, monthly
reports. The same rules as the pages: HR everyone, a team lead their teams (another team
is refused), agents 403; the numbers are the selectors' own; monthly reports are HR's."""

# ruff: noqa: F401, F811 (``agent2``, ``dataset``, ``month_data``: the page tests' fixtures)

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone
from rest_framework.test import APIClient

import lms.urls
from certification.models import MonthlyReport
from certification.reports import dashboards, impact
from courses.models import Enrolment, LearningPath
from lms.models import User
from tests.certification.test_dashboards import NOW, TODAY, agent2, enrol
from tests.certification.test_impact import COMPLETION_WEEK, FRT, dataset
from tests.certification.test_monthly_report import MONTH, month_data

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def api():
    return APIClient()


def _as(api: APIClient, user: User) -> APIClient:
    api.force_login(user)
    return api


def section_url(key: str) -> str:
    return reverse("api-report-dashboard", args=[key])


# --- Who may read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["api-report-impact", "api-report-impact-drills", "api-report-monthly"],
)
def test_an_agent_is_refused(api, agent, name):
    assert _as(api, agent).get(reverse(name)).status_code == 403
    assert api.get(section_url("training")).status_code == 403


# --- Dashboards --------------------------------------------------------------------------


def _training_data(agent, agent2, other_agent) -> None:
    made = NOW - 10 * DAY
    enrol(agent, made=made, status=Enrolment.Status.COMPLETED, completed=NOW - 5 * DAY)
    enrol(agent, made=made, due=TODAY - 3 * DAY)
    enrol(agent2, made=made, due=TODAY + 3 * DAY)
    enrol(other_agent, made=made, status=Enrolment.Status.COMPLETED, completed=NOW - DAY)


def test_hr_reads_the_training_section_with_the_selectors_numbers(
    api, hr, agent, agent2, other_agent
):
    _training_data(agent, agent2, other_agent)
    start = TODAY - 29 * DAY
    response = _as(api, hr).get(section_url("training"), {"start": start.isoformat()})
    assert response.status_code == 200
    table = dashboards.training_by_team(hr, dashboards.Filters(start=start, end=TODAY))
    expected = [
        [r.team, r.enrolments, r.completed, float(r.completion_rate), r.overdue] for r in table.rows
    ]
    assert response.data["rows"] == expected
    assert response.data["rows"] == [["服饰组", 3, 1, 33.3, 1], ["美妆组", 1, 1, 100.0, 0]]
    assert response.data["footer"][1:] == [4, 2, 50.0, 1]
    assert response.data["filters"]["start"] == start.isoformat()
    assert len(response.data["headers"]) == 5


def test_a_team_lead_sees_their_team_and_cannot_pick_another(
    api, team_lead, agent, agent2, other_agent, other_team
):
    _training_data(agent, agent2, other_agent)
    _as(api, team_lead)
    response = api.get(section_url("training"))
    assert [row[0] for row in response.data["rows"]] == ["服饰组"]
    refused = api.get(section_url("training"), {"team": other_team.code})
    assert refused.status_code == 400
    assert "team" in refused.data
    # Grader agreement covers every grader: only for those who run calibration.
    assert api.get(section_url("agreement")).status_code == 404
    assert api.get(section_url("nonsense")).status_code == 404


def test_every_section_answers_hr_and_bad_periods_are_refused(api, hr):
    _as(api, hr)
    for key in ["training", "path", "mastery", "certification", "grading", "agreement"]:
        response = api.get(section_url(key))
        assert response.status_code == 200, key
        assert response.data["section"] == key
    backwards = {"start": TODAY.isoformat(), "end": (TODAY - DAY).isoformat()}
    assert api.get(section_url("training"), backwards).status_code == 400
    assert api.get(section_url("training"), {"start": "yesterday"}).status_code == 400


def test_a_section_takes_the_same_queries_for_more_people(api, hr, agent, agent2, other_agent):
    _training_data(agent, agent2, other_agent)
    _as(api, hr)
    with CaptureQueriesContext(connection) as few:
        api.get(section_url("training"))
    from tests.lms.factories import UserFactory

    for _index in range(5):
        enrol(UserFactory(team=agent.team), made=NOW - 2 * DAY)
    with CaptureQueriesContext(connection) as many:
        response = api.get(section_url("training"))
    assert response.data["rows"][0][1] == 8
    assert len(many) == len(few)


# --- Impact ------------------------------------------------------------------------------


def test_hr_reads_the_impact_with_the_selectors_numbers(api, hr, dataset, team):
    query = {
        "subject_type": "course",
        "subject": dataset.pk,
        "kpi": "frt",
        "weeks": 2,
        "team": team.code,
    }
    response = _as(api, hr).get(reverse("api-report-impact"), query)
    assert response.status_code == 200
    result = impact.impact_for(dataset, FRT, weeks=2, team=team, viewer=hr)
    body = response.data
    completers, paired = body["completers"], result.completers.paired
    assert body["completed"] == result.completed == 8
    assert body["excluded"] == {
        "missing_before": 1,
        "missing_after": 1,
        "missing_both": 1,
        "total": 3,
    }
    assert (completers["n"], completers["difference"]) == (paired.n, paired.mean_difference)
    assert (completers["low"], completers["high"]) == (
        paired.difference.low,
        paired.difference.high,
    )
    assert completers["mean_before"] == paired.mean_before
    assert (completers["verdict"], completers["outcome"]) == (paired.verdict, "improved")
    assert completers["verdict_text"]
    assert body["aligned"]["week"] == COMPLETION_WEEK.isoformat()
    assert body["comparison"]["n"] == result.comparison.paired.n == 2
    assert body["did"]["difference"] == result.did.difference
    assert body["did"]["verdict"] == "too_small"
    assert body["kpi"]["code"] == "frt" and body["kpi"]["lower_is_better"] is True
    assert (body["kpi"]["unit"], body["kpi"]["change_unit"]) == ("s", "s")


def test_a_share_kpi_changes_in_percentage_points(api, hr, dataset, settings):
    query = {"subject_type": "course", "subject": dataset.pk, "kpi": "csat", "weeks": 2}
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = _as(api, hr).get(reverse("api-report-impact"), query).data
    assert (body["kpi"]["unit"], body["kpi"]["change_unit"]) == ("%", "pp")


def test_a_team_lead_counts_only_their_team(api, team_lead, dataset, other_team):
    _as(api, team_lead)
    query = {"subject_type": "course", "subject": dataset.pk, "weeks": 2}
    response = api.get(reverse("api-report-impact"), query)
    assert response.data["completed"] == 8  # the ninth completer is in another team
    refused = api.get(reverse("api-report-impact"), {**query, "team": other_team.code})
    assert refused.status_code == 400


def test_an_unknown_or_draft_subject_is_404_and_bad_input_400(api, hr, dataset):
    _as(api, hr)
    missing = {"subject_type": "path", "subject": LearningPath.objects.count() + 999}
    assert api.get(reverse("api-report-impact"), missing).status_code == 404
    bad = {"subject_type": "course", "subject": dataset.pk, "weeks": 40}
    response = api.get(reverse("api-report-impact"), bad)
    assert response.status_code == 400
    assert "weeks" in response.data
    assert api.get(reverse("api-report-impact")).status_code == 400


def test_kpi_by_drills_matches_the_selector(api, hr, dataset):
    since = COMPLETION_WEEK - 4 * impact.WEEK
    until = COMPLETION_WEEK + 4 * impact.WEEK
    query = {"kpi": "frt", "since": since.isoformat(), "until": until.isoformat()}
    response = _as(api, hr).get(reverse("api-report-impact-drills"), query)
    assert response.status_code == 200
    drills = impact.kpi_by_drills(FRT, since, until, viewer=hr)
    assert [(b["label"], b["n"], b["mean"]) for b in response.data["buckets"]] == [
        (b.label, b.interval.n, b.interval.mean) for b in drills.buckets
    ]
    assert response.data["buckets"][0]["n"] == 10  # everyone with KPI weeks; no drills
    assert response.data["most_vs_none"]["verdict"] == "too_small"


# --- Monthly reports ---------------------------------------------------------------------


def test_hr_makes_a_monthly_report_and_lists_it(api, team_lead, hr, month_data, settings):
    url = reverse("api-report-monthly")
    assert _as(api, team_lead).post(url, {"month": "2026-10"}).status_code == 403
    assert not MonthlyReport.objects.exists()

    created = _as(api, hr).post(url, {"month": "2026-10"})
    assert created.status_code == 201
    report = MonthlyReport.objects.get()
    assert (report.month, report.generated_by) == (MONTH, hr)
    assert created.data["month"] == "2026-10"
    assert created.data["figures"]["total"]["headcount"] == 2
    assert created.data["download_url"].endswith(
        reverse("certification:monthly-pdf", args=[report.pk])
    )
    assert api.post(url, {"month": "2026-10"}).status_code == 200  # made again
    assert MonthlyReport.objects.count() == 1

    listed = api.get(url)
    assert [row["id"] for row in listed.data["results"]] == [report.pk]
    # Made by a request in Chinese (the default), so written in Chinese, and it says so.
    assert listed.data["results"][0]["language"] == "zh-hans"
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = api.post(url, {"month": "2026-10"})
    assert english.data["language"] == "en"


def test_a_bad_or_future_month_is_refused_and_nothing_made(api, hr):
    _as(api, hr)
    next_month = (timezone.localdate().replace(day=28) + 7 * DAY).strftime("%Y-%m")
    for month in ["October", "2026-13", next_month]:
        response = api.post(reverse("api-report-monthly"), {"month": month})
        assert response.status_code == 400, month
        assert "month" in response.data
    assert not MonthlyReport.objects.exists()


def _reports(first: int, count: int, by: User) -> None:
    for offset in range(first, first + count):
        MonthlyReport.objects.create(
            month=datetime.date(2020 + offset // 12, offset % 12 + 1, 1),
            pdf=f"reports/{offset}.pdf",
            pdf_sha256="0" * 64,
            generated_at=timezone.now(),
            generated_by=by if offset % 2 else None,
        )


def test_the_list_takes_the_same_queries_for_more_reports(api, hr):
    _as(api, hr)
    _reports(0, 2, hr)
    with CaptureQueriesContext(connection) as few:
        api.get(reverse("api-report-monthly"))
    _reports(2, 8, hr)
    with CaptureQueriesContext(connection) as many:
        response = api.get(reverse("api-report-monthly"))
    assert response.data["count"] == 10
    assert len(many) == len(few)


# --- Schema ------------------------------------------------------------------------------


def test_the_schema_has_these_endpoints_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS._warn_cache.clear()
    GENERATOR_STATS._error_cache.clear()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, (
        dict(GENERATOR_STATS._warn_cache),
        dict(GENERATOR_STATS._error_cache),
    )
    for url in [
        "/api/reports/dashboards/{section}/",
        "/api/reports/impact/",
        "/api/reports/impact/drills/",
        "/api/reports/monthly/",
    ]:
        assert url in schema["paths"]
