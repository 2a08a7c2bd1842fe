"""The lms reports API: people and KPI imports, the competency report and a person's
radar. The same rules as the pages: imports are HR's (403 for others), the reports HR's
and team leads' (their teams), a radar whoever may see the person (404 otherwise)."""

# ruff: noqa: F811 (``data`` is test_reports' hand-checked fixture, used as an argument)

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from lms import reports
from lms.models import ImportJob, ServiceKPI, User
from tests.lms.factories import UserFactory
from tests.lms.test_kpi_import import GOOD, csv_bytes
from tests.lms.test_reports import data  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PEOPLE_HEADER = "工号,姓名,团队"


@pytest.fixture
def api():
    return APIClient()


def _as(api: APIClient, user: User) -> APIClient:
    api.force_login(user)
    return api


def _file(content: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def staff(db):
    return (
        UserFactory(employee_no="YS0001", display_name="王雨桐"),
        UserFactory(employee_no="YS0002", display_name="李思远"),
    )


# --- People import -----------------------------------------------------------------------


def test_people_import_is_refused_to_a_team_lead_then_done_by_hr(api, team_lead, hr, team):
    roster = csv_bytes("YS0100,黄磊,apparel", "YS0101,吴倩,apparel", header=PEOPLE_HEADER)
    url = reverse("api-people-import")
    refused = _as(api, team_lead).post(url, {"file": _file(roster)}, format="multipart")
    assert refused.status_code == 403
    assert not User.objects.filter(employee_no__in=["YS0100", "YS0101"]).exists()

    done = _as(api, hr).post(url, {"file": _file(roster)}, format="multipart")
    assert done.status_code == 200
    assert (done.data["ok"], done.data["created"], done.data["updated"]) == (True, 2, 0)
    assert [c["employee_no"] for c in done.data["changes"]] == ["YS0100", "YS0101"]
    assert set(User.objects.filter(team=team).values_list("employee_no", flat=True)) >= {
        "YS0100",
        "YS0101",
    }
    again = api.post(url, {"file": _file(roster)}, format="multipart")
    assert (again.data["created"], again.data["updated"], again.data["unchanged"]) == (0, 0, 2)


def test_people_import_dry_run_saves_nothing(api, hr, team):
    roster = csv_bytes("YS0100,黄磊,apparel", header=PEOPLE_HEADER)
    response = _as(api, hr).post(
        reverse("api-people-import"), {"file": _file(roster), "dry_run": True}, format="multipart"
    )
    assert response.status_code == 200
    assert (response.data["dry_run"], response.data["created"]) == (True, 1)
    assert not User.objects.filter(employee_no="YS0100").exists()


def test_a_bad_roster_answers_400_with_line_numbers_and_saves_nothing(api, hr, team):
    roster = csv_bytes(
        "YS0100,黄磊,apparel", ",无工号,apparel", "YS0102,,nowhere", header=PEOPLE_HEADER
    )
    response = _as(api, hr).post(
        reverse("api-people-import"), {"file": _file(roster)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.data["ok"] is False
    assert sorted({e["line"] for e in response.data["errors"]}) == [3, 4]
    assert response.data["created"] == 0
    assert not User.objects.filter(employee_no="YS0100").exists()


def test_a_file_of_another_type_is_refused(api, hr):
    response = _as(api, hr).post(
        reverse("api-people-import"), {"file": _file(b"x", "people.txt")}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.data


def test_the_people_template_is_a_csv_for_hr_only(api, agent, hr):
    url = reverse("api-people-import-template")
    assert _as(api, agent).get(url).status_code == 403
    response = _as(api, hr).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.decode("utf-8-sig").startswith("工号,")


# --- KPI imports -------------------------------------------------------------------------


def test_a_kpi_import_runs_through_the_api_to_done(
    api, hr, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(api, hr).post(
            reverse("api-kpi-imports"), {"file": _file(GOOD, "kpi.csv")}, format="multipart"
        )
    assert response.status_code == 202
    job = ImportJob.objects.get()
    assert response.data["id"] == job.pk
    assert response.data["url"].endswith(reverse("api-kpi-import", args=[job.pk]))
    assert ServiceKPI.objects.count() == 3

    detail = api.get(response.data["url"])
    assert detail.status_code == 200
    assert (detail.data["status"], detail.data["finished"], detail.data["percent"]) == (
        "done",
        True,
        100,
    )
    assert (detail.data["total"], detail.data["processed"]) == (3, 3)
    assert detail.data["summary"] == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert detail.data["errors"]["count"] == 0


def test_a_rejected_kpi_import_lists_its_errors_by_line(
    api, hr, staff, django_capture_on_commit_callbacks
):
    bad = csv_bytes("YS0001,周,2026-01-07,312,35,420,82%,4.6,1", "YS9999,月,2026-01-07,1,1,1,1,1,1")
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(api, hr).post(
            reverse("api-kpi-imports"), {"file": _file(bad, "kpi.csv")}, format="multipart"
        )
    detail = api.get(response.data["url"]).data
    assert detail["status"] == "rejected"
    assert {e["line"] for e in detail["errors"]["results"]} == {3}
    assert len(detail["errors"]["results"]) == 2  # unknown person and unknown period
    assert not ServiceKPI.objects.exists()


def test_kpi_imports_are_refused_to_others_and_other_jobs_are_404(api, team_lead, hr):
    people_job = ImportJob.objects.create(
        kind=ImportJob.Kind.PEOPLE, original_name="p.csv", file=_file(b"x", "p.csv")
    )
    _as(api, team_lead)
    assert api.get(reverse("api-kpi-imports")).status_code == 403
    assert (
        api.post(
            reverse("api-kpi-imports"), {"file": _file(GOOD, "kpi.csv")}, format="multipart"
        ).status_code
        == 403
    )
    assert api.get(reverse("api-kpi-import", args=[people_job.pk])).status_code == 403
    assert not ImportJob.objects.filter(kind=ImportJob.Kind.KPI).exists()
    _as(api, hr)
    assert api.get(reverse("api-kpi-import", args=[people_job.pk])).status_code == 404


def _jobs(count: int, by: User) -> None:
    for index in range(count):
        ImportJob.objects.create(
            kind=ImportJob.Kind.KPI,
            original_name=f"{index}.csv",
            file=_file(b"x", f"{index}.csv"),
            created_by=UserFactory() if index % 2 else by,
        )


def test_the_job_list_is_paged_in_a_fixed_number_of_queries(api, hr):
    _as(api, hr)
    url = reverse("api-kpi-imports")
    _jobs(2, hr)
    with CaptureQueriesContext(connection) as few:
        first = api.get(url)
    _jobs(8, hr)
    with CaptureQueriesContext(connection) as many:
        second = api.get(url)
    assert (first.data["count"], second.data["count"]) == (2, 10)
    assert len(second.data["results"]) == 10
    assert len(many) == len(few)


# --- Competency report and radar ---------------------------------------------------------


def test_the_competency_report_is_refused_to_agents(api, agent):
    assert _as(api, agent).get(reverse("api-report-competencies")).status_code == 403


def test_hr_sees_every_team_with_the_selectors_numbers(api, hr, data, team, other_team):
    response = _as(api, hr).get(reverse("api-report-competencies"))
    assert response.status_code == 200
    heatmap = reports.team_competency_heatmap(hr)
    distribution = reports.level_distribution(hr)
    body = response.data
    assert [c["id"] for c in body["competencies"]] == [c.pk for c in heatmap.competencies]
    assert [r["team"]["code"] for r in body["teams"]] == [r.team.code for r in heatmap.rows]
    assert [[c["average"] for c in r["cells"]] for r in body["teams"]] == [
        [c.average for c in r.cells] for r in heatmap.rows
    ]
    assert [[c["share_meeting"] for c in r["cells"]] for r in body["teams"]] == [
        [c.share_meeting for c in r.cells] for r in heatmap.rows
    ]
    assert body["people"] == distribution.people == 4
    assert [r["counts"] for r in body["distribution"]] == [
        list(r.counts) for r in distribution.rows
    ]


def test_a_team_lead_sees_their_team_only_and_cannot_pick_another(
    api, team_lead, data, team, other_team
):
    _as(api, team_lead)
    response = api.get(reverse("api-report-competencies"))
    assert [r["team"]["code"] for r in response.data["teams"]] == [team.code]
    assert response.data["people"] == 3
    refused = api.get(reverse("api-report-competencies"), {"team": other_team.code})
    assert refused.status_code == 400
    assert "team" in refused.data


def test_filters_by_position(api, hr, data):
    response = _as(api, hr).get(
        reverse("api-report-competencies"), {"position": data["position"].code}
    )
    assert response.data["position"]["code"] == data["position"].code
    assert response.data["people"] == 3  # a3 holds no position
    bad = api.get(reverse("api-report-competencies"), {"position": "nope"})
    assert bad.status_code == 400


def test_the_radar_is_for_whoever_may_see_the_person(api, data, agent, other_agent, team_lead):
    url = reverse("api-person-radar", args=[agent.pk])
    assert _as(api, other_agent).get(url).status_code == 404
    response = _as(api, team_lead).get(url)
    assert response.status_code == 200
    axes = reports.person_radar(agent)
    expected = [(a.competency.pk, a.required, a.current, a.gap) for a in axes]
    got = [
        (a["competency"]["id"], a["required"], a["current"], a["gap"])
        for a in response.data["axes"]
    ]
    assert got == expected
    assert [(a["required"], a["current"]) for a in response.data["axes"]] == [(2, 3), (1, 1)]
    assert _as(api, agent).get(url).status_code == 200  # their own


def test_the_report_uses_the_same_number_of_queries_for_more_people(api, hr, data, team):
    _as(api, hr)
    url = reverse("api-report-competencies")
    with CaptureQueriesContext(connection) as few:
        api.get(url)
    for _index in range(5):
        UserFactory(team=team, position=data["position"])
    with CaptureQueriesContext(connection) as many:
        response = api.get(url)
    assert response.data["people"] == 9
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
    for url in ["/api/people/import/", "/api/kpis/imports/{id}/", "/api/reports/competencies/"]:
        assert url in schema["paths"]
