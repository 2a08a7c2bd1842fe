"""Issuing, rendering, revoking and expiring certificates.

Issuing writes a PENDING row (serial, verification code, evidence snapshot) and, once
that commits, a Celery task renders the PDF; only when the file is stored does the row
say ISSUED. Issuing twice — two HR clicks, a retried task — yields one certificate: the
holder's row is locked while deciding, and (holder, program, cycle) is unique.
"""

import calendar
import contextlib
import datetime
import hashlib
import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment
from courses.services import enrolment_create
from lms.models import Evidence, User
from lms.preferences import speaking_to
from lms.services import evidence_record, evidence_withdraw, notification_send

from .eligibility import eligibility_of
from .models import Certificate, PointsEntry, Program, Requirement, SerialCounter
from .points import points_award

REMINDER_DAYS = (60, 14)
logger = logging.getLogger(__name__)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _next_serial(year: int) -> str:
    counter, _created = SerialCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"AA-{year}-{counter.last:06d}"


def _lock_holder(holder: User) -> None:
    User.objects.select_for_update(no_key=True).filter(pk=holder.pk).values_list("pk").get()


@transaction.atomic
def certificate_issue(
    *,
    program: Program,
    holder: User,
    issued_by: User | None,
    now: datetime.datetime | None = None,
) -> tuple[Certificate, bool]:
    """Issue (or renew) the holder's certificate if they meet the requirements.

    Returns (certificate, created). A certificate being issued or valid is returned as
    it is; one expiring soon, expired or revoked is followed by the next cycle.
    """
    now = now or timezone.now()
    if not program.is_active:
        raise ValidationError(_("This program is closed."), code="closed")
    if not holder.is_active:
        raise ValidationError(_("This person has left."), code="inactive")
    _lock_holder(holder)
    status = eligibility_of(program, holder)
    if status.current is not None and status.holds_valid:
        return status.current, False
    if not status.eligible:
        raise ValidationError(
            _("%(person)s does not meet the requirements yet: %(missing)s.")
            % {"person": holder, "missing": "; ".join(c.label for c in status.missing)},
            code="not_eligible",
        )
    cycle = status.current.cycle + 1 if status.current else 1
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                program=program,
                holder=holder,
                cycle=cycle,
                serial=_next_serial(today.year),
                code=secrets.token_urlsafe(32),  # 256 random bits
                requested_at=now,
                issued_by=issued_by,
                valid_from=today,
                expires_on=(
                    add_months(today, program.validity_months) if program.validity_months else None
                ),
                evidence=[
                    {"requirement": c.label, "met": c.met, "detail": c.detail}
                    for c in status.checks
                ],
            )
    except IntegrityError:
        # Someone issued the same cycle in between (only possible without the lock, e.g.
        # a holder row lock skipped by a future change): one certificate stands.
        return Certificate.objects.get(holder=holder, program=program, cycle=cycle), False

    transaction.on_commit(lambda: _queue_render(certificate.pk))
    return certificate, True


def _queue_render(certificate_id: int) -> None:
    """Queue the rendering; if that fails (broker down, or a failure in eager mode) the
    certificate stays PENDING, is logged, and the daily sweep queues it again — the
    issuing itself has already committed and must not be reported as failed."""
    from .tasks import certificate_render

    try:
        certificate_render.delay(certificate_id)
    except Exception:
        logger.exception(
            "Rendering certificate %s failed; the daily sweep retries it.", certificate_id
        )


def certificates_render_pending(
    *, older_than: datetime.timedelta = datetime.timedelta(minutes=10)
) -> int:
    """Queue again the certificates still PENDING after a while; returns how many."""
    stale = list(
        Certificate.objects.filter(
            status=Certificate.Status.PENDING, requested_at__lte=timezone.now() - older_than
        ).values_list("pk", flat=True)
    )
    for pk in stale:
        _queue_render(pk)
    return len(stale)


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render and store the PDF, then mark the certificate issued; doing it again changes
    nothing. The slow rendering happens outside any transaction."""
    from .pdf import render_certificate_pdf

    certificate = Certificate.objects.select_related("program", "holder", "issued_by").get(
        pk=certificate_id
    )
    if certificate.status != Certificate.Status.PENDING:
        return certificate
    data = render_certificate_pdf(certificate)
    digest = hashlib.sha256(data).hexdigest()
    name = f"certificates/{certificate.code}.pdf"
    stored = _store_pdf(name, data, digest)
    certificate = _mark_issued(certificate_id, stored, digest)
    # One file per certificate: the one the row names stays; another attempt's (a retry
    # overlapping a slow worker, or an earlier attempt with another design) goes.
    for leftover in {name, stored} - {certificate.pdf.name}:
        if default_storage.exists(leftover):
            default_storage.delete(leftover)
    return certificate


def _store_pdf(name: str, data: bytes, digest: str) -> str:
    """A fixed name per certificate, so that a retry finds its earlier attempt. Rendering
    is deterministic: the same bytes already there (an attempt that stored its file but
    failed to mark the row) are kept, not written twice. Different bytes are never
    overwritten, since the row may already name them: ours go beside them."""
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if hashlib.sha256(existing.read()).hexdigest() == digest:
                return name
    return default_storage.save(name, ContentFile(data))


@transaction.atomic
def _mark_issued(certificate_id: int, stored: str, digest: str) -> Certificate:
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("program", "holder")
        .get(pk=certificate_id)
    )
    if certificate.status != Certificate.Status.PENDING:
        return certificate
    now = timezone.now()
    certificate.pdf.name = stored
    certificate.pdf_sha256 = digest
    certificate.status = Certificate.Status.ISSUED
    certificate.issued_at = now
    certificate.save(update_fields=["pdf", "pdf_sha256", "status", "issued_at"])
    _issued_effects(certificate, now)
    return certificate


def _issued_effects(certificate: Certificate, now: datetime.datetime) -> None:
    program, holder = certificate.program, certificate.holder
    previous = (
        Certificate.objects.filter(
            program=program,
            holder=holder,
            cycle__lt=certificate.cycle,
            status=Certificate.Status.ISSUED,
            superseded_by__isnull=True,
        )
        .exclude(pk=certificate.pk)
        .first()
    )
    if previous is not None:
        previous.superseded_by = certificate
        previous.save(update_fields=["superseded_by"])
    points_award(
        person=holder,
        amount=program.points_awarded,
        reason=PointsEntry.Reason.CERTIFICATE,
        source_type="certification.certificate",
        source_id=certificate.pk,
        note=str(program),
        created_by=certificate.issued_by,
        at=now,
    )
    valid_until = certificate.expires_on if program.evidence_lapses else None
    if valid_until is not None:
        valid_until -= datetime.timedelta(days=1)  # expires_on is the first invalid day
    for requirement in program.requirements.filter(kind=Requirement.Kind.COMPETENCY).select_related(
        "competency"
    ):
        if not requirement.competency.is_active:
            continue
        evidence_record(
            agent=holder,
            competency=requirement.competency,
            level=requirement.minimum,
            source=Evidence.Source.CERTIFICATE,
            source_ref=f"certificate:{certificate.pk}",
            observed_on=certificate.valid_from,
            valid_until=valid_until,
            recorded_by=certificate.issued_by,
            note=certificate.serial,
        )
    with speaking_to(holder):
        notification_send(
            recipient=holder,
            key=f"certificate-issued:{certificate.pk}",
            subject=_("Your certificate %(program)s has been issued") % {"program": program},
            url=reverse("certification:certificate", args=[certificate.pk]),
        )


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """HR withdraws a certificate: the verification page says so, with the reason; its
    evidence is withdrawn and its points are taken back by a new ledger entry."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("program", "holder")
        .get(pk=certificate.pk)
    )
    if certificate.status == Certificate.Status.REVOKED:
        raise ValidationError(_("This certificate has already been revoked."), code="revoked")
    if certificate.status == Certificate.Status.PENDING:
        raise ValidationError(
            _("This certificate is still being issued; revoke it once it is."), code="pending"
        )
    if not reason.strip():
        raise ValidationError(_("Say why the certificate is revoked."), code="reason")
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason.strip()
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    for evidence in Evidence.objects.filter(
        agent=certificate.holder,
        source=Evidence.Source.CERTIFICATE,
        source_ref=f"certificate:{certificate.pk}",
        withdrawn_at__isnull=True,
    ):
        evidence_withdraw(evidence=evidence, withdrawn_by=by, reason=reason.strip())
    awarded = PointsEntry.objects.filter(
        key=f"{PointsEntry.Reason.CERTIFICATE}:certification.certificate:{certificate.pk}:"
        f"{certificate.holder_id}"
    ).first()
    if awarded is not None:
        points_award(
            person=certificate.holder,
            amount=-awarded.amount,
            reason=PointsEntry.Reason.CERTIFICATE,
            source_type="certification.certificate.revoked",
            source_id=certificate.pk,
            note=_("Certificate %(serial)s revoked") % {"serial": certificate.serial},
            created_by=by,
        )
    with speaking_to(certificate.holder):
        notification_send(
            recipient=certificate.holder,
            key=f"certificate-revoked:{certificate.pk}",
            subject=_("Your certificate %(serial)s has been revoked")
            % {"serial": certificate.serial},
            url=reverse("certification:certificate", args=[certificate.pk]),
        )
    return certificate


# --- Expiry and recertification (Celery beat, daily) -----------------------------------


def certificates_expire(*, today: datetime.date | None = None) -> int:
    """Mark certificates past their expiry as expired; returns how many changed."""
    today = today or timezone.localdate()
    return Certificate.objects.filter(
        status=Certificate.Status.ISSUED, expires_on__lte=today
    ).update(status=Certificate.Status.EXPIRED)


def expiry_reminders_send(*, today: datetime.date | None = None) -> int:
    """60 and 14 days ahead: remind the holder (once per threshold) and, at the first
    reminder, enrol them in the program's refresher course. Renewed certificates are
    left alone. Returns how many reminders were created."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(REMINDER_DAYS))
    due = Certificate.objects.filter(
        status=Certificate.Status.ISSUED,
        superseded_by__isnull=True,
        expires_on__gt=today,
        expires_on__lte=horizon,
    ).select_related("program__refresher_course", "holder")
    holders = {c.holder_id for c in due}
    refreshers = {c.program.refresher_course_id for c in due if c.program.refresher_course_id}
    active_refreshers: set[tuple[int, int]] = set()
    # When each holder was last enrolled in a refresher for recertification: one
    # enrolment per certificate, even if they finish it between the 60- and 14-day runs.
    recertified: dict[tuple[int, int], datetime.date] = {}
    for agent_id, course_id, status, source, enrolled_at in Enrolment.objects.filter(
        agent_id__in=holders, course_id__in=refreshers
    ).values_list("agent_id", "course_id", "status", "source", "enrolled_at"):
        if status in Enrolment.ACTIVE_STATUSES:
            active_refreshers.add((agent_id, course_id))
        if source == Enrolment.Source.RECERTIFICATION:
            day = timezone.localdate(enrolled_at)
            recertified[agent_id, course_id] = max(day, recertified.get((agent_id, course_id), day))
    sent = 0
    for certificate in due:
        days_left = (certificate.expires_on - today).days
        threshold = min(d for d in REMINDER_DAYS if days_left <= d)
        with transaction.atomic(), speaking_to(certificate.holder):
            _n, created = notification_send(
                recipient=certificate.holder,
                key=f"certificate-expiry-{threshold}:{certificate.pk}",
                subject=_("Your certificate %(program)s expires on %(date)s")
                % {"program": certificate.program, "date": certificate.expires_on.isoformat()},
                url=reverse("certification:certificate", args=[certificate.pk]),
            )
            sent += created
            course = certificate.program.refresher_course
            pair = (certificate.holder_id, course.pk) if course is not None else None
            if (
                course is not None
                and course.status == course.Status.PUBLISHED
                and pair not in active_refreshers
                and recertified.get(pair, datetime.date.min) < certificate.valid_from
            ):
                with contextlib.suppress(ValidationError):  # e.g. already enrolled
                    enrolment_create(
                        agent=certificate.holder,
                        course=course,
                        source=Enrolment.Source.RECERTIFICATION,
                        assigned_by=None,
                        due_on=certificate.expires_on,
                    )
                active_refreshers.add(pair)
    return sent


def automatic_issue(*, person: User) -> list[Certificate]:
    """Issue every automatic program the person now meets (after a course, a pass, an
    evidence change). Programs they hold or do not meet are skipped quietly."""
    issued = []
    for program in Program.objects.filter(is_active=True, issue_mode=Program.IssueMode.AUTOMATIC):
        try:
            certificate, created = certificate_issue(program=program, holder=person, issued_by=None)
        except ValidationError:
            continue
        if created:
            issued.append(certificate)
    return issued
