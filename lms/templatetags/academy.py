from django import template
from django.utils.translation import gettext as _

from lms.models import Level

register = template.Library()


@register.filter
def level_label(value: int) -> str:
    """ "基础 / 进阶 / 专家", or "not yet" for 0."""
    if not value:
        return _("Not yet")
    return str(Level(value).label)
