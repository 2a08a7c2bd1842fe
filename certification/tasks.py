from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from lms.models import User

from . import issuing
from .bulk import certificates_issue_bulk  # noqa: F401  (workers find tasks here)
from .models import Certificate


@shared_task(
    autoretry_for=(Exception,),
    # A certificate that is not there will not appear by trying again.
    dont_autoretry_for=(Certificate.DoesNotExist,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def certificate_render(certificate_id: int) -> str:
    """Render and store a certificate's PDF; retried on any failure, and a retry after a
    success changes nothing (one row, one file)."""
    return issuing.certificate_render(certificate_id=certificate_id).status


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def automatic_issue(person_id: int) -> int:
    """After an achievement: issue the automatic programs the person now meets."""
    person = User.objects.filter(pk=person_id, is_active=True).first()
    return len(issuing.automatic_issue(person=person)) if person else 0


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def certificates_daily() -> dict:
    """Daily: expire what is past its date, then send the 60- and 14-day reminders (and
    refresher enrolments). Safe to run twice."""
    return {
        "expired": issuing.certificates_expire(),
        "reminded": issuing.expiry_reminders_send(),
        "rendering_again": issuing.certificates_render_pending(),
    }


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def monthly_report_due() -> str:
    """Daily: from the 1st, last month's report is made if it is missing."""
    from .reports.monthly import monthly_report_due as due

    report = due()
    return str(report) if report else ""
