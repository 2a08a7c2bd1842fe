"""The certification demo: certificates in every state a reader can meet, each issued one
with its PDF and issued on its first valid day, a ledger with every reason, and a second
run that adds nothing."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from certification.models import Certificate, MonthlyReport, PointsEntry, Program

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)  # DEBUG is off in tests: --force
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


def test_every_state_a_reader_can_meet_is_in_the_demo():
    states = {certificate.state() for certificate in Certificate.objects.all()}

    assert states >= {
        Certificate.State.VALID,
        Certificate.State.EXPIRING,
        Certificate.State.EXPIRED,
        Certificate.State.REVOKED,
        Certificate.State.SUPERSEDED,
    }


def test_issued_certificates_have_their_pdf_and_were_issued_on_their_first_valid_day(settings):
    issued = Certificate.objects.exclude(status=Certificate.Status.PENDING)

    assert issued.exists()
    for certificate in issued:
        assert certificate.pdf.name and len(certificate.pdf_sha256) == 64
        local_day = certificate.issued_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
        assert local_day == certificate.valid_from, certificate.serial


def test_the_ledger_holds_every_reason():
    reasons = set(PointsEntry.objects.values_list("reason", flat=True))

    assert reasons == set(PointsEntry.Reason.values)


def test_a_second_run_adds_nothing():
    before = (
        Certificate.objects.count(),
        PointsEntry.objects.count(),
        Program.objects.count(),
    )

    _seed()

    assert (
        Certificate.objects.count(),
        PointsEntry.objects.count(),
        Program.objects.count(),
    ) == before


def test_last_months_report_is_there_with_its_pdf():
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)

    report = MonthlyReport.objects.get(month=last_month)

    with report.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
