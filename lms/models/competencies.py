from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bilingual import BilingualDescription, BilingualName, pick_language


class Level(models.IntegerChoices):
    """The three levels of every competency; 0 means no level demonstrated yet."""

    BASIC = 1, _("Basic")
    ADVANCED = 2, _("Advanced")
    EXPERT = 3, _("Expert")


class Dimension(BilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")


class Area(BilingualName):
    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimension"), on_delete=models.PROTECT, related_name="areas"
    )
    code = models.SlugField(_("code"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dimension__order", "order", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")


class Competency(BilingualName, BilingualDescription):
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="competencies"
    )
    code = models.SlugField(_("code"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["area__dimension__order", "area__order", "order", "code"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")


class BehaviouralIndicator(models.Model):
    """What a person at this level of the competency observably does."""

    competency = models.ForeignKey(
        Competency,
        verbose_name=_("competency"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    text_zh = models.TextField(_("indicator (Chinese)"))
    text_en = models.TextField(_("indicator (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["competency", "level", "order", "id"]
        verbose_name = _("behavioural indicator")
        verbose_name_plural = _("behavioural indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="indicator_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)


class Evidence(models.Model):
    """A trace that an agent demonstrated a competency at a level.

    Levels are never typed in: they are derived from these rows (see
    ``lms.services.competency_level_recalculate``). Evidence is not edited or deleted;
    a mistaken row is withdrawn, with who and why.
    """

    class Source(models.TextChoices):
        QUIZ = "quiz", _("Quiz passed")
        ROLEPLAY = "roleplay", _("Graded role-play")
        CASE_REVIEW = "case_review", _("Case review")
        CERTIFICATE = "certificate", _("Certificate")
        COURSE = "course", _("Course completed")
        HR_ASSESSMENT = "hr_assessment", _("HR assessment")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="evidence"
    )
    level = models.PositiveSmallIntegerField(_("level demonstrated"), choices=Level.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # What produced it, e.g. "quiz-attempt:42"; unique per source so a retried event
    # cannot record the same evidence twice.
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    observed_on = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("withdrawal reason"), blank=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [models.Index(fields=["agent", "competency"], name="evidence_agent_comp_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="evidence_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("observed_on")),
                name="evidence_valid_after_observed",
                violation_error_message=_("Evidence cannot expire before it was observed."),
            ),
            models.UniqueConstraint(
                fields=["agent", "competency", "source", "source_ref"],
                condition=~Q(source_ref=""),
                name="evidence_unique_per_source_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.competency} · {self.get_level_display()}"


class CompetencyLevel(models.Model):
    """An agent's current level in a competency: a cache of the derivation rule.

    Written only by ``competency_level_recalculate``; ``evidence`` points at the row
    that decided the level, so every level can be traced back.
    """

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="competency_levels",
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    evidence = models.ForeignKey(
        Evidence, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("current level")
        verbose_name_plural = _("current levels")
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "competency"], name="competency_level_one_per_agent"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="competency_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.competency} · {self.get_level_display()}"


class PositionProfile(BilingualName, BilingualDescription):
    """岗位画像: the levels a position requires."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("position profile")
        verbose_name_plural = _("position profiles")


class PositionRequirement(models.Model):
    profile = models.ForeignKey(
        PositionProfile,
        verbose_name=_("position profile"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("required level"), choices=Level.choices)

    class Meta:
        ordering = ["profile", "competency"]
        verbose_name = _("required level")
        verbose_name_plural = _("required levels")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "competency"], name="position_requirement_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="position_requirement_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} · {self.competency} ≥ {self.get_level_display()}"
