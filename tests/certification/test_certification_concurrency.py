"""Issuing at the same time against PostgreSQL: two HR issuing the same program to the
same person make one certificate, and both get it back.

The two calls run in their own threads, connections and transactions, held together at
the holder's row lock (``tests.concurrency``) so that they really overlap.
"""

import threading
from unittest.mock import patch

import pytest

from certification import issuing, tasks
from certification.models import Certificate, Program, SerialCounter
from lms.models import Role, User
from tests.certification.factories import eligible_program_for
from tests.concurrency import hold_at, run_concurrently
from tests.lms.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_hr_issuing_the_same_certificate_at_once_make_one(agent, hr):
    second_hr = UserFactory(username="hr2", display_name="周人事", team=None, roles=[Role.HR])
    program = eligible_program_for(agent)

    def issue(by):
        # Each request loads its own copies, as two web requests would.
        return lambda: issuing.certificate_issue(
            program=Program.objects.get(pk=program.pk),
            holder=User.objects.get(pk=agent.pk),
            issued_by=User.objects.get(pk=by.pk),
        )

    barrier = threading.Barrier(2)
    with (
        patch.object(issuing, "_lock_holder", hold_at(barrier, issuing._lock_holder)),
        patch.object(tasks.certificate_render, "delay") as queued,
    ):
        results = run_concurrently(issue(hr), issue(second_hr))

    assert all(isinstance(r, tuple) for r in results), results
    (first, created_first), (second, created_second) = results
    assert first.pk == second.pk
    assert sorted([created_first, created_second]) == [False, True]
    assert list(Certificate.objects.values_list("pk", "holder", "program", "cycle")) == [
        (first.pk, agent.pk, program.pk, 1)
    ]
    queued.assert_called_once_with(first.pk)  # one rendering for the one certificate
    assert SerialCounter.objects.get().last == 1  # no serial spent on the loser


def test_two_people_issued_at_once_get_consecutive_serials(agent, other_agent, hr):
    program = eligible_program_for(agent, other_agent)

    def issue(person):
        return lambda: issuing.certificate_issue(
            program=Program.objects.get(pk=program.pk),
            holder=User.objects.get(pk=person.pk),
            issued_by=User.objects.get(pk=hr.pk),
        )

    barrier = threading.Barrier(2)
    with (
        patch.object(issuing, "_next_serial", hold_at(barrier, issuing._next_serial)),
        patch.object(tasks.certificate_render, "delay"),
    ):
        results = run_concurrently(issue(agent), issue(other_agent))

    assert all(isinstance(r, tuple) and r[1] for r in results), results
    numbers = sorted(int(c.serial.rsplit("-", 1)[1]) for c, _created in results)
    assert numbers == [1, 2]
