from django.utils import timezone

from .preferences import user_preferences_activate


class UserPreferencesMiddleware:
    """Apply the signed-in user's language and time zone to the request.

    API requests authenticated by token are handled by ``lms.api_auth``, because DRF
    authenticates them after the middleware has run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_preferences_activate(request, user)
        response = self.get_response(request)
        timezone.deactivate()
        return response
