"""The Celery task through a real worker process and a real Redis broker.

Runs on PostgreSQL (the worker is another process and must see the test database) when
CELERY_TEST_BROKER_URL is set, as .ci/run does; elsewhere the eager tests cover the task.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from lms.celery import app as celery_app
from lms.models import CompetencyLevel
from lms.tasks import levels_refresh_expired
from tests.lms.factories import CompetencyLevelFactory, EvidenceFactory, UserFactory

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="set CELERY_TEST_BROKER_URL to test with a worker"),
]


@pytest.fixture
def worker():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            "academy-test",
            "--loglevel=WARNING",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    saved = dict(celery_app.conf)
    celery_app.conf.update(
        task_always_eager=False,
        broker_url=BROKER,
        result_backend=BROKER,
        task_default_queue="academy-test",
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        celery_app.conf.update(
            task_always_eager=saved["task_always_eager"],
            broker_url=saved["broker_url"],
            result_backend=saved["result_backend"],
            task_default_queue=saved["task_default_queue"],
        )


def test_worker_rederives_levels_resting_on_expired_evidence(worker):
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
