from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services

RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": settings.CELERY_TASK_MAX_RETRIES,
}


@shared_task(**RETRY)
def enrolments_mark_overdue() -> int:
    """Daily: overdue work is marked and its people told. Running twice sends nothing twice."""
    return services.enrolments_mark_overdue()


@shared_task(**RETRY)
def due_reminders_send() -> int:
    return services.due_reminders_send()


@shared_task(**RETRY)
def session_reminders_send() -> int:
    return services.session_reminders_send()
