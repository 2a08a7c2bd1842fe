"""The certification API (programs, eligibility, issuing, certificates, checklist): for
each endpoint the refused request first, then the same one succeeding for the right
person, with what it answers and what it changes; list query counts at two sizes; a
clean schema."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from certification.eligibility import requirement_label
from certification.models import Certificate, Requirement
from certification.pdf import verify_url
from tests.certification.factories import (
    ProgramFactory,
    completed_course_for,
    course_requirement,
    eligible_program_for,
)
from tests.lms.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/certification"


@pytest.fixture
def api():
    return APIClient()


def _as(api: APIClient, user) -> APIClient:
    api.force_login(user)
    return api


def certificate_row(holder, program, *, state: str = "valid", **fields) -> Certificate:
    """A certificate in ``state`` without rendering a PDF (the PDF is not the point)."""
    today = timezone.localdate()
    values = {
        "program": program,
        "holder": holder,
        "serial": f"AA-T-{uuid.uuid4().hex[:10]}",
        "code": uuid.uuid4().hex,
        "status": Certificate.Status.ISSUED,
        "requested_at": timezone.now(),
        "issued_at": timezone.now(),
        "valid_from": today - datetime.timedelta(days=100),
        "expires_on": today + datetime.timedelta(days=300),
        "pdf": "certificates/test.pdf",
        "evidence": [{"requirement": "完成课程", "met": True, "detail": "2026-01-01"}],
    }
    if state == "expired":
        values["expires_on"] = today - datetime.timedelta(days=1)
    elif state == "revoked":
        values.update(status=Certificate.Status.REVOKED, revoked_at=timezone.now())
    elif state == "pending":
        values.update(status=Certificate.Status.PENDING, issued_at=None, pdf="")
    values.update(fields)
    return Certificate.objects.create(**values)


def _count(api: APIClient, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


# --- Programs ------------------------------------------------------------------------------


def test_hr_lists_every_program_and_others_the_open_ones(api, agent, hr):
    open_program = ProgramFactory(title_zh="售后技能认证")
    closed = ProgramFactory(is_active=False)
    certificate_row(agent, open_program)
    mine = _as(api, agent).get(f"{API}/programs/").json()["results"]
    assert [p["id"] for p in mine] == [open_program.pk]
    assert mine[0]["valid_count"] is None and mine[0]["title"] == "售后技能认证"
    everything = _as(api, hr).get(f"{API}/programs/").json()["results"]
    assert [p["id"] for p in everything] == [open_program.pk, closed.pk]
    assert everything[0]["valid_count"] == 1


def test_a_program_shows_its_requirements_worded_as_the_checklist(api, agent, hr):
    program = ProgramFactory()
    requirement = course_requirement(program)
    data = _as(api, agent).get(f"{API}/programs/{program.pk}/").json()
    [item] = data["requirements"]
    assert item["kind"] == Requirement.Kind.COURSE
    assert item["target_id"] == requirement.course_id
    assert item["label"] == requirement_label(requirement)
    program.is_active = False
    program.save(update_fields=["is_active"])
    assert api.get(f"{API}/programs/{program.pk}/").status_code == 404
    assert _as(api, hr).get(f"{API}/programs/{program.pk}/").json()["is_active"] is False


def test_the_program_list_costs_the_same_at_two_sizes(api, hr):
    course_requirement(ProgramFactory())
    _as(api, hr)
    small = _count(api, f"{API}/programs/")
    for _ in range(4):
        course_requirement(ProgramFactory())
    large = _count(api, f"{API}/programs/")
    assert (small[1], large[1]) == (1, 5)
    assert small[0] == large[0]


# --- Eligibility ---------------------------------------------------------------------------


def test_an_agent_cannot_read_eligibility(api, agent):
    program = eligible_program_for(agent)
    refused = _as(api, agent).get(f"{API}/programs/{program.pk}/eligibility/")
    assert refused.status_code == 403


def test_a_team_lead_reads_their_teams_eligibility_only(api, agent, other_agent, team_lead, hr):
    program = eligible_program_for(agent, other_agent)
    certificate_row(agent, program)
    rows = _as(api, team_lead).get(f"{API}/programs/{program.pk}/eligibility/").json()["results"]
    people = {row["person"]["id"]: row for row in rows}
    assert other_agent.pk not in people and agent.pk in people
    assert people[agent.pk]["eligible"] is True and people[agent.pk]["can_issue"] is False
    assert people[agent.pk]["current"]["state"] == Certificate.State.VALID
    assert people[agent.pk]["checks"][0]["met"] is True
    # Another team chosen by code: refused with a message rather than widened.
    other = api.get(f"{API}/programs/{program.pk}/eligibility/", {"team": "cosmetics"})
    assert other.status_code == 400
    assert other.json()["team"] == [gettext("No such team.")]
    everyone = _as(api, hr).get(f"{API}/programs/{program.pk}/eligibility/").json()["results"]
    assert {agent.pk, other_agent.pk} <= {row["person"]["id"] for row in everyone}


def test_eligibility_shows_what_is_missing_and_filters_by_outcome(api, agent, other_agent, hr):
    program = ProgramFactory()
    requirement = course_requirement(program)
    completed_course_for(agent, requirement.course)
    _as(api, hr)
    url = f"{API}/programs/{program.pk}/eligibility/"
    rows = {r["person"]["id"]: r for r in api.get(url).json()["results"]}
    assert rows[other_agent.pk]["checks"] == [
        {"label": requirement_label(requirement), "met": False, "detail": ""}
    ]
    assert rows[other_agent.pk]["current"] is None
    eligible = api.get(url, {"show": "eligible"}).json()["results"]
    assert [r["person"]["id"] for r in eligible] == [agent.pk]


def test_eligibility_costs_the_same_at_two_sizes(api, hr, team):
    program = ProgramFactory(min_points=10)
    requirement = course_requirement(program)
    first = UserFactory(team=team)
    completed_course_for(first, requirement.course)
    certificate_row(first, program)
    _as(api, hr)
    url = f"{API}/programs/{program.pk}/eligibility/"
    small = _count(api, url)
    for _ in range(4):
        person = UserFactory(team=team)
        completed_course_for(person, requirement.course)
        certificate_row(person, program)
    large = _count(api, url)
    assert large[1] == small[1] + 4
    assert small[0] == large[0]


# --- Issuing -------------------------------------------------------------------------------


def test_an_agent_cannot_issue(api, agent):
    program = eligible_program_for(agent)
    refused = _as(api, agent).post(f"{API}/programs/{program.pk}/issue/", {"person": agent.pk})
    assert refused.status_code == 403
    assert not Certificate.objects.exists()
    bulk = api.post(f"{API}/programs/{program.pk}/issue-all/", {})
    assert bulk.status_code == 403
    assert not Certificate.objects.exists()


def test_a_team_lead_cannot_issue_to_their_team(api, agent, team_lead):
    program = eligible_program_for(agent)
    refused = _as(api, team_lead).post(f"{API}/programs/{program.pk}/issue/", {"person": agent.pk})
    assert refused.status_code == 403
    assert not Certificate.objects.exists()


def test_hr_issues_once_the_certificate_pending_until_its_pdf(api, agent, hr):
    program = eligible_program_for(agent)
    _as(api, hr)
    first = api.post(f"{API}/programs/{program.pk}/issue/", {"person": agent.pk})
    assert first.status_code == 201
    data = first.json()
    certificate = Certificate.objects.get()
    assert data["id"] == certificate.pk and data["serial"] == certificate.serial
    assert (data["status"], data["state"]) == ("pending", "pending")
    assert data["issued_by"]["id"] == hr.pk and data["pdf_url"] is None
    assert data["evidence"][0]["met"] is True
    again = api.post(f"{API}/programs/{program.pk}/issue/", {"person": agent.pk})
    assert again.status_code == 200 and again.json()["id"] == certificate.pk
    assert Certificate.objects.count() == 1


def test_issuing_to_someone_not_eligible_is_a_400_with_the_reason(api, agent, other_agent, hr):
    program = ProgramFactory()
    requirement = course_requirement(program)
    _as(api, hr)
    refused = api.post(f"{API}/programs/{program.pk}/issue/", {"person": other_agent.pk})
    assert refused.status_code == 400
    [message] = refused.json()["detail"]
    assert requirement_label(requirement) in message
    unknown = api.post(f"{API}/programs/{program.pk}/issue/", {"person": 999_999})
    assert unknown.status_code == 400
    assert unknown.json()["person"] == [gettext("No such person.")]
    assert api.post(f"{API}/programs/999999/issue/", {"person": agent.pk}).status_code == 404
    assert not Certificate.objects.exists()


def test_hr_issues_to_everyone_eligible_with_the_counts(api, agent, other_agent, hr, team):
    program = eligible_program_for(agent, other_agent)
    UserFactory(team=team)  # not eligible
    response = _as(api, hr).post(f"{API}/programs/{program.pk}/issue-all/", {})
    assert response.status_code == 200
    counts = response.json()
    assert counts["queued"] is False and counts["issued"] == 2 and counts["failed"] == 0
    assert counts["skipped"] >= 1
    assert set(Certificate.objects.values_list("holder_id", flat=True)) == {
        agent.pk,
        other_agent.pk,
    }
    # A team chosen: only its people are considered; the others already hold one.
    again = api.post(f"{API}/programs/{program.pk}/issue-all/", {"team": "apparel"}).json()
    assert again["issued"] == 0
    assert Certificate.objects.count() == 2


def test_issuing_to_all_for_a_closed_program_is_refused(api, agent, hr):
    program = eligible_program_for(agent, is_active=False)
    refused = _as(api, hr).post(f"{API}/programs/{program.pk}/issue-all/", {})
    assert refused.status_code == 400
    assert refused.json()["detail"] == [gettext("This program is closed.")]
    assert not Certificate.objects.exists()


def test_an_issued_certificate_links_its_pdf(api, agent, hr):
    """The one test here that renders a PDF: the detail's pdf_url serves it."""
    program = eligible_program_for(agent)
    _as(api, hr)
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = api.post(f"{API}/programs/{program.pk}/issue/", {"person": agent.pk})
    assert created.status_code == 201
    data = _as(api, agent).get(f"{API}/certificates/{created.json()['id']}/").json()
    assert (data["status"], data["state"]) == ("issued", "valid")
    assert data["verify_url"] == verify_url(Certificate.objects.get().code)
    assert data["pdf_url"].endswith(f"/certificates/{data['id']}/pdf/")
    pdf = api.get(data["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


# --- Certificates ----------------------------------------------------------------------------


def test_agents_list_their_own_certificates_leads_their_teams_hr_all(
    api, agent, other_agent, team_lead, hr
):
    program = ProgramFactory()
    mine = certificate_row(agent, program)
    theirs = certificate_row(other_agent, program)

    def listed(user, **query) -> set[int]:
        results = _as(api, user).get(f"{API}/certificates/", query).json()["results"]
        return {c["id"] for c in results}

    assert listed(agent) == {mine.pk}
    assert listed(other_agent) == {theirs.pk}
    assert listed(team_lead) == {mine.pk}
    assert listed(hr) == {mine.pk, theirs.pk}


def test_the_certificate_list_filters_by_state(api, agent, other_agent, hr):
    program = ProgramFactory()
    valid = certificate_row(agent, program)
    revoked = certificate_row(other_agent, program, state="revoked")
    expired = certificate_row(other_agent, ProgramFactory(), state="expired")
    _as(api, hr)

    def ids(state: str) -> list[int]:
        return [
            c["id"] for c in api.get(f"{API}/certificates/", {"state": state}).json()["results"]
        ]

    assert ids("valid") == [valid.pk]
    assert ids("revoked") == [revoked.pk]
    assert ids("expired") == [expired.pk]
    item = api.get(f"{API}/certificates/", {"state": "revoked"}).json()["results"][0]
    assert item["state_label"] == Certificate.State.REVOKED.label
    assert api.get(f"{API}/certificates/", {"state": "lost"}).status_code == 400
    # An agent's own list filters the same way.
    assert [
        c["id"]
        for c in _as(api, other_agent)
        .get(f"{API}/certificates/", {"state": "expired"})
        .json()["results"]
    ] == [expired.pk]


def test_the_certificate_list_costs_the_same_at_two_sizes(api, hr):
    program = ProgramFactory()
    certificate_row(UserFactory(), program)
    _as(api, hr)
    small = _count(api, f"{API}/certificates/")
    for _ in range(4):
        certificate_row(UserFactory(), program, issued_by=UserFactory())
    large = _count(api, f"{API}/certificates/")
    assert (small[1], large[1]) == (1, 5)
    assert small[0] == large[0]


def test_a_certificate_is_seen_by_its_holder_their_lead_and_hr_only(
    api, agent, other_agent, team_lead, hr
):
    certificate = certificate_row(agent, ProgramFactory(), state="pending")
    url = f"{API}/certificates/{certificate.pk}/"
    assert _as(api, other_agent).get(url).status_code == 404
    assert api.get(f"{API}/certificates/999999/").status_code == 404
    for user in (agent, team_lead, hr):
        data = _as(api, user).get(url).json()
        assert data["serial"] == certificate.serial
    assert data["state"] == "pending" and data["pdf_url"] is None
    assert data["evidence"] == certificate.evidence
    assert data["verify_url"] == verify_url(certificate.code)


# --- Revoking ------------------------------------------------------------------------------


def test_an_agent_cannot_revoke_even_their_own_certificate(api, agent):
    certificate = certificate_row(agent, ProgramFactory())
    refused = _as(api, agent).post(
        f"{API}/certificates/{certificate.pk}/revoke/", {"reason": "不要了"}
    )
    assert refused.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED and certificate.revoke_reason == ""


def test_hr_revokes_with_a_reason(api, agent, hr):
    certificate = certificate_row(agent, ProgramFactory())
    _as(api, hr)
    url = f"{API}/certificates/{certificate.pk}/revoke/"
    blank = api.post(url, {"reason": "  "})
    assert blank.status_code == 400
    assert blank.json()["detail"] == [gettext("Say why the certificate is revoked.")]
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    data = api.post(url, {"reason": "考试作弊"}).json()
    assert (data["state"], data["revoke_reason"]) == ("revoked", "考试作弊")
    assert data["revoked_by"]["id"] == hr.pk
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    twice = api.post(url, {"reason": "再次"})
    assert twice.status_code == 400
    assert twice.json()["detail"] == [gettext("This certificate has already been revoked.")]
    assert api.post(f"{API}/certificates/999999/revoke/", {"reason": "x"}).status_code == 404


# --- The checklist -------------------------------------------------------------------------


def test_my_checklist_shows_what_is_met_and_what_is_left(api, agent, other_agent):
    program = ProgramFactory(title_zh="客服上岗认证")
    done, left = course_requirement(program), course_requirement(program)
    completed_course_for(agent, done.course)
    completed_course_for(other_agent, left.course)
    ProgramFactory(is_active=False)
    [entry] = _as(api, agent).get(f"{API}/checklist/").json()["results"]
    assert entry["program"]["id"] == program.pk
    assert (entry["eligible"], entry["met_count"], entry["total"]) == (False, 1, 2)
    items = {item["label"]: item for item in entry["items"]}
    assert items[requirement_label(done)]["met"] is True
    assert items[requirement_label(done)]["url"] == ""
    assert items[requirement_label(left)]["met"] is False
    assert items[requirement_label(left)]["url"]  # where to go
    assert entry["current"] is None


def test_the_checklist_costs_the_same_at_two_sizes(api, agent):
    completed_course_for(agent, course_requirement(ProgramFactory()).course)
    _as(api, agent)
    small = _count(api, f"{API}/checklist/")
    for _ in range(4):
        program = ProgramFactory()
        certificate_row(agent, program)
        course_requirement(program)
    large = _count(api, f"{API}/checklist/")
    assert (small[1], large[1]) == (1, 5)
    assert small[0] == large[0]


# --- The schema ----------------------------------------------------------------------------


def test_the_certification_endpoints_are_in_a_clean_schema(api, hr):
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(
        patterns=[path("api/certification/", include("certification.api_urls"))]
    )
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "schema warnings or errors"
    assert {
        "/api/certification/programs/",
        "/api/certification/programs/{id}/",
        "/api/certification/programs/{id}/eligibility/",
        "/api/certification/programs/{id}/issue/",
        "/api/certification/programs/{id}/issue-all/",
        "/api/certification/certificates/",
        "/api/certification/certificates/{id}/",
        "/api/certification/certificates/{id}/revoke/",
        "/api/certification/checklist/",
        "/api/certification/points/{person_id}/",
        "/api/certification/points/entries/{id}/",
        "/api/certification/points/leaderboard/",
        "/api/certification/points/rules/",
        "/api/certification/honours/",
        "/api/certification/honours/types/",
        "/api/certification/ladder/me/",
        "/api/certification/ladder/board/",
        "/api/certification/ladder/decisions/",
    } <= set(schema["paths"])
    # The ledger offers no way to change or remove an entry.
    for ledger in (
        "/api/certification/points/{person_id}/",
        "/api/certification/points/entries/{id}/",
    ):
        assert not {"put", "patch", "delete"} & set(schema["paths"][ledger])
    served = _as(api, hr).get("/api/schema/", {"format": "json"})
    assert "/api/certification/ladder/decisions/" in served.json()["paths"]
