import zoneinfo

from django.conf import settings
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Show times in the signed-in user's zone, and use their language unless they chose
    another one for this browser with the language switch (cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(user.preferred_language)
                request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        timezone.deactivate()
        return response
