"""The demo courses of 云裳优品: what ``seed_demo`` leaves behind, and that it is idempotent."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from courses import demo_content
from courses.models import (
    Course,
    CourseSession,
    CourseVersion,
    Enrolment,
    LearningPath,
    Lesson,
    LessonProgress,
    PathAssignment,
    SessionRegistration,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

COUNTED = [
    Course,
    CourseVersion,
    Lesson,
    LearningPath,
    PathAssignment,
    CourseSession,
    SessionRegistration,
    Enrolment,
    LessonProgress,
]
NEW_HIRES = {"huang.xinyi", "guo.ruoxi", "gao.shuyi", "feng.rui"}
SENIORS = {"mentor", "zhang.haoran", "wu.tianyu", "xu.wenbo", "zhu.xiaoyu", "zheng.kaiwen"}


def _seed() -> str:
    out = io.StringIO()
    # Tests run with DEBUG=False, which the seeders refuse without --force.
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, in a transaction rolled back at its end.

    A full seed takes seconds; each test then runs in a savepoint inside this
    transaction, so what one test changes never reaches the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        output = _seed()
        yield output
        transaction.set_rollback(True)


def test_first_run_seeds_the_catalogue_and_prints_a_summary(seeded):
    assert "Demo courses: Course 16 (+16)" in seeded
    assert Course.objects.filter(code="backoffice-basics", status="published").exists()


def test_refuses_without_force_when_debug_is_off_and_runs_in_debug(settings):
    before = _counts()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_courses", stdout=io.StringIO())

    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo_courses", stdout=out)

    assert "Demo courses: Course 16 (+0)" in out.getvalue()
    assert _counts() == before


def test_catalogue_has_published_courses_over_three_tiers_with_real_lessons():
    courses = Course.objects.filter(status=Course.Status.PUBLISHED).prefetch_related(
        "lessons", "targets__competency", "prerequisites", "level_prerequisites"
    )
    assert len(courses) >= 12
    assert {c.tier for c in courses} == {"entry", "advanced", "expert"}
    tier_level = {"entry": 1, "advanced": 2, "expert": 3}
    for course in courses:
        assert course.title_zh and course.title_en and course.description_en
        assert course.version == 1
        assert 2 <= len(course.lessons.all()) <= 4, course.code
        assert all(lesson.title_en for lesson in course.lessons.all())
        targets = list(course.targets.all())
        assert 1 <= len(targets) <= 3
        assert {t.level for t in targets} == {tier_level[course.tier]}, course.code
    by_code = {c.code: c for c in courses}
    assert [p.code for p in by_code["returns-refunds-101"].prerequisites.all()] == [
        "backoffice-basics"
    ]
    level_rules = [r for c in courses for r in c.level_prerequisites.all()]
    assert [(r.course.code, r.level) for r in level_rules] == [("data-analysis-301", 2)]
    assert {c.delivery_mode for c in courses} == {
        "online",
        "recorded",
        "live",
        "workshop",
        "mentorship",
    }
    video = Lesson.objects.get(kind=Lesson.Kind.VIDEO)
    assert video.video_url.startswith("https://")
    assert Lesson.objects.filter(kind=Lesson.Kind.CASE).exists()
    # The frozen version holds the rendered Markdown: tables and all.
    snapshot = by_code["returns-refunds-101"].versions.get().snapshot
    assert "七天无理由" in snapshot["lessons"][0]["html_zh"]
    assert "<table>" in snapshot["lessons"][0]["html_zh"]


def test_onboarding_path_is_assigned_to_new_hires_and_the_demo_agent():
    path = LearningPath.objects.get(code="onboarding-30")
    assert path.is_published
    assert path.title_zh == "新人入职30天"
    steps = [s.course for s in path.steps.order_by("order")]
    assert 4 <= len(steps) <= 5
    assert {c.tier for c in steps} == {"entry"}
    for index, course in enumerate(steps):
        assert set(course.prerequisites.all()) <= set(steps[:index])
    assignments = PathAssignment.objects.filter(path=path).select_related("agent")
    assert {a.agent.username for a in assignments} == NEW_HIRES | {"agent"}
    assert all(a.due_on > timezone.localdate() for a in assignments)

    agent_path = Enrolment.objects.filter(
        agent__username="agent", path_assignment__path=path
    ).order_by("path_order")
    statuses = [e.status for e in agent_path]
    assert statuses[0] == Enrolment.Status.COMPLETED
    assert Enrolment.Status.IN_PROGRESS in statuses
    assert LessonProgress.objects.filter(enrolment__agent__username="agent").count() >= 4


def test_workshop_has_a_past_session_with_attendance_and_a_full_one_with_a_waiting_list():
    workshop = Course.objects.get(title_zh="投诉处理实战工作坊")
    assert workshop.delivery_mode == "workshop"
    assert workshop.completes_on_attendance
    sessions = list(workshop.sessions.order_by("starts_at").prefetch_related("registrations"))
    assert 2 <= len(sessions) <= 3
    assert {s.instructor.username for s in sessions} == {"trainer"}
    now = timezone.now()
    past = [s for s in sessions if s.starts_at < now]
    upcoming = [s for s in sessions if s.starts_at > now]
    assert len(past) == 1 and upcoming
    marked = {r.agent.username: r.attendance for r in past[0].registrations.all()}
    assert set(marked.values()) == {"present", "absent", "excused"}
    # Being present completed the workshop for those who came.
    present = [name for name, attendance in marked.items() if attendance == "present"]
    assert Enrolment.objects.filter(
        course=workshop, agent__username__in=present, status=Enrolment.Status.COMPLETED
    ).count() == len(present)
    assert all(s.registrations.exists() for s in upcoming)
    full = [
        s
        for s in upcoming
        if any(r.status == SessionRegistration.Status.WAITLISTED for r in s.registrations.all())
    ]
    assert len(full) == 1
    seated = full[0].registrations.filter(status=SessionRegistration.Status.REGISTERED)
    assert seated.count() == full[0].capacity


def test_enrolments_cover_every_status_and_seniors_completed_advanced_courses():
    statuses = set(Enrolment.objects.values_list("status", flat=True))
    assert statuses == set(Enrolment.Status.values)
    overdue = Enrolment.objects.filter(status=Enrolment.Status.OVERDUE)
    assert overdue.count() == 4
    assert all(e.due_on is not None for e in overdue)
    assert (
        Enrolment.objects.filter(status=Enrolment.Status.WITHDRAWN)
        .exclude(withdrawn_at=None)
        .count()
        == 3
    )
    seniors_done = set(
        Enrolment.objects.filter(
            agent__username__in=SENIORS,
            course__tier="advanced",
            status=Enrolment.Status.COMPLETED,
        ).values_list("agent__username", flat=True)
    )
    assert seniors_done == SENIORS
    assert Enrolment.objects.filter(
        agent__username="agent", status=Enrolment.Status.COMPLETED
    ).exists()
    mentored = Enrolment.objects.filter(source=Enrolment.Source.MENTOR).select_related(
        "agent", "assigned_by"
    )
    assert mentored and all(
        e.agent.mentorships_as_mentee.filter(mentor=e.assigned_by).exists() for e in mentored
    )


def test_second_run_creates_nothing_and_publishes_no_new_version():
    first = _counts()
    statuses = dict(Enrolment.objects.values_list("pk", "status"))

    output = _seed()

    assert _counts() == first
    assert dict(Enrolment.objects.values_list("pk", "status")) == statuses
    assert set(Course.objects.values_list("version", flat=True)) == {1}
    assert "Demo courses: Course 16 (+0)" in output
    assert len(demo_content.COURSES) == first["Course"]
