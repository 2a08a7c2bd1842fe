"""Composite assessment plans: a quiz, a role-play and a case review, weighted."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courses.models import BilingualTitle

from .quizzes import Quiz
from .roleplay import Scenario


class AssessmentPlan(BilingualTitle):
    """A person's composite score is the weighted sum of their best result in each part
    (``assessments.plans.composite_scores``); a part with weight 0 is not used."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    quiz = models.ForeignKey(
        Quiz,
        verbose_name=_("quiz"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    roleplay = models.ForeignKey(
        Scenario,
        verbose_name=_("role-play"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Scenario.Kind.ROLEPLAY},
    )
    case_review = models.ForeignKey(
        Scenario,
        verbose_name=_("case review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Scenario.Kind.CASE_REVIEW},
    )
    quiz_weight = models.PositiveSmallIntegerField(
        _("quiz weight (%)"), default=40, validators=[MaxValueValidator(100)]
    )
    roleplay_weight = models.PositiveSmallIntegerField(
        _("role-play weight (%)"), default=35, validators=[MaxValueValidator(100)]
    )
    case_weight = models.PositiveSmallIntegerField(
        _("case review weight (%)"), default=25, validators=[MaxValueValidator(100)]
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("assessment plan")
        verbose_name_plural = _("assessment plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiz_weight=100 - F("roleplay_weight") - F("case_weight")),
                name="plan_weights_sum_100",
                violation_error_message=_("The weights must add up to 100."),
            ),
            models.CheckConstraint(
                condition=Q(quiz_weight=0) | Q(quiz__isnull=False),
                name="plan_quiz_weight_needs_quiz",
                violation_error_message=_("Choose the quiz, or give it no weight."),
            ),
            models.CheckConstraint(
                condition=Q(roleplay_weight=0) | Q(roleplay__isnull=False),
                name="plan_roleplay_weight_needs_scenario",
                violation_error_message=_("Choose the role-play, or give it no weight."),
            ),
            models.CheckConstraint(
                condition=Q(case_weight=0) | Q(case_review__isnull=False),
                name="plan_case_weight_needs_scenario",
                violation_error_message=_("Choose the case review, or give it no weight."),
            ),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="plan_pass_mark_percent"),
        ]
