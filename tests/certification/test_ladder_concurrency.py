"""Two HR approve the same promotion at the same moment, against PostgreSQL: one promotion,
one change of level.

Both threads, each with its own connection and transaction, are held together just before
the person's row lock (``tests.concurrency``), so that the two decisions really overlap.
"""

import threading
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError

from certification import ladder
from certification.models import CareerLevel, CareerStatus, Promotion
from lms.models import Role, User
from tests.certification.test_ladder import Ladder
from tests.concurrency import hold_at, run_concurrently
from tests.lms.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_the_person_lock(barrier: threading.Barrier):
    return patch.object(
        User.objects, "select_for_update", hold_at(barrier, User.objects.select_for_update)
    )


def decide(person_id: int, level_id: int, hr_id: int, *, approve: bool = True, note: str = ""):
    # Each request loads its own copies, as two web requests would.
    return lambda: ladder.promotion_decide(
        person=User.objects.get(pk=person_id),
        to_level=CareerLevel.objects.get(pk=level_id),
        approve=approve,
        note=note,
        decided_by=User.objects.get(pk=hr_id),
    )


def test_two_approvals_at_once_promote_once(agent, hr):
    rungs = Ladder()
    rungs.qualify(agent)
    other_hr = UserFactory(username="hr2", roles=[Role.HR])

    with at_the_person_lock(threading.Barrier(2)):
        results = run_concurrently(
            decide(agent.pk, rungs.intermediate.pk, hr.pk),
            decide(agent.pk, rungs.intermediate.pk, other_hr.pk),
        )

    approved = [r for r in results if isinstance(r, Promotion)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(approved), len(refused)) == (1, 1), results
    assert refused[0].code == "stale"
    assert list(Promotion.objects.values_list("status", "to_level")) == [
        (Promotion.Status.APPROVED, rungs.intermediate.pk)
    ]
    assert CareerStatus.objects.get(person=agent).level == rungs.intermediate


def test_an_approval_and_a_rejection_at_once_leave_one_consistent_outcome(agent, hr):
    rungs = Ladder()
    rungs.qualify(agent)
    other_hr = UserFactory(username="hr2", roles=[Role.HR])

    with at_the_person_lock(threading.Barrier(2)):
        results = run_concurrently(
            decide(agent.pk, rungs.intermediate.pk, hr.pk),
            decide(agent.pk, rungs.intermediate.pk, other_hr.pk, approve=False, note="再观察"),
        )

    # Approval first: the rejection finds the person promoted (stale). Rejection first:
    # the approval still goes through after it. Either way, one approval, one move.
    decisions = [r for r in results if isinstance(r, Promotion)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(decisions) + len(refused) == 2, results
    assert all(r.code == "stale" for r in refused)
    assert Promotion.objects.filter(status=Promotion.Status.APPROVED).count() == 1
    assert CareerStatus.objects.get(person=agent).level == rungs.intermediate
