"""Pages for mentors, team leads, HR and trainers: who may use them, what they change,
and in how many queries the progress table answers."""

import datetime
from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services
from courses.models import (
    Course,
    CourseCompetency,
    CourseSession,
    CourseVersion,
    Enrolment,
    LearningPath,
    Lesson,
    PathAssignment,
    SessionRegistration,
)
from lms.models import Level, Role
from tests.courses.factories import (
    CourseFactory,
    CourseSessionFactory,
    LearningPathFactory,
    PathCourseFactory,
    SessionRegistrationFactory,
    enrolment_for,
    published_course,
)
from tests.lms.factories import CompetencyFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def html(response) -> str:
    return response.content.decode()


def course_post_data(**overrides) -> dict:
    data = {
        "code": "returns-101",
        "title_zh": "退换货流程",
        "title_en": "Returns and refunds",
        "description_zh": "从申请到退款的全流程。",
        "description_en": "",
        "tier": "entry",
        "delivery_mode": "online",
        "estimated_minutes": "60",
    }
    data.update(overrides)
    return data


def lesson_post_data(**overrides) -> dict:
    data = {
        "title_zh": "退货申请的受理",
        "title_en": "Taking a return request",
        "kind": "text",
        "body_zh": "## 第一步\n\n您好，请提供订单号。",
        "body_en": "",
        "video_url": "",
        "estimated_minutes": "15",
        "required": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def past_session(trainer):
    """A workshop that started an hour ago and whose attendance completes the course."""
    now = timezone.now()
    session = CourseSessionFactory(
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=2),
        instructor=trainer,
        course__title_zh="投诉降级实战工作坊",
    )
    services.course_publish(course=session.course, published_by=trainer)
    return session


# --- Who may use the pages -------------------------------------------------------------


def test_agent_gets_404_on_progress_then_hr_sees_the_table(client, agent, other_agent, hr):
    course = published_course(title_zh="物流查询基础")
    enrolment_for(other_agent, course)

    client.force_login(agent)
    refused = client.get("/learning/progress/")
    assert refused.status_code == 404
    assert "李思远" not in html(refused)

    client.force_login(hr)
    response = client.get("/learning/progress/")
    assert response.status_code == 200
    assert "李思远" in html(response)
    assert "物流查询基础" in html(response)


def test_agent_gets_404_on_assign_and_nothing_is_created(client, agent, other_agent, mentor):
    course = published_course(title_zh="电商后台操作")

    client.force_login(agent)
    assert client.get("/learning/assign/").status_code == 404
    refused = client.post("/learning/assign/", {"course": course.pk, "people": [other_agent.pk]})
    assert refused.status_code == 404
    assert not Enrolment.objects.exists()

    client.force_login(mentor)
    response = client.post("/learning/assign/", {"course": course.pk, "people": [agent.pk]})
    assert response.status_code == 200
    enrolment = Enrolment.objects.get()
    assert (enrolment.agent, enrolment.source, enrolment.assigned_by) == (
        agent,
        Enrolment.Source.MENTOR,
        mentor,
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/manage/courses/", "草稿课程"),
        ("/manage/courses/new/", 'name="title_zh"'),
        ("/manage/paths/", "入职路径"),
        ("/manage/paths/new/", "草稿课程"),
    ],
)
def test_agent_and_mentor_get_404_on_authoring_pages(client, agent, mentor, trainer, url, expected):
    draft = CourseFactory(title_zh="草稿课程")
    LearningPathFactory(title_zh="入职路径", is_published=False)
    PathCourseFactory(path=LearningPath.objects.get(), course=draft, order=1)

    for person in (agent, mentor):
        client.force_login(person)
        refused = client.get(url)
        assert refused.status_code == 404
        assert "草稿课程" not in html(refused)

    client.force_login(trainer)
    response = client.get(url)
    assert response.status_code == 200
    assert expected in html(response)


def test_agent_cannot_create_a_course_but_a_trainer_can(client, agent, trainer):
    client.force_login(agent)
    assert client.post("/manage/courses/new/", course_post_data()).status_code == 404
    assert not Course.objects.exists()

    client.force_login(trainer)
    response = client.post("/manage/courses/new/", course_post_data())

    course = Course.objects.get(code="returns-101")
    assert response.status_code == 302
    assert response.url == f"/manage/courses/{course.pk}/"
    assert (course.title_zh, course.status, course.version) == ("退换货流程", "draft", 0)
    assert course.created_by == trainer
    assert "退换货流程" in html(client.get("/manage/courses/"))


def test_attendance_page_is_for_the_instructor_and_authors_only(
    client, agent, mentor, past_session, trainer
):
    SessionRegistrationFactory(session=past_session, agent=agent)
    url = f"/manage/sessions/{past_session.pk}/attendance/"

    for person in (agent, mentor):
        client.force_login(person)
        assert client.get(url).status_code == 404

    client.force_login(trainer)
    response = client.get(url)
    assert response.status_code == 200
    assert "王雨桐" in html(response)


# --- Progress table --------------------------------------------------------------------


def test_team_lead_sees_only_their_team(client, agent, other_agent, team_lead, hr):
    course = published_course(title_zh="商品知识：服饰尺码")
    enrolment_for(agent, course)
    enrolment_for(other_agent, course)

    client.force_login(team_lead)
    response = client.get("/learning/progress/")

    assert [e.agent for e in response.context["rows"]] == [agent]
    assert "王雨桐" in html(response)
    assert "李思远" not in html(response)


def test_mentor_sees_mentees_only(client, agent, mentor, team):
    teammate = UserFactory(display_name="周同事", team=team)
    course = published_course(title_zh="倾听与共情")
    enrolment_for(agent, course)
    enrolment_for(teammate, course)

    client.force_login(mentor)
    response = client.get("/learning/progress/")

    assert [e.agent for e in response.context["rows"]] == [agent]
    assert "周同事" not in html(response)


def test_progress_puts_overdue_first_and_filters_by_status_with_htmx(
    client, agent, other_agent, hr
):
    today = timezone.localdate()
    course = published_course(title_zh="应急处理：系统故障")
    on_time = enrolment_for(agent, course, due_on=today + datetime.timedelta(days=30))
    late = enrolment_for(other_agent, course, due_on=today + datetime.timedelta(days=1))
    services.enrolments_mark_overdue(today=today + datetime.timedelta(days=5))

    client.force_login(hr)
    page = client.get("/learning/progress/")
    assert [e.pk for e in page.context["rows"]] == [late.pk, on_time.pk]

    partial = client.get("/learning/progress/?status=overdue", **HTMX)
    assert "<html" not in html(partial)
    assert 'id="progress-table"' in html(partial)
    assert "李思远" in html(partial)
    assert "王雨桐" not in html(partial)


def test_withdraw_is_refused_outside_the_team_and_works_inside(
    client, agent, other_agent, team_lead
):
    course = published_course(title_zh="谈判技巧")
    mine = enrolment_for(agent, course, source=Enrolment.Source.TEAM_LEAD, assigned_by=team_lead)
    theirs = enrolment_for(other_agent, course)

    client.force_login(team_lead)
    refused = client.post(f"/learning/progress/{theirs.pk}/withdraw/")
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Enrolment.Status.NOT_STARTED

    response = client.post(
        f"/learning/progress/{mine.pk}/withdraw/", {"next": "/learning/progress/?status="}
    )
    assert response.status_code == 302
    assert response.url == "/learning/progress/?status="
    mine.refresh_from_db()
    assert mine.status == Enrolment.Status.WITHDRAWN


def test_progress_table_query_count_does_not_grow_with_enrolments(client, hr, team):
    course = published_course(title_zh="客户画像")

    def enrol(count: int) -> None:
        for _ in range(count):
            enrolment_for(UserFactory(team=team), course, assigned_by=hr)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/learning/progress/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    client.force_login(hr)
    enrol(5)
    small = queries()
    enrol(35)
    large = queries()

    assert Enrolment.objects.count() == 40
    assert small == large


def test_authoring_course_list_query_count_does_not_grow_with_courses(client, trainer):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/manage/courses/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    client.force_login(trainer)
    for _ in range(3):
        published_course(lessons=2)
    small = queries()
    for _ in range(20):
        published_course(lessons=2)
    large = queries()

    assert Course.objects.count() == 23
    assert small == large


# --- Assigning -------------------------------------------------------------------------


def test_assigning_a_path_to_a_team_enrols_every_member_in_order(
    client, agent, mentor, other_agent, team, team_lead, trainer
):
    newcomer = UserFactory(display_name="吴新人", team=team)
    basics = published_course(title_zh="平台后台基础")
    refunds = published_course(title_zh="退款处理")
    services.course_update(course=refunds, prerequisites=[basics])
    path = services.learning_path_save(
        code="onboarding", title_zh="新客服入职30天", courses=[basics, refunds], created_by=trainer
    )
    services.learning_path_publish(path=path, published=True)
    due = timezone.localdate() + datetime.timedelta(days=30)

    client.force_login(team_lead)
    response = client.post(
        "/learning/assign/", {"path": path.pk, "team": team.pk, "due_on": due.isoformat()}
    )

    assert response.status_code == 200
    assert not response.context["form"].errors
    members = {agent, mentor, newcomer}  # the team, without the lead who assigns
    assert {a.agent for a in PathAssignment.objects.filter(path=path, team=team)} == members
    rows = Enrolment.objects.filter(course__in=[basics, refunds])
    assert {(e.agent, e.course, e.path_order) for e in rows} == {
        (person, course, order)
        for person in members
        for course, order in ((basics, 1), (refunds, 2))
    }
    assert all(e.source == Enrolment.Source.PATH and e.due_on == due for e in rows)
    assert not Enrolment.objects.filter(agent=other_agent).exists()
    assert {row["person"] for row in response.context["result"]["rows"]} == members


def test_assigning_a_course_already_taken_reports_it_and_adds_no_duplicate(
    client, agent, other_agent, hr
):
    course = published_course(title_zh="情绪自我调节")
    enrolment_for(agent, course)

    client.force_login(hr)
    response = client.post(
        "/learning/assign/", {"course": course.pk, "people": [agent.pk, other_agent.pk]}
    )

    result = response.context["result"]
    assert result["already"] == [agent]
    assert result["enrolled"] == [other_agent]
    assert result["failed"] == []
    assert Enrolment.objects.filter(agent=agent, course=course).count() == 1
    assert Enrolment.objects.get(agent=other_agent, course=course).source == Enrolment.Source.HR
    assert "王雨桐" in html(response)
    assert "李思远" in html(response)


def test_mentor_cannot_assign_to_someone_who_is_not_their_mentee(
    client, agent, other_agent, mentor
):
    course = published_course(title_zh="跨文化沟通")

    client.force_login(mentor)
    refused = client.post("/learning/assign/", {"course": course.pk, "people": [other_agent.pk]})

    assert refused.status_code == 200
    assert "people" in refused.context["form"].errors
    assert "team" not in refused.context["form"].fields  # mentors have no team option
    assert not Enrolment.objects.exists()

    client.force_login(mentor)
    client.post("/learning/assign/", {"course": course.pk, "people": [agent.pk]})
    assert list(Enrolment.objects.values_list("agent", flat=True)) == [agent.pk]


def test_assign_form_needs_a_course_or_a_path_and_a_future_due_date(client, agent, hr):
    course = published_course()

    client.force_login(hr)
    nothing = client.post("/learning/assign/", {"people": [agent.pk]})
    past = client.post(
        "/learning/assign/",
        {"course": course.pk, "people": [agent.pk], "due_on": "2001-01-01"},
    )

    assert nothing.context["form"].non_field_errors()
    assert "due_on" in past.context["form"].errors
    assert not Enrolment.objects.exists()


# --- Authoring -------------------------------------------------------------------------


def test_trainer_creates_a_course_with_a_lesson_and_publishes_version_1(client, agent, trainer):
    empathy = CompetencyFactory(name_zh="倾听与共情")
    client.force_login(trainer)
    client.post(
        "/manage/courses/new/",
        course_post_data(**{f"target_{empathy.pk}": str(Level.ADVANCED)}),
    )
    course = Course.objects.get(code="returns-101")
    assert list(CourseCompetency.objects.filter(course=course).values_list("level", flat=True)) == [
        Level.ADVANCED
    ]

    client.force_login(agent)
    assert client.post(f"/manage/courses/{course.pk}/publish/").status_code == 404
    assert not CourseVersion.objects.exists()

    client.force_login(trainer)
    client.post(f"/manage/courses/{course.pk}/lessons/new/", lesson_post_data())
    response = client.post(f"/manage/courses/{course.pk}/publish/")

    assert response.status_code == 302
    version = CourseVersion.objects.get(course=course)
    assert version.number == 1
    assert [item["title_zh"] for item in version.snapshot["lessons"]] == ["退货申请的受理"]
    assert "<h2>第一步</h2>" in version.snapshot["lessons"][0]["html_zh"]
    course.refresh_from_db()
    assert (course.status, course.version) == ("published", 1)


def test_editing_after_publishing_keeps_the_enrolled_learners_version(client, agent, trainer):
    course = published_course(lessons=1)
    lesson = course.lessons.get()
    old_title = lesson.title_zh
    enrolment = enrolment_for(agent, course)

    client.force_login(trainer)
    client.post(f"/manage/lessons/{lesson.pk}/", lesson_post_data(title_zh="改版后的课时"))
    client.post(f"/manage/courses/{course.pk}/lessons/new/", lesson_post_data(title_zh="新增课时"))
    client.post(f"/manage/courses/{course.pk}/publish/")

    enrolment.refresh_from_db()
    assert enrolment.version.number == 1
    assert [item["title_zh"] for item in enrolment.version.snapshot["lessons"]] == [old_title]
    latest = CourseVersion.objects.get(course=course, number=2)
    assert [item["title_zh"] for item in latest.snapshot["lessons"]] == ["改版后的课时", "新增课时"]


def test_course_edit_sets_prerequisites_and_level_rules(client, trainer):
    basics = published_course(title_zh="基础课")
    course = published_course(title_zh="进阶课")
    crm = CompetencyFactory(name_zh="CRM系统")

    client.force_login(trainer)
    response = client.post(
        f"/manage/courses/{course.pk}/edit/",
        course_post_data(
            code="ignored-on-edit",
            title_zh="进阶课（新版）",
            tier="advanced",
            prerequisites=[basics.pk],
            **{f"minimum_{crm.pk}": str(Level.BASIC)},
        ),
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.code != "ignored-on-edit"
    assert (course.title_zh, course.tier) == ("进阶课（新版）", "advanced")
    assert list(course.prerequisites.all()) == [basics]
    assert [(r.competency, r.level) for r in course.level_prerequisites.all()] == [
        (crm, Level.BASIC)
    ]


def test_file_lesson_of_a_disallowed_type_is_rejected_and_nothing_saved(
    client, trainer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    course = published_course(lessons=0, completes_on_attendance=True)
    url = f"/manage/courses/{course.pk}/lessons/new/"
    client.force_login(trainer)

    refused = client.post(
        url,
        lesson_post_data(kind="file", body_zh="", file=SimpleUploadedFile("tool.exe", b"MZ\x90")),
    )

    assert refused.status_code == 200
    assert "file" in refused.context["form"].errors
    assert not Lesson.objects.exists()
    assert list(tmp_path.rglob("*.*")) == []

    accepted = client.post(
        url,
        lesson_post_data(
            kind="file",
            body_zh="",
            file=SimpleUploadedFile("sizes.pdf", b"%PDF-1.4 size chart"),
        ),
    )
    assert accepted.status_code == 302
    lesson = Lesson.objects.get()
    assert lesson.file.name.endswith(".pdf")
    assert [p.name for p in tmp_path.rglob("*.pdf")] == [lesson.file.name.rsplit("/", 1)[-1]]


def test_file_lesson_too_large_is_rejected_and_nothing_saved(client, trainer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    course = published_course(lessons=0, completes_on_attendance=True)
    client.force_login(trainer)

    with patch("courses.validators.LESSON_FILE_MAX_BYTES", 16):
        response = client.post(
            f"/manage/courses/{course.pk}/lessons/new/",
            lesson_post_data(
                kind="file", body_zh="", file=SimpleUploadedFile("guide.pdf", b"x" * 64)
            ),
        )

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Lesson.objects.exists()
    assert list(tmp_path.rglob("*.*")) == []


def test_lesson_preview_renders_markdown_without_scripts(client, agent, trainer):
    course = published_course(lessons=0, completes_on_attendance=True)
    url = f"/manage/courses/{course.pk}/lessons/new/"
    body = "**感谢支持**<script>alert('x')</script>"

    client.force_login(agent)
    assert client.post(url, lesson_post_data(body_zh=body, preview="1"), **HTMX).status_code == 404

    client.force_login(trainer)
    response = client.post(url, lesson_post_data(body_zh=body, preview="1"), **HTMX)

    assert response.status_code == 200
    assert "<strong>感谢支持</strong>" in html(response)
    assert "<script>alert" not in html(response)
    assert not Lesson.objects.exists()


def test_lessons_move_up_and_down_and_delete(client, trainer):
    course = published_course(lessons=3)
    first, second, third = course.lessons.order_by("order")

    client.force_login(trainer)
    partial = client.post(f"/manage/lessons/{third.pk}/move/", {"direction": "up"}, **HTMX)
    assert list(course.lessons.order_by("order").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    titles = [first.title_zh, third.title_zh, second.title_zh]
    positions = [html(partial).index(title) for title in titles]
    assert positions == sorted(positions)
    assert "<html" not in html(partial)

    client.post(f"/manage/lessons/{first.pk}/delete/")
    assert list(course.lessons.order_by("order").values_list("pk", flat=True)) == [
        third.pk,
        second.pk,
    ]
    # Version 1 still has all three lessons.
    assert len(course.versions.get(number=1).snapshot["lessons"]) == 3


def test_trainer_builds_a_path_in_the_order_numbered_and_publishes_it(client, agent, trainer):
    intro = published_course(title_zh="入门")
    advanced = published_course(title_zh="进阶")
    data = {
        "code": "onboarding",
        "title_zh": "新人路径",
        "title_en": "",
        "description_zh": "",
        "description_en": "",
        f"step_{advanced.pk}": "2",
        f"step_{intro.pk}": "1",
    }

    client.force_login(agent)
    assert client.post("/manage/paths/new/", data).status_code == 404
    assert not LearningPath.objects.exists()

    client.force_login(trainer)
    response = client.post("/manage/paths/new/", data)
    assert response.status_code == 302
    path = LearningPath.objects.get(code="onboarding")
    assert [s.course for s in path.steps.order_by("order")] == [intro, advanced]
    assert not path.is_published

    client.post(f"/manage/paths/{path.pk}/publish/", {"published": "1"})
    path.refresh_from_db()
    assert path.is_published


def test_path_form_refuses_two_courses_in_the_same_position(client, trainer):
    one, two = published_course(), published_course()
    client.force_login(trainer)

    response = client.post(
        "/manage/paths/new/",
        {"code": "p", "title_zh": "路径", f"step_{one.pk}": "1", f"step_{two.pk}": "1"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not LearningPath.objects.exists()


def test_session_times_are_read_in_the_authors_time_zone(client, mentor, trainer):
    course = published_course(lessons=0, delivery_mode="workshop", completes_on_attendance=True)
    data = {
        "starts_at": "2030-05-01T09:00",
        "ends_at": "2030-05-01T12:00",
        "location": "杭州 2楼",
        "online_url": "",
        "capacity": "12",
        "instructor": trainer.pk,
    }

    client.force_login(mentor)
    assert client.post(f"/manage/courses/{course.pk}/sessions/new/", data).status_code == 404
    assert not CourseSession.objects.exists()

    client.force_login(trainer)  # time zone Asia/Shanghai, UTC+8
    response = client.post(f"/manage/courses/{course.pk}/sessions/new/", data)

    assert response.status_code == 302
    session = CourseSession.objects.get()
    assert session.starts_at == datetime.datetime(2030, 5, 1, 1, 0, tzinfo=datetime.UTC)
    assert (session.capacity, session.instructor) == (12, trainer)

    client.post(f"/manage/sessions/{session.pk}/cancel/")
    session.refresh_from_db()
    assert session.is_cancelled


def test_session_ending_before_it_starts_is_refused(client, trainer):
    course = published_course(lessons=0, delivery_mode="workshop", completes_on_attendance=True)
    client.force_login(trainer)

    response = client.post(
        f"/manage/courses/{course.pk}/sessions/new/",
        {
            "starts_at": "2030-05-01T12:00",
            "ends_at": "2030-05-01T09:00",
            "location": "杭州",
            "capacity": "5",
            "instructor": trainer.pk,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CourseSession.objects.exists()


# --- Attendance ------------------------------------------------------------------------


def test_present_on_a_workshop_completes_the_agents_enrolment(
    client, agent, other_agent, past_session, trainer
):
    enrolment = enrolment_for(agent, past_session.course)
    registration = SessionRegistrationFactory(session=past_session, agent=agent)
    url = f"/manage/sessions/{past_session.pk}/attendance/"
    data = {"registration": registration.pk, "attendance": "present"}

    client.force_login(other_agent)
    assert client.post(url, data).status_code == 404
    registration.refresh_from_db()
    assert registration.attendance == ""

    client.force_login(trainer)
    response = client.post(url, data, **HTMX)

    assert response.status_code == 200
    assert f'id="registration-{registration.pk}"' in html(response)
    registration.refresh_from_db()
    assert (registration.attendance, registration.attendance_by) == ("present", trainer)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_attendance_shows_the_waiting_list_read_only(client, agent, other_agent, trainer):
    now = timezone.now()
    session = CourseSessionFactory(
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=1),
        capacity=1,
        instructor=UserFactory(display_name="孙讲师", roles=[Role.TRAINER]),
    )
    SessionRegistrationFactory(session=session, agent=agent)
    waiting = SessionRegistrationFactory(
        session=session, agent=other_agent, status=SessionRegistration.Status.WAITLISTED
    )

    client.force_login(session.instructor)
    response = client.get(f"/manage/sessions/{session.pk}/attendance/")

    assert [r.agent for r in response.context["registered"]] == [agent]
    assert [r.agent for r in response.context["waiting"]] == [other_agent]
    assert f'id="registration-{waiting.pk}"' not in html(response)
    refused = client.post(
        f"/manage/sessions/{session.pk}/attendance/",
        {"registration": waiting.pk, "attendance": "present"},
    )
    assert refused.status_code == 302
    waiting.refresh_from_db()
    assert waiting.attendance == ""
