"""Concurrent course operations against PostgreSQL: constraints and row locks hold.

Each test runs two threads, each with its own connection and transaction. A
``threading.Barrier`` inside the service (wrapping one call it makes, which still runs
for real) holds both threads until both have arrived, so that the two transactions
really overlap. The waits time out, so that a service which already serialises the
threads before that point lets the first one go on alone instead of hanging.
"""

import threading
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError

from courses import services
from courses.models import (
    Course,
    CourseSession,
    CourseVersion,
    Enrolment,
    SessionRegistration,
)
from tests.concurrency import hold_at, run_concurrently
from tests.courses.factories import (
    CourseFactory,
    CourseSessionFactory,
    LessonFactory,
    published_course,
)
from tests.lms.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_enrolments_at_once_for_the_same_agent_and_course_make_one(agent, hr):
    course = published_course()
    barrier = threading.Barrier(2)

    def enrol(source, assigned_by):
        return lambda: services.enrolment_create(
            agent=agent, course=course, source=source, assigned_by=assigned_by
        )

    with patch.object(Enrolment.objects, "create", hold_at(barrier, Enrolment.objects.create)):
        results = run_concurrently(
            enrol(Enrolment.Source.SELF, agent), enrol(Enrolment.Source.HR, hr)
        )

    created = [r for r in results if isinstance(r, Enrolment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1, results
    assert len(refused) == 1, results
    assert refused[0].code == "already_enrolled"
    stored = Enrolment.objects.filter(agent=agent, course=course)
    assert list(stored.values_list("pk", flat=True)) == [created[0].pk]


def test_two_registrations_at_once_for_the_last_seat_seat_one_and_wait_list_the_other(team):
    course = CourseFactory(delivery_mode="workshop", completes_on_attendance=True)
    services.course_publish(course=course, published_by=None)
    session = CourseSessionFactory(course=course, capacity=2)
    services.session_register(session=session, agent=UserFactory(team=team))
    people = [UserFactory(team=team) for _ in range(2)]
    barrier = threading.Barrier(2)

    def register(person):
        return lambda: services.session_register(session=session, agent=person)

    with patch.object(
        CourseSession.objects,
        "select_for_update",
        hold_at(barrier, CourseSession.objects.select_for_update),
    ):
        results = run_concurrently(*(register(p) for p in people))

    assert all(isinstance(r, SessionRegistration) for r in results), results
    assert sorted(r.status for r in results) == [
        SessionRegistration.Status.REGISTERED,
        SessionRegistration.Status.WAITLISTED,
    ]
    stored = SessionRegistration.objects.filter(session=session)
    assert stored.filter(status=SessionRegistration.Status.REGISTERED).count() == 2
    assert stored.filter(status=SessionRegistration.Status.WAITLISTED).count() == 1
    # Both were enrolled on the way in, once each.
    assert Enrolment.objects.filter(agent__in=people, course=course).count() == 2


def test_two_publishes_at_once_make_versions_one_and_two_without_an_integrity_error(trainer):
    course = CourseFactory()
    LessonFactory(course=course)
    barrier = threading.Barrier(2)

    def publish():
        # Each request loads its own copy of the course, as two web requests would.
        return services.course_publish(
            course=Course.objects.get(pk=course.pk), published_by=trainer
        )

    with patch.object(
        Course.objects, "select_for_update", hold_at(barrier, Course.objects.select_for_update)
    ):
        results = run_concurrently(publish, publish)

    assert all(isinstance(r, CourseVersion) for r in results), results
    assert sorted(r.number for r in results) == [1, 2]
    assert sorted(CourseVersion.objects.filter(course=course).values_list("number", flat=True)) == [
        1,
        2,
    ]
    course.refresh_from_db()
    assert (course.version, course.status) == (2, Course.Status.PUBLISHED)
