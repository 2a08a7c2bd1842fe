"""Grading at the same time against PostgreSQL: one grader per submission, one finalisation.

Each test runs two threads, each with its own connection and transaction, held together
at the submission's row lock (``tests.concurrency``) so that the two really overlap.
"""

import datetime
import threading
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError

from assessments import roleplay
from assessments.models import Grade, Submission
from assessments.signals import assessment_passed
from lms.models import CompetencyLevel, Evidence, Level, User
from tests.assessments.roleplay_factories import (
    NOW,
    criteria_of,
    published_scenario,
    score_all,
    submitted,
)
from tests.concurrency import hold_at, run_concurrently

MINUTE = datetime.timedelta(minutes=1)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_the_submission_lock(barrier: threading.Barrier):
    """Both calls reach the submission's row lock together; one waits for the other."""
    return patch.object(
        Submission.objects,
        "select_for_update",
        hold_at(barrier, Submission.objects.select_for_update),
    )


def test_two_mentors_starting_to_grade_at_once_make_one_grade(agent, mentor, trainer):
    submission = submitted(published_scenario(), agent)

    def start(grader):
        # Each request loads its own copies, as two web requests would.
        return lambda: roleplay.grade_start(
            submission=Submission.objects.get(pk=submission.pk),
            grader=User.objects.get(pk=grader.pk),
        )

    with at_the_submission_lock(threading.Barrier(2)):
        results = run_concurrently(start(mentor), start(trainer))

    grades = [r for r in results if isinstance(r, Grade)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(grades), len(refused)) == (1, 1), results
    assert refused[0].code == "taken"
    assert list(Grade.objects.values_list("pk", "grader", "role")) == [
        (grades[0].pk, grades[0].grader_id, Grade.Role.PRIMARY)
    ]
    assert grades[0].grader_id in {mentor.pk, trainer.pk}
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW


def test_two_finalisations_of_one_grade_at_once_finalise_it_once(agent, mentor):
    submission = submitted(published_scenario(), agent)
    grade = score_all(roleplay.grade_start(submission=submission, grader=mentor), points=4)
    received: list[int] = []

    def receiver(sender, submission, **kwargs):
        received.append(submission.pk)

    def finalise(minutes):
        return lambda: roleplay.grade_finalise(
            grade=Grade.objects.get(pk=grade.pk),
            feedback=f"第{minutes}分钟",
            now=NOW + minutes * MINUTE,
        )

    assessment_passed.connect(receiver, sender=Submission, weak=False, dispatch_uid="rp-conc")
    try:
        with at_the_submission_lock(threading.Barrier(2)):
            results = run_concurrently(finalise(1), finalise(2))
    finally:
        assessment_passed.disconnect(sender=Submission, dispatch_uid="rp-conc")

    done = [r for r in results if isinstance(r, Grade)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(done), len(refused)) == (1, 1), results
    assert refused[0].code == "final"
    grade.refresh_from_db()
    submission.refresh_from_db()
    assert (grade.status, grade.feedback, grade.finalised_at) == (
        Grade.Status.FINAL,
        done[0].feedback,
        done[0].finalised_at,
    )
    assert (submission.status, submission.passed, submission.graded_at) == (
        Submission.Status.GRADED,
        True,
        grade.finalised_at,
    )
    criteria = criteria_of(submission)
    assert sorted(Evidence.objects.values_list("source_ref", flat=True)) == sorted(
        f"grade:{grade.pk}:{c.pk}" for c in criteria
    )
    assert set(CompetencyLevel.objects.filter(agent=agent).values_list("level", flat=True)) == {
        Level.ADVANCED
    }
    assert received == [submission.pk]
