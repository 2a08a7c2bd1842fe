"""The Celery task through a real worker process and a real Redis broker.

Runs on PostgreSQL (the worker is another process and must see the test database) when
CELERY_TEST_BROKER_URL is set, as .ci/run does; elsewhere the eager tests cover the task.
"""

import datetime

from lms.models import CompetencyLevel
from lms.tasks import levels_refresh_expired
from tests.lms.factories import CompetencyLevelFactory, EvidenceFactory, UserFactory
from tests.worker import needs_worker

pytestmark = needs_worker


def test_worker_rederives_levels_resting_on_expired_evidence(celery_worker_process):
    agent = UserFactory()
    expired = EvidenceFactory(
        agent=agent,
        level=3,
        observed_on=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2024, 12, 31),
    )
    CompetencyLevelFactory(agent=agent, competency=expired.competency, level=3, evidence=expired)
    fresh = CompetencyLevelFactory(agent=agent, level=2)

    result = levels_refresh_expired.delay()

    assert result.get(timeout=60) == 1
    assert list(CompetencyLevel.objects.filter(agent=agent).values_list("pk", flat=True)) == [
        fresh.pk
    ]
