"""Forms of the points, honours and ladder pages. They only parse input; the rules (one
honour per month, a correction needs a reason, who may be promoted) live in
``certification.points`` and ``certification.ladder``."""

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.models import User

from .models import CareerLevel, HonourType, PointRule, Program
from .points import MAX_CORRECTION, MAX_RULE_POINTS


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.employee_no})" if obj.employee_no else str(obj)


def active_people():
    return User.objects.filter(is_active=True).order_by("display_name", "username")


class CorrectionForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Points (+ to add, − to remove)"),
        min_value=-MAX_CORRECTION,
        max_value=MAX_CORRECTION,
        error_messages={"required": _("Enter the points to add or remove.")},
    )
    note = forms.CharField(
        label=_("Reason"),
        max_length=300,
        error_messages={"required": _("Say why the points are corrected.")},
    )

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("A correction must add or remove at least one point."))
        return amount


class PointRulesForm(forms.Form):
    """Points and "in force" for every achievement, one pair of fields per event."""

    def __init__(self, *args, rules: list[PointRule], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for rule in rules:
            points = f"{rule.event}_points"
            active = f"{rule.event}_active"
            self.fields[points] = forms.IntegerField(
                label=rule.get_event_display(),
                min_value=0,
                max_value=MAX_RULE_POINTS,
                initial=rule.points,
                error_messages={"required": _("Enter the points (0 for none).")},
            )
            self.fields[active] = forms.BooleanField(
                label=_("in force"), required=False, initial=rule.is_active
            )
            self.rows.append((rule, points, active))

    def row_fields(self):
        return [(rule, self[points], self[active]) for rule, points, active in self.rows]

    def rules(self) -> list[tuple[str, int, bool]]:
        return [
            (rule.event, self.cleaned_data[points], self.cleaned_data[active])
            for rule, points, active in self.rows
        ]


class HonourTypeForm(forms.ModelForm):
    class Meta:
        model = HonourType
        fields = ["code", "name_zh", "name_en", "points", "is_active"]
        labels = {"points": _("Points awarded")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code names the honour in links and the demo: it does not change.
            self.fields["code"].disabled = True


class MonthField(forms.DateField):
    """A month as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages", {"invalid": _("Enter a month as YYYY-MM, e.g. 2026-03.")}
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> datetime.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class HonourAwardForm(forms.Form):
    honour_type = forms.ModelChoiceField(
        label=_("Honour"),
        queryset=HonourType.objects.filter(is_active=True).order_by("code"),
        error_messages={
            "required": _("Choose an honour in use."),
            "invalid_choice": _("Choose an honour in use."),
        },
    )
    person = PersonChoiceField(
        label=_("Person"),
        queryset=active_people(),
        error_messages={
            "required": _("Choose the person honoured."),
            "invalid_choice": _("Choose the person honoured."),
        },
    )
    month = MonthField(label=_("Month"))
    note = forms.CharField(label=_("Citation"), max_length=300, required=False)


class HonourMonthForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)


class CareerLevelForm(forms.ModelForm):
    programs = forms.ModelMultipleChoiceField(
        label=_("Certificates required"),
        queryset=Program.objects.filter(is_active=True).order_by("kind", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CareerLevel
        fields = [
            "code",
            "name_zh",
            "name_en",
            "rank",
            "min_points",
            "min_tenure_months",
            "profile",
            "programs",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            # A closed program still required by this level stays listed (and kept).
            self.fields["programs"].queryset = Program.objects.filter(
                Q(is_active=True) | Q(pk__in=self.instance.programs.values("pk"))
            ).order_by("kind", "code")


class PromotionDecisionForm(forms.Form):
    person = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True))
    to_level = forms.ModelChoiceField(queryset=CareerLevel.objects.all())
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        error_messages={"required": _("Approve or reject.")},
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the promotion is rejected."))
        return data
