"""Booking at the same time against PostgreSQL: two agents, one live role-play time.

Two threads, each with its own connection and transaction, are held together at the
time's row lock (``tests.concurrency``) so that the two bookings really overlap.
"""

import datetime
import threading
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import live
from assessments.models import LiveBooking, LiveSlot, Scenario
from lms.models import Notification, User
from tests.assessments.roleplay_factories import published_scenario
from tests.concurrency import hold_at, run_concurrently
from tests.lms.factories import MentorshipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_the_slot_lock(barrier: threading.Barrier):
    """Both calls reach the time's row lock together; one waits for the other."""
    return patch.object(
        LiveSlot.objects, "select_for_update", hold_at(barrier, LiveSlot.objects.select_for_update)
    )


def test_two_agents_booking_the_same_time_at_once_make_one_booking(agent, other_agent, mentor):
    MentorshipFactory(mentor=mentor, mentee=other_agent)
    scenario = published_scenario()
    starts_at = timezone.now() + datetime.timedelta(days=3)
    slot = live.live_slot_create(
        mentor=mentor,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        channel="phone",
    )

    def book(person):
        # Each request loads its own copies, as two web requests would.
        return lambda: live.live_book(
            slot=LiveSlot.objects.get(pk=slot.pk),
            agent=User.objects.get(pk=person.pk),
            scenario=Scenario.objects.get(pk=scenario.pk),
        )

    with at_the_slot_lock(threading.Barrier(2)):
        results = run_concurrently(book(agent), book(other_agent))

    booked = [r for r in results if isinstance(r, LiveBooking)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(booked), len(refused)) == (1, 1), results
    assert refused[0].code == "taken"
    assert refused[0].messages == [_("Someone else has just booked this time. Choose another.")]
    assert list(LiveBooking.objects.values_list("pk", "agent", "status")) == [
        (booked[0].pk, booked[0].agent_id, LiveBooking.Status.BOOKED)
    ]
    assert booked[0].agent_id in {agent.pk, other_agent.pk}
    # The mentor hears about the one booking only.
    assert list(Notification.objects.filter(recipient=mentor).values_list("key", flat=True)) == [
        f"live-booked:{booked[0].pk}"
    ]
