"""After a grade: the agent acknowledges it, or disputes a criterion within the window;
another mentor or a trainer arbitrates. Every step is a row kept for good."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.permissions import can_author
from lms.models import Evidence, Role, User
from lms.preferences import speaking_to
from lms.services import evidence_record, evidence_withdraw, notification_send

from .models import Criterion, CriterionLevel, CriterionScore, Dispute, Grade, Scenario, Submission
from .roleplay import combined_result, grade_total, submission_passed_effects


def _own_graded(submission: Submission, agent: User, now: datetime.datetime) -> Submission:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("scenario__rubric")
        .get(pk=submission.pk)
    )
    if submission.agent_id != agent.pk:
        raise ValidationError(
            _("Only the agent who did the work may answer its grade."), code="agent"
        )
    if submission.status != Submission.Status.GRADED:
        raise ValidationError(_("This submission has not been graded."), code="status")
    if submission.acknowledged_at is not None:
        raise ValidationError(_("You have already acknowledged this grade."), code="acknowledged")
    if submission.respond_by is None or now > submission.respond_by:
        raise ValidationError(
            _("The time to acknowledge or dispute this grade has passed."), code="window"
        )
    return submission


@transaction.atomic
def submission_acknowledge(
    *, submission: Submission, agent: User, now: datetime.datetime | None = None
) -> Submission:
    """The agent accepts the grade; no dispute can follow."""
    now = now or timezone.now()
    submission = _own_graded(submission, agent, now)
    if submission.disputes.filter(status=Dispute.Status.OPEN).exists():
        raise ValidationError(
            _("A dispute of this grade is waiting for a decision."), code="open_dispute"
        )
    submission.acknowledged_at = now
    submission.save(update_fields=["acknowledged_at"])
    return submission


@transaction.atomic
def dispute_raise(
    *,
    submission: Submission,
    criterion: Criterion,
    agent: User,
    reason: str,
    now: datetime.datetime | None = None,
) -> Dispute:
    """The agent contests the level given on one criterion, with a reason."""
    now = now or timezone.now()
    submission = _own_graded(submission, agent, now)
    if criterion.version_id != submission.rubric_version_id:
        raise ValidationError(
            _("This criterion is not in the submission's rubric."), code="criterion"
        )
    if not reason.strip():
        raise ValidationError(_("Say why you disagree."), code="reason")
    given = (
        CriterionScore.objects.filter(
            grade__submission=submission, grade__role=Grade.Role.PRIMARY, criterion=criterion
        )
        .values_list("level_id", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                submission=submission,
                criterion=criterion,
                original_level_id=given,
                reason=reason.strip(),
                raised_at=now,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already disputed %(criterion)s.") % {"criterion": criterion},
            code="duplicate",
        ) from exc
    graders = User.objects.filter(grades_given__submission=submission).distinct()
    for grader in graders:
        with speaking_to(grader):
            notification_send(
                recipient=grader,
                key=f"dispute-raised:{dispute.pk}:{grader.pk}",
                subject=_("%(agent)s disputes %(criterion)s in %(scenario)s")
                % {"agent": agent, "criterion": criterion, "scenario": submission.scenario},
                url=reverse("assessments:roleplay-disputes"),
            )
    return dispute


def may_arbitrate(user: User) -> bool:
    """Mentors, trainers, HR and admin decide disputes (of work they did not grade)."""
    return user.is_authenticated and (
        user.is_superuser or can_author(user) or user.has_role(Role.MENTOR)
    )


def can_arbitrate(user: User, submission: Submission) -> bool:
    """Another mentor or a trainer (HR and admin too): never the agent, never a grader."""
    if not may_arbitrate(user) or submission.agent_id == user.pk:
        return False
    return not Grade.objects.filter(submission=submission, grader=user).exists()


def dispute_get_for(user: User, pk: int) -> Dispute:
    """A dispute the user may decide (or read the decision of); raises
    Dispute.DoesNotExist otherwise, as for a missing one."""
    if not may_arbitrate(user):
        raise Dispute.DoesNotExist
    dispute = Dispute.objects.select_related(
        "submission__agent",
        "submission__scenario",
        "submission__rubric_version__rubric",
        "criterion__competency",
        "original_level",
        "new_level",
        "arbiter",
    ).get(pk=pk)
    if not can_arbitrate(user, dispute.submission):
        raise Dispute.DoesNotExist
    return dispute


def disputes_to_arbitrate(user: User) -> QuerySet[Dispute]:
    """Open disputes the user may decide, oldest first."""
    if not may_arbitrate(user):
        return Dispute.objects.none()
    return (
        Dispute.objects.filter(status=Dispute.Status.OPEN)
        .exclude(submission__agent=user)
        .exclude(submission__grades__grader=user)
        .select_related("submission__agent", "submission__scenario", "criterion", "original_level")
        .order_by("raised_at", "pk")
    )


@transaction.atomic
def dispute_decide(
    *,
    dispute: Dispute,
    arbiter: User,
    uphold: bool,
    decision: str,
    new_level: CriterionLevel | None = None,
    now: datetime.datetime | None = None,
) -> Dispute:
    """Uphold (with the level the arbiter finds right) or reject a dispute. An upheld one
    scores the submission again; the grade rows stay as the grader left them."""
    now = now or timezone.now()
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("scenario__rubric", "agent")
        .get(pk=dispute.submission_id)
    )
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("criterion", "original_level")
        .get(pk=dispute.pk)
    )
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError(_("This dispute has already been decided."), code="decided")
    if not can_arbitrate(arbiter, submission):
        raise ValidationError(
            _("Only another mentor or a trainer may decide this dispute."), code="arbiter"
        )
    if not decision.strip():
        raise ValidationError(_("Explain the decision."), code="decision")
    if uphold:
        if new_level is None or new_level.criterion_id != dispute.criterion_id:
            raise ValidationError(_("Choose one of the criterion's levels."), code="level")
        if new_level.pk == dispute.original_level_id:
            raise ValidationError(
                _("That is the level already given; reject the dispute instead."), code="same"
            )
        # Upholding sides with the agent: the level goes up. A lower one would take back a
        # pass whose effects (a completed course, a certificate) have already happened.
        given = dispute.original_level
        if given is not None and new_level.points < given.points:
            raise ValidationError(
                _("Upholding a dispute cannot lower the level; reject the dispute instead."),
                code="lower",
            )
    dispute.status = Dispute.Status.UPHELD if uphold else Dispute.Status.REJECTED
    dispute.arbiter = arbiter
    dispute.decision = decision.strip()
    dispute.new_level = new_level if uphold else None
    dispute.decided_at = now
    dispute.save(update_fields=["status", "arbiter", "decision", "new_level", "decided_at"])
    if uphold:
        _rescore(submission, dispute, arbiter, now)
    with speaking_to(submission.agent):
        notification_send(
            recipient=submission.agent,
            key=f"dispute-decided:{dispute.pk}",
            subject=(
                _("Your dispute of %(criterion)s was upheld")
                if uphold
                else _("Your dispute of %(criterion)s was rejected")
            )
            % {"criterion": dispute.criterion},
            url=reverse("assessments:roleplay-submission", args=[submission.pk]),
        )
    return dispute


def _rescore(submission: Submission, dispute: Dispute, arbiter: User, now) -> None:
    overrides = {
        d.criterion_id: d.new_level
        for d in submission.disputes.filter(status=Dispute.Status.UPHELD).select_related(
            "new_level"
        )
    }
    grades = {g.role: g for g in submission.grades.filter(status=Grade.Status.FINAL)}
    for grade in grades.values():  # in memory only: the grade rows keep the grader's levels
        grade.score, grade.critical_failed = grade_total(grade, overrides)
    score, critical = combined_result(
        submission.scenario.rubric.policy, grades[Grade.Role.PRIMARY], grades.get(Grade.Role.SECOND)
    )
    was_passed = submission.passed
    submission.score = score
    submission.passed = score >= submission.scenario.rubric.pass_mark and not critical
    submission.save(update_fields=["score", "passed"])
    _evidence_replace(submission, dispute, grades[Grade.Role.PRIMARY], arbiter, now)
    if submission.passed and not was_passed:
        submission_passed_effects(submission)


def _evidence_replace(
    submission: Submission, dispute: Dispute, primary: Grade, arbiter: User, now
) -> None:
    """The criterion's evidence now shows the level the arbiter decided."""
    old = Evidence.objects.filter(
        agent=submission.agent,
        source_ref=f"grade:{primary.pk}:{dispute.criterion_id}",
        withdrawn_at__isnull=True,
    ).first()
    if old is not None:
        evidence_withdraw(
            evidence=old,
            withdrawn_by=arbiter,
            reason=_("Dispute upheld: %(decision)s") % {"decision": dispute.decision},
        )
    level = dispute.new_level.demonstrates
    competency = dispute.criterion.competency
    if level is None or not competency.is_active:
        return
    evidence_record(
        agent=submission.agent,
        competency=competency,
        level=level,
        source=(
            Evidence.Source.CASE_REVIEW
            if submission.scenario.kind == Scenario.Kind.CASE_REVIEW
            else Evidence.Source.ROLEPLAY
        ),
        source_ref=f"dispute:{dispute.pk}",
        observed_on=timezone.localdate(now),
        recorded_by=arbiter,
        note=str(submission.scenario),
    )
