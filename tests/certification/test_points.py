"""Points services: awarding once per source, corrections, balance, statement, rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from certification import points
from certification.models import PointRule, PointsEntry
from tests.certification.factories import point_rules

Reason = PointsEntry.Reason
AT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def award(person, amount=10, *, reason=Reason.COURSE, source_id=1, at=None, **kwargs):
    return points.points_award(
        person=person,
        amount=amount,
        reason=reason,
        source_type="courses.course",
        source_id=source_id,
        at=at,
        **kwargs,
    )


def test_points_award_is_idempotent_per_source_and_reason(agent):
    first, created = award(agent, 10, source_id=7)
    again, created_again = award(agent, 10, source_id=7)

    assert created and not created_again
    assert again.pk == first.pk
    assert PointsEntry.objects.filter(person=agent).count() == 1
    # Another reason or another source is another achievement.
    award(agent, 5, reason=Reason.QUIZ, source_id=7)
    award(agent, 10, source_id=8)
    assert PointsEntry.objects.filter(person=agent).count() == 3
    assert points.balance(agent) == 25


def test_the_same_source_counts_for_each_person(agent, other_agent):
    award(agent, 10, source_id=7)
    award(other_agent, 10, source_id=7)
    assert points.balance(agent) == points.balance(other_agent) == 10


def test_zero_points_add_no_entry_and_corrections_need_their_own_service(agent):
    assert award(agent, 0) == (None, False)
    with pytest.raises(ValueError):
        award(agent, 5, reason=Reason.CORRECTION)
    assert not PointsEntry.objects.exists()


def test_balance_is_the_sum_of_entries_corrections_included(agent, hr):
    award(agent, 30, source_id=1)
    award(agent, 20, source_id=2)
    points.points_correct(person=agent, amount=-15, note="重复计分", created_by=hr)
    points.points_correct(person=agent, amount=4, note="补录", created_by=hr)

    total = PointsEntry.objects.filter(person=agent).aggregate(t=Sum("amount"))["t"]
    assert points.balance(agent) == total == 39


def test_a_person_without_entries_has_a_zero_balance(agent):
    assert points.balance(agent) == 0


def test_a_correction_is_a_new_entry_with_its_reason_and_author(agent, hr):
    original, _created = award(agent, 30)
    correction = points.points_correct(person=agent, amount=-10, note="  多计了  ", created_by=hr)

    original.refresh_from_db()
    assert original.amount == 30
    assert (correction.reason, correction.amount, correction.note, correction.created_by) == (
        Reason.CORRECTION,
        -10,
        "多计了",
        hr,
    )
    assert PointsEntry.objects.filter(person=agent).count() == 2


@pytest.mark.parametrize(
    ("amount", "note", "code"),
    [
        (5, "", "note"),
        (5, "   ", "note"),
        (0, "原因", "amount"),
        (200_000, "原因", "amount"),
        (5, "长" * 301, "note_length"),
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(agent, hr, amount, note, code):
    with pytest.raises(ValidationError) as caught:
        points.points_correct(person=agent, amount=amount, note=note, created_by=hr)
    assert caught.value.code == code
    assert not PointsEntry.objects.exists()


def test_a_correction_without_a_reason_gives_a_translated_message(agent, hr):
    with pytest.raises(ValidationError) as caught:
        points.points_correct(person=agent, amount=5, note="", created_by=hr)
    assert caught.value.messages == [_("Say why the points are corrected.")]


def test_statement_is_newest_first_with_the_running_balance_on_every_page(agent, hr):
    for i in range(5):
        award(agent, 10 * (i + 1), source_id=i, at=AT + datetime.timedelta(days=i))
    points.points_correct(person=agent, amount=-7, note="更正", created_by=hr)

    first = points.statement_page(agent, 1, per_page=4)
    second = points.statement_page(agent, 2, per_page=4)
    rows = [(e.amount, e.running) for e in [*first, *second]]

    # Newest first: the correction (now), then days 4, 3, 2, 1, 0.
    assert rows == [(-7, 143), (50, 150), (40, 100), (30, 60), (20, 30), (10, 10)]
    assert rows[0][1] == points.balance(agent)


def test_statement_is_one_person_only(agent, other_agent):
    award(agent, 10)
    award(other_agent, 99)
    page = points.statement_page(agent, 1)
    assert [e.person_id for e in page] == [agent.pk]


def test_point_rules_set_and_read(db):
    point_rules(course=10)
    rules = {rule.event: rule for rule in points.point_rules()}
    assert [r.event for r in points.point_rules()] == PointRule.Event.values
    assert (rules["course"].points, rules["course"].is_active) == (10, True)
    assert (rules["quiz"].points, rules["quiz"].is_active) == (0, False)  # no row yet

    points.point_rule_set(event="quiz", points=5, is_active=True)
    points.point_rule_set(event="course", points=12, is_active=False)
    assert points.rule_points("quiz") == 5
    assert points.rule_points("course") == 0  # not in force
    assert [r.event for r in points.rules_in_force()] == ["quiz"]


@pytest.mark.parametrize(("event", "value"), [("nap", 5), ("quiz", 10_001)])
def test_a_bad_rule_is_refused(db, event, value):
    with pytest.raises(ValidationError):
        points.point_rule_set(event=event, points=value, is_active=True)
    assert not PointRule.objects.exists()


def test_changing_a_rule_never_rewrites_earned_points(agent):
    point_rules(course=10)
    award(agent, points.rule_points("course"))
    points.point_rule_set(event="course", points=50, is_active=True)
    assert list(PointsEntry.objects.values_list("amount", flat=True)) == [10]


def test_period_start_is_monday_or_the_first_in_the_current_zone():
    wednesday = datetime.date(2026, 3, 4)
    with timezone.override("Asia/Shanghai"):
        week = points.period_start("week", wednesday)
        month = points.period_start("month", wednesday)
    assert week.date() == datetime.date(2026, 3, 2) and week.hour == 0
    assert month.date() == datetime.date(2026, 3, 1)
    assert week.utcoffset() == datetime.timedelta(hours=8)
    with pytest.raises(ValueError):
        points.period_start("year", wednesday)
