"""Services for rubrics, scenarios, role-play submissions and their grading.

Every write is one transaction and raises ``ValidationError`` with a translated message
(nothing saved) when it cannot be done.
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment
from courses.services import enrolment_complete_if_done
from lms.models import Evidence, Mentorship, User
from lms.preferences import speaking_to
from lms.services import evidence_record, notification_send

from .media_checks import validate_audio
from .models import (
    Channel,
    Criterion,
    CriterionLevel,
    CriterionScore,
    Grade,
    Rubric,
    RubricVersion,
    Scenario,
    ScenarioTurn,
    Submission,
    SubmissionTurn,
)
from .quality import Exchange, normalise, quality_check, rules_for
from .roleplay_permissions import can_grade
from .signals import assessment_passed

# --- Rubrics -------------------------------------------------------------------------

LevelSpec = tuple[int, str, str, int | None, bool]  # points, zh, en, demonstrates, fails


@transaction.atomic
def rubric_create(*, code: str, title_zh: str, created_by: User | None, **fields: Any) -> Rubric:
    rubric = Rubric(code=code, title_zh=title_zh, created_by=created_by, **fields)
    rubric.full_clean()
    rubric.save()
    RubricVersion.objects.create(rubric=rubric, number=1)
    return rubric


def rubric_current(rubric: Rubric) -> RubricVersion | None:
    """The latest published version: what new submissions are graded with."""
    return rubric.versions.filter(is_published=True).order_by("-number").first()


@transaction.atomic
def rubric_draft(*, rubric: Rubric) -> RubricVersion:
    """The version to edit: the unpublished one, or a copy of the latest published one.

    Published versions are never edited, so grades given with them keep their meaning.
    """
    Rubric.objects.select_for_update().filter(pk=rubric.pk).values_list("pk").get()
    latest = rubric.versions.order_by("-number").first()
    if latest is not None and not latest.is_published:
        return latest
    draft = RubricVersion.objects.create(rubric=rubric, number=(latest.number if latest else 0) + 1)
    if latest is not None:
        for criterion in latest.criteria.prefetch_related("levels"):
            levels = list(criterion.levels.all())
            criterion.pk = None
            criterion.version = draft
            criterion.save()
            CriterionLevel.objects.bulk_create(
                CriterionLevel(
                    criterion=criterion,
                    order=level.order,
                    points=level.points,
                    descriptor_zh=level.descriptor_zh,
                    descriptor_en=level.descriptor_en,
                    demonstrates=level.demonstrates,
                    fails=level.fails,
                )
                for level in levels
            )
    return draft


def _editable(version: RubricVersion) -> None:
    if version.is_published:
        raise ValidationError(
            _("This rubric version is published; edit a new draft instead."), code="published"
        )


@transaction.atomic
def criterion_add(
    *, version: RubricVersion, title_zh: str, levels: list[LevelSpec], **fields: Any
) -> Criterion:
    _editable(version)
    if len(levels) < 2:
        raise ValidationError(
            _("A criterion needs at least two performance levels."), code="levels"
        )
    if len({points for points, *_rest in levels}) != len(levels):
        raise ValidationError(_("Two levels of a criterion have the same points."), code="points")
    fields.setdefault("order", version.criteria.count() + 1)
    criterion = Criterion(version=version, title_zh=title_zh, **fields)
    criterion.full_clean()
    criterion.save()
    CriterionLevel.objects.bulk_create(
        CriterionLevel(
            criterion=criterion,
            order=i,
            points=points,
            descriptor_zh=zh,
            descriptor_en=en,
            demonstrates=demonstrates,
            fails=fails,
        )
        for i, (points, zh, en, demonstrates, fails) in enumerate(
            sorted(levels, key=lambda spec: spec[0]), start=1
        )
    )
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion) -> None:
    _editable(criterion.version)
    criterion.delete()


@transaction.atomic
def rubric_publish(*, version: RubricVersion) -> RubricVersion:
    _editable(version)
    criteria = list(version.criteria.prefetch_related("levels"))
    if not criteria:
        raise ValidationError(_("Add at least one criterion."), code="empty")
    total = sum(c.weight for c in criteria)
    if total != 100:
        raise ValidationError(
            _("The weights add up to %(total)s; they must add up to 100.") % {"total": total},
            code="weights",
        )
    version.is_published = True
    version.save(update_fields=["is_published"])
    return version


# --- Scenarios -----------------------------------------------------------------------


@transaction.atomic
def scenario_publish(*, scenario: Scenario) -> Scenario:
    if rubric_current(scenario.rubric) is None:
        raise ValidationError(_("Publish the rubric first."), code="rubric")
    if scenario.kind == Scenario.Kind.ROLEPLAY and not scenario.turns.exists():
        raise ValidationError(_("Write at least one customer turn."), code="turns")
    scenario.status = Scenario.Status.PUBLISHED
    scenario.save(update_fields=["status"])
    return scenario


def next_script_turn(
    turns: list[ScenarioTurn], current: ScenarioTurn, reply: str
) -> ScenarioTurn | None:
    """The customer's next message: the first branch whose words are in the reply, else
    the next turn in order; none once a turn ends the conversation."""
    if current.ends:
        return None
    by_order = {t.order: t for t in turns}
    text = normalise(reply)
    for branch in current.branches or []:
        words = [normalise(w) for w in branch.get("contains", []) if w]
        if any(w in text for w in words) and branch.get("goto") in by_order:
            return by_order[branch["goto"]]
    later = [t for t in turns if t.order > current.order]
    return min(later, key=lambda t: t.order) if later else None


# --- Submissions ---------------------------------------------------------------------


@transaction.atomic
def submission_start(
    *, scenario: Scenario, agent: User, now: datetime.datetime | None = None
) -> Submission:
    """Start (or resume) a role-play or case review; the first customer message appears."""
    now = now or timezone.now()
    if scenario.status != Scenario.Status.PUBLISHED:
        raise ValidationError(_("This scenario is not open."), code="unpublished")
    version = rubric_current(scenario.rubric)
    if version is None:
        raise ValidationError(_("This scenario has no published rubric yet."), code="rubric")
    User.objects.select_for_update(no_key=True).filter(pk=agent.pk).values_list("pk").get()
    open_submission = Submission.objects.filter(
        scenario=scenario, agent=agent, status=Submission.Status.IN_PROGRESS
    ).first()
    if open_submission is not None:
        return open_submission
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                scenario=scenario, agent=agent, rubric_version=version, started_at=now
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("This scenario was just started. Reload the page."), code="race"
        ) from exc
    first = scenario.turns.order_by("order").first()
    if scenario.kind == Scenario.Kind.ROLEPLAY and first is not None:
        _show(submission, first, order=1, now=now)
    return submission


def _show(submission: Submission, turn: ScenarioTurn, *, order: int, now) -> SubmissionTurn:
    return SubmissionTurn.objects.create(
        submission=submission,
        order=order,
        script_turn=turn.order,
        customer_text=turn.text_zh,
        reply_target_seconds=turn.reply_target_seconds,
        shown_at=now,
    )


def _open(submission: Submission) -> Submission:
    submission = (
        Submission.objects.select_for_update().select_related("scenario").get(pk=submission.pk)
    )
    if submission.status != Submission.Status.IN_PROGRESS:
        raise ValidationError(_("This submission has been handed in."), code="submitted")
    return submission


@transaction.atomic
def turn_reply(
    *, submission: Submission, reply: str, now: datetime.datetime | None = None
) -> SubmissionTurn | None:
    """Save the agent's reply to the waiting customer message, timed on the server, and
    show the next one. Returns the next exchange, or None when the script has ended."""
    now = now or timezone.now()
    submission = _open(submission)
    reply = reply.strip()
    if not reply:
        raise ValidationError(_("Write a reply first."), code="empty")
    waiting = submission.turns.filter(replied_at__isnull=True).order_by("order").first()
    if waiting is None:
        raise ValidationError(_("The conversation has ended: submit it."), code="ended")
    waiting.reply = reply
    waiting.replied_at = now
    waiting.latency_seconds = max(int((now - waiting.shown_at).total_seconds()), 0)
    waiting.save(update_fields=["reply", "replied_at", "latency_seconds"])
    turns = list(submission.scenario.turns.all())
    current = next(t for t in turns if t.order == waiting.script_turn)
    following = next_script_turn(turns, current, reply)
    # A branch may loop back; a conversation never runs longer than twice the script.
    if following is None or waiting.order >= 2 * len(turns):
        return None
    return _show(submission, following, order=waiting.order + 1, now=now)


@transaction.atomic
def turn_audio_attach(*, submission: Submission, order: int, audio: UploadedFile) -> SubmissionTurn:
    """Keep the agent's spoken reply to one customer message of a phone role-play,
    replacing an earlier upload; only while the conversation is open."""
    submission = _open(submission)
    if submission.scenario.channel != Channel.PHONE:
        raise ValidationError(_("Only phone scenarios take spoken replies."), code="channel")
    turn = submission.turns.filter(order=order).first()
    if turn is None:
        raise ValidationError(_("The customer has not said that yet."), code="turn")
    try:
        validate_audio(audio)
    except ValidationError as exc:
        raise ValidationError(" ".join(exc.messages), code="audio") from exc
    previous = turn.audio.name
    turn.audio = audio
    turn.save(update_fields=["audio"])
    if previous:
        storage = turn.audio.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return turn


@transaction.atomic
def submission_submit(
    *, submission: Submission, case_text: str | None = None, now: datetime.datetime | None = None
) -> Submission:
    """Hand in for grading; the quality check runs in the background."""
    now = now or timezone.now()
    submission = _open(submission)
    fields = ["status", "submitted_at", "grading_due_at"]
    if submission.scenario.kind == Scenario.Kind.CASE_REVIEW:
        text = (case_text if case_text is not None else submission.case_text).strip()
        if not text:
            raise ValidationError(_("Write the case analysis first."), code="empty")
        submission.case_text = text
        fields.append("case_text")
    elif not submission.turns.filter(replied_at__isnull=False).exists():
        raise ValidationError(_("Reply to the customer at least once."), code="empty")
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now
    submission.grading_due_at = now + datetime.timedelta(hours=submission.scenario.grading_hours)
    submission.save(update_fields=fields)
    if submission.scenario.kind == Scenario.Kind.ROLEPLAY:
        from .tasks import submission_quality_check  # tasks import services: no cycle

        transaction.on_commit(lambda: submission_quality_check.delay(submission.pk))
    return submission


@transaction.atomic
def submission_quality_check(*, submission_id: int) -> dict:
    """Run the quality check and store its findings; running it again gives the same."""
    submission = (
        Submission.objects.select_for_update().select_related("scenario").get(pk=submission_id)
    )
    exchanges = [
        Exchange(t.reply, t.latency_seconds, t.reply_target_seconds)
        for t in submission.turns.filter(replied_at__isnull=False).order_by("order")
    ]
    submission.quality = quality_check(exchanges, rules_for(submission.scenario.quality_rules))
    submission.save(update_fields=["quality"])
    return submission.quality


# --- Grading -------------------------------------------------------------------------


@transaction.atomic
def grade_start(*, submission: Submission, grader: User, role: str = Grade.Role.PRIMARY) -> Grade:
    """Open (or return the grader's own) draft grade; the submission goes in review."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.agent_id == grader.pk:
        raise ValidationError(_("Nobody grades their own work."), code="self")
    if submission.status not in (Submission.Status.SUBMITTED, Submission.Status.IN_REVIEW):
        raise ValidationError(_("This submission is not waiting for a grade."), code="status")
    existing = Grade.objects.filter(submission=submission, role=role).first()
    if existing is not None:
        if existing.grader_id != grader.pk:
            raise ValidationError(
                _("%(grader)s is already grading this submission.") % {"grader": existing.grader},
                code="taken",
            )
        return existing
    try:
        with transaction.atomic():
            grade = Grade.objects.create(submission=submission, grader=grader, role=role)
    except IntegrityError as exc:
        raise ValidationError(_("Someone else just started grading it."), code="taken") from exc
    if submission.status == Submission.Status.SUBMITTED:
        submission.status = Submission.Status.IN_REVIEW
        submission.save(update_fields=["status"])
    return grade


def _draft(grade: Grade) -> Grade:
    grade = Grade.objects.select_for_update().get(pk=grade.pk)
    if grade.status != Grade.Status.DRAFT:
        raise ValidationError(_("This grade is final."), code="final")
    return grade


@transaction.atomic
def grade_score_set(
    *, grade: Grade, criterion: Criterion, level: CriterionLevel | None, comment: str = ""
) -> CriterionScore:
    grade = _draft(grade)
    if criterion.version_id != grade.submission.rubric_version_id:
        raise ValidationError(
            _("This criterion is not in the submission's rubric."), code="criterion"
        )
    if level is None and not criterion.allow_not_applicable:
        raise ValidationError(
            _("%(criterion)s must be graded.") % {"criterion": criterion}, code="required"
        )
    if level is not None and level.criterion_id != criterion.pk:
        raise ValidationError(_("Choose one of the criterion's levels."), code="level")
    score, _created = CriterionScore.objects.update_or_create(
        grade=grade, criterion=criterion, defaults={"level": level, "comment": comment.strip()}
    )
    grade.score, grade.critical_failed = grade_total(grade)
    grade.save(update_fields=["score", "critical_failed", "updated_at"])
    return score


def grade_total(
    grade: Grade, overrides: dict[int, CriterionLevel] | None = None
) -> tuple[Decimal | None, bool]:
    """Weighted score in % over the criteria graded so far (not-applicable ones leave the
    total), and whether a critical criterion failed. ``overrides`` (criterion id → level)
    are the levels arbitration decided, in place of the grader's."""
    overrides = overrides or {}
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(
            version_id=grade.submission.rubric_version_id
        ).prefetch_related("levels")
    }
    top = {c: max(c.levels.all(), key=lambda lv: lv.points).points for c in criteria.values()}
    earned, weights, critical_failed = Decimal(0), 0, False
    for score in grade.scores.select_related("level"):
        criterion = criteria[score.criterion_id]
        level = overrides.get(score.criterion_id, score.level)
        if level is None:
            continue
        weights += criterion.weight
        earned += Decimal(criterion.weight) * level.points / top[criterion]
        critical_failed |= criterion.critical and level.fails
    if not weights:
        return None, critical_failed
    return (100 * earned / weights).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    ), critical_failed


@transaction.atomic
def grade_finalise(*, grade: Grade, feedback: str, now: datetime.datetime | None = None) -> Grade:
    """Finalise a grade; the submission row is locked so that only one grader finalises."""
    now = now or timezone.now()
    submission = (
        Submission.objects.select_for_update()
        .select_related("scenario", "scenario__rubric")
        .get(pk=grade.submission_id)
    )
    grade = _draft(grade)
    if submission.status != Submission.Status.IN_REVIEW:
        raise ValidationError(_("This submission is not in review."), code="status")
    criteria = list(Criterion.objects.filter(version_id=submission.rubric_version_id))
    scored = set(grade.scores.values_list("criterion_id", flat=True))
    missing = [c for c in criteria if c.pk not in scored]
    if missing:
        raise ValidationError(
            _("Grade every criterion first: %(missing)s.")
            % {"missing": ", ".join(str(c) for c in missing)},
            code="incomplete",
        )
    grade.feedback = feedback.strip()
    grade.score, grade.critical_failed = grade_total(grade)
    grade.status = Grade.Status.FINAL
    grade.finalised_at = now
    grade.save(update_fields=["feedback", "score", "critical_failed", "status", "finalised_at"])
    # With a second grader, the submission is graded only once both grades are final.
    grades = {g.role: g for g in Grade.objects.filter(submission=submission)}
    primary = grades.get(Grade.Role.PRIMARY)
    if primary is not None and all(g.status == Grade.Status.FINAL for g in grades.values()):
        _submission_graded(submission, primary, now, grades.get(Grade.Role.SECOND))
    return grade


def combined_result(policy: str, primary: Grade, second: Grade | None) -> tuple[Decimal, bool]:
    """The submission's score and critical failure from its final grade(s).

    With a second grade the rubric's policy decides: MEAN averages the two scores (a
    critical failure in either fails the review); SENIOR keeps the primary grader's result
    — the primary grader is the senior one (there is no separate seniority field)."""
    score = primary.score or Decimal(0)
    if second is None or policy == Rubric.Policy.SENIOR:
        return score, primary.critical_failed
    mean = (score + (second.score or Decimal(0))) / 2
    return (
        mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        primary.critical_failed or second.critical_failed,
    )


def _submission_graded(
    submission: Submission, grade: Grade, now, second: Grade | None = None
) -> None:
    """Grade the submission once every grade is final. Evidence comes from the primary
    ``grade`` only, written once, when the submission becomes graded."""
    score, critical = combined_result(submission.scenario.rubric.policy, grade, second)
    submission.status = Submission.Status.GRADED
    submission.score = score
    submission.passed = score >= submission.scenario.rubric.pass_mark and not critical
    submission.graded_at = now
    submission.respond_by = now + datetime.timedelta(days=settings.ROLEPLAY_DISPUTE_DAYS)
    submission.save(update_fields=["status", "score", "passed", "graded_at", "respond_by"])
    source = (
        Evidence.Source.CASE_REVIEW
        if submission.scenario.kind == Scenario.Kind.CASE_REVIEW
        else Evidence.Source.ROLEPLAY
    )
    for score_row in grade.scores.select_related("criterion__competency", "level"):
        level = score_row.level
        competency = score_row.criterion.competency
        if level is None or level.demonstrates is None or not competency.is_active:
            continue
        evidence_record(
            agent=submission.agent,
            competency=competency,
            level=level.demonstrates,
            source=source,
            source_ref=f"grade:{grade.pk}:{score_row.criterion_id}",
            observed_on=timezone.localdate(now),
            recorded_by=grade.grader,
            note=str(submission.scenario),
        )
    if submission.passed:
        submission_passed_effects(submission)


def submission_passed_effects(submission: Submission) -> None:
    """A passed submission completes the course that requires it and tells listeners."""
    scenario = submission.scenario
    if scenario.course_id and scenario.required_for_course:
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("version", "course")
            .filter(
                agent=submission.agent,
                course_id=scenario.course_id,
                status__in=Enrolment.ACTIVE_STATUSES,
            )
            .first()
        )
        if enrolment is not None:
            enrolment_complete_if_done(enrolment=enrolment)
    transaction.on_commit(lambda: assessment_passed.send(sender=Submission, submission=submission))


@transaction.atomic
def submission_return(*, grade: Grade, comment: str) -> Submission:
    """Send the work back for a redo, with the grader's comment. The grades of this
    submission go (a second grader's too): the redo is a new submission, graded afresh."""
    grade = _draft(grade)
    if not comment.strip():
        raise ValidationError(_("Say what to redo."), code="comment")
    submission = Submission.objects.select_for_update().get(pk=grade.submission_id)
    submission.status = Submission.Status.RETURNED
    submission.return_comment = comment.strip()
    submission.save(update_fields=["status", "return_comment"])
    submission.grades.all().delete()
    return submission


def required_scenarios_unmet(enrolment: Enrolment) -> list[str]:
    """Registered with courses.hooks: required scenarios must be passed."""
    required = Scenario.objects.filter(
        course_id=enrolment.course_id,
        required_for_course=True,
        status=Scenario.Status.PUBLISHED,
    )
    passed = set(
        Submission.objects.filter(
            agent_id=enrolment.agent_id, scenario__in=required, passed=True
        ).values_list("scenario_id", flat=True)
    )
    return [
        _("pass the scenario %(scenario)s") % {"scenario": s}
        for s in required
        if s.pk not in passed
    ]


# --- Grading deadlines (Celery beat) -------------------------------------------------


def grading_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the mentor of a submission ungraded past its due time, and once it is late
    by as long again, tell the agent's team lead. Keyed by event: running twice sends
    nothing twice. Returns how many notifications were created."""
    now = now or timezone.now()
    sent = 0
    late = Submission.objects.filter(
        status__in=[Submission.Status.SUBMITTED, Submission.Status.IN_REVIEW],
        grading_due_at__lte=now,
    ).select_related("agent", "agent__team__lead", "scenario")
    mentors = {
        m.mentee_id: m.mentor
        for m in Mentorship.objects.filter(
            mentee__in=[s.agent_id for s in late], ended_on__isnull=True
        ).select_related("mentor")
    }
    for submission in late:
        mentor = mentors.get(submission.agent_id)
        if mentor is not None:
            with speaking_to(mentor):
                _n, created = notification_send(
                    recipient=mentor,
                    key=f"grading-due:{submission.pk}",
                    subject=_("Waiting for your grade: %(agent)s, %(scenario)s")
                    % {"agent": submission.agent, "scenario": submission.scenario},
                    url=reverse("assessments:roleplay-queue"),
                )
            sent += created
        overdue_for = now - submission.grading_due_at
        waited = submission.grading_due_at - submission.submitted_at
        lead = submission.agent.team.lead if submission.agent.team_id else None
        if lead is not None and overdue_for >= waited:
            with speaking_to(lead):
                _n, created = notification_send(
                    recipient=lead,
                    key=f"grading-escalated:{submission.pk}",
                    subject=_("Ungraded for too long: %(agent)s, %(scenario)s")
                    % {"agent": submission.agent, "scenario": submission.scenario},
                    url=reverse("assessments:roleplay-queue"),
                )
            sent += created
    return sent


@transaction.atomic
def grade_feedback_set(*, grade: Grade, feedback: str) -> Grade:
    """Keep the overall feedback of a draft grade."""
    grade = _draft(grade)
    grade.feedback = feedback.strip()
    grade.save(update_fields=["feedback", "updated_at"])
    return grade


# --- Calibration: second graders -----------------------------------------------------


@transaction.atomic
def second_grader_request(*, submission: Submission, grader: User, requested_by: User) -> Grade:
    """Open the SECOND grade draft of a submission for ``grader``. Only before the
    submission is graded, never for the agent or the primary grader, and only for someone
    who may grade it. ``requested_by`` (HR or an author) is checked by the caller."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status not in (Submission.Status.SUBMITTED, Submission.Status.IN_REVIEW):
        raise ValidationError(_("This submission is not waiting for a grade."), code="status")
    if submission.agent_id == grader.pk:
        raise ValidationError(_("Nobody grades their own work."), code="self")
    if not can_grade(grader, submission):
        raise ValidationError(
            _("%(grader)s may not grade this submission.") % {"grader": grader}, code="grader"
        )
    grades = {g.role: g for g in Grade.objects.filter(submission=submission)}
    primary, second = grades.get(Grade.Role.PRIMARY), grades.get(Grade.Role.SECOND)
    if primary is not None and primary.grader_id == grader.pk:
        raise ValidationError(_("The second grader must be someone else."), code="same")
    if second is not None:
        if second.grader_id == grader.pk:
            return second
        raise ValidationError(
            _("%(grader)s is already the second grader.") % {"grader": second.grader},
            code="taken",
        )
    grade = Grade.objects.create(submission=submission, grader=grader, role=Grade.Role.SECOND)
    if submission.status == Submission.Status.SUBMITTED:
        submission.status = Submission.Status.IN_REVIEW
        submission.save(update_fields=["status"])
    return grade


def second_graders_sample(
    *, share: int, requested_by: User, graders: list[User], rng: random.Random | None = None
) -> list[Grade]:
    """Ask for a second grade on ``share`` % (rounded up) of the ungraded submissions that
    have none yet, picked at random; each goes to the first of ``graders`` (in a random
    order) allowed to take it. Submissions nobody can take are skipped."""
    rng = rng or random.Random()
    waiting = list(
        Submission.objects.filter(
            status__in=[Submission.Status.SUBMITTED, Submission.Status.IN_REVIEW]
        )
        .exclude(grades__role=Grade.Role.SECOND)
        .order_by("pk")
    )
    count = -(-len(waiting) * max(0, min(share, 100)) // 100)
    created = []
    for submission in rng.sample(waiting, count):
        for grader in rng.sample(graders, len(graders)):
            try:
                created.append(
                    second_grader_request(
                        submission=submission, grader=grader, requested_by=requested_by
                    )
                )
            except ValidationError:
                continue
            break
    return created
