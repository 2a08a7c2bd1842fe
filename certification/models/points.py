"""The points ledger (append-only), the rules that award points, and honours."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models.bilingual import BilingualName


class LedgerImmutable(Exception):
    """Raised on any attempt to change or remove a ledger entry."""


class PointsQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutable("Points entries are never updated; add a correction.")

    def delete(self):
        raise LedgerImmutable("Points entries are never deleted; add a correction.")


class PointsEntry(models.Model):
    """One line of a person's points: never edited, never deleted (PostgreSQL refuses it
    too, by trigger). A correction is a new line with a reason."""

    class Reason(models.TextChoices):
        COURSE = "course", _("Course completed")
        QUIZ = "quiz", _("Quiz passed")
        ROLEPLAY = "roleplay", _("Role-play passed")
        CASE_REVIEW = "case_review", _("Case review passed")
        CERTIFICATE = "certificate", _("Certificate")
        HONOUR = "honour", _("Honour")
        CORRECTION = "correction", _("Correction")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="points",
    )
    amount = models.IntegerField(_("reward points"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    source_type = models.CharField(_("source"), max_length=40, blank=True)
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    # "<reason>:<source_type>:<source_id>": each source counts once for each reason.
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)

    objects = PointsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [models.Index(fields=["person", "created_at"], name="points_person_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="points_amount_not_zero"),
            models.CheckConstraint(
                condition=~Q(reason="correction") | (~Q(note="") & Q(created_by__isnull=False)),
                name="points_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.amount:+d} {self.get_reason_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutable("Points entries are never updated; add a correction.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable("Points entries are never deleted; add a correction.")


class PointRule(models.Model):
    """How many points an achievement earns. Certificates earn their program's points and
    honours their type's; these rules cover the rest."""

    class Event(models.TextChoices):
        COURSE = "course", _("A course completed")
        QUIZ = "quiz", _("A quiz passed (first pass of each quiz)")
        ROLEPLAY = "roleplay", _("A role-play passed (first pass of each scenario)")
        CASE_REVIEW = "case_review", _("A case review passed (first pass of each scenario)")

    event = models.CharField(_("achievement"), max_length=12, choices=Event.choices, unique=True)
    points = models.PositiveIntegerField(_("reward points"))
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        ordering = ["event"]
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")

    def __str__(self) -> str:
        return f"{self.get_event_display()}: {self.points}"


class HonourType(BilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    points = models.PositiveIntegerField(_("reward points"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")


class Honour(models.Model):
    """A monthly honour awarded by HR (服务之星, 问题解决专家, ...)."""

    honour_type = models.ForeignKey(
        HonourType, verbose_name=_("honour"), on_delete=models.PROTECT, related_name="awards"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="honours",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month honoured."))
    note = models.CharField(_("citation"), max_length=300, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)

    class Meta:
        ordering = ["-month", "honour_type"]
        verbose_name = _("honour awarded")
        verbose_name_plural = _("honours awarded")
        constraints = [
            models.UniqueConstraint(
                fields=["honour_type", "person", "month"], name="honour_once_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="honour_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.honour_type} · {self.person} · {self.month:%Y-%m}"
