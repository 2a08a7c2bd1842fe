"""Forms of the live role-play pages. They only parse input; the rules (future times, no
overlap, who may book what) live in ``assessments.live``."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .live import bookable_scenarios
from .models import LiveSlot


class SlotForm(forms.Form):
    """A time to publish: a day and two clock times in the user's current time zone."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=LiveSlot._meta.get_field("channel").choices
    )
    how_to_join = forms.CharField(
        label=_("How to join"),
        max_length=300,
        required=False,
        help_text=_("A phone number or meeting link, shown to the agent who books."),
    )

    def clean(self) -> dict:
        data = super().clean()
        day, start, end = data.get("date"), data.get("start"), data.get("end")
        if day and start and end:
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start))
            data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end))
        return data


class BookingForm(forms.Form):
    scenario = forms.ModelChoiceField(
        label=_("Scenario"),
        queryset=bookable_scenarios(),
        error_messages={
            "required": _("Choose an open role-play scenario."),
            "invalid_choice": _("Choose an open role-play scenario."),
        },
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)


class RecordForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes on the role-play"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write notes on how the role-play went.")},
    )
    recording = forms.FileField(label=_("Recording (optional)"), required=False)
