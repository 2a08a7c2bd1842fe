"""Forms of the plan pages and of the calibration page's random share: they validate
input; ``plans.plan_save`` and ``roleplay.second_graders_sample`` write."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lms.models import Mentorship, Role, User

from .forms_manage import BILINGUAL_LABELS
from .models import AssessmentPlan, Quiz, Scenario

PLAN_FIELDS = [
    "code",
    "title_zh",
    "title_en",
    "quiz",
    "quiz_weight",
    "roleplay",
    "roleplay_weight",
    "case_review",
    "case_weight",
    "pass_mark",
    "is_active",
]


def _not_archived(queryset: QuerySet, status: str, current_id: int | None) -> QuerySet:
    """Archived quizzes and scenarios are not offered, but the one already chosen stays."""
    keep = ~Q(status=status)
    if current_id:
        keep |= Q(pk=current_id)
    return queryset.filter(keep).order_by("code")


class PlanForm(forms.ModelForm):
    """The plan's parts and weights. Model validation (``full_clean``, with the weight
    constraints) runs here and again in ``plans.plan_save``."""

    class Meta:
        model = AssessmentPlan
        fields = PLAN_FIELDS
        labels = {
            **BILINGUAL_LABELS,
            "quiz": _("Knowledge quiz"),
            "roleplay": _("Role-play scenario"),
            "case_review": _("Real-case review"),
        }
        help_texts = {
            "quiz_weight": _("The three weights add up to 100; a part with weight 0 is not used."),
            "pass_mark": _("The composite score needed to pass, out of 100."),
            "is_active": _("Plans in use appear on agents' “my composite scores” page."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance
        if plan.pk:
            # Certification and the demo refer to a plan by its code: fixed once created.
            self.fields["code"].disabled = True
        self.fields["quiz"].queryset = _not_archived(
            Quiz.objects.all(), Quiz.Status.ARCHIVED, plan.quiz_id
        )
        self.fields["roleplay"].queryset = _not_archived(
            Scenario.objects.filter(kind=Scenario.Kind.ROLEPLAY),
            Scenario.Status.ARCHIVED,
            plan.roleplay_id,
        )
        self.fields["case_review"].queryset = _not_archived(
            Scenario.objects.filter(kind=Scenario.Kind.CASE_REVIEW),
            Scenario.Status.ARCHIVED,
            plan.case_review_id,
        )

    def plan_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS if name != "code"}


def second_grader_choices() -> QuerySet[User]:
    """Who may be offered as a second grader for a random share: trainers, HR, admins
    and active mentors. The service still checks each submission (a mentor grades only
    their mentees). One query."""
    mentors = Mentorship.objects.filter(ended_on__isnull=True).values("mentor")
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__name__in=[Role.TRAINER, Role.HR, Role.ADMIN])
            | Q(is_superuser=True)
            | Q(pk__in=mentors)
        )
        .distinct()
        .order_by("username")
    )


class SecondGraderSampleForm(forms.Form):
    share = forms.IntegerField(
        label=_("Share of the waiting submissions (%)"),
        min_value=1,
        max_value=100,
        initial=10,
        help_text=_("Rounded up; only submissions without a second grader yet are drawn."),
    )
    graders = forms.ModelMultipleChoiceField(
        label=_("Second graders"),
        queryset=User.objects.none(),
        help_text=_("Each drawn submission goes to one of them, at random, who may grade it."),
        error_messages={"required": _("Choose at least one grader.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["graders"].queryset = second_grader_choices()
