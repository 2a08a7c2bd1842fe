"""Live role-play: a mentor publishes times, an agent books one, the mentor plays the
customer by phone or video outside the app and grades with the scenario's rubric."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .roleplay import Channel, Scenario, Submission


class LiveSlot(models.Model):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="live_slots",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    channel = models.CharField(
        _("channel"),
        max_length=8,
        choices=[
            (Channel.PHONE.value, Channel.PHONE.label),
            (Channel.VIDEO.value, Channel.VIDEO.label),
        ],
        default=Channel.PHONE,
    )
    how_to_join = models.CharField(
        _("how to join"),
        max_length=300,
        blank=True,
        help_text=_("A phone number or meeting link, shown to the agent who books."),
    )
    cancelled_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("live role-play time")
        verbose_name_plural = _("live role-play times")
        indexes = [models.Index(fields=["mentor", "starts_at"], name="live_slot_mentor_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="live_slot_ends_after_start",
                violation_error_message=_("A time must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.starts_at:%Y-%m-%d %H:%M}"


class LiveBooking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("Agent did not come")

    slot = models.ForeignKey(
        LiveSlot, verbose_name=_("time"), on_delete=models.CASCADE, related_name="bookings"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="live_bookings",
    )
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    booked_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    submission = models.OneToOneField(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_booking",
    )

    class Meta:
        ordering = ["slot__starts_at", "id"]
        verbose_name = _("live role-play booking")
        verbose_name_plural = _("live role-play bookings")
        constraints = [
            # Two agents clicking the same time at once: one of them gets it.
            models.UniqueConstraint(
                fields=["slot"],
                condition=~Q(status="cancelled"),
                name="live_slot_booked_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="live_booking_cancel_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.slot}"
