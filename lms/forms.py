from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Role, User


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class MentorshipForm(forms.Form):
    mentor = forms.ModelChoiceField(
        label=_("Mentor"),
        queryset=User.objects.filter(is_active=True, groups__name=Role.MENTOR).order_by(
            "display_name"
        ),
    )
    mentee = forms.ModelChoiceField(
        label=_("Mentee"),
        queryset=User.objects.filter(is_active=True, groups__name=Role.AGENT).order_by(
            "display_name"
        ),
    )
    started_on = forms.DateField(
        label=pgettext_lazy("date", "Start"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
