"""Live role-play pages: the agent books a mentor's time; the mentor keeps a calendar,
plays the customer outside the app and records the session for grading.

Every object comes through a selector of ``assessments.live`` scoped to the user: an
agent reaches only the times of their own hosts and their own bookings, a mentor only
their own times and the bookings on them; anything else is the same 404 as a missing
object. The calendar is for hosts (``can_host``) only.
"""

import datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.models import User

from . import live
from .forms_live import BookingForm, CancelForm, RecordForm, SlotForm
from .models import LiveBooking, LiveSlot

LOOKAHEAD = datetime.timedelta(days=28)
SLOTS_PER_PAGE = 50
BOOKINGS_PER_PAGE = 20
CALENDAR_DAYS = 14


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _form_error_text(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- The agent's side -------------------------------------------------------------------


def _live_context(request: HttpRequest) -> dict:
    user = request.user
    now = timezone.now()
    slot_page = Paginator(live.open_slots_for(user, now=now, until=now + LOOKAHEAD), SLOTS_PER_PAGE)
    slots = slot_page.get_page(request.GET.get("page"))
    days = [
        (day, list(group))
        for day, group in groupby(
            slots.object_list, key=lambda s: timezone.localtime(s.starts_at).date()
        )
    ]
    bookings = Paginator(live.bookings_of(user), BOOKINGS_PER_PAGE).get_page(
        request.GET.get("bpage")
    )
    for booking in bookings.object_list:
        booking.cancellable = (
            booking.status == LiveBooking.Status.BOOKED
            and booking.slot.starts_at - now >= live.CANCEL_NOTICE
        )
        booking.late = booking.status == LiveBooking.Status.BOOKED and not booking.cancellable
    return {
        "slots": slots,
        "days": days,
        "bookings": bookings,
        "scenarios": list(live.bookable_scenarios()),
        "can_host": live.can_host(user),
    }


@login_required
def live_page(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/live/index.html", _live_context(request))


@login_required
@require_POST
def slot_book(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        slot = live.slot_bookable_get(request.user, pk)
    except LiveSlot.DoesNotExist as exc:
        raise Http404 from exc
    form = BookingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error_text(form))
        return redirect("assessments:live")
    try:
        booking = live.live_book(
            slot=slot, agent=request.user, scenario=form.cleaned_data["scenario"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("assessments:live")
    messages.success(
        request,
        _("Booked: %(mentor)s expects you at %(start)s.")
        % {"mentor": booking.slot.mentor, "start": _when(booking.slot.starts_at)},
    )
    return redirect(reverse("assessments:live") + "#my-bookings")


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The agent (from their bookings) or the mentor calls a booking off."""
    try:
        booking = live.booking_get_for(request.user, pk)
    except LiveBooking.DoesNotExist as exc:
        raise Http404 from exc
    form = CancelForm(request.POST)
    back = (
        reverse("assessments:live") + "#my-bookings"
        if booking.agent_id == request.user.pk
        else _calendar_url(_start_from(request.POST.get("calendar_start")))
    )
    if not form.is_valid():
        messages.error(request, _form_error_text(form))
        return redirect(back)
    try:
        live.live_booking_cancel(
            booking=booking, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The booking is cancelled; the other person has been told."))
    return redirect(back)


# --- The mentor's calendar --------------------------------------------------------------


def _host_or_404(user: User) -> None:
    if not live.can_host(user):
        raise Http404


def _start_from(raw: str | None) -> datetime.date:
    """The calendar's first day from ``?start=YYYY-MM-DD``; today when missing or wrong."""
    try:
        day = datetime.date.fromisoformat(raw or "")
    except ValueError:
        return timezone.localdate()
    # Far-off years would overflow the date arithmetic of the previous/next links.
    return day if 1900 <= day.year <= 9000 else timezone.localdate()


def _calendar_url(start: datetime.date) -> str:
    return f"{reverse('assessments:live-calendar')}?start={start.isoformat()}"


def _calendar_context(
    request: HttpRequest, start: datetime.date, form: SlotForm | None = None, **extra
) -> dict:
    now = timezone.now()
    days = live.mentor_calendar(request.user, start, CALENDAR_DAYS)
    for day in days:
        for slot in day.slots:
            slot.started = slot.starts_at <= now
            slot.withdrawable = slot.cancelled_at is None and not slot.started
    span = datetime.timedelta(days=CALENDAR_DAYS)
    return {
        "days": days,
        "has_slots": any(day.slots for day in days),
        "start": start,
        "last_day": start + span - datetime.timedelta(days=1),
        "previous": start - span,
        "next": start + span,
        "today": timezone.localdate(),
        "form": form or SlotForm(initial={"date": max(start, timezone.localdate())}),
        "record_form": RecordForm(),
        **extra,
    }


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    _host_or_404(request.user)
    start = _start_from(request.GET.get("start"))
    return render(request, "assessments/live/calendar.html", _calendar_context(request, start))


@login_required
@require_POST
def slot_publish(request: HttpRequest) -> HttpResponse:
    _host_or_404(request.user)
    start = _start_from(request.POST.get("calendar_start"))
    form = SlotForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            slot = live.live_slot_create(
                mentor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                channel=data["channel"],
                how_to_join=data["how_to_join"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Published: the time from %(start)s.") % {"start": _when(slot.starts_at)}
            )
            day = timezone.localtime(slot.starts_at).date()
            in_view = start <= day < start + datetime.timedelta(days=CALENDAR_DAYS)
            return redirect(_calendar_url(start if in_view else day))
    context = _calendar_context(request, start, form=form)
    return render(request, "assessments/live/calendar.html", context, status=400)


@login_required
@require_POST
def slot_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _host_or_404(request.user)
    try:
        slot = live.slot_hosted_get(request.user, pk)
    except LiveSlot.DoesNotExist as exc:
        raise Http404 from exc
    try:
        live.live_slot_withdraw(slot=slot, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Withdrawn; an agent who had booked it has been told."))
    return redirect(_calendar_url(_start_from(request.POST.get("calendar_start"))))


def _hosted_booking_or_404(user: User, pk: int) -> LiveBooking:
    _host_or_404(user)
    try:
        return live.booking_hosted_get(user, pk)
    except LiveBooking.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_POST
def booking_record(request: HttpRequest, pk: int) -> HttpResponse:
    """After the call: notes and an optional recording make the submission, then the
    mentor grades it on the usual grading page."""
    booking = _hosted_booking_or_404(request.user, pk)
    start = _start_from(request.POST.get("calendar_start"))
    form = RecordForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            grade = live.live_session_record(
                booking=booking,
                mentor=request.user,
                notes=form.cleaned_data["notes"],
                recording=form.cleaned_data["recording"],
            )
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, _("Recorded: now grade the role-play with the rubric."))
            return redirect("assessments:roleplay-grade", grade.submission_id)
    else:
        error = _form_error_text(form)
    context = _calendar_context(
        request,
        start,
        record_for=booking.pk,
        record_error=error,
        record_notes=request.POST.get("notes", ""),
    )
    return render(request, "assessments/live/calendar.html", context, status=400)


@login_required
@require_POST
def booking_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _hosted_booking_or_404(request.user, pk)
    try:
        live.live_booking_no_show(booking=booking, mentor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Marked: %(agent)s did not come.") % {"agent": booking.agent})
    return redirect(_calendar_url(_start_from(request.POST.get("calendar_start"))))
