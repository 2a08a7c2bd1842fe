"""The task that scores attempts whose time ran out while the agent was away.

The eager tests run the task in-process on a controllable clock. The worker test runs it
through a real Celery worker process and a real Redis broker, on PostgreSQL, when
CELERY_TEST_BROKER_URL is set; the worker runs on the real clock, so the attempt is
started through the service with ``now=`` in the past.
"""

import datetime
import zoneinfo
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, Option
from assessments.tasks import attempts_close_expired
from lms.models import Evidence, Level
from tests.assessments.factories import published_quiz
from tests.lms.factories import CompetencyFactory, UserFactory
from tests.worker import needs_worker

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
MINUTE = datetime.timedelta(minutes=1)


def answer_right(attempt: Attempt, *, now: datetime.datetime, count: int | None = None) -> None:
    for entry in attempt.paper[:count]:
        right = list(
            Option.objects.filter(question_id=entry["id"], is_correct=True).values_list(
                "pk", flat=True
            )
        )
        services.answer_save(attempt=attempt, question_id=entry["id"], selected=right, now=now)


@pytest.fixture
def clock():
    """``timezone.now()`` answers ``clock.moment`` while the fixture is active."""

    class Clock:
        moment = NOW

        def now(self) -> datetime.datetime:
            return self.moment

    clock = Clock()
    with patch("django.utils.timezone.now", side_effect=clock.now):
        yield clock


@pytest.mark.django_db
def test_the_task_submits_expired_attempts_and_leaves_running_ones(clock, team):
    quiz = published_quiz(questions=2, time_limit_minutes=30, pass_mark=50)
    early, late, untimed_agent = (UserFactory(team=team) for _ in range(3))
    expired = services.attempt_start(quiz=quiz, agent=early, now=NOW)
    answer_right(expired, now=NOW + MINUTE, count=1)
    running = services.attempt_start(quiz=quiz, agent=late, now=NOW + 20 * MINUTE)
    untimed = services.attempt_start(quiz=published_quiz(), agent=untimed_agent, now=NOW)

    clock.moment = NOW + 45 * MINUTE
    assert attempts_close_expired.delay().get() == 1

    state = {a.pk: (a.status, a.submitted_at, a.score, a.passed) for a in Attempt.objects.all()}
    assert state == {
        expired.pk: (Attempt.Status.SUBMITTED, NOW + 30 * MINUTE, Decimal(1), True),
        running.pk: (Attempt.Status.IN_PROGRESS, None, None, None),
        untimed.pk: (Attempt.Status.IN_PROGRESS, None, None, None),
    }

    # Run again later: the running attempt has now expired too; the scored one is untouched.
    clock.moment = NOW + 51 * MINUTE
    assert attempts_close_expired.delay().get() == 1
    assert attempts_close_expired.delay().get() == 0
    running.refresh_from_db()
    assert (running.status, running.submitted_at) == (Attempt.Status.SUBMITTED, NOW + 50 * MINUTE)
    assert Attempt.objects.get(pk=expired.pk).submitted_at == NOW + 30 * MINUTE


def worker_test(test):
    """Only this test needs PostgreSQL and a worker; the eager ones run everywhere."""
    for mark in needs_worker:
        test = mark(test)
    return test


@worker_test
def test_the_worker_scores_an_attempt_whose_time_ran_out(celery_worker_process, agent):
    competency = CompetencyFactory()
    quiz = published_quiz(
        questions=2, time_limit_minutes=30, pass_mark=50, competency=competency, level=Level.BASIC
    )
    started = timezone.now() - datetime.timedelta(hours=2)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=started)
    answer_right(attempt, now=started + MINUTE)
    running = services.attempt_start(
        quiz=published_quiz(time_limit_minutes=600), agent=agent, now=started
    )

    assert attempts_close_expired.delay().get(timeout=60) == 1

    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_at, attempt.score, attempt.percent) == (
        Attempt.Status.SUBMITTED,
        started + 30 * MINUTE,
        Decimal(2),
        Decimal(100),
    )
    assert attempt.passed is True
    assert list(Evidence.objects.values_list("agent", "source_ref")) == [
        (agent.pk, f"quiz-attempt:{attempt.pk}")
    ]
    running.refresh_from_db()
    assert running.status == Attempt.Status.IN_PROGRESS

    # Delivered twice (a retried message), nothing is scored twice.
    assert attempts_close_expired.delay().get(timeout=60) == 0
    assert Evidence.objects.count() == 1
