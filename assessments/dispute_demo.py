"""Demo answers to grades in 云裳优品: one grade acknowledged, one dispute waiting for a
decision, one upheld by the trainer.

Called by the demo seed command after the role-play submissions exist. Every step goes
through ``assessments.disputes`` with ``now=`` just after the grade, inside the window
the grade opened. Idempotent: a submission already acknowledged or disputed is left as it
is, so a second run creates nothing.
"""

import datetime
from typing import TextIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lms.models import User

from . import disputes
from . import roleplay_demo_content as content
from .models import Criterion, CriterionScore, Dispute, Grade, Submission

ARBITER = "trainer"
# agent, scenario code: the demo submissions (graded in roleplay_demo_content.PLANS)
ACKNOWLEDGED = ("agent", "im-late-night-order")
OPEN = ("wang.yutong", "im-late-night-order")  # graded by zhang.haoran: "mentor" may decide
UPHELD = ("liu.zixuan", "case-bad-review")

OPEN_REASON = (
    "第一条回复虽然只有两个字，但我是在 4 分钟内接起的，当时系统卡顿；"
    "开场问候我后面补上了，希望能按“基本做到”评。"
)
UPHELD_REASON = "我在分析里指出了地址核对的遗漏和改进办法，评语也说“问题找得准”，应该是最高档。"
UPHELD_DECISION = "复盘三点都有依据，改进回复具体可用，达到最高档描述。改为最高档。"


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _graded(agent: str, scenario: str) -> Submission | None:
    return (
        Submission.objects.filter(
            agent__username=agent,
            scenario__code=scenario,
            status=Submission.Status.GRADED,
            live=False,
        )
        .select_related("agent", "scenario")
        .order_by("-graded_at", "-pk")
        .first()
    )


def _first_below_top(submission: Submission) -> Criterion | None:
    """The first criterion (in rubric order) the grader did not give its top level."""
    given = {
        s.criterion_id: s.level
        for s in CriterionScore.objects.filter(
            grade__submission=submission, grade__role=Grade.Role.PRIMARY
        ).select_related("level")
    }
    for criterion in Criterion.objects.filter(
        version_id=submission.rubric_version_id
    ).prefetch_related("levels"):
        top = max(criterion.levels.all(), key=lambda lv: lv.points)
        level = given.get(criterion.pk)
        if level is not None and level.pk != top.pk:
            return criterion
    return None


def _at(submission: Submission, after: datetime.timedelta) -> datetime.datetime:
    """``after`` the grade, but never in the future (evidence cannot be dated ahead)."""
    return min(submission.graded_at + after, timezone.now() - datetime.timedelta(minutes=1))


def _backfill_windows() -> int:
    """Demo grades given before grades could be disputed get their window, counted from
    when they were graded."""
    codes = [s.code for s in content.SCENARIOS]
    return Submission.objects.filter(
        scenario__code__in=codes,
        status=Submission.Status.GRADED,
        graded_at__isnull=False,
        respond_by__isnull=True,
    ).update(respond_by=F("graded_at") + datetime.timedelta(days=settings.ROLEPLAY_DISPUTE_DAYS))


@transaction.atomic
def seed_dispute_demo(stdout: TextIO | None = None) -> int:
    """Create what is missing of the dispute demo; returns how many acknowledgements,
    disputes and decisions it made."""
    windows = _backfill_windows()
    arbiter = User.objects.filter(username=ARBITER, is_active=True).first()
    made = 0

    submission = _graded(*ACKNOWLEDGED)
    if (
        submission is not None
        and submission.acknowledged_at is None
        and not submission.disputes.exists()
    ):
        try:
            disputes.submission_acknowledge(
                submission=submission,
                agent=submission.agent,
                now=_at(submission, datetime.timedelta(hours=3)),
            )
            made += 1
        except ValidationError as exc:
            _say(stdout, f"Demo disputes: acknowledgement skipped ({' '.join(exc.messages)}).\n")

    submission = _graded(*OPEN)
    if submission is not None and not submission.disputes.exists():
        made += _raise(submission, OPEN_REASON, datetime.timedelta(hours=20), stdout) is not None

    submission = _graded(*UPHELD)
    if submission is not None and arbiter is not None and not submission.disputes.exists():
        dispute = _raise(submission, UPHELD_REASON, datetime.timedelta(hours=6), stdout)
        if dispute is not None:
            made += 1
            top = max(dispute.criterion.levels.all(), key=lambda lv: lv.points)
            try:
                disputes.dispute_decide(
                    dispute=dispute,
                    arbiter=arbiter,
                    uphold=True,
                    decision=UPHELD_DECISION,
                    new_level=top,
                    now=_at(submission, datetime.timedelta(days=1, hours=6)),
                )
                made += 1
            except ValidationError as exc:
                _say(stdout, f"Demo disputes: decision skipped ({' '.join(exc.messages)}).\n")

    _say(
        stdout,
        f"Demo disputes: {made} made; {windows} graded submissions given a response window.\n",
    )
    return made


def _raise(
    submission: Submission, reason: str, after: datetime.timedelta, stdout: TextIO | None
) -> Dispute | None:
    criterion = _first_below_top(submission)
    if criterion is None:
        return None
    try:
        return disputes.dispute_raise(
            submission=submission,
            criterion=criterion,
            agent=submission.agent,
            reason=reason,
            now=_at(submission, after),
        )
    except ValidationError as exc:
        _say(stdout, f"Demo disputes: dispute skipped ({' '.join(exc.messages)}).\n")
        return None
