"""Daily and hourly tasks: overdue work, due-date and session reminders, e-mails.

The Celery tasks run eagerly in tests (no broker). Notifications e-mail on commit, so
each run sits in ``django_capture_on_commit_callbacks(execute=True)``: the e-mail task
then runs as it would after the real commit. Time is a controllable clock.
"""

import datetime
import zoneinfo
from unittest.mock import patch

import pytest
from django.core import mail

from courses import services, tasks
from courses.models import Enrolment, SessionRegistration
from lms import tasks as lms_tasks
from lms.models import Notification, Role
from lms.services import notification_send
from tests.courses.factories import (
    CourseFactory,
    CourseSessionFactory,
    enrolment_for,
    published_course,
)
from tests.lms.factories import UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2030, 3, 10)
DAY = datetime.timedelta(days=1)


class Clock:
    """What ``timezone.now()`` answers while the fixture is active."""

    def __init__(self, moment: datetime.datetime):
        self.moment = moment

    def now(self) -> datetime.datetime:
        return self.moment

    def go_to(self, day: datetime.date, hour: int = 10) -> None:
        self.moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    clock = Clock(datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=SHANGHAI))
    with patch("django.utils.timezone.now", side_effect=clock.now):
        yield clock


@pytest.fixture
def people(team):
    """An agent and the HR person who assigns their work, both with e-mail addresses."""
    agent = UserFactory(team=team, display_name="王雨桐", email="yutong@shop.example")
    hr = UserFactory(team=None, display_name="刘人事", email="hr@shop.example", roles=[Role.HR])
    return agent, hr


def run(task, django_capture_on_commit_callbacks):
    """Run a task eagerly, then what it scheduled on commit (the e-mails)."""
    with django_capture_on_commit_callbacks(execute=True):
        result = task.delay()
    return result.get()


def keys_of(person) -> list[str]:
    return sorted(Notification.objects.filter(recipient=person).values_list("key", flat=True))


# --- Overdue ---------------------------------------------------------------------------


def test_overdue_task_marks_only_past_due_open_work_and_tells_agent_and_assigner(
    clock, people, django_capture_on_commit_callbacks
):
    agent, hr = people
    course = published_course(title_zh="退换货流程")

    def assigned(due_on, **kwargs):
        return enrolment_for(agent, published_course(), assigned_by=hr, due_on=due_on, **kwargs)

    late = enrolment_for(agent, course, assigned_by=hr, due_on=TODAY + DAY)
    late_started = assigned(TODAY + DAY)
    first_lesson = late_started.version.snapshot["lessons"][0]["id"]
    late_started = services.lesson_complete(enrolment=late_started, lesson_id=first_lesson)
    due_today = assigned(TODAY + 3 * DAY)
    due_later = assigned(TODAY + 10 * DAY)
    no_due_date = assigned(None)
    finished = assigned(TODAY + DAY)
    for lesson in finished.version.snapshot["lessons"]:
        finished = services.lesson_complete(enrolment=finished, lesson_id=lesson["id"])
    withdrawn = services.enrolment_withdraw(enrolment=assigned(TODAY + DAY))
    mail.outbox.clear()

    clock.go_to(TODAY + 3 * DAY)
    marked = run(tasks.enrolments_mark_overdue, django_capture_on_commit_callbacks)

    assert marked == 2
    status = dict(Enrolment.objects.values_list("pk", "status"))
    assert status[late.pk] == Enrolment.Status.OVERDUE
    assert status[late_started.pk] == Enrolment.Status.OVERDUE
    assert status[due_today.pk] == Enrolment.Status.NOT_STARTED
    assert status[due_later.pk] == Enrolment.Status.NOT_STARTED
    assert status[no_due_date.pk] == Enrolment.Status.NOT_STARTED
    assert status[finished.pk] == Enrolment.Status.COMPLETED
    assert status[withdrawn.pk] == Enrolment.Status.WITHDRAWN

    expected = sorted([f"enrolment-overdue:{late.pk}", f"enrolment-overdue:{late_started.pk}"])
    assert keys_of(agent) == expected
    assert keys_of(hr) == expected
    to_hr = Notification.objects.get(recipient=hr, key=f"enrolment-overdue:{late.pk}")
    assert "王雨桐" in to_hr.subject
    assert "退换货流程" in to_hr.subject
    to_agent = Notification.objects.get(recipient=agent, key=f"enrolment-overdue:{late.pk}")
    assert "退换货流程" in to_agent.subject
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["yutong@shop.example"] * 2 + ["hr@shop.example"] * 2
    )
    assert {m.subject for m in mail.outbox} == set(
        Notification.objects.values_list("subject", flat=True)
    )
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_running_the_overdue_task_twice_notifies_and_mails_once(
    clock, people, django_capture_on_commit_callbacks
):
    agent, hr = people
    late = enrolment_for(agent, published_course(), assigned_by=hr, due_on=TODAY + DAY)

    clock.go_to(TODAY + 2 * DAY)
    assert run(tasks.enrolments_mark_overdue, django_capture_on_commit_callbacks) == 1
    notifications = list(Notification.objects.values_list("pk", "recipient", "emailed_at"))
    sent = len(mail.outbox)
    assert sent == 2

    clock.go_to(TODAY + 3 * DAY)
    assert run(tasks.enrolments_mark_overdue, django_capture_on_commit_callbacks) == 0

    assert list(Notification.objects.values_list("pk", "recipient", "emailed_at")) == notifications
    assert len(mail.outbox) == sent
    late.refresh_from_db()
    assert late.status == Enrolment.Status.OVERDUE


def test_overdue_work_assigned_by_oneself_or_nobody_tells_only_the_agent(
    clock, people, django_capture_on_commit_callbacks
):
    agent, _hr = people
    by_self = services.enrolment_create(
        agent=agent,
        course=published_course(),
        source=Enrolment.Source.SELF,
        assigned_by=agent,
        due_on=TODAY,
    )
    by_nobody = enrolment_for(agent, published_course(), assigned_by=None, due_on=TODAY)

    clock.go_to(TODAY + DAY)
    assert run(tasks.enrolments_mark_overdue, django_capture_on_commit_callbacks) == 2

    assert list(Notification.objects.values_list("recipient", flat=True)) == [agent.pk] * 2
    assert keys_of(agent) == sorted(
        [f"enrolment-overdue:{by_self.pk}", f"enrolment-overdue:{by_nobody.pk}"]
    )
    assert [m.to for m in mail.outbox] == [["yutong@shop.example"]] * 2


def test_people_without_e_mail_get_the_notification_only(
    clock, agent, hr, django_capture_on_commit_callbacks
):
    assert agent.email == "" and hr.email == ""
    late = enrolment_for(agent, published_course(), assigned_by=hr, due_on=TODAY)

    clock.go_to(TODAY + DAY)
    assert run(tasks.enrolments_mark_overdue, django_capture_on_commit_callbacks) == 1

    assert keys_of(agent) == [f"enrolment-overdue:{late.pk}"]
    assert keys_of(hr) == [f"enrolment-overdue:{late.pk}"]
    assert mail.outbox == []


def test_the_overdue_service_takes_an_explicit_day(clock, people):
    agent, hr = people
    late = enrolment_for(agent, published_course(), assigned_by=hr, due_on=TODAY + 5 * DAY)

    assert services.enrolments_mark_overdue(today=TODAY + 5 * DAY) == 0
    assert services.enrolments_mark_overdue(today=TODAY + 6 * DAY) == 1
    assert services.enrolments_mark_overdue(today=TODAY + 7 * DAY) == 0

    late.refresh_from_db()
    assert late.status == Enrolment.Status.OVERDUE
    assert Notification.objects.count() == 2


# --- Due-date reminders --------------------------------------------------------------


def test_due_reminders_go_out_once_for_work_due_soon(
    clock, people, django_capture_on_commit_callbacks
):
    agent, hr = people
    course = published_course(title_zh="物流查询")
    soon = enrolment_for(agent, course, assigned_by=hr, due_on=TODAY + 3 * DAY)
    today = enrolment_for(agent, published_course(), assigned_by=hr, due_on=TODAY)
    later = enrolment_for(agent, published_course(), assigned_by=hr, due_on=TODAY + 4 * DAY)
    enrolment_for(agent, published_course(), assigned_by=hr, due_on=None)
    withdrawn = enrolment_for(agent, published_course(), assigned_by=hr, due_on=TODAY + DAY)
    services.enrolment_withdraw(enrolment=withdrawn)

    assert run(tasks.due_reminders_send, django_capture_on_commit_callbacks) == 2

    first_keys = sorted(
        [
            f"enrolment-due:{soon.pk}:{(TODAY + 3 * DAY).isoformat()}",
            f"enrolment-due:{today.pk}:{TODAY.isoformat()}",
        ]
    )
    assert keys_of(agent) == first_keys
    assert keys_of(hr) == []
    reminder = Notification.objects.get(key__startswith=f"enrolment-due:{soon.pk}:")
    assert "物流查询" in reminder.subject
    assert [m.to for m in mail.outbox] == [["yutong@shop.example"]] * 2

    clock.moment += datetime.timedelta(hours=2)
    assert run(tasks.due_reminders_send, django_capture_on_commit_callbacks) == 0
    assert keys_of(agent) == first_keys
    assert len(mail.outbox) == 2

    # The next day only the work that has come within reach is reminded.
    clock.go_to(TODAY + DAY)
    assert run(tasks.due_reminders_send, django_capture_on_commit_callbacks) == 1
    assert keys_of(agent) == sorted(
        [*first_keys, f"enrolment-due:{later.pk}:{(TODAY + 4 * DAY).isoformat()}"]
    )
    assert len(mail.outbox) == 3


def test_a_moved_due_date_is_reminded_again(clock, people, django_capture_on_commit_callbacks):
    agent, hr = people
    enrolment = enrolment_for(agent, published_course(), assigned_by=hr, due_on=TODAY + DAY)
    assert run(tasks.due_reminders_send, django_capture_on_commit_callbacks) == 1

    Enrolment.objects.filter(pk=enrolment.pk).update(due_on=TODAY + 2 * DAY)

    assert run(tasks.due_reminders_send, django_capture_on_commit_callbacks) == 1
    assert Notification.objects.filter(recipient=agent).count() == 2
    assert len(mail.outbox) == 2


def test_the_reminder_service_takes_an_explicit_day_and_window(clock, people):
    agent, hr = people
    enrolment_for(agent, published_course(), assigned_by=hr, due_on=TODAY + 10 * DAY)

    assert services.due_reminders_send(today=TODAY, days_before=3) == 0
    assert services.due_reminders_send(today=TODAY + 7 * DAY, days_before=3) == 1
    assert services.due_reminders_send(today=TODAY + 8 * DAY, days_before=3) == 0
    assert Notification.objects.filter(recipient=agent).count() == 1


# --- Session reminders ---------------------------------------------------------------


@pytest.fixture
def workshop(clock):
    course = CourseFactory(
        title_zh="投诉降级工作坊", delivery_mode="workshop", completes_on_attendance=True
    )
    services.course_publish(course=course, published_by=None)
    return course


def test_session_reminders_go_to_registered_people_once(
    clock, people, team, workshop, django_capture_on_commit_callbacks
):
    agent, _hr = people
    waiting = UserFactory(team=team, email="waiting@shop.example")
    starts = clock.now() + datetime.timedelta(hours=20)
    soon = CourseSessionFactory(
        course=workshop,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=1,
        location="上海总部 3楼培训室",
    )
    later = CourseSessionFactory(
        course=workshop,
        starts_at=starts + datetime.timedelta(days=3),
        ends_at=starts + datetime.timedelta(days=3, hours=3),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_register(session=soon, agent=agent)
        on_list = services.session_register(session=soon, agent=waiting)
        services.session_register(session=later, agent=waiting)
    assert on_list.status == SessionRegistration.Status.WAITLISTED
    mail.outbox.clear()

    assert run(tasks.session_reminders_send, django_capture_on_commit_callbacks) == 1

    reminder = Notification.objects.get()
    soon.refresh_from_db()  # the key is written from the stored (UTC) time
    assert (reminder.recipient, reminder.key) == (
        agent,
        f"session-reminder:{soon.pk}:{soon.starts_at.isoformat()}",
    )
    assert "投诉降级工作坊" in reminder.subject
    assert reminder.body == "上海总部 3楼培训室"
    # The time shown is the agent's own (Shanghai here), not UTC.
    local = starts.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert local in reminder.subject
    assert [m.to for m in mail.outbox] == [["yutong@shop.example"]]

    clock.moment += datetime.timedelta(hours=1)
    assert run(tasks.session_reminders_send, django_capture_on_commit_callbacks) == 0
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_cancelled_and_started_sessions_are_not_reminded(
    clock, people, workshop, django_capture_on_commit_callbacks
):
    agent, _hr = people
    starts = clock.now() + datetime.timedelta(hours=5)
    cancelled = CourseSessionFactory(
        course=workshop, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    services.session_register(session=cancelled, agent=agent)
    Notification.objects.all().delete()
    cancelled.is_cancelled = True
    cancelled.save(update_fields=["is_cancelled"])

    assert services.session_reminders_send(now=clock.now()) == 0
    cancelled.is_cancelled = False
    cancelled.save(update_fields=["is_cancelled"])
    assert services.session_reminders_send(now=starts + datetime.timedelta(minutes=1)) == 0
    assert services.session_reminders_send(now=starts - datetime.timedelta(hours=25)) == 0
    assert not Notification.objects.exists()

    assert services.session_reminders_send(now=starts - datetime.timedelta(hours=24)) == 1
    assert services.session_reminders_send(now=starts - datetime.timedelta(hours=2)) == 0
    assert Notification.objects.count() == 1


# --- Notification e-mail -------------------------------------------------------------


def test_a_notification_is_e_mailed_at_most_once(people, django_capture_on_commit_callbacks):
    agent, _hr = people
    with django_capture_on_commit_callbacks(execute=True):
        notification, created = notification_send(
            recipient=agent, key="test:1", subject="您有新的学习任务", url="/learning/"
        )
    assert created
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["yutong@shop.example"], "您有新的学习任务")
    ]
    assert "/learning/" in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None

    again = lms_tasks.notification_email.delay(notification.pk)
    assert again.get() is False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _same, created = notification_send(recipient=agent, key="test:1", subject="再次")
    assert not created
    assert callbacks == []
    assert len(mail.outbox) == 1


def test_a_notification_to_someone_without_e_mail_is_not_sent(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification, _created = notification_send(recipient=agent, key="test:2", subject="提醒")

    assert callbacks == []
    assert lms_tasks.notification_email.delay(notification.pk).get() is False
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None
