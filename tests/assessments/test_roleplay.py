"""Role-play services: rubric versioning, the runner, submission, the grading state machine
and its effects (evidence, the pass signal, course completion)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import roleplay
from assessments.models import (
    Criterion,
    CriterionLevel,
    CriterionScore,
    Grade,
    RubricVersion,
    Scenario,
    Submission,
    SubmissionTurn,
)
from assessments.signals import assessment_passed
from courses import services as course_services
from courses.hooks import completion_conditions_unmet
from courses.models import Enrolment
from lms.models import CompetencyLevel, Evidence, Level
from tests.assessments.roleplay_factories import (
    NOW,
    REPLIES,
    SECOND,
    ScenarioFactory,
    ScenarioTurnFactory,
    criteria_of,
    level,
    published_scenario,
    rubric,
    run,
    score_all,
    submitted,
)
from tests.courses.factories import enrolment_for, published_course
from tests.lms.factories import CompetencyFactory

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def refused(code: str, call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def version_rows(version: RubricVersion) -> list[tuple]:
    """What a version says, without its ids: criteria with their levels."""
    return [
        (
            c.title_zh,
            c.order,
            c.competency_id,
            c.weight,
            c.critical,
            c.allow_not_applicable,
            [
                (lv.order, lv.points, lv.descriptor_zh, lv.demonstrates, lv.fails)
                for lv in c.levels.all()
            ],
        )
        for c in version.criteria.all()
    ]


@pytest.fixture
def passed_signals():
    received: list[int] = []

    def receiver(sender, submission, **kwargs):
        received.append(submission.pk)

    assessment_passed.connect(receiver, sender=Submission, weak=False, dispatch_uid="test-rp")
    yield received
    assessment_passed.disconnect(sender=Submission, dispatch_uid="test-rp")


# --- Rubrics and their versions ------------------------------------------------------


def test_a_new_rubric_has_one_draft_version_which_draft_returns_unchanged():
    created = roleplay.rubric_create(code="im-chat", title_zh="在线聊天评分表", created_by=None)
    (version,) = created.versions.all()
    assert (version.number, version.is_published) == (1, False)
    assert roleplay.rubric_current(created) is None

    assert roleplay.rubric_draft(rubric=created) == version
    assert created.versions.count() == 1


def test_draft_of_a_published_rubric_copies_its_criteria_and_levels_into_a_new_version():
    critical_competency = CompetencyFactory()
    published = rubric(
        criteria=[
            {"title_zh": "开场与结束语", "weight": 70, "allow_not_applicable": True},
            {"title_zh": "合规", "weight": 30, "critical": True, "competency": critical_competency},
        ]
    )
    v1 = published.versions.get()

    v2 = roleplay.rubric_draft(rubric=published)

    assert (v2.number, v2.is_published) == (2, False)
    assert version_rows(v2) == version_rows(v1)
    assert version_rows(v2)[1][2] == critical_competency.pk
    assert not set(v2.criteria.values_list("pk", flat=True)) & set(
        v1.criteria.values_list("pk", flat=True)
    )
    assert CriterionLevel.objects.filter(criterion__version=v2).count() == 6
    # Asked again, the same draft comes back; v1 still decides new submissions.
    assert roleplay.rubric_draft(rubric=published) == v2
    assert roleplay.rubric_current(published) == v1


def test_a_published_version_refuses_criterion_changes_and_its_draft_accepts_them():
    published = rubric()
    v1 = published.versions.get()
    before = version_rows(v1)
    first = v1.criteria.first()

    refused(
        "published",
        roleplay.criterion_add,
        version=v1,
        title_zh="共情",
        weight=10,
        competency=CompetencyFactory(),
        levels=[(0, "无", "", None, True), (1, "有", "", Level.BASIC, False)],
    )
    refused("published", roleplay.criterion_delete, criterion=first)
    assert version_rows(v1) == before

    v2 = roleplay.rubric_draft(rubric=published)
    roleplay.criterion_delete(criterion=v2.criteria.get(title_zh="开场与结束语"))
    roleplay.criterion_add(
        version=v2,
        title_zh="共情",
        weight=40,
        competency=CompetencyFactory(),
        levels=[(0, "无", "", None, True), (1, "有", "", Level.BASIC, False)],
    )
    assert [c.title_zh for c in v2.criteria.all()] == ["信息准确", "共情"]
    assert version_rows(v1) == before


def test_publishing_needs_criteria_whose_weights_add_up_to_100():
    created = roleplay.rubric_create(code="phone", title_zh="电话评分表", created_by=None)
    draft = roleplay.rubric_draft(rubric=created)
    refused("empty", roleplay.rubric_publish, version=draft)

    levels = [(0, "未做到", "", None, True), (5, "做到", "", Level.BASIC, False)]
    roleplay.criterion_add(
        version=draft, title_zh="礼貌", weight=60, competency=CompetencyFactory(), levels=levels
    )
    roleplay.criterion_add(
        version=draft, title_zh="准确", weight=30, competency=CompetencyFactory(), levels=levels
    )
    error = refused("weights", roleplay.rubric_publish, version=draft)
    assert "90" in error.messages[0]
    draft.refresh_from_db()
    assert draft.is_published is False
    assert roleplay.rubric_current(created) is None

    roleplay.criterion_add(
        version=draft, title_zh="流程", weight=10, competency=CompetencyFactory(), levels=levels
    )
    roleplay.rubric_publish(version=draft)
    assert roleplay.rubric_current(created) == draft
    refused("published", roleplay.rubric_publish, version=draft)


def test_a_criterion_needs_two_levels_with_different_points():
    created = roleplay.rubric_create(code="levels", title_zh="评分表", created_by=None)
    draft = roleplay.rubric_draft(rubric=created)
    competency = CompetencyFactory()

    refused(
        "levels",
        roleplay.criterion_add,
        version=draft,
        title_zh="礼貌",
        weight=100,
        competency=competency,
        levels=[(3, "做到", "", Level.BASIC, False)],
    )
    refused(
        "points",
        roleplay.criterion_add,
        version=draft,
        title_zh="礼貌",
        weight=100,
        competency=competency,
        levels=[(3, "做到", "", Level.BASIC, False), (3, "做得好", "", Level.ADVANCED, False)],
    )
    assert not Criterion.objects.filter(version=draft).exists()

    criterion = roleplay.criterion_add(
        version=draft,
        title_zh="礼貌",
        weight=100,
        competency=competency,
        levels=[(3, "做得好", "", Level.ADVANCED, False), (0, "没做到", "", None, True)],
    )
    # Stored in order of points, whatever order they were given in.
    assert list(criterion.levels.values_list("order", "points", "descriptor_zh")) == [
        (1, 0, "没做到"),
        (2, 3, "做得好"),
    ]


def test_a_grade_given_with_v1_keeps_its_criteria_after_v2_is_published(agent, mentor, trainer):
    scenario = published_scenario()
    submission = submitted(scenario, agent)
    v1 = submission.rubric_version
    grade = score_all(roleplay.grade_start(submission=submission, grader=mentor))
    roleplay.grade_finalise(grade=grade, feedback="很好", now=NOW + 60 * MINUTE)
    before = version_rows(v1)
    scored = set(grade.scores.values_list("criterion_id", "level_id"))

    v2 = roleplay.rubric_draft(rubric=scenario.rubric)
    roleplay.criterion_delete(criterion=v2.criteria.get(title_zh="信息准确"))
    roleplay.criterion_add(
        version=v2,
        title_zh="流程完整",
        weight=60,
        competency=CompetencyFactory(),
        levels=[(0, "缺步骤", "", None, True), (1, "完整", "", Level.BASIC, False)],
    )
    roleplay.rubric_publish(version=v2)

    grade.refresh_from_db()
    submission.refresh_from_db()
    assert submission.rubric_version == v1
    assert version_rows(v1) == before
    assert set(grade.scores.values_list("criterion_id", "level_id")) == scored
    assert roleplay.grade_total(grade) == (Decimal("100.00"), False) == (grade.score, False)

    later = submitted(scenario, trainer)
    assert later.rubric_version == v2
    assert [c.title_zh for c in criteria_of(later)] == ["开场与结束语", "流程完整"]


def test_a_submission_pinned_to_v1_is_graded_with_v1_after_v2_is_published(agent, mentor):
    scenario = published_scenario()
    submission = submitted(scenario, agent)
    grade = roleplay.grade_start(submission=submission, grader=mentor)
    v2 = roleplay.rubric_draft(rubric=scenario.rubric)
    roleplay.rubric_publish(version=v2)
    new_criterion = v2.criteria.first()

    refused(
        "criterion",
        roleplay.grade_score_set,
        grade=grade,
        criterion=new_criterion,
        level=level(new_criterion, 4),
    )
    assert not CriterionScore.objects.exists()

    grade = score_all(grade, points=4)
    grade = roleplay.grade_finalise(grade=grade, feedback="", now=NOW + 60 * MINUTE)
    assert grade.status == Grade.Status.FINAL
    assert set(grade.scores.values_list("criterion__version", flat=True)) == {
        submission.rubric_version_id
    }


# --- Scenarios -----------------------------------------------------------------------


def test_a_scenario_is_published_only_with_a_published_rubric_and_customer_turns():
    draft_rubric_scenario = ScenarioFactory(rubric=rubric(publish=False))
    ScenarioTurnFactory(scenario=draft_rubric_scenario, order=1)
    refused("rubric", roleplay.scenario_publish, scenario=draft_rubric_scenario)

    silent = ScenarioFactory()
    refused("turns", roleplay.scenario_publish, scenario=silent)
    assert set(Scenario.objects.values_list("status", flat=True)) == {Scenario.Status.DRAFT}

    ScenarioTurnFactory(scenario=silent, order=1)
    assert roleplay.scenario_publish(scenario=silent).status == Scenario.Status.PUBLISHED
    # A case review has no script: the rubric is enough.
    review = ScenarioFactory(kind=Scenario.Kind.CASE_REVIEW)
    assert roleplay.scenario_publish(scenario=review).status == Scenario.Status.PUBLISHED
    silent.refresh_from_db()
    assert silent.status == Scenario.Status.PUBLISHED


def test_a_draft_scenario_cannot_be_started(agent):
    scenario = ScenarioFactory()
    ScenarioTurnFactory(scenario=scenario, order=1)
    refused("unpublished", roleplay.submission_start, scenario=scenario, agent=agent, now=NOW)
    assert not Submission.objects.exists()

    roleplay.scenario_publish(scenario=scenario)
    assert roleplay.submission_start(scenario=scenario, agent=agent, now=NOW).agent == agent


# --- The runner ----------------------------------------------------------------------


def test_starting_shows_the_first_customer_message(agent):
    scenario = published_scenario()

    submission = roleplay.submission_start(scenario=scenario, agent=agent, now=NOW)

    assert (submission.status, submission.started_at) == (Submission.Status.IN_PROGRESS, NOW)
    assert submission.rubric_version == roleplay.rubric_current(scenario.rubric)
    assert list(
        submission.turns.values_list(
            "order", "script_turn", "customer_text", "reply_target_seconds", "shown_at", "reply"
        )
    ) == [(1, 1, "我凌晨两点下的单，到现在都没人回复！", 60, NOW, "")]


def test_every_reply_is_saved_with_its_latency_and_the_script_ends_where_it_says(agent):
    scenario = published_scenario()
    submission = roleplay.submission_start(scenario=scenario, agent=agent, now=NOW)

    second = roleplay.turn_reply(
        submission=submission, reply=" 您好，非常抱歉！ ", now=NOW + 25 * SECOND
    )
    assert (second.order, second.script_turn, second.shown_at) == (2, 2, NOW + 25 * SECOND)
    third = roleplay.turn_reply(submission=submission, reply="今天发货", now=NOW + 95 * SECOND)
    assert (third.order, third.script_turn, third.reply_target_seconds) == (3, 3, 30)
    # Turn 3 ends the conversation, although the script has a turn 4.
    assert (
        roleplay.turn_reply(submission=submission, reply="感谢您", now=NOW + 100 * SECOND) is None
    )

    assert list(
        submission.turns.values_list(
            "order", "script_turn", "reply", "replied_at", "latency_seconds"
        )
    ) == [
        (1, 1, "您好，非常抱歉！", NOW + 25 * SECOND, 25),
        (2, 2, "今天发货", NOW + 95 * SECOND, 70),
        (3, 3, "感谢您", NOW + 100 * SECOND, 5),
    ]
    refused(
        "ended", roleplay.turn_reply, submission=submission, reply="还在吗", now=NOW + MINUTE * 5
    )
    assert submission.turns.count() == 3


def test_a_keyword_in_the_reply_branches_to_the_goto_turn(agent, other_agent):
    scenario = published_scenario()
    plain = roleplay.submission_start(scenario=scenario, agent=other_agent, now=NOW)
    assert roleplay.turn_reply(submission=plain, reply="您好，我查一下", now=NOW).script_turn == 2

    submission = roleplay.submission_start(scenario=scenario, agent=agent, now=NOW)
    following = roleplay.turn_reply(
        submission=submission, reply="您好，可以直接帮您申请REFUND", now=NOW + 10 * SECOND
    )

    assert (following.order, following.script_turn) == (2, 3)
    assert following.customer_text == "好吧，那就这样。"
    assert roleplay.turn_reply(submission=submission, reply="好的", now=NOW + 20 * SECOND) is None
    assert list(submission.turns.values_list("script_turn", flat=True)) == [1, 3]


def test_an_empty_reply_is_refused_and_nothing_is_saved(agent):
    submission = roleplay.submission_start(scenario=published_scenario(), agent=agent, now=NOW)

    refused("empty", roleplay.turn_reply, submission=submission, reply=" \n ", now=NOW + MINUTE)

    turn = submission.turns.get()
    assert (turn.reply, turn.replied_at, turn.latency_seconds) == ("", None, None)
    roleplay.turn_reply(submission=submission, reply="您好", now=NOW + MINUTE)
    turn.refresh_from_db()
    assert (turn.reply, turn.latency_seconds) == ("您好", 60)


def test_starting_again_resumes_the_open_submission(agent):
    scenario = published_scenario()
    first = roleplay.submission_start(scenario=scenario, agent=agent, now=NOW)
    roleplay.turn_reply(submission=first, reply="您好", now=NOW + 10 * SECOND)

    again = roleplay.submission_start(scenario=scenario, agent=agent, now=NOW + 30 * MINUTE)

    assert again.pk == first.pk
    assert again.started_at == NOW
    assert list(again.turns.values_list("order", "reply")) == [(1, "您好"), (2, "")]


def test_submitting_needs_a_reply_and_sets_the_grading_deadline(agent):
    scenario = published_scenario(grading_hours=24)
    submission = roleplay.submission_start(scenario=scenario, agent=agent, now=NOW)
    refused("empty", roleplay.submission_submit, submission=submission, now=NOW + MINUTE)
    submission.refresh_from_db()
    assert (submission.status, submission.submitted_at) == (Submission.Status.IN_PROGRESS, None)

    roleplay.turn_reply(submission=submission, reply="您好", now=NOW + 10 * SECOND)
    done = roleplay.submission_submit(submission=submission, now=NOW + 2 * MINUTE)

    submission.refresh_from_db()
    assert done.pk == submission.pk
    assert (submission.status, submission.submitted_at, submission.grading_due_at) == (
        Submission.Status.SUBMITTED,
        NOW + 2 * MINUTE,
        NOW + 2 * MINUTE + datetime.timedelta(hours=24),
    )
    # Handed in: no more replies, no second hand-in.
    refused("submitted", roleplay.turn_reply, submission=submission, reply="还有", now=NOW)
    refused("submitted", roleplay.submission_submit, submission=submission, now=NOW)


def test_the_quality_check_runs_on_commit_and_is_stored_on_the_submission(
    agent, django_capture_on_commit_callbacks
):
    scenario = published_scenario(quality_rules={"required": ["订单号", "工单"]})
    submission = run(
        scenario,
        agent,
        ["您好，请提供订单号。", "可能明天到，应该没问题。", "不知道，再见"],
        seconds=45,
    )

    with django_capture_on_commit_callbacks() as callbacks:
        roleplay.submission_submit(submission=submission, now=NOW + 5 * MINUTE)
    submission.refresh_from_db()
    assert submission.quality is None  # nothing before the commit
    for callback in callbacks:
        callback()

    submission.refresh_from_db()
    quality = submission.quality
    assert (quality["greeting"], quality["closing"]) == (True, True)
    assert quality["required_missing"] == ["工单"]
    assert quality["vague"] == [
        {"phrase": "可能", "turn": 2, "position": 0},
        {"phrase": "应该", "turn": 2, "position": 6},
    ]
    assert quality["forbidden"] == [{"phrase": "不知道", "turn": 3, "position": 0}]
    assert [(r["turn"], r["seconds"], r["target"], r["met"]) for r in quality["reply_times"]] == [
        (1, 45, 60, True),
        (2, 45, 60, True),
        (3, 45, 30, False),
    ]
    assert quality["on_time_share"] == 67
    # Run again (a retried task), the same findings.
    assert roleplay.submission_quality_check(submission_id=submission.pk) == quality


def test_a_case_review_needs_its_text_and_has_no_script(agent, django_capture_on_commit_callbacks):
    scenario = published_scenario(kind=Scenario.Kind.CASE_REVIEW)
    submission = roleplay.submission_start(scenario=scenario, agent=agent, now=NOW)
    assert not submission.turns.exists()

    refused("empty", roleplay.submission_submit, submission=submission, case_text="  ", now=NOW)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_PROGRESS

    with django_capture_on_commit_callbacks(execute=True):
        roleplay.submission_submit(
            submission=submission, case_text=" 顾客要求退款，我按流程处理。 ", now=NOW + MINUTE
        )
    submission.refresh_from_db()
    assert (submission.status, submission.case_text, submission.quality) == (
        Submission.Status.SUBMITTED,
        "顾客要求退款，我按流程处理。",
        None,
    )


# --- Grading -------------------------------------------------------------------------


def test_grade_start_refuses_the_agent_then_puts_the_submission_in_review(agent, mentor):
    submission = submitted(published_scenario(), agent)

    refused("self", roleplay.grade_start, submission=submission, grader=agent)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert not Grade.objects.exists()

    grade = roleplay.grade_start(submission=submission, grader=mentor)

    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW
    assert (grade.grader, grade.role, grade.status) == (mentor, Grade.Role.PRIMARY, "draft")
    # The same grader coming back gets the same draft.
    assert roleplay.grade_start(submission=submission, grader=mentor) == grade


def test_a_second_primary_grader_is_refused_while_the_first_holds_it(agent, mentor, trainer):
    submission = submitted(published_scenario(), agent)
    grade = roleplay.grade_start(submission=submission, grader=mentor)

    error = refused("taken", roleplay.grade_start, submission=submission, grader=trainer)

    assert "陈导师" in error.messages[0]
    assert list(Grade.objects.values_list("pk", "grader")) == [(grade.pk, mentor.pk)]


def test_only_submitted_work_can_be_graded(agent, mentor):
    scenario = published_scenario()
    in_progress = run(scenario, agent)
    refused("status", roleplay.grade_start, submission=in_progress, grader=mentor)
    assert not Grade.objects.exists()

    roleplay.submission_submit(submission=in_progress, now=NOW + MINUTE)
    assert roleplay.grade_start(submission=in_progress, grader=mentor).grader == mentor


def test_a_score_must_use_the_submission_s_criteria_and_their_levels(agent, mentor):
    scenario = published_scenario()
    submission = submitted(scenario, agent)
    grade = roleplay.grade_start(submission=submission, grader=mentor)
    opening, accuracy = criteria_of(submission)
    foreign = criteria_of(submitted(published_scenario(), mentor))[0]

    refused(
        "criterion",
        roleplay.grade_score_set,
        grade=grade,
        criterion=foreign,
        level=level(foreign, 2),
    )
    refused(
        "level", roleplay.grade_score_set, grade=grade, criterion=opening, level=level(accuracy, 2)
    )
    refused("required", roleplay.grade_score_set, grade=grade, criterion=opening, level=None)
    assert not CriterionScore.objects.exists()

    score = roleplay.grade_score_set(
        grade=grade, criterion=opening, level=level(opening, 2), comment=" 开场不够热情 "
    )
    assert (score.level.points, score.comment) == (2, "开场不够热情")
    # Setting it again replaces the level, never adds a row.
    roleplay.grade_score_set(grade=grade, criterion=opening, level=level(opening, 4))
    assert list(grade.scores.values_list("criterion", "level__points")) == [(opening.pk, 4)]
    grade.refresh_from_db()
    assert grade.score == Decimal("100.00")  # over the criteria graded so far


@pytest.fixture
def weighted(agent, mentor):
    """A rubric with a not-applicable criterion and a critical one; a draft grade."""
    scenario = published_scenario(
        rubric=rubric(
            criteria=[
                {"title_zh": "服务态度", "weight": 60},
                {"title_zh": "赠品说明", "weight": 30, "allow_not_applicable": True},
                {"title_zh": "合规", "weight": 10, "critical": True},
            ],
            pass_mark=70,
        )
    )
    submission = submitted(scenario, agent)
    grade = roleplay.grade_start(submission=submission, grader=mentor)
    return submission, grade, criteria_of(submission)


def test_the_weighted_total_leaves_not_applicable_criteria_out(weighted):
    _submission, grade, (attitude, gifts, compliance) = weighted

    roleplay.grade_score_set(grade=grade, criterion=attitude, level=level(attitude, 4))
    roleplay.grade_score_set(grade=grade, criterion=gifts, level=None, comment="无赠品")
    roleplay.grade_score_set(grade=grade, criterion=compliance, level=level(compliance, 2))

    grade.refresh_from_db()
    # (60 × 4/4 + 10 × 2/4) / (60 + 10)
    assert (grade.score, grade.critical_failed) == (Decimal("92.86"), False)

    roleplay.grade_score_set(grade=grade, criterion=gifts, level=level(gifts, 2))
    grade.refresh_from_db()
    # (60 + 15 + 5) / 100
    assert roleplay.grade_total(grade) == (Decimal("80.00"), False) == (grade.score, False)


def test_a_critical_criterion_at_a_failing_level_fails_a_high_score(
    weighted, passed_signals, django_capture_on_commit_callbacks
):
    submission, grade, (attitude, gifts, compliance) = weighted
    roleplay.grade_score_set(grade=grade, criterion=attitude, level=level(attitude, 4))
    roleplay.grade_score_set(grade=grade, criterion=gifts, level=None)
    roleplay.grade_score_set(grade=grade, criterion=compliance, level=level(compliance, 0))

    with django_capture_on_commit_callbacks(execute=True):
        grade = roleplay.grade_finalise(grade=grade, feedback="违规承诺", now=NOW + MINUTE)

    submission.refresh_from_db()
    assert (grade.score, grade.critical_failed) == (Decimal("85.71"), True)
    assert (submission.status, submission.score, submission.passed) == (
        Submission.Status.GRADED,
        Decimal("85.71"),
        False,
    )
    assert passed_signals == []
    # Evidence only where a level demonstrates one: not the failed or N/A criteria.
    assert list(Evidence.objects.values_list("competency", "level")) == [
        (attitude.competency_id, Level.ADVANCED)
    ]


def test_finalising_refuses_an_ungraded_criterion_then_grades_and_records_evidence(
    agent, mentor, passed_signals, django_capture_on_commit_callbacks
):
    scenario = published_scenario()  # pass mark 70
    submission = submitted(scenario, agent)
    grade = roleplay.grade_start(submission=submission, grader=mentor)
    opening, accuracy = criteria_of(submission)
    roleplay.grade_score_set(grade=grade, criterion=opening, level=level(opening, 4))

    error = refused("incomplete", roleplay.grade_finalise, grade=grade, feedback="", now=NOW)
    assert "信息准确" in error.messages[0]
    grade.refresh_from_db()
    submission.refresh_from_db()
    assert (grade.status, submission.status) == (Grade.Status.DRAFT, Submission.Status.IN_REVIEW)
    assert not Evidence.objects.exists()

    roleplay.grade_score_set(grade=grade, criterion=accuracy, level=level(accuracy, 2))
    finalised_at = datetime.datetime(2026, 3, 11, 1, 30, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks() as callbacks:
        grade = roleplay.grade_finalise(grade=grade, feedback=" 整体不错 ", now=finalised_at)
        assert passed_signals == []  # only once the transaction commits
    for callback in callbacks:
        callback()

    submission.refresh_from_db()
    assert (grade.status, grade.feedback, grade.finalised_at) == (
        Grade.Status.FINAL,
        "整体不错",
        finalised_at,
    )
    # 40 × 4/4 + 60 × 2/4 = 70: exactly the pass mark passes.
    assert (submission.status, submission.score, submission.passed, submission.graded_at) == (
        Submission.Status.GRADED,
        Decimal("70.00"),
        True,
        finalised_at,
    )
    assert passed_signals == [submission.pk]
    evidence = Evidence.objects.order_by("competency__order")
    assert list(
        evidence.values_list("agent", "competency", "level", "source", "source_ref", "recorded_by")
    ) == [
        (
            agent.pk,
            opening.competency_id,
            Level.ADVANCED,
            Evidence.Source.ROLEPLAY,
            f"grade:{grade.pk}:{opening.pk}",
            mentor.pk,
        ),
        (
            agent.pk,
            accuracy.competency_id,
            Level.BASIC,
            Evidence.Source.ROLEPLAY,
            f"grade:{grade.pk}:{accuracy.pk}",
            mentor.pk,
        ),
    ]
    assert {e.observed_on for e in evidence} == {timezone.localdate(finalised_at)}
    assert dict(CompetencyLevel.objects.filter(agent=agent).values_list("competency", "level")) == {
        opening.competency_id: Level.ADVANCED,
        accuracy.competency_id: Level.BASIC,
    }

    # Finalising again changes nothing and sends nothing.
    refused("final", roleplay.grade_finalise, grade=grade, feedback="", now=finalised_at)
    assert Evidence.objects.count() == 2
    assert passed_signals == [submission.pk]


def test_a_graded_case_review_is_evidence_from_a_case_review(agent, mentor):
    submission = submitted(published_scenario(kind=Scenario.Kind.CASE_REVIEW), agent)
    grade = score_all(roleplay.grade_start(submission=submission, grader=mentor), points=2)

    roleplay.grade_finalise(grade=grade, feedback="", now=NOW + MINUTE)

    assert set(Evidence.objects.values_list("agent", "source", "level")) == {
        (agent.pk, Evidence.Source.CASE_REVIEW, Level.BASIC)
    }
    assert Evidence.objects.count() == 2


def test_returning_needs_a_comment_and_lets_the_agent_start_again(agent, mentor):
    scenario = published_scenario()
    submission = submitted(scenario, agent)
    grade = roleplay.grade_start(submission=submission, grader=mentor)

    refused("comment", roleplay.submission_return, grade=grade, comment="  ")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW
    assert Grade.objects.filter(pk=grade.pk).exists()

    roleplay.submission_return(grade=grade, comment=" 开场没有问候，请重做 ")

    submission.refresh_from_db()
    assert (submission.status, submission.return_comment) == (
        Submission.Status.RETURNED,
        "开场没有问候，请重做",
    )
    assert not Grade.objects.exists()
    assert submission.turns.filter(replied_at__isnull=False).count() == len(REPLIES)

    redo = roleplay.submission_start(scenario=scenario, agent=agent, now=NOW + 60 * MINUTE)
    assert redo.pk != submission.pk
    assert redo.status == Submission.Status.IN_PROGRESS
    assert list(redo.turns.values_list("order", "reply", "shown_at")) == [
        (1, "", NOW + 60 * MINUTE)
    ]
    assert SubmissionTurn.objects.filter(submission=submission).count() == len(REPLIES)


# --- Course completion ---------------------------------------------------------------


def test_a_required_scenario_blocks_course_completion_until_it_is_passed(
    agent, mentor, django_capture_on_commit_callbacks
):
    course = published_course(lessons=1, title_zh="差评挽回")
    scenario = published_scenario(
        title_zh="威胁差评的顾客", course=course, required_for_course=True
    )
    enrolment = enrolment_for(agent, course)
    for lesson in enrolment.version.snapshot["lessons"]:
        enrolment = course_services.lesson_complete(enrolment=enrolment, lesson_id=lesson["id"])
    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    (unmet,) = completion_conditions_unmet(enrolment)
    assert "威胁差评的顾客" in unmet

    failed = submitted(scenario, agent)
    grade = score_all(roleplay.grade_start(submission=failed, grader=mentor), points=0)
    roleplay.grade_finalise(grade=grade, feedback="", now=NOW + MINUTE)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS

    second = submitted(scenario, agent, now=NOW + 60 * MINUTE)
    grade = score_all(roleplay.grade_start(submission=second, grader=mentor), points=4)
    with django_capture_on_commit_callbacks(execute=True):
        roleplay.grade_finalise(grade=grade, feedback="", now=NOW + 90 * MINUTE)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert completion_conditions_unmet(enrolment) == []


def test_branching_matches_full_width_letters():
    from assessments.models import ScenarioTurn
    from assessments.roleplay import next_script_turn

    turns = [
        ScenarioTurn(order=1, text_zh="一", branches=[{"contains": ["refund"], "goto": 3}]),
        ScenarioTurn(order=2, text_zh="二"),
        ScenarioTurn(order=3, text_zh="三"),
    ]

    assert next_script_turn(turns, turns[0], "可以ＲＥＦＵＮＤ吗").order == 3
