from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services


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
