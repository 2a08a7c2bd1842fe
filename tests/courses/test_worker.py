"""The overdue task through a real Celery worker process and a real Redis broker.

Runs on PostgreSQL (the worker is another process and must see the test database) when
CELERY_TEST_BROKER_URL is set; elsewhere the eager tests in test_tasks.py cover the task.
The worker runs on the real clock, so the enrolment is created due in the future through
the service and its due date is then moved into the past.
"""

import datetime

from django.utils import timezone

from courses.models import Enrolment
from courses.tasks import enrolments_mark_overdue
from lms.models import Notification
from tests.courses.factories import enrolment_for, published_course
from tests.worker import needs_worker

pytestmark = needs_worker


def test_worker_marks_overdue_work_and_notifies(celery_worker_process, agent, hr):
    course = published_course(title_zh="退换货流程")
    late = enrolment_for(
        agent, course, assigned_by=hr, due_on=timezone.localdate() + datetime.timedelta(days=7)
    )
    on_time = enrolment_for(
        agent,
        published_course(),
        assigned_by=hr,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    Enrolment.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )

    result = enrolments_mark_overdue.delay()

    assert result.get(timeout=60) == 1
    assert dict(Enrolment.objects.values_list("pk", "status")) == {
        late.pk: Enrolment.Status.OVERDUE,
        on_time.pk: Enrolment.Status.NOT_STARTED,
    }
    assert set(Notification.objects.values_list("recipient", "key")) == {
        (agent.pk, f"enrolment-overdue:{late.pk}"),
        (hr.pk, f"enrolment-overdue:{late.pk}"),
    }

    # Delivered twice (a retried message), the work is not done twice.
    assert enrolments_mark_overdue.delay().get(timeout=60) == 0
    assert Notification.objects.count() == 2
