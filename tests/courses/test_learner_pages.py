"""The agent's pages: my learning, the catalogue, a course, its sessions, the lesson player."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from courses import services
from courses.models import Enrolment, LessonProgress, SessionRegistration
from lms.models import Level
from tests.courses.factories import (
    CourseCompetencyFactory,
    CourseFactory,
    CourseLevelPrerequisiteFactory,
    CourseSessionFactory,
    LearningPathFactory,
    LessonFactory,
    PathCourseFactory,
    enrolment_for,
    published_course,
)
from tests.lms.factories import (
    CompetencyFactory,
    PositionProfileFactory,
    PositionRequirementFactory,
    UserFactory,
)

HTMX = {"HX-Request": "true"}


def html(response) -> str:
    return response.content.decode()


def section(response, section_id: str) -> str:
    """The HTML of ``<section id=section_id>``, so assertions look at the right block."""
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html(response), flags=re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def error_messages(response) -> str:
    return " ".join(re.findall(r'<li class="msg-error">(.*?)</li>', html(response), flags=re.S))


def lesson_ids(enrolment: Enrolment) -> list[int]:
    return [item["id"] for item in enrolment.version.snapshot["lessons"]]


def lesson_url(enrolment: Enrolment, lesson_id: int, *, done: bool = False) -> str:
    name = "courses:lesson-done" if done else "courses:lesson"
    return reverse(name, args=[enrolment.pk, lesson_id])


def complete(enrolment: Enrolment) -> Enrolment:
    for lesson_id in lesson_ids(enrolment):
        enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=lesson_id)
    return enrolment


# --- My learning -----------------------------------------------------------------------


def test_my_learning_shows_only_my_enrolments_overdue_first(client, agent, other_agent, hr):
    today = timezone.localdate()
    later = published_course(title_zh="退换货流程")
    late = published_course(title_zh="物流查询")
    theirs = published_course(title_zh="美妆成分知识")
    done = published_course(title_zh="平台后台入门")
    on_path = published_course(title_zh="投诉安抚")
    enrolment_for(agent, later, due_on=today + datetime.timedelta(days=30), assigned_by=hr)
    enrolment_for(agent, late, due_on=today + datetime.timedelta(days=1))
    enrolment_for(other_agent, theirs)
    complete(enrolment_for(agent, done))
    path = LearningPathFactory(title_zh="新人入职30天")
    PathCourseFactory(path=path, course=on_path)
    services.path_assign(path=path, agents=[agent], assigned_by=hr, due_on=None)
    services.enrolments_mark_overdue(today=today + datetime.timedelta(days=5))

    client.force_login(other_agent)
    theirs_page = client.get(reverse("courses:my-learning"))
    assert "美妆成分知识" in section(theirs_page, "open-enrolments")
    assert "物流查询" not in html(theirs_page)
    assert "退换货流程" not in html(theirs_page)

    client.force_login(agent)
    response = client.get(reverse("courses:my-learning"))

    open_block = section(response, "open-enrolments")
    assert "美妆成分知识" not in html(response)
    assert open_block.index("物流查询") < open_block.index("退换货流程")
    overdue_rows = re.findall(r'<tr class="overdue">.*?</tr>', open_block, flags=re.S)
    assert len(overdue_rows) == 1 and "物流查询" in overdue_rows[0]
    assert date_format(today + datetime.timedelta(days=1)) in overdue_rows[0]  # its due date
    assert "刘人事" in open_block  # who assigned it
    assert "新人入职30天" in open_block  # the path it came from
    assert 'value="0"' in open_block  # a progress bar per enrolment
    assert "平台后台入门" in section(response, "completed-enrolments")
    assert "平台后台入门" not in open_block


def test_my_learning_recommends_courses_that_close_a_gap(client, agent):
    empathy = CompetencyFactory(name_zh="倾听与共情")
    position = PositionProfileFactory()
    PositionRequirementFactory(profile=position, competency=empathy, level=Level.ADVANCED)
    course = published_course(title_zh="共情沟通基础")
    CourseCompetencyFactory(course=course, competency=empathy, level=Level.BASIC)
    client.force_login(agent)

    before = client.get(reverse("courses:my-learning"))
    assert "共情沟通基础" not in section(before, "recommended")  # no position, no gap

    agent.position = position
    agent.save(update_fields=["position"])
    response = client.get(reverse("courses:my-learning"))

    recommended = section(response, "recommended")
    assert "共情沟通基础" in recommended
    assert "倾听与共情" in recommended


def test_my_learning_empty_states_link_to_the_catalogue(client, agent):
    client.force_login(agent)

    response = client.get(reverse("courses:my-learning"))

    catalogue = reverse("courses:catalogue")
    assert f'href="{catalogue}"' in section(response, "open-enrolments")
    assert f'href="{catalogue}"' in section(response, "recommended")


def _my_learning_data(agent, hr, count: int, empathy) -> None:
    path = LearningPathFactory()
    for index in range(count):
        course = published_course(lessons=1)
        CourseCompetencyFactory(course=course, competency=empathy, level=Level.ADVANCED)
        recommended = published_course(lessons=1)
        CourseCompetencyFactory(course=recommended, competency=empathy, level=Level.BASIC)
        if index % 3 == 0:
            PathCourseFactory(path=path, course=course)
        elif index % 3 == 1:
            complete(enrolment_for(agent, course, assigned_by=hr))
        else:
            enrolment_for(agent, course, assigned_by=hr, due_on=timezone.localdate())
    services.path_assign(path=path, agents=[agent], assigned_by=hr, due_on=None)


def test_my_learning_takes_the_same_queries_for_3_and_15_enrolments(client, agent, hr):
    empathy = CompetencyFactory()
    position = PositionProfileFactory()
    PositionRequirementFactory(profile=position, competency=empathy, level=Level.EXPERT)
    agent.position = position
    agent.save(update_fields=["position"])
    client.force_login(agent)
    url = reverse("courses:my-learning")

    _my_learning_data(agent, hr, 3, empathy)
    with CaptureQueriesContext(connection) as small:
        small_page = client.get(url)
    _my_learning_data(agent, hr, 12, empathy)
    with CaptureQueriesContext(connection) as large:
        large_page = client.get(url)

    assert Enrolment.objects.filter(agent=agent).count() == 15
    assert len(small_page.context["open"]) + len(small_page.context["completed"]) == 3
    assert len(large_page.context["open"]) + len(large_page.context["completed"]) == 15
    assert large_page.context["recommendations"]
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Catalogue -------------------------------------------------------------------------


def test_catalogue_filters_by_tier_competency_and_delivery_mode(client, agent):
    crm = CompetencyFactory(code="crm", name_zh="CRM系统")
    calm = CompetencyFactory(code="calm", name_zh="情绪自我调节")
    entry = published_course(title_zh="CRM入门", tier="entry", delivery_mode="online")
    CourseCompetencyFactory(course=entry, competency=crm, level=Level.BASIC)
    published_course(title_zh="投诉处理工作坊", tier="advanced", delivery_mode="workshop")
    expert = published_course(title_zh="压力下的自我调节", tier="expert", delivery_mode="live")
    CourseCompetencyFactory(course=expert, competency=calm, level=Level.EXPERT)
    client.force_login(agent)
    url = reverse("courses:catalogue")

    everything = html(client.get(url))
    assert all(t in everything for t in ["CRM入门", "投诉处理工作坊", "压力下的自我调节"])
    assert everything.index("CRM入门") < everything.index("压力下的自我调节")  # entry first

    by_tier = html(client.get(url, {"tier": "advanced"}))
    assert "投诉处理工作坊" in by_tier and "CRM入门" not in by_tier
    assert "压力下的自我调节" not in by_tier

    by_competency = html(client.get(url, {"competency": "crm"}))
    assert "CRM入门" in by_competency and "投诉处理工作坊" not in by_competency

    by_mode = html(client.get(url, {"delivery_mode": "live"}))
    assert "压力下的自我调节" in by_mode and "CRM入门" not in by_mode
    assert "lvl-3" in by_mode  # the targeted level's badge

    by_search = html(client.get(url, {"q": "工作坊"}))
    assert "投诉处理工作坊" in by_search and "CRM入门" not in by_search

    partial = client.get(url, {"tier": "expert"}, headers=HTMX)
    assert 'id="results"' in html(partial)
    assert "<html" not in html(partial)
    assert "压力下的自我调节" in html(partial) and "CRM入门" not in html(partial)


def test_draft_courses_are_hidden_from_agents_and_shown_to_trainers(client, agent, trainer):
    draft = CourseFactory(title_zh="尚未发布的课程")
    published_course(title_zh="已发布的课程")

    client.force_login(agent)
    assert "尚未发布的课程" not in html(client.get(reverse("courses:catalogue")))
    assert client.get(reverse("courses:course-detail", args=[draft.pk])).status_code == 404

    client.force_login(trainer)
    assert "尚未发布的课程" in html(client.get(reverse("courses:catalogue")))
    page = client.get(reverse("courses:course-detail", args=[draft.pk]))
    assert page.status_code == 200
    assert "尚未发布的课程" in html(page)


def _catalogue_data(count: int, competency) -> None:
    for _ in range(count):
        course = published_course(lessons=1)
        CourseCompetencyFactory(course=course, competency=competency, level=Level.ADVANCED)
        CourseCompetencyFactory(course=course, level=Level.BASIC)


def test_catalogue_takes_the_same_queries_for_3_and_15_courses(client, agent):
    competency = CompetencyFactory()
    client.force_login(agent)
    url = reverse("courses:catalogue")

    _catalogue_data(3, competency)
    enrolment_for(agent, published_course(lessons=1))
    with CaptureQueriesContext(connection) as small:
        small_page = client.get(url)
    _catalogue_data(11, competency)
    with CaptureQueriesContext(connection) as large:
        large_page = client.get(url)

    assert len(small_page.context["courses"]) == 4
    assert len(large_page.context["courses"]) == 15
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Course page -----------------------------------------------------------------------


def test_course_page_shows_facts_prerequisites_and_titles_only_before_enrolment(client, agent):
    basics = published_course(title_zh="客服基础")
    course = CourseFactory(title_zh="高级谈判", estimated_minutes=95, delivery_mode="live")
    LessonFactory(course=course, title_zh="谈判开场", body_zh="秘密正文内容")
    course.prerequisites.add(basics)
    CourseLevelPrerequisiteFactory(
        course=course, competency=CompetencyFactory(name_zh="谈判技巧"), level=Level.ADVANCED
    )
    services.course_publish(course=course, published_by=None)
    client.force_login(agent)

    response = client.get(reverse("courses:course-detail", args=[course.pk]))

    prerequisites = section(response, "prerequisites")
    assert "客服基础" in prerequisites and "谈判技巧" in prerequisites
    assert prerequisites.count('class="unmet"') == 2
    assert "95" in html(response)
    lessons = section(response, "lessons")
    assert "谈判开场" in lessons
    assert "秘密正文内容" not in html(response)
    assert "/lessons/" not in lessons  # titles only: no player links before enrolling

    complete(enrolment_for(agent, basics))
    again = section(client.get(reverse("courses:course-detail", args=[course.pk])), "prerequisites")
    assert again.count('class="met"') == 1 and again.count('class="unmet"') == 1


def test_self_enrol_is_refused_with_the_message_until_prerequisites_are_met(client, agent):
    basics = published_course(title_zh="客服基础")
    course = CourseFactory(title_zh="高级谈判")
    LessonFactory(course=course)
    course.prerequisites.add(basics)
    services.course_publish(course=course, published_by=None)
    client.force_login(agent)
    url = reverse("courses:course-enrol", args=[course.pk])

    refused = client.post(url, follow=True)

    assert not Enrolment.objects.filter(agent=agent, course=course).exists()
    assert "客服基础" in error_messages(refused)

    complete(enrolment_for(agent, basics))
    response = client.post(url, follow=True)

    enrolment = Enrolment.objects.get(agent=agent, course=course)
    assert enrolment.source == Enrolment.Source.SELF
    assert enrolment.assigned_by == agent
    assert error_messages(response) == ""
    first_lesson = lesson_ids(enrolment)[0]
    assert lesson_url(enrolment, first_lesson) in section(response, "my-enrolment")  # Start


def test_enrol_in_a_draft_is_impossible_for_an_agent(client, agent):
    draft = CourseFactory()
    LessonFactory(course=draft)
    client.force_login(agent)

    response = client.post(reverse("courses:course-enrol", args=[draft.pk]))

    assert response.status_code == 404
    assert not Enrolment.objects.filter(agent=agent).exists()


def test_withdraw_own_enrolment_but_not_someone_elses(client, agent, other_agent):
    course = published_course()
    mine = enrolment_for(agent, course, source=Enrolment.Source.SELF, assigned_by=agent)
    url = reverse("courses:enrolment-withdraw", args=[mine.pk])

    client.force_login(other_agent)
    assert client.post(url).status_code == 404
    mine.refresh_from_db()
    assert mine.status == Enrolment.Status.NOT_STARTED

    client.force_login(agent)
    response = client.post(url)

    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Enrolment.Status.WITHDRAWN


def test_course_page_continue_links_to_the_next_undone_lesson(client, agent):
    course = published_course(lessons=3)
    enrolment = enrolment_for(agent, course)
    first, second, _third = lesson_ids(enrolment)
    services.lesson_complete(enrolment=enrolment, lesson_id=first)
    client.force_login(agent)

    response = client.get(reverse("courses:course-detail", args=[course.pk]))

    block = section(response, "my-enrolment")
    assert f'class="button" href="{lesson_url(enrolment, second)}"' in block
    assert 'value="33"' in block


# --- Lesson player ---------------------------------------------------------------------


def test_only_the_learner_opens_the_player_or_marks_done(client, agent, other_agent, mentor):
    course = published_course(title_zh="售后话术")
    enrolment = enrolment_for(agent, course)
    first = lesson_ids(enrolment)[0]

    for intruder in (other_agent, mentor):  # the mentor may see the enrolment, not play it
        client.force_login(intruder)
        assert client.get(lesson_url(enrolment, first)).status_code == 404
        assert client.post(lesson_url(enrolment, first, done=True)).status_code == 404
        assert client.post(lesson_url(enrolment, first, done=True), headers=HTMX).status_code == 404
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()
    enrolment.refresh_from_db()
    assert enrolment.progress == 0

    client.force_login(agent)
    response = client.get(lesson_url(enrolment, first))

    assert response.status_code == 200
    assert response.context["lesson"].id == first
    assert "售后话术" in html(response)
    assert lesson_url(enrolment, first, done=True) in html(response)


def test_a_lesson_outside_the_enrolment_version_is_404(client, agent):
    enrolment = enrolment_for(agent, published_course())
    stranger = LessonFactory()
    client.force_login(agent)

    assert client.get(lesson_url(enrolment, stranger.pk)).status_code == 404
    assert client.post(lesson_url(enrolment, stranger.pk, done=True)).status_code == 404
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()


def test_mark_done_updates_progress_and_the_last_lesson_completes(client, agent):
    course = published_course(lessons=2)
    enrolment = enrolment_for(agent, course)
    first, second = lesson_ids(enrolment)
    client.force_login(agent)

    response = client.post(lesson_url(enrolment, first, done=True), headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in html(response)
    assert 'value="50"' in html(response)
    assert 'hx-swap-oob="true"' in html(response)  # the sidebar's ticks follow
    assert "course-completed" not in html(response)
    enrolment.refresh_from_db()
    assert enrolment.progress == 50
    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    assert set(LessonProgress.objects.values_list("lesson_id", flat=True)) == {first}

    response = client.post(lesson_url(enrolment, second, done=True), headers=HTMX)

    assert "course-completed" in html(response)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.progress == 100
    assert enrolment.completed_at is not None


def test_mark_done_without_htmx_redirects_back_to_the_lesson(client, agent):
    enrolment = enrolment_for(agent, published_course(lessons=2))
    first = lesson_ids(enrolment)[0]
    client.force_login(agent)

    response = client.post(lesson_url(enrolment, first, done=True))

    assert response.status_code == 302
    assert response.url == lesson_url(enrolment, first)
    assert LessonProgress.objects.filter(enrolment=enrolment, lesson_id=first).exists()


def test_mark_done_is_refused_while_the_course_is_locked(client, agent, hr):
    basics = published_course(title_zh="客服基础")
    course = CourseFactory(title_zh="高级谈判")
    LessonFactory(course=course)
    course.prerequisites.add(basics)
    services.course_publish(course=course, published_by=None)
    enrolment = enrolment_for(agent, course, assigned_by=hr)  # assigned before it is unlocked
    first = lesson_ids(enrolment)[0]
    client.force_login(agent)

    page = client.get(lesson_url(enrolment, first))
    assert "客服基础" in html(page)  # the lock is explained on the player
    response = client.post(lesson_url(enrolment, first, done=True), headers=HTMX)

    assert re.search(r'class="errors" role="alert">[^<]*客服基础', html(response))
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.NOT_STARTED

    complete(enrolment_for(agent, basics))
    client.post(lesson_url(enrolment, first, done=True), headers=HTMX)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_mark_done_on_a_withdrawn_enrolment_changes_nothing(client, agent):
    enrolment = enrolment_for(agent, published_course(lessons=2))
    first = lesson_ids(enrolment)[0]
    services.enrolment_withdraw(enrolment=enrolment)
    client.force_login(agent)

    response = client.post(lesson_url(enrolment, first, done=True), headers=HTMX)

    assert 'role="alert"' in html(response)
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()


def test_a_script_in_lesson_markdown_never_reaches_the_page(client, agent):
    course = CourseFactory(title_zh="安全测试")
    LessonFactory(
        course=course,
        title_zh="恶意内容",
        body_zh=(
            "正常段落 **加粗**\n\n<script>alert(1)</script>\n\n"
            '<img src="x.png" onerror="alert(2)">\n\n[点我](javascript:alert(3))'
        ),
    )
    services.course_publish(course=course, published_by=None)
    enrolment = enrolment_for(agent, course)
    client.force_login(agent)

    page = html(client.get(lesson_url(enrolment, lesson_ids(enrolment)[0])))

    assert "<strong>加粗</strong>" in page  # the sanitised Markdown is rendered, not escaped
    assert "<script>alert" not in page
    assert "alert(1)" not in page
    assert "onerror" not in page
    assert "javascript:" not in page


def test_player_shows_previous_next_and_video_as_a_link(client, agent):
    course = CourseFactory()
    LessonFactory(course=course, title_zh="第一课")
    LessonFactory(
        course=course, title_zh="视频课", kind="video", video_url="https://video.example/v/1"
    )
    LessonFactory(course=course, title_zh="第三课")
    services.course_publish(course=course, published_by=None)
    enrolment = enrolment_for(agent, course)
    first, second, third = lesson_ids(enrolment)
    client.force_login(agent)

    page = html(client.get(lesson_url(enrolment, second)))

    assert f'href="{lesson_url(enrolment, first)}" rel="prev"' in page
    assert f'href="{lesson_url(enrolment, third)}" rel="next"' in page
    assert 'href="https://video.example/v/1"' in page
    assert "<iframe" not in page


# --- Sessions --------------------------------------------------------------------------


@pytest.fixture
def workshop(trainer):
    course = published_course(
        title_zh="投诉安抚工作坊", delivery_mode="workshop", completes_on_attendance=True
    )
    return CourseSessionFactory(course=course, capacity=1, instructor=trainer)


def register_url(session) -> str:
    return reverse("courses:session-register", args=[session.pk])


def cancel_url(session) -> str:
    return reverse("courses:session-cancel", args=[session.pk])


def status_of(session, person) -> str | None:
    registration = (
        SessionRegistration.objects.filter(session=session, agent=person)
        .exclude(status=SessionRegistration.Status.CANCELLED)
        .first()
    )
    return registration.status if registration else None


def test_session_register_waiting_list_and_cancel_promotes_the_first_waiting(
    client, agent, other_agent, workshop
):
    third = UserFactory(display_name="第三人")
    client.force_login(agent)
    page = client.get(reverse("courses:course-detail", args=[workshop.course_id]))
    assert register_url(workshop) in section(page, "sessions")

    # Someone else's id in the request is ignored: one registers only oneself.
    client.post(register_url(workshop), {"agent": other_agent.pk}, headers=HTMX)
    assert status_of(workshop, agent) == SessionRegistration.Status.REGISTERED
    assert status_of(workshop, other_agent) is None

    client.force_login(other_agent)
    client.post(register_url(workshop), headers=HTMX)
    assert status_of(workshop, other_agent) == SessionRegistration.Status.WAITLISTED
    client.force_login(third)
    client.post(register_url(workshop), headers=HTMX)
    assert status_of(workshop, third) == SessionRegistration.Status.WAITLISTED

    client.force_login(agent)
    response = client.post(cancel_url(workshop), headers=HTMX)

    assert 'id="sessions"' in html(response) and "<html" not in html(response)
    assert status_of(workshop, agent) is None
    assert status_of(workshop, other_agent) == SessionRegistration.Status.REGISTERED
    assert status_of(workshop, third) == SessionRegistration.Status.WAITLISTED


def test_registering_twice_shows_the_error_in_the_sessions_block(client, agent, workshop):
    client.force_login(agent)
    client.post(register_url(workshop), headers=HTMX)

    response = client.post(register_url(workshop), headers=HTMX)

    assert 'class="errors" role="alert"' in html(response)
    assert SessionRegistration.objects.filter(session=workshop, agent=agent).count() == 1


def test_cancelling_without_a_registration_changes_nothing(client, agent, other_agent, workshop):
    client.force_login(agent)
    client.post(register_url(workshop))

    client.force_login(other_agent)
    refused = client.post(cancel_url(workshop), follow=True)

    assert status_of(workshop, agent) == SessionRegistration.Status.REGISTERED
    assert error_messages(refused)

    client.force_login(agent)
    client.post(cancel_url(workshop), follow=True)
    assert status_of(workshop, agent) is None


def test_sessions_of_a_draft_course_are_404_for_agents(client, agent):
    session = CourseSessionFactory()  # its course is a draft
    client.force_login(agent)

    assert client.post(register_url(session)).status_code == 404
    assert not SessionRegistration.objects.exists()
