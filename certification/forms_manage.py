"""Forms of HR's certification pages: they read input; the services in ``programs`` and
``issuing`` validate in full and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.models import AssessmentPlan, Quiz, Scenario
from courses.models import Course
from lms.models import Competency, Level

from .models import Certificate, CertificateTemplate, Program, Requirement
from .programs import PROGRAM_FIELDS, TARGETS
from .selectors import REGISTER_STATES, RegisterFilters


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields when the form has them,
    otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


# --- Programs ------------------------------------------------------------------------


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "code",
            "kind",
            "level",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
            "tag_zh",
            "tag_en",
            "validity_months",
            "issue_mode",
            "min_points",
            "points_awarded",
            "refresher_course",
            "template",
            "evidence_lapses",
        ]
        labels = {
            "title_zh": _("Title (Chinese)"),
            "title_en": _("Title (English)"),
            "description_zh": _("Description (Chinese)"),
            "description_en": _("Description (English)"),
        }
        help_texts = {
            "code": _("Letters, digits and hyphens; fixed once created."),
            "level": _("The competency level the certificate stands for, if any."),
            "min_points": _("A requirement of its own: the person's points balance."),
            "points_awarded": _("Added to the holder's points when the certificate is issued."),
            "refresher_course": _(
                "Holders are enrolled in it with the first expiry reminder, 60 days ahead."
            ),
            "evidence_lapses": _(
                "When the certificate expires, the competency levels it proved expire too."
            ),
        }
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        courses = Course.objects.filter(status=Course.Status.PUBLISHED)
        if self.instance.refresher_course_id:
            courses = courses | Course.objects.filter(pk=self.instance.refresher_course_id)
        self.fields["refresher_course"].queryset = courses.order_by("code")
        self.fields["template"].queryset = CertificateTemplate.objects.order_by("kind", "name")
        if self.instance.pk:
            self.fields["code"].disabled = True

    def program_fields(self) -> dict:
        names = PROGRAM_FIELDS if not self.instance.pk else PROGRAM_FIELDS - {"code"}
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in names}


# --- Requirements --------------------------------------------------------------------

REQUIRED_MESSAGES = {
    "course": _("Choose a course."),
    "quiz": _("Choose a quiz."),
    "scenario": _("Choose a role-play scenario."),
    "plan": _("Choose an assessment plan."),
    "competency": _("Choose a competency."),
}


def _target_field(kind: str) -> forms.ModelChoiceField:
    if kind == Requirement.Kind.COURSE:
        queryset = Course.objects.exclude(status=Course.Status.ARCHIVED).order_by("code")
        name, label = "course", _("Course")
    elif kind == Requirement.Kind.QUIZ:
        queryset = Quiz.objects.exclude(status=Quiz.Status.ARCHIVED).order_by("code")
        name, label = "quiz", _("Quiz")
    elif kind == Requirement.Kind.ROLEPLAY:
        queryset = Scenario.objects.filter(kind=Scenario.Kind.ROLEPLAY).exclude(
            status=Scenario.Status.ARCHIVED
        )
        queryset = queryset.order_by("code")
        name, label = "scenario", _("Role-play scenario")
    elif kind == Requirement.Kind.PLAN:
        queryset = AssessmentPlan.objects.filter(is_active=True).order_by("code")
        name, label = "plan", _("Assessment plan")
    else:
        queryset = Competency.objects.filter(is_active=True).order_by(
            "area__dimension__order", "area__order", "order", "code"
        )
        name, label = "competency", _("Competency")
    return forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        error_messages={"required": REQUIRED_MESSAGES[name]},
    )


class RequirementForm(forms.Form):
    """One kind of requirement: its target, and the minimum where the kind has one (a
    score in %, or a competency level). The page shows one such form per kind."""

    def __init__(self, *args, kind: str, **kwargs):
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.kind_label = Requirement.Kind(kind).label
        self.target_name = TARGETS[kind]
        self.fields[self.target_name] = _target_field(kind)
        score_message = _("The minimum score is a percentage from 0 to 100.")
        if kind == Requirement.Kind.QUIZ:
            self.fields["minimum"] = forms.IntegerField(
                label=_("Score at least (%)"),
                required=False,
                min_value=0,
                max_value=100,
                help_text=_("Empty: the quiz's own pass mark."),
                error_messages={"min_value": score_message, "max_value": score_message},
            )
        elif kind in (Requirement.Kind.ROLEPLAY, Requirement.Kind.PLAN):
            self.fields["minimum"] = forms.IntegerField(
                label=_("Score at least (%)"),
                min_value=0,
                max_value=100,
                error_messages={
                    "required": _("Give the minimum score, a percentage from 0 to 100."),
                    "min_value": score_message,
                    "max_value": score_message,
                },
            )
        elif kind == Requirement.Kind.COMPETENCY:
            self.fields["minimum"] = forms.TypedChoiceField(
                label=_("Level at least"),
                choices=Level.choices,
                coerce=int,
                error_messages={
                    "required": _("Choose the level required: basic, advanced or expert.")
                },
            )

    def requirement_fields(self) -> dict:
        return {
            "kind": self.kind,
            self.target_name: self.cleaned_data[self.target_name],
            "minimum": self.cleaned_data.get("minimum"),
        }


def requirement_forms(data=None, *, bound_kind: str = "") -> list[RequirementForm]:
    """One form per kind; only the kind posted is bound to the data."""
    return [
        RequirementForm(data if kind == bound_kind else None, kind=kind)
        for kind in Requirement.Kind.values
    ]


# --- The register ----------------------------------------------------------------------


class RegisterFilterForm(forms.Form):
    """The register's filters, read from the query string; a value that does not parse
    is ignored rather than refused, as a filter should."""

    program = forms.IntegerField(required=False, min_value=1)
    team = forms.SlugField(required=False)
    state = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(state, Certificate.State(state).label) for state in REGISTER_STATES],
    )
    q = forms.CharField(required=False, max_length=100)

    def filters(self) -> RegisterFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return RegisterFilters(
            program_id=data.get("program"),
            team_code=data.get("team") or "",
            state=data.get("state") or "",
            search=data.get("q") or "",
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why revoked"),
        max_length=1000,
        error_messages={"required": _("Say why the certificate is revoked.")},
    )
