"""The career ladder (初级 → 中级 → 高级 → mentor → trainer) and promotion decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.models import PositionProfile
from lms.models.bilingual import BilingualName

from .programs import Program


class CareerLevel(BilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    min_points = models.PositiveIntegerField(_("points at least"), default=0)
    min_tenure_months = models.PositiveSmallIntegerField(_("months of tenure at least"), default=0)
    profile = models.ForeignKey(
        PositionProfile,
        verbose_name=_("position profile to meet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    programs = models.ManyToManyField(
        Program, verbose_name=_("certificates required"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("career level")
        verbose_name_plural = _("career levels")


class CareerStatus(models.Model):
    """Where a person stands on the ladder now; the history is in Promotion."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="career",
    )
    level = models.ForeignKey(
        CareerLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("career level held")
        verbose_name_plural = _("career levels held")

    def __str__(self) -> str:
        return f"{self.person} · {self.level}"


class Promotion(models.Model):
    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="promotions",
    )
    from_level = models.ForeignKey(
        CareerLevel,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_level = models.ForeignKey(
        CareerLevel, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("decision"), max_length=10, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("promotion decision")
        verbose_name_plural = _("promotion decisions")
        constraints = [
            # Two HR clicks at once: the person is promoted to a level once.
            models.UniqueConstraint(
                fields=["person", "to_level"],
                condition=Q(status="approved"),
                name="promotion_approved_once",
            ),
            models.CheckConstraint(
                condition=Q(status="approved") | ~Q(note=""),
                name="promotion_rejection_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.to_level} ({self.get_status_display()})"
