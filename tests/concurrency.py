"""Running service calls at the same time, for the PostgreSQL concurrency tests.

Each call runs in its own thread, with its own connection and transaction. A
``threading.Barrier`` placed inside the service (``hold_at`` wraps one call the service
makes, which still runs for real) holds both threads until both have arrived, so that the
two transactions really overlap. The waits time out, so that a service which already
serialises the threads before that point lets the first one go on alone instead of hanging.
"""

import contextlib
import threading
from collections.abc import Callable

from django.db import connection

MEET_TIMEOUT = 3  # seconds; only reached when the service already serialises the threads


def meet(barrier: threading.Barrier) -> None:
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=MEET_TIMEOUT)


def hold_at(barrier: threading.Barrier, original: Callable) -> Callable:
    """``original``, called after both threads have reached it."""

    def wrapper(*args, **kwargs):
        meet(barrier)
        return original(*args, **kwargs)

    return wrapper


def run_concurrently(*calls: Callable) -> list:
    """Run each call in its own thread; each result is a return value or the exception."""
    results: list = [None] * len(calls)

    def work(index: int, call: Callable) -> None:
        try:
            results[index] = call()
        except Exception as exc:  # handed back to the test to assert on
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results
