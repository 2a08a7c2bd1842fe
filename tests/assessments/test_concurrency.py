"""Concurrent attempts against PostgreSQL: the attempt limit and single scoring hold.

Each test runs two threads, each with its own connection and transaction. A
``threading.Barrier`` inside the service (wrapping one call it makes, which still runs
for real) holds both threads until both have arrived, so that the two transactions
really overlap. The waits time out, so that a service which already serialises the
threads before that point lets the first one go on alone instead of hanging.
"""

import datetime
import threading
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Answer, Attempt, Option
from assessments.signals import assessment_passed
from lms.models import CompetencyLevel, Evidence, Level, User
from tests.assessments.factories import published_quiz
from tests.concurrency import hold_at, run_concurrently
from tests.lms.factories import CompetencyFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def start(quiz, agent):
    # Each request loads its own copy of the quiz and the agent, as two web requests would.
    return lambda: services.attempt_start(
        quiz=type(quiz).objects.get(pk=quiz.pk), agent=User.objects.get(pk=agent.pk), now=NOW
    )


def at_the_agent_lock(barrier: threading.Barrier):
    """Both starts reach the agent's row lock together; one waits for the other."""
    return patch.object(
        User.objects, "select_for_update", hold_at(barrier, User.objects.select_for_update)
    )


@pytest.mark.parametrize("attempt_limit", [1, None])
def test_two_starts_at_once_make_one_attempt(agent, attempt_limit):
    quiz = published_quiz(attempt_limit=attempt_limit)
    barrier = threading.Barrier(2)

    with at_the_agent_lock(barrier):
        results = run_concurrently(start(quiz, agent), start(quiz, agent))

    attempts = [r for r in results if isinstance(r, Attempt)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(attempts) + len(refused) == 2, results
    assert all(e.code == "race" for e in refused), results
    stored = list(Attempt.objects.filter(quiz=quiz, agent=agent))
    assert len(stored) == 1
    assert stored[0].status == Attempt.Status.IN_PROGRESS
    # The second start resumes the first one's attempt (same paper), never a second.
    assert {a.pk for a in attempts} == {stored[0].pk}
    assert all(a.paper == stored[0].paper for a in attempts)


@pytest.mark.parametrize("attempt_limit", [1, None])
def test_without_the_row_lock_the_constraints_still_allow_one_open_attempt(agent, attempt_limit):
    """The database constraints are the last line: take the lock away and let both starts
    insert at the same moment; one insert fails and is reported as a race."""
    quiz = published_quiz(attempt_limit=attempt_limit)
    barrier = threading.Barrier(2)
    create = Attempt.objects.create

    with (
        patch.object(User.objects, "select_for_update", lambda **kwargs: User.objects.all()),
        patch.object(Attempt.objects, "create", hold_at(barrier, create)),
    ):
        results = run_concurrently(start(quiz, agent), start(quiz, agent))

    attempts = [r for r in results if isinstance(r, Attempt)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(attempts), len(refused)) == (1, 1), results
    assert refused[0].code == "race"
    stored = Attempt.objects.filter(quiz=quiz, agent=agent)
    assert list(stored.values_list("pk", "number", "status")) == [
        (attempts[0].pk, 1, Attempt.Status.IN_PROGRESS)
    ]


def test_two_submits_at_once_score_once_and_record_one_evidence(agent):
    competency = CompetencyFactory()
    quiz = published_quiz(questions=2, competency=competency, level=Level.ADVANCED)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    for entry in attempt.paper:
        right = list(
            Option.objects.filter(question_id=entry["id"], is_correct=True).values_list(
                "pk", flat=True
            )
        )
        services.answer_save(
            attempt=attempt, question_id=entry["id"], selected=right, now=NOW + MINUTE
        )
    received: list[int] = []

    def receiver(sender, attempt, **kwargs):
        received.append(attempt.pk)

    assessment_passed.connect(receiver, weak=False, dispatch_uid="test-concurrent-submit")
    barrier = threading.Barrier(2)

    def submit(minutes):
        return lambda: services.attempt_submit(
            attempt=Attempt.objects.get(pk=attempt.pk), now=NOW + minutes * MINUTE
        )

    try:
        with patch.object(
            Attempt.objects,
            "select_for_update",
            hold_at(barrier, Attempt.objects.select_for_update),
        ):
            results = run_concurrently(submit(5), submit(6))
    finally:
        assessment_passed.disconnect(dispatch_uid="test-concurrent-submit")

    assert all(isinstance(r, Attempt) for r in results), results
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == (
        Attempt.Status.SUBMITTED,
        2,
        True,
    )
    # Whichever came second saw the attempt submitted and changed nothing.
    assert {(r.score, r.submitted_at) for r in results} == {(2, attempt.submitted_at)}
    assert attempt.submitted_at in {NOW + 5 * MINUTE, NOW + 6 * MINUTE}
    assert list(Evidence.objects.values_list("agent", "source_ref")) == [
        (agent.pk, f"quiz-attempt:{attempt.pk}")
    ]
    assert CompetencyLevel.objects.get(agent=agent, competency=competency).level == Level.ADVANCED
    assert set(Answer.objects.values_list("marks_awarded", flat=True)) == {1}
    assert received == [attempt.pk]
