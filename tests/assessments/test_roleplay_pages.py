"""Role-play pages: the agent's runner and submissions, the mentor's queue and grading."""

import datetime

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import roleplay
from assessments.models import (
    CriterionScore,
    Grade,
    Rubric,
    Scenario,
    ScenarioTurn,
    Submission,
    SubmissionTurn,
)
from lms.models import Level, Role
from tests.lms.factories import CompetencyFactory, MentorshipFactory, UserFactory

HTMX = {"HX-Request": "true"}
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def url(name: str, *args) -> str:
    return reverse(f"assessments:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def make_rubric(criteria: int = 2, code: str = "im") -> Rubric:
    rubric = roleplay.rubric_create(code=code, title_zh="即时通讯评分表", created_by=None)
    version = roleplay.rubric_draft(rubric=rubric)
    weights = [100 // criteria] * criteria
    weights[-1] += 100 - sum(weights)
    for i, weight in enumerate(weights, start=1):
        roleplay.criterion_add(
            version=version,
            title_zh=f"评分项{i}",
            competency=CompetencyFactory(),
            weight=weight,
            allow_not_applicable=i == 1,
            levels=[
                (0, f"未做到{i}", "", None, True),
                (3, f"基本做到{i}", "", Level.BASIC, False),
                (5, f"完全做到{i}", "", Level.ADVANCED, False),
            ],
        )
    roleplay.rubric_publish(version=version)
    return rubric


def make_scenario(rubric: Rubric, *, code: str = "late-order", turns: int = 2) -> Scenario:
    scenario = Scenario.objects.create(
        code=code,
        title_zh=f"凌晨订单无人回复-{code}",
        brief_zh="顾客凌晨两点下单后无人回复，威胁给差评。",
        rubric=rubric,
        emotion=4,
        status=Scenario.Status.PUBLISHED,
    )
    for order in range(1, turns + 1):
        ScenarioTurn.objects.create(
            scenario=scenario, order=order, text_zh=f"顾客消息{order}", reply_target_seconds=60
        )
    return scenario


def submitted(agent, scenario: Scenario, *, now=NOW) -> Submission:
    submission = roleplay.submission_start(scenario=scenario, agent=agent, now=now)
    replies = ["您好，非常抱歉让您着急了，我不知道原因", "感谢您的耐心，祝您生活愉快"]
    for i in range(scenario.turns.count()):
        roleplay.turn_reply(
            submission=submission,
            reply=replies[min(i, 1)],
            now=now + datetime.timedelta(seconds=30 * (i + 1)),
        )
    roleplay.submission_submit(submission=submission, now=now + datetime.timedelta(minutes=5))
    roleplay.submission_quality_check(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission


# --- Runner ----------------------------------------------------------------------------


def test_runner_and_reply_refused_to_another_agent_then_the_agent_replies(
    client, agent, other_agent
):
    scenario = make_scenario(make_rubric())
    submission = roleplay.submission_start(scenario=scenario, agent=agent)

    client.force_login(other_agent)
    assert client.get(url("roleplay-submission", submission.pk)).status_code == 404
    response = client.post(url("roleplay-reply", submission.pk), {"reply": "您好"}, headers=HTMX)
    assert response.status_code == 404
    assert not SubmissionTurn.objects.filter(submission=submission).exclude(reply="").exists()

    client.force_login(agent)
    page = client.get(url("roleplay-submission", submission.pk))
    assert "顾客消息1" in html(page)
    response = client.post(
        url("roleplay-reply", submission.pk), {"reply": "您好，请问有什么可以帮您"}, headers=HTMX
    )
    first = SubmissionTurn.objects.get(submission=submission, order=1)
    assert first.reply == "您好，请问有什么可以帮您"
    assert first.latency_seconds is not None
    assert "您好，请问有什么可以帮您" in html(response)
    assert "顾客消息2" in html(response)
    assert url("roleplay-submit", submission.pk) not in html(response)


def test_the_script_ends_with_the_submit_button_and_plain_posts_work(client, agent):
    scenario = make_scenario(make_rubric(), turns=2)
    submission = roleplay.submission_start(scenario=scenario, agent=agent)
    client.force_login(agent)

    response = client.post(url("roleplay-reply", submission.pk), {"reply": "您好"})
    assert response.status_code == 302
    response = client.post(
        url("roleplay-reply", submission.pk), {"reply": "感谢您的耐心"}, headers=HTMX
    )
    assert url("roleplay-submit", submission.pk) in html(response)
    assert [t.reply for t in submission.turns.order_by("order")] == ["您好", "感谢您的耐心"]

    client.post(url("roleplay-submit", submission.pk))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_an_empty_reply_saves_nothing_and_keeps_the_reply_box(client, agent):
    submission = roleplay.submission_start(scenario=make_scenario(make_rubric()), agent=agent)
    client.force_login(agent)
    response = client.post(url("roleplay-reply", submission.pk), {"reply": "  "}, headers=HTMX)
    assert response.headers["HX-Retarget"] == "#reply-box"
    assert not submission.turns.exclude(reply="").exists()


def test_a_case_review_is_handed_in_with_its_text(client, agent):
    scenario = make_scenario(make_rubric(), turns=0)
    scenario.kind = Scenario.Kind.CASE_REVIEW
    scenario.save(update_fields=["kind"])
    submission = roleplay.submission_start(scenario=scenario, agent=agent)
    client.force_login(agent)
    assert "顾客凌晨两点下单" in html(client.get(url("roleplay-submission", submission.pk)))
    client.post(url("roleplay-submit", submission.pk), {"case_text": "问题出在夜班无人值守。"})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.case_text == "问题出在夜班无人值守。"


def test_the_scenario_list_starts_and_shows_the_agents_status(client, agent):
    scenario = make_scenario(make_rubric())
    client.force_login(agent)
    assert scenario.title_zh in html(client.get(url("roleplay-list")))
    response = client.post(url("roleplay-start", scenario.pk))
    submission = Submission.objects.get(agent=agent, scenario=scenario)
    assert response.url == url("roleplay-submission", submission.pk)
    page = html(client.get(url("roleplay-list")))
    assert url("roleplay-submission", submission.pk) in page


# --- Queue and grading -----------------------------------------------------------------


def test_a_mentor_queues_and_grades_only_their_mentees(client, agent, other_agent, mentor):
    scenario = make_scenario(make_rubric())
    mine = submitted(agent, scenario)
    theirs = submitted(other_agent, scenario)

    client.force_login(mentor)
    page = html(client.get(url("roleplay-queue")))
    assert str(agent) in page and url("roleplay-grade", mine.pk) in page
    assert str(other_agent) not in page and url("roleplay-grade", theirs.pk) not in page

    assert client.get(url("roleplay-grade", theirs.pk)).status_code == 404
    assert not Grade.objects.filter(submission=theirs).exists()
    theirs.refresh_from_db()
    assert theirs.status == Submission.Status.SUBMITTED

    response = client.get(url("roleplay-grade", mine.pk))
    assert "评分项1" in html(response)
    assert Grade.objects.get(submission=mine).grader == mentor


def test_the_agent_never_grades_their_own_work_even_as_a_trainer(client, agent, mentor):
    submission = submitted(agent, make_scenario(make_rubric()))
    agent.groups.add(Group.objects.get_or_create(name=Role.TRAINER)[0])
    client.force_login(agent)
    assert client.get(url("roleplay-grade", submission.pk)).status_code == 404
    assert url("roleplay-grade", submission.pk) not in html(client.get(url("roleplay-queue")))
    assert not Grade.objects.filter(submission=submission).exists()

    client.force_login(mentor)
    assert client.get(url("roleplay-grade", submission.pk)).status_code == 200
    assert Grade.objects.filter(submission=submission, grader=mentor).exists()


def test_the_queue_shows_waiting_time_and_overdue(client, agent, mentor):
    scenario = make_scenario(make_rubric())
    old = submitted(agent, scenario, now=timezone.now() - datetime.timedelta(hours=60))
    fresh = submitted(agent, scenario, now=timezone.now() - datetime.timedelta(hours=4))
    client.force_login(mentor)
    response = client.get(url("roleplay-queue"))
    page = html(response)
    assert page.index(f'id="submission-{old.pk}"') < page.index(f'id="submission-{fresh.pk}"')
    assert f'<tr class="overdue" id="submission-{old.pk}">' in page
    assert f'<tr class="" id="submission-{fresh.pk}">' in page
    waiting = {item.submission.pk: item for item in response.context["items"]}
    assert waiting[old.pk].waiting_days == 2 and waiting[old.pk].overdue
    assert waiting[fresh.pk].waiting_hours in (3, 4) and not waiting[fresh.pk].overdue


def test_grading_through_the_page_finalises_and_the_agent_reads_it(client, agent, mentor):
    submission = submitted(agent, make_scenario(make_rubric(criteria=2)))
    client.force_login(mentor)
    client.get(url("roleplay-grade", submission.pk))
    grade = Grade.objects.get(submission=submission)
    criteria = list(submission.rubric_version.criteria.order_by("order"))

    # Finalising with a criterion ungraded is refused and shown.
    response = client.post(url("roleplay-finalise", submission.pk), {"feedback": "不错"})
    assert response.status_code == 400
    assert "评分项1" in html(response)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW

    top = criteria[0].levels.get(points=5)
    response = client.post(
        url("roleplay-score", submission.pk, criteria[0].pk),
        {"level": top.pk, "comment": "开场问候规范"},
        headers=HTMX,
    )
    assert "100.00%" in html(response)
    middle = criteria[1].levels.get(points=3)
    response = client.post(
        url("roleplay-score", submission.pk, criteria[1].pk),
        {"level": middle.pk, "comment": "共情不足"},
        headers=HTMX,
    )
    assert "80.00%" in html(response)
    assert CriterionScore.objects.filter(grade=grade).count() == 2

    response = client.post(
        url("roleplay-finalise", submission.pk), {"feedback": "整体表现良好，注意避免模糊用语"}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.GRADED
    assert submission.score == 80

    client.force_login(agent)
    page = html(client.get(url("roleplay-submission", submission.pk)))
    assert "整体表现良好，注意避免模糊用语" in page
    assert "开场问候规范" in page and "共情不足" in page
    assert "完全做到1" in page
    assert '<mark class="rp-forbidden"' in page and ">不知道</mark>" in page


def test_not_applicable_only_where_allowed(client, agent, mentor):
    submission = submitted(agent, make_scenario(make_rubric(criteria=2)))
    client.force_login(mentor)
    client.get(url("roleplay-grade", submission.pk))
    first, second = submission.rubric_version.criteria.order_by("order")
    client.post(url("roleplay-score", submission.pk, second.pk), {"level": "na"}, headers=HTMX)
    assert not CriterionScore.objects.filter(criterion=second).exists()
    client.post(url("roleplay-score", submission.pk, first.pk), {"level": "na"}, headers=HTMX)
    assert CriterionScore.objects.get(criterion=first).level is None


def test_a_returned_submission_shows_the_comment_and_starts_again(client, agent, mentor):
    submission = submitted(agent, make_scenario(make_rubric()))
    client.force_login(mentor)
    client.get(url("roleplay-grade", submission.pk))
    client.post(url("roleplay-return", submission.pk), {"comment": "请重新练习安抚情绪"})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED

    client.force_login(agent)
    page = html(client.get(url("roleplay-submission", submission.pk)))
    assert "请重新练习安抚情绪" in page
    assert url("roleplay-start", submission.scenario_id) in page
    client.post(url("roleplay-start", submission.scenario_id))
    assert Submission.objects.filter(
        agent=agent, scenario=submission.scenario, status=Submission.Status.IN_PROGRESS
    ).exists()
    mine = html(client.get(url("roleplay-mine")))
    assert mine.count(submission.scenario.title_zh) == 2


# --- Query counts ----------------------------------------------------------------------


def _queue_queries(client, mentor, agent, scenario, count: int) -> int:
    for _i in range(count):
        submitted(agent, scenario)
    other_mentee = UserFactory()
    MentorshipFactory(mentor=mentor, mentee=other_mentee)
    grader_pick = submitted(other_mentee, scenario)
    roleplay.grade_start(submission=grader_pick, grader=mentor)
    client.force_login(mentor)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("roleplay-queue"))
    assert html(response).count('id="submission-') == count + 1
    return len(ctx.captured_queries)


def test_queue_query_count_is_fixed(client, agent, mentor):
    scenario = make_scenario(make_rubric())
    small = _queue_queries(client, mentor, agent, scenario, 2)
    Submission.objects.all().delete()
    large = _queue_queries(client, mentor, agent, scenario, 10)
    assert small == large


def _grade_page_queries(client, mentor, agent, criteria: int, code: str) -> int:
    submission = submitted(agent, make_scenario(make_rubric(criteria, code=code), code=code))
    client.force_login(mentor)
    client.get(url("roleplay-grade", submission.pk))
    grade = Grade.objects.get(submission=submission)
    for criterion in submission.rubric_version.criteria.all():
        roleplay.grade_score_set(
            grade=grade, criterion=criterion, level=criterion.levels.first(), comment="好"
        )
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("roleplay-grade", submission.pk))
    assert html(response).count('class="card rp-criterion"') == criteria
    return len(ctx.captured_queries)


def test_grading_page_query_count_is_fixed(client, agent, mentor):
    assert _grade_page_queries(client, mentor, agent, 2, "two") == _grade_page_queries(
        client, mentor, agent, 6, "six"
    )
