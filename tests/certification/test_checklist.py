"""The agent's checklist ("what is left for this certificate"): my own requirements met
or missing with where to go, my certificate's state, and a query count that does not grow
with the number of programs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from certification import programs
from certification.models import Certificate, Program
from lms.models import Level
from tests.assessments.factories import QuizFactory
from tests.certification.factories import ProgramFactory, completed_course_for
from tests.courses.factories import published_course
from tests.lms.factories import CompetencyFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC)


def url(name: str, *args) -> str:
    return reverse(f"certification:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def section(page: str, program: Program) -> str:
    return page.split(f'id="program-{program.pk}"')[1].split("</section>")[0]


def test_the_checklist_shows_what_i_have_done_and_what_is_left(client, agent, other_agent):
    course, quiz = published_course(), QuizFactory()
    program = ProgramFactory(title_zh="客服上岗认证", min_points=20)
    programs.requirement_add(program=program, kind="course", course=course)
    programs.requirement_add(program=program, kind="quiz", quiz=quiz, minimum=80)
    completed_course_for(agent, course)
    completed_course_for(other_agent, course)
    client.force_login(agent)
    page = html(client.get(url("checklist")))
    mine = section(page, program)
    course_label = gettext("Complete the course %(course)s") % {"course": course}
    quiz_label = gettext("Pass the quiz %(quiz)s with at least %(minimum)s%%") % {
        "quiz": quiz,
        "minimum": 80,
    }
    points_label = gettext("Have at least %(points)s points") % {"points": 20}
    done, *left = mine.split('<li class="')[1:]
    assert done.startswith("met") and course_label in done
    assert [item.split('"')[0] for item in left] == ["unmet", "unmet"]
    assert quiz_label in left[0] and points_label in left[1]
    # Where to go for the quiz; nothing to do for the course any more.
    assert reverse("assessments:quiz-detail", args=[quiz.pk]) in left[0]
    assert reverse("courses:course-detail", args=[course.pk]) not in done
    assert "2" in mine.split("</p>")[0]  # two requirements left


def test_someone_else_meeting_it_does_not_count_for_me(client, agent, other_agent):
    course = published_course()
    program = ProgramFactory()
    programs.requirement_add(program=program, kind="course", course=course)
    completed_course_for(other_agent, course)
    client.force_login(agent)
    mine = section(html(client.get(url("checklist"))), program)
    assert '<li class="unmet"' in mine and '<li class="met"' not in mine
    assert reverse("courses:course-detail", args=[course.pk]) in mine


def test_the_checklist_shows_my_certificate_and_leaves_closed_programs_out(client, agent):
    course = published_course()
    held = ProgramFactory(issue_mode=Program.IssueMode.AUTOMATIC)
    programs.requirement_add(program=held, kind="course", course=course)
    completed_course_for(agent, course)
    certificate = Certificate.objects.create(
        program=held,
        holder=agent,
        serial="AA-2026-000777",
        code="checklist-code",
        requested_at=NOW,
        valid_from=timezone.localdate(),
        status=Certificate.Status.ISSUED,
        issued_at=NOW,
        pdf="certificates/checklist-code.pdf",
    )
    ready = ProgramFactory()
    closed = ProgramFactory(is_active=False, title_zh="已关闭的认证")
    client.force_login(agent)
    page = html(client.get(url("checklist")))
    assert certificate.serial in section(page, held)
    assert reverse("certification:certificate", args=[certificate.pk]) in section(page, held)
    assert gettext("You meet every requirement: HR can issue the certificate now.") in section(
        page, ready
    )
    assert "已关闭的认证" not in page
    assert client.get(url("checklist-program", closed.pk)).status_code == 404


def test_the_program_page_shows_my_checklist_and_my_certificates(client, agent):
    competency = CompetencyFactory()
    program = ProgramFactory(validity_months=24, points_awarded=30)
    programs.requirement_add(
        program=program, kind="competency", competency=competency, minimum=Level.EXPERT
    )
    old = Certificate.objects.create(
        program=program,
        holder=agent,
        serial="AA-2025-000001",
        code="old-code",
        requested_at=NOW,
        valid_from=datetime.date(2024, 1, 1),
        expires_on=datetime.date(2025, 1, 1),
        status=Certificate.Status.EXPIRED,
        issued_at=NOW,
        pdf="certificates/old-code.pdf",
    )
    client.force_login(agent)
    response = client.get(url("checklist-program", program.pk))
    page = html(response)
    assert response.status_code == 200
    label = gettext("Reach %(level)s in %(competency)s") % {
        "level": Level.EXPERT.label,
        "competency": competency,
    }
    assert label in page and reverse("my-profile") in page
    assert old.serial in page and gettext("Expired") in page
    assert client.get(url("checklist-program", 999_999)).status_code == 404


def _checklist_queries(client, count: int) -> int:
    for _n in range(count):
        program = ProgramFactory(min_points=5)
        programs.requirement_add(program=program, kind="course", course=published_course())
        programs.requirement_add(program=program, kind="quiz", quiz=QuizFactory(), minimum=60)
        programs.requirement_add(
            program=program, kind="competency", competency=CompetencyFactory(), minimum=1
        )
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("checklist"))
    assert html(response).count('<section class="card" id="program-') == Program.objects.count()
    return len(ctx.captured_queries)


def test_checklist_query_count_does_not_grow_with_the_programs(client, agent):
    client.force_login(agent)
    assert _checklist_queries(client, 2) == _checklist_queries(client, 5)


def test_the_checklist_needs_a_login(client):
    response = client.get(url("checklist"))
    assert response.status_code == 302 and "login" in response["Location"]
