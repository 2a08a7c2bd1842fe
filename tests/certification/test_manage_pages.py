"""HR's program pages and the eligibility page: creating and editing programs and their
requirements, issuing one certificate or all eligible at once; team leads read their team
only; agents are refused everything (404) and change nothing."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from certification import bulk
from certification.models import Certificate, Program, Requirement
from tests.assessments.factories import QuizFactory
from tests.certification.factories import (
    ProgramFactory,
    completed_course_for,
    course_requirement,
    eligible_program_for,
)
from tests.courses.factories import published_course
from tests.lms.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"certification:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Who may open what ---------------------------------------------------------------


def test_an_agent_cannot_open_the_hr_pages(client, agent):
    program = eligible_program_for(agent)
    client.force_login(agent)
    for name, args in [
        ("program-list", ()),
        ("program-create", ()),
        ("program-detail", (program.pk,)),
        ("program-edit", (program.pk,)),
        ("program-eligibility", (program.pk,)),
        ("register", ()),
        ("register-export", ()),
    ]:
        assert client.get(url(name, *args)).status_code == 404, name


def test_an_agent_cannot_change_programs_or_issue(client, agent):
    program = eligible_program_for(agent)
    client.force_login(agent)
    responses = [
        client.post(url("program-create"), {"code": "x", "kind": "skill", "title_zh": "某"}),
        client.post(url("program-edit", program.pk), {"title_zh": "改"}),
        client.post(url("program-archive", program.pk)),
        client.post(
            url("program-requirement-add", program.pk),
            {"kind": "course", "course-course": published_course().pk},
        ),
        client.post(url("program-requirement-delete", program.pk, program.requirements.get().pk)),
        client.post(url("program-issue", program.pk), {"person": agent.pk}),
        client.post(url("program-issue-all", program.pk)),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    program.refresh_from_db()
    assert program.is_active and program.title_zh.startswith("认证项目")
    assert Program.objects.count() == 1 and program.requirements.count() == 1
    assert not Certificate.objects.exists()


# --- Programs and requirements -----------------------------------------------------------


def program_form(**overrides) -> dict:
    data = {
        "code": "kb-basic",
        "kind": "skill",
        "title_zh": "知识库技能认证",
        "title_en": "Knowledge base skills",
        "validity_months": "24",
        "issue_mode": "approval",
        "min_points": "0",
        "points_awarded": "30",
        "evidence_lapses": "on",
    }
    data.update(overrides)
    return data


def test_hr_creates_and_edits_a_program(client, hr):
    client.force_login(hr)
    assert client.get(url("program-create")).status_code == 200
    response = client.post(url("program-create"), program_form())
    program = Program.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("program-detail", program.pk)
    assert (program.title_en, program.validity_months, program.points_awarded) == (
        "Knowledge base skills",
        24,
        30,
    )
    response = client.post(
        url("program-edit", program.pk),
        program_form(code="changed", validity_months="", title_zh="知识库认证"),
    )
    program.refresh_from_db()
    assert response.status_code == 302
    assert (program.code, program.validity_months, program.title_zh) == (
        "kb-basic",
        None,
        "知识库认证",
    )
    page = client.get(url("program-list"))
    assert "知识库认证" in html(page)


def test_a_bad_program_form_shows_the_error_and_saves_nothing(client, hr):
    client.force_login(hr)
    response = client.post(url("program-create"), program_form(validity_months="0"))
    assert response.status_code == 400
    assert 'class="field has-errors"' in html(response)
    assert not Program.objects.exists()


def test_hr_adds_and_removes_requirements(client, hr):
    program = ProgramFactory()
    quiz = QuizFactory()
    client.force_login(hr)
    page = client.get(url("program-detail", program.pk))
    assert 'id="add-competency"' in html(page)
    response = client.post(
        url("program-requirement-add", program.pk),
        {"kind": "quiz", "quiz-quiz": quiz.pk, "quiz-minimum": "80"},
    )
    assert response.status_code == 302
    requirement = Requirement.objects.get()
    assert (requirement.kind, requirement.quiz, requirement.minimum) == ("quiz", quiz, 80)
    response = client.post(url("program-requirement-delete", program.pk, requirement.pk))
    assert response.status_code == 302
    assert not Requirement.objects.exists()


def test_a_bad_requirement_shows_the_message_and_adds_nothing(client, hr):
    program = ProgramFactory()
    quiz = QuizFactory()
    client.force_login(hr)
    response = client.post(
        url("program-requirement-add", program.pk),
        {"kind": "quiz", "quiz-quiz": quiz.pk, "quiz-minimum": "150"},
    )
    assert response.status_code == 400
    assert gettext("The minimum score is a percentage from 0 to 100.") in html(response)
    response = client.post(
        url("program-requirement-add", program.pk), {"kind": "roleplay", "roleplay-minimum": "70"}
    )
    assert response.status_code == 400
    assert gettext("Choose a role-play scenario.") in html(response)
    assert not Requirement.objects.exists()


def test_hr_archives_a_program(client, hr):
    program = ProgramFactory()
    client.force_login(hr)
    response = client.post(url("program-archive", program.pk))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.is_active is False


def _program_list_queries(client, count: int) -> int:
    for _n in range(count):
        course_requirement(ProgramFactory())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("program-list"))
    assert html(response).count('id="program-') == Program.objects.count()
    return len(ctx.captured_queries)


def test_program_list_query_count_is_fixed(client, hr):
    client.force_login(hr)
    assert _program_list_queries(client, 2) == _program_list_queries(client, 6)


# --- Eligibility and issuing ----------------------------------------------------------------


def test_the_eligibility_page_shows_each_requirement_met_or_missing(client, hr, agent, other_agent):
    program = eligible_program_for(agent)
    course_label = gettext("Complete the course %(course)s") % {
        "course": program.requirements.get().course
    }
    client.force_login(hr)
    response = client.get(url("program-eligibility", program.pk))
    page = html(response)
    assert course_label in page
    assert f'id="person-{agent.pk}"' in page and f'id="person-{other_agent.pk}"' in page
    agent_row = page.split(f'id="person-{agent.pk}"')[1].split("</tr>")[0]
    other_row = page.split(f'id="person-{other_agent.pk}"')[1].split("</tr>")[0]
    assert 'class="met"' in agent_row and url("program-issue", program.pk) in agent_row
    assert 'class="unmet"' in other_row and url("program-issue", program.pk) not in other_row
    eligible_only = html(client.get(url("program-eligibility", program.pk), {"show": "eligible"}))
    assert f'id="person-{agent.pk}"' in eligible_only
    assert f'id="person-{other_agent.pk}"' not in eligible_only
    team_only = html(client.get(url("program-eligibility", program.pk), {"team": "cosmetics"}))
    assert f'id="person-{other_agent.pk}"' in team_only
    assert f'id="person-{agent.pk}"' not in team_only


def _eligibility_people(program, team, count: int) -> None:
    for n in range(count):
        person = UserFactory(team=team)
        if n % 2:
            completed_course_for(person, program.requirements.get().course)


def test_eligibility_page_query_count_is_fixed(client, hr, team, django_assert_num_queries):
    program = ProgramFactory(min_points=10)
    course_requirement(program)
    _eligibility_people(program, team, 3)
    client.force_login(hr)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url("program-eligibility", program.pk))
    assert html(response).count('id="person-') == 4  # and HR
    _eligibility_people(program, team, 9)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url("program-eligibility", program.pk))
    assert html(response).count('id="person-') == 13


def test_hr_issues_one_certificate_pending_then_issued(
    client, hr, agent, django_capture_on_commit_callbacks
):
    program = eligible_program_for(agent)
    client.force_login(hr)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url("program-issue", program.pk), {"person": agent.pk})
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.PENDING
    assert (certificate.holder, certificate.issued_by) == (agent, hr)
    assert said(response) == [
        gettext("Certificate %(serial)s is being issued to %(person)s.")
        % {"serial": certificate.serial, "person": agent}
    ]
    for callback in callbacks:  # the commit: the PDF is rendered (Celery runs eagerly)
        callback()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED and certificate.pdf
    # A second click finds the certificate and says so.
    response = client.post(url("program-issue", program.pk), {"person": agent.pk})
    assert Certificate.objects.count() == 1
    assert said(response)[-1] == gettext("%(person)s already holds %(serial)s: nothing issued.") % {
        "person": agent,
        "serial": certificate.serial,
    }


def test_issuing_to_someone_not_eligible_says_why_and_issues_nothing(client, hr, other_agent):
    program = ProgramFactory()
    course_requirement(program)
    client.force_login(hr)
    response = client.post(url("program-issue", program.pk), {"person": other_agent.pk})
    assert response.status_code == 302
    [message] = said(response)
    assert str(other_agent) in message
    assert not Certificate.objects.exists()


def test_issue_to_all_eligible_issues_them_and_skips_the_others(client, hr, team):
    program = ProgramFactory()
    course = course_requirement(program).course
    eligible = [UserFactory(team=team) for _n in range(3)]
    for person in eligible:
        completed_course_for(person, course)
    others = [UserFactory(team=team) for _n in range(2)]
    client.force_login(hr)
    response = client.post(url("program-issue-all", program.pk), {"team": "apparel"})
    assert response.status_code == 302
    assert set(Certificate.objects.values_list("holder", flat=True)) == {p.pk for p in eligible}
    assert said(response) == [
        gettext(
            "Issued: %(issued)s; skipped (not eligible or already certified): "
            "%(skipped)s; failed: %(failed)s."
        )
        % {"issued": 3, "skipped": len(others), "failed": 0}
    ]
    # Again: everyone eligible already holds one.
    response = client.post(url("program-issue-all", program.pk), {"team": "apparel"})
    assert Certificate.objects.count() == 3
    assert said(response)[-1] == gettext(
        "Issued: %(issued)s; skipped (not eligible or already certified): "
        "%(skipped)s; failed: %(failed)s."
    ) % {"issued": 0, "skipped": 5, "failed": 0}


def test_the_bulk_task_counts_failures_and_goes_on(monkeypatch, hr, team):
    program = ProgramFactory()
    course = course_requirement(program).course
    people = [UserFactory(team=team) for _n in range(3)]
    for person in people:
        completed_course_for(person, course)
    real_issue = bulk.certificate_issue

    def flaky(*, program, holder, issued_by):
        if holder == people[1]:
            raise RuntimeError("storage down")
        return real_issue(program=program, holder=holder, issued_by=issued_by)

    monkeypatch.setattr(bulk, "certificate_issue", flaky)
    left = UserFactory(team=team, is_active=False)
    result = bulk.certificates_issue_bulk.delay(
        program.pk, [p.pk for p in people] + [left.pk, 999_999], hr.pk
    ).get()
    assert result == {"issued": 2, "skipped": 2, "failed": 1}
    assert set(Certificate.objects.values_list("holder", flat=True)) == {
        people[0].pk,
        people[2].pk,
    }
    assert set(Certificate.objects.values_list("issued_by", flat=True)) == {hr.pk}


def test_an_htmx_filter_gets_the_table_only(client, hr, agent):
    program = eligible_program_for(agent)
    client.force_login(hr)
    response = client.get(
        url("program-eligibility", program.pk), {"show": "eligible"}, HTTP_HX_REQUEST="true"
    )
    page = html(response)
    assert page.lstrip().startswith('<section class="card" id="eligibility">')
    assert f'id="person-{agent.pk}"' in page and "<html" not in page


def test_a_closed_program_issues_nothing(client, hr, agent):
    program = eligible_program_for(agent, is_active=False)
    client.force_login(hr)
    response = client.post(url("program-issue-all", program.pk))
    assert said(response) == [gettext("This program is closed.")]
    response = client.post(url("program-issue", program.pk), {"person": agent.pk})
    assert said(response)[-1] == gettext("This program is closed.")
    assert not Certificate.objects.exists()


def test_a_team_lead_reads_their_team_only_and_cannot_issue(client, team_lead, agent, other_agent):
    program = eligible_program_for(agent, other_agent)
    client.force_login(team_lead)
    page = html(client.get(url("program-eligibility", program.pk)))
    assert f'id="person-{agent.pk}"' in page
    assert f'id="person-{other_agent.pk}"' not in page
    assert url("program-issue", program.pk) not in page
    assert url("program-issue-all", program.pk) not in page
    assert client.get(url("program-detail", program.pk)).status_code == 404
    assert client.post(url("program-issue", program.pk), {"person": agent.pk}).status_code == 404
    assert client.post(url("program-issue-all", program.pk)).status_code == 404
    assert not Certificate.objects.exists()


def test_hr_cannot_issue_to_an_unknown_or_departed_person(client, hr, agent):
    program = eligible_program_for(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    client.force_login(hr)
    assert client.post(url("program-issue", program.pk), {"person": agent.pk}).status_code == 404
    assert client.post(url("program-issue", program.pk), {"person": "x"}).status_code == 404
    assert not Certificate.objects.exists()
