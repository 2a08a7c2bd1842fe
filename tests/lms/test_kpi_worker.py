"""The KPI import through a real Celery worker process and a real Redis broker, on
PostgreSQL, when CELERY_TEST_BROKER_URL is set (as .ci/run does). The worker reads the
uploaded file from the suite's MEDIA_ROOT, which it is given."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from lms.models import ImportJob, ServiceKPI
from lms.tasks import import_job_run
from tests.lms.factories import UserFactory
from tests.worker import needs_worker

pytestmark = needs_worker

FILE = (
    "\ufeff工号,周期,日期,接待量,首次响应时长(秒),平均处理时长(秒),首次解决率,满意度,投诉量\n"
    "YS0101,周,2026-01-07,312,35,420,82%,4.6,1\n"
    "YS0101,周,2026-01-14,298,33,410,84%,96%,0\n"
).encode()


def test_the_worker_imports_the_uploaded_file(celery_worker_process, hr):
    agent = UserFactory(employee_no="YS0101")
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.KPI,
        original_name="kpi.csv",
        file=SimpleUploadedFile("kpi.csv", FILE),
        created_by=hr,
    )

    assert import_job_run.delay(job.pk).get(timeout=60) == ImportJob.Status.DONE

    job.refresh_from_db()
    assert job.summary == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}
    assert (job.processed, job.total) == (2, 2)
    assert sorted(ServiceKPI.objects.filter(agent=agent).values_list("csat", flat=True)) == [
        Decimal("90.00"),
        Decimal("96.00"),
    ]
    # Delivered again (a retry, a second click): the finished job is left as it is.
    assert import_job_run.delay(job.pk).get(timeout=60) == ImportJob.Status.DONE
    assert ServiceKPI.objects.count() == 2
