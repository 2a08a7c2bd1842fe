"""Issuing a program to many people at once ("issue to all eligible").

The task decides who is eligible with one set-based ``eligibility`` call, then issues to
each of them through ``certificate_issue`` in a transaction of their own, so one
failure neither stops nor undoes the others. A retry after a partial run is harmless:
``certificate_issue`` returns the certificate a person already holds.
"""

import logging
from dataclasses import asdict, dataclass

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction

from lms.models import User

from .eligibility import eligibility
from .issuing import certificate_issue
from .models import Program

logger = logging.getLogger(__name__)


@dataclass
class BulkResult:
    issued: int = 0
    skipped: int = 0  # not eligible, or already holding a certificate in force
    failed: int = 0


def certificates_issue_bulk_run(
    *, program: Program, people: list[User], issued_by: User | None
) -> BulkResult:
    result = BulkResult()
    for status in eligibility(program, people):
        if not status.can_issue:
            result.skipped += 1
            continue
        try:
            with transaction.atomic():
                _certificate, created = certificate_issue(
                    program=program, holder=status.person, issued_by=issued_by
                )
        except ValidationError:
            # Changed between the check and the issue (a requirement lapsed, the person
            # left): nothing to do for them now.
            result.skipped += 1
        except Exception:
            logger.exception(
                "Bulk issue of program %s to person %s failed", program.pk, status.person.pk
            )
            result.failed += 1
        else:
            if created:
                result.issued += 1
            else:
                result.skipped += 1
    return result


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=settings.CELERY_TASK_MAX_RETRIES,
)
def certificates_issue_bulk(
    program_id: int, person_ids: list[int], issued_by_id: int | None
) -> dict[str, int]:
    """Issue the program to every eligible person among ``person_ids``; returns the
    counts issued, skipped and failed. Ids, not objects: the task may run elsewhere."""
    program = Program.objects.filter(pk=program_id, is_active=True).first()
    if program is None:
        return asdict(BulkResult(skipped=len(person_ids)))
    people = list(User.objects.filter(pk__in=person_ids, is_active=True).order_by("pk"))
    issued_by = User.objects.filter(pk=issued_by_id).first() if issued_by_id else None
    result = certificates_issue_bulk_run(program=program, people=people, issued_by=issued_by)
    result.skipped += len(set(person_ids)) - len(people)  # unknown or left
    return asdict(result)
