"""Achievements in the lower apps earn points and may complete automatic programs.

Courses and assessments send their signals after their transaction commits; they never
import this app.
"""

from django.db import transaction

from assessments.models import Attempt, Scenario, Submission
from courses.models import Enrolment

from .models import PointRule, PointsEntry
from .points import points_award, rule_points


def _after_achievement(person_id: int) -> None:
    # The signals are sent once the achievement has committed, and the points above are
    # committed by now too: the task may start at once.
    from .tasks import automatic_issue

    automatic_issue.delay(person_id)


def on_course_completed(sender, enrolment: Enrolment, **kwargs) -> None:
    with transaction.atomic():
        points_award(
            person=enrolment.agent,
            amount=rule_points(PointRule.Event.COURSE),
            reason=PointsEntry.Reason.COURSE,
            source_type="courses.course",
            source_id=enrolment.course_id,
            note=str(enrolment.course),
        )
    _after_achievement(enrolment.agent_id)


def on_assessment_passed(
    sender, attempt: Attempt | None = None, submission: Submission | None = None, **kwargs
) -> None:
    if attempt is not None:
        with transaction.atomic():
            points_award(
                person=attempt.agent,
                amount=rule_points(PointRule.Event.QUIZ),
                reason=PointsEntry.Reason.QUIZ,
                source_type="assessments.quiz",
                source_id=attempt.quiz_id,
                note=str(attempt.quiz),
            )
        _after_achievement(attempt.agent_id)
    if submission is not None:
        case = submission.scenario.kind == Scenario.Kind.CASE_REVIEW
        with transaction.atomic():
            points_award(
                person=submission.agent,
                amount=rule_points(
                    PointRule.Event.CASE_REVIEW if case else PointRule.Event.ROLEPLAY
                ),
                reason=PointsEntry.Reason.CASE_REVIEW if case else PointsEntry.Reason.ROLEPLAY,
                source_type="assessments.scenario",
                source_id=submission.scenario_id,
                note=str(submission.scenario),
            )
        _after_achievement(submission.agent_id)
