"""A real Celery worker process on the real broker, for tests marked to need one.

The worker is another process, so it must see the test database: such tests run on
PostgreSQL (``postgres`` mark) with ``django_db(transaction=True)``, and only when
CELERY_TEST_BROKER_URL is set, as .ci/run does.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from lms.celery import app as celery_app

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")
QUEUE = "academy-test"

needs_worker = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="set CELERY_TEST_BROKER_URL to test with a worker"),
]


def _forget_connections() -> None:
    # Celery caches its connection pool, producer pool and result backend on first use:
    # after an eager test in the same run they point at no broker. What Celery itself
    # resets after a fork, plus the cached result backend.
    celery_app._pool = None
    if "amqp" in vars(celery_app):
        celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    vars(celery_app._local).pop("backend", None)


@pytest.fixture
def celery_worker_process():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "DJANGO_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
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
            "-Q",
            QUEUE,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
    )
    keys = ["task_always_eager", "broker_url", "result_backend", "task_default_queue"]
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        task_always_eager=False, broker_url=BROKER, result_backend=BROKER, task_default_queue=QUEUE
    )
    _forget_connections()
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        celery_app.conf.update(saved)
        _forget_connections()
