"""Operations that change people, mentorships and competency evidence.

Each is one transaction and raises ``ValidationError`` with a translated message when the
request cannot be honoured; nothing is saved in that case.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Competency,
    CompetencyLevel,
    Evidence,
    Level,
    Mentorship,
    Notification,
    Role,
    User,
)


def _today() -> datetime.date:
    return timezone.localdate()


# --- Mentorships ---------------------------------------------------------------------


@transaction.atomic
def mentorship_create(
    *,
    mentor: User,
    mentee: User,
    created_by: User | None,
    started_on: datetime.date | None = None,
) -> Mentorship:
    if mentor.pk == mentee.pk:
        raise ValidationError(_("Nobody can mentor themselves."), code="self_mentoring")
    # Lock both people in a fixed order so that concurrent assignments queue up here
    # instead of racing past the capacity and one-active-mentor checks.
    locked = {
        u.pk: u
        for u in User.objects.select_for_update().filter(pk__in=sorted([mentor.pk, mentee.pk]))
    }
    mentor, mentee = locked[mentor.pk], locked[mentee.pk]
    if not mentor.is_active or not mentee.is_active:
        raise ValidationError(_("Both people must be active."), code="inactive")
    if not mentor.has_role(Role.MENTOR):
        raise ValidationError(
            _("%(name)s does not hold the mentor role.") % {"name": mentor}, code="not_mentor"
        )
    current = Mentorship.objects.filter(mentee=mentee, ended_on__isnull=True).first()
    if current is not None:
        raise ValidationError(
            _("%(mentee)s already has an active mentor: %(mentor)s.")
            % {"mentee": mentee, "mentor": current.mentor},
            code="already_mentored",
        )
    active_count = Mentorship.objects.filter(mentor=mentor, ended_on__isnull=True).count()
    if active_count >= mentor.mentor_capacity:
        raise ValidationError(
            _("%(mentor)s already coaches %(count)s people, the capacity.")
            % {"mentor": mentor, "count": active_count},
            code="capacity",
        )
    started_on = started_on or _today()
    try:
        with transaction.atomic():
            return Mentorship.objects.create(
                mentor=mentor, mentee=mentee, started_on=started_on, created_by=created_by
            )
    except IntegrityError as exc:
        # The partial unique index is the last word when a concurrent request won.
        raise ValidationError(
            _("%(mentee)s already has an active mentor.") % {"mentee": mentee},
            code="already_mentored",
        ) from exc


@transaction.atomic
def mentorship_end(*, mentorship: Mentorship, ended_on: datetime.date | None = None) -> Mentorship:
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.ended_on is not None:
        raise ValidationError(_("This mentorship has already ended."), code="already_ended")
    ended_on = ended_on or _today()
    if ended_on < mentorship.started_on:
        raise ValidationError(_("A mentorship cannot end before it starts."), code="end_order")
    mentorship.ended_on = ended_on
    mentorship.save(update_fields=["ended_on"])
    return mentorship


# --- Evidence and levels -------------------------------------------------------------


def _agent_lock(agent: User) -> None:
    """Evidence writes and level derivation for one agent take turns.

    Otherwise two recordings at once each derive the level from only their own evidence,
    and the last writer wins. NO KEY UPDATE, because a plain FOR UPDATE conflicts with the
    KEY SHARE lock that inserting an Evidence row referencing the agent takes.
    """
    User.objects.select_for_update(no_key=True).filter(pk=agent.pk).values_list("pk").get()


@transaction.atomic
def evidence_record(
    *,
    agent: User,
    competency: Competency,
    level: int,
    source: str,
    recorded_by: User | None,
    observed_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    source_ref: str = "",
    note: str = "",
) -> Evidence:
    """Record evidence and re-derive the agent's level; idempotent per ``source_ref``."""
    if level not in Level.values:
        raise ValidationError(_("Choose basic, advanced or expert."), code="level")
    if source not in Evidence.Source.values:
        raise ValidationError(_("Unknown evidence source."), code="source")
    if not competency.is_active:
        raise ValidationError(_("This competency is no longer in use."), code="inactive")
    observed_on = observed_on or _today()
    if observed_on > _today():
        raise ValidationError(_("Evidence cannot be dated in the future."), code="future")
    if valid_until is not None and valid_until < observed_on:
        raise ValidationError(
            _("Evidence cannot expire before it was observed."), code="valid_until"
        )
    _agent_lock(agent)
    if source_ref:
        existing = Evidence.objects.filter(
            agent=agent, competency=competency, source=source, source_ref=source_ref
        ).first()
        if existing is not None:
            return existing
    evidence = Evidence.objects.create(
        agent=agent,
        competency=competency,
        level=level,
        source=source,
        source_ref=source_ref,
        observed_on=observed_on,
        valid_until=valid_until,
        note=note,
        recorded_by=recorded_by,
    )
    competency_level_recalculate(agent=agent, competency=competency)
    return evidence


@transaction.atomic
def evidence_withdraw(*, evidence: Evidence, withdrawn_by: User, reason: str) -> Evidence:
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.withdrawn_at is not None:
        raise ValidationError(_("This evidence has already been withdrawn."), code="withdrawn")
    if not reason.strip():
        raise ValidationError(_("Say why the evidence is withdrawn."), code="reason")
    evidence.withdrawn_at = timezone.now()
    evidence.withdrawn_by = withdrawn_by
    evidence.withdrawal_reason = reason.strip()
    evidence.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    competency_level_recalculate(agent=evidence.agent, competency=evidence.competency)
    return evidence


def deciding_evidence(evidence: list[Evidence], today: datetime.date) -> Evidence | None:
    """The rule (docs/competency-levels.md), applied to one agent's evidence for one competency.

    1. Only evidence that is not withdrawn and not past ``valid_until`` counts.
    2. The latest HR assessment, if any, resets the level: evidence observed before it no
       longer counts (this is how a level goes down).
    3. Of what counts, the highest level decides; among equals, the most recent.
    """
    valid = [
        e
        for e in evidence
        if e.withdrawn_at is None and (e.valid_until is None or e.valid_until >= today)
    ]
    assessments = [e for e in valid if e.source == Evidence.Source.HR_ASSESSMENT]
    if assessments:
        baseline = max(assessments, key=lambda e: (e.observed_on, e.pk))
        valid = [e for e in valid if (e.observed_on, e.pk) >= (baseline.observed_on, baseline.pk)]
    if not valid:
        return None
    return max(valid, key=lambda e: (e.level, e.observed_on, e.pk))


@transaction.atomic
def competency_level_recalculate(
    *, agent: User, competency: Competency, today: datetime.date | None = None
) -> CompetencyLevel | None:
    """Re-derive the stored current level from the agent's evidence; None when no level."""
    _agent_lock(agent)
    rows = list(Evidence.objects.filter(agent=agent, competency=competency))
    decided_by = deciding_evidence(rows, today or _today())
    if decided_by is None:
        CompetencyLevel.objects.filter(agent=agent, competency=competency).delete()
        return None
    current, _created = CompetencyLevel.objects.update_or_create(
        agent=agent,
        competency=competency,
        defaults={"level": decided_by.level, "evidence": decided_by},
    )
    return current


def competency_levels_refresh_expired(*, today: datetime.date | None = None) -> int:
    """Re-derive every level that rests on evidence past its validity; returns how many."""
    today = today or _today()
    stale = list(
        CompetencyLevel.objects.filter(evidence__valid_until__lt=today).select_related(
            "agent", "competency"
        )
    )
    for current in stale:
        competency_level_recalculate(
            agent=current.agent, competency=current.competency, today=today
        )
    return len(stale)


# --- People --------------------------------------------------------------------------


@transaction.atomic
def user_set_preferred_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unsupported language."), code="language")
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


# --- Notifications -------------------------------------------------------------------


@transaction.atomic
def notification_send(
    *, recipient: User, key: str, subject: str, body: str = "", url: str = ""
) -> tuple[Notification, bool]:
    """Notify in the app and by e-mail, once per (recipient, key); returns (row, created)."""
    notification, created = Notification.objects.get_or_create(
        recipient=recipient, key=key, defaults={"subject": subject, "body": body, "url": url}
    )
    if created and recipient.email:
        from .tasks import notification_email  # tasks import services: avoid the cycle

        transaction.on_commit(lambda: notification_email.delay(notification.pk))
    return notification, created


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """E-mail a notification once; a retried task finds ``emailed_at`` set and stops."""
    notification = (
        Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
    )
    if notification.emailed_at is not None or not notification.recipient.email:
        return False
    send_mail(
        subject=notification.subject,
        message=f"{notification.body}\n\n{notification.url}".strip(),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
