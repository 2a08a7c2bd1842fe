"""After a grade: the agent acknowledges it or disputes a criterion within the window;
another mentor or a trainer arbitrates, and an upheld dispute scores the work again.

Service tests run on a fixed clock (``now=``); page tests grade on the real clock,
because the views read it, and put the window days away from it.
"""

import datetime
import threading
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from assessments import disputes, roleplay
from assessments.models import CriterionScore, Dispute, Grade, Submission
from assessments.signals import assessment_passed
from lms.models import Evidence, Level, Notification, Role, User
from tests.assessments.roleplay_factories import (
    NOW,
    criteria_of,
    level,
    published_scenario,
    score_all,
    submitted,
)
from tests.concurrency import hold_at, run_concurrently
from tests.lms.factories import MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
GRADED_AT = NOW + DAY


def url(name: str, *args) -> str:
    return reverse(f"assessments:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def graded(agent, grader, *, points: int = 2, now: datetime.datetime = GRADED_AT) -> Submission:
    """A role-play graded by ``grader`` at ``now``, every criterion at ``points``: with
    the default rubric (weights 40/60, levels 0/2/4, pass mark 70) 2 points is 50%."""
    submission = submitted(published_scenario(), agent)
    grade = roleplay.grade_start(submission=submission, grader=grader)
    score_all(grade, points)
    roleplay.grade_finalise(grade=grade, feedback="整体还需加强。", now=now)
    submission.refresh_from_db()
    return submission


def heavy(submission: Submission):
    """The criterion weighing 60 %: 4 points there instead of 2 makes 50 % into 80 %."""
    return next(c for c in criteria_of(submission) if c.weight == 60)


def refused(code: str, call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    assert info.value.code == code, info.value.messages
    return info.value


@pytest.fixture
def other_mentor(db):
    return UserFactory(username="mentor2", display_name="周导师", roles=[Role.AGENT, Role.MENTOR])


@pytest.fixture
def submission(agent, mentor):
    return graded(agent, mentor)


# --- Acknowledging ----------------------------------------------------------------------


def test_graded_work_opens_a_window_of_the_configured_days(submission, settings):
    assert submission.respond_by == GRADED_AT + datetime.timedelta(
        days=settings.ROLEPLAY_DISPUTE_DAYS
    )
    assert submission.acknowledged_at is None


def test_acknowledging_sets_the_time_once_and_is_refused_the_second_time(submission, agent):
    disputes.submission_acknowledge(submission=submission, agent=agent, now=GRADED_AT + HOUR)
    submission.refresh_from_db()
    assert submission.acknowledged_at == GRADED_AT + HOUR

    refused(
        "acknowledged",
        disputes.submission_acknowledge,
        submission=submission,
        agent=agent,
        now=GRADED_AT + 2 * HOUR,
    )
    submission.refresh_from_db()
    assert submission.acknowledged_at == GRADED_AT + HOUR


def test_acknowledging_after_the_window_is_refused(submission, agent):
    refused(
        "window",
        disputes.submission_acknowledge,
        submission=submission,
        agent=agent,
        now=submission.respond_by + datetime.timedelta(seconds=1),
    )
    submission.refresh_from_db()
    assert submission.acknowledged_at is None
    disputes.submission_acknowledge(submission=submission, agent=agent, now=submission.respond_by)
    submission.refresh_from_db()
    assert submission.acknowledged_at == submission.respond_by


def test_acknowledging_waits_for_an_open_dispute_to_be_decided(submission, agent, trainer):
    dispute = disputes.dispute_raise(
        submission=submission,
        criterion=heavy(submission),
        agent=agent,
        reason="我核对了订单号。",
        now=GRADED_AT + HOUR,
    )
    refused(
        "open_dispute",
        disputes.submission_acknowledge,
        submission=submission,
        agent=agent,
        now=GRADED_AT + 2 * HOUR,
    )
    assert Submission.objects.get(pk=submission.pk).acknowledged_at is None

    disputes.dispute_decide(
        dispute=dispute, arbiter=trainer, uphold=False, decision="评分合理。", now=GRADED_AT + DAY
    )
    disputes.submission_acknowledge(submission=submission, agent=agent, now=GRADED_AT + 2 * DAY)
    assert Submission.objects.get(pk=submission.pk).acknowledged_at == GRADED_AT + 2 * DAY


def test_nobody_acknowledges_someone_else_s_grade(submission, other_agent, mentor):
    for person in (other_agent, mentor):
        refused(
            "agent",
            disputes.submission_acknowledge,
            submission=submission,
            agent=person,
            now=GRADED_AT + HOUR,
        )
    assert Submission.objects.get(pk=submission.pk).acknowledged_at is None


def test_ungraded_work_cannot_be_acknowledged(agent, mentor):
    work = submitted(published_scenario(), agent)
    refused("status", disputes.submission_acknowledge, submission=work, agent=agent, now=GRADED_AT)


# --- Raising a dispute -------------------------------------------------------------------


def test_a_dispute_needs_a_reason(submission, agent):
    refused(
        "reason",
        disputes.dispute_raise,
        submission=submission,
        criterion=heavy(submission),
        agent=agent,
        reason="   ",
        now=GRADED_AT + HOUR,
    )
    assert not Dispute.objects.exists()


def test_a_dispute_is_raised_only_within_the_window_and_not_after_acknowledging(submission, agent):
    refused(
        "window",
        disputes.dispute_raise,
        submission=submission,
        criterion=heavy(submission),
        agent=agent,
        reason="我有异议。",
        now=submission.respond_by + HOUR,
    )
    disputes.submission_acknowledge(submission=submission, agent=agent, now=GRADED_AT + HOUR)
    refused(
        "acknowledged",
        disputes.dispute_raise,
        submission=submission,
        criterion=heavy(submission),
        agent=agent,
        reason="我有异议。",
        now=GRADED_AT + 2 * HOUR,
    )
    assert not Dispute.objects.exists()


def test_the_criterion_must_belong_to_the_submission_s_rubric(submission, agent, mentor):
    elsewhere = criteria_of(submitted(published_scenario(), agent))[0]
    refused(
        "criterion",
        disputes.dispute_raise,
        submission=submission,
        criterion=elsewhere,
        agent=agent,
        reason="我有异议。",
        now=GRADED_AT + HOUR,
    )
    assert not Dispute.objects.exists()


def test_a_criterion_is_disputed_once_and_the_graders_are_told(submission, agent, mentor):
    criterion = heavy(submission)
    dispute = disputes.dispute_raise(
        submission=submission,
        criterion=criterion,
        agent=agent,
        reason="  我已经给出了发货时间。 ",
        now=GRADED_AT + HOUR,
    )
    assert dispute.status == Dispute.Status.OPEN
    assert dispute.reason == "我已经给出了发货时间。"
    assert dispute.raised_at == GRADED_AT + HOUR
    assert dispute.original_level == level(criterion, 2)
    note = Notification.objects.get(recipient=mentor, key__startswith="dispute-raised:")
    assert note.url == url("roleplay-disputes")
    assert str(agent) in note.subject

    refused(
        "duplicate",
        disputes.dispute_raise,
        submission=submission,
        criterion=criterion,
        agent=agent,
        reason="再说一次。",
        now=GRADED_AT + 2 * HOUR,
    )
    assert Dispute.objects.count() == 1
    # Another criterion of the same grade may still be disputed.
    other = next(c for c in criteria_of(submission) if c.pk != criterion.pk)
    disputes.dispute_raise(
        submission=submission,
        criterion=other,
        agent=agent,
        reason="开场也有问候。",
        now=GRADED_AT + 2 * HOUR,
    )
    assert Dispute.objects.count() == 2


def test_someone_else_cannot_dispute_the_grade(submission, other_agent):
    refused(
        "agent",
        disputes.dispute_raise,
        submission=submission,
        criterion=heavy(submission),
        agent=other_agent,
        reason="我有异议。",
        now=GRADED_AT + HOUR,
    )
    assert not Dispute.objects.exists()


# --- Deciding -----------------------------------------------------------------------------


@pytest.fixture
def dispute(submission, agent):
    return disputes.dispute_raise(
        submission=submission,
        criterion=heavy(submission),
        agent=agent,
        reason="我给出了具体的发货时间。",
        now=GRADED_AT + HOUR,
    )


def test_the_grader_and_the_agent_cannot_arbitrate_another_mentor_and_a_trainer_can(
    dispute, agent, mentor, other_mentor, trainer, hr, team_lead, other_agent
):
    submission = dispute.submission
    assert not disputes.can_arbitrate(mentor, submission)
    assert not disputes.can_arbitrate(agent, submission)
    assert not disputes.can_arbitrate(team_lead, submission)
    assert not disputes.can_arbitrate(other_agent, submission)
    assert disputes.can_arbitrate(other_mentor, submission)
    assert disputes.can_arbitrate(trainer, submission)
    assert disputes.can_arbitrate(hr, submission)
    for person in (mentor, agent):
        refused(
            "arbiter",
            disputes.dispute_decide,
            dispute=dispute,
            arbiter=person,
            uphold=False,
            decision="不同意。",
            now=GRADED_AT + DAY,
        )
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.OPEN
    assert list(disputes.disputes_to_arbitrate(mentor)) == []
    assert list(disputes.disputes_to_arbitrate(agent)) == []
    assert list(disputes.disputes_to_arbitrate(other_mentor)) == [dispute]
    assert list(disputes.disputes_to_arbitrate(trainer)) == [dispute]

    disputes.dispute_decide(
        dispute=dispute, arbiter=other_mentor, uphold=False, decision="评分合理。", now=NOW
    )
    assert Dispute.objects.get(pk=dispute.pk).arbiter == other_mentor
    assert list(disputes.disputes_to_arbitrate(trainer)) == []


def test_a_trainer_can_decide(dispute, trainer):
    decided = disputes.dispute_decide(
        dispute=dispute, arbiter=trainer, uphold=False, decision="评分合理。", now=GRADED_AT + DAY
    )
    assert decided.status == Dispute.Status.REJECTED
    assert decided.arbiter == trainer
    assert decided.decided_at == GRADED_AT + DAY


def test_upholding_scores_again_passes_and_replaces_the_evidence(
    dispute, agent, mentor, other_mentor, django_capture_on_commit_callbacks
):
    submission = dispute.submission
    criterion = dispute.criterion
    grade = Grade.objects.get(submission=submission)
    rows_before = list(
        CriterionScore.objects.filter(grade=grade).values_list("criterion_id", "level_id")
    )
    assert submission.score == Decimal("50.00") and submission.passed is False
    old = Evidence.objects.get(agent=agent, source_ref=f"grade:{grade.pk}:{criterion.pk}")
    passed = []

    def receiver(sender, submission, **kwargs):
        passed.append(submission.pk)

    assessment_passed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            decided = disputes.dispute_decide(
                dispute=dispute,
                arbiter=other_mentor,
                uphold=True,
                decision="发货时间说得很清楚，应为最高档。",
                new_level=level(criterion, 4),
                now=GRADED_AT + DAY,
            )
    finally:
        assessment_passed.disconnect(receiver)

    assert decided.status == Dispute.Status.UPHELD
    assert decided.new_level == level(criterion, 4)
    submission.refresh_from_db()
    assert submission.score == Decimal("80.00")
    assert submission.passed is True
    assert passed == [submission.pk]
    # The grade rows stay as the grader left them.
    grade.refresh_from_db()
    assert grade.score == Decimal("50.00")
    assert (
        list(CriterionScore.objects.filter(grade=grade).values_list("criterion_id", "level_id"))
        == rows_before
    )
    old.refresh_from_db()
    assert old.withdrawn_at is not None and old.withdrawn_by == other_mentor
    new = Evidence.objects.get(agent=agent, source_ref=f"dispute:{dispute.pk}")
    assert new.level == Level.ADVANCED and new.competency == criterion.competency
    assert new.withdrawn_at is None
    assert Notification.objects.filter(
        recipient=agent, key=f"dispute-decided:{dispute.pk}"
    ).exists()


def test_rejecting_keeps_the_score_and_the_evidence(dispute, agent, trainer):
    submission = dispute.submission
    disputes.dispute_decide(
        dispute=dispute, arbiter=trainer, uphold=False, decision="评分合理。", now=GRADED_AT + DAY
    )
    submission.refresh_from_db()
    assert submission.score == Decimal("50.00") and submission.passed is False
    assert not Evidence.objects.filter(agent=agent, withdrawn_at__isnull=False).exists()
    assert Dispute.objects.get(pk=dispute.pk).new_level is None


def test_a_dispute_is_decided_once(dispute, trainer, hr):
    disputes.dispute_decide(
        dispute=dispute, arbiter=trainer, uphold=False, decision="评分合理。", now=GRADED_AT + DAY
    )
    refused(
        "decided",
        disputes.dispute_decide,
        dispute=dispute,
        arbiter=hr,
        uphold=True,
        decision="改判。",
        new_level=level(dispute.criterion, 4),
        now=GRADED_AT + 2 * DAY,
    )
    stored = Dispute.objects.get(pk=dispute.pk)
    assert stored.status == Dispute.Status.REJECTED and stored.arbiter == trainer
    assert Submission.objects.get(pk=dispute.submission_id).score == Decimal("50.00")


def test_upholding_needs_a_decision_and_a_higher_level_of_the_criterion(dispute, trainer):
    criterion = dispute.criterion
    other = next(c for c in criteria_of(dispute.submission) if c.pk != criterion.pk)
    for code, kwargs in [
        ("decision", {"decision": " ", "new_level": level(criterion, 4)}),
        ("level", {"decision": "改判。", "new_level": None}),
        ("level", {"decision": "改判。", "new_level": level(other, 4)}),
        ("same", {"decision": "改判。", "new_level": level(criterion, 2)}),
        ("lower", {"decision": "改判。", "new_level": level(criterion, 0)}),
    ]:
        refused(
            code,
            disputes.dispute_decide,
            dispute=dispute,
            arbiter=trainer,
            uphold=True,
            now=GRADED_AT + DAY,
            **kwargs,
        )
    stored = Dispute.objects.get(pk=dispute.pk)
    assert stored.status == Dispute.Status.OPEN and stored.arbiter is None
    assert Submission.objects.get(pk=dispute.submission_id).score == Decimal("50.00")


# --- Pages: the agent's answer ------------------------------------------------------------


@pytest.fixture
def fresh(agent, mentor):
    """Graded just now (real clock): the window is open for a week."""
    return graded(agent, mentor, now=timezone.now() - HOUR)


def test_the_agent_sees_the_window_and_acknowledges_others_get_404(
    client, fresh, agent, other_agent, mentor
):
    client.force_login(mentor)
    page = html(client.get(url("roleplay-submission", fresh.pk)))
    assert url("roleplay-acknowledge", fresh.pk) not in page
    assert 'id="respond"' in page
    assert client.post(url("roleplay-acknowledge", fresh.pk)).status_code == 404
    client.force_login(other_agent)
    assert client.post(url("roleplay-acknowledge", fresh.pk)).status_code == 404
    assert Submission.objects.get(pk=fresh.pk).acknowledged_at is None

    client.force_login(agent)
    page = html(client.get(url("roleplay-submission", fresh.pk)))
    assert url("roleplay-acknowledge", fresh.pk) in page
    for criterion in criteria_of(fresh):
        assert url("roleplay-dispute-raise", fresh.pk, criterion.pk) in page
    assert timezone.localtime(fresh.respond_by).strftime("%Y-%m-%d %H:%M") in page

    response = client.post(url("roleplay-acknowledge", fresh.pk))
    assert response.status_code == 302
    assert Submission.objects.get(pk=fresh.pk).acknowledged_at is not None
    page = html(client.get(url("roleplay-submission", fresh.pk)))
    assert url("roleplay-acknowledge", fresh.pk) not in page
    assert url("roleplay-dispute-raise", fresh.pk, criteria_of(fresh)[0].pk) not in page


def test_after_the_window_the_page_says_so_and_a_post_changes_nothing(client, agent, mentor):
    old = graded(agent, mentor, now=NOW)
    client.force_login(agent)
    page = html(client.get(url("roleplay-submission", old.pk)))
    assert url("roleplay-acknowledge", old.pk) not in page
    assert timezone.localtime(old.respond_by).strftime("%Y-%m-%d %H:%M") in page
    response = client.post(url("roleplay-acknowledge", old.pk), follow=True)
    assert _("The time to acknowledge or dispute this grade has passed.") in html(response)
    assert Submission.objects.get(pk=old.pk).acknowledged_at is None
    response = client.post(
        url("roleplay-dispute-raise", old.pk, criteria_of(old)[0].pk), {"reason": "不同意"}
    )
    assert response.status_code == 302
    assert not Dispute.objects.exists()


def test_raising_a_dispute_from_the_page(client, fresh, agent, other_agent, mentor, trainer):
    criterion = heavy(fresh)
    target = url("roleplay-dispute-raise", fresh.pk, criterion.pk)
    client.force_login(other_agent)
    assert client.post(target, {"reason": "不同意"}).status_code == 404
    client.force_login(mentor)
    assert client.post(target, {"reason": "不同意"}).status_code == 404
    assert not Dispute.objects.exists()

    client.force_login(agent)
    response = client.post(target, {"reason": "  "}, follow=True)
    assert _("Say why you disagree.") in html(response)
    assert not Dispute.objects.exists()
    # A criterion of another rubric is a 404.
    elsewhere = criteria_of(submitted(published_scenario(), agent))[0]
    assert (
        client.post(url("roleplay-dispute-raise", fresh.pk, elsewhere.pk), {"reason": "x"})
    ).status_code == 404

    response = client.post(target, {"reason": "我给了具体的发货时间。"})
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.criterion == criterion and dispute.reason == "我给了具体的发货时间。"
    page = html(client.get(url("roleplay-submission", fresh.pk)))
    assert "我给了具体的发货时间。" in page
    assert 'id="disputes"' in page
    assert str(Dispute.Status.OPEN.label) in page
    # The disputed criterion has no second form; the acknowledge button waits.
    assert target not in page
    assert url("roleplay-acknowledge", fresh.pk) not in page
    # The grader sees the history too, but no way to decide it; a trainer has one.
    client.force_login(mentor)
    page = html(client.get(url("roleplay-submission", fresh.pk)))
    assert "我给了具体的发货时间。" in page
    assert url("roleplay-dispute", dispute.pk) not in page
    client.force_login(trainer)
    assert url("roleplay-dispute", dispute.pk) in html(
        client.get(url("roleplay-submission", fresh.pk))
    )


# --- Pages: arbitration -------------------------------------------------------------------


@pytest.fixture
def fresh_dispute(fresh, agent):
    return disputes.dispute_raise(
        submission=fresh, criterion=heavy(fresh), agent=agent, reason="我给出了发货时间。"
    )


def test_the_arbitration_list_is_404_for_those_who_cannot_arbitrate(
    client, fresh_dispute, agent, team_lead, mentor, other_mentor, trainer
):
    for person in (agent, team_lead):
        client.force_login(person)
        assert client.get(url("roleplay-disputes")).status_code == 404
    client.force_login(mentor)  # the grader: a mentor, but not of this one
    page = html(client.get(url("roleplay-disputes")))
    assert url("roleplay-dispute", fresh_dispute.pk) not in page
    assert 'class="empty"' in page
    for person in (other_mentor, trainer):
        client.force_login(person)
        page = html(client.get(url("roleplay-disputes")))
        assert url("roleplay-dispute", fresh_dispute.pk) in page
        assert "我给出了发货时间。" in page


def test_the_decide_page_is_404_for_the_grader_the_agent_and_others(
    client, fresh_dispute, agent, mentor, other_agent, team_lead
):
    for person in (agent, mentor, other_agent, team_lead):
        client.force_login(person)
        assert client.get(url("roleplay-dispute", fresh_dispute.pk)).status_code == 404
        response = client.post(
            url("roleplay-dispute", fresh_dispute.pk), {"outcome": "reject", "decision": "x"}
        )
        assert response.status_code == 404
    assert Dispute.objects.get(pk=fresh_dispute.pk).status == Dispute.Status.OPEN
    client.force_login(mentor)
    assert client.get(url("roleplay-dispute", 999999)).status_code == 404


def test_another_mentor_upholds_from_the_page_and_the_agent_reads_it(
    client, fresh_dispute, agent, other_mentor
):
    criterion = fresh_dispute.criterion
    grade = Grade.objects.get(submission=fresh_dispute.submission)
    CriterionScore.objects.filter(grade=grade, criterion=criterion).update(comment="没有给时间")
    target = url("roleplay-dispute", fresh_dispute.pk)
    client.force_login(other_mentor)
    page = html(client.get(target))
    assert "我给出了发货时间。" in page  # the agent's reason
    assert "没有给时间" in page  # the grader's comment
    for lv in criterion.levels.all():
        assert f'value="{lv.pk}"' in page
    assert "顾客" in page  # the transcript

    response = client.post(target, {"outcome": "uphold", "decision": "改判"})
    assert response.status_code == 400
    assert escape(_("Choose one of the criterion's levels.")) in html(response)
    assert "改判" in html(response)  # the decision is kept for another try
    assert Dispute.objects.get(pk=fresh_dispute.pk).status == Dispute.Status.OPEN
    response = client.post(
        target, {"outcome": "uphold", "level": str(level(criterion, 4).pk), "decision": ""}
    )
    assert response.status_code == 400
    assert Dispute.objects.get(pk=fresh_dispute.pk).status == Dispute.Status.OPEN
    assert Submission.objects.get(pk=fresh_dispute.submission_id).score == Decimal("50.00")

    response = client.post(
        target,
        {"outcome": "uphold", "level": str(level(criterion, 4).pk), "decision": "时间说清楚了"},
    )
    assert response.status_code == 302 and response.url == url("roleplay-disputes")
    stored = Dispute.objects.get(pk=fresh_dispute.pk)
    assert stored.status == Dispute.Status.UPHELD and stored.arbiter == other_mentor
    assert Submission.objects.get(pk=fresh_dispute.submission_id).score == Decimal("80.00")
    # Decided: the page shows the decision, no form.
    page = html(client.get(target))
    assert 'id="decide"' not in page and "时间说清楚了" in page

    client.force_login(agent)
    page = html(client.get(url("roleplay-submission", fresh_dispute.submission_id)))
    assert "80.00%" in page
    assert "时间说清楚了" in page
    assert str(other_mentor) in page
    assert 'class="tag">' in page and "<s " in page  # the grader's level struck out


def test_a_trainer_rejects_from_the_page_and_the_score_stays(client, fresh_dispute, trainer):
    client.force_login(trainer)
    response = client.post(
        url("roleplay-dispute", fresh_dispute.pk), {"outcome": "reject", "decision": "评分合理"}
    )
    assert response.status_code == 302
    stored = Dispute.objects.get(pk=fresh_dispute.pk)
    assert stored.status == Dispute.Status.REJECTED and stored.new_level is None
    assert Submission.objects.get(pk=fresh_dispute.submission_id).score == Decimal("50.00")
    response = client.post(
        url("roleplay-dispute", fresh_dispute.pk), {"outcome": "reject", "decision": "再次"}
    )
    assert response.status_code == 400
    assert Dispute.objects.get(pk=fresh_dispute.pk).decision == "评分合理"


# --- Second grader from the queue ---------------------------------------------------------


def test_a_trainer_asks_a_second_grader_from_the_queue_and_comes_back(
    client, agent, mentor, trainer, hr
):
    work = submitted(published_scenario(), agent)
    client.force_login(mentor)
    assert 'name="grader"' not in html(client.get(url("roleplay-queue")))

    client.force_login(trainer)
    page = html(client.get(url("roleplay-queue")))
    assert url("roleplay-second-grader", work.pk) in page
    assert f'<option value="{mentor.pk}">' in page
    assert f'<option value="{agent.pk}">' not in page
    response = client.post(
        url("roleplay-second-grader", work.pk),
        {"grader": mentor.pk, "next": url("roleplay-queue")},
    )
    assert response.status_code == 302 and response.url == url("roleplay-queue")
    assert Grade.objects.get(submission=work, role=Grade.Role.SECOND).grader == mentor
    page = html(client.get(url("roleplay-queue")))
    assert url("roleplay-second-grader", work.pk) not in page

    other = submitted(published_scenario(), agent)
    response = client.post(
        url("roleplay-second-grader", other.pk),
        {"grader": hr.pk, "next": "https://evil.example/queue/"},
    )
    assert response.url == url("roleplay-submission", other.pk)
    assert Grade.objects.get(submission=other, role=Grade.Role.SECOND).grader == hr


# --- Query counts -------------------------------------------------------------------------


def _dispute_list_queries(client, viewer, count: int) -> int:
    Dispute.objects.all().delete()
    for _i in range(count):
        person = UserFactory()
        grader = UserFactory(roles=[Role.MENTOR])
        MentorshipFactory(mentor=grader, mentee=person)
        work = graded(person, grader, now=timezone.now() - HOUR)
        disputes.dispute_raise(
            submission=work, criterion=heavy(work), agent=person, reason="我有异议。"
        )
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("roleplay-disputes"))
    assert html(response).count('id="dispute-') == Dispute.objects.count()
    return len(ctx.captured_queries)


def test_the_arbitration_list_query_count_is_fixed(client, trainer):
    small = _dispute_list_queries(client, trainer, 2)
    large = _dispute_list_queries(client, trainer, 6)
    assert small == large


def _queue_queries(client, viewer, count: int) -> int:
    for _i in range(count):
        person = UserFactory()
        MentorshipFactory(mentor=UserFactory(roles=[Role.MENTOR]), mentee=person)
        submitted(published_scenario(), person)
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("roleplay-queue"))
    page = html(response)
    rows = Submission.objects.filter(status=Submission.Status.SUBMITTED).count()
    assert page.count('id="submission-') == rows
    assert page.count('name="grader"') == rows
    return len(ctx.captured_queries)


def test_the_queue_with_the_second_grader_control_has_a_fixed_query_count(client, trainer):
    small = _queue_queries(client, trainer, 2)
    large = _queue_queries(client, trainer, 6)
    assert small == large


# --- Demo data ----------------------------------------------------------------------------


def test_the_demo_seeds_each_kind_of_answer_once(django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command

    from assessments.dispute_demo import seed_dispute_demo

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", force=True, stdout=io.StringIO())
    # Grades given before the window existed have none.
    Submission.objects.filter(status=Submission.Status.GRADED).update(respond_by=None)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        seed_dispute_demo(stdout=out)
    assert "Demo disputes:" in out.getvalue()

    assert not Submission.objects.filter(
        status=Submission.Status.GRADED, respond_by__isnull=True
    ).exists()
    acknowledged = Submission.objects.get(
        agent__username="agent", scenario__code="im-late-night-order", acknowledged_at__isnull=False
    )
    assert acknowledged.acknowledged_at <= acknowledged.respond_by
    open_dispute = Dispute.objects.get(status=Dispute.Status.OPEN)
    assert open_dispute.submission.agent.username == "wang.yutong"
    demo_mentor = User.objects.get(username="mentor")  # not its grader: may decide it
    assert list(disputes.disputes_to_arbitrate(demo_mentor)) == [open_dispute]
    upheld = Dispute.objects.get(status=Dispute.Status.UPHELD)
    assert upheld.arbiter.username == "trainer"
    assert upheld.new_level.points > upheld.original_level.points
    assert upheld.decided_at <= timezone.now()
    assert Evidence.objects.filter(source_ref=f"dispute:{upheld.pk}").exists()

    counts = (Dispute.objects.count(), Notification.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        assert seed_dispute_demo() == 0
    assert (Dispute.objects.count(), Notification.objects.count()) == counts


# --- At the same time (PostgreSQL) -------------------------------------------------------


def _at_the_submission_lock(barrier):
    return patch.object(
        Submission.objects,
        "select_for_update",
        hold_at(barrier, Submission.objects.select_for_update),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_arbiters_deciding_at_once_decide_once(agent, mentor, trainer, hr):
    work = graded(agent, mentor)
    criterion = heavy(work)
    dispute = disputes.dispute_raise(
        submission=work, criterion=criterion, agent=agent, reason="不同意。", now=GRADED_AT + HOUR
    )

    def decide(arbiter, uphold):
        return lambda: disputes.dispute_decide(
            dispute=Dispute.objects.get(pk=dispute.pk),
            arbiter=User.objects.get(pk=arbiter.pk),
            uphold=uphold,
            decision="裁定。",
            new_level=level(criterion, 4) if uphold else None,
            now=GRADED_AT + DAY,
        )

    with _at_the_submission_lock(threading.Barrier(2)):
        results = run_concurrently(decide(trainer, True), decide(hr, False))

    done = [r for r in results if isinstance(r, Dispute)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(done), len(refused)) == (1, 1), results
    assert refused[0].code == "decided"
    stored = Dispute.objects.get(pk=dispute.pk)
    assert (stored.status, stored.arbiter_id) == (done[0].status, done[0].arbiter_id)
    expected = Decimal("80.00") if stored.status == Dispute.Status.UPHELD else Decimal("50.00")
    assert Submission.objects.get(pk=work.pk).score == expected
    assert Evidence.objects.filter(source_ref__startswith="dispute:").count() == (
        1 if stored.status == Dispute.Status.UPHELD else 0
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_acknowledging_and_disputing_at_once_never_both_happen(agent, mentor):
    work = graded(agent, mentor)
    criterion = heavy(work)

    def acknowledge():
        return disputes.submission_acknowledge(
            submission=Submission.objects.get(pk=work.pk), agent=agent, now=GRADED_AT + HOUR
        )

    def dispute():
        return disputes.dispute_raise(
            submission=Submission.objects.get(pk=work.pk),
            criterion=criterion,
            agent=agent,
            reason="不同意。",
            now=GRADED_AT + HOUR,
        )

    with _at_the_submission_lock(threading.Barrier(2)):
        results = run_concurrently(acknowledge, dispute)

    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert refused[0].code in {"acknowledged", "open_dispute"}
    stored = Submission.objects.get(pk=work.pk)
    assert (stored.acknowledged_at is not None) != Dispute.objects.filter(submission=work).exists()
