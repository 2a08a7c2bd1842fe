from rest_framework.authentication import TokenAuthentication

from .preferences import user_preferences_activate


class PreferencesTokenAuthentication(TokenAuthentication):
    """Token authentication that also applies the user's language and time zone."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user_preferences_activate(request._request, result[0])
        return result
