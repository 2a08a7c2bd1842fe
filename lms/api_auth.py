"""API tokens: they expire ``API_TOKEN_TTL_DAYS`` after they were issued, asking for one
again after that gives a new key (the old one stops working), and a client can revoke
its own token. A token that never expired would outlive a leaked laptop."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from .models import User
from .preferences import user_preferences_activate


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_expires_at(token: Token) -> datetime.datetime:
    return token.created + token_lifetime()


def token_is_expired(token: Token, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


@transaction.atomic
def token_issue(*, user: User) -> Token:
    """The user's token, or a new one when they have none or theirs has expired."""
    # Locking the user's row: two logins at once must not both replace the token.
    User.objects.select_for_update().filter(pk=user.pk).first()
    token = Token.objects.filter(user=user).first()
    if token is not None and not token_is_expired(token):
        return token
    if token is not None:
        token.delete()
    return Token.objects.create(user=user)


def token_revoke(*, user: User) -> bool:
    """Delete the user's token; True when there was one."""
    deleted, _rows = Token.objects.filter(user=user).delete()
    return bool(deleted)


class PreferencesTokenAuthentication(TokenAuthentication):
    """Token authentication that refuses expired tokens and applies the user's language
    and time zone."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise AuthenticationFailed(
                _("This token has expired: ask for a new one at /api/auth/token/.")
            )
        return user, token

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user_preferences_activate(request._request, result[0])
        return result
