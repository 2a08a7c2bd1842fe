"""Concurrent requests against PostgreSQL: row locks and constraints keep the rules.

Each test runs two threads, each with its own database connection and transaction. A
``threading.Barrier`` placed inside the service (by wrapping one call the service makes,
which still runs for real) holds both threads there until both have arrived, so the two
transactions really overlap instead of running one after the other by luck.

The waits have a timeout so that a service which serialises the threads earlier (with a
lock taken before the hook) lets the first thread go on alone instead of hanging.
"""

import datetime
import threading
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError

from lms import services
from lms.models import CompetencyLevel, Evidence, Level, Mentorship, Role, User
from tests.concurrency import MEET_TIMEOUT, hold_at, meet, run_concurrently
from tests.lms.factories import CompetencyFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_mentors_for_one_mentee_at_once_makes_one_mentorship(agent, hr):
    first = UserFactory(username="mentor-a", roles=[Role.AGENT, Role.MENTOR])
    second = UserFactory(username="mentor-b", roles=[Role.AGENT, Role.MENTOR])
    barrier = threading.Barrier(2)

    def assign(mentor):
        return lambda: services.mentorship_create(
            mentor=mentor, mentee=agent, created_by=hr, started_on=datetime.date(2026, 2, 1)
        )

    with patch.object(
        User.objects, "select_for_update", hold_at(barrier, User.objects.select_for_update)
    ):
        results = run_concurrently(assign(first), assign(second))

    created = [r for r in results if isinstance(r, Mentorship)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1, results
    assert len(refused) == 1, results
    assert refused[0].code == "already_mentored"
    active = list(Mentorship.objects.filter(mentee=agent, ended_on__isnull=True))
    assert [m.pk for m in active] == [created[0].pk]
    assert Mentorship.objects.filter(mentee=agent).count() == 1


def test_two_mentees_for_a_mentor_with_one_place_makes_one_mentorship(team, hr):
    mentor = UserFactory(username="mentor-a", roles=[Role.AGENT, Role.MENTOR], mentor_capacity=1)
    mentees = [UserFactory(username=f"mentee-{i}", team=team) for i in range(2)]
    barrier = threading.Barrier(2)

    def assign(mentee):
        return lambda: services.mentorship_create(
            mentor=mentor, mentee=mentee, created_by=hr, started_on=datetime.date(2026, 2, 1)
        )

    with patch.object(
        User.objects, "select_for_update", hold_at(barrier, User.objects.select_for_update)
    ):
        results = run_concurrently(*(assign(m) for m in mentees))

    created = [r for r in results if isinstance(r, Mentorship)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1, results
    assert len(refused) == 1, results
    assert refused[0].code == "capacity"
    assert Mentorship.objects.filter(mentor=mentor).count() == 1


def test_same_evidence_event_recorded_twice_at_once_makes_one_row(agent):
    """A retried quiz event arriving while the first is still being processed: both
    calls must answer with the one stored row (idempotent), neither with an error."""
    competency = CompetencyFactory()
    barrier = threading.Barrier(2)

    def record():
        return services.evidence_record(
            agent=agent,
            competency=competency,
            level=Level.ADVANCED,
            source=Evidence.Source.QUIZ,
            source_ref="quiz-attempt:42",
            recorded_by=None,
            observed_on=datetime.date(2026, 2, 1),
        )

    with patch.object(Evidence.objects, "create", hold_at(barrier, Evidence.objects.create)):
        results = run_concurrently(record, record)

    assert Evidence.objects.filter(agent=agent, competency=competency).count() == 1
    stored = Evidence.objects.get(agent=agent, competency=competency)
    assert all(isinstance(r, Evidence) for r in results), results
    assert {r.pk for r in results} == {stored.pk}
    assert CompetencyLevel.objects.get(agent=agent, competency=competency).evidence == stored


def test_concurrent_evidence_for_one_competency_keeps_the_highest_level(agent):
    """Two different pieces of evidence recorded at once (a quiz and a graded role-play):
    the stored level must follow the rule over both rows, whichever transaction commits
    last. Here the lower one is made to write its level last."""
    competency = CompetencyFactory()
    both_read = threading.Barrier(2)
    expert_done = threading.Event()
    real_rule = services.deciding_evidence

    def rule_after_both_have_read(evidence, today):
        meet(both_read)
        decided = real_rule(evidence, today)
        if decided is not None and decided.level == Level.BASIC:
            expert_done.wait(timeout=MEET_TIMEOUT)
        return decided

    def record(level, source, ref):
        def call():
            try:
                return services.evidence_record(
                    agent=agent,
                    competency=competency,
                    level=level,
                    source=source,
                    source_ref=ref,
                    recorded_by=None,
                    observed_on=datetime.date(2026, 2, 1),
                )
            finally:
                if level == Level.EXPERT:
                    expert_done.set()

        return call

    with patch.object(services, "deciding_evidence", rule_after_both_have_read):
        results = run_concurrently(
            record(Level.EXPERT, Evidence.Source.QUIZ, "quiz-attempt:1"),
            record(Level.BASIC, Evidence.Source.ROLEPLAY, "roleplay:1"),
        )

    assert all(isinstance(r, Evidence) for r in results), results
    expert = Evidence.objects.get(agent=agent, level=Level.EXPERT)
    current = CompetencyLevel.objects.get(agent=agent, competency=competency)
    assert current.level == Level.EXPERT
    assert current.evidence == expert
