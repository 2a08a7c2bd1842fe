from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import roleplay, services


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def attempts_close_expired() -> int:
    """Every few minutes: score attempts whose time ran out while the agent was away."""
    return services.attempts_close_expired()


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def submission_quality_check(submission_id: int) -> dict:
    """The automatic quality check of a submitted role-play; safe to run again."""
    return roleplay.submission_quality_check(submission_id=submission_id)


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def grading_reminders_send() -> int:
    """Hourly: remind mentors of overdue grading, then escalate to team leads."""
    return roleplay.grading_reminders_send()
