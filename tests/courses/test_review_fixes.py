"""Fixes from the courses review: archived courses, who may withdraw, protected lesson
files, races in path assignment and sessions, prerequisite cycles, the read-only admin,
course page panels, lists inside messages and untranslated template text."""

import contextlib
import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real
from rest_framework.test import APIClient

from courses import hooks, permissions, selectors, services
from courses.models import (
    Course,
    CourseVersion,
    Enrolment,
    Lesson,
    PathAssignment,
    SessionRegistration,
)
from lms.models import User
from tests.courses.factories import (
    CourseFactory,
    CourseSessionFactory,
    LearningPathFactory,
    LessonFactory,
    PathCourseFactory,
    SessionRegistrationFactory,
    enrolment_for,
    published_course,
)
from tests.lms.factories import UserFactory

HOUR = datetime.timedelta(hours=1)


def html(response) -> str:
    return response.content.decode()


@contextlib.contextmanager
def extra_translation(language: str, msgid: str, text: str):
    """Pretend the catalogue translates ``msgid``: the .mo file may lag behind new strings,
    and what is tested is that the string goes through translation at all."""
    catalog = trans_real.translation(language)._catalog
    catalog[msgid] = text
    try:
        yield
    finally:
        del catalog._catalogs[0][msgid]


# --- 1. Archived courses stay open to the people following them -----------------------


def test_an_archived_course_stays_open_to_its_learners_and_closed_to_new_ones(
    client, agent, other_agent
):
    course = published_course(title_zh="旧版退货流程", delivery_mode="workshop")
    session = CourseSessionFactory(course=course)
    enrolment = enrolment_for(agent, course)
    services.session_register(session=session, agent=agent)
    lesson = enrolment.version.snapshot["lessons"][0]
    services.enrolment_withdraw(enrolment=enrolment_for(other_agent, course))
    newcomer = UserFactory(team=agent.team)
    services.course_archive(course=course)
    course_url = reverse("courses:course-detail", args=[course.pk])

    # Withdrawn and never enrolled: the archived course is gone, and nobody enrols anew.
    for person in (other_agent, newcomer):
        client.force_login(person)
        assert client.get(course_url).status_code == 404
        assert client.post(reverse("courses:course-enrol", args=[course.pk])).status_code == 404
    assert not Enrolment.objects.filter(agent=newcomer).exists()
    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_create(
            agent=newcomer, course=course, source=Enrolment.Source.SELF, assigned_by=newcomer
        )
    assert excinfo.value.code == "unpublished"

    client.force_login(agent)
    page = client.get(course_url)
    assert page.status_code == 200
    assert "旧版退货流程" in html(page)
    assert page.context["can_enrol"] is False
    player = client.get(reverse("courses:lesson", args=[enrolment.pk, lesson["id"]]))
    assert lesson["title_zh"] in html(player)
    api = APIClient()
    api.force_login(agent)
    assert api.get(f"/api/courses/{course.pk}/").data["title_zh"] == "旧版退货流程"

    client.post(reverse("courses:session-cancel", args=[session.pk]))
    registration = SessionRegistration.objects.get(session=session, agent=agent)
    assert registration.status == SessionRegistration.Status.CANCELLED


# --- 2. Who may withdraw what -------------------------------------------------------------

S = Enrolment.Source
WITHDRAW_POLICY = {
    "agent": {S.SELF},
    "mentor": {S.SELF, S.MENTOR},
    "team_lead": {S.SELF, S.MENTOR, S.TEAM_LEAD},
    "hr": set(S),
}


@pytest.mark.parametrize("role", list(WITHDRAW_POLICY))
def test_withdrawing_follows_the_source_of_the_work(request, role, agent, mentor, team_lead, hr):
    user = request.getfixturevalue(role)
    allowed = {
        source
        for source in S
        if permissions.can_manage_enrolment(
            user,
            enrolment_for(agent, published_course(), source=source, assigned_by=None),
        )
    }
    assert allowed == WITHDRAW_POLICY[role]


def test_no_rank_over_someone_else(agent, other_agent, mentor, team_lead):
    theirs = enrolment_for(other_agent, published_course(), source=S.SELF, assigned_by=None)
    for user in (agent, mentor, team_lead):
        assert not permissions.can_manage_enrolment(user, theirs)


def test_the_pages_and_the_api_refuse_a_mentor_hr_work_and_allow_mentor_work(client, agent, mentor):
    by_hr = enrolment_for(agent, published_course(title_zh="人事指派课"), source=S.HR)
    by_mentor = enrolment_for(
        agent, published_course(title_zh="导师指派课"), source=S.MENTOR, assigned_by=mentor
    )
    api = APIClient()
    api.force_login(mentor)
    client.force_login(mentor)

    assert api.post(f"/api/enrolments/{by_hr.pk}/withdraw/").status_code == 403
    assert client.post(reverse("courses:progress-withdraw", args=[by_hr.pk])).status_code == 404
    by_hr.refresh_from_db()
    assert by_hr.status == Enrolment.Status.NOT_STARTED

    assert api.post(f"/api/enrolments/{by_mentor.pk}/withdraw/").data["status"] == "withdrawn"
    by_mentor.refresh_from_db()
    assert by_mentor.status == Enrolment.Status.WITHDRAWN


def test_an_agent_withdraws_a_self_enrolment_but_not_assigned_work(client, agent, team_lead):
    assigned = enrolment_for(
        agent, published_course(title_zh="主管指派课"), source=S.TEAM_LEAD, assigned_by=team_lead
    )
    chosen = enrolment_for(
        agent, published_course(title_zh="自选课"), source=S.SELF, assigned_by=agent
    )
    client.force_login(agent)

    page = client.get(reverse("courses:course-detail", args=[assigned.course_id]))
    assert page.context["can_withdraw"] is False
    assert client.post(reverse("courses:enrolment-withdraw", args=[assigned.pk])).status_code == (
        404
    )
    assigned.refresh_from_db()
    assert assigned.status == Enrolment.Status.NOT_STARTED

    client.post(reverse("courses:enrolment-withdraw", args=[chosen.pk]))
    chosen.refresh_from_db()
    assert chosen.status == Enrolment.Status.WITHDRAWN


def test_progress_table_offers_withdraw_by_source_in_a_fixed_number_of_queries(
    client, agent, team_lead, hr
):
    teammate = UserFactory(team=agent.team, display_name="周同事")
    client.force_login(team_lead)

    def enrol(count: int) -> tuple[set[int], set[int]]:
        mine, not_mine = set(), set()
        for person in (agent, teammate):
            for _ in range(count):
                own = enrolment_for(person, published_course(), source=S.TEAM_LEAD)
                hr_work = enrolment_for(person, published_course(), source=S.HR)
                mine.add(own.pk)
                not_mine.add(hr_work.pk)
        return mine, not_mine

    counts = []
    for count in (1, 3):
        mine, not_mine = enrol(count)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("courses:progress"))
        counts.append(len(captured))
        shown = {e.pk for e in response.context["rows"]}
        withdrawable = response.context["withdrawable"]
        assert mine <= withdrawable
        assert not (not_mine & withdrawable)
        assert (mine | not_mine) <= shown
        for pk in not_mine:
            assert reverse("courses:progress-withdraw", args=[pk]) not in html(response)
        for pk in mine:
            assert reverse("courses:progress-withdraw", args=[pk]) in html(response)
    assert counts[0] == counts[1]


# --- 3. Lesson files are served to the enrolment's learner only ---------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _file_course(content: bytes = b"%PDF-1.4 size chart") -> tuple[Course, Lesson]:
    course = CourseFactory(title_zh="尺码与面料")
    lesson = LessonFactory(
        course=course,
        kind=Lesson.Kind.FILE,
        body_zh="",
        file=SimpleUploadedFile("尺码表.pdf", content),
    )
    services.course_publish(course=course, published_by=None)
    return course, lesson


def test_a_lesson_file_is_downloaded_by_the_enrolments_learner_alone(
    client, media, agent, other_agent, mentor
):
    course, lesson = _file_course()
    enrolment = enrolment_for(agent, course)
    item = enrolment.version.snapshot["lessons"][0]
    assert (item["file_path"], item["file_name"]) == (lesson.file.name, "尺码表.pdf")
    assert "file_url" not in item
    url = reverse("courses:lesson-file", args=[enrolment.pk, lesson.pk])

    for someone_else in (other_agent, mentor):  # the mentor may see the enrolment: still 404
        client.force_login(someone_else)
        assert client.get(url).status_code == 404

    client.force_login(agent)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 size chart"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")

    player = client.get(reverse("courses:lesson", args=[enrolment.pk, lesson.pk]))
    assert f'href="{url}"' in html(player)
    assert django_settings.MEDIA_URL not in html(player)
    api = APIClient()
    api.force_login(agent)
    lessons = api.get(f"/api/enrolments/{enrolment.pk}/lessons/").data
    assert lessons[0]["file_url"] == url


def test_a_learner_keeps_the_file_of_their_version(client, media, agent):
    course, lesson = _file_course(b"v1 sizes")
    enrolment = enrolment_for(agent, course)
    services.lesson_update(lesson=lesson, file=SimpleUploadedFile("尺码表.pdf", b"v2 sizes"))
    services.course_publish(course=course, published_by=None)
    client.force_login(agent)

    response = client.get(reverse("courses:lesson-file", args=[enrolment.pk, lesson.pk]))

    assert b"".join(response.streaming_content) == b"v1 sizes"


def test_an_old_snapshot_with_a_public_url_has_no_file(client, media, agent):
    course, lesson = _file_course()
    enrolment = enrolment_for(agent, course)
    version = CourseVersion.objects.get(pk=enrolment.version_id)
    item = version.snapshot["lessons"][0]
    item["file_url"] = "/media/" + item.pop("file_path")
    version.save(update_fields=["snapshot"])
    enrolment.refresh_from_db()

    [view] = selectors.lessons_for(enrolment, language="zh-hans")
    assert (view.file_url, view.file_name) == ("", "")
    client.force_login(agent)
    url = reverse("courses:lesson-file", args=[enrolment.pk, lesson.pk])
    assert client.get(url).status_code == 404


def test_authors_download_the_working_copy_file(client, media, agent, trainer):
    _course, lesson = _file_course(b"draft sizes")
    url = reverse("courses:manage-lesson-file", args=[lesson.pk])

    client.force_login(agent)
    assert client.get(url).status_code == 404

    client.force_login(trainer)
    response = client.get(url)
    assert b"".join(response.streaming_content) == b"draft sizes"
    preview = client.get(reverse("courses:manage-lesson-preview", args=[lesson.pk]))
    edit = client.get(reverse("courses:manage-lesson-edit", args=[lesson.pk]))
    api = APIClient()
    api.force_login(trainer)
    authored = api.get(f"/api/courses/{lesson.course_id}/lessons/").data
    for page in (preview, edit):
        assert f'href="{url}"' in html(page)
        assert django_settings.MEDIA_URL not in html(page)
    assert authored[0]["file"].endswith(url)


# --- 4. Assigning a path while someone enrols by another way ---------------------------


def test_a_path_assignment_racing_an_enrolment_is_refused_not_a_server_error(
    monkeypatch, agent, hr
):
    course = published_course(title_zh="投诉处理")
    path = LearningPathFactory()
    PathCourseFactory(path=path, course=course, order=1)
    locks = []
    real_lock = User.objects.select_for_update
    real_insert = Enrolment.objects.bulk_create

    def lock(**kwargs):
        locks.append(kwargs)
        return real_lock(**kwargs)

    def racing_insert(objs, *args, **kwargs):
        # Another request enrols the agent between the read and this insert.
        services.enrolment_create(
            agent=agent, course=course, source=Enrolment.Source.SELF, assigned_by=agent
        )
        return real_insert(objs, *args, **kwargs)

    monkeypatch.setattr(User.objects, "select_for_update", lock)
    monkeypatch.setattr(Enrolment.objects, "bulk_create", racing_insert)

    with pytest.raises(ValidationError) as excinfo:
        services.path_assign(path=path, agents=[agent], assigned_by=hr, due_on=None)

    assert excinfo.value.code == "already_enrolled"
    assert locks == [{"no_key": True}]
    assert not PathAssignment.objects.exists()

    monkeypatch.setattr(Enrolment.objects, "bulk_create", real_insert)
    [assignment] = services.path_assign(path=path, agents=[agent], assigned_by=hr, due_on=None)
    assert list(assignment.enrolments.values_list("course__title_zh", flat=True)) == ["投诉处理"]


def test_the_api_answers_a_path_race_with_a_400(monkeypatch, agent, hr):
    course = published_course()
    path = LearningPathFactory()
    PathCourseFactory(path=path, course=course, order=1)
    real_insert = Enrolment.objects.bulk_create

    def racing_insert(objs, *args, **kwargs):
        enrolment_for(agent, course, source=Enrolment.Source.SELF, assigned_by=agent)
        return real_insert(objs, *args, **kwargs)

    monkeypatch.setattr(Enrolment.objects, "bulk_create", racing_insert)
    api = APIClient()
    api.force_login(hr)

    response = api.post(f"/api/paths/{path.pk}/assign/", {"people": [agent.pk]}, format="json")

    assert response.status_code == 400
    assert not PathAssignment.objects.exists()


# --- 5. Sessions: locked capacity edits, late cancellations, cancelled attendance ----------


def test_editing_a_session_locks_it_before_counting_seats(monkeypatch, trainer):
    session = CourseSessionFactory(capacity=5, instructor=trainer)
    locked = []
    real = services._session_locked

    def spy(target):
        locked.append(target.pk)
        return real(target)

    monkeypatch.setattr(services, "_session_locked", spy)
    services.session_save(course=session.course, session=session, capacity=4)

    assert locked == [session.pk]
    session.refresh_from_db()
    assert session.capacity == 4


def test_a_registration_cannot_be_cancelled_once_the_session_started(agent, other_agent):
    started = CourseSessionFactory(
        starts_at=timezone.now() - HOUR, ends_at=timezone.now() + HOUR, capacity=1
    )
    seat = SessionRegistrationFactory(session=started, agent=agent)
    waiting = SessionRegistrationFactory(
        session=started, agent=other_agent, status=SessionRegistration.Status.WAITLISTED
    )

    with pytest.raises(ValidationError) as excinfo:
        services.session_registration_cancel(registration=seat)

    assert excinfo.value.code == "started"
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert (seat.status, waiting.status) == ("registered", "waitlisted")

    upcoming = SessionRegistrationFactory(session=CourseSessionFactory(), agent=agent)
    services.session_registration_cancel(registration=upcoming)
    upcoming.refresh_from_db()
    assert upcoming.status == SessionRegistration.Status.CANCELLED


def test_attendance_is_refused_on_a_cancelled_session(agent, trainer):
    def started_session():
        return CourseSessionFactory(
            starts_at=timezone.now() - HOUR, ends_at=timezone.now() + HOUR, instructor=trainer
        )

    cancelled = started_session()
    registration = SessionRegistrationFactory(session=cancelled, agent=agent)
    services.session_cancel(session=cancelled)

    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(
            registration=registration, attendance="present", taken_by=trainer
        )

    assert excinfo.value.code == "cancelled"
    registration.refresh_from_db()
    assert registration.attendance == ""

    held = SessionRegistrationFactory(session=started_session(), agent=agent)
    services.attendance_record(registration=held, attendance="present", taken_by=trainer)
    held.refresh_from_db()
    assert held.attendance == "present"


# --- 6. Prerequisite cycles ----------------------------------------------------------------


def test_a_prerequisite_that_already_needs_the_course_is_refused(db):
    basics, middle, expert = (
        CourseFactory(title_zh=title) for title in ("基础沟通", "进阶沟通", "专家沟通")
    )
    services.course_update(course=middle, prerequisites=[basics])
    services.course_update(course=expert, prerequisites=[middle])

    with pytest.raises(ValidationError) as direct:
        services.course_update(course=basics, prerequisites=[middle])
    with pytest.raises(ValidationError) as longer:
        services.course_author_save(course=basics, prerequisites=[expert])

    assert (direct.value.code, longer.value.code) == ("cycle", "cycle")
    assert "进阶沟通" in direct.value.messages[0]
    assert "专家沟通 → 进阶沟通 → 基础沟通" in longer.value.messages[0]
    assert not basics.prerequisites.exists()

    # A diamond is no loop: the expert course may need both others.
    services.course_update(course=expert, prerequisites=[middle, basics])
    assert set(expert.prerequisites.all()) == {middle, basics}


def test_the_cycle_check_reads_the_graph_in_one_query(db):
    def chain(length: int) -> list[Course]:
        courses = [CourseFactory() for _ in range(length)]
        for needs, needed in zip(courses[1:], courses, strict=False):
            services.course_update(course=needs, prerequisites=[needed])
        return courses

    counts = []
    for length in (3, 8):
        courses = chain(length)
        with CaptureQueriesContext(connection) as captured:
            services._prerequisite_cycle_check(CourseFactory.build(pk=10**6), [courses[-1]])
        counts.append(len(captured))
    assert counts == [1, 1]


def test_the_api_refuses_a_cycle_with_a_400(trainer):
    first, second = CourseFactory(title_zh="甲课"), CourseFactory(title_zh="乙课")
    services.course_update(course=second, prerequisites=[first])
    api = APIClient()
    api.force_login(trainer)

    response = api.patch(f"/api/courses/{first.pk}/", {"prerequisites": [second.pk]}, format="json")

    assert response.status_code == 400
    assert "乙课" in str(response.data)
    assert not first.prerequisites.exists()


# --- 7. The admin shows courses, paths and sessions without changing them -----------------


@pytest.fixture
def boss(db):
    return UserFactory(username="boss", is_superuser=True, is_staff=True, roles=[])


@pytest.mark.parametrize(
    ("model", "make", "authoring"),
    [
        ("course", lambda: CourseFactory(title_zh="原标题"), "courses:manage-courses"),
        ("learningpath", lambda: LearningPathFactory(title_zh="原标题"), "courses:manage-paths"),
        (
            "coursesession",
            lambda: CourseSessionFactory(location="原标题"),
            "courses:manage-courses",
        ),
    ],
)
def test_the_admin_is_read_only_and_points_to_the_authoring_pages(
    client, boss, model, make, authoring
):
    obj = make()
    client.force_login(boss)
    base = f"/admin/courses/{model}/"

    assert client.get(f"{base}add/").status_code == 403
    changed = client.post(f"{base}{obj.pk}/change/", {"title_zh": "后台改的", "location": "x"})
    assert changed.status_code == 403
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    obj.refresh_from_db()  # still there, unchanged
    assert getattr(obj, "location" if model == "coursesession" else "title_zh") == "原标题"

    listing = client.get(base)
    assert f'href="{reverse(authoring)}"' in html(listing)
    assert client.get(f"{base}{obj.pk}/change/").status_code == 200  # still readable


def test_the_admin_publish_action_goes_through_the_service(client, boss):
    course = CourseFactory()
    LessonFactory(course=course)
    client.force_login(boss)

    client.post("/admin/courses/course/", {"action": "publish", "_selected_action": [course.pk]})

    course.refresh_from_db()
    assert (course.status, course.version) == ("published", 1)
    assert CourseVersion.objects.get(course=course).published_by == boss


# --- 8. Course page panels instead of naming assessments' URLs ----------------------------


def test_courses_templates_do_not_name_assessments_urls():
    for template in Path(django_settings.BASE_DIR, "templates", "courses").rglob("*.html"):
        assert "assessments:" not in template.read_text(), template


def test_the_course_page_loads_each_registered_panel(client, monkeypatch, agent):
    course = published_course()
    assert "assessments:course-quizzes" in hooks.course_panels()
    monkeypatch.setattr(hooks, "_course_panels", ["courses:manage-course"])
    client.force_login(agent)

    page = html(client.get(reverse("courses:course-detail", args=[course.pk])))

    panel_url = reverse("courses:manage-course", args=[course.pk])
    assert f'<div id="manage-course" hx-get="{panel_url}" hx-trigger="load"' in page
    assert reverse("assessments:course-quizzes", args=[course.pk]) not in page


# --- 9. Lists inside messages follow the language ---------------------------------------


def test_lists_in_messages_are_joined_for_the_language(agent, hr):
    course = published_course(title_en="Empathy")
    services.course_update(course=course, prerequisites=[published_course(), published_course()])
    path = LearningPathFactory()
    for title in ("Refunds", "Logistics"):
        PathCourseFactory(path=path, course=CourseFactory(title_en=title))

    with translation.override("en"):
        with pytest.raises(ValidationError) as missing:
            services.enrolment_create(
                agent=agent, course=course, source=Enrolment.Source.SELF, assigned_by=agent
            )
        with pytest.raises(ValidationError) as unpublished:
            services.path_assign(path=path, agents=[agent], assigned_by=hr, due_on=None)

    assert "; complete the course" in missing.value.messages[0]
    assert "Refunds, Logistics" in unpublished.value.messages[0]

    with extra_translation("zh-hans", ", ", "、"), pytest.raises(ValidationError) as chinese:
        services.path_assign(path=path, agents=[agent], assigned_by=hr, due_on=None)
    titles = [str(step.course) for step in path.steps.select_related("course")]
    assert "、".join(titles) in chinese.value.messages[0]


def test_the_api_lists_refused_people_for_the_language(agent, mentor, team):
    path = LearningPathFactory()
    PathCourseFactory(path=path, course=published_course())
    strangers = [UserFactory(team=team, display_name=name) for name in ("钱客服", "孙客服")]
    mentor.preferred_language = "en"
    mentor.save(update_fields=["preferred_language"])
    api = APIClient()
    api.force_login(mentor)

    # The mentor's team: its members other than their mentee are not theirs to assign.
    response = api.post(f"/api/paths/{path.pk}/assign/", {"team": team.pk}, format="json")

    assert response.status_code == 400
    assert not PathAssignment.objects.exists()
    [message] = response.data["people"]
    names = message.removeprefix("You cannot assign training to ").removesuffix(".")
    assert sorted(names.split(", ")) == sorted(str(p) for p in strangers)


# --- 10. Text in the course templates goes through translation ----------------------------


def test_the_lesson_preview_heading_is_translated(client, trainer):
    lesson = LessonFactory(body_en="Hello, thank you for waiting.")
    client.force_login(trainer)

    with extra_translation("zh-hans", "English", "英文版"):
        page = html(client.get(reverse("courses:manage-lesson-preview", args=[lesson.pk])))

    assert "<h2>英文版</h2>" in page


def test_patching_a_course_through_the_api_keeps_prerequisites_it_does_not_mention(client, trainer):
    from rest_framework.test import APIClient

    from tests.courses.factories import CourseFactory

    basics = CourseFactory(code="basics")
    course = CourseFactory(code="advanced")
    course.prerequisites.set([basics])
    api = APIClient()
    api.force_authenticate(trainer)

    response = api.patch(
        f"/api/courses/{course.pk}/", {"title_zh": "进阶课程（新）"}, format="json"
    )

    assert response.status_code == 200
    course.refresh_from_db()
    assert course.title_zh == "进阶课程（新）"
    assert list(course.prerequisites.all()) == [basics]
