import datetime

import pytest
from django.utils import timezone

from assessments import roleplay
from assessments.models import Scenario, ScenarioTurn
from lms.models import Notification
from tests.lms.factories import CompetencyFactory

pytestmark = pytest.mark.django_db


def _submitted(agent, hr, *, at):
    rubric = roleplay.rubric_create(code="im", title_zh="IM评分表", created_by=hr)
    version = roleplay.rubric_draft(rubric=rubric)
    roleplay.criterion_add(
        version=version,
        title_zh="共情",
        competency=CompetencyFactory(),
        weight=100,
        levels=[(0, "无", "", None, False), (2, "有", "", 1, False)],
    )
    roleplay.rubric_publish(version=version)
    scenario = Scenario.objects.create(
        code="late", title_zh="物流延误", brief_zh="包裹晚到五天", rubric=rubric, grading_hours=48
    )
    ScenarioTurn.objects.create(scenario=scenario, order=1, text_zh="我的快递呢？")
    roleplay.scenario_publish(scenario=scenario)
    submission = roleplay.submission_start(scenario=scenario, agent=agent, now=at)
    roleplay.turn_reply(submission=submission, reply="您好，我马上帮您查询", now=at)
    return roleplay.submission_submit(submission=submission, now=at)


def test_mentor_is_reminded_once_then_the_team_lead_hears_of_it(agent, mentor, team_lead, hr):
    start = timezone.now() - datetime.timedelta(days=10)
    submission = _submitted(agent, hr, at=start)

    before_due = roleplay.grading_reminders_send(now=start + datetime.timedelta(hours=47))
    due = roleplay.grading_reminders_send(now=start + datetime.timedelta(hours=49))
    again = roleplay.grading_reminders_send(now=start + datetime.timedelta(hours=50))
    escalated = roleplay.grading_reminders_send(now=start + datetime.timedelta(hours=97))

    assert (before_due, due, again, escalated) == (0, 1, 0, 1)
    assert set(Notification.objects.values_list("recipient", "key")) == {
        (mentor.pk, f"grading-due:{submission.pk}"),
        (team_lead.pk, f"grading-escalated:{submission.pk}"),
    }


def test_graded_work_sends_no_reminder(agent, mentor, team_lead, hr):
    start = timezone.now() - datetime.timedelta(days=10)
    submission = _submitted(agent, hr, at=start)
    grade = roleplay.grade_start(submission=submission, grader=mentor)
    criterion = submission.rubric_version.criteria.get()
    roleplay.grade_score_set(grade=grade, criterion=criterion, level=criterion.levels.last())
    roleplay.grade_finalise(grade=grade, feedback="很好", now=start + datetime.timedelta(hours=1))

    assert roleplay.grading_reminders_send(now=start + datetime.timedelta(days=9)) == 0
    assert not Notification.objects.exists()
