from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def pick_language(zh: str, en: str) -> str:
    """The Chinese or English text for the active language, falling back to the other."""
    if (get_language() or "zh-hans").startswith("en"):
        return en or zh
    return zh or en


class BilingualName(models.Model):
    """Reference data that HR edits in both working languages."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class BilingualDescription(models.Model):
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)
