"""A certificate rendered by a real Celery worker process on a real Redis broker, on
PostgreSQL, when CELERY_TEST_BROKER_URL is set (as .ci/run does)."""

import hashlib
from unittest.mock import patch

from certification import issuing
from certification.models import Certificate
from certification.tasks import certificate_render
from tests.certification.factories import eligible_program_for
from tests.worker import needs_worker

pytestmark = needs_worker


def test_the_worker_renders_and_issues_the_certificate(celery_worker_process, agent, hr):
    program = eligible_program_for(agent)
    # Issuing queues the rendering after commit; hold that one back to send it here.
    with patch.object(certificate_render, "delay") as queued:
        certificate, created = issuing.certificate_issue(
            program=program, holder=agent, issued_by=hr
        )
    assert created
    queued.assert_called_once_with(certificate.pk)
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.PENDING

    status = certificate_render.delay(certificate.pk).get(timeout=120)

    certificate.refresh_from_db()
    assert status == certificate.status == Certificate.Status.ISSUED
    assert certificate.issued_at is not None
    # The worker writes into the suite's media folder (tests/worker.py passes it on): the
    # file is there, is a PDF, and its digest is the one recorded.
    assert certificate.pdf.name == f"certificates/{certificate.code}.pdf"
    with certificate.pdf.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    # Sent again (a redelivered message), it changes nothing.
    assert certificate_render.delay(certificate.pk).get(timeout=120) == Certificate.Status.ISSUED
    assert Certificate.objects.filter(holder=agent, program=program).count() == 1
