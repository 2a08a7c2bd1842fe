"""Certification programs, what they require, and the templates their PDFs use."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import AssessmentPlan, Quiz, Scenario
from courses.models import BilingualTitle, Course
from lms.models import Competency, Level
from lms.models.bilingual import pick_language


class ProgramKind(models.TextChoices):
    SKILL = "skill", _("Skill certification")
    QUALITY = "quality", _("Quality certification")
    QUALIFICATION = "qualification", _("Qualification")


class CertificateTemplate(models.Model):
    """HTML and CSS of a certificate, edited by HR. Rendered with plain values only (no
    model objects), through a URL fetcher that serves nothing but our static files."""

    kind = models.CharField(_("program kind"), max_length=14, choices=ProgramKind.choices)
    name = models.CharField(_("name"), max_length=100)
    html = models.TextField(_("HTML"))
    css = models.TextField(_("CSS"), blank=True)
    is_default = models.BooleanField(_("default for its kind"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_default=True), name="template_one_default_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Program(BilingualTitle):
    class IssueMode(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatically when the requirements are met")
        APPROVAL = "approval", _("By HR")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=14, choices=ProgramKind.choices)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, null=True, blank=True
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # The ability tag (能力标签) a valid certificate shows on its holder's profile.
    tag_zh = models.CharField(_("ability tag (Chinese)"), max_length=50, blank=True)
    tag_en = models.CharField(_("ability tag (English)"), max_length=50, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for a certificate that does not expire."),
    )
    issue_mode = models.CharField(
        _("issued"), max_length=10, choices=IssueMode.choices, default=IssueMode.APPROVAL
    )
    min_points = models.PositiveIntegerField(_("points at least"), default=0)
    points_awarded = models.PositiveIntegerField(_("points on issue"), default=0)
    refresher_course = models.ForeignKey(
        Course,
        verbose_name=_("refresher course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence_lapses = models.BooleanField(
        _("competency evidence lapses with the certificate"), default=True
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programs",
        help_text=_("Empty: the default template of the program's kind."),
    )
    is_active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("certification program")
        verbose_name_plural = _("certification programs")

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)

    @property
    def tag(self) -> str:
        return pick_language(self.tag_zh, self.tag_en)


class Requirement(models.Model):
    """One condition of a program. ``minimum`` is a score in % for quizzes, role-plays and
    plans, and a competency level for competencies; courses need none."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course completed")
        QUIZ = "quiz", _("Quiz passed")
        ROLEPLAY = "roleplay", _("Role-play score")
        PLAN = "plan", _("Composite assessment score")
        COMPETENCY = "competency", _("Competency level")

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quiz = models.ForeignKey(
        Quiz,
        verbose_name=_("quiz"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scenario"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plan = models.ForeignKey(
        AssessmentPlan,
        verbose_name=_("assessment plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    competency = models.ForeignKey(
        Competency,
        verbose_name=_("competency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    minimum = models.PositiveSmallIntegerField(
        _("at least"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["program", "kind", "id"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="course",
                        course__isnull=False,
                        quiz=None,
                        scenario=None,
                        plan=None,
                        competency=None,
                    )
                    | Q(
                        kind="quiz",
                        quiz__isnull=False,
                        course=None,
                        scenario=None,
                        plan=None,
                        competency=None,
                    )
                    | Q(
                        kind="roleplay",
                        scenario__isnull=False,
                        minimum__isnull=False,
                        course=None,
                        quiz=None,
                        plan=None,
                        competency=None,
                    )
                    | Q(
                        kind="plan",
                        plan__isnull=False,
                        minimum__isnull=False,
                        course=None,
                        quiz=None,
                        scenario=None,
                        competency=None,
                    )
                    | Q(
                        kind="competency",
                        competency__isnull=False,
                        minimum__in=[1, 2, 3],
                        course=None,
                        quiz=None,
                        scenario=None,
                        plan=None,
                    )
                ),
                name="requirement_target_matches_kind",
                violation_error_message=_("Choose exactly what this kind of requirement needs."),
            ),
        ]

    def __str__(self) -> str:
        target = self.course or self.quiz or self.scenario or self.plan or self.competency
        if self.minimum is None:
            return f"{self.get_kind_display()}: {target}"
        return f"{self.get_kind_display()}: {target} ≥ {self.minimum}"
