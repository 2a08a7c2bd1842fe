"""Certificates: issued once per person, program and cycle; verified by an unguessable
code; their PDF written before the row says "issued"."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .programs import Program

EXPIRING_SOON_DAYS = 60


class Certificate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being issued")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    class State(models.TextChoices):
        """What a reader is told: the status, with time and renewal taken into account."""

        PENDING = "pending", _("Being issued")
        VALID = "valid", _("Valid")
        EXPIRING = "expiring", _("Expiring soon")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="certificates"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    # The n-th certificate of this person in this program: a renewal is the next cycle.
    # Unique with program and holder, so two clicks or a retried task make one row.
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates_issued",
        help_text=_("Empty when issued automatically."),
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=list)
    pdf = models.FileField(_("PDF"), upload_to="certificates/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.TextField(_("why revoked"), blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("renewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renews",
    )
    reminders_sent = models.JSONField(_("expiry reminders sent"), default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [models.Index(fields=["status", "expires_on"], name="certificate_expiry_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "program", "cycle"], name="certificate_once_per_cycle"
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | (Q(issued_at__isnull=False) & ~Q(pdf="")),
                name="certificate_issued_has_pdf",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False),
                name="certificate_revoked_has_time",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("valid_from")),
                name="certificate_expires_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    def state(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.status == self.Status.REVOKED:
            return self.State.REVOKED
        if self.status == self.Status.PENDING:
            return self.State.PENDING
        if self.superseded_by_id is not None:
            return self.State.SUPERSEDED
        if self.status == self.Status.EXPIRED or (
            self.expires_on is not None and self.expires_on <= today
        ):
            return self.State.EXPIRED
        if self.expires_on is not None and (self.expires_on - today).days <= EXPIRING_SOON_DAYS:
            return self.State.EXPIRING
        return self.State.VALID

    def state_label(self, today: datetime.date | None = None) -> str:
        return self.State(self.state(today)).label


class SerialCounter(models.Model):
    """The last serial number given in a year (AA-2026-000123): taken under a row lock,
    so serials are dense and never repeat."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
