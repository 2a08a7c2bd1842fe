"""Demo live role-plays of 云裳优品: the demo mentor's published times, one upcoming
booking of the demo agent and one past session, held and graded.

Called by the demo seed command after the people and the role-play scenarios exist.
Idempotent: each part is made only while nothing of its kind exists (the mentor's future
times, the agent's upcoming booking with the mentor, their held session), so a second
run creates nothing. Future times go through the services; the past session's time is a
plain row, because the service rightly refuses to publish a time in the past, and it is
then held, recorded and graded through the services with ``now=`` in the past.
"""

import datetime
import zoneinfo
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from lms.models import User

from . import live, roleplay
from .models import Criterion, Grade, LiveBooking, LiveSlot, Scenario

MENTOR = "mentor"
AGENT = "agent"
UPCOMING_SCENARIO = "im-refund-refused"
PAST_SCENARIO = "phone-angry-caller"

PHONE = "电话：导师陈静怡会在约定时间拨打您的工位分机；如需改号请提前在群里说明。"
VIDEO = "腾讯会议：428 615 903，密码 2026。请提前 5 分钟进入并打开摄像头。"

# days from today, local start time, minutes, channel
TIMES = [
    (1, datetime.time(10, 0), 60, "phone"),
    (2, datetime.time(14, 30), 45, "video"),
    (4, datetime.time(9, 30), 60, "phone"),
    (6, datetime.time(15, 0), 60, "video"),
    (9, datetime.time(10, 30), 45, "phone"),
    (12, datetime.time(16, 0), 60, "video"),
]
UPCOMING = 3  # the booked one: days 6, far enough ahead to stay cancellable
PAST_DAYS_AGO = 5

NOTES = (
    "电话模拟：顾客因轮子断裂很生气，开口就要投诉。学员先道歉并复述问题，语气平稳；"
    "给出加急补发和回电时间，但一开始没有核对订单号，挂电话前才补问。"
)
FEEDBACK = "情绪安抚做得好，承诺具体。下次先核对订单信息再给方案。"


def _zone(user: User) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def _at(day: datetime.date, at: datetime.time, tz: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, at, tzinfo=tz)


def _scenario(code: str) -> Scenario | None:
    """The demo scenario by code, else any scenario a live session may practise."""
    scenarios = live.bookable_scenarios()
    return scenarios.filter(code=code).first() or scenarios.first()


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


@transaction.atomic
def seed_live_demo(stdout: TextIO | None = None) -> int:
    """Create what is missing of the live role-play demo; returns how many rows (times,
    bookings, submissions) it created."""
    users = {u.username: u for u in User.objects.filter(username__in=[MENTOR, AGENT])}
    mentor, agent = users.get(MENTOR), users.get(AGENT)
    upcoming_scenario = _scenario(UPCOMING_SCENARIO)
    past_scenario = _scenario(PAST_SCENARIO)
    if mentor is None or agent is None or upcoming_scenario is None or past_scenario is None:
        _say(stdout, "Demo live role-play: skipped (seed the people and scenarios first).\n")
        return 0
    now = timezone.now()
    tz = _zone(mentor)
    today = timezone.localdate(now, tz)
    created = 0

    future = list(
        LiveSlot.objects.filter(mentor=mentor, cancelled_at__isnull=True, starts_at__gt=now)
    )
    if not future:
        for days, at, minutes, channel in TIMES:
            starts_at = _at(today + datetime.timedelta(days=days), at, tz)
            future.append(
                live.live_slot_create(
                    mentor=mentor,
                    starts_at=starts_at,
                    ends_at=starts_at + datetime.timedelta(minutes=minutes),
                    channel=channel,
                    how_to_join=PHONE if channel == "phone" else VIDEO,
                    now=now,
                )
            )
            created += 1

    mine = LiveBooking.objects.filter(agent=agent, slot__mentor=mentor)
    if not mine.filter(status=LiveBooking.Status.BOOKED, slot__starts_at__gt=now).exists():
        future.sort(key=lambda s: s.starts_at)
        free = [s for s in future if not s.bookings.exclude(status="cancelled").exists()]
        if free:
            slot = free[min(UPCOMING, len(free) - 1)]
            live.live_book(slot=slot, agent=agent, scenario=upcoming_scenario, now=now)
            created += 1

    if not mine.filter(status=LiveBooking.Status.HELD).exists():
        created += _held_session(mentor, agent, past_scenario, today, tz)

    _say(stdout, f"Demo live role-play: {created} created.\n")
    return created


def _held_session(
    mentor: User, agent: User, scenario: Scenario, today: datetime.date, tz: datetime.tzinfo
) -> int:
    starts_at = _at(today - datetime.timedelta(days=PAST_DAYS_AGO), datetime.time(15, 0), tz)
    ends_at = starts_at + datetime.timedelta(hours=1)
    if LiveSlot.objects.filter(
        mentor=mentor, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        return 0
    slot = LiveSlot(
        mentor=mentor, starts_at=starts_at, ends_at=ends_at, channel="phone", how_to_join=PHONE
    )
    slot.full_clean()
    slot.save()
    booking = LiveBooking.objects.create(
        slot=slot,
        agent=agent,
        scenario=scenario,
        booked_at=starts_at - datetime.timedelta(days=3),
    )
    grade = live.live_session_record(
        booking=booking,
        mentor=mentor,
        notes=NOTES,
        now=ends_at + datetime.timedelta(minutes=10),
    )
    _score(grade)
    roleplay.grade_finalise(
        grade=grade, feedback=FEEDBACK, now=ends_at + datetime.timedelta(hours=2)
    )
    return 3  # the time, the booking and the submission


def _score(grade: Grade) -> None:
    """Good on every criterion: the second-best level."""
    criteria = Criterion.objects.filter(
        version_id=grade.submission.rubric_version_id
    ).prefetch_related("levels")
    for criterion in criteria:
        levels = sorted(criterion.levels.all(), key=lambda lv: lv.points)
        roleplay.grade_score_set(grade=grade, criterion=criterion, level=levels[-2])
