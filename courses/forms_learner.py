from django import forms
from django.utils.translation import gettext_lazy as _

from lms.models import Competency

from .models import DeliveryMode, Tier


class CatalogueFilterForm(forms.Form):
    """The catalogue's GET filters; an unknown value is dropped, never an error page."""

    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=[("", _("All tiers")), *Tier.choices]
    )
    competency = forms.ChoiceField(label=_("Competency"), required=False)
    delivery_mode = forms.ChoiceField(
        label=_("Delivery mode"),
        required=False,
        choices=[("", _("All delivery modes")), *DeliveryMode.choices],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Title or code")}),
    )

    def __init__(self, *args, competencies: list[Competency], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [
            ("", _("All competencies")),
            *[(c.code, f"{c.area.name} · {c.name}") for c in competencies],
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters, ready for ``selectors.catalogue_for``."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "tier": data.get("tier") or "",
            "competency": data.get("competency") or "",
            "delivery_mode": data.get("delivery_mode") or "",
            "search": (data.get("q") or "").strip(),
        }
