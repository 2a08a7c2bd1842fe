import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import kpi_import, services
from .models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def levels_refresh_expired() -> int:
    """Daily: levels resting on expired evidence are derived again. Safe to run twice."""
    return services.competency_levels_refresh_expired()


@shared_task(
    autoretry_for=(OSError, OperationalError),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def notification_email(notification_id: int) -> bool:
    """E-mail one notification; safe to retry (sends at most once)."""
    return services.notification_email_send(notification_id=notification_id)


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def import_job_run(self, job_id: int) -> str:
    """Run one import job; a finished job is left alone, so a second delivery is harmless.
    Anything unexpected marks the job failed (nothing was written: the import writes in
    one transaction at its very end) instead of leaving the page polling for ever."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    if job.status in kpi_import.FINISHED:
        return job.status
    language = job.created_by.preferred_language if job.created_by else settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            if job.kind != ImportJob.Kind.KPI:
                raise ValueError(f"import job {job.pk}: no background import for {job.kind}")
            kpi_import.kpi_import(job=job)
        except OperationalError:
            if self.request.retries < self.max_retries:
                raise
            logger.exception("import job %s failed", job_id)
        except Exception:
            logger.exception("import job %s failed", job_id)
        else:
            return job.status
        job.status = ImportJob.Status.FAILED
        job.errors = [
            {
                "line": 0,
                "message": gettext(
                    "The import stopped on an unexpected error and changed nothing. "
                    "Try again, or tell an administrator."
                ),
            }
        ]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "errors", "finished_at"])
        return job.status
