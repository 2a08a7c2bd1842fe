import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
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
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class FirstPasswordResetForm(PasswordResetForm):
    """Django's form, except that people without a usable password get the link too: the
    people import creates accounts without one, and this is how they first sign in."""

    def get_users(self, email: str):
        email_field = User.get_email_field_name()
        return (
            user
            for user in User._default_manager.filter(
                **{f"{email_field}__iexact": email, "is_active": True}
            )
            if _email_matches(getattr(user, email_field), email)
        )


def _email_matches(stored: str, given: str) -> bool:
    # As Django does: beyond the database's case-insensitive match, compare the
    # normalised, case-folded forms, so that look-alike characters cannot collide.
    def fold(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold()

    return fold(stored) == fold(given)
