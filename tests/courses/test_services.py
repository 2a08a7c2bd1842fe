"""Domain rules of courses: publishing, enrolment, completion, paths, sessions, advice.

Everything goes through the services (and one selector for recommendations); each
refusal is checked for its code and for the fact that nothing changed.
"""

import contextlib
import datetime
import itertools
import zoneinfo
from html.parser import HTMLParser
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses import hooks, permissions, selectors, services
from courses.markdown import markdown_to_html
from courses.models import (
    Course,
    CourseSession,
    CourseVersion,
    Enrolment,
    LearningPath,
    LessonProgress,
    PathAssignment,
    PathCourse,
    SessionRegistration,
)
from courses.signals import course_completed
from lms import services as lms_services
from lms.models import Evidence, Level, Notification, User
from tests.courses.factories import (
    CourseFactory,
    CourseSessionFactory,
    LessonFactory,
    SessionRegistrationFactory,
    enrolment_for,
    published_course,
)
from tests.lms.factories import (
    CompetencyFactory,
    PositionProfileFactory,
    PositionRequirementFactory,
    UserFactory,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2030, 3, 10)


class Clock:
    """What ``timezone.now()`` answers while the fixture is active: 10:00 in Shanghai."""

    def __init__(self, today: datetime.date):
        self.today = today

    def now(self) -> datetime.datetime:
        moment = datetime.datetime.combine(self.today, datetime.time(10), tzinfo=SHANGHAI)
        return moment.astimezone(datetime.UTC)


@pytest.fixture
def clock():
    clock = Clock(TODAY)
    with patch("django.utils.timezone.now", side_effect=clock.now):
        yield clock


@pytest.fixture
def completions():
    """The enrolments ``course_completed`` was sent for, in order."""
    received: list[int] = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(receiver, weak=False, dispatch_uid="test-services-completions")
    yield received
    course_completed.disconnect(dispatch_uid="test-services-completions")


@pytest.fixture
def completion_check():
    """A higher app's completion condition, unmet until the test says otherwise."""
    state = {"unmet": ["通过结课测验"], "seen": []}

    def check(enrolment):
        state["seen"].append(enrolment.pk)
        return list(state["unmet"])

    hooks.completion_check_register(check)
    try:
        yield state
    finally:
        hooks._completion_checks.remove(check)


def messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def lesson_ids(enrolment: Enrolment) -> list[int]:
    return [item["id"] for item in enrolment.version.snapshot["lessons"]]


def complete_all(enrolment: Enrolment) -> Enrolment:
    for lesson_id in lesson_ids(enrolment):
        enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=lesson_id)
    return enrolment


def level_up(agent: User, competency, level: int, recorded_by: User | None = None) -> None:
    lms_services.evidence_record(
        agent=agent,
        competency=competency,
        level=level,
        source=Evidence.Source.HR_ASSESSMENT,
        recorded_by=recorded_by,
    )


# --- Publishing ----------------------------------------------------------------------


def test_publish_numbers_versions_and_freezes_the_lessons(trainer):
    course = CourseFactory(title_zh="退换货流程", title_en="Returns process")
    first = LessonFactory(course=course, order=1, title_zh="退货政策", body_zh="七天无理由退货")
    second = LessonFactory(course=course, order=2, title_zh="退款时效", required=False)

    v1 = services.course_publish(course=course, published_by=trainer)

    course.refresh_from_db()
    assert (v1.number, course.version, course.status) == (1, 1, Course.Status.PUBLISHED)
    assert v1.published_by == trainer
    assert v1.snapshot["title_zh"] == "退换货流程"
    assert v1.snapshot["title_en"] == "Returns process"
    assert [
        (item["id"], item["order"], item["title_zh"], item["required"])
        for item in v1.snapshot["lessons"]
    ] == [(first.pk, 1, "退货政策", True), (second.pk, 2, "退款时效", False)]
    assert "七天无理由退货" in v1.snapshot["lessons"][0]["html_zh"]

    services.lesson_update(lesson=first, title_zh="退货政策（新版）")
    v2 = services.course_publish(course=course, published_by=trainer)

    course.refresh_from_db()
    assert (v2.number, course.version) == (2, 2)
    assert v2.snapshot["lessons"][0]["title_zh"] == "退货政策（新版）"
    v1.refresh_from_db()
    assert v1.snapshot["lessons"][0]["title_zh"] == "退货政策"
    assert list(course.versions.values_list("number", flat=True)) == [2, 1]


def test_publish_refuses_an_empty_course_then_accepts_it_with_a_lesson(trainer):
    course = CourseFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.course_publish(course=course, published_by=trainer)

    assert excinfo.value.code == "empty"
    course.refresh_from_db()
    assert (course.status, course.version) == (Course.Status.DRAFT, 0)
    assert not CourseVersion.objects.filter(course=course).exists()

    LessonFactory(course=course)
    version = services.course_publish(course=course, published_by=trainer)

    assert version.number == 1
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED


def test_a_workshop_completed_by_attendance_publishes_without_lessons(trainer):
    course = CourseFactory(delivery_mode="workshop", completes_on_attendance=True)

    version = services.course_publish(course=course, published_by=trainer)

    assert version.number == 1
    assert version.snapshot["lessons"] == []


HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<p onclick="steal()">点我</p>',
    "<svg onload=alert(1)>",
    "[优惠券](javascript:alert(1))",
    "[优惠券](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">链接</a>',
    '<a href="jav&#x09;ascript:alert(1)">链接</a>',
    "![图](javascript:alert(1))",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "```\n<script>alert(1)</script>\n```",
]


class _Elements(HTMLParser):
    """Every tag and attribute of an HTML fragment, as a browser would parse them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert "javascript:" not in lowered
    parsed = _Elements()
    parsed.feed(html)
    assert not {"script", "iframe", "svg", "style", "object", "embed"} & set(parsed.tags)
    for name, value in parsed.attributes:
        assert not name.startswith("on"), html
        assert name != "style", html
        assert "javascript:" not in "".join(value.lower().split()), html


@pytest.mark.parametrize("payload", HOSTILE_MARKDOWN)
def test_markdown_to_html_lets_no_script_through(payload):
    assert_harmless(markdown_to_html(payload))


def test_markdown_keeps_the_harmless_formatting():
    html = markdown_to_html("**您好** [帮助中心](https://help.example.com)\n\n- 一\n- 二")

    assert "<strong>您好</strong>" in html
    assert 'href="https://help.example.com"' in html
    assert "<li>一</li>" in html


def test_published_snapshot_html_is_sanitised_in_both_languages(trainer):
    course = CourseFactory()
    hostile = "\n\n".join(HOSTILE_MARKDOWN)
    LessonFactory(course=course, body_zh="## 标题\n\n" + hostile, body_en=hostile)

    version = services.course_publish(course=course, published_by=trainer)

    lesson = version.snapshot["lessons"][0]
    assert "<h2>标题</h2>" in lesson["html_zh"]
    assert_harmless(lesson["html_zh"])
    assert_harmless(lesson["html_en"])


def test_editing_after_publishing_keeps_the_enrolled_version_and_new_learners_get_the_new_one(
    agent, other_agent, trainer
):
    course = CourseFactory(title_zh="物流查询")
    kept = LessonFactory(course=course, order=1, title_zh="查询单号", body_zh="旧的说明")
    removed = LessonFactory(course=course, order=2, title_zh="旧系统")
    services.course_publish(course=course, published_by=trainer)
    early = enrolment_for(agent, course)

    services.lesson_update(lesson=kept, title_zh="查询单号（新）", body_zh="新的说明")
    services.lesson_delete(lesson=removed)
    added = services.lesson_create(course=course, title_zh="异常件处理", body_zh="新课文")
    services.course_update(course=course, title_zh="物流查询（第二版）")
    services.course_publish(course=course, published_by=trainer)
    late = enrolment_for(other_agent, course)

    early.refresh_from_db()
    assert early.version.number == 1
    assert [v.title for v in selectors.lessons_for(early, language="zh-hans")] == [
        "查询单号",
        "旧系统",
    ]
    assert "旧的说明" in selectors.lessons_for(early, language="zh-hans")[0].html
    assert late.version.number == 2
    assert late.version.snapshot["title_zh"] == "物流查询（第二版）"
    assert [v.title for v in selectors.lessons_for(late, language="zh-hans")] == [
        "查询单号（新）",
        "异常件处理",
    ]
    assert "新的说明" in selectors.lessons_for(late, language="zh-hans")[0].html

    # The early learner completes what they were given, the deleted lesson included.
    assert added.pk not in lesson_ids(early)
    early = complete_all(early)
    assert early.status == Enrolment.Status.COMPLETED


# --- Enrolment -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.ARCHIVED])
def test_enrolment_in_an_unpublished_course_is_refused(agent, hr, status):
    course = published_course() if status == Course.Status.ARCHIVED else CourseFactory()
    if status == Course.Status.ARCHIVED:
        services.course_archive(course=course)

    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_create(
            agent=agent, course=course, source=Enrolment.Source.HR, assigned_by=hr
        )

    assert excinfo.value.code == "unpublished"
    assert course.title_zh in messages(excinfo)
    assert not Enrolment.objects.filter(agent=agent).exists()


def test_a_due_date_in_the_past_is_refused_and_today_is_accepted(clock, agent, hr):
    course = published_course()

    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_create(
            agent=agent,
            course=course,
            source=Enrolment.Source.HR,
            assigned_by=hr,
            due_on=TODAY - datetime.timedelta(days=1),
        )

    assert excinfo.value.code == "due_past"
    assert not Enrolment.objects.filter(agent=agent).exists()

    enrolment = services.enrolment_create(
        agent=agent, course=course, source=Enrolment.Source.HR, assigned_by=hr, due_on=TODAY
    )
    assert enrolment.due_on == TODAY
    assert (enrolment.agent, enrolment.assigned_by) == (agent, hr)
    assert enrolment.source == Enrolment.Source.HR
    assert enrolment.status == Enrolment.Status.NOT_STARTED


def test_an_inactive_person_cannot_be_enrolled(agent, hr):
    course = published_course()
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    with pytest.raises(ValidationError) as excinfo:
        enrolment_for(agent, course, assigned_by=hr)

    assert excinfo.value.code == "inactive"
    assert not Enrolment.objects.filter(agent=agent).exists()


@pytest.mark.parametrize("status", Enrolment.ACTIVE_STATUSES)
def test_one_active_enrolment_per_agent_and_course(agent, hr, status):
    course = published_course()
    first = enrolment_for(agent, course, assigned_by=hr)
    Enrolment.objects.filter(pk=first.pk).update(status=status)

    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_create(
            agent=agent, course=course, source=Enrolment.Source.SELF, assigned_by=agent
        )

    assert excinfo.value.code == "already_enrolled"
    assert list(Enrolment.objects.filter(agent=agent).values_list("pk", flat=True)) == [first.pk]


def test_the_database_itself_refuses_a_second_active_enrolment(agent):
    course = published_course()
    first = enrolment_for(agent, course)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            agent=agent, course=course, version=first.version, source=Enrolment.Source.SELF
        )

    assert Enrolment.objects.filter(agent=agent, course=course).count() == 1
    # A finished one beside the active one is fine for the database.
    finished = Enrolment.objects.create(
        agent=agent,
        course=course,
        version=first.version,
        source=Enrolment.Source.SELF,
        status=Enrolment.Status.WITHDRAWN,
    )
    assert Enrolment.objects.filter(agent=agent, course=course).count() == 2
    assert finished.pk != first.pk


@pytest.mark.parametrize("finish", ["complete", "withdraw"])
def test_re_enrolment_is_allowed_after_completion_or_withdrawal(agent, finish):
    course = published_course()
    first = enrolment_for(agent, course)
    if finish == "complete":
        first = complete_all(first)
        assert first.status == Enrolment.Status.COMPLETED
    else:
        first = services.enrolment_withdraw(enrolment=first)
        assert first.status == Enrolment.Status.WITHDRAWN
        assert first.withdrawn_at is not None

    again = services.enrolment_create(
        agent=agent, course=course, source=Enrolment.Source.SELF, assigned_by=agent
    )

    assert again.pk != first.pk
    assert again.status == Enrolment.Status.NOT_STARTED
    first.refresh_from_db()
    assert first.status != again.status
    assert Enrolment.objects.filter(agent=agent, course=course).count() == 2


def test_withdrawing_a_closed_enrolment_is_refused(agent):
    enrolment = complete_all(enrolment_for(agent, published_course()))

    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_withdraw(enrolment=enrolment)

    assert excinfo.value.code == "inactive"
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_self_enrolment_names_the_missing_prerequisites_until_they_are_met(agent, hr):
    basics = published_course(title_zh="平台后台基础")
    empathy = CompetencyFactory(name_zh="倾听与共情")
    course = published_course(title_zh="投诉升级处理", tier="advanced")
    services.course_update(course=course, prerequisites=[basics])
    services.course_level_prerequisites_set(course=course, rules=[(empathy, Level.ADVANCED)])

    def self_enrol():
        return services.enrolment_create(
            agent=agent, course=course, source=Enrolment.Source.SELF, assigned_by=agent
        )

    with pytest.raises(ValidationError) as excinfo:
        self_enrol()
    assert excinfo.value.code == "prerequisites"
    assert "平台后台基础" in messages(excinfo)
    assert "倾听与共情" in messages(excinfo)

    complete_all(enrolment_for(agent, basics))
    level_up(agent, empathy, Level.BASIC, recorded_by=hr)  # not enough yet
    with pytest.raises(ValidationError) as excinfo:
        self_enrol()
    assert "平台后台基础" not in messages(excinfo)
    assert "倾听与共情" in messages(excinfo)
    assert not Enrolment.objects.filter(agent=agent, course=course).exists()

    level_up(agent, empathy, Level.ADVANCED, recorded_by=hr)
    enrolment = self_enrol()

    assert enrolment.course == course
    assert enrolment.source == Enrolment.Source.SELF


def test_assigned_work_is_enrolled_before_prerequisites_but_stays_locked(agent, hr):
    basics = published_course(title_zh="平台后台基础")
    empathy = CompetencyFactory(name_zh="倾听与共情")
    course = published_course(title_zh="投诉升级处理")
    services.course_update(course=course, prerequisites=[basics])
    services.course_level_prerequisites_set(course=course, rules=[(empathy, Level.BASIC)])

    enrolment = services.enrolment_create(
        agent=agent, course=course, source=Enrolment.Source.HR, assigned_by=hr
    )
    first_lesson = lesson_ids(enrolment)[0]

    with pytest.raises(ValidationError) as excinfo:
        services.lesson_complete(enrolment=enrolment, lesson_id=first_lesson)
    assert excinfo.value.code == "locked"
    assert "平台后台基础" in messages(excinfo)
    assert "倾听与共情" in messages(excinfo)
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.progress) == (Enrolment.Status.NOT_STARTED, 0)

    complete_all(enrolment_for(agent, basics))
    level_up(agent, empathy, Level.BASIC, recorded_by=hr)
    enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=first_lesson)

    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    assert LessonProgress.objects.filter(enrolment=enrolment, lesson_id=first_lesson).exists()


# --- Lesson completion -------------------------------------------------------------------


def test_progress_and_status_follow_the_required_lessons(agent, completions):
    course = CourseFactory()
    required = [LessonFactory(course=course, order=i) for i in (1, 2, 4)]
    optional = LessonFactory(course=course, order=3, required=False)
    services.course_publish(course=course, published_by=None)
    enrolment = enrolment_for(agent, course)
    assert (enrolment.status, enrolment.progress, enrolment.started_at) == (
        Enrolment.Status.NOT_STARTED,
        0,
        None,
    )

    enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=required[0].pk)
    assert (enrolment.status, enrolment.progress) == (Enrolment.Status.IN_PROGRESS, 33)
    assert enrolment.started_at is not None
    assert enrolment.completed_at is None
    started_at = enrolment.started_at

    enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=required[1].pk)
    assert (enrolment.status, enrolment.progress) == (Enrolment.Status.IN_PROGRESS, 67)

    enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=optional.pk)
    assert (enrolment.status, enrolment.progress) == (Enrolment.Status.IN_PROGRESS, 67)
    assert enrolment.started_at == started_at

    enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=required[2].pk)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.progress) == (Enrolment.Status.COMPLETED, 100)
    assert enrolment.completed_at is not None
    assert enrolment.started_at == started_at


def test_optional_lessons_do_not_block_completion(agent):
    course = CourseFactory()
    required = LessonFactory(course=course, order=1)
    LessonFactory(course=course, order=2, required=False)
    services.course_publish(course=course, published_by=None)
    enrolment = enrolment_for(agent, course)

    enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=required.pk)

    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.progress == 100
    assert enrolment.completed_at is not None


def test_marking_a_lesson_done_twice_counts_it_once(agent):
    course = published_course(lessons=2)
    enrolment = enrolment_for(agent, course)
    first = lesson_ids(enrolment)[0]

    services.lesson_complete(enrolment=enrolment, lesson_id=first)
    enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=first)

    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1
    assert (enrolment.status, enrolment.progress) == (Enrolment.Status.IN_PROGRESS, 50)


def test_an_overdue_enrolment_can_still_be_completed(agent):
    enrolment = enrolment_for(agent, published_course(lessons=1))
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.OVERDUE)

    enrolment = complete_all(enrolment)

    assert enrolment.status == Enrolment.Status.COMPLETED


def test_a_lesson_outside_the_enrolled_version_is_refused(agent):
    course = published_course(lessons=1)
    enrolment = enrolment_for(agent, course)
    added_later = services.lesson_create(course=course, title_zh="新增课", body_zh="正文")
    elsewhere = LessonFactory(course=published_course(lessons=1))

    for lesson_id in (added_later.pk, elsewhere.pk):
        with pytest.raises(ValidationError) as excinfo:
            services.lesson_complete(enrolment=enrolment, lesson_id=lesson_id)
        assert excinfo.value.code == "lesson"

    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.NOT_STARTED

    enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=lesson_ids(enrolment)[0])
    assert enrolment.status == Enrolment.Status.COMPLETED


@pytest.mark.parametrize("close", ["withdraw", "complete"])
def test_a_closed_enrolment_takes_no_more_lessons(agent, close):
    course = CourseFactory()
    required = LessonFactory(course=course, order=1)
    optional = LessonFactory(course=course, order=2, required=False)
    services.course_publish(course=course, published_by=None)
    enrolment = enrolment_for(agent, course)
    if close == "withdraw":
        services.enrolment_withdraw(enrolment=enrolment)
    else:
        services.lesson_complete(enrolment=enrolment, lesson_id=required.pk)
    done_before = LessonProgress.objects.filter(enrolment=enrolment).count()

    with pytest.raises(ValidationError) as excinfo:
        services.lesson_complete(enrolment=enrolment, lesson_id=optional.pk)

    assert excinfo.value.code == "inactive"
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == done_before


def test_course_completed_is_sent_once_and_only_after_commit(
    agent, completions, django_capture_on_commit_callbacks
):
    enrolment = enrolment_for(agent, published_course(lessons=2))
    first, last = lesson_ids(enrolment)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.lesson_complete(enrolment=enrolment, lesson_id=first)
    assert callbacks == []
    assert completions == []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.lesson_complete(enrolment=enrolment, lesson_id=last)
        assert completions == []  # not before the transaction commits
    assert len(callbacks) == 1
    assert completions == [enrolment.pk]

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError),
    ):
        services.lesson_complete(enrolment=enrolment, lesson_id=last)
    assert completions == [enrolment.pk]


def test_course_completed_is_not_sent_when_the_transaction_rolls_back(
    agent, completions, django_capture_on_commit_callbacks
):
    enrolment = enrolment_for(agent, published_course(lessons=1))

    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        services.lesson_complete(enrolment=enrolment, lesson_id=lesson_ids(enrolment)[0])
        raise Abort

    assert callbacks == []
    assert completions == []
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.NOT_STARTED


def test_the_signal_carries_the_completed_enrolment(agent, django_capture_on_commit_callbacks):
    enrolment = enrolment_for(agent, published_course(lessons=1))
    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append((sender, enrolment.pk, enrolment.status, enrolment.agent_id))

    course_completed.connect(receiver, weak=False, dispatch_uid="test-signal-payload")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.lesson_complete(enrolment=enrolment, lesson_id=lesson_ids(enrolment)[0])
    finally:
        course_completed.disconnect(dispatch_uid="test-signal-payload")

    assert received == [(Enrolment, enrolment.pk, Enrolment.Status.COMPLETED, agent.pk)]


def test_an_unmet_completion_check_holds_completion_back(
    agent, completion_check, completions, django_capture_on_commit_callbacks
):
    enrolment = enrolment_for(agent, published_course(lessons=1))

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.lesson_complete(
            enrolment=enrolment, lesson_id=lesson_ids(enrolment)[0]
        )

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    assert enrolment.completed_at is None
    assert completion_check["seen"] == [enrolment.pk]
    assert completions == []

    completion_check["unmet"] = []
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrolment_complete_if_done(enrolment=enrolment)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert completions == [enrolment.pk]


def test_completion_check_registration_is_idempotent(completion_check):
    registered = hooks._completion_checks[-1]

    hooks.completion_check_register(registered)

    assert hooks._completion_checks.count(registered) == 1


# --- Learning paths ----------------------------------------------------------------------


def test_a_path_refuses_a_prerequisite_placed_after_its_dependent(trainer):
    basics = published_course(title_zh="平台后台基础")
    advanced = published_course(title_zh="复杂退款处理")
    services.course_update(course=advanced, prerequisites=[basics])

    with pytest.raises(ValidationError) as excinfo:
        services.learning_path_save(
            code="onboarding", title_zh="新人入职", courses=[advanced, basics], created_by=trainer
        )

    assert excinfo.value.code == "order"
    assert "复杂退款处理" in messages(excinfo)
    assert "平台后台基础" in messages(excinfo)
    assert not LearningPath.objects.filter(code="onboarding").exists()

    path = services.learning_path_save(
        code="onboarding", title_zh="新人入职", courses=[basics, advanced], created_by=trainer
    )

    assert list(path.steps.order_by("order").values_list("course_id", "order")) == [
        (basics.pk, 1),
        (advanced.pk, 2),
    ]
    assert path.created_by == trainer


def test_a_path_refuses_a_prerequisite_left_out(trainer):
    basics = published_course()
    advanced = published_course()
    services.course_update(course=advanced, prerequisites=[basics])

    with pytest.raises(ValidationError) as excinfo:
        services.learning_path_save(
            code="partial", title_zh="不完整", courses=[advanced], created_by=trainer
        )

    assert excinfo.value.code == "order"
    assert not LearningPath.objects.exists()


@pytest.mark.parametrize("shape", ["empty", "duplicate"])
def test_a_path_refuses_no_courses_and_duplicates(trainer, shape):
    course = published_course()
    courses = [] if shape == "empty" else [course, published_course(), course]

    with pytest.raises(ValidationError) as excinfo:
        services.learning_path_save(
            code="broken", title_zh="错误路径", courses=courses, created_by=trainer
        )

    assert excinfo.value.code == shape
    assert not LearningPath.objects.exists()
    assert not PathCourse.objects.exists()


def test_editing_a_path_replaces_its_steps_and_a_refused_edit_keeps_them(trainer):
    a, b, c = published_course(), published_course(), published_course()
    path = services.learning_path_save(
        code="onboarding", title_zh="新人入职", courses=[a, b], created_by=trainer
    )

    with pytest.raises(ValidationError):
        services.learning_path_save(
            code="onboarding", title_zh="新人入职", courses=[c, c], created_by=trainer, path=path
        )
    assert list(path.steps.values_list("course_id", flat=True)) == [a.pk, b.pk]

    services.learning_path_save(
        code="onboarding",
        title_zh="新人入职（30天）",
        courses=[c, a],
        created_by=trainer,
        path=path,
    )

    path.refresh_from_db()
    assert path.title_zh == "新人入职（30天）"
    assert list(path.steps.order_by("order").values_list("course_id", "order")) == [
        (c.pk, 1),
        (a.pk, 2),
    ]
    assert LearningPath.objects.count() == 1


_path_codes = itertools.count(1)


def make_path(*courses, published: bool = True) -> LearningPath:
    path = services.learning_path_save(
        code=f"onboarding-{next(_path_codes)}",
        title_zh="新人入职30天",
        courses=list(courses),
        created_by=None,
    )
    return services.learning_path_publish(path=path, published=published)


def test_assigning_a_path_to_a_team_enrols_everyone_in_path_order(clock, team, agent, hr):
    colleagues = [UserFactory(team=team, display_name=f"同事{i}") for i in range(2)]
    first, second, third = (published_course(title_zh=t) for t in ("后台", "退款", "物流"))
    services.course_update(course=second, prerequisites=[first])
    path = make_path(first, second, third)
    services.course_publish(course=third, published_by=None)  # version 2 of the third
    members = list(User.objects.filter(team=team, is_active=True))
    due = TODAY + datetime.timedelta(days=30)

    assignments = services.path_assign(
        path=path, agents=members, assigned_by=hr, due_on=due, team=team
    )

    assert {a.agent for a in assignments} == {agent, *colleagues}
    assert {(a.path, a.team, a.due_on, a.assigned_by) for a in assignments} == {
        (path, team, due, hr)
    }
    for assignment in assignments:
        rows = list(
            Enrolment.objects.filter(agent=assignment.agent)
            .order_by("path_order")
            .values_list(
                "course_id", "path_order", "source", "due_on", "assigned_by", "path_assignment"
            )
        )
        assert rows == [
            (course.pk, order, Enrolment.Source.PATH, due, hr.pk, assignment.pk)
            for order, course in enumerate([first, second, third], start=1)
        ]
    third_enrolment = Enrolment.objects.get(agent=agent, course=third)
    assert third_enrolment.version.number == 2

    # The second course stays locked until the first is done.
    second_enrolment = Enrolment.objects.get(agent=agent, course=second)
    with pytest.raises(ValidationError) as excinfo:
        services.lesson_complete(
            enrolment=second_enrolment, lesson_id=lesson_ids(second_enrolment)[0]
        )
    assert excinfo.value.code == "locked"
    complete_all(Enrolment.objects.get(agent=agent, course=first))
    second_enrolment = services.lesson_complete(
        enrolment=second_enrolment, lesson_id=lesson_ids(second_enrolment)[0]
    )
    assert second_enrolment.status == Enrolment.Status.IN_PROGRESS


def test_path_assignment_skips_courses_already_taken_or_completed(clock, agent, other_agent, hr):
    taking, done, withdrawn, fresh = (published_course() for _ in range(4))
    path = make_path(taking, done, withdrawn, fresh)
    active = enrolment_for(agent, taking, assigned_by=hr)
    completed = complete_all(enrolment_for(agent, done))
    services.enrolment_withdraw(enrolment=enrolment_for(agent, withdrawn))

    assignments = services.path_assign(
        path=path, agents=[agent, other_agent], assigned_by=hr, due_on=None
    )

    mine = next(a for a in assignments if a.agent == agent)
    assert set(mine.enrolments.values_list("course_id", "path_order")) == {
        (withdrawn.pk, 3),
        (fresh.pk, 4),
    }
    assert Enrolment.objects.filter(agent=agent, course=taking).get() == active
    assert Enrolment.objects.filter(agent=agent, course=done).get() == completed
    theirs = next(a for a in assignments if a.agent == other_agent)
    assert theirs.enrolments.count() == 4


def test_path_assignment_refusals_create_nothing(clock, agent, hr):
    draft_course = CourseFactory()
    LessonFactory(course=draft_course)
    ready = published_course()
    unpublished_path = make_path(ready, published=False)

    with pytest.raises(ValidationError) as excinfo:
        services.path_assign(path=unpublished_path, agents=[agent], assigned_by=hr, due_on=None)
    assert excinfo.value.code == "unpublished"

    path = make_path(ready)
    # A path whose course was archived after the path was built.
    services.course_archive(course=ready)
    with pytest.raises(ValidationError) as excinfo:
        services.path_assign(path=path, agents=[agent], assigned_by=hr, due_on=None)
    assert excinfo.value.code == "unpublished_course"
    assert ready.title_zh in messages(excinfo)

    services.course_publish(course=ready, published_by=None)
    with pytest.raises(ValidationError) as excinfo:
        services.path_assign(
            path=path,
            agents=[agent],
            assigned_by=hr,
            due_on=TODAY - datetime.timedelta(days=1),
        )
    assert excinfo.value.code == "due_past"

    with pytest.raises(ValidationError) as excinfo:
        services.path_assign(path=path, agents=[], assigned_by=hr, due_on=None)
    assert excinfo.value.code == "nobody"

    assert not PathAssignment.objects.exists()
    assert not Enrolment.objects.exists()

    services.path_assign(path=path, agents=[agent], assigned_by=hr, due_on=TODAY)
    assert Enrolment.objects.filter(agent=agent, course=ready, due_on=TODAY).exists()


def test_path_assignment_never_enrols_an_inactive_person(clock, team, agent, hr):
    """A team can keep people who have left; they must not receive new work.

    enrolment_create refuses inactive people; a path must not be a way around that
    (refusing the whole assignment or skipping the person are both acceptable).
    """
    departed = UserFactory(team=team, is_active=False)
    path = make_path(published_course())

    with contextlib.suppress(ValidationError):
        services.path_assign(path=path, agents=[agent, departed], assigned_by=hr, due_on=None)

    assert not Enrolment.objects.filter(agent=departed).exists()
    assert not PathAssignment.objects.filter(agent=departed).exists()


def test_path_assignment_to_a_person_listed_twice_enrols_them_once(clock, agent, hr):
    """A person chosen individually and again through their team: no IntegrityError."""
    path = make_path(published_course(), published_course())

    try:
        services.path_assign(path=path, agents=[agent, agent], assigned_by=hr, due_on=None)
    except ValidationError:
        assert not Enrolment.objects.filter(agent=agent).exists()
    else:
        assert Enrolment.objects.filter(agent=agent).count() == 2


# --- Assigning to people and teams (pages and API alike) ---------------------------------


def test_assignees_are_the_teams_active_members_and_the_others_once_with_the_refused(
    team, agent, mentor, team_lead, other_agent, hr
):
    UserFactory(team=team, is_active=False, display_name="已离职")

    by_lead = permissions.assignees_for(
        team_lead, team=team, people=[agent, other_agent, other_agent]
    )

    # The lead is not their own assignee; someone named and in the team counts once.
    assert set(by_lead.members) == {agent, mentor}
    assert by_lead.others == [other_agent]
    assert by_lead.refused == [other_agent]  # another team's agent
    assert by_lead.everyone == [*by_lead.members, other_agent]

    by_hr = permissions.assignees_for(hr, team=None, people=[other_agent, agent])
    assert (by_hr.members, by_hr.others, by_hr.refused) == ([], [other_agent, agent], [])


def test_a_path_assigned_to_a_team_and_people_records_the_team_for_its_members_only(
    clock, team, agent, mentor, team_lead, other_agent, hr
):
    path = make_path(published_course(), published_course())

    assignments = services.path_assign_to_people(
        path=path, assigned_by=hr, team=team, people=[agent, other_agent], due_on=TODAY
    )

    assert {(a.agent, a.team, a.assigned_by, a.due_on) for a in assignments} == {
        (agent, team, hr, TODAY),
        (mentor, team, hr, TODAY),
        (team_lead, team, hr, TODAY),
        (other_agent, None, hr, TODAY),
    }
    assert PathAssignment.objects.count() == 4
    assert Enrolment.objects.filter(path_assignment__in=assignments).count() == 8


def test_a_path_assignment_reaching_someone_not_assignable_names_them_and_creates_nothing(
    clock, team, agent, mentor, team_lead, other_agent
):
    path = make_path(published_course())

    with pytest.raises(ValidationError) as excinfo:
        services.path_assign_to_people(path=path, assigned_by=mentor, people=[agent, other_agent])
    assert [e.code for e in excinfo.value.error_dict["people"]] == ["not_assignable"]
    assert other_agent.display_name in messages(excinfo)
    assert agent.display_name not in messages(excinfo)

    # A mentor's team holds people who are not their mentees (the lead).
    with pytest.raises(ValidationError) as excinfo:
        services.path_assign_to_people(path=path, assigned_by=mentor, team=team)
    assert team_lead.display_name in messages(excinfo)

    with pytest.raises(ValidationError) as excinfo:
        services.path_assign_to_people(path=path, assigned_by=mentor)
    assert excinfo.value.code == "nobody"
    assert not PathAssignment.objects.exists()
    assert not Enrolment.objects.exists()

    [assignment] = services.path_assign_to_people(path=path, assigned_by=mentor, people=[agent])
    assert (assignment.agent, assignment.team, assignment.assigned_by) == (agent, None, mentor)
    assert Enrolment.objects.get(agent=agent).path_assignment == assignment


def test_a_course_assigned_to_a_team_enrols_each_member_on_their_own(
    clock, team, agent, mentor, team_lead, other_agent, hr
):
    course = published_course()
    taking = enrolment_for(agent, course)

    result = services.course_assign_to_people(
        course=course, assigned_by=team_lead, team=team, due_on=TODAY
    )

    assert (result.enrolled, result.already, result.failed) == ([mentor], [agent], [])
    assert Enrolment.objects.get(agent=agent, course=course) == taking
    enrolment = Enrolment.objects.get(agent=mentor, course=course)
    assert (enrolment.source, enrolment.assigned_by, enrolment.due_on) == (
        Enrolment.Source.TEAM_LEAD,
        team_lead,
        TODAY,
    )

    late = services.course_assign_to_people(
        course=course, assigned_by=hr, people=[other_agent], due_on=TODAY - datetime.timedelta(1)
    )
    assert (late.enrolled, late.already) == ([], [])
    assert [(person, bool(reason)) for person, reason in late.failed] == [(other_agent, True)]
    assert not Enrolment.objects.filter(agent=other_agent).exists()

    by_hr = services.course_assign_to_people(course=course, assigned_by=hr, people=[other_agent])
    assert by_hr.enrolled == [other_agent]
    assert Enrolment.objects.get(agent=other_agent).source == Enrolment.Source.HR


def test_a_course_assignment_reaching_someone_not_assignable_enrols_nobody(
    clock, agent, mentor, other_agent
):
    course = published_course()

    with pytest.raises(ValidationError) as excinfo:
        services.course_assign_to_people(
            course=course, assigned_by=mentor, people=[agent, other_agent]
        )

    assert [e.code for e in excinfo.value.error_dict["people"]] == ["not_assignable"]
    assert other_agent.display_name in messages(excinfo)
    assert not Enrolment.objects.exists()

    result = services.course_assign_to_people(course=course, assigned_by=mentor, people=[agent])
    assert result.enrolled == [agent]
    assert Enrolment.objects.get().source == Enrolment.Source.MENTOR


# --- Sessions ----------------------------------------------------------------------------


def published_workshop(**fields) -> Course:
    fields.setdefault("delivery_mode", "workshop")
    fields.setdefault("completes_on_attendance", True)
    course = CourseFactory(**fields)
    services.course_publish(course=course, published_by=None)
    return course


def upcoming_session(**fields) -> CourseSession:
    fields.setdefault("course", published_workshop())
    return CourseSessionFactory(**fields)


def past_session(**fields) -> CourseSession:
    """A session that has started (attendance can be taken)."""
    start = timezone.now() - datetime.timedelta(hours=2)
    fields.setdefault("course", published_workshop())
    return CourseSessionFactory(
        starts_at=start, ends_at=start + datetime.timedelta(hours=3), **fields
    )


def session_fields(trainer, **overrides):
    start = datetime.datetime(2030, 4, 1, 1, 0, tzinfo=datetime.UTC)
    fields = {
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=3),
        "location": "杭州客服中心 2号培训室",
        "capacity": 12,
        "instructor": trainer,
    }
    return {**fields, **overrides}


def test_session_save_refuses_courses_without_sessions(trainer):
    online = published_course(delivery_mode="online")

    with pytest.raises(ValidationError) as excinfo:
        services.session_save(course=online, **session_fields(trainer))

    assert excinfo.value.code == "delivery_mode"
    assert not CourseSession.objects.exists()


@pytest.mark.parametrize("mode", ["workshop", "live"])
def test_session_save_creates_sessions_for_live_and_workshop_courses(trainer, mode):
    course = published_workshop(delivery_mode=mode)
    extra = {"location": "", "online_url": "https://meet.example.com/abc"} if mode == "live" else {}

    session = services.session_save(course=course, **session_fields(trainer, **extra))

    session.refresh_from_db()
    assert (session.course, session.capacity, session.instructor) == (course, 12, trainer)


@pytest.mark.parametrize("hours", [0, -1])
def test_session_save_refuses_an_end_not_after_the_start(trainer, hours):
    course = published_workshop()
    start = datetime.datetime(2030, 4, 1, 1, 0, tzinfo=datetime.UTC)

    with pytest.raises(ValidationError):
        services.session_save(
            course=course,
            **session_fields(
                trainer, starts_at=start, ends_at=start + datetime.timedelta(hours=hours)
            ),
        )

    assert not CourseSession.objects.exists()


def test_session_save_needs_a_place_or_a_link(trainer):
    course = published_workshop()

    with pytest.raises(ValidationError) as excinfo:
        services.session_save(course=course, **session_fields(trainer, location=""))

    assert excinfo.value.code == "where"
    assert not CourseSession.objects.exists()


def test_session_capacity_cannot_drop_below_the_people_registered(trainer):
    course = published_workshop()
    session = services.session_save(course=course, **session_fields(trainer, capacity=5))
    for _ in range(3):
        SessionRegistrationFactory(session=session)
    SessionRegistrationFactory(session=session, status=SessionRegistration.Status.WAITLISTED)

    with pytest.raises(ValidationError) as excinfo:
        services.session_save(
            course=course, session=CourseSession.objects.get(pk=session.pk), capacity=2
        )

    assert excinfo.value.code == "capacity"
    session.refresh_from_db()
    assert session.capacity == 5

    services.session_save(course=course, session=session, capacity=3)
    session.refresh_from_db()
    assert session.capacity == 3


def test_registration_fills_the_seats_then_the_waiting_list(team):
    session = upcoming_session(capacity=2)
    people = [UserFactory(team=team) for _ in range(3)]

    registrations = [services.session_register(session=session, agent=p) for p in people]

    assert [r.status for r in registrations] == [
        SessionRegistration.Status.REGISTERED,
        SessionRegistration.Status.REGISTERED,
        SessionRegistration.Status.WAITLISTED,
    ]
    assert [r.agent for r in registrations] == people


def test_registering_enrols_the_person_who_was_not_enrolled(agent, hr):
    session = upcoming_session()

    services.session_register(session=session, agent=agent)

    enrolment = Enrolment.objects.get(agent=agent, course=session.course)
    assert (enrolment.source, enrolment.assigned_by) == (Enrolment.Source.SELF, agent)
    assert enrolment.status == Enrolment.Status.NOT_STARTED


def test_registering_keeps_an_existing_enrolment(agent, hr):
    session = upcoming_session()
    assigned = enrolment_for(agent, session.course, assigned_by=hr)

    services.session_register(session=session, agent=agent)

    assert list(Enrolment.objects.filter(agent=agent)) == [assigned]


def test_registering_without_the_prerequisites_is_refused_and_saves_nothing(agent):
    basics = published_course(title_zh="情绪自我调节")
    course = CourseFactory(delivery_mode="workshop", completes_on_attendance=True)
    services.course_update(course=course, prerequisites=[basics])
    services.course_publish(course=course, published_by=None)
    session = CourseSessionFactory(course=course)

    with pytest.raises(ValidationError) as excinfo:
        services.session_register(session=session, agent=agent)

    assert excinfo.value.code == "prerequisites"
    assert "情绪自我调节" in messages(excinfo)
    assert not SessionRegistration.objects.exists()
    assert not Enrolment.objects.filter(agent=agent).exists()


def test_registering_twice_or_for_a_cancelled_or_started_session_is_refused(agent):
    session = upcoming_session()
    services.session_register(session=session, agent=agent)

    with pytest.raises(ValidationError) as excinfo:
        services.session_register(session=session, agent=agent)
    assert excinfo.value.code == "twice"

    cancelled = upcoming_session(is_cancelled=True)
    with pytest.raises(ValidationError) as excinfo:
        services.session_register(session=cancelled, agent=agent)
    assert excinfo.value.code == "cancelled"

    started = past_session()
    with pytest.raises(ValidationError) as excinfo:
        services.session_register(session=started, agent=agent)
    assert excinfo.value.code == "started"

    assert SessionRegistration.objects.filter(agent=agent).count() == 1


def test_a_freed_seat_goes_to_the_earliest_waiting_person_who_is_told(team):
    session = upcoming_session(capacity=1)
    holder, first_waiting, second_waiting = (UserFactory(team=team) for _ in range(3))
    seat = services.session_register(session=session, agent=holder)
    waiting = services.session_register(session=session, agent=first_waiting)
    later = services.session_register(session=session, agent=second_waiting)

    services.session_registration_cancel(registration=seat)

    seat.refresh_from_db()
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert seat.status == SessionRegistration.Status.CANCELLED
    assert waiting.status == SessionRegistration.Status.REGISTERED
    assert later.status == SessionRegistration.Status.WAITLISTED
    assert list(Notification.objects.values_list("recipient", "key")) == [
        (first_waiting.pk, f"session-seat:{waiting.pk}")
    ]


def test_giving_up_a_waiting_place_promotes_nobody(team):
    session = upcoming_session(capacity=1)
    holder, waiting_person, other = (UserFactory(team=team) for _ in range(3))
    services.session_register(session=session, agent=holder)
    waiting = services.session_register(session=session, agent=waiting_person)
    last = services.session_register(session=session, agent=other)

    services.session_registration_cancel(registration=waiting)

    last.refresh_from_db()
    assert last.status == SessionRegistration.Status.WAITLISTED
    assert not Notification.objects.exists()
    with pytest.raises(ValidationError) as excinfo:
        services.session_registration_cancel(registration=waiting)
    assert excinfo.value.code == "cancelled"


def test_a_cancelled_place_can_be_taken_again(agent):
    session = upcoming_session(capacity=1)
    first = services.session_register(session=session, agent=agent)
    services.session_registration_cancel(registration=first)

    again = services.session_register(session=session, agent=agent)

    assert again.pk != first.pk
    assert again.status == SessionRegistration.Status.REGISTERED


def test_cancelling_a_session_tells_everyone_registered_or_waiting(team):
    session = upcoming_session(capacity=1)
    seated, waiting, gone = (UserFactory(team=team) for _ in range(3))
    services.session_register(session=session, agent=seated)
    services.session_register(session=session, agent=waiting)
    services.session_registration_cancel(
        registration=services.session_register(session=session, agent=gone)
    )

    services.session_cancel(session=session)

    session.refresh_from_db()
    assert session.is_cancelled
    assert set(Notification.objects.values_list("recipient", "key")) == {
        (seated.pk, f"session-cancelled:{session.pk}"),
        (waiting.pk, f"session-cancelled:{session.pk}"),
    }
    with pytest.raises(ValidationError) as excinfo:
        services.session_cancel(session=session)
    assert excinfo.value.code == "cancelled"
    assert Notification.objects.count() == 2


def test_attendance_is_taken_only_for_registered_people(agent, trainer, team):
    session = past_session(capacity=1)
    waiting = SessionRegistrationFactory(
        session=session, agent=UserFactory(team=team), status=SessionRegistration.Status.WAITLISTED
    )
    seated = SessionRegistrationFactory(session=session, agent=agent)
    enrolment_for(agent, session.course)

    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(registration=waiting, attendance="present", taken_by=trainer)
    assert excinfo.value.code == "not_registered"
    waiting.refresh_from_db()
    assert waiting.attendance == ""

    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(registration=seated, attendance="late", taken_by=trainer)
    assert excinfo.value.code == "attendance"

    services.attendance_record(registration=seated, attendance="excused", taken_by=trainer)
    seated.refresh_from_db()
    assert (seated.attendance, seated.attendance_by) == ("excused", trainer)
    assert seated.attendance_at is not None


def test_attendance_waits_for_the_session_to_start(agent, trainer):
    session = upcoming_session()
    registration = services.session_register(session=session, agent=agent)

    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(
            registration=registration, attendance="present", taken_by=trainer
        )

    assert excinfo.value.code == "not_started"
    registration.refresh_from_db()
    assert registration.attendance == ""
    assert Enrolment.objects.get(agent=agent).status == Enrolment.Status.NOT_STARTED


def test_being_present_completes_a_course_that_attendance_completes(
    agent, other_agent, trainer, completions, django_capture_on_commit_callbacks
):
    session = past_session()
    present = SessionRegistrationFactory(session=session, agent=agent)
    absent = SessionRegistrationFactory(session=session, agent=other_agent)
    present_enrolment = enrolment_for(agent, session.course)
    absent_enrolment = enrolment_for(other_agent, session.course)

    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(registration=absent, attendance="absent", taken_by=trainer)
        services.attendance_record(registration=present, attendance="present", taken_by=trainer)

    present_enrolment.refresh_from_db()
    absent_enrolment.refresh_from_db()
    assert present_enrolment.status == Enrolment.Status.COMPLETED
    assert present_enrolment.completed_at is not None
    assert absent_enrolment.status == Enrolment.Status.NOT_STARTED
    assert completions == [present_enrolment.pk]


def test_being_present_does_not_complete_a_course_with_lessons_to_do(agent, trainer):
    course = CourseFactory(delivery_mode="live", completes_on_attendance=False)
    LessonFactory(course=course)
    services.course_publish(course=course, published_by=None)
    session = past_session(course=course, location="", online_url="https://meet.example.com/x")
    registration = SessionRegistrationFactory(session=session, agent=agent)
    enrolment = enrolment_for(agent, course)

    services.attendance_record(registration=registration, attendance="present", taken_by=trainer)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.NOT_STARTED


# --- Recommendations -----------------------------------------------------------------


@pytest.fixture
def gap(agent, hr):
    """The agent's position asks for advanced empathy; they have basic."""
    empathy = CompetencyFactory(name_zh="倾听与共情")
    profile = PositionProfileFactory(name_zh="高级客服")
    PositionRequirementFactory(profile=profile, competency=empathy, level=Level.ADVANCED)
    agent.position = profile
    agent.save(update_fields=["position"])
    level_up(agent, empathy, Level.BASIC, recorded_by=hr)
    return empathy


def targeting(competency, level, *, tier="entry", code, **fields) -> Course:
    course = published_course(tier=tier, code=code, **fields)
    services.course_targets_set(course=course, targets=[(competency, level)])
    return course


def recommended(agent) -> list[str]:
    return [r.course.code for r in selectors.recommendations_for(agent)]


def test_a_course_building_a_gap_competency_above_the_current_level_is_recommended(agent, gap):
    closing = targeting(gap, Level.ADVANCED, code="empathy-advanced")
    targeting(gap, Level.BASIC, code="empathy-basic")  # the agent already has basic
    unrelated = CompetencyFactory()
    targeting(unrelated, Level.EXPERT, code="unrelated")
    draft = CourseFactory(code="empathy-draft")
    LessonFactory(course=draft)
    services.course_targets_set(course=draft, targets=[(gap, Level.EXPERT)])

    recommendations = selectors.recommendations_for(agent)

    assert [r.course for r in recommendations] == [closing]
    assert recommendations[0].closes == ["倾听与共情"]


@pytest.mark.parametrize(
    "state", [Enrolment.Status.NOT_STARTED, Enrolment.Status.OVERDUE, Enrolment.Status.COMPLETED]
)
def test_a_course_the_agent_already_has_is_not_recommended(agent, gap, state):
    course = targeting(gap, Level.ADVANCED, code="empathy-advanced")
    enrolment = enrolment_for(agent, course)
    if state == Enrolment.Status.COMPLETED:
        complete_all(enrolment)
    else:
        Enrolment.objects.filter(pk=enrolment.pk).update(status=state)

    assert recommended(agent) == []


def test_a_withdrawn_course_is_recommended_again(agent, gap):
    course = targeting(gap, Level.ADVANCED, code="empathy-advanced")
    services.enrolment_withdraw(enrolment=enrolment_for(agent, course))

    assert recommended(agent) == ["empathy-advanced"]


def test_a_course_with_unmet_prerequisites_is_not_recommended_until_they_are_met(agent, gap, hr):
    basics = published_course(code="basics")
    negotiation = CompetencyFactory()
    by_course = targeting(gap, Level.ADVANCED, code="needs-course")
    services.course_update(course=by_course, prerequisites=[basics])
    by_level = targeting(gap, Level.ADVANCED, code="needs-level")
    services.course_level_prerequisites_set(course=by_level, rules=[(negotiation, Level.BASIC)])

    assert recommended(agent) == []

    complete_all(enrolment_for(agent, basics))
    assert recommended(agent) == ["needs-course"]

    level_up(agent, negotiation, Level.BASIC, recorded_by=hr)
    assert recommended(agent) == ["needs-course", "needs-level"]


def test_recommendations_come_lowest_tier_first(agent, gap):
    targeting(gap, Level.EXPERT, tier="expert", code="a-expert")
    targeting(gap, Level.ADVANCED, tier="advanced", code="b-advanced")
    targeting(gap, Level.ADVANCED, tier="entry", code="c-entry")

    assert recommended(agent) == ["c-entry", "b-advanced", "a-expert"]


def test_no_position_profile_means_no_recommendations(agent, gap):
    targeting(gap, Level.ADVANCED, code="empathy-advanced")
    assert recommended(agent) == ["empathy-advanced"]

    agent.position = None
    agent.save(update_fields=["position"])

    assert selectors.recommendations_for(agent) == []


def test_meeting_the_profile_means_no_recommendations(agent, gap, hr):
    targeting(gap, Level.EXPERT, code="empathy-expert")

    level_up(agent, gap, Level.ADVANCED, recorded_by=hr)

    assert recommended(agent) == []
