"""The courses API: for each endpoint the refused request, then the same one succeeding for
the right person, with the data it answers and the change it makes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.test import APIClient

from courses import services
from courses.models import (
    Course,
    CourseVersion,
    Enrolment,
    LearningPath,
    Lesson,
    LessonProgress,
    PathAssignment,
    SessionRegistration,
)
from lms.models import Level, Role
from tests.courses.factories import (
    CourseCompetencyFactory,
    CourseFactory,
    CourseLevelPrerequisiteFactory,
    CourseSessionFactory,
    LearningPathFactory,
    LessonFactory,
    PathCourseFactory,
    SessionRegistrationFactory,
    enrolment_for,
    published_course,
)
from tests.lms.factories import CompetencyFactory, UserFactory


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _as(client: APIClient, user) -> APIClient:
    client.force_login(user)
    return client


def _codes(response) -> list[str]:
    return [row["code"] for row in response.data["results"]]


@pytest.fixture
def crm(db):
    return CompetencyFactory(code="crm", name_zh="客户关系管理系统", name_en="CRM system")


@pytest.fixture
def empathy(db):
    return CompetencyFactory(code="empathy", name_zh="倾听与共情", name_en="Listening")


@pytest.fixture
def returns(crm):
    """A published entry course on returns, building CRM to basic."""
    course = published_course(code="returns", title_zh="退换货流程", tier="entry")
    CourseCompetencyFactory(course=course, competency=crm, level=Level.BASIC)
    return course


@pytest.fixture
def draft(db):
    return CourseFactory(code="draft-course", title_zh="草稿课程")


def _past_days(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


# --- Catalogue and course detail ---------------------------------------------------------


def test_the_catalogue_hides_drafts_from_agents_and_filters(
    client, agent, trainer, returns, draft, empathy
):
    expert = published_course(
        code="complaints", title_zh="投诉化解", tier="expert", delivery_mode="workshop"
    )
    CourseCompetencyFactory(course=expert, competency=empathy, level=Level.EXPERT)
    assert client.get("/api/courses/").status_code == 401

    response = _as(client, agent).get("/api/courses/")
    assert response.status_code == 200
    assert _codes(response) == ["returns", "complaints"]  # entry tier first; no draft
    assert response.data["count"] == 2
    row = response.data["results"][0]
    assert (row["title"], row["tier"], row["status"], row["version"]) == (
        "退换货流程",
        "entry",
        "published",
        1,
    )
    assert [(t["competency"]["code"], t["level"]) for t in row["targets"]] == [("crm", 1)]
    assert _codes(client.get("/api/courses/", {"tier": "expert"})) == ["complaints"]
    assert _codes(client.get("/api/courses/", {"competency": "crm"})) == ["returns"]
    assert _codes(client.get("/api/courses/", {"delivery_mode": "workshop"})) == ["complaints"]
    assert _codes(client.get("/api/courses/", {"search": "投诉"})) == ["complaints"]
    assert client.get("/api/courses/", {"tier": "master"}).status_code == 400

    assert "draft-course" in _codes(_as(client, trainer).get("/api/courses/"))


def test_a_draft_course_is_a_404_for_agents_and_open_to_authors(client, agent, trainer, draft):
    assert _as(client, agent).get(f"/api/courses/{draft.pk}/").status_code == 404
    assert client.get("/api/courses/999999/").status_code == 404

    response = _as(client, trainer).get(f"/api/courses/{draft.pk}/")
    assert response.status_code == 200
    assert (response.data["code"], response.data["status"], response.data["version"]) == (
        "draft-course",
        "draft",
        0,
    )


def test_course_detail_shows_rules_my_enrolment_and_what_i_lack(
    client, agent, other_agent, returns, crm, empathy
):
    advanced = published_course(code="refund-disputes", title_zh="退款纠纷", tier="advanced")
    advanced.prerequisites.add(returns)
    CourseLevelPrerequisiteFactory(course=advanced, competency=empathy, level=Level.ADVANCED)
    CourseCompetencyFactory(course=advanced, competency=crm, level=Level.ADVANCED)
    enrolment = enrolment_for(agent, advanced, due_on=_in_days(10))

    response = _as(client, agent).get(f"/api/courses/{advanced.pk}/")
    assert response.status_code == 200
    data = response.data
    assert [p["code"] for p in data["prerequisites"]] == ["returns"]
    assert [(r["competency"]["code"], r["level"]) for r in data["level_prerequisites"]] == [
        ("empathy", 2)
    ]
    assert [(t["competency"]["code"], t["level"]) for t in data["targets"]] == [("crm", 2)]
    assert data["version"] == 1
    assert data["my_enrolment"]["id"] == enrolment.pk
    assert data["my_enrolment"]["status"] == "not_started"
    assert data["prerequisites_missing"] == services.prerequisites_missing(
        agent=agent, course=advanced
    )
    assert len(data["prerequisites_missing"]) == 2

    # Somebody else sees the same course without the first agent's enrolment.
    other = _as(client, other_agent).get(f"/api/courses/{advanced.pk}/")
    assert other.data["my_enrolment"] is None


def test_only_authors_create_courses(client, agent, trainer, returns, crm, empathy):
    payload = {
        "code": "negotiation",
        "title_zh": "谈判技巧",
        "title_en": "Negotiation",
        "tier": "advanced",
        "delivery_mode": "live",
        "estimated_minutes": 90,
        "prerequisites": [returns.pk],
        "targets": [{"competency": "empathy", "level": 2}],
        "level_prerequisites": [{"competency": crm.pk, "level": 1}],
    }
    refused = _as(client, agent).post("/api/courses/", payload, format="json")
    assert refused.status_code == 403
    assert not Course.objects.filter(code="negotiation").exists()

    response = _as(client, trainer).post("/api/courses/", payload, format="json")
    assert response.status_code == 201
    course = Course.objects.get(code="negotiation")
    assert (course.title_zh, course.tier, course.delivery_mode, course.status) == (
        "谈判技巧",
        "advanced",
        "live",
        "draft",
    )
    assert course.created_by == trainer
    assert list(course.prerequisites.all()) == [returns]
    assert [(t.competency, t.level) for t in course.targets.all()] == [(empathy, 2)]
    assert [(r.competency, r.level) for r in course.level_prerequisites.all()] == [(crm, 1)]
    assert response.data["id"] == course.pk
    assert response.data["targets"][0]["competency"]["code"] == "empathy"


def test_bad_courses_are_400s_with_the_service_message_and_change_nothing(
    client, trainer, returns, crm
):
    _as(client, trainer)
    twice = client.post(
        "/api/courses/",
        {
            "code": "twice",
            "title_zh": "重复目标",
            "targets": [{"competency": "crm", "level": 1}, {"competency": "crm", "level": 2}],
        },
        format="json",
    )
    assert twice.status_code == 400
    assert twice.data == {
        "detail": [gettext("%(competency)s is listed twice.") % {"competency": crm}]
    }
    assert not Course.objects.filter(code="twice").exists()  # the course went with its targets

    taken = client.post("/api/courses/", {"code": "returns", "title_zh": "重名"}, format="json")
    assert taken.status_code == 400
    assert set(taken.data) == {"code"}
    unknown = client.post(
        "/api/courses/",
        {"code": "x", "title_zh": "未知", "targets": [{"competency": "nope", "level": 1}]},
        format="json",
    )
    assert unknown.status_code == 400
    assert "targets" in unknown.data
    assert Course.objects.count() == 1


def test_only_authors_update_courses(client, agent, trainer, returns, draft, empathy):
    payload = {"title_zh": "退换货全流程", "targets": [{"competency": "empathy", "level": 3}]}
    assert _as(client, agent).patch(f"/api/courses/{draft.pk}/", payload).status_code == 404
    assert client.patch(f"/api/courses/{returns.pk}/", payload, format="json").status_code == 403
    returns.refresh_from_db()
    assert returns.title_zh == "退换货流程"

    response = _as(client, trainer).patch(f"/api/courses/{returns.pk}/", payload, format="json")
    assert response.status_code == 200
    returns.refresh_from_db()
    assert (returns.title_zh, returns.tier) == ("退换货全流程", "entry")  # untouched fields stay
    assert [(t.competency, t.level) for t in returns.targets.all()] == [(empathy, 3)]
    assert response.data["title"] == "退换货全流程"
    # The published version is what learners keep seeing until the next publish.
    assert CourseVersion.objects.get(course=returns).snapshot["title_zh"] == "退换货流程"

    itself = client.patch(
        f"/api/courses/{returns.pk}/", {"prerequisites": [returns.pk]}, format="json"
    )
    assert itself.status_code == 400
    assert itself.data == {"detail": [gettext("A course cannot be its own prerequisite.")]}
    assert not returns.prerequisites.exists()


def test_only_authors_publish(client, agent, trainer, returns, draft):
    LessonFactory(course=returns, title_zh="新增一课")
    assert _as(client, agent).post(f"/api/courses/{draft.pk}/publish/").status_code == 404
    assert client.post(f"/api/courses/{returns.pk}/publish/").status_code == 403
    assert returns.versions.count() == 1

    response = _as(client, trainer).post(f"/api/courses/{returns.pk}/publish/")
    assert response.status_code == 201
    assert (response.data["number"], response.data["published_by"]["id"]) == (2, trainer.pk)
    latest = returns.versions.get(number=2)
    assert [item["title_zh"] for item in latest.snapshot["lessons"]][-1] == "新增一课"

    empty = client.post(f"/api/courses/{draft.pk}/publish/")
    assert empty.status_code == 400
    assert empty.data == {
        "detail": [
            gettext(
                "Add at least one lesson (or let attendance complete the course) before publishing."
            )
        ]
    }
    draft.refresh_from_db()
    assert (draft.status, draft.version) == ("draft", 0)


# --- Lessons -----------------------------------------------------------------------------


def test_agents_see_the_published_titles_only_and_authors_the_working_copy(
    client, agent, trainer, returns, draft
):
    LessonFactory(course=returns, title_zh="未发布的新课", body_zh="# 草稿")
    published_titles = [i["title_zh"] for i in returns.versions.get().snapshot["lessons"]]
    assert _as(client, agent).get(f"/api/courses/{draft.pk}/lessons/").status_code == 404

    response = client.get(f"/api/courses/{returns.pk}/lessons/")
    assert response.status_code == 200
    assert [row["title"] for row in response.data] == published_titles
    assert all("body_zh" not in row and "html" not in row for row in response.data)

    authored = _as(client, trainer).get(f"/api/courses/{returns.pk}/lessons/")
    assert [row["title_zh"] for row in authored.data] == [*published_titles, "未发布的新课"]
    assert authored.data[-1]["body_zh"] == "# 草稿"


def test_only_authors_add_lessons_and_upload_files(client, agent, trainer, returns):
    pdf = SimpleUploadedFile("退货指引.pdf", b"%PDF-1.4 guide", content_type="application/pdf")
    payload = {"title_zh": "退货指引", "kind": "file", "file": pdf}
    assert _as(client, agent).post(f"/api/courses/{returns.pk}/lessons/", payload).status_code == (
        403
    )
    assert not Lesson.objects.filter(title_zh="退货指引").exists()

    pdf.seek(0)
    last = max(returns.lessons.values_list("order", flat=True))
    response = _as(client, trainer).post(
        f"/api/courses/{returns.pk}/lessons/", payload, format="multipart"
    )
    assert response.status_code == 201
    lesson = Lesson.objects.get(title_zh="退货指引")
    assert (lesson.course, lesson.kind, lesson.required, lesson.order) == (
        returns,
        "file",
        True,
        last + 1,
    )
    assert lesson.file.read() == b"%PDF-1.4 guide"
    assert response.data["file_name"].endswith(".pdf")


def test_lesson_uploads_and_bad_lessons_are_refused_with_the_message(client, trainer, returns):
    url = f"/api/courses/{returns.pk}/lessons/"
    _as(client, trainer)
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    bad_type = client.post(url, {"title_zh": "病毒", "kind": "file", "file": script})
    assert bad_type.status_code == 400
    assert set(bad_type.data) == {"file"}

    no_link = client.post(url, {"title_zh": "视频课", "kind": "video"}, format="json")
    assert no_link.status_code == 400
    assert no_link.data == {"video_url": [gettext("A video lesson needs a video link.")]}
    assert returns.lessons.count() == 2


def test_only_authors_edit_and_delete_lessons(client, agent, trainer, returns, draft):
    lesson = returns.lessons.order_by("order").first()
    hidden = LessonFactory(course=draft)
    assert _as(client, agent).patch(
        f"/api/lessons/{hidden.pk}/", {"title_zh": "改"}
    ).status_code == (404)
    assert client.patch(f"/api/lessons/{lesson.pk}/", {"title_zh": "改"}).status_code == 403
    assert client.delete(f"/api/lessons/{lesson.pk}/").status_code == 403
    lesson.refresh_from_db()
    assert lesson.title_zh != "改"

    _as(client, trainer)
    response = client.patch(
        f"/api/lessons/{lesson.pk}/", {"title_zh": "改", "required": False}, format="json"
    )
    assert response.status_code == 200
    lesson.refresh_from_db()
    assert (lesson.title_zh, lesson.required, lesson.kind) == ("改", False, "text")

    assert client.delete(f"/api/lessons/{lesson.pk}/").status_code == 204
    assert not Lesson.objects.filter(pk=lesson.pk).exists()
    # What learners saw is kept in the published version.
    assert lesson.pk in [i["id"] for i in returns.versions.get().snapshot["lessons"]]


# --- Learning paths ----------------------------------------------------------------------


@pytest.fixture
def onboarding(returns):
    second = published_course(code="logistics", title_zh="物流查询")
    path = LearningPathFactory(code="onboarding", title_zh="新人入职30天")
    PathCourseFactory(path=path, course=returns, order=1)
    PathCourseFactory(path=path, course=second, order=2)
    return path


def test_paths_list_their_courses_in_order_and_hide_unpublished_ones(
    client, agent, trainer, onboarding
):
    LearningPathFactory(code="hidden", is_published=False)
    response = _as(client, agent).get("/api/paths/")
    assert response.status_code == 200
    [path] = response.data["results"]
    assert (path["code"], path["title"]) == ("onboarding", "新人入职30天")
    assert [(s["order"], s["course"]["code"]) for s in path["courses"]] == [
        (1, "returns"),
        (2, "logistics"),
    ]
    assert _codes(_as(client, trainer).get("/api/paths/")) == ["hidden", "onboarding"]


def test_only_authors_create_paths(client, agent, trainer, returns):
    advanced = published_course(code="refund-disputes", title_zh="退款纠纷")
    advanced.prerequisites.add(returns)
    payload = {"code": "refunds", "title_zh": "退款路径", "courses": [returns.pk, advanced.pk]}
    assert _as(client, agent).post("/api/paths/", payload, format="json").status_code == 403
    assert not LearningPath.objects.exists()

    _as(client, trainer)
    wrong_order = client.post(
        "/api/paths/", {**payload, "courses": [advanced.pk, returns.pk]}, format="json"
    )
    assert wrong_order.status_code == 400
    message = gettext("%(course)s needs %(missing)s first: put it earlier in the path.") % {
        "course": advanced,
        "missing": returns,
    }
    assert wrong_order.data == {"detail": [message]}
    assert not LearningPath.objects.exists()

    response = client.post("/api/paths/", {**payload, "is_published": True}, format="json")
    assert response.status_code == 201
    path = LearningPath.objects.get(code="refunds")
    assert (path.title_zh, path.is_published, path.created_by) == ("退款路径", True, trainer)
    assert [s.course.code for s in path.steps.order_by("order")] == ["returns", "refund-disputes"]
    assert [s["course"]["code"] for s in response.data["courses"]] == ["returns", "refund-disputes"]


def test_agents_cannot_assign_paths(client, agent, other_agent, onboarding):
    url = f"/api/paths/{onboarding.pk}/assign/"
    response = _as(client, agent).post(url, {"people": [agent.pk]}, format="json")
    assert response.status_code == 403
    assert not PathAssignment.objects.exists()
    assert not Enrolment.objects.exists()


def test_an_unpublished_path_is_a_404_for_a_mentor(client, mentor, agent, returns):
    hidden = LearningPathFactory(is_published=False)
    PathCourseFactory(path=hidden, course=returns)
    url = f"/api/paths/{hidden.pk}/assign/"
    assert _as(client, mentor).post(url, {"people": [agent.pk]}, format="json").status_code == 404
    assert not Enrolment.objects.exists()


def test_hr_assigns_a_path_to_a_team_and_everyone_is_enrolled_in_order(
    client, hr, agent, mentor, team_lead, other_agent, team, onboarding
):
    due = _in_days(30)
    response = _as(client, hr).post(
        f"/api/paths/{onboarding.pk}/assign/",
        {"team": team.pk, "due_on": due.isoformat()},
        format="json",
    )
    assert response.status_code == 201
    members = {agent.pk, mentor.pk, team_lead.pk}
    assert {row["agent"]["id"] for row in response.data} == members
    assert {a.team_id for a in PathAssignment.objects.all()} == {team.pk}
    enrolments = Enrolment.objects.order_by("agent_id", "path_order")
    assert {e.agent_id for e in enrolments} == members
    assert other_agent.pk not in {e.agent_id for e in enrolments}
    for enrolment in enrolments:
        assert (enrolment.source, enrolment.due_on, enrolment.assigned_by) == ("path", due, hr)
    assert [e.course.code for e in enrolments.filter(agent=agent)] == ["returns", "logistics"]
    assert [e["course"]["code"] for e in response.data[0]["enrolments"]] == [
        "returns",
        "logistics",
    ]


def test_a_mentor_assigns_only_to_mentees_and_a_refusal_names_the_others(
    client, mentor, agent, team_lead, team, other_agent, onboarding
):
    url = f"/api/paths/{onboarding.pk}/assign/"
    _as(client, mentor)
    refused = client.post(url, {"team": team.pk}, format="json")
    assert refused.status_code == 400
    assert refused.data == {
        "people": [gettext("You cannot assign training to %(people)s.") % {"people": "张主管"}]
    }
    invisible = client.post(url, {"people": [agent.pk, other_agent.pk]}, format="json")
    assert invisible.status_code == 400
    assert set(invisible.data) == {"people"}
    assert not PathAssignment.objects.exists()
    assert not Enrolment.objects.exists()

    response = client.post(url, {"people": [agent.pk]}, format="json")
    assert response.status_code == 201
    assignment = PathAssignment.objects.get()
    assert (assignment.agent, assignment.team, assignment.assigned_by) == (agent, None, mentor)
    assert Enrolment.objects.filter(agent=agent, path_assignment=assignment).count() == 2


# --- Enrolments --------------------------------------------------------------------------


def test_an_agent_cannot_enrol_someone_else_but_enrols_themselves(
    client, agent, other_agent, returns
):
    refused = _as(client, agent).post(
        "/api/enrolments/", {"course": returns.pk, "agent": other_agent.pk}, format="json"
    )
    assert refused.status_code == 403
    assert not Enrolment.objects.exists()

    response = client.post("/api/enrolments/", {"course": returns.pk}, format="json")
    assert response.status_code == 201
    enrolment = Enrolment.objects.get()
    assert (enrolment.agent, enrolment.course, enrolment.source, enrolment.assigned_by) == (
        agent,
        returns,
        "self",
        agent,
    )
    assert (response.data["id"], response.data["source"], response.data["version"]) == (
        enrolment.pk,
        "self",
        1,
    )

    again = client.post("/api/enrolments/", {"course": returns.pk, "agent": agent.pk})
    assert again.status_code == 400
    message = gettext("%(agent)s is already enrolled in %(course)s.") % {
        "agent": agent,
        "course": returns,
    }
    assert again.data == {"detail": [message]}
    assert Enrolment.objects.count() == 1


def test_assignments_record_who_assigned_and_as_what(
    client, mentor, team_lead, hr, agent, other_agent, returns
):
    due = _in_days(14).isoformat()
    refused = _as(client, mentor).post(
        "/api/enrolments/", {"course": returns.pk, "agent": other_agent.pk}, format="json"
    )
    assert refused.status_code == 403
    assert not Enrolment.objects.filter(agent=other_agent).exists()

    by_mentor = client.post(
        "/api/enrolments/", {"course": returns.pk, "agent": agent.pk, "due_on": due}
    )
    assert by_mentor.status_code == 201
    enrolment = Enrolment.objects.get(agent=agent)
    assert (enrolment.source, enrolment.assigned_by, enrolment.due_on.isoformat()) == (
        "mentor",
        mentor,
        due,
    )
    services.enrolment_withdraw(enrolment=enrolment)

    assert (
        _as(client, team_lead)
        .post("/api/enrolments/", {"course": returns.pk, "agent": agent.pk})
        .data["source"]
        == "team_lead"
    )
    assert (
        _as(client, hr)
        .post("/api/enrolments/", {"course": returns.pk, "agent": other_agent.pk})
        .data["source"]
        == "hr"
    )
    assert Enrolment.objects.get(agent=other_agent).assigned_by == hr


def test_draft_courses_cannot_be_enrolled_in(client, agent, hr, draft):
    hidden = _as(client, agent).post("/api/enrolments/", {"course": draft.pk}, format="json")
    assert hidden.status_code == 400
    assert set(hidden.data) == {"course"}  # invisible to the agent: no such course

    response = _as(client, hr).post(
        "/api/enrolments/", {"course": draft.pk, "agent": agent.pk}, format="json"
    )
    assert response.status_code == 400
    message = gettext("%(course)s is not published, so nobody can enrol yet.") % {"course": draft}
    assert response.data == {"detail": [message]}
    assert not Enrolment.objects.exists()


def test_enrolments_are_visible_to_their_people_overdue_first(
    client, agent, other_agent, mentor, hr, returns
):
    logistics = published_course(code="logistics")
    later = enrolment_for(agent, returns, due_on=_in_days(20))
    overdue = enrolment_for(agent, logistics, due_on=_in_days(1))
    Enrolment.objects.filter(pk=overdue.pk).update(status=Enrolment.Status.OVERDUE)
    theirs = enrolment_for(other_agent, returns)

    mine = _as(client, agent).get("/api/enrolments/")
    assert mine.status_code == 200
    assert [row["id"] for row in mine.data["results"]] == [overdue.pk, later.pk]
    assert mine.data["results"][0]["status"] == "overdue"
    assert mine.data["results"][1]["course"]["code"] == "returns"

    assert [row["id"] for row in _as(client, mentor).get("/api/enrolments/").data["results"]] == [
        overdue.pk,
        later.pk,
    ]
    everyone = _as(client, hr).get("/api/enrolments/")
    assert {row["id"] for row in everyone.data["results"]} == {overdue.pk, later.pk, theirs.pk}
    by_agent = client.get("/api/enrolments/", {"agent": other_agent.pk})
    assert [row["id"] for row in by_agent.data["results"]] == [theirs.pk]
    by_course = client.get("/api/enrolments/", {"course": logistics.pk})
    assert [row["id"] for row in by_course.data["results"]] == [overdue.pk]
    by_status = client.get("/api/enrolments/", {"status": "not_started"})
    assert {row["id"] for row in by_status.data["results"]} == {later.pk, theirs.pk}
    assert client.get("/api/enrolments/", {"status": "lost"}).status_code == 400


def test_withdrawing_is_for_the_learner_and_whoever_assigns_them(
    client, agent, other_agent, mentor, returns
):
    enrolment = enrolment_for(agent, returns, source=Enrolment.Source.MENTOR, assigned_by=mentor)
    url = f"/api/enrolments/{enrolment.pk}/withdraw/"
    assert _as(client, other_agent).post(url).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "not_started"

    response = _as(client, mentor).post(url)
    assert response.status_code == 200
    enrolment.refresh_from_db()
    assert (enrolment.status, response.data["status"]) == ("withdrawn", "withdrawn")
    assert enrolment.withdrawn_at is not None

    again = client.post(url)
    assert again.status_code == 400
    assert again.data == {"detail": [gettext("Only ongoing enrolments can be withdrawn.")]}


def test_an_enrolments_lessons_are_its_learners_only(client, agent, mentor, returns):
    LessonFactory(course=returns, body_zh="您好<script>alert(1)</script>")
    services.course_publish(course=returns, published_by=None)
    enrolment = enrolment_for(agent, returns)
    first = enrolment.version.snapshot["lessons"][0]["id"]
    LessonProgress.objects.create(enrolment=enrolment, lesson_id=first)
    url = f"/api/enrolments/{enrolment.pk}/lessons/"
    assert _as(client, mentor).get(url).status_code == 404  # the mentor sees progress only

    response = _as(client, agent).get(url)
    assert response.status_code == 200
    assert [row["id"] for row in response.data] == [
        item["id"] for item in enrolment.version.snapshot["lessons"]
    ]
    assert [row["done"] for row in response.data] == [True, False, False]
    assert "<script>" not in response.data[2]["html"]
    assert "您好" in response.data[2]["html"]


def test_nobody_marks_another_persons_lesson_done(client, agent, other_agent, mentor, returns):
    enrolment = enrolment_for(agent, returns)
    first, second = (item["id"] for item in enrolment.version.snapshot["lessons"])
    url = f"/api/enrolments/{enrolment.pk}/lessons/{first}/done/"
    assert _as(client, other_agent).post(url).status_code == 404
    assert _as(client, mentor).post(url).status_code == 404
    assert not LessonProgress.objects.exists()

    response = _as(client, agent).post(url)
    assert response.status_code == 200
    assert list(LessonProgress.objects.values_list("enrolment_id", "lesson_id")) == [
        (enrolment.pk, first)
    ]
    assert (response.data["status"], response.data["progress"]) == ("in_progress", 50)

    stranger = client.post(f"/api/enrolments/{enrolment.pk}/lessons/999999/done/")
    assert stranger.status_code == 400
    assert stranger.data == {"detail": [gettext("This lesson is not part of your course.")]}

    done = client.post(f"/api/enrolments/{enrolment.pk}/lessons/{second}/done/")
    assert (done.data["status"], done.data["progress"]) == ("completed", 100)
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"


# --- Sessions and attendance -------------------------------------------------------------


@pytest.fixture
def workshop(db):
    return published_course(
        code="workshop", lessons=0, delivery_mode="workshop", completes_on_attendance=True
    )


def test_course_sessions_show_seats_waiting_and_my_place(client, agent, other_agent, workshop):
    session = CourseSessionFactory(course=workshop, capacity=2)
    SessionRegistrationFactory(session=session, agent=other_agent)
    mine = SessionRegistrationFactory(session=session, agent=agent)
    SessionRegistrationFactory(session=session, status=SessionRegistration.Status.WAITLISTED)
    CourseSessionFactory(course=workshop, is_cancelled=True)
    hidden = CourseSessionFactory()  # its course is a draft
    assert _as(client, agent).get(f"/api/courses/{hidden.course_id}/sessions/").status_code == 404

    response = client.get(f"/api/courses/{workshop.pk}/sessions/")
    assert response.status_code == 200
    [row] = response.data
    assert (row["id"], row["seats_left"], row["waiting"], row["capacity"]) == (session.pk, 0, 1, 2)
    assert row["my_registration"] == {"id": mine.pk, "status": "registered", "attendance": ""}
    assert row["location"] == "上海总部 3楼培训室"

    other = _as(client, other_agent).get(f"/api/courses/{workshop.pk}/sessions/")
    assert other.data[0]["my_registration"]["id"] != mine.pk


def test_registering_for_a_session(client, agent, other_agent, workshop):
    hidden = CourseSessionFactory()
    assert _as(client, agent).post(f"/api/sessions/{hidden.pk}/register/").status_code == 404
    assert not SessionRegistration.objects.exists()

    session = CourseSessionFactory(course=workshop, capacity=1)
    response = client.post(f"/api/sessions/{session.pk}/register/")
    assert response.status_code == 201
    registration = SessionRegistration.objects.get(agent=agent)
    assert (registration.session, registration.status) == (session, "registered")
    assert Enrolment.objects.get(agent=agent).course == workshop  # enrolled on the way

    twice = client.post(f"/api/sessions/{session.pk}/register/")
    assert twice.status_code == 400
    assert twice.data == {"detail": [gettext("You are already registered for this session.")]}

    full = _as(client, other_agent).post(f"/api/sessions/{session.pk}/register/")
    assert (full.status_code, full.data["status"]) == (201, "waitlisted")


def test_cancelling_a_registration_gives_the_seat_to_the_waiting_list(
    client, agent, other_agent, mentor, workshop
):
    session = CourseSessionFactory(course=workshop, capacity=1)
    registration = services.session_register(session=session, agent=agent)
    waiting = services.session_register(session=session, agent=other_agent)
    url = f"/api/registrations/{registration.pk}/cancel/"
    assert _as(client, other_agent).post(url).status_code == 404
    assert _as(client, mentor).post(url).status_code == 403  # sees it, cannot cancel it
    registration.refresh_from_db()
    assert registration.status == "registered"

    response = _as(client, agent).post(url)
    assert response.status_code == 200
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert (registration.status, waiting.status) == ("cancelled", "registered")


def test_the_participant_list_is_for_the_instructor_and_authors(
    client, agent, other_agent, trainer, workshop
):
    session = CourseSessionFactory(course=workshop, instructor=trainer)
    SessionRegistrationFactory(session=session, agent=agent)
    SessionRegistrationFactory(
        session=session, agent=other_agent, status=SessionRegistration.Status.CANCELLED
    )
    url = f"/api/sessions/{session.pk}/registrations/"
    assert _as(client, agent).get(url).status_code == 403
    assert client.get(f"/api/sessions/{CourseSessionFactory().pk}/registrations/").status_code == (
        404
    )

    response = _as(client, trainer).get(url)
    assert response.status_code == 200
    assert [row["agent"]["display_name"] for row in response.data["results"]] == ["王雨桐"]


def test_attendance_by_a_non_instructor_agent_is_refused(
    client, agent, other_agent, trainer, workshop
):
    started = timezone.now() - datetime.timedelta(hours=1)
    session = CourseSessionFactory(
        course=workshop,
        instructor=trainer,
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=3),
    )
    enrolment = enrolment_for(agent, workshop)
    registration = SessionRegistrationFactory(session=session, agent=agent)
    url = f"/api/registrations/{registration.pk}/attendance/"
    assert _as(client, agent).post(url, {"attendance": "present"}).status_code == 403
    assert _as(client, other_agent).post(url, {"attendance": "present"}).status_code == 404
    registration.refresh_from_db()
    assert registration.attendance == ""

    _as(client, trainer)
    wrong = client.post(url, {"attendance": "asleep"})
    assert wrong.status_code == 400
    assert wrong.data == {"detail": [gettext("Choose present, absent or excused.")]}

    response = client.post(url, {"attendance": "present"})
    assert response.status_code == 200
    registration.refresh_from_db()
    assert (registration.attendance, registration.attendance_by) == ("present", trainer)
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"  # attendance completes this workshop


def test_an_instructor_who_is_not_an_author_takes_attendance(client, agent, workshop):
    instructor = UserFactory(display_name="吴讲师", roles=[Role.AGENT])
    started = timezone.now() - datetime.timedelta(hours=1)
    session = CourseSessionFactory(
        course=workshop,
        instructor=instructor,
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=2),
    )
    registration = SessionRegistrationFactory(session=session, agent=agent)
    response = _as(client, instructor).post(
        f"/api/registrations/{registration.pk}/attendance/", {"attendance": "absent"}
    )
    assert response.status_code == 200
    registration.refresh_from_db()
    assert (registration.attendance, registration.attendance_by) == ("absent", instructor)


# --- Query counts ------------------------------------------------------------------------


def _count_queries(client: APIClient, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.data


def test_the_catalogue_takes_the_same_queries_for_3_and_15_courses(client, agent):
    competencies = [CompetencyFactory(), CompetencyFactory()]

    def add_courses(count: int) -> None:
        for _ in range(count):
            course = published_course(lessons=1)
            for competency in competencies:
                CourseCompetencyFactory(course=course, competency=competency)

    _as(client, agent)
    add_courses(3)
    small, small_data = _count_queries(client, "/api/courses/")
    add_courses(12)
    large, large_data = _count_queries(client, "/api/courses/")
    assert (small_data["count"], large_data["count"]) == (3, 15)
    assert small == large


def test_enrolments_take_the_same_queries_for_4_and_20(client, hr, onboarding):
    def add_people(count: int) -> None:
        for _ in range(count):
            person = UserFactory()
            services.path_assign(path=onboarding, agents=[person], assigned_by=hr, due_on=None)

    _as(client, hr)
    add_people(2)
    small, small_data = _count_queries(client, "/api/enrolments/")
    add_people(8)
    large, large_data = _count_queries(client, "/api/enrolments/")
    assert (small_data["count"], large_data["count"]) == (4, 20)
    assert large_data["results"][0]["path"]["code"] == "onboarding"
    assert small == large


def test_paths_take_the_same_queries_for_3_and_15(client, agent):
    def add_paths(count: int) -> None:
        for _ in range(count):
            path = LearningPathFactory()
            for _step in range(3):
                PathCourseFactory(path=path, course=published_course(lessons=1))

    _as(client, agent)
    add_paths(3)
    small, small_data = _count_queries(client, "/api/paths/")
    add_paths(12)
    large, large_data = _count_queries(client, "/api/paths/")
    assert (small_data["count"], large_data["count"]) == (3, 15)
    assert all(len(row["courses"]) == 3 for row in large_data["results"])
    assert small == large


def test_course_sessions_take_the_same_queries_for_2_and_10(client, agent, workshop):
    def add_sessions(count: int) -> None:
        for _ in range(count):
            session = CourseSessionFactory(course=workshop)
            SessionRegistrationFactory(session=session)
            SessionRegistrationFactory(session=session, agent=agent)

    url = f"/api/courses/{workshop.pk}/sessions/"
    _as(client, agent)
    add_sessions(2)
    small, small_data = _count_queries(client, url)
    add_sessions(8)
    large, large_data = _count_queries(client, url)
    assert (len(small_data), len(large_data)) == (2, 10)
    assert all(row["my_registration"] is not None for row in large_data)
    assert small == large


def test_people_named_twice_or_also_in_the_team_are_assigned_once(
    client, hr, agent, other_agent, team, onboarding
):
    response = _as(client, hr).post(
        f"/api/paths/{onboarding.pk}/assign/",
        {"team": team.pk, "people": [agent.pk, other_agent.pk, other_agent.pk]},
        format="json",
    )
    assert response.status_code == 201
    assignments = {a.agent_id: a.team_id for a in PathAssignment.objects.all()}
    assert assignments == {agent.pk: team.pk, other_agent.pk: None}
    assert Enrolment.objects.filter(agent=other_agent).count() == 2
    assert Enrolment.objects.filter(agent=agent).count() == 2
