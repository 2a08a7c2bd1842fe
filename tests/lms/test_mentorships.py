"""Mentorship rules: in the service (clear errors, nothing saved) and in the database."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lms import services
from lms.models import Mentorship, Role
from tests.lms.factories import UserFactory

START = datetime.date(2026, 2, 1)


def new_mentor(**kwargs):
    return UserFactory(roles=[Role.AGENT, Role.MENTOR], **kwargs)


def assign(mentor, mentee, *, by=None, started_on=START):
    return services.mentorship_create(
        mentor=mentor, mentee=mentee, created_by=by, started_on=started_on
    )


def active_mentors_of(mentee) -> list:
    return list(
        Mentorship.objects.filter(mentee=mentee, ended_on__isnull=True).values_list(
            "mentor", flat=True
        )
    )


def test_create_records_an_active_mentorship(agent, hr):
    mentor = new_mentor(display_name="孙导师")

    mentorship = assign(mentor, agent, by=hr)

    stored = Mentorship.objects.get(pk=mentorship.pk)
    assert (stored.mentor, stored.mentee, stored.created_by) == (mentor, agent, hr)
    assert stored.started_on == START
    assert stored.is_active


def test_nobody_mentors_themselves(hr):
    mentor = new_mentor()

    with pytest.raises(ValidationError) as error:
        assign(mentor, mentor, by=hr)

    assert error.value.code == "self_mentoring"
    assert not Mentorship.objects.exists()


def test_mentor_must_hold_the_mentor_role(agent, other_agent, hr):
    with pytest.raises(ValidationError) as error:
        assign(other_agent, agent, by=hr)

    assert error.value.code == "not_mentor"
    assert "李思远" in error.value.messages[0]
    assert not Mentorship.objects.exists()

    other_agent.groups.add(Group.objects.get_or_create(name=Role.MENTOR)[0])
    assign(other_agent, agent, by=hr)

    assert active_mentors_of(agent) == [other_agent.pk]


def test_inactive_people_cannot_be_paired(agent, hr):
    mentor = new_mentor(is_active=False)

    with pytest.raises(ValidationError) as error:
        assign(mentor, agent, by=hr)

    assert error.value.code == "inactive"
    assert not Mentorship.objects.exists()


def test_one_active_mentor_per_mentee(agent, mentor, hr):
    second = new_mentor(display_name="孙导师")

    with pytest.raises(ValidationError) as error:
        assign(second, agent, by=hr)

    assert error.value.code == "already_mentored"
    assert "陈导师" in error.value.messages[0]
    assert active_mentors_of(agent) == [mentor.pk]
    assert not Mentorship.objects.filter(mentor=second).exists()


def test_default_capacity_is_five(team, hr):
    mentor = new_mentor()
    assert mentor.mentor_capacity == 5
    for _ in range(5):
        assign(mentor, UserFactory(team=team), by=hr)
    sixth = UserFactory(team=team)

    with pytest.raises(ValidationError) as error:
        assign(mentor, sixth, by=hr)

    assert error.value.code == "capacity"
    assert Mentorship.objects.filter(mentor=mentor, ended_on__isnull=True).count() == 5
    assert not Mentorship.objects.filter(mentee=sixth).exists()


def test_custom_capacity_is_respected(team, hr):
    mentor = new_mentor(mentor_capacity=2)
    assign(mentor, UserFactory(team=team), by=hr)
    assign(mentor, UserFactory(team=team), by=hr)
    third = UserFactory(team=team)

    with pytest.raises(ValidationError) as error:
        assign(mentor, third, by=hr)

    assert error.value.code == "capacity"
    assert Mentorship.objects.filter(mentor=mentor).count() == 2
    assert not Mentorship.objects.filter(mentee=third).exists()


def test_ending_a_mentorship_frees_capacity(team, hr):
    mentor = new_mentor(mentor_capacity=1)
    first = assign(mentor, UserFactory(team=team), by=hr)
    waiting = UserFactory(team=team)
    with pytest.raises(ValidationError):
        assign(mentor, waiting, by=hr)

    services.mentorship_end(mentorship=first, ended_on=datetime.date(2026, 3, 1))
    assign(mentor, waiting, by=hr, started_on=datetime.date(2026, 3, 2))

    assert active_mentors_of(waiting) == [mentor.pk]
    assert Mentorship.objects.filter(mentor=mentor, ended_on__isnull=True).count() == 1


def test_ending_a_mentorship_allows_a_new_mentor(agent, mentor, hr):
    current = Mentorship.objects.get(mentee=agent)
    successor = new_mentor(display_name="孙导师")

    ended = services.mentorship_end(mentorship=current, ended_on=datetime.date(2026, 3, 1))
    assign(successor, agent, by=hr, started_on=datetime.date(2026, 3, 1))

    assert ended.ended_on == datetime.date(2026, 3, 1)
    current.refresh_from_db()
    assert current.ended_on == datetime.date(2026, 3, 1)
    assert active_mentors_of(agent) == [successor.pk]
    assert Mentorship.objects.filter(mentee=agent).count() == 2


def test_end_refuses_a_mentorship_already_ended(agent, mentor):
    mentorship = Mentorship.objects.get(mentee=agent)
    services.mentorship_end(mentorship=mentorship, ended_on=datetime.date(2026, 3, 1))

    with pytest.raises(ValidationError) as error:
        services.mentorship_end(mentorship=mentorship, ended_on=datetime.date(2026, 4, 1))

    assert error.value.code == "already_ended"
    mentorship.refresh_from_db()
    assert mentorship.ended_on == datetime.date(2026, 3, 1)


def test_end_refuses_a_date_before_the_start(agent, mentor):
    mentorship = Mentorship.objects.get(mentee=agent)
    assert mentorship.started_on == datetime.date(2026, 1, 1)

    with pytest.raises(ValidationError) as error:
        services.mentorship_end(mentorship=mentorship, ended_on=datetime.date(2025, 12, 31))

    assert error.value.code == "end_order"
    mentorship.refresh_from_db()
    assert mentorship.ended_on is None

    services.mentorship_end(mentorship=mentorship, ended_on=datetime.date(2026, 1, 1))
    mentorship.refresh_from_db()
    assert mentorship.ended_on == datetime.date(2026, 1, 1)


# --- The database has the last word --------------------------------------------------


def test_database_refuses_self_mentoring(db):
    person = new_mentor()

    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(mentor=person, mentee=person, started_on=START)

    assert not Mentorship.objects.exists()


def test_database_refuses_two_active_mentors_for_one_mentee(agent, mentor):
    second = new_mentor()

    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(mentor=second, mentee=agent, started_on=START)

    assert active_mentors_of(agent) == [mentor.pk]


def test_database_allows_past_mentorships_beside_the_active_one(agent, mentor):
    earlier = new_mentor()

    Mentorship.objects.create(
        mentor=earlier,
        mentee=agent,
        started_on=datetime.date(2025, 1, 1),
        ended_on=datetime.date(2025, 6, 30),
    )

    assert Mentorship.objects.filter(mentee=agent).count() == 2
    assert active_mentors_of(agent) == [mentor.pk]


def test_database_refuses_an_end_before_the_start(agent):
    mentor = new_mentor()

    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(
            mentor=mentor,
            mentee=agent,
            started_on=datetime.date(2026, 2, 1),
            ended_on=datetime.date(2026, 1, 31),
        )

    assert not Mentorship.objects.exists()
