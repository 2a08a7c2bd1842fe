import zoneinfo

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation

from .models import User


def user_preferences_activate(request: HttpRequest, user: User) -> None:
    """Show times in the user's zone and speak their language, unless this browser chose
    another language with the switch (cookie)."""
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(user.preferred_language)
        request.LANGUAGE_CODE = translation.get_language()


def speaking_to(user: User):
    """Translate in the user's language: for messages written outside their request
    (notifications, e-mails from tasks)."""
    return translation.override(user.preferred_language or settings.LANGUAGE_CODE)
