"""Serializer fields shared by the API of every app (lower apps' api modules are not)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Competency


class CompetencyField(serializers.CharField):
    """A competency given by its code or its id."""

    def to_internal_value(self, data) -> Competency:
        value = super().to_internal_value(data)
        lookup = Q(code=value)
        if value.isdigit():
            lookup |= Q(pk=int(value))
        # A code wins over an id when both match: codes are what people type.
        matches = sorted(Competency.objects.filter(lookup), key=lambda c: c.code != value)
        if not matches:
            raise serializers.ValidationError(_("No competency has this code or id."))
        return matches[0]
