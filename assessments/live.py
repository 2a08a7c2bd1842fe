"""Live role-play: mentors publish times, agents book them, the mentor plays the customer
(phone or video, outside the app) and then grades the session with the scenario's rubric.

Every write is one transaction and raises ``ValidationError`` (nothing saved) when it
cannot be done.
"""

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.permissions import can_author
from lms.models import Mentorship, Role, User
from lms.preferences import speaking_to
from lms.services import notification_send

from .media_checks import validate_recording
from .models import Grade, LiveBooking, LiveSlot, Scenario, Submission
from .roleplay import grade_start, rubric_current

LONGEST_SLOT = datetime.timedelta(hours=4)
# An agent or mentor may cancel a booking until this long before it starts.
CANCEL_NOTICE = datetime.timedelta(hours=2)


def can_host(user: User) -> bool:
    """Mentors, trainers, HR and admin publish live role-play times."""
    return user.is_authenticated and (
        user.is_superuser or can_author(user) or user.has_role(Role.MENTOR)
    )


def _hosts_for(agent: User) -> QuerySet[User]:
    """Whose times an agent may book: their active mentors, and any trainer or HR (who
    may grade anyone)."""
    mentors = Mentorship.objects.filter(mentee=agent, ended_on__isnull=True).values("mentor")
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=mentors)
            | Q(is_superuser=True)
            | Q(groups__name__in=[Role.TRAINER, Role.HR, Role.ADMIN])
        )
        .exclude(pk=agent.pk)
        .distinct()
    )


def _user_zone(user: User) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def _notify(user: User, key: str, subject_fn: Callable[[], str], url: str) -> None:
    """The subject is written in the recipient's language and time zone, not the
    actor's: the two may be in different places."""
    with speaking_to(user), timezone.override(_user_zone(user)):
        notification_send(recipient=user, key=key, subject=subject_fn(), url=url)


def _calendar_url(slot: LiveSlot, mentor: User) -> str:
    day = timezone.localtime(slot.starts_at, _user_zone(mentor)).date()
    return f"{reverse('assessments:live-calendar')}?start={day.isoformat()}"


# --- Mentors' times ------------------------------------------------------------------


@transaction.atomic
def live_slot_create(
    *,
    mentor: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    channel: str,
    how_to_join: str = "",
    now: datetime.datetime | None = None,
) -> LiveSlot:
    now = now or timezone.now()
    if not can_host(mentor):
        raise ValidationError(_("Only mentors and trainers publish live role-play times."))
    if starts_at <= now:
        raise ValidationError(_("Choose a time in the future."), code="past")
    if ends_at <= starts_at:
        raise ValidationError(_("A time must end after it starts."), code="order")
    if ends_at - starts_at > LONGEST_SLOT:
        raise ValidationError(_("A time lasts at most four hours."), code="long")
    # Overlap is checked under the mentor's row lock, so two tabs cannot both add one.
    User.objects.select_for_update(no_key=True).filter(pk=mentor.pk).values_list("pk").get()
    clash = LiveSlot.objects.filter(
        mentor=mentor, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).first()
    if clash is not None:
        raise ValidationError(
            _("You already have a time from %(start)s that overlaps this one.")
            % {"start": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M")},
            code="overlap",
        )
    slot = LiveSlot(
        mentor=mentor,
        starts_at=starts_at,
        ends_at=ends_at,
        channel=channel,
        how_to_join=how_to_join.strip(),
    )
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def live_slot_withdraw(
    *, slot: LiveSlot, by: User, now: datetime.datetime | None = None
) -> LiveSlot:
    """Take a time back; a booking on it is cancelled and the agent told."""
    now = now or timezone.now()
    slot = LiveSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.mentor_id != by.pk:
        raise ValidationError(_("Only the mentor who published a time may withdraw it."))
    if slot.cancelled_at is not None:
        raise ValidationError(_("This time has already been withdrawn."), code="withdrawn")
    if slot.starts_at <= now:
        raise ValidationError(_("This time has already begun."), code="started")
    slot.cancelled_at = now
    slot.save(update_fields=["cancelled_at"])
    # Locked: an agent cancelling at the same moment is seen, not overwritten.
    booking = (
        slot.bookings.select_for_update()
        .select_related("agent")
        .filter(status=LiveBooking.Status.BOOKED)
        .first()
    )
    if booking is not None:
        booking.slot = slot
        _cancel(booking, by, _("The mentor withdrew this time."), now)
    return slot


# --- Agents' bookings ------------------------------------------------------------------


@transaction.atomic
def live_book(
    *, slot: LiveSlot, agent: User, scenario: Scenario, now: datetime.datetime | None = None
) -> LiveBooking:
    now = now or timezone.now()
    slot = LiveSlot.objects.select_for_update().select_related("mentor").get(pk=slot.pk)
    if slot.cancelled_at is not None or slot.starts_at <= now:
        raise ValidationError(_("This time is no longer open."), code="closed")
    # Under the slot's lock, so an agent who waited for it sees the booking just made.
    taken = _("Someone else has just booked this time. Choose another.")
    if slot.bookings.exclude(status=LiveBooking.Status.CANCELLED).exists():
        raise ValidationError(taken, code="taken")
    if not _hosts_for(agent).filter(pk=slot.mentor_id).exists():
        raise ValidationError(
            _("Book a time with your own mentor or a trainer."), code="not_your_mentor"
        )
    if scenario.status != Scenario.Status.PUBLISHED or scenario.kind != Scenario.Kind.ROLEPLAY:
        raise ValidationError(_("Choose an open role-play scenario."), code="scenario")
    if rubric_current(scenario.rubric) is None:
        raise ValidationError(_("This scenario has no published rubric yet."), code="rubric")
    User.objects.select_for_update(no_key=True).filter(pk=agent.pk).values_list("pk").get()
    if LiveBooking.objects.filter(
        agent=agent,
        status=LiveBooking.Status.BOOKED,
        slot__starts_at__lt=slot.ends_at,
        slot__ends_at__gt=slot.starts_at,
    ).exists():
        raise ValidationError(_("You have another booking at that time."), code="overlap")
    try:
        with transaction.atomic():
            booking = LiveBooking.objects.create(
                slot=slot, agent=agent, scenario=scenario, booked_at=now
            )
    except IntegrityError as exc:
        raise ValidationError(taken, code="taken") from exc
    _notify(
        slot.mentor,
        f"live-booked:{booking.pk}",
        lambda: (
            _("%(agent)s booked a live role-play (%(scenario)s) at %(start)s")
            % {
                "agent": agent,
                "scenario": scenario,
                "start": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M"),
            }
        ),
        _calendar_url(slot, slot.mentor),
    )
    return booking


def _cancel(booking: LiveBooking, by: User, reason: str, now) -> LiveBooking:
    booking.status = LiveBooking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancel_reason = reason.strip()[:300]
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    other = booking.slot.mentor if by.pk == booking.agent_id else booking.agent
    _notify(
        other,
        f"live-cancelled:{booking.pk}",
        lambda: (
            _("The live role-play at %(start)s is cancelled")
            % {"start": timezone.localtime(booking.slot.starts_at).strftime("%Y-%m-%d %H:%M")}
        ),
        reverse("assessments:live"),
    )
    return booking


@transaction.atomic
def live_booking_cancel(
    *, booking: LiveBooking, by: User, reason: str = "", now: datetime.datetime | None = None
) -> LiveBooking:
    """The agent or the mentor calls it off, at least two hours ahead."""
    now = now or timezone.now()
    booking = (
        LiveBooking.objects.select_for_update(of=("self",))
        .select_related("slot__mentor", "agent")
        .get(pk=booking.pk)
    )
    if by.pk not in (booking.agent_id, booking.slot.mentor_id):
        raise ValidationError(_("Only the agent or the mentor may cancel this booking."))
    if booking.status != LiveBooking.Status.BOOKED:
        raise ValidationError(_("This booking is not open."), code="status")
    if booking.slot.starts_at - now < CANCEL_NOTICE:
        raise ValidationError(
            _("It starts in less than two hours; tell the other person directly."),
            code="late",
        )
    return _cancel(booking, by, reason, now)


def _held(booking: LiveBooking, mentor: User, now) -> LiveBooking:
    booking = (
        LiveBooking.objects.select_for_update(of=("self",))
        .select_related("slot", "scenario__rubric", "agent")
        .get(pk=booking.pk)
    )
    if booking.slot.mentor_id != mentor.pk:
        raise ValidationError(_("Only the mentor of this booking may record it."))
    if booking.status != LiveBooking.Status.BOOKED:
        raise ValidationError(_("This booking is not open."), code="status")
    if booking.slot.starts_at > now:
        raise ValidationError(_("This role-play has not started yet."), code="early")
    return booking


@transaction.atomic
def live_session_record(
    *,
    booking: LiveBooking,
    mentor: User,
    notes: str,
    recording: UploadedFile | None = None,
    now: datetime.datetime | None = None,
) -> Grade:
    """After the call: the session becomes a submission (notes and any recording kept)
    and the mentor's draft grade is opened on it, graded like any other."""
    now = now or timezone.now()
    booking = _held(booking, mentor, now)
    if not notes.strip():
        raise ValidationError(_("Write notes on how the role-play went."), code="notes")
    # The grade must be reachable from the grading page: a mentor whose mentorship ended
    # since the booking may no longer grade this agent.
    if not _hosts_for(booking.agent).filter(pk=mentor.pk).exists():
        raise ValidationError(
            _("You no longer mentor this agent, so you cannot grade this role-play."),
            code="not_your_mentee",
        )
    if recording is not None:
        try:
            validate_recording(recording)
        except ValidationError as exc:
            # One message with a code: a list given to ValidationError drops the code.
            raise ValidationError(" ".join(exc.messages), code="recording") from exc
    version = rubric_current(booking.scenario.rubric)
    if version is None:
        raise ValidationError(_("This scenario has no published rubric yet."), code="rubric")
    submission = Submission(
        scenario=booking.scenario,
        agent=booking.agent,
        rubric_version=version,
        status=Submission.Status.SUBMITTED,
        live=True,
        case_text=notes.strip(),
        started_at=booking.slot.starts_at,
        submitted_at=now,
        grading_due_at=now + datetime.timedelta(hours=booking.scenario.grading_hours),
    )
    if recording is not None:
        submission.recording = recording
    submission.save()
    booking.status = LiveBooking.Status.HELD
    booking.submission = submission
    booking.save(update_fields=["status", "submission"])
    return grade_start(submission=submission, grader=mentor)


@transaction.atomic
def live_booking_no_show(
    *, booking: LiveBooking, mentor: User, now: datetime.datetime | None = None
) -> LiveBooking:
    now = now or timezone.now()
    booking = _held(booking, mentor, now)
    booking.status = LiveBooking.Status.NO_SHOW
    booking.save(update_fields=["status"])
    slot = booking.slot
    _notify(
        booking.agent,
        f"live-no-show:{booking.pk}",
        lambda: (
            _("You missed the live role-play at %(start)s")
            % {"start": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M")}
        ),
        reverse("assessments:live"),
    )
    return booking


# --- Reads -----------------------------------------------------------------------------


def open_slots_for(
    agent: User,
    now: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet[LiveSlot]:
    """Future, unbooked times the agent may book (starting before ``until``, if given),
    soonest first."""
    now = now or timezone.now()
    slots = LiveSlot.objects.filter(
        mentor__in=_hosts_for(agent), cancelled_at__isnull=True, starts_at__gt=now
    )
    if until is not None:
        slots = slots.filter(starts_at__lt=until)
    return (
        slots.exclude(
            bookings__status__in=[
                LiveBooking.Status.BOOKED,
                LiveBooking.Status.HELD,
                LiveBooking.Status.NO_SHOW,
            ]
        )
        .select_related("mentor")
        .order_by("starts_at", "pk")
    )


def slot_bookable_get(agent: User, pk: int) -> LiveSlot:
    """A time of one of the agent's hosts (open or not: the service says why it cannot be
    booked); raises LiveSlot.DoesNotExist for anyone else's."""
    return LiveSlot.objects.filter(mentor__in=_hosts_for(agent)).get(pk=pk)


def slot_hosted_get(mentor: User, pk: int) -> LiveSlot:
    """One of the mentor's own times; raises LiveSlot.DoesNotExist otherwise."""
    return LiveSlot.objects.get(mentor=mentor, pk=pk)


def booking_get_for(user: User, pk: int) -> LiveBooking:
    """A booking the user is part of, as its agent or its mentor; raises
    LiveBooking.DoesNotExist otherwise."""
    return (
        LiveBooking.objects.filter(Q(agent=user) | Q(slot__mentor=user))
        .select_related("slot__mentor", "agent", "scenario")
        .get(pk=pk)
    )


def booking_hosted_get(mentor: User, pk: int) -> LiveBooking:
    """A booking on one of the mentor's own times; raises LiveBooking.DoesNotExist
    otherwise."""
    return (
        LiveBooking.objects.filter(slot__mentor=mentor)
        .select_related("slot", "agent", "scenario")
        .get(pk=pk)
    )


def bookable_scenarios() -> QuerySet[Scenario]:
    """Published role-plays with a published rubric: what a live session may practise."""
    return (
        Scenario.objects.filter(
            status=Scenario.Status.PUBLISHED,
            kind=Scenario.Kind.ROLEPLAY,
            rubric__versions__is_published=True,
        )
        .distinct()
        .order_by("code")
    )


def bookings_of(agent: User) -> QuerySet[LiveBooking]:
    return (
        LiveBooking.objects.filter(agent=agent)
        .select_related("slot__mentor", "scenario", "submission")
        .order_by("-slot__starts_at", "-pk")
    )


@dataclass
class CalendarDay:
    day: datetime.date
    slots: list[LiveSlot]


def mentor_calendar(mentor: User, start: datetime.date, days: int = 14) -> list[CalendarDay]:
    """The mentor's times from ``start`` for ``days`` days, each with its live booking
    (``slot.booking``, or None): two queries whatever the number of times."""
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end = begin + datetime.timedelta(days=days)
    slots = list(
        LiveSlot.objects.filter(mentor=mentor, starts_at__gte=begin, starts_at__lt=end).order_by(
            "starts_at", "pk"
        )
    )
    # Filtered like the times rather than by their ids: two queries even on an empty page.
    bookings = {
        b.slot_id: b
        for b in LiveBooking.objects.filter(
            slot__mentor=mentor, slot__starts_at__gte=begin, slot__starts_at__lt=end
        )
        .exclude(status=LiveBooking.Status.CANCELLED)
        .select_related("agent", "scenario", "submission")
    }
    by_day: dict[datetime.date, list[LiveSlot]] = {}
    for slot in slots:
        slot.booking = bookings.get(slot.pk)
        by_day.setdefault(timezone.localtime(slot.starts_at, tz).date(), []).append(slot)
    return [
        CalendarDay(
            start + datetime.timedelta(days=i), by_day.get(start + datetime.timedelta(days=i), [])
        )
        for i in range(days)
    ]
