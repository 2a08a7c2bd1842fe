"""Service results imported per agent and period, and the import jobs that bring them in.

The KPIs are what training exists to move: first response time, handling time,
first-contact resolution, satisfaction and complaints (DESIGN.md, "Reports").
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ServiceKPI(models.Model):
    class Period(models.TextChoices):
        DAY = "day", _("Day")
        WEEK = "week", _("Week")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="service_kpis",
    )
    period = models.CharField(_("period"), max_length=4, choices=Period.choices)
    # The day, or the Monday of the week.
    starts_on = models.DateField(_("starts on"))
    contacts = models.PositiveIntegerField(_("contacts handled"))
    first_response_seconds = models.DecimalField(
        _("first response time (s)"), max_digits=8, decimal_places=1
    )
    handling_seconds = models.DecimalField(
        _("average handling time (s)"), max_digits=8, decimal_places=1
    )
    # Shares in % (0–100): first-contact resolution, and CSAT (a 1–5 score is converted:
    # 5 → 100 %, 1 → 0 %, so that both scales compare).
    first_contact_resolution = models.DecimalField(
        _("first-contact resolution (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    csat = models.DecimalField(
        _("satisfaction (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    complaints = models.PositiveIntegerField(_("complaints"))
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        ordering = ["agent", "period", "starts_on"]
        verbose_name = _("service KPI")
        verbose_name_plural = _("service KPIs")
        indexes = [models.Index(fields=["period", "starts_on"], name="kpi_period_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "period", "starts_on"], name="kpi_once_per_agent_period"
            ),
            models.CheckConstraint(
                condition=Q(first_contact_resolution__gte=0, first_contact_resolution__lte=100)
                & Q(csat__gte=0, csat__lte=100),
                name="kpi_shares_are_percent",
            ),
            models.CheckConstraint(
                condition=Q(period="day") | Q(starts_on__week_day=2),  # Sunday=1, Monday=2
                name="kpi_week_starts_monday",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.starts_on} ({self.period})"


class ImportJob(models.Model):
    """A people or KPI file being checked or imported in the background; the page polls
    it for progress and shows its summary (every bad row with its line number)."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("People")
        KPI = "kpi", _("Service KPIs")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected: nothing changed")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    dry_run = models.BooleanField(_("check only"), default=False)
    file = models.FileField(_("file"), upload_to="imports/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    # {"created": n, "updated": n, "unchanged": n, ...} and [{"line": n, "message": "..."}]
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def percent(self) -> int:
        if not self.total:  # not counted yet, or an empty file: done means all of it
            return 100 if self.status in (self.Status.DONE, self.Status.REJECTED) else 0
        return min(100, self.processed * 100 // self.total)
