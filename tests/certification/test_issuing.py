"""Issuing, renewing, revoking and expiring certificates, and the rendering task's retry."""

import datetime
import hashlib
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase
from django.utils import timezone

from certification import issuing, pdf, tasks
from certification.models import Certificate, PointsEntry, Requirement
from certification.points import balance
from courses.models import Enrolment
from lms.models import Evidence, Level, Notification
from tests.certification.factories import (
    ProgramFactory,
    completed_course_for,
    course_requirement,
    eligible_program_for,
    issued_certificate,
)
from tests.certification.test_verify import certificate_row
from tests.courses.factories import published_course
from tests.lms.factories import CompetencyFactory, CompetencyLevelFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


def stored_bytes(certificate: Certificate) -> bytes:
    with default_storage.open(certificate.pdf.name, "rb") as stored:
        return stored.read()


def files_of(certificate: Certificate) -> list[str]:
    _dirs, files = default_storage.listdir("certificates")
    return [name for name in files if name.startswith(certificate.code)]


# --- Issuing -----------------------------------------------------------------------------


def test_a_person_who_does_not_meet_the_requirements_is_refused_with_what_is_missing(agent, hr):
    program = ProgramFactory()
    requirement = course_requirement(program)

    with pytest.raises(ValidationError) as refused:
        issuing.certificate_issue(program=program, holder=agent, issued_by=hr)

    assert refused.value.code == "not_eligible"
    assert str(requirement.course) in refused.value.messages[0]
    assert Certificate.objects.count() == 0


def test_issuing_writes_a_pending_row_with_serial_code_and_evidence(agent, hr):
    program = eligible_program_for(agent)

    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        certificate, created = issuing.certificate_issue(
            program=program, holder=agent, issued_by=hr, now=NOW
        )

    assert created is True
    assert len(queued) == 1  # the rendering task, once the transaction commits
    assert certificate.status == Certificate.Status.PENDING
    assert certificate.serial == "AA-2026-000001"
    assert len(certificate.code) >= 43  # 256 random bits, URL-safe
    [evidence] = certificate.evidence
    assert evidence["met"] is True
    assert str(program.requirements.get().course) in evidence["requirement"]
    assert evidence["detail"] == timezone.localdate().isoformat()  # when it was completed
    assert certificate.expires_on == datetime.date(2027, 3, 10)


def test_issuing_twice_returns_the_same_certificate(agent, hr):
    program = eligible_program_for(agent)

    first, created_first = issuing.certificate_issue(program=program, holder=agent, issued_by=hr)
    second, created_second = issuing.certificate_issue(program=program, holder=agent, issued_by=hr)

    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk
    assert Certificate.objects.count() == 1


def test_serials_count_up_within_the_year(agent, other_agent, hr):
    program = eligible_program_for(agent, other_agent)

    first, _c = issuing.certificate_issue(program=program, holder=agent, issued_by=hr, now=NOW)
    second, _c = issuing.certificate_issue(
        program=program, holder=other_agent, issued_by=hr, now=NOW
    )

    assert (first.serial, second.serial) == ("AA-2026-000001", "AA-2026-000002")


def test_rendering_issues_the_certificate_with_its_file_points_and_notice(agent, hr):
    program = eligible_program_for(agent, points_awarded=40)

    certificate = issued_certificate(agent, program, by=hr)

    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.issued_at is not None
    assert certificate.pdf.name == f"certificates/{certificate.code}.pdf"
    with default_storage.open(certificate.pdf.name, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == certificate.pdf_sha256
    assert balance(agent) == 40
    assert Notification.objects.filter(
        recipient=agent, key=f"certificate-issued:{certificate.pk}"
    ).exists()


def test_rendering_again_changes_nothing(agent, hr, monkeypatch):
    certificate = issued_certificate(agent, by=hr)
    rendered = []
    monkeypatch.setattr(pdf, "render_certificate_pdf", lambda c: rendered.append(c) or b"x")

    again = issuing.certificate_render(certificate_id=certificate.pk)

    assert rendered == []
    assert (again.status, again.pdf_sha256) == (Certificate.Status.ISSUED, certificate.pdf_sha256)
    assert files_of(certificate) == [f"{certificate.code}.pdf"]


def test_a_valid_certificate_is_not_renewed(agent, hr):
    program = eligible_program_for(agent)
    current = certificate_row(agent, program, expires_in=200)

    again, created = issuing.certificate_issue(program=program, holder=agent, issued_by=hr)

    assert (again.pk, created) == (current.pk, False)


def test_renewal_when_expiring_soon_makes_cycle_two_which_supersedes_cycle_one(agent, hr):
    program = eligible_program_for(agent)
    old = certificate_row(
        agent,
        program,
        valid_from=timezone.localdate() - datetime.timedelta(days=330),
        expires_in=30,
    )

    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        renewal, created = issuing.certificate_issue(program=program, holder=agent, issued_by=hr)
    old.refresh_from_db()
    assert (created, renewal.cycle, renewal.status) == (True, 2, Certificate.Status.PENDING)
    assert old.superseded_by is None  # not before the renewal is issued
    assert old.state() == Certificate.State.EXPIRING

    for callback in queued:
        callback()

    old.refresh_from_db()
    renewal.refresh_from_db()
    assert renewal.status == Certificate.Status.ISSUED
    assert old.superseded_by_id == renewal.pk
    assert old.state() == Certificate.State.SUPERSEDED
    assert renewal.state() == Certificate.State.VALID


def test_a_revoked_certificate_can_be_followed_by_a_new_cycle(agent, hr):
    program = eligible_program_for(agent)
    revoked = certificate_row(agent, program)
    issuing.certificate_revoke(certificate=revoked, by=hr, reason="误发")

    renewal, created = issuing.certificate_issue(program=program, holder=agent, issued_by=hr)

    assert (created, renewal.cycle) == (True, 2)


def test_a_closed_program_or_a_person_who_left_is_refused(agent, hr):
    closed = eligible_program_for(agent, is_active=False)
    with pytest.raises(ValidationError) as refused:
        issuing.certificate_issue(program=closed, holder=agent, issued_by=hr)
    assert refused.value.code == "closed"

    program = eligible_program_for(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as refused:
        issuing.certificate_issue(program=program, holder=agent, issued_by=hr)
    assert refused.value.code == "inactive"
    assert Certificate.objects.count() == 0


# --- Revoking ----------------------------------------------------------------------------


def test_revoking_withdraws_evidence_takes_back_points_and_tells_the_holder(client, agent, hr):
    competency = CompetencyFactory()
    CompetencyLevelFactory(agent=agent, competency=competency, level=Level.ADVANCED)
    program = ProgramFactory(points_awarded=30)
    program.requirements.create(
        kind=Requirement.Kind.COMPETENCY, competency=competency, minimum=Level.ADVANCED
    )
    certificate = issued_certificate(agent, program, by=hr)
    evidence = Evidence.objects.get(source_ref=f"certificate:{certificate.pk}")
    assert balance(agent) == 30

    with pytest.raises(ValidationError) as refused:
        issuing.certificate_revoke(certificate=certificate, by=hr, reason="   ")
    assert refused.value.code == "reason"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED

    issuing.certificate_revoke(certificate=certificate, by=hr, reason="考核作弊")

    certificate.refresh_from_db()
    evidence.refresh_from_db()
    assert (certificate.status, certificate.revoke_reason, certificate.revoked_by) == (
        Certificate.Status.REVOKED,
        "考核作弊",
        hr,
    )
    assert evidence.withdrawn_at is not None
    assert balance(agent) == 0
    assert list(
        PointsEntry.objects.filter(person=agent)
        .order_by("created_at", "id")
        .values_list("amount", flat=True)
    ) == [30, -30]
    assert Notification.objects.filter(
        recipient=agent, key=f"certificate-revoked:{certificate.pk}"
    ).exists()
    data = client.get(f"/verify/{certificate.code}/", {"format": "json"}).json()
    assert (data["status"], data["revoke_reason"]) == ("revoked", "考核作弊")


def test_revoking_twice_or_while_pending_is_refused(agent, hr):
    pending = certificate_row(agent, status=Certificate.Status.PENDING)
    with pytest.raises(ValidationError) as refused:
        issuing.certificate_revoke(certificate=pending, by=hr, reason="误发")
    assert refused.value.code == "pending"

    issued = certificate_row(agent)
    issuing.certificate_revoke(certificate=issued, by=hr, reason="误发")
    with pytest.raises(ValidationError) as refused:
        issuing.certificate_revoke(certificate=issued, by=hr, reason="再次")
    assert refused.value.code == "revoked"
    issued.refresh_from_db()
    assert issued.revoke_reason == "误发"


# --- Expiry and reminders ---------------------------------------------------------------


def test_expiring_is_idempotent(agent):
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=400)
    past = certificate_row(agent, valid_from=long_ago, expires_in=0)
    due_today = certificate_row(agent, valid_from=long_ago, expires_in=-3)
    future = certificate_row(agent, expires_in=1)
    revoked = certificate_row(agent, valid_from=long_ago, expires_in=-1)
    Certificate.objects.filter(pk=revoked.pk).update(
        status=Certificate.Status.REVOKED, revoked_at=timezone.now()
    )

    assert issuing.certificates_expire(today=today) == 2
    assert issuing.certificates_expire(today=today) == 0

    statuses = dict(Certificate.objects.values_list("pk", "status"))
    assert statuses == {
        past.pk: Certificate.Status.EXPIRED,
        due_today.pk: Certificate.Status.EXPIRED,
        future.pk: Certificate.Status.ISSUED,
        revoked.pk: Certificate.Status.REVOKED,
    }


def test_reminders_at_sixty_and_fourteen_days_once_each(agent, other_agent):
    today = timezone.localdate()
    at_61 = certificate_row(agent, expires_in=61)
    at_60 = certificate_row(agent, expires_in=60)
    at_15 = certificate_row(other_agent, expires_in=15)
    at_14 = certificate_row(other_agent, expires_in=14)

    assert issuing.expiry_reminders_send(today=today) == 3
    assert issuing.expiry_reminders_send(today=today) == 0

    keys = set(Notification.objects.values_list("key", flat=True))
    assert keys == {
        f"certificate-expiry-60:{at_60.pk}",
        f"certificate-expiry-60:{at_15.pk}",
        f"certificate-expiry-14:{at_14.pk}",
    }
    assert not any(str(at_61.pk) == key.split(":")[-1] for key in keys)

    # A day later the 61-day one enters the 60-day window, the 15-day one the 14-day one.
    tomorrow = today + datetime.timedelta(days=1)
    assert issuing.expiry_reminders_send(today=tomorrow) == 2
    assert issuing.expiry_reminders_send(today=tomorrow) == 0
    assert Notification.objects.filter(key=f"certificate-expiry-60:{at_61.pk}").exists()
    assert Notification.objects.filter(key=f"certificate-expiry-14:{at_15.pk}").exists()


def test_renewed_revoked_and_expired_certificates_get_no_reminder(agent, other_agent, hr):
    renewal = certificate_row(agent, cycle=2)
    program = renewal.program
    certificate_row(agent, program, cycle=1, expires_in=20, superseded_by=renewal)
    revoked = certificate_row(other_agent, expires_in=20)
    issuing.certificate_revoke(certificate=revoked, by=hr, reason="误发")
    Notification.objects.all().delete()

    assert issuing.expiry_reminders_send(today=timezone.localdate()) == 0


def test_the_refresher_course_is_enrolled_once_per_certificate(agent):
    refresher = published_course()
    program = ProgramFactory(refresher_course=refresher)
    certificate = certificate_row(agent, program, expires_in=50)
    today = timezone.localdate()

    issuing.expiry_reminders_send(today=today)
    issuing.expiry_reminders_send(today=today)

    enrolments = Enrolment.objects.filter(agent=agent, course=refresher)
    assert list(enrolments.values_list("source", "due_on")) == [
        (Enrolment.Source.RECERTIFICATION, certificate.expires_on)
    ]

    # The holder finishes the refresher; the 14-day reminder does not enrol them again.
    enrolments.update(status=Enrolment.Status.COMPLETED, completed_at=timezone.now())
    issuing.expiry_reminders_send(today=today + datetime.timedelta(days=40))

    assert Notification.objects.filter(key=f"certificate-expiry-14:{certificate.pk}").exists()
    assert Enrolment.objects.filter(agent=agent, course=refresher).count() == 1


def test_the_daily_task_expires_and_reminds_and_is_safe_to_run_twice(agent):
    today = timezone.localdate()
    expired = certificate_row(agent, valid_from=today - datetime.timedelta(days=400), expires_in=-1)
    reminded = certificate_row(agent, expires_in=10)

    first = tasks.certificates_daily.delay().get()
    second = tasks.certificates_daily.delay().get()

    assert first == {"expired": 1, "reminded": 1, "rendering_again": 0}
    assert second == {"expired": 0, "reminded": 0, "rendering_again": 0}
    expired.refresh_from_db()
    assert expired.status == Certificate.Status.EXPIRED
    assert Notification.objects.filter(key=f"certificate-expiry-14:{reminded.pk}").count() == 1


# --- The rendering task ------------------------------------------------------------------


def test_a_failed_rendering_is_retried_and_leaves_one_certificate_and_one_file(
    agent, hr, monkeypatch
):
    program = eligible_program_for(agent)
    with TestCase.captureOnCommitCallbacks(execute=False):
        certificate, _created = issuing.certificate_issue(
            program=program, holder=agent, issued_by=hr
        )
    real = pdf.render_certificate_pdf
    attempts = []

    def flaky(certificate):
        attempts.append(certificate.pk)
        if len(attempts) == 1:
            raise OSError("font cache busy")
        return real(certificate)

    monkeypatch.setattr(pdf, "render_certificate_pdf", flaky)

    # As a worker runs it: a failure is retried (eager runs propagate errors otherwise).
    result = tasks.certificate_render.apply(args=[certificate.pk], throw=False)

    assert result.get() == Certificate.Status.ISSUED
    assert attempts == [certificate.pk, certificate.pk]  # failed once, retried once
    assert Certificate.objects.filter(holder=agent, program=program).count() == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert files_of(certificate) == [f"{certificate.code}.pdf"]
    with default_storage.open(certificate.pdf.name, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == certificate.pdf_sha256


def test_a_retry_after_the_file_was_stored_keeps_one_file(agent, hr, monkeypatch):
    """The file was written but marking the row failed: the retry finds the same bytes and
    writes nothing new."""
    program = eligible_program_for(agent)
    with TestCase.captureOnCommitCallbacks(execute=False):
        certificate, _created = issuing.certificate_issue(
            program=program, holder=agent, issued_by=hr
        )
    real_mark = issuing._mark_issued
    marks = []

    def flaky_mark(*args):
        marks.append(args)
        if len(marks) == 1:
            raise OSError("database went away")
        return real_mark(*args)

    monkeypatch.setattr(issuing, "_mark_issued", flaky_mark)
    real_save, saved = default_storage.save, []
    monkeypatch.setattr(
        default_storage,
        "save",
        lambda name, content: saved.append(name) or real_save(name, content),
    )

    tasks.certificate_render.apply(args=[certificate.pk], throw=False)

    assert len(marks) == 2
    assert saved == [f"certificates/{certificate.code}.pdf"]  # written once, kept on retry
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert files_of(certificate) == [f"{certificate.code}.pdf"]
    with default_storage.open(certificate.pdf.name, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == certificate.pdf_sha256


def test_an_automatic_program_is_issued_when_its_requirement_is_met(agent):
    course = published_course()
    program = ProgramFactory(issue_mode="automatic")
    course_requirement(program, course)
    completed_course_for(agent, course)

    with TestCase.captureOnCommitCallbacks(execute=False):
        issued = issuing.automatic_issue(person=agent)

    assert [c.program_id for c in issued] == [program.pk]
    assert issued[0].issued_by is None
    assert issuing.automatic_issue(person=agent) == []  # already being issued


def test_a_stale_file_from_an_earlier_attempt_is_replaced_not_kept(agent, hr):
    """An attempt stored a file (with another design) and died before marking the row:
    the next one never overwrites a file in place, and leaves exactly its own."""
    program = eligible_program_for(agent)
    with TestCase.captureOnCommitCallbacks(execute=False):
        certificate, _created = issuing.certificate_issue(
            program=program, holder=agent, issued_by=hr
        )
    default_storage.save(f"certificates/{certificate.code}.pdf", ContentFile(b"%PDF stale"))

    issuing.certificate_render(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert files_of(certificate) == [certificate.pdf.name.removeprefix("certificates/")]
    data = stored_bytes(certificate)
    assert data != b"%PDF stale"
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256


def test_a_certificate_left_pending_is_rendered_again_by_the_daily_sweep(agent, hr):
    program = eligible_program_for(agent)
    # The rendering fails (here: the broker refuses the message); issuing still stands.
    with (
        patch.object(tasks.certificate_render, "delay", side_effect=OSError("broker down")),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        certificate, created = issuing.certificate_issue(
            program=program, holder=agent, issued_by=hr
        )
    assert created
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.PENDING

    # Not yet stale: left alone.
    assert issuing.certificates_render_pending() == 0
    Certificate.objects.filter(pk=certificate.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert issuing.certificates_render_pending() == 1

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.pdf_sha256
    assert issuing.certificates_render_pending() == 0
